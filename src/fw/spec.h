/* SPDX-License-Identifier: MIT */
/*
 * spec.h - the firewall riposte installs, as data: what the netdev
 * ingress chain drops (the frames riposte answers, after AF_PACKET's tap
 * has copied them and before the IP stack sees them) and what the inet
 * output chain drops (the kernel's own RSTs and port unreachables from the
 * addresses riposte answers for).  One description, two writers: `check`
 * prints it as nft -f text (fw_spec_print), `run` sends it over netlink
 * (nft.c).
 */
#ifndef RIPOSTE_FW_SPEC_H
#define RIPOSTE_FW_SPEC_H

#include <stdint.h>
#include <stdio.h>

struct ruleset;

#define FW_TABLE "riposte"
#define FW_INGRESS_PRIORITY (-500)

enum fw_match {
	FW_IP4_DADDR, /* ip daddr A drop */
	FW_IP6_DADDR, /* ip6 daddr A drop */
	FW_ARP_DADDR, /* arp operation request arp daddr ip A drop */
	FW_L4_DPORT, /* <proto> dport P drop (tcp or udp) */
	FW_L4_PROTO, /* meta l4proto P drop */
	FW_OUT_RST4, /* ip saddr A tcp flags & rst == rst drop */
	FW_OUT_RST6,
	FW_OUT_UNREACH4, /* ip saddr A icmp type 3 code 3 drop */
	FW_OUT_UNREACH6, /* ip6 saddr A icmpv6 type 1 code 4 drop */
};

struct fw_rule {
	enum fw_match match;
	uint8_t addr[16];
	uint8_t proto; /* FW_L4_*: 1, 6, 17, 58 */
	uint8_t family; /* FW_L4_*: 4 or 6 only ("meta protocol"), 0 both */
	uint16_t port;
	const char
		*comment; /* the rule or host it comes from; static or rs's */
	/*
	 * n_set > 0: the rule holds for any of n_set keys (an anonymous set,
	 * `tcp dport { 22, 80 }`), each fw_key_len() bytes in network order
	 * (a port, an IPv4 or IPv6 address); addr and port are then unused.
	 * Not for FW_L4_PROTO.
	 */
	const uint8_t *set;
	uint32_t n_set;
};

/*
 * Rules of one shape (the same match, protocol and family) that differ
 * only in their port or address become one rule with a set from this
 * many on: the kernel then looks the key up in a hash instead of trying
 * the rules one by one (10,000 port rules in a row cost each frame
 * 90 us; in a set, nothing to see).
 */
#define FW_SET_MIN 8

struct fw_spec {
	struct fw_rule *ingress;
	size_t n_ingress;
	struct fw_rule *output;
	size_t n_output;
	/* Rules riposte answers that nftables cannot express (comments). */
	const char **inexpressible;
	size_t n_inexpressible;
	/* What fw_spec_build() allocated for sets and their comments. */
	void **owned;
	size_t n_owned;
};

/* Bytes of one key of r's set: 2 (a port), 4 or 16 (an address). */
unsigned fw_key_len(const struct fw_rule *r);

/* Fills spec from rs; arrays are malloc'd.  0 or -ENOMEM. */
int fw_spec_build(const struct ruleset *rs, struct fw_spec *spec);
void fw_spec_cleanup(struct fw_spec *spec);

/* Writes the two tables as nft -f text, for the interface iface. */
void fw_spec_print(const struct fw_spec *spec, FILE *out, const char *iface);

#endif
