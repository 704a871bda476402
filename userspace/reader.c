// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libzab.h"
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
		else if (n == -ERANGE && (n = move_to_window(r, &moves)) == 0)
			continue;
		return n;
	}
}
