#!/bin/sh
# SPDX-License-Identifier: MIT
#
# test_fw.sh - live tests of riposte's nftables owner tables (src/fw/nft.c)
# in throwaway network namespaces.  Needs root, nft, ip, cc, pkg-config and
# Debian's python3 with Scapy.
#
#   sh tests/live/test_fw.sh [RIPOSTE [LIBRIPOSTE [EXTRA_CFLAGS]]]
#
# (tests/live/run.sh passes RIPOSTE only.)  Defaults: ./riposte, and the
# library in $RIPOSTE_LIB, else build/rel/libriposte.a, else
# build/san/libriposte.a (a san library gets -fsanitize=address,undefined);
# run make first.
#
# tests/live/fw_hold.c, compiled here against the library, installs the
# firewall of rule files exactly as `riposte run` does and holds it until
# killed.  The checks:
#   1. for every rules/*.rules, and a generated file whose rules become
#      sets, the ruleset in the namespace is exactly the text `riposte
#      check -i IFACE` prints, loaded by nft -f elsewhere (nft -j and nft's
#      text, both), with "flags owner" on both tables;
#   2. installing several files in turn on one socket (a SIGHUP reload)
#      leaves exactly the last one;
#   3. a second process cannot take the tables over;
#   4. after SIGKILL (and SIGTERM) of the holder the tables are gone within
#      1 s (polled every 50 ms; the times are printed);
#   5. a child the holder exec'd does not keep them alive (SOCK_CLOEXEC),
#      and the control: with the descriptor leaked on purpose, it does;
#   6. the table's effect: a SYN from the peer namespace to an address that
#      is configured in riposte's namespace gets the kernel's RST without
#      the table and nothing with it (Scapy in the peer, IPv4 and IPv6),
#      while a capture on the interface still sees the dropped SYN; and the
#      output chain keeps the kernel's own RST and port unreachable in
#      (local connect() and UDP, refused without the table, timing out
#      with it).
# Addresses: 198.51.100.0/24, 2001:db8::/64, MACs 02:...; nothing leaves
# the namespaces, and the root namespace's nftables is never touched.
# Prints PASS/FAIL lines and "N passed, M failed"; exits 1 on any failure.

set -u

cd "$(dirname "$0")/../.." || exit 1
RIPOSTE=${1:-./riposte}
LIB=${2:-${RIPOSTE_LIB:-}}
EXTRA=${3:-}
if [ -z "$LIB" ]; then
	LIB=build/rel/libriposte.a
	[ -f "$LIB" ] || LIB=build/san/libriposte.a
fi
case $LIB in
*/san/*) EXTRA=${EXTRA:--fsanitize=address,undefined} ;;
esac
PY=/usr/bin/python3

if [ "$(id -u)" != 0 ]; then
	echo "SKIP test_fw.sh: needs root"
	exit 0
fi
for tool in nft ip cc pkg-config timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "FAIL test_fw.sh: $tool not found"; exit 1; }
done
[ -x "$RIPOSTE" ] && [ -f "$LIB" ] ||
	{ echo "FAIL test_fw.sh: $RIPOSTE or $LIB missing (make first)"; exit 1; }

ID=$$
NS_R=rpfw-r-$ID # riposte's namespace
NS_P=rpfw-p-$ID # the peer's
NS_X=rpfw-x-$ID # scratch: where nft -f loads the expected text
IF_R=rv0
IF_P=pv0
MAC_R=02:00:00:5e:10:01
MAC_P=02:00:00:5e:10:02
TMP=$(mktemp -d /tmp/riposte-fw.XXXXXX) || exit 1
PIDS=""
passed=0
failed=0

cleanup() {
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	for ns in "$NS_R" "$NS_P" "$NS_X"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /'
	failed=$((failed + 1))
}

check() { # NAME CONDITION-COMMAND...
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

inr() { ip netns exec "$NS_R" "$@"; }
inp() { ip netns exec "$NS_P" "$@"; }
inx() { ip netns exec "$NS_X" "$@"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- the lab ----------------------------------------------------------------

setup() {
	ip netns add "$NS_R" && ip netns add "$NS_P" && ip netns add "$NS_X" &&
	ip -n "$NS_R" link add "$IF_R" address "$MAC_R" type veth \
		peer name "$IF_P" address "$MAC_P" netns "$NS_P" &&
	ip -n "$NS_X" link add "$IF_R" type veth peer name xv1 &&
	ip -n "$NS_R" addr add 198.51.100.1/24 dev "$IF_R" &&
	ip -n "$NS_R" addr add 198.51.100.10/24 dev "$IF_R" &&
	ip -n "$NS_R" addr add 2001:db8::1/64 dev "$IF_R" nodad &&
	ip -n "$NS_R" addr add 2001:db8::10/64 dev "$IF_R" nodad &&
	ip -n "$NS_P" addr add 198.51.100.2/24 dev "$IF_P" &&
	ip -n "$NS_P" addr add 2001:db8::2/64 dev "$IF_P" nodad &&
	for ns in "$NS_R" "$NS_P" "$NS_X"; do
		ip -n "$ns" link set lo up || return 1
	done &&
	ip -n "$NS_R" link set "$IF_R" up && ip -n "$NS_P" link set "$IF_P" up &&
	ip -n "$NS_X" link set "$IF_R" up &&
	# The table drops ARP requests for .10 (riposte answers them), so
	# both sides know each other's MAC from the start.
	ip -n "$NS_R" neigh replace 198.51.100.2 lladdr "$MAC_P" \
		dev "$IF_R" nud permanent &&
	ip -n "$NS_R" neigh replace 2001:db8::2 lladdr "$MAC_P" \
		dev "$IF_R" nud permanent &&
	ip -n "$NS_P" neigh replace 198.51.100.10 lladdr "$MAC_R" \
		dev "$IF_P" nud permanent &&
	ip -n "$NS_P" neigh replace 2001:db8::10 lladdr "$MAC_R" \
		dev "$IF_P" nud permanent
}

if ! setup; then
	echo "FAIL test_fw.sh: cannot build the namespaces"
	exit 1
fi

# shellcheck disable=SC2046 # word splitting of pkg-config's flags is wanted
if ! cc -std=c11 -D_GNU_SOURCE -Isrc -O1 -g $EXTRA -o "$TMP/fw_hold" \
	tests/live/fw_hold.c "$LIB" \
	$(pkg-config --cflags --libs libpcap libmnl libnftnl libsodium libseccomp) 2>"$TMP/cc.err"
then
	echo "FAIL test_fw.sh: cannot build fw_hold"
	cat "$TMP/cc.err"
	exit 1
fi

# --- helpers ----------------------------------------------------------------

HOLDER=""

# hold [--spawn] [--leak] RULES...: starts fw_hold in riposte's namespace
# and waits (at most 5 s) until it says ready; 0 when it did.
hold() {
	rm -f "$TMP/ready"
	opts=""
	while [ $# -gt 0 ]; do
		case $1 in
		--*) opts="$opts $1"; shift ;;
		*) break ;;
		esac
	done
	# A simple command, not a function, in the background: $! is then
	# fw_hold's own pid (ip netns exec execs it).
	# shellcheck disable=SC2086
	ip netns exec "$NS_R" "$TMP/fw_hold" $opts "$IF_R" "$TMP/ready" "$@" \
		2>"$TMP/hold.err" &
	HOLDER=$!
	PIDS="$PIDS $HOLDER"
	i=0
	while [ $i -lt 100 ]; do
		[ -f "$TMP/ready" ] && return 0
		kill -0 "$HOLDER" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Kills the holder with signal $1 and reaps it.
unhold() {
	kill "-$1" "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
}

riposte_tables() { inr nft list tables 2>/dev/null | grep -c ' riposte$'; }

# Polls every 50 ms, at most 1 s, until riposte's namespace has no riposte
# table; 0 when gone, GONE_MS = milliseconds since $1 (an nft run takes
# some of them) and GONE_LOOK = which look saw them gone (1: the first).
wait_gone() {
	i=0
	while [ $i -le 20 ]; do
		if [ "$(riposte_tables)" = 0 ]; then
			GONE_MS=$(($(now_ms) - $1))
			GONE_LOOK=$((i + 1))
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# The expected ruleset of a rule file: `riposte check` text, loaded by nft
# in the scratch namespace ("flags owner" dropped, or the table would leave
# with nft), listed as text and as JSON.
expect() {
	rm -f "$TMP"/expect.*
	"$RIPOSTE" check -i "$IF_R" "$1" >"$TMP/check.out" 2>&1 || return 1
	sed -n '/^table netdev riposte/,$p' "$TMP/check.out" |
		grep -v '^[[:space:]]*flags owner$' >"$TMP/expect.nft"
	inx nft flush ruleset &&
	inx nft -f "$TMP/expect.nft" 2>>"$TMP/check.out" &&
	inx nft list ruleset >"$TMP/expect.txt" &&
	inx nft -j list ruleset >"$TMP/expect.json" &&
	inx nft flush ruleset
}

# nft's text with what only an owned table shows taken out.
normalise() {
	sed -e 's/ # progname [^ ]*$//' -e '/^[[:space:]]*flags owner$/d' \
		-e '/^$/d' "$1"
}

# Compares riposte's namespace with the expectation of expect(); prints
# the difference when they differ.
same_ruleset() {
	[ -f "$TMP/expect.json" ] || {
		echo "no expectation: riposte check or nft -f failed"
		return 1
	}
	inr nft list ruleset >"$TMP/got.txt" &&
	inr nft -j list ruleset >"$TMP/got.json" || return 1
	[ "$(grep -c '^[[:space:]]*flags owner$' "$TMP/got.txt")" = 2 ] || {
		echo "not two owner tables:"
		cat "$TMP/got.txt"
		return 1
	}
	normalise "$TMP/got.txt" >"$TMP/got.norm"
	normalise "$TMP/expect.txt" >"$TMP/expect.norm"
	diff -u "$TMP/expect.norm" "$TMP/got.norm" || return 1
	"$PY" - "$TMP/expect.json" "$TMP/got.json" <<'EOF'
import json, sys

def norm(path):
    out = []
    for obj in json.load(open(path))["nftables"]:
        if "metainfo" in obj:
            continue
        for body in obj.values():
            body.pop("handle", None)
            body.pop("flags", None)
        out.append(obj)
    return out

want, got = norm(sys.argv[1]), norm(sys.argv[2])
if want != got:
    print("nft -j differs:\n  want %s\n  got  %s" % (want, got))
    sys.exit(1)
EOF
}

# --- 1. every example rule file, exactly ------------------------------------

# And one that makes sets (FW_SET_MIN rules of one shape or more become one
# rule with an anonymous set): 300 TCP ports, 12 UDP ports of IPv4 only,
# 5 ICMP rules (one `meta l4proto`, not a set), 40 IPv4 hosts with ARP and
# 10 IPv6 hosts, so ingress and output both hold sets of every key type.
{
	i=1
	while [ $i -le 300 ]; do
		echo "rule t$i { match \"tcp dst port $((i * 7))\"; drop }"
		i=$((i + 1))
	done
	i=1
	while [ $i -le 12 ]; do
		echo "rule u$i { match \"ip and udp dst port $((5000 + i))\"; drop }"
		i=$((i + 1))
	done
	i=1
	while [ $i -le 5 ]; do
		echo "rule i$i { match \"icmp\"; drop }"
		i=$((i + 1))
	done
	i=1
	while [ $i -le 40 ]; do
		echo "host 203.0.113.$i { arp on; tcp 80 open }"
		i=$((i + 1))
	done
	i=1
	while [ $i -le 10 ]; do
		echo "host 2001:db8::1:$i { tcp 80 open }"
		i=$((i + 1))
	done
} >"$TMP/sets.rules"

for f in rules/*.rules "$TMP/sets.rules"; do
	name="ruleset of $f is what riposte check prints"
	if ! expect "$f"; then
		fail "$name" "$(cat "$TMP/check.out")"
		continue
	fi
	if ! hold "$f"; then
		fail "$name" "$(cat "$TMP/hold.err")"
		continue
	fi
	if out=$(same_ruleset 2>&1); then pass "$name"; else fail "$name" "$out"; fi
	unhold 9
	wait_gone "$(now_ms)" || fail "$f: tables removed after the test"
done

# --- 2. reload: install, install, install on one socket ---------------------

expect rules/web-server.rules ||
	fail "expected ruleset of rules/web-server.rules" "$(cat "$TMP/check.out")"
if hold rules/udp-echo.rules rules/web-server.rules rules/udp-echo.rules \
	rules/web-server.rules; then
	if out=$(same_ruleset 2>&1); then
		pass "four installs on one socket leave exactly the last file"
	else
		fail "four installs on one socket leave exactly the last file" \
			"$out"
	fi
else
	fail "four installs on one socket" "$(cat "$TMP/hold.err")"
fi

# --- 3. a second process cannot take the tables over ------------------------

first=$HOLDER
if inr "$TMP/fw_hold" "$IF_R" "$TMP/ready2" rules/web-server.rules \
	2>"$TMP/second.err"; then
	fail "a second holder is refused"
else
	if grep -q 'owned by another process' "$TMP/second.err"; then
		pass "a second holder is refused: $(cat "$TMP/second.err")"
	else
		fail "a second holder is refused with a clear reason" \
			"$(cat "$TMP/second.err")"
	fi
fi
check "the first holder's tables are untouched" same_ruleset
HOLDER=$first
unhold 9
wait_gone "$(now_ms)" >/dev/null

# --- 4. SIGKILL and SIGTERM: gone within 1 s --------------------------------

times=""
ok=1
for sig in 9 9 9 9 9 15 15 15; do
	if ! hold rules/web-server.rules; then
		ok=0
		fail "holder for signal $sig" "$(cat "$TMP/hold.err")"
		break
	fi
	[ "$(riposte_tables)" = 2 ] || { ok=0; fail "two tables before signal $sig"; }
	t0=$(now_ms)
	unhold "$sig"
	if wait_gone "$t0"; then
		times="$times SIG$sig:${GONE_MS}ms/look$GONE_LOOK"
	else
		ok=0
		fail "tables gone within 1 s of signal $sig"
	fi
done
[ $ok = 1 ] && pass "tables gone within 1 s of SIGKILL/SIGTERM (signal to gone, and the nft look that saw it:$times)"

# --- 5. an exec'd child does not keep the tables (SOCK_CLOEXEC) -------------

if hold --spawn rules/web-server.rules; then
	child=$(sed -n 's/^ready //p' "$TMP/ready")
	PIDS="$PIDS $child"
	t0=$(now_ms)
	unhold 9
	if wait_gone "$t0" && kill -0 "$child" 2>/dev/null; then
		pass "an exec'd child does not keep the tables (gone in ${GONE_MS}ms, child alive)"
	else
		fail "an exec'd child does not keep the tables"
	fi
	kill -9 "$child" 2>/dev/null
else
	fail "holder with a child" "$(cat "$TMP/hold.err")"
fi

# The control: the same with the socket's FD_CLOEXEC cleared on purpose.
if hold --spawn --leak rules/web-server.rules; then
	child=$(sed -n 's/^ready //p' "$TMP/ready")
	PIDS="$PIDS $child"
	unhold 9
	sleep 1
	if [ "$(riposte_tables)" = 2 ]; then
		pass "control: a child holding a leaked descriptor keeps the tables"
	else
		fail "control: a child holding a leaked descriptor keeps the tables"
	fi
	t0=$(now_ms)
	kill -9 "$child" 2>/dev/null
	check "control: the tables go with the child" wait_gone "$t0"
else
	fail "holder with a leaking child" "$(cat "$TMP/hold.err")"
fi

# --- 6. the effect: no kernel RST, no kernel port unreachable ---------------

cat >"$TMP/probe.py" <<'EOF'
# probe.py IFACE DST_MAC TARGET...: one TCP SYN to port 9 of each target
# (IPv4 or IPv6), at layer 2; prints "TARGET rst|synack|none|other".
import sys
from scapy.all import Ether, IP, IPv6, TCP, conf, srp1
conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2]
for dst in sys.argv[3:]:
    if ":" in dst:
        l3 = IPv6(src="2001:db8::2", dst=dst)
    else:
        l3 = IP(src="198.51.100.2", dst=dst)
    req = Ether(src="02:00:00:5e:10:02", dst=mac) / l3 / TCP(
        sport=40000, dport=9, flags="S", seq=1000)
    ans = srp1(req, iface=iface, timeout=1)
    if ans is None:
        what = "none"
    elif TCP in ans and ans[TCP].flags & 0x04:
        what = "rst"
    elif TCP in ans and ans[TCP].flags & 0x12 == 0x12:
        what = "synack"
    else:
        what = "other"
    print(dst, what)
EOF

cat >"$TMP/local.py" <<'EOF'
# local.py: from inside riposte's namespace, a TCP connect() and a UDP
# exchange with port 9 of the configured addresses; prints
# "PROTO ADDR refused|timeout|other".
import socket
for fam, addr in ((socket.AF_INET, "198.51.100.10"),
                  (socket.AF_INET6, "2001:db8::10")):
    for proto in ("tcp", "udp"):
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(fam, kind)
        s.settimeout(1)
        try:
            s.connect((addr, 9))
            if proto == "udp":
                s.send(b"x")
                s.recv(16)
            what = "other"
        except ConnectionRefusedError:
            what = "refused"
        except socket.timeout:
            what = "timeout"
        finally:
            s.close()
        print(proto, addr, what)
EOF

probe() { inp "$PY" "$TMP/probe.py" "$IF_P" "$MAC_R" 198.51.100.10 2001:db8::10; }

if command -v "$PY" >/dev/null && "$PY" -c 'import scapy' 2>/dev/null; then
	out=$(probe 2>&1)
	want="198.51.100.10 rst
2001:db8::10 rst"
	if [ "$out" = "$want" ]; then
		pass "without the table the kernel answers a SYN with RST (v4, v6)"
	else
		fail "without the table the kernel answers a SYN with RST" "$out"
	fi
	out=$(inr "$PY" "$TMP/local.py" 2>&1)
	want="tcp 198.51.100.10 refused
udp 198.51.100.10 refused
tcp 2001:db8::10 refused
udp 2001:db8::10 refused"
	if [ "$out" = "$want" ]; then
		pass "without the table local connect()/UDP are refused (RST, port unreachable)"
	else
		fail "without the table local connect()/UDP are refused" "$out"
	fi

	if hold rules/web-server.rules; then
		# A capture on the interface while the SYNs are dropped.
		ip netns exec "$NS_R" timeout 10 tcpdump -n -p -i "$IF_R" -c 2 \
			'tcp[tcpflags] == tcp-syn or (ip6 and ip6[53] == 2)' \
			>"$TMP/tcpdump.out" 2>/dev/null &
		dump=$!
		PIDS="$PIDS $dump"
		sleep 1 # tcpdump's socket is open by then
		out=$(probe 2>&1)
		want="198.51.100.10 none
2001:db8::10 none"
		if [ "$out" = "$want" ]; then
			pass "with the table the kernel sends nothing for a SYN (v4, v6)"
		else
			fail "with the table the kernel sends nothing for a SYN" "$out"
		fi
		wait "$dump" 2>/dev/null
		if [ "$(grep -c ' > ' "$TMP/tcpdump.out")" = 2 ]; then
			pass "a capture still sees the SYNs dropped at netdev ingress"
		else
			fail "a capture still sees the SYNs dropped at netdev ingress" \
				"$(cat "$TMP/tcpdump.out")"
		fi
		out=$(inr "$PY" "$TMP/local.py" 2>&1)
		want="tcp 198.51.100.10 timeout
udp 198.51.100.10 timeout
tcp 2001:db8::10 timeout
udp 2001:db8::10 timeout"
		if [ "$out" = "$want" ]; then
			pass "with the table the output chain drops the kernel's RST and port unreachable"
		else
			fail "with the table the output chain drops the kernel's RST and port unreachable" "$out"
		fi
		unhold 9
		wait_gone "$(now_ms)" >/dev/null
		out=$(probe 2>&1)
		if [ "$out" = "198.51.100.10 rst
2001:db8::10 rst" ]; then
			pass "after the holder is killed the kernel answers RST again"
		else
			fail "after the holder is killed the kernel answers RST again" "$out"
		fi
	else
		fail "holder for the effect tests" "$(cat "$TMP/hold.err")"
	fi
else
	fail "Scapy (python3-scapy) is needed for the effect tests"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
