/* SPDX-License-Identifier: MIT */
/* conf.c - riposte.conf; see conf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define CONF_MAX (64u * 1024u)

enum kind { K_STR, K_BOOL, K_U64, K_INT };

static const struct {
	const char *key;
	enum kind kind;
	size_t off;
	unsigned long min, max; /* K_INT's range */
} keys[] = {
	{ "interface", K_STR, offsetof(struct run_conf, interface), 0, 0 },
	{ "rules", K_STR, offsetof(struct run_conf, rules), 0, 0 },
	{ "user", K_STR, offsetof(struct run_conf, user), 0, 0 },
	{ "log", K_STR, offsetof(struct run_conf, log), 0, 0 },
	{ "firewall", K_BOOL, offsetof(struct run_conf, firewall), 0, 0 },
	{ "verbose", K_BOOL, offsetof(struct run_conf, verbose), 0, 0 },
	{ "seed", K_U64, offsetof(struct run_conf, seed), 0, 0 },
	{ "snaplen", K_INT, offsetof(struct run_conf, snaplen),
	  CONF_SNAPLEN_MIN, CONF_SNAPLEN_MAX },
	{ "buffer-size", K_INT, offsetof(struct run_conf, buffer_size), 0,
	  CONF_BUFFER_MAX },
	{ "flows-max", K_INT, offsetof(struct run_conf, flows_max), 1,
	  CONF_FLOWS_MAX },
	{ "write", K_STR, offsetof(struct run_conf, write), 0, 0 },
	{ "stats-interval", K_INT, offsetof(struct run_conf, stats_interval), 0,
	  CONF_STATS_MAX },
};

static struct ast_pos at(unsigned line, const char *start, const char *p)
{
	struct ast_pos pos = { line, (unsigned)(p - start) + 1 };

	return pos;
}

/* One line, NUL-terminated, edited in place. */
static void conf_line(char *s, unsigned line, struct run_conf *c,
		      struct diag *d)
{
	char *p = s, *key, *val, *end;
	size_t i;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return;
	key = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	end = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=') {
		diag_error(d, at(line, s, p), "expected '=' after '%.*s'",
			   (int)(end - key), key);
		return;
	}
	*end = 0;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	val = p;
	if (*p == '"') {
		val = ++p;
		while (*p && *p != '"')
			p++;
		if (*p != '"') {
			diag_error(d, at(line, s, val - 1),
				   "string not closed on its line");
			return;
		}
		*p++ = 0;
	} else {
		while (*p && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		/* A '#' right after the value starts the comment: keep it. */
		if (*p == '#')
			*p = 0;
		else if (*p)
			*p++ = 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '#') {
		diag_error(d, at(line, s, p), "unexpected '%s' after the value",
			   p);
		return;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, key) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		diag_error(d, at(line, s, key),
			   "unknown key '%s' (interface, rules, user, log, "
			   "firewall, verbose, seed, snaplen, buffer-size, "
			   "flows-max, write, stats-interval)",
			   key);
		return;
	}
	switch (keys[i].kind) {
	case K_STR:
		if (!*val) {
			diag_error(d, at(line, s, val), "%s needs a value",
				   key);
			return;
		}
		*(const char **)(void *)((char *)c + keys[i].off) = val;
		break;
	case K_BOOL:
		if (strcmp(val, "on") && strcmp(val, "off") &&
		    strcmp(val, "yes") && strcmp(val, "no")) {
			diag_error(d, at(line, s, val),
				   "%s is on or off, not '%s'", key, val);
			return;
		}
		*(int *)(void *)((char *)c + keys[i].off) =
			!strcmp(val, "on") || !strcmp(val, "yes");
		break;
	case K_U64:
	case K_INT: {
		char *e;
		unsigned long long v;

		errno = 0;
		v = strtoull(val, &e, 0);
		if (errno || !*val || *e || *val == '-' ||
		    (keys[i].kind == K_INT &&
		     (v < keys[i].min || v > keys[i].max))) {
			diag_error(d, at(line, s, val),
				   "bad number '%s' for %s", val, key);
			return;
		}
		if (keys[i].kind == K_U64) {
			c->seed = v;
			c->has_seed = true;
		} else {
			*(int *)(void *)((char *)c + keys[i].off) = (int)v;
		}
		break;
	}
	}
}

int conf_load(const char *path, struct run_conf *c, struct diag *d)
{
	FILE *f = fopen(path, "r");
	size_t n;
	char *s, *nl;
	unsigned line = 1;

	if (!f) {
		int e = errno; /* diag_error_file may change errno */

		diag_error_file(d, "cannot read: %s", strerror(e));
		return -e;
	}
	free(c->store);
	c->store = malloc(CONF_MAX + 1);
	if (!c->store) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(c->store, 1, CONF_MAX + 1, f);
	fclose(f);
	if (n > CONF_MAX) {
		diag_error_file(d, "larger than %u bytes", CONF_MAX);
		return -EINVAL;
	}
	c->store[n] = 0;
	if (strlen(c->store) != n) {
		diag_error_file(d, "holds a NUL byte");
		return -EINVAL;
	}
	for (s = c->store; s && *s; s = nl, line++) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = 0;
		conf_line(s, line, c, d);
	}
	return diag_count(d) ? -EINVAL : 0;
}

void conf_cleanup(struct run_conf *c)
{
	free(c->store);
	c->store = NULL;
}
