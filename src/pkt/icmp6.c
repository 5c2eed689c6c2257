/* SPDX-License-Identifier: MIT */
/*
 * icmp6.c - ICMPv6, RFC 4443 (errors, echo), and neighbour discovery,
 * RFC 4861 (router and neighbour solicitation and advertisement, and the
 * options of section 4.6: link-layer address, prefix information, MTU).
 *
 *   +---------------+---------------+-------------------------------+
 *   |     type      |     code      |           checksum            |
 *   +---------------+---------------+-------------------------------+
 *   | word: id/seq, flags+reserved, mtu, pointer, hop limit+flags.. |
 *   +---------------------------------------------------------------+
 *   | NS/NA: target (16) | RA: reachable (4) retrans (4) | options   |
 *
 *   ND option: | type | length in 8-byte units (0 is invalid) | data |
 */
#include "pkt.h"

bool pkt_icmp6_has_word(uint8_t type)
{
	return (type >= 1 && type <= 4) || type == 128 || type == 129 ||
	       (type >= 133 && type <= 136);
}

const char *pkt_ndopt_parse(struct pkt_rd *r, struct pkt_icmp6 *icmp6)
{
	while (pkt_rd_left(r)) {
		struct pkt_ndopt *o;
		uint8_t type, len;

		if (pkt_rd_left(r) < 2)
			return "truncated nd option";
		type = pkt_rd_u8(r);
		len = pkt_rd_u8(r);
		if (len == 0) /* RFC 4861 4.6: silently discard the packet */
			return "bad nd option length";
		if (pkt_rd_left(r) < (size_t)len * 8 - 2)
			return "nd option overruns message";
		if (icmp6->n_opt == PKT_ND_OPT_MAX)
			return "too many nd options";
		o = &icmp6->opt[icmp6->n_opt++];
		o->type = type;
		o->len = len;
		o->data.len = (size_t)len * 8 - 2;
		o->data.p = pkt_rd_ptr(r, o->data.len);
	}
	return NULL;
}

enum pkt_verdict pkt_icmp6_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_icmp6 *ic = &p->icmp6;
	const char *why = NULL;

	ic->type = pkt_rd_u8(r);
	ic->code = pkt_rd_u8(r);
	ic->cksum = pkt_rd_be16(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated icmp6 header");
	p->has |= PKT_L_ICMP6;
	if (!pkt_icmp6_has_word(ic->type))
		return PKT_OK; /* unknown type: the body is all payload */
	ic->word = pkt_rd_be32(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated icmp6 header");
	switch (ic->type) {
	case 1:
	case 2:
	case 3:
	case 4:
		pkt_quote_parse(r, p, true);
		return PKT_OK;
	case 133: /* RS */
		break;
	case 134: /* RA */
		ic->reachabletime = pkt_rd_be32(r);
		ic->retranstimer = pkt_rd_be32(r);
		break;
	case 135: /* NS */
	case 136: /* NA */
		pkt_rd_bytes(r, ic->tgt, 16);
		ic->tgt_cut = !pkt_rd_ok(r);
		break;
	default:
		return PKT_OK;
	}
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated nd message");
	why = pkt_ndopt_parse(r, ic);
	if (why)
		return pkt_fail(p, r, p->cut ? PKT_TRUNCATED : PKT_MALFORMED,
				why);
	return PKT_OK;
}
