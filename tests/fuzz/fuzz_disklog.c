// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The reader and repairer of the log on disk (userspace/disk/disklog.c) on
 * segments built from the input: any bytes would almost never get past the
 * checksums, so the input describes entries (type, length, zxid, payload)
 * and this harness writes them with their CRC-32C, as the kernel does, but
 * where the input asks for a torn or flipped one. The input:
 *
 *   per segment: 1 byte  flags (bit 0: bad header checksum, bit 1: a
 *                        sequence gap), 8 bytes prev zxid (the low 40 bits
 *                        of them), 1 byte entry count
 *   per entry:   1 byte  type (low 3 bits; values past DURABLE are bad;
 *                        a DURABLE carries the segment's nonce),
 *                        bit 3 a wrong checksum, bit 4 torn at the end
 *                2 bytes zxid epoch, 2 bytes zxid counter
 *                1 byte  payload length (0..255; the bytes follow)
 *
 * Segments are numbered 1, 2, ... (4 at most), with a gap where asked.
 * Properties: zab_disklog_recover() does not crash and ends with records
 * in strictly increasing zxid order, the commit point at or below the last
 * zxid; a second recovery of the directory it repaired finds the same log
 * and nothing to repair; zab_disklog_scan() agrees; every record reads; a
 * log found to have lost what was on disk is marked, and repaired.
 */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/zab.h>

#include "disk/disklog.h"
#include "fuzzdisk.h"

static void check_log(const struct zab_disklog *log)
{
	size_t i;

	for (i = 1; i < log->n; i++)
		if (log->recs[i].zxid <= log->recs[i - 1].zxid)
			abort();
	if (log->n && log->last != log->recs[log->n - 1].zxid)
		abort();
	if (log->commit > log->last)
		abort();
}

static int same_log(const struct zab_disklog *a, const struct zab_disklog *b)
{
	size_t i;

	if (a->n != b->n || a->last != b->last || a->base != b->base ||
	    a->commit != b->commit)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->recs[i].zxid != b->recs[i].zxid || a->recs[i].len != b->recs[i].len)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct zab_disklog log, again, scan;
	uint8_t buf[256];
	uint64_t seq = 1;
	size_t i;
	int ret;

	fresh_dir();
	while (seq <= 4 && write_segment(&in, &seq))
		seq++;

	memset(&log, 0, sizeof(log));
	ret = zab_disklog_recover(dir_fd, dir, &log, NULL, NULL);
	if (ret == 0) {
		check_log(&log);
		/* a loss of what was on disk is marked, and only then */
		if (log.lost != (zab_disklog_unsynced(dir_fd, NULL, 0) == 1))
			abort();
		if (log.lost && !log.repaired)
			abort();
		for (i = 0; i < log.n; i++)
			if (zab_disklog_read(dir_fd, &log, i, buf))
				abort();	/* a record it kept does not read */
		/* repaired once, nothing is left to repair */
		memset(&again, 0, sizeof(again));
		if (zab_disklog_recover(dir_fd, dir, &again, NULL, NULL) ||
		    again.repaired || !same_log(&log, &again))
			abort();
		zab_disklog_release(&again);
		memset(&scan, 0, sizeof(scan));
		if (zab_disklog_scan(dir_fd, &scan) == 0 && !same_log(&log, &scan))
			abort();
		zab_disklog_release(&scan);
	}
	zab_disklog_release(&log);
	return 0;
}
