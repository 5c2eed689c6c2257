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
			if (r->filter)
				fprintf(out, "match \"%s\"", r->filter);
			else
				fputs("match every frame", out);
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
 * The kernel filter: every rule's match, or what a host claims (its
 * addresses, ARP and ICMPv6 for neighbour discovery), untagged and under
 * one 802.1Q tag.  A rule without a match needs every frame, and so does a
 * rule whose filter says "vlan": libpcap's vlan shifts the offsets of all
 * that follows it, across "or", so it cannot share a union.  Returns a
 * malloc'd string, "" for every frame, or NULL on allocation failure.
 */
char *ruleset_capture_filter(const struct ruleset *rs)
{
	char *buf = NULL, *hbuf = NULL;
	size_t len = 0, hlen = 0, i, j;
	FILE *f, *h;
	bool any = false, hany = false, arp = false, icmp6 = false;

	for (i = 0; i < rs->n_rules; i++) {
		const struct crule *r = &rs->rules[i];

		if (r->kind == CRULE_FILTER &&
		    (!r->filter || strstr(r->filter, "vlan")))
			return strdup("");
		arp |= r->kind == CRULE_ARP;
		icmp6 |= r->kind == CRULE_ND;
	}
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
	for (i = 0; i < rs->n_hosts; i++)
		for (j = 0; j < rs->hosts[i].n_addrs; j++) {
			fprintf(h, "%sdst host ", hany ? " or " : "");
			print_addr(h, &rs->hosts[i].addrs[j]);
			hany = true;
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
	for (i = 0; i < rs->n_rules; i++) {
		const struct crule *r = &rs->rules[i];

		if (r->kind == CRULE_FILTER) {
			fprintf(f, "%s(%s)", any ? " or " : "", r->filter);
			any = true;
		}
	}
	if (hany) {
		/* Hosts answer on the VLAN a request came on: look inside. */
		fprintf(f, "%s%s or (vlan and (%s))", any ? " or " : "", hbuf,
			hbuf);
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
