/* SPDX-License-Identifier: MIT */
/* spec.c - the firewall as data, and as nft -f text; see spec.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "spec.h"

struct grow {
	struct fw_rule *v;
	size_t n, cap;
};

static struct fw_rule *push(struct grow *g)
{
	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 16;
		struct fw_rule *v = realloc(g->v, ncap * sizeof(*v));

		if (!v)
			return NULL;
		g->v = v;
		g->cap = ncap;
	}
	memset(&g->v[g->n], 0, sizeof(g->v[0]));
	return &g->v[g->n++];
}

unsigned fw_key_len(const struct fw_rule *r)
{
	switch (r->match) {
	case FW_L4_DPORT:
		return 2;
	case FW_L4_PROTO:
		return 0;
	case FW_IP6_DADDR:
	case FW_OUT_RST6:
	case FW_OUT_UNREACH6:
		return 16;
	default:
		return 4;
	}
}

static void key_of(const struct fw_rule *r, uint8_t *k)
{
	if (r->match == FW_L4_DPORT) {
		k[0] = (uint8_t)(r->port >> 8);
		k[1] = (uint8_t)r->port;
	} else {
		memcpy(k, r->addr, fw_key_len(r));
	}
}

static bool same_shape(const struct fw_rule *a, const struct fw_rule *b)
{
	return a->match == b->match && a->proto == b->proto &&
	       a->family == b->family;
}

static int own(struct fw_spec *spec, void *p)
{
	void **v;

	if (!p)
		return -ENOMEM;
	v = realloc(spec->owned, (spec->n_owned + 1) * sizeof(*v));
	if (!v) {
		free(p);
		return -ENOMEM;
	}
	spec->owned = v;
	v[spec->n_owned++] = p;
	return 0;
}

static int cmp2(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

static int cmp4(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/*
 * Rules of one shape, FW_SET_MIN or more, become one rule with a set of
 * their keys (sorted, each once), where the first of them was.  Every
 * rule of a chain drops, so their order does not matter.
 */
static int group(struct grow *g, struct fw_spec *spec)
{
	struct fw_rule *v;
	bool *taken;
	size_t i, j, n, m, out = 0;
	int ret = 0;

	if (g->n < FW_SET_MIN)
		return 0;
	v = malloc(g->n * sizeof(*v));
	taken = calloc(g->n, sizeof(*taken));
	if (!v || !taken) {
		free(v);
		free(taken);
		return -ENOMEM;
	}
	for (i = 0; i < g->n && ret == 0; i++) {
		struct fw_rule r = g->v[i];
		unsigned klen = fw_key_len(&r);
		uint8_t *keys;
		char *c;

		if (taken[i])
			continue;
		for (n = 0, j = i; klen && j < g->n; j++)
			n += !taken[j] && same_shape(&g->v[j], &r);
		if (n < FW_SET_MIN) {
			taken[i] = true;
			v[out++] = r;
			continue;
		}
		keys = malloc(n * klen);
		if ((ret = own(spec, keys)) < 0)
			break;
		for (n = 0, j = i; j < g->n; j++)
			if (!taken[j] && same_shape(&g->v[j], &r)) {
				key_of(&g->v[j], keys + n++ * klen);
				taken[j] = true;
			}
		qsort(keys, n, klen,
		      klen == 2 ? cmp2 :
		      klen == 4 ? cmp4 :
				  cmp16);
		for (m = 1, j = 1; j < n; j++)
			if (memcmp(keys + j * klen, keys + (m - 1) * klen,
				   klen) != 0)
				memmove(keys + m++ * klen, keys + j * klen,
					klen);
		r.set = keys;
		r.n_set = (uint32_t)m;
		if (r.comment) {
			if (asprintf(&c, "%s and %zu more", r.comment, n - 1) <
			    0)
				c = NULL;
			if ((ret = own(spec, c)) < 0)
				break;
			r.comment = c;
		}
		v[out++] = r;
	}
	free(taken);
	if (ret < 0) {
		free(v);
		return ret;
	}
	free(g->v);
	g->v = v;
	g->cap = g->n;
	g->n = out;
	return 0;
}

int fw_spec_build(const struct ruleset *rs, struct fw_spec *spec)
{
	struct grow in = { 0 }, out = { 0 };
	const char **inex = NULL;
	size_t n_inex = 0, i, j;
	struct fw_rule *r;

	memset(spec, 0, sizeof(*spec));
	inex = calloc(rs->n_rules ? rs->n_rules : 1, sizeof(*inex));
	if (!inex)
		return -ENOMEM;
	for (i = 0; i < rs->n_hosts; i++) {
		const struct chost *h = &rs->hosts[i];

		for (j = 0; j < h->n_addrs; j++) {
			const struct ast_addr *a = &h->addrs[j];
			bool v4 = a->family == AF_INET;

			/* Everything to the host is riposte's (default filtered). */
			if (!(r = push(&in)))
				goto oom;
			r->match = v4 ? FW_IP4_DADDR : FW_IP6_DADDR;
			memcpy(r->addr, a->a, v4 ? 4 : 16);
			r->comment = "host";
			if (v4 && h->arp) {
				if (!(r = push(&in)))
					goto oom;
				r->match = FW_ARP_DADDR;
				memcpy(r->addr, a->a, 4);
				r->comment = "host arp";
			}
			if (!(r = push(&out)))
				goto oom;
			r->match = v4 ? FW_OUT_RST4 : FW_OUT_RST6;
			memcpy(r->addr, a->a, v4 ? 4 : 16);
			r->comment = "kernel RST";
			if (!(r = push(&out)))
				goto oom;
			r->match = v4 ? FW_OUT_UNREACH4 : FW_OUT_UNREACH6;
			memcpy(r->addr, a->a, v4 ? 4 : 16);
			r->comment = "kernel port unreachable";
		}
	}
	for (i = 0; i < rs->n_rules; i++) {
		const struct crule *cr = &rs->rules[i];
		int proto = -1, port = -1, family = 0;
		bool exact = false;

		if (cr->kind != CRULE_FILTER || cr->action == AST_ACT_NONE)
			continue; /* log-only rules leave the kernel alone */
		if (cr->filter)
			dispatch_filter_key(cr->filter, &proto, &port, &family,
					    &exact);
		if (!exact ||
		    !(proto == 1 || proto == 6 || proto == 17 || proto == 58) ||
		    (port >= 0 && proto != 6 && proto != 17)) {
			inex[n_inex++] = cr->name;
			continue;
		}
		if (!(r = push(&in)))
			goto oom;
		r->match = port >= 0 ? FW_L4_DPORT : FW_L4_PROTO;
		r->proto = (uint8_t)proto;
		r->family = (uint8_t)family;
		r->port = port >= 0 ? (uint16_t)port : 0;
		r->comment = cr->name;
	}
	if (group(&in, spec) < 0 || group(&out, spec) < 0)
		goto oom;
	spec->ingress = in.v;
	spec->n_ingress = in.n;
	spec->output = out.v;
	spec->n_output = out.n;
	spec->inexpressible = inex;
	spec->n_inexpressible = n_inex;
	return 0;
oom:
	free(in.v);
	free(out.v);
	free(inex);
	for (i = 0; i < spec->n_owned; i++)
		free(spec->owned[i]);
	free(spec->owned);
	memset(spec, 0, sizeof(*spec));
	return -ENOMEM;
}

void fw_spec_cleanup(struct fw_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->n_owned; i++)
		free(spec->owned[i]);
	free(spec->owned);
	free(spec->ingress);
	free(spec->output);
	free(spec->inexpressible);
	memset(spec, 0, sizeof(*spec));
}

static void addr(FILE *out, int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	fputs(inet_ntop(family, a, s, sizeof(s)) ? s : "?", out);
}

static const char *l4name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	default:
		return "icmpv6";
	}
}

/* The key, or { the set }, as nft writes it. */
static void print_key(FILE *out, const struct fw_rule *r, int family)
{
	unsigned klen = fw_key_len(r);
	uint32_t i;

	if (!r->n_set) {
		if (r->match == FW_L4_DPORT)
			fprintf(out, "%u", r->port);
		else
			addr(out, family, r->addr);
		return;
	}
	fputs("{ ", out);
	for (i = 0; i < r->n_set; i++) {
		const uint8_t *k = r->set + (size_t)i * klen;

		if (i)
			fputs(", ", out);
		if (r->match == FW_L4_DPORT)
			fprintf(out, "%u", (unsigned)(k[0] << 8 | k[1]));
		else
			addr(out, family, k);
	}
	fputs(" }", out);
}

static void print_rule(FILE *out, const struct fw_rule *r)
{
	int family = fw_key_len(r) == 16 ? AF_INET6 : AF_INET;

	fputs("\t\t", out);
	switch (r->match) {
	case FW_IP4_DADDR:
		fputs("ip daddr ", out);
		print_key(out, r, family);
		break;
	case FW_IP6_DADDR:
		fputs("ip6 daddr ", out);
		print_key(out, r, family);
		break;
	case FW_ARP_DADDR:
		fputs("arp operation request arp daddr ip ", out);
		print_key(out, r, family);
		break;
	case FW_L4_DPORT:
	case FW_L4_PROTO:
		/* The netdev family knows the EtherType, not nfproto. */
		if (r->family)
			fprintf(out, "meta protocol %s ",
				r->family == 4 ? "ip" : "ip6");
		if (r->match == FW_L4_DPORT) {
			fprintf(out, "%s dport ", l4name(r->proto));
			print_key(out, r, family);
		} else {
			fprintf(out, "meta l4proto %s", l4name(r->proto));
		}
		break;
	case FW_OUT_RST4:
	case FW_OUT_RST6:
		fputs(r->match == FW_OUT_RST4 ? "ip saddr " : "ip6 saddr ",
		      out);
		print_key(out, r, family);
		fputs(" tcp flags & rst == rst", out);
		break;
	case FW_OUT_UNREACH4:
		fputs("ip saddr ", out);
		print_key(out, r, family);
		fputs(" icmp type destination-unreachable icmp code "
		      "port-unreachable",
		      out);
		break;
	case FW_OUT_UNREACH6:
		fputs("ip6 saddr ", out);
		print_key(out, r, family);
		fputs(" icmpv6 type destination-unreachable icmpv6 code "
		      "port-unreachable",
		      out);
		break;
	}
	/* nft keeps at most 128 bytes of a comment: so does the text. */
	fprintf(out, " drop comment \"%.128s\"\n", r->comment);
}

void fw_spec_print(const struct fw_spec *spec, FILE *out, const char *iface)
{
	size_t i;

	fprintf(out,
		"table netdev " FW_TABLE " {\n"
		"\tflags owner\n"
		"\tchain ingress {\n"
		"\t\ttype filter hook ingress device \"%s\" priority %d; "
		"policy accept;\n",
		iface, FW_INGRESS_PRIORITY);
	for (i = 0; i < spec->n_ingress; i++)
		print_rule(out, &spec->ingress[i]);
	for (i = 0; i < spec->n_inexpressible; i++)
		fprintf(out,
			"\t\t# rule %s: not expressible in nftables, the "
			"kernel still sees its frames\n",
			spec->inexpressible[i]);
	fputs("\t}\n}\n"
	      "table inet " FW_TABLE " {\n"
	      "\tflags owner\n"
	      "\tchain output {\n"
	      "\t\ttype filter hook output priority 0; policy accept;\n",
	      out);
	for (i = 0; i < spec->n_output; i++)
		print_rule(out, &spec->output[i]);
	fputs("\t}\n}\n", out);
}
