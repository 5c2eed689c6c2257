#!/bin/bash
# test_narrate.sh - what `riposte run` shows a person watching it:
#   - -v draws each connection of a real client (the kernel's TCP, curl) as
#     a ladder on stderr: a header naming client and riposte, the client's
#     SYN as an arrow to riposte's rail, numbers relative (seq 0) and
#     absolute, riposte's SYN-ACK back, the state transitions LISTEN ->
#     SYN_RCVD -> ESTABLISHED -> ... -> CLOSED, the rule and its line; a
#     ping as an ICMP arrow; no colour codes when stderr is not a terminal;
#   - -w FILE writes every frame seen and sent as a pcap that tcpdump reads:
#     as many frames as riposte counted in and sent, the client's SYN, the
#     SYN-ACK and the HTTP response among them, and flushed while riposte
#     runs (read before it stops);
#   - --stats-interval 1 prints the counters unasked, again and again.
#
#   bash tests/live/test_narrate.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up narrate

V=198.51.100.10
PCAP=$LAB_DIR/seen.pcap
cp -r "$(dirname "$0")/../../rules/payloads" "$LAB_DIR/"
cat >"$LAB_DIR/web.rules" <<EOF
host $V {
	mac 02:00:00:00:00:10
	ping on
	tcp 80 open { on "GET " { send file "payloads/http-200.txt"; close } }
}
EOF
lab_riposte -v -w "$PCAP" --stats-interval 1 "$LAB_DIR/web.rules" ||
	lab_fail "riposte did not start"

lab_c ping -n -c 1 -W 2 "$V" >/dev/null || lab_fail "ping $V: no answer"
body=$(lab_c curl -s -m 5 "http://$V/") || lab_fail "curl http://$V/ failed"
echo "$body" | grep -q . || lab_fail "curl: empty page"
lab_ok "a ping and a page from riposte"

# The last ACK of the close, and the counters twice, unasked.
lab_wait 100 0.05 grep -q 'CLOSED' "$RIPOSTE_ERR" ||
	lab_fail "no CLOSED in the narration"
lab_wait 60 0.05 sh -c "[ \$(grep -c '^riposte: frames ' '$RIPOSTE_ERR') -ge 2 ]" ||
	lab_fail "--stats-interval 1: no counters twice"
lab_ok "--stats-interval 1 printed the counters $(grep -c '^riposte: frames ' "$RIPOSTE_ERR") times"

# -w is flushed as frames come: tcpdump reads it while riposte runs.
live=$(tcpdump -nn -r "$PCAP" 2>/dev/null | wc -l)
[ "$live" -ge 10 ] || lab_fail "the pcap held $live frames while riposte ran"
lab_ok "tcpdump read $live frames of the pcap while riposte ran"

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
err=$RIPOSTE_ERR

# The narration.
grep -q $'\033\\[' "$err" && lab_fail "colour codes on a stderr that is a file"
hdr=$(grep -E "^#[0-9]+ client $LAB_C4\.[0-9]+ <-> riposte $V\.80$" "$err" | head -n 1)
[ -n "$hdr" ] || lab_fail "no ladder header for the connection: $(head -n 5 "$err")"
id=${hdr%% *}
ladder=$(grep -E "^([0-9:.]{15}| {15}) $id +\|" "$err")
for want in \
	"\|--S-+>\| seq 0 \([0-9]+\), win [0-9]+, options \[mss" \
	"\|<-+S\.--\| seq 0 \([0-9]+\), ack 1 \([0-9]+\), win" \
	"\[host rule tcp open, line 4\]" \
	"\| LISTEN -> SYN_RCVD \(SYN\)" \
	"\| SYN_RCVD -> ESTABLISHED \(the handshake's ACK\)" \
	"\|--P\. [0-9]+-+>\| seq 1:[0-9]+ \([0-9]+\), ack 1 \([0-9]+\).*\"GET / HTTP/1\.1" \
	"\|<-+(FP|P)\. [0-9]+--\| seq 1:[0-9]+ .*\"HTTP/1\.[01] 200" \
	"-> FIN_WAIT_1 \(our FIN\)" \
	"-> CLOSED"; do
	echo "$ladder" | grep -qE -- "$want" ||
		lab_fail "the ladder lacks /$want/: $ladder"
done
grep -qE "\|--ICMP-+>\| IP $LAB_C4 > $V: ICMP echo request" "$err" ||
	lab_fail "no ICMP arrow for the ping"
lab_ok "-v: the ladder of connection $id, $(echo "$ladder" | wc -l) lines, its states and rule"

# The pcap: every frame seen and sent, readable by tcpdump.
in=$(lab_counter frames)
sent=$(lab_counter sent)
n=$(tcpdump -nn -r "$PCAP" 2>/dev/null | wc -l)
[ "$n" = $((in + sent)) ] ||
	lab_fail "-w: $n frames in the pcap, riposte counted $in in and $sent sent"
tcpdump -nn -r "$PCAP" 2>/dev/null >"$LAB_DIR/pcap.txt"
grep -qE "IP $LAB_C4\.[0-9]+ > $V\.80: Flags \[S\]" "$LAB_DIR/pcap.txt" ||
	lab_fail "-w: no client SYN"
grep -qE "IP $V\.80 > $LAB_C4\.[0-9]+: Flags \[S\.\]" "$LAB_DIR/pcap.txt" ||
	lab_fail "-w: no SYN-ACK"
grep -qE "IP $V > $LAB_C4: ICMP echo reply" "$LAB_DIR/pcap.txt" ||
	lab_fail "-w: no echo reply"
tcpdump -nn -A -r "$PCAP" 2>/dev/null | grep -q 'HTTP/1.[01] 200' ||
	lab_fail "-w: no HTTP response"
lab_ok "-w: $n frames ($in in, $sent sent), tcpdump reads them all"

# The same under -u (privileges dropped, the seccomp filter on): narrating
# and writing need nothing the filter forbids (the time zone is read
# before it, the pcap opened before it).
lab_riposte -v -w "$LAB_DIR/seen2.pcap" -u nobody "$LAB_DIR/web.rules" ||
	lab_fail "riposte -v -w -u nobody did not start: $(cat "$RIPOSTE_ERR")"
lab_c curl -s -m 5 "http://$V/" | grep -q . || lab_fail "-u nobody: curl failed"
lab_wait 100 0.05 grep -q 'CLOSED' "$RIPOSTE_ERR" ||
	lab_fail "-u nobody: no CLOSED in the narration"
lab_alive "$RIPOSTE_PID" || lab_fail "-u nobody: riposte died: $(tail -n 3 "$RIPOSTE_ERR")"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "-u nobody: exit $RIPOSTE_RC"
n=$(tcpdump -nn -r "$LAB_DIR/seen2.pcap" 2>/dev/null | wc -l)
[ "$n" = $(($(lab_counter frames) + $(lab_counter sent))) ] ||
	lab_fail "-u nobody: $n frames in the pcap, not what riposte counted"
lab_ok "-v -w under -u nobody and seccomp: narrated, $n frames written"
