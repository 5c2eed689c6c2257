/* SPDX-License-Identifier: MIT */
/*
 * test_ip6.c - unit tests of src/pkt/ip6.c (RFC 8200) through pkt_parse():
 * the fixed header, the payload length, the extension header walk
 * (hop-by-hop first only, routing, fragment, destination options, at most
 * PKT_IP6_EXT_MAX of them), fragments (a non-first fragment has no
 * transport header), and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include "unit.h"

#define L_E6 (PKT_L_ETH | PKT_L_IP6)

static const uint8_t a1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', tc=0xb8, fl=0x12345, hlim=255, nh=59)/Raw(b'abcd')
 */
static const char ip6_none[] =
	"02000000000102000000000286dd6b81234500043bff20010db8000000000000"
	"00000000000120010db800000000000000000000000261626364";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop(options=[PadN(optdata=b'\x00' * 4)])/IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\x00' * 4)])/IPv6ExtHdrRouting(addresses=['2001:db8::3'], segleft=0)/IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\x00' * 4)])/UDP(sport=1234, dport=53)/Raw(b'abc')
 */
static const char ip6_ext[] =
	"02000000000102000000000286dd60000000003b004020010db8000000000000"
	"00000000000120010db80000000000000000000000023c000104000000002b00"
	"0104000000003c0200000000000020010db80000000000000000000000031100"
	"01040000000004d20035000bdaf9616263";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(m=1, offset=0, id=0xabcdef01)/UDP(sport=1234, dport=53, len=1008, chksum=0x1234)/Raw(b'z' * 16)
 */
static const char ip6_frag1[] =
	"02000000000102000000000286dd6000000000202c4020010db8000000000000"
	"00000000000120010db800000000000000000000000211000001abcdef0104d2"
	"003503f012347a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(nh=17, m=0, offset=2, id=0xabcdef01)/Raw(b'y' * 16)
 */
static const char ip6_frag2[] =
	"02000000000102000000000286dd6000000000182c4020010db8000000000000"
	"00000000000120010db800000000000000000000000211000010abcdef017979"
	"7979797979797979797979797979";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/UDP(sport=1234, dport=53)
 */
static const char ip6_ext8[] =
	"02000000000102000000000286dd6000000000483c4020010db8000000000000"
	"00000000000120010db80000000000000000000000023c000104000000003c00"
	"0104000000003c000104000000003c000104000000003c000104000000003c00"
	"0104000000003c00010400000000110001040000000004d2003500089f62";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/IPv6ExtHdrDestOpt()/UDP(sport=1234, dport=53)
 */
static const char ip6_ext9[] =
	"02000000000102000000000286dd6000000000503c4020010db8000000000000"
	"00000000000120010db80000000000000000000000023c000104000000003c00"
	"0104000000003c000104000000003c000104000000003c000104000000003c00"
	"0104000000003c000104000000003c00010400000000110001040000000004d2"
	"003500089f62";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt()/IPv6ExtHdrHopByHop()/UDP(sport=1234, dport=53)
 */
static const char ip6_hbh2[] =
	"02000000000102000000000286dd6000000000183c4020010db8000000000000"
	"00000000000120010db800000000000000000000000200000104000000001100"
	"01040000000004d2003500089f62";

static void test_ip6_fields(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_none, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_RAW);
	assert_int_equal(p.ip6.version, 6);
	assert_int_equal(p.ip6.tc, 0xb8);
	assert_int_equal(p.ip6.fl, 0x12345);
	assert_int_equal(p.ip6.plen, 4);
	assert_int_equal(p.ip6.nh, 59);
	assert_int_equal(p.ip6.hlim, 255);
	assert_memory_equal(p.ip6.src, a1, 16);
	assert_memory_equal(p.ip6.dst, a2, 16);
	assert_int_equal(p.ip6.next, 59);
	assert_int_equal(p.ip6.n_ext, 0);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l4_off, 54);
	unit_range_at(p.payload, f, 54, 4);
	assert_false(p.fragment);
	free(f);
}

/* Highest tc and flow label; a trailer after the payload length. */
static void test_ip6_bits_and_trailer(void **state)
{
	struct pkt p;
	uint8_t f[64];
	size_t n = unit_hex(f, sizeof(f), ip6_none);

	(void)state;
	memset(f + n, 0, 6);
	f[14] = 0x6f;
	f[15] = 0xff;
	f[16] = 0xff;
	f[17] = 0xff;
	unit_parse_ok(&p, f, n + 6);
	assert_int_equal(p.ip6.tc, 0xff);
	assert_int_equal(p.ip6.fl, 0xfffff);
	assert_int_equal(p.has, L_E6 | PKT_L_RAW | PKT_L_PADDING);
	unit_range_at(p.payload, f, 54, 4);
	unit_range_at(p.padding, f, 58, 6);
}

static void test_ip6_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 55, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6, 14 },
		{ 55, 58, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6 | PKT_L_RAW,
		  14 },
	};
	/* Hop-by-hop 54, dest 62, routing 70, dest 94, UDP 102, data 110. */
	static const struct unit_cut ext_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 102, PKT_TRUNCATED, "truncated ipv6 extension header",
		  L_E6, 54 },
		{ 102, 110, PKT_TRUNCATED, "truncated udp header", L_E6, 102 },
		{ 110, 111, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6 | PKT_L_UDP,
		  54 },
		{ 111, 113, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  L_E6 | PKT_L_UDP | PKT_L_RAW, 54 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(ip6_none, &n);
	unit_check_cuts(f, n, cuts, 4);
	free(f);
	f = unit_frame(ip6_ext, &n);
	unit_check_cuts(f, n, ext_cuts, 6);
	/* Cut inside the routing header: the two before it are kept. */
	assert_int_equal(pkt_parse(&p, f, 80), PKT_TRUNCATED);
	assert_int_equal(p.ip6.n_ext, 2);
	assert_int_equal(p.ip6.next, 43);
	assert_true(p.cut);
	free(f);
}

static void test_ip6_version(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_none, &n);

	(void)state;
	f[14] = 0x4b;
	unit_parse_bad(&p, f, n, PKT_MALFORMED, "ipv6 version is not 6", L_E6);
	assert_int_equal(p.ip6.version, 4);
	assert_int_equal(p.err_off, 54);
	free(f);
}

/* Hop-by-hop, destination options, routing, destination options, UDP. */
static void test_ip6_ext_chain(void **state)
{
	static const struct {
		uint8_t type, nh;
		size_t off, len;
	} e[] = {
		{ 0, 60, 54, 8 },
		{ 60, 43, 62, 8 },
		{ 43, 60, 70, 24 },
		{ 60, 17, 94, 8 },
	};
	struct pkt p;
	size_t n, i;
	uint8_t *f = unit_frame(ip6_ext, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_UDP | PKT_L_RAW);
	assert_int_equal(p.ip6.nh, 0);
	assert_int_equal(p.ip6.plen, 59);
	assert_int_equal(p.ip6.n_ext, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(p.ip6.ext[i].type, e[i].type);
		assert_int_equal(p.ip6.ext[i].nh, e[i].nh);
		unit_range_at(p.ip6.ext[i].raw, f, e[i].off, e[i].len);
	}
	assert_int_equal(p.ip6.next, 17);
	assert_int_equal(p.l4_off, 102);
	assert_int_equal(p.udp.sport, 1234);
	assert_int_equal(p.udp.dport, 53);
	assert_int_equal(p.udp.len, 11);
	assert_int_equal(p.udp.chksum, 0xdaf9);
	unit_bytes_eq(p.payload, "abc", 3);
	assert_false(p.fragment);
	free(f);
}

/*
 * The payload length declared 0..69 over the whole frame: every header of
 * the chain cut by it in turn (a contradiction: the frame goes on), then
 * lengths past the frame (a capture cut).
 */
static void test_ip6_ext_declared(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 48, PKT_MALFORMED,
		  "ipv6 extension header past payload length", L_E6, 0 },
		/* What the frame holds past the payload length: padding. */
		{ 48, 56, PKT_MALFORMED,
		  "ipv6 payload length ends inside transport header",
		  L_E6 | PKT_L_PADDING, 0 },
		{ 56, 59, PKT_MALFORMED, "udp length past end of datagram",
		  L_E6 | PKT_L_UDP | PKT_L_PADDING, 0 },
		{ 59, 60, PKT_OK, NULL, L_E6 | PKT_L_UDP | PKT_L_RAW, 0 },
		{ 60, 70, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  L_E6 | PKT_L_UDP | PKT_L_RAW, 0 },
	};
	size_t n;
	uint8_t *f = unit_frame(ip6_ext, &n);

	(void)state;
	unit_check_declared(f, n, 18, cuts, 5);
	free(f);
}

/*
 * pkt.h: MALFORMED is "a header contradicts ... its container".  A
 * payload length that ends inside an extension header contradicts it
 * whether or not the frame holds bytes past that end.
 */
static void test_ip6_ext_declared_exact_frame(void **state)
{
	struct pkt p;
	uint8_t f[113];

	(void)state;
	unit_hex(f, sizeof(f), ip6_ext);
	unit_put16(f + 18, 4); /* half the hop-by-hop header */
	assert_int_equal(pkt_parse(&p, f, 54 + 4), PKT_MALFORMED);
	assert_string_equal(p.reason,
			    "ipv6 extension header past payload length");
}

/* Eight extension headers are walked; a ninth is refused. */
static void test_ip6_ext_max(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_ext8, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_UDP);
	assert_int_equal(p.ip6.n_ext, PKT_IP6_EXT_MAX);
	assert_int_equal(p.ip6.ext[7].type, 60);
	assert_int_equal(p.ip6.ext[7].nh, 17);
	assert_int_equal(p.l4_off, 54 + 8 * 8);
	assert_int_equal(p.udp.dport, 53);
	free(f);
	f = unit_frame(ip6_ext9, &n);
	unit_parse_bad(&p, f, n, PKT_MALFORMED,
		       "too many ipv6 extension headers", L_E6);
	assert_int_equal(p.ip6.n_ext, PKT_IP6_EXT_MAX);
	assert_int_equal(p.ip6.next, 60);
	assert_int_equal(p.err_off, 54 + 8 * 8);
	free(f);
}

/* RFC 8200 4.3: hop-by-hop options only right after the IPv6 header. */
static void test_ip6_hbh_not_first(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_hbh2, &n);

	(void)state;
	unit_parse_bad(&p, f, n, PKT_MALFORMED,
		       "ipv6 hop-by-hop header not first", L_E6);
	assert_int_equal(p.ip6.n_ext, 1);
	assert_int_equal(p.ip6.ext[0].type, 60);
	assert_int_equal(p.err_off, 62);
	free(f);
}

static void test_ip6_first_fragment(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_frag1, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_IP6FRAG | PKT_L_UDP | PKT_L_RAW);
	assert_int_equal(p.ip6.nh, 44);
	assert_int_equal(p.ip6.n_ext, 1);
	assert_int_equal(p.ip6.ext[0].type, 44);
	assert_int_equal(p.ip6.ext[0].nh, 17);
	unit_range_at(p.ip6.ext[0].raw, f, 54, 8);
	assert_int_equal(p.ip6.frag.nh, 17);
	assert_int_equal(p.ip6.frag.res1, 0);
	assert_int_equal(p.ip6.frag.offset, 0);
	assert_int_equal(p.ip6.frag.res2, 0);
	assert_int_equal(p.ip6.frag.m, 1);
	assert_int_equal(p.ip6.frag.id, 0xabcdef01);
	assert_true(p.fragment);
	assert_false(p.later_fragment);
	assert_int_equal(p.ip6.next, 17);
	/* udp.len 1008 covers fragments not here. */
	assert_int_equal(p.udp.len, 1008);
	assert_int_equal(p.udp.chksum, 0x1234);
	unit_range_at(p.payload, f, 70, 16);
	/* Reserved fields; the second byte is no length. */
	f[55] = 0xff;
	f[57] = 0x07;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.ip6.frag.res1, 0xff);
	assert_int_equal(p.ip6.frag.res2, 3);
	assert_int_equal(p.ip6.frag.m, 1);
	unit_range_at(p.ip6.ext[0].raw, f, 54, 8);
	assert_int_equal(p.l4_off, 62);
	free(f);
}

static void test_ip6_later_fragment(void **state)
{
	struct pkt p;
	size_t n, i;
	uint8_t *f = unit_frame(ip6_frag2, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_IP6FRAG | PKT_L_RAW);
	assert_int_equal(p.ip6.frag.offset, 2);
	assert_int_equal(p.ip6.frag.m, 0);
	assert_true(p.fragment);
	assert_true(p.later_fragment);
	assert_int_equal(p.ip6.next, 17);
	assert_int_equal(p.l4_off, 62);
	unit_range_at(p.payload, f, 62, 16);
	/* No chain is walked past it: an "extension header" is payload. */
	f[54] = 0;
	for (i = 62; i < n; i++)
		f[i] = 0;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_IP6FRAG | PKT_L_RAW);
	assert_int_equal(p.ip6.n_ext, 1);
	assert_int_equal(p.ip6.next, 0);
	free(f);
}

/* Fragment header cut by the capture or by the payload length. */
static void test_ip6_frag_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 62, PKT_TRUNCATED, "truncated ipv6 extension header",
		  L_E6, 54 },
		{ 62, 63, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6 | PKT_L_IP6FRAG,
		  54 },
		{ 63, 78, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  L_E6 | PKT_L_IP6FRAG | PKT_L_RAW, 54 },
	};
	static const struct unit_cut declared[] = {
		{ 0, 8, PKT_MALFORMED,
		  "ipv6 extension header past payload length", L_E6, 0 },
		{ 8, 9, PKT_OK, NULL, L_E6 | PKT_L_IP6FRAG | PKT_L_PADDING, 0 },
		{ 9, 24, PKT_OK, NULL,
		  L_E6 | PKT_L_IP6FRAG | PKT_L_RAW | PKT_L_PADDING, 0 },
		{ 24, 25, PKT_OK, NULL, L_E6 | PKT_L_IP6FRAG | PKT_L_RAW, 0 },
		{ 25, 40, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  L_E6 | PKT_L_IP6FRAG | PKT_L_RAW, 0 },
	};
	size_t n;
	uint8_t *f = unit_frame(ip6_frag2, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 5);
	unit_check_declared(f, n, 18, declared, 5);
	free(f);
}

/* IPv6 dispatches on the last next header; ICMP (1) is not IPv6's. */
static void test_ip6_upper_dispatch(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip6_none, &n);

	(void)state;
	f[20] = 1;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6 | PKT_L_RAW);
	assert_int_equal(p.ip6.next, 1);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip6_fields),
		cmocka_unit_test(test_ip6_bits_and_trailer),
		cmocka_unit_test(test_ip6_cuts),
		cmocka_unit_test(test_ip6_version),
		cmocka_unit_test(test_ip6_ext_chain),
		cmocka_unit_test(test_ip6_ext_declared),
		cmocka_unit_test(test_ip6_ext_declared_exact_frame),
		cmocka_unit_test(test_ip6_ext_max),
		cmocka_unit_test(test_ip6_hbh_not_first),
		cmocka_unit_test(test_ip6_first_fragment),
		cmocka_unit_test(test_ip6_later_fragment),
		cmocka_unit_test(test_ip6_frag_cuts),
		cmocka_unit_test(test_ip6_upper_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
