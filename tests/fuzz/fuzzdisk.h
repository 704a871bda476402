/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the fuzz targets of the files on disk share (fuzz_disklog,
 * fuzz_snapshot, fuzz_history): the input read as big-endian fields, a
 * scratch dataDir emptied before each input and removed at exit, and
 * segments written from the input.
 */
#ifndef ZAB_FUZZDISK_H
#define ZAB_FUZZDISK_H

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

#include "disk/crc32c.h"
#include "disk/disklog.h"

struct input {
	const uint8_t *p;
	size_t left;
};

/* The next @n bytes as a big-endian number; zeros past the end. */
static inline uint64_t take(struct input *in, size_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

static char dir[64];
static int dir_fd = -1;

static inline void clean_dir(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && unlinkat(dir_fd, e->d_name, 0))
			abort();
	closedir(d);
}

static inline void remove_dir(void)
{
	clean_dir();
	rmdir(dir);
}

/* The scratch dataDir ($ZAB_FUZZ_DIR or /dev/shm), made once, emptied. */
static inline void fresh_dir(void)
{
	if (dir_fd < 0) {
		snprintf(dir, sizeof(dir), "%s/zab-fuzz-XXXXXX",
			 getenv("ZAB_FUZZ_DIR") ?: "/dev/shm");
		if (!mkdtemp(dir))
			abort();
		dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dir_fd < 0)
			abort();
		atexit(remove_dir);
	}
	clean_dir();
}

static inline void put(FILE *f, const void *p, size_t n)
{
	if (n && fwrite(p, n, 1, f) != 1)
		abort();
}

/*
 * Segments from the input, as fuzz_disklog describes them:
 *
 *   per segment: 1 byte  flags (bit 0: bad header checksum, bit 1: a
 *                        sequence gap), 8 bytes prev zxid (the low 40 bits
 *                        of them), 1 byte entry count
 *   per entry:   1 byte  type (low 3 bits; values past DURABLE are bad;
 *                        a DURABLE carries the segment's nonce),
 *                        bit 3 a wrong checksum, bit 4 torn at the end
 *                2 bytes zxid epoch, 2 bytes zxid counter
 *                1 byte  payload length (0..255; the bytes follow)
 */
/* Segment *@seqp from the input (a gap moves it on); 0 once the input is used up. */
static inline int write_segment(struct input *in, uint64_t *seqp)
{
	struct zab_seg_hdr h = {
		.magic = htobe64(ZAB_SEG_MAGIC), .nonce = htobe32(0x5eed0001),
	};
	unsigned int flags, count, i;
	uint64_t prev;
	char name[64];
	uint64_t seq;
	FILE *f;

	if (!in->left)
		return 0;
	flags = (unsigned int)take(in, 1);
	prev = take(in, 8) & 0xffffffffffULL;
	count = (unsigned int)take(in, 1);
	if (flags & 2)
		++*seqp;	/* a gap in the sequence */
	seq = *seqp;
	h.seq = htobe64(seq);
	h.prev = htobe64(prev);
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc)) ^
			(flags & 1));
	/* the reader orders segments by the sequence number of their header */
	snprintf(name, sizeof(name), "%s/log.%016llx", dir, (unsigned long long)seq);
	f = fopen(name, "w");
	if (!f)
		abort();
	put(f, &h, sizeof(h));
	for (i = 0; i < count && in->left; i++) {
		unsigned int t = (unsigned int)take(in, 1);
		uint64_t epoch = take(in, 2), counter = take(in, 2);
		unsigned int len = (unsigned int)take(in, 1);
		struct zab_disk_rec rec = {
			.type = t & 7,
			.zxid = htobe64(epoch << 32 | counter),
			.reserved2 = (t & 7) == ZAB_DISK_DURABLE ? h.nonce : 0,
		};
		uint8_t payload[255];
		uint32_t crc;
		size_t j;

		for (j = 0; j < len; j++)
			payload[j] = (uint8_t)take(in, 1);
		if (rec.type != ZAB_DISK_RECORD)
			len = 0;
		rec.len = htobe32(len);
		crc = zab_crc32c(0, &rec, sizeof(rec));
		crc = zab_crc32c(crc, payload, len);
		rec.crc = htobe32(crc ^ !!(t & 8));
		put(f, &rec, sizeof(rec));
		if (t & 16) {
			put(f, payload, len / 2);
			break;
		}
		put(f, payload, len);
	}
	if (fclose(f))
		abort();
	return 1;
}

#endif
