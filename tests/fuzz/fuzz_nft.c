/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nft.c - libFuzzer target for the nftables batch builder
 * (fw_nft_build_batch), no kernel needed.
 *
 * The input is carved into a firewall spec (layout below, short inputs
 * read as zeros); the batch is measured, built into an exact-size heap
 * buffer, built again into a too-small one, and parsed back with libnftnl.
 * Besides the sanitizers, the target abort()s unless:
 *
 *   - the builder says -EINVAL exactly when the spec is not expressible
 *     (bad interface name, ARP in the inet table, a port without TCP or
 *     UDP, an IP version other than 4 or 6, an unknown match), and 0
 *     otherwise;
 *   - a too-small buffer gives -ENOSPC, the same size, and no byte
 *     written past its capacity;
 *   - the batch is fw_nft_batch_msgs() well-formed netlink messages with
 *     consecutive sequence numbers, that libnftnl parses: two owner
 *     tables, two chains, one rule per spec rule with the number of
 *     expressions its kind needs, and the comment (cut to
 *     FW_NFT_COMMENT_MAX bytes at its first NUL) in nft's user data;
 *     before a rule with a set, its NEWSET (the key's length, the set's
 *     size) and NEWSETELEM messages holding exactly its keys, in order.
 *
 * Layout: seq (4 bytes), n_ingress (1, mod 16), n_output (1, mod 16),
 * iface length (1, mod 20) and bytes, then per rule: match (1, mod 10;
 * 9 is no match), proto (1), family (1, mod 8; 0, 4 and 6 are valid),
 * port (2), addr (16), comment length (1; 255 means NULL) and bytes, a
 * set (1: under 128 none, else (n - 128) % (SET_MAX + 1) keys; 0 keys
 * is no set) and its keys (each as long as the match's key).
 *
 *   make fuzz && build/fuzz/fuzz_nft tests/fuzz/corpus/nft
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fw/nft.h"

#define RULES_MAX 15
#define SET_MAX 130 /* keys: three NEWSETELEM messages */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct input *in)
{
	uint8_t b = 0;

	if (in->n) {
		b = *in->p++;
		in->n--;
	}
	return b;
}

static void bytes(struct input *in, void *out, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	memcpy(out, in->p, k);
	memset((uint8_t *)out + k, 0, n - k);
	in->p += k;
	in->n -= k;
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_nft: %s\n", what);
	abort();
}

/* Everything carved from one input; comments point into text. */
struct carved {
	struct fw_rule in[RULES_MAX], out[RULES_MAX];
	char text[2 * RULES_MAX][256];
	uint8_t keys[2 * RULES_MAX][SET_MAX * 16];
	char iface[32];
	struct fw_spec spec;
	uint32_t seq;
};

static void carve_rule(struct input *in, struct fw_rule *r, char *text,
		       uint8_t *keys)
{
	uint8_t clen, ns;

	r->match = (enum fw_match)(byte(in) % 10);
	r->proto = byte(in);
	r->family = byte(in) % 8;
	r->port = (uint16_t)(byte(in) << 8);
	r->port |= byte(in);
	bytes(in, r->addr, sizeof(r->addr));
	clen = byte(in);
	if (clen == 255) {
		r->comment = NULL;
	} else {
		bytes(in, text, clen);
		text[clen] = '\0';
		r->comment = text;
	}
	ns = byte(in);
	if (ns >= 128 && r->match <= FW_OUT_UNREACH6) {
		r->n_set = (uint32_t)(ns - 128) % (SET_MAX + 1);
		r->set = keys;
		bytes(in, keys, (size_t)r->n_set * fw_key_len(r));
	}
}

static void carve(struct input *in, struct carved *c)
{
	size_t i, ilen;

	memset(c, 0, sizeof(*c));
	bytes(in, &c->seq, sizeof(c->seq));
	c->spec.n_ingress = byte(in) % (RULES_MAX + 1);
	c->spec.n_output = byte(in) % (RULES_MAX + 1);
	ilen = byte(in) % 20;
	bytes(in, c->iface, ilen);
	c->spec.ingress = c->in;
	c->spec.output = c->out;
	for (i = 0; i < c->spec.n_ingress; i++)
		carve_rule(in, &c->in[i], c->text[i], c->keys[i]);
	for (i = 0; i < c->spec.n_output; i++)
		carve_rule(in, &c->out[i], c->text[RULES_MAX + i],
			   c->keys[RULES_MAX + i]);
}

/* Expressions a valid rule of r's kind has, verdict included; 0 if r
 * cannot be written in that chain. */
static int exprs_of(const struct fw_rule *r, bool netdev)
{
	/* A set's lookup takes the place of the key's cmp. */
	if (r->n_set && r->match == FW_L4_PROTO)
		return 0;
	switch (r->match) {
	case FW_IP4_DADDR:
	case FW_IP6_DADDR:
		return 5;
	case FW_ARP_DADDR:
		return netdev ? 7 : 0;
	case FW_L4_DPORT:
	case FW_L4_PROTO:
		if (r->match == FW_L4_DPORT && r->proto != 6 && r->proto != 17)
			return 0;
		if (r->family != 0 && r->family != 4 && r->family != 6)
			return 0;
		/* meta l4proto, cmp[, payload, cmp][, meta, cmp], verdict */
		return (r->match == FW_L4_DPORT ? 5 : 3) + (r->family ? 2 : 0);
	case FW_OUT_RST4:
	case FW_OUT_RST6:
		return 10;
	case FW_OUT_UNREACH4:
	case FW_OUT_UNREACH6:
		return 9;
	}
	return 0;
}

static bool valid(const struct carved *c)
{
	size_t n = strlen(c->iface), i;

	if (n == 0 || n >= IFNAMSIZ)
		return false;
	for (i = 0; i < c->spec.n_ingress; i++)
		if (!exprs_of(&c->in[i], true))
			return false;
	for (i = 0; i < c->spec.n_output; i++)
		if (!exprs_of(&c->out[i], false))
			return false;
	return true;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char *want = data;
	const char *got = nftnl_udata_get(attr);
	size_t n = strnlen(want, FW_NFT_COMMENT_MAX);

	if (nftnl_udata_type(attr) != NFTNL_UDATA_RULE_COMMENT ||
	    nftnl_udata_len(attr) != n + 1 || got[n] != '\0' ||
	    memcmp(got, want, n) != 0)
		fail("comment does not round-trip");
	return 0;
}

static void check_rule(const struct nlmsghdr *nlh, const struct fw_rule *r,
		       bool netdev)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	const void *ud;
	uint32_t udlen;
	int n = 0;

	if (!nr)
		fail("out of memory");
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE))
		fail("not a rule message");
	if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
		fail("rule does not parse");
	if (strcmp(nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN),
		   netdev ? "ingress" : "output") != 0)
		fail("rule in the wrong chain");
	it = nftnl_expr_iter_create(nr);
	if (!it)
		fail("out of memory");
	while (nftnl_expr_iter_next(it))
		n++;
	nftnl_expr_iter_destroy(it);
	if (n != exprs_of(r, netdev))
		fail("wrong number of expressions");
	ud = nftnl_rule_get_data(nr, NFTNL_RULE_USERDATA, &udlen);
	if (!r->comment != !ud)
		fail("comment present or missing");
	if (ud && nftnl_udata_parse(ud, udlen, comment_cb,
				    (void *)(uintptr_t)r->comment) < 0)
		fail("user data does not parse");
	nftnl_rule_free(nr);
}

/* The NEWSET and NEWSETELEM messages at m of r's set; how many. */
static size_t check_set(const struct nlmsghdr *const *m, size_t avail,
			const struct fw_rule *r)
{
	struct nftnl_set *s = nftnl_set_alloc();
	unsigned klen = fw_key_len(r);
	uint32_t got = 0;
	size_t k;

	if (!s)
		fail("out of memory");
	if (!avail ||
	    m[0]->nlmsg_type !=
		    ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWSET) ||
	    nftnl_set_nlmsg_parse(m[0], s) < 0 ||
	    nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) != klen ||
	    nftnl_set_get_u32(s, NFTNL_SET_DESC_SIZE) != r->n_set)
		fail("set message");
	nftnl_set_free(s);
	for (k = 1; got < r->n_set; k++) {
		struct nlattr *a, *list = NULL, *el, *key, *v;
		struct nlmsghdr *mk = (struct nlmsghdr *)(uintptr_t)m[k];

		if (k >= avail ||
		    m[k]->nlmsg_type !=
			    ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWSETELEM))
			fail("set element message missing");
		mnl_attr_for_each(a, mk, sizeof(struct nfgenmsg)) if (
			mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_ELEMENTS)
			list = a;
		if (!list)
			fail("set element message without elements");
		mnl_attr_for_each_nested(el, list)
		{
			key = NULL;
			mnl_attr_for_each_nested(
				a, el) if (mnl_attr_get_type(a) ==
					   NFTA_SET_ELEM_KEY) key = a;
			if (!key || got >= r->n_set)
				fail("set element");
			v = mnl_attr_get_payload(key);
			if (mnl_attr_get_payload_len(v) != klen ||
			    memcmp(mnl_attr_get_payload(v),
				   r->set + (size_t)got * klen, klen) != 0)
				fail("set key does not round-trip");
			got++;
		}
	}
	return k;
}

static void check_table_chain(const struct nlmsghdr *const *m, bool netdev,
			      const char *iface)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *ch = nftnl_chain_alloc();
	const char *dev;

	if (!t || !ch)
		fail("out of memory");
	if (nftnl_table_nlmsg_parse(m[2], t) < 0 ||
	    nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) != NFT_TABLE_F_OWNER)
		fail("table is not an owner table");
	if (nftnl_chain_nlmsg_parse(m[3], ch) < 0)
		fail("chain does not parse");
	dev = nftnl_chain_get_str(ch, NFTNL_CHAIN_DEV);
	if (netdev ? !dev || strcmp(dev, iface) : dev != NULL)
		fail("chain device");
	nftnl_table_free(t);
	nftnl_chain_free(ch);
}

static void check_batch(const uint8_t *buf, size_t len, const struct carved *c)
{
	const struct nlmsghdr *m[2 * RULES_MAX * 6 + 16];
	const struct nlmsghdr *nlh = (const void *)buf;
	size_t n = 0, i, k;
	int rest = (int)len;

	while (mnl_nlmsg_ok(nlh, rest)) {
		if (n == sizeof(m) / sizeof(m[0]))
			fail("too many messages");
		if (nlh->nlmsg_seq != c->seq + (uint32_t)n)
			fail("sequence numbers not consecutive");
		m[n++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &rest);
	}
	if (rest != 0 || n != fw_nft_batch_msgs(&c->spec))
		fail("batch is not the expected messages");
	if (m[0]->nlmsg_type != NFNL_MSG_BATCH_BEGIN ||
	    m[n - 1]->nlmsg_type != NFNL_MSG_BATCH_END)
		fail("batch not framed by begin and end");
	k = 1;
	check_table_chain(&m[k], true, c->iface);
	k += 4;
	for (i = 0; i < c->spec.n_ingress; i++) {
		if (c->in[i].n_set)
			k += check_set(&m[k], n - k, &c->in[i]);
		check_rule(m[k++], &c->in[i], true);
	}
	check_table_chain(&m[k], false, c->iface);
	k += 4;
	for (i = 0; i < c->spec.n_output; i++) {
		if (c->out[i].n_set)
			k += check_set(&m[k], n - k, &c->out[i]);
		check_rule(m[k++], &c->out[i], false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct carved *c = malloc(sizeof(*c));
	uint8_t *buf = NULL;
	size_t need = 0, len = 0, cap, i;
	int ret;

	if (!c)
		return 0;
	carve(&in, c);
	ret = fw_nft_build_batch(&c->spec, c->iface, c->seq, NULL, 0, &need);
	if (!valid(c)) {
		if (ret != -EINVAL || need != 0)
			fail("inexpressible spec not refused");
		goto out;
	}
	if (ret != -ENOSPC || need == 0)
		fail("measuring did not say -ENOSPC");
	/* A capacity short of the size, chosen by the input's next bytes;
	 * guard bytes after it must stay untouched. */
	cap = (((size_t)byte(&in) << 8) | byte(&in)) % need;
	buf = malloc(need + 16);
	if (!buf)
		goto out;
	memset(buf, 0x5a, need + 16);
	if (fw_nft_build_batch(&c->spec, c->iface, c->seq, buf, cap, &len) !=
		    -ENOSPC ||
	    len != need)
		fail("too-small buffer not refused");
	for (i = cap; i < need + 16; i++)
		if (buf[i] != 0x5a)
			fail("wrote past the capacity");
	free(buf);
	buf = malloc(need); /* exact: ASan sees any overrun */
	if (!buf)
		goto out;
	if (fw_nft_build_batch(&c->spec, c->iface, c->seq, buf, need, &len) !=
		    0 ||
	    len != need)
		fail("exact buffer refused");
	check_batch(buf, len, c);
out:
	free(buf);
	free(c);
	return 0;
}
