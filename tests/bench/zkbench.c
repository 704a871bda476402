// SPDX-License-Identifier: GPL-2.0
/*
 * zkbench: the ZooKeeper figures make bench puts beside zab's, measured with
 * ZooKeeper's own C client (libzookeeper-mt) against a ZooKeeper ensemble
 * in the same VM. A record is a znode created with ZOO_SEQUENCE under /zb:
 * one transaction, proposed, acknowledged by a quorum and committed by
 * ZooKeeper's own ZAB, as a zab append is.
 *
 *   zkbench lat HOST:PORT SIZE COUNT     sequential creates: latency
 *   zkbench tput HOST:PORT SIZE OUTSTANDING SECONDS
 *                                        asynchronous creates, OUTSTANDING
 *                                        in flight on one session: records/s
 *
 * Both first create ZKBENCH_WARMUP znodes (1,000 if unset) untimed: the
 * servers' JIT compilers warm up.
 * Output as zabbench's: "p50=US p99=US mean=US n=N", "rate=N/s", and
 * ZABBENCH_SAMPLES=FILE keeps the sorted latencies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* the synchronous calls too (libzookeeper_mt) */
#define THREADED
#include <zookeeper/zookeeper.h>

#include "report.h"

static long warmup(void)
{
	const char *w = getenv("ZKBENCH_WARMUP");

	return w && *w ? atol(w) : 1000;
}

static void fail(const char *what, int rc)
{
	fprintf(stderr, "zkbench: %s: %s\n", what, zerror(rc));
	exit(1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int connected;

static void watcher(zhandle_t *zh, int type, int state, const char *path,
		    void *ctx)
{
	(void)zh; (void)path; (void)ctx;
	if (type != ZOO_SESSION_EVENT)
		return;
	pthread_mutex_lock(&lock);
	connected = state == ZOO_CONNECTED_STATE ? 1 :
		    state == ZOO_CONNECTING_STATE ? 0 : -1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

/* A session with the one server @host (the figures are that server's). */
static zhandle_t *open_session(const char *host)
{
	struct timespec until;
	zhandle_t *zh;
	int rc;

	zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
	/* the longest session the servers allow (20 ticks of 2 s): a
	 * server under TCG can stall for seconds */
	zh = zookeeper_init(host, watcher, 40000, NULL, NULL, 0);
	if (!zh) {
		perror("zookeeper_init");
		exit(1);
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&lock);
	while (connected == 0)
		if (pthread_cond_timedwait(&cond, &lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&lock);
	if (connected != 1) {
		fprintf(stderr, "zkbench: no session with %s\n", host);
		exit(1);
	}
	rc = zoo_create(zh, "/zb", NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
	if (rc != ZOK && rc != ZNODEEXISTS)
		fail("create /zb", rc);
	return zh;
}

static int create(zhandle_t *zh, const char *buf, int size)
{
	return zoo_create(zh, "/zb/r-", buf, size, &ZOO_OPEN_ACL_UNSAFE,
			  ZOO_SEQUENCE, NULL, 0);
}

static int do_lat(const char *host, int size, long count)
{
	double *v = calloc(count, sizeof(*v));
	char *buf = calloc(1, size);
	zhandle_t *zh;
	long i;
	int rc;

	if (!v || !buf || count < 1)
		return 1;
	zh = open_session(host);
	for (i = 0; i < warmup(); i++) {
		rc = create(zh, buf, size);
		if (rc != ZOK)
			fail("create", rc);
	}
	for (i = 0; i < count; i++) {
		double t = now_us();

		rc = create(zh, buf, size);
		if (rc != ZOK)
			fail("create", rc);
		v[i] = now_us() - t;
	}
	report(v, count);
	zookeeper_close(zh);
	free(v);
	free(buf);
	return 0;
}

/* the asynchronous run: each completion issues the next create */
static struct {
	zhandle_t *zh;
	char *buf;
	int size;
	double end;		/* no new creates after this (us) */
	atomic_long done;	/* completed after the warm-up */
	atomic_long errors;
	atomic_int inflight;
} run;

static void completion(int rc, const char *name, const void *data);

static void issue(void)
{
	int rc;

	atomic_fetch_add(&run.inflight, 1);
	rc = zoo_acreate(run.zh, "/zb/r-", run.buf, run.size,
			 &ZOO_OPEN_ACL_UNSAFE, ZOO_SEQUENCE, completion, NULL);
	if (rc != ZOK) {
		atomic_fetch_add(&run.errors, 1);
		atomic_fetch_sub(&run.inflight, 1);
	}
}

static void completion(int rc, const char *name, const void *data)
{
	(void)name; (void)data;
	if (rc != ZOK)
		atomic_fetch_add(&run.errors, 1);
	else if (run.end > 0)
		atomic_fetch_add(&run.done, 1);
	if (run.end == 0 || now_us() < run.end)
		issue();
	pthread_mutex_lock(&lock);
	atomic_fetch_sub(&run.inflight, 1);
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static int do_tput(const char *host, int size, int outstanding, double secs)
{
	double start, stop;
	int i, rc;

	if (outstanding < 1 || secs <= 0)
		return 1;
	run.buf = calloc(1, size);
	run.size = size;
	if (!run.buf)
		return 1;
	run.zh = open_session(host);
	for (i = 0; i < warmup(); i++) {
		rc = create(run.zh, run.buf, size);
		if (rc != ZOK)
			fail("create", rc);
	}
	start = now_us();
	run.end = start + secs * 1e6;
	for (i = 0; i < outstanding; i++)
		issue();
	pthread_mutex_lock(&lock);
	while (atomic_load(&run.inflight) > 0)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	stop = now_us();
	if (atomic_load(&run.errors)) {
		fprintf(stderr, "zkbench: %ld creates failed\n",
			atomic_load(&run.errors));
		return 1;
	}
	printf("rate=%.0f/s\n", atomic_load(&run.done) / ((stop - start) / 1e6));
	zookeeper_close(run.zh);
	free(run.buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "lat"))
		return do_lat(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "tput"))
		return do_tput(argv[2], atoi(argv[3]), atoi(argv[4]),
			       atof(argv[5]));
	fprintf(stderr, "usage: see the comment at the top of zkbench.c\n");
	return 2;
}
