// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The metrics endpoint (metricsAddr): a minimal HTTP/1.0 server in zabd's
 * event loop that answers GET /metrics with Prometheus' text format
 * (promfmt.c) and anything else with 404. Bounded: at most MAX_CONNS
 * connections (the oldest goes for a new one), a request of at most
 * REQ_MAX bytes, and CONN_TIMEOUT_MS for the whole exchange; a client that
 * reads slowly never blocks the loop (non-blocking writes, EPOLLOUT).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "promfmt.h"
#include "sock.h"
#include "zabd.h"

#define MAX_CONNS		8
#define REQ_MAX			2048
#define CONN_TIMEOUT_MS		2000

struct mconn {
	struct metrics *m;
	int fd;			/* -1: free */
	struct watch w;
	struct timer t;
	int64_t since;		/* accepted at (loop_now()) */
	char req[REQ_MAX];
	size_t have;
	char *out;		/* the response, once the request is read */
	size_t out_len, sent;
};

struct metrics {
	struct zabd *z;
	int lfd;
	struct watch lw;
	struct mconn conns[MAX_CONNS];
};

static void conn_close(struct mconn *c)
{
	struct zabd *z = c->m->z;

	if (c->fd < 0)
		return;
	loop_unwatch(&z->loop, &c->w);
	timer_disarm(&z->loop, &c->t);
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
}

/* Bytes of the files of @dir_fd whose names start with @prefix; their count. */
static uint64_t dir_bytes(int dir_fd, const char *prefix, uint64_t *count)
{
	uint64_t bytes = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = dup(dir_fd);

	*count = 0;
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
			bytes += (uint64_t)st.st_size;
			(*count)++;
		}
	closedir(d);
	return bytes;
}

/* The response to the request in c->req. */
static void respond(struct mconn *c)
{
	struct zabd *z = c->m->z;
	struct zab_metrics_own own = {
		.accepted_epoch = z->accepted_epoch,
		.current_epoch = z->current_epoch,
		.elections = z->elections,
	};
	struct zab_info info;
	char *body = NULL;
	size_t body_len = 0;
	const char *status = "200 OK";
	uint64_t segs;
	FILE *f;
	int ret, dir_fd;

	memset(&info, 0, sizeof(info));
	if (strncmp(c->req, "GET /metrics ", 13) && strncmp(c->req, "GET /metrics\r", 13)) {
		status = "404 Not Found";
		body = strdup("only GET /metrics here\n");
		body_len = body ? strlen(body) : 0;
	} else if ((ret = zab_nl_get(z->nl, z->conf->name, &info)) < 0) {
		status = "503 Service Unavailable";
		if (asprintf(&body, "the instance: %s\n", zab_nl_strerror(z->nl, ret)) < 0)
			body = NULL;
		body_len = body ? strlen(body) : 0;
	} else {
		dir_fd = z->conf->data_dir ?
			 open(z->conf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dir_fd >= 0) {
			own.log_bytes = dir_bytes(dir_fd, "log.", &segs);
			own.snapshot_bytes = dir_bytes(dir_fd, "snap.", &own.snapshots);
			close(dir_fd);
		}
		f = open_memstream(&body, &body_len);
		if (f) {
			zab_metrics_write(f, &info, &own);
			if (fclose(f)) {
				free(body);
				body = NULL;
			}
		}
	}
	zab_info_release(&info);
	if (!body) {
		conn_close(c);
		return;
	}
	if (asprintf(&c->out, "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		     status, body_len, body) < 0) {
		c->out = NULL;
		free(body);
		conn_close(c);
		return;
	}
	free(body);
	c->out_len = strlen(c->out);
	c->sent = 0;
	if (loop_rewatch(&z->loop, &c->w, EPOLLOUT) < 0)
		conn_close(c);
}

static void conn_event(struct watch *w, uint32_t events)
{
	struct mconn *c = w->arg;
	ssize_t n;

	if (c->out) {
		n = send(c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->sent += (size_t)n;
		if (c->sent == c->out_len)
			conn_close(c);
		return;
	}
	(void)events;
	n = recv(c->fd, c->req + c->have, sizeof(c->req) - 1 - c->have, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->have += (size_t)n;
	c->req[c->have] = '\0';
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
		respond(c);
	else if (c->have == sizeof(c->req) - 1)
		conn_close(c);	/* no end of headers within REQ_MAX */
}

static void conn_timeout(struct timer *t)
{
	conn_close(t->arg);
}

static void accept_event(struct watch *w, uint32_t events)
{
	struct metrics *m = w->arg;
	struct zabd *z = m->z;
	struct sockaddr_storage peer;
	struct mconn *c = NULL;
	int fd;

	(void)events;
	fd = sock_accept(m->lfd, &peer);
	if (fd < 0)
		return;
	for (size_t i = 0; i < MAX_CONNS; i++) {
		struct mconn *x = &m->conns[i];

		if (x->fd < 0) {
			c = x;
			break;
		}
		if (!c || x->since < c->since)
			c = x;	/* the oldest, if all are taken */
	}
	conn_close(c);
	c->fd = fd;
	c->have = 0;
	c->since = loop_now();
	if (loop_watch(&z->loop, &c->w, fd, EPOLLIN | EPOLLRDHUP) < 0) {
		close(fd);
		c->fd = -1;
		return;
	}
	timer_arm(&z->loop, &c->t, CONN_TIMEOUT_MS);
}

int metrics_open(struct zabd *z)
{
	const struct zab_conf *conf = z->conf;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	struct metrics *m;
	char port[8];
	int ret;

	if (!conf->metrics_host)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->z = z;
	m->lfd = -1;
	watch_init(&m->lw, accept_event, m);
	for (size_t i = 0; i < MAX_CONNS; i++) {
		m->conns[i].m = m;
		m->conns[i].fd = -1;
		watch_init(&m->conns[i].w, conn_event, &m->conns[i]);
		timer_init(&m->conns[i].t, conn_timeout, &m->conns[i]);
	}
	z->metrics = m;
	snprintf(port, sizeof(port), "%u", conf->metrics_port);
	ret = getaddrinfo(conf->metrics_host, port, &hints, &res);
	if (ret) {
		zerr("metricsAddr: cannot resolve `%s': %s", conf->metrics_host, gai_strerror(ret));
		return -EINVAL;
	}
	m->lfd = sock_listen(res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (m->lfd < 0) {
		zerr("metricsAddr %s:%u: %s", conf->metrics_host, conf->metrics_port,
		     strerror(-m->lfd));
		return m->lfd;
	}
	ret = loop_watch(&z->loop, &m->lw, m->lfd, EPOLLIN);
	if (ret < 0)
		return ret;
	zinfo("metrics on http://%s%s%s:%u/metrics", strchr(conf->metrics_host, ':') ? "[" : "",
	      conf->metrics_host, strchr(conf->metrics_host, ':') ? "]" : "", conf->metrics_port);
	return 0;
}

void metrics_close(struct zabd *z)
{
	struct metrics *m = z->metrics;

	if (!m)
		return;
	for (size_t i = 0; i < MAX_CONNS; i++)
		conn_close(&m->conns[i]);
	if (m->lfd >= 0) {
		loop_unwatch(&z->loop, &m->lw);
		close(m->lfd);
	}
	free(m);
	z->metrics = NULL;
}
