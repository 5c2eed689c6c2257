# lab.sh - a throwaway network lab for riposte's live tests (bash, sourced).
#
#   . tests/live/lab.sh
#   lab_up NAME              two namespaces joined by a veth pair:
#
#       $LAB_R (riposte's)                      $LAB_C (the clients')
#       r0 02:00:00:00:0a:01  <---- veth ---->  c0 02:00:00:00:0b:01
#       198.51.100.1/24  2001:db8::1/64         198.51.100.2/24  2001:db8::2/64
#
#   lab_r CMD...             run CMD in riposte's namespace
#   lab_c CMD...             run CMD in the clients' namespace
#   lab_riposte ARGS...      start `riposte run -i r0 ARGS...` in $LAB_R in
#                            the background; 0 once it printed "answering
#                            on", 1 if it exited instead (RIPOSTE_RC).
#                            Sets RIPOSTE_PID, RIPOSTE_ERR (its stderr).
#   lab_riposte_stop [SIG]   send SIG (TERM) and reap it; RIPOSTE_RC is its
#                            exit status (128+n when killed by signal n)
#   lab_riposte_oneshot ARGS...  `riposte run ARGS...` in $LAB_R, expected
#                            to exit by itself (killed after 10 s)
#   lab_counter NAME         a counter (frames, replies, sent...) from the
#                            last counter line riposte printed
#   lab_flows_line           SIGUSR1, then the flows line of the counters
#   lab_tcpdump FILE ARGS... tcpdump --immediate-mode -l -n ARGS... on c0 in
#                            $LAB_C, its text to FILE; returns once it is
#                            listening.  lab_tcpdump_stop ends it.
#   lab_tcp_probe ADDR PORT  the kernel's connect() from $LAB_C, its outcome
#                            as one word: open, refused, reset, timeout
#   lab_wait TRIES SECS CMD...  run CMD until it succeeds, at most TRIES
#                            times, SECS seconds apart; the status of the
#                            last try.
#   lab_grep_wait FILE ERE   lab_wait until a line of FILE matches ERE
#   lab_down                 kill what the lab started (only those PIDs),
#                            delete the namespaces and $LAB_DIR (the trap
#                            runs it)
#   lab_ok MSG / lab_fail MSG  report a check; lab_fail also shows the tail
#                            of riposte's stderr and exits 1.
#
# Every name holds the test's NAME and the shell's PID, so tests can run
# side by side.  Only the documentation ranges 198.51.100.0/24,
# 2001:db8::/64 (and 203.0.113.0/24, 192.0.2.0/24 for virtual hosts) and
# locally administered MACs are used; nothing is sent from the root
# namespace.  The trap (EXIT, INT, TERM) always tears the lab down.  Every
# wait is bounded by a count; no test passes or fails on a wall-clock time.
#
# The caller sets RIPOSTE (the binary, an absolute path; run.sh passes it as
# $1).

# ip, nft, hping3 live in sbin, which `su` without '-' leaves out of PATH.
PATH=$PATH:/usr/sbin:/sbin

LAB_RIF=r0
LAB_CIF=c0
LAB_RMAC=02:00:00:00:0a:01
LAB_CMAC=02:00:00:00:0b:01
LAB_R4=198.51.100.1
LAB_C4=198.51.100.2
LAB_R6=2001:db8::1
LAB_C6=2001:db8::2

LAB_R=
LAB_C=
LAB_DIR=
LAB_PIDS=
LAB_NRUN=0
RIPOSTE_PID=
RIPOSTE_ERR=
RIPOSTE_RC=
TCPDUMP_PID=

lab_log() { printf '%s\n' "$*"; }
lab_ok() { printf 'ok: %s\n' "$*"; }

lab_fail()
{
	printf 'FAIL: %s\n' "$*"
	if [ -n "$RIPOSTE_ERR" ] && [ -s "$RIPOSTE_ERR" ]; then
		echo "--- riposte's stderr (last 30 lines): $RIPOSTE_ERR"
		tail -n 30 "$RIPOSTE_ERR"
		echo "---"
	fi
	exit 1
}

lab_r() { ip netns exec "$LAB_R" "$@"; }
lab_c() { ip netns exec "$LAB_C" "$@"; }

lab_wait()
{
	local tries=$1 secs=$2 i=0
	shift 2
	while :; do
		"$@" && return 0
		i=$((i + 1))
		[ "$i" -ge "$tries" ] && return 1
		sleep "$secs"
	done
}

# lab_alive PID: PID is still running, not a zombie (kill -0 succeeds on
# one), and still this shell's child: bash reaps its children on its own,
# and a PID it reaped could be reused by some other process, which must
# never get our signals.
lab_alive()
{
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1,2)
	case $st in
	"" | Z\ * | X\ *) return 1 ;;
	esac
	[ "${st#* }" = "$BASHPID" ]
}

# lab_reap PID SIG: signal our own child PID, wait at most 5 s for it to
# end (SIGKILL after that), reap it; sets LAB_RC.
lab_reap()
{
	local pid=$1 sig=${2:-TERM}
	lab_alive "$pid" && kill "-$sig" "$pid" 2>/dev/null
	if ! lab_wait 100 0.05 eval '! lab_alive '"$pid"; then
		lab_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		lab_wait 40 0.05 eval '! lab_alive '"$pid"
	fi
	wait "$pid"
	LAB_RC=$?
	LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$pid" | tr '\n' ' ')
} 2>/dev/null # not bash's "Killed" notice for the job

lab_up()
{
	local name=$1
	if [ "$(id -u)" != 0 ]; then
		echo "lab: needs root (network namespaces)" >&2
		exit 1
	fi
	if [ -z "${RIPOSTE:-}" ] || [ ! -x "$RIPOSTE" ]; then
		echo "lab: RIPOSTE (the binary) is not set or not executable" >&2
		exit 1
	fi
	LAB_R="rpl-$name-$$-r"
	LAB_C="rpl-$name-$$-c"
	trap lab_down EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	LAB_DIR=$(mktemp -d "/tmp/riposte-lab-$name-$$.XXXXXX") || exit 1
	ip netns add "$LAB_R" || lab_fail "ip netns add $LAB_R"
	ip netns add "$LAB_C" || lab_fail "ip netns add $LAB_C"
	local ns
	for ns in "$LAB_R" "$LAB_C"; do
		# No duplicate address detection and no router solicitations:
		# addresses usable at once, and a quiet link.
		ip netns exec "$ns" sh -c '
			for k in all default; do
				echo 0 > /proc/sys/net/ipv6/conf/$k/accept_dad
				echo 0 > /proc/sys/net/ipv6/conf/$k/router_solicitations
			done' 2>/dev/null
		ip -n "$ns" link set lo up
	done
	ip link add "$LAB_RIF" netns "$LAB_R" type veth \
		peer name "$LAB_CIF" netns "$LAB_C" ||
		lab_fail "ip link add veth"
	ip -n "$LAB_R" link set "$LAB_RIF" address "$LAB_RMAC" up &&
	ip -n "$LAB_C" link set "$LAB_CIF" address "$LAB_CMAC" up &&
	ip -n "$LAB_R" addr add "$LAB_R4/24" dev "$LAB_RIF" &&
	ip -n "$LAB_C" addr add "$LAB_C4/24" dev "$LAB_CIF" &&
	ip -n "$LAB_R" addr add "$LAB_R6/64" dev "$LAB_RIF" nodad &&
	ip -n "$LAB_C" addr add "$LAB_C6/64" dev "$LAB_CIF" nodad ||
		lab_fail "lab addresses"
	lab_wait 100 0.05 lab_link_up || lab_fail "veth never came up"
}

lab_link_up()
{
	ip -n "$LAB_R" link show "$LAB_RIF" | grep -q 'state UP' &&
	ip -n "$LAB_C" link show "$LAB_CIF" | grep -q 'state UP'
}

lab_down()
{
	local pid
	trap - EXIT INT TERM
	for pid in $LAB_PIDS; do
		lab_reap "$pid" TERM
	done
	[ -n "$LAB_R" ] && ip netns del "$LAB_R" 2>/dev/null
	[ -n "$LAB_C" ] && ip netns del "$LAB_C" 2>/dev/null
	[ -n "$LAB_DIR" ] && rm -rf "$LAB_DIR"
	LAB_R= LAB_C= LAB_DIR=
}

lab_riposte()
{
	LAB_NRUN=$((LAB_NRUN + 1))
	RIPOSTE_ERR="$LAB_DIR/riposte.$LAB_NRUN.err"
	RIPOSTE_RC=
	ip netns exec "$LAB_R" "$RIPOSTE" run -i "$LAB_RIF" "$@" \
		</dev/null >"$LAB_DIR/riposte.$LAB_NRUN.out" 2>"$RIPOSTE_ERR" &
	RIPOSTE_PID=$!
	LAB_PIDS="$LAB_PIDS $RIPOSTE_PID"
	# `ip netns exec` execs, so the PID is riposte's own.
	lab_wait 200 0.05 lab_riposte_ready
	if grep -qs 'answering on' "$RIPOSTE_ERR" && lab_alive "$RIPOSTE_PID"
	then
		return 0
	fi
	lab_reap "$RIPOSTE_PID" TERM
	RIPOSTE_RC=$LAB_RC
	RIPOSTE_PID=
	return 1
}

lab_riposte_ready()
{
	grep -qs 'answering on' "$RIPOSTE_ERR" && return 0
	# Exited: stop waiting.
	lab_alive "$RIPOSTE_PID" || return 0
	return 1
}

lab_riposte_stop()
{
	[ -n "$RIPOSTE_PID" ] || return 0
	lab_reap "$RIPOSTE_PID" "${1:-TERM}"
	RIPOSTE_RC=$LAB_RC
	RIPOSTE_PID=
}

# Runs a riposte that is expected to exit by itself (bounded: killed after
# 10 s); its status in RIPOSTE_RC, its stderr in RIPOSTE_ERR.
lab_riposte_oneshot()
{
	LAB_NRUN=$((LAB_NRUN + 1))
	RIPOSTE_ERR="$LAB_DIR/riposte.$LAB_NRUN.err"
	ip netns exec "$LAB_R" timeout -k 2 10 "$RIPOSTE" run "$@" \
		</dev/null >/dev/null 2>"$RIPOSTE_ERR"
	RIPOSTE_RC=$?
}

lab_tcpdump()
{
	local out=$1
	shift
	ip netns exec "$LAB_C" tcpdump --immediate-mode -l -n -i "$LAB_CIF" "$@" \
		</dev/null >"$out" 2>"$out.err" &
	TCPDUMP_PID=$!
	LAB_PIDS="$LAB_PIDS $TCPDUMP_PID"
	lab_wait 200 0.05 lab_tcpdump_ready "$out.err" ||
		lab_fail "tcpdump did not start: $(cat "$out.err")"
	lab_alive "$TCPDUMP_PID" || lab_fail "tcpdump: $(cat "$out.err")"
}

lab_tcpdump_ready()
{
	grep -qs 'listening on' "$1" || ! lab_alive "$TCPDUMP_PID"
}

lab_tcpdump_stop()
{
	[ -n "$TCPDUMP_PID" ] || return 0
	lab_reap "$TCPDUMP_PID" INT
	TCPDUMP_PID=
}

# lab_tcp_probe ADDR PORT: the kernel's own TCP connect() from the clients'
# namespace (a Python socket), and what came of it, as one word:
#   open     connected, and no RST came within the next second
#   reset    connected, then reset
#   refused  the SYN got a RST
#   timeout  no answer to the SYN within 3 s (filtered)
#   error:…  anything else
lab_tcp_probe()
{
	lab_c /usr/bin/python3 - "$1" "$2" <<'PY'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect((addr, port))
except ConnectionRefusedError:
    print("refused"); sys.exit(0)
except ConnectionResetError:
    print("reset"); sys.exit(0)
except socket.timeout:
    print("timeout"); sys.exit(0)
except OSError as e:
    print("error:%s" % e); sys.exit(0)
s.settimeout(1)
try:
    d = s.recv(100)
    print("open" if d else "closed-by-peer")
except socket.timeout:
    print("open")
except ConnectionResetError:
    print("reset")
except OSError as e:
    print("error:%s" % e)
PY
}

# lab_grep_wait FILE ERE: wait (at most 100 x 50 ms) until a line of FILE
# matches ERE; prints the first matching line.
lab_grep_wait()
{
	lab_wait 100 0.05 grep -qsE "$2" "$1" && grep -m1 -E "$2" "$1"
}

# lab_flows_line: asks riposte for its counters (SIGUSR1) and prints the
# flows line of them, without "riposte: " (waits at most 200 x 50 ms).
lab_flows_line()
{
	local before
	before=$(grep -c '^riposte: flows ' "$RIPOSTE_ERR")
	kill -USR1 "$RIPOSTE_PID"
	lab_wait 200 0.05 eval \
		'[ "$(grep -c "^riposte: flows " "$RIPOSTE_ERR")" -gt '"$before"' ]' ||
		lab_fail "no counters 10 s after SIGUSR1"
	grep '^riposte: flows ' "$RIPOSTE_ERR" | tail -n 1 | sed 's/^riposte: //'
}

# lab_counter NAME: the value of counter NAME (frames, replies, sent, ...)
# in the last counter line riposte printed (SIGTERM, SIGINT, SIGUSR1).
lab_counter()
{
	grep '^riposte: frames ' "$RIPOSTE_ERR" | tail -n 1 |
		sed 's/^riposte: //' | tr ',' '\n' |
		awk -v k="$1" '{ v = $NF; $NF = ""; sub(/ +$/, "");
			sub(/^ +/, ""); if ($0 == k) print v }'
}
