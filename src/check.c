/* SPDX-License-Identifier: MIT */
/*
 * check.c - `riposte check [-d] [-i IFACE] RULES`: validate a rule file
 * and say what it would do: the expanded rules, the kernel capture filter
 * (with -d its BPF program, as tcpdump -d prints it) and the nftables
 * tables the live engine installs.  Errors: every one, then exit 2.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "lang/diag.h"

void check_usage(FILE *out)
{
	fputs("usage: riposte check [-d] [-i IFACE] RULES\n"
	      "\n"
	      "Validates a rule file; prints the expanded rules, the kernel\n"
	      "capture filter and the nftables tables `riposte run` installs.\n"
	      "\n"
	      "  -d          print the capture filter's BPF program\n"
	      "              (as tcpdump -d does)\n"
	      "  -i IFACE    the interface to name in the nftables text\n"
	      "              (default IFACE)\n"
	      "  -h, --help  print this help\n",
	      out);
}

/* Loads path, printing every error; NULL after printing them. */
struct ruleset *cmd_load_rules(const char *cmd, const char *path)
{
	struct diag d;
	struct ruleset *rs = NULL;

	diag_init(&d, path);
	if (ruleset_load(path, &d, &rs) < 0) {
		diag_print(&d, stderr);
		if (!diag_count(&d))
			fprintf(stderr, "riposte: %s: cannot load %s\n", cmd,
				path);
		rs = NULL;
	}
	diag_cleanup(&d);
	return rs;
}

int cmd_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

int cmd_usage_error(const char *cmd, void (*usage)(FILE *), const char *fmt,
		    ...)
{
	va_list ap;

	fprintf(stderr, "riposte: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return 2;
}

int check_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *iface = "IFACE";
	bool dump = false;
	struct ruleset *rs;
	struct bpf_program prog;
	pcap_t *dead;
	char *filter;
	int c, status = 0;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":di:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dump = true;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		case ':':
			return cmd_usage_error("check", check_usage,
					       "option %s needs an argument",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("check", check_usage,
					       "unknown option %s",
					       argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error("check", check_usage, "%s",
				       argc - optind ? "one rule file, please" :
						       "no rule file");
	rs = cmd_load_rules("check", argv[optind]);
	if (!rs)
		return 2;
	filter = ruleset_capture_filter(rs);
	if (!filter) {
		fputs("riposte: check: out of memory\n", stderr);
		ruleset_free(rs);
		return 1;
	}
	printf("rules OK\n\n");
	/* The settings, said or not: what the engine will run with. */
	if (rs->has_seed)
		printf("settings: seed %" PRIu64, rs->seed);
	else
		fputs("settings: seed unset (replay: 1, run: random)", stdout);
	printf(", flows_max %" PRIu32 ", idle_timeout %" PRIu32
	       " s, source_limit %" PRIu32 "%s, global_limit %" PRIu32
	       "%s, no_amplification %" PRIu32 "\n\n",
	       rs->flows_max, rs->idle_s, rs->source_limit,
	       rs->source_limit ? "/s" : " (none)", rs->global_limit,
	       rs->global_limit ? "/s" : " (none)", rs->no_amplification);
	printf("%zu rules, first match wins:\n", rs->n_rules);
	ruleset_print_rules(rs, stdout);
	printf("\ncapture filter:\n    %s\n",
	       *filter ? filter : "(every frame)");
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead ||
	    pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "riposte: check: capture filter: %s\n",
			dead ? pcap_geterr(dead) : "out of memory");
		status = 1;
	} else {
		if (dump) {
			printf("\nBPF program (%u instructions):\n",
			       prog.bf_len);
			fflush(stdout);
			bpf_dump(&prog, 1);
		}
		pcap_freecode(&prog);
	}
	if (dead)
		pcap_close(dead);
	printf("\nnftables (nft -f), installed by riposte run -i %s:\n", iface);
	ruleset_print_nft(rs, stdout, iface);
	free(filter);
	ruleset_free(rs);
	return status;
}
