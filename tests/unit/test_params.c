// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Instance names, member ids, numbers with suffixes and the parameter table. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/zab.h>

#include "lib/name.h"
#include "common/params.h"

static void test_name_valid(void **state)
{
	(void)state;
	assert_null(zab_name_problem("a"));
	assert_null(zab_name_problem("Zk-1.node_A"));
	assert_null(zab_name_problem("0"));
	assert_null(zab_name_problem("a."));
	/* exactly ZAB_NAME_MAX bytes */
	assert_null(zab_name_problem("abcdefghijklmnopqrstuvwxyz01234"));
}

static void test_name_invalid(void **state)
{
	(void)state;
	assert_string_equal(zab_name_problem(""), "must be 1..31 bytes");
	assert_string_equal(zab_name_problem("abcdefghijklmnopqrstuvwxyz012345"),
			    "must be 1..31 bytes");
	assert_string_equal(zab_name_problem(".hidden"), "must not start with `.'");
	assert_string_equal(zab_name_problem("."), "must not start with `.'");
	assert_string_equal(zab_name_problem("a b"), "may only contain A-Z a-z 0-9 _ . -");
	assert_string_equal(zab_name_problem("../x"), "must not start with `.'");
	assert_string_equal(zab_name_problem("a/b"), "may only contain A-Z a-z 0-9 _ . -");
	assert_string_equal(zab_name_problem("caf\xc3\xa9"), "may only contain A-Z a-z 0-9 _ . -");
	assert_string_equal(zab_name_problem("a\tb"), "may only contain A-Z a-z 0-9 _ . -");
}

static void test_parse_uint(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(zab_parse_uint("0", false, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(zab_parse_uint("007", false, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(zab_parse_uint("18446744073709551615", false, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(zab_parse_uint("18446744073709551616", false, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(zab_parse_uint("11", false, 10, &v), -ERANGE);

	v = 42;
	assert_int_equal(zab_parse_uint("", false, 10, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("-1", false, 10, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("+1", false, 10, &v), -EINVAL);
	assert_int_equal(zab_parse_uint(" 1", false, 10, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("1 ", false, 10, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("0x10", false, 100, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("1.5", false, 10, &v), -EINVAL);
	assert_int_equal(v, 42);	/* untouched on failure */
}

static void test_parse_uint_suffix(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(zab_parse_uint("1K", true, UINT64_MAX, &v), 0);
	assert_true(v == 1024);
	assert_int_equal(zab_parse_uint("64k", true, UINT64_MAX, &v), 0);
	assert_true(v == 64 << 10);
	assert_int_equal(zab_parse_uint("3M", true, UINT64_MAX, &v), 0);
	assert_true(v == 3ULL << 20);
	assert_int_equal(zab_parse_uint("2g", true, UINT64_MAX, &v), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(zab_parse_uint("0K", true, UINT64_MAX, &v), 0);
	assert_true(v == 0);

	assert_int_equal(zab_parse_uint("1K", false, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("1T", true, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("1KB", true, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("K", true, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(zab_parse_uint("1 K", true, UINT64_MAX, &v), -EINVAL);
	/* the suffix must not wrap around */
	assert_int_equal(zab_parse_uint("17179869184G", true, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(zab_parse_uint("4G", true, UINT32_MAX, &v), -ERANGE);
}

static void test_params_defaults(void **state)
{
	struct zab_params p;

	(void)state;
	memset(&p, 0xff, sizeof(p));
	zab_params_init(&p);
	assert_int_equal(p.set, 0);
	assert_int_equal(p.value[ZAB_P_TICK_TIME], ZAB_TICK_MS_DEFAULT);
	assert_int_equal(p.value[ZAB_P_SYNC_LIMIT], ZAB_SYNC_LIMIT_DEFAULT);
	assert_int_equal(p.value[ZAB_P_INIT_LIMIT], ZAB_INIT_LIMIT_DEFAULT);
	assert_int_equal(p.value[ZAB_P_WINDOW_BYTES], ZAB_WINDOW_BYTES_DEFAULT);
	assert_int_equal(p.value[ZAB_P_MAX_RECORD], ZAB_MAX_RECORD_DEFAULT);
}

static void test_params_table_matches_uapi(void **state)
{
	(void)state;
	assert_int_equal(zab_param_lookup("tickTime"), ZAB_P_TICK_TIME);
	assert_int_equal(zab_param_lookup("syncLimit"), ZAB_P_SYNC_LIMIT);
	assert_int_equal(zab_param_lookup("initLimit"), ZAB_P_INIT_LIMIT);
	assert_int_equal(zab_param_lookup("windowBytes"), ZAB_P_WINDOW_BYTES);
	assert_int_equal(zab_param_lookup("maxRecordSize"), ZAB_P_MAX_RECORD);
	assert_int_equal(zab_param_lookup("ticktime"), -1);
	assert_int_equal(zab_param_lookup(""), -1);

	assert_int_equal(zab_param_defs[ZAB_P_TICK_TIME].attr, ZAB_A_TICK_MS);
	assert_int_equal(zab_param_defs[ZAB_P_SYNC_LIMIT].attr, ZAB_A_SYNC_LIMIT);
	assert_int_equal(zab_param_defs[ZAB_P_INIT_LIMIT].attr, ZAB_A_INIT_LIMIT);
	assert_int_equal(zab_param_defs[ZAB_P_WINDOW_BYTES].attr, ZAB_A_WINDOW_BYTES);
	assert_int_equal(zab_param_defs[ZAB_P_MAX_RECORD].attr, ZAB_A_MAX_RECORD);
}

/* Parses one KEY VALUE into fresh parameters; returns the result. */
static int parse1(const char *key, const char *value, bool check,
		  struct zab_params *p, struct zab_err *err)
{
	zab_params_init(p);
	err->msg[0] = '\0';
	return zab_params_parse(p, key, value, check, err);
}

static void expect_ok(const char *key, const char *value, enum zab_param param,
		      uint32_t expected)
{
	struct zab_params p;
	struct zab_err err;

	assert_int_equal(parse1(key, value, true, &p, &err), 0);
	assert_int_equal(p.value[param], expected);
	assert_int_equal(p.set, 1u << param);
}

static void expect_error(const char *key, const char *value, const char *msg)
{
	struct zab_params p;
	struct zab_err err;

	assert_int_equal(parse1(key, value, true, &p, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_int_equal(p.set, 0);
}

static void test_params_ranges(void **state)
{
	(void)state;
	expect_ok("tickTime", "10", ZAB_P_TICK_TIME, 10);
	expect_ok("tickTime", "60000", ZAB_P_TICK_TIME, 60000);
	expect_error("tickTime", "9", "invalid tickTime `9': must be 10..60000 ms");
	expect_error("tickTime", "60001", "invalid tickTime `60001': must be 10..60000 ms");

	expect_ok("syncLimit", "1", ZAB_P_SYNC_LIMIT, 1);
	expect_ok("syncLimit", "1000", ZAB_P_SYNC_LIMIT, 1000);
	expect_error("syncLimit", "0", "invalid syncLimit `0': must be 1..1000 ticks");
	expect_error("initLimit", "1001", "invalid initLimit `1001': must be 1..1000 ticks");
	expect_ok("initLimit", "7", ZAB_P_INIT_LIMIT, 7);

	expect_ok("windowBytes", "64K", ZAB_P_WINDOW_BYTES, 64 << 10);
	expect_ok("windowBytes", "65536", ZAB_P_WINDOW_BYTES, 65536);
	expect_ok("windowBytes", "4294967295", ZAB_P_WINDOW_BYTES, UINT32_MAX);
	expect_ok("windowBytes", "1G", ZAB_P_WINDOW_BYTES, 1u << 30);
	expect_error("windowBytes", "65535",
		     "invalid windowBytes `65535': must be 64K..4294967295 bytes");
	expect_error("windowBytes", "4G",
		     "invalid windowBytes `4G': must be 64K..4294967295 bytes");

	expect_ok("maxRecordSize", "1", ZAB_P_MAX_RECORD, 1);
	expect_ok("maxRecordSize", "16M", ZAB_P_MAX_RECORD, 16u << 20);
	expect_error("maxRecordSize", "16777217",
		     "invalid maxRecordSize `16777217': must be 1..16M bytes");
	expect_error("maxRecordSize", "0", "invalid maxRecordSize `0': must be 1..16M bytes");
}

static void test_params_malformed(void **state)
{
	(void)state;
	expect_error("tickTime", "2s", "invalid tickTime `2s': expected a decimal number");
	expect_error("tickTime", "1K", "invalid tickTime `1K': expected a decimal number");
	expect_error("tickTime", "", "invalid tickTime `': expected a decimal number");
	expect_error("syncLimit", "-5", "invalid syncLimit `-5': expected a decimal number");
	expect_error("windowBytes", "1T",
		     "invalid windowBytes `1T': expected a number with an optional K, M or G suffix");
	expect_error("maxRecordSize", "99999999999999999999999",
		     "invalid maxRecordSize `99999999999999999999999': must be 1..16M bytes");
	expect_error("tickTme", "2000", "unknown key `tickTme'");
	expect_error("TickTime", "2000", "unknown key `TickTime'");
}

static void test_params_duplicate(void **state)
{
	struct zab_params p;
	struct zab_err err;

	(void)state;
	zab_params_init(&p);
	assert_int_equal(zab_params_parse(&p, "tickTime", "100", true, &err), 0);
	assert_int_equal(zab_params_parse(&p, "windowBytes", "1M", true, &err), 0);
	assert_int_equal(zab_params_parse(&p, "tickTime", "200", true, &err), -EINVAL);
	assert_string_equal(err.msg, "duplicate key `tickTime'");
	assert_int_equal(p.value[ZAB_P_TICK_TIME], 100);
	assert_int_equal(p.value[ZAB_P_WINDOW_BYTES], 1u << 20);
	assert_int_equal(p.set, (1u << ZAB_P_TICK_TIME) | (1u << ZAB_P_WINDOW_BYTES));
	assert_true(zab_params_has(&p, ZAB_P_TICK_TIME));
	assert_false(zab_params_has(&p, ZAB_P_SYNC_LIMIT));
}

static void test_params_no_check(void **state)
{
	struct zab_params p;
	struct zab_err err;

	(void)state;
	/* out of range values go to the kernel as they are */
	assert_int_equal(parse1("tickTime", "5", false, &p, &err), 0);
	assert_int_equal(p.value[ZAB_P_TICK_TIME], 5);
	assert_int_equal(parse1("syncLimit", "0", false, &p, &err), 0);
	assert_int_equal(p.value[ZAB_P_SYNC_LIMIT], 0);
	assert_int_equal(parse1("maxRecordSize", "32M", false, &p, &err), 0);
	assert_int_equal(p.value[ZAB_P_MAX_RECORD], 32u << 20);
	/* but they must still be u32 numbers */
	assert_int_equal(parse1("windowBytes", "4G", false, &p, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid windowBytes `4G': must be 0..4294967295 bytes");
	assert_int_equal(parse1("tickTime", "fast", false, &p, &err), -EINVAL);
	assert_int_equal(parse1("bogus", "1", false, &p, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown key `bogus'");
}

static void test_parse_id(void **state)
{
	struct zab_err err;
	uint32_t id = 0;

	(void)state;
	assert_int_equal(zab_parse_id("1", "id", true, &id, &err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(zab_parse_id("255", "id", true, &id, &err), 0);
	assert_int_equal(id, 255);
	assert_int_equal(zab_parse_id("0", "id", true, &id, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid id `0': must be 1..255");
	assert_int_equal(zab_parse_id("256", "myid", true, &id, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid myid `256': must be 1..255");
	assert_int_equal(zab_parse_id("one", "id", true, &id, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid id `one': expected a decimal number");
	assert_int_equal(id, 255);

	assert_int_equal(zab_parse_id("0", "id", false, &id, &err), 0);
	assert_int_equal(id, 0);
	assert_int_equal(zab_parse_id("4294967295", "id", false, &id, &err), 0);
	assert_int_equal(id, UINT32_MAX);
	assert_int_equal(zab_parse_id("4294967296", "id", false, &id, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid id `4294967296': must be 0..4294967295");
}

static void test_fmt_size(void **state)
{
	char buf[32];

	(void)state;
	zab_fmt_size(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
	zab_fmt_size(buf, sizeof(buf), 1000);
	assert_string_equal(buf, "1000");
	zab_fmt_size(buf, sizeof(buf), 1024);
	assert_string_equal(buf, "1K");
	zab_fmt_size(buf, sizeof(buf), 1536);
	assert_string_equal(buf, "1536");
	zab_fmt_size(buf, sizeof(buf), 3 << 19);
	assert_string_equal(buf, "1536K");
	zab_fmt_size(buf, sizeof(buf), 64u << 20);
	assert_string_equal(buf, "64M");
	zab_fmt_size(buf, sizeof(buf), 3ULL << 30);
	assert_string_equal(buf, "3G");
	zab_fmt_size(buf, sizeof(buf), UINT32_MAX);
	assert_string_equal(buf, "4294967295");
	zab_fmt_size(buf, 3, 12345);	/* truncates, stays terminated */
	assert_string_equal(buf, "12");
}

static void test_param_format(void **state)
{
	char buf[32];

	(void)state;
	zab_param_format(buf, sizeof(buf), ZAB_P_TICK_TIME, 2048);
	assert_string_equal(buf, "2048");
	zab_param_format(buf, sizeof(buf), ZAB_P_WINDOW_BYTES, 2048);
	assert_string_equal(buf, "2K");
	zab_param_format(buf, sizeof(buf), ZAB_P_MAX_RECORD, ZAB_MAX_RECORD_DEFAULT);
	assert_string_equal(buf, "1M");
	assert_string_equal(zab_unit_name(ZAB_UNIT_MS), "ms");
	assert_string_equal(zab_unit_name(ZAB_UNIT_TICKS), "ticks");
	assert_string_equal(zab_unit_name(ZAB_UNIT_BYTES), "bytes");
}

static void test_params_describe(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	zab_params_describe(f, "  ");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text,
		"  tickTime       10..60000 ms, default 2000\n"
		"  syncLimit      1..1000 ticks, default 5\n"
		"  initLimit      1..1000 ticks, default 10\n"
		"  windowBytes    64K..4294967295 bytes, default 64M\n"
		"  maxRecordSize  1..16M bytes, default 1M\n"
		"  Sizes in bytes take a K, M or G suffix (powers of 1024).\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_name_invalid),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_uint_suffix),
		cmocka_unit_test(test_params_defaults),
		cmocka_unit_test(test_params_table_matches_uapi),
		cmocka_unit_test(test_params_ranges),
		cmocka_unit_test(test_params_malformed),
		cmocka_unit_test(test_params_duplicate),
		cmocka_unit_test(test_params_no_check),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test(test_param_format),
		cmocka_unit_test(test_params_describe),
	};

	return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
