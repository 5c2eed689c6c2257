#!/bin/bash
# test_connect.sh - the kernel's TCP connect() to an address that riposte's
# own namespace has configured completes its handshake, because riposte's
# nftables table keeps the kernel from resetting it; without the table
# (--no-firewall) the same connect is refused or reset, and a capture on
# the client's side shows the kernel's RST arriving, a RST riposte did not
# send: the test proves the cause.
#
#   bash tests/live/test_connect.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up connect

V4=198.51.100.10
V6=2001:db8::10
# The addresses are the kernel's too, with the veth's MAC, so that both
# riposte and the kernel see every frame sent to them.
lab_r ip addr add "$V4/32" dev "$LAB_RIF" || lab_fail "addr add $V4"
lab_r ip addr add "$V6/128" dev "$LAB_RIF" nodad || lab_fail "addr add $V6"
cat >"$LAB_DIR/connect.rules" <<EOF
host $V4, $V6 {
	mac $LAB_RMAC
	tcp 80 open
	tcp 443 closed
}
EOF

# --- 1. With the firewall table --------------------------------------------
lab_riposte -v "$LAB_DIR/connect.rules" || lab_fail "riposte did not start"
lab_r nft list tables | grep -q 'netdev riposte' ||
	lab_fail "no netdev riposte table while riposte runs"
lab_tcpdump "$LAB_DIR/fw.txt" tcp

for a in "$V4" "$V6"; do
	out=$(lab_c nc -z -v -w 3 "$a" 80 2>&1)
	rc=$?
	[ "$rc" = 0 ] || lab_fail "nc -z $a 80 with the firewall: exit $rc: $out"
	lab_ok "nc -z $a 80 connects ($out)"
	r=$(lab_tcp_probe "$a" 80)
	[ "$r" = open ] ||
		lab_fail "python connect($a, 80) with the firewall: $r, want open"
	lab_ok "python connect($a, 80): handshake complete, no RST for 1 s"
	r=$(lab_tcp_probe "$a" 443)
	[ "$r" = refused ] ||
		lab_fail "python connect($a, 443) (closed): $r, want refused"
	lab_ok "python connect($a, 443): refused by riposte's RST,ACK"
done
for a in "$V4" "$V6"; do
	lab_grep_wait "$LAB_DIR/fw.txt" "^[0-9:.]+ IP6? $a\.80 > .*Flags \[S\.\]" ||
		lab_fail "no SYN-ACK from $a.80 in the client's capture"
done
lab_tcpdump_stop
if grep -E "^[0-9:.]+ IP6? ($V4|$V6)\.80 > .*Flags \[R" "$LAB_DIR/fw.txt"; then
	lab_fail "a RST from port 80 reached the client despite the firewall"
fi
lab_ok "client capture: SYN-ACKs from port 80, no RST from port 80"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"

# --- 2. The same without the table: the kernel resets -----------------------
lab_riposte -v --no-firewall "$LAB_DIR/connect.rules" ||
	lab_fail "riposte --no-firewall did not start"
if lab_r nft list tables | grep riposte; then
	lab_fail "--no-firewall installed a table"
fi
lab_tcpdump "$LAB_DIR/nofw.txt" tcp
for a in "$V4" "$V6"; do
	r=$(lab_tcp_probe "$a" 80)
	case $r in
	refused | reset) lab_ok "no firewall: python connect($a, 80): $r" ;;
	*) lab_fail "no firewall: python connect($a, 80): $r, want refused or reset" ;;
	esac
	out=$(lab_c nc -z -v -w 3 "$a" 80 2>&1)
	lab_log "   (no firewall: nc -z $a 80 exit $?: $out)"
done
# syn_ports: the client ports of the SYNs to port 80 in the capture.
syn_ports()
{
	sed -nE "s/^[0-9:.]+ IP6? ($LAB_C4|$LAB_C6)\.([0-9]+) > ($V4|$V6)\.80: Flags \[S\],.*/\2/p" \
		"$LAB_DIR/nofw.txt" | sort -u
}
got_rst() { grep -qE "^[0-9:.]+ IP6? ($V4|$V6)\.80 > ($LAB_C4|$LAB_C6)\.$1: Flags \[R" \
	"$LAB_DIR/nofw.txt"; }
# every_syn_reset: the 4 SYNs (2 per address) are in the capture, each
# with a RST from port 80 back.
every_syn_reset()
{
	local p n=0
	for p in $(syn_ports); do
		got_rst "$p" || return 1
		n=$((n + 1))
	done
	[ "$n" -ge 4 ]
}
lab_wait 100 0.05 every_syn_reset ||
	{ cat "$LAB_DIR/nofw.txt"; lab_fail "not every SYN to port 80 got a RST in the client's capture"; }
lab_tcpdump_stop
lab_riposte_stop TERM
# riposte did not send those RSTs: it narrates every frame it sends, and to
# these ports it sent SYN-ACKs only.  (Other RSTs may be riposte's: a FIN
# still retransmitted from part 1 belongs to no connection this riposte
# knows.)
ports=$(syn_ports)
for p in $ports; do
	# The -v ladder: the connection's number from its header, then
	# riposte's arrows in it.
	ids=$(grep -E "^#[0-9]+ client ($LAB_C4|$LAB_C6)\.$p <-> riposte ($V4|$V6)\.80$" \
		"$RIPOSTE_ERR" | cut -d' ' -f1)
	[ -n "$ids" ] || lab_fail "riposte did not narrate a connection from port $p"
	synack=0
	for id in $ids; do
		grep -qE -- "^[0-9:.]+ $id +\|<-+S\.--\|" "$RIPOSTE_ERR" && synack=1
		if grep -E -- "^[0-9:.]+ $id +\|<-+R\.?--\|" "$RIPOSTE_ERR"; then
			lab_fail "riposte itself sent the RST to port $p"
		fi
	done
	[ $synack = 1 ] || lab_fail "riposte did not narrate its SYN-ACK to port $p"
done
lab_ok "client capture: each SYN got the kernel's RST (riposte sent SYN-ACKs only):" $ports
echo "test_connect: all checks passed"
