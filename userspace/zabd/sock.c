// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"

int sock_listen(const struct sockaddr *sa, socklen_t len)
{
	int fd, one = 1, err;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int sock_accept(int lfd, struct sockaddr_storage *peer)
{
	socklen_t len = sizeof(*peer);
	int fd;

	memset(peer, 0, sizeof(*peer));
	fd = accept4(lfd, (struct sockaddr *)peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sock_connect(const struct sockaddr *dst, socklen_t dlen,
		 const struct sockaddr *src, socklen_t slen, bool *bind_failed)
{
	int fd, err, one = 1;

	*bind_failed = false;
	fd = socket(dst->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (src && src->sa_family == dst->sa_family) {
		struct sockaddr_storage any;

		memcpy(&any, src, slen);
		if (any.ss_family == AF_INET)
			((struct sockaddr_in *)&any)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&any)->sin6_port = 0;
		if (bind(fd, (struct sockaddr *)&any, slen) < 0)
			*bind_failed = true;
	}
	if (connect(fd, dst, dlen) < 0 && errno != EINPROGRESS) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int sock_connect_result(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

int sock_set_blocking(int fd, bool blocking)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -errno;
	flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags) < 0 ? -errno : 0;
}

ssize_t sock_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

void frame_buf_reset(struct frame_buf *fb, size_t need)
{
	fb->have = 0;
	fb->need = need < sizeof(fb->buf) ? need : sizeof(fb->buf);
}

int frame_read(int fd, struct frame_buf *fb)
{
	while (fb->have < fb->need) {
		ssize_t n = recv(fd, fb->buf + fb->have, fb->need - fb->have,
				 MSG_DONTWAIT);

		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		}
		fb->have += (size_t)n;
	}
	return 1;
}

static bool sock_in_tls(int fd)
{
	char ulp[16] = "";
	socklen_t len = sizeof(ulp);

	return !getsockopt(fd, SOL_TCP, TCP_ULP, ulp, &len) && !strcmp(ulp, "tls");
}

bool sock_tls_refused(int fd, int err)
{
	return (err == -EBADMSG || err == -EMSGSIZE || err == -EINVAL || err == -EIO) &&
	       sock_in_tls(fd);
}

const char *sock_recv_error(int fd, int err)
{
	if (!sock_tls_refused(fd, err))
		return strerror(-err);
	switch (err) {
	case -EBADMSG:
		return "a record failed TLS authentication (tls)";
	case -EIO:
		return "a TLS alert or a record that is not data (tls)";
	default:
		return "a malformed TLS record (tls)";
	}
}

void sock_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, len, "(address family %d)", sa->sa_family);
	}
}

/* The IPv4 address of @sa, also when IPv4-mapped; false if it has none. */
static bool ipv4_of(const struct sockaddr *sa, struct in_addr *out)
{
	if (sa->sa_family == AF_INET) {
		*out = ((const struct sockaddr_in *)sa)->sin_addr;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(&out->s_addr, &a->s6_addr[12], 4);
			return true;
		}
	}
	return false;
}

bool sock_addr_same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	struct in_addr x, y;

	if (ipv4_of(a, &x) && ipv4_of(b, &y))
		return x.s_addr == y.s_addr;
	if (a->sa_family == AF_INET6 && b->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}
