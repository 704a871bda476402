/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * zabd's event loop: file descriptors watched with epoll and one-shot timers
 * on the monotonic clock, all run from one thread.
 *
 * Events are dispatched one at a time, so a callback may free any watch or
 * timer, its own included, as long as it unwatches or disarms it first.
 */
#ifndef ZABD_LOOP_H
#define ZABD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct watch;
struct timer;

typedef void (*watch_fn)(struct watch *w, uint32_t events);
typedef void (*timer_fn)(struct timer *t);

struct watch {
	int fd;			/* -1 when not watched */
	watch_fn fn;
	void *arg;
};

struct timer {
	int64_t deadline;	/* ms, loop_now() clock */
	bool armed;
	timer_fn fn;
	void *arg;
	struct timer *prev, *next;
};

struct loop {
	int epfd;
	struct timer *timers;	/* armed timers, unordered */
};

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t loop_now(void);

int loop_init(struct loop *loop);
void loop_release(struct loop *loop);

/* Initialises @w and @t before use; both start inactive. */
void watch_init(struct watch *w, watch_fn fn, void *arg);
void timer_init(struct timer *t, timer_fn fn, void *arg);

/* Starts watching @fd for @events (EPOLLIN, EPOLLOUT). 0 or -errno. */
int loop_watch(struct loop *loop, struct watch *w, int fd, uint32_t events);
int loop_rewatch(struct loop *loop, struct watch *w, uint32_t events);
/* Stops watching; does not close the fd. No-op if not watched. */
void loop_unwatch(struct loop *loop, struct watch *w);

/* Arms @t to fire at loop_now() + @ms (re-arms if armed). */
void timer_arm(struct loop *loop, struct timer *t, int64_t ms);
void timer_arm_at(struct loop *loop, struct timer *t, int64_t deadline);
void timer_disarm(struct loop *loop, struct timer *t);

/*
 * Waits for one event or the earliest timer and dispatches it. Returns 0,
 * or -errno if epoll failed (EINTR is not a failure).
 */
int loop_run_once(struct loop *loop);

#endif
