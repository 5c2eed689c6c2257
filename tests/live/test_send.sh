#!/bin/bash
# test_send.sh - `riposte send`, the one-shot forger, against the kernel of
# the riposte-side namespace (no riposte runs there: its own stack is the
# peer).  From c0, with --wait: a SYN to a closed port gets the kernel's
# RST,ACK, a SYN to a listening nc its SYN-ACK, an echo request (IPv4 and
# IPv6) its reply, a UDP datagram to a closed port the ICMP port
# unreachable that quotes it; a frame nobody answers gives the no-answer
# line and exit 1.  Five frames with a bad TCP checksum all cross the
# link, as a tcpdump on r0 shows; and an unprivileged user gets the one
# line saying root is needed.
#
#   bash tests/live/test_send.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up send

TO_R="Ether(dst=\"$LAB_RMAC\")"
NC_PORT=8080
NC_PID=
RTCPDUMP_PID=

# send ARGS...: `riposte send -i c0 ARGS...` in the clients' namespace,
# bounded; its output in $LAB_DIR/send.out and .err, its status in SEND_RC.
send()
{
	lab_c timeout -k 2 20 "$RIPOSTE" send -i "$LAB_CIF" "$@" \
		</dev/null >"$LAB_DIR/send.out" 2>"$LAB_DIR/send.err"
	SEND_RC=$?
}

send_fail()
{
	echo "--- stdout:"
	cat "$LAB_DIR/send.out"
	echo "--- stderr:"
	cat "$LAB_DIR/send.err"
	lab_fail "$*"
}

# expect_answer WHAT ERE...: the last send exited 0, printed the round-trip
# line, then a frame whose dissection has a line matching each ERE.
expect_answer()
{
	local what=$1 re
	shift
	[ "$SEND_RC" = 0 ] || send_fail "$what: exit $SEND_RC, want 0"
	[ -s "$LAB_DIR/send.err" ] && send_fail "$what: wrote on stderr"
	head -n 1 "$LAB_DIR/send.out" |
		grep -Eq '^answer to frame 1 in [0-9]+\.[0-9]{3} ms:$' ||
		send_fail "$what: no round-trip line first"
	for re in "$@"; do
		grep -Eq "$re" "$LAB_DIR/send.out" ||
			send_fail "$what: no line matching '$re' in the answer"
	done
	lab_ok "$what: $(sed -n 2p "$LAB_DIR/send.out" | cut -c 1-110)"
}

# (a) A SYN to a port the kernel has closed: its RST,ACK, ports swapped.
send --wait 5000 "$TO_R/IP(src=\"$LAB_C4\", dst=\"$LAB_R4\")" \
	'/TCP(sport=40000, dport=9, flags="S", seq=1000)'
expect_answer "SYN to $LAB_R4:9 (closed)" \
	"^ +1 [0-9:.]+ IP $LAB_R4\\.9 > $LAB_C4\\.40000: Flags \\[R\\.\\]" \
	'^  tcp\.sport = 9$' '^  tcp\.dport = 40000$' '^  tcp\.flags = RA$' \
	'^  tcp\.ack = 1001$' '^  eth\.src = 02:00:00:00:0a:01$'

# (b) A SYN to a port nc listens on: the kernel's SYN-ACK.
lab_r nc -l "$LAB_R4" "$NC_PORT" </dev/null >/dev/null 2>&1 &
NC_PID=$!
LAB_PIDS="$LAB_PIDS $NC_PID"
nc_listening()
{
	ip netns exec "$LAB_R" ss -Hltn "sport = :$NC_PORT" | grep -q LISTEN
}
lab_wait 100 0.05 nc_listening || lab_fail "nc did not listen on $NC_PORT"
send --wait 5000 "$TO_R/IP(dst=\"$LAB_R4\")" \
	"/TCP(sport=40001, dport=$NC_PORT, flags=\"S\", seq=5000," \
	'options=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)])'
expect_answer "SYN to $LAB_R4:$NC_PORT (nc listening)" \
	"IP $LAB_R4\\.$NC_PORT > $LAB_C4\\.40001: Flags \\[S\\.\\]" \
	'^  tcp\.flags = SA$' '^  tcp\.ack = 5001$' "^  tcp\\.sport = $NC_PORT\$"
lab_reap "$NC_PID" TERM
NC_PID=

# (c) An ICMP echo request (sources from c0: its MAC and address).
send --wait 5000 "$TO_R/IP(dst=\"$LAB_R4\")/ICMP(id=0x1234, seq=7)/Raw(load=\"ping\")"
expect_answer "ICMP echo to $LAB_R4" \
	"IP $LAB_R4 > $LAB_C4: ICMP echo reply, id 4660, seq 7" \
	'^  icmp\.type = 0$' "^  ip\\.dst = $LAB_C4\$"

# (d) UDP to a closed port: the port unreachable quotes the datagram.
send --wait 5000 "$TO_R/IP(dst=\"$LAB_R4\")/UDP(sport=40002, dport=9)" \
	'/Raw(load="hello")'
expect_answer "UDP to $LAB_R4:9 (closed)" \
	"IP $LAB_R4 > $LAB_C4: ICMP $LAB_R4 udp port 9 unreachable" \
	'^  icmp\.type = 3$' '^  icmp\.code = 3$' \
	'^  udperror\.sport = 40002$' '^  udperror\.dport = 9$' \
	"^  iperror\\.src = $LAB_C4\$"

# (e) An ICMPv6 echo request.
send --wait 5000 "$TO_R/IPv6(dst=\"$LAB_R6\")/ICMPv6EchoRequest(id=0x4321, seq=3)"
expect_answer "ICMPv6 echo to $LAB_R6" \
	"IP6 $LAB_R6 > $LAB_C6: ICMP6, echo reply, id 17185, seq 3" \
	'^  icmp6\.type = 129$' "^  ip6\\.dst = $LAB_C6\$"

# (e2) No Ether(dst=...): the MAC is asked for, as Scapy's getmacbyip()
# does (ARP, a neighbour solicitation).  The kernel's TCP drops a segment
# sent to ff:ff:ff:ff:ff:ff (not PACKET_HOST), so its RST proves the frame
# went to r0's own MAC; the same SYN to the broadcast MAC, unanswered,
# shows that it is the cause.
send --wait 5000 "IP(dst=\"$LAB_R4\")/TCP(sport=40004, dport=9, flags=\"S\")"
expect_answer "SYN to $LAB_R4:9, no Ether layer: ARP asked" \
	"IP $LAB_R4\\.9 > $LAB_C4\\.40004: Flags \\[R\\.\\]" \
	"^  eth\\.src = $LAB_RMAC\$"
send --wait 5000 "Ether()/IPv6(dst=\"$LAB_R6\")" \
	'/TCP(sport=40005, dport=9, flags="S")'
expect_answer "SYN to [$LAB_R6]:9, Ether() without dst: neighbour solicitation" \
	"IP6 $LAB_R6\\.9 > $LAB_C6\\.40005: Flags \\[R\\.\\]"
send --wait 'Ether(dst="ff:ff:ff:ff:ff:ff")/IP(dst="'"$LAB_R4"'")' \
	'/TCP(sport=40006, dport=9, flags="S")'
[ "$SEND_RC" = 1 ] ||
	send_fail "the same SYN to ff:ff:ff:ff:ff:ff: exit $SEND_RC, want 1"
lab_ok "the same SYN to ff:ff:ff:ff:ff:ff: no answer (TCP drops it)"
# Multicast maps to its MAC without asking (RFC 1112, RFC 2464).
send -v 'IP(dst="224.0.0.251")/UDP(dport=5353)'
grep -qx '  eth\.dst = 01:00:5e:00:00:fb' "$LAB_DIR/send.out" ||
	send_fail "multicast: 224.0.0.251 not sent to 01:00:5e:00:00:fb"
send -v 'IPv6(dst="ff02::1:ff00:1")/ICMPv6EchoRequest()'
grep -qx '  eth\.dst = 33:33:ff:00:00:01' "$LAB_DIR/send.out" ||
	send_fail "multicast: ff02::1:ff00:1 not sent to 33:33:ff:00:00:01"
lab_ok "multicast: 224.0.0.251 to 01:00:5e:00:00:fb, ff02::1:ff00:1 to 33:33:ff:00:00:01"
# Off the link: the gateway the client's route names is asked for, as
# Scapy does (r0 has no route back; only the MAC is checked).
lab_c ip route add 203.0.113.0/24 via "$LAB_R4" ||
	lab_fail "cannot add a route via $LAB_R4"
lab_c ip -6 route add 2001:db8:99::/64 via "$LAB_R6" ||
	lab_fail "cannot add a route via $LAB_R6"
for dst in 203.0.113.5 2001:db8:99::5; do
	case $dst in *:*) l3="IPv6(dst=\"$dst\")" ;; *) l3="IP(dst=\"$dst\")" ;; esac
	send -v "$l3/UDP(dport=9)"
	[ "$SEND_RC" = 0 ] && [ ! -s "$LAB_DIR/send.err" ] &&
		grep -qx "  eth\\.dst = $LAB_RMAC" "$LAB_DIR/send.out" ||
		send_fail "$dst via its gateway: not sent to $LAB_RMAC"
	lab_ok "$dst, off the link: sent to its gateway's MAC $LAB_RMAC"
done
# Nobody has the address: broadcast, said once on stderr, exit 0.
send -c 2 -v 'IP(dst="198.51.100.77")/TCP(dport=80, flags="S")'
[ "$SEND_RC" = 0 ] || send_fail "ARP unanswered: exit $SEND_RC, want 0"
[ "$(cat "$LAB_DIR/send.err")" = "riposte: send: 198.51.100.77 did not answer ARP within 1000 ms: sending to ff:ff:ff:ff:ff:ff (Ether(dst=...) says where)" ] ||
	send_fail "ARP unanswered: not the one line wanted"
[ "$(grep -cx '  eth\.dst = ff:ff:ff:ff:ff:ff' "$LAB_DIR/send.out")" = 2 ] ||
	send_fail "ARP unanswered: the two frames not sent to broadcast"
lab_ok "ARP unanswered: $(cut -c 16-72 "$LAB_DIR/send.err")..., both frames to broadcast"

# (f) Nobody has this MAC nor this address: no answer, exit 1 (and the
# default timeout, 1000 ms).  The answers above may take up to 5 s: a
# loaded machine must not fail them.
send --wait 'Ether(dst="02:00:00:00:0c:01")/IP(dst="198.51.100.77")' \
	'/TCP(dport=80, flags="S")'
[ "$SEND_RC" = 1 ] || send_fail "no answer: exit $SEND_RC, want 1"
[ "$(cat "$LAB_DIR/send.err")" = "riposte: send: no answer within 1000 ms" ] ||
	send_fail "no answer: not the one line wanted"
[ -s "$LAB_DIR/send.out" ] && send_fail "no answer: printed on stdout"
lab_ok "no answer: $(cat "$LAB_DIR/send.err"), exit 1"

# (g) Five frames with a wrong TCP checksum, 10 ms apart: all five reach
# r0, as they were forged.  (tcpdump says "incorrect" for a TCP checksum,
# "bad cksum" for an IP one.)
out="$LAB_DIR/r0.txt"
ip netns exec "$LAB_R" tcpdump --immediate-mode -l -n -vv -i "$LAB_RIF" \
	tcp dst port 7777 </dev/null >"$out" 2>"$out.err" &
RTCPDUMP_PID=$!
LAB_PIDS="$LAB_PIDS $RTCPDUMP_PID"
rtcpdump_ready() { grep -qs 'listening on' "$out.err" || ! lab_alive "$RTCPDUMP_PID"; }
lab_wait 200 0.05 rtcpdump_ready
lab_alive "$RTCPDUMP_PID" || lab_fail "tcpdump on r0: $(cat "$out.err")"
send -c 5 --interval 10 -v "$TO_R/IP(dst=\"$LAB_R4\")" \
	'/TCP(sport=40003, dport=7777, seq=random, chksum=0x1234)'
[ "$SEND_RC" = 0 ] || send_fail "-c 5: exit $SEND_RC"
grep -qx 'sent 5 frames' "$LAB_DIR/send.out" || send_fail "-c 5 -v: no count"
n=$(grep -c '^  tcp\.chksum = 0x1234 \[incorrect' "$LAB_DIR/send.out")
[ "$n" = 5 ] || send_fail "-c 5 -v printed $n frames with chksum 0x1234"
bad_five() { [ "$(grep -c 'cksum 0x1234 (incorrect' "$out")" -ge 5 ]; }
lab_wait 100 0.05 bad_five ||
	lab_fail "tcpdump on r0 saw $(grep -c 'cksum 0x1234' "$out") of 5: $(cat "$out")"
n=$(grep -c "$LAB_C4\\.40003 > $LAB_R4\\.7777" "$out")
[ "$n" = 5 ] || lab_fail "tcpdump on r0 saw $n frames, want 5: $(cat "$out")"
seqs=$(sed -n 's/.* seq \([0-9]*\),.*/\1/p' "$out" | sort -u | wc -l)
[ "$seqs" = 5 ] || lab_fail "seq=random gave $seqs different values in 5"
lab_ok "-c 5: tcpdump on r0 saw 5 frames, cksum 0x1234 incorrect, 5 seqs"
lab_reap "$RTCPDUMP_PID" INT
RTCPDUMP_PID=

# (h) Without CAP_NET_RAW: one line, exit 2, with and without --wait.
bin=$RIPOSTE
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$bin"; then
	# The build tree may be closed to nobody: a copy it can run.
	mkdir -m 755 "$LAB_DIR/pub" && chmod 711 "$LAB_DIR" &&
		cp "$RIPOSTE" "$LAB_DIR/pub/riposte" &&
		chmod 755 "$LAB_DIR/pub/riposte" || lab_fail "copy for nobody"
	bin=$LAB_DIR/pub/riposte
fi
for w in "" --wait; do
	lab_c timeout -k 2 10 setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$bin" send -i "$LAB_CIF" $w \
		"$TO_R/IP(dst=\"$LAB_R4\")/TCP()" </dev/null \
		>"$LAB_DIR/send.out" 2>"$LAB_DIR/send.err"
	rc=$?
	[ "$rc" = 2 ] || send_fail "as nobody ${w:-(no --wait)}: exit $rc, want 2"
	want="riposte: send: needs root (CAP_NET_RAW) to send on $LAB_CIF"
	[ "$(cat "$LAB_DIR/send.err")" = "$want" ] ||
		send_fail "as nobody ${w:-(no --wait)}: not the one line '$want'"
	lab_ok "as nobody ${w:-(no --wait)}: '$want', exit 2"
done

echo "test_send: all checks passed"
