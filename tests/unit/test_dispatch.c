/* SPDX-License-Identifier: MIT */
/*
 * test_dispatch.c - the dispatcher's reading of tcpdump filters (a key is
 * a necessary condition, "exact" only when nothing else is said) and
 * first-match-wins across keyed and unkeyed rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "lang/diag.h"
#include "lang/parse.h"

static void key(const char *f, int proto, int port, bool exact)
{
	int pr, po, fam;
	bool ex;

	dispatch_filter_key(f, &pr, &po, &fam, &ex);
	if (pr != proto || po != port || ex != exact)
		fail_msg("\"%s\": got (%d, %d, %d), want (%d, %d, %d)", f, pr,
			 po, ex, proto, port, exact);
}

static void test_filter_keys(void **state)
{
	(void)state;
	key("tcp", 6, -1, true);
	key("udp", 17, -1, true);
	key("icmp", 1, -1, true);
	key("icmp6", 58, -1, true);
	key("tcp dst port 80", 6, 80, true);
	key("udp dst port 53", 17, 53, true);
	key("tcp and tcp dst port 22", 6, 22, true);
	key("tcp dst port 80 && host 192.0.2.1", 6, 80, false);
	key("tcp[tcpflags] == tcp-syn and tcp dst port 80", 6, 80, false);
	/* A transport header's load says its protocol; then dst port. */
	key("tcp[13] & 2 != 0 and dst port 80", 6, 80, false);
	key("dst port 53 and udp[8:2] = 0x1234", 17, 53, false);
	key("tcp[tcpflags] & tcp-syn != 0", 6, -1, false);
	key("icmp[icmptype] == icmp-echo", 1, -1, false);
	key("icmp6[0] = 128 and dst port 80", 58, -1, false);
	key("tcp [13] & 2 != 0 and dst port 80", -1, -1, false); /* spaced */
	key("ip[9] = 6 and dst port 80", -1, -1, false);
	key("tcp[2:2] = 80", 6, -1, false);
	key("tcp and dst port 80", 6, 80, false);
	key("dst port 80 and tcp dst port 81", 6, 81, false);
	key("tcp[13] & 2 != 0 and dst port 70000", 6, -1, false);
	/* Anything that is not a plain conjunction gives no key at all. */
	key("tcp dst port 80 or udp", -1, -1, false);
	key("not tcp", -1, -1, false);
	key("(tcp dst port 80)", -1, -1, false);
	key("tcp dst port 80 || udp", -1, -1, false);
	key("! tcp", -1, -1, false);
	key("dst port 80", -1, -1, false); /* sctp too: no protocol key */
	key("port 80 and tcp", 6, -1, false);
	key("tcp dst port 65536", -1, -1, false);
	key("tcp dst port 0x50", -1, -1, false); /* conservative */
	key("", -1, -1, false);
	key("arp", -1, -1, false);
	key("ip and udp dst port 7", 17, 7, true);
	key("ip6 and tcp", 6, -1, true);
	key("ip and ip6 and tcp", 6, -1, false);
	key("tcp[", -1, -1, false);
}

static struct ruleset *load(const char *text)
{
	struct arena a;
	struct diag d;
	struct ast_file f;
	struct ruleset *rs = NULL;

	arena_init(&a, 0);
	diag_init(&d, "t.rules");
	memset(&f, 0, sizeof(f));
	assert_int_equal(lang_parse(&a, &d, text, strlen(text), &f), 0);
	f.path = "t.rules";
	if (ruleset_compile(&f, &d, &rs) < 0) {
		diag_print(&d, stderr);
		fail();
	}
	rs->ast_arena = a;
	diag_cleanup(&d);
	return rs;
}

/* A SYN from 198.51.100.1:40000 to dst:dport over Ethernet/IPv4. */
static size_t syn(uint8_t *f, const uint8_t dst[4], uint16_t dport)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.has = PKT_L_ETH | PKT_L_IP | PKT_L_TCP;
	memcpy(p.eth.dst, "\x02\0\0\0\0\x02", 6);
	memcpy(p.eth.src, "\x02\0\0\0\0\x01", 6);
	p.eth.type = PKT_ETHERTYPE_IP;
	p.ip.version = 4;
	p.ip.ttl = 64;
	p.ip.proto = PKT_PROTO_TCP;
	memcpy(p.ip.src, "\xc6\x33\x64\x01", 4);
	memcpy(p.ip.dst, dst, 4);
	p.tcp.sport = 40000;
	p.tcp.dport = dport;
	p.tcp.flags = PKT_TCP_SYN;
	p.tcp.window = 1024;
	return (size_t)pkt_build(&p, f, 128);
}

static const char *fired(struct engine *e, const uint8_t dst[4], uint16_t port)
{
	static struct engine_result res;
	uint8_t f[128];
	size_t n = syn(f, dst, port);

	engine_handle(e, f, n, n, 1000000, &res);
	return res.rule ? res.rule->name : "-";
}

static void test_first_match_wins(void **state)
{
	static const uint8_t h[4] = { 198, 51, 100, 10 },
			     o[4] = { 203, 0, 113, 1 };
	static struct engine e;
	struct ruleset *rs = load(
		"rule any80 { match \"tcp[13] & 2 != 0 and dst port 80\"; log }\n"
		"rule k80 { match \"tcp dst port 80\"; drop }\n"
		"host 198.51.100.10 { tcp 22 open; tcp 80 closed }\n"
		"rule k22 { match \"tcp dst port 22\"; drop }\n"
		"rule tcp { match \"tcp\"; log }\n");

	(void)state;
	assert_int_equal(engine_init(&e, rs, 1), 0);
	assert_string_equal(fired(&e, h, 80), "any80");
	assert_string_equal(fired(&e, o, 80), "any80");
	assert_string_equal(fired(&e, h, 22), "tcp open");
	assert_string_equal(fired(&e, o, 22), "k22");
	assert_string_equal(fired(&e, h, 23), "tcp filtered (default)");
	assert_string_equal(fired(&e, o, 23), "tcp");
	engine_cleanup(&e);
	ruleset_free(rs);
}

static void test_thousand_rules(void **state)
{
	static const uint8_t o[4] = { 203, 0, 113, 1 };
	static struct engine e;
	char *text = malloc(1000 * 64);
	size_t off = 0;
	struct ruleset *rs;
	char want[16];
	unsigned i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 1000; i++)
		off += (size_t)sprintf(
			text + off,
			"rule r%u { match \"tcp dst port %u\"; drop }\n", i,
			1000 + i);
	rs = load(text);
	assert_int_equal(rs->n_rules, 1000);
	assert_int_equal(engine_init(&e, rs, 1), 0);
	for (i = 0; i < 1000; i += 37) {
		snprintf(want, sizeof(want), "r%u", i);
		assert_string_equal(fired(&e, o, (uint16_t)(1000 + i)), want);
	}
	assert_string_equal(fired(&e, o, 999), "-");
	engine_cleanup(&e);
	ruleset_free(rs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_keys),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_thousand_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
