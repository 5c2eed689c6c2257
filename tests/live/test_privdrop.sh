#!/bin/bash
# test_privdrop.sh - `riposte run -u nobody` holds nothing once it runs:
# /proc/PID/status shows every uid and gid non-zero, no supplementary
# group, every capability set (effective, permitted, inheritable,
# bounding, ambient) empty and NoNewPrivs 1 - and riposte still answers
# (ARP, ping, a SYN to an open port) with its firewall table in place.
#
#   bash tests/live/test_privdrop.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up privdrop

getent passwd nobody >/dev/null || lab_fail "no user nobody on this system"
lab_riposte -u nobody "$here/../../rules/web-server.rules" ||
	lab_fail "riposte -u nobody did not start"
grep -q 'running as nobody' "$RIPOSTE_ERR" ||
	lab_fail "riposte did not say it runs as nobody"
st=/proc/$RIPOSTE_PID/status
[ -r "$st" ] || lab_fail "no $st"
[ "$(sed -n 's/^Name:\t//p' "$st")" = riposte ] ||
	lab_fail "PID $RIPOSTE_PID is not riposte: $(head -n 1 "$st")"

field() { sed -n "s/^$1:[[:space:]]*//p" "$st"; }
for f in Uid Gid; do
	for v in $(field $f); do
		[ "$v" != 0 ] || lab_fail "$f: $(field $f): a zero id is left"
	done
	lab_ok "$f: $(field $f)"
done
[ -z "$(field Groups | tr -d ' ')" ] ||
	lab_fail "supplementary groups left: $(field Groups)"
lab_ok "Groups: (none)"
for f in CapInh CapPrm CapEff CapBnd CapAmb; do
	[ "$(field $f)" = 0000000000000000 ] ||
		lab_fail "$f: $(field $f), want 0000000000000000"
done
lab_ok "CapInh CapPrm CapEff CapBnd CapAmb: all 0000000000000000"
[ "$(field NoNewPrivs)" = 1 ] || lab_fail "NoNewPrivs: $(field NoNewPrivs)"
lab_ok "NoNewPrivs: 1"

# And it still answers.
out=$(lab_c ping -n -c 2 -i 0.2 -W 2 198.51.100.10 2>&1)
echo "$out" | grep -q '2 packets transmitted, 2 received' ||
	lab_fail "ping 198.51.100.10 as nobody: $out"
lab_ok "ping 198.51.100.10: $(echo "$out" | grep 'packets transmitted')"
r=$(lab_tcp_probe 198.51.100.10 80)
[ "$r" = open ] || lab_fail "connect(198.51.100.10, 80) as nobody: $r, want open"
lab_ok "connect(198.51.100.10, 80): handshake complete"
r=$(lab_tcp_probe 198.51.100.10 443)
[ "$r" = refused ] || lab_fail "connect(198.51.100.10, 443) as nobody: $r, want refused"
lab_ok "connect(198.51.100.10, 443): refused"
lab_r nft list tables | grep -qx 'table netdev riposte' ||
	lab_fail "the firewall table is gone"
lab_ok "the firewall table is still installed"

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
grep -q '^riposte: frames ' "$RIPOSTE_ERR" || lab_fail "no counters at exit"
echo "test_privdrop: all checks passed"
