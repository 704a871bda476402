/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the fuzz targets of the files on disk share (fuzz_disklog,
 * fuzz_snapshot): the input read as big-endian fields, and a scratch
 * dataDir emptied before each input and removed at exit.
 */
#ifndef ZAB_FUZZDISK_H
#define ZAB_FUZZDISK_H

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

#endif
