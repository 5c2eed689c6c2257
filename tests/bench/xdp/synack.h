/* SPDX-License-Identifier: MIT */
/*
 * synack.h - what the SYN responders of tests/bench/xdp/ agree on: the
 * SYN-ACK they build and the ISN they choose.  Included by the XDP
 * program (syn_xdp.bpf.c, compiled for BPF) and by the user-space
 * responder (xdpsyn.c), so nothing here may use libc.
 *
 * The SYN-ACK (58 bytes, no padding: veth carries short frames):
 *
 *   Ethernet  dst = the SYN's src, src = the SYN's dst, type 0x0800
 *   IPv4      ihl 5, tos 0, len 44, id 0, DF, ttl 64, proto 6,
 *             src = the SYN's dst, dst = the SYN's src, checksum
 *   TCP       ports swapped, seq = synack_isn(), ack = the SYN's seq + 1,
 *             data offset 6, flags SYN|ACK, window 64240, checksum,
 *             urgent 0, options MSS 1460 (02 04 05 b4)
 *
 * The ISN is a keyed hash of the 4-tuple (murmur3's finaliser over a
 * mix), so a repeated SYN gets the same SYN-ACK, as a SYN cookie would.
 */
#ifndef RIPOSTE_BENCH_SYNACK_H
#define RIPOSTE_BENCH_SYNACK_H

#define SYNACK_ETH_LEN 14
#define SYNACK_IP_LEN 20
#define SYNACK_TCP_LEN 24 /* 20 + MSS option */
#define SYNACK_FRAME_LEN (SYNACK_ETH_LEN + SYNACK_IP_LEN + SYNACK_TCP_LEN)
#define SYNACK_MSS 1460
#define SYNACK_WINDOW 64240
#define SYNACK_TTL 64

#define TCPF_FIN_ 0x01
#define TCPF_SYN_ 0x02
#define TCPF_RST_ 0x04
#define TCPF_ACK_ 0x10

/* Counters of the XDP program (a per-CPU array, index = enum). */
enum synack_cnt {
	SYNACK_CNT_SEEN, /* frames the program ran on */
	SYNACK_CNT_MATCH, /* SYNs to the address and port */
	SYNACK_CNT_REDIRECT, /* handed to the AF_XDP socket */
	SYNACK_CNT_TX, /* rewritten, XDP_TX */
	SYNACK_CNT_PASS, /* everything else: to the kernel's stack */
	SYNACK_CNT_ERR, /* could not resize or redirect */
	SYNACK_CNT__MAX,
};

static inline unsigned int synack_fmix32(unsigned int h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/*
 * The SYN-ACK's sequence number for the SYN from saddr:sport to
 * daddr:dport (all as they are on the wire, network order, read as host
 * integers: both callers do the same, so both agree), keyed by seed.
 */
static inline unsigned int synack_isn(unsigned int saddr, unsigned int daddr,
				      unsigned int ports, unsigned int seed)
{
	unsigned int h = seed;

	h = synack_fmix32(h ^ saddr);
	h = synack_fmix32(h ^ daddr);
	h = synack_fmix32(h ^ ports);
	return h;
}

/* Folds a 32-bit one's complement sum to the 16-bit checksum field. */
static inline unsigned short synack_fold(unsigned int s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

#endif
