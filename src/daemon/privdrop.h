/* SPDX-License-Identifier: MIT */
/*
 * privdrop.h - give up root after every socket is open (OpenBSD daemons'
 * habit): supplementary groups, gid, uid, every capability (effective,
 * permitted, inheritable, ambient and the bounding set), and no new
 * privileges ever after (PR_SET_NO_NEW_PRIVS).
 */
#ifndef RIPOSTE_DAEMON_PRIVDROP_H
#define RIPOSTE_DAEMON_PRIVDROP_H

#include <stddef.h>

/* Becomes user; 0, or -errno with a one-line reason in err. */
int privdrop(const char *user, char *err, size_t errlen);

/*
 * Confines the process to the system calls the loop needs (a seccomp
 * filter that kills it on any other); after privdrop(), which set
 * NO_NEW_PRIVS.  0, or -errno with a message in err.
 */
int privdrop_seccomp(char *err, size_t errlen);

#endif
