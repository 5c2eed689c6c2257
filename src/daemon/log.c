/* SPDX-License-Identifier: MIT */
/* log.c - JSON lines; see log.h. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "log.h"
#include "pkt/print.h"

int run_log_open(struct run_log *l, const char *path, char *err, size_t errlen)
{
	l->n = 0;
	l->f = fopen(path, "ae");
	if (!l->f) {
		snprintf(err, errlen, "cannot open log %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	setvbuf(l->f, NULL, _IOLBF, 0);
	return 0;
}

void run_log_close(struct run_log *l)
{
	if (l->f)
		fclose(l->f);
	l->f = NULL;
}

void run_log_json_string(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void summary(FILE *out, const struct pkt *p)
{
	char buf[1024];
	FILE *m = fmemopen(buf, sizeof(buf), "w");
	long n;

	if (!m) {
		fputs("\"\"", out);
		return;
	}
	pkt_print_line(m, p);
	n = ftell(m);
	fclose(m);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	run_log_json_string(out, buf, (size_t)n);
}

static void head(struct run_log *l, uint64_t ts_us, const char *event)
{
	fprintf(l->f,
		"{\"ts\":%" PRIu64 ".%06" PRIu64
		",\"event\":\"%s\",\"n\":%" PRIu64,
		ts_us / 1000000u, ts_us % 1000000u, event, l->n);
}

static void replies(struct run_log *l, uint64_t ts_us,
		    const struct engine_result *res, bool timer)
{
	static struct pkt rp;
	unsigned i;

	for (i = 0; i < res->n; i++) {
		pkt_parse(&rp, res->frame[i], res->len[i]);
		head(l, ts_us, "reply");
		fprintf(l->f, ",\"len\":%zu,%s\"summary\":", res->len[i],
			timer ? "\"timer\":true," : "");
		summary(l->f, &rp);
		fputs("}\n", l->f);
	}
}

void run_log_timer(struct run_log *l, uint64_t ts_us,
		   const struct engine_result *res)
{
	replies(l, ts_us, res, true);
}

void run_log_result(struct run_log *l, uint64_t ts_us,
		    const struct engine_result *res)
{
	l->n++;
	head(l, ts_us, "frame");
	fprintf(l->f, ",\"len\":%zu,\"summary\":", res->req.caplen);
	summary(l->f, &res->req);
	fputs("}\n", l->f);
	if (res->rule) {
		head(l, ts_us, "rule");
		fputs(",\"rule\":", l->f);
		run_log_json_string(l->f, res->rule->name,
				    strlen(res->rule->name));
		fprintf(l->f, ",\"line\":%u%s}\n", res->rule->pos.line,
			res->log ? ",\"log\":true" : "");
	}
	replies(l, ts_us, res, false);
	if (res->drop != DROP_NONE) {
		head(l, ts_us, "drop");
		fprintf(l->f, ",\"reason\":\"%s\"",
			engine_drop_name(res->drop));
		if (res->why) {
			fputs(",\"why\":", l->f);
			run_log_json_string(l->f, res->why, strlen(res->why));
		}
		fputs("}\n", l->f);
	}
}
