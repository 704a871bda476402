// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "common/fmt.h"
#include "subcommands.h"

struct monitor {
	const char *name;	/* only this instance, or NULL for all */
	bool json;		/* one JSON object per event */
	int write_errno;	/* set when stdout failed */
};

static void help(FILE *f)
{
	fprintf(f, "Prints one line per event of instance NAME, or of every instance of the\n"
		"network namespace, until interrupted:\n"
		"  NAME event=EVENT [peer=ID] [reason=REASON] [state=STATE] [epoch=N]\n"
		"\n"
		"  --json  one JSON object per event and line, with the same fields:\n"
		"          {\"name\":NAME,\"event\":EVENT[,\"peer\":ID][,\"reason\":REASON]\n"
		"          [,\"state\":STATE][,\"epoch\":N]}\n");
}

static void print_event(const struct zab_event_info *ev, void *arg)
{
	struct monitor *mon = arg;
	char line[512];

	if (mon->write_errno || (mon->name && strcmp(mon->name, ev->name)))
		return;
	if (mon->json)
		zab_fmt_event_json(line, sizeof(line), ev);
	else
		zab_fmt_event(line, sizeof(line), ev);
	if (puts(line) == EOF || fflush(stdout) == EOF)
		mon->write_errno = errno;
}

/* Waits for events until a signal arrives; returns the exit status. */
static int loop(struct zab_nl *nl, int sigfd, struct monitor *mon)
{
	struct pollfd fds[] = {
		{ .fd = zab_nl_fd(nl), .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	int r;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return zabctl_error("monitor: poll: %s", strerror(errno));
		}
		if (fds[1].revents)
			return 0;
		if (!fds[0].revents)
			continue;
		r = zab_nl_read_events(nl, print_event, mon);
		if (mon->write_errno)
			return zabctl_error("cannot write output: %s",
					    strerror(mon->write_errno));
		if (r == -ENOBUFS)
			fprintf(stderr, "%s: monitor: events were lost (receive buffer full)\n",
				PROG_NAME);
		else if (r < 0)
			return zabctl_error("monitor: %s", zab_nl_strerror(nl, r));
	}
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct monitor mon = { 0 };
	struct zab_nl *nl = NULL;
	bool dashdash = false;
	sigset_t old;
	int sigfd, ret = 1, r;

	for (int i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--json")) {
			if (mon.json)
				return zabctl_usage_error(&monitor_cmd, "--json given twice");
			mon.json = true;
		} else if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return zabctl_usage_error(&monitor_cmd, "unknown option `%s'", argv[i]);
		} else if (mon.name) {
			return zabctl_usage_error(&monitor_cmd, "too many arguments");
		} else {
			mon.name = argv[i];
		}
	}
	if (mon.name && !zabctl_name_ok(ctl, mon.name))
		return 1;

	sigfd = zabctl_signalfd(&old);
	if (sigfd < 0)
		return zabctl_error("monitor: signalfd: %s", strerror(errno));

	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	r = zab_nl_subscribe(nl);
	if (r < 0) {
		zabctl_error("monitor: cannot subscribe to events: %s",
			     zab_nl_strerror(nl, r));
		goto out;
	}
	ret = loop(nl, sigfd, &mon);
out:
	zab_nl_close(nl);
	zabctl_signalfd_close(sigfd, &old);
	return ret;
}

const struct zabctl_cmd monitor_cmd = {
	.name = "monitor",
	.summary = "print events as they happen",
	.synopsis = "[--json] [[--] NAME]",
	.help = help,
	.run = run,
};
