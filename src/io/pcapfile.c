/* SPDX-License-Identifier: MIT */
/*
 * pcapfile.c - capture files: pcap and pcapng in, pcap out (formats:
 * pcap-savefile(5), draft-ietf-opsawg-pcapng).
 *
 *   classic pcap, a regular file -> mapped, its records walked in place
 *   anything else (pcapng, a pipe) -> libpcap's reader
 *   out -> classic pcap through a buffer of our own, as pcap_dump writes
 *
 * A replay reads and writes millions of frames: through libpcap and stdio
 * that cost ~670 instructions a frame (callgrind), more than the rules.
 * The classic format is 24 bytes of file header and 16 of record header
 * (pcap-savefile(5)); every length is checked against what the mapping
 * holds, as libpcap checks it against what fread() returned, and the
 * errors are libpcap's words.  The file is opened here with open() rather
 * than by libpcap so that a missing or unreadable file reports its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "io/pcapfile.h"

#define IO_PCAPFILE_SNAPLEN 262144

/* The most a record may hold: libpcap's max_snaplen_for_dlt(). */
#define IO_PCAPFILE_MAXCAP 262144
#define IO_PCAPFILE_WBUF (1u << 20)

struct io_pcapfile {
	pcap_t *pcap; /* NULL when the file is mapped */
	int linktype;
	/* A mapped classic pcap file. */
	const uint8_t *map;
	size_t size, off;
	bool swapped; /* written on a host of the other byte order */
	bool nano; /* nanosecond timestamps (magic a1b23c4d) */
	uint32_t snaplen; /* the file's, as libpcap adjusts it */
	bool owned; /* map is ours to unmap (not the caller's bytes) */
	/*
	 * Versions before 2.3 wrote the two lengths the other way round;
	 * 2.3 did either (libpcap: SWAPPED, MAYBE_SWAPPED).
	 */
	enum { LEN_AS_IS, LEN_SWAPPED, LEN_MAYBE } lengths;
};

struct io_pcapfile_writer {
	int fd;
	bool failed, is_stdout;
	uint32_t snaplen;
	size_t n;
	uint8_t buf[IO_PCAPFILE_WBUF];
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

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	return swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				 (uint32_t)p[2] << 8 | p[3] :
			 (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[1] << 8 | p[0];
}

/*
 * Takes the size bytes at m as a classic pcap file: 0 with f set up
 * (f->map = m), 1 when they are something else (libpcap's to read).
 */
static int walk_classic(struct io_pcapfile *f, const uint8_t *m, size_t size)
{
	uint16_t major, minor;
	uint32_t magic;

	if (size < 24)
		return 1;
	magic = rd32(m, false);
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
		f->nano = magic == 0xa1b23c4du;
	} else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
		f->swapped = true;
		f->nano = magic == 0x4d3cb2a1u;
	} else {
		return 1; /* pcapng, or no capture file: libpcap says which */
	}
	/*
	 * Version 2.0 to 2.4, as libpcap reads; anything else is libpcap's
	 * to refuse (or, DG/UX's 543.0, to read).
	 */
	major = f->swapped ? (uint16_t)(m[4] << 8 | m[5]) :
			     (uint16_t)(m[5] << 8 | m[4]);
	minor = f->swapped ? (uint16_t)(m[6] << 8 | m[7]) :
			     (uint16_t)(m[7] << 8 | m[6]);
	if (major != 2 || minor > 4)
		return 1;
	f->lengths = minor < 3	? LEN_SWAPPED :
		     minor == 3 ? LEN_MAYBE :
				  LEN_AS_IS;
	/*
	 * The link type, less the FCS bits 26-31 (libpcap's LT_LINKTYPE()).
	 * LINKTYPE_ values are DLT_ values only for Ethernet (1); libpcap
	 * maps the others and names them.
	 */
	f->linktype = (int)(rd32(m + 20, f->swapped) & 0x03ffffffu);
	if (f->linktype != DLT_EN10MB)
		return 1;
	f->snaplen = rd32(m + 16, f->swapped);
	if (!f->snaplen || f->snaplen > IO_PCAPFILE_MAXCAP)
		f->snaplen = IO_PCAPFILE_MAXCAP;
	f->map = m;
	f->size = size;
	f->off = 24;
	return 0;
}

/*
 * Maps fd when it is a regular file in the classic format: 0 with f set
 * up, 1 when it is something else (libpcap's to read).
 */
static int map_classic(struct io_pcapfile *f, int fd)
{
	struct stat st;
	void *m;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 24)
		return 1;
	/*
	 * Read once, front to back: the pages are mapped up front (a fault
	 * a page costs more than the rules), up to 1 GiB; past that, the
	 * kernel reads ahead.
	 */
	m = mmap(NULL, (size_t)st.st_size, PROT_READ,
		 MAP_PRIVATE | (st.st_size <= (1 << 30) ? MAP_POPULATE : 0), fd,
		 0);
	if (m == MAP_FAILED)
		return 1;
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	if (walk_classic(f, m, (size_t)st.st_size) != 0) {
		munmap(m, (size_t)st.st_size);
		f->swapped = f->nano = false;
		return 1;
	}
	f->owned = true;
	return 0;
}

int io_pcapfile_open(struct io_pcapfile **fp, const char *path, char *err,
		     size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct io_pcapfile *f = NULL;
	FILE *file = NULL;
	int ret, fd = -1;

	*fp = NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		set_err(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (strcmp(path, "-") == 0) {
		file = stdin;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			set_err(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		ret = map_classic(f, fd);
		if (ret == 0) {
			close(fd);
			goto linktype;
		}
		file = fdopen(fd, "rb");
		if (!file) {
			ret = -errno;
			set_err(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		fd = -1; /* the FILE has it */
	}
	f->pcap = pcap_fopen_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!f->pcap) {
		ret = -EINVAL;
		/* libpcap's "unknown file format" says less than this. */
		if (strcmp(pcap_err, "unknown file format") == 0 ||
		    !pcap_err[0])
			set_err(err, errlen,
				"not a capture file (pcap or pcapng; "
				"tcpdump -w writes one)");
		else
			set_err(err, errlen, "%s", pcap_err);
		goto fail;
	}
	/* From here on pcap_close() closes the file. */
	file = NULL;
	f->linktype = pcap_datalink(f->pcap);
linktype:
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
	io_pcapfile_close(f);
	if (file && file != stdin)
		fclose(file);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The next record of a mapped file; as io_pcapfile_next(). */
static int next_mapped(struct io_pcapfile *f, struct io_frame *fr, char *err,
		       size_t errlen)
{
	const uint8_t *h = f->map + f->off;
	size_t left = f->size - f->off;
	uint32_t sec, frac;
	long nsec;

	if (!left)
		return 0;
	if (left < 16) {
		set_err(err, errlen,
			"truncated dump file; tried to read 16 header bytes, "
			"only got %zu",
			left);
		return -EIO;
	}
	fr->caplen = rd32(h + 8, f->swapped);
	fr->wirelen = rd32(h + 12, f->swapped);
	if (f->lengths == LEN_SWAPPED ||
	    (f->lengths == LEN_MAYBE && fr->caplen > fr->wirelen)) {
		uint32_t t = fr->caplen;

		fr->caplen = fr->wirelen;
		fr->wirelen = t;
	}
	if (fr->caplen > IO_PCAPFILE_MAXCAP) {
		set_err(err, errlen,
			"invalid packet capture length %u, bigger than maximum "
			"of %u",
			fr->caplen, IO_PCAPFILE_MAXCAP);
		return -EIO;
	}
	if (left - 16 < fr->caplen) {
		set_err(err, errlen,
			"truncated dump file; tried to read %u captured bytes, "
			"only got %zu",
			fr->caplen, left - 16);
		return -EIO;
	}
	/*
	 * As libpcap reads them (sf-pcap.c): signed 32-bit fields from a
	 * file of this host's byte order, unsigned once swapped, so that a
	 * replay stamps its replies as tcpdump shows the same file.
	 */
	sec = rd32(h, f->swapped);
	frac = rd32(h + 4, f->swapped);
	fr->ts.tv_sec = f->swapped ? (time_t)sec : (time_t)(int32_t)sec;
	nsec = f->swapped ? (long)frac : (long)(int32_t)frac;
	fr->ts.tv_nsec = f->nano ? nsec : nsec * 1000;
	fr->data = h + 16;
	f->off += 16 + (size_t)fr->caplen;
	/* As libpcap: more than the file's snapshot length is cut. */
	if (fr->caplen > f->snaplen)
		fr->caplen = f->snaplen;
	return 1;
}

int io_pcapfile_next(struct io_pcapfile *f, struct io_frame *fr, char *err,
		     size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	memset(fr, 0, sizeof(*fr));
	if (f->map)
		return next_mapped(f, fr, err, errlen);
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

bool io_pcapfile_progress(const struct io_pcapfile *f, uint64_t *done,
			  uint64_t *total)
{
	struct stat st;
	FILE *fp;
	long pos;

	if (f->map) {
		*done = f->off;
		*total = f->size;
		return f->size > 0;
	}
	fp = pcap_file(f->pcap);
	if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    (pos = ftell(fp)) < 0)
		return false;
	*done = (uint64_t)pos;
	*total = (uint64_t)st.st_size;
	return st.st_size > 0;
}

int io_pcapfile_linktype(const struct io_pcapfile *f)
{
	return f->linktype;
}

void io_pcapfile_close(struct io_pcapfile *f)
{
	if (!f)
		return;
	if (f->pcap)
		pcap_close(f->pcap);
	if (f->map && f->owned)
		munmap((void *)(uintptr_t)f->map, f->size);
	free(f);
}

int io_pcapfile_open_mem(struct io_pcapfile **fp, const uint8_t *buf,
			 size_t len, bool classic_walk, char *err,
			 size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct io_pcapfile *f;
	FILE *file;

	*fp = NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		set_err(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (classic_walk && walk_classic(f, buf, len) == 0) {
		*fp = f;
		return 0;
	}
	f->swapped = f->nano = false;
	file = fmemopen((void *)(uintptr_t)buf, len, "rb");
	if (!file) {
		free(f);
		set_err(err, errlen, "%s", strerror(errno));
		return -ENOMEM;
	}
	f->pcap = pcap_fopen_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!f->pcap) {
		fclose(file);
		free(f);
		set_err(err, errlen, "%s",
			pcap_err[0] ? pcap_err : "not a capture file");
		return -EINVAL;
	}
	f->linktype = pcap_datalink(f->pcap);
	*fp = f;
	return 0;
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Writes the buffer out; false (and failed set) when the write fails. */
static bool wflush(struct io_pcapfile_writer *w)
{
	size_t done = 0;
	ssize_t n;

	while (done < w->n && !w->failed) {
		n = write(w->fd, w->buf + done, w->n - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->failed = true;
		else
			done += (size_t)n;
	}
	w->n = 0;
	return !w->failed;
}

/* Appends len bytes, through the buffer, or straight when they are big. */
static void wput(struct io_pcapfile_writer *w, const uint8_t *p, size_t len)
{
	if (w->n + len > sizeof(w->buf) && !wflush(w))
		return;
	if (len > sizeof(w->buf)) {
		w->n = 0;
		while (len && !w->failed) {
			ssize_t n = write(w->fd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				w->failed = true;
				break;
			}
			p += n;
			len -= (size_t)n;
		}
		return;
	}
	memcpy(w->buf + w->n, p, len);
	w->n += len;
}

int io_pcapfile_writer_open(struct io_pcapfile_writer **wp, const char *path,
			    int linktype, uint32_t snaplen, char *err,
			    size_t errlen)
{
	struct io_pcapfile_writer *w;
	uint8_t h[24];
	int ret;

	*wp = NULL;
	if (snaplen == 0)
		snaplen = IO_PCAPFILE_SNAPLEN;
	w = malloc(sizeof(*w));
	if (!w) {
		set_err(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	w->snaplen = snaplen;
	w->n = 0;
	w->failed = false;
	w->is_stdout = strcmp(path, "-") == 0;
	if (w->is_stdout) {
		fflush(stdout);
		w->fd = STDOUT_FILENO;
	} else {
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0666);
		if (w->fd < 0) {
			ret = -errno;
			set_err(err, errlen, "%s", strerror(errno));
			free(w);
			return ret;
		}
	}
	/* pcap-savefile(5), as pcap_dump_open() writes it: version 2.4. */
	put32le(h, 0xa1b2c3d4u);
	h[4] = 2;
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	put32le(h + 8, 0); /* thiszone */
	put32le(h + 12, 0); /* sigfigs */
	put32le(h + 16, snaplen);
	put32le(h + 20, (uint32_t)linktype);
	wput(w, h, sizeof(h));
	*wp = w;
	return 0;
}

int io_pcapfile_write(struct io_pcapfile_writer *w, const struct io_frame *fr)
{
	uint8_t h[16];
	uint32_t cap = fr->caplen < w->snaplen ? fr->caplen : w->snaplen;
	uint32_t len = fr->wirelen ? fr->wirelen : fr->caplen;

	if (w->failed)
		return -EIO;
	if (len < cap)
		len = cap;
	put32le(h, (uint32_t)fr->ts.tv_sec);
	put32le(h + 4, (uint32_t)(fr->ts.tv_nsec / 1000));
	put32le(h + 8, cap);
	put32le(h + 12, len);
	wput(w, h, sizeof(h));
	wput(w, fr->data, cap);
	return w->failed ? -EIO : 0;
}

int io_pcapfile_flush(struct io_pcapfile_writer *w)
{
	return wflush(w) ? 0 : -EIO;
}

int io_pcapfile_writer_close(struct io_pcapfile_writer *w)
{
	bool failed;

	if (!w)
		return 0;
	failed = !wflush(w);
	/* Standard output stays open for the rest of the program. */
	if (!w->is_stdout && close(w->fd) < 0)
		failed = true;
	free(w);
	return failed ? -EIO : 0;
}
