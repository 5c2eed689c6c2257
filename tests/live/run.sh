#!/bin/sh
# run.sh - riposte's live tests: real clients against riposte in throwaway
# network namespaces (needs root).
#
#   sh tests/live/run.sh RIPOSTE [-j] [TEST...]
#
# Runs every tests/live/test_*.sh (or the TESTs named, as paths or as
# names like test_ping), each as `bash TEST RIPOSTE` (or its #! shell) from
# the repository root, with RIPOSTE an absolute path.  A test passes when it
# exits 0.  Prints PASS or FAIL per test with its run time (a figure, never
# a verdict), a failed test's output, and last a line "N passed, M failed";
# exits 1 when any test failed.  -j runs the tests side by side (each test
# names its namespaces after itself and its PID, so they do not collide).
# Each test is stopped after LIVE_TIMEOUT seconds (300) so that nothing
# hangs; a test stopped so fails.
set -u

usage()
{
	echo "usage: sh tests/live/run.sh RIPOSTE [-j] [TEST...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
riposte=$(realpath "$1" 2>/dev/null) || usage
shift
[ -x "$riposte" ] || { echo "run.sh: $riposte is not executable" >&2; exit 2; }
parallel=0
if [ "${1:-}" = "-j" ]; then
	parallel=1
	shift
fi
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
if [ "$(id -u)" != 0 ]; then
	echo "run.sh: the live tests need root (network namespaces)" >&2
	exit 2
fi

tests=""
if [ $# -eq 0 ]; then
	for t in "$here"/test_*.sh; do
		[ -e "$t" ] && tests="$tests $t"
	done
else
	for t in "$@"; do
		case $t in
		*/*) ;;
		*.sh) t="$here/$t" ;;
		*) t="$here/$t.sh" ;;
		esac
		[ -e "$t" ] || { echo "run.sh: no test $t" >&2; exit 2; }
		tests="$tests $t"
	done
fi

tmp=$(mktemp -d /tmp/riposte-live.XXXXXX) || exit 2
# On INT or TERM, each running test gets TERM (through its timeout), and
# its own trap tears its lab down.
cleanup()
{
	for f in "$tmp"/*.pid; do
		[ -e "$f" ] || continue
		[ -e "${f%.pid}.rc" ] || kill -TERM "$(cat "$f")" 2>/dev/null
	done
	wait
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# One test, output to $tmp/NAME.log, status to $tmp/NAME.rc, time to
# $tmp/NAME.ms.
run_one()
{
	t=$1
	n=$(basename "$t" .sh)
	shell=$(sed -n '1s/^#! *\([^ ]*\).*/\1/p' "$t")
	[ -n "$shell" ] || shell=bash
	start=$(now_ms)
	timeout --foreground -k 10 "${LIVE_TIMEOUT:-300}" \
		"$shell" "$t" "$riposte" </dev/null >"$tmp/$n.log" 2>&1 &
	echo $! >"$tmp/$n.pid"
	wait $!
	echo $? >"$tmp/$n.rc"
	echo $(($(now_ms) - start)) >"$tmp/$n.ms"
}

report()
{
	n=$(basename "$1" .sh)
	rc=$(cat "$tmp/$n.rc" 2>/dev/null || echo 1)
	ms=$(cat "$tmp/$n.ms" 2>/dev/null || echo 0)
	secs=$(printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100)))
	if [ "$rc" = 0 ]; then
		echo "PASS $n (${secs}s)"
		passed=$((passed + 1))
	else
		why=""
		[ "$rc" = 124 ] || [ "$rc" = 137 ] &&
			why=", stopped after ${LIVE_TIMEOUT:-300}s"
		echo "FAIL $n (exit $rc$why, ${secs}s)"
		sed 's/^/    /' "$tmp/$n.log" | tail -n 80
		failed=$((failed + 1))
	fi
}

passed=0
failed=0
if [ $parallel = 1 ]; then
	for t in $tests; do
		run_one "$t" &
	done
	wait
	for t in $tests; do
		report "$t"
	done
else
	for t in $tests; do
		run_one "$t"
		report "$t"
	done
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ] # no test found is a failure
