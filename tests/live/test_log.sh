#!/bin/bash
# test_log.sh - `--log FILE` writes one JSON object per line (Python's
# json.loads reads every one): a "frame" event for each frame in, a "rule"
# event naming the rule and its line, a "reply" event for each frame out
# and a "drop" event with its reason - for a short real exchange (ping, a
# connect() to an open port, a SYN to a filtered port, ARP for an address
# nobody has).  The log agrees with the counters riposte prints at exit.
#
#   bash tests/live/test_log.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
. "$(dirname "$0")/lab.sh"
lab_up log

V=198.51.100.70
cat >"$LAB_DIR/log.rules" <<EOF
# line 1
host $V {
	ping on
	tcp 80 open
	tcp * filtered
}
EOF
LOG=$LAB_DIR/riposte.jsonl
lab_riposte --log "$LOG" "$LAB_DIR/log.rules" || lab_fail "riposte did not start"
[ -f "$LOG" ] || lab_fail "no log file $LOG"

lab_c ping -n -c 1 -W 2 "$V" >/dev/null || lab_fail "ping $V: no answer"
r=$(lab_tcp_probe "$V" 80)
[ "$r" = open ] || lab_fail "connect($V, 80): $r"
lab_c nc -z -w 1 "$V" 8080 && lab_fail "connect($V, 8080) (filtered) succeeded"
lab_c ping -n -c 1 -W 1 198.51.100.99 >/dev/null &&
	lab_fail "198.51.100.99 (nobody) answered"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"

out=$(/usr/bin/python3 - "$LOG" "$V" "$LAB_C4" \
	"$(lab_counter frames)" "$(lab_counter replies)" <<'PY' 2>&1
import json, sys
path, v, client, frames, replies = sys.argv[1:6]
ev = []
with open(path, encoding="utf-8") as f:
    for i, line in enumerate(f, 1):
        assert line.endswith("\n"), "line %d: not ended by a newline" % i
        o = json.loads(line)
        assert isinstance(o, dict), "line %d: not an object" % i
        assert isinstance(o.get("ts"), float) and o["ts"] > 0, "line %d: ts" % i
        assert o.get("event") in ("frame", "rule", "reply", "drop"), \
            "line %d: event %r" % (i, o.get("event"))
        assert isinstance(o.get("n"), int), "line %d: n" % i
        ev.append(o)
kinds = {e["event"] for e in ev}
assert kinds == {"frame", "rule", "reply", "drop"}, "kinds %s" % kinds
fr = [e for e in ev if e["event"] == "frame"]
assert [e["n"] for e in fr] == list(range(1, len(fr) + 1)), "frame numbers"
assert len(fr) == int(frames), "%d frame events, counters say %s" % (len(fr), frames)
rp = [e for e in ev if e["event"] == "reply"]
assert len(rp) == int(replies), "%d reply events, counters say %s" % (len(rp), replies)
seen = set()
for e in ev:
    if e["event"] == "frame":
        seen.add(e["n"])
        assert isinstance(e["len"], int) and isinstance(e["summary"], str)
    else:
        assert e["n"] in seen, "event %r before its frame" % e

def story(match):
    """The events of the first frame whose summary contains match."""
    for e in fr:
        if match in e["summary"]:
            return [x for x in ev if x["n"] == e["n"]]
    raise AssertionError("no frame %r" % match)

def check(match, rule, line, reply=None, drop=None):
    s = story(match)
    r = [x for x in s if x["event"] == "rule"]
    if rule is None:
        assert not r, "%s: rule %r" % (match, r)
    else:
        assert r and r[0]["rule"] == rule and r[0]["line"] == line, \
            "%s: rule event %r, want %s line %d" % (match, r, rule, line)
    out = [x for x in s if x["event"] == "reply"]
    if reply:
        assert out and reply in out[0]["summary"], "%s: replies %r" % (match, out)
    else:
        assert not out, "%s: unexpected reply %r" % (match, out)
    d = [x for x in s if x["event"] == "drop"]
    if drop:
        assert d and d[0]["reason"] == drop, "%s: drop %r, want %s" % (match, d, drop)
    else:
        assert not d, "%s: unexpected drop %r" % (match, d)
    print("ok: %s -> %s" % (match, ", ".join(
        "%s %s" % (x["event"], x.get("rule") or x.get("reason") or
                   x.get("summary")) for x in s)))

check("Request who-has %s tell" % v, "arp", 2, reply="Reply %s is-at" % v)
check("%s > %s: ICMP echo request" % (client, v), "ping", 2,
      reply="%s > %s: ICMP echo reply" % (v, client))
check(".80: Flags [S]", "tcp open", 4, reply="Flags [S.]")
check(".80: Flags [.]", "tcp open", 4, drop="nothing to answer")
check(".8080: Flags [S]", "tcp filtered", 5, drop="dropped by rule")
check("Request who-has 198.51.100.99", None, 0, drop="no rule")
print("ok: %d lines of JSON, %d frames, %d replies, as the counters say"
      % (len(ev), len(fr), len(rp)))
PY
) || { echo "$out"; echo "--- $LOG"; cat "$LOG"; lab_fail "the JSON log"; }
echo "$out"
echo "test_log: all checks passed"
