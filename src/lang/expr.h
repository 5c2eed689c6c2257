/* SPDX-License-Identifier: MIT */
/*
 * expr.h - typed expressions over the request: compiled once from the
 * AST (names resolved against the field table, types checked, constants
 * folded), then evaluated per frame without allocating.
 *
 * Types: INT (64-bit unsigned, wrapping), BYTES (a string, a payload, an
 * address or a MAC), LIST and TUPLE (only as template arguments, e.g. TCP
 * options).  Arithmetic is on INT only; a BYTES field used where an INT is
 * wanted is a compile error, not a runtime surprise.
 */
#ifndef RIPOSTE_LANG_EXPR_H
#define RIPOSTE_LANG_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "pkt/field.h"
#include "pkt/pkt.h"

enum expr_type { EXPR_INT, EXPR_BYTES, EXPR_LIST, EXPR_TUPLE };

enum expr_op {
	EXPR_CONST,
	EXPR_FIELD,
	EXPR_RANDOM,
	EXPR_NOW,
	EXPR_NEG,
	EXPR_NOT,
	EXPR_ADD,
	EXPR_SUB,
	EXPR_MUL,
	EXPR_DIV,
	EXPR_MOD,
	EXPR_AND,
	EXPR_OR,
	EXPR_XOR,
	EXPR_SHL,
	EXPR_SHR,
	EXPR_SEQ, /* a list or tuple: items */
};

struct expr {
	enum expr_op op;
	enum expr_type type;
	struct ast_pos pos;
	uint64_t u; /* CONST INT */
	const uint8_t *b; /* CONST BYTES */
	size_t len;
	const struct pkt_field *field; /* FIELD */
	enum pkt_ftype ftype; /* FIELD: how its bytes read */
	struct expr *a, *c; /* operands */
	struct expr **items; /* SEQ */
	size_t n;
};

/* What an evaluation needs besides the expression. */
struct expr_env {
	const struct pkt *req;
	uint64_t now_ms;
	uint64_t *rng; /* splitmix64 state */
};

struct expr_val {
	enum expr_type type;
	uint64_t u;
	const uint8_t *b;
	size_t len;
	uint8_t addr[16]; /* b may point here */
};

/*
 * Compiles e; NULL after reporting to d.  Nodes live in a.
 */
struct expr *expr_compile(struct arena *a, struct diag *d,
			  const struct ast_expr *e);

/*
 * Evaluates x against env into v.  Returns NULL, or a static reason when
 * the frame lacks a field the expression reads or divides by zero (the
 * action is then not taken and the reason counted).
 */
const char *expr_eval(const struct expr *x, const struct expr_env *env,
		      struct expr_val *v);

/* True when x needs no frame (a constant). */
bool expr_is_const(const struct expr *x);

/* splitmix64: the one pseudo-random source, seeded from --seed. */
uint64_t expr_random(uint64_t *state);

#endif
