#!/bin/bash
# test_close.sh - the ends of a connection, with the kernel's TCP as the
# client: its RST (close with SO_LINGER 0) and its FIN (shutdown, then
# close) each end riposte's flow at once: its counters show no flow open
# and one more reset or closed, and a capture on the client's side shows
# riposte's FIN answering the client's.  Then riposte's own close (a
# service that closes first): the client reads the end of the stream and
# the flow is gone once the client's FIN is acknowledged.
#
#   bash tests/live/test_close.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up close

V4=198.51.100.10
cat >"$LAB_DIR/close.rules" <<EOF
host $V4 {
	mac 02:00:00:00:00:10
	tcp 22 open { banner "SSH-2.0-OpenSSH_9.2p1\r\n" }
	tcp 79 open { banner "bye\r\n"; on any { close } }
}
EOF
lab_riposte "$LAB_DIR/close.rules" || lab_fail "riposte did not start"

counter() { lab_flows_line | sed -n "s/.*[(,] *\([0-9]*\) $1[,)].*/\1/p"; }
# open_is N: riposte holds N flows.
open_is() { [ "$(counter open)" = "$1" ]; }

# client MODE: connect to port 22, read the banner, then end as MODE says,
# holding the socket until the end has gone out.
client()
{
	lab_c timeout -k 2 20 /usr/bin/python3 - "$V4" "$1" <<'PY'
import socket, struct, sys, time
addr, mode = sys.argv[1], sys.argv[2]
s = socket.create_connection((addr, 22), timeout=5)
banner = s.recv(100)
if not banner.startswith(b"SSH-2.0-"):
    print("banner %r" % banner); sys.exit(1)
if mode == "rst":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print("banner read, then close with SO_LINGER 0 (RST)")
else:
    s.shutdown(socket.SHUT_WR)
    rest = s.recv(100)
    s.close()
    print("banner read, FIN sent, the server's FIN read (%d more bytes)" %
          len(rest))
    sys.exit(1 if rest else 0)
time.sleep(0.1)
PY
}

lab_wait 20 0.05 open_is 0 || lab_fail "flows open before any client"

# --- The client's RST ----------------------------------------------------------
r0=$(counter reset)
out=$(client rst) || lab_fail "RST client: $out"
lab_wait 20 0.05 open_is 0 ||
	lab_fail "the flow outlived the client's RST: $(lab_flows_line)"
r1=$(counter reset)
[ "$r1" = $((r0 + 1)) ] || lab_fail "reset count $r0 -> $r1, want one more"
lab_ok "$out: the flow is gone ($(lab_flows_line))"

# --- The client's FIN ----------------------------------------------------------
c0=$(counter closed)
lab_tcpdump "$LAB_DIR/fin.txt" -S tcp port 22
out=$(client fin) || lab_fail "FIN client: $out"
lab_wait 20 0.05 open_is 0 ||
	lab_fail "the flow outlived the client's FIN: $(lab_flows_line)"
c1=$(counter closed)
[ "$c1" = $((c0 + 1)) ] || lab_fail "closed count $c0 -> $c1, want one more"
lab_wait 40 0.05 grep -qE "> $LAB_C4\.[0-9]+: Flags \[F\.\]" "$LAB_DIR/fin.txt" ||
	lab_fail "no FIN from riposte in the capture: $(cat "$LAB_DIR/fin.txt")"
lab_tcpdump_stop
lab_ok "$out: the flow is gone ($(lab_flows_line))"
lab_log "   the client's capture of the close:"
grep -E 'Flags \[(F\.|\.)\], (seq|ack)' "$LAB_DIR/fin.txt" | tail -n 4 |
	sed 's/^/     /'

# --- riposte closes first ------------------------------------------------------
out=$(lab_c timeout -k 2 20 /usr/bin/python3 - "$V4" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 79), timeout=5)
got = b""
s.sendall(b"x\r\n")
while True:
    b = s.recv(100)
    if not b:
        break
    got += b
s.close()
print("read %r, then the server's FIN; closed" % got)
sys.exit(0 if got == b"bye\r\n" else 1)
PY
) || lab_fail "server close: $out"
lab_wait 20 0.05 open_is 0 ||
	lab_fail "the flow outlived both FINs: $(lab_flows_line)"
lab_ok "$out: the flow is gone ($(lab_flows_line))"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_close: all checks passed"
