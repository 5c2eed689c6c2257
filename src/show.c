/* SPDX-License-Identifier: MIT */
/*
 * show.c - `riposte show -r FILE [-v]`.
 *
 *      1 12:00:00.000000 IP 198.51.100.1.40000 > 198.51.100.10.80: Flags [S], ...
 *
 * Each frame is numbered from 1 and stamped with its UTC time of day, as
 * `tcpdump -# -tt`-style golden files want it; with -v the line is followed
 * by the field tree and frames are separated by an empty line.  A frame
 * that does not parse is shown as far as it parsed, with the reason, and
 * does not change the exit status: only an unreadable file does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io/pcapfile.h"
#include "pkt/pkt.h"
#include "pkt/print.h"
#include "show.h"

void show_usage(FILE *out)
{
	fputs("usage: riposte show -r FILE [-v]\n"
	      "\n"
	      "Dissects the frames of a capture file (pcap or pcapng, Ethernet).\n"
	      "\n"
	      "  -r FILE     read FILE; - reads standard input\n"
	      "  -v          print every field (eth.src, ip.ttl, tcp.options.mss\n"
	      "              ...) as a tree after each frame's summary line\n"
	      "  -h, --help  print this help\n",
	      out);
}

void show_print_stamp(FILE *out, unsigned long n, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	fprintf(out, "%4lu %02d:%02d:%02d.%06ld ", n, tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts->tv_nsec / 1000);
}

/* Reads and prints every frame of path; returns the exit status. */
static int show_file(const char *path, bool verbose)
{
	char err[IO_PCAPFILE_ERRLEN] = "";
	struct io_pcapfile *f;
	struct io_frame fr;
	static struct pkt p;
	unsigned long n = 0;
	int rc, status = 0;

	rc = io_pcapfile_open(&f, path, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "riposte: show: cannot read %s: %s\n", path,
			err);
		return 2;
	}
	while ((rc = io_pcapfile_next(f, &fr, err, sizeof(err))) > 0) {
		n++;
		pkt_parse(&p, fr.data, fr.caplen);
		if (verbose && n > 1)
			fputc('\n', stdout);
		show_print_stamp(stdout, n, &fr.ts);
		pkt_print_line(stdout, &p);
		fputc('\n', stdout);
		if (verbose)
			pkt_print_tree(stdout, &p);
	}
	if (rc < 0) {
		/* The frames before the fault stay printed, first. */
		fflush(stdout);
		fprintf(stderr, "riposte: show: cannot read %s: %s\n", path,
			err);
		status = 2;
	}
	io_pcapfile_close(f);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "riposte: show: cannot write output: %s\n",
			strerror(errno));
		return status ? status : 1;
	}
	return status;
}

int show_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	bool verbose = false;
	int c;

	opterr = 0;
	optind = 0; /* GNU getopt: start afresh, even when called twice */
	while ((c = getopt_long(argc, argv, ":r:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			show_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"riposte: show: option -%c needs an argument\n",
				optopt);
			show_usage(stderr);
			return 2;
		default:
			if (optopt)
				fprintf(stderr,
					"riposte: show: unknown option -%c\n",
					optopt);
			else
				fprintf(stderr,
					"riposte: show: unknown option %s\n",
					argv[optind - 1]);
			show_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "riposte: show: unexpected argument '%s'\n",
			argv[optind]);
		show_usage(stderr);
		return 2;
	}
	if (!path) {
		fputs("riposte: show: no capture file (-r FILE)\n", stderr);
		show_usage(stderr);
		return 2;
	}
	return show_file(path, verbose);
}
