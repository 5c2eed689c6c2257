/* SPDX-License-Identifier: MIT */
/*
 * icmp.c - ICMP, RFC 792 (echo, destination unreachable, time exceeded,
 * redirect, parameter problem, timestamp), RFC 1191 (next-hop MTU), RFC
 * 4884 (length of the quoted datagram), and the quote parser shared with
 * ICMPv6 errors.
 *
 *   +---------------+---------------+-------------------------------+
 *   |     type      |     code      |           checksum            |
 *   +---------------+---------------+-------------------------------+
 *   |  rest of header: id/seq, unused/mtu, gateway, pointer ...     |
 *   +---------------------------------------------------------------+
 *   |  errors: the offending IP header + at least 8 bytes of it      |
 *
 * A quote is dissected on a copy of the cursor and never fails the
 * packet: errors routinely quote cut datagrams.
 */
#include "pkt.h"

bool pkt_icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Steps over a quoted IPv6 header's extension headers, bounded. */
static uint8_t quote_ext_walk(struct pkt_rd *q, uint8_t nh, bool *later)
{
	unsigned n;

	for (n = 0; n < PKT_IP6_EXT_MAX; n++) {
		size_t at = q->off, len;
		uint8_t next, hlen;
		uint16_t om;

		if (nh != PKT_PROTO_HOPOPTS && nh != PKT_PROTO_ROUTING &&
		    nh != PKT_PROTO_FRAGMENT && nh != PKT_PROTO_DSTOPTS)
			return nh;
		next = pkt_rd_u8(q);
		hlen = pkt_rd_u8(q);
		om = pkt_rd_be16(q);
		len = nh == PKT_PROTO_FRAGMENT ? 8 : ((size_t)hlen + 1) * 8;
		q->off = at;
		if (!pkt_rd_ok(q) || pkt_rd_left(q) < len) {
			q->off = at;
			*later = true; /* nothing dissectable past here */
			return nh;
		}
		pkt_rd_skip(q, len);
		if (nh == PKT_PROTO_FRAGMENT && (om >> 3) != 0) {
			*later = true;
			return next;
		}
		nh = next;
	}
	*later = true;
	return nh;
}

void pkt_quote_parse(struct pkt_rd *r, struct pkt *p, bool v6)
{
	struct pkt_rd q = *r;
	struct pkt_l4quote *l4 = &p->l4error;
	enum pkt_verdict saved = p->verdict;
	const char *reason = p->reason;
	size_t err_off = p->err_off;
	size_t start = r->off;
	uint8_t proto;
	bool later = false;

	if (v6) {
		if (pkt_ip6_parse_hdr(&q, p, &p->iperror6, true) != PKT_OK)
			goto out;
		p->has |= PKT_L_IPERROR6;
		proto = quote_ext_walk(&q, p->iperror6.nh, &later);
		p->iperror6.next = proto;
	} else {
		if (pkt_ip4_parse_hdr(&q, p, &p->iperror, true) != PKT_OK)
			goto out;
		p->has |= PKT_L_IPERROR;
		proto = p->iperror.proto;
		later = p->iperror.frag != 0;
	}
	p->quote_proto = proto;
	if (later || pkt_rd_left(&q) < 8)
		goto done;
	switch (proto) {
	case PKT_PROTO_TCP:
		l4->sport = pkt_rd_be16(&q);
		l4->dport = pkt_rd_be16(&q);
		l4->seq = pkt_rd_be32(&q);
		p->has |= PKT_L_TCPERROR;
		break;
	case PKT_PROTO_UDP:
		l4->sport = pkt_rd_be16(&q);
		l4->dport = pkt_rd_be16(&q);
		l4->len = pkt_rd_be16(&q);
		l4->chksum = pkt_rd_be16(&q);
		p->has |= PKT_L_UDPERROR;
		break;
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMP6:
		if ((proto == PKT_PROTO_ICMP) == v6)
			break;
		l4->type = pkt_rd_u8(&q);
		l4->code = pkt_rd_u8(&q);
		l4->chksum = pkt_rd_be16(&q);
		l4->id = pkt_rd_be16(&q);
		l4->icmpseq = pkt_rd_be16(&q);
		p->has |= PKT_L_ICMPERROR;
		break;
	default:
		break;
	}
done:
	/* The dissected quote is kept whole; its rest becomes raw.load. */
	p->quote.len = q.off - start;
	p->quote.p = pkt_rd_ptr(r, p->quote.len);
out:
	/* A bad quote is shown as far as it goes, but is not the packet's. */
	p->verdict = saved;
	p->reason = reason;
	p->err_off = err_off;
}

enum pkt_verdict pkt_icmp_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_icmp *ic = &p->icmp;

	ic->type = pkt_rd_u8(r);
	ic->code = pkt_rd_u8(r);
	ic->chksum = pkt_rd_be16(r);
	ic->rest = pkt_rd_be32(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated icmp header");
	p->has |= PKT_L_ICMP;
	if (pkt_icmp_is_error(ic->type))
		pkt_quote_parse(r, p, false);
	return PKT_OK;
}
