/* SPDX-License-Identifier: MIT */
/*
 * eth.c - Ethernet II (IEEE 802.3 framing with an EtherType), IEEE 802.1Q
 * VLAN tags and 802.1ad / QinQ double tags.
 *
 *   +------------------+------------------+---------+
 *   | destination (6)  |   source (6)     | type(2) |   Ethernet II
 *   +------------------+------------------+---------+
 *   | TPID 0x8100/0x88a8 (the type above) | PCP(3) DEI(1) VID(12) | type(2) |
 *
 * At most two tags are dissected: the outer of a pair is "dot1ad", the one
 * nearest the payload "dot1q", whatever TPIDs they carry.  A third tag is
 * left as payload: riposte does not answer on triple-tagged frames.
 */
#include "pkt.h"

static bool is_tpid(uint16_t type)
{
	return type == PKT_ETHERTYPE_8021Q || type == PKT_ETHERTYPE_8021AD ||
	       type == PKT_ETHERTYPE_QINQ_OLD;
}

static void vlan_read(struct pkt_rd *r, struct pkt_vlan *v, uint16_t tpid)
{
	uint16_t tci = pkt_rd_be16(r);

	v->tpid = tpid;
	v->prio = (uint8_t)(tci >> 13);
	v->id = (uint8_t)(tci >> 12 & 1);
	v->vlan = tci & 0x0fff;
	v->type = pkt_rd_be16(r);
}

enum pkt_verdict pkt_eth_parse(struct pkt_rd *r, struct pkt *p)
{
	struct pkt_vlan first, second;

	pkt_rd_bytes(r, p->eth.dst, 6);
	pkt_rd_bytes(r, p->eth.src, 6);
	p->eth.type = pkt_rd_be16(r);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED,
				"truncated ethernet header");
	p->has |= PKT_L_ETH;
	if (!is_tpid(p->eth.type))
		return PKT_OK;

	vlan_read(r, &first, p->eth.type);
	if (!pkt_rd_ok(r))
		return pkt_fail(p, r, PKT_TRUNCATED, "truncated vlan tag");
	if (!is_tpid(first.type)) {
		p->dot1q = first;
		p->has |= PKT_L_DOT1Q;
		return PKT_OK;
	}
	vlan_read(r, &second, first.type);
	if (!pkt_rd_ok(r)) {
		/* The first tag announced a second: it is the outer one. */
		p->dot1ad = first;
		p->has |= PKT_L_DOT1AD;
		return pkt_fail(p, r, PKT_TRUNCATED,
				"truncated inner vlan tag");
	}
	p->dot1ad = first;
	p->dot1q = second;
	p->has |= PKT_L_DOT1AD | PKT_L_DOT1Q;
	return PKT_OK;
}

static void vlan_write(struct pkt_wr *w, const struct pkt_vlan *v)
{
	pkt_wr_be16(w, (uint16_t)((v->prio & 7) << 13 | (v->id & 1) << 12 |
				  (v->vlan & 0x0fff)));
	pkt_wr_be16(w, v->type);
}

void pkt_eth_build(struct pkt_wr *w, const struct pkt *p)
{
	pkt_wr_bytes(w, p->eth.dst, 6);
	pkt_wr_bytes(w, p->eth.src, 6);
	pkt_wr_be16(w, p->eth.type);
	if (p->has & PKT_L_DOT1AD)
		vlan_write(w, &p->dot1ad);
	if (p->has & PKT_L_DOT1Q)
		vlan_write(w, &p->dot1q);
}
