/* SPDX-License-Identifier: MIT */
/*
 * pcaploop.c - the ceiling for the replay benchmark (tests/bench/replay.sh):
 * a plain libpcap loop that reads each frame, turns it into its answer the
 * cheapest way (swaps MACs, IPv4 addresses and TCP ports, sets SYN+ACK),
 * recomputes the IPv4 and TCP checksums in full (RFC 1071) and writes it.
 * No parsing beyond fixed offsets, no rules: what reading, checksumming
 * and writing cost on this machine.
 *
 *   pcaploop IN.pcap OUT.pcap
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[6];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

int main(int argc, char *argv[])
{
	char err[PCAP_ERRBUF_SIZE];
	static uint8_t f[65536];
	struct pcap_pkthdr *h;
	const uint8_t *data;
	pcap_dumper_t *d;
	pcap_t *in;
	int rc;

	if (argc != 3) {
		fputs("usage: pcaploop IN.pcap OUT.pcap\n", stderr);
		return 2;
	}
	in = pcap_open_offline(argv[1], err);
	if (!in) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 1;
	}
	d = pcap_dump_open(in, argv[2]);
	if (!d) {
		fprintf(stderr, "pcaploop: %s\n", pcap_geterr(in));
		return 1;
	}
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		size_t n = h->caplen, ihl, tl;
		uint8_t *ip = f + 14, *tcp;

		memcpy(f, data, n);
		if (n >= 34 && f[12] == 0x08 && f[13] == 0 && f[23] == 6 &&
		    n >= 14 + (ihl = (size_t)(ip[0] & 15) * 4) + 20) {
			tcp = ip + ihl;
			tl = n - 14 - ihl;
			swap(f, f + 6, 6);
			swap(ip + 12, ip + 16, 4);
			swap(tcp, tcp + 2, 2);
			tcp[13] = 0x12;
			ip[10] = ip[11] = 0;
			rc = fold(sum16(ip, ihl, 0));
			ip[10] = (uint8_t)(rc >> 8);
			ip[11] = (uint8_t)rc;
			tcp[16] = tcp[17] = 0;
			rc = fold(sum16(tcp, tl,
					sum16(ip + 12, 8, 6 + (uint32_t)tl)));
			tcp[16] = (uint8_t)(rc >> 8);
			tcp[17] = (uint8_t)rc;
		}
		pcap_dump((u_char *)d, h, f);
	}
	if (rc == -1)
		fprintf(stderr, "pcaploop: %s\n", pcap_geterr(in));
	pcap_dump_close(d);
	pcap_close(in);
	return rc == -1;
}
