#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/scapy/run.sh - riposte's cross-check against Scapy (make scapy).
#
#     sh tests/scapy/run.sh RIPOSTE ROUNDTRIP_BIN
#
# Generates the frames and Scapy's expectations into a temporary directory
# (tests/scapy/gen.py), compares `RIPOSTE show -v` with them for the
# well-formed and the malformed frames (tests/scapy/check.py), and runs the
# parse-then-build round trip (tests/unit/test_roundtrip.c, built as
# ROUNDTRIP_BIN) over the well-formed ones.  All three steps always run;
# the exit status is non-zero if any failed.  Scapy must be Debian's:
# /usr/bin/python3 (override with PYTHON=...).

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 RIPOSTE ROUNDTRIP_BIN" >&2
	exit 2
fi
riposte=$1
roundtrip=$2
here=$(dirname "$0")
python=${PYTHON:-/usr/bin/python3}

case $riposte in /*) ;; *) riposte=$PWD/$riposte ;; esac
case $roundtrip in /*) ;; *) roundtrip=$PWD/$roundtrip ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/riposte-scapy.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT PIPE TERM

echo "== scapy: generating frames"
"$python" "$here/gen.py" --out "$tmp" || exit 1

status=0
for f in wellformed malformed; do
	echo "== scapy: riposte show -v $f.pcap"
	"$python" "$here/check.py" "$riposte" "$tmp/$f.pcap" \
		"$tmp/expected.json" || status=1
done

echo "== scapy: round trip of wellformed.pcap"
"$roundtrip" "$tmp/wellformed.pcap" || status=1

exit $status
