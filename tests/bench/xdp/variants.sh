# SPDX-License-Identifier: MIT
# tests/bench/xdp/variants.sh - the responder variants, by name, as
# xdpsyn arguments (sourced by check.sh, rotate.sh and bench.sh).
#
#   xsk-drv-bp   AF_XDP, native (veth driver) XDP, copy mode, busy
#                polling: this process runs rsp0's NAPI on its own CPU
#   xsk-drv      AF_XDP, native XDP, no busy polling: rsp0's NAPI (and
#                the XDP program) run in softirq on the CPU that sent the
#                SYN into the veth, the loop spins on its own CPU
#   xsk-drv-thr  AF_XDP, native XDP, threaded NAPI pinned beside the loop
#   xsk-skb      AF_XDP, generic (skb) XDP, after RPS on the responder CPU
#   tx-drv       XDP_TX, native XDP, threaded NAPI pinned to the
#                responder CPU; the peer (gen0) gets GRO, hence NAPI
#   tx-drv-sirq  XDP_TX, native XDP in the sender's softirq (everything
#                on the generator's CPU); peer GRO
#   tx-skb       XDP_TX, generic XDP on the responder CPU
# Every AF_XDP variant spins while SYNs come and sleeps in poll() after
# 2 ms without any.
xdp_variant_args() {
	case $1 in
	xsk-drv-bp) echo "--mode xsk --xdp native --busy-poll --sleep-after 2000 --tx-budget 256" ;;
	xsk-drv) echo "--mode xsk --xdp native --sleep-after 2000 --tx-budget 256" ;;
	xsk-drv-thr) echo "--mode xsk --xdp native --napi-thread --sleep-after 2000 --tx-budget 256" ;;
	xsk-skb) echo "--mode xsk --xdp generic --sleep-after 2000 --tx-budget 256" ;;
	tx-drv) echo "--mode tx --xdp native --napi-thread --peer gro" ;;
	tx-drv-sirq) echo "--mode tx --xdp native --peer gro" ;;
	tx-skb) echo "--mode tx --xdp generic" ;;
	*) return 1 ;;
	esac
}
XDP_VARIANTS_ALL="xsk-drv-bp xsk-drv xsk-drv-thr xsk-skb tx-drv tx-drv-sirq tx-skb"
