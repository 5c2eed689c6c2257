#!/bin/bash
# test_tarpit.sh - the example files rules/tarpit.rules and
# rules/forge-bad-checksum.rules do on the wire what they teach:
#   - hping3's SYN to the tarpit host gets a SYN-ACK with window 0; a
#     Scapy SYN to another address of the net gets the template rule's
#     SYN-ACK (window 0, TTL 128, MSS 1460 only); the kernel's connect()
#     completes and then may not send a byte (its data waits in Send-Q);
#   - the forged SYN-ACK's TCP checksum 0xdead and the echo reply's IP
#     checksum 0x1234 arrive wrong: tcpdump -vv in the client's namespace
#     says "incorrect" and "bad cksum", and the client's kernel counts
#     them as checksum errors and drops them (ping gets no answer).
#
#   bash tests/live/test_tarpit.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up tarpit
RULES=$here/../../rules

# The tarpit's addresses are on the client's link.
lab_c ip route add 203.0.113.0/24 dev "$LAB_CIF" || lab_fail "route"

# --- 1. rules/tarpit.rules --------------------------------------------------
lab_riposte -v "$RULES/tarpit.rules" || lab_fail "riposte did not start"

out=$(lab_c timeout -k 2 10 hping3 -S -p 80 -c 1 203.0.113.7 2>&1)
line=$(echo "$out" | grep 'ip=203.0.113.7 ')
echo "$line" | grep -q ' flags=SA ' && echo "$line" | grep -q ' win=0 ' ||
	lab_fail "hping3 -S -p 80 203.0.113.7: want flags=SA win=0, got: $out"
lab_ok "hping3 SYN to the tarpit host: $line"

out=$(lab_c timeout -k 2 20 /usr/bin/python3 - "$LAB_CIF" "$LAB_RMAC" \
	"$LAB_C4" <<'PY' 2>&1
import sys
from scapy.all import Ether, IP, TCP, conf, srp1
conf.verb = 0
iface, mac, src = sys.argv[1:4]
r = srp1(Ether(dst=mac) / IP(src=src, dst="203.0.113.9") /
         TCP(sport=40000, dport=25, flags="S", seq=1000),
         iface=iface, timeout=3)
if r is None or TCP not in r:
    print("no answer"); sys.exit(1)
t = r[TCP]
print("flags=%s window=%d ack=%d ttl=%d options=%r" %
      (t.flags, t.window, t.ack, r[IP].ttl, t.options))
ok = (str(t.flags) == "SA" and t.window == 0 and t.ack == 1001 and
      r[IP].ttl == 128 and t.options == [("MSS", 1460)] and
      r[IP].src == "203.0.113.9" and t.sport == 25 and t.dport == 40000)
sys.exit(0 if ok else 1)
PY
) || lab_fail "Scapy SYN to 203.0.113.9:25 (rule tarpit-net): $out"
lab_ok "Scapy SYN to 203.0.113.9 (rule tarpit-net): $out"

# The kernel as the peer: the handshake completes, the data stays queued.
out=$(lab_c timeout -k 2 20 /usr/bin/python3 - <<'PY' 2>&1
import socket, subprocess, sys, time
s = socket.create_connection(("203.0.113.7", 80), timeout=3)
s.setblocking(False)
s.send(b"hello")
for _ in range(20):
    time.sleep(0.1)
    ss = subprocess.run(["ss", "-tn", "state", "established",
                         "dst", "203.0.113.7"], capture_output=True,
                        text=True).stdout
    rows = [l.split() for l in ss.splitlines()[1:] if l.strip()]
    if rows:
        break
print(ss.strip())
# Recv-Q Send-Q Local Peer: 5 bytes queued, none acknowledged.
sys.exit(0 if rows and rows[0][1] == "5" else 1)
PY
) || lab_fail "connect() to the tarpit: $out"
lab_ok "kernel connect() to 203.0.113.7:80 established, its 5 bytes held in Send-Q"
# In the -v ladder, a client's arrow with data has its length on it.
sent_data=$(grep -cE -- '\|--[FSRPUEW.]+ [1-9][0-9]*-*>\|' "$RIPOSTE_ERR")
[ "$sent_data" = 0 ] || lab_fail "the client sent data through a zero window"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"

# --- 2. rules/forge-bad-checksum.rules ---------------------------------------
V=198.51.100.50
lab_riposte -v --seed 1 "$RULES/forge-bad-checksum.rules" ||
	lab_fail "riposte did not start"
# The rules answer no ARP: tell the client where $V is.
lab_c ip neigh replace "$V" lladdr "$LAB_RMAC" dev "$LAB_CIF" nud permanent
counters() { lab_c nstat -asz TcpInCsumErrors IpExtInCsumErrors |
	awk -v k="$1" '$1 == k { print $2 }'; }
tcp0=$(counters TcpInCsumErrors)
ip0=$(counters IpExtInCsumErrors)
lab_tcpdump "$LAB_DIR/bad.txt" -vv src host "$V"

lab_c timeout -k 2 10 hping3 -S -p 8080 -s 40000 -k -M 1000 -c 1 "$V" \
	>"$LAB_DIR/hping.txt" 2>&1
out=$(lab_c ping -n -c 1 -W 1 "$V" 2>&1) &&
	lab_fail "ping $V: the client's kernel took a reply with a bad IP checksum: $out"
lab_grep_wait "$LAB_DIR/bad.txt" "$V\.8080 > $LAB_C4\.40000: Flags \[S\.\], cksum 0xdead \(incorrect -> 0x[0-9a-f]+\)" ||
	{ cat "$LAB_DIR/bad.txt"; lab_fail "tcpdump -vv did not see the SYN-ACK's checksum 0xdead as incorrect"; }
lab_grep_wait "$LAB_DIR/bad.txt" "proto ICMP \(1\), length 84, bad cksum 1234 \(->[0-9a-f]+\)!" ||
	{ cat "$LAB_DIR/bad.txt"; lab_fail "tcpdump -vv did not see the echo reply's IP checksum 0x1234 as bad"; }
lab_tcpdump_stop
lab_ok "tcpdump -vv in the client: TCP cksum 0xdead incorrect, IP cksum 1234 bad"
tcp1=$(counters TcpInCsumErrors)
ip1=$(counters IpExtInCsumErrors)
[ "$tcp1" -gt "$tcp0" ] ||
	lab_fail "client TcpInCsumErrors $tcp0 -> $tcp1: the bad SYN-ACK was not counted"
[ "$ip1" -gt "$ip0" ] ||
	lab_fail "client IpExtInCsumErrors $ip0 -> $ip1: the bad echo reply was not counted"
lab_ok "client kernel: TcpInCsumErrors $tcp0 -> $tcp1, IpExtInCsumErrors $ip0 -> $ip1"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_tarpit: all checks passed"
