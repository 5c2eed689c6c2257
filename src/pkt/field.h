/* SPDX-License-Identifier: MIT */
/*
 * field.h - the names of packet fields, shared by `riposte show -v`, the
 * rule language (lowercase names read the request: ip.ttl, tcp.seq) and the
 * Scapy cross-check.  A name is a lowercase layer ("eth", "dot1q", "ip",
 * "ip6", "icmp", "icmp6", "tcp", "udp", "raw", ...) and Scapy's own field
 * name for it ("ttl", "hlim", "chksum", "cksum", "R"), so a Scapy user
 * never has to learn a second vocabulary.
 */
#ifndef RIPOSTE_PKT_FIELD_H
#define RIPOSTE_PKT_FIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

enum pkt_ftype {
	PKT_F_UINT, /* printed in decimal */
	PKT_F_HEX, /* printed as 0x... */
	PKT_F_MAC, /* 6 bytes */
	PKT_F_IP4, /* 4 bytes */
	PKT_F_IP6, /* 16 bytes */
	PKT_F_BYTES, /* a byte range, printed as a Python bytes literal */
	PKT_F_TCPFLAGS, /* printed as Scapy's letters */
	PKT_F_IPFLAGS, /* printed as Scapy's DF+MF */
};

/*
 * A field's value: integers in u, addresses and byte ranges in b.  For
 * addresses b points into the value's own addr, so a copy of the struct
 * must re-point b (or read addresses through addr).
 */
struct pkt_value {
	uint64_t u;
	struct pkt_bytes b;
	uint8_t addr[16]; /* storage for MAC/IP values; b points here */
};

struct pkt_field {
	const char *name;
	enum pkt_ftype type;
	uint32_t layer; /* PKT_L_* bit that must be present */
	unsigned bits; /* width of an integer field */
	/* Plain members of struct pkt are read by offset ... */
	size_t off;
	size_t size;
	/* ... derived ones (bit fields, type-dependent words) by callback. */
	bool (*get)(const struct pkt *p, struct pkt_value *v);
	/* Writes a value into p; false when the value does not fit. */
	bool (*put)(struct pkt *p, const struct pkt_value *v);
};

/* Looks a field up by its full name; NULL if there is none. */
const struct pkt_field *pkt_field_find(const char *name);

/*
 * Reads field f of p into v.  Returns false when p lacks the layer, or the
 * field does not apply to this packet (icmp.id of a redirect).  v->b
 * points into p's buffers or into v->addr.
 */
bool pkt_field_get(const struct pkt *p, const struct pkt_field *f,
		   struct pkt_value *v);

/*
 * Writes v into field f of p, and marks length and checksum fields as set
 * by the caller (PKT_SET_*) so that builders keep the value.  Returns false
 * when the value does not fit the field or the field does not apply to p
 * (icmp.gw of an echo request).  Byte-range values are not copied: p then
 * points at the caller's storage.
 */
bool pkt_field_put(struct pkt *p, const struct pkt_field *f,
		   const struct pkt_value *v);

/* Every field, in the order `show -v` prints them; ends with name NULL. */
extern const struct pkt_field pkt_fields[];

#endif
