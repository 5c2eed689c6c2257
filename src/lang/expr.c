/* SPDX-License-Identifier: MIT */
/* expr.c - typed expressions over the request; see expr.h. */
#include <string.h>

#include "expr.h"

uint64_t expr_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const struct {
	const char *op;
	enum expr_op code;
} binops[] = {
	{ "+", EXPR_ADD },  { "-", EXPR_SUB }, { "*", EXPR_MUL },
	{ "/", EXPR_DIV },  { "%", EXPR_MOD }, { "&", EXPR_AND },
	{ "|", EXPR_OR },   { "^", EXPR_XOR }, { "<<", EXPR_SHL },
	{ ">>", EXPR_SHR },
};

bool expr_is_const(const struct expr *x)
{
	size_t i;

	switch (x->op) {
	case EXPR_CONST:
		return true;
	case EXPR_FIELD:
	case EXPR_RANDOM:
	case EXPR_NOW:
		return false;
	case EXPR_SEQ:
		for (i = 0; i < x->n; i++)
			if (!expr_is_const(x->items[i]))
				return false;
		return true;
	default:
		return expr_is_const(x->a) && (!x->c || expr_is_const(x->c));
	}
}

static bool field_is_int(enum pkt_ftype t)
{
	return t == PKT_F_UINT || t == PKT_F_HEX || t == PKT_F_TCPFLAGS ||
	       t == PKT_F_IPFLAGS;
}

struct expr *expr_compile(struct arena *a, struct diag *d,
			  const struct ast_expr *e)
{
	struct expr *x = arena_alloc(a, sizeof(*x));
	size_t i;

	if (!x || !e)
		return NULL;
	x->pos = e->pos;
	switch (e->kind) {
	case AST_NUM:
		x->op = EXPR_CONST;
		x->type = EXPR_INT;
		x->u = e->num;
		return x;
	case AST_STR:
		x->op = EXPR_CONST;
		x->type = EXPR_BYTES;
		x->b = e->str;
		x->len = e->len;
		return x;
	case AST_NAME:
		x->type = EXPR_INT;
		if (strcmp(e->name, "random") == 0) {
			x->op = EXPR_RANDOM;
			return x;
		}
		if (strcmp(e->name, "now") == 0) {
			x->op = EXPR_NOW;
			return x;
		}
		x->op = EXPR_FIELD;
		x->field = pkt_field_find(e->name);
		if (!x->field) {
			diag_error(d, e->pos,
				   "unknown name '%s' (a request field such as "
				   "ip.src or tcp.seq, random or now)",
				   e->name);
			return NULL;
		}
		x->ftype = x->field->type;
		x->type = field_is_int(x->ftype) ? EXPR_INT : EXPR_BYTES;
		return x;
	case AST_UNARY:
		x->a = expr_compile(a, d, e->a);
		if (!x->a)
			return NULL;
		if (x->a->type != EXPR_INT) {
			diag_error(d, e->pos, "'%s' needs a number", e->op);
			return NULL;
		}
		x->op = e->op[0] == '~' ? EXPR_NOT : EXPR_NEG;
		x->type = EXPR_INT;
		break;
	case AST_BINARY:
		x->a = expr_compile(a, d, e->a);
		x->c = expr_compile(a, d, e->b);
		if (!x->a || !x->c)
			return NULL;
		for (i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
			if (strcmp(binops[i].op, e->op) == 0)
				break;
		if (i == sizeof(binops) / sizeof(binops[0])) {
			diag_error(d, e->pos, "unknown operator '%s'", e->op);
			return NULL;
		}
		if (x->a->type != EXPR_INT || x->c->type != EXPR_INT) {
			diag_error(d, e->pos,
				   "'%s' works on numbers, not on strings, "
				   "addresses or lists",
				   e->op);
			return NULL;
		}
		x->op = binops[i].code;
		x->type = EXPR_INT;
		break;
	case AST_LIST:
	case AST_TUPLE:
		x->op = EXPR_SEQ;
		x->type = e->kind == AST_LIST ? EXPR_LIST : EXPR_TUPLE;
		x->n = e->n;
		x->items = arena_calloc(a, e->n ? e->n : 1, sizeof(*x->items));
		if (!x->items)
			return NULL;
		for (i = 0; i < e->n; i++) {
			x->items[i] = expr_compile(a, d, e->items[i]);
			if (!x->items[i])
				return NULL;
		}
		return x;
	}
	/* Fold constants once, so that per-frame work is only what varies. */
	if (expr_is_const(x)) {
		struct expr_val v;
		uint64_t none = 0;
		struct expr_env env = { NULL, 0, &none };
		const char *why = expr_eval(x, &env, &v);

		if (why) {
			diag_error(d, e->pos, "%s", why);
			return NULL;
		}
		x->op = EXPR_CONST;
		x->u = v.u;
		x->a = x->c = NULL;
	}
	return x;
}

const char *expr_eval(const struct expr *x, const struct expr_env *env,
		      struct expr_val *v)
{
	struct expr_val l, r;
	const char *why;
	struct pkt_value pv;

	memset(v, 0, sizeof(*v));
	v->type = x->type;
	switch (x->op) {
	case EXPR_CONST:
		v->u = x->u;
		v->b = x->b;
		v->len = x->len;
		return NULL;
	case EXPR_RANDOM:
		v->u = expr_random(env->rng);
		return NULL;
	case EXPR_NOW:
		v->u = env->now_ms;
		return NULL;
	case EXPR_FIELD:
		if (env->req && x->field->layer == PKT_L_RAW &&
		    !(env->req->has & PKT_L_RAW) &&
		    env->req->verdict == PKT_OK &&
		    (env->req->has & (PKT_L_IP | PKT_L_IP6 | PKT_L_ARP))) {
			/* No payload is an empty one: raw.len 0, raw.load "". */
			v->u = 0;
			v->b = (const uint8_t *)"";
			v->len = 0;
			return NULL;
		}
		if (!env->req || !pkt_field_get(env->req, x->field, &pv))
			return "the frame lacks a field the rule reads";
		v->u = pv.u;
		if (pv.b.p == pv.addr && pv.b.len <= sizeof(v->addr)) {
			/* Addresses are copied: pv dies with this frame. */
			memcpy(v->addr, pv.addr, pv.b.len);
			v->b = v->addr;
		} else {
			v->b = pv.b.p;
		}
		v->len = pv.b.len;
		return NULL;
	case EXPR_SEQ:
		return NULL; /* sequences are walked by their consumer */
	case EXPR_NEG:
	case EXPR_NOT:
		why = expr_eval(x->a, env, &l);
		if (why)
			return why;
		v->u = x->op == EXPR_NEG ? (uint64_t)0 - l.u : ~l.u;
		return NULL;
	default:
		break;
	}
	why = expr_eval(x->a, env, &l);
	if (!why)
		why = expr_eval(x->c, env, &r);
	if (why)
		return why;
	switch (x->op) {
	case EXPR_ADD:
		v->u = l.u + r.u;
		break;
	case EXPR_SUB:
		v->u = l.u - r.u;
		break;
	case EXPR_MUL:
		v->u = l.u * r.u;
		break;
	case EXPR_DIV:
	case EXPR_MOD:
		if (r.u == 0)
			return "division by zero";
		v->u = x->op == EXPR_DIV ? l.u / r.u : l.u % r.u;
		break;
	case EXPR_AND:
		v->u = l.u & r.u;
		break;
	case EXPR_OR:
		v->u = l.u | r.u;
		break;
	case EXPR_XOR:
		v->u = l.u ^ r.u;
		break;
	case EXPR_SHL:
		v->u = r.u >= 64 ? 0 : l.u << r.u;
		break;
	case EXPR_SHR:
		v->u = r.u >= 64 ? 0 : l.u >> r.u;
		break;
	default:
		return "bad expression";
	}
	return NULL;
}
