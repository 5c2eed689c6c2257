#!/bin/bash
# test_synflood.sh - a SYN flood at full table size costs riposte a bounded
# table and bounded memory, and real clients still get through.  riposte
# runs with --flows-max 65536 (the default, said aloud) and takes
# 1,000,000 spoofed SYNs at 100,000 a second (tests/bench/syngen.c, built
# here) from 256 addresses of 192.0.2.0/24, every one from a new source
# port (each SYN a new 4-tuple: up to 3,907 per address).  The rate
# limits stay at their defaults and never act: each source sends 1/256 of
# the flood, about 391 SYNs a second, under the 10,000 a second allowed
# per source (set source_limit), and the flood is a tenth of the global
# 1,000,000 (set global_limit); so every SYN riposte takes is answered,
# from the table until it is full, with a SYN cookie after.  Proven:
#   - the table never holds more than 65536 flows: SIGUSR1's "flows N
#     (M open, ...)" sampled about every second DURING the flood, and
#     once after, never says more than 65536 open, and says 65536 at
#     least once (the limit was reached, so the bound was what held);
#   - SYN cookies answer the SYNs the full table cannot hold;
#   - memory is bounded: riposte's heap (RssAnon of /proc/PID/status)
#     grows less than 64 MiB.  That is the figure asserted on: the
#     capture ring (--buffer-size, 32 MiB) is a mapping of the socket,
#     counted in VmRSS (as RssFile) from start-up, not heap; VmRSS is
#     printed too;
#   - a legitimate connection made once the table is full (the kernel's
#     TCP in the client's namespace, a Python socket sending GET and
#     reading the whole response) completes: the table is full, so it
#     goes through a SYN cookie; a real client's patience: up to 3
#     attempts of 10 s each (its SYN may be one the flood crowds out);
#   - riposte is alive after it all and stops with exit 0.
# Printed: SYNs sent and answered (syngen's count of distinct SYNs with a
# SYN-ACK), SYN cookies sent and taken, flows open at each sample, capture
# drops, RSS before and after.
#
#   bash tests/live/test_synflood.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up synflood

V4=198.51.100.10
HMAC=02:00:00:00:00:10
FLOWS_MAX=65536
COUNT=1000000
RATE=100000
printf 'HTTP/1.1 200 OK\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n' \
	>"$LAB_DIR/resp.http"
head -c 3000 /dev/zero | tr '\0' 'x' >>"$LAB_DIR/resp.http"
cat >"$LAB_DIR/flood.rules" <<EOF
host $V4 {
	mac $HMAC
	personality linux
	tcp 80 open { on "GET " { send file "resp.http"; close } }
}
EOF
cc -std=c11 -O2 -Wall -pthread -o "$LAB_DIR/syngen" "$here/../bench/syngen.c" ||
	lab_fail "cannot build syngen"

open_of() { echo "$1" | sed -n 's/.*(\([0-9]*\) open.*/\1/p'; }
rss() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$RIPOSTE_PID/status"; }
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

lab_riposte --flows-max "$FLOWS_MAX" "$LAB_DIR/flood.rules" ||
	lab_fail "riposte --flows-max $FLOWS_MAX did not start"
# ARP settled, so that the legitimate client needs nothing but TCP later.
lab_c ping -n -c 1 -W 2 "$V4" >/dev/null || lab_fail "no answer to ping"
rss0=$(rss VmRSS)
anon0=$(rss RssAnon)

# The flood: at most 40 s to send (it takes 10 at the rate asked).  The
# sources are not the client's: its kernel ignores the SYN-ACKs.
lab_c "$LAB_DIR/syngen" -i "$LAB_CIF" -s "$LAB_CMAC" -d "$HMAC" \
	-S 192.0.2.0 -n 256 -D "$V4" -p 80 -r "$RATE" -t 40 -c "$COUNT" -w 500 \
	>"$LAB_DIR/flood.txt" 2>&1 &
fpid=$!
LAB_PIDS="$LAB_PIDS $fpid"

# A real client: the kernel's TCP, GET, the whole response; 3 attempts.
legit()
{
	lab_c timeout -k 2 40 /usr/bin/python3 - "$V4" <<'PY' 2>&1
import socket, sys, time
for attempt in range(1, 4):
    t0 = time.monotonic()
    try:
        s = socket.create_connection((sys.argv[1], 80), timeout=10)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        got = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
    except OSError as e:
        print("attempt %d: %s" % (attempt, e), flush=True)
        continue
    if got.endswith(b"x" * 3000):
        print("attempt %d: response of %d bytes in %.2f s" %
              (attempt, len(got), time.monotonic() - t0))
        sys.exit(0)
    print("attempt %d: %d bytes, not the response" % (attempt, len(got)))
sys.exit(1)
PY
}

# Samples about every second while the flood runs (at most 60).
samples=""
n=0
max_open=0
lpid=
legit_in_flood=no
while lab_alive "$fpid" && [ "$n" -lt 60 ]; do
	sleep 1
	lab_alive "$fpid" || break
	line=$(lab_flows_line)
	open=$(open_of "$line")
	[ -n "$open" ] || lab_fail "no open count in '$line'"
	n=$((n + 1))
	samples="$samples $open"
	[ "$open" -gt "$max_open" ] && max_open=$open
	[ "$open" -le "$FLOWS_MAX" ] ||
		lab_fail "sample $n during the flood: $open flows open," \
			"over $FLOWS_MAX: $line"
	# Once the table is full: the legitimate connection, in the
	# background (the samples go on).
	if [ -z "$lpid" ] && [ "$open" -ge "$FLOWS_MAX" ]; then
		legit >"$LAB_DIR/legit.txt" &
		lpid=$!
		LAB_PIDS="$LAB_PIDS $lpid"
	fi
	if [ -n "$lpid" ] && [ "$legit_in_flood" = no ] && ! lab_alive "$lpid"
	then
		legit_in_flood=yes
	fi
done
lab_alive "$fpid" && lab_fail "the flood still runs after $n samples"
wait "$fpid"
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$fpid" | tr '\n' ' ')
out=$(cat "$LAB_DIR/flood.txt")
lab_log "   syngen: $out"
[ "$n" -ge 3 ] || lab_fail "only $n samples during the flood (want 3 or more)"
[ -n "$lpid" ] ||
	lab_fail "the table never filled: flows open at each sample:$samples"

# The legitimate client, bounded by its own timeout.
if wait "$lpid"; then lok=0; else lok=1; fi
LAB_PIDS=$(printf '%s\n' $LAB_PIDS | grep -vx "$lpid" | tr '\n' ' ')
[ "$lok" = 0 ] || lab_fail "the legitimate connection: $(cat "$LAB_DIR/legit.txt")"
got=$(tail -n 1 "$LAB_DIR/legit.txt" | sed 's/^attempt [0-9]*: //')
lab_ok "a legitimate connection made during the flood, the table full," \
	"completes: $got" \
	"(attempts: $(grep -c '^attempt' "$LAB_DIR/legit.txt"); ended before the" \
	"flood did: $legit_in_flood)"

# After: riposte's view, one last sample, memory.
sleep 0.5
line=$(lab_flows_line)
open=$(open_of "$line")
[ "${open:-999999}" -le "$FLOWS_MAX" ] ||
	lab_fail "after the flood: $open flows open, over $FLOWS_MAX"
samples="$samples / after: $open"
[ "$max_open" -eq "$FLOWS_MAX" ] ||
	lab_fail "the table never reached $FLOWS_MAX flows (at most $max_open)"
cookies=$(echo "$line" | sed -n 's/.*SYN cookies \([0-9]*\) sent.*/\1/p')
taken=$(echo "$line" | sed -n 's/.* \([0-9]*\) taken.*/\1/p')
sent=$(field sent "$out")
answered=$(field answered "$out")
drops=$(lab_counter 'capture drops')
frames=$(lab_counter frames)
[ "${sent:-0}" -eq "$COUNT" ] || lab_fail "syngen sent ${sent:-0} SYNs, not $COUNT"
[ "${cookies:-0}" -ge 1 ] && [ "${answered:-0}" -ge "$FLOWS_MAX" ] ||
	lab_fail "SYNs answered ${answered:-0}, SYN cookies ${cookies:-0}:" \
		"no cookie answered beyond the full table"
[ "${taken:-0}" -ge 1 ] || lab_fail "no SYN cookie taken: the legitimate" \
	"connection should have come through one"
rss1=$(rss VmRSS)
anon1=$(rss RssAnon)
grow=$((anon1 - anon0))
[ "$grow" -lt 65536 ] ||
	lab_fail "riposte's heap grew by $grow kB (RssAnon), 64 MiB or more"
lab_ok "flows open at each sample (at most $FLOWS_MAX):$samples"
lab_log "   SYNs sent $sent, answered $answered; riposte: frames ${frames:-?}," \
	"capture drops ${drops:-?}; $line"
lab_log "   VmRSS ${rss0} kB -> ${rss1} kB ($((rss1 - rss0)) kB);" \
	"RssAnon ${anon0} kB -> ${anon1} kB ($grow kB, asserted under 65536)"
lab_ok "$COUNT SYNs: the table held at most $FLOWS_MAX flows, $cookies SYN" \
	"cookies, the heap grew $grow kB"
lab_alive "$RIPOSTE_PID" || lab_fail "riposte died"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_synflood: all checks passed"
