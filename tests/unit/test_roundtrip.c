/* SPDX-License-Identifier: MIT */
/*
 * test_roundtrip.c - parse-then-build must give back every well-formed frame
 * byte for byte, with every length and checksum recomputed.
 *
 *     test_roundtrip                  one hand-made frame (the unit stage)
 *     test_roundtrip wellformed.pcap  every frame of the file (tests/scapy)
 *
 * With a pcap (read with libpcap's pcap_open_offline; Ethernet only), each
 * frame must parse with verdict PKT_OK, and two rebuilds must equal it:
 *
 *   1. the parsed struct with p.set = 0, so every length and checksum is
 *      computed by pkt_build();
 *   2. the same with every length, header length and checksum field zeroed
 *      in the struct first: proof that they are computed, not copied.
 *
 * Two values cannot be computed from the frame, and are kept as given:
 *   - the transport length and checksum of a fragment cover bytes that are
 *     not in this frame (pkt_build() itself writes them as given, so they
 *     are not zeroed in rebuild 2);
 *   - a zero UDP checksum over IPv4 means "none was computed" (RFC 768); a
 *     builder asked to compute one writes a real checksum, so the test sets
 *     PKT_SET_UDP_CHKSUM for it.
 * A failing frame is reported with its number (1-based, as `riposte show`
 * numbers packets), the first differing byte offset and both bytes, and
 * the frame in hex; every frame is tried before the test fails.
 *
 * Without an argument the test builds a small Ethernet/IPv4/UDP frame from
 * a hand-filled struct pkt, checks its computed fields against values
 * Scapy 2.5 gives for the same packet, and parses it back.
 */
#include "unit.h"

#include <errno.h>
#include <pcap/pcap.h>

#include "pkt/csum.h"

#define RT_BUF 65600

static const char *rt_pcap;

/*
 * Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
 * IP(src="198.51.100.1", dst="198.51.100.10", id=1) /
 * UDP(sport=1234, dport=53) / b"riposte"     (Scapy 2.5)
 */
static const char tiny_hex[] =
	"0200000000020200000000010800450000230001000040112657"
	"c6336401c633640a04d20035000feb087269706f737465";

static void test_tiny_frame(void **state)
{
	static const uint8_t load[] = "riposte";
	uint8_t want[128], buf[128], again[128];
	size_t wlen;
	struct pkt p, q;
	int n;

	(void)state;
	wlen = unit_hex(want, sizeof(want), tiny_hex);
	memset(&p, 0, sizeof(p));
	p.has = PKT_L_ETH | PKT_L_IP | PKT_L_UDP | PKT_L_RAW;
	memcpy(p.eth.dst, "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(p.eth.src, "\x02\x00\x00\x00\x00\x01", 6);
	p.eth.type = PKT_ETHERTYPE_IP;
	p.ip.version = 4;
	p.ip.id = 1;
	p.ip.ttl = 64;
	p.ip.proto = PKT_PROTO_UDP;
	memcpy(p.ip.src, "\xc6\x33\x64\x01", 4);
	memcpy(p.ip.dst, "\xc6\x33\x64\x0a", 4);
	p.udp.sport = 1234;
	p.udp.dport = 53;
	p.payload.p = load;
	p.payload.len = sizeof(load) - 1;

	n = pkt_build(&p, buf, sizeof(buf));
	assert_int_equal(n, wlen);
	assert_memory_equal(buf, want, wlen);

	unit_parse_ok(&q, buf, (size_t)n);
	assert_int_equal(q.has, p.has);
	assert_int_equal(q.ip.ihl, 5);
	assert_int_equal(q.ip.len, 35);
	assert_int_equal(q.ip.chksum, 0x2657);
	assert_int_equal(q.udp.len, 15);
	assert_int_equal(q.udp.chksum, 0xeb08);
	unit_bytes_eq(q.payload, load, sizeof(load) - 1);

	q.set = 0;
	n = pkt_build(&q, again, sizeof(again));
	assert_int_equal(n, wlen);
	assert_memory_equal(again, want, wlen);

	/* Too small a buffer is -ENOSPC, never a partial frame. */
	assert_int_equal(pkt_build(&q, again, wlen - 1), -ENOSPC);
}

static void rt_hex(const uint8_t *b, size_t len)
{
	char line[2 * 32 + 1];
	size_t i, k = 0;

	for (i = 0; i < len; i++) {
		snprintf(line + k, 3, "%02x", b[i]);
		k += 2;
		if (k == sizeof(line) - 1 || i + 1 == len) {
			print_message("    %s\n", line);
			k = 0;
		}
	}
}

/* 0 when buf[0..n) is frame[0..len); else prints why and returns -1. */
static int rt_compare(unsigned no, const char *what, const uint8_t *frame,
		      size_t len, const uint8_t *buf, int n)
{
	size_t i, lim;

	if (n < 0) {
		print_message("frame %u (%s): pkt_build() = %d\n", no, what, n);
		return -1;
	}
	if ((size_t)n == len && !memcmp(frame, buf, len))
		return 0;
	lim = (size_t)n < len ? (size_t)n : len;
	for (i = 0; i < lim && frame[i] == buf[i]; i++)
		;
	if (i < lim)
		print_message("frame %u (%s): byte %zu differs: built 0x%02x, "
			      "frame 0x%02x (built %d bytes of %zu)\n",
			      no, what, i, buf[i], frame[i], n, len);
	else
		print_message("frame %u (%s): built %d bytes, frame has %zu\n",
			      no, what, n, len);
	print_message("  frame:\n");
	rt_hex(frame, len);
	print_message("  built:\n");
	rt_hex(buf, (size_t)n);
	return -1;
}

/* The set bits for values that cannot be recomputed (see the top). */
static uint32_t rt_keep(const struct pkt *p)
{
	uint32_t set = 0;

	if ((p->has & PKT_L_UDP) && (p->has & PKT_L_IP) && p->udp.chksum == 0)
		set |= PKT_SET_UDP_CHKSUM;
	return set;
}

/* Zeroes every length and checksum the builder must compute. */
static void rt_zero(struct pkt *p)
{
	p->ip.ihl = 0;
	p->ip.len = 0;
	p->ip.chksum = 0;
	p->ip6.plen = 0;
	p->tcp.dataofs = 0;
	if (!p->fragment) {
		p->tcp.chksum = 0;
		p->udp.len = 0;
		p->icmp.chksum = 0;
		p->icmp6.cksum = 0;
		if (!(p->set & PKT_SET_UDP_CHKSUM))
			p->udp.chksum = 0;
	}
}

static int rt_frame(unsigned no, const uint8_t *frame, size_t len, uint8_t *buf)
{
	struct pkt p, q;
	enum pkt_verdict v;
	int n;

	v = pkt_parse(&p, frame, len);
	if (v != PKT_OK) {
		print_message("frame %u: verdict %s: %s at byte %zu\n", no,
			      pkt_verdict_name(v),
			      p.reason ? p.reason : "(null)", p.err_off);
		rt_hex(frame, len);
		return -1;
	}
	p.set = rt_keep(&p);
	n = pkt_build(&p, buf, RT_BUF);
	if (rt_compare(no, "rebuild", frame, len, buf, n))
		return -1;

	q = p;
	rt_zero(&q);
	n = pkt_build(&q, buf, RT_BUF);
	return rt_compare(no, "rebuild with lengths and checksums zeroed",
			  frame, len, buf, n);
}

static void test_pcap(void **state)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned no = 0, bad = 0;
	uint8_t *buf, *copy;
	pcap_t *pc;
	int r;

	(void)state;
	pc = pcap_open_offline(rt_pcap, err);
	if (!pc)
		fail_msg("%s: %s", rt_pcap, err);
	if (pcap_datalink(pc) != DLT_EN10MB)
		fail_msg("%s: link type %d, not Ethernet", rt_pcap,
			 pcap_datalink(pc));
	buf = malloc(RT_BUF);
	assert_non_null(buf);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		no++;
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = unit_dup(data, h->caplen);
		if (rt_frame(no, copy, h->caplen, buf))
			bad++;
		free(copy);
	}
	if (r != PCAP_ERROR_BREAK)
		fail_msg("%s: %s", rt_pcap, pcap_geterr(pc));
	pcap_close(pc);
	free(buf);
	print_message("%s: %u frames, %u rebuilt exactly, %u failed\n", rt_pcap,
		      no, no - bad, bad);
	assert_int_not_equal(no, 0);
	assert_int_equal(bad, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tiny[] = {
		cmocka_unit_test(test_tiny_frame),
	};
	const struct CMUnitTest file[] = {
		cmocka_unit_test(test_tiny_frame),
		cmocka_unit_test(test_pcap),
	};

	if (argc > 2) {
		fprintf(stderr, "usage: %s [FILE.pcap]\n", argv[0]);
		return 2;
	}
	if (argc == 1)
		return cmocka_run_group_tests(tiny, NULL, NULL);
	rt_pcap = argv[1];
	return cmocka_run_group_tests(file, NULL, NULL);
}
