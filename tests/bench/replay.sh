#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/bench/replay.sh - how fast `riposte replay` runs rules over a
# capture, beside tcprewrite on the same file, in one run.  A figure, never
# a pass/fail: the script exits 0 whatever the numbers are (non-zero only
# when something could not run).
#
#   sh tests/bench/replay.sh [RIPOSTE]     (from the top of the tree)
#
# Environment: FRAMES (default 1000000), REPEAT (runs of each, the best is
# kept; default 3), CPU (the CPU to pin every run to with taskset; default
# the last one; "none" not to pin), BENCH_DIR (work files; default
# build/bench).
#
# What it does:
#   1. builds tests/bench/gen_syn.c and writes FRAMES TCP SYNs (varied
#      addresses, source ports, and destination ports 1-1000);
#   2. writes three rule files:
#        1 rule        one rule answering every SYN with a SYN-ACK template;
#        1000 keyed    a host block, then 1,000 rules "tcp dst port N"
#                      (N = 1..1000) with the same template: the dispatcher
#                      keys them by protocol and port;
#        1000 unkeyed  the same 1,000 rules written so that the dispatcher
#                      cannot key them by port ("tcp[13] & 2 != 0 and
#                      tcp[2:2] = N", the port read as bytes):
#                      every frame tries the rules in order, which shows
#                      what dispatch saves;
#   3. times `riposte replay -r big.pcap -w out.pcap RULES >/dev/null` for
#      each (and the same with -q, which prints only the closing counts),
#      `tcprewrite --portmap=80:8080 --fixcsum` on the same file (Debian's
#      tcpreplay package, installed with apt-get if missing), and
#      tests/bench/pcaploop.c, a plain libpcap read-answer-checksum-write
#      loop: the ceiling of any replay on this machine;
#   4. prints frames per second, the ratio to tcprewrite, BPF filter runs
#      per frame (from the counts) and the 1000/1 ratio.  The issue's
#      goals: riposte at least twice tcprewrite's rate (compared with -q,
#      which, like tcprewrite, prints nothing per frame), and 1,000 rules
#      at least half as fast as 1 rule.  A last row builds each reply the
#      general way (--general), to show what the templates' compiled
#      images save.
set -eu

cd "$(dirname "$0")/../.."
RIPOSTE=${1:-./riposte}
FRAMES=${FRAMES:-1000000}
REPEAT=${REPEAT:-3}
DIR=${BENCH_DIR:-build/bench}
CC=${CC:-cc}

die() {
	echo "replay.sh: $*" >&2
	exit 1
}

[ -x "$RIPOSTE" ] || make riposte >/dev/null || die "cannot build riposte"
[ -x "$RIPOSTE" ] || die "no $RIPOSTE"
if ! command -v tcprewrite >/dev/null 2>&1; then
	echo "replay.sh: installing tcpreplay (for tcprewrite)" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		tcpreplay; } >/dev/null 2>&1 || die "cannot install tcpreplay"
fi

PIN=
if [ "${CPU:-}" != none ] && command -v taskset >/dev/null 2>&1; then
	CPU=${CPU:-$(($(nproc) - 1))}
	PIN="taskset -c $CPU"
fi

mkdir -p "$DIR"
$CC -std=c11 -D_GNU_SOURCE -O2 -o "$DIR/gen_syn" tests/bench/gen_syn.c ||
	die "cannot build gen_syn"
$CC -std=c11 -D_GNU_SOURCE -O2 -o "$DIR/pcaploop" tests/bench/pcaploop.c \
	$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap) ||
	die "cannot build pcaploop"
"$DIR/gen_syn" "$FRAMES" "$DIR/big.pcap" 1000

TMPL='Ether()/IP(ttl=64)/TCP(flags="SA", seq=random, ack=tcp.seq+1,'
TMPL="$TMPL"' window=65535, options=[("MSS", 1460), ("NOP", None),'
TMPL="$TMPL"' ("WScale", 7)])'
{
	echo "# 1 rule: every SYN gets a SYN-ACK"
	echo "rule synack { match \"tcp[tcpflags] & tcp-syn != 0\"; reply $TMPL }"
} >"$DIR/one.rules"
hostblock='host 192.0.2.1 { tcp 22 open; tcp 1-1024 closed; udp * closed }'
{
	echo "# 1,000 rules the dispatcher keys by port, after a host block"
	echo "$hostblock"
	n=1
	while [ $n -le 1000 ]; do
		echo "rule p$n { match \"tcp dst port $n\"; reply $TMPL }"
		n=$((n + 1))
	done
} >"$DIR/keyed.rules"
{
	echo "# the same 1,000 rules, written so that dispatch cannot key them"
	echo "$hostblock"
	n=1
	while [ $n -le 1000 ]; do
		echo "rule p$n { match \"tcp[13] & 2 != 0 and tcp[2:2] = $n\";" \
			"reply $TMPL }"
		n=$((n + 1))
	done
} >"$DIR/unkeyed.rules"
for r in one keyed unkeyed; do
	"$RIPOSTE" check "$DIR/$r.rules" >/dev/null ||
		die "riposte check $DIR/$r.rules failed"
done

now() { date +%s%N; }

# best_of OUT CMD...: runs CMD REPEAT times with its stdout to OUT, prints
# the best time in ns.
best_of() {
	o=$1
	shift
	best=
	i=0
	while [ $i -lt "$REPEAT" ]; do
		t0=$(now)
		$PIN "$@" >"$o" || die "failed: $*"
		t1=$(now)
		t=$((t1 - t0))
		if [ -z "$best" ] || [ $t -lt "$best" ]; then best=$t; fi
		i=$((i + 1))
	done
	echo "$best"
}

# Records in a pcap file (to check that every frame was rewritten).
records() {
	/usr/bin/python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
off, n = 24, 0
while off + 16 <= len(b):
    off += 16 + struct.unpack_from("<I", b, off + 8)[0]
    n += 1
print(n)' "$1"
}

echo "replay.sh: $FRAMES frames, best of $REPEAT, ${PIN:-not pinned}" >&2
t_tw=$(best_of /dev/null tcprewrite --portmap=80:8080 --fixcsum \
	-i "$DIR/big.pcap" -o "$DIR/out2.pcap")
t_loop=$(best_of /dev/null "$DIR/pcaploop" "$DIR/big.pcap" "$DIR/out3.pcap")
n=$(records "$DIR/out2.pcap")
[ "$n" -eq "$FRAMES" ] ||
	echo "replay.sh: warning: tcprewrite wrote $n frames, not $FRAMES" >&2

# For each rule file: printing every decision (stdout to /dev/null), then
# with -q (the closing counts only, which also give the replies and the
# filter runs: "N frames, M replies, K matched no rule, F filter runs").
for r in one keyed unkeyed; do
	t=$(best_of /dev/null "$RIPOSTE" replay -r "$DIR/big.pcap" \
		-w "$DIR/out-$r.pcap" "$DIR/$r.rules")
	eval "t_$r=$t"
	t=$(best_of "$DIR/counts-$r.txt" "$RIPOSTE" replay -q \
		-r "$DIR/big.pcap" -w "$DIR/out-$r.pcap" "$DIR/$r.rules")
	eval "q_$r=$t"
	set -- $(tr -d , <"$DIR/counts-$r.txt")
	[ "${3:-0}" -eq "$FRAMES" ] ||
		echo "replay.sh: warning: $r.rules: ${3:-no} replies," \
			"not $FRAMES" >&2
	eval "f_$r=${9:-}"
done
# The same, every template built the general way (no compiled image).
g_one=$(best_of /dev/null "$RIPOSTE" replay -q --general \
	-r "$DIR/big.pcap" -w "$DIR/out-one.pcap" "$DIR/one.rules")

awk -v n="$FRAMES" -v rep="$REPEAT" -v pin="${PIN:-not pinned}" \
	-v tw="$t_tw" -v tl="$t_loop" \
	-v t1="$t_one" -v tk="$t_keyed" -v tu="$t_unkeyed" \
	-v q1="$q_one" -v qk="$q_keyed" -v qu="$q_unkeyed" -v g1="$g_one" \
	-v f1="$f_one" -v fk="$f_keyed" -v fu="$f_unkeyed" '
function row(name, t, f) {
	printf "%-48s %7.3f %10.0f %6.2f %8s\n", name, t / 1e9, n / (t / 1e9),
		tw / t, f == "" ? "" : sprintf("%.1f", f / n)
}
BEGIN {
	printf "replay benchmark: %d TCP SYNs, best of %d runs, %s\n\n",
		n, rep, pin
	printf "%-48s %7s %10s %6s %8s\n", "", "seconds", "frames/s",
		"x tcprw", "BPF/frame"
	row("tcprewrite --portmap=80:8080 --fixcsum", tw, "")
	row("pcaploop (read, answer, checksum, write)", tl, "")
	row("riposte replay, 1 rule", t1, f1)
	row("riposte replay, host + 1,000 rules (keyed)", tk, fk)
	row("riposte replay, host + 1,000 rules (unkeyed)", tu, fu)
	row("riposte replay -q, 1 rule", q1, f1)
	row("riposte replay -q, host + 1,000 rules (keyed)", qk, fk)
	row("riposte replay -q, host + 1,000 rules (unkeyed)", qu, fu)
	row("riposte replay -q --general, 1 rule", g1, f1)
	printf "\n"
	printf "x tcprw: the rate over tcprewrite'"'"'s; "
	printf "BPF/frame: filter programs run per frame;\n"
	printf "replay prints every decision (stdout to /dev/null), "
	printf "-q only the counts\n"
	printf "(as tcprewrite prints nothing); --general builds each reply "
	printf "the general way,\nnot patched from its template'"'"'s image.\n\n"
	printf "1,000 keyed / 1 rule:    %.2f  (-q %.2f)  goal >= 0.50\n",
		t1 / tk, q1 / qk
	printf "1,000 unkeyed / 1 rule:  %.2f  (-q %.2f)  ", t1 / tu, q1 / qu
	printf "dispatch saves %.1fx (-q %.1fx)\n", tu / tk, qu / qk
	printf "1 rule / tcprewrite:     %.2f  (-q %.2f)  goal >= 2.00\n",
		tw / t1, tw / q1
}'
