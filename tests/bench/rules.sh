#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/bench/rules.sh - what big rule files cost riposte: to load, per
# frame replayed, and per frame in the kernel (its firewall), each beside
# a reference measured in the same run.  Figures, never a pass/fail: the
# script exits 0 whatever the numbers are (non-zero only when something
# could not run).  Needs root for part 1's nft rows and part 3 (network
# namespaces; without root they are left out, said so), nft, ping,
# /usr/bin/python3, GNU time (/usr/bin/time; installed with apt-get if
# missing) and a C compiler.
#
#   sh tests/bench/rules.sh [RIPOSTE]      (from the top of the tree)
#
# Environment: FRAMES (SYNs replayed, default 200000), REPEAT (runs of
# each, the best is kept; default 3), CPU (the CPU every check, replay,
# nft and ping runs on, with taskset; default the last one; "none" not to
# pin), PINGS (pings per row of part 3, default 200), ROUNDS (part 3's
# rounds, default 5: RTTs of a few microseconds vary most with the
# machine's other work), BENCH_DIR (work files go to a folder of their own
# under it, deleted on any exit; default build/bench).
#
# The rule files (N = 1..10,000, TEMPLATE a SYN-ACK as in replay.sh):
#   keyed     rule pN { match "tcp dst port N"; reply TEMPLATE }: the
#             dispatcher keys them by port, the firewall puts the ports in
#             one nft set;
#   unkeyed   rule pN { match "tcp[13] & 2 != 0 and tcp[2:2] = N"; ... }:
#             no port key (the port read as bytes), every TCP frame tries
#             the rules in order;
#   hosts     host 2001:db8::N { tcp 80 open }: 10,000 IPv6 virtual hosts;
#   worst     the most compiling the language allows: 64 rules of 64
#             operands (riposte's limits, src/lang/ast.h: 64 operands a
#             match, 262,144 for the sum of their squares), once as
#             "tcp dst port A or tcp dst port B or ..." and once as
#             "port A or port B or ...", libpcap's costliest primitive
#             (both directions, TCP, UDP and SCTP, IPv4 and IPv6).
#
#   1. Load: `riposte check FILE >/dev/null` of each, best time and
#      smallest peak RSS (GNU time's %M) of REPEAT runs; `riposte run`
#      with the keyed file in the lab of part 3, from its start to its
#      "answering on" line (rules compiled, capture open, nft table
#      installed; polled every 10 ms).  Reference: `nft -f` of the same
#      10,000 port drops in a throwaway network namespace (rpb-PID-n), a
#      netdev ingress table on its lo, once as 10,000 rules
#      "tcp dport N drop" and once as one rule with an anonymous set of
#      the 10,000 ports (as riposte writes it); timed inside the
#      namespace, so `ip netns exec` is not counted; the table is deleted
#      between runs.
#   2. Per frame: `riposte replay -q -r big.pcap -w out.pcap RULES` on
#      FRAMES SYNs from tests/bench/gen_syn.c (built here; destination
#      ports spread over 1..10,000) with: 1 rule (any SYN, as replay.sh's),
#      keyed, unkeyed, hosts (IPv4 SYNs, no host's: host rules are
#      keyed by address, so a frame meets only the rules of the host
#      whose address it asks for, none here), and malformed frames
#      against keyed: the same SYNs with the IPv4 total length set to
#      1500 (header checksum fixed), longer than the frame, so the
#      dissector marks them malformed; their TCP header is whole, so its
#      port still keys them (a frame broken in its IP header is tried
#      against every filter rule).  Each
#      also replays a capture of 1 frame with the same rules: the set-up
#      (rules loaded, files opened), left out of the per-frame figures.
#      Printed: seconds, set-up, ns per frame and frames/s (both without
#      the set-up), ns per frame over 1 rule's, BPF filter runs per frame
#      and replies (from the -q counts: "N frames, M replies, K matched
#      no rule, F filter runs").
#   3. Kernel per frame: two namespaces joined by a veth pair as in
#      tests/live/lab.sh (rpb-PID-r: r0 198.51.100.1/24; rpb-PID-c: c0
#      198.51.100.2/24).  PINGS pings, 5 ms apart, from the client to
#      198.51.100.1, each request crossing r0's ingress hook: with nothing
#      loaded; with `riposte run -i r0 keyed.rules` running (firewall on:
#      its netdev table drops the 10,000 ports with one set lookup, its
#      capture filter runs on each frame too); the same with
#      --no-firewall (its capture alone); with no riposte and nft's
#      10,000 separate "tcp dport N drop" rules in r0's ingress (the old
#      way: every frame, ICMP too, walks the 10,000 rules); and with nft's
#      one set rule alone.  ROUNDS rounds try each row once (riposte's
#      start-up timed in each); a row keeps its try with the lowest median
#      (other work on the machine only adds).
#      Printed: RTT average, median and 99th percentile (ping's own
#      figures, to the microsecond), and the median's excess over the
#      first row's: the cost each frame pays.
# riposte is stopped by its PID only (TERM, KILL after 5 s); the namespaces
# are deleted by the trap on any exit; nft runs only inside them.
set -u

cd "$(dirname "$0")/../.." || exit 1
RIPOSTE=$(readlink -f "${1:-./riposte}")
FRAMES=${FRAMES:-200000}
REPEAT=${REPEAT:-3}
PINGS=${PINGS:-200}
ROUNDS=${ROUNDS:-5}
BDIR=${BENCH_DIR:-build/bench}
CC=${CC:-cc}
TIME=/usr/bin/time
PY=/usr/bin/python3
RULES=10000
PATH=$PATH:/usr/sbin:/sbin

die() {
	echo "rules.sh: $*" >&2
	exit 1
}

for v in "FRAMES=$FRAMES" "REPEAT=$REPEAT" "PINGS=$PINGS" \
	"ROUNDS=$ROUNDS"; do
	case ${v#*=} in
	'' | 0 | *[!0-9]*) die "${v%%=*} must be a positive number" ;;
	esac
done
[ -x "$RIPOSTE" ] || die "no riposte binary at ${1:-./riposte} (make first)"
[ -x "$PY" ] || die "no $PY"
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "rules.sh: installing time (GNU time)" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		time; } >/dev/null 2>&1 || die "cannot install time"
fi
ROOT=
if [ "$(id -u)" = 0 ]; then
	ROOT=1
	for c in ip nft ping; do
		command -v $c >/dev/null 2>&1 || die "no $c"
	done
else
	echo "rules.sh: not root: the nft and live rows are left out" >&2
fi

PIN=
if [ "${CPU:-}" != none ] && command -v taskset >/dev/null 2>&1; then
	CPU=${CPU:-$(($(nproc) - 1))}
	PIN="taskset -c $CPU"
fi

NSN=rpb-$$-n
NSR=rpb-$$-r
NSC=rpb-$$-c
RUN_PID=
DIR=

# alive PID: PID runs (not a zombie) and is this shell's child: a PID the
# shell has reaped may be reused, and no other process must get our signals.
alive() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1,2)
	case $st in
	"" | Z\ * | X\ *) return 1 ;;
	esac
	[ "${st#* }" = "$$" ]
}

stop_riposte() {
	[ -n "$RUN_PID" ] || return 0
	alive "$RUN_PID" && kill -TERM "$RUN_PID" 2>/dev/null
	i=0
	while alive "$RUN_PID" && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	alive "$RUN_PID" && kill -KILL "$RUN_PID" 2>/dev/null
	wait "$RUN_PID" 2>/dev/null
	RUN_PID=
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	trap - EXIT INT TERM
	stop_riposte
	if [ -n "$ROOT" ]; then
		for ns in "$NSN" "$NSR" "$NSC"; do
			ip netns del "$ns" 2>/dev/null
		done
	fi
	[ -n "$DIR" ] && rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$BDIR" || die "cannot make $BDIR"
DIR=$(mktemp -d "$(readlink -f "$BDIR")/rules.$$.XXXXXX") ||
	die "cannot make a work folder under $BDIR"
# The binary as it is now: a rebuild during the run changes no figure.
BUILT=$(date -r "$RIPOSTE" '+%F %T')
cp "$RIPOSTE" "$DIR/riposte" || die "cannot copy $RIPOSTE"
RIPOSTE=$DIR/riposte
# A sanitizer or coverage build runs several times slower: said so.
INSTR=
if ldd "$RIPOSTE" 2>/dev/null | grep -qE 'lib(a|ub|t|m)san' ||
	grep -qa -e __asan_init -e __ubsan_handle -e __llvm_profile_runtime \
		-e __gcov_init "$RIPOSTE"; then
	INSTR=1
	echo "rules.sh: warning: riposte is a sanitizer or coverage build" >&2
fi
RES=$DIR/results
: >"$RES"

$CC -std=c11 -D_GNU_SOURCE -O2 -o "$DIR/gen_syn" tests/bench/gen_syn.c ||
	die "cannot build gen_syn"

# ---- The rule files.
TMPL='Ether()/IP(ttl=64)/TCP(flags="SA", seq=random, ack=tcp.seq+1,'
TMPL="$TMPL"' window=65535, options=[("MSS", 1460), ("NOP", None),'
TMPL="$TMPL"' ("WScale", 7)])'
{
	echo "# 1 rule: every SYN gets a SYN-ACK"
	echo "rule synack { match \"tcp[tcpflags] & tcp-syn != 0\";" \
		"reply $TMPL }"
} >"$DIR/one.rules"
awk -v n=$RULES -v t="$TMPL" 'BEGIN {
	print "# " n " rules the dispatcher keys by port"
	for (i = 1; i <= n; i++)
		printf "rule p%d { match \"tcp dst port %d\"; reply %s }\n",
			i, i, t
}' >"$DIR/keyed.rules"
awk -v n=$RULES -v t="$TMPL" 'BEGIN {
	print "# the same rules, written so that dispatch cannot key them"
	for (i = 1; i <= n; i++)
		printf "rule p%d { match \"tcp[13] & 2 != 0 and " \
			"tcp[2:2] = %d\"; reply %s }\n", i, i, t
}' >"$DIR/unkeyed.rules"
awk -v n=$RULES 'BEGIN {
	print "# " n " IPv6 virtual hosts"
	for (i = 1; i <= n; i++)
		printf "host 2001:db8::%x { tcp 80 open }\n", i
}' >"$DIR/hosts.rules"
# worst PRIMITIVE: 64 rules of 64 operands "PRIMITIVE N" joined by "or".
worst() {
	awk -v p="$1" -v t="$TMPL" 'BEGIN {
		print "# 64 rules of 64 operands: the most the limits allow"
		n = 1
		for (r = 1; r <= 64; r++) {
			m = ""
			for (k = 0; k < 64; k++)
				m = m (k ? " or " : "") p " " n++
			printf "rule w%d { match \"%s\"; reply %s }\n", r, m, t
		}
	}'
}
worst "tcp dst port" >"$DIR/worst-tcp.rules"
worst port >"$DIR/worst-port.rules"

# nft's references: the same 10,000 port drops, in a netdev ingress chain
# on DEV, as separate rules or as one rule with an anonymous set.
# nft_file rules|set DEV
nft_file() {
	awk -v n=$RULES -v how="$1" -v dev="$2" 'BEGIN {
		print "table netdev rpb {"
		print "\tchain ingress {"
		printf "\t\ttype filter hook ingress device \"%s\"", dev
		print " priority -500; policy accept;"
		if (how == "rules") {
			for (i = 1; i <= n; i++)
				printf "\t\ttcp dport %d drop\n", i
		} else {
			s = "\t\ttcp dport { 1"
			for (i = 2; i <= n; i++)
				s = s ", " i
			print s " } drop"
		}
		print "\t}"
		print "}"
	}'
}
nft_file rules lo >"$DIR/nft-rules-lo.nft"
nft_file set lo >"$DIR/nft-set-lo.nft"
nft_file rules r0 >"$DIR/nft-rules-r0.nft"
nft_file set r0 >"$DIR/nft-set-r0.nft"

now() { date +%s%N; }

# res SECTION LABEL VALUES...: one row of the final table.
res() {
	printf '%s' "$1" >>"$RES"
	shift
	printf '\t%s' "$@" >>"$RES"
	printf '\n' >>"$RES"
}

# ---- 1. Load time and peak RSS.
# check_load LABEL FILE: riposte check FILE, REPEAT times.
check_load() {
	best=
	rss=
	i=0
	while [ $i -lt "$REPEAT" ]; do
		t0=$(now)
		$PIN "$TIME" -o "$DIR/time.out" -f %M "$RIPOSTE" check "$2" \
			>/dev/null 2>"$DIR/check.err" || {
			cat "$DIR/check.err" >&2
			die "riposte check $2 failed"
		}
		t1=$(now)
		t=$((t1 - t0))
		m=$(tail -n 1 "$DIR/time.out")
		if [ -z "$best" ] || [ $t -lt "$best" ]; then best=$t; fi
		if [ -z "$rss" ] || [ "$m" -lt "$rss" ]; then rss=$m; fi
		i=$((i + 1))
	done
	res load "$1" "$best" "$rss"
}

echo "rules.sh: $RULES rules, $FRAMES frames, best of $REPEAT," \
	"${PIN:-not pinned}" >&2
check_load "riposte check, 10,000 keyed rules" "$DIR/keyed.rules"
check_load "riposte check, 10,000 unkeyed rules" "$DIR/unkeyed.rules"
check_load "riposte check, 10,000 IPv6 host blocks" "$DIR/hosts.rules"
check_load "riposte check, 64 x 64 \"tcp dst port N\"" "$DIR/worst-tcp.rules"
check_load "riposte check, 64 x 64 \"port N\"" "$DIR/worst-port.rules"

# nft_load LABEL FILE: nft -f FILE in $NSN, REPEAT times, timed from
# within the namespace; the table deleted after each run.
nft_load() {
	best=
	rss=
	i=0
	while [ $i -lt "$REPEAT" ]; do
		# shellcheck disable=SC2016,SC2086 # the inner shell's; PIN
		t=$(ip netns exec "$NSN" $PIN sh -c '
			t0=$(date +%s%N)
			"$1" -o "$2" -f %M nft -f "$3" || exit 1
			t1=$(date +%s%N)
			echo $((t1 - t0))' sh "$TIME" "$DIR/time.out" "$2") ||
			die "nft -f $2 failed in $NSN"
		ip netns exec "$NSN" nft delete table netdev rpb ||
			die "cannot delete table netdev rpb in $NSN"
		m=$(tail -n 1 "$DIR/time.out")
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		if [ -z "$rss" ] || [ "$m" -lt "$rss" ]; then rss=$m; fi
		i=$((i + 1))
	done
	res load "$1" "$best" "$rss"
}

if [ -n "$ROOT" ]; then
	ip netns add "$NSN" || die "cannot add namespace $NSN"
	ip -n "$NSN" link set lo up || die "cannot set lo up in $NSN"
	nft_load "nft -f, 10,000 \"tcp dport N drop\" rules" \
		"$DIR/nft-rules-lo.nft"
	nft_load "nft -f, 1 rule, a set of 10,000 ports" \
		"$DIR/nft-set-lo.nft"
	ip netns del "$NSN"
fi

# ---- 2. Per frame, replayed.
{ "$DIR/gen_syn" "$FRAMES" "$DIR/big.pcap" $RULES &&
	"$DIR/gen_syn" 1 "$DIR/one.pcap" $RULES; } || die "gen_syn failed"
# The same SYNs, malformed: IPv4 total length 1500 > the frame.
"$PY" - "$DIR/big.pcap" "$DIR/mal.pcap" <<'EOF' || die "cannot write mal.pcap"
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 24
while off + 16 <= len(b):
    n = struct.unpack_from("<I", b, off + 8)[0]
    ip = off + 16 + 14
    struct.pack_into(">HH", b, ip + 2, 1500, 0)
    struct.pack_into(">H", b, ip + 10, 0)
    s = sum(struct.unpack_from(">10H", b, ip))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    struct.pack_into(">H", b, ip + 10, ~s & 0xffff)
    off += 16 + n
open(sys.argv[2], "wb").write(b)
EOF

# best_replay PCAP RULES: riposte replay -q, REPEAT times; BEST is the
# fastest run in ns, its counts in $DIR/counts.txt.
best_replay() {
	BEST=
	i=0
	while [ $i -lt "$REPEAT" ]; do
		t0=$(now)
		$PIN "$RIPOSTE" replay -q -r "$1" -w "$DIR/out.pcap" "$2" \
			>"$DIR/counts.txt" 2>"$DIR/replay.err" || {
			cat "$DIR/replay.err" >&2
			die "riposte replay -r $1 $2 failed"
		}
		t1=$(now)
		t=$((t1 - t0))
		if [ -z "$BEST" ] || [ $t -lt "$BEST" ]; then BEST=$t; fi
		i=$((i + 1))
	done
}

# replay LABEL PCAP RULES: the replay of PCAP, and of one frame with the
# same rules (the set-up: loading the rules, opening the files), so that
# the per-frame figures leave the set-up out.
replay() {
	best_replay "$DIR/one.pcap" "$3"
	setup=$BEST
	best_replay "$2" "$3"
	# shellcheck disable=SC2046 # the counts' words
	set -- "$1" $(head -n 1 "$DIR/counts.txt" | tr -d ,)
	[ "${2:-}" = "$FRAMES" ] ||
		echo "rules.sh: warning: $1: ${2:-no} frames, not $FRAMES" >&2
	res replay "$1" "$BEST" "$setup" "${10:-}" "${4:-}"
}

replay "1 rule (any SYN)" "$DIR/big.pcap" "$DIR/one.rules"
replay "10,000 keyed rules" "$DIR/big.pcap" "$DIR/keyed.rules"
replay "10,000 unkeyed rules" "$DIR/big.pcap" "$DIR/unkeyed.rules"
replay "10,000 IPv6 host blocks" "$DIR/big.pcap" "$DIR/hosts.rules"
replay "malformed frames, 10,000 keyed rules" "$DIR/mal.pcap" \
	"$DIR/keyed.rules"

# ---- 3. The kernel's per-frame cost, live.
# ping_try ROW: PINGS pings from $NSC to 198.51.100.1; of ROW's tries so
# far, the one with the lowest median is kept in K<ROW> (the machine's
# other work only ever adds to an RTT): "average median p99 replies".
ping_try() {
	# shellcheck disable=SC2086 # PIN is a command or nothing
	ip netns exec "$NSC" $PIN ping -n -c "$PINGS" -i 0.005 -W 1 \
		198.51.100.1 >"$DIR/ping.out" 2>&1 ||
		echo "rules.sh: warning: row $1: ping:" \
			"$(tail -n 2 "$DIR/ping.out")" >&2
	got=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$DIR/ping.out" |
		sort -n | awk '{ v[NR] = $1 * 1000; s += v[NR] }
		END {
			if (!NR) { print "- - - 0"; exit }
			p50 = int(NR * 0.50 + 0.999999)
			p99 = int(NR * 0.99 + 0.999999)
			printf "%.1f %.1f %.1f %d\n", s / NR, v[p50], v[p99],
				NR
		}')
	eval "kept=\${K$1:-}"
	kept=$(printf '%s\n%s\n' "$kept" "$got" | awk 'NF == 4 &&
		(k == "" || $4 + 0 > n || ($4 + 0 == n && $2 + 0 < m)) {
			k = $0; m = $2 + 0; n = $4 + 0 }
		END { print k }')
	eval "K$1=\$kept"
}

# ping_res ROW LABEL: ROW's kept try, as a row of the table.
ping_res() {
	eval "kept=\${K$1:-}"
	# shellcheck disable=SC2086 # four words
	set -- "$2" $kept
	[ "${5:-0}" = "$PINGS" ] ||
		echo "rules.sh: warning: $1: ${5:-0} replies of $PINGS" \
			"pings" >&2
	res ping "$1" "${2:--}" "${3:--}" "${4:--}" "${5:-0}"
}

# start_riposte [OPTIONS]: riposte run -i r0 OPTIONS keyed.rules in $NSR;
# waits (polling every 10 ms, at most 30 s) for its "answering on" line;
# START is the ns from its start to that line.  (Not run in $(...):
# riposte must be this shell's child.)
start_riposte() {
	t0=$(now)
	ip netns exec "$NSR" "$RIPOSTE" run -i r0 "$@" "$DIR/keyed.rules" \
		</dev/null >/dev/null 2>"$DIR/run.err" &
	RUN_PID=$! # `ip netns exec` execs: riposte's own PID
	i=0
	while ! grep -qs 'answering on' "$DIR/run.err"; do
		if ! alive "$RUN_PID" || [ $i -ge 3000 ]; then
			cat "$DIR/run.err" >&2
			stop_riposte
			return 1
		fi
		sleep 0.01
		i=$((i + 1))
	done
	t1=$(now)
	START=$((t1 - t0))
}

if [ -n "$ROOT" ]; then
	ip netns add "$NSR" || die "cannot add namespace $NSR"
	ip netns add "$NSC" || die "cannot add namespace $NSC"
	ip link add r0 netns "$NSR" type veth peer name c0 netns "$NSC" ||
		die "cannot add the veth pair"
	for ns in "$NSR" "$NSC"; do
		ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 ||
			die "cannot turn IPv6 off in $ns"
		ip -n "$ns" link set lo up || die "cannot set lo up in $ns"
	done
	{ ip -n "$NSR" link set r0 address 02:00:00:00:0a:01 up &&
		ip -n "$NSC" link set c0 address 02:00:00:00:0b:01 up &&
		ip -n "$NSR" addr add 198.51.100.1/24 dev r0 &&
		ip -n "$NSC" addr add 198.51.100.2/24 dev c0; } ||
		die "cannot set the lab's addresses"
	# The neighbours known, so that no ARP exchange lands in a row.
	{ ip -n "$NSR" neigh replace 198.51.100.2 \
		lladdr 02:00:00:00:0b:01 dev r0 nud permanent &&
		ip -n "$NSC" neigh replace 198.51.100.1 \
			lladdr 02:00:00:00:0a:01 dev c0 nud permanent; } ||
		die "cannot set the lab's neighbours"
	i=0
	until ip netns exec "$NSC" ping -n -c 1 -W 1 198.51.100.1 \
		>/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "the lab's veth never answered"
		sleep 0.1
	done

	# ROUNDS rounds, each trying every row once, so that a busy spell of
	# the machine's other work spoils one round, not one row.
	best=
	round=0
	while [ $round -lt "$ROUNDS" ]; do
		ping_try 1
		start_riposte || die "riposte run did not start"
		if [ -z "$best" ] || [ "$START" -lt "$best" ]; then
			best=$START
		fi
		ip netns exec "$NSR" nft list table netdev riposte \
			>"$DIR/riposte.nft" 2>&1 ||
			die "no table netdev riposte while riposte runs"
		grep -q 'tcp dport { ' "$DIR/riposte.nft" ||
			echo "rules.sh: warning: riposte's table holds no" \
				"port set" >&2
		ping_try 2
		stop_riposte
		start_riposte --no-firewall || die "riposte run did not start"
		ping_try 3
		stop_riposte
		ip netns exec "$NSR" nft list tables | grep -q . &&
			die "a table outlived riposte in $NSR"
		ip netns exec "$NSR" nft -f "$DIR/nft-rules-r0.nft" ||
			die "nft -f of 10,000 rules failed in $NSR"
		ping_try 4
		ip netns exec "$NSR" nft delete table netdev rpb ||
			die "cannot delete table netdev rpb in $NSR"
		ip netns exec "$NSR" nft -f "$DIR/nft-set-r0.nft" ||
			die "nft -f of a set of 10,000 ports failed in $NSR"
		ping_try 5
		ip netns exec "$NSR" nft delete table netdev rpb ||
			die "cannot delete table netdev rpb in $NSR"
		round=$((round + 1))
	done
	res load "riposte run, 10,000 keyed: start to answering" "$best" -
	ping_res 1 "nothing loaded"
	ping_res 2 "riposte run, 10,000 keyed (its table: 1 set)"
	ping_res 3 "riposte run --no-firewall, 10,000 keyed"
	ping_res 4 "nft: 10,000 \"tcp dport N drop\" rules"
	ping_res 5 "nft: 1 rule, a set of 10,000 ports"
fi

# ---- The table.
awk -F '\t' -v n="$FRAMES" -v rep="$REPEAT" -v pin="${PIN:-not pinned}" \
	-v built="$BUILT" -v pings="$PINGS" -v root="$ROOT" \
	-v instr="$INSTR" -v rounds="$ROUNDS" '
$1 == "load" { nl++; ln[nl] = $2; lt[nl] = $3; lm[nl] = $4 }
$1 == "replay" { nr++; rn[nr] = $2; rt[nr] = $3; rs[nr] = $4;
	rf[nr] = $5; rr[nr] = $6; rp[nr] = ($3 - $4) / n }
$1 == "ping" { np++; pn[np] = $2; pa[np] = $3; p5[np] = $4; p9[np] = $5;
	pc[np] = $6 }
END {
	printf "rules benchmark: 10,000 rules, best of %d runs, %s, ", rep, pin
	printf "riposte built %s\n", built
	if (instr)
		printf "WARNING: a sanitizer or coverage build: not release " \
			"figures\n"
	printf "\n"
	printf "%-52s %9s %10s\n", "1. load", "seconds", "peak RSS"
	for (i = 1; i <= nl; i++)
		printf "%-52s %9.3f %10s\n", ln[i], lt[i] / 1e9,
			(lm[i] == "-" ? "-" : lm[i] " KiB")
	if (!root)
		printf "(nft and riposte run rows need root)\n"
	printf "\n%-36s %7s %6s %8s %9s %8s %6s %7s\n",
		"2. replay -q, " n " SYNs", "seconds", "set-up", "ns/frame",
		"frames/s", "x 1 rule", "BPF/fr", "replies"
	for (i = 1; i <= nr; i++)
		printf "%-36s %7.3f %6.3f %8.0f %9.0f %8.1f %6.1f %7s\n",
			rn[i], rt[i] / 1e9, rs[i] / 1e9, rp[i],
			(rp[i] > 0 ? 1e9 / rp[i] : 0), rp[i] / rp[1], rf[i] / n,
			rr[i]
	if (np) {
		printf "\n%-46s %7s %7s %7s %7s\n",
			"3. ping RTT, us (" pings " pings, 5 ms apart)", "avg",
			"p50", "p99", "+p50"
		for (i = 1; i <= np; i++) {
			x = p5[i] == "-" || p5[1] == "-" ? "-" : \
				sprintf("%+.1f", p5[i] - p5[1])
			printf "%-46s %7s %7s %7s %7s\n", pn[i], pa[i], p5[i],
				p9[i], x
		}
	}
	printf "\n"
	printf "1. riposte check: compile and print, best time, smallest "
	printf "peak RSS; nft -f:\n"
	printf "   load into a netdev table of a throwaway namespace; riposte "
	printf "run: start to\n   \"answering on\" (compile, capture, nft "
	printf "table), polled every 10 ms.\n"
	printf "2. ports 1-10,000. set-up: the same replay of 1 frame "
	printf "(load the rules, open the\n   files); ns/frame and "
	printf "frames/s leave it out; x 1 rule: ns/frame over 1 rule'"'"'s;\n"
	printf "   BPF/fr: filter programs run per frame. Host blocks: IPv4 "
	printf "SYNs, no host'"'"'s\n   (host rules are keyed by address). "
	printf "Malformed: IPv4 total length 1500 >\n   the frame; the TCP "
	printf "header is whole, its port still keys them.\n"
	if (np) {
		printf "3. ICMP echo, client -> 198.51.100.1, across r0'"'"'s "
		printf "ingress hook; the nft rows\n   without riposte; "
		printf "the try with the lowest median of %d rounds;\n",
			rounds
		printf "   +p50: the median over nothing loaded'"'"'s, the "
		printf "cost each frame pays.\n"
	}
}' "$RES"
