/* SPDX-License-Identifier: MIT */
/*
 * send.c - `riposte send [-i IFACE | -w OUT.pcap] [-c COUNT] [--interval MS]
 * [--wait [MS]] [--seed N] [-v] TEMPLATE...`: the one-shot forger, Scapy's
 * sendp() and, with --wait, its srp1().
 *
 * The template is the one a rule's `send` action takes, and it goes
 * through the same parser and compiler: the arguments, joined with
 * spaces, are parsed as the rule text
 *
 *     rule cmdline { send
 *     TEMPLATE
 *     }
 *
 * so that the template starts a line of its own and a message's column
 * is already the user's; only its line is one off, and what the parser
 * says about the wrapper (the '}' it met where the template stopped short)
 * is said about the end of the template instead.  Before that, a scan of
 * the template's tokens refuses what would let it leak out of the rule
 * ('{', '}', ';', or text after its last layer), so that no message is
 * ever about a rule the user did not write.
 *
 * There is no request to mirror: the destination addresses must be given;
 * with -i the sources are the interface's own, as Scapy takes them from
 * its route; in a file they are Scapy's defaults without a route (zeros).
 * With -i, an Ethernet destination not given is asked for on the
 * interface (neigh.c), as Scapy's getmacbyip() does.
 *
 * With --wait, the capture is opened before the first frame leaves, so
 * that no answer can be missed, and each frame waits for its own answer:
 * the first frame that answers it as Scapy's answers() would (addresses
 * and ports swapped, the echo reply with its id and sequence, an ICMP
 * error quoting it, the ARP reply or neighbour advertisement for the
 * address asked about).
 *
 * Exit status: 0 sent (and, with --wait, every frame answered), 1 a
 * failure while sending or writing, or a frame not answered in time, 2 a
 * usage error, a template that does not compile or build, or an
 * interface, file or privilege that riposte cannot set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/template.h"
#include "io/live.h"
#include "io/pcapfile.h"
#include "lang/lex.h"
#include "lang/parse.h"
#include "neigh.h"
#include "pkt/print.h"
#include "show.h"

#define SEND_COUNT_MAX 1000000u
#define SEND_MS_MAX 3600000u /* an hour: --interval and --wait */
#define SEND_WAIT_DEFAULT 1000u
#define SEND_FRAME_MAX 65535u
#define SEND_RING (2 << 20) /* capture ring for --wait: a few answers */

/* The rule text around the template, and where the template sits in it. */
#define WRAP_HEAD "rule cmdline { send\n"
#define WRAP_TAIL "\n}\n"

void send_usage(FILE *out)
{
	fputs("usage: riposte send [-i IFACE | -w OUT.pcap] [-c COUNT] "
	      "[--interval MS]\n"
	      "                    [--wait [TIMEOUT_MS]] [--seed N] [-v] "
	      "TEMPLATE...\n"
	      "\n"
	      "Builds frames from a template in Scapy's notation (as a rule's\n"
	      "`send` action does, see riposte.rules(5)) and sends them on an\n"
	      "interface or writes them to a capture file: Scapy's sendp(),\n"
	      "and with --wait its srp1().  The arguments after the options\n"
	      "are joined with spaces into the template.\n"
	      "\n"
	      "  -i IFACE        send on IFACE, at layer 2 (needs root or\n"
	      "                  CAP_NET_RAW)\n"
	      "  -w FILE         write the frames to FILE (pcap; - is standard\n"
	      "                  output)\n"
	      "  -c COUNT        send COUNT frames, each built anew, so that\n"
	      "                  `random` differs (default 1)\n"
	      "  --interval MS   wait MS milliseconds between frames (with -w,\n"
	      "                  their time stamps are MS apart; default 0)\n"
	      "  --wait [MS]     with -i: print the first frame that answers\n"
	      "                  each frame sent, and its round-trip time;\n"
	      "                  exit 1 if none comes within MS milliseconds\n"
	      "                  (default 1000)\n"
	      "  --seed N        seed `random`, for the same frames again\n"
	      "                  (default: a random seed)\n"
	      "  -v              print each frame sent, dissected, and a count\n"
	      "  -h, --help      print this help\n"
	      "\n"
	      "IP, IPv6 and ARP destinations must be given.  With -i, the\n"
	      "sources not given are the interface's own (MAC, IPv4 and IPv6\n"
	      "address); in a file they are zeros.  With -i, an Ethernet\n"
	      "destination not given is asked for (ARP, neighbour\n"
	      "solicitation) as Scapy does, or mapped for multicast; in a\n"
	      "file, and when nobody answers, it is ff:ff:ff:ff:ff:ff.\n"
	      "\n"
	      "Example:\n"
	      "  riposte send -i eth0 --wait 'IP(dst=\"198.51.100.1\")/"
	      "TCP(dport=80, flags=\"S\")'\n",
	      out);
}

struct send_opts {
	const char *iface;
	const char *out;
	unsigned long count;
	unsigned interval_ms;
	bool wait;
	unsigned wait_ms;
	uint64_t seed;
	bool verbose;
};

/* What -i names, as the kernel lists it (no privilege needed). */
struct send_iface {
	const char *name;
	unsigned flags; /* IFF_* */
	unsigned short hatype; /* ARPHRD_* */
	int ifindex;
	uint8_t mac[6];
	bool has4, has6, has6ll;
	uint8_t ip4[4];
	uint8_t ip6[16]; /* the first address that is not link-local */
	uint8_t ip6ll[16];
};

/* The template, parsed and compiled. */
struct send_tmpl {
	struct arena a;
	struct diag d;
	const char *text; /* the user's */
	unsigned lines; /* lines of the template */
	unsigned end_col; /* column just past its last line */
	struct tmpl *t;
	bool ether_dst_auto; /* -i and no Ether dst: asked for (neigh.c) */
};

/* The MACs asked for, and those nobody gave (broadcast, said once). */
#define SEND_NEIGH_MAX 64
#define SEND_NEIGH_MS 1000u

struct send_neigh {
	unsigned n;
	struct {
		bool v6;
		uint8_t ip[16];
		uint8_t mac[6];
	} e[SEND_NEIGH_MAX];
};

/* ---- the template ---- */

/*
 * Writes d's messages, each brought back to the template's own lines
 * (see the top of the file).  At most one is about the end of the
 * template: what follows the first is the parser finding its feet.
 */
static void tmpl_report(const struct send_tmpl *st)
{
	const char *const tail = ", got '}'";
	bool end_said = false;
	size_t i;

	for (i = 0; i < st->d.n; i++) {
		const char *m = st->d.msgs[i], *rest, *cut;
		unsigned long line, col;
		char *e;

		if (strncmp(m, "template:", 9) != 0 || m[9] < '0' ||
		    m[9] > '9') {
			fprintf(stderr, "riposte: send: %s\n", m);
			continue;
		}
		line = strtoul(m + 9, &e, 10);
		if (*e != ':' || e[1] < '0' || e[1] > '9') {
			fprintf(stderr, "riposte: send: %s\n", m);
			continue;
		}
		col = strtoul(e + 1, &e, 10);
		rest = e;
		if (line >= 2 && line <= (unsigned long)st->lines + 1) {
			fprintf(stderr, "riposte: send: template:%lu:%lu%s\n",
				line - 1, col, rest);
			continue;
		}
		if (end_said)
			continue;
		end_said = true;
		cut = strstr(rest, tail);
		if (cut && !cut[strlen(tail)])
			fprintf(stderr,
				"riposte: send: template:%u:%u%.*s, got the end "
				"of the template\n",
				st->lines, st->end_col, (int)(cut - rest),
				rest);
		else
			fprintf(stderr, "riposte: send: template:%u:%u%s\n",
				st->lines, st->end_col, rest);
	}
	if (st->d.oom)
		fputs("riposte: send: out of memory\n", stderr);
}

/* A token, quoted for a message: 'text', at most 40 bytes of it. */
static void tok_quote(const struct lex_token *t, char *buf, size_t cap)
{
	size_t n = t->len > 40 ? 40 : t->len;

	snprintf(buf, cap, "'%.*s%s'", (int)n, t->raw, t->len > n ? "..." : "");
}

/*
 * The tokens of the template alone: nothing in it may close the rule it
 * is wrapped in, or follow its last layer.  An error goes to st->d, at
 * its position in the wrapped text; returns false after it.  Lexer errors are
 * left to the parser, which says them the same.
 */
static bool tmpl_scan(struct send_tmpl *st)
{
	struct lex lx;
	struct lex_token t;
	unsigned depth = 0;
	bool after = false; /* a layer's ')' closed at depth 0 */
	char q[64];

	lex_init(&lx, st->text, strlen(st->text));
	for (;;) {
		struct ast_pos pos;

		lex_next(&lx, &t);
		if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
			return true;
		pos.line = t.line + 1;
		pos.col = t.col;
		tok_quote(&t, q, sizeof(q));
		if (t.kind == TOK_PUNCT && strchr("{};", t.op[0])) {
			diag_error(&st->d, pos, "unexpected %s in a template",
				   q);
			return false;
		}
		if (after && depth == 0) {
			if (t.kind == TOK_PUNCT && t.op[0] == '/') {
				after = false;
				continue;
			}
			diag_error(&st->d, pos,
				   "unexpected %s after the template (its "
				   "layers are joined by '/')",
				   q);
			return false;
		}
		if (t.kind != TOK_PUNCT)
			continue;
		if (t.op[0] == '(' || t.op[0] == '[') {
			depth++;
		} else if (t.op[0] == ')' || t.op[0] == ']') {
			if (depth)
				depth--;
			after = depth == 0 && t.op[0] == ')';
		}
	}
}

static bool is_layer(const struct ast_layer *l, const char *name)
{
	return strcmp(l->name, name) == 0;
}

static const struct ast_arg *arg_find(const struct ast_layer *l,
				      const char *name)
{
	size_t i;

	for (i = 0; i < l->n_args; i++)
		if (strcmp(l->args[i].name, name) == 0)
			return &l->args[i];
	return NULL;
}

/* Gives layer l the argument name="value" (first, so that it is a default). */
static bool arg_add(struct arena *a, struct ast_layer *l, const char *name,
		    const char *value)
{
	struct ast_arg *args = arena_calloc(a, l->n_args + 1, sizeof(*args));
	struct ast_expr *e = arena_alloc(a, sizeof(*e));

	if (!args || !e)
		return false;
	e->kind = AST_STR;
	e->pos = l->pos;
	e->str = (const uint8_t *)arena_strndup(a, value, strlen(value));
	e->len = strlen(value);
	args[0].pos = l->pos;
	args[0].name = name;
	args[0].value = e;
	if (l->n_args)
		memcpy(args + 1, l->args, l->n_args * sizeof(*args));
	l->args = args;
	l->n_args++;
	return e->str != NULL;
}

/*
 * A send template has no received frame: a field name (tcp.seq) in it
 * would fail every build, so it is an error here, where it can be shown.
 */
static bool names_check(struct diag *d, const struct ast_expr *e)
{
	bool ok = true;
	size_t i;

	if (!e)
		return true;
	if (e->kind == AST_NAME && pkt_field_find(e->name)) {
		diag_error(d, e->pos,
			   "'%s' reads a received frame, and send has none: "
			   "give a value (or random)",
			   e->name);
		return false;
	}
	ok &= names_check(d, e->a);
	ok &= names_check(d, e->b);
	for (i = 0; i < e->n; i++)
		ok &= names_check(d, e->items[i]);
	return ok;
}

static void mac_str(const uint8_t mac[6], char *buf, size_t cap)
{
	snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

/* Can an Ether layer be put before a template's first layer, name? */
static bool ether_may_lead(const char *name)
{
	static const char *const next[] = { "Dot1AD", "Dot1Q", "ARP", "IP",
					    "IPv6",   "Raw",   NULL };
	size_t i;

	for (i = 0; next[i]; i++)
		if (strcmp(name, next[i]) == 0)
			return true;
	return false;
}

/* An IPv6 destination given as a link-local address? */
static bool dst_link_local(const struct ast_layer *l)
{
	const struct ast_arg *a = arg_find(l, "dst");
	uint8_t ip6[16];

	return a && a->value->kind == AST_STR &&
	       inet_pton(AF_INET6, (const char *)a->value->str, ip6) == 1 &&
	       ip6[0] == 0xfe && (ip6[1] & 0xc0) == 0x80;
}

/*
 * Destinations must be given; sources not given are the interface's
 * (ifc NULL: none, Scapy's zeros stay).  Errors go to d.
 */
static bool addrs_fill(struct send_tmpl *st, struct ast_tmpl *t,
		       const struct send_iface *ifc)
{
	char s[INET6_ADDRSTRLEN + 1];
	bool ok = true;
	size_t i;

	for (i = 0; i < t->n_layers; i++) {
		struct ast_layer *l = &t->layers[i];
		bool v4 = is_layer(l, "IP"), v6 = is_layer(l, "IPv6");
		bool arp = is_layer(l, "ARP");
		const char *dst = arp ? "pdst" : "dst";
		const char *src = arp ? "psrc" : "src";
		const uint8_t *a;

		if (is_layer(l, "Ether") && ifc) {
			if (i == 0) /* Ether comes first or nowhere */
				st->ether_dst_auto = !arg_find(l, "dst");
			if (!arg_find(l, "src")) {
				mac_str(ifc->mac, s, sizeof(s));
				ok &= arg_add(&st->a, l, "src", s);
			}
			continue;
		}
		if (!v4 && !v6 && !arp)
			continue;
		if (!arg_find(l, dst)) {
			diag_error(&st->d, l->pos,
				   "%s needs the address to %s: %s=\"...\" "
				   "(there is no request to answer)",
				   l->name, arp ? "ask about" : "send to", dst);
			ok = false;
		}
		/* Scapy's ARP says who asks: the interface's MAC. */
		if (arp && ifc && !arg_find(l, "hwsrc")) {
			mac_str(ifc->mac, s, sizeof(s));
			ok &= arg_add(&st->a, l, "hwsrc", s);
		}
		if (!ifc || arg_find(l, src))
			continue;
		a = NULL;
		if (v6 && ifc->has6ll && (dst_link_local(l) || !ifc->has6))
			a = ifc->ip6ll;
		else if (v6 && ifc->has6)
			a = ifc->ip6;
		else if (!v6 && ifc->has4)
			a = ifc->ip4;
		if (!a) {
			diag_error(&st->d, l->pos,
				   "%s has no %s= and %s has no %s address to "
				   "take it from",
				   l->name, src, ifc->name,
				   v6 ? "IPv6" : "IPv4");
			ok = false;
			continue;
		}
		inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
		ok &= arg_add(&st->a, l, src, s);
	}
	/*
	 * Without an Ether layer the frame still has one: its source too,
	 * through an Ether layer put in front, where one may stand.
	 */
	if (ifc && t->n_layers && ether_may_lead(t->layers[0].name)) {
		struct ast_layer *ls =
			arena_calloc(&st->a, t->n_layers + 1, sizeof(*ls));

		if (!ls)
			return false;
		memcpy(ls + 1, t->layers, t->n_layers * sizeof(*ls));
		ls[0].pos = t->layers[0].pos;
		ls[0].name = "Ether";
		t->layers = ls;
		t->n_layers++;
		mac_str(ifc->mac, s, sizeof(s));
		ok &= arg_add(&st->a, &ls[0], "src", s);
		st->ether_dst_auto = true;
	}
	return ok;
}

/*
 * Parses and compiles st->text (ifc: the interface its sources come
 * from, or NULL).  Returns 0, or -1 after printing every error.
 */
static int tmpl_load(struct send_tmpl *st, const struct send_iface *ifc)
{
	struct ast_file f;
	struct ast_rule *r;
	const char *nl;
	char *src;
	size_t len, i, j;
	bool ok;

	st->lines = 1;
	nl = st->text;
	for (i = 0; st->text[i]; i++)
		if (st->text[i] == '\n') {
			st->lines++;
			nl = st->text + i + 1;
		}
	st->end_col = (unsigned)strlen(nl) + 1;
	if (!tmpl_scan(st))
		goto fail;
	len = strlen(WRAP_HEAD) + strlen(st->text) + strlen(WRAP_TAIL);
	src = arena_alloc(&st->a, len + 1);
	if (!src) {
		fputs("riposte: send: out of memory\n", stderr);
		return -1;
	}
	snprintf(src, len + 1, "%s%s%s", WRAP_HEAD, st->text, WRAP_TAIL);
	if (lang_parse(&st->a, &st->d, src, len, &f) < 0)
		goto fail;
	/* tmpl_scan let nothing else through; said, should it ever. */
	if (f.n_stmts != 1 || f.stmts[0].kind != AST_STMT_RULE ||
	    f.stmts[0].u.rule.action != AST_ACT_SEND ||
	    f.stmts[0].u.rule.match || f.stmts[0].u.rule.log ||
	    f.stmts[0].u.rule.limit) {
		diag_error_file(&st->d, "more than a template");
		goto fail;
	}
	r = &f.stmts[0].u.rule;
	ok = true;
	for (i = 0; i < r->tmpl.n_layers; i++)
		for (j = 0; j < r->tmpl.layers[i].n_args; j++)
			ok &= names_check(&st->d,
					  r->tmpl.layers[i].args[j].value);
	ok &= addrs_fill(st, &r->tmpl, ifc);
	if (!ok)
		goto fail;
	st->t = tmpl_compile(&st->a, &st->d, &r->tmpl, false);
	if (!st->t || diag_count(&st->d))
		goto fail;
	return 0;
fail:
	if (!diag_count(&st->d))
		diag_error_file(&st->d, "out of memory");
	tmpl_report(st);
	return -1;
}

/* ---- the interface ---- */

/* Finds name among the kernel's links; 0, or -1 after saying why. */
static int iface_lookup(const char *name, struct send_iface *ifc)
{
	struct ifaddrs *all, *i;
	bool found = false;

	memset(ifc, 0, sizeof(*ifc));
	ifc->name = name;
	if (getifaddrs(&all) < 0) {
		fprintf(stderr, "riposte: send: cannot list interfaces: %s\n",
			strerror(errno));
		return -1;
	}
	for (i = all; i; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa || strcmp(i->ifa_name, name) != 0)
			continue;
		if (sa->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const void *)sa;

			found = true;
			ifc->ifindex = ll->sll_ifindex;
			ifc->flags = i->ifa_flags;
			ifc->hatype = ll->sll_hatype;
			if (ll->sll_halen == 6)
				memcpy(ifc->mac, ll->sll_addr, 6);
		} else if (sa->sa_family == AF_INET && !ifc->has4) {
			const struct sockaddr_in *in = (const void *)sa;

			memcpy(ifc->ip4, &in->sin_addr, 4);
			ifc->has4 = true;
		} else if (sa->sa_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const void *)sa;
			const uint8_t *b = in6->sin6_addr.s6_addr;
			bool ll = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;

			if (ll && !ifc->has6ll) {
				memcpy(ifc->ip6ll, b, 16);
				ifc->has6ll = true;
			} else if (!ll && !ifc->has6) {
				memcpy(ifc->ip6, b, 16);
				ifc->has6 = true;
			}
		}
	}
	freeifaddrs(all);
	if (!found) {
		fprintf(stderr,
			"riposte: send: no interface %s (see ip link)\n", name);
		return -1;
	}
	/* Loopback frames are Ethernet-shaped too. */
	if (ifc->hatype != ARPHRD_ETHER && ifc->hatype != ARPHRD_LOOPBACK) {
		fprintf(stderr,
			"riposte: send: %s is not an Ethernet interface\n",
			name);
		return -1;
	}
	if (!(ifc->flags & IFF_UP)) {
		fprintf(stderr,
			"riposte: send: %s is down (ip link set %s up)\n", name,
			name);
		return -1;
	}
	return 0;
}

static void say_no_privilege(const char *iface)
{
	fprintf(stderr,
		"riposte: send: needs root (CAP_NET_RAW) to send on %s\n",
		iface);
}

/*
 * A socket that sends on ifc and receives nothing (protocol 0).  Its own
 * rather than io_live's: blocking, through the qdisc, and each failure
 * with its errno, as a one-shot tool wants; the daemon's drops and counts
 * instead.  Returns the fd, or -1 after saying why.
 */
static int tx_open(const struct send_iface *ifc)
{
	struct sockaddr_ll sll;
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			say_no_privilege(ifc->name);
		else
			fprintf(stderr, "riposte: send: AF_PACKET socket: %s\n",
				strerror(errno));
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifc->ifindex;
	if (!sll.sll_ifindex ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "riposte: send: cannot bind to %s: %s\n",
			ifc->name, strerror(sll.sll_ifindex ? errno : ENODEV));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the Ethernet destination ---- */

/*
 * With -i and no Ether(dst=...), the frame in buf goes where Scapy's
 * getmacbyip() would send it: a multicast or broadcast IP destination to
 * its MAC, a unicast one to the MAC that answers an ARP request or a
 * neighbour solicitation for it, or for the gateway the kernel's route
 * names when it is off the link (asked once, remembered); nobody
 * answering, or VLAN tags, or an ARP frame or no IP layer: to
 * ff:ff:ff:ff:ff:ff, as before.  Returns 0, or -1 after saying why.
 */
static int ether_dst(const struct send_iface *ifc, struct send_tmpl *st,
		     struct send_neigh *nc, uint8_t *buf, size_t len)
{
	static struct pkt p;
	struct neigh_self self;
	const uint8_t *dst, *ask;
	uint8_t gw[16];
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN + 20] = "";
	unsigned i;
	int rc;
	bool v6;

	if (!st->ether_dst_auto || len < PKT_ETH_LEN)
		return 0;
	pkt_parse(&p, buf, len);
	if (p.has & (PKT_L_DOT1Q | PKT_L_DOT1AD) ||
	    !(p.has & (PKT_L_IP | PKT_L_IP6)))
		return 0;
	v6 = p.has & PKT_L_IP6;
	dst = v6 ? p.ip6.dst : p.ip.dst;
	if (neigh_mapped(v6, dst, buf))
		return 0;
	for (i = 0; i < nc->n; i++)
		if (nc->e[i].v6 == v6 &&
		    !memcmp(nc->e[i].ip, dst, v6 ? 16 : 4)) {
			memcpy(buf, nc->e[i].mac, 6);
			return 0;
		}
	memset(&self, 0, sizeof(self));
	memcpy(self.mac, ifc->mac, 6);
	memcpy(self.ip4, ifc->has4 ? ifc->ip4 : p.ip.src, 4);
	memcpy(self.ip6,
	       ifc->has6ll ? ifc->ip6ll :
	       ifc->has6   ? ifc->ip6 :
			     p.ip6.src,
	       16);
	/* Off the link: the gateway's MAC, as the kernel's route says. */
	ask = dst;
	if (neigh_next_hop(ifc->ifindex, v6, dst, gw) == 1) {
		ask = gw;
		inet_ntop(v6 ? AF_INET6 : AF_INET, dst, a, sizeof(a));
		snprintf(g, sizeof(g), " (gateway to %s)", a);
	}
	inet_ntop(v6 ? AF_INET6 : AF_INET, ask, a, sizeof(a));
	rc = neigh_resolve(ifc->ifindex, &self, v6, ask, SEND_NEIGH_MS, buf);
	if (rc < 0) {
		fprintf(stderr,
			"riposte: send: asking for %s's MAC on %s: %s\n", a,
			ifc->name, strerror(-rc));
		return -1;
	}
	if (rc == 0) {
		memset(buf, 0xff, 6);
		fprintf(stderr,
			"riposte: send: %s%s did not answer %s within %u ms: "
			"sending to ff:ff:ff:ff:ff:ff (Ether(dst=...) says "
			"where)\n",
			a, g, v6 ? "a neighbour solicitation" : "ARP",
			SEND_NEIGH_MS);
	}
	if (nc->n < SEND_NEIGH_MAX) {
		nc->e[nc->n].v6 = v6;
		memcpy(nc->e[nc->n].ip, dst, v6 ? 16 : 4);
		memcpy(nc->e[nc->n].mac, buf, 6);
		nc->n++;
	}
	return 0;
}

/* ---- answers ---- */

/* Does the quote of ICMP error r hold frame s's transport header? */
static bool quote_matches(const struct pkt *s, const struct pkt *r,
			  uint8_t proto)
{
	if (proto == PKT_PROTO_TCP && (s->has & PKT_L_TCP))
		return (r->has & PKT_L_TCPERROR) &&
		       r->l4error.sport == s->tcp.sport &&
		       r->l4error.dport == s->tcp.dport;
	if (proto == PKT_PROTO_UDP && (s->has & PKT_L_UDP))
		return (r->has & PKT_L_UDPERROR) &&
		       r->l4error.sport == s->udp.sport &&
		       r->l4error.dport == s->udp.dport;
	if (proto == PKT_PROTO_ICMP && (s->has & PKT_L_ICMP))
		return (r->has & PKT_L_ICMPERROR) &&
		       r->l4error.type == s->icmp.type &&
		       r->l4error.id == (uint16_t)(s->icmp.rest >> 16) &&
		       r->l4error.icmpseq == (uint16_t)s->icmp.rest;
	if (proto == PKT_PROTO_ICMP6 && (s->has & PKT_L_ICMP6))
		return (r->has & PKT_L_ICMPERROR) &&
		       r->l4error.type == s->icmp6.type;
	return true; /* another protocol: the addresses said enough */
}

/* Transport ports swapped, or the echo answered, or the same protocol. */
static bool l4_answers(const struct pkt *s, const struct pkt *r)
{
	if (s->has & PKT_L_TCP)
		return (r->has & PKT_L_TCP) && r->tcp.sport == s->tcp.dport &&
		       r->tcp.dport == s->tcp.sport;
	if (s->has & PKT_L_UDP)
		return (r->has & PKT_L_UDP) && r->udp.sport == s->udp.dport &&
		       r->udp.dport == s->udp.sport;
	if (s->has & PKT_L_ICMP) {
		/* Echo, timestamp, information, address mask: type + 1. */
		if (s->icmp.type != 8 && s->icmp.type != 13 &&
		    s->icmp.type != 15 && s->icmp.type != 17)
			return false;
		return (r->has & PKT_L_ICMP) &&
		       r->icmp.type ==
			       (s->icmp.type == 8 ? 0 : s->icmp.type + 1) &&
		       r->icmp.rest == s->icmp.rest;
	}
	if (s->has & PKT_L_ICMP6)
		return s->icmp6.type == 128 && (r->has & PKT_L_ICMP6) &&
		       r->icmp6.type == 129 && r->icmp6.word == s->icmp6.word;
	return (s->has & PKT_L_IP) ? r->ip.proto == s->ip.proto :
				     r->ip6.next == s->ip6.next;
}

/* Does r answer s, as Scapy's answers() has it? */
static bool answers(const struct pkt *s, const struct pkt *r)
{
	if ((s->has & PKT_L_ARP) && pkt_arp_is_eth_ip4(&s->arp))
		return s->arp.op == 1 && (r->has & PKT_L_ARP) &&
		       pkt_arp_is_eth_ip4(&r->arp) && r->arp.op == 2 &&
		       !memcmp(r->arp.psrc, s->arp.pdst, 4);
	if (s->has & PKT_L_IP) {
		if (!(r->has & PKT_L_IP) || memcmp(r->ip.dst, s->ip.src, 4))
			return false;
		/* An error may come from a router: the quote names s. */
		if ((r->has & PKT_L_ICMP) && pkt_icmp_is_error(r->icmp.type) &&
		    !((s->has & PKT_L_ICMP) && pkt_icmp_is_error(s->icmp.type)))
			return (r->has & PKT_L_IPERROR) &&
			       !memcmp(r->iperror.src, s->ip.src, 4) &&
			       !memcmp(r->iperror.dst, s->ip.dst, 4) &&
			       r->iperror.proto == s->ip.proto &&
			       quote_matches(s, r, r->iperror.proto);
		return !memcmp(r->ip.src, s->ip.dst, 4) && l4_answers(s, r);
	}
	if (s->has & PKT_L_IP6) {
		if (!(r->has & PKT_L_IP6))
			return false;
		/* A neighbour advertisement comes from the target, to s. */
		if ((s->has & PKT_L_ICMP6) && s->icmp6.type == 135)
			return (r->has & PKT_L_ICMP6) && r->icmp6.type == 136 &&
			       !memcmp(r->icmp6.tgt, s->icmp6.tgt, 16);
		if ((s->has & PKT_L_ICMP6) && s->icmp6.type == 133)
			return (r->has & PKT_L_ICMP6) && r->icmp6.type == 134;
		if (memcmp(r->ip6.dst, s->ip6.src, 16))
			return false;
		if ((r->has & PKT_L_ICMP6) && r->icmp6.type < 128 &&
		    !((s->has & PKT_L_ICMP6) && s->icmp6.type < 128))
			return (r->has & PKT_L_IPERROR6) &&
			       !memcmp(r->iperror6.src, s->ip6.src, 16) &&
			       !memcmp(r->iperror6.dst, s->ip6.dst, 16) &&
			       r->iperror6.next == s->ip6.next &&
			       quote_matches(s, r, r->iperror6.next);
		return !memcmp(r->ip6.src, s->ip6.dst, 16) && l4_answers(s, r);
	}
	return false;
}

/*
 * The kernel filter for s's answers: only a first cut (answers() decides),
 * so that the ring holds little else.  Tagged frames: every tagged frame.
 */
static void answer_filter(const struct pkt *s, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (s->has & (PKT_L_DOT1Q | PKT_L_DOT1AD)) {
		snprintf(buf, cap, "vlan");
	} else if (s->has & PKT_L_ARP) {
		snprintf(buf, cap, "arp");
	} else if (s->has & PKT_L_IP) {
		inet_ntop(AF_INET, s->ip.src, a, sizeof(a));
		inet_ntop(AF_INET, s->ip.dst, b, sizeof(b));
		snprintf(buf, cap, "ip dst %s and (ip src %s or icmp)", a, b);
	} else if (s->has & PKT_L_IP6) {
		inet_ntop(AF_INET6, s->ip6.src, a, sizeof(a));
		/* An NA comes from the target; errors from routers. */
		snprintf(buf, cap, "ip6 dst %s or (icmp6 and ip6 multicast)",
			 a);
	} else {
		buf[0] = '\0';
	}
}

/* What the capture callback looks for, and what it found. */
struct awaited {
	const struct pkt *sent;
	bool found;
	struct timeval ts;
	uint32_t len;
	uint8_t frame[SEND_FRAME_MAX];
};

static void on_frame(unsigned char *user, const struct pcap_pkthdr *h,
		     const unsigned char *bytes)
{
	static struct pkt r;
	struct awaited *c = (struct awaited *)user;
	uint32_t n = h->caplen < SEND_FRAME_MAX ? h->caplen : SEND_FRAME_MAX;

	if (c->found)
		return;
	pkt_parse(&r, bytes, n);
	if (!answers(c->sent, &r))
		return;
	memcpy(c->frame, bytes, n);
	c->len = n;
	c->ts = h->ts;
	c->found = true;
}

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Waits at most ms for an answer to c->sent.  Returns 1 with it in c, 0
 * when none came, -1 after saying why the capture failed.
 */
static int wait_answer(struct io_live *l, struct awaited *c, unsigned ms)
{
	int64_t end = mono_ms() + ms, left;
	char err[PCAP_ERRBUF_SIZE + 64];
	struct pollfd pfd;

	c->found = false;
	pfd.fd = io_live_fd(l);
	pfd.events = POLLIN;
	for (;;) {
		if (io_live_dispatch(l, 64, on_frame, (unsigned char *)c, err,
				     sizeof(err)) < 0) {
			fprintf(stderr, "riposte: send: capture: %s\n", err);
			return -1;
		}
		if (c->found)
			return 1;
		left = end - mono_ms();
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			fprintf(stderr, "riposte: send: capture: %s\n",
				strerror(errno));
			return -1;
		}
	}
}

/* ---- output ---- */

/* Prints a frame as `riposte show -v` does; frames apart by a blank line. */
static void print_frame(unsigned long n, const struct timespec *ts,
			const uint8_t *f, size_t len, const char *head)
{
	static bool printed;
	static struct pkt p;

	if (printed)
		fputc('\n', stdout);
	printed = true;
	if (head)
		fputs(head, stdout);
	pkt_parse(&p, f, len);
	show_print_stamp(stdout, n, ts);
	pkt_print_line(stdout, &p);
	fputc('\n', stdout);
	pkt_print_tree(stdout, &p);
	fflush(stdout);
}

static void ts_add_ms(struct timespec *t, uint64_t ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static uint64_t ts_ms(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000u + (uint64_t)t->tv_nsec / 1000000u;
}

/* Sleeps until start + ms on the monotonic clock. */
static void pace(const struct timespec *start, uint64_t ms)
{
	struct timespec t = *start;

	ts_add_ms(&t, ms);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
	       EINTR)
		;
}

/* Builds frame number n (from 1) into buf; its length, or -1 after saying. */
static int build(const struct send_tmpl *st, uint64_t *rng,
		 const struct timespec *now, uint8_t *buf, unsigned long n,
		 unsigned long count)
{
	struct expr_env env = { NULL, ts_ms(now), rng };
	const char *why = NULL;
	int len;

	len = tmpl_build(st->t, &env, buf, SEND_FRAME_MAX, &why);
	if (len < 0) {
		if (count > 1)
			fprintf(stderr,
				"riposte: send: template: frame %lu does not "
				"build: %s\n",
				n, why ? why : "unknown reason");
		else
			fprintf(stderr,
				"riposte: send: template: the frame does not "
				"build: %s\n",
				why ? why : "unknown reason");
	}
	return len;
}

/* Sends the frames to a capture file; ts is frame 1's time. */
static int send_file(const struct send_opts *o, struct send_tmpl *st,
		     uint64_t *rng, uint8_t *buf, int len, struct timespec ts)
{
	char err[IO_PCAPFILE_ERRLEN] = "";
	struct io_pcapfile_writer *w;
	struct io_frame fr;
	unsigned long i;
	int status = 0;

	if (io_pcapfile_writer_open(&w, o->out, DLT_EN10MB, SEND_FRAME_MAX, err,
				    sizeof(err)) < 0) {
		fprintf(stderr, "riposte: send: cannot write %s: %s\n", o->out,
			err);
		return 2;
	}
	for (i = 1; i <= o->count && !status; i++) {
		if (i > 1) {
			/* A file is not paced: its time stamps are. */
			ts_add_ms(&ts, o->interval_ms);
			len = build(st, rng, &ts, buf, i, o->count);
			if (len < 0) {
				status = 2;
				break;
			}
		}
		fr.data = buf;
		fr.caplen = fr.wirelen = (uint32_t)len;
		fr.ts = ts;
		if (io_pcapfile_write(w, &fr) < 0)
			status = 1;
		else if (o->verbose)
			print_frame(i, &ts, buf, (size_t)len, NULL);
	}
	if (io_pcapfile_writer_close(w) < 0 && !status)
		status = 1;
	if (status == 1)
		fprintf(stderr, "riposte: send: cannot write %s\n", o->out);
	/* A template that stops building leaves no half file behind. */
	if (status == 2 && strcmp(o->out, "-") != 0)
		unlink(o->out);
	if (!status && o->verbose)
		printf("\nwrote %lu frame%s to %s\n", o->count,
		       o->count == 1 ? "" : "s", o->out);
	return status;
}

/*
 * Prints the answer in c to frame n, sent at sent (both clocks are the
 * wall clock: the kernel stamps a captured frame with it).
 */
static void print_answer(unsigned long n, const struct timespec *sent,
			 const struct awaited *c)
{
	struct timespec at;
	double rtt;
	char head[64];

	at.tv_sec = c->ts.tv_sec;
	at.tv_nsec = (long)c->ts.tv_usec * 1000;
	rtt = (double)(at.tv_sec - sent->tv_sec) * 1e3 +
	      (double)(at.tv_nsec - sent->tv_nsec) / 1e6;
	snprintf(head, sizeof(head), "answer to frame %lu in %.3f ms:\n", n,
		 rtt > 0 ? rtt : 0.0);
	print_frame(n, &at, c->frame, c->len, head);
}

/* Says why send() failed on ifc, with a hint for the usual causes. */
static void say_send_error(const struct send_iface *ifc, int err, int len)
{
	if (err == EPERM || err == EACCES)
		say_no_privilege(ifc->name);
	else if (err == ENETDOWN || err == ENXIO)
		fprintf(stderr,
			"riposte: send: cannot send on %s: %s (ip link set %s "
			"up)\n",
			ifc->name, strerror(err), ifc->name);
	else if (err == EMSGSIZE)
		fprintf(stderr,
			"riposte: send: cannot send on %s: a frame of %d bytes "
			"is larger than its MTU allows\n",
			ifc->name, len);
	else
		fprintf(stderr, "riposte: send: cannot send on %s: %s\n",
			ifc->name, strerror(err));
}

/* Sends the frames on an interface, each waiting for its answer. */
static int send_live(const struct send_opts *o, const struct send_iface *ifc,
		     struct send_tmpl *st, uint64_t *rng, uint8_t *buf, int len)
{
	char err[PCAP_ERRBUF_SIZE + 128] = "", filter[256], cur[256] = "";
	struct io_live_opts lo = {
		.iface = ifc->name,
		.filter = "",
		.buffer_size = SEND_RING,
	};
	struct io_live *live = NULL;
	static struct send_neigh nc;
	static struct awaited c;
	static struct pkt sp;
	struct timespec start, now;
	unsigned long i, unanswered = 0;
	int fd = -1, rc, status = 0;
	ssize_t n;

	/* The capture first: an answer cannot come before it listens. */
	if (o->wait) {
		rc = io_live_open(&live, &lo, err, sizeof(err));
		if (rc == -EPERM || rc == -EACCES) {
			say_no_privilege(ifc->name);
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr,
				"riposte: send: cannot capture on %s: %s\n",
				ifc->name, err);
			return 2;
		}
	}
	fd = tx_open(ifc);
	if (fd < 0) {
		io_live_close(live);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 1; i <= o->count; i++) {
		if (i > 1) {
			pace(&start, (uint64_t)(i - 1) * o->interval_ms);
			clock_gettime(CLOCK_REALTIME, &now);
			len = build(st, rng, &now, buf, i, o->count);
			if (len < 0) {
				status = 2;
				break;
			}
		}
		if (ether_dst(ifc, st, &nc, buf, (size_t)len) < 0) {
			status = 1;
			break;
		}
		if (o->wait) {
			pkt_parse(&sp, buf, (size_t)len);
			answer_filter(&sp, filter, sizeof(filter));
			if (strcmp(filter, cur) != 0) {
				if (io_live_set_filter(live, filter, err,
						       sizeof(err)) < 0) {
					fprintf(stderr, "riposte: send: %s\n",
						err);
					status = 1;
					break;
				}
				snprintf(cur, sizeof(cur), "%s", filter);
			}
			c.sent = &sp;
		}
		clock_gettime(CLOCK_REALTIME, &now);
		do
			n = send(fd, buf, (size_t)len, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			say_send_error(ifc, errno, len);
			status = 1;
			break;
		}
		if (o->verbose)
			print_frame(i, &now, buf, (size_t)len, NULL);
		if (!o->wait)
			continue;
		rc = wait_answer(live, &c, o->wait_ms);
		if (rc < 0) {
			status = 1;
			break;
		}
		if (rc == 0) {
			if (o->count > 1)
				fprintf(stderr,
					"riposte: send: frame %lu: no answer "
					"within %u ms\n",
					i, o->wait_ms);
			else
				fprintf(stderr,
					"riposte: send: no answer within %u "
					"ms\n",
					o->wait_ms);
			unanswered++;
			continue;
		}
		print_answer(i, &now, &c);
	}
	close(fd);
	io_live_close(live);
	if (!status && o->verbose)
		printf("\nsent %lu frame%s\n", o->count,
		       o->count == 1 ? "" : "s");
	return status ? status : unanswered ? 1 : 0;
}

/* ---- the command ---- */

/* The arguments joined with spaces; NULL when out of memory. */
static char *join(int argc, char *argv[])
{
	size_t len = 1, at = 0;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (i)
			s[at++] = ' ';
		memcpy(s + at, argv[i], n);
		at += n;
	}
	s[at] = '\0';
	return s;
}

int send_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'I' },
		{ "wait", optional_argument, NULL, 'W' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct send_opts o = { .count = 1, .wait_ms = SEND_WAIT_DEFAULT };
	static uint8_t buf[SEND_FRAME_MAX];
	struct send_iface ifc;
	struct send_tmpl st;
	struct timespec now;
	bool has_seed = false;
	uint64_t v, rng;
	char *text;
	int c, len, status;

	opterr = 0;
	optind = 0;
	/* '+': options end at the template, whose words may start with '-'. */
	while ((c = getopt_long(argc, argv, "+:i:w:c:vh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			o.iface = optarg;
			break;
		case 'w':
			o.out = optarg;
			break;
		case 'c':
			if (cmd_parse_u64(optarg, SEND_COUNT_MAX, &v) < 0 || !v)
				return cmd_usage_error(
					"send", send_usage,
					"bad count '%s' (1 to %u)", optarg,
					SEND_COUNT_MAX);
			o.count = (unsigned long)v;
			break;
		case 'I':
			if (cmd_parse_u64(optarg, SEND_MS_MAX, &v) < 0)
				return cmd_usage_error(
					"send", send_usage,
					"bad interval '%s' (0 to %u ms)",
					optarg, SEND_MS_MAX);
			o.interval_ms = (unsigned)v;
			break;
		case 'W':
			o.wait = true;
			/* "--wait 500" as well as "--wait=500". */
			if (!optarg && optind < argc &&
			    argv[optind][0] >= '0' && argv[optind][0] <= '9')
				optarg = argv[optind++];
			if (optarg &&
			    (cmd_parse_u64(optarg, SEND_MS_MAX, &v) < 0 || !v))
				return cmd_usage_error(
					"send", send_usage,
					"bad timeout '%s' (1 to %u ms)", optarg,
					SEND_MS_MAX);
			if (optarg)
				o.wait_ms = (unsigned)v;
			break;
		case 's':
			if (cmd_parse_u64(optarg, UINT64_MAX, &o.seed) < 0)
				return cmd_usage_error("send", send_usage,
						       "bad seed '%s'", optarg);
			has_seed = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			send_usage(stdout);
			return 0;
		case ':':
			return cmd_usage_error("send", send_usage,
					       "option %s needs an argument",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("send", send_usage,
					       "unknown option %s",
					       argv[optind - 1]);
		}
	}
	if (o.iface && o.out)
		return cmd_usage_error("send", send_usage, "%s",
				       "-i and -w: one or the other");
	if (!o.iface && !o.out)
		return cmd_usage_error("send", send_usage, "%s",
				       "where to? -i IFACE or -w FILE");
	if (o.wait && !o.iface)
		return cmd_usage_error("send", send_usage, "%s",
				       "--wait needs -i IFACE");
	if (o.verbose && strcmp(o.out ? o.out : "", "-") == 0)
		return cmd_usage_error("send", send_usage, "%s",
				       "-v and -w - would both write to "
				       "standard output");
	text = join(argc - optind, argv + optind);
	if (!text) {
		fputs("riposte: send: out of memory\n", stderr);
		return 1;
	}
	if (!text[strspn(text, " \t\n")]) {
		free(text);
		return cmd_usage_error("send", send_usage, "%s", "no template");
	}
	if (o.iface && iface_lookup(o.iface, &ifc) < 0) {
		free(text);
		return 2;
	}
	memset(&st, 0, sizeof(st));
	arena_init(&st.a, 0);
	diag_init(&st.d, "template");
	st.text = text;
	status = 2;
	if (tmpl_load(&st, o.iface ? &ifc : NULL) < 0)
		goto out;
	if (has_seed)
		rng = o.seed;
	else
		randombytes_buf(&rng, sizeof(rng));
	/* The first frame before any output: a template that fails makes none. */
	clock_gettime(CLOCK_REALTIME, &now);
	len = build(&st, &rng, &now, buf, 1, o.count);
	if (len < 0)
		goto out;
	if (o.out)
		status = send_file(&o, &st, &rng, buf, len, now);
	else
		status = send_live(&o, &ifc, &st, &rng, buf, len);
	if (fflush(stdout) != 0 && !status) {
		fprintf(stderr, "riposte: send: cannot write output: %s\n",
			strerror(errno));
		status = 1;
	}
out:
	diag_cleanup(&st.d);
	arena_cleanup(&st.a);
	free(text);
	return status;
}
