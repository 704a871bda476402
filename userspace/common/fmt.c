// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
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
	[ZAB_EVENT_EPOCH_EXHAUSTED] = "EPOCH_EXHAUSTED",
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
	[ZAB_REASON_ACK_TIMEOUT] = "ack_timeout",
	[ZAB_REASON_OVER_BUDGET] = "over_budget",
	[ZAB_REASON_TLS]	= "tls",
	[ZAB_REASON_TLS_KEY_USED] = "tls_key_used",
	[ZAB_REASON_DROPPED] = "dropped",
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
	[ZAB_STAT_OVER_BUDGET]	= { "over_budget", "peers dropped over the budget" },
	[ZAB_STAT_AUTH_FAILURES]	= { "auth_failures", "member connections that failed authentication" },
	[ZAB_STAT_DUPLICATES]	= { "duplicates", "exactly-once retries not appended again" },
	[ZAB_STAT_ROOM_WAITS]	= { "room_waits", "times a local writer waited for room" },
};

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

/* @s as a JSON string. */
static void append_json_str(char *buf, size_t len, size_t *pos, const char *s)
{
	append(buf, len, pos, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			append(buf, len, pos, "\\%c", c);
		else if (c < 0x20)
			append(buf, len, pos, "\\u%04x", c);
		else
			append(buf, len, pos, "%c", c);
	}
	append(buf, len, pos, "\"");
}

/* ,"KEY":"NAME", or ,"KEY":VALUE for a value without a name. */
static void append_json_enum(char *buf, size_t len, size_t *pos, const char *key,
			     const char *name, uint32_t value)
{
	append(buf, len, pos, ",\"%s\":", key);
	if (name)
		append_json_str(buf, len, pos, name);
	else
		append(buf, len, pos, "%" PRIu32, value);
}

void zab_fmt_event_json(char *buf, size_t len, const struct zab_event_info *ev)
{
	size_t pos = 0;

	if (!len)
		return;
	buf[0] = '\0';
	append(buf, len, &pos, "{\"name\":");
	append_json_str(buf, len, &pos, ev->name);
	append_json_enum(buf, len, &pos, "event", zab_event_name(ev->event), ev->event);
	if (ev->has_peer)
		append(buf, len, &pos, ",\"peer\":%" PRIu32, ev->peer);
	if (ev->has_reason || ev->event == ZAB_EVENT_PEER_DOWN)
		append_json_enum(buf, len, &pos, "reason", zab_reason_name(ev->reason),
				 ev->reason);
	if (ev->has_state)
		append_json_enum(buf, len, &pos, "state", zab_state_name(ev->state),
				 ev->state);
	if (ev->has_epoch)
		append(buf, len, &pos, ",\"epoch\":%" PRIu32, ev->epoch);
	append(buf, len, &pos, "}");
	/* a line cut short is no JSON: nothing rather than half an object */
	if (pos >= len)
		buf[0] = '\0';
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
	char cpu[24] = "";

	if (peer->placed)
		snprintf(cpu, sizeof(cpu), ", cpu %" PRIu32, peer->cpu);
	snprintf(buf, len, "id %" PRIu32 ": acked 0x%" PRIx64 ", queued %" PRIu32
		 ", rtt %" PRIu32 ".%03" PRIu32 " ms%s%s%s", peer->id,
		 peer->last_zxid, peer->queued, peer->rtt_us / 1000,
		 peer->rtt_us % 1000, peer->tls ? ", tls" : "",
		 peer->observer ? ", observer" : "", cpu);
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

double zab_hist_quantile(const struct zab_hist_info *h, double q)
{
	uint64_t count = 0, seen = 0;
	double rank;

	if (!h->set)
		return -1;
	for (int i = 0; i < ZAB_HIST_BUCKETS; i++)
		count += h->buckets[i];
	if (!count)
		return -1;
	rank = q * (double)count;
	for (int i = 0; i < ZAB_HIST_BUCKETS; i++) {
		double low = i ? (double)((uint64_t)1 << (i - 1)) : 0;

		if (!h->buckets[i] || (double)(seen + h->buckets[i]) < rank) {
			seen += h->buckets[i];
			continue;
		}
		if (i == ZAB_HIST_BUCKETS - 1)
			return low;	/* no upper bound to go by */
		/* spread evenly over the bucket, as Prometheus' histogram_quantile() */
		return low + (low ? low : 1) * ((rank - (double)seen) / (double)h->buckets[i]);
	}
	return -1;
}

static const struct {
	const char *name;	/* machine-readable */
	const char *doing;	/* for people */
} works[] = {
	[ZAB_WORK_RESTORE] = { "restore", "restoring the log" },
	[ZAB_WORK_SNAPSHOT_FETCH] = { "snapshot_fetch", "fetching a snapshot" },
};

const char *zab_work_name(uint32_t work)
{
	return work < ARRAY_SIZE(works) ? works[work].name : NULL;
}

/* @bytes as "123 B", "1.5 KiB", "2.0 MiB", "3.1 GiB" */
static void fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

void zab_fmt_progress(char *buf, size_t len, const struct zab_progress_info *p)
{
	const char *doing = p->work < ARRAY_SIZE(works) && works[p->work].doing ?
			    works[p->work].doing : "working";
	char done[32], total[32], rate[32];
	size_t pos = 0;

	fmt_size(done, sizeof(done), p->bytes);
	fmt_size(total, sizeof(total), p->total_bytes);
	fmt_size(rate, sizeof(rate), p->rate);
	append(buf, len, &pos, "%s: %" PRIu64 " records, %s", doing, p->records, done);
	if (p->total_bytes)
		append(buf, len, &pos, " of %s (%.0f%%)", total,
		       100.0 * (double)p->bytes / (double)p->total_bytes);
	append(buf, len, &pos, ", %s/s", rate);
	if (p->seconds_left != UINT32_MAX)
		append(buf, len, &pos, ", %" PRIu32 " s left", p->seconds_left);
}

/* "p50 1.234 ms, p99 5.678 ms, N samples", or "none" */
static void print_hist(FILE *f, const char *label, const struct zab_hist_info *h,
		       const char *what)
{
	double p50 = zab_hist_quantile(h, 0.5), p99 = zab_hist_quantile(h, 0.99);
	uint64_t count = 0;

	if (!h->set)
		return;
	for (int i = 0; i < ZAB_HIST_BUCKETS; i++)
		count += h->buckets[i];
	if (!count)
		fprintf(f, "  %s: none yet\n", label);
	else
		fprintf(f, "  %s: p50 %.3f ms, p99 %.3f ms, %" PRIu64 " %s\n", label,
			p50 / 1000, p99 / 1000, count, what);
}

void zab_print_info(FILE *f, const struct zab_info *info)
{
	char tmp[16], zxid[64];

	fprintf(f, "instance: %s\n", info->name);
	fprintf(f, "  id: %" PRIu32 "\n", info->myid);
	fprintf(f, "  state: %s\n",
		enum_str(tmp, sizeof(tmp), zab_state_name(info->state), info->state));
	if (info->observer)
		fprintf(f, "  role: observer\n");
	fprintf(f, "  epoch: %" PRIu32 "\n", info->epoch);
	if (info->leader)
		fprintf(f, "  leader: %" PRIu32 "\n", info->leader);
	else
		fprintf(f, "  leader: none\n");
	zab_fmt_zxid_long(zxid, sizeof(zxid), info->last_zxid);
	fprintf(f, "  last zxid: %s\n", zxid);
	zab_fmt_zxid_long(zxid, sizeof(zxid), info->commit_zxid);
	fprintf(f, "  committed zxid: %s\n", zxid);
	fprintf(f, "  pending bytes: %" PRIu64 "\n", info->pending_bytes);
	fprintf(f, "  local bytes: %" PRIu64 "\n", info->local_bytes);
	if (info->once_clients || info->once_floor)
		fprintf(f, "  exactly-once clients: %" PRIu32 ", all known after 0x%" PRIx64 "\n",
			info->once_clients, info->once_floor);
	fprintf(f, "  durability: %s\n",
		enum_str(tmp, sizeof(tmp), zab_durability_name(info->durability),
			 info->durability));
	if (info->durability != ZAB_DURABILITY_MEMORY) {
		zab_fmt_zxid_long(zxid, sizeof(zxid), info->durable_zxid);
		fprintf(f, "  durable zxid: %s\n", zxid);
		if (info->log_error)
			fprintf(f, "  log error: %s\n", strerror((int)info->log_error));
	}
	if (info->progress.work != ZAB_WORK_NONE) {
		char line[160];

		zab_fmt_progress(line, sizeof(line), &info->progress);
		fprintf(f, "  progress: %s\n", line);
	}
	print_hist(f, "commit latency", &info->commit_latency, "records");
	print_hist(f, "fsync latency", &info->fsync_latency, "fsyncs");
	print_params(f, &info->params);
	for (size_t i = 0; i < ARRAY_SIZE(stat_names); i++) {
		if (stat_names[i].label && zab_info_has_stat(info, (enum zab_stat)i))
			fprintf(f, "  %s: %" PRIu64 "\n", stat_names[i].label,
				info->stats[i]);
	}
	print_peers(f, info);
}

/*
 * The fields of the machine-readable views (--tsv, -o, --json), in their
 * documented order. @print writes one field's value: as text for --tsv and
 * -o, as a JSON value for --json.
 */
struct field {
	const char *name;
	void (*print)(FILE *f, const struct zab_info *info, int arg, bool json);
	int arg;
};

/* A string: as is in text, quoted and escaped in JSON. */
static void print_str(FILE *f, const char *s, bool json)
{
	if (!json) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_zxid(FILE *f, uint64_t zxid, bool json)
{
	char buf[32];

	zab_fmt_zxid(buf, sizeof(buf), zxid);
	print_str(f, buf, json);
}

static void print_enum(FILE *f, const char *name, uint32_t value, bool json)
{
	if (name)
		print_str(f, name, json);
	else
		fprintf(f, "%" PRIu32, value);
}

/* Fields of plain types: @arg is their offset in struct zab_info. */
#define FIELD(info, arg, type) (*(const type *)((const char *)(info) + (arg)))

static void f_name(FILE *f, const struct zab_info *info, int arg, bool json)
{
	print_str(f, &FIELD(info, arg, char), json);
}

static void f_u32(FILE *f, const struct zab_info *info, int arg, bool json)
{
	(void)json;
	fprintf(f, "%" PRIu32, FIELD(info, arg, uint32_t));
}

static void f_u64(FILE *f, const struct zab_info *info, int arg, bool json)
{
	(void)json;
	fprintf(f, "%" PRIu64, FIELD(info, arg, uint64_t));
}

static void f_zxid(FILE *f, const struct zab_info *info, int arg, bool json)
{
	print_zxid(f, FIELD(info, arg, uint64_t), json);
}

static void f_state(FILE *f, const struct zab_info *info, int arg, bool json)
{
	(void)arg;
	print_enum(f, zab_state_name(info->state), info->state, json);
}

/* A parameter the kernel did not report: `-', or null in JSON. */
static void f_param(FILE *f, const struct zab_info *info, int arg, bool json)
{
	if (zab_params_has(&info->params, arg))
		fprintf(f, "%" PRIu32, info->params.value[arg]);
	else
		fputs(json ? "null" : "-", f);
}

/* A counter the kernel did not report (an older module): `-', or null. */
static void f_stat(FILE *f, const struct zab_info *info, int arg, bool json)
{
	if (zab_info_has_stat(info, (enum zab_stat)arg))
		fprintf(f, "%" PRIu64, info->stats[arg]);
	else
		fputs(json ? "null" : "-", f);
}

static void f_durability(FILE *f, const struct zab_info *info, int arg,
			 bool json)
{
	(void)arg;
	print_enum(f, zab_durability_name(info->durability), info->durability,
		   json);
}

/* The quantiles shown as fields: which histogram, which quantile. */
static const struct {
	size_t off;		/* of the histogram in struct zab_info */
	double q;
} quantiles[] = {
	{ offsetof(struct zab_info, commit_latency), 0.5 },
	{ offsetof(struct zab_info, commit_latency), 0.99 },
	{ offsetof(struct zab_info, fsync_latency), 0.5 },
	{ offsetof(struct zab_info, fsync_latency), 0.99 },
};

/* quantiles[@arg] in whole microseconds; `-' (JSON null) without samples. */
static void f_quantile(FILE *f, const struct zab_info *info, int arg, bool json)
{
	const struct zab_hist_info *h = (const void *)((const char *)info + quantiles[arg].off);
	double us = zab_hist_quantile(h, quantiles[arg].q);

	if (us < 0)
		fputs(json ? "null" : "-", f);
	else
		fprintf(f, "%.0f", us);
}

/*
 * Text: WORK:RECORDS:BYTES:TOTAL_BYTES:RATE:SECONDS_LEFT (`-' for no
 * estimate), or `-' without long work. JSON: an object with those members
 * (seconds_left null for no estimate), or null.
 */
static void f_progress(FILE *f, const struct zab_info *info, int arg, bool json)
{
	const struct zab_progress_info *p = &info->progress;
	const char *name = zab_work_name(p->work);
	char work[16], left[16];

	(void)arg;
	if (p->work == ZAB_WORK_NONE) {
		fputs(json ? "null" : "-", f);
		return;
	}
	if (name)
		snprintf(work, sizeof(work), json ? "\"%s\"" : "%s", name);
	else
		snprintf(work, sizeof(work), "%u", p->work);
	if (p->seconds_left == UINT32_MAX)
		snprintf(left, sizeof(left), json ? "null" : "-");
	else
		snprintf(left, sizeof(left), "%" PRIu32, p->seconds_left);
	if (json)
		fprintf(f, "{\"work\":%s,\"records\":%" PRIu64 ",\"bytes\":%" PRIu64
			",\"total_bytes\":%" PRIu64 ",\"rate\":%" PRIu64 ",\"seconds_left\":%s}",
			work, p->records, p->bytes, p->total_bytes, p->rate, left);
	else
		fprintf(f, "%s:%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%s", work,
			p->records, p->bytes, p->total_bytes, p->rate, left);
}

/*
 * Text: ID:LAST_ZXID:QUEUED:RTT_US,... or `-'. JSON: an array of objects
 * with those four members.
 */
/* Peers with a flag: @arg is the offset of that bool in zab_peer_info. */
static void f_peers_with(FILE *f, const struct zab_info *info, int arg, bool json)
{
	size_t n = 0;

	(void)json;
	for (size_t i = 0; i < info->n_peers; i++)
		n += FIELD(&info->peers[i], arg, bool);
	fprintf(f, "%zu", n);
}

static void f_observer(FILE *f, const struct zab_info *info, int arg, bool json)
{
	(void)arg;
	(void)json;
	fputs(info->observer ? "true" : "false", f);
}

static void f_peers(FILE *f, const struct zab_info *info, int arg, bool json)
{
	char zxid[32];

	(void)arg;
	if (!json && !info->n_peers) {
		fputs("-", f);
		return;
	}
	if (json)
		fputc('[', f);
	for (size_t i = 0; i < info->n_peers; i++) {
		const struct zab_peer_info *peer = &info->peers[i];
		char cpu[16] = "null";

		if (peer->placed)
			snprintf(cpu, sizeof(cpu), "%" PRIu32, peer->cpu);
		zab_fmt_zxid(zxid, sizeof(zxid), peer->last_zxid);
		if (json)
			fprintf(f, "%s{\"id\":%" PRIu32 ",\"last_zxid\":\"%s\","
				"\"queued\":%" PRIu32 ",\"rtt_us\":%" PRIu32
				",\"tls\":%s,\"observer\":%s,\"cpu\":%s}",
				i ? "," : "", peer->id, zxid, peer->queued,
				peer->rtt_us, peer->tls ? "true" : "false",
				peer->observer ? "true" : "false", cpu);
		else
			fprintf(f, "%s%" PRIu32 ":%s:%" PRIu32 ":%" PRIu32,
				i ? "," : "", peer->id, zxid, peer->queued,
				peer->rtt_us);
	}
	if (json)
		fputc(']', f);
}

static const struct field fields[] = {
	{ "name", f_name, offsetof(struct zab_info, name) },
	{ "myid", f_u32, offsetof(struct zab_info, myid) },
	{ "state", f_state, 0 },
	{ "epoch", f_u32, offsetof(struct zab_info, epoch) },
	{ "leader", f_u32, offsetof(struct zab_info, leader) },
	{ "last_zxid", f_zxid, offsetof(struct zab_info, last_zxid) },
	{ "commit_zxid", f_zxid, offsetof(struct zab_info, commit_zxid) },
	{ "tickTime", f_param, ZAB_P_TICK_TIME },
	{ "syncLimit", f_param, ZAB_P_SYNC_LIMIT },
	{ "initLimit", f_param, ZAB_P_INIT_LIMIT },
	{ "windowBytes", f_param, ZAB_P_WINDOW_BYTES },
	{ "maxRecordSize", f_param, ZAB_P_MAX_RECORD },
	{ "writes", f_stat, ZAB_STAT_WRITES },
	{ "write_bytes", f_stat, ZAB_STAT_WRITE_BYTES },
	{ "write_errors", f_stat, ZAB_STAT_WRITE_ERRORS },
	{ "reads", f_stat, ZAB_STAT_READS },
	{ "proposals", f_stat, ZAB_STAT_PROPOSALS },
	{ "commits", f_stat, ZAB_STAT_COMMITS },
	{ "peer_downs", f_stat, ZAB_STAT_PEER_DOWNS },
	{ "bad_frames", f_stat, ZAB_STAT_BAD_FRAMES },
	{ "sync_diff", f_stat, ZAB_STAT_SYNC_DIFF },
	{ "sync_trunc", f_stat, ZAB_STAT_SYNC_TRUNC },
	{ "sync_snap", f_stat, ZAB_STAT_SYNC_SNAP },
	{ "durability", f_durability, 0 },
	{ "durable_zxid", f_zxid, offsetof(struct zab_info, durable_zxid) },
	{ "pending_bytes", f_u64, offsetof(struct zab_info, pending_bytes) },
	{ "over_budget", f_stat, ZAB_STAT_OVER_BUDGET },
	{ "auth_failures", f_stat, ZAB_STAT_AUTH_FAILURES },
	{ "peers", f_peers, 0 },
	{ "tls_peers", f_peers_with, offsetof(struct zab_peer_info, tls) },
	{ "commit_p50_us", f_quantile, 0 },
	{ "commit_p99_us", f_quantile, 1 },
	{ "fsync_p50_us", f_quantile, 2 },
	{ "fsync_p99_us", f_quantile, 3 },
	{ "progress", f_progress, 0 },
	/* new fields go last: columns keep their place */
	{ "local_bytes", f_u64, offsetof(struct zab_info, local_bytes) },
	{ "duplicates", f_stat, ZAB_STAT_DUPLICATES },
	{ "once_clients", f_u32, offsetof(struct zab_info, once_clients) },
	{ "once_floor", f_zxid, offsetof(struct zab_info, once_floor) },
	{ "observer", f_observer, 0 },
	{ "observer_peers", f_peers_with, offsetof(struct zab_peer_info, observer) },
	{ "room_waits", f_stat, ZAB_STAT_ROOM_WAITS },
};

size_t zab_field_count(void)
{
	return ARRAY_SIZE(fields);
}

const char *zab_field_name(size_t i)
{
	return i < ARRAY_SIZE(fields) ? fields[i].name : NULL;
}

int zab_field_find(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strlen(fields[i].name) == len &&
		    !strncmp(fields[i].name, name, len))
			return (int)i;
	}
	return -1;
}

void zab_print_fields(FILE *f, const struct zab_info *info,
		      const int *which, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *fd = &fields[which[i]];

		if (i)
			fputc('\t', f);
		fd->print(f, info, fd->arg, false);
	}
	fputc('\n', f);
}

void zab_print_tsv(FILE *f, const struct zab_info *info)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (i)
			fputc('\t', f);
		fields[i].print(f, info, fields[i].arg, false);
	}
	fputc('\n', f);
}

void zab_print_json(FILE *f, const struct zab_info *info)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "{", fields[i].name);
		fields[i].print(f, info, fields[i].arg, true);
	}
	fputs("}\n", f);
}
