/* SPDX-License-Identifier: MIT */
/*
 * replay.c - `riposte replay -r IN.pcap [-w OUT.pcap] [--seed N] RULES`:
 * feeds every frame of a capture through the engine, offline and without
 * privileges, and prints what riposte would do: per frame its summary, the
 * rule that fired (or none, or why nothing was sent) and each reply.  The
 * replies go to OUT with the timestamp of the frame that caused them.  The
 * clock is the capture's and the random source is seeded, so the same
 * input, rules and seed give byte-identical output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine.h"
#include "io/pcapfile.h"
#include "narrate.h"
#include "pkt/print.h"
#include "show.h"

void replay_usage(FILE *out)
{
	fputs("usage: riposte replay -r IN.pcap [-w OUT.pcap] [--seed N] "
	      "[-v[v]|-q] [--progress] [--general] RULES\n"
	      "\n"
	      "Runs the rules over a capture file, offline: prints each frame,\n"
	      "the rule that fired and the replies, and writes the replies.\n"
	      "\n"
	      "  -r FILE     the capture to read (pcap or pcapng, Ethernet)\n"
	      "  -w FILE     write the replies there (pcap)\n"
	      "  --seed N    seed every random choice (default: the file's\n"
	      "              `set seed`, else 1)\n"
	      "  -v          narrate: each connection as a ladder diagram,\n"
	      "              with relative numbers and state transitions\n"
	      "  -vv         the same, and each reply as a tree of fields\n"
	      "  -q          print only the closing counts (for big captures)\n"
	      "  --progress  a progress line on stderr (the default when\n"
	      "              stderr is a terminal and stdout is not, or -q)\n"
	      "  --general   build every reply template the general way, "
	      "not\n"
	      "              from its compiled image (slower; the same "
	      "bytes)\n"
	      "  -h, --help  print this help\n",
	      out);
}

static void print_replies(const struct engine_result *res);

static void print_result(const struct engine_result *res)
{
	if (!res->rule) {
		printf("       no rule%s\n",
		       res->drop == DROP_MALFORMED ? " (not ethernet)" : "");
		return;
	}
	if (res->rule->kind == CRULE_FILTER)
		printf("       rule %s (line %u)", res->rule->name,
		       res->rule->pos.line);
	else
		printf("       host rule %s (line %u)", res->rule->name,
		       res->rule->pos.line);
	if (res->log)
		fputs(", log", stdout);
	if (res->drop != DROP_NONE)
		printf(": %s%s%s", engine_drop_name(res->drop),
		       res->why ? ": " : "", res->why ? res->why : "");
	fputc('\n', stdout);
	print_replies(res);
}

static int write_replies(struct io_pcapfile_writer *w,
			 const struct engine_result *res,
			 const struct timespec *ts)
{
	struct io_frame rf;
	unsigned i;

	for (i = 0; i < res->n; i++) {
		rf.data = res->frame[i];
		rf.caplen = rf.wirelen = (uint32_t)res->len[i];
		rf.ts = *ts;
		if (io_pcapfile_write(w, &rf) < 0)
			return -1;
	}
	return 0;
}

static void print_replies(const struct engine_result *res)
{
	static struct pkt rp;
	unsigned i;

	for (i = 0; i < res->n; i++) {
		pkt_parse(&rp, res->frame[i], res->len[i]);
		fputs("       > ", stdout);
		pkt_print_line(stdout, &rp);
		fputc('\n', stdout);
	}
}

/* Runs the timers due from after from_us to to_us, in wheel steps. */
static int run_timers(struct engine *e, struct engine_result *res,
		      struct io_pcapfile_writer *w, uint64_t from_us,
		      uint64_t to_us, int verbosity, struct narrator *nr)
{
	const uint64_t step = FLOW_WHEEL_MS * 1000u;
	uint64_t t = from_us ? from_us : to_us, steps = 0;
	struct timespec ts;
	struct tm tm;
	time_t sec;
	int more;

	while (t < to_us || t == to_us) {
		if (!e->flows.n_timers)
			break;
		/* A long silence: past a million steps, jump to its end. */
		t = t + step > to_us || ++steps > 1000000u ? to_us : t + step;
		do {
			more = engine_tick(e, t, res);
			if (nr && (res->n || res->n_notes))
				narrate(nr, t, true, res);
			if (!res->n)
				continue;
			ts.tv_sec = (time_t)(t / 1000000u);
			ts.tv_nsec = (long)(t % 1000000u) * 1000;
			if (verbosity == 0) {
				sec = ts.tv_sec;
				if (!gmtime_r(&sec, &tm))
					memset(&tm, 0, sizeof(tm));
				printf("   - %02d:%02d:%02d.%06ld timers\n",
				       tm.tm_hour, tm.tm_min, tm.tm_sec,
				       ts.tv_nsec / 1000);
				print_replies(res);
			}
			if (w && write_replies(w, res, &ts) < 0)
				return -1;
		} while (more);
		if (t == to_us)
			break;
	}
	return 0;
}

/*
 * The progress line of a long replay, on stderr, at most twice a second:
 * frames, replies, how far into the file, the rate.
 */
struct progress {
	bool on;
	struct timespec start, last;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_show(struct progress *p, const struct io_pcapfile *f,
			  const struct engine *e, bool last)
{
	uint64_t done, total;
	struct timespec now;
	double t;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && since(&p->last, &now) < 0.5)
		return;
	p->last = now;
	t = since(&p->start, &now);
	fprintf(stderr,
		"\rriposte: replay: %" PRIu64 " frames, %" PRIu64 " replies",
		e->frames, e->replies);
	if (io_pcapfile_progress(f, &done, &total))
		fprintf(stderr, ", %.0f%% of the file",
			100.0 * (double)done / (double)total);
	if (t > 0)
		fprintf(stderr, ", %.0f frames/s", (double)e->frames / t);
	fputs(last ? "\n" : "\033[K", stderr);
}

static int replay_file(struct ruleset *rs, const char *in, const char *out,
		       uint64_t seed, int verbosity, int progress)
{
	char err[IO_PCAPFILE_ERRLEN] = "";
	struct io_pcapfile *f = NULL;
	struct io_pcapfile_writer *w = NULL;
	struct io_frame fr;
	static struct engine e;
	static struct engine_result res;
	struct narrator *nr = NULL;
	struct progress pg = { 0 };
	unsigned long n = 0;
	uint64_t last_us = 0;
	int rc, status = 0;

	if (io_pcapfile_open(&f, in, err, sizeof(err)) < 0) {
		fprintf(stderr, "riposte: replay: cannot read %s: %s\n", in,
			err);
		return 2;
	}
	if (out && io_pcapfile_writer_open(&w, out, DLT_EN10MB, 65535, err,
					   sizeof(err)) < 0) {
		fprintf(stderr, "riposte: replay: cannot write %s: %s\n", out,
			err);
		io_pcapfile_close(f);
		return 2;
	}
	/* Output is the bottleneck of a big replay: write in large blocks. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	if (engine_init(&e, rs, seed) < 0 ||
	    (verbosity > 0 &&
	     !(nr = narrator_new(stdout, narrate_colour_for(stdout),
				 verbosity > 1, true)))) {
		fputs("riposte: replay: out of memory\n", stderr);
		status = 1;
		goto done;
	}
	e.narrate = nr != NULL;
	/* Auto: where it shows, and does not mix with what stdout prints. */
	pg.on = progress > 0 || (progress < 0 && isatty(STDERR_FILENO) &&
				 (verbosity < 0 || !isatty(STDOUT_FILENO)));
	clock_gettime(CLOCK_MONOTONIC, &pg.start);
	pg.last = pg.start;
	while ((rc = io_pcapfile_next(f, &fr, err, sizeof(err))) > 0) {
		/* Before 1970 (libpcap reads signed fields): as at 1970. */
		uint64_t us = fr.ts.tv_sec < 0 || fr.ts.tv_nsec < 0 ?
				      0 :
				      (uint64_t)fr.ts.tv_sec * 1000000u +
					      (uint64_t)fr.ts.tv_nsec / 1000u;

		n++;
		/*
		 * The flows' timers due before this frame run first, each at
		 * its time (to the wheel's grain), as they would have live.
		 */
		if (pg.on && !(n & 4095))
			progress_show(&pg, f, &e, false);
		if (run_timers(&e, &res, w, last_us, us, verbosity, nr) < 0) {
			fprintf(stderr, "riposte: replay: cannot write %s\n",
				out);
			status = 1;
			goto done;
		}
		if (us > last_us)
			last_us = us;
		engine_handle(&e, fr.data, fr.caplen, fr.wirelen, us, &res);
		if (nr) {
			narrate(nr, us, false, &res);
		} else if (verbosity == 0) {
			show_print_stamp(stdout, n, &fr.ts);
			pkt_print_line(stdout, &res.req);
			fputc('\n', stdout);
			print_result(&res);
		}
		if (w && write_replies(w, &res, &fr.ts) < 0) {
			fprintf(stderr, "riposte: replay: cannot write %s\n",
				out);
			status = 1;
			goto done;
		}
	}
	if (pg.on)
		progress_show(&pg, f, &e, true);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "riposte: replay: cannot read %s: %s\n", in,
			err);
		status = 2;
	}
	printf("%" PRIu64 " frames, %" PRIu64 " replies, %" PRIu64
	       " matched no rule, %" PRIu64 " filter runs\n",
	       e.frames, e.replies, e.drops[DROP_NO_RULE], e.filter_runs);
	if (e.flows_created || e.cookies_sent)
		printf("%" PRIu64 " flows (%u open at the end), %" PRIu64
		       " SYN cookies sent, %" PRIu64 " taken, %" PRIu64
		       " retransmissions\n",
		       e.flows_created, engine_flows(&e), e.cookies_sent,
		       e.cookies_ok, e.retransmits);
	if (e.nomem)
		printf("%" PRIu64 " times out of memory: data not kept, "
		       "connections reset\n",
		       e.nomem);
done:
	narrator_free(nr);
	engine_cleanup(&e);
	io_pcapfile_close(f);
	if (w && io_pcapfile_writer_close(w) < 0 && !status) {
		fprintf(stderr, "riposte: replay: cannot write %s\n", out);
		status = 1;
	}
	if (fflush(stdout) != 0 && !status)
		status = 1;
	return status;
}

int replay_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "general", no_argument, NULL, 'g' },
		{ "progress", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *out = NULL;
	uint64_t seed = 0;
	bool has_seed = false;
	int verbosity = 0, progress = -1;
	struct ruleset *rs;
	int c, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":r:w:vqh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
			in = optarg;
			break;
		case 'w':
			out = optarg;
			break;
		case 'v':
			verbosity = verbosity < 0 ? 1 : verbosity + 1;
			break;
		case 'q':
			verbosity = -1;
			break;
		case 'p':
			progress = 1;
			break;
		case 'g':
			tmpl_fast_off = true;
			break;
		case 's':
			if (cmd_parse_u64(optarg, UINT64_MAX, &seed) < 0)
				return cmd_usage_error("replay", replay_usage,
						       "bad seed '%s'", optarg);
			has_seed = true;
			break;
		case 'h':
			replay_usage(stdout);
			return 0;
		case ':':
			return cmd_usage_error("replay", replay_usage,
					       "option %s needs an argument",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("replay", replay_usage,
					       "unknown option %s",
					       argv[optind - 1]);
		}
	}
	if (!in)
		return cmd_usage_error("replay", replay_usage, "%s",
				       "no capture file (-r FILE)");
	if (argc - optind != 1)
		return cmd_usage_error("replay", replay_usage, "%s",
				       argc - optind ? "one rule file, please" :
						       "no rule file");
	rs = cmd_load_rules("replay", argv[optind]);
	if (!rs)
		return 2;
	status = replay_file(rs, in, out, has_seed ? seed : rs->seed, verbosity,
			     progress);
	ruleset_free(rs);
	return status;
}
