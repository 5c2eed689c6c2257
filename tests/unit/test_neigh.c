/* SPDX-License-Identifier: MIT */
/*
 * test_neigh.c - unit tests of src/neigh.c, what `riposte send -i` does for
 * a template without Ether(dst=...): the multicast and broadcast mappings,
 * the ARP request and neighbour solicitation (byte for byte Scapy 2.5's,
 * Debian's /usr/bin/python3, each under the expression that built it), and
 * which frames answer them.
 */
#include "unit.h"

#include "neigh.h"

static const struct neigh_self self = {
	.mac = { 2, 0, 0, 0, 0x0c, 1 },
	.ip4 = { 198, 51, 100, 2 },
	.ip6 = { 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [14] = 0x0c, [15] = 1 },
};
static const uint8_t r4[4] = { 198, 51, 100, 1 };
static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t rmac[6] = { 2, 0, 0, 0, 0x0a, 1 };

/*
 * Ether(src="02:00:00:00:0c:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1,
 * hwsrc="02:00:00:00:0c:01", psrc="198.51.100.2", pdst="198.51.100.1")
 */
static const char arp_req[] =
	"ffffffffffff020000000c0108060001080006040001020000000c01c6336402"
	"000000000000c6336401";

/*
 * Ether(src="02:00:00:00:0c:01", dst="33:33:ff:00:00:01")/
 * IPv6(src="fe80::ff:fe00:c01", dst="ff02::1:ff00:1", hlim=255)/
 * ICMPv6ND_NS(tgt="2001:db8::1")/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:0c:01")
 */
static const char ns_req[] =
	"3333ff000001020000000c0186dd6000000000203afffe800000000000000000"
	"00fffe000c01ff0200000000000000000001ff000001870034610000000020010d"
	"b80000000000000000000000010101020000000c01";

/*
 * Ether(src="02:00:00:00:0a:01", dst="02:00:00:00:0c:01")/ARP(op=2,
 * hwsrc="02:00:00:00:0a:01", psrc="198.51.100.1", hwdst="02:00:00:00:0c:01",
 * pdst="198.51.100.2")
 */
static const char arp_reply[] =
	"020000000c01020000000a0108060001080006040002020000000a01c6336401"
	"020000000c01c6336402";

/*
 * Ether(src="02:00:00:00:0a:09", dst="02:00:00:00:0c:01")/
 * IPv6(src="2001:db8::1", dst="fe80::ff:fe00:c01", hlim=255)/
 * ICMPv6ND_NA(tgt="2001:db8::1", S=1, O=1)/
 * ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:0a:01")
 */
static const char na_tll[] =
	"020000000c01020000000a0986dd6000000000203aff20010db8000000000000"
	"000000000001fe80000000000000000000fffe000c01880024ace000000020010d"
	"b80000000000000000000000010201020000000a01";

/* The same without the option, hop limit 255 (na_hlim64: 64). */
static const char na_plain[] =
	"020000000c01020000000a0186dd6000000000183aff20010db8000000000000"
	"000000000001fe80000000000000000000fffe000c01880032b6e000000020010d"
	"b8000000000000000000000001";
static const char na_hlim64[] =
	"020000000c01020000000a0186dd6000000000183a4020010db8000000000000"
	"000000000001fe80000000000000000000fffe000c01880032b6e000000020010d"
	"b8000000000000000000000001";

static void test_mapped(void **state)
{
	static const uint8_t bc[4] = { 255, 255, 255, 255 };
	static const uint8_t mdns[4] = { 224, 0, 0, 251 };
	static const uint8_t high[4] = { 239, 255, 1, 2 };
	static const uint8_t all6[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t mac[6];

	(void)state;
	assert_true(neigh_mapped(false, bc, mac));
	assert_memory_equal(mac, "\xff\xff\xff\xff\xff\xff", 6);
	assert_true(neigh_mapped(false, mdns, mac));
	assert_memory_equal(mac, "\x01\x00\x5e\x00\x00\xfb", 6);
	/* Only the low 23 bits: 239.255.1.2 is 01:00:5e:7f:01:02. */
	assert_true(neigh_mapped(false, high, mac));
	assert_memory_equal(mac, "\x01\x00\x5e\x7f\x01\x02", 6);
	assert_true(neigh_mapped(true, all6, mac));
	assert_memory_equal(mac, "\x33\x33\x00\x00\x00\x01", 6);
	assert_false(neigh_mapped(false, r4, mac));
	assert_false(neigh_mapped(true, r6, mac));
}

static void check_request(bool v6, const uint8_t *dst, const char *hex)
{
	uint8_t got[128], want[128];
	size_t n = unit_hex(want, sizeof(want), hex);
	int len = neigh_request(&self, v6, dst, got, sizeof(got));

	assert_int_equal(len, (int)n);
	assert_memory_equal(got, want, n);
	assert_true(neigh_request(&self, v6, dst, got, n - 1) < 0);
}

static void test_requests(void **state)
{
	(void)state;
	check_request(false, r4, arp_req);
	check_request(true, r6, ns_req);
}

static bool answers(const char *hex, bool v6, const uint8_t *dst,
		    uint8_t mac[6])
{
	static uint8_t f[256];
	static struct pkt p;
	size_t n = unit_hex(f, sizeof(f), hex);

	pkt_parse(&p, f, n);
	return neigh_answer(&p, v6, dst, mac);
}

static void test_answers(void **state)
{
	static const uint8_t other4[4] = { 198, 51, 100, 9 };
	static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	uint8_t mac[6];

	(void)state;
	memset(mac, 0, sizeof(mac));
	assert_true(answers(arp_reply, false, r4, mac));
	assert_memory_equal(mac, rmac, 6);
	/* Not about this address, a request, or not ARP at all. */
	assert_false(answers(arp_reply, false, other4, mac));
	assert_false(answers(arp_req, false, r4, mac));
	assert_false(answers(na_plain, false, r4, mac));
	/* The target link-layer option wins over the frame's source. */
	memset(mac, 0, sizeof(mac));
	assert_true(answers(na_tll, true, r6, mac));
	assert_memory_equal(mac, rmac, 6);
	memset(mac, 0, sizeof(mac));
	assert_true(answers(na_plain, true, r6, mac));
	assert_memory_equal(mac, rmac, 6);
	assert_false(answers(na_plain, true, other6, mac));
	/* A hop limit below 255 came through a router: not an answer. */
	assert_false(answers(na_hlim64, true, r6, mac));
	/* Our own solicitation is not the advertisement. */
	assert_false(answers(ns_req, true, r6, mac));
	assert_false(answers(arp_reply, true, r6, mac));
}

/* Every prefix of an answer: never read past it, never taken when cut. */
static void test_answer_cuts(void **state)
{
	const char *const all[] = { arp_reply, na_tll, na_plain };
	static uint8_t f[256];
	static struct pkt p;
	uint8_t mac[6];
	size_t i, n, k;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		bool v6 = i > 0;

		n = unit_hex(f, sizeof(f), all[i]);
		for (k = 0; k < n; k++) {
			uint8_t *cut = unit_dup(f, k);

			pkt_parse(&p, cut, k);
			assert_false(neigh_answer(&p, v6, v6 ? r6 : r4, mac));
			free(cut);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_answer_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
