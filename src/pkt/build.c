/* SPDX-License-Identifier: MIT */
/*
 * build.c - writes a struct pkt back to bytes.
 *
 * Headers are written in wire order with their computed fields left zero,
 * then patched from the inside out: transport lengths, IP lengths,
 * transport checksums (which need both), and last the IPv4 header
 * checksum.  A field whose PKT_SET_* bit is set is written as given and
 * never patched, so a wrong length or checksum can be forged on purpose.
 * A fragment's transport checksum and length cover bytes that are not in
 * this frame, so they are always written as given.
 */
#include <errno.h>

#include "csum.h"
#include "pkt.h"

static void ip4_hdr_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_ip4 *ip = &p->ip;
	size_t optlen = ip->options.len;
	size_t pad = (4 - optlen % 4) % 4;
	uint8_t ihl = (p->set & PKT_SET_IP_IHL) ?
			      ip->ihl :
			      (uint8_t)(5 + (optlen + pad) / 4);

	pkt_wr_u8(w, (uint8_t)((ip->version & 0xf) << 4 | (ihl & 0xf)));
	pkt_wr_u8(w, ip->tos);
	pkt_wr_be16(w, (p->set & PKT_SET_IP_LEN) ? ip->len : 0);
	pkt_wr_be16(w, ip->id);
	pkt_wr_be16(w, (uint16_t)((ip->flags & 7) << 13 | (ip->frag & 0x1fff)));
	pkt_wr_u8(w, ip->ttl);
	pkt_wr_u8(w, ip->proto);
	pkt_wr_be16(w, (p->set & PKT_SET_IP_CHKSUM) ? ip->chksum : 0);
	pkt_wr_bytes(w, ip->src, 4);
	pkt_wr_bytes(w, ip->dst, 4);
	pkt_wr_bytes(w, ip->options.p, optlen);
	pkt_wr_zero(w, pad);
}

static void ip6_hdr_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_ip6 *ip6 = &p->ip6;
	unsigned i;

	pkt_wr_be32(w, (uint32_t)(ip6->version & 0xf) << 28 |
			       (uint32_t)ip6->tc << 20 | (ip6->fl & 0xfffff));
	pkt_wr_be16(w, (p->set & PKT_SET_IP6_PLEN) ? ip6->plen : 0);
	pkt_wr_u8(w, ip6->nh);
	pkt_wr_u8(w, ip6->hlim);
	pkt_wr_bytes(w, ip6->src, 16);
	pkt_wr_bytes(w, ip6->dst, 16);
	for (i = 0; i < ip6->n_ext && i < PKT_IP6_EXT_MAX; i++)
		pkt_wr_bytes(w, ip6->ext[i].raw.p, ip6->ext[i].raw.len);
}

static void tcp_hdr_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_tcp *t = &p->tcp;
	size_t optlen = pkt_tcp_options_len(t);
	size_t pad = (4 - optlen % 4) % 4;
	uint8_t dataofs = (p->set & PKT_SET_TCP_DATAOFS) ?
				  t->dataofs :
				  (uint8_t)(5 + (optlen + pad) / 4);
	unsigned i;

	pkt_wr_be16(w, t->sport);
	pkt_wr_be16(w, t->dport);
	pkt_wr_be32(w, t->seq);
	pkt_wr_be32(w, t->ack);
	pkt_wr_be16(w, (uint16_t)((dataofs & 0xf) << 12 |
				  (t->reserved & 7) << 9 | (t->flags & 0x1ff)));
	pkt_wr_be16(w, t->window);
	pkt_wr_be16(w, (p->set & PKT_SET_TCP_CHKSUM) || p->fragment ?
			       t->chksum :
			       0);
	pkt_wr_be16(w, t->urgptr);
	for (i = 0; i < t->n_opt && i < PKT_TCP_OPT_MAX; i++) {
		const struct pkt_tcpopt *o = &t->opt[i];

		pkt_wr_u8(w, o->kind);
		if (o->kind == PKT_TCPOPT_EOL || o->kind == PKT_TCPOPT_NOP)
			continue;
		pkt_wr_u8(w, o->len);
		pkt_wr_bytes(w, o->data.p, o->data.len);
	}
	pkt_wr_bytes(w, t->optpad.p, t->optpad.len);
	pkt_wr_zero(w, pad);
}

static void udp_hdr_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_udp *u = &p->udp;
	bool keep = p->fragment;

	pkt_wr_be16(w, u->sport);
	pkt_wr_be16(w, u->dport);
	pkt_wr_be16(w, (p->set & PKT_SET_UDP_LEN) || keep ? u->len : 0);
	pkt_wr_be16(w, (p->set & PKT_SET_UDP_CHKSUM) || keep ? u->chksum : 0);
}

static void icmp6_build(struct pkt_wr *w, const struct pkt *p)
{
	const struct pkt_icmp6 *ic = &p->icmp6;
	unsigned i;

	pkt_wr_u8(w, ic->type);
	pkt_wr_u8(w, ic->code);
	pkt_wr_be16(w, (p->set & PKT_SET_ICMP6_CKSUM) || p->fragment ?
			       ic->cksum :
			       0);
	if (!pkt_icmp6_has_word(ic->type))
		return;
	pkt_wr_be32(w, ic->word);
	if (ic->type == 134) {
		pkt_wr_be32(w, ic->reachabletime);
		pkt_wr_be32(w, ic->retranstimer);
	} else if (ic->type == 135 || ic->type == 136) {
		pkt_wr_bytes(w, ic->tgt, 16);
	}
	if (ic->type < 133 || ic->type > 136)
		return;
	for (i = 0; i < ic->n_opt && i < PKT_ND_OPT_MAX; i++) {
		pkt_wr_u8(w, ic->opt[i].type);
		pkt_wr_u8(w, ic->opt[i].len);
		pkt_wr_bytes(w, ic->opt[i].data.p, ic->opt[i].data.len);
	}
}

static uint16_t l4_csum(const struct pkt *p, const uint8_t *seg, size_t len,
			uint8_t proto)
{
	uint32_t s;

	if (p->has & PKT_L_IP)
		s = pkt_csum_pseudo4(p->ip.src, p->ip.dst, proto,
				     (uint16_t)len);
	else if (p->has & PKT_L_IP6)
		s = pkt_csum_pseudo6(p->ip6.src, pkt_ip6_final_dst(&p->ip6),
				     proto, (uint32_t)len);
	else
		s = 0;
	return pkt_csum_fold(pkt_csum_add(s, seg, len));
}

/* What no header can say: options past 40 bytes, an option past 255. */
static bool buildable(const struct pkt *p)
{
	unsigned i;

	if ((p->has & PKT_L_IP) && !(p->set & PKT_SET_IP_IHL) &&
	    p->ip.options.len > 40)
		return false;
	if (!(p->has & PKT_L_TCP))
		return true;
	if (!(p->set & PKT_SET_TCP_DATAOFS) &&
	    pkt_tcp_options_len(&p->tcp) > 40)
		return false;
	for (i = 0; i < p->tcp.n_opt && i < PKT_TCP_OPT_MAX; i++)
		if (p->tcp.opt[i].data.len > 253)
			return false;
	return true;
}

int pkt_build(const struct pkt *p, uint8_t *buf, size_t cap)
{
	struct pkt_wr w;
	size_t l3 = 0, l4 = 0, end;
	bool ip = p->has & PKT_L_IP, ip6 = p->has & PKT_L_IP6;

	if (!(p->has & PKT_L_ETH) || !buildable(p))
		return -EINVAL;
	pkt_wr_init(&w, buf, cap);
	pkt_eth_build(&w, p);
	l3 = w.off;
	if (p->has & PKT_L_ARP)
		pkt_arp_build(&w, p);
	else if (ip)
		ip4_hdr_build(&w, p);
	else if (ip6)
		ip6_hdr_build(&w, p);
	l4 = w.off;
	if (ip || ip6) {
		if (p->has & PKT_L_TCP)
			tcp_hdr_build(&w, p);
		else if (p->has & PKT_L_UDP)
			udp_hdr_build(&w, p);
		else if (p->has & PKT_L_ICMP) {
			pkt_wr_u8(&w, p->icmp.type);
			pkt_wr_u8(&w, p->icmp.code);
			pkt_wr_be16(&w, (p->set & PKT_SET_ICMP_CHKSUM) ||
							p->fragment ?
						p->icmp.chksum :
						0);
			pkt_wr_be32(&w, p->icmp.rest);
		} else if (p->has & PKT_L_ICMP6)
			icmp6_build(&w, p);
	}
	if (p->has & (PKT_L_ICMP | PKT_L_ICMP6))
		pkt_wr_bytes(&w, p->quote.p, p->quote.len);
	if (p->has & PKT_L_RAW)
		pkt_wr_bytes(&w, p->payload.p, p->payload.len);
	end = w.off;
	if (p->has & PKT_L_PADDING)
		pkt_wr_bytes(&w, p->padding.p, p->padding.len);
	if (!pkt_wr_ok(&w))
		return -ENOSPC;
	if (!(ip || ip6))
		return (int)w.off;

	/* A length that does not fit its 16 bits cannot be computed. */
	if (((p->has & PKT_L_UDP) && !(p->set & PKT_SET_UDP_LEN) &&
	     end - l4 > 0xffff) ||
	    (ip && !(p->set & PKT_SET_IP_LEN) && end - l3 > 0xffff) ||
	    (ip6 && !(p->set & PKT_SET_IP6_PLEN) && end - l3 - 40 > 0xffff))
		return -EINVAL;

	/* Inside out: lengths first, then the checksums that cover them. */
	if ((p->has & PKT_L_UDP) && !(p->set & PKT_SET_UDP_LEN) && !p->fragment)
		pkt_wr_patch16(&w, l4 + 4, (uint16_t)(end - l4));
	if (ip && !(p->set & PKT_SET_IP_LEN))
		pkt_wr_patch16(&w, l3 + 2, (uint16_t)(end - l3));
	if (ip6 && !(p->set & PKT_SET_IP6_PLEN))
		pkt_wr_patch16(&w, l3 + 4, (uint16_t)(end - l3 - 40));

	if ((p->has & PKT_L_TCP) && !(p->set & PKT_SET_TCP_CHKSUM) &&
	    !p->fragment)
		pkt_wr_patch16(&w, l4 + 16,
			       l4_csum(p, buf + l4, end - l4, PKT_PROTO_TCP));
	if ((p->has & PKT_L_UDP) && !(p->set & PKT_SET_UDP_CHKSUM) &&
	    !p->fragment) {
		uint16_t c = l4_csum(p, buf + l4, end - l4, PKT_PROTO_UDP);

		/* 0 means "no checksum" in UDP; a computed 0 is sent as ~0. */
		pkt_wr_patch16(&w, l4 + 6, c ? c : 0xffff);
	}
	if ((p->has & PKT_L_ICMP) && !(p->set & PKT_SET_ICMP_CHKSUM) &&
	    !p->fragment)
		pkt_wr_patch16(&w, l4 + 2, pkt_csum(buf + l4, end - l4));
	if ((p->has & PKT_L_ICMP6) && !(p->set & PKT_SET_ICMP6_CKSUM) &&
	    !p->fragment)
		pkt_wr_patch16(&w, l4 + 2,
			       l4_csum(p, buf + l4, end - l4, PKT_PROTO_ICMP6));
	if (ip && !(p->set & PKT_SET_IP_CHKSUM)) {
		size_t hl = l4 - l3;

		pkt_wr_patch16(&w, l3 + 10, pkt_csum(buf + l3, hl));
	}
	if (!pkt_wr_ok(&w))
		return -ENOSPC;
	return (int)w.off;
}
