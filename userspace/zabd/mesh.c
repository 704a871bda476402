// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "mesh.h"
#include "sock.h"

#define BACKOFF_MIN_MS		100
#define BACKOFF_MAX_MS		1000
/*
 * As long as a round trip may take, and past the kernel's SYNs at 0, 1 and
 * 3 s (a SYN lost once or twice), without waiting for its next at 7 s.
 */
#define CONNECT_TIMEOUT_MS	4000
/* Unacknowledged data for this long (a partition) drops the connection. */
#define USER_TIMEOUT_MS		3000
/* An accepted connection must send its first notification within this. */
#define IDENT_TIMEOUT_MS	3000
/*
 * The handshake (auth.h) takes two round trips after the connection: as
 * long as discovery allows one (a 1.5 s link; initLimit's 10 s there).
 */
#define AUTH_TIMEOUT_MS		10000
#define OUTBUF_SIZE		(64 * ZAB_NOTIF_SIZE)

struct mesh_out {
	struct mesh *mesh;
	const struct member *m;
	int fd;
	bool connected;
	bool authing;		/* connected, authenticating */
	bool warned;		/* a failure was logged since the last success */
	int backoff_ms;
	size_t addr_idx;
	struct watch w;
	struct timer t;		/* connect timeout, or the next attempt */
	struct zab_auth_conn ac;
	uint8_t buf[OUTBUF_SIZE];
	size_t len;
};

struct mesh_in {
	struct mesh *mesh;
	struct mesh_in *prev, *next;
	int fd;
	uint32_t sid;		/* 0 until the first notification */
	bool authed;		/* its handshake is done (or there is none) */
	struct zab_auth_conn ac;
	char peer[64];		/* its address, for messages */
	struct sockaddr_storage addr;
	struct watch w;
	struct timer ident;
	struct frame_buf fb;
};

struct mesh {
	struct loop *loop;
	const struct ensemble *ens;
	struct mesh_ops ops;
	void *arg;
	struct zab_auth *auth;
	int lfd;
	struct watch lw;
	struct mesh_out *out;	/* one per member; ours unused */
	struct mesh_in *in;
	size_t n_in;
	size_t max_in;
	struct sockaddr_storage src;	/* our own address, to connect from */
	socklen_t src_len;
	bool bind_warned;
};

/* Outgoing connections */

static void out_connect(struct mesh_out *o);

static void out_schedule(struct mesh_out *o)
{
	timer_arm(o->mesh->loop, &o->t, o->backoff_ms);
	o->backoff_ms = o->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
							   : o->backoff_ms * 2;
}

static void out_drop(struct mesh_out *o, const char *why, int err)
{
	struct mesh *mesh = o->mesh;

	if (o->fd >= 0) {
		loop_unwatch(mesh->loop, &o->w);
		close(o->fd);
		o->fd = -1;
	}
	zab_auth_end(&o->ac);
	if (o->connected) {
		zinfo("election: connection to member %u lost: %s%s%s", o->m->id, why,
		      err ? ": " : "", err ? strerror(-err) : "");
		o->backoff_ms = BACKOFF_MIN_MS;
	} else if (!o->warned) {
		zdebug("election: cannot connect to member %u: %s%s%s", o->m->id, why,
		       err ? ": " : "", err ? strerror(-err) : "");
		o->warned = true;
	}
	o->connected = false;
	o->authing = false;
	o->len = 0;
	o->addr_idx = (o->addr_idx + 1) % o->m->n_addrs;
	out_schedule(o);
}

static void out_flush(struct mesh_out *o)
{
	ssize_t n;

	if (!o->connected || !o->len)
		return;
	n = sock_send(o->fd, o->buf, o->len);
	if (n == -EAGAIN || n == -EWOULDBLOCK)
		n = 0;
	if (n < 0) {
		out_drop(o, "send", (int)n);
		return;
	}
	memmove(o->buf, o->buf + n, o->len - (size_t)n);
	o->len -= (size_t)n;
	loop_rewatch(o->mesh->loop, &o->w, EPOLLIN | EPOLLRDHUP | (o->len ? EPOLLOUT : 0));
}

static void out_established(struct mesh_out *o)
{
	int timeout = USER_TIMEOUT_MS;

	timer_disarm(o->mesh->loop, &o->t);
	setsockopt(o->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, sizeof(timeout));
	o->connected = true;
	o->warned = false;
	o->backoff_ms = BACKOFF_MIN_MS;
	zdebug("election: connected to member %u", o->m->id);
	loop_rewatch(o->mesh->loop, &o->w, EPOLLIN | EPOLLRDHUP);
	o->mesh->ops.connected(o->mesh->arg, o->m->id);
}

/* Nothing is expected from the other side: data is discarded, EOF drops. */
static void out_readable(struct mesh_out *o)
{
	uint8_t junk[256];
	ssize_t n = recv(o->fd, junk, sizeof(junk), MSG_DONTWAIT);

	if (n == 0)
		out_drop(o, "closed by the peer", 0);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		out_drop(o, sock_recv_error(o->fd, -errno), 0);
}

/* Connected: authenticate first, if the ensemble does. */
static void out_auth_start(struct mesh_out *o)
{
	struct mesh *mesh = o->mesh;
	int ret;

	if (!zab_auth_enabled(mesh->auth)) {
		out_established(o);
		return;
	}
	ret = zab_auth_start(&o->ac, mesh->auth, o->fd, ZAB_AUTH_ELECTION, true,
			     mesh->ens->self->id, o->m->id);
	if (ret < 0) {
		out_drop(o, "sending HELLO", ret);
		return;
	}
	o->authing = true;
	loop_rewatch(mesh->loop, &o->w, EPOLLIN | EPOLLRDHUP);
	timer_arm(mesh->loop, &o->t, AUTH_TIMEOUT_MS);
}

static void out_auth_step(struct mesh_out *o)
{
	struct sockaddr_storage addr;
	const char *why;
	int ret = zab_auth_step(&o->ac, o->fd, &why);

	if (!ret)
		return;
	if (ret == 1) {
		o->authing = false;
		out_established(o);
		return;
	}
	/* only a peer that failed counts; one that hung up may restart */
	if (ret == -EACCES) {
		member_addr(o->m, o->addr_idx, o->m->election_port, &addr);
		zab_auth_fail(o->mesh->auth, (struct sockaddr *)&addr, "election", why);
	}
	out_drop(o, why, 0);
}

static void out_event(struct watch *w, uint32_t events)
{
	struct mesh_out *o = w->arg;
	int ret;

	if (o->authing) {
		out_auth_step(o);
		return;
	}
	if (!o->connected) {
		ret = sock_connect_result(o->fd);
		if (ret < 0)
			out_drop(o, "connect", ret);
		else
			out_auth_start(o);
		return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
		out_readable(o);
		if (o->fd < 0)
			return;
		if (events & (EPOLLERR | EPOLLHUP)) {
			out_drop(o, "socket error", sock_connect_result(o->fd));
			return;
		}
	}
	if (events & EPOLLOUT)
		out_flush(o);
}

static void out_timer(struct timer *t)
{
	struct mesh_out *o = t->arg;

	if (o->fd >= 0 && o->authing) {
		/* a stalled peer or a partition: not counted */
		out_drop(o, "no handshake in time", 0);
	} else if (o->fd >= 0 && !o->connected) {
		out_drop(o, "connect", -ETIMEDOUT);	/* schedules a retry */
	}
	else if (o->fd < 0)
		out_connect(o);
}

static void out_connect(struct mesh_out *o)
{
	struct mesh *mesh = o->mesh;
	struct sockaddr_storage dst;
	socklen_t len;
	bool bind_failed;
	int fd, ret;

	len = member_addr(o->m, o->addr_idx, o->m->election_port, &dst);
	fd = sock_connect((struct sockaddr *)&dst, len, (struct sockaddr *)&mesh->src,
			  mesh->src_len, &bind_failed);
	if (bind_failed && !mesh->bind_warned) {
		zwarn("election: cannot connect from this member's own address; peers may refuse the connections");
		mesh->bind_warned = true;
	}
	if (fd < 0) {
		out_drop(o, "connect", fd);
		return;
	}
	o->fd = fd;
	ret = loop_watch(mesh->loop, &o->w, fd, EPOLLOUT);
	if (ret < 0) {
		out_drop(o, "epoll", ret);
		return;
	}
	timer_arm(mesh->loop, &o->t, CONNECT_TIMEOUT_MS);
}

static struct mesh_out *out_of(struct mesh *mesh, uint32_t sid)
{
	for (size_t i = 0; i < mesh->ens->n; i++) {
		if (mesh->out[i].m->id == sid && mesh->out[i].m != mesh->ens->self)
			return &mesh->out[i];
	}
	return NULL;
}

/* Member @sid just connected to us: it is up, so connect to it now. */
static void out_kick(struct mesh *mesh, uint32_t sid)
{
	struct mesh_out *o = out_of(mesh, sid);

	if (!o || o->connected || o->authing)
		return;
	if (o->fd >= 0) {
		struct pollfd p = { .fd = o->fd, .events = POLLOUT };

		/* connected already, its EPOLLOUT not yet handled: keep it */
		if (poll(&p, 1, 0) == 1 && !(p.revents & (POLLERR | POLLHUP)))
			return;
		/*
		 * A connection still in progress may sit in SYN backoff (a
		 * partition that just healed): the peer has reached us, so
		 * start afresh rather than wait for the kernel's next SYN.
		 */
		loop_unwatch(mesh->loop, &o->w);
		close(o->fd);
		o->fd = -1;
		zab_auth_end(&o->ac);
	}
	timer_disarm(mesh->loop, &o->t);
	o->backoff_ms = BACKOFF_MIN_MS;
	out_connect(o);
}

void mesh_send(struct mesh *mesh, uint32_t sid, const struct zab_notif *n)
{
	struct mesh_out *o = out_of(mesh, sid);

	if (!o || !o->connected)
		return;
	if (o->len + ZAB_NOTIF_SIZE > sizeof(o->buf)) {
		out_drop(o, "not reading its notifications", 0);
		return;
	}
	zab_notif_encode(n, o->buf + o->len);
	o->len += ZAB_NOTIF_SIZE;
	out_flush(o);
}

void mesh_broadcast(struct mesh *mesh, const struct zab_notif *n)
{
	for (size_t i = 0; i < mesh->ens->n; i++) {
		if (mesh->out[i].m != mesh->ens->self)
			mesh_send(mesh, mesh->out[i].m->id, n);
	}
}

/* Incoming connections */

static void in_free(struct mesh_in *c)
{
	struct mesh *mesh = c->mesh;

	loop_unwatch(mesh->loop, &c->w);
	timer_disarm(mesh->loop, &c->ident);
	close(c->fd);
	zab_auth_end(&c->ac);
	if (c->prev)
		c->prev->next = c->next;
	else
		mesh->in = c->next;
	if (c->next)
		c->next->prev = c->prev;
	mesh->n_in--;
	free(c);
}

static void in_drop(struct mesh_in *c, const char *why)
{
	if (c->sid)
		zwarn("election: dropping the connection of member %u from %s: %s",
		      c->sid, c->peer, why);
	else
		zwarn("election: dropping the connection from %s: %s", c->peer, why);
	in_free(c);
}

/* Checks who sent @n on @c; 0, or -EINVAL with the reason in @why. */
static int in_check_sender(struct mesh_in *c, const struct zab_notif *n,
			   char *why, size_t len)
{
	const struct member *m = ensemble_find(c->mesh->ens, n->sender);

	if (c->mesh->auth && zab_auth_enabled(c->mesh->auth) && n->sender != c->ac.peer)
		snprintf(why, len, "sender id %u is not the id %u it authenticated as",
			 n->sender, c->ac.peer);
	else if (c->sid && c->sid != n->sender)
		snprintf(why, len, "the sender id changed from %u to %u", c->sid, n->sender);
	else if (!m)
		snprintf(why, len, "unknown sender id %u", n->sender);
	else if (m == c->mesh->ens->self)
		snprintf(why, len, "sender id %u is this member's own", n->sender);
	else if (!ensemble_find(c->mesh->ens, n->vote.leader))
		snprintf(why, len, "vote for unknown member %u", n->vote.leader);
	else if (!member_has_addr(m, (struct sockaddr *)&c->addr))
		snprintf(why, len, "sender id %u does not match its address", n->sender);
	else
		return 0;
	return -EINVAL;
}

/* Handles the frame in c->fb; -EINVAL if @c was dropped for it. */
static int in_frame(struct mesh_in *c)
{
	struct zab_notif n;
	const char *problem;
	char why[96];

	if (zab_notif_decode(c->fb.buf, c->fb.have, &n, &problem) < 0) {
		in_drop(c, problem);
		return -EINVAL;
	}
	if (in_check_sender(c, &n, why, sizeof(why)) < 0) {
		in_drop(c, why);
		return -EINVAL;
	}
	if (!c->sid) {
		c->sid = n.sender;
		timer_disarm(c->mesh->loop, &c->ident);
		out_kick(c->mesh, n.sender);
	}
	frame_buf_reset(&c->fb, ZAB_NOTIF_SIZE);
	c->mesh->ops.recv(c->mesh->arg, &n);
	return 0;
}

/* The incoming handshake; 1 once done, 0 for more, -1 if @c was freed. */
static int in_auth(struct mesh_in *c)
{
	struct mesh *mesh = c->mesh;
	const struct member *m;
	const char *why;
	int ret = zab_auth_step(&c->ac, c->fd, &why);

	if (!ret)
		return 0;
	if (ret == 1) {
		m = ensemble_find(mesh->ens, c->ac.peer);
		if (!m)
			why = "authenticated with an id that is not a member's";
		else if (!member_has_addr(m, (struct sockaddr *)&c->addr))
			why = "authenticated with the id of a member at another address";
		else {
			c->authed = true;
			/* and now its first notification */
			timer_arm(mesh->loop, &c->ident, IDENT_TIMEOUT_MS);
			return 1;
		}
		ret = -EACCES;
	}
	if (ret == -EACCES)
		zab_auth_fail(mesh->auth, (struct sockaddr *)&c->addr, "election", why);
	else
		zdebug("election: %s: %s", c->peer, why);
	in_free(c);
	return -1;
}

static void in_event(struct watch *w, uint32_t events)
{
	struct mesh_in *c = w->arg;
	int ret;

	(void)events;
	if (!c->authed) {
		ret = in_auth(c);
		if (ret <= 0)
			return;
	}
	/* A bounded burst per wakeup; epoll reports the rest. */
	for (int i = 0; i < 64; i++) {
		ret = frame_read(c->fd, &c->fb);
		if (ret == 0)
			return;
		if (ret < 0) {
			if (sock_tls_refused(c->fd, ret)) {
				in_drop(c, sock_recv_error(c->fd, ret));
				return;
			}
			if (c->sid)
				zdebug("election: member %u closed its connection", c->sid);
			in_free(c);
			return;
		}
		if (in_frame(c) < 0)
			return;
	}
}

static void in_ident_timeout(struct timer *t)
{
	struct mesh_in *c = t->arg;

	if (!c->authed) {
		zdebug("election: %s: no handshake in time", c->peer);
		in_free(c);
		return;
	}
	in_drop(c, "no notification in time");
}

/* Connections of one address that may wait for authentication at once. */
#define UNAUTH_PER_ADDR 2

/*
 * Makes room for a connection from @addr, a member's: as the quorum port
 * does (leader.c), at most UNAUTH_PER_ADDR connections of one address wait
 * for authentication, and a new one closes the oldest of them; a full
 * table closes the oldest of all that wait. Return false if there is no
 * room: every connection is authenticated.
 */
static bool unauth_room(struct mesh *mesh, const struct sockaddr_storage *addr)
{
	struct mesh_in *c, *oldest = NULL, *oldest_here = NULL, *victim;
	size_t here = 0;

	for (c = mesh->in; c; c = c->next) {	/* newest first */
		if (c->authed)
			continue;
		oldest = c;
		if (sock_addr_same_host((const struct sockaddr *)&c->addr,
					(const struct sockaddr *)addr)) {
			oldest_here = c;
			here++;
		}
	}
	if (here >= UNAUTH_PER_ADDR)
		victim = oldest_here;
	else if (mesh->n_in >= mesh->max_in)
		victim = oldest;
	else
		return true;
	if (!victim)
		return false;
	zdebug("election: dropping the connection from %s: a newer one from its address waits for authentication",
	       victim->peer);
	in_free(victim);
	return true;
}

static void accept_one(struct mesh *mesh, int fd,
		       const struct sockaddr_storage *addr)
{
	struct mesh_in *c;
	bool known = false;

	/* before anything is read: only a member's address may take a slot */
	for (size_t i = 0; i < mesh->ens->n; i++)
		known |= &mesh->ens->members[i] != mesh->ens->self &&
			 member_has_addr(&mesh->ens->members[i], (const struct sockaddr *)addr);
	if (!known) {
		char peer[64];

		sock_addr_str((const struct sockaddr *)addr, peer, sizeof(peer));
		zdebug("election: refusing %s: not the address of a member", peer);
		close(fd);
		return;
	}
	if (!unauth_room(mesh, addr)) {
		char peer[64];

		sock_addr_str((const struct sockaddr *)addr, peer, sizeof(peer));
		zwarn("election: too many connections: refusing %s", peer);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->mesh = mesh;
	c->fd = fd;
	c->addr = *addr;
	sock_addr_str((const struct sockaddr *)addr, c->peer, sizeof(c->peer));
	watch_init(&c->w, in_event, c);
	timer_init(&c->ident, in_ident_timeout, c);
	frame_buf_reset(&c->fb, ZAB_NOTIF_SIZE);
	c->authed = !zab_auth_enabled(mesh->auth);
	if (!c->authed && zab_auth_start(&c->ac, mesh->auth, fd, ZAB_AUTH_ELECTION, false,
					 mesh->ens->self->id, 0) < 0) {
		close(fd);
		zab_auth_end(&c->ac);
		free(c);
		return;
	}
	if (loop_watch(mesh->loop, &c->w, fd, EPOLLIN | EPOLLRDHUP) < 0) {
		close(fd);
		zab_auth_end(&c->ac);
		free(c);
		return;
	}
	timer_arm(mesh->loop, &c->ident, c->authed ? IDENT_TIMEOUT_MS : AUTH_TIMEOUT_MS);
	c->next = mesh->in;
	if (mesh->in)
		mesh->in->prev = c;
	mesh->in = c;
	mesh->n_in++;
}

static void listen_event(struct watch *w, uint32_t events)
{
	struct mesh *mesh = w->arg;
	struct sockaddr_storage addr;
	int fd;

	(void)events;
	for (int i = 0; i < 16; i++) {
		fd = sock_accept(mesh->lfd, &addr);
		if (fd < 0) {
			if (fd != -EAGAIN && fd != -EINTR && fd != -ECONNABORTED)
				zwarn("election: accept: %s", strerror(-fd));
			return;
		}
		accept_one(mesh, fd, &addr);
	}
}

int mesh_open(struct mesh **meshp, struct loop *loop,
	      const struct ensemble *ens, struct zab_auth *auth,
	      const struct mesh_ops *ops, void *arg, struct zab_err *err)
{
	const struct member *self = ens->self;
	struct sockaddr_storage sa;
	struct mesh *mesh;
	socklen_t len;
	char where[64];
	int ret;

	mesh = calloc(1, sizeof(*mesh));
	if (!mesh)
		return zab_err(err, -ENOMEM, "out of memory");
	mesh->out = calloc(ens->n, sizeof(*mesh->out));
	if (!mesh->out) {
		free(mesh);
		return zab_err(err, -ENOMEM, "out of memory");
	}
	mesh->lfd = -1;
	mesh->loop = loop;
	mesh->ens = ens;
	mesh->ops = *ops;
	mesh->arg = arg;
	mesh->auth = auth;
	mesh->max_in = 4 * ens->n + 4;
	mesh->src_len = member_addr(self, 0, 0, &mesh->src);
	watch_init(&mesh->lw, listen_event, mesh);
	for (size_t i = 0; i < ens->n; i++) {
		struct mesh_out *o = &mesh->out[i];

		o->mesh = mesh;
		o->m = &ens->members[i];
		o->fd = -1;
		o->backoff_ms = BACKOFF_MIN_MS;
		watch_init(&o->w, out_event, o);
		timer_init(&o->t, out_timer, o);
	}

	len = member_addr(self, 0, self->election_port, &sa);
	sock_addr_str((struct sockaddr *)&sa, where, sizeof(where));
	mesh->lfd = sock_listen((struct sockaddr *)&sa, len);
	if (mesh->lfd < 0) {
		ret = mesh->lfd;
		mesh_close(mesh);
		return zab_err(err, ret, "election port %s: %s", where, strerror(-ret));
	}
	ret = loop_watch(loop, &mesh->lw, mesh->lfd, EPOLLIN);
	if (ret < 0) {
		mesh_close(mesh);
		return zab_err(err, ret, "epoll: %s", strerror(-ret));
	}
	zinfo("election: listening on %s", where);
	for (size_t i = 0; i < ens->n; i++) {
		if (mesh->out[i].m != self)
			out_connect(&mesh->out[i]);
	}
	*meshp = mesh;
	return 0;
}

/*
 * Is the connection of @ac (@authed: its handshake done) one the
 * credentials now held no longer admit? With keys: its key was removed.
 * With certificates (read again, see zab_tls_refresh()): any that began
 * with the files before, done or still in its handshake, since the CA or
 * revocation list that admits its peer may have changed; it is made
 * again, its peer checked anew.
 */
static const char *rekey_why(const struct mesh *mesh, const struct zab_auth_conn *ac,
			     bool authed)
{
	if (mesh->auth->cert)
		return ac->generation != mesh->auth->generation ?
		       "the certificate files changed" : NULL;
	if (authed && zab_auth_psk(mesh->auth) && !zab_auth_holds(mesh->auth, ac->key_id))
		return "its key was removed";
	return NULL;
}

void mesh_rekey(struct mesh *mesh)
{
	struct mesh_in *c, *next;
	const char *why;

	for (size_t i = 0; i < mesh->ens->n; i++) {
		struct mesh_out *o = &mesh->out[i];

		if (o->m != mesh->ens->self && (o->connected || o->authing) &&
		    (why = rekey_why(mesh, &o->ac, o->connected)))
			out_drop(o, why, 0);
	}
	for (c = mesh->in; c; c = next) {
		next = c->next;
		if ((c->authed || zab_auth_enabled(mesh->auth)) &&
		    (why = rekey_why(mesh, &c->ac, c->authed))) {
			zinfo("election: dropping the connection from %s: %s", c->peer, why);
			in_free(c);
		}
	}
}

void mesh_close(struct mesh *mesh)
{
	if (!mesh)
		return;
	while (mesh->in)
		in_free(mesh->in);
	for (size_t i = 0; i < mesh->ens->n; i++) {
		struct mesh_out *o = &mesh->out[i];

		if (!o->mesh)
			continue;
		timer_disarm(mesh->loop, &o->t);
		loop_unwatch(mesh->loop, &o->w);
		if (o->fd >= 0)
			close(o->fd);
		zab_auth_end(&o->ac);
	}
	if (mesh->lfd >= 0) {
		loop_unwatch(mesh->loop, &mesh->lw);
		close(mesh->lfd);
	}
	free(mesh->out);
	free(mesh);
}
