#!/bin/bash
# test_crash.sh - no stale firewall state when riposte dies without its
# clean-up code running.  riposte's nftables tables are NFT_TABLE_F_OWNER:
# the kernel deletes them when the netlink socket that made them closes,
# which it does in the exit of a process whatever killed it.  Four deaths,
# none of which lets riposte run a line of its own:
#   1. SIGSEGV (a wild pointer), sent with kill(1): default action, so
#      the same death as a real fault (an ASan build catches it, reports
#      and ends with exit_group(1): that death, then, status 1);
#   2. SIGABRT: what abort() is - glibc's own aborts (malloc corruption,
#      assert) and an ASan or UBSan report under ASAN_OPTIONS=
#      abort_on_error=1.  (Without it, a sanitizer ends the process with
#      the exit_group system call, status 1, no atexit handler: to the
#      kernel an ordinary exit, a socket closed the same way.);
#   3. SIGKILL while the capture is busy: a flood of 100,000 SYNs a
#      second (tests/bench/syngen.c) is running, riposte's counters say
#      it is taking frames, and SIGKILL comes in the middle;
#   4. the kernel's OOM killer: riposte runs in a memory cgroup of its own
#      made at the top of the hierarchy (cgroup v2 when its memory
#      controller is enabled there, else v1: this lab machine mounts
#      memory as v1 beside an empty v2), limited
#      to what riposte uses at start-up plus 16 MiB, no swap; 600
#      connections from the client's kernel TCP each send 65,000 bytes
#      to a service whose trigger never fires, so riposte keeps every
#      byte (up to 64 KiB a connection - a full 64 KiB that fires nothing
#      is thrown away - and 64 MiB in all: more than the limit) until
#      the kernel kills it; the cgroup's OOM kill counter
#      (memory.events, or memory.oom_control in v1) says it did.
# After each death, `nft list tables` in riposte's namespace shows no
# riposte table within 1 s of the death (polled every 50 ms, 20 times;
# the death itself is seen by polling riposte's PID every 50 ms), and a
# new riposte starts, installs its tables again and answers (nothing
# stale blocks it).  Prints how long each death and each table took.
# Core dumps are off (ulimit -c 0): none is left in the tree, and none
# delays a death.  The cgroup is joined before `ip netns exec`, which
# mounts a fresh /sys (no /sys/fs/cgroup) for the namespace.
#
#   bash tests/live/test_crash.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up crash
ulimit -c 0
RULES=$here/../../rules
SAN=0
if ldd "$RIPOSTE" | grep -q libasan; then
	SAN=1
	lab_log "   $RIPOSTE is an ASan build"
fi
V4=198.51.100.10
HMAC=02:00:00:00:00:10

CG=
CG_V=
cg_down()
{
	[ -n "$CG" ] && [ -d "$CG" ] && lab_wait 40 0.05 rmdir "$CG" 2>/dev/null
	[ -n "$CG" ] && [ -d "$CG" ] && echo "test_crash: cannot remove $CG" >&2
	CG=
}
trap 'lab_down; cg_down' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
no_table() { ! lab_r nft list tables | grep -q riposte; }
has_tables()
{
	local t
	t=$(lab_r nft list tables)
	echo "$t" | grep -qx 'table netdev riposte' &&
		echo "$t" | grep -qx 'table inet riposte'
}

# crash_watch PID T0 POLLS WHAT: poll every 50 ms until PID is dead (at
# most POLLS times), then until its tables are gone (at most 20 times:
# 1 s).  Sets DEAD_MS and GONE_MS (ms after T0); fails the test otherwise.
crash_watch()
{
	local pid=$1 t0=$2 polls=$3 what=$4 i=0 dead
	while lab_alive "$pid"; do
		i=$((i + 1))
		[ "$i" -ge "$polls" ] &&
			lab_fail "$what: riposte still alive after $polls polls"
		sleep 0.05
	done
	dead=$(now_ms)
	DEAD_MS=$((dead - t0))
	lab_wait 20 0.05 no_table ||
		lab_fail "$what: riposte tables still there 1 s after its death:" \
			"$(lab_r nft list tables)"
	GONE_MS=$(($(now_ms) - t0))
	lab_ok "$what: riposte dead ${DEAD_MS} ms after T0, its tables gone" \
		"$((GONE_MS - DEAD_MS)) ms after its death (${GONE_MS} ms after T0)"
}

# The victim: web-server.rules, tables in place, answering.
victim()
{
	lab_riposte "$@" "$RULES/web-server.rules" ||
		lab_fail "$WHAT: riposte did not start"
	has_tables || lab_fail "$WHAT: no riposte tables: $(lab_r nft list tables)"
	lab_c ping -n -c 1 -W 2 "$V4" >/dev/null ||
		lab_fail "$WHAT: $V4 does not answer ping"
}

# reap_victim SIG: reap the dead riposte; its status must say SIG killed
# it.  An ASan build catches SIGSEGV itself, reports and ends with
# exit_group(1): status 1 and a report then.
reap_victim()
{
	local want
	want=$((128 + $(kill -l "$1")))
	[ "$1" = SEGV ] && [ "$SAN" = 1 ] && want=1
	lab_riposte_stop KILL
	[ "$RIPOSTE_RC" = "$want" ] ||
		lab_fail "$WHAT: riposte exit $RIPOSTE_RC, want $want (SIG$1)"
	if [ "$want" = 1 ]; then
		grep -q 'AddressSanitizer: SEGV' "$RIPOSTE_ERR" ||
			lab_fail "$WHAT: exit 1 without ASan's SEGV report"
		lab_log "   (an ASan build: ASan caught SIGSEGV, reported, exit 1)"
	fi
}

# After a death: a new riposte starts, has its tables, answers ping and
# TCP, and stops cleanly.
restart_check()
{
	lab_c ip neigh flush dev "$LAB_CIF"
	lab_riposte "$RULES/web-server.rules" ||
		lab_fail "after $WHAT: a new riposte did not start"
	has_tables ||
		lab_fail "after $WHAT: the new riposte has no tables:" \
			"$(lab_r nft list tables)"
	lab_wait 3 0.5 lab_c ping -n -c 1 -W 2 "$V4" >/dev/null ||
		lab_fail "after $WHAT: the new riposte does not answer ping"
	p=$(lab_tcp_probe "$V4" 22)
	[ "$p" = open ] || lab_fail "after $WHAT: port 22 is '$p', want open"
	lab_riposte_stop TERM
	[ "$RIPOSTE_RC" = 0 ] ||
		lab_fail "after $WHAT: the new riposte exit $RIPOSTE_RC" \
			"after SIGTERM"
	lab_ok "after $WHAT: a new riposte installed its tables, answered" \
		"ping and TCP, exit 0"
}

summary=""
note()
{
	summary="$summary$(printf '   %-44s dead %5s ms, tables gone %4s ms' \
		"$1" "$DEAD_MS" "$((GONE_MS - DEAD_MS))") after death
"
}

# --- 1, 2. SIGSEGV and SIGABRT ---------------------------------------------
for sig in SEGV ABRT; do
	WHAT="SIG$sig"
	victim
	t0=$(now_ms)
	kill "-$sig" "$RIPOSTE_PID"
	crash_watch "$RIPOSTE_PID" "$t0" 200 "$WHAT (T0: the signal)"
	reap_victim "$sig"
	note "$WHAT:"
	restart_check
done

# --- 3. SIGKILL during a flood ---------------------------------------------
WHAT="SIGKILL during a flood"
cc -std=c11 -O2 -Wall -pthread -o "$LAB_DIR/syngen" "$here/../bench/syngen.c" ||
	lab_fail "cannot build syngen"
victim
frames()
{
	local before
	before=$(grep -c '^riposte: frames ' "$RIPOSTE_ERR")
	kill -USR1 "$RIPOSTE_PID"
	lab_wait 100 0.05 eval \
		'[ "$(grep -c "^riposte: frames " "$RIPOSTE_ERR")" -gt '"$before"' ]' ||
		lab_fail "$WHAT: no counters after SIGUSR1"
	lab_counter frames
}
f0=$(frames)
lab_c "$LAB_DIR/syngen" -i "$LAB_CIF" -s "$LAB_CMAC" -d "$HMAC" \
	-S 192.0.2.0 -n 256 -D "$V4" -p 80 -r 100000 -t 8 -c 800000 -w 100 \
	>"$LAB_DIR/flood.txt" 2>&1 &
fpid=$!
LAB_PIDS="$LAB_PIDS $fpid"
# Busy: at least 20,000 frames of the flood taken (at most 100 tries,
# 50 ms apart; the flood lasts 8 s).
busy() { [ "$(frames)" -ge $((f0 + 20000)) ]; }
lab_wait 100 0.05 busy ||
	lab_fail "$WHAT: the flood never reached riposte:" \
		"$(lab_counter frames) frames"
f1=$(lab_counter frames)
lab_alive "$fpid" || lab_fail "$WHAT: the flood ended before SIGKILL"
t0=$(now_ms)
kill -KILL "$RIPOSTE_PID"
crash_watch "$RIPOSTE_PID" "$t0" 200 "$WHAT (T0: the signal)"
lab_alive "$fpid" || lab_fail "$WHAT: the flood ended before riposte's death"
reap_victim KILL
note "SIGKILL, flood running:"
wait "$fpid"
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$fpid" | tr '\n' ' ')
lab_log "   riposte had taken $f1 frames when SIGKILL came; the flood:" \
	"$(cut -d' ' -f1-4 "$LAB_DIR/flood.txt")"
restart_check

# --- 4. the OOM killer -----------------------------------------------------
WHAT="OOM kill"
# The memory controller: cgroup v2 where it is enabled for the root's
# children, else v1.  A test never passes on nothing: no controller fails.
while read -r _ mnt type opts _; do
	case $type in
	cgroup2)
		grep -qw memory "$mnt/cgroup.subtree_control" 2>/dev/null &&
			{ CG_V=2 CG_ROOT=$mnt; break; } ;;
	cgroup)
		case ,$opts, in
		*,memory,*) [ -z "$CG_V" ] && CG_V=1 CG_ROOT=$mnt ;;
		esac ;;
	esac
done </proc/self/mounts
[ -n "$CG_V" ] || lab_fail "$WHAT: no cgroup memory controller mounted"
CG=$CG_ROOT/riposte-crash-$$
mkdir "$CG" || lab_fail "$WHAT: cannot make cgroup $CG"
if [ "$CG_V" = 2 ]; then
	cg_usage() { cat "$CG/memory.current"; }
	cg_peak() { cat "$CG/memory.peak" 2>/dev/null || echo "?"; }
	cg_ooms() { sed -n 's/^oom_kill //p' "$CG/memory.events"; }
	cg_limit()
	{
		[ ! -e "$CG/memory.swap.max" ] ||
			echo 0 >"$CG/memory.swap.max" || return 1
		echo "$1" >"$CG/memory.max"
	}
else
	cg_usage() { cat "$CG/memory.usage_in_bytes"; }
	cg_peak() { cat "$CG/memory.max_usage_in_bytes"; }
	cg_ooms() { sed -n 's/^oom_kill //p' "$CG/memory.oom_control"; }
	# memsw (memory + swap) no more than memory: no swap.  It may be
	# missing (no swap accounting): there is no swap on the lab then.
	cg_limit()
	{
		echo "$1" >"$CG/memory.limit_in_bytes" || return 1
		[ ! -e "$CG/memory.memsw.limit_in_bytes" ] ||
			echo "$1" >"$CG/memory.memsw.limit_in_bytes"
	}
fi
lab_log "   cgroup v$CG_V: $CG"
cat >"$LAB_DIR/oom.rules" <<EOF
host $V4 {
	mac $HMAC
	personality linux
	tcp 80 open { on "NEVER" { close } }
}
EOF
# lab_riposte, but joined to the cgroup first (the PID stays riposte's:
# sh, ip netns exec and riposte each exec the next).
LAB_NRUN=$((LAB_NRUN + 1))
RIPOSTE_ERR="$LAB_DIR/riposte.$LAB_NRUN.err"
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
	ip netns exec "$LAB_R" "$RIPOSTE" run -i "$LAB_RIF" "$LAB_DIR/oom.rules" \
	</dev/null >/dev/null 2>"$RIPOSTE_ERR" &
RIPOSTE_PID=$!
LAB_PIDS="$LAB_PIDS $RIPOSTE_PID"
lab_wait 200 0.05 lab_riposte_ready
grep -qs 'answering on' "$RIPOSTE_ERR" && lab_alive "$RIPOSTE_PID" ||
	lab_fail "$WHAT: riposte did not start in the cgroup"
grep -q "riposte-crash-$$" "/proc/$RIPOSTE_PID/cgroup" ||
	lab_fail "$WHAT: riposte is not in the cgroup:" \
		"$(cat "/proc/$RIPOSTE_PID/cgroup")"
has_tables || lab_fail "$WHAT: no riposte tables: $(lab_r nft list tables)"
lab_c ping -n -c 1 -W 2 "$V4" >/dev/null || lab_fail "$WHAT: no answer to ping"
use0=$(cg_usage)
limit=$((use0 + 16 * 1024 * 1024))
cg_limit "$limit" || lab_fail "$WHAT: cannot set the cgroup's limit"
ooms0=$(cg_ooms)
# 600 connections x 65,000 bytes (a buffer of 64 KiB each): 37.5 MiB kept,
# more than the 16 MiB left and less than riposte's own 64 MiB budget
# (which would not save it).  Each connection is bounded (5 s), the whole
# client too (60 s).
t0=$(now_ms)
lab_c timeout -k 2 60 /usr/bin/python3 - "$V4" 600 >"$LAB_DIR/oom.txt" 2>&1 <<'PY' &
import socket, sys
addr, n = sys.argv[1], int(sys.argv[2])
keep, sent = [], 0
try:
    for i in range(n):
        s = socket.create_connection((addr, 80), timeout=5)
        s.sendall(b"x" * 65000)
        keep.append(s)
        sent += 1
        if sent % 50 == 0:
            print("%d connections of 65,000 bytes sent" % sent, flush=True)
except OSError as e:
    print("stopped after %d connections: %s" % (sent, e), flush=True)
    sys.exit(0)
print("%d connections of 65,000 bytes sent, all" % sent)
PY
cpid=$!
LAB_PIDS="$LAB_PIDS $cpid"
# The death: at most 600 polls, 50 ms apart (the client's own bound is
# 60 s); crash_watch then sees it dead at once, and times the tables.
lab_wait 600 0.05 eval '! lab_alive '"$RIPOSTE_PID" ||
	lab_fail "$WHAT: riposte still alive at $(cg_usage) bytes, limit $limit;" \
		"client: $(tail -n 1 "$LAB_DIR/oom.txt")"
crash_watch "$RIPOSTE_PID" "$t0" 1 "$WHAT (T0: the client's start)"
ooms=$(cg_ooms)
[ "${ooms:-0}" -gt "${ooms0:-0}" ] ||
	lab_fail "$WHAT: the cgroup counts no OOM kill (oom_kill ${ooms:-?})"
reap_victim KILL
note "OOM kill (dead: after the client's start):"
lab_reap "$cpid" TERM
lab_log "   cgroup: ${use0} bytes at start-up, limit ${limit}," \
	"peak $(cg_peak), oom_kill $ooms; client: $(tail -n 1 "$LAB_DIR/oom.txt")"
lab_ok "$WHAT: the kernel killed riposte in its cgroup (oom_kill $ooms)"
cg_down
restart_check

echo "test_crash: figures"
printf '%s' "$summary"
echo "test_crash: all checks passed"
