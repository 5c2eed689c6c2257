/* SPDX-License-Identifier: MIT */
/*
 * print.c - the two views of a dissected packet.
 *
 * pkt_print_line() speaks tcpdump's words (print-arp.c, print-ip.c,
 * print-tcp.c, print-icmp.c, print-icmp6.c of tcpdump 4.99, with absolute
 * sequence numbers as with -S and VLAN tags as -e shows them); a frame that
 * did not parse ends with " [|layer: reason]".
 *
 * pkt_print_tree() mirrors Scapy's show(): a "###[ Class ]###" heading per
 * layer, in wire order, then "  name = value" for every field of the layer
 * that applies, with the names of field.c.  Checksums are recomputed from
 * the frame (RFC 1071; pseudo-headers of RFC 793/768 and RFC 8200 section
 * 8.1, whose destination is the final one of a routing header) when the
 * whole header or segment was captured and the packet is not a fragment.
 *
 * Packet bytes are only read through struct pkt_rd; everything else comes
 * from struct pkt.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "csum.h"
#include "field.h"
#include "print.h"

/* ---- small formatters ---- */

void pkt_print_pybytes(FILE *out, const uint8_t *b, size_t len)
{
	bool sq = false, dq = false;
	char quote;
	size_t i;

	if (!b)
		len = 0;
	/* Python's repr: single quotes unless only a single quote occurs. */
	for (i = 0; i < len; i++) {
		if (b[i] == '\'')
			sq = true;
		else if (b[i] == '"')
			dq = true;
	}
	quote = sq && !dq ? '"' : '\'';
	fputc('b', out);
	fputc(quote, out);
	for (i = 0; i < len; i++) {
		uint8_t c = b[i];

		if (c == '\\' || c == (uint8_t)quote)
			fprintf(out, "\\%c", c);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc(quote, out);
}

void pkt_print_tcpflags(FILE *out, uint16_t flags)
{
	static const char letters[] = "FSRPAUECN";
	unsigned i;

	for (i = 0; i < sizeof(letters) - 1; i++)
		if (flags & (1u << i))
			fputc(letters[i], out);
}

static void print_ipflags(FILE *out, uint8_t flags)
{
	static const char *const names[] = { "MF", "DF", "evil" };
	const char *sep = "";
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (flags & (1u << i)) {
			fprintf(out, "%s%s", sep, names[i]);
			sep = "+";
		}
	}
}

static void print_mac(FILE *out, const uint8_t *m)
{
	fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
}

static void print_ip4(FILE *out, const uint8_t *a)
{
	fprintf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void print_ip6(FILE *out, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, a, buf, sizeof(buf)))
		fputs(buf, out);
	else
		fputs("?", out);
}

static uint32_t be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint16_t be16_at(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void print_hex(FILE *out, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "%02x", b[i]);
}

/* ---- lengths and checksums ---- */

/*
 * The bytes [off, off + len) of the captured frame, through a cursor, or
 * NULL when the frame does not hold them all.
 */
static const uint8_t *frame_span(const struct pkt *p, size_t off, size_t len)
{
	struct pkt_rd r;

	if (!p->frame)
		return NULL;
	pkt_rd_init(&r, p->frame, p->caplen);
	pkt_rd_skip(&r, off);
	return pkt_rd_ptr(&r, len);
}

/*
 * Length of the transport segment as the IP layer declares it (header and
 * payload), or -1 when the IP lengths contradict each other.
 */
static long l4_declared_len(const struct pkt *p)
{
	size_t ext;

	if (p->has & PKT_L_IP) {
		size_t hlen = (size_t)p->ip.ihl * 4;

		if (p->ip.len < hlen)
			return -1;
		return (long)(p->ip.len - hlen);
	}
	if (p->has & PKT_L_IP6) {
		if (p->l4_off < p->l3_off + 40)
			return -1;
		ext = p->l4_off - p->l3_off - 40;
		if (ext > p->ip6.plen)
			return -1;
		return (long)(p->ip6.plen - ext);
	}
	return -1;
}

struct csum_check {
	bool verified;
	bool correct;
	uint16_t should;
	const char *why; /* when not verified */
};

static void csum_result(struct csum_check *c, uint32_t sum_without,
			uint16_t field, bool udp)
{
	uint16_t expect = pkt_csum_fold(sum_without);

	/* UDP sends a computed 0 as 0xffff; 0 means "no checksum". */
	if (udp && expect == 0)
		expect = 0xffff;
	c->verified = true;
	c->should = expect;
	c->correct = field == expect || pkt_csum_fold(sum_without + field) == 0;
}

static void check_ip4_header(const struct pkt *p, struct csum_check *c)
{
	size_t hlen = (size_t)p->ip.ihl * 4;
	const uint8_t *h;
	uint32_t s;

	memset(c, 0, sizeof(*c));
	if (!p->frame) {
		c->why = "no frame";
		return;
	}
	if (hlen < 20) {
		c->why = "header length < 20";
		return;
	}
	h = frame_span(p, p->l3_off, hlen);
	if (!h) {
		c->why = "truncated";
		return;
	}
	s = pkt_csum_add(0, h, 10);
	s = pkt_csum_add(s, h + 12, hlen - 12);
	csum_result(c, s, p->ip.chksum, false);
}

/*
 * Verifies a transport checksum at byte csum_at of the segment; proto is
 * the protocol of the pseudo-header, 0 for ICMP (which has none).
 */
static void check_l4(const struct pkt *p, uint8_t proto, size_t csum_at,
		     uint16_t field, struct csum_check *c)
{
	const uint8_t *seg;
	long len;
	uint32_t s = 0;

	memset(c, 0, sizeof(*c));
	if (!p->frame) {
		c->why = "no frame";
		return;
	}
	/* An atomic IPv6 fragment (RFC 6946) holds the whole datagram. */
	if (p->fragment && !((p->has & PKT_L_IP6FRAG) &&
			     p->ip6.frag.offset == 0 && p->ip6.frag.m == 0)) {
		c->why = "fragment";
		return;
	}
	if ((p->has & PKT_L_IP6) && p->ip6.plen == 0) {
		c->why = "jumbogram";
		return;
	}
	len = l4_declared_len(p);
	if (len < 0 || (size_t)len < csum_at + 2) {
		c->why = "bad ip length";
		return;
	}
	seg = frame_span(p, p->l4_off, (size_t)len);
	if (!seg) {
		c->why = "truncated";
		return;
	}
	if (proto == PKT_PROTO_UDP && field == 0 && (p->has & PKT_L_IP)) {
		c->why = "zero, no checksum sent";
		return;
	}
	if (proto && (p->has & PKT_L_IP))
		s = pkt_csum_pseudo4(p->ip.src, p->ip.dst, proto,
				     (uint16_t)len);
	else if (proto)
		s = pkt_csum_pseudo6(p->ip6.src, pkt_ip6_final_dst(&p->ip6),
				     proto, (uint32_t)len);
	s = pkt_csum_add(s, seg, csum_at);
	s = pkt_csum_add(s, seg + csum_at + 2, (size_t)len - csum_at - 2);
	csum_result(c, s, field, proto == PKT_PROTO_UDP);
}

static void print_csum_note(FILE *out, const struct csum_check *c)
{
	if (!c->verified)
		fprintf(out, " [unverified: %s]", c->why ? c->why : "?");
	else if (c->correct)
		fputs(" [correct]", out);
	else
		fprintf(out, " [incorrect, should be 0x%x]", c->should);
}

/* ---- the Scapy-like tree ---- */

/* Scapy's repr of one TCP option, as TCPOptionsField.m2i decodes it. */
static void print_tcpopt_repr(FILE *out, const struct pkt_tcpopt *o)
{
	const uint8_t *d = o->data.p;
	size_t n = d ? o->data.len : 0;
	size_t i;

	switch (o->kind) {
	case PKT_TCPOPT_EOL:
		fputs("('EOL', None)", out);
		return;
	case PKT_TCPOPT_NOP:
		fputs("('NOP', None)", out);
		return;
	case PKT_TCPOPT_MSS:
		fputs("('MSS', ", out);
		if (n == 2)
			fprintf(out, "%u)", be16_at(d));
		else
			goto bytes;
		return;
	case PKT_TCPOPT_WSCALE:
		fputs("('WScale', ", out);
		if (n == 1)
			fprintf(out, "%u)", d[0]);
		else
			goto bytes;
		return;
	case PKT_TCPOPT_SACKOK:
		fputs("('SAckOK', ", out);
		goto bytes;
	case PKT_TCPOPT_SACK:
		fputs("('SAck', ", out);
		if (n % 4)
			goto bytes;
		if (n == 4) {
			fprintf(out, "%" PRIu32 ")", be32_at(d));
			return;
		}
		fputc('(', out);
		for (i = 0; i < n; i += 4)
			fprintf(out, "%s%" PRIu32, i ? ", " : "",
				be32_at(d + i));
		fputs("))", out);
		return;
	case PKT_TCPOPT_TIMESTAMP:
		fputs("('Timestamp', ", out);
		if (n != 8)
			goto bytes;
		fprintf(out, "(%" PRIu32 ", %" PRIu32 "))", be32_at(d),
			be32_at(d + 4));
		return;
	case 14:
		fputs("('AltChkSum', ", out);
		if (n != 3)
			goto bytes;
		fprintf(out, "(%u, %u))", d[0], be16_at(d + 1));
		return;
	case 15:
		fputs("('AltChkSumOpt', ", out);
		goto bytes;
	case 19:
		fputs("('MD5', ", out);
		goto bytes;
	case 25:
		fputs("('Mood', ", out);
		if (n == 1) {
			/* "!p" with one byte unpacks to an empty string. */
			fputs("b'')", out);
			return;
		}
		goto bytes;
	case 28:
		fputs("('UTO', ", out);
		if (n == 2)
			fprintf(out, "%u)", be16_at(d));
		else
			goto bytes;
		return;
	case 29:
		fputs("('AO', ", out);
		goto bytes;
	case 34:
		fputs("('TFO', ", out);
		if (n != 8)
			goto bytes;
		fprintf(out, "(%" PRIu32 ", %" PRIu32 "))", be32_at(d),
			be32_at(d + 4));
		return;
	default:
		fprintf(out, "(%u, ", o->kind);
		goto bytes;
	}
bytes:
	pkt_print_pybytes(out, d, n);
	fputc(')', out);
}

static void print_tcp_options_repr(FILE *out, const struct pkt_tcp *t)
{
	unsigned i, n = t->n_opt;

	if (n > PKT_TCP_OPT_MAX)
		n = PKT_TCP_OPT_MAX;
	fputc('[', out);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		print_tcpopt_repr(out, &t->opt[i]);
	}
	fputc(']', out);
}

static void print_value(FILE *out, const struct pkt_field *f,
			const struct pkt_value *v)
{
	switch (f->type) {
	case PKT_F_UINT:
		fprintf(out, "%" PRIu64, v->u);
		break;
	case PKT_F_HEX:
		fprintf(out, "0x%" PRIx64, v->u);
		break;
	case PKT_F_MAC:
	case PKT_F_IP4:
	case PKT_F_IP6:
		if (!v->b.p)
			fputs("?", out);
		else if (f->type == PKT_F_MAC)
			print_mac(out, v->b.p);
		else if (f->type == PKT_F_IP4)
			print_ip4(out, v->b.p);
		else
			print_ip6(out, v->b.p);
		break;
	case PKT_F_BYTES:
		pkt_print_pybytes(out, v->b.p, v->b.len);
		break;
	case PKT_F_TCPFLAGS:
		if (v->u)
			pkt_print_tcpflags(out, (uint16_t)v->u);
		else
			fputs("\"\"", out);
		break;
	case PKT_F_IPFLAGS:
		if (v->u)
			print_ipflags(out, (uint8_t)v->u);
		else
			fputs("\"\"", out);
		break;
	}
}

/* True when name is "<prefix>.<something>". */
static bool in_section(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) == 0 && name[n] == '.';
}

static void print_field_special(FILE *out, const struct pkt *p,
				const struct pkt_field *f,
				const struct pkt_value *v)
{
	struct csum_check c;
	unsigned i, n;

	if (strcmp(f->name, "tcp.options") == 0) {
		print_tcp_options_repr(out, &p->tcp);
		return;
	}
	if (strcmp(f->name, "tcp.options.sack") == 0) {
		n = p->tcp.n_sack > 4 ? 4 : p->tcp.n_sack;
		fputc('(', out);
		for (i = 0; i < n; i++)
			fprintf(out, "%s%" PRIu32 ", %" PRIu32, i ? ", " : "",
				p->tcp.sack[i][0], p->tcp.sack[i][1]);
		fputc(')', out);
		return;
	}
	if (strcmp(f->name, "icmp6.res") == 0) {
		/* Scapy shows the 29 reserved bits of an NA in hex. */
		if (p->icmp6.type == 136)
			fprintf(out, "0x%" PRIx64, v->u);
		else
			fprintf(out, "%" PRIu64, v->u);
		return;
	}
	if (strcmp(f->name, "ip.chksum") == 0) {
		fprintf(out, "0x%x", p->ip.chksum);
		check_ip4_header(p, &c);
		print_csum_note(out, &c);
		return;
	}
	if (strcmp(f->name, "tcp.chksum") == 0) {
		fprintf(out, "0x%x", p->tcp.chksum);
		check_l4(p, PKT_PROTO_TCP, 16, p->tcp.chksum, &c);
		print_csum_note(out, &c);
		return;
	}
	if (strcmp(f->name, "udp.chksum") == 0) {
		fprintf(out, "0x%x", p->udp.chksum);
		check_l4(p, PKT_PROTO_UDP, 6, p->udp.chksum, &c);
		print_csum_note(out, &c);
		return;
	}
	if (strcmp(f->name, "icmp.chksum") == 0) {
		fprintf(out, "0x%x", p->icmp.chksum);
		check_l4(p, 0, 2, p->icmp.chksum, &c);
		print_csum_note(out, &c);
		return;
	}
	if (strcmp(f->name, "icmp6.cksum") == 0) {
		fprintf(out, "0x%x", p->icmp6.cksum);
		check_l4(p, PKT_PROTO_ICMP6, 2, p->icmp6.cksum, &c);
		print_csum_note(out, &c);
		return;
	}
}

static bool is_special(const char *name)
{
	static const char *const special[] = {
		"tcp.options", "tcp.options.sack", "ip.chksum",	  "tcp.chksum",
		"udp.chksum",  "icmp.chksum",	   "icmp6.cksum", "icmp6.res",
	};
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(name, special[i]) == 0)
			return true;
	return false;
}

static void print_section(FILE *out, const struct pkt *p, const char *heading,
			  const char *prefix)
{
	const struct pkt_field *f;
	struct pkt_value v;

	memset(&v, 0, sizeof(v));
	fprintf(out, "###[ %s ]###\n", heading);
	for (f = pkt_fields; f->name; f++) {
		if (!in_section(f->name, prefix))
			continue;
		/* Options print from the list, even without a frame. */
		if (strcmp(f->name, "tcp.options") == 0) {
			if (!(p->has & PKT_L_TCP))
				continue;
		} else if (!pkt_field_get(p, f, &v)) {
			continue;
		}
		fprintf(out, "  %s = ", f->name);
		if (is_special(f->name))
			print_field_special(out, p, f, &v);
		else
			print_value(out, f, &v);
		fputc('\n', out);
	}
}

static void print_ext_tree(FILE *out, const struct pkt_ip6ext *e)
{
	const uint8_t *r = e->raw.p;
	size_t n = r ? e->raw.len : 0;
	const char *pre;

	switch (e->type) {
	case PKT_PROTO_HOPOPTS:
		fputs("###[ IPv6ExtHdrHopByHop ]###\n", out);
		pre = "ip6hbh";
		break;
	case PKT_PROTO_DSTOPTS:
		fputs("###[ IPv6ExtHdrDestOpt ]###\n", out);
		pre = "ip6dst";
		break;
	case PKT_PROTO_ROUTING:
		fputs("###[ IPv6ExtHdrRouting ]###\n", out);
		if (n < 4)
			return;
		fprintf(out,
			"  ip6rt.nh = %u\n  ip6rt.len = %u\n"
			"  ip6rt.type = %u\n  ip6rt.segleft = %u\n"
			"  ip6rt.data = ",
			r[0], r[1], r[2], r[3]);
		pkt_print_pybytes(out, r + 4, n - 4);
		fputc('\n', out);
		return;
	case PKT_PROTO_FRAGMENT:
		fputs("###[ IPv6ExtHdrFragment ]###\n", out);
		if (n < 8)
			return;
		fprintf(out,
			"  ip6frag.nh = %u\n  ip6frag.res1 = %u\n"
			"  ip6frag.offset = %u\n  ip6frag.res2 = %u\n"
			"  ip6frag.m = %u\n  ip6frag.id = %" PRIu32 "\n",
			r[0], r[1], be16_at(r + 2) >> 3,
			(be16_at(r + 2) >> 1) & 3, r[3] & 1, be32_at(r + 4));
		return;
	default:
		fprintf(out, "###[ IPv6ExtHdr %u ]###\n", e->type);
		pkt_print_pybytes(out, r, n);
		fputc('\n', out);
		return;
	}
	if (n < 2)
		return;
	fprintf(out, "  %s.nh = %u\n  %s.len = %u\n  %s.options = ", pre, r[0],
		pre, r[1], pre);
	pkt_print_pybytes(out, r + 2, n - 2);
	fputc('\n', out);
}

/* Scapy's class for an ICMPv6 type (scapy/layers/inet6.py icmp6typescls). */
static const char *icmp6_class(uint8_t type)
{
	switch (type) {
	case 1:
		return "ICMPv6DestUnreach";
	case 2:
		return "ICMPv6PacketTooBig";
	case 3:
		return "ICMPv6TimeExceeded";
	case 4:
		return "ICMPv6ParamProblem";
	case 128:
		return "ICMPv6EchoRequest";
	case 129:
		return "ICMPv6EchoReply";
	case 130:
		return "ICMPv6MLQuery";
	case 131:
		return "ICMPv6MLReport";
	case 132:
		return "ICMPv6MLDone";
	case 133:
		return "ICMPv6ND_RS";
	case 134:
		return "ICMPv6ND_RA";
	case 135:
		return "ICMPv6ND_NS";
	case 136:
		return "ICMPv6ND_NA";
	case 137:
		return "ICMPv6ND_Redirect";
	case 143:
		return "ICMPv6MLReport2";
	}
	return "ICMPv6Unknown";
}

void pkt_print_tree(FILE *out, const struct pkt *p)
{
	static const struct {
		uint32_t layer;
		const char *heading;
		const char *prefix;
	} after_ip[] = {
		{ PKT_L_ICMP, "ICMP", "icmp" },
		{ PKT_L_ICMP6, NULL, "icmp6" },
		{ PKT_L_TCP, "TCP", "tcp" },
		{ PKT_L_UDP, "UDP", "udp" },
		{ PKT_L_IPERROR, "IPerror", "iperror" },
		{ PKT_L_IPERROR6, "IPerror6", "iperror6" },
		{ PKT_L_TCPERROR, "TCPerror", "tcperror" },
		{ PKT_L_UDPERROR, "UDPerror", "udperror" },
		{ PKT_L_ICMPERROR, "ICMPerror", "icmperror" },
		{ PKT_L_RAW, "Raw", "raw" },
		{ PKT_L_PADDING, "Padding", "padding" },
	};
	unsigned i, n;

	if (p->has & PKT_L_ETH)
		print_section(out, p, "Ethernet", "eth");
	if (p->has & PKT_L_DOT1AD)
		print_section(out, p, "Dot1AD", "dot1ad");
	if (p->has & PKT_L_DOT1Q)
		print_section(out, p, "Dot1Q", "dot1q");
	if (p->has & PKT_L_ARP)
		print_section(out, p, "ARP", "arp");
	if (p->has & PKT_L_IP)
		print_section(out, p, "IP", "ip");
	if (p->has & PKT_L_IP6) {
		print_section(out, p, "IPv6", "ip6");
		n = p->ip6.n_ext > PKT_IP6_EXT_MAX ? PKT_IP6_EXT_MAX :
						     p->ip6.n_ext;
		for (i = 0; i < n; i++)
			print_ext_tree(out, &p->ip6.ext[i]);
	}
	for (i = 0; i < sizeof(after_ip) / sizeof(after_ip[0]); i++) {
		const char *h = after_ip[i].heading;

		if (!(p->has & after_ip[i].layer))
			continue;
		if (!h)
			h = icmp6_class(p->icmp6.type);
		print_section(out, p, h, after_ip[i].prefix);
	}
	if (p->verdict != PKT_OK)
		fprintf(out, "  !! %s: %s at byte %zu\n",
			pkt_verdict_name(p->verdict),
			p->reason ? p->reason : "?", p->err_off);
}

/* ---- the tcpdump-like line ---- */

/* The layer a failed parse was working on, tcpdump's name for it. */
static const char *fail_layer(const struct pkt *p)
{
	uint16_t et;
	uint8_t proto;

	if (!(p->has & PKT_L_ETH))
		return "ether";
	et = (p->has & PKT_L_DOT1Q) ? p->dot1q.type : p->eth.type;
	if (!(p->has & PKT_L_DOT1Q) &&
	    (et == PKT_ETHERTYPE_8021Q || et == PKT_ETHERTYPE_8021AD ||
	     et == PKT_ETHERTYPE_QINQ_OLD))
		return "vlan";
	switch (et) {
	case PKT_ETHERTYPE_ARP:
		return "arp";
	case PKT_ETHERTYPE_IP:
		if (!(p->has & PKT_L_IP) || p->l4_off == 0)
			return "ip";
		proto = p->ip.proto;
		break;
	case PKT_ETHERTYPE_IP6:
		if (!(p->has & PKT_L_IP6) || p->l4_off == 0)
			return "ip6";
		proto = p->ip6.next;
		break;
	default:
		return "ether";
	}
	switch (proto) {
	case PKT_PROTO_TCP:
		return "tcp";
	case PKT_PROTO_UDP:
		return "udp";
	case PKT_PROTO_ICMP:
		return "icmp";
	case PKT_PROTO_ICMP6:
		return "icmp6";
	}
	return (p->has & PKT_L_IP) ? "ip" : "ip6";
}

static void line_arp(FILE *out, const struct pkt *p)
{
	const struct pkt_arp *a = &p->arp;
	size_t len = p->caplen > p->l3_off ? p->caplen - p->l3_off : 0;
	static const uint8_t zero[6];

	fputs("ARP, ", out);
	if (len < 28 && a->op == 1) {
		/* The addresses were cut: name the operation only. */
		fputs("Request", out);
	} else if (len < 28 && a->op == 2) {
		fputs("Reply", out);
	} else if (a->hwtype != 1 || a->ptype != PKT_ETHERTYPE_IP ||
		   a->hwlen != 6 || a->plen != 4 || len < 28) {
		fprintf(out, "hardware type %u, protocol 0x%04x, op %u",
			a->hwtype, a->ptype, a->op);
	} else {
		switch (a->op) {
		case 1:
			fputs("Request who-has ", out);
			print_ip4(out, a->pdst);
			if (memcmp(a->hwdst, zero, 6) != 0) {
				fputs(" (", out);
				print_mac(out, a->hwdst);
				fputc(')', out);
			}
			fputs(" tell ", out);
			print_ip4(out, a->psrc);
			break;
		case 2:
			fputs("Reply ", out);
			print_ip4(out, a->psrc);
			fputs(" is-at ", out);
			print_mac(out, a->hwsrc);
			break;
		case 3:
			fputs("Reverse Request who-is ", out);
			print_mac(out, a->hwdst);
			fputs(" tell ", out);
			print_mac(out, a->hwsrc);
			break;
		case 4:
			fputs("Reverse Reply ", out);
			print_mac(out, a->hwdst);
			fputs(" at ", out);
			print_ip4(out, a->pdst);
			break;
		default:
			fprintf(out, "Unknown (%u)", a->op);
			break;
		}
	}
	fprintf(out, ", length %zu", len);
}

static void line_tcp_options(FILE *out, const struct pkt_tcp *t)
{
	fputs(", options ", out);
	pkt_print_tcpopts(out, t);
}

void pkt_print_tcpopts(FILE *out, const struct pkt_tcp *t)
{
	unsigned i, n = t->n_opt;
	size_t k, dl;

	if (n > PKT_TCP_OPT_MAX)
		n = PKT_TCP_OPT_MAX;
	fputc('[', out);
	for (i = 0; i < n; i++) {
		const struct pkt_tcpopt *o = &t->opt[i];
		const uint8_t *d = o->data.p;

		dl = d ? o->data.len : 0;
		if (i)
			fputc(',', out);
		switch (o->kind) {
		case PKT_TCPOPT_EOL:
			fputs("eol", out);
			continue;
		case PKT_TCPOPT_NOP:
			fputs("nop", out);
			continue;
		case PKT_TCPOPT_MSS:
			if (dl == 2) {
				fprintf(out, "mss %u", be16_at(d));
				continue;
			}
			break;
		case PKT_TCPOPT_WSCALE:
			if (dl == 1) {
				fprintf(out, "wscale %u", d[0]);
				continue;
			}
			break;
		case PKT_TCPOPT_SACKOK:
			if (dl == 0) {
				fputs("sackOK", out);
				continue;
			}
			break;
		case PKT_TCPOPT_SACK:
			if (dl % 8 == 0) {
				fprintf(out, "sack %zu ", dl / 8);
				for (k = 0; k < dl; k += 8)
					fprintf(out,
						"{%" PRIu32 ":%" PRIu32 "}",
						be32_at(d + k),
						be32_at(d + k + 4));
				continue;
			}
			break;
		case PKT_TCPOPT_TIMESTAMP:
			if (dl == 8) {
				fprintf(out, "TS val %" PRIu32 " ecr %" PRIu32,
					be32_at(d), be32_at(d + 4));
				continue;
			}
			break;
		case 19:
			fputs("md5 0x", out);
			print_hex(out, d, dl);
			continue;
		case 34:
			if (dl == 0)
				fputs("tfo cookiereq", out);
			else
				fputs("tfo cookie ", out);
			print_hex(out, d, dl);
			continue;
		case 28:
			if (dl == 2) {
				fprintf(out, "uto %u", be16_at(d) & 0x7fff);
				continue;
			}
			break;
		}
		fprintf(out, "unknown-%u", o->kind);
		if (dl) {
			fputs(" 0x", out);
			print_hex(out, d, dl);
		}
	}
	fputc(']', out);
}

/* tcpdump's flag letters: F S R P . U E W, and e for NS (AE). */
void pkt_print_tcpdump_flags(FILE *out, uint16_t flags)
{
	static const struct {
		uint16_t bit;
		char c;
	} map[] = {
		{ PKT_TCP_FIN, 'F' }, { PKT_TCP_SYN, 'S' },
		{ PKT_TCP_RST, 'R' }, { PKT_TCP_PSH, 'P' },
		{ PKT_TCP_ACK, '.' }, { PKT_TCP_URG, 'U' },
		{ PKT_TCP_ECE, 'E' }, { PKT_TCP_CWR, 'W' },
		{ PKT_TCP_NS, 'e' },
	};
	unsigned i;

	if (!(flags & 0x1ff)) {
		fputs("none", out);
		return;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].bit)
			fputc(map[i].c, out);
}

static void line_tcp(FILE *out, const struct pkt *p)
{
	const struct pkt_tcp *t = &p->tcp;
	long l4 = l4_declared_len(p);
	size_t hlen = (size_t)t->dataofs * 4;
	size_t len;

	if (hlen < 20) {
		/* tcpdump's words for a header too short to trust. */
		fprintf(out, " tcp %ld", l4 >= 0 ? l4 : (long)p->payload.len);
		return;
	}
	if (l4 >= 0 && (size_t)l4 >= hlen)
		len = (size_t)l4 - hlen;
	else
		len = p->payload.len;
	fputs(" Flags [", out);
	pkt_print_tcpdump_flags(out, t->flags);
	fputc(']', out);
	if (len || (t->flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST))) {
		fprintf(out, ", seq %" PRIu32, t->seq);
		if (len)
			fprintf(out, ":%" PRIu32, (uint32_t)(t->seq + len));
	}
	if (t->flags & PKT_TCP_ACK)
		fprintf(out, ", ack %" PRIu32, t->ack);
	fprintf(out, ", win %u", t->window);
	if (t->flags & PKT_TCP_URG)
		fprintf(out, ", urg %u", t->urgptr);
	if (t->n_opt)
		line_tcp_options(out, t);
	fprintf(out, ", length %zu", len);
}

static void line_udp(FILE *out, const struct pkt *p)
{
	if (p->udp.len < 8)
		fprintf(out, " UDP, bad length %u < 8", p->udp.len);
	else
		fprintf(out, " UDP, length %u", p->udp.len - 8);
}

/* tcpdump's words for an ICMP destination unreachable, by code. */
static void line_icmp_unreach(FILE *out, const struct pkt *p)
{
	static const struct {
		const char *kind; /* "net", "host" or NULL: address first */
		const char *tail;
	} words[] = {
		[0] = { "net", "" },
		[1] = { "host", "" },
		[5] = { NULL, " - source route failed" },
		[6] = { "net", " - unknown" },
		[7] = { "host", " - unknown" },
		[8] = { NULL, " - source host isolated" },
		[9] = { "net", " - admin prohibited" },
		[10] = { "host", " - admin prohibited" },
		[11] = { "net", " - tos prohibited" },
		[12] = { "host", " - tos prohibited" },
		[13] = { "host", " - admin prohibited filter" },
		[14] = { "host", " - host precedence violation" },
		[15] = { "host", " - precedence cutoff" },
	};
	uint8_t code = p->icmp.code;
	char dst[INET_ADDRSTRLEN] = "?";

	if (p->has & PKT_L_IPERROR)
		inet_ntop(AF_INET, p->iperror.dst, dst, sizeof(dst));
	switch (code) {
	case 2:
		fprintf(out, "%s protocol %u unreachable", dst,
			p->iperror.proto);
		return;
	case 3:
		if (p->has & PKT_L_TCPERROR)
			fprintf(out, "%s tcp port %u unreachable", dst,
				p->l4error.dport);
		else if (p->has & PKT_L_UDPERROR)
			fprintf(out, "%s udp port %u unreachable", dst,
				p->l4error.dport);
		else
			fprintf(out, "%s protocol %u port unreachable", dst,
				p->iperror.proto);
		return;
	case 4:
		fprintf(out, "%s unreachable - need to frag", dst);
		if (p->icmp.rest & 0xffff)
			fprintf(out, " (mtu %u)", p->icmp.rest & 0xffff);
		return;
	}
	if (code >= sizeof(words) / sizeof(words[0]) || !words[code].tail) {
		fprintf(out, "%s unreachable - #%u", dst, code);
		return;
	}
	if (words[code].kind)
		fprintf(out, "%s ", words[code].kind);
	fprintf(out, "%s unreachable%s", dst, words[code].tail);
}

static void line_icmp(FILE *out, const struct pkt *p)
{
	const struct pkt_icmp *ic = &p->icmp;
	uint16_t id = (uint16_t)(ic->rest >> 16), seq = (uint16_t)ic->rest;
	long len = l4_declared_len(p);
	char dst[INET_ADDRSTRLEN] = "?";
	uint8_t gw[4] = { (uint8_t)(ic->rest >> 24), (uint8_t)(ic->rest >> 16),
			  (uint8_t)(ic->rest >> 8), (uint8_t)ic->rest };

	if (p->has & PKT_L_IPERROR)
		inet_ntop(AF_INET, p->iperror.dst, dst, sizeof(dst));
	fputs(" ICMP ", out);
	switch (ic->type) {
	case 0:
	case 8:
		fprintf(out, "echo %s, id %u, seq %u",
			ic->type ? "request" : "reply", id, seq);
		break;
	case 3:
		line_icmp_unreach(out, p);
		break;
	case 4:
		fputs("source quench", out);
		break;
	case 5:
		if (ic->code <= 3)
			fprintf(out, "redirect%s %s to %s ",
				ic->code >= 2 ? "-tos" : "", dst,
				ic->code & 1 ? "host" : "net");
		else
			fprintf(out, "redirect-#%u %s to ", ic->code, dst);
		print_ip4(out, gw);
		break;
	case 9:
		fputs("router advertisement", out);
		break;
	case 10:
		fputs("router solicitation", out);
		break;
	case 11:
		if (ic->code == 0)
			fputs("time exceeded in-transit", out);
		else if (ic->code == 1)
			fputs("ip reassembly time exceeded", out);
		else
			fprintf(out, "time exceeded-#%u", ic->code);
		break;
	case 12:
		fprintf(out, "parameter problem - octet %u", ic->rest >> 24);
		break;
	case 13:
	case 14:
		fprintf(out, "time stamp %s id %u seq %u",
			ic->type == 13 ? "query" : "reply", id, seq);
		break;
	case 15:
		fputs("information request", out);
		break;
	case 16:
		fputs("information reply", out);
		break;
	case 17:
		fputs("address mask request", out);
		break;
	case 18:
		fputs("address mask reply", out);
		break;
	default:
		fprintf(out, "type-#%u", ic->type);
		break;
	}
	if (len >= 0)
		fprintf(out, ", length %ld", len);
}

static void line_icmp6(FILE *out, const struct pkt *p)
{
	const struct pkt_icmp6 *ic = &p->icmp6;
	long len = l4_declared_len(p);
	char dst[INET6_ADDRSTRLEN] = "?", src[INET6_ADDRSTRLEN] = "?";
	const char *l4 = NULL;

	if (p->has & PKT_L_IPERROR6) {
		inet_ntop(AF_INET6, p->iperror6.dst, dst, sizeof(dst));
		inet_ntop(AF_INET6, p->iperror6.src, src, sizeof(src));
	}
	if (p->has & PKT_L_TCPERROR)
		l4 = "tcp";
	else if (p->has & PKT_L_UDPERROR)
		l4 = "udp";
	fputs(" ICMP6, ", out);
	switch (ic->type) {
	case 1:
		fputs("destination unreachable, ", out);
		switch (ic->code) {
		case 0:
			fprintf(out, "unreachable route %s", dst);
			break;
		case 1:
			fprintf(out, "unreachable prohibited %s", dst);
			break;
		case 2:
			fprintf(out, "beyond scope %s, source address %s", dst,
				src);
			break;
		case 3:
			fprintf(out, "unreachable address %s", dst);
			break;
		case 4:
			if (l4)
				fprintf(out, "unreachable port, %s %s port %u",
					dst, l4, p->l4error.dport);
			else
				fprintf(out, "unreachable port, %s", dst);
			break;
		default:
			fprintf(out, "unknown unreach code (%u)", ic->code);
			break;
		}
		break;
	case 2:
		fprintf(out, "packet too big, mtu %" PRIu32, ic->word);
		break;
	case 3:
		if (ic->code == 0)
			fprintf(out, "time exceeded in-transit for %s", dst);
		else if (ic->code == 1)
			fputs("time exceeded in-transit (reassembly)", out);
		else
			fprintf(out,
				"time exceeded in-transit, unknown code (%u)",
				ic->code);
		break;
	case 4: {
		static const char *const what[] = {
			"erroneous",
			"next header",
			"option",
			"incomplete header chain",
		};

		if (ic->code < 4)
			fprintf(out, "parameter problem, %s - octet %" PRIu32,
				what[ic->code], ic->word);
		else
			fprintf(out, "parameter problem, code-#%u", ic->code);
		break;
	}
	case 128:
	case 129:
		fprintf(out, "echo %s, id %u, seq %u",
			ic->type == 128 ? "request" : "reply", ic->word >> 16,
			ic->word & 0xffff);
		break;
	case 130:
		fputs("multicast listener query", out);
		break;
	case 131:
		fputs("multicast listener report", out);
		break;
	case 132:
		fputs("multicast listener done", out);
		break;
	case 133:
		fputs("router solicitation", out);
		break;
	case 134:
		fputs("router advertisement", out);
		break;
	case 135:
		fputs("neighbor solicitation", out);
		if (!ic->tgt_cut) {
			fputs(", who has ", out);
			print_ip6(out, ic->tgt);
		}
		break;
	case 136:
		fputs("neighbor advertisement", out);
		if (!ic->tgt_cut) {
			fputs(", tgt is ", out);
			print_ip6(out, ic->tgt);
		}
		break;
	case 137:
		fputs("redirect", out);
		break;
	default:
		fprintf(out, "unknown icmp6 type (%u)", ic->type);
		break;
	}
	if (len >= 0)
		fprintf(out, ", length %ld", len);
}

/* The transport part after "src > dst:", for IPv4 and IPv6 alike. */
static void line_l4(FILE *out, const struct pkt *p, uint8_t proto)
{
	if (p->has & PKT_L_TCP)
		line_tcp(out, p);
	else if (p->has & PKT_L_UDP)
		line_udp(out, p);
	else if (p->has & PKT_L_ICMP)
		line_icmp(out, p);
	else if (p->has & PKT_L_ICMP6)
		line_icmp6(out, p);
	else if (p->verdict != PKT_OK)
		return; /* the remark names the layer that failed */
	else if (proto == PKT_PROTO_NONE && (p->has & PKT_L_IP6))
		fputs(" no next header", out);
	else
		fprintf(out, " ip-proto-%u %zu", proto, p->payload.len);
}

static void line_ip4(FILE *out, const struct pkt *p)
{
	const struct pkt_ip4 *ip = &p->ip;
	bool ports = p->has & (PKT_L_TCP | PKT_L_UDP);

	fputs("IP ", out);
	print_ip4(out, ip->src);
	if (ports)
		fprintf(out, ".%u",
			p->has & PKT_L_TCP ? p->tcp.sport : p->udp.sport);
	fputs(" > ", out);
	print_ip4(out, ip->dst);
	if (ports)
		fprintf(out, ".%u",
			p->has & PKT_L_TCP ? p->tcp.dport : p->udp.dport);
	fputc(':', out);
	if (p->later_fragment)
		fprintf(out, " ip-proto-%u", ip->proto);
	else
		line_l4(out, p, ip->proto);
	if (p->fragment) {
		long len = l4_declared_len(p);

		fprintf(out, " (frag %u:%ld@%u%s)", ip->id, len < 0 ? 0 : len,
			ip->frag * 8u, ip->flags & PKT_IP_MF ? "+" : "");
	}
}

static void line_ip6(FILE *out, const struct pkt *p)
{
	const struct pkt_ip6 *ip6 = &p->ip6;
	bool ports = p->has & (PKT_L_TCP | PKT_L_UDP);
	unsigned i,
		n = ip6->n_ext > PKT_IP6_EXT_MAX ? PKT_IP6_EXT_MAX : ip6->n_ext;
	size_t ext_len = 0;
	uint16_t sport = p->has & PKT_L_TCP ? p->tcp.sport : p->udp.sport;
	uint16_t dport = p->has & PKT_L_TCP ? p->tcp.dport : p->udp.dport;

	fputs("IP6 ", out);
	print_ip6(out, ip6->src);
	if (ports && n == 0)
		fprintf(out, ".%u", sport);
	fputs(" > ", out);
	print_ip6(out, ip6->dst);
	if (ports && n == 0)
		fprintf(out, ".%u", dport);
	fputc(':', out);
	for (i = 0; i < n; i++) {
		const struct pkt_ip6ext *e = &ip6->ext[i];
		const uint8_t *r = e->raw.p;

		ext_len += e->raw.len;
		switch (e->type) {
		case PKT_PROTO_HOPOPTS:
			fputs(" HBH", out);
			break;
		case PKT_PROTO_DSTOPTS:
			fputs(" DSTOPT", out);
			break;
		case PKT_PROTO_ROUTING:
			if (r && e->raw.len >= 4)
				fprintf(out,
					" RT6 (len=%u, type=%u, segleft=%u)",
					r[1], r[2], r[3]);
			else
				fputs(" RT6", out);
			break;
		case PKT_PROTO_FRAGMENT:
			fprintf(out, " frag (%u|%zu)", ip6->frag.offset * 8u,
				ip6->plen > ext_len ? ip6->plen - ext_len : 0);
			break;
		}
	}
	if (p->later_fragment)
		return;
	if (ports && n)
		fprintf(out, " %u > %u:", sport, dport);
	line_l4(out, p, ip6->next);
}

void pkt_print_line(FILE *out, const struct pkt *p)
{
	uint16_t et;

	if (p->has & PKT_L_ETH) {
		const struct pkt_vlan *tags[2] = { NULL, NULL };
		unsigned i;

		if (p->has & PKT_L_DOT1AD)
			tags[0] = &p->dot1ad;
		if (p->has & PKT_L_DOT1Q)
			tags[1] = &p->dot1q;
		for (i = 0; i < 2; i++)
			if (tags[i])
				fprintf(out, "vlan %u, p %u, %s", tags[i]->vlan,
					tags[i]->prio,
					tags[i]->id ? "DEI, " : "");
		et = (p->has & PKT_L_DOT1Q) ? p->dot1q.type : p->eth.type;
		if (p->has & PKT_L_ARP) {
			line_arp(out, p);
		} else if (p->has & PKT_L_IP) {
			line_ip4(out, p);
		} else if (p->has & PKT_L_IP6) {
			line_ip6(out, p);
		} else if (p->verdict == PKT_OK ||
			   (et != PKT_ETHERTYPE_ARP && et != PKT_ETHERTYPE_IP &&
			    et != PKT_ETHERTYPE_IP6)) {
			print_mac(out, p->eth.src);
			fputs(" > ", out);
			print_mac(out, p->eth.dst);
			if (et < 0x0600)
				fprintf(out, ", 802.3, length %zu", p->caplen);
			else
				fprintf(out, ", ethertype 0x%04x, length %zu",
					et, p->caplen);
		}
	}
	if (p->verdict != PKT_OK)
		fprintf(out, " [|%s: %s]", fail_layer(p),
			p->reason ? p->reason : "?");
}
