/* SPDX-License-Identifier: MIT */
/*
 * test_build.c - unit tests of src/pkt/build.c: frames built from structs
 * filled by hand (never parsed) compared byte for byte with Scapy's bytes
 * for the same packet; computed lengths, ihl/dataofs with padded options,
 * and checksums (IPv4 header, TCP/UDP over IPv4 and IPv6 with routing
 * headers, ICMP, ICMPv6); forged fields written as given (PKT_SET_*); the
 * UDP zero checksum (kept when received over IPv4, 0xffff when computed);
 * -ENOSPC at every too-small capacity with nothing written past it; and
 * parse-then-build of Scapy frames.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include <errno.h>

#include "unit.h"

#include "pkt/csum.h"

static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t r1[4] = { 198, 51, 100, 1 };
static const uint8_t r10[4] = { 198, 51, 100, 10 };
static const uint8_t t1[4] = { 192, 0, 2, 1 };
static const uint8_t t2[4] = { 192, 0, 2, 2 };
static const uint8_t a1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

#define SLACK 32
#define CANARY 0x5a

/* A frame's head: Ethernet from 02:..:02 to 02:..:01. */
static void init_eth(struct pkt *p, uint16_t type)
{
	memset(p, 0, sizeof(*p));
	p->has = PKT_L_ETH;
	memcpy(p->eth.dst, mac1, 6);
	memcpy(p->eth.src, mac2, 6);
	p->eth.type = type;
}

/* Scapy's IP() defaults: version 4, ttl 64, nothing else. */
static void init_ip4(struct pkt *p, const uint8_t src[4], const uint8_t dst[4],
		     uint16_t id, uint8_t proto)
{
	p->has |= PKT_L_IP;
	p->ip.version = 4;
	p->ip.ttl = 64;
	p->ip.id = id;
	p->ip.proto = proto;
	memcpy(p->ip.src, src, 4);
	memcpy(p->ip.dst, dst, 4);
}

/* Scapy's IPv6() defaults: hop limit 64. */
static void init_ip6(struct pkt *p, uint8_t nh)
{
	p->has |= PKT_L_IP6;
	p->ip6.version = 6;
	p->ip6.hlim = 64;
	p->ip6.nh = nh;
	p->ip6.next = nh;
	memcpy(p->ip6.src, a1, 16);
	memcpy(p->ip6.dst, a2, 16);
}

/* Scapy's TCP() defaults: window 8192, flags S. */
static void init_tcp(struct pkt *p, uint16_t sport, uint16_t dport,
		     uint32_t seq)
{
	p->has |= PKT_L_TCP;
	p->tcp.sport = sport;
	p->tcp.dport = dport;
	p->tcp.seq = seq;
	p->tcp.flags = PKT_TCP_SYN;
	p->tcp.window = 8192;
}

static void init_udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	p->has |= PKT_L_UDP;
	p->udp.sport = sport;
	p->udp.dport = dport;
}

static void set_payload(struct pkt *p, const void *b, size_t n)
{
	p->has |= PKT_L_RAW;
	p->payload.p = b;
	p->payload.len = n;
}

/*
 * Builds p and compares with the hex; then checks every smaller capacity:
 * -ENOSPC, in an exact-size heap buffer (ASan sees any write past it) and
 * in one followed by canary bytes that must stay untouched.
 */
static void check_build(const struct pkt *p, const char *hex)
{
	uint8_t want[2048];
	size_t len = unit_hex(want, sizeof(want), hex);
	uint8_t *b = malloc(len);
	size_t cap, i;
	int rc;

	assert_non_null(b);
	rc = pkt_build(p, b, len);
	if (rc != (int)len)
		fail_msg("pkt_build returned %d, want %zu", rc, len);
	for (i = 0; i < len; i++)
		if (b[i] != want[i])
			fail_msg("byte %zu: 0x%02x, Scapy has 0x%02x", i, b[i],
				 want[i]);
	free(b);
	for (cap = 0; cap < len; cap++) {
		b = malloc(cap ? cap : 1);
		assert_non_null(b);
		if (pkt_build(p, b, cap) != -ENOSPC)
			fail_msg("cap %zu of %zu: not -ENOSPC", cap, len);
		free(b);
		b = malloc(cap + SLACK);
		assert_non_null(b);
		memset(b, CANARY, cap + SLACK);
		assert_int_equal(pkt_build(p, b, cap), -ENOSPC);
		for (i = cap; i < cap + SLACK; i++)
			if (b[i] != CANARY)
				fail_msg("cap %zu: byte %zu written", cap, i);
		free(b);
	}
	/* More room than needed: the same frame, the rest untouched. */
	b = malloc(len + SLACK);
	assert_non_null(b);
	memset(b, CANARY, len + SLACK);
	assert_int_equal(pkt_build(p, b, len + SLACK), (int)len);
	assert_memory_equal(b, want, len);
	for (i = len; i < len + SLACK; i++)
		assert_int_equal(b[i], CANARY);
	free(b);
}

/* ------------------------------------------------------------------ */

static void test_build_arp(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:02', src='02:00:00:00:00:01')/ARP(op=2, hwsrc='02:00:00:00:00:01', psrc='192.0.2.1', hwdst='02:00:00:00:00:02', pdst='192.0.2.2')
	 */
	static const char want[] =
		"02000000000202000000000108060001080006040002020000000001c000"
		"0201020000000002c0000202";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0806);
	memcpy(p.eth.dst, mac2, 6);
	memcpy(p.eth.src, mac1, 6);
	p.has |= PKT_L_ARP;
	p.arp.hwtype = 1;
	p.arp.ptype = 0x0800;
	p.arp.hwlen = 6;
	p.arp.plen = 4;
	p.arp.op = 2;
	memcpy(p.arp.hwsrc, mac1, 6);
	memcpy(p.arp.psrc, t1, 4);
	memcpy(p.arp.hwdst, mac2, 6);
	memcpy(p.arp.pdst, t2, 4);
	check_build(&p, want);
}

static void test_build_icmp_echo(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='203.0.113.1', dst='203.0.113.2', id=7)/ICMP(type=8, id=0x1234, seq=1)/Raw(b'ping!')
	 */
	static const char want[] =
		"02000000000102000000000208004500002100070000400102d1cb007101"
		"cb0071020800e5f91234000170696e6721";
	static const uint8_t s[4] = { 203, 0, 113, 1 },
			     d[4] = { 203, 0, 113, 2 };
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, s, d, 7, 1);
	p.has |= PKT_L_ICMP;
	p.icmp.type = 8;
	p.icmp.rest = 0x12340001;
	set_payload(&p, "ping!", 5);
	check_build(&p, want);
}

/* A 3-byte IP option and 7 bytes of TCP options, both padded. */
static void test_build_tcp4_padded_options(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=0x100, ttl=64, options=[IPOption(b'\x07\x03\x04')])/TCP(sport=40000, dport=80, seq=1000, flags='S', window=64240, options=[('MSS', 1460), ('WScale', 7)])/Raw(b'hi!')
	 */
	static const char want[] =
		"020000000001020000000002080046000037010000004006194cc6336401"
		"c633640a070304009c400050000003e8000000007002faf004d700000204"
		"05b403030700686921";
	static const uint8_t rr[3] = { 0x07, 0x03, 0x04 };
	static const uint8_t mss[2] = { 0x05, 0xb4 };
	static const uint8_t ws[1] = { 7 };
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 0x100, 6);
	p.ip.options.p = rr;
	p.ip.options.len = 3;
	init_tcp(&p, 40000, 80, 1000);
	p.tcp.window = 64240;
	assert_int_equal(pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_MSS, mss, 2), 0);
	assert_int_equal(pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_WSCALE, ws, 1), 0);
	set_payload(&p, "hi!", 3);
	check_build(&p, want);
}

/* Scapy's SYN with MSS, SAckOK, Timestamp, NOP, WScale. */
static void test_build_tcp4_syn(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=1, flags='DF')/TCP(sport=40000, dport=80, seq=1000, flags='S', window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)])
	 */
	static const char want[] =
		"02000000000102000000000208004500003c000140004006e648c6336401"
		"c633640a9c400050000003e800000000a002faf058230000020405b40402"
		"080a000000010000000001030307";
	static const uint8_t mss[2] = { 0x05, 0xb4 };
	static const uint8_t ts[8] = { 0, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t ws[1] = { 7 };
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 6);
	p.ip.flags = PKT_IP_DF;
	init_tcp(&p, 40000, 80, 1000);
	p.tcp.window = 64240;
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_MSS, mss, 2);
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_SACKOK, NULL, 0);
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_TIMESTAMP, ts, 8);
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_NOP, NULL, 0);
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_WSCALE, ws, 1);
	check_build(&p, want);
}

static void test_build_udp4_vlan(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1Q(prio=1, vlan=42)/IP(src='192.0.2.1', dst='192.0.2.2', id=0x200, ttl=17)/UDP(sport=5353, dport=53)/Raw(b'query')
	 */
	static const char want[] =
		"0200000000010200000000028100202a08004500002102000000111123c9"
		"c0000201c000020214e90035000d16ca7175657279";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x8100);
	p.has |= PKT_L_DOT1Q;
	p.dot1q.prio = 1;
	p.dot1q.vlan = 42;
	p.dot1q.type = 0x0800;
	init_ip4(&p, t1, t2, 0x200, 17);
	p.ip.ttl = 17;
	init_udp(&p, 5353, 53);
	set_payload(&p, "query", 5);
	check_build(&p, want);
}

static void test_build_tcp6(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', fl=0x12345)/TCP(sport=40000, dport=443, seq=1, flags='S', options=[('MSS', 1440)])/Raw(b'xyz')
	 */
	static const char want[] =
		"02000000000102000000000286dd60012345001b064020010db800000000"
		"000000000000000120010db80000000000000000000000029c4001bb0000"
		"000100000000600220008c4c0000020405a078797a";
	static const uint8_t mss[2] = { 0x05, 0xa0 };
	struct pkt p;

	(void)state;
	init_eth(&p, 0x86dd);
	init_ip6(&p, 6);
	p.ip6.fl = 0x12345;
	init_tcp(&p, 40000, 443, 1);
	pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_MSS, mss, 2);
	set_payload(&p, "xyz", 3);
	check_build(&p, want);
}

static void test_build_udp6(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=1234, dport=5678)/Raw(b'hello')
	 */
	static const char want[] =
		"02000000000102000000000286dd60000000000d114020010db800000000"
		"000000000000000120010db800000000000000000000000204d2162e000d"
		"458d68656c6c6f";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x86dd);
	init_ip6(&p, 17);
	init_udp(&p, 1234, 5678);
	set_payload(&p, "hello", 5);
	check_build(&p, want);
}

static void test_build_icmp6_echo(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x1234, seq=1, data=b'ping!')
	 */
	static const char want[] =
		"02000000000102000000000286dd60000000000d3a4020010db800000000"
		"000000000000000120010db80000000000000000000000028000123d1234"
		"000170696e6721";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x86dd);
	init_ip6(&p, 58);
	p.has |= PKT_L_ICMP6;
	p.icmp6.type = 128;
	p.icmp6.word = 0x12340001;
	set_payload(&p, "ping!", 5);
	check_build(&p, want);
}

static void test_build_ns(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=255)/ICMPv6ND_NS(tgt='2001:db8::2')/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:02')
	 */
	static const char want[] =
		"02000000000102000000000286dd6000000000203aff20010db800000000"
		"000000000000000120010db80000000000000000000000028700ec710000"
		"000020010db80000000000000000000000020101020000000002";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x86dd);
	init_ip6(&p, 58);
	p.ip6.hlim = 255;
	p.has |= PKT_L_ICMP6;
	p.icmp6.type = 135;
	memcpy(p.icmp6.tgt, a2, 16);
	p.icmp6.n_opt = 1;
	p.icmp6.opt[0].type = 1;
	p.icmp6.opt[0].len = 1;
	p.icmp6.opt[0].data.p = mac2;
	p.icmp6.opt[0].data.len = 6;
	check_build(&p, want);
}

static void test_build_ra(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::ff', dst='2001:db8::1', hlim=255)/ICMPv6ND_RA(chlim=64, M=1, O=0, H=0, prf=1, P=0, routerlifetime=1800, reachabletime=30000, retranstimer=1000)/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:ff')/ICMPv6NDOptMTU(mtu=1500)/ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400, preferredlifetime=14400, prefix='2001:db8:1::')
	 */
	static const char want[] =
		"02000000000102000000000286dd6000000000403aff20010db800000000"
		"00000000000000ff20010db80000000000000000000000018600524d4088"
		"070800007530000003e801010200000000ff05010000000005dc030440c0"
		"00015180000038400000000020010db8000100000000000000000000";
	static const uint8_t ll[6] = { 2, 0, 0, 0, 0, 0xff };
	static const uint8_t mtu[6] = { 0, 0, 0, 0, 0x05, 0xdc };
	static const uint8_t pi[30] = { 64,   0xc0, 0,	  1,	0x51, 0x80, 0,
					0,    0x38, 0x40, 0,	0,    0,    0,
					0x20, 0x01, 0x0d, 0xb8, 0,    1 };
	struct pkt p;

	(void)state;
	init_eth(&p, 0x86dd);
	init_ip6(&p, 58);
	p.ip6.hlim = 255;
	p.ip6.src[15] = 0xff;
	p.ip6.dst[15] = 1;
	p.has |= PKT_L_ICMP6;
	p.icmp6.type = 134;
	p.icmp6.word = 0x40880708;
	p.icmp6.reachabletime = 30000;
	p.icmp6.retranstimer = 1000;
	p.icmp6.n_opt = 3;
	p.icmp6.opt[0] = (struct pkt_ndopt){ 1, 1, { ll, 6 } };
	p.icmp6.opt[1] = (struct pkt_ndopt){ 5, 1, { mtu, 6 } };
	p.icmp6.opt[2] = (struct pkt_ndopt){ 3, 4, { pi, 30 } };
	check_build(&p, want);
}

/*
 * RFC 8200 8.1: with a routing header with segments left, the upper-layer
 * checksum uses the final destination: the last address of a type 0
 * header, the first of a segment routing header (type 4, RFC 8754).
 */
static void test_build_rh0_checksum(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/IPv6ExtHdrRouting(addresses=['2001:db8::3'], segleft=1)/TCP(sport=40000, dport=80, seq=7, flags='S')
	 */
	static const char want[] =
		"02000000000102000000000286dd60000000002c2b4020010db800000000"
		"000000000000000120010db8000000000000000000000002060200010000"
		"000020010db80000000000000000000000039c4000500000000700000000"
		"5002200097d50000";
	uint8_t rh[24];
	struct pkt p;

	(void)state;
	unit_hex(rh, sizeof(rh),
		 "060200010000000020010db8000000000000000000000003");
	init_eth(&p, 0x86dd);
	init_ip6(&p, 43);
	p.ip6.n_ext = 1;
	p.ip6.ext[0] = (struct pkt_ip6ext){ 43, 6, { rh, 24 } };
	p.ip6.next = 6;
	init_tcp(&p, 40000, 80, 7);
	check_build(&p, want);
}

static void test_build_srh_checksum(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/IPv6ExtHdrSegmentRouting(addresses=['2001:db8::4', '2001:db8::3'], segleft=1)/UDP(sport=1234, dport=53)/Raw(b'abc')
	 */
	static const char want[] =
		"02000000000102000000000286dd6000000000332b4020010db800000000"
		"000000000000000120010db8000000000000000000000002110404010100"
		"000020010db800000000000000000000000420010db80000000000000000"
		"0000000304d20035000bdaf7616263";
	uint8_t srh[40];
	struct pkt p;

	(void)state;
	unit_hex(srh, sizeof(srh),
		 "1104040101000000"
		 "20010db8000000000000000000000004"
		 "20010db8000000000000000000000003");
	init_eth(&p, 0x86dd);
	init_ip6(&p, 43);
	p.ip6.n_ext = 1;
	p.ip6.ext[0] = (struct pkt_ip6ext){ 43, 17, { srh, 40 } };
	p.ip6.next = 17;
	init_udp(&p, 1234, 53);
	set_payload(&p, "abc", 3);
	check_build(&p, want);
}

static void test_build_qinq(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/ICMPv6EchoReply(id=0x1234, seq=2, data=b'pong')
	 */
	static const char want[] =
		"02000000000102000000000288a8000a8100001486dd60000000000c3a40"
		"20010db800000000000000000000000120010db800000000000000000000"
		"00028100323712340002706f6e67";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x88a8);
	p.has |= PKT_L_DOT1AD | PKT_L_DOT1Q;
	p.dot1ad.vlan = 10;
	p.dot1ad.type = 0x8100;
	p.dot1q.vlan = 20;
	p.dot1q.type = 0x86dd;
	init_ip6(&p, 58);
	p.has |= PKT_L_ICMP6;
	p.icmp6.type = 129;
	p.icmp6.word = 0x12340002;
	set_payload(&p, "pong", 4);
	check_build(&p, want);
}

/* Only the low bits of the tag fields and ip/tcp bit fields are used. */
static void test_build_masks(void **state)
{
	uint8_t b[64];
	struct pkt p;

	(void)state;
	init_eth(&p, 0x8100);
	p.has |= PKT_L_DOT1Q;
	p.dot1q.prio = 0xff;
	p.dot1q.id = 0xff;
	p.dot1q.vlan = 0xffff;
	p.dot1q.type = 0x88b5;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), 18);
	assert_memory_equal(b + 12, "\x81\x00\xff\xff\x88\xb5", 6);
	p.dot1q.prio = 0x8;
	p.dot1q.id = 0x2;
	p.dot1q.vlan = 0x1000;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), 18);
	assert_memory_equal(b + 14, "\x00\x00", 2);
}

/* ------------------------------------------------------------------ */
/* Forged fields: PKT_SET_* writes the value given, computes the rest. */

/* Forged lengths with computed checksums. */
static void test_forge_lengths(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=10, len=1000)/UDP(sport=1, dport=2, len=99)/Raw(b'abc')
	 */
	static const char want[] =
		"0200000000010200000000020800450003e8000a000040112289c6336401"
		"c633640a000100020063e2de616263";
	uint8_t w[64], b[64];
	size_t n = unit_hex(w, sizeof(w), want);
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 10, 17);
	init_udp(&p, 1, 2);
	set_payload(&p, "abc", 3);
	p.set = PKT_SET_IP_LEN | PKT_SET_UDP_LEN;
	p.ip.len = 1000;
	p.udp.len = 99;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), (int)n);
	/* Written as given; the IP checksum covers them. */
	assert_int_equal(unit_be16(b + 16), 1000);
	assert_int_equal(unit_be16(b + 38), 99);
	assert_memory_equal(b, w, 40);
	assert_memory_equal(b + 42, w + 42, n - 42);
	/*
	 * The UDP checksum: riposte's pseudo-header has the length of the
	 * bytes it covers (11); Scapy's in4_pseudoheader() puts ip.len -
	 * 4 * ihl there (980) when ip.len is given, hence its 0xe2de.
	 */
	assert_int_equal(unit_be16(w + 40), 0xe2de);
	assert_int_equal(
		pkt_csum_fold(pkt_csum_add(pkt_csum_pseudo4(r1, r10, 17, 11),
					   b + 34, 11)),
		0);
	assert_int_not_equal(unit_be16(b + 40), 0xe2de);
}

static void test_forge_ihl_dataofs(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=11, ihl=15)/TCP(sport=1, dport=2, dataofs=15, flags='S')
	 */
	static const char want[] =
		"02000000000102000000000208004f000028000b000040061c53c6336401"
		"c633640a000100020000000000000000f00220009b6c0000";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 11, 6);
	init_tcp(&p, 1, 2, 0);
	p.set = PKT_SET_IP_IHL | PKT_SET_TCP_DATAOFS;
	p.ip.ihl = 15;
	p.tcp.dataofs = 15;
	check_build(&p, want);
}

static void test_forge_checksums(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=12, chksum=0x0bad)/TCP(sport=1, dport=2, flags='S', chksum=0xbad1)
	 */
	static const char want_tcp[] =
		"020000000001020000000002080045000028000c000040060badc6336401"
		"c633640a00010002000000000000000050022000bad10000";
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=13)/ICMP(type=8, id=1, seq=2, chksum=0xbad2)
	 */
	static const char want_icmp[] =
		"02000000000102000000000208004500001c000d000040012662c6336401"
		"c633640a0800bad200010002";
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', plen=1000)/ICMPv6EchoRequest(id=1, seq=2, cksum=0xbad3)
	 */
	static const char want_icmp6[] =
		"02000000000102000000000286dd6000000003e83a4020010db800000000"
		"000000000000000120010db80000000000000000000000028000bad30001"
		"0002";
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=9, len=1000, chksum=0xdead)/UDP(sport=1, dport=2, len=99, chksum=0xbeef)/Raw(b'abc')
	 */
	static const char want_udp[] =
		"0200000000010200000000020800450003e8000900004011deadc6336401"
		"c633640a000100020063beef616263";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 12, 6);
	init_tcp(&p, 1, 2, 0);
	p.set = PKT_SET_IP_CHKSUM | PKT_SET_TCP_CHKSUM;
	p.ip.chksum = 0x0bad;
	p.tcp.chksum = 0xbad1;
	check_build(&p, want_tcp);

	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 13, 1);
	p.has |= PKT_L_ICMP;
	p.icmp.type = 8;
	p.icmp.rest = 0x00010002;
	p.set = PKT_SET_ICMP_CHKSUM;
	p.icmp.chksum = 0xbad2;
	check_build(&p, want_icmp);

	init_eth(&p, 0x86dd);
	init_ip6(&p, 58);
	p.has |= PKT_L_ICMP6;
	p.icmp6.type = 128;
	p.icmp6.word = 0x00010002;
	p.set = PKT_SET_ICMP6_CKSUM | PKT_SET_IP6_PLEN;
	p.icmp6.cksum = 0xbad3;
	p.ip6.plen = 1000;
	check_build(&p, want_icmp6);

	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 9, 17);
	init_udp(&p, 1, 2);
	set_payload(&p, "abc", 3);
	p.set = PKT_SET_IP_LEN | PKT_SET_IP_CHKSUM | PKT_SET_UDP_LEN |
		PKT_SET_UDP_CHKSUM;
	p.ip.len = 1000;
	p.ip.chksum = 0xdead;
	p.udp.len = 99;
	p.udp.chksum = 0xbeef;
	check_build(&p, want_udp);
}

/* A forged zero is written as zero, not turned into 0xffff. */
static void test_forge_zero_checksums(void **state)
{
	uint8_t b[128];
	struct pkt p;
	int n;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 17);
	init_udp(&p, 1, 2);
	p.set = PKT_SET_UDP_CHKSUM | PKT_SET_IP_CHKSUM;
	n = pkt_build(&p, b, sizeof(b));
	assert_int_equal(n, 42);
	assert_int_equal(unit_be16(b + 24), 0);
	assert_int_equal(unit_be16(b + 40), 0);
	assert_int_equal(unit_be16(b + 38), 8);
}

/*
 * RFC 768: a computed UDP checksum of 0 is sent as 0xffff, over IPv4 and
 * IPv6.  The payload makes the sum come out at zero; Scapy does the same.
 */
static void test_udp_computed_zero(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=14)/UDP(sport=7, dport=9)/Raw(b'\xab\x57')
	 */
	static const char want4[] =
		"02000000000102000000000208004500001e000e00004011264fc6336401"
		"c633640a00070009000affffab57";
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=7, dport=9)/Raw(b'\xa4\x55')
	 */
	static const char want6[] =
		"02000000000102000000000286dd60000000000a114020010db800000000"
		"000000000000000120010db800000000000000000000000200070009000a"
		"ffffa455";
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 14, 17);
	init_udp(&p, 7, 9);
	set_payload(&p, "\xab\x57", 2);
	check_build(&p, want4);
	init_eth(&p, 0x86dd);
	init_ip6(&p, 17);
	init_udp(&p, 7, 9);
	set_payload(&p, "\xa4\x55", 2);
	check_build(&p, want6);
}

/*
 * A UDP checksum of 0 received over IPv4 means "none": the parser sets
 * PKT_SET_UDP_CHKSUM and the rebuild keeps the 0.
 */
static void test_udp_zero_kept(void **state)
{
	/*
	 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=0x1235)/UDP(sport=5353, dport=53, chksum=0)/Raw(b'abcd')
	 */
	static const char nocsum[] =
		"020000000001020000000002080045000020123500004011e494c0000201"
		"c000020214e90035000c000061626364";
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(nocsum, &n);
	uint8_t b[64];

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_true(p.set & PKT_SET_UDP_CHKSUM);
	check_build(&p, nocsum);
	/* A rewrite of the payload keeps "none" too. */
	set_payload(&p, "wxyz", 4);
	assert_int_equal(pkt_build(&p, b, sizeof(b)), (int)n);
	assert_int_equal(unit_be16(b + 40), 0);
	/* Clearing the bit asks for a real checksum. */
	p.set &= ~(uint32_t)PKT_SET_UDP_CHKSUM;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), (int)n);
	assert_int_not_equal(unit_be16(b + 40), 0);
	assert_int_equal(
		pkt_csum_fold(pkt_csum_add(
			pkt_csum_pseudo4(b + 26, b + 30, 17, 12), b + 34, 12)),
		0);
	free(f);
}

static void test_build_einval(void **state)
{
	uint8_t b[64];
	struct pkt p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.has = PKT_L_IP;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), -EINVAL);
	assert_int_equal(pkt_build(&p, NULL, 0), -EINVAL);
	/* A NULL buffer is a buffer of no room. */
	init_eth(&p, 0x88b5);
	assert_int_equal(pkt_build(&p, NULL, 100), -ENOSPC);
}

/*
 * pkt.h: -EINVAL "when p cannot be built".  An IPv4 total length, an IPv6
 * payload length or a UDP length past 65535 cannot be written.
 */
static void test_build_too_long(void **state)
{
	size_t big = 65536;
	uint8_t *pl;
	uint8_t *b;
	struct pkt p;

	(void)state;
	pl = calloc(1, big);
	b = malloc(big + 100);
	assert_non_null(pl);
	assert_non_null(b);
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 17);
	init_udp(&p, 1, 2);
	set_payload(&p, pl, big);
	assert_int_equal(pkt_build(&p, b, big + 100), -EINVAL);
	init_eth(&p, 0x86dd);
	init_ip6(&p, 17);
	init_udp(&p, 1, 2);
	set_payload(&p, pl, big);
	assert_int_equal(pkt_build(&p, b, big + 100), -EINVAL);
	free(b);
	free(pl);
}

/*
 * More than 40 option bytes cannot be described by ihl or dataofs (4 bits
 * of 32-bit words, 60 bytes of header); an option's data longer than 253
 * bytes cannot be described by its length byte.
 */
static void test_build_options_too_long(void **state)
{
	static const uint8_t zero[300];
	uint8_t b[512];
	struct pkt p;

	(void)state;
	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 253);
	p.ip.options.p = zero;
	p.ip.options.len = 44;
	assert_int_equal(pkt_build(&p, b, sizeof(b)), -EINVAL);

	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 6);
	init_tcp(&p, 1, 2, 0);
	pkt_tcp_opt_add(&p.tcp, 253, zero, 42);
	assert_int_equal(pkt_build(&p, b, sizeof(b)), -EINVAL);

	init_eth(&p, 0x0800);
	init_ip4(&p, r1, r10, 1, 6);
	init_tcp(&p, 1, 2, 0);
	p.tcp.n_opt = 1;
	p.tcp.opt[0] = (struct pkt_tcpopt){ 253, (uint8_t)302, { zero, 300 } };
	assert_int_equal(pkt_build(&p, b, sizeof(b)), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Parse then build gives back the frame, byte for byte.               */

static const char *const roundtrip[] = {
	/* TCP: options with EOL and padding, unknown kinds, all flags */
	"02000000000102000000000208004500003c000140004006e648c6336401c633"
	"640a9c400050000003e800000000a002faf058230000020405b40402080a0000"
	"00010000000001030307",
	"0200000000010200000000020800450000300005000040062651c6336401c633"
	"640a9c400050000000000000000070022000771f0000020405b400000000",
	"0200000000010200000000020800450000300006000040062650c6336401c633"
	"640a9c400050000000000000000070022000a2230000fd04dead01010000",
	"020000000001020000000002080045000028000300004006265bc6336401c633"
	"640a00010002ffffffff800000005bffffffcf6a0005",
	/* IPv4 options, Ethernet trailer */
	"0200000000010200000000020800470000200001000040fd5dd7c0000201c000"
	"0202940400000101010061626364",
	"0200000000010200000000020800450000180002000040fdf5e3c0000201c000"
	"020261626364000000000000",
	/* fragments: first (TCP checksum kept), later, UDP first */
	"02000000000102000000000208004500003800772000400605d7c6336401c633"
	"640a9c4000500000000100000000501820001234000078787878787878787878"
	"787878787878",
	"02000000000102000000000208004500002400770005400625e6c6336401c633"
	"640a79797979797979797979797979797979",
	"02000000000102000000000208004500002c00782000401105d7c6336401c633"
	"640a04d2003503f012347a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a",
	/* IPv6 extension headers, IPv6 fragments */
	"02000000000102000000000286dd60000000003b004020010db8000000000000"
	"00000000000120010db80000000000000000000000023c000104000000002b00"
	"0104000000003c0200000000000020010db80000000000000000000000031100"
	"01040000000004d20035000bdaf9616263",
	"02000000000102000000000286dd6000000000202c4020010db8000000000000"
	"00000000000120010db800000000000000000000000211000001abcdef0104d2"
	"003503f012347a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a",
	"02000000000102000000000286dd6000000000182c4020010db8000000000000"
	"00000000000120010db800000000000000000000000211000010abcdef017979"
	"7979797979797979797979797979",
	/* ICMP error with a quote; ND with options; ICMPv6 error */
	"0200000000010200000000020800450000380001000040012652c633640ac633"
	"64010303d3dd0000000045000024424200004011e414c6336401c633640a9c40"
	"003500108c99",
	"02000000000102000000000286dd6000000000403aff20010db8000000000000"
	"0000000000ff20010db80000000000000000000000018600524d408807080000"
	"7530000003e801010200000000ff05010000000005dc030440c0000151800000"
	"38400000000020010db8000100000000000000000000",
	"02000000000102000000000286dd60000000003d3a4020010db8000000000000"
	"00000000000220010db8000000000000000000000001010431e0000000006000"
	"0000000d114020010db800000000000000000000000120010db8000000000000"
	"0000000000029c400035000db8017175657279",
	/* ARP with padding, QinQ, a third tag as payload */
	"02000000000202000000000108060001080006040002020000000001c0000201"
	"020000000002c0000202000000000000000000000000000000000000",
	"0200000000010200000000028100000a8100ffff08004500001c000100004011"
	"265ec6336401c633640a04d200350008a664",
	"02000000000102000000000288a80001810000028100000308004500001c0001"
	"00004011265ec6336401c633640a04d200350008a664",
};

static void test_roundtrips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(roundtrip) / sizeof(roundtrip[0]); i++) {
		struct pkt p;
		size_t n;
		uint8_t *f = unit_frame(roundtrip[i], &n);

		if (pkt_parse(&p, f, n) != PKT_OK)
			fail_msg("frame %zu: %s", i, p.reason);
		check_build(&p, roundtrip[i]);
		free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_arp),
		cmocka_unit_test(test_build_icmp_echo),
		cmocka_unit_test(test_build_tcp4_padded_options),
		cmocka_unit_test(test_build_tcp4_syn),
		cmocka_unit_test(test_build_udp4_vlan),
		cmocka_unit_test(test_build_tcp6),
		cmocka_unit_test(test_build_udp6),
		cmocka_unit_test(test_build_icmp6_echo),
		cmocka_unit_test(test_build_ns),
		cmocka_unit_test(test_build_ra),
		cmocka_unit_test(test_build_rh0_checksum),
		cmocka_unit_test(test_build_srh_checksum),
		cmocka_unit_test(test_build_qinq),
		cmocka_unit_test(test_build_masks),
		cmocka_unit_test(test_forge_lengths),
		cmocka_unit_test(test_forge_ihl_dataofs),
		cmocka_unit_test(test_forge_checksums),
		cmocka_unit_test(test_forge_zero_checksums),
		cmocka_unit_test(test_udp_computed_zero),
		cmocka_unit_test(test_udp_zero_kept),
		cmocka_unit_test(test_build_einval),
		cmocka_unit_test(test_build_too_long),
		cmocka_unit_test(test_build_options_too_long),
		cmocka_unit_test(test_roundtrips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
