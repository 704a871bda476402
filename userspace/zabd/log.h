/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * zabd's log: one line per message on standard error, prefixed with the
 * local time to the millisecond and the instance name, and, if enabled, the
 * same message to syslog (facility daemon).
 */
#ifndef ZABD_LOG_H
#define ZABD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/*
 * @name: what follows "zabd" in every line (the instance name), may be NULL.
 * @to_syslog: also send messages to syslog. @verbose: log LOG_DEBUG too.
 */
void zlog_init(const char *name, bool to_syslog, bool verbose);

/*
 * Is standard error systemd's journal (the stream $JOURNAL_STREAM, "DEV:INODE",
 * names)? zlog() then prefixes lines with "<LEVEL>" instead of a time stamp.
 */
bool zlog_stderr_is_journal(void);

/* @level is a syslog level: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
void zlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define zerr(...)	zlog(LOG_ERR, __VA_ARGS__)
#define zwarn(...)	zlog(LOG_WARNING, __VA_ARGS__)
#define zinfo(...)	zlog(LOG_INFO, __VA_ARGS__)
#define zdebug(...)	zlog(LOG_DEBUG, __VA_ARGS__)

#endif
