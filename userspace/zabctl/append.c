// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "common/fmt.h"
#include "lib/libzab.h"
#include "rec.h"
#include "subcommands.h"

struct append {
	const char *name;
	int h;
	bool kv;		/* --kv: DATA is KEY=VALUE */
};

static void help(FILE *f)
{
	fprintf(f, "Appends one record per DATA argument to instance NAME, or, without DATA,\n"
		"one record per line of standard input (without its newline; empty lines\n"
		"are skipped). Each record is appended once the previous one is\n"
		"committed, and its zxid is printed on a line of its own, in hexadecimal.\n"
		"DATA is taken as it is, even if it starts with `-'. With --kv, each DATA\n"
		"(or line) is KEY=VALUE and becomes a keyed record: snapshots keep only\n"
		"the last record of each key, and none if VALUE is empty (a deletion).\n"
		"KEY is 1 to %d bytes, up to the first `='. A NAME starting with `-'\n"
		"goes after `--'.\n", ZAB_KEY_MAX);
}

static int report(const struct append *a, int err)
{
	char msg[256];

	zab_fmt_dev_error(msg, sizeof(msg), ZAB_DEV_APPEND, err);
	return zabctl_error("append to `%s': %s", a->name, msg);
}

/* Appends one record and prints its zxid; returns the exit status. */
static int append_one(const struct append *a, const void *data, size_t len)
{
	char zxid[32];
	uint64_t z;
	int r;

	if (a->kv) {
		const char *eq = memchr(data, '=', len);

		/* without `=' (--no-check): an empty key, which zab_put refuses */
		if (!eq)
			eq = data;
		r = zab_put(a->h, data, (size_t)(eq - (const char *)data), eq + 1,
			    len - (size_t)(eq - (const char *)data) - 1, &z);
	} else {
		r = zab_append(a->h, data, len, &z);
	}
	if (r < 0)
		return report(a, r);
	zab_fmt_zxid(zxid, sizeof(zxid), z);
	puts(zxid);
	/* A reader of the output learns of each commit as it happens. */
	return zabctl_flush();
}

static int append_args(const struct append *a, int argc, char *argv[])
{
	for (int i = 0; i < argc; i++) {
		if (append_one(a, argv[i], strlen(argv[i])))
			return 1;
	}
	return 0;
}

/* Is @data (@len bytes) a KEY=VALUE, if it must be? Reports it if not. */
static bool kv_ok(const struct append *a, const char *data, size_t len)
{
	const char *eq;

	if (!a->kv)
		return true;
	eq = memchr(data, '=', len);
	if (!eq || eq == data || eq - data > ZAB_KEY_MAX) {
		zabctl_error("append to `%s': invalid KEY=VALUE `%.*s': %s", a->name,
			     (int)(len > 64 ? 64 : len), data,
			     !eq ? "no `='" : eq == data ? "empty KEY" : "KEY too long");
		return false;
	}
	return true;
}

static int append_stdin(const struct append *a)
{
	size_t cap = 0;
	char *buf = NULL;
	ssize_t n;
	int ret = 0;

	/* Records are appended as lines arrive: the input may be a stream. */
	while (!ret) {
		n = zab_read_line(stdin, &buf, &cap, ZAB_MAX_RECORD_LIMIT);
		if (n == 0)
			break;
		if (n == -EMSGSIZE)
			ret = report(a, (int)n);
		else if (n < 0)
			ret = zabctl_error("append to `%s': cannot read standard input: %s",
					   a->name, strerror((int)-n));
		else if (!kv_ok(a, buf, (size_t)n))
			ret = 1;
		else
			ret = append_one(a, buf, (size_t)n);
	}
	free(buf);
	return ret;
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct append a = { 0 };
	char msg[256];
	int i = 1, ret;

	if (i < argc && !strcmp(argv[i], "--kv")) {
		a.kv = true;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return zabctl_usage_error(&append_cmd, "missing NAME");
	a.name = argv[i++];
	if (!zabctl_name_ok(ctl, a.name))
		return 1;
	/* Nothing is appended unless every record can be. */
	for (int j = i; j < argc && !ctl->no_check; j++) {
		if (!argv[j][0])
			return zabctl_usage_error(&append_cmd,
						  "empty DATA: a record is at least 1 byte");
		if (!kv_ok(&a, argv[j], strlen(argv[j])))
			return 1;
	}

	a.h = zab_open(a.name, O_WRONLY);
	if (a.h < 0) {
		zab_fmt_dev_error(msg, sizeof(msg), ZAB_DEV_OPEN, a.h);
		return zabctl_error("append to `%s': %s", a.name, msg);
	}
	if (i < argc)
		ret = append_args(&a, argc - i, argv + i);
	else
		ret = append_stdin(&a);
	zab_close(a.h);
	return ret;
}

const struct zabctl_cmd append_cmd = {
	.name = "append",
	.summary = "append records and print their zxids",
	.synopsis = "[--kv] NAME [DATA...]",
	.help = help,
	.run = run,
};
