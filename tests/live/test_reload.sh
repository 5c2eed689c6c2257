#!/bin/bash
# test_reload.sh - SIGHUP reloads the rule file: with a changed file the
# answers change (port 80 closed -> open, 81 open -> closed, a new host
# appears, in the answers and in the nftables table); with a broken file
# every error is printed as file:line:col, riposte says the old rules stay,
# and the answers and the table stay as they were.  The client is the
# kernel's own connect() and ping.
#
#   bash tests/live/test_reload.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up reload

V=198.51.100.60
NEW=198.51.100.61
R=$LAB_DIR/reload.rules

# install CONTENT: replace the rule file in one rename, as an editor might.
install_rules() { printf '%s\n' "$1" >"$R.tmp" && mv "$R.tmp" "$R"; }

# expect PORT WANT: the kernel's connect() to $V:PORT ends as WANT.
expect()
{
	local r
	r=$(lab_tcp_probe "$V" "$1")
	[ "$r" = "$2" ] || lab_fail "$3: connect($V, $1): $r, want $2"
	lab_ok "$3: connect($V, $1): $r"
}

# hup N: send SIGHUP and wait for riposte's Nth answer to one.
hup()
{
	kill -HUP "$RIPOSTE_PID"
	lab_wait 100 0.05 eval '[ "$(grep -cE "^riposte: (reloaded|reload of)" \
		"$RIPOSTE_ERR")" -ge '"$1"' ]' ||
		lab_fail "no answer to SIGHUP number $1"
}

install_rules "host $V {
	tcp 80 closed
	tcp 81 open
}"
lab_riposte "$R" || lab_fail "riposte did not start"
expect 80 refused "first rules"
expect 81 open "first rules"
if lab_c ping -n -c 1 -W 1 "$NEW" >/dev/null; then
	lab_fail "first rules: $NEW answers ping"
fi

# --- A changed file ---------------------------------------------------------
install_rules "host $V {
	tcp 80 open
	tcp 81 closed
}
host $NEW {
	ping on
}"
hup 1
grep -q "^riposte: reloaded $R: " "$RIPOSTE_ERR" ||
	lab_fail "SIGHUP: no 'reloaded' line"
lab_ok "SIGHUP: $(grep '^riposte: reloaded' "$RIPOSTE_ERR")"
expect 80 open "changed rules"
expect 81 refused "changed rules"
lab_c ping -n -c 1 -W 2 "$NEW" >/dev/null ||
	lab_fail "changed rules: the new host $NEW does not answer ping"
lab_ok "changed rules: the new host $NEW answers ping"
lab_r nft list table netdev riposte | grep -q "ip daddr $NEW drop" ||
	lab_fail "changed rules: the table has no rule for $NEW: $(lab_r nft list table netdev riposte)"
lab_ok "changed rules: the netdev table now covers $NEW"
table_before=$(lab_r nft list ruleset | grep -v handle)

# --- A broken file: the old rules stay --------------------------------------
install_rules "host $V {
	tcp 80 closed
	tcp 81 bogus
}
host 198.51.100.300 {
}"
hup 2
grep -q "^riposte: reload of $R failed: the old rules stay" "$RIPOSTE_ERR" ||
	lab_fail "broken file: no 'reload failed' line"
grep -q "^$R:3:9: error: " "$RIPOSTE_ERR" ||
	lab_fail "broken file: the error at 3:9 is not printed"
grep -q "^$R:5:6: error: " "$RIPOSTE_ERR" ||
	lab_fail "broken file: the error at 5:6 is not printed"
lab_ok "broken file: $(grep -c "^$R:[0-9]*:[0-9]*: error: " "$RIPOSTE_ERR") errors printed, the old rules stay"
expect 80 open "after the broken file"
expect 81 refused "after the broken file"
lab_c ping -n -c 1 -W 2 "$NEW" >/dev/null ||
	lab_fail "after the broken file: $NEW does not answer ping"
table_after=$(lab_r nft list ruleset | grep -v handle)
[ "$table_before" = "$table_after" ] ||
	lab_fail "after the broken file the nftables ruleset changed"
lab_ok "after the broken file: same answers, same nftables ruleset"

lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_reload: all checks passed"
