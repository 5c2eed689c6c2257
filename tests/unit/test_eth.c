/* SPDX-License-Identifier: MIT */
/*
 * test_eth.c - unit tests of src/pkt/eth.c and the frame-level dispatch of
 * src/pkt/parse.c: Ethernet II, 802.1Q, 802.1ad/QinQ (two tags dissected,
 * a third left as payload), truncation at every byte, and the name tables.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include "unit.h"

#define L_E PKT_L_ETH
#define L_AD PKT_L_DOT1AD
#define L_Q PKT_L_DOT1Q

static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02', type=0x88b5)/Raw(b'\x01\x02\x03\x04')
 */
static const char eth_raw[] = "02000000000102000000000288b501020304";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1Q(prio=5, id=1, vlan=100, type=0x88b5)/Raw(b'\x01\x02\x03\x04')
 */
static const char eth_dot1q[] = "0200000000010200000000028100b06488b501020304";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1AD(prio=3, vlan=10)/Dot1Q(prio=5, vlan=100)/IP(src='198.51.100.1', dst='198.51.100.10', proto=253)/Raw(b'abcd')
 */
static const char eth_qinq_ad[] =
	"02000000000102000000000288a8600a8100a0640800450000180001000040fd"
	"2576c6336401c633640a61626364";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1Q(vlan=10)/Dot1Q(prio=7, id=1, vlan=4095)/IP(src='198.51.100.1', dst='198.51.100.10')/UDP(sport=1234, dport=53)
 */
static const char eth_qinq_qq[] =
	"0200000000010200000000028100000a8100ffff08004500001c000100004011"
	"265ec6336401c633640a04d200350008a664";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02', type=0x9100)/Dot1Q(vlan=7)/Dot1Q(vlan=8, type=0x88b5)/Raw(b'\x01\x02\x03\x04')
 */
static const char eth_qinq_old[] =
	"020000000001020000000002910000078100000888b501020304";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1AD(vlan=1)/Dot1Q(vlan=2)/Dot1Q(vlan=3)/IP(src='198.51.100.1', dst='198.51.100.10')/UDP(sport=1234, dport=53)
 */
static const char eth_triple[] =
	"02000000000102000000000288a80001810000028100000308004500001c0001"
	"00004011265ec6336401c633640a04d200350008a664";

static void test_eth_ii(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_raw, &n);

	(void)state;
	assert_int_equal(n, 18);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | PKT_L_RAW);
	assert_memory_equal(p.eth.dst, mac1, 6);
	assert_memory_equal(p.eth.src, mac2, 6);
	assert_int_equal(p.eth.type, 0x88b5);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.payload_off, 14);
	unit_range_at(p.payload, f, 14, 4);
	assert_int_equal(p.padding.len, 0);
	assert_false(p.fragment);
	assert_int_equal(p.set, 0);
	free(f);
}

/* An 802.3 length (< 0x0600) is an unknown type: all payload. */
static void test_eth_8023_length(void **state)
{
	struct pkt p;
	uint8_t f[20];

	(void)state;
	unit_hex(f, sizeof(f), "0200000000010200000000020006424203aabbcc");
	unit_parse_ok(&p, f, 20);
	assert_int_equal(p.has, L_E | PKT_L_RAW);
	assert_int_equal(p.eth.type, 0x0006);
	unit_range_at(p.payload, f, 14, 6);
}

/* Exactly 14 bytes: OK, no payload layer. */
static void test_eth_header_only(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame("0200000000010200000000020800", &n);

	(void)state;
	/* IPv4 announced but absent: the IP header is truncated. */
	unit_parse_bad(&p, f, n, PKT_TRUNCATED, "truncated ip header", L_E);
	assert_int_equal(p.err_off, 14);
	free(f);
	f = unit_frame("02000000000102000000000288b5", &n);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_eth_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 15, PKT_OK, NULL, L_E, 0 },
		{ 15, 18, PKT_OK, NULL, L_E | PKT_L_RAW, 0 },
	};
	size_t n;
	uint8_t *f = unit_frame(eth_raw, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 3);
	free(f);
}

/* A NULL frame is an empty one, whatever caplen says. */
static void test_eth_null_frame(void **state)
{
	struct pkt p;

	(void)state;
	assert_int_equal(pkt_parse(&p, NULL, 1500), PKT_TRUNCATED);
	assert_int_equal(p.caplen, 0);
	assert_int_equal(p.has, 0);
	assert_string_equal(p.reason, "truncated ethernet header");
	assert_int_equal(p.err_off, 0);
}

/* pkt_parse clears whatever p held before. */
static void test_parse_clears(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_raw, &n);

	(void)state;
	memset(&p, 0xff, sizeof(p));
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | PKT_L_RAW);
	assert_int_equal(p.set, 0);
	assert_int_equal(p.dot1q.vlan, 0);
	assert_int_equal(p.ip.len, 0);
	assert_int_equal(p.tcp.n_opt, 0);
	assert_int_equal(p.icmp6.n_opt, 0);
	assert_int_equal(p.ip6.n_ext, 0);
	assert_int_equal(p.padding.len, 0);
	assert_false(p.later_fragment);
	free(f);
}

static void test_dot1q(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_dot1q, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | L_Q | PKT_L_RAW);
	assert_int_equal(p.eth.type, 0x8100);
	assert_int_equal(p.dot1q.tpid, 0x8100);
	assert_int_equal(p.dot1q.prio, 5);
	assert_int_equal(p.dot1q.id, 1);
	assert_int_equal(p.dot1q.vlan, 100);
	assert_int_equal(p.dot1q.type, 0x88b5);
	assert_int_equal(p.l3_off, 18);
	unit_range_at(p.payload, f, 18, 4);
	free(f);
}

static void test_dot1q_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 18, PKT_TRUNCATED, "truncated vlan tag", L_E, 14 },
		{ 18, 19, PKT_OK, NULL, L_E | L_Q, 0 },
		{ 19, 22, PKT_OK, NULL, L_E | L_Q | PKT_L_RAW, 0 },
	};
	size_t n;
	uint8_t *f = unit_frame(eth_dot1q, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 4);
	free(f);
}

/* 0x88a8 outside, 0x8100 inside: dot1ad is the outer tag. */
static void test_qinq_88a8_8100(void **state)
{
	static const uint8_t src[4] = { 198, 51, 100, 1 };
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_qinq_ad, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | L_AD | L_Q | PKT_L_IP | PKT_L_RAW);
	assert_int_equal(p.eth.type, 0x88a8);
	assert_int_equal(p.dot1ad.tpid, 0x88a8);
	assert_int_equal(p.dot1ad.prio, 3);
	assert_int_equal(p.dot1ad.id, 0);
	assert_int_equal(p.dot1ad.vlan, 10);
	assert_int_equal(p.dot1ad.type, 0x8100);
	assert_int_equal(p.dot1q.tpid, 0x8100);
	assert_int_equal(p.dot1q.prio, 5);
	assert_int_equal(p.dot1q.vlan, 100);
	assert_int_equal(p.dot1q.type, 0x0800);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.ip.proto, 253);
	assert_memory_equal(p.ip.src, src, 4);
	unit_bytes_eq(p.payload, "abcd", 4);
	free(f);
}

/*
 * Every cut of the QinQ frame.  A cut inside the inner tag keeps the outer
 * one as dot1ad (it announced a second tag); a cut inside the IP datagram
 * dissects what was captured and says TRUNCATED.
 */
static void test_qinq_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 18, PKT_TRUNCATED, "truncated vlan tag", L_E, 14 },
		{ 18, 22, PKT_TRUNCATED, "truncated inner vlan tag", L_E | L_AD,
		  18 },
		{ 22, 42, PKT_TRUNCATED, "truncated ip header",
		  L_E | L_AD | L_Q, 22 },
		{ 42, 43, PKT_TRUNCATED, "ip total length past end of frame",
		  L_E | L_AD | L_Q | PKT_L_IP, 22 },
		{ 43, 46, PKT_TRUNCATED, "ip total length past end of frame",
		  L_E | L_AD | L_Q | PKT_L_IP | PKT_L_RAW, 22 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_qinq_ad, &n);

	(void)state;
	unit_check_cuts(f, n, cuts, 6);
	assert_int_equal(pkt_parse(&p, f, 20), PKT_TRUNCATED);
	assert_int_equal(p.dot1ad.tpid, 0x88a8);
	assert_int_equal(p.dot1ad.vlan, 10);
	assert_int_equal(p.dot1ad.type, 0x8100);
	assert_int_equal(p.dot1q.vlan, 0);
	/* What the capture holds of the payload is dissected. */
	assert_int_equal(pkt_parse(&p, f, 44), PKT_TRUNCATED);
	unit_range_at(p.payload, f, 42, 2);
	assert_int_equal(p.err_off, 44);
	free(f);
}

/* 0x8100 twice, highest PCP/DEI/VID values, IPv4/UDP behind them. */
static void test_qinq_8100_8100(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_qinq_qq, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | L_AD | L_Q | PKT_L_IP | PKT_L_UDP);
	assert_int_equal(p.dot1ad.tpid, 0x8100);
	assert_int_equal(p.dot1ad.vlan, 10);
	assert_int_equal(p.dot1ad.prio, 0);
	assert_int_equal(p.dot1q.tpid, 0x8100);
	assert_int_equal(p.dot1q.prio, 7);
	assert_int_equal(p.dot1q.id, 1);
	assert_int_equal(p.dot1q.vlan, 4095);
	assert_int_equal(p.dot1q.type, 0x0800);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.l4_off, 42);
	assert_int_equal(p.udp.sport, 1234);
	assert_int_equal(p.udp.dport, 53);
	assert_int_equal(p.udp.chksum, 0xa664);
	free(f);
}

/* The pre-standard QinQ TPID 0x9100. */
static void test_qinq_9100(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_qinq_old, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | L_AD | L_Q | PKT_L_RAW);
	assert_int_equal(p.dot1ad.tpid, 0x9100);
	assert_int_equal(p.dot1ad.vlan, 7);
	assert_int_equal(p.dot1q.tpid, 0x8100);
	assert_int_equal(p.dot1q.vlan, 8);
	assert_int_equal(p.dot1q.type, 0x88b5);
	unit_range_at(p.payload, f, 22, 4);
	free(f);
}

/* A third tag is not dissected: it and all behind it are payload. */
static void test_triple_tag(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(eth_triple, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_E | L_AD | L_Q | PKT_L_RAW);
	assert_int_equal(p.dot1ad.tpid, 0x88a8);
	assert_int_equal(p.dot1ad.vlan, 1);
	assert_int_equal(p.dot1q.tpid, 0x8100);
	assert_int_equal(p.dot1q.vlan, 2);
	assert_int_equal(p.dot1q.type, 0x8100);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.payload_off, 22);
	unit_range_at(p.payload, f, 22, n - 22);
	assert_memory_equal(p.payload.p, "\x00\x03\x08\x00\x45", 5);
	free(f);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pkt_ethertype_name(0x0800), "IPv4");
	assert_string_equal(pkt_ethertype_name(0x0806), "ARP");
	assert_string_equal(pkt_ethertype_name(0x86dd), "IPv6");
	assert_string_equal(pkt_ethertype_name(0x8100), "802.1Q");
	assert_string_equal(pkt_ethertype_name(0x88a8), "802.1ad");
	assert_string_equal(pkt_ethertype_name(0x9100), "QinQ");
	assert_null(pkt_ethertype_name(0x88b5));
	assert_string_equal(pkt_verdict_name(PKT_OK), "ok");
	assert_string_equal(pkt_verdict_name(PKT_TRUNCATED), "truncated");
	assert_string_equal(pkt_verdict_name(PKT_MALFORMED), "malformed");
	assert_string_equal(pkt_verdict_name((enum pkt_verdict)7), "?");
	assert_string_equal(pkt_proto_name(0), "hopopts");
	assert_string_equal(pkt_proto_name(1), "icmp");
	assert_string_equal(pkt_proto_name(6), "tcp");
	assert_string_equal(pkt_proto_name(17), "udp");
	assert_string_equal(pkt_proto_name(43), "routing");
	assert_string_equal(pkt_proto_name(44), "fragment");
	assert_string_equal(pkt_proto_name(58), "icmp6");
	assert_string_equal(pkt_proto_name(59), "none");
	assert_string_equal(pkt_proto_name(60), "dstopts");
	assert_null(pkt_proto_name(253));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_ii),
		cmocka_unit_test(test_eth_8023_length),
		cmocka_unit_test(test_eth_header_only),
		cmocka_unit_test(test_eth_cuts),
		cmocka_unit_test(test_eth_null_frame),
		cmocka_unit_test(test_parse_clears),
		cmocka_unit_test(test_dot1q),
		cmocka_unit_test(test_dot1q_cuts),
		cmocka_unit_test(test_qinq_88a8_8100),
		cmocka_unit_test(test_qinq_cuts),
		cmocka_unit_test(test_qinq_8100_8100),
		cmocka_unit_test(test_qinq_9100),
		cmocka_unit_test(test_triple_tag),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
