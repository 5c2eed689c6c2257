/* SPDX-License-Identifier: MIT */
/*
 * host.c - virtual hosts: ARP (RFC 826), neighbour advertisement (RFC 4861
 * 7.2.4), echo replies (RFC 792, RFC 4443 4.2), and per-port TCP and UDP
 * policies: open (SYN-ACK, RFC 9293 3.5), closed (RST as RFC 9293 3.10.7.1
 * says for a closed port; ICMP port unreachable, RFC 1122 4.1.3.1 / RFC
 * 4443 3.1), filtered (silence) and tarpit (SYN-ACK with a zero window).
 *
 * The personality sets what a fingerprinting tool looks at: TTL, DF, the
 * IP ID scheme, the SYN-ACK's window and its option order.
 */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "engine.h"
#include "pkt/csum.h"
#include "lang/expr.h"
#include "pkt/pkt.h"

/*
 * Keyed hash of bytes: ISNs and SYN cookies (RFC 6528 asks for a keyed
 * function an attacker cannot invert): SipHash-2-4, libsodium's
 * crypto_shorthash, under a 128-bit key from the seed.
 */
uint64_t host_keyed(const uint8_t key[static 16], const uint8_t *b, size_t n)
{
	uint8_t out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, b, n, key);
	memcpy(&h, out, sizeof(h));
	return h;
}

static size_t opt_put(struct pkt_tcp *t, uint8_t kind, const uint8_t *d,
		      size_t n)
{
	return pkt_tcp_opt_add(t, kind, d, n) == 0 ? n : 0;
}

static void put_ts(struct pkt_tcp *o, const struct pkt_tcp *syn, uint32_t tsval,
		   uint8_t st[40])
{
	st[4] = (uint8_t)(tsval >> 24);
	st[5] = (uint8_t)(tsval >> 16);
	st[6] = (uint8_t)(tsval >> 8);
	st[7] = (uint8_t)tsval;
	st[8] = (uint8_t)(syn->tsval >> 24);
	st[9] = (uint8_t)(syn->tsval >> 16);
	st[10] = (uint8_t)(syn->tsval >> 8);
	st[11] = (uint8_t)syn->tsval;
	opt_put(o, PKT_TCPOPT_TIMESTAMP, st + 4, 8);
}

/* Linux, tcp_options_write(): MSS, [SACK_PERM+]TS or NOP NOP SACK_PERM, NOP WS. */
static void linux_options(struct pkt_tcp *o, const struct pkt_tcp *syn,
			  uint16_t mss, uint32_t tsval, uint8_t st[40])
{
	bool ts = syn->ohas & PKT_TCPO_TS, sack = syn->ohas & PKT_TCPO_SACKOK;

	st[0] = (uint8_t)(mss >> 8);
	st[1] = (uint8_t)mss;
	opt_put(o, PKT_TCPOPT_MSS, st, 2);
	if (ts) {
		if (sack)
			opt_put(o, PKT_TCPOPT_SACKOK, NULL, 0);
		else {
			opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
			opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		}
		put_ts(o, syn, tsval, st);
	} else if (sack) {
		opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		opt_put(o, PKT_TCPOPT_SACKOK, NULL, 0);
	}
	if (syn->ohas & PKT_TCPO_WSCALE) {
		st[12] = 7;
		opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		opt_put(o, PKT_TCPOPT_WSCALE, st + 12, 1);
	}
}

/*
 * Windows (p0f's signatures): MSS, NOP WS, then SACK_PERM and TS as a
 * pair, or NOP NOP SACK_PERM, or NOP NOP TS: each only when the SYN
 * offered it, aligned with NOPs.
 */
static void windows_options(struct pkt_tcp *o, const struct pkt_tcp *syn,
			    uint16_t mss, uint32_t tsval, uint8_t st[40])
{
	bool ts = syn->ohas & PKT_TCPO_TS, sack = syn->ohas & PKT_TCPO_SACKOK;

	st[0] = (uint8_t)(mss >> 8);
	st[1] = (uint8_t)mss;
	opt_put(o, PKT_TCPOPT_MSS, st, 2);
	if (syn->ohas & PKT_TCPO_WSCALE) {
		st[2] = 8;
		opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		opt_put(o, PKT_TCPOPT_WSCALE, st + 2, 1);
	}
	if (sack && ts) {
		opt_put(o, PKT_TCPOPT_SACKOK, NULL, 0);
		put_ts(o, syn, tsval, st);
		return;
	}
	opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
	opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
	if (sack)
		opt_put(o, PKT_TCPOPT_SACKOK, NULL, 0);
	else if (ts)
		put_ts(o, syn, tsval, st);
	else
		o->n_opt -= 2; /* MSS and WS alone need no padding */
}

/*
 * FreeBSD, tcp_addoptions(): MSS, NOP WS, SACK_PERM, TS, in that order,
 * then EOLs up to a 4-byte boundary.
 */
static void freebsd_options(struct pkt_tcp *o, const struct pkt_tcp *syn,
			    uint16_t mss, uint32_t tsval, uint8_t st[40])
{
	size_t len;

	st[0] = (uint8_t)(mss >> 8);
	st[1] = (uint8_t)mss;
	opt_put(o, PKT_TCPOPT_MSS, st, 2);
	if (syn->ohas & PKT_TCPO_WSCALE) {
		st[2] = 6;
		opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		opt_put(o, PKT_TCPOPT_WSCALE, st + 2, 1);
	}
	if (syn->ohas & PKT_TCPO_SACKOK)
		opt_put(o, PKT_TCPOPT_SACKOK, NULL, 0);
	if (syn->ohas & PKT_TCPO_TS) {
		/* NOPs until TS's 32-bit values are aligned (tcp_addoptions). */
		for (len = pkt_tcp_options_len(o); len % 4 != 2; len++)
			opt_put(o, PKT_TCPOPT_NOP, NULL, 0);
		put_ts(o, syn, tsval, st);
	}
	len = pkt_tcp_options_len(o);
	while (len % 4) {
		opt_put(o, PKT_TCPOPT_EOL, NULL, 0);
		len++;
	}
}

static const struct personality personalities[] = {
	{ "linux", 64, true, IPID_ZERO, true, false, 65535, true, 1460, 7,
	  linux_options, "mss,sackOK,TS,nop,wscale 7 (as offered)" },
	{ "windows", 128, true, IPID_INCREMENT, false, false, 65535, false,
	  1460, 8, windows_options, "mss,nop,wscale 8,sackOK,TS (as offered)" },
	{ "freebsd", 64, true, IPID_ZERO, true, true, 65535, false, 1460, 6,
	  freebsd_options, "mss,nop,wscale 6,sackOK,TS (as offered)" },
};

uint16_t host_mss(const struct personality *pe, int family)
{
	/* The route's advmss on a 1500-byte link: 40 or 60 bytes of headers. */
	return (uint16_t)(family == 6 ? pe->mss - 20 : pe->mss);
}

uint16_t host_syn_window(const struct personality *pe, int family, bool ts)
{
	uint32_t mss = host_mss(pe, family) - (ts ? 12u : 0u);

	/*
	 * Linux's tcp_select_initial_window: 64 KiB less one rounded down
	 * to whole segments (65160 with timestamps over IPv4, 64240
	 * without, 64260 and 64800 over IPv6).
	 */
	if (pe->window_in_segments)
		return (uint16_t)(65535u / mss * mss);
	return pe->window;
}

const struct personality *personality_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
		if (strcmp(personalities[i].name, name) == 0)
			return &personalities[i];
	return NULL;
}

static bool host_has(const struct chost *h, int family, const uint8_t *a)
{
	size_t i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < h->n_addrs; i++)
		if (h->addrs[i].family == family &&
		    !memcmp(h->addrs[i].a, a, n))
			return true;
	return false;
}

static bool host_has4(const struct chost *h, const uint8_t a[4])
{
	return host_has(h, AF_INET, a);
}

static bool host_has6(const struct chost *h, const uint8_t a[16])
{
	return host_has(h, AF_INET6, a);
}

static bool to_host(const struct chost *h, const struct pkt *q)
{
	if (q->has & PKT_L_IP)
		return host_has4(h, q->ip.dst);
	if (q->has & PKT_L_IP6)
		return host_has6(h, q->ip6.dst);
	return false;
}

static bool port_in(const struct ast_ports *p, uint16_t port)
{
	size_t i;

	if (!p || p->any)
		return true;
	for (i = 0; i < p->n_ranges; i++)
		if (port >= p->ranges[i].lo && port <= p->ranges[i].hi)
			return true;
	return false;
}

/*
 * The transport checksum as a host checks it (RFC 1122 4.1.3.4, 4.2.2.7;
 * RFC 4443 2.3): right, or the pseudo-header sum a sender that offloads
 * checksums leaves in the field (CHECKSUM_PARTIAL: veth, a local socket),
 * which is what frames from a peer namespace carry.  A frame with a wrong
 * one is dropped unanswered, as a real stack does (nmap --badsum).
 */
static bool csum_ok(const struct pkt *q)
{
	const uint8_t *seg = q->frame + q->l4_off;
	size_t end, len;
	uint32_t pseudo;
	uint16_t field, partial;
	uint8_t proto;

	if (q->has & PKT_L_IP) {
		if (pkt_csum(q->frame + q->l3_off, (size_t)q->ip.ihl * 4) != 0)
			return false;
		end = q->l3_off + q->ip.len;
		proto = q->ip.proto;
	} else if (q->has & PKT_L_IP6) {
		end = q->l3_off + 40 + q->ip6.plen;
		proto = q->ip6.next;
	} else {
		return true;
	}
	if (end > q->caplen || end < q->l4_off)
		return false;
	len = end - q->l4_off;
	if (q->has & PKT_L_TCP)
		field = q->tcp.chksum;
	else if (q->has & PKT_L_UDP)
		field = q->udp.chksum;
	else if (q->has & PKT_L_ICMP)
		return pkt_csum(seg, len) ==
		       0; /* no pseudo-header, no offload */
	else if (q->has & PKT_L_ICMP6)
		field = q->icmp6.cksum;
	else
		return true;
	if ((q->has & PKT_L_UDP) && (q->has & PKT_L_IP) && field == 0)
		return true; /* RFC 768: no checksum */
	pseudo =
		(q->has & PKT_L_IP) ?
			pkt_csum_pseudo4(q->ip.src, q->ip.dst, proto,
					 (uint16_t)len) :
			pkt_csum_pseudo6(q->ip6.src, pkt_ip6_final_dst(&q->ip6),
					 proto, (uint32_t)len);
	if (pkt_csum_fold(pkt_csum_add(pseudo, seg, len)) == 0)
		return true;
	partial = (uint16_t)~pkt_csum_fold(pseudo);
	return field == partial;
}

/* Does r's address, protocol and port (or ARP/ND target) fit q? */
static bool host_claims(const struct crule *r, const struct pkt *q)
{
	const struct chost *h = r->host;

	switch (r->kind) {
	case CRULE_ARP:
		return (q->has & PKT_L_ARP) && pkt_arp_is_eth_ip4(&q->arp) &&
		       q->arp.op == 1 && host_has4(h, q->arp.pdst) &&
		       memcmp(q->arp.psrc, q->arp.pdst, 4) != 0;
	case CRULE_ND:
		/* RFC 4861 7.1.1: hop limit 255, code 0, a target of ours. */
		return (q->has & PKT_L_ICMP6) && q->icmp6.type == 135 &&
		       q->icmp6.code == 0 && q->ip6.hlim == 255 &&
		       host_has6(h, q->icmp6.tgt);
	case CRULE_PING:
		if (q->has & PKT_L_ICMP)
			return q->icmp.type == 8 && q->icmp.code == 0 &&
			       to_host(h, q);
		return (q->has & PKT_L_ICMP6) && q->icmp6.type == 128 &&
		       q->icmp6.code == 0 && to_host(h, q);
	case CRULE_TCP:
		return (q->has & PKT_L_TCP) && to_host(h, q) &&
		       port_in(r->ports, q->tcp.dport);
	case CRULE_UDP:
		return (q->has & PKT_L_UDP) && to_host(h, q) &&
		       port_in(r->ports, q->udp.dport);
	case CRULE_FILTER:
		break;
	}
	return false;
}

bool host_match(const struct crule *r, const struct pkt *q)
{
	if (q->verdict != PKT_OK)
		return false;
	/*
	 * No reassembly: a host neither answers a fragment as if it were
	 * the datagram, nor anything it cannot check.  An IPv6 atomic
	 * fragment (offset 0, no more) is a whole datagram.
	 */
	if (q->fragment &&
	    ((q->has & PKT_L_IP) || q->ip6.frag.offset || q->ip6.frag.m))
		return false;
	/*
	 * A routing header with segments left names another final
	 * destination: the host would be a waypoint, which it is not.
	 */
	if ((q->has & PKT_L_IP6) && pkt_ip6_final_dst(&q->ip6) != q->ip6.dst)
		return false;
	/*
	 * The cheap tests first: the checksum is summed only for the rule
	 * that claims the frame, not for every candidate of its host.
	 */
	return host_claims(r, q) && (r->kind == CRULE_ARP || csum_ok(q));
}

/*
 * The IP ID: Linux and FreeBSD send 0 with DF set (no fragment can need
 * it) and count otherwise; Windows counts always.
 */
uint16_t host_ip_id(struct engine *e, const struct chost *h, bool df)
{
	const struct personality *pe = h->pers;
	size_t i = (size_t)(h - e->rs->hosts);

	if (pe->ipid == IPID_ZERO && df)
		return 0;
	if (pe->ipid == IPID_RANDOM || i >= e->rs->n_hosts)
		return (uint16_t)expr_random(&e->rng);
	/* Each host counts on its own, as separate machines would. */
	return (uint16_t)e->host_ipid[i]++;
}

/* Ethernet, VLAN tags and the IP header of a reply from r's host to q. */
static void reply_ip(const struct crule *r, const struct pkt *q, struct pkt *o)
{
	const struct personality *pe = r->host->pers;

	o->has = PKT_L_ETH;
	memcpy(o->eth.dst, q->eth.src, 6);
	memcpy(o->eth.src, r->host->mac, 6);
	o->eth.type = q->eth.type;
	if (q->has & PKT_L_DOT1AD) {
		o->dot1ad = q->dot1ad;
		o->has |= PKT_L_DOT1AD;
	}
	if (q->has & PKT_L_DOT1Q) {
		o->dot1q = q->dot1q;
		o->has |= PKT_L_DOT1Q;
	}
	if (q->has & PKT_L_IP) {
		o->has |= PKT_L_IP;
		o->ip.version = 4;
		o->ip.ttl = pe->ttl;
		o->ip.flags = pe->df ? PKT_IP_DF : 0;
		memcpy(o->ip.src, q->ip.dst, 4);
		memcpy(o->ip.dst, q->ip.src, 4);
	} else if (q->has & PKT_L_IP6) {
		o->has |= PKT_L_IP6;
		o->ip6.version = 6;
		o->ip6.hlim = pe->ttl;
		memcpy(o->ip6.src, q->ip6.dst, 16);
		memcpy(o->ip6.dst, q->ip6.src, 16);
	}
}

/* The ECN field of the request's IP header (RFC 3168). */
static unsigned ect_of(const struct pkt *q)
{
	return (q->has & PKT_L_IP) ? (q->ip.tos & 3u) : (q->ip6.tc & 3u);
}

uint32_t host_isn(const struct engine *e, const struct pkt *q)
{
	uint8_t b[36];
	size_t n;

	if (q->has & PKT_L_IP) {
		memcpy(b, q->ip.src, 4);
		memcpy(b + 4, q->ip.dst, 4);
		n = 8;
	} else {
		memcpy(b, q->ip6.src, 16);
		memcpy(b + 16, q->ip6.dst, 16);
		n = 32;
	}
	b[n++] = (uint8_t)(q->tcp.sport >> 8);
	b[n++] = (uint8_t)q->tcp.sport;
	b[n++] = (uint8_t)(q->tcp.dport >> 8);
	b[n++] = (uint8_t)q->tcp.dport;
	return (uint32_t)host_keyed(e->isn_key, b, n);
}

/*
 * Builds o as the next reply.  The IP ID is drawn here, once per frame
 * actually sent, so a counting personality counts what the wire sees.
 */
int host_emit(struct engine *e, const struct crule *r, struct pkt *o,
	      struct engine_result *res)
{
	uint8_t l4 = (o->has & PKT_L_TCP)  ? PKT_PROTO_TCP :
		     (o->has & PKT_L_UDP)  ? PKT_PROTO_UDP :
		     (o->has & PKT_L_ICMP) ? PKT_PROTO_ICMP :
					     PKT_PROTO_ICMP6;
	int n;

	o->ip.proto = l4;
	o->ip6.nh = l4;
	if (o->has & PKT_L_IP)
		o->ip.id = host_ip_id(e, r->host, o->ip.flags & PKT_IP_DF);
	size_t cap = ENGINE_OUT_MAX - res->used;

	if (res->n == ENGINE_REPLIES_MAX)
		return -ENOSPC;
	n = pkt_build(o, e->out + res->used,
		      cap < ENGINE_FRAME_MAX ? cap : ENGINE_FRAME_MAX);
	if (n < 0) {
		res->drop = DROP_EVAL;
		res->why = "reply cannot be built";
		return n;
	}
	res->frame[res->n] = e->out + res->used;
	res->len[res->n++] = (size_t)n;
	res->used += (size_t)n;
	return 0;
}

static int answer_tcp(struct engine *e, const struct crule *r,
		      const struct pkt *q, uint64_t ts_us,
		      struct engine_result *res)
{
	const struct pkt_tcp *t = &q->tcp;
	const struct personality *pe = r->host->pers;
	uint8_t store[40];
	struct pkt o;
	uint32_t seglen;

	if (r->policy == AST_FILTERED) {
		res->drop = DROP_RULE;
		return 0;
	}
	if (r->policy == AST_OPEN)
		return tcp_input(e, r, q, ts_us, res);
	if (t->flags & PKT_TCP_RST) {
		res->drop = DROP_NOT_ANSWERED; /* never answer an RST */
		return 0;
	}
	memset(&o, 0, sizeof(o));
	reply_ip(r, q, &o);
	o.has |= PKT_L_TCP;
	o.tcp.sport = t->dport;
	o.tcp.dport = t->sport;
	if (r->policy == AST_CLOSED) {
		seglen = (uint32_t)q->payload.len + !!(t->flags & PKT_TCP_SYN) +
			 !!(t->flags & PKT_TCP_FIN);
		if (t->flags & PKT_TCP_ACK) {
			o.tcp.seq = t->ack;
			o.tcp.flags = PKT_TCP_RST;
		} else {
			o.tcp.ack = t->seq + seglen;
			o.tcp.flags = PKT_TCP_RST | PKT_TCP_ACK;
		}
		return host_emit(e, r, &o, res);
	}
	/* A tarpit answers a SYN, statelessly, with a zero window. */
	if ((t->flags & (PKT_TCP_SYN | PKT_TCP_ACK)) != PKT_TCP_SYN) {
		/*
		 * An ACK for no handshake of ours gets what a listener gives
		 * it, an RST with seq = SEG.ACK (RFC 9293 3.10.7.2); ISNs are
		 * a keyed hash of the 4-tuple, so ours are known without state.
		 */
		if ((t->flags & PKT_TCP_ACK) &&
		    ((t->flags & PKT_TCP_SYN) ||
		     t->ack - (host_isn(e, q) + 1) >= 0x80000000u)) {
			o.tcp.seq = t->ack;
			o.tcp.flags = PKT_TCP_RST;
			return host_emit(e, r, &o, res);
		}
		res->drop = DROP_NOT_ANSWERED;
		return 0;
	}
	o.tcp.seq = host_isn(e, q);
	o.tcp.ack = t->seq + 1;
	o.tcp.flags = PKT_TCP_SYN | PKT_TCP_ACK;
	/* An ECN-setup SYN gets ECE back where the stack's default says so. */
	if ((t->flags & (PKT_TCP_ECE | PKT_TCP_CWR)) ==
		    (PKT_TCP_ECE | PKT_TCP_CWR) &&
	    pe->ecn && !(ect_of(q) && !t->reserved))
		o.tcp.flags |= PKT_TCP_ECE;
	o.tcp.window = 0; /* a tarpit */
	pe->synack_options(&o.tcp, t, host_mss(pe, (q->has & PKT_L_IP) ? 4 : 6),
			   (uint32_t)(ts_us / 1000 + (o.tcp.seq ^ 0x5bd1e995u)),
			   store);
	return host_emit(e, r, &o, res);
}

static int answer_udp(struct engine *e, const struct crule *r,
		      const struct pkt *q, struct engine_result *res)
{
	struct pkt o;
	size_t max, avail;

	memset(&o, 0, sizeof(o));
	if (r->policy == AST_FILTERED ||
	    (r->policy == AST_OPEN && !r->udp_reply)) {
		res->drop = r->policy == AST_FILTERED ? DROP_RULE :
							DROP_NOT_ANSWERED;
		return 0;
	}
	reply_ip(r, q, &o);
	if (r->policy == AST_OPEN) {
		o.has |= PKT_L_UDP | PKT_L_RAW;
		o.udp.sport = q->udp.dport;
		o.udp.dport = q->udp.sport;
		o.payload.p = r->udp_reply;
		o.payload.len = r->udp_reply_len;
		return host_emit(e, r, &o, res);
	}
	/*
	 * Closed: port unreachable quoting as much of the datagram as keeps
	 * the error within 576 bytes (IPv4) or the 1280-byte IPv6 minimum MTU.
	 */
	avail = q->caplen - q->l3_off;
	if (q->has & PKT_L_IP) {
		o.has |= PKT_L_ICMP;
		o.ip.tos = 0xc0;
		o.ip.flags = 0;
		o.icmp.type = 3;
		o.icmp.code = 3;
		max = 576 - 20 - 8;
		if (q->ip.len < avail)
			avail = q->ip.len;
	} else {
		o.has |= PKT_L_ICMP6;
		o.icmp6.type = 1;
		o.icmp6.code = 4;
		max = 1280 - 40 - 8;
		if ((size_t)q->ip6.plen + 40 < avail)
			avail = (size_t)q->ip6.plen + 40;
	}
	o.payload.p = q->frame + q->l3_off;
	o.payload.len = avail < max ? avail : max;
	o.has |= PKT_L_RAW;
	return host_emit(e, r, &o, res);
}

int host_answer(struct engine *e, const struct crule *r, const struct pkt *q,
		uint64_t ts_us, struct engine_result *res)
{
	const struct chost *h = r->host;
	struct pkt o;
	uint8_t tll[6];

	/* TCP first: its open ports never need o (2 KiB to clear). */
	if (r->kind == CRULE_TCP)
		return answer_tcp(e, r, q, ts_us, res);
	memset(&o, 0, sizeof(o));
	switch (r->kind) {
	case CRULE_ARP:
		o.has = PKT_L_ETH | PKT_L_ARP;
		memcpy(o.eth.dst, q->eth.src, 6);
		memcpy(o.eth.src, h->mac, 6);
		o.eth.type = q->eth.type;
		if (q->has & PKT_L_DOT1AD) {
			o.dot1ad = q->dot1ad;
			o.has |= PKT_L_DOT1AD;
		}
		if (q->has & PKT_L_DOT1Q) {
			o.dot1q = q->dot1q;
			o.has |= PKT_L_DOT1Q;
		}
		o.arp = q->arp;
		o.arp.op = 2;
		memcpy(o.arp.hwsrc, h->mac, 6);
		memcpy(o.arp.psrc, q->arp.pdst, 4);
		memcpy(o.arp.hwdst, q->arp.hwsrc, 6);
		memcpy(o.arp.pdst, q->arp.psrc, 4);
		return host_emit(e, r, &o, res);
	case CRULE_ND:
		reply_ip(r, q, &o);
		o.ip6.hlim = 255;
		memcpy(o.ip6.src, q->icmp6.tgt, 16);
		o.has |= PKT_L_ICMP6;
		o.icmp6.type = 136;
		memcpy(o.icmp6.tgt, q->icmp6.tgt, 16);
		if (!memcmp(q->ip6.src, (const uint8_t[16]){ 0 }, 16)) {
			/* DAD: answer all nodes, not solicited (RFC 4861 7.2.4) */
			static const uint8_t all[16] = { 0xff, 0x02, [15] = 1 };

			static const uint8_t all_mac[6] = { 0x33, 0x33, 0,
							    0,	  0,	1 };

			memcpy(o.ip6.dst, all, 16);
			memcpy(o.eth.dst, all_mac, 6); /* RFC 2464 section 7 */
			o.icmp6.word = 0x20000000u; /* O */
		} else {
			o.icmp6.word = 0x60000000u; /* S, O */
		}
		memcpy(tll, h->mac, 6);
		o.icmp6.n_opt = 1;
		o.icmp6.opt[0].type = 2;
		o.icmp6.opt[0].len = 1;
		o.icmp6.opt[0].data.p = tll;
		o.icmp6.opt[0].data.len = 6;
		return host_emit(e, r, &o, res);
	case CRULE_PING:
		reply_ip(r, q, &o);
		o.payload = q->payload;
		if (q->payload.len)
			o.has |= PKT_L_RAW;
		if (q->has & PKT_L_IP) {
			/*
			 * Echo replies go without DF, as Linux and Windows send
			 * them; FreeBSD's icmp_reflect() keeps the request's.
			 */
			o.ip.flags = h->pers->echo_keeps_df ?
					     (q->ip.flags & PKT_IP_DF) :
					     0;
			o.ip.tos = q->ip.tos;
			o.has |= PKT_L_ICMP;
			o.icmp.type = 0;
			o.icmp.rest = q->icmp.rest;
		} else {
			o.has |= PKT_L_ICMP6;
			o.icmp6.type = 129;
			o.icmp6.word = q->icmp6.word;
		}
		return host_emit(e, r, &o, res);
	case CRULE_TCP:
		return answer_tcp(e, r, q, ts_us, res);
	case CRULE_UDP:
		return answer_udp(e, r, q, res);
	case CRULE_FILTER:
		break;
	}
	return 0;
}
