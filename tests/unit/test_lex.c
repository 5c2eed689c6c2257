/* SPDX-License-Identifier: MIT */
/* test_lex.c - the rule-file lexer: tokens, positions, limits, escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang/lex.h"

static void next(struct lex *lx, struct lex_token *t, enum lex_tok kind,
		 const char *text, unsigned line, unsigned col)
{
	lex_next(lx, t);
	assert_int_equal(t->kind, kind);
	if (text) {
		assert_int_equal(t->len, strlen(text));
		assert_memory_equal(t->text, text, t->len);
	}
	assert_int_equal(t->line, line);
	assert_int_equal(t->col, col);
}

static void test_tokens_and_positions(void **state)
{
	const char *src = "rule syn {  # a comment\n"
			  "\tmatch \"tcp\"\n"
			  "  reply IP(ttl=0x40)/TCP(ack=tcp.seq+1, x=a<<2)\n}";
	struct lex lx;
	struct lex_token t;

	(void)state;
	lex_init(&lx, src, strlen(src));
	next(&lx, &t, TOK_IDENT, "rule", 1, 1);
	next(&lx, &t, TOK_IDENT, "syn", 1, 6);
	next(&lx, &t, TOK_PUNCT, "{", 1, 10);
	next(&lx, &t, TOK_IDENT, "match", 2, 2);
	next(&lx, &t, TOK_STRING, "\"tcp\"", 2, 8);
	next(&lx, &t, TOK_IDENT, "reply", 3, 3);
	next(&lx, &t, TOK_IDENT, "IP", 3, 9);
	next(&lx, &t, TOK_PUNCT, "(", 3, 11);
	next(&lx, &t, TOK_IDENT, "ttl", 3, 12);
	next(&lx, &t, TOK_PUNCT, "=", 3, 15);
	next(&lx, &t, TOK_NUM, "0x40", 3, 16);
	assert_int_equal(t.num, 64);
	next(&lx, &t, TOK_PUNCT, ")", 3, 20);
	next(&lx, &t, TOK_PUNCT, "/", 3, 21);
	next(&lx, &t, TOK_IDENT, "TCP", 3, 22);
	next(&lx, &t, TOK_PUNCT, "(", 3, 25);
	next(&lx, &t, TOK_IDENT, "ack", 3, 26);
	next(&lx, &t, TOK_PUNCT, "=", 3, 29);
	next(&lx, &t, TOK_IDENT, "tcp.seq", 3, 30);
	next(&lx, &t, TOK_PUNCT, "+", 3, 37);
	next(&lx, &t, TOK_NUM, "1", 3, 38);
	assert_int_equal(t.num, 1);
	next(&lx, &t, TOK_PUNCT, ",", 3, 39);
	next(&lx, &t, TOK_IDENT, "x", 3, 41);
	next(&lx, &t, TOK_PUNCT, "=", 3, 42);
	next(&lx, &t, TOK_IDENT, "a", 3, 43);
	next(&lx, &t, TOK_PUNCT, "<<", 3, 44);
	assert_string_equal(t.op, "<<");
	next(&lx, &t, TOK_NUM, "2", 3, 46);
	next(&lx, &t, TOK_PUNCT, ")", 3, 47);
	next(&lx, &t, TOK_PUNCT, "}", 4, 1);
	next(&lx, &t, TOK_EOF, NULL, 4, 2);
	next(&lx, &t, TOK_EOF, NULL, 4, 2);
}

static void test_numbers(void **state)
{
	struct lex lx;
	struct lex_token t;
	const char *max = "18446744073709551615 18446744073709551616 0x 12ab "
			  "0xffffffffffffffff";

	(void)state;
	lex_init(&lx, max, strlen(max));
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_NUM);
	assert_true(t.num == UINT64_MAX);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "number does not fit in 64 bits");
	assert_int_equal(t.col, 22);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "hex number without digits");
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "letters right after a number");
	lex_next(&lx, &t); /* the "ab" left over */
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_NUM);
	assert_true(t.num == UINT64_MAX);
}

static void test_strings(void **state)
{
	const char *src = "\"a\\r\\n\\x41\\\"\\\\\\0\" \"bad\\q\" \"\\x4\" "
			  "\"open\n";
	struct lex lx;
	struct lex_token t;
	uint8_t out[16];
	size_t bad = 0;

	(void)state;
	lex_init(&lx, src, strlen(src));
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(lex_string_value(&t, out, sizeof(out), &bad), 7);
	assert_memory_equal(out, "a\r\nA\"\\\0", 7);
	/* The decoded value never overflows the caller's buffer. */
	assert_int_equal(lex_string_value(&t, out, 3, &bad), -1);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(lex_string_value(&t, out, sizeof(out), &bad), -1);
	assert_int_equal(bad, 4);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(lex_string_value(&t, out, sizeof(out), &bad), -1);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "string not closed on its line");
	assert_int_equal(t.line, 1);
}

static void test_limits(void **state)
{
	size_t n = LEX_LINE_MAX + 10, i;
	char *src = malloc(n + 8);
	struct lex lx;
	struct lex_token t;

	(void)state;
	assert_non_null(src);
	for (i = 0; i < n; i++)
		src[i] = 'a';
	memcpy(src + n, "\nok", 3);
	lex_init(&lx, src, n + 3);
	lex_next(&lx, &t); /* the identifier runs past the limit */
	assert_int_equal(t.kind, TOK_ERROR);
	assert_int_equal(t.line, 1);
	assert_int_equal(t.col, LEX_LINE_MAX + 1);
	assert_string_equal(t.text, "line longer than 4096 bytes");
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_IDENT);
	assert_int_equal(t.line, 2);
	free(src);
}

static void test_words_regex_bytes(void **state)
{
	const char *src = "2001:db8::10, 02:00:00:00:00:0a 198.51.100.0/24 "
			  "/GET \\/x/ /open\n\x01 @";
	struct lex lx;
	struct lex_token t;

	(void)state;
	lex_init(&lx, src, strlen(src));
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.len, strlen("2001:db8::10"));
	lex_next(&lx, &t);
	assert_string_equal(t.op, ",");
	lex_word(&lx, &t);
	assert_int_equal(t.len, strlen("02:00:00:00:00:0a"));
	lex_word(&lx, &t);
	assert_int_equal(t.len, strlen("198.51.100.0/24"));
	lex_regex(&lx, &t);
	assert_int_equal(t.kind, TOK_REGEX);
	assert_int_equal(t.len, strlen("/GET \\/x/"));
	lex_regex(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "unexpected byte");
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_string_equal(t.text, "unexpected character");
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_EOF);
}

static void test_word_edges(void **state)
{
	const char *src = "02-00-00-00-00-0a arp face:b00c::1 192.0.2.1x "
			  "dead\n2001:db8::1{";
	struct lex lx;
	struct lex_token t;

	(void)state;
	lex_init(&lx, src, strlen(src));
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.len, strlen("02-00-00-00-00-0a"));
	/* A name that starts with hex letters stays a name. */
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_IDENT);
	assert_int_equal(t.len, 3);
	assert_int_equal(t.col, 19);
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.len, strlen("face:b00c::1"));
	/* Letters after a numeric word make one bad word. */
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.len, strlen("192.0.2.1x"));
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.len, 4);
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_WORD);
	assert_int_equal(t.line, 2);
	assert_int_equal(t.len, strlen("2001:db8::1"));
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_PUNCT);
	assert_string_equal(t.op, "{");
	lex_word(&lx, &t);
	assert_int_equal(t.kind, TOK_EOF);
}

/* Error tokens still say where in the source they start. */
static void test_error_raw(void **state)
{
	const char *src = "a @ b";
	struct lex lx;
	struct lex_token t;

	(void)state;
	lex_init(&lx, src, strlen(src));
	lex_next(&lx, &t);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_ERROR);
	assert_ptr_equal(t.raw, src + 2);
	assert_int_equal(t.col, 3);
	lex_next(&lx, &t);
	assert_int_equal(t.kind, TOK_IDENT);
	assert_ptr_equal(t.raw, t.text);
}

/* Reads the first token of src with fn, then every token to the end;
 * returns the number of line errors, checking they are at col 4097. */
static int line_errors(const char *src, size_t len,
		       void (*fn)(struct lex *, struct lex_token *))
{
	struct lex lx;
	struct lex_token t;
	int errors = 0, n;

	lex_init(&lx, src, len);
	fn(&lx, &t);
	for (n = 0; n < 100000; n++) {
		if (t.kind == TOK_EOF)
			return errors;
		if (t.kind == TOK_ERROR &&
		    strcmp(t.text, "line longer than 4096 bytes") == 0) {
			assert_int_equal(t.col, LEX_LINE_MAX + 1);
			errors++;
		}
		lex_next(&lx, &t);
	}
	fail_msg("no end of file");
	return -1;
}

static void test_line_limit_edges(void **state)
{
	size_t n = LEX_LINE_MAX + 2, i;
	char *src = malloc(n + 1);

	(void)state;
	assert_non_null(src);
	for (i = 0; i < n; i++)
		src[i] = 'a';
	/* Exactly LEX_LINE_MAX bytes is fine, one more is not. */
	assert_int_equal(line_errors(src, LEX_LINE_MAX, lex_next), 0);
	assert_int_equal(line_errors(src, LEX_LINE_MAX + 1, lex_next), 1);
	/* Once per line, also when the line ends the file. */
	for (i = 0; i < n; i++)
		src[i] = '1';
	assert_int_equal(line_errors(src, n, lex_word), 1);
	src[0] = '/';
	src[n - 1] = '/';
	assert_int_equal(line_errors(src, n, lex_regex), 1);
	src[0] = '#';
	assert_int_equal(line_errors(src, n, lex_next), 1);
	for (i = 0; i < n; i++)
		src[i] = ' ';
	assert_int_equal(line_errors(src, n, lex_next), 1);
	src[n - 1] = 'x';
	assert_int_equal(line_errors(src, n, lex_next), 1);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_and_positions),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_words_regex_bytes),
		cmocka_unit_test(test_word_edges),
		cmocka_unit_test(test_error_raw),
		cmocka_unit_test(test_line_limit_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
