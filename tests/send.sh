#!/bin/sh
# SPDX-License-Identifier: MIT
#
# send.sh RIPOSTE - `riposte send` without root: frames written with -w
# read back by tcpdump (addresses, flags, a forged checksum), the same
# bytes as Scapy builds for the same packet, `random` seeded by --seed,
# template errors as one template:line:col line each with exit 2 and no
# file written, and the usage errors.  (tests/live/test_send.sh sends for
# real.)  Prints PASS/FAIL per check and "N passed, M failed"; exits 1
# when any failed.
set -u
R=${1:-./riposte}
PYTHON=${PYTHON:-/usr/bin/python3}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
t() { name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }

E='Ether(dst="02:00:00:00:0a:01", src="02:00:00:00:0b:01")'
IP4='IP(src="198.51.100.2", dst="198.51.100.1")'
SYN='TCP(sport=40000, dport=80, flags="S", seq=1000)'

t "send --help" sh -c "$R send --help | grep -q '^usage: riposte send'"

# -w: what tcpdump reads back.
"$R" send -w "$tmp/syn.pcap" "$E/$IP4/$SYN" > "$tmp/syn.out" 2>&1
t "-w exits 0 and prints nothing" sh -c "[ $? = 0 ] && [ ! -s $tmp/syn.out ]"
tcpdump -r "$tmp/syn.pcap" -nn -vv -e > "$tmp/syn.txt" 2>/dev/null
t "-w: tcpdump reads one frame" sh -c "[ \$(grep -c '^[0-9]' $tmp/syn.txt) = 1 ]"
t "-w: MACs" grep -q '02:00:00:00:0b:01 > 02:00:00:00:0a:01, ethertype IPv4' "$tmp/syn.txt"
t "-w: addresses, ports, flags, seq" grep -q \
	'198.51.100.2.40000 > 198.51.100.1.80: Flags \[S\], cksum 0x[0-9a-f]* (correct), seq 1000,' \
	"$tmp/syn.txt"

"$R" send -w "$tmp/bad.pcap" "$E/$IP4/TCP(dport=80, chksum=0x1234)" &&
	tcpdump -r "$tmp/bad.pcap" -nn -vv > "$tmp/bad.txt" 2>/dev/null
t "-w: TCP(chksum=0x1234) kept (tcpdump: incorrect)" \
	grep -q 'cksum 0x1234 (incorrect -> 0x' "$tmp/bad.txt"
"$R" send -w "$tmp/badip.pcap" "$E/IP(src=\"198.51.100.2\", dst=\"198.51.100.1\", chksum=0x1234)/UDP()" &&
	tcpdump -r "$tmp/badip.pcap" -nn -vv > "$tmp/badip.txt" 2>/dev/null
t "-w: IP(chksum=0x1234) kept (tcpdump: bad cksum)" \
	grep -q 'bad cksum 1234 (->' "$tmp/badip.txt"

"$R" send -w - "$E/IP(src=\"192.0.2.1\", dst=\"203.0.113.9\")/ICMP(id=7, seq=9)" 2>/dev/null |
	tcpdump -r - -nn > "$tmp/stdout.txt" 2>/dev/null
t "-w - writes standard output" grep -q \
	'192.0.2.1 > 203.0.113.9: ICMP echo request, id 7, seq 9' "$tmp/stdout.txt"

"$R" send -v -w "$tmp/v.pcap" "$E/$IP4/$SYN" > "$tmp/v.out" 2>&1
t "-v: the frame as show -v prints it, and the count" sh -c \
	"$R show -v -r $tmp/v.pcap > $tmp/v.show && printf '\nwrote 1 frame to %s\n' $tmp/v.pcap >> $tmp/v.show && cmp -s $tmp/v.out $tmp/v.show"

# The same bytes as Scapy's, for packets with every field fixed.
scapy_same()
{
	# $1: the template, for both (riposte's notation is Scapy's).
	"$R" send -w "$tmp/s.pcap" "$1" || return 1
	"$PYTHON" - "$tmp/s.pcap" "$1" <<'PY'
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMP, ARP, Raw, rdpcap, raw
from scapy.layers.inet6 import ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6ND_NA
from scapy.layers.inet6 import ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr
got = raw(rdpcap(sys.argv[1])[0])
want = raw(eval(sys.argv[2]))
if got != want:
    print("riposte: " + got.hex() + "\nscapy:   " + want.hex())
    sys.exit(1)
PY
}
if "$PYTHON" -c 'import scapy.all' 2>/dev/null; then
	t "scapy: Ether/IP/TCP SYN with options" scapy_same \
		"$E/IP(src=\"198.51.100.2\", dst=\"198.51.100.1\", id=7, ttl=61, flags=\"DF\")/TCP(sport=40000, dport=80, flags=\"S\", seq=1000, window=64240, options=[(\"MSS\", 1460), (\"SAckOK\", b\"\"), (\"Timestamp\", (1, 0)), (\"NOP\", None), (\"WScale\", 7)])"
	t "scapy: Ether/IPv6/UDP/Raw" scapy_same \
		"$E/IPv6(src=\"2001:db8::2\", dst=\"2001:db8::1\", hlim=17, fl=5)/UDP(sport=5353, dport=9999)/Raw(load=b\"hello, riposte\\x00\\xff\")"
	t "scapy: Ether/IP/ICMP echo/Raw" scapy_same \
		"$E/IP(src=\"192.0.2.1\", dst=\"203.0.113.9\", tos=16)/ICMP(id=0x1234, seq=3)/Raw(load=\"ping\")"
	t "scapy: Ether/ARP who-has" scapy_same \
		"Ether(dst=\"ff:ff:ff:ff:ff:ff\", src=\"02:00:00:00:0b:01\")/ARP(hwsrc=\"02:00:00:00:0b:01\", psrc=\"198.51.100.2\", pdst=\"198.51.100.1\")"
	t "scapy: Ether/IPv6/ICMPv6EchoRequest" scapy_same \
		"$E/IPv6(src=\"2001:db8::2\", dst=\"2001:db8::1\")/ICMPv6EchoRequest(id=9, seq=2, data=\"abc\")"
	# Neighbour discovery: hop limit 255 unless given, as Scapy's.
	t "scapy: Ether/IPv6/ICMPv6ND_NS/SrcLLAddr (hlim 255)" scapy_same \
		"$E/IPv6(src=\"2001:db8::2\", dst=\"ff02::1:ff00:1\")/ICMPv6ND_NS(tgt=\"2001:db8::1\")/ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:0b:01\")"
	t "scapy: Ether/IPv6/ICMPv6ND_NA/DstLLAddr" scapy_same \
		"$E/IPv6(src=\"2001:db8::1\", dst=\"2001:db8::2\", hlim=7)/ICMPv6ND_NA(tgt=\"2001:db8::1\", S=1)/ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:0a:01\")"
else
	echo "SKIP scapy: no Scapy for $PYTHON"
fi

# -c 3 with random: three seqs; the same three with the same --seed.
seqs()
{
	"$R" send -w "$tmp/r.pcap" -c 3 "$@" "$E/$IP4/TCP(dport=80, seq=random)" &&
		tcpdump -r "$tmp/r.pcap" -nn 2>/dev/null |
		sed -n 's/.* seq \([0-9]*\),.*/\1/p' | tr '\n' ' '
}
a=$(seqs --seed 42)
b=$(seqs --seed 42)
c=$(seqs --seed 43)
d=$(seqs)
t "-c 3 seq=random: three frames, three seqs" sh -c \
	"[ \$(echo '$a' | wc -w) = 3 ] && [ \$(printf '%s\n' $a | sort -u | wc -l) = 3 ]"
t "--seed 42 twice: the same seqs ($a)" test "$a" = "$b"
t "--seed 43: other seqs" test "$a" != "$c"
t "no --seed: a random seed" test "$a" != "$d"
h=$(seqs --seed 0x2a)
t "--seed 0x2a is 42, as run and replay read it" test "$a" = "$h"
t "--seed ' 42': refused (a blank is no digit)" sh -c \
	"! '$R' send -w '$tmp/x.pcap' --seed ' 42' 'IP(dst=\"192.0.2.1\")' 2>/dev/null"
"$R" send -w "$tmp/i.pcap" -c 3 --interval 250 "$E/$IP4/$SYN"
tcpdump -r "$tmp/i.pcap" -nn -tt 2>/dev/null | cut -d' ' -f1 > "$tmp/i.ts"
t "-w --interval 250: time stamps 250 ms apart" sh -c \
	"awk 'NR > 1 { d = \$1 - p; if (d < 0.2499 || d > 0.2501) exit 1 } { p = \$1 } END { exit NR != 3 }' $tmp/i.ts"

# Template errors: one line each, template:LINE:COL, exit 2, no file.
terr()
{
	# $1: the template; $2: the message wanted (an ERE after "error: ").
	rm -f "$tmp/e.pcap"
	"$R" send -w "$tmp/e.pcap" "$1" > "$tmp/e.out" 2> "$tmp/e.err"
	rc=$?
	[ $rc = 2 ] && [ ! -e "$tmp/e.pcap" ] && [ ! -s "$tmp/e.out" ] &&
		[ "$(wc -l < "$tmp/e.err")" = 1 ] &&
		grep -Eq "^riposte: send: template:$2\$" "$tmp/e.err" ||
		{ cat "$tmp/e.err"; return 1; }
}
# Columns count from the template's first byte.
L=$E/$IP4/
c=$((${#L} + 1))
t "error: unknown field" terr "$L""TCP(dprt=80)" \
	"1:$((c + 4)): error: TCP has no field 'dprt'"
t "error: unknown layer" terr "$L""TPC()" "1:$c: error: unknown layer 'TPC' .*"
t "error: bad address" terr "$E/IP(src=\"198.51.100.300\", dst=\"198.51.100.1\")" \
	"1:$((${#E} + 9)): error: \"198.51.100.300\" is not an IPv4 address for ip.src"
t "error: a MAC with a sign and a blank (sscanf's %x took them)" \
	terr "Ether(dst=\"-1:+2: 3:4:5:6\")/IP(dst=\"198.51.100.1\")" \
	"1:11: error: \"-1:\\+2: 3:4:5:6\" is not a MAC address for eth.dst"
t "error: a MAC of seven bytes" terr "Ether(src=\"02:00:00:00:00:01:02\")" \
	"1:11: error: \"02:00:00:00:00:01:02\" is not a MAC address for eth.src"
t "error: unclosed layer, at the template's end" terr "$L""TCP(dport=80" \
	"1:$((c + 12)): error: expected ',' or '\\)' after field 'dport' of TCP, got the end of the template"
t "error: text after the template" terr "$L""TCP() TCP()" \
	"1:$((c + 6)): error: unexpected 'TCP' after the template .*"
t "error: a brace" terr "$L""TCP() } rule x { drop" \
	"1:$((c + 6)): error: unexpected '\\}' in a template"
t "error: no destination" terr "$E/IP(src=\"198.51.100.2\")/TCP()" \
	"1:$((${#E} + 2)): error: IP needs the address to send to: dst=.*"
t "error: a request field" terr "$L""TCP(ack=tcp.seq+1)" \
	"1:$((c + 8)): error: 'tcp.seq' reads a received frame, and send has none.*"
t "error: on the template's second line" terr "$E/$IP4
/TCP(flags=\"SX\")" "2:12: error: bad flags \"SX\" for tcp.flags"
rm -f "$tmp/e.pcap"
"$R" send -w "$tmp/e.pcap" "$E/$IP4/TCP(dprt=80, sprt=1)" 2> "$tmp/e2.err"
t "two errors, two lines" sh -c "[ $? = 2 ] && [ \$(wc -l < $tmp/e2.err) = 2 ] && [ ! -e $tmp/e.pcap ]"
t "words joined with spaces" sh -c \
	"$R send -w $tmp/j.pcap 'Ether(dst=\"02:00:00:00:0a:01\")/IP(src=\"198.51.100.2\",' 'dst=\"198.51.100.1\")/TCP(dport=22)' && tcpdump -r $tmp/j.pcap -nn 2>/dev/null | grep -q '198.51.100.2.20 > 198.51.100.1.22:'"

# Usage errors: exit 2 and the usage.
uerr()
{
	"$R" send "$@" > "$tmp/u.out" 2> "$tmp/u.err"
	[ $? = 2 ] && grep -q '^usage: riposte send' "$tmp/u.err" &&
		[ ! -s "$tmp/u.out" ]
}
t "-i and -w together: usage error" uerr -i lo -w "$tmp/x.pcap" "$E/$IP4/$SYN"
t "neither -i nor -w: usage error" uerr "$E/$IP4/$SYN"
t "--wait with -w: usage error" uerr -w "$tmp/x.pcap" --wait "$E/$IP4/$SYN"
t "-c 0: usage error" uerr -w "$tmp/x.pcap" -c 0 "$E/$IP4/$SYN"
t "--interval x: usage error" uerr -w "$tmp/x.pcap" --interval x "$E/$IP4/$SYN"
t "no template: usage error" uerr -w "$tmp/x.pcap"
t "unknown option: usage error" uerr --frob -w "$tmp/x.pcap" "$E/$IP4/$SYN"
t "-i and -w: no file written" test ! -e "$tmp/x.pcap"
"$R" send -i nosuch0 "$E/$IP4/$SYN" > "$tmp/n.out" 2> "$tmp/n.err"
t "no such interface: one line, exit 2" sh -c \
	"[ $? = 2 ] && [ \"\$(cat $tmp/n.err)\" = 'riposte: send: no interface nosuch0 (see ip link)' ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
