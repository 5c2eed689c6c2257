/* SPDX-License-Identifier: MIT */
/*
 * template.c - Scapy-notation templates: compile (names, layer order and
 * value types checked once) and build (defaults, mirroring, arguments,
 * then pkt_build computes what was not given).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	enum tl_id id;
	const char *prefix;
	int type; /* ICMPv6 type or ND option type; -1 none */
} classes[] = {
	{ "Ether", TL_ETHER, "eth", -1 },
	{ "Dot1AD", TL_DOT1AD, "dot1ad", -1 },
	{ "Dot1Q", TL_DOT1Q, "dot1q", -1 },
	{ "ARP", TL_ARP, "arp", -1 },
	{ "IP", TL_IP, "ip", -1 },
	{ "IPv6", TL_IP6, "ip6", -1 },
	{ "ICMP", TL_ICMP, "icmp", -1 },
	{ "ICMPv6DestUnreach", TL_ICMP6, "icmp6", 1 },
	{ "ICMPv6PacketTooBig", TL_ICMP6, "icmp6", 2 },
	{ "ICMPv6TimeExceeded", TL_ICMP6, "icmp6", 3 },
	{ "ICMPv6ParamProblem", TL_ICMP6, "icmp6", 4 },
	{ "ICMPv6EchoRequest", TL_ICMP6, "icmp6", 128 },
	{ "ICMPv6EchoReply", TL_ICMP6, "icmp6", 129 },
	{ "ICMPv6ND_RS", TL_ICMP6, "icmp6", 133 },
	{ "ICMPv6ND_RA", TL_ICMP6, "icmp6", 134 },
	{ "ICMPv6ND_NS", TL_ICMP6, "icmp6", 135 },
	{ "ICMPv6ND_NA", TL_ICMP6, "icmp6", 136 },
	{ "ICMPv6NDOptSrcLLAddr", TL_NDOPT, "ndopt", 1 },
	{ "ICMPv6NDOptDstLLAddr", TL_NDOPT, "ndopt", 2 },
	{ "TCP", TL_TCP, "tcp", -1 },
	{ "UDP", TL_UDP, "udp", -1 },
	{ "Raw", TL_RAW, "raw", -1 },
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

struct tmpl {
	bool reply;
	/* Sources the template gives: forging those is the author's call. */
	bool eth_src_given, ip_src_given, ip6_src_given;
	struct tlayer *layers;
	size_t n;
	bool has[TL_RAW + 1];
};

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

static int parse_mac(const uint8_t *s, size_t len, uint8_t mac[6])
{
	unsigned v[6];
	char buf[32], tail;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
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

int tmpl_build(const struct tmpl *t, const struct expr_env *env, uint8_t *buf,
	       size_t cap, const char **why)
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
				   (o.has & PKT_L_RAW)	 ? PKT_PROTO_NONE :
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

void expr_print(FILE *out, const struct ast_expr *e)
{
	size_t i;

	switch (e->kind) {
	case AST_NUM:
		fprintf(out, "%llu", (unsigned long long)e->num);
		break;
	case AST_STR:
		fputc('"', out);
		for (i = 0; i < e->len; i++) {
			unsigned char c = e->str[i];

			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (isprint(c))
				fputc(c, out);
			else
				fprintf(out, "\\x%02x", c);
		}
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
