/* SPDX-License-Identifier: MIT */
/*
 * narrate.h - what -v prints: every connection as a ladder diagram, the
 * client's rail on the left and riposte's on the right, one arrow per
 * segment with its flags, then its sequence and acknowledgement numbers
 * relative to each side's first (and absolute), window, options and
 * payload, the rule that fired and each state transition of the flow
 * (LISTEN -> SYN_RCVD -> ESTABLISHED ...).  Frames that are not TCP get an
 * arrow too, with tcpdump's summary.  Colour when asked (a terminal).
 *
 *     #1 client 198.51.100.1.42000 <-> riposte 198.51.100.10.25
 *     12:00:00.001000 #1 |--S-------------------------->| seq 0 (1000), ...
 *                     #1 |                              | LISTEN -> SYN_RCVD
 *     12:00:00.001000 #1 |<-------------------------S.--| seq 0 (35935...
 */
#ifndef RIPOSTE_NARRATE_H
#define RIPOSTE_NARRATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct engine_result;
struct narrator;

/*
 * A narrator writing to out: colour adds ANSI colours, trees adds every
 * reply dissected as `show -v` does (-vv), utc prints times in UTC (replay,
 * so that its output is the same everywhere) rather than local time.
 * NULL when out of memory.
 */
struct narrator *narrator_new(FILE *out, bool colour, bool trees, bool utc);
void narrator_free(struct narrator *n);

/*
 * Narrates what the engine did at ts_us: for a frame (timer false), the
 * frame res->req, the rule and the replies; for the flow timers (timer
 * true), their replies.  The state transitions come from res->notes.
 */
void narrate(struct narrator *n, uint64_t ts_us, bool timer,
	     const struct engine_result *res);

/* Whether to colour f: a terminal, NO_COLOR unset, TERM not "dumb". */
bool narrate_colour_for(FILE *f);

#endif
