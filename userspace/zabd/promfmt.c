// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Prometheus' text format of zabd's metrics. See promfmt.h. Names follow
 * Prometheus' conventions: zab_ prefix, units in the name, counters end in
 * _total. zxids are gauges of exact integers up to 2^53 (epochs below
 * 2^21), as a float64 holds them.
 */

#include <inttypes.h>

#include "common/fmt.h"
#include "promfmt.h"

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help,
		uint64_t value)
{
	head(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, value);
}

/*
 * A histogram in seconds: the kernel's buckets of powers of two of
 * microseconds (ZAB_HIST_BUCKETS), cumulative, each bound written exactly.
 */
static void hist(FILE *f, const char *name, const char *help, const struct zab_hist_info *h)
{
	uint64_t count = 0;

	head(f, name, "histogram", help);
	for (int i = 0; i < ZAB_HIST_BUCKETS - 1; i++) {
		uint64_t us = (uint64_t)1 << i;	/* the bound of bucket i */

		count += h->buckets[i];
		fprintf(f, "%s_bucket{le=\"%" PRIu64 ".%06" PRIu64 "\"} %" PRIu64 "\n",
			name, us / 1000000, us % 1000000, count);
	}
	count += h->buckets[ZAB_HIST_BUCKETS - 1];
	fprintf(f, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, count);
	fprintf(f, "%s_sum %" PRIu64 ".%09" PRIu64 "\n", name, h->sum_ns / 1000000000,
		h->sum_ns % 1000000000);
	fprintf(f, "%s_count %" PRIu64 "\n", name, count);
}

static const struct {
	enum zab_stat stat;
	const char *name;
	const char *help;
} counters[] = {
	{ ZAB_STAT_WRITES, "zab_writes_total", "Records written on this member (write(2), ZAB_IOC_APPEND)." },
	{ ZAB_STAT_WRITE_BYTES, "zab_write_bytes_total", "Bytes of the records written on this member." },
	{ ZAB_STAT_WRITE_ERRORS, "zab_write_errors_total", "Writes that failed." },
	{ ZAB_STAT_READS, "zab_reads_total", "Records read from the device." },
	{ ZAB_STAT_PROPOSALS, "zab_proposals_total", "Proposals made (leader) or received (follower)." },
	{ ZAB_STAT_COMMITS, "zab_commits_total", "Records committed." },
	{ ZAB_STAT_PEER_DOWNS, "zab_peer_downs_total", "Peers declared down." },
	{ ZAB_STAT_BAD_FRAMES, "zab_bad_frames_total", "Malformed frames from peers." },
	{ ZAB_STAT_OVER_BUDGET, "zab_over_budget_drops_total", "Peers dropped for taking the uncommitted bytes past the budget." },
	{ ZAB_STAT_AUTH_FAILURES, "zab_auth_failures_total", "Member connections that failed authentication (authKeyFile)." },
	{ ZAB_STAT_DUPLICATES, "zab_duplicates_total", "Exactly-once retries answered with the original record (leader)." },
	{ ZAB_STAT_ROOM_WAITS, "zab_room_waits_total", "Times a local writer waited for room in flight or in the leader's window." },
};

void zab_metrics_write(FILE *f, const struct zab_info *info,
		       const struct zab_metrics_own *own)
{
	static const char *const roles[] = { "looking", "following", "leading" };
	char name[2 * ZAB_NAME_MAX + 2];
	size_t i, j = 0;

	/* names are of [A-Za-z0-9_.-]; escaped all the same */
	for (i = 0; info->name[i] && j + 2 < sizeof(name); i++) {
		char ch = info->name[i];

		if (ch == '"' || ch == '\\' || ch == '\n')
			name[j++] = '\\';
		name[j++] = ch == '\n' ? 'n' : ch;
	}
	name[j] = '\0';
	head(f, "zab_member_info", "gauge", "This member: instance name and id.");
	fprintf(f, "zab_member_info{name=\"%s\",myid=\"%" PRIu32 "\"} 1\n", name, info->myid);
	head(f, "zab_role", "gauge", "1 for the member's role, 0 for the others.");
	for (i = 0; i < 3; i++)
		fprintf(f, "zab_role{role=\"%s\"} %d\n", roles[i], info->state == i);
	one(f, "zab_epoch", "gauge", "The epoch the kernel leads or follows.", info->epoch);
	one(f, "zab_accepted_epoch", "gauge", "acceptedEpoch.", own->accepted_epoch);
	one(f, "zab_current_epoch", "gauge", "currentEpoch.", own->current_epoch);
	one(f, "zab_unsynced", "gauge",
	    "1 while the log lost records it had on disk: the member votes in no quorum until synchronised.",
	    own->unsynced);
	one(f, "zab_leader", "gauge", "The leader's id, 0 for none.", info->leader);
	one(f, "zab_last_zxid", "gauge", "The last zxid in the log.", info->last_zxid);
	one(f, "zab_commit_zxid", "gauge", "The commit point.", info->commit_zxid);
	one(f, "zab_durable_zxid", "gauge", "The last zxid on disk.", info->durable_zxid);
	one(f, "zab_pending_bytes", "gauge", "Bytes held for records after the commit point.",
	    info->pending_bytes);
	one(f, "zab_log_error", "gauge", "errno of the last failed write of the log, 0 if none.",
	    info->log_error);
	/* a counter an older module does not report is left out, not 0 */
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (zab_info_has_stat(info, counters[i].stat))
			one(f, counters[i].name, "counter", counters[i].help,
			    info->stats[counters[i].stat]);
	if (zab_info_has_stat(info, ZAB_STAT_SYNC_DIFF)) {
		/* the three came in one module version */
		head(f, "zab_syncs_total", "counter", "Followers synchronised, by method.");
		fprintf(f, "zab_syncs_total{method=\"diff\"} %" PRIu64 "\n",
			info->stats[ZAB_STAT_SYNC_DIFF]);
		fprintf(f, "zab_syncs_total{method=\"trunc\"} %" PRIu64 "\n",
			info->stats[ZAB_STAT_SYNC_TRUNC]);
		fprintf(f, "zab_syncs_total{method=\"snap\"} %" PRIu64 "\n",
			info->stats[ZAB_STAT_SYNC_SNAP]);
	}
	if (info->commit_latency.set)
		hist(f, "zab_commit_latency_seconds",
		     "On a leader: time from a zxid's assignment to its commit.",
		     &info->commit_latency);
	if (info->fsync_latency.set)
		hist(f, "zab_fsync_latency_seconds", "Time of each fsync of the log on disk.",
		     &info->fsync_latency);
	one(f, "zab_elections_total", "counter", "Elections this zabd began.", own->elections);
	one(f, "zab_log_bytes", "gauge", "Bytes of the log's segments on disk.", own->log_bytes);
	one(f, "zab_snapshot_bytes", "gauge", "Bytes of the snapshots on disk.", own->snapshot_bytes);
	one(f, "zab_snapshots", "gauge", "Snapshots on disk.", own->snapshots);
	if (own->tls.cert > 0)
		one(f, "zab_tls_cert_expiry_timestamp_seconds", "gauge",
		    "auth = cert: when this member's certificate stops being valid.",
		    (uint64_t)own->tls.cert);
	if (own->tls.ca > 0)
		one(f, "zab_tls_ca_expiry_timestamp_seconds", "gauge",
		    "auth = cert: when the earliest CA certificate of tlsCaFile stops being valid.",
		    (uint64_t)own->tls.ca);
	if (own->tls.crl > 0)
		one(f, "zab_tls_crl_next_update_timestamp_seconds", "gauge",
		    "auth = cert: the earliest next update of tlsCrlFile's revocation lists.",
		    (uint64_t)own->tls.crl);
	head(f, "zab_peer_rtt_seconds", "gauge", "Round trip time to each peer.");
	for (i = 0; i < info->n_peers; i++)
		if (info->peers[i].rtt_us)	/* 0: not measured yet */
			fprintf(f, "zab_peer_rtt_seconds{peer=\"%" PRIu32 "\"} %.6f\n",
				info->peers[i].id, info->peers[i].rtt_us / 1e6);
	head(f, "zab_peer_queued_records", "gauge", "Records queued for each peer.");
	for (i = 0; i < info->n_peers; i++)
		fprintf(f, "zab_peer_queued_records{peer=\"%" PRIu32 "\"} %" PRIu32 "\n",
			info->peers[i].id, info->peers[i].queued);
	head(f, "zab_peer_last_zxid", "gauge", "The last zxid each peer acknowledged.");
	for (i = 0; i < info->n_peers; i++)
		fprintf(f, "zab_peer_last_zxid{peer=\"%" PRIu32 "\"} %" PRIu64 "\n",
			info->peers[i].id, info->peers[i].last_zxid);
}
