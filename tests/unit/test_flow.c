/* SPDX-License-Identifier: MIT */
/*
 * test_flow.c - unit tests of src/engine/flow.c: the flow table (a chained
 * hash over one preallocated array, slots handed out in order through
 * t->fresh and then from a free list), the embryonic victim search, the
 * hashed timer wheel (flow_timer_rearm, flow_timer_next,
 * flow_timer_soonest) and seq_lt/seq_le.
 *
 * Keys are built as the engine's fill_key builds them: an IPv4 address in
 * the first 4 bytes of a zeroed 16, family 4 or 6.  The wheel tests set
 * the hand the way the engine does (flow_timer_next with no timer set
 * moves it to the time given), keep their own model of each flow's
 * deadline (the earliest non-zero of rto_at, wait_at and idle_at, never
 * behind the hand) and check every flow comes out of flow_timer_next at
 * the first time at or after that deadline, exactly once.  The random
 * tests use unit_rand with fixed seeds, so a failure replays the same.
 */
#include "unit.h"

#include "engine/flow.h"

#define TURN ((uint32_t)FLOW_WHEEL_SLOTS * FLOW_WHEEL_MS)
#define HKEY 0x0123456789abcdefull

static struct flow_key key4(uint32_t peer, uint16_t pport, uint32_t us,
			    uint16_t oport)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.peer[0] = (uint8_t)(peer >> 24);
	k.peer[1] = (uint8_t)(peer >> 16);
	k.peer[2] = (uint8_t)(peer >> 8);
	k.peer[3] = (uint8_t)peer;
	k.us[0] = (uint8_t)(us >> 24);
	k.us[1] = (uint8_t)(us >> 16);
	k.us[2] = (uint8_t)(us >> 8);
	k.us[3] = (uint8_t)us;
	k.peer_port = pport;
	k.our_port = oport;
	return k;
}

/* 2001:db8::<n> to 2001:db8::1, as fill_key builds an IPv6 key. */
static struct flow_key key6(uint32_t n, uint16_t pport, uint16_t oport)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = 6;
	k.peer[0] = 0x20;
	k.peer[1] = 0x01;
	k.peer[2] = 0x0d;
	k.peer[3] = 0xb8;
	k.peer[12] = (uint8_t)(n >> 24);
	k.peer[13] = (uint8_t)(n >> 16);
	k.peer[14] = (uint8_t)(n >> 8);
	k.peer[15] = (uint8_t)n;
	memcpy(k.us, k.peer, 12);
	k.us[15] = 1;
	k.peer_port = pport;
	k.our_port = oport;
	return k;
}

/* The n-th of a family of distinct keys, half IPv4, half IPv6. */
static struct flow_key key_n(uint32_t n)
{
	if (n & 1)
		return key6(n >> 1, (uint16_t)(1024 + (n >> 1) % 60000), 443);
	return key4(0xc6336400u + (n >> 1) / 50000, /* 198.51.100.0/24.. */
		    (uint16_t)(1024 + (n >> 1) % 50000), 0xc0000201u, 80);
}

static bool key_same(const struct flow_key *a, const struct flow_key *b)
{
	return a->family == b->family && a->peer_port == b->peer_port &&
	       a->our_port == b->our_port && !memcmp(a->peer, b->peer, 16) &&
	       !memcmp(a->us, b->us, 16);
}

/* Asserts k is found, at want when want is not NULL, with its own key. */
static struct flow *found(struct flow_table *t, const struct flow_key *k,
			  const struct flow *want)
{
	struct flow *f = flow_lookup(t, k);

	assert_non_null(f);
	if (want)
		assert_ptr_equal(f, want);
	assert_true(key_same(&f->k, k));
	return f;
}

/* Asserts a flow fresh from flow_insert: the key and zeros. */
static void assert_fresh(const struct flow *f, const struct flow_key *k)
{
	assert_true(key_same(&f->k, k));
	assert_int_equal(f->state, FLOW_FREE);
	assert_int_equal(f->deadline, 0);
	assert_int_equal(f->rto_at, 0);
	assert_int_equal(f->wait_at, 0);
	assert_int_equal(f->idle_at, 0);
	assert_int_equal(f->tnext, 0);
	assert_int_equal(f->tprev, 0);
	assert_int_equal(f->flags, 0);
	assert_int_equal(f->snd_una, 0);
	assert_null(f->tx);
	assert_null(f->rx);
}

/*
 * The tables of the running test (static, so that they outlive a failed
 * assertion's longjmp): teardown frees them, so a failing test does not
 * also report leaks under `make SAN=1 unit`.
 */
static struct flow_table *tables[4];
static size_t n_tables;

static void init(struct flow_table *t, uint32_t max)
{
	size_t i;

	for (i = 0; i < n_tables && tables[i] != t; i++)
		;
	if (i == n_tables) {
		assert_true(n_tables < sizeof(tables) / sizeof(tables[0]));
		tables[n_tables++] = t;
	}
	assert_int_equal(flow_table_init(t, max, HKEY), 0);
}

/* flow_table_cleanup leaves a zeroed table, so a second one is a no-op. */
static int teardown(void **state)
{
	(void)state;
	while (n_tables)
		flow_table_cleanup(tables[--n_tables]);
	return 0;
}

static void arm(struct flow_table *t, struct flow *f, uint32_t rto,
		uint32_t wait, uint32_t idle)
{
	f->rto_at = rto;
	f->wait_at = wait;
	f->idle_at = idle;
	flow_timer_rearm(t, f);
}

/* RFC 9293 3.4 comparisons, modulo 2^32. */
static void test_seq_compare(void **state)
{
	(void)state;
	assert_true(seq_lt(1, 2));
	assert_false(seq_lt(2, 1));
	assert_false(seq_lt(5, 5));
	assert_true(seq_le(5, 5));
	assert_true(seq_le(4, 5));
	assert_false(seq_le(6, 5));
	/* Across the wrap: 0xffffffff comes just before 0. */
	assert_true(seq_lt(0xffffffffu, 0));
	assert_false(seq_lt(0, 0xffffffffu));
	assert_true(seq_le(0xfffffff0u, 0x10));
	assert_false(seq_le(0x10, 0xfffffff0u));
	/* Up to 2^31 - 1 ahead is after; 2^31 + 1 ahead is before. */
	assert_true(seq_lt(100, 100 + 0x7fffffffu));
	assert_false(seq_lt(100, 100 + 0x80000001u));
	assert_true(seq_lt(100 + 0x80000001u, 100));
	assert_true(seq_lt(0x7fffffffu, 0x80000000u));
}

/* Bucket counts, and an empty table that answers nothing. */
static void test_init_empty(void **state)
{
	static const uint32_t max[] = { 1, 10, 63, 64, 65, 100, 4096, 5000 };
	static const uint32_t nb[] = { 64, 64, 64, 64, 128, 128, 4096, 8192 };
	struct flow_key k = key4(0xc0000201u, 1234, 0xc0000202u, 80);
	static struct flow_table t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(max) / sizeof(max[0]); i++) {
		init(&t, max[i]);
		assert_int_equal(t.max, max[i]);
		assert_int_equal(t.n_buckets, nb[i]);
		assert_int_equal(t.used, 0);
		assert_int_equal(t.fresh, 0);
		assert_int_equal(t.n_timers, 0);
		assert_null(flow_lookup(&t, &k));
		assert_null(flow_embryonic_victim(&t));
		assert_int_equal(flow_timer_soonest(&t), 0);
		assert_null(flow_timer_next(&t, 12345));
		flow_table_cleanup(&t);
		assert_null(t.f);
		assert_null(t.bucket);
		assert_null(t.slot);
	}
}

/*
 * A base key of each family and every key one byte away from it (each
 * byte of either address, either byte of either port, the family): all
 * live together, each found as itself, and removing one leaves the others.
 */
static void test_insert_lookup_one_byte_apart(void **state)
{
	enum { PER = 16 + 16 + 4 + 1 + 1 };
	struct flow_key keys[2 * PER], look;
	struct flow *fl[2 * PER];
	static struct flow_table t;
	size_t n = 0, i, j, fam;

	(void)state;
	for (fam = 0; fam < 2; fam++) {
		struct flow_key base =
			fam ? key6(0x0a, 40000, 443) :
			      key4(0xc6336407u, 40000, 0xc0000201u, 80);

		keys[n++] = base;
		for (i = 0; i < 16; i++) {
			keys[n] = base;
			keys[n++].peer[i] ^= 0x01;
			keys[n] = base;
			keys[n++].us[i] ^= 0x80;
		}
		keys[n] = base;
		keys[n++].peer_port ^= 0x0001;
		keys[n] = base;
		keys[n++].peer_port ^= 0x0100;
		keys[n] = base;
		keys[n++].our_port ^= 0x0001;
		keys[n] = base;
		keys[n++].our_port ^= 0x0100;
		keys[n] = base;
		keys[n++].family = fam ? 4 : 6;
	}
	assert_int_equal(n, 2 * PER);
	/* No two alike (the j loop), so each must find only itself. */
	init(&t, 2 * PER);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			assert_false(key_same(&keys[i], &keys[j]));
		assert_null(flow_lookup(&t, &keys[i]));
		fl[i] = flow_insert(&t, &keys[i]);
		assert_non_null(fl[i]);
		assert_fresh(fl[i], &keys[i]);
		fl[i]->rule = (uint16_t)i;
	}
	assert_int_equal(t.used, n);
	for (i = 0; i < n; i++)
		assert_int_equal(found(&t, &keys[i], fl[i])->rule, i);
	/* Field-equal keys match whatever the padding byte after family. */
	for (i = 0; i < n; i++) {
		memset(&look, 0xa5, sizeof(look));
		memcpy(look.peer, keys[i].peer, 16);
		memcpy(look.us, keys[i].us, 16);
		look.peer_port = keys[i].peer_port;
		look.our_port = keys[i].our_port;
		look.family = keys[i].family;
		found(&t, &look, fl[i]);
	}
	/* Remove each base, then every other key: the rest stay. */
	flow_remove(&t, fl[0]);
	flow_remove(&t, fl[PER]);
	assert_null(flow_lookup(&t, &keys[0]));
	assert_null(flow_lookup(&t, &keys[PER]));
	for (i = 0; i < n; i++)
		if (i != 0 && i != PER)
			found(&t, &keys[i], fl[i]);
	for (i = 1; i < n; i += 2)
		if (i != PER)
			flow_remove(&t, fl[i]);
	for (i = 0; i < n; i++) {
		if (i == 0 || i == PER || (i & 1))
			assert_null(flow_lookup(&t, &keys[i]));
		else
			found(&t, &keys[i], fl[i]);
	}
	assert_int_equal(t.used, n / 2 - 2); /* both bases are even */
	flow_table_cleanup(&t);
}

/* A full table refuses the next key and takes it once a slot is free. */
static void test_table_full(void **state)
{
	static const uint32_t sizes[] = { 1, 5, 64, 100 };
	static struct flow_table t;
	struct flow_key k, extra;
	struct flow *f, *g;
	size_t s;
	uint32_t i;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		init(&t, sizes[s]);
		for (i = 0; i < sizes[s]; i++) {
			k = key_n(i);
			assert_non_null(flow_insert(&t, &k));
		}
		assert_int_equal(t.used, sizes[s]);
		assert_int_equal(t.fresh, sizes[s]);
		extra = key_n(sizes[s]);
		assert_null(flow_insert(&t, &extra));
		assert_null(flow_insert(&t, &extra));
		assert_int_equal(t.used, sizes[s]);
		assert_int_equal(t.fresh, sizes[s]);
		assert_null(flow_lookup(&t, &extra));
		for (i = 0; i < sizes[s]; i++) {
			k = key_n(i);
			found(&t, &k, &t.f[i]);
		}
		/* Free the last slot handed out: the refused key fits. */
		k = key_n(sizes[s] - 1);
		f = found(&t, &k, NULL);
		flow_remove(&t, f);
		g = flow_insert(&t, &extra);
		assert_ptr_equal(g, f);
		assert_fresh(g, &extra);
		found(&t, &extra, g);
		assert_null(flow_lookup(&t, &k));
		assert_null(flow_insert(&t, &k));
		assert_int_equal(t.used, sizes[s]);
		flow_table_cleanup(&t);
	}
}

/*
 * Slots are handed out in order while none has been freed; freed slots
 * come back (zeroed) before any fresh one, and t->fresh only counts slots
 * ever used.
 */
static void test_free_list_reuse(void **state)
{
	static const uint32_t gone[] = { 2, 7, 4, 0, 9 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *f;
	bool reused[10] = { false };
	uint32_t i, j, idx;

	(void)state;
	init(&t, 16);
	for (i = 0; i < 10; i++) {
		k = key_n(i);
		f = flow_insert(&t, &k);
		assert_ptr_equal(f, &t.f[i]);
		assert_int_equal(flow_index(&t, f), i);
		assert_int_equal(t.fresh, i + 1);
		assert_int_equal(t.used, i + 1);
	}
	/* Leave state behind in the slots to be freed. */
	for (j = 0; j < 5; j++) {
		f = &t.f[gone[j]];
		f->state = FLOW_ESTABLISHED;
		f->flags = FLOW_F_TS | FLOW_F_SACK;
		f->snd_una = 0xdeadbeef;
		f->rx = calloc(1, sizeof(*f->rx) + 16);
		assert_non_null(f->rx);
		flow_remove(&t, f);
		assert_int_equal(t.used, 9 - j);
		assert_int_equal(t.fresh, 10);
		assert_int_equal(f->state, FLOW_FREE);
		assert_null(f->rx);
	}
	for (i = 0; i < 10; i++) {
		k = key_n(i);
		if (i == 2 || i == 7 || i == 4 || i == 0 || i == 9)
			assert_null(flow_lookup(&t, &k));
		else
			found(&t, &k, &t.f[i]);
	}
	/* Five new keys take exactly the five freed slots, fresh stays. */
	for (j = 0; j < 5; j++) {
		k = key_n(100 + j);
		f = flow_insert(&t, &k);
		assert_non_null(f);
		idx = flow_index(&t, f);
		assert_true(idx < 10);
		assert_true(idx == 2 || idx == 7 || idx == 4 || idx == 0 ||
			    idx == 9);
		assert_false(reused[idx]);
		reused[idx] = true;
		assert_fresh(f, &k);
		assert_int_equal(t.fresh, 10);
		assert_int_equal(t.used, 6 + j);
	}
	/* The free list is empty: the next one is fresh. */
	k = key_n(200);
	f = flow_insert(&t, &k);
	assert_ptr_equal(f, &t.f[10]);
	assert_int_equal(t.fresh, 11);
	assert_int_equal(t.used, 11);
	for (j = 0; j < 5; j++) {
		k = key_n(100 + j);
		found(&t, &k, NULL);
	}
	/* Empty it: nothing found, fresh kept, and refill reuses. */
	for (i = 0; i < 11; i++)
		flow_remove(&t, &t.f[i]);
	assert_int_equal(t.used, 0);
	assert_int_equal(t.fresh, 11);
	for (i = 0; i < 10; i++) {
		k = key_n(i);
		assert_null(flow_lookup(&t, &k));
	}
	for (i = 0; i < 16; i++) {
		k = key_n(300 + i);
		f = flow_insert(&t, &k);
		assert_non_null(f);
		if (i < 11)
			assert_true(flow_index(&t, f) < 11);
		else
			assert_int_equal(flow_index(&t, f), i);
		assert_int_equal(t.fresh, i < 11 ? 11 : i + 1);
	}
	k = key_n(400);
	assert_null(flow_insert(&t, &k));
	for (i = 0; i < 16; i++) {
		k = key_n(300 + i);
		found(&t, &k, NULL);
	}
	flow_table_cleanup(&t);
}

static struct flow_txq *txq_new(uint32_t n)
{
	struct flow_txq *q = calloc(1, sizeof(*q) + n * sizeof(q->c[0]));
	uint32_t i;

	assert_non_null(q);
	q->n = q->cap = n;
	for (i = 0; i < n; i++) {
		if (i & 1) {
			q->c[i].p = (const uint8_t *)"static";
		} else {
			q->c[i].p = malloc(32);
			assert_non_null(q->c[i].p);
			q->c[i].owned = true;
		}
		q->c[i].len = 32;
	}
	return q;
}

/*
 * flow_remove and flow_table_cleanup free a flow's queues and its owned
 * chunks (LeakSanitizer checks it under `make SAN=1 unit`).
 */
static void test_buffers_freed(void **state)
{
	static struct flow_table t;
	struct flow_key k;
	struct flow *f;
	uint32_t i;

	(void)state;
	init(&t, 8);
	for (i = 0; i < 6; i++) {
		k = key_n(i);
		f = flow_insert(&t, &k);
		assert_non_null(f);
		f->state = FLOW_ESTABLISHED;
		f->tx = txq_new(i + 1);
		f->rx = calloc(1, sizeof(*f->rx) + 64);
		assert_non_null(f->rx);
	}
	flow_remove(&t, &t.f[1]);
	assert_null(t.f[1].tx);
	assert_null(t.f[1].rx);
	flow_remove(&t, &t.f[4]);
	k = key_n(50);
	f = flow_insert(&t, &k);
	assert_fresh(f, &k);
	flow_table_cleanup(&t);
	assert_null(t.f);
	assert_int_equal(t.used, 0);
}

/*
 * flow_embryonic_victim returns only FLOW_SYN_RCVD flows, comes round to
 * each of them (the cursor rotates), and NULL when there is none, even
 * when n_embryonic says otherwise.
 */
static void test_embryonic_victim(void **state)
{
	static const uint32_t syn[] = { 0, 3, 11, 17, 19 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *f;
	bool seen[20];
	uint32_t i, j, n_seen;

	(void)state;
	init(&t, 32);
	for (i = 0; i < 20; i++) {
		k = key_n(i);
		f = flow_insert(&t, &k);
		assert_non_null(f);
		f->state = (uint8_t)(i % 3 ? FLOW_ESTABLISHED : FLOW_LAST_ACK);
	}
	assert_null(flow_embryonic_victim(&t));
	for (j = 0; j < 5; j++) {
		t.f[syn[j]].state = FLOW_SYN_RCVD;
		t.n_embryonic++;
	}
	memset(seen, 0, sizeof(seen));
	n_seen = 0;
	for (i = 0; i < 3 * 20; i++) {
		f = flow_embryonic_victim(&t);
		assert_non_null(f);
		assert_int_equal(f->state, FLOW_SYN_RCVD);
		if (!seen[flow_index(&t, f)]) {
			seen[flow_index(&t, f)] = true;
			n_seen++;
		}
	}
	assert_int_equal(n_seen, 5);
	/* Evict them as tcp.c does; flow_remove keeps the count. */
	for (j = 0; j < 3; j++) {
		f = flow_embryonic_victim(&t);
		assert_non_null(f);
		assert_int_equal(f->state, FLOW_SYN_RCVD);
		flow_remove(&t, f);
		assert_int_equal(t.n_embryonic, 4 - j);
	}
	/* The freed slots (FLOW_FREE) are never chosen. */
	for (i = 0; i < 20; i++) {
		f = flow_embryonic_victim(&t);
		assert_non_null(f);
		assert_int_equal(f->state, FLOW_SYN_RCVD);
	}
	/* The last two become established. */
	for (i = 0; i < 20; i++) {
		if (t.f[i].state == FLOW_SYN_RCVD) {
			t.f[i].state = FLOW_ESTABLISHED;
			t.n_embryonic--;
		}
	}
	assert_int_equal(t.n_embryonic, 0);
	assert_null(flow_embryonic_victim(&t));
	/* A count out of step with the states finds nothing, and ends. */
	t.n_embryonic = 3;
	assert_null(flow_embryonic_victim(&t));
	t.n_embryonic = 0;
	flow_table_cleanup(&t);
}

/* The bucket index of key k in a 64-bucket table (t empty on entry). */
static uint32_t bucket_of(struct flow_table *t, const struct flow_key *k)
{
	struct flow *f = flow_insert(t, k);
	uint32_t b, self, hit = UINT32_MAX;

	assert_non_null(f);
	self = flow_index(t, f) + 1;
	for (b = 0; b < t->n_buckets; b++)
		if (t->bucket[b] == self) {
			assert_int_equal(hit, UINT32_MAX);
			hit = b;
		}
	assert_int_not_equal(hit, UINT32_MAX);
	flow_remove(t, f);
	return hit;
}

static uint32_t chain_len(const struct flow_table *t, uint32_t b)
{
	uint32_t n = 0, i;

	for (i = t->bucket[b]; i; i = t->next[i - 1])
		assert_true(++n <= t->max);
	return n;
}

/*
 * k changed in one byte only (or in its family): variant v of 37, the
 * new byte's value from n.  (One bit alone would not do: a single-bit
 * change of a port always moves the key to another of 64 buckets.)
 */
static struct flow_key one_apart(struct flow_key k, uint32_t v, uint32_t n)
{
	uint8_t x = (uint8_t)(1 + (n >> 1) % 255);

	if (v == 0)
		k.family = k.family == 4 ? 6 : 4;
	else if (v <= 16)
		k.peer[v - 1] ^= x;
	else if (v <= 32)
		k.us[v - 17] ^= x;
	else if (v <= 34)
		k.peer_port ^= (uint16_t)(x << (8 * (v - 33)));
	else
		k.our_port ^= (uint16_t)(x << (8 * (v - 35)));
	return k;
}

/*
 * For each field (the family, each byte of either address, each byte of
 * either port), two keys that differ only there and share a bucket: both
 * live in one chain and each lookup finds its own, so key comparison
 * looks at every byte, not only the hash.
 */
static void test_twins_share_bucket(void **state)
{
	static struct flow_table t;
	struct flow_key a, b;
	struct flow *fa, *fb;
	uint32_t v, n, bk;

	(void)state;
	init(&t, 64);
	for (v = 0; v < 37; v++) {
		for (n = 0;; n++) {
			if (n == 20000)
				fail_msg("no twins for variant %u", v);
			a = key_n(n);
			b = one_apart(a, v, n);
			bk = bucket_of(&t, &a);
			if (bucket_of(&t, &b) == bk)
				break;
		}
		assert_false(key_same(&a, &b));
		fa = flow_insert(&t, &a);
		fb = flow_insert(&t, &b);
		assert_int_equal(chain_len(&t, bk), 2);
		found(&t, &a, fa);
		found(&t, &b, fb);
		/* Either one removed, the other stays. */
		flow_remove(&t, fa);
		assert_null(flow_lookup(&t, &a));
		found(&t, &b, fb);
		fa = flow_insert(&t, &a);
		flow_remove(&t, fb);
		assert_null(flow_lookup(&t, &b));
		found(&t, &a, fa);
		flow_remove(&t, fa);
		assert_int_equal(t.used, 0);
		assert_int_equal(t.bucket[bk], 0);
	}
	flow_table_cleanup(&t);
}

/*
 * 64 keys that all hash to one bucket of a 64-bucket table: one chain of
 * 64, each key found, and removals from its head, tail and middle keep
 * every other key reachable.
 */
static void test_one_bucket_chain(void **state)
{
	enum { N = 64 };
	struct flow_key keys[N], k;
	struct flow *fl[N];
	static struct flow_table t;
	uint32_t target, b, i, j, n = 0, seed = 0x1234567u;
	bool gone[N] = { false };

	(void)state;
	init(&t, N);
	assert_int_equal(t.n_buckets, N);
	k = key_n(0);
	target = bucket_of(&t, &k);
	for (i = 0; n < N; i++) {
		assert_true(i < 100000);
		k = key_n(i);
		if (bucket_of(&t, &k) == target)
			keys[n++] = k;
	}
	flow_table_cleanup(&t);

	init(&t, N);
	for (i = 0; i < N; i++) {
		fl[i] = flow_insert(&t, &keys[i]);
		assert_non_null(fl[i]);
	}
	assert_int_equal(chain_len(&t, target), N);
	for (b = 0; b < t.n_buckets; b++)
		if (b != target)
			assert_int_equal(t.bucket[b], 0);
	for (i = 0; i < N; i++)
		found(&t, &keys[i], fl[i]);
	/* Head (last inserted), tail (first), then the middle, then random. */
	for (j = 0; j < N; j++) {
		if (j == 0)
			i = N - 1;
		else if (j == 1)
			i = 0;
		else if (j == 2)
			i = N / 2;
		else
			do
				i = unit_rand(&seed) % N;
			while (gone[i]);
		flow_remove(&t, fl[i]);
		gone[i] = true;
		assert_int_equal(chain_len(&t, target), N - 1 - j);
		for (i = 0; i < N; i++) {
			if (gone[i])
				assert_null(flow_lookup(&t, &keys[i]));
			else
				found(&t, &keys[i], fl[i]);
		}
	}
	assert_int_equal(t.used, 0);
	assert_int_equal(t.bucket[target], 0);
	/* And the chain builds again from the free list. */
	for (i = 0; i < N; i++)
		assert_non_null(flow_insert(&t, &keys[i]));
	for (i = 0; i < N; i++)
		found(&t, &keys[i], NULL);
	assert_int_equal(chain_len(&t, target), N);
	flow_table_cleanup(&t);
}

/*
 * Thousands of flows in a big table (IPv4 and IPv6, one client's many
 * ports as a test run makes them): all found, chains short, and removal
 * in a shuffled order keeps the rest.
 */
static void test_many_flows(void **state)
{
	enum { N = 6000 };
	static struct flow_key keys[N];
	static uint32_t order[N];
	static bool gone[N];
	static struct flow_table t;
	struct flow *f;
	uint32_t i, j, tmp, b, longest = 0, seed = 0xc0ffee;

	(void)state;
	init(&t, N);
	assert_int_equal(t.n_buckets, 8192);
	for (i = 0; i < N; i++) {
		keys[i] = key_n(i);
		f = flow_insert(&t, &keys[i]);
		assert_ptr_equal(f, &t.f[i]);
		f->rule = (uint16_t)i;
		gone[i] = false;
		order[i] = i;
	}
	assert_int_equal(t.used, N);
	for (i = 0; i < N; i++)
		assert_int_equal(found(&t, &keys[i], &t.f[i])->rule, i);
	for (b = 0; b < t.n_buckets; b++) {
		tmp = chain_len(&t, b);
		if (tmp > longest)
			longest = tmp;
	}
	/* 6000 keys over 8192 buckets: the longest chain is 5 (random: ~6). */
	if (longest > 16)
		fail_msg("longest hash chain %u of %u keys", longest, N);
	for (i = N - 1; i > 0; i--) {
		j = unit_rand(&seed) % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < N; i++) {
		flow_remove(&t, &t.f[order[i]]);
		gone[order[i]] = true;
		assert_null(flow_lookup(&t, &keys[order[i]]));
		if (i % 1000 != 999 && i != N / 2)
			continue;
		for (j = 0; j < N; j++) {
			if (gone[j])
				assert_null(flow_lookup(&t, &keys[j]));
			else
				found(&t, &keys[j], &t.f[j]);
		}
	}
	assert_int_equal(t.used, 0);
	for (b = 0; b < t.n_buckets; b++)
		assert_int_equal(t.bucket[b], 0);
	flow_table_cleanup(&t);
}

/*
 * Drains the wheel at now into out (at most cap), checking that each
 * flow returned is off the wheel.  Returns how many came out.
 */
static uint32_t drain(struct flow_table *t, uint32_t now, struct flow **out,
		      uint32_t cap)
{
	struct flow *f;
	uint32_t n = 0;

	while ((f = flow_timer_next(t, now))) {
		assert_true(n < cap);
		assert_int_equal(f->deadline, 0);
		out[n++] = f;
	}
	return n;
}

/*
 * Deadlines from the earliest non-zero of the three timers, each flow
 * out at its deadline to the millisecond and not before, in deadline
 * order; a single late call returns them in slot order too.
 */
static void test_timer_order(void **state)
{
	enum { N = 60, H = 100000 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *fl[N], *out[N];
	uint32_t want[N], i, n, now, got = 0, last = 0, seed = 77, s;

	(void)state;
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	for (i = 0; i < N; i++) {
		k = key_n(i);
		fl[i] = flow_insert(&t, &k);
		want[i] = H + 1 + unit_rand(&seed) % 400;
		/* One timer at want, the others later or off. */
		switch (i % 4) {
		case 0:
			arm(&t, fl[i], want[i], 0, 0);
			break;
		case 1:
			arm(&t, fl[i], want[i] + 5, want[i], 0);
			break;
		case 2:
			arm(&t, fl[i], 0, want[i] + 1000, want[i]);
			break;
		default:
			arm(&t, fl[i], want[i], want[i] + 1, want[i] + 2);
			break;
		}
		assert_int_equal(fl[i]->deadline, want[i]);
	}
	assert_int_equal(t.n_timers, N);
	for (now = H; now <= H + 410; now++) {
		s = flow_timer_soonest(&t);
		if (t.n_timers)
			for (i = 0; i < N; i++)
				if (fl[i]->deadline &&
				    seq_lt(fl[i]->deadline, s))
					fail_msg("soonest %u after deadline %u",
						 s, fl[i]->deadline);
		n = drain(&t, now, out, N);
		for (i = 0; i < n; i++) {
			if (want[flow_index(&t, out[i])] != now)
				fail_msg("flow %u due at %u came at %u",
					 flow_index(&t, out[i]),
					 want[flow_index(&t, out[i])], now);
			assert_true(now >= last);
			last = now;
		}
		got += n;
		assert_int_equal(t.n_timers, N - got);
	}
	assert_int_equal(got, N);
	assert_int_equal(flow_timer_soonest(&t), 0);

	/* Again, all in one call at the end: by slot, within the turn. */
	for (i = 0; i < N; i++)
		arm(&t, fl[i], want[i] + 1000, 0, 0);
	n = drain(&t, H + 1000 + 401, out, N);
	assert_int_equal(n, N);
	for (i = 1; i < n; i++)
		assert_true(out[i - 1]->rto_at / FLOW_WHEEL_MS <=
			    out[i]->rto_at / FLOW_WHEEL_MS);
	flow_table_cleanup(&t);
}

/* Steps the clock by 1..7 ms until `until`, checking fire times. */
static void walk(struct flow_table *t, uint32_t from, uint32_t until,
		 struct flow **fl, const uint32_t *want, uint32_t n_fl,
		 uint32_t *seed)
{
	struct flow *out[16];
	uint32_t now = from, prev, n, i, j;

	while (seq_lt(now, until)) {
		prev = now;
		now += 1 + unit_rand(seed) % 7;
		n = drain(t, now, out, 16);
		for (i = 0; i < n; i++) {
			for (j = 0; j < n_fl && fl[j] != out[i]; j++)
				;
			assert_true(j < n_fl);
			/* Due in (prev, now]: not before, not late. */
			if (!seq_le(want[j], now) || !seq_lt(prev, want[j]))
				fail_msg("flow due at %u came at %u (prev %u)",
					 want[j], now, prev);
		}
	}
}

/*
 * A deadline a turn or more ahead shares a slot with nearer ones but
 * fires only when due, not a turn (or two) early.
 */
static void test_timer_beyond_turn(void **state)
{
	enum { N = 6, H = 5001 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *fl[N];
	uint32_t want[N] = {
		H + 10, /* this turn, */
		H + TURN + 10, /* the same slot a turn on, */
		H + 2 * TURN + 9, /* two turns on, */
		H + TURN, /* the hand's slot a turn on, */
		H + TURN - 1, /* just under a turn, */
		H + 3 * TURN + 3,
	};
	uint32_t i, n, seed = 5;

	(void)state;
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	for (i = 0; i < N; i++) {
		k = key_n(i);
		fl[i] = flow_insert(&t, &k);
		arm(&t, fl[i], 0, 0, want[i]);
	}
	/* H + 10, a turn and two turns on share one slot's list. */
	for (n = 0, i = t.slot[want[0] / FLOW_WHEEL_MS % FLOW_WHEEL_SLOTS]; i;
	     i = t.f[i - 1].tnext)
		n++;
	assert_int_equal(n, 3);
	walk(&t, H, H + 3 * TURN + 20, fl, want, N, &seed);
	assert_int_equal(t.n_timers, 0);
	for (i = 0; i < N; i++)
		assert_int_equal(fl[i]->deadline, 0);
	flow_table_cleanup(&t);
}

/*
 * Rearming moves a flow to its new deadline (earlier or later), the same
 * deadline changes nothing, all timers 0 takes it off the wheel, and a
 * deadline behind the hand fires on the next run, not a turn later.
 */
static void test_timer_rearm(void **state)
{
	enum { H = 20000 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *a, *b, *c, *out[4];

	(void)state;
	init(&t, 4);
	assert_null(flow_timer_next(&t, H));
	k = key_n(1);
	a = flow_insert(&t, &k);
	k = key_n(2);
	b = flow_insert(&t, &k);
	k = key_n(3);
	c = flow_insert(&t, &k);
	arm(&t, a, H + 2000, 0, 0);
	arm(&t, b, H + 1500, 0, 0);
	assert_int_equal(t.n_timers, 2);
	assert_true(seq_le(flow_timer_soonest(&t), H + 1500));
	/* a earlier, b later; the count holds. */
	arm(&t, a, H + 1500, 0, H + 1400);
	arm(&t, b, H + 3000, 0, 0);
	assert_int_equal(t.n_timers, 2);
	assert_true(seq_le(flow_timer_soonest(&t), H + 1400));
	arm(&t, b, H + 3000, 0, 0);
	assert_int_equal(t.n_timers, 2);
	assert_int_equal(drain(&t, H + 1399, out, 4), 0);
	assert_int_equal(drain(&t, H + 1400, out, 4), 1);
	assert_ptr_equal(out[0], a);
	assert_int_equal(drain(&t, H + 2999, out, 4), 0);
	assert_int_equal(drain(&t, H + 3000, out, 4), 1);
	assert_ptr_equal(out[0], b);
	assert_int_equal(t.n_timers, 0);

	/* Off: all three 0. */
	arm(&t, c, H + 4000, H + 4100, 0);
	assert_int_equal(t.n_timers, 1);
	arm(&t, c, 0, 0, 0);
	assert_int_equal(t.n_timers, 0);
	assert_int_equal(c->deadline, 0);
	assert_int_equal(flow_timer_soonest(&t), 0);
	assert_int_equal(drain(&t, H + 5 * TURN, out, 4), 0);
	/* Rearming a flow not on the wheel with all 0 is harmless. */
	arm(&t, c, 0, 0, 0);
	assert_int_equal(t.n_timers, 0);

	/* Behind the hand: due at once. */
	assert_int_equal(drain(&t, H + 6 * TURN, out, 4), 0);
	arm(&t, a, H + 6 * TURN - 100, 0, 0);
	assert_int_equal(t.n_timers, 1);
	assert_true(seq_le(flow_timer_soonest(&t), H + 6 * TURN));
	assert_int_equal(drain(&t, H + 6 * TURN, out, 4), 1);
	assert_ptr_equal(out[0], a);
	/* A flow taken off by flow_timer_next can be armed again. */
	arm(&t, a, H + 6 * TURN + 50, 0, 0);
	assert_int_equal(drain(&t, H + 6 * TURN + 49, out, 4), 0);
	assert_int_equal(drain(&t, H + 6 * TURN + 50, out, 4), 1);
	flow_table_cleanup(&t);
}

/*
 * flow_remove takes a flow off the wheel wherever it sits in its slot's
 * list; the slot's other flows still fire, and a new flow in the freed
 * slot starts off the wheel.
 */
static void test_timer_remove(void **state)
{
	enum { N = 5, H = 40000, D = H + 400 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *fl[N], *out[N], *f;
	uint32_t i;

	(void)state;
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	/* All five in one slot: D .. D+3. */
	for (i = 0; i < N; i++) {
		k = key_n(i);
		fl[i] = flow_insert(&t, &k);
		arm(&t, fl[i], D / FLOW_WHEEL_MS * FLOW_WHEEL_MS + i % 4, 0, 0);
	}
	assert_int_equal(t.n_timers, N);
	flow_remove(&t, fl[2]); /* middle of the list */
	flow_remove(&t, fl[4]); /* its head (last linked) */
	flow_remove(&t, fl[0]); /* its tail */
	assert_int_equal(t.n_timers, 2);
	/* The freed slot goes to a new flow, which has no deadline. */
	k = key_n(10);
	f = flow_insert(&t, &k);
	assert_fresh(f, &k);
	assert_int_equal(t.n_timers, 2);
	assert_int_equal(drain(&t, D + 8, out, N), 2);
	assert_true((out[0] == fl[1] && out[1] == fl[3]) ||
		    (out[0] == fl[3] && out[1] == fl[1]));
	assert_int_equal(t.n_timers, 0);
	assert_int_equal(flow_timer_soonest(&t), 0);
	/* The last flow on the wheel removed: nothing left to fire. */
	arm(&t, f, D + 100, 0, 0);
	assert_int_equal(t.n_timers, 1);
	flow_remove(&t, f);
	assert_int_equal(t.n_timers, 0);
	assert_int_equal(flow_timer_soonest(&t), 0);
	assert_int_equal(drain(&t, D + 5 * TURN, out, N), 0);
	flow_table_cleanup(&t);
}

/*
 * The clock jumps ahead by about a turn (below, at and past it) and by
 * many turns, from a hand on and off a slot boundary: every due flow
 * comes out exactly once, none that is not due.
 */
static void test_timer_clock_jump(void **state)
{
	static const uint32_t jumps[] = {
		TURN - 4, TURN - 1, TURN,	  TURN + 1,	TURN + 3,
		TURN + 4, TURN + 5, 2 * TURN - 1, 2 * TURN + 2, 9 * TURN + 7,
	};
	static const uint32_t hands[] = { 7000, 7001, 7003, 0xffff0000u };
	enum { N = 300 };
	static struct flow_table t;
	struct flow_key k;
	static struct flow *fl[N], *out[N];
	static uint32_t want[N];
	static bool seen[N];
	uint32_t h, j, i, n, now, idx, seed = 99, due;

	(void)state;
	for (h = 0; h < sizeof(hands) / sizeof(hands[0]); h++) {
		for (j = 0; j < sizeof(jumps) / sizeof(jumps[0]); j++) {
			now = hands[h] + jumps[j];
			init(&t, N);
			assert_null(flow_timer_next(&t, hands[h]));
			for (i = 0; i < N; i++) {
				k = key_n(i);
				fl[i] = flow_insert(&t, &k);
				/* Edges around now, then spread on 3 turns. */
				if (i < 12)
					want[i] = now - 6 + i;
				else if (i < 16)
					want[i] = now + TURN - 14 + i;
				else
					want[i] = hands[h] + 1 +
						  unit_rand(&seed) % (3 * TURN);
				if (!want[i])
					want[i] = 1;
				arm(&t, fl[i], want[i], 0, 0);
				seen[i] = false;
			}
			n = drain(&t, now, out, N);
			for (i = 0; i < n; i++) {
				idx = flow_index(&t, out[i]);
				assert_false(seen[idx]);
				seen[idx] = true;
			}
			for (due = 0, i = 0; i < N; i++) {
				if (seen[i] != seq_le(want[i], now))
					fail_msg("hand %u jump %u: flow at %u "
						 "%s at %u",
						 hands[h], jumps[j], want[i],
						 seen[i] ? "fired" : "missed",
						 now);
				due += seen[i];
			}
			assert_int_equal(n, due);
			assert_int_equal(t.n_timers, N - due);
			/* Then far beyond everything: the rest. */
			n = drain(&t, now + 10 * TURN, out, N);
			assert_int_equal(n, N - due);
			for (i = 0; i < n; i++) {
				idx = flow_index(&t, out[i]);
				assert_false(seen[idx]);
				seen[idx] = true;
			}
			assert_int_equal(t.n_timers, 0);
			flow_table_cleanup(&t);
		}
	}
}

/*
 * The engine clock wraps at 2^32 ms (49.7 days, or a replay that starts
 * late): deadlines either side of the wrap fire in order at their time,
 * and a jump across it finds every due flow.
 */
static void test_timer_wrap(void **state)
{
	enum { N = 120 };
	static const uint32_t hands[] = { 0xffffffffu - 3000, 0xfffffffeu,
					  0xffffffffu };
	static struct flow_table t;
	struct flow_key k;
	struct flow *fl[N], *out[N];
	uint32_t want[N], h, i, hand, seed = 3;

	(void)state;
	for (h = 0; h < sizeof(hands) / sizeof(hands[0]); h++) {
		hand = hands[h];
		init(&t, N);
		assert_null(flow_timer_next(&t, hand));
		for (i = 0; i < N; i++) {
			k = key_n(i);
			fl[i] = flow_insert(&t, &k);
			want[i] = hand + 1 + i * 53;
			if (!want[i])
				want[i] = 1;
			arm(&t, fl[i], 0, want[i], 0);
			assert_int_equal(fl[i]->deadline, want[i]);
		}
		assert_true(seq_le(flow_timer_soonest(&t), want[0]));
		walk(&t, hand, hand + N * 53 + 10, fl, want, N, &seed);
		assert_int_equal(t.n_timers, 0);
		flow_table_cleanup(&t);
	}

	/* Across the wrap by more than a turn. */
	hand = 0xffffffffu - 100;
	init(&t, N);
	assert_null(flow_timer_next(&t, hand));
	for (i = 0; i < 4; i++) {
		k = key_n(i);
		fl[i] = flow_insert(&t, &k);
	}
	arm(&t, fl[0], hand + 50, 0, 0);
	arm(&t, fl[1], hand + 200, 0, 0); /* 99, after the wrap */
	arm(&t, fl[2], hand + TURN + 300, 0, 0);
	arm(&t, fl[3], hand + 2 * TURN + 1, 0, 0);
	assert_int_equal(drain(&t, hand + 2 * TURN, out, N), 3);
	assert_int_equal(t.n_timers, 1);
	assert_int_equal(drain(&t, hand + 2 * TURN + 1, out, N), 1);
	assert_ptr_equal(out[0], fl[3]);

	/* The earliest of timers either side of the wrap, in any field. */
	hand = 0xffffffffu - 20;
	assert_null(flow_timer_next(&t, hand));
	arm(&t, fl[0], hand + 10, 0, hand + 5000);
	arm(&t, fl[1], 40, hand + 15, 0);
	arm(&t, fl[2], 30, 60, hand + 19);
	arm(&t, fl[3], hand + 21, 0, 1);
	assert_int_equal(fl[0]->deadline, hand + 10);
	assert_int_equal(fl[1]->deadline, hand + 15);
	assert_int_equal(fl[2]->deadline, hand + 19);
	assert_int_equal(fl[3]->deadline, 1);
	assert_true(seq_le(flow_timer_soonest(&t), hand + 10));
	assert_int_equal(drain(&t, hand + 19, out, N), 3);
	assert_int_equal(drain(&t, 0, out, N), 0);
	assert_int_equal(drain(&t, 1, out, N), 1);
	assert_ptr_equal(out[0], fl[3]);

	/*
	 * A hand at 0 and a deadline behind it: due at once, but 0 means
	 * "no deadline", so it must be kept on the wheel as 1.
	 */
	assert_null(flow_timer_next(&t, 0));
	arm(&t, fl[0], 0xfffffff0u, 0, 0);
	assert_int_equal(t.n_timers, 1);
	assert_int_not_equal(fl[0]->deadline, 0);
	assert_int_not_equal(flow_timer_soonest(&t), 0);
	assert_int_equal(drain(&t, 1, out, N), 1);
	assert_ptr_equal(out[0], fl[0]);
	assert_int_equal(t.n_timers, 0);
	flow_table_cleanup(&t);
}

/*
 * Asserts what flow_timer_soonest says after a run at now that returned
 * every due flow: not after the earliest deadline, and after now, since
 * nothing is left to do at now.  A time at or before now makes a caller
 * that sleeps until it (run.c's tick_arm) run the wheel again at once,
 * find nothing, get the same time, and so on: a busy loop.
 */
static uint32_t soonest_after_run(struct flow_table *t, uint32_t now)
{
	uint32_t s = flow_timer_soonest(t), i, min = 0;

	for (i = 0; i < t->fresh; i++)
		if (t->f[i].deadline && (!min || seq_lt(t->f[i].deadline, min)))
			min = t->f[i].deadline;
	if (!min) {
		assert_int_equal(s, 0);
		return 0;
	}
	if (!seq_le(s, min))
		fail_msg("soonest %u after the earliest deadline %u", s, min);
	if (!seq_lt(now, s))
		fail_msg("soonest %u is not after %u, when a complete run "
			 "left nothing due before %u: the caller would run "
			 "the wheel again at once, for nothing",
			 s, now, min);
	return s;
}

/*
 * After a complete run, flow_timer_soonest names a time after the run:
 * when it still holds the deadline that just fired, when the hand's own
 * slot holds a flow of a later turn, and for a caller that sleeps exactly
 * until each time it is given (every flow then fires on time, each wake
 * making progress).
 */
static void test_timer_soonest_progress(void **state)
{
	enum { N = 64, H = 1000 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *a, *b, *fl[N], *out[N];
	uint32_t want[N], now, s, i, n, runs, got = 0, seed = 41;

	(void)state;
	/* The soonest deadline fires; another flow is a turn away. */
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	k = key_n(1);
	a = flow_insert(&t, &k);
	k = key_n(2);
	b = flow_insert(&t, &k);
	arm(&t, a, 0, 0, H + TURN + 20);
	arm(&t, b, H + 10, 0, 0);
	assert_int_equal(drain(&t, H + 10, out, N), 1);
	assert_ptr_equal(out[0], b);
	soonest_after_run(&t, H + 10);
	flow_table_cleanup(&t);

	/* The hand's slot holds a flow due a turn later. */
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	k = key_n(1);
	a = flow_insert(&t, &k);
	k = key_n(2);
	b = flow_insert(&t, &k);
	arm(&t, a, 0, 0, H + TURN + 9);
	arm(&t, b, H + 5, 0, 0);
	assert_int_equal(drain(&t, H + 9, out, N), 1);
	assert_ptr_equal(out[0], b);
	soonest_after_run(&t, H + 9);
	flow_table_cleanup(&t);

	/* A caller that wakes exactly when told. */
	init(&t, N);
	assert_null(flow_timer_next(&t, H));
	for (i = 0; i < N; i++) {
		k = key_n(i);
		fl[i] = flow_insert(&t, &k);
		want[i] = H + 1 +
			  (i & 1 ? unit_rand(&seed) % 500 :
				   TURN + unit_rand(&seed) % (2 * TURN));
		arm(&t, fl[i], want[i], 0, 0);
	}
	now = H;
	for (runs = 0; runs < 16 * N; runs++) {
		n = drain(&t, now, out, N);
		for (i = 0; i < n; i++)
			if (want[flow_index(&t, out[i])] != now)
				fail_msg("flow due at %u came at %u",
					 want[flow_index(&t, out[i])], now);
		got += n;
		s = soonest_after_run(&t, now);
		if (!s)
			break;
		now = s;
	}
	assert_int_equal(got, N);
	flow_table_cleanup(&t);
}

/*
 * A random run of rearm (timers near, far, behind the hand or off),
 * remove and reinsert, clock steps (small, about a turn, several turns,
 * across the wrap) and full or partial runs of the wheel, against a model:
 * each flow comes out once, at the first run at or after its deadline;
 * n_timers is right; and flow_timer_soonest is 0 with no timer and
 * otherwise never after the earliest deadline.  While a run is cut short
 * (due flows still on the wheel), soonest may also say "now": then it is
 * only required not to be after the later of the earliest deadline and
 * the clock of that run.  After a complete run it is not before the slot
 * of that run's clock, or the caller would run the wheel again for
 * nothing (and again, and again).
 */
static void random_wheel(uint32_t seed, uint32_t start, uint32_t steps)
{
	enum { N = 128 };
	static struct flow_table t;
	struct flow_key k;
	struct flow *f;
	uint32_t eff[N]; /* the model's deadline, 0 off */
	uint32_t now = start, step, i, r, n_on, min, s, d, tm[3], key = 0;
	bool drained = true, have;

	init(&t, N);
	assert_null(flow_timer_next(&t, now));
	for (i = 0; i < N; i++) {
		k = key_n(key++);
		assert_ptr_equal(flow_insert(&t, &k), &t.f[i]);
		eff[i] = 0;
	}
	for (step = 0; step < steps; step++) {
		r = unit_rand(&seed) % 100;
		if (r < 45) {
			/* Rearm one flow. */
			f = &t.f[unit_rand(&seed) % N];
			for (i = 0; i < 3; i++) {
				r = unit_rand(&seed) % 100;
				if (r < 30)
					tm[i] = 0;
				else if (r < 70)
					tm[i] = now + 1 +
						unit_rand(&seed) % 300;
				else if (r < 92)
					tm[i] = now +
						unit_rand(&seed) % (2 * TURN);
				else
					tm[i] = now - unit_rand(&seed) % 500;
				if (!tm[i] && r >= 30)
					tm[i] = 1;
			}
			arm(&t, f, tm[0], tm[1], tm[2]);
			d = 0;
			for (i = 0; i < 3; i++)
				if (tm[i] && (!d || seq_lt(tm[i], d)))
					d = tm[i];
			/*
			 * Behind the hand it runs at the hand; an unchanged
			 * deadline (due, while a run is cut short) stays.
			 */
			if (d && d != eff[flow_index(&t, f)] &&
			    seq_lt(d, t.now_ms))
				d = t.now_ms;
			if (d == 0 && (tm[0] || tm[1] || tm[2]))
				d = 1;
			eff[flow_index(&t, f)] = d;
			assert_int_equal(f->deadline, d);
		} else if (r < 55) {
			/* Remove one and let a new key take a slot. */
			f = &t.f[unit_rand(&seed) % N];
			flow_remove(&t, f);
			eff[flow_index(&t, f)] = 0;
			k = key_n(key++);
			f = flow_insert(&t, &k);
			assert_non_null(f);
			assert_int_equal(f->deadline, 0);
		} else {
			/* The clock moves, and the wheel runs. */
			r = unit_rand(&seed) % 100;
			if (r < 70)
				now += unit_rand(&seed) % 9;
			else if (r < 90)
				now += unit_rand(&seed) % (TURN + 8);
			else if (r < 98)
				now += TURN + unit_rand(&seed) % (3 * TURN);
			else
				now += unit_rand(&seed) % (1u << 22);
			if (!now)
				now = 1;
			/* Now and then a run is cut short. */
			r = unit_rand(&seed) % 100 < 15 ? unit_rand(&seed) % 4 :
							  UINT32_MAX;
			drained = false;
			for (;;) {
				if (!r--)
					break;
				f = flow_timer_next(&t, now);
				if (!f) {
					drained = true;
					break;
				}
				i = flow_index(&t, f);
				if (!eff[i] || !seq_le(eff[i], now))
					fail_msg("step %u: flow %u due %u out "
						 "at %u",
						 step, i, eff[i], now);
				assert_int_equal(f->deadline, 0);
				eff[i] = 0;
			}
			if (drained)
				for (i = 0; i < N; i++)
					if (eff[i] && seq_le(eff[i], now))
						fail_msg("step %u: flow %u due "
							 "%u left at %u",
							 step, i, eff[i], now);
		}
		n_on = 0;
		min = 0;
		have = false;
		for (i = 0; i < N; i++) {
			if (!eff[i])
				continue;
			n_on++;
			if (!have || seq_lt(eff[i], min))
				min = eff[i];
			have = true;
		}
		assert_int_equal(t.n_timers, n_on);
		s = flow_timer_soonest(&t);
		if (!n_on) {
			assert_int_equal(s, 0);
			continue;
		}
		assert_int_not_equal(s, 0);
		/* A complete run leaves nothing due before its slot ends. */
		if (drained && seq_lt(s, now - (FLOW_WHEEL_MS - 1)))
			fail_msg(
				"step %u: soonest %u behind the clock %u after "
				"a complete run",
				step, s, now);
		if (!drained && seq_lt(min, now))
			min = now;
		if (!seq_le(s, min))
			fail_msg("step %u: soonest %u after the earliest "
				 "deadline %u (clock %u, %s)",
				 step, s, min, now,
				 drained ? "drained" : "cut short");
	}
	flow_table_cleanup(&t);
}

static void test_timer_random(void **state)
{
	(void)state;
	random_wheel(0x9e3779b9u, 1000, 6000);
	random_wheel(0x2545f491u, 0xffffffffu - 40000, 6000);
	random_wheel(0xdeadbeefu, 0x7fffff00u, 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_seq_compare, teardown),
		cmocka_unit_test_teardown(test_init_empty, teardown),
		cmocka_unit_test_teardown(test_insert_lookup_one_byte_apart,
					  teardown),
		cmocka_unit_test_teardown(test_table_full, teardown),
		cmocka_unit_test_teardown(test_free_list_reuse, teardown),
		cmocka_unit_test_teardown(test_buffers_freed, teardown),
		cmocka_unit_test_teardown(test_embryonic_victim, teardown),
		cmocka_unit_test_teardown(test_twins_share_bucket, teardown),
		cmocka_unit_test_teardown(test_one_bucket_chain, teardown),
		cmocka_unit_test_teardown(test_many_flows, teardown),
		cmocka_unit_test_teardown(test_timer_order, teardown),
		cmocka_unit_test_teardown(test_timer_beyond_turn, teardown),
		cmocka_unit_test_teardown(test_timer_rearm, teardown),
		cmocka_unit_test_teardown(test_timer_remove, teardown),
		cmocka_unit_test_teardown(test_timer_clock_jump, teardown),
		cmocka_unit_test_teardown(test_timer_wrap, teardown),
		cmocka_unit_test_teardown(test_timer_soonest_progress,
					  teardown),
		cmocka_unit_test_teardown(test_timer_random, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
