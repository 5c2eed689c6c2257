#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/xdp/rotate.sh - a CMD for tests/bench/syn.sh's "cmd" mode
# that runs a different XDP responder variant each time it is started,
# so that one syn.sh run can measure several side by side:
#
#   MODES="kernel riposte cmd cmd" \
#   CMD="bash tests/bench/xdp/rotate.sh STATE" bash tests/bench/syn.sh
#
# STATE.list names the variants (variants.sh), one a line, in the order
# of the cmd modes; STATE.next counts the starts (bench.sh writes both).
# It execs xdpsyn, so syn.sh's responder PID (its /proc counters) is the
# responder itself.  syn.sh runs it as `ip netns exec R taskset -c CPU sh
# -c "exec $CMD"`, every step an exec: its parent is syn.sh, whose lab's
# generator namespace is rbg$PPID (the veth peer, for --peer).
set -u
cd "$(dirname "$0")/../../.." || exit 1
. tests/bench/xdp/variants.sh
STATE=$1
n=$(cat "$STATE.next" 2>/dev/null || echo 0)
v=$(sed -n "$((n + 1))p" "$STATE.list")
[ -n "$v" ] || { echo "rotate.sh: no variant number $((n + 1)) in $STATE.list" >&2; exit 1; }
echo $((n + 1)) >"$STATE.next"
args=$(xdp_variant_args "$v") || { echo "rotate.sh: unknown variant $v" >&2; exit 1; }
peer=
[ -e "/var/run/netns/rbg$PPID" ] && peer="--peer-netns rbg$PPID"
# shellcheck disable=SC2086
exec "${XDPSYN:-build/bench/xdp/xdpsyn}" -i rsp0 --label "$v" $args $peer
