// SPDX-License-Identifier: GPL-2.0
/*
 * tlshs: the cost of zabd's encryption per connection (encryption = tls):
 * COUNT TLS 1.3 handshakes of zabd's own code (userspace/zabd/tls.c), each
 * ending with the keys given to kernel TLS both ways, between two TCP
 * sockets of this process over ADDR. Both ends run here, so a figure is
 * the CPU of both ends plus the round trips.
 *
 *   tlshs ADDR COUNT
 *
 * Prints "handshakes=N p50=US p99=US mean=US".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "zabd/tls.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct zab_tls *tls;
	struct zab_err err;
	double *t, sum = 0;
	int lfd, n;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: tlshs ADDR COUNT\n");
		return 2;
	}
	if (zab_tls_init(&tls, NULL, 0, &err)) {
		fprintf(stderr, "tlshs: %s\n", err.msg);
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (!t || lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4) || getsockname(lfd, (struct sockaddr *)&sa, &len))
		die("tlshs: listen");
	for (int i = 0; i < n; i++) {
		struct zab_tls_conn c, s;
		uint8_t ec[ZAB_TLS_EXPORTER], es[ZAB_TLS_EXPORTER];
		int cfd = socket(AF_INET, SOCK_STREAM, 0), sfd, rc = 0, rs = 0;
		const char *why = NULL;
		double t0;

		if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)))
			die("tlshs: connect");
		sfd = accept(lfd, NULL, NULL);
		if (sfd < 0)
			die("tlshs: accept");
		fcntl(cfd, F_SETFL, O_NONBLOCK);
		fcntl(sfd, F_SETFL, O_NONBLOCK);
		t0 = now_us();
		if (zab_tls_start(&c, tls, cfd, true) || zab_tls_start(&s, tls, sfd, false))
			die("tlshs: start");
		while (rc != 1 || rs != 1) {
			struct pollfd p[2] = { { cfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

			if (rc != 1)
				rc = zab_tls_step(&c, ec, &why);
			if (rc >= 0 && rs != 1)
				rs = zab_tls_step(&s, es, &why);
			if (rc < 0 || rs < 0) {
				fprintf(stderr, "tlshs: handshake %d failed: %s\n", i, why);
				return 1;
			}
			if ((rc != 1 || rs != 1) && poll(p, 2, 1000) <= 0) {
				fprintf(stderr, "tlshs: handshake %d stalled\n", i);
				return 1;
			}
		}
		t[i] = now_us() - t0;
		sum += t[i];
		if (memcmp(ec, es, sizeof(ec))) {
			fprintf(stderr, "tlshs: the two ends' exporters differ\n");
			return 1;
		}
		zab_tls_end(&c);
		zab_tls_end(&s);
		close(cfd);
		close(sfd);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("handshakes=%d p50=%.0f p99=%.0f mean=%.0f\n", n, t[n / 2],
	       t[(size_t)(n * 0.99) < (size_t)n ? (size_t)(n * 0.99) : (size_t)n - 1], sum / n);
	zab_tls_release(tls);
	return 0;
}
