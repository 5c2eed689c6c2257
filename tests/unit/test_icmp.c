/* SPDX-License-Identifier: MIT */
/*
 * test_icmp.c - unit tests of src/pkt/icmp.c (RFC 792, RFC 1191) through
 * pkt_parse(): echo, errors with the quoted IPv4 header and the first 8
 * bytes of a TCP, UDP or ICMP header behind it (iperror.*, tcperror.*,
 * udperror.*, icmperror.*), quotes cut at every length (a bad quote never
 * fails the packet), and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.  The quotes are Scapy packets cut to the
 * length an ICMP error carries, as routers send them.
 */
#include "unit.h"

#define L_EIC (PKT_L_ETH | PKT_L_IP | PKT_L_ICMP)

static const uint8_t r1[4] = { 198, 51, 100, 1 };
static const uint8_t r10[4] = { 198, 51, 100, 10 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='203.0.113.1', dst='203.0.113.2', id=7)/ICMP(type=8, id=0x1234, seq=1)/Raw(b'ping!')
 */
static const char icmp_echo[] =
	"02000000000102000000000208004500002100070000400102d1cb007101cb00"
	"71020800e5f91234000170696e6721";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1')/ICMP(type=3, code=3)/Raw(bytes(IP(src='198.51.100.1', dst='198.51.100.10', id=0x4242)/UDP(sport=40000, dport=53)/Raw(b'query123'))[:28])
 */
static const char icmp_unreach_udp[] =
	"0200000000010200000000020800450000380001000040012652c633640ac633"
	"64010303d3dd0000000045000024424200004011e414c6336401c633640a9c40"
	"003500108c99";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1')/ICMP(type=11, code=0)/Raw(bytes(IP(src='198.51.100.1', dst='198.51.100.10', id=0x4343, flags='DF')/TCP(sport=40000, dport=80, seq=123456789))[:28])
 */
static const char icmp_timex_tcp[] =
	"0200000000010200000000020800450000380001000040012652c633640ac633"
	"64010b0083fe0000000045000028434340004006a31ac6336401c633640a9c40"
	"0050075bcd15";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1')/ICMP(type=3, code=1)/Raw(bytes(IP(src='198.51.100.1', dst='198.51.100.10', id=0x4444)/ICMP(type=8, id=0x4321, seq=7)/Raw(b'abcdefgh'))[:36])
 */
static const char icmp_unreach_icmp[] =
	"020000000001020000000002080045000040000100004001264ac633640ac633"
	"64010301fcfe0000000045000024444400004001e222c6336401c633640a0800"
	"2342432100076162636465666768";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1')/ICMP(type=3, code=4, nexthopmtu=1400)/Raw(bytes(IP(src='198.51.100.1', dst='198.51.100.10', id=0x4343, flags='DF')/TCP(sport=40000, dport=80, seq=123456789))[:28])
 */
static const char icmp_fragneeded[] =
	"0200000000010200000000020800450000380001000040012652c633640ac633"
	"6401030486820000057845000028434340004006a31ac6336401c633640a9c40"
	"0050075bcd15";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1')/ICMP(type=12, code=0, ptr=20)/Raw(bytes(IP(src='198.51.100.1', dst='198.51.100.10', id=0x4545, options=[IPOption(b'\x94\x04\x00\x00')])/UDP(sport=40001, dport=123)))
 */
static const char icmp_quote_opts[] =
	"02000000000102000000000208004500003c000100004001264ec633640ac633"
	"64010c00348c14000000460000204545000040114c11c6336401c633640a9404"
	"00009c41007b00080eaf";

static void test_icmp_echo(void **state)
{
	static const uint8_t s[4] = { 203, 0, 113, 1 };
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_echo, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_RAW);
	assert_memory_equal(p.ip.src, s, 4);
	assert_int_equal(p.ip.proto, 1);
	assert_int_equal(p.icmp.type, 8);
	assert_int_equal(p.icmp.code, 0);
	assert_int_equal(p.icmp.chksum, 0xe5f9);
	assert_int_equal(p.icmp.rest, 0x12340001); /* id 0x1234, seq 1 */
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.payload_off, 42);
	unit_bytes_eq(p.payload, "ping!", 5);
	/* Not an error: nothing is quoted. */
	assert_int_equal(p.has & (PKT_L_IPERROR | PKT_L_UDPERROR), 0);
	free(f);
}

static void test_icmp_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 42, PKT_TRUNCATED, "truncated icmp header",
		  PKT_L_ETH | PKT_L_IP, 34 },
		{ 42, 43, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIC, 14 },
		{ 43, 47, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIC | PKT_L_RAW, 14 },
	};
	/* ip.len declared 20..33 over the whole frame. */
	static const struct unit_cut declared[] = {
		{ 20, 28, PKT_MALFORMED,
		  "ip length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP | PKT_L_PADDING, 0 },
		{ 28, 29, PKT_OK, NULL, L_EIC | PKT_L_PADDING, 0 },
		{ 29, 33, PKT_OK, NULL, L_EIC | PKT_L_RAW | PKT_L_PADDING, 0 },
		{ 33, 34, PKT_OK, NULL, L_EIC | PKT_L_RAW, 0 },
	};
	size_t n;
	uint8_t *f = unit_frame(icmp_echo, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 5);
	unit_check_declared(f, n, 16, declared, 4);
	free(f);
}

/* The IPv4 header every quote here carries, as Scapy built it. */
static void check_iperror(const struct pkt *p, uint16_t id, uint8_t flags,
			  uint8_t proto, uint16_t len, uint16_t chksum)
{
	assert_true(p->has & PKT_L_IPERROR);
	assert_int_equal(p->iperror.version, 4);
	assert_int_equal(p->iperror.ihl, 5);
	assert_int_equal(p->iperror.tos, 0);
	assert_int_equal(p->iperror.len, len);
	assert_int_equal(p->iperror.id, id);
	assert_int_equal(p->iperror.flags, flags);
	assert_int_equal(p->iperror.frag, 0);
	assert_int_equal(p->iperror.ttl, 64);
	assert_int_equal(p->iperror.proto, proto);
	assert_int_equal(p->iperror.chksum, chksum);
	assert_memory_equal(p->iperror.src, r1, 4);
	assert_memory_equal(p->iperror.dst, r10, 4);
	assert_int_equal(p->quote_proto, proto);
}

static void test_icmp_unreach_udp(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_unreach_udp, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_IPERROR | PKT_L_UDPERROR);
	assert_memory_equal(p.ip.src, r10, 4);
	assert_int_equal(p.icmp.type, 3);
	assert_int_equal(p.icmp.code, 3);
	assert_int_equal(p.icmp.chksum, 0xd3dd);
	assert_int_equal(p.icmp.rest, 0);
	/* iperror.len is the original's, not what the quote holds. */
	check_iperror(&p, 0x4242, 0, 17, 36, 0xe414);
	assert_int_equal(p.iperror.options.len, 0);
	assert_int_equal(p.l4error.sport, 40000);
	assert_int_equal(p.l4error.dport, 53);
	assert_int_equal(p.l4error.len, 16);
	assert_int_equal(p.l4error.chksum, 0x8c99);
	/* The dissected quote is kept whole; nothing is left for raw. */
	unit_range_at(p.quote, f, 42, 28);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_icmp_timex_tcp(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_timex_tcp, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_IPERROR | PKT_L_TCPERROR);
	assert_int_equal(p.icmp.type, 11);
	assert_int_equal(p.icmp.code, 0);
	assert_int_equal(p.icmp.chksum, 0x83fe);
	check_iperror(&p, 0x4343, PKT_IP_DF, 6, 40, 0xa31a);
	assert_int_equal(p.l4error.sport, 40000);
	assert_int_equal(p.l4error.dport, 80);
	assert_int_equal(p.l4error.seq, 123456789);
	unit_range_at(p.quote, f, 42, 28);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_icmp_unreach_icmp(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_unreach_icmp, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has,
			 L_EIC | PKT_L_RAW | PKT_L_IPERROR | PKT_L_ICMPERROR);
	assert_int_equal(p.icmp.type, 3);
	assert_int_equal(p.icmp.code, 1);
	check_iperror(&p, 0x4444, 0, 1, 36, 0xe222);
	assert_int_equal(p.l4error.type, 8);
	assert_int_equal(p.l4error.code, 0);
	assert_int_equal(p.l4error.chksum, 0x2342);
	assert_int_equal(p.l4error.id, 0x4321);
	assert_int_equal(p.l4error.icmpseq, 7);
	/* IP header and 8 ICMP bytes dissected; the echo data is raw. */
	unit_range_at(p.quote, f, 42, 28);
	unit_range_at(p.payload, f, 70, 8);
	assert_int_equal(p.payload_off, 70);
	free(f);
}

/* RFC 1191: the next-hop MTU in the low 16 bits of rest. */
static void test_icmp_frag_needed(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_fragneeded, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.icmp.type, 3);
	assert_int_equal(p.icmp.code, 4);
	assert_int_equal(p.icmp.chksum, 0x8682);
	assert_int_equal(p.icmp.rest, 1400);
	assert_true(p.has & PKT_L_TCPERROR);
	assert_int_equal(p.l4error.seq, 123456789);
	free(f);
}

/* Parameter problem, pointer 20, quoting a header with an option. */
static void test_icmp_quote_with_options(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_quote_opts, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_IPERROR | PKT_L_UDPERROR);
	assert_int_equal(p.icmp.type, 12);
	assert_int_equal(p.icmp.rest, 0x14000000);
	assert_int_equal(p.iperror.ihl, 6);
	unit_range_at(p.iperror.options, f, 62, 4);
	assert_int_equal(p.l4error.sport, 40001);
	assert_int_equal(p.l4error.dport, 123);
	assert_int_equal(p.l4error.len, 8);
	assert_int_equal(p.l4error.chksum, 0x0eaf);
	unit_range_at(p.quote, f, 42, 32);
	free(f);
}

/*
 * The quote cut at every length (outer ip.len shrunk with the frame):
 * under 20 bytes no iperror, 20..27 iperror alone, 28 the UDP quote too.
 * The packet itself is always OK; what is not dissected is raw.
 */
static void test_icmp_quote_cuts(void **state)
{
	size_t n, q;
	uint8_t *f = unit_frame(icmp_unreach_udp, &n);

	(void)state;
	for (q = 0; q <= 28; q++) {
		struct pkt p;
		uint32_t want = L_EIC;
		size_t quoted = 0;
		uint8_t *b;

		if (q >= 20) {
			want |= PKT_L_IPERROR;
			quoted = 20;
		}
		if (q >= 28) {
			want |= PKT_L_UDPERROR;
			quoted = 28;
		}
		if (q > quoted)
			want |= PKT_L_RAW;
		unit_put16(f + 16, (uint16_t)(28 + q));
		b = unit_dup(f, 42 + q);
		if (pkt_parse(&p, b, 42 + q) != PKT_OK || p.has != want)
			fail_msg("quote of %zu bytes: %s has 0x%x, want 0x%x",
				 q, pkt_verdict_name(p.verdict), p.has, want);
		assert_null(p.reason);
		assert_int_equal(p.err_off, 0);
		assert_int_equal(p.quote.len, quoted);
		assert_int_equal(p.payload.len, q - quoted);
		free(b);
	}
	free(f);
}

/* Broken quoted headers are shown as far as they go, never fail. */
static void test_icmp_bad_quotes(void **state)
{
	static const struct {
		size_t at;
		uint8_t v;
		uint32_t has; /* besides ETH, IP, ICMP */
		size_t quoted;
	} c[] = {
		{ 42, 0x44, PKT_L_RAW, 0 }, /* ihl 4 */
		{ 42, 0x65, PKT_L_RAW, 0 }, /* version 6 */
		{ 42, 0x47, PKT_L_RAW,
		  0 }, /* ihl 7: the UDP header as options */
		{ 42, 0x48, PKT_L_RAW, 0 }, /* ihl 8: options past the quote */
		{ 48, 0x00, PKT_L_IPERROR | PKT_L_RAW,
		  20 }, /* later fragment */
		{ 51, 58, PKT_L_IPERROR | PKT_L_RAW, 20 }, /* ICMPv6 in IPv4 */
		{ 51, 253, PKT_L_IPERROR | PKT_L_RAW, 20 }, /* unknown proto */
		/* A quoted total length is not checked: it is the original's. */
		{ 45, 0x00, PKT_L_IPERROR | PKT_L_UDPERROR, 28 },
	};
	size_t n, i;
	uint8_t *f = unit_frame(icmp_unreach_udp, &n);

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;
		uint8_t *b = unit_dup(f, n);

		b[c[i].at] = c[i].v;
		if (c[i].at == 48)
			b[49] = 0x10; /* frag offset 16 */
		unit_parse_ok(&p, b, n);
		if (p.has != (L_EIC | c[i].has))
			fail_msg("case %zu: has 0x%x, want 0x%x", i, p.has,
				 L_EIC | c[i].has);
		assert_int_equal(p.quote.len, c[i].quoted);
		unit_range_at(p.payload, b, 42 + c[i].quoted, 28 - c[i].quoted);
		assert_int_equal(p.err_off, 0);
		free(b);
	}
	free(f);
}

/* Redirect (gateway in rest) and source quench quote too; echo reply not. */
static void test_icmp_other_types(void **state)
{
	size_t n;
	uint8_t *f = unit_frame(icmp_unreach_udp, &n);
	struct pkt p;

	(void)state;
	f[34] = 5;
	f[35] = 1;
	unit_put16(f + 38, 0xc633);
	unit_put16(f + 40, 0x64fe);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.icmp.rest, 0xc63364fe); /* gw 198.51.100.254 */
	assert_true(p.has & PKT_L_UDPERROR);
	f[34] = 4;
	unit_parse_ok(&p, f, n);
	assert_true(p.has & PKT_L_UDPERROR);
	f[34] = 0;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_RAW);
	assert_int_equal(p.quote.len, 0);
	unit_range_at(p.payload, f, 42, 28);
	f[34] = 13; /* timestamp request */
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIC | PKT_L_RAW);
	free(f);
}

/* ICMP in a later fragment, or inside IPv6, is not parsed as ICMP. */
static void test_icmp_not_parsed(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', nh=1)/ICMP(type=8)
	 */
	static const char icmp_in_ip6[] =
		"02000000000102000000000286dd600000000008014020010db800000000"
		"000000000000000120010db80000000000000000000000020800f7ff0000"
		"0000";
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp_echo, &n);

	(void)state;
	f[21] = 0x10; /* frag offset 16 */
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, PKT_L_ETH | PKT_L_IP | PKT_L_RAW);
	assert_true(p.later_fragment);
	free(f);
	f = unit_frame(icmp_in_ip6, &n);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, PKT_L_ETH | PKT_L_IP6 | PKT_L_RAW);
	unit_range_at(p.payload, f, 54, 8);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_icmp_cuts),
		cmocka_unit_test(test_icmp_unreach_udp),
		cmocka_unit_test(test_icmp_timex_tcp),
		cmocka_unit_test(test_icmp_unreach_icmp),
		cmocka_unit_test(test_icmp_frag_needed),
		cmocka_unit_test(test_icmp_quote_with_options),
		cmocka_unit_test(test_icmp_quote_cuts),
		cmocka_unit_test(test_icmp_bad_quotes),
		cmocka_unit_test(test_icmp_other_types),
		cmocka_unit_test(test_icmp_not_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
