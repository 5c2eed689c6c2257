/* SPDX-License-Identifier: MIT */
/* diag.c - collected diagnostics; see diag.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void diag_init(struct diag *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->path = path;
}

void diag_cleanup(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

static void keep(struct diag *d, char *msg)
{
	if (!msg) {
		d->oom = 1;
		return;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 8;
		char **m = realloc(d->msgs, ncap * sizeof(*m));

		if (!m) {
			free(msg);
			d->oom = 1;
			return;
		}
		d->msgs = m;
		d->cap = ncap;
	}
	d->msgs[d->n++] = msg;
}

/*
 * A message is one line, whatever it quotes: a rule's string may hold a
 * "\n" escape, a path or libpcap's text a control byte.  Those become
 * \xNN.  Takes msg; returns it, or its escaped copy (NULL: out of memory).
 */
static char *one_line(char *msg)
{
	size_t i, n = 0, extra = 0;
	char *out;

	for (i = 0; msg[i]; i++)
		extra += (unsigned char)msg[i] < 0x20 || msg[i] == 0x7f ? 3 : 0;
	if (!extra)
		return msg;
	out = malloc(i + extra + 1);
	if (out)
		for (i = 0; msg[i]; i++) {
			unsigned char c = (unsigned char)msg[i];

			if (c < 0x20 || c == 0x7f) {
				snprintf(out + n, 5, "\\x%02x", c);
				n += 4;
			} else {
				out[n++] = (char)c;
			}
		}
	if (out)
		out[n] = '\0';
	free(msg);
	return out;
}

/* Formats and keeps one message; pos NULL for a file-wide error. */
__attribute__((format(printf, 3, 0))) static void
add(struct diag *d, const struct ast_pos *pos, const char *fmt, va_list ap)
{
	const char *path = d->path ? d->path : "-";
	char text[512], where[32] = "", *msg;
	int n;

	if (d->n > AST_ERRORS_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == AST_ERRORS_MAX)
		snprintf(text, sizeof(text), "too many errors, giving up");
	else
		vsnprintf(text, sizeof(text), fmt, ap);
	if (pos)
		snprintf(where, sizeof(where), ":%u:%u", pos->line, pos->col);
	n = snprintf(NULL, 0, "%s%s: error: %s", path, where, text);
	if (n < 0 || !(msg = malloc((size_t)n + 1))) {
		d->oom = 1;
		return;
	}
	snprintf(msg, (size_t)n + 1, "%s%s: error: %s", path, where, text);
	keep(d, one_line(msg));
}

void diag_error(struct diag *d, struct ast_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, &pos, fmt, ap);
	va_end(ap);
}

void diag_error_file(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, NULL, fmt, ap);
	va_end(ap);
}

size_t diag_count(const struct diag *d)
{
	return d->n + d->dropped + (size_t)d->oom;
}

void diag_print(const struct diag *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(out, "%s\n", d->msgs[i]);
	if (d->oom)
		fprintf(out,
			"%s: error: out of memory while reporting errors\n",
			d->path ? d->path : "-");
}
