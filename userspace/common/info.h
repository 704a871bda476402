/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the kernel reports: one instance (a ZAB_CMD_GET reply) and one event
 * (a ZAB_CMD_EVENT multicast), decoded into plain structures.
 */
#ifndef ZAB_INFO_H
#define ZAB_INFO_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/zab.h>

#include "params.h"

struct zab_peer_info {
	uint32_t id;
	uint64_t last_zxid;
	uint32_t queued;
	uint32_t rtt_us;
	bool tls;		/* encrypted with kernel TLS */
	bool observer;		/* an observer, in no quorum */
	bool placed;		/* its works run on @cpu (spread_followers) */
	uint32_t cpu;
};

/* A latency histogram: buckets as ZAB_HIST_BUCKETS describes them. */
struct zab_hist_info {
	bool set;		/* reported by the kernel */
	uint64_t buckets[ZAB_HIST_BUCKETS];
	uint64_t sum_ns;
};

/* Long work zabd reports on the instance (ZAB_A_PROGRESS). */
struct zab_progress_info {
	uint8_t work;		/* enum zab_work; ZAB_WORK_NONE: none */
	uint64_t records;
	uint64_t bytes;
	uint64_t total_bytes;	/* 0: not known */
	uint64_t rate;		/* bytes per second */
	uint32_t seconds_left;	/* UINT32_MAX: no estimate */
};

struct zab_info {
	char name[ZAB_NAME_MAX + 1];
	uint32_t myid;
	uint32_t state;		/* enum zab_state */
	uint32_t epoch;
	uint32_t leader;	/* 0: none */
	uint64_t last_zxid;
	uint64_t commit_zxid;
	struct zab_params params;	/* .set marks those the kernel reported */
	uint64_t stats[ZAB_STAT_MAX + 1];	/* indexed by enum zab_stat */
	uint32_t stats_set;	/* bit i: stats[i] reported by the kernel */
	uint8_t durability;	/* enum zab_durability */
	uint64_t durable_zxid;
	uint32_t segment_bytes;	/* 0 without a log on disk */
	uint32_t log_error;	/* errno of the last failed write, 0 if none */
	uint64_t pending_bytes;	/* held for records after the commit point */
	uint64_t local_bytes;	/* room of this member's writes in flight */
	uint32_t once_clients;	/* exactly-once writers known */
	uint64_t once_floor;	/* known from the records after this zxid */
	bool leader_synced;	/* following a leader that established its epoch */
	bool observer;		/* following as an observer */
	struct zab_hist_info commit_latency;	/* proposal logged to commit */
	struct zab_hist_info fsync_latency;	/* each fsync of the log */
	struct zab_progress_info progress;
	struct zab_peer_info *peers;
	size_t n_peers;
};

static_assert(ZAB_STAT_MAX < 32, "zab_info.stats_set has a bit per counter");

/* Did the kernel report counter @stat (an older module knows fewer)? */
static inline bool zab_info_has_stat(const struct zab_info *info, enum zab_stat stat)
{
	return info->stats_set & (1u << stat);
}

struct zab_event_info {
	char name[ZAB_NAME_MAX + 1];
	uint32_t event;		/* enum zab_event */
	bool has_peer, has_reason, has_state, has_epoch;
	uint32_t peer;
	uint32_t reason;	/* enum zab_reason */
	uint32_t state;		/* enum zab_state */
	uint32_t epoch;
	uint32_t log_error;	/* LOG_ERROR: the errno */
};

struct zab_info_list {
	struct zab_info *items;
	size_t len;
	size_t cap;
};

/* Releases what @info owns (not @info itself). */
void zab_info_release(struct zab_info *info);

/* Appends a zeroed entry and returns it, or NULL if out of memory. */
struct zab_info *zab_info_list_add(struct zab_info_list *list);

/* Sorts by name, for stable output. */
void zab_info_list_sort(struct zab_info_list *list);

/* Releases every entry and the array; the list is empty afterwards. */
void zab_info_list_release(struct zab_info_list *list);

#endif
