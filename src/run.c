/* SPDX-License-Identifier: MIT */
/*
 * run.c - `riposte run -i IFACE [-c CONF] [options] RULES`: the live
 * responder.
 *
 *   pcap fd readable (ev_io) -> drain a batch (pcap_dispatch) -> engine
 *   per frame -> replies of the batch copied out -> one sendmmsg
 *   flow timers due (one ev_timer, set to the wheel's next slot) ->
 *   engine_tick -> retransmissions, probes, script waits -> one sendmmsg
 *
 * Start-up order: rules (a bad file exits 2 and touches nothing), capture
 * and injection sockets, the nftables owner table, then privileges are
 * dropped (-u).  SIGINT/SIGTERM stop and print counters, SIGUSR1 prints
 * them, SIGHUP reloads the rules atomically: a file with errors keeps the
 * old rules and every error is logged.
 */
#include <errno.h>
#include <ev.h>
#include <sodium.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "daemon/conf.h"
#include "daemon/log.h"
#include "daemon/privdrop.h"
#include "engine/engine.h"
#include "fw/nft.h"
#include "fw/spec.h"
#include "io/live.h"
#include "io/pcapfile.h"
#include "lang/diag.h"
#include "narrate.h"
#include "pkt/print.h"

#define RUN_BATCH 64 /* frames per wake-up, replies per sendmmsg */

struct run {
	struct run_conf conf;
	struct ruleset *rs;
	struct engine *eng;
	struct io_live *live;
	struct fw_nft *fw;
	struct run_log log;
	struct narrator *narr; /* -v */
	struct io_pcapfile_writer *pcap; /* -w: frames seen and sent */
	const char *pcap_path;
	uint64_t seed;
	/* The batch being built: replies copied out of the engine. */
	unsigned n_out;
	struct iovec out[RUN_BATCH * ENGINE_REPLIES_MAX];
	uint8_t (*outbuf)[2048];
	struct engine_result res;
	/* The flow timers: one libev timer at the wheel's next deadline. */
	struct ev_loop *loop;
	ev_timer tick;
	uint32_t tick_at; /* engine ms it is set for; 0 not set */
	ev_timer stats; /* --stats-interval */
	bool failed; /* the capture broke: exit 1, not 0 */
};

void run_usage(FILE *out)
{
	fputs("usage: riposte run -i IFACE [-c CONF] [options] RULES\n"
	      "\n"
	      "Answers on IFACE as RULES say, live.\n"
	      "\n"
	      "  -i IFACE          the interface to listen and answer on\n"
	      "  -c CONF           read options from CONF (key = value);\n"
	      "                    the command line wins\n"
	      "  -u USER           drop to USER once every socket is open\n"
	      "  --log FILE        write JSON lines: frames, rules, replies, "
	      "drops\n"
	      "  --no-firewall     install no nftables table\n"
	      "  --seed N          seed every random choice\n"
	      "  --snaplen N       bytes captured per frame (65535)\n"
	      "  --buffer-size N   kernel capture buffer, bytes (32 MiB)\n"
	      "  --flows-max N     TCP connections held at once; more get "
	      "SYN\n"
	      "                    cookies (the rules' set flows_max, or "
	      "65536)\n"
	      "  -w FILE, --write FILE\n"
	      "                    write every frame seen and sent to FILE "
	      "(pcap)\n"
	      "  --stats-interval S  print the counters every S seconds "
	      "(0: off)\n"
	      "  -v                narrate on stderr: each connection as a "
	      "ladder,\n"
	      "                    its state transitions, the rule that "
	      "fired\n"
	      "  -vv               the same, and each reply as a tree of "
	      "fields\n"
	      "  -h, --help        print this help\n"
	      "\n"
	      "Signals: INT/TERM stop, HUP reloads RULES, USR1 prints "
	      "counters.\n",
	      out);
}

static void print_counters(const struct run *r, FILE *out)
{
	const struct engine *e = r->eng;
	const struct io_live_stats *ls = io_live_stats(r->live);
	unsigned recv = 0, kdrop = 0;
	size_t i;
	int d;

	io_live_pcap_stats(r->live, &recv, &kdrop);
	fprintf(out,
		"riposte: frames %" PRIu64 ", replies %" PRIu64
		", sent %" PRIu64 ", send queue full %" PRIu64
		", send errors %" PRIu64 ", capture drops %u\n",
		e->frames, e->replies, ls->sent, ls->send_again,
		ls->send_errors, kdrop);
	fprintf(out,
		"riposte: flows %" PRIu64 " (%u open, %" PRIu64
		" closed, %" PRIu64 " reset, %" PRIu64 " idle, %" PRIu64
		" evicted), SYN cookies %" PRIu64 " sent, %" PRIu64
		" taken, retransmissions %" PRIu64 ", probes %" PRIu64
		", out of memory %" PRIu64 "\n",
		e->flows_created, engine_flows(e), e->flows_closed,
		e->flows_reset, e->flows_idle, e->flows_evicted,
		e->cookies_sent, e->cookies_ok, e->retransmits, e->probes,
		e->nomem);
	for (d = DROP_NO_RULE; d < DROP__MAX; d++)
		if (e->drops[d])
			fprintf(out, "riposte:   %s: %" PRIu64 "\n",
				engine_drop_name((enum engine_drop)d),
				e->drops[d]);
	for (i = 0; i < r->rs->n_rules; i++)
		if (e->matched[i])
			fprintf(out,
				"riposte:   rule %zu %s (line %u): matched %" PRIu64
				"\n",
				i + 1, r->rs->rules[i].name,
				r->rs->rules[i].pos.line, e->matched[i]);
}

/* -w: one frame seen or sent, at us. */
static void pcap_frame(struct run *r, const uint8_t *b, uint32_t caplen,
		       uint32_t wirelen, uint64_t us)
{
	struct io_frame fr = { .data = b,
			       .caplen = caplen,
			       .wirelen = wirelen };

	fr.ts.tv_sec = (time_t)(us / 1000000u);
	fr.ts.tv_nsec = (long)(us % 1000000u) * 1000;
	if (io_pcapfile_write(r->pcap, &fr) < 0) {
		fprintf(stderr, "riposte: cannot write %s: stopped writing\n",
			r->pcap_path);
		io_pcapfile_writer_close(r->pcap);
		r->pcap = NULL;
	}
}

/* Copies res's replies into the batch, sending it when it is full. */
static void queue_replies(struct run *r, const struct engine_result *res,
			  uint64_t us)
{
	unsigned i;

	for (i = 0; i < res->n; i++) {
		uint8_t *dst;

		if (r->pcap)
			pcap_frame(r, res->frame[i], (uint32_t)res->len[i],
				   (uint32_t)res->len[i], us);

		if (res->len[i] > sizeof(r->outbuf[0])) {
			/*
			 * Jumbo replies go out alone, now, not batched; what
			 * is queued goes first, so the order is the engine's.
			 */
			if (r->n_out) {
				io_live_send(r->live, r->out, r->n_out);
				r->n_out = 0;
			}
			struct iovec one = { (void *)(uintptr_t)res->frame[i],
					     res->len[i] };

			io_live_send(r->live, &one, 1);
			continue;
		}
		if (r->n_out == RUN_BATCH * ENGINE_REPLIES_MAX) {
			io_live_send(r->live, r->out, r->n_out);
			r->n_out = 0;
		}
		dst = r->outbuf[r->n_out];
		memcpy(dst, res->frame[i], res->len[i]);
		r->out[r->n_out].iov_base = dst;
		r->out[r->n_out].iov_len = res->len[i];
		r->n_out++;
	}
}

static void flush_replies(struct run *r)
{
	if (r->n_out) {
		io_live_send(r->live, r->out, r->n_out);
		r->n_out = 0;
	}
}

static void on_frame(unsigned char *user, const struct pcap_pkthdr *h,
		     const unsigned char *bytes)
{
	struct run *r = (struct run *)(void *)user;
	struct engine_result *res = &r->res;
	uint64_t us =
		(uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;

	if (r->pcap)
		pcap_frame(r, bytes, h->caplen, h->len, us);
	engine_handle(r->eng, bytes, h->caplen, h->len, us, res);
	if (r->narr)
		narrate(r->narr, us, false, res);
	if (r->log.f)
		run_log_result(&r->log, us, res);
	queue_replies(r, res, us);
}

/* The engine's clock: microseconds of CLOCK_REALTIME, as pcap stamps. */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Sets the timer to the wheel's next deadline, when that is sooner than
 * what it is set for (a later one it would only wake early for).
 */
static void tick_arm(struct run *r)
{
	uint32_t at = flow_timer_soonest(&r->eng->flows), now;
	int32_t delay;

	if (!at) {
		if (r->tick_at) {
			ev_timer_stop(r->loop, &r->tick);
			r->tick_at = 0;
		}
		return;
	}
	if (r->tick_at && !seq_lt(at, r->tick_at))
		return;
	now = (uint32_t)(now_us() / 1000u);
	delay = (int32_t)(at - now);
	ev_timer_stop(r->loop, &r->tick);
	ev_timer_set(&r->tick, delay > 0 ? delay / 1000.0 : 0.0, 0.0);
	ev_timer_start(r->loop, &r->tick);
	r->tick_at = at;
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	struct engine_result *res = &r->res;
	uint64_t us = now_us();
	unsigned rounds = 0;
	int more;

	(void)loop;
	(void)revents;
	r->tick_at = 0;
	/* Bounded: a wheel with more due than this goes on next time. */
	do {
		more = engine_tick(r->eng, us, res);
		if (r->narr && (res->n || res->n_notes))
			narrate(r->narr, us, true, res);
		if (r->log.f && res->n)
			run_log_timer(&r->log, us, res);
		queue_replies(r, res, us);
	} while (more && ++rounds < RUN_BATCH);
	flush_replies(r);
	if (r->pcap)
		io_pcapfile_flush(r->pcap);
	if (more) {
		ev_timer_set(&r->tick, 0.0, 0.0);
		ev_timer_start(r->loop, &r->tick);
		r->tick_at = (uint32_t)(us / 1000u);
		if (!r->tick_at)
			r->tick_at = 1;
		return;
	}
	tick_arm(r);
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct run *r = w->data;
	char err[256];
	int n;

	(void)revents;
	/* Drain in batches: one wake-up, many frames, one send per batch. */
	do {
		n = io_live_dispatch(r->live, RUN_BATCH, on_frame,
				     (unsigned char *)r, err, sizeof(err));
		flush_replies(r);
	} while (n == RUN_BATCH);
	if (r->pcap)
		io_pcapfile_flush(r->pcap);
	tick_arm(r);
	if (n < 0) {
		/* The interface went away: a failure (systemd restarts it). */
		fprintf(stderr, "riposte: capture: %s\n", err);
		r->failed = true;
		ev_break(loop, EVBREAK_ALL);
	}
}

static int install_fw(struct run *r, const struct ruleset *rs)
{
	struct fw_spec spec;
	char err[256] = "";
	int rc;

	if (!r->fw)
		return 0;
	rc = fw_spec_build(rs, &spec);
	if (rc == 0) {
		rc = fw_nft_install(r->fw, &spec, r->conf.interface, err,
				    sizeof(err));
		fw_spec_cleanup(&spec);
	}
	if (rc < 0)
		fprintf(stderr, "riposte: firewall: %s\n",
			*err ? err : strerror(-rc));
	return rc;
}

static void on_reload(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run *r = w->data;
	struct ruleset *rs;
	struct engine *e = NULL;
	char err[256], *filter = NULL;
	uint64_t seed;
	int k;

	(void)loop;
	(void)revents;
	rs = cmd_load_rules("run", r->conf.rules);
	if (!rs) {
		fprintf(stderr,
			"riposte: reload of %s failed: the old rules "
			"stay\n",
			r->conf.rules);
		return;
	}
	/* A changed `set seed` takes effect; --seed still wins. */
	seed = r->conf.has_seed ? r->conf.seed :
	       rs->has_seed	? rs->seed :
				  r->seed;
	e = calloc(1, sizeof(*e));
	filter = ruleset_capture_filter(rs);
	if (!e || !filter ||
	    engine_init_flows(e, rs, seed, (uint32_t)r->conf.flows_max) < 0) {
		fputs("riposte: reload: out of memory, the old rules stay\n",
		      stderr);
		goto fail;
	}
	/*
	 * The firewall first (one atomic batch), the capture filter last:
	 * when the filter fails, the old table is put back, so the engine,
	 * the filter and the firewall always describe the same rules.
	 */
	if (r->conf.user && r->fw)
		fputs("riposte: reload: privileges are dropped, the firewall "
		      "table stays as it was\n",
		      stderr);
	else if (install_fw(r, rs) < 0) {
		fputs("riposte: reload: the old rules stay\n", stderr);
		goto fail;
	}
	if (io_live_set_filter(r->live, filter, err, sizeof(err)) < 0) {
		fprintf(stderr, "riposte: reload: %s, the old rules stay\n",
			err);
		if (!r->conf.user)
			install_fw(r, r->rs);
		goto fail;
	}
	free(filter);
	e->narrate = r->narr != NULL;
	/* Counters run on across reloads (per-rule ones start afresh). */
	e->frames = r->eng->frames;
	e->replies = r->eng->replies;
	e->filter_runs = r->eng->filter_runs;
	for (k = 0; k < DROP__MAX; k++)
		e->drops[k] = r->eng->drops[k];
	e->flows_created = r->eng->flows_created;
	e->flows_closed = r->eng->flows_closed;
	e->flows_reset = r->eng->flows_reset + engine_flows(r->eng);
	e->flows_idle = r->eng->flows_idle;
	e->flows_evicted = r->eng->flows_evicted;
	e->cookies_sent = r->eng->cookies_sent;
	e->cookies_ok = r->eng->cookies_ok;
	e->retransmits = r->eng->retransmits;
	e->probes = r->eng->probes;
	e->nomem = r->eng->nomem;
	/*
	 * The flows go with the old rules (their scripts point into them):
	 * a connection open now is answered as one riposte does not know.
	 */
	if (engine_flows(r->eng))
		fprintf(stderr,
			"riposte: reload: %u open connections dropped\n",
			engine_flows(r->eng));
	engine_cleanup(r->eng);
	free(r->eng);
	ruleset_free(r->rs);
	r->eng = e;
	r->rs = rs;
	r->seed = seed;
	tick_arm(r);
	fprintf(stderr, "riposte: reloaded %s: %zu rules\n", r->conf.rules,
		rs->n_rules);
	return;
fail:
	if (e)
		engine_cleanup(e);
	free(e);
	free(filter);
	ruleset_free(rs);
}

static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void on_usr1(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	print_counters(w->data, stderr);
}

static void on_stats(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	print_counters(w->data, stderr);
}

static int parse_int(const char *s, long max, int *out)
{
	uint64_t v;

	if (cmd_parse_u64(s, (uint64_t)max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int run_loop(struct run *r)
{
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO | EVFLAG_SIGNALFD);
	ev_io io;
	ev_signal sint, sterm, shup, susr1;

	if (!loop) {
		fputs("riposte: run: cannot start the event loop\n", stderr);
		return 1;
	}
	r->loop = loop;
	ev_io_init(&io, on_readable, io_live_fd(r->live), EV_READ);
	io.data = r;
	ev_io_start(loop, &io);
	ev_init(&r->tick, on_tick);
	r->tick.data = r;
	ev_signal_init(&sint, on_stop, SIGINT);
	ev_signal_init(&sterm, on_stop, SIGTERM);
	ev_signal_init(&shup, on_reload, SIGHUP);
	ev_signal_init(&susr1, on_usr1, SIGUSR1);
	shup.data = susr1.data = r;
	ev_signal_start(loop, &sint);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &shup);
	ev_signal_start(loop, &susr1);
	if (r->conf.stats_interval > 0) {
		ev_timer_init(&r->stats, on_stats, r->conf.stats_interval,
			      r->conf.stats_interval);
		r->stats.data = r;
		ev_timer_start(loop, &r->stats);
	}
	/* With -u: the loop, set up, needs little of the kernel from now. */
	if (r->conf.user) {
		char err[256];

		if (privdrop_seccomp(err, sizeof(err)) < 0) {
			fprintf(stderr, "riposte: run: %s\n", err);
			return 2;
		}
	}
	ev_run(loop, 0);
	print_counters(r, stderr);
	return r->failed ? 1 : 0;
}

int run_main(int argc, char *argv[])
{
	enum {
		O_LOG = 256,
		O_NOFW,
		O_SEED,
		O_SNAPLEN,
		O_BUFSIZE,
		O_FLOWS,
		O_STATS,
	};
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, O_LOG },
		{ "no-firewall", no_argument, NULL, O_NOFW },
		{ "seed", required_argument, NULL, O_SEED },
		{ "snaplen", required_argument, NULL, O_SNAPLEN },
		{ "buffer-size", required_argument, NULL, O_BUFSIZE },
		{ "flows-max", required_argument, NULL, O_FLOWS },
		{ "write", required_argument, NULL, 'w' },
		{ "stats-interval", required_argument, NULL, O_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct run r;
	struct run_conf cli = { .firewall = -1, .verbose = -1 };
	const char *conf_path = NULL;
	char err[256] = "", *filter = NULL;
	struct io_live_opts lo;
	struct diag d;
	int c, rc, status = 0;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":i:c:u:w:vh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			cli.interface = optarg;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'u':
			cli.user = optarg;
			break;
		case 'v':
			cli.verbose = cli.verbose < 0 ? 1 : cli.verbose + 1;
			break;
		case 'w':
			cli.write = optarg;
			break;
		case O_STATS:
			/* 0 is off, as in the file (it overrides one). */
			if (parse_int(optarg, CONF_STATS_MAX,
				      &cli.stats_interval) < 0)
				return cmd_usage_error(
					"run", run_usage,
					"bad stats-interval '%s' (0, off, to "
					"%d seconds)",
					optarg, CONF_STATS_MAX);
			cli.stats_set = true;
			break;
		case O_LOG:
			cli.log = optarg;
			break;
		case O_NOFW:
			cli.firewall = 0;
			break;
		case O_SEED:
			if (cmd_parse_u64(optarg, UINT64_MAX, &cli.seed) < 0)
				return cmd_usage_error("run", run_usage,
						       "bad seed '%s'", optarg);
			cli.has_seed = true;
			break;
		case O_SNAPLEN:
			if (parse_int(optarg, CONF_SNAPLEN_MAX, &cli.snaplen) <
				    0 ||
			    cli.snaplen < CONF_SNAPLEN_MIN)
				return cmd_usage_error("run", run_usage,
						       "bad snaplen '%s'",
						       optarg);
			break;
		case O_BUFSIZE:
			if (parse_int(optarg, CONF_BUFFER_MAX,
				      &cli.buffer_size) < 0)
				return cmd_usage_error("run", run_usage,
						       "bad buffer size '%s'",
						       optarg);
			break;
		case O_FLOWS:
			if (parse_int(optarg, CONF_FLOWS_MAX, &cli.flows_max) <
				    0 ||
			    cli.flows_max < 1)
				return cmd_usage_error(
					"run", run_usage,
					"bad flows-max '%s' (1 to "
					"%d)",
					optarg, CONF_FLOWS_MAX);
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		case ':':
			return cmd_usage_error("run", run_usage,
					       "option %s needs an argument",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("run", run_usage,
					       "unknown option %s",
					       argv[optind - 1]);
		}
	}
	memset(&r, 0, sizeof(r));
	r.conf.firewall = -1;
	r.conf.verbose = -1;
	if (conf_path) {
		diag_init(&d, conf_path);
		if (conf_load(conf_path, &r.conf, &d) < 0) {
			diag_print(&d, stderr);
			diag_cleanup(&d);
			conf_cleanup(&r.conf);
			return 2;
		}
		diag_cleanup(&d);
	}
	/* The command line wins over the file. */
	if (cli.interface)
		r.conf.interface = cli.interface;
	if (cli.user)
		r.conf.user = cli.user;
	if (cli.log)
		r.conf.log = cli.log;
	if (cli.firewall >= 0)
		r.conf.firewall = cli.firewall;
	if (cli.verbose >= 0)
		r.conf.verbose = cli.verbose;
	if (cli.has_seed) {
		r.conf.seed = cli.seed;
		r.conf.has_seed = true;
	}
	if (cli.snaplen)
		r.conf.snaplen = cli.snaplen;
	if (cli.buffer_size)
		r.conf.buffer_size = cli.buffer_size;
	if (cli.flows_max)
		r.conf.flows_max = cli.flows_max;
	if (cli.write)
		r.conf.write = cli.write;
	if (cli.stats_set)
		r.conf.stats_interval = cli.stats_interval;
	if (argc - optind == 1)
		r.conf.rules = argv[optind];
	else if (argc - optind > 1) {
		conf_cleanup(&r.conf);
		return cmd_usage_error("run", run_usage, "%s",
				       "one rule file, please");
	}
	if (!r.conf.interface || !r.conf.rules) {
		conf_cleanup(&r.conf);
		return cmd_usage_error("run", run_usage, "%s",
				       !r.conf.interface ?
					       "no interface (-i IFACE)" :
					       "no rule file");
	}

	r.rs = cmd_load_rules("run", r.conf.rules);
	if (!r.rs) {
		conf_cleanup(&r.conf);
		return 2;
	}
	r.seed = r.conf.has_seed ? r.conf.seed : r.rs->seed;
	if (!r.conf.has_seed && !r.rs->has_seed) {
		/*
		 * Live and unseeded: ISNs and cookies must not be guessable,
		 * so the seed their keys come from is the kernel's randomness.
		 */
		randombytes_buf(&r.seed, sizeof(r.seed));
	}
	r.eng = calloc(1, sizeof(*r.eng));
	r.outbuf = calloc(RUN_BATCH * ENGINE_REPLIES_MAX, sizeof(*r.outbuf));
	filter = ruleset_capture_filter(r.rs);
	if (!r.eng || !r.outbuf || !filter ||
	    engine_init_flows(r.eng, r.rs, r.seed, (uint32_t)r.conf.flows_max) <
		    0) {
		fputs("riposte: run: out of memory\n", stderr);
		status = 1;
		goto out;
	}
	lo.iface = r.conf.interface;
	lo.filter = filter;
	lo.snaplen = r.conf.snaplen;
	lo.buffer_size = r.conf.buffer_size;
	rc = io_live_open(&r.live, &lo, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "riposte: run: %s\n", err);
		status = 2;
		goto out;
	}
	if (r.conf.firewall != 0) {
		rc = fw_nft_open(&r.fw);
		if (rc < 0) {
			fprintf(stderr,
				"riposte: run: cannot open nf_tables netlink: "
				"%s (is nf_tables in this kernel? "
				"--no-firewall runs without it)\n",
				strerror(-rc));
			status = 2;
			goto out;
		}
		if (install_fw(&r, r.rs) < 0) {
			status = 2;
			goto out;
		}
	}
	if (r.conf.log &&
	    run_log_open(&r.log, r.conf.log, err, sizeof(err)) < 0) {
		fprintf(stderr, "riposte: run: %s\n", err);
		status = 2;
		goto out;
	}
	r.pcap_path = r.conf.write;
	if (r.conf.write &&
	    io_pcapfile_writer_open(&r.pcap, r.conf.write, DLT_EN10MB,
				    (uint32_t)r.conf.snaplen, err,
				    sizeof(err)) < 0) {
		fprintf(stderr, "riposte: run: cannot write %s: %s\n",
			r.conf.write, err);
		status = 2;
		goto out;
	}
	if (r.conf.verbose > 0) {
		r.narr = narrator_new(stderr, narrate_colour_for(stderr),
				      r.conf.verbose > 1, false);
		if (!r.narr) {
			fputs("riposte: run: out of memory\n", stderr);
			status = 1;
			goto out;
		}
		r.eng->narrate = true;
	}
	if (r.conf.user) {
		if (privdrop(r.conf.user, err, sizeof(err)) < 0) {
			fprintf(stderr, "riposte: run: %s\n", err);
			status = 2;
			goto out;
		}
	}
	fprintf(stderr,
		"riposte: answering on %s: %zu rules from %s, firewall %s%s%s\n",
		r.conf.interface, r.rs->n_rules, r.conf.rules,
		r.fw ? "table riposte installed" : "off",
		r.conf.user ? ", running as " : "",
		r.conf.user ? r.conf.user : "");
	status = run_loop(&r);
out:
	run_log_close(&r.log);
	narrator_free(r.narr);
	if (r.pcap && io_pcapfile_writer_close(r.pcap) < 0) {
		fprintf(stderr, "riposte: run: cannot write %s\n",
			r.conf.write);
		if (!status)
			status = 1;
	}
	if (r.fw)
		fw_nft_close(r.fw);
	io_live_close(r.live);
	if (r.eng)
		engine_cleanup(r.eng);
	free(r.eng);
	free(r.outbuf);
	free(filter);
	ruleset_free(r.rs);
	conf_cleanup(&r.conf);
	return status;
}
