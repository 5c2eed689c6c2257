#!/bin/bash
# test_reflect.sh - riposte is no reflector:
#   1. a flood of SYNs from one spoofed source gets at most the source
#      limit's answers (set source_limit 1000: the burst of a second, then
#      1000 a second), and each SYN-ACK is no bigger than its SYN;
#   2. the same flood from 256 sources, with no per-source limit, gets at
#      most the global limit's answers (set global_limit 2000);
#   3. a UDP flood from one source to a closed port gets at most the
#      source limit's ICMP port unreachables;
#   4. nothing answers a broadcast or multicast source (Ethernet or IP),
#      an ICMP error, or a fragment (a non-first one least of all) with an
#      ICMP error;
#   5. before a handshake completes, no more bytes: a SYN without options
#      gets a SYN-ACK without options, and no SYN-ACK again on a timer.
# Counted on the client's side with the generator's own receive ring
# (tests/bench/syngen.c) and Scapy; riposte's counters say "over limit".
#
#   bash tests/live/test_reflect.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up reflect

V4=198.51.100.10
HMAC=02:00:00:00:00:10
cc -std=c11 -O2 -Wall -pthread -o "$LAB_DIR/syngen" "$here/../bench/syngen.c" ||
	lab_fail "cannot build syngen"
# The flood's sources are not the client's: its kernel ignores the
# answers (they are not for its addresses).
flood()
{
	lab_c "$LAB_DIR/syngen" -i "$LAB_CIF" -s "$LAB_CMAC" -d "$HMAC" \
		-D "$V4" -p 80 "$@"
}
# field NAME LINE: the value of NAME=... in syngen's output.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
over_limit()
{
	kill -USR1 "$RIPOSTE_PID"
	lab_wait 40 0.05 grep -q 'over limit' "$RIPOSTE_ERR"
	grep 'over limit' "$RIPOSTE_ERR" | tail -n 1 | sed 's/.*: //'
}

# --- 1. one source ---------------------------------------------------------
cat >"$LAB_DIR/one.rules" <<EOF
set source_limit 1000
host $V4 {
	mac $HMAC
	tcp 80 open
	udp * closed
}
EOF
lab_riposte "$LAB_DIR/one.rules" || lab_fail "riposte did not start"
out=$(flood -S 192.0.2.77 -n 1 -r 10000 -t 2 -c 20000 -w 300) ||
	lab_fail "syngen: $out"
sent=$(field sent "$out")
answered=$(field answered "$out")
# At most the burst (1000) and 2 s of refill (2000), with slack for the
# generator's pacing (what it reports as its sending time).
secs=$(field secs "$out")
max=$(awk -v s="$secs" 'BEGIN { printf "%d", 1000 + 1000 * (s + 0.3) }')
[ "${answered:-0}" -le "$max" ] ||
	lab_fail "one source: $answered of $sent SYNs answered, more than $max"
[ "${answered:-0}" -ge 1000 ] ||
	lab_fail "one source: only $answered answered (the limit is 1000/s)"
lab_ok "one source, $sent SYNs in ${secs}s: $answered answered (limit 1000/s," \
	"burst 1000: at most $max); riposte: $(over_limit) over limit"

# Sizes: the SYNs as riposte's interface receives them, the SYN-ACKs as
# the client's does (frames sent past the qdisc show only where they
# arrive).
ip netns exec "$LAB_R" tcpdump --immediate-mode -l -n -e -i "$LAB_RIF" \
	-c 5 'tcp[tcpflags] == tcp-syn' >"$LAB_DIR/syns.txt" 2>/dev/null &
TDR=$!
LAB_PIDS="$LAB_PIDS $TDR"
lab_tcpdump "$LAB_DIR/sizes.txt" -e -c 5 tcp
sleep 0.3
flood -S 192.0.2.78 -n 1 -r 10 -t 1 -c 5 -w 300 >/dev/null
lab_tcpdump_stop
lab_reap "$TDR" INT
len_of() { sed -n 's/.*length \([0-9]*\):.*/\1/p' "$1" | sort -n | "$2" -n 1; }
syn_len=$(len_of "$LAB_DIR/syns.txt" head)
sa_len=$(len_of "$LAB_DIR/sizes.txt" tail)
[ -n "$syn_len" ] && [ -n "$sa_len" ] && [ "$sa_len" -le "$syn_len" ] ||
	lab_fail "a SYN-ACK of ${sa_len:-?} bytes to a SYN of ${syn_len:-?}"
lab_ok "each SYN-ACK (at most $sa_len bytes on the wire) no bigger than its" \
	"SYN (at least $syn_len)"

# --- 3. UDP to a closed port from one source ---------------------------------
# riposte's own counters judge: its replies and its "over limit" drops
# for the datagrams, sent as fast as a raw socket goes.
counter_of() { grep "^riposte: $1" "$RIPOSTE_ERR" | tail -n 1 | sed 's/.*[ :] //'; }
snapshot()
{
	local before
	before=$(grep -c '^riposte: frames ' "$RIPOSTE_ERR")
	kill -USR1 "$RIPOSTE_PID"
	lab_wait 100 0.05 eval \
		'[ "$(grep -c "^riposte: frames " "$RIPOSTE_ERR")" -gt '"$before"' ]'
	echo "$(lab_counter replies) $(counter_of '  over limit')" \
		"$(lab_counter 'capture drops')"
}
set -- $(snapshot)
r0=$1 o0=$2 d0=$3
out=$(lab_c timeout -k 2 60 /usr/bin/python3 - "$LAB_CIF" "$HMAC" "$V4" <<'PY' 2>&1
import socket, sys, time
from scapy.all import Ether, IP, UDP
iface, mac, dst = sys.argv[1:4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
frames = [bytes(Ether(dst=mac, src="02:00:00:00:0b:01") /
                IP(src="192.0.2.90", dst=dst) / UDP(sport=4000 + i, dport=9999) /
                b"x") for i in range(3000)]
t0 = time.time()
for f in frames:
    for _ in range(100):
        try:
            s.send(f)
            break
        except OSError:
            time.sleep(0.001)
print("%.2f" % (time.time() - t0))
PY
) || lab_fail "UDP flood: $out"
sleep 0.5
set -- $(snapshot)
replies=$(($1 - r0)) over=$(($2 - o0)) lost=$(($3 - d0))
max=$(awk -v s="$out" 'BEGIN { printf "%d", 1000 + 1000 * (s + 0.6) }')
[ "$replies" -le "$max" ] && [ "$over" -ge 1 ] &&
	[ $((replies + over + lost)) -eq 3000 ] ||
	lab_fail "UDP from one source: $replies answered, $over over limit," \
		"$lost lost by the capture ring (at most $max answers)"
lab_ok "UDP to a closed port from one source: 3000 datagrams in ${out}s," \
	"$replies port unreachables, $over over the limit of 1000/s" \
	"($lost not captured: the ring was full)"

# --- 4. what is never answered -------------------------------------------------
out=$(lab_c timeout -k 2 60 /usr/bin/python3 - "$LAB_CIF" "$HMAC" "$V4" <<'PY' 2>&1
import sys, time
from scapy.all import (Ether, IP, UDP, ICMP, TCP, conf, AsyncSniffer,
                       fragment)
conf.verb = 0
iface, mac, dst = sys.argv[1:4]
s = conf.L2socket(iface=iface)
me = "02:00:00:00:0b:01"
cases = [
    ("an Ethernet multicast source",
     Ether(dst=mac, src="03:00:00:00:00:01") / IP(src="192.0.2.91", dst=dst) /
     UDP(sport=1, dport=9999)),
    ("an IP broadcast source",
     Ether(dst=mac, src=me) / IP(src="255.255.255.255", dst=dst) /
     UDP(sport=1, dport=9999)),
    ("an IP multicast source",
     Ether(dst=mac, src=me) / IP(src="224.0.0.9", dst=dst) /
     TCP(sport=1, dport=80, flags="S")),
    ("an ICMP error",
     Ether(dst=mac, src=me) / IP(src="192.0.2.92", dst=dst) /
     ICMP(type=3, code=3) / IP(src=dst, dst="192.0.2.92") /
     UDP(sport=9999, dport=1)),
]
big = IP(src="192.0.2.93", dst=dst, id=7) / UDP(sport=2, dport=9999) / \
    (b"y" * 64)
frags = fragment(big, fragsize=24)
cases.append(("a non-first fragment", Ether(dst=mac, src=me) / frags[1]))
cases.append(("a first fragment", Ether(dst=mac, src=me) / frags[0]))
bad = []
for name, f in cases:
    sn = AsyncSniffer(iface=iface, store=True,
                      lfilter=lambda p: p.src == mac)
    sn.start()
    time.sleep(0.2)
    s.send(f)
    time.sleep(0.6)
    sn.stop()
    got = [p.summary() for p in sn.results if not p.haslayer("ARP")]
    print("%-28s %s" % (name + ":", "answered: " + "; ".join(got)
                         if got else "no answer"))
    if got:
        bad.append(name)
sys.exit(1 if bad else 0)
PY
) || lab_fail "answers that must not be: $out"
lab_ok "never answered:"
echo "$out" | sed 's/^/     /'

# --- 5. no more bytes before the handshake ---------------------------------------
out=$(lab_c timeout -k 2 30 /usr/bin/python3 - "$LAB_CIF" "$HMAC" "$V4" <<'PY' 2>&1
import sys, time
from scapy.all import Ether, IP, TCP, conf, AsyncSniffer
conf.verb = 0
iface, mac, dst = sys.argv[1:4]
s = conf.L2socket(iface=iface)
sn = AsyncSniffer(iface=iface, store=True,
                  lfilter=lambda p: TCP in p and p[TCP].sport == 80 and
                  p[TCP].dport == 45000)
sn.start()
time.sleep(0.2)
syn = Ether(dst=mac, src="02:00:00:00:0b:01") / \
    IP(src="192.0.2.94", dst=dst) / TCP(sport=45000, dport=80, flags="S")
s.send(syn)
time.sleep(2.5)
sn.stop()
r = sn.results
print("a %d-byte SYN without options: %d SYN-ACK(s) in 2.5 s, %s" % (
    len(bytes(syn)), len(r), ", ".join("%d bytes, options %s" % (
        len(bytes(p)), p[TCP].options) for p in r)))
sys.exit(0 if len(r) == 1 and len(bytes(r[0])) <= len(bytes(syn)) and
         not r[0][TCP].options else 1)
PY
) || lab_fail "no amplification: $out"
lab_ok "$out"
lab_riposte_stop TERM

# --- 2. many sources, the global limit ------------------------------------------
cat >"$LAB_DIR/all.rules" <<EOF
set source_limit 0
set global_limit 2000
host $V4 {
	mac $HMAC
	tcp 80 open
}
EOF
lab_riposte "$LAB_DIR/all.rules" || lab_fail "riposte did not start"
out=$(flood -S 192.0.2.0 -n 256 -r 10000 -t 2 -c 20000 -w 300) ||
	lab_fail "syngen: $out"
answered=$(field answered "$out")
secs=$(field secs "$out")
max=$(awk -v s="$secs" 'BEGIN { printf "%d", 2000 + 2000 * (s + 0.3) }')
[ "${answered:-0}" -le "$max" ] && [ "${answered:-0}" -ge 2000 ] ||
	lab_fail "256 sources: $answered answered, want 2000 to $max"
lab_ok "256 sources, $(field sent "$out") SYNs in ${secs}s: $answered answered" \
	"(global limit 2000/s: at most $max)"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_reflect: all checks passed"
