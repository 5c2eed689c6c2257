/* SPDX-License-Identifier: MIT */
/*
 * test_nomem.c - allocation failure at every point, and failing sends.
 *
 * This test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
 * and --wrap=sendmmsg (see the Makefile): every allocation riposte's own
 * code makes goes through __wrap_malloc() below, which fails the one
 * numbered fail_at.  Under `make SAN=1 unit` AddressSanitizer and
 * LeakSanitizer watch every run, so "no crash, no leak" is checked, not
 * assumed.
 *
 *   1. A rule file compiled with allocation k failing, for every k the
 *      compile makes: it compiles, or fails with nothing left behind.
 *   2. A conversation run through the engine (services that banner, echo,
 *      answer a trigger with a big response, data out of order) with
 *      allocation k of the engine's failing, for every k it makes: no
 *      crash, the failure counted (e->nomem), the flow reset or the data
 *      left unacknowledged, everything freed by engine_cleanup().
 *   3. Sends that fail (ENOBUFS, EIO, EINTR) on a socket pair: every frame
 *      is counted as sent, dropped for a full queue, or an error, and the
 *      call returns (waiting at most its few milliseconds).
 */
#include <errno.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "io/live.h"
#include "lang/diag.h"
#include "lang/parse.h"

/* --- The allocator and sendmmsg, wrapped ----------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
int __real_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
int __wrap_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags);

static long n_allocs; /* allocations since counting began */
static long fail_at = -1; /* the one that fails; -1 none */

static bool fails(void)
{
	return n_allocs++ == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fails() ? NULL : __real_realloc(p, n);
}

/* sendmmsg: the errno of each call in turn from send_errs, 0 = pass. */
static const int *send_errs;
static size_t n_send_errs, send_call;

int __wrap_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	if (send_call < n_send_errs && send_errs[send_call++]) {
		errno = send_errs[send_call - 1];
		return -1;
	}
	/* One frame a call while failures are scripted: each meets one. */
	return __real_sendmmsg(fd, m, send_call < n_send_errs ? 1 : n, flags);
}

/* --- 1. The compiler ------------------------------------------------------------ */

static const char rules_text[] =
	"set seed 3\n"
	"rule syn { match \"tcp[tcpflags] == tcp-syn and tcp dst port 9\";"
	" reply Ether()/IP(ttl=ip.ttl)/TCP(flags=\"SA\", ack=tcp.seq + 1,"
	" options=[(\"MSS\", 1460), (\"NOP\", None), (\"WScale\", 7)]) }\n"
	"host 198.51.100.10 {\n"
	"    mac 02:00:00:00:00:0a\n"
	"    personality linux\n"
	"    tcp 22 open { banner \"SSH-2.0-test\\r\\n\" }\n"
	"    tcp 7 open { on any { echo } }\n"
	"    tcp 80 open {\n"
	"        on /^GET [^\\r\\n]*\\r\\n/ { send \"HTTP/1.0 200 OK\\r\\n\\r\\n\";"
	" send hex \"00 01 02 03\"; close }\n"
	"        on \"QUIT\" { reset }\n"
	"    }\n"
	"    udp 53 open { reply \"dns\" }\n"
	"}\n";

/* rules_text, and n more template rules: more of the arena's blocks. */
static char *more_rules(unsigned n)
{
	size_t cap = sizeof(rules_text) + (size_t)n * 200, len;
	char *t = __real_malloc(cap);
	unsigned i;

	assert_non_null(t);
	memcpy(t, rules_text, sizeof(rules_text));
	len = sizeof(rules_text) - 1;
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(
			t + len, cap - len,
			"rule r%u { match \"udp dst port %u\"; reply Ether()/"
			"IP(id=ip.id + %u)/UDP()/Raw(load=\"%u\") }\n",
			i, 10000 + i, i, i);
	return t;
}

/* Parses and compiles text; the rule set, or NULL (nothing left). */
static struct ruleset *compile_text(const char *text)
{
	struct arena a;
	struct diag d;
	struct ast_file f;
	struct ruleset *rs = NULL;

	arena_init(&a, 0);
	diag_init(&d, "t.rules");
	memset(&f, 0, sizeof(f));
	if (lang_parse(&a, &d, text, strlen(text), &f) == 0) {
		f.path = "t.rules";
		ruleset_compile(&f, &d, &rs);
	}
	if (rs)
		rs->ast_arena = a; /* the rule set frees it */
	else
		arena_cleanup(&a);
	diag_cleanup(&d);
	return rs;
}

static struct ruleset *compile(void)
{
	return compile_text(rules_text);
}

static void test_compile(void **state)
{
	char *text = more_rules(400);
	struct ruleset *rs;
	long total, k, ok = 0;

	(void)state;
	fail_at = -1;
	n_allocs = 0;
	rs = compile_text(text);
	assert_non_null(rs);
	ruleset_free(rs);
	total = n_allocs; /* the arena's blocks, and what lies outside it */
	assert_true(total > 0);
	for (k = 0; k < total; k++) {
		n_allocs = 0;
		fail_at = k;
		rs = compile_text(text);
		ok += rs != NULL;
		ruleset_free(rs);
	}
	fail_at = -1;
	free(text);
	print_message("compile: %ld allocations, each failed in turn: "
		      "%ld runs still compiled, %ld refused cleanly\n",
		      total, ok, total - ok);
}

/* --- 2. The engine ---------------------------------------------------------------- */

#define T0 1700000000000000ull
#define CLIENT_ISN 1000u

struct conv {
	struct engine *e;
	struct engine_result res;
	uint64_t t;
	uint32_t seq, ack; /* the client's next seq, what it acknowledges */
	uint16_t sport, dport;
	unsigned replies, resets;
};

/* One client segment to 198.51.100.10; the replies are read back. */
static void send_seg(struct conv *c, uint16_t flags, uint32_t seq,
		     const char *data)
{
	uint8_t frame[512], opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7 };
	struct pkt p, r;
	int n;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.has = PKT_L_ETH | PKT_L_IP | PKT_L_TCP;
	memcpy(p.eth.dst, "\x02\0\0\0\0\x0a", 6);
	memcpy(p.eth.src, "\x02\0\0\0\0\x01", 6);
	p.eth.type = PKT_ETHERTYPE_IP;
	p.ip.version = 4;
	p.ip.ttl = 64;
	p.ip.proto = PKT_PROTO_TCP;
	memcpy(p.ip.src, "\xc6\x33\x64\x01", 4);
	memcpy(p.ip.dst, "\xc6\x33\x64\x0a", 4);
	p.tcp.sport = c->sport;
	p.tcp.dport = c->dport;
	p.tcp.seq = seq;
	p.tcp.ack = c->ack;
	p.tcp.flags = flags;
	p.tcp.window = 65535;
	if (flags & PKT_TCP_SYN) {
		/* MSS, SACK-permitted, NOP, window scale */
		pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_MSS, opts + 2, 2);
		pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_SACKOK, NULL, 0);
		pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_NOP, NULL, 0);
		pkt_tcp_opt_add(&p.tcp, PKT_TCPOPT_WSCALE, opts + 9, 1);
	}
	if (data) {
		p.has |= PKT_L_RAW;
		p.payload.p = (const uint8_t *)data;
		p.payload.len = strlen(data);
	}
	n = pkt_build(&p, frame, sizeof(frame));
	assert_true(n > 0);
	c->t += 1000;
	engine_handle(c->e, frame, (size_t)n, (size_t)n, c->t, &c->res);
	for (i = 0; i < c->res.n; i++) {
		pkt_parse(&r, c->res.frame[i], c->res.len[i]);
		assert_int_equal(r.verdict, PKT_OK);
		c->replies++;
		if (r.tcp.flags & PKT_TCP_RST)
			c->resets++;
		if ((r.tcp.flags & (PKT_TCP_SYN | PKT_TCP_ACK)) ==
		    (PKT_TCP_SYN | PKT_TCP_ACK))
			c->ack = r.tcp.seq + 1;
		else if (r.payload.len && r.tcp.seq == c->ack)
			c->ack += (uint32_t)r.payload.len;
	}
}

/* A whole conversation with the services above; timers run after it. */
static void converse(struct engine *e)
{
	struct conv c = { .e = e, .t = T0 };
	uint16_t port[] = { 22, 7, 80, 80 };
	unsigned i;

	for (i = 0; i < 4; i++) {
		c.sport = (uint16_t)(41000 + i);
		c.dport = port[i];
		c.ack = 0;
		c.seq = CLIENT_ISN;
		send_seg(&c, PKT_TCP_SYN, c.seq, NULL);
		c.seq++;
		send_seg(&c, PKT_TCP_ACK, c.seq, NULL);
		if (port[i] == 7) {
			/* Out of order first, then the hole, then more. */
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq + 6,
				 "world\n");
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq,
				 "hello ");
			c.seq += 12;
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq,
				 "again\n");
			c.seq += 6;
		} else if (port[i] == 80 && i == 2) {
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq,
				 "GET / HTTP/1.0\r\n\r\n");
			c.seq += 18;
		} else if (port[i] == 80) {
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq, "QU");
			send_seg(&c, PKT_TCP_ACK | PKT_TCP_PSH, c.seq + 2,
				 "IT");
			c.seq += 4;
		}
		send_seg(&c, PKT_TCP_ACK, c.seq, NULL);
		send_seg(&c, PKT_TCP_ACK | PKT_TCP_FIN, c.seq, NULL);
	}
	/* The timers: retransmissions of what was not acknowledged. */
	for (i = 0; i < 20; i++)
		while (engine_tick(e, c.t + (uint64_t)i * 500000u, &c.res))
			;
	/* A dangling UDP question and a SYN to the template rule. */
	c.sport = 53000;
	c.dport = 9;
	send_seg(&c, PKT_TCP_SYN, 77, NULL);
}

static void test_engine(void **state)
{
	static struct engine e;
	struct ruleset *rs;
	long total, k, counted = 0, base;

	(void)state;
	fail_at = -1;
	rs = compile();
	assert_non_null(rs);
	n_allocs = 0;
	assert_int_equal(engine_init(&e, rs, 3), 0);
	base = n_allocs; /* engine_init's own: tested as allocations too */
	converse(&e);
	assert_int_equal(e.nomem, 0);
	assert_true(e.flows_created >= 4);
	engine_cleanup(&e);
	total = n_allocs - base;
	assert_true(total > 0);
	for (k = 0; k < base + total; k++) {
		n_allocs = 0;
		fail_at = k;
		if (engine_init(&e, rs, 3) < 0) {
			/* Nothing to run: init failed cleanly. */
			assert_true(k < base);
			continue;
		}
		converse(&e);
		fail_at = -1;
		if (k >= base) {
			/* A failure in the conversation is counted. */
			if (!e.nomem)
				fail_msg("allocation %ld failed, nothing "
					 "counted",
					 k);
			counted++;
		}
		engine_cleanup(&e);
	}
	fail_at = -1;
	ruleset_free(rs);
	print_message("engine: %ld allocations at start-up and %ld in the "
		      "conversation, each failed in turn: %ld counted as out "
		      "of memory\n",
		      base, total, counted);
}

/* --- 3. Sends that fail ------------------------------------------------------------- */

static void test_sends(void **state)
{
	static const int errs[] = { ENOBUFS, 0,	      EIO,     EINTR,
				    0,	     ENOBUFS, ENOBUFS, ENOBUFS,
				    ENOBUFS, ENOBUFS, ENOBUFS, 0 };
	struct io_live_stats st;
	struct iovec iov[10];
	char buf[10][16];
	int sv[2];
	unsigned i;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	for (i = 0; i < 10; i++) {
		memset(buf[i], 'a' + (int)i, sizeof(buf[i]));
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
	}
	memset(&st, 0, sizeof(st));
	send_errs = errs;
	n_send_errs = sizeof(errs) / sizeof(errs[0]);
	send_call = 0;
	io_send_batch(sv[0], &st, iov, 10);
	send_errs = NULL;
	n_send_errs = 0;
	/* Every frame is accounted for, once. */
	assert_int_equal(st.sent + st.send_again + st.send_errors, 10);
	assert_true(st.send_errors >= 1); /* the EIO */
	assert_true(st.send_again >= 1); /* ENOBUFS past the waits */
	print_message("sends: 10 frames, %llu sent, %llu dropped (queue "
		      "full), %llu errors\n",
		      (unsigned long long)st.sent,
		      (unsigned long long)st.send_again,
		      (unsigned long long)st.send_errors);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_sends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
