"""mkreplay.py - whole TCP conversations as seeds for fuzz_replay.

    /usr/bin/python3 tests/fuzz/mkreplay.py RIPOSTE

fuzz_replay's rule set answers with sequence numbers keyed by its seed, so
the fuzzer alone seldom gets past a SYN-ACK: the handshake's ACK must carry
a 32-bit number it has to guess.  These seeds are real conversations with
that rule set, made as tests/golden/mkflows.py makes its captures: each
client frame is replayed through `riposte replay` (the rules taken out of
fuzz_replay.c, at the fuzz target's clock) and the next frame acknowledges
what riposte really sent.  Each conversation is written in fuzz_replay's
input format to tests/fuzz/corpus/replay/conv-NAME, where the fuzzer then
mutates data, options, windows and timing of an established connection.

A conversation checks what it relies on and stops with the reason when
riposte answers otherwise, so a seed is only written for an exchange that
went as meant.  Seeds stay under 4096 bytes (fuzz-run's -max_len) and 64
frames (MAX_FRAMES).
"""

import ast
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))

import mkflows  # noqa: E402
from mkflows import LINUX_SYN, Client, flags_of, handshake, need  # noqa: E402
from scapy.all import TCP  # noqa: E402

mkflows.BASE = 1700000000  # fuzz_replay's T0_US
RULES = None


def fuzz_rules():
    """The rule set of fuzz_replay.c: its C string literal, unescaped."""
    src = open(os.path.join(HERE, "fuzz_replay.c")).read()
    m = re.search(r"rules_text\[\] =\s*(.*?);\n", src, re.S)
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    return "".join(ast.literal_eval('"%s"' % p) for p in parts)


class Conv(mkflows.Conv):
    """A conversation with fuzz_replay's rules, at its clock and seed."""

    def __init__(self, name):
        super().__init__(name, RULES)

    def replies(self, client=None):
        for t, _ in self.frames:
            need(abs(t * 1000 - round(t * 1000)) < 1e-6, self,
                 "fuzz_replay's clock counts whole milliseconds")
        need(len(self.frames) <= 64, self, "more than MAX_FRAMES frames")
        with tempfile.TemporaryDirectory() as d:
            inp, out = os.path.join(d, "in.pcap"), os.path.join(d, "o.pcap")
            mkflows.write_pcap(inp, self.frames)
            r = subprocess.run([mkflows.RIPOSTE, "replay", "-q",
                                "-r", inp, "-w", out, self.rules],
                               cwd=ROOT, capture_output=True, text=True)
            if r.returncode:
                sys.exit("%s: replay failed: %s" % (self.name, r.stderr))
            got = [mkflows.Ether(b) for _, b in mkflows.read_pcap(out)]
        new, self.seen = got[self.seen:], len(got)
        return client.take(new) if client else new

    def save(self):
        out, prev = b"", 0
        for t, b in self.frames:
            ms = int(round(t * 1000))
            need(ms - prev < 65536 and len(b) < 32768, self, "frame too far")
            out += struct.pack(">HH", len(b), ms - prev) + b
            prev = ms
        need(len(out) <= 4096, self, "%d bytes, past -max_len" % len(out))
        path = os.path.join(HERE, "corpus", "replay", "conv-" + self.name)
        with open(path, "wb") as f:
            f.write(out)
        print("%s: %d frames, %d bytes" % (path, len(self.frames), len(out)))


def c_http():
    """GET answered and closed; the client's FIN; the last ACK."""
    conv = Conv("http")
    c = Client(conv, 40000, 80, mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"GET / HTTP/1.0\r\n\r\n")
    need(c.got.startswith(b"HTTP/1.0 200") and c.fin, conv, repr(c.got))
    c.send(0.001, "A")
    rs = c.send(0.001, "FA")
    need(flags_of(rs) == ["A"], conv, "last ACK: %s" % flags_of(rs))
    conv.save()


def c_http6():
    conv = Conv("http6")
    c = Client(conv, 40001, 80, dst="2001:db8::10", v6=True,
               mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
    need(c.fin, conv, "no close over IPv6: %r" % c.got)
    c.send(0.001, "FA")
    conv.save()


def c_post_reset():
    """POST: echoed, then after 10 ms a reset."""
    conv = Conv("post-reset")
    c = Client(conv, 40002, 80, mac="02:00:00:00:00:10")
    handshake(c, [("MSS", 1400), ("NOP", None), ("WScale", 3)])
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"POST /x HTTP/1.0\r\n\r\nbody")
    need(c.got.startswith(b"POST "), conv, "no echo: %r" % c.got)
    c.send(0.001, "A")
    rs = conv.wait(0.02)
    need("R" in "".join(flags_of(rs)), conv, "no reset: %s" % flags_of(rs))
    conv.save()


def c_ssh():
    """Banner after the ACK; data the service ignores; the client resets."""
    conv = Conv("ssh")
    c = Client(conv, 40003, 22, mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A")
    need(c.got.startswith(b"SSH-2.0"), conv, "no banner: %r" % c.got)
    c.send(0.001, "PA", load=b"SSH-2.0-client\r\n")
    c.send(0.001, "PA", load=b"\x00\x00\x00\x0c\x0a\x14")
    c.send(0.001, "R", advance=False)
    conv.save()


def c_smtp():
    """Banner, an unknown command (502, 5 ms, then "x"), QUIT closes."""
    conv = Conv("smtp")
    c = Client(conv, 40004, 2525, mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A")
    need(c.got == b"220 x\r\n", conv, "banner %r" % c.got)
    c.send(0.001, "PA", load=b"HELO ")
    need(c.got.endswith(b"502\r\n"), conv, "HELO: %r" % c.got)
    c.send(0.001, "A")
    conv.wait(0.01, c)
    need(c.got.endswith(b"x"), conv, "no x after the wait: %r" % c.got)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"QUIT\r\n")
    need(c.fin, conv, "QUIT: %r" % c.got)
    c.send(0.001, "FA")
    conv.save()


def c_echo_ooo():
    """Echo with segments out of order, a duplicate and a gap: SACK
    blocks, then the whole run echoed once the hole is filled."""
    conv = Conv("echo-ooo")
    c = Client(conv, 40005, 7, mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A", options=mkflows.ts(c, 201))
    s0 = c.seq
    rs = c.send(0.001, "PA", load=b"bbbb", seq=(s0 + 4) & 0xffffffff,
                options=mkflows.ts(c, 202))
    need(rs and rs[0][TCP].ack == s0, conv, "no dup ACK for a hole")
    c.send(0.001, "PA", load=b"dddd", seq=(s0 + 12) & 0xffffffff,
           options=mkflows.ts(c, 203))
    c.send(0.001, "PA", load=b"bbbb", seq=(s0 + 4) & 0xffffffff,
           options=mkflows.ts(c, 204))
    c.send(0.001, "PA", load=b"aaaa", seq=s0, options=mkflows.ts(c, 205))
    c.seq = (s0 + 8) & 0xffffffff
    c.send(0.001, "PA", load=b"cccc", options=mkflows.ts(c, 206))
    c.seq = (s0 + 16) & 0xffffffff
    need(c.got == b"aaaabbbbccccdddd", conv, "echo %r" % c.got)
    c.send(0.001, "A", options=mkflows.ts(c, 207))
    c.send(0.001, "FA", options=mkflows.ts(c, 208))
    c.send(0.001, "A", options=mkflows.ts(c, 209))
    conv.save()


def c_retransmit():
    """Echoed data never acknowledged: retransmissions with backoff, then
    the client's late ACK; a SYN sent again gets its SYN-ACK again."""
    conv = Conv("retransmit")
    c = Client(conv, 40006, 7, mac="02:00:00:00:00:10")
    handshake(c, [("MSS", 1460), ("SAckOK", b"")])
    c.send(0.001, "A")
    a0 = c.ack
    c.send(0.001, "PA", load=b"ping " * 20, ack=a0)
    rs = conv.wait(1.5)
    rs += conv.wait(3.0)
    need(len(rs) >= 2, conv, "no retransmissions: %s" % flags_of(rs))
    c.send(0.001, "A")
    # No amplification (the default): the SYN-ACK again only for the SYN
    # again, not by a timer.
    s = Client(conv, 40007, 7, mac="02:00:00:00:00:10")
    handshake(s)
    rs = conv.wait(1.5)
    need("SA" not in flags_of(rs), conv, "SYN-ACK by a timer")
    rs = s.send(0.001, "S", seq=(s.seq - 1) & 0xffffffff, advance=False,
                options=LINUX_SYN)
    need(flags_of(rs) == ["SA"], conv, "SYN-ACK not again")
    conv.save()


def c_window():
    """A client with MSS 536 and a small window: echo of 2000 bytes in
    MSS-sized pieces as the window opens; a zero window and its probe."""
    conv = Conv("window")
    c = Client(conv, 40008, 7, mac="02:00:00:00:00:10")
    handshake(c, [("MSS", 536)], window=1072)
    c.send(0.001, "A", window=1072)
    for i in range(4):
        c.send(0.001, "PA", load=bytes([0x41 + i]) * 500, window=1072)
    c.send(0.001, "A", window=0)
    conv.wait(1.0, c)
    conv.wait(2.0, c)
    for _ in range(6):
        c.send(0.001, "A", window=1072)
    need(len(c.got) == 2000, conv, "echoed %d" % len(c.got))
    c.send(0.001, "FA", window=1072)
    conv.save()


def c_paws_rst():
    """Timestamps: an old one dropped (PAWS) with an ACK; an RST in the
    window gets a challenge ACK, one out of it nothing; an RST at RCV.NXT
    ends it."""
    conv = Conv("paws-rst")
    c = Client(conv, 40009, 7, mac="02:00:00:00:00:10")
    handshake(c)
    c.send(0.001, "A", options=mkflows.ts(c, 300))
    c.send(0.001, "PA", load=b"new", options=mkflows.ts(c, 301))
    rs = c.send(0.001, "PA", load=b"old", options=mkflows.ts(c, 1),
                advance=False)
    need(flags_of(rs) == ["A"], conv, "PAWS: %s" % flags_of(rs))
    rs = c.send(0.001, "R", seq=(c.seq + 10) & 0xffffffff, advance=False)
    need(flags_of(rs) == ["A"], conv, "no challenge ACK: %s" % flags_of(rs))
    rs = c.send(0.001, "R", seq=(c.seq + 10 ** 8) & 0xffffffff,
                advance=False)
    need(not rs, conv, "answered an RST out of the window")
    c.send(0.001, "R", advance=False)
    conv.save()


def c_windows_host():
    """The Windows personality, every port open, no service: data is
    acknowledged, the client's FIN answered."""
    conv = Conv("windows")
    c = Client(conv, 40010, 3389, dst="198.51.100.20",
               mac="02:00:00:00:00:10")
    handshake(c, LINUX_SYN)
    c.send(0.001, "A")
    c.send(0.001, "PA", load=b"\x03\x00\x00\x13")
    rs = c.send(0.001, "FA")
    need(rs, conv, "no answer to FIN")
    c.send(0.001, "A")
    conv.save()


def main():
    global RULES
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    mkflows.RIPOSTE = os.path.abspath(sys.argv[1])
    with tempfile.NamedTemporaryFile("w", suffix=".rules",
                                     delete=False) as f:
        f.write(fuzz_rules())
        RULES = f.name
    try:
        r = subprocess.run([mkflows.RIPOSTE, "check", RULES],
                           capture_output=True, text=True)
        if r.returncode:
            sys.exit("fuzz_replay's rules: " + r.stderr)
        for fn in (c_http, c_http6, c_post_reset, c_ssh, c_smtp, c_echo_ooo,
                   c_retransmit, c_window, c_paws_rst, c_windows_host):
            fn()
    finally:
        os.unlink(RULES)


if __name__ == "__main__":
    main()
