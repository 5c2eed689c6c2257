"""mkflows.py - builds the stateful TCP engine's golden captures.

    /usr/bin/python3 tests/golden/mkflows.py RIPOSTE [NAME...]

packetdrill's idea without root: each scenario is a scripted client that
talks to `riposte replay` over tests/golden/rules/flows*.rules.  A step
sends one client frame at a chosen time, then replays the capture so far
(--seed 1, deterministic) to read what riposte answered, so the next
frame can acknowledge riposte's real sequence numbers, as a client would.
The capture that results is written to tests/golden/flow-NAME.pcap; the
TESTLIST case replays it and compares every reply with the approved one.

The scenarios assert what they rely on (an answer that is missing or
wrong stops the script with the reason), so a capture is only written
for an exchange riposte got right at the time it was made.
"""

import os
import struct
import subprocess
import sys
import tempfile

from scapy.all import IP, TCP, Ether, IPv6, Raw, raw

BASE = 1704110400  # 2024-01-01 12:00:00 UTC
MAC_C = "02:00:00:00:00:01"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RIPOSTE = None


def write_pcap(path, frames):
    """frames: (seconds, bytes); a fixed header, so reruns are identical."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, b in frames:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack("<IIII", BASE + sec, usec, len(b), len(b)))
            f.write(b)


def read_pcap(path):
    out = []
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    while off + 16 <= len(data):
        sec, usec, cap, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec - BASE + usec / 1e6, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return out


class Client:
    """One client connection; the riposte side is found by replaying."""

    def __init__(self, conv, sport, dport, dst="198.51.100.10",
                 mac="02:00:00:00:00:0a", isn=1000, v6=False):
        self.conv, self.sport, self.dport = conv, sport, dport
        self.dst, self.mac, self.v6 = dst, mac, v6
        self.src = "2001:db8::1" if v6 else "198.51.100.1"
        self.seq = isn  # our next sequence number
        self.ack = 0  # what we acknowledge: riposte's next
        self.got = b""  # riposte's bytes, in order
        self.fin = False

    def frame(self, flags, seq=None, ack=None, load=b"", window=64240,
              options=None):
        l3 = (IPv6(src=self.src, dst=self.dst) if self.v6 else
              IP(src=self.src, dst=self.dst, id=1, flags="DF"))
        t = TCP(sport=self.sport, dport=self.dport, flags=flags,
                seq=self.seq if seq is None else seq,
                ack=self.ack if ack is None else ack, window=window,
                options=options or [])
        p = Ether(src=MAC_C, dst=self.mac) / l3 / t
        if load:
            p = p / Raw(load=load)
        return raw(p)

    def send(self, dt, flags, load=b"", advance=True, **kw):
        """Sends at now + dt; returns riposte's answers to it (and timers)."""
        b = self.frame(flags, load=load, **kw)
        if advance and "seq" not in kw:
            self.seq = (self.seq + len(load) + ("S" in flags) +
                        ("F" in flags)) & 0xffffffff
        return self.conv.step(dt, b, self)

    def take(self, replies):
        """Reads riposte's segments to us: data in order, its FIN."""
        for r in replies:
            t = r[TCP]
            if t.dport != self.sport:
                continue
            n = len(t.payload) if t.payload else 0
            if "S" in str(t.flags):
                self.ack = (t.seq + 1) & 0xffffffff
            elif t.seq == self.ack:
                self.got += bytes(t.payload)[:n] if n else b""
                self.ack = (self.ack + n) & 0xffffffff
                if "F" in str(t.flags):
                    self.ack = (self.ack + 1) & 0xffffffff
                    self.fin = True
        return replies


class Conv:
    """The capture being written and riposte's answers so far."""

    def __init__(self, name, rules="tests/golden/rules/flows.rules"):
        self.name, self.rules = name, rules
        self.frames, self.t, self.seen = [], 0.0, 0

    def step(self, dt, b, client=None):
        self.t = round(self.t + dt, 6)
        self.frames.append((self.t, b))
        return self.replies(client)

    def wait(self, dt, client=None):
        """Lets time pass: a frame nobody answers (ARP for no one) moves
        the replay's clock so timers due before it run."""
        self.t = round(self.t + dt, 6)
        arp = bytes.fromhex("ffffffffffff" "020000000001" "0806"
                            "0001080006040001" "020000000001" "c6336401"
                            "000000000000" "c63364fe")
        self.frames.append((self.t, arp))
        return self.replies(client)

    def replies(self, client=None):
        with tempfile.TemporaryDirectory() as d:
            inp, out = os.path.join(d, "in.pcap"), os.path.join(d, "o.pcap")
            write_pcap(inp, self.frames)
            r = subprocess.run([RIPOSTE, "replay", "-q", "--seed", "1",
                                "-r", inp, "-w", out, self.rules],
                               cwd=ROOT, capture_output=True, text=True)
            if r.returncode:
                sys.exit("%s: replay failed: %s" % (self.name, r.stderr))
            got = [Ether(b) for _, b in read_pcap(out)]
        new, self.seen = got[self.seen:], len(got)
        return client.take(new) if client else new

    def save(self):
        write_pcap(os.path.join(HERE, "flow-%s.pcap" % self.name),
                   self.frames)


def need(cond, conv, why):
    if not cond:
        write_pcap("/tmp/mkflows-%s.pcap" % conv.name, conv.frames)
        sys.exit("%s: %s (the capture so far: /tmp/mkflows-%s.pcap)" %
                 (conv.name, why, conv.name))


def flags_of(rs):
    return [str(r[TCP].flags) for r in rs]


LINUX_SYN = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (100, 0)),
             ("NOP", None), ("WScale", 7)]


def handshake(c, options=LINUX_SYN, window=64240, dt=0.001):
    rs = c.send(dt, "S", options=options, window=window)
    need(flags_of(rs)[:1] == ["SA"], c.conv, "no SYN-ACK: %s" % flags_of(rs))
    return rs


def ts(c, val=200):
    return [("NOP", None), ("NOP", None), ("Timestamp", (val, 0))]


def s_handshake_options():
    """Every option combination of a SYN: the SYN-ACK follows the
    personality and the offer; the banner comes after the ACK; the
    client's FIN is answered by ours (the close follows the service)."""
    conv = Conv("handshake-options")
    combos = [[], [("MSS", 1400)], [("MSS", 1400), ("NOP", None),
                                     ("WScale", 2)],
              [("MSS", 1400), ("SAckOK", b"")],
              [("Timestamp", (5, 0))], LINUX_SYN,
              [("MSS", 1220), ("NOP", None), ("WScale", 14),
               ("NOP", None), ("NOP", None), ("SAckOK", b""),
               ("Timestamp", (7, 0))]]
    for i, opts in enumerate(combos):
        c = Client(conv, 41000 + i, 22)
        handshake(c, opts)
        rs = c.send(0.001, "A")
        need(c.got.startswith(b"SSH-2.0"), conv, "no banner %d" % i)
        c.send(0.001, "A")
        rs = c.send(0.001, "FA")
        need(c.fin, conv, "no FIN after the client's: %s" % flags_of(rs))
        rs = c.send(0.001, "A")
        need(not rs, conv, "answered the last ACK")
    # IPv6, and the Windows personality.
    c = Client(conv, 41100, 22, dst="2001:db8::10", v6=True)
    handshake(c)
    c.send(0.001, "A")
    need(c.got.startswith(b"SSH-2.0"), conv, "no banner over IPv6")
    c.send(0.001, "FA")
    c.send(0.001, "A")
    c = Client(conv, 41101, 80, dst="198.51.100.11", mac="02:00:00:00:00:0b")
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n")
    need(c.got.endswith(b"hi\n") and c.fin, conv, "windows host: %r" % c.got)
    c.send(0.001, "A")
    rs = c.send(0.001, "FA")
    need(flags_of(rs) == ["A"], conv, "no last ACK: %s" % flags_of(rs))
    conv.save()


def s_smtp():
    """Banner, a reply per line, an unknown command, QUIT closes first;
    the client's FIN gets the last ACK and the flow is gone."""
    conv = Conv("smtp")
    c = Client(conv, 42000, 25)
    handshake(c)
    c.send(0.001, "A")
    need(c.got == b"220 mail.example ESMTP\r\n", conv, "banner %r" % c.got)
    c.send(0.01, "PA", load=b"HELO client.example\r\n")
    need(c.got.endswith(b"250 mail.example\r\n"), conv, "HELO: %r" % c.got)
    c.send(0.01, "PA", load=b"VRFY root\r\n")
    need(c.got.endswith(b"502 not here\r\n"), conv, "VRFY: %r" % c.got)
    c.send(0.01, "PA", load=b"QU")  # half a command: nothing yet
    c.send(0.01, "PA", load=b"IT\r\n")
    need(c.got.endswith(b"221 bye\r\n") and c.fin, conv, "QUIT: %r" % c.got)
    rs = c.send(0.001, "FA")
    need(flags_of(rs) == ["A"], conv, "last ACK: %s" % flags_of(rs))
    rs = c.send(0.001, "A")
    need(flags_of(rs) == ["R"], conv, "after the close: %s" % flags_of(rs))
    conv.save()


def s_mss_window():
    """20 kB to a client with MSS 536 and a 4 KiB window, no window scale:
    no segment is longer than 536, none goes past the window."""
    conv = Conv("mss-window")
    c = Client(conv, 43000, 80)
    handshake(c, [("MSS", 536), ("SAckOK", b"")], window=4096)
    c.send(0.001, "A", window=4096)
    a0 = c.ack
    rs = c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n", window=4096)
    for _ in range(80):
        for r in rs:
            n = len(r[TCP].payload) if r[TCP].payload else 0
            need(n <= 536, conv, "segment longer than the MSS")
            need((r[TCP].seq + n - a0) & 0xffffffff <= 4096, conv,
                 "past the window")
        if c.fin:
            break
        a0 = c.ack
        rs = c.send(0.001, "A", window=4096)
    need(c.fin and len(c.got) == 20000 + 19, conv, "body %d" % len(c.got))
    c.send(0.001, "FA", window=4096)
    conv.save()


def s_window_full():
    """A window of 3000 with MSS 1460: two full segments, then nothing
    until the ACK opens it (no silly 80-byte segment)."""
    conv = Conv("window-full")
    c = Client(conv, 43100, 80)
    handshake(c, [("MSS", 1460)], window=3000)
    c.send(0.001, "A", window=3000)
    rs = c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n", window=3000)
    lens = [len(r[TCP].payload) for r in rs]
    need(lens == [1460, 1460], conv, "first flight %s" % lens)
    rs = c.send(0.001, "A", ack=(c.ack - 1460) & 0xffffffff, window=3000)
    lens = [len(r[TCP].payload) for r in rs]
    need(lens == [1460], conv, "after half the window acked: %s" % lens)
    conv.save()


def s_zero_window():
    """The client's window closes: riposte probes at SND.UNA - 1 with
    backoff, and sends again when the window opens."""
    conv = Conv("zero-window")
    c = Client(conv, 43200, 80)
    handshake(c, [("MSS", 1460)], window=2920)
    c.send(0.001, "A", window=2920)
    c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n", window=2920)
    rs = c.send(0.001, "A", window=0)
    need(not rs, conv, "sent into a zero window")
    probes = conv.wait(4.0)
    need(len(probes) >= 2 and all(
        len(p[TCP].payload) == 0 and p[TCP].seq == (c.ack - 1) & 0xffffffff
        for p in probes), conv, "no persist probes at SND.UNA - 1")
    rs = c.send(0.001, "A", window=0)  # the probe's answer
    rs = c.send(0.5, "A", window=8192)
    need(len(rs) >= 2 and len(rs[0][TCP].payload) == 1460, conv,
         "window opened, nothing sent")
    conv.save()


def s_retransmit():
    """Silence after data: the segment is sent again after the RTO, then
    after twice it; the client's ACK ends it.  A SYN with no ACK: the
    SYN-ACK again at 1, 2 and 4 s; a retransmitted SYN gets the same."""
    conv = Conv("retransmit")
    c = Client(conv, 44000, 7)
    handshake(c)
    c.send(0.001, "A", options=ts(c))
    rs = c.send(0.001, "PA", load=b"ping\n", options=ts(c))
    need(c.got == b"ping\n", conv, "no echo")
    c.ack = (c.ack - 5) & 0xffffffff
    rts = conv.wait(0.5)
    rts += conv.wait(3.0)
    need(len(rts) == 2 and all(bytes(r[TCP].payload) == b"ping\n"
                               for r in rts), conv,
         "retransmissions: %s" % [r.summary() for r in rts])
    c.ack = (c.ack + 5) & 0xffffffff
    rs = c.send(0.001, "A", options=ts(c))
    need(not rs, conv, "answered the ACK")
    rs = conv.wait(5.0)
    need(not rs, conv, "retransmitted what was acknowledged")
    d = Client(conv, 44001, 7)
    sa = handshake(d)
    again = d.send(0.2, "S", options=LINUX_SYN, advance=False,
                   seq=(d.seq - 1) & 0xffffffff)
    need(flags_of(again) == ["SA"] and again[0][TCP].seq == sa[0][TCP].seq,
         conv, "a retransmitted SYN got another SYN-ACK")
    rts = conv.wait(8.0)
    need(flags_of(rts) == ["SA"] * 3, conv, "SYN-ACK retransmissions %s" %
         flags_of(rts))
    conv.save()


def s_ooo_dup():
    """Out of order: kept, a duplicate ACK with its SACK block; the gap
    filled: both acknowledged at once and echoed in order; a duplicate:
    an ACK with a D-SACK block (RFC 2883)."""
    conv = Conv("ooo-dup")
    c = Client(conv, 45000, 7)
    handshake(c)
    c.send(0.001, "A")
    s0 = c.seq
    rs = c.send(0.001, "PA", load=b"second\n", seq=(s0 + 6) & 0xffffffff)
    sack = [o for o in rs[0][TCP].options if o[0] == "SAck"] if rs else []
    need(flags_of(rs) == ["A"] and rs[0][TCP].ack == s0 and sack and
         sack[0][1] == ((s0 + 6) & 0xffffffff, (s0 + 13) & 0xffffffff),
         conv, "no duplicate ACK with SACK for the gap: %s" %
         [r.summary() for r in rs])
    rs = c.send(0.001, "PA", load=b"first\n")
    need(c.got == b"first\nsecond\n" and rs[-1][TCP].ack == s0 + 13, conv,
         "the gap filled: echo %r" % c.got)
    c.seq = (s0 + 13) & 0xffffffff
    c.send(0.001, "A")
    rs = c.send(0.001, "PA", load=b"first\n", seq=s0, advance=False)
    sack = [o for o in rs[0][TCP].options if o[0] == "SAck"] if rs else []
    need(sack and sack[0][1] == (s0, (s0 + 6) & 0xffffffff), conv,
         "no D-SACK for the duplicate: %s" % (rs[0][TCP].options if rs
                                              else rs))
    rs = c.send(0.001, "PA", load=b"third\n")
    need(c.got == b"first\nsecond\nthird\n", conv, "echo %r" % c.got)
    c.send(0.001, "A")
    conv.save()


def s_rst_challenge():
    """RFC 5961: an RST at RCV.NXT ends the flow; one elsewhere in the
    window, and a SYN, get a challenge ACK, at most one every 500 ms (as
    Linux's tcp_invalid_ratelimit); a reset script sends RST."""
    conv = Conv("rst-challenge")
    c = Client(conv, 46000, 22)
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "A")
    rs = c.send(0.001, "R", seq=(c.seq + 100) & 0xffffffff, advance=False)
    need(flags_of(rs) == ["A"], conv, "no challenge ACK for the RST")
    rs = c.send(0.05, "R", seq=(c.seq + 200) & 0xffffffff, advance=False)
    need(not rs, conv, "a second challenge ACK within 500 ms")
    rs = c.send(0.6, "S", seq=(c.seq + 5000) & 0xffffffff, advance=False,
                options=LINUX_SYN)
    need(flags_of(rs) == ["A"], conv, "no challenge ACK for the SYN")
    rs = c.send(0.001, "R", advance=False)
    need(not rs, conv, "answered the RST")
    rs = c.send(0.001, "A")
    need(flags_of(rs) == ["R"], conv, "the flow outlived the RST")
    d = Client(conv, 46001, 9)
    handshake(d)
    d.send(0.001, "A")
    rs = d.send(0.001, "PA", load=b"x")
    need(flags_of(rs) == ["A"], conv, "wait then reset: %s" % flags_of(rs))
    rs = conv.wait(0.5)
    need(flags_of(rs) == ["RA"], conv, "the script's reset %s" %
         flags_of(rs))
    conv.save()


def s_paws():
    """RFC 7323 PAWS: data with a timestamp older than the last one is
    not taken, and its duplicate ACK echoes the newer one; RFC 5961 5.2:
    an ACK older than any window offered gets a challenge ACK."""
    conv = Conv("paws")
    c = Client(conv, 48000, 7)
    handshake(c)
    c.send(0.001, "A", options=ts(c, 1000))
    rs = c.send(0.001, "PA", load=b"new\n", options=ts(c, 1001))
    need(c.got == b"new\n", conv, "echo %r" % c.got)
    s1 = c.seq
    rs = c.send(0.001, "PA", load=b"old\n", options=ts(c, 500),
                advance=False)
    tso = [o for o in rs[0][TCP].options if o[0] == "Timestamp"] if rs else []
    need(flags_of(rs) == ["A"] and rs[0][TCP].ack == s1 and tso and
         tso[0][1][1] == 1001, conv, "PAWS: %s" % [r.summary() for r in rs])
    rs = c.send(0.6, "A", ack=(c.ack - 0x10000000) & 0xffffffff,
                options=ts(c, 1002))
    need(flags_of(rs) == ["A"] and rs[0][TCP].ack == s1, conv,
         "no challenge ACK for an ACK too old: %s" % flags_of(rs))
    rs = c.send(0.001, "PA", load=b"again\n", options=ts(c, 1003))
    need(c.got == b"new\nagain\n", conv, "echo %r" % c.got)
    c.send(0.001, "A", options=ts(c, 1004))
    conv.save()


def s_wrap():
    """Sequence numbers that wrap past 2^32 on the client's side."""
    conv = Conv("wrap")
    c = Client(conv, 47000, 7, isn=0xffffffe0)
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"a" * 40 + b"\n")
    need(c.got == b"a" * 40 + b"\n", conv, "echo across the wrap")
    rs = c.send(0.001, "A")
    need(not rs and c.seq < 0x100, conv, "wrap %x" % c.seq)
    c.send(0.001, "PA", load=b"b\n")
    need(c.got.endswith(b"b\n"), conv, "echo after the wrap")
    c.send(0.001, "FA")
    c.send(0.001, "A")
    conv.save()


def s_fin_wait_2():
    """The service closes; the client acknowledges the FIN but never
    sends its own: after 60 s in FIN-WAIT-2 (Linux's tcp_fin_timeout)
    the flow is gone, and the client's next segment gets an RST."""
    conv = Conv("fin-wait-2")
    c = Client(conv, 49000, 80, dst="198.51.100.11", mac="02:00:00:00:00:0b")
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n")
    need(c.fin, conv, "no FIN after the response: %r" % c.got)
    rs = c.send(0.001, "A")
    need(not rs, conv, "answered the ACK of the FIN: %s" % flags_of(rs))
    rs = c.send(59.0, "A")
    need(not rs, conv, "answered a keepalive ACK at 59 s: %s" % flags_of(rs))
    conv.wait(61.0)
    rs = c.send(0.001, "A")
    need(flags_of(rs) == ["R"], conv, "the flow outlived FIN-WAIT-2: %s" %
         flags_of(rs))
    conv.save()


def s_guard():
    """No amplification (flows-guard.rules): a bare SYN gets a bare
    SYN-ACK, not sent again on a timer but when the SYN is; a full SYN
    gets the full SYN-ACK; a fifth new SYN within the second from the
    same source is not answered (source_limit 4), one a second later
    is."""
    conv = Conv("guard", rules="tests/golden/rules/flows-guard.rules")
    c = Client(conv, 50000, 22)
    rs = c.send(0.001, "S")
    need(flags_of(rs) == ["SA"] and not rs[0][TCP].options and
         len(raw(rs[0])) <= 54, conv, "bare SYN-ACK: %s" %
         [r.summary() for r in rs])
    rs = conv.wait(3.0)
    need(not rs, conv, "SYN-ACK sent again on a timer: %s" % flags_of(rs))
    rs = c.send(0.001, "S", seq=1000)
    need(flags_of(rs) == ["SA"], conv, "no SYN-ACK to the SYN again")
    d = Client(conv, 50001, 22)
    rs = d.send(0.001, "S", options=LINUX_SYN)
    need(flags_of(rs) == ["SA"] and len(rs[0][TCP].options) == 5, conv,
         "full SYN-ACK: %s" % [r.summary() for r in rs])
    d.send(0.001, "A")
    need(d.got.startswith(b"SSH-2.0"), conv, "no banner")
    d.send(0.001, "A")
    # Since the wait the bucket gave 2 tokens: SYN again, d's SYN.
    for port in (50002, 50003):
        rs = Client(conv, port, 22).send(0.001, "S")
        need(flags_of(rs) == ["SA"], conv, "answers 3 and 4 of a second")
    f = Client(conv, 50004, 22)
    rs = f.send(0.001, "S")
    need(not rs, conv, "fifth answer in a second: %s" % flags_of(rs))
    rs = f.send(1.5, "S", seq=1000)
    need(flags_of(rs) == ["SA"], conv, "none a second later")
    conv.save()


def s_cookies():
    """flows_max 2: the third SYN gets a SYN cookie; its ACK rebuilds the
    flow (an embryonic one is evicted) and the banner follows."""
    conv = Conv("cookies", rules="tests/golden/rules/flows-small.rules")
    a = Client(conv, 48000, 22)
    handshake(a)
    b = Client(conv, 48001, 22)
    handshake(b)
    c = Client(conv, 48002, 22)
    rs = handshake(c)
    rs = c.send(0.001, "A", options=[("NOP", None), ("NOP", None),
                                     ("Timestamp", (101, rs[0][TCP].options[
                                         2][1][0]))])
    need(c.got.startswith(b"SSH-2.0"), conv, "no banner after the cookie")
    d = Client(conv, 48003, 22)
    rs = handshake(d, [("MSS", 1300)])
    need([o for o in rs[0][TCP].options if o[0] != "MSS"] == [], conv,
         "cookie without TS: options beyond MSS")
    rs = d.send(0.001, "A")
    need(d.got.startswith(b"SSH-2.0"), conv, "no banner, second cookie")
    rs = b.send(0.001, "A")
    need(flags_of(rs) == ["R"], conv, "evicted flow answered: %s" %
         flags_of(rs))
    conv.save()


SCENARIOS = {
    "handshake-options": s_handshake_options,
    "smtp": s_smtp,
    "mss-window": s_mss_window,
    "window-full": s_window_full,
    "zero-window": s_zero_window,
    "retransmit": s_retransmit,
    "ooo-dup": s_ooo_dup,
    "rst-challenge": s_rst_challenge,
    "wrap": s_wrap,
    "cookies": s_cookies,
    "paws": s_paws,
    "fin-wait-2": s_fin_wait_2,
    "guard": s_guard,
}


def main():
    global RIPOSTE
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    RIPOSTE = os.path.abspath(sys.argv[1])
    for name in sys.argv[2:] or SCENARIOS:
        SCENARIOS[name]()
        print("flow-%s.pcap" % name)


if __name__ == "__main__":
    main()
