#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""verify.py - checks every reply the golden replay cases committed.

    /usr/bin/python3 tests/golden/verify.py [DIR]

For each replay case of DIR/TESTLIST (default: this script's folder) whose
NAME.out.pcap exists, every reply in it is checked three ways:

 (a) Scapy: the reply is dissected, every checksum and length field of its
     own layers (not those of a header quoted in an ICMP error) is deleted
     and the frame rebuilt; the bytes must be the same.  A field the rule
     forged on purpose is listed in FORGED below (case, frame, fields): it
     is kept while the others are recomputed, and it must differ from what
     Scapy computes.  A zero UDP checksum over IPv4 means "none" (RFC 768)
     and is accepted as it is.
 (b) tcpdump -nn -vv -r: no "incorrect", "bad" or "wrong" in any reply
     but the forged ones.
 (c) semantics, from the request (the input frame the .out says caused the
     reply), the rule that fired and the host blocks of the rule file:
     a SYN-ACK acknowledges seq + 1; a closed port says RST,ACK with ack =
     seq + length (or RST with seq = the segment's ack, RFC 9293
     3.10.7.1); ICMP and ICMPv6 port unreachable quote the datagram; a
     neighbour advertisement has S and O and the host's MAC in the target
     link-layer option (RFC 4861 7.2.4), and to a DAD probe goes to all
     nodes; no reply comes from a group address (Ethernet, IPv4 or IPv6)
     nor names one as a link-layer address; echo replies carry the
     request's id, seq and payload; ARP replies answer who-has; replies to
     tagged frames carry the same VLAN ids; each personality's TTL, DF and
     IP ID (per kind of reply), window, option layout byte by byte and
     ECN answer; and per case: the rate limits against a token bucket
     model, the expression values, the request fields, the TCP options,
     the rewrites of forward, what seeds change, which sources a template
     may answer from, the payload of a frame without one.
 (d) for every input frame, answered or not: a host rule never takes a
     frame whose IP, TCP, UDP, ICMP or ICMPv6 checksum is wrong (a
     transport checksum equal to the bare pseudo-header sum, as a sender
     that offloads checksums leaves it, is right), nor a fragment (an IPv6
     atomic fragment is a whole datagram); an ACK to an open or tarpit
     port is answered, with an RST, exactly when it cannot be for the
     handshake of a SYN-ACK the same case sent (ack - (ISN + 1) >= 2^31).

Prints one line per failed check, then "N passed, M failed" (one check
per reply, plus the per-case checks); exits 1 when a check failed.
"""

import os
import re
import subprocess
import sys
from socket import AF_INET6, inet_aton, inet_pton

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether,
                       ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw,
                       bind_layers, conf, raw)
from scapy.layers.inet import ICMPerror, IPerror, TCPerror, UDPerror
from scapy.layers.inet6 import IPerror6, _ICMPv6
from scapy.utils import RawPcapReader, checksum

conf.verb = 0
# 0x9100, an old QinQ outer tag, is a Dot1Q tag to riposte (and tcpdump).
bind_layers(Ether, Dot1Q, type=0x9100)
bind_layers(Dot1Q, Dot1Q, type=0x9100)

# Fields a rule forged on purpose: (case, frame number) -> Scapy fields,
# as "Layer.field".  Only these may differ from what Scapy computes, and
# each of them must.
FORGED = {
    # rules/forge-bad-checksum.rules
    ("forge-bad-checksum", 1): {"TCP.chksum"},
    ("forge-bad-checksum", 4): {"IP.chksum"},
    ("forge-bad-checksum", 5): {"IP.chksum"},
    # tests/golden/rules/forge.rules, one rule per field
    ("forge", 1): {"IP.len"},
    ("forge", 2): {"IP.chksum"},
    ("forge", 3): {"UDP.len"},
    ("forge", 4): {"UDP.len"},
    ("forge", 5): {"UDP.chksum"},
    ("forge", 6): {"UDP.chksum"},
    ("forge", 7): {"TCP.dataofs"},
    ("forge", 8): {"TCP.chksum"},
    ("forge", 9): {"ICMP.chksum"},
    ("forge", 10): {"IPv6.plen"},
    ("forge", 11): {"UDP.chksum"},
    ("forge", 12): {"ICMPv6EchoReply.cksum"},
    ("forge", 13): {"UDP.chksum"},
}

# Replies whose VLAN tags a rule sets itself (tests/golden/rules/
# tmpl-l2.rules retags, forward.rules rewrites dot1q.vlan), and requests
# whose tags riposte cannot read: a tag cut short, a third tag (riposte
# knows two; the reply keeps those).
VLAN_SET = {("tmpl-l2", 5), ("tmpl-l2", 6), ("forward", 7),
            ("anything-malformed", 3), ("anything-malformed", 26)}

# Rules that send from scratch or set the Ethernet destination: their
# replies need not go back to the requester's MAC.
L2_SET = {"ether_only", "arp_probe", "addresses", "solicit"}

# What each personality looks like (riposte.rules(5), PERSONALITIES).
# ipid "zero": 0 in a datagram with DF (Linux ip_select_ident(), FreeBSD
# ip_fillid() with net.inet.ip.rfc6864), counted otherwise; "increment":
# one counter for every datagram the host sends (Windows).  echo_df: the
# DF bit of an echo reply ("never": Linux's and Windows' ICMP replies;
# "copy": FreeBSD's icmp_reflect() keeps the request's).  ecn: an
# ECN-setup SYN gets ECE in the SYN-ACK; "not-ect": only if the SYN's IP
# header is not ECT-marked or a reserved TCP bit is set (Linux
# tcp_ecn_create_request()).
# window "segments": Linux's tcp_select_initial_window(), 65535 rounded
# down to whole segments of the MSS less the timestamp option.  The MSS
# is 1460 over IPv4 and 1440 over IPv6 (a 1500-byte link) everywhere.
PERSONALITY = {
    "linux": dict(ttl=64, window="segments", ipid="zero", echo_df="never",
                  ecn="not-ect"),
    "windows": dict(ttl=128, window=65535, ipid="increment",
                    echo_df="never", ecn=None),
    "freebsd": dict(ttl=64, window=65535, ipid="zero", echo_df="copy",
                    ecn="always"),
}

# Checksum and length fields, by layer: what Scapy computes when None.
COMPUTED = {
    IP: ("ihl", "len", "chksum"),
    IPv6: ("plen",),
    TCP: ("dataofs", "chksum"),
    UDP: ("len", "chksum"),
    ICMP: ("chksum",),
    ARP: ("hwlen", "plen"),
}

# Layers that quote another packet: nothing inside them is recomputed.
QUOTES = (IPerror, TCPerror, UDPerror, ICMPerror, IPerror6)

FORBIDDEN = re.compile(r"incorrect|\bbad\b|wrong", re.I)


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, where, msg):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s: %s" % (where, msg))
        return ok


def read_pcap(path):
    return [bytes(d) for d, _ in RawPcapReader(path)]


CASES = []  # every replay case of TESTLIST, once main() has read it


def parse_testlist(dirname):
    cases = []
    with open(os.path.join(dirname, "TESTLIST")) as fp:
        for line in fp:
            if line.startswith("#") or not line.strip():
                continue
            w = line.split()
            if len(w) >= 5 and w[1] == "replay":
                cases.append(dict(name=w[0], rules=w[2], input=w[3],
                                  opts=w[4:-1], expected=w[-1]))
    return cases


FRAME_RE = re.compile(r"^ *(\d+) \d\d:\d\d:\d\d\.\d{6} ")
RULE_RE = re.compile(r"^ {7}(host rule|rule) (.*?) \(line \d+\)")
REPLY_RE = re.compile(r"^ {7}> ")


def parse_out(path):
    """The frames of a replay's printed output: number, rule (kind, name)
    and reply count, in order."""
    frames = []
    with open(path) as fp:
        for line in fp:
            m = FRAME_RE.match(line)
            if m:
                frames.append(dict(n=int(m.group(1)), kind=None, rule=None,
                                   replies=0))
                continue
            if not frames:
                continue
            m = RULE_RE.match(line)
            if m:
                frames[-1]["kind"] = "host" if m.group(1) == "host rule" \
                    else "rule"
                frames[-1]["rule"] = m.group(2)
            elif REPLY_RE.match(line):
                frames[-1]["replies"] += 1
    return frames


def parse_hosts(path):
    """host blocks of a rule file: address -> dict(personality, mac)."""
    hosts = {}
    text = open(path).read()
    text = re.sub(r"#[^\n]*", "", text)
    for m in re.finditer(r"\bhost\s+([^{]+)\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i - 1]
        pers = re.search(r"\bpersonality\s+(\w+)", body)
        mac = re.search(r"\bmac\s+([0-9a-fA-F:]{17})", body)
        for a in m.group(1).split(","):
            hosts[a.strip()] = dict(
                personality=pers.group(1) if pers else "linux",
                mac=mac.group(1).lower() if mac else None)
    return hosts


def own_layers(pkt):
    """The layers of pkt up to (not into) a quoted packet."""
    out = []
    layer = pkt
    while layer and not isinstance(layer, QUOTES):
        out.append(layer)
        layer = layer.payload
    return out


def computed_fields(layer):
    for cls, names in COMPUTED.items():
        if type(layer) is cls:
            return names
    if isinstance(layer, _ICMPv6):
        return ("cksum",)
    return ()


LENGTHS = {"IP.len": (IP, 2, 0), "IPv6.plen": (IPv6, 4, 40),
           "UDP.len": (UDP, 4, 0)}


def dissect(frame, forged):
    """frame dissected by Scapy.  Scapy cuts a layer's payload at a length
    field, so a forged length is first replaced by the true one, then put
    back into the dissection."""
    pkt = Ether(frame)
    patched = bytearray(frame)
    values = {}
    for f in forged & set(LENGTHS):
        cls, at, hdr = LENGTHS[f]
        layer = pkt.getlayer(cls)
        if layer is None:
            continue
        off = len(frame) - len(raw(layer))
        values[f] = layer.getfieldval(f.split(".")[1])
        patched[off + at:off + at + 2] = (len(frame) - off - hdr).to_bytes(
            2, "big")
    if not values:
        return pkt
    pkt = Ether(bytes(patched))
    for f, v in values.items():
        setattr(pkt.getlayer(LENGTHS[f][0]), f.split(".")[1], v)
    return pkt


def rebuild(frame, forged, keep):
    """frame dissected, its checksums and lengths deleted except the
    "Layer.field" names in keep (forged ones), and built again by Scapy:
    (bytes, packet)."""
    pkt = dissect(frame, forged)
    for layer in own_layers(pkt):
        name = type(layer).__name__
        for f in computed_fields(layer):
            full = "%s.%s" % (name, f)
            if full in keep:
                continue
            # RFC 768: zero means no checksum; Scapy would compute one.
            if (f == "chksum" and isinstance(layer, UDP) and
                    isinstance(layer.underlayer, IP) and
                    layer.chksum == 0 and full not in forged):
                continue
            # Setting a field (not editing .fields) drops Scapy's cache
            # of the dissected bytes, so that the layer is built again.
            setattr(layer, f, None)
    return raw(pkt), pkt


def l4_chksum_rfc(frame):
    """The UDP or TCP checksum of an IPv4 frame as RFC 768 and RFC 9293
    define it: the pseudo-header holds the segment's own length, whatever
    the IP header's total length says (Scapy's in4_chksum() takes it from
    IP.len when that is set)."""
    pkt = Ether(frame)
    ip = pkt[IP]
    seg = bytearray(raw(ip.payload))
    at = 6 if UDP in pkt else 16
    seg[at:at + 2] = b"\0\0"
    pseudo = (inet_aton(ip.src) + inet_aton(ip.dst) +
              bytes([0, ip.proto]) + len(seg).to_bytes(2, "big"))
    return checksum(pseudo + bytes(seg))


def field_values(frame):
    out = {}
    for layer in own_layers(Ether(frame)):
        name = type(layer).__name__
        for f in computed_fields(layer):
            out["%s.%s" % (name, f)] = layer.getfieldval(f)
    return out


def check_scapy(rep, where, frame, forged):
    """(a): checksums and lengths are Scapy's, but the forged ones."""
    built, pkt = rebuild(frame, forged, forged)
    if built != frame and "IP.len" in forged:
        # A forged IP total length: the transport checksum is RFC 768's.
        want = l4_chksum_rfc(frame)
        layer = pkt.getlayer(UDP) or pkt.getlayer(TCP)
        layer.chksum = want
        built = raw(pkt)
    if built != frame:
        theirs = field_values(frame)
        ours = field_values(built)
        diff = ["%s=%#x (Scapy: %#x)" % (k, theirs[k], ours.get(k))
                for k in sorted(theirs)
                if ours.get(k) is not None and theirs[k] != ours.get(k)]
        if not diff:
            diff = ["bytes differ: %s vs %s" % (frame.hex(), built.hex())]
        return rep.check(False, where, "not Scapy's " + ", ".join(diff))
    ok = True
    for f in sorted(forged):
        full, _ = rebuild(frame, forged, forged - {f})
        ok &= rep.check(field_values(full).get(f) !=
                        field_values(frame).get(f), where,
                        "%s is listed as forged but is right" % f)
    return rep.check(ok, where, "forged fields")


def tcpdump_packets(path):
    """tcpdump -nn -vv's text of each packet in path."""
    r = subprocess.run(["tcpdump", "-nn", "-vv", "-r", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    if r.returncode != 0:
        return None
    out = []
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        if line[:1].isdigit():
            out.append(line)
        elif out:
            out[-1] += "\n" + line
    return out


def vlan_ids(pkt):
    ids = []
    layer = pkt.payload
    while isinstance(layer, (Dot1Q, Dot1AD)):
        ids.append(layer.vlan)
        layer = layer.payload
    return ids


def l3(pkt):
    return pkt.getlayer(IP) or pkt.getlayer(IPv6)


def l3_bytes(frame):
    """The frame from its IP or IPv6 header on."""
    pkt = Ether(frame)
    layer = l3(pkt)
    return raw(layer) if layer is not None else b""


def tcp_opts(t):
    return [o[0] for o in t.options]


OPT_NAMES = {0: "EOL", 1: "NOP", 2: "MSS", 3: "WScale", 4: "SAckOK",
             5: "SAck", 8: "Timestamp"}
OPT_LEN = {"EOL": 1, "NOP": 1, "MSS": 4, "WScale": 3, "SAckOK": 2,
           "Timestamp": 10}


def opt_kinds(t):
    """The option kinds of TCP layer t byte by byte, as names: unlike
    Scapy's list, every EOL and padding byte after the first EOL shows."""
    b = raw(t)[20:t.dataofs * 4]
    out = []
    i = 0
    while i < len(b):
        k = b[i]
        out.append(OPT_NAMES.get(k, k))
        if k in (0, 1):
            i += 1
        elif i + 1 < len(b) and b[i + 1] >= 2:
            i += b[i + 1]
        else:
            break
    return out


def opt_value(t, name):
    for o in t.options:
        if o[0] == name:
            return o[1]
    return None


def freebsd_layout(ws, sack, ts):
    """FreeBSD's tcp_addoptions(): each option in turn, NOPs before it to
    its alignment (window scale at an odd length, SACK-permitted at an
    even one, the timestamp at 2 mod 4), then EOL and zero padding to a
    multiple of 4."""
    out = ["MSS"]
    n = 4

    def put(name):
        nonlocal n
        out.append(name)
        n += OPT_LEN[name]

    if ws:
        while n % 2 != 1:
            put("NOP")
        put("WScale")
    if sack:
        while n % 2:
            put("NOP")
        put("SAckOK")
    if ts:
        while n % 4 != 2:
            put("NOP")
        put("Timestamp")
    while n % 4:
        put("EOL")
    return out


def expected_layout(pers, syn):
    """The SYN-ACK option kinds, byte by byte, that a personality sends
    for a SYN's options (Linux: tcp_options_write(); Windows: MSS, NOP WS,
    then SACK-permitted and timestamps as a pair, or NOP NOP before
    either alone; FreeBSD: freebsd_layout())."""
    offered = tcp_opts(syn)
    ts, sack, ws = ("Timestamp" in offered, "SAckOK" in offered,
                    "WScale" in offered)
    out = ["MSS"]
    if pers == "linux":
        if ts:
            out += (["SAckOK"] if sack else ["NOP", "NOP"]) + ["Timestamp"]
        elif sack:
            out += ["NOP", "NOP", "SAckOK"]
        if ws:
            out += ["NOP", "WScale"]
        return out
    if pers == "freebsd":
        return freebsd_layout(ws, sack, ts)
    if ws:
        out += ["NOP", "WScale"]
    if sack and ts:
        out += ["SAckOK", "Timestamp"]
    elif ts:
        out += ["NOP", "NOP", "Timestamp"]
    elif sack:
        out += ["NOP", "NOP", "SAckOK"]
    return out


def ones(data):
    """The folded 16-bit one's complement sum of data (not complemented)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big")
            for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


IP6_EXT = (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
           IPv6ExtHdrFragment)


def csum_state(frame):
    """What a host makes of a request's checksums and fragmentation:
    "frag" (a fragment; an IPv6 atomic fragment is not one), "bad" (the
    IPv4 header, or the TCP, UDP, ICMP or ICMPv6 checksum, is wrong; an
    IPv6 UDP datagram without one too, RFC 8200 8.1), "partial" (right but
    for a transport checksum that is the bare pseudo-header sum, which a
    sender that offloads checksums leaves), "ok", or None (no IP, cut
    short, routed on: not judged)."""
    try:
        pkt = Ether(frame)
        ip = l3(pkt)
        if ip is None:
            return None
        at = len(frame) - len(raw(ip))
        if isinstance(ip, IP):
            hl = ip.ihl * 4
            if (ip.len < hl or at + ip.len > len(frame) or
                    len(frame) - at < hl):
                return None
            if checksum(frame[at:at + hl]) != 0:
                return "bad"
            if ip.flags.MF or ip.frag:
                return "frag"
            end = at + ip.len
            layer, nh = ip.payload, ip.proto
            src, dst = inet_aton(ip.src), inet_aton(ip.dst)
        else:
            end = at + 40 + ip.plen
            if end > len(frame):
                return None
            layer, nh = ip.payload, ip.nh
            while isinstance(layer, IP6_EXT):
                if isinstance(layer, IPv6ExtHdrFragment) and (
                        layer.offset or layer.m):
                    return "frag"
                if isinstance(layer, IPv6ExtHdrRouting) and layer.segleft:
                    return None
                layer, nh = layer.payload, layer.nh
            src, dst = inet_pton(AF_INET6, ip.src), inet_pton(AF_INET6,
                                                               ip.dst)
        if nh not in (1, 6, 17, 58) or not len(raw(layer)):
            return "ok"
        l4 = len(frame) - len(raw(layer))
        seg = frame[l4:end]
        if nh == 1:
            return "ok" if checksum(seg) == 0 else "bad"
        at_f = {6: 16, 17: 6, 58: 2}[nh]
        if len(seg) < at_f + 2:
            return None
        field = int.from_bytes(seg[at_f:at_f + 2], "big")
        if nh == 17 and field == 0:
            return "ok" if isinstance(ip, IP) else "bad"
        if isinstance(ip, IP):
            pseudo = src + dst + bytes([0, nh]) + len(seg).to_bytes(2, "big")
        else:
            pseudo = src + dst + len(seg).to_bytes(4, "big") + bytes(
                [0, 0, 0, nh])
        if ones(pseudo + seg) == 0xffff:
            return "ok"
        return "partial" if field == ones(pseudo) else "bad"
    except Exception:  # what Scapy cannot dissect is not judged
        return None


def is_atomic6(frame):
    """An IPv6 frame with a Fragment header of offset 0 and M clear."""
    f = Ether(frame).getlayer(IPv6ExtHdrFragment)
    return f is not None and not f.offset and not f.m


def seglen(t):
    return len(t.payload) + (1 if t.flags.S else 0) + (1 if t.flags.F else 0)


def check_host(rep, where, fr, req, rep_frame, hosts, state):
    """(c) for the replies of host rules."""
    q, r = Ether(req), Ether(rep_frame)
    rule = fr["rule"]
    ok = True
    ok &= rep.check(r.dst == q.src, where, "Ethernet destination %s is not "
                    "the requester's %s" % (r.dst, q.src)) if not (
        rule == "nd" and IPv6 in q and q[IPv6].src == "::") else True
    if rule == "arp":
        a, b = q[ARP], r[ARP]
        host = hosts.get(a.pdst, {})
        ok &= rep.check(b.op == 2 and b.psrc == a.pdst and
                        b.hwdst == a.hwsrc and b.pdst == a.psrc and
                        b.hwsrc == r.src, where,
                        "ARP reply does not answer the who-has")
        if host.get("mac"):
            ok &= rep.check(b.hwsrc == host["mac"], where,
                            "ARP says %s, the host's MAC is %s" %
                            (b.hwsrc, host["mac"]))
        return ok
    q3, r3 = l3(q), l3(r)
    host = hosts.get(r3.src, {})
    pers = PERSONALITY[host.get("personality", "linux")]
    if host.get("mac"):
        ok &= rep.check(r.src == host["mac"], where, "Ethernet source %s is "
                        "not the host's MAC %s" % (r.src, host["mac"]))
    if rule == "nd":
        ns, na = q[ICMPv6ND_NS], r.getlayer(ICMPv6ND_NA)
        dad = q[IPv6].src == "::"
        ok &= rep.check(na is not None, where, "no neighbour advertisement")
        if na is None:
            return False
        lla = r.getlayer(ICMPv6NDOptDstLLAddr)
        ok &= rep.check(na.tgt == ns.tgt and na.O == 1 and na.R == 0 and
                        na.S == (0 if dad else 1), where,
                        "NA flags R=%d S=%d O=%d tgt %s" %
                        (na.R, na.S, na.O, na.tgt))
        ok &= rep.check(lla is not None and lla.lladdr == r.src and
                        (not host.get("mac") or lla.lladdr == host["mac"]),
                        where, "NA target link-layer option is not the "
                        "host's MAC")
        ok &= rep.check(r[IPv6].hlim == 255 and r[IPv6].src == ns.tgt,
                        where, "NA hop limit or source")
        if dad:
            ok &= rep.check(r[IPv6].dst == "ff02::1" and
                            r.dst == "33:33:00:00:00:01", where,
                            "an NA to a DAD probe goes to all nodes "
                            "(ff02::1, 33:33:00:00:00:01), not %s %s" %
                            (r[IPv6].dst, r.dst))
        else:
            ok &= rep.check(r[IPv6].dst == q[IPv6].src, where,
                            "NA destination")
        return ok
    # IP replies from the host: addresses swapped, TTL, DF and IP ID.
    ok &= rep.check(r3.src == q3.dst and r3.dst == q3.src, where,
                    "addresses not swapped")
    pname = host.get("personality", "linux")
    ttl = r3.ttl if IP in r else r3.hlim
    ok &= rep.check(ttl == pers["ttl"], where, "TTL/hop limit %d, the "
                    "personality says %d" % (ttl, pers["ttl"]))
    if IP in r:
        if TCP in r:
            df = True
        elif rule == "ping" and pers["echo_df"] == "copy":
            df = bool(q[IP].flags.DF)
        elif UDP in r:
            # Linux: an unconnected UDP socket (IP_PMTUDISC_WANT) sends
            # with DF; the others are not modelled here.
            df = True if pname == "linux" else None
        else:
            df = False  # echo replies, ICMP errors
        ok &= rep.check(df is None or bool(r[IP].flags.DF) == df, where,
                        "DF %s, %s says %s for this reply" %
                        (bool(r[IP].flags.DF), pname, df))
        ipid = r[IP].id
        if pers["ipid"] == "zero" and df:
            ok &= rep.check(ipid == 0, where, "IP ID %d, not 0 with DF" %
                            ipid)
        elif pers["ipid"] == "increment":
            last = state.get(("ipid", r3.src))
            ok &= rep.check(last is None or ipid == (last + 1) & 0xffff,
                            where, "IP ID %d does not follow %s" %
                            (ipid, last))
            state[("ipid", r3.src)] = ipid
    if rule == "ping":
        if ICMP in q:
            a, b = q[ICMP], r[ICMP]
            ok &= rep.check(b.type == 0 and b.code == 0 and a.id == b.id and
                            a.seq == b.seq and
                            raw(a.payload) == raw(b.payload), where,
                            "echo reply does not carry id, seq, payload")
        else:
            a, b = q[ICMPv6EchoRequest], r.getlayer(ICMPv6EchoReply)
            ok &= rep.check(b is not None and a.id == b.id and
                            a.seq == b.seq and a.data == b.data, where,
                            "echo6 reply does not carry id, seq, data")
        return ok
    if rule == "udp closed":
        quote = l3_bytes(req)
        if IP in r:
            icmp = r[ICMP]
            body = raw(icmp.payload)
            ok &= rep.check(icmp.type == 3 and icmp.code == 3, where,
                            "not ICMP port unreachable")
            ok &= rep.check(len(r[IP]) <= 576, where, "longer than 576")
        else:
            icmp = r.getlayer(ICMPv6DestUnreach)
            body = raw(icmp.payload) if icmp else b""
            ok &= rep.check(icmp is not None and icmp.code == 4, where,
                            "not ICMPv6 port unreachable")
            ok &= rep.check(len(r[IPv6]) <= 1280, where, "longer than 1280")
        ok &= rep.check(len(body) >= len(quote[:28]) and
                        quote.startswith(body), where,
                        "the quote is not the datagram's start")
        # The IP header, extension headers and the UDP header, at least.
        udp_at = len(quote) - len(raw(q[UDP]))
        ok &= rep.check(len(body) >= udp_at + 8, where,
                        "the quote lacks the UDP header")
        return ok
    if rule == "udp open":
        ok &= rep.check(r[UDP].sport == q[UDP].dport and
                        r[UDP].dport == q[UDP].sport, where,
                        "UDP ports not swapped")
        return ok
    if rule.startswith("tcp"):
        a, b = q[TCP], r[TCP]
        ok &= rep.check(b.sport == a.dport and b.dport == a.sport, where,
                        "TCP ports not swapped")
        if rule == "tcp closed":
            if a.flags.A:
                ok &= rep.check(str(b.flags) == "R" and b.seq == a.ack,
                                where, "RST to an ACK must have seq = its "
                                "ack (got %s seq %d)" % (b.flags, b.seq))
            else:
                ok &= rep.check(str(b.flags) == "RA" and b.seq == 0 and
                                b.ack == (a.seq + seglen(a)) & 0xffffffff,
                                where, "RST,ACK must ack seq + length "
                                "(got %s ack %d)" % (b.flags, b.ack))
            ok &= rep.check(b.window == 0 and not b.options, where,
                            "RST with a window or options")
            return ok
        key = ("isn", q3.src, q3.dst, a.sport, a.dport)
        if rule == "tcp open" and (not a.flags.S or a.flags.A or
                                   not b.flags.S):
            # The stateful engine: an RST with seq = SEG.ACK for no flow
            # of ours (RFC 9293 3.10.7.2), else a segment of the flow,
            # which always acknowledges (challenge ACKs included).
            if b.flags.R:
                ok &= rep.check(str(b.flags) in ("R", "RA") and
                                b.window == 0 and not b.options, where,
                                "RST with a window or options")
                if str(b.flags) == "R" and a.flags.A:
                    ok &= rep.check(b.seq == a.ack, where, "RST to an ACK "
                                    "for no flow must have seq = its ack")
            else:
                ok &= rep.check(b.flags.A, where, "a segment of a flow "
                                "without ACK (got %s)" % b.flags)
            return ok
        if not a.flags.S or a.flags.A:
            # open, tarpit: an ACK for no handshake of ours, or a SYN-ACK
            # (we send no SYN) (RFC 9293 3.10.7.2).
            ok &= rep.check(a.flags.A and not a.flags.R and
                            str(b.flags) == "R" and b.seq == a.ack and
                            b.window == 0 and not b.options, where,
                            "a segment to an open port must get RST with "
                            "seq = its ack (got %s seq %d)" %
                            (b.flags, b.seq))
            return ok
        # open, tarpit: a SYN-ACK that follows the personality.
        state[key] = b.seq
        ecn = a.flags.E and a.flags.C and (
            pers["ecn"] == "always" or
            (pers["ecn"] == "not-ect" and
             (not l3_ect(q3) or a.reserved or a.flags.N)))
        want_flags = "SAE" if ecn else "SA"
        ok &= rep.check(str(b.flags) == want_flags and
                        b.ack == (a.seq + 1) & 0xffffffff, where,
                        "SYN-ACK must be %s and ack seq + 1 (got %s ack "
                        "%d)" % (want_flags, b.flags, b.ack))
        mss = 1460 if isinstance(q3, IP) else 1440
        want = pers["window"]
        if want == "segments":
            seg = mss - (12 if opt_value(b, "Timestamp") else 0)
            want = 65535 // seg * seg
        if rule == "tcp tarpit":
            want = 0
        ok &= rep.check(b.window == want, where, "window %d, not %d" %
                        (b.window, want))
        layout = expected_layout(pname, a)
        if state.get("guard") and len(rep_frame) < len(req) + \
                len(layout) * 4 and opt_kinds(b) != layout:
            # No amplification (the default): a SYN-ACK no bigger than
            # the SYN, options dropped to fit (TS, WScale, SAckOK, MSS).
            ok &= rep.check(len(rep_frame) <= len(req), where,
                            "SYN-ACK of %d bytes to a SYN of %d" % (
                                len(rep_frame), len(req)))
            ok &= rep.check(set(opt_kinds(b)) <= set(layout), where,
                            "options %s, not of %s" % (opt_kinds(b),
                                                      layout))
            return ok
        ok &= rep.check(opt_kinds(b) == layout, where,
                        "options %s, expected %s" % (opt_kinds(b), layout))
        if opt_value(b, "Timestamp"):
            ok &= rep.check(opt_value(b, "Timestamp")[1] ==
                            opt_value(a, "Timestamp")[0], where,
                            "TS ecr is not the SYN's TS val")
        if opt_value(b, "WScale") is not None:
            ok &= rep.check(opt_value(b, "WScale") == {
                "linux": 7, "windows": 8, "freebsd": 6}[pname], where,
                "window scale")
        ok &= rep.check(opt_value(b, "MSS") == mss, where,
                        "MSS %s, not %d" % (opt_value(b, "MSS"), mss))
        return ok
    return ok


def l3_ect(l3layer):
    """Is the IP or IPv6 header ECN-capable (ECT(0), ECT(1) or CE)?"""
    tos = l3layer.tos if isinstance(l3layer, IP) else l3layer.tc
    return bool(tos & 3)


def check_frame(rep, case, fr, req, reps, hosts, state):
    """(d) for one input frame, answered or not."""
    name, n = case["name"], fr["n"]
    where = "%s frame %d" % (name, n)
    ok = True
    st = csum_state(req)
    if st in ("bad", "frag"):
        ok &= rep.check(fr["kind"] != "host", where,
                        "host rule %s took a frame %s" % (
                            fr["rule"], "with a wrong checksum"
                            if st == "bad" else "that is a fragment"))
    if fr["kind"] != "host" or fr["rule"] != "tcp tarpit":
        return ok  # open ports are stateful: check_host checks each reply
    q = Ether(req)
    t = q[TCP]
    if t.flags.S and t.flags.A and not t.flags.R:
        return ok & rep.check(len(reps) == 1, where, "a SYN-ACK to a "
                              "listening port gets RST, seq = its ack")
    if t.flags.S or not t.flags.A or t.flags.R:
        return ok
    isn = state.get(("isn", l3(q).src, l3(q).dst, t.sport, t.dport))
    if isn is None:
        return ok
    stray = ((t.ack - (isn + 1)) & 0xffffffff) >= 0x80000000
    return ok & rep.check(bool(reps) == stray, where,
                          "ack %d, our ISN %d: %s, but %s" % (
                              t.ack, isn, "no handshake of ours"
                              if stray else "may be ours",
                              "answered" if reps else "not answered"))


def check_common(rep, case, where, fr, req, rep_frame):
    """(c) for every reply: tags kept, Ethernet destination, SYN-ACKs."""
    q, r = Ether(req), Ether(rep_frame)
    ok = True
    fwd = case["forward"].get(fr["rule"]) is not None
    if vlan_ids(q) and (case["name"], fr["n"]) not in VLAN_SET:
        ok &= rep.check(vlan_ids(q) == vlan_ids(r), where,
                        "VLAN ids %s, the request had %s" %
                        (vlan_ids(r), vlan_ids(q)))
    if not fwd:
        ok &= rep.check(not int(r.src.split(":")[0], 16) & 1, where,
                        "a group address as the Ethernet source: %s" % r.src)
        src = l3(r).src if l3(r) is not None else None
        ok &= rep.check(src is None or not (
            src.startswith("ff") or src == "255.255.255.255" or
            224 <= int(src.split(".")[0] if "." in src else 0) < 240),
            where, "a multicast or broadcast source address: %s" % src)
        lla = r.getlayer(ICMPv6NDOptDstLLAddr)
        ok &= rep.check(lla is None or not int(lla.lladdr[:2], 16) & 1,
                        where, "a group address as the target link-layer "
                        "address: %s" % (lla and lla.lladdr))
    if fr["kind"] == "rule" and not fwd and fr["rule"] not in L2_SET:
        ok &= rep.check(r.dst == q.src, where,
                        "Ethernet destination is not the requester")
    if (TCP in q and TCP in r and not fwd and str(q[TCP].flags) == "S" and
            str(r[TCP].flags) == "SA"):
        ok &= rep.check(r[TCP].ack == (q[TCP].seq + 1) & 0xffffffff, where,
                        "SYN-ACK ack %d, SYN seq %d" %
                        (r[TCP].ack, q[TCP].seq))
    return ok


def forward_rules(path):
    """rule name -> its forward assignments, from the rule file."""
    out = {}
    text = re.sub(r"#[^\n]*", "", open(path).read())
    for m in re.finditer(r"\brule\s+(\S+)\s*\{([^}]*)\}", text):
        f = re.search(r"\bforward\s+(.*)", m.group(2))
        if f:
            out[m.group(1)] = f.group(1).strip()
    return out


# Per-case semantic checks: name -> function(rep, case, pairs), where
# pairs is a list of (frame, request bytes, [reply bytes]).

def per_frame(pairs):
    return {fr["n"]: (fr, req, reps) for fr, req, reps in pairs}


def check_limit(rep, case, pairs):
    """Token buckets of n a second holding n, refilled continuously."""
    rates = {5001: (2, False), 5002: (1, True), 5003: (1, True)}
    buckets = {}
    ok = True
    times = [t for t in case["times"]]
    for (fr, req, reps), t in zip(pairs, times):
        q = Ether(req)
        rate, per_src = rates[q[UDP].dport]
        key = (q[UDP].dport, l3(q).src if per_src else None)
        tokens, last = buckets.get(key, (float(rate), t))
        tokens = min(float(rate), tokens + (t - last) / 1e6 * rate)
        want = tokens >= 1 - 1e-9
        if want:
            tokens -= 1
        buckets[key] = (tokens, t)
        ok &= rep.check(bool(reps) == want, "limit frame %d" % fr["n"],
                        "answered %s, the bucket says %s" % (bool(reps),
                                                             want))
    return ok


def check_expr(rep, case, pairs):
    f = per_frame(pairs)
    ok = True

    def reply(n):
        return Ether(f[n][2][0]) if n in f and f[n][2] else None

    def req(n):
        return Ether(f[n][1])[TCP]

    m32, m16 = 0xffffffff, 0xffff
    t = req(1)
    r = reply(1)
    ok &= rep.check(r is not None and
                    (r[IP].id, r[IP].tos, r[IP].ttl, r[TCP].seq, r[TCP].ack,
                     r[TCP].window, r[TCP].urgptr) ==
                    ((t.sport + 1) & m16, t.sport & 0xfc,
                     (t.sport >> 8) - 100, (t.seq * 3 - 7) & m32,
                     t.seq // 7 + t.seq % 7, (t.window | 0x100) ^ 0xff,
                     ~t.sport & 0xffff), "expr arith", "values")
    r = reply(2)
    ok &= rep.check(r is not None and
                    (r[IP].id, r[IP].tos, r[IP].ttl, r[TCP].seq, r[TCP].ack,
                     r[TCP].window, r[TCP].urgptr) ==
                    (85, 8, 4, 14, 3, 9, 2), "expr precedence", "values")
    t = req(3)
    r = reply(3)
    ok &= rep.check(r is not None and
                    (r[IP].id, r[TCP].seq, r[TCP].ack, r[TCP].window,
                     r[TCP].urgptr) ==
                    ((t.seq * 100) & m16, -t.seq & m32, ~t.seq & m32,
                     (t.seq + 0x10000) & m16, (t.seq - 1001) & m16),
                    "expr wrap", "values")
    ok &= rep.check(not f[4][2] and not f[5][2], "expr div_zero",
                    "a division by zero answered")
    now = case["times"][5] // 1000 + 1704110400000
    r = reply(6)
    ok &= rep.check(r is not None and
                    (r[TCP].seq, r[TCP].ack, r[TCP].window) ==
                    (now & m32, (now // 1000) & m32, now % 1000),
                    "expr clock", "now is not the frame's time in ms")
    return ok


def check_fields(rep, case, pairs):
    f = per_frame(pairs)
    ok = True
    q, r = Ether(f[1][1]), Ether(f[1][2][0])
    ts = opt_value(q[TCP], "Timestamp")
    ok &= rep.check((r[IP].ttl, r[IP].id, r[IP].tos, r[TCP].seq,
                     r[TCP].window, r[TCP].urgptr,
                     opt_value(r[TCP], "Timestamp")) ==
                    (q[IP].ttl, q[IP].id, q[IP].tos, ts[0],
                     opt_value(q[TCP], "MSS"), opt_value(q[TCP], "WScale"),
                     (ts[1] + 5, ts[0])), "fields tcp", "values")
    q, r = Ether(f[3][1]), Ether(f[3][2][0])
    ok &= rep.check((r[UDP].sport, r[UDP].dport, r[Raw].load) ==
                    (len(q[Raw].load), q[UDP].len, q[Raw].load),
                    "fields udp", "values")
    q, r = Ether(f[5][1]), Ether(f[5][2][0])
    ok &= rep.check(r[Raw].load == bytes(map(int, q[IP].src.split("."))) and
                    r.dst == q.src, "fields addresses", "values")
    q, r = Ether(f[6][1]), Ether(f[6][2][0])
    ok &= rep.check((r[IPv6].hlim, r[IPv6].fl, r[IPv6].tc) ==
                    (q[IPv6].hlim, q[IPv6].fl, q[IPv6].tc),
                    "fields ip6", "values")
    q, r = Ether(f[7][1]), Ether(f[7][2][0])
    ok &= rep.check((r[ICMP].id, r[ICMP].seq) == (q[ICMP].seq, q[ICMP].id),
                    "fields icmp", "id and seq not swapped")
    q, r = Ether(f[8][1]), Ether(f[8][2][0])
    ok &= rep.check(r[ICMPv6EchoReply].id == q[ICMPv6EchoRequest].id + 1,
                    "fields icmp6", "id")
    q, r = Ether(f[9][1]), Ether(f[9][2][0])
    ok &= rep.check((r[IP].id, r[TCP].window) == (q[Dot1Q].vlan,
                                                  q[Dot1Q].prio),
                    "fields vlan", "values")
    ok &= rep.check(not f[2][2] and not f[11][2],
                    "fields missing", "a frame lacking a field answered")
    # No payload: raw.len 0, raw.load empty (sport=raw.len, dport=udp.len).
    q, r = Ether(f[4][1]), Ether(f[4][2][0]) if f[4][2] else None
    ok &= rep.check(r is not None and
                    (r[UDP].sport, r[UDP].dport, raw(r[UDP].payload)) ==
                    (0, q[UDP].len, b""), "fields udp empty", "values")
    return ok


def check_tmpl_tcp(rep, case, pairs):
    f = per_frame(pairs)
    want = {
        1: [("MSS", 1460), ("NOP", None), ("WScale", 7), ("SAckOK", b""),
            ("Timestamp", (100, 1)), ("EOL", None)],
        3: [("NOP", None), ("NOP", None), ("SAck", (1100, 1200))],
        4: [("NOP", None), ("NOP", None),
            ("SAck", (1, 2, 3, 4, 5, 6, 7, 8))],
        5: [(99, b"\x00\x81\x01\x02"), (254, b"\xf9\x89"), ("NOP", None),
            ("EOL", None)],
        6: [("SAckOK", b""), ("MSS", 536), ("EOL", None)],
    }
    ok = True
    for n, opts in want.items():
        got = Ether(f[n][2][0])[TCP].options
        got = [(k, v) for k, v in got]
        ok &= rep.check(got == opts, "tmpl-tcp frame %d" % n,
                        "options %s, expected %s" % (got, opts))
    t = Ether(f[7][2][0])[TCP]
    ok &= rep.check(int(t.flags) == 0x1ff and t.urgptr == 5,
                    "tmpl-tcp frame 7", "flags %s" % t.flags)
    return ok


def swap(layer, a, b):
    va, vb = layer.getfieldval(a), layer.getfieldval(b)
    setattr(layer, a, vb)
    setattr(layer, b, va)


def check_forward(rep, case, pairs):
    """Each forwarded frame is the request with the rule's fields set and
    the rest recomputed by Scapy."""
    edits = {
        "bump_port": lambda p: (setattr(p[UDP], "dport", 10000),
                                setattr(p[IP], "ttl", p[IP].ttl - 1)),
        "swap_addresses": lambda p: swap(p[IP], "src", "dst"),
        "tcp_seq": lambda p: (setattr(p[TCP], "seq", p[TCP].seq + 1000),
                              setattr(p[TCP], "flags", 0x14),
                              setattr(p[TCP], "window", 0)),
        "ipv6": lambda p: (setattr(p[IPv6], "hlim", p[IPv6].hlim - 1),
                           setattr(p[UDP], "dport", 7804)),
        "ttl_wrap": lambda p: setattr(p[IP], "ttl", (p[IP].ttl - 1) & 0xff),
        "macs": lambda p: swap(p, "src", "dst"),
        "vlan": lambda p: setattr(p[Dot1Q], "vlan", 200),
        "payload_len": lambda p: (setattr(p[IP], "id", len(p[Raw].load)),
                                  setattr(p[UDP], "sport",
                                          p[UDP].sport + 1)),
        # rules/udp-echo.rules
        "bump-port": lambda p: (setattr(p[UDP], "dport", 10000),
                                setattr(p[IP], "ttl",
                                        (p[IP].ttl - 1) & 0xff)),
        # tests/golden/rules/forward-addresses.rules
        "addresses": lambda p: (setattr(p[IP], "dst", "203.0.113.9"),
                                setattr(p, "src", p.dst),
                                setattr(p, "dst", "02:00:00:00:00:fe")),
    }
    ok = True
    n = 0
    for fr, req, reps in pairs:
        if fr["rule"] not in edits or not reps:
            continue
        n += 1
        p = Ether(req)
        zero = UDP in p and IP in p and p[UDP].chksum == 0
        edits[fr["rule"]](p)
        for layer in own_layers(p):
            for f in computed_fields(layer):
                if f == "chksum" and zero and isinstance(layer, UDP):
                    continue
                setattr(layer, f, None)
        ok &= rep.check(raw(p) == reps[0], "%s frame %d" % (
            case["name"], fr["n"]), "not the request rewritten by %s" %
            fr["rule"])
    return ok & rep.check(n > 0, case["name"], "nothing forwarded")


def replies_of(dirname, name):
    path = os.path.join(dirname, name + ".out.pcap")
    return read_pcap(path) if os.path.exists(path) else None


def differ_only_in(a, b, fields):
    """Do frames a and b differ, and only in the given "Layer.field"s
    (checksums aside)?"""
    pa, pb = Ether(a), Ether(b)
    for p in (pa, pb):
        for layer in own_layers(p):
            for f in computed_fields(layer):
                layer.fields.pop(f, None)
            for f in fields:
                cls, _, name = f.partition(".")
                if type(layer).__name__ == cls:
                    layer.setfieldval(name, 0)
                    if name == "options":
                        layer.options = [o for o in layer.options
                                         if o[0] != "Timestamp"]
    return raw(pa) == raw(pb) and a != b


def check_seeds(rep, dirname):
    """The same seed gives the same bytes whichever way it is given; a
    different seed changes the random fields and nothing else."""
    ok = True
    one, two = replies_of(dirname, "random-1"), replies_of(dirname,
                                                           "random-2")
    if one is not None and two is not None:
        ok &= rep.check(len(one) == len(two), "random-1/random-2",
                        "reply counts differ")
        for i, (a, b) in enumerate(zip(one, two)):
            ok &= rep.check(differ_only_in(a, b, {"IP.id", "TCP.seq",
                                                  "TCP.window"}),
                            "random-1/random-2 reply %d" % (i + 1),
                            "must differ in ip.id, seq and window only")
    pairs = [("seed-1", "seed-override"), ("seed-opt-5", "seed-file-5")]
    for x, y in pairs:
        a, b = replies_of(dirname, x), replies_of(dirname, y)
        if a is not None and b is not None:
            ok &= rep.check(a == b, "%s/%s" % (x, y),
                            "the same seed gave other replies")
    a, b = replies_of(dirname, "seed-1"), replies_of(dirname, "seed-2")
    if a is not None and b is not None:
        for i, (x, y) in enumerate(zip(a, b)):
            ok &= rep.check(x != y, "seed-1/seed-2 reply %d" % (i + 1),
                            "another seed gave the same reply")
    return ok


def check_udp_echo(rep, case, pairs):
    """rules/udp-echo.rules: each family's echo answers its own datagrams
    with their payload, empty ones too; port 9999 is forwarded."""
    ok = True
    echoed = 0
    for fr, req, reps in pairs:
        if not fr["rule"] or not fr["rule"].startswith("udp-echo"):
            continue
        q = Ether(req)
        six = fr["rule"] == "udp-echo6"
        ok &= rep.check((IPv6 in q) == six and len(reps) == 1,
                        "udp-echo frame %d" % fr["n"],
                        "%s took a datagram of the other family" %
                        fr["rule"])
        if reps:
            r = Ether(reps[0])
            ok &= rep.check(raw(r[UDP].payload) == raw(q[UDP].payload) and
                            r[UDP].dport == q[UDP].sport,
                            "udp-echo frame %d" % fr["n"],
                            "not the datagram echoed")
            echoed += 1
    ok &= rep.check(echoed == 3, "udp-echo", "%d echoes, 3 expected" %
                    echoed)
    return ok & check_forward(rep, case, pairs)


def check_bad_checksum(rep, case, pairs):
    """A host drops frames with wrong checksums and answers those whose
    transport checksum a sender left for offload (each sort present)."""
    ok = True
    seen = set()
    for fr, req, reps in pairs:
        st = csum_state(req)
        seen.add(st)
        if st in ("bad", "partial"):
            ok &= rep.check(bool(reps) == (st == "partial"),
                            "%s frame %d" % (case["name"], fr["n"]),
                            "checksum %s, %s" % (st, "answered" if reps
                                                 else "not answered"))
    return ok & rep.check({"bad", "partial"} <= seen, case["name"],
                          "the capture lacks bad or partial checksums")


def check_fragments(rep, case, pairs):
    """No fragment is answered; IPv6 atomic fragments are."""
    ok = True
    atomic = 0
    for fr, req, reps in pairs:
        st = csum_state(req)
        where = "%s frame %d" % (case["name"], fr["n"])
        if st == "frag":
            ok &= rep.check(not reps, where, "a fragment answered")
        elif is_atomic6(req):
            atomic += 1
            ok &= rep.check(bool(reps), where,
                            "an atomic fragment not answered")
    return ok & rep.check(atomic > 0, case["name"], "no atomic fragment")


def check_mirror_multicast(rep, case, pairs):
    """Requests to group addresses: a template without a source is
    refused; one that gives Ether(src=...) and the IP source answers from
    them."""
    f = per_frame(pairs)
    ok = rep.check(not f[1][2] and not f[2][2], "mirror-multicast",
                   "a reply without a source of its own")
    mac = "02:00:00:00:00:61"
    r = Ether(f[3][2][0]) if f[3][2] else None
    ok &= rep.check(r is not None and r.src == mac and r[ARP].hwsrc == mac
                    and r[ARP].psrc == "198.51.100.61",
                    "mirror-multicast frame 3", "ARP not from the given MAC")
    r = Ether(f[4][2][0]) if f[4][2] else None
    ok &= rep.check(r is not None and r.src == mac and
                    r[IPv6].src == "2001:db8::61" and
                    r[ICMPv6NDOptDstLLAddr].lladdr == mac,
                    "mirror-multicast frame 4", "NA not from the given "
                    "addresses")
    return ok


def check_raw_len(rep, case, pairs):
    """Without payload, raw.len is 0 and raw.load empty."""
    f = per_frame(pairs)
    ok = True
    for n in (1, 2):
        q = Ether(f[n][1])
        r = Ether(f[n][2][0]) if f[n][2] else None
        ok &= rep.check(r is not None and r[TCP].ack ==
                        q[TCP].seq + len(raw(q[TCP].payload)),
                        "raw-len frame %d" % n, "ack is not seq + raw.len")
    for n in (3, 4):
        q = Ether(f[n][1])
        r = Ether(f[n][2][0]) if f[n][2] else None
        ok &= rep.check(r is not None and
                        raw(r[UDP].payload) == raw(q[UDP].payload),
                        "raw-len frame %d" % n, "not echoed as it came")
    return ok


def check_unknown_payload(frames):
    """The frames of a case whose payload is unknown (dissection stopped
    before it): a rule that reads raw.len or raw.load answers nothing."""
    def check(rep, case, pairs):
        f = per_frame(pairs)
        return rep.check(all(not f[n][2] for n in frames), case["name"],
                         "frames %s answered from a payload the dissection "
                         "never reached" % (frames,))
    return check


def check_replies(counts, extra=None):
    """The frames of a case and how many replies each must get (frame
    number -> count; None: every frame one); the replies themselves are
    check_host's and check_common's, so that this keeps their checks
    from passing on replies that were never sent.  extra, if given, is
    a further check of the case."""
    def check(rep, case, pairs):
        f = per_frame(pairs)
        want = counts or {n: 1 for n in f}
        ok = rep.check(set(want) <= set(f), case["name"],
                       "frames %s missing from the output" %
                       sorted(set(want) - set(f)))
        for n, c in sorted(want.items()):
            got = len(f[n][2]) if n in f else None
            ok &= rep.check(got == c, "%s frame %d" % (case["name"], n),
                            "%s replies, %d expected" % (got, c))
        return ok & (extra(rep, case, pairs) if extra else True)
    return check


def check_ipid_run(rep, case, pairs):
    """Windows: one IP ID per datagram sent, so the IDs of the case's
    replies (one host) are n, n+1, n+2, ... with no gap where a frame
    went unanswered."""
    ids = [Ether(r)[IP].id for _, _, reps in pairs for r in reps]
    return rep.check(len(ids) > 1 and all(
        b == (a + 1) & 0xffff for a, b in zip(ids, ids[1:])),
        case["name"], "IP IDs %s are not consecutive" % ids)


def check_no_ece(rep, case, pairs):
    """Linux: no ECE to an ECN-setup SYN that is ECT-marked itself."""
    ece = [fr["n"] for fr, _, reps in pairs for r in reps
           if Ether(r)[TCP].flags.E]
    return rep.check(not ece, case["name"], "ECE in the SYN-ACKs to "
                     "frames %s" % ece)


def check_ecn(rep, case, pairs):
    """Every ECN probe answered; ECE where the personality says so (the
    flags themselves are check_host's)."""
    ok = True
    ece = 0
    for fr, req, reps in pairs:
        ok &= rep.check(len(reps) == 1, "%s frame %d" % (case["name"],
                                                          fr["n"]),
                        "not answered")
        ece += sum(1 for r in reps if Ether(r)[TCP].flags.E)
    return ok & rep.check(ece == 4, case["name"], "%d SYN-ACKs with ECE, "
                          "4 expected (Linux and FreeBSD, IPv4 and IPv6)" %
                          ece)


def check_stray_ack(rep, case, pairs):
    """For each 4-tuple, the capture holds its SYN, the handshake's own
    ACK (ack = the ISN of our SYN-ACK + 1: unanswered) and a stray ACK
    (answered with RST); which ACKs are answered is check_frame()'s."""
    isn = {}
    ok = True
    for fr, req, reps in pairs:
        q = Ether(req)
        t = q[TCP]
        key = (l3(q).src, l3(q).dst, t.sport, t.dport)
        if str(t.flags) == "S":
            ok &= rep.check(len(reps) == 1, "stray-ack frame %d" % fr["n"],
                            "SYN not answered")
            if reps:
                isn[key] = Ether(reps[0])[TCP].seq
            continue
        if key not in isn or not t.flags.A or t.flags.R:
            continue
        d = (t.ack - (isn[key] + 1)) & 0xffffffff
        isn.setdefault(("own",) + key, False)
        isn.setdefault(("stray",) + key, False)
        if d == 0 and not reps:
            isn[("own",) + key] = True
        if d >= 0x80000000 and reps:
            isn[("stray",) + key] = True
    for key in [k for k in isn if len(k) == 4]:
        ok &= rep.check(isn.get(("own",) + key) and
                        isn.get(("stray",) + key), "stray-ack %s" %
                        (key,), "lacks the handshake's unanswered ACK or "
                        "an answered stray one (ISNs changed? see "
                        "STRAY_ISN in mkpcaps.py)")
    return ok & rep.check(len(isn) > 0, "stray-ack", "no SYN answered")


def check_ping_df(rep, case, pairs):
    """Every echo request answered (DF and IP ID are check_host's)."""
    return rep.check(all(len(reps) == 1 for _, _, reps in pairs) and
                     len(pairs) == 4, case["name"], "not all answered")


CASE_CHECKS = {
    "limit": check_limit,
    "expr": check_expr,
    "fields": check_fields,
    "tmpl-tcp": check_tmpl_tcp,
    "forward": check_forward,
    "forward-addresses": check_forward,
    "udp-echo": check_udp_echo,
    "host-bad-checksum": check_bad_checksum,
    "host-fragments": check_fragments,
    "mirror-multicast": check_mirror_multicast,
    "raw-len": check_raw_len,
    "host-ecn": check_ecn,
    "stray-ack": check_stray_ack,
    "host-ping-df": check_ping_df,
    # malformed.pcap: UDP length 4, and past the datagram's end.
    "anything-malformed": check_unknown_payload((16, 17)),
    "raw-len-cut": check_unknown_payload((1, 2)),
    # Bugs once, each case pinned to the replies it must (not) send.
    "personalities": check_replies(None),
    "host-options-ts": check_replies({1: 1, 2: 1}),
    "host-ecn-ect": check_replies(None, check_no_ece),
    "freebsd-ping-df": check_replies({1: 1}),
    "windows-ipid": check_replies({1: 1, 2: 1, 3: 0, 4: 1},
                                  check_ipid_run),
    "stray-synack": check_replies({1: 1}),
    "mirror-multicast-partial": check_replies({1: 0, 2: 0, 3: 0}),
    # tcp-options.pcap frame 13: an ECT-marked ECN-setup SYN (no ECE from Linux).
    "everything-tcp-options": check_replies({13: 1}, check_no_ece),
}


def pcap_times(path):
    """Each frame's time in microseconds after 12:00:00."""
    out = []
    for _, meta in RawPcapReader(path):
        out.append((meta.sec - 1704110400) * 1000000 + meta.usec)
    return out


def verify_case(rep, dirname, top, case):
    name = case["name"]
    # Narration (-v, -vv) prints ladders, not the lines read here; its
    # replies are those of the same case without it (run.sh checks that
    # each writes the bytes of its .out.pcap).
    if any(o.startswith("-v") for o in case["opts"]):
        plain = [c for c in CASES if c["rules"] == case["rules"] and
                 c["input"] == case["input"] and
                 not any(o.startswith("-v") for o in c["opts"])]
        mine = os.path.join(dirname, case["expected"] + ".pcap")
        for c in plain[:1]:
            other = os.path.join(dirname, c["expected"] + ".pcap")
            rep.check(open(mine, "rb").read() == open(other, "rb").read(),
                      name, "narration changed the replies (%s)" % c["name"])
        rep.check(bool(plain), name, "no case without -v to compare with")
        return
    pcap = os.path.join(dirname, case["expected"] + ".pcap")
    out = os.path.join(dirname, case["expected"])
    if not os.path.exists(out):
        return
    has_pcap = os.path.exists(pcap)
    replies = read_pcap(pcap) if has_pcap else []
    frames = parse_out(out)
    inputs = read_pcap(os.path.join(dirname, case["input"]))
    case["times"] = pcap_times(os.path.join(dirname, case["input"]))
    rules = os.path.join(top, case["rules"])
    hosts = parse_hosts(rules)
    # set no_amplification 0: SYN-ACKs in full whatever the SYN's size.
    guard = not re.search(r"^\s*set\s+no_amplification\s+0\b",
                          open(rules).read(), re.M)
    case["forward"] = forward_rules(rules)
    dump = tcpdump_packets(pcap) if has_pcap else []
    if has_pcap:
        rep.check(dump is not None and len(dump) == len(replies), name,
                  "tcpdump cannot read the replies")
    if sum(f["replies"] for f in frames) != len(replies):
        rep.check(False, name, "%d replies printed, %d in the pcap" %
                  (sum(f["replies"] for f in frames), len(replies)))
        return
    pairs = []
    state = {"guard": guard}
    k = 0
    for fr in frames:
        req = inputs[fr["n"] - 1]
        reps = replies[k:k + fr["replies"]]
        pairs.append((fr, req, reps))
        where = "%s frame %d" % (name, fr["n"])
        for j, frame in enumerate(reps):
            try:
                verify_reply(rep, case, where, fr, req, frame, hosts, state,
                             dump[k + j] if dump and k + j < len(dump)
                             else None)
            except Exception as e:  # a reply Scapy cannot take is wrong
                rep.check(False, where, "%s: %s" % (type(e).__name__, e))
        try:
            check_frame(rep, case, fr, req, reps, hosts, state)
        except Exception as e:
            rep.check(False, where, "%s: %s" % (type(e).__name__, e))
        k += fr["replies"]
    if name in CASE_CHECKS:
        CASE_CHECKS[name](rep, case, pairs)


def verify_reply(rep, case, where, fr, req, frame, hosts, state, dump):
    """(a), (b) and (c) for one reply."""
    name = case["name"]
    forged = FORGED.get((name, fr["n"]), set())
    check_scapy(rep, where, frame, forged)
    if dump is not None:
        bad = FORBIDDEN.findall(dump)
        rep.check(not bad or forged, where,
                  "tcpdump says %s: %s" % (
                      "/".join(sorted(set(bad))), dump))
    ok = check_common(rep, case, where, fr, req, frame)
    if fr["kind"] == "host":
        ok &= check_host(rep, where, fr, req, frame, hosts, state)
    rep.check(ok, where, "semantics")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dirname = sys.argv[1] if len(sys.argv) > 1 else here
    top = os.path.abspath(os.path.join(dirname, "..", ".."))
    rep = Report()
    seen = set()
    CASES[:] = parse_testlist(dirname)
    for case in CASES:
        seen.add(case["expected"] + ".pcap")
        try:
            verify_case(rep, dirname, top, case)
        except Exception as e:  # a dissection that fails is a failure
            rep.check(False, case["name"], "%s: %s" % (type(e).__name__, e))
    for f in sorted(os.listdir(dirname)):
        if f.endswith(".out.pcap") and f not in seen:
            rep.check(False, f, "no replay case in TESTLIST writes it")
    check_seeds(rep, dirname)
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
