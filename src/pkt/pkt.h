/* SPDX-License-Identifier: MIT */
/*
 * pkt.h - riposte's packet layer: one frame dissected into plain structs,
 * and built back from them.
 *
 * Data flow:  bytes --pkt_parse()--> struct pkt --pkt_build()--> bytes
 *
 * struct pkt holds every header field of the layers present, by value, in
 * host byte order, with Scapy's field names (so the rule language and the
 * Scapy cross-check use one vocabulary).  Variable-length parts (IP and TCP
 * options, IPv6 extension headers, payload, Ethernet trailer) are byte
 * ranges (struct pkt_bytes) that point into the buffer that was parsed, or
 * into storage owned by whoever filled the struct: struct pkt never owns
 * memory and needs no free.
 *
 * A parse never reads outside [frame, frame + caplen).  It returns a
 * verdict; on TRUNCATED or MALFORMED the layers parsed before the fault are
 * valid (their bits are set in p->has), reason names the fault in a static
 * string, and err_off says how far parsing got.
 *
 * A build writes the layers present in p->has in wire order.  Length,
 * header-length and checksum fields are computed unless their bit is set in
 * p->set (PKT_SET_*), which is how a deliberately wrong value is forged.
 */
#ifndef RIPOSTE_PKT_PKT_H
#define RIPOSTE_PKT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

struct pkt_bytes {
	const uint8_t *p;
	size_t len;
};

/* Layer presence bits, p->has. */
enum {
	PKT_L_ETH = 1u << 0,
	PKT_L_DOT1AD = 1u << 1, /* outer tag of a QinQ pair */
	PKT_L_DOT1Q = 1u << 2, /* the tag nearest the payload */
	PKT_L_ARP = 1u << 3,
	PKT_L_IP = 1u << 4,
	PKT_L_IP6 = 1u << 5,
	PKT_L_ICMP = 1u << 6,
	PKT_L_ICMP6 = 1u << 7,
	PKT_L_TCP = 1u << 8,
	PKT_L_UDP = 1u << 9,
	PKT_L_RAW = 1u << 10, /* payload after the last parsed header */
	PKT_L_PADDING = 1u << 11, /* Ethernet trailer past the IP length */
	PKT_L_IPERROR = 1u << 12, /* IPv4 header quoted by an ICMP error */
	PKT_L_IPERROR6 = 1u << 13,
	PKT_L_TCPERROR = 1u << 14, /* first 8 bytes of a quoted TCP header */
	PKT_L_UDPERROR = 1u << 15,
	PKT_L_ICMPERROR = 1u << 16,
	PKT_L_IP6FRAG = 1u << 17, /* an IPv6 fragment header was walked */
};

/* Fields that builders compute unless the caller sets them, p->set. */
enum {
	PKT_SET_IP_IHL = 1u << 0,
	PKT_SET_IP_LEN = 1u << 1,
	PKT_SET_IP_CHKSUM = 1u << 2,
	PKT_SET_IP6_PLEN = 1u << 3,
	PKT_SET_TCP_DATAOFS = 1u << 4,
	PKT_SET_TCP_CHKSUM = 1u << 5,
	PKT_SET_UDP_LEN = 1u << 6,
	PKT_SET_UDP_CHKSUM = 1u << 7,
	PKT_SET_ICMP_CHKSUM = 1u << 8,
	PKT_SET_ICMP6_CKSUM = 1u << 9,
};

enum pkt_verdict {
	PKT_OK = 0,
	PKT_TRUNCATED, /* the capture ends inside a header */
	PKT_MALFORMED, /* a header contradicts itself or its container */
};

#define PKT_ETH_LEN 14
#define PKT_ETHERTYPE_IP 0x0800
#define PKT_ETHERTYPE_ARP 0x0806
#define PKT_ETHERTYPE_IP6 0x86dd
#define PKT_ETHERTYPE_8021Q 0x8100
#define PKT_ETHERTYPE_8021AD 0x88a8
#define PKT_ETHERTYPE_QINQ_OLD 0x9100

#define PKT_PROTO_HOPOPTS 0
#define PKT_PROTO_ICMP 1
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17
#define PKT_PROTO_ROUTING 43
#define PKT_PROTO_FRAGMENT 44
#define PKT_PROTO_ICMP6 58
#define PKT_PROTO_NONE 59
#define PKT_PROTO_DSTOPTS 60

struct pkt_eth {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t type;
};

/* One 802.1Q/802.1ad tag; tpid is the EtherType that announced it. */
struct pkt_vlan {
	uint16_t tpid;
	uint8_t prio; /* PCP, 3 bits */
	uint8_t id; /* DEI, 1 bit (Scapy's name) */
	uint16_t vlan; /* VID, 12 bits */
	uint16_t type; /* EtherType that follows */
};

struct pkt_arp {
	uint16_t hwtype;
	uint16_t ptype;
	uint8_t hwlen;
	uint8_t plen;
	uint16_t op;
	/* Only filled for Ethernet/IPv4 (1, 0x0800, 6, 4). */
	uint8_t hwsrc[6];
	uint8_t psrc[4];
	uint8_t hwdst[6];
	uint8_t pdst[4];
};

/* IPv4 flags field, 3 bits as Scapy names them. */
#define PKT_IP_MF 0x1
#define PKT_IP_DF 0x2
#define PKT_IP_EVIL 0x4

struct pkt_ip4 {
	uint8_t version;
	uint8_t ihl; /* in 32-bit words */
	uint8_t tos;
	uint16_t len;
	uint16_t id;
	uint8_t flags; /* PKT_IP_* */
	uint16_t frag; /* fragment offset in 8-byte units */
	uint8_t ttl;
	uint8_t proto;
	uint16_t chksum;
	uint8_t src[4];
	uint8_t dst[4];
	struct pkt_bytes options;
};

#define PKT_IP6_EXT_MAX 8

/* One IPv6 extension header, kept whole (next-header byte included). */
struct pkt_ip6ext {
	uint8_t type; /* protocol number that announced it */
	uint8_t nh; /* the next header it announces */
	struct pkt_bytes raw;
};

struct pkt_ip6frag {
	uint8_t nh;
	uint8_t res1;
	uint16_t offset; /* 8-byte units */
	uint8_t res2;
	uint8_t m;
	uint32_t id;
};

struct pkt_ip6 {
	uint8_t version;
	uint8_t tc;
	uint32_t fl;
	uint16_t plen;
	uint8_t nh; /* the fixed header's next header */
	uint8_t hlim;
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t next; /* upper-layer protocol after the extension headers */
	unsigned n_ext;
	struct pkt_ip6ext ext[PKT_IP6_EXT_MAX];
	struct pkt_ip6frag frag; /* valid with PKT_L_IP6FRAG */
};

/*
 * ICMP: the 4 bytes after the checksum are kept raw (rest); what they mean
 * depends on type (id/seq, unused/nexthopmtu, gw, ptr) and is read and
 * written through the field table.
 */
struct pkt_icmp {
	uint8_t type;
	uint8_t code;
	uint16_t chksum;
	uint32_t rest;
};

#define PKT_ND_OPT_MAX 16

struct pkt_ndopt {
	uint8_t type;
	uint8_t len; /* in units of 8 bytes, as on the wire */
	struct pkt_bytes data; /* the bytes after type and len */
};

/*
 * ICMPv6: word is the 32 bits after the checksum (id/seq, flags and
 * reserved bits, mtu, pointer...).  tgt, reachabletime, retranstimer and the
 * ND options exist for the ND types only.
 */
struct pkt_icmp6 {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint32_t word;
	uint8_t tgt[16]; /* NS, NA */
	bool tgt_cut; /* NS, NA: the capture ends inside tgt */
	uint32_t reachabletime; /* RA */
	uint32_t retranstimer; /* RA */
	unsigned n_opt;
	struct pkt_ndopt opt[PKT_ND_OPT_MAX];
};

/* TCP flags, 9 bits in Scapy's order "FSRPAUECN". */
#define PKT_TCP_FIN 0x001
#define PKT_TCP_SYN 0x002
#define PKT_TCP_RST 0x004
#define PKT_TCP_PSH 0x008
#define PKT_TCP_ACK 0x010
#define PKT_TCP_URG 0x020
#define PKT_TCP_ECE 0x040
#define PKT_TCP_CWR 0x080
#define PKT_TCP_NS 0x100

#define PKT_TCPOPT_EOL 0
#define PKT_TCPOPT_NOP 1
#define PKT_TCPOPT_MSS 2
#define PKT_TCPOPT_WSCALE 3
#define PKT_TCPOPT_SACKOK 4
#define PKT_TCPOPT_SACK 5
#define PKT_TCPOPT_TIMESTAMP 8

#define PKT_TCP_OPT_MAX 40 /* 40 option bytes hold at most 40 options */

/* One TCP option as found; EOL and NOP have len 1 and no data. */
struct pkt_tcpopt {
	uint8_t kind;
	uint8_t len;
	struct pkt_bytes data;
};

/* Decoded option bits, tcp.ohas. */
enum {
	PKT_TCPO_MSS = 1u << 0,
	PKT_TCPO_WSCALE = 1u << 1,
	PKT_TCPO_SACKOK = 1u << 2,
	PKT_TCPO_SACK = 1u << 3,
	PKT_TCPO_TS = 1u << 4,
	PKT_TCPO_EOL = 1u << 5,
};

struct pkt_tcp {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t dataofs; /* in 32-bit words */
	uint8_t reserved; /* 3 bits */
	uint16_t flags; /* PKT_TCP_* */
	uint16_t window;
	uint16_t chksum;
	uint16_t urgptr;
	/* The options in wire order; the builder writes these. */
	unsigned n_opt;
	struct pkt_tcpopt opt[PKT_TCP_OPT_MAX];
	struct pkt_bytes optpad; /* bytes after an EOL, kept for rebuilds */
	/* Decoded views of the last well-formed option of each kind. */
	unsigned ohas;
	uint16_t mss;
	uint8_t wscale;
	unsigned n_sack;
	uint32_t sack[4][2]; /* left, right edges */
	uint32_t tsval;
	uint32_t tsecr;
};

struct pkt_udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t chksum;
};

/* The first 8 bytes of a transport header quoted by an ICMP error. */
struct pkt_l4quote {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq; /* TCP */
	uint16_t len; /* UDP */
	uint16_t chksum; /* UDP */
	uint8_t type; /* ICMP: type, code, id, seq */
	uint8_t code;
	uint16_t id;
	uint16_t icmpseq;
};

struct pkt {
	const uint8_t *frame; /* what was parsed; not owned */
	size_t caplen;
	uint32_t has; /* PKT_L_* */
	uint32_t set; /* PKT_SET_* */

	struct pkt_eth eth;
	struct pkt_vlan dot1ad;
	struct pkt_vlan dot1q;
	struct pkt_arp arp;
	struct pkt_ip4 ip;
	struct pkt_ip6 ip6;
	struct pkt_icmp icmp;
	struct pkt_icmp6 icmp6;
	struct pkt_tcp tcp;
	struct pkt_udp udp;
	struct pkt_bytes payload; /* raw.load */
	struct pkt_bytes padding; /* Ethernet trailer */

	/*
	 * What an ICMP or ICMPv6 error quotes: quote is the bytes of the
	 * quoted headers that were dissected (IP header, extension headers,
	 * 8 transport bytes); the quoted datagram's rest is raw.load.
	 */
	struct pkt_bytes quote;
	struct pkt_ip4 iperror;
	struct pkt_ip6 iperror6;
	uint8_t quote_proto;
	struct pkt_l4quote l4error;

	/* Offsets into frame, for rewriting in place. */
	size_t l3_off;
	size_t l4_off;
	size_t payload_off;

	bool fragment; /* an IPv4 or IPv6 fragment */
	bool later_fragment; /* fragment offset != 0: no transport header */
	/*
	 * The capture ends before the IP datagram does (a snap length): what
	 * was captured is dissected, the verdict is TRUNCATED, and checksums
	 * cannot be verified.
	 */
	bool cut;

	enum pkt_verdict verdict;
	const char *reason; /* static; NULL when verdict is PKT_OK */
	size_t err_off; /* bytes parsed before the fault */
};

/*
 * Dissects one Ethernet frame of caplen bytes into p (which it clears
 * first).  p->frame points at frame afterwards, and byte ranges in p point
 * into it, so frame must outlive p's use.  Returns p->verdict.
 */
enum pkt_verdict pkt_parse(struct pkt *p, const uint8_t *frame, size_t caplen);

/*
 * Builds the frame described by p into buf (cap bytes).  Returns the frame
 * length, or -ENOSPC when it does not fit, -EINVAL when p cannot be built
 * (say an option longer than 255 bytes).  buf is the caller's.
 */
int pkt_build(const struct pkt *p, uint8_t *buf, size_t cap);

/*
 * Per-layer parsers and builders used by pkt_parse/pkt_build; each reads or
 * writes one header at the cursor.  Parsers return a verdict and set
 * p->reason on failure; builders report overflow through the cursor.
 */
enum pkt_verdict pkt_fail(struct pkt *p, const struct pkt_rd *r,
			  enum pkt_verdict v, const char *reason);

enum pkt_verdict pkt_eth_parse(struct pkt_rd *r, struct pkt *p);
void pkt_eth_build(struct pkt_wr *w, const struct pkt *p);

enum pkt_verdict pkt_arp_parse(struct pkt_rd *r, struct pkt *p);
/* True for the only ARP riposte dissects fully: Ethernet/IPv4. */
bool pkt_arp_is_eth_ip4(const struct pkt_arp *a);
void pkt_arp_build(struct pkt_wr *w, const struct pkt *p);

enum pkt_verdict pkt_ip4_parse_hdr(struct pkt_rd *r, struct pkt *p,
				   struct pkt_ip4 *ip, bool quoted);
enum pkt_verdict pkt_ip4_parse(struct pkt_rd *r, struct pkt *p);
/* Validates an IPv4 options area; returns NULL or a reason. */
const char *pkt_ip4_options_check(const uint8_t *opt, size_t len);

enum pkt_verdict pkt_ip6_parse_hdr(struct pkt_rd *r, struct pkt *p,
				   struct pkt_ip6 *ip6, bool quoted);
enum pkt_verdict pkt_ip6_parse(struct pkt_rd *r, struct pkt *p);
/*
 * The destination an upper-layer checksum covers (RFC 8200 8.1): with a
 * routing header that has segments left (types 0, 2, 4), the final one;
 * else ip6->dst.  Points into ip6 or its header bytes.
 */
const uint8_t *pkt_ip6_final_dst(const struct pkt_ip6 *ip6);

enum pkt_verdict pkt_icmp_parse(struct pkt_rd *r, struct pkt *p);
enum pkt_verdict pkt_icmp6_parse(struct pkt_rd *r, struct pkt *p);
enum pkt_verdict pkt_tcp_parse(struct pkt_rd *r, struct pkt *p);
enum pkt_verdict pkt_udp_parse(struct pkt_rd *r, struct pkt *p);

/* Parses what an ICMP/ICMPv6 error quotes (IP header + 8 bytes). */
void pkt_quote_parse(struct pkt_rd *r, struct pkt *p, bool v6);

/*
 * TCP option iterator.  Steps over one option per call: returns 1 and fills
 * o (an EOL is returned, and ends the walk: what follows it is padding), 0
 * at the end of the area, or -1 with *why set when an option has length 0
 * or 1, lacks its length byte, or runs past the area.  A known kind with
 * the wrong length is returned like an unknown one (the TCP parser leaves
 * it undecoded, as Linux and Scapy do).
 */
struct pkt_tcpopt_iter {
	struct pkt_rd r;
	bool done;
};

void pkt_tcpopt_iter_init(struct pkt_tcpopt_iter *it, const uint8_t *p,
			  size_t len);
int pkt_tcpopt_next(struct pkt_tcpopt_iter *it, struct pkt_tcpopt *o,
		    const char **why);

/* Bytes a TCP option list occupies on the wire (no padding added). */
size_t pkt_tcp_options_len(const struct pkt_tcp *t);

/* Appends an option to t (no decoding); -ENOSPC when full. */
int pkt_tcp_opt_add(struct pkt_tcp *t, uint8_t kind, const uint8_t *data,
		    size_t len);

/*
 * True for the ICMPv6 types riposte dissects, whose 32 bits after the
 * checksum are the word; for others they are part of the payload.
 */
bool pkt_icmp6_has_word(uint8_t type);

/* ICMP types that are errors and quote a datagram (RFC 792, 1122). */
bool pkt_icmp_is_error(uint8_t type);

/* ND option walk of len bytes into icmp6; NULL or a reason. */
const char *pkt_ndopt_parse(struct pkt_rd *r, struct pkt_icmp6 *icmp6);

/* Names for printing. */
const char *pkt_ethertype_name(uint16_t type);
const char *pkt_proto_name(uint8_t proto);
const char *pkt_verdict_name(enum pkt_verdict v);

#endif
