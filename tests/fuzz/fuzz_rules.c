/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rules.c - libFuzzer target for the rule language.
 *
 * One input is one rule file.  It goes through the lexer and the parser
 * (lang_parse), then, when it parses, through the compiler
 * (ruleset_compile: tcpdump filters, templates, expressions, host blocks,
 * dispatch tables) and everything `riposte check` prints: the expanded
 * rules, the capture filter and the nftables text.  Besides the sanitizers,
 * the target checks what the design promises and abort()s otherwise:
 *
 *   - a parse or compile fails if and only if it reported an error, and
 *     never reports more than AST_ERRORS_MAX errors plus one "too many";
 *   - every message is one line, "fuzz.rules:LINE:COL: error: ..." or
 *     "fuzz.rules: error: ...";
 *   - the capture filter of a compiled rule set compiles with libpcap
 *     (`riposte check` and the live engine both depend on it).
 *
 * `file "..."` in a rule file reads the named file (relative to the
 * working directory): the fuzzer may read files, never write them.
 *
 *   make fuzz && build/fuzz/fuzz_rules -dict=tests/fuzz/rules.dict \
 *           tests/fuzz/corpus/rules
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lang/arena.h"
#include "lang/diag.h"
#include "lang/parse.h"

#define PATH "fuzz.rules"
#define ARENA_LIMIT (256u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
	static FILE *out;

	if (!out) {
		out = fopen("/dev/null", "w");
		if (!out)
			abort();
	}
	return out;
}

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_rules: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* "fuzz.rules:L:C: error: ..." or "fuzz.rules: error: ...", one line. */
static void check_messages(const struct diag *d)
{
	size_t i, plen = strlen(PATH);

	if (d->n > AST_ERRORS_MAX + 1)
		fail("more messages than AST_ERRORS_MAX + 1", NULL);
	for (i = 0; i < d->n; i++) {
		const char *m = d->msgs[i], *s;
		unsigned line, col;
		int k = 0;

		if (strchr(m, '\n'))
			fail("a message spans lines", m);
		if (strncmp(m, PATH, plen) != 0)
			fail("a message does not start with the path", m);
		s = m + plen;
		if (strncmp(s, ": error: ", 9) == 0)
			continue;
		if (sscanf(s, ":%u:%u: error: %n", &line, &col, &k) != 2 || !k)
			fail("a message is not path:line:col: error:", m);
	}
}

static void check_capture_filter(const struct ruleset *rs)
{
	struct bpf_program prog;
	char *filter = ruleset_capture_filter(rs);
	pcap_t *dead;

	if (!filter)
		fail("ruleset_capture_filter returned NULL", NULL);
	fputs(filter, devnull());
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead)
		abort();
	if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "fuzz_rules: capture filter \"%s\": %s\n",
			filter, pcap_geterr(dead));
		abort();
	}
	pcap_freecode(&prog);
	pcap_close(dead);
	free(filter);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *out = devnull();
	struct ruleset *rs = NULL;
	struct ast_file f;
	struct arena a;
	struct diag d;
	int rc;

	arena_init(&a, ARENA_LIMIT);
	diag_init(&d, PATH);
	memset(&f, 0, sizeof(f));
	rc = lang_parse(&a, &d, (const char *)data, size, &f);
	if ((rc == 0) != (diag_count(&d) == 0))
		fail(rc ? "lang_parse failed without an error" :
			  "lang_parse succeeded with an error",
		     NULL);
	if (rc == 0) {
		f.path = PATH;
		rc = ruleset_compile(&f, &d, &rs);
		if (rc < 0 && rc != -ENOMEM && !diag_count(&d))
			fail("ruleset_compile failed without an error", NULL);
		if (rc == 0 && diag_count(&d))
			fail("ruleset_compile succeeded with an error", NULL);
		if (rc == 0) {
			ruleset_print_rules(rs, out);
			ruleset_print_nft(rs, out, "eth0");
			check_capture_filter(rs);
			ruleset_free(rs);
		}
	}
	check_messages(&d);
	diag_print(&d, out);
	diag_cleanup(&d);
	arena_cleanup(&a);
	return 0;
}
