/* SPDX-License-Identifier: MIT */
/*
 * nft.c - the firewall of spec.h as an nfnetlink batch (libnftnl), sent
 * and acknowledged over a libmnl socket that the process keeps; see nft.h.
 *
 * What each rule is made of, the bytecode nft 1.0.6 generates for the
 * text fw_spec_print() writes (`nft --debug=netlink`), register 1 for
 * every load, "P" the payload of the network (nh) or transport (th) header:
 *
 *   ip daddr A           meta protocol == 0x0800 (netdev) or
 *                        meta nfproto == 2 (inet); P nh+16/4 == A
 *   ip6 daddr A          meta protocol == 0x86dd or meta nfproto == 10;
 *                        P nh+24/16 == A
 *   arp operation request arp daddr ip A
 *                        meta protocol == 0x0806; P nh+6/2 == 1;
 *                        P nh+24/4 == A   (netdev only)
 *   tcp|udp dport N      meta l4proto == 6|17; P th+2/2 == N
 *   meta l4proto P       meta l4proto == P
 *   meta protocol ip|ip6 and then either of these two (fw_rule.family
 *                        4 or 6): meta protocol == 0x0800|0x86dd first,
 *                        in either family, as fw_spec_print() says
 *   ip[6] saddr A tcp flags & rst == rst
 *                        L3 check; P nh+12/4 (nh+8/16) == A;
 *                        meta l4proto == 6; P th+13/1; & 0x04 ^ 0;
 *                        == 0x04
 *   ip saddr A icmp type destination-unreachable icmp code port-unreachable
 *                        L3 check; P nh+12/4 == A; meta l4proto == 1;
 *                        P th+0/2 == 03 03
 *   ip6 saddr A icmpv6 type destination-unreachable icmpv6 code
 *   port-unreachable     L3 check; P nh+8/16 == A; meta l4proto == 58;
 *                        P th+0/2 == 01 04
 *
 * then `immediate drop`, and the comment as user data.  Payload bytes and
 * compared values are in network order, as nft stores them.
 *
 * A rule with a set (`tcp dport { 22, 80 }`, fw_rule.n_set) is what nft
 * makes of that text: an anonymous constant set, NEWSET "__set%d" (flags
 * anonymous | constant, the key's type and length, its size, a number
 * that names it in this batch, key byte order as user data), its keys in
 * NEWSETELEM messages of FW_NFT_SET_CHUNK, then the rule, in which
 * `lookup reg 1 set __set%d` takes the place of the key's cmp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft.h"

/*
 * Room for one message.  libnftnl writes without a bound, so every message
 * is built in a scratch buffer this large and copied out; what goes in is
 * bounded: fixed table and chain names, iface < IFNAMSIZ, at most ten
 * expressions (about 520 bytes for the longest rule, the RST one), user
 * data of at most 2 + FW_NFT_COMMENT_MAX + 1 bytes.  The longest message
 * is under 800 bytes; test_nft.c checks every kind stays under half this.
 */
#define FW_NFT_MSG_MAX 2048

/*
 * Keys per NEWSETELEM message: one key takes at most 28 bytes (two nests
 * and a 16-byte value), so 64 and the headers stay under FW_NFT_MSG_MAX.
 */
#define FW_NFT_SET_CHUNK 64

/* An anonymous set's name; the kernel puts a number for %d. */
#define FW_SET_NAME "__set%d"

/* How long to wait for the kernel's answer; it normally is already there. */
#define FW_NFT_TIMEOUT_MS 5000

struct fw_nft {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq; /* next sequence number to use */
	uint32_t rx[4096]; /* 16 KiB, aligned for struct nlmsghdr */
};

/* The batch being written: bytes that did not fit are counted only. */
struct out {
	uint8_t *buf;
	size_t cap;
	size_t len;
	uint32_t seq;
	uint32_t set_id; /* the last set's number in this batch */
};

/*
 * One message being built.  Cleared before use: libmnl does not zero the
 * padding after an attribute, and those bytes go to the kernel (valgrind
 * saw them, in test_valgrind).
 */
union scratch {
	struct nlmsghdr nlh;
	char b[FW_NFT_MSG_MAX];
};

static void put(struct out *o, const struct nlmsghdr *nlh)
{
	if (o->buf && o->len <= o->cap && nlh->nlmsg_len <= o->cap - o->len)
		memcpy(o->buf + o->len, nlh, nlh->nlmsg_len);
	o->len += nlh->nlmsg_len;
	o->seq++;
}

/* Whether r can be written in a chain of this family (nft would say so). */
static bool rule_ok(const struct fw_rule *r, bool netdev)
{
	if (r->n_set && (r->match == FW_L4_PROTO || !r->set))
		return false;
	switch (r->match) {
	case FW_ARP_DADDR:
		return netdev; /* no ARP in an inet table */
	case FW_L4_DPORT:
		if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
			return false;
		__attribute__((fallthrough));
	case FW_L4_PROTO:
		return r->family == 0 || r->family == 4 || r->family == 6;
	case FW_IP4_DADDR:
	case FW_IP6_DADDR:
	case FW_OUT_RST4:
	case FW_OUT_RST6:
	case FW_OUT_UNREACH4:
	case FW_OUT_UNREACH6:
		return true;
	}
	return false;
}

static int add_expr(struct nftnl_rule *nr, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(nr, e);
	return 0;
}

static int meta(struct nftnl_rule *nr, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return add_expr(nr, e);
}

static int payload(struct nftnl_rule *nr, uint32_t base, uint32_t off,
		   uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return add_expr(nr, e);
}

static int cmp(struct nftnl_rule *nr, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return add_expr(nr, e);
}

/* The key's test: == data, or, with a set (set_id), in it. */
static int key_cmp(struct nftnl_rule *nr, uint32_t set_id, const void *data,
		   uint32_t len)
{
	struct nftnl_expr *e;

	if (!set_id)
		return cmp(nr, data, len);
	e = nftnl_expr_alloc("lookup");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, FW_SET_NAME);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	}
	return add_expr(nr, e);
}

static int meta_cmp(struct nftnl_rule *nr, uint32_t key, const void *data,
		    uint32_t len)
{
	int ret = meta(nr, key);

	return ret < 0 ? ret : cmp(nr, data, len);
}

static int payload_cmp(struct nftnl_rule *nr, uint32_t base, uint32_t off,
		       const void *data, uint32_t len)
{
	int ret = payload(nr, base, off, len);

	return ret < 0 ? ret : cmp(nr, data, len);
}

/* The layer 3 protocol check nft puts before an ip or ip6 match. */
static int l3(struct nftnl_rule *nr, bool netdev, bool v4)
{
	uint16_t proto = htons(v4 ? ETH_P_IP : ETH_P_IPV6);
	uint8_t nfproto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;

	if (netdev)
		return meta_cmp(nr, NFT_META_PROTOCOL, &proto, sizeof(proto));
	return meta_cmp(nr, NFT_META_NFPROTO, &nfproto, sizeof(nfproto));
}

static int l4proto(struct nftnl_rule *nr, uint8_t proto)
{
	return meta_cmp(nr, NFT_META_L4PROTO, &proto, sizeof(proto));
}

/* "tcp flags & rst == rst", after the meta l4proto check. */
static int tcp_rst(struct nftnl_rule *nr)
{
	static const uint8_t rst = 0x04, zero = 0;
	struct nftnl_expr *e;
	int ret;

	ret = l4proto(nr, IPPROTO_TCP);
	if (ret < 0)
		return ret;
	ret = payload(nr, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	if (ret < 0)
		return ret;
	e = nftnl_expr_alloc("bitwise");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &rst, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
	}
	ret = add_expr(nr, e);
	return ret < 0 ? ret : cmp(nr, &rst, 1);
}

static int drop(struct nftnl_rule *nr)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	}
	return add_expr(nr, e);
}

/* The expressions of r (rule_ok() has accepted it), verdict included. */
static int rule_exprs(struct nftnl_rule *nr, const struct fw_rule *r,
		      bool netdev, uint32_t set_id)
{
	static const uint8_t unreach4[2] = { 3, 3 }, unreach6[2] = { 1, 4 };
	const uint32_t nh = NFT_PAYLOAD_NETWORK_HEADER;
	const uint32_t th = NFT_PAYLOAD_TRANSPORT_HEADER;
	bool v4 = r->match == FW_IP4_DADDR || r->match == FW_OUT_RST4 ||
		  r->match == FW_OUT_UNREACH4;
	uint16_t be16;
	int ret = 0;

	switch (r->match) {
	case FW_IP4_DADDR:
	case FW_IP6_DADDR:
		ret = l3(nr, netdev, v4);
		if (ret >= 0)
			ret = payload(nr, nh, v4 ? 16 : 24, v4 ? 4 : 16);
		if (ret >= 0)
			ret = key_cmp(nr, set_id, r->addr, v4 ? 4 : 16);
		break;
	case FW_ARP_DADDR:
		be16 = htons(ETH_P_ARP);
		ret = meta_cmp(nr, NFT_META_PROTOCOL, &be16, 2);
		be16 = htons(1); /* ARPOP_REQUEST */
		if (ret >= 0)
			ret = payload_cmp(nr, nh, 6, &be16, 2);
		/* Ethernet/IPv4 ARP: 8 + 6 + 4 + 6 bytes before tpa. */
		if (ret >= 0)
			ret = payload(nr, nh, 24, 4);
		if (ret >= 0)
			ret = key_cmp(nr, set_id, r->addr, 4);
		break;
	case FW_L4_DPORT:
	case FW_L4_PROTO:
		if (r->family)
			ret = l3(nr, true, r->family == 4);
		if (ret >= 0)
			ret = l4proto(nr, r->proto);
		be16 = htons(r->port);
		if (ret >= 0 && r->match == FW_L4_DPORT)
			ret = payload(nr, th, 2, 2);
		if (ret >= 0 && r->match == FW_L4_DPORT)
			ret = key_cmp(nr, set_id, &be16, 2);
		break;
	case FW_OUT_RST4:
	case FW_OUT_RST6:
	case FW_OUT_UNREACH4:
	case FW_OUT_UNREACH6:
		ret = l3(nr, netdev, v4);
		if (ret >= 0)
			ret = payload(nr, nh, v4 ? 12 : 8, v4 ? 4 : 16);
		if (ret >= 0)
			ret = key_cmp(nr, set_id, r->addr, v4 ? 4 : 16);
		if (ret < 0)
			break;
		if (r->match == FW_OUT_RST4 || r->match == FW_OUT_RST6)
			ret = tcp_rst(nr);
		else
			ret = l4proto(nr, v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
		if (ret >= 0 && r->match == FW_OUT_UNREACH4)
			ret = payload_cmp(nr, th, 0, unreach4, 2);
		if (ret >= 0 && r->match == FW_OUT_UNREACH6)
			ret = payload_cmp(nr, th, 0, unreach6, 2);
		break;
	}
	return ret < 0 ? ret : drop(nr);
}

/* The comment as nft writes it: one NFTNL_UDATA_RULE_COMMENT TLV. */
static int rule_comment(struct nftnl_rule *nr, const char *comment)
{
	char s[FW_NFT_COMMENT_MAX + 1];
	struct nftnl_udata_buf *ud;
	size_t n = strnlen(comment, FW_NFT_COMMENT_MAX);
	int ret = -ENOMEM;

	memcpy(s, comment, n);
	s[n] = '\0';
	ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!ud)
		return -ENOMEM;
	if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, s)) {
		ret = -EINVAL;
		goto out;
	}
	if (nftnl_rule_set_data(nr, NFTNL_RULE_USERDATA,
				nftnl_udata_buf_data(ud),
				nftnl_udata_buf_len(ud)) < 0)
		goto out;
	ret = 0;
out:
	nftnl_udata_buf_free(ud);
	return ret;
}

static int put_rule(struct out *o, uint16_t family, const char *chain,
		    const struct fw_rule *r, uint32_t set_id, uint16_t flags)
{
	struct nftnl_rule *nr;
	union scratch m = { .b = { 0 } };
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;

	if (!rule_ok(r, family == NFPROTO_NETDEV))
		return -EINVAL;
	nr = nftnl_rule_alloc();
	if (!nr)
		return -ENOMEM;
	if (nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, FW_TABLE) < 0 ||
	    nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain) < 0)
		goto out;
	ret = rule_exprs(nr, r, family == NFPROTO_NETDEV, set_id);
	if (ret >= 0 && r->comment)
		ret = rule_comment(nr, r->comment);
	if (ret < 0)
		goto out;
	nlh = nftnl_rule_nlmsg_build_hdr(m.b, NFT_MSG_NEWRULE, family,
					 NLM_F_CREATE | NLM_F_APPEND | flags,
					 o->seq);
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	put(o, nlh);
	ret = 0;
out:
	nftnl_rule_free(nr);
	return ret;
}

/* nft's data types of set keys (its datatype.h), for `nft list`. */
enum { TYPE_IPADDR = 7, TYPE_IP6ADDR = 8, TYPE_INET_SERVICE = 13 };
#define BYTEORDER_BIG_ENDIAN 2

/* A set of this batch, named by id, for NEWSET or NEWSETELEM. */
static struct nftnl_set *set_new(uint16_t family, uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s && (nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE) < 0 ||
		  nftnl_set_set_str(s, NFTNL_SET_NAME, FW_SET_NAME) < 0)) {
		nftnl_set_free(s);
		return NULL;
	}
	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, family);
		nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	}
	return s;
}

/*
 * The set of r (rule_ok() has accepted it), numbered o->set_id + 1: a
 * NEWSET, then NEWSETELEM messages of FW_NFT_SET_CHUNK keys.
 */
static int put_set(struct out *o, uint16_t family, const struct fw_rule *r)
{
	unsigned klen = fw_key_len(r);
	uint32_t id = ++o->set_id, i, k;
	union scratch m = { .b = { 0 } };
	struct nftnl_udata_buf *ud;
	struct nlmsghdr *nlh;
	struct nftnl_set *s;
	int ret = -ENOMEM;

	s = set_new(family, id);
	ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!s || !ud)
		goto out;
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
			  NFT_SET_ANONYMOUS | NFT_SET_CONSTANT);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE,
			  klen == 2 ? TYPE_INET_SERVICE :
			  klen == 4 ? TYPE_IPADDR :
				      TYPE_IP6ADDR);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, klen);
	nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, r->n_set);
	if (!nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER,
				 BYTEORDER_BIG_ENDIAN) ||
	    nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			       nftnl_udata_buf_len(ud)) < 0)
		goto out;
	nlh = nftnl_set_nlmsg_build_hdr(m.b, NFT_MSG_NEWSET, family,
					NLM_F_CREATE, o->seq);
	nftnl_set_nlmsg_build_payload(nlh, s);
	put(o, nlh);
	for (i = 0; i < r->n_set; i += FW_NFT_SET_CHUNK) {
		nftnl_set_free(s);
		s = set_new(family, id);
		if (!s)
			goto out;
		for (k = i; k < r->n_set && k < i + FW_NFT_SET_CHUNK; k++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();

			if (!e)
				goto out;
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY,
					   r->set + (size_t)k * klen, klen);
			nftnl_set_elem_add(s, e);
		}
		memset(&m, 0, sizeof(m));
		nlh = nftnl_set_nlmsg_build_hdr(m.b, NFT_MSG_NEWSETELEM, family,
						NLM_F_CREATE, o->seq);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		put(o, nlh);
	}
	ret = 0;
out:
	nftnl_udata_buf_free(ud);
	if (s)
		nftnl_set_free(s);
	return ret;
}

/* Messages of one rule: its set's (NEWSET, NEWSETELEM...) and its own. */
static size_t rule_msgs(const struct fw_rule *r)
{
	if (!r->n_set)
		return 1;
	return 2 + ((size_t)r->n_set + FW_NFT_SET_CHUNK - 1) / FW_NFT_SET_CHUNK;
}

size_t fw_nft_batch_msgs(const struct fw_spec *spec)
{
	size_t n = 2 + 8, i;

	for (i = 0; i < spec->n_ingress; i++)
		n += rule_msgs(&spec->ingress[i]);
	for (i = 0; i < spec->n_output; i++)
		n += rule_msgs(&spec->output[i]);
	return n;
}

static int put_table(struct out *o, uint16_t family, uint16_t type,
		     uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	union scratch m = { .b = { 0 } };
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;

	if (!t)
		return -ENOMEM;
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TABLE) < 0)
		goto out;
	if (type == NFT_MSG_NEWTABLE)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nlh = nftnl_table_nlmsg_build_hdr(m.b, type, family, flags, o->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	put(o, nlh);
	ret = 0;
out:
	nftnl_table_free(t);
	return ret;
}

static int put_chain(struct out *o, uint16_t family, const char *name,
		     uint32_t hook, int32_t prio, const char *dev,
		     uint16_t flags)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	union scratch m = { .b = { 0 } };
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;

	if (!c)
		return -ENOMEM;
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TABLE) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0 ||
	    (dev && nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, dev) < 0))
		goto out;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(m.b, NFT_MSG_NEWCHAIN, family,
					  NLM_F_CREATE | NLM_F_EXCL | flags,
					  o->seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	put(o, nlh);
	ret = 0;
out:
	nftnl_chain_free(c);
	return ret;
}

/*
 * One table: add (a no-op when this socket already owns it), delete, add
 * again, then its base chain and rules.  ack asks the kernel to
 * acknowledge the last message.
 */
static int put_family(struct out *o, uint16_t family, const char *chain,
		      uint32_t hook, int32_t prio, const char *dev,
		      const struct fw_rule *rules, size_t n, bool ack)
{
	uint16_t last = 0;
	size_t i;
	int ret;

	ret = put_table(o, family, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	if (ret >= 0)
		ret = put_table(o, family, NFT_MSG_DELTABLE, 0);
	if (ret >= 0)
		ret = put_table(o, family, NFT_MSG_NEWTABLE,
				NLM_F_CREATE | NLM_F_EXCL);
	if (ack && !n)
		last = NLM_F_ACK;
	if (ret >= 0)
		ret = put_chain(o, family, chain, hook, prio, dev, last);
	for (i = 0; ret >= 0 && i < n; i++) {
		uint32_t set_id = 0;

		if (ack && i == n - 1)
			last = NLM_F_ACK;
		if (rules[i].n_set) {
			if (!rule_ok(&rules[i], family == NFPROTO_NETDEV))
				return -EINVAL;
			ret = put_set(o, family, &rules[i]);
			set_id = o->set_id;
		}
		if (ret >= 0)
			ret = put_rule(o, family, chain, &rules[i], set_id,
				       last);
	}
	return ret;
}

static bool iface_ok(const char *iface)
{
	size_t n = iface ? strnlen(iface, IFNAMSIZ) : 0;

	return n > 0 && n < IFNAMSIZ;
}

int fw_nft_build_batch(const struct fw_spec *spec, const char *iface,
		       uint32_t seq, void *buf, size_t cap, size_t *len)
{
	struct out o = { .buf = buf, .cap = buf ? cap : 0, .seq = seq };
	union scratch m = { .b = { 0 } };
	int ret = -EINVAL;

	*len = 0;
	if (!iface_ok(iface))
		goto out;
	put(&o, nftnl_batch_begin(m.b, o.seq));
	ret = put_family(&o, NFPROTO_NETDEV, "ingress", NF_NETDEV_INGRESS,
			 FW_INGRESS_PRIORITY, iface, spec->ingress,
			 spec->n_ingress, false);
	if (ret < 0)
		goto out;
	ret = put_family(&o, NFPROTO_INET, "output", NF_INET_LOCAL_OUT, 0, NULL,
			 spec->output, spec->n_output, true);
	if (ret < 0)
		goto out;
	put(&o, nftnl_batch_end(m.b, o.seq));
	*len = o.len;
	ret = o.len > o.cap ? -ENOSPC : 0;
out:
	return ret;
}

/* What the kernel said about messages first .. last (sequence numbers). */
struct acks {
	uint32_t first, last;
	int err; /* the first error, negative */
	uint32_t err_seq;
	bool done; /* the last message was answered */
	bool overrun; /* some answers were lost (ENOBUFS) */
};

static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct acks *a = data;
	uint32_t seq = nlh->nlmsg_seq;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Unsigned differences: correct across a sequence wrap. */
	if (seq - a->first > a->last - a->first)
		return MNL_CB_OK; /* an answer to an earlier request */
	if (e->error && !a->err) {
		a->err = e->error < 0 ? e->error : -e->error;
		a->err_seq = seq;
	}
	if (seq == a->last)
		a->done = true;
	return MNL_CB_OK;
}

/*
 * Reads the answers to a request just sent.  The kernel handles a netlink
 * request inside the sender's sendmsg(), so they are normally all queued
 * already; the poll timeout is only a guard.
 */
static int recv_acks(struct fw_nft *fw, struct acks *a)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = ack_cb };
	int fd = mnl_socket_get_fd(fw->nl);
	ssize_t n;
	int ret;

	while (!a->done) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		/* After an error the kernel may stop answering (a rejected
		 * batch header): then what is queued is all there is. */
		bool failed = a->err || a->overrun;

		ret = poll(&p, 1, failed ? 0 : FW_NFT_TIMEOUT_MS);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return failed ? 0 : -ETIMEDOUT;
		n = mnl_socket_recvfrom(fw->nl, fw->rx, sizeof(fw->rx));
		if (n < 0 && errno == ENOBUFS) {
			a->overrun = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(fw->rx, (size_t)n, 0, fw->portid, NULL, a,
				  ctl, NLMSG_MIN_TYPE);
		if (ret < 0)
			return -errno;
	}
	return 0;
}

/* Empties the receive queue of anything left from an earlier request. */
static void drain(struct fw_nft *fw)
{
	int fd = mnl_socket_get_fd(fw->nl);
	int i;

	for (i = 0; i < 1024; i++)
		if (recv(fd, fw->rx, sizeof(fw->rx), MSG_DONTWAIT) < 0 &&
		    errno != EINTR && errno != ENOBUFS)
			break;
}

/* Asks for the ruleset generation: does this kernel do nf_tables? */
static int probe(struct fw_nft *fw)
{
	union scratch m = { .b = { 0 } };
	struct nlmsghdr *nlh;
	struct acks a = { .first = fw->seq, .last = fw->seq };
	int ret;

	nlh = nftnl_nlmsg_build_hdr(m.b, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK,
				    fw->seq++);
	if (mnl_socket_sendto(fw->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ret = recv_acks(fw, &a);
	if (ret < 0)
		return ret;
	return a.err;
}

int fw_nft_open(struct fw_nft **out)
{
	struct fw_nft *fw = calloc(1, sizeof(*fw));
	int one = 1, ret;

	*out = NULL;
	if (!fw)
		return -ENOMEM;
	/* Not inherited across exec: a child must not keep the tables. */
	fw->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!fw->nl) {
		ret = -errno; /* -EPROTONOSUPPORT: no nfnetlink */
		goto fail;
	}
	if (mnl_socket_bind(fw->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto fail;
	}
	fw->portid = mnl_socket_get_portid(fw->nl);
	fw->seq = (uint32_t)time(NULL);
	/* Error answers without a copy of the request: the sequence number
	 * says which one failed, and the queue holds more of them. */
	(void)mnl_socket_setsockopt(fw->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	ret = probe(fw);
	/* Without nf_tables, nfnetlink has no subsystem 10 for GETGEN. */
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		ret = -EPROTONOSUPPORT;
	if (ret < 0)
		goto fail;
	*out = fw;
	return 0;
fail:
	fw_nft_close(fw);
	return ret;
}

void fw_nft_close(struct fw_nft *fw)
{
	if (!fw)
		return;
	if (fw->nl)
		mnl_socket_close(fw->nl);
	free(fw);
}

/* Makes a socket buffer hold at least size bytes (best effort). */
static void grow_buf(int fd, int force, int opt, size_t size)
{
	int cur = 0, want;
	socklen_t sl = sizeof(cur);

	if (size > (size_t)INT32_MAX / 2)
		size = (size_t)INT32_MAX / 2;
	want = (int)size;
	if (getsockopt(fd, SOL_SOCKET, opt, &cur, &sl) == 0 && cur >= want)
		return;
	/* The FORCE variant ignores rmem_max/wmem_max (CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, force, &want, sizeof(want)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
}

static void fmt_addr(char *s, size_t n, bool v4, const uint8_t *a)
{
	if (!inet_ntop(v4 ? AF_INET : AF_INET6, a, s, (socklen_t)n))
		snprintf(s, n, "?");
}

/* A short form of r for error messages. */
static void fmt_rule(char *s, size_t n, const struct fw_rule *r)
{
	char a[INET6_ADDRSTRLEN + 16];
	bool v4 = r->match == FW_IP4_DADDR || r->match == FW_ARP_DADDR ||
		  r->match == FW_OUT_RST4 || r->match == FW_OUT_UNREACH4;

	if (r->n_set)
		snprintf(a, sizeof(a), "{ %u keys }", r->n_set);
	else
		fmt_addr(a, sizeof(a), v4, r->addr);
	switch (r->match) {
	case FW_IP4_DADDR:
	case FW_IP6_DADDR:
		snprintf(s, n, "%s daddr %s", v4 ? "ip" : "ip6", a);
		break;
	case FW_ARP_DADDR:
		snprintf(s, n, "arp daddr ip %s", a);
		break;
	case FW_L4_DPORT:
		if (!r->n_set)
			snprintf(a, sizeof(a), "%u", r->port);
		if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP)
			snprintf(s, n, "%s%s dport %s",
				 r->family == 4 ? "ip " :
				 r->family == 6 ? "ip6 " :
						  "",
				 r->proto == IPPROTO_TCP ? "tcp" : "udp", a);
		else
			snprintf(s, n, "l4proto %u dport %s", r->proto, a);
		break;
	case FW_L4_PROTO:
		snprintf(s, n, "%smeta l4proto %u",
			 r->family == 4 ? "ip " :
			 r->family == 6 ? "ip6 " :
					  "",
			 r->proto);
		break;
	case FW_OUT_RST4:
	case FW_OUT_RST6:
		snprintf(s, n, "%s saddr %s tcp rst", v4 ? "ip" : "ip6", a);
		break;
	case FW_OUT_UNREACH4:
	case FW_OUT_UNREACH6:
		snprintf(s, n, "%s saddr %s port unreachable",
			 v4 ? "ip" : "ip6", a);
		break;
	default:
		snprintf(s, n, "unknown match %d", (int)r->match);
	}
}

enum msg_kind { KIND_BATCH, KIND_TABLE, KIND_CHAIN, KIND_RULE };

/*
 * Names message idx of the batch (see nft.h for the layout): which table,
 * chain or rule an error concerns.  Returns what it is.
 */
static enum msg_kind fmt_msg(char *s, size_t n, const struct fw_spec *spec,
			     const char *iface, uint32_t idx)
{
	static const char *const fam[2] = { "netdev", "inet" };
	static const char *const chain[2] = { "ingress", "output" };
	const struct fw_rule *rules[2] = { spec->ingress, spec->output };
	size_t nr[2] = { spec->n_ingress, spec->n_output };
	const struct fw_rule *r;
	char rs[128];
	size_t k, i, j;

	if (idx == 0) {
		snprintf(s, n, "nftables batch");
		return KIND_BATCH;
	}
	i = idx - 1;
	for (k = 0; k < 2; k++) {
		if (i < 3) {
			snprintf(s, n, "table %s %s", fam[k], FW_TABLE);
			return KIND_TABLE;
		}
		if (i == 3) {
			snprintf(s, n, "table %s %s chain %s%s%s%s", fam[k],
				 FW_TABLE, chain[k], k ? "" : " (device ",
				 k ? "" : iface, k ? "" : ")");
			return KIND_CHAIN;
		}
		i -= 4;
		for (j = 0; j < nr[k]; j++) {
			size_t m = rule_msgs(&rules[k][j]);

			if (i >= m) {
				i -= m;
				continue;
			}
			r = &rules[k][j];
			fmt_rule(rs, sizeof(rs), r);
			snprintf(s, n, "%s rule %zu (%s%s, comment \"%.*s\")",
				 chain[k], j + 1, rs,
				 i + 1 < m ? ": its set" : "",
				 FW_NFT_COMMENT_MAX,
				 r->comment ? r->comment : "");
			return KIND_RULE;
		}
	}
	snprintf(s, n, "nftables batch end");
	return KIND_BATCH;
}

/* Words for the first error of an install, and the errno to return. */
static int explain(const struct fw_spec *spec, const char *iface,
		   const struct acks *a, char *err, size_t errlen)
{
	char what[256];
	const char *hint = "";
	enum msg_kind kind;
	int ret = a->err;

	kind = fmt_msg(what, sizeof(what), spec, iface, a->err_seq - a->first);
	if (kind == KIND_BATCH && ret == -EOPNOTSUPP) {
		/* nfnetlink has no nf_tables subsystem for the batch. */
		ret = -EPROTONOSUPPORT;
		hint = " (the kernel has no nf_tables)";
	} else if (kind == KIND_BATCH && ret == -EPERM) {
		hint = " (CAP_NET_ADMIN is needed)";
	} else if (kind == KIND_TABLE && ret == -EPERM) {
		hint = " (a table of that name is owned by another process:"
		       " is another riposte running in this network"
		       " namespace?)";
	} else if (kind == KIND_TABLE && ret == -EOPNOTSUPP) {
		hint = " (a table of that name exists without the owner flag:"
		       " not riposte's; `nft delete table` it first)";
	} else if (kind == KIND_CHAIN && ret == -ENOENT) {
		hint = " (no such interface)";
	}
	snprintf(err, errlen, "%s: %s%s", what, strerror(-ret), hint);
	return ret;
}

int fw_nft_install(struct fw_nft *fw, const struct fw_spec *spec,
		   const char *iface, char *err, size_t errlen)
{
	struct acks a = { 0 };
	uint8_t *buf = NULL;
	char what[256];
	size_t len, i;
	uint32_t seq = fw->seq;
	int ret;

	if (errlen)
		err[0] = '\0';
	ret = fw_nft_build_batch(spec, iface, seq, NULL, 0, &len);
	if (ret == -EINVAL) {
		snprintf(err, errlen, "bad interface name \"%.*s\"", IFNAMSIZ,
			 iface ? iface : "");
		for (i = 0;
		     iface_ok(iface) && i < spec->n_ingress + spec->n_output;
		     i++) {
			bool in = i < spec->n_ingress;
			const struct fw_rule *r =
				in ? &spec->ingress[i] :
				     &spec->output[i - spec->n_ingress];

			if (!rule_ok(r, in)) {
				fmt_rule(what, sizeof(what), r);
				snprintf(err, errlen,
					 "%s rule %zu (%s): not expressible "
					 "in this chain",
					 in ? "ingress" : "output",
					 (in ? i : i - spec->n_ingress) + 1,
					 what);
				break;
			}
		}
	}
	if (ret != -ENOSPC || !len)
		goto out; /* 0 is impossible with cap 0; a batch is never empty */
	buf = malloc(len);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = fw_nft_build_batch(spec, iface, seq, buf, len, &len);
	if (ret < 0)
		goto out;
	fw->seq += (uint32_t)fw_nft_batch_msgs(spec);
	a.first = seq;
	a.last = fw->seq - 2; /* the message with NLM_F_ACK, before END */

	drain(fw);
	/* A netlink message must fit in the send buffer, and every failed
	 * message of a failed batch gets an error answer (36 bytes with
	 * NETLINK_CAP_ACK). */
	grow_buf(mnl_socket_get_fd(fw->nl), SO_SNDBUFFORCE, SO_SNDBUF,
		 len + 4096);
	grow_buf(mnl_socket_get_fd(fw->nl), SO_RCVBUFFORCE, SO_RCVBUF,
		 (size_t)fw_nft_batch_msgs(spec) * 64 + 65536);
	if (mnl_socket_sendto(fw->nl, buf, len) < 0) {
		ret = -errno;
		snprintf(err, errlen, "sending the nftables batch: %s",
			 strerror(-ret));
		goto out;
	}
	ret = recv_acks(fw, &a);
	if (ret < 0) {
		snprintf(err, errlen, "reading the kernel's answer: %s",
			 strerror(-ret));
		goto out;
	}
	if (a.err) {
		ret = explain(spec, iface, &a, err, errlen);
		goto out;
	}
	if (a.overrun || !a.done) {
		ret = -ENOBUFS;
		snprintf(err, errlen,
			 "the kernel's answers overflowed the socket; "
			 "nothing was installed");
		goto out;
	}
	ret = 0;
out:
	if (ret < 0 && errlen && !err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	free(buf);
	return ret;
}
