// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/params.h"
#include "rec.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hexadecimal digits only, at least one: 0, -EINVAL or -ERANGE. */
static int parse_hex(const char *str, uint64_t *out)
{
	uint64_t value = 0;
	const char *p;
	int digit;

	if (!*str)
		return -EINVAL;
	for (p = str; *p; p++) {
		digit = hex_digit(*p);
		if (digit < 0)
			return -EINVAL;
		if (value >> 60)
			return -ERANGE;
		value = value << 4 | (unsigned int)digit;
	}
	*out = value;
	return 0;
}

int zab_parse_zxid(const char *str, uint64_t *zxid, struct zab_err *err)
{
	uint64_t value;
	int ret;

	if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X'))
		ret = parse_hex(str + 2, &value);
	else
		ret = zab_parse_uint(str, false, UINT64_MAX, &value);
	if (ret == -ERANGE)
		return zab_err(err, -EINVAL,
			       "invalid zxid `%s': must be at most 0xffffffffffffffff",
			       str);
	if (ret < 0)
		return zab_err(err, -EINVAL,
			       "invalid zxid `%s': expected a decimal number, or hexadecimal after 0x",
			       str);
	*zxid = value;
	return 0;
}

void zab_print_escaped(FILE *f, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c >= 0x20 && c <= 0x7e && c != '\\') {
			putc(c, f);
		} else {
			putc('\\', f);
			putc('x', f);
			putc(hex[c >> 4], f);
			putc(hex[c & 0xf], f);
		}
	}
}

void zab_print_record(FILE *f, uint64_t zxid, const void *data, size_t len)
{
	fprintf(f, "0x%" PRIx64 "\t", zxid);
	zab_print_escaped(f, data, len);
	putc('\n', f);
}

/* Makes room for byte @pos (and one more) in *@buf. */
static int reserve(char **buf, size_t *cap, size_t pos)
{
	size_t size;
	char *p;

	if (pos < *cap)
		return 0;
	size = *cap ? *cap * 2 : 256;
	while (size <= pos)
		size *= 2;
	p = realloc(*buf, size);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = size;
	return 0;
}

ssize_t zab_read_line(FILE *in, char **buf, size_t *cap, size_t max)
{
	bool too_long = false;
	size_t len = 0;
	int c, ret;

	for (;;) {
		c = getc(in);
		if (c == EOF) {
			if (ferror(in))
				return errno ? -errno : -EIO;
			if (too_long)
				return -EMSGSIZE;
			return (ssize_t)len;
		}
		if (c == '\n') {
			if (too_long)
				return -EMSGSIZE;
			if (len)
				return (ssize_t)len;
			continue;	/* an empty line is no record */
		}
		if (too_long)
			continue;
		if (len == max) {
			too_long = true;
			continue;
		}
		ret = reserve(buf, cap, len);
		if (ret < 0)
			return ret;
		(*buf)[len++] = (char)c;
	}
}

/* What an error means on the device, beyond strerror(); NULL if nothing. */
static const char *dev_meaning(enum zab_dev_op op, int err)
{
	switch (op) {
	case ZAB_DEV_OPEN:
		if (err == -ENOENT || err == -ENODEV)
			return "no such instance";
		if (err == -EINVAL)
			return "invalid name";
		break;
	case ZAB_DEV_APPEND:
		switch (err) {
		case -ENOTCONN:
			return "no leader";
		case -ECONNRESET:
			return "leadership changed; the record may or may not be committed";
		case -EMSGSIZE:
			return "record larger than maxRecordSize";
		case -ESHUTDOWN:
			return "instance destroyed";
		case -EINVAL:
			return "empty record, or a malformed exactly-once header";
		case -EINTR:
			return "interrupted; the record may still be committed";
		case -EALREADY:
			return "a later record of this exactly-once writer is in the log";
		case -ESTALE:
			return "the leader cannot tell whether this exactly-once record is in the log; look for it";
		}
		break;
	case ZAB_DEV_SYNC:
		if (err == -ENOTCONN)
			return "no leader";
		if (err == -ECONNRESET)
			return "the leader changed before it answered; try again";
		if (err == -ESHUTDOWN)
			return "instance destroyed";
		break;
	case ZAB_DEV_READ:
		if (err == -EPROTO)
			return "malformed record from the device";
		if (err == -ERANGE)
			return "the records asked for are no longer in memory";
		break;
	}
	return NULL;
}

void zab_fmt_dev_error(char *buf, size_t len, enum zab_dev_op op, int err)
{
	const char *meaning = dev_meaning(op, err);

	if (meaning)
		snprintf(buf, len, "%s (%s)", strerror(-err), meaning);
	else
		snprintf(buf, len, "%s", strerror(-err));
}

void zab_fmt_range_error(char *buf, size_t len, const struct zab_status *st)
{
	if (!st)
		snprintf(buf, len, "the records asked for are no longer in memory");
	else if (!st->window_first)
		snprintf(buf, len, "the records asked for are no longer in memory, "
			 "and the window is empty");
	else
		snprintf(buf, len, "the records before the window, which starts at "
			 "0x%" PRIx64 ", are no longer in memory",
			 (uint64_t)st->window_first);
}

uint64_t zab_window_start(const struct zab_status *st)
{
	return st->window_first ? st->window_first : st->commit_zxid + 1;
}
