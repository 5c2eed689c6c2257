/* SPDX-License-Identifier: MIT */
/*
 * template.c - Scapy-notation templates: compile (names, layer order and
 * value types checked once) and build (defaults, mirroring, arguments,
 * then pkt_build computes what was not given).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lang/lex.h"
#include "pkt/csum.h"
#include "pkt/field.h"
#include "pkt/pkt.h"
#include "template.h"

enum tl_id {
	TL_ETHER,
	TL_DOT1AD,
	TL_DOT1Q,
	TL_ARP,
	TL_IP,
	TL_IP6,
	TL_ICMP,
	TL_ICMP6,
	TL_NDOPT,
	TL_TCP,
	TL_UDP,
	TL_RAW,
};

/* Scapy's classes, the field prefix they map to, and their fixed types. */
static const struct tl_class {
	const char *name;
	const char *prefix;
	enum tl_id id;
	int type; /* ICMPv6 type or ND option type; -1 none */
} classes[] = {
	{ "Ether", "eth", TL_ETHER, -1 },
	{ "Dot1AD", "dot1ad", TL_DOT1AD, -1 },
	{ "Dot1Q", "dot1q", TL_DOT1Q, -1 },
	{ "ARP", "arp", TL_ARP, -1 },
	{ "IP", "ip", TL_IP, -1 },
	{ "IPv6", "ip6", TL_IP6, -1 },
	{ "ICMP", "icmp", TL_ICMP, -1 },
	{ "ICMPv6DestUnreach", "icmp6", TL_ICMP6, 1 },
	{ "ICMPv6PacketTooBig", "icmp6", TL_ICMP6, 2 },
	{ "ICMPv6TimeExceeded", "icmp6", TL_ICMP6, 3 },
	{ "ICMPv6ParamProblem", "icmp6", TL_ICMP6, 4 },
	{ "ICMPv6EchoRequest", "icmp6", TL_ICMP6, 128 },
	{ "ICMPv6EchoReply", "icmp6", TL_ICMP6, 129 },
	{ "ICMPv6ND_RS", "icmp6", TL_ICMP6, 133 },
	{ "ICMPv6ND_RA", "icmp6", TL_ICMP6, 134 },
	{ "ICMPv6ND_NS", "icmp6", TL_ICMP6, 135 },
	{ "ICMPv6ND_NA", "icmp6", TL_ICMP6, 136 },
	{ "ICMPv6NDOptSrcLLAddr", "ndopt", TL_NDOPT, 1 },
	{ "ICMPv6NDOptDstLLAddr", "ndopt", TL_NDOPT, 2 },
	{ "TCP", "tcp", TL_TCP, -1 },
	{ "UDP", "udp", TL_UDP, -1 },
	{ "Raw", "raw", TL_RAW, -1 },
};

#define N_CLASSES (sizeof(classes) / sizeof(classes[0]))

enum targ_kind { TARG_FIELD, TARG_TCPOPTS, TARG_LLADDR };

struct topt {
	uint8_t kind;
	struct expr
		*v[4]; /* MSS/WScale: v[0]; Timestamp: v[0..1]; SAck: pairs */
	size_t n;
	const uint8_t *raw; /* unknown kinds, SAckOK: constant bytes */
	size_t raw_len;
};

struct targ {
	enum targ_kind kind;
	struct ast_pos pos;
	const struct pkt_field *field;
	struct expr *value;
	struct topt *opts; /* TARG_TCPOPTS */
	size_t n_opts;
};

struct tlayer {
	const struct tl_class *cls;
	struct targ *args;
	size_t n_args;
	bool type_given; /* eth.type, dot1q.type, ip.proto, ip6.nh */
};

struct tf_cache;

struct tmpl {
	bool reply;
	/* Sources the template gives: forging those is the author's call. */
	bool eth_src_given, ip_src_given, ip6_src_given;
	struct tlayer *layers;
	size_t n;
	bool has[TL_RAW + 1];
	struct tf_cache *fast; /* its fast forms; NULL: always the general */
};

bool tmpl_fast_off;

/*
 * The fast form of a template (a compiled image and a patch list).
 *
 * For a template of Ether, Dot1AD, Dot1Q, IP or IPv6, TCP or UDP and a
 * constant Raw, whose arguments do not change the frame's layout, the
 * reply to each request of one shape (its tags, family and transport) is
 * the same bytes but for the mirrored fields, the values of the
 * non-constant arguments and the checksums.  The first reply of a shape
 * is built the general way above and kept as the image; the next ones
 * are that image, patched: a memcpy, a few stores and two checksums
 * instead of a struct pkt filled, mirrored and built.  Anything the image
 * cannot say (an evaluation that fails, a multicast source) falls back to
 * the general build, with the random state put back first, so that both
 * ways give the same bytes (fuzz_replay builds both and compares).
 */
#define TF_SHAPES 4 /* request shapes a template keeps an image for */
#define TF_IMAGE 256 /* bytes of the largest image */
#define TF_PATCHES 24

/* The request layers a fast reply depends on: its shape. */
#define TF_SHAPE_BITS                                                    \
	(PKT_L_DOT1AD | PKT_L_DOT1Q | PKT_L_IP | PKT_L_IP6 | PKT_L_TCP | \
	 PKT_L_UDP)

enum tf_kind { TF_U8, TF_U16, TF_U32, TF_BYTES, TF_TCPFLAGS };

struct tf_patch {
	uint16_t off; /* in the frame */
	uint8_t kind, len; /* TF_BYTES: len bytes */
	const struct expr *x;
};

/* tf_plan.mirror: what the request gives the reply. */
enum {
	TF_M_ETH_DST = 1u << 0,
	TF_M_ETH_SRC = 1u << 1,
	TF_M_TAG_AD = 1u << 2, /* the 802.1ad tag's TCI */
	TF_M_TAG_Q = 1u << 3, /* the 802.1Q tag's TCI */
	TF_M_IP_SRC = 1u << 4,
	TF_M_IP_DST = 1u << 5,
	TF_M_SPORT = 1u << 6, /* TCP or UDP */
	TF_M_DPORT = 1u << 7,
};

struct tf_plan {
	uint32_t shape; /* the request's TF_SHAPE_BITS */
	bool fast; /* false: this shape takes the general way */
	uint8_t family; /* 4 or 6 */
	uint8_t proto; /* PKT_PROTO_TCP, _UDP, or 0 */
	bool ip_csum, l4_csum; /* computed per frame */
	uint16_t len, l3, l4, ad_off, q_off;
	uint32_t mirror;
	unsigned n;
	struct tf_patch p[TF_PATCHES];
	uint8_t image[TF_IMAGE];
};

struct tf_cache {
	unsigned n;
	struct tf_plan plan[TF_SHAPES];
};

static bool field_is(const struct pkt_field *f, const char *name)
{
	return f && strcmp(f->name, name) == 0;
}

/* Is x a constant (a value no frame can change)? */
static bool tf_const(const struct expr *x)
{
	return x->op == EXPR_CONST;
}

/*
 * Can the template have a fast form at all: its layers, and arguments
 * that set no length, and whose non-constant ones write whole bytes of a
 * fixed place?  Decided once, at compile time.
 */
static bool tf_eligible(const struct tmpl *t)
{
	static const char *const patchable[] = {
		"eth.dst",    "eth.src",   "ip.tos",	"ip.id",
		"ip.ttl",     "ip.src",	   "ip.dst",	"ip6.hlim",
		"ip6.src",    "ip6.dst",   "tcp.sport", "tcp.dport",
		"tcp.seq",    "tcp.ack",   "tcp.flags", "tcp.window",
		"tcp.urgptr", "udp.sport", "udp.dport", NULL,
	};
	static const char *const layout[] = {
		"ip.ihl",   "ip.len",	   "ip.options", "ip6.plen", "ip6.nh",
		"ip.proto", "tcp.dataofs", "udp.len",	 NULL,
	};
	size_t i, j, k;

	for (i = 0; i < t->n; i++) {
		const struct tlayer *l = &t->layers[i];

		switch (l->cls->id) {
		case TL_ETHER:
		case TL_IP:
		case TL_IP6:
		case TL_TCP:
		case TL_UDP:
		case TL_RAW:
			break;
		case TL_DOT1AD:
		case TL_DOT1Q:
			if (l->n_args)
				return false; /* mirrored and set: general */
			break;
		default:
			return false;
		}
		for (j = 0; j < l->n_args; j++) {
			const struct targ *a = &l->args[j];
			bool ok = false;

			if (a->kind == TARG_TCPOPTS)
				continue; /* fixed kinds and sizes; values patched */
			if (a->kind != TARG_FIELD || !a->field)
				return false;
			for (k = 0; layout[k]; k++)
				if (field_is(a->field, layout[k]))
					return false;
			if (a->field->layer == PKT_L_RAW) {
				if (!tf_const(a->value))
					return false;
				continue;
			}
			if (tf_const(a->value))
				continue;
			for (k = 0; patchable[k]; k++)
				ok |= field_is(a->field, patchable[k]);
			if (!ok)
				return false;
		}
	}
	return true;
}

/* Where field f of a fast frame is, and how wide. */
static bool tf_place(const struct tf_plan *pl, const struct pkt_field *f,
		     struct tf_patch *p)
{
	static const struct {
		const char *name;
		uint8_t layer; /* 2: l3, 4: l4, 0: the frame */
		uint8_t off, kind, len;
	} at[] = {
		{ "eth.dst", 0, 0, TF_BYTES, 6 },
		{ "eth.src", 0, 6, TF_BYTES, 6 },
		{ "ip.tos", 2, 1, TF_U8, 1 },
		{ "ip.id", 2, 4, TF_U16, 2 },
		{ "ip.ttl", 2, 8, TF_U8, 1 },
		{ "ip.src", 2, 12, TF_BYTES, 4 },
		{ "ip.dst", 2, 16, TF_BYTES, 4 },
		{ "ip6.hlim", 2, 7, TF_U8, 1 },
		{ "ip6.src", 2, 8, TF_BYTES, 16 },
		{ "ip6.dst", 2, 24, TF_BYTES, 16 },
		{ "tcp.sport", 4, 0, TF_U16, 2 },
		{ "tcp.dport", 4, 2, TF_U16, 2 },
		{ "tcp.seq", 4, 4, TF_U32, 4 },
		{ "tcp.ack", 4, 8, TF_U32, 4 },
		{ "tcp.flags", 4, 12, TF_TCPFLAGS, 2 },
		{ "tcp.window", 4, 14, TF_U16, 2 },
		{ "tcp.urgptr", 4, 18, TF_U16, 2 },
		{ "udp.sport", 4, 0, TF_U16, 2 },
		{ "udp.dport", 4, 2, TF_U16, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		if (!field_is(f, at[i].name))
			continue;
		p->off = (uint16_t)(at[i].off + (at[i].layer == 2 ? pl->l3 :
						 at[i].layer == 4 ? pl->l4 :
								    0));
		p->kind = at[i].kind;
		p->len = at[i].len;
		return true;
	}
	return false;
}

static bool tf_add(struct tf_plan *pl, const struct tf_patch *p)
{
	if (pl->n == TF_PATCHES || p->off + p->len > pl->len)
		return false;
	pl->p[pl->n++] = *p;
	return true;
}

/*
 * Makes the plan for shape from the general build's frame (buf, len) of
 * request q; pl->fast tells whether it can be used.
 */
static void tf_plan_make(const struct tmpl *t, struct tf_plan *pl,
			 uint32_t shape, const struct pkt *q,
			 const uint8_t *buf, size_t len)
{
	static struct pkt o; /* one at a time: the engine is one thread */
	uint32_t given = 0;
	size_t i, j, k, optoff;
	struct tf_patch p;

	memset(pl, 0, offsetof(struct tf_plan, image));
	pl->shape = shape;
	if (len > TF_IMAGE)
		return;
	pkt_parse(&o, buf, len);
	if (o.verdict != PKT_OK || !(o.has & (PKT_L_IP | PKT_L_IP6)))
		return;
	pl->len = (uint16_t)len;
	pl->l3 = (uint16_t)o.l3_off;
	pl->family = (o.has & PKT_L_IP) ? 4 : 6;
	if ((o.has & PKT_L_IP) && (o.ip.ihl != 5 || o.fragment))
		return;
	pl->ip_csum = pl->family == 4;
	pl->l4 = (uint16_t)(o.l3_off + (pl->family == 4 ? 20 : 40));
	pl->proto = (o.has & PKT_L_TCP) ? PKT_PROTO_TCP :
		    (o.has & PKT_L_UDP) ? PKT_PROTO_UDP :
					  0;
	pl->l4_csum = pl->proto != 0;
	if (pl->proto && o.l4_off != pl->l4)
		return;
	if (o.has & PKT_L_DOT1AD)
		pl->ad_off = 14;
	if (o.has & PKT_L_DOT1Q)
		pl->q_off = (o.has & PKT_L_DOT1AD) ? 18 : 14;
	/* The arguments, in order: non-constant ones are patched. */
	for (i = 0; i < t->n; i++) {
		const struct tlayer *l = &t->layers[i];

		optoff = (size_t)pl->l4 + 20;
		for (j = 0; j < l->n_args; j++) {
			const struct targ *a = &l->args[j];

			if (a->kind == TARG_TCPOPTS) {
				if (!pl->proto || pl->proto != PKT_PROTO_TCP ||
				    o.tcp.n_opt != a->n_opts)
					return;
				for (k = 0; k < a->n_opts; k++) {
					const struct topt *to = &a->opts[k];
					size_t v, w;

					w = to->kind == PKT_TCPOPT_MSS	  ? 2 :
					    to->kind == PKT_TCPOPT_WSCALE ? 1 :
									    4;
					if (to->kind == PKT_TCPOPT_SACK &&
					    to->n > 4)
						return; /* values elsewhere */
					for (v = 0; v < to->n; v++) {
						if (tf_const(to->v[v]))
							continue;
						p.off = (uint16_t)(optoff + 2 +
								   v * w);
						p.kind = w == 1 ? TF_U8 :
							 w == 2 ? TF_U16 :
								  TF_U32;
						p.len = (uint8_t)w;
						p.x = to->v[v];
						if (!tf_add(pl, &p))
							return;
					}
					optoff +=
						to->kind == PKT_TCPOPT_EOL ||
								to->kind ==
									PKT_TCPOPT_NOP ?
							1 :
							o.tcp.opt[k].data.len +
								2u;
				}
				continue;
			}
			if (field_is(a->field, "eth.dst"))
				given |= TF_M_ETH_DST;
			else if (field_is(a->field, "eth.src"))
				given |= TF_M_ETH_SRC;
			else if (field_is(a->field, "ip.src") ||
				 field_is(a->field, "ip6.src"))
				given |= TF_M_IP_SRC;
			else if (field_is(a->field, "ip.dst") ||
				 field_is(a->field, "ip6.dst"))
				given |= TF_M_IP_DST;
			else if (field_is(a->field, "tcp.sport") ||
				 field_is(a->field, "udp.sport"))
				given |= TF_M_SPORT;
			else if (field_is(a->field, "tcp.dport") ||
				 field_is(a->field, "udp.dport"))
				given |= TF_M_DPORT;
			else if (field_is(a->field, "ip.chksum"))
				pl->ip_csum = false;
			else if (field_is(a->field, "tcp.chksum") ||
				 field_is(a->field, "udp.chksum"))
				pl->l4_csum = false;
			if (tf_const(a->value))
				continue;
			if (!tf_place(pl, a->field, &p))
				return;
			p.x = a->value;
			if (!tf_add(pl, &p))
				return;
		}
	}
	/* What mirror() copies from a request of this shape. */
	if (t->reply) {
		pl->mirror = (TF_M_ETH_DST | TF_M_ETH_SRC) & ~given;
		if (pl->ad_off && (shape & PKT_L_DOT1AD))
			pl->mirror |= TF_M_TAG_AD;
		if (pl->q_off && (shape & PKT_L_DOT1Q))
			pl->mirror |= TF_M_TAG_Q;
		if ((pl->family == 4 && (shape & PKT_L_IP)) ||
		    (pl->family == 6 && (shape & PKT_L_IP6)))
			pl->mirror |= (TF_M_IP_SRC | TF_M_IP_DST) & ~given;
		if ((pl->proto == PKT_PROTO_TCP && (shape & PKT_L_TCP)) ||
		    (pl->proto == PKT_PROTO_UDP && (shape & PKT_L_UDP)))
			pl->mirror |= (TF_M_SPORT | TF_M_DPORT) & ~given;
	}
	(void)q;
	memcpy(pl->image, buf, len);
	pl->fast = true;
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint16_t tci_of(const struct pkt_vlan *v)
{
	return (uint16_t)(v->prio << 13 | v->id << 12 | v->vlan);
}

/*
 * The reply from plan pl, into buf: its length, or -1 when the general
 * build must say (the caller puts the random state back).
 */
static int tf_build(const struct tmpl *t, const struct tf_plan *pl,
		    const struct expr_env *env, uint8_t *buf, size_t cap)
{
	const struct pkt *q = env->req;
	uint8_t *l3 = buf + pl->l3, *l4 = buf + pl->l4;
	struct expr_val v;
	uint32_t s;
	unsigned i;

	if (pl->len > cap)
		return -1;
	memcpy(buf, pl->image, pl->len);
	if (pl->mirror & TF_M_ETH_DST)
		memcpy(buf, q->eth.src, 6);
	if (pl->mirror & TF_M_ETH_SRC)
		memcpy(buf + 6, q->eth.dst, 6);
	/* A tag is its TCI, then the type that follows (Ethernet says TPID). */
	if (pl->mirror & TF_M_TAG_AD)
		put_be(buf + pl->ad_off, tci_of(&q->dot1ad), 2);
	if (pl->mirror & TF_M_TAG_Q)
		put_be(buf + pl->q_off, tci_of(&q->dot1q), 2);
	if (pl->family == 4) {
		if (pl->mirror & TF_M_IP_SRC)
			memcpy(l3 + 12, q->ip.dst, 4);
		if (pl->mirror & TF_M_IP_DST)
			memcpy(l3 + 16, q->ip.src, 4);
	} else {
		if (pl->mirror & TF_M_IP_SRC)
			memcpy(l3 + 8, q->ip6.dst, 16);
		if (pl->mirror & TF_M_IP_DST)
			memcpy(l3 + 24, q->ip6.src, 16);
	}
	if (pl->mirror & (TF_M_SPORT | TF_M_DPORT)) {
		uint16_t sp =
			(q->has & PKT_L_TCP) ? q->tcp.sport : q->udp.sport;
		uint16_t dp =
			(q->has & PKT_L_TCP) ? q->tcp.dport : q->udp.dport;

		if (pl->mirror & TF_M_SPORT)
			put_be(l4, dp, 2);
		if (pl->mirror & TF_M_DPORT)
			put_be(l4 + 2, sp, 2);
	}
	for (i = 0; i < pl->n; i++) {
		const struct tf_patch *p = &pl->p[i];

		if (expr_eval(p->x, env, &v))
			return -1;
		switch (p->kind) {
		case TF_U8:
		case TF_U16:
		case TF_U32:
			put_be(buf + p->off, v.u, p->len);
			break;
		case TF_TCPFLAGS:
			buf[p->off] = (uint8_t)((buf[p->off] & 0xfe) |
						((v.u >> 8) & 1));
			buf[p->off + 1] = (uint8_t)v.u;
			break;
		case TF_BYTES:
			if (v.type != EXPR_BYTES || v.len != p->len)
				return -1;
			memcpy(buf + p->off, v.b, p->len);
			break;
		}
	}
	/* As the general build: no source is multicast, unless given. */
	if ((!t->eth_src_given && (buf[6] & 1)) ||
	    (pl->family == 4 && !t->ip_src_given &&
	     ((l3[12] & 0xf0) == 0xe0 ||
	      !memcmp(l3 + 12, "\xff\xff\xff\xff", 4))) ||
	    (pl->family == 6 && !t->ip6_src_given && l3[8] == 0xff))
		return -1;
	if (pl->ip_csum) {
		l3[10] = l3[11] = 0;
		put_be(l3 + 10, pkt_csum(l3, 20), 2);
	}
	if (pl->l4_csum) {
		size_t n = pl->len - pl->l4;
		uint8_t *c = l4 + (pl->proto == PKT_PROTO_TCP ? 16 : 6);
		uint16_t sum;

		c[0] = c[1] = 0;
		s = pl->family == 4 ? pkt_csum_pseudo4(l3 + 12, l3 + 16,
						       pl->proto, (uint16_t)n) :
				      pkt_csum_pseudo6(l3 + 8, l3 + 24,
						       pl->proto, (uint32_t)n);
		sum = pkt_csum_fold(pkt_csum_add(s, l4, n));
		if (!sum && pl->proto == PKT_PROTO_UDP)
			sum = 0xffff;
		put_be(c, sum, 2);
	}
	return pl->len;
}

/* The plan for q's shape, or NULL (none yet, or no room for one). */
static struct tf_plan *tf_find(struct tf_cache *c, uint32_t shape, bool *full)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		if (c->plan[i].shape == shape)
			return &c->plan[i];
	*full = c->n == TF_SHAPES;
	return NULL;
}

static const struct tl_class *class_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_CLASSES; i++)
		if (strcmp(classes[i].name, name) == 0)
			return &classes[i];
	return NULL;
}

/* Which layer may follow which: a template must be a real stack. */
static bool may_follow(enum tl_id prev, enum tl_id next, bool first)
{
	if (first)
		return next != TL_NDOPT;
	switch (next) {
	case TL_ETHER:
		return false;
	case TL_DOT1AD:
		return prev == TL_ETHER;
	case TL_DOT1Q:
		return prev == TL_ETHER || prev == TL_DOT1AD;
	case TL_ARP:
	case TL_IP:
	case TL_IP6:
		return prev == TL_ETHER || prev == TL_DOT1AD ||
		       prev == TL_DOT1Q;
	case TL_ICMP:
		return prev == TL_IP;
	case TL_ICMP6:
		return prev == TL_IP6;
	case TL_TCP:
	case TL_UDP:
		return prev == TL_IP || prev == TL_IP6;
	case TL_NDOPT:
		return prev == TL_ICMP6 || prev == TL_NDOPT;
	case TL_RAW:
		return prev != TL_RAW && prev != TL_NDOPT;
	}
	return false;
}

/* "02:00:5e:00:53:01" (one or two hex digits a byte, as Scapy takes them);
 * sscanf's %x would also take signs and blanks: "-1:+2: 3:4:5:6". */
static int parse_mac(const uint8_t *s, size_t len, uint8_t mac[6])
{
	size_t i = 0;

	for (int b = 0; b < 6; b++) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && i - start < 2 && lex_hexval(s[i]) >= 0)
			v = v << 4 | (unsigned)lex_hexval(s[i++]);
		if (i == start)
			return -1;
		mac[b] = (uint8_t)v;
		if (b < 5 && (i >= len || s[i++] != ':'))
			return -1;
	}
	return i == len ? 0 : -1;
}

/* Scapy's letters "FSRPAUECN" for TCP flags, or DF/MF/evil for IP. */
static int parse_flags(const uint8_t *s, size_t len, bool tcp, uint64_t *out)
{
	static const char letters[] = "FSRPAUECN";
	char buf[32];
	size_t i;

	*out = 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (tcp) {
		for (i = 0; i < len; i++) {
			const char *c = strchr(letters, buf[i]);

			if (!c || !buf[i])
				return -1;
			*out |= 1u << (c - letters);
		}
		return 0;
	}
	for (char *tok = strtok(buf, "+"); tok; tok = strtok(NULL, "+")) {
		if (strcmp(tok, "MF") == 0)
			*out |= PKT_IP_MF;
		else if (strcmp(tok, "DF") == 0)
			*out |= PKT_IP_DF;
		else if (strcmp(tok, "evil") == 0)
			*out |= PKT_IP_EVIL;
		else
			return -1;
	}
	return 0;
}

/*
 * Checks that value x fits a field of type t, converting constant strings
 * (addresses, MACs, flag letters) into the field's own form once.
 */
bool tmpl_coerce(struct arena *a, struct diag *d, struct expr *x,
		 enum pkt_ftype t, const char *name, unsigned bits)
{
	uint8_t *buf;

	switch (t) {
	case PKT_F_TCPFLAGS:
	case PKT_F_IPFLAGS:
		if (x->op == EXPR_CONST && x->type == EXPR_BYTES) {
			if (parse_flags(x->b, x->len, t == PKT_F_TCPFLAGS,
					&x->u) < 0) {
				diag_error(
					d, x->pos, "bad flags \"%.*s\" for %s",
					(int)x->len, (const char *)x->b, name);
				return false;
			}
			x->type = EXPR_INT;
		}
		__attribute__((fallthrough));
	case PKT_F_UINT:
	case PKT_F_HEX:
		if (x->type != EXPR_INT) {
			diag_error(d, x->pos, "%s takes a number", name);
			return false;
		}
		if (x->op == EXPR_CONST && bits && bits < 64 && x->u >> bits) {
			diag_error(d, x->pos, "%llu does not fit %s (%u bits)",
				   (unsigned long long)x->u, name, bits);
			return false;
		}
		return true;
	case PKT_F_MAC:
	case PKT_F_IP4:
	case PKT_F_IP6:
		if (x->type != EXPR_BYTES) {
			diag_error(d, x->pos, "%s takes an address", name);
			return false;
		}
		if (x->op == EXPR_FIELD) {
			if (x->ftype != t) {
				diag_error(d, x->pos,
					   "%s and %s are different kinds of "
					   "address",
					   name, x->field->name);
				return false;
			}
			return true;
		}
		buf = arena_alloc(a, 16);
		if (!buf)
			return false;
		if (x->op == EXPR_CONST && x->len < 64) {
			char s[64];

			memcpy(s, x->b, x->len);
			s[x->len] = 0;
			if ((t == PKT_F_MAC &&
			     parse_mac(x->b, x->len, buf) == 0) ||
			    (t == PKT_F_IP4 &&
			     inet_pton(AF_INET, s, buf) == 1) ||
			    (t == PKT_F_IP6 &&
			     inet_pton(AF_INET6, s, buf) == 1)) {
				x->b = buf;
				x->len = t == PKT_F_MAC ? 6 :
					 t == PKT_F_IP4 ? 4 :
							  16;
				return true;
			}
		}
		diag_error(d, x->pos, "\"%.*s\" is not %s for %s",
			   (int)(x->len > 64 ? 64 : x->len), (const char *)x->b,
			   t == PKT_F_MAC ? "a MAC address" :
			   t == PKT_F_IP4 ? "an IPv4 address" :
					    "an IPv6 address",
			   name);
		return false;
	case PKT_F_BYTES:
		if (x->type != EXPR_BYTES) {
			diag_error(d, x->pos, "%s takes a string", name);
			return false;
		}
		return true;
	}
	return false;
}

static const struct {
	const char *name;
	uint8_t kind;
	unsigned ints; /* values it takes; 0 with bytes */
} optnames[] = {
	{ "EOL", PKT_TCPOPT_EOL, 0 },
	{ "NOP", PKT_TCPOPT_NOP, 0 },
	{ "MSS", PKT_TCPOPT_MSS, 1 },
	{ "WScale", PKT_TCPOPT_WSCALE, 1 },
	{ "SAckOK", PKT_TCPOPT_SACKOK, 0 },
	{ "SAck", PKT_TCPOPT_SACK, 2 },
	{ "Timestamp", PKT_TCPOPT_TIMESTAMP, 2 },
};

static bool is_none(const struct ast_expr *e)
{
	return e->kind == AST_NAME && strcmp(e->name, "None") == 0;
}

/* One element of options=[...]: ("MSS", 1460), "NOP", (30, b"..."). */
static bool topt_compile(struct arena *a, struct diag *d,
			 const struct ast_expr *e, struct topt *o)
{
	const struct ast_expr *name = e, *val = NULL;
	size_t i, want;

	if (e->kind == AST_TUPLE) {
		if (e->n != 2) {
			diag_error(d, e->pos,
				   "a TCP option is (name, value), as in "
				   "(\"MSS\", 1460)");
			return false;
		}
		name = e->items[0];
		val = e->items[1];
	}
	if (name->kind == AST_NUM) {
		if (name->num > 255 || name->num < 2) {
			diag_error(d, name->pos,
				   "TCP option kind %llu is not 2..255",
				   (unsigned long long)name->num);
			return false;
		}
		if (!val || val->kind != AST_STR || val->len > 38) {
			diag_error(d, e->pos,
				   "an option by number takes its data as a "
				   "string of at most 38 bytes");
			return false;
		}
		o->kind = (uint8_t)name->num;
		o->raw = val->str;
		o->raw_len = val->len;
		return true;
	}
	if (name->kind != AST_STR) {
		diag_error(d, name->pos,
			   "a TCP option is named by a string "
			   "such as \"MSS\" or by its number");
		return false;
	}
	for (i = 0; i < sizeof(optnames) / sizeof(optnames[0]); i++)
		if (strlen(optnames[i].name) == name->len &&
		    memcmp(optnames[i].name, name->str, name->len) == 0)
			break;
	if (i == sizeof(optnames) / sizeof(optnames[0])) {
		diag_error(d, name->pos,
			   "unknown TCP option \"%s\" (MSS, WScale, SAckOK, "
			   "SAck, Timestamp, NOP, EOL, or a number)",
			   (const char *)name->str);
		return false;
	}
	o->kind = optnames[i].kind;
	want = optnames[i].ints;
	if (want == 0) {
		if (val && !is_none(val) &&
		    !(val->kind == AST_STR && val->len == 0)) {
			diag_error(d, val->pos, "option %s takes no value",
				   optnames[i].name);
			return false;
		}
		return true;
	}
	if (!val || is_none(val)) {
		diag_error(d, e->pos, "option %s needs a value",
			   optnames[i].name);
		return false;
	}
	if (want == 1) {
		o->v[0] = expr_compile(a, d, val);
		o->n = 1;
		return o->v[0] &&
		       tmpl_coerce(a, d, o->v[0], PKT_F_UINT, optnames[i].name,
				   o->kind == PKT_TCPOPT_MSS ? 16 : 8);
	}
	/* Timestamp (tsval, tsecr); SAck (l1, r1, ..., l4, r4). */
	if (val->kind != AST_TUPLE || val->n == 0 ||
	    (o->kind == PKT_TCPOPT_TIMESTAMP && val->n != 2) ||
	    (o->kind == PKT_TCPOPT_SACK && (val->n % 2 || val->n > 8))) {
		diag_error(d, val->pos,
			   o->kind == PKT_TCPOPT_TIMESTAMP ?
				   "Timestamp takes (tsval, tsecr)" :
				   "SAck takes (left, right, ...), 1 to 4 "
				   "blocks");
		return false;
	}
	if (val->n > 4) {
		/* Up to 8 edges: keep them as one expression array. */
		struct expr **v = arena_calloc(a, val->n, sizeof(*v));

		if (!v)
			return false;
		for (i = 0; i < val->n; i++) {
			v[i] = expr_compile(a, d, val->items[i]);
			if (!v[i] ||
			    !tmpl_coerce(a, d, v[i], PKT_F_UINT, "SAck", 32))
				return false;
		}
		o->n = val->n;
		o->raw = (const uint8_t *)v; /* see topt_build */
		return true;
	}
	for (i = 0; i < val->n; i++) {
		o->v[i] = expr_compile(a, d, val->items[i]);
		if (!o->v[i] || !tmpl_coerce(a, d, o->v[i], PKT_F_UINT,
					     name->kind == AST_STR ?
						     (const char *)name->str :
						     "option",
					     32))
			return false;
	}
	o->n = val->n;
	return true;
}

static bool arg_compile(struct arena *a, struct diag *d,
			const struct tl_class *cls, const struct ast_arg *arg,
			struct targ *t, bool *type_given)
{
	char name[96];
	const char *fname = arg->name;

	t->pos = arg->pos;
	if (cls->id == TL_TCP && strcmp(arg->name, "options") == 0) {
		const struct ast_expr *e = arg->value;
		size_t i;
		bool ok;

		if (e->kind != AST_LIST) {
			diag_error(d, e->pos,
				   "TCP options are a list, as in "
				   "[(\"MSS\", 1460), (\"NOP\", None)]");
			return false;
		}
		t->kind = TARG_TCPOPTS;
		t->n_opts = e->n;
		t->opts = arena_calloc(a, e->n ? e->n : 1, sizeof(*t->opts));
		if (!t->opts)
			return false;
		ok = true;
		for (i = 0; i < e->n; i++)
			ok &= topt_compile(a, d, e->items[i], &t->opts[i]);
		return ok;
	}
	if (cls->id == TL_NDOPT) {
		if (strcmp(arg->name, "lladdr") != 0) {
			diag_error(d, arg->pos, "%s has one field, lladdr",
				   cls->name);
			return false;
		}
		t->kind = TARG_LLADDR;
		t->value = expr_compile(a, d, arg->value);
		return t->value &&
		       tmpl_coerce(a, d, t->value, PKT_F_MAC, "lladdr", 0);
	}
	/* Scapy puts an ICMPv6 echo's payload in "data". */
	if (cls->id == TL_ICMP6 && strcmp(arg->name, "data") == 0)
		fname = "load";
	snprintf(name, sizeof(name), "%s.%s",
		 strcmp(fname, "load") == 0 ? "raw" : cls->prefix, fname);
	t->field = pkt_field_find(name);
	if (!t->field || t->field->layer == PKT_L_IPERROR ||
	    (t->field->get && !t->field->put) ||
	    (strcmp(fname, "load") == 0 && cls->id != TL_RAW &&
	     cls->id != TL_ICMP6)) {
		diag_error(d, arg->pos, "%s has no field '%s'", cls->name,
			   arg->name);
		return false;
	}
	t->kind = TARG_FIELD;
	if (strcmp(name, "eth.type") == 0 || strcmp(name, "dot1q.type") == 0 ||
	    strcmp(name, "dot1ad.type") == 0 || strcmp(name, "ip.proto") == 0 ||
	    strcmp(name, "ip6.nh") == 0)
		*type_given = true;
	t->value = expr_compile(a, d, arg->value);
	return t->value && tmpl_coerce(a, d, t->value, t->field->type, name,
				       t->field->bits);
}

struct tmpl *tmpl_compile(struct arena *a, struct diag *d,
			  const struct ast_tmpl *t, bool reply)
{
	struct tmpl *tp = arena_alloc(a, sizeof(*tp));
	size_t i, j;
	bool ok = true;

	if (!tp)
		return NULL;
	tp->reply = reply;
	tp->n = t->n_layers;
	tp->layers = arena_calloc(a, t->n_layers ? t->n_layers : 1,
				  sizeof(*tp->layers));
	if (!tp->layers)
		return NULL;
	for (i = 0; i < t->n_layers; i++) {
		const struct ast_layer *al = &t->layers[i];
		struct tlayer *l = &tp->layers[i];

		l->cls = class_find(al->name);
		if (!l->cls) {
			diag_error(d, al->pos,
				   "unknown layer '%s' (Ether, Dot1Q, Dot1AD, "
				   "ARP, IP, IPv6, ICMP, ICMPv6..., TCP, UDP, "
				   "Raw)",
				   al->name);
			ok = false;
			continue;
		}
		if (i > 0 && tp->layers[i - 1].cls &&
		    !may_follow(tp->layers[i - 1].cls->id, l->cls->id, false)) {
			diag_error(d, al->pos, "layer '%s' cannot follow '%s'",
				   al->name, tp->layers[i - 1].cls->name);
			ok = false;
		} else if (i == 0 && !may_follow(TL_ETHER, l->cls->id, true)) {
			diag_error(d, al->pos,
				   "a template cannot start with '%s'",
				   al->name);
			ok = false;
		}
		if (l->cls->id != TL_NDOPT && tp->has[l->cls->id]) {
			diag_error(d, al->pos, "layer '%s' twice", al->name);
			ok = false;
		}
		tp->has[l->cls->id] = true;
		l->n_args = al->n_args;
		l->args = arena_calloc(a, al->n_args ? al->n_args : 1,
				       sizeof(*l->args));
		if (!l->args)
			return NULL;
		for (j = 0; j < al->n_args; j++) {
			if (!arg_compile(a, d, l->cls, &al->args[j],
					 &l->args[j], &l->type_given))
				ok = false;
			else if (l->args[j].field) {
				const char *fn = l->args[j].field->name;

				tp->eth_src_given |= !strcmp(fn, "eth.src");
				tp->ip_src_given |= !strcmp(fn, "ip.src");
				tp->ip6_src_given |= !strcmp(fn, "ip6.src");
			}
		}
	}
	if (t->n_layers == 0) {
		diag_error(d, t->pos, "empty template");
		ok = false;
	}
	if (ok && tf_eligible(tp)) {
		tp->fast = arena_calloc(a, 1, sizeof(*tp->fast));
		if (!tp->fast)
			return NULL;
	}
	return ok ? tp : NULL;
}

/* Storage a build needs beyond the request and the rule set. */
struct scratch {
	uint8_t opt[PKT_TCP_OPT_MAX][40];
	uint8_t nd[PKT_ND_OPT_MAX][8];
	size_t n_nd;
};

static const char *put_field(struct pkt *o, const struct pkt_field *f,
			     const struct expr_val *v)
{
	struct pkt_value pv;

	memset(&pv, 0, sizeof(pv));
	/* Runtime numbers wrap to the field: sequence arithmetic is mod 2^32. */
	pv.u = f->bits && f->bits < 64 ? v->u & ((1ull << f->bits) - 1) : v->u;
	pv.b.p = v->b;
	pv.b.len = v->len;
	if (v->b && v->len <= sizeof(pv.addr))
		memcpy(pv.addr, v->b, v->len);
	if (!pkt_field_put(o, f, &pv))
		return "a value does not fit its field";
	return NULL;
}

static void mirror(const struct tmpl *t, struct pkt *o, const struct pkt *q)
{
	/* Only what the request has and the template builds is mirrored. */
	if (q->has & PKT_L_ETH) {
		memcpy(o->eth.dst, q->eth.src, 6);
		memcpy(o->eth.src, q->eth.dst, 6);
	}
	if (!t->has[TL_DOT1Q] && !t->has[TL_DOT1AD]) {
		/* A reply goes back on the VLAN it came from. */
		if (q->has & PKT_L_DOT1AD) {
			o->dot1ad = q->dot1ad;
			o->has |= PKT_L_DOT1AD;
		}
		if (q->has & PKT_L_DOT1Q) {
			o->dot1q = q->dot1q;
			o->has |= PKT_L_DOT1Q;
		}
	} else {
		if ((q->has & PKT_L_DOT1AD) && t->has[TL_DOT1AD])
			o->dot1ad = q->dot1ad;
		if ((q->has & PKT_L_DOT1Q) && t->has[TL_DOT1Q])
			o->dot1q = q->dot1q;
	}
	if ((q->has & PKT_L_IP) && t->has[TL_IP]) {
		memcpy(o->ip.src, q->ip.dst, 4);
		memcpy(o->ip.dst, q->ip.src, 4);
	}
	if ((q->has & PKT_L_IP6) && t->has[TL_IP6]) {
		memcpy(o->ip6.src, q->ip6.dst, 16);
		memcpy(o->ip6.dst, q->ip6.src, 16);
	}
	if ((q->has & PKT_L_ARP) && t->has[TL_ARP] &&
	    pkt_arp_is_eth_ip4(&q->arp)) {
		o->arp.op = 2;
		memcpy(o->arp.psrc, q->arp.pdst, 4);
		memcpy(o->arp.pdst, q->arp.psrc, 4);
		memcpy(o->arp.hwdst, q->arp.hwsrc, 6);
	}
	if ((q->has & PKT_L_TCP) && t->has[TL_TCP]) {
		o->tcp.sport = q->tcp.dport;
		o->tcp.dport = q->tcp.sport;
	}
	if ((q->has & PKT_L_UDP) && t->has[TL_UDP]) {
		o->udp.sport = q->udp.dport;
		o->udp.dport = q->udp.sport;
	}
	if ((q->has & PKT_L_ICMP) && t->has[TL_ICMP] && q->icmp.type == 8) {
		o->icmp.type = 0;
		o->icmp.rest = q->icmp.rest; /* id and seq */
	}
	if ((q->has & PKT_L_ICMP6) && t->has[TL_ICMP6] &&
	    q->icmp6.type == 128 &&
	    (o->icmp6.type == 129 || o->icmp6.type == 128))
		o->icmp6.word = q->icmp6.word;
}

/* Scapy's defaults for each layer present. */
static void defaults(const struct tmpl *t, struct pkt *o)
{
	size_t i;

	o->has |= PKT_L_ETH;
	memset(o->eth.dst, 0xff, 6);
	for (i = 0; i < t->n; i++) {
		const struct tl_class *c = t->layers[i].cls;

		switch (c->id) {
		case TL_DOT1AD:
			o->has |= PKT_L_DOT1AD;
			o->dot1ad.vlan = 1;
			break;
		case TL_DOT1Q:
			o->has |= PKT_L_DOT1Q;
			o->dot1q.vlan = 1;
			break;
		case TL_ARP:
			o->has |= PKT_L_ARP;
			o->arp.hwtype = 1;
			o->arp.ptype = PKT_ETHERTYPE_IP;
			o->arp.hwlen = 6;
			o->arp.plen = 4;
			o->arp.op = 1;
			break;
		case TL_IP:
			o->has |= PKT_L_IP;
			o->ip.version = 4;
			o->ip.id = 1;
			o->ip.ttl = 64;
			o->ip.dst[0] = 127;
			o->ip.dst[3] = 1;
			break;
		case TL_IP6:
			o->has |= PKT_L_IP6;
			o->ip6.version = 6;
			o->ip6.hlim = 64;
			o->ip6.dst[15] = 1;
			break;
		case TL_ICMP:
			o->has |= PKT_L_ICMP;
			o->icmp.type = 8;
			break;
		case TL_ICMP6:
			o->has |= PKT_L_ICMP6;
			o->icmp6.type = (uint8_t)c->type;
			/* Neighbour discovery goes with hop limit 255 (RFC 4861
			 * 6.1, 7.1: any other is dropped), as Scapy's ND
			 * layers set it; a template's hlim= still wins. */
			if (c->type >= 133 && c->type <= 137)
				o->ip6.hlim = 255;
			if (c->type == 136)
				o->icmp6.word = 0xa0000000u; /* R=1, O=1 */
			else if (c->type == 134)
				o->icmp6.word = 1u << 19 | 1800; /* prf, life */
			else if (c->type == 2)
				o->icmp6.word = 1280;
			else if (c->type == 4)
				o->icmp6.word = 6;
			break;
		case TL_TCP:
			o->has |= PKT_L_TCP;
			o->tcp.sport = 20;
			o->tcp.dport = 80;
			o->tcp.flags = PKT_TCP_SYN;
			o->tcp.window = 8192;
			break;
		case TL_UDP:
			o->has |= PKT_L_UDP;
			o->udp.sport = 53;
			o->udp.dport = 53;
			break;
		case TL_RAW:
		case TL_ETHER:
		case TL_NDOPT:
			break;
		}
	}
}

static const char *topts_build(const struct targ *a, const struct expr_env *env,
			       struct pkt *o, struct scratch *s)
{
	size_t i, k;
	struct expr_val v;
	const char *why;

	o->tcp.n_opt = 0;
	o->tcp.ohas = 0;
	for (i = 0; i < a->n_opts; i++) {
		const struct topt *t = &a->opts[i];
		struct expr *const *vals = t->v;
		uint8_t *b = s->opt[i < PKT_TCP_OPT_MAX ? i : 0];
		size_t len = 0;

		if (i >= PKT_TCP_OPT_MAX)
			return "too many TCP options";
		if (t->kind == PKT_TCPOPT_SACK && t->n > 4)
			vals = (struct expr *const *)t->raw;
		for (k = 0; k < t->n; k++) {
			why = expr_eval(vals[k], env, &v);
			if (why)
				return why;
			switch (t->kind) {
			case PKT_TCPOPT_MSS:
				b[len++] = (uint8_t)(v.u >> 8);
				b[len++] = (uint8_t)v.u;
				break;
			case PKT_TCPOPT_WSCALE:
				b[len++] = (uint8_t)v.u;
				break;
			default: /* 32-bit values: Timestamp, SAck */
				b[len++] = (uint8_t)(v.u >> 24);
				b[len++] = (uint8_t)(v.u >> 16);
				b[len++] = (uint8_t)(v.u >> 8);
				b[len++] = (uint8_t)v.u;
				break;
			}
		}
		if (!t->n && t->raw_len) {
			memcpy(b, t->raw, t->raw_len);
			len = t->raw_len;
		}
		if (pkt_tcp_opt_add(&o->tcp, t->kind, b, len) < 0)
			return "too many TCP options";
	}
	if (pkt_tcp_options_len(&o->tcp) > 40)
		return "TCP options longer than 40 bytes";
	return NULL;
}

static int build_general(const struct tmpl *t, const struct expr_env *env,
			 uint8_t *buf, size_t cap, const char **why)
{
	struct pkt o;
	struct scratch s;
	struct expr_val v;
	size_t i, j;
	int n;

	memset(&o, 0, sizeof(o));
	s.n_nd = 0;
	if (t->reply && env->req &&
	    ((t->has[TL_IP] && !(env->req->has & PKT_L_IP)) ||
	     (t->has[TL_IP6] && !(env->req->has & PKT_L_IP6)))) {
		/* A reply in the other family has no address to mirror. */
		*why = t->has[TL_IP] ? "IPv4 reply template, request not IPv4" :
				       "IPv6 reply template, request not IPv6";
		return -1;
	}
	defaults(t, &o);
	if (t->reply && env->req)
		mirror(t, &o, env->req);
	for (i = 0; i < t->n; i++) {
		const struct tlayer *l = &t->layers[i];

		if (l->cls->id == TL_NDOPT) {
			struct pkt_ndopt *no;

			if (o.icmp6.n_opt == PKT_ND_OPT_MAX) {
				*why = "too many ND options";
				return -1;
			}
			no = &o.icmp6.opt[o.icmp6.n_opt++];
			no->type = (uint8_t)l->cls->type;
			no->len = 1;
			no->data.p = s.nd[s.n_nd];
			no->data.len = 6;
			memcpy(s.nd[s.n_nd], o.eth.src, 6);
			for (j = 0; j < l->n_args; j++) {
				*why = expr_eval(l->args[j].value, env, &v);
				if (*why)
					return -1;
				if (v.len == 6)
					memcpy(s.nd[s.n_nd], v.b, 6);
			}
			s.n_nd++;
			continue;
		}
		for (j = 0; j < l->n_args; j++) {
			const struct targ *a = &l->args[j];

			if (a->kind == TARG_TCPOPTS) {
				*why = topts_build(a, env, &o, &s);
			} else {
				*why = expr_eval(a->value, env, &v);
				if (!*why)
					*why = put_field(&o, a->field, &v);
			}
			if (*why)
				return -1;
			if (a->field && a->field->layer == PKT_L_RAW)
				o.has |= PKT_L_RAW;
		}
		if (l->cls->id == TL_ETHER && (o.has & PKT_L_ARP))
			memcpy(o.arp.hwsrc, o.eth.src, 6);
	}
	if ((o.has & PKT_L_ARP) && !t->has[TL_ETHER])
		memcpy(o.arp.hwsrc, o.eth.src, 6);

	/* The types that say what comes next, unless the template set them. */
	for (i = 0; i < t->n; i++) {
		if (t->layers[i].type_given)
			continue;
		switch (t->layers[i].cls->id) {
		case TL_IP:
			o.ip.proto = (o.has & PKT_L_TCP)  ? PKT_PROTO_TCP :
				     (o.has & PKT_L_UDP)  ? PKT_PROTO_UDP :
				     (o.has & PKT_L_ICMP) ? PKT_PROTO_ICMP :
							    o.ip.proto;
			break;
		case TL_IP6:
			o.ip6.nh = (o.has & PKT_L_TCP)	 ? PKT_PROTO_TCP :
				   (o.has & PKT_L_UDP)	 ? PKT_PROTO_UDP :
				   (o.has & PKT_L_ICMP6) ? PKT_PROTO_ICMP6 :
							   PKT_PROTO_NONE;
			break;
		default:
			break;
		}
	}
	{
		uint16_t l3 = (o.has & PKT_L_ARP) ? PKT_ETHERTYPE_ARP :
			      (o.has & PKT_L_IP)  ? PKT_ETHERTYPE_IP :
			      (o.has & PKT_L_IP6) ? PKT_ETHERTYPE_IP6 :
						    0x9000;
		bool eth_given = false, q_given = false, ad_given = false;

		for (i = 0; i < t->n; i++) {
			if (t->layers[i].cls->id == TL_ETHER)
				eth_given = t->layers[i].type_given;
			if (t->layers[i].cls->id == TL_DOT1Q)
				q_given = t->layers[i].type_given;
			if (t->layers[i].cls->id == TL_DOT1AD)
				ad_given = t->layers[i].type_given;
		}
		if (o.has & PKT_L_DOT1Q) {
			if (!q_given)
				o.dot1q.type = l3;
			l3 = PKT_ETHERTYPE_8021Q;
		}
		if (o.has & PKT_L_DOT1AD) {
			if (!ad_given)
				o.dot1ad.type = l3;
			l3 = PKT_ETHERTYPE_8021AD;
		}
		if (!eth_given)
			o.eth.type = l3;
	}
	/*
	 * A mirrored multicast or broadcast destination is no source: never
	 * answer "from" one (RFC 1122 3.2.1.3, RFC 4291 2.7).  A template
	 * that gives the source itself decides.
	 */
	if ((!t->eth_src_given && (o.eth.src[0] & 1)) ||
	    (!t->ip_src_given && (o.has & PKT_L_IP) &&
	     ((o.ip.src[0] & 0xf0) == 0xe0 ||
	      !memcmp(o.ip.src, "\xff\xff\xff\xff", 4))) ||
	    (!t->ip6_src_given && (o.has & PKT_L_IP6) &&
	     o.ip6.src[0] == 0xff)) {
		*why = "a source would be a multicast or broadcast address "
		       "(give it in the template)";
		return -1;
	}
	for (i = 0; i < o.icmp6.n_opt; i++)
		if ((o.has & PKT_L_ICMP6) && o.icmp6.opt[i].data.len == 6 &&
		    (o.icmp6.opt[i].data.p[0] & 1) && !t->eth_src_given) {
			/* A group address in a link-layer option poisons caches. */
			*why = "a link-layer address option would be multicast";
			return -1;
		}
	n = pkt_build(&o, buf, cap);
	if (n < 0) {
		*why = n == -ENOSPC ? "reply larger than its buffer" :
				      "reply cannot be built";
		return -1;
	}
	*why = NULL;
	return n;
}

int tmpl_build(const struct tmpl *t, const struct expr_env *env, uint8_t *buf,
	       size_t cap, const char **why)
{
	uint32_t shape = env->req ? env->req->has & TF_SHAPE_BITS : 0;
	uint64_t rng = env->rng ? *env->rng : 0;
	struct tf_plan *pl = NULL;
	bool full = false;
	int n;

	/* Plans are made from a request; a template without one is general. */
	if (t->fast && !tmpl_fast_off && env->req) {
		pl = tf_find(t->fast, shape, &full);
		if (pl && pl->fast) {
			n = tf_build(t, pl, env, buf, cap);
			if (n >= 0) {
				*why = NULL;
				return n;
			}
			/* The general build says what went wrong, the same. */
			if (env->rng)
				*env->rng = rng;
		}
	}
	n = build_general(t, env, buf, cap, why);
	if (n >= 0 && t->fast && !tmpl_fast_off && !pl && !full && env->req)
		tf_plan_make(t, &t->fast->plan[t->fast->n++], shape, env->req,
			     buf, (size_t)n);
	return n;
}

void expr_print(FILE *out, const struct ast_expr *e)
{
	size_t i;

	switch (e->kind) {
	case AST_NUM:
		fprintf(out, "%llu", (unsigned long long)e->num);
		break;
	case AST_STR:
		fputc('"', out);
		lex_write_string(out, e->str, e->len);
		fputc('"', out);
		break;
	case AST_NAME:
		fputs(e->name, out);
		break;
	case AST_UNARY:
		fputs(e->op, out);
		expr_print(out, e->a);
		break;
	case AST_BINARY:
		fputc('(', out);
		expr_print(out, e->a);
		fprintf(out, " %s ", e->op);
		expr_print(out, e->b);
		fputc(')', out);
		break;
	case AST_LIST:
	case AST_TUPLE:
		fputc(e->kind == AST_LIST ? '[' : '(', out);
		for (i = 0; i < e->n; i++) {
			if (i)
				fputs(", ", out);
			expr_print(out, e->items[i]);
		}
		if (e->kind == AST_TUPLE && e->n == 1)
			fputc(',', out);
		fputc(e->kind == AST_LIST ? ']' : ')', out);
		break;
	}
}

void tmpl_print(FILE *out, const struct ast_tmpl *t)
{
	size_t i, j;

	for (i = 0; i < t->n_layers; i++) {
		const struct ast_layer *l = &t->layers[i];

		fprintf(out, "%s%s(", i ? "/" : "", l->name);
		for (j = 0; j < l->n_args; j++) {
			fprintf(out, "%s%s=", j ? ", " : "", l->args[j].name);
			expr_print(out, l->args[j].value);
		}
		fputc(')', out);
	}
}
