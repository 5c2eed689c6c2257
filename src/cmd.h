/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - the subcommands (one file each) and what they share.
 */
#ifndef RIPOSTE_CMD_H
#define RIPOSTE_CMD_H

#include <stdint.h>
#include <stdio.h>

struct ruleset;

int check_main(int argc, char *argv[]);
void check_usage(FILE *out);
int replay_main(int argc, char *argv[]);
int run_main(int argc, char *argv[]);
void run_usage(FILE *out);
void replay_usage(FILE *out);
int send_main(int argc, char *argv[]);
void send_usage(FILE *out);

/* Loads a rule file, printing every error on stderr; NULL then. */
struct ruleset *cmd_load_rules(const char *cmd, const char *path);

/*
 * An option's number: decimal, 0x hex or 0 octal (strtoull's base 0), the
 * whole argument, starting with a digit (no sign, no blank), at most max.
 * Returns 0 with *v set, or -1.
 */
int cmd_parse_u64(const char *s, uint64_t max, uint64_t *v);

/* Prints "riposte: CMD: " + fmt(arg) and the usage; returns 2. */
int cmd_usage_error(const char *cmd, void (*usage)(FILE *), const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

#endif
