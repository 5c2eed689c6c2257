#!/bin/bash
# test_privdrop.sh - `riposte run -u nobody` holds nothing once it runs:
# /proc/PID/status shows every uid and gid non-zero, no supplementary
# group, every capability set (effective, permitted, inheritable,
# bounding, ambient) empty, NoNewPrivs 1 and a seccomp filter (Seccomp 2)
# - and riposte still answers (ARP, ping, a SYN to an open port) with its
# firewall table in place, prints its counters and reloads its rules
# within the filter.
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
[ "$(field Seccomp)" = 2 ] && [ "$(field Seccomp_filters)" -ge 1 ] ||
	lab_fail "Seccomp: $(field Seccomp), filters $(field Seccomp_filters): want 2 (a filter)"
lab_ok "Seccomp: 2 (filter), $(field Seccomp_filters) filter(s)"

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

# Within the seccomp filter: counters on SIGUSR1, a reload on SIGHUP (a
# rule file nobody may read: here, a copy in a public folder).
kill -USR1 "$RIPOSTE_PID"
lab_grep_wait "$RIPOSTE_ERR" '^riposte: frames [1-9]' >/dev/null ||
	lab_fail "no counters on SIGUSR1 as nobody"
pub=$(mktemp -d /tmp/riposte-privdrop-pub.XXXXXX) || lab_fail "mktemp"
cp -r "$here/../../rules/web-server.rules" "$here/../../rules/payloads" "$pub/"
sed -i 's/tcp 443 closed/tcp 443 open/' "$pub/web-server.rules"
chmod -R a+rX "$pub"
cp "$pub/web-server.rules" "$LAB_DIR/reloaded.rules"
# The running riposte reads the file it was given: point it there.
lab_riposte_stop TERM
lab_riposte -u nobody "$pub/web-server.rules" ||
	lab_fail "riposte -u nobody did not start on the public copy"
sed -i 's/tcp 443 open/tcp 443 closed/' "$pub/web-server.rules"
kill -HUP "$RIPOSTE_PID"
lab_grep_wait "$RIPOSTE_ERR" 'reloaded .*rules' >/dev/null ||
	{ rm -rf "$pub"; lab_fail "no reload as nobody under seccomp"; }
lab_alive "$RIPOSTE_PID" || { rm -rf "$pub"; lab_fail "riposte died reloading"; }
r=$(lab_tcp_probe 198.51.100.10 443)
rm -rf "$pub"
[ "$r" = refused ] || lab_fail "after the reload, connect(443): $r, want refused"
lab_ok "SIGUSR1 counters and a SIGHUP reload (443 open, then closed again) within the filter"

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
grep -q '^riposte: frames ' "$RIPOSTE_ERR" || lab_fail "no counters at exit"
echo "test_privdrop: all checks passed"
