#!/bin/bash
# test_services.sh - service scripts with real clients:
#   - nc and ssh-keyscan read port 22's banner;
#   - a fake SMTP server (greeting, then a reply per command line, QUIT
#     closes) talks line by line with a scripted client that checks each
#     reply and sees the server's FIN after "221";
#   - an echo service sends back what it got, line after line;
#   - `wait 300 ms; reset`: the client's read ends with a reset.
#
#   bash tests/live/test_services.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up services

V4=198.51.100.10
V6=2001:db8::10
cat >"$LAB_DIR/svc.rules" <<EOF
host $V4, $V6 {
	mac 02:00:00:00:00:10
	personality linux
	tcp 22 open { banner "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" }
	tcp 25 open {
		banner "220 mail.example ESMTP\r\n"
		on /^(HELO|EHLO) [^\r\n]*\r\n/ { send "250 mail.example\r\n" }
		on /^QUIT\r\n/ { send "221 2.0.0 Bye\r\n"; close }
		on /^[^\r\n]*\r\n/ { send "502 5.5.2 Error: command not recognized\r\n" }
	}
	tcp 7 open { on any { echo } }
	tcp 9 open { on any { wait 300 ms; reset } }
}
EOF
lab_riposte "$LAB_DIR/svc.rules" || lab_fail "riposte did not start"

for a in "$V4" "$V6"; do
	got=$(lab_c timeout -k 2 10 nc -w 2 "$a" 22 </dev/null | tr -d '\r')
	[ "$got" = "SSH-2.0-OpenSSH_9.2p1 Debian-2" ] ||
		lab_fail "nc $a 22: '$got'"
	lab_ok "nc $a 22 reads the banner: $got"
done
got=$(lab_c timeout -k 2 20 ssh-keyscan -T 3 -t rsa -p 22 "$V4" 2>&1 >/dev/null | grep '^#')
echo "$got" | grep -q "^# $V4:22 SSH-2.0-OpenSSH_9.2p1 Debian-2" ||
	lab_fail "ssh-keyscan $V4: '$got'"
lab_ok "ssh-keyscan $V4 reads the banner: $(echo "$got" | head -n 1)"

for a in "$V4" "$V6"; do
	out=$(lab_c timeout -k 2 30 /usr/bin/python3 - "$a" <<'PY' 2>&1
import socket, sys
addr = sys.argv[1]
s = socket.create_connection((addr, 25), timeout=5)
f = s.makefile("rb")
def expect(want):
    line = f.readline().decode()
    if line != want:
        print("got %r, want %r" % (line, want)); sys.exit(1)
    print("S: " + line.rstrip())
def say(cmd):
    print("C: " + cmd)
    s.sendall(cmd.encode() + b"\r\n")
expect("220 mail.example ESMTP\r\n")
say("HELO client.example")
expect("250 mail.example\r\n")
say("MAIL FROM:<a@example.org>")
expect("502 5.5.2 Error: command not recognized\r\n")
say("EHLO again")
expect("250 mail.example\r\n")
# Two commands in one segment: two replies, in order.
print("C: NOOP + HELO in one write")
s.sendall(b"NOOP\r\nHELO x\r\n")
expect("502 5.5.2 Error: command not recognized\r\n")
expect("250 mail.example\r\n")
say("QUIT")
expect("221 2.0.0 Bye\r\n")
rest = f.read()
if rest:
    print("bytes after 221: %r" % rest); sys.exit(1)
print("S: (FIN: the server closed)")
PY
) || lab_fail "SMTP dialogue with $a: $out"
	lab_ok "SMTP dialogue with $a, line by line:"
	echo "$out" | sed 's/^/     /'
done

out=$(lab_c timeout -k 2 20 /usr/bin/python3 - "$V4" <<'PY' 2>&1
import socket, sys
s = socket.create_connection((sys.argv[1], 7), timeout=5)
for i in range(5):
    msg = ("line %d " % i).encode() + bytes(range(32, 32 + 40 * i % 90))
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        b = s.recv(4096)
        if not b:
            break
        got += b
    if got != msg:
        print("sent %r, got %r" % (msg, got)); sys.exit(1)
s.shutdown(socket.SHUT_WR)
if s.recv(10):
    print("data after our FIN"); sys.exit(1)
print("5 messages echoed, then FIN for FIN")
PY
) || lab_fail "echo service: $out"
lab_ok "echo service: $out"

out=$(lab_c timeout -k 2 20 /usr/bin/python3 - "$V4" <<'PY' 2>&1
import socket, sys
s = socket.create_connection((sys.argv[1], 9), timeout=5)
s.sendall(b"hello\r\n")
try:
    b = s.recv(10)
    print("read %r, want a reset" % b); sys.exit(1)
except ConnectionResetError:
    print("the connection was reset")
PY
) || lab_fail "wait+reset service: $out"
lab_ok "wait 300 ms; reset: $out"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_services: all checks passed"
