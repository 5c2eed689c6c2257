/* SPDX-License-Identifier: MIT */
/*
 * flowgen.c - writes the pcaps of the flow-memory benchmark
 * (tests/bench/flowmem.sh): N TCP handshakes to 198.51.100.10:80, fast,
 * both checksums computed (RFC 1071), no libraries.
 *
 *   flowgen syn N OUT.pcap
 *       N SYNs, one per flow.
 *   flowgen hs N SYNACKS.pcap OUT.pcap
 *       N handshakes: each flow's SYN then at once its ACK, whose
 *       acknowledgment number is the ISN of that flow's SYN-ACK in
 *       SYNACKS.pcap (what `riposte replay -r` of the first file wrote
 *       with -w: riposte's ISNs are a keyed hash of the seed and the
 *       4-tuple, so the same seed gives the same ISNs again).  Fails
 *       when a flow has no SYN-ACK there.
 *
 * Flow i goes from 203.0.113.(1 + i / 60000):(1024 + i % 60000), MAC
 * 02:00:00:5d:00:01, to 198.51.100.10:80, MAC 02:00:00:5d:00:0a; its
 * SYN carries seq 1000 * i and an MSS option (1460), window 64240; its
 * ACK has no options.  Timestamps start at 2023-11-14 22:13:20 UTC and
 * step 1 us every 8 frames, so that a million flows take well under the
 * SYN-ACK's first retransmission timeout (1 s) and no timer fires.  The
 * output is the same for the same arguments.  Exit status: 0, or 1 with
 * a message on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_HOST 60000u
#define MAX_FLOWS (254u * PER_HOST)
#define SYN_LEN (14 + 20 + 24)
#define ACK_LEN (14 + 20 + 20)
#define TS0 1700000000u

static const uint8_t cmac[6] = { 0x02, 0, 0, 0x5d, 0, 0x01 };
static const uint8_t smac[6] = { 0x02, 0, 0, 0x5d, 0, 0x0a };
static const uint8_t saddr[4] = { 198, 51, 100, 10 };

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t rd32(const uint8_t *p, int swap)
{
	return swap ? get32(p) :
		      (uint32_t)p[0] | (uint32_t)p[1] << 8 |
			       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Flow i's Ethernet/IPv4/TCP frame into f (len bytes); checksums filled. */
static void frame(uint8_t *f, size_t len, uint32_t i, uint32_t seq,
		  uint32_t ack, int syn)
{
	uint8_t *ip = f + 14, *tcp = f + 34;
	size_t tlen = len - 34;
	uint32_t s;

	memset(f, 0, len);
	memcpy(f, smac, 6);
	memcpy(f + 6, cmac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint32_t)(len - 14));
	put16(ip + 4, i & 0xffff);
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 203;
	ip[13] = 0;
	ip[14] = 113;
	ip[15] = (uint8_t)(1 + i / PER_HOST);
	memcpy(ip + 16, saddr, 4);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, 1024 + i % PER_HOST);
	put16(tcp + 2, 80);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)((tlen / 4) << 4);
	tcp[13] = syn ? 0x02 : 0x10;
	put16(tcp + 14, 64240);
	if (syn) {
		tcp[20] = 2; /* MSS */
		tcp[21] = 4;
		put16(tcp + 22, 1460);
	}
	/* Pseudo-header: addresses, protocol, TCP length. */
	s = sum16(ip + 12, 8, 0) + 6 + (uint32_t)tlen;
	put16(tcp + 16, fold(sum16(tcp, tlen, s)));
}

static int put_frame(FILE *out, const uint8_t *f, size_t len, uint64_t n)
{
	uint8_t h[16];

	le32(h, TS0 + (uint32_t)(n / 8 / 1000000));
	le32(h + 4, (uint32_t)(n / 8 % 1000000));
	le32(h + 8, (uint32_t)len);
	le32(h + 12, (uint32_t)len);
	return fwrite(h, 1, 16, out) == 16 && fwrite(f, 1, len, out) == len ?
		       0 :
		       -1;
}

static FILE *open_out(const char *name)
{
	uint8_t h[24] = { 0 };
	FILE *out = fopen(name, "wb");

	if (!out) {
		perror(name);
		return NULL;
	}
	le32(h, 0xa1b2c3d4); /* microsecond pcap, this machine's order */
	h[4] = 2;
	h[6] = 4;
	le32(h + 16, 65535);
	le32(h + 20, 1); /* Ethernet */
	if (fwrite(h, 1, 24, out) != 24) {
		perror(name);
		fclose(out);
		return NULL;
	}
	return out;
}

static int close_out(FILE *out, const char *name)
{
	if (ferror(out) | fclose(out)) {
		fprintf(stderr, "flowgen: cannot write %s\n", name);
		return -1;
	}
	return 0;
}

/*
 * Reads the SYN-ACKs of SYNACKS into isn[] (flow i's ISN) and seen[];
 * returns how many flows got one, or -1.
 */
static long read_synacks(const char *name, uint32_t n, uint32_t *isn,
			 uint8_t *seen)
{
	uint8_t h[24], rh[16], *f = NULL;
	uint32_t snap, caplen, i, magic;
	long got = 0;
	int swap;
	FILE *in = fopen(name, "rb");

	if (!in) {
		perror(name);
		return -1;
	}
	if (fread(h, 1, 24, in) != 24)
		goto bad;
	magic = rd32(h, 0);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else
		goto bad;
	if (rd32(h + 20, swap) != 1)
		goto bad;
	snap = rd32(h + 16, swap);
	if (snap < 64 || snap > 262144)
		snap = 262144;
	f = malloc(snap);
	if (!f)
		goto bad;
	while (fread(rh, 1, 16, in) == 16) {
		const uint8_t *ip = f + 14, *tcp;
		uint32_t ihl, port;

		caplen = rd32(rh + 8, swap);
		if (caplen > snap || fread(f, 1, caplen, in) != caplen)
			goto bad;
		if (caplen < 14 + 20 || get16(f + 12) != 0x0800 ||
		    (ip[0] >> 4) != 4 || ip[9] != 6)
			continue;
		ihl = (ip[0] & 15u) * 4;
		if (ihl < 20 || caplen < 14 + ihl + 20)
			continue;
		tcp = ip + ihl;
		if (memcmp(ip + 12, saddr, 4) || ip[16] != 203 || ip[17] != 0 ||
		    ip[18] != 113 || ip[19] < 1 || ip[19] > 254 ||
		    get16(tcp) != 80 || (tcp[13] & 0x17) != 0x12)
			continue;
		port = get16(tcp + 2);
		if (port < 1024 || port >= 1024 + PER_HOST)
			continue;
		i = (uint32_t)(ip[19] - 1) * PER_HOST + (port - 1024);
		if (i >= n || get32(tcp + 8) != 1000u * i + 1)
			continue;
		if (!seen[i]) {
			seen[i] = 1;
			got++;
		}
		isn[i] = get32(tcp + 4);
	}
	if (ferror(in))
		goto bad;
	free(f);
	fclose(in);
	return got;
bad:
	fprintf(stderr, "flowgen: %s: not a readable Ethernet pcap\n", name);
	free(f);
	fclose(in);
	return -1;
}

int main(int argc, char *argv[])
{
	uint8_t f[SYN_LEN];
	uint32_t n, i, *isn = NULL;
	uint8_t *seen = NULL;
	uint64_t k = 0;
	const char *outname;
	FILE *out;
	char *end;
	long got;
	int hs;

	if (argc < 4 || (strcmp(argv[1], "syn") && strcmp(argv[1], "hs")) ||
	    (!strcmp(argv[1], "syn") && argc != 4) ||
	    (!strcmp(argv[1], "hs") && argc != 5)) {
		fputs("usage: flowgen syn N OUT.pcap\n"
		      "       flowgen hs N SYNACKS.pcap OUT.pcap\n",
		      stderr);
		return 1;
	}
	hs = !strcmp(argv[1], "hs");
	n = (uint32_t)strtoul(argv[2], &end, 10);
	if (*end || !*argv[2] || n > MAX_FLOWS) {
		fprintf(stderr, "flowgen: N must be 0 to %u\n", MAX_FLOWS);
		return 1;
	}
	outname = argv[hs ? 4 : 3];
	if (hs) {
		isn = calloc(n ? n : 1, sizeof(*isn));
		seen = calloc(n ? n : 1, 1);
		if (!isn || !seen) {
			fputs("flowgen: out of memory\n", stderr);
			return 1;
		}
		got = read_synacks(argv[3], n, isn, seen);
		if (got < 0)
			return 1;
		if ((uint32_t)got != n) {
			fprintf(stderr,
				"flowgen: %s has SYN-ACKs for %ld of %u flows\n",
				argv[3], got, n);
			return 1;
		}
	}
	out = open_out(outname);
	if (!out)
		return 1;
	for (i = 0; i < n; i++) {
		frame(f, SYN_LEN, i, 1000u * i, 0, 1);
		if (put_frame(out, f, SYN_LEN, k++) < 0)
			break;
		if (!hs)
			continue;
		frame(f, ACK_LEN, i, 1000u * i + 1, isn[i] + 1, 0);
		if (put_frame(out, f, ACK_LEN, k++) < 0)
			break;
	}
	free(isn);
	free(seen);
	return close_out(out, outname) < 0 ? 1 : 0;
}
