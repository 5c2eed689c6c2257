/* SPDX-License-Identifier: MIT */
/*
 * test_ip4.c - unit tests of src/pkt/ip4.c (RFC 791) through pkt_parse():
 * every header field, options (valid, length 0/1/overrun/missing, EOL
 * padding), ihl and total length checks, the Ethernet trailer past the
 * total length, fragments (a non-first fragment has no transport header),
 * and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it; malformed variants are those bytes with one
 * field changed, as each test says.
 */
#include "unit.h"

#define L_EI (PKT_L_ETH | PKT_L_IP)

static const uint8_t a1[4] = { 192, 0, 2, 1 };
static const uint8_t a2[4] = { 192, 0, 2, 2 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', tos=0xb8, id=0xbeef, flags='DF', ttl=63, proto=253)/Raw(b'abcd')
 */
static const char ip4_raw[] =
	"020000000001020000000002080045b80018beef40003ffdf73dc0000201c000"
	"020261626364";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=1, proto=253, options=[IPOption(b'\x94\x04\x00\x00'), IPOption(b'\x01\x01\x01\x00')])/Raw(b'abcd')
 */
static const char ip4_opts[] =
	"0200000000010200000000020800470000200001000040fd5dd7c0000201c000"
	"0202940400000101010061626364";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=2, proto=253)/Raw(b'abcd')/Padding(b'\x00' * 6)
 */
static const char ip4_pad[] =
	"0200000000010200000000020800450000180002000040fdf5e3c0000201c000"
	"020261626364000000000000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=0x77, flags='MF')/TCP(sport=40000, dport=80, seq=1, flags='PA', chksum=0x1234)/Raw(b'x' * 16)
 */
static const char ip4_frag1[] =
	"02000000000102000000000208004500003800772000400605d7c6336401c633"
	"640a9c4000500000000100000000501820001234000078787878787878787878"
	"787878787878";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=0x77, flags=0, frag=5, proto=6)/Raw(b'y' * 16)
 */
static const char ip4_frag2[] =
	"02000000000102000000000208004500002400770005400625e6c6336401c633"
	"640a79797979797979797979797979797979";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=0x78, flags='MF')/UDP(sport=1234, dport=53, len=1008, chksum=0x1234)/Raw(b'z' * 16)
 */
static const char ip4_udpfrag[] =
	"02000000000102000000000208004500002c00782000401105d7c6336401c633"
	"640a04d2003503f012347a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";

static void test_ip4_fields(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_raw, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	assert_int_equal(p.ip.version, 4);
	assert_int_equal(p.ip.ihl, 5);
	assert_int_equal(p.ip.tos, 0xb8);
	assert_int_equal(p.ip.len, 24);
	assert_int_equal(p.ip.id, 0xbeef);
	assert_int_equal(p.ip.flags, PKT_IP_DF);
	assert_int_equal(p.ip.frag, 0);
	assert_int_equal(p.ip.ttl, 63);
	assert_int_equal(p.ip.proto, 253);
	assert_int_equal(p.ip.chksum, 0xf73d);
	assert_memory_equal(p.ip.src, a1, 4);
	assert_memory_equal(p.ip.dst, a2, 4);
	assert_int_equal(p.ip.options.len, 0);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.payload_off, 34);
	unit_bytes_eq(p.payload, "abcd", 4);
	unit_range_at(p.payload, f, 34, 4);
	assert_int_equal(p.padding.len, 0);
	assert_false(p.fragment);
	assert_false(p.later_fragment);
	assert_int_equal(p.set, 0);
	free(f);
}

static void test_ip4_flags_bits(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_raw, &n);

	(void)state;
	/* evil+DF+MF and the largest offset, 8191. */
	f[20] = 0xff;
	f[21] = 0xff;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.ip.flags, PKT_IP_EVIL | PKT_IP_DF | PKT_IP_MF);
	assert_int_equal(p.ip.frag, 0x1fff);
	assert_true(p.fragment);
	assert_true(p.later_fragment);
	/* The evil bit alone is no fragment. */
	f[20] = 0x80;
	f[21] = 0x00;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.ip.flags, PKT_IP_EVIL);
	assert_false(p.fragment);
	free(f);
}

static void test_ip4_options(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_opts, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	assert_int_equal(p.ip.ihl, 7);
	assert_int_equal(p.ip.len, 32);
	unit_range_at(p.ip.options, f, 34, 8);
	assert_memory_equal(p.ip.options.p, "\x94\x04\x00\x00\x01\x01\x01\x00",
			    8);
	assert_int_equal(p.l4_off, 42);
	unit_bytes_eq(p.payload, "abcd", 4);
	free(f);
}

/* The trailer past the total length is padding, not payload. */
static void test_ip4_trailer(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 35, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI, 14 },
		{ 35, 38, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI | PKT_L_RAW, 14 },
		{ 38, 39, PKT_OK, NULL, L_EI | PKT_L_RAW, 0 },
		{ 39, 44, PKT_OK, NULL, L_EI | PKT_L_RAW | PKT_L_PADDING, 0 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_pad, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW | PKT_L_PADDING);
	unit_range_at(p.payload, f, 34, 4);
	unit_range_at(p.padding, f, 38, 6);
	unit_check_cuts(f, n, cuts, 6);
	free(f);
}

/*
 * Every cut.  A cut after the fixed header (and options) dissects what was
 * captured, and the verdict says the datagram is not whole.
 */
static void test_ip4_cuts(void **state)
{
	static const struct unit_cut raw_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 35, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI, 14 },
		{ 35, 38, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI | PKT_L_RAW, 14 },
	};
	static const struct unit_cut opt_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		/* The fixed header is whole: ip is shown. */
		{ 34, 42, PKT_TRUNCATED, "truncated ip options", L_EI, 14 },
		{ 42, 43, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI, 14 },
		{ 43, 46, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI | PKT_L_RAW, 14 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(ip4_raw, &n);
	unit_check_cuts(f, n, raw_cuts, 4);
	/* A snap length: the bytes captured are the payload, and cut. */
	assert_int_equal(pkt_parse(&p, f, 36), PKT_TRUNCATED);
	assert_true(p.cut);
	assert_int_equal(p.ip.len, 24);
	unit_range_at(p.payload, f, 34, 2);
	assert_int_equal(p.padding.len, 0);
	assert_int_equal(p.err_off, 36);
	free(f);
	f = unit_frame(ip4_opts, &n);
	unit_check_cuts(f, n, opt_cuts, 5);
	free(f);
}

/* The total length, declared 0..30 over a whole frame of 24 IP bytes. */
static void test_ip4_total_length(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 20, PKT_MALFORMED, "ip total length < header length", L_EI,
		  0 },
		{ 20, 21, PKT_OK, NULL, L_EI | PKT_L_PADDING, 0 },
		{ 21, 24, PKT_OK, NULL, L_EI | PKT_L_RAW | PKT_L_PADDING, 0 },
		{ 24, 25, PKT_OK, NULL, L_EI | PKT_L_RAW, 0 },
		{ 25, 31, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI | PKT_L_RAW, 0 },
	};
	static const struct unit_cut opt_cuts[] = {
		{ 0, 28, PKT_MALFORMED, "ip total length < header length", L_EI,
		  0 },
		{ 28, 29, PKT_OK, NULL, L_EI | PKT_L_PADDING, 0 },
		{ 29, 32, PKT_OK, NULL, L_EI | PKT_L_RAW | PKT_L_PADDING, 0 },
		{ 32, 33, PKT_OK, NULL, L_EI | PKT_L_RAW, 0 },
		{ 33, 40, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EI | PKT_L_RAW, 0 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_raw, &n);

	(void)state;
	f[16] = 0;
	f[17] = 22;
	unit_parse_ok(&p, f, n);
	unit_bytes_eq(p.payload, "ab", 2);
	unit_range_at(p.padding, f, 36, 2);
	unit_check_declared(f, n, 16, cuts, 5);
	f[16] = 0;
	f[17] = 20;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_PADDING);
	free(f);
	f = unit_frame(ip4_opts, &n);
	unit_check_declared(f, n, 16, opt_cuts, 5);
	free(f);
}

static void test_ip4_bad_ihl_version(void **state)
{
	static const struct {
		uint8_t vihl;
		const char *why;
	} c[] = {
		{ 0x44, "ip header length < 20" },
		{ 0x40, "ip header length < 20" },
		{ 0x41, "ip header length < 20" },
		{ 0x65, "ip version is not 4" },
		{ 0x05, "ip version is not 4" },
		{ 0xf5, "ip version is not 4" },
	};
	size_t n, i;
	uint8_t *f = unit_frame(ip4_raw, &n);

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;

		f[14] = c[i].vihl;
		/* The fixed header is whole, so ip is shown. */
		unit_parse_bad(&p, f, n, PKT_MALFORMED, c[i].why, L_EI);
		assert_int_equal(p.ip.version, c[i].vihl >> 4);
		assert_int_equal(p.ip.ihl, c[i].vihl & 0xf);
		assert_int_equal(p.err_off, 34);
	}
	/* ihl 15 (60 bytes) over a 24-byte datagram. */
	f[14] = 0x4f;
	{
		struct pkt p;

		unit_parse_bad(&p, f, n, PKT_MALFORMED,
			       "ip total length < header length", L_EI);
	}
	free(f);
}

/*
 * An Ethernet/IPv4 frame with the given options (a multiple of 4 bytes,
 * at most 40) and the payload "abcd"; returns its length.
 */
static size_t opt_frame(uint8_t *f, const char *opt_hex)
{
	uint8_t opt[40];
	size_t olen = unit_hex(opt, sizeof(opt), opt_hex);
	size_t n;

	assert_int_equal(olen % 4, 0);
	n = unit_hex(f, 34,
		     "020000000001020000000002080045000000000100004"
		     "0fd0000c0000201c0000202");
	assert_int_equal(n, 34);
	f[14] = (uint8_t)(0x40 | (5 + olen / 4));
	unit_put16(f + 16, (uint16_t)(20 + olen + 4));
	memcpy(f + 34, opt, olen);
	memcpy(f + 34 + olen, "abcd", 4);
	return 34 + olen + 4;
}

static void test_ip4_option_errors(void **state)
{
	static const struct {
		const char *opt;
		const char *why; /* NULL: valid */
	} c[] = {
		{ "94000000", "bad ip option length" },
		{ "94010000", "bad ip option length" },
		{ "01940100", "bad ip option length" },
		{ "94050000", "ip option overruns header" },
		{ "9404000094050000", "ip option overruns header" },
		{ "07ff0400", "ip option overruns header" },
		{ "01010194", "ip option length missing" },
		{ "0101010101010144", "ip option length missing" },
		{ "94040000", NULL },
		{ "01010101", NULL },
		{ "07030400", NULL },
		/* After EOL anything goes: it is padding. */
		{ "00ffffff", NULL },
		{ "0100ff01", NULL },
		{ "8228000000000000000000000000000000000000"
		  "0000000000000000000000000000000000000000",
		  NULL },
		{ "8229000000000000000000000000000000000000"
		  "0000000000000000000000000000000000000000",
		  "ip option overruns header" },
	};
	uint8_t f[34 + 40 + 4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;
		size_t n = opt_frame(f, c[i].opt);
		uint8_t *b = unit_dup(f, n);

		if (c[i].why) {
			unit_parse_bad(&p, b, n, PKT_MALFORMED, c[i].why, L_EI);
			/* The fixed header is shown, options and all. */
			unit_range_at(p.ip.options, b, 34, n - 38);
			assert_true(p.err_off >= 14 && p.err_off <= n - 4);
		} else {
			unit_parse_ok(&p, b, n);
			assert_int_equal(p.has, L_EI | PKT_L_RAW);
			unit_range_at(p.ip.options, b, 34, n - 38);
			unit_bytes_eq(p.payload, "abcd", 4);
		}
		free(b);
	}
}

static void test_ip4_options_check(void **state)
{
	(void)state;
	assert_null(pkt_ip4_options_check(NULL, 0));
	assert_null(pkt_ip4_options_check((const uint8_t *)"\x00", 1));
	assert_null(pkt_ip4_options_check((const uint8_t *)"\x01", 1));
	assert_string_equal(pkt_ip4_options_check((const uint8_t *)"\x94", 1),
			    "ip option length missing");
	assert_string_equal(
		pkt_ip4_options_check((const uint8_t *)"\x94\x03", 2),
		"ip option overruns header");
	assert_null(pkt_ip4_options_check((const uint8_t *)"\x94\x02", 2));
	assert_string_equal(
		pkt_ip4_options_check((const uint8_t *)"\x94\x01", 2),
		"bad ip option length");
}

/* A first fragment: the transport header is there and parsed. */
static void test_ip4_first_fragment(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(ip4_frag1, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_TCP | PKT_L_RAW);
	assert_int_equal(p.ip.flags, PKT_IP_MF);
	assert_int_equal(p.ip.frag, 0);
	assert_true(p.fragment);
	assert_false(p.later_fragment);
	assert_int_equal(p.tcp.sport, 40000);
	assert_int_equal(p.tcp.chksum, 0x1234);
	unit_range_at(p.payload, f, 54, 16);
	free(f);
	f = unit_frame(ip4_udpfrag, &n);
	unit_parse_ok(&p, f, n);
	/* udp.len covers fragments not here: not checked. */
	assert_int_equal(p.has, L_EI | PKT_L_UDP | PKT_L_RAW);
	assert_int_equal(p.udp.len, 1008);
	assert_true(p.fragment);
	unit_range_at(p.payload, f, 42, 16);
	free(f);
}

/* A later fragment carries no transport header, whatever its bytes. */
static void test_ip4_later_fragment(void **state)
{
	struct pkt p;
	size_t n, i;
	uint8_t *f = unit_frame(ip4_frag2, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	assert_int_equal(p.ip.frag, 5);
	assert_int_equal(p.ip.flags, 0);
	assert_true(p.fragment);
	assert_true(p.later_fragment);
	assert_int_equal(p.l4_off, 34);
	unit_range_at(p.payload, f, 34, 16);
	/* Bytes that would be a broken TCP, UDP or ICMP header. */
	for (i = 34; i < n; i++)
		f[i] = 0;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	f[23] = 17;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	f[23] = 1;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	/* Even when the last fragment holds fewer than 8 bytes. */
	f[23] = 6;
	unit_put16(f + 16, 24);
	unit_parse_ok(&p, f, 38);
	assert_int_equal(p.has, L_EI | PKT_L_RAW);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4_fields),
		cmocka_unit_test(test_ip4_flags_bits),
		cmocka_unit_test(test_ip4_options),
		cmocka_unit_test(test_ip4_trailer),
		cmocka_unit_test(test_ip4_cuts),
		cmocka_unit_test(test_ip4_total_length),
		cmocka_unit_test(test_ip4_bad_ihl_version),
		cmocka_unit_test(test_ip4_option_errors),
		cmocka_unit_test(test_ip4_options_check),
		cmocka_unit_test(test_ip4_first_fragment),
		cmocka_unit_test(test_ip4_later_fragment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
