/* SPDX-License-Identifier: MIT */
/*
 * template.h - reply templates in Scapy's notation, compiled once and
 * built per frame.
 *
 *   reply Ether()/IP(ttl=128)/TCP(flags="SA", seq=random, ack=tcp.seq+1)
 *
 * A template is a stack of layers with Scapy's class and field names.  A
 * reply template starts from the request mirrored (MACs, addresses and
 * ports swapped, ICMP echo id/seq copied, VLAN tags kept); a send template
 * starts from Scapy's defaults.  Arguments are applied in order; a given
 * length or checksum is written as is, everything else that can be
 * computed (types, lengths, checksums, header lengths) is.
 */
#ifndef RIPOSTE_ENGINE_TEMPLATE_H
#define RIPOSTE_ENGINE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/arena.h"
#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/expr.h"

struct tmpl;

/* Compiles t (reply: mirror the request); NULL after reporting to d. */
struct tmpl *tmpl_compile(struct arena *a, struct diag *d,
			  const struct ast_tmpl *t, bool reply);

/*
 * Builds the frame for env->req into buf.  Returns its length, or -1 with
 * *why set (a field the request lacks, a value that does not fit, no room).
 */
int tmpl_build(const struct tmpl *t, const struct expr_env *env, uint8_t *buf,
	       size_t cap, const char **why);

/*
 * Checks that x can be written to a field of type t named name (bits
 * wide), turning constant strings into addresses, MACs or flag bits once.
 * False after reporting to d.
 */
bool tmpl_coerce(struct arena *a, struct diag *d, struct expr *x,
		 enum pkt_ftype t, const char *name, unsigned bits);

/*
 * Set, every template is built the general way (tests compare the two
 * ways: the fast form, a compiled image patched per request, must give
 * the same bytes).
 */
extern bool tmpl_fast_off;

/* Writes the template back in its source notation (for `check`). */
void tmpl_print(FILE *out, const struct ast_tmpl *t);
void expr_print(FILE *out, const struct ast_expr *e);

#endif
