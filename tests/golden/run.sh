#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh - golden tests of `riposte show`, in tcpdump's TESTLIST pattern.
#
#   sh tests/golden/run.sh RIPOSTE                  run every case
#   sh tests/golden/run.sh RIPOSTE --update [NAME]  rewrite one case's .out
#                                                   (or every case's)
#
# Each TESTLIST line is `name input.pcap [options...] expected.out`
# (# starts a comment).  A line "#PENDING name ..." is a case whose riposte
# output is known to be wrong and that has no approved .out yet: it is
# listed as PENDING, not run.  A case runs `RIPOSTE show OPTIONS -r
# tests/golden/INPUT` from the top of the tree, and compares its stdout and
# stderr together, then a last line "exit N", with tests/golden/EXPECTED.
# Prints PASS/FAIL per case (and the diff of a failure), then
# "N passed, M failed"; exits 1 when a case failed.

set -u
set -f	# options in TESTLIST are split on blanks, never globbed

usage() {
	echo "usage: $0 RIPOSTE [--update [NAME]]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
riposte=$1
shift
update=0
only=
if [ $# -ge 1 ]; then
	[ "$1" = --update ] || usage
	update=1
	only=${2:-}
	[ $# -le 2 ] || usage
fi

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
case $riposte in
/*) ;;
*) riposte=$(pwd)/$riposte ;;
esac
[ -x "$riposte" ] || { echo "$0: $riposte: not an executable" >&2; exit 2; }
cd "$top" || exit 2

dir=tests/golden
tmp=$(mktemp "${TMPDIR:-/tmp}/riposte-golden.XXXXXX") || exit 2
trap 'rm -f "$tmp" "$tmp.diff"' EXIT
trap 'exit 2' HUP INT PIPE TERM

# Output must not depend on the caller's locale.  TZ is left alone on
# purpose: riposte prints UTC, and a case run in another zone shows it.
LC_ALL=C
export LC_ALL

passed=0
failed=0
found=0
updated=0

# Runs one case; its output and exit code go to $tmp.
run_case() {
	# $1 input, rest options
	input=$1
	shift
	# The options are split on blanks on purpose.
	"$riposte" show "$@" -r "$dir/$input" >"$tmp" 2>&1 </dev/null
	echo "exit $?" >>"$tmp"
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'#PENDING'*)
		# shellcheck disable=SC2086
		set -- ${line#\#PENDING}
		[ $update = 1 ] || echo "PENDING ${1:-?}"
		continue
		;;
	'#'* | '') continue ;;
	esac
	# shellcheck disable=SC2086
	set -- $line
	[ $# -ge 3 ] || {
		echo "TESTLIST: bad line: $line" >&2
		failed=$((failed + 1))
		continue
	}
	name=$1
	input=$2
	shift 2
	expected=
	eval "expected=\${$#}"
	# Drop the last word (the expected file); what remains are options.
	opts=
	while [ $# -gt 1 ]; do
		opts="$opts $1"
		shift
	done
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	found=$((found + 1))

	# shellcheck disable=SC2086
	run_case "$input" $opts

	if [ $update = 1 ]; then
		if cmp -s "$tmp" "$dir/$expected"; then
			echo "SAME $name"
		else
			cp "$tmp" "$dir/$expected" || exit 2
			echo "UPDATED $name"
			updated=$((updated + 1))
		fi
		continue
	fi
	if [ ! -f "$dir/$expected" ]; then
		echo "FAIL $name ($dir/$expected is missing)"
		failed=$((failed + 1))
	elif diff -u "$dir/$expected" "$tmp" >"$tmp.diff" 2>&1; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		sed "s|$tmp|actual|" "$tmp.diff"
		failed=$((failed + 1))
	fi
	rm -f "$tmp.diff"
done <"$dir/TESTLIST"

if [ -n "$only" ] && [ $found = 0 ]; then
	echo "$0: no case named $only" >&2
	exit 2
fi
if [ $update = 1 ]; then
	echo "$found cases, $updated updated"
	exit 0
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
