// SPDX-License-Identifier: GPL-2.0 OR MIT
/* zabd's metrics in Prometheus' text format (promfmt.c). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zabd/promfmt.h"

static char *render(const struct zab_info *info, const struct zab_metrics_own *own)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	zab_metrics_write(f, info, own);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_values(void **state)
{
	struct zab_peer_info peers[] = {
		{ .id = 2, .last_zxid = 0x300000007ULL, .queued = 4, .rtt_us = 1250 },
		{ .id = 3, .last_zxid = 0x300000009ULL, .queued = 0, .rtt_us = 80 },
	};
	struct zab_info info = {
		.name = "orders", .myid = 1, .state = 2, .epoch = 3, .leader = 1,
		.last_zxid = 0x300000009ULL, .commit_zxid = 0x300000008ULL,
		.durable_zxid = 0x300000009ULL, .pending_bytes = 120,
		.peers = peers, .n_peers = 2,
	};
	struct zab_metrics_own own = {
		.accepted_epoch = 3, .current_epoch = 3, .elections = 2,
		.log_bytes = 65536, .snapshot_bytes = 100, .snapshots = 1, .unsynced = true,
		.tls = { .cert = 1893456000, .ca = 2208988800, .crl = 1800000000 },
	};
	static const char *const want[] = {
		"zab_member_info{name=\"orders\",myid=\"1\"} 1\n",
		"zab_role{role=\"looking\"} 0\n",
		"zab_role{role=\"following\"} 0\n",
		"zab_role{role=\"leading\"} 1\n",
		"zab_epoch 3\n",
		"zab_current_epoch 3\n",
		"zab_unsynced 1\n",
		"zab_last_zxid 12884901897\n",
		"zab_commit_zxid 12884901896\n",
		"zab_commits_total 77\n",
		"zab_syncs_total{method=\"snap\"} 5\n",
		"zab_elections_total 2\n",
		"zab_log_bytes 65536\n",
		"zab_tls_cert_expiry_timestamp_seconds 1893456000\n",
		"zab_tls_ca_expiry_timestamp_seconds 2208988800\n",
		"zab_tls_crl_next_update_timestamp_seconds 1800000000\n",
		"zab_peer_rtt_seconds{peer=\"2\"} 0.001250\n",
		"zab_peer_queued_records{peer=\"2\"} 4\n",
		"zab_peer_last_zxid{peer=\"3\"} 12884901897\n",
		"# TYPE zab_commits_total counter\n",
		"# TYPE zab_epoch gauge\n",
	};
	char *out;

	(void)state;
	info.stats[ZAB_STAT_COMMITS] = 77;
	info.stats[ZAB_STAT_SYNC_SNAP] = 5;
	/* a module without room_waits: that counter left out, not 0 */
	info.stats_set = (1u << ZAB_STAT_ROOM_WAITS) - 2;
	out = render(&info, &own);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(out, want[i]))
			fail_msg("missing: %s in:\n%s", want[i], out);
	assert_null(strstr(out, "zab_room_waits_total"));
	assert_non_null(strstr(out, "zab_duplicates_total 0\n"));
	free(out);
	/* a module from before the sync counters: no zab_syncs_total */
	info.stats_set = (1u << ZAB_STAT_SYNC_DIFF) - 2;
	out = render(&info, &own);
	assert_null(strstr(out, "zab_syncs_total"));
	assert_non_null(strstr(out, "zab_commits_total 77\n"));
	free(out);
}

/*
 * Every sample line belongs to a metric with HELP and TYPE lines before it;
 * names follow Prometheus' rules; counters, and only they, end in _total.
 */
static void test_format_rules(void **state)
{
	struct zab_info info = { .name = "a\"b", .myid = 7, .stats_set = ~0u };
	struct zab_metrics_own own = { 0 };
	char *out, *line, *save = NULL, type[64] = "", name[64];
	regex_t sample;

	(void)state;
	assert_int_equal(regcomp(&sample, "^(zab_[a-z_]+)(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? [0-9.]+$",
				 REG_EXTENDED), 0);
	out = render(&info, &own);
	assert_null(strstr(out, "zab_tls_"));	/* no certificates: no expiry */
	assert_non_null(strstr(out, "name=\"a\\\"b\""));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];

		if (!strncmp(line, "# HELP ", 7))
			continue;
		if (sscanf(line, "# TYPE %63s %63s", name, type) == 2) {
			assert_true(!strcmp(type, "counter") || !strcmp(type, "gauge") ||
				    !strcmp(type, "histogram"));
			assert_int_equal(!strcmp(type, "counter"),
					 strlen(name) > 6 && !strcmp(name + strlen(name) - 6, "_total"));
			continue;
		}
		if (strstr(line, "name=\"a\\\"b\""))
			continue;	/* the escaped label: checked above */
		if (regexec(&sample, line, 2, m, 0))
			fail_msg("not a sample line: %s", line);
		if (!strcmp(type, "histogram")) {
			/* NAME_bucket{le=...}, NAME_sum, NAME_count */
			const char *suffix = line + strlen(name);
			size_t len = (size_t)(m[1].rm_eo - m[1].rm_so) - strlen(name);

			assert_memory_equal(line, name, strlen(name));
			assert_true((len == 7 && !strncmp(suffix, "_bucket{le=", 11)) ||
				    (len == 4 && !strncmp(suffix, "_sum ", 5)) ||
				    (len == 6 && !strncmp(suffix, "_count ", 7)));
			continue;
		}
		assert_int_equal((int)(m[1].rm_eo - m[1].rm_so), (int)strlen(name));
		assert_memory_equal(line, name, strlen(name));
	}
	regfree(&sample);
	free(out);
}

/*
 * The kernel's buckets (powers of two of microseconds) as a cumulative
 * histogram in seconds, bounds written exactly; the fsync histogram only
 * when the kernel reports one (a log on disk).
 */
static void test_histograms(void **state)
{
	struct zab_info info = { .name = "h", .myid = 1 };
	struct zab_metrics_own own = { 0 };
	static const char *const want[] = {
		"# TYPE zab_commit_latency_seconds histogram\n",
		"zab_commit_latency_seconds_bucket{le=\"0.000001\"} 1\n",
		"zab_commit_latency_seconds_bucket{le=\"0.000002\"} 1\n",
		"zab_commit_latency_seconds_bucket{le=\"0.001024\"} 4\n",
		"zab_commit_latency_seconds_bucket{le=\"16.777216\"} 4\n",
		"zab_commit_latency_seconds_bucket{le=\"+Inf\"} 6\n",
		"zab_commit_latency_seconds_sum 61.000001500\n",
		"zab_commit_latency_seconds_count 6\n",
	};
	char *out;

	(void)state;
	info.commit_latency.set = true;
	info.commit_latency.buckets[0] = 1;	/* under 1 us */
	info.commit_latency.buckets[10] = 3;	/* 512 us to 1.024 ms */
	info.commit_latency.buckets[ZAB_HIST_BUCKETS - 1] = 2;
	info.commit_latency.sum_ns = 61000001500ULL;
	out = render(&info, &own);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(out, want[i]))
			fail_msg("missing: %s in:\n%s", want[i], out);
	assert_null(strstr(out, "zab_fsync_latency_seconds"));
	free(out);
	info.fsync_latency.set = true;
	info.fsync_latency.buckets[3] = 2;
	out = render(&info, &own);
	assert_non_null(strstr(out, "zab_fsync_latency_seconds_bucket{le=\"0.000008\"} 2\n"));
	assert_non_null(strstr(out, "zab_fsync_latency_seconds_count 2\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_format_rules),
	};

	return cmocka_run_group_tests_name("promfmt", tests, NULL, NULL);
}
