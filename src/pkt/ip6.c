/* SPDX-License-Identifier: MIT */
/*
 * ip6.c - IPv6, RFC 8200, and its extension headers: hop-by-hop options
 * (section 4.3), routing (4.4), fragment (4.5), destination options (4.6).
 *
 *   +-------+---------------+---------------------------------------+
 *   |version| traffic class |              flow label               |
 *   +-------+-------+-------+-------+---------------+---------------+
 *   |        payload length         |  next header  |   hop limit   |
 *   +-------------------------------+---------------+---------------+
 *   |                 source address (16 bytes)                     |
 *   |               destination address (16 bytes)                  |
 *   +---------------------------------------------------------------+
 *
 *   extension header:  | next header | hdr ext len | ... ((len + 1) * 8) |
 *   fragment header:   | next header | res | offset(13) res(2) M | id(32) |
 *
 * The walk is bounded by PKT_IP6_EXT_MAX headers and by the payload length.
 */
#include "pkt.h"

static bool is_ext(uint8_t nh)
{
	return nh == PKT_PROTO_HOPOPTS || nh == PKT_PROTO_ROUTING ||
	       nh == PKT_PROTO_FRAGMENT || nh == PKT_PROTO_DSTOPTS;
}

enum pkt_verdict pkt_ip6_parse_hdr(struct pkt_rd *r, struct pkt *p,
				   struct pkt_ip6 *ip6, bool quoted)
{
	uint32_t w = pkt_rd_be32(r);

	(void)quoted;
	ip6->version = (uint8_t)(w >> 28);
	ip6->tc = (uint8_t)(w >> 20);
	ip6->fl = w & 0xfffff;
	ip6->plen = pkt_rd_be16(r);
	ip6->nh = pkt_rd_u8(r);
	ip6->hlim = pkt_rd_u8(r);
	pkt_rd_bytes(r, ip6->src, 16);
	pkt_rd_bytes(r, ip6->dst, 16);
	ip6->next = ip6->nh;
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated ipv6 header");
	if (ip6->version != 6)
		return pkt_fail(p, r, PKT_MALFORMED, "ipv6 version is not 6");
	return PKT_OK;
}

/* Walks one extension header of type ip6->next at r. */
static enum pkt_verdict ext_parse(struct pkt_rd *r, struct pkt *p,
				  struct pkt_ip6 *ip6)
{
	struct pkt_ip6ext *e = &ip6->ext[ip6->n_ext];
	size_t at = r->off;
	size_t len;
	uint8_t hlen;

	if (ip6->next == PKT_PROTO_HOPOPTS && ip6->n_ext != 0)
		return pkt_fail(p, r, PKT_MALFORMED,
				"ipv6 hop-by-hop header not first");
	e->type = ip6->next;
	e->nh = pkt_rd_u8(r);
	hlen = pkt_rd_u8(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED,
				"truncated ipv6 extension header");
	/* The fragment header's second byte is reserved, not a length. */
	len = e->type == PKT_PROTO_FRAGMENT ? 8 : ((size_t)hlen + 1) * 8;
	r->off = at;
	e->raw.p = pkt_rd_ptr(r, len);
	e->raw.len = len;
	if (!e->raw.p)
		return pkt_fail(p, r, PKT_TRUNCATED,
				"truncated ipv6 extension header");
	if (e->type == PKT_PROTO_FRAGMENT) {
		struct pkt_ip6frag *f = &ip6->frag;
		uint16_t om = (uint16_t)(e->raw.p[2] << 8 | e->raw.p[3]);

		f->nh = e->nh;
		f->res1 = e->raw.p[1];
		f->offset = om >> 3;
		f->res2 = (om >> 1) & 3;
		f->m = om & 1;
		f->id = (uint32_t)e->raw.p[4] << 24 |
			(uint32_t)e->raw.p[5] << 16 |
			(uint32_t)e->raw.p[6] << 8 | e->raw.p[7];
		p->has |= PKT_L_IP6FRAG;
		p->fragment = true;
		p->later_fragment = f->offset != 0;
	}
	ip6->n_ext++;
	ip6->next = e->nh;
	return PKT_OK;
}

enum pkt_verdict pkt_ip6_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_ip6 *ip6 = &p->ip6;
	enum pkt_verdict v;

	v = pkt_ip6_parse_hdr(r, p, ip6, false);
	if (v == PKT_TRUNCATED)
		return v;
	p->has |= PKT_L_IP6;
	if (v != PKT_OK)
		return v;
	if (!pkt_rd_narrow(r, ip6->plen))
		p->cut = true; /* dissect what was captured; pkt_parse fails */
	while (is_ext(ip6->next)) {
		if (ip6->n_ext == PKT_IP6_EXT_MAX)
			return pkt_fail(p, r, PKT_MALFORMED,
					"too many ipv6 extension headers");
		v = ext_parse(r, p, ip6);
		if (v == PKT_TRUNCATED && !p->cut)
			/* The payload length, not the capture, ends here. */
			return pkt_fail(
				p, r, PKT_MALFORMED,
				"ipv6 extension header past payload length");
		if (v != PKT_OK)
			return v;
		/* Past a non-first fragment's header there is no chain. */
		if (p->later_fragment)
			break;
	}
	return PKT_OK;
}

const uint8_t *pkt_ip6_final_dst(const struct pkt_ip6 *ip6)
{
	unsigned i;

	for (i = 0; i < ip6->n_ext && i < PKT_IP6_EXT_MAX; i++) {
		const struct pkt_ip6ext *e = &ip6->ext[i];
		size_t n;

		if (e->type != PKT_PROTO_ROUTING || !e->raw.p ||
		    e->raw.len < 24 || e->raw.p[3] == 0)
			continue;
		n = (e->raw.len - 8) / 16;
		if (e->raw.p[2] == 0) /* type 0: the last address listed */
			return e->raw.p + 8 + 16 * (n - 1);
		/* Type 2 holds one address; segment routing lists the last first. */
		if (e->raw.p[2] == 2 || e->raw.p[2] == 4)
			return e->raw.p + 8;
	}
	return ip6->dst;
}
