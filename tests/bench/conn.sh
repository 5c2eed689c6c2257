#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/conn.sh - how many short HTTP connections per second riposte
# serves live (handshake, request, response, close: one new connection per
# request), beside nginx serving the same small file, driven by the same
# client in the same run.  Figures, never a pass/fail: the script exits 0
# whatever the numbers are (non-zero only when something could not run).
# Needs root (namespaces, AF_PACKET, nftables), nft, taskset, nstat
# (iproute2), nginx (Debian's nginx-light or nginx) and ab (Debian's
# apache2-utils); those two are installed with apt-get when missing.
#
#   bash tests/bench/conn.sh [RIPOSTE]     (from the top of the tree)
#
# Environment: N (requests per try, default 20000), CONC (ab's concurrency,
# default 32), REPEAT (tries of each server, default 3; the best is shown
# beside every try), SERVERS (default "riposte nginx", tried alternately
# so that other work on the machine spoils both alike), CPU_CLI (ab's
# CPU, default 0), CPU_SRV (the server's CPU, default 1), RIPOSTE_OPTS
# (extra options for `riposte run`, default none), AB_TIMEOUT (ab's -s,
# seconds a request may take, default 5).
#
# The lab: two network namespaces with unique names (the shell's PID in
# them), joined by a veth pair, torn down on any exit:
#     client  cli0 02:00:00:5c:00:01  198.51.100.1/24
#     server  srv0 02:00:00:5c:00:02  198.51.100.2/24 and 198.51.100.20/32
#             (nginx's, a kernel address), and riposte's virtual host
#             198.51.100.10 (MAC 02:00:00:5c:00:0a, no kernel address)
# Static neighbour entries on both sides, so no ARP during a try; the
# client's ephemeral ports span 1024-65535 (set in its namespace only).
# Nothing is sent from the root namespace and no sysctl outside the two
# namespaces is touched.
#   - riposte: `riposte run -i srv0 --seed 1 RULES` (its firewall on) with
#       host 198.51.100.10 { mac 02:00:00:5c:00:0a; personality linux;
#           tcp 80 open { on "GET " { send file "resp.http"; close } } }
#     resp.http: an HTTP/1.1 200 response with nginx's header set
#     (Content-Length, Connection: close) and the 612-byte index.html;
#   - nginx: `nginx -c CONF -p DIR` (daemon off, master_process on,
#     worker_processes 1, access_log off, sendfile on; the config, pid
#     file, logs and temp folders in the bench's temp folder), listening
#     on 198.51.100.20:80 with root the same index.html; stopped by its
#     PID;
#   - client: `ab -r -s AB_TIMEOUT -n N -c CONC -g FILE http://ADDR/` (no
#     -k: HTTP/1.0 without keep-alive, a new connection per request).
# Each server gets a warm-up of 500 requests before its first try, and is
# started afresh for each try (riposte's counters are then the try's own).
# Pinning: ab on CPU_CLI and the server (riposte, or nginx's master and its
# worker) on CPU_SRV, with taskset; receive processing is steered with RPS
# (rx-0/rps_cpus, set inside each namespace): frames to the server are
# processed on CPU_SRV, frames to the client on CPU_CLI, so each side's
# softirq runs on its own CPU.
#
# Printed per try: requests/s (ab's figure), failed requests (ab's count,
# with its breakdown when not 0), p50 and p99 of connect and total time
# (from ab's -g per-request file: whole milliseconds, ab's resolution),
# bytes per response (ab's total transferred / requests), the busy share of
# each CPU during the try (/proc/stat: everything on it, not only the
# server or ab), the server CPU's softirq share, the serving process's own
# CPU time (riposte, or nginx's worker; /proc/PID/stat) and what is left
# for other tasks (on a shared machine, other work can take the server's
# CPU: a try with a high oth% had company), TCP retransmissions of the
# server (riposte's own counter, or the server namespace's TcpRetransSegs
# for nginx) and of the client (TcpRetransSegs in its namespace), and SYN
# cookies the server sent.  Then the best try of each, the ratio
# riposte/nginx, riposte's counter lines (SIGTERM at the end of each try
# prints them), and the figure against the goal: riposte at least 1.5x
# nginx's connection rate.  On two CPUs ab itself nears 100% of its CPU
# at riposte's rate (the C% column; the script says so): the figure is
# then the client's limit as much as riposte's, a lower bound.
#
# Work files (the rule file, resp.http, index.html, nginx's config, logs
# and temp folders, ab's outputs, a copy of the riposte binary so that a
# rebuild during the run changes no try) live in a mktemp folder under
# TMPDIR (default /tmp), deleted on any exit.
set -u

cd "$(dirname "$0")/../.." || exit 1
RIPOSTE=$(readlink -f "${1:-./riposte}")
N=${N:-20000}
CONC=${CONC:-32}
REPEAT=${REPEAT:-3}
SERVERS=${SERVERS:-"riposte nginx"}
CPU_CLI=${CPU_CLI:-0}
CPU_SRV=${CPU_SRV:-1}
RIPOSTE_OPTS=${RIPOSTE_OPTS:-}
AB_TIMEOUT=${AB_TIMEOUT:-5}
WARMUP=500
PATH=$PATH:/usr/sbin:/sbin

die() {
	echo "conn.sh: $*" >&2
	exit 1
}

for v in N CONC REPEAT CPU_CLI CPU_SRV AB_TIMEOUT; do
	case ${!v} in
	'' | *[!0-9]*) die "$v must be a number" ;;
	esac
done
if [ "$REPEAT" -lt 1 ] || [ "$N" -lt 1 ] || [ "$CONC" -lt 1 ]; then
	die "N, CONC and REPEAT must be at least 1"
fi
[ "$(id -u)" = 0 ] || die "needs root (namespaces, AF_PACKET, nftables)"
[ -x "$RIPOSTE" ] || die "no riposte binary at ${1:-./riposte} (make first)"
for c in nft taskset nstat timeout; do
	command -v "$c" >/dev/null || die "needs $c"
done
NCPU=$(nproc)
if [ "$CPU_CLI" -ge "$NCPU" ] || [ "$CPU_SRV" -ge "$NCPU" ]; then
	die "CPU_CLI=$CPU_CLI or CPU_SRV=$CPU_SRV is not below nproc=$NCPU"
fi
[ "$CPU_CLI" != "$CPU_SRV" ] ||
	echo "conn.sh: CPU_CLI = CPU_SRV: client and server share a CPU" >&2
missing=
command -v nginx >/dev/null || missing="$missing nginx-light"
command -v ab >/dev/null || missing="$missing apache2-utils"
if [ -n "$missing" ]; then
	echo "conn.sh: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		$missing; } >/dev/null 2>&1 || die "cannot install$missing"
fi
NGINX=$(command -v nginx) || die "no nginx"
command -v ab >/dev/null || die "no ab"

C=rcn-c-$$
S=rcn-s-$$
CMAC=02:00:00:5c:00:01
SMAC=02:00:00:5c:00:02
HMAC=02:00:00:5c:00:0a
C4=198.51.100.1
S4=198.51.100.2
RADDR=198.51.100.10
NADDR=198.51.100.20
SRV_PID=
NGINX_WORKERS=
DIR=

# alive PID PARENT: PID runs (not a zombie) and PARENT is its parent: a
# PID that bash has reaped may be reused, and no other process must ever
# get our signals.
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1,2)
	case $st in
	"" | Z\ * | X\ *) return 1 ;;
	esac
	[ "${st#* }" = "$2" ]
}

stop_server() {
	local pid i
	[ -n "$SRV_PID" ] || return 0
	alive "$SRV_PID" "$BASHPID" && kill -TERM "$SRV_PID" 2>/dev/null
	for i in $(seq 100); do
		alive "$SRV_PID" "$BASHPID" || break
		sleep 0.05
	done
	alive "$SRV_PID" "$BASHPID" && kill -KILL "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	# nginx's worker ends with its master; should it outlive a SIGKILL
	# of the master (then an orphan), it is ended by its own PID.
	for pid in $NGINX_WORKERS; do
		grep -qs '^nginx: worker process' "/proc/$pid/cmdline" &&
			kill -KILL "$pid" 2>/dev/null
	done
	SRV_PID=
	NGINX_WORKERS=
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	trap - EXIT INT TERM
	stop_server
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	[ -n "$DIR" ] && rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DIR=$(mktemp -d "${TMPDIR:-/tmp}/riposte-conn.$$.XXXXXX") ||
	die "cannot make a temp folder"
# nginx's worker runs as nobody and must read the document root.
chmod 755 "$DIR"
mkdir -p "$DIR/www" "$DIR/tmp" "$DIR/logs"
chmod 755 "$DIR/www"
# The binary as it is now: a rebuild during the run changes no try.
BUILT=$(date -r "$RIPOSTE" '+%F %T')
cp "$RIPOSTE" "$DIR/riposte" || die "cannot copy $RIPOSTE"
RIPOSTE=$DIR/riposte

# The 612-byte index.html, served by both.
{
	printf '<!DOCTYPE html>\n<html>\n<head>\n<title>riposte bench</title>\n'
	printf '</head>\n<body>\n<h1>riposte bench</h1>\n<p>'
} >"$DIR/www/index.html"
tail='</p>
</body>
</html>
'
pad=$((612 - $(stat -c %s "$DIR/www/index.html") - ${#tail}))
head -c "$pad" /dev/zero | tr '\0' 'x' >>"$DIR/www/index.html"
printf '%s' "$tail" >>"$DIR/www/index.html"
BODY=$(stat -c %s "$DIR/www/index.html")
[ "$BODY" = 612 ] || die "index.html is $BODY bytes, not 612"
chmod 644 "$DIR/www/index.html"
# riposte's response: the header set nginx sends for a static file.
{
	printf 'HTTP/1.1 200 OK\r\n'
	printf 'Server: riposte\r\n'
	printf 'Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n'
	printf 'Content-Type: text/html\r\n'
	printf 'Content-Length: %s\r\n' "$BODY"
	printf 'Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n'
	printf 'Connection: close\r\n'
	printf 'ETag: "6553f100-264"\r\n'
	printf 'Accept-Ranges: bytes\r\n'
	printf '\r\n'
	cat "$DIR/www/index.html"
} >"$DIR/resp.http"
# One client makes every connection: no limit on answers per source.
cat >"$DIR/conn.rules" <<EOF
set source_limit 0
host $RADDR {
	mac $HMAC
	personality linux
	tcp 80 open { on "GET " { send file "resp.http"; close } }
}
EOF
"$RIPOSTE" check "$DIR/conn.rules" >"$DIR/check.out" 2>&1 || {
	cat "$DIR/check.out" >&2
	die "riposte check failed on the rule file"
}
temps="client_body_temp_path $DIR/tmp/body;"
for m in proxy fastcgi uwsgi scgi; do
	"$NGINX" -V 2>&1 | grep -q -- "--without-http_${m}_module" ||
		temps="$temps ${m}_temp_path $DIR/tmp/$m;"
done
cat >"$DIR/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/logs/error.log warn;
events {
	worker_connections 4096;
}
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	types { text/html html; }
	default_type application/octet-stream;
	$temps
	server {
		listen $NADDR:80 backlog=4096;
		server_name _;
		root $DIR/www;
		index index.html;
	}
}
EOF

mask() { printf '%x' $((1 << $1)); }

ip netns add "$C" || die "cannot add namespace $C"
ip netns add "$S" || die "cannot add namespace $S"
ip link add cli0 netns "$C" type veth peer name srv0 netns "$S" ||
	die "cannot make the veth pair"
for ns in "$C" "$S"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip -n "$C" link set cli0 address $CMAC up
ip -n "$S" link set srv0 address $SMAC up
ip -n "$C" addr add $C4/24 dev cli0
ip -n "$S" addr add $S4/24 dev srv0
ip -n "$S" addr add $NADDR/32 dev srv0
ip -n "$C" neigh replace $RADDR lladdr $HMAC dev cli0 nud permanent
ip -n "$C" neigh replace $NADDR lladdr $SMAC dev cli0 nud permanent
ip -n "$S" neigh replace $C4 lladdr $CMAC dev srv0 nud permanent
ip netns exec "$C" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" ||
	die "cannot widen the client's port range"
ip netns exec "$C" sh -c "echo $(mask "$CPU_CLI") \
	>/sys/class/net/cli0/queues/rx-0/rps_cpus" || die "cannot set RPS"
ip netns exec "$S" sh -c "echo $(mask "$CPU_SRV") \
	>/sys/class/net/srv0/queues/rx-0/rps_cpus" || die "cannot set RPS"
for i in $(seq 100); do
	ip -n "$C" link show cli0 | grep -q 'state UP' &&
		ip -n "$S" link show srv0 | grep -q 'state UP' && break
	[ "$i" = 100 ] && die "the veth pair never came up"
	sleep 0.05
done

# nginx -t binds the listening address: in the server namespace.
ip netns exec "$S" "$NGINX" -t -q -c "$DIR/nginx.conf" -p "$DIR" \
	>"$DIR/nginx-t.out" 2>&1 || {
	cat "$DIR/nginx-t.out" >&2
	die "nginx does not accept the config"
}

# start_server KIND TRY: riposte or nginx in the server namespace, pinned;
# returns once it answers (riposte: "answering on"; nginx: its worker is
# there and the port accepts).
start_server() {
	local kind=$1 out=$DIR/$1.$2.err i
	: >"$out"
	case $kind in
	riposte)
		# shellcheck disable=SC2086
		ip netns exec "$S" taskset -c "$CPU_SRV" "$RIPOSTE" run \
			-i srv0 --seed 1 $RIPOSTE_OPTS "$DIR/conn.rules" \
			</dev/null >/dev/null 2>"$out" &
		SRV_PID=$!
		for i in $(seq 200); do
			grep -q 'answering on' "$out" && return 0
			kill -0 "$SRV_PID" 2>/dev/null || break
			sleep 0.05
		done
		;;
	nginx)
		rm -f "$DIR/nginx.pid"
		ip netns exec "$S" taskset -c "$CPU_SRV" "$NGINX" \
			-c "$DIR/nginx.conf" -p "$DIR" \
			</dev/null >/dev/null 2>"$out" &
		SRV_PID=$!
		for i in $(seq 200); do
			NGINX_WORKERS=$(cat "/proc/$SRV_PID/task/$SRV_PID/children" \
				2>/dev/null)
			if [ -n "$NGINX_WORKERS" ] &&
				ip netns exec "$S" ss -Hltn "sport = :80" |
				grep -q "$NADDR:80"; then
				return 0
			fi
			kill -0 "$SRV_PID" 2>/dev/null || break
			sleep 0.05
		done
		;;
	esac
	cat "$out" >&2
	[ "$kind" = nginx ] && cat "$DIR/logs/error.log" >&2 2>/dev/null
	die "$kind did not start"
}

addr_of() {
	case $1 in
	riposte) echo $RADDR ;;
	nginx) echo $NADDR ;;
	esac
}

# nstat_of NS: "RetransSegs SyncookiesSent ListenDrops", absolute, of NS.
nstat_of() {
	ip netns exec "$1" nstat -asz TcpRetransSegs TcpExtSyncookiesSent \
		TcpExtListenDrops 2>/dev/null | awk '
		$1 == "TcpRetransSegs" { r = $2 }
		$1 == "TcpExtSyncookiesSent" { c = $2 }
		$1 == "TcpExtListenDrops" { l = $2 }
		END { printf "%d %d %d\n", r, c, l }'
}

cpustat() { grep '^cpu[0-9]' /proc/stat; }

# busy A B CPU: "BUSY SOFTIRQ", CPU's busy and softirq shares (%) between
# /proc/stat snapshots A and B.
busy() {
	printf '%s\n%s\n' "$1" "$2" | awk -v c="cpu$3" '$1 == c {
		t = 0
		for (k = 2; k <= 9 && k <= NF; k++)
			t += $k
		if (n++) {
			dt = t - t0
			di = $5 + $6 - i0
			if (dt <= 0) dt = 1
			printf "%.0f %.0f\n", 100 * (dt - di) / dt,
				100 * ($8 - s0) / dt
		}
		t0 = t
		i0 = $5 + $6
		s0 = $8
	}'
}

# ticks PID: the user + system time PID has used, in clock ticks.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
		awk '{ print $12 + $13; f = 1 } END { if (!f) print 0 }'
}

now_ns() { date +%s%N; }

# ab_run ADDR N OUT: ab from the client namespace, pinned; its output in
# OUT, its per-request file in OUT.tsv; ab's status.
ab_run() {
	ip netns exec "$C" taskset -c "$CPU_CLI" \
		timeout -k 5 $((AB_TIMEOUT + 300)) ab -r -s "$AB_TIMEOUT" \
		-n "$2" -c "$CONC" -g "$3.tsv" "http://$1/" >"$3" 2>&1
}

# ab_field OUT PATTERN: the first number after PATTERN in ab's output.
ab_field() {
	sed -n "s/^$2 *\([0-9.]*\).*/\1/p" "$1" | head -n 1
}

# pct TSV COLUMN P: the P-th percentile (nearest rank) of COLUMN.
pct() {
	awk -F '\t' -v c="$2" 'NR > 1 { print $c }' "$1" | sort -n | awk -v p="$3" '
		{ v[NR] = $1 }
		END {
			if (!NR) { print "-"; exit }
			i = int(NR * p / 100 + 0.999999)
			if (i < 1) i = 1
			print v[i]
		}'
}

# riposte_counter ERR SED: the number the sed expression SED takes out of
# riposte's last "riposte: flows" counter line; 0 when it printed none (no
# flow was made).
riposte_counter() {
	grep '^riposte: flows ' "$1" | tail -n 1 | sed -n "$2" | grep . ||
		echo 0
}

ROWF='%-8s %3s %9s %6s %5s %5s %5s %5s %5s %6s %4s %4s %4s %4s %4s %7s %7s %7s'
HZ=$(getconf CLK_TCK)
ROWS=()
CNT=()
FAILS=()
declare -A BEST BESTROW BESTC BESTS BESTO
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "conn.sh: lab $C (cli0) <-> $S (srv0), $NCPU CPUs; ab -n $N -c" \
	"$CONC; load $load0" >&2
for kind in $SERVERS; do
	case $kind in
	riposte | nginx) ;;
	*) die "SERVERS: unknown server '$kind' (riposte, nginx)" ;;
	esac
	start_server "$kind" warm
	ab_run "$(addr_of "$kind")" "$WARMUP" "$DIR/$kind.warm.ab" ||
		echo "conn.sh: $kind warm-up: ab failed:" \
			"$(tail -n 2 "$DIR/$kind.warm.ab")" >&2
	stop_server
done

for try in $(seq "$REPEAT"); do
	for kind in $SERVERS; do
		addr=$(addr_of "$kind")
		start_server "$kind" "$try"
		out=$DIR/$kind.$try.ab
		read -r cr0 _ _ < <(nstat_of "$C")
		read -r sr0 sc0 sl0 < <(nstat_of "$S")
		# The process that serves: riposte, or nginx's worker.
		spid=$SRV_PID
		[ "$kind" = nginx ] && spid=${NGINX_WORKERS%% *}
		p0=$(ticks "$spid")
		s0=$(cpustat)
		w0=$(now_ns)
		ab_run "$addr" "$N" "$out"
		abrc=$?
		w1=$(now_ns)
		s1=$(cpustat)
		p1=$(ticks "$spid")
		read -r cr1 _ _ < <(nstat_of "$C")
		read -r sr1 sc1 sl1 < <(nstat_of "$S")
		stop_server
		err=$DIR/$kind.$try.err
		rps=$(ab_field "$out" 'Requests per second:')
		failed=$(ab_field "$out" 'Failed requests:')
		complete=$(ab_field "$out" 'Complete requests:')
		xfer=$(ab_field "$out" 'Total transferred:')
		if [ "$abrc" != 0 ] || [ -z "$rps" ]; then
			FAILS+=("$kind try $try: ab exited with $abrc:" \
				"$(grep -v '^Completed\|^Finished' "$out" |
				tail -n 3 | tr '\n' ' ')")
			rps=${rps:--} failed=${failed:--}
		fi
		if [ -n "$failed" ] && [ "$failed" != 0 ] && [ "$failed" != - ]; then
			FAILS+=("$kind try $try: $failed failed requests" \
				"$(grep -A1 '^Failed requests' "$out" |
				tail -n 1 | sed 's/^ *//')")
		fi
		read -r sb ssi < <(busy "$s0" "$s1" "$CPU_SRV")
		read -r cb _ < <(busy "$s0" "$s1" "$CPU_CLI")
		sp=$(awk -v t=$((p1 - p0)) -v hz="$HZ" -v w=$((w1 - w0)) \
			'BEGIN { printf "%.0f", (w > 0 ? 100 * t / hz / (w / 1e9) : 0) }')
		# At least this much of the server's CPU went to other tasks.
		soth=$((sb - ssi - sp))
		[ "$soth" -lt 0 ] && soth=0
		bpr=-
		[ -n "$xfer" ] && [ -n "$complete" ] && [ "$complete" != 0 ] &&
			bpr=$((xfer / complete))
		if [ "$kind" = riposte ]; then
			sretx=$(riposte_counter "$err" \
				's/.*retransmissions \([0-9]*\).*/\1/p')
			scook=$(riposte_counter "$err" \
				's/.*SYN cookies \([0-9]*\) sent.*/\1/p')
			CNT+=("try $try:")
			while IFS= read -r l; do
				CNT+=("  $l")
			done < <(grep '^riposte: ' "$err" |
				grep -v -e 'answering on' -e '^riposte: -' \
					-e '^riposte: [<>]')
		else
			sretx=$((sr1 - sr0))
			scook=$((sc1 - sc0))
			[ "$((sl1 - sl0))" = 0 ] ||
				FAILS+=("$kind try $try: $((sl1 - sl0)) listen drops")
		fi
		# shellcheck disable=SC2059 # ROWF: one format for all rows
		row=$(printf "$ROWF" "$kind" "$try" "$rps" "$failed" \
			"$(pct "$out.tsv" 3 50)" "$(pct "$out.tsv" 3 99)" \
			"$(pct "$out.tsv" 5 50)" "$(pct "$out.tsv" 5 99)" \
			"$(pct "$out.tsv" 5 100)" "$bpr" "$sb" "$ssi" "$sp" \
			"$soth" "$cb" "${sretx:--}" "$((cr1 - cr0))" "${scook:--}")
		ROWS+=("$row")
		printf '  %s\n' "$row" >&2
		if [ "$rps" != - ] && awk -v a="$rps" -v b="${BEST[$kind]:-0}" \
			'BEGIN { exit !(a > b) }'; then
			BEST[$kind]=$rps
			BESTROW[$kind]=$row
			BESTC[$kind]=$cb
			BESTS[$kind]=$sb
			BESTO[$kind]=$soth
		fi
		sleep 0.3
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "riposte vs nginx, short HTTP connections: $(uname -r), $NCPU CPUs" \
	"($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
echo "client: ab -r -s $AB_TIMEOUT -n $N -c $CONC http://ADDR/ (HTTP/1.0, no" \
	"keep-alive: one connection per request), the same $BODY-byte" \
	"index.html from both"
echo "riposte: $("$RIPOSTE" --version 2>/dev/null | head -n 1) (built $BUILT)," \
	"riposte run -i srv0 --seed 1${RIPOSTE_OPTS:+ $RIPOSTE_OPTS}" \
	"(firewall on); nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //')," \
	"1 worker, access_log off, sendfile on"
echo "pinning: server (riposte, or nginx's master and worker) on CPU" \
	"$CPU_SRV (taskset), srv0 RPS -> CPU $CPU_SRV; ab on CPU $CPU_CLI" \
	"(taskset), cli0 RPS -> CPU $CPU_CLI: each side's softirq on its own CPU"
echo "load average before: $load0; after: $load1"
echo
# shellcheck disable=SC2059 # one format for the heading and the rows
H=$(printf "$ROWF" server try req/s failed c_p50 c_p99 t_p50 t_p99 t_max \
	B/resp "S%" "Ssi%" "Sp%" "oth%" "C%" srvretx cliretx cookies)
echo "$H"
printf '%s\n' "${ROWS[@]}"
echo
echo "best of $REPEAT:"
echo "$H"
for kind in $SERVERS; do
	[ -n "${BESTROW[$kind]:-}" ] && echo "${BESTROW[$kind]}"
done
echo
echo "req/s = ab's requests per second; failed = ab's failed requests;"
echo "c_ = connect time, t_ = total time (connect to last byte), p50/p99/max"
echo "from ab's per-request file, in whole ms (ab's resolution); B/resp ="
echo "bytes per response (ab's total transferred / complete requests);"
echo "S% = CPU $CPU_SRV (the server's) busy during the try, all tasks and"
echo "softirqs on it, of which Ssi% softirq; Sp% = the serving process's own"
echo "user+system time (riposte, or nginx's worker) as a share of one CPU"
echo "(the kernel's tick accounting also bills it the softirqs that ran in its"
echo "context, so Sp% and Ssi% overlap); oth% = S% - Ssi% - Sp% (0 if"
echo "negative): at least that share of CPU $CPU_SRV went to other tasks, work"
echo "that is not this benchmark's;"
echo "C% = CPU $CPU_CLI (ab's) busy; srvretx = the server's TCP"
echo "retransmissions (riposte's counter, or TcpRetransSegs in the server"
echo "namespace); cliretx = TcpRetransSegs in the client namespace; cookies"
echo "= SYN cookies the server sent."
for f in "${FAILS[@]}"; do
	echo "NOTE: $f"
done
if [ "${#CNT[@]}" -gt 0 ]; then
	echo
	echo "riposte's counters (printed on SIGTERM at the end of each try):"
	printf '  %s\n' "${CNT[@]}"
fi
echo
echo "against the goal (a figure, not a verdict): riposte at least 1.5x" \
	"nginx's connection rate (nginx 1.22 pinned to one core served about" \
	"17,700-19,300 short connections/s here to ab -n 20000 -c 32)"
if [ -n "${BEST[riposte]:-}" ] && [ -n "${BEST[nginx]:-}" ]; then
	awk -v r="${BEST[riposte]}" -v n="${BEST[nginx]}" 'BEGIN {
		printf "  best: riposte %.0f/s, nginx %.0f/s: riposte/nginx" \
			" = %.2fx (goal >= 1.5x)\n", r, n, (n > 0 ? r / n : 0)
	}'
else
	echo "  no ratio: a server had no successful try"
fi
for kind in $SERVERS; do
	[ -n "${BESTC[$kind]:-}" ] || continue
	if [ "${BESTO[$kind]}" -ge 15 ]; then
		echo "  other tasks took at least ${BESTO[$kind]}% of CPU $CPU_SRV" \
			"during $kind's best try: its figure is low by about that much"
	fi
	if [ "${BESTC[$kind]}" -ge 95 ]; then
		echo "  $kind's best try had ab's CPU $CPU_CLI ${BESTC[$kind]}%" \
			"busy: the client, not only $kind, bounded that figure"
	fi
	if [ "${BESTS[$kind]}" -lt 90 ] && [ "${BESTC[$kind]}" -lt 90 ]; then
		echo "  $kind's best try left both CPUs partly idle" \
			"(S ${BESTS[$kind]}%, C ${BESTC[$kind]}%): latency, not CPU," \
			"bounded it (ab keeps only $CONC connections open)"
	fi
done
exit 0
