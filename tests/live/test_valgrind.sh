#!/bin/bash
# test_valgrind.sh - the live web server (rules/web-server.rules) under
# valgrind's memcheck, firewall and all (it is part of the live path):
# real clients exercise every path of a live run - ping over IPv4 and
# IPv6 (ARP, neighbour discovery, echo), nmap -sS of an open, a closed
# and a filtered port, curl of the page over IPv4 and IPv6 (the stateful
# engine: handshake, trigger, response, close), the SSH banner read with
# nc, a DNS query to UDP 53 and a datagram to a closed UDP port; SIGUSR1
# prints counters and SIGHUP reloads the rules (the old engine and rule
# set freed) between them; then SIGTERM.  Proven: every client got its
# answer, riposte exits 0, and valgrind reports no error (invalid reads
# or writes, uninitialised values used, bad frees: "ERROR SUMMARY: 0
# errors") and no definite leak ("definitely lost: 0 bytes", or "no
# leaks are possible"); its exit status, set to 99 on any error
# (--error-exitcode, with definite leaks counted as errors), must be
# riposte's own 0.  The tables are gone afterwards.
#
# valgrind does not run ASan builds: when RIPOSTE is one, the release
# build build/rel/riposte is used instead (said so), and the test fails
# when there is none (run `make` first): it never passes on nothing.
# The test installs nothing: no valgrind, a clear failure.  valgrind is
# slow (20-50x): every wait here is generous, and bounded.
#
#   bash tests/live/test_valgrind.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lab.sh"

VG=$(command -v valgrind) || {
	echo "FAIL: valgrind is not installed (apt-get install valgrind);" \
		"this test does not install it"
	exit 1
}
if ldd "$RIPOSTE" | grep -q libasan; then
	rel=$top/build/rel/riposte
	if [ ! -x "$rel" ] || ldd "$rel" | grep -q libasan; then
		echo "FAIL: $RIPOSTE is an ASan build, which valgrind cannot" \
			"run, and there is no release build $rel: run \`make\` first"
		exit 1
	fi
	echo "   $RIPOSTE is an ASan build: valgrind runs $rel instead"
	RIPOSTE=$rel
fi
lab_up valgrind
echo "   $($VG --version), $RIPOSTE"

V4=198.51.100.10
V6=2001:db8::10
RULES=$top/rules/web-server.rules
VGLOG=$LAB_DIR/valgrind.log
PAGE=$(sed '1,/^\r$/d' "$top/rules/payloads/http-200.txt")
[ -n "$PAGE" ] || lab_fail "no page in rules/payloads/http-200.txt"

# lab_riposte under valgrind, with a longer (bounded) wait for start-up:
# at most 600 x 0.1 s.  `ip netns exec` and valgrind keep the PID.
LAB_NRUN=$((LAB_NRUN + 1))
RIPOSTE_ERR="$LAB_DIR/riposte.$LAB_NRUN.err"
ip netns exec "$LAB_R" "$VG" --tool=memcheck --error-exitcode=99 \
	--leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --num-callers=30 --log-file="$VGLOG" \
	"$RIPOSTE" run -i "$LAB_RIF" "$RULES" \
	</dev/null >"$LAB_DIR/riposte.out" 2>"$RIPOSTE_ERR" &
RIPOSTE_PID=$!
LAB_PIDS="$LAB_PIDS $RIPOSTE_PID"
lab_wait 600 0.1 lab_riposte_ready
grep -qs 'answering on' "$RIPOSTE_ERR" && lab_alive "$RIPOSTE_PID" || {
	tail -n 30 "$VGLOG" 2>/dev/null
	lab_fail "riposte did not start under valgrind"
}
lab_ok "riposte answers under valgrind: $(grep -m1 'answering on' "$RIPOSTE_ERR")"
tables=$(lab_r nft list tables)
echo "$tables" | grep -qx 'table netdev riposte' &&
	echo "$tables" | grep -qx 'table inet riposte' ||
	lab_fail "no riposte tables: '$tables'"

# ping: ARP and ND first, then echo; a real client's patience.
lab_c ping -n -c 3 -i 0.3 -W 5 "$V4" >"$LAB_DIR/ping4.txt" 2>&1 ||
	lab_fail "ping $V4: $(tail -n 2 "$LAB_DIR/ping4.txt")"
lab_c ping -6 -n -c 3 -i 0.3 -W 5 "$V6" >"$LAB_DIR/ping6.txt" 2>&1 ||
	lab_fail "ping $V6: $(tail -n 2 "$LAB_DIR/ping6.txt")"
lab_ok "ping: $(cat "$LAB_DIR/ping4.txt" "$LAB_DIR/ping6.txt" |
	sed -n 's/, time.*//; s/ packets transmitted,/ sent,/p' | paste -sd ';')"

# nmap -sS: 22 and 80 open, 443 closed (RST,ACK), 8080 filtered.
lab_c timeout -k 2 120 nmap -n -Pn -sS --max-retries 3 -p 22,80,443,8080 \
	-oG - "$V4" >"$LAB_DIR/nmap.txt" 2>&1 ||
	lab_fail "nmap: $(cat "$LAB_DIR/nmap.txt")"
ports=$(sed -n 's/.*Ports: //p' "$LAB_DIR/nmap.txt" | tr -d ' ')
for want in 22/open 80/open 443/closed 8080/filtered; do
	echo ",$ports" | grep -q ",$want/" ||
		lab_fail "nmap: want $want, got '$ports'"
done
lab_ok "nmap -sS: $ports"

# curl, IPv4 and IPv6: the page.
for url in "http://$V4/" "http://[$V6]/"; do
	got=$(lab_c curl -sS -g --max-time 20 --retry 2 "$url" 2>&1) ||
		lab_fail "curl $url: $got"
	[ "$got" = "$PAGE" ] || lab_fail "curl $url: '$got', want '$PAGE'"
done
lab_ok "curl over IPv4 and IPv6: $PAGE"

# The SSH banner, with nc: it sends a line, then its FIN (-N).
kill -USR1 "$RIPOSTE_PID"
banner=$(printf 'SSH-2.0-riposte-test\r\n' |
	lab_c timeout -k 2 30 nc -N -w 10 "$V4" 22 | tr -d '\r')
[ "$banner" = "SSH-2.0-OpenSSH_9.2p1" ] || lab_fail "ssh banner: '$banner'"
lab_ok "nc on port 22: $banner"

# SIGHUP: the same rules again; then UDP: 53 answers, 9 is closed.
kill -HUP "$RIPOSTE_PID"
lab_wait 300 0.1 grep -q '^riposte: reloaded ' "$RIPOSTE_ERR" ||
	lab_fail "no reload after SIGHUP"
out=$(lab_c timeout -k 2 30 /usr/bin/python3 - "$V4" <<'PY' 2>&1
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for attempt in range(3):
    s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", (sys.argv[1], 53))
    try:
        d = s.recv(512)
        break
    except socket.timeout:
        continue
else:
    print("udp 53: no answer"); sys.exit(1)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.connect((sys.argv[1], 9))
c.settimeout(5)
for attempt in range(3):
    c.send(b"x")
    try:
        c.recv(512)
    except ConnectionRefusedError:
        print("udp 53: %d bytes; udp 9: port unreachable" % len(d))
        sys.exit(0)
    except socket.timeout:
        continue
print("udp 9: no port unreachable"); sys.exit(1)
PY
) || lab_fail "UDP: $out"
lab_ok "after SIGHUP's reload: $(grep -m1 '^riposte: reloaded ' "$RIPOSTE_ERR" |
	sed 's/^riposte: //;s/ [^ ]*web-server.rules/ web-server.rules/'); $out"

# SIGTERM, and a generous (bounded) wait: valgrind's leak check runs at
# exit.  KILL after 120 s.
kill -TERM "$RIPOSTE_PID"
lab_wait 1200 0.1 eval '! lab_alive '"$RIPOSTE_PID" ||
	lab_fail "riposte under valgrind still running 120 s after SIGTERM"
lab_riposte_stop TERM
grep -q '^riposte: frames ' "$RIPOSTE_ERR" || lab_fail "no counters at exit"
lab_log "   $(grep '^riposte: frames ' "$RIPOSTE_ERR" | tail -n 1)"
lab_r nft list tables | grep -q riposte &&
	lab_fail "riposte tables left after exit: $(lab_r nft list tables)"
sed -n 's/^==[0-9]*== //p' "$VGLOG" |
	grep -E 'in use at exit|heap usage|lost:|reachable|no leaks|ERROR SUM' |
	sed 's/^/   valgrind: /'
grep -q 'ERROR SUMMARY: 0 errors' "$VGLOG" || {
	sed 's/^/   /' "$VGLOG" | tail -n 60
	lab_fail "valgrind found errors: $(grep 'ERROR SUMMARY' "$VGLOG")"
}
grep -Eq 'definitely lost: 0 bytes|no leaks are possible' "$VGLOG" || {
	sed 's/^/   /' "$VGLOG" | tail -n 60
	lab_fail "valgrind: memory definitely lost:" \
		"$(grep 'definitely lost' "$VGLOG")"
}
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte under valgrind: exit $RIPOSTE_RC, want 0"
lab_ok "valgrind: 0 errors, no memory definitely lost, exit 0"
echo "test_valgrind: all checks passed"
