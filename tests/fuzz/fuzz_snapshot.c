// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The snapshot reader (userspace/disk/disklog.c): zab_snap_check(), which a
 * snapshot received from a leader (snapxfer.c) must pass before it is
 * renamed into place, and the log's own reading of the newest snapshot of a
 * dataDir (zab_disklog_scan(), zab_disklog_recover(),
 * zab_disklog_read_snap()). As in fuzz_disklog, the input describes the
 * file and this harness writes it with its checksums, breaking it only
 * where the input asks, so that the verdict can be predicted:
 *
 *   1 byte   flags: bit 0 a bad magic, bit 1 a bad header checksum, bit 2
 *            a nonzero reserved field, bit 3 a header zxid other than the
 *            name's, bit 4 a record count one too many, bit 5 free form
 *            (entries as the input says, no prediction), bit 6 no closing
 *            COMMIT entry, bit 7 bytes after it
 *   2+2 bytes the snapshot's zxid Z (epoch, counter)
 *   1 byte   base: the records stand for those after Z - 256 * base
 *   1 byte   entry count
 *   per entry, in order form: 1 byte step (the zxid after the last one),
 *            1 byte flags (bit 0 a wrong checksum, bit 1 torn here, bit 2
 *            a COMMIT instead of a RECORD), 1 byte payload length, the
 *            payload; in free form: 1 byte type, 2+2 bytes zxid, 1 byte
 *            length, the payload
 *
 * Properties: no crash, leak or undefined behaviour; a snapshot written in
 * order and not broken checks, with its base, and one broken anywhere does
 * not; whatever checks is what zab_disklog_scan() and
 * zab_disklog_recover() take as the directory's snapshot, record for
 * record, every payload as written; what does not check they do not take.
 */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/zab.h>

#include "disk/crc32c.h"
#include "disk/disklog.h"
#include "fuzzdisk.h"

/* What was written: the records a snapshot that checks must hold. */
struct written {
	uint64_t zxid;
	uint8_t len;
	uint8_t payload[255];
};

#define MAX_ENTRIES	64


static void put_entry(FILE *f, uint8_t type, uint64_t zxid, const uint8_t *payload,
		      uint32_t len, bool bad_crc)
{
	struct zab_disk_rec rec = {
		.type = type,
		.len = htobe32(len),
		.zxid = htobe64(zxid),
	};
	uint32_t crc = zab_crc32c(0, &rec, sizeof(rec));

	crc = zab_crc32c(crc, payload, len);
	rec.crc = htobe32(crc ^ bad_crc);
	put(f, &rec, sizeof(rec));
	put(f, payload, len);
}

/* The snapshot the harness takes for its own: the same zxids, the same bytes. */
static void check_snap(struct zab_disklog *log, const struct written *w, size_t n,
		       uint64_t zxid, uint64_t base)
{
	uint8_t buf[256];
	size_t i;

	if (!log->snap.name || log->snap.zxid != zxid || log->snap.base != base ||
	    log->snap.n != n)
		abort();
	for (i = 0; i < n; i++) {
		if (log->snap.recs[i].zxid != w[i].zxid || log->snap.recs[i].len != w[i].len)
			abort();
		if (zab_disklog_read_snap(log, i, buf) || memcmp(buf, w[i].payload, w[i].len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct written w[MAX_ENTRIES];
	struct input in = { data, size };
	struct zab_snap_hdr h = { .magic = htobe64(ZAB_SNAP_MAGIC) };
	struct zab_disklog log;
	unsigned int flags, count, i;
	uint64_t zxid, base, last, got_base = 0;
	bool broken, free_form;
	char name[32], path[128], why[256];
	size_t n = 0;
	FILE *f;
	int ret;

	fresh_dir();

	flags = (unsigned int)take(&in, 1);
	zxid = take(&in, 2) << 32 | take(&in, 2);
	zxid = zxid ? zxid : 1;
	base = take(&in, 1) * 256;
	base = base < zxid ? zxid - base : 0;
	if (base == zxid)
		base = 0;
	count = (unsigned int)take(&in, 1) % (MAX_ENTRIES + 1);
	free_form = flags & 32;
	broken = flags & (1 | 2 | 4 | 8 | 16 | 64 | 128);

	snprintf(name, sizeof(name), "snap.%016llx", (unsigned long long)zxid);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	/* the header last: the record count is known once the entries are */
	put(f, &h, sizeof(h));
	last = base;
	for (i = 0; i < count && in.left; i++) {
		uint8_t type = ZAB_DISK_RECORD, payload[255];
		unsigned int ef = 0, len, j;
		uint64_t z;

		if (free_form) {
			type = (uint8_t)take(&in, 1);
			z = take(&in, 2) << 32 | take(&in, 2);
		} else {
			z = last + 1 + take(&in, 1);
			ef = (unsigned int)take(&in, 1);
			if (z > zxid)
				break;	/* the records end at Z */
			if (ef & 4)
				type = ZAB_DISK_COMMIT;
		}
		len = (unsigned int)take(&in, 1);
		for (j = 0; j < len; j++)
			payload[j] = (uint8_t)take(&in, 1);
		if (!free_form && type != ZAB_DISK_RECORD)
			len = 0;
		else if (!free_form && !len)
			payload[len++] = 0;	/* a record holds a byte at least */
		if (ef & 2) {
			/* torn: half of the entry, and the file ends */
			struct zab_disk_rec rec = { .type = type, .zxid = htobe64(z) };

			put(f, &rec, sizeof(rec) / 2);
			broken = true;
			goto header;
		}
		put_entry(f, type, z, payload, len, ef & 1);
		if (ef & (1 | 4))
			broken = true;
		if (n < MAX_ENTRIES) {
			w[n].zxid = z;
			w[n].len = (uint8_t)len;
			memcpy(w[n].payload, payload, len);
			n++;
		}
		last = z;
	}
	if (!(flags & 64))
		put_entry(f, ZAB_DISK_COMMIT, zxid, NULL, 0, false);
	if (flags & 128)
		put(f, "\0", 1);
header:
	h.zxid = htobe64(flags & 8 ? zxid + 1 : zxid);
	h.base = htobe64(base);
	h.records = htobe64(n + !!(flags & 16));
	h.reserved = htobe32(!!(flags & 4));
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_snap_hdr, crc)) ^ !!(flags & 2));
	if (flags & 1)
		h.magic ^= 1;
	if (fseek(f, 0, SEEK_SET))
		abort();
	put(f, &h, sizeof(h));
	if (fclose(f))
		abort();

	why[0] = 0;
	ret = zab_snap_check(dir_fd, name, zxid, &got_base, why, sizeof(why));
	if (ret < 0 || (ret == 0 && !why[0]))
		abort();	/* it cannot fail to read, nor refuse without a reason */
	if (!free_form && ret != !broken)
		abort();	/* the verdict is not the one predicted */
	if (ret == 1 && got_base != base)
		abort();

	/* the log's reader takes the snapshot if and only if it checks */
	memset(&log, 0, sizeof(log));
	if (zab_disklog_scan(dir_fd, &log))
		abort();
	if (ret == 1)
		check_snap(&log, w, n, zxid, base);
	else if (log.snap.name)
		abort();
	zab_disklog_release(&log);
	memset(&log, 0, sizeof(log));
	if (zab_disklog_recover(dir_fd, dir, &log, NULL, NULL))
		abort();
	if (ret == 1)
		check_snap(&log, w, n, zxid, base);
	else if (log.snap.name)
		abort();
	zab_disklog_release(&log);
	return 0;
}
