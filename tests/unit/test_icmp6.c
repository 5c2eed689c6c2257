/* SPDX-License-Identifier: MIT */
/*
 * test_icmp6.c - unit tests of src/pkt/icmp6.c (RFC 4443, RFC 4861)
 * through pkt_parse(): echo, neighbour and router solicitation and
 * advertisement with their options, ND option errors (length 0, overrun,
 * a lone byte, too many), errors quoting an IPv6 header and a TCP, UDP or
 * ICMPv6 header (iperror6.*), and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include "unit.h"

#define L_E6I (PKT_L_ETH | PKT_L_IP6 | PKT_L_ICMP6)

static const uint8_t a1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x1234, seq=1, data=b'ping!')
 */
static const char icmp6_echo[] =
	"02000000000102000000000286dd60000000000d3a4020010db8000000000000"
	"00000000000120010db80000000000000000000000028000123d123400017069"
	"6e6721";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=255)/ICMPv6ND_NS(tgt='2001:db8::2')/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:02')
 */
static const char icmp6_ns[] =
	"02000000000102000000000286dd6000000000203aff20010db8000000000000"
	"00000000000120010db80000000000000000000000028700ec71000000002001"
	"0db80000000000000000000000020101020000000002";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1', hlim=255)/ICMPv6ND_NA(R=1, S=1, O=1, tgt='2001:db8::2')/ICMPv6NDOptDstLLAddr(lladdr='02:00:00:00:00:01')
 */
static const char icmp6_na[] =
	"02000000000102000000000286dd6000000000203aff20010db8000000000000"
	"00000000000220010db800000000000000000000000188000a72e00000002001"
	"0db80000000000000000000000020201020000000001";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::ff', hlim=255)/ICMPv6ND_RS()/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:02')
 */
static const char icmp6_rs[] =
	"02000000000102000000000286dd6000000000103aff20010db8000000000000"
	"00000000000120010db80000000000000000000000ff85001b40000000000101"
	"020000000002";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::ff', dst='2001:db8::1', hlim=255)/ICMPv6ND_RA(chlim=64, M=1, O=0, H=0, prf=1, P=0, routerlifetime=1800, reachabletime=30000, retranstimer=1000)/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:ff')/ICMPv6NDOptMTU(mtu=1500)/ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400, preferredlifetime=14400, prefix='2001:db8:1::')
 */
static const char icmp6_ra[] =
	"02000000000102000000000286dd6000000000403aff20010db8000000000000"
	"0000000000ff20010db80000000000000000000000018600524d408807080000"
	"7530000003e801010200000000ff05010000000005dc030440c0000151800000"
	"38400000000020010db8000100000000000000000000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6DestUnreach(code=4)/Raw(bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=40000, dport=53)/Raw(b'query')))
 */
static const char icmp6_unreach[] =
	"02000000000102000000000286dd60000000003d3a4020010db8000000000000"
	"00000000000220010db8000000000000000000000001010431e0000000006000"
	"0000000d114020010db800000000000000000000000120010db8000000000000"
	"0000000000029c400035000db8017175657279";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6PacketTooBig(mtu=1280)/Raw(bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(sport=40000, dport=443, seq=987654321)))
 */
static const char icmp6_ptb[] =
	"02000000000102000000000286dd6000000000443a4020010db8000000000000"
	"00000000000220010db8000000000000000000000001020036d2000005006000"
	"00000014064020010db800000000000000000000000120010db8000000000000"
	"0000000000029c4001bb3ade68b10000000050022000f2e20000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6TimeExceeded(code=0)/Raw(bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(sport=40000, dport=443, seq=987654321)))
 */
static const char icmp6_timex[] =
	"02000000000102000000000286dd6000000000443a4020010db8000000000000"
	"00000000000220010db800000000000000000000000103003ad2000000006000"
	"00000014064020010db800000000000000000000000120010db8000000000000"
	"0000000000029c4001bb3ade68b10000000050022000f2e20000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6ParamProblem(code=1, ptr=40)/Raw(bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x4321, seq=7)))
 */
static const char icmp6_param[] =
	"02000000000102000000000286dd6000000000383a4020010db8000000000000"
	"00000000000220010db8000000000000000000000001040105e9000000286000"
	"000000083a4020010db800000000000000000000000120010db8000000000000"
	"0000000000028000e11f43210007";

static void test_icmp6_echo(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_echo, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I | PKT_L_RAW);
	assert_int_equal(p.ip6.next, 58);
	assert_int_equal(p.icmp6.type, 128);
	assert_int_equal(p.icmp6.code, 0);
	assert_int_equal(p.icmp6.cksum, 0x123d);
	assert_int_equal(p.icmp6.word, 0x12340001); /* id, seq */
	assert_int_equal(p.icmp6.n_opt, 0);
	assert_int_equal(p.l4_off, 54);
	unit_bytes_eq(p.payload, "ping!", 5);
	unit_range_at(p.payload, f, 62, 5);
	free(f);
}

static void test_icmp6_ns(void **state)
{
	static const uint8_t ll[6] = { 2, 0, 0, 0, 0, 2 };
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_ns, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I);
	assert_int_equal(p.ip6.hlim, 255);
	assert_int_equal(p.icmp6.type, 135);
	assert_int_equal(p.icmp6.code, 0);
	assert_int_equal(p.icmp6.cksum, 0xec71);
	assert_int_equal(p.icmp6.word, 0);
	assert_memory_equal(p.icmp6.tgt, a2, 16);
	assert_int_equal(p.icmp6.n_opt, 1);
	assert_int_equal(p.icmp6.opt[0].type, 1);
	assert_int_equal(p.icmp6.opt[0].len, 1);
	unit_range_at(p.icmp6.opt[0].data, f, 80, 6);
	assert_memory_equal(p.icmp6.opt[0].data.p, ll, 6);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_icmp6_na(void **state)
{
	static const uint8_t ll[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_na, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I);
	assert_int_equal(p.icmp6.type, 136);
	assert_int_equal(p.icmp6.cksum, 0x0a72);
	assert_int_equal(p.icmp6.word, 0xe0000000); /* R, S, O */
	assert_memory_equal(p.icmp6.tgt, a2, 16);
	assert_int_equal(p.icmp6.n_opt, 1);
	assert_int_equal(p.icmp6.opt[0].type, 2);
	assert_int_equal(p.icmp6.opt[0].len, 1);
	assert_memory_equal(p.icmp6.opt[0].data.p, ll, 6);
	free(f);
}

static void test_icmp6_rs(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_rs, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I);
	assert_int_equal(p.icmp6.type, 133);
	assert_int_equal(p.icmp6.cksum, 0x1b40);
	assert_int_equal(p.icmp6.word, 0);
	assert_int_equal(p.icmp6.n_opt, 1);
	assert_int_equal(p.icmp6.opt[0].type, 1);
	unit_range_at(p.icmp6.opt[0].data, f, 64, 6);
	free(f);
}

static void test_icmp6_ra(void **state)
{
	static const uint8_t prefix[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_ra, &n);
	const struct pkt_ndopt *o;

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I);
	assert_int_equal(p.icmp6.type, 134);
	assert_int_equal(p.icmp6.cksum, 0x524d);
	/* chlim 64, M=1 O=0 H=0 prf=1 P=0, routerlifetime 1800 */
	assert_int_equal(p.icmp6.word, 0x40880708);
	assert_int_equal(p.icmp6.reachabletime, 30000);
	assert_int_equal(p.icmp6.retranstimer, 1000);
	assert_int_equal(p.icmp6.n_opt, 3);
	o = p.icmp6.opt;
	assert_int_equal(o[0].type, 1);
	assert_int_equal(o[0].len, 1);
	unit_range_at(o[0].data, f, 72, 6);
	assert_memory_equal(o[0].data.p, "\x02\0\0\0\0\xff", 6);
	assert_int_equal(o[1].type, 5);
	assert_int_equal(o[1].len, 1);
	unit_range_at(o[1].data, f, 80, 6);
	assert_int_equal(unit_be32(o[1].data.p + 2), 1500);
	assert_int_equal(o[2].type, 3);
	assert_int_equal(o[2].len, 4);
	unit_range_at(o[2].data, f, 88, 30);
	assert_int_equal(o[2].data.p[0], 64); /* prefixlen */
	assert_int_equal(o[2].data.p[1], 0xc0); /* L, A */
	assert_int_equal(unit_be32(o[2].data.p + 2), 86400);
	assert_int_equal(unit_be32(o[2].data.p + 6), 14400);
	assert_memory_equal(o[2].data.p + 14, prefix, 16);
	free(f);
}

static void test_icmp6_cuts(void **state)
{
	/* NS: ICMPv6 at 54, target at 62, option at 78. */
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 58, PKT_TRUNCATED, "truncated icmp6 header",
		  PKT_L_ETH | PKT_L_IP6, 54 },
		{ 58, 62, PKT_TRUNCATED, "truncated icmp6 header", L_E6I, 54 },
		{ 62, 78, PKT_TRUNCATED, "truncated nd message", L_E6I, 62 },
		{ 78, 79, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6I, 54 },
		/* A cut option is a short capture, not a bad option. */
		{ 79, 80, PKT_TRUNCATED, "truncated nd option", L_E6I, 78 },
		{ 80, 86, PKT_TRUNCATED, "nd option overruns message", L_E6I,
		  78 },
	};
	/* NS: ip6.plen declared 0..32 over the whole frame. */
	static const struct unit_cut declared[] = {
		{ 0, 4, PKT_MALFORMED,
		  "ipv6 payload length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP6 | PKT_L_PADDING, 0 },
		{ 4, 24, PKT_MALFORMED,
		  "ipv6 payload length ends inside transport header",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 24, 25, PKT_OK, NULL, L_E6I | PKT_L_PADDING, 0 },
		{ 25, 26, PKT_MALFORMED, "truncated nd option",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 26, 32, PKT_MALFORMED, "nd option overruns message",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 32, 33, PKT_OK, NULL, L_E6I, 0 },
	};
	/* RA: the 8 bytes of timers, then three options. */
	static const struct unit_cut ra_declared[] = {
		{ 8, 16, PKT_MALFORMED,
		  "ipv6 payload length ends inside transport header",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 16, 17, PKT_OK, NULL, L_E6I | PKT_L_PADDING, 0 },
		{ 17, 18, PKT_MALFORMED, "truncated nd option",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 18, 24, PKT_MALFORMED, "nd option overruns message",
		  L_E6I | PKT_L_PADDING, 0 },
		{ 24, 25, PKT_OK, NULL, L_E6I | PKT_L_PADDING, 0 },
	};
	/* Echo: data cut by the capture is dissected as far as it goes. */
	static const struct unit_cut echo_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 58, PKT_TRUNCATED, "truncated icmp6 header",
		  PKT_L_ETH | PKT_L_IP6, 54 },
		{ 58, 62, PKT_TRUNCATED, "truncated icmp6 header", L_E6I, 54 },
		{ 62, 63, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6I, 54 },
		{ 63, 67, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6I | PKT_L_RAW,
		  54 },
	};
	size_t n;
	uint8_t *f = unit_frame(icmp6_ns, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 8);
	unit_check_declared(f, n, 18, declared, 6);
	free(f);
	f = unit_frame(icmp6_ra, &n);
	unit_check_declared(f, n, 18, ra_declared, 5);
	free(f);
	f = unit_frame(icmp6_echo, &n);
	unit_check_cuts(f, n, echo_cuts, 6);
	free(f);
}

/*
 * The NS frame with its option area replaced by opt (a multiple of 8
 * bytes, or not) and the payload length to match.
 */
static size_t ns_with(uint8_t *f, size_t cap, const char *opt_hex)
{
	size_t n;

	unit_hex(f, cap, icmp6_ns);
	n = 78 + unit_hex(f + 78, cap - 78, opt_hex);
	unit_put16(f + 18, (uint16_t)(n - 54));
	return n;
}

static void test_nd_option_errors(void **state)
{
	static const struct {
		const char *opt;
		const char *why;
		unsigned n_opt; /* options kept before the fault */
	} c[] = {
		/* RFC 4861 4.6: a length of 0 is invalid. */
		{ "0100020000000002", "bad nd option length", 0 },
		{ "01010200000000020500000000000000", "bad nd option length",
		  1 },
		{ "0102020000000002", "nd option overruns message", 0 },
		{ "01ff020000000002", "nd option overruns message", 0 },
		{ "010102000000000201", "truncated nd option", 1 },
		{ "0101020000000002ee", "truncated nd option", 1 },
		{ "0101020000000002ee01", "nd option overruns message", 1 },
		/* Unknown types are kept. */
		{ "ee01000000000000", NULL, 1 },
		{ "", NULL, 0 },
	};
	uint8_t f[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;
		size_t n = ns_with(f, sizeof(f), c[i].opt);
		uint8_t *b = unit_dup(f, n);

		if (c[i].why) {
			unit_parse_bad(&p, b, n, PKT_MALFORMED, c[i].why,
				       L_E6I);
			assert_true(p.err_off >= 78);
		} else {
			unit_parse_ok(&p, b, n);
			assert_int_equal(p.has, L_E6I);
		}
		assert_int_equal(p.icmp6.n_opt, c[i].n_opt);
		free(b);
	}
}

/* PKT_ND_OPT_MAX options fit; one more is refused. */
static void test_nd_option_max(void **state)
{
	char hex[2 * 8 * 17 + 1];
	uint8_t f[78 + 8 * 17];
	size_t i, n;
	struct pkt p;
	uint8_t *b;

	(void)state;
	hex[0] = 0;
	for (i = 0; i < PKT_ND_OPT_MAX; i++)
		strcat(hex, "ee01000000000000");
	n = ns_with(f, sizeof(f), hex);
	b = unit_dup(f, n);
	unit_parse_ok(&p, b, n);
	assert_int_equal(p.icmp6.n_opt, PKT_ND_OPT_MAX);
	assert_int_equal(p.icmp6.opt[15].type, 0xee);
	unit_range_at(p.icmp6.opt[15].data, b, n - 6, 6);
	free(b);
	strcat(hex, "ee01000000000000");
	n = ns_with(f, sizeof(f), hex);
	b = unit_dup(f, n);
	unit_parse_bad(&p, b, n, PKT_MALFORMED, "too many nd options", L_E6I);
	assert_int_equal(p.icmp6.n_opt, PKT_ND_OPT_MAX);
	free(b);
}

/* pkt_ndopt_parse on its own, over an exact-size area. */
static void test_ndopt_parse(void **state)
{
	struct pkt_icmp6 ic;
	struct pkt_rd r;
	uint8_t *b = unit_dup((const uint8_t *)"\x01\x01\x02\0\0\0\0\x02", 8);

	(void)state;
	memset(&ic, 0, sizeof(ic));
	pkt_rd_init(&r, b, 0);
	assert_null(pkt_ndopt_parse(&r, &ic));
	assert_int_equal(ic.n_opt, 0);
	pkt_rd_init(&r, b, 8);
	assert_null(pkt_ndopt_parse(&r, &ic));
	assert_int_equal(ic.n_opt, 1);
	assert_int_equal(pkt_rd_left(&r), 0);
	assert_true(pkt_rd_ok(&r));
	pkt_rd_init(&r, b, 7);
	memset(&ic, 0, sizeof(ic));
	assert_string_equal(pkt_ndopt_parse(&r, &ic),
			    "nd option overruns message");
	pkt_rd_init(&r, b, 1);
	assert_string_equal(pkt_ndopt_parse(&r, &ic), "truncated nd option");
	free(b);
}

/* The IPv6 header every quote here carries, as Scapy built it. */
static void check_iperror6(const struct pkt *p, uint16_t plen, uint8_t nh)
{
	assert_true(p->has & PKT_L_IPERROR6);
	assert_int_equal(p->iperror6.version, 6);
	assert_int_equal(p->iperror6.tc, 0);
	assert_int_equal(p->iperror6.fl, 0);
	assert_int_equal(p->iperror6.plen, plen);
	assert_int_equal(p->iperror6.nh, nh);
	assert_int_equal(p->iperror6.hlim, 64);
	assert_memory_equal(p->iperror6.src, a1, 16);
	assert_memory_equal(p->iperror6.dst, a2, 16);
	/* What the extension headers, if any, lead to. */
	assert_int_equal(p->quote_proto, p->iperror6.next);
}

static void test_icmp6_unreach(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_unreach, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has,
			 L_E6I | PKT_L_RAW | PKT_L_IPERROR6 | PKT_L_UDPERROR);
	assert_int_equal(p.icmp6.type, 1);
	assert_int_equal(p.icmp6.code, 4);
	assert_int_equal(p.icmp6.cksum, 0x31e0);
	assert_int_equal(p.icmp6.word, 0);
	check_iperror6(&p, 13, 17);
	assert_int_equal(p.l4error.sport, 40000);
	assert_int_equal(p.l4error.dport, 53);
	assert_int_equal(p.l4error.len, 13);
	assert_int_equal(p.l4error.chksum, 0xb801);
	assert_int_equal(p.iperror6.next, 17);
	/* IPv6 and UDP headers dissected; the quoted data is raw. */
	unit_range_at(p.quote, f, 62, 48);
	unit_range_at(p.payload, f, 110, 5);
	unit_bytes_eq(p.payload, "query", 5);
	free(f);
}

static void test_icmp6_packet_too_big(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_ptb, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has,
			 L_E6I | PKT_L_RAW | PKT_L_IPERROR6 | PKT_L_TCPERROR);
	assert_int_equal(p.icmp6.type, 2);
	assert_int_equal(p.icmp6.cksum, 0x36d2);
	assert_int_equal(p.icmp6.word, 1280); /* mtu */
	check_iperror6(&p, 20, 6);
	assert_int_equal(p.l4error.sport, 40000);
	assert_int_equal(p.l4error.dport, 443);
	assert_int_equal(p.l4error.seq, 987654321);
	/* 8 of the 20 TCP bytes are dissected, 12 are raw. */
	unit_range_at(p.quote, f, 62, 48);
	unit_range_at(p.payload, f, 110, 12);
	free(f);
}

static void test_icmp6_time_exceeded(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_timex, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.icmp6.type, 3);
	assert_int_equal(p.icmp6.code, 0);
	assert_int_equal(p.icmp6.cksum, 0x3ad2);
	assert_int_equal(p.icmp6.word, 0);
	check_iperror6(&p, 20, 6);
	assert_true(p.has & PKT_L_TCPERROR);
	assert_int_equal(p.l4error.seq, 987654321);
	free(f);
}

static void test_icmp6_param_problem(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_param, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I | PKT_L_IPERROR6 | PKT_L_ICMPERROR);
	assert_int_equal(p.icmp6.type, 4);
	assert_int_equal(p.icmp6.code, 1);
	assert_int_equal(p.icmp6.cksum, 0x05e9);
	assert_int_equal(p.icmp6.word, 40); /* ptr */
	check_iperror6(&p, 8, 58);
	assert_int_equal(p.l4error.type, 128);
	assert_int_equal(p.l4error.code, 0);
	assert_int_equal(p.l4error.chksum, 0xe11f);
	assert_int_equal(p.l4error.id, 0x4321);
	assert_int_equal(p.l4error.icmpseq, 7);
	unit_range_at(p.quote, f, 62, 48);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

/*
 * The quote cut at every length (ip6.plen shrunk with the frame): under
 * 40 bytes no iperror6, 40..47 iperror6 alone, 48 the UDP quote too.
 */
static void test_icmp6_quote_cuts(void **state)
{
	size_t n, q;
	uint8_t *f = unit_frame(icmp6_unreach, &n);

	(void)state;
	for (q = 0; q <= 53; q++) {
		struct pkt p;
		uint32_t want = L_E6I;
		size_t quoted = 0;
		uint8_t *b;

		if (q >= 40) {
			want |= PKT_L_IPERROR6;
			quoted = 40;
		}
		if (q >= 48) {
			want |= PKT_L_UDPERROR;
			quoted = 48;
		}
		if (q > quoted)
			want |= PKT_L_RAW;
		unit_put16(f + 18, (uint16_t)(8 + q));
		b = unit_dup(f, 62 + q);
		if (pkt_parse(&p, b, 62 + q) != PKT_OK || p.has != want)
			fail_msg("quote of %zu bytes: %s has 0x%x, want 0x%x",
				 q, pkt_verdict_name(p.verdict), p.has, want);
		assert_null(p.reason);
		assert_int_equal(p.quote.len, quoted);
		assert_int_equal(p.payload.len, q - quoted);
		free(b);
	}
	/* A bad version in the quote: no iperror6, still OK. */
	f[62] = 0x40;
	{
		struct pkt p;

		unit_parse_ok(&p, f, n);
		assert_int_equal(p.has, L_E6I | PKT_L_RAW);
		assert_int_equal(p.quote.len, 0);
	}
	free(f);
}

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6DestUnreach(code=3)/Raw(bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt()/IPv6ExtHdrFragment(m=1, id=5)/UDP(sport=40000, dport=53)/Raw(b'q')))
 */
static const char icmp6_unreach_ext[] =
	"02000000000102000000000286dd6000000000493a4020010db8000000000000"
	"00000000000220010db80000000000000000000000010103c8ba000000006000"
	"000000193c4020010db800000000000000000000000120010db8000000000000"
	"0000000000022c0001040000000011000001000000059c400035000996f171";

/* The quoted datagram's extension headers are walked to the UDP header. */
static void test_icmp6_quote_ext_headers(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_unreach_ext, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has,
			 L_E6I | PKT_L_RAW | PKT_L_IPERROR6 | PKT_L_UDPERROR);
	assert_int_equal(p.icmp6.code, 3);
	check_iperror6(&p, 25, 60);
	assert_int_equal(p.iperror6.next, 17);
	assert_int_equal(p.quote_proto, 17);
	assert_int_equal(p.l4error.sport, 40000);
	assert_int_equal(p.l4error.dport, 53);
	assert_int_equal(p.l4error.len, 9);
	assert_int_equal(p.l4error.chksum, 0x96f1);
	unit_range_at(p.quote, f, 62, 64);
	unit_bytes_eq(p.payload, "q", 1);
	/* A quoted later fragment: no transport quote past it. */
	f[62 + 48 + 3] = 0x10; /* offset 2 */
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I | PKT_L_RAW | PKT_L_IPERROR6);
	assert_int_equal(p.iperror6.next, 17);
	unit_range_at(p.quote, f, 62, 56);
	unit_range_at(p.payload, f, 118, 9);
	/* An extension header cut by the quote's end: the quote stops. */
	f[62 + 48 + 3] = 0x01;
	unit_put16(f + 18, 8 + 40 + 12);
	unit_parse_ok(&p, f, 54 + 8 + 40 + 12);
	assert_int_equal(p.has, L_E6I | PKT_L_RAW | PKT_L_IPERROR6);
	unit_range_at(p.quote, f, 62, 48);
	free(f);
}

/* ICMP (type 8) quoted in ICMPv6 is not an ICMPv6 quote. */
static void test_icmp6_quote_wrong_icmp(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_param, &n);

	(void)state;
	f[62 + 6] = 1; /* quoted nh: ICMP */
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I | PKT_L_RAW | PKT_L_IPERROR6);
	assert_int_equal(p.quote_proto, 1);
	unit_range_at(p.quote, f, 62, 40);
	unit_range_at(p.payload, f, 102, 8);
	free(f);
}

/*
 * Other types (here a redirect, 137) have no 32-bit word: all after the
 * checksum is payload, as Scapy's ICMPv6Unknown has it.
 */
static void test_icmp6_other_types(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(icmp6_ns, &n);

	(void)state;
	f[54] = 137;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6I | PKT_L_RAW);
	assert_int_equal(p.icmp6.word, 0);
	assert_int_equal(p.icmp6.n_opt, 0);
	unit_range_at(p.payload, f, 58, 28);
	/* Four bytes are a whole header for them. */
	unit_put16(f + 18, 4);
	unit_parse_ok(&p, f, 58);
	assert_int_equal(p.has, L_E6I);
	free(f);
}

/* ICMPv6 over IPv4 (proto 58) is not parsed as ICMPv6. */
static void test_icmp6_in_ip4(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', proto=58)/Raw(bytes(ICMPv6EchoRequest(id=1, seq=1, cksum=0x1234)))
	 */
	static const char hex[] =
		"02000000000102000000000208004500001c00010000403af6a3c0000201"
		"c00002028000123400010001";
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(hex, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, PKT_L_ETH | PKT_L_IP | PKT_L_RAW);
	unit_range_at(p.payload, f, 34, 8);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icmp6_echo),
		cmocka_unit_test(test_icmp6_ns),
		cmocka_unit_test(test_icmp6_na),
		cmocka_unit_test(test_icmp6_rs),
		cmocka_unit_test(test_icmp6_ra),
		cmocka_unit_test(test_icmp6_cuts),
		cmocka_unit_test(test_nd_option_errors),
		cmocka_unit_test(test_nd_option_max),
		cmocka_unit_test(test_ndopt_parse),
		cmocka_unit_test(test_icmp6_unreach),
		cmocka_unit_test(test_icmp6_packet_too_big),
		cmocka_unit_test(test_icmp6_time_exceeded),
		cmocka_unit_test(test_icmp6_param_problem),
		cmocka_unit_test(test_icmp6_quote_cuts),
		cmocka_unit_test(test_icmp6_quote_ext_headers),
		cmocka_unit_test(test_icmp6_quote_wrong_icmp),
		cmocka_unit_test(test_icmp6_other_types),
		cmocka_unit_test(test_icmp6_in_ip4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
