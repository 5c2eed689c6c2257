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
#include "pkt/csum.h"

#define RTO_INIT 1000 /* ms, RFC 6298 2.1 (TCP_TIMEOUT_INIT) */
#define RTO_MIN 200 /* Linux's TCP_RTO_MIN */
#define RTO_MAX 60000
#define SYNACK_RETRIES 5 /* tcp_synack_retries */
#define DATA_RETRIES 8
#define PROBE_RETRIES 15 /* tcp_retries2 */
#define RX_MAX 65536 /* request bytes kept for the triggers */
#define SEG_ROOM 1700 /* the most one segment takes in e->out */
#define SCRIPT_STEPS 64 /* triggers one call may run: no busy loops */
#define RX_BUDGET (64u << 20) /* request bytes every flow together holds */
#define OOW_MS 500 /* Linux's tcp_invalid_ratelimit */
#define FIN_TIMEOUT 60000 /* ms in FIN-WAIT-2: Linux's tcp_fin_timeout */

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
	return host_syn_window(rule_of(e, f)->host->pers, f->k.family,
			       f->flags & FLOW_F_TS);
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

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The options of a segment of f into out (at most 40 bytes): the
 * SYN-ACK's from the personality, else the timestamps and, on an ACK,
 * the SACK blocks (a D-SACK block first when dsack is given).  Returns
 * their length, a multiple of 4 (EOL padding, as pkt_build pads).
 */
static size_t seg_options(const struct engine *e, const struct flow *f,
			  uint16_t flags, const uint32_t *dsack, uint32_t now,
			  uint8_t out[40])
{
	const struct personality *pe = rule_of(e, f)->host->pers;
	size_t n = 0, i, k;
	uint32_t max, blocks = 0;

	if (flags & PKT_TCP_RST)
		return 0; /* a reset carries no options, as Linux's */
	if (flags & PKT_TCP_SYN) {
		static struct pkt_tcp o, syn;
		uint8_t store[40];

		o.n_opt = 0;
		o.ohas = 0;
		o.optpad.len = 0;
		syn.ohas = ((f->flags & FLOW_F_TS) ? PKT_TCPO_TS : 0) |
			   ((f->flags & FLOW_F_SACK) ? PKT_TCPO_SACKOK : 0) |
			   ((f->flags & FLOW_F_WS) ? PKT_TCPO_WSCALE : 0);
		syn.tsval = f->ts_recent;
		pe->synack_options(
			&o, &syn, host_mss(pe, f->k.family),
			f->ts_cookie ? f->ts_cookie : tsval_of(f, now), store);
		if (!(f->flags & (FLOW_F_TS | FLOW_F_WS | FLOW_F_SACK)) &&
		    (f->flags & FLOW_F_COOKIE))
			o.n_opt = 1; /* a cookie without TS: MSS alone */
		for (i = 0; i < o.n_opt && n < 40; i++) {
			if (o.opt[i].kind == PKT_TCPOPT_MSS &&
			    (f->flags & FLOW_F_NO_MSS))
				continue;
			out[n++] = o.opt[i].kind;
			if (o.opt[i].kind == PKT_TCPOPT_EOL ||
			    o.opt[i].kind == PKT_TCPOPT_NOP)
				continue;
			out[n++] = o.opt[i].len;
			for (k = 0; k < o.opt[i].data.len && n < 40; k++)
				out[n++] = o.opt[i].data.p[k];
		}
		while (n % 4)
			out[n++] = PKT_TCPOPT_EOL;
		return n;
	}
	if (f->flags & FLOW_F_TS) {
		out[0] = out[1] = PKT_TCPOPT_NOP;
		out[2] = PKT_TCPOPT_TIMESTAMP;
		out[3] = 10;
		put32(out + 4, tsval_of(f, now));
		put32(out + 8, f->ts_recent);
		n = 12;
	}
	if (!(flags & PKT_TCP_ACK) || !(f->flags & FLOW_F_SACK))
		return n;
	/* D-SACK first (RFC 2883), then the ranges, the latest first. */
	max = (f->flags & FLOW_F_TS) ? 3 : 4;
	if (dsack) {
		put32(out + n + 4, dsack[0]);
		put32(out + n + 8, dsack[1]);
		blocks++;
	}
	for (i = 0; f->rx && i < f->rx->n_ooo && blocks < max; i++, blocks++) {
		put32(out + n + 4 + 8 * blocks, f->rx->ooo[i].seq);
		put32(out + n + 8 + 8 * blocks, f->rx->ooo[i].end);
	}
	if (!blocks)
		return n;
	out[n] = out[n + 1] = PKT_TCPOPT_NOP;
	out[n + 2] = PKT_TCPOPT_SACK;
	out[n + 3] = (uint8_t)(2 + 8 * blocks);
	return n + 4 + 8 * blocks;
}

/*
 * One segment of f: seq, flags, len bytes of the send stream from seq,
 * the options the flow negotiated (the SYN-ACK's from the personality),
 * and, on an ACK, the SACK blocks (a D-SACK block when dsack is given).
 *
 * Written straight into the reply buffer, the bytes pkt_build would
 * make of the same segment (the flow goldens compare them): no struct
 * pkt to clear and fill for each of the many segments a flow sends.
 */
static int seg_emit(struct engine *e, struct flow *f, uint32_t seq,
		    uint16_t flags, uint32_t len, const uint32_t *dsack,
		    uint32_t now, struct engine_result *res)
{
	const struct crule *r = rule_of(e, f);
	const struct personality *pe = r->host->pers;
	uint8_t *p = e->out + res->used, *l3, *l4;
	size_t optlen, hl, total;
	uint8_t opts[40];
	uint32_t w, sum;

	if (!room(res))
		return -1;
	optlen = seg_options(e, f, flags, dsack, now, opts);
	hl = 14 + ((f->flags & FLOW_F_VLAN2) ? 4 : 0) +
	     ((f->flags & FLOW_F_VLAN1) ? 4 : 0);
	total = hl + (f->k.family == 4 ? 20 : 40) + 20 + optlen + len;
	if (total > ENGINE_OUT_MAX - res->used || total > ENGINE_FRAME_MAX)
		return -1;
	memcpy(p, f->peer_mac, 6);
	memcpy(p + 6, r->host->mac, 6);
	put16(p + 12, f->eth_type);
	hl = 14;
	if (f->flags & FLOW_F_VLAN2) {
		put16(p + hl, (uint16_t)((f->vlan[1].prio & 7) << 13 |
					 (f->vlan[1].id & 1) << 12 |
					 (f->vlan[1].vlan & 0x0fff)));
		put16(p + hl + 2, f->vlan[1].type);
		hl += 4;
	}
	if (f->flags & FLOW_F_VLAN1) {
		put16(p + hl, (uint16_t)((f->vlan[0].prio & 7) << 13 |
					 (f->vlan[0].id & 1) << 12 |
					 (f->vlan[0].vlan & 0x0fff)));
		put16(p + hl + 2, f->vlan[0].type);
		hl += 4;
	}
	l3 = p + hl;
	if (f->k.family == 4) {
		l4 = l3 + 20;
		l3[0] = 0x45;
		l3[1] = 0;
		put16(l3 + 2, (uint16_t)(total - hl));
		put16(l3 + 4, host_ip_id(e, r->host, pe->df));
		put16(l3 + 6, pe->df ? 0x4000 : 0);
		l3[8] = pe->ttl;
		l3[9] = PKT_PROTO_TCP;
		l3[10] = l3[11] = 0;
		memcpy(l3 + 12, f->k.us, 4);
		memcpy(l3 + 16, f->k.peer, 4);
		put16(l3 + 10, pkt_csum(l3, 20));
	} else {
		l4 = l3 + 40;
		put32(l3, 6u << 28);
		put16(l3 + 4, (uint16_t)(total - hl - 40));
		l3[6] = PKT_PROTO_TCP;
		l3[7] = pe->ttl;
		memcpy(l3 + 8, f->k.us, 16);
		memcpy(l3 + 24, f->k.peer, 16);
	}
	put16(l4, f->k.our_port);
	put16(l4 + 2, f->k.peer_port);
	put32(l4 + 4, seq);
	put32(l4 + 8, (flags & PKT_TCP_ACK) ? f->rcv_nxt : 0);
	put16(l4 + 12, (uint16_t)((5 + optlen / 4) << 12 | (flags & 0x1ff)));
	if (flags & PKT_TCP_RST) {
		w = 0;
	} else if (flags & PKT_TCP_SYN) {
		w = rcv_wnd(e, f);
	} else {
		w = rcv_wnd(e, f);
		if (f->flags & FLOW_F_WS)
			w >>= f->rcv_wscale;
		if (w > 65535)
			w = 65535;
	}
	put16(l4 + 14, (uint16_t)w);
	l4[16] = l4[17] = l4[18] = l4[19] = 0;
	memcpy(l4 + 20, opts, optlen);
	if (len)
		tx_gather(f, seq, l4 + 20 + optlen, len);
	sum = f->k.family == 4 ?
		      pkt_csum_pseudo4(l3 + 12, l3 + 16, PKT_PROTO_TCP,
				       (uint16_t)(20 + optlen + len)) :
		      pkt_csum_pseudo6(l3 + 8, l3 + 24, PKT_PROTO_TCP,
				       (uint32_t)(20 + optlen + len));
	put16(l4 + 16, pkt_csum_fold(pkt_csum_add(sum, l4, 20 + optlen + len)));
	res->frame[res->n] = p;
	res->len[res->n++] = total;
	res->used += total;
	return 0;
}

static void send_ack(struct engine *e, struct flow *f, const uint32_t *dsack,
		     uint32_t now, struct engine_result *res)
{
	seg_emit(e, f, f->snd_nxt, PKT_TCP_ACK, 0, dsack, now, res);
}

/* Notes f's change to state to (for -v), with what made it. */
static void note(struct engine *e, const struct flow *f, uint8_t to,
		 const char *why, struct engine_result *res)
{
	struct engine_note *n;

	if (!e->narrate || res->n_notes == ENGINE_NOTES_MAX)
		return;
	n = &res->notes[res->n_notes++];
	n->k = f->k;
	n->from = f->state;
	n->to = to;
	n->why = why;
}

static void set_state(struct engine *e, struct flow *f, uint8_t to,
		      const char *why, struct engine_result *res)
{
	note(e, f, to, why, res);
	f->state = to;
}

/* Forgets f: it is CLOSED, for why. */
static void flow_end(struct engine *e, struct flow *f, const char *why,
		     struct engine_result *res)
{
	note(e, f, FLOW_FREE, why, res);
	flow_remove(&e->flows, f);
}

static void flow_gone(struct engine *e, struct flow *f, const char *why,
		      struct engine_result *res)
{
	e->flows_closed++;
	flow_end(e, f, why, res);
}

/* Aborts f with an RST (RFC 9293 3.10.7.1 ABORT) and forgets it. */
static void flow_reset(struct engine *e, struct flow *f, const char *why,
		       uint32_t now, struct engine_result *res)
{
	seg_emit(e, f, f->snd_nxt, PKT_TCP_RST | PKT_TCP_ACK, 0, NULL, now,
		 res);
	e->flows_reset++;
	flow_end(e, f, why, res);
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
			q->n_sacked = 0;
			q->rxt_mark = 0;
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

/*
 * The scoreboard (RFC 6675 5): the peer's SACK blocks from segment t,
 * clipped to (SND.UNA, SND.MAX] (a D-SACK block below SND.UNA says
 * nothing of the holes), merged into the ranges.  Returns the bytes
 * newly reported.
 */
static uint32_t sack_update(struct flow *f, const struct pkt_tcp *t)
{
	struct flow_txq *q = f->tx;
	uint32_t i, k, seq, end, before = 0, after = 0;

	if (!q || !(f->flags & FLOW_F_SACK) || !t->n_sack)
		return 0;
	for (k = 0; k < q->n_sacked; k++)
		before += q->sacked[k].end - q->sacked[k].seq;
	for (i = 0; i < t->n_sack && i < 4; i++) {
		seq = t->sack[i][0];
		end = t->sack[i][1];
		if (seq_lt(seq, f->snd_una))
			seq = f->snd_una;
		if (seq_lt(f->snd_max, end))
			end = f->snd_max;
		if (!seq_lt(seq, end))
			continue;
		/* Merge with every range it touches, then insert in order. */
		for (k = 0; k < q->n_sacked;) {
			if (seq_lt(end, q->sacked[k].seq) ||
			    seq_lt(q->sacked[k].end, seq)) {
				k++;
				continue;
			}
			if (seq_lt(q->sacked[k].seq, seq))
				seq = q->sacked[k].seq;
			if (seq_lt(end, q->sacked[k].end))
				end = q->sacked[k].end;
			memmove(&q->sacked[k], &q->sacked[k + 1],
				(q->n_sacked - k - 1) * sizeof(q->sacked[0]));
			q->n_sacked--;
		}
		for (k = 0; k < q->n_sacked && seq_lt(q->sacked[k].seq, seq);
		     k++)
			;
		if (k == FLOW_SACKED_MAX)
			continue; /* above four lower ranges: not kept */
		if (q->n_sacked == FLOW_SACKED_MAX)
			q->n_sacked--; /* the highest makes room */
		memmove(&q->sacked[k + 1], &q->sacked[k],
			(q->n_sacked - k) * sizeof(q->sacked[0]));
		q->sacked[k].seq = seq;
		q->sacked[k].end = end;
		q->n_sacked++;
	}
	for (k = 0; k < q->n_sacked; k++)
		after += q->sacked[k].end - q->sacked[k].seq;
	return after > before ? after - before : 0;
}

/* SND.UNA moved: the ranges it passed go. */
static void sack_trim(struct flow *f)
{
	struct flow_txq *q = f->tx;

	while (q && q->n_sacked && !seq_lt(f->snd_una, q->sacked[0].seq)) {
		if (seq_lt(f->snd_una, q->sacked[0].end)) {
			q->sacked[0].seq = f->snd_una;
			break;
		}
		memmove(&q->sacked[0], &q->sacked[1],
			(q->n_sacked - 1) * sizeof(q->sacked[0]));
		q->n_sacked--;
	}
}

/*
 * The first hole at or after from and below the highest byte SACKed, cut
 * to the MSS: its start in *seq, its length returned (0: none).
 */
static uint32_t sack_hole(const struct flow *f, uint32_t from, uint32_t *seq)
{
	const struct flow_txq *q = f->tx;
	uint32_t k;

	if (!q)
		return 0;
	if (seq_lt(from, f->snd_una))
		from = f->snd_una;
	for (k = 0; k < q->n_sacked; k++) {
		if (!seq_lt(from, q->sacked[k].end))
			continue;
		if (seq_lt(from, q->sacked[k].seq)) {
			*seq = from;
			return q->sacked[k].seq - from < f->mss ?
				       q->sacked[k].seq - from :
				       f->mss;
		}
		from = q->sacked[k].end;
	}
	return 0;
}

/*
 * RFC 6675's pipe: the bytes in flight, less what the peer SACKed and
 * the holes below its highest SACKed byte not yet sent again (lost).
 */
static uint32_t sack_pipe(const struct flow *f)
{
	const struct flow_txq *q = f->tx;
	uint32_t pipe = f->snd_max - f->snd_una, k, from, lost = 0;

	if (!q || !q->n_sacked)
		return pipe;
	from = seq_lt(q->high_rxt, f->snd_una) ? f->snd_una : q->high_rxt;
	for (k = 0; k < q->n_sacked; k++) {
		pipe -= q->sacked[k].end - q->sacked[k].seq;
		if (seq_lt(from, q->sacked[k].seq))
			lost += q->sacked[k].seq - from;
		if (seq_lt(from, q->sacked[k].end))
			from = q->sacked[k].end;
	}
	return pipe > lost ? pipe - lost : 0;
}

/* SACKed bytes above SND.UNA. */
static uint32_t sack_bytes(const struct flow *f)
{
	const struct flow_txq *q = f->tx;
	uint32_t k, n = 0;

	for (k = 0; q && k < q->n_sacked; k++)
		n += q->sacked[k].end - q->sacked[k].seq;
	return n;
}

/* Is f's stream kept for its script, or only acknowledged? */
static bool rx_keeps(const struct engine *e, const struct flow *f)
{
	return rule_of(e, f)->svc && !(f->flags & FLOW_F_SCRIPT_DONE);
}

/*
 * f's request buffer with room for need bytes (0: the header, for the
 * out-of-order ranges), or NULL when that is more than RX_MAX, more than
 * every flow's buffers may hold together (RX_BUDGET), or more memory than
 * there is.
 */
static struct flow_rxq *rx_room(struct engine *e, struct flow *f, uint32_t need)
{
	struct flow_rxq *q = f->rx;
	uint32_t old = q ? q->cap : 0, cap = old;
	uint64_t grow;

	if (need > RX_MAX)
		return NULL;
	if (q && need <= old)
		return q;
	if (need) {
		if (!cap)
			cap = 256;
		while (cap < need)
			cap *= 2;
		if (cap > RX_MAX)
			cap = RX_MAX;
	}
	grow = (uint64_t)(cap - old) + (q ? 0 : sizeof(*q));
	/* Over the budget or out of memory: counted, not kept. */
	if (e->flows.rx_bytes + grow > RX_BUDGET) {
		e->nomem++;
		return NULL;
	}
	/* One byte more: b[len] is 0 (see struct flow_rxq). */
	q = realloc(q, sizeof(*q) + cap + 1);
	if (!q) {
		e->nomem++;
		return NULL;
	}
	if (!f->rx) {
		memset(q, 0, sizeof(*q));
		q->b[0] = 0;
	}
	q->cap = cap;
	f->rx = q;
	e->flows.rx_bytes += grow;
	return q;
}

static void rx_free(struct engine *e, struct flow *f)
{
	if (!f->rx)
		return;
	e->flows.rx_bytes -= sizeof(*f->rx) + f->rx->cap;
	free(f->rx);
	f->rx = NULL;
}

/* Bytes kept beyond the request: up to the end of the furthest range. */
static uint32_t rx_beyond(const struct flow *f)
{
	const struct flow_rxq *q = f->rx;
	uint32_t i, n = 0;

	for (i = 0; q && i < q->n_ooo; i++)
		if (q->ooo[i].end - f->rcv_nxt > n)
			n = q->ooo[i].end - f->rcv_nxt;
	return q && q->cap ? n : 0;
}

/* The script took n bytes of the request: what follows moves up. */
static void rx_consume(struct engine *e, struct flow *f, uint32_t n)
{
	struct flow_rxq *q = f->rx;

	if (!q)
		return;
	if (n > q->len)
		n = q->len;
	memmove(q->b, q->b + n, q->len - n + rx_beyond(f));
	q->len -= n;
	if (q->cap)
		q->b[q->len] = 0;
	if (!q->len && !q->n_ooo)
		rx_free(e, f);
}

/*
 * In-order data of len bytes at RCV.NXT: kept for the script (what does
 * not fit in RX_MAX is acknowledged and thrown away, as is everything a
 * flow does not keep).  Returns how many bytes to acknowledge: all of
 * them, or 0 when memory is short (the peer sends them again).
 */
static uint32_t rx_in_order(struct engine *e, struct flow *f, const uint8_t *p,
			    uint32_t len)
{
	struct flow_rxq *q = f->rx;
	uint32_t have = q ? q->len : 0, fit = len;

	if (!rx_keeps(e, f))
		return len;
	if (have + fit > RX_MAX)
		fit = RX_MAX - have;
	if (fit) {
		q = rx_room(e, f, have + fit);
		if (!q)
			return 0;
		memcpy(q->b + q->len, p, fit);
		q->len += fit;
	}
	if (q && fit < len) {
		/* Cut: what lies beyond no longer maps onto the buffer. */
		q->n_ooo = 0;
	}
	/* b[len] may be the first byte of a range: rx_join ends it then. */
	if (q && !q->n_ooo)
		q->b[q->len] = 0;
	return len;
}

/*
 * Out-of-order data [seq, seq + len), within the window: kept in place
 * when the flow keeps its stream (cut to RX_MAX), and its range recorded
 * for the SACK blocks, merged with the ranges it touches and put first
 * (RFC 2018 4: the first block reports the latest segment).  A fifth
 * range pushes out the oldest.  Returns false when nothing was recorded.
 */
static bool rx_out_of_order(struct engine *e, struct flow *f, uint32_t seq,
			    const uint8_t *p, uint32_t len)
{
	struct flow_rxq *q = f->rx;
	uint32_t off = seq - f->rcv_nxt, have = q ? q->len : 0, end, i;

	if (rx_keeps(e, f)) {
		if (have + off >= RX_MAX)
			return false;
		if (have + off + len > RX_MAX)
			len = RX_MAX - have - off;
		q = rx_room(e, f, have + off + len);
		if (!q)
			return false;
		memcpy(q->b + have + off, p, len);
	} else {
		q = rx_room(e, f, 0);
		if (!q)
			return false;
	}
	end = seq + len;
	for (i = 0; i < q->n_ooo;) {
		if (seq_lt(end, q->ooo[i].seq) || seq_lt(q->ooo[i].end, seq)) {
			i++;
			continue;
		}
		/* Touches: the union replaces both. */
		if (seq_lt(q->ooo[i].seq, seq))
			seq = q->ooo[i].seq;
		if (seq_lt(end, q->ooo[i].end))
			end = q->ooo[i].end;
		memmove(&q->ooo[i], &q->ooo[i + 1],
			(q->n_ooo - i - 1) * sizeof(q->ooo[0]));
		q->n_ooo--;
	}
	if (q->n_ooo == FLOW_OOO_MAX)
		q->n_ooo--;
	memmove(&q->ooo[1], &q->ooo[0], q->n_ooo * sizeof(q->ooo[0]));
	q->ooo[0].seq = seq;
	q->ooo[0].end = end;
	q->n_ooo++;
	return true;
}

/*
 * RCV.NXT moved: the ranges it reached join the stream.  Returns the
 * bytes they added.
 */
static uint32_t rx_join(struct engine *e, struct flow *f)
{
	struct flow_rxq *q = f->rx;
	uint32_t i, n, added = 0;

	for (i = 0; q && i < q->n_ooo;) {
		if (seq_lt(f->rcv_nxt, q->ooo[i].seq)) {
			i++;
			continue;
		}
		if (seq_lt(f->rcv_nxt, q->ooo[i].end)) {
			n = q->ooo[i].end - f->rcv_nxt;
			if (q->cap && rx_keeps(e, f))
				q->len += n;
			f->rcv_nxt += n;
			added += n;
		}
		memmove(&q->ooo[i], &q->ooo[i + 1],
			(q->n_ooo - i - 1) * sizeof(q->ooo[0]));
		q->n_ooo--;
		i = 0; /* RCV.NXT moved: look again from the start */
	}
	if (q && q->cap)
		q->b[q->len] = 0;
	if (q && !q->len && !q->n_ooo)
		rx_free(e, f);
	return added;
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
				if (k == -1 && f->rx && f->rx->len >= RX_MAX)
					rx_consume(e, f, f->rx->len);
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
				if (tx_push(f, a->data, a->len, false) < 0)
					goto nomem;
				break;
			case AST_SACT_ECHO:
				if (f->consumed && f->rx) {
					uint8_t *c = malloc(f->consumed);

					if (!c)
						goto nomem;
					memcpy(c, f->rx->b, f->consumed);
					if (tx_push(f, c, f->consumed, true) <
					    0) {
						free(c);
						goto nomem;
					}
				}
				break;
			case AST_SACT_CLOSE:
				f->flags |=
					FLOW_F_FIN_QUEUED | FLOW_F_SCRIPT_DONE;
				break;
			case AST_SACT_RESET:
				flow_reset(e, f, "the service's reset", now,
					   res);
				return -1;
			case AST_SACT_WAIT:
				f->flags |= FLOW_F_WAITING;
				f->wait_at = at(now, a->ms);
				return 0;
			}
		}
		/* The trigger is done: what it fired on is used up. */
		rx_consume(e, f, f->consumed);
		f->consumed = 0;
		f->trig = 0;
	}
	return 0;
nomem:
	/* What the script says cannot be sent: the connection is aborted. */
	e->nomem++;
	flow_reset(e, f, "out of memory", now, res);
	return -1;
}

static void enter_fin_sent(struct engine *e, struct flow *f,
			   struct engine_result *res)
{
	f->flags |= FLOW_F_FIN_SENT;
	if (f->state == FLOW_ESTABLISHED)
		set_state(e, f, FLOW_FIN_WAIT, "our FIN", res);
	else if (f->state == FLOW_CLOSE_WAIT)
		set_state(e, f, FLOW_LAST_ACK, "our FIN", res);
}

/*
 * Arms the retransmission timer, or the tail loss probe's (RFC 8985 7.2,
 * as Linux's tcp_schedule_loss_probe): with SACK, outside a recovery and
 * with no probe out, 2 SRTT (and 200 ms more for a lone segment, the
 * peer's delayed ACK), or the RTO when that is sooner: the probe comes
 * first, the RTO after it.
 */
static void rto_arm(struct flow *f, uint32_t now)
{
	uint32_t pto, inflight = f->snd_max - f->snd_una;

	f->flags &= (uint32_t)~FLOW_F_TLP;
	if ((f->flags & FLOW_F_SACK) && f->srtt8 &&
	    !(f->flags & (FLOW_F_RECOVERY | FLOW_F_TLP_OUT | FLOW_F_PERSIST))) {
		pto = f->srtt8 / 4 + (inflight <= f->mss ? RTO_MIN : 2);
		f->flags |= FLOW_F_TLP;
		f->rto_at = at(now, pto < f->rto ? pto : f->rto);
		return;
	}
	f->rto_at = at(now, f->rto);
}

/*
 * The tail loss probe: the last segment sent again (its FIN too), so
 * that the peer's ACK, with its SACK blocks, tells what is missing.
 */
static void loss_probe(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	bool fin = (f->flags & FLOW_F_FIN_SENT) && f->snd_max == f->snd_end + 1;
	uint32_t end = fin ? f->snd_end : f->snd_max, n = 0;

	if (seq_lt(f->snd_una, end))
		n = end - f->snd_una;
	if (n > f->mss)
		n = f->mss;
	f->flags |= FLOW_F_TLP_OUT;
	note(e, f, f->state, "a tail loss probe", res);
	seg_emit(e, f, end - n,
		 PKT_TCP_ACK | (n ? PKT_TCP_PSH : 0) | (fin ? PKT_TCP_FIN : 0),
		 n, NULL, now, res);
	e->retransmits++;
	e->loss_probes++;
	f->rto_at = at(now, f->rto);
}

/*
 * Sends what the queue holds from SND.NXT, within min(window, cwnd), cut
 * to the MSS, with the FIN on the last segment once the script closed;
 * then a bare ACK if one is owed and nothing carried it.
 */
static void output(struct engine *e, struct flow *f, bool need_ack,
		   uint32_t now, struct engine_result *res)
{
	uint32_t left, out, pipe, len, mss = f->mss, cut;
	bool fin;
	unsigned sent = 0;

	if (f->state == FLOW_SYN_RCVD)
		return;
	/*
	 * Linux's tcp_bound_to_half_wnd(): no segment above half the largest
	 * window the peer offered, so that a small window is not filled by
	 * one segment and left waiting for a whole round trip.
	 */
	cut = f->max_wnd > 536 ? f->max_wnd / 2 : f->max_wnd;
	if (cut && mss > cut)
		mss = cut > 36 ? cut : 36;
	while (room(res)) {
		left = seq_lt(f->snd_nxt, f->snd_end) ?
			       f->snd_end - f->snd_nxt :
			       0;
		/*
		 * The peer's window bounds what is outstanding; the
		 * congestion window what is in flight (in a recovery, the
		 * pipe of RFC 6675: SACKed and lost bytes are not).
		 */
		out = f->snd_nxt - f->snd_una;
		pipe = (f->flags & FLOW_F_RECOVERY) ? sack_pipe(f) : out;
		if (!left) {
			if ((f->flags & FLOW_F_FIN_QUEUED) &&
			    !(f->flags & FLOW_F_FIN_SENT) &&
			    f->snd_nxt == f->snd_end) {
				seg_emit(e, f, f->snd_nxt,
					 PKT_TCP_FIN | PKT_TCP_ACK, 0, NULL,
					 now, res);
				f->snd_nxt++;
				enter_fin_sent(e, f, res);
				sent++;
			}
			break;
		}
		if (out >= f->snd_wnd || pipe >= f->cwnd)
			break;
		len = mss;
		if (left < len)
			len = left;
		if (f->snd_wnd - out < len)
			len = f->snd_wnd - out;
		if (f->cwnd - pipe < len)
			len = f->cwnd - pipe;
		/* No silly window (RFC 1122 4.2.3.4): wait for a full one. */
		if (len < left && len < mss && out)
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
			enter_fin_sent(e, f, res);
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
		f->flags &= (uint32_t)~FLOW_F_PERSIST;
		if (!f->rto_at)
			rto_arm(f, now);
	} else {
		f->flags &= (uint32_t) ~(FLOW_F_PERSIST | FLOW_F_TLP);
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
	if (!rtt)
		rtt = 1; /* as Linux's tcp_rtt_estimator: srtt8 0 is "none" */
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
	if (mss > host_mss(pe, f->k.family))
		mss = host_mss(pe, f->k.family);
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
	return (uint32_t)host_keyed(e->cookie_key, b, sizeof(b));
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

/*
 * One option less in the SYN-ACK, the least useful first: timestamps
 * (and, for a cookie, what they carried: window scale and SACK), window
 * scale, SACK, MSS.  False when there is none left to drop.
 */
static bool synack_trim(struct flow *f)
{
	if (f->flags & FLOW_F_TS) {
		f->flags &= (uint32_t)~FLOW_F_TS;
		f->mss =
			(uint16_t)(f->mss + 12); /* no option in each segment */
		f->cwnd = 10u * f->mss;
		f->ts_cookie = 0;
		if (f->flags & FLOW_F_COOKIE)
			f->flags &= (uint32_t) ~(FLOW_F_WS | FLOW_F_SACK);
	} else if (f->flags & FLOW_F_WS) {
		f->flags &= (uint32_t)~FLOW_F_WS;
		f->snd_wscale = f->rcv_wscale = 0;
	} else if (f->flags & FLOW_F_SACK) {
		f->flags &= (uint32_t)~FLOW_F_SACK;
	} else if (!(f->flags & FLOW_F_NO_MSS)) {
		f->flags |= FLOW_F_NO_MSS;
	} else {
		return false;
	}
	return true;
}

/*
 * The SYN-ACK, within the amplification budget (set no_amplification):
 * never more bytes, all SYN-ACKs of the flow together, than the peer's
 * SYNs brought.  The first one drops options until it fits (first); a
 * retransmission that does not fit is not sent: the peer's next SYN
 * brings the bytes for it.  True when it was sent.
 */
static bool synack_send(struct engine *e, struct flow *f, uint32_t now,
			struct engine_result *res, bool first)
{
	unsigned n0 = res->n;
	size_t used0 = res->used, len;

	for (;;) {
		if (seg_emit(
			    e, f, f->iss,
			    PKT_TCP_SYN | PKT_TCP_ACK |
				    ((f->flags & FLOW_F_ECN) ? PKT_TCP_ECE : 0),
			    0, NULL, now, res) < 0)
			return false;
		len = res->len[n0];
		if (!e->rs->no_amplification ||
		    (size_t)f->pre_out + len <= f->pre_in) {
			f->pre_out = (uint16_t)(f->pre_out + len > 0xffff ?
							0xffff :
							f->pre_out + len);
			return true;
		}
		/* Over the budget: take it back. */
		res->n = n0;
		res->used = used0;
		e->synacks_held++;
		if (!first || !synack_trim(f))
			return false;
	}
}

/*
 * An answer outside an established connection: one token of the source
 * and global limits (engine_unsolicited_ok), or a drop counted.
 */
static bool unsolicited_ok(struct engine *e, const struct pkt *q, uint32_t now,
			   struct engine_result *res)
{
	if (engine_unsolicited_ok(e, q, (uint64_t)now * 1000u))
		return true;
	res->drop = DROP_LIMIT;
	return false;
}

/* Bytes the peer sent before the handshake completed (a SYN, again). */
static void pre_add(struct flow *f, const struct pkt *q)
{
	size_t v = f->pre_in + q->caplen;

	f->pre_in = (uint16_t)(v > 0xffff ? 0xffff : v);
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
	pre_add(&f, q);
	note(e, &f, FLOW_FREE, "the table is full: a SYN cookie, no flow", res);
	synack_send(e, &f, now, res, true);
}

static struct flow *cookie_flow(struct engine *e, const struct crule *r,
				const struct pkt *q, const struct flow_key *k,
				uint32_t now, struct engine_result *res)
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
		flow_end(e, v, "evicted: the table is full", res);
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
	f->snd_wnd = f->max_wnd = (uint32_t)t->window << f->snd_wscale;
	set_state(e, f, FLOW_ESTABLISHED, "the ACK of a SYN cookie", res);
	e->cookies_ok++;
	e->flows_created++;
	return f;
}

/*
 * The handshake completed: the idle timer, the banner.  -1 when the
 * banner cannot be queued (memory): the flow is reset and gone.
 */
static int established(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	const struct csvc *sv = rule_of(e, f)->svc;

	f->idle_at = at(now, e->idle_ms);
	if (sv && sv->banner &&
	    tx_push(f, sv->banner, sv->banner_len, false) < 0) {
		e->nomem++;
		flow_reset(e, f, "out of memory", now, res);
		return -1;
	}
	return 0;
}

/*
 * Linux's tcp_oow_rate_limited(): at most one ACK a flow for segments out
 * of the window, PAWS rejects and challenges every OOW_MS (its
 * tcp_invalid_ratelimit), so that two stacks cannot ping-pong ACKs and a
 * spoofer gets little back.  Segments with data are never limited.
 */
static bool oow_limited(struct flow *f, uint32_t len, bool syn, uint32_t now)
{
	if (len && !syn)
		return false;
	if (f->last_oow && now - f->last_oow < OOW_MS)
		return true;
	f->last_oow = now ? now : 1;
	return false;
}

/* A challenge ACK (RFC 5961 3.2, 4.2, 5.2), rate-limited. */
static void challenge_ack(struct engine *e, struct flow *f, const struct pkt *q,
			  uint32_t now, struct engine_result *res)
{
	if (oow_limited(f, (uint32_t)q->payload.len, q->tcp.flags & PKT_TCP_SYN,
			now))
		return;
	e->challenge_acks++;
	note(e, f, f->state, "a challenge ACK (RFC 5961)", res);
	send_ack(e, f, NULL, now, res);
}

/*
 * The ACK for a segment that is not acceptable, or a PAWS reject (Linux's
 * tcp_send_dupack): with a D-SACK block when it carried data already
 * received (RFC 2883).
 */
static void dup_ack(struct engine *e, struct flow *f, const struct pkt *q,
		    uint32_t now, struct engine_result *res)
{
	uint32_t len = (uint32_t)q->payload.len, dsack[2];

	if (oow_limited(f, len, false, now))
		return;
	dsack[0] = q->tcp.seq;
	dsack[1] = q->tcp.seq + len;
	e->dupacks_sent++;
	send_ack(e, f, len && seq_lt(q->tcp.seq, f->rcv_nxt) ? dsack : NULL,
		 now, res);
}

/* Linux's tcp_in_window(): does [seq, end) touch [s, e)? */
static bool in_window(uint32_t seq, uint32_t end, uint32_t s, uint32_t e)
{
	if (seq == s)
		return true;
	if (seq_lt(s, end) && seq_lt(seq, e))
		return true;
	return seq == e && seq == end;
}

/*
 * An RST for segment t of len bytes that opens nothing (RFC 9293
 * 3.10.7.1): seq = SEG.ACK if it has ACK, else seq 0 and ack = its end.
 */
static void reset_segment(struct engine *e, const struct flow *f,
			  const struct pkt_tcp *t, uint32_t len, uint32_t now,
			  struct engine_result *res)
{
	struct flow tmp = *f;

	tmp.rx = NULL; /* no SACK blocks: an RST carries no options */
	if (t->flags & PKT_TCP_ACK) {
		seg_emit(e, &tmp, t->ack, PKT_TCP_RST, 0, NULL, now, res);
		return;
	}
	tmp.rcv_nxt = t->seq + len + !!(t->flags & PKT_TCP_SYN) +
		      !!(t->flags & PKT_TCP_FIN);
	seg_emit(e, &tmp, 0, PKT_TCP_RST | PKT_TCP_ACK, 0, NULL, now, res);
}

/* The peer's window from segment t: scaled, and the largest seen. */
static void take_window(struct flow *f, const struct pkt_tcp *t)
{
	f->snd_wnd = (uint32_t)t->window << f->snd_wscale;
	if (f->snd_wnd > f->max_wnd)
		f->max_wnd = f->snd_wnd;
}

/*
 * A segment in SYN-RECEIVED, as Linux's tcp_check_req(): the SYN again
 * gets the same SYN-ACK; a segment outside the window an ACK; an RST or
 * SYN in it ends the attempt (the SYN with an RST); the ACK of our SYN
 * establishes the flow.  Returns 1 when the segment goes on to
 * established processing, 0 when it was dealt with here.
 */
static int syn_received(struct engine *e, struct flow *f, const struct pkt *q,
			uint32_t now, struct engine_result *res)
{
	const struct pkt_tcp *t = &q->tcp;
	uint32_t len = (uint32_t)q->payload.len;
	uint32_t end = t->seq + len + !!(t->flags & PKT_TCP_SYN) +
		       !!(t->flags & PKT_TCP_FIN);

	if ((t->flags & (PKT_TCP_SYN | PKT_TCP_ACK | PKT_TCP_RST)) ==
		    PKT_TCP_SYN &&
	    t->seq == f->irs) {
		pre_add(f, q);
		if (unsolicited_ok(e, q, now, res))
			synack_send(e, f, now, res, false); /* the SYN again */
		return 0;
	}
	if (!in_window(t->seq, end, f->rcv_nxt, f->rcv_nxt + rcv_wnd(e, f))) {
		if (!(t->flags & PKT_TCP_RST) &&
		    !oow_limited(f, len, t->flags & PKT_TCP_SYN, now))
			send_ack(e, f, NULL, now, res);
		return 0;
	}
	if (t->flags & (PKT_TCP_RST | PKT_TCP_SYN)) {
		if (!(t->flags & PKT_TCP_RST))
			reset_segment(e, f, t, len, now, res);
		e->flows_reset++;
		flow_end(e, f,
			 t->flags & PKT_TCP_RST ? "the peer's RST" :
						  "a new SYN",
			 res);
		return 0;
	}
	if (!(t->flags & PKT_TCP_ACK))
		return 0;
	if (t->ack != f->iss + 1) {
		/* RFC 9293 3.10.7.4: an unacceptable ACK gets an RST. */
		reset_segment(e, f, t, len, now, res);
		return 0;
	}
	set_state(e, f, FLOW_ESTABLISHED, "the handshake's ACK", res);
	e->flows.n_embryonic--;
	f->snd_una = f->iss + 1;
	f->retries = 0;
	f->rto_at = 0;
	/* The timestamp says which SYN-ACK is acknowledged: a valid sample. */
	if ((f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS) && t->tsecr &&
	    now - (t->tsecr - f->ts_off) < RTO_MAX)
		rtt_sample(f, now - (t->tsecr - f->ts_off));
	f->rto = f->rto < RTO_MIN ? RTO_MIN : f->rto;
	take_window(f, t);
	return established(e, f, now, res) < 0 ? 0 : 1;
}

/*
 * In a recovery (RFC 6675 5, NextSeg): while the pipe leaves room in the
 * congestion window, the holes below the highest byte SACKed go again,
 * in order, each once; new data follows in output().  Without SACK
 * blocks it is NewReno (RFC 6582): the segment at SND.UNA, when first.
 * first: the entry or a partial ACK, where one segment goes whatever the
 * pipe says.
 */
static void recovery_send(struct engine *e, struct flow *f, bool first,
			  uint32_t now, struct engine_result *res)
{
	struct flow_txq *q = f->tx;
	uint32_t seq = 0, n;

	if (!q)
		return;
	if (seq_lt(q->high_rxt, f->snd_una))
		q->high_rxt = f->snd_una;
	while (room(res) && (first || sack_pipe(f) < f->cwnd)) {
		n = sack_hole(f, q->high_rxt, &seq);
		if (!n && first && !q->n_sacked && q->high_rxt == f->snd_una &&
		    seq_lt(f->snd_una, f->snd_end)) {
			seq = f->snd_una;
			n = f->snd_end - seq < f->mss ? f->snd_end - seq :
							f->mss;
		}
		if (!n)
			return;
		seg_emit(e, f, seq, PKT_TCP_ACK, n, NULL, now, res);
		e->retransmits++;
		q->high_rxt = seq + n;
		if (seq == f->snd_una)
			q->rxt_mark = f->snd_max ? f->snd_max : 1;
		first = false;
	}
}

/*
 * Linux's tcp_mark_lost_retrans(): the segment at SND.UNA went again
 * when SND.MAX was rxt_mark; once the peer SACKs a segment sent after
 * that, the hole is still there, and the copy was lost too: again.
 */
static void recovery_lost_retrans(struct engine *e, struct flow *f,
				  uint32_t now, struct engine_result *res)
{
	struct flow_txq *q = f->tx;

	if (!q || !q->rxt_mark || !q->n_sacked ||
	    seq_lt(q->sacked[q->n_sacked - 1].end, q->rxt_mark + f->mss))
		return;
	q->rxt_mark = 0;
	q->high_rxt = f->snd_una;
	recovery_send(e, f, true, now, res);
}

/* Three duplicate ACKs, or SACKs past 2 MSS: a hole is lost. */
static void recovery_enter(struct engine *e, struct flow *f, uint32_t now,
			   struct engine_result *res)
{
	uint32_t inflight = f->snd_max - f->snd_una;

	note(e, f, f->state, "duplicate ACKs: fast retransmit", res);

	f->ssthresh = inflight / 2 > 2u * f->mss ? inflight / 2 : 2u * f->mss;
	f->cwnd = f->ssthresh;
	f->recover = f->snd_max;
	f->flags |= FLOW_F_RECOVERY;
	f->flags &= (uint32_t) ~(FLOW_F_TLP | FLOW_F_RTT);
	if (f->tx) {
		f->tx->high_rxt = f->snd_una;
		f->tx->rxt_mark = 0;
	}
	recovery_send(e, f, true, now, res);
	f->rto_at = at(now, f->rto);
}

/* The peer acknowledged new data: RTT, congestion window, recovery. */
static int new_ack(struct engine *e, struct flow *f, const struct pkt_tcp *t,
		   uint32_t now, struct engine_result *res)
{
	uint32_t acked = t->ack - f->snd_una;

	f->snd_una = t->ack;
	if (seq_lt(f->snd_nxt, f->snd_una))
		f->snd_nxt = f->snd_una;
	/*
	 * The echoed timestamp says which copy is acknowledged, so it is a
	 * valid sample after a retransmission too, and it ends the RTO's
	 * backoff (RFC 7323 4.1; Linux's tcp_ack_update_rtt); without
	 * timestamps, Karn's rule: no sample across a retransmission.
	 */
	if ((f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS) && t->tsecr &&
	    now - (t->tsecr - f->ts_off) < RTO_MAX)
		rtt_sample(f, now - (t->tsecr - f->ts_off));
	else if ((f->flags & FLOW_F_RTT) && seq_lt(f->rtt_seq, t->ack)) {
		if (!f->retries)
			rtt_sample(f, now - f->rtt_start);
		f->flags &= (uint32_t)~FLOW_F_RTT;
	}
	f->retries = 0;
	f->rto_at = 0;
	f->flags &= (uint32_t) ~(FLOW_F_TLP | FLOW_F_TLP_OUT);
	f->dupacks = 0;
	tx_trim(f, seq_lt(f->snd_end, t->ack) ? f->snd_end : t->ack);
	sack_trim(f);
	if (f->flags & FLOW_F_RECOVERY) {
		if (seq_le(f->recover, t->ack)) {
			f->flags &= (uint32_t)~FLOW_F_RECOVERY;
			f->cwnd = f->ssthresh;
		} else {
			/* A partial ACK: the next hole, now (RFC 6582). */
			if (f->tx)
				f->tx->rxt_mark = 0;
			recovery_send(e, f, !(f->tx && f->tx->n_sacked), now,
				      res);
			f->rto_at = at(now, f->rto);
		}
	} else if (f->cwnd < f->ssthresh) {
		f->cwnd += acked < f->mss ? acked : f->mss;
	} else {
		f->cwnd += (uint32_t)f->mss * f->mss / f->cwnd + 1;
	}
	if ((f->flags & FLOW_F_FIN_QUEUED) && seq_lt(f->snd_end, t->ack) &&
	    f->state == FLOW_FIN_WAIT && !(f->flags & FLOW_F_FIN_ACKED)) {
		/* FIN-WAIT-1 -> FIN-WAIT-2 (told; the state is one). */
		note(e, f, FLOW_FIN_WAIT, "our FIN acknowledged", res);
		f->flags |= FLOW_F_FIN_ACKED;
	}
	if ((f->flags & FLOW_F_FIN_QUEUED) && seq_lt(f->snd_end, t->ack) &&
	    (f->state == FLOW_CLOSING || f->state == FLOW_LAST_ACK)) {
		/* Our FIN is acknowledged: the end. */
		flow_gone(e, f, "our FIN acknowledged", res);
		return -1;
	}
	return 0;
}

/*
 * A duplicate ACK (RFC 5681 2; with SACK, RFC 6675 2: one that SACKs new
 * data, whatever its window): the third, or SACKs past 2 MSS, start a
 * recovery; in one, each lets the holes go on.
 */
static void dup_ack_in(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	f->dupacks = f->dupacks < 255 ? f->dupacks + 1 : 255;
	if (f->flags & FLOW_F_RECOVERY) {
		recovery_lost_retrans(e, f, now, res);
		recovery_send(e, f, false, now, res);
		return;
	}
	if (f->dupacks >= 3 || sack_bytes(f) > 2u * f->mss)
		recovery_enter(e, f, now, res);
}

static int segment(struct engine *e, struct flow *f, const struct pkt *q,
		   uint32_t now, struct engine_result *res)
{
	const struct pkt_tcp *t = &q->tcp;
	const uint8_t *data = q->payload.p;
	uint32_t len = (uint32_t)q->payload.len, seq = t->seq, wnd, n, sacked;
	bool need_ack = false, fin = t->flags & PKT_TCP_FIN;
	bool ts = (f->flags & FLOW_F_TS) && (t->ohas & PKT_TCPO_TS);

	if (f->state == FLOW_SYN_RCVD && syn_received(e, f, q, now, res) <= 0)
		return 0;
	wnd = rcv_wnd(e, f);
	/*
	 * Acceptable, as Linux's tcp_sequence() has it: it ends at or after
	 * RCV.NXT and starts within the window.  A duplicate that ends at
	 * RCV.NXT is taken (its timestamp echoed, a D-SACK block sent); one
	 * wholly before it gets a duplicate ACK.
	 */
	if (seq_lt(seq + len + fin, f->rcv_nxt) ||
	    seq_lt(f->rcv_nxt + wnd, seq)) {
		if (t->flags & PKT_TCP_RST)
			return 0;
		if (t->flags & PKT_TCP_SYN)
			challenge_ack(e, f, q, now, res); /* RFC 5961 4.2 */
		else
			dup_ack(e, f, q, now, res);
		return 0;
	}
	/* PAWS (RFC 7323 5): a timestamp older than TS.Recent. */
	if (ts && !(t->flags & PKT_TCP_RST) && seq_lt(t->tsval, f->ts_recent)) {
		note(e, f, f->state, "an old timestamp: PAWS drops it", res);
		if (t->flags & PKT_TCP_SYN)
			challenge_ack(e, f, q, now, res);
		else
			dup_ack(e, f, q, now, res);
		return 0;
	}
	if (t->flags & PKT_TCP_RST) {
		/* RFC 5961 3.2: exactly RCV.NXT resets, else a challenge. */
		if (seq == f->rcv_nxt) {
			e->flows_reset++;
			flow_end(e, f, "the peer's RST", res);
		} else {
			challenge_ack(e, f, q, now, res);
		}
		return 0;
	}
	if (t->flags & PKT_TCP_SYN) {
		challenge_ack(e, f, q, now, res); /* RFC 5961 4.2 */
		return 0;
	}
	if (!(t->flags & PKT_TCP_ACK))
		return 0;
	/*
	 * Silence ends a flow after idle_timeout, or, once our FIN is
	 * acknowledged and the peer's has not come (FIN-WAIT-2), after
	 * Linux's tcp_fin_timeout.
	 */
	f->idle_at = at(now, f->state == FLOW_FIN_WAIT &&
					     seq_lt(f->snd_end, t->ack) &&
					     e->idle_ms > FIN_TIMEOUT ?
				     FIN_TIMEOUT :
				     e->idle_ms);
	if (seq_lt(f->snd_max, t->ack)) {
		/* It acknowledges what was never sent (RFC 9293 3.10.7.4). */
		send_ack(e, f, NULL, now, res);
		return 0;
	}
	/*
	 * TS.Recent (RFC 7323 4.3), before any answer echoes it; as Linux's
	 * tcp_ack(), after the check above and before the one below.
	 */
	if (ts && seq_le(seq, f->rcv_nxt) && !seq_lt(t->tsval, f->ts_recent))
		f->ts_recent = t->tsval;
	if (seq_lt(t->ack, f->snd_una - f->max_wnd)) {
		/* Older than any window the peer offered (RFC 5961 5.2). */
		challenge_ack(e, f, q, now, res);
		return 0;
	}
	sacked = sack_update(f, t);
	if (seq_lt(f->snd_una, t->ack)) {
		if (new_ack(e, f, t, now, res) < 0)
			return 0;
	} else if (t->ack == f->snd_una && !len && !fin &&
		   f->snd_una != f->snd_max &&
		   (sacked ||
		    ((uint32_t)t->window << f->snd_wscale) == f->snd_wnd)) {
		dup_ack_in(e, f, now, res);
	}
	take_window(f, t);
	/* Data or FIN already received: acknowledged again, with D-SACK. */
	if ((len || fin) && seq_lt(seq, f->rcv_nxt) &&
	    seq_le(seq + len + fin, f->rcv_nxt)) {
		uint32_t dsack[2] = { seq, seq + len };

		e->dupacks_sent++;
		send_ack(e, f, len ? dsack : NULL, now, res);
		len = 0;
		fin = false;
	} else if (len && seq_lt(seq, f->rcv_nxt)) {
		/* Partly: the part already received is cut off. */
		n = f->rcv_nxt - seq;
		data += n;
		len -= n;
		seq = f->rcv_nxt;
	}
	if (len) {
		need_ack = true;
		if (len > f->rcv_nxt + wnd - seq)
			len = f->rcv_nxt + wnd -
			      seq; /* no more than the window */
		if (f->state != FLOW_ESTABLISHED && f->state != FLOW_FIN_WAIT) {
			len = 0; /* after the peer's FIN, data is not taken */
		} else if (seq != f->rcv_nxt) {
			/* Out of order: kept, and reported by SACK. */
			rx_out_of_order(e, f, seq, data, len);
			note(e, f, f->state,
			     "out of order: kept, a duplicate ACK with SACK",
			     res);
			e->dupacks_sent++;
			fin = false; /* taken when the hole is filled again */
		} else {
			n = rx_in_order(e, f, data, len);
			if (n < len)
				fin = false;
			f->rcv_nxt += n;
			e->bytes_in += n + rx_join(e, f);
			len = n;
		}
	}
	if (fin && seq + len == f->rcv_nxt && !(f->flags & FLOW_F_FIN_RCVD)) {
		f->rcv_nxt++;
		f->flags |= FLOW_F_FIN_RCVD;
		need_ack = true;
		if (f->state == FLOW_ESTABLISHED) {
			set_state(e, f, FLOW_CLOSE_WAIT, "the peer's FIN", res);
		} else if (f->state == FLOW_FIN_WAIT) {
			if (f->snd_una == f->snd_max) {
				/* FIN-WAIT-2 -> TIME-WAIT: the last ACK. */
				send_ack(e, f, NULL, now, res);
				set_state(e, f, FLOW_TIME_WAIT,
					  "the peer's FIN", res);
				flow_gone(e, f, "riposte keeps no TIME_WAIT",
					  res);
				return 0;
			}
			set_state(e, f, FLOW_CLOSING, "the peer's FIN", res);
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
		if (!unsolicited_ok(e, q, now, res))
			return 0;
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
		f->snd_wnd = f->max_wnd = t->window;
		set_state(e, f, FLOW_SYN_RCVD, "SYN", res);
		e->flows.n_embryonic++;
		e->flows_created++;
		f->rto_at = at(now, f->rto);
		pre_add(f, q);
		synack_send(e, f, now, res, true);
		flow_timer_rearm(&e->flows, f);
		return 0;
	}
	if ((t->flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_ACK) {
		f = cookie_flow(e, r, q, k, now, res);
		if (f) {
			if (established(e, f, now, res) < 0)
				return 0;
			return segment(e, f, q, now, res);
		}
	}
	/*
	 * An ACK for no connection of ours gets what a listener gives it,
	 * an RST with seq = SEG.ACK (RFC 9293 3.10.7.2); a SYN-ACK too.
	 */
	if ((t->flags & PKT_TCP_ACK) && unsolicited_ok(e, q, now, res)) {
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
		/* The port's rule changed (a reload). */
		flow_end(e, f, "the port's rule changed", res);
		f = NULL;
	}
	if (!f)
		return no_flow(e, r, q, &k, now, res);
	return segment(e, f, q, now, res);
}

/* f's timer went off at now. */
static void timer_fire(struct engine *e, struct flow *f, uint32_t now,
		       struct engine_result *res)
{
	uint32_t left;

	if (f->wait_at && seq_le(f->wait_at, now)) {
		f->wait_at = 0;
		f->flags &= (uint32_t)~FLOW_F_WAITING;
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
				/* Silently, as Linux. */
				flow_gone(e, f, "SYN-ACK unanswered", res);
				return;
			}
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			/* (Held back without amplification: said only when
			 * sent.) */
			if (synack_send(e, f, now, res, false)) {
				note(e, f, f->state,
				     "no ACK: the SYN-ACK again", res);
				e->retransmits++;
			}
			f->rto_at = at(now, f->rto);
		} else if (f->flags & FLOW_F_PERSIST) {
			if (++f->retries > PROBE_RETRIES) {
				flow_reset(e, f,
					   "zero-window probes unanswered", now,
					   res);
				return;
			}
			/* The zero-window probe: SND.UNA - 1, no data. */
			note(e, f, f->state, "the window is zero: a probe",
			     res);
			seg_emit(e, f, f->snd_una - 1, PKT_TCP_ACK, 0, NULL,
				 now, res);
			e->probes++;
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			f->rto_at = at(now, f->rto);
		} else if (f->flags & FLOW_F_TLP) {
			f->flags &= (uint32_t)~FLOW_F_TLP;
			if (f->snd_una != f->snd_max)
				loss_probe(e, f, now, res);
		} else if (f->snd_una != f->snd_max) {
			/*
			 * No loss probe until new data is acknowledged: the
			 * RTO's backoff goes on (Linux probes only in Open).
			 */
			f->flags |= FLOW_F_TLP_OUT;
			if (++f->retries > DATA_RETRIES) {
				flow_reset(e, f, "retransmissions unanswered",
					   now, res);
				return;
			}
			/* RFC 5681 3.1 and RFC 6298 5.5-5.6: one segment. */
			note(e, f, f->state,
			     "retransmission timeout: again from SND.UNA", res);
			left = f->snd_max - f->snd_una;
			f->ssthresh =
				left / 2 > 2u * f->mss ? left / 2 : 2u * f->mss;
			f->cwnd = f->mss;
			f->flags &= (uint32_t) ~(FLOW_F_RECOVERY | FLOW_F_RTT);
			f->dupacks = 0;
			f->snd_nxt = f->snd_una;
			if (f->tx)
				f->tx->n_sacked = 0; /* go back N: all again */
			if (seq_le(f->snd_una, f->snd_end))
				f->flags &= (uint32_t)~FLOW_F_FIN_SENT;
			f->rto =
				(uint16_t)(f->rto * 2u > RTO_MAX ? RTO_MAX :
								   f->rto * 2u);
			output(e, f, false, now, res);
			f->flags &= (uint32_t)~FLOW_F_TLP;
			f->rto_at = at(now, f->rto);
		}
	}
	if (f->idle_at && seq_le(f->idle_at, now)) {
		e->flows_idle++;
		flow_end(e, f, "idle", res);
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
	res->n_notes = 0;
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
