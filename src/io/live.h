/* SPDX-License-Identifier: MIT */
/*
 * live.h - the wire: frames in through a libpcap live handle (immediate
 * mode, inbound only, the rule set's BPF filter in the kernel), frames out
 * through riposte's own AF_PACKET socket bound to the same interface
 * (PACKET_QDISC_BYPASS, a batch per sendmmsg).
 */
#ifndef RIPOSTE_IO_LIVE_H
#define RIPOSTE_IO_LIVE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct io_live;

struct io_live_opts {
	const char *iface;
	const char *filter; /* tcpdump syntax; "" for every frame */
	int snaplen; /* 0: 65535 */
	int buffer_size; /* bytes of kernel ring; 0: 32 MiB */
};

struct io_live_stats {
	uint64_t sent;
	uint64_t send_again; /* EAGAIN / ENOBUFS: dropped, counted */
	uint64_t send_errors;
};

/*
 * Opens the capture and the injection socket.  Returns 0, or -errno with a
 * one-line reason in err (no such interface, not permitted, bad filter).
 * Needs CAP_NET_RAW; nothing here needs it afterwards.
 */
int io_live_open(struct io_live **out, const struct io_live_opts *o, char *err,
		 size_t errlen);

/*
 * Replaces the kernel filter (a reload); 0, or -EINVAL with libpcap's
 * message in err, the old filter staying.
 */
int io_live_set_filter(struct io_live *l, const char *filter, char *err,
		       size_t errlen);

/* The descriptor to wait on for frames. */
int io_live_fd(const struct io_live *l);

/* The interface's index. */
unsigned io_live_ifindex(const struct io_live *l);

/*
 * Reads up to max frames already waiting, calling cb for each; returns
 * the count, 0 when none, -1 on a capture error (message in err).
 */
int io_live_dispatch(struct io_live *l, int max, pcap_handler cb,
		     unsigned char *user, char *err, size_t errlen);

/*
 * Sends n frames with one sendmmsg (more only if the kernel takes fewer).
 * Frames the kernel cannot take now (EAGAIN, ENOBUFS) are dropped and
 * counted: the loop never spins on a full queue.
 */
void io_live_send(struct io_live *l, const struct iovec *frames, unsigned n);

/*
 * The same on any socket fd, counting into st: what io_live_send() does,
 * apart for the tests (a failing send, on a socket pair).
 */
void io_send_batch(int fd, struct io_live_stats *st, const struct iovec *frames,
		   unsigned n);

const struct io_live_stats *io_live_stats(const struct io_live *l);

/* libpcap's own counters: received, dropped by the kernel ring. */
int io_live_pcap_stats(struct io_live *l, unsigned *recv, unsigned *drop);

void io_live_close(struct io_live *l);

#endif
