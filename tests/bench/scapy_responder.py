#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scapy_responder.py - the live benchmark's Scapy reference
(tests/bench/syn.sh): answers every TCP SYN to ADDR:PORT with a SYN-ACK,
in Scapy's fastest practical form.

    scapy_responder.py IFACE ADDR PORT

One layer-2 socket (conf.L2socket, AF_PACKET on Linux) is opened once,
with a kernel BPF filter that passes only SYNs to ADDR:PORT, and reused:
each frame is read with the socket's recv() (which dissects it into an
Ether packet), the reply is built with Scapy's layers and sent back with
the same socket's send().  No sniff(), no sendp() per packet (each of
those would open a socket per call).  The kernel's own RSTs must be kept
out by the caller (syn.sh drops these SYNs at netdev ingress, after
AF_PACKET's tap has copied them).  Prints "ready" on stdout when the
socket is open; on SIGTERM or SIGINT prints how many SYNs it answered
on stderr and exits 0.
"""
import random
import signal
import sys

from scapy.config import conf
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: scapy_responder.py IFACE ADDR PORT\n")
        return 2
    iface, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    conf.verb = 0
    flt = ("tcp and dst host %s and dst port %d and tcp[13] & 0x17 == 2"
           % (addr, port))
    sock = conf.L2socket(iface=iface, filter=flt)
    answered = 0

    def stop(_sig, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    try:
        while True:
            p = sock.recv()
            if p is None or TCP not in p:
                continue
            ip, tcp = p[IP], p[TCP]
            r = (Ether(src=p.dst, dst=p.src)
                 / IP(src=ip.dst, dst=ip.src, ttl=64, flags="DF")
                 / TCP(sport=tcp.dport, dport=tcp.sport, flags="SA",
                       seq=random.getrandbits(32), ack=tcp.seq + 1,
                       window=65160, options=[("MSS", 1460)]))
            sock.send(r)
            answered += 1
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        sys.stderr.write("scapy_responder: answered %d\n" % answered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
