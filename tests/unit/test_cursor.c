/* SPDX-License-Identifier: MIT */
/*
 * test_cursor.c - unit tests of src/pkt/cursor.h: the bounds-checked reader
 * (struct pkt_rd) and the capacity-checked writer (struct pkt_wr).
 *
 * Every buffer is a heap block of exactly the size under test, so that a
 * read or write one byte too far is caught by ASan (`make SAN=1 unit`);
 * writers also get a canary area checked in every build.
 */
#include "unit.h"

#include "pkt/cursor.h"

static const uint8_t seq8[8] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08
};

/* u8 reads at 0, 1, len-1, len and len+1 bytes into an 8-byte window. */
static void test_rd_u8_edges(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	struct pkt_rd r;
	size_t i;

	(void)state;
	pkt_rd_init(&r, b, 8);
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(pkt_rd_left(&r), 8);
	for (i = 0; i < 8; i++) {
		assert_int_equal(pkt_rd_u8(&r), i + 1);
		assert_true(pkt_rd_ok(&r));
		assert_int_equal(pkt_rd_left(&r), 7 - i);
	}
	/* One past the end: 0, failed, offset unchanged. */
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(r.off, 8);
	assert_int_equal(pkt_rd_left(&r), 0);
	free(b);
}

static void test_rd_empty(void **state)
{
	uint8_t *b = unit_dup(seq8, 0);
	struct pkt_rd r;

	(void)state;
	pkt_rd_init(&r, b, 0);
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(pkt_rd_left(&r), 0);
	/* A zero-byte need fits an empty window. */
	assert_true(pkt_rd_need(&r, 0));
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_false(pkt_rd_ok(&r));
	free(b);
}

/* be16 and be32 at exact fit, one short and straddling the end. */
static void test_rd_be_edges(void **state)
{
	struct pkt_rd r;
	uint8_t *b;
	size_t n;

	(void)state;
	for (n = 0; n <= 8; n++) {
		b = unit_dup(seq8, n);
		pkt_rd_init(&r, b, n);
		if (n >= 2) {
			assert_int_equal(pkt_rd_be16(&r), 0x0102);
			assert_true(pkt_rd_ok(&r));
		} else {
			assert_int_equal(pkt_rd_be16(&r), 0);
			assert_false(pkt_rd_ok(&r));
			assert_int_equal(r.off, 0);
		}
		pkt_rd_init(&r, b, n);
		if (n >= 4) {
			assert_int_equal(pkt_rd_be32(&r), 0x01020304);
			assert_int_equal(r.off, 4);
		} else {
			assert_int_equal(pkt_rd_be32(&r), 0);
			assert_false(pkt_rd_ok(&r));
			assert_int_equal(r.off, 0);
		}
		/* A be32 that starts inside and would end outside. */
		if (n >= 1 && n < 8) {
			pkt_rd_init(&r, b, n);
			pkt_rd_skip(&r, n - 1);
			assert_true(pkt_rd_ok(&r));
			assert_int_equal(pkt_rd_be32(&r), 0);
			assert_false(pkt_rd_ok(&r));
			assert_int_equal(r.off, n - 1);
		}
		free(b);
	}
	/* Byte order: the first byte is the most significant. */
	b = unit_dup((const uint8_t[]){ 0xff, 0x00, 0x80, 0x7f }, 4);
	pkt_rd_init(&r, b, 4);
	assert_int_equal(pkt_rd_be32(&r), 0xff00807fu);
	pkt_rd_init(&r, b, 4);
	assert_int_equal(pkt_rd_be16(&r), 0xff00);
	assert_int_equal(pkt_rd_be16(&r), 0x807f);
	free(b);
}

/* pkt_rd_bytes for max-1, max and max+1 bytes. */
static void test_rd_bytes_edges(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	uint8_t dst[9];
	struct pkt_rd r;

	(void)state;
	pkt_rd_init(&r, b, 8);
	memset(dst, 0xaa, sizeof(dst));
	pkt_rd_bytes(&r, dst, 7);
	assert_true(pkt_rd_ok(&r));
	assert_memory_equal(dst, seq8, 7);
	assert_int_equal(dst[7], 0xaa);

	pkt_rd_init(&r, b, 8);
	pkt_rd_bytes(&r, dst, 8);
	assert_true(pkt_rd_ok(&r));
	assert_memory_equal(dst, seq8, 8);
	assert_int_equal(pkt_rd_left(&r), 0);

	/* A short read zeroes the destination, all n bytes of it. */
	pkt_rd_init(&r, b, 8);
	memset(dst, 0xaa, sizeof(dst));
	pkt_rd_bytes(&r, dst, 9);
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(r.off, 0);
	assert_memory_equal(dst, (uint8_t[9]){ 0 }, 9);

	/* Zero bytes at the very end is fine. */
	pkt_rd_init(&r, b, 8);
	pkt_rd_skip(&r, 8);
	pkt_rd_bytes(&r, dst, 0);
	assert_true(pkt_rd_ok(&r));
	free(b);
}

/* Once failed, nothing reads, not even what would fit. */
static void test_rd_sticky(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	struct pkt_rd r, sub;
	uint8_t dst[2] = { 0xaa, 0xaa };

	(void)state;
	pkt_rd_init(&r, b, 8);
	assert_int_equal(pkt_rd_u8(&r), 1);
	pkt_rd_skip(&r, 8); /* 7 left: fails */
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(r.off, 1);
	assert_int_equal(pkt_rd_left(&r), 0);
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_int_equal(pkt_rd_be16(&r), 0);
	assert_int_equal(pkt_rd_be32(&r), 0);
	pkt_rd_bytes(&r, dst, 2);
	assert_memory_equal(dst, "\0\0", 2);
	assert_false(pkt_rd_need(&r, 0));
	assert_null(pkt_rd_ptr(&r, 0));
	assert_false(pkt_rd_sub(&r, 0, &sub));
	assert_false(pkt_rd_ok(&sub));
	assert_false(pkt_rd_narrow(&r, 0));
	assert_int_equal(r.off, 1);
	assert_false(pkt_rd_ok(&r));
	free(b);
}

static void test_rd_ptr_edges(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	struct pkt_rd r;
	const uint8_t *q;

	(void)state;
	pkt_rd_init(&r, b, 8);
	q = pkt_rd_ptr(&r, 0);
	assert_ptr_equal(q, b);
	assert_int_equal(r.off, 0);
	q = pkt_rd_ptr(&r, 3);
	assert_ptr_equal(q, b);
	assert_int_equal(r.off, 3);
	q = pkt_rd_ptr(&r, 5);
	assert_ptr_equal(q, b + 3);
	assert_int_equal(pkt_rd_left(&r), 0);
	/* Zero bytes at the end: a valid (one-past) pointer. */
	q = pkt_rd_ptr(&r, 0);
	assert_ptr_equal(q, b + 8);
	assert_true(pkt_rd_ok(&r));
	assert_null(pkt_rd_ptr(&r, 1));
	assert_false(pkt_rd_ok(&r));

	pkt_rd_init(&r, b, 8);
	assert_null(pkt_rd_ptr(&r, 9));
	assert_int_equal(r.off, 0);
	/* A huge n must not wrap around the comparison. */
	pkt_rd_init(&r, b, 8);
	pkt_rd_u8(&r);
	assert_null(pkt_rd_ptr(&r, SIZE_MAX));
	assert_false(pkt_rd_ok(&r));
	pkt_rd_init(&r, b, 8);
	pkt_rd_skip(&r, SIZE_MAX);
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(r.off, 0);
	free(b);
}

static void test_rd_sub_edges(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	struct pkt_rd r, sub;

	(void)state;
	pkt_rd_init(&r, b, 8);
	pkt_rd_u8(&r);
	assert_true(pkt_rd_sub(&r, 4, &sub));
	assert_int_equal(r.off, 5);
	assert_ptr_equal(sub.p, b + 1);
	assert_int_equal(sub.len, 4);
	assert_int_equal(sub.off, 0);
	assert_true(pkt_rd_ok(&sub));
	/* The sub-cursor ends at its own window, not at the parent's. */
	assert_int_equal(pkt_rd_be32(&sub), 0x02030405);
	assert_int_equal(pkt_rd_u8(&sub), 0);
	assert_false(pkt_rd_ok(&sub));
	/* Its failure does not touch the parent. */
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(pkt_rd_u8(&r), 6);

	/* Exactly what remains, then zero bytes at the end. */
	assert_true(pkt_rd_sub(&r, 2, &sub));
	assert_int_equal(sub.len, 2);
	assert_true(pkt_rd_sub(&r, 0, &sub));
	assert_int_equal(sub.len, 0);
	assert_true(pkt_rd_ok(&sub));
	assert_int_equal(pkt_rd_u8(&sub), 0);

	/* One more than remains: both fail, sub empty. */
	pkt_rd_init(&r, b, 8);
	pkt_rd_skip(&r, 5);
	assert_false(pkt_rd_sub(&r, 4, &sub));
	assert_false(pkt_rd_ok(&r));
	assert_false(pkt_rd_ok(&sub));
	assert_int_equal(sub.len, 0);
	assert_int_equal(pkt_rd_left(&sub), 0);
	assert_int_equal(pkt_rd_u8(&sub), 0);
	free(b);
}

static void test_rd_narrow_edges(void **state)
{
	uint8_t *b = unit_dup(seq8, 8);
	struct pkt_rd r;

	(void)state;
	pkt_rd_init(&r, b, 8);
	pkt_rd_skip(&r, 2);
	/* One more than remains: refused, window unchanged, not failed. */
	assert_false(pkt_rd_narrow(&r, 7));
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(r.len, 8);
	/* Exactly what remains. */
	assert_true(pkt_rd_narrow(&r, 6));
	assert_int_equal(r.len, 8);
	/* Narrower: reads stop at the new end. */
	assert_true(pkt_rd_narrow(&r, 3));
	assert_int_equal(r.len, 5);
	assert_int_equal(pkt_rd_left(&r), 3);
	assert_int_equal(pkt_rd_be16(&r), 0x0304);
	assert_int_equal(pkt_rd_be16(&r), 0);
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(r.off, 4);

	/* Zero: nothing left to read; a narrow never widens. */
	pkt_rd_init(&r, b, 8);
	assert_true(pkt_rd_narrow(&r, 0));
	assert_int_equal(pkt_rd_left(&r), 0);
	assert_false(pkt_rd_narrow(&r, 1));
	assert_int_equal(r.len, 0);
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_false(pkt_rd_ok(&r));
	pkt_rd_init(&r, b, 8);
	assert_false(pkt_rd_narrow(&r, SIZE_MAX));
	assert_int_equal(r.len, 8);
	free(b);
}

/* A NULL buffer is an empty window, whatever length was claimed. */
static void test_rd_null(void **state)
{
	struct pkt_rd r;
	uint8_t dst[4] = { 1, 2, 3, 4 };

	(void)state;
	pkt_rd_init(&r, NULL, 100);
	assert_int_equal(r.len, 0);
	assert_int_equal(pkt_rd_left(&r), 0);
	assert_true(pkt_rd_ok(&r));
	assert_true(pkt_rd_narrow(&r, 0));
	assert_false(pkt_rd_narrow(&r, 1));
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_false(pkt_rd_ok(&r));
	pkt_rd_init(&r, NULL, 100);
	pkt_rd_bytes(&r, dst, 4);
	assert_memory_equal(dst, "\0\0\0\0", 4);
	assert_false(pkt_rd_ok(&r));
	pkt_rd_init(&r, NULL, 100);
	assert_null(pkt_rd_ptr(&r, 1));
	assert_false(pkt_rd_ok(&r));
	pkt_rd_init(&r, NULL, SIZE_MAX);
	assert_int_equal(pkt_rd_be32(&r), 0);
	assert_false(pkt_rd_ok(&r));
}

/*
 * pkt_rd_sub(r, 0) on an empty window over a NULL buffer: zero bytes do
 * remain (pkt_rd_need(r, 0) succeeds and r stays OK), so by its contract
 * ("false ... when fewer than n remain") the call must succeed and give an
 * empty, usable sub-cursor.
 */
static void test_rd_null_sub0(void **state)
{
	struct pkt_rd r, sub;

	(void)state;
	pkt_rd_init(&r, NULL, 0);
	assert_true(pkt_rd_sub(&r, 0, &sub));
	assert_true(pkt_rd_ok(&r));
	assert_true(pkt_rd_ok(&sub));
	assert_int_equal(sub.len, 0);
}

/* ------------------------------------------------------------------ */

#define CANARY 0xa5
#define SLACK 16

/* A writer buffer of cap bytes followed by SLACK canary bytes. */
static uint8_t *wr_buf(size_t cap)
{
	uint8_t *b = malloc(cap + SLACK);

	assert_non_null(b);
	memset(b, CANARY, cap + SLACK);
	return b;
}

static void assert_canary(const uint8_t *b, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (b[i] != CANARY)
			fail_msg("byte %zu written (0x%02x)", i, b[i]);
}

static void test_wr_cap0(void **state)
{
	uint8_t *b = wr_buf(0);
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, b, 0);
	assert_true(pkt_wr_ok(&w));
	pkt_wr_bytes(&w, "x", 0);
	pkt_wr_zero(&w, 0);
	assert_true(pkt_wr_ok(&w));
	pkt_wr_u8(&w, 1);
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 0);
	assert_canary(b, 0, SLACK);
	free(b);
}

/* Each write kind at exact fit and one byte over. */
static void test_wr_exact_and_over(void **state)
{
	static const uint8_t src[5] = { 9, 8, 7, 6, 5 };
	struct {
		size_t size;
		int kind; /* 0 u8, 1 be16, 2 be32, 3 bytes, 4 zero */
	} c[] = {
		{ 1, 0 }, { 2, 1 }, { 4, 2 }, { 5, 3 }, { 5, 4 },
	};
	size_t i, cap;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (cap = c[i].size - 1; cap <= c[i].size; cap++) {
			uint8_t *b = wr_buf(cap);
			struct pkt_wr w;

			pkt_wr_init(&w, b, cap);
			switch (c[i].kind) {
			case 0:
				pkt_wr_u8(&w, 0x11);
				break;
			case 1:
				pkt_wr_be16(&w, 0x1122);
				break;
			case 2:
				pkt_wr_be32(&w, 0x11223344);
				break;
			case 3:
				pkt_wr_bytes(&w, src, 5);
				break;
			default:
				pkt_wr_zero(&w, 5);
				break;
			}
			if (cap < c[i].size) {
				/* Nothing at all is written on overflow. */
				assert_false(pkt_wr_ok(&w));
				assert_int_equal(w.off, 0);
				assert_canary(b, 0, cap + SLACK);
			} else {
				assert_true(pkt_wr_ok(&w));
				assert_int_equal(w.off, cap);
				assert_canary(b, cap, cap + SLACK);
			}
			free(b);
		}
	}
}

static void test_wr_values(void **state)
{
	uint8_t *b = wr_buf(12);
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, b, 12);
	pkt_wr_u8(&w, 0xfe);
	pkt_wr_be16(&w, 0x0102);
	pkt_wr_be32(&w, 0x0a0b0c0d);
	pkt_wr_bytes(&w, "xy", 2);
	pkt_wr_zero(&w, 3);
	assert_true(pkt_wr_ok(&w));
	assert_int_equal(w.off, 12);
	assert_memory_equal(b,
			    "\xfe\x01\x02\x0a\x0b\x0c\x0d"
			    "xy\0\0\0",
			    12);
	assert_canary(b, 12, 12 + SLACK);
	free(b);
}

/* After one refused write, even writes that fit are refused. */
static void test_wr_sticky(void **state)
{
	uint8_t *b = wr_buf(4);
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, b, 4);
	pkt_wr_be16(&w, 0x1234);
	pkt_wr_be32(&w, 0xdeadbeef); /* 2 left: refused */
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 2);
	pkt_wr_u8(&w, 0x55);
	pkt_wr_be16(&w, 0x5555);
	pkt_wr_bytes(&w, "", 0);
	pkt_wr_patch16(&w, 0, 0xffff);
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 2);
	assert_memory_equal(b, "\x12\x34", 2);
	assert_canary(b, 2, 4 + SLACK);
	free(b);
}

/* Kept out of the compiler's sight: a constant SIZE_MAX makes it warn. */
static volatile size_t huge_len = SIZE_MAX;

static void test_wr_huge(void **state)
{
	uint8_t *b = wr_buf(4);
	size_t huge = huge_len;
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, b, 4);
	pkt_wr_u8(&w, 1);
	pkt_wr_zero(&w, huge);
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 1);
	pkt_wr_init(&w, b, 4);
	pkt_wr_bytes(&w, seq8, huge);
	assert_false(pkt_wr_ok(&w));
	assert_canary(b, 1, 4 + SLACK);
	free(b);
}

static void test_wr_null(void **state)
{
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, NULL, 64);
	assert_int_equal(w.cap, 0);
	assert_true(pkt_wr_ok(&w));
	pkt_wr_bytes(&w, NULL, 0);
	assert_true(pkt_wr_ok(&w));
	pkt_wr_be32(&w, 1);
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 0);
}

/* patch16 may only rewrite two bytes already written. */
static void test_wr_patch16(void **state)
{
	uint8_t *b = wr_buf(8);
	struct pkt_wr w;
	size_t at;

	(void)state;
	pkt_wr_init(&w, b, 8);
	pkt_wr_zero(&w, 4);
	pkt_wr_patch16(&w, 0, 0x0102);
	pkt_wr_patch16(&w, 2, 0x0304); /* the last two bytes written */
	assert_true(pkt_wr_ok(&w));
	assert_int_equal(w.off, 4);
	assert_memory_equal(b, "\x01\x02\x03\x04", 4);
	assert_canary(b, 4, 8 + SLACK);

	/* Straddling the end of what was written, at it, past it. */
	for (at = 3; at <= 9; at++) {
		pkt_wr_init(&w, b, 8);
		pkt_wr_zero(&w, 4);
		pkt_wr_patch16(&w, at, 0xffff);
		assert_false(pkt_wr_ok(&w));
		assert_int_equal(w.off, 4);
		assert_memory_equal(b, "\0\0\0\0", 4);
		assert_canary(b, 4, 8 + SLACK);
	}
	/* Offsets that would wrap a sum. */
	pkt_wr_init(&w, b, 8);
	pkt_wr_zero(&w, 8);
	pkt_wr_patch16(&w, SIZE_MAX, 0xffff);
	assert_false(pkt_wr_ok(&w));
	pkt_wr_init(&w, b, 8);
	pkt_wr_zero(&w, 8);
	pkt_wr_patch16(&w, SIZE_MAX - 1, 0xffff);
	assert_false(pkt_wr_ok(&w));
	assert_canary(b, 8, 8 + SLACK);
	/* Nothing written yet: nothing to patch. */
	pkt_wr_init(&w, b, 8);
	pkt_wr_patch16(&w, 0, 0xffff);
	assert_false(pkt_wr_ok(&w));
	/* Exactly the full buffer, patched at its last two bytes. */
	pkt_wr_init(&w, b, 8);
	pkt_wr_zero(&w, 8);
	pkt_wr_patch16(&w, 6, 0xabcd);
	assert_true(pkt_wr_ok(&w));
	assert_memory_equal(b + 6, "\xab\xcd", 2);
	assert_canary(b, 8, 8 + SLACK);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rd_u8_edges),
		cmocka_unit_test(test_rd_empty),
		cmocka_unit_test(test_rd_be_edges),
		cmocka_unit_test(test_rd_bytes_edges),
		cmocka_unit_test(test_rd_sticky),
		cmocka_unit_test(test_rd_ptr_edges),
		cmocka_unit_test(test_rd_sub_edges),
		cmocka_unit_test(test_rd_narrow_edges),
		cmocka_unit_test(test_rd_null),
		cmocka_unit_test(test_rd_null_sub0),
		cmocka_unit_test(test_wr_cap0),
		cmocka_unit_test(test_wr_exact_and_over),
		cmocka_unit_test(test_wr_values),
		cmocka_unit_test(test_wr_sticky),
		cmocka_unit_test(test_wr_huge),
		cmocka_unit_test(test_wr_null),
		cmocka_unit_test(test_wr_patch16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
