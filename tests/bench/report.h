/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What zabbench and zkbench share: the clock, and how latencies are
 * reported ("p50=US p99=US mean=US n=N", and with ZABBENCH_SAMPLES=FILE
 * the sorted latencies in FILE, for tests/bench/plot.sh).
 */
#ifndef ZAB_BENCH_REPORT_H
#define ZAB_BENCH_REPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Prints the percentiles of the @n latencies @v; with $ZABBENCH_SAMPLES set,
 * also writes them, sorted, one per line, to that file (for the plots).
 */
static void report(double *v, long n)
{
	const char *path = getenv("ZABBENCH_SAMPLES");
	double sum = 0;
	FILE *f;
	long i;

	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	if (path && *path) {
		f = fopen(path, "w");
		if (!f)
			die(path);
		for (i = 0; i < n; i++)
			fprintf(f, "%.1f\n", v[i]);
		if (fclose(f))
			die(path);
	}
	printf("p50=%.1f p99=%.1f mean=%.1f n=%ld\n", v[n / 2],
	       v[(long)(n * 0.99)], sum / n, n);
}

#endif
