/* SPDX-License-Identifier: MIT */
/*
 * parse.c - the frame-level dissector: Ethernet first, then whatever each
 * header announces, until the payload.  Every layer narrows the cursor to
 * its own declared length before its payload is read, so a lying inner
 * length can never reach past an outer one.
 */
#include <string.h>

#include "pkt.h"

enum pkt_verdict pkt_fail(struct pkt *p, const struct pkt_rd *r,
			  enum pkt_verdict v, const char *reason)
{
	p->verdict = v;
	p->reason = reason;
	/* How far parsing got, as an offset into the frame. */
	p->err_off = (r && r->p >= p->frame) ?
			     (size_t)(r->p - p->frame) + r->off :
			     0;
	if (p->err_off > p->caplen)
		p->err_off = p->caplen;
	return v;
}

const char *pkt_verdict_name(enum pkt_verdict v)
{
	switch (v) {
	case PKT_OK:
		return "ok";
	case PKT_TRUNCATED:
		return "truncated";
	case PKT_MALFORMED:
		return "malformed";
	}
	return "?";
}

const char *pkt_ethertype_name(uint16_t type)
{
	switch (type) {
	case PKT_ETHERTYPE_IP:
		return "IPv4";
	case PKT_ETHERTYPE_ARP:
		return "ARP";
	case PKT_ETHERTYPE_IP6:
		return "IPv6";
	case PKT_ETHERTYPE_8021Q:
		return "802.1Q";
	case PKT_ETHERTYPE_8021AD:
		return "802.1ad";
	case PKT_ETHERTYPE_QINQ_OLD:
		return "QinQ";
	}
	return NULL;
}

const char *pkt_proto_name(uint8_t proto)
{
	switch (proto) {
	case PKT_PROTO_HOPOPTS:
		return "hopopts";
	case PKT_PROTO_ICMP:
		return "icmp";
	case PKT_PROTO_TCP:
		return "tcp";
	case PKT_PROTO_UDP:
		return "udp";
	case PKT_PROTO_ROUTING:
		return "routing";
	case PKT_PROTO_FRAGMENT:
		return "fragment";
	case PKT_PROTO_ICMP6:
		return "icmp6";
	case PKT_PROTO_NONE:
		return "none";
	case PKT_PROTO_DSTOPTS:
		return "dstopts";
	}
	return NULL;
}

/* Whatever is left at the cursor becomes raw.load. */
static void take_payload(struct pkt_rd *r, struct pkt *p)
{
	size_t n = pkt_rd_left(r);

	p->payload_off = (size_t)(r->p - p->frame) + r->off;
	p->payload.p = pkt_rd_ptr(r, n);
	p->payload.len = n;
	if (n)
		p->has |= PKT_L_RAW;
}

/* Dispatches on an IP protocol number; r is narrowed to the IP payload. */
static enum pkt_verdict parse_l4(struct pkt_rd *r, struct pkt *p, uint8_t proto)
{
	enum pkt_verdict v = PKT_OK;

	p->l4_off = (size_t)(r->p - p->frame) + r->off;
	if (p->later_fragment) {
		/* A non-first fragment carries no transport header. */
		take_payload(r, p);
		return PKT_OK;
	}
	switch (proto) {
	case PKT_PROTO_TCP:
		v = pkt_tcp_parse(r, p);
		break;
	case PKT_PROTO_UDP:
		v = pkt_udp_parse(r, p);
		break;
	case PKT_PROTO_ICMP:
		if (p->has & PKT_L_IP)
			v = pkt_icmp_parse(r, p);
		break;
	case PKT_PROTO_ICMP6:
		if (p->has & PKT_L_IP6)
			v = pkt_icmp6_parse(r, p);
		break;
	default:
		break;
	}
	if (v == PKT_OK)
		take_payload(r, p);
	return v;
}

enum pkt_verdict pkt_parse(struct pkt *p, const uint8_t *frame, size_t caplen)
{
	struct pkt_rd r;
	enum pkt_verdict v;
	size_t l3_end;

	memset(p, 0, sizeof(*p));
	p->frame = frame;
	p->caplen = frame ? caplen : 0;
	pkt_rd_init(&r, frame, p->caplen);

	v = pkt_eth_parse(&r, p);
	if (v != PKT_OK)
		return v;
	p->l3_off = r.off;

	switch (p->has & PKT_L_DOT1Q ? p->dot1q.type : p->eth.type) {
	case PKT_ETHERTYPE_ARP:
		v = pkt_arp_parse(&r, p);
		if (v == PKT_OK && !pkt_arp_is_eth_ip4(&p->arp)) {
			/* Addresses of another kind are payload; then padding. */
			size_t n = 2 * ((size_t)p->arp.hwlen + p->arp.plen);

			if (n < pkt_rd_left(&r))
				r.len = r.off + n;
			take_payload(&r, p);
			r.len = p->caplen;
		}
		if (v == PKT_OK && pkt_rd_left(&r)) {
			/* What follows an ARP packet is Ethernet padding. */
			p->padding.len = pkt_rd_left(&r);
			p->padding.p = pkt_rd_ptr(&r, p->padding.len);
			p->has |= PKT_L_PADDING;
		}
		return v;
	case PKT_ETHERTYPE_IP:
		v = pkt_ip4_parse(&r, p);
		break;
	case PKT_ETHERTYPE_IP6:
		v = pkt_ip6_parse(&r, p);
		break;
	default:
		take_payload(&r, p);
		return PKT_OK;
	}
	if (v != PKT_OK)
		return v;

	/*
	 * The IP parsers narrowed r to the datagram; bytes past it in the
	 * frame are the Ethernet trailer, kept so that rebuilds are exact.
	 */
	l3_end = r.len;
	v = parse_l4(&r, p, (p->has & PKT_L_IP) ? p->ip.proto : p->ip6.next);
	if (v == PKT_TRUNCATED && !p->cut) {
		/*
		 * The frame goes on: it is the IP length that ends inside the
		 * transport header, a contradiction rather than a short capture.
		 */
		p->verdict = v = PKT_MALFORMED;
		p->reason =
			(p->has & PKT_L_IP) ?
				"ip length ends inside transport header" :
				"ipv6 payload length ends inside transport header";
	}
	if (v == PKT_OK && p->cut) {
		struct pkt_rd end = r;

		end.off = end.len;
		v = pkt_fail(p, &end, PKT_TRUNCATED,
			     (p->has & PKT_L_IP) ?
				     "ip total length past end of frame" :
				     "ipv6 payload length past end of frame");
	}
	/* UDP may have narrowed the window below the IP datagram. */
	if (r.len < l3_end)
		l3_end = r.len;
	if (l3_end < p->caplen) {
		p->padding.p = frame + l3_end;
		p->padding.len = p->caplen - l3_end;
		p->has |= PKT_L_PADDING;
	}
	return v;
}
