#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/xdp/check.sh - is each XDP responder variant correct?  In a
# throwaway lab like syn.sh's (two namespaces, veth gen0 <-> rsp0, torn
# down on any exit), for each variant (variants.sh; default all):
#   1. a real client in the generator namespace completes handshakes:
#      `nc -z` and a Python connect() to 198.51.100.10:80;
#   2. tcpdump -vv on gen0 shows the SYN-ACK with both checksums
#      "correct", MSS 1460, ack = seq + 1;
#   3. syngen (tests/bench/syngen.c) at 20,000 SYN/s for 1 s counts every
#      SYN answered.
# Prints one verdict line per variant and exits 1 if any failed.
#
#   bash tests/bench/xdp/check.sh [VARIANT...]     (root; make -C tests/bench/xdp first)
set -u
cd "$(dirname "$0")/../../.." || exit 1
. tests/bench/xdp/variants.sh
XDPSYN=${XDPSYN:-build/bench/xdp/xdpsyn}
DIR=${BENCH_DIR:-build/bench}
[ "$(id -u)" = 0 ] || { echo "check.sh: needs root" >&2; exit 1; }
[ -x "$XDPSYN" ] || { echo "check.sh: no $XDPSYN (make -C tests/bench/xdp)" >&2; exit 1; }
mkdir -p "$DIR"
cc -std=c11 -O2 -Wall -pthread -o "$DIR/syngen" tests/bench/syngen.c || exit 1

G=xcg$$
R=xcr$$
GMAC=02:00:00:5b:00:01
RMAC=02:00:00:5b:00:02
PID=
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	ip netns del "$G" 2>/dev/null
	ip netns del "$R" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$G" && ip netns add "$R" || exit 1
ip link add gen0 netns "$G" type veth peer name rsp0 netns "$R" || exit 1
for ns in "$G" "$R"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip -n "$G" link set gen0 address $GMAC up
ip -n "$R" link set rsp0 address $RMAC up
ip -n "$G" addr add 198.51.100.1/24 dev gen0
ip -n "$R" addr add 198.51.100.2/24 dev rsp0
ip -n "$R" addr add 198.51.100.10/32 dev rsp0
for i in $(seq 101 116); do
	ip -n "$R" neigh replace 198.51.100.$i lladdr $GMAC dev rsp0 nud permanent
done
# As syn.sh's cmd mode: the responder namespace's kernel stays quiet
# about port 80 (the client's ACK would otherwise draw a RST).
ip netns exec "$R" nft -f - <<NFT || exit 1
table netdev bench {
	chain in {
		type filter hook ingress device rsp0 priority 0; policy accept;
		ip daddr 198.51.100.10 tcp dport 80 drop
	}
}
NFT

fail=0
for v in ${*:-$XDP_VARIANTS_ALL}; do
	args=$(xdp_variant_args "$v") || { echo "unknown variant $v" >&2; exit 2; }
	out=$DIR/check-$v.out
	# shellcheck disable=SC2086
	ip netns exec "$R" "$XDPSYN" -i rsp0 $args --peer-netns "$G" >"$out" 2>&1 &
	PID=$!
	for _ in $(seq 50); do
		grep -q 'answering on' "$out" && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q 'answering on' "$out"; then
		echo "$v: FAIL (did not start)"; cat "$out"; fail=1; PID=; continue
	fi
	ip netns exec "$G" timeout 5 tcpdump -n -vv -c 1 -i gen0 \
		'tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)' \
		>"$DIR/check-$v.dump" 2>/dev/null &
	TD=$!
	sleep 0.5
	nc=ok
	ip netns exec "$G" nc -z -w 2 198.51.100.10 80 || nc=FAIL
	wait "$TD"
	py=$(ip netns exec "$G" /usr/bin/python3 -c '
import socket
ok = 0
for i in range(20):
    s = socket.create_connection(("198.51.100.10", 80), timeout=2)
    ok += 1
    s.close()
print(ok)' 2>&1 | tail -1)
	dump=$(tr -s ' \n' ' ' <"$DIR/check-$v.dump")
	# tcpdump -vv verifies the TCP checksum ("correct") and names a
	# wrong IPv4 header checksum ("bad cksum"); it is quiet on a good one.
	sums=FAIL
	case "$dump" in
	*"bad cksum"* | *"incorrect"*) ;;
	*"Flags [S.], cksum 0x"*"(correct)"*"ack "*"options [mss 1460]"*) sums=ok ;;
	esac
	gen=$(ip netns exec "$G" "$DIR/syngen" -i gen0 -s $GMAC -d $RMAC \
		-r 20000 -t 1)
	sent=$(echo "$gen" | sed 's/.*sent=\([0-9]*\).*/\1/')
	ans=$(echo "$gen" | sed 's/.*answered=\([0-9]*\).*/\1/')
	kill -TERM "$PID"
	wait "$PID"
	PID=
	v_ok=ok
	[ "$nc" = ok ] && [ "$py" = 20 ] && [ "$sums" = ok ] &&
		[ "$ans" = "$sent" ] || { v_ok=FAIL; fail=1; }
	echo "$v: $v_ok (nc -z $nc, python connects $py/20, checksums $sums," \
		"syngen answered $ans of $sent)"
	echo "  tcpdump: $dump" | cut -c1-400
	sed 's/^/  /' "$out" | tail -3
done
exit $fail
