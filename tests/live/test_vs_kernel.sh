#!/bin/bash
# test_vs_kernel.sh - riposte's TCP engine against the kernel's own: the
# same scripted client exchanges (tests/live/vs_kernel.py, Scapy on raw
# frames) run against a kernel listener and against riposte serving the
# same services, side by side, and compared case by case: handshake
# options and TSecr (IPv4, IPv6, no options, MSS+TS), SYN-ACK
# retransmission and its backoff, a retransmitted SYN, a SYN with a new
# ISN in SYN-RECEIVED, a wrong handshake ACK, ACKs of data in order, out
# of order (SACK) and duplicated (D-SACK), RFC 5961 challenge ACKs (RST,
# SYN, too old an ACK) and their rate, a RST that ends the flow, RSTs and
# data outside the window, an ACK of data never sent, PAWS, FIN, the data
# RTO and its backoff, the tail loss probe, zero-window probes, the
# peer's window, fast retransmit, bulk data over IPv6.  The table names
# each case.
#
#   bash tests/live/test_vs_kernel.sh RIPOSTE
#   (or sh tests/live/run.sh RIPOSTE test_vs_kernel)
#
# VSK_CASES="case ..." runs only those cases; VSK_KEEP=DIR keeps
# riposte's narration (riposte.err) and every case's frames (frames.txt).
#
# In riposte's namespace, the kernel owns both server addresses: K4/K6
# for its listener (vs_kernel.py server) and R4/R6 for riposte's host,
# whose segments riposte's nftables table keeps from the kernel.  In the
# clients' namespace a netdev ingress rule drops the servers' TCP after
# the AF_PACKET tap: Scapy sees every segment, the client's kernel none,
# so it never resets the conversations Scapy holds.
#
# The test fails when a case differs, unless the case is listed in KNOWN
# below with the reason.  Timers are compared by ratios of intervals
# only; nothing passes or fails on a wall-clock time.
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
PY=/usr/bin/python3 # Debian's, with Scapy
VSK=$here/vs_kernel.py
"$PY" -c 'import scapy' 2>/dev/null ||
	{ echo "test_vs_kernel: needs Scapy for $PY (python3-scapy)"; exit 1; }
lab_up vsk

R4=198.51.100.10
R6=2001:db8::10
K4=198.51.100.20
K6=2001:db8::20

# Known, documented differences: CASE=one-line reason.  Keep it short and
# honest; a riposte bug does not belong here.
KNOWN=()

for a in "$R4/32" "$K4/32"; do
	lab_r ip addr add "$a" dev "$LAB_RIF" || lab_fail "addr add $a"
done
for a in "$R6/128" "$K6/128"; do
	lab_r ip addr add "$a" dev "$LAB_RIF" nodad || lab_fail "addr add $a"
done

# The kernel listener as a default Linux: tcp_rmem's default maximum
# (window scale 7, not this host's), and wire-sized segments (one per
# skb: no GSO super-packets on the veth, which the capture would see).
lab_r sysctl -qw net.ipv4.tcp_rmem="4096 131072 6291456" ||
	lab_fail "tcp_rmem"
lab_r ip link set "$LAB_RIF" gso_max_segs 1 || lab_fail "gso_max_segs"

lab_c nft -f - <<EOF || lab_fail "client netdev ingress table"
table netdev vsk {
	chain in {
		type filter hook ingress device "$LAB_CIF" priority 0; policy accept;
		ip saddr { $R4, $K4 } ip protocol tcp drop
		ip6 saddr { $R6, $K6 } meta l4proto tcp drop
	}
}
EOF

# --- The kernel's listener ---------------------------------------------------
# `ip netns exec` directly, not lab_r: it execs, so $! is the listener's
# own PID, which lab_down reaps (a function in the background would leave
# the listener behind, and its namespace with it).
ip netns exec "$LAB_R" "$PY" "$VSK" server "$K4" "$K6" </dev/null \
	>"$LAB_DIR/server.out" 2>"$LAB_DIR/server.err" &
SERVER_PID=$!
LAB_PIDS="$LAB_PIDS $SERVER_PID"
lab_wait 200 0.05 grep -qs listening "$LAB_DIR/server.out" ||
	lab_fail "kernel listener did not start: $(cat "$LAB_DIR/server.err")"
lab_ok "kernel listener on $K4 and $K6, ports 7001-7003"

# --- riposte -------------------------------------------------------------------
"$PY" "$VSK" rules "$R4" "$R6" "$LAB_RMAC" "$LAB_DIR" ||
	lab_fail "vs_kernel.py rules"
lab_riposte -v "$LAB_DIR/vs-kernel.rules" || lab_fail "riposte did not start"
lab_ok "riposte on $R4 and $R6, ports 7001-7003"

# --- The cases -------------------------------------------------------------------
client_args=()
for k in "${KNOWN[@]}"; do
	client_args+=(--known "$k")
done
for k in ${VSK_CASES:-}; do
	client_args+=(--case "$k")
done
lab_c timeout -k 5 80 "$PY" "$VSK" client "$LAB_CIF" "$LAB_CMAC" \
	"$LAB_RMAC" "$LAB_C4" "$LAB_C6" "$K4" "$K6" "$R4" "$R6" \
	--frames "$LAB_DIR/frames.txt" "${client_args[@]}" \
	2>"$LAB_DIR/client.err"
rc=$?
[ -s "$LAB_DIR/client.err" ] && sed 's/^/client: /' "$LAB_DIR/client.err"
lab_alive "$RIPOSTE_PID" || lab_fail "riposte died during the cases"
lab_riposte_stop TERM
if [ -n "${VSK_KEEP:-}" ]; then
	mkdir -p "$VSK_KEEP" && cp "$RIPOSTE_ERR" "$VSK_KEEP/riposte.err" &&
		cp "$LAB_DIR/frames.txt" "$VSK_KEEP/frames.txt"
fi
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
[ "$rc" = 0 ] ||
	lab_fail "riposte and the kernel differ (exit $rc); see the table above"
echo "test_vs_kernel: all checks passed"
