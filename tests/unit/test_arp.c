/* SPDX-License-Identifier: MIT */
/*
 * test_arp.c - unit tests of src/pkt/arp.c (RFC 826) as reached through
 * pkt_parse(): Ethernet/IPv4 ARP, the Ethernet trailer after it, ARP in a
 * VLAN, other hardware/protocol types, and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include "unit.h"

#define L_EA (PKT_L_ETH | PKT_L_ARP)

static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t ip1[4] = { 192, 0, 2, 1 };
static const uint8_t ip2[4] = { 192, 0, 2, 2 };

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/ARP(op=1, hwsrc='02:00:00:00:00:02', psrc='192.0.2.2', hwdst='02:00:00:00:00:01', pdst='192.0.2.1')
 */
static const char arp_req[] =
	"02000000000102000000000208060001080006040001020000000002c0000202"
	"020000000001c0000201";

/*
 * Ether(dst='02:00:00:00:00:02', src='02:00:00:00:00:01')/ARP(op=2, hwsrc='02:00:00:00:00:01', psrc='192.0.2.1', hwdst='02:00:00:00:00:02', pdst='192.0.2.2')/Padding(b'\x00' * 18)
 */
static const char arp_reply_pad[] =
	"02000000000202000000000108060001080006040002020000000001c0000201"
	"020000000002c0000202000000000000000000000000000000000000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1Q(vlan=5)/ARP(op=1, hwsrc='02:00:00:00:00:02', psrc='192.0.2.2', hwdst='02:00:00:00:00:01', pdst='192.0.2.1')
 */
static const char arp_vlan[] =
	"0200000000010200000000028100000508060001080006040001020000000002"
	"c0000202020000000001c0000201";

static void test_arp_request(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(arp_req, &n);

	(void)state;
	assert_int_equal(n, 42);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EA);
	assert_int_equal(p.eth.type, 0x0806);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.arp.hwtype, 1);
	assert_int_equal(p.arp.ptype, 0x0800);
	assert_int_equal(p.arp.hwlen, 6);
	assert_int_equal(p.arp.plen, 4);
	assert_int_equal(p.arp.op, 1);
	assert_memory_equal(p.arp.hwsrc, mac2, 6);
	assert_memory_equal(p.arp.psrc, ip2, 4);
	assert_memory_equal(p.arp.hwdst, mac1, 6);
	assert_memory_equal(p.arp.pdst, ip1, 4);
	assert_int_equal(p.payload.len, 0);
	assert_int_equal(p.padding.len, 0);
	free(f);
}

/* The 18 bytes that pad a reply to 60 are padding.load. */
static void test_arp_reply_padding(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(arp_reply_pad, &n);

	(void)state;
	assert_int_equal(n, 60);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EA | PKT_L_PADDING);
	assert_int_equal(p.arp.op, 2);
	assert_memory_equal(p.arp.hwsrc, mac1, 6);
	assert_memory_equal(p.arp.psrc, ip1, 4);
	assert_memory_equal(p.arp.hwdst, mac2, 6);
	assert_memory_equal(p.arp.pdst, ip2, 4);
	unit_range_at(p.padding, f, 42, 18);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_arp_vlan(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(arp_vlan, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EA | PKT_L_DOT1Q);
	assert_int_equal(p.dot1q.vlan, 5);
	assert_int_equal(p.dot1q.type, 0x0806);
	assert_int_equal(p.l3_off, 18);
	assert_int_equal(p.arp.op, 1);
	assert_memory_equal(p.arp.pdst, ip1, 4);
	free(f);
}

static void test_arp_cuts(void **state)
{
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 22, PKT_TRUNCATED, "truncated arp header", PKT_L_ETH,
		  14 },
		{ 22, 42, PKT_TRUNCATED, "truncated arp addresses", L_EA, 22 },
	};
	static const struct unit_cut pad_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 22, PKT_TRUNCATED, "truncated arp header", PKT_L_ETH,
		  14 },
		{ 22, 42, PKT_TRUNCATED, "truncated arp addresses", L_EA, 22 },
		{ 42, 43, PKT_OK, NULL, L_EA, 0 },
		/* A cut in the trailer is fine. */
		{ 43, 60, PKT_OK, NULL, L_EA | PKT_L_PADDING, 0 },
	};
	static const struct unit_cut vlan_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 18, PKT_TRUNCATED, "truncated vlan tag", PKT_L_ETH, 14 },
		{ 18, 26, PKT_TRUNCATED, "truncated arp header",
		  PKT_L_ETH | PKT_L_DOT1Q, 18 },
		{ 26, 46, PKT_TRUNCATED, "truncated arp addresses",
		  L_EA | PKT_L_DOT1Q, 26 },
	};
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(arp_req, &n);
	unit_check_cuts(f, n, cuts, 3);
	free(f);
	f = unit_frame(arp_reply_pad, &n);
	unit_check_cuts(f, n, pad_cuts, 5);
	free(f);
	f = unit_frame(arp_vlan, &n);
	unit_check_cuts(f, n, vlan_cuts, 4);
	free(f);
}

/*
 * Any of hwtype, ptype, hwlen, plen off Ethernet/IPv4: the fixed 8 bytes
 * are dissected, the addresses are not (they stay zero).
 */
static void test_arp_other_types(void **state)
{
	static const struct {
		size_t at;
		uint8_t v;
	} change[] = {
		{ 15, 6 }, /* hwtype 6 (IEEE 802) */
		{ 16, 0x86 }, /* ptype 0x8600 */
		{ 18, 8 }, /* hwlen 8 */
		{ 19, 16 }, /* plen 16 */
	};
	size_t n, i;
	uint8_t *f = unit_frame(arp_req, &n);

	(void)state;
	for (i = 0; i < sizeof(change) / sizeof(change[0]); i++) {
		struct pkt p;
		uint8_t saved = f[change[i].at];

		f[change[i].at] = change[i].v;
		unit_parse_ok(&p, f, n);
		assert_true(p.has & PKT_L_ARP);
		assert_int_equal(p.arp.op, 1);
		assert_int_equal(p.arp.hwtype, i == 0 ? 6 : 1);
		assert_int_equal(p.arp.ptype, i == 1 ? 0x8600 : 0x0800);
		assert_int_equal(p.arp.hwlen, i == 2 ? 8 : 6);
		assert_int_equal(p.arp.plen, i == 3 ? 16 : 4);
		assert_memory_equal(p.arp.hwsrc, "\0\0\0\0\0\0", 6);
		assert_memory_equal(p.arp.pdst, "\0\0\0\0", 4);
		/* Nothing after the 8 fixed bytes is lost: 20 more bytes. */
		assert_int_equal(p.payload.len + p.padding.len, 20);
		/* And a cut there is no truncation of ARP. */
		assert_int_equal(pkt_parse(&p, f, 22), PKT_OK);
		assert_int_equal(pkt_parse(&p, f, 23), PKT_OK);
		f[change[i].at] = saved;
	}
	free(f);
}

/*
 * RFC 826: an ARP packet is 8 fixed bytes and then 2 * (hwlen + plen)
 * bytes of addresses.  For types riposte does not dissect, arp.c says "the
 * addresses as payload": they are the packet's, not Ethernet padding; only
 * what follows them is padding.
 */
static void test_arp_other_types_payload(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(arp_reply_pad, &n);
	f[15] = 6; /* hwtype 6, IEEE 802: same address sizes */
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EA | PKT_L_RAW | PKT_L_PADDING);
	unit_range_at(p.payload, f, 22, 20);
	unit_range_at(p.padding, f, 42, 18);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_request),
		cmocka_unit_test(test_arp_reply_padding),
		cmocka_unit_test(test_arp_vlan),
		cmocka_unit_test(test_arp_cuts),
		cmocka_unit_test(test_arp_other_types),
		cmocka_unit_test(test_arp_other_types_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
