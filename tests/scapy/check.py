#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
tests/scapy/check.py - compares `riposte show -v` with Scapy's dissection.

    /usr/bin/python3 tests/scapy/check.py RIPOSTE FILE.pcap [EXPECTED.json]

Runs `RIPOSTE show -v -r FILE.pcap`, splits its output into packets (a
packet starts at its numbered summary line, "   N HH:MM:SS.ffffff ..."),
reads every "  name = value" line and the "  !! truncated|malformed: ..."
verdict line, and compares them with what tests/scapy/gen.py wrote into
EXPECTED.json (default: expected.json beside FILE.pcap) for FILE.pcap:

  - every expected field must be printed, with the same value (a name that
    occurs several times, such as ip6dst.nh, is compared in order); values
    are compared as strings, bytes literals and TCP option lists too (they
    must be spelled as Python's repr() spells them; a mismatch that is only
    spelling is marked so);
  - checksums: the value must be Scapy's, and the remark must say
    "[correct]" when Scapy's computed value equals it, "[incorrect, should
    be X]" with X Scapy's computed value when not, "[unverified: ...]" for
    fragments and cut frames; a zero UDP/IPv4 checksum may be "[correct]" or
    "[unverified: ...]" (RFC 768: none was sent);
  - the verdict: "ok" (no "!!" line), "truncated", "malformed", "bad"
    (either of the two), or not checked;
  - for well-formed frames, a layer riposte prints that Scapy did not see is
    a mismatch too.

Prints one line per mismatch:
    FILE #N FIELD: riposte VALUE != scapy VALUE  [frame description]
then exactly "N passed, M failed" (frames), and exits 1 on any failure.
"""

import ast
import json
import os
import re
import subprocess
import sys

PKT_RE = re.compile(r"^\s*(\d+) \d\d:\d\d:\d\d\.\d{6}( |$)")
FIELD_RE = re.compile(r"^\s+([A-Za-z0-9_.]+) =(?: (.*))?$")
VERDICT_RE = re.compile(r"^\s+!! (truncated|malformed): (.*)$")
CK_RE = re.compile(r"^(\S+) \[(.*)\]$")


def run_riposte(riposte, pcap):
    r = subprocess.run([riposte, "show", "-v", "-r", pcap],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "replace"), \
        r.stderr.decode("utf-8", "replace")


def split_packets(out):
    """{number: {"fields": [(name, value)], "verdict": str, "summary": s}}"""
    pkts, cur = {}, None
    for line in out.splitlines():
        m = PKT_RE.match(line)
        if m:
            cur = {"fields": [], "verdict": "ok", "reason": None,
                   "summary": line.strip()}
            pkts[int(m.group(1))] = cur
            continue
        if cur is None:
            continue
        m = VERDICT_RE.match(line)
        if m:
            cur["verdict"], cur["reason"] = m.group(1), m.group(2)
            continue
        m = FIELD_RE.match(line)
        if m:
            cur["fields"].append((m.group(1), (m.group(2) or "").rstrip()))
    return pkts


def literal(s):
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def same_value(exp, got):
    """True when two spellings of a Python literal have the same value."""
    if exp[:2] in ("b'", 'b"') or exp[:1] in ("[", "("):
        a = literal(exp)
        return a is not None and a == literal(got)
    return False


def prefix(name):
    return name.split(".", 1)[0]


def check_frame(exp, got):
    """Returns (fields compared, [(field, riposte, scapy)])."""
    bad, n = [], 0
    if got is None:
        return 0, [("(packet)", "nothing printed", "a packet")]
    gotf = {}
    for name, val in got["fields"]:
        gotf.setdefault(name, []).append(val)
    expf = {}
    for name, val in exp["fields"]:
        expf.setdefault(name, []).append(val)
    cks = exp.get("checksums", {})
    for name, vals in expf.items():
        have = gotf.get(name, [])
        for i, e in enumerate(vals):
            n += 1
            g = have[i] if i < len(have) else None
            if g is None:
                bad.append((name, "(missing)", e))
                continue
            if name in cks and i == 0:
                bad += check_checksum(name, g, cks[name])
                continue
            m = CK_RE.match(g)
            if m and (name.endswith(".chksum") or name.endswith(".cksum")):
                g = m.group(1)  # quoted checksums: value only
            if e != g:
                if same_value(e, g):
                    g += " (same value, not Python's repr)"
                bad.append((name, g, e))
        if len(have) > len(vals):
            bad.append((name, "%d values" % len(have),
                        "%d values" % len(vals)))
    if exp["strict"]:
        seen = set(prefix(k) for k in expf)
        quote = seen & {"iperror", "iperror6"}
        for name in gotf:
            p = prefix(name)
            if p in seen or (quote and p == "raw"):
                continue
            bad.append((name, " ".join(gotf[name]), "(no such layer)"))
    v = exp.get("verdict")
    if v is not None:
        n += 1
        ok = got["verdict"] in ("truncated", "malformed") if v == "bad" \
            else got["verdict"] == v
        if not ok:
            why = got["verdict"]
            if got["reason"]:
                why += ": " + got["reason"]
            bad.append(("(verdict)", why, v))
    return n, bad


def check_checksum(name, got, ck):
    m = CK_RE.match(got)
    val, remark = (m.group(1), m.group(2)) if m else (got, "")
    want = {"correct": "%s [correct]" % ck["value"],
            "incorrect": "%s [incorrect, should be %s]" % (ck["value"],
                                                          ck["should"]),
            "unverified": "%s [unverified: ...]" % ck["value"],
            "nocheck": "%s [correct] or [unverified: ...]" % ck["value"]
            }.get(ck["status"], ck["value"])
    if val != ck["value"]:
        return [(name, got, want)]
    st = ck["status"]
    if st == "correct" and remark != "correct":
        return [(name, got, want)]
    if st == "incorrect" and \
            remark != "incorrect, should be %s" % ck["should"]:
        return [(name, got, want)]
    if st == "unverified" and not remark.startswith("unverified"):
        return [(name, got, want)]
    if st == "nocheck" and not (remark == "correct" or
                                remark.startswith("unverified")):
        return [(name, got, want)]
    return []


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().split("\n")[2].strip(), file=sys.stderr)
        return 2
    riposte, pcap = argv[1], argv[2]
    expected = argv[3] if len(argv) == 4 else \
        os.path.join(os.path.dirname(pcap) or ".", "expected.json")
    with open(expected) as f:
        doc = json.load(f)
    frames = doc["files"][os.path.basename(pcap)]
    rc, out, err = run_riposte(riposte, pcap)
    name = os.path.basename(pcap)
    if rc != 0:
        print("%s: riposte exited with %d: %s" % (name, rc,
                                                  err.strip()[:500]))
    pkts = split_packets(out)
    passed = failed = nfields = 0
    for exp in frames:
        n, bad = check_frame(exp, pkts.get(exp["n"]))
        nfields += n
        if rc != 0 and not bad:
            bad = [("(exit code)", str(rc), "0")]
        if bad:
            failed += 1
            for field, g, e in bad:
                print("%s #%d %s: riposte %s != scapy %s  [%s]" %
                      (name, exp["n"], field, g, e, exp["desc"]))
        else:
            passed += 1
    extra = sorted(set(pkts) - set(f["n"] for f in frames))
    if extra:
        print("%s: riposte printed %d packets more than expected (#%d...)"
              % (name, len(extra), extra[0]))
        failed += 1
    print("%s: %d frames, %d fields compared" % (name, len(frames),
                                                 nfields), file=sys.stderr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
