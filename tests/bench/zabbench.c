// SPDX-License-Identifier: GPL-2.0
/*
 * zabbench: commit latency and throughput of /dev/zab/NAME, and the raw TCP
 * figures they are compared with, measured by the same program in the same
 * VM.
 *
 *   zabbench lat DEV SIZE COUNT              sequential appends: latency
 *   zabbench sync DEV COUNT                  sequential zab_sync()s: latency
 *   zabbench tput DEV SIZE WRITERS SECONDS   concurrent appends: records/s
 *                                            (ZABBENCH_BATCH=N: N records
 *                                            per zab_append_batch())
 *   zabbench echo PORT                       TCP echo server (fixed frames)
 *   zabbench sink PORT                       TCP sink server
 *   zabbench ping ADDR PORT SIZE COUNT       TCP ping-pong: round trip
 *   zabbench fanout ADDR... PORT SIZE COUNT
 *                                            send to each echo server (up
 *                                            to MAX_PEERS), wait for every
 *                                            reply: round trip
 *   zabbench stream ADDR... PORT SIZE SECONDS
 *                                            one send(2) of SIZE bytes to
 *                                            each sink per message
 *                                            (ZABBENCH_BATCH=N: of N
 *                                            messages): messages/s
 *   zabbench fsync FILE SIZE COUNT           append SIZE bytes to FILE and
 *                                            fdatasync(2), COUNT times:
 *                                            latency of the pair
 *
 * With ZABBENCH_TLS=1, every TCP socket (both ends) is in kernel TLS (TLS
 * 1.3, AES-128-GCM, a fixed test key), as zab's are with encryption = tls:
 * what the kernel's TLS costs by itself in this VM.
 *
 * Latencies print as "p50=US p99=US mean=US n=N", rates as "rate=N/s"; with
 * ZABBENCH_SAMPLES=FILE in the environment, the latencies go to FILE too,
 * sorted, one per line, in microseconds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tls.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/zab.h>

#include "libzab.h"
#include "report.h"

/* the most peers fanout and stream send to: a 9-member ensemble's followers */
#define MAX_PEERS 8

static int append(int fd, char *buf, int size)
{
	struct zab_append a = { .data = (unsigned long)buf, .len = size };

	return ioctl(fd, ZAB_IOC_APPEND, &a);
}

static int do_lat(const char *dev, int size, long count)
{
	double *v = calloc(count, sizeof(*v));
	char *buf = calloc(1, size);
	int fd = open(dev, O_RDWR);
	long i;

	if (fd < 0)
		die(dev);
	for (i = 0; i < 20; i++)	/* warm up */
		if (append(fd, buf, size))
			die("append");
	for (i = 0; i < count; i++) {
		double t = now_us();

		if (append(fd, buf, size))
			die("append");
		v[i] = now_us() - t;
	}
	report(v, count);
	return 0;
}

static int do_sync(const char *dev, long count)
{
	double *v = calloc(count, sizeof(*v));
	int fd = open(dev, O_RDONLY);
	long i;

	if (fd < 0 || !v)
		die(dev);
	for (i = 0; i < 20; i++)	/* warm up */
		if (zab_sync(fd, NULL))
			die("sync");
	for (i = 0; i < count; i++) {
		double t = now_us();

		if (zab_sync(fd, NULL))
			die("sync");
		v[i] = now_us() - t;
	}
	report(v, count);
	free(v);
	close(fd);
	return 0;
}

struct tput_arg {
	const char *dev;
	int size;
	double end;
	atomic_long *done;
};

/* ZABBENCH_BATCH=N: records per call (zab_append_batch()), else 1 (append) */
static int batch_size(void)
{
	const char *e = getenv("ZABBENCH_BATCH");

	return e && atoi(e) > 1 ? atoi(e) : 1;
}

static void *tput_writer(void *p)
{
	struct tput_arg *a = p;
	int i, fd = open(a->dev, O_RDWR), batch = batch_size();
	struct iovec *iov = calloc(batch, sizeof(*iov));
	char *buf = calloc(batch, a->size);

	if (fd < 0 || !iov || !buf)
		die(a->dev);
	for (i = 0; i < batch; i++)
		iov[i] = (struct iovec){ buf + i * a->size, a->size };
	while (now_us() < a->end) {
		if (batch > 1 ? zab_append_batch(fd, iov, batch, NULL, NULL) :
				append(fd, buf, a->size))
			die("append");
		atomic_fetch_add(a->done, batch);
	}
	free(iov);
	close(fd);
	free(buf);
	return NULL;
}

static int do_tput(const char *dev, int size, int writers, double secs)
{
	pthread_t *t = calloc(writers, sizeof(*t));
	atomic_long done = 0;
	struct tput_arg a = { dev, size, 0, &done };
	double start = now_us();
	int i;

	a.end = start + secs * 1e6;
	for (i = 0; i < writers; i++)
		pthread_create(&t[i], NULL, tput_writer, &a);
	for (i = 0; i < writers; i++)
		pthread_join(t[i], NULL);
	printf("rate=%.0f/s\n", done / ((now_us() - start) / 1e6));
	return 0;
}

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

/* ZABBENCH_TLS=1: kernel TLS on @fd, both ways, with the test key. */
static void maybe_tls(int fd)
{
	struct tls12_crypto_info_aes_gcm_128 ci = {
		.info.version = TLS_1_3_VERSION,
		.info.cipher_type = TLS_CIPHER_AES_GCM_128,
	};
	const char *e = getenv("ZABBENCH_TLS");

	if (!e || strcmp(e, "1"))
		return;
	memset(ci.key, 0x5a, sizeof(ci.key));
	memset(ci.salt, 0x42, sizeof(ci.salt));
	memset(ci.iv, 0x17, sizeof(ci.iv));
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)) ||
	    setsockopt(fd, SOL_TLS, TLS_RX, &ci, sizeof(ci)))
		die("kernel TLS");
}

static int tcp_connect(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, tries;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	for (tries = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); tries++) {
		if (tries > 100)
			die("connect");
		usleep(50000);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	maybe_tls(fd);
	return fd;
}

static int readn(int fd, char *buf, int n)
{
	int got = 0, r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static int do_server(int port, int echo)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char buf[65536];

	signal(SIGCHLD, SIG_IGN);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 8))
		die("listen");
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		ssize_t n;

		if (fd < 0)
			continue;
		if (fork() == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			maybe_tls(fd);
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				if (echo && write(fd, buf, n) != n)
					break;
			_exit(0);
		}
		close(fd);
	}
}

static int do_rtt(const char **addrs, int naddr, int port, int size, long count)
{
	double *v = calloc(count, sizeof(*v));
	char *buf = calloc(1, size);
	int fds[MAX_PEERS], i;
	long k;

	for (i = 0; i < naddr; i++)
		fds[i] = tcp_connect(addrs[i], port);
	for (k = -20; k < count; k++) {
		double t = now_us();

		for (i = 0; i < naddr; i++)
			if (write(fds[i], buf, size) != size)
				die("write");
		for (i = 0; i < naddr; i++)
			if (readn(fds[i], buf, size))
				die("read");
		if (k >= 0)
			v[k] = now_us() - t;
	}
	report(v, count);
	return 0;
}

static int do_stream(const char **addrs, int naddr, int port, int size,
		     double secs)
{
	char *buf = calloc(1, size);
	int fds[MAX_PEERS], i;
	double start = now_us(), end = start + secs * 1e6;
	long n = 0;

	int batch = batch_size();

	buf = realloc(buf, (size_t)size * batch);
	if (!buf)
		die("realloc");
	memset(buf, 0, (size_t)size * batch);
	for (i = 0; i < naddr; i++)
		fds[i] = tcp_connect(addrs[i], port);
	while (now_us() < end) {
		for (i = 0; i < naddr; i++)
			if (write(fds[i], buf, size * batch) != size * batch)
				die("write");
		n += batch;
	}
	printf("rate=%.0f/s\n", n / ((now_us() - start) / 1e6));
	return 0;
}

static int do_fsync(const char *path, int size, long count)
{
	double *v = malloc(count * sizeof(*v));
	char *buf = calloc(1, size);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	long i;

	if (fd < 0 || !v || !buf)
		die(path);
	for (i = 0; i < count; i++) {
		double t = now_us();

		if (write(fd, buf, size) != size || fdatasync(fd))
			die("write/fdatasync");
		v[i] = now_us() - t;
	}
	close(fd);
	unlink(path);
	report(v, count);
	free(v);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	if (!strcmp(op, "lat") && argc == 5)
		return do_lat(argv[2], atoi(argv[3]), atol(argv[4]));
	if (!strcmp(op, "sync") && argc == 4)
		return do_sync(argv[2], atol(argv[3]));
	if (!strcmp(op, "tput") && argc == 6)
		return do_tput(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
	if (!strcmp(op, "echo") && argc == 3)
		return do_server(atoi(argv[2]), 1);
	if (!strcmp(op, "sink") && argc == 3)
		return do_server(atoi(argv[2]), 0);
	if (!strcmp(op, "ping") && argc == 6)
		return do_rtt((const char **)argv + 2, 1, atoi(argv[3]),
			      atoi(argv[4]), atol(argv[5]));
	/* ADDR... PORT SIZE N: at least one address, at most MAX_PEERS */
	if (!strcmp(op, "fanout") && argc >= 6 && argc - 5 <= MAX_PEERS)
		return do_rtt((const char **)argv + 2, argc - 5,
			      atoi(argv[argc - 3]), atoi(argv[argc - 2]),
			      atol(argv[argc - 1]));
	if (!strcmp(op, "stream") && argc >= 6 && argc - 5 <= MAX_PEERS)
		return do_stream((const char **)argv + 2, argc - 5,
				 atoi(argv[argc - 3]), atoi(argv[argc - 2]),
				 atof(argv[argc - 1]));
	if (!strcmp(op, "fsync") && argc == 5)
		return do_fsync(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of zabbench.c\n");
	return 2;
}
