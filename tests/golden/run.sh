#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh - golden tests of `riposte show`, `riposte check` and `riposte
# replay`, in tcpdump's TESTLIST pattern, then verify.py over the replies.
#
#   sh tests/golden/run.sh RIPOSTE                  run every case
#   sh tests/golden/run.sh RIPOSTE --update [NAME]  rewrite one case's
#                                                   expected files (or
#                                                   every case's)
#
# Each TESTLIST line is one case (# starts a comment):
#
#   name  input.pcap  [options...]  expected.out
#       RIPOSTE show OPTIONS -r tests/golden/INPUT
#   name  check  RULES  [options...]  expected.out
#       RIPOSTE check OPTIONS RULES
#   name  replay  RULES  input.pcap  [options...]  expected.out
#       RIPOSTE replay -r tests/golden/INPUT --seed 1 -w TMP.pcap OPTIONS
#       RULES
#
# RULES is a path from the top of the tree.  A replay case gets --seed 1
# unless its options give --seed N themselves, or say --file-seed (dropped
# from the command line): then the rule file's `set seed` decides.  Every
# case runs from the top of the tree; stdout and stderr together, then a
# last line "exit N", are compared with tests/golden/EXPECTED.  A replay
# case also compares the replies it wrote, byte for byte, with
# tests/golden/EXPECTED.pcap (EXPECTED is NAME.out, so NAME.out.pcap) when
# it wrote any, and must write none when that file does not exist; and it
# is run twice, the second time with --general (every reply template built
# the general way, not patched from the image of an earlier reply), and
# must print and write the same bytes both times.
#
# A line "#PENDING name ..." is a case whose riposte output is known to be
# wrong and that has no approved expected files yet: it is listed as
# PENDING, not run.
#
# After the cases (not with --update), verify.py checks every reply in
# the committed *.out.pcap files with Scapy and tcpdump; it counts as one
# more case, "verify".  Prints PASS/FAIL per case (and the diff of a
# failure), then "N passed, M failed"; exits 1 when a case failed.

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
trap 'rm -f "$tmp" "$tmp.diff" "$tmp.pcap" "$tmp.sed" "$tmp.2" "$tmp.2.pcap" "$tmp.2.sed"' EXIT
trap 'exit 2' HUP INT PIPE TERM

# Output must not depend on the caller's locale.  TZ is left alone on
# purpose: riposte prints UTC, and a case run in another zone shows it.
LC_ALL=C
export LC_ALL

passed=0
failed=0
general=
found=0
updated=0

# The size of a pcap file header: a replay that wrote no reply wrote this.
PCAP_HDR=24

size_of() {
	wc -c <"$1" | tr -d ' '
}

# Runs one case; its output and exit code go to $1, the replies of a
# replay case to $1.pcap.
run_case() {
	# $1 output file, $2 kind, then for show: input, options; for check:
	# rules, options; for replay: rules, input, options.
	out=$1
	kind=$2
	shift 2
	rm -f "$out.pcap"
	case $kind in
	show)
		input=$1
		shift
		# The options are split on blanks on purpose.
		"$riposte" show "$@" -r "$dir/$input" >"$out" 2>&1 </dev/null
		;;
	check)
		rules=$1
		shift
		"$riposte" check "$@" "$rules" >"$out" 2>&1 </dev/null
		;;
	replay)
		rules=$1
		input=$2
		shift 2
		seed="--seed 1"
		ropts=
		for o in "$@"; do
			case $o in
			--file-seed) seed= ;;
			--seed | --seed=*) seed= ; ropts="$ropts $o" ;;
			*) ropts="$ropts $o" ;;
			esac
		done
		# shellcheck disable=SC2086
		"$riposte" replay -r "$dir/$input" $seed -w "$out.pcap" $ropts \
			${general:+--general} "$rules" >"$out" 2>&1 </dev/null
		;;
	esac
	echo "exit $?" >>"$out"
	# The temporary name must not show in the expected output.
	if [ -n "$out" ] && grep -q "$out" "$out"; then
		sed "s|$out|TMP|g" "$out" >"$out.sed" && mv "$out.sed" "$out"
	fi
}

# Does replay output $1.pcap hold replies?
has_replies() {
	[ -f "$1.pcap" ] && [ "$(size_of "$1.pcap")" -gt $PCAP_HDR ]
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'#PENDING'*)
		# shellcheck disable=SC2086
		set -- ${line#\#PENDING}
		[ $update = 1 ] || [ -n "$only" ] || echo "PENDING ${1:-?}"
		continue
		;;
	'#'* | '') continue ;;
	esac
	# shellcheck disable=SC2086
	set -- $line
	name=${1:-}
	kind=show
	need=3
	case ${2:-} in
	check) kind=check need=4 ;;
	replay) kind=replay need=5 ;;
	esac
	[ $# -ge $need ] || {
		echo "TESTLIST: bad line: $line" >&2
		failed=$((failed + 1))
		continue
	}
	shift
	[ "$kind" = show ] || shift
	expected=
	eval "expected=\${$#}"
	# Drop the last word (the expected file); what remains are the
	# rules, the input and the options.
	args=
	while [ $# -gt 1 ]; do
		args="$args $1"
		shift
	done
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	found=$((found + 1))

	# shellcheck disable=SC2086
	run_case "$tmp" $kind $args

	if [ $update = 1 ]; then
		same=1
		cmp -s "$tmp" "$dir/$expected" || same=0
		if [ "$kind" = replay ]; then
			if has_replies "$tmp"; then
				cmp -s "$tmp.pcap" "$dir/$expected.pcap" ||
					same=0
			elif [ -f "$dir/$expected.pcap" ]; then
				same=0
			fi
		fi
		if [ $same = 1 ]; then
			echo "SAME $name"
			continue
		fi
		cat "$tmp" >"$dir/$expected" || exit 2
		if [ "$kind" = replay ]; then
			if has_replies "$tmp"; then
				cat "$tmp.pcap" >"$dir/$expected.pcap" || exit 2
			else
				rm -f "$dir/$expected.pcap"
			fi
		fi
		echo "UPDATED $name"
		updated=$((updated + 1))
		continue
	fi

	why=
	if [ ! -f "$dir/$expected" ]; then
		why="$dir/$expected is missing"
	elif ! diff -u "$dir/$expected" "$tmp" >"$tmp.diff" 2>&1; then
		why="diff"
	elif [ "$kind" = replay ]; then
		if [ -f "$dir/$expected.pcap" ]; then
			if ! has_replies "$tmp"; then
				why="no reply written, $dir/$expected.pcap expected"
			elif ! cmp -s "$dir/$expected.pcap" "$tmp.pcap"; then
				why="the replies differ from $dir/$expected.pcap"
			fi
		elif has_replies "$tmp"; then
			why="replies written, but $dir/$expected.pcap is missing"
		fi
		if [ -z "$why" ]; then
			# The same run again, every template built the
			# general way, not from its image: the same bytes.
			general=1
			# shellcheck disable=SC2086
			run_case "$tmp.2" $kind $args
			general=
			if ! cmp -s "$tmp" "$tmp.2"; then
				why="a second run printed something else"
			elif has_replies "$tmp" &&
				! cmp -s "$tmp.pcap" "$tmp.2.pcap"; then
				why="a second run wrote other replies"
			fi
		fi
	fi
	if [ -z "$why" ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	elif [ "$why" = diff ]; then
		echo "FAIL $name"
		sed "s|$tmp|actual|" "$tmp.diff"
		failed=$((failed + 1))
	else
		echo "FAIL $name ($why)"
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
if [ -z "$only" ]; then
	if /usr/bin/python3 "$dir/verify.py" "$dir"; then
		echo "PASS verify"
		passed=$((passed + 1))
	else
		echo "FAIL verify"
		failed=$((failed + 1))
	fi
fi
echo "$passed passed, $failed failed"
# A run that found no case proves nothing: it fails.
[ $failed = 0 ] && [ $passed -gt 0 ]
