/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * systemd's service notification protocol (sd_notify(3)), without
 * libsystemd: datagrams of "KEY=VALUE" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or an abstract name after '@'), and the watchdog
 * interval from $WATCHDOG_USEC (for this process if $WATCHDOG_PID says so).
 * Without $NOTIFY_SOCKET every call does nothing.
 */
#ifndef ZABD_SDNOTIFY_H
#define ZABD_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/socket.h>
#include <sys/un.h>

struct sdnotify {
	int fd;			/* -1: not under a service manager */
	struct sockaddr_un sa;	/* sent to each time: the socket may be made anew */
	socklen_t sa_len;
	uint64_t watchdog_usec;	/* 0: no watchdog */
	bool ready;		/* READY=1 was sent (once per process) */
};

/* How often to send WATCHDOG=1: half the interval, at least 1 ms; 0: never. */
uint64_t sdnotify_kick_ms(const struct sdnotify *n);

/*
 * Reads the environment and opens the socket; 0 or -errno (a bad
 * $NOTIFY_SOCKET: too long, or not a path or '@'). @n is usable either way.
 */
int sdnotify_open(struct sdnotify *n);

/* Sends one message ("READY=1\nSTATUS=..."); 0 or -errno. */
int sdnotify_send(const struct sdnotify *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void sdnotify_close(struct sdnotify *n);

#endif
