#!/bin/bash
# test_nmap.sh - nmap -sS and -sU, over IPv4 and IPv6, of a virtual host see
# exactly the open, closed and filtered ports its rules say: each port of
# each scan, read from nmap's grepable output (-oG), must have the state
# the rule gives it, and nmap must find the host up by its own discovery
# (ARP, neighbour solicitation, ping).
#
#   bash tests/live/test_nmap.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up nmap

cat >"$LAB_DIR/nmap.rules" <<'EOF'
host 198.51.100.30, 2001:db8::30 {
	mac 02:00:00:00:00:30
	tcp 22,80 open
	tcp 443,8443 closed
	tcp 21 filtered
	udp 53 open { reply hex "00 00 81 80 00 00 00 00 00 00 00 00" }
	udp 54,55 closed
	udp * filtered
}
EOF
TCP_PORTS=21,22,23,80,443,8080,8443
TCP_WANT="21/filtered 22/open 23/filtered 80/open 443/closed 8080/filtered 8443/closed"
UDP_PORTS=53,54,55,56
# nmap cannot tell a silent UDP port from an open one that ignores its probe.
UDP_WANT="53/open 54/closed 55/closed 56/open|filtered"

lab_riposte "$LAB_DIR/nmap.rules" || lab_fail "riposte did not start"

# scan NAME WANT NMAP-ARGS...: run nmap -oG, compare port by port.
scan()
{
	local name=$1 want=$2 out got
	shift 2
	out="$LAB_DIR/$name.gnmap"
	lab_c timeout -k 5 120 nmap -n --max-retries 1 --host-timeout 60s \
		-oG "$out" "$@" >"$LAB_DIR/$name.txt" 2>&1 ||
		lab_fail "$name: nmap failed: $(cat "$LAB_DIR/$name.txt")"
	grep -q 'Status: Up' "$out" ||
		lab_fail "$name: nmap did not find the host up: $(cat "$out")"
	got=$(sed -n 's/.*Ports: //p' "$out" | tr ',' '\n' |
		sed 's/^ *//' | cut -d/ -f1,2 | tr '\n' ' ' | sed 's/ *$//')
	if [ "$got" != "$want" ]; then
		cat "$LAB_DIR/$name.txt"
		lab_fail "$name: nmap saw '$got', rules say '$want'"
	fi
	lab_ok "$name: $got"
}

scan syn4 "$TCP_WANT" -sS -p "$TCP_PORTS" 198.51.100.30
scan udp4 "$UDP_WANT" -sU -p "$UDP_PORTS" 198.51.100.30
scan syn6 "$TCP_WANT" -6 -sS -p "$TCP_PORTS" 2001:db8::30
scan udp6 "$UDP_WANT" -6 -sU -p "$UDP_PORTS" 2001:db8::30

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_nmap: all checks passed"
