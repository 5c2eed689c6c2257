/* SPDX-License-Identifier: MIT */
/*
 * diag.h - collected diagnostics for rule and configuration files.
 *
 * Every message is one line, "path:line:col: error: text", formatted when
 * it is reported and kept in order; nothing is printed here (the caller
 * prints them all, then exits 2 without installing anything).  After
 * AST_ERRORS_MAX errors one last "too many errors" line is kept and the
 * rest are counted only.
 */
#ifndef RIPOSTE_LANG_DIAG_H
#define RIPOSTE_LANG_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "ast.h"

struct diag {
	const char *path;
	char **msgs; /* malloc'd, each malloc'd */
	size_t n;
	size_t cap;
	size_t dropped; /* errors past the limit */
	int oom;
};

void diag_init(struct diag *d, const char *path);
void diag_cleanup(struct diag *d);

/* Adds "path:line:col: error: " + the formatted text. */
void diag_error(struct diag *d, struct ast_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Adds "path: error: " + the formatted text: an error about the file as a
 * whole (it cannot be read, it is too large), which has no position.
 */
void diag_error_file(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Errors so far (the "too many errors" line included). */
size_t diag_count(const struct diag *d);

/* Writes every message, one per line. */
void diag_print(const struct diag *d, FILE *out);

#endif
