/* SPDX-License-Identifier: MIT */
/*
 * test_csum.c - unit tests of src/pkt/csum.c: the Internet checksum (RFC
 * 1071), the IPv4 and IPv6 pseudo-headers, and the RFC 1624 incremental
 * update.
 *
 * Vectors: the worked example of RFC 1071 section 3, the example of RFC
 * 1624 section 4, and frames built by Scapy 2.5 (Debian's /usr/bin/python3,
 * `from scapy.all import *`), whose checksums Scapy computed itself; the
 * expression that built each frame is in the comment above its hex.
 */
#include "unit.h"

#include "pkt/csum.h"

/* A plain reference: 64-bit accumulator, folded once at the end. */
static uint16_t ref_sum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint64_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint64_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Folds a partial sum to 16 bits without complementing it. */
static uint16_t fold(uint32_t s)
{
	return (uint16_t)~pkt_csum_fold(s);
}

/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void test_rfc1071_example(void **state)
{
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t *p = unit_dup(b, 8);
	uint32_t s = pkt_csum_add(0, p, 8);

	(void)state;
	assert_int_equal(fold(s), 0xddf2);
	assert_int_equal(pkt_csum_fold(s), 0x220d);
	assert_int_equal(pkt_csum(p, 8), 0x220d);
	/* Byte-order independence (RFC 1071 2(B)): sum in pieces. */
	s = pkt_csum_add(pkt_csum_add(0, p, 4), p + 4, 4);
	assert_int_equal(fold(s), 0xddf2);
	s = pkt_csum_add(pkt_csum_add(pkt_csum_add(0, p, 2), p + 2, 2), p + 4,
			 4);
	assert_int_equal(fold(s), 0xddf2);
	free(p);
}

static void test_odd_lengths(void **state)
{
	uint8_t *p = unit_dup((const uint8_t *)"\xab\xcd\xef", 3);
	uint8_t pad[4] = { 0xab, 0xcd, 0xef, 0x00 };

	(void)state;
	/* A trailing odd byte is the high half of a word padded with 0. */
	assert_int_equal(pkt_csum(p, 1), (uint16_t)~0xab00);
	assert_int_equal(pkt_csum(p, 3), pkt_csum(pad, 4));
	/* 0xabcd + 0xef00 = 0x19acd, folded 0x9ace. */
	assert_int_equal(pkt_csum(p, 3), (uint16_t)~0x9ace);
	/* Nothing: sum 0, checksum 0xffff. */
	assert_int_equal(pkt_csum(p, 0), 0xffff);
	assert_int_equal(pkt_csum_add(0x1234, p, 0), 0x1234);
	/* An odd piece last in a sum of pieces. */
	assert_int_equal(
		pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, p, 2), p + 2, 1)),
		pkt_csum(pad, 4));
	free(p);
}

/* Random buffers, lengths 0..1600, summed whole and in even pieces. */
static void test_random_vs_reference(void **state)
{
	uint32_t seed = 0x1071;
	uint8_t *b;
	int iter;

	(void)state;
	for (iter = 0; iter < 2000; iter++) {
		size_t n = unit_rand(&seed) % 1601, i, cut;
		uint32_t s;

		b = malloc(n ? n : 1);
		assert_non_null(b);
		for (i = 0; i < n; i++)
			b[i] = (uint8_t)unit_rand(&seed);
		assert_int_equal(pkt_csum(b, n), (uint16_t)~ref_sum(b, n));
		cut = n ? (unit_rand(&seed) % n) & ~(size_t)1 : 0;
		s = pkt_csum_add(0, b, cut);
		s = pkt_csum_add(s, b + cut, n - cut);
		assert_int_equal(pkt_csum_fold(s), (uint16_t)~ref_sum(b, n));
		free(b);
	}
}

/* The largest IP datagram of 0xff, and a start sum near overflow. */
static void test_long_buffers(void **state)
{
	size_t n = 65535;
	uint8_t *b = malloc(n);
	uint32_t s;

	(void)state;
	assert_non_null(b);
	memset(b, 0xff, n);
	assert_int_equal(pkt_csum(b, n), (uint16_t)~ref_sum(b, n));
	s = pkt_csum_add(0xffffffffu, b, n);
	/* 0xffffffff is -0 folded twice: the same sum as starting at 0. */
	assert_int_equal(pkt_csum_fold(s), pkt_csum(b, n));
	/* Adds keep the sum small enough to add again. */
	assert_true(s <= 0x1ffff);
	memset(b, 0, n);
	assert_int_equal(pkt_csum(b, n), 0xffff);
	free(b);
}

static void test_fold(void **state)
{
	(void)state;
	assert_int_equal(pkt_csum_fold(0), 0xffff);
	assert_int_equal(pkt_csum_fold(0xffff), 0x0000);
	assert_int_equal(pkt_csum_fold(0x1fffe), 0x0000);
	assert_int_equal(pkt_csum_fold(0x10000), 0xfffe);
	assert_int_equal(pkt_csum_fold(0xffffffffu), 0x0000);
	assert_int_equal(pkt_csum_fold(0x0001ffff), 0xfffe);
}

/* The pseudo-headers equal the sum of their explicit byte layouts. */
static void test_pseudo_headers(void **state)
{
	static const uint8_t s4[4] = { 198, 51, 100, 1 };
	static const uint8_t d4[4] = { 198, 51, 100, 10 };
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d6[16] = { 0x20, 0x01,	   0x0d,
					0xb8, [14] = 0xff, [15] = 0xfe };
	static const uint32_t lens[] = { 0,	     1,	      20,
					 0xffff,     0x10000, 0x12345678,
					 0xffffffffu };
	uint8_t ph[40];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		uint16_t len = (uint16_t)lens[i];

		memcpy(ph, s4, 4);
		memcpy(ph + 4, d4, 4);
		ph[8] = 0;
		ph[9] = 6;
		unit_put16(ph + 10, len);
		assert_int_equal(fold(pkt_csum_pseudo4(s4, d4, 6, len)),
				 ref_sum(ph, 12));
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(ph, 0, sizeof(ph));
		memcpy(ph, s6, 16);
		memcpy(ph + 16, d6, 16);
		ph[32] = (uint8_t)(lens[i] >> 24);
		ph[33] = (uint8_t)(lens[i] >> 16);
		ph[34] = (uint8_t)(lens[i] >> 8);
		ph[35] = (uint8_t)lens[i];
		ph[39] = 58;
		assert_int_equal(fold(pkt_csum_pseudo6(s6, d6, 58, lens[i])),
				 ref_sum(ph, 40));
	}
}

/* ------------------------------------------------------------------ */
/* Frames built by Scapy.                                              */

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=1, flags='DF')/TCP(sport=40000, dport=80, seq=1000, flags='S', window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)])
 * ip.chksum 0xe648, tcp.chksum 0x5823
 */
static const char tcp4_syn[] =
	"02000000000102000000000208004500003c000140004006e648c6336401c633"
	"640a9c400050000003e800000000a002faf058230000020405b40402080a0000"
	"00010000000001030307";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1', id=2)/TCP(sport=80, dport=40000, seq=5000, ack=1001, flags='PA', window=502)/Raw(b'hello')
 * ip.chksum 0x2657, tcp.chksum 0x618b (odd segment length, 25)
 */
static const char tcp4_data[] =
	"02000000000102000000000208004500002d0002000040062657c633640ac633"
	"640100509c4000001388000003e9501801f6618b000068656c6c6f";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', fl=0x12345)/TCP(sport=40000, dport=443, seq=1, flags='S', options=[('MSS', 1440)])/Raw(b'xyz')
 * tcp.chksum 0x8c4c (odd segment length, 27)
 */
static const char tcp6_data[] =
	"02000000000102000000000286dd60012345001b064020010db8000000000000"
	"00000000000120010db80000000000000000000000029c4001bb000000010000"
	"0000600220008c4c0000020405a078797a";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2', id=0x1234)/UDP(sport=5353, dport=53)/Raw(b'abc')
 * ip.chksum 0xe496, udp.chksum 0xa253 (odd, 11)
 */
static const char udp4[] =
	"02000000000102000000000208004500001f123400004011e496c0000201c000"
	"020214e90035000ba253616263";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=1234, dport=5678)/Raw(b'hello')
 * udp.chksum 0x458d (odd, 13)
 */
static const char udp6[] =
	"02000000000102000000000286dd60000000000d114020010db8000000000000"
	"00000000000120010db800000000000000000000000204d2162e000d458d6865"
	"6c6c6f";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='203.0.113.1', dst='203.0.113.2', id=7)/ICMP(type=8, id=0x1234, seq=1)/Raw(b'ping!')
 * ip.chksum 0x02d1, icmp.chksum 0xe5f9 (odd, 13)
 */
static const char icmp4[] =
	"02000000000102000000000208004500002100070000400102d1cb007101cb00"
	"71020800e5f91234000170696e6721";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x1234, seq=1, data=b'ping!')
 * icmp6.cksum 0x123d (odd, 13)
 */
static const char icmp6[] =
	"02000000000102000000000286dd60000000000d3a4020010db8000000000000"
	"00000000000120010db80000000000000000000000028000123d123400017069"
	"6e6721";

struct vec {
	const char *hex;
	bool v6;
	uint8_t proto; /* 0: IPv4 header only */
	size_t ck; /* checksum offset inside the L4 header */
	uint16_t ip_want;
	uint16_t want;
};

static const struct vec vecs[] = {
	{ tcp4_syn, false, 6, 16, 0xe648, 0x5823 },
	{ tcp4_data, false, 6, 16, 0x2657, 0x618b },
	{ tcp6_data, true, 6, 16, 0, 0x8c4c },
	{ udp4, false, 17, 6, 0xe496, 0xa253 },
	{ udp6, true, 17, 6, 0, 0x458d },
	{ icmp4, false, 1, 2, 0x02d1, 0xe5f9 },
	{ icmp6, true, 58, 2, 0, 0x123d },
};

/* The upper-layer checksum of a frame as riposte's builder computes it. */
static uint16_t l4_sum(const uint8_t *f, const struct vec *v, size_t *l4,
		       size_t *len)
{
	uint32_t s = 0;

	if (v->v6) {
		*l4 = 14 + 40;
		*len = unit_be16(f + 14 + 4);
		s = pkt_csum_pseudo6(f + 14 + 8, f + 14 + 24, v->proto,
				     (uint32_t)*len);
	} else {
		size_t hl = (size_t)(f[14] & 0xf) * 4;

		*l4 = 14 + hl;
		*len = unit_be16(f + 14 + 2) - hl;
		/* ICMP (RFC 792) has no pseudo-header. */
		if (v->proto != 1)
			s = pkt_csum_pseudo4(f + 14 + 12, f + 14 + 16, v->proto,
					     (uint16_t)*len);
	}
	return pkt_csum_fold(pkt_csum_add(s, f + *l4, *len));
}

/* Received frames verify (the sum over them folds to -0). */
static void test_scapy_verify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		size_t n, l4, len;
		uint8_t *f = unit_frame(vecs[i].hex, &n);

		assert_int_equal(l4_sum(f, &vecs[i], &l4, &len), 0);
		assert_int_equal(l4 + len, n);
		if (!vecs[i].v6)
			assert_int_equal(pkt_csum(f + 14, 20), 0);
		free(f);
	}
}

/* With the field zeroed, the computed value is Scapy's. */
static void test_scapy_compute(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		size_t n, l4, len;
		uint8_t *f = unit_frame(v->hex, &n);

		l4 = v->v6 ? 14 + 40 : 14 + (size_t)(f[14] & 0xf) * 4;
		if (!v->v6) {
			/* The IPv4 header checksum (RFC 791). */
			assert_int_equal(unit_be16(f + 24), v->ip_want);
			unit_put16(f + 24, 0);
			assert_int_equal(pkt_csum(f + 14, l4 - 14), v->ip_want);
		}
		assert_int_equal(unit_be16(f + l4 + v->ck), v->want);
		unit_put16(f + l4 + v->ck, 0);
		assert_int_equal(l4_sum(f, v, &l4, &len), v->want);
		free(f);
	}
}

/* ------------------------------------------------------------------ */
/* RFC 1624.                                                           */

/*
 * RFC 1624 section 4: other header words sum to 0xCD7A, a field goes from
 * 0x5555 to 0x3285.  HC = 0xDD2F; recomputation gives 0x0000, and so must
 * eqn. 3 (eqn. 2 of RFC 1141 gives 0xFFFF).
 */
static void test_rfc1624_example(void **state)
{
	uint8_t h[4] = { 0xcd, 0x7a, 0x55, 0x55 };

	(void)state;
	assert_int_equal(pkt_csum(h, 4), 0xdd2f);
	h[2] = 0x32;
	h[3] = 0x85;
	assert_int_equal(pkt_csum(h, 4), 0x0000);
	assert_int_equal(pkt_csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	/* And back again. */
	assert_int_equal(pkt_csum_update16(0x0000, 0x3285, 0x5555), 0xdd2f);
}

/*
 * The edges around the two zeros: a field that does not change leaves the
 * checksum alone, even a checksum of 0x0000 (RFC 1624 errata 4782 claims
 * eqn. 3 turns it into 0xFFFF; with the end-around carry it does not);
 * 0x0000 <-> 0xFFFF is +0 <-> -0 and changes nothing either.
 */
static void test_rfc1624_zero_edges(void **state)
{
	(void)state;
	assert_int_equal(pkt_csum_update16(0x0000, 0x5555, 0x5555), 0x0000);
	assert_int_equal(pkt_csum_update16(0xdd2f, 0x5555, 0x5555), 0xdd2f);
	assert_int_equal(pkt_csum_update16(0x1234, 0x0000, 0xffff), 0x1234);
	assert_int_equal(pkt_csum_update16(0x1234, 0xffff, 0x0000), 0x1234);
	assert_int_equal(pkt_csum_update16(0x0000, 0x0000, 0xffff), 0x0000);
	assert_int_equal(pkt_csum_update32(0xabcd, 0x12345678, 0x12345678),
			 0xabcd);
	assert_int_equal(pkt_csum_update32(0xabcd, 0, 0xffffffffu), 0xabcd);
}

/*
 * Many random rewrites of an IPv4 header, each checked against a full
 * recomputation, chained so that an error would carry over.  Word 0
 * (version/ihl) is never changed, so the header is never all zero (the one
 * case where -0 is the right checksum and no update can know it).
 */
static void test_rfc1624_random16(void **state)
{
	static const uint16_t edge[] = { 0x0000, 0xffff, 0x0001,
					 0xfffe, 0x8000, 0x7fff };
	uint8_t h[20];
	uint32_t seed = 1624;
	int iter, zero = 0, ffff = 0;

	(void)state;
	unit_hex(h, sizeof(h), "4500001f123400004011e496c0000201c0000202");
	assert_int_equal(pkt_csum(h, 20), 0);
	for (iter = 0; iter < 100000; iter++) {
		uint32_t r = unit_rand(&seed);
		size_t w = 1 + r % 8;
		uint16_t old, new, hc, full;

		if (w >= 5)
			w++; /* skip the checksum word itself */
		old = unit_be16(h + 2 * w);
		switch (r >> 8 & 7) {
		case 0:
			new = edge[(r >> 12) % 6];
			break;
		case 1:
			new = (uint16_t)~old;
			break;
		case 2:
			new = old;
			break;
		default:
			new = (uint16_t)unit_rand(&seed);
			break;
		}
		hc = pkt_csum_update16(unit_be16(h + 10), old, new);
		unit_put16(h + 2 * w, new);
		unit_put16(h + 10, 0);
		full = pkt_csum(h, 20);
		if (hc != full)
			fail_msg("iteration %d: word %zu %04x->%04x: "
				 "incremental %04x, full %04x",
				 iter, w, old, new, hc, full);
		unit_put16(h + 10, hc);
		assert_int_equal(pkt_csum(h, 20), 0);
		zero += hc == 0x0000;
		ffff += hc == 0xffff;
	}
	/* A valid non-zero header never needs -0. */
	assert_int_equal(ffff, 0);
	(void)zero;
}

/*
 * The header sum forced to 0xffff so that the checksum is 0x0000, then
 * rewritten: the update must keep agreeing with recomputation there.
 */
static void test_rfc1624_forced_zero(void **state)
{
	uint8_t h[20];
	uint32_t seed = 0xdd2f;
	uint16_t c;
	int iter;

	(void)state;
	for (iter = 0; iter < 1000; iter++) {
		size_t i;
		uint16_t hc, old, new;

		for (i = 0; i < 20; i++)
			h[i] = (uint8_t)unit_rand(&seed);
		h[0] = 0x45;
		unit_put16(h + 10, 0);
		/* Choose word 9 so that the sum is 0xffff: HC = 0x0000. */
		unit_put16(h + 18, 0);
		c = pkt_csum(h, 20);
		unit_put16(h + 18, c);
		assert_int_equal(pkt_csum(h, 20), 0x0000);
		/* Rewrite word 9 to +0/-0 alternatives and others. */
		old = c;
		new = iter & 1 ? (uint16_t)unit_rand(&seed) : old;
		hc = pkt_csum_update16(0x0000, old, new);
		unit_put16(h + 18, new);
		assert_int_equal(hc, pkt_csum(h, 20));
	}
}

/*
 * 32-bit rewrites (NAT of an address, a new sequence number) of a TCP
 * segment, checked against recomputation with the pseudo-header.
 */
static void test_rfc1624_random32(void **state)
{
	uint32_t seed = 0x32;
	size_t n;
	uint8_t *f = unit_frame(tcp4_syn, &n);
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		uint32_t r = unit_rand(&seed), old, new;
		/* ip.src, ip.dst, tcp.seq, tcp.ack, tcp.options.tsval */
		static const size_t at[] = { 26, 30, 38, 42, 58 };
		size_t off = at[r % 5];
		uint16_t ck, full;
		uint32_t s;

		old = unit_be32(f + off);
		switch (r >> 4 & 3) {
		case 0:
			new = r & 0x100 ? 0 : 0xffffffffu;
			break;
		case 1:
			new = ~old;
			break;
		default:
			new = unit_rand(&seed);
			break;
		}
		ck = pkt_csum_update32(unit_be16(f + 50), old, new);
		f[off] = (uint8_t)(new >> 24);
		f[off + 1] = (uint8_t)(new >> 16);
		f[off + 2] = (uint8_t)(new >> 8);
		f[off + 3] = (uint8_t) new;
		unit_put16(f + 50, 0);
		s = pkt_csum_pseudo4(f + 26, f + 30, 6, 40);
		full = pkt_csum_fold(pkt_csum_add(s, f + 34, 40));
		if (ck != full)
			fail_msg("iteration %d: +%zu %08x->%08x: %04x != %04x",
				 iter, off, old, new, ck, full);
		unit_put16(f + 50, ck);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_odd_lengths),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_long_buffers),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_pseudo_headers),
		cmocka_unit_test(test_scapy_verify),
		cmocka_unit_test(test_scapy_compute),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_rfc1624_zero_edges),
		cmocka_unit_test(test_rfc1624_random16),
		cmocka_unit_test(test_rfc1624_forced_zero),
		cmocka_unit_test(test_rfc1624_random32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
