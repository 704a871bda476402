// SPDX-License-Identifier: GPL-2.0 OR MIT
/* acceptedEpoch and currentEpoch: atomic writes, reads, corruption. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zabd/datadir.h"
#include "zabd/epoch.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/zab-epoch-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put_file(const char *name, const char *content, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static size_t count_entries(void)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_missing_is_zero(void **state)
{
	struct zab_err err;
	uint32_t e = 7;

	(void)state;
	assert_int_equal(zab_epoch_read(dir, ZAB_CURRENT_EPOCH_FILE, &e, &err), 0);
	assert_int_equal(e, 0);
}

static void test_write_read(void **state)
{
	struct zab_err err;
	char path[256], buf[32];
	uint32_t e;
	FILE *f;

	(void)state;
	assert_int_equal(zab_epoch_write(dir, ZAB_ACCEPTED_EPOCH_FILE, 5, &err), 0);
	assert_int_equal(zab_epoch_read(dir, ZAB_ACCEPTED_EPOCH_FILE, &e, &err), 0);
	assert_int_equal(e, 5);
	assert_int_equal(zab_epoch_write(dir, ZAB_ACCEPTED_EPOCH_FILE, UINT32_MAX, &err), 0);
	assert_int_equal(zab_epoch_read(dir, ZAB_ACCEPTED_EPOCH_FILE, &e, &err), 0);
	assert_int_equal(e, UINT32_MAX);
	/* ZooKeeper's format: the number and a newline; no temporary left */
	snprintf(path, sizeof(path), "%s/%s", dir, ZAB_ACCEPTED_EPOCH_FILE);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "4294967295\n");
	assert_int_equal(count_entries(), 1);
	/* the other file is independent */
	assert_int_equal(zab_epoch_write(dir, ZAB_CURRENT_EPOCH_FILE, 4, &err), 0);
	assert_int_equal(zab_epoch_read(dir, ZAB_CURRENT_EPOCH_FILE, &e, &err), 0);
	assert_int_equal(e, 4);
	assert_int_equal(count_entries(), 2);
}

static void expect_corrupt(const char *content, size_t len, const char *problem)
{
	struct zab_err err;
	char msg[512];
	uint32_t e = 9;

	put_file(ZAB_CURRENT_EPOCH_FILE, content, len);
	assert_int_equal(zab_epoch_read(dir, ZAB_CURRENT_EPOCH_FILE, &e, &err), -EINVAL);
	snprintf(msg, sizeof(msg), "%s/%s: corrupt: %s", dir, ZAB_CURRENT_EPOCH_FILE, problem);
	assert_string_equal(err.msg, msg);
}

static void test_corrupt(void **state)
{
	struct zab_err err;
	uint32_t e;

	(void)state;
	expect_corrupt("", 0, "empty");
	expect_corrupt("\n", 1, "empty");
	expect_corrupt("abc\n", 4, "not a decimal number");
	expect_corrupt("-1\n", 3, "not a decimal number");
	expect_corrupt(" 5\n", 3, "not a decimal number");
	expect_corrupt("5\n\n", 3, "not a decimal number");
	expect_corrupt("5 \n", 3, "not a decimal number");
	expect_corrupt("5\0\n", 3, "not a decimal number");
	expect_corrupt("4294967296\n", 11, "larger than 4294967295");
	expect_corrupt("99999999999999999999\n", 21, "larger than 4294967295");
	expect_corrupt("00000000000000000000000000000000001\n", 36, "too long for an epoch");
	/* without the newline, and with leading zeros, it still reads */
	put_file(ZAB_CURRENT_EPOCH_FILE, "0012", 4);
	assert_int_equal(zab_epoch_read(dir, ZAB_CURRENT_EPOCH_FILE, &e, &err), 0);
	assert_int_equal(e, 12);
}

static void test_errors(void **state)
{
	struct zab_err err;
	char sub[128], path[192];
	uint32_t e;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/missing", dir);
	assert_int_equal(zab_epoch_write(sub, ZAB_CURRENT_EPOCH_FILE, 1, &err), -ENOENT);
	snprintf(path, sizeof(path), "%s/.currentEpoch.tmp: create: No such file or directory", sub);
	assert_string_equal(err.msg, path);
	/* a directory where the file should be */
	snprintf(path, sizeof(path), "%s/%s", dir, ZAB_ACCEPTED_EPOCH_FILE);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(zab_epoch_read(dir, ZAB_ACCEPTED_EPOCH_FILE, &e, &err), -EISDIR);
	assert_int_equal(zab_epoch_write(dir, ZAB_ACCEPTED_EPOCH_FILE, 1, &err), -EISDIR);
	assert_int_equal(count_entries(), 1);	/* the temporary is gone */
}

static void test_parse(void **state)
{
	const char *why = NULL;
	uint32_t e;

	(void)state;
	assert_int_equal(zab_epoch_parse("0\n", 2, &e, &why), 0);
	assert_int_equal(e, 0);
	assert_int_equal(zab_epoch_parse("123", 3, &e, &why), 0);
	assert_int_equal(e, 123);
	assert_int_equal(zab_epoch_parse("12x", 3, &e, &why), -EINVAL);
	assert_string_equal(why, "not a decimal number");
}

static void test_datadir_lock(void **state)
{
	struct zab_err err;
	char sub[128], msg[256];
	int a, b;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/data", dir);
	a = zab_datadir_open(sub, &err);	/* created */
	assert_true(a >= 0);
	b = zab_datadir_open(sub, &err);
	assert_int_equal(b, -EWOULDBLOCK);
	snprintf(msg, sizeof(msg), "dataDir %s is in use by another zabd", sub);
	assert_string_equal(err.msg, msg);
	close(a);
	b = zab_datadir_open(sub, &err);
	assert_true(b >= 0);
	close(b);
	snprintf(sub, sizeof(sub), "%s/no/such", dir);
	assert_int_equal(zab_datadir_open(sub, &err), -ENOENT);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_missing_is_zero),
		T(test_write_read),
		T(test_corrupt),
		T(test_errors),
		T(test_parse),
		T(test_datadir_lock),
	};

	return cmocka_run_group_tests_name("epoch", tests, NULL, NULL);
}
