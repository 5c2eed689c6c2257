/* SPDX-License-Identifier: MIT */
/*
 * flow.c - the flow table (chained hash over one preallocated array) and
 * the timer wheel (George Varghese's hashed wheel: a slot per
 * FLOW_WHEEL_MS, a flow due later than a turn waits in its slot for the
 * turn that reaches it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

static uint32_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
	uint64_t h = t->hash_key ^ 0x9e3779b97f4a7c15ull;
	const uint8_t *b = (const uint8_t *)k;
	size_t i, n = offsetof(struct flow_key, peer_port);
	uint64_t w;

	for (i = 0; i < n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h ^= (uint64_t)k->peer_port << 24 ^ (uint64_t)k->our_port << 8 ^
	     k->family;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

bool flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return a->peer_port == b->peer_port && a->our_port == b->our_port &&
	       a->family == b->family && !memcmp(a->peer, b->peer, 16) &&
	       !memcmp(a->us, b->us, 16);
}

int flow_table_init(struct flow_table *t, uint32_t max, uint64_t key)
{
	memset(t, 0, sizeof(*t));
	if (max > 1u << 30)
		return -EINVAL;
	t->max = max;
	t->hash_key = key;
	/* A power of two at least max: chains of one on average. */
	for (t->n_buckets = 64; t->n_buckets < max; t->n_buckets <<= 1)
		;
	t->f = calloc(max, sizeof(*t->f));
	t->next = calloc(max ? max : 1, sizeof(*t->next));
	t->fhash = calloc(max ? max : 1, sizeof(*t->fhash));
	t->bucket = calloc(t->n_buckets, sizeof(*t->bucket));
	t->slot = calloc(FLOW_WHEEL_SLOTS, sizeof(*t->slot));
	if (!t->f || !t->next || !t->fhash || !t->bucket || !t->slot) {
		flow_table_cleanup(t);
		return -ENOMEM;
	}
	/*
	 * No free list through every slot yet: slots are handed out in
	 * order first (t->fresh), so the pages of a big table are touched
	 * only when that many flows have lived.
	 */
	t->free_head = 0;
	t->fresh = 0;
	return 0;
}

static void flow_buffers_free(struct flow_table *t, struct flow *f)
{
	uint32_t i;

	if (f->tx) {
		for (i = 0; i < f->tx->n; i++)
			if (f->tx->c[i].owned)
				free((void *)(uintptr_t)f->tx->c[i].p);
		free(f->tx);
		f->tx = NULL;
	}
	if (f->rx)
		t->rx_bytes -= sizeof(*f->rx) + f->rx->cap;
	free(f->rx);
	f->rx = NULL;
}

void flow_table_cleanup(struct flow_table *t)
{
	uint32_t i;

	if (t->f)
		for (i = 0; i < t->fresh; i++)
			if (t->f[i].state != FLOW_FREE)
				flow_buffers_free(t, &t->f[i]);
	free(t->f);
	free(t->bucket);
	free(t->next);
	free(t->fhash);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k)
{
	uint32_t h, i;

	if (!t->used)
		return NULL;
	/*
	 * The chain and the hashes are arrays of their own: a SYN that
	 * finds no flow walks them and touches no flow (a cache miss each,
	 * at the size of a big table).
	 */
	h = key_hash(t, k);
	for (i = t->bucket[h & (t->n_buckets - 1)]; i; i = t->next[i - 1])
		if (t->fhash[i - 1] == h && flow_key_eq(&t->f[i - 1].k, k))
			return &t->f[i - 1];
	return NULL;
}

struct flow *flow_insert(struct flow_table *t, const struct flow_key *k)
{
	uint32_t i = t->free_head, h, *b;
	struct flow *f;

	if (i) {
		t->free_head = t->next[i - 1];
	} else if (t->fresh < t->max) {
		i = ++t->fresh;
	} else {
		return NULL;
	}
	f = &t->f[i - 1];
	memset(f, 0, sizeof(*f));
	f->k = *k;
	h = key_hash(t, k);
	t->fhash[i - 1] = h;
	b = &t->bucket[h & (t->n_buckets - 1)];
	t->next[i - 1] = *b;
	*b = i;
	t->used++;
	return f;
}

static void wheel_unlink(struct flow_table *t, struct flow *f)
{
	if (!f->deadline)
		return;
	if (f->tprev)
		t->f[f->tprev - 1].tnext = f->tnext;
	else
		t->slot[(f->deadline / FLOW_WHEEL_MS) % FLOW_WHEEL_SLOTS] =
			f->tnext;
	if (f->tnext)
		t->f[f->tnext - 1].tprev = f->tprev;
	f->tnext = f->tprev = 0;
	f->deadline = 0;
	t->n_timers--;
}

void flow_remove(struct flow_table *t, struct flow *f)
{
	uint32_t self = flow_index(t, f) + 1, *p;

	wheel_unlink(t, f);
	if (f->state == FLOW_SYN_RCVD)
		t->n_embryonic--;
	for (p = &t->bucket[t->fhash[self - 1] & (t->n_buckets - 1)];
	     *p && *p != self; p = &t->next[*p - 1])
		;
	if (*p)
		*p = t->next[self - 1];
	flow_buffers_free(t, f);
	memset(f, 0, sizeof(*f));
	t->next[self - 1] = t->free_head;
	t->free_head = self;
	t->used--;
}

struct flow *flow_embryonic_victim(struct flow_table *t)
{
	uint32_t n;

	if (!t->n_embryonic)
		return NULL;
	/* The cursor rotates, so eviction is spread over the table. */
	for (n = 0; n < t->fresh; n++) {
		t->cursor = (t->cursor + 1) % t->fresh;
		if (t->f[t->cursor].state == FLOW_SYN_RCVD)
			return &t->f[t->cursor];
	}
	return NULL;
}

static uint32_t min_nonzero(uint32_t a, uint32_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return seq_lt(a, b) ? a : b;
}

void flow_timer_rearm(struct flow_table *t, struct flow *f)
{
	uint32_t d =
		min_nonzero(min_nonzero(f->rto_at, f->wait_at), f->idle_at);
	uint32_t self = flow_index(t, f) + 1, *head;

	if (d == f->deadline)
		return;
	wheel_unlink(t, f);
	if (!d)
		return;
	/* Never behind the wheel's hand: it would wait a whole turn. */
	if (seq_lt(d, t->now_ms))
		d = t->now_ms;
	if (!d)
		d = 1;
	f->deadline = d;
	/* soonest stays a lower bound of every deadline (or unknown, 0). */
	if (!t->n_timers || (t->soonest && seq_lt(d, t->soonest)))
		t->soonest = d;
	head = &t->slot[(d / FLOW_WHEEL_MS) % FLOW_WHEEL_SLOTS];
	f->tnext = *head;
	f->tprev = 0;
	if (*head)
		t->f[*head - 1].tprev = self;
	*head = self;
	t->n_timers++;
}

struct flow *flow_timer_next(struct flow_table *t, uint32_t now_ms)
{
	uint32_t steps, i;
	struct flow *f;

	if (!t->n_timers) {
		t->now_ms = now_ms;
		return NULL;
	}
	/* Past a whole turn, one visit of every slot finds every due flow. */
	if (now_ms - t->now_ms > FLOW_WHEEL_SLOTS * FLOW_WHEEL_MS &&
	    seq_lt(t->now_ms, now_ms))
		t->now_ms = now_ms - (FLOW_WHEEL_SLOTS - 1) * FLOW_WHEEL_MS;
	/* Each slot from the hand to now, at most one turn's worth. */
	for (steps = 0; steps <= FLOW_WHEEL_SLOTS; steps++) {
		for (i = t->slot[(t->now_ms / FLOW_WHEEL_MS) %
				 FLOW_WHEEL_SLOTS];
		     i; i = t->f[i - 1].tnext) {
			f = &t->f[i - 1];
			if (seq_le(f->deadline, now_ms)) {
				wheel_unlink(t, f);
				return f;
			}
		}
		if ((t->now_ms / FLOW_WHEEL_MS) == (now_ms / FLOW_WHEEL_MS) ||
		    !seq_lt(t->now_ms, now_ms))
			break;
		t->now_ms += FLOW_WHEEL_MS;
		if (seq_lt(now_ms, t->now_ms))
			t->now_ms = now_ms;
	}
	/* Every due flow is out: the hand is at now, not behind it. */
	if (seq_lt(t->now_ms, now_ms) &&
	    t->now_ms / FLOW_WHEEL_MS == now_ms / FLOW_WHEEL_MS)
		t->now_ms = now_ms;
	return NULL;
}

uint32_t flow_timer_soonest(struct flow_table *t)
{
	uint32_t i, j, ms, base, best = 0;

	if (!t->n_timers)
		return t->soonest = 0;
	/* At or behind the hand, it is stale: the wheel has run to it. */
	if (t->soonest && seq_lt(t->now_ms, t->soonest))
		return t->soonest;
	/*
	 * The hand's own slot: its flows due in this turn (one left due by
	 * a run cut short is at or behind the hand: now, then).
	 */
	base = t->now_ms / FLOW_WHEEL_MS * FLOW_WHEEL_MS;
	for (j = t->slot[(t->now_ms / FLOW_WHEEL_MS) % FLOW_WHEEL_SLOTS]; j;
	     j = t->f[j - 1].tnext)
		if (t->f[j - 1].deadline - base < FLOW_WHEEL_MS &&
		    (!best || seq_lt(t->f[j - 1].deadline, best)))
			best = t->f[j - 1].deadline;
	if (best)
		return t->soonest = best;
	/* Else the start of the next slot that holds a flow. */
	for (i = 1; i < FLOW_WHEEL_SLOTS; i++)
		if (t->slot[(t->now_ms / FLOW_WHEEL_MS + i) % FLOW_WHEEL_SLOTS])
			break;
	ms = base + i * FLOW_WHEEL_MS;
	return t->soonest = ms ? ms : 1;
}
