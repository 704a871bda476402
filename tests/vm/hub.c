// SPDX-License-Identifier: GPL-2.0
/*
 * An Ethernet hub for test VMs on one host, for qemu's "-netdev dgram"
 * over Unix datagram sockets: VM I sends its frames from DIR/vm-I to
 * DIR/hub-I, and the hub repeats every frame to every other VM. A VM that
 * is down (killed, rebooting) misses what is sent meanwhile, as on a wire.
 * While a file DIR/lossy-I exists, the hub drops 30% of the frames it
 * repeats to VM I: TCP then trickles in to it (a synchronisation spread
 * over seconds, for tests/vm/crash.sh to cut in the middle).
 *
 *	hub DIR N
 *
 * Runs until killed.
 */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS	8
#define LOSS_PERCENT	30

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static struct sockaddr_un addr_of(const char *dir, const char *what, int i)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s-%d", dir, what, i) >=
	    (int)sizeof(sa.sun_path)) {
		fprintf(stderr, "hub: %s: path too long\n", dir);
		exit(2);
	}
	return sa;
}

int main(int argc, char *argv[])
{
	static char frame[65536];
	struct pollfd p[MAX_PORTS];
	struct sockaddr_un to[MAX_PORTS];
	struct sockaddr_un lossy_file[MAX_PORTS];
	bool lossy[MAX_PORTS] = { false };
	long long checked = 0;
	unsigned int seed = 1;
	int n;

	if (argc != 3 || (n = atoi(argv[2])) < 2 || n > MAX_PORTS) {
		fprintf(stderr, "usage: hub DIR N (2..%d)\n", MAX_PORTS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		struct sockaddr_un sa = addr_of(argv[1], "hub", i + 1);

		to[i] = addr_of(argv[1], "vm", i + 1);
		lossy_file[i] = addr_of(argv[1], "lossy", i + 1);
		unlink(sa.sun_path);
		p[i].fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		p[i].events = POLLIN;
		if (p[i].fd < 0 || bind(p[i].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "hub: %s: %s\n", sa.sun_path, strerror(errno));
			return 1;
		}
	}
	for (;;) {
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			return 1;
		if (now_ms() - checked >= 100) {
			checked = now_ms();
			for (int i = 0; i < n; i++)
				lossy[i] = !access(lossy_file[i].sun_path, F_OK);
		}
		for (int i = 0; i < n; i++) {
			ssize_t len;

			if (!(p[i].revents & POLLIN))
				continue;
			len = recv(p[i].fd, frame, sizeof(frame), MSG_DONTWAIT);
			if (len <= 0)
				continue;
			for (int j = 0; j < n; j++) {
				if (j == i ||
				    (lossy[j] && (int)(rand_r(&seed) % 100) < LOSS_PERCENT))
					continue;
				sendto(p[j].fd, frame, (size_t)len, MSG_DONTWAIT,
				       (struct sockaddr *)&to[j], sizeof(to[j]));
			}
		}
	}
}
