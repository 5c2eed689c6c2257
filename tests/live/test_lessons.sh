#!/bin/bash
# test_lessons.sh - every lesson of rules/README.md, run as it says (the
# rule file from rules/, `riposte run -i r0 -v`, the client command in the
# clients' namespace), against the kernel's own TCP:
#   1. handshake.rules: nc connects; the ladder holds SYN, SYN-ACK (ack 1)
#      and the states LISTEN -> SYN_RCVD -> ESTABLISHED -> CLOSE_WAIT ->
#      LAST_ACK -> CLOSED in that order; the client's tcpdump sees [S],
#      [S.], [.], [F.], [F.], [.]; a second nc's "hello\n" is acknowledged;
#   2. closed-ports.rules: nc and curl -v say "Connection refused", the
#      capture holds RST,ACK with ack = the SYN's seq + 1, and a datagram
#      gets ICMP port unreachable;
#   3. filtered-port.rules: ping is answered, curl times out (exit 28),
#      the SYN is "dropped by rule" and nothing comes back on TCP;
#   4. tarpit.rules: the SYN-ACK says win 0, curl's connection is
#      established with its request held in Send-Q, the client probes the
#      window (ACKs at seq 0 in the ladder), curl gets 0 bytes;
#   5. wrong-ack.rules: the SYN-ACK's ack is the client's ISN + 1000 and
#      every RST the client sends back has seq = that ack (tcpdump -S in
#      the clients' namespace), curl times out;
#   6. zero-window.rules: the client that does not read advertises win 0,
#      riposte's ladder shows zero-window probes at seq = its ack - 1;
#      once it reads, all 7030 bytes arrive and riposte closes;
#   7. syn-cookies.rules: hping3's spoofed SYNs fill the table of 4, the
#      rest get SYN cookies; nc's connection gets one too, completes
#      ("the ACK of a SYN cookie", a half-open flow evicted) and reads the
#      banner; the counters say 5 cookies sent, 1 taken;
#   8. web-server.rules: ssh-keyscan and nc read the SSH banner;
#   9. smtp.rules: Python's smtplib sends a mail (every command and reply
#      in order), and nc -C, fed the README's lines one at a time, gets
#      the README's replies, line by line, the message's lines unanswered
#      until its ".";
#  10. web-server.rules: curl fetches the page over IPv4 and IPv6;
#  11. ipv6-host.rules: ping -6 is answered, the client's capture holds
#      the neighbour solicitation and riposte's advertisement, and its
#      neighbour table the host's MAC.
#
#   bash tests/live/test_lessons.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up lessons
RULES=$here/../../rules

# The tarpit's net is on the clients' link, as the README sets it up.
lab_c ip route add 203.0.113.0/24 dev "$LAB_CIF" || lab_fail "route"

# ladder ADDR PORT [N]: the lines of the Nth connection (1 = the first)
# from the clients' address to ADDR.PORT in riposte's narration, its
# header first ("#ID client 198.51.100.2.CPORT <-> riposte ADDR.PORT").
ladder()
{
	local a=${1//./\\.} hdr id
	hdr=$(grep -E "^#[0-9]+ client $LAB_C4\.[0-9]+ <-> riposte $a\.$2\$" \
		"$RIPOSTE_ERR" | sed -n "${3:-1}p")
	[ -n "$hdr" ] || return 1
	id=${hdr%% *}
	echo "$hdr"
	grep -E "^([0-9:.]{15}| {15}) $id +\|" "$RIPOSTE_ERR"
}

# cport LADDER: the client's port, from a ladder's header.
cport() { echo "$1" | sed -nE '1s/^#[0-9]+ client [0-9.]+\.([0-9]+) .*/\1/p'; }

# count ERE FILE: how many lines of FILE match.
count() { grep -cE -- "$1" "$2"; }

# at_least N ERE FILE: FILE has N lines matching ERE (for lab_wait).
at_least() { [ "$(count "$2" "$3")" -ge "$1" ]; }

stop_riposte()
{
	lab_riposte_stop TERM
	[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
}

# --- 1. the three-way handshake ----------------------------------------------
V=198.51.100.12
lab_riposte -v "$RULES/handshake.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/hs.txt"
out=$(lab_c timeout -k 2 10 nc -z -v "$V" 80 2>&1)
echo "$out" | grep -q "Connection to $V 80 port \[tcp/http\] succeeded!" ||
	lab_fail "nc -z -v $V 80: $out"
lab_wait 100 0.05 grep -q 'LAST_ACK -> CLOSED' "$RIPOSTE_ERR" ||
	lab_fail "no LAST_ACK -> CLOSED in the narration"
l=$(ladder "$V" 80 1) || lab_fail "no ladder for nc's connection"
p=$(cport "$l")
states=$(echo "$l" | grep -oE '[A-Z_0-9]+ -> [A-Z_0-9]+ \([^)]*\)' |
	tr '\n' ';')
want="LISTEN -> SYN_RCVD (SYN);SYN_RCVD -> ESTABLISHED (the handshake's ACK);"
want="${want}ESTABLISHED -> CLOSE_WAIT (the peer's FIN);"
want="${want}CLOSE_WAIT -> LAST_ACK (our FIN);"
want="${want}LAST_ACK -> CLOSED (our FIN acknowledged);"
[ "$states" = "$want" ] || lab_fail "the states in the ladder: '$states', want '$want'"
for w in \
	"\|--S-+>\| seq 0 \([0-9]+\), win [0-9]+, options \[mss" \
	"\|<-+S\.--\| seq 0 \([0-9]+\), ack 1 \([0-9]+\)" \
	"\|--F\.-+>\| seq 1 " \
	"\|<-+F\.--\| seq 1 \([0-9]+\), ack 2 "; do
	echo "$l" | grep -qE -- "$w" || lab_fail "the ladder lacks /$w/: $l"
done
lab_ok "nc -z: $out"
lab_ok "-v: $(echo "$states" | sed 's/ ([^)]*)//g; s/;$//; s/;/, /g')"
lab_grep_wait "$LAB_DIR/hs.txt" "IP $V\.80 > $LAB_C4\.$p: Flags \[F\.\]" >/dev/null &&
	lab_grep_wait "$LAB_DIR/hs.txt" "IP $LAB_C4\.$p > $V\.80: Flags \[\.\], ack 2," >/dev/null ||
	lab_fail "the client's capture lacks the close: $(cat "$LAB_DIR/hs.txt")"
grep -qE "ARP, Reply $V is-at 02:00:00:00:00:12" "$LAB_DIR/hs.txt" ||
	lab_fail "no ARP reply in the client's capture"
flags=$(grep -E "IP ($LAB_C4\.$p > $V\.80|$V\.80 > $LAB_C4\.$p):" "$LAB_DIR/hs.txt" |
	sed -E "s/.* IP $LAB_C4\.$p > .*Flags \[([^]]*)\].*/c:\1/;
		s/.* IP $V\.80 > .*Flags \[([^]]*)\].*/r:\1/" | tr '\n' ' ')
[ "$flags" = "c:S r:S. c:. c:F. r:F. c:. " ] ||
	lab_fail "tcpdump saw '$flags', want 'c:S r:S. c:. c:F. r:F. c:.'"
lab_ok "tcpdump -n -i c0: $flags(c: the client, r: riposte)"
out=$(echo hello | lab_c timeout -k 2 10 nc -N "$V" 80 2>&1) ||
	lab_fail "echo hello | nc -N $V 80: $out"
lab_wait 100 0.05 at_least 2 'LAST_ACK -> CLOSED' "$RIPOSTE_ERR" ||
	lab_fail "the second connection did not close"
l=$(ladder "$V" 80 2) || lab_fail "no ladder for the second nc"
# (The FIN may ride on the data, should the kernel send them together.)
echo "$l" | grep -qE '\|--F?P\. 6-+>\| seq 1:7 .*"hello\\n"' &&
	echo "$l" | grep -qE '\|<-+F?\.--\| seq 1 \([0-9]+\), ack [78] ' ||
	lab_fail "the ladder lacks hello and its ACK: $l"
lab_ok "echo hello | nc -N: \"hello\\n\" (P. 6, seq 1:7) acknowledged (ack 7)"
lab_tcpdump_stop
stop_riposte

# --- 2. a closed port --------------------------------------------------------
V=198.51.100.20
lab_riposte -v "$RULES/closed-ports.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/closed.txt"
out=$(lab_c timeout -k 2 10 nc -v "$V" 80 2>&1) &&
	lab_fail "nc $V 80 connected: $out"
echo "$out" | grep -q "connect to $V port 80 (tcp) failed: Connection refused" ||
	lab_fail "nc -v $V 80: $out"
lab_ok "nc -v: $out"
out=$(lab_c timeout -k 2 10 curl -v "http://$V/" 2>&1)
rc=$?
[ "$rc" = 7 ] && echo "$out" | grep -q "connect to $V port 80 failed: Connection refused" ||
	lab_fail "curl -v http://$V/ (exit $rc): $out"
lab_ok "curl -v (exit 7): $(echo "$out" | grep 'Connection refused')"
lab_c timeout -k 2 10 nc -u -w 1 "$V" 53 <<<hello >/dev/null 2>&1
lab_grep_wait "$LAB_DIR/closed.txt" "IP $V > $LAB_C4: ICMP $V udp port 53 unreachable" >/dev/null ||
	lab_fail "no ICMP port unreachable for the datagram"
syn=$(grep -E "IP $LAB_C4\.[0-9]+ > $V\.80: Flags \[S\], seq [0-9]+," "$LAB_DIR/closed.txt" | head -n 1)
p=$(echo "$syn" | sed -E "s/.*IP $LAB_C4\.([0-9]+) .*/\1/")
seq=$(echo "$syn" | sed -E 's/.*Flags \[S\], seq ([0-9]+),.*/\1/')
[ -n "$seq" ] || lab_fail "no SYN in the client's capture"
rst=$(grep -E "IP $V\.80 > $LAB_C4\.$p: Flags \[R\.\]" "$LAB_DIR/closed.txt")
echo "$rst" | grep -q "seq 0, ack $(((seq + 1) % 4294967296)), win 0, length 0" ||
	lab_fail "the SYN seq $seq got '$rst', want RST,ACK with ack $((seq + 1))"
lab_ok "tcpdump: SYN seq $seq -> [R.] ack $(((seq + 1) % 4294967296)); the datagram -> ICMP port unreachable"
lab_tcpdump_stop
stop_riposte

# --- 3. a filtered port ------------------------------------------------------
V=198.51.100.21
lab_riposte -v "$RULES/filtered-port.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/filtered.txt"
out=$(lab_c ping -c 1 -W 2 "$V" 2>&1)
echo "$out" | grep -q '1 packets transmitted, 1 received' || lab_fail "ping $V: $out"
lab_ok "ping $V: $(echo "$out" | grep 'packets transmitted')"
out=$(lab_c timeout -k 2 10 curl --connect-timeout 3 "http://$V/" 2>&1)
rc=$?
[ "$rc" = 28 ] && echo "$out" | grep -q 'Timeout was reached' ||
	lab_fail "curl http://$V/ (exit $rc), want a timeout: $out"
lab_ok "curl --connect-timeout 3 (exit 28): $(echo "$out" | grep 'curl:')"
syns=$(count "IP $LAB_C4\.[0-9]+ > $V\.80: Flags \[S\]" "$LAB_DIR/filtered.txt")
back=$(count "IP $V\.80 > " "$LAB_DIR/filtered.txt")
[ "$syns" -ge 1 ] && [ "$back" = 0 ] ||
	lab_fail "the client's capture: $syns SYNs, $back answers: $(cat "$LAB_DIR/filtered.txt")"
drops() { count "\|--S-+>\| seq 0 .*\[host rule tcp filtered, line [0-9]+\] dropped by rule" "$RIPOSTE_ERR"; }
lab_wait 100 0.05 eval '[ "$(drops)" -ge "$syns" ]' ||
	lab_fail "$syns SYNs sent, $(drops) narrated \"dropped by rule\""
lab_ok "tcpdump: $syns SYNs, no answer; -v: each \"dropped by rule\""
lab_tcpdump_stop
stop_riposte

# --- 4. tarpit ---------------------------------------------------------------
V=203.0.113.7
lab_riposte -v "$RULES/tarpit.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/tarpit.txt" tcp
# Started as lab_riposte starts riposte, so that $! is the client's own
# PID (`ip netns exec` execs), which lab_down can stop.
ip netns exec "$LAB_C" timeout -k 2 20 curl -m 5 "http://$V/" \
	</dev/null >"$LAB_DIR/curl.txt" 2>&1 &
cpid=$!
LAB_PIDS="$LAB_PIDS $cpid"
held() { lab_c ss -Htn state established dst "$V" | awk '$2 > 0 { f = 1 } END { exit !f }'; }
lab_wait 100 0.05 held ||
	lab_fail "no established connection with a Send-Q: $(lab_c ss -tn dst "$V")"
lab_ok "ss -tn dst $V: $(lab_c ss -Htn dst "$V" | tr -s ' ')"
lab_wait 100 0.05 eval 'ladder "$V" 80 >/dev/null' || lab_fail "no ladder for curl"
probes() { ladder "$V" 80 | grep -cE '\|--\.-+>\| seq 0 \([0-9]+\), ack 1 '; }
lab_wait 100 0.05 eval '[ "$(probes)" -ge 2 ]' ||
	lab_fail "the client did not probe the window: $(ladder "$V" 80)"
lab_ok "-v: the client probes the zero window, $(probes) ACKs at seq 0 so far"
lab_wait 200 0.05 eval '! lab_alive '"$cpid" || lab_fail "curl -m 5 did not end"
wait "$cpid"
rc=$?
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$cpid" | tr '\n' ' ')
[ "$rc" = 28 ] && grep -q 'with 0 bytes received' "$LAB_DIR/curl.txt" ||
	lab_fail "curl -m 5 http://$V/ (exit $rc): $(cat "$LAB_DIR/curl.txt")"
lab_ok "curl -m 5 (exit 28): $(tr '\r' '\n' <"$LAB_DIR/curl.txt" | grep 'curl:')"
grep -qE "IP $V\.80 > $LAB_C4\.[0-9]+: Flags \[S\.\], .*, win 0," "$LAB_DIR/tarpit.txt" ||
	lab_fail "no SYN-ACK with win 0 in the client's capture"
grep -qE "IP $LAB_C4\.[0-9]+ > $V\.80: .*length [1-9]" "$LAB_DIR/tarpit.txt" &&
	lab_fail "the client sent data through a zero window"
lab_ok "tcpdump: the SYN-ACK says win 0, and the client sent no data"
lab_tcpdump_stop
stop_riposte

# --- 5. a wrong ack number, and the client's RST ----------------------------
V=198.51.100.13
lab_riposte -v "$RULES/wrong-ack.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/wrong.txt" -S tcp
out=$(lab_c timeout -k 2 10 curl --connect-timeout 3 "http://$V/" 2>&1)
rc=$?
[ "$rc" = 28 ] && echo "$out" | grep -q 'Timeout was reached' ||
	lab_fail "curl http://$V/ (exit $rc), want a timeout: $out"
lab_ok "curl --connect-timeout 3 (exit 28): $(echo "$out" | grep 'curl:')"
syn=$(grep -E "IP $LAB_C4\.[0-9]+ > $V\.80: Flags \[S\], seq [0-9]+," "$LAB_DIR/wrong.txt" | head -n 1)
p=$(echo "$syn" | sed -E "s/.*IP $LAB_C4\.([0-9]+) .*/\1/")
isn=$(echo "$syn" | sed -E 's/.*Flags \[S\], seq ([0-9]+),.*/\1/')
[ -n "$isn" ] || lab_fail "no SYN in the client's capture: $(cat "$LAB_DIR/wrong.txt")"
bad=$(((isn + 1000) % 4294967296))
lab_grep_wait "$LAB_DIR/wrong.txt" "IP $LAB_C4\.$p > $V\.80: Flags \[R\]" >/dev/null ||
	lab_fail "the client sent no RST: $(cat "$LAB_DIR/wrong.txt")"
acks=$(grep -E "IP $V\.80 > $LAB_C4\.$p: Flags \[S\.\]" "$LAB_DIR/wrong.txt" |
	sed -E 's/.* ack ([0-9]+),.*/\1/' | sort -u)
rsts=$(grep -E "IP $LAB_C4\.$p > $V\.80: Flags \[R\]" "$LAB_DIR/wrong.txt" |
	sed -E 's/.*Flags \[R\], seq ([0-9]+),.*/\1/' | sort -u)
[ "$acks" = "$bad" ] ||
	lab_fail "the SYN-ACKs acknowledge '$acks', want the ISN $isn + 1000 = $bad"
[ "$rsts" = "$bad" ] ||
	lab_fail "the client's RSTs have seq '$rsts', want the wrong ack $bad"
n=$(count "IP $LAB_C4\.$p > $V\.80: Flags \[R\]" "$LAB_DIR/wrong.txt")
lab_ok "tcpdump -S: SYN seq $isn, SYN-ACK ack $bad, $n RSTs, each seq $bad"
l=$(ladder "$V" 80 1) || lab_fail "no ladder for curl's connection"
echo "$l" | grep -qE '\|<-+S\.--\| seq 0 \([0-9]+\), ack 1000 \(' &&
	echo "$l" | grep -qE '\|--R-+>\| seq 1000 \(' ||
	lab_fail "the ladder lacks ack 1000 and the RST's seq 1000: $l"
lab_ok "-v: the SYN-ACK's ack 1000, the RST's seq 1000"
lab_tcpdump_stop
stop_riposte

# --- 6. window zero ----------------------------------------------------------
# The README's client, word for word; Enter comes through a FIFO.
ZW_CLIENT='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.connect(("198.51.100.14", 19))
s.sendall(b"chargen, please\r\n")
input("not reading; press Enter to read ")
n = 0
while b := s.recv(4096):
    n += len(b)
print(n, "bytes")'
V=198.51.100.14
size=$(wc -c <"$RULES/payloads/chargen.txt")
lab_riposte -v "$RULES/zero-window.rules" || lab_fail "riposte did not start"
mkfifo "$LAB_DIR/enter" || lab_fail "mkfifo"
exec 3<>"$LAB_DIR/enter"
ip netns exec "$LAB_C" /usr/bin/python3 -c "$ZW_CLIENT" \
	<"$LAB_DIR/enter" >"$LAB_DIR/zw.txt" 2>&1 3>&- &
zpid=$!
LAB_PIDS="$LAB_PIDS $zpid"
zero_ack() { ladder "$V" 19 | grep -E '\|--\.-+>\| seq [0-9]+ \([0-9]+\), ack [0-9]+ \([0-9]+\), win 0,' | head -n 1; }
lab_wait 100 0.05 eval '[ -n "$(zero_ack)" ]' ||
	lab_fail "the client never said win 0: $(ladder "$V" 19)"
a=$(zero_ack | sed -E 's/.* ack ([0-9]+) \(.*/\1/')
probes() { ladder "$V" 19 | grep -cE "\|<-+\.--\| seq $((a - 1)) \([0-9]+\), ack [0-9]+ \([0-9]+\), win [0-9]+.*length 0"; }
notes() { ladder "$V" 19 | grep -c 'ESTABLISHED: the window is zero: a probe'; }
lab_wait 100 0.05 eval '[ "$(probes)" -ge 2 ] && [ "$(notes)" -ge 2 ]' ||
	lab_fail "no zero-window probes at seq $((a - 1)): $(ladder "$V" 19)"
lab_ok "-v: the client's win 0 at ack $a, $(probes) probes at seq $((a - 1)) so far"
lab_alive "$zpid" || lab_fail "the client ended: $(cat "$LAB_DIR/zw.txt")"
echo >&3
lab_wait 200 0.05 eval '! lab_alive '"$zpid" ||
	lab_fail "the client did not end once it read: $(cat "$LAB_DIR/zw.txt")"
wait "$zpid"
rc=$?
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$zpid" | tr '\n' ' ')
exec 3>&-
grep -qx "not reading; press Enter to read $size bytes" "$LAB_DIR/zw.txt" && [ "$rc" = 0 ] ||
	lab_fail "the client (exit $rc), want $size bytes: $(cat "$LAB_DIR/zw.txt")"
lab_wait 100 0.05 eval 'ladder "$V" 19 | grep -q -- "-> CLOSED"' ||
	lab_fail "the connection did not close: $(ladder "$V" 19)"
ladder "$V" 19 | grep -q 'ESTABLISHED -> FIN_WAIT_1 (our FIN)' ||
	lab_fail "no FIN from riposte: $(ladder "$V" 19)"
lab_ok "Enter: the client read $size bytes, then riposte's FIN and CLOSED"
stop_riposte

# --- 7. SYN cookies ----------------------------------------------------------
V=198.51.100.15
lab_riposte -v "$RULES/syn-cookies.rules" || lab_fail "riposte did not start"
lab_c timeout -k 2 20 hping3 -S -p 22 -a 192.0.2.1 -c 8 -i u10000 "$V" \
	>"$LAB_DIR/hping.txt" 2>&1
lab_wait 100 0.05 at_least 4 'the table is full: a SYN cookie' "$RIPOSTE_ERR" ||
	lab_fail "no SYN cookies for the flood: $(cat "$LAB_DIR/hping.txt")"
n=$(count 'LISTEN -> SYN_RCVD \(SYN\)' "$RIPOSTE_ERR")
[ "$n" = 4 ] || lab_fail "$n flows for the flood, want 4 (flows_max)"
lab_ok "hping3 -a 192.0.2.1 -c 8: 4 half-open flows, $(count 'a SYN cookie' "$RIPOSTE_ERR") SYN cookies"
out=$(lab_c timeout -k 2 10 nc -w 2 "$V" 22 </dev/null | tr -d '\r')
[ "$out" = "SSH-2.0-OpenSSH_9.2p1" ] || lab_fail "nc -w 2 $V 22: '$out'"
lab_ok "nc -w 2 $V 22 reads the banner: $out"
l=$(ladder "$V" 22 1) || lab_fail "no ladder for nc's connection"
echo "$l" | grep -q 'LISTEN: the table is full: a SYN cookie, no flow' &&
	echo "$l" | grep -q 'LISTEN -> ESTABLISHED (the ACK of a SYN cookie)' ||
	lab_fail "nc's connection did not go through a SYN cookie: $l"
grep -qE '#[0-9]+ +\| +\| SYN_RCVD -> CLOSED \(evicted: the table is full\)' "$RIPOSTE_ERR" ||
	lab_fail "no half-open flow evicted"
lab_ok "-v: nc's SYN got a SYN cookie, its ACK made the flow, a half-open one evicted"
stop_riposte
line=$(grep '^riposte: flows ' "$RIPOSTE_ERR" | tail -n 1)
echo "$line" | grep -q 'SYN cookies 5 sent, 1 taken' ||
	lab_fail "counters: '$line', want SYN cookies 5 sent, 1 taken"
lab_ok "counters: $(echo "$line" | sed 's/.*\(SYN cookies [0-9]* sent, [0-9]* taken\).*/\1/')"

# --- 8. a fake SSH server, and 10. a fake web server: one riposte -----------
V=198.51.100.10
lab_riposte -v "$RULES/web-server.rules" || lab_fail "riposte did not start"
got=$(lab_c timeout -k 2 20 ssh-keyscan -T 3 -t ed25519 "$V" 2>&1 >/dev/null | grep '^#')
[ "$got" = "# $V:22 SSH-2.0-OpenSSH_9.2p1" ] || lab_fail "ssh-keyscan $V: '$got'"
lab_ok "ssh-keyscan: $got"
got=$(lab_c timeout -k 2 10 nc -w 2 "$V" 22 </dev/null | tr -d '\r')
[ "$got" = "SSH-2.0-OpenSSH_9.2p1" ] || lab_fail "nc -w 2 $V 22: '$got'"
lab_ok "nc -w 2 $V 22: $got"

page='<html><body><h1>Hello from riposte</h1></body></html>'
got=$(lab_c timeout -k 2 10 curl "http://$V/" 2>/dev/null)
[ "$got" = "$page" ] || lab_fail "curl http://$V/: '$got'"
lab_ok "curl http://$V/: $got"
got=$(lab_c timeout -k 2 10 curl -g 'http://[2001:db8::10]/' 2>/dev/null)
[ "$got" = "$page" ] || lab_fail "curl -g http://[2001:db8::10]/: '$got'"
lab_ok "curl -g http://[2001:db8::10]/: $got"
l=$(ladder "$V" 80 1) || lab_fail "no ladder for curl's connection"
echo "$l" | grep -qE '\|--P\. [0-9]+-+>\| .*"GET / HTTP/1\.1' &&
	echo "$l" | grep -qE '\|<-+(FP|P)\. [0-9]+--\| .*"HTTP/1\.1 200 OK' ||
	lab_fail "the ladder lacks the GET and the response: $l"
lab_ok "-v: curl's GET and the response in the ladder"
stop_riposte

# --- 9. a fake SMTP server ---------------------------------------------------
V=198.51.100.25
lab_riposte -v "$RULES/smtp.rules" || lab_fail "riposte did not start"
SMTP_CLIENT='
import smtplib
s = smtplib.SMTP("198.51.100.25", 25)
s.set_debuglevel(1)
s.sendmail("alice@example.org", ["bob@example.net"],
           "Subject: hello\r\n\r\nHello Bob.\r\n")
s.quit()'
out=$(lab_c timeout -k 2 20 /usr/bin/python3 -c "$SMTP_CLIENT" 2>&1) ||
	lab_fail "smtplib: $out"
got=$(echo "$out" | grep -E "^(send|reply): [b']" | sed -E "s/^send: 'ehlo .*/send: 'ehlo .../")
want="send: 'ehlo ...
reply: b'250-mail.example.org\r\n'
reply: b'250-PIPELINING\r\n'
reply: b'250 8BITMIME\r\n'
send: 'mail FROM:<alice@example.org>\r\n'
reply: b'250 2.1.0 Ok\r\n'
send: 'rcpt TO:<bob@example.net>\r\n'
reply: b'250 2.1.5 Ok\r\n'
send: 'data\r\n'
reply: b'354 End data with <CR><LF>.<CR><LF>\r\n'
send: b'Subject: hello\r\n\r\nHello Bob.\r\n.\r\n'
reply: b'250 2.0.0 Ok: queued as 1A2B3C\r\n'
send: 'quit\r\n'
reply: b'221 2.0.0 Bye\r\n'"
[ "$got" = "$want" ] || lab_fail "smtplib's conversation:
$got
want:
$want"
lab_ok "smtplib sent a mail, line by line:"
echo "$got" | sed 's/^/     /'
lab_wait 100 0.05 grep -q 'LAST_ACK -> CLOSED\|TIME_WAIT -> CLOSED' "$RIPOSTE_ERR" ||
	lab_fail "smtplib's connection did not close"
l=$(ladder "$V" 25 1) || lab_fail "no ladder for smtplib's connection"
for w in '"220 mail.example.org ESMTP\r\n"' '"mail FROM:<alice@example.org>\r\n"' \
	'"354 End data' '"221 2.0.0 Bye\r\n"'; do
	echo "$l" | grep -qF -- "$w" || lab_fail "the ladder lacks $w: $l"
done
lab_ok "-v: each line an arrow with its text"

# By hand: nc -C, one line at a time, as a person types them.
mkfifo "$LAB_DIR/typed" || lab_fail "mkfifo"
exec 4<>"$LAB_DIR/typed"
ip netns exec "$LAB_C" nc -C "$V" 25 <"$LAB_DIR/typed" >"$LAB_DIR/nc.txt" 2>&1 4>&- &
npid=$!
LAB_PIDS="$LAB_PIDS $npid"
nreplies=0
# expect TEXT: the next line nc prints is TEXT.
expect()
{
	nreplies=$((nreplies + 1))
	lab_wait 100 0.05 eval '[ "$(wc -l <"$LAB_DIR/nc.txt")" -ge '$nreplies' ]' ||
		lab_fail "no reply $nreplies ('$1'): $(cat "$LAB_DIR/nc.txt")"
	got=$(sed -n "${nreplies}p" "$LAB_DIR/nc.txt" | tr -d '\r')
	[ "$got" = "$1" ] || lab_fail "reply $nreplies: '$got', want '$1'"
	echo "     S: $got"
}
# say LINE: type LINE, and wait until riposte has it (a segment of its
# own, as typed).
said=0
say()
{
	said=$((said + 1))
	printf '%s\n' "$1" >&4
	echo "     C: $1"
	lab_wait 100 0.05 eval '[ "$(ladder "$V" 25 2 | grep -cE "\|--P\. [0-9]+-+>\|")" -ge '$said' ]' ||
		lab_fail "riposte did not get '$1': $(ladder "$V" 25 2)"
}
lab_ok "nc -C $V 25, typed line by line:"
expect "220 mail.example.org ESMTP"
say "HELO client.example"
expect "250 mail.example.org"
say "MAIL FROM:<alice@example.org>"
expect "250 2.1.0 Ok"
say "RCPT TO:<bob@example.net>"
expect "250 2.1.5 Ok"
say "DATA"
expect "354 End data with <CR><LF>.<CR><LF>"
# The message's lines are not answered: the next reply must be the one
# for its ".".
for m in "Subject: hello" "" "Hello Bob."; do
	say "$m"
done
say "."
expect "250 2.0.0 Ok: queued as 1A2B3C"
say "VRFY bob"
expect "502 5.5.2 Error: command not recognized"
say "QUIT"
expect "221 2.0.0 Bye"
lab_wait 100 0.05 eval 'ladder "$V" 25 2 | grep -q "ESTABLISHED -> FIN_WAIT_1 (our FIN)"' ||
	lab_fail "no FIN from riposte after 221: $(ladder "$V" 25 2)"
# nc keeps its side open until its input ends (Ctrl-D).
exec 4>&-
lab_wait 100 0.05 eval '! lab_alive '"$npid" ||
	lab_fail "nc did not end after 221, riposte's FIN and the end of its input"
wait "$npid"
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$npid" | tr '\n' ' ')
lab_wait 100 0.05 eval 'ladder "$V" 25 2 | grep -q -- "-> CLOSED"' ||
	lab_fail "nc's connection did not close: $(ladder "$V" 25 2)"
n=$(wc -l <"$LAB_DIR/nc.txt")
[ "$n" = "$nreplies" ] || lab_fail "nc printed $n lines, want $nreplies: $(cat "$LAB_DIR/nc.txt")"
lab_ok "nc -C: the README's replies, one per command, none for the message's lines"
stop_riposte

# --- 11. IPv6 neighbour discovery --------------------------------------------
V=2001:db8::20
MAC=02:00:00:00:00:20
lab_riposte -v "$RULES/ipv6-host.rules" || lab_fail "riposte did not start"
lab_tcpdump "$LAB_DIR/nd.txt" -e icmp6
out=$(lab_c ping -6 -c 3 "$V" 2>&1)
# Every request is answered by riposte (its ladder says so); a loaded
# machine may lose one on the veth backlog, which is not riposte's doing.
echo "$out" | grep -Eq '3 packets transmitted, [23] received' &&
	echo "$out" | grep -q "from $V: icmp_seq=[0-9]* ttl=128 " ||
	lab_fail "ping -6 $V: $out"
n=$(count "\|<-+ICMP6--\| IP6 $V > $LAB_C6: ICMP6, echo reply" "$RIPOSTE_ERR")
[ "$n" = 3 ] || lab_fail "riposte sent $n echo replies, want 3"
lab_ok "ping -6 $V: $(echo "$out" | grep 'packets transmitted'), ttl=128"
neigh=$(lab_c ip -6 neigh show "$V")
echo "$neigh" | grep -q "^$V dev $LAB_CIF lladdr $MAC " ||
	lab_fail "ip -6 neigh show $V: '$neigh', want lladdr $MAC"
lab_ok "ip -6 neigh show $V: $neigh"
lab_grep_wait "$LAB_DIR/nd.txt" "$LAB_CMAC > 33:33:ff:00:00:20, .* > ff02::1:ff00:20: ICMP6, neighbor solicitation, who has $V" >/dev/null ||
	lab_fail "no neighbour solicitation in the client's capture: $(cat "$LAB_DIR/nd.txt")"
lab_grep_wait "$LAB_DIR/nd.txt" "$MAC > $LAB_CMAC, .* $V > $LAB_C6: ICMP6, neighbor advertisement, tgt is $V" >/dev/null ||
	lab_fail "no neighbour advertisement from $MAC: $(cat "$LAB_DIR/nd.txt")"
lab_ok "tcpdump -e: the solicitation to 33:33:ff:00:00:20, the advertisement from $MAC"
lab_tcpdump_stop
stop_riposte
echo "test_lessons: all checks passed"
