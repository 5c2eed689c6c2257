/* SPDX-License-Identifier: MIT */
/*
 * ast.h - the parsed form of a rule file, before compilation.
 *
 * The parser (parse.c) turns source text into a struct ast_file whose every
 * node lives in one arena (arena.h) and carries its source position; the
 * compiler (compile.c) checks names and types and turns it into the
 * engine's tables.  Strings are decoded (escapes resolved) and
 * NUL-terminated; byte strings keep an explicit length since they may hold
 * NULs.  Lists are arrays with a count.
 *
 * Grammar (the man page riposte.rules(5) is the reference):
 *
 *   file      := { stmt [';'] }
 *   stmt      := 'set' IDENT expr
 *              | 'rule' IDENT '{' { ritem [';'] } '}'
 *              | 'host' WORD { ',' WORD } '{' { hitem [';'] } '}'
 *   ritem     := 'match' STRING | 'reply' tmpl | 'send' tmpl
 *              | 'forward' IDENT '=' expr { ',' IDENT '=' expr }
 *              | 'drop' | 'log' | 'limit' NUM '/' 's' [ 'per' 'source' ]
 *   tmpl      := layer { '/' layer }
 *   layer     := IDENT '(' [ IDENT '=' expr { ',' IDENT '=' expr } ] ')'
 *   hitem     := 'mac' WORD | 'personality' IDENT
 *              | ('arp' | 'nd' | 'ping') ('on' | 'off')
 *              | 'tcp' ports ('open' [ service ] | 'closed' | 'filtered'
 *                             | 'tarpit')
 *              | 'udp' ports ('open' [ '{' 'reply' data '}' ] | 'closed'
 *                             | 'filtered')
 *   ports     := '*' | range { ',' range };  range := NUM [ '-' NUM ]
 *   service   := '{' { 'banner' data | 'on' trigger '{' { sact [';'] } '}' } '}'
 *   trigger   := STRING | REGEX | 'any'
 *   sact      := 'send' data | 'echo' | 'close' | 'reset' | 'wait' NUM 'ms'
 *   data      := STRING | 'hex' STRING | 'file' STRING
 *   expr      := C precedence over | ^ & << >> + - * / % and unary - ~,
 *                primary := NUM | STRING | IDENT (a request field such as
 *                tcp.seq, or 'random', 'now') | '(' expr ')'
 *                | '[' [ expr { ',' expr } ] ']'        (a list)
 *                | '(' expr ',' [ expr { ',' expr } ] ')' (a tuple)
 *                | 'hex' STRING
 */
#ifndef RIPOSTE_LANG_AST_H
#define RIPOSTE_LANG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard limits, each with its own error message. */
#define AST_RULES_MAX 65536 /* rules + host policies in one file */
#define AST_DEPTH_MAX 32 /* nesting of braces, brackets, parentheses */
#define AST_FILE_MAX (16u << 20) /* bytes in one rule file */
#define AST_LAYERS_MAX 16 /* layers in one template */
#define AST_ERRORS_MAX 100 /* errors reported before giving up */
/*
 * A match filter's size: its operands (1 + its and/or operators).
 * libpcap's compile time grows faster than their square (64 "port N or
 * ..." take 50 ms here, 400 took 11 s; at worst 0.012 ms times the
 * square), so one match holds at most AST_MATCH_TERMS_MAX, and all of a
 * file's at most AST_MATCH_WORK_MAX in the sum of their squares: about
 * 3 s of compiling at worst, 65,536 rules of 2 operands, or 64 of 64.
 */
#define AST_MATCH_TERMS_MAX 64
#define AST_MATCH_WORK_MAX (1u << 18)
/*
 * BPF instructions of every match together: a frame no key narrows (one
 * that did not dissect) may run them all, so this bounds a frame's work.
 */
#define AST_MATCH_INSNS_MAX (1u << 20)

struct ast_pos {
	unsigned line;
	unsigned col;
};

enum ast_expr_kind {
	AST_NUM, /* num */
	AST_STR, /* str, len: a "..." or hex "..." string */
	AST_NAME, /* name: a field (tcp.seq), random, now */
	AST_UNARY, /* op, a */
	AST_BINARY, /* op, a, b */
	AST_LIST, /* items, n: [ ... ] */
	AST_TUPLE, /* items, n: ( x, ... ) */
};

struct ast_expr {
	enum ast_expr_kind kind;
	struct ast_pos pos;
	uint64_t num;
	const char *name;
	const uint8_t *str; /* NUL-terminated too */
	size_t len;
	char op[3]; /* "+", "<<", "-" (unary), "~" */
	struct ast_expr *a, *b;
	struct ast_expr **items;
	size_t n;
};

struct ast_arg {
	struct ast_pos pos;
	const char *name; /* Scapy's field name: ttl, flags, options */
	struct ast_expr *value;
};

struct ast_layer {
	struct ast_pos pos;
	const char *name; /* Scapy's layer name: Ether, IP, TCP, Raw */
	struct ast_arg *args;
	size_t n_args;
};

struct ast_tmpl {
	struct ast_pos pos;
	struct ast_layer *layers;
	size_t n_layers;
};

struct ast_assign {
	struct ast_pos pos;
	const char *field; /* a request field: udp.dport */
	struct ast_expr *value;
};

enum ast_action {
	AST_ACT_NONE,
	AST_ACT_REPLY,
	AST_ACT_SEND,
	AST_ACT_FORWARD,
	AST_ACT_DROP,
};

struct ast_rule {
	struct ast_pos pos;
	const char *name;
	const char *match; /* tcpdump filter text, or NULL */
	struct ast_pos match_pos;
	enum ast_action action;
	struct ast_pos action_pos;
	struct ast_tmpl tmpl; /* reply, send */
	struct ast_assign *assigns; /* forward */
	size_t n_assigns;
	bool log;
	uint32_t limit; /* replies per second; 0: none */
	bool limit_per_source;
	struct ast_pos limit_pos;
};

enum ast_data_kind { AST_DATA_STRING, AST_DATA_HEX, AST_DATA_FILE };

/* Bytes given inline, in hex, or by file name (read by the compiler). */
struct ast_data {
	struct ast_pos pos;
	enum ast_data_kind kind;
	const uint8_t
		*bytes; /* decoded for STRING and HEX; the path for FILE */
	size_t len;
};

enum ast_sact_kind {
	AST_SACT_SEND,
	AST_SACT_ECHO,
	AST_SACT_CLOSE,
	AST_SACT_RESET,
	AST_SACT_WAIT,
};

struct ast_sact {
	struct ast_pos pos;
	enum ast_sact_kind kind;
	struct ast_data data; /* SEND */
	uint32_t ms; /* WAIT */
};

enum ast_trigger_kind { AST_TRIG_PREFIX, AST_TRIG_REGEX, AST_TRIG_ANY };

struct ast_trigger {
	struct ast_pos pos;
	enum ast_trigger_kind kind;
	const uint8_t *text; /* prefix bytes, or the regex without slashes */
	size_t len;
	struct ast_sact *acts;
	size_t n_acts;
};

struct ast_service {
	bool has_banner;
	struct ast_data banner;
	struct ast_trigger *triggers;
	size_t n_triggers;
};

struct ast_range {
	uint16_t lo, hi; /* inclusive; '*' is 0-65535 */
};

enum ast_proto { AST_TCP, AST_UDP };
enum ast_policy { AST_OPEN, AST_CLOSED, AST_FILTERED, AST_TARPIT };

struct ast_ports {
	struct ast_pos pos;
	enum ast_proto proto;
	struct ast_range *ranges;
	size_t n_ranges;
	bool any; /* '*' */
	enum ast_policy policy;
	struct ast_service service; /* tcp open { ... } */
	bool has_udp_reply;
	struct ast_data udp_reply; /* udp open { reply ... } */
};

struct ast_addr {
	struct ast_pos pos;
	int family; /* AF_INET or AF_INET6 */
	uint8_t a[16];
};

enum ast_switch { AST_UNSET = 0, AST_ON, AST_OFF };

struct ast_host {
	struct ast_pos pos;
	struct ast_addr *addrs;
	size_t n_addrs;
	bool has_mac;
	uint8_t mac[6];
	struct ast_pos mac_pos;
	const char *personality; /* NULL: linux */
	struct ast_pos personality_pos;
	enum ast_switch arp, nd, ping;
	struct ast_ports *ports;
	size_t n_ports;
};

struct ast_set {
	struct ast_pos pos;
	const char *name;
	struct ast_expr *value;
};

enum ast_stmt_kind { AST_STMT_SET, AST_STMT_RULE, AST_STMT_HOST };

struct ast_stmt {
	enum ast_stmt_kind kind;
	union {
		struct ast_set set;
		struct ast_rule rule;
		struct ast_host host;
	} u;
};

struct ast_file {
	const char *path; /* as given, for messages */
	struct ast_stmt *stmts;
	size_t n_stmts;
};

#endif
