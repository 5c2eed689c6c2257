#!/bin/sh
# SPDX-License-Identifier: MIT
#
# conf.sh RIPOSTE - conf/riposte.conf and the systemd units in conf/:
#
#   1. the keys agree: the table in riposte.conf's header, the keys the
#      file documents, the keys riposte accepts (its unknown-key message
#      lists them) and the options of `riposte run --help`;
#   2. riposte accepts the file as shipped, and with every commented-out
#      example uncommented (paths pointed at temporary files), on the
#      command line as well: `riposte run` then fails on the interface,
#      which does not exist, and on nothing before it;
#   3. `systemd-analyze verify` passes on riposte.service and
#      riposte@r0.service (copies naming RIPOSTE), both have the same
#      sandbox, and `systemd-analyze security` rates each at most
#      EXPOSURE_MAX (printed, with what is left exposed);
#   4. `make install` puts the units in PREFIX/lib/systemd/system with
#      BINDIR in ExecStart, and riposte.conf in /etc/riposte, once;
#   5. with systemd as PID 1 (and udev) and root,
#      riposte-conftest@IFACE.service, a runtime copy of riposte@.service,
#      really runs on a veth pair made for it (in the host's namespace;
#      the conf's firewall only names that interface and 198.51.100.80):
#      privileges dropped, seccomp on, log and pcap written in
#      /var/log/riposte, an ARP request from the other end (riposte send)
#      answered, reload, USR1, stop.  Otherwise SKIP, never FAIL.
#
#   sh tests/conf.sh RIPOSTE
#
# Prints PASS, FAIL or SKIP per check and "N passed, M failed"; exits 1
# when a check fails.  Run from anywhere: paths are the repository's.
set -u
PATH=$PATH:/usr/sbin:/sbin

# Fixed, not measured: systemd-analyze's score is 0 (locked down) to 10.
EXPOSURE_MAX=2.5

R=${1:-./riposte}
case $R in
/*) ;;
*) R=$PWD/$R ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
CONF=$top/conf/riposte.conf
NOIF=rpconfnone0 # an interface that does not exist
pass=0
fail=0
tmp=$(mktemp -d) || exit 1
live_cleanup=:
trap 'eval "$live_cleanup"; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
skip() { echo "SKIP $1"; }
t() { name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }
# same NAME A B: A and B (files) hold the same lines; if not, the diff.
same()
{
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		ko "$1"
		diff "$2" "$3" | sed 's/^/    /'
	fi
}

printf 'host 198.51.100.80 {\n\tping on\n}\n' >"$tmp/ping.rules"

# --- 1. keys, table, accepted keys and --help agree -------------------------
# The header's table: "#   key  -o ARG" (or RULES for the argument).
sed -n 's/^#   \([a-z][a-z-]*\)  *\(-[^ ]*\|RULES\).*/\1 \2/p' "$CONF" \
	>"$tmp/table"
cut -d' ' -f1 "$tmp/table" | sort >"$tmp/table.keys"
# The keys below it: set (key = v) or shown commented out (#key = v).
sed -n 's/^#\{0,1\}\([a-z][a-z-]*\) = .*/\1/p' "$CONF" | sort >"$tmp/body.keys"
t "conf: the header's table has keys" test -s "$tmp/table.keys"
t "conf: no key documented twice" sh -c \
	"sort -u '$tmp/body.keys' | cmp -s - '$tmp/body.keys'"
same "conf: the keys documented are the header table's" \
	"$tmp/table.keys" "$tmp/body.keys"

# The keys riposte accepts: its message for an unknown key lists them.
printf 'no-such-key = 1\n' >"$tmp/bogus.conf"
"$R" run -c "$tmp/bogus.conf" -i "$NOIF" "$tmp/ping.rules" 2>"$tmp/bogus.err"
sed -n "s/.*unknown key 'no-such-key' (\(.*\))\$/\1/p" "$tmp/bogus.err" |
	tr -d ' ' | tr ',' '\n' | sed '/^$/d' | sort >"$tmp/accepted.keys"
t "conf: riposte lists the keys it accepts" test -s "$tmp/accepted.keys"
same "conf: the keys riposte accepts are the header table's" \
	"$tmp/table.keys" "$tmp/accepted.keys"

# The options of `riposte run --help` (the short form of those with two),
# but those the header says have no key; and RULES.
sed -n 's/^# These have no key: //p' "$CONF" | grep -o -- '-[a-z-]*' |
	sort -u >"$tmp/nokey"
t "conf: the header says which options have no key" test -s "$tmp/nokey"
"$R" run --help >"$tmp/help"
sed -n 's/^  \(-[^ ,]*\).*/\1/p' "$tmp/help" | grep -vxFf "$tmp/nokey" \
	>"$tmp/help.opts"
grep -q '^usage: riposte run .* RULES$' "$tmp/help" &&
	echo RULES >>"$tmp/help.opts"
sort -o "$tmp/help.opts" "$tmp/help.opts"
cut -d' ' -f2 "$tmp/table" | sort >"$tmp/table.opts"
same "conf: the header table's options are riposte run --help's" \
	"$tmp/table.opts" "$tmp/help.opts"

# --- 2. riposte accepts every key --------------------------------------------
# Exit 2 with only "no interface": the file was read without an error (an
# error is reported first, as file:line:col) and the rules were loaded.
no_iface()
{
	"$R" run "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = \
		"riposte: run: no interface $NOIF (see ip link)" ]; then
		return 0
	fi
	echo "    exit $rc: $(head -n 3 "$tmp/err")"
	return 1
}
t "conf: riposte.conf as shipped" \
	no_iface -c "$CONF" -i "$NOIF" "$tmp/ping.rules"

# Every example uncommented; the interface and paths made temporary.
sed -e 's/^#\([a-z][a-z-]* = \)/\1/' \
	-e "s|^\([a-z-]*\) = /.*|\1 = $tmp/\1.out|" \
	-e "s|^interface = .*|interface = $NOIF|" \
	-e "s|^rules = .*|rules = $tmp/ping.rules|" \
	"$CONF" >"$tmp/all.conf"
sed -n 's/^\([a-z][a-z-]*\) = .*/\1/p' "$tmp/all.conf" | sort >"$tmp/all.keys"
same "conf: the uncommented copy sets every key" \
	"$tmp/table.keys" "$tmp/all.keys"
t "conf: every key accepted (riposte run -c all.conf)" \
	no_iface -c "$tmp/all.conf"
# The check above would see a rejected line: one bad value must show.
sed 's/^firewall = .*/firewall = maybe/' "$tmp/all.conf" >"$tmp/bad.conf"
t "conf: a bad value in the copy is refused, as file:line:col" sh -c \
	"'$R' run -c '$tmp/bad.conf' >/dev/null 2>'$tmp/bad.err'; [ \$? = 2 ] &&
	 grep -q '^$tmp/bad.conf:[0-9]*:[0-9]*: error: firewall is on or off' \
		'$tmp/bad.err'"

# The same values as options, through the header's table: the mapping is
# real.  on/off keys become their flag or nothing.
args=
while read -r key opt; do
	val=$(sed -n "s/^$key = //p" "$tmp/all.conf")
	case $key:$val in
	firewall:on | firewall:yes | verbose:off | verbose:no) ;;
	firewall:*) args="$args $opt" ;;
	verbose:*) args="$args $opt" ;;
	*) [ "$opt" = RULES ] || args="$args $opt $val" ;;
	esac
done <"$tmp/table"
# shellcheck disable=SC2086 # args is a list of words
t "conf: the same values as options ($(echo $args | cut -c1-60)...)" \
	no_iface $args "$tmp/ping.rules"

# --- 3. the units: verify, same sandbox, exposure ----------------------------
units="riposte.service riposte@.service"
have_sa=1
command -v systemd-analyze >/dev/null 2>&1 || have_sa=0
# Copies that run RIPOSTE: verify wants ExecStart's binary to exist.
mkdir "$tmp/units" "$tmp/man"
for u in $units; do
	sed "s|/usr/local/sbin/riposte|$R|g" "$top/conf/$u" >"$tmp/units/$u"
done
t "units: ExecStart is /usr/local/sbin/riposte (what make install edits)" \
	sh -c "for u in $units; do
		grep -q '^ExecStart=/usr/local/sbin/riposte run -c /etc/riposte/' \
			'$top/conf/'\$u || exit 1; done"
# Every directive of [Service] but what the instance must change.
sandbox()
{
	sed -n '/^\[Service\]/,/^\[/p' "$1" | grep '^[A-Za-z]*=' |
		grep -vE '^(ExecStart)=' | sort
}
sandbox "$top/conf/riposte.service" >"$tmp/sandbox.1"
sandbox "$top/conf/riposte@.service" >"$tmp/sandbox.2"
same "units: riposte.service and riposte@.service have the same [Service]" \
	"$tmp/sandbox.1" "$tmp/sandbox.2"

# The man pages the units name, so that verify finds them without an
# install (without man(1), verify is told not to look).
manopt=--man=no
if command -v man >/dev/null 2>&1; then
	for m in "$top"/src/*.[1-8]; do
		[ -e "$m" ] || continue
		mkdir -p "$tmp/man/man${m##*.}"
		cp "$m" "$tmp/man/man${m##*.}/"
	done
	manopt=--man=yes
fi
for u in riposte.service riposte@r0.service; do
	if [ $have_sa = 0 ]; then
		skip "units: verify $u (no systemd-analyze)"
		continue
	fi
	# Anything said about the unit is a finding, even at exit status 0.
	(cd "$tmp/units" && MANPATH=$tmp/man \
		systemd-analyze verify $manopt "./$u") >"$tmp/verify" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -q riposte "$tmp/verify"; then
		ok "units: systemd-analyze verify $u"
	else
		ko "units: systemd-analyze verify $u (exit $rc)"
		sed 's/^/    /' "$tmp/verify"
	fi
done
for u in riposte.service riposte@r0.service; do
	if [ $have_sa = 0 ]; then
		skip "units: security $u (no systemd-analyze)"
		continue
	fi
	(cd "$tmp/units" && systemd-analyze security --offline=yes \
		--no-pager "./$u") >"$tmp/sec" 2>&1
	score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' \
		"$tmp/sec")
	if [ -n "$score" ] &&
		awk -v s="$score" -v m="$EXPOSURE_MAX" 'BEGIN { exit !(s <= m) }'
	then
		ok "units: systemd-analyze security $u: $score <= $EXPOSURE_MAX"
	else
		ko "units: systemd-analyze security $u: '${score:-no score}' > $EXPOSURE_MAX"
		tail -n 5 "$tmp/sec" | sed 's/^/    /'
	fi
	# What is left exposed, the heaviest first.
	awk 'NF > 2 && $NF ~ /^[0-9]+\.[0-9]+$/ { print $NF, $2 }' "$tmp/sec" |
		sort -rn | awk '{ printf "    exposed %s %s\n", $1, $2 }'
done

# --- 4. make install ---------------------------------------------------------
if command -v make >/dev/null 2>&1 && [ -f "$top/Makefile" ]; then
	root=$tmp/root
	sysd=$root/opt/rp/lib/systemd/system
	t "install: units with BINDIR, riposte.conf in /etc/riposte" sh -c "
		cd '$top' && make -s install PREFIX=/opt/rp DESTDIR='$root' \
			>/dev/null &&
		grep -q '^ExecStart=/opt/rp/sbin/riposte run ' '$sysd/riposte.service' &&
		grep -q '^ExecStart=/opt/rp/sbin/riposte run ' '$sysd/riposte@.service' &&
		! grep -q /usr/local/sbin/riposte '$sysd/riposte.service' \
			'$sysd/riposte@.service' &&
		cmp -s '$CONF' '$root/etc/riposte/riposte.conf'"
	echo '# the admin was here' >>"$root/etc/riposte/riposte.conf"
	t "install: an installed riposte.conf is kept" sh -c "
		cd '$top' && make -s install PREFIX=/opt/rp DESTDIR='$root' \
			>/dev/null &&
		tail -n 1 '$root/etc/riposte/riposte.conf' | grep -q 'admin was here'"
else
	skip "install: no make"
fi

# --- 5. the instance unit, really run by systemd -----------------------------
pid1=$(cat /proc/1/comm 2>/dev/null)
why=
if [ "$pid1" != systemd ]; then
	why="PID 1 is ${pid1:-unknown}, not systemd"
elif [ "$(id -u)" != 0 ]; then
	why="needs root"
elif [ "${SKIP_LIVE:-0}" = 1 ]; then
	why="SKIP_LIVE=1"
elif ! command -v ip >/dev/null 2>&1 ||
	! command -v systemctl >/dev/null 2>&1; then
	why="no ip or systemctl"
elif [ ! -d /run/systemd/system ]; then
	why="no /run/systemd/system"
fi
if [ -n "$why" ]; then
	skip "systemd: riposte@ run for real ($why)"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
	exit
fi

# Names of this run only; the unit is a runtime copy, gone at reboot.
u=riposte-conftest
ifc=rpct$$
ifp=rpcp$$
inst=$u@$ifc.service
# Not in /tmp: the unit's PrivateTmp hides it.  Not in /home: ProtectHome.
rd=/run/riposte-conftest.$$
logdir_existed=0
[ -d /var/log/riposte ] && logdir_existed=1
live_cleanup='
	systemctl stop "$inst" >/dev/null 2>&1
	rm -f "/run/systemd/system/$u@.service"
	systemctl daemon-reload >/dev/null 2>&1
	systemctl reset-failed "$inst" >/dev/null 2>&1
	ip link del "$ifc" >/dev/null 2>&1
	rm -rf "$rd" /var/log/riposte/conftest-$$.*
	[ $logdir_existed = 1 ] || rmdir /var/log/riposte 2>/dev/null
	:'
mkdir -m 0755 "$rd" || exit 1
cp "$R" "$rd/riposte"
cp "$tmp/ping.rules" "$rd/ping.rules"
chmod 0644 "$rd/ping.rules"
# The firewall only if no riposte table is there already (one per
# namespace): it names $ifc and 198.51.100.80, nothing of the host's.
fw=on
if command -v nft >/dev/null 2>&1; then
	nft list tables 2>/dev/null | grep -q ' riposte$' && fw=off
else
	fw=off
fi
cat >"$rd/$ifc.conf" <<EOF
rules = $rd/ping.rules
user = nobody
firewall = $fw
log = /var/log/riposte/conftest-$$.jsonl
write = /var/log/riposte/conftest-$$.pcap
EOF
sed -e "s|/usr/local/sbin/riposte|$rd/riposte|g" \
	-e "s|/etc/riposte/|$rd/|g" \
	"$top/conf/riposte@.service" >"/run/systemd/system/$u@.service"
systemctl daemon-reload

# waitfor N CMD...: CMD until it succeeds, at most N tries 0.1 s apart.
waitfor()
{
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		n=$((n - 1))
		sleep 0.1
	done
	return 1
}
# The unit binds to the interface's device unit, which udev makes.
device_up()
{
	[ "$(systemctl show -p ActiveState --value \
		"sys-subsystem-net-devices-$ifc.device")" = active ]
}
ip link add "$ifc" type veth peer name "$ifp" && ip link set "$ifc" up &&
	ip link set "$ifp" up
if ! waitfor 100 device_up; then
	skip "systemd: riposte@ run for real (no device unit for $ifc: no udev?)"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
	exit
fi
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }
dropped() { [ "$(status_of "$pid" Uid | cut -f1)" = 65534 ]; }

# journal ERE: a line riposte (this process) wrote to the journal.
journal()
{
	journalctl -q -o cat --no-pager -u "$inst" _PID="$pid" 2>/dev/null |
		grep -qE "$1"
}

t "systemd: systemctl start $inst" systemctl start "$inst"
pid=$(systemctl show -p MainPID --value "$inst")
started()
{
	systemctl is-active -q "$inst" && [ "${pid:-0}" -gt 0 ] &&
		waitfor 100 dropped
}
t "systemd: $inst active, dropped to nobody" started
t "systemd: no capabilities, no new privileges, seccomp on" sh -c "
	[ '$(status_of "$pid" CapEff)' = 0000000000000000 ] &&
	[ '$(status_of "$pid" CapBnd)' = 0000000000000000 ] &&
	[ '$(status_of "$pid" NoNewPrivs)' = 1 ] &&
	[ '$(status_of "$pid" Seccomp)' = 2 ]"
t "systemd: the JSON log and the pcap are open in /var/log/riposte" sh -c "
	test -f /var/log/riposte/conftest-$$.jsonl &&
	test -f /var/log/riposte/conftest-$$.pcap"
# From the other end of the veth, at layer 2: no address, no route.
t "systemd: riposte answers an ARP request on $ifc" sh -c "
	'$R' send -i '$ifp' --wait 5000 \
		'Ether()/ARP(pdst=\"198.51.100.80\", psrc=\"198.51.100.2\")' |
	grep -q 'ARP, Reply 198.51.100.80 is-at'"
if [ $fw = on ]; then
	t "systemd: the firewall table is installed" sh -c \
		"nft list tables | grep -qx 'table netdev riposte'"
else
	skip "systemd: firewall (a riposte table exists already, or no nft)"
fi
t "systemd: systemctl reload $inst" systemctl reload "$inst"
t "systemd: reload rereads the rules (journal)" \
	waitfor 100 journal "^riposte: reloaded $rd/ping.rules"
systemctl kill -s USR1 "$inst"
t "systemd: USR1 prints the counters (journal)" \
	waitfor 100 journal "^riposte: frames [0-9]+, "
t "systemd: still running, the same process" sh -c "
	systemctl is-active -q '$inst' &&
	[ \"\$(systemctl show -p MainPID --value '$inst')\" = '$pid' ]"
t "systemd: stop ends it cleanly (Result=success)" sh -c "
	systemctl stop '$inst' &&
	[ \"\$(systemctl show -p Result --value '$inst')\" = success ]"
if [ $fw = on ]; then
	t "systemd: the table went with it" sh -c \
		"! nft list tables | grep -qx 'table netdev riposte'"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
