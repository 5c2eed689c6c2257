/* SPDX-License-Identifier: MIT */
/*
 * xdpsyn.c - SYN responder prototypes for tests/bench/syn.sh's "cmd"
 * mode: how fast can this machine answer SYNs when the frames never go
 * through AF_PACKET?  Research code beside riposte, not part of it (see
 * README.md in this folder for the figures and what they mean).
 *
 *   xdpsyn -i IFACE [--mode xsk|tx] [--xdp native|generic] [options]
 *
 * --mode xsk (default): an AF_XDP responder.  syn_xdp.bpf.c's
 *   xdp_syn_xsk on IFACE hands TCP SYNs for ADDR:PORT to one AF_XDP
 *   socket (queue 0, copy mode: veth has no zero-copy); this loop turns
 *   each SYN into synack.h's SYN-ACK in place in the UMEM frame it came
 *   in and puts that same frame on the TX ring, a batch at a time, then
 *   one sendto() sends the batch (copy mode always needs the kick; with
 *   need_wakeup the fill ring needs none).  Frames cycle
 *   fill -> rx -> tx -> completion -> fill; the UMEM is this process's.
 *   It spins (never sleeps) while frames come, and with --sleep-after US
 *   sleeps in poll() after US microseconds without any.
 *     --busy-poll    (native only) SO_PREFER_BUSY_POLL, SO_BUSY_POLL and
 *                    SO_BUSY_POLL_BUDGET on the socket, and IFACE's
 *                    napi_defer_hard_irqs=2, gro_flush_timeout=200 us:
 *                    meant to make this process's recvfrom()/sendto()
 *                    run IFACE's NAPI on its own CPU.  Measured on 6.18:
 *                    a copy-mode socket never learns a NAPI id (the
 *                    counters line prints it), so nothing is polled and
 *                    the deferral only delays frames (README.md).
 * --mode tx: xdp_syn_tx answers in the XDP program (XDP_TX); this
 *   process only attaches it and waits.
 *
 * --xdp native: the driver hook (veth's own NAPI; for XDP_TX and
 *   redirects INTO a veth the peer must have NAPI too: --peer gro|xdp).
 * --xdp generic: the skb hook, after RPS, on the CPU the backlog runs.
 *
 * Other options:
 *   --napi-thread  threaded NAPI on IFACE, its kthread pinned to this
 *                  process's CPUs (native mode: else the NAPI runs in
 *                  softirq on whichever CPU sent the frame into veth)
 *   --napi-fifo P  and that kthread SCHED_FIFO at priority P (it then
 *                  always runs before this loop on their shared CPU)
 *   --peer-netns NS, --peer-if NAME (gen0), --peer gro|xdp|none: give
 *                  the veth peer NAPI (GRO on, or an XDP_PASS program);
 *                  undone at exit
 *   --addr A (198.51.100.10) --port P (80) --seed N (1)
 *   --batch N (64), --frames N (4096), --tx-budget N (XDP_MAX_TX_SKB_
 *                  BUDGET, kernel >= 6.17; 0 leaves the kernel's 32)
 *   --obj PATH     the BPF object (default: syn_xdp.bpf.o beside this
 *                  binary)
 *   --label NAME   printed in the counter lines (which variant this is)
 *
 * Prints "answering on IFACE ..." when ready (syn.sh waits for it) and,
 * at SIGINT/SIGTERM, two lines of counters.  The XDP program is attached
 * through a BPF link: the kernel detaches it when this process ends, even
 * on SIGKILL (the same contract as riposte's owner nftables table).
 * Needs CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF (root).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "synack.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

#define FRAME_SIZE 2048u
#define BATCH_MAX 256u

struct opts {
	const char *iface, *peer_netns, *peer_if, *peer, *obj, *label;
	bool tx_mode, generic, busy_poll, napi_thread;
	int napi_prio; /* SCHED_FIFO priority of the NAPI kthread; 0: leave */
	unsigned batch, frames, tx_budget, sleep_after_us;
	uint32_t addr, seed; /* addr in network order */
	uint16_t port; /* network order */
};

struct stats {
	uint64_t rx, tx, bad, tx_full, kicks, kick_err, polls, sleeps;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- the SYN-ACK, built in place ----------------------------------- */

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

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

/* One's complement sum of n bytes (n even) as big-endian words. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	return s;
}

/*
 * Turns the SYN in f[0..len) into synack.h's SYN-ACK in place (room
 * bytes are writable from f).  Returns the SYN-ACK's length, or 0 when
 * the frame is not an IPv4 TCP SYN to o->addr:o->port (it is then left
 * as it was).  Every read is checked against len: the frame is untrusted.
 */
static unsigned synack_build(uint8_t *f, unsigned len, unsigned room,
			     const struct opts *o)
{
	uint8_t *ip = f + SYNACK_ETH_LEN, *tcp, mac[12];
	uint32_t ihl, tot, seq, saddr_raw, daddr_raw, isn, s;
	uint16_t sport_raw, dport_raw;

	if (len < SYNACK_ETH_LEN + 20 + 20 || room < SYNACK_FRAME_LEN ||
	    get16(f + 12) != 0x0800 || ip[0] >> 4 != 4)
		return 0;
	ihl = (ip[0] & 0xfu) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || tot < ihl + 20 || SYNACK_ETH_LEN + tot > len ||
	    ip[9] != 6 || (get16(ip + 6) & 0x3fff))
		return 0;
	memcpy(&daddr_raw, ip + 16, 4);
	if (daddr_raw != o->addr)
		return 0;
	tcp = ip + ihl;
	memcpy(&dport_raw, tcp + 2, 2);
	if (dport_raw != o->port ||
	    (tcp[13] & (TCPF_SYN_ | TCPF_ACK_ | TCPF_RST_ | TCPF_FIN_)) !=
		    TCPF_SYN_)
		return 0;
	memcpy(&saddr_raw, ip + 12, 4);
	memcpy(&sport_raw, tcp, 2);
	seq = get32(tcp + 4);
	isn = synack_isn(saddr_raw, daddr_raw,
			 (uint32_t)sport_raw << 16 | dport_raw, o->seed);

	memcpy(mac, f, 12);
	memcpy(f, mac + 6, 6);
	memcpy(f + 6, mac, 6);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, SYNACK_IP_LEN + SYNACK_TCP_LEN);
	put16(ip + 4, 0);
	put16(ip + 6, 0x4000);
	ip[8] = SYNACK_TTL;
	ip[9] = 6;
	put16(ip + 10, 0);
	memcpy(ip + 12, &daddr_raw, 4);
	memcpy(ip + 16, &saddr_raw, 4);
	put16(ip + 10, synack_fold(sum16(ip, SYNACK_IP_LEN, 0)));

	tcp = ip + SYNACK_IP_LEN; /* the IP options, if any, are gone */
	memcpy(tcp, &dport_raw, 2);
	memcpy(tcp + 2, &sport_raw, 2);
	put32(tcp + 4, isn);
	put32(tcp + 8, seq + 1);
	tcp[12] = (SYNACK_TCP_LEN / 4) << 4;
	tcp[13] = TCPF_SYN_ | TCPF_ACK_;
	put16(tcp + 14, SYNACK_WINDOW);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	tcp[20] = 2;
	tcp[21] = 4;
	put16(tcp + 22, SYNACK_MSS);
	s = sum16(ip + 12, 8, 6 + SYNACK_TCP_LEN); /* pseudo-header */
	put16(tcp + 16, synack_fold(sum16(tcp, SYNACK_TCP_LEN, s)));
	return SYNACK_FRAME_LEN;
}

/* ---- small system helpers ------------------------------------------ */

static int write_sysfs(const char *iface, const char *attr, const char *val,
		       char *old, size_t oldlen)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", iface, attr);
	if (old) {
		fp = fopen(path, "r");
		old[0] = 0;
		if (fp) {
			if (!fgets(old, (int)oldlen, fp))
				old[0] = 0;
			old[strcspn(old, "\n")] = 0;
			fclose(fp);
		}
	}
	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	if (fputs(val, fp) < 0 || fclose(fp) != 0)
		return -EIO;
	return 0;
}

/* PIDs of kthreads named "napi/IFACE-*" into pids[]; returns the count. */
static unsigned napi_threads(const char *iface, int *pids, unsigned max)
{
	char want[64], path[300], comm[64];
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir("/proc");
	FILE *fp;

	if (!d)
		return 0;
	snprintf(want, sizeof(want), "napi/%s-", iface);
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (fgets(comm, sizeof(comm), fp) &&
		    !strncmp(comm, want, strlen(want)))
			pids[n++] = atoi(de->d_name);
		fclose(fp);
	}
	closedir(d);
	return n;
}

static bool in_list(int v, const int *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

/* ---- the veth peer: NAPI so that it takes XDP frames ----------------- */

struct peer {
	int sock; /* an AF_INET socket in the peer's namespace (GRO) */
	char ifname[IFNAMSIZ];
	uint32_t old_gro;
	int link; /* BPF link of xdp_pass on the peer */
};

static int peer_setup(struct peer *p, const struct opts *o, int pass_fd)
{
	char path[256];
	int self, ns, rc = 0, idx;

	p->sock = p->link = -1;
	if (!o->peer_netns || !strcmp(o->peer, "none"))
		return 0;
	snprintf(path, sizeof(path), "/var/run/netns/%s", o->peer_netns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		rc = -errno;
		fprintf(stderr, "xdpsyn: peer namespace %s: %s\n",
			o->peer_netns, strerror(errno));
		goto out;
	}
	idx = (int)if_nametoindex(o->peer_if);
	if (!idx) {
		rc = -ENODEV;
		fprintf(stderr, "xdpsyn: no %s in %s\n", o->peer_if,
			o->peer_netns);
	} else if (!strcmp(o->peer, "gro")) {
		struct ethtool_value ev = { ETHTOOL_GGRO, 0 };
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->peer_if);
		ifr.ifr_data = (void *)&ev;
		p->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (p->sock < 0 || ioctl(p->sock, SIOCETHTOOL, &ifr) < 0) {
			rc = -errno;
		} else {
			p->old_gro = ev.data;
			ev.cmd = ETHTOOL_SGRO;
			ev.data = 1;
			if (ioctl(p->sock, SIOCETHTOOL, &ifr) < 0)
				rc = -errno;
		}
		snprintf(p->ifname, sizeof(p->ifname), "%s", o->peer_if);
		if (rc)
			fprintf(stderr, "xdpsyn: GRO on %s: %s\n", o->peer_if,
				strerror(-rc));
	} else {
		LIBBPF_OPTS(bpf_link_create_opts, lo,
			    .flags = XDP_FLAGS_DRV_MODE);

		p->link = bpf_link_create(pass_fd, idx, BPF_XDP, &lo);
		if (p->link < 0) {
			rc = -errno;
			fprintf(stderr, "xdpsyn: xdp_pass on %s: %s\n",
				o->peer_if, strerror(errno));
		}
	}
	if (setns(self, CLONE_NEWNET) < 0) {
		fprintf(stderr, "xdpsyn: back to own namespace: %s\n",
			strerror(errno));
		exit(1);
	}
out:
	if (self >= 0)
		close(self);
	if (ns >= 0)
		close(ns);
	return rc;
}

static void peer_cleanup(struct peer *p)
{
	if (p->sock >= 0) {
		struct ethtool_value ev = { ETHTOOL_SGRO, p->old_gro };
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
		ifr.ifr_data = (void *)&ev;
		ioctl(p->sock, SIOCETHTOOL, &ifr);
		close(p->sock);
	}
	if (p->link >= 0)
		close(p->link);
}

/* ---- BPF object ------------------------------------------------------ */

/* Sets the read-only global NAME of the object before it is loaded. */
static int set_rodata(struct bpf_object *obj, const char *name, const void *val,
		      size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	struct bpf_map *map;
	size_t msize;
	uint8_t *data = NULL;
	int id, i;

	bpf_object__for_each_map(map, obj)
	{
		const char *mn = bpf_map__name(map);
		size_t l = strlen(mn);

		if (l >= 7 && !strcmp(mn + l - 7, ".rodata"))
			data = (uint8_t *)(uintptr_t)bpf_map__initial_value(
				map, &msize);
	}
	if (!btf || !data)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return id;
	t = btf__type_by_id(btf, (uint32_t)id);
	vs = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), name))
			continue;
		if (vs->size != size || vs->offset + size > msize)
			return -EINVAL;
		memcpy(data + vs->offset, val, size);
		return 0;
	}
	return -ENOENT;
}

static void print_xdp_counters(struct bpf_object *obj, const char *label)
{
	static const char *names[SYNACK_CNT__MAX] = { "seen",	    "syn",
						      "redirected", "xdp_tx",
						      "passed",	    "errors" };
	int fd = bpf_object__find_map_fd_by_name(obj, "counters");
	int ncpu = libbpf_num_possible_cpus(), c;
	uint64_t vals[256];
	uint32_t k;

	if (fd < 0 || ncpu <= 0 || ncpu > 256)
		return;
	printf("xdpsyn %s: xdp program:", label);
	for (k = 0; k < SYNACK_CNT__MAX; k++) {
		uint64_t tot = 0;

		if (bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		for (c = 0; c < ncpu; c++)
			tot += vals[c];
		printf(" %s %llu", names[k], (unsigned long long)tot);
	}
	printf("\n");
}

/* ---- AF_XDP ---------------------------------------------------------- */

struct xsk {
	void *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	int fd;
	unsigned outstanding; /* frames on the TX ring, not completed */
	bool unsent; /* descriptors on the TX ring the kernel has not taken */
};

static int xsk_open(struct xsk *x, const struct opts *o)
{
	struct xsk_umem_config uc = {
		.fill_size = o->frames,
		.comp_size = o->frames,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct xsk_socket_config sc = {
		.rx_size = o->frames / 2,
		.tx_size = o->frames / 2,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	uint32_t idx = 0, i;
	int rc;

	x->area_len = (size_t)o->frames * FRAME_SIZE;
	x->area = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->area == MAP_FAILED)
		return -errno;
	rc = xsk_umem__create(&x->umem, x->area, x->area_len, &x->fq, &x->cq,
			      &uc);
	if (rc)
		return rc;
	/*
	 * A socket closed a moment ago (the previous responder) may still
	 * hold the queue: the kernel frees it after a grace period.
	 */
	for (i = 0; i < 50; i++) {
		rc = xsk_socket__create(&x->sock, o->iface, 0, x->umem, &x->rx,
					&x->tx, &sc);
		if (rc != -EBUSY)
			break;
		usleep(100000);
	}
	if (rc)
		return rc;
	x->fd = xsk_socket__fd(x->sock);
	/* Every frame starts in the fill ring: the kernel copies SYNs in. */
	if (xsk_ring_prod__reserve(&x->fq, o->frames, &idx) != o->frames)
		return -ENOSPC;
	for (i = 0; i < o->frames; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) =
			(uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&x->fq, o->frames);
	return 0;
}

static int xsk_tune(struct xsk *x, const struct opts *o)
{
	int one = 1, usecs = 20, budget = (int)o->batch;

	if (o->tx_budget) {
		unsigned b = o->tx_budget;

		if (setsockopt(x->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &b,
			       sizeof(b)) < 0)
			fprintf(stderr,
				"xdpsyn: XDP_MAX_TX_SKB_BUDGET %u: %s "
				"(kernel < 6.17? 32 a sendto)\n",
				b, strerror(errno));
	}
	if (!o->busy_poll)
		return 0;
	if (setsockopt(x->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(x->fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, sizeof(usecs)) <
		    0 ||
	    setsockopt(x->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget,
		       sizeof(budget)) < 0) {
		fprintf(stderr, "xdpsyn: busy-poll options: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* Completed TX frames go straight back to the fill ring. */
static void recycle(struct xsk *x)
{
	uint32_t ic = 0, iff = 0, n, i;

	n = xsk_ring_cons__peek(&x->cq, BATCH_MAX * 4, &ic);
	if (!n)
		return;
	/* The fill ring holds every frame, so there is always room. */
	while (xsk_ring_prod__reserve(&x->fq, n, &iff) != n)
		;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fq, iff + i) =
			*xsk_ring_cons__comp_addr(&x->cq, ic + i);
	xsk_ring_prod__submit(&x->fq, n);
	xsk_ring_cons__release(&x->cq, n);
	x->outstanding -= n;
}

/* Answers up to o->batch SYNs from the RX ring; returns how many came. */
static unsigned rx_batch(struct xsk *x, const struct opts *o, struct stats *st)
{
	uint32_t irx = 0, itx = 0, ifq = 0, n, m, i, sent = 0, back = 0;
	uint64_t backs[BATCH_MAX];

	n = xsk_ring_cons__peek(&x->rx, o->batch, &irx);
	if (!n)
		return 0;
	m = xsk_ring_prod__reserve(&x->tx, n, &itx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d =
			xsk_ring_cons__rx_desc(&x->rx, irx + i);
		uint64_t addr = d->addr;
		unsigned room = FRAME_SIZE - (unsigned)(addr % FRAME_SIZE);
		unsigned len = 0;

		if (m)
			len = synack_build(xsk_umem__get_data(x->area, addr),
					   d->len, room, o);
		else
			st->tx_full++;
		if (len) {
			struct xdp_desc *t =
				xsk_ring_prod__tx_desc(&x->tx, itx + sent);

			t->addr = addr;
			t->len = len;
			t->options = 0;
			sent++;
		} else {
			if (m)
				st->bad++;
			backs[back++] = addr;
		}
	}
	xsk_ring_cons__release(&x->rx, n);
	if (m) {
		/* Give back the slots reserved for frames not answered. */
		x->tx.cached_prod -= m - sent;
		xsk_ring_prod__submit(&x->tx, sent);
	}
	x->outstanding += sent;
	if (sent)
		x->unsent = true;
	if (back) {
		while (xsk_ring_prod__reserve(&x->fq, back, &ifq) != back)
			;
		for (i = 0; i < back; i++)
			*xsk_ring_prod__fill_addr(&x->fq, ifq + i) = backs[i];
		xsk_ring_prod__submit(&x->fq, back);
	}
	st->rx += n;
	st->tx += sent;
	return n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void xsk_loop(struct xsk *x, const struct opts *o, struct stats *st)
{
	uint64_t idle_since = now_ns();
	unsigned n, empty = 0;

	while (!stop) {
		n = rx_batch(x, o, st);
		if (x->unsent) {
			/*
			 * Copy mode: TX happens inside this call, up to the
			 * socket's budget (32, or --tx-budget); what is left
			 * on the ring waits for the next call.  With busy
			 * polling the call would also poll the NAPI.
			 */
			st->kicks++;
			if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
			    errno != EAGAIN && errno != EBUSY &&
			    errno != ENOBUFS)
				st->kick_err++;
			x->unsent = __atomic_load_n(x->tx.consumer,
						    __ATOMIC_ACQUIRE) !=
				    *x->tx.producer;
		} else if (o->busy_poll) {
			st->polls++;
			recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		}
		/*
		 * Completions come when the peer frees the copies (on its
		 * CPU, for veth): take them whenever they are there.
		 */
		if (x->outstanding)
			recycle(x);
		if (n) {
			idle_since = 0;
			empty = 0;
			continue;
		}
		/* The clock only now and then: it costs more than a peek. */
		if (!o->sleep_after_us ||
		    (o->sleep_after_us > 1 && ++empty % 64))
			continue;
		if (!idle_since) {
			idle_since = now_ns();
		} else if (now_ns() - idle_since >
			   (uint64_t)o->sleep_after_us * 1000u) {
			struct pollfd p = { x->fd, POLLIN, 0 };

			st->sleeps++;
			poll(&p, 1, 100);
			idle_since = 0;
		}
	}
}

static void print_xsk_stats(const struct xsk *x, const struct stats *st,
			    const char *label)
{
	struct xdp_statistics xs;
	socklen_t l = sizeof(xs);

	unsigned napi_id = 0;
	socklen_t nl = sizeof(napi_id);

	memset(&xs, 0, sizeof(xs));
	getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &xs, &l);
	/* 0: the socket never learnt a NAPI to busy-poll. */
	getsockopt(x->fd, SOL_SOCKET, SO_INCOMING_NAPI_ID, &napi_id, &nl);
	printf("xdpsyn %s: rx %llu, answered %llu, not a SYN for us %llu, tx ring "
	       "full %llu, sendto %llu (%llu failed), busy polls %llu, "
	       "sleeps %llu; socket: rx_dropped %llu, rx_ring_full %llu, "
	       "fill_empty %llu, tx_invalid %llu, napi id %u\n",
	       label, (unsigned long long)st->rx, (unsigned long long)st->tx,
	       (unsigned long long)st->bad, (unsigned long long)st->tx_full,
	       (unsigned long long)st->kicks, (unsigned long long)st->kick_err,
	       (unsigned long long)st->polls, (unsigned long long)st->sleeps,
	       (unsigned long long)xs.rx_dropped,
	       (unsigned long long)xs.rx_ring_full,
	       (unsigned long long)xs.rx_fill_ring_empty_descs,
	       (unsigned long long)xs.tx_invalid_descs, napi_id);
}

/* ---- main ------------------------------------------------------------ */

static int usage(void)
{
	fputs("usage: xdpsyn -i IFACE [--mode xsk|tx] [--xdp native|generic] "
	      "[--busy-poll]\n"
	      "              [--sleep-after US] [--napi-thread] "
	      "[--peer-netns NS [--peer-if IF]\n"
	      "              [--peer gro|xdp|none]] [--addr A] [--port P] "
	      "[--seed N] [--batch N]\n"
	      "              [--frames N] [--tx-budget N] [--obj PATH] "
	      "[--label NAME]\n",
	      stderr);
	return 2;
}

static const char *default_obj(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0)
		return "syn_xdp.bpf.o";
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "syn_xdp.bpf.o");
	return path;
}

int main(int argc, char *argv[])
{
	enum {
		O_MODE = 256,
		O_XDP,
		O_BUSY,
		O_SLEEP,
		O_NAPI,
		O_PNS,
		O_PIF,
		O_PEER,
		O_ADDR,
		O_PORT,
		O_SEED,
		O_BATCH,
		O_FRAMES,
		O_BUDGET,
		O_OBJ,
		O_LABEL,
		O_FIFO
	};
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "xdp", required_argument, NULL, O_XDP },
		{ "busy-poll", no_argument, NULL, O_BUSY },
		{ "sleep-after", required_argument, NULL, O_SLEEP },
		{ "napi-thread", no_argument, NULL, O_NAPI },
		{ "peer-netns", required_argument, NULL, O_PNS },
		{ "peer-if", required_argument, NULL, O_PIF },
		{ "peer", required_argument, NULL, O_PEER },
		{ "addr", required_argument, NULL, O_ADDR },
		{ "port", required_argument, NULL, O_PORT },
		{ "seed", required_argument, NULL, O_SEED },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "frames", required_argument, NULL, O_FRAMES },
		{ "tx-budget", required_argument, NULL, O_BUDGET },
		{ "obj", required_argument, NULL, O_OBJ },
		{ "label", required_argument, NULL, O_LABEL },
		{ "napi-fifo", required_argument, NULL, O_FIFO },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.peer_if = "gen0",
		.peer = "none",
		.batch = 64,
		.frames = 4096,
		.seed = 1,
	};
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct peer peer = { -1, "", 0, -1 };
	struct xsk x;
	struct stats st;
	char old_defer[32] = "", old_flush[32] = "", old_thr[32] = "";
	int napi_before[64], napi_after[64], c, rc, link = -1, ifindex;
	unsigned nb = 0, na = 0, i, pinned = 0;
	struct in_addr a;
	cpu_set_t cpus;

	memset(&x, 0, sizeof(x));
	memset(&st, 0, sizeof(st));
	x.fd = -1;
	inet_pton(AF_INET, "198.51.100.10", &a);
	o.addr = a.s_addr;
	o.port = htons(80);
	while ((c = getopt_long(argc, argv, "i:", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o.iface = optarg;
			break;
		case O_MODE:
			if (strcmp(optarg, "xsk") && strcmp(optarg, "tx"))
				return usage();
			o.tx_mode = !strcmp(optarg, "tx");
			break;
		case O_XDP:
			if (strcmp(optarg, "native") &&
			    strcmp(optarg, "generic"))
				return usage();
			o.generic = !strcmp(optarg, "generic");
			break;
		case O_BUSY:
			o.busy_poll = true;
			break;
		case O_SLEEP:
			o.sleep_after_us = (unsigned)atoi(optarg);
			break;
		case O_NAPI:
			o.napi_thread = true;
			break;
		case O_PNS:
			o.peer_netns = optarg;
			break;
		case O_PIF:
			o.peer_if = optarg;
			break;
		case O_PEER:
			if (strcmp(optarg, "gro") && strcmp(optarg, "xdp") &&
			    strcmp(optarg, "none"))
				return usage();
			o.peer = optarg;
			break;
		case O_ADDR:
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return usage();
			o.addr = a.s_addr;
			break;
		case O_PORT:
			o.port = htons((uint16_t)atoi(optarg));
			break;
		case O_SEED:
			o.seed = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case O_BATCH:
			o.batch = (unsigned)atoi(optarg);
			break;
		case O_FRAMES:
			o.frames = (unsigned)atoi(optarg);
			break;
		case O_BUDGET:
			o.tx_budget = (unsigned)atoi(optarg);
			break;
		case O_OBJ:
			o.obj = optarg;
			break;
		case O_LABEL:
			o.label = optarg;
			break;
		case O_FIFO:
			o.napi_prio = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || !o.iface || !o.batch || o.batch > BATCH_MAX ||
	    o.frames < 2 * BATCH_MAX || (o.frames & (o.frames - 1)))
		return usage();
	if (!o.obj)
		o.obj = default_obj();
	if (!o.label)
		o.label = o.tx_mode ? "xdp_tx" : "af_xdp";
	ifindex = (int)if_nametoindex(o.iface);
	if (!ifindex) {
		fprintf(stderr, "xdpsyn: no interface %s\n", o.iface);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	obj = bpf_object__open_file(o.obj, NULL);
	if (!obj) {
		fprintf(stderr, "xdpsyn: %s: %s\n", o.obj, strerror(errno));
		return 1;
	}
	if (set_rodata(obj, "cfg_daddr", &o.addr, 4) ||
	    set_rodata(obj, "cfg_dport", &o.port, 2) ||
	    set_rodata(obj, "cfg_seed", &o.seed, 4)) {
		fprintf(stderr, "xdpsyn: %s: no cfg_* globals\n", o.obj);
		return 1;
	}
	rc = bpf_object__load(obj);
	if (rc) {
		fprintf(stderr, "xdpsyn: loading %s: %s\n", o.obj,
			strerror(-rc));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, o.tx_mode ? "xdp_syn_tx" :
								 "xdp_syn_xsk");
	if (!o.tx_mode) {
		int map = bpf_object__find_map_fd_by_name(obj, "xsks");
		uint32_t q = 0;

		rc = xsk_open(&x, &o);
		if (rc) {
			fprintf(stderr, "xdpsyn: AF_XDP socket on %s: %s\n",
				o.iface, strerror(rc < 0 ? -rc : rc));
			return 1;
		}
		if (bpf_map_update_elem(map, &q, &x.fd, 0) < 0) {
			fprintf(stderr, "xdpsyn: XSK map: %s\n",
				strerror(errno));
			return 1;
		}
		if (xsk_tune(&x, &o) < 0)
			return 1;
	}
	{
		LIBBPF_OPTS(bpf_link_create_opts, lco,
			    .flags = o.generic ? XDP_FLAGS_SKB_MODE :
						 XDP_FLAGS_DRV_MODE);

		link = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP,
				       &lco);
	}
	if (link < 0) {
		fprintf(stderr, "xdpsyn: attaching %s to %s (%s): %s\n",
			bpf_program__name(prog), o.iface,
			o.generic ? "generic" : "native", strerror(errno));
		return 1;
	}
	if (peer_setup(&peer, &o,
		       bpf_program__fd(bpf_object__find_program_by_name(
			       obj, "xdp_pass"))) < 0)
		goto out;
	if (o.busy_poll && !o.generic) {
		write_sysfs(o.iface, "napi_defer_hard_irqs", "2", old_defer,
			    sizeof(old_defer));
		write_sysfs(o.iface, "gro_flush_timeout", "200000", old_flush,
			    sizeof(old_flush));
	}
	if (o.napi_thread) {
		nb = napi_threads(o.iface, napi_before, 64);
		rc = write_sysfs(o.iface, "threaded", "1", old_thr,
				 sizeof(old_thr));
		if (rc)
			fprintf(stderr, "xdpsyn: threaded NAPI on %s: %s\n",
				o.iface, strerror(-rc));
		na = napi_threads(o.iface, napi_after, 64);
		sched_getaffinity(0, sizeof(cpus), &cpus);
		for (i = 0; i < na; i++) {
			struct sched_param sp = { .sched_priority =
							  o.napi_prio };

			if (in_list(napi_after[i], napi_before, nb) ||
			    sched_setaffinity(napi_after[i], sizeof(cpus),
					      &cpus) < 0)
				continue;
			pinned++;
			if (o.napi_prio &&
			    sched_setscheduler(napi_after[i], SCHED_FIFO, &sp) <
				    0)
				fprintf(stderr,
					"xdpsyn: SCHED_FIFO for %d: %s\n",
					napi_after[i], strerror(errno));
		}
	}
	printf("answering on %s (%s): %s, %s XDP%s%s%s, peer %s, batch %u\n",
	       o.iface, o.label, o.tx_mode ? "XDP_TX" : "AF_XDP copy mode",
	       o.generic ? "generic" : "native",
	       o.busy_poll ? ", busy polling" : "",
	       o.napi_thread ? ", threaded NAPI" : "",
	       o.sleep_after_us ? ", sleeps when idle" : "", o.peer, o.batch);
	if (o.napi_thread)
		printf("xdpsyn: %u NAPI thread(s) pinned\n", pinned);

	if (o.tx_mode) {
		while (!stop)
			pause();
	} else {
		xsk_loop(&x, &o, &st);
	}
out:
	if (!o.tx_mode && x.sock)
		print_xsk_stats(&x, &st, o.label);
	print_xdp_counters(obj, o.label);
	if (o.napi_thread && old_thr[0])
		write_sysfs(o.iface, "threaded", old_thr, NULL, 0);
	if (old_defer[0])
		write_sysfs(o.iface, "napi_defer_hard_irqs", old_defer, NULL,
			    0);
	if (old_flush[0])
		write_sysfs(o.iface, "gro_flush_timeout", old_flush, NULL, 0);
	peer_cleanup(&peer);
	if (link >= 0)
		close(link);
	if (x.sock)
		xsk_socket__delete(x.sock);
	if (x.umem)
		xsk_umem__delete(x.umem);
	bpf_object__close(obj);
	return 0;
}
