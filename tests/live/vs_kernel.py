#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vs_kernel.py - the same scripted TCP client exchanges against the
kernel's own listener and against riposte, compared case by case
(tests/live/test_vs_kernel.sh runs it in the lab).

    vs_kernel.py server ADDR4 ADDR6
        the kernel's side: listeners on ADDR4 and ADDR6 with the services
        below; prints "listening" once they are bound, then serves until
        killed
    vs_kernel.py rules ADDR4 ADDR6 MAC DIR
        writes DIR/vs-kernel.rules (and DIR/bulk.bin), the same services
        as a riposte host
    vs_kernel.py client IFACE CMAC SMAC C4 C6 K4 K6 R4 R6
                 [--known CASE=REASON]... [--frames FILE] [--case CASE]...
        runs every case (or the CASEs named) against the kernel (K4, K6)
        and riposte (R4, R6) side by side, one case at a time, and prints
        case | kernel | riposte | verdict, then the frames of every case
        that differs; writes every frame of every case to FILE.  Exits 0
        when each case behaves the same or is a --known difference, 1
        otherwise.  The data-rto case offers no SACK, so that neither
        side sends a tail loss probe (data-tlp compares those).

The services, one per port, each the same on both sides:

    7001 sink    accepts, reads and discards, closes when the peer does
    7002 banner  sends BANNER (100 bytes) at once, then as sink
    7003 bulk    sends BULK (20000 bytes) at once, then as sink

The client is Scapy on raw frames (an AF_PACKET socket to send, an
AsyncSniffer to receive), so that each case can do what no socket API
does: never ACK, ACK what was never sent, send a RST or a SYN in the
middle of a connection.  The client's own kernel must not see the
servers' segments (the caller drops them at netdev ingress, after the
AF_PACKET tap), or it would reset the conversations.

What must differ is normalised away: sequence numbers are relative to
the ISNs, timestamps are not compared (only which client TSval a TSecr
echoes), window values set by the personality are shown but not
compared, nor is PSH.  Timers are compared by the ratios of their
intervals, loosely, never by wall-clock values: the second interval
about double the first on each side, and the first intervals of the two
sides within a factor of 1.6 of each other.
"""
import os
import queue
import random
import socket
import sys
import threading
import time

PORT_SINK, PORT_BANNER, PORT_BULK = 7001, 7002, 7003
BANNER = (b"220 vs-kernel banner " + b"x" * 77 + b"\r\n")
assert len(BANNER) == 100
BULK = bytes((i * 7 + 13) & 0xFF for i in range(20000))


# --- The kernel's side ------------------------------------------------------

def serve_conn(c, kind):
    try:
        if kind == "banner":
            c.sendall(BANNER)
        elif kind == "bulk":
            c.sendall(BULK)
        while c.recv(65536):
            pass
    except OSError:
        pass
    finally:
        c.close()


def serve_listener(s, kind):
    while True:
        try:
            c, _ = s.accept()
        except OSError:
            return
        threading.Thread(target=serve_conn, args=(c, kind),
                         daemon=True).start()


def server_main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: vs_kernel.py server ADDR4 ADDR6\n")
        return 2
    for addr in argv:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        for port, kind in ((PORT_SINK, "sink"), (PORT_BANNER, "banner"),
                           (PORT_BULK, "bulk")):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port))
            s.listen(64)
            threading.Thread(target=serve_listener, args=(s, kind),
                             daemon=True).start()
    print("listening", flush=True)
    while True:
        time.sleep(3600)


def rules_main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: vs_kernel.py rules ADDR4 ADDR6 MAC DIR\n")
        return 2
    a4, a6, mac, d = argv
    with open(os.path.join(d, "bulk.bin"), "wb") as f:
        f.write(BULK)
    banner = BANNER.decode().replace("\r", "\\r").replace("\n", "\\n")
    with open(os.path.join(d, "vs-kernel.rules"), "w") as f:
        # Linux's SYN-ACK retransmissions (riposte's default sends none
        # the SYN did not pay for) and no limit on answers per source.
        f.write("# vs_kernel.py: the kernel listener's services\n"
                "set no_amplification 0\n"
                "set source_limit 0\n"
                "host %s, %s {\n"
                "\tmac %s\n"
                "\tpersonality linux\n"
                "\ttcp %d open\n"
                "\ttcp %d open { banner \"%s\" }\n"
                "\ttcp %d open { banner file \"bulk.bin\" }\n"
                "}\n" % (a4, a6, mac, PORT_SINK, PORT_BANNER, banner,
                         PORT_BULK))
    return 0


# --- The client -------------------------------------------------------------

M32 = 1 << 32
MAX_SEGS = 1000  # the most segments one wait takes: every loop is bounded


def rel(v, base):
    return (v - base) % M32


class Lab:
    """The shared sniffer and sending socket; per-connection queues."""

    def __init__(self, iface, cmac, smac, c4, c6):
        from scapy.all import AsyncSniffer, conf
        conf.verb = 0
        self.iface, self.cmac, self.smac = iface, cmac, smac
        self.c4, self.c6 = c4, c6
        self.lock = threading.Lock()
        self.queues = {}
        self.next_port = 40000 + random.randrange(0, 10000)
        self.tx_sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        self.tx_sock.bind((iface, 0))
        started = threading.Event()
        self.sniffer = AsyncSniffer(iface=iface, filter="tcp", store=False,
                                    prn=self.dispatch,
                                    started_callback=started.set)
        self.sniffer.start()
        if not started.wait(10):
            raise RuntimeError("the sniffer did not start")

    def dispatch(self, p):
        from scapy.all import IP, IPv6, TCP
        if TCP not in p:
            return
        ip = p[IP] if IP in p else p[IPv6] if IPv6 in p else None
        if ip is None:
            return
        key = (ip.src, p[TCP].sport, p[TCP].dport)
        with self.lock:
            q = self.queues.get(key)
        if q is not None:
            q.put((float(p.time), p))

    def port(self):
        with self.lock:
            self.next_port += 1
            return self.next_port

    def register(self, key):
        q = queue.Queue()
        with self.lock:
            self.queues[key] = q
        return q

    def unregister(self, key):
        with self.lock:
            self.queues.pop(key, None)

    def send(self, frame):
        # ENOBUFS: the veth's queue is full for a moment (a busy
        # machine); a bounded retry, as a NIC driver would requeue.
        for _ in range(50):
            try:
                self.tx_sock.send(bytes(frame))
                return
            except OSError as e:
                if e.errno != 105:
                    raise
                time.sleep(0.005)
        self.tx_sock.send(bytes(frame))

    def close(self):
        try:
            self.sniffer.stop()
        except Exception:
            pass
        self.tx_sock.close()


SYN_OPTS = "linux"  # MSS, SAckOK, TS, NOP, WScale 7: a Linux client's SYN
SYN_MSS_TS = "mss-ts"  # MSS 1000, NOP, NOP, TS: no SACK, no scaling


class Conn:
    """One client connection: raw segments out, the server's in."""

    def __init__(self, lab, target, family, dport, log):
        self.lab, self.family, self.dport, self.log = lab, family, dport, log
        self.dst = target[family]
        self.src = lab.c4 if family == 4 else lab.c6
        self.sport = lab.port()
        self.key = (self.dst, dport, self.sport)
        self.q = lab.register(self.key)
        self.iss = random.getrandbits(32)
        self.nxt = self.iss  # our SND.NXT
        self.irs = None  # the server's ISN
        self.rcv = 0  # what we ACK
        self.tsv = random.randrange(1 << 20, 1 << 30)
        self.ts_recent = 0
        self.ts_on = True
        self.wscale = 7
        self.t0 = time.time()
        self.sent_tsvals = []  # index i: our i-th segment's TSval
        self.last_ack = None  # the server's last ACK: its RCV.NXT

    # --- output ---
    def send(self, flags, seq=None, ack=None, data=b"", win=502,
             opts=None, ts=None, sack=None, tsval=None):
        from scapy.all import Ether, IP, IPv6, TCP
        if seq is None:
            seq = self.nxt
        if ack is None:
            ack = self.rcv if "A" in flags else 0
        if tsval is None:
            self.tsv += 1
            tsval = self.tsv
        if opts == SYN_OPTS:
            o = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (tsval, 0)),
                 ("NOP", None), ("WScale", self.wscale)]
        elif opts == SYN_MSS_TS:
            o = [("MSS", 1000), ("NOP", None), ("NOP", None),
                 ("Timestamp", (tsval, 0))]
        elif opts is not None:
            o = opts
        elif (self.ts_on if ts is None else ts):
            o = [("NOP", None), ("NOP", None),
                 ("Timestamp", (tsval, self.ts_recent))]
        else:
            o = []
        if sack:
            o = o + [("NOP", None), ("NOP", None), ("SAck", sack)]
        if any(k == "Timestamp" for k, _ in o):
            self.sent_tsvals.append(tsval)
        l3 = (IP(src=self.src, dst=self.dst) if self.family == 4 else
              IPv6(src=self.src, dst=self.dst))
        f = (Ether(src=self.lab.cmac, dst=self.lab.smac) / l3 /
             TCP(sport=self.sport, dport=self.dport, flags=flags,
                 seq=seq % M32, ack=ack % M32, window=win, options=o))
        if data:
            f = f / data
        self.lab.send(f)
        self.note(time.time(), "<", f[TCP])
        return tsval

    # --- input ---
    def get(self, timeout):
        """The next segment from the server within timeout s: (t, TCP)."""
        from scapy.all import TCP
        try:
            t, p = self.q.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None
        tcp = p[TCP]
        self.note(t, ">", tcp)
        if "A" in str(tcp.flags):
            self.last_ack = tcp.ack
        for k, v in tcp.options:
            if k == "Timestamp":
                self.ts_recent = v[0]
        return t, tcp

    def collect(self, secs, stop=None):
        """Every segment for secs seconds, or until stop(list) is true."""
        out = []
        end = time.time() + secs
        for _ in range(MAX_SEGS):
            left = end - time.time()
            if left <= 0:
                break
            r = self.get(left)
            if r is None:
                break
            out.append(r)
            if stop and stop(out):
                break
        return out

    def expect(self, secs, pred):
        """The first segment within secs satisfying pred, or None."""
        end = time.time() + secs
        for _ in range(MAX_SEGS):
            r = self.get(end - time.time())
            if r is None:
                return None
            if pred(r[1]):
                return r
        return None

    def handshake(self, opts=SYN_OPTS, ack_win=502):
        self.send("S", opts=opts)
        if isinstance(opts, list):
            self.ts_on = any(k == "Timestamp" for k, _ in opts)
        r = self.expect(2.0, lambda t: str(t.flags) == "SA")
        if r is None:
            raise CaseError("no SYN-ACK")
        self.irs = r[1].seq
        self.rcv = (self.irs + 1) % M32
        self.nxt = (self.iss + 1) % M32
        self.send("A", win=ack_win)
        return r[1]

    def data(self, n, off=None, flags="PA"):
        """Sends n bytes at relative seq off (default: SND.NXT)."""
        seq = self.nxt if off is None else (self.iss + off) % M32
        self.send(flags, seq=seq, data=bytes(b"d" * n))
        if off is None:
            self.nxt = (self.nxt + n) % M32

    def end(self):
        """A RST at the server's RCV.NXT (as its last ACK said, else our
        SND.NXT) ends the flow on both sides; the queue is dropped."""
        if self.irs is not None:
            self.send("R", seq=self.nxt if self.last_ack is None else
                      self.last_ack, ts=False)
        self.lab.unregister(self.key)

    # --- description ---
    def rseq(self, t):
        return rel(t.seq, self.irs) if self.irs is not None else t.seq

    def rack(self, t):
        return rel(t.ack, self.iss)

    def sacks(self, t, base=None):
        """t's SACK blocks, relative to our ISN (or base)."""
        base = self.iss if base is None else base
        out = []
        for k, v in t.options:
            if k == "SAck":
                for i in range(0, len(v) - 1, 2):
                    out.append("%d-%d" % (rel(v[i], base),
                                          rel(v[i + 1], base)))
        return out

    def ecr_of(self, t):
        for k, v in t.options:
            if k == "Timestamp":
                if v[1] in self.sent_tsvals:
                    return "#%d" % (self.sent_tsvals.index(v[1]) + 1)
                return "?%d" % v[1]
        return None

    def fact(self, t):
        """A server segment, normalised: flags (without P), rel seq/ack,
        length, SACK blocks."""
        fl = str(t.flags).replace("P", "")
        s = "%s %d" % (fl, self.rseq(t))
        if "A" in fl:
            s += ":%d" % self.rack(t)
        n = len(bytes(t.payload))
        if n:
            s += " len %d" % n
        sk = self.sacks(t)
        if sk:
            s += " sack " + ",".join(sk)
        ecr = self.ecr_of(t)
        if ecr is not None:
            s += " ecr" + ecr
        return s

    def note(self, t, way, tcp):
        opts = []
        for k, v in tcp.options:
            if k == "Timestamp":
                opts.append("TS %d/%d" % v)
            elif k == "SAck":
                opts.append("sack " + ",".join(self.sacks(
                    tcp, self.irs if way == "<" else None)))
            elif v in (None, b""):
                opts.append(k)
            else:
                opts.append("%s %s" % (k, v))
        if way == "<":
            seq = rel(tcp.seq, self.iss)
            ack = rel(tcp.ack, self.irs) if self.irs is not None else tcp.ack
        else:
            seq = self.rseq(tcp)
            ack = self.rack(tcp)
        self.log.append("  %+8.3f %s %-3s seq %d ack %s win %d len %d [%s]" % (
            t - self.t0, "client >" if way == "<" else "server <",
            str(tcp.flags), seq, ack if "A" in str(tcp.flags) else "-",
            tcp.window, len(bytes(tcp.payload)), ", ".join(opts)))


class CaseError(Exception):
    pass


class Result:
    """facts: compared between the two sides; show: the table's text
    (facts and what is shown but not compared); times: intervals, for the
    loose cross-side check."""

    def __init__(self, facts, show=None, times=None):
        self.facts = facts
        self.show = show if show is not None else facts
        self.times = times or []


def ratio_word(iv):
    """'x2' when each interval is about double the one before."""
    if len(iv) < 2:
        return "%d intervals" % len(iv)
    words = []
    for a, b in zip(iv, iv[1:]):
        r = b / a if a > 0 else 0
        words.append("x2" if 1.5 <= r <= 2.7 else "x%.1f" % r)
    return ",".join(words)


def fmt_iv(iv):
    return "/".join("%.2f" % x for x in iv)


def opt_names(t):
    out = []
    for k, v in t.options:
        if k == "MSS":
            out.append("mss%d" % v)
        elif k == "WScale":
            out.append("ws%d" % v)
        elif k == "Timestamp":
            out.append("TS")
        else:
            out.append({"SAckOK": "sackOK", "NOP": "nop",
                        "EOL": "eol"}.get(k, k))
    return ",".join(out)


# --- The cases --------------------------------------------------------------
# Each takes (lab, target, log) and returns a Result.

def c_handshake(lab, tg, log, family=4, opts=SYN_OPTS):
    c = Conn(lab, tg, family, PORT_SINK, log)
    try:
        c.send("S", opts=opts)
        r = c.expect(2.0, lambda t: "S" in str(t.flags))
        if r is None:
            return Result("no SYN-ACK")
        t = r[1]
        c.irs = t.seq
        facts = "%s ack %d [%s]" % (t.flags, c.rack(t), opt_names(t))
        ecr = c.ecr_of(t)
        if ecr is not None:
            facts += " ecr %s" % ("SYN" if ecr == "#1" else ecr)
        c.rcv = (c.irs + 1) % M32
        c.nxt = (c.iss + 1) % M32
        c.send("A", ts=any(k == "Timestamp" for k, _ in t.options))
        return Result(facts, "%s win %d" % (facts, t.window))
    finally:
        c.end()


def c_handshake_v6(lab, tg, log):
    return c_handshake(lab, tg, log, family=6)


def c_handshake_noopts(lab, tg, log):
    return c_handshake(lab, tg, log, opts=[])


def c_handshake_mss_ts(lab, tg, log):
    return c_handshake(lab, tg, log, opts=SYN_MSS_TS)


def c_synack_rtx(lab, tg, log):
    """No ACK to the SYN-ACK: its retransmissions, 3 SYN-ACKs."""
    c = Conn(lab, tg, 4, PORT_SINK, log)
    try:
        c.send("S", opts=SYN_OPTS)
        got = c.collect(4.6, stop=lambda o: len(o) >= 3)
        sa = [(t, s) for t, s in got if str(s.flags) == "SA"]
        if not sa:
            return Result("no SYN-ACK")
        c.irs = sa[0][1].seq
        same = all(s.seq == sa[0][1].seq and s.ack == sa[0][1].ack
                   for _, s in sa)
        iv = [b[0] - a[0] for a, b in zip(sa, sa[1:])]
        facts = "%d SYN-ACKs%s, %s" % (
            len(sa), ", same seq/ack" if same else ", seq/ack CHANGE",
            ratio_word(iv))
        return Result(facts, "%s (%s s)" % (facts, fmt_iv(iv)), iv[:1])
    finally:
        c.lab.unregister(c.key)
        if c.irs is not None:
            c.rcv = (c.irs + 1) % M32
            c.nxt = (c.iss + 1) % M32
            c.send("R", seq=c.nxt, ts=False)


def c_syn_rtx(lab, tg, log):
    """A retransmitted SYN (new TSval) in SYN-RECEIVED."""
    c = Conn(lab, tg, 4, PORT_SINK, log)
    try:
        c.send("S", opts=SYN_OPTS)
        r1 = c.expect(2.0, lambda t: str(t.flags) == "SA")
        if r1 is None:
            return Result("no SYN-ACK")
        c.irs = r1[1].seq
        time.sleep(0.1)
        c.send("S", seq=c.iss, opts=SYN_OPTS)
        r2 = c.expect(0.6, lambda t: str(t.flags) == "SA")
        if r2 is None:
            return Result("no 2nd SYN-ACK")
        a, b = r1[1], r2[1]
        facts = "2nd SYN-ACK: %s, %s, ecr %s" % (
            "same ISN" if a.seq == b.seq else "NEW ISN",
            "same ack" if a.ack == b.ack else "ack differs",
            {"#1": "1st SYN", "#2": "2nd SYN"}.get(c.ecr_of(b),
                                                  c.ecr_of(b)))
        return Result(facts)
    finally:
        c.rcv = (c.irs + 1) % M32 if c.irs is not None else 0
        c.nxt = (c.iss + 1) % M32
        c.end()


def est(lab, tg, log, port=PORT_SINK, family=4, ack_win=502, opts=SYN_OPTS):
    c = Conn(lab, tg, family, port, log)
    c.handshake(opts=opts, ack_win=ack_win)
    return c


def c_rst_outside(lab, tg, log):
    """RST far outside the window: ignored."""
    c = est(lab, tg, log)
    try:
        c.send("R", seq=c.nxt + (1 << 30), ts=False)
        r = c.get(0.5)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.expect(1.0, lambda t: True)
        return Result("%s; then data: %s" % (
            first, c.fact(r[1]) if r else "nothing"))
    finally:
        c.end()


def c_data_outside(lab, tg, log):
    """100 bytes far beyond the window: a duplicate ACK."""
    c = est(lab, tg, log)
    try:
        c.data(100, off=1 + (1 << 30))
        r = c.get(0.5)
        return Result(c.fact(r[1]) if r else "nothing")
    finally:
        c.end()


def c_ack_too_old(lab, tg, log):
    """An ACK below SND.UNA - MAX.SND.WND (RFC 5961 5.2)."""
    c = est(lab, tg, log)
    try:
        c.send("A", ack=c.rcv - 200000)
        r = c.get(0.5)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.expect(1.0, lambda t: True)
        return Result("%s; then data: %s" % (
            first, c.fact(r[1]) if r else "nothing"))
    finally:
        c.end()


def c_paws(lab, tg, log):
    """100 bytes whose TSval is older than the last one (RFC 7323 5.3
    PAWS), then 50 bytes with a current TSval."""
    c = est(lab, tg, log)
    try:
        c.send("PA", data=b"o" * 100, tsval=c.tsv - 100000)
        r = c.get(0.5)
        first = c.fact(r[1]) if r else "nothing"
        c.send("PA", data=b"n" * 50)
        r = c.expect(1.0, lambda t: True)
        return Result("old TSval: %s; then: %s" % (
            first, c.fact(r[1]) if r else "nothing"))
    finally:
        c.end()


def c_challenge_limit(lab, tg, log):
    """Two in-window RSTs 50 ms apart: how many challenge ACKs."""
    c = est(lab, tg, log)
    try:
        c.send("R", seq=c.nxt + 100, ts=False)
        time.sleep(0.05)
        c.send("R", seq=c.nxt + 200, ts=False)
        got = c.collect(0.6)
        return Result("%d challenge ACKs (%s)" % (
            len(got), ", ".join(c.fact(t) for _, t in got)))
    finally:
        c.end()


def c_syn_new_isn(lab, tg, log):
    """In SYN-RECEIVED, a SYN with another ISN (outside the window)."""
    c = Conn(lab, tg, 4, PORT_SINK, log)
    try:
        c.send("S", opts=SYN_OPTS)
        r = c.expect(2.0, lambda t: str(t.flags) == "SA")
        if r is None:
            return Result("no SYN-ACK")
        c.irs = r[1].seq
        c.send("S", seq=c.iss + (1 << 30), opts=SYN_OPTS)
        r = c.get(0.6)
        if r is None:
            return Result("nothing")
        t = r[1]
        s = str(t.flags)
        if "S" in s:
            s += " (%s ISN) ack %d" % (
                "same" if t.seq == c.irs else "new", c.rack(t))
        else:
            s = c.fact(t)
        return Result(s)
    finally:
        c.rcv = (c.irs + 1) % M32 if c.irs is not None else 0
        c.nxt = (c.iss + 1) % M32
        c.end()
        c.send("R", seq=c.iss + (1 << 30) + 1, ts=False)


def c_handshake_bad_ack(lab, tg, log):
    """The handshake's ACK acknowledges the wrong number."""
    c = Conn(lab, tg, 4, PORT_SINK, log)
    try:
        c.send("S", opts=SYN_OPTS)
        r = c.expect(2.0, lambda t: str(t.flags) == "SA")
        if r is None:
            return Result("no SYN-ACK")
        c.irs = r[1].seq
        c.nxt = (c.iss + 1) % M32
        c.send("A", ack=c.irs + 1000)
        r = c.get(0.5)
        if r is None:
            return Result("nothing")
        t = r[1]
        s = str(t.flags)
        if "R" in s:
            s += " seq %s" % ("SEG.ACK" if t.seq == (c.irs + 1000) % M32
                              else c.rseq(t))
        else:
            s = c.fact(t)
        return Result(s)
    finally:
        c.rcv = (c.irs + 1) % M32 if c.irs is not None else 0
        c.end()


def c_data_in_order(lab, tg, log):
    c = est(lab, tg, log)
    try:
        out = []
        for n in (100, 50):
            c.data(n)
            r = c.expect(1.0, lambda t: "A" in str(t.flags))
            out.append(c.fact(r[1]) if r else "no ACK")
        return Result("; ".join(out))
    finally:
        c.end()


def c_data_in_order_v6(lab, tg, log):
    c = est(lab, tg, log, family=6)
    try:
        c.data(100)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        return Result(c.fact(r[1]) if r else "no ACK")
    finally:
        c.end()


def c_ooo(lab, tg, log):
    """100 bytes in order, then 100 bytes after a 100-byte hole."""
    c = est(lab, tg, log)
    try:
        c.data(100)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        if r is None:
            return Result("no ACK for in-order data")
        c.data(100, off=201)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        dup = c.fact(r[1]) if r else "none"
        c.data(100)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        return Result("dup ACK: %s; hole filled: %s" % (
            dup, c.fact(r[1]) if r else "none"))
    finally:
        c.end()


def c_dsack(lab, tg, log):
    """100 bytes, then the same 100 bytes again."""
    c = est(lab, tg, log)
    try:
        c.data(100)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        if r is None:
            return Result("no ACK for in-order data")
        c.data(100, off=1)
        r = c.expect(1.0, lambda t: "A" in str(t.flags))
        return Result(c.fact(r[1]) if r else "no ACK")
    finally:
        c.end()


def c_rst_challenge(lab, tg, log):
    """RST at RCV.NXT + 100 (in the window, not exact); then data."""
    c = est(lab, tg, log)
    try:
        c.send("R", seq=c.nxt + 100, ts=False)
        r = c.get(0.8)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.expect(1.0, lambda t: True)
        then = c.fact(r[1]) if r else "nothing"
        return Result("%s; then data: %s" % (first, then))
    finally:
        c.end()


def c_rst_exact(lab, tg, log):
    """RST at RCV.NXT: the flow ends; the next segment gets a RST."""
    c = est(lab, tg, log)
    try:
        c.send("R", seq=c.nxt, ts=False)
        r = c.get(0.4)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.get(1.0)
        then = c.fact(r[1]) if r else "nothing"
        if r is not None and "R" in str(r[1].flags):
            then += " (seq SEG.ACK)" if r[1].seq == c.rcv else ""
        return Result("%s; then data: %s" % (first, then))
    finally:
        c.lab.unregister(c.key)


def c_syn_established(lab, tg, log):
    """A SYN inside the window of an established connection."""
    c = est(lab, tg, log)
    try:
        c.send("S", seq=c.nxt + 100, opts=SYN_OPTS)
        r = c.get(0.8)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.expect(1.0, lambda t: True)
        then = c.fact(r[1]) if r else "nothing"
        return Result("%s; then data: %s" % (first, then))
    finally:
        c.end()


def c_ack_unsent(lab, tg, log):
    """An ACK for 1000 bytes the server never sent."""
    c = est(lab, tg, log)
    try:
        c.send("A", ack=c.rcv + 1000)
        r = c.get(0.8)
        first = c.fact(r[1]) if r else "nothing"
        c.data(50)
        r = c.expect(1.0, lambda t: True)
        then = c.fact(r[1]) if r else "nothing"
        return Result("%s; then data: %s" % (first, then))
    finally:
        c.end()


def c_fin(lab, tg, log):
    """FIN from the client to the sink: ACKed, and the sink closes too."""
    c = est(lab, tg, log)
    try:
        c.send("FA")
        c.nxt = (c.nxt + 1) % M32
        got = c.collect(0.8, stop=lambda o: any("F" in str(t.flags)
                                                 for _, t in o))
        if not got:
            return Result("nothing")
        acked = max((c.rack(t) for _, t in got if "A" in str(t.flags)),
                    default=None)
        fins = [t for _, t in got if "F" in str(t.flags)]
        facts = "FIN acked %s; server FIN %s" % (
            "(ack %s)" % acked if acked == 2 else "NO (ack %s)" % acked,
            "seq %d" % c.rseq(fins[0]) if fins else "none")
        if fins:
            c.rcv = (fins[0].seq + 1) % M32
            c.send("A")
            r = c.get(0.4)
            facts += "; after our last ACK: %s" % (
                c.fact(r[1]) if r else "nothing")
        show = facts + " (%s)" % " ".join(str(t.flags) for _, t in got)
        return Result(facts, show)
    finally:
        c.lab.unregister(c.key)


def rto_run(lab, tg, log, opts=SYN_OPTS):
    c = est(lab, tg, log, port=PORT_BANNER, opts=opts)
    try:
        got = c.collect(4.0, stop=lambda o: len(
            [1 for _, t in o if len(bytes(t.payload))]) >= 4)
        segs = [(t, s) for t, s in got if len(bytes(s.payload))]
        if not segs:
            return Result("no data")
        kinds = sorted(set("%d len %d" % (c.rseq(s), len(bytes(s.payload)))
                           for _, s in segs))
        iv = [b[0] - a[0] for a, b in zip(segs, segs[1:])]
        facts = "%d sends of %s, %s" % (len(segs), "+".join(kinds),
                                        ratio_word(iv))
        return Result(facts, "%s (%s s)" % (facts, fmt_iv(iv)), iv[:1])
    finally:
        c.end()


def c_data_rto(lab, tg, log):
    """The banner, never ACKed, on a connection without SACK: its
    retransmissions, by RTO alone (a tail loss probe needs SACK, on both
    sides: see c_data_tlp)."""
    return rto_run(lab, tg, log, opts=SYN_MSS_TS)


def c_data_tlp(lab, tg, log):
    """The same with the kernel's defaults: a tail loss probe (RFC 8985)
    comes before the first RTO."""
    return rto_run(lab, tg, log)


def c_persist(lab, tg, log):
    """Window 0 in the handshake's ACK: zero-window probes, each ACKed
    with window 0; then the window opens."""
    c = est(lab, tg, log, port=PORT_BANNER, ack_win=0)
    try:
        probes, other = [], []
        end = time.time() + 3.0
        for _ in range(MAX_SEGS):
            if len(probes) >= 3:
                break
            r = c.get(end - time.time())
            if r is None:
                break
            t, s = r
            if len(bytes(s.payload)) == 0 and str(s.flags) == "A":
                probes.append((t, s))
                c.send("A", win=0)
            else:
                other.append(s)
        if not probes:
            return Result("no probe (%s)" % ", ".join(c.fact(s)
                                                      for s in other))
        kinds = sorted(set(c.fact(s) for _, s in probes))
        iv = [b[0] - a[0] for a, b in zip(probes, probes[1:])]
        c.send("A", win=502)
        r = c.expect(1.0, lambda t: len(bytes(t.payload)) > 0)
        facts = "%d probes %s, %s; window open: %s" % (
            len(probes), "/".join(kinds), ratio_word(iv),
            c.fact(r[1]) if r else "nothing")
        if other:
            facts += "; also %s" % ", ".join(c.fact(s) for s in other)
        return Result(facts, "%s (%s s)" % (facts, fmt_iv(iv)), iv[:1])
    finally:
        c.end()


def c_window(lab, tg, log):
    """Bulk data into a 1024-byte window (8 << 7): three rounds, each
    ACKing all received with the same window.  Never past the window."""
    c = est(lab, tg, log, port=PORT_BULK, ack_win=8)
    try:
        win = 8 << c.wscale
        edge = 1 + win  # the right edge, relative
        top = 1
        rounds, sizes, beyond = [], [], 0
        for _ in range(3):
            got = c.collect(0.35)
            new = 0
            for _, s in got:
                n = len(bytes(s.payload))
                if not n:
                    continue
                end = c.rseq(s) + n
                if end > edge:
                    beyond += 1
                if end > top:
                    new += end - top
                    top = end
                    sizes.append(n)
            rounds.append(new)
            c.rcv = (c.irs + top) % M32
            edge = top + win
            c.send("A", win=8)
        facts = "bytes per round %s; %s" % (
            "/".join(map(str, rounds)),
            "never past the window" if not beyond else
            "%d segments PAST the window" % beyond)
        return Result(facts, "%s (segments %s)" % (
            facts, ",".join(map(str, sizes))))
    finally:
        c.end()


def c_bulk_v6(lab, tg, log):
    """Bulk over IPv6 after a SYN offering MSS 1460 (more than an IPv6
    packet on this 1500-byte link can carry): the largest segment."""
    c = est(lab, tg, log, port=PORT_BULK, family=6)
    try:
        got = c.collect(0.15)
        sizes = [len(bytes(s.payload)) for _, s in got
                 if len(bytes(s.payload))]
        if not sizes:
            return Result("no data")
        return Result("largest segment %d bytes (IPv6 packet %d)" % (
            max(sizes), max(sizes) + 40 + 32),
            "largest segment %d bytes (IPv6 packet %d), %d segments" % (
                max(sizes), max(sizes) + 40 + 32, len(sizes)))
    finally:
        c.end()


def c_fast_rtx(lab, tg, log):
    """Bulk with a wide window: ACK one MSS (1448 bytes), then three
    duplicate ACKs whose SACK blocks say the third to fifth segments
    arrived: the second segment comes again, at once."""
    c = est(lab, tg, log, port=PORT_BULK)
    try:
        got = c.collect(0.15)
        top = max((c.rseq(s) + len(bytes(s.payload)) for _, s in got),
                  default=0)
        if top < 1 + 5 * 1448:
            return Result("only %d bytes" % (top - 1))
        c.rcv = (c.irs + 1 + 1448) % M32
        c.send("A")
        for k in (2, 3, 4):
            left = c.irs + 1 + 2 * 1448
            c.send("A", sack=(left % M32, (left + (k - 1) * 1448) % M32))
        r = c.expect(0.15, lambda t: t.seq == c.rcv and
                     len(bytes(t.payload)) > 0)
        # Which duplicate ACK the retransmission answers (its TSecr) is
        # the kernel's RACK timing (RFC 8985: the second or the third,
        # seen both ways here): "a dup ACK" is what is compared.
        fact = c.fact(r[1]) if r else ""
        for k in ("#5", "#6"):
            fact = fact.replace("ecr" + k, "ecr dup-ACK")
        facts = "after 3 dup ACKs with SACK: %s" % (
            "retransmits %s" % fact if r else "nothing in 150 ms")
        return Result(facts)
    finally:
        c.end()


CASES = [
    ("handshake-options", c_handshake,
     "SYN mss,sackOK,TS,nop,ws7: SYN-ACK options, TSecr"),
    ("handshake-options-v6", c_handshake_v6, "the same over IPv6"),
    ("handshake-no-options", c_handshake_noopts, "SYN without options"),
    ("handshake-mss-ts", c_handshake_mss_ts, "SYN with MSS 1000 and TS"),
    ("synack-rtx", c_synack_rtx, "no ACK: SYN-ACK retransmissions"),
    ("syn-rtx", c_syn_rtx, "retransmitted SYN in SYN-RECEIVED"),
    ("syn-new-isn", c_syn_new_isn, "SYN-RECEIVED: a SYN with another ISN"),
    ("handshake-bad-ack", c_handshake_bad_ack, "handshake ACK, wrong ack"),
    ("data-in-order", c_data_in_order, "100 then 50 bytes, in order"),
    ("data-in-order-v6", c_data_in_order_v6, "100 bytes over IPv6"),
    ("out-of-order", c_ooo, "a segment after a hole, then the hole"),
    ("duplicate-dsack", c_dsack, "a segment again: D-SACK"),
    ("rst-in-window", c_rst_challenge, "RST at RCV.NXT+100: challenge"),
    ("rst-exact", c_rst_exact, "RST at RCV.NXT: flow gone"),
    ("syn-established", c_syn_established, "SYN in the window: challenge"),
    ("ack-unsent", c_ack_unsent, "ACK for data never sent"),
    ("ack-too-old", c_ack_too_old, "ACK below SND.UNA - MAX.SND.WND"),
    ("rst-outside", c_rst_outside, "RST far outside the window"),
    ("data-outside", c_data_outside, "data far beyond the window"),
    ("paws", c_paws, "data with an old TSval (PAWS)"),
    ("challenge-limit", c_challenge_limit, "two in-window RSTs, 50 ms apart"),
    ("fin", c_fin, "FIN to the sink"),
    ("data-rto", c_data_rto, "banner never ACKed, no SACK: RTO backoff"),
    ("data-tlp", c_data_tlp, "the same, kernel defaults: tail loss probe"),
    ("persist", c_persist, "zero window: probes"),
    ("window", c_window, "bulk into a 1024-byte window"),
    ("fast-rtx", c_fast_rtx, "3 duplicate ACKs: fast retransmit"),
    ("bulk-v6", c_bulk_v6, "bulk over IPv6 after a SYN with MSS 1460"),
]


def run_case(lab, fn, tg, log, out, side):
    try:
        out[side] = fn(lab, tg, log)
    except CaseError as e:
        out[side] = Result("error: %s" % e)
    except Exception as e:  # a bug in a case must show, not hang
        out[side] = Result("error: %r" % e)


def client_main(argv):
    known, only, frames_file, pos = {}, [], None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--known":
            k, _, why = argv[i + 1].partition("=")
            known[k] = why
            i += 2
        elif a == "--case":
            only.append(argv[i + 1])
            i += 2
        elif a == "--frames":
            frames_file = argv[i + 1]
            i += 2
        else:
            pos.append(a)
            i += 1
    if len(pos) != 9:
        sys.stderr.write(__doc__)
        return 2
    iface, cmac, smac, c4, c6, k4, k6, r4, r6 = pos
    names = [n for n, _, _ in CASES]
    for n in list(only) + list(known):
        if n not in names:
            sys.stderr.write("vs_kernel.py: no case %s\n" % n)
            return 2
    lab = Lab(iface, cmac, smac, c4, c6)
    targets = {"kernel": {4: k4, 6: k6, "side": "kernel"},
               "riposte": {4: r4, 6: r6, "side": "riposte"}}
    rows, logs = [], []
    try:
        for name, fn, what in CASES:
            if only and name not in only:
                continue
            out, lg = {}, {"kernel": [], "riposte": []}
            th = [threading.Thread(target=run_case,
                                   args=(lab, fn, targets[s], lg[s], out, s),
                                   daemon=True)
                  for s in ("kernel", "riposte")]
            for t in th:
                t.start()
            for t in th:
                t.join(30)
            k, r = out.get("kernel"), out.get("riposte")
            if k is None or r is None:
                k = k or Result("hung")
                r = r or Result("hung")
            same = k.facts == r.facts
            if same and k.times and r.times:
                a, b = k.times[0], r.times[0]
                if not (a > 0 and b > 0 and 1 / 1.6 <= a / b <= 1.6):
                    same = False
                    k.show += " [1st interval %.2f]" % a
                    r.show += " [1st interval %.2f]" % b
            broken = [x for x in (k, r) if x.facts == "hung" or
                      x.facts.startswith("error")]
            if broken:
                verdict = "ERROR"  # the case itself failed: never "same"
            elif same:
                verdict = "same"
            elif name in known:
                verdict = "known: " + known[name]
            else:
                verdict = "DIFFERENT"
            rows.append((name, what, k.show, r.show, verdict))
            logs.append((name, what, lg))
    finally:
        lab.close()

    if frames_file:
        with open(frames_file, "w") as f:
            for name, what, lg in logs:
                f.write("=== %s: %s\n" % (name, what))
                for side in ("kernel", "riposte"):
                    f.write(" %s:\n" % side)
                    for line in lg[side]:
                        f.write(line + "\n")
    bad = 0
    for (name, what, ks, rs, verdict), (_, _, lg) in zip(rows, logs):
        if verdict == "same":
            continue
        print("--- frames of %s (seq/ack relative to the ISNs)" % name)
        for side in ("kernel", "riposte"):
            print(" %s:" % side)
            for line in lg[side]:
                print(line)
    # The table: a case that behaved the same on one line when both
    # sides showed the same text; the kernel's and riposte's otherwise.
    print()
    print("%-21s %-9s %s" % ("case", "verdict", "kernel | riposte"))
    for name, what, ks, rs, verdict in rows:
        word = verdict.split(":")[0]
        if verdict in ("DIFFERENT", "ERROR"):
            bad += 1
        if ks == rs:
            print("%-21s %-9s %s" % (name, word, ks))
            continue
        print("%-21s %-9s kernel:  %s" % (name, word, ks))
        print("%-21s %-9s riposte: %s" % ("", "", rs))
        if word == "known":
            print("%-21s %-9s (%s)" % ("", "", verdict[len("known: "):]))
    stale = [k for k in known if any(r[0] == k and r[4] == "same"
                                     for r in rows)]
    for k in stale:
        print("note: %s, a known difference, behaved the same this time"
              % k)
    print("%d cases, %d same, %d known differences, %d different or "
          "broken" % (
        len(rows), sum(1 for r in rows if r[4] == "same"),
        sum(1 for r in rows if r[4].startswith("known")), bad))
    return 1 if bad or not rows else 0


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "server":
        return server_main(argv)
    if cmd == "rules":
        return rules_main(argv)
    if cmd == "client":
        return client_main(argv)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
