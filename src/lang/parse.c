/* SPDX-License-Identifier: MIT */
/*
 * parse.c - recursive-descent parser for rule files; see parse.h and the
 * grammar in ast.h (riposte.rules(5) is the reference).
 *
 * One token of lookahead, read lazily: the lexer is only asked for the
 * next token when the parser looks at it, so that after 'host', 'mac' and
 * 'on' the parser can read an address word or a /regex/ instead.
 *
 * Errors: each is reported once, at the token it blames, and then the
 * parser resynchronises (resync()) at the next ';', at the '}' closing the
 * block, or at a keyword that starts a line, and goes on, so that one run
 * reports every error in a file.  A token is never blamed twice, and a
 * lexer error token is reported by the lexer's message only.
 *
 * Bounds: every loop consumes a token or stops at the end of the file;
 * recursion happens only on '(', '[' and unary operators, each counted
 * against AST_DEPTH_MAX, and binary chains are built iteratively with
 * their height checked, so no AST is deeper than AST_DEPTH_MAX either
 * (the compiler walks it recursively).  Every node lives in the arena;
 * nothing points into the source text.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lex.h"
#include "parse.h"

struct parser {
	struct arena *a;
	struct diag *d;
	struct lex lx;
	struct lex_token tok; /* the lookahead, when have */
	bool have;
	unsigned prev_line; /* line of the last token consumed */
	unsigned depth; /* open braces, brackets, parentheses, unary */
	unsigned parens; /* open brackets and parentheses */
	unsigned err_parens; /* parens when the last syntax error was seen */
	size_t consumed; /* tokens consumed so far */
	size_t blamed; /* consumed + 1 when the lookahead was blamed */
	size_t n_rules; /* rules and port policies */
	bool stop; /* too many errors, or out of memory */
};

static const char *const top_kws[] = { "rule", "host", "set", NULL };
static const char *const rule_kws[] = { "match", "reply", "send",  "forward",
					"drop",	 "log",	  "limit", NULL };
static const char *const host_kws[] = { "mac",	"personality", "arp", "nd",
					"ping", "tcp",	       "udp", NULL };
static const char *const svc_kws[] = { "banner", "on", NULL };
static const char *const sact_kws[] = { "send",	 "echo", "close",
					"reset", "wait", NULL };
static const char *const udp_kws[] = { "reply", NULL };

/* Words that are never a value in an expression. */
static const char *const reserved[] = { "rule",	 "host",  "set",     "match",
					"reply", "send",  "forward", "drop",
					"log",	 "limit", NULL };

static const char *const personalities[] = { "linux", "windows", "freebsd",
					     NULL };

/* ---- errors ---- */

static void check_stop(struct parser *p)
{
	if (diag_count(p->d) > AST_ERRORS_MAX || p->d->oom)
		p->stop = true;
}

__attribute__((format(printf, 3, 4))) static void
err(struct parser *p, struct ast_pos pos, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	if (p->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	diag_error(p->d, pos, "%s", text);
	check_stop(p);
}

static void nomem(struct parser *p)
{
	if (p->stop)
		return;
	diag_error_file(p->d, "out of memory");
	p->stop = true;
}

static struct ast_pos tok_pos(const struct lex_token *t)
{
	struct ast_pos pos = { t->line, t->col };

	return pos;
}

/* Quotes a token for a message: 'text', shortened, bytes escaped. */
static void describe(const struct lex_token *t, char *buf, size_t cap)
{
	size_t i, n = 0, max = 40;

	if (t->kind == TOK_EOF) {
		snprintf(buf, cap, "end of file");
		return;
	}
	buf[n++] = '\'';
	for (i = 0; i < t->len && i < max && n + 8 < cap; i++) {
		unsigned char c = (unsigned char)t->text[i];

		if (c >= 0x20 && c < 0x7f)
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", c);
	}
	if (i < t->len && n + 5 < cap) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

/* ---- tokens ---- */

/* A lexer error token: its message, and the byte it blames when the
 * message is about one. */
static void lex_error(struct parser *p, const struct lex_token *t)
{
	struct lex_token one = { .kind = TOK_STRING, .text = t->raw, .len = 1 };
	char q[16];

	if (strncmp(t->text, "unexpected ", 11) != 0 || !t->raw) {
		err(p, tok_pos(t), "%s", t->text);
		return;
	}
	describe(&one, q, sizeof(q));
	err(p, tok_pos(t), "%s %s", t->text, q);
}

static const struct lex_token *peek(struct parser *p)
{
	if (p->stop) {
		/* A synthetic end of file unwinds every loop at once. */
		memset(&p->tok, 0, sizeof(p->tok));
		p->tok.kind = TOK_EOF;
		p->have = true;
		return &p->tok;
	}
	if (!p->have) {
		lex_next(&p->lx, &p->tok);
		p->have = true;
		if (p->tok.kind == TOK_ERROR)
			lex_error(p, &p->tok);
	}
	return &p->tok;
}

/* Reads the lookahead as an address word (after host, mac). */
static const struct lex_token *peek_word(struct parser *p)
{
	if (p->have || p->stop)
		return peek(p);
	lex_word(&p->lx, &p->tok);
	p->have = true;
	if (p->tok.kind == TOK_ERROR)
		lex_error(p, &p->tok);
	return &p->tok;
}

/* Reads the lookahead allowing a /regex/ (after on). */
static const struct lex_token *peek_regex(struct parser *p)
{
	if (p->have || p->stop)
		return peek(p);
	lex_regex(&p->lx, &p->tok);
	p->have = true;
	if (p->tok.kind == TOK_ERROR)
		lex_error(p, &p->tok);
	return &p->tok;
}

static void take(struct parser *p)
{
	const struct lex_token *t = peek(p);

	if (t->kind == TOK_EOF)
		return;
	p->prev_line = t->line;
	p->have = false;
	p->consumed++;
}

static bool is_punct(const struct lex_token *t, const char *op)
{
	return t->kind == TOK_PUNCT && strcmp(t->op, op) == 0;
}

static bool is_kw(const struct lex_token *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == TOK_IDENT && t->len == n &&
	       memcmp(t->text, kw, n) == 0;
}

static bool in_list(const struct lex_token *t, const char *const *kws)
{
	for (; *kws; kws++)
		if (is_kw(t, *kws))
			return true;
	return false;
}

static bool first_on_line(const struct parser *p, const struct lex_token *t)
{
	return t->line != p->prev_line;
}

/*
 * Reports "<text>, got 'token'" at the lookahead, unless it is a lexer
 * error (already reported) or was blamed already.
 */
__attribute__((format(printf, 2, 3))) static void expected(struct parser *p,
							   const char *fmt, ...)
{
	const struct lex_token *t = peek(p);
	char text[300], got[200];
	va_list ap;

	p->err_parens = p->parens;
	if (t->kind == TOK_ERROR || p->blamed == p->consumed + 1)
		return;
	p->blamed = p->consumed + 1;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	describe(t, got, sizeof(got));
	err(p, tok_pos(t), "%s, got %s", text, got);
}

/* "a, b or c" */
static void join(const char *const *kws, char *buf, size_t cap)
{
	size_t n = 0, i;

	buf[0] = '\0';
	for (i = 0; kws[i] && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s",
				      i == 0	 ? "" :
				      kws[i + 1] ? ", " :
						   " or ",
				      kws[i]);
}

/*
 * Skips tokens after an error.  In a block (kws set) it stops before the
 * '}' that closes the block, after a ';', and before one of kws or a
 * statement keyword that starts a line.  At the top level (kws NULL) it
 * stops before a statement keyword outside braces, or after a '}' that
 * leaves them.
 */
static void resync(struct parser *p, const char *const *kws)
{
	unsigned braces = 0, parens = 0, outer = kws ? p->err_parens : 0;

	for (;;) {
		const struct lex_token *t = peek(p);
		bool first = first_on_line(p, t);

		if (t->kind == TOK_EOF)
			return;
		if (t->kind == TOK_IDENT && in_list(t, top_kws) &&
		    (first || (!kws && !braces)))
			return;
		if (kws && first && !braces && !parens && in_list(t, kws))
			return;
		if (t->kind == TOK_PUNCT && !t->op[1]) {
			switch (t->op[0]) {
			case '{':
				braces++;
				break;
			case '}':
				if (kws && !braces)
					return;
				if (!kws && braces <= 1) {
					take(p);
					return;
				}
				braces--;
				break;
			case ';':
				/* Not inside the parentheses the error was in. */
				if (kws && !braces && !parens && !outer) {
					take(p);
					return;
				}
				break;
			case '(':
			case '[':
				parens++;
				break;
			case ')':
			case ']':
				if (parens)
					parens--;
				else if (outer)
					outer--;
				break;
			default:
				break;
			}
		}
		take(p);
	}
}

/*
 * Opens a nesting level at pos (paren: a parenthesis or bracket); false
 * (reported) past AST_DEPTH_MAX.  Every enter() has its leave().
 */
static bool enter(struct parser *p, bool paren, struct ast_pos pos)
{
	p->parens += paren;
	if (++p->depth <= AST_DEPTH_MAX)
		return true;
	p->err_parens = p->parens;
	if (p->blamed != p->consumed + 1) {
		p->blamed = p->consumed + 1;
		err(p, pos, "nested deeper than %d levels", AST_DEPTH_MAX);
	}
	return false;
}

static void leave(struct parser *p, bool paren)
{
	p->depth--;
	p->parens -= paren;
}

/* ---- values ---- */

static char *copy_text(struct parser *p, const struct lex_token *t)
{
	char *s = arena_strndup(p->a, t->text, t->len);

	if (!s)
		nomem(p);
	return s;
}

static void *push(struct parser *p, void **items, size_t *n, size_t *cap,
		  size_t size)
{
	void *slot = arena_push(p->a, items, n, cap, size);

	if (!slot)
		nomem(p);
	return slot;
}

/*
 * Decodes a "..." token (consumed by the caller) into arena bytes.  A bad
 * escape is reported and leaves an empty string: the syntax around it is
 * sound, so the caller goes on (and false tells it the value is unfit
 * for further checks).
 */
static bool string_value(struct parser *p, const struct lex_token *t,
			 const uint8_t **out, size_t *len)
{
	uint8_t *buf = arena_alloc(p->a, t->len + 1);
	size_t bad = 0;
	long n;

	*out = (const uint8_t *)"";
	*len = 0;
	if (!buf) {
		nomem(p);
		return false;
	}
	n = lex_string_value(t, buf, t->len, &bad);
	if (n < 0) {
		struct ast_pos pos = { t->line, t->col + (unsigned)bad };
		size_t m = t->len - 1 - bad; /* up to the closing quote */
		struct lex_token esc = { .kind = TOK_STRING,
					 .text = t->text + bad };
		char q[64];

		if (bad + 1 < t->len && t->text[bad + 1] == 'x')
			esc.len = m < 4 ? m : 4;
		else
			esc.len = m < 2 ? m : 2;
		describe(&esc, q, sizeof(q));
		err(p, pos,
		    "invalid escape %s in string (use \\n \\r \\t \\0 \\\\ "
		    "\\\" or \\xHH)",
		    q);
		return false;
	}
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	return true;
}

/* Decodes hex "de ad be ef" (a consumed token) into arena bytes; errors
 * as string_value(). */
static bool hex_value(struct parser *p, const struct lex_token *t,
		      const uint8_t **out, size_t *len)
{
	const char *s = t->text + 1;
	size_t n = t->len - 2, i, digits = 0, k = 0;
	uint8_t *buf;

	*out = (const uint8_t *)"";
	*len = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (lex_hexval(c) >= 0) {
			digits++;
		} else if (c != ' ') {
			struct ast_pos pos = { t->line,
					       t->col + 1 + (unsigned)i };
			struct lex_token one = { .kind = TOK_STRING,
						 .text = s + i,
						 .len = 1 };
			char q[16];

			describe(&one, q, sizeof(q));
			err(p, pos,
			    "invalid character %s in hex string (only hex "
			    "digits and spaces)",
			    q);
			return false;
		}
	}
	if (digits % 2) {
		err(p, tok_pos(t),
		    "hex string has an odd number of digits (%zu)", digits);
		return false;
	}
	buf = arena_alloc(p->a, digits / 2 + 1);
	if (!buf) {
		nomem(p);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			continue;
		if (s[i + 1] == ' ') {
			struct ast_pos pos = { t->line,
					       t->col + 2 + (unsigned)i };

			err(p, pos, "space inside a byte in hex string");
			return false;
		}
		buf[k++] = (uint8_t)(lex_hexval((unsigned char)s[i]) << 4 |
				     lex_hexval((unsigned char)s[i + 1]));
		i++;
	}
	*out = buf;
	*len = k;
	return true;
}

/* ---- expressions ---- */

static struct ast_expr *expr(struct parser *p, unsigned *h);

static struct ast_expr *node(struct parser *p, enum ast_expr_kind kind,
			     struct ast_pos pos)
{
	struct ast_expr *e = arena_alloc(p->a, sizeof(*e));

	if (!e) {
		nomem(p);
		return NULL;
	}
	e->kind = kind;
	e->pos = pos;
	return e;
}

/*
 * The items of a list or tuple e up to close, after its opening (and for
 * a tuple its first item, of height h1, and comma).  *h: e's height.
 */
static struct ast_expr *sequence(struct parser *p, struct ast_expr *e,
				 struct ast_expr *first, unsigned h1,
				 const char *close, unsigned *h)
{
	void *items = NULL;
	size_t n = 0, cap = 0;
	unsigned hi;

	*h = h1 + 1;
	if (first) {
		struct ast_expr **slot =
			push(p, &items, &n, &cap, sizeof(*slot));

		if (!slot)
			return NULL;
		*slot = first;
	}
	for (;;) {
		const struct lex_token *t = peek(p);
		struct ast_expr *item, **slot;

		if (is_punct(t, close))
			break;
		item = expr(p, &hi);
		if (!item)
			return NULL;
		if (hi + 1 > *h)
			*h = hi + 1;
		slot = push(p, &items, &n, &cap, sizeof(*slot));
		if (!slot)
			return NULL;
		*slot = item;
		t = peek(p);
		if (is_punct(t, ",")) {
			take(p);
			continue;
		}
		if (!is_punct(t, close)) {
			expected(p, "expected ',' or '%s'", close);
			return NULL;
		}
	}
	take(p);
	e->items = items;
	e->n = n;
	return e;
}

static struct ast_expr *primary(struct parser *p, unsigned *h)
{
	const struct lex_token *t = peek(p);
	struct ast_pos pos = tok_pos(t);
	struct ast_expr *e, *first;
	unsigned h1;

	*h = 0; /* a leaf: heights count operators and brackets */
	if (t->kind == TOK_NUM) {
		e = node(p, AST_NUM, pos);
		if (e)
			e->num = t->num;
		take(p);
		return e;
	}
	if (t->kind == TOK_STRING) {
		struct lex_token s = *t;

		take(p);
		e = node(p, AST_STR, pos);
		if (e)
			string_value(p, &s, &e->str, &e->len);
		return e;
	}
	if (t->kind == TOK_IDENT && !in_list(t, reserved)) {
		struct lex_token id = *t;
		bool hex = is_kw(t, "hex"), b = is_kw(t, "b");

		take(p);
		t = peek(p);
		/* Python's b"..." is a byte string; hex "..." too. */
		if (t->kind == TOK_STRING && (hex || (b && t->line == id.line &&
						      t->col == id.col + 1))) {
			struct lex_token s = *t;

			take(p);
			e = node(p, AST_STR, pos);
			if (!e)
				return NULL;
			if (hex)
				hex_value(p, &s, &e->str, &e->len);
			else
				string_value(p, &s, &e->str, &e->len);
			return e;
		}
		if (hex) {
			expected(p, "expected a string after 'hex'");
			return NULL;
		}
		e = node(p, AST_NAME, pos);
		if (e && !(e->name = copy_text(p, &id)))
			return NULL;
		return e;
	}
	if (is_punct(t, "(")) {
		take(p);
		if (!enter(p, true, pos))
			goto fail;
		first = expr(p, &h1);
		if (!first)
			goto fail;
		t = peek(p);
		if (is_punct(t, ")")) {
			take(p);
			leave(p, true);
			*h = h1;
			return first;
		}
		if (!is_punct(t, ",")) {
			expected(p, "expected ',' or ')'");
			goto fail;
		}
		take(p);
		e = node(p, AST_TUPLE, pos);
		if (e)
			e = sequence(p, e, first, h1, ")", h);
		leave(p, true);
		return e;
	}
	if (is_punct(t, "[")) {
		take(p);
		if (!enter(p, true, pos))
			goto fail;
		e = node(p, AST_LIST, pos);
		if (e)
			e = sequence(p, e, NULL, 0, "]", h);
		leave(p, true);
		return e;
	}
	expected(p, "expected a value (a number, a string, a field name, "
		    "'(' or '[')");
	return NULL;
fail:
	leave(p, true);
	return NULL;
}

static struct ast_expr *unary(struct parser *p, unsigned *h)
{
	const struct lex_token *t = peek(p);
	struct ast_pos pos = tok_pos(t);
	struct ast_expr *e, *a;
	char op;

	if (!is_punct(t, "-") && !is_punct(t, "~"))
		return primary(p, h);
	op = t->op[0];
	take(p);
	if (!enter(p, false, pos)) {
		leave(p, false);
		return NULL;
	}
	a = unary(p, h);
	leave(p, false);
	if (!a)
		return NULL;
	e = node(p, AST_UNARY, pos);
	if (!e)
		return NULL;
	e->op[0] = op;
	e->a = a;
	(*h)++;
	return e;
}

/* C's precedence: | ^ & (<< >>) (+ -) (* / %); 0 for a non-operator. */
static int precedence(const struct lex_token *t)
{
	static const struct {
		const char *op;
		int prec;
	} ops[] = {
		{ "|", 1 }, { "^", 2 }, { "&", 3 }, { "<<", 4 }, { ">>", 4 },
		{ "+", 5 }, { "-", 5 }, { "*", 6 }, { "/", 6 },	 { "%", 6 },
	};
	size_t i;

	if (t->kind != TOK_PUNCT)
		return 0;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(t->op, ops[i].op) == 0)
			return ops[i].prec;
	return 0;
}

/* Precedence climbing: recursion only per precedence level (6 at most),
 * left-associative chains grow in a loop with their height checked. */
static struct ast_expr *binary(struct parser *p, int min, unsigned *h)
{
	struct ast_expr *lhs = unary(p, h), *rhs, *e;
	unsigned hr;
	int prec;

	while (lhs && (prec = precedence(peek(p))) >= min && prec) {
		const struct lex_token *t = peek(p);
		struct ast_pos pos = tok_pos(t);
		char op[3];

		memcpy(op, t->op, sizeof(op));
		take(p);
		rhs = binary(p, prec + 1, &hr);
		if (!rhs)
			return NULL;
		if (hr > *h)
			*h = hr;
		if (++*h > AST_DEPTH_MAX) {
			err(p, pos, "expression deeper than %d levels",
			    AST_DEPTH_MAX);
			p->blamed = p->consumed + 1;
			return NULL;
		}
		e = node(p, AST_BINARY, pos);
		if (!e)
			return NULL;
		memcpy(e->op, op, sizeof(op));
		e->a = lhs;
		e->b = rhs;
		lhs = e;
	}
	return lhs;
}

static struct ast_expr *expr(struct parser *p, unsigned *h)
{
	struct ast_expr *e = binary(p, 1, h);

	if (e && *h > AST_DEPTH_MAX) {
		err(p, e->pos, "expression deeper than %d levels",
		    AST_DEPTH_MAX);
		p->blamed = p->consumed + 1;
		return NULL;
	}
	return e;
}

static struct ast_expr *value(struct parser *p)
{
	unsigned h;

	return expr(p, &h);
}

/* ---- templates ---- */

static bool layer(struct parser *p, struct ast_layer *l)
{
	const struct lex_token *t = peek(p);
	void *args = NULL;
	size_t cap = 0;
	bool ok = false;

	l->pos = tok_pos(t);
	if (!(l->name = copy_text(p, t)))
		return false;
	take(p);
	t = peek(p);
	if (!is_punct(t, "(")) {
		expected(p, "expected '(' after layer name '%s'", l->name);
		return false;
	}
	take(p);
	if (!enter(p, true, tok_pos(t)))
		goto out;
	for (;;) {
		struct ast_arg *arg;
		struct lex_token name;

		t = peek(p);
		if (is_punct(t, ")"))
			break;
		if (t->kind != TOK_IDENT) {
			expected(p, "expected a field name or ')' in %s(...)",
				 l->name);
			goto out;
		}
		name = *t;
		take(p);
		if (!is_punct(peek(p), "=")) {
			expected(p, "expected '=' after field name '%.*s'",
				 (int)name.len, name.text);
			goto out;
		}
		take(p);
		arg = push(p, &args, &l->n_args, &cap, sizeof(*arg));
		if (!arg)
			goto out;
		arg->pos = tok_pos(&name);
		if (!(arg->name = copy_text(p, &name)) ||
		    !(arg->value = value(p)))
			goto out;
		t = peek(p);
		if (is_punct(t, ",")) {
			take(p);
			continue;
		}
		if (!is_punct(t, ")")) {
			expected(p,
				 "expected ',' or ')' after field '%s' of %s",
				 arg->name, l->name);
			goto out;
		}
	}
	take(p);
	ok = true;
out:
	leave(p, true);
	l->args = args;
	return ok;
}

static bool tmpl(struct parser *p, struct ast_tmpl *out, const char *kw)
{
	void *layers = NULL;
	size_t cap = 0;
	bool ok = false;

	out->pos = tok_pos(peek(p));
	for (;;) {
		const struct lex_token *t = peek(p);
		struct ast_layer *l;

		if (t->kind != TOK_IDENT || in_list(t, reserved)) {
			expected(p, "expected a layer name after '%s'", kw);
			goto out;
		}
		if (out->n_layers == AST_LAYERS_MAX) {
			err(p, tok_pos(t), "template with more than %d layers",
			    AST_LAYERS_MAX);
			goto out;
		}
		l = push(p, &layers, &out->n_layers, &cap, sizeof(*l));
		if (!l || !layer(p, l))
			goto out;
		if (!is_punct(peek(p), "/"))
			break;
		take(p);
		kw = "/";
	}
	ok = true;
out:
	out->layers = layers;
	return ok;
}

/* ---- shared pieces of blocks ---- */

/* Bytes: "..." | hex "..." | file "...". */
static bool data(struct parser *p, struct ast_data *out, const char *kw)
{
	const struct lex_token *t = peek(p);
	struct lex_token s;

	out->pos = tok_pos(t);
	if (t->kind == TOK_STRING) {
		s = *t;
		take(p);
		out->kind = AST_DATA_STRING;
		string_value(p, &s, &out->bytes, &out->len);
		return true;
	}
	if (is_kw(t, "hex") || is_kw(t, "file")) {
		bool hex = is_kw(t, "hex");

		take(p);
		t = peek(p);
		if (t->kind != TOK_STRING) {
			expected(p, "expected a string after '%s'",
				 hex ? "hex" : "file");
			return false;
		}
		s = *t;
		take(p);
		if (hex) {
			out->kind = AST_DATA_HEX;
			hex_value(p, &s, &out->bytes, &out->len);
			return true;
		}
		out->kind = AST_DATA_FILE;
		if (!string_value(p, &s, &out->bytes, &out->len))
			return true;
		if (!out->len)
			err(p, tok_pos(&s), "empty file name");
		else if (memchr(out->bytes, 0, out->len))
			err(p, tok_pos(&s), "file name with a NUL byte");
		return true;
	}
	expected(p, "expected a string, hex \"...\" or file \"...\" after '%s'",
		 kw);
	return false;
}

/*
 * The shared loop of every block: after the '{' (consumed, depth
 * entered) it hands each item to fn until the closing '}'.  what names
 * the block in messages ("rule 'x'"), ctx names it in "unknown keyword"
 * messages.  Returns with the depth left.
 */
typedef bool (*item_fn)(struct parser *p, void *ctx,
			const struct lex_token *kw);

static void block(struct parser *p, const char *what, const char *ctx,
		  struct ast_pos open, const char *const *kws, item_fn fn,
		  void *arg)
{
	unsigned depth = p->depth;
	char list[200];

	for (;;) {
		const struct lex_token *t = peek(p);
		size_t before = p->consumed;
		bool ok;

		if (is_punct(t, "}")) {
			take(p);
			break;
		}
		if (t->kind == TOK_EOF ||
		    (t->kind == TOK_IDENT && in_list(t, top_kws))) {
			expected(p,
				 "expected '}' to close %s (opened at line "
				 "%u)",
				 what, open.line);
			break;
		}
		if (is_punct(t, ";")) {
			take(p);
			continue;
		}
		if (t->kind == TOK_IDENT && in_list(t, kws)) {
			struct lex_token kw = *t;

			take(p);
			ok = fn(p, arg, &kw);
		} else {
			join(kws, list, sizeof(list));
			if (t->kind == TOK_IDENT) {
				char q[64];

				describe(t, q, sizeof(q));
				err(p, tok_pos(t),
				    "unknown keyword %s in %s (expected %s)", q,
				    ctx, list);
				p->blamed = p->consumed + 1;
			} else {
				expected(p, "expected %s or '}' in %s", list,
					 ctx);
			}
			ok = false;
		}
		if (!ok) {
			resync(p, kws);
			p->depth = depth;
			p->parens = 0;
		}
		if (p->consumed == before)
			take(p); /* cannot happen; never loop in place */
	}
	p->depth = depth - 1;
}

/* Opens a block: '{' (its position in *open) then the depth check;
 * false (reported) when it cannot. */
static bool open_block(struct parser *p, const char *after,
		       struct ast_pos *open)
{
	const struct lex_token *t = peek(p);

	if (!is_punct(t, "{")) {
		expected(p, "expected '{' after %s", after);
		return false;
	}
	*open = tok_pos(t);
	take(p);
	if (!enter(p, false, *open)) {
		leave(p, false);
		return false;
	}
	return true;
}

static void count_rule(struct parser *p, struct ast_pos pos)
{
	if (++p->n_rules == (size_t)AST_RULES_MAX + 1)
		err(p, pos, "more than %d rules and port policies in one file",
		    AST_RULES_MAX);
}

/* ---- rule ---- */

struct rule_ctx {
	struct ast_rule *r;
	void *assigns;
	size_t cap;
	bool has_match;
};

/* forward FIELD = EXPR, ...; a second action's (keep false) is parsed
 * for its errors into spare storage. */
static bool forward(struct parser *p, struct rule_ctx *c, bool keep)
{
	struct ast_rule *r = c->r;
	void *spare = NULL;
	size_t n_spare = 0, cap_spare = 0;
	const char *after = "forward";

	for (;;) {
		const struct lex_token *t = peek(p);
		struct ast_assign *as;

		if (t->kind != TOK_IDENT || in_list(t, reserved)) {
			expected(p, "expected a field name after '%s'", after);
			return false;
		}
		if (keep)
			as = push(p, &c->assigns, &r->n_assigns, &c->cap,
				  sizeof(*as));
		else
			as = push(p, &spare, &n_spare, &cap_spare, sizeof(*as));
		if (!as)
			return false;
		as->pos = tok_pos(t);
		if (!(as->field = copy_text(p, t)))
			return false;
		take(p);
		if (!is_punct(peek(p), "=")) {
			expected(p, "expected '=' after '%s'", as->field);
			return false;
		}
		take(p);
		if (!(as->value = value(p)))
			return false;
		if (!is_punct(peek(p), ","))
			return true;
		take(p);
		after = ",";
	}
}

static bool limit(struct parser *p, struct ast_rule *r,
		  const struct lex_token *kw)
{
	const struct lex_token *t = peek(p);
	struct lex_token n;

	r->limit_pos = tok_pos(kw);
	if (t->kind != TOK_NUM) {
		expected(p, "expected a rate after 'limit' (limit N/s)");
		return false;
	}
	n = *t;
	take(p);
	if (!is_punct(peek(p), "/")) {
		expected(p, "expected '/s' after the rate");
		return false;
	}
	take(p);
	if (!is_kw(peek(p), "s")) {
		expected(p, "expected 's' after '/' (rates are per second)");
		return false;
	}
	take(p);
	if (is_kw(peek(p), "per")) {
		take(p);
		if (!is_kw(peek(p), "source")) {
			expected(p, "expected 'source' after 'per'");
			return false;
		}
		take(p);
		r->limit_per_source = true;
	}
	if (n.num == 0)
		err(p, tok_pos(&n), "limit must be at least 1/s");
	else if (n.num > UINT32_MAX)
		err(p, tok_pos(&n), "limit above %u/s", UINT32_MAX);
	else
		r->limit = (uint32_t)n.num;
	return true;
}

static bool rule_item(struct parser *p, void *arg, const struct lex_token *kw)
{
	struct rule_ctx *c = arg;
	struct ast_rule *r = c->r;
	struct ast_pos pos = tok_pos(kw);
	enum ast_action act = AST_ACT_NONE;
	const char *kw_text = "reply";
	struct ast_tmpl scratch = { 0 };
	const struct lex_token *t;
	bool keep = true;

	if (is_kw(kw, "match")) {
		struct lex_token s;
		const uint8_t *text;
		size_t len;

		t = peek(p);
		if (t->kind != TOK_STRING) {
			expected(p, "expected a filter string after 'match'");
			return false;
		}
		s = *t;
		take(p);
		if (c->has_match) {
			err(p, pos,
			    "second 'match' in rule '%s' (first at line "
			    "%u)",
			    r->name, r->match_pos.line);
			return true;
		}
		if (!string_value(p, &s, &text, &len))
			return true;
		if (memchr(text, 0, len)) {
			err(p, tok_pos(&s), "filter with a NUL byte");
			return true;
		}
		c->has_match = true;
		r->match = (const char *)text;
		r->match_pos = tok_pos(&s);
		return true;
	}
	if (is_kw(kw, "log")) {
		r->log = true;
		return true;
	}
	if (is_kw(kw, "limit")) {
		struct ast_rule spare = { 0 };

		if (!r->limit_pos.line)
			return limit(p, r, kw);
		err(p, pos, "second 'limit' in rule '%s' (first at line %u)",
		    r->name, r->limit_pos.line);
		return limit(p, &spare, kw);
	}
	if (is_kw(kw, "reply")) {
		act = AST_ACT_REPLY;
	} else if (is_kw(kw, "send")) {
		act = AST_ACT_SEND;
		kw_text = "send";
	} else if (is_kw(kw, "forward")) {
		act = AST_ACT_FORWARD;
	} else {
		act = AST_ACT_DROP;
	}
	if (r->action != AST_ACT_NONE) {
		err(p, pos, "second action in rule '%s' (first at line %u)",
		    r->name, r->action_pos.line);
		keep = false;
	} else {
		r->action = act;
		r->action_pos = pos;
	}
	if (act == AST_ACT_FORWARD)
		return forward(p, c, keep);
	if (act == AST_ACT_DROP)
		return true;
	return tmpl(p, keep ? &r->tmpl : &scratch, kw_text);
}

static bool rule(struct parser *p, struct ast_rule *r)
{
	const struct lex_token *t = peek(p);
	struct rule_ctx c = { .r = r };
	struct ast_pos open;
	char what[200];

	r->pos = tok_pos(t);
	take(p);
	t = peek(p);
	if (t->kind != TOK_IDENT || in_list(t, reserved)) {
		expected(p, "expected a rule name after 'rule'");
		return false;
	}
	{
		/*
		 * Names may hold '-' (tarpit-net), which the lexer reads as
		 * an operator: the name runs on in the source while it is
		 * '-' followed by a name character, with no space between.
		 */
		const char *start = t->text;
		size_t end, len = t->len;

		take(p);
		end = p->lx.off;
		while (!p->have && end + 1 < p->lx.len &&
		       p->lx.src[end] == '-' &&
		       (isalnum((unsigned char)p->lx.src[end + 1]) ||
			p->lx.src[end + 1] == '_')) {
			end++;
			while (end < p->lx.len &&
			       (isalnum((unsigned char)p->lx.src[end]) ||
				p->lx.src[end] == '_' || p->lx.src[end] == '.'))
				end++;
		}
		if (!p->have && end > p->lx.off) {
			len = end - (size_t)(start - p->lx.src);
			p->lx.off = end;
		}
		if (!(r->name = arena_strndup(p->a, start, len)))
			return false;
	}
	count_rule(p, r->pos);
	if (!open_block(p, "rule name", &open))
		return false;
	snprintf(what, sizeof(what), "rule '%s'", r->name);
	block(p, what, "rule", open, rule_kws, rule_item, &c);
	r->assigns = c.assigns;
	return true;
}

/* ---- host ---- */

struct host_ctx {
	struct ast_host *h;
	const char *label; /* "host 198.51.100.10" */
	void *ports;
	size_t cap;
	struct ast_pos arp_pos, nd_pos, ping_pos;
};

static bool mac_value(const struct lex_token *t, uint8_t mac[6])
{
	size_t i;

	if (t->len != 17)
		return false;
	for (i = 0; i < 6; i++) {
		int h = lex_hexval((unsigned char)t->text[3 * i]);
		int l = lex_hexval((unsigned char)t->text[3 * i + 1]);

		if (h < 0 || l < 0 || (i < 5 && t->text[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return true;
}

static bool addr_value(const struct lex_token *t, struct ast_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (t->len >= sizeof(buf))
		return false;
	memcpy(buf, t->text, t->len);
	buf[t->len] = '\0';
	if (inet_pton(AF_INET, buf, a->a) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, a->a) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

/* A port number: a consumed TOK_NUM. */
static bool port(struct parser *p, const struct lex_token *t, uint16_t *out)
{
	if (t->num > 65535) {
		err(p, tok_pos(t), "port %llu out of range (0 to 65535)",
		    (unsigned long long)t->num);
		return false;
	}
	*out = (uint16_t)t->num;
	return true;
}

struct sact_ctx {
	struct ast_trigger *tr;
	void *acts;
	size_t cap;
};

static bool sact_item(struct parser *p, void *arg, const struct lex_token *kw)
{
	struct sact_ctx *c = arg;
	struct ast_sact *s;
	const struct lex_token *t;

	s = push(p, &c->acts, &c->tr->n_acts, &c->cap, sizeof(*s));
	if (!s)
		return false;
	s->pos = tok_pos(kw);
	if (is_kw(kw, "send")) {
		s->kind = AST_SACT_SEND;
		return data(p, &s->data, "send");
	}
	if (is_kw(kw, "echo")) {
		s->kind = AST_SACT_ECHO;
	} else if (is_kw(kw, "close")) {
		s->kind = AST_SACT_CLOSE;
	} else if (is_kw(kw, "reset")) {
		s->kind = AST_SACT_RESET;
	} else {
		struct lex_token n;

		s->kind = AST_SACT_WAIT;
		t = peek(p);
		if (t->kind != TOK_NUM) {
			expected(p, "expected a number of milliseconds after "
				    "'wait'");
			return false;
		}
		n = *t;
		take(p);
		if (!is_kw(peek(p), "ms")) {
			expected(p, "expected 'ms' after 'wait %llu'",
				 (unsigned long long)n.num);
			return false;
		}
		take(p);
		if (n.num > UINT32_MAX)
			err(p, tok_pos(&n), "wait above %u ms", UINT32_MAX);
		else
			s->ms = (uint32_t)n.num;
	}
	return true;
}

struct svc_ctx {
	struct ast_service *s;
	void *triggers;
	size_t cap;
	struct ast_pos banner_pos;
};

static bool trigger(struct parser *p, struct ast_trigger *tr)
{
	const struct lex_token *t = peek_regex(p);
	struct lex_token s = *t;
	struct sact_ctx c = { .tr = tr };
	struct ast_pos open;

	tr->pos = tok_pos(t);
	if (t->kind == TOK_REGEX) {
		char *re = arena_alloc(p->a, t->len);
		size_t i, n = 0;
		struct ast_pos at = tr->pos;
		bool bad = false;

		take(p);
		if (!re) {
			nomem(p);
			return false;
		}
		/*
		 * Between the slashes, with "\/" turned back into "/" and
		 * the escapes of strings for bytes (\r \n \t \xHH), so that
		 * /^QUIT\r\n/ means what it says; a byte that is special to
		 * the regex keeps a backslash before it.  Other backslash
		 * sequences are the regex's own.
		 */
		for (i = 1; i + 1 < s.len; i++) {
			char ch = s.text[i], e = s.text[i + 1];
			int hi, lo;

			if (ch != '\\' || i + 2 >= s.len) {
				re[n++] = ch;
				continue;
			}
			i++;
			if (e == '/' || e == 'r' || e == 'n' || e == 't') {
				re[n++] = e == 'r' ? '\r' :
					  e == 'n' ? '\n' :
					  e == 't' ? '\t' :
						     '/';
				continue;
			}
			hi = e == 'x' && i + 3 < s.len ?
				     lex_hexval((unsigned char)s.text[i + 1]) :
				     -1;
			lo = hi >= 0 ?
				     lex_hexval((unsigned char)s.text[i + 2]) :
				     -1;
			at.col = tr->pos.col + (unsigned)i - 1;
			if (e == 'x' && lo < 0) {
				err(p, at, "\\x needs two hex digits");
				bad = true;
				continue;
			}
			if (e != 'x') {
				re[n++] = '\\';
				re[n++] = e;
				continue;
			}
			i += 2;
			ch = (char)(hi << 4 | lo);
			if (!ch) {
				err(p, at,
				    "a regular expression cannot hold a NUL "
				    "byte");
				bad = true;
				continue;
			}
			if (strchr(".[]()*+?{}|^$\\", ch))
				re[n++] = '\\';
			re[n++] = ch;
		}
		re[n] = '\0';
		if (!n && !bad)
			err(p, tr->pos, "empty regular expression");
		tr->kind = AST_TRIG_REGEX;
		tr->text = (const uint8_t *)re;
		tr->len = n;
	} else if (t->kind == TOK_STRING) {
		take(p);
		tr->kind = AST_TRIG_PREFIX;
		if (string_value(p, &s, &tr->text, &tr->len) && !tr->len)
			err(p, tr->pos, "empty trigger string (use 'on any')");
	} else if (is_kw(t, "any")) {
		take(p);
		tr->kind = AST_TRIG_ANY;
	} else {
		expected(p, "expected a string, a /regex/ or 'any' after 'on'");
		return false;
	}
	if (!open_block(p, "the trigger", &open))
		return false;
	block(p, "'on' block", "'on' block", open, sact_kws, sact_item, &c);
	tr->acts = c.acts;
	return true;
}

static bool svc_item(struct parser *p, void *arg, const struct lex_token *kw)
{
	struct svc_ctx *c = arg;
	struct ast_service *s = c->s;
	struct ast_trigger *tr;

	if (is_kw(kw, "banner")) {
		struct ast_data scratch = { 0 };

		if (c->banner_pos.line) {
			err(p, tok_pos(kw),
			    "second 'banner' in a service (first at line %u)",
			    c->banner_pos.line);
			return data(p, &scratch, "banner");
		}
		c->banner_pos = tok_pos(kw);
		s->has_banner = true;
		return data(p, &s->banner, "banner");
	}
	tr = push(p, &c->triggers, &s->n_triggers, &c->cap, sizeof(*tr));
	if (!tr)
		return false;
	s->triggers = c->triggers;
	return trigger(p, tr);
}

struct udp_ctx {
	struct ast_ports *pp;
	struct ast_pos reply_pos;
};

static bool udp_item(struct parser *p, void *arg, const struct lex_token *kw)
{
	struct udp_ctx *c = arg;
	struct ast_data scratch = { 0 };

	if (c->reply_pos.line) {
		err(p, tok_pos(kw),
		    "second 'reply' in a udp open block (first at line %u)",
		    c->reply_pos.line);
		return data(p, &scratch, "reply");
	}
	c->reply_pos = tok_pos(kw);
	c->pp->has_udp_reply = true;
	return data(p, &c->pp->udp_reply, "reply");
}

static bool ports(struct parser *p, struct ast_ports *pp)
{
	const char *proto = pp->proto == AST_TCP ? "tcp" : "udp";
	const struct lex_token *t = peek(p);
	struct ast_pos open;
	void *ranges = NULL;
	size_t cap = 0;

	if (is_punct(t, "*")) {
		struct ast_range *r =
			push(p, &ranges, &pp->n_ranges, &cap, sizeof(*r));

		take(p);
		if (!r)
			return false;
		r->hi = 65535;
		pp->any = true;
	} else if (t->kind != TOK_NUM) {
		expected(p, "expected a port, a port range or '*' after '%s'",
			 proto);
		return false;
	}
	while (!pp->any) {
		struct ast_range *r;
		struct lex_token lo = *peek(p), hi;
		bool ok;

		take(p);
		r = push(p, &ranges, &pp->n_ranges, &cap, sizeof(*r));
		if (!r)
			return false;
		ok = port(p, &lo, &r->lo);
		r->hi = r->lo;
		if (is_punct(peek(p), "-")) {
			take(p);
			t = peek(p);
			if (t->kind != TOK_NUM) {
				expected(p, "expected a port after '-'");
				return false;
			}
			hi = *t;
			take(p);
			if (port(p, &hi, &r->hi) && ok && r->lo > r->hi)
				err(p, tok_pos(&lo),
				    "port range %u-%u runs backwards", r->lo,
				    r->hi);
		}
		if (!is_punct(peek(p), ","))
			break;
		take(p);
		if (peek(p)->kind != TOK_NUM) {
			expected(p, "expected a port after ','");
			return false;
		}
	}
	pp->ranges = ranges;
	t = peek(p);
	if (is_kw(t, "open"))
		pp->policy = AST_OPEN;
	else if (is_kw(t, "closed"))
		pp->policy = AST_CLOSED;
	else if (is_kw(t, "filtered"))
		pp->policy = AST_FILTERED;
	else if (is_kw(t, "tarpit") && pp->proto == AST_TCP)
		pp->policy = AST_TARPIT;
	else if (is_kw(t, "tarpit")) {
		err(p, tok_pos(t),
		    "'tarpit' is for tcp ports only (udp ports are open, "
		    "closed or filtered)");
		p->blamed = p->consumed + 1;
		return false;
	} else {
		expected(p, "expected %s after the ports",
			 pp->proto == AST_TCP ?
				 "open, closed, filtered or tarpit" :
				 "open, closed or filtered");
		return false;
	}
	take(p);
	t = peek(p);
	if (!is_punct(t, "{"))
		return true;
	if (pp->policy != AST_OPEN) {
		err(p, tok_pos(t), "only 'open' ports take a block");
		p->blamed = p->consumed + 1;
		return false;
	}
	if (!open_block(p, "open", &open))
		return false;
	if (pp->proto == AST_TCP) {
		struct svc_ctx c = { .s = &pp->service };

		block(p, "service block", "service", open, svc_kws, svc_item,
		      &c);
	} else {
		struct udp_ctx c = { .pp = pp };
		size_t errors = diag_count(p->d);

		block(p, "udp open block", "udp open block", open, udp_kws,
		      udp_item, &c);
		if (!c.reply_pos.line && diag_count(p->d) == errors)
			err(p, open, "udp open block without 'reply'");
	}
	return true;
}

static bool host_item(struct parser *p, void *arg, const struct lex_token *kw)
{
	struct host_ctx *c = arg;
	struct ast_host *h = c->h;
	struct ast_pos pos = tok_pos(kw);
	const struct lex_token *t;

	if (is_kw(kw, "mac")) {
		uint8_t mac[6];

		t = peek_word(p);
		if (t->kind != TOK_WORD) {
			expected(p, "expected a MAC address after 'mac'");
			return false;
		}
		if (!mac_value(t, mac)) {
			char q[64];

			describe(t, q, sizeof(q));
			err(p, tok_pos(t),
			    "invalid MAC address %s (six colon-separated hex "
			    "bytes: 02:00:00:00:00:01)",
			    q);
		} else if (mac[0] & 1) {
			char q[64];

			describe(t, q, sizeof(q));
			err(p, tok_pos(t),
			    "MAC address %s is multicast, not a host's", q);
		} else if (h->has_mac) {
			err(p, pos, "second 'mac' in %s (first at line %u)",
			    c->label, h->mac_pos.line);
		} else {
			h->has_mac = true;
			memcpy(h->mac, mac, 6);
			h->mac_pos = tok_pos(t);
		}
		take(p);
		return true;
	}
	if (is_kw(kw, "personality")) {
		t = peek(p);
		if (t->kind != TOK_IDENT) {
			expected(p, "expected linux, windows or freebsd after "
				    "'personality'");
			return false;
		}
		if (!in_list(t, personalities)) {
			char q[64];

			describe(t, q, sizeof(q));
			err(p, tok_pos(t),
			    "unknown personality %s (expected linux, windows "
			    "or freebsd)",
			    q);
		} else if (h->personality) {
			err(p, pos,
			    "second 'personality' in %s (first at line %u)",
			    c->label, h->personality_pos.line);
		} else {
			if (!(h->personality = copy_text(p, t)))
				return false;
			h->personality_pos = tok_pos(t);
		}
		take(p);
		return true;
	}
	if (is_kw(kw, "arp") || is_kw(kw, "nd") || is_kw(kw, "ping")) {
		enum ast_switch *sw = is_kw(kw, "arp") ? &h->arp :
				      is_kw(kw, "nd")  ? &h->nd :
							 &h->ping;
		struct ast_pos *first = is_kw(kw, "arp") ? &c->arp_pos :
					is_kw(kw, "nd")	 ? &c->nd_pos :
							   &c->ping_pos;
		enum ast_switch v;

		t = peek(p);
		if (is_kw(t, "on")) {
			v = AST_ON;
		} else if (is_kw(t, "off")) {
			v = AST_OFF;
		} else {
			expected(p, "expected 'on' or 'off' after '%.*s'",
				 (int)kw->len, kw->text);
			return false;
		}
		take(p);
		if (first->line) {
			err(p, pos, "second '%.*s' in %s (first at line %u)",
			    (int)kw->len, kw->text, c->label, first->line);
			return true;
		}
		*first = pos;
		*sw = v;
		return true;
	}
	{
		struct ast_ports *pp =
			push(p, &c->ports, &h->n_ports, &c->cap, sizeof(*pp));

		if (!pp)
			return false;
		h->ports = c->ports;
		pp->pos = pos;
		pp->proto = is_kw(kw, "tcp") ? AST_TCP : AST_UDP;
		count_rule(p, pos);
		return ports(p, pp);
	}
}

static bool host(struct parser *p, struct ast_host *h)
{
	const struct lex_token *t = peek(p);
	struct host_ctx c = { .h = h };
	struct ast_pos open;
	void *addrs = NULL;
	size_t cap = 0;
	char label[80];

	h->pos = tok_pos(t);
	take(p);
	label[0] = '\0';
	for (;;) {
		struct ast_addr *a;

		t = peek_word(p);
		if (t->kind != TOK_WORD) {
			expected(p,
				 "expected an IPv4 or IPv6 address after "
				 "'%s'",
				 h->n_addrs ? "," : "host");
			return false;
		}
		a = push(p, &addrs, &h->n_addrs, &cap, sizeof(*a));
		if (!a)
			return false;
		h->addrs = addrs;
		a->pos = tok_pos(t);
		if (!addr_value(t, a)) {
			char q[64];

			describe(t, q, sizeof(q));
			err(p, a->pos, "invalid IPv4 or IPv6 address %s", q);
		}
		if (!label[0])
			snprintf(label, sizeof(label), "host %.*s",
				 (int)(t->len < 60 ? t->len : 60), t->text);
		take(p);
		/* A word, so that a missing comma quotes the whole address. */
		t = peek_word(p);
		if (!is_punct(t, ","))
			break;
		take(p);
	}
	if (!is_punct(peek(p), "{")) {
		expected(p, "expected ',' or '{' after the address");
		return false;
	}
	if (!open_block(p, "the address", &open))
		return false;
	c.label = label;
	block(p, label, "host", open, host_kws, host_item, &c);
	return true;
}

/* ---- set, file ---- */

static bool set(struct parser *p, struct ast_set *s)
{
	const struct lex_token *t = peek(p);

	s->pos = tok_pos(t);
	take(p);
	t = peek(p);
	if (t->kind != TOK_IDENT || in_list(t, reserved)) {
		expected(p, "expected a setting name after 'set'");
		return false;
	}
	if (!(s->name = copy_text(p, t)))
		return false;
	take(p);
	s->value = value(p);
	return s->value != NULL;
}

static void parse_all(struct parser *p, struct ast_file *out)
{
	void *stmts = NULL;
	size_t cap = 0;

	for (;;) {
		const struct lex_token *t = peek(p);
		size_t before = p->consumed;
		struct ast_stmt st;
		bool ok;

		if (t->kind == TOK_EOF)
			break;
		if (is_punct(t, ";")) {
			take(p);
			continue;
		}
		memset(&st, 0, sizeof(st));
		p->depth = 0;
		p->parens = 0;
		if (is_kw(t, "rule")) {
			st.kind = AST_STMT_RULE;
			ok = rule(p, &st.u.rule);
		} else if (is_kw(t, "host")) {
			st.kind = AST_STMT_HOST;
			ok = host(p, &st.u.host);
		} else if (is_kw(t, "set")) {
			st.kind = AST_STMT_SET;
			ok = set(p, &st.u.set);
		} else {
			if (t->kind == TOK_IDENT) {
				char q[64];

				describe(t, q, sizeof(q));
				err(p, tok_pos(t),
				    "unknown keyword %s (expected rule, host "
				    "or set)",
				    q);
				p->blamed = p->consumed + 1;
			} else {
				expected(p, "expected rule, host or set");
			}
			ok = false;
		}
		if (ok) {
			struct ast_stmt *slot = push(p, &stmts, &out->n_stmts,
						     &cap, sizeof(*slot));

			if (slot)
				*slot = st;
		} else {
			resync(p, NULL);
		}
		if (p->consumed == before)
			take(p); /* never loop in place */
	}
	out->stmts = stmts;
}

int lang_parse(struct arena *a, struct diag *d, const char *src, size_t len,
	       struct ast_file *out)
{
	struct parser p = { .a = a, .d = d };
	const char *nul;

	memset(out, 0, sizeof(*out));
	out->path = d->path;
	if (!src)
		len = 0;
	nul = len ? memchr(src, '\0', len) : NULL;
	if (nul) {
		/* A binary file would only give a wall of errors. */
		struct ast_pos pos = { 1, 1 };
		const char *s;

		for (s = src; s < nul; s++) {
			if (*s == '\n') {
				pos.line++;
				pos.col = 1;
			} else {
				pos.col++;
			}
		}
		diag_error(d, pos, "NUL byte in the file (not a text file?)");
		return -EINVAL;
	}
	lex_init(&p.lx, src, len);
	parse_all(&p, out);
	if (a->oom)
		return -ENOMEM;
	return diag_count(d) ? -EINVAL : 0;
}

int lang_parse_file(struct arena *a, struct diag *d, const char *path,
		    struct ast_file *out)
{
	size_t len = 0, cap = 64 * 1024;
	char *buf = NULL, *grown;
	ssize_t n;
	int fd, rc;
	struct stat st = { 0 };

	memset(out, 0, sizeof(*out));
	out->path = d->path;
	/* O_NONBLOCK: a FIFO named as the rules must not hang a reload. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		diag_error_file(d, "cannot read: %s", strerror(errno));
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_error_file(d, "cannot read: %s",
				S_ISDIR(st.st_mode) ? strerror(EISDIR) :
						      "not a regular file");
		close(fd);
		return -EINVAL;
	}
	for (;;) {
		if (len == cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > (size_t)AST_FILE_MAX + 1)
				cap = (size_t)AST_FILE_MAX + 1;
			grown = realloc(buf, cap);
			if (!grown) {
				diag_error_file(d, "cannot read: %s",
						strerror(ENOMEM));
				rc = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error_file(d, "cannot read: %s", strerror(errno));
			rc = -EINVAL;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > AST_FILE_MAX) {
			diag_error_file(d, "file larger than %u bytes",
					AST_FILE_MAX);
			rc = -EINVAL;
			goto out;
		}
	}
	rc = lang_parse(a, d, buf, len, out);
out:
	free(buf);
	close(fd);
	return rc;
}
