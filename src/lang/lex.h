/* SPDX-License-Identifier: MIT */
/*
 * lex.h - the rule-file lexer.
 *
 * The parser pulls tokens one at a time; each carries its line and column
 * (1-based, columns count bytes) so that every error can say
 * file:line:col.  Newlines are whitespace, '#' starts a comment to the end
 * of the line.  The lexer never allocates: token text points into the
 * source buffer, and a string's value is decoded on demand by
 * lex_string_value().  Hard limits (line length, string size) produce
 * error tokens with their own messages; a line too long is reported once,
 * at its first byte past the limit (column LEX_LINE_MAX + 1), and the rest
 * of it is skipped.
 */
#ifndef RIPOSTE_LANG_LEX_H
#define RIPOSTE_LANG_LEX_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define LEX_LINE_MAX 4096 /* bytes in one line */
#define LEX_STRING_MAX 65536 /* decoded bytes in one string */

enum lex_tok {
	TOK_EOF,
	TOK_ERROR, /* text is the message, static */
	TOK_IDENT, /* letters, digits, '_' and '.', not starting with a digit */
	TOK_NUM, /* decimal or 0x hex, fits 64 bits */
	TOK_STRING, /* "..." with \n \r \t \\ \" \xHH escapes */
	TOK_REGEX, /* /.../ where the parser asks for one */
	TOK_WORD, /* an address-like word where the parser asks for one */
	TOK_PUNCT, /* one of { } ( ) [ ] , ; = / + - * % & | ^ ~ < > !, or << >> */
};

struct lex_token {
	enum lex_tok kind;
	const char *text; /* into the source; for TOK_ERROR a message */
	size_t len;
	const char *raw; /* where the token starts in the source, errors too */
	unsigned line;
	unsigned col;
	uint64_t num; /* TOK_NUM */
	char op[3]; /* TOK_PUNCT, NUL-terminated */
};

struct lex {
	const char *src;
	size_t len;
	size_t off;
	unsigned line;
	size_t line_start;
};

void lex_init(struct lex *lx, const char *src, size_t len);

/* The value of a hex digit, or -1. */
int lex_hexval(int c);

/*
 * Writes len bytes of s as the rule language writes a string, without the
 * quotes around it: \" \\ \r \n \t, \xNN for the other unprintable bytes,
 * so that the lexer reads back the same bytes.
 */
void lex_write_string(FILE *out, const void *s, size_t len);

/* Reads the next token. */
void lex_next(struct lex *lx, struct lex_token *t);

/*
 * Reads an address-like word ([0-9A-Fa-f:.-] plus '/' for prefixes): an
 * IPv4 or IPv6 address or a MAC, which the ordinary lexer would split.
 * A word that starts with a letter and runs into other letters or digits
 * is a name ("arp"), read as lex_next() would; one that starts with a
 * digit or ':' takes the letters that follow ("10.0.0.1x"), so that a bad
 * address is one bad word.  Nothing address-like: as lex_next().
 */
void lex_word(struct lex *lx, struct lex_token *t);

/* Reads /regex/ (the opening slash is next in the source). */
void lex_regex(struct lex *lx, struct lex_token *t);

/*
 * Decodes a TOK_STRING's escapes into out (cap bytes).  Returns the decoded
 * length, or -1 when an escape is invalid (*bad_col set to its column
 * offset within the token).
 */
long lex_string_value(const struct lex_token *t, uint8_t *out, size_t cap,
		      size_t *bad_col);

#endif
