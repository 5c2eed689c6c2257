/* SPDX-License-Identifier: MIT */
/*
 * cursor.h - the one way riposte reads and writes packet bytes.
 *
 * A reader cursor (struct pkt_rd) walks untrusted bytes.  Every read first
 * compares the wanted length with what remains (never a pointer sum), loads
 * through byte arrays in network byte order, and on a short read sets a
 * sticky error flag and returns 0.  Callers may therefore read a whole header
 * and test pkt_rd_ok() once at the end.  Nothing here casts packet memory.
 *
 * A writer cursor (struct pkt_wr) builds packets into a caller-owned buffer
 * with a capacity check on every write; an overflow sets a sticky error and
 * writes nothing more.  pkt_wr_patch16() rewrites two bytes already written
 * (lengths and checksums filled in after the payload is known).
 */
#ifndef RIPOSTE_PKT_CURSOR_H
#define RIPOSTE_PKT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pkt_rd {
	const uint8_t *p; /* first byte of the window */
	size_t len; /* bytes in the window */
	size_t off; /* next byte to read, off <= len always */
	bool err; /* a read went past len; sticky */
};

struct pkt_wr {
	uint8_t *p; /* caller-owned buffer */
	size_t cap; /* its capacity */
	size_t off; /* bytes written, off <= cap always */
	bool err; /* a write would have passed cap; sticky */
};

static inline void pkt_rd_init(struct pkt_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = false;
}

static inline bool pkt_rd_ok(const struct pkt_rd *r)
{
	return !r->err;
}

/* Bytes still readable; 0 once the cursor has failed. */
static inline size_t pkt_rd_left(const struct pkt_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

/* True when n more bytes can be read; otherwise marks the cursor failed. */
static inline bool pkt_rd_need(struct pkt_rd *r, size_t n)
{
	if (r->err || r->len - r->off < n) {
		r->err = true;
		return false;
	}
	return true;
}

static inline uint8_t pkt_rd_u8(struct pkt_rd *r)
{
	if (!pkt_rd_need(r, 1))
		return 0;
	return r->p[r->off++];
}

static inline uint16_t pkt_rd_be16(struct pkt_rd *r)
{
	uint16_t v;

	if (!pkt_rd_need(r, 2))
		return 0;
	v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return v;
}

static inline uint32_t pkt_rd_be32(struct pkt_rd *r)
{
	uint32_t v;

	if (!pkt_rd_need(r, 4))
		return 0;
	v = (uint32_t)r->p[r->off] << 24 | (uint32_t)r->p[r->off + 1] << 16 |
	    (uint32_t)r->p[r->off + 2] << 8 | (uint32_t)r->p[r->off + 3];
	r->off += 4;
	return v;
}

/* Copies n bytes out; on a short read dst is zeroed. */
static inline void pkt_rd_bytes(struct pkt_rd *r, void *dst, size_t n)
{
	if (!pkt_rd_need(r, n)) {
		memset(dst, 0, n);
		return;
	}
	if (n)
		memcpy(dst, r->p + r->off, n);
	r->off += n;
}

/*
 * Returns a pointer to the next n bytes and steps over them, or NULL (and
 * the cursor fails) when fewer remain.  The bytes stay owned by the buffer
 * the cursor was made on; they are only ever read as a byte array.
 */
static inline const uint8_t *pkt_rd_ptr(struct pkt_rd *r, size_t n)
{
	const uint8_t *q;

	if (!pkt_rd_need(r, n))
		return NULL;
	q = r->p + r->off;
	r->off += n;
	return q;
}

static inline void pkt_rd_skip(struct pkt_rd *r, size_t n)
{
	if (pkt_rd_need(r, n))
		r->off += n;
}

/*
 * Makes sub a cursor over the next n bytes of r and steps r over them.
 * Returns false (r failed, sub empty) when fewer than n remain.
 */
static inline bool pkt_rd_sub(struct pkt_rd *r, size_t n, struct pkt_rd *sub)
{
	bool ok = pkt_rd_need(r, n);
	const uint8_t *q = ok ? r->p + r->off : NULL;

	if (ok)
		r->off += n;
	pkt_rd_init(sub, q, ok ? n : 0);
	sub->err = !ok;
	return ok;
}

/*
 * Narrows the window so that at most n bytes remain readable (a header's
 * declared length).  Returns false if fewer than n remain; the window is
 * left unchanged then.
 */
static inline bool pkt_rd_narrow(struct pkt_rd *r, size_t n)
{
	if (r->err || r->len - r->off < n)
		return false;
	r->len = r->off + n;
	return true;
}

static inline void pkt_wr_init(struct pkt_wr *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->off = 0;
	w->err = false;
}

static inline bool pkt_wr_ok(const struct pkt_wr *w)
{
	return !w->err;
}

static inline bool pkt_wr_room(struct pkt_wr *w, size_t n)
{
	if (w->err || w->cap - w->off < n) {
		w->err = true;
		return false;
	}
	return true;
}

static inline void pkt_wr_u8(struct pkt_wr *w, uint8_t v)
{
	if (pkt_wr_room(w, 1))
		w->p[w->off++] = v;
}

static inline void pkt_wr_be16(struct pkt_wr *w, uint16_t v)
{
	if (!pkt_wr_room(w, 2))
		return;
	w->p[w->off] = (uint8_t)(v >> 8);
	w->p[w->off + 1] = (uint8_t)v;
	w->off += 2;
}

static inline void pkt_wr_be32(struct pkt_wr *w, uint32_t v)
{
	if (!pkt_wr_room(w, 4))
		return;
	w->p[w->off] = (uint8_t)(v >> 24);
	w->p[w->off + 1] = (uint8_t)(v >> 16);
	w->p[w->off + 2] = (uint8_t)(v >> 8);
	w->p[w->off + 3] = (uint8_t)v;
	w->off += 4;
}

/* Copies n bytes in; a NULL src with n > 0 fails the cursor. */
static inline void pkt_wr_bytes(struct pkt_wr *w, const void *src, size_t n)
{
	if (n && !src)
		w->err = true;
	if (!pkt_wr_room(w, n))
		return;
	if (n)
		memcpy(w->p + w->off, src, n);
	w->off += n;
}

static inline void pkt_wr_zero(struct pkt_wr *w, size_t n)
{
	if (!pkt_wr_room(w, n))
		return;
	memset(w->p + w->off, 0, n);
	w->off += n;
}

/* Rewrites two bytes at offset at, which must already have been written. */
static inline void pkt_wr_patch16(struct pkt_wr *w, size_t at, uint16_t v)
{
	if (w->err || at > w->off || w->off - at < 2) {
		w->err = true;
		return;
	}
	w->p[at] = (uint8_t)(v >> 8);
	w->p[at + 1] = (uint8_t)v;
}

#endif
