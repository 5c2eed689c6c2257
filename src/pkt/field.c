/* SPDX-License-Identifier: MIT */
/*
 * field.c - the field-name table: every field of every layer riposte
 * dissects, named "<layer>.<Scapy's field name>", in wire order per layer.
 *
 * Plain members of struct pkt are described by offset and size.  Fields
 * whose meaning depends on another field are read through callbacks:
 *
 *   ICMP (RFC 792, RFC 1191)  the 32 bits after the checksum are id+seq,
 *                             gw, ptr+length+unused, reserved+length+
 *                             nexthopmtu ... by type, as Scapy 2.5 splits
 *                             them;
 *   ICMPv6 (RFC 4443, 4861)   the 32 bits after the checksum are id+seq,
 *                             R/S/O flags, chlim/M/O/H/prf/P, mtu, ptr ...
 *                             by type; ND options are found by type;
 *   IPv6 extension headers    (RFC 8200) read from their raw bytes;
 *   TCP options (RFC 9293, 7323, 2018)  the decoded views, absent when the
 *                             segment carries no such option.
 */
#include <stddef.h>
#include <string.h>

#include "field.h"

#define OFF(m) offsetof(struct pkt, m)
#define SZ(m) sizeof(((struct pkt *)0)->m)

#define PLAIN(n, t, l, b, m)                                         \
	{                                                            \
		.name = (n), .type = (t), .layer = (l), .bits = (b), \
		.off = OFF(m), .size = SZ(m)                         \
	}
#define DERIVED(n, t, l, b, g, pu)                                   \
	{                                                            \
		.name = (n), .type = (t), .layer = (l), .bits = (b), \
		.get = (g), .put = (pu)                              \
	}

static uint64_t mask_of(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
}

static void set_addr(struct pkt_value *v, const uint8_t *a, size_t n)
{
	memcpy(v->addr, a, n);
	v->b.p = v->addr;
	v->b.len = n;
}

/* The address bytes of a MAC/IP value: b when it has the right size. */
static const uint8_t *addr_of(const struct pkt_value *v, size_t n)
{
	if (v->b.p && v->b.len == n)
		return v->b.p;
	return v->addr;
}

static uint32_t be32_of(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* ---- ICMP: the 32-bit word after the checksum, by type ---- */

static bool icmp_is_idseq(uint8_t type)
{
	switch (type) {
	case 0:
	case 8:
	case 13:
	case 14:
	case 15:
	case 16:
	case 17:
	case 18:
	case 37:
	case 38:
		return true;
	}
	return false;
}

/* Types whose word Scapy 2.5 calls "unused" as a whole (32 bits). */
static bool icmp_is_unused32(uint8_t type)
{
	return !icmp_is_idseq(type) && type != 3 && type != 5 && type != 11 &&
	       type != 12;
}

/* A bit range [shift, shift + bits) of a 32-bit word. */
static uint32_t word_get(uint32_t w, unsigned shift, unsigned bits)
{
	return (uint32_t)((w >> shift) & mask_of(bits));
}

static bool word_put(uint32_t *w, unsigned shift, unsigned bits, uint64_t u)
{
	uint32_t m = (uint32_t)mask_of(bits);

	if (u > m)
		return false;
	*w = (*w & ~(m << shift)) | (uint32_t)u << shift;
	return true;
}

/*
 * One accessor pair per derived word field: the applicability test, the
 * bit range within the word.
 */
#define WORD_FIELD(fn, layer_member, word, cond, shift, bits)                  \
	static bool get_##fn(const struct pkt *p, struct pkt_value *v)         \
	{                                                                      \
		uint8_t type = p->layer_member.type;                           \
		(void)type;                                                    \
		if (!(cond))                                                   \
			return false;                                          \
		v->u = word_get(p->layer_member.word, (shift), (bits));        \
		return true;                                                   \
	}                                                                      \
	static bool put_##fn(struct pkt *p, const struct pkt_value *v)         \
	{                                                                      \
		uint8_t type = p->layer_member.type;                           \
		(void)type;                                                    \
		if (!(cond))                                                   \
			return false;                                          \
		return word_put(&p->layer_member.word, (shift), (bits), v->u); \
	}

WORD_FIELD(icmp_id, icmp, rest, icmp_is_idseq(type), 16, 16)
WORD_FIELD(icmp_seq, icmp, rest, icmp_is_idseq(type), 0, 16)
WORD_FIELD(icmp_ptr, icmp, rest, type == 12, 24, 8)
WORD_FIELD(icmp_reserved, icmp, rest, type == 3 || type == 11, 24, 8)
WORD_FIELD(icmp_length, icmp, rest, type == 3 || type == 11 || type == 12, 16,
	   8)
WORD_FIELD(icmp_nexthopmtu, icmp, rest, type == 3, 0, 16)

static bool get_icmp_unused(const struct pkt *p, struct pkt_value *v)
{
	uint8_t type = p->icmp.type;

	if (type == 11 || type == 12)
		v->u = p->icmp.rest & 0xffff;
	else if (icmp_is_unused32(type))
		v->u = p->icmp.rest;
	else
		return false;
	return true;
}

static bool put_icmp_unused(struct pkt *p, const struct pkt_value *v)
{
	uint8_t type = p->icmp.type;

	if (type == 11 || type == 12)
		return word_put(&p->icmp.rest, 0, 16, v->u);
	if (icmp_is_unused32(type))
		return word_put(&p->icmp.rest, 0, 32, v->u);
	return false;
}

static bool get_icmp_gw(const struct pkt *p, struct pkt_value *v)
{
	uint32_t w = p->icmp.rest;
	uint8_t a[4] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16),
			 (uint8_t)(w >> 8), (uint8_t)w };

	if (p->icmp.type != 5)
		return false;
	set_addr(v, a, 4);
	return true;
}

static bool put_icmp_gw(struct pkt *p, const struct pkt_value *v)
{
	if (p->icmp.type != 5)
		return false;
	p->icmp.rest = be32_of(addr_of(v, 4));
	return true;
}

/* ---- ICMPv6: the 32-bit word after the checksum, by type ---- */

#define T_ECHO (type == 128 || type == 129)
#define T_RA (type == 134)
#define T_NA (type == 136)

WORD_FIELD(icmp6_id, icmp6, word, T_ECHO, 16, 16)
WORD_FIELD(icmp6_seq, icmp6, word, T_ECHO, 0, 16)
WORD_FIELD(icmp6_chlim, icmp6, word, T_RA, 24, 8)
WORD_FIELD(icmp6_M, icmp6, word, T_RA, 23, 1)
WORD_FIELD(icmp6_R, icmp6, word, T_NA, 31, 1)
WORD_FIELD(icmp6_S, icmp6, word, T_NA, 30, 1)
WORD_FIELD(icmp6_H, icmp6, word, T_RA, 21, 1)
WORD_FIELD(icmp6_prf, icmp6, word, T_RA, 19, 2)
WORD_FIELD(icmp6_P, icmp6, word, T_RA, 18, 1)
WORD_FIELD(icmp6_routerlifetime, icmp6, word, T_RA, 0, 16)
WORD_FIELD(icmp6_mtu, icmp6, word, type == 2, 0, 32)
WORD_FIELD(icmp6_ptr, icmp6, word, type == 4, 0, 32)
WORD_FIELD(icmp6_length, icmp6, word, type == 1 || type == 3, 24, 8)
WORD_FIELD(icmp6_unused, icmp6, word, type == 1 || type == 3, 0, 24)

/* O is bit 22 of an RA word and bit 29 of an NA word. */
static bool get_icmp6_O(const struct pkt *p, struct pkt_value *v)
{
	if (p->icmp6.type == 134)
		v->u = word_get(p->icmp6.word, 22, 1);
	else if (p->icmp6.type == 136)
		v->u = word_get(p->icmp6.word, 29, 1);
	else
		return false;
	return true;
}

static bool put_icmp6_O(struct pkt *p, const struct pkt_value *v)
{
	if (p->icmp6.type == 134)
		return word_put(&p->icmp6.word, 22, 1, v->u);
	if (p->icmp6.type == 136)
		return word_put(&p->icmp6.word, 29, 1, v->u);
	return false;
}

/* res: all 32 bits of RS and NS, 2 bits of RA, the low 29 bits of NA. */
static bool icmp6_res_range(uint8_t type, unsigned *shift, unsigned *bits)
{
	switch (type) {
	case 133:
	case 135:
		*shift = 0;
		*bits = 32;
		return true;
	case 134:
		*shift = 16;
		*bits = 2;
		return true;
	case 136:
		*shift = 0;
		*bits = 29;
		return true;
	}
	return false;
}

static bool get_icmp6_res(const struct pkt *p, struct pkt_value *v)
{
	unsigned shift, bits;

	if (!icmp6_res_range(p->icmp6.type, &shift, &bits))
		return false;
	v->u = word_get(p->icmp6.word, shift, bits);
	return true;
}

static bool put_icmp6_res(struct pkt *p, const struct pkt_value *v)
{
	unsigned shift, bits;

	if (!icmp6_res_range(p->icmp6.type, &shift, &bits))
		return false;
	return word_put(&p->icmp6.word, shift, bits, v->u);
}

static bool get_icmp6_reachabletime(const struct pkt *p, struct pkt_value *v)
{
	if (p->icmp6.type != 134)
		return false;
	v->u = p->icmp6.reachabletime;
	return true;
}

static bool put_icmp6_reachabletime(struct pkt *p, const struct pkt_value *v)
{
	if (p->icmp6.type != 134 || v->u > UINT32_MAX)
		return false;
	p->icmp6.reachabletime = (uint32_t)v->u;
	return true;
}

static bool get_icmp6_retranstimer(const struct pkt *p, struct pkt_value *v)
{
	if (p->icmp6.type != 134)
		return false;
	v->u = p->icmp6.retranstimer;
	return true;
}

static bool put_icmp6_retranstimer(struct pkt *p, const struct pkt_value *v)
{
	if (p->icmp6.type != 134 || v->u > UINT32_MAX)
		return false;
	p->icmp6.retranstimer = (uint32_t)v->u;
	return true;
}

static bool icmp6_has_tgt(uint8_t type)
{
	return type == 135 || type == 136;
}

static bool get_icmp6_tgt(const struct pkt *p, struct pkt_value *v)
{
	if (!icmp6_has_tgt(p->icmp6.type) || p->icmp6.tgt_cut)
		return false;
	set_addr(v, p->icmp6.tgt, 16);
	return true;
}

static bool put_icmp6_tgt(struct pkt *p, const struct pkt_value *v)
{
	if (!icmp6_has_tgt(p->icmp6.type))
		return false;
	memcpy(p->icmp6.tgt, addr_of(v, 16), 16);
	p->icmp6.tgt_cut = false;
	return true;
}

/* ---- ICMPv6 ND options (RFC 4861 section 4.6) ---- */

/* The first option of a type with at least min data bytes, or NULL. */
static const struct pkt_ndopt *ndopt_find(const struct pkt *p, uint8_t type,
					  size_t min)
{
	unsigned i, n = p->icmp6.n_opt;

	if (n > PKT_ND_OPT_MAX)
		n = PKT_ND_OPT_MAX;
	for (i = 0; i < n; i++) {
		const struct pkt_ndopt *o = &p->icmp6.opt[i];

		if (o->type == type && o->data.p && o->data.len >= min)
			return o;
	}
	return NULL;
}

static bool get_ndopt_srclladdr(const struct pkt *p, struct pkt_value *v)
{
	const struct pkt_ndopt *o = ndopt_find(p, 1, 6);

	if (!o)
		return false;
	set_addr(v, o->data.p, 6);
	return true;
}

static bool get_ndopt_tgtlladdr(const struct pkt *p, struct pkt_value *v)
{
	const struct pkt_ndopt *o = ndopt_find(p, 2, 6);

	if (!o)
		return false;
	set_addr(v, o->data.p, 6);
	return true;
}

/* Prefix information: prefixlen, flags, 3 x 32 bits, then the prefix. */
static bool get_ndopt_prefixlen(const struct pkt *p, struct pkt_value *v)
{
	const struct pkt_ndopt *o = ndopt_find(p, 3, 30);

	if (!o)
		return false;
	v->u = o->data.p[0];
	return true;
}

static bool get_ndopt_prefix(const struct pkt *p, struct pkt_value *v)
{
	const struct pkt_ndopt *o = ndopt_find(p, 3, 30);

	if (!o)
		return false;
	set_addr(v, o->data.p + 14, 16);
	return true;
}

/* MTU: 16 reserved bits, then the MTU. */
static bool get_ndopt_mtu(const struct pkt *p, struct pkt_value *v)
{
	const struct pkt_ndopt *o = ndopt_find(p, 5, 6);

	if (!o)
		return false;
	v->u = be32_of(o->data.p + 2);
	return true;
}

/*
 * The whole option area as one range, when the options lie back to back
 * in the parsed frame (always so after pkt_parse).
 */
static bool get_icmp6_options(const struct pkt *p, struct pkt_value *v)
{
	unsigned i, n = p->icmp6.n_opt;
	uintptr_t lo, hi, start, end;

	if (n == 0 || n > PKT_ND_OPT_MAX || !p->frame)
		return false;
	lo = (uintptr_t)p->frame;
	hi = lo + p->caplen;
	start = (uintptr_t)p->icmp6.opt[0].data.p;
	if (start < lo + 2 || start > hi)
		return false;
	start -= 2;
	end = start;
	for (i = 0; i < n; i++) {
		const struct pkt_ndopt *o = &p->icmp6.opt[i];
		uintptr_t d = (uintptr_t)o->data.p;

		if (d != end + 2 || o->data.len > hi - d)
			return false;
		end = d + o->data.len;
	}
	v->b.p = p->frame + (start - lo);
	v->b.len = end - start;
	return true;
}

/* ---- IPv6 extension headers ---- */

/* The first extension header of a type, or NULL. */
static const struct pkt_ip6ext *ip6ext_find(const struct pkt *p, uint8_t type,
					    size_t min)
{
	unsigned i, n = p->ip6.n_ext;

	if (n > PKT_IP6_EXT_MAX)
		n = PKT_IP6_EXT_MAX;
	for (i = 0; i < n; i++) {
		const struct pkt_ip6ext *e = &p->ip6.ext[i];

		if (e->type == type && e->raw.p && e->raw.len >= min)
			return e;
	}
	return NULL;
}

/* Byte at, or the bytes from at on, of the first header of a type. */
#define EXT_BYTE(fn, type, at)                                          \
	static bool get_##fn(const struct pkt *p, struct pkt_value *v)  \
	{                                                               \
		const struct pkt_ip6ext *e = ip6ext_find(p, (type), 8); \
		if (!e)                                                 \
			return false;                                   \
		v->u = e->raw.p[at];                                    \
		return true;                                            \
	}
#define EXT_REST(fn, type, at)                                          \
	static bool get_##fn(const struct pkt *p, struct pkt_value *v)  \
	{                                                               \
		const struct pkt_ip6ext *e = ip6ext_find(p, (type), 8); \
		if (!e)                                                 \
			return false;                                   \
		v->b.p = e->raw.p + (at);                               \
		v->b.len = e->raw.len - (at);                           \
		return true;                                            \
	}

EXT_BYTE(ip6hbh_nh, PKT_PROTO_HOPOPTS, 0)
EXT_BYTE(ip6hbh_len, PKT_PROTO_HOPOPTS, 1)
EXT_REST(ip6hbh_options, PKT_PROTO_HOPOPTS, 2)
EXT_BYTE(ip6rt_nh, PKT_PROTO_ROUTING, 0)
EXT_BYTE(ip6rt_len, PKT_PROTO_ROUTING, 1)
EXT_BYTE(ip6rt_type, PKT_PROTO_ROUTING, 2)
EXT_BYTE(ip6rt_segleft, PKT_PROTO_ROUTING, 3)
EXT_REST(ip6rt_data, PKT_PROTO_ROUTING, 4)
EXT_BYTE(ip6dst_nh, PKT_PROTO_DSTOPTS, 0)
EXT_BYTE(ip6dst_len, PKT_PROTO_DSTOPTS, 1)
EXT_REST(ip6dst_options, PKT_PROTO_DSTOPTS, 2)

/* ---- ARP: addresses exist for Ethernet/IPv4 only ---- */

static bool arp_has_addrs(const struct pkt *p)
{
	const struct pkt_arp *a = &p->arp;

	if (a->hwtype != 1 || a->ptype != PKT_ETHERTYPE_IP || a->hwlen != 6 ||
	    a->plen != 4)
		return false;
	/* A parse that stopped inside the addresses has no addresses. */
	if (!p->frame)
		return true;
	return p->l3_off <= p->caplen && p->caplen - p->l3_off >= 28;
}

#define ARP_ADDR(fn, member, n)                                        \
	static bool get_##fn(const struct pkt *p, struct pkt_value *v) \
	{                                                              \
		if (!arp_has_addrs(p))                                 \
			return false;                                  \
		set_addr(v, p->arp.member, (n));                       \
		return true;                                           \
	}                                                              \
	static bool put_##fn(struct pkt *p, const struct pkt_value *v) \
	{                                                              \
		memcpy(p->arp.member, addr_of(v, (n)), (n));           \
		return true;                                           \
	}

ARP_ADDR(arp_hwsrc, hwsrc, 6)
ARP_ADDR(arp_psrc, psrc, 4)
ARP_ADDR(arp_hwdst, hwdst, 6)
ARP_ADDR(arp_pdst, pdst, 4)

/* ---- TCP decoded options ---- */

static bool get_tcp_mss(const struct pkt *p, struct pkt_value *v)
{
	if (!(p->tcp.ohas & PKT_TCPO_MSS))
		return false;
	v->u = p->tcp.mss;
	return true;
}

static bool get_tcp_wscale(const struct pkt *p, struct pkt_value *v)
{
	if (!(p->tcp.ohas & PKT_TCPO_WSCALE))
		return false;
	v->u = p->tcp.wscale;
	return true;
}

static bool get_tcp_sackok(const struct pkt *p, struct pkt_value *v)
{
	if (!(p->tcp.ohas & PKT_TCPO_SACKOK))
		return false;
	v->u = 1;
	return true;
}

/* The SACK option's data: pairs of 32-bit left and right edges. */
static bool get_tcp_sack(const struct pkt *p, struct pkt_value *v)
{
	unsigned i, n = p->tcp.n_opt;

	if (!(p->tcp.ohas & PKT_TCPO_SACK))
		return false;
	if (n > PKT_TCP_OPT_MAX)
		n = PKT_TCP_OPT_MAX;
	/* The one decoded, the last well-formed (as tcp.c decodes). */
	for (i = n; i-- > 0;) {
		const struct pkt_tcpopt *o = &p->tcp.opt[i];

		if (o->kind == PKT_TCPOPT_SACK && o->data.len % 8 == 0 &&
		    o->data.len >= 8 && o->data.len <= 32) {
			v->b = p->tcp.opt[i].data;
			if (!v->b.p)
				v->b.len = 0;
			return true;
		}
	}
	return false;
}

static bool get_tcp_tsval(const struct pkt *p, struct pkt_value *v)
{
	if (!(p->tcp.ohas & PKT_TCPO_TS))
		return false;
	v->u = p->tcp.tsval;
	return true;
}

static bool get_tcp_tsecr(const struct pkt *p, struct pkt_value *v)
{
	if (!(p->tcp.ohas & PKT_TCPO_TS))
		return false;
	v->u = p->tcp.tsecr;
	return true;
}

/*
 * The raw option area (dataofs * 4 - 20 bytes from the frame), when the
 * packet was parsed from a frame that holds it.
 */
static bool get_tcp_options(const struct pkt *p, struct pkt_value *v)
{
	size_t hlen = (size_t)p->tcp.dataofs * 4;

	if (!p->frame || hlen < 20 || p->l4_off > p->caplen ||
	    p->caplen - p->l4_off < hlen)
		return false;
	v->b.p = p->frame + p->l4_off + 20;
	v->b.len = hlen - 20;
	return true;
}

/* ---- Raw ---- */

static bool get_raw_len(const struct pkt *p, struct pkt_value *v)
{
	v->u = p->payload.len;
	return true;
}

/* ---- ICMP quoted by an error ---- */

static bool get_icmperror_id(const struct pkt *p, struct pkt_value *v)
{
	if (!icmp_is_idseq(p->l4error.type))
		return false;
	v->u = p->l4error.id;
	return true;
}

static bool get_icmperror_seq(const struct pkt *p, struct pkt_value *v)
{
	if (!icmp_is_idseq(p->l4error.type))
		return false;
	v->u = p->l4error.icmpseq;
	return true;
}

#define IP4_FIELDS(pre, L, m)                                      \
	PLAIN(pre ".version", PKT_F_UINT, L, 4, m.version),        \
		PLAIN(pre ".ihl", PKT_F_UINT, L, 4, m.ihl),        \
		PLAIN(pre ".tos", PKT_F_HEX, L, 8, m.tos),         \
		PLAIN(pre ".len", PKT_F_UINT, L, 16, m.len),       \
		PLAIN(pre ".id", PKT_F_UINT, L, 16, m.id),         \
		PLAIN(pre ".flags", PKT_F_IPFLAGS, L, 3, m.flags), \
		PLAIN(pre ".frag", PKT_F_UINT, L, 13, m.frag),     \
		PLAIN(pre ".ttl", PKT_F_UINT, L, 8, m.ttl),        \
		PLAIN(pre ".proto", PKT_F_UINT, L, 8, m.proto),    \
		PLAIN(pre ".chksum", PKT_F_HEX, L, 16, m.chksum),  \
		PLAIN(pre ".src", PKT_F_IP4, L, 32, m.src),        \
		PLAIN(pre ".dst", PKT_F_IP4, L, 32, m.dst),        \
		PLAIN(pre ".options", PKT_F_BYTES, L, 0, m.options)

#define IP6_FIELDS(pre, L, m)                                  \
	PLAIN(pre ".version", PKT_F_UINT, L, 4, m.version),    \
		PLAIN(pre ".tc", PKT_F_UINT, L, 8, m.tc),      \
		PLAIN(pre ".fl", PKT_F_UINT, L, 20, m.fl),     \
		PLAIN(pre ".plen", PKT_F_UINT, L, 16, m.plen), \
		PLAIN(pre ".nh", PKT_F_UINT, L, 8, m.nh),      \
		PLAIN(pre ".hlim", PKT_F_UINT, L, 8, m.hlim),  \
		PLAIN(pre ".src", PKT_F_IP6, L, 128, m.src),   \
		PLAIN(pre ".dst", PKT_F_IP6, L, 128, m.dst)

#define VLAN_FIELDS(pre, L, m)                                 \
	PLAIN(pre ".prio", PKT_F_UINT, L, 3, m.prio),          \
		PLAIN(pre ".id", PKT_F_UINT, L, 1, m.id),      \
		PLAIN(pre ".vlan", PKT_F_UINT, L, 12, m.vlan), \
		PLAIN(pre ".type", PKT_F_HEX, L, 16, m.type)

#define L_ICMP6 PKT_L_ICMP6

const struct pkt_field pkt_fields[] = {
	PLAIN("eth.dst", PKT_F_MAC, PKT_L_ETH, 48, eth.dst),
	PLAIN("eth.src", PKT_F_MAC, PKT_L_ETH, 48, eth.src),
	PLAIN("eth.type", PKT_F_HEX, PKT_L_ETH, 16, eth.type),
	VLAN_FIELDS("dot1ad", PKT_L_DOT1AD, dot1ad),
	VLAN_FIELDS("dot1q", PKT_L_DOT1Q, dot1q),

	PLAIN("arp.hwtype", PKT_F_HEX, PKT_L_ARP, 16, arp.hwtype),
	PLAIN("arp.ptype", PKT_F_HEX, PKT_L_ARP, 16, arp.ptype),
	PLAIN("arp.hwlen", PKT_F_UINT, PKT_L_ARP, 8, arp.hwlen),
	PLAIN("arp.plen", PKT_F_UINT, PKT_L_ARP, 8, arp.plen),
	PLAIN("arp.op", PKT_F_UINT, PKT_L_ARP, 16, arp.op),
	DERIVED("arp.hwsrc", PKT_F_MAC, PKT_L_ARP, 48, get_arp_hwsrc,
		put_arp_hwsrc),
	DERIVED("arp.psrc", PKT_F_IP4, PKT_L_ARP, 32, get_arp_psrc,
		put_arp_psrc),
	DERIVED("arp.hwdst", PKT_F_MAC, PKT_L_ARP, 48, get_arp_hwdst,
		put_arp_hwdst),
	DERIVED("arp.pdst", PKT_F_IP4, PKT_L_ARP, 32, get_arp_pdst,
		put_arp_pdst),

	IP4_FIELDS("ip", PKT_L_IP, ip),

	IP6_FIELDS("ip6", PKT_L_IP6, ip6),
	DERIVED("ip6hbh.nh", PKT_F_UINT, PKT_L_IP6, 8, get_ip6hbh_nh, NULL),
	DERIVED("ip6hbh.len", PKT_F_UINT, PKT_L_IP6, 8, get_ip6hbh_len, NULL),
	DERIVED("ip6hbh.options", PKT_F_BYTES, PKT_L_IP6, 0, get_ip6hbh_options,
		NULL),
	DERIVED("ip6rt.nh", PKT_F_UINT, PKT_L_IP6, 8, get_ip6rt_nh, NULL),
	DERIVED("ip6rt.len", PKT_F_UINT, PKT_L_IP6, 8, get_ip6rt_len, NULL),
	DERIVED("ip6rt.type", PKT_F_UINT, PKT_L_IP6, 8, get_ip6rt_type, NULL),
	DERIVED("ip6rt.segleft", PKT_F_UINT, PKT_L_IP6, 8, get_ip6rt_segleft,
		NULL),
	DERIVED("ip6rt.data", PKT_F_BYTES, PKT_L_IP6, 0, get_ip6rt_data, NULL),
	PLAIN("ip6frag.nh", PKT_F_UINT, PKT_L_IP6FRAG, 8, ip6.frag.nh),
	PLAIN("ip6frag.res1", PKT_F_UINT, PKT_L_IP6FRAG, 8, ip6.frag.res1),
	PLAIN("ip6frag.offset", PKT_F_UINT, PKT_L_IP6FRAG, 13, ip6.frag.offset),
	PLAIN("ip6frag.res2", PKT_F_UINT, PKT_L_IP6FRAG, 2, ip6.frag.res2),
	PLAIN("ip6frag.m", PKT_F_UINT, PKT_L_IP6FRAG, 1, ip6.frag.m),
	PLAIN("ip6frag.id", PKT_F_UINT, PKT_L_IP6FRAG, 32, ip6.frag.id),
	DERIVED("ip6dst.nh", PKT_F_UINT, PKT_L_IP6, 8, get_ip6dst_nh, NULL),
	DERIVED("ip6dst.len", PKT_F_UINT, PKT_L_IP6, 8, get_ip6dst_len, NULL),
	DERIVED("ip6dst.options", PKT_F_BYTES, PKT_L_IP6, 0, get_ip6dst_options,
		NULL),

	PLAIN("icmp.type", PKT_F_UINT, PKT_L_ICMP, 8, icmp.type),
	PLAIN("icmp.code", PKT_F_UINT, PKT_L_ICMP, 8, icmp.code),
	PLAIN("icmp.chksum", PKT_F_HEX, PKT_L_ICMP, 16, icmp.chksum),
	DERIVED("icmp.id", PKT_F_HEX, PKT_L_ICMP, 16, get_icmp_id, put_icmp_id),
	DERIVED("icmp.seq", PKT_F_HEX, PKT_L_ICMP, 16, get_icmp_seq,
		put_icmp_seq),
	DERIVED("icmp.gw", PKT_F_IP4, PKT_L_ICMP, 32, get_icmp_gw, put_icmp_gw),
	DERIVED("icmp.ptr", PKT_F_UINT, PKT_L_ICMP, 8, get_icmp_ptr,
		put_icmp_ptr),
	DERIVED("icmp.reserved", PKT_F_UINT, PKT_L_ICMP, 8, get_icmp_reserved,
		put_icmp_reserved),
	DERIVED("icmp.length", PKT_F_UINT, PKT_L_ICMP, 8, get_icmp_length,
		put_icmp_length),
	DERIVED("icmp.nexthopmtu", PKT_F_UINT, PKT_L_ICMP, 16,
		get_icmp_nexthopmtu, put_icmp_nexthopmtu),
	DERIVED("icmp.unused", PKT_F_UINT, PKT_L_ICMP, 32, get_icmp_unused,
		put_icmp_unused),

	/*
	 * One entry per name; the order fits every type: RA is chlim M O H
	 * prf P res, NA is R S O res tgt, NS is res tgt.
	 */
	PLAIN("icmp6.type", PKT_F_UINT, L_ICMP6, 8, icmp6.type),
	PLAIN("icmp6.code", PKT_F_UINT, L_ICMP6, 8, icmp6.code),
	PLAIN("icmp6.cksum", PKT_F_HEX, L_ICMP6, 16, icmp6.cksum),
	DERIVED("icmp6.id", PKT_F_HEX, L_ICMP6, 16, get_icmp6_id, put_icmp6_id),
	DERIVED("icmp6.seq", PKT_F_HEX, L_ICMP6, 16, get_icmp6_seq,
		put_icmp6_seq),
	DERIVED("icmp6.chlim", PKT_F_UINT, L_ICMP6, 8, get_icmp6_chlim,
		put_icmp6_chlim),
	DERIVED("icmp6.M", PKT_F_UINT, L_ICMP6, 1, get_icmp6_M, put_icmp6_M),
	DERIVED("icmp6.R", PKT_F_UINT, L_ICMP6, 1, get_icmp6_R, put_icmp6_R),
	DERIVED("icmp6.S", PKT_F_UINT, L_ICMP6, 1, get_icmp6_S, put_icmp6_S),
	DERIVED("icmp6.O", PKT_F_UINT, L_ICMP6, 1, get_icmp6_O, put_icmp6_O),
	DERIVED("icmp6.H", PKT_F_UINT, L_ICMP6, 1, get_icmp6_H, put_icmp6_H),
	DERIVED("icmp6.prf", PKT_F_UINT, L_ICMP6, 2, get_icmp6_prf,
		put_icmp6_prf),
	DERIVED("icmp6.P", PKT_F_UINT, L_ICMP6, 1, get_icmp6_P, put_icmp6_P),
	DERIVED("icmp6.res", PKT_F_UINT, L_ICMP6, 32, get_icmp6_res,
		put_icmp6_res),
	DERIVED("icmp6.routerlifetime", PKT_F_UINT, L_ICMP6, 16,
		get_icmp6_routerlifetime, put_icmp6_routerlifetime),
	DERIVED("icmp6.reachabletime", PKT_F_UINT, L_ICMP6, 32,
		get_icmp6_reachabletime, put_icmp6_reachabletime),
	DERIVED("icmp6.retranstimer", PKT_F_UINT, L_ICMP6, 32,
		get_icmp6_retranstimer, put_icmp6_retranstimer),
	DERIVED("icmp6.mtu", PKT_F_UINT, L_ICMP6, 32, get_icmp6_mtu,
		put_icmp6_mtu),
	DERIVED("icmp6.ptr", PKT_F_UINT, L_ICMP6, 32, get_icmp6_ptr,
		put_icmp6_ptr),
	DERIVED("icmp6.length", PKT_F_UINT, L_ICMP6, 8, get_icmp6_length,
		put_icmp6_length),
	DERIVED("icmp6.unused", PKT_F_HEX, L_ICMP6, 24, get_icmp6_unused,
		put_icmp6_unused),
	DERIVED("icmp6.tgt", PKT_F_IP6, L_ICMP6, 128, get_icmp6_tgt,
		put_icmp6_tgt),
	DERIVED("icmp6.options", PKT_F_BYTES, L_ICMP6, 0, get_icmp6_options,
		NULL),
	DERIVED("icmp6.opt.srclladdr", PKT_F_MAC, L_ICMP6, 48,
		get_ndopt_srclladdr, NULL),
	DERIVED("icmp6.opt.tgtlladdr", PKT_F_MAC, L_ICMP6, 48,
		get_ndopt_tgtlladdr, NULL),
	DERIVED("icmp6.opt.mtu", PKT_F_UINT, L_ICMP6, 32, get_ndopt_mtu, NULL),
	DERIVED("icmp6.opt.prefixlen", PKT_F_UINT, L_ICMP6, 8,
		get_ndopt_prefixlen, NULL),
	DERIVED("icmp6.opt.prefix", PKT_F_IP6, L_ICMP6, 128, get_ndopt_prefix,
		NULL),

	PLAIN("tcp.sport", PKT_F_UINT, PKT_L_TCP, 16, tcp.sport),
	PLAIN("tcp.dport", PKT_F_UINT, PKT_L_TCP, 16, tcp.dport),
	PLAIN("tcp.seq", PKT_F_UINT, PKT_L_TCP, 32, tcp.seq),
	PLAIN("tcp.ack", PKT_F_UINT, PKT_L_TCP, 32, tcp.ack),
	PLAIN("tcp.dataofs", PKT_F_UINT, PKT_L_TCP, 4, tcp.dataofs),
	PLAIN("tcp.reserved", PKT_F_UINT, PKT_L_TCP, 3, tcp.reserved),
	PLAIN("tcp.flags", PKT_F_TCPFLAGS, PKT_L_TCP, 9, tcp.flags),
	PLAIN("tcp.window", PKT_F_UINT, PKT_L_TCP, 16, tcp.window),
	PLAIN("tcp.chksum", PKT_F_HEX, PKT_L_TCP, 16, tcp.chksum),
	PLAIN("tcp.urgptr", PKT_F_UINT, PKT_L_TCP, 16, tcp.urgptr),
	DERIVED("tcp.options", PKT_F_BYTES, PKT_L_TCP, 0, get_tcp_options,
		NULL),
	DERIVED("tcp.options.mss", PKT_F_UINT, PKT_L_TCP, 16, get_tcp_mss,
		NULL),
	DERIVED("tcp.options.wscale", PKT_F_UINT, PKT_L_TCP, 8, get_tcp_wscale,
		NULL),
	DERIVED("tcp.options.sackok", PKT_F_UINT, PKT_L_TCP, 1, get_tcp_sackok,
		NULL),
	DERIVED("tcp.options.sack", PKT_F_BYTES, PKT_L_TCP, 0, get_tcp_sack,
		NULL),
	DERIVED("tcp.options.tsval", PKT_F_UINT, PKT_L_TCP, 32, get_tcp_tsval,
		NULL),
	DERIVED("tcp.options.tsecr", PKT_F_UINT, PKT_L_TCP, 32, get_tcp_tsecr,
		NULL),

	PLAIN("udp.sport", PKT_F_UINT, PKT_L_UDP, 16, udp.sport),
	PLAIN("udp.dport", PKT_F_UINT, PKT_L_UDP, 16, udp.dport),
	PLAIN("udp.len", PKT_F_UINT, PKT_L_UDP, 16, udp.len),
	PLAIN("udp.chksum", PKT_F_HEX, PKT_L_UDP, 16, udp.chksum),

	IP4_FIELDS("iperror", PKT_L_IPERROR, iperror),
	IP6_FIELDS("iperror6", PKT_L_IPERROR6, iperror6),
	PLAIN("tcperror.sport", PKT_F_UINT, PKT_L_TCPERROR, 16, l4error.sport),
	PLAIN("tcperror.dport", PKT_F_UINT, PKT_L_TCPERROR, 16, l4error.dport),
	PLAIN("tcperror.seq", PKT_F_UINT, PKT_L_TCPERROR, 32, l4error.seq),
	PLAIN("udperror.sport", PKT_F_UINT, PKT_L_UDPERROR, 16, l4error.sport),
	PLAIN("udperror.dport", PKT_F_UINT, PKT_L_UDPERROR, 16, l4error.dport),
	PLAIN("udperror.len", PKT_F_UINT, PKT_L_UDPERROR, 16, l4error.len),
	PLAIN("udperror.chksum", PKT_F_HEX, PKT_L_UDPERROR, 16, l4error.chksum),
	PLAIN("icmperror.type", PKT_F_UINT, PKT_L_ICMPERROR, 8, l4error.type),
	PLAIN("icmperror.code", PKT_F_UINT, PKT_L_ICMPERROR, 8, l4error.code),
	DERIVED("icmperror.id", PKT_F_HEX, PKT_L_ICMPERROR, 16,
		get_icmperror_id, NULL),
	DERIVED("icmperror.seq", PKT_F_HEX, PKT_L_ICMPERROR, 16,
		get_icmperror_seq, NULL),

	PLAIN("raw.load", PKT_F_BYTES, PKT_L_RAW, 0, payload),
	DERIVED("raw.len", PKT_F_UINT, PKT_L_RAW, 32, get_raw_len, NULL),
	PLAIN("padding.load", PKT_F_BYTES, PKT_L_PADDING, 0, padding),
	{ .name = NULL },
};

const struct pkt_field *pkt_field_find(const char *name)
{
	const struct pkt_field *f;

	if (!name)
		return NULL;
	for (f = pkt_fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static uint64_t load_uint(const void *at, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, at, 1);
		return u8;
	case 2:
		memcpy(&u16, at, 2);
		return u16;
	case 4:
		memcpy(&u32, at, 4);
		return u32;
	case 8:
		memcpy(&u64, at, 8);
		return u64;
	}
	return 0;
}

static void store_uint(void *at, size_t size, uint64_t u)
{
	uint8_t u8 = (uint8_t)u;
	uint16_t u16 = (uint16_t)u;
	uint32_t u32 = (uint32_t)u;

	switch (size) {
	case 1:
		memcpy(at, &u8, 1);
		break;
	case 2:
		memcpy(at, &u16, 2);
		break;
	case 4:
		memcpy(at, &u32, 4);
		break;
	case 8:
		memcpy(at, &u, 8);
		break;
	}
}

bool pkt_field_get(const struct pkt *p, const struct pkt_field *f,
		   struct pkt_value *v)
{
	const uint8_t *at;

	memset(v, 0, sizeof(*v));
	if (!p || !f || !f->name || !(p->has & f->layer))
		return false;
	if (f->get)
		return f->get(p, v);
	at = (const uint8_t *)p + f->off;
	switch (f->type) {
	case PKT_F_UINT:
	case PKT_F_HEX:
	case PKT_F_TCPFLAGS:
	case PKT_F_IPFLAGS:
		v->u = load_uint(at, f->size);
		return true;
	case PKT_F_MAC:
	case PKT_F_IP4:
	case PKT_F_IP6:
		if (f->size > sizeof(v->addr))
			return false;
		set_addr(v, at, f->size);
		return true;
	case PKT_F_BYTES:
		memcpy(&v->b, at, sizeof(v->b));
		if (!v->b.p)
			v->b.len = 0;
		return true;
	}
	return false;
}

/* Fields a builder computes unless the caller sets them. */
static const struct {
	const char *name;
	uint32_t set;
} set_bits[] = {
	{ "ip.ihl", PKT_SET_IP_IHL },
	{ "ip.len", PKT_SET_IP_LEN },
	{ "ip.chksum", PKT_SET_IP_CHKSUM },
	{ "ip6.plen", PKT_SET_IP6_PLEN },
	{ "tcp.dataofs", PKT_SET_TCP_DATAOFS },
	{ "tcp.chksum", PKT_SET_TCP_CHKSUM },
	{ "udp.len", PKT_SET_UDP_LEN },
	{ "udp.chksum", PKT_SET_UDP_CHKSUM },
	{ "icmp.chksum", PKT_SET_ICMP_CHKSUM },
	{ "icmp6.cksum", PKT_SET_ICMP6_CKSUM },
};

/*
 * The PKT_SET_* bit a field carries, looked up by name once per field and
 * remembered by its index: puts happen per frame, names do not change.
 */
static uint32_t set_bit_of(const struct pkt_field *f)
{
	static uint32_t cache[256];
	static bool ready;
	size_t i, k, n = 0;

	if (!ready) {
		for (k = 0; pkt_fields[k].name && k < 256; k++)
			for (i = 0; i < sizeof(set_bits) / sizeof(set_bits[0]);
			     i++)
				if (strcmp(set_bits[i].name,
					   pkt_fields[k].name) == 0)
					cache[k] = set_bits[i].set;
		ready = true;
	}
	if (f >= pkt_fields) {
		n = (size_t)(f - pkt_fields);
		if (n < 256 && pkt_fields[n].name == f->name)
			return cache[n];
	}
	for (i = 0; i < sizeof(set_bits) / sizeof(set_bits[0]); i++)
		if (strcmp(set_bits[i].name, f->name) == 0)
			return set_bits[i].set;
	return 0;
}

bool pkt_field_put(struct pkt *p, const struct pkt_field *f,
		   const struct pkt_value *v)
{
	uint8_t *at;
	bool ok = false;

	if (!p || !f || !f->name || !v)
		return false;
	at = (uint8_t *)p + f->off;
	if (f->put) {
		ok = f->put(p, v);
	} else if (f->get) {
		return false; /* derived and read-only */
	} else {
		switch (f->type) {
		case PKT_F_UINT:
		case PKT_F_HEX:
		case PKT_F_TCPFLAGS:
		case PKT_F_IPFLAGS:
			if (v->u > mask_of(f->bits))
				return false;
			store_uint(at, f->size, v->u);
			ok = true;
			break;
		case PKT_F_MAC:
		case PKT_F_IP4:
		case PKT_F_IP6:
			memcpy(at, addr_of(v, f->size), f->size);
			ok = true;
			break;
		case PKT_F_BYTES:
			memcpy(at, &v->b, sizeof(v->b));
			ok = true;
			break;
		}
	}
	if (!ok)
		return false;
	p->set |= set_bit_of(f);
	return true;
}
