// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Progress of long work. See progress.h.
 */

#include <string.h>

#include "common/fmt.h"
#include "log.h"
#include "loop.h"
#include "progress.h"

void progress_estimate(struct zab_progress_info *info, int64_t elapsed_ms)
{
	double left;

	info->rate = elapsed_ms > 0 ? (uint64_t)((double)info->bytes * 1000 / (double)elapsed_ms) : 0;
	info->seconds_left = UINT32_MAX;
	if (!info->total_bytes || !info->rate)
		return;
	left = (double)(info->total_bytes - (info->bytes < info->total_bytes ?
					     info->bytes : info->total_bytes)) / (double)info->rate;
	info->seconds_left = left < UINT32_MAX - 1 ? (uint32_t)(left + 0.5) : UINT32_MAX - 1;
}

static void report(struct progress *p, int64_t now)
{
	char line[192];
	int ret;

	progress_estimate(&p->info, now - p->start_ms);
	zab_fmt_progress(line, sizeof(line), &p->info);
	zinfo("%s", line);
	p->last_ms = now;
	if (!p->nl)
		return;
	ret = zab_nl_progress(p->nl, p->name, &p->info);
	if (ret < 0)
		zdebug("cannot report progress to the instance: %s", zab_nl_strerror(p->nl, ret));
	else
		p->reported = true;
}

void progress_begin(struct progress *p, struct zab_nl *nl, const char *name,
		    uint8_t work, uint64_t total_bytes)
{
	memset(p, 0, sizeof(*p));
	p->nl = nl;
	p->name = name;
	p->info.work = work;
	p->info.total_bytes = total_bytes;
	p->info.seconds_left = UINT32_MAX;
	p->start_ms = p->last_ms = loop_now();
}

void progress_total(struct progress *p, uint64_t total_bytes)
{
	p->info.total_bytes = total_bytes;
}

void progress_update(struct progress *p, uint64_t records, uint64_t bytes)
{
	int64_t now = loop_now();

	p->info.records = records;
	p->info.bytes = bytes;
	if (p->info.total_bytes && bytes > p->info.total_bytes)
		p->info.total_bytes = bytes;
	if (now - p->last_ms >= PROGRESS_EVERY_MS)
		report(p, now);
}

void progress_end(struct progress *p, bool ok)
{
	struct zab_progress_info none = { .work = ZAB_WORK_NONE };
	int64_t now = loop_now();
	char line[192];

	if (p->info.bytes || now - p->start_ms >= PROGRESS_EVERY_MS) {
		/* done: what was done is the total, whatever was foreseen */
		if (ok)
			p->info.total_bytes = p->info.bytes;
		progress_estimate(&p->info, now - p->start_ms);
		p->info.seconds_left = UINT32_MAX;
		zab_fmt_progress(line, sizeof(line), &p->info);
		zinfo("%s: %s in %.1f s", line, ok ? "done" : "given up",
		      (double)(now - p->start_ms) / 1000);
	}
	if (p->reported && zab_nl_progress(p->nl, p->name, &none) < 0)
		zdebug("cannot withdraw the progress report from the instance");
	p->reported = false;
}
