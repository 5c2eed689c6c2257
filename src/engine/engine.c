/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the per-frame decision: dissect, find the first rule that
 * matches, apply its limit and action, build the replies.  Nothing here
 * allocates per frame; time comes from the frame, so a replay is
 * deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define RL_SOURCES 4096 /* per-source slots, shared by every rule */

static const char *const drop_names[DROP__MAX] = {
	[DROP_NONE] = "none",
	[DROP_NO_RULE] = "no rule",
	[DROP_RULE] = "dropped by rule",
	[DROP_LIMIT] = "over limit",
	[DROP_EVAL] = "cannot build reply",
	[DROP_MALFORMED] = "malformed",
	[DROP_NOT_ANSWERED] = "nothing to answer",
	[DROP_MULTICAST] = "multicast source",
};

const char *engine_drop_name(enum engine_drop d)
{
	return d < DROP__MAX ? drop_names[d] : "?";
}

/* Two 128-bit keys from the seed, each word a splitmix64 draw. */
static void keys_from_seed(uint64_t seed, uint8_t isn[16], uint8_t cookie[16])
{
	uint64_t s = seed ^ 0x8a5cd789635d2dffull, w;
	int i;

	for (i = 0; i < 4; i++) {
		w = expr_random(&s);
		memcpy(i < 2 ? isn + 8 * i : cookie + 8 * (i - 2), &w, 8);
	}
}

int engine_init(struct engine *e, const struct ruleset *rs, uint64_t seed)
{
	return engine_init_flows(e, rs, seed, 0);
}

int engine_init_flows(struct engine *e, const struct ruleset *rs, uint64_t seed,
		      uint32_t flows_max)
{
	size_t n = rs->n_rules ? rs->n_rules : 1;

	memset(e, 0, offsetof(struct engine, seg_pkt));
	e->rs = rs;
	e->seed = seed;
	e->rng = seed;
	keys_from_seed(seed, e->isn_key, e->cookie_key);
	e->ipid = (uint32_t)expr_random(&e->rng) & 0xffff;
	e->host_ipid =
		calloc(rs->n_hosts ? rs->n_hosts : 1, sizeof(*e->host_ipid));
	/*
	 * Every host's counter starts from the seeded value; the random
	 * stream that templates draw from is left as it was.
	 */
	if (e->host_ipid)
		for (size_t i = 0; i < rs->n_hosts; i++)
			e->host_ipid[i] = (uint16_t)e->ipid;
	e->buckets = calloc(n, sizeof(*e->buckets));
	e->src_buckets = calloc(RL_SOURCES, sizeof(*e->src_buckets));
	e->matched = calloc(n, sizeof(*e->matched));
	e->n_buckets = n;
	e->idle_ms = (rs->idle_s ? rs->idle_s : 300) * 1000u;
	if (!e->buckets || !e->src_buckets || !e->matched || !e->host_ipid ||
	    flow_table_init(&e->flows,
			    flows_max	  ? flows_max :
			    rs->flows_max ? rs->flows_max :
					    65536,
			    seed ^ 0x5eedf10aull) < 0) {
		engine_cleanup(e);
		return -ENOMEM;
	}
	return 0;
}

void engine_cleanup(struct engine *e)
{
	free(e->buckets);
	free(e->src_buckets);
	free(e->matched);
	free(e->host_ipid);
	flow_table_cleanup(&e->flows);
	e->host_ipid = NULL;
	e->buckets = e->src_buckets = NULL;
	e->matched = NULL;
}

static bool bucket_take(struct rl_bucket *b, uint32_t rate, uint64_t now_us)
{
	uint64_t cap = (uint64_t)rate * 1000000u; /* a burst of one second */

	if (!b->last_us && !b->tokens) {
		b->tokens = cap;
		b->last_us = now_us;
	}
	if (now_us > b->last_us) {
		uint64_t add = (now_us - b->last_us) * rate;

		b->tokens = cap - b->tokens < add ? cap : b->tokens + add;
		b->last_us = now_us;
	}
	if (b->tokens < 1000000u)
		return false;
	b->tokens -= 1000000u;
	return true;
}

/* q's source address (IP, else ARP's, else the MAC), in 16 bytes. */
static void source_of(const struct pkt *q, uint8_t src[16])
{
	memset(src, 0, 16);
	if (q->has & PKT_L_IP)
		memcpy(src, q->ip.src, 4);
	else if (q->has & PKT_L_IP6)
		memcpy(src, q->ip6.src, 16);
	else if (q->has & PKT_L_ARP)
		memcpy(src, q->arp.psrc, 4);
	else
		memcpy(src, q->eth.src, 6);
}

/*
 * The per-source bucket of owner (a rule's index, or ~0 for the default
 * source limit) and src: a slot of the shared table.
 */
static struct rl_bucket *source_bucket(struct engine *e, uint32_t owner,
				       const uint8_t src[16])
{
	uint32_t h = 2166136261u;
	struct rl_bucket *b;
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ src[i]) * 16777619u;
	h = (h ^ owner) * 16777619u;
	b = &e->src_buckets[h % RL_SOURCES];
	if (b->rule != owner + 1 || memcmp(b->src, src, 16) != 0) {
		/*
		 * A new source takes the slot: a full bucket, so a collision
		 * can only be lenient, and memory stays bounded.
		 */
		memset(b, 0, sizeof(*b));
		b->rule = owner + 1;
		memcpy(b->src, src, 16);
	}
	return b;
}

static bool limit_ok(struct engine *e, const struct crule *r,
		     const struct pkt *q, uint64_t now_us)
{
	uint8_t src[16];

	if (!r->limit)
		return true;
	if (!r->per_source)
		return bucket_take(&e->buckets[r->index], r->limit, now_us);
	source_of(q, src);
	return bucket_take(source_bucket(e, r->index, src), r->limit, now_us);
}

bool engine_unsolicited_ok(struct engine *e, const struct pkt *q,
			   uint64_t now_us)
{
	const struct ruleset *rs = e->rs;
	uint8_t src[16];

	if (rs->source_limit) {
		source_of(q, src);
		if (!bucket_take(source_bucket(e, UINT32_MAX - 1, src),
				 rs->source_limit, now_us))
			return false;
	}
	return !rs->global_limit ||
	       bucket_take(&e->global_bucket, rs->global_limit, now_us);
}

/*
 * A source no answer may go to: an Ethernet group address; an IPv4
 * source that is multicast (224/4), the broadcast address, "this host"
 * (0/8) or loopback (127/8), none of which sends (RFC 1122 3.2.1.3,
 * RFC 1812 5.3.7); an IPv6 multicast source (RFC 4291 2.7), or the
 * unspecified one, which only duplicate address detection uses and
 * only the ND rule answers (to all-nodes).
 */
static bool no_source(const struct pkt *q, const struct crule *r)
{
	if (q->eth.src[0] & 1)
		return true;
	if (q->has & PKT_L_IP) {
		const uint8_t *a = q->ip.src;

		return (a[0] & 0xf0) == 0xe0 || a[0] == 0 || a[0] == 127 ||
		       !memcmp(a, "\xff\xff\xff\xff", 4);
	}
	if (q->has & PKT_L_IP6) {
		static const uint8_t unspec[16];

		if (q->ip6.src[0] == 0xff)
			return true;
		return !memcmp(q->ip6.src, unspec, 16) &&
		       !(r->kind == CRULE_ND || (r->kind == CRULE_FILTER &&
						 r->action == AST_ACT_FORWARD));
	}
	return false;
}

struct match_ctx {
	const uint8_t *frame;
	struct pcap_pkthdr hdr;
	uint64_t *runs;
};

static bool rule_matches(const struct crule *r, const struct pkt *q, void *arg)
{
	struct match_ctx *m = arg;

	if (r->kind != CRULE_FILTER)
		return host_match(r, q);
	if (!r->filter)
		return true;
	(*m->runs)++;
	return pcap_offline_filter(&r->bpf, &m->hdr, m->frame) != 0;
}

static void forward(struct engine *e, const struct crule *r,
		    const struct pkt *q, const struct expr_env *env,
		    struct engine_result *res)
{
	struct pkt o = *q;
	struct expr_val v;
	struct pkt_value pv;
	size_t i;
	int n;

	for (i = 0; i < r->n_assigns; i++) {
		const struct cassign *a = &r->assigns[i];

		res->why = expr_eval(a->value, env, &v);
		if (res->why) {
			res->drop = DROP_EVAL;
			return;
		}
		memset(&pv, 0, sizeof(pv));
		/* Numbers wrap to the field: ip.ttl - 1 of 0 is 255, as in C. */
		pv.u = a->field->bits && a->field->bits < 64 ?
			       v.u & ((1ull << a->field->bits) - 1) :
			       v.u;
		pv.b.p = v.b;
		pv.b.len = v.len;
		if (v.b && v.len <= sizeof(pv.addr))
			memcpy(pv.addr, v.b, v.len);
		if (!(o.has & a->field->layer) ||
		    !pkt_field_put(&o, a->field, &pv)) {
			res->drop = DROP_EVAL;
			res->why = "a rewritten value does not fit its field";
			return;
		}
	}
	/*
	 * pkt_build recomputes every length and checksum, except those the
	 * parse kept (a zero UDP checksum) and those an assignment set.
	 */
	n = pkt_build(&o, e->out, ENGINE_FRAME_MAX);
	if (n < 0) {
		res->drop = DROP_EVAL;
		res->why = "the rewritten frame cannot be built";
		return;
	}
	res->frame[0] = e->out;
	res->len[0] = (size_t)n;
	res->used = (size_t)n;
	res->n = 1;
}

void engine_handle(struct engine *e, const uint8_t *frame, size_t caplen,
		   size_t wirelen, uint64_t ts_us, struct engine_result *res)
{
	const struct ruleset *rs = e->rs;
	struct pkt *q = &res->req;
	struct match_ctx m;
	const struct crule *r;
	struct expr_env env;
	int n;

	res->rule = NULL;
	res->log = false;
	res->drop = DROP_NONE;
	res->why = NULL;
	res->n = 0;
	res->used = 0;
	res->n_notes = 0;
	e->frames++;
	pkt_parse(q, frame, caplen);
	if (!(q->has & PKT_L_ETH)) {
		res->drop = DROP_MALFORMED;
		goto out;
	}
	m.frame = frame;
	m.runs = &e->filter_runs;
	m.hdr.ts.tv_sec = (time_t)(ts_us / 1000000u);
	m.hdr.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
	m.hdr.caplen = (bpf_u_int32)caplen;
	m.hdr.len = (bpf_u_int32)(wirelen > caplen ? wirelen : caplen);
	r = dispatch_find(rs, q, rule_matches, &m);
	if (!r) {
		res->drop = DROP_NO_RULE;
		goto out;
	}
	res->rule = r;
	res->log = r->log;
	e->matched[r->index]++;
	if (r->kind == CRULE_FILTER &&
	    (r->action == AST_ACT_NONE || r->action == AST_ACT_DROP)) {
		if (r->action == AST_ACT_DROP)
			res->drop = DROP_RULE;
		goto out;
	}
	/* Never answer a broadcast or multicast source: no amplifying. */
	if (no_source(q, r)) {
		res->drop = DROP_MULTICAST;
		goto out;
	}
	if (!limit_ok(e, r, q, ts_us)) {
		res->drop = DROP_LIMIT;
		goto out;
	}
	/*
	 * No reflector: every answer to a request that is not part of an
	 * established connection takes a token of its source's and of the
	 * global limit; open TCP ports take theirs in tcp.c, where it is
	 * known whether a segment belongs to a connection.
	 */
	if (!(r->kind == CRULE_TCP && r->policy == AST_OPEN) &&
	    !(r->kind == CRULE_TCP && r->policy == AST_FILTERED) &&
	    !(r->kind == CRULE_UDP && r->policy == AST_FILTERED) &&
	    !engine_unsolicited_ok(e, q, ts_us)) {
		res->drop = DROP_LIMIT;
		goto out;
	}
	if (r->kind != CRULE_FILTER) {
		host_answer(e, r, q, ts_us, res);
		if (!res->n && res->drop == DROP_NONE)
			res->drop = DROP_NOT_ANSWERED;
		goto out;
	}
	env.req = q;
	env.now_ms = ts_us / 1000u;
	env.rng = &e->rng;
	if (r->action == AST_ACT_FORWARD) {
		forward(e, r, q, &env, res);
		goto out;
	}
	n = tmpl_build(r->tmpl, &env, e->out, ENGINE_FRAME_MAX, &res->why);
	if (n < 0) {
		res->drop = DROP_EVAL;
		goto out;
	}
	res->frame[0] = e->out;
	res->len[0] = (size_t)n;
	res->used = (size_t)n;
	res->n = 1;
out:
	e->replies += res->n;
	e->drops[res->drop]++;
}
