#!/bin/bash
# test_flows.sh - many connections, and a SYN flood against a small table:
#   1. 500 connections from the kernel's TCP, opened at once, each send a
#      request and each gets the whole response, and riposte's table is
#      empty once the clients have closed;
#   2. riposte with --flows-max 64 takes a flood of 100,000 SYNs from
#      spoofed sources (tests/bench/syngen.c: 256 addresses of
#      192.0.2.0/24, every source port); the table stays at or under 64
#      flows, SYN cookies answer the rest, a real connection made during
#      the flood completes and gets its response, and riposte's own heap
#      (RssAnon in /proc/PID/status: the capture ring is not heap) does not
#      grow with the flood: a second flood after the first adds nothing.
#
#   bash tests/live/test_flows.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up flows

V4=198.51.100.10
printf 'HTTP/1.1 200 OK\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n' \
	>"$LAB_DIR/resp.http"
head -c 3000 /dev/zero | tr '\0' 'x' >>"$LAB_DIR/resp.http"
cat >"$LAB_DIR/flows.rules" <<EOF
host $V4 {
	mac 02:00:00:00:00:10
	personality linux
	tcp 80 open { on "GET " { send file "resp.http"; close } }
}
EOF
cc -std=c11 -O2 -Wall -pthread -o "$LAB_DIR/syngen" "$here/../bench/syngen.c" ||
	lab_fail "cannot build syngen"

rss() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$RIPOSTE_PID/status"; }

# --- 1. 500 connections at once ------------------------------------------------
lab_riposte "$LAB_DIR/flows.rules" || lab_fail "riposte did not start"
out=$(lab_c timeout -k 2 120 /usr/bin/python3 - "$V4" 500 <<'PY' 2>&1
import selectors, socket, sys
addr, n = sys.argv[1], int(sys.argv[2])
sel = selectors.DefaultSelector()
want = 3000 + len(b"HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n"
                  b"Connection: close\r\n\r\n")
conns = {}
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex((addr, 80))
    conns[s] = {"sent": False, "got": b""}
    sel.register(s, selectors.EVENT_WRITE)
done = ok = 0
for _ in range(20000):
    if done == n:
        break
    for key, ev in sel.select(timeout=5):
        s, st = key.fileobj, conns[key.fileobj]
        if ev & selectors.EVENT_WRITE and not st["sent"]:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                print("connect failed: %d" % err); sys.exit(1)
            s.send(b"GET / HTTP/1.0\r\n\r\n")
            st["sent"] = True
            sel.modify(s, selectors.EVENT_READ)
            continue
        b = s.recv(65536)
        if b:
            st["got"] += b
            continue
        sel.unregister(s)
        s.close()
        done += 1
        ok += len(st["got"]) == want and st["got"].endswith(b"x" * 3000)
print("%d connections, %d complete responses" % (done, ok))
sys.exit(0 if ok == n else 1)
PY
) || lab_fail "500 connections: $out"
lab_ok "500 connections at once: $out"
# Each flow ends once the client's FIN is acknowledged: none stays.
no_flow_open() { lab_flows_line | grep -q '^flows [0-9]* (0 open,'; }
lab_wait 100 0.05 no_flow_open ||
	lab_fail "flows left open after 500 closed connections: $(lab_flows_line)"
lab_ok "every flow ended: $(lab_flows_line)"
lab_riposte_stop TERM

# --- 2. flows-max 64 and 100,000 spoofed SYNs --------------------------------
lab_riposte --flows-max 64 "$LAB_DIR/flows.rules" ||
	lab_fail "riposte --flows-max 64 did not start"
# The flood's sources are not on the client's link: its kernel must not
# answer riposte's SYN-ACKs to them (it would not: they are not its own).
flood()
{
	lab_c "$LAB_DIR/syngen" -i "$LAB_CIF" -s "$LAB_CMAC" -d 02:00:00:00:00:10 \
		-S 192.0.2.0 -n 256 -D "$V4" -p 80 -r 50000 -t 2 -c 100000 -w 300
}
# A real connection from the kernel's TCP, while the flood runs.
legit()
{
	lab_c timeout -k 2 30 /usr/bin/python3 - "$V4" <<'PY' 2>&1
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=10)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
print("response of %d bytes" % len(got))
sys.exit(0 if got.endswith(b"x" * 3000) else 1)
PY
}
lab_c ping -c 1 -W 2 "$V4" >/dev/null || lab_fail "no ARP/ping before the flood"
anon0=$(rss RssAnon)
flood >"$LAB_DIR/flood1.txt" 2>&1 &
fpid=$!
LAB_PIDS="$LAB_PIDS $fpid"
sleep 0.5
out=$(legit) || lab_fail "a connection during the flood: $out"
wait "$fpid"
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$fpid" | tr '\n' ' ')
lab_ok "a connection during the flood completes: $out"
lab_log "   flood: $(cat "$LAB_DIR/flood1.txt")"
line=$(lab_flows_line)
lab_log "   riposte: $line"
open=$(echo "$line" | sed -n 's/.*(\([0-9]*\) open.*/\1/p')
cookies=$(echo "$line" | sed -n 's/.*SYN cookies \([0-9]*\) sent.*/\1/p')
taken=$(echo "$line" | sed -n 's/.* \([0-9]*\) taken.*/\1/p')
[ "${open:-999}" -le 64 ] || lab_fail "$open flows open, over flows-max 64"
[ "${cookies:-0}" -ge 90000 ] ||
	lab_fail "only ${cookies:-0} SYN cookies for 100,000 SYNs to a full table"
[ "${taken:-0}" -ge 1 ] || lab_fail "the real connection's cookie was not taken"
anon1=$(rss RssAnon)
flood >"$LAB_DIR/flood2.txt" 2>&1 || lab_fail "second flood"
anon2=$(rss RssAnon)
line=$(lab_flows_line)
open=$(echo "$line" | sed -n 's/.*(\([0-9]*\) open.*/\1/p')
[ "${open:-999}" -le 64 ] || lab_fail "$open flows open after the second flood"
lab_log "   RssAnon: ${anon0} kB before, ${anon1} kB after 100,000 SYNs," \
	"${anon2} kB after 100,000 more; RSS $(rss VmRSS) kB"
[ $((anon2 - anon1)) -le 256 ] ||
	lab_fail "the heap grew by $((anon2 - anon1)) kB in the second flood"
lab_ok "flows-max 64: at most 64 flows open, $cookies SYN cookies; the heap" \
	"grew $((anon1 - anon0)) kB in the first flood, $((anon2 - anon1)) kB in the second"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_flows: all checks passed"
