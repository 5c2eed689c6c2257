/* SPDX-License-Identifier: MIT */
/*
 * lex.c - rule-file lexer; see lex.h.  Every loop is bounded by the
 * source length; no token text is copied.
 */
#include <string.h>

#include "lex.h"

void lex_init(struct lex *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->len = src ? len : 0;
	lx->off = 0;
	lx->line = 1;
	lx->line_start = 0;
}

static int peek(const struct lex *lx, size_t ahead)
{
	if (lx->len - lx->off <= ahead)
		return -1;
	return (unsigned char)lx->src[lx->off + ahead];
}

static void start(struct lex *lx, struct lex_token *t)
{
	memset(t, 0, sizeof(*t));
	t->text = lx->src + lx->off;
	t->raw = t->text;
	t->line = lx->line;
	t->col = (unsigned)(lx->off - lx->line_start + 1);
}

static void fail(struct lex_token *t, const char *msg)
{
	t->kind = TOK_ERROR;
	t->text = msg;
	t->len = strlen(msg);
}

/* Steps over one byte, keeping line and column; false past a long line. */
static int advance(struct lex *lx)
{
	int c = peek(lx, 0);

	if (c < 0)
		return -1;
	lx->off++;
	if (c == '\n') {
		lx->line++;
		lx->line_start = lx->off;
	}
	return c;
}

static int line_too_long(const struct lex *lx)
{
	return lx->off - lx->line_start > LEX_LINE_MAX;
}

/* A line past the limit: blamed at its first byte past the limit. */
static void fail_line(struct lex *lx, struct lex_token *t)
{
	int c;

	fail(t, "line longer than 4096 bytes");
	t->line = lx->line;
	t->col = LEX_LINE_MAX + 1;
	while ((c = peek(lx, 0)) >= 0 && c != '\n')
		advance(lx);
}

static void skip_space(struct lex *lx)
{
	int c;

	while ((c = peek(lx, 0)) >= 0) {
		if (c == '#') {
			while ((c = peek(lx, 0)) >= 0 && c != '\n' &&
			       !line_too_long(lx))
				advance(lx);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(lx);
		} else {
			break;
		}
		if (line_too_long(lx))
			return;
	}
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int lex_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void lex_write_string(FILE *out, const void *s, size_t len)
{
	const unsigned char *b = s;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = b[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

static void lex_number(struct lex *lx, struct lex_token *t)
{
	uint64_t v = 0;
	int base = 10, c, d;

	t->kind = TOK_NUM;
	if (peek(lx, 0) == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'X')) {
		base = 16;
		advance(lx);
		advance(lx);
		if (lex_hexval(peek(lx, 0)) < 0) {
			fail(t, "hex number without digits");
			return;
		}
	}
	while ((c = peek(lx, 0)) >= 0) {
		d = base == 16 ? lex_hexval(c) : (is_digit(c) ? c - '0' : -1);
		if (d < 0)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			fail(t, "number does not fit in 64 bits");
			while (lex_hexval(peek(lx, 0)) >= 0)
				advance(lx);
			return;
		}
		v = v * (uint64_t)base + (uint64_t)d;
		advance(lx);
	}
	if (is_alpha(peek(lx, 0))) {
		fail(t, "letters right after a number");
		return;
	}
	t->num = v;
	t->len = (size_t)(lx->src + lx->off - t->text);
}

static void lex_str(struct lex *lx, struct lex_token *t)
{
	size_t n = 0;
	int c;

	t->kind = TOK_STRING;
	advance(lx); /* opening quote */
	for (;;) {
		c = peek(lx, 0);
		if (c < 0 || c == '\n') {
			fail(t, "string not closed on its line");
			return;
		}
		advance(lx);
		if (c == '"')
			break;
		if (c == '\\') {
			if (peek(lx, 0) < 0 || peek(lx, 0) == '\n') {
				fail(t, "string not closed on its line");
				return;
			}
			advance(lx);
		}
		if (++n > LEX_STRING_MAX) {
			fail(t, "string longer than 65536 bytes");
			while ((c = peek(lx, 0)) >= 0 && c != '\n')
				advance(lx);
			return;
		}
	}
	t->len = (size_t)(lx->src + lx->off - t->text);
}

static void lex_one(struct lex *lx, struct lex_token *t)
{
	static const char two[][3] = { "<<", ">>", "==", "!=", "<=", ">=" };
	static const char one[] = "{}()[],;=/+-*%&|^~<>!:";
	size_t i;
	int c;

	skip_space(lx);
	start(lx, t);
	c = peek(lx, 0);
	if (c < 0) {
		/* Before the line check: a long last line is reported once. */
		t->kind = TOK_EOF;
		return;
	}
	if (line_too_long(lx)) {
		fail_line(lx, t);
		return;
	}
	if (is_alpha(c)) {
		t->kind = TOK_IDENT;
		while ((c = peek(lx, 0)) >= 0 &&
		       (is_alpha(c) || is_digit(c) || c == '.'))
			advance(lx);
		t->len = (size_t)(lx->src + lx->off - t->text);
		if (t->text[t->len - 1] == '.')
			fail(t, "name ends with '.'");
		return;
	}
	if (is_digit(c)) {
		lex_number(lx, t);
		return;
	}
	if (c == '"') {
		lex_str(lx, t);
		return;
	}
	t->kind = TOK_PUNCT;
	for (i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		if (c == two[i][0] && peek(lx, 1) == two[i][1]) {
			memcpy(t->op, two[i], 3);
			advance(lx);
			advance(lx);
			t->len = 2;
			return;
		}
	}
	if (c && strchr(one, c)) {
		t->op[0] = (char)c;
		advance(lx);
		t->len = 1;
		return;
	}
	advance(lx);
	t->len = 1;
	fail(t,
	     c < 0x20 || c > 0x7e ? "unexpected byte" : "unexpected character");
}

/* The line limit, checked once a token has been read whole. */
static void check_line(struct lex *lx, struct lex_token *t)
{
	if (t->kind != TOK_ERROR && t->kind != TOK_EOF && line_too_long(lx))
		fail_line(lx, t);
}

void lex_next(struct lex *lx, struct lex_token *t)
{
	lex_one(lx, t);
	check_line(lx, t);
}

void lex_word(struct lex *lx, struct lex_token *t)
{
	int c;

	skip_space(lx);
	start(lx, t);
	t->kind = TOK_WORD;
	/* '-' too, so that a MAC written 02-00-... stays one (bad) word. */
	while ((c = peek(lx, 0)) >= 0 && (lex_hexval(c) >= 0 || c == ':' ||
					  c == '.' || c == '/' || c == '-'))
		advance(lx);
	t->len = (size_t)(lx->src + lx->off - t->text);
	c = peek(lx, 0);
	if (t->len && (is_alpha(c) || is_digit(c))) {
		/* "arp" starts with hex letters but is a name; "10.0.0.1x"
		 * is one bad word, not a word and a name. */
		if (is_alpha((unsigned char)t->text[0])) {
			t->len = 0;
			lx->off = (size_t)(t->text - lx->src);
		} else {
			while ((c = peek(lx, 0)) >= 0 &&
			       (is_alpha(c) || is_digit(c) || c == ':' ||
				c == '.' || c == '/' || c == '-'))
				advance(lx);
			t->len = (size_t)(lx->src + lx->off - t->text);
		}
	}
	if (!t->len) {
		lex_next(lx, t);
		return;
	}
	check_line(lx, t);
}

void lex_regex(struct lex *lx, struct lex_token *t)
{
	int c;

	skip_space(lx);
	start(lx, t);
	t->kind = TOK_REGEX;
	if (peek(lx, 0) != '/') {
		lex_next(lx, t);
		return;
	}
	advance(lx);
	for (;;) {
		c = peek(lx, 0);
		if (c < 0 || c == '\n') {
			fail(t, "regular expression not closed on its line");
			return;
		}
		advance(lx);
		if (c == '/')
			break;
		if (c == '\\' && peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
			advance(lx);
	}
	t->len = (size_t)(lx->src + lx->off - t->text);
	check_line(lx, t);
}

long lex_string_value(const struct lex_token *t, uint8_t *out, size_t cap,
		      size_t *bad_col)
{
	size_t i, n = 0;

	if (t->kind != TOK_STRING || t->len < 2)
		return -1;
	for (i = 1; i + 1 < t->len; i++) {
		unsigned char c = (unsigned char)t->text[i];

		if (c == '\\') {
			int h, l;

			*bad_col = i;
			c = (unsigned char)t->text[++i];
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case '0':
				c = 0;
				break;
			case '\\':
			case '"':
				break;
			case 'x':
				/* Two hex digits, both before the closing quote. */
				if (t->len - 1 - i < 3)
					return -1;
				h = lex_hexval((unsigned char)t->text[i + 1]);
				l = lex_hexval((unsigned char)t->text[i + 2]);
				if (h < 0 || l < 0)
					return -1;
				c = (unsigned char)(h << 4 | l);
				i += 2;
				break;
			default:
				return -1;
			}
		}
		if (n >= cap)
			return -1;
		out[n++] = c;
	}
	return (long)n;
}
