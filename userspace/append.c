// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "libzab.h"
#include "rec.h"
#include "subcommands.h"

struct append {
	const char *name;
	int h;
};

static void help(FILE *f)
{
	fprintf(f, "Appends one record per DATA argument to instance NAME, or, without DATA,\n"
		"one record per line of standard input (without its newline; empty lines\n"
		"are skipped). Each record is appended once the previous one is\n"
		"committed, and its zxid is printed on a line of its own, in hexadecimal.\n"
		"DATA is taken as it is, even if it starts with `-'.\n");
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

	r = zab_append(a->h, data, len, &z);
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
		else
			ret = append_one(a, buf, (size_t)n);
	}
	free(buf);
	return ret;
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct append a;
	char msg[256];
	int ret;

	if (argc < 2)
		return zabctl_usage_error(&append_cmd, "missing NAME");
	a.name = argv[1];
	if (!zabctl_name_ok(ctl, a.name))
		return 1;
	/* Nothing is appended unless every record can be. */
	for (int i = 2; i < argc && !ctl->no_check; i++) {
		if (!argv[i][0])
			return zabctl_usage_error(&append_cmd,
						  "empty DATA: a record is at least 1 byte");
	}

	a.h = zab_open(a.name, O_WRONLY);
	if (a.h < 0) {
		zab_fmt_dev_error(msg, sizeof(msg), ZAB_DEV_OPEN, a.h);
		return zabctl_error("append to `%s': %s", a.name, msg);
	}
	if (argc > 2)
		ret = append_args(&a, argc - 2, argv + 2);
	else
		ret = append_stdin(&a);
	zab_close(a.h);
	return ret;
}

const struct zabctl_cmd append_cmd = {
	.name = "append",
	.summary = "append records and print their zxids",
	.synopsis = "NAME [DATA...]",
	.help = help,
	.run = run,
};
