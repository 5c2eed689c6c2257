#!/bin/bash
# test_vlan.sh - a host answers on the VLAN a request came on, through the
# live path: the kernel's capture filter (the veth takes the outer tag off
# into the frame's metadata, libpcap puts it back), the host rules, the
# reply with the request's tags.  From c0, `riposte send --wait` asks for
# 198.51.100.44 with ARP untagged, under one 802.1Q tag and under two
# (802.1ad 7, 802.1Q 8), and pings it under two: each answer carries the
# tags of its request.
#
#   bash tests/live/test_vlan.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up vlan

V4=198.51.100.44
MAC=02:00:00:00:00:44
cat >"$LAB_DIR/vlan.rules" <<EOF
host $V4 {
	mac $MAC
	arp on
	ping on
}
EOF
lab_riposte "$LAB_DIR/vlan.rules" || lab_fail "riposte did not start"

# ask WHAT TEMPLATE ERE...: send TEMPLATE from c0, wait for its answer,
# which must have a line matching each ERE.
ask()
{
	local what=$1 tmpl=$2 out="$LAB_DIR/send.out" re
	shift 2
	lab_c timeout -k 2 20 "$RIPOSTE" send -i "$LAB_CIF" --wait 5000 \
		"$tmpl" </dev/null >"$out" 2>"$LAB_DIR/send.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		cat "$out" "$LAB_DIR/send.err"
		lab_fail "$what: send exit $rc, want 0 (an answer)"
	fi
	for re in "$@"; do
		grep -Eq "$re" "$out" || {
			cat "$out"
			lab_fail "$what: no line matching '$re' in the answer"
		}
	done
	lab_ok "$what: $(sed -n 2p "$out" | cut -c 1-100)"
}

BC='Ether(dst="ff:ff:ff:ff:ff:ff")'
ask "ARP, untagged" "$BC/ARP(pdst=\"$V4\")" \
	"^  arp\\.hwsrc = $MAC\$" "^  arp\\.hwdst = $LAB_CMAC\$"
ask "ARP under 802.1Q 7" "$BC/Dot1Q(vlan=7)/ARP(pdst=\"$V4\")" \
	'^  dot1q\.vlan = 7$' "^  arp\\.hwsrc = $MAC\$" "^  arp\\.psrc = $V4\$"
ask "ARP under 802.1ad 7, 802.1Q 8" \
	"$BC/Dot1AD(vlan=7)/Dot1Q(vlan=8)/ARP(pdst=\"$V4\")" \
	'^  dot1ad\.vlan = 7$' '^  dot1q\.vlan = 8$' "^  arp\\.hwsrc = $MAC\$"
ask "echo request under 802.1ad 7, 802.1Q 8" \
	"Ether(dst=\"$MAC\")/Dot1AD(vlan=7)/Dot1Q(vlan=8)/IP(dst=\"$V4\")/ICMP(id=9, seq=1)" \
	'^  dot1ad\.vlan = 7$' '^  dot1q\.vlan = 8$' '^  icmp\.type = 0$' \
	"^  ip\\.src = $V4\$" "^  eth\\.src = $MAC\$"
lab_riposte_stop TERM
grep -q 'rule 1 arp (line 1): matched 3' "$RIPOSTE_ERR" ||
	lab_fail "riposte's counters: not 3 ARP requests matched"
lab_ok "riposte counted: $(grep -E 'rule [12] ' "$RIPOSTE_ERR" | tr -s ' ' | tr '\n' ';')"
echo "test_vlan: all checks passed"
