/* SPDX-License-Identifier: MIT */
/*
 * live.c - libpcap capture and AF_PACKET injection; see live.h.
 *
 * Immediate mode matters: without it libpcap 1.10 uses TPACKET_V3, whose
 * blocks are handed over on a 100 ms timeout, and every reply would wait
 * for it.  The injection socket is bound with protocol 0, so it receives
 * nothing (no second copy of every frame), and bypasses the qdisc: replies
 * are already in order and paced by the caller.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live.h"

#define SEND_BATCH 64
#define LIVE_SNDBUF (8 << 20) /* bytes of send buffer */
#define SEND_WAITS 4 /* POLLOUT waits of 1 ms one call may make */

struct io_live {
	pcap_t *pc;
	int tx;
	unsigned ifindex;
	struct io_live_stats st;
};

int io_live_open(struct io_live **out, const struct io_live_opts *o, char *err,
		 size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct io_live *l;
	struct bpf_program prog;
	struct sockaddr_ll sll;
	int one = 1, sndbuf = LIVE_SNDBUF, rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->tx = -1;
	l->ifindex = if_nametoindex(o->iface);
	if (!l->ifindex) {
		rc = -errno;
		snprintf(err, errlen, "no interface %s (see ip link)",
			 o->iface);
		goto fail;
	}
	l->pc = pcap_create(o->iface, ebuf);
	if (!l->pc) {
		rc = -ENODEV;
		snprintf(err, errlen, "%s", ebuf);
		goto fail;
	}
	pcap_set_snaplen(l->pc, o->snaplen > 0 ? o->snaplen : 65535);
	pcap_set_immediate_mode(l->pc, 1);
	pcap_set_promisc(l->pc, 1); /* virtual hosts have MACs of their own */
	/*
	 * libpcap sizes ring slots for the snap length: its 4 MiB default
	 * holds ~32 full-size slots on an offloading interface, and a short
	 * stall then drops SYNs (measured: tests/bench/syn.sh).  32 MiB is
	 * ~500 slots.
	 */
	pcap_set_buffer_size(l->pc,
			     o->buffer_size > 0 ? o->buffer_size : 32 << 20);
	rc = pcap_activate(l->pc);
	if (rc < 0) {
		snprintf(err, errlen, "%s%s", pcap_geterr(l->pc),
			 rc == PCAP_ERROR_PERM_DENIED ?
				 " (run as root or with CAP_NET_RAW)" :
				 "");
		rc = rc == PCAP_ERROR_PERM_DENIED ? -EPERM : -EIO;
		goto fail;
	}
	if (pcap_datalink(l->pc) != DLT_EN10MB) {
		snprintf(err, errlen, "%s is not an Ethernet interface",
			 o->iface);
		rc = -EINVAL;
		goto fail;
	}
	/* Only what arrives: riposte's own replies are not its input. */
	if (pcap_setdirection(l->pc, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(l->pc));
		rc = -EIO;
		goto fail;
	}
	if (pcap_compile(l->pc, &prog, o->filter ? o->filter : "", 1,
			 PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(l->pc));
		rc = -EINVAL;
		goto fail;
	}
	rc = pcap_setfilter(l->pc, &prog);
	pcap_freecode(&prog);
	if (rc < 0 || pcap_setnonblock(l->pc, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(l->pc));
		rc = -EIO;
		goto fail;
	}
	l->tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->tx < 0) {
		rc = -errno;
		snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)l->ifindex;
	sll.sll_protocol = 0;
	if (bind(l->tx, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "bind to %s: %s", o->iface,
			 strerror(errno));
		goto fail;
	}
	/* Best effort: an old kernel without it still sends. */
	setsockopt(l->tx, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	/*
	 * A send buffer for bursts: the default 208 KiB filled under a few
	 * hundred connections (EAGAIN, replies lost, retransmissions).  As
	 * root the limit of wmem_max does not apply; else what it allows.
	 */
	if (setsockopt(l->tx, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)) < 0)
		setsockopt(l->tx, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			   sizeof(sndbuf));
	*out = l;
	return 0;
fail:
	io_live_close(l);
	return rc;
}

int io_live_set_filter(struct io_live *l, const char *filter, char *err,
		       size_t errlen)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(l->pc, &prog, filter ? filter : "", 1,
			 PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(l->pc));
		return -EINVAL;
	}
	rc = pcap_setfilter(l->pc, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "capture filter: %s", pcap_geterr(l->pc));
		return -EINVAL;
	}
	return 0;
}

int io_live_fd(const struct io_live *l)
{
	return pcap_get_selectable_fd(l->pc);
}

unsigned io_live_ifindex(const struct io_live *l)
{
	return l->ifindex;
}

int io_live_dispatch(struct io_live *l, int max, pcap_handler cb,
		     unsigned char *user, char *err, size_t errlen)
{
	int n = pcap_dispatch(l->pc, max, cb, user);

	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(l->pc));
		return -1;
	}
	return n < 0 ? 0 : n;
}

void io_live_send(struct io_live *l, const struct iovec *frames, unsigned n)
{
	io_send_batch(l->tx, &l->st, frames, n);
}

void io_send_batch(int fd, struct io_live_stats *st, const struct iovec *frames,
		   unsigned n)
{
	struct mmsghdr m[SEND_BATCH];
	unsigned done = 0, i, k, waits = 0;
	int rc;

	while (done < n) {
		k = n - done < SEND_BATCH ? n - done : SEND_BATCH;
		memset(m, 0, k * sizeof(m[0]));
		for (i = 0; i < k; i++) {
			/* sendmmsg does not write through msg_iov. */
			m[i].msg_hdr.msg_iov =
				(struct iovec *)(uintptr_t)&frames[done + i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		rc = sendmmsg(fd, m, k, 0);
		if (rc < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			/*
			 * The send buffer is full: wait a little for room (at
			 * most SEND_WAITS ms a call, so the loop never stalls
			 * nor spins), then count the frame and go past it.
			 */
			if ((err == EAGAIN || err == ENOBUFS) &&
			    waits < SEND_WAITS) {
				struct pollfd pfd = { fd, POLLOUT, 0 };

				waits++;
				if (poll(&pfd, 1, 1) > 0)
					continue;
			}
			if (err == EAGAIN || err == ENOBUFS)
				st->send_again++;
			else
				st->send_errors++;
			done++;
			continue;
		}
		st->sent += (unsigned)rc;
		done += (unsigned)rc;
	}
}

const struct io_live_stats *io_live_stats(const struct io_live *l)
{
	return &l->st;
}

int io_live_pcap_stats(struct io_live *l, unsigned *recv, unsigned *drop)
{
	struct pcap_stat ps;

	if (pcap_stats(l->pc, &ps) < 0)
		return -1;
	*recv = ps.ps_recv;
	*drop = ps.ps_drop;
	return 0;
}

void io_live_close(struct io_live *l)
{
	if (!l)
		return;
	if (l->pc)
		pcap_close(l->pc);
	if (l->tx >= 0)
		close(l->tx);
	free(l);
}
