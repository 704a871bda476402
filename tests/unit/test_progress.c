// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The progress of long work: the rate and time left zabd reports
 * (progress_estimate()) and the line people read (zab_fmt_progress()).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/fmt.h"
#include "zabd/progress.h"

static void test_estimate(void **state)
{
	struct zab_progress_info p = { .work = ZAB_WORK_RESTORE, .bytes = 3 << 20,
				       .total_bytes = 12 << 20 };

	(void)state;
	/* 3 MiB in 1.5 s: 2 MiB/s, 9 MiB left: 4.5 s, rounded */
	progress_estimate(&p, 1500);
	assert_int_equal(p.rate, 2 << 20);
	assert_int_equal(p.seconds_left, 5);
	/* no total: a rate, no estimate */
	p.total_bytes = 0;
	progress_estimate(&p, 1500);
	assert_int_equal(p.rate, 2 << 20);
	assert_int_equal(p.seconds_left, UINT32_MAX);
	/* nothing done yet, or no time: no rate, no estimate */
	p.total_bytes = 12 << 20;
	p.bytes = 0;
	progress_estimate(&p, 1500);
	assert_int_equal(p.rate, 0);
	assert_int_equal(p.seconds_left, UINT32_MAX);
	p.bytes = 1;
	progress_estimate(&p, 0);
	assert_int_equal(p.seconds_left, UINT32_MAX);
	/* past the total (more was found): nothing left, never negative */
	p.bytes = 13 << 20;
	progress_estimate(&p, 1000);
	assert_int_equal(p.seconds_left, 0);
	/* a crawl: the estimate stays below the "none" value */
	p.bytes = 1000;
	p.total_bytes = UINT64_MAX;
	progress_estimate(&p, 1000000);
	assert_int_equal(p.rate, 1);
	assert_int_equal(p.seconds_left, UINT32_MAX - 1);
}

static void test_line(void **state)
{
	struct zab_progress_info p = {
		.work = ZAB_WORK_RESTORE, .records = 1200, .bytes = 3 << 19,
		.total_bytes = 6 << 20, .rate = 3 << 20, .seconds_left = 2,
	};
	char line[192];

	(void)state;
	zab_fmt_progress(line, sizeof(line), &p);
	assert_string_equal(line, "restoring the log: 1200 records, 1.5 MiB of 6.0 MiB (25%), 3.0 MiB/s, 2 s left");
	p.total_bytes = 0;
	p.seconds_left = UINT32_MAX;
	p.bytes = 100;
	p.rate = 50;
	zab_fmt_progress(line, sizeof(line), &p);
	assert_string_equal(line, "restoring the log: 1200 records, 100 B, 50 B/s");
	p = (struct zab_progress_info){ .work = ZAB_WORK_SNAPSHOT_FETCH, .bytes = 5ULL << 30,
					.total_bytes = 10ULL << 30, .rate = 100 << 20,
					.seconds_left = 51 };
	zab_fmt_progress(line, sizeof(line), &p);
	assert_string_equal(line, "fetching a snapshot: 0 records, 5.0 GiB of 10.0 GiB (50%), 100.0 MiB/s, 51 s left");
	assert_string_equal(zab_work_name(ZAB_WORK_RESTORE), "restore");
	assert_string_equal(zab_work_name(ZAB_WORK_SNAPSHOT_FETCH), "snapshot_fetch");
	assert_null(zab_work_name(ZAB_WORK_MAX + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
