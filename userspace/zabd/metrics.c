// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The metrics endpoint (metricsAddr): a minimal HTTP/1.0 server in zabd's
 * event loop that answers GET /metrics with Prometheus' text format
 * (promfmt.c) and anything else with 404. Bounded: at most MAX_CONNS
 * connections (for a new one, the oldest still sending its request goes;
 * one being answered never does), a request of at most REQ_MAX bytes, and
 * CONN_TIMEOUT_MS for the whole exchange; a client that reads slowly never
 * blocks the loop (non-blocking writes, EPOLLOUT). The dataDir is scanned
 * at most every DISK_CACHE_MS, whatever the rate of scrapes.
 */

#include <dirent.h>
#include <stdbool.h>
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
#include "tls.h"
#include "zabd.h"

#define MAX_CONNS		8
#define REQ_MAX			2048
#define CONN_TIMEOUT_MS		2000
#define DISK_CACHE_MS		5000	/* the dataDir scanned at most this often */
#define RELISTEN_MS		100	/* after EMFILE: accept again later */

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
	bool draining;		/* sent; reading to EOF before close (no RST) */
};

struct metrics {
	struct zabd *z;
	int lfd;
	struct watch lw;
	struct timer relisten;
	struct mconn conns[MAX_CONNS];
	int64_t disk_at;	/* when the dataDir was last scanned, or 0 */
	uint64_t log_bytes, snapshot_bytes, snapshots;
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
	c->draining = false;
}

/* The log's and the snapshots' bytes on disk, scanned at most every DISK_CACHE_MS. */
static void disk_usage(struct metrics *m)
{
	const char *dir = m->z->conf->data_dir;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (m->disk_at && loop_now() - m->disk_at < DISK_CACHE_MS)
		return;
	m->disk_at = loop_now();
	m->log_bytes = m->snapshot_bytes = m->snapshots = 0;
	d = dir ? opendir(dir) : NULL;
	if (!d)
		return;
	while ((e = readdir(d))) {
		bool seg = !strncmp(e->d_name, "log.", 4);
		/* snap. and 16 hex digits: not snap.lock, not a .tmp */
		bool snap = !strncmp(e->d_name, "snap.", 5) && strlen(e->d_name) == 21;

		if ((!seg && !snap) || fstatat(dirfd(d), e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (seg) {
			m->log_bytes += (uint64_t)st.st_size;
		} else {
			m->snapshot_bytes += (uint64_t)st.st_size;
			m->snapshots++;
		}
	}
	closedir(d);
}

/* The response to the request in c->req. */
static void respond(struct mconn *c)
{
	struct zabd *z = c->m->z;
	struct zab_metrics_own own = {
		.accepted_epoch = z->accepted_epoch,
		.current_epoch = z->current_epoch,
		.elections = z->elections,
		.unsynced = z->unsynced,
	};
	struct zab_info info;
	char *body = NULL;
	size_t body_len = 0;
	const char *status = "200 OK", *type = "text/plain; charset=utf-8";
	FILE *f;
	int ret, len;

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
		disk_usage(c->m);
		own.log_bytes = c->m->log_bytes;
		own.snapshot_bytes = c->m->snapshot_bytes;
		own.snapshots = c->m->snapshots;
		zab_tls_expiry(z->auth.tls, &own.tls);
		type = "text/plain; version=0.0.4; charset=utf-8";
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
	len = asprintf(&c->out, "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
		       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		       status, type, body_len, body);
	free(body);
	if (len < 0) {
		c->out = NULL;
		conn_close(c);
		return;
	}
	c->out_len = (size_t)len;
	c->sent = 0;
	if (loop_rewatch(&z->loop, &c->w, EPOLLOUT) < 0)
		conn_close(c);
}

static void conn_event(struct watch *w, uint32_t events)
{
	struct mconn *c = w->arg;
	ssize_t n;

	if (c->draining) {
		/* the response is out: read what the client still sends, to EOF */
		n = recv(c->fd, c->req, sizeof(c->req), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_close(c);
		return;
	}
	if (c->out) {
		n = send(c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->sent += (size_t)n;
		if (c->sent < c->out_len)
			return;
		/*
		 * Closing with unread bytes would send a RST, which may discard
		 * the response before the client read it: shut our side, and
		 * close at the client's EOF (or the exchange's timeout).
		 */
		free(c->out);
		c->out = NULL;
		c->draining = true;
		if (shutdown(c->fd, SHUT_WR) < 0 ||
		    loop_rewatch(&c->m->z->loop, &c->w, EPOLLIN | EPOLLRDHUP) < 0)
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
	if (fd == -EMFILE || fd == -ENFILE) {
		/* the listener stays ready: stop watching it for a while */
		loop_unwatch(&z->loop, &m->lw);
		timer_arm(&z->loop, &m->relisten, RELISTEN_MS);
		return;
	}
	if (fd < 0)
		return;
	for (size_t i = 0; i < MAX_CONNS; i++) {
		struct mconn *x = &m->conns[i];

		if (x->fd < 0) {
			c = x;
			break;
		}
		/* the oldest still reading its request; never one answered */
		if (!x->out && !x->draining && (!c || x->since < c->since))
			c = x;
	}
	if (!c) {
		close(fd);
		return;
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

static void relisten(struct timer *t)
{
	struct metrics *m = t->arg;

	if (loop_watch(&m->z->loop, &m->lw, m->lfd, EPOLLIN) < 0)
		timer_arm(&m->z->loop, &m->relisten, RELISTEN_MS);
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
	timer_init(&m->relisten, relisten, m);
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
	timer_disarm(&z->loop, &m->relisten);
	if (m->lfd >= 0) {
		loop_unwatch(&z->loop, &m->lw);
		close(m->lfd);
	}
	free(m);
	z->metrics = NULL;
}
