/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Records on the command line and on the terminal, for zabctl append and
 * tail: zxid arguments, the escaped text form of a record, the splitting of
 * standard input into records, and what the device's errors mean.
 */
#ifndef ZAB_REC_H
#define ZAB_REC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/zab.h>

#include "common/err.h"

/*
 * Parses a zxid: hexadecimal after "0x" or "0X", or decimal; no sign, no
 * whitespace, at most 64 bits. -EINVAL with @err quoting @str otherwise.
 */
int zab_parse_zxid(const char *str, uint64_t *zxid, struct zab_err *err);

/*
 * Writes @len bytes of @data with every byte outside 0x20..0x7e, and the
 * backslash, as \xNN (two lowercase hex digits): the result is one line of
 * printable ASCII, without tabs.
 */
void zab_print_escaped(FILE *f, const void *data, size_t len);

/* One line of zabctl tail: "ZXID<TAB>DATA\n", ZXID as "0x1a", DATA escaped. */
void zab_print_record(FILE *f, uint64_t zxid, const void *data, size_t len);

/*
 * Reads the next record of zabctl append's standard input: the next line of
 * @in that is not empty, without its '\n' (the last line needs none). It goes
 * to *@buf, which is grown as needed (*@cap is its size; free(*@buf) when
 * done). Any byte but '\n' is data, NUL included.
 * Returns the length (> 0), 0 at end of input, -EMSGSIZE if the line is
 * longer than @max (it is skipped, the next call reads the line after it),
 * -ENOMEM, or the errno of a read error.
 */
ssize_t zab_read_line(FILE *in, char **buf, size_t *cap, size_t max);

/* What failed on the device, for zab_fmt_dev_error(). */
enum zab_dev_op {
	ZAB_DEV_OPEN,
	ZAB_DEV_APPEND,
	ZAB_DEV_READ,
	ZAB_DEV_SYNC,
};

/*
 * strerror(-err), followed by what the error means for @op in parentheses
 * when the device gives it a meaning of its own, as in "Transport endpoint
 * is not connected (no leader)".
 */
void zab_fmt_dev_error(char *buf, size_t len, enum zab_dev_op op, int err);

/*
 * For a read that failed with ERANGE: says that the records before the
 * window are no longer in memory, naming the window's first zxid from @st,
 * the status taken after the failure (NULL if it could not be taken).
 */
void zab_fmt_range_error(char *buf, size_t len, const struct zab_status *st);

/*
 * Where a reader that asked for nothing in particular starts once the records
 * before the window are gone: the window's first zxid, or, if the window is
 * empty, the zxid after the last committed one.
 */
uint64_t zab_window_start(const struct zab_status *st);

#endif
