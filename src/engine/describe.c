/* SPDX-License-Identifier: MIT */
/*
 * describe.c - a compiled rule set in words: the expanded rule list, the
 * kernel capture filter (the union of what the rules can match) and the
 * nftables tables the live engine installs, as `nft -f` text.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fw/spec.h"
#include "lang/lex.h"

static void print_addr(FILE *out, const struct ast_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->a, s, sizeof(s)))
		strcpy(s, "?");
	fputs(s, out);
}

static void print_ports(FILE *out, const struct ast_ports *p)
{
	size_t i;

	if (!p || p->any) {
		fputc('*', out);
		return;
	}
	for (i = 0; i < p->n_ranges; i++) {
		fprintf(out, "%s%u", i ? "," : "", p->ranges[i].lo);
		if (p->ranges[i].hi != p->ranges[i].lo)
			fprintf(out, "-%u", p->ranges[i].hi);
	}
}

static void print_host(FILE *out, const struct chost *h)
{
	size_t i;

	fputs("host ", out);
	for (i = 0; i < h->n_addrs; i++) {
		if (i)
			fputc(',', out);
		print_addr(out, &h->addrs[i]);
	}
}

void ruleset_print_rules(const struct ruleset *rs, FILE *out)
{
	static const char *const pol[] = { "open", "closed", "filtered",
					   "tarpit" };
	size_t i, j;

	for (i = 0; i < rs->n_rules; i++) {
		const struct crule *r = &rs->rules[i];

		fprintf(out, "%4zu  ", i + 1);
		if (r->kind == CRULE_FILTER) {
			fprintf(out, "rule %s (line %u): ", r->name,
				r->pos.line);
			if (r->filter) {
				fputs("match \"", out);
				lex_write_string(out, r->filter,
						 strlen(r->filter));
				fputc('"', out);
			} else {
				fputs("match every frame", out);
			}
			switch (r->action) {
			case AST_ACT_REPLY:
			case AST_ACT_SEND:
				fprintf(out, ", %s ",
					r->action == AST_ACT_REPLY ? "reply" :
								     "send");
				tmpl_print(out, r->ast_tmpl);
				break;
			case AST_ACT_FORWARD:
				fputs(", forward ", out);
				for (j = 0; j < r->n_assigns; j++) {
					fprintf(out, "%s%s = ", j ? ", " : "",
						r->assigns[j].field->name);
					expr_print(out,
						   r->ast->assigns[j].value);
				}
				break;
			case AST_ACT_DROP:
				fputs(", drop", out);
				break;
			case AST_ACT_NONE:
				break;
			}
			if (r->log)
				fputs(", log", out);
			if (r->limit)
				fprintf(out, ", limit %u/s%s", r->limit,
					r->per_source ? " per source" : "");
			fputc('\n', out);
			continue;
		}
		print_host(out, r->host);
		fprintf(out, " (line %u): ", r->pos.line);
		switch (r->kind) {
		case CRULE_ARP:
			fprintf(out,
				"arp: answer who-has with %02x:%02x:%02x:"
				"%02x:%02x:%02x",
				r->host->mac[0], r->host->mac[1],
				r->host->mac[2], r->host->mac[3],
				r->host->mac[4], r->host->mac[5]);
			break;
		case CRULE_ND:
			fputs("nd: answer neighbour solicitations", out);
			break;
		case CRULE_PING:
			fputs("ping: echo replies", out);
			break;
		case CRULE_TCP:
		case CRULE_UDP:
			fprintf(out, "%s ",
				r->kind == CRULE_TCP ? "tcp" : "udp");
			print_ports(out, r->ports);
			fprintf(out, " %s", pol[r->policy]);
			if (!r->ports)
				fputs(" (default)", out);
			if (r->kind == CRULE_TCP &&
			    (r->policy == AST_OPEN || r->policy == AST_TARPIT))
				fprintf(out,
					", personality %s: ttl %u, "
					"window %u, options %s",
					r->host->pers->name, r->host->pers->ttl,
					r->policy == AST_TARPIT ?
						0 :
						host_syn_window(r->host->pers,
								4, true),
					r->host->pers->options_text);
			if (r->service)
				fputs(", service (stateful engine)", out);
			if (r->udp_reply)
				fprintf(out, ", reply %zu bytes",
					r->udp_reply_len);
			break;
		case CRULE_FILTER:
			break;
		}
		fputc('\n', out);
	}
}

/*
 * The kernel filter is an economy, never a judge: every frame it lets
 * through still meets each rule's own filter.  It must let through all a
 * rule can match, and libpcap must compile it quickly: its optimiser is
 * worse than quadratic in the terms of an "or" (1,000 rules' matches in
 * one union took 4 s, 3,000 over two minutes), and the kernel takes at
 * most 4,096 instructions.  So up to UNION_EXACT terms of each kind (and
 * UNION_TERMS operands) are written as they are, and past that a coarser
 * union that still holds them all: the rules' dispatch keys (protocol and port, merged into
 * ranges) and the hosts' networks (/24, /64).
 */
#define UNION_EXACT 32 /* rules' matches, or host addresses, verbatim */
#define UNION_TEXT 8192 /* bytes of verbatim matches */
#define UNION_TERMS 64 /* their operands (what compile time grows with) */
#define UNION_RANGES 32 /* port ranges of one protocol, else all of it */

/* The ranges of set bits in a 65,536-bit map, or -1 past max of them. */
static int port_ranges(FILE *f, const uint8_t *bits, const char *proto,
		       unsigned max, bool *any)
{
	unsigned p = 0, lo, n = 0;
	char buf[UNION_RANGES][24];

	while (p < 65536) {
		if (!(bits[p >> 3] & (1u << (p & 7)))) {
			p++;
			continue;
		}
		for (lo = p; p < 65536 && bits[p >> 3] & (1u << (p & 7)); p++)
			;
		if (n == max)
			return -1;
		if (lo == p - 1)
			snprintf(buf[n++], sizeof(buf[0]), "port %u", lo);
		else
			snprintf(buf[n++], sizeof(buf[0]), "portrange %u-%u",
				 lo, p - 1);
	}
	for (lo = 0; lo < n; lo++) {
		fprintf(f, "%s%s dst %s", *any ? " or " : "", proto, buf[lo]);
		*any = true;
	}
	return (int)n;
}

/*
 * The rules' matches, coarsely: by their dispatch keys.  false when one
 * has none (it may match any frame).
 */
static bool coarse_rules(const struct ruleset *rs, FILE *f, bool *any)
{
	static const char *const pname[] = {
		[1] = "icmp", [6] = "tcp", [17] = "udp", [58] = "icmp6"
	};
	bool fam[7] = { false }, whole[256] = { false };
	uint8_t *bits[2];
	size_t i;
	bool ok = true;

	bits[0] = calloc(2, 65536 / 8);
	if (!bits[0])
		return false;
	bits[1] = bits[0] + 65536 / 8;
	for (i = 0; i < rs->n_rules && ok; i++) {
		const struct crule *r = &rs->rules[i];
		int proto, port, family;
		bool exact;

		if (r->kind != CRULE_FILTER)
			continue;
		dispatch_filter_key(r->filter, &proto, &port, &family, &exact);
		if (port >= 0)
			bits[proto == 17][port >> 3] |=
				(uint8_t)(1u << (port & 7));
		else if (proto > 0 && proto < 256 && pname[proto])
			whole[proto] = true;
		else if (proto < 0 && (family == 4 || family == 6))
			fam[family] = true;
		else
			ok = false;
	}
	if (ok) {
		if (fam[4] || fam[6])
			fprintf(f, "%s%s", *any ? " or " : "",
				fam[4] && fam[6] ? "ip or ip6" :
				fam[4]		 ? "ip" :
						   "ip6");
		*any |= fam[4] || fam[6];
		for (i = 0; i < 2; i++) {
			int p = i ? 17 : 6;

			if (!whole[p] && port_ranges(f, bits[i], pname[p],
						     UNION_RANGES, any) < 0)
				whole[p] = true;
		}
		for (i = 0; i < 256; i++)
			if (whole[i]) {
				fprintf(f, "%s%s", *any ? " or " : "",
					pname[i]);
				*any = true;
			}
	}
	free(bits[0]);
	return ok;
}

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/*
 * The networks (/24, /64) of the hosts' addresses of one family, or the
 * whole family past UNION_EXACT networks.
 */
static void coarse_hosts(const struct ruleset *rs, FILE *h, int family,
			 bool *any)
{
	size_t i, j, n = 0, bytes = family == AF_INET ? 3 : 8, out = 0;
	uint8_t(*net)[16];
	char s[INET6_ADDRSTRLEN];

	for (i = 0; i < rs->n_hosts; i++)
		for (j = 0; j < rs->hosts[i].n_addrs; j++)
			n += rs->hosts[i].addrs[j].family == family;
	if (!n)
		return;
	net = calloc(n, sizeof(*net));
	n = 0;
	for (i = 0; net && i < rs->n_hosts; i++)
		for (j = 0; j < rs->hosts[i].n_addrs; j++)
			if (rs->hosts[i].addrs[j].family == family)
				memcpy(net[n++], rs->hosts[i].addrs[j].a,
				       bytes);
	if (net) {
		qsort(net, n, sizeof(*net), addr_cmp);
		for (i = 0; i < n; i++)
			out += !i || memcmp(net[i], net[i - 1], 16) != 0;
	}
	if (!net || out > UNION_EXACT) {
		fprintf(h, "%s%s", *any ? " or " : "",
			family == AF_INET ? "ip" : "ip6");
		*any = true;
		free(net);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i && memcmp(net[i], net[i - 1], 16) == 0)
			continue;
		if (!inet_ntop(family, net[i], s, sizeof(s)))
			strcpy(s, "::");
		fprintf(h, "%sdst net %s/%u", *any ? " or " : "", s,
			family == AF_INET ? 24 : 64);
		*any = true;
	}
	free(net);
}

/*
 * The kernel filter: every rule's match, or what a host claims (its
 * addresses, ARP and ICMPv6 for neighbour discovery), untagged and under
 * one 802.1Q tag; coarser past UNION_EXACT (above).  A rule without a
 * match needs every frame, and so does a rule whose filter says "vlan":
 * libpcap's vlan shifts the offsets of all that follows it, across "or",
 * so it cannot share a union.  Returns a malloc'd string, "" for every
 * frame, or NULL on allocation failure.
 */
char *ruleset_capture_filter(const struct ruleset *rs)
{
	char *buf = NULL, *hbuf = NULL;
	size_t len = 0, hlen = 0, i, j, n_filters = 0, text = 0, n_addrs = 0;
	size_t terms = 0;
	FILE *f, *h;
	bool any = false, hany = false, arp = false, icmp6 = false;

	for (i = 0; i < rs->n_rules; i++) {
		const struct crule *r = &rs->rules[i];

		if (r->kind == CRULE_FILTER &&
		    (!r->filter || strstr(r->filter, "vlan")))
			return strdup("");
		if (r->kind == CRULE_FILTER) {
			n_filters++;
			text += strlen(r->filter) + 6;
			terms += dispatch_filter_terms(r->filter);
		}
		arp |= r->kind == CRULE_ARP;
		icmp6 |= r->kind == CRULE_ND;
	}
	for (i = 0; i < rs->n_hosts; i++)
		n_addrs += rs->hosts[i].n_addrs;
	h = open_memstream(&hbuf, &hlen);
	if (!h)
		return NULL;
	if (arp) {
		fputs("arp", h);
		hany = true;
	}
	if (icmp6) {
		fprintf(h, "%sicmp6", hany ? " or " : "");
		hany = true;
	}
	if (n_addrs > UNION_EXACT) {
		coarse_hosts(rs, h, AF_INET, &hany);
		coarse_hosts(rs, h, AF_INET6, &hany);
	} else {
		for (i = 0; i < rs->n_hosts; i++)
			for (j = 0; j < rs->hosts[i].n_addrs; j++) {
				fprintf(h, "%sdst host ", hany ? " or " : "");
				print_addr(h, &rs->hosts[i].addrs[j]);
				hany = true;
			}
	}
	if (fclose(h) != 0) {
		free(hbuf);
		return NULL;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		free(hbuf);
		return NULL;
	}
	if (n_filters > UNION_EXACT || text > UNION_TEXT ||
	    terms > UNION_TERMS) {
		if (!coarse_rules(rs, f, &any)) {
			fclose(f);
			free(buf);
			free(hbuf);
			return strdup("");
		}
	} else {
		for (i = 0; i < rs->n_rules; i++) {
			const struct crule *r = &rs->rules[i];

			if (r->kind == CRULE_FILTER) {
				fprintf(f, "%s(%s)", any ? " or " : "",
					r->filter);
				any = true;
			}
		}
	}
	if (hany) {
		/*
		 * Hosts answer on the VLAN a request came on, under one tag
		 * or two (802.1ad, then 802.1Q): look inside.  Each `vlan`
		 * moves libpcap's offsets 4 bytes on for the rest of the
		 * expression, so the inner one reads the second tag.
		 */
		fprintf(f, "%s%s or (vlan and (%s or (vlan and (%s))))",
			any ? " or " : "", hbuf, hbuf, hbuf);
		any = true;
	}
	if (!any)
		fputs("less 1", f); /* no rule: capture nothing */
	free(hbuf);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void ruleset_print_nft(const struct ruleset *rs, FILE *out, const char *iface)
{
	struct fw_spec spec;

	if (fw_spec_build(rs, &spec) < 0) {
		fputs("# out of memory\n", out);
		return;
	}
	fw_spec_print(&spec, out, iface);
	fw_spec_cleanup(&spec);
}
