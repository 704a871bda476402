// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

int64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_init(struct loop *loop)
{
	loop->timers = NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void loop_release(struct loop *loop)
{
	while (loop->timers)
		timer_disarm(loop, loop->timers);
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

void watch_init(struct watch *w, watch_fn fn, void *arg)
{
	w->fd = -1;
	w->fn = fn;
	w->arg = arg;
}

void timer_init(struct timer *t, timer_fn fn, void *arg)
{
	t->deadline = 0;
	t->armed = false;
	t->fn = fn;
	t->arg = arg;
	t->prev = t->next = NULL;
}

int loop_watch(struct loop *loop, struct watch *w, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->fd = fd;
	return 0;
}

int loop_rewatch(struct loop *loop, struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->fd < 0)
		return -EBADF;
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void loop_unwatch(struct loop *loop, struct watch *w)
{
	if (w->fd < 0)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->fd = -1;
}

void timer_arm_at(struct loop *loop, struct timer *t, int64_t deadline)
{
	t->deadline = deadline;
	if (t->armed)
		return;
	t->armed = true;
	t->prev = NULL;
	t->next = loop->timers;
	if (loop->timers)
		loop->timers->prev = t;
	loop->timers = t;
}

void timer_arm(struct loop *loop, struct timer *t, int64_t ms)
{
	timer_arm_at(loop, t, loop_now() + ms);
}

void timer_disarm(struct loop *loop, struct timer *t)
{
	if (!t->armed)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		loop->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	t->armed = false;
}

static struct timer *earliest(const struct loop *loop)
{
	struct timer *best = NULL;

	for (struct timer *t = loop->timers; t; t = t->next) {
		if (!best || t->deadline < best->deadline)
			best = t;
	}
	return best;
}

/* Fires every timer already due, one at a time. */
static void fire_due(struct loop *loop)
{
	struct timer *t;

	while ((t = earliest(loop)) && t->deadline <= loop_now()) {
		timer_disarm(loop, t);
		t->fn(t);
	}
}

int loop_run_once(struct loop *loop)
{
	struct timer *next = earliest(loop);
	struct epoll_event ev;
	int timeout = -1, n;

	if (next) {
		int64_t wait = next->deadline - loop_now();

		timeout = wait < 0 ? 0 : wait > INT_MAX ? INT_MAX : (int)wait;
	}
	/* One event at a time: a callback may free another watch. */
	n = epoll_wait(loop->epfd, &ev, 1, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 1) {
		struct watch *w = ev.data.ptr;

		w->fn(w, ev.events);
	}
	fire_due(loop);
	return 0;
}
