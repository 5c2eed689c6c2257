/* SPDX-License-Identifier: MIT */
/*
 * flow.h - the flow table and its timer wheel.
 *
 * Flows live in one array allocated up front (flows-max of them), found by
 * a hash of the 4-tuple with chains of indices (in arrays of their own,
 * with each flow's hash, so a search touches no flow it does not find),
 * and each has one deadline
 * on a hashed timer wheel: the earliest of its retransmission, persist,
 * script and idle timers.  Nothing is allocated per flow except the
 * bytes it holds (a request being received, an echo being sent), so an
 * idle flow costs sizeof(struct flow) and a slot of the hash.
 *
 * The clock is the engine's, in milliseconds, from frame timestamps (live
 * or replayed), so a replay runs the same timers the same way.
 */
#ifndef RIPOSTE_ENGINE_FLOW_H
#define RIPOSTE_ENGINE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

/* The peer's address and port, ours, and the family (4 or 6). */
struct flow_key {
	uint8_t peer[16], us[16];
	uint16_t peer_port, our_port;
	uint8_t family;
};

enum flow_state {
	FLOW_FREE,
	FLOW_SYN_RCVD, /* our SYN-ACK sent, its ACK awaited */
	FLOW_ESTABLISHED,
	FLOW_CLOSE_WAIT, /* the peer's FIN came; ours is not sent yet */
	FLOW_FIN_WAIT, /* our FIN sent (FIN-WAIT-1 and 2: its ACK or not) */
	FLOW_CLOSING, /* both FINs sent, ours not acknowledged */
	FLOW_LAST_ACK, /* the peer's FIN, then ours: its ACK awaited */
	/*
	 * A flow's state only for the moment before it is forgotten, so
	 * that -v tells it: riposte keeps no TIME-WAIT.  (Its FIN-WAIT is
	 * FIN-WAIT-1 until FLOW_F_FIN_ACKED, FIN-WAIT-2 after.)
	 */
	FLOW_TIME_WAIT,
};

/* flow.flags */
enum {
	FLOW_F_TS = 1u << 0, /* timestamps negotiated (RFC 7323) */
	FLOW_F_SACK = 1u << 1, /* the peer sent SACK-permitted */
	FLOW_F_WS = 1u << 2, /* window scaling negotiated */
	FLOW_F_FIN_QUEUED = 1u << 3, /* close: FIN after the queued bytes */
	FLOW_F_FIN_SENT = 1u << 4,
	FLOW_F_FIN_RCVD = 1u << 5,
	FLOW_F_RECOVERY = 1u << 6, /* fast recovery (RFC 6582) */
	FLOW_F_COOKIE = 1u << 7, /* rebuilt from a SYN cookie */
	FLOW_F_DSACK = 1u << 8, /* the ACK to send carries a D-SACK block */
	FLOW_F_WAITING = 1u << 9, /* the script is in a `wait` */
	FLOW_F_SCRIPT_DONE = 1u
			     << 10, /* close or reset ran: no more triggers */
	FLOW_F_PERSIST = 1u << 11, /* the RTO timer is a zero-window probe */
	FLOW_F_RTT = 1u << 12, /* rtt_seq is being timed (no timestamps) */
	FLOW_F_VLAN1 = 1u << 13, /* the peer's frames had an 802.1Q tag */
	FLOW_F_VLAN2 = 1u << 14, /* and an 802.1ad one outside it */
	FLOW_F_ECN = 1u << 15, /* the SYN-ACK carries ECE */
	FLOW_F_TLP = 1u << 16, /* the RTO timer is a tail loss probe's */
	FLOW_F_TLP_OUT = 1u << 17, /* a probe is out, not yet answered */
	FLOW_F_NO_MSS = 1u << 18, /* the SYN-ACK carries no MSS option */
	FLOW_F_FIN_ACKED = 1u << 19, /* our FIN is acknowledged */
};

/* Bytes the service has queued: references into the rule set or owned. */
struct flow_chunk {
	const uint8_t *p;
	uint32_t len;
	bool owned; /* malloc'd (echo): freed once acknowledged */
};

/*
 * What is being sent: the chunks from SND.UNA on, and the scoreboard of
 * RFC 6675, the ranges the peer's SACK blocks say it holds above SND.UNA
 * (sorted, merged, the lowest four: the holes below them are the ones to
 * fill first).
 */
#define FLOW_SACKED_MAX 4
struct flow_txq {
	uint32_t base; /* sequence number of c[0].p[0] */
	uint32_t n, cap;
	uint32_t n_sacked;
	struct {
		uint32_t seq, end;
	} sacked[FLOW_SACKED_MAX];
	uint32_t high_rxt; /* in a recovery, holes are resent up to here */
	uint32_t rxt_mark; /* SND.MAX when SND.UNA was last resent; 0 none */
	struct flow_chunk c[];
};

/*
 * The request: bytes received in order and not yet consumed by a trigger,
 * b[0..len), then room for what came out of order: b[len + k] holds the
 * byte of sequence number RCV.NXT + k, so a segment that fills the hole
 * lands in place and the ranges after it join the request as they are.
 * b[len] is 0 while nothing is beyond it, so regexec (and ASan's
 * interceptor of it) stops there.  A flow whose script reads nothing keeps
 * the ranges only (cap 0): they are what its SACK blocks report.
 */
#define FLOW_OOO_MAX 4
struct flow_rxq {
	uint32_t len, cap;
	uint32_t n_ooo;
	/* Out-of-order ranges [seq, end), the most recently extended first. */
	struct {
		uint32_t seq, end;
	} ooo[FLOW_OOO_MAX];
	uint8_t b[];
};

struct flow {
	struct flow_key k;
	uint32_t tnext, tprev; /* wheel list: index + 1 */
	uint32_t deadline; /* engine ms of the next timer; 0 none */
	uint32_t rto_at, wait_at, idle_at; /* engine ms; 0 off */
	uint32_t flags;
	uint16_t rule; /* index of the host rule that owns the port */
	uint8_t state;
	uint8_t snd_wscale, rcv_wscale;
	uint8_t retries; /* retransmissions of the same data, or probes */
	uint8_t dupacks;
	uint8_t peer_mac[6];
	uint16_t mss; /* the most we send in one segment */
	uint16_t trig, act; /* where the script is: trigger, next action */
	uint16_t rto; /* ms */
	uint16_t srtt8, rttvar4; /* ms, scaled as RFC 6298's reference code */
	uint16_t eth_type; /* the outermost EtherType of the peer's frames */
	struct pkt_vlan vlan[2]; /* [0] 802.1Q, [1] 802.1ad */
	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_max, snd_end; /* snd_end: queue's end */
	uint32_t snd_wnd; /* the peer's window, scaled */
	uint32_t cwnd, ssthresh, recover;
	uint32_t rcv_nxt;
	uint32_t ts_recent, ts_off;
	uint32_t ts_cookie; /* a cookie SYN-ACK's encoded TSval; 0 none */
	uint32_t rtt_seq, rtt_start;
	uint32_t max_wnd; /* the largest window the peer offered, scaled */
	uint16_t pre_in, pre_out; /* bytes before the handshake completed */
	uint32_t last_oow; /* engine ms of the last rate-limited ACK; 0 none */
	uint32_t consumed; /* request bytes the running trigger took */
	struct flow_txq *tx;
	struct flow_rxq *rx;
};

struct flow_table {
	struct flow *f; /* max entries */
	uint32_t *next; /* f[i]'s hash chain or free list: index + 1, 0 ends */
	uint32_t *fhash; /* f[i]'s key hash, compared before its key */
	uint32_t *bucket; /* index + 1 */
	uint32_t max, n_buckets, used;
	uint32_t free_head; /* free list through next */
	uint32_t fresh; /* slots ever used: f[fresh..max) never were */
	uint32_t n_embryonic; /* in FLOW_SYN_RCVD */
	uint32_t cursor; /* where the search for an embryonic victim goes on */
	/* The wheel: WHEEL_SLOTS lists of flows by deadline. */
	uint32_t *slot; /* index + 1 */
	uint32_t now_ms; /* the wheel has run every deadline before this */
	uint32_t n_timers;
	uint32_t soonest; /* no deadline is before it (0: none set) */
	uint64_t rx_bytes; /* request buffers' capacity, every flow's */
	uint64_t hash_key;
};

#define FLOW_WHEEL_SLOTS 4096
#define FLOW_WHEEL_MS 4 /* one slot: 16 s a turn */

/* A table of max flows (at most 2^30); 0, -EINVAL or -ENOMEM. */
/* The same connection: family, addresses and ports. */
bool flow_key_eq(const struct flow_key *a, const struct flow_key *b);

int flow_table_init(struct flow_table *t, uint32_t max, uint64_t key);
void flow_table_cleanup(struct flow_table *t);

struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k);
/* A fresh flow for k (state FLOW_FREE set to 0s); NULL when full. */
struct flow *flow_insert(struct flow_table *t, const struct flow_key *k);
/* Frees f's buffers and its slot; f is invalid afterwards. */
void flow_remove(struct flow_table *t, struct flow *f);
/*
 * An embryonic flow to evict: the next one in the table after the last
 * one returned (a rotating cursor spreads eviction over the table), or
 * NULL when there is none.
 */
struct flow *flow_embryonic_victim(struct flow_table *t);

/* Puts f on the wheel at its earliest timer, or takes it off. */
void flow_timer_rearm(struct flow_table *t, struct flow *f);
/*
 * The next flow whose deadline is at or before now_ms, taken off the
 * wheel, or NULL once every due one has been returned.
 */
struct flow *flow_timer_next(struct flow_table *t, uint32_t now_ms);

/*
 * When to run the wheel next (engine ms), 0 when no timer is set: never
 * after the earliest deadline, maybe before it (the start of the first
 * slot that holds a flow; a flow due in a later turn of the wheel makes
 * an early call that finds nothing).  Cheap after flow_timer_rearm; after
 * flow_timer_next it looks at the slots from the hand on, at most one
 * turn's worth.
 */
uint32_t flow_timer_soonest(struct flow_table *t);

static inline uint32_t flow_index(const struct flow_table *t,
				  const struct flow *f)
{
	return (uint32_t)(f - t->f);
}

/* Sequence-space comparisons, RFC 9293 3.4 (modulo 2^32). */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
