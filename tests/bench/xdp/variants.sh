# SPDX-License-Identifier: MIT
# tests/bench/xdp/variants.sh - the responder variants, by name (at most
# 8 characters: syn.sh's column), as xdpsyn arguments; sourced by
# check.sh, rotate.sh and bench.sh.
#
# AF_XDP (copy mode: veth has no zero-copy), the user-space loop on the
# responder CPU (syn.sh's taskset); where rsp0's NAPI, hence the XDP
# program and the copy into the UMEM, runs:
#   xsk-sirq  native XDP, NAPI in softirq on the CPU that put the SYN
#             into the veth (the generator's: veth schedules its peer's
#             NAPI where the sender runs)
#   xsk-thr   native XDP, threaded NAPI, its kthread pinned to the
#             responder CPU; the loop spins
#   xsk-thrs  the same, the loop sleeps in poll() as soon as the RX ring
#             is empty (the kthread wakes it on the same CPU: no IPI)
#   xsk-bp    native XDP, "busy polling" (SO_PREFER_BUSY_POLL, napi
#             defer 2, gro_flush_timeout 200 us): on 6.18 a copy-mode
#             socket learns no NAPI id, so the loop polls nothing and the
#             deferral only delays; kept to show it
#   xsk-skb   generic (skb) XDP: after RPS, in the responder CPU's
#             backlog softirq, beside the spinning loop
#   xsk-skbs  the same, the loop sleeping as soon as the RX ring is empty
# XDP_TX (no user space; the SYN-ACK is built in the XDP program):
#   tx-thr    native XDP, threaded NAPI pinned to the responder CPU; the
#             peer gen0 gets an XDP_PASS program so that it has NAPI to
#             take the XDP_TX'd frames (GRO on gen0 was not enough on
#             6.18: 256 frames, a ring, stuck)
#   tx-sirq   native XDP in the sender's softirq (all on the generator's
#             CPU, inside its sendmmsg); peer XDP_PASS
#   tx-skb    generic XDP on the responder CPU (after RPS); the peer
#             needs nothing
# Every AF_XDP variant spins while SYNs come and sleeps in poll() after
# 2 ms without any (xsk-thrs, xsk-skbs: at once).
xdp_variant_args() {
	case $1 in
	xsk-sirq) echo "--mode xsk --xdp native --sleep-after 2000 --tx-budget 256" ;;
	xsk-thr) echo "--mode xsk --xdp native --napi-thread --sleep-after 2000 --tx-budget 256" ;;
	xsk-thrs) echo "--mode xsk --xdp native --napi-thread --sleep-after 1 --tx-budget 256" ;;
	xsk-bp) echo "--mode xsk --xdp native --busy-poll --sleep-after 2000 --tx-budget 256" ;;
	xsk-skb) echo "--mode xsk --xdp generic --sleep-after 2000 --tx-budget 256" ;;
	xsk-skbs) echo "--mode xsk --xdp generic --sleep-after 1 --tx-budget 256" ;;
	tx-thr) echo "--mode tx --xdp native --napi-thread --peer xdp" ;;
	tx-sirq) echo "--mode tx --xdp native --peer xdp" ;;
	tx-skb) echo "--mode tx --xdp generic" ;;
	*) return 1 ;;
	esac
}
XDP_VARIANTS_ALL="xsk-sirq xsk-thr xsk-thrs xsk-bp xsk-skb xsk-skbs tx-thr tx-sirq tx-skb"
