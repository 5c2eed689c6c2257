#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cli.sh RIPOSTE - the command line a user meets first: --help, --version,
# every subcommand's --help agreeing with the top-level list, usage errors
# exiting 2, replay without -w and with -q, the man page linting clean, and
# `make install` honouring PREFIX and DESTDIR.  Prints "N passed, M failed".
set -u
R=${1:-./riposte}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
t() { name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }

t "--version" sh -c "$R --version | grep -q '^riposte [0-9]'"
t "--help lists every subcommand" sh -c \
	"$R --help > $tmp/h && for c in check replay run send show; do grep -q \"^  \$c \" $tmp/h || exit 1; done"
for c in check replay run send show; do
	t "$c --help" sh -c "$R $c --help | grep -q '^usage: riposte $c'"
	t "$c with a bad option exits 2" sh -c \
		"$R $c --no-such-option > /dev/null 2>&1; [ \$? = 2 ]"
done
t "no subcommand exits 2" sh -c "$R > /dev/null 2>&1; [ \$? = 2 ]"
t "unknown subcommand exits 2" sh -c "$R frobnicate > /dev/null 2>&1; [ \$? = 2 ]"

# replay: decisions printed without -w, and nothing but counts with -q.
t "replay without -w" sh -c \
	"$R replay -r tests/golden/replay-web.pcap rules/web-server.rules > $tmp/r && grep -q '> ARP, Reply' $tmp/r"
t "replay -q prints only the counts" sh -c \
	"$R replay -q -r tests/golden/replay-web.pcap rules/web-server.rules > $tmp/q && [ \$(wc -l < $tmp/q) = 2 ] && grep -q ' frames, .* replies' $tmp/q && grep -q ' flows (.* open at the end)' $tmp/q"
t "replay is the same twice" sh -c \
	"$R replay -r tests/golden/replay-web.pcap rules/web-server.rules > $tmp/r2 && cmp -s $tmp/r $tmp/r2"

# The errors a new user meets first: one line each, saying what to do,
# exit 2.  (nf_tables missing cannot be made here; its message is in
# src/run.c: "is nf_tables in this kernel? --no-firewall runs without it".)
one_line() { # NAME WANT CMD...: CMD exits 2 with one stderr line matching WANT
	name=$1 want=$2
	shift 2
	"$@" > /dev/null 2> $tmp/e
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l < $tmp/e)" = 1 ] && grep -qE "$want" $tmp/e; then
		ok "$name"
	else
		ko "$name (exit $rc: $(cat $tmp/e))"
	fi
}
one_line "error: no such interface" "^riposte: run: no interface nosuch0 \(see ip link\)$" \
	$R run -i nosuch0 rules/web-server.rules
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	one_line "error: not root" "run as root or with CAP_NET_RAW" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		$R run -i lo rules/web-server.rules
fi
one_line "error: no capture file" "^riposte: replay: cannot read $tmp/none.pcap: No such file or directory$" \
	$R replay -r $tmp/none.pcap rules/web-server.rules
echo "not a capture" > $tmp/text.pcap
one_line "error: not a capture file" "not a capture file \(pcap or pcapng" \
	$R replay -r $tmp/text.pcap rules/web-server.rules
one_line "error: no rule file" "^riposte: check: cannot read $tmp/none.rules: No such file or directory$|$tmp/none.rules.*No such file" \
	$R check $tmp/none.rules

# The release build is hardened: position-independent, relocations read-only
# and bound at start, a stack that does not execute, stack protector and
# _FORTIFY_SOURCE checks linked in.  (A SAN=1 build is not: skipped there.)
if ldd "$R" 2>/dev/null | grep -q libasan; then
	echo "SKIP hardening (sanitizer build)"
else
	readelf -hdlW --dyn-syms "$R" > $tmp/elf 2>&1
	t "hardened: PIE" grep -q 'Type: *DYN' $tmp/elf
	t "hardened: full RELRO" sh -c "grep -q GNU_RELRO $tmp/elf && grep -q 'BIND_NOW' $tmp/elf"
	t "hardened: no executable stack" sh -c "grep GNU_STACK $tmp/elf | grep -qv RWE"
	t "hardened: stack protector" grep -q __stack_chk_fail $tmp/elf
	t "hardened: _FORTIFY_SOURCE" grep -qE '__(memcpy|snprintf|fprintf)_chk' $tmp/elf
fi

# riposte.8 and the help texts agree: every subcommand --help lists is in
# the man page's synopsis, and every option of its --help is described in
# its section (".Ss riposte CMD", rendered).
t "riposte.8 lints clean" sh -c \
	"mandoc -T lint -W warning src/riposte.8 > $tmp/lint8 2>&1; [ ! -s $tmp/lint8 ]"
mandoc -T ascii src/riposte.8 | col -b > $tmp/man8
cmds=$($R --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
for c in $cmds; do
	t "riposte.8 synopsis has $c" grep -q "^ *riposte $c " $tmp/man8
	awk -v c="riposte $c" '$0 ~ "^   " c "$" { on = 1; next }
		on && /^   [a-z]/ { exit } on && /^[A-Z]/ { exit } on' \
		$tmp/man8 > $tmp/sec-$c
	opts=$($R $c --help | grep -oE '^ +(-[a-zA-Z]|--[a-z-]+)(, (-[a-zA-Z]|--[a-z-]+))*' |
		tr ',' '\n' | tr -d ' ' | sort -u)
	missing=
	for o in $opts; do
		grep -qE -- "(^|[^-a-z])$o([^a-z-]|$)" $tmp/sec-$c || missing="$missing $o"
	done
	if [ -s $tmp/sec-$c ] && [ -z "$missing" ]; then
		ok "riposte.8 describes every option of $c --help ($(echo $opts | wc -w))"
	else
		ko "riposte.8 section $c lacks:$missing"
	fi
done
t "riposte.rules.5 lints clean" sh -c \
	"mandoc -T lint -W warning src/riposte.rules.5 > $tmp/lint 2>&1; [ ! -s $tmp/lint ]"
t "make install PREFIX DESTDIR" sh -c \
	"make -s install PREFIX=/opt/rp DESTDIR=$tmp/root > /dev/null && [ -x $tmp/root/opt/rp/sbin/riposte ] && [ -f $tmp/root/opt/rp/share/man/man5/riposte.rules.5 ] && [ -f $tmp/root/opt/rp/share/man/man8/riposte.8 ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
