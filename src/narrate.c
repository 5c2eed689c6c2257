/* SPDX-License-Identifier: MIT */
/*
 * narrate.c - the ladder diagrams of -v; see narrate.h.
 *
 * The narrator keeps its own small table of conversations (not the
 * engine's flows: template rules answer TCP without one, and a flow is
 * gone before its last segments are told), keyed like a flow, client
 * first: it numbers them, remembers each side's initial sequence number
 * from the SYN and the SYN-ACK so that numbers can be shown relative, as
 * Wireshark does, and forgets the least recently used when full.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lang/lex.h"
#include "narrate.h"
#include "pkt/print.h"

#define CONVS 1024 /* conversations remembered */
#define PROBES 16 /* slots looked at for one: the oldest of them goes */
#define RAIL 32 /* columns between the two rails */
#define PREVIEW 40 /* payload bytes shown */

#define C_IN "\033[36m" /* the client's arrows */
#define C_OUT "\033[32m" /* riposte's */
#define C_STATE "\033[1;33m"
#define C_DROP "\033[31m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

struct conv {
	struct flow_key k; /* family 0: a free slot */
	uint32_t id;
	uint32_t cisn, sisn; /* the client's and riposte's first seq */
	bool cknown, sknown;
	bool fin_acked; /* FIN_WAIT is FIN_WAIT_2 */
	bool closed; /* the engine's flow ended: a SYN starts another */
	uint64_t used;
};

struct narrator {
	FILE *out;
	bool colour, trees, utc;
	uint32_t next_id;
	uint64_t clock;
	struct conv conv[CONVS];
	struct pkt rp;
};

struct narrator *narrator_new(FILE *out, bool colour, bool trees, bool utc)
{
	struct narrator *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->out = out;
	n->colour = colour;
	n->trees = trees;
	n->utc = utc;
	n->next_id = 1;
	/* Now: the time zone file is read once, before any seccomp filter. */
	if (!utc)
		tzset();
	return n;
}

void narrator_free(struct narrator *n)
{
	free(n);
}

bool narrate_colour_for(FILE *f)
{
	const char *term = getenv("TERM");

	return isatty(fileno(f)) && !getenv("NO_COLOR") && term &&
	       strcmp(term, "dumb") != 0;
}

static void paint(struct narrator *n, const char *c)
{
	if (n->colour)
		fputs(c, n->out);
}

static uint32_t key_hash(const struct flow_key *k)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ k->peer[i] ^ (uint32_t)k->us[i] << 8) * 16777619u;
	h = (h ^ k->peer_port ^ (uint32_t)k->our_port << 16) * 16777619u;
	return h ^ (h >> 15);
}

/* The conversation of k, made (and *fresh set) when new. */
static struct conv *conv_of(struct narrator *n, const struct flow_key *k,
			    bool *fresh)
{
	uint32_t h = key_hash(k);
	struct conv *c, *old = NULL;
	unsigned i;

	*fresh = false;
	for (i = 0; i < PROBES; i++) {
		c = &n->conv[(h + i) % CONVS];
		if (c->k.family && flow_key_eq(&c->k, k)) {
			c->used = ++n->clock;
			return c;
		}
		if (!old || !c->k.family ||
		    (old->k.family && c->used < old->used))
			old = c;
	}
	memset(old, 0, sizeof(*old));
	old->k = *k;
	old->id = n->next_id++;
	old->used = ++n->clock;
	*fresh = true;
	return old;
}

/* The TCP conversation of p, client first: in says p is the client's. */
static void key_of(const struct pkt *p, bool in, struct flow_key *k)
{
	const uint8_t *src = p->ip6.src, *dst = p->ip6.dst;
	size_t alen = 16;

	memset(k, 0, sizeof(*k));
	k->family = 6;
	if (p->has & PKT_L_IP) {
		src = p->ip.src;
		dst = p->ip.dst;
		alen = 4;
		k->family = 4;
	}
	memcpy(k->peer, in ? src : dst, alen);
	memcpy(k->us, in ? dst : src, alen);
	k->peer_port = in ? p->tcp.sport : p->tcp.dport;
	k->our_port = in ? p->tcp.dport : p->tcp.sport;
}

static void print_end(FILE *out, int family, const uint8_t *a, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, a, s, sizeof(s)))
		strcpy(s, "?");
	fprintf(out, "%s.%u", s, port);
}

static void header(struct narrator *n, const struct conv *c)
{
	fprintf(n->out, "#%u client ", c->id);
	print_end(n->out, c->k.family, c->k.peer, c->k.peer_port);
	fputs(" <-> riposte ", n->out);
	print_end(n->out, c->k.family, c->k.us, c->k.our_port);
	fputc('\n', n->out);
}

/* The time and the conversation, or as many spaces. */
static void prefix(struct narrator *n, const uint64_t *ts_us,
		   const struct conv *c)
{
	char id[16] = "";
	struct tm tm;
	time_t sec;

	if (ts_us) {
		sec = (time_t)(*ts_us / 1000000u);
		if (!(n->utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)))
			memset(&tm, 0, sizeof(tm));
		fprintf(n->out, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min,
			tm.tm_sec, (unsigned)(*ts_us % 1000000u));
	} else {
		fprintf(n->out, "%16s", "");
	}
	if (c)
		snprintf(id, sizeof(id), "#%u", c->id);
	fprintf(n->out, "%-5s ", id);
}

/* |--LABEL------>| for the client's, |<------LABEL--| for riposte's. */
static void arrow(struct narrator *n, bool in, const char *label)
{
	size_t len = strlen(label), dashes;

	if (len > RAIL - 5)
		len = RAIL - 5;
	dashes = RAIL - 3 - len;
	fputc('|', n->out);
	paint(n, in ? C_IN : C_OUT);
	if (in)
		fprintf(n->out, "--%.*s%.*s>", (int)len, label, (int)dashes,
			"--------------------------------");
	else
		fprintf(n->out, "<%.*s%.*s--", (int)dashes,
			"--------------------------------", (int)len, label);
	paint(n, C_OFF);
	fputs("| ", n->out);
}

/* Up to PREVIEW bytes of b, quoted, C escapes for the unprintable. */
static void preview(FILE *out, const uint8_t *b, size_t len)
{
	size_t m = len < PREVIEW ? len : PREVIEW;

	fputs(" \"", out);
	lex_write_string(out, b, m);
	fputs(len > m ? "\"..." : "\"", out);
}

/* "seq 1:25 (3593505800)": relative to isn when known, then absolute. */
static void seq_field(FILE *out, const char *name, uint32_t v, uint32_t len,
		      bool known, uint32_t isn)
{
	uint32_t r = v - isn;

	if (!known) {
		fprintf(out, "%s %" PRIu32, name, v);
		if (len)
			fprintf(out, ":%" PRIu32, v + len);
		return;
	}
	fprintf(out, "%s %" PRIu32, name, r);
	if (len)
		fprintf(out, ":%" PRIu32, r + len);
	fprintf(out, " (%" PRIu32 ")", v);
}

static void tcp_details(struct narrator *n, const struct pkt *p, bool in,
			const struct conv *c)
{
	const struct pkt_tcp *t = &p->tcp;
	uint32_t len = (uint32_t)p->payload.len;
	bool mine = in ? c->cknown : c->sknown;
	bool theirs = in ? c->sknown : c->cknown;

	seq_field(n->out, "seq", t->seq, len, mine, in ? c->cisn : c->sisn);
	if (t->flags & PKT_TCP_ACK) {
		fputs(", ", n->out);
		seq_field(n->out, "ack", t->ack, 0, theirs,
			  in ? c->sisn : c->cisn);
	}
	fprintf(n->out, ", win %u", t->window);
	if (t->n_opt) {
		fputs(", options ", n->out);
		pkt_print_tcpopts(n->out, t);
	}
	fprintf(n->out, ", length %" PRIu32, len);
	if (len && p->payload.p)
		preview(n->out, p->payload.p, len);
}

/* The arrow's label: the TCP flags and length, or the protocol. */
static void label_of(const struct pkt *p, char *buf, size_t size)
{
	FILE *m = fmemopen(buf, size, "w");

	buf[0] = '\0';
	if (!m)
		return;
	if (p->has & PKT_L_TCP) {
		pkt_print_tcpdump_flags(m, p->tcp.flags);
		if (p->payload.len)
			fprintf(m, " %zu", p->payload.len);
	} else if (p->has & PKT_L_ARP) {
		fputs("ARP", m);
	} else if (p->has & PKT_L_ICMP) {
		fputs("ICMP", m);
	} else if (p->has & PKT_L_ICMP6) {
		fputs("ICMP6", m);
	} else if (p->has & PKT_L_UDP) {
		fputs("UDP", m);
	} else if (p->has & (PKT_L_IP | PKT_L_IP6)) {
		fputs("IP", m);
	} else {
		fputs("frame", m);
	}
	fclose(m);
}

/* One frame: the client's (in) or riposte's, its arrow and details. */
static const struct conv *frame(struct narrator *n, const uint64_t *ts_us,
				const struct pkt *p, bool in)
{
	struct conv *c = NULL;
	struct flow_key k;
	char label[32];
	bool fresh, syn;

	if ((p->has & PKT_L_TCP) && (p->has & (PKT_L_IP | PKT_L_IP6))) {
		key_of(p, in, &k);
		c = conv_of(n, &k, &fresh);
		syn = (p->tcp.flags & (PKT_TCP_SYN | PKT_TCP_ACK)) ==
		      PKT_TCP_SYN;
		/* The client's SYN after the end: a new connection. */
		if (!fresh && in && syn && c->closed) {
			memset(c, 0, sizeof(*c));
			c->k = k;
			c->id = n->next_id++;
			c->used = ++n->clock;
			fresh = true;
		}
		if (fresh)
			header(n, c);
		/* A side's first SYN gives its first number (not a SYN
		 * that comes again at another number, RFC 5961 4). */
		if (in && syn && !c->cknown) {
			c->cisn = p->tcp.seq;
			c->cknown = true;
		} else if (!in && (p->tcp.flags & PKT_TCP_SYN) &&
			   (p->tcp.flags & PKT_TCP_ACK)) {
			c->sisn = p->tcp.seq;
			c->sknown = true;
		}
	}
	label_of(p, label, sizeof(label));
	prefix(n, ts_us, c);
	arrow(n, in, label);
	if (c)
		tcp_details(n, p, in, c);
	else
		pkt_print_line(n->out, p);
	return c;
}

static const char *state_name(uint8_t s, bool before, const struct conv *c)
{
	switch (s) {
	case FLOW_FIN_WAIT:
		return c->fin_acked ? "FIN_WAIT_2" : "FIN_WAIT_1";
	case FLOW_TIME_WAIT:
		return "TIME_WAIT";
	case FLOW_FREE:
		return before ? "LISTEN" : "CLOSED";
	case FLOW_SYN_RCVD:
		return "SYN_RCVD";
	case FLOW_ESTABLISHED:
		return "ESTABLISHED";
	case FLOW_CLOSE_WAIT:
		return "CLOSE_WAIT";
	case FLOW_CLOSING:
		return "CLOSING";
	case FLOW_LAST_ACK:
		return "LAST_ACK";
	default:
		return "?";
	}
}

static void notes(struct narrator *n, const struct engine_result *res)
{
	unsigned i;
	bool fresh, event;

	for (i = 0; i < res->n_notes; i++) {
		const struct engine_note *e = &res->notes[i];
		struct conv *c = conv_of(n, &e->k, &fresh);
		const char *from = state_name(e->from, true, c);

		if (fresh)
			header(n, c);
		/* FIN_WAIT to itself: our FIN was acknowledged. */
		if (e->from == FLOW_FIN_WAIT && e->to == FLOW_FIN_WAIT)
			c->fin_acked = true;
		if (e->to == FLOW_FREE && e->from != FLOW_FREE)
			c->closed = true;
		prefix(n, NULL, c);
		fprintf(n->out, "|%*s| ", RAIL, "");
		paint(n, C_STATE);
		event = e->from == e->to && e->from != FLOW_FIN_WAIT;
		if (event) /* not a change: what happened in the state */
			fputs(from, n->out);
		else
			fprintf(n->out, "%s -> %s", from,
				state_name(e->to, false, c));
		paint(n, C_OFF);
		if (e->why)
			fprintf(n->out, event ? ": %s" : " (%s)", e->why);
		fputc('\n', n->out);
	}
}

static void rule_note(struct narrator *n, const struct engine_result *res)
{
	const struct crule *r = res->rule;

	fputs("  ", n->out);
	if (!r) {
		paint(n, C_DROP);
		fputs(res->drop == DROP_MALFORMED ? "[not ethernet]" :
						    "[no rule]",
		      n->out);
		paint(n, C_OFF);
		return;
	}
	paint(n, C_DIM);
	fprintf(n->out, "[%srule %s, line %u%s]",
		r->kind == CRULE_FILTER ? "" : "host ", r->name, r->pos.line,
		res->log ? ", log" : "");
	paint(n, C_OFF);
	/* Nothing to answer (an ACK): the silence says it. */
	if (res->drop != DROP_NONE && res->drop != DROP_NOT_ANSWERED) {
		paint(n, C_DROP);
		fprintf(n->out, " %s%s%s", engine_drop_name(res->drop),
			res->why ? ": " : "", res->why ? res->why : "");
		paint(n, C_OFF);
	}
}

void narrate(struct narrator *n, uint64_t ts_us, bool timer,
	     const struct engine_result *res)
{
	unsigned i;

	if (!timer) {
		frame(n, &ts_us, &res->req, true);
		rule_note(n, res);
		fputc('\n', n->out);
	}
	notes(n, res);
	for (i = 0; i < res->n; i++) {
		pkt_parse(&n->rp, res->frame[i], res->len[i]);
		frame(n, &ts_us, &n->rp, false);
		if (timer)
			fputs("  (timer)", n->out);
		fputc('\n', n->out);
		if (n->trees)
			pkt_print_tree(n->out, &n->rp);
	}
}
