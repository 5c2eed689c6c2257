#!/bin/bash
# test_signals.sh - riposte's nftables tables live exactly as long as
# riposte: after SIGKILL (no clean-up code runs: the kernel deletes the
# owner tables) and after SIGTERM (riposte exits 0 and prints its
# counters), `nft list tables` in riposte's namespace shows no riposte
# table within 1 s (polled every 50 ms, 20 times); SIGINT the same.  A rule
# file with an error exits 2, says file:line:col, and creates no table.
# When its interface is deleted under it, riposte exits 1 with the reason.
#
#   bash tests/live/test_signals.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up signals
RULES=$here/../../rules

no_table() { ! lab_r nft list tables | grep -q riposte; }

for sig in KILL TERM INT; do
	lab_riposte "$RULES/web-server.rules" || lab_fail "riposte did not start"
	tables=$(lab_r nft list tables)
	echo "$tables" | grep -qx 'table netdev riposte' &&
	echo "$tables" | grep -qx 'table inet riposte' ||
		lab_fail "before SIG$sig: no riposte tables: '$tables'"
	# Answering, so the tables are in use.
	lab_c ping -n -c 1 -W 2 198.51.100.10 >/dev/null ||
		lab_fail "before SIG$sig: 198.51.100.10 does not answer ping"
	pid=$RIPOSTE_PID
	lab_alive "$pid" || lab_fail "riposte is gone before SIG$sig"
	# SIGUSR1 prints counters (the ping above among them) and goes on.
	kill -USR1 "$pid"
	lab_grep_wait "$RIPOSTE_ERR" '^riposte: frames [1-9]' >/dev/null ||
		lab_fail "SIGUSR1 printed no counters"
	lab_grep_wait "$RIPOSTE_ERR" 'rule 3 ping .*matched [1-9]' >/dev/null ||
		lab_fail "SIGUSR1 counters lack the ping rule"
	lab_alive "$pid" || lab_fail "riposte died on SIGUSR1"
	kill "-$sig" "$pid"
	lab_wait 20 0.05 no_table ||
		lab_fail "SIG$sig: riposte tables still there after 1 s: $(lab_r nft list tables)"
	lab_ok "SIG$sig: no riposte table in the namespace within 1 s"
	lab_riposte_stop TERM
	case $sig in
	KILL) want=137 ;;
	*) want=0 ;;
	esac
	[ "$RIPOSTE_RC" = "$want" ] ||
		lab_fail "SIG$sig: riposte exit $RIPOSTE_RC, want $want"
	if [ "$sig" != KILL ]; then
		grep -q '^riposte: frames [0-9]*, replies [0-9]*, sent ' \
			"$RIPOSTE_ERR" || lab_fail "SIG$sig: no counters printed"
		lab_ok "SIG$sig: exit 0, counters: $(grep '^riposte: frames' "$RIPOSTE_ERR")"
	fi
	# Nothing answers any more.
	lab_c ip neigh flush dev "$LAB_CIF"
	if lab_c ping -n -c 1 -W 1 198.51.100.10 >/dev/null; then
		lab_fail "after SIG$sig: 198.51.100.10 still answers"
	fi
done

# A broken rule file: exit 2 before anything is installed.
printf 'host 198.51.100.10 {\n\ttcp 80 opne\n}\n' >"$LAB_DIR/bad.rules"
lab_riposte_oneshot -i "$LAB_RIF" "$LAB_DIR/bad.rules"
[ "$RIPOSTE_RC" = 2 ] || lab_fail "bad rules: exit $RIPOSTE_RC, want 2"
grep -q "^$LAB_DIR/bad.rules:2:[0-9]*: error: " "$RIPOSTE_ERR" ||
	lab_fail "bad rules: no file:line:col error: $(cat "$RIPOSTE_ERR")"
no_table || lab_fail "bad rules: a riposte table exists: $(lab_r nft list tables)"
lab_ok "bad rules: exit 2, $(head -n 1 "$RIPOSTE_ERR"), no table"
# The interface goes away under riposte: it says so and exits 1 (a
# failure, which a service manager restarts), counters printed, no table.
lab_riposte "$RULES/web-server.rules" || lab_fail "riposte did not start"
lab_r ip link del "$LAB_RIF" || lab_fail "cannot delete $LAB_RIF"
lab_wait 100 0.05 sh -c "! kill -0 $RIPOSTE_PID 2>/dev/null" ||
	lab_fail "riposte still runs after its interface went away"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 1 ] || lab_fail "interface gone: exit $RIPOSTE_RC, want 1"
grep -q '^riposte: capture: ' "$RIPOSTE_ERR" ||
	lab_fail "interface gone: no reason: $(cat "$RIPOSTE_ERR")"
no_table || lab_fail "interface gone: a riposte table exists"
lab_ok "interface gone: exit 1, $(grep '^riposte: capture: ' "$RIPOSTE_ERR")"
echo "test_signals: all checks passed"
