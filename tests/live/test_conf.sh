#!/bin/bash
# test_conf.sh - `riposte run -c CONF`:
#   1. a conf file alone (interface, rules, verbose, log, seed keys) is
#      enough to run: riposte answers on the interface it names, narrates
#      and logs as it says;
#   2. the command line wins, key by key: -i and RULES override the file's
#      interface and rules, the keys not given on the command line
#      (firewall = off, verbose = on) still apply;
#   3. the shipped conf/riposte.conf is a valid file: with -i and RULES it
#      runs with the firewall table installed and no narration;
#   4. a conf file with errors exits 2, reports every error as
#      file:line:col, and neither answers nor installs anything; a value
#      the command line refuses (snaplen 10) is refused in the file too.
#
#   bash tests/live/test_conf.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up conf

A=198.51.100.80
B=198.51.100.81
printf 'host %s {\n\tping on\n}\n' "$A" >"$LAB_DIR/a.rules"
printf 'host %s {\n\tping on\n}\n' "$B" >"$LAB_DIR/b.rules"
answers() { lab_c ping -n -c 1 -W 2 "$1" >/dev/null; }
silent() { lab_c ip neigh flush dev "$LAB_CIF"; ! lab_c ping -n -c 1 -W 1 "$1" >/dev/null; }
has_table() { lab_r nft list tables | grep -qx 'table netdev riposte'; }

# --- 1. everything from the file ---------------------------------------------
cat >"$LAB_DIR/one.conf" <<EOF
# a conf file with what a run needs
interface = $LAB_RIF
rules = "$LAB_DIR/a.rules"   # quoted
verbose = on
log = $LAB_DIR/one.jsonl
seed = 0x2a
EOF
lab_riposte_conf() {
	# riposte run -c CONF [ARGS...]: lab_riposte always passes -i, this
	# one must not.
	LAB_NRUN=$((LAB_NRUN + 1))
	RIPOSTE_ERR="$LAB_DIR/riposte.$LAB_NRUN.err"
	ip netns exec "$LAB_R" "$RIPOSTE" run "$@" </dev/null \
		>/dev/null 2>"$RIPOSTE_ERR" &
	RIPOSTE_PID=$!
	LAB_PIDS="$LAB_PIDS $RIPOSTE_PID"
	lab_wait 200 0.05 lab_riposte_ready
	grep -q 'answering on' "$RIPOSTE_ERR" && lab_alive "$RIPOSTE_PID"
}
lab_riposte_conf -c "$LAB_DIR/one.conf" ||
	lab_fail "riposte -c one.conf did not start"
grep -q "^riposte: answering on $LAB_RIF: .* from $LAB_DIR/a.rules, firewall table riposte installed" \
	"$RIPOSTE_ERR" || lab_fail "one.conf: $(head -n 1 "$RIPOSTE_ERR")"
answers "$A" || lab_fail "one.conf: $A does not answer"
grep -qE -- "\|--ICMP-+>\| IP $LAB_C4 > $A: ICMP echo request" "$RIPOSTE_ERR" ||
	lab_fail "one.conf: verbose = on, but no narration"
lab_riposte_stop TERM
grep -q '"event":"reply"' "$LAB_DIR/one.jsonl" ||
	lab_fail "one.conf: log = ..., but no reply event in the log"
lab_ok "conf alone: answers $A on $LAB_RIF, narrates, logs"

# --- 2. the command line wins --------------------------------------------------
cat >"$LAB_DIR/two.conf" <<EOF
interface = nosuch0
rules = $LAB_DIR/a.rules
firewall = off
verbose = yes
EOF
lab_riposte -c "$LAB_DIR/two.conf" "$LAB_DIR/b.rules" ||
	lab_fail "riposte -c two.conf -i $LAB_RIF b.rules did not start"
grep -q "^riposte: answering on $LAB_RIF: .* from $LAB_DIR/b.rules, firewall off" \
	"$RIPOSTE_ERR" || lab_fail "two.conf: $(head -n 1 "$RIPOSTE_ERR")"
answers "$B" || lab_fail "two.conf: $B (the command line's rules) does not answer"
silent "$A" || lab_fail "two.conf: $A (the file's rules) answers"
has_table && lab_fail "two.conf: firewall = off, but a table is installed"
grep -qE -- "\|--ICMP-+>\| IP $LAB_C4 > $B: ICMP echo request" "$RIPOSTE_ERR" ||
	lab_fail "two.conf: verbose = yes, but no narration"
lab_riposte_stop TERM
lab_ok "command line wins: -i $LAB_RIF and b.rules over the file; firewall = off and verbose = yes kept"

# --- 3. the shipped example ---------------------------------------------------
lab_riposte -c "$here/../../conf/riposte.conf" "$LAB_DIR/a.rules" ||
	lab_fail "riposte -c conf/riposte.conf did not start"
has_table || lab_fail "conf/riposte.conf: firewall = on, but no table"
answers "$A" || lab_fail "conf/riposte.conf: $A does not answer"
if grep -qE -- '\|--.*>\|' "$RIPOSTE_ERR"; then
	lab_fail "conf/riposte.conf: verbose = off, but riposte narrates"
fi
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "conf/riposte.conf: exit $RIPOSTE_RC"
lab_ok "conf/riposte.conf: runs, firewall on, quiet"

# --- 4. errors ------------------------------------------------------------------
C=$LAB_DIR/bad.conf
cat >"$C" <<EOF
# line 1
interface = $LAB_RIF
bogus = 1
firewall = maybe
snaplen 100
seed = -1
EOF
lab_riposte_oneshot -c "$C" "$LAB_DIR/a.rules"
[ "$RIPOSTE_RC" = 2 ] || lab_fail "bad.conf: exit $RIPOSTE_RC, want 2"
for want in \
	"$C:3:1: error: unknown key 'bogus'" \
	"$C:4:12: error: firewall is on or off, not 'maybe'" \
	"$C:5:9: error: expected '=' after 'snaplen'" \
	"$C:6:8: error: bad number '-1' for seed"; do
	grep -qF "$want" "$RIPOSTE_ERR" ||
		lab_fail "bad.conf: no '$want' in: $(cat "$RIPOSTE_ERR")"
done
grep -q 'answering on' "$RIPOSTE_ERR" && lab_fail "bad.conf: riposte ran"
has_table && lab_fail "bad.conf: a table was installed"
lab_ok "bad.conf: exit 2, 4 errors as file:line:col, nothing installed"

# A value the command line refuses (--snaplen 10) is an error in the file
# too: with it, riposte would capture 10 bytes a frame and answer nothing.
C=$LAB_DIR/snaplen.conf
printf 'snaplen = 10\n' >"$C"
lab_riposte_oneshot -c "$C" -i "$LAB_RIF" "$LAB_DIR/a.rules"
[ "$RIPOSTE_RC" = 2 ] && grep -q "^$C:1:11: error: " "$RIPOSTE_ERR" ||
	lab_fail "snaplen = 10 in a conf file: exit $RIPOSTE_RC, want 2 and $C:1:11: error: ...; stderr: $(head -n 2 "$RIPOSTE_ERR")"
lab_ok "snaplen = 10: $(head -n 1 "$RIPOSTE_ERR")"
echo "test_conf: all checks passed"
