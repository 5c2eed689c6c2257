#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mkpcaps.py - builds the golden-test pcaps and the fuzz seed corpus.

    /usr/bin/python3 tests/golden/mkpcaps.py [--out DIR] [--seeds DIR]

Writes tests/golden/*.pcap (and the small non-pcap error inputs), and with
--seeds also every frame as a raw file named after its content into DIR
(tests/fuzz/corpus/packet).  Frames are built with Scapy, then damaged by
hand where a case needs it; the pcap files are written here, not by wrpcap,
so that every byte (header, timestamps, caplen/len) is fixed: running the
script again must not change a committed file.

Addresses: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32,
MACs 02:..., plus the broadcast and multicast addresses that ARP and
neighbour discovery require.
"""

import argparse
import os
import struct
import sys
from socket import AF_INET6, inet_pton

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Dot3, Ether,
                       ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                       ICMPv6ND_Redirect, ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                       ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem,
                       ICMPv6TimeExceeded, IPOption_RR, IPOption_Router_Alert,
                       IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, LLC, PadN,
                       Padding, Raw, RouterAlert, fragment, fragment6, raw)

BASE = 1704110400  # 2024-01-01 12:00:00 UTC
DLT_EN10MB = 1
DLT_RAW = 101

BCAST = "ff:ff:ff:ff:ff:ff"
MAC_C = "02:00:00:00:00:01"  # client
MAC_S = "02:00:00:00:00:02"  # server
MAC_R = "02:00:00:00:00:fe"  # router
IP_C = "198.51.100.1"
IP_S = "198.51.100.10"
IP_R = "192.0.2.1"
IP_X = "203.0.113.5"
IP6_C = "2001:db8::1"
IP6_S = "2001:db8::10"
IP6_R = "2001:db8::fe"


def eth(dst=MAC_S, src=MAC_C, **kw):
    return Ether(dst=dst, src=src, **kw)


def c2s4():
    return eth() / IP(src=IP_C, dst=IP_S)


def s2c4():
    return eth(MAC_C, MAC_S) / IP(src=IP_S, dst=IP_C)


def c2s6():
    return eth() / IPv6(src=IP6_C, dst=IP6_S)


def s2c6():
    return eth(MAC_C, MAC_S) / IPv6(src=IP6_S, dst=IP6_C)


def quote(pkt, n=8):
    """The IP header plus n bytes of what follows, as an ICMP error quotes."""
    b = raw(pkt)
    ihl = (b[0] & 0xf) * 4 if b[0] >> 4 == 4 else 40
    return b[:ihl + n]


def ip4_csum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += hdr[i] << 8 | (hdr[i + 1] if i + 1 < len(hdr) else 0)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4_fix(frame, off=14):
    """Recomputes the IPv4 header checksum of a frame edited by hand."""
    b = bytearray(frame)
    ihl = (b[off] & 0xf) * 4
    b[off + 10:off + 12] = b"\0\0"
    b[off + 10:off + 12] = struct.pack("!H", ip4_csum(b[off:off + ihl]))
    return bytes(b)


def l4_fix(frame, at, off=14):
    """Recomputes the transport checksum (at bytes into the transport
    header) of an IPv4 or IPv6 frame edited by hand, over what the IP
    length says the segment is."""
    b = bytearray(frame)
    if b[off] >> 4 == 4:
        ihl = (b[off] & 0xf) * 4
        end = off + struct.unpack("!H", b[off + 2:off + 4])[0]
        l4 = off + ihl
        pseudo = b[off + 12:off + 20] + struct.pack("!BBH", 0, b[off + 9],
                                                     end - l4)
    else:
        l4 = off + 40
        end = l4 + struct.unpack("!H", b[off + 4:off + 6])[0]
        pseudo = b[off + 8:off + 40] + struct.pack("!IxxxB", end - l4,
                                                    b[off + 6])
    b[l4 + at:l4 + at + 2] = b"\0\0"
    b[l4 + at:l4 + at + 2] = struct.pack("!H", ip4_csum(
        bytes(pseudo) + bytes(b[l4:end])))
    return bytes(b)


def poke(frame, off, data):
    b = bytearray(frame)
    b[off:off + len(data)] = data
    return bytes(b)


# Each builder returns frames as (name, bytes[, wirelen]); the name is the
# seed file name, so it says what the frame is.

def arp_frames():
    req = eth(BCAST) / ARP(op=1, hwsrc=MAC_C, psrc=IP_C,
                           hwdst="00:00:00:00:00:00", pdst=IP_S)
    return [
        ("arp-request", req),
        ("arp-reply", eth(MAC_C, MAC_S) / ARP(op=2, hwsrc=MAC_S, psrc=IP_S,
                                              hwdst=MAC_C, pdst=IP_C)),
        ("arp-gratuitous", eth(BCAST, MAC_S) / ARP(
            op=1, hwsrc=MAC_S, psrc=IP_S, hwdst="00:00:00:00:00:00",
            pdst=IP_S)),
        ("arp-request-padded", req / Padding(b"\0" * 18)),
        # IEEE 802 hardware type and IPv6 protocol addresses: not the
        # Ethernet/IPv4 pair, so only the fixed part can be decoded.
        ("arp-ipv6-ptype", eth(BCAST, type=0x0806) / Raw(
            struct.pack("!HHBBH", 6, 0x86dd, 6, 16, 1) +
            bytes.fromhex("020000000001") + inet_pton(AF_INET6, IP6_C) +
            bytes(6) + inet_pton(AF_INET6, IP6_S))),
    ]


def icmp_frames():
    ping = IP(src=IP_C, dst=IP_S) / ICMP(type=8, id=0x1234, seq=1) / Raw(
        b"abcdefghijklmnopqrstuvwabcdefghi")
    dns = IP(src=IP_C, dst=IP_S) / UDP(sport=40001, dport=53) / Raw(
        bytes.fromhex("abcd01000001000000000000076578616d706c65"
                      "03636f6d0000010001"))
    syn = IP(src=IP_C, dst=IP_X, flags="DF") / TCP(sport=40002, dport=443,
                                                    seq=1000, flags="S")
    ping_x = IP(src=IP_C, dst=IP_X, ttl=1, id=7) / ICMP(
        type=8, id=0x77, seq=3) / Raw(b"0123456789abcdef")
    opt = IP(src=IP_C, dst=IP_S, options=[IPOption_RR(routers=[IP_R])])
    return [
        ("icmp-echo-request", eth() / ping),
        ("icmp-echo-reply", eth(MAC_C, MAC_S) / IP(src=IP_S, dst=IP_C) /
         ICMP(type=0, id=0x1234, seq=1) /
         Raw(b"abcdefghijklmnopqrstuvwabcdefghi")),
        ("icmp-port-unreachable-quote", s2c4() / ICMP(type=3, code=3) /
         Raw(raw(dns))),
        ("icmp-frag-needed", eth(MAC_C, MAC_R) / IP(src=IP_R, dst=IP_C) /
         ICMP(type=3, code=4, nexthopmtu=1400) / Raw(quote(syn))),
        ("icmp-ttl-exceeded-quote", eth(MAC_C, MAC_R) /
         IP(src=IP_R, dst=IP_C) / ICMP(type=11, code=0) /
         Raw(quote(ping_x))),
        ("icmp-redirect", eth(MAC_C, MAC_R) / IP(src=IP_R, dst=IP_C) /
         ICMP(type=5, code=1, gw="198.51.100.254") / Raw(quote(syn))),
        ("icmp-param-problem", s2c4() / ICMP(type=12, code=0, ptr=20) /
         Raw(quote(opt / ICMP(type=8, id=9, seq=9)))),
        ("icmp-timestamp-request", c2s4() / ICMP(type=13, id=0x55, seq=1,
                                                 ts_ori=43200000, ts_rx=0,
                                                 ts_tx=0)),
        ("icmp-unknown-type", c2s4() / ICMP(type=253, code=7) /
         Raw(b"\x01\x02\x03\x04")),
        ("icmp-bad-checksum", eth() / IP(src=IP_C, dst=IP_S) /
         ICMP(type=8, id=0x1234, seq=2, chksum=0xdead) / Raw(b"ping")),
        ("ip-bad-checksum", eth() / IP(src=IP_C, dst=IP_S, chksum=0xbad1) /
         ICMP(type=8, id=0x1234, seq=3)),
        ("ip-options-rr", eth() / opt / ICMP(type=8, id=0x1234, seq=4)),
        ("ip-options-router-alert", eth() / IP(
            src=IP_C, dst=IP_S, tos=0xc0, options=[IPOption_Router_Alert()]) /
         ICMP(type=8, id=0x1234, seq=5)),
    ]


def tcp_handshake_frames():
    c, s = 40000, 80
    ci, si = 1000, 5000
    req = (b"GET / HTTP/1.1\r\nHost: 198.51.100.10\r\n"
           b"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
    rsp = (b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n"
           b"Connection: close\r\n\r\nhello\n")

    def cl(ipid, **kw):
        return eth() / IP(src=IP_C, dst=IP_S, id=ipid, flags="DF") / TCP(
            sport=c, dport=s, **kw)

    def sv(ipid, **kw):
        return eth(MAC_C, MAC_S) / IP(src=IP_S, dst=IP_C, id=ipid,
                                      flags="DF") / TCP(sport=s, dport=c, **kw)

    def ts(a, b):
        return [("NOP", None), ("NOP", None), ("Timestamp", (a, b))]

    return [
        ("tcp-syn-options", cl(0x3e01, seq=ci, flags="S", window=64240,
                               options=[("MSS", 1460), ("SAckOK", b""),
                                        ("Timestamp", (1, 0)), ("NOP", None),
                                        ("WScale", 7)])),
        ("tcp-synack-options", sv(0, seq=si, ack=ci + 1, flags="SA",
                                  window=65160,
                                  options=[("MSS", 1460), ("SAckOK", b""),
                                           ("Timestamp", (100, 1)),
                                           ("NOP", None), ("WScale", 7)])),
        ("tcp-ack", cl(0x3e02, seq=ci + 1, ack=si + 1, flags="A", window=502,
                       options=ts(2, 100))),
        ("tcp-psh-http-get", cl(0x3e03, seq=ci + 1, ack=si + 1, flags="PA",
                                window=502, options=ts(2, 100)) / Raw(req)),
        ("tcp-ack-data", sv(0x9a01, seq=si + 1, ack=ci + 1 + len(req),
                            flags="A", window=509, options=ts(101, 2))),
        ("tcp-psh-http-200", sv(0x9a02, seq=si + 1, ack=ci + 1 + len(req),
                                flags="PA", window=509, options=ts(101, 2)) /
         Raw(rsp)),
        ("tcp-ack-reply", cl(0x3e04, seq=ci + 1 + len(req),
                             ack=si + 1 + len(rsp), flags="A", window=501,
                             options=ts(3, 101))),
        ("tcp-fin-server", sv(0x9a03, seq=si + 1 + len(rsp),
                              ack=ci + 1 + len(req), flags="FA", window=509,
                              options=ts(102, 3))),
        ("tcp-fin-client", cl(0x3e05, seq=ci + 1 + len(req),
                              ack=si + 2 + len(rsp), flags="FA", window=501,
                              options=ts(4, 102))),
        ("tcp-last-ack", sv(0x9a04, seq=si + 2 + len(rsp),
                            ack=ci + 2 + len(req), flags="A", window=509,
                            options=ts(103, 4))),
    ]


def tcp_options_frames():
    def seg(**kw):
        f = dict(sport=40003, dport=80, seq=7, ack=9)
        f.update(kw)
        return c2s4() / TCP(**f)

    eol_garbage = raw(seg(flags="S", options=[("MSS", 1460), ("EOL", None)]))
    eol_garbage = eol_garbage[:-3] + b"\xab\xcd\xef"
    return [
        ("tcp-sack-3-blocks", seg(flags="A", options=[
            ("NOP", None), ("NOP", None), ("Timestamp", (5, 6)),
            ("NOP", None), ("NOP", None),
            ("SAck", (100, 200, 300, 400, 500, 600))])),
        ("tcp-sack-4-blocks", seg(flags="A", options=[
            ("NOP", None), ("NOP", None),
            ("SAck", (100, 200, 300, 400, 500, 600, 700, 800))])),
        ("tcp-eol-padding", seg(flags="S", options=[("MSS", 1460),
                                                    ("EOL", None)])),
        ("tcp-eol-garbage", eol_garbage),
        ("tcp-unknown-options", seg(flags="S", options=[
            (30, b"\x00\x81\x01\x02\x03\x04\x05\x06\x07\x08"),
            (254, b"\xf9\x89"), ("NOP", None), ("NOP", None)])),
        ("tcp-all-flags", seg(flags="FSRPAUECN", urgptr=5)),
        ("tcp-reserved-bits", seg(flags="A", reserved=5)),
        ("tcp-null-flags", seg(flags="")),
        ("tcp-xmas", seg(flags="FPU", urgptr=1)),
        ("tcp-rst", seg(flags="R", ack=0, window=0)),
        ("tcp-rst-ack", seg(flags="RA", window=0)),
        ("tcp-bad-checksum", seg(flags="S", chksum=0x1234)),
        ("tcp-ecn-syn", eth() / IP(src=IP_C, dst=IP_S, tos=0x02) /
         TCP(sport=40004, dport=80, flags="SEC", options=[("MSS", 536),
                                                          ("WScale", 14)])),
        ("tcp-syn-ipv6", c2s6() / TCP(sport=40005, dport=22, seq=1,
                                      flags="S", window=64800,
                                      options=[("MSS", 1440),
                                               ("SAckOK", b""),
                                               ("Timestamp", (9, 0)),
                                               ("NOP", None),
                                               ("WScale", 7)])),
    ]


def udp_ffff():
    """A datagram whose checksum computes to 0, sent as 0xffff."""
    def dgram(x):
        return c2s4() / UDP(sport=40006, dport=7) / Raw(b"ab" + struct.pack(
            "!H", x))

    # Adding x to the sum of the x=0 datagram gives 0xffff (one's
    # complement zero) when x is that datagram's checksum.
    p = dgram(Ether(raw(dgram(0)))[UDP].chksum)
    assert Ether(raw(p))[UDP].chksum == 0xffff
    return p


def udp_frames():
    # A DNS query for www.example.com/A and its answer, 203.0.113.5.
    q = bytes.fromhex("abcd0100000100000000000003777777076578616d706c6503"
                      "636f6d0000010001")
    a = bytes.fromhex("abcd8180000100010000000003777777076578616d706c6503"
                      "636f6d0000010001c00c000100010000012c0004cb007105")
    return [
        ("udp-dns-query", c2s4() / UDP(sport=40007, dport=53) / Raw(q)),
        ("udp-dns-reply", s2c4() / UDP(sport=53, dport=40007) / Raw(a)),
        ("udp-zero-checksum", c2s4() / UDP(sport=40008, dport=9, chksum=0) /
         Raw(b"discard")),
        ("udp-bad-checksum", c2s4() / UDP(sport=40009, dport=9,
                                          chksum=0xbeef) / Raw(b"discard")),
        ("udp-checksum-ffff", udp_ffff()),
        ("udp-padded", c2s4() / UDP(sport=40010, dport=7) / Raw(b"hi") /
         Padding(b"\0" * 16)),
        ("udp-empty", c2s4() / UDP(sport=40011, dport=7)),
        ("udp-ipv6", c2s6() / UDP(sport=40012, dport=53) / Raw(q)),
        ("udp-ipv6-zero-checksum", c2s6() / UDP(sport=40013, dport=9,
                                                chksum=0) / Raw(b"discard")),
    ]


def vlan_frames():
    def v4(**kw):
        return IP(src=IP_C, dst=IP_S, **kw)

    return [
        ("vlan-icmp", eth() / Dot1Q(vlan=100) / v4() /
         ICMP(type=8, id=1, seq=1)),
        ("vlan-prio-dei", eth() / Dot1Q(prio=5, id=1, vlan=4094) / v4() /
         UDP(sport=40014, dport=5060) / Raw(b"OPTIONS")),
        ("vlan-arp", eth(BCAST) / Dot1Q(vlan=10) / ARP(
            op=1, hwsrc=MAC_C, psrc=IP_C, hwdst="00:00:00:00:00:00",
            pdst=IP_S)),
        ("vlan-ipv6", eth() / Dot1Q(vlan=200) / IPv6(src=IP6_C, dst=IP6_S) /
         ICMPv6EchoRequest(id=1, seq=1)),
        ("qinq-88a8", eth(type=0x88a8) / Dot1AD(vlan=300) / Dot1Q(vlan=100) /
         v4() / TCP(sport=40015, dport=80, flags="S")),
        ("qinq-9100", eth(type=0x9100) / Dot1Q(prio=3, vlan=5, type=0x8100) /
         Dot1Q(vlan=6) / v4() / UDP(sport=40016, dport=53)),
        ("qinq-8100-8100", eth() / Dot1Q(vlan=7) / Dot1Q(vlan=8) / IPv6(
            src=IP6_C, dst=IP6_S) / UDP(sport=40017, dport=123)),
        ("vlan-unknown-ethertype", eth("02:00:00:00:00:0e") /
         Dot1Q(vlan=1, type=0x88b5) / Raw(b"local experimental")),
    ]


def ether_frames():
    return [
        ("eth-unknown-ethertype", eth(type=0x88b5) / Raw(b"local exp 1")),
        # An IEEE 802.3 length field instead of an EtherType.
        ("eth-8023-llc", Dot3(dst="02:00:00:00:00:0e", src=MAC_C) /
         LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(bytes(35))),
        ("eth-minimum", eth(type=0x88b6) / Raw(bytes(46))),
    ]


def ipv6_ext_frames():
    udp = UDP(sport=40018, dport=5000) / Raw(b"ext")
    return [
        ("ipv6-hbh-router-alert", c2s6() / IPv6ExtHdrHopByHop(
            options=[RouterAlert(), PadN(optdata=b"")]) / udp),
        ("ipv6-dstopt", c2s6() / IPv6ExtHdrDestOpt(
            options=[PadN(optdata=b"\0\0\0\0")]) /
         TCP(sport=40019, dport=80, flags="S")),
        ("ipv6-routing-type0", c2s6() / IPv6ExtHdrRouting(
            segleft=1, addresses=["2001:db8::20"]) / udp),
        ("ipv6-frag-hbh", c2s6() / IPv6ExtHdrHopByHop() /
         IPv6ExtHdrFragment(nh=17, m=1, offset=0, id=0x12345678) /
         Raw(raw(UDP(sport=40020, dport=5000, len=24, chksum=0x1111) /
                 Raw(b"first..."))[:16])),
        ("ipv6-frag-later", c2s6() / IPv6ExtHdrFragment(
            nh=17, m=0, offset=2, id=0x12345678) / Raw(b"second..")),
        ("ipv6-ext-chain", c2s6() / IPv6ExtHdrHopByHop() /
         IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting(addresses=[]) /
         IPv6ExtHdrFragment(id=1) / IPv6ExtHdrDestOpt() /
         TCP(sport=40021, dport=80, flags="S")),
        ("ipv6-no-next-header", c2s6() / IPv6ExtHdrDestOpt(nh=59)),
        ("ipv6-no-next-header-bytes", c2s6() / IPv6ExtHdrDestOpt(nh=59) /
         Raw(b"ignored")),
        ("ipv6-unknown-nh", eth() / IPv6(src=IP6_C, dst=IP6_S, nh=132) /
         Raw(bytes(12))),
        ("ipv6-tc-flowlabel", eth() / IPv6(src=IP6_C, dst=IP6_S, tc=0xb8,
                                           fl=0xabcde, hlim=1) / udp),
    ]


def icmp6_frames():
    snm = "ff02::1:ff00:10"
    snm_mac = "33:33:ff:00:00:10"
    echo = IPv6(src=IP6_C, dst=IP6_S) / ICMPv6EchoRequest(
        id=0x4321, seq=1, data=b"0123456789")
    return [
        ("icmp6-echo-request", eth() / echo),
        ("icmp6-echo-reply", s2c6() / ICMPv6EchoReply(id=0x4321, seq=1,
                                                     data=b"0123456789")),
        ("icmp6-ns", eth(snm_mac) / IPv6(src=IP6_C, dst=snm, hlim=255) /
         ICMPv6ND_NS(tgt=IP6_S) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_C)),
        ("icmp6-na", s2c6() / ICMPv6ND_NA(R=0, S=1, O=1, tgt=IP6_S) /
         ICMPv6NDOptDstLLAddr(lladdr=MAC_S)),
        ("icmp6-rs", eth("33:33:00:00:00:02") / IPv6(
            src=IP6_C, dst="ff02::2", hlim=255) / ICMPv6ND_RS() /
         ICMPv6NDOptSrcLLAddr(lladdr=MAC_C)),
        ("icmp6-ra", eth("33:33:00:00:00:01", MAC_R) / IPv6(
            src=IP6_R, dst="ff02::1", hlim=255) / ICMPv6ND_RA(
            chlim=64, M=0, O=1, prf=1, routerlifetime=1800,
            reachabletime=30000, retranstimer=1000) /
         ICMPv6NDOptSrcLLAddr(lladdr=MAC_R) / ICMPv6NDOptMTU(mtu=1500) /
         ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
                               preferredlifetime=14400,
                               prefix="2001:db8:1::")),
        ("icmp6-redirect", eth(MAC_C, MAC_R) / IPv6(
            src=IP6_R, dst=IP6_C, hlim=255) / ICMPv6ND_Redirect(
            tgt="2001:db8::fd", dst="2001:db8:2::1")),
        ("icmp6-ns-unknown-option", eth(snm_mac) / IPv6(
            src=IP6_C, dst=snm, hlim=255) / ICMPv6ND_NS(tgt=IP6_S) /
         Raw(b"\x0e\x01\x01\x02\x03\x04\x05\x06")),
        ("icmp6-dest-unreach-quote", s2c6() / ICMPv6DestUnreach(code=4) /
         Raw(raw(IPv6(src=IP6_C, dst=IP6_S) / UDP(sport=40022, dport=33434)
                 / Raw(b"probe")))),
        ("icmp6-packet-too-big", eth(MAC_C, MAC_R) / IPv6(
            src=IP6_R, dst=IP6_C) / ICMPv6PacketTooBig(mtu=1280) /
         Raw(quote(IPv6(src=IP6_C, dst="2001:db8:2::1") /
                   TCP(sport=40023, dport=443, seq=77, flags="PA") /
                   Raw(bytes(1400))))),
        ("icmp6-time-exceeded", eth(MAC_C, MAC_R) / IPv6(
            src=IP6_R, dst=IP6_C) / ICMPv6TimeExceeded(code=0) /
         Raw(quote(IPv6(src=IP6_C, dst="2001:db8:2::1", hlim=1) /
                   ICMPv6EchoRequest(id=5, seq=6)))),
        ("icmp6-param-problem", s2c6() / ICMPv6ParamProblem(code=1, ptr=40) /
         Raw(quote(IPv6(src=IP6_C, dst=IP6_S, nh=200) / Raw(bytes(8))))),
        ("icmp6-bad-checksum", eth() / IPv6(src=IP6_C, dst=IP6_S) /
         ICMPv6EchoRequest(id=1, seq=2, cksum=0x1111)),
    ]


def fragment_frames():
    dgram = IP(src=IP_C, dst=IP_S, id=0x4242) / UDP(sport=40024, dport=7) / \
        Raw(bytes(range(64)))
    ping = IP(src=IP_C, dst=IP_S, id=0x4343) / ICMP(type=8, id=2, seq=1) / \
        Raw(b"A" * 100)
    v6 = IPv6(src=IP6_C, dst=IP6_S) / IPv6ExtHdrFragment(id=0xabcd) / \
        UDP(sport=40025, dport=7) / Raw(bytes(range(100)))
    out = []
    for i, f in enumerate(fragment(dgram, fragsize=32)):
        out.append(("frag-udp-%d" % i, eth() / f))
    for i, f in enumerate(fragment(ping, fragsize=64)):
        out.append(("frag-icmp-%d" % i, eth() / f))
    # The TCP header split over two fragments (RFC 1858's tiny fragment).
    tcp = raw(IP(src=IP_C, dst=IP_S) / TCP(sport=40026, dport=22,
                                            flags="S"))[20:]
    out.append(("frag-tiny-tcp", eth() / IP(src=IP_C, dst=IP_S, id=0x4444,
                                            flags="MF", proto=6) /
                Raw(tcp[:8])))
    out.append(("frag-tiny-tcp-rest", eth() / IP(src=IP_C, dst=IP_S,
                                                 id=0x4444, frag=1, proto=6) /
                Raw(tcp[8:])))
    for i, f in enumerate(fragment6(v6, 80)):
        out.append(("frag-ipv6-%d" % i, eth() / f))
    return out


def base_frames():
    """Well-formed frames that the malformed and truncated ones cut or
    edit: syn, data, dgram, ping, arp, v6, ns."""
    syn = raw(c2s4() / TCP(sport=40027, dport=80, flags="S",
                           options=[("MSS", 1460), ("SAckOK", b""),
                                    ("Timestamp", (1, 0)), ("NOP", None),
                                    ("WScale", 7)]))
    data = raw(c2s4() / TCP(sport=40028, dport=80, flags="PA") /
               Raw(b"x" * 100))
    dgram = raw(c2s4() / UDP(sport=40029, dport=53) / Raw(b"0123456789"))
    ping = raw(c2s4() / ICMP(type=8, id=1, seq=1))
    arp = raw(eth(BCAST) / ARP(op=1, hwsrc=MAC_C, psrc=IP_C, pdst=IP_S,
                               hwdst="00:00:00:00:00:00"))
    v6 = raw(c2s6() / UDP(sport=40030, dport=53) / Raw(b"01234567"))
    ns = raw(eth() / IPv6(src=IP6_C, dst=IP6_S, hlim=255) /
             ICMPv6ND_NS(tgt=IP6_S) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_C))
    return syn, data, dgram, ping, arp, v6, ns


def truncated_frames():
    """Captures cut short (snap length: the record's len > caplen), and IP
    lengths that claim more than the frame holds: the headers that are
    there should still be shown."""
    syn, data, dgram, ping, arp, v6, ns = base_frames()
    return [
        ("trunc-arp", arp[:34], len(arp)),
        ("ip-len-beyond-frame", ip4_fix(poke(ping, 16, b"\x05\xdc"))),
        ("trunc-tcp-header", syn[:46], len(syn)),
        ("trunc-tcp-options", syn[:60], len(syn)),
        ("trunc-tcp-payload", data[:80], len(data)),
        ("trunc-udp", dgram[:38], len(dgram)),
        ("trunc-icmp", ping[:36], len(ping)),
        ("ipv6-plen-beyond", poke(v6, 18, b"\x00\x64")),
        ("trunc-icmp6-ns", ns[:66], len(ns)),
    ]


def pending_frames():
    """Malformed frames whose riposte output is known to be wrong (see
    TESTLIST): ihl 4 gets an "unverified: truncated" IP checksum though
    nothing was cut."""
    syn, data, dgram, ping, arp, v6, ns = base_frames()
    return [
        ("ip-ihl-too-small", ip4_fix(poke(ping, 14, b"\x44"))),
    ]


def malformed_frames():
    syn, data, dgram, ping, arp, v6, ns = base_frames()

    def tcpopt(opts):
        """The SYN above with its 20 option bytes replaced."""
        assert len(opts) == 20
        return l4_fix(syn[:54] + opts, 16)

    def ttl_exceeded(q):
        return raw(eth(MAC_C, MAC_R) / IP(src=IP_R, dst=IP_C) /
                   ICMP(type=11) / Raw(q))

    many = IPv6ExtHdrDestOpt()
    for _ in range(9):
        many = many / IPv6ExtHdrDestOpt()
    return [
        ("trunc-eth", syn[:10]),
        ("trunc-eth-empty", b"", 60),
        ("trunc-vlan-tag", raw(eth() / Dot1Q(vlan=5) / IP(
            src=IP_C, dst=IP_S))[:16]),
        ("trunc-ip-header", syn[:26], len(syn)),
        ("ip-version-6-in-ipv4", ip4_fix(poke(ping, 14, b"\x65"))),
        ("ip-ihl-beyond-len", ip4_fix(poke(ping, 14, b"\x4f"))),
        ("ip-len-too-small", ip4_fix(poke(ping, 16, b"\x00\x0a"))),
        # Record Route claiming 48 bytes in an 8-byte options area.
        ("ip-bad-option-length", ip4_fix(poke(raw(
            eth() / IP(src=IP_C, dst=IP_S, options=[
                IPOption_RR(routers=[IP_R])]) / ICMP(type=8)), 35, b"\x30"))),
        # Offset 65528 + 8 bytes: reassembly would pass 65535 bytes.
        ("ip-frag-ping-of-death", ip4_fix(poke(ping, 20, b"\x1f\xff"))),
        ("tcp-dataofs-small", l4_fix(poke(syn, 46, b"\x40"), 16)),
        ("tcp-dataofs-beyond", l4_fix(poke(syn, 46, b"\xf0"), 16)),
        ("tcp-opt-len-zero", tcpopt(b"\x02\x00\x05\xb4" + b"\x01" * 16)),
        ("tcp-opt-len-one", tcpopt(b"\x01\x01\x08\x01" + bytes(16))),
        ("tcp-opt-overrun", tcpopt(b"\x01" * 12 + b"\x08\x0a" + bytes(6))),
        ("tcp-mss-bad-len", tcpopt(b"\x02\x03\x05\x01" + b"\x01" * 16)),
        ("udp-len-too-small", poke(dgram, 38, b"\x00\x04")),
        ("udp-len-beyond-ip", poke(dgram, 38, b"\x00\x64")),
        ("icmp-quote-truncated", ttl_exceeded(syn[14:24])),
        ("icmp-quote-bad-ihl", ttl_exceeded(poke(syn[14:42], 0, b"\x4e"))),
        ("trunc-ipv6-header", v6[:40], len(v6)),
        # A hop-by-hop header of 88 bytes in a 12-byte IPv6 payload.
        ("ipv6-ext-overrun", raw(c2s6() / IPv6ExtHdrHopByHop(len=10) /
                                 Raw(b"0123"))),
        ("ipv6-too-many-ext", raw(c2s6() / many / UDP(sport=40031,
                                                      dport=9))),
        ("ipv6-hbh-not-first", raw(c2s6() / IPv6ExtHdrDestOpt() /
                                   IPv6ExtHdrHopByHop() /
                                   UDP(sport=40032, dport=9))),
        ("icmp6-nd-opt-len-zero", l4_fix(poke(ns, 79, b"\x00"), 2)),
        ("icmp6-nd-opt-overrun", l4_fix(poke(ns, 79, b"\x03"), 2)),
        ("vlan-triple-tag", raw(eth() / Dot1Q(vlan=1) / Dot1Q(vlan=2) /
                                Dot1Q(vlan=3) / IP(src=IP_C, dst=IP_S) /
                                ICMP())),
    ]


PCAPS = [
    ("arp.pcap", arp_frames),
    ("icmp.pcap", icmp_frames),
    ("tcp-handshake.pcap", tcp_handshake_frames),
    ("tcp-options.pcap", tcp_options_frames),
    ("udp.pcap", udp_frames),
    ("vlan.pcap", vlan_frames),
    ("ether.pcap", ether_frames),
    ("ipv6-ext.pcap", ipv6_ext_frames),
    ("icmp6-nd.pcap", icmp6_frames),
    ("fragments.pcap", fragment_frames),
    ("malformed.pcap", malformed_frames),
    ("truncated.pcap", truncated_frames),
    ("pending.pcap", pending_frames),
]


def pcap_header(linktype, snaplen=65535):
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(usec, data, wirelen=None):
    sec, usec = divmod(usec, 1000000)
    return struct.pack("<IIII", BASE + sec, usec, len(data),
                       wirelen or len(data)) + data


def normalise(frames):
    out = []
    for f in frames:
        name, pkt = f[0], f[1]
        b = pkt if isinstance(pkt, bytes) else raw(pkt)
        wirelen = f[2] if len(f) > 2 else len(b)
        out.append((name, b, wirelen))
    return out


def write(path, data):
    with open(path, "wb") as fp:
        fp.write(data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=here, help="where the pcaps go")
    ap.add_argument("--seeds", help="also write each frame raw into DIR")
    args = ap.parse_args()

    seen = set()
    for fname, builder in PCAPS:
        frames = normalise(builder())
        blob = pcap_header(DLT_EN10MB)
        # Packets 1 ms apart, each file starting at 12:00:00.
        for i, (name, b, wirelen) in enumerate(frames):
            assert name not in seen, name
            seen.add(name)
            blob += pcap_record(i * 1000 + 17 * i, b, wirelen)
            if args.seeds:
                write(os.path.join(args.seeds, name), b)
        write(os.path.join(args.out, fname), blob)

    # Error inputs for `show`: another link type, a cut header, not a pcap.
    raw_ip = raw(IP(src=IP_C, dst=IP_S) / ICMP(type=8, id=1, seq=1))
    write(os.path.join(args.out, "dlt-raw.pcap"),
          pcap_header(DLT_RAW) + pcap_record(0, raw_ip))
    write(os.path.join(args.out, "truncated-header.pcap"),
          pcap_header(DLT_EN10MB)[:14])
    write(os.path.join(args.out, "not-a-pcap.pcap"),
          b"This is not a capture file.\n")
    # A good record followed by one cut in the middle of its data.
    frames = normalise(arp_frames())
    write(os.path.join(args.out, "truncated-record.pcap"),
          pcap_header(DLT_EN10MB) + pcap_record(0, frames[0][1]) +
          pcap_record(1000, frames[1][1])[:30])
    return 0


if __name__ == "__main__":
    sys.exit(main())
