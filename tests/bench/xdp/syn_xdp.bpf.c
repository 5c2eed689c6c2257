/* SPDX-License-Identifier: MIT */
/*
 * syn_xdp.bpf.c - the XDP programs of the AF_XDP / XDP_TX SYN responder
 * prototypes (tests/bench/xdp/README.md).  Three programs, one object:
 *
 *   xdp_syn_xsk  the filter of an AF_XDP responder: IPv4 TCP SYNs (SYN
 *                set, ACK, RST and FIN clear, not a fragment) to
 *                cfg_daddr:cfg_dport go to the AF_XDP socket of the
 *                receive queue (XSK map); everything else, and any SYN
 *                when no socket is there, goes on to the kernel's stack.
 *   xdp_syn_tx   the ceiling: the same SYNs (with a 20-byte IPv4 header)
 *                rewritten in place into synack.h's SYN-ACK and sent back
 *                out of the same interface (XDP_TX); no user space.
 *   xdp_pass     passes everything: attached to a veth peer only so that
 *                the peer has NAPI and can take XDP_TX'd frames.
 *
 * cfg_* are read-only globals set by the loader before load (so the JIT
 * sees constants).  Packet bytes are untrusted: every access is checked
 * against data_end first (the verifier insists).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "synack.h"

volatile const __u32 cfg_daddr; /* network order */
volatile const __u16 cfg_dport; /* network order */
volatile const __u32 cfg_seed;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYNACK_CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &what);

	if (v)
		*v += 1;
}

/*
 * Is this frame a SYN for us?  Sets *ip and *tcp when it is.  need_ihl5:
 * only a 20-byte IPv4 header (what xdp_syn_tx rewrites); the AF_XDP path
 * takes options too and leaves them to user space.
 */
static __always_inline int syn_match(void *data, void *end, int need_ihl5,
				     struct iphdr **ipp, struct tcphdr **tcpp)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct tcphdr *tcp;
	__u8 flags;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5 ||
	    ip->protocol != IPPROTO_TCP || ip->daddr != cfg_daddr ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return 0;
	if (need_ihl5 && ip->ihl != 5)
		return 0;
	tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > end || tcp->dest != cfg_dport)
		return 0;
	flags = ((__u8 *)tcp)[13];
	if ((flags & (TCPF_SYN_ | TCPF_ACK_ | TCPF_RST_ | TCPF_FIN_)) !=
	    TCPF_SYN_)
		return 0;
	*ipp = ip;
	*tcpp = tcp;
	return 1;
}

SEC("xdp")
int xdp_syn_xsk(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct tcphdr *tcp;
	long rc;

	count(SYNACK_CNT_SEEN);
	if (!syn_match(data, end, 0, &ip, &tcp)) {
		count(SYNACK_CNT_PASS);
		return XDP_PASS;
	}
	count(SYNACK_CNT_MATCH);
	/* No socket on this queue: the kernel's stack sees the SYN. */
	rc = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	count(rc == XDP_REDIRECT ? SYNACK_CNT_REDIRECT : SYNACK_CNT_PASS);
	return (int)rc;
}

SEC("xdp")
int xdp_syn_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct tcphdr *tcp;
	__u8 mac[12];
	__u32 saddr, daddr, seq, isn, sum;
	__u16 sport, dport, *w;
	int delta, i;

	count(SYNACK_CNT_SEEN);
	if (!syn_match(data, end, 1, &ip, &tcp)) {
		count(SYNACK_CNT_PASS);
		return XDP_PASS;
	}
	count(SYNACK_CNT_MATCH);
	__builtin_memcpy(mac, data, 12);
	saddr = ip->saddr;
	daddr = ip->daddr;
	sport = tcp->source;
	dport = tcp->dest;
	seq = tcp->seq;
	isn = synack_isn(saddr, daddr, (__u32)sport << 16 | dport, cfg_seed);

	/* The SYN (74 bytes from Linux) becomes 58: move the tail. */
	delta = SYNACK_FRAME_LEN - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta)) {
		count(SYNACK_CNT_ERR);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + SYNACK_FRAME_LEN > end) {
		count(SYNACK_CNT_ERR);
		return XDP_DROP;
	}

	/* Ethernet: the addresses swapped. */
	__builtin_memcpy(data, mac + 6, 6);
	__builtin_memcpy(data + 6, mac, 6);

	ip = data + SYNACK_ETH_LEN;
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(SYNACK_IP_LEN + SYNACK_TCP_LEN);
	ip->id = 0;
	ip->frag_off = bpf_htons(0x4000);
	ip->ttl = SYNACK_TTL;
	ip->protocol = IPPROTO_TCP;
	ip->check = 0;
	ip->saddr = daddr;
	ip->daddr = saddr;
	sum = 0;
	w = (__u16 *)ip;
#pragma unroll
	for (i = 0; i < SYNACK_IP_LEN / 2; i++)
		sum += w[i];
	ip->check = synack_fold(sum);

	tcp = (void *)ip + SYNACK_IP_LEN;
	tcp->source = dport;
	tcp->dest = sport;
	tcp->seq = bpf_htonl(isn);
	tcp->ack_seq = bpf_htonl(bpf_ntohl(seq) + 1);
	((__u8 *)tcp)[12] = (SYNACK_TCP_LEN / 4) << 4;
	((__u8 *)tcp)[13] = TCPF_SYN_ | TCPF_ACK_;
	tcp->window = bpf_htons(SYNACK_WINDOW);
	tcp->check = 0;
	tcp->urg_ptr = 0;
	((__u8 *)tcp)[20] = 2; /* MSS, length 4 */
	((__u8 *)tcp)[21] = 4;
	((__u8 *)tcp)[22] = SYNACK_MSS >> 8;
	((__u8 *)tcp)[23] = SYNACK_MSS & 0xff;
	/* Pseudo-header: addresses, protocol, TCP length. */
	sum = (daddr & 0xffff) + (daddr >> 16) + (saddr & 0xffff) +
	      (saddr >> 16) + bpf_htons(IPPROTO_TCP) +
	      bpf_htons(SYNACK_TCP_LEN);
	w = (__u16 *)tcp;
#pragma unroll
	for (i = 0; i < SYNACK_TCP_LEN / 2; i++)
		sum += w[i];
	tcp->check = synack_fold(sum);
	count(SYNACK_CNT_TX);
	return XDP_TX;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
