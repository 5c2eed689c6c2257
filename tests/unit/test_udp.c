/* SPDX-License-Identifier: MIT */
/*
 * test_udp.c - unit tests of src/pkt/udp.c (RFC 768) through pkt_parse():
 * the header over IPv4 and IPv6, the length checks (< 8, past the end of
 * the datagram, shorter than the datagram), the zero checksum over IPv4
 * (kept as "none" for rebuilds) and over IPv6, fragments, and truncation at
 * every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include "unit.h"

#define L_EIU (PKT_L_ETH | PKT_L_IP | PKT_L_UDP)
#define L_E6U (PKT_L_ETH | PKT_L_IP6 | PKT_L_UDP)

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=0x1234)/UDP(sport=5353, dport=53)/Raw(b'abc')
 */
static const char udp4[] =
	"02000000000102000000000208004500001f123400004011e496c0000201c000"
	"020214e90035000ba253616263";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=1234, dport=5678)/Raw(b'hello')
 */
static const char udp6[] =
	"02000000000102000000000286dd60000000000d114020010db8000000000000"
	"00000000000120010db800000000000000000000000204d2162e000d458d6865"
	"6c6c6f";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=0x1235)/UDP(sport=5353, dport=53, chksum=0)/Raw(b'abcd')
 */
static const char udp4_nocsum[] =
	"020000000001020000000002080045000020123500004011e494c0000201c000"
	"020214e90035000c000061626364";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=0x78, flags='MF')/UDP(sport=1234, dport=53, len=1008, chksum=0x1234)/Raw(b'z' * 16)
 */
static const char udp4_frag[] =
	"02000000000102000000000208004500002c00782000401105d7c6336401c633"
	"640a04d2003503f012347a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";

static void test_udp4_fields(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(udp4, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIU | PKT_L_RAW);
	assert_int_equal(p.ip.proto, 17);
	assert_int_equal(p.udp.sport, 5353);
	assert_int_equal(p.udp.dport, 53);
	assert_int_equal(p.udp.len, 11);
	assert_int_equal(p.udp.chksum, 0xa253);
	assert_int_equal(p.set, 0);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.payload_off, 42);
	unit_bytes_eq(p.payload, "abc", 3);
	unit_range_at(p.payload, f, 42, 3);
	free(f);
}

static void test_udp6_fields(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(udp6, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E6U | PKT_L_RAW);
	assert_int_equal(p.udp.sport, 1234);
	assert_int_equal(p.udp.dport, 5678);
	assert_int_equal(p.udp.len, 13);
	assert_int_equal(p.udp.chksum, 0x458d);
	assert_int_equal(p.l4_off, 54);
	unit_bytes_eq(p.payload, "hello", 5);
	free(f);
}

/*
 * RFC 768: over IPv4 a zero checksum means "none"; the parser marks it as
 * set so that a rebuild keeps the zero.  Over IPv6 zero is invalid (RFC
 * 8200 8.1) and is not kept: a rebuild computes one.
 */
static void test_udp_zero_checksum(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(udp4_nocsum, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.udp.chksum, 0);
	assert_int_equal(p.set, PKT_SET_UDP_CHKSUM);
	unit_bytes_eq(p.payload, "abcd", 4);
	free(f);
	f = unit_frame(udp6, &n);
	unit_put16(f + 60, 0);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.udp.chksum, 0);
	assert_int_equal(p.set, 0);
	free(f);
}

static void test_udp_bad_length(void **state)
{
	static const struct {
		uint16_t len;
		enum pkt_verdict v;
		const char *why;
	} c[] = {
		{ 0, PKT_MALFORMED, "udp length < 8" },
		{ 7, PKT_MALFORMED, "udp length < 8" },
		{ 12, PKT_MALFORMED, "udp length past end of datagram" },
		{ 0xffff, PKT_MALFORMED, "udp length past end of datagram" },
	};
	size_t n, i;
	uint8_t *f = unit_frame(udp4, &n);

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;

		unit_put16(f + 38, c[i].len);
		unit_parse_bad(&p, f, n, c[i].v, c[i].why, L_EIU);
		assert_int_equal(p.udp.len, c[i].len);
		assert_int_equal(p.udp.sport, 5353);
		assert_int_equal(p.err_off, 42);
	}
	free(f);
	f = unit_frame(udp6, &n);
	unit_put16(f + 58, 4);
	{
		struct pkt p;

		unit_parse_bad(&p, f, n, PKT_MALFORMED, "udp length < 8",
			       L_E6U);
	}
	free(f);
}

/* A UDP length shorter than the IP payload: raw.load ends where UDP says. */
static void test_udp_short_length(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(udp4, &n);

	(void)state;
	unit_put16(f + 38, 9);
	unit_parse_ok(&p, f, n);
	assert_true(p.has & PKT_L_RAW);
	unit_bytes_eq(p.payload, "a", 1);
	unit_put16(f + 38, 8);
	unit_parse_ok(&p, f, n);
	assert_false(p.has & PKT_L_RAW);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

/*
 * The bytes between the UDP length and the IP length are the frame's too:
 * Scapy shows them as Padding (b'bc' here), and a parse-then-build must
 * give the frame back.
 */
static void test_udp_short_length_kept(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f;
	uint8_t b[64];

	(void)state;
	f = unit_frame(udp4, &n);
	unit_put16(f + 38, 9);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.payload.len + p.padding.len, 3);
	/* udp.len was edited without its checksum: keep the checksum. */
	p.set |= PKT_SET_UDP_CHKSUM;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), (int)n);
	assert_memory_equal(b, f, n);
	free(f);
}

static void test_udp_cuts(void **state)
{
	/* A short capture: udp.len cannot be checked, the header is kept. */
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 42, PKT_TRUNCATED, "truncated udp header",
		  PKT_L_ETH | PKT_L_IP, 34 },
		{ 42, 43, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIU, 34 },
		{ 43, 45, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIU | PKT_L_RAW, 34 },
	};
	/* ip.len declared 20..31 over the whole frame. */
	static const struct unit_cut declared[] = {
		{ 20, 28, PKT_MALFORMED,
		  "ip length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP | PKT_L_PADDING, 0 },
		{ 28, 31, PKT_MALFORMED, "udp length past end of datagram",
		  L_EIU | PKT_L_PADDING, 0 },
		{ 31, 32, PKT_OK, NULL, L_EIU | PKT_L_RAW, 0 },
	};
	static const struct unit_cut v6_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 62, PKT_TRUNCATED, "truncated udp header",
		  PKT_L_ETH | PKT_L_IP6, 54 },
		{ 62, 63, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6U, 54 },
		{ 63, 67, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame", L_E6U | PKT_L_RAW,
		  54 },
	};
	static const struct unit_cut v6_declared[] = {
		{ 0, 8, PKT_MALFORMED,
		  "ipv6 payload length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP6 | PKT_L_PADDING, 0 },
		{ 8, 13, PKT_MALFORMED, "udp length past end of datagram",
		  L_E6U | PKT_L_PADDING, 0 },
		{ 13, 14, PKT_OK, NULL, L_E6U | PKT_L_RAW, 0 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(udp4, &n);
	unit_check_cuts(f, n, cuts, 5);
	unit_check_declared(f, n, 16, declared, 3);
	assert_int_equal(pkt_parse(&p, f, 43), PKT_TRUNCATED);
	assert_int_equal(p.udp.len, 11);
	unit_bytes_eq(p.payload, "a", 1);
	free(f);
	f = unit_frame(udp6, &n);
	unit_check_cuts(f, n, v6_cuts, 5);
	unit_check_declared(f, n, 18, v6_declared, 3);
	free(f);
}

/* A first fragment: udp.len covers the whole datagram, unchecked. */
static void test_udp_first_fragment(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(udp4_frag, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIU | PKT_L_RAW);
	assert_true(p.fragment);
	assert_int_equal(p.udp.len, 1008);
	assert_int_equal(p.udp.chksum, 0x1234);
	assert_int_equal(p.set, 0);
	unit_range_at(p.payload, f, 42, 16);
	/* Zero checksum in a fragment: still "none". */
	unit_put16(f + 40, 0);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.set, PKT_SET_UDP_CHKSUM);
	free(f);
}

/*
 * RFC 768: the length counts the 8-byte header, so a value under 8 is
 * wrong whatever the fragmentation: the whole datagram cannot be shorter
 * than its header.
 */
static void test_udp_fragment_short_length(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(udp4_frag, &n);
	unit_put16(f + 38, 4);
	unit_parse_bad(&p, f, n, PKT_MALFORMED, "udp length < 8", L_EIU);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4_fields),
		cmocka_unit_test(test_udp6_fields),
		cmocka_unit_test(test_udp_zero_checksum),
		cmocka_unit_test(test_udp_bad_length),
		cmocka_unit_test(test_udp_short_length),
		cmocka_unit_test(test_udp_short_length_kept),
		cmocka_unit_test(test_udp_cuts),
		cmocka_unit_test(test_udp_first_fragment),
		cmocka_unit_test(test_udp_fragment_short_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
