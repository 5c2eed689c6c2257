/* SPDX-License-Identifier: MIT */
/*
 * neigh.h - the Ethernet destination of an IP destination, for `riposte
 * send -i` when the template does not give one: what Scapy's getmacbyip()
 * and neighsol() do.  Multicast and broadcast addresses map to their MAC
 * (RFC 1112 section 6.4, RFC 2464 section 7); a unicast one is asked for
 * on the interface, with an ARP request (RFC 826) or a neighbour
 * solicitation to its solicited-node group (RFC 4861 section 7.2.2).
 */
#ifndef RIPOSTE_NEIGH_H
#define RIPOSTE_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

#define NEIGH_TRIES 3 /* requests sent, spread over the wait */

/* Who asks: the interface's MAC and the address the request comes from. */
struct neigh_self {
	uint8_t mac[6];
	uint8_t ip4[4];
	uint8_t ip6[16];
};

/*
 * The MAC that an IPv4 (v6 false, 4 bytes) or IPv6 (16 bytes) destination
 * maps to without asking: 255.255.255.255 and 0.0.0.0 to ff:ff:ff:ff:ff:ff,
 * 224.0.0.0/4 to 01:00:5e and its low 23 bits, ff00::/8 to 33:33 and its
 * low 32 bits.  Returns false for the addresses that must be asked for.
 */
bool neigh_mapped(bool v6, const uint8_t *dst, uint8_t mac[6]);

/*
 * Builds into buf the ARP request (v4) or neighbour solicitation (v6)
 * that self sends to learn dst's MAC.  Returns the frame's length, or a
 * negative errno when it does not fit.
 */
int neigh_request(const struct neigh_self *self, bool v6, const uint8_t *dst,
		  uint8_t *buf, size_t cap);

/*
 * Does p answer the request for dst: an ARP reply from dst, or a neighbour
 * advertisement for target dst?  Then mac is its MAC (the target
 * link-layer address option, else the frame's source).
 */
bool neigh_answer(const struct pkt *p, bool v6, const uint8_t *dst,
		  uint8_t mac[6]);

/*
 * The next hop toward dst out of ifindex: 1 with hop (4 or 16 bytes) the
 * gateway of the kernel's route, 0 when dst is on the link or no route
 * says (then dst itself is asked for).
 */
int neigh_next_hop(int ifindex, bool v6, const uint8_t *dst, uint8_t *hop);

/*
 * Asks for dst on the interface ifindex and waits up to ms milliseconds,
 * sending NEIGH_TRIES requests spread over the wait.  Returns 1 with mac
 * filled, 0 when nothing answered, or a negative errno (socket, send).
 */
int neigh_resolve(int ifindex, const struct neigh_self *self, bool v6,
		  const uint8_t *dst, unsigned ms, uint8_t mac[6]);

#endif
