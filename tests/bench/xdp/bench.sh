#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/xdp/bench.sh - tests/bench/syn.sh with the XDP responder
# variants beside the kernel's listener and riposte, in one run, pinned
# and measured as syn.sh does (interrupts, softirqs, CPU shares).
#
#   bash tests/bench/xdp/bench.sh [RIPOSTE]     (root; top of the tree)
#
# Environment: VARIANTS (variants.sh names, default "xsk-thrs xsk-thr
# xsk-sirq xsk-bp xsk-skb tx-thr tx-sirq tx-skb"), BASE_MODES (default "kernel
# riposte"), SYN_FROM (a git revision to take syn.sh and syngen.c from,
# e.g. HEAD when the work tree's syn.sh is someone's work in progress;
# default the work tree), and everything syn.sh reads (RATES, DUR,
# REPEAT, ...).
# Builds the prototypes (make -C tests/bench/xdp) first.
#
# syn.sh has one "cmd" mode; each variant is one more "cmd" in MODES and
# rotate.sh starts the next variant each time.  syn.sh's output is shown
# as it prints it (saved in BENCH_DIR/xdp-bench.txt), then the same two
# tables with each "cmd" row named by its variant, and the variants'
# peaks against the goals.  /proc/loadavg is printed before and after.
#
# syn.sh, syngen.c and the riposte binary are copied to BENCH_DIR/snap
# first and run from there: bash reads a script as it goes, and another
# engineer editing syn.sh or rebuilding riposte during the run must not
# change it under our feet.
set -u
cd "$(dirname "$0")/../../.." || exit 1
TOP=$(pwd)
RIPOSTE=$(readlink -f "${1:-./riposte}")
VARIANTS=${VARIANTS:-"xsk-thrs xsk-thr xsk-sirq xsk-bp xsk-skb tx-thr tx-sirq tx-skb"}
BASE_MODES=${BASE_MODES:-"kernel riposte"}
DIR=${BENCH_DIR:-build/bench}
RATES=${RATES:-"10000 50000 100000 200000 400000 800000"}
export RATES
mkdir -p "$DIR" || exit 1
DIR=$(readlink -f "$DIR")
make -s -C tests/bench/xdp || exit 1
SNAP=$DIR/snap
rm -rf "$SNAP"
mkdir -p "$SNAP/tests/bench" || exit 1
for f in syn.sh syngen.c scapy_responder.py; do
	if [ -n "${SYN_FROM:-}" ]; then
		git show "$SYN_FROM:tests/bench/$f" >"$SNAP/tests/bench/$f"
	else
		cp "tests/bench/$f" "$SNAP/tests/bench/$f"
	fi || exit 1
done
cp "$RIPOSTE" "$SNAP/riposte" || exit 1
STATE=$DIR/xdp-rotate
: >"$STATE.list"
for v in $VARIANTS; do
	echo "$v" >>"$STATE.list"
done
echo 0 >"$STATE.next"
modes=$BASE_MODES
for v in $VARIANTS; do
	modes="$modes cmd"
done

echo "loadavg before: $(cat /proc/loadavg)"
echo "riposte: $RIPOSTE ($(stat -c %y "$RIPOSTE" | cut -c1-19)); syn.sh and" \
	"syngen.c from ${SYN_FROM:-the work tree} (tree at" \
	"$(git rev-parse --short HEAD 2>/dev/null))"
MODES=$modes CMD="bash $TOP/tests/bench/xdp/rotate.sh $STATE" BENCH_DIR=$DIR \
	bash "$SNAP/tests/bench/syn.sh" "$SNAP/riposte" | tee "$DIR/xdp-bench.txt"
rc=${PIPESTATUS[0]}
echo "loadavg after: $(cat /proc/loadavg)"
[ "$rc" = 0 ] || exit "$rc"

# The tables again, each cmd row named by its variant: syn.sh prints a
# mode's rows together, one per rate, in the order of MODES.
nr=$(echo $RATES | wc -w)
echo
echo "the same rows, cmd named by variant (cmd #k = the k-th of: $VARIANTS):"
awk -v vars="$VARIANTS" -v nr="$nr" '
	BEGIN { nv = split(vars, v, " ") }
	/^responder / { k = 0; hdr = 1; print; next }
	/^cmd / && hdr {
		# variants.sh names fit the 8-character column of syn.sh
		name = v[int(k / nr) + 1]
		k++
		sub(/^cmd     /, sprintf("%-8s", substr(name, 1, 8)))
		print
		next
	}
	/^$/ { if (hdr) print; hdr = 0; next }
	hdr && /^(kernel|riposte)/ { print }
' "$DIR/xdp-bench.txt"

# Peaks against the goals, from syn.sh's raw lines (REPEAT tries a rate).
echo "against the goals, per variant (peak answered/s over the steps):"
awk -v vars="$VARIANTS" -v low="${RATES%% *}" '
	BEGIN { nv = split(vars, v, " ") }
	function val(key,   i) {
		for (i = 3; i <= NF; i++)
			if (index($i, key "=") == 1)
				return substr($i, length(key) + 2)
		return "-"
	}
	{
		m = $1
		if (m == "cmd") {
			if ($2 == low && last != low) ci++
			m = v[ci]
		}
		last = $2
		a = val("answered_per_s") + 0
		if (a > peak[m]) peak[m] = a
		if ($2 == low) {
			p = val("p50_us")
			if (p != "-" && (!(m in p50) || a > best_low[m])) {
				p50[m] = p; best_low[m] = a
			}
		}
		if (!(m in seen)) { seen[m] = 1; order[++no] = m }
	}
	END {
		k = peak["kernel"]
		for (i = 1; i <= no; i++) {
			m = order[i]
			printf "  %-12s peak %7d/s", m, peak[m]
			if (k > 0) printf "  %.2fx the kernel", peak[m] / k
			if (m in p50 && "kernel" in p50)
				printf "  p50 at %d/s %s us (%+.1f us from the kernel)", low, p50[m], p50[m] - p50["kernel"]
			printf "\n"
		}
	}' "$DIR/syn.raw"
exit 0
