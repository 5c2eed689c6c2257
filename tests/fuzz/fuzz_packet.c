/* SPDX-License-Identifier: MIT */
/*
 * fuzz_packet.c - libFuzzer target for the packet layer.
 *
 * One input is one Ethernet frame.  It goes through everything that reads
 * untrusted bytes: pkt_parse(), both printers, every field of the field
 * table, neigh_answer() (is it the ARP reply or neighbour advertisement
 * `riposte send` waits for?), and pkt_build() of whatever was parsed.  When the parse is OK the
 * rebuilt frame must parse OK again and rebuild to the same bytes (build is
 * a fixed point after one round: lengths and checksums are recomputed the
 * first time, so the input itself may differ); any asymmetry abort()s so
 * that the fuzzer keeps the input.
 *
 *   make fuzz && build/fuzz/fuzz_packet tests/fuzz/corpus/packet
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neigh.h"
#include "pkt/field.h"
#include "pkt/pkt.h"
#include "pkt/print.h"

#define BUILD_CAP 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results are folded in here so that no call can be optimised away. */
static volatile uint32_t sink;

static FILE *devnull(void)
{
	static FILE *out;

	if (!out) {
		out = fopen("/dev/null", "w");
		if (!out)
			abort();
	}
	return out;
}

static uint32_t fold(const uint8_t *b, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* Prints p both ways and reads every field the table has for it. */
static void consume(FILE *out, const struct pkt *p)
{
	const struct pkt_field *f;
	struct pkt_value v;

	pkt_print_line(out, p);
	fputc('\n', out);
	pkt_print_tree(out, p);
	for (f = pkt_fields; f->name; f++) {
		memset(&v, 0, sizeof(v));
		if (!pkt_field_get(p, f, &v))
			continue;
		sink ^= (uint32_t)v.u ^ (uint32_t)(v.u >> 32);
		if (v.b.len)
			sink ^= fold(v.b.p, v.b.len);
	}
	sink ^= (uint32_t)p->verdict ^ p->has ^ (uint32_t)p->err_off;
}

static void mismatch(const char *what, const struct pkt *p)
{
	fprintf(stderr, "fuzz_packet: %s (verdict %s, reason %s, at %zu)\n",
		what, pkt_verdict_name(p->verdict), p->reason ? p->reason : "-",
		p->err_off);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf1[BUILD_CAP], buf2[BUILD_CAP];
	static struct pkt p, q;
	FILE *out = devnull();
	int n1, n2;

	pkt_parse(&p, data, size);
	consume(out, &p);
	/* Asked about the address the frame itself claims, so that it may. */
	{
		uint8_t mac[6];

		if (neigh_answer(&p, false, p.arp.psrc, mac))
			sink ^= fold(mac, 6);
		if (neigh_answer(&p, true, p.icmp6.tgt, mac))
			sink ^= fold(mac, 6);
	}

	/* Building whatever parsed, even a partial packet, must be safe. */
	n1 = pkt_build(&p, buf1, sizeof(buf1));
	if (n1 > 0)
		sink ^= fold(buf1, (size_t)n1);
	/* A frame this small rebuilds within BUILD_CAP if it parsed OK. */
	if (p.verdict != PKT_OK || size > BUILD_CAP / 2)
		return 0;

	if (n1 < 0)
		mismatch("an OK parse does not build", &p);
	if (pkt_parse(&q, buf1, (size_t)n1) != PKT_OK)
		mismatch("a rebuilt frame does not parse OK", &q);
	consume(out, &q);
	n2 = pkt_build(&q, buf2, sizeof(buf2));
	if (n2 != n1 || memcmp(buf1, buf2, (size_t)n1) != 0)
		mismatch("the second rebuild differs from the first", &q);
	return 0;
}
