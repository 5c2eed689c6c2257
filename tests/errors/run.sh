#!/bin/sh
# run.sh - broken rule files and the exact errors they must give.
#
#   sh tests/errors/run.sh RIPOSTE                  run every case
#   sh tests/errors/run.sh RIPOSTE --update [NAME]  rewrite NAME.err (all)
#
# Run from the repository root: the messages name tests/errors/NAME.rules.
# Each case is NAME.rules with NAME.err beside it, the exact standard error
# of `riposte check tests/errors/NAME.rules`, which must exit 2.  Files too
# large to keep in git are written by NAME.gen (a sh script printing the
# file) into NAME.rules, which .gitignore lists.  Prints PASS or FAIL per
# case and "N passed, M failed"; exits 1 when a case fails.
set -u

if [ $# -lt 1 ]; then
	echo "usage: sh tests/errors/run.sh RIPOSTE [--update [NAME...]]" >&2
	exit 2
fi
riposte=$1
shift
dir=tests/errors
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
if [ ! -d "$dir" ]; then
	echo "run.sh: run me from the repository root" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# The generated files, rewritten when their script is newer.
for gen in "$dir"/*.gen; do
	[ -e "$gen" ] || continue
	rules=${gen%.gen}.rules
	if [ ! -e "$rules" ] || [ "$gen" -nt "$rules" ]; then
		sh "$gen" >"$tmp/gen" && mv "$tmp/gen" "$rules" || exit 1
	fi
done

if [ "$update" = 1 ]; then
	if [ $# -eq 0 ]; then
		for rules in "$dir"/*.rules; do
			name=${rules##*/}
			set -- "$@" "${name%.rules}"
		done
	fi
	for name in "$@"; do
		"$riposte" check "$dir/$name.rules" >/dev/null \
			2>"$dir/$name.err"
		echo "updated $dir/$name.err (exit $?)"
	done
	exit 0
fi

pass=0
fail=0
for rules in "$dir"/*.rules; do
	[ -e "$rules" ] || continue
	name=${rules##*/}
	name=${name%.rules}
	if [ ! -f "$dir/$name.err" ]; then
		echo "FAIL $name: no $dir/$name.err"
		fail=$((fail + 1))
		continue
	fi
	"$riposte" check "$rules" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && cmp -s "$dir/$name.err" "$tmp/err"; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit $rc (want 2)"
		diff -u "$dir/$name.err" "$tmp/err" | sed -n '3,22p'
		fail=$((fail + 1))
	fi
done
# An expected output whose rule file is gone is a case lost.
for err in "$dir"/*.err; do
	[ -e "$err" ] || continue
	name=${err##*/}
	name=${name%.err}
	if [ ! -e "$dir/$name.rules" ] && [ ! -e "$dir/$name.gen" ]; then
		echo "FAIL $name: $dir/$name.err without $dir/$name.rules"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] # no case found is a failure
