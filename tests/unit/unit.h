/* SPDX-License-Identifier: MIT */
/*
 * unit.h - helpers shared by the cmocka unit tests of src/pkt (static inline
 * only, so that each test file stays one translation unit).
 *
 * Frames are written into the tests as hex strings copied from Scapy 2.5
 * (Debian's /usr/bin/python3), each with the Scapy expression that made it.
 * unit_frame() turns one into an exact-size heap buffer, so that under
 * `make SAN=1 unit` AddressSanitizer catches any read one byte past the end;
 * unit_check_cuts() parses every prefix of a frame, each from its own
 * exact-size copy, and checks the verdict, reason and layers of each cut.
 */
#ifndef RIPOSTE_TESTS_UNIT_H
#define RIPOSTE_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"

static inline int unit_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes hex (white space ignored) into out, at most cap bytes.  Returns
 * the number of bytes; fails the test on a bad digit, an odd count or an
 * overflow.
 */
static inline size_t unit_hex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex == ' ' || *hex == '\t' || *hex == '\n')
			continue;
		v = unit_nibble(*hex);
		if (v < 0)
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			fail_msg("hex longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits");
	return n;
}

/* A heap copy of len bytes, exactly len long (ASan's redzone follows). */
static inline uint8_t *unit_dup(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	assert_non_null(b);
	if (len)
		memcpy(b, p, len);
	return b;
}

/* A frame decoded from hex into an exact-size heap buffer; free() it. */
static inline uint8_t *unit_frame(const char *hex, size_t *len)
{
	uint8_t tmp[4096];
	size_t n = unit_hex(tmp, sizeof(tmp), hex);

	*len = n;
	return unit_dup(tmp, n);
}

static inline uint16_t unit_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t unit_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline void unit_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* Asserts that a byte range holds exactly the len bytes at want. */
static inline void unit_bytes_eq(struct pkt_bytes got, const void *want,
				 size_t len)
{
	assert_int_equal(got.len, len);
	if (len) {
		assert_non_null(got.p);
		assert_memory_equal(got.p, want, len);
	}
}

/* Asserts a byte range points at frame + off and is len long. */
static inline void unit_range_at(struct pkt_bytes got, const uint8_t *frame,
				 size_t off, size_t len)
{
	assert_int_equal(got.len, len);
	if (len)
		assert_ptr_equal(got.p, frame + off);
}

/* Asserts an OK parse with no reason. */
static inline void unit_parse_ok(struct pkt *p, const uint8_t *f, size_t len)
{
	enum pkt_verdict v = pkt_parse(p, f, len);

	if (v != PKT_OK)
		fail_msg("verdict %s: %s at byte %zu", pkt_verdict_name(v),
			 p->reason ? p->reason : "(null)", p->err_off);
	assert_null(p->reason);
	assert_ptr_equal(p->frame, f);
	assert_int_equal(p->caplen, len);
}

/* Asserts a failed parse with the given verdict, reason and layers. */
static inline void unit_parse_bad(struct pkt *p, const uint8_t *f, size_t len,
				  enum pkt_verdict want, const char *reason,
				  uint32_t has)
{
	enum pkt_verdict v = pkt_parse(p, f, len);

	if (v != want || !p->reason || strcmp(p->reason, reason) ||
	    p->has != has)
		fail_msg("verdict %s '%s' has 0x%x, want %s '%s' has 0x%x",
			 pkt_verdict_name(v), p->reason ? p->reason : "(null)",
			 p->has, pkt_verdict_name(want), reason, has);
	assert_int_equal(p->verdict, v);
	assert_true(p->err_off <= len);
}

/*
 * What parsing the first cut bytes of a frame must give, for every cut in
 * [from, to): the verdict, the reason (NULL with PKT_OK), the exact layer
 * bits, and the lowest err_off allowed (the start of the failing header;
 * err_off must also be <= cut).
 */
struct unit_cut {
	size_t from, to;
	enum pkt_verdict v;
	const char *reason;
	uint32_t has;
	size_t err_min;
};

/*
 * Parses every prefix 0..len-1 of frame, each from its own exact-size heap
 * copy, and checks it against the row of cuts that covers it.  The rows
 * must cover every cut.
 */
static inline void unit_check_cuts(const uint8_t *frame, size_t len,
				   const struct unit_cut *cuts, size_t n)
{
	size_t cut, i;

	for (cut = 0; cut < len; cut++) {
		const struct unit_cut *c = NULL;
		struct pkt p;
		uint8_t *b;
		enum pkt_verdict v;

		for (i = 0; i < n; i++)
			if (cut >= cuts[i].from && cut < cuts[i].to)
				c = &cuts[i];
		if (!c)
			fail_msg("no row for cut %zu", cut);
		b = unit_dup(frame, cut);
		v = pkt_parse(&p, b, cut);
		free(b);
		if (v != c->v || p.has != c->has ||
		    (c->reason == NULL) != (p.reason == NULL) ||
		    (c->reason && strcmp(c->reason, p.reason)))
			fail_msg("cut %zu: %s '%s' has 0x%x, want %s '%s' "
				 "has 0x%x",
				 cut, pkt_verdict_name(v),
				 p.reason ? p.reason : "(null)", p.has,
				 pkt_verdict_name(c->v),
				 c->reason ? c->reason : "(null)", c->has);
		if (v != PKT_OK && (p.err_off > cut || p.err_off < c->err_min))
			fail_msg("cut %zu: err_off %zu not in [%zu, %zu]", cut,
				 p.err_off, c->err_min, cut);
	}
}

/*
 * Parses frame whole from an exact-size copy and returns only the verdict,
 * reason and layer bits (the byte ranges would point into freed memory).
 */
static inline enum pkt_verdict unit_parse_copy(const uint8_t *frame, size_t len,
					       const char **reason,
					       uint32_t *has)
{
	struct pkt p;
	uint8_t *b = unit_dup(frame, len);
	enum pkt_verdict v = pkt_parse(&p, b, len);

	free(b);
	*reason = p.reason;
	*has = p.has;
	return v;
}

/*
 * Parses frame, whole, with its container's declared length (the 16-bit
 * field at len_off: IPv4 total length or IPv6 payload length) set to each
 * value from cuts[0].from to cuts[n - 1].to - 1, each from its own
 * exact-size copy, and checks it against the row that covers that value
 * (err_min is not used).  The field is restored afterwards.
 */
static inline void unit_check_declared(uint8_t *frame, size_t len,
				       size_t len_off,
				       const struct unit_cut *cuts, size_t n)
{
	uint16_t saved = (uint16_t)(frame[len_off] << 8 | frame[len_off + 1]);
	size_t d, i;

	for (d = cuts[0].from; d < cuts[n - 1].to; d++) {
		const struct unit_cut *c = NULL;
		const char *reason;
		uint32_t has;
		enum pkt_verdict v;

		for (i = 0; i < n; i++)
			if (d >= cuts[i].from && d < cuts[i].to)
				c = &cuts[i];
		if (!c)
			fail_msg("no row for declared length %zu", d);
		frame[len_off] = (uint8_t)(d >> 8);
		frame[len_off + 1] = (uint8_t)d;
		v = unit_parse_copy(frame, len, &reason, &has);
		if (v != c->v || has != c->has ||
		    (c->reason == NULL) != (reason == NULL) ||
		    (c->reason && strcmp(c->reason, reason)))
			fail_msg("declared %zu: %s '%s' has 0x%x, want %s '%s' "
				 "has 0x%x",
				 d, pkt_verdict_name(v),
				 reason ? reason : "(null)", has,
				 pkt_verdict_name(c->v),
				 c->reason ? c->reason : "(null)", c->has);
	}
	frame[len_off] = (uint8_t)(saved >> 8);
	frame[len_off + 1] = (uint8_t)saved;
}

/* A small deterministic generator (xorshift32) for seeded random tests. */
static inline uint32_t unit_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

#endif
