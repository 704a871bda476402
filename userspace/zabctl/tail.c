// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include "lib/libzab.h"
#include "reader.h"
#include "rec.h"
#include "subcommands.h"

/* Records read before checking for a signal again. */
#define BATCH 256

struct tail {
	const char *name;
	bool follow;
	bool sync;		/* --sync */
	bool has_from;		/* --from given */
	uint64_t from;
	struct zab_reader reader;
};

enum drain {
	DRAIN_NONE,		/* no record is ready */
	DRAIN_MORE,		/* a batch was printed, more may be ready */
	DRAIN_EOF,		/* the instance was destroyed */
	DRAIN_ERROR,		/* reported */
};

static void help(FILE *f)
{
	fprintf(f, "Prints the committed records of instance NAME, one per line:\n"
		"  ZXID<TAB>DATA\n"
		"ZXID is hexadecimal; in DATA every byte outside printable ASCII, and the\n"
		"backslash, is written \\xNN. Without --from, starts at the oldest record\n"
		"still in memory; with it, at the first record whose zxid is ZXID or more\n"
		"(hexadecimal after 0x, or decimal). Stops when no record is ready, or,\n"
		"with --follow, waits for more until interrupted. With --sync, first\n"
		"waits until this member has every record the leader had committed\n"
		"(ZAB_IOC_SYNC): the records printed then include every write that\n"
		"completed, on any member, before the command began. A NAME starting\n"
		"with `-' goes after `--'.\n");
}

static int report(const struct tail *t, enum zab_dev_op op, int err)
{
	char msg[256];

	zab_fmt_dev_error(msg, sizeof(msg), op, err);
	return zabctl_error("tail `%s': %s", t->name, msg);
}

static int report_range(const struct tail *t)
{
	struct zab_status st;
	char msg[256];

	zab_fmt_range_error(msg, sizeof(msg),
			    zab_status(t->reader.h, &st) < 0 ? NULL : &st);
	return zabctl_error("tail `%s': %s", t->name, msg);
}

/* Prints the records that are ready, up to a batch. */
static enum drain drain(struct tail *t)
{
	struct zab_rec_hdr hdr;
	ssize_t n;

	for (int done = 0; done < BATCH; done++) {
		n = zab_reader_next(&t->reader, &hdr);
		if (n > 0) {
			zab_print_record(stdout, hdr.zxid, t->reader.buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return DRAIN_EOF;
		if (n == -EAGAIN)
			return DRAIN_NONE;
		if (n == -ERANGE)
			report_range(t);
		else
			report(t, ZAB_DEV_READ, (int)n);
		return DRAIN_ERROR;
	}
	return DRAIN_MORE;
}

/* Blocks until a record or a signal arrives: 1 for a record, 0, or -1. */
static int wait_record(const struct tail *t, int sigfd)
{
	struct pollfd fds[] = {
		{ .fd = t->reader.h, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			zabctl_error("tail `%s': poll: %s", t->name, strerror(errno));
			return -1;
		}
		if (fds[1].revents)
			return 0;
		if (fds[0].revents)
			return 1;
	}
}

static int loop(struct tail *t, int sigfd)
{
	struct pollfd sig = { .fd = sigfd, .events = POLLIN };
	enum drain d;
	int r;

	for (;;) {
		d = drain(t);
		if (d == DRAIN_ERROR || zabctl_flush())
			return 1;
		if (d == DRAIN_EOF)
			return zabctl_error("tail `%s': instance destroyed", t->name);
		if (d == DRAIN_MORE) {
			/* A steady stream must not keep a signal waiting. */
			if (t->follow && poll(&sig, 1, 0) > 0)
				return 0;
			continue;
		}
		if (!t->follow)
			return 0;
		r = wait_record(t, sigfd);
		if (r <= 0)
			return r < 0;
	}
}

static int parse_args(struct tail *t, int argc, char *argv[],
		      const struct zabctl *ctl)
{
	bool options = true;
	struct zab_err err;

	for (int i = 1; i < argc; i++) {
		if (!options || argv[i][0] != '-') {
			if (t->name)
				return zabctl_usage_error(&tail_cmd, "unexpected argument `%s'",
							  argv[i]);
			t->name = argv[i];
		} else if (!strcmp(argv[i], "--")) {
			options = false;	/* a name may start with `-' */
		} else if (!strcmp(argv[i], "--follow")) {
			t->follow = true;
		} else if (!strcmp(argv[i], "--sync")) {
			t->sync = true;
		} else if (!strcmp(argv[i], "--from")) {
			if (t->has_from)
				return zabctl_usage_error(&tail_cmd, "duplicate `--from'");
			if (i + 1 == argc)
				return zabctl_usage_error(&tail_cmd, "missing value for `--from'");
			if (zab_parse_zxid(argv[++i], &t->from, &err) < 0)
				return zabctl_error("%s", err.msg);
			t->has_from = true;
		} else {
			return zabctl_usage_error(&tail_cmd, "unknown option `%s'", argv[i]);
		}
	}
	if (!t->name)
		return zabctl_usage_error(&tail_cmd, "missing NAME");
	return zabctl_name_ok(ctl, t->name) ? 0 : 1;
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct tail t = { .name = NULL };
	int h = -1, sigfd = -1, ret = 1, r;
	sigset_t old;

	if (parse_args(&t, argc, argv, ctl))
		return 1;
	h = zab_open(t.name, O_RDONLY | O_NONBLOCK);
	if (h < 0)
		return report(&t, ZAB_DEV_OPEN, h);
	/* before signals are blocked: a sync that waits can be interrupted */
	if (t.sync) {
		r = zab_sync(h, NULL);
		if (r < 0) {
			report(&t, ZAB_DEV_SYNC, r);
			zab_close(h);
			return 1;
		}
	}
	/* Blocked before anything is read: no record is printed half. */
	if (t.follow) {
		sigfd = zabctl_signalfd(&old);
		if (sigfd < 0) {
			zab_close(h);
			return zabctl_error("tail: signalfd: %s", strerror(errno));
		}
	}
	if (t.has_from) {
		r = zab_seek(h, t.from);
		if (r < 0) {
			zabctl_error("tail `%s': cannot seek: %s", t.name, strerror(-r));
			goto out;
		}
	}
	r = zab_reader_init(&t.reader, h, t.has_from);
	if (r < 0)
		zabctl_error("tail `%s': %s", t.name, strerror(-r));
	else
		ret = loop(&t, sigfd);
	zab_reader_release(&t.reader);
out:
	if (h >= 0)
		zab_close(h);
	if (sigfd >= 0)
		zabctl_signalfd_close(sigfd, &old);
	return ret;
}

const struct zabctl_cmd tail_cmd = {
	.name = "tail",
	.summary = "print committed records",
	.synopsis = "NAME [--from ZXID] [--follow] [--sync]",
	.help = help,
	.run = run,
};
