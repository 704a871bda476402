// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/zab.h>

#include "fmt.h"
#include "params.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[] = {
	[ZAB_STATE_LOOKING]	= "LOOKING",
	[ZAB_STATE_FOLLOWING]	= "FOLLOWING",
	[ZAB_STATE_LEADING]	= "LEADING",
};

static const char *const event_names[] = {
	[ZAB_EVENT_CREATED]	= "CREATED",
	[ZAB_EVENT_DESTROYED]	= "DESTROYED",
	[ZAB_EVENT_PEER_DOWN]	= "PEER_DOWN",
	[ZAB_EVENT_LEADER_LOST]	= "LEADER_LOST",
	[ZAB_EVENT_QUORUM_LOST]	= "QUORUM_LOST",
	[ZAB_EVENT_STATE]	= "STATE",
	[ZAB_EVENT_LOG_ERROR]	= "LOG_ERROR",
	[ZAB_EVENT_LOG_OK]	= "LOG_OK",
};

static const char *const reason_names[] = {
	[ZAB_REASON_NONE]	= "none",
	[ZAB_REASON_CLOSED]	= "closed",
	[ZAB_REASON_SOCK_ERROR]	= "sock_error",
	[ZAB_REASON_TIMEOUT]	= "timeout",
	[ZAB_REASON_PROTOCOL]	= "protocol",
	[ZAB_REASON_NOMEM]	= "nomem",
	[ZAB_REASON_LAGGING]	= "lagging",
	[ZAB_REASON_STOPPED]	= "stopped",
	[ZAB_REASON_LOG_BEHIND]	= "log_behind",
};

/* Column names (--tsv) and labels (human view) of the counters. */
static const struct {
	const char *column;
	const char *label;
} stat_names[] = {
	[ZAB_STAT_WRITES]	= { "writes", "writes" },
	[ZAB_STAT_WRITE_BYTES]	= { "write_bytes", "write bytes" },
	[ZAB_STAT_WRITE_ERRORS]	= { "write_errors", "write errors" },
	[ZAB_STAT_READS]	= { "reads", "reads" },
	[ZAB_STAT_PROPOSALS]	= { "proposals", "proposals" },
	[ZAB_STAT_COMMITS]	= { "commits", "commits" },
	[ZAB_STAT_PEER_DOWNS]	= { "peer_downs", "peer downs" },
	[ZAB_STAT_BAD_FRAMES]	= { "bad_frames", "bad frames" },
	[ZAB_STAT_SYNC_DIFF]	= { "sync_diff", "followers synced by DIFF" },
	[ZAB_STAT_SYNC_TRUNC]	= { "sync_trunc", "followers synced by TRUNC" },
	[ZAB_STAT_SYNC_SNAP]	= { "sync_snap", "followers synced by SNAP" },
};

const char zab_tsv_columns[] =
	"name\tmyid\tstate\tepoch\tleader\tlast_zxid\tcommit_zxid\t"
	"tickTime\tsyncLimit\tinitLimit\twindowBytes\tmaxRecordSize\t"
	"writes\twrite_bytes\twrite_errors\treads\tproposals\tcommits\t"
	"peer_downs\tbad_frames\tsync_diff\tsync_trunc\tsync_snap\t"
	"durability\tdurable_zxid\tpeers";

#define LOOKUP(table, value) \
	((value) < ARRAY_SIZE(table) ? (table)[value] : NULL)

const char *zab_state_name(uint32_t state)
{
	return LOOKUP(state_names, state);
}

static const char *const durability_names[] = {
	[ZAB_DURABILITY_MEMORY] = "memory",
	[ZAB_DURABILITY_WRITE] = "write",
	[ZAB_DURABILITY_FSYNC] = "fsync",
};

const char *zab_durability_name(uint32_t durability)
{
	return LOOKUP(durability_names, durability);
}

const char *zab_event_name(uint32_t event)
{
	return LOOKUP(event_names, event);
}

const char *zab_reason_name(uint32_t reason)
{
	return LOOKUP(reason_names, reason);
}

const char *zab_stat_name(uint32_t stat)
{
	return stat < ARRAY_SIZE(stat_names) ? stat_names[stat].column : NULL;
}

/* The name of an enum value, or its number in @tmp when it has none. */
static const char *enum_str(char *tmp, size_t len, const char *name,
			    uint32_t value)
{
	if (name)
		return name;
	snprintf(tmp, len, "%" PRIu32, value);
	return tmp;
}

void zab_fmt_zxid(char *buf, size_t len, uint64_t zxid)
{
	snprintf(buf, len, "0x%" PRIx64, zxid);
}

void zab_fmt_zxid_long(char *buf, size_t len, uint64_t zxid)
{
	if (!zxid)
		snprintf(buf, len, "0x0 (none)");
	else
		snprintf(buf, len, "0x%" PRIx64 " (epoch %" PRIu32 ", counter %" PRIu32 ")",
			 zxid, (uint32_t)ZAB_ZXID_EPOCH(zxid),
			 (uint32_t)ZAB_ZXID_COUNTER(zxid));
}

/* Appends to @buf as snprintf would, tracking the used length in @pos. */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

void zab_fmt_event(char *buf, size_t len, const struct zab_event_info *ev)
{
	char tmp[16];
	size_t pos = 0;

	if (!len)
		return;
	buf[0] = '\0';
	append(buf, len, &pos, "%s event=%s", ev->name,
	       enum_str(tmp, sizeof(tmp), zab_event_name(ev->event), ev->event));
	if (ev->has_peer)
		append(buf, len, &pos, " peer=%" PRIu32, ev->peer);
	/* A peer that went down without a reason attribute had none given. */
	if (ev->has_reason || ev->event == ZAB_EVENT_PEER_DOWN)
		append(buf, len, &pos, " reason=%s",
		       enum_str(tmp, sizeof(tmp), zab_reason_name(ev->reason),
				ev->reason));
	if (ev->has_state)
		append(buf, len, &pos, " state=%s",
		       enum_str(tmp, sizeof(tmp), zab_state_name(ev->state),
				ev->state));
	if (ev->has_epoch)
		append(buf, len, &pos, " epoch=%" PRIu32, ev->epoch);
}

static void print_params(FILE *f, const struct zab_params *params)
{
	char value[32];

	for (int i = 0; i < ZAB_P_COUNT; i++) {
		const struct zab_param_def *def = &zab_param_defs[i];

		if (!zab_params_has(params, i))
			continue;
		zab_param_format(value, sizeof(value), i, params->value[i]);
		if (def->unit == ZAB_UNIT_BYTES)
			fprintf(f, "  %s: %s\n", def->key, value);
		else
			fprintf(f, "  %s: %s %s\n", def->key, value,
				zab_unit_name(def->unit));
	}
}

void zab_fmt_peer(char *buf, size_t len, const struct zab_peer_info *peer)
{
	snprintf(buf, len, "id %" PRIu32 ": acked 0x%" PRIx64 ", queued %" PRIu32
		 ", rtt %" PRIu32 ".%03" PRIu32 " ms", peer->id, peer->last_zxid,
		 peer->queued, peer->rtt_us / 1000, peer->rtt_us % 1000);
}

static void print_peers(FILE *f, const struct zab_info *info)
{
	char line[128];

	if (!info->n_peers) {
		fprintf(f, "  peers: none\n");
		return;
	}
	fprintf(f, "  peers:\n");
	for (size_t i = 0; i < info->n_peers; i++) {
		zab_fmt_peer(line, sizeof(line), &info->peers[i]);
		fprintf(f, "    %s\n", line);
	}
}

void zab_print_info(FILE *f, const struct zab_info *info)
{
	char tmp[16], zxid[64];

	fprintf(f, "instance: %s\n", info->name);
	fprintf(f, "  id: %" PRIu32 "\n", info->myid);
	fprintf(f, "  state: %s\n",
		enum_str(tmp, sizeof(tmp), zab_state_name(info->state), info->state));
	fprintf(f, "  epoch: %" PRIu32 "\n", info->epoch);
	if (info->leader)
		fprintf(f, "  leader: %" PRIu32 "\n", info->leader);
	else
		fprintf(f, "  leader: none\n");
	zab_fmt_zxid_long(zxid, sizeof(zxid), info->last_zxid);
	fprintf(f, "  last zxid: %s\n", zxid);
	zab_fmt_zxid_long(zxid, sizeof(zxid), info->commit_zxid);
	fprintf(f, "  committed zxid: %s\n", zxid);
	fprintf(f, "  durability: %s\n",
		enum_str(tmp, sizeof(tmp), zab_durability_name(info->durability),
			 info->durability));
	if (info->durability != ZAB_DURABILITY_MEMORY) {
		zab_fmt_zxid_long(zxid, sizeof(zxid), info->durable_zxid);
		fprintf(f, "  durable zxid: %s\n", zxid);
		if (info->log_error)
			fprintf(f, "  log error: %s\n", strerror((int)info->log_error));
	}
	print_params(f, &info->params);
	for (size_t i = 0; i < ARRAY_SIZE(stat_names); i++) {
		if (stat_names[i].label)
			fprintf(f, "  %s: %" PRIu64 "\n", stat_names[i].label,
				info->stats[i]);
	}
	print_peers(f, info);
}

static void print_tsv_peers(FILE *f, const struct zab_info *info)
{
	char zxid[32];

	if (!info->n_peers) {
		fputs("-", f);
		return;
	}
	for (size_t i = 0; i < info->n_peers; i++) {
		const struct zab_peer_info *peer = &info->peers[i];

		zab_fmt_zxid(zxid, sizeof(zxid), peer->last_zxid);
		fprintf(f, "%s%" PRIu32 ":%s:%" PRIu32 ":%" PRIu32,
			i ? "," : "", peer->id, zxid, peer->queued, peer->rtt_us);
	}
}

void zab_print_tsv(FILE *f, const struct zab_info *info)
{
	char tmp[16], last[32], commit[32], durable[32];

	zab_fmt_zxid(last, sizeof(last), info->last_zxid);
	zab_fmt_zxid(durable, sizeof(durable), info->durable_zxid);
	zab_fmt_zxid(commit, sizeof(commit), info->commit_zxid);
	fprintf(f, "%s\t%" PRIu32 "\t%s\t%" PRIu32 "\t%" PRIu32 "\t%s\t%s",
		info->name, info->myid,
		enum_str(tmp, sizeof(tmp), zab_state_name(info->state), info->state),
		info->epoch, info->leader, last, commit);
	for (int i = 0; i < ZAB_P_COUNT; i++) {
		if (zab_params_has(&info->params, i))
			fprintf(f, "\t%" PRIu32, info->params.value[i]);
		else
			fputs("\t-", f);
	}
	for (size_t i = 0; i < ARRAY_SIZE(stat_names); i++) {
		if (stat_names[i].column)
			fprintf(f, "\t%" PRIu64, info->stats[i]);
	}
	fprintf(f, "\t%s\t%s\t",
		enum_str(tmp, sizeof(tmp), zab_durability_name(info->durability),
			 info->durability), durable);
	print_tsv_peers(f, info);
	fputc('\n', f);
}
