/* SPDX-License-Identifier: MIT */
/*
 * parse.h - rule-file parser: source text to struct ast_file.
 */
#ifndef RIPOSTE_LANG_PARSE_H
#define RIPOSTE_LANG_PARSE_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/*
 * Parses len bytes of src (need not be NUL-terminated) into *out.  Every
 * node is allocated in a; every error goes to d, and parsing goes on after
 * an error (resynchronising at the next statement or item) so that all of
 * them are reported.  Returns 0 when d holds no error, -EINVAL otherwise
 * (*out is then partial and only fit for freeing with the arena).
 */
int lang_parse(struct arena *a, struct diag *d, const char *src, size_t len,
	       struct ast_file *out);

/* Reads path (at most AST_FILE_MAX bytes) and parses it; errors as above,
 * an unreadable file being one error at 0:0. */
int lang_parse_file(struct arena *a, struct diag *d, const char *path,
		    struct ast_file *out);

#endif
