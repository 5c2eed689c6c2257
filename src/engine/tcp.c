/* SPDX-License-Identifier: MIT */
/*
 * tcp.c - the stateful TCP engine of open ports: a flow per connection,
 * RFC 9293's state machine for the passive side, and the port's service
 * script driving what is sent.
 *
 *   SYN -> flow (or, the table full, a SYN cookie) -> SYN-ACK, re-sent on
 *   a doubling timer -> ACK: established, banner queued -> data in order:
 *   ACKed, appended to the request, triggers run -> queued bytes cut to
 *   the peer's MSS, sent within min(its window, cwnd) -> RTO, fast
 *   retransmit (RFC 5681, RFC 6582), persist probes -> FIN or RST.
 *
 * Where the RFCs leave room it does what Linux does: 1 s initial RTO and
 * 200 ms floor, five SYN-ACK retransmissions, challenge ACKs (RFC 5961),
 * a D-SACK block on a duplicate segment (RFC 2883), zero-window probes at
 * SND.UNA - 1, SYN cookies that keep window scale and SACK in the
 * timestamp when the peer sends timestamps and drop them when it does not.
 *
 * Out-of-order segments are not kept: they get a duplicate ACK and the
 * peer retransmits them.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flow.h"

#define RTO_INIT 1000 /* ms, RFC 6298 2.1 (TCP_TIMEOUT_INIT) */
#define RTO_MIN 200 /* Linux's TCP_RTO_MIN */
#define RTO_MAX 60000
#define SYNACK_RETRIES 5 /* tcp_synack_retries */
#define DATA_RETRIES 8
#define PROBE_RETRIES 15 /* tcp_retries2 */
#define RX_MAX 65536 /* request bytes kept for the triggers */
#define SEG_ROOM 1700 /* the most one segment takes in e->out */
#define SCRIPT_STEPS 64 /* triggers one call may run: no busy loops */

static uint32_t at(uint32_t now, uint32_t ms)
{
	uint32_t v = now + (ms ? ms : 1);

	return v ? v : 1;
}

static bool room(const struct engine_result *res)
{
	return res->n < ENGINE_REPLIES_MAX &&
	       res->used + SEG_ROOM <= ENGINE_OUT_MAX;
}

static const struct crule *rule_of(const struct engine *e, const struct flow *f)
{
	return &e->rs->rules[f->rule];
}

/* The window we advertise, and accept data within. */
static uint32_t rcv_wnd(const struct engine *e, const struct flow *f)
{
	return rule_of(e, f)->host->pers->window;
}

static uint32_t tsval_of(const struct flow *f, uint32_t now)
{
	return now + f->ts_off;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Copies len bytes of the send stream from seq into out. */
static void tx_gather(const struct flow *f, uint32_t seq, uint8_t *out,
		      uint32_t len)
{
	const struct flow_txq *q = f->tx;
	uint32_t off = seq - q->base, i, n;

	for (i = 0; i < q->n && len; i++) {
		if (off >= q->c[i].len) {
			off -= q->c[i].len;
			continue;
		}
		n = q->c[i].len - off < len ? q->c[i].len - off : len;
		memcpy(out, q->c[i].p + off, n);
		out += n;
		len -= n;
		off = 0;
	}
}

/*
 * One segment of f: seq, flags, len bytes of the send stream from seq,
 * the options the flow negotiated (the SYN-ACK's from the personality),
 * and a D-SACK block when dsack is given.
 */
static int seg_emit(struct engine *e, struct flow *f, uint32_t seq,
		    uint16_t flags, uint32_t len, const uint32_t *dsack,
		    uint32_t now, struct engine_result *res)
{
	const struct crule *r = rule_of(e, f);
	const struct personality *pe = r->host->pers;
	struct pkt *o = &e->seg_pkt;
	uint8_t store[40];
	uint32_t w;

	if (!room(res))
		return -1;
	memset(o, 0, sizeof(*o));
	o->has = PKT_L_ETH | PKT_L_TCP;
	memcpy(o->eth.dst, f->peer_mac, 6);
	memcpy(o->eth.src, r->host->mac, 6);
	o->eth.type = f->eth_type;
	if (f->flags & FLOW_F_VLAN2) {
		o->dot1ad = f->vlan[1];
		o->has |= PKT_L_DOT1AD;
	}
	if (f->flags & FLOW_F_VLAN1) {
		o->dot1q = f->vlan[0];
		o->has |= PKT_L_DOT1Q;
	}
	if (f->k.family == 4) {
		o->has |= PKT_L_IP;
		o->ip.version = 4;
		o->ip.ttl = pe->ttl;
		o->ip.flags = pe->df ? PKT_IP_DF : 0;
		memcpy(o->ip.src, f->k.us, 4);
		memcpy(o->ip.dst, f->k.peer, 4);
	} else {
		o->has |= PKT_L_IP6;
		o->ip6.version = 6;
		o->ip6.hlim = pe->ttl;
		memcpy(o->ip6.src, f->k.us, 16);
		memcpy(o->ip6.dst, f->k.peer, 16);
	}
	o->tcp.sport = f->k.our_port;
	o->tcp.dport = f->k.peer_port;
	o->tcp.seq = seq;
	o->tcp.flags = flags;
	if (flags & PKT_TCP_ACK)
		o->tcp.ack = f->rcv_nxt;
	if (flags & PKT_TCP_RST) {
		/* A reset carries no window and no options, as Linux's. */
	} else if (flags & PKT_TCP_SYN) {
		struct pkt_tcp syn;

		memset(&syn, 0, sizeof(syn));
		syn.ohas = ((f->flags & FLOW_F_TS) ? PKT_TCPO_TS : 0) |
			   ((f->flags & FLOW_F_SACK) ? PKT_TCPO_SACKOK : 0) |
			   ((f->flags & FLOW_F_WS) ? PKT_TCPO_WSCALE : 0);
		syn.tsval = f->ts_recent;
		o->tcp.window = (uint16_t)rcv_wnd(e, f);
		pe->synack_options(
			&o->tcp, &syn,
			f->ts_cookie ? f->ts_cookie : tsval_of(f, now), store);
		if (!(f->flags & (FLOW_F_TS | FLOW_F_WS | FLOW_F_SACK)) &&
		    (f->flags & FLOW_F_COOKIE))
			o->tcp.n_opt = 1; /* a cookie without TS: MSS alone */
	} else {
		w = rcv_wnd(e, f);
		if (f->flags & FLOW_F_WS)
			w >>= f->rcv_wscale;
		o->tcp.window = (uint16_t)(w > 65535 ? 65535 : w);
		if (f->flags & FLOW_F_TS) {
			put32(store, tsval_of(f, now));
			put32(store + 4, f->ts_recent);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_NOP, NULL, 0);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_NOP, NULL, 0);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_TIMESTAMP, store,
					8);
		}
		if (dsack && (f->flags & FLOW_F_SACK)) {
			put32(store + 8, dsack[0]);
			put32(store + 12, dsack[1]);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_NOP, NULL, 0);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_NOP, NULL, 0);
			pkt_tcp_opt_add(&o->tcp, PKT_TCPOPT_SACK, store + 8, 8);
		}
	}
	if (len) {
		tx_gather(f, seq, e->seg, len);
		o->payload.p = e->seg;
		o->payload.len = len;
		o->has |= PKT_L_RAW;
	}
	return host_emit(e, r, o, res);
}

static void send_ack(struct engine *e, struct flow *f, const uint32_t *dsack,
		     uint32_t now, struct engine_result *res)
{
	seg_emit(e, f, f->snd_nxt, PKT_TCP_ACK, 0, dsack, now, res);
}

static void flow_gone(struct engine *e, struct flow *f)
{
	e->flows_closed++;
	flow_remove(&e->flows, f);
}

/* Aborts f with an RST (RFC 9293 3.10.7.1 ABORT) and forgets it. */
static void flow_reset(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	seg_emit(e, f, f->snd_nxt, PKT_TCP_RST | PKT_TCP_ACK, 0, NULL, now,
		 res);
	e->flows_reset++;
	flow_remove(&e->flows, f);
}

static int tx_push(struct flow *f, const uint8_t *p, uint32_t len, bool owned)
{
	struct flow_txq *q = f->tx;

	if (!len)
		return 0;
	if (!q || q->n == q->cap) {
		uint32_t cap = q ? q->cap * 2 : 4;

		q = realloc(q, sizeof(*q) + cap * sizeof(q->c[0]));
		if (!q)
			return -1;
		if (!f->tx) {
			q->n = 0;
			q->base = f->snd_end;
		}
		q->cap = cap;
		f->tx = q;
	}
	q->c[q->n].p = p;
	q->c[q->n].len = len;
	q->c[q->n].owned = owned;
	q->n++;
	f->snd_end += len;
	return 0;
}

/* Drops the chunks wholly acknowledged by ack. */
static void tx_trim(struct flow *f, uint32_t ack)
{
	struct flow_txq *q = f->tx;
	uint32_t i = 0;

	if (!q)
		return;
	while (i < q->n && seq_le(q->base + q->c[i].len, ack)) {
		q->base += q->c[i].len;
		if (q->c[i].owned)
			free((void *)(uintptr_t)q->c[i].p);
		i++;
	}
	if (i == q->n) {
		free(q);
		f->tx = NULL;
	} else if (i) {
		memmove(q->c, q->c + i, (q->n - i) * sizeof(q->c[0]));
		q->n -= i;
	}
}

static int rx_append(struct flow *f, const uint8_t *p, uint32_t len)
{
	struct flow_rxq *q = f->rx;
	uint32_t need;

	if (q && q->len + len > RX_MAX)
		len = RX_MAX -
		      q->len; /* bounded: the rest is ACKed, not kept */
	if (!len)
		return 0;
	need = (q ? q->len : 0) + len;
	if (!q || need > q->cap) {
		uint32_t cap = q ? q->cap : 256;

		while (cap < need)
			cap *= 2;
		/* One byte more: the request stays NUL-terminated. */
		q = realloc(q, sizeof(*q) + cap + 1);
		if (!q)
			return -1;
		if (!f->rx)
			q->len = 0;
		q->cap = cap;
		f->rx = q;
	}
	memcpy(q->b + q->len, p, len);
	q->len += len;
	q->b[q->len] = 0;
	return 0;
}

/*
 * Which trigger fires on the request so far: its index, -1 none, -2 wait
 * (a prefix that may still come).  *take is what the trigger takes of the
 * request: a regex the bytes up to the end of its match (so that a line
 * protocol answers line by line), a prefix, `any` and a regex that
 * matches nothing but the empty string all of it.
 */
static int trigger_pick(const struct csvc *sv, const struct flow_rxq *rx,
			uint32_t *take)
{
	regmatch_t m;
	size_t i;

	if (!rx || !rx->len)
		return -1;
	*take = rx->len;
	for (i = 0; i < sv->n_trig; i++) {
		const struct ctrigger *t = &sv->trig[i];

		switch (t->kind) {
		case AST_TRIG_PREFIX:
			if (rx->len >= t->len) {
				if (!memcmp(rx->b, t->text, t->len))
					return (int)i;
			} else if (!memcmp(rx->b, t->text, rx->len)) {
				return -2; /* could still match: wait */
			}
			break;
		case AST_TRIG_REGEX:
			m.rm_so = 0;
			m.rm_eo = (regoff_t)rx->len;
			if (t->has_re && regexec(&t->re, (const char *)rx->b, 1,
						 &m, REG_STARTEND) == 0) {
				if (m.rm_eo > 0 && (uint32_t)m.rm_eo <= rx->len)
					*take = (uint32_t)m.rm_eo;
				return (int)i;
			}
			break;
		case AST_TRIG_ANY:
			return (int)i;
		}
	}
	return -1;
}

/*
 * Runs the service: the trigger in progress from its next action, then
 * the next trigger the request fires, until the request is used up, a
 * wait or a close.  Returns -1 when a reset removed the flow.
 */
static int script_run(struct engine *e, struct flow *f, uint32_t now,
		      struct engine_result *res)
{
	const struct csvc *sv = rule_of(e, f)->svc;
	uint32_t take = 0;
	int steps, k;

	if (!sv)
		return 0;
	for (steps = 0; steps < SCRIPT_STEPS; steps++) {
		const struct ctrigger *t;

		if (f->flags & (FLOW_F_WAITING | FLOW_F_SCRIPT_DONE))
			return 0;
		if (!f->trig) {
			k = trigger_pick(sv, f->rx, &take);
			if (k < 0) {
				/* A full request that fires nothing is dropped. */
				if (k == -1 && f->rx && f->rx->len >= RX_MAX) {
					f->rx->len = 0;
					f->rx->b[0] = 0;
				}
				return 0;
			}
			f->trig = (uint16_t)(k + 1);
			f->act = 0;
			f->consumed = take;
		}
		t = &sv->trig[f->trig - 1];
		while (f->act < t->n_acts) {
			const struct csact *a = &t->acts[f->act++];

			switch (a->kind) {
			case AST_SACT_SEND:
				tx_push(f, a->data, a->len, false);
				break;
			case AST_SACT_ECHO:
				if (f->consumed && f->rx) {
					uint8_t *c = malloc(f->consumed);

					if (c) {
						memcpy(c, f->rx->b,
						       f->consumed);
						if (tx_push(f, c, f->consumed,
							    true) < 0)
							free(c);
					}
				}
				break;
			case AST_SACT_CLOSE:
				f->flags |=
					FLOW_F_FIN_QUEUED | FLOW_F_SCRIPT_DONE;
				break;
			case AST_SACT_RESET:
				flow_reset(e, f, now, res);
				return -1;
			case AST_SACT_WAIT:
				f->flags |= FLOW_F_WAITING;
				f->wait_at = at(now, a->ms);
				return 0;
			}
		}
		/* The trigger is done: what it fired on is used up. */
		if (f->rx) {
			memmove(f->rx->b, f->rx->b + f->consumed,
				f->rx->len - f->consumed);
			f->rx->len -= f->consumed;
			f->rx->b[f->rx->len] = 0;
			if (!f->rx->len) {
				free(f->rx);
				f->rx = NULL;
			}
		}
		f->consumed = 0;
		f->trig = 0;
	}
	return 0;
}

static void enter_fin_sent(struct flow *f)
{
	f->flags |= FLOW_F_FIN_SENT;
	if (f->state == FLOW_ESTABLISHED)
		f->state = FLOW_FIN_WAIT;
	else if (f->state == FLOW_CLOSE_WAIT)
		f->state = FLOW_LAST_ACK;
}

/*
 * Sends what the queue holds from SND.NXT, within min(window, cwnd), cut
 * to the MSS, with the FIN on the last segment once the script closed;
 * then a bare ACK if one is owed and nothing carried it.
 */
static void output(struct engine *e, struct flow *f, bool need_ack,
		   uint32_t now, struct engine_result *res)
{
	uint32_t wnd = f->snd_wnd < f->cwnd ? f->snd_wnd : f->cwnd;
	uint32_t left, inflight, len;
	bool fin;
	unsigned sent = 0;

	if (f->state == FLOW_SYN_RCVD)
		return;
	while (room(res)) {
		left = seq_lt(f->snd_nxt, f->snd_end) ?
			       f->snd_end - f->snd_nxt :
			       0;
		inflight = f->snd_nxt - f->snd_una;
		if (!left) {
			if ((f->flags & FLOW_F_FIN_QUEUED) &&
			    !(f->flags & FLOW_F_FIN_SENT) &&
			    f->snd_nxt == f->snd_end) {
				seg_emit(e, f, f->snd_nxt,
					 PKT_TCP_FIN | PKT_TCP_ACK, 0, NULL,
					 now, res);
				f->snd_nxt++;
				enter_fin_sent(f);
				sent++;
			}
			break;
		}
		if (inflight >= wnd)
			break;
		len = f->mss;
		if (left < len)
			len = left;
		if (wnd - inflight < len)
			len = wnd - inflight;
		/* No silly window (RFC 1122 4.2.3.4): wait for a full one. */
		if (len < left && len < f->mss && inflight)
			break;
		fin = (f->flags & FLOW_F_FIN_QUEUED) &&
		      !(f->flags & FLOW_F_FIN_SENT) && len == left;
		if (!(f->flags & (FLOW_F_TS | FLOW_F_RTT)) &&
		    f->snd_nxt == f->snd_max) {
			f->flags |= FLOW_F_RTT;
			f->rtt_seq = f->snd_nxt;
			f->rtt_start = now;
		}
		seg_emit(e, f, f->snd_nxt,
			 PKT_TCP_ACK | (len == left ? PKT_TCP_PSH : 0) |
				 (fin ? PKT_TCP_FIN : 0),
			 len, NULL, now, res);
		if (f->snd_nxt != f->snd_max && seq_lt(f->snd_nxt, f->snd_max))
			e->retransmits++;
		f->snd_nxt += len + fin;
		if (fin)
			enter_fin_sent(f);
		sent++;
		if (seq_lt(f->snd_max, f->snd_nxt))
			f->snd_max = f->snd_nxt;
	}
	if (seq_lt(f->snd_max, f->snd_nxt))
		f->snd_max = f->snd_nxt;
	left = seq_lt(f->snd_nxt, f->snd_end) ? f->snd_end - f->snd_nxt : 0;
	if (!f->snd_wnd && left && f->snd_una == f->snd_max) {
		/* Zero window, nothing in flight: probe it (persist). */
		if (!(f->flags & FLOW_F_PERSIST)) {
			f->flags |= FLOW_F_PERSIST;
			f->rto_at = at(now, f->rto);
		}
	} else if (f->snd_una != f->snd_max) {
		f->flags &= (uint16_t)~FLOW_F_PERSIST;
		if (!f->rto_at)
			f->rto_at = at(now, f->rto);
	} else {
		f->flags &= (uint16_t)~FLOW_F_PERSIST;
		f->rto_at = 0;
	}
	if (need_ack && !sent)
		send_ack(e, f, NULL, now, res);
}

/* One round-trip sample, RFC 6298 2.2-2.4 with Linux's floor. */
static void rtt_sample(struct flow *f, uint32_t rtt)
{
	uint32_t srtt8 = f->srtt8, var4 = f->rttvar4, rto;
	int32_t delta;

	if (rtt > 8000)
		rtt = 8000;
	if (!srtt8) {
		srtt8 = rtt * 8;
		var4 = rtt * 2;
	} else {
		delta = (int32_t)rtt - (int32_t)(srtt8 / 8);
		srtt8 = (uint32_t)((int32_t)srtt8 + delta);
		var4 = (uint32_t)((int32_t)var4 +
				  ((delta < 0 ? -delta : delta) -
				   (int32_t)(var4 / 4)));
	}
	if (srtt8 > 65535)
		srtt8 = 65535;
	if (var4 > 65535)
		var4 = 65535;
	f->srtt8 = (uint16_t)srtt8;
	f->rttvar4 = (uint16_t)var4;
	rto = srtt8 / 8 + (var4 > 1 ? var4 : 1);
	f->rto = (uint16_t)(rto < RTO_MIN ? RTO_MIN :
			    rto > RTO_MAX ? RTO_MAX :
					    rto);
}

static void fill_key(const struct pkt *q, struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
	if (q->has & PKT_L_IP) {
		k->family = 4;
		memcpy(k->peer, q->ip.src, 4);
		memcpy(k->us, q->ip.dst, 4);
	} else {
		k->family = 6;
		memcpy(k->peer, q->ip6.src, 16);
		memcpy(k->us, q->ip6.dst, 16);
	}
	k->peer_port = q->tcp.sport;
	k->our_port = q->tcp.dport;
}

/* What the flow needs to answer the peer later: MAC, tags, options. */
static void flow_setup(struct engine *e, struct flow *f, const struct crule *r,
		       const struct pkt *q, uint32_t iss)
{
	const struct pkt_tcp *t = &q->tcp;
	const struct personality *pe = r->host->pers;
	uint32_t mss;

	f->rule = (uint16_t)r->index;
	memcpy(f->peer_mac, q->eth.src, 6);
	f->eth_type = q->eth.type;
	if (q->has & PKT_L_DOT1Q) {
		f->vlan[0] = q->dot1q;
		f->flags |= FLOW_F_VLAN1;
	}
	if (q->has & PKT_L_DOT1AD) {
		f->vlan[1] = q->dot1ad;
		f->flags |= FLOW_F_VLAN2;
	}
	/* RFC 9293 3.7.1: 536 (IPv4) or 1220 (IPv6) without the option. */
	mss = (t->ohas & PKT_TCPO_MSS) ? t->mss : f->k.family == 4 ? 536 : 1220;
	if (mss > pe->mss)
		mss = pe->mss;
	if (mss < 64)
		mss = 64;
	f->mss = (uint16_t)mss;
	f->iss = iss;
	f->ts_off = iss ^ 0x5bd1e995u;
	f->rto = RTO_INIT;
	f->cwnd = 10 * mss; /* RFC 6928 */
	f->ssthresh = 0xffffffffu;
	(void)e;
}

/*
 * Once the options are known: f->mss becomes the payload of a full
 * segment, the MSS less the timestamp option every segment carries
 * (Linux's tcp_current_mss), and the first window is ten of those.
 */
static void mss_settle(struct flow *f)
{
	if (f->flags & FLOW_F_TS)
		f->mss = (uint16_t)(f->mss - 12);
	f->cwnd = 10u * f->mss; /* RFC 6928 */
}

static void options_from_syn(struct flow *f, const struct crule *r,
			     const struct pkt_tcp *t)
{
	if (t->ohas & PKT_TCPO_WSCALE) {
		f->flags |= FLOW_F_WS;
		f->snd_wscale = t->wscale > 14 ? 14 : t->wscale;
		f->rcv_wscale = r->host->pers->wscale;
	}
	if (t->ohas & PKT_TCPO_SACKOK)
		f->flags |= FLOW_F_SACK;
	if (t->ohas & PKT_TCPO_TS) {
		f->flags |= FLOW_F_TS;
		f->ts_recent = t->tsval;
	}
}

/* SYN cookies: seq = hash(4-tuple, t, MSS index) : t mod 32 : MSS index. */
static const uint16_t cookie_mss[8] = { 536,  1200, 1300, 1360,
					1400, 1440, 1452, 1460 };

static uint32_t cookie_hash(const struct engine *e, const struct flow_key *k,
			    uint32_t t, unsigned idx)
{
	uint8_t b[sizeof(*k) + 5];

	memcpy(b, k, sizeof(*k));
	put32(b + sizeof(*k), t);
	b[sizeof(*k) + 4] = (uint8_t)idx;
	return (uint32_t)host_keyed(e->seed ^ 0xc00c1e5ull, b, sizeof(b));
}

static uint32_t cookie_make(const struct engine *e, const struct flow_key *k,
			    uint32_t now, uint16_t mss)
{
	uint32_t t = now / 64000u; /* a counter of 64 s, as Linux's */
	unsigned idx = 0;

	while (idx < 7 && cookie_mss[idx + 1] <= mss)
		idx++;
	return (cookie_hash(e, k, t, idx) & 0xffffff00u) | (t & 31u) << 3 | idx;
}

/* The MSS index of a cookie from now or the counter before, or -1. */
static int cookie_check(const struct engine *e, const struct flow_key *k,
			uint32_t now, uint32_t c)
{
	uint32_t t = now / 64000u, d;
	unsigned idx = c & 7;

	for (d = 0; d < 2; d++)
		if (((t - d) & 31u) == ((c >> 3) & 31u) &&
		    (cookie_hash(e, k, t - d, idx) & 0xffffff00u) ==
			    (c & 0xffffff00u))
			return (int)idx;
	return -1;
}

/* The ECN-setup SYN gets ECE where the personality's stack says so. */
static bool ecn_setup(const struct crule *r, const struct pkt *q)
{
	unsigned ect =
		(q->has & PKT_L_IP) ? (q->ip.tos & 3u) : (q->ip6.tc & 3u);

	return (q->tcp.flags & (PKT_TCP_ECE | PKT_TCP_CWR)) ==
		       (PKT_TCP_ECE | PKT_TCP_CWR) &&
	       r->host->pers->ecn && !(ect && !q->tcp.reserved);
}

static void synack_send(struct engine *e, struct flow *f, uint32_t now,
			struct engine_result *res)
{
	seg_emit(e, f, f->iss,
		 PKT_TCP_SYN | PKT_TCP_ACK |
			 ((f->flags & FLOW_F_ECN) ? PKT_TCP_ECE : 0),
		 0, NULL, now, res);
}

/*
 * The table is full: answer from a stateless flow whose ISN is a cookie
 * and whose timestamp keeps the peer's window scale and SACK-permitted.
 */
static void cookie_synack(struct engine *e, const struct crule *r,
			  const struct pkt *q, const struct flow_key *k,
			  uint32_t now, struct engine_result *res)
{
	struct flow f;
	uint32_t bits;

	memset(&f, 0, sizeof(f));
	f.k = *k;
	flow_setup(e, &f, r, q, 0);
	flow_setup(e, &f, r, q, cookie_make(e, k, now, f.mss));
	f.flags |= FLOW_F_COOKIE;
	f.rcv_nxt = q->tcp.seq + 1;
	if (q->tcp.ohas & PKT_TCPO_TS) {
		options_from_syn(&f, r, &q->tcp);
		bits = ((f.flags & FLOW_F_WS) ? f.snd_wscale : 15u) |
		       ((f.flags & FLOW_F_SACK) ? 16u : 0u);
		f.ts_cookie = (tsval_of(&f, now) & ~31u) | bits;
		if (!f.ts_cookie)
			f.ts_cookie = 32 | bits;
	}
	if (ecn_setup(r, q))
		f.flags |= FLOW_F_ECN;
	e->cookies_sent++;
	synack_send(e, &f, now, res);
}

static struct flow *cookie_flow(struct engine *e, const struct crule *r,
				const struct pkt *q, const struct flow_key *k,
				uint32_t now)
{
	const struct pkt_tcp *t = &q->tcp;
	struct flow *f, *v;
	int idx = cookie_check(e, k, now, t->ack - 1);
	uint32_t bits;

	if (idx < 0)
		return NULL;
	if (e->flows.used == e->flows.max) {
		v = flow_embryonic_victim(&e->flows);
		if (!v)
			return NULL;
		e->flows_evicted++;
		flow_remove(&e->flows, v);
	}
	f = flow_insert(&e->flows, k);
	if (!f)
		return NULL;
	flow_setup(e, f, r, q, t->ack - 1);
	if (f->mss > cookie_mss[idx])
		f->mss = cookie_mss[idx];
	f->flags |= FLOW_F_COOKIE;
	if (t->ohas & PKT_TCPO_TS) {
		bits = t->tsecr & 31u;
		f->flags |= FLOW_F_TS;
		f->ts_recent = t->tsval;
		if ((bits & 15u) != 15u) {
			f->flags |= FLOW_F_WS;
			f->snd_wscale =
				(uint8_t)((bits & 15u) > 14 ? 14 : bits & 15u);
			f->rcv_wscale = r->host->pers->wscale;
		}
		if (bits & 16u)
			f->flags |= FLOW_F_SACK;
		/* The encoded TSval may be ahead of the clock: never go back. */
		if (seq_lt(tsval_of(f, now), t->tsecr))
			f->ts_off += t->tsecr - tsval_of(f, now);
	}
	mss_settle(f);
	f->irs = t->seq - 1;
	f->rcv_nxt = t->seq;
	f->snd_una = f->snd_nxt = f->snd_max = f->snd_end = t->ack;
	f->snd_wnd = (uint32_t)t->window << f->snd_wscale;
	f->state = FLOW_ESTABLISHED;
	e->cookies_ok++;
	e->flows_created++;
	return f;
}

static void established(struct engine *e, struct flow *f, uint32_t now,
			struct engine_result *res)
{
	const struct csvc *sv = rule_of(e, f)->svc;

	(void)res;
	f->idle_at = at(now, e->idle_ms);
	if (sv && sv->banner)
		tx_push(f, sv->banner, sv->banner_len, false);
}

/* A segment for no flow: a SYN opens one, an ACK may carry a cookie. */
static int no_flow(struct engine *e, const struct crule *r, const struct pkt *q,
		   const struct flow_key *k, uint32_t now,
		   struct engine_result *res);

static int segment(struct engine *e, struct flow *f, const struct crule *r,
		   const struct pkt *q, uint32_t now, struct engine_result *res)
{
	const struct pkt_tcp *t = &q->tcp;
	const uint8_t *data = q->payload.p;
	uint32_t len = (uint32_t)q->payload.len, seq = t->seq, wnd, acked;
	uint32_t dsack[2];
	bool need_ack = false, fin = t->flags & PKT_TCP_FIN;
	bool acceptable;

	if (f->state == FLOW_SYN_RCVD) {
		if (t->flags & PKT_TCP_RST) {
			if (seq == f->rcv_nxt)
				flow_gone(e, f);
			return 0;
		}
		if (t->flags & PKT_TCP_SYN) {
			if (!(t->flags & PKT_TCP_ACK) && seq == f->irs) {
				/* A retransmitted SYN: the same SYN-ACK. */
				synack_send(e, f, now, res);
				return 0;
			}
			if (!(t->flags & PKT_TCP_ACK)) {
				/* Another SYN on the tuple: a new attempt. */
				flow_gone(e, f);
				return no_flow(e, r, q, &f->k, now, res);
			}
		}
		if (!(t->flags & PKT_TCP_ACK))
			return 0;
		if (t->ack != f->iss + 1 || (t->flags & PKT_TCP_SYN)) {
			/* RFC 9293 3.10.7.4: an unacceptable ACK gets an RST. */
			seg_emit(e, f, t->ack, PKT_TCP_RST, 0, NULL, now, res);
			return 0;
		}
		f->state = FLOW_ESTABLISHED;
		e->flows.n_embryonic--;
		f->snd_una = f->iss + 1;
		f->retries = 0;
		f->rto_at = 0;
		if ((f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS) &&
		    t->tsecr && !f->retries &&
		    now - (t->tsecr - f->ts_off) < RTO_MAX)
			rtt_sample(f, now - (t->tsecr - f->ts_off));
		f->rto = f->rto < RTO_MIN ? RTO_MIN : f->rto;
		f->snd_wnd = (uint32_t)t->window << f->snd_wscale;
		established(e, f, now, res);
	}
	wnd = rcv_wnd(e, f);
	/* RFC 9293 3.10.7.4, first: is the segment in the window? */
	if (!len && !fin)
		acceptable = seq_le(f->rcv_nxt, seq) &&
			     seq_lt(seq, f->rcv_nxt + wnd);
	else
		acceptable = (seq_le(f->rcv_nxt, seq) &&
			      seq_lt(seq, f->rcv_nxt + wnd)) ||
			     (seq_lt(f->rcv_nxt, seq + len + fin) &&
			      seq_lt(seq + len + fin - 1, f->rcv_nxt + wnd));
	if (seq == f->rcv_nxt)
		acceptable = true;
	if (!acceptable) {
		if (t->flags & PKT_TCP_RST)
			return 0;
		/* A duplicate: a D-SACK block says which (RFC 2883). */
		dsack[0] = seq;
		dsack[1] = seq + len;
		e->dupacks_sent++;
		send_ack(e, f,
			 len && seq_le(seq + len, f->rcv_nxt) ? dsack : NULL,
			 now, res);
		return 0;
	}
	if (t->flags & PKT_TCP_RST) {
		/* RFC 5961 3.2: exactly RCV.NXT resets, else a challenge. */
		if (seq == f->rcv_nxt) {
			e->flows_reset++;
			flow_remove(&e->flows, f);
		} else {
			e->challenge_acks++;
			send_ack(e, f, NULL, now, res);
		}
		return 0;
	}
	if (t->flags & PKT_TCP_SYN) {
		e->challenge_acks++; /* RFC 5961 4.2 */
		send_ack(e, f, NULL, now, res);
		return 0;
	}
	if (!(t->flags & PKT_TCP_ACK))
		return 0;
	f->idle_at = at(now, e->idle_ms);
	if (seq_lt(f->snd_max, t->ack)) {
		/* It acknowledges what was never sent (RFC 9293 3.10.7.4). */
		send_ack(e, f, NULL, now, res);
		return 0;
	}
	if (seq_lt(f->snd_una, t->ack)) {
		acked = t->ack - f->snd_una;
		f->snd_una = t->ack;
		if (seq_lt(f->snd_nxt, f->snd_una))
			f->snd_nxt = f->snd_una;
		if ((f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS) &&
		    t->tsecr && !f->retries &&
		    now - (t->tsecr - f->ts_off) < RTO_MAX)
			rtt_sample(f, now - (t->tsecr - f->ts_off));
		else if ((f->flags & FLOW_F_RTT) &&
			 seq_lt(f->rtt_seq, t->ack)) {
			if (!f->retries)
				rtt_sample(f, now - f->rtt_start);
			f->flags &= (uint16_t)~FLOW_F_RTT;
		}
		f->retries = 0;
		f->rto_at = 0;
		if (f->flags & FLOW_F_RECOVERY) {
			if (seq_le(f->recover, t->ack)) {
				f->flags &= (uint16_t)~FLOW_F_RECOVERY;
				f->cwnd = f->ssthresh;
			} else {
				/* A partial ACK: the next hole, now (RFC 6582). */
				uint32_t n = f->snd_end - f->snd_una;

				if (seq_lt(f->snd_end, f->snd_una))
					n = 0;
				if (n > f->mss)
					n = f->mss;
				if (n) {
					seg_emit(e, f, f->snd_una, PKT_TCP_ACK,
						 n, NULL, now, res);
					e->retransmits++;
				}
			}
		} else if (f->cwnd < f->ssthresh) {
			f->cwnd += acked < f->mss ? acked : f->mss;
		} else {
			f->cwnd += (uint32_t)f->mss * f->mss / f->cwnd + 1;
		}
		f->dupacks = 0;
		tx_trim(f, seq_lt(f->snd_end, t->ack) ? f->snd_end : t->ack);
		if ((f->flags & FLOW_F_FIN_QUEUED) &&
		    seq_lt(f->snd_end, t->ack)) {
			/* Our FIN is acknowledged. */
			if (f->state == FLOW_CLOSING ||
			    f->state == FLOW_LAST_ACK) {
				flow_gone(e, f);
				return 0;
			}
		}
	} else if (t->ack == f->snd_una && !len && !fin &&
		   f->snd_una != f->snd_max &&
		   ((uint32_t)t->window << f->snd_wscale) == f->snd_wnd) {
		/* A duplicate ACK (RFC 5681 2): three start a recovery. */
		if (++f->dupacks == 3 && !(f->flags & FLOW_F_RECOVERY)) {
			uint32_t inflight = f->snd_max - f->snd_una,
				 n = f->snd_end - f->snd_una;

			f->ssthresh = inflight / 2 > 2u * f->mss ?
					      inflight / 2 :
					      2u * f->mss;
			f->cwnd = f->ssthresh + 3u * f->mss;
			f->recover = f->snd_max;
			f->flags |= FLOW_F_RECOVERY;
			if (seq_lt(f->snd_end, f->snd_una))
				n = 0;
			if (n > f->mss)
				n = f->mss;
			if (n) {
				seg_emit(e, f, f->snd_una, PKT_TCP_ACK, n, NULL,
					 now, res);
				e->retransmits++;
			}
			f->rto_at = at(now, f->rto);
		} else if (f->dupacks > 3) {
			f->cwnd += f->mss; /* inflation */
		}
	}
	f->snd_wnd = (uint32_t)t->window << f->snd_wscale;
	if ((f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS) &&
	    seq_le(seq, f->rcv_nxt))
		f->ts_recent = t->tsval;
	/* Data, in order; the part already received is cut off. */
	if (len && seq_lt(seq, f->rcv_nxt)) {
		uint32_t cut = f->rcv_nxt - seq;

		if (cut >= len) {
			len = 0;
		} else {
			data += cut;
			len -= cut;
		}
		seq = f->rcv_nxt;
	}
	if (len) {
		need_ack = true;
		if (seq != f->rcv_nxt) {
			/* Out of order: not kept; the duplicate ACK asks again. */
			e->dupacks_sent++;
			fin = false;
		} else if (f->state == FLOW_ESTABLISHED ||
			   f->state == FLOW_FIN_WAIT) {
			if (len > wnd)
				len = wnd;
			if (!(f->flags & FLOW_F_SCRIPT_DONE) &&
			    rule_of(e, f)->svc)
				rx_append(f, data, len);
			f->rcv_nxt += len;
			e->bytes_in += len;
		}
	}
	if (fin && seq + len == f->rcv_nxt && !(f->flags & FLOW_F_FIN_RCVD)) {
		f->rcv_nxt++;
		f->flags |= FLOW_F_FIN_RCVD;
		need_ack = true;
		if (f->state == FLOW_ESTABLISHED) {
			f->state = FLOW_CLOSE_WAIT;
		} else if (f->state == FLOW_FIN_WAIT) {
			if (f->snd_una == f->snd_max) {
				/* FIN-WAIT-2 -> TIME-WAIT: the last ACK. */
				send_ack(e, f, NULL, now, res);
				flow_gone(e, f);
				return 0;
			}
			f->state = FLOW_CLOSING;
		}
	}
	if (script_run(e, f, now, res) < 0)
		return 0;
	/* The peer closed: the service closes too, once its script is idle. */
	if ((f->flags & FLOW_F_FIN_RCVD) &&
	    !(f->flags & (FLOW_F_WAITING | FLOW_F_FIN_QUEUED)) && !f->trig)
		f->flags |= FLOW_F_FIN_QUEUED | FLOW_F_SCRIPT_DONE;
	output(e, f, need_ack, now, res);
	flow_timer_rearm(&e->flows, f);
	return 0;
}

static int no_flow(struct engine *e, const struct crule *r, const struct pkt *q,
		   const struct flow_key *k, uint32_t now,
		   struct engine_result *res)
{
	const struct pkt_tcp *t = &q->tcp;
	struct flow *f;

	if (t->flags & PKT_TCP_RST)
		return 0;
	if ((t->flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN) {
		f = flow_insert(&e->flows, k);
		if (!f) {
			cookie_synack(e, r, q, k, now, res);
			return 0;
		}
		flow_setup(e, f, r, q, host_isn(e, q));
		options_from_syn(f, r, t);
		mss_settle(f);
		if (ecn_setup(r, q))
			f->flags |= FLOW_F_ECN;
		f->irs = t->seq;
		f->rcv_nxt = t->seq + 1;
		f->snd_una = f->iss;
		f->snd_nxt = f->snd_max = f->snd_end = f->iss + 1;
		f->snd_wnd = t->window;
		f->state = FLOW_SYN_RCVD;
		e->flows.n_embryonic++;
		e->flows_created++;
		f->rto_at = at(now, f->rto);
		synack_send(e, f, now, res);
		flow_timer_rearm(&e->flows, f);
		return 0;
	}
	if ((t->flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_ACK) {
		f = cookie_flow(e, r, q, k, now);
		if (f) {
			established(e, f, now, res);
			return segment(e, f, r, q, now, res);
		}
	}
	/*
	 * An ACK for no connection of ours gets what a listener gives it,
	 * an RST with seq = SEG.ACK (RFC 9293 3.10.7.2); a SYN-ACK too.
	 */
	if (t->flags & PKT_TCP_ACK) {
		struct flow tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.k = *k;
		flow_setup(e, &tmp, r, q, 0);
		seg_emit(e, &tmp, t->ack, PKT_TCP_RST, 0, NULL, now, res);
	}
	return 0;
}

int tcp_input(struct engine *e, const struct crule *r, const struct pkt *q,
	      uint64_t ts_us, struct engine_result *res)
{
	uint32_t now = (uint32_t)(ts_us / 1000u);
	struct flow_key k;
	struct flow *f;

	if (!now)
		now = 1;
	if (!e->flows.n_timers)
		e->flows.now_ms = now;
	fill_key(q, &k);
	f = flow_lookup(&e->flows, &k);
	if (f && f->rule != r->index) {
		flow_remove(&e->flows, f); /* the port's rule changed */
		f = NULL;
	}
	if (!f)
		return no_flow(e, r, q, &k, now, res);
	return segment(e, f, r, q, now, res);
}

/* f's timer went off at now. */
static void timer_fire(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	uint32_t left;

	if (f->wait_at && seq_le(f->wait_at, now)) {
		f->wait_at = 0;
		f->flags &= (uint16_t)~FLOW_F_WAITING;
		if (script_run(e, f, now, res) < 0)
			return;
		if ((f->flags & FLOW_F_FIN_RCVD) &&
		    !(f->flags & (FLOW_F_WAITING | FLOW_F_FIN_QUEUED)) &&
		    !f->trig)
			f->flags |= FLOW_F_FIN_QUEUED | FLOW_F_SCRIPT_DONE;
		output(e, f, false, now, res);
	}
	if (f->rto_at && seq_le(f->rto_at, now)) {
		f->rto_at = 0;
		if (f->state == FLOW_SYN_RCVD) {
			if (++f->retries > SYNACK_RETRIES) {
				flow_gone(e, f); /* silently, as Linux */
				return;
			}
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			e->retransmits++;
			synack_send(e, f, now, res);
			f->rto_at = at(now, f->rto);
		} else if (f->flags & FLOW_F_PERSIST) {
			if (++f->retries > PROBE_RETRIES) {
				flow_reset(e, f, now, res);
				return;
			}
			/* The zero-window probe: SND.UNA - 1, no data. */
			seg_emit(e, f, f->snd_una - 1, PKT_TCP_ACK, 0, NULL,
				 now, res);
			e->probes++;
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			f->rto_at = at(now, f->rto);
		} else if (f->snd_una != f->snd_max) {
			if (++f->retries > DATA_RETRIES) {
				flow_reset(e, f, now, res);
				return;
			}
			/* RFC 5681 3.1 and RFC 6298 5.5-5.6: one segment. */
			left = f->snd_max - f->snd_una;
			f->ssthresh =
				left / 2 > 2u * f->mss ? left / 2 : 2u * f->mss;
			f->cwnd = f->mss;
			f->flags &= (uint16_t) ~(FLOW_F_RECOVERY | FLOW_F_RTT);
			f->dupacks = 0;
			f->snd_nxt = f->snd_una;
			if (seq_le(f->snd_una, f->snd_end))
				f->flags &= (uint16_t)~FLOW_F_FIN_SENT;
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			output(e, f, false, now, res);
			f->rto_at = at(now, f->rto);
		}
	}
	if (f->idle_at && seq_le(f->idle_at, now)) {
		e->flows_idle++;
		flow_remove(&e->flows, f);
		return;
	}
	flow_timer_rearm(&e->flows, f);
}

int engine_tick(struct engine *e, uint64_t ts_us, struct engine_result *res)
{
	uint32_t now = (uint32_t)(ts_us / 1000u), n;
	struct flow *f;
	int more = 0;

	res->rule = NULL;
	res->log = false;
	res->drop = DROP_NONE;
	res->why = NULL;
	res->n = 0;
	res->used = 0;
	if (!now)
		now = 1;
	for (n = 0; n < 4 * ENGINE_REPLIES_MAX; n++) {
		if (!room(res) || res->n + 4 > ENGINE_REPLIES_MAX) {
			more = 1;
			break;
		}
		f = flow_timer_next(&e->flows, now);
		if (!f)
			break;
		timer_fire(e, f, now, res);
	}
	if (n == 4 * ENGINE_REPLIES_MAX)
		more = 1;
	e->replies += res->n;
	return more;
}
