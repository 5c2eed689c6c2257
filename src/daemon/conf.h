/* SPDX-License-Identifier: MIT */
/*
 * conf.h - riposte.conf: every option of `riposte run` as `key = value`,
 * one per line, '#' comments, values bare or "quoted".  Parsed with the
 * rule files' discipline: every error as file:line:col, all reported,
 * nothing used from a file with errors.  The command line wins.
 */
#ifndef RIPOSTE_DAEMON_CONF_H
#define RIPOSTE_DAEMON_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/diag.h"

/* The ranges of the numbers, for the file and the command line alike. */
#define CONF_SNAPLEN_MIN 64
#define CONF_SNAPLEN_MAX 262144
#define CONF_BUFFER_MAX (1 << 30)
#define CONF_FLOWS_MAX 16777216 /* as `set flows_max` */
#define CONF_STATS_MAX 86400 /* seconds between counters (a day) */

struct run_conf {
	const char *interface;
	const char *rules;
	const char *user;
	const char *log;
	int firewall; /* -1 unset, 0 off, 1 on */
	bool has_seed;
	uint64_t seed;
	int snaplen;
	int buffer_size;
	int flows_max; /* 0: the rule file's `set flows_max` */
	int verbose; /* -1 unset */
	const char *write; /* -w: a pcap of every frame seen and sent */
	int stats_interval; /* seconds; 0: counters on SIGUSR1 only */
	bool stats_set; /* the command line gave it (0 too) */
	/* Storage for the strings above when they come from a file. */
	char *store;
};

/* Reads path into c (fields not in the file are left as they are). */
int conf_load(const char *path, struct run_conf *c, struct diag *d);
void conf_cleanup(struct run_conf *c);

#endif
