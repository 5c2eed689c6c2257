#!/bin/bash
# test_ping.sh - ping and ping -6 to virtual addresses configured nowhere:
# riposte answers the ARP request and the neighbour solicitation (the
# client's neighbour table then holds the host's MAC from the rules) and
# every echo request.  An address the rules do not name stays silent.
#
#   bash tests/live/test_ping.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up ping

V4=198.51.100.40
V6=2001:db8::40
MAC=02:00:00:00:00:40
cat >"$LAB_DIR/ping.rules" <<EOF
host $V4, $V6 {
	mac $MAC
	ping on
}
EOF

for ns in "$LAB_R" "$LAB_C"; do
	if ip -n "$ns" addr | grep -E " ($V4|$V6)/"; then
		lab_fail "$V4 or $V6 is configured in $ns"
	fi
done
lab_riposte -v "$LAB_DIR/ping.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/ping.txt" -e icmp or icmp6 or arp

for a in "$V4" "$V6"; do
	if [ "$a" = "$V6" ]; then fam=-6; else fam=-4; fi
	out=$(lab_c ping "$fam" -n -c 3 -i 0.2 -W 2 "$a" 2>&1)
	# Every request must be answered by riposte (its narration says so);
	# the client must get them, but a loaded machine may lose one on the
	# veth backlog, which is not riposte's doing.
	echo "$out" | grep -Eq '3 packets transmitted, [23] received' ||
		lab_fail "ping $fam $a: $out"
	# Its -v ladder: an arrow from riposte's rail per reply.
	if [ "$fam" = -6 ]; then want="\|<-+ICMP6--\| IP6 $a > .*echo reply"
	else want="\|<-+ICMP--\| IP $a > .*echo reply"; fi
	n=$(grep -cE -- "$want" "$RIPOSTE_ERR")
	[ "$n" -ge 3 ] || lab_fail "riposte sent $n echo replies from $a, want 3"
	lab_ok "ping $fam $a: $(echo "$out" | grep 'packets transmitted'); riposte sent $n replies"
	neigh=$(lab_c ip neigh show "$a" dev "$LAB_CIF")
	echo "$neigh" | grep -q "lladdr $MAC" ||
		lab_fail "client neighbour entry for $a: '$neigh', want lladdr $MAC"
	lab_ok "client neighbour table: $neigh"
done
# The echo replies come from the host's MAC, and the ND answer carries it.
lab_grep_wait "$LAB_DIR/ping.txt" "^[0-9:.]+ $MAC > $LAB_CMAC, .* $V4 > $LAB_C4: ICMP echo reply" ||
	lab_fail "no echo reply from $MAC in the client's capture"
lab_grep_wait "$LAB_DIR/ping.txt" "^[0-9:.]+ $MAC > $LAB_CMAC, .* $V6 > $LAB_C6: ICMP6, echo reply" ||
	lab_fail "no ICMPv6 echo reply from $MAC in the client's capture"
lab_grep_wait "$LAB_DIR/ping.txt" "^[0-9:.]+ $MAC > $LAB_CMAC, .*neighbor advertisement, tgt is $V6" ||
	lab_fail "no neighbour advertisement from $MAC in the client's capture"
lab_grep_wait "$LAB_DIR/ping.txt" "^[0-9:.]+ $MAC > $LAB_CMAC, ethertype ARP .*Reply $V4 is-at $MAC" ||
	lab_fail "no ARP reply from $MAC in the client's capture"
lab_ok "client capture: ARP reply, NA and echo replies from $MAC"

# A neighbour address the rules do not name: nothing answers.
out=$(lab_c ping -4 -n -c 1 -W 1 198.51.100.41 2>&1) &&
	lab_fail "ping 198.51.100.41 (no rule) got an answer: $out"
lab_ok "ping 198.51.100.41 (not in the rules): no answer"
lab_tcpdump_stop

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
n=$(lab_counter sent)
[ "${n:-0}" -ge 8 ] || lab_fail "riposte counted $n replies sent, want >= 8"
lab_ok "riposte's counters: $n replies sent"
echo "test_ping: all checks passed"
