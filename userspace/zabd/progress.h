/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Progress of long work (restoring the log at start, fetching a snapshot):
 * records and bytes done, the rate, the time left, in zabd's log and, for
 * `zabctl show', in the kernel instance (ZAB_A_PROGRESS). Reported once a
 * second at most, from the second second on; the work's last line is logged
 * whenever it did anything.
 */
#ifndef ZABD_PROGRESS_H
#define ZABD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/info.h"
#include "common/nl.h"

#define PROGRESS_EVERY_MS	1000

struct progress {
	struct zab_nl *nl;	/* where to report it; NULL: the log only */
	const char *name;	/* the instance */
	int64_t start_ms, last_ms;
	bool reported;		/* a report reached the kernel */
	struct zab_progress_info info;
};

/* Starts @work of @total_bytes (0: not known) on instance @name. */
void progress_begin(struct progress *p, struct zab_nl *nl, const char *name,
		    uint8_t work, uint64_t total_bytes);

/* The total is now @total_bytes (more work was found). */
void progress_total(struct progress *p, uint64_t total_bytes);

/* @records and @bytes are done: reported if a second passed since the last. */
void progress_update(struct progress *p, uint64_t records, uint64_t bytes);

/*
 * Ends the work: its last line in the log if it did anything or took a
 * second or more (@ok: done, else given up), and the report withdrawn from
 * the kernel.
 */
void progress_end(struct progress *p, bool ok);

/*
 * The rate and time left of @info after @elapsed_ms, as progress_update()
 * reports them: bytes per second over the whole work; seconds left at that
 * rate, UINT32_MAX without a total or a rate.
 */
void progress_estimate(struct zab_progress_info *info, int64_t elapsed_ms);

#endif
