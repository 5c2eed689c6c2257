#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/flowmem.sh - bytes of memory riposte's TCP engine spends on
# each idle established connection, at 100,000 and 1,000,000 of them.
# Figures, never a pass/fail: the script exits 0 whatever the numbers are
# (non-zero only when something could not run).  Needs no root and no
# network: it measures `riposte replay`, which runs the same engine and
# flow table as `riposte run` over a capture file.  Needs a C compiler
# and GNU time (/usr/bin/time, Debian's package `time`; installed with
# apt-get if missing, which does need root).
#
#   bash tests/bench/flowmem.sh [RIPOSTE]  (from the top of the tree)
#
# Environment: FLOWS (the flow counts, default "100000 1000000"; at most
# 15,240,000), SEED (riposte's --seed, default 1), REPEAT (runs of each
# replay, the smallest peak RSS is kept; default 3), BENCH_DIR (work files;
# default build/bench: the pcaps go to a folder of their own under it,
# about 220 MB for a million flows, deleted on any exit).
#
# How, for each N in FLOWS:
#   1. tests/bench/flowgen.c (built here) writes N SYNs from N distinct
#      sources (203.0.113.1-254, ports 1024-61023) to 198.51.100.10:80;
#   2. `riposte replay -q -r syn.pcap -w synack.pcap --seed SEED` with
#        set flows_max N
#        host 198.51.100.10 { mac 02:00:00:5d:00:0a; tcp 80 open }
#      answers them: N embryonic flows (SYN-RCVD), their SYN-ACKs written;
#   3. flowgen writes the N handshakes (each SYN, then its ACK
#      acknowledging that flow's SYN-ACK: riposte's ISN is a keyed hash of
#      the seed and the 4-tuple, so the same seed gives it again);
#   4. `riposte replay -q -r hs.pcap --seed SEED` with the same rules: N
#      established flows, idle (no banner, no data), all still open when
#      the capture ends (the timestamps span 0.25 s per million flows, far
#      below the SYN-ACK's timeout and the 300 s idle timeout).  Proof:
#      riposte's closing line "N flows (N open at the end)" and N replies
#      only (the SYN-ACKs: an ACK riposte did not accept would get a RST);
#   5. the same replay with port 81 open instead of 80, the baseline: the
#      same frames read, parsed and matched, the same flow table allocated
#      (flows_max N: calloc, so its pages count only once a flow touches
#      them), no flow created;
#   6. peak RSS of each (GNU time's %M, VmHWM); bytes per flow =
#      (RSS with flows - RSS of the baseline) / N, for the established
#      replay (4 vs 5) and for the SYN-only one (2 vs the baseline of 2).
# The per-flow figure includes the flow's slot of the hash (4 bytes per
# bucket, buckets = the power of two at or above flows_max) and page
# rounding; sizeof(struct flow) is printed beside it, from a tiny program
# compiled against src/engine/flow.h.  The kernel's own per-connection
# costs (the TCP and request_sock_TCP slab object sizes) are printed from
# /proc/slabinfo when it is readable.
set -u

cd "$(dirname "$0")/../.." || exit 1
RIPOSTE=$(readlink -f "${1:-./riposte}")
FLOWS=${FLOWS:-"100000 1000000"}
SEED=${SEED:-1}
REPEAT=${REPEAT:-3}
BDIR=${BENCH_DIR:-build/bench}
CC=${CC:-cc}
TIME=/usr/bin/time
GOAL=256

die() {
	echo "flowmem.sh: $*" >&2
	exit 1
}

case $REPEAT in
'' | 0 | *[!0-9]*) die "REPEAT must be a positive number" ;;
esac
[ -x "$RIPOSTE" ] || die "no riposte binary at ${1:-./riposte} (make first)"
for n in $FLOWS; do
	case $n in
	'' | *[!0-9]*) die "FLOWS: '$n' is not a number" ;;
	esac
	if [ "$n" -lt 1 ] || [ "$n" -gt 15240000 ]; then
		die "FLOWS: $n is not within 1..15240000"
	fi
done
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "flowmem.sh: installing time (GNU time)" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		time; } >/dev/null 2>&1 || die "cannot install time"
fi
mkdir -p "$BDIR" || die "cannot make $BDIR"
DIR=$(mktemp -d "$(readlink -f "$BDIR")/flowmem.$$.XXXXXX") ||
	die "cannot make a work folder under $BDIR"
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The binary as it is now: a rebuild during the run changes no replay.
BUILT=$(date -r "$RIPOSTE" '+%F %T')
cp "$RIPOSTE" "$DIR/riposte" || die "cannot copy $RIPOSTE"
RIPOSTE=$DIR/riposte
$CC -std=c11 -O2 -Wall -Wextra -o "$DIR/flowgen" tests/bench/flowgen.c ||
	die "cannot build flowgen"
# sizeof(struct flow) as the build sees it (the same headers and flags).
SZ=-
cat >"$DIR/sz.c" <<'EOF'
#include <stdio.h>
#include "engine/flow.h"
int main(void)
{
	printf("%zu\n", sizeof(struct flow));
	return 0;
}
EOF
# shellcheck disable=SC2046
if $CC -std=c11 -D_GNU_SOURCE -Isrc \
	$(pkg-config --cflags libpcap 2>/dev/null) -o "$DIR/sz" "$DIR/sz.c" \
	2>"$DIR/sz.err"; then
	SZ=$("$DIR/sz")
else
	echo "flowmem.sh: cannot compile against src/engine/flow.h" \
		"(sizeof(struct flow) left out):" >&2
	sed 's/^/  /' "$DIR/sz.err" >&2
fi

# measure NAME PCAP RULES [-w OUT]: runs the replay REPEAT times under
# GNU time; the last run's stdout in $DIR/NAME.out, the smallest peak RSS
# (KiB) in $DIR/NAME.rss (the same work each time: what varies is the
# allocator's and the loader's luck), the fastest elapsed seconds in
# $DIR/NAME.secs.
measure() {
	local name=$1 pcap=$2 rules=$3 try
	shift 3
	: >"$DIR/$name.all"
	for try in $(seq "$REPEAT"); do
		"$TIME" -o "$DIR/$name.time" -f '%M %e' "$RIPOSTE" replay -q \
			-r "$pcap" "$@" --seed "$SEED" "$rules" \
			>"$DIR/$name.out" 2>"$DIR/$name.err" || {
			cat "$DIR/$name.err" >&2
			die "riposte replay failed ($name, try $try)"
		}
		# GNU time's last line holds the figures (a note may
		# precede it).
		tail -n 1 "$DIR/$name.time" >>"$DIR/$name.all"
	done
	sort -n -k1,1 "$DIR/$name.all" | awk 'NR == 1 { print $1 }' \
		>"$DIR/$name.rss"
	sort -n -k2,2 "$DIR/$name.all" | awk 'NR == 1 { print $2 }' \
		>"$DIR/$name.secs"
}

# flows_line NAME: "CREATED OPEN" from riposte's "N flows (M open at the
# end)" line, "0 0" when it printed none (no flow was created).
flows_line() {
	sed -n 's/^\([0-9]*\) flows (\([0-9]*\) open at the end).*/\1 \2/p' \
		"$DIR/$1.out" | grep . || echo "0 0"
}

replies() {
	sed -n 's/^[0-9]* frames, \([0-9]*\) replies.*/\1/p' "$DIR/$1.out"
}

per_flow() { # per_flow RSS_KIB BASE_KIB N
	awk -v a="$1" -v b="$2" -v n="$3" \
		'BEGIN { printf "%.1f", (a - b) * 1024 / n }'
}

buckets() { # buckets N: flow_table_init's bucket count
	local b=64
	while [ "$b" -lt "$1" ]; do
		b=$((b * 2))
	done
	echo "$b"
}

slab() { # slab NAME: the object size of a kernel slab, or -
	awk -v n="$1" '$1 == n { print $4; f = 1 } END { if (!f) print "-" }' \
		/proc/slabinfo 2>/dev/null || echo -
}

ROWS=()
NOTES=()
for n in $FLOWS; do
	echo "flowmem.sh: $n flows: writing the SYNs" >&2
	"$DIR/flowgen" syn "$n" "$DIR/syn.pcap" || die "flowgen syn failed"
	printf 'set flows_max %s\nset source_limit 0\nhost 198.51.100.10 { mac 02:00:00:5d:00:0a;' \
		"$n" >"$DIR/flows.rules"
	printf ' tcp 80 open }\n' >>"$DIR/flows.rules"
	sed 's/tcp 80 open/tcp 81 open/' "$DIR/flows.rules" >"$DIR/base.rules"

	echo "flowmem.sh: $n flows: SYNs (embryonic flows), and their baseline" >&2
	measure syn "$DIR/syn.pcap" "$DIR/flows.rules" -w "$DIR/synack.pcap"
	measure synbase "$DIR/syn.pcap" "$DIR/base.rules" -w "$DIR/none.pcap"
	echo "flowmem.sh: $n flows: writing the handshakes" >&2
	"$DIR/flowgen" hs "$n" "$DIR/synack.pcap" "$DIR/hs.pcap" ||
		die "flowgen hs failed ($n flows)"
	rm -f "$DIR/synack.pcap" "$DIR/none.pcap"
	echo "flowmem.sh: $n flows: handshakes (established flows), and" \
		"their baseline" >&2
	measure hs "$DIR/hs.pcap" "$DIR/flows.rules"
	measure hsbase "$DIR/hs.pcap" "$DIR/base.rules"
	rm -f "$DIR/syn.pcap" "$DIR/hs.pcap"

	read -r hc ho < <(flows_line hs)
	read -r _ so < <(flows_line syn)
	read -r bc _ < <(flows_line hsbase)
	hr=$(replies hs)
	[ "$ho" = "$n" ] && [ "$hc" = "$n" ] ||
		NOTES+=("$n: only $ho of $hc flows open at the end (expected $n)")
	[ "$hr" = "$n" ] ||
		NOTES+=("$n: $hr replies to the handshakes (expected $n" \
			"SYN-ACKs): some ACK was not accepted")
	[ "$bc" = 0 ] ||
		NOTES+=("$n: the baseline created $bc flows (expected none)")
	nb=$(buckets "$n")
	ROWS+=("$n $hc $ho $hr $(cat "$DIR/hsbase.rss") $(cat "$DIR/hs.rss") \
$(per_flow "$(cat "$DIR/hs.rss")" "$(cat "$DIR/hsbase.rss")" "$n") \
$so $(cat "$DIR/synbase.rss") $(cat "$DIR/syn.rss") \
$(per_flow "$(cat "$DIR/syn.rss")" "$(cat "$DIR/synbase.rss")" "$n") \
$(awk -v b="$nb" -v n="$n" 'BEGIN { printf "%.1f", 4 * b / n }') \
$(cat "$DIR/hs.secs")")
	sed 's/^/  riposte: /' "$DIR/hs.out" >&2
done

echo
echo "riposte flow memory: $(uname -r), riposte replay --seed $SEED," \
	"peak RSS by GNU time; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "riposte: $("$RIPOSTE" --version 2>/dev/null | head -n 1) (built $BUILT);" \
	"sizeof(struct flow) = $SZ bytes (src/engine/flow.h as it is now)"
echo
F='%9s %9s %9s %9s %9s %10s %9s | %9s %9s %10s %9s | %6s %6s\n'
# shellcheck disable=SC2059 # one format for the heading and the rows
printf "$F" flows created open_end replies base_KiB flows_KiB B/flow \
	syn_open base_KiB flows_KiB B/embryo hash_B secs
for row in "${ROWS[@]}"; do
	# shellcheck disable=SC2086,SC2059
	printf "$F" $row
done
echo
echo "flows/created/open_end/replies: riposte's closing counts for the"
echo "handshake replay (replies = the SYN-ACKs alone: every ACK accepted);"
echo "base_KiB / flows_KiB: peak RSS of the replay without and with the"
echo "flows (port 81 vs 80 open, same frames, same flows_max); B/flow ="
echo "(flows_KiB - base_KiB) * 1024 / N, established and idle.  The SYN-only"
echo "columns: the same for N embryonic (SYN-RCVD) flows.  hash_B = the"
echo "hash buckets' share per flow (4 bytes x buckets / N), included in B/flow."
echo "Each replay runs REPEAT=$REPEAT times: the smallest peak RSS is kept;"
echo "secs = the handshake replay's fastest elapsed time."
for note in "${NOTES[@]}"; do
	echo "NOTE: $note"
done
echo
echo "against the goal (a figure, not a verdict): under $GOAL bytes per idle" \
	"flow; the kernel spends $(slab TCP) bytes (TCP slab object, tcp_sock)" \
	"per established socket and $(slab request_sock_TCP) per request_sock" \
	"(the reference figures: 2,368 and 320)"
for row in "${ROWS[@]}"; do
	# shellcheck disable=SC2086
	set -- $row
	awk -v n="$1" -v b="$7" -v g="$GOAL" -v sz="$SZ" 'BEGIN {
		printf "  %d flows: %.1f bytes per idle flow, %s the goal", n, b,
			(b < g ? "under" : "NOT under")
		if (sz != "-")
			printf " (struct flow %d, the rest %.1f)", sz, b - sz
		printf "; %.1fx less than a tcp_sock\n", 2368 / b
	}'
done
exit 0
