#!/bin/bash
# test_segments.sh - riposte's segments respect the peer's MSS and its
# advertised window, with the kernel's TCP as the peer:
#   1. a client whose route says advmss 536 (IPv4 and IPv6) gets the whole
#      1 MiB body, and no segment of riposte's carries more than 536 bytes
#      of data and options together (RFC 9293 3.7.1: the options count
#      against the MSS);
#   2. a client with a 4 KiB receive buffer that reads slowly gets the
#      whole body, and no segment of riposte's goes past the right edge of
#      the window the client advertised (its ACK plus its window, scaled).
# A capture on the client's interface (tcpdump -w), read back with Scapy,
# is the judge.
#
#   bash tests/live/test_segments.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up segments

V4=198.51.100.10
V6=2001:db8::10
head -c 1048576 /dev/urandom >"$LAB_DIR/body.bin" || lab_fail "body"
printf 'HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n' \
	>"$LAB_DIR/head.http"
cat >"$LAB_DIR/seg.rules" <<EOF
host $V4, $V6 {
	mac 02:00:00:00:00:10
	personality linux
	tcp 80 open {
		on "GET " { send file "head.http"; send file "body.bin"; close }
	}
}
EOF
lab_riposte "$LAB_DIR/seg.rules" || lab_fail "riposte did not start"

# check_pcap PCAP MODE: Scapy's verdict on riposte's segments in PCAP.
#   mss N    every segment's data plus options is at most N bytes
#   window   no segment ends past the client's advertised right edge
check_pcap()
{
	/usr/bin/python3 - "$@" <<'PY'
import sys
from scapy.all import rdpcap, Ether, IP, IPv6, TCP
path, mode = sys.argv[1], sys.argv[2]
server = {"198.51.100.10", "2001:db8::10"}
segs = biggest = 0
wscale = {}          # client port -> its window scale (from its SYN)
edge = {}            # client port -> the furthest right edge it offered
bad = []
for f in rdpcap(path):
    if TCP not in f:
        continue
    t = f[TCP]
    if IP in f:
        ip = f[IP]
        plen = ip.len - ip.ihl * 4 - t.dataofs * 4
    else:
        ip = f[IPv6]
        plen = ip.plen - t.dataofs * 4
    olen = t.dataofs * 4 - 20
    if ip.dst in server:
        # The client: its SYN's scale, its ACKs' right edges.
        if t.flags.S:
            wscale[t.sport] = dict(t.options).get("WScale", 0) or 0
            continue
        if t.flags.A:
            e = (t.ack + (t.window << wscale.get(t.sport, 0))) % 2**32
            old = edge.get(t.sport)
            if old is None or (e - old) % 2**32 < 2**31:
                edge[t.sport] = e
        continue
    if ip.src not in server or plen <= 0:
        continue
    segs += 1
    biggest = max(biggest, plen + olen)
    if mode == "mss" and plen + olen > int(sys.argv[3]):
        bad.append("seq %d: %d data + %d options > %s" %
                   (t.seq, plen, olen, sys.argv[3]))
    if mode == "window":
        e = edge.get(t.dport)
        end = (t.seq + plen) % 2**32
        if e is None or (end - e) % 2**32 not in (0,) and \
           (end - e) % 2**32 < 2**31:
            bad.append("seq %d len %d ends past the edge %s" %
                       (t.seq, plen, e))
print("%d data segments, the largest %d bytes of data and options" %
      (segs, biggest))
for b in bad[:5]:
    print("  " + b)
sys.exit(1 if bad or not segs else 0)
PY
}

# --- 1. MSS 536 ---------------------------------------------------------------
lab_c ip route add "$V4/32" dev "$LAB_CIF" advmss 536 || lab_fail "route v4"
lab_c ip -6 route add "$V6/128" dev "$LAB_CIF" advmss 536 || lab_fail "route v6"
for url in "http://$V4/" "http://[$V6]/"; do
	lab_tcpdump "$LAB_DIR/mss.txt" -s 128 -w "$LAB_DIR/mss.pcap" tcp port 80
	got=$(lab_c curl -g -s -m 60 -o "$LAB_DIR/mss.out" -w '%{http_code} %{size_download}' "$url")
	lab_tcpdump_stop
	[ "$got" = "200 1048576" ] || lab_fail "curl $url (advmss 536): $got"
	cmp -s "$LAB_DIR/body.bin" "$LAB_DIR/mss.out" ||
		lab_fail "curl $url (advmss 536): the body differs"
	grep -q 'mss 536' <(tcpdump -nr "$LAB_DIR/mss.pcap" 2>/dev/null | head -n 1) ||
		lab_fail "the client's SYN did not offer MSS 536"
	out=$(check_pcap "$LAB_DIR/mss.pcap" mss 536) ||
		lab_fail "curl $url (advmss 536): $out"
	lab_ok "curl $url with MSS 536: identical body; $out"
done
lab_c ip route del "$V4/32" dev "$LAB_CIF"
lab_c ip -6 route del "$V6/128" dev "$LAB_CIF"

# --- 2. A 4 KiB receive buffer, read slowly -----------------------------------
lab_tcpdump "$LAB_DIR/win.txt" -s 128 -w "$LAB_DIR/win.pcap" tcp port 80
out=$(lab_c timeout -k 2 120 /usr/bin/python3 - "$V4" "$LAB_DIR/win.out" <<'PY' 2>&1
import socket, sys, time
addr, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.settimeout(30)
s.connect((addr, 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = bytearray()
n = 0
while True:
    b = s.recv(1024)
    if not b:
        break
    data += b
    n += 1
    # Slowly at first, so the window fills and closes: a reader that
    # keeps up would never show it.
    if len(data) < 128 * 1024 and n % 4 == 0:
        time.sleep(0.002)
open(path, "wb").write(data[data.index(b"\r\n\r\n") + 4:])
print("read %d bytes, rcvbuf %d" % (len(data),
      s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)))
PY
) || lab_fail "slow 4 KiB reader: $out"
lab_tcpdump_stop
cmp -s "$LAB_DIR/body.bin" "$LAB_DIR/win.out" ||
	lab_fail "slow 4 KiB reader: the body differs ($out)"
zero=$(tcpdump -nr "$LAB_DIR/win.pcap" 2>/dev/null | grep -c "$LAB_C4\.[0-9]* > $V4\.80: .* win 0,")
res=$(check_pcap "$LAB_DIR/win.pcap" window) ||
	lab_fail "slow 4 KiB reader: $res"
lab_ok "4 KiB receive buffer, slow reader: identical body ($out); the client" \
	"advertised a zero window $zero times; $res, none past the window"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_segments: all checks passed"
