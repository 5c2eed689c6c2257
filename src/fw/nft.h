/* SPDX-License-Identifier: MIT */
/*
 * nft.h - installs the firewall of spec.h in the kernel, over netlink,
 * as two nftables tables that the riposte process owns.
 *
 * The tables carry NFT_TABLE_F_OWNER: the kernel ties them to the netlink
 * socket that created them and deletes them when that socket is closed,
 * however the process ends (exit, SIGKILL, a crash).  So the socket is
 * opened once with SOCK_CLOEXEC, so that no exec'd child keeps it, and
 * kept open for the whole life of the process; fw_nft_close() is the only
 * normal way the tables go away.
 *
 * The rules are built with libnftnl and mean exactly what
 * fw_spec_print() writes as nft text: `nft list ruleset` shows the same
 * rules, comments included.  Everything is sent as ONE nfnetlink batch, a
 * single kernel transaction: either the whole firewall is in place, or
 * nothing changed.
 *
 * Nothing here prints or exits: functions return 0 or -errno, and
 * fw_nft_install() describes a failure in words in err.
 */
#ifndef RIPOSTE_FW_NFT_H
#define RIPOSTE_FW_NFT_H

#include <stddef.h>
#include <stdint.h>

#include "spec.h"

/* Room enough for any message fw_nft_install() writes. */
#define FW_NFT_ERRLEN 512

/*
 * Longest comment sent to the kernel, in bytes without the NUL: nft's own
 * limit (NFTNL_UDATA_COMMENT_MAXLEN).  A longer fw_rule.comment is cut.
 */
#define FW_NFT_COMMENT_MAX 128

struct fw_nft; /* an open nfnetlink socket and its sequence numbers */

/*
 * Opens and binds a NETLINK_NETFILTER socket (SOCK_CLOEXEC), then asks the
 * kernel for the nf_tables generation once, so that a kernel or a process
 * that cannot do nftables is told now rather than at the first install.
 * On success stores a new handle in *out (freed by fw_nft_close()) and
 * returns 0.  Errors:
 *   -EPROTONOSUPPORT  the kernel has no nfnetlink or no nf_tables
 *                     ("kernel without nftables support");
 *   -EPERM            the process lacks CAP_NET_ADMIN in its network
 *                     namespace;
 *   -ENOMEM, or the -errno of socket(), bind(), sendto() or recv().
 */
int fw_nft_open(struct fw_nft **out);

/*
 * Replaces riposte's tables with the firewall of spec, in one batch (one
 * transaction, see fw_nft_build_batch()):
 *   table netdev riposte { flags owner; chain ingress: hook ingress on
 *       device iface, priority FW_INGRESS_PRIORITY, policy accept,
 *       spec->ingress as rules }
 *   table inet riposte { flags owner; chain output: hook output,
 *       priority 0, policy accept, spec->output as rules }
 * The tables this socket installed before (a reload) are deleted in the
 * same batch, so the old firewall stays whole until the new one replaces
 * it, and stays if the new one fails.  Waits for the kernel's answer.
 *
 * Returns 0, or -errno with a one-line reason (no trailing newline) in
 * err[errlen] naming the table, chain or rule concerned, e.g.
 *   "ingress rule 3 (tcp dport 22, comment "ssh"): Invalid argument".
 * Notable errors:
 *   -EINVAL      iface empty or longer than IFNAMSIZ-1, or a rule the
 *                nft text cannot express (see fw_nft_build_batch());
 *   -EPERM       a table named riposte already exists in this network
 *                namespace and is owned by another process (another
 *                riposte?), or CAP_NET_ADMIN is gone (after a privilege
 *                drop, a reload cannot install: keep CAP_NET_ADMIN or
 *                do not reload the firewall);
 *   -EOPNOTSUPP  a table named riposte exists without the owner flag
 *                (made by hand, not by a riposte): it is left alone;
 *   -ENOENT      no interface iface, on older kernels (recent ones,
 *                6.18 here, accept the chain for a missing device and
 *                hook it when the device appears: check iface first);
 *   -EPROTONOSUPPORT  the kernel has no nf_tables;
 *   -ENOBUFS     the kernel's answer overflowed the socket (only when
 *                thousands of rules fail at once); nothing was installed;
 *   -ETIMEDOUT   no answer within 5 s (never seen: the kernel answers
 *                within the send).
 */
int fw_nft_install(struct fw_nft *fw, const struct fw_spec *spec,
		   const char *iface, char *err, size_t errlen);

/*
 * The pure part of fw_nft_install(): writes the nfnetlink batch to buf
 * (cap bytes; buf may be NULL when cap is 0) and its size to *len.  The
 * messages, each one netlink message numbered seq, seq + 1, ... in order:
 *
 *   0        NFNL_MSG_BATCH_BEGIN (res_id NFNL_SUBSYS_NFTABLES)
 *   then for the netdev table, then for the inet table:
 *   +0       NEWTABLE riposte, flags owner     (create if missing: the
 *   +1       DELTABLE riposte                   add-delete-add idiom that
 *   +2       NEWTABLE riposte, flags owner      replaces any old table)
 *   +3       NEWCHAIN ingress / output
 *   +4 ...   per spec rule, in order: with a set (fw_rule.n_set), a
 *            NEWSET and NEWSETELEM messages of up to 64 keys; then
 *            NEWRULE
 *   last     NFNL_MSG_BATCH_END
 *
 * that is fw_nft_batch_msgs(spec) messages.  Only the last NEWRULE (or
 * the output chain, if it has no rules) asks for an ACK: the kernel
 * answers every error anyway.  Each rule's comment goes in
 * NFTA_RULE_USERDATA in nft's TLV format (NFTNL_UDATA_RULE_COMMENT, NUL
 * terminated, cut to FW_NFT_COMMENT_MAX bytes); no comment if NULL.
 *
 * Returns 0; -ENOSPC when the batch needs more than cap bytes (nothing is
 * written past buf + cap, and *len is still the size needed, so a call
 * with cap 0 measures); -EINVAL when iface is empty or too long, a rule
 * has an unknown match, an FW_L4_DPORT rule's proto is not TCP or UDP, or
 * an FW_L4_PROTO rule has a set;
 * -ENOMEM.  buf must be 4-byte aligned to be parsed back in place.
 */
int fw_nft_build_batch(const struct fw_spec *spec, const char *iface,
		       uint32_t seq, void *buf, size_t cap, size_t *len);

/*
 * Messages in the batch of spec: begin, 4 per table, each rule's (1, or
 * 2 + its set's chunks of 64 keys), end.
 */
size_t fw_nft_batch_msgs(const struct fw_spec *spec);

/*
 * Closes the socket: the kernel then deletes the tables it owns, as the
 * socket is released (tests/live/test_fw.sh measures it).  Frees fw.
 * NULL is a no-op.
 */
void fw_nft_close(struct fw_nft *fw);

#endif
