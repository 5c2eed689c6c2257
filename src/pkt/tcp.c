/* SPDX-License-Identifier: MIT */
/*
 * tcp.c - TCP header, RFC 9293, and its options: EOL and NOP (RFC 9293),
 * MSS (RFC 9293 3.7.1), window scale and timestamps (RFC 7323),
 * SACK-permitted and SACK (RFC 2018).  Unknown kinds are kept as bytes.
 *
 *   +-------------------------------+-------------------------------+
 *   |          source port          |       destination port        |
 *   |                        sequence number                        |
 *   |                     acknowledgment number                     |
 *   +-------+-----+-----------------+-------------------------------+
 *   |dataofs| res |N|C|E|U|A|P|R|S|F|            window             |
 *   +-------+-----+-----------------+-------------------------------+
 *   |           checksum            |        urgent pointer         |
 *   |                 options (dataofs * 4 - 20)                    |
 *   +---------------------------------------------------------------+
 *
 *   option: | kind | length (counts kind and length) | data ... |
 */
#include <errno.h>

#include "pkt.h"

void pkt_tcpopt_iter_init(struct pkt_tcpopt_iter *it, const uint8_t *p,
			  size_t len)
{
	pkt_rd_init(&it->r, p, len);
	it->done = false;
}

int pkt_tcpopt_next(struct pkt_tcpopt_iter *it, struct pkt_tcpopt *o,
		    const char **why)
{
	uint8_t kind, len;

	if (it->done || pkt_rd_left(&it->r) == 0)
		return 0;
	kind = pkt_rd_u8(&it->r);
	o->kind = kind;
	o->len = 1;
	o->data.p = NULL;
	o->data.len = 0;
	if (kind == PKT_TCPOPT_EOL) {
		/* Whatever follows EOL is padding, not options. */
		it->done = true;
		return 1;
	}
	if (kind == PKT_TCPOPT_NOP)
		return 1;
	if (pkt_rd_left(&it->r) == 0) {
		*why = "tcp option length missing";
		return -1;
	}
	len = pkt_rd_u8(&it->r);
	if (len < 2) {
		/* Length 0 or 1 would make a parser loop or step backwards. */
		*why = "bad tcp option length";
		return -1;
	}
	if (pkt_rd_left(&it->r) < (size_t)len - 2) {
		*why = "tcp option overruns header";
		return -1;
	}
	o->len = len;
	o->data.len = (size_t)len - 2;
	o->data.p = pkt_rd_ptr(&it->r, o->data.len);
	return 1;
}

static uint32_t be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/*
 * Decodes an option of known kind whose length is right; a later one of
 * the same kind replaces an earlier one, as in Linux's tcp_parse_options().
 * A known kind with a wrong length stays undecoded, as Linux ignores it.
 */
static void opt_decode(struct pkt_tcp *t, const struct pkt_tcpopt *o)
{
	const uint8_t *d = o->data.p;
	size_t i;

	switch (o->kind) {
	case PKT_TCPOPT_EOL:
		t->ohas |= PKT_TCPO_EOL;
		break;
	case PKT_TCPOPT_MSS:
		if (o->len == 4) {
			t->mss = (uint16_t)(d[0] << 8 | d[1]);
			t->ohas |= PKT_TCPO_MSS;
		}
		break;
	case PKT_TCPOPT_WSCALE:
		if (o->len == 3) {
			t->wscale = d[0];
			t->ohas |= PKT_TCPO_WSCALE;
		}
		break;
	case PKT_TCPOPT_SACKOK:
		if (o->len == 2)
			t->ohas |= PKT_TCPO_SACKOK;
		break;
	case PKT_TCPOPT_SACK:
		if ((o->len - 2) % 8 || o->len < 10 || o->len > 34)
			break;
		t->n_sack = (o->len - 2u) / 8u;
		for (i = 0; i < t->n_sack; i++) {
			t->sack[i][0] = be32_at(d + 8 * i);
			t->sack[i][1] = be32_at(d + 8 * i + 4);
		}
		t->ohas |= PKT_TCPO_SACK;
		break;
	case PKT_TCPOPT_TIMESTAMP:
		if (o->len == 10) {
			t->tsval = be32_at(d);
			t->tsecr = be32_at(d + 4);
			t->ohas |= PKT_TCPO_TS;
		}
		break;
	default:
		break;
	}
}

enum pkt_verdict pkt_tcp_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_tcp *t = &p->tcp;
	struct pkt_tcpopt_iter it;
	const uint8_t *opts;
	const char *why = NULL;
	uint16_t off_flags;
	size_t optlen;
	int rc;

	t->sport = pkt_rd_be16(r);
	t->dport = pkt_rd_be16(r);
	t->seq = pkt_rd_be32(r);
	t->ack = pkt_rd_be32(r);
	off_flags = pkt_rd_be16(r);
	t->dataofs = (uint8_t)(off_flags >> 12);
	t->reserved = (off_flags >> 9) & 7;
	t->flags = off_flags & 0x1ff;
	t->window = pkt_rd_be16(r);
	t->chksum = pkt_rd_be16(r);
	t->urgptr = pkt_rd_be16(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated tcp header");
	p->has |= PKT_L_TCP;
	if (t->dataofs < 5)
		return pkt_fail(p, r, PKT_MALFORMED, "tcp header length < 20");
	optlen = (size_t)t->dataofs * 4 - 20;
	if (pkt_rd_left(r) < optlen)
		return p->cut ?
			       pkt_fail(p, r, PKT_TRUNCATED,
					"truncated tcp options") :
			       pkt_fail(
				       p, r, PKT_MALFORMED,
				       "tcp header length past end of segment");
	opts = pkt_rd_ptr(r, optlen);
	pkt_tcpopt_iter_init(&it, opts, optlen);
	/*
	 * Straight into t->opt: a copy of an option just written field by
	 * field stalls the load (store forwarding) once per option.  Room
	 * cannot run out: 40 bytes hold at most 40 options.
	 */
	rc = 0;
	while (t->n_opt < PKT_TCP_OPT_MAX &&
	       (rc = pkt_tcpopt_next(&it, &t->opt[t->n_opt], &why)) == 1) {
		opt_decode(t, &t->opt[t->n_opt]);
		t->n_opt++;
	}
	if (rc < 0) {
		struct pkt_rd at = *r;

		/* Point err_off at the bad option, not the header's end. */
		at.off -= optlen - it.r.off;
		return pkt_fail(p, &at, PKT_MALFORMED, why);
	}
	t->optpad.len = pkt_rd_left(&it.r);
	t->optpad.p = pkt_rd_ptr(&it.r, t->optpad.len);
	return PKT_OK;
}

size_t pkt_tcp_options_len(const struct pkt_tcp *t)
{
	size_t n = t->optpad.len;
	unsigned i;

	for (i = 0; i < t->n_opt && i < PKT_TCP_OPT_MAX; i++)
		n += t->opt[i].len;
	return n;
}

int pkt_tcp_opt_add(struct pkt_tcp *t, uint8_t kind, const uint8_t *data,
		    size_t len)
{
	struct pkt_tcpopt *o;

	if (t->n_opt >= PKT_TCP_OPT_MAX)
		return -ENOSPC;
	if (kind > PKT_TCPOPT_NOP && len > 253)
		return -EINVAL;
	o = &t->opt[t->n_opt++];
	o->kind = kind;
	o->len = kind <= PKT_TCPOPT_NOP ? 1 : (uint8_t)(len + 2);
	o->data.p = kind <= PKT_TCPOPT_NOP ? NULL : data;
	o->data.len = kind <= PKT_TCPOPT_NOP ? 0 : len;
	opt_decode(t, o);
	return 0;
}
