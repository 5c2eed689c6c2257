/* SPDX-License-Identifier: MIT */
/*
 * test_parse.c - the rule-file parser: the AST of a good file with its
 * positions, expressions and their precedence, the exact message of every
 * error, every hard limit, files (unreadable, a directory, a NUL byte, too
 * large), the broken files of tests/errors, and every prefix and many
 * mutations of a good file (under ASan with `make SAN=1 unit`).
 *
 * Sources are parsed from exact-size heap copies that are scribbled over
 * and freed before the AST is read, so that ASan catches a read past the
 * end and the tests catch an AST pointing into the source.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lang/lex.h"
#include "lang/parse.h"

struct parsed {
	struct arena a;
	struct diag d;
	struct ast_file f;
	int rc;
};

static void parse_n(struct parsed *ps, const char *src, size_t len)
{
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, src, len);
	arena_init(&ps->a, 0);
	diag_init(&ps->d, "t.rules");
	ps->rc = lang_parse(&ps->a, &ps->d, copy, len, &ps->f);
	memset(copy, 'X', len);
	free(copy);
}

static void parse(struct parsed *ps, const char *src)
{
	parse_n(ps, src, strlen(src));
}

static void done(struct parsed *ps)
{
	diag_cleanup(&ps->d);
	arena_cleanup(&ps->a);
}

/* Every message, each ending in '\n'; malloc'd. */
static char *messages(const struct diag *d)
{
	size_t i, n = 1;
	char *s;

	for (i = 0; i < d->n; i++)
		n += strlen(d->msgs[i]) + 1;
	s = malloc(n);
	assert_non_null(s);
	s[0] = '\0';
	for (i = 0; i < d->n; i++) {
		strcat(s, d->msgs[i]);
		strcat(s, "\n");
	}
	return s;
}

static void expect_ok(const char *src)
{
	struct parsed ps;
	char *m;

	parse(&ps, src);
	m = messages(&ps.d);
	if (ps.rc != 0)
		fail_msg("unexpected errors for <<%.100s>>:\n%s", src, m);
	free(m);
	done(&ps);
}

static void expect_errors(const char *src, const char *want)
{
	struct parsed ps;
	char *m;

	parse(&ps, src);
	m = messages(&ps.d);
	if (strcmp(m, want) != 0)
		fail_msg("for <<%.100s>>\nwant:\n%sgot:\n%s", src, want, m);
	assert_int_equal(ps.rc, -EINVAL);
	free(m);
	done(&ps);
}

/* ---- an expression as a Lisp-like string: (+ tcp.seq 1) ---- */

static void put(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(char *out, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + n, cap - n, fmt, ap);
	va_end(ap);
}

static void dump(const struct ast_expr *e, char *out, size_t cap)
{
	size_t i;

	switch (e->kind) {
	case AST_NUM:
		put(out, cap, "%llu", (unsigned long long)e->num);
		break;
	case AST_STR:
		put(out, cap, "\"");
		for (i = 0; i < e->len; i++) {
			if (e->str[i] >= 0x20 && e->str[i] < 0x7f)
				put(out, cap, "%c", e->str[i]);
			else
				put(out, cap, "\\x%02x", e->str[i]);
		}
		assert_int_equal(e->str[e->len], 0);
		put(out, cap, "\"");
		break;
	case AST_NAME:
		put(out, cap, "%s", e->name);
		break;
	case AST_UNARY:
		put(out, cap, "(%s ", e->op);
		dump(e->a, out, cap);
		put(out, cap, ")");
		break;
	case AST_BINARY:
		put(out, cap, "(%s ", e->op);
		dump(e->a, out, cap);
		put(out, cap, " ");
		dump(e->b, out, cap);
		put(out, cap, ")");
		break;
	case AST_LIST:
	case AST_TUPLE:
		put(out, cap, e->kind == AST_LIST ? "[" : "(tuple");
		for (i = 0; i < e->n; i++) {
			if (i || e->kind == AST_TUPLE)
				put(out, cap, " ");
			dump(e->items[i], out, cap);
		}
		put(out, cap, e->kind == AST_LIST ? "]" : ")");
		break;
	}
}

static void assert_pos(struct ast_pos pos, unsigned line, unsigned col)
{
	if (pos.line != line || pos.col != col)
		fail_msg("position %u:%u, want %u:%u", pos.line, pos.col, line,
			 col);
}

/* ---- a good file, field by field ---- */

static const char good[] =
	"set seed 1\n"
	"host 198.51.100.10, 2001:db8::10 {\n"
	"\tmac 02:00:00:00:00:0a\n"
	"\tpersonality windows\n"
	"\tarp on; nd off\n"
	"\tping on\n"
	"\ttcp 22 open { banner \"SSH-2.0-x\\r\\n\" }\n"
	"\ttcp 80 open {\n"
	"\t\ton \"GET \" { send file \"http.txt\"; close }\n"
	"\t\ton /^POST \\/x/ { wait 10 ms; send hex \"de ad\"; reset }\n"
	"\t\ton any { echo }\n"
	"\t}\n"
	"\ttcp 443 closed\n"
	"\ttcp 1000-2000, 3000 tarpit\n"
	"\ttcp * filtered\n"
	"\tudp 53 open { reply hex \"00 01\" }\n"
	"\tudp * closed\n"
	"}\n"
	"rule syn {\n"
	"\tmatch \"tcp[tcpflags] == tcp-syn\"\n"
	"\treply Ether()/IP(ttl=128)/TCP(flags=\"SA\", ack=tcp.seq+1,\n"
	"\t    options=[(\"MSS\",1460),(\"SAckOK\",b\"\"),(\"NOP\",None)])\n"
	"\tlimit 100/s per source\n"
	"\tlog\n"
	"}\n"
	"rule bump { match \"udp\"; forward udp.dport = 10000, "
	"ip.ttl = ip.ttl - 1 }\n"
	"rule quiet { drop }\n";

static void check_host(const struct ast_host *h)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t a4[4] = { 198, 51, 100, 10 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x0a };
	const struct ast_ports *pp;
	const struct ast_trigger *tr;

	assert_pos(h->pos, 2, 1);
	assert_int_equal(h->n_addrs, 2);
	assert_int_equal(h->addrs[0].family, AF_INET);
	assert_memory_equal(h->addrs[0].a, a4, 4);
	assert_pos(h->addrs[0].pos, 2, 6);
	assert_int_equal(h->addrs[1].family, AF_INET6);
	assert_memory_equal(h->addrs[1].a, a6, 16);
	assert_pos(h->addrs[1].pos, 2, 21);
	assert_true(h->has_mac);
	assert_memory_equal(h->mac, mac, 6);
	assert_pos(h->mac_pos, 3, 6);
	assert_string_equal(h->personality, "windows");
	assert_pos(h->personality_pos, 4, 14);
	assert_int_equal(h->arp, AST_ON);
	assert_int_equal(h->nd, AST_OFF);
	assert_int_equal(h->ping, AST_ON);
	assert_int_equal(h->n_ports, 7);

	pp = &h->ports[0];
	assert_pos(pp->pos, 7, 2);
	assert_int_equal(pp->proto, AST_TCP);
	assert_int_equal(pp->policy, AST_OPEN);
	assert_int_equal(pp->n_ranges, 1);
	assert_int_equal(pp->ranges[0].lo, 22);
	assert_int_equal(pp->ranges[0].hi, 22);
	assert_true(pp->service.has_banner);
	assert_int_equal(pp->service.banner.kind, AST_DATA_STRING);
	assert_int_equal(pp->service.banner.len, 11);
	assert_memory_equal(pp->service.banner.bytes, "SSH-2.0-x\r\n", 11);
	assert_pos(pp->service.banner.pos, 7, 23);
	assert_int_equal(pp->service.n_triggers, 0);

	pp = &h->ports[1];
	assert_int_equal(pp->service.n_triggers, 3);
	assert_false(pp->service.has_banner);
	tr = &pp->service.triggers[0];
	assert_int_equal(tr->kind, AST_TRIG_PREFIX);
	assert_int_equal(tr->len, 4);
	assert_memory_equal(tr->text, "GET ", 4);
	assert_pos(tr->pos, 9, 6);
	assert_int_equal(tr->n_acts, 2);
	assert_int_equal(tr->acts[0].kind, AST_SACT_SEND);
	assert_pos(tr->acts[0].pos, 9, 15);
	assert_int_equal(tr->acts[0].data.kind, AST_DATA_FILE);
	assert_string_equal((const char *)tr->acts[0].data.bytes, "http.txt");
	assert_int_equal(tr->acts[1].kind, AST_SACT_CLOSE);
	assert_pos(tr->acts[1].pos, 9, 37);
	tr = &pp->service.triggers[1];
	assert_int_equal(tr->kind, AST_TRIG_REGEX);
	assert_string_equal((const char *)tr->text, "^POST /x");
	assert_int_equal(tr->len, 8);
	assert_pos(tr->pos, 10, 6);
	assert_int_equal(tr->n_acts, 3);
	assert_int_equal(tr->acts[0].kind, AST_SACT_WAIT);
	assert_int_equal(tr->acts[0].ms, 10);
	assert_pos(tr->acts[0].pos, 10, 20);
	assert_int_equal(tr->acts[1].data.kind, AST_DATA_HEX);
	assert_int_equal(tr->acts[1].data.len, 2);
	assert_memory_equal(tr->acts[1].data.bytes, "\xde\xad", 2);
	assert_pos(tr->acts[1].data.pos, 10, 37);
	assert_int_equal(tr->acts[2].kind, AST_SACT_RESET);
	assert_pos(tr->acts[2].pos, 10, 50);
	tr = &pp->service.triggers[2];
	assert_int_equal(tr->kind, AST_TRIG_ANY);
	assert_pos(tr->pos, 11, 6);
	assert_int_equal(tr->n_acts, 1);
	assert_int_equal(tr->acts[0].kind, AST_SACT_ECHO);
	assert_pos(tr->acts[0].pos, 11, 12);

	assert_int_equal(h->ports[2].policy, AST_CLOSED);
	assert_int_equal(h->ports[2].ranges[0].lo, 443);
	pp = &h->ports[3];
	assert_pos(pp->pos, 14, 2);
	assert_int_equal(pp->policy, AST_TARPIT);
	assert_int_equal(pp->n_ranges, 2);
	assert_int_equal(pp->ranges[0].lo, 1000);
	assert_int_equal(pp->ranges[0].hi, 2000);
	assert_int_equal(pp->ranges[1].lo, 3000);
	assert_int_equal(pp->ranges[1].hi, 3000);
	assert_false(pp->any);
	pp = &h->ports[4];
	assert_true(pp->any);
	assert_int_equal(pp->policy, AST_FILTERED);
	assert_int_equal(pp->n_ranges, 1);
	assert_int_equal(pp->ranges[0].lo, 0);
	assert_int_equal(pp->ranges[0].hi, 65535);
	pp = &h->ports[5];
	assert_pos(pp->pos, 16, 2);
	assert_int_equal(pp->proto, AST_UDP);
	assert_int_equal(pp->policy, AST_OPEN);
	assert_true(pp->has_udp_reply);
	assert_int_equal(pp->udp_reply.kind, AST_DATA_HEX);
	assert_int_equal(pp->udp_reply.len, 2);
	assert_memory_equal(pp->udp_reply.bytes, "\x00\x01", 2);
	assert_pos(pp->udp_reply.pos, 16, 22);
	assert_int_equal(h->ports[6].proto, AST_UDP);
	assert_true(h->ports[6].any);
	assert_int_equal(h->ports[6].policy, AST_CLOSED);
	assert_false(h->ports[6].has_udp_reply);
}

static void test_good_file(void **state)
{
	const struct ast_rule *r;
	const struct ast_layer *l;
	struct parsed ps;
	char out[512];

	(void)state;
	parse(&ps, good);
	assert_int_equal(ps.rc, 0);
	assert_int_equal(diag_count(&ps.d), 0);
	assert_string_equal(ps.f.path, "t.rules");
	assert_int_equal(ps.f.n_stmts, 5);

	assert_int_equal(ps.f.stmts[0].kind, AST_STMT_SET);
	assert_string_equal(ps.f.stmts[0].u.set.name, "seed");
	assert_pos(ps.f.stmts[0].u.set.pos, 1, 1);
	assert_int_equal(ps.f.stmts[0].u.set.value->kind, AST_NUM);
	assert_int_equal(ps.f.stmts[0].u.set.value->num, 1);
	assert_pos(ps.f.stmts[0].u.set.value->pos, 1, 10);

	assert_int_equal(ps.f.stmts[1].kind, AST_STMT_HOST);
	check_host(&ps.f.stmts[1].u.host);

	assert_int_equal(ps.f.stmts[2].kind, AST_STMT_RULE);
	r = &ps.f.stmts[2].u.rule;
	assert_pos(r->pos, 19, 1);
	assert_string_equal(r->name, "syn");
	assert_string_equal(r->match, "tcp[tcpflags] == tcp-syn");
	assert_pos(r->match_pos, 20, 8);
	assert_int_equal(r->action, AST_ACT_REPLY);
	assert_pos(r->action_pos, 21, 2);
	assert_int_equal(r->tmpl.n_layers, 3);
	assert_pos(r->tmpl.pos, 21, 8);
	l = r->tmpl.layers;
	assert_string_equal(l[0].name, "Ether");
	assert_int_equal(l[0].n_args, 0);
	assert_string_equal(l[1].name, "IP");
	assert_pos(l[1].pos, 21, 16);
	assert_int_equal(l[1].n_args, 1);
	assert_string_equal(l[1].args[0].name, "ttl");
	assert_pos(l[1].args[0].pos, 21, 19);
	assert_int_equal(l[1].args[0].value->num, 128);
	assert_pos(l[1].args[0].value->pos, 21, 23);
	assert_string_equal(l[2].name, "TCP");
	assert_pos(l[2].pos, 21, 28);
	assert_int_equal(l[2].n_args, 3);
	assert_string_equal(l[2].args[0].name, "flags");
	assert_pos(l[2].args[0].pos, 21, 32);
	out[0] = '\0';
	dump(l[2].args[0].value, out, sizeof(out));
	assert_string_equal(out, "\"SA\"");
	assert_string_equal(l[2].args[1].name, "ack");
	assert_pos(l[2].args[1].value->pos, 21, 55);
	out[0] = '\0';
	dump(l[2].args[1].value, out, sizeof(out));
	assert_string_equal(out, "(+ tcp.seq 1)");
	assert_string_equal(l[2].args[2].name, "options");
	assert_pos(l[2].args[2].pos, 22, 6);
	assert_int_equal(l[2].args[2].value->kind, AST_LIST);
	assert_pos(l[2].args[2].value->pos, 22, 14);
	assert_pos(l[2].args[2].value->items[0]->pos, 22, 15);
	assert_pos(l[2].args[2].value->items[1]->items[1]->pos, 22, 38);
	assert_pos(l[2].args[2].value->items[2]->items[1]->pos, 22, 50);
	out[0] = '\0';
	dump(l[2].args[2].value, out, sizeof(out));
	assert_string_equal(out,
			    "[(tuple \"MSS\" 1460) (tuple \"SAckOK\" \"\") "
			    "(tuple \"NOP\" None)]");
	assert_int_equal(r->limit, 100);
	assert_true(r->limit_per_source);
	assert_pos(r->limit_pos, 23, 2);
	assert_true(r->log);

	r = &ps.f.stmts[3].u.rule;
	assert_pos(r->pos, 26, 1);
	assert_string_equal(r->name, "bump");
	assert_string_equal(r->match, "udp");
	assert_pos(r->match_pos, 26, 19);
	assert_int_equal(r->action, AST_ACT_FORWARD);
	assert_pos(r->action_pos, 26, 26);
	assert_int_equal(r->n_assigns, 2);
	assert_string_equal(r->assigns[0].field, "udp.dport");
	assert_pos(r->assigns[0].pos, 26, 34);
	assert_int_equal(r->assigns[0].value->num, 10000);
	assert_string_equal(r->assigns[1].field, "ip.ttl");
	assert_pos(r->assigns[1].pos, 26, 53);
	assert_pos(r->assigns[1].value->pos, 26, 69);
	out[0] = '\0';
	dump(r->assigns[1].value, out, sizeof(out));
	assert_string_equal(out, "(- ip.ttl 1)");
	assert_false(r->log);
	assert_int_equal(r->limit, 0);

	r = &ps.f.stmts[4].u.rule;
	assert_string_equal(r->name, "quiet");
	assert_int_equal(r->action, AST_ACT_DROP);
	assert_pos(r->action_pos, 27, 14);
	assert_null(r->match);
	done(&ps);
}

/* Separators, empty blocks, comments, layouts. */
static void test_good_variants(void **state)
{
	static const char *const ok[] = {
		"",
		"\n\n# only a comment",
		";;;",
		"rule a { }",
		"rule a { log }",
		"rule a{drop}rule b{drop};rule c{drop;log;}",
		"rule a { match \"tcp\"; }; set seed 0x10;",
		"rule a {\nreply\nIP\n(\nttl\n=\n1\n)\n/\nTCP\n(\n)\n}",
		"rule a { reply IP(ttl=1,) }",
		"rule a { reply Raw(load=[1, 2,]) }",
		"rule a { reply Raw(load=(1,)) }",
		"rule a { reply Raw(load=[]) }",
		"rule a { reply Raw(load=b\"x\\x00y\") }",
		"rule a { limit 4294967295/s }",
		"rule a { limit 1 / s per source }",
		"rule r.1_x { drop }",
		"host 198.51.100.1{ping off}",
		"host ::1, ::ffff:192.0.2.1, 2001:db8::1 { }",
		"host 192.0.2.1 { tcp 0-65535 closed; udp 0 filtered }",
		"host 192.0.2.1 { tcp 22,80,443 open; tcp 23 open {} }",
		"host 192.0.2.1 { tcp 80 open { on \"a\" {} on any {} } }",
		"host 192.0.2.1 { tcp 80 open { banner hex \"\" } }",
		"host 192.0.2.1 { udp 7 open { reply file \"a.bin\" } }",
		"host 192.0.2.1 { mac 02:AB:cd:00:00:00; personality freebsd }",
		"host 192.0.2.1 { tcp 1 open { on \"x\" { wait 4294967295 ms } } }",
		"set x random & ~0xff | now >> 3 ^ 5 % 2",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		expect_ok(ok[i]);
}

/* ---- expressions ---- */

static void test_expressions(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "1 | 2 ^ 3 & 4 << 5 + 6 * 7",
		  "(| 1 (^ 2 (& 3 (<< 4 (+ 5 (* 6 7))))))" },
		{ "1 * 2 + 3 << 4 & 5 ^ 6 | 7",
		  "(| (^ (& (<< (+ (* 1 2) 3) 4) 5) 6) 7)" },
		{ "10 - 3 - 2", "(- (- 10 3) 2)" },
		{ "10 / 3 % 2 * 4", "(* (% (/ 10 3) 2) 4)" },
		{ "1 << 2 >> 3", "(>> (<< 1 2) 3)" },
		{ "10 - (3 - 2)", "(- 10 (- 3 2))" },
		{ "-1", "(- 1)" },
		{ "~-~1", "(~ (- (~ 1)))" },
		{ "- -x", "(- (- x))" },
		{ "-2 * -3", "(* (- 2) (- 3))" },
		{ "a+-b", "(+ a (- b))" },
		{ "((((1))))", "1" },
		{ "0x10 + 0XfF", "(+ 16 255)" },
		{ "18446744073709551615", "18446744073709551615" },
		{ "tcp.options.tsval + now", "(+ tcp.options.tsval now)" },
		{ "\"a\\tb\\x41\\0\"", "\"a\\x09bA\\x00\"" },
		{ "hex \"41 42\"", "\"AB\"" },
		{ "hex \"\"", "\"\"" },
		{ "b\"\"", "\"\"" },
		{ "hex \"DEad BEef\"", "\"\\xde\\xad\\xbe\\xef\"" },
		{ "[]", "[]" },
		{ "[1]", "[1]" },
		{ "[1, [2, 3], (4, 5)]", "[1 [2 3] (tuple 4 5)]" },
		{ "(1,)", "(tuple 1)" },
		{ "(1, 2,)", "(tuple 1 2)" },
		{ "(\"Timestamp\", (tcp.options.tsval, 0))",
		  "(tuple \"Timestamp\" (tuple tcp.options.tsval 0))" },
		{ "[(\"SAck\", (1, 2))]", "[(tuple \"SAck\" (tuple 1 2))]" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed ps;
		char src[200], out[300] = "";

		snprintf(src, sizeof(src), "set x %s", cases[i].src);
		parse(&ps, src);
		if (ps.rc != 0) {
			char *m = messages(&ps.d);

			fail_msg("%s:\n%s", src, m);
		}
		dump(ps.f.stmts[0].u.set.value, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", src, out,
				 cases[i].want);
		done(&ps);
	}
}

/* ---- errors ---- */

#define E(line_col, msg) "t.rules:" line_col ": error: " msg "\n"

static void test_errors(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		/* top level */
		{ "rulez x { }",
		  E("1:1", "unknown keyword 'rulez' (expected rule, host or "
			   "set)") },
		{ "42", E("1:1", "expected rule, host or set, got '42'") },
		{ "}", E("1:1", "expected rule, host or set, got '}'") },
		{ "rule", E("1:5", "expected a rule name after 'rule', got end "
				   "of file") },
		{ "rule \"x\" { drop }",
		  E("1:6", "expected a rule name after 'rule', got '\"x\"'") },
		{ "rule x\n  match \"tcp\"\n  drop\n}\nrule y { drop }",
		  E("2:3", "expected '{' after rule name, got 'match'") },
		{ "rule x { drop", E("1:14", "expected '}' to close rule 'x' "
					     "(opened at line 1), got end of "
					     "file") },
		{ "rule x { drop\nrule y { drop }\nrule z { drop",
		  E("2:1", "expected '}' to close rule 'x' (opened at line 1), "
			   "got 'rule'")
			  E("3:14", "expected '}' to close rule 'z' (opened at "
				    "line 3), got end of file") },
		{ "set", E("1:4", "expected a setting name after 'set', got "
				  "end of file") },
		{ "set seed", E("1:9", "expected a value (a number, a string, "
				       "a field name, '(' or '['), got end of "
				       "file") },
		/* b"..." only with the quote right after the b. */
		{ "set x b \"x\"", E("1:9", "expected rule, host or set, got "
					    "'\"x\"'") },
		{ "set seed ]", E("1:10", "expected a value (a number, a "
					  "string, a field name, '(' or '['), "
					  "got ']'") },
		/* rule items */
		{ "rule x { replyy IP() }",
		  E("1:10", "unknown keyword 'replyy' in rule (expected match, "
			    "reply, send, forward, drop, log or limit)") },
		{ "rule x { ( }", E("1:10", "expected match, reply, send, "
					    "forward, drop, log or limit or "
					    "'}' in rule, got '('") },
		{ "rule x { match tcp }",
		  E("1:16", "expected a filter string after 'match', got "
			    "'tcp'") },
		{ "rule x { match \"a\\0b\" }",
		  E("1:16", "filter with a NUL byte") },
		{ "rule x { match \"a\"\nmatch \"b\" }",
		  E("2:1", "second 'match' in rule 'x' (first at line 1)") },
		{ "rule x { drop\n drop\n reply IP() }",
		  E("2:2", "second action in rule 'x' (first at line 1)")
			  E("3:2", "second action in rule 'x' (first at line "
				   "1)") },
		{ "rule x { reply IP()\nforward ip.ttl = 1 }",
		  E("2:1", "second action in rule 'x' (first at line 1)") },
		{ "rule x { limit 1/s\nlimit 2/s }",
		  E("2:1", "second 'limit' in rule 'x' (first at line 1)") },
		{ "rule x { limit 0/s }", E("1:16", "limit must be at least "
						    "1/s") },
		{ "rule x { limit 4294967296/s }",
		  E("1:16", "limit above 4294967295/s") },
		{ "rule x { limit s }",
		  E("1:16", "expected a rate after 'limit' (limit N/s), got "
			    "'s'") },
		{ "rule x { limit 5 }",
		  E("1:18", "expected '/s' after the rate, got '}'") },
		{ "rule x { limit 5/ms }",
		  E("1:18", "expected 's' after '/' (rates are per second), "
			    "got 'ms'") },
		{ "rule x { limit 5/s per }",
		  E("1:24", "expected 'source' after 'per', got '}'") },
		{ "rule x { forward = 1 }",
		  E("1:18", "expected a field name after 'forward', got '='") },
		{ "rule x { forward a = 1, }",
		  E("1:25", "expected a field name after ',', got '}'") },
		{ "rule x { forward a 1 }",
		  E("1:20", "expected '=' after 'a', got '1'") },
		{ "rule x { forward a = }",
		  E("1:22", "expected a value (a number, a string, a field "
			    "name, '(' or '['), got '}'") },
		/* templates */
		{ "rule x { reply }",
		  E("1:16", "expected a layer name after 'reply', got '}'") },
		{ "rule x { send 1 }",
		  E("1:15", "expected a layer name after 'send', got '1'") },
		{ "rule x { reply IP()/ }",
		  E("1:22", "expected a layer name after '/', got '}'") },
		{ "rule x { reply IP }",
		  E("1:19", "expected '(' after layer name 'IP', got '}'") },
		{ "rule x { reply IP(1) }",
		  E("1:19", "expected a field name or ')' in IP(...), got "
			    "'1'") },
		{ "rule x { reply IP(ttl) }",
		  E("1:22", "expected '=' after field name 'ttl', got ')'") },
		{ "rule x { reply IP(ttl=1;) }",
		  E("1:24", "expected ',' or ')' after field 'ttl' of IP, got "
			    "';'") },
		/* A ';' inside the parentheses does not end the item ... */
		{ "rule x { reply IP(ttl=(1;)) }",
		  E("1:25", "expected ',' or ')', got ';'") },
		/* ... but a keyword starting a line does. */
		{ "rule x { reply IP(ttl=(1\n drop\n log }",
		  E("2:2", "expected ',' or ')', got 'drop'")
			  E("2:2", "second action in rule 'x' (first at line "
				   "1)") },
		{ "rule x { reply IP(ttl=1 }",
		  E("1:25", "expected ',' or ')' after field 'ttl' of IP, got "
			    "'}'") },
		{ "rule x { reply IP(ttl=(1 }",
		  E("1:26", "expected ',' or ')', got '}'") },
		{ "rule x { reply IP(ttl=[1 2]) }",
		  E("1:26", "expected ',' or ']', got '2'") },
		{ "rule x { reply IP(ttl=hex) }",
		  E("1:26", "expected a string after 'hex', got ')'") },
		{ "rule x { reply IP(ttl=drop) }",
		  E("1:23", "expected a value (a number, a string, a field "
			    "name, '(' or '['), got 'drop'") },
		/* strings */
		{ "rule x { reply Raw(load=\"ab\\q\") }",
		  E("1:28", "invalid escape '\\q' in string (use \\n \\r \\t "
			    "\\0 \\\\ \\\" or \\xHH)") },
		{ "rule x { reply Raw(load=\"\\x4\") }",
		  E("1:26", "invalid escape '\\x4' in string (use \\n \\r \\t "
			    "\\0 \\\\ \\\" or \\xHH)") },
		{ "rule x { reply Raw(load=\"a\", x=\"\\z\", y=\"\\\\\") }",
		  E("1:33", "invalid escape '\\z' in string (use \\n \\r \\t "
			    "\\0 \\\\ \\\" or \\xHH)") },
		{ "rule x { reply Raw(load=hex \"abc\") }",
		  E("1:29", "hex string has an odd number of digits (3)") },
		{ "rule x { reply Raw(load=hex \"ab c d\") }",
		  E("1:34", "space inside a byte in hex string") },
		{ "rule x { reply Raw(load=hex \"ab\\x41\") }",
		  E("1:32", "invalid character '\\' in hex string (only hex "
			    "digits and spaces)") },
		{ "rule x { reply Raw(load=hex \"a\tb\") }",
		  E("1:31", "invalid character '\\x09' in hex string (only "
			    "hex digits and spaces)") },
		{ "rule x { match \"tcp }\n drop }",
		  E("1:16", "string not closed on its line") },
		/* lexer errors come through at their position */
		{ "rule x { drop } @", E("1:17", "unexpected character '@'") },
		{ "rule x { drop } \x01",
		  E("1:17", "unexpected byte '\\x01'") },
		{ "rule x { reply IP(ttl=1x) }",
		  E("1:23", "letters right after a number") },
		{ "rule x { reply IP(ttl=a.) }",
		  E("1:23", "name ends with '.'") },
		/* host */
		{ "host { }", E("1:6", "expected an IPv4 or IPv6 address after "
				       "'host', got '{'") },
		{ "host web { }", E("1:6", "expected an IPv4 or IPv6 address "
					   "after 'host', got 'web'") },
		{ "host 192.0.2.1, { }",
		  E("1:17", "expected an IPv4 or IPv6 address after ',', got "
			    "'{'") },
		{ "host 192.0.2.1 192.0.2.2 { }",
		  E("1:16", "expected ',' or '{' after the address, got "
			    "'192.0.2.2'") },
		{ "host 192.0.2.256 { }",
		  E("1:6", "invalid IPv4 or IPv6 address '192.0.2.256'") },
		{ "host 192.0.2.1x { }",
		  E("1:6", "invalid IPv4 or IPv6 address '192.0.2.1x'") },
		{ "host 2001:db8:::1 { }",
		  E("1:6", "invalid IPv4 or IPv6 address '2001:db8:::1'") },
		{ "host 192.0.2.0/24 { }",
		  E("1:6", "invalid IPv4 or IPv6 address '192.0.2.0/24'") },
		{ "host 192.0.2.1 { bogus }",
		  E("1:18", "unknown keyword 'bogus' in host (expected mac, "
			    "personality, arp, nd, ping, tcp or udp)") },
		{ "host 192.0.2.1 { mac 2:0:0:0:0:1 }",
		  E("1:22", "invalid MAC address '2:0:0:0:0:1' (six "
			    "colon-separated hex bytes: 02:00:00:00:00:01)") },
		{ "host 192.0.2.1 { mac 02:00:00:00:00:01:02 }",
		  E("1:22", "invalid MAC address '02:00:00:00:00:01:02' (six "
			    "colon-separated hex bytes: 02:00:00:00:00:01)") },
		{ "host 192.0.2.1 { mac ff:ff:ff:ff:ff:ff }",
		  E("1:22", "MAC address 'ff:ff:ff:ff:ff:ff' is multicast, "
			    "not a host's") },
		{ "host 192.0.2.1 { mac on }",
		  E("1:22", "expected a MAC address after 'mac', got 'on'") },
		{ "host 192.0.2.1 {\nmac 02:00:00:00:00:01\nmac "
		  "02:00:00:00:00:01 }",
		  E("3:1", "second 'mac' in host 192.0.2.1 (first at line "
			   "2)") },
		{ "host 192.0.2.1 { personality }",
		  E("1:30", "expected linux, windows or freebsd after "
			    "'personality', got '}'") },
		{ "host 192.0.2.1 { personality Linux }",
		  E("1:30", "unknown personality 'Linux' (expected linux, "
			    "windows or freebsd)") },
		{ "host 192.0.2.1 { personality linux\npersonality linux }",
		  E("2:1", "second 'personality' in host 192.0.2.1 (first at "
			   "line 1)") },
		{ "host 192.0.2.1 { nd 1 }",
		  E("1:21", "expected 'on' or 'off' after 'nd', got '1'") },
		{ "host 192.0.2.1 { nd on\nnd off }",
		  E("2:1", "second 'nd' in host 192.0.2.1 (first at line 1)") },
		{ "host 192.0.2.1 { tcp open }",
		  E("1:22", "expected a port, a port range or '*' after 'tcp', "
			    "got 'open'") },
		{ "host 192.0.2.1 { udp - closed }",
		  E("1:22", "expected a port, a port range or '*' after 'udp', "
			    "got '-'") },
		{ "host 192.0.2.1 { tcp 65536 open }",
		  E("1:22", "port 65536 out of range (0 to 65535)") },
		{ "host 192.0.2.1 { tcp 2-1 open }",
		  E("1:22", "port range 2-1 runs backwards") },
		{ "host 192.0.2.1 { tcp 1-99999 open }",
		  E("1:24", "port 99999 out of range (0 to 65535)") },
		{ "host 192.0.2.1 { tcp 1- open }",
		  E("1:25", "expected a port after '-', got 'open'") },
		{ "host 192.0.2.1 { tcp 1, open }",
		  E("1:25", "expected a port after ',', got 'open'") },
		{ "host 192.0.2.1 { tcp 1 }",
		  E("1:24", "expected open, closed, filtered or tarpit after "
			    "the ports, got '}'") },
		{ "host 192.0.2.1 { udp 1 shut }",
		  E("1:24", "expected open, closed or filtered after the "
			    "ports, got 'shut'") },
		{ "host 192.0.2.1 { udp 1 tarpit }",
		  E("1:24", "'tarpit' is for tcp ports only (udp ports are "
			    "open, closed or filtered)") },
		{ "host 192.0.2.1 { tcp 1 filtered { } }",
		  E("1:33", "only 'open' ports take a block") },
		{ "host 192.0.2.1 { tcp 1 open { bye } }",
		  E("1:31", "unknown keyword 'bye' in service (expected banner "
			    "or on)") },
		{ "host 192.0.2.1 { tcp 1 open { banner 1 } }",
		  E("1:38", "expected a string, hex \"...\" or file \"...\" "
			    "after 'banner', got '1'") },
		{ "host 192.0.2.1 { tcp 1 open { banner \"a\"\nbanner \"b\" } }",
		  E("2:1", "second 'banner' in a service (first at line 1)") },
		{ "host 192.0.2.1 { tcp 1 open { on x { } } }",
		  E("1:34", "expected a string, a /regex/ or 'any' after 'on', "
			    "got 'x'") },
		{ "host 192.0.2.1 { tcp 1 open { on any close } }",
		  E("1:38", "expected '{' after the trigger, got 'close'") },
		{ "host 192.0.2.1 { tcp 1 open {\n on /a { }\n} }",
		  E("2:5", "regular expression not closed on its line") },
		{ "host 192.0.2.1 { tcp 1 open { on // { } } }",
		  E("1:34", "empty regular expression") },
		{ "host 192.0.2.1 { tcp 1 open { on \"\" { } } }",
		  E("1:34", "empty trigger string (use 'on any')") },
		{ "host 192.0.2.1 { tcp 1 open { on any { sleep } } }",
		  E("1:40", "unknown keyword 'sleep' in 'on' block (expected "
			    "send, echo, close, reset or wait)") },
		{ "host 192.0.2.1 { tcp 1 open { on any { wait } } }",
		  E("1:45", "expected a number of milliseconds after 'wait', "
			    "got '}'") },
		{ "host 192.0.2.1 { tcp 1 open { on any { wait 5 } } }",
		  E("1:47", "expected 'ms' after 'wait 5', got '}'") },
		{ "host 192.0.2.1 { tcp 1 open { on any { wait 4294967296 ms "
		  "} } }",
		  E("1:45", "wait above 4294967295 ms") },
		{ "host 192.0.2.1 { tcp 1 open { on any { send file \"\" } } }",
		  E("1:50", "empty file name") },
		{ "host 192.0.2.1 { tcp 1 open { on any { send file \"\\0\" } "
		  "} }",
		  E("1:50", "file name with a NUL byte") },
		{ "host 192.0.2.1 { tcp 1 open { on any { send hex } } }",
		  E("1:49", "expected a string after 'hex', got '}'") },
		{ "host 192.0.2.1 { udp 1 open { } }",
		  E("1:29", "udp open block without 'reply'") },
		{ "host 192.0.2.1 { udp 1 open { send \"x\" } }",
		  E("1:31", "unknown keyword 'send' in udp open block "
			    "(expected reply)") },
		{ "host 192.0.2.1 { udp 1 open { reply \"a\"\nreply \"b\" } }",
		  E("2:1", "second 'reply' in a udp open block (first at line "
			   "1)") },
		{ "host 192.0.2.1 {\n tcp 1 open {\n  on any {\n",
		  E("4:1", "expected '}' to close 'on' block (opened at line "
			   "3), got end of file") },
		{ "host 192.0.2.1 { ping on\nrule x { drop }",
		  E("2:1", "expected '}' to close host 192.0.2.1 (opened at "
			   "line 1), got 'rule'") },
		/* several errors in one input: parsing goes on */
		{ "rule a { bogus }\nrule b { limit 0/s }\n"
		  "host 192.0.2.300 { mac x; ping maybe }\nset 1\nrule c { }",
		  E("1:10", "unknown keyword 'bogus' in rule (expected match, "
			    "reply, send, forward, drop, log or limit)")
			  E("2:16", "limit must be at least 1/s") E(
				  "3:6", "invalid IPv4 or IPv6 address "
					 "'192.0.2.300'")
				  E("3:24",
				    "expected a MAC address after 'mac', got "
				    "'x'") E("3:32",
					     "expected 'on' or 'off' after 'ping', got "
					     "'maybe'")
					  E("4:5",
					    "expected a setting name after 'set', got "
					    "'1'") },
		{ "rule a { reply IP(ttl=) drop }\nrule b { drop; drop }",
		  E("1:23", "expected a value (a number, a string, a field "
			    "name, '(' or '['), got ')'")
			  E("2:16", "second action in rule 'b' (first at line "
				    "2)") },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_errors(cases[i].src, cases[i].want);
}

/* ---- limits ---- */

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *p;

	assert_non_null(s);
	memcpy(s, head, hl);
	p = s + hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

/* Parses head + unit * n + tail: ok or exactly want. */
static void expect_repeat(const char *head, const char *unit, size_t n,
			  const char *tail, const char *want)
{
	char *s = repeat(head, unit, n, tail);

	if (want)
		expect_errors(s, want);
	else
		expect_ok(s);
	free(s);
}

static void test_limit_line(void **state)
{
	(void)state;
	expect_repeat("#", "x", LEX_LINE_MAX - 1, "\nrule a { drop }", NULL);
	expect_repeat("#", "x", LEX_LINE_MAX, "\nrule a { drop }",
		      E("1:4097", "line longer than 4096 bytes"));
	expect_repeat("rule a { reply Raw(load=\"", "x", 5000, "\")\n}",
		      E("1:4097", "line longer than 4096 bytes"));
	/* The rest of the line is skipped, so the brace is on the next. */
	expect_repeat("rule a {", " ", LEX_LINE_MAX, "drop }\n}",
		      E("1:4097", "line longer than 4096 bytes"));
	expect_repeat("host ", "1", LEX_LINE_MAX, " { }",
		      E("1:4097", "line longer than 4096 bytes"));
	/* The rest of a long line is skipped; the next lines parse. */
	expect_repeat("rule a { drop } ", "x", LEX_LINE_MAX,
		      " bogus\nrule b { bogus }",
		      E("1:4097", "line longer than 4096 bytes")
			      E("2:10", "unknown keyword 'bogus' in rule "
					"(expected match, reply, send, "
					"forward, drop, log or limit)"));
}

static void test_limit_string(void **state)
{
	(void)state;
	/* At the limit the line is the first to complain ... */
	expect_repeat("rule a { reply Raw(load=\"", "x", LEX_STRING_MAX,
		      "\")\n}", E("1:4097", "line longer than 4096 bytes"));
	/* ... past it, the string. */
	expect_repeat("rule a { reply Raw(load=\"", "x", LEX_STRING_MAX + 1,
		      "\")\n}\nrule b { drop }",
		      E("1:25", "string longer than 65536 bytes"));
}

static void test_limit_depth(void **state)
{
	(void)state;
	/* Closing parentheses after an error are skipped, not blamed. */
	{
		char *s = repeat("set a ", "(", AST_DEPTH_MAX, "1");
		char *t = repeat(s, ")", AST_DEPTH_MAX, "");

		expect_ok(t);
		free(s);
		free(t);
	}
	expect_repeat("set a ", "(", AST_DEPTH_MAX + 1, "1",
		      E("1:39", "nested deeper than 32 levels"));
	{
		char *s = repeat("set a ", "[", AST_DEPTH_MAX, "");
		char *t = repeat(s, "]", AST_DEPTH_MAX, "");

		expect_ok(t);
		free(s);
		free(t);
	}
	expect_repeat("set a ", "[", AST_DEPTH_MAX + 1, "]",
		      E("1:39", "nested deeper than 32 levels"));
	expect_repeat("set a ", "-", AST_DEPTH_MAX, "1", NULL);
	expect_repeat("set a ", "~", AST_DEPTH_MAX + 1, "1",
		      E("1:39", "nested deeper than 32 levels"));
	/* The rule's brace and the layer's parenthesis count too. */
	{
		char *s = repeat("rule a { reply IP(ttl=", "(",
				 AST_DEPTH_MAX - 2, "1");
		char *t = repeat(s, ")", AST_DEPTH_MAX - 2, ") }");

		expect_ok(t);
		free(s);
		free(t);
	}
	expect_repeat("rule a { reply IP(ttl=", "(", AST_DEPTH_MAX - 1, "1) }",
		      E("1:53", "nested deeper than 32 levels"));
}

static void test_limit_huge_nesting(void **state)
{
	char *s;

	(void)state;
	/* 100000 of each, on lines of 100: one error, no deep stack. */
	s = repeat("set a ",
		   "((((((((((((((((((((((((((((((((((((((((((((((((("
		   "(((((((((((((((((((((((((((((((((((((((((((((((((("
		   "\n",
		   1000, "1");
	expect_errors(s, E("1:39", "nested deeper than 32 levels"));
	free(s);
	s = repeat("set a ",
		   "- - - - - - - - - - - - - - - - - - - - - - - - "
		   "- - - - - - - - - - - - - - - - - - - - - - - - - -"
		   "\n",
		   2000, "1");
	expect_errors(s, E("1:71", "nested deeper than 32 levels"));
	free(s);
	s = repeat("rule a { reply Raw(load=\n", "[[[[[[[[[[\n", 10000, "");
	expect_errors(s, E("5:1", "nested deeper than 32 levels")
				 E("10002:1", "expected '}' to close rule 'a' "
					      "(opened at line 1), got end of "
					      "file"));
	free(s);
}

static void test_limit_expression(void **state)
{
	(void)state;
	expect_repeat("set a 1", "+1", AST_DEPTH_MAX, "", NULL);
	expect_repeat("set a 1", "+1", AST_DEPTH_MAX + 1, "",
		      E("1:72", "expression deeper than 32 levels"));
	expect_repeat("set a 1", "\n*1", 100000, "",
		      E("34:1", "expression deeper than 32 levels"));
	/* On one long line: the line is blamed once. */
	expect_repeat("set a 1", "*1", 100000, "",
		      E("1:72", "expression deeper than 32 levels")
			      E("1:4097", "line longer than 4096 bytes"));
	/* Heights add up through parentheses and signs. */
	expect_repeat("set a -(1", "+1", AST_DEPTH_MAX - 1, ")", NULL);
	expect_repeat("set a -(1", "+1", AST_DEPTH_MAX, ")",
		      E("1:7", "expression deeper than 32 levels"));
	expect_repeat("set a (1", "+1", AST_DEPTH_MAX, ")+1",
		      E("1:74", "expression deeper than 32 levels"));
}

static void test_limit_layers(void **state)
{
	(void)state;
	expect_repeat("rule a { send Ether()", "/Raw()", AST_LAYERS_MAX - 1,
		      " }", NULL);
	expect_repeat("rule a { send Ether()", "/Raw()", AST_LAYERS_MAX, " }",
		      E("1:113", "template with more than 16 layers"));
}

static void test_limit_rules(void **state)
{
	(void)state;
	expect_repeat("", "rule r{drop}\n", AST_RULES_MAX, "", NULL);
	expect_repeat("", "rule r{drop}\n", AST_RULES_MAX + 1, "",
		      E("65537:1", "more than 65536 rules and port policies "
				   "in one file"));
	/* Port policies count as rules; hosts and their switches do not. */
	expect_repeat("rule r{drop}\nhost 192.0.2.1{ping on\n", "tcp 1 open\n",
		      AST_RULES_MAX - 1, "}", NULL);
	expect_repeat("rule r{drop}\nhost 192.0.2.1{ping on\n", "udp 1 open\n",
		      AST_RULES_MAX, "}",
		      E("65538:1", "more than 65536 rules and port policies "
				   "in one file"));
}

static void test_limit_errors(void **state)
{
	struct parsed ps;
	char *s = repeat("", "rule r { bogus }\n", 500, "");
	size_t i;

	(void)state;
	parse(&ps, s);
	assert_int_equal(ps.rc, -EINVAL);
	assert_int_equal(ps.d.n, AST_ERRORS_MAX + 1);
	for (i = 0; i < AST_ERRORS_MAX; i++)
		assert_non_null(
			strstr(ps.d.msgs[i], "unknown keyword 'bogus'"));
	assert_string_equal(
		ps.d.msgs[AST_ERRORS_MAX],
		"t.rules:101:10: error: too many errors, giving up");
	done(&ps);
	free(s);
}

/* ---- files ---- */

static int parse_path(struct parsed *ps, const char *path)
{
	arena_init(&ps->a, 0);
	diag_init(&ps->d, path);
	ps->rc = lang_parse_file(&ps->a, &ps->d, path, &ps->f);
	return ps->rc;
}

static void write_file(const char *path, const char *head, char fill, size_t n)
{
	FILE *f = fopen(path, "w");
	char line[1024];
	size_t i, k;

	assert_non_null(f);
	fputs(head, f);
	n -= strlen(head);
	memset(line, fill, sizeof(line));
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < n; i += k) {
		k = n - i < sizeof(line) ? n - i : sizeof(line);
		assert_int_equal(fwrite(line, 1, k, f), k);
	}
	assert_int_equal(fclose(f), 0);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/test_parse.XXXXXX", path[64], want[128];
	struct parsed ps;

	(void)state;
	assert_non_null(mkdtemp(dir));

	snprintf(path, sizeof(path), "%s/none.rules", dir);
	assert_int_equal(parse_path(&ps, path), -EINVAL);
	assert_int_equal(ps.d.n, 1);
	snprintf(want, sizeof(want),
		 "%s: error: cannot read: No such file or directory", path);
	assert_string_equal(ps.d.msgs[0], want);
	assert_int_equal(ps.f.n_stmts, 0);
	done(&ps);

	assert_int_equal(parse_path(&ps, dir), -EINVAL);
	snprintf(want, sizeof(want), "%s: error: cannot read: Is a directory",
		 dir);
	assert_string_equal(ps.d.msgs[0], want);
	done(&ps);

	snprintf(path, sizeof(path), "%s/good.rules", dir);
	write_file(path, good, ' ', strlen(good));
	assert_int_equal(parse_path(&ps, path), 0);
	assert_int_equal(ps.f.n_stmts, 5);
	done(&ps);

	/* A NUL byte: one error at its place, nothing parsed. */
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite("rule a {\n\tdr\0op }\n", 1, 18, f);
		fclose(f);
	}
	assert_int_equal(parse_path(&ps, path), -EINVAL);
	assert_int_equal(ps.d.n, 1);
	snprintf(want, sizeof(want),
		 "%s:2:4: error: NUL byte in the file (not a text file?)",
		 path);
	assert_string_equal(ps.d.msgs[0], want);
	done(&ps);

	/* The file size: AST_FILE_MAX bytes of comments, then one more. */
	write_file(path, "rule a { drop }\n", '#', AST_FILE_MAX);
	assert_int_equal(parse_path(&ps, path), 0);
	assert_int_equal(ps.f.n_stmts, 1);
	done(&ps);
	write_file(path, "rule a { drop }\n", '#', AST_FILE_MAX + 1);
	assert_int_equal(parse_path(&ps, path), -EINVAL);
	assert_int_equal(ps.d.n, 1);
	snprintf(want, sizeof(want),
		 "%s: error: file larger than 16777216 bytes", path);
	assert_string_equal(ps.d.msgs[0], want);
	done(&ps);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* An arena with a small limit: out of memory is one error, not a crash. */
static void test_out_of_memory(void **state)
{
	size_t limit;

	(void)state;
	for (limit = 16; limit < 8192; limit += 16 + limit / 4) {
		struct parsed ps;

		arena_init(&ps.a, limit);
		diag_init(&ps.d, "t.rules");
		ps.rc = lang_parse(&ps.a, &ps.d, good, strlen(good), &ps.f);
		assert_true(ps.rc == -ENOMEM || ps.rc == 0);
		if (ps.rc)
			assert_string_equal(ps.d.msgs[ps.d.n - 1],
					    "t.rules: error: out of memory");
		done(&ps);
	}
}

/* ---- robustness: every prefix, many mutations ---- */

static void check_any(const char *src, size_t len)
{
	struct parsed ps;
	size_t i;

	parse_n(&ps, src, len);
	assert_true(ps.rc == 0 || ps.rc == -EINVAL);
	assert_true((ps.rc == 0) == (ps.d.n == 0));
	assert_true(ps.d.n <= AST_ERRORS_MAX + 1);
	for (i = 0; i < ps.d.n; i++)
		assert_memory_equal(ps.d.msgs[i], "t.rules:", 8);
	done(&ps);
}

static void test_prefixes(void **state)
{
	size_t i, len = strlen(good);

	(void)state;
	for (i = 0; i <= len; i++)
		check_any(good, i);
}

static void test_mutations(void **state)
{
	static const char bytes[] = "{}()[]\"/;,\n#\\-*x0 \x80";
	size_t i, j, len = strlen(good);
	char *s = malloc(len);

	(void)state;
	assert_non_null(s);
	for (i = 0; i < len; i++) {
		for (j = 0; j < sizeof(bytes) - 1; j++) {
			memcpy(s, good, len);
			s[i] = bytes[j];
			check_any(s, len);
		}
		/* And with the byte deleted. */
		memcpy(s, good, i);
		memcpy(s + i, good + i + 1, len - i - 1);
		check_any(s, len - 1);
	}
	free(s);
}

/* ---- tests/errors: the parser's part of each expected output ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/*
 * `riposte check` prints the parser's errors and stops when there are
 * any, so for every file the parser rejects, its messages are NAME.err
 * exactly.  Files the parser accepts hold errors for the compiler, and
 * files written by a NAME.gen script exist only after run.sh.
 */
static void test_error_corpus(void **state)
{
	const char *dir = "../errors";
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	(void)state;
	d = opendir(dir);
	if (!d)
		skip();
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[512], shown[512], errpath[512], *want, *got;
		struct parsed ps;

		if (len < 7 || strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(shown, sizeof(shown), "tests/errors/%s", de->d_name);
		snprintf(errpath, sizeof(errpath), "%s/%.*s.err", dir,
			 (int)(len - 6), de->d_name);
		arena_init(&ps.a, 0);
		diag_init(&ps.d, shown);
		ps.rc = lang_parse_file(&ps.a, &ps.d, path, &ps.f);
		if (ps.rc == 0) {
			done(&ps);
			continue;
		}
		want = slurp(errpath);
		if (!want)
			fail_msg("%s: no %s", path, errpath);
		got = messages(&ps.d);
		if (strcmp(want, got) != 0)
			fail_msg("%s\nwant:\n%sgot:\n%s", path, want, got);
		free(want);
		free(got);
		done(&ps);
		n++;
	}
	closedir(d);
	assert_true(n >= 35);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_good_variants),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limit_line),
		cmocka_unit_test(test_limit_string),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_huge_nesting),
		cmocka_unit_test(test_limit_expression),
		cmocka_unit_test(test_limit_layers),
		cmocka_unit_test(test_limit_rules),
		cmocka_unit_test(test_limit_errors),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_error_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
