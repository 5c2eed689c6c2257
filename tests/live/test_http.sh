#!/bin/bash
# test_http.sh - curl, the kernel's TCP as the client, fetches a 1 MiB body
# from riposte's stateful engine and gets every byte, over IPv4 and IPv6;
# then again with 5% of the frames lost in each direction (nftables
# `numgen random mod 100 < 5 drop` in netdev ingress and egress chains on
# the client's interface: these kernels have no netem), where only
# riposte's retransmissions can carry the body.  The test proves the loss
# happened (the drop counters) and that riposte retransmitted (its own
# counters).
#
#   bash tests/live/test_http.sh RIPOSTE
set -u
RIPOSTE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
lab_up http

V4=198.51.100.10
V6=2001:db8::10
head -c 1048576 /dev/urandom >"$LAB_DIR/body.bin" || lab_fail "body"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n' \
	>"$LAB_DIR/head.http"
cp "$here/../../rules/payloads/http-200.txt" "$LAB_DIR/small.http"
cat >"$LAB_DIR/http.rules" <<EOF
host $V4, $V6 {
	mac 02:00:00:00:00:10
	personality linux
	tcp 80 open {
		on "GET /big " { send file "head.http"; send file "body.bin"; close }
		on "GET " { send file "small.http"; close }
	}
}
EOF

lab_riposte "$LAB_DIR/http.rules" || lab_fail "riposte did not start"

retransmissions() { lab_flows_line | sed -n 's/.*retransmissions \([0-9]*\).*/\1/p'; }

# fetch URL OUT: curl's "code size" for URL, the body in OUT.
fetch()
{
	lab_c curl -g -s -m 120 -o "$2" -w '%{http_code} %{size_download}' "$1"
}

got=$(fetch "http://$V4/" "$LAB_DIR/small.out")
[ "$got" = "200 53" ] || lab_fail "curl http://$V4/: $got, want 200 53"
tail -c 53 "$LAB_DIR/small.http" | cmp -s - "$LAB_DIR/small.out" ||
	lab_fail "curl http://$V4/: the page differs"
lab_ok "curl http://$V4/: 200, the 53-byte page"

for url in "http://$V4/big" "http://[$V6]/big"; do
	got=$(fetch "$url" "$LAB_DIR/big.out")
	[ "$got" = "200 1048576" ] || lab_fail "curl $url: $got"
	cmp -s "$LAB_DIR/body.bin" "$LAB_DIR/big.out" ||
		lab_fail "curl $url: the 1 MiB body differs"
	lab_ok "curl $url: 200, 1048576 bytes, identical"
done
r0=$(retransmissions)
lab_log "   riposte: $(lab_flows_line | sed 's/^riposte: //')"

# --- With 5% loss each way --------------------------------------------------
lab_c nft -f - <<EOF || lab_fail "nft loss table"
table netdev loss {
	chain in {
		type filter hook ingress device $LAB_CIF priority 0; policy accept;
		meta l4proto tcp numgen random mod 100 < 5 counter drop
	}
	chain out {
		type filter hook egress device $LAB_CIF priority 0; policy accept;
		meta l4proto tcp numgen random mod 100 < 5 counter drop
	}
}
EOF
for url in "http://$V4/big" "http://[$V6]/big"; do
	got=$(fetch "$url" "$LAB_DIR/lossy.out")
	[ "$got" = "200 1048576" ] || lab_fail "curl $url with 5% loss: $got"
	cmp -s "$LAB_DIR/body.bin" "$LAB_DIR/lossy.out" ||
		lab_fail "curl $url with 5% loss: the body differs"
	lab_ok "curl $url with 5% loss each way: 200, 1048576 bytes, identical"
done
dropped()
{
	lab_c nft list chain netdev loss "$1" |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
din=$(dropped in)
dout=$(dropped out)
[ "${din:-0}" -gt 0 ] && [ "${dout:-0}" -gt 0 ] ||
	lab_fail "the loss rules dropped nothing (in ${din:-?}, out ${dout:-?})"
r1=$(retransmissions)
[ "${r1:-0}" -gt "${r0:-0}" ] ||
	lab_fail "riposte retransmitted nothing under loss ($r0 -> $r1)"
lab_ok "loss: $din frames to the client and $dout from it dropped;" \
	"riposte retransmitted $((r1 - r0)) segments"
lab_log "   riposte: $(lab_flows_line | sed 's/^riposte: //')"
lab_riposte_stop TERM
[ "$RIPOSTE_RC" = 0 ] || lab_fail "riposte exit $RIPOSTE_RC after SIGTERM"
echo "test_http: all checks passed"
