/* SPDX-License-Identifier: MIT */
/*
 * syngen.c - the live benchmark's load generator and receiver
 * (tests/bench/syn.sh): TCP SYNs out at a paced rate, SYN-ACKs counted
 * and timed.  Linux only, root (CAP_NET_RAW); no libraries.
 *
 *   syngen -i IFACE -s SRCMAC -d DSTMAC [options]
 *
 *   -i IFACE     the interface to send on and listen to
 *   -s MAC       Ethernet source of the SYNs (the interface's own)
 *   -d MAC       Ethernet destination (the responder's interface)
 *   -S ADDR      first IPv4 source (198.51.100.101)
 *   -n N         source addresses ADDR, ADDR+1, ... (16)
 *   -D ADDR      IPv4 destination (198.51.100.10)
 *   -p PORT      TCP destination port (80)
 *   -r RATE      SYNs per second offered (100000)
 *   -t SECS      how long to send (2; at most 60)
 *   -c COUNT     at most COUNT SYNs (default RATE * SECS; at most 2^26)
 *   -b N         at most N SYNs per sendmmsg (32; at most 256)
 *   -w MS        after the last SYN, listen MS more milliseconds (200)
 *   -R CPU       receive in a second thread pinned to CPU (default: the
 *                sending thread drains the ring between batches)
 *
 * Sending: an AF_PACKET socket bound with protocol 0 (it receives
 * nothing) and PACKET_QDISC_BYPASS; frames built from a template, both
 * checksums computed.  SYN number i (from 0) carries sequence number
 * SEQ0 + i, comes from address ADDR + i % N and source port
 * 1024 + (i / N) % 64512, and has a Linux SYN's options (MSS 1460,
 * SACK-permitted, timestamps, NOP, window scale 7).  Pacing is per
 * batch: whenever the clock says more SYNs are due than were sent, up to
 * -b of them leave in one sendmmsg; otherwise the loop drains the
 * receive ring (a busy loop: pin it to a CPU of its own).  The send time
 * of frame k of a batch of n is interpolated between the clock read just
 * before and just after the sendmmsg: t0 + (t1 - t0) * (2k + 1) / 2n
 * (on veth, each frame is handed to the peer's backlog inside the call).
 *
 * Receiving: a second AF_PACKET socket with a TPACKET_V2 ring
 * (PACKET_RX_RING), bound to ETH_P_ALL so that it sees frames before any
 * netdev ingress hook drops them, with a classic BPF filter passing only
 * IPv4 TCP SYN-ACKs from the destination address and port, and
 * SO_TIMESTAMPNS set so that the kernel stamps each frame when it is
 * queued for receive processing (netif_rx), not later.  A SYN-ACK
 * answers SYN i when its acknowledgment number is SEQ0 + i + 1 and its
 * destination address and port are SYN i's source; the latency is its
 * kernel timestamp minus SYN i's send time (both CLOCK_REALTIME).
 *
 * A frame the kernel refuses (sendmmsg stops at it with ENOBUFS: on veth,
 * the responder CPU's backlog is full) counts as offered and lost, as on
 * a wire; the loop goes on at its pace.
 *
 * Output: one line on stdout of key=value figures: sent (SYNs offered,
 * refused ones included), secs (the sending time), offered_per_s,
 * answered (SYNs with at least one matching SYN-ACK), answered_per_s
 * (answered / secs), dup (further SYN-ACKs for an answered SYN), stray
 * (passed the filter, matched no SYN), p50_us p90_us p99_us max_us (the
 * latency; "-" with no answers), sendmmsg_calls, refused, send_fail
 * (other send errors), ring_drops (the receive ring overflowed: the
 * figures undercount) and clock_skew (answers stamped before their
 * interpolated send time, counted as 0 us).  Exit 0 whatever the figures
 * are; 1 when the sockets cannot be set up, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN (14 + 20 + 40)
#define BATCH_MAX 256
#define COUNT_MAX (1u << 26)
#define PORT_FIRST 1024
#define PORTS 64512u
#define SEQ0 1000000000u
#define RING_FRAME 256 /* bytes per ring slot: a SYN-ACK fits */
#define RING_BLOCK (1u << 16) /* bytes per ring block */
#define RING_BLOCKS 256 /* 16 MiB: 65,536 slots */
#define HIST_NS 50 /* latency histogram bucket */
#define HIST_N (2000000 / HIST_NS) /* up to 2 ms, then one overflow */

struct gen {
	/* Options. */
	const char *iface;
	uint8_t smac[6], dmac[6];
	uint32_t saddr, daddr; /* host order */
	unsigned naddr;
	uint16_t dport;
	uint64_t rate, count;
	double secs;
	unsigned batch, wait_ms;
	int rx_cpu;

	/* Sockets. */
	unsigned ifindex;
	int tx, rx;
	uint8_t *ring;
	unsigned ring_slots, ring_next;

	/* Per SYN i: send and first answer times, ns of CLOCK_REALTIME. */
	uint64_t *tx_ns, *rx_ns;

	/* Counters. */
	uint64_t sent, refused, send_fail, calls;
	uint64_t rx_frames, answered, dup, stray;
	atomic_int stop;
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t syn_saddr(const struct gen *g, uint64_t i)
{
	return g->saddr + (uint32_t)(i % g->naddr);
}

static uint16_t syn_sport(const struct gen *g, uint64_t i)
{
	return (uint16_t)(PORT_FIRST + i / g->naddr % PORTS);
}

/* Writes SYN number i into f (FRAME_LEN bytes). */
static void syn_build(const struct gen *g, uint8_t *f, uint64_t i)
{
	/* clang-format off */
	static const uint8_t tmpl[FRAME_LEN] = {
		/* Ethernet: addresses filled in */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
		/* IPv4: len 60, DF, ttl 64, proto 6 */
		0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
		0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
		/* TCP: dataofs 10, SYN, window 64240 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
		/* MSS 1460, SACK_PERM, TS, NOP, WS 7 */
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
	};
	/* clang-format on */
	uint8_t *ip = f + 14, *tcp = ip + 20;
	uint32_t s;

	memcpy(f, tmpl, FRAME_LEN);
	memcpy(f, g->dmac, 6);
	memcpy(f + 6, g->smac, 6);
	put16(ip + 4, (uint32_t)(i & 0xffff));
	put32(ip + 12, syn_saddr(g, i));
	put32(ip + 16, g->daddr);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, syn_sport(g, i));
	put16(tcp + 2, g->dport);
	put32(tcp + 4, SEQ0 + (uint32_t)i);
	put32(tcp + 28, (uint32_t)i); /* tsval */
	s = sum16(ip + 12, 8, 6 + 40); /* pseudo-header */
	put16(tcp + 16, fold(sum16(tcp, 40, s)));
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int i, n = 0;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%n", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &n) != 6 ||
	    s[n])
		return -1;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_ip4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *e;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || !*s || *e || *s == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int tx_open(struct gen *g)
{
	struct sockaddr_ll sll;
	int one = 1, sndbuf = 4 << 20;

	g->tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (g->tx < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)g->ifindex;
	if (bind(g->tx, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	setsockopt(g->tx, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(g->tx, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return 0;
}

static int rx_open(struct gen *g)
{
	/* IPv4, TCP, from daddr, not a fragment, from dport, SYN+ACK, no RST */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 12),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 10),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 26),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, g->daddr, 0, 8),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 6, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 14),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, g->dport, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 14 + 13),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x16),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, RING_FRAME),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };
	struct tpacket_req req;
	struct sockaddr_ll sll;
	int v2 = TPACKET_V2, one = 1;

	/* Protocol 0: nothing arrives before the filter and ring are set. */
	g->rx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (g->rx < 0)
		return -errno;
	if (setsockopt(g->rx, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0 ||
	    setsockopt(g->rx, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) < 0)
		return -errno;
	/* Best effort: the kernel stamps at netif_rx once anyone asks. */
	setsockopt(g->rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(g->rx, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		   sizeof(one));
	memset(&req, 0, sizeof(req));
	req.tp_block_size = RING_BLOCK;
	req.tp_block_nr = RING_BLOCKS;
	req.tp_frame_size = RING_FRAME;
	req.tp_frame_nr = RING_BLOCK / RING_FRAME * RING_BLOCKS;
	if (setsockopt(g->rx, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) <
	    0)
		return -errno;
	g->ring_slots = req.tp_frame_nr;
	g->ring = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, g->rx,
		       0);
	if (g->ring == MAP_FAILED) {
		g->ring = NULL;
		return -errno;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)g->ifindex;
	if (bind(g->rx, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

/* One frame the filter passed: count it against the SYN it answers. */
static void rx_frame(struct gen *g, const uint8_t *f, unsigned len, uint64_t ns)
{
	const uint8_t *ip = f + 14, *tcp;
	unsigned ihl;
	uint64_t i;

	g->rx_frames++;
	if (len < 14 + 20)
		goto stray;
	ihl = (ip[0] & 0xfu) * 4;
	if (ihl < 20 || len < 14 + ihl + 20)
		goto stray;
	tcp = ip + ihl;
	i = (uint32_t)(get32(tcp + 8) - 1 - SEQ0);
	if (i >= g->count || get32(ip + 16) != syn_saddr(g, i) ||
	    get16(tcp + 2) != syn_sport(g, i))
		goto stray;
	if (g->rx_ns[i]) {
		g->dup++;
		return;
	}
	g->rx_ns[i] = ns;
	g->answered++;
	return;
stray:
	g->stray++;
}

/* Takes every frame waiting in the ring; returns how many. */
static unsigned rx_drain(struct gen *g)
{
	unsigned n = 0;

	for (;;) {
		struct tpacket2_hdr *h =
			(void *)(g->ring + (size_t)g->ring_next * RING_FRAME);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (!(st & TP_STATUS_USER))
			return n;
		rx_frame(g, (const uint8_t *)h + h->tp_mac, h->tp_snaplen,
			 (uint64_t)h->tp_sec * 1000000000u + h->tp_nsec);
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		g->ring_next = (g->ring_next + 1) % g->ring_slots;
		n++;
	}
}

static void *rx_thread(void *arg)
{
	struct gen *g = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(g->rx_cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!atomic_load(&g->stop))
		rx_drain(g);
	rx_drain(g);
	return NULL;
}

/* Sends SYNs first .. first+n-1; returns how many the kernel took. */
static unsigned tx_batch(struct gen *g, uint64_t first, unsigned n)
{
	static uint8_t buf[BATCH_MAX][FRAME_LEN];
	struct mmsghdr m[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	uint64_t t0, t1;
	unsigned k;
	int rc;

	memset(m, 0, n * sizeof(m[0]));
	for (k = 0; k < n; k++) {
		syn_build(g, buf[k], first + k);
		iov[k].iov_base = buf[k];
		iov[k].iov_len = FRAME_LEN;
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	t0 = clock_ns(CLOCK_REALTIME);
	rc = sendmmsg(g->tx, m, n, 0);
	t1 = clock_ns(CLOCK_REALTIME);
	g->calls++;
	if (rc < 0 && errno != ENOBUFS && errno != EAGAIN) {
		g->send_fail++;
		return 0;
	}
	if (rc < 0)
		rc = 0;
	for (k = 0; k < (unsigned)rc; k++)
		g->tx_ns[first + k] =
			t0 + (t1 - t0) * (2 * k + 1) / (2 * (unsigned)rc);
	if ((unsigned)rc == n)
		return n;
	/*
	 * The frame after the last one taken was refused: on veth that is
	 * the peer's backlog full (netdev_max_backlog), the responder not
	 * keeping up.  It was offered; it is dropped, as a wire would.
	 */
	g->refused++;
	return (unsigned)rc + 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The latency at quantile q from the histogram, in microseconds. */
static double hist_q(const uint32_t *hist, uint64_t total, double q,
		     const uint64_t *over, uint64_t n_over)
{
	uint64_t want = (uint64_t)(q * (double)(total - 1)), seen = 0;
	unsigned b;

	for (b = 0; b < HIST_N; b++) {
		if (seen + hist[b] > want)
			return (b + 0.5) * HIST_NS / 1000.0;
		seen += hist[b];
	}
	return over[want - seen < n_over ? want - seen : n_over - 1] / 1000.0;
}

static void report(struct gen *g, uint64_t send_ns)
{
	uint32_t *hist = calloc(HIST_N, sizeof(*hist));
	uint64_t *over = NULL, n_over = 0, n = 0, i, maxv = 0, neg = 0;
	double secs = send_ns / 1e9;
	struct tpacket_stats ps = { 0 };
	socklen_t pl = sizeof(ps);

	over = malloc(sizeof(*over) * (g->answered + 1));
	if (!hist || !over) {
		fputs("syngen: out of memory\n", stderr);
		exit(1);
	}
	for (i = 0; i < g->sent; i++) {
		uint64_t d;

		if (!g->rx_ns[i])
			continue;
		/* Interpolation can put a send a hair after its answer. */
		if (g->rx_ns[i] < g->tx_ns[i]) {
			neg++;
			d = 0;
		} else {
			d = g->rx_ns[i] - g->tx_ns[i];
		}
		if (d > maxv)
			maxv = d;
		if (d / HIST_NS < HIST_N)
			hist[d / HIST_NS]++;
		else
			over[n_over++] = d;
		n++;
	}
	qsort(over, n_over, sizeof(*over), cmp_u64);
	getsockopt(g->rx, SOL_PACKET, PACKET_STATISTICS, &ps, &pl);
	printf("sent=%llu secs=%.3f offered_per_s=%.0f answered=%llu "
	       "answered_per_s=%.0f dup=%llu stray=%llu",
	       (unsigned long long)g->sent, secs, g->sent / secs,
	       (unsigned long long)g->answered, g->answered / secs,
	       (unsigned long long)g->dup, (unsigned long long)g->stray);
	if (n)
		printf(" p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f",
		       hist_q(hist, n, 0.50, over, n_over),
		       hist_q(hist, n, 0.90, over, n_over),
		       hist_q(hist, n, 0.99, over, n_over), maxv / 1000.0);
	else
		printf(" p50_us=- p90_us=- p99_us=- max_us=-");
	printf(" sendmmsg_calls=%llu refused=%llu send_fail=%llu "
	       "ring_drops=%u clock_skew=%llu\n",
	       (unsigned long long)g->calls, (unsigned long long)g->refused,
	       (unsigned long long)g->send_fail, ps.tp_drops,
	       (unsigned long long)neg);
	free(hist);
	free(over);
}

static int usage(void)
{
	fputs("usage: syngen -i IFACE -s SRCMAC -d DSTMAC [-S ADDR] [-n N] "
	      "[-D ADDR] [-p PORT]\n"
	      "              [-r RATE] [-t SECS] [-c COUNT] [-b BATCH] "
	      "[-w MS] [-R CPU]\n",
	      stderr);
	return 2;
}

int main(int argc, char *argv[])
{
	static struct gen g;
	uint64_t v, t_start, t_end, now, due, n;
	pthread_t th;
	int c, rc;
	bool have_s = false, have_d = false, have_c = false;

	g.saddr = 0xc6336465; /* 198.51.100.101 */
	g.naddr = 16;
	g.daddr = 0xc633640a; /* 198.51.100.10 */
	g.dport = 80;
	g.rate = 100000;
	g.secs = 2;
	g.batch = 32;
	g.wait_ms = 200;
	g.rx_cpu = -1;
	while ((c = getopt(argc, argv, "i:s:d:S:n:D:p:r:t:c:b:w:R:")) != -1) {
		switch (c) {
		case 'i':
			g.iface = optarg;
			break;
		case 's':
			if (parse_mac(optarg, g.smac) < 0)
				return usage();
			have_s = true;
			break;
		case 'd':
			if (parse_mac(optarg, g.dmac) < 0)
				return usage();
			have_d = true;
			break;
		case 'S':
			if (parse_ip4(optarg, &g.saddr) < 0)
				return usage();
			break;
		case 'n':
			if (parse_u64(optarg, 65536, &v) < 0 || !v)
				return usage();
			g.naddr = (unsigned)v;
			break;
		case 'D':
			if (parse_ip4(optarg, &g.daddr) < 0)
				return usage();
			break;
		case 'p':
			if (parse_u64(optarg, 65535, &v) < 0 || !v)
				return usage();
			g.dport = (uint16_t)v;
			break;
		case 'r':
			if (parse_u64(optarg, 100000000, &v) < 0 || !v)
				return usage();
			g.rate = v;
			break;
		case 't':
			if (parse_u64(optarg, 60000, &v) < 0 || !v)
				return usage();
			g.secs = (double)v;
			break;
		case 'c':
			if (parse_u64(optarg, COUNT_MAX, &v) < 0 || !v)
				return usage();
			g.count = v;
			have_c = true;
			break;
		case 'b':
			if (parse_u64(optarg, BATCH_MAX, &v) < 0 || !v)
				return usage();
			g.batch = (unsigned)v;
			break;
		case 'w':
			if (parse_u64(optarg, 10000, &v) < 0)
				return usage();
			g.wait_ms = (unsigned)v;
			break;
		case 'R':
			if (parse_u64(optarg, CPU_SETSIZE - 1, &v) < 0)
				return usage();
			g.rx_cpu = (int)v;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || !g.iface || !have_s || !have_d || g.secs > 60)
		return usage();
	if (!have_c) {
		v = (uint64_t)((double)g.rate * g.secs);
		g.count = v > COUNT_MAX ? COUNT_MAX : v;
	}
	g.ifindex = if_nametoindex(g.iface);
	if (!g.ifindex) {
		fprintf(stderr, "syngen: no interface %s\n", g.iface);
		return 1;
	}
	/* Touch every page now, not during the run. */
	g.tx_ns = malloc(g.count * sizeof(*g.tx_ns));
	g.rx_ns = malloc(g.count * sizeof(*g.rx_ns));
	if (!g.tx_ns || !g.rx_ns) {
		fputs("syngen: out of memory\n", stderr);
		return 1;
	}
	memset(g.tx_ns, 0, g.count * sizeof(*g.tx_ns));
	memset(g.rx_ns, 0, g.count * sizeof(*g.rx_ns));
	rc = tx_open(&g);
	if (rc == 0)
		rc = rx_open(&g);
	if (rc < 0) {
		fprintf(stderr, "syngen: AF_PACKET on %s: %s\n", g.iface,
			strerror(-rc));
		return 1;
	}
	if (g.rx_cpu >= 0 && pthread_create(&th, NULL, rx_thread, &g) != 0) {
		fputs("syngen: cannot start the receive thread\n", stderr);
		return 1;
	}

	t_start = clock_ns(CLOCK_MONOTONIC);
	t_end = t_start + (uint64_t)(g.secs * 1e9);
	while (g.sent < g.count) {
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= t_end)
			break;
		due = (uint64_t)((double)(now - t_start) * g.rate / 1e9);
		if (due > g.count)
			due = g.count;
		if (due > g.sent) {
			n = due - g.sent < g.batch ? due - g.sent : g.batch;
			g.sent += tx_batch(&g, g.sent, (unsigned)n);
		}
		if (g.rx_cpu < 0)
			rx_drain(&g);
	}
	now = clock_ns(CLOCK_MONOTONIC);
	/* The sending window: a short run ends when the count is out. */
	t_end = now;
	while (clock_ns(CLOCK_MONOTONIC) < now + g.wait_ms * 1000000ull) {
		if (g.rx_cpu < 0 && !rx_drain(&g)) {
			struct pollfd p = { g.rx, POLLIN, 0 };

			poll(&p, 1, 1);
		} else if (g.rx_cpu >= 0) {
			usleep(1000);
		}
	}
	if (g.rx_cpu >= 0) {
		atomic_store(&g.stop, 1);
		pthread_join(th, NULL);
	} else {
		rx_drain(&g);
	}
	report(&g, t_end - t_start);
	return 0;
}
