/* SPDX-License-Identifier: MIT */
/*
 * pcapfile.c - capture files through libpcap: pcap and pcapng in, pcap out
 * (formats: pcap-savefile(5), draft-ietf-opsawg-pcapng).
 *
 * The file is opened here with fopen() rather than by libpcap so that a
 * missing or unreadable file reports its errno without libpcap's wording,
 * and handed to pcap_fopen_offline*(), which owns it from then on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "io/pcapfile.h"

#define IO_PCAPFILE_SNAPLEN 262144

struct io_pcapfile {
	pcap_t *pcap;
	int linktype;
};

struct io_pcapfile_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	uint32_t snaplen;
	bool failed;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int io_pcapfile_open(struct io_pcapfile **fp, const char *path, char *err,
		     size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct io_pcapfile *f = NULL;
	FILE *file;
	int ret;

	*fp = NULL;
	if (strcmp(path, "-") == 0) {
		file = stdin;
	} else {
		file = fopen(path, "rb");
		if (!file) {
			ret = -errno;
			set_err(err, errlen, "%s", strerror(errno));
			return ret;
		}
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		ret = -ENOMEM;
		set_err(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	f->pcap = pcap_fopen_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!f->pcap) {
		ret = -EINVAL;
		set_err(err, errlen, "%s",
			pcap_err[0] ? pcap_err : "not a capture file");
		goto fail;
	}
	/* From here on pcap_close() closes the file. */
	file = NULL;
	f->linktype = pcap_datalink(f->pcap);
	if (f->linktype != DLT_EN10MB) {
		const char *name = pcap_datalink_val_to_name(f->linktype);

		ret = -EPROTONOSUPPORT;
		set_err(err, errlen,
			"link type %d (%s) is not supported, only Ethernet",
			f->linktype, name ? name : "unknown");
		goto fail;
	}
	*fp = f;
	return 0;
fail:
	if (f && f->pcap)
		pcap_close(f->pcap);
	free(f);
	if (file && file != stdin)
		fclose(file);
	return ret;
}

int io_pcapfile_next(struct io_pcapfile *f, struct io_frame *fr, char *err,
		     size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	memset(fr, 0, sizeof(*fr));
	rc = pcap_next_ex(f->pcap, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		set_err(err, errlen, "%s", pcap_geterr(f->pcap));
		return -EIO;
	}
	fr->data = data;
	fr->caplen = h->caplen;
	fr->wirelen = h->len;
	fr->ts.tv_sec = h->ts.tv_sec;
	/* Opened with nanosecond precision: tv_usec holds nanoseconds. */
	fr->ts.tv_nsec = h->ts.tv_usec;
	return 1;
}

int io_pcapfile_linktype(const struct io_pcapfile *f)
{
	return f->linktype;
}

void io_pcapfile_close(struct io_pcapfile *f)
{
	if (!f)
		return;
	pcap_close(f->pcap);
	free(f);
}

int io_pcapfile_writer_open(struct io_pcapfile_writer **wp, const char *path,
			    int linktype, uint32_t snaplen, char *err,
			    size_t errlen)
{
	struct io_pcapfile_writer *w;
	FILE *file;
	int ret;

	*wp = NULL;
	if (snaplen == 0)
		snaplen = IO_PCAPFILE_SNAPLEN;
	w = calloc(1, sizeof(*w));
	if (!w) {
		set_err(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	w->snaplen = snaplen;
	w->dead = pcap_open_dead(linktype, (int)snaplen);
	if (!w->dead) {
		ret = -ENOMEM;
		set_err(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		file = stdout;
	} else {
		file = fopen(path, "wb");
		if (!file) {
			ret = -errno;
			set_err(err, errlen, "%s", strerror(errno));
			goto fail;
		}
	}
	w->dumper = pcap_dump_fopen(w->dead, file);
	if (!w->dumper) {
		ret = -EIO;
		set_err(err, errlen, "%s", pcap_geterr(w->dead));
		if (file != stdout)
			fclose(file);
		goto fail;
	}
	*wp = w;
	return 0;
fail:
	if (w->dead)
		pcap_close(w->dead);
	free(w);
	return ret;
}

int io_pcapfile_write(struct io_pcapfile_writer *w, const struct io_frame *fr)
{
	struct pcap_pkthdr h;

	if (w->failed)
		return -EIO;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = fr->ts.tv_sec;
	h.ts.tv_usec = fr->ts.tv_nsec / 1000;
	h.caplen = fr->caplen < w->snaplen ? fr->caplen : w->snaplen;
	h.len = fr->wirelen ? fr->wirelen : fr->caplen;
	if (h.len < h.caplen)
		h.len = h.caplen;
	pcap_dump((u_char *)w->dumper, &h, fr->data);
	if (ferror(pcap_dump_file(w->dumper))) {
		w->failed = true;
		return -EIO;
	}
	return 0;
}

int io_pcapfile_writer_close(struct io_pcapfile_writer *w)
{
	FILE *file;
	bool failed;

	if (!w)
		return 0;
	file = pcap_dump_file(w->dumper);
	failed = w->failed || pcap_dump_flush(w->dumper) != 0 || ferror(file);
	if (file == stdout) {
		/* Standard output stays open for the rest of the program. */
		failed = fflush(stdout) != 0 || failed;
	} else {
		/* pcap_dump_close() fcloses; its result is not reported. */
		failed = fflush(file) != 0 || failed;
		pcap_dump_close(w->dumper);
	}
	pcap_close(w->dead);
	free(w);
	return failed ? -EIO : 0;
}
