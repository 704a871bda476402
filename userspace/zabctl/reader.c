// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/libzab.h"
#include "reader.h"
#include "rec.h"

int zab_reader_init(struct zab_reader *r, int h, bool positioned)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->positioned = positioned;
	r->buf = malloc(ZAB_READER_INITIAL_CAP);
	if (!r->buf)
		return -ENOMEM;
	r->cap = ZAB_READER_INITIAL_CAP;
	return 0;
}

void zab_reader_release(struct zab_reader *r)
{
	zab_history_close(r->hist);
	r->hist = NULL;
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

/* Doubles the buffer, up to the largest record there can be. */
static int grow(struct zab_reader *r)
{
	size_t cap = r->cap * 2;
	char *buf;

	if (r->cap >= ZAB_MAX_RECORD_LIMIT)
		return -EMSGSIZE;
	if (cap > ZAB_MAX_RECORD_LIMIT)
		cap = ZAB_MAX_RECORD_LIMIT;
	buf = realloc(r->buf, cap);
	if (!buf)
		return -ENOMEM;
	r->buf = buf;
	r->cap = cap;
	return 0;
}

/*
 * The next record from the log on disk, for a reader whose next record left
 * the window: its length, or -ERANGE if the disk does not have it either.
 * The handle is then sought past it, so that reading goes on from memory
 * once the records on disk run out.
 */
static ssize_t from_disk(struct zab_reader *r, struct zab_rec_hdr *hdr)
{
	struct zab_status st;
	ssize_t n;

	if (zab_status(r->h, &st) < 0)
		return -ERANGE;
	for (int fresh = 0; fresh < 2; fresh++) {
		if (!r->hist || fresh) {
			/* a new look at the segments: the window moved on */
			zab_history_close(r->hist);
			r->hist = NULL;
			if (zab_history_open(r->h, &r->hist) < 0)
				return -ERANGE;
		}
		do {
			n = zab_history_read(r->hist, st.read_next, hdr, r->buf, r->cap);
		} while (n == -EMSGSIZE && grow(r) == 0);
		if (n > 0)
			return zab_seek(r->h, hdr->zxid + 1) < 0 ? -ERANGE : n;
	}
	return -ERANGE;
}

/* Moves an unpositioned reader to the window: 0, or -ERANGE. */
static int move_to_window(struct zab_reader *r, int *moves)
{
	struct zab_status st;

	if (r->positioned || r->started || ++*moves > ZAB_READER_MOVES)
		return -ERANGE;
	if (zab_status(r->h, &st) < 0 || zab_seek(r->h, zab_window_start(&st)) < 0)
		return -ERANGE;
	return 0;
}

ssize_t zab_reader_next(struct zab_reader *r, struct zab_rec_hdr *hdr)
{
	int moves = 0;
	ssize_t n;

	for (;;) {
		n = zab_read(r->h, hdr, r->buf, r->cap);
		if (n > 0)
			r->started = true;
		else if (n == -EINTR)
			continue;
		/* Larger than the buffer: nothing was consumed, read it again. */
		else if (n == -EMSGSIZE && (n = grow(r)) == 0)
			continue;
		else if (n == -ERANGE && (n = from_disk(r, hdr)) > 0)
			r->started = true;
		else if (n == -ERANGE && (n = move_to_window(r, &moves)) == 0)
			continue;
		return n;
	}
}
