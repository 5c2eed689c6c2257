/* SPDX-License-Identifier: MIT */
/*
 * log.h - JSON lines (--log FILE): one object per event, in order:
 *   {"ts":1700000000.000001,"event":"frame","n":1,"len":60,"summary":"..."}
 *   {"ts":...,"event":"rule","n":1,"rule":"tarpit","line":12}
 *   {"ts":...,"event":"reply","n":1,"len":58,"summary":"..."}
 *   {"ts":...,"event":"drop","n":1,"reason":"no rule"}
 * n numbers the frame the event belongs to.
 */
#ifndef RIPOSTE_DAEMON_LOG_H
#define RIPOSTE_DAEMON_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"

struct run_log {
	FILE *f;
	uint64_t n;
};

int run_log_open(struct run_log *l, const char *path, char *err, size_t errlen);
/* One frame: "frame", then "rule", each "reply" and "drop" events. */
void run_log_result(struct run_log *l, uint64_t ts_us,
		    const struct engine_result *res);
/* What the flow timers sent: "reply" events with "timer": true. */
void run_log_timer(struct run_log *l, uint64_t ts_us,
		   const struct engine_result *res);
void run_log_close(struct run_log *l);

/* Writes s as a JSON string (quotes and escapes included). */
void run_log_json_string(FILE *out, const char *s, size_t len);

#endif
