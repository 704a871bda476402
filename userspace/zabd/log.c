// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
	char name[40];
	bool syslog;
	bool verbose;
	bool journal;	/* stderr is systemd's journal: "<LEVEL>" lines, no stamp */
} zlog_state;

bool zlog_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	       fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void zlog_init(const char *name, bool to_syslog, bool verbose)
{
	snprintf(zlog_state.name, sizeof(zlog_state.name), "%s", name ? name : "");
	zlog_state.verbose = verbose;
	zlog_state.journal = zlog_stderr_is_journal();
	if (to_syslog && !zlog_state.syslog)
		openlog("zabd", LOG_PID, LOG_DAEMON);
	zlog_state.syslog = to_syslog;
}

static const char *level_prefix(int level)
{
	switch (level) {
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	default:
		return "";
	}
}

void zlog(int level, const char *fmt, ...)
{
	char msg[1024], stamp[32];
	int saved_errno = errno;	/* callers log, then return -errno */
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level == LOG_DEBUG && !zlog_state.verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (zlog_state.journal) {
		/* the journal stamps lines itself, and takes the level from <N> */
		fprintf(stderr, "<%d>%s%s%s%s\n", level, zlog_state.name,
			zlog_state.name[0] ? ": " : "", level_prefix(level), msg);
		errno = saved_errno;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	if (zlog_state.name[0])
		fprintf(stderr, "%s.%03ld zabd[%s]: %s%s\n", stamp,
			ts.tv_nsec / 1000000, zlog_state.name, level_prefix(level), msg);
	else
		fprintf(stderr, "%s.%03ld zabd: %s%s\n", stamp,
			ts.tv_nsec / 1000000, level_prefix(level), msg);
	if (zlog_state.syslog)
		syslog(level, "%s%s%s%s", zlog_state.name, zlog_state.name[0] ? ": " : "",
		       level_prefix(level), msg);
	errno = saved_errno;
}
