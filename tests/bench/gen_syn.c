/* SPDX-License-Identifier: MIT */
/*
 * gen_syn.c - writes a pcap of N TCP SYNs for the replay benchmark
 * (tests/bench/replay.sh), fast: a template frame patched per frame, both
 * checksums computed (RFC 1071), no libraries.
 *
 *   gen_syn N OUT.pcap [PORTS]
 *
 * Frame i goes from 198.51.100.(1 + i % 250):(1024 + i % 60000) to
 * 203.0.113.(1 + i / 7 % 250), destination port 1 + i % PORTS (default
 * 1000: every port a rule of the 1,000-rule file answers), with an MSS,
 * SACK-permitted, timestamp, NOP and window-scale option like a Linux SYN.
 * Timestamps start at 2023-11-14 22:13:20 UTC, 10 us apart.  The output
 * is the same for the same arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_LEN (14 + 20 + 40)

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

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
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

int main(int argc, char *argv[])
{
	/* clang-format off */
	static const uint8_t tmpl[FRAME_LEN] = {
		/* Ethernet */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x08, 0x00,
		/* IPv4: len 60, DF, ttl 64, proto 6 */
		0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
		0x00, 0x00, 198, 51, 100, 1, 203, 0, 113, 1,
		/* TCP: dataofs 10, SYN, window 64240 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
		/* MSS 1460, SACK_PERM, TS, NOP, WS 7 */
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
	};
	/* clang-format on */
	uint8_t hdr[24] = { 0 }, rec[16 + FRAME_LEN];
	uint8_t *f = rec + 16, *ip = f + 14, *tcp = ip + 20;
	unsigned long n, i, ports = 1000;
	uint64_t ts_us = 1700000000ull * 1000000u, seq = 0x9e3779b97f4a7c15ull;
	uint32_t s;
	FILE *out;

	if (argc < 3 || argc > 4) {
		fputs("usage: gen_syn N OUT.pcap [PORTS]\n", stderr);
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	if (argc == 4)
		ports = strtoul(argv[3], NULL, 10);
	if (!ports || ports > 65535) {
		fputs("gen_syn: PORTS is 1 to 65535\n", stderr);
		return 2;
	}
	out = fopen(argv[2], "wb");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	le32(hdr, 0xa1b2c3d4);
	hdr[4] = 2; /* version 2.4 */
	hdr[6] = 4;
	le32(hdr + 16, 65535);
	le32(hdr + 20, 1); /* DLT_EN10MB */
	fwrite(hdr, 1, sizeof(hdr), out);
	memcpy(f, tmpl, FRAME_LEN);
	le32(rec + 8, FRAME_LEN);
	le32(rec + 12, FRAME_LEN);
	for (i = 0; i < n; i++) {
		seq = seq * 6364136223846793005ull + 1442695040888963407ull;
		le32(rec, (uint32_t)(ts_us / 1000000u));
		le32(rec + 4, (uint32_t)(ts_us % 1000000u));
		ts_us += 10;
		put16(ip + 4, (uint32_t)(i & 0xffff)); /* id */
		ip[15] = (uint8_t)(1 + i % 250);
		ip[19] = (uint8_t)(1 + i / 7 % 250);
		put16(ip + 10, 0);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
		put16(tcp, (uint32_t)(1024 + i % 60000));
		put16(tcp + 2, (uint32_t)(1 + i % ports));
		put32(tcp + 4, (uint32_t)(seq >> 32));
		put32(tcp + 28, (uint32_t)(ts_us / 1000)); /* tsval */
		put16(tcp + 16, 0);
		s = sum16(ip + 12, 8, 6 + 40); /* pseudo-header */
		put16(tcp + 16, fold(sum16(tcp, 40, s)));
		if (fwrite(rec, 1, sizeof(rec), out) != sizeof(rec)) {
			perror(argv[2]);
			return 1;
		}
	}
	if (fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
