/* SPDX-License-Identifier: MIT */
/*
 * test_tcp.c - unit tests of src/pkt/tcp.c (RFC 9293, RFC 7323, RFC 2018):
 * the header over IPv4 and IPv6, every flag and the reserved bits, dataofs
 * checks, the option iterator on its own (empty area, NOP runs, EOL and the
 * padding after it, length 0/1/missing/overrun), the decoded options (MSS,
 * window scale, SACK-permitted, SACK with 1..4 blocks, timestamps; known
 * kinds with a wrong length kept undecoded; unknown kinds kept raw),
 * pkt_tcp_opt_add and pkt_tcp_options_len, and truncation at every byte.
 *
 * Frames are Scapy 2.5's bytes (Debian's /usr/bin/python3), each under the
 * expression that built it.
 */
#include <errno.h>

#include "pkt/field.h"
#include "unit.h"

#define L_EIT (PKT_L_ETH | PKT_L_IP | PKT_L_TCP)

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=1, flags='DF')/TCP(sport=40000, dport=80, seq=1000, flags='S', window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)])
 */
static const char tcp4_syn[] =
	"02000000000102000000000208004500003c000140004006e648c6336401c633"
	"640a9c400050000003e800000000a002faf058230000020405b40402080a0000"
	"00010000000001030307";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.10', dst='198.51.100.1', id=2)/TCP(sport=80, dport=40000, seq=5000, ack=1001, flags='PA', window=502)/Raw(b'hello')
 */
static const char tcp4_data[] =
	"02000000000102000000000208004500002d0002000040062657c633640ac633"
	"640100509c4000001388000003e9501801f6618b000068656c6c6f";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=3)/TCP(sport=1, dport=2, seq=0xffffffff, ack=0x80000000, reserved=5, flags='FSRPAUECN', window=65535, urgptr=5)
 */
static const char tcp4_flags[] =
	"020000000001020000000002080045000028000300004006265bc6336401c633"
	"640a00010002ffffffff800000005bffffffcf6a0005";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=4)/TCP(sport=40000, dport=80, seq=1, ack=2, flags='A', options=[('NOP', None), ('NOP', None), ('SAck', (1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000))])
 */
static const char tcp4_sack[] =
	"02000000000102000000000208004500004c0004000040062636c6336401c633"
	"640a9c4000500000000100000002e01020007be6000001010522000003e80000"
	"07d000000bb800000fa0000013880000177000001b5800001f40";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=5)/TCP(sport=40000, dport=80, flags='S', options=[('MSS', 1460), ('EOL', None)])
 */
static const char tcp4_eol[] =
	"0200000000010200000000020800450000300005000040062651c6336401c633"
	"640a9c400050000000000000000070022000771f0000020405b400000000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IP(src='198.51.100.1', dst='198.51.100.10', id=6)/TCP(sport=40000, dport=80, flags='S', options=[(253, b'\xde\xad'), ('NOP', None), ('NOP', None)])
 */
static const char tcp4_unknown[] =
	"0200000000010200000000020800450000300006000040062650c6336401c633"
	"640a9c400050000000000000000070022000a2230000fd04dead01010000";

/*
 * Ether(dst='02:00:00:00:00:01', src='02:00:00:00:00:02')/IPv6(src='2001:db8::1', dst='2001:db8::2', fl=0x12345)/TCP(sport=40000, dport=443, seq=1, flags='S', options=[('MSS', 1440)])/Raw(b'xyz')
 */
static const char tcp6_data[] =
	"02000000000102000000000286dd60012345001b064020010db8000000000000"
	"00000000000120010db80000000000000000000000029c4001bb000000010000"
	"0000600220008c4c0000020405a078797a";

static void test_tcp_syn_fields(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(tcp4_syn, &n);
	const struct pkt_tcp *t = &p.tcp;

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIT);
	assert_int_equal(t->sport, 40000);
	assert_int_equal(t->dport, 80);
	assert_int_equal(t->seq, 1000);
	assert_int_equal(t->ack, 0);
	assert_int_equal(t->dataofs, 10);
	assert_int_equal(t->reserved, 0);
	assert_int_equal(t->flags, PKT_TCP_SYN);
	assert_int_equal(t->window, 64240);
	assert_int_equal(t->chksum, 0x5823);
	assert_int_equal(t->urgptr, 0);
	/* [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)),
	 *  ('NOP', None), ('WScale', 7)] */
	assert_int_equal(t->n_opt, 5);
	assert_int_equal(t->opt[0].kind, 2);
	assert_int_equal(t->opt[0].len, 4);
	unit_range_at(t->opt[0].data, f, 56, 2);
	assert_int_equal(t->opt[1].kind, 4);
	assert_int_equal(t->opt[1].len, 2);
	assert_int_equal(t->opt[1].data.len, 0);
	assert_int_equal(t->opt[2].kind, 8);
	assert_int_equal(t->opt[2].len, 10);
	unit_range_at(t->opt[2].data, f, 62, 8);
	assert_int_equal(t->opt[3].kind, 1);
	assert_int_equal(t->opt[3].len, 1);
	assert_null(t->opt[3].data.p);
	assert_int_equal(t->opt[4].kind, 3);
	assert_int_equal(t->opt[4].len, 3);
	unit_range_at(t->opt[4].data, f, 73, 1);
	assert_int_equal(t->ohas, PKT_TCPO_MSS | PKT_TCPO_SACKOK | PKT_TCPO_TS |
					  PKT_TCPO_WSCALE);
	assert_int_equal(t->mss, 1460);
	assert_int_equal(t->wscale, 7);
	assert_int_equal(t->tsval, 1);
	assert_int_equal(t->tsecr, 0);
	assert_int_equal(t->n_sack, 0);
	assert_int_equal(t->optpad.len, 0);
	assert_int_equal(pkt_tcp_options_len(t), 20);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.payload_off, 74);
	assert_int_equal(p.payload.len, 0);
	free(f);
}

static void test_tcp_data(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(tcp4_data, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, L_EIT | PKT_L_RAW);
	assert_int_equal(p.tcp.sport, 80);
	assert_int_equal(p.tcp.dport, 40000);
	assert_int_equal(p.tcp.seq, 5000);
	assert_int_equal(p.tcp.ack, 1001);
	assert_int_equal(p.tcp.dataofs, 5);
	assert_int_equal(p.tcp.flags, PKT_TCP_PSH | PKT_TCP_ACK);
	assert_int_equal(p.tcp.window, 502);
	assert_int_equal(p.tcp.chksum, 0x618b);
	assert_int_equal(p.tcp.n_opt, 0);
	assert_int_equal(p.tcp.ohas, 0);
	unit_range_at(p.payload, f, 54, 5);
	unit_bytes_eq(p.payload, "hello", 5);
	free(f);
}

/* All nine flags, the reserved bits, extreme numbers. */
static void test_tcp_flags(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(tcp4_flags, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.tcp.flags, 0x1ff);
	assert_int_equal(p.tcp.flags, PKT_TCP_FIN | PKT_TCP_SYN | PKT_TCP_RST |
					      PKT_TCP_PSH | PKT_TCP_ACK |
					      PKT_TCP_URG | PKT_TCP_ECE |
					      PKT_TCP_CWR | PKT_TCP_NS);
	assert_int_equal(p.tcp.reserved, 5);
	assert_int_equal(p.tcp.dataofs, 5);
	assert_int_equal(p.tcp.seq, 0xffffffffu);
	assert_int_equal(p.tcp.ack, 0x80000000u);
	assert_int_equal(p.tcp.window, 65535);
	assert_int_equal(p.tcp.urgptr, 5);
	assert_int_equal(p.tcp.chksum, 0xcf6a);
	/* Each flag bit alone. */
	{
		unsigned bit;

		for (bit = 0; bit < 9; bit++) {
			unit_put16(f + 46, (uint16_t)(0x5000 | 1u << bit));
			unit_parse_ok(&p, f, n);
			assert_int_equal(p.tcp.flags, 1u << bit);
			assert_int_equal(p.tcp.reserved, 0);
		}
	}
	free(f);
}

static void test_tcp_over_ip6(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(tcp6_data, &n);

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.has, PKT_L_ETH | PKT_L_IP6 | PKT_L_TCP | PKT_L_RAW);
	assert_int_equal(p.tcp.sport, 40000);
	assert_int_equal(p.tcp.dport, 443);
	assert_int_equal(p.tcp.seq, 1);
	assert_int_equal(p.tcp.dataofs, 6);
	assert_int_equal(p.tcp.flags, PKT_TCP_SYN);
	assert_int_equal(p.tcp.window, 8192);
	assert_int_equal(p.tcp.chksum, 0x8c4c);
	assert_int_equal(p.tcp.mss, 1440);
	assert_int_equal(p.tcp.n_opt, 1);
	assert_int_equal(p.l4_off, 54);
	unit_bytes_eq(p.payload, "xyz", 3);
	free(f);
}

static void test_tcp_cuts(void **state)
{
	/* A short capture: TCP dissected as far as it goes. */
	static const struct unit_cut cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 54, PKT_TRUNCATED, "truncated tcp header",
		  PKT_L_ETH | PKT_L_IP, 34 },
		{ 54, 74, PKT_TRUNCATED, "truncated tcp options", L_EIT, 54 },
	};
	/* ip.len declared 20..60 over the whole frame: contradictions. */
	static const struct unit_cut declared[] = {
		{ 20, 40, PKT_MALFORMED,
		  "ip length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP | PKT_L_PADDING, 0 },
		{ 40, 60, PKT_MALFORMED,
		  "tcp header length past end of segment",
		  L_EIT | PKT_L_PADDING, 0 },
		{ 60, 61, PKT_OK, NULL, L_EIT, 0 },
	};
	/* A cut in the payload: by the IP length fine, by capture not. */
	static const struct unit_cut data_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 34, PKT_TRUNCATED, "truncated ip header", PKT_L_ETH, 14 },
		{ 34, 54, PKT_TRUNCATED, "truncated tcp header",
		  PKT_L_ETH | PKT_L_IP, 34 },
		{ 54, 55, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIT, 34 },
		{ 55, 59, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIT | PKT_L_RAW, 34 },
	};
	static const struct unit_cut data_declared[] = {
		{ 20, 40, PKT_MALFORMED,
		  "ip length ends inside transport header",
		  PKT_L_ETH | PKT_L_IP | PKT_L_PADDING, 0 },
		{ 40, 41, PKT_OK, NULL, L_EIT | PKT_L_PADDING, 0 },
		{ 41, 45, PKT_OK, NULL, L_EIT | PKT_L_RAW | PKT_L_PADDING, 0 },
		{ 45, 46, PKT_OK, NULL, L_EIT | PKT_L_RAW, 0 },
		{ 46, 50, PKT_TRUNCATED, "ip total length past end of frame",
		  L_EIT | PKT_L_RAW, 0 },
	};
	static const struct unit_cut v6_cuts[] = {
		{ 0, 14, PKT_TRUNCATED, "truncated ethernet header", 0, 0 },
		{ 14, 54, PKT_TRUNCATED, "truncated ipv6 header", PKT_L_ETH,
		  14 },
		{ 54, 74, PKT_TRUNCATED, "truncated tcp header",
		  PKT_L_ETH | PKT_L_IP6, 54 },
		{ 74, 78, PKT_TRUNCATED, "truncated tcp options",
		  PKT_L_ETH | PKT_L_IP6 | PKT_L_TCP, 74 },
		{ 78, 79, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  PKT_L_ETH | PKT_L_IP6 | PKT_L_TCP, 54 },
		{ 79, 81, PKT_TRUNCATED,
		  "ipv6 payload length past end of frame",
		  PKT_L_ETH | PKT_L_IP6 | PKT_L_TCP | PKT_L_RAW, 54 },
	};
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	f = unit_frame(tcp4_syn, &n);
	unit_check_cuts(f, n, cuts, 4);
	unit_check_declared(f, n, 16, declared, 3);
	/* The header of a short capture is all there. */
	assert_int_equal(pkt_parse(&p, f, 54), PKT_TRUNCATED);
	assert_int_equal(p.tcp.sport, 40000);
	assert_int_equal(p.tcp.seq, 1000);
	assert_int_equal(p.tcp.dataofs, 10);
	assert_true(p.cut);
	free(f);
	f = unit_frame(tcp4_data, &n);
	unit_check_cuts(f, n, data_cuts, 5);
	unit_check_declared(f, n, 16, data_declared, 5);
	free(f);
	f = unit_frame(tcp6_data, &n);
	unit_check_cuts(f, n, v6_cuts, 6);
	free(f);
}

/*
 * pkt.h: TRUNCATED is "the capture ends inside a header", MALFORMED "a
 * header contradicts itself or its container".  A TCP header cut by the
 * IP total length of a whole datagram is the latter.
 */
static void test_tcp_cut_by_ip_len(void **state)
{
	struct pkt p;
	uint8_t f[74];

	(void)state;
	unit_hex(f, sizeof(f), tcp4_syn);
	unit_put16(f + 16, 30); /* 10 bytes of TCP, 30 more in the frame */
	assert_int_equal(pkt_parse(&p, f, sizeof(f)), PKT_MALFORMED);
	assert_string_equal(p.reason, "ip length ends inside transport header");
	assert_false(p.cut);
	assert_int_equal(p.has, PKT_L_ETH | PKT_L_IP | PKT_L_PADDING);
}

/* The same when the frame ends exactly where ip.len says. */
static void test_tcp_cut_by_ip_len_exact_frame(void **state)
{
	struct pkt p;
	uint8_t f[74];

	(void)state;
	unit_hex(f, sizeof(f), tcp4_syn);
	unit_put16(f + 16, 30);
	assert_int_equal(pkt_parse(&p, f, 14 + 30), PKT_MALFORMED);
	assert_string_equal(p.reason, "ip length ends inside transport header");
}

static void test_tcp_bad_dataofs(void **state)
{
	static const struct {
		uint8_t off;
		const char *why;
	} c[] = {
		{ 0x00, "tcp header length < 20" },
		{ 0x10, "tcp header length < 20" },
		{ 0x40, "tcp header length < 20" },
		{ 0x70, "tcp header length past end of segment" },
		{ 0xf0, "tcp header length past end of segment" },
	};
	size_t n, i;
	uint8_t *f = unit_frame(tcp4_data, &n);

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;

		f[46] = c[i].off;
		unit_parse_bad(&p, f, n, PKT_MALFORMED, c[i].why, L_EIT);
		assert_int_equal(p.tcp.dataofs, c[i].off >> 4);
		assert_int_equal(p.tcp.sport, 80);
		assert_int_equal(p.err_off, 54);
	}
	/*
	 * dataofs 6 takes 4 of the 5 payload bytes as options: "hell",
	 * kind 'h' (104) with length 'e' (101), overruns.
	 */
	f[46] = 0x60;
	{
		struct pkt p;

		unit_parse_bad(&p, f, n, PKT_MALFORMED,
			       "tcp option overruns header", L_EIT);
		assert_int_equal(p.tcp.n_opt, 0);
	}
	free(f);
}

/*
 * An Ethernet/IPv4/TCP frame whose options are opt (a multiple of 4 bytes,
 * at most 40) followed by the payload "ab"; returns the frame length.
 */
static size_t opt_frame(uint8_t *f, size_t cap, const char *opt_hex)
{
	uint8_t opt[64];
	size_t olen = unit_hex(opt, sizeof(opt), opt_hex);
	size_t n;

	assert_int_equal(olen % 4, 0);
	assert_true(olen <= 40 && cap >= 54 + olen + 2);
	n = unit_hex(f, cap, tcp4_data);
	assert_int_equal(n, 59);
	f[46] = (uint8_t)((5 + olen / 4) << 4);
	memcpy(f + 54, opt, olen);
	memcpy(f + 54 + olen, "ab", 2);
	unit_put16(f + 16, (uint16_t)(20 + 20 + olen + 2));
	return 54 + olen + 2;
}

/* Parses opt_frame(opt) from an exact-size copy into p (kept in buf). */
static enum pkt_verdict parse_opts(struct pkt *p, uint8_t **buf,
				   const char *opt_hex)
{
	uint8_t f[128];
	size_t n = opt_frame(f, sizeof(f), opt_hex);

	*buf = unit_dup(f, n);
	return pkt_parse(p, *buf, n);
}

static void test_tcp_option_errors(void **state)
{
	static const struct {
		const char *opt;
		const char *why;
		size_t at; /* offset of the bad option in the area */
		unsigned n_opt;
	} c[] = {
		{ "02000000", "bad tcp option length", 0, 0 },
		{ "02010000", "bad tcp option length", 0, 0 },
		{ "01010400", "bad tcp option length", 2, 2 },
		{ "fd000000", "bad tcp option length", 0, 0 },
		{ "020805b4", "tcp option overruns header", 0, 0 },
		{ "0101fd03", "tcp option overruns header", 2, 2 },
		{ "020405b408ff0000", "tcp option overruns header", 4, 1 },
		{ "01010102", "tcp option length missing", 3, 3 },
		{ "01010103", "tcp option length missing", 3, 3 },
		{ "010101fd", "tcp option length missing", 3, 3 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;
		uint8_t *b;
		enum pkt_verdict v = parse_opts(&p, &b, c[i].opt);

		if (v != PKT_MALFORMED || strcmp(p.reason, c[i].why))
			fail_msg("%s: %s '%s', want '%s'", c[i].opt,
				 pkt_verdict_name(v),
				 p.reason ? p.reason : "(null)", c[i].why);
		assert_int_equal(p.has, L_EIT);
		assert_int_equal(p.tcp.n_opt, c[i].n_opt);
		/* err_off points into the bad option. */
		if (p.err_off < 54 + c[i].at || p.err_off > 54 + c[i].at + 2)
			fail_msg("%s: err_off %zu, option at %zu", c[i].opt,
				 p.err_off, 54 + c[i].at);
		free(b);
	}
}

/* The iterator alone. */
static void test_iter_empty(void **state)
{
	struct pkt_tcpopt_iter it;
	struct pkt_tcpopt o;
	const char *why = NULL;
	uint8_t *b = unit_dup((const uint8_t *)"\x02", 1);

	(void)state;
	pkt_tcpopt_iter_init(&it, NULL, 0);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	pkt_tcpopt_iter_init(&it, b, 0);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	assert_null(why);
	/* A lone kind byte: length missing. */
	pkt_tcpopt_iter_init(&it, b, 1);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), -1);
	assert_string_equal(why, "tcp option length missing");
	free(b);
}

static void test_iter_nop_run(void **state)
{
	uint8_t nops[40];
	struct pkt_tcpopt_iter it;
	struct pkt_tcpopt o;
	const char *why = NULL;
	uint8_t *b;
	int i;
	struct pkt p;

	(void)state;
	memset(nops, 1, sizeof(nops));
	b = unit_dup(nops, 40);
	pkt_tcpopt_iter_init(&it, b, 40);
	for (i = 0; i < 40; i++) {
		assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 1);
		assert_int_equal(o.kind, 1);
		assert_int_equal(o.len, 1);
		assert_null(o.data.p);
		assert_int_equal(o.data.len, 0);
	}
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	assert_null(why);
	free(b);
	/* 40 NOPs in a header: the option table holds them all. */
	assert_int_equal(parse_opts(&p, &b,
				    "0101010101010101010101010101010101010101"
				    "0101010101010101010101010101010101010101"),
			 PKT_OK);
	assert_int_equal(p.tcp.n_opt, PKT_TCP_OPT_MAX);
	assert_int_equal(p.tcp.dataofs, 15);
	assert_int_equal(pkt_tcp_options_len(&p.tcp), 40);
	unit_bytes_eq(p.payload, "ab", 2);
	free(b);
}

/* EOL ends the list; what follows is padding, whatever it holds. */
static void test_iter_eol_padding(void **state)
{
	struct pkt_tcpopt_iter it;
	struct pkt_tcpopt o;
	const char *why = NULL;
	uint8_t *b = unit_dup((const uint8_t *)"\x01\x00\x02\x00\xff", 5);
	struct pkt p;
	size_t n;
	uint8_t *f;

	(void)state;
	pkt_tcpopt_iter_init(&it, b, 5);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 1);
	assert_int_equal(o.kind, 1);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 1);
	assert_int_equal(o.kind, 0);
	assert_int_equal(o.len, 1);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 0);
	assert_null(why);
	/* The cursor stops right after EOL: the rest is the padding. */
	assert_int_equal(pkt_rd_left(&it.r), 3);
	free(b);

	/* Scapy's MSS + EOL, padded with zeros. */
	f = unit_frame(tcp4_eol, &n);
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.tcp.dataofs, 7);
	assert_int_equal(p.tcp.n_opt, 2);
	assert_int_equal(p.tcp.opt[0].kind, 2);
	assert_int_equal(p.tcp.opt[1].kind, 0);
	assert_int_equal(p.tcp.ohas, PKT_TCPO_MSS | PKT_TCPO_EOL);
	assert_int_equal(p.tcp.mss, 1460);
	unit_range_at(p.tcp.optpad, f, 59, 3);
	assert_int_equal(pkt_tcp_options_len(&p.tcp), 8);
	free(f);

	/* Garbage after EOL (a bad length) is padding, not an error. */
	assert_int_equal(parse_opts(&p, &f, "0000ff01"), PKT_OK);
	assert_int_equal(p.tcp.n_opt, 1);
	unit_range_at(p.tcp.optpad, f, 55, 3);
	assert_memory_equal(p.tcp.optpad.p, "\x00\xff\x01", 3);
	unit_bytes_eq(p.payload, "ab", 2);
	free(f);
}

/* SACK with 1, 2, 3 and 4 blocks (RFC 2018). */
static void test_sack_blocks(void **state)
{
	static const char *opts[] = {
		"0101050a000003e8000007d0",
		"0101051200000001000000020000000300000004",
		"0101051a000000010000000200000003000000040000000500000006",
		NULL, /* four blocks: Scapy's tcp4_sack */
	};
	unsigned k;

	(void)state;
	for (k = 0; k < 4; k++) {
		struct pkt p;
		uint8_t *b;
		unsigned i;

		if (opts[k]) {
			assert_int_equal(parse_opts(&p, &b, opts[k]), PKT_OK);
		} else {
			size_t n;

			b = unit_frame(tcp4_sack, &n);
			unit_parse_ok(&p, b, n);
			assert_int_equal(p.tcp.ack, 2);
			assert_int_equal(p.tcp.flags, PKT_TCP_ACK);
			assert_int_equal(p.tcp.chksum, 0x7be6);
		}
		assert_int_equal(p.tcp.n_opt, 3);
		assert_int_equal(p.tcp.opt[2].kind, 5);
		assert_int_equal(p.tcp.opt[2].len, 2 + 8 * (k + 1));
		assert_int_equal(p.tcp.ohas, PKT_TCPO_SACK);
		assert_int_equal(p.tcp.n_sack, k + 1);
		for (i = 0; i <= k; i++) {
			uint32_t l = k == 0 ? 1000 : 2 * i + 1;
			uint32_t r = k == 0 ? 2000 : 2 * i + 2;

			if (k == 3) {
				l = 2000 * i + 1000;
				r = 2000 * i + 2000;
			}
			assert_int_equal(p.tcp.sack[i][0], l);
			assert_int_equal(p.tcp.sack[i][1], r);
		}
		free(b);
	}
}

/* Known kinds with a wrong length are kept in the list, not decoded. */
static void test_wrong_length_known_kinds(void **state)
{
	static const struct {
		const char *opt;
		uint8_t kind, len;
	} c[] = {
		{ "02030501", 2, 3 }, /* MSS, 3 */
		{ "0205050000010101", 2, 5 }, /* MSS, 5 */
		{ "03040700", 3, 4 }, /* WScale, 4 */
		{ "03020101", 3, 2 }, /* WScale, 2 */
		{ "04030001", 4, 3 }, /* SAckOK, 3 */
		{ "080900000001000000010101", 8, 9 }, /* TS, 9 */
		{ "080b00000001000000020001", 8, 11 }, /* TS, 11 */
		{ "05020101", 5, 2 }, /* SACK, no block */
		{ "050c00000001000000020000", 5, 12 }, /* SACK, 10 bytes */
		{ "052a"
		  "0000000100000002000000030000000400000005"
		  "00000006000000070000000800000009"
		  "0000000a",
		  5, 42 }, /* 5 blocks */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pkt p;
		uint8_t *b;
		char hex[100];
		size_t l = strlen(c[i].opt);

		/* Pad to a multiple of 4 bytes with NOPs. */
		memcpy(hex, c[i].opt, l + 1);
		while (l % 8) {
			strcat(hex, "01");
			l += 2;
		}
		if (l > 80) {
			/* 42 bytes do not fit a header: iterator only. */
			struct pkt_tcpopt_iter it;
			struct pkt_tcpopt o;
			const char *why = NULL;
			uint8_t raw[64];
			size_t rl = unit_hex(raw, sizeof(raw), c[i].opt);

			b = unit_dup(raw, rl);
			pkt_tcpopt_iter_init(&it, b, rl);
			assert_int_equal(pkt_tcpopt_next(&it, &o, &why), 1);
			assert_int_equal(o.kind, c[i].kind);
			assert_int_equal(o.len, c[i].len);
			assert_int_equal(o.data.len, rl - 2);
			free(b);
			continue;
		}
		if (parse_opts(&p, &b, hex) != PKT_OK)
			fail_msg("%s: %s", c[i].opt, p.reason);
		assert_int_equal(p.tcp.opt[0].kind, c[i].kind);
		assert_int_equal(p.tcp.opt[0].len, c[i].len);
		assert_int_equal(p.tcp.opt[0].data.len, c[i].len - 2u);
		if (p.tcp.ohas != 0)
			fail_msg("%s decoded: ohas 0x%x", c[i].opt, p.tcp.ohas);
		assert_int_equal(p.tcp.mss, 0);
		assert_int_equal(p.tcp.n_sack, 0);
		free(b);
	}
}

/* Unknown kinds keep their bytes: Scapy's (253, b'\xde\xad'). */
static void test_unknown_kinds(void **state)
{
	struct pkt p;
	size_t n;
	uint8_t *f = unit_frame(tcp4_unknown, &n);
	uint8_t *b;

	(void)state;
	unit_parse_ok(&p, f, n);
	assert_int_equal(p.tcp.n_opt, 4); /* 253, NOP, NOP, EOL */
	assert_int_equal(p.tcp.opt[0].kind, 253);
	assert_int_equal(p.tcp.opt[0].len, 4);
	unit_range_at(p.tcp.opt[0].data, f, 56, 2);
	assert_memory_equal(p.tcp.opt[0].data.p, "\xde\xad", 2);
	assert_int_equal(p.tcp.opt[3].kind, 0);
	unit_range_at(p.tcp.optpad, f, 61, 1);
	assert_int_equal(p.tcp.ohas, PKT_TCPO_EOL);
	free(f);
	/* MPTCP (30), TFO (34) with no cookie, an empty experimental kind. */
	assert_int_equal(parse_opts(&p, &b, "1e0400012202fe02"), PKT_OK);
	assert_int_equal(p.tcp.n_opt, 3);
	assert_int_equal(p.tcp.opt[0].kind, 30);
	unit_range_at(p.tcp.opt[0].data, b, 56, 2);
	assert_int_equal(p.tcp.opt[1].kind, 34);
	assert_int_equal(p.tcp.opt[1].data.len, 0);
	assert_int_equal(p.tcp.opt[2].kind, 254);
	assert_int_equal(p.tcp.ohas, 0);
	free(b);
}

/*
 * The same kind twice: pkt.h decodes "the last well-formed option of each
 * kind", as Linux's tcp_parse_options() keeps the last one it sees.
 */
static void test_duplicate_kinds(void **state)
{
	struct pkt p;
	uint8_t *b;

	(void)state;
	assert_int_equal(parse_opts(&p, &b,
				    "020405b40204021803030703030e0101"
				    "080a00000001000000020101"
				    "080a00000003000000040101"),
			 PKT_OK);
	assert_int_equal(p.tcp.n_opt, 12);
	assert_int_equal(p.tcp.mss, 536);
	assert_int_equal(p.tcp.wscale, 14);
	assert_int_equal(p.tcp.tsval, 3);
	assert_int_equal(p.tcp.tsecr, 4);
	free(b);
	/* A later ill-formed one does not replace a well-formed one. */
	assert_int_equal(parse_opts(&p, &b, "020405b4020305010303070302010101"),
			 PKT_OK);
	assert_int_equal(p.tcp.n_opt, 8);
	assert_int_equal(p.tcp.mss, 1460);
	assert_int_equal(p.tcp.wscale, 7);
	free(b);
}

static void test_duplicate_sack(void **state)
{
	struct pkt p;
	uint8_t *b;

	(void)state;
	assert_int_equal(parse_opts(&p, &b,
				    "0101050a0000000100000002"
				    "01010512000000030000000400000005"
				    "00000006"),
			 PKT_OK);
	assert_int_equal(p.tcp.n_opt, 6);
	assert_int_equal(p.tcp.n_sack, 2);
	assert_int_equal(p.tcp.sack[0][0], 3);
	assert_int_equal(p.tcp.sack[0][1], 4);
	assert_int_equal(p.tcp.sack[1][0], 5);
	assert_int_equal(p.tcp.sack[1][1], 6);
	{
		/* The rule language reads the same option the parser decoded. */
		const struct pkt_field *f = pkt_field_find("tcp.options.sack");
		struct pkt_value v;

		assert_non_null(f);
		assert_true(pkt_field_get(&p, f, &v));
		assert_int_equal(v.b.len, 16);
		assert_memory_equal(v.b.p, "\0\0\0\3\0\0\0\4", 8);
	}
	free(b);
}

static void test_opt_add(void **state)
{
	static const uint8_t mss[2] = { 0x05, 0xb4 };
	static const uint8_t ts[8] = { 0, 0, 0, 9, 0, 0, 0, 8 };
	static const uint8_t big[254];
	struct pkt_tcp t;
	unsigned i;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(pkt_tcp_options_len(&t), 0);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_MSS, mss, 2), 0);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_NOP, mss, 2), 0);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_TIMESTAMP, ts, 8), 0);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_SACKOK, NULL, 0), 0);
	assert_int_equal(t.n_opt, 4);
	assert_int_equal(t.opt[0].len, 4);
	assert_ptr_equal(t.opt[0].data.p, mss);
	/* NOP and EOL carry nothing, whatever was passed. */
	assert_int_equal(t.opt[1].len, 1);
	assert_null(t.opt[1].data.p);
	assert_int_equal(t.opt[1].data.len, 0);
	assert_int_equal(t.opt[2].len, 10);
	/* Added options are decoded too. */
	assert_int_equal(t.ohas, PKT_TCPO_MSS | PKT_TCPO_TS | PKT_TCPO_SACKOK);
	assert_int_equal(t.mss, 1460);
	assert_int_equal(t.tsval, 9);
	assert_int_equal(t.tsecr, 8);
	assert_int_equal(pkt_tcp_options_len(&t), 4 + 1 + 10 + 2);
	/* A data length the one-byte length field cannot say. */
	assert_int_equal(pkt_tcp_opt_add(&t, 253, big, 254), -EINVAL);
	assert_int_equal(t.n_opt, 4);
	assert_int_equal(pkt_tcp_opt_add(&t, 253, big, 253), 0);
	assert_int_equal(t.opt[4].len, 255);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_EOL, NULL, 0), 0);
	assert_true(t.ohas & PKT_TCPO_EOL);
	for (i = t.n_opt; i < PKT_TCP_OPT_MAX; i++)
		assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_NOP, NULL, 0),
				 0);
	assert_int_equal(pkt_tcp_opt_add(&t, PKT_TCPOPT_NOP, NULL, 0), -ENOSPC);
	assert_int_equal(t.n_opt, PKT_TCP_OPT_MAX);
	/* optpad counts too. */
	memset(&t, 0, sizeof(t));
	t.optpad.len = 3;
	assert_int_equal(pkt_tcp_options_len(&t), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn_fields),
		cmocka_unit_test(test_tcp_data),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_tcp_over_ip6),
		cmocka_unit_test(test_tcp_cuts),
		cmocka_unit_test(test_tcp_cut_by_ip_len),
		cmocka_unit_test(test_tcp_cut_by_ip_len_exact_frame),
		cmocka_unit_test(test_tcp_bad_dataofs),
		cmocka_unit_test(test_tcp_option_errors),
		cmocka_unit_test(test_iter_empty),
		cmocka_unit_test(test_iter_nop_run),
		cmocka_unit_test(test_iter_eol_padding),
		cmocka_unit_test(test_sack_blocks),
		cmocka_unit_test(test_wrong_length_known_kinds),
		cmocka_unit_test(test_unknown_kinds),
		cmocka_unit_test(test_duplicate_kinds),
		cmocka_unit_test(test_duplicate_sack),
		cmocka_unit_test(test_opt_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
