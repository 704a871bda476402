// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The record helpers of zabctl append and tail: zxid arguments, the escaped
 * form of records, standard input split into records, and the messages for
 * the device's errors.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zabctl/rec.h"

#define NOT_SET 0x5a5a5a5a5a5a5a5aULL

static uint64_t zxid_ok(const char *str)
{
	struct zab_err err = { "" };
	uint64_t zxid = NOT_SET;

	assert_int_equal(zab_parse_zxid(str, &zxid, &err), 0);
	assert_string_equal(err.msg, "");
	return zxid;
}

/* Fails, leaves the zxid alone, and returns the message. */
static const char *zxid_bad(const char *str)
{
	static struct zab_err err;
	uint64_t zxid = NOT_SET;

	err.msg[0] = '\0';
	assert_int_equal(zab_parse_zxid(str, &zxid, &err), -EINVAL);
	assert_true(zxid == NOT_SET);
	return err.msg;
}

static void test_zxid_hex(void **state)
{
	(void)state;
	assert_true(zxid_ok("0x0") == 0);
	assert_true(zxid_ok("0x1") == 1);
	assert_true(zxid_ok("0x100000002") == ZAB_ZXID(1, 2));
	assert_true(zxid_ok("0XaBcDeF") == 0xabcdef);
	assert_true(zxid_ok("0xffffffffffffffff") == UINT64_MAX);
	/* leading zeros do not count against the 64 bits */
	assert_true(zxid_ok("0x00000000000000000000000000000007") == 7);
	assert_true(zxid_ok("0x0fffffffffffffff") == 0x0fffffffffffffffULL);
}

static void test_zxid_decimal(void **state)
{
	(void)state;
	assert_true(zxid_ok("0") == 0);
	assert_true(zxid_ok("10") == 10);	/* decimal, not hexadecimal */
	assert_true(zxid_ok("4294967298") == ZAB_ZXID(1, 2));
	assert_true(zxid_ok("18446744073709551615") == UINT64_MAX);
	assert_true(zxid_ok("007") == 7);
}

static void test_zxid_invalid(void **state)
{
	static const char *const bad[] = {
		"", "0x", "x10", "-1", "+1", " 1", "1 ", "0x 1", "0x1 ", "0x1g",
		"12a", "0x-1", "1.5", "0xx1", "1e3", "0b1", "0x1\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		zxid_bad(bad[i]);
	assert_string_equal(zxid_bad("0x1g"),
		"invalid zxid `0x1g': expected a decimal number, or hexadecimal after 0x");
	assert_string_equal(zxid_bad(""),
		"invalid zxid `': expected a decimal number, or hexadecimal after 0x");
}

static void test_zxid_too_large(void **state)
{
	(void)state;
	assert_string_equal(zxid_bad("0x10000000000000000"),
		"invalid zxid `0x10000000000000000': must be at most 0xffffffffffffffff");
	assert_string_equal(zxid_bad("18446744073709551616"),
		"invalid zxid `18446744073709551616': must be at most 0xffffffffffffffff");
	zxid_bad("0x1ffffffffffffffff");
	zxid_bad("99999999999999999999999");
	/* no err: only the return value */
	assert_int_equal(zab_parse_zxid("0x", &(uint64_t){ 0 }, NULL), -EINVAL);
}

/* What zab_print_escaped() or zab_print_record() wrote, NUL-terminated. */
static char *escaped(const void *data, size_t len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	zab_print_escaped(f, data, len);
	assert_int_equal(fclose(f), 0);
	return text;
}

static char *record_line(uint64_t zxid, const void *data, size_t len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	zab_print_record(f, zxid, data, len);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void check_escaped(const void *data, size_t len, const char *want)
{
	char *text = escaped(data, len);

	assert_string_equal(text, want);
	free(text);
}

static void test_escape(void **state)
{
	(void)state;
	check_escaped("hello, world", 12, "hello, world");
	check_escaped(" ~", 2, " ~");
	check_escaped("a\\b", 3, "a\\x5cb");
	check_escaped("\\x41", 4, "\\x5cx41");	/* not taken for an escape */
	check_escaped("a\tb\nc\r", 6, "a\\x09b\\x0ac\\x0d");
	check_escaped("\0\x01\x1f", 3, "\\x00\\x01\\x1f");
	check_escaped("\x7f\x80\xff", 3, "\\x7f\\x80\\xff");
	check_escaped("caf\xc3\xa9", 5, "caf\\xc3\\xa9");
	check_escaped("", 0, "");
}

static int hex_value(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Every byte value: one line of printable ASCII that decodes back. */
static void test_escape_all_bytes(void **state)
{
	unsigned char data[256], back[256];
	size_t n = 0;
	char *text;

	(void)state;
	for (int i = 0; i < 256; i++)
		data[i] = (unsigned char)i;
	text = escaped(data, sizeof(data));
	for (const char *p = text; *p; p++) {
		assert_true(*p >= 0x20 && *p <= 0x7e);
		assert_true(n < sizeof(back));
		if (*p == '\\') {
			assert_int_equal(p[1], 'x');
			assert_true(strchr("0123456789abcdef", p[2]) && p[2]);
			assert_true(strchr("0123456789abcdef", p[3]) && p[3]);
			back[n++] = (unsigned char)(hex_value(p[2]) << 4 | hex_value(p[3]));
			p += 3;
		} else {
			back[n++] = (unsigned char)*p;
		}
	}
	assert_int_equal(n, sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	/* 94 bytes stay as they are (not the backslash), 162 take 4 characters */
	assert_int_equal(strlen(text), 94 + 162 * 4);
	free(text);
}

static void test_record_line(void **state)
{
	char *line;

	(void)state;
	line = record_line(ZAB_ZXID(1, 2), "a\tb", 3);
	assert_string_equal(line, "0x100000002\ta\\x09b\n");
	free(line);
	line = record_line(UINT64_MAX, "x\n", 2);
	assert_string_equal(line, "0xffffffffffffffff\tx\\x0a\n");
	free(line);
	line = record_line(ZAB_ZXID(0xa, 0xb), "\\", 1);
	assert_string_equal(line, "0xa0000000b\t\\x5c\n");
	free(line);
}

/* Splits @input as zabctl append splits its standard input. */
struct lines {
	FILE *in;
	char *buf;
	size_t cap;
};

static void lines_open(struct lines *l, const void *input, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->in = fmemopen((void *)input, len, "r");
	assert_non_null(l->in);
}

static void lines_close(struct lines *l)
{
	fclose(l->in);
	free(l->buf);
}

static void next_line(struct lines *l, size_t max, const char *want, size_t len)
{
	assert_int_equal(zab_read_line(l->in, &l->buf, &l->cap, max), (ssize_t)len);
	assert_memory_equal(l->buf, want, len);
}

static void test_lines(void **state)
{
	static const char input[] = "first\nsecond line\nthird";
	struct lines l;

	(void)state;
	lines_open(&l, input, sizeof(input) - 1);
	next_line(&l, 100, "first", 5);
	next_line(&l, 100, "second line", 11);
	/* the last line needs no newline */
	next_line(&l, 100, "third", 5);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	lines_close(&l);
}

static void test_lines_empty_skipped(void **state)
{
	static const char input[] = "\n\na\n\n\nb\n\n";
	struct lines l;

	(void)state;
	lines_open(&l, input, sizeof(input) - 1);
	next_line(&l, 100, "a", 1);
	next_line(&l, 100, "b", 1);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	lines_close(&l);

	/* nothing but newlines, or nothing at all: no record */
	lines_open(&l, "\n\n\n", 3);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	lines_close(&l);
	lines_open(&l, "", 0);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	lines_close(&l);
}

static void test_lines_bytes_kept(void **state)
{
	static const char input[] = "a\0b\n \t\r\n\\x00\n";
	struct lines l;

	(void)state;
	lines_open(&l, input, sizeof(input) - 1);
	next_line(&l, 100, "a\0b", 3);	/* NUL is data */
	next_line(&l, 100, " \t\r", 3);	/* only '\n' ends a line */
	next_line(&l, 100, "\\x00", 4);	/* no unescaping */
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 100), 0);
	lines_close(&l);
}

static void test_lines_long(void **state)
{
	size_t big = 100000;
	char *input = malloc(big + 3);
	struct lines l;

	(void)state;
	assert_non_null(input);
	memset(input, 'z', big);
	memcpy(input + big, "\nq", 2);
	lines_open(&l, input, big + 2);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, big), (ssize_t)big);
	assert_true(l.cap >= big);
	for (size_t i = 0; i < big; i++)
		assert_true(l.buf[i] == 'z');
	next_line(&l, big, "q", 1);
	lines_close(&l);
	free(input);
}

static void test_lines_too_long(void **state)
{
	static const char input[] = "abc\nabcd\nxy\nabcdefgh";
	struct lines l;

	(void)state;
	lines_open(&l, input, sizeof(input) - 1);
	next_line(&l, 3, "abc", 3);	/* exactly the limit */
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 3), -EMSGSIZE);
	/* the rest of the long line is skipped, not taken for a record */
	next_line(&l, 3, "xy", 2);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 3), -EMSGSIZE);
	assert_int_equal(zab_read_line(l.in, &l.buf, &l.cap, 3), 0);
	lines_close(&l);
}

static void test_lines_read_error(void **state)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *in;

	(void)state;
	in = fopen("/", "r");	/* opens, but read(2) fails */
	assert_non_null(in);
	assert_int_equal(zab_read_line(in, &buf, &cap, 100), -EISDIR);
	fclose(in);
	free(buf);
}

static void check_dev_error(enum zab_dev_op op, int err, const char *want)
{
	char buf[256];

	memset(buf, 'x', sizeof(buf));
	zab_fmt_dev_error(buf, sizeof(buf), op, err);
	assert_string_equal(buf, want);
}

static void test_dev_errors(void **state)
{
	(void)state;
	check_dev_error(ZAB_DEV_APPEND, -ENOTCONN,
			"Transport endpoint is not connected (no leader)");
	check_dev_error(ZAB_DEV_APPEND, -ECONNRESET,
			"Connection reset by peer (leadership changed; "
			"the record may or may not be committed)");
	check_dev_error(ZAB_DEV_APPEND, -EMSGSIZE,
			"Message too long (record larger than maxRecordSize)");
	check_dev_error(ZAB_DEV_APPEND, -ESHUTDOWN,
			"Cannot send after transport endpoint shutdown (instance destroyed)");
	check_dev_error(ZAB_DEV_APPEND, -EINVAL,
			"Invalid argument (empty record, or a malformed exactly-once header)");
	check_dev_error(ZAB_DEV_APPEND, -EALREADY,
			"Operation already in progress (a later record of this exactly-once writer is in the log)");
	check_dev_error(ZAB_DEV_APPEND, -ESTALE,
			"Stale file handle (the leader cannot tell whether this exactly-once record is in the log; look for it)");
	check_dev_error(ZAB_DEV_APPEND, -EINTR,
			"Interrupted system call (interrupted; the record may still be committed)");
	check_dev_error(ZAB_DEV_APPEND, -EACCES, "Permission denied");
	check_dev_error(ZAB_DEV_SYNC, -ENOTCONN,
			"Transport endpoint is not connected (no leader)");
	check_dev_error(ZAB_DEV_SYNC, -ECONNRESET,
			"Connection reset by peer (the leader changed before it answered; try again)");

	check_dev_error(ZAB_DEV_OPEN, -ENOENT,
			"No such file or directory (no such instance)");
	check_dev_error(ZAB_DEV_OPEN, -ENODEV, "No such device (no such instance)");
	check_dev_error(ZAB_DEV_OPEN, -EINVAL, "Invalid argument (invalid name)");
	check_dev_error(ZAB_DEV_OPEN, -ENOTCONN, "Transport endpoint is not connected");

	check_dev_error(ZAB_DEV_READ, -EPROTO,
			"Protocol error (malformed record from the device)");
	/* a read's EMSGSIZE is about the buffer, not maxRecordSize */
	check_dev_error(ZAB_DEV_READ, -EMSGSIZE, "Message too long");
}

static void test_dev_error_truncated(void **state)
{
	char buf[12];

	(void)state;
	zab_fmt_dev_error(buf, sizeof(buf), ZAB_DEV_APPEND, -ENOTCONN);
	assert_string_equal(buf, "Transport e");
}

static void test_range_error(void **state)
{
	struct zab_status st = {
		.state = ZAB_STATE_FOLLOWING, .commit_zxid = ZAB_ZXID(2, 9),
		.window_first = ZAB_ZXID(2, 5),
	};
	char buf[256];

	(void)state;
	zab_fmt_range_error(buf, sizeof(buf), &st);
	assert_string_equal(buf, "the records before the window, which starts at "
			    "0x200000005, are no longer in memory");
	st.window_first = 0;
	zab_fmt_range_error(buf, sizeof(buf), &st);
	assert_string_equal(buf, "the records asked for are no longer in memory, "
			    "and the window is empty");
	zab_fmt_range_error(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "the records asked for are no longer in memory");
}

static void test_window_start(void **state)
{
	struct zab_status st = {
		.commit_zxid = ZAB_ZXID(3, 4), .window_first = ZAB_ZXID(2, 7),
	};

	(void)state;
	assert_true(zab_window_start(&st) == ZAB_ZXID(2, 7));
	st.window_first = 0;
	assert_true(zab_window_start(&st) == ZAB_ZXID(3, 5));
	st.commit_zxid = 0;
	assert_true(zab_window_start(&st) == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zxid_hex),
		cmocka_unit_test(test_zxid_decimal),
		cmocka_unit_test(test_zxid_invalid),
		cmocka_unit_test(test_zxid_too_large),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_all_bytes),
		cmocka_unit_test(test_record_line),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_lines_empty_skipped),
		cmocka_unit_test(test_lines_bytes_kept),
		cmocka_unit_test(test_lines_long),
		cmocka_unit_test(test_lines_too_long),
		cmocka_unit_test(test_lines_read_error),
		cmocka_unit_test(test_dev_errors),
		cmocka_unit_test(test_dev_error_truncated),
		cmocka_unit_test(test_range_error),
		cmocka_unit_test(test_window_start),
	};

	return cmocka_run_group_tests_name("rec", tests, NULL, NULL);
}
