/* SPDX-License-Identifier: MIT */
/*
 * print.h - printers for dissected packets.
 *
 * pkt_print_line() writes one tcpdump-like summary line (no timestamp, no
 * newline); pkt_print_tree() writes a Scapy-show()-like tree, one
 * "  name = value" line per field under a "###[ Layer ]###" heading, with
 * checksums verified, and ends with the parse verdict when it is not OK.
 */
#ifndef RIPOSTE_PKT_PRINT_H
#define RIPOSTE_PKT_PRINT_H

#include <stdio.h>

#include "pkt.h"

void pkt_print_line(FILE *out, const struct pkt *p);
void pkt_print_tree(FILE *out, const struct pkt *p);

/* Writes len bytes as a Python bytes literal: b'GET /\r\n\x00'. */
void pkt_print_pybytes(FILE *out, const uint8_t *b, size_t len);

/* Scapy's letters for TCP flags ("SA"), in "FSRPAUECN" order. */
void pkt_print_tcpflags(FILE *out, uint16_t flags);

/* tcpdump's letters for TCP flags ("S.", "FP."), "none" for none. */
void pkt_print_tcpdump_flags(FILE *out, uint16_t flags);

/* The options as tcpdump writes them: [mss 1460,sackOK,TS val 1 ecr 0]. */
void pkt_print_tcpopts(FILE *out, const struct pkt_tcp *t);

#endif
