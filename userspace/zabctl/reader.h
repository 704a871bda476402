/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Reading the committed records of a device handle for zabctl tail:
 * zab_read() with a buffer that grows to fit each record and, for a reader
 * that asked for no zxid in particular, a move to the window when the records
 * before it are gone.
 */
#ifndef ZAB_READER_H
#define ZAB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/zab.h>

struct zab_reader {
	int h;			/* a libzab handle, not owned */
	bool positioned;	/* the user chose where to start: never moved */
	bool started;		/* a record was returned */
	char *buf;		/* payload of the last record returned */
	size_t cap;
	struct zab_history *hist;	/* the log on disk, once needed */
};

/* The buffer starts at this size and doubles up to ZAB_MAX_RECORD_LIMIT. */
#define ZAB_READER_INITIAL_CAP (64u << 10)

/*
 * How many times, in one zab_reader_next(), a reader that was not positioned
 * and returned nothing yet moves to the window before it gives up.
 */
#define ZAB_READER_MOVES 5

/* 0, or -ENOMEM. @positioned: the handle was sought to a zxid of the user's. */
int zab_reader_init(struct zab_reader *r, int h, bool positioned);
void zab_reader_release(struct zab_reader *r);

/*
 * The next committed record: its header in *@hdr, its payload in r->buf.
 * Returns the payload length (> 0), 0 at end of file (instance destroyed),
 * -EAGAIN if none is ready (O_NONBLOCK), -ERANGE if the records asked for left
 * the window, or another negative errno. Retries on EINTR.
 *
 * Records that left the window are read from the member's log on disk
 * (zab_history_open()) if it has one. A reader that was not positioned
 * starts at zxid 1: when that, or any record before its first, is gone from
 * memory and disk alike, it moves to zab_window_start() and reads on.
 */
ssize_t zab_reader_next(struct zab_reader *r, struct zab_rec_hdr *hdr);

#endif
