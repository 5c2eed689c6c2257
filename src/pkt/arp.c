/* SPDX-License-Identifier: MIT */
/*
 * arp.c - ARP, RFC 826, for Ethernet hardware and IPv4 protocol addresses.
 *
 *   +---------------+---------------+-------+-------+---------------+
 *   | hwtype (2)    | ptype (2)     | hwlen | plen  | op (2)        |
 *   +---------------+---------------+-------+-------+---------------+
 *   | hwsrc (6) | psrc (4) | hwdst (6) | pdst (4)                   |
 *
 * Other hardware or protocol types keep their fixed 8 bytes dissected and
 * the addresses as payload: riposte only answers Ethernet/IPv4 ARP.
 */
#include "pkt.h"

bool pkt_arp_is_eth_ip4(const struct pkt_arp *a)
{
	return a->hwtype == 1 && a->ptype == PKT_ETHERTYPE_IP &&
	       a->hwlen == 6 && a->plen == 4;
}

enum pkt_verdict pkt_arp_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_arp *a = &p->arp;

	a->hwtype = pkt_rd_be16(r);
	a->ptype = pkt_rd_be16(r);
	a->hwlen = pkt_rd_u8(r);
	a->plen = pkt_rd_u8(r);
	a->op = pkt_rd_be16(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated arp header");
	p->has |= PKT_L_ARP;
	if (!pkt_arp_is_eth_ip4(a))
		return PKT_OK;
	pkt_rd_bytes(r, a->hwsrc, 6);
	pkt_rd_bytes(r, a->psrc, 4);
	pkt_rd_bytes(r, a->hwdst, 6);
	pkt_rd_bytes(r, a->pdst, 4);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated arp addresses");
	return PKT_OK;
}

void pkt_arp_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_arp *a = &p->arp;

	pkt_wr_be16(w, a->hwtype);
	pkt_wr_be16(w, a->ptype);
	pkt_wr_u8(w, a->hwlen);
	pkt_wr_u8(w, a->plen);
	pkt_wr_be16(w, a->op);
	if (!pkt_arp_is_eth_ip4(a))
		return;
	pkt_wr_bytes(w, a->hwsrc, 6);
	pkt_wr_bytes(w, a->psrc, 4);
	pkt_wr_bytes(w, a->hwdst, 6);
	pkt_wr_bytes(w, a->pdst, 4);
}
