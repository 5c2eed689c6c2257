/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the compiled rule set and the per-frame decision.
 *
 *   frame -> pkt_parse -> dispatch (candidate rules by protocol and port)
 *         -> first rule that matches, in file order -> limit -> action
 *         -> replies built into the engine's buffers
 *
 * A struct ruleset is immutable once compiled and owns everything in one
 * arena; a struct engine holds the mutable state (random source, rate
 * limiters, counters) and borrows a ruleset, so a reload swaps rule sets
 * between frames.
 */
#ifndef RIPOSTE_ENGINE_ENGINE_H
#define RIPOSTE_ENGINE_ENGINE_H

#include <pcap/pcap.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/arena.h"
#include "lang/ast.h"
#include "flow.h"
#include "lang/expr.h"
#include "pkt/pkt.h"
#include "template.h"

enum crule_kind {
	CRULE_FILTER, /* rule NAME { ... } */
	CRULE_ARP, /* host ... { arp on } */
	CRULE_ND,
	CRULE_PING,
	CRULE_TCP, /* host ... { tcp PORTS policy } */
	CRULE_UDP,
};

struct personality {
	const char *name;
	uint8_t ttl;
	bool df;
	enum { IPID_ZERO, IPID_INCREMENT, IPID_RANDOM } ipid;
	bool ecn; /* answers an ECN-setup SYN with ECE (tcp_ecn=2) */
	bool echo_keeps_df; /* an echo reply copies the request's DF */
	uint16_t window; /* in the SYN-ACK (see host_syn_window) */
	bool window_in_segments; /* rounded down to whole segments (Linux) */
	uint16_t mss; /* over IPv4; 20 less over IPv6 (host_mss) */
	uint8_t wscale;
	/* Builds the SYN-ACK's options (with mss) from the peer's SYN. */
	void (*synack_options)(struct pkt_tcp *out, const struct pkt_tcp *syn,
			       uint16_t mss, uint32_t tsval, uint8_t store[40]);
	const char *options_text; /* for `check` */
};

struct chost {
	struct ast_pos pos;
	const struct ast_addr *addrs;
	size_t n_addrs;
	uint8_t mac[6];
	const struct personality *pers;
	bool arp, nd, ping;
};

struct cassign {
	const struct pkt_field *field;
	struct expr *value;
};

/* A service (tcp PORTS open { ... }) as the stateful engine runs it. */
struct csact {
	enum ast_sact_kind kind;
	const uint8_t *data; /* SEND: bytes in the rule set's arena */
	uint32_t len;
	uint32_t ms; /* WAIT */
};

struct ctrigger {
	enum ast_trigger_kind kind;
	const uint8_t *text; /* PREFIX */
	size_t len;
	bool has_re;
	regex_t re; /* REGEX, compiled REG_EXTENDED (the match's end counts) */
	struct csact *acts;
	size_t n_acts;
};

struct csvc {
	const uint8_t *banner; /* NULL: none */
	uint32_t banner_len;
	struct ctrigger *trig;
	size_t n_trig;
};

struct crule {
	unsigned index; /* file order; the lower wins */
	const char *name;
	struct ast_pos pos;
	enum crule_kind kind;
	/* CRULE_FILTER */
	const char *filter; /* NULL: every frame */
	struct bpf_program bpf;
	enum ast_action action;
	const struct ast_tmpl *ast_tmpl;
	struct tmpl *tmpl;
	struct cassign *assigns;
	size_t n_assigns;
	const struct ast_rule *ast; /* for `check` */
	bool log;
	uint32_t limit; /* per second; 0: none */
	bool per_source;
	/* host rules */
	const struct chost *host;
	enum ast_policy policy;
	const struct ast_ports *ports;
	const uint8_t *udp_reply;
	size_t udp_reply_len;
	bool service; /* tcp open with a service block */
	struct csvc *svc; /* its script; NULL for an open port without one */
};

struct dispatch;

struct ruleset {
	struct arena arena;
	struct arena ast_arena; /* the parsed file the rules point into */
	const char *path;
	uint64_t seed;
	bool has_seed;
	uint32_t flows_max; /* set flows_max: the flow table's bound */
	uint32_t idle_s; /* set idle_timeout: an established flow's, seconds */
	/*
	 * No reflector: replies to requests that are not part of an
	 * established TCP connection, per source and in all, a second
	 * (0: no limit); and no more bytes before a handshake completes
	 * than the peer sent (set no_amplification 0 for Linux's SYN-ACK
	 * retransmissions).
	 */
	uint32_t source_limit, global_limit;
	uint32_t no_amplification;
	struct crule *rules;
	size_t n_rules;
	struct chost *hosts;
	size_t n_hosts;
	struct dispatch *dispatch;
	char *capture_filter; /* union of what the rules can match */
};

/*
 * Compiles a parsed file; every error goes to d.  Returns 0 and *out, or
 * -EINVAL (nothing allocated survives) when d holds errors.
 */
int ruleset_compile(const struct ast_file *f, struct diag *d,
		    struct ruleset **out);

/* Reads, parses and compiles path; errors go to d. */
int ruleset_load(const char *path, struct diag *d, struct ruleset **out);

void ruleset_free(struct ruleset *rs);

/* The personalities riposte knows; NULL for an unknown name. */
const struct personality *personality_find(const char *name);

/* Writes the firewall table the live engine installs, as nft -f text. */
void ruleset_print_nft(const struct ruleset *rs, FILE *out, const char *iface);

/*
 * The kernel capture filter, tcpdump syntax: the union of what the rules
 * can match.  malloc'd; "" means every frame; NULL when out of memory.
 */
char *ruleset_capture_filter(const struct ruleset *rs);

/* Writes the expanded rule list, one per line. */
void ruleset_print_rules(const struct ruleset *rs, FILE *out);

#define ENGINE_REPLIES_MAX 64 /* frames one call may produce */
#define ENGINE_FRAME_MAX 65600 /* the largest one */
#define ENGINE_OUT_MAX (4 * ENGINE_FRAME_MAX) /* all of them together */

enum engine_drop {
	DROP_NONE,
	DROP_NO_RULE, /* nothing matched */
	DROP_RULE, /* the rule said drop, or filtered */
	DROP_LIMIT, /* over the rule's rate */
	DROP_EVAL, /* a template could not be built for this frame */
	DROP_MALFORMED, /* host rules answer only well-formed frames */
	DROP_NOT_ANSWERED, /* matched, but nothing to say (an RST, an ACK) */
	DROP_MULTICAST, /* never answer a broadcast or multicast source */
	DROP__MAX,
};

/*
 * What narration (-v) tells besides the frames: a connection's state
 * changing.  Recorded only when engine.narrate is set.
 */
#define ENGINE_NOTES_MAX 8
struct engine_note {
	struct flow_key k;
	uint8_t from, to; /* enum flow_state; FLOW_FREE is LISTEN, CLOSED */
	const char *why; /* static: what made it change */
};

struct engine_result {
	const struct crule *rule; /* NULL: no rule matched */
	bool log;
	enum engine_drop drop;
	const char *why; /* details for DROP_EVAL */
	unsigned n; /* replies */
	size_t used; /* bytes of e->out they take */
	size_t len[ENGINE_REPLIES_MAX];
	const uint8_t *frame[ENGINE_REPLIES_MAX]; /* valid until next call */
	unsigned n_notes;
	struct engine_note notes[ENGINE_NOTES_MAX];
	struct pkt req;
};

/* Token bucket: tokens in millionths, refilled at rate per second. */
struct rl_bucket {
	uint64_t tokens;
	uint64_t last_us;
	uint32_t rule; /* per-source slots: whose, + 1; 0 empty */
	uint8_t src[16];
};

struct engine {
	const struct ruleset *rs;
	bool narrate; /* fill engine_result.notes (-v) */
	uint64_t seed; /* --seed, else the file's: ISNs are keyed with it */
	uint64_t rng;
	uint32_t ipid;
	uint16_t *host_ipid; /* per host: counting IP IDs */
	struct rl_bucket *buckets; /* one per rule */
	size_t n_buckets;
	struct rl_bucket *src_buckets; /* per-source, hashed */
	struct rl_bucket global_bucket; /* set global_limit */
	uint64_t frames;
	uint64_t replies;
	uint64_t filter_runs; /* BPF programs run: what dispatch saves */
	uint64_t drops[DROP__MAX];
	uint64_t *matched; /* per rule */
	/* Keys from the seed: of the ISNs, of the SYN cookies. */
	uint8_t isn_key[16], cookie_key[16];
	/* The stateful TCP engine (tcp.c). */
	struct flow_table flows;
	uint32_t idle_ms;
	uint64_t flows_created, flows_closed, flows_reset, flows_evicted,
		flows_idle;
	uint64_t cookies_sent, cookies_ok;
	uint64_t retransmits, dupacks_sent, challenge_acks, probes;
	uint64_t loss_probes; /* tail loss probes (also retransmissions) */
	uint64_t synacks_held; /* not sent: over the amplification budget */
	uint64_t
		nomem; /* allocations that failed: data not kept, flows reset */
	uint64_t bytes_in;
	struct pkt seg_pkt; /* scratch: the segment being built */
	uint8_t seg[2048]; /* scratch: its payload, gathered */
	uint8_t out[ENGINE_OUT_MAX]; /* replies, one after another */
};

/*
 * Sets e up for rs with seed, with a flow table of flows_max (0: the rule
 * file's `set flows_max`); -ENOMEM on failure.
 */
int engine_init(struct engine *e, const struct ruleset *rs, uint64_t seed);
int engine_init_flows(struct engine *e, const struct ruleset *rs, uint64_t seed,
		      uint32_t flows_max);
void engine_cleanup(struct engine *e);

/*
 * Decides what to do with one frame captured at ts_us (microseconds since
 * the epoch; the clock of `now`, limits and timestamps).  Fills res; its
 * replies point into e and stay valid until the next call.
 */
void engine_handle(struct engine *e, const uint8_t *frame, size_t caplen,
		   size_t wirelen, uint64_t ts_us, struct engine_result *res);

/*
 * Runs the flow timers due at ts_us (retransmissions, probes, script
 * waits, idle expiry) into res, whose rule is NULL.  Returns 1 when res
 * filled up before every due timer ran: call again after sending.
 */
int engine_tick(struct engine *e, uint64_t ts_us, struct engine_result *res);

/* Flows in the table now. */
static inline uint32_t engine_flows(const struct engine *e)
{
	return e->flows.used;
}

const char *engine_drop_name(enum engine_drop d);

/* Host behaviours (host.c): the answer of rule r to q, into out. */
int host_answer(struct engine *e, const struct crule *r, const struct pkt *q,
		uint64_t ts_us, struct engine_result *res);

/* The MSS a personality offers over IPv4 (family 4) or IPv6 (6). */
uint16_t host_mss(const struct personality *pe, int family);
/* The window of its SYN-ACK, and of its segments after it. */
uint16_t host_syn_window(const struct personality *pe, int family, bool ts);

/* Builds o as r's next reply into res (host.c); -errno when it cannot. */
int host_emit(struct engine *e, const struct crule *r, struct pkt *o,
	      struct engine_result *res);
/*
 * The IP ID of host h's next datagram (DF set or not), as its
 * personality numbers them; drawn once per frame sent.
 */
uint16_t host_ip_id(struct engine *e, const struct chost *h, bool df);
/* The ISN of q's connection: a keyed hash of its 4-tuple. */
uint32_t host_isn(const struct engine *e, const struct pkt *q);
uint64_t host_keyed(const uint8_t key[static 16], const uint8_t *b, size_t n);

/* The stateful engine (tcp.c): a segment q to open port rule r. */
int tcp_input(struct engine *e, const struct crule *r, const struct pkt *q,
	      uint64_t ts_us, struct engine_result *res);

/*
 * May q be answered, a request that is not part of an established TCP
 * connection?  Takes a token from q's source's bucket (set source_limit)
 * and from the global one (set global_limit); false when either is
 * empty: the caller drops it (DROP_LIMIT).
 */
bool engine_unsolicited_ok(struct engine *e, const struct pkt *q,
			   uint64_t now_us);

/* Does host rule r apply to q (address, protocol, port)? */
bool host_match(const struct crule *r, const struct pkt *q);

/* Dispatch (dispatch.c). */
/*
 * Reads a tcpdump filter's text conservatively: *proto and *port (-1 for
 * any) and *family (4, 6; 0 for either) are necessary conditions of every
 * frame it matches; *exact says
 * the filter is nothing more than them (so nftables can say it too).
 */
/*
 * Operands of a tcpdump filter: 1 + its and/or operators outside brackets
 * (what libpcap's compile time grows with, faster than their square).
 */
unsigned dispatch_filter_terms(const char *text);
void dispatch_filter_key(const char *text, int *proto, int *port, int *family,
			 bool *exact);

int dispatch_build(struct ruleset *rs);
/*
 * Calls match(rule) on the candidate rules for q in file order until one
 * returns true; returns that rule or NULL.
 */
const struct crule *dispatch_find(const struct ruleset *rs, const struct pkt *q,
				  bool (*match)(const struct crule *r,
						const struct pkt *q, void *ctx),
				  void *ctx);

#endif
