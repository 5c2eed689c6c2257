/* SPDX-License-Identifier: MIT */
/*
 * ip4.c - IPv4, RFC 791 (options: RFC 791 section 3.1; fragments: RFC 791
 * and RFC 815).
 *
 *    0                   1                   2                   3
 *   +-------+-------+---------------+-------------------------------+
 *   |version|  ihl  |      tos      |          total length         |
 *   +-------+-------+---------------+-----+-------------------------+
 *   |        identification         |flags|     fragment offset     |
 *   +---------------+---------------+-----+-------------------------+
 *   |      ttl      |   protocol    |        header checksum        |
 *   +---------------+---------------+-------------------------------+
 *   |                         source address                        |
 *   |                      destination address                      |
 *   |                    options (ihl * 4 - 20)                     |
 *   +---------------------------------------------------------------+
 *
 * The header is narrowed to ihl * 4 bytes and the datagram to the total
 * length; what the frame holds past the total length is Ethernet padding.
 */
#include "csum.h"
#include "pkt.h"

const char *pkt_ip4_options_check(const uint8_t *opt, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t type = opt[i];
		uint8_t olen;

		if (type == 0) /* EOL: the rest is padding */
			return NULL;
		if (type == 1) { /* NOP */
			i++;
			continue;
		}
		if (len - i < 2)
			return "ip option length missing";
		olen = opt[i + 1];
		if (olen < 2)
			return "bad ip option length";
		if (olen > len - i)
			return "ip option overruns header";
		i += olen;
	}
	return NULL;
}

enum pkt_verdict pkt_ip4_parse_hdr(struct pkt_rd *r, struct pkt *p,
				   struct pkt_ip4 *ip, bool quoted)
{
	uint8_t vihl;
	uint16_t ff;
	size_t hlen;
	const char *why;

	vihl = pkt_rd_u8(r);
	ip->version = vihl >> 4;
	ip->ihl = vihl & 0x0f;
	ip->tos = pkt_rd_u8(r);
	ip->len = pkt_rd_be16(r);
	ip->id = pkt_rd_be16(r);
	ff = pkt_rd_be16(r);
	ip->flags = (uint8_t)(ff >> 13);
	ip->frag = ff & 0x1fff;
	ip->ttl = pkt_rd_u8(r);
	ip->proto = pkt_rd_u8(r);
	ip->chksum = pkt_rd_be16(r);
	pkt_rd_bytes(r, ip->src, 4);
	pkt_rd_bytes(r, ip->dst, 4);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated ip header");
	if (ip->version != 4)
		return pkt_fail(p, r, PKT_MALFORMED, "ip version is not 4");
	if (ip->ihl < 5)
		return pkt_fail(p, r, PKT_MALFORMED, "ip header length < 20");
	hlen = (size_t)ip->ihl * 4;
	if (!quoted && ip->len < hlen)
		return pkt_fail(p, r, PKT_MALFORMED,
				"ip total length < header length");
	ip->options.len = hlen - 20;
	ip->options.p = pkt_rd_ptr(r, ip->options.len);
	if (!ip->options.p) {
		ip->options.len = 0; /* never a length without its bytes */
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated ip options");
	}
	why = pkt_ip4_options_check(ip->options.p, ip->options.len);
	if (why)
		return pkt_fail(p, r, PKT_MALFORMED, why);
	return PKT_OK;
}

enum pkt_verdict pkt_ip4_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_ip4 *ip = &p->ip;
	size_t start = r->off;
	enum pkt_verdict v;

	v = pkt_ip4_parse_hdr(r, p, ip, false);
	if (v != PKT_OK && r->off - start < 20)
		return v;
	/* The fixed header is whole, so show it even with bad options. */
	p->has |= PKT_L_IP;
	if (v != PKT_OK)
		return v;
	/* Narrow to the datagram: the total length counts from start. */
	if (r->len - start < ip->len)
		p->cut = true; /* dissect what was captured; pkt_parse fails */
	else
		r->len = start + ip->len;
	p->fragment = (ip->flags & PKT_IP_MF) || ip->frag;
	p->later_fragment = ip->frag != 0;
	return PKT_OK;
}
