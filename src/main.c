/* SPDX-License-Identifier: MIT */
/*
 * main.c - the riposte command: a table of subcommands (as ip(8), git and
 * wg(8) have), each a function in its own file that parses its own
 * options and returns the exit status.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage or input error.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "show.h"

#ifndef RIPOSTE_VERSION
#define RIPOSTE_VERSION "0.1.0"
#endif

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *summary;
} subcommands[] = {
	{ "check", check_main, "validate a rule file and say what it does" },
	{ "replay", replay_main, "run the rules over a capture, offline" },
	{ "run", run_main, "answer live on an interface" },
	{ "send", send_main, "forge and send frames (sendp, srp1)" },
	{ "show", show_main, "dissect the frames of a capture file" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: riposte COMMAND [OPTIONS]\n"
	      "       riposte --help | --version\n"
	      "\n"
	      "riposte is a TCP/IP test-responder and packet forger.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fputs("\nRun 'riposte COMMAND --help' for the options of a command.\n",
	      out);
}

int main(int argc, char *argv[])
{
	const char *cmd;
	size_t i;

	/* libsodium: SipHash for ISNs and cookies, randomness for seeds. */
	if (sodium_init() < 0) {
		fputs("riposte: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("riposte %s\n", RIPOSTE_VERSION);
		return 0;
	}
	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(cmd, subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	if (cmd[0] == '-')
		fprintf(stderr, "riposte: unknown option '%s'\n", cmd);
	else
		fprintf(stderr, "riposte: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
