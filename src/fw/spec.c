/* SPDX-License-Identifier: MIT */
/* spec.c - the firewall as data, and as nft -f text; see spec.h. */
#include <arpa/inet.h>
#include <errno.h>
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
	return -ENOMEM;
}

void fw_spec_cleanup(struct fw_spec *spec)
{
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

static void print_rule(FILE *out, const struct fw_rule *r)
{
	fputs("\t\t", out);
	switch (r->match) {
	case FW_IP4_DADDR:
		fputs("ip daddr ", out);
		addr(out, AF_INET, r->addr);
		break;
	case FW_IP6_DADDR:
		fputs("ip6 daddr ", out);
		addr(out, AF_INET6, r->addr);
		break;
	case FW_ARP_DADDR:
		fputs("arp operation request arp daddr ip ", out);
		addr(out, AF_INET, r->addr);
		break;
	case FW_L4_DPORT:
	case FW_L4_PROTO:
		/* The netdev family knows the EtherType, not nfproto. */
		if (r->family)
			fprintf(out, "meta protocol %s ",
				r->family == 4 ? "ip" : "ip6");
		if (r->match == FW_L4_DPORT)
			fprintf(out, "%s dport %u", l4name(r->proto), r->port);
		else
			fprintf(out, "meta l4proto %s", l4name(r->proto));
		break;
	case FW_OUT_RST4:
	case FW_OUT_RST6:
		fputs(r->match == FW_OUT_RST4 ? "ip saddr " : "ip6 saddr ",
		      out);
		addr(out, r->match == FW_OUT_RST4 ? AF_INET : AF_INET6,
		     r->addr);
		fputs(" tcp flags & rst == rst", out);
		break;
	case FW_OUT_UNREACH4:
		fputs("ip saddr ", out);
		addr(out, AF_INET, r->addr);
		fputs(" icmp type destination-unreachable icmp code "
		      "port-unreachable",
		      out);
		break;
	case FW_OUT_UNREACH6:
		fputs("ip6 saddr ", out);
		addr(out, AF_INET6, r->addr);
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
