/* SPDX-License-Identifier: MIT */
/*
 * udp.c - UDP, RFC 768.
 *
 *   +-------------------------------+-------------------------------+
 *   |          source port          |       destination port        |
 *   |            length             |           checksum            |
 *   +-------------------------------+-------------------------------+
 *
 * The payload is narrowed to the UDP length.  A zero checksum over IPv4
 * means "not computed" (RFC 768); over IPv6 it is invalid (RFC 8200 8.1).
 */
#include "pkt.h"

enum pkt_verdict pkt_udp_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_udp *u = &p->udp;
	size_t left;

	u->sport = pkt_rd_be16(r);
	u->dport = pkt_rd_be16(r);
	u->len = pkt_rd_be16(r);
	u->chksum = pkt_rd_be16(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated udp header");
	p->has |= PKT_L_UDP;
	/*
	 * Over IPv4 a zero checksum means "none" (RFC 768): keep it so that
	 * a rewrite or rebuild does not invent one.
	 */
	if (u->chksum == 0 && (p->has & PKT_L_IP))
		p->set |= PKT_SET_UDP_CHKSUM;
	if (u->len < 8)
		return pkt_fail(p, r, PKT_MALFORMED, "udp length < 8");
	if (p->fragment || p->cut)
		return PKT_OK; /* the length covers bytes not here */
	left = pkt_rd_left(r);
	if (!pkt_rd_narrow(r, (size_t)u->len - 8))
		return pkt_fail(p, r, PKT_MALFORMED,
				"udp length past end of datagram");
	if (left > (size_t)u->len - 8)
		/*
		 * The IP payload goes on past the UDP length: those bytes are
		 * padding, and a rebuild keeps the IP length that covers them.
		 */
		p->set |=
			(p->has & PKT_L_IP) ? PKT_SET_IP_LEN : PKT_SET_IP6_PLEN;
	return PKT_OK;
}
