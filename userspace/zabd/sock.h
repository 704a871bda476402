/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * TCP helpers for zabd: non-blocking listen, connect and exact reads of
 * fixed-size frames. A frame is read with no byte beyond it, so that a socket
 * handed to the kernel afterwards holds every later byte in its own buffers.
 */
#ifndef ZABD_SOCK_H
#define ZABD_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A non-blocking listening socket bound to @sa, or -errno. */
int sock_listen(const struct sockaddr *sa, socklen_t len);

/* accept4() a non-blocking connection; -errno (-EAGAIN when none). */
int sock_accept(int lfd, struct sockaddr_storage *peer);

/*
 * Starts a non-blocking connect to @dst, from @src (port 0) if not NULL.
 * Returns the fd; *@bind_failed tells that binding @src failed and the
 * connection goes out from an address of the kernel's choice. -errno if the
 * connect failed at once.
 */
int sock_connect(const struct sockaddr *dst, socklen_t dlen,
		 const struct sockaddr *src, socklen_t slen, bool *bind_failed);

/* After EPOLLOUT on a connecting socket: 0 if connected, else -errno. */
int sock_connect_result(int fd);

int sock_set_blocking(int fd, bool blocking);

/* send() without SIGPIPE or blocking: bytes sent, or -errno. */
ssize_t sock_send(int fd, const void *buf, size_t len);

/* A fixed-size frame being read. */
struct frame_buf {
	uint8_t buf[128];
	size_t have;
	size_t need;	/* frame size, at most sizeof(buf) */
};

void frame_buf_reset(struct frame_buf *fb, size_t need);

/*
 * Reads what is missing of the frame, and nothing more. Returns 1 when the
 * frame is complete, 0 when more is to come (EAGAIN), -EPIPE at end of file,
 * or -errno.
 */
int frame_read(int fd, struct frame_buf *fb);

/*
 * What receive error @err (negative) on @fd means. On a socket in kernel
 * TLS, the errors its receive path gives for a record it refuses are named
 * as such, ending in "(tls)": a record that fails authentication
 * (EBADMSG), a malformed one (EMSGSIZE, EINVAL), an alert or another
 * record that is not application data (EIO). Else strerror().
 */
const char *sock_recv_error(int fd, int err);

/* @err (negative) is one of those kernel TLS gives for a refused record. */
bool sock_tls_refused(int fd, int err);

/* "10.0.0.1:2888" or "[fd00::1]:2888" */
void sock_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/* Same IP address (an IPv4-mapped IPv6 address matches its IPv4 one). */
bool sock_addr_same_host(const struct sockaddr *a, const struct sockaddr *b);

#endif
