/* SPDX-License-Identifier: MIT */
/*
 * dispatch.c - which rules can match a frame, without trying them all.
 *
 * Each rule gets a key when one can be proved: (protocol, destination
 * port), or just the protocol, or none.  Host rules know theirs; for a
 * tcpdump filter the key comes from a conservative reading of its text:
 * only a pure conjunction ("A and B and ...", no or/not/parentheses
 * outside [...]) is read, and only the conjuncts "ip", "ip6", "tcp",
 * "udp", "icmp", "icmp6", "tcp dst port N", "udp dst port N" are used,
 * and two that need the others: one that starts with a load from a
 * transport header ("tcp[13] & 2 != 0": libpcap tests the protocol
 * first) gives its protocol, and "dst port N" gives the port of that
 * protocol (alone it could be SCTP's too).  A key is a necessary
 * condition; the filter still decides.  A frame's candidates
 * are sorted lists (no key, its protocol, its protocol and port), walked
 * merged in file order, so the first match still wins.
 *
 * Host rules are keyed by address instead: each answers only for its
 * host's addresses, so a frame's candidates among them are the rules of
 * the host that has the address it asks for (its destination; the ARP
 * target; the target of a neighbour solicitation).  Ten thousand hosts
 * then cost a frame one lookup, not ten thousand address compares.
 *
 * A frame that did not dissect cleanly is answered by no host rule
 * (host_match says so); if its transport header was read whole, its keys
 * are what libpcap would read too and still narrow the filter rules;
 * else (it broke in an IP header) every filter rule is a candidate.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct idx_list {
	unsigned *v;
	size_t n, cap;
};

struct port_slot {
	uint32_t key; /* proto << 16 | port, + 1; 0: empty */
	struct idx_list l;
};

/* The host rules of one address. */
struct addr_slot {
	uint8_t a[16];
	uint8_t family; /* 4 or 6; 0: empty */
	struct idx_list l;
};

struct dispatch {
	struct idx_list generic;
	struct idx_list proto[256];
	struct port_slot *slots;
	size_t n_slots; /* a power of two */
	struct addr_slot *addrs;
	size_t n_addrs; /* a power of two */
};

static int list_add(struct arena *a, struct idx_list *l, unsigned idx)
{
	unsigned *v;

	if (l->n && l->v[l->n - 1] == idx)
		return 0;
	v = arena_push(a, (void **)&l->v, &l->n, &l->cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = idx;
	return 0;
}

static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	return x ^ (x >> 16);
}

static struct port_slot *slot_find(const struct dispatch *ds, uint32_t key,
				   bool insert)
{
	size_t i, mask = ds->n_slots - 1;

	for (i = hash32(key) & mask;; i = (i + 1) & mask) {
		struct port_slot *s = &ds->slots[i];

		if (s->key == key + 1)
			return s;
		if (!s->key) {
			if (!insert)
				return NULL;
			s->key = key + 1;
			return s;
		}
	}
}

static struct addr_slot *addr_find(const struct dispatch *ds, int family,
				   const uint8_t *a, bool insert)
{
	size_t i, mask = ds->n_addrs - 1, len = family == 4 ? 4 : 16;
	uint32_t h = 2166136261u;

	for (i = 0; i < len; i++)
		h = (h ^ a[i]) * 16777619u;
	for (i = hash32(h ^ (uint32_t)family) & mask;; i = (i + 1) & mask) {
		struct addr_slot *s = &ds->addrs[i];

		if (s->family == family && memcmp(s->a, a, len) == 0)
			return s;
		if (!s->family) {
			if (!insert)
				return NULL;
			s->family = (uint8_t)family;
			memcpy(s->a, a, len);
			return s;
		}
	}
}

/* Reads one decimal number that is the whole token. */
static int read_port(const char *t, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)t[i]))
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return v <= 65535 ? (int)v : -1;
}

#define TOK_MAX 64

void dispatch_filter_key(const char *text, int *proto, int *port, int *family,
			 bool *exact)
{
	const char *tok[TOK_MAX];
	size_t len[TOK_MAX], n = 0, i, start;
	bool load[TOK_MAX]; /* the token is followed by '[' */
	const char *s = text;
	int depth = 0, dport = -1;

	*proto = -1;
	*port = -1;
	*family = 0;
	*exact = false;
	/* Tokens outside brackets; give up on anything but a conjunction. */
	while (*s) {
		const char *b;

		if (*s == '[') {
			depth++;
			s++;
			continue;
		}
		if (*s == ']') {
			depth--;
			s++;
			continue;
		}
		if (depth || isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		b = s;
		while (*s && !isspace((unsigned char)*s) && *s != '[')
			s++;
		if (n == TOK_MAX)
			return;
		tok[n] = b;
		load[n] = *s == '[';
		len[n++] = (size_t)(s - b);
	}
	if (depth)
		return;
	for (i = 0; i < n; i++) {
		if ((len[i] == 2 && !memcmp(tok[i], "or", 2)) ||
		    (len[i] == 3 && !memcmp(tok[i], "not", 3)) ||
		    memchr(tok[i], '|', len[i]) ||
		    memchr(tok[i], '(', len[i]) ||
		    memchr(tok[i], ')', len[i]) ||
		    (tok[i][0] == '!' && !(len[i] == 2 && tok[i][1] == '=')))
			return;
	}
	*exact = n > 0;
	for (start = 0; start <= n; start = i + 1) {
		size_t m;

		for (i = start; i < n; i++)
			if ((len[i] == 3 && !memcmp(tok[i], "and", 3)) ||
			    (len[i] == 2 && !memcmp(tok[i], "&&", 2)))
				break;
		m = i - start;
#define IS(k, w)                          \
	(len[start + (k)] == strlen(w) && \
	 !memcmp(tok[start + (k)], w, strlen(w)))
		if (m == 1 && (IS(0, "ip") || IS(0, "ip6"))) {
			int fam = IS(0, "ip") ? 4 : 6;

			if (*family && *family != fam)
				*exact = false; /* "ip and ip6": never */
			*family = fam;
		} else if (m == 1 && (IS(0, "tcp") || IS(0, "udp") ||
				      IS(0, "icmp") || IS(0, "icmp6"))) {
			*proto = IS(0, "tcp")  ? 6 :
				 IS(0, "udp")  ? 17 :
				 IS(0, "icmp") ? 1 :
						 58;
		} else if (m >= 1 && load[start] &&
			   (IS(0, "tcp") || IS(0, "udp") || IS(0, "icmp") ||
			    IS(0, "icmp6"))) {
			/* tcp[...] ...: whatever it tests, a TCP segment. */
			*proto = IS(0, "tcp")  ? 6 :
				 IS(0, "udp")  ? 17 :
				 IS(0, "icmp") ? 1 :
						 58;
			*exact = false;
		} else if (m == 3 && IS(0, "dst") && IS(1, "port")) {
			dport = read_port(tok[start + 2], len[start + 2]);
			*exact = false;
		} else if (m == 4 && (IS(0, "tcp") || IS(0, "udp")) &&
			   IS(1, "dst") && IS(2, "port")) {
			int p = read_port(tok[start + 3], len[start + 3]);

			if (p >= 0) {
				*proto = IS(0, "tcp") ? 6 : 17;
				*port = p;
			} else {
				*exact = false;
			}
		} else {
			*exact = false;
		}
#undef IS
	}
	/* "dst port N" and a protocol with ports: that protocol's port N. */
	if (dport >= 0 && *port < 0 && (*proto == 6 || *proto == 17))
		*port = dport;
	if (*proto < 0)
		*port = -1;
	/* Brackets (tcp[13] & 2 ...) were skipped: then it is not exact. */
	if (strchr(text, '['))
		*exact = false;
}

unsigned dispatch_filter_terms(const char *s)
{
	unsigned n = 1;
	int depth = 0;

	while (*s) {
		const char *b = s;

		if (*s == '[' || *s == ']') {
			depth += *s == '[' ? 1 : -1;
			s++;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '&' && *s != '|') {
			s++;
			continue;
		}
		while (isalnum((unsigned char)*s) || *s == '&' || *s == '|')
			s++;
		if (depth <= 0 &&
		    (((size_t)(s - b) == 3 && !strncmp(b, "and", 3)) ||
		     ((size_t)(s - b) == 2 &&
		      (!strncmp(b, "or", 2) || !strncmp(b, "&&", 2) ||
		       !strncmp(b, "||", 2)))))
			n++;
	}
	return n;
}

static int add_keyed(struct ruleset *rs, const struct crule *r, int proto,
		     int port)
{
	struct dispatch *ds = rs->dispatch;
	struct port_slot *s;

	if (proto < 0)
		return list_add(&rs->arena, &ds->generic, r->index);
	if (port < 0)
		return list_add(&rs->arena, &ds->proto[proto], r->index);
	s = slot_find(ds, (uint32_t)proto << 16 | (uint32_t)port, true);
	return list_add(&rs->arena, &s->l, r->index);
}

int dispatch_build(struct ruleset *rs)
{
	struct dispatch *ds;
	size_t i, k, want = 16, addrs = 16;
	int rc = 0;

	while (want < 2 * rs->n_rules + 16)
		want *= 2;
	for (k = 0, i = 0; i < rs->n_hosts; i++)
		k += rs->hosts[i].n_addrs;
	while (addrs < 2 * k + 16)
		addrs *= 2;
	ds = arena_alloc(&rs->arena, sizeof(*ds));
	if (!ds)
		return -ENOMEM;
	ds->slots = arena_calloc(&rs->arena, want, sizeof(*ds->slots));
	ds->addrs = arena_calloc(&rs->arena, addrs, sizeof(*ds->addrs));
	if (!ds->slots || !ds->addrs)
		return -ENOMEM;
	ds->n_slots = want;
	ds->n_addrs = addrs;
	rs->dispatch = ds;
	for (i = 0; i < rs->n_rules && !rc; i++) {
		const struct crule *r = &rs->rules[i];
		int proto, port, family;
		bool exact;

		switch (r->kind) {
		case CRULE_FILTER:
			dispatch_filter_key(r->filter ? r->filter : "", &proto,
					    &port, &family, &exact);
			rc = add_keyed(rs, r, proto, port);
			break;
		default:
			/* A host rule: under each of its host's addresses
			 * that its kind answers for. */
			for (k = 0; k < r->host->n_addrs && !rc; k++) {
				const struct ast_addr *a = &r->host->addrs[k];
				int fam = a->family == AF_INET ? 4 : 6;
				struct addr_slot *s;

				if ((r->kind == CRULE_ARP && fam != 4) ||
				    (r->kind == CRULE_ND && fam != 6))
					continue;
				s = addr_find(ds, fam, a->a, true);
				rc = list_add(&rs->arena, &s->l, r->index);
			}
			break;
		}
	}
	return rc;
}

/* The address a host would have to own to answer q; NULL if none can. */
static const uint8_t *claimed(const struct pkt *q, int *family)
{
	if (q->has & PKT_L_ARP) {
		*family = 4;
		return pkt_arp_is_eth_ip4(&q->arp) ? q->arp.pdst : NULL;
	}
	if ((q->has & PKT_L_ICMP6) && q->icmp6.type == 135) {
		*family = 6; /* neighbour solicitation: its target */
		return q->icmp6.tgt;
	}
	if (q->has & PKT_L_IP) {
		*family = 4;
		return q->ip.dst;
	}
	if (q->has & PKT_L_IP6) {
		*family = 6;
		return q->ip6.dst;
	}
	return NULL;
}

const struct crule *dispatch_find(const struct ruleset *rs, const struct pkt *q,
				  bool (*match)(const struct crule *r,
						const struct pkt *q, void *ctx),
				  void *ctx)
{
	const struct dispatch *ds = rs->dispatch;
	const struct idx_list *l[4];
	size_t at[4] = { 0, 0, 0, 0 }, n = 0, k;
	/* generic, the address, the protocol, the port: four lists. */
	int proto = -1, dport = -1, family;
	unsigned last = ~0u;
	const uint8_t *a;

	if (q->verdict != PKT_OK &&
	    !(q->has & (PKT_L_TCP | PKT_L_UDP | PKT_L_ICMP | PKT_L_ICMP6))) {
		/*
		 * Broken in or before a transport header, a frame may still
		 * match a filter that reads its bytes directly (ip[9] of a
		 * truncated header): no key is proven, so every filter rule
		 * is a candidate.  No host rule answers it.
		 */
		for (k = 0; k < rs->n_rules; k++)
			if (rs->rules[k].kind == CRULE_FILTER &&
			    match(&rs->rules[k], q, ctx))
				return &rs->rules[k];
		return NULL;
	}
	l[n++] = &ds->generic;
	if (q->verdict == PKT_OK && (a = claimed(q, &family))) {
		const struct addr_slot *s = addr_find(ds, family, a, false);

		if (s)
			l[n++] = &s->l;
	}
	if (q->has & (PKT_L_IP | PKT_L_IP6))
		proto = (q->has & PKT_L_IP) ? q->ip.proto : q->ip6.next;
	if (proto >= 0) {
		/* libpcap's "tcp" matches later fragments too; ports do not. */
		l[n++] = &ds->proto[proto];
		if (q->has & PKT_L_TCP)
			dport = q->tcp.dport;
		else if (q->has & PKT_L_UDP)
			dport = q->udp.dport;
		if (dport >= 0) {
			const struct port_slot *s = slot_find(
				ds, (uint32_t)proto << 16 | (uint32_t)dport,
				false);

			if (s)
				l[n++] = &s->l;
		}
	}
	for (;;) {
		unsigned best = ~0u;
		size_t bi = 0;

		for (k = 0; k < n; k++)
			if (at[k] < l[k]->n && l[k]->v[at[k]] < best) {
				best = l[k]->v[at[k]];
				bi = k;
			}
		if (best == ~0u)
			return NULL;
		at[bi]++;
		if (best == last)
			continue;
		last = best;
		if (match(&rs->rules[best], q, ctx))
			return &rs->rules[best];
	}
}
