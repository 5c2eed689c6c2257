/* SPDX-License-Identifier: MIT */
/*
 * fuzz_replay.c - libFuzzer target for the engine: a fixed rule set,
 * arbitrary frames through dispatch, host behaviours, templates, forwards
 * and limits.
 *
 * The rule set below is compiled once (LLVMFuzzerInitialize).  It has hosts
 * with every personality and every port policy, ARP, ND and ping on and
 * off, and filter rules with reply, send, forward, drop, log and limits
 * whose templates read many request fields.  One input is a sequence of
 * frames, each as
 *
 *   u16 big-endian  bits 0-14: capture length L; bit 15: the frame was
 *                   longer on the wire (a snap length: wirelen = L + 100)
 *   u16 big-endian  milliseconds since the previous frame
 *   L bytes         the frame (fewer if the input ends first)
 *
 * fed to a fresh engine (so that an input replays the same way alone),
 * from 2023-11-14 22:13:20 UTC, whose flow table holds FLOWS flows (so
 * that SYN cookies and eviction are reached); before each frame the flow
 * timers due by its time run, as replay runs them, so the TCP state is
 * fuzzed with its retransmissions, probes and waits.  Besides the
 * sanitizers, every frame and every timer's output is checked and the
 * target abort()s when:
 *
 *   - the rule that fired is not the first rule, in file order, that a
 *     linear scan over every rule finds (the dispatcher may skip rules,
 *     never change the answer);
 *   - a reply does not parse PKT_OK, unless its rule forges on purpose
 *     (rules named forge_*) or it forwards a request that was not OK;
 *   - a reply goes to a broadcast or multicast source, or a result is
 *     inconsistent (replies with a drop reason, more than
 *     ENGINE_REPLIES_MAX, lengths past ENGINE_FRAME_MAX);
 *   - the same input run twice (with the stack scribbled in between) does
 *     not give the same rules and byte-identical replies: a replay is
 *     deterministic, and a difference betrays uninitialised memory; the
 *     first run builds templates from their fast forms (images made from
 *     earlier inputs), the second the general way, so the two ways must
 *     agree byte for byte.
 *
 * Seeds (tests/fuzz/corpus/replay) are the frames of the pcaps in tests/golden,
 * of tests/scapy/gen.py and of frames aimed at the rules below, one frame
 * or a short conversation per file, and whole TCP conversations with the
 * rules below (conv-*, from tests/fuzz/mkreplay.py: their ACKs carry the
 * sequence numbers this seed gives, which the fuzzer could not guess), so
 * that established connections are fuzzed, not only handshakes.
 *
 *   make fuzz && build/fuzz/fuzz_replay tests/fuzz/corpus/replay
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lang/diag.h"
#include "lang/parse.h"
#include "pkt/pkt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules_text[] =
	"set seed 7\n"
	/* Before the hosts: file order must beat dispatch order. */
	"rule early_rst {\n"
	"    match \"tcp dst port 443 and src host 198.51.100.66\"\n"
	"    reply Ether()/IP()/TCP(flags=\"R\", seq=tcp.ack)\n"
	"}\n"
	"rule log_rst {\n"
	"    match \"tcp[tcpflags] & tcp-rst != 0 and not dst host 198.51.100.10\"\n"
	"    log; drop\n"
	"}\n"
	"host 198.51.100.10, 2001:db8::10 {\n"
	"    personality linux\n"
	"    mac 02:00:00:00:00:10\n"
	"    arp on; nd on; ping on\n"
	"    tcp 22 open { banner \"SSH-2.0-OpenSSH_9.2p1\\r\\n\" }\n"
	"    tcp 80 open {\n"
	"        on \"GET \" { send \"HTTP/1.0 200 OK\\r\\n\\r\\n\"; close }\n"
	"        on /^POST / { echo; wait 10 ms; reset }\n"
	"    }\n"
	"    tcp 7 open { on any { echo } }\n"
	"    tcp 2525 open {\n"
	"        banner \"220 x\\r\\n\"\n"
	"        on \"QUIT\" { send \"221\\r\\n\"; close }\n"
	"        on /^[A-Z]+ / { send \"502\\r\\n\"; wait 5 ms; send \"x\" }\n"
	"    }\n"
	"    tcp 443 closed\n"
	"    tcp 8000-8010, 8443 tarpit\n"
	"    tcp 25, 110, 143 filtered\n"
	"    udp 53 open { reply hex \"00 01 81 80 00 00\" }\n"
	"    udp 123 open { reply \"ntp\\x00\" }\n"
	"    udp 7 open\n"
	"    udp 9-11 filtered\n"
	"    udp * closed\n"
	"}\n"
	"host 198.51.100.20 { personality windows; ping off; tcp * open }\n"
	"host 2001:db8::20 {\n"
	"    personality freebsd; nd on\n"
	"    tcp 1-1024 closed; tcp * tarpit; udp * open { reply \"x\" }\n"
	"}\n"
	"host 192.0.2.30, 192.0.2.31 {\n"
	"    personality freebsd; arp off\n"
	"    tcp 1-100 open; tcp 101-300 closed; udp 1-100 closed\n"
	"}\n"
	"rule tarpit {\n"
	"    match \"tcp[tcpflags] == tcp-syn and dst net 203.0.113.0/24\"\n"
	"    reply Ether()/IP(ttl=128)/TCP(flags=\"SA\", seq=random,"
	" ack=tcp.seq+1, window=0, options=[(\"MSS\", 536), (\"NOP\", None),"
	" (\"WScale\", 2)])\n"
	"    limit 2/s per source\n"
	"}\n"
	"rule syn6 {\n"
	"    match \"ip6 and tcp dst port 8080\"\n"
	"    reply Ether()/IPv6(hlim=ip6.hlim, fl=ip6.fl)/TCP(flags=\"SA\","
	" seq=tcp.ack ^ random, ack=tcp.seq + raw.len + 1, window=tcp.window,"
	" options=[(\"MSS\", tcp.options.mss), (\"NOP\", None),"
	" (\"WScale\", tcp.options.wscale), (\"SAckOK\", b\"\"),"
	" (\"Timestamp\", (now, tcp.options.tsval))])\n"
	"}\n"
	"rule arith {\n"
	"    match \"tcp dst port 7\"\n"
	"    reply Ether()/IP(id=(ip.id * 3 + 1) % 65536,"
	" ttl=(ip.ttl ^ 0xff) & 0x7f | 1, tos=ip.tos, flags=ip.flags)/"
	"TCP(flags=\"RA\", seq=tcp.seq / tcp.window, ack=tcp.seq + raw.len + 1,"
	" window=~tcp.window & 0xffff, urgptr=(now / 1000) << 2 >> 1,"
	" options=[(\"SAck\", (tcp.seq, tcp.seq + 1)), (30, \"ab\"),"
	" (\"EOL\", None)])/Raw(load=hex \"de ad\")\n"
	"    limit 1000/s\n"
	"}\n"
	"rule udp_echo {\n"
	"    match \"udp dst port 7777\"\n"
	"    reply Ether()/IP(id=ip.id + 1, tos=ip.tos)/UDP()/Raw(load=raw.load)\n"
	"}\n"
	"rule udp_echo6 {\n"
	"    match \"ip6 and udp dst port 7778\"\n"
	"    reply Ether()/IPv6(tc=ip6.tc)/UDP(dport=udp.sport % 1024)/"
	"Raw(load=raw.load)\n"
	"    limit 5/s per source\n"
	"}\n"
	/* Keyed by the protocol a load implies, and then by dst port. */
	"rule syn_bits {\n"
	"    match \"tcp[13] & 2 != 0 and dst port 9996\"\n"
	"    reply Ether()/IP()/TCP(flags=\"SA\", ack=tcp.seq + 1)\n"
	"}\n"
	"rule udp_bytes {\n"
	"    match \"dst port 9995 and udp[8] == 1\"\n"
	"    reply Ether()/IP()/UDP()/Raw(load=\"k\")\n"
	"}\n"
	"rule icmp_type {\n"
	"    match \"icmp[icmptype] == icmp-echo and dst host 192.0.2.99\"\n"
	"    reply Ether()/IP()/ICMP(type=0, id=icmp.id, seq=icmp.seq)\n"
	"}\n"
	"rule bump {\n"
	"    match \"udp dst port 9999\"\n"
	"    forward udp.dport = 10000, ip.ttl = ip.ttl - 1\n"
	"}\n"
	"rule bump6 {\n"
	"    match \"ip6 and udp dst port 9998\"\n"
	"    forward ip6.hlim = ip6.hlim - 1, udp.sport = udp.sport + 1\n"
	"    log\n"
	"}\n"
	"rule bounce {\n"
	"    match \"tcp dst port 9997\"\n"
	"    forward eth.src = eth.dst, eth.dst = eth.src, ip.src = ip.dst,"
	" ip.dst = ip.src, tcp.seq = tcp.seq + 1, tcp.flags = 0x14\n"
	"}\n"
	"rule icmp_ts {\n"
	"    match \"icmp and icmp[0] == 13\"\n"
	"    reply Ether()/IP()/ICMP(type=14, id=icmp.id, seq=icmp.seq)/"
	"Raw(load=raw.load)\n"
	"}\n"
	"rule unreach_quote {\n"
	"    match \"icmp and icmp[0] == 3\"\n"
	"    send Ether(dst=eth.src, src=eth.dst)/IP(src=ip.dst, dst=ip.src)/"
	"UDP(sport=udperror.dport, dport=udperror.sport)/Raw(load=raw.load)\n"
	"}\n"
	"rule echo6 {\n"
	"    match \"icmp6 and ip6[40] == 128 and dst host 2001:db8::99\"\n"
	"    reply Ether(src=\"02:00:00:00:00:99\")/IPv6()/"
	"ICMPv6EchoReply(id=icmp6.id, seq=icmp6.seq, data=raw.load)\n"
	"}\n"
	"rule na {\n"
	"    match \"icmp6 and ip6[40] == 135\"\n"
	"    send Ether(dst=eth.src, src=\"02:00:00:00:00:99\")/"
	"IPv6(src=ip6.dst, dst=ip6.src, hlim=255)/ICMPv6ND_NA(tgt=icmp6.tgt,"
	" S=1)/ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:00:99\")\n"
	"}\n"
	"rule ra {\n"
	"    match \"icmp6 and ip6[40] == 133\"\n"
	"    reply Ether()/IPv6(hlim=255)/ICMPv6ND_RA(chlim=64,"
	" routerlifetime=1800)/ICMPv6NDOptSrcLLAddr()\n"
	"}\n"
	"rule arp_any {\n"
	"    match \"arp and arp[6:2] = 1 and arp dst host 192.0.2.99\"\n"
	"    reply Ether()/ARP(hwsrc=\"02:00:00:00:00:99\")\n"
	"}\n"
	"rule vlan_udp {\n"
	"    match \"vlan and udp dst port 5000\"\n"
	"    reply Ether()/Dot1Q(vlan=dot1q.vlan, prio=dot1q.prio)/IP()/UDP()/"
	"Raw(load=\"v\")\n"
	"}\n"
	"rule qinq {\n"
	"    match \"vlan and vlan and tcp\"\n"
	"    reply Ether()/Dot1AD()/Dot1Q()/IP(flags=\"DF\")/TCP(flags=\"RA\","
	" ack=tcp.seq + 1)\n"
	"}\n"
	"rule forge_sum {\n"
	"    match \"tcp dst port 81\"\n"
	"    reply Ether()/IP(chksum=0x1234)/TCP(chksum=0, flags=\"R\")\n"
	"}\n"
	"rule forge_len {\n"
	"    match \"udp dst port 82\"\n"
	"    reply Ether()/IP(len=20)/UDP(len=3)/Raw(load=\"abc\")\n"
	"}\n"
	"rule forge_hdr {\n"
	"    match \"tcp dst port 83\"\n"
	"    reply Ether()/IP(ihl=15, version=5)/TCP(dataofs=2)\n"
	"}\n"
	"rule odd_ether {\n"
	"    match \"ether proto 0x88b5\"\n"
	"    reply Ether(type=0x88b6)/Raw(load=raw.load)\n"
	"    limit 10/s\n"
	"}\n"
	"rule catch6 {\n"
	"    match \"ip6 and udp\"\n"
	"    send Ether()/IPv6(src=\"2001:db8::1\", dst=ip6.src)/UDP(sport=53,"
	" dport=udp.sport)/Raw(load=raw.load)\n"
	"    limit 50/s\n"
	"}\n"
	"rule rest_tcp { match \"tcp\"; log }\n";

#define MAX_FRAMES 64
#define FLOWS 8
#define T0_US 1700000000000000ull

static struct ruleset *rs;
static struct engine eng;

/*
 * A second rule set, too big for the kernel filter to list its matches
 * (more than 32 rules and 32 addresses: describe.c then writes a coarser
 * union by protocol, port ranges and networks).  Every frame that one of
 * its rules matches must pass that filter, or the kernel would hide from
 * riposte a frame it answers.
 */
static struct ruleset *rs_big;
static struct bpf_program big_filter;

/* What one run did, to compare two runs of the same input. */
struct trace {
	unsigned n;
	int rule[MAX_FRAMES];
	int drop[MAX_FRAMES];
	uint64_t hash[MAX_FRAMES];
	uint64_t tick_hash[MAX_FRAMES]; /* the timers run before frame k */
};

static struct trace runs[2];

static uint64_t fnv(uint64_t h, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static const struct crule *linear_find(const struct ruleset *set,
				       const uint8_t *frame, size_t caplen,
				       size_t wirelen, uint64_t ts_us,
				       const struct pkt *q);

static void compile_big(void)
{
	static char text[16384];
	struct arena a;
	struct diag d;
	struct ast_file f;
	char *filter;
	pcap_t *dead;
	size_t n = 0;
	int i;

#define ADD(...) n += (size_t)snprintf(text + n, sizeof(text) - n, __VA_ARGS__)
	for (i = 0; i < 24; i++) /* ports 20-43: one range */
		ADD("rule t%d { match \"tcp dst port %d\"; drop }\n", i,
		    20 + i);
	for (i = 0; i < 6; i++) /* a few of IPv4 only, spread out */
		ADD("rule u%d { match \"ip and udp dst port %d\"; drop }\n", i,
		    53 + 1000 * i);
	for (i = 0; i < 4; i++) /* keyed through a load's protocol */
		ADD("rule k%d { match \"tcp[13] & 2 != 0 and dst port %d\";"
		    " drop }\n",
		    i, 5000 + 7 * i);
	ADD("rule ku { match \"dst port 6000 and udp[8] == 1\"; drop }\n");
	ADD("rule i4 { match \"icmp\"; drop }\n");
	ADD("rule v6 { match \"ip6\"; log }\n");
	ADD("rule tcp6 { match \"ip6 and tcp dst port 8080\"; drop }\n");
	for (i = 0; i < 40; i++) /* two /24s */
		ADD("host %s.%d { arp on; tcp 80 open }\n",
		    i < 20 ? "198.51.100" : "192.0.2", 100 + i);
	for (i = 0; i < 8; i++)
		ADD("host 2001:db8:%x::%d { nd on }\n", i % 2, i + 1);
#undef ADD
	arena_init(&a, 0);
	diag_init(&d, "fuzz_replay_big.rules");
	memset(&f, 0, sizeof(f));
	if (lang_parse(&a, &d, text, n, &f) == 0) {
		f.path = "fuzz_replay_big.rules";
		ruleset_compile(&f, &d, &rs_big);
	}
	filter = rs_big ? ruleset_capture_filter(rs_big) : NULL;
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!filter || !dead || !strstr(filter, "portrange") ||
	    pcap_compile(dead, &big_filter, filter, 1, PCAP_NETMASK_UNKNOWN) <
		    0) {
		diag_print(&d, stderr);
		fprintf(stderr, "fuzz_replay: the big rule set's filter: %s\n",
			filter ? filter : "none");
		abort();
	}
	pcap_close(dead);
	free(filter);
	rs_big->ast_arena = a;
	diag_cleanup(&d);
}

/* A frame a rule of the big set matches passes its capture filter. */
static void check_big(const uint8_t *frame, size_t caplen, size_t wirelen,
		      uint64_t ts_us)
{
	static struct pkt q;
	struct pcap_pkthdr hdr;
	const struct crule *r;

	pkt_parse(&q, frame, caplen);
	r = linear_find(rs_big, frame, caplen, wirelen, ts_us, &q);
	if (!r)
		return;
	hdr.ts.tv_sec = (time_t)(ts_us / 1000000u);
	hdr.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
	hdr.caplen = (bpf_u_int32)caplen;
	hdr.len = (bpf_u_int32)(wirelen > caplen ? wirelen : caplen);
	if (!pcap_offline_filter(&big_filter, &hdr, frame)) {
		fprintf(stderr,
			"fuzz_replay: rule %s of the big set matches a frame "
			"its capture filter drops\n",
			r->name);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct arena a;
	struct diag d;
	struct ast_file f;

	(void)argc;
	(void)argv;
	arena_init(&a, 0);
	diag_init(&d, "fuzz_replay.rules");
	memset(&f, 0, sizeof(f));
	if (lang_parse(&a, &d, rules_text, sizeof(rules_text) - 1, &f) == 0) {
		f.path = "fuzz_replay.rules";
		ruleset_compile(&f, &d, &rs);
	}
	if (!rs) {
		diag_print(&d, stderr);
		fputs("fuzz_replay: the fixed rule set does not compile\n",
		      stderr);
		abort();
	}
	/* As ruleset_load does: the rules point into the AST's arena. */
	rs->ast_arena = a;
	diag_cleanup(&d);
	compile_big();
	return 0;
}

static void fail(const char *what, const struct engine_result *res,
		 unsigned frame)
{
	fprintf(stderr, "fuzz_replay: frame %u: %s (rule %s, drop %s%s%s)\n",
		frame, what, res->rule ? res->rule->name : "none",
		engine_drop_name(res->drop), res->why ? ": " : "",
		res->why ? res->why : "");
	abort();
}

/* The first rule in file order that matches: what dispatch must find. */
static const struct crule *linear_find(const struct ruleset *set,
				       const uint8_t *frame, size_t caplen,
				       size_t wirelen, uint64_t ts_us,
				       const struct pkt *q)
{
	struct pcap_pkthdr hdr;
	size_t i;

	if (!(q->has & PKT_L_ETH))
		return NULL;
	hdr.ts.tv_sec = (time_t)(ts_us / 1000000u);
	hdr.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
	hdr.caplen = (bpf_u_int32)caplen;
	hdr.len = (bpf_u_int32)(wirelen > caplen ? wirelen : caplen);
	for (i = 0; i < set->n_rules; i++) {
		const struct crule *r = &set->rules[i];

		if (r->kind != CRULE_FILTER) {
			if (host_match(r, q))
				return r;
		} else if (!r->filter ||
			   pcap_offline_filter(&r->bpf, &hdr, frame)) {
			return r;
		}
	}
	return NULL;
}

static bool forges(const struct crule *r)
{
	return r->kind == CRULE_FILTER && strncmp(r->name, "forge_", 6) == 0;
}

static void check_result(const struct engine_result *res, const uint8_t *frame,
			 size_t caplen, size_t wirelen, uint64_t ts_us,
			 unsigned k)
{
	static struct pkt rp;
	const struct crule *want;
	unsigned i;

	want = linear_find(rs, frame, caplen, wirelen, ts_us, &res->req);
	if (want != res->rule) {
		fprintf(stderr,
			"fuzz_replay: dispatch found rule %s (%u), a "
			"linear scan %s (%u)\n",
			res->rule ? res->rule->name : "none",
			res->rule ? res->rule->index + 1 : 0,
			want ? want->name : "none", want ? want->index + 1 : 0);
		fail("dispatch disagrees with file order", res, k);
	}
	if (res->n > ENGINE_REPLIES_MAX)
		fail("too many replies", res, k);
	if (res->n && (res->drop != DROP_NONE || !res->rule))
		fail("replies beside a drop reason", res, k);
	if (!res->rule && res->drop != DROP_NO_RULE &&
	    res->drop != DROP_MALFORMED)
		fail("no rule, but a rule's drop reason", res, k);
	if (res->drop == DROP_EVAL && !res->why)
		fail("cannot build, without a reason", res, k);
	if (res->n && (res->req.eth.src[0] & 1))
		fail("a reply to a multicast source", res, k);
	for (i = 0; i < res->n; i++) {
		if (!res->frame[i] || res->len[i] > ENGINE_FRAME_MAX)
			fail("a reply longer than its buffer", res, k);
		pkt_parse(&rp, res->frame[i], res->len[i]);
		if (rp.verdict == PKT_OK || forges(res->rule))
			continue;
		if (res->rule->kind == CRULE_FILTER &&
		    res->rule->action == AST_ACT_FORWARD &&
		    res->req.verdict != PKT_OK)
			continue;
		fprintf(stderr, "fuzz_replay: reply %u: %s: %s at byte %zu\n",
			i, pkt_verdict_name(rp.verdict),
			rp.reason ? rp.reason : "-", rp.err_off);
		fail("a reply does not parse OK", res, k);
	}
}

/* The timers due at ts: their replies are checked and hashed. */
static uint64_t run_timers(uint64_t ts, unsigned k)
{
	static struct engine_result res;
	static struct pkt rp;
	uint64_t h = 14695981039346656037ull;
	unsigned i, rounds = 0;
	int more;

	do {
		more = engine_tick(&eng, ts, &res);
		if (res.rule || res.n > ENGINE_REPLIES_MAX ||
		    res.drop != DROP_NONE)
			fail("a timer's result is inconsistent", &res, k);
		for (i = 0; i < res.n; i++) {
			pkt_parse(&rp, res.frame[i], res.len[i]);
			if (rp.verdict != PKT_OK)
				fail("a timer's reply does not parse OK", &res,
				     k);
			if (rp.eth.dst[0] & 1)
				fail("a timer's reply to a multicast address",
				     &res, k);
			h = fnv(h, res.frame[i], res.len[i]);
		}
		if (++rounds > FLOWS * 4 + 4)
			fail("the timers do not run out", &res, k);
	} while (more);
	if (eng.flows.used > FLOWS)
		fail("the flow table is over its bound", &res, k);
	return h;
}

/* Runs one input through a fresh engine, recording what happened in t. */
static void run(const uint8_t *data, size_t size, struct trace *t)
{
	static struct engine_result res;
	uint64_t ts = T0_US;
	size_t off = 0;

	memset(t, 0, sizeof(*t));
	if (engine_init_flows(&eng, rs, rs->seed, FLOWS) < 0)
		abort();
	while (off + 4 <= size && t->n < MAX_FRAMES) {
		size_t len = (size_t)(data[off] & 0x7f) << 8 | data[off + 1];
		size_t wire;
		bool snap = data[off] & 0x80;
		unsigned k = t->n++;
		uint64_t h = 14695981039346656037ull;

		ts += ((uint64_t)data[off + 2] << 8 | data[off + 3]) * 1000u;
		off += 4;
		if (len > size - off)
			len = size - off;
		wire = snap ? len + 100 : len;
		/* A copy of its own, so that reading past it is caught. */
		uint8_t *frame = malloc(len ? len : 1);

		if (!frame)
			abort();
		memcpy(frame, data + off, len);
		off += len;
		t->tick_hash[k] = run_timers(ts, k + 1);
		engine_handle(&eng, frame, len, wire, ts, &res);
		check_result(&res, frame, len, wire, ts, k + 1);
		check_big(frame, len, wire, ts);
		t->rule[k] = res.rule ? (int)res.rule->index : -1;
		t->drop[k] = (int)res.drop;
		for (unsigned i = 0; i < res.n; i++) {
			h = fnv(h, res.frame[i], res.len[i]);
			h = fnv(h, (const uint8_t *)"|", 1);
		}
		t->hash[k] = h;
		free(frame);
	}
	engine_cleanup(&eng);
}

/*
 * Leaves a different pattern on the stack below us between two runs (memset,
 * so that the fuzzer's comparison tracing does not see 32K iterations).
 */
static __attribute__((noinline)) void scribble(int v)
{
	uint8_t junk[1 << 15];

	memset(junk, v, sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * The first run builds templates the fast way (images kept from
	 * earlier inputs, patched), the second the general way: the same
	 * bytes, or abort.
	 */
	scribble(0x00);
	tmpl_fast_off = false;
	run(data, size, &runs[0]);
	scribble(0xa5);
	tmpl_fast_off = true;
	run(data, size, &runs[1]);
	tmpl_fast_off = false;
	for (unsigned k = 0; k < runs[0].n; k++) {
		if (runs[0].rule[k] != runs[1].rule[k] ||
		    runs[0].drop[k] != runs[1].drop[k] ||
		    runs[0].hash[k] != runs[1].hash[k] ||
		    runs[0].tick_hash[k] != runs[1].tick_hash[k]) {
			fprintf(stderr,
				"fuzz_replay: frame %u: two runs differ "
				"(rule %d/%d, drop %d/%d, replies %016llx/"
				"%016llx)\n",
				k + 1, runs[0].rule[k], runs[1].rule[k],
				runs[0].drop[k], runs[1].drop[k],
				(unsigned long long)runs[0].hash[k],
				(unsigned long long)runs[1].hash[k]);
			abort();
		}
	}
	return 0;
}
