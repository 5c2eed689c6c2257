/* SPDX-License-Identifier: MIT */
/*
 * show.h - `riposte show`: dissect the frames of a capture file, one
 * tcpdump-like line per frame, or with -v a Scapy-show()-like tree of
 * every field under the names the rule language uses.
 */
#ifndef RIPOSTE_SHOW_H
#define RIPOSTE_SHOW_H

#include <stdio.h>
#include <time.h>

/*
 * Runs the subcommand; argv[0] is "show".  Prints frames on standard
 * output and problems on standard error.  Returns the exit status: 0, 2
 * for a usage error or a file that cannot be read (one line on standard
 * error), 1 when standard output could not be written.
 */
int show_main(int argc, char *argv[]);

/* Writes "   N HH:MM:SS.uuuuuu " (UTC), the start of every frame line. */
void show_print_stamp(FILE *out, unsigned long n, const struct timespec *ts);

/* Writes the subcommand's usage to out. */
void show_usage(FILE *out);

#endif
