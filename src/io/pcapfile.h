/* SPDX-License-Identifier: MIT */
/*
 * pcapfile.h - reading and writing capture files (pcap and pcapng) through
 * libpcap, for `riposte show`, offline replay and the test tools.
 *
 * The reader is an iterator: io_pcapfile_open(), io_pcapfile_next() until it
 * returns 0, io_pcapfile_close().  Only Ethernet (DLT_EN10MB) captures are
 * accepted for now.  The writer produces classic pcap files with
 * microsecond timestamps, which every tool reads.
 *
 * Nothing here prints: failures return -errno and, where a caller may want
 * words for the user, a message (without the file name) in err[errlen].
 */
#ifndef RIPOSTE_IO_PCAPFILE_H
#define RIPOSTE_IO_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Room enough for any message these functions write. */
#define IO_PCAPFILE_ERRLEN 512

/* One captured frame.  data is owned by the reader (see next()). */
struct io_frame {
	const uint8_t *data;
	uint32_t caplen; /* bytes in data */
	uint32_t wirelen; /* bytes the frame had on the wire */
	struct timespec ts;
};

struct io_pcapfile; /* an open capture file being read */
struct io_pcapfile_writer; /* an open capture file being written */

/*
 * Opens path ("-" is standard input) for reading.  On success stores a new
 * reader in *fp and returns 0; the caller frees it with io_pcapfile_close().
 * Returns -ENOENT, -EACCES ... when the file cannot be opened, -EINVAL when
 * it is no capture file libpcap reads, -EPROTONOSUPPORT when its link type
 * is not Ethernet; err then holds the reason.
 */
int io_pcapfile_open(struct io_pcapfile **fp, const char *path, char *err,
		     size_t errlen);

/*
 * The same from len bytes at buf (the caller's, which must outlive the
 * reader), for the fuzzer: a classic pcap file is walked in place when
 * classic_walk says so, else (and anything else: pcapng) read through
 * libpcap, so that the two readers can be compared.  Any link type.
 */
int io_pcapfile_open_mem(struct io_pcapfile **fp, const uint8_t *buf,
			 size_t len, bool classic_walk, char *err,
			 size_t errlen);

/*
 * Reads the next frame into *fr.  Returns 1 with a frame, 0 at the end of
 * the file, -EIO (err filled) when the file is corrupt or truncated in the
 * middle of a record.  fr->data stays valid until the next call to
 * io_pcapfile_next() or io_pcapfile_close() on f.
 */
int io_pcapfile_next(struct io_pcapfile *f, struct io_frame *fr, char *err,
		     size_t errlen);

/*
 * How far the reader is: bytes read and the file's size.  False when that
 * is not known (a pipe, standard input).
 */
bool io_pcapfile_progress(const struct io_pcapfile *f, uint64_t *done,
			  uint64_t *total);

/* The link type (DLT_*) of an open file. */
int io_pcapfile_linktype(const struct io_pcapfile *f);

/* Closes the file and frees f; NULL is allowed. */
void io_pcapfile_close(struct io_pcapfile *f);

/*
 * Creates (or truncates) path ("-" is standard output) as a pcap file of
 * link type linktype (DLT_EN10MB) and snapshot length snaplen (0 means
 * 262144).  Stores a new writer in *wp and returns 0, or -errno with err
 * filled.  The caller ends it with io_pcapfile_writer_close().
 */
int io_pcapfile_writer_open(struct io_pcapfile_writer **wp, const char *path,
			    int linktype, uint32_t snaplen, char *err,
			    size_t errlen);

/*
 * Appends one frame (fr->data, fr->caplen bytes of which are kept up to
 * the snapshot length; fr->wirelen is recorded as is, or caplen when 0).
 * Returns 0, or -EIO when the file could not be written.
 */
int io_pcapfile_write(struct io_pcapfile_writer *w, const struct io_frame *fr);

/* Writes out what is buffered.  Returns 0, or -EIO. */
int io_pcapfile_flush(struct io_pcapfile_writer *w);

/*
 * Flushes and closes the file and frees w (NULL is allowed).  Returns 0, or
 * -EIO when a write failed at any point since the writer was opened.
 */
int io_pcapfile_writer_close(struct io_pcapfile_writer *w);

#endif
