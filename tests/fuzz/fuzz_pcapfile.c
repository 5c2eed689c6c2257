/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pcapfile.c - libFuzzer target for the capture-file reader.
 *
 * One input is a whole capture file.  It is read twice: through
 * riposte's own walker of classic pcap files (the one `replay` and
 * `show` use on a regular file) and through libpcap's reader; every
 * frame is touched end to end.  For a classic pcap file the two must
 * agree frame by frame: the same captured and wire lengths, time stamps
 * and bytes, and the same end (the end of the file, or an error at the
 * same frame).  Any disagreement abort()s, so the fuzzer keeps the input.
 * A pcapng file, or no capture file, goes through libpcap alone.
 *
 *   make fuzz && build/fuzz/fuzz_pcapfile tests/fuzz/corpus/pcapfile
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pcapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 4096 /* a bound on the work one input can ask for */

static volatile uint32_t sink;

static uint32_t fold(const uint8_t *b, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[IO_PCAPFILE_ERRLEN];
	struct io_pcapfile *walk = NULL, *lib = NULL;
	struct io_frame a, b;
	int ra, rb, n;

	/* libpcap reads from a FILE: its own copy of the bytes. */
	if (io_pcapfile_open_mem(&lib, data, size, false, err, sizeof(err)) < 0)
		lib = NULL;
	if (io_pcapfile_open_mem(&walk, data, size, true, err, sizeof(err)) < 0)
		walk = NULL;
	if (!lib != !walk) {
		fprintf(stderr,
			"fuzz_pcapfile: one reader opens, not the other\n");
		abort();
	}
	for (n = 0; walk && n < MAX_FRAMES; n++) {
		ra = io_pcapfile_next(walk, &a, err, sizeof(err));
		rb = io_pcapfile_next(lib, &b, err, sizeof(err));
		if (ra == 1)
			sink ^= fold(a.data, a.caplen);
		if (rb == 1)
			sink ^= fold(b.data, b.caplen);
		if ((ra == 1) != (rb == 1) || (ra == 0) != (rb == 0)) {
			fprintf(stderr,
				"fuzz_pcapfile: frame %d: the walker says %d, "
				"libpcap %d\n",
				n + 1, ra, rb);
			abort();
		}
		if (ra != 1)
			break;
		if (a.caplen != b.caplen || a.wirelen != b.wirelen ||
		    a.ts.tv_sec != b.ts.tv_sec ||
		    a.ts.tv_nsec != b.ts.tv_nsec ||
		    memcmp(a.data, b.data, a.caplen) != 0) {
			fprintf(stderr,
				"fuzz_pcapfile: frame %d differs: caplen %u/%u, "
				"len %u/%u, time %lld.%09ld/%lld.%09ld\n",
				n + 1, a.caplen, b.caplen, a.wirelen, b.wirelen,
				(long long)a.ts.tv_sec, a.ts.tv_nsec,
				(long long)b.ts.tv_sec, b.ts.tv_nsec);
			abort();
		}
	}
	io_pcapfile_close(walk);
	io_pcapfile_close(lib);
	return 0;
}
