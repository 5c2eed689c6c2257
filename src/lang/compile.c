/* SPDX-License-Identifier: MIT */
/*
 * compile.c - from a parsed rule file to the engine's tables.
 *
 * Checks what the parser cannot: tcpdump filters (compiled by libpcap
 * against a dead Ethernet handle, its message reported at the rule's
 * position), template layers and fields, request field names and types,
 * personalities, files named by `file "..."`, regular expressions.
 * Host blocks become rules of their own, in file order, so "first match
 * wins" holds across both kinds.  Every error is collected; a file with
 * one installs nothing.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "lang/diag.h"
#include "lang/parse.h"

#define FILE_DATA_MAX (16u << 20) /* bytes of one `file "..."` */
#define UDP_DATA_MAX 65507u /* the most an IPv4 UDP datagram carries */

/* A locally administered MAC made from the host's first address. */
static void derive_mac(const struct ast_addr *a, uint8_t mac[6])
{
	uint32_t h = 2166136261u;
	size_t i, n = a->family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		h = (h ^ a->a[i]) * 16777619u;
	mac[0] = 0x02;
	mac[1] = 0x72; /* 'r' */
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

/*
 * The bytes of `"..."`, `hex "..."` or `file "..."`; a relative file name
 * is read from the rule file's folder, as the file's author meant.
 */
static const uint8_t *data_load(struct arena *a, struct diag *d,
				const char *rules_path,
				const struct ast_data *dt, size_t *len)
{
	FILE *f;
	struct stat st;
	uint8_t *buf;
	const char *path = (const char *)dt->bytes, *slash;
	char full[4096];

	if (dt->kind != AST_DATA_FILE) {
		*len = dt->len;
		return dt->bytes;
	}
	slash = rules_path ? strrchr(rules_path, '/') : NULL;
	if (path[0] != '/' && slash) {
		if (snprintf(full, sizeof(full), "%.*s/%s",
			     (int)(slash - rules_path), rules_path,
			     path) >= (int)sizeof(full)) {
			diag_error(d, dt->pos, "file name too long");
			return NULL;
		}
		path = full;
	}
	/* Not blocking on a FIFO, nor opening a device's side effects. */
	errno = 0;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, dt->pos, "cannot read \"%s\": %s", path,
			   errno ? strerror(errno) : "not a regular file");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		diag_error(d, dt->pos, "cannot read \"%s\": %s", path,
			   strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)FILE_DATA_MAX) {
		diag_error(d, dt->pos,
			   "\"%s\" is not a regular file of at most %u bytes",
			   path, FILE_DATA_MAX);
		fclose(f);
		return NULL;
	}
	buf = arena_alloc(a, (size_t)st.st_size + 1);
	if (!buf ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		diag_error(d, dt->pos, "cannot read \"%s\"", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static struct crule *rule_new(struct ruleset *rs, size_t *cap)
{
	struct crule *r = arena_push(&rs->arena, (void **)&rs->rules,
				     &rs->n_rules, cap, sizeof(*r));

	if (r)
		r->index = (unsigned)(rs->n_rules - 1);
	return r;
}

/*
 * What compiling the rules has used so far: the rules' names, hashed
 * (open addressing: a linear scan made 10,000 rules take 50 million
 * comparisons), and the matches' compile work and BPF instructions.
 */
struct names {
	unsigned *slot; /* rule index + 1; 0: empty */
	size_t mask;
	uint64_t work; /* sum of the squares of the matches' operands */
	uint64_t insns; /* BPF instructions of every match */
	bool over; /* a total was passed (said once) */
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The rule already named name, or NULL after noting rule idx under it. */
static const struct crule *name_claim(struct names *nm,
				      const struct ruleset *rs,
				      const char *name, unsigned idx)
{
	size_t i;

	for (i = name_hash(name) & nm->mask; nm->slot[i];
	     i = (i + 1) & nm->mask)
		if (strcmp(rs->rules[nm->slot[i] - 1].name, name) == 0)
			return &rs->rules[nm->slot[i] - 1];
	nm->slot[i] = idx + 1;
	return NULL;
}

static void compile_rule(struct ruleset *rs, struct diag *d,
			 const struct ast_rule *ar, size_t *cap,
			 struct names *nm)
{
	struct crule *r = rule_new(rs, cap);
	const struct crule *other;
	unsigned terms = 0;
	pcap_t *dead;
	size_t i;

	if (!r)
		return;
	/* A name says which rule fired: two rules may not share one. */
	other = name_claim(nm, rs, ar->name, r->index);
	if (other)
		diag_error(d, ar->pos, "rule name '%s' already used at line %u",
			   ar->name, other->pos.line);
	r->kind = CRULE_FILTER;
	r->ast = ar;
	r->name = ar->name;
	r->pos = ar->pos;
	r->filter = ar->match;
	r->action = ar->action;
	r->log = ar->log;
	r->limit = ar->limit;
	r->per_source = ar->limit_per_source;
	if (ar->match &&
	    (terms = dispatch_filter_terms(ar->match)) > AST_MATCH_TERMS_MAX) {
		diag_error(d, ar->match_pos,
			   "match has %u operands (and, or), more than %u: "
			   "split it into rules",
			   terms, AST_MATCH_TERMS_MAX);
		r->filter = NULL;
	} else if (ar->match && !nm->over &&
		   (nm->work += (uint64_t)terms * terms) > AST_MATCH_WORK_MAX) {
		diag_error(d, ar->match_pos,
			   "the matches up to here ask for more compiling "
			   "than a file may (%u, the sum of their operands "
			   "squared): fewer or simpler matches",
			   AST_MATCH_WORK_MAX);
		nm->over = true;
		r->filter = NULL;
	} else if (ar->match && !nm->over) {
		dead = pcap_open_dead(DLT_EN10MB, 65535);
		if (!dead) {
			diag_error(d, ar->match_pos, "libpcap: out of memory");
			return;
		}
		if (pcap_compile(dead, &r->bpf, ar->match, 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			diag_error(d, ar->match_pos, "bad filter \"%s\": %s",
				   ar->match, pcap_geterr(dead));
			r->filter = NULL;
		} else if ((nm->insns += r->bpf.bf_len) > AST_MATCH_INSNS_MAX) {
			diag_error(
				d, ar->match_pos,
				"the matches up to here compile to more than %u "
				"BPF instructions, the most one frame may be "
				"made to run: fewer or simpler matches",
				AST_MATCH_INSNS_MAX);
			nm->over = true;
		}
		pcap_close(dead);
	}
	if (ar->action == AST_ACT_NONE && !ar->log) {
		diag_error(d, ar->pos,
			   "rule '%s' does nothing (give it reply, send, "
			   "forward, drop or log)",
			   ar->name);
	}
	switch (ar->action) {
	case AST_ACT_REPLY:
	case AST_ACT_SEND:
		r->ast_tmpl = &ar->tmpl;
		r->tmpl = tmpl_compile(&rs->arena, d, &ar->tmpl,
				       ar->action == AST_ACT_REPLY);
		break;
	case AST_ACT_FORWARD:
		r->n_assigns = ar->n_assigns;
		r->assigns = arena_calloc(&rs->arena,
					  ar->n_assigns ? ar->n_assigns : 1,
					  sizeof(*r->assigns));
		if (!r->assigns)
			return;
		for (i = 0; i < ar->n_assigns; i++) {
			const struct ast_assign *as = &ar->assigns[i];
			struct cassign *c = &r->assigns[i];

			c->field = pkt_field_find(as->field);
			if (!c->field || (c->field->get && !c->field->put)) {
				diag_error(d, as->pos,
					   "cannot rewrite '%s' (not a "
					   "writable request field)",
					   as->field);
				continue;
			}
			c->value = expr_compile(&rs->arena, d, as->value);
			if (c->value)
				tmpl_coerce(&rs->arena, d, c->value,
					    c->field->type, as->field,
					    c->field->bits);
		}
		break;
	default:
		break;
	}
}

/*
 * A service block as the engine runs it: data read now (files at load
 * time), regular expressions compiled once.  NULL after an error (in d).
 */
static struct csvc *compile_service(struct ruleset *rs, struct diag *d,
				    const struct ast_service *as)
{
	struct csvc *sv = arena_calloc(&rs->arena, 1, sizeof(*sv));
	size_t t, k, len = 0;

	if (!sv)
		return NULL;
	if (as->has_banner) {
		sv->banner =
			data_load(&rs->arena, d, rs->path, &as->banner, &len);
		sv->banner_len = (uint32_t)len;
	}
	sv->trig = arena_calloc(&rs->arena, as->n_triggers ? as->n_triggers : 1,
				sizeof(*sv->trig));
	if (!sv->trig)
		return NULL;
	for (t = 0; t < as->n_triggers; t++) {
		const struct ast_trigger *tr = &as->triggers[t];
		struct ctrigger *ct = &sv->trig[sv->n_trig];
		int rc;

		ct->kind = tr->kind;
		ct->text = tr->text;
		ct->len = tr->len;
		if (tr->kind == AST_TRIG_REGEX) {
			rc = regcomp(&ct->re, (const char *)tr->text,
				     REG_EXTENDED);
			if (rc) {
				char msg[128];

				regerror(rc, &ct->re, msg, sizeof(msg));
				diag_error(d, tr->pos,
					   "bad regular expression: %s", msg);
				continue;
			}
			ct->has_re = true;
		}
		sv->n_trig++; /* counted now: ruleset_free frees its regex */
		ct->acts = arena_calloc(&rs->arena, tr->n_acts ? tr->n_acts : 1,
					sizeof(*ct->acts));
		if (!ct->acts)
			return NULL;
		for (k = 0; k < tr->n_acts; k++) {
			const struct ast_sact *a = &tr->acts[k];
			struct csact *ca = &ct->acts[k];

			ca->kind = a->kind;
			ca->ms = a->ms;
			if (a->kind == AST_SACT_SEND) {
				ca->data = data_load(&rs->arena, d, rs->path,
						     &a->data, &len);
				ca->len = (uint32_t)len;
			}
		}
		ct->n_acts = tr->n_acts;
	}
	return sv;
}

static void compile_host(struct ruleset *rs, struct diag *d,
			 const struct ast_host *ah, size_t *cap, size_t *hcap)
{
	struct chost *h = arena_push(&rs->arena, (void **)&rs->hosts,
				     &rs->n_hosts, hcap, sizeof(*h));
	struct crule *r;
	size_t i;
	bool v4 = false, v6 = false;
	static const char *const pol[] = { "open", "closed", "filtered",
					   "tarpit" };

	if (!h)
		return;
	h->pos = ah->pos;
	h->addrs = ah->addrs;
	h->n_addrs = ah->n_addrs;
	for (i = 0; i < ah->n_addrs; i++) {
		v4 |= ah->addrs[i].family == AF_INET;
		v6 |= ah->addrs[i].family == AF_INET6;
	}
	if (ah->has_mac)
		memcpy(h->mac, ah->mac, 6);
	else if (ah->n_addrs)
		derive_mac(&ah->addrs[0], h->mac);
	h->pers = personality_find(ah->personality ? ah->personality : "linux");
	if (!h->pers) {
		diag_error(d, ah->personality_pos,
			   "unknown personality '%s' (linux, windows or "
			   "freebsd)",
			   ah->personality);
		h->pers = personality_find("linux");
	}
	/* arp, nd and ping are on unless switched off. */
	h->arp = v4 && ah->arp != AST_OFF;
	h->nd = v6 && ah->nd != AST_OFF;
	h->ping = ah->ping != AST_OFF;
	if (ah->arp == AST_ON && !v4)
		diag_error(d, ah->pos,
			   "arp on, but the host has no IPv4 "
			   "address");
	if (ah->nd == AST_ON && !v6)
		diag_error(d, ah->pos,
			   "nd on, but the host has no IPv6 "
			   "address");

#define HOST_RULE(k, nm)               \
	do {                           \
		r = rule_new(rs, cap); \
		if (!r)                \
			return;        \
		r->kind = (k);         \
		r->host = h;           \
		r->pos = ah->pos;      \
		r->name = (nm);        \
	} while (0)

	if (h->arp)
		HOST_RULE(CRULE_ARP, "arp");
	if (h->nd)
		HOST_RULE(CRULE_ND, "nd");
	if (h->ping)
		HOST_RULE(CRULE_PING, "ping");
	for (i = 0; i < ah->n_ports; i++) {
		const struct ast_ports *p = &ah->ports[i];
		char name[64];

		if (p->proto == AST_UDP && p->policy == AST_TARPIT) {
			diag_error(d, p->pos, "tarpit is for tcp ports");
			continue;
		}
		snprintf(name, sizeof(name), "%s %s",
			 p->proto == AST_TCP ? "tcp" : "udp", pol[p->policy]);
		HOST_RULE(p->proto == AST_TCP ? CRULE_TCP : CRULE_UDP,
			  arena_strndup(&rs->arena, name, strlen(name)));
		r->pos = p->pos;
		r->ports = p;
		r->policy = p->policy;
		if (p->has_udp_reply) {
			r->udp_reply =
				data_load(&rs->arena, d, rs->path,
					  &p->udp_reply, &r->udp_reply_len);
			if (r->udp_reply && r->udp_reply_len > UDP_DATA_MAX)
				diag_error(
					d, p->udp_reply.pos,
					"a UDP reply holds at most %u bytes, "
					"not %zu",
					UDP_DATA_MAX, r->udp_reply_len);
		}
		if (p->service.has_banner || p->service.n_triggers)
			r->svc = compile_service(rs, d, &p->service);
		r->service = r->svc != NULL;
	}
	/* Whatever the block does not name is silent: tcp * filtered. */
	HOST_RULE(CRULE_TCP, "tcp filtered (default)");
	r->policy = AST_FILTERED;
	HOST_RULE(CRULE_UDP, "udp filtered (default)");
	r->policy = AST_FILTERED;
#undef HOST_RULE
}

/*
 * The settings: `set NAME VALUE`, each a constant number in a range.
 * seed has none; the others write a uint32_t of struct ruleset.
 */
static const struct {
	const char *name;
	uint64_t min, max;
	size_t off; /* in struct ruleset; 0 for seed */
} settings[] = {
	{ "seed", 0, UINT64_MAX, 0 },
	{ "flows_max", 1, 16777216, offsetof(struct ruleset, flows_max) },
	{ "idle_timeout", 1, 86400, offsetof(struct ruleset, idle_s) },
	{ "source_limit", 0, 100000000,
	  offsetof(struct ruleset, source_limit) },
	{ "global_limit", 0, 100000000,
	  offsetof(struct ruleset, global_limit) },
	{ "no_amplification", 0, 1,
	  offsetof(struct ruleset, no_amplification) },
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

static void compile_set(struct ruleset *rs, struct diag *d,
			const struct ast_set *st)
{
	struct expr *x;
	size_t k;

	for (k = 0; k < N_SETTINGS; k++)
		if (strcmp(st->name, settings[k].name) == 0)
			break;
	if (k == N_SETTINGS) {
		diag_error(d, st->pos,
			   "unknown setting '%s' (seed, flows_max, "
			   "idle_timeout, source_limit, global_limit, "
			   "no_amplification)",
			   st->name);
		return;
	}
	x = expr_compile(&rs->arena, d, st->value);
	if (!x)
		return;
	if (x->op != EXPR_CONST || x->type != EXPR_INT) {
		diag_error(d, st->pos, "%s takes a constant number",
			   settings[k].name);
		return;
	}
	if (k == 0) {
		rs->seed = x->u;
		rs->has_seed = true;
		return;
	}
	if (x->u < settings[k].min || x->u > settings[k].max) {
		diag_error(d, st->pos, "%s must be %llu to %llu",
			   settings[k].name,
			   (unsigned long long)settings[k].min,
			   (unsigned long long)settings[k].max);
		return;
	}
	*(uint32_t *)(void *)((char *)rs + settings[k].off) = (uint32_t)x->u;
}

int ruleset_compile(const struct ast_file *f, struct diag *d,
		    struct ruleset **out)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));
	size_t i, cap = 0, hcap = 0, n = 64;
	struct names nm;

	*out = NULL;
	while (n < 2 * f->n_stmts)
		n *= 2;
	memset(&nm, 0, sizeof(nm));
	nm.mask = n - 1;
	nm.slot = calloc(n, sizeof(*nm.slot));
	if (!rs || !nm.slot) {
		free(rs);
		free(nm.slot);
		return -ENOMEM;
	}
	arena_init(&rs->arena, 0);
	rs->path = f->path;
	rs->seed = 1;
	rs->flows_max = 65536;
	rs->idle_s = 300;
	rs->source_limit = 10000;
	rs->global_limit = 1000000;
	rs->no_amplification = 1;
	for (i = 0; i < f->n_stmts; i++) {
		const struct ast_stmt *s = &f->stmts[i];

		switch (s->kind) {
		case AST_STMT_SET:
			compile_set(rs, d, &s->u.set);
			break;
		case AST_STMT_RULE:
			compile_rule(rs, d, &s->u.rule, &cap, &nm);
			break;
		case AST_STMT_HOST:
			compile_host(rs, d, &s->u.host, &cap, &hcap);
			break;
		}
		if (rs->n_rules > AST_RULES_MAX) {
			diag_error_file(d,
					"more than %u rules once host "
					"blocks are expanded",
					AST_RULES_MAX);
			break;
		}
	}
	if (rs->arena.oom)
		diag_error_file(d, "out of memory");
	if (!diag_count(d) && dispatch_build(rs) < 0)
		diag_error_file(d, "out of memory");
	free(nm.slot);
	if (diag_count(d)) {
		ruleset_free(rs);
		return -EINVAL;
	}
	*out = rs;
	return 0;
}

int ruleset_load(const char *path, struct diag *d, struct ruleset **out)
{
	struct ruleset *rs = NULL;
	struct arena a;
	struct ast_file f;
	int rc;

	*out = NULL;
	/* A parse tree past 256 MiB is an error, not a way to exhaust memory. */
	arena_init(&a, 256u << 20);
	memset(&f, 0, sizeof(f));
	rc = lang_parse_file(&a, d, path, &f);
	if (rc == 0) {
		f.path = path;
		rc = ruleset_compile(&f, d, &rs);
	}
	if (rc < 0 || !rs) {
		arena_cleanup(&a);
		return rc < 0 ? rc : -1;
	}
	/* The rules point into the AST: its arena moves into the rule set. */
	rs->ast_arena = a;
	*out = rs;
	return 0;
}

void ruleset_free(struct ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n_rules; i++) {
		struct crule *r = &rs->rules[i];

		if (r->kind == CRULE_FILTER && r->filter)
			pcap_freecode(&r->bpf);
		for (size_t t = 0; r->svc && t < r->svc->n_trig; t++)
			if (r->svc->trig[t].has_re)
				regfree(&r->svc->trig[t].re);
	}
	arena_cleanup(&rs->arena);
	arena_cleanup(&rs->ast_arena);
	free(rs);
}
