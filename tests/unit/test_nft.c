/* SPDX-License-Identifier: MIT */
/*
 * test_nft.c - unit tests of src/fw/nft.c without a kernel: batches built
 * by fw_nft_build_batch() are parsed back with libnftnl and checked
 * message by message (sequence numbers, flags, tables, chain hooks, rule
 * bytecode, comments).
 *
 * The expected bytecode of every rule kind is what nft 1.0.6 itself
 * generates for the text fw_spec_print() writes: each string below was
 * printed by `nft --debug=netlink list ruleset` after `nft -f` of that
 * text, in the format libnftnl's nftnl_rule_snprintf() shares with nft.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fw/nft.h"

/* The expected bytecode reads best as nft prints it, one line per line. */
/* clang-format off */
#define A4 { 198, 51, 100, 10 }
#define A6 { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 }

/* Every kind of rule, in the chains fw_spec_build() puts them in. */
static const struct fw_rule ingress[] = {
	{ .match = FW_IP4_DADDR, .addr = A4, .comment = "host" },
	{ .match = FW_ARP_DADDR, .addr = A4, .comment = "host arp" },
	{ .match = FW_IP6_DADDR, .addr = A6, .comment = "host" },
	{ .match = FW_L4_DPORT, .proto = 17, .port = 7, .comment = "udp-echo" },
	{ .match = FW_L4_DPORT, .proto = 6, .port = 80, .comment = "x" },
	{ .match = FW_L4_PROTO, .proto = 1, .comment = "p1" },
	{ .match = FW_L4_PROTO, .proto = 58, .comment = "p58" },
	{ .match = FW_L4_PROTO, .proto = 6, .comment = "p6" },
	{ .match = FW_L4_DPORT, .proto = 17, .port = 7, .family = 4,
	  .comment = "udp-echo" },
	{ .match = FW_L4_DPORT, .proto = 17, .port = 7, .family = 6,
	  .comment = "udp-echo6" },
	{ .match = FW_L4_PROTO, .proto = 58, .family = 6 },
};

static const struct fw_rule output[] = {
	{ .match = FW_OUT_RST4, .addr = A4, .comment = "kernel RST" },
	{ .match = FW_OUT_UNREACH4, .addr = A4,
	  .comment = "kernel port unreachable" },
	{ .match = FW_OUT_RST6, .addr = A6, .comment = "kernel RST" },
	{ .match = FW_OUT_UNREACH6, .addr = A6,
	  .comment = "kernel port unreachable" },
	{ .match = FW_L4_DPORT, .proto = 17, .port = 7 }, /* no comment */
	{ .match = FW_L4_PROTO, .proto = 1 },
	{ .match = FW_L4_DPORT, .proto = 17, .port = 7, .family = 4,
	  .comment = "udp-echo" },
	{ .match = FW_L4_PROTO, .proto = 6, .family = 6 },
};

#define L3_IP4_NETDEV /* meta protocol ip, in either family */ \
	"  [ meta load protocol => reg 1 ]\n" \
	"  [ cmp eq reg 1 0x00000008 ]\n"
#define L3_IP6_NETDEV /* meta protocol ip6 */ \
	"  [ meta load protocol => reg 1 ]\n" \
	"  [ cmp eq reg 1 0x0000dd86 ]\n"
#define L3_IP4_INET \
	"  [ meta load nfproto => reg 1 ]\n" \
	"  [ cmp eq reg 1 0x00000002 ]\n"
#define L3_IP6_INET \
	"  [ meta load nfproto => reg 1 ]\n" \
	"  [ cmp eq reg 1 0x0000000a ]\n"
#define IS_A4 "  [ cmp eq reg 1 0x0a6433c6 ]\n"
#define IS_A6 "  [ cmp eq reg 1 0xb80d0120 0x00000000 0x00000000 0x10000000 ]\n"
#define L4(p) \
	"  [ meta load l4proto => reg 1 ]\n" \
	"  [ cmp eq reg 1 0x000000" p " ]\n"
#define RST \
	L4("06") \
	"  [ payload load 1b @ transport header + 13 => reg 1 ]\n" \
	"  [ bitwise reg 1 = ( reg 1 & 0x00000004 ) ^ 0x00000000 ]\n" \
	"  [ cmp eq reg 1 0x00000004 ]\n"
#define DROP "  [ immediate reg 0 drop ]\n"

static const char *const ingress_code[] = {
	"netdev riposte ingress\n" L3_IP4_NETDEV
	"  [ payload load 4b @ network header + 16 => reg 1 ]\n" IS_A4 DROP
	"  userdata = { \\x00\\x05host\\x00 }",

	"netdev riposte ingress\n"
	"  [ meta load protocol => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000608 ]\n"
	"  [ payload load 2b @ network header + 6 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000100 ]\n"
	"  [ payload load 4b @ network header + 24 => reg 1 ]\n" IS_A4 DROP
	"  userdata = { \\x00\\x09host arp\\x00 }",

	"netdev riposte ingress\n" L3_IP6_NETDEV
	"  [ payload load 16b @ network header + 24 => reg 1 ]\n" IS_A6 DROP
	"  userdata = { \\x00\\x05host\\x00 }",

	"netdev riposte ingress\n" L4("11")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000700 ]\n" DROP
	"  userdata = { \\x00\\x09udp-echo\\x00 }",

	"netdev riposte ingress\n" L4("06")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00005000 ]\n" DROP
	"  userdata = { \\x00\\x02x\\x00 }",

	"netdev riposte ingress\n" L4("01") DROP
	"  userdata = { \\x00\\x03p1\\x00 }",

	"netdev riposte ingress\n" L4("3a") DROP
	"  userdata = { \\x00\\x04p58\\x00 }",

	"netdev riposte ingress\n" L4("06") DROP
	"  userdata = { \\x00\\x03p6\\x00 }",

	/* meta protocol ip udp dport 7 */
	"netdev riposte ingress\n" L3_IP4_NETDEV L4("11")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000700 ]\n" DROP
	"  userdata = { \\x00\\x09udp-echo\\x00 }",

	/* meta protocol ip6 udp dport 7 */
	"netdev riposte ingress\n" L3_IP6_NETDEV L4("11")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000700 ]\n" DROP
	"  userdata = { \\x00\\x0audp-echo6\\x00 }",

	/* meta protocol ip6 meta l4proto icmpv6 */
	"netdev riposte ingress\n" L3_IP6_NETDEV L4("3a") DROP,
};

static const char *const output_code[] = {
	"inet riposte output\n" L3_IP4_INET
	"  [ payload load 4b @ network header + 12 => reg 1 ]\n" IS_A4 RST DROP
	"  userdata = { \\x00\\x0bkernel RST\\x00 }",

	"inet riposte output\n" L3_IP4_INET
	"  [ payload load 4b @ network header + 12 => reg 1 ]\n" IS_A4 L4("01")
	"  [ payload load 2b @ transport header + 0 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000303 ]\n" DROP
	"  userdata = { \\x00\\x18kernel port unreachable\\x00 }",

	"inet riposte output\n" L3_IP6_INET
	"  [ payload load 16b @ network header + 8 => reg 1 ]\n" IS_A6 RST DROP
	"  userdata = { \\x00\\x0bkernel RST\\x00 }",

	"inet riposte output\n" L3_IP6_INET
	"  [ payload load 16b @ network header + 8 => reg 1 ]\n" IS_A6 L4("3a")
	"  [ payload load 2b @ transport header + 0 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000401 ]\n" DROP
	"  userdata = { \\x00\\x18kernel port unreachable\\x00 }",

	"inet riposte output\n" L4("11")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000700 ]\n" DROP,

	"inet riposte output\n" L4("01") DROP,

	/* meta protocol ip udp dport 7 */
	"inet riposte output\n" L3_IP4_NETDEV L4("11")
	"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"  [ cmp eq reg 1 0x00000700 ]\n" DROP
	"  userdata = { \\x00\\x09udp-echo\\x00 }",

	/* meta protocol ip6 meta l4proto tcp */
	"inet riposte output\n" L3_IP6_NETDEV L4("06") DROP,
};
/* clang-format on */

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct fw_spec spec_of(const struct fw_rule *in, size_t n_in,
			      const struct fw_rule *out, size_t n_out)
{
	struct fw_spec s = { 0 };

	/* fw_spec holds non-const pointers; nothing here writes through. */
	s.ingress = (struct fw_rule *)(uintptr_t)in;
	s.n_ingress = n_in;
	s.output = (struct fw_rule *)(uintptr_t)out;
	s.n_output = n_out;
	return s;
}

/* Measures, then builds into an exact-size heap buffer (ASan sees
 * any write past it). */
static void *build(const struct fw_spec *s, const char *iface, uint32_t seq,
		   size_t *len)
{
	size_t need = 0;
	void *buf;

	assert_int_equal(fw_nft_build_batch(s, iface, seq, NULL, 0, &need),
			 -ENOSPC);
	assert_true(need > 0);
	buf = malloc(need);
	assert_non_null(buf);
	assert_int_equal(fw_nft_build_batch(s, iface, seq, buf, need, len), 0);
	assert_int_equal(*len, need);
	return buf;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static void check_table(const struct nlmsghdr *nlh, uint16_t type,
			uint32_t family, bool owner)
{
	struct nftnl_table *t = nftnl_table_alloc();

	assert_int_equal(nlh->nlmsg_type, (NFNL_SUBSYS_NFTABLES << 8) | type);
	assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
	assert_string_equal(nftnl_table_get_str(t, NFTNL_TABLE_NAME),
			    "riposte");
	assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), family);
	if (owner)
		assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS),
				 NFT_TABLE_F_OWNER);
	else
		assert_false(nftnl_table_is_set(t, NFTNL_TABLE_FLAGS));
	nftnl_table_free(t);
}

static void check_chain(const struct nlmsghdr *nlh, uint32_t family,
			const char *name, uint32_t hook, int32_t prio,
			const char *dev)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	assert_int_equal(nlh->nlmsg_type,
			 (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN);
	assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY), family);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
			    "riposte");
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), name);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter");
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), hook);
	assert_int_equal(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), prio);
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
	if (dev)
		assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_DEV),
				    dev);
	else
		assert_false(nftnl_chain_is_set(c, NFTNL_CHAIN_DEV));
	nftnl_chain_free(c);
}

static void check_rule(const struct nlmsghdr *nlh, const char *code)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char text[4096], want[4096];

	assert_int_equal(nlh->nlmsg_type,
			 (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE);
	assert_true(nlh->nlmsg_flags & NLM_F_CREATE);
	assert_true(nlh->nlmsg_flags & NLM_F_APPEND);
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	nftnl_rule_snprintf(text, sizeof(text), r, NFTNL_OUTPUT_DEFAULT, 0);
	trim(text);
	snprintf(want, sizeof(want), "%s", code);
	trim(want);
	assert_string_equal(text, want);
	nftnl_rule_free(r);
}

/*
 * Walks a whole batch: BEGIN, the netdev table (add, delete, add, chain,
 * rules), the inet table likewise, END; consecutive sequence numbers from
 * seq; NLM_F_ACK on the last table message only.
 */
static void check_batch(const void *buf, size_t len, uint32_t seq,
			const struct fw_spec *s, const char *iface,
			const char *const *in_code, const char *const *out_code)
{
	const struct nlmsghdr *m[64];
	const struct nlmsghdr *nlh = buf;
	const struct nfgenmsg *g;
	size_t n = 0, i, k;
	int rest = (int)len;

	while (mnl_nlmsg_ok(nlh, rest)) {
		assert_true(n < NELEMS(m));
		assert_int_equal(nlh->nlmsg_len % 4, 0);
		assert_int_equal(nlh->nlmsg_seq, (uint32_t)(seq + n));
		assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
		assert_true(nlh->nlmsg_len <=
			    1024); /* half of FW_NFT_MSG_MAX */
		m[n++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &rest);
	}
	assert_int_equal(rest, 0);
	assert_int_equal(n, fw_nft_batch_msgs(s));
	for (i = 0; i < n; i++)
		assert_int_equal(!!(m[i]->nlmsg_flags & NLM_F_ACK), i == n - 2);

	assert_int_equal(m[0]->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	g = mnl_nlmsg_get_payload(m[0]);
	assert_int_equal(ntohs(g->res_id), NFNL_SUBSYS_NFTABLES);
	assert_int_equal(m[n - 1]->nlmsg_type, NFNL_MSG_BATCH_END);

	k = 1;
	check_table(m[k++], NFT_MSG_NEWTABLE, NFPROTO_NETDEV, true);
	assert_false(m[k - 1]->nlmsg_flags & NLM_F_EXCL);
	check_table(m[k++], NFT_MSG_DELTABLE, NFPROTO_NETDEV, false);
	check_table(m[k++], NFT_MSG_NEWTABLE, NFPROTO_NETDEV, true);
	assert_true(m[k - 1]->nlmsg_flags & NLM_F_EXCL);
	check_chain(m[k++], NFPROTO_NETDEV, "ingress", NF_NETDEV_INGRESS,
		    FW_INGRESS_PRIORITY, iface);
	for (i = 0; i < s->n_ingress; i++)
		check_rule(m[k++], in_code[i]);
	check_table(m[k++], NFT_MSG_NEWTABLE, NFPROTO_INET, true);
	check_table(m[k++], NFT_MSG_DELTABLE, NFPROTO_INET, false);
	check_table(m[k++], NFT_MSG_NEWTABLE, NFPROTO_INET, true);
	check_chain(m[k++], NFPROTO_INET, "output", NF_INET_LOCAL_OUT, 0, NULL);
	for (i = 0; i < s->n_output; i++)
		check_rule(m[k++], out_code[i]);
	assert_int_equal(k, n - 1);
}

static void test_every_kind(void **state)
{
	struct fw_spec s =
		spec_of(ingress, NELEMS(ingress), output, NELEMS(output));
	size_t len;
	void *buf;

	(void)state;
	buf = build(&s, "veth0", 1000, &len);
	check_batch(buf, len, 1000, &s, "veth0", ingress_code, output_code);
	free(buf);
}

static void test_empty(void **state)
{
	struct fw_spec s = { 0 };
	size_t len;
	void *buf;

	(void)state;
	/* Longest name the kernel accepts: IFNAMSIZ - 1 bytes. */
	buf = build(&s, "abcdefghijklmno", 7, &len);
	check_batch(buf, len, 7, &s, "abcdefghijklmno", NULL, NULL);
	free(buf);
}

/* Ingress rules only: the ACK goes on the inet output chain. */
static void test_ingress_only(void **state)
{
	struct fw_spec s = spec_of(ingress, 2, NULL, 0);
	size_t len;
	void *buf;

	(void)state;
	buf = build(&s, "eth0", 42, &len);
	check_batch(buf, len, 42, &s, "eth0", ingress_code, NULL);
	free(buf);
}

static void test_seq_wraps(void **state)
{
	struct fw_spec s = spec_of(ingress, 3, output, 2);
	uint32_t seq = UINT32_MAX - 4;
	size_t len;
	void *buf;

	(void)state;
	buf = build(&s, "eth0", seq, &len);
	check_batch(buf, len, seq, &s, "eth0", ingress_code, output_code);
	free(buf);
}

/* Every capacity short of the size: -ENOSPC, the size in *len, and not
 * one byte written past the capacity. */
static void test_enospc(void **state)
{
	struct fw_spec s =
		spec_of(ingress, NELEMS(ingress), output, NELEMS(output));
	size_t len, need, cap, i;
	uint8_t *buf;

	(void)state;
	assert_int_equal(fw_nft_build_batch(&s, "eth0", 1, NULL, 0, &need),
			 -ENOSPC);
	buf = malloc(need + 64);
	assert_non_null(buf);
	for (cap = 0; cap < need; cap++) {
		memset(buf, 0xa5, need + 64);
		len = 0;
		assert_int_equal(
			fw_nft_build_batch(&s, "eth0", 1, buf, cap, &len),
			-ENOSPC);
		assert_int_equal(len, need);
		for (i = cap; i < need + 64; i++)
			if (buf[i] != 0xa5)
				fail_msg("cap %zu: byte %zu written", cap, i);
	}
	assert_int_equal(fw_nft_build_batch(&s, "eth0", 1, buf, need, &len), 0);
	assert_int_equal(len, need);
	free(buf);
}

static void test_invalid(void **state)
{
	static const struct fw_rule arp = { .match = FW_ARP_DADDR };
	static const struct fw_rule icmp_port = { .match = FW_L4_DPORT,
						  .proto = 1,
						  .port = 1 };
	struct fw_rule bad = { .match = FW_L4_PROTO };
	struct fw_spec ok = { 0 }, s;
	uint8_t buf[4096];
	size_t len = 1;

	(void)state;
	assert_int_equal(fw_nft_build_batch(&ok, "", 1, buf, sizeof(buf), &len),
			 -EINVAL);
	assert_int_equal(len, 0);
	assert_int_equal(
		fw_nft_build_batch(&ok, NULL, 1, buf, sizeof(buf), &len),
		-EINVAL);
	assert_int_equal(fw_nft_build_batch(&ok, "abcdefghijklmnop", 1, buf,
					    sizeof(buf), &len),
			 -EINVAL);
	/* No ARP in an inet table. */
	s = spec_of(NULL, 0, &arp, 1);
	assert_int_equal(
		fw_nft_build_batch(&s, "eth0", 1, buf, sizeof(buf), &len),
		-EINVAL);
	/* A port needs TCP or UDP. */
	s = spec_of(&icmp_port, 1, NULL, 0);
	assert_int_equal(
		fw_nft_build_batch(&s, "eth0", 1, buf, sizeof(buf), &len),
		-EINVAL);
	/* A family other than 0, 4 or 6. */
	bad.family = 5;
	s = spec_of(&bad, 1, NULL, 0);
	assert_int_equal(
		fw_nft_build_batch(&s, "eth0", 1, buf, sizeof(buf), &len),
		-EINVAL);
	bad.family = 0;
	/* An unknown match. */
	memset(&bad.match, 0x7f, sizeof(bad.match));
	s = spec_of(&bad, 1, NULL, 0);
	assert_int_equal(
		fw_nft_build_batch(&s, "eth0", 1, buf, sizeof(buf), &len),
		-EINVAL);
	assert_int_equal(len, 0);
}

struct comment {
	char text[512];
	size_t len; /* with the NUL */
	int n;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	struct comment *c = data;

	assert_int_equal(nftnl_udata_type(attr), NFTNL_UDATA_RULE_COMMENT);
	c->len = nftnl_udata_len(attr);
	memcpy(c->text, nftnl_udata_get(attr), c->len);
	c->n++;
	return 0;
}

/* Comments longer than nft's limit are cut; NULL means no user data. */
static void test_comments(void **state)
{
	struct fw_rule r[2] = {
		{ .match = FW_L4_PROTO, .proto = 6 },
		{ .match = FW_L4_PROTO, .proto = 6 },
	};
	char longname[300];
	struct fw_spec s = spec_of(r, 2, NULL, 0);
	const struct nlmsghdr *nlh;
	struct nftnl_rule *nr;
	struct comment c = { 0 };
	const void *ud;
	uint32_t udlen;
	size_t len;
	void *buf;
	int rest;

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r[0].comment = longname;
	buf = build(&s, "eth0", 1, &len);
	/* BEGIN, 3 table messages, the chain, then the two rules. */
	rest = (int)len;
	nlh = buf;
	for (int i = 0; i < 5; i++)
		nlh = mnl_nlmsg_next(nlh, &rest);

	nr = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, nr), 0);
	ud = nftnl_rule_get_data(nr, NFTNL_RULE_USERDATA, &udlen);
	assert_non_null(ud);
	assert_int_equal(nftnl_udata_parse(ud, udlen, comment_cb, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.len, FW_NFT_COMMENT_MAX + 1);
	assert_int_equal(strlen(c.text), FW_NFT_COMMENT_MAX);
	assert_memory_equal(c.text, longname, FW_NFT_COMMENT_MAX);
	nftnl_rule_free(nr);

	nlh = mnl_nlmsg_next(nlh, &rest);
	nr = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, nr), 0);
	assert_false(nftnl_rule_is_set(nr, NFTNL_RULE_USERDATA));
	nftnl_rule_free(nr);
	free(buf);
}

/* Checks a NEWSET and its NEWSETELEM messages at m: flags, key type and
 * length, size, the batch's number for it, and every key in order. */
static size_t check_set(const struct nlmsghdr *const *m, uint32_t family,
			uint32_t id, unsigned klen, uint32_t ktype,
			const uint8_t *keys, uint32_t n)
{
	struct nftnl_set *set = nftnl_set_alloc();
	uint32_t got = 0;
	size_t k = 0;

	assert_int_equal(m[k]->nlmsg_type,
			 (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWSET);
	assert_int_equal(nftnl_set_nlmsg_parse(m[k], set), 0);
	assert_string_equal(nftnl_set_get_str(set, NFTNL_SET_TABLE), "riposte");
	assert_string_equal(nftnl_set_get_str(set, NFTNL_SET_NAME), "__set%d");
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_FAMILY), family);
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_FLAGS),
			 NFT_SET_ANONYMOUS | NFT_SET_CONSTANT);
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN), klen);
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE), ktype);
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_ID), id);
	assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_DESC_SIZE), n);
	nftnl_set_free(set);
	for (k = 1; got < n; k++) {
		struct nlattr *a, *list = NULL, *el, *key, *v;
		struct nlmsghdr *mk = (struct nlmsghdr *)(uintptr_t)m[k];
		uint32_t before = got;

		assert_int_equal(m[k]->nlmsg_type, (NFNL_SUBSYS_NFTABLES << 8) |
							   NFT_MSG_NEWSETELEM);
		/* By hand: libnftnl numbers the elements it writes 1, 2, ...
		 * (the kernel reads any type) but parses only type 1. */
		mnl_attr_for_each(a, mk, sizeof(struct nfgenmsg))
		{
			if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_SET_ID)
				assert_int_equal(ntohl(mnl_attr_get_u32(a)),
						 id);
			else if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_SET)
				assert_string_equal(mnl_attr_get_str(a),
						    "__set%d");
			else if (mnl_attr_get_type(a) ==
				 NFTA_SET_ELEM_LIST_ELEMENTS)
				list = a;
		}
		assert_non_null(list);
		mnl_attr_for_each_nested(el, list)
		{
			key = NULL;
			mnl_attr_for_each_nested(
				a, el) if (mnl_attr_get_type(a) ==
					   NFTA_SET_ELEM_KEY) key = a;
			assert_non_null(key);
			v = mnl_attr_get_payload(key);
			assert_int_equal(mnl_attr_get_type(v), NFTA_DATA_VALUE);
			assert_true(got < n);
			assert_int_equal(mnl_attr_get_payload_len(v), klen);
			assert_memory_equal(mnl_attr_get_payload(v),
					    keys + (size_t)got * klen, klen);
			got++;
		}
		/* 64 keys a message, all but the last full. */
		if (got < n)
			assert_int_equal(got - before, 64);
	}
	return k;
}

/* Rules with sets: NEWSET, its keys 64 a message, then the rule with a
 * lookup where its cmp was; every message under the scratch size. */
static void test_sets(void **state)
{
	static uint8_t ports[130 * 2], a6[70 * 16], a4[3 * 4];
	struct fw_rule in[3] = {
		{ .match = FW_L4_DPORT,
		  .proto = 6,
		  .set = ports,
		  .n_set = 130,
		  .comment = "t1 and 129 more" },
		{ .match = FW_IP6_DADDR, .set = a6, .n_set = 70 },
		{ .match = FW_L4_PROTO, .proto = 1 },
	};
	struct fw_rule out[1] = {
		{ .match = FW_OUT_RST4, .set = a4, .n_set = 3 },
	};
	struct fw_spec s = spec_of(in, 3, out, 1);
	const struct nlmsghdr *m[64], *nlh;
	size_t len, n = 0, k, i;
	uint8_t buf8[4096];
	void *buf;
	int rest;

	(void)state;
	for (i = 0; i < 130; i++) {
		ports[2 * i] = (uint8_t)((i * 7) >> 8);
		ports[2 * i + 1] = (uint8_t)(i * 7);
	}
	for (i = 0; i < 70; i++) {
		memcpy(a6 + 16 * i, (uint8_t[16])A6, 16);
		a6[16 * i + 14] = (uint8_t)i;
	}
	for (i = 0; i < 3; i++) {
		memcpy(a4 + 4 * i, (uint8_t[4])A4, 4);
		a4[4 * i + 3] = (uint8_t)(10 + i);
	}
	buf = build(&s, "eth0", 9, &len);
	for (nlh = buf, rest = (int)len; mnl_nlmsg_ok(nlh, rest);
	     nlh = mnl_nlmsg_next(nlh, &rest)) {
		assert_true(n < NELEMS(m));
		assert_int_equal(nlh->nlmsg_seq, (uint32_t)(9 + n));
		assert_true(nlh->nlmsg_len <= 2048); /* FW_NFT_MSG_MAX */
		m[n++] = nlh;
	}
	/* begin, 4 + (1 + 3 + 1) + (1 + 2 + 1) + 1, 4 + (1 + 1 + 1), end */
	assert_int_equal(n, fw_nft_batch_msgs(&s));
	assert_int_equal(n, 1 + 4 + 5 + 4 + 1 + 4 + 3 + 1);
	k = 5;
	k += check_set(&m[k], NFPROTO_NETDEV, 1, 2, 13, ports, 130);
	check_rule(
		m[k++],
		"netdev riposte ingress\n" L4(
			"06") "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
			      "  [ lookup reg 1 set __set%d ]\n" DROP
			      "  userdata = { \\x00\\x10t1 and 129 more\\x00 }");
	k += check_set(&m[k], NFPROTO_NETDEV, 2, 16, 8, a6, 70);
	check_rule(m[k++],
		   "netdev riposte ingress\n" L3_IP6_NETDEV
		   "  [ payload load 16b @ network header + 24 => reg 1 ]\n"
		   "  [ lookup reg 1 set __set%d ]\n" DROP);
	check_rule(m[k++], "netdev riposte ingress\n" L4("01") DROP);
	k += 4; /* the inet table and chain */
	k += check_set(&m[k], NFPROTO_INET, 3, 4, 7, a4, 3);
	check_rule(m[k++],
		   "inet riposte output\n" L3_IP4_INET
		   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		   "  [ lookup reg 1 set __set%d ]\n" RST DROP);
	assert_true(m[k - 1]->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(k, n - 1);
	free(buf);

	/* A protocol rule has no key to put in a set. */
	in[2].set = ports;
	in[2].n_set = 2;
	assert_int_equal(
		fw_nft_build_batch(&s, "eth0", 1, buf8, sizeof(buf8), &len),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_ingress_only),
		cmocka_unit_test(test_seq_wraps),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
