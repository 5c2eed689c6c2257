#!/bin/bash
# demo.sh - riposte's main job, out of the box (`make demo`, as root).
#
#   sh tests/live/demo.sh RIPOSTE
#
# Makes a throwaway lab of two network namespaces joined by a veth pair,
# runs `riposte run -v` with rules/web-server.rules in one of them, and in
# the other runs real clients: ping, ping -6, nmap -sS and -sU, curl over
# IPv4 and IPv6, nc reading the SSH banner and connecting to a closed
# port.  After each client, prints what the client
# saw and what riposte narrated; at the end stops riposte with SIGTERM (it
# prints its counters) and deletes the lab.  Installs and builds nothing
# (`make demo` has done both); touches nothing outside the lab.  Exits 1
# when a client did not see what the rules promise.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh tests/live/demo.sh RIPOSTE" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root, for network namespaces: sudo make demo" >&2
	exit 1
fi
RIPOSTE=$(realpath "$1") || exit 2
here=$(cd "$(dirname "$0")" && pwd)
RULES=$(realpath "$here/../../rules/web-server.rules")
. "$here/lab.sh"
for tool in ip nft ping nmap nc curl; do
	command -v "$tool" >/dev/null ||
		{ echo "demo: $tool is missing: make deps" >&2; exit 1; }
done

V4=198.51.100.10
V6=2001:db8::10
bad=0
shown=0

heading() { printf '\n==== %s ====\n' "$*"; }

# The narration riposte wrote since the last call, once it has settled
# (no new line for 0.2 s, at most 3 s).
riposte_saw()
{
	local n prev=-1 i=0 label=${1:-"riposte saw (its -v ladder: the client on the left, riposte on the right):"}
	while [ "$i" -lt 15 ]; do
		n=$(wc -l <"$RIPOSTE_ERR")
		[ "$n" = "$prev" ] && break
		prev=$n
		i=$((i + 1))
		sleep 0.2
	done
	echo "-- $label"
	tail -n "+$((shown + 1))" "$RIPOSTE_ERR" | head -n "$((n - shown))" |
		sed 's/^riposte: /   /'
	shown=$n
}

# client TITLE CMD...: run CMD in the client's namespace (at most 60 s),
# show its output (kept in $LAB_DIR/client.out) and riposte's side; the
# status of CMD.
client()
{
	local title=$1 rc
	shift
	heading "client: $title"
	echo "\$ $*"
	lab_c timeout -k 5 60 "$@" >"$LAB_DIR/client.out" 2>&1
	rc=$?
	sed 's/^/   /' "$LAB_DIR/client.out"
	[ -z "$(tail -c 1 "$LAB_DIR/client.out")" ] || echo
	riposte_saw
	return "$rc"
}

expect() { [ "$1" ] || { echo "!! demo: $2"; bad=1; }; }

lab_up demo
cat <<EOF
riposte demo: a fake web server at $V4 and $V6
(rules/web-server.rules), answered by riposte in one network namespace and
probed by real clients - ping, nmap, curl and nc, over the kernel's own TCP/IP - from another:

  $LAB_R (riposte)               $LAB_C (clients)
  $LAB_RIF $LAB_R4 $LAB_R6  <-- veth -->  $LAB_CIF $LAB_C4 $LAB_C6

$V4 and $V6 are configured nowhere: riposte answers ARP and
neighbour solicitation for them, and everything else the rules say.  The
lab is deleted at the end.
EOF

heading "the rules: $RULES"
grep -v '^#' "$RULES" | sed '/^$/d; s/^/   /'

heading "riposte: riposte run -v -i $LAB_RIF rules/web-server.rules"
if ! lab_riposte -v "$RULES"; then
	echo "!! riposte did not start:"
	sed 's/^/   /' "$RIPOSTE_ERR"
	exit 1
fi
sed 's/^/   /' "$RIPOSTE_ERR"
shown=$(wc -l <"$RIPOSTE_ERR")
echo "-- its nftables tables (nft list ruleset in its namespace), which keep"
echo "   the kernel from answering in its place; the kernel deletes them when"
echo "   riposte exits:"
lab_r nft list ruleset | sed 's/^/   /'

client "ping -c 3 $V4" ping -n -c 3 -i 0.3 -W 2 "$V4"
expect $? = 0 "ping $V4 got no answer"
client "ping -6 -c 3 $V6" ping -6 -n -c 3 -i 0.3 -W 2 "$V6"
expect $? = 0 "ping -6 $V6 got no answer"
heading "client: ip neigh (who the client thinks $V4 and $V6 are)"
lab_c ip neigh show dev "$LAB_CIF" | sed 's/^/   /'

client "nmap -sS -p 22,80,443,8080 $V4 (22, 80 open; 443 closed; 8080 filtered)" \
	nmap -n -sS -p 22,80,443,8080 --max-retries 1 --host-timeout 30s "$V4"
client "nmap -sU -p 53,54 $V4 (53 answers; 54 closed)" \
	nmap -n -sU -p 53,54 --max-retries 1 --host-timeout 30s "$V4"
client "nmap -6 -sS -p 22,80,443,8080 $V6" \
	nmap -6 -n -sS -p 22,80,443,8080 --max-retries 1 --host-timeout 30s "$V6"

client "curl -v http://$V4/ (a whole TCP conversation: handshake, request, page, close)" \
	curl -sS -v -m 20 "http://$V4/"
expect $? = 0 "curl http://$V4/ failed"
client "curl -g http://[$V6]/ (the same over IPv6)" \
	curl -sS -m 20 -g "http://[$V6]/"
page=$(cat "$LAB_DIR/client.out")
expect "$page" = "<html><body><h1>Hello from riposte</h1></body></html>" \
	"curl over IPv6 got '$page'"
client "nc $V4 22 (the SSH banner, sent once the handshake completes)" \
	nc -w 2 "$V4" 22
expect $? = 0 "nc $V4 22 failed"
client "nc -z -v $V4 443 (closed: riposte answers RST,ACK)" \
	nc -z -v -w 3 "$V4" 443
expect $? != 0 "connect to $V4 port 443 succeeded"

heading "riposte: SIGTERM"
lab_riposte_stop TERM
riposte_saw "riposte's counters, printed as it exits:"
expect "$RIPOSTE_RC" = 0 "riposte exited with $RIPOSTE_RC"
lab_down
heading "the lab is gone"
ip netns list | grep -q "^rpl-demo-$$-" &&
	{ echo "!! demo: a namespace is left"; bad=1; }
if [ "$bad" = 0 ]; then
	echo "demo: every client saw what rules/web-server.rules says."
else
	echo "demo: some clients did not see what the rules say (!! above)."
fi
exit "$bad"
