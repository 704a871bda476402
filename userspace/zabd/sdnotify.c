// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * systemd's notification protocol. See sdnotify.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

int sdnotify_open(struct sdnotify *n)
{
	const char *path = getenv("NOTIFY_SOCKET");
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	size_t len;
	int fd;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (usec && (!pid || strtol(pid, NULL, 10) == (long)getpid()))
		n->watchdog_usec = strtoull(usec, NULL, 10);
	if (!path || !*path)
		return 0;
	len = strlen(path);
	/* a path has its NUL in sun_path; an abstract name may fill it */
	if ((path[0] != '/' && path[0] != '@') ||
	    len > sizeof(n->sa.sun_path) - (path[0] == '/'))
		return -EINVAL;
	n->sa.sun_family = AF_UNIX;
	memcpy(n->sa.sun_path, path, len);
	if (path[0] == '@')
		n->sa.sun_path[0] = '\0';	/* an abstract name */
	n->sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n->fd = fd;
	return 0;
}

uint64_t sdnotify_kick_ms(const struct sdnotify *n)
{
	uint64_t ms = n->watchdog_usec / 2000;

	return n->watchdog_usec ? (ms ? ms : 1) : 0;
}

int sdnotify_send(const struct sdnotify *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int len;

	if (n->fd < 0)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(msg))
		return -EMSGSIZE;
	if (sendto(n->fd, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT,
		   (const struct sockaddr *)&n->sa, n->sa_len) < 0)
		return -errno;
	return 0;
}

void sdnotify_close(struct sdnotify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}
