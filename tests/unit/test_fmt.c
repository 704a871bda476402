// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Names of enum values, zxids, event lines, and the views of zabctl show. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fmt.h"

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(zab_state_name(ZAB_STATE_LOOKING), "LOOKING");
	assert_string_equal(zab_state_name(ZAB_STATE_FOLLOWING), "FOLLOWING");
	assert_string_equal(zab_state_name(ZAB_STATE_LEADING), "LEADING");
	assert_null(zab_state_name(3));
	assert_null(zab_state_name(UINT32_MAX));
}

static void test_event_names(void **state)
{
	(void)state;
	assert_null(zab_event_name(ZAB_EVENT_UNSPEC));
	assert_string_equal(zab_event_name(ZAB_EVENT_CREATED), "CREATED");
	assert_string_equal(zab_event_name(ZAB_EVENT_DESTROYED), "DESTROYED");
	assert_string_equal(zab_event_name(ZAB_EVENT_PEER_DOWN), "PEER_DOWN");
	assert_string_equal(zab_event_name(ZAB_EVENT_LEADER_LOST), "LEADER_LOST");
	assert_string_equal(zab_event_name(ZAB_EVENT_QUORUM_LOST), "QUORUM_LOST");
	assert_string_equal(zab_event_name(ZAB_EVENT_STATE), "STATE");
	assert_string_equal(zab_event_name(ZAB_EVENT_LOG_ERROR), "LOG_ERROR");
	assert_string_equal(zab_event_name(ZAB_EVENT_LOG_OK), "LOG_OK");
	assert_string_equal(zab_event_name(ZAB_EVENT_EPOCH_EXHAUSTED), "EPOCH_EXHAUSTED");
	assert_null(zab_event_name(ZAB_EVENT_EPOCH_EXHAUSTED + 1));
	assert_string_equal(zab_durability_name(ZAB_DURABILITY_MEMORY), "memory");
	assert_string_equal(zab_durability_name(ZAB_DURABILITY_FSYNC), "fsync");
	assert_null(zab_durability_name(ZAB_DURABILITY_FSYNC + 1));
}

static void test_reason_and_stat_names(void **state)
{
	(void)state;
	assert_string_equal(zab_reason_name(ZAB_REASON_NONE), "none");
	assert_string_equal(zab_reason_name(ZAB_REASON_CLOSED), "closed");
	assert_string_equal(zab_reason_name(ZAB_REASON_SOCK_ERROR), "sock_error");
	assert_string_equal(zab_reason_name(ZAB_REASON_TIMEOUT), "timeout");
	assert_string_equal(zab_reason_name(ZAB_REASON_PROTOCOL), "protocol");
	assert_string_equal(zab_reason_name(ZAB_REASON_NOMEM), "nomem");
	assert_string_equal(zab_reason_name(ZAB_REASON_LAGGING), "lagging");
	assert_string_equal(zab_reason_name(ZAB_REASON_STOPPED), "stopped");
	assert_string_equal(zab_reason_name(ZAB_REASON_LOG_BEHIND), "log_behind");
	assert_string_equal(zab_reason_name(ZAB_REASON_ACK_TIMEOUT), "ack_timeout");
	assert_string_equal(zab_reason_name(ZAB_REASON_OVER_BUDGET), "over_budget");
	assert_string_equal(zab_reason_name(ZAB_REASON_TLS), "tls");
	assert_string_equal(zab_reason_name(ZAB_REASON_TLS_KEY_USED), "tls_key_used");
	assert_string_equal(zab_reason_name(ZAB_REASON_DROPPED), "dropped");
	assert_null(zab_reason_name(ZAB_REASON_DROPPED + 1));

	assert_null(zab_stat_name(ZAB_STAT_UNSPEC));
	assert_string_equal(zab_stat_name(ZAB_STAT_WRITES), "writes");
	assert_string_equal(zab_stat_name(ZAB_STAT_WRITE_BYTES), "write_bytes");
	assert_string_equal(zab_stat_name(ZAB_STAT_BAD_FRAMES), "bad_frames");
	assert_null(zab_stat_name(ZAB_STAT_PAD));
}

static void test_zxid(void **state)
{
	char buf[64];

	(void)state;
	zab_fmt_zxid(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0x0");
	zab_fmt_zxid(buf, sizeof(buf), ZAB_ZXID(1, 2));
	assert_string_equal(buf, "0x100000002");
	zab_fmt_zxid(buf, sizeof(buf), ZAB_ZXID(0xabc, 0xffffffff));
	assert_string_equal(buf, "0xabcffffffff");
	zab_fmt_zxid(buf, sizeof(buf), UINT64_MAX);
	assert_string_equal(buf, "0xffffffffffffffff");

	zab_fmt_zxid_long(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0x0 (none)");
	zab_fmt_zxid_long(buf, sizeof(buf), ZAB_ZXID(1, 2));
	assert_string_equal(buf, "0x100000002 (epoch 1, counter 2)");
	zab_fmt_zxid_long(buf, sizeof(buf), ZAB_ZXID(7, 0));
	assert_string_equal(buf, "0x700000000 (epoch 7, counter 0)");
	zab_fmt_zxid_long(buf, sizeof(buf), UINT64_MAX);
	assert_string_equal(buf, "0xffffffffffffffff (epoch 4294967295, counter 4294967295)");
}

static void test_event_lines(void **state)
{
	struct zab_event_info ev = {
		.name = "ens1",
		.event = ZAB_EVENT_PEER_DOWN,
		.has_peer = true, .peer = 2,
		.has_reason = true, .reason = ZAB_REASON_TIMEOUT,
	};
	char buf[256];

	(void)state;
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "ens1 event=PEER_DOWN peer=2 reason=timeout");

	ev = (struct zab_event_info){
		.name = "b", .event = ZAB_EVENT_STATE,
		.has_state = true, .state = ZAB_STATE_LEADING,
		.has_epoch = true, .epoch = 3,
	};
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "b event=STATE state=LEADING epoch=3");

	/* the kernel leaves out ZAB_REASON_NONE; it reads as none */
	ev = (struct zab_event_info){
		.name = "a", .event = ZAB_EVENT_PEER_DOWN,
		.has_peer = true, .peer = 3,
		.has_state = true, .state = ZAB_STATE_LOOKING,
		.has_epoch = true, .epoch = 2,
	};
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "a event=PEER_DOWN peer=3 reason=none state=LOOKING epoch=2");

	ev = (struct zab_event_info){ .name = "c", .event = ZAB_EVENT_CREATED };
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "c event=CREATED");

	ev = (struct zab_event_info){ .name = "c", .event = ZAB_EVENT_LEADER_LOST };
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "c event=LEADER_LOST");
}

static void test_event_line_unknown_values(void **state)
{
	struct zab_event_info ev = {
		.name = "x", .event = 42,
		.has_peer = true, .peer = 0,
		.has_reason = true, .reason = 17,
		.has_state = true, .state = 9,
		.has_epoch = true, .epoch = UINT32_MAX,
	};
	char buf[256];

	(void)state;
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "x event=42 peer=0 reason=17 state=9 epoch=4294967295");
}

static void test_event_line_truncated(void **state)
{
	struct zab_event_info ev = {
		.name = "abcdefghijklmnopqrstuvwxyz01234",
		.event = ZAB_EVENT_PEER_DOWN,
		.has_peer = true, .peer = 200,
		.has_reason = true, .reason = ZAB_REASON_SOCK_ERROR,
	};
	char buf[40];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	zab_fmt_event(buf, sizeof(buf), &ev);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_string_equal(buf, "abcdefghijklmnopqrstuvwxyz01234 event=P");
	zab_fmt_event(buf, 1, &ev);
	assert_string_equal(buf, "");
}

static void test_event_json(void **state)
{
	struct zab_event_info ev = {
		.name = "ens1",
		.event = ZAB_EVENT_PEER_DOWN,
		.has_peer = true, .peer = 2,
		.has_reason = true, .reason = ZAB_REASON_TIMEOUT,
	};
	char buf[256];

	(void)state;
	zab_fmt_event_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"name\":\"ens1\",\"event\":\"PEER_DOWN\",\"peer\":2,\"reason\":\"timeout\"}");

	ev = (struct zab_event_info){
		.name = "b", .event = ZAB_EVENT_STATE,
		.has_state = true, .state = ZAB_STATE_LEADING,
		.has_epoch = true, .epoch = 3,
	};
	zab_fmt_event_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"name\":\"b\",\"event\":\"STATE\",\"state\":\"LEADING\",\"epoch\":3}");

	/* PEER_DOWN without a reason reads as none, as on the line */
	ev = (struct zab_event_info){
		.name = "a", .event = ZAB_EVENT_PEER_DOWN, .has_peer = true, .peer = 3,
	};
	zab_fmt_event_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"name\":\"a\",\"event\":\"PEER_DOWN\",\"peer\":3,\"reason\":\"none\"}");

	/* unknown values are numbers; a name is escaped */
	ev = (struct zab_event_info){
		.name = "q\"\\\x01", .event = 42,
		.has_reason = true, .reason = 17,
		.has_state = true, .state = 9,
		.has_epoch = true, .epoch = UINT32_MAX,
	};
	zab_fmt_event_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"name\":\"q\\\"\\\\\\u0001\",\"event\":42,\"reason\":17,\"state\":9,\"epoch\":4294967295}");

	/* cut short: nothing, not half an object */
	zab_fmt_event_json(buf, 20, &ev);
	assert_string_equal(buf, "");
	zab_fmt_event_json(buf, 1, &ev);
	assert_string_equal(buf, "");
}

/* An instance as the kernel might report it, with two peers. */
static struct zab_info *sample(void)
{
	static struct zab_peer_info peers[] = {
		{ .id = 2, .last_zxid = ZAB_ZXID(1, 2), .queued = 0, .rtt_us = 120 },
		{ .id = 3, .last_zxid = ZAB_ZXID(1, 1), .queued = 4, .rtt_us = 2500,
		  .tls = true, .placed = true, .cpu = 1 },
	};
	static struct zab_info info;

	memset(&info, 0, sizeof(info));
	strcpy(info.name, "ens1");
	info.myid = 1;
	info.state = ZAB_STATE_LEADING;
	info.epoch = 1;
	info.leader = 1;
	info.last_zxid = ZAB_ZXID(1, 2);
	info.commit_zxid = ZAB_ZXID(1, 1);
	zab_params_init(&info.params);
	info.params.set = (1u << ZAB_P_COUNT) - 1;
	info.params.value[ZAB_P_TICK_TIME] = 500;
	info.params.value[ZAB_P_WINDOW_BYTES] = 100000;
	for (int i = ZAB_STAT_WRITES; i <= ZAB_STAT_BAD_FRAMES; i++)
		info.stats[i] = 10 * i;
	info.stats[ZAB_STAT_WRITE_BYTES] = UINT64_MAX;
	info.stats[ZAB_STAT_SYNC_DIFF] = 2;
	info.stats[ZAB_STAT_SYNC_TRUNC] = 1;
	info.stats[ZAB_STAT_SYNC_SNAP] = 3;
	info.stats[ZAB_STAT_OVER_BUDGET] = 6;
	info.stats[ZAB_STAT_AUTH_FAILURES] = 5;
	info.pending_bytes = 4096;
	info.local_bytes = 1024;
	info.stats[ZAB_STAT_DUPLICATES] = 7;
	info.stats[ZAB_STAT_ROOM_WAITS] = 8;
	info.stats_set = ~0u;
	info.once_clients = 3;
	info.once_floor = ZAB_ZXID(1, 0);
	info.durability = ZAB_DURABILITY_FSYNC;
	info.durable_zxid = ZAB_ZXID(1, 2);
	info.segment_bytes = 64 << 20;
	info.log_error = ENOSPC;
	info.peers = peers;
	info.n_peers = 2;
	/* 4 records of 512 us to 1.024 ms: p50 at 768 us, p99 at 1019 us (linear within the bucket) */
	info.commit_latency.set = true;
	info.commit_latency.buckets[10] = 4;
	/* the kernel reported no fsync histogram (memory mode) */
	return &info;
}

static char *capture(void (*print)(FILE *, const struct zab_info *),
		     const struct zab_info *info)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	print(f, info);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_tsv(void **state)
{
	char *line;

	(void)state;
	line = capture(zab_print_tsv, sample());
	assert_string_equal(line,
		"ens1\t1\tLEADING\t1\t1\t0x100000002\t0x100000001\t"
		"500\t5\t10\t100000\t1048576\t"
		"10\t18446744073709551615\t30\t40\t50\t60\t70\t80\t2\t1\t3\t"
		"fsync\t0x100000002\t4096\t6\t5\t"
		"2:0x100000002:0:120,3:0x100000001:4:2500\t1\t"
		"768\t1019\t-\t-\t-\t1024\t7\t3\t0x100000000\tfalse\t0\t8\n");
	free(line);
}

static void test_tsv_sparse(void **state)
{
	struct zab_info info = { .name = "n", .myid = 7, .state = 5 };
	char *line;

	(void)state;
	zab_params_init(&info.params);
	info.params.set = 1u << ZAB_P_SYNC_LIMIT;
	line = capture(zab_print_tsv, &info);
	assert_string_equal(line,
		"n\t7\t5\t0\t0\t0x0\t0x0\t-\t5\t-\t-\t-\t"
		"-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\tmemory\t0x0\t0\t-\t-\t-\t0\t-\t-\t-\t-\t-\t0\t-\t0\t0x0\tfalse\t0\t-\n");
	free(line);
}

static size_t count_fields(const char *s)
{
	size_t n = 1;

	for (; *s && *s != '\n'; s++)
		n += *s == '\t';
	return n;
}

/* The fields are named once, and --tsv prints them all, in their order. */
static void test_fields_named(void **state)
{
	char *line;

	(void)state;
	line = capture(zab_print_tsv, sample());
	assert_int_equal(count_fields(line), zab_field_count());
	assert_int_equal(zab_field_count(), 42);
	assert_string_equal(zab_field_name(0), "name");
	assert_string_equal(zab_field_name(20), "sync_diff");
	assert_string_equal(zab_field_name(27), "auth_failures");
	assert_string_equal(zab_field_name(28), "peers");
	assert_string_equal(zab_field_name(29), "tls_peers");
	assert_string_equal(zab_field_name(33), "fsync_p99_us");
	assert_string_equal(zab_field_name(34), "progress");
	assert_string_equal(zab_field_name(35), "local_bytes");
	assert_string_equal(zab_field_name(36), "duplicates");
	assert_string_equal(zab_field_name(37), "once_clients");
	assert_string_equal(zab_field_name(38), "once_floor");
	assert_string_equal(zab_field_name(39), "observer");
	assert_string_equal(zab_field_name(40), "observer_peers");
	assert_string_equal(zab_field_name(41), "room_waits");
	assert_null(zab_field_name(42));
	for (size_t i = 0; i < zab_field_count(); i++) {
		const char *n = zab_field_name(i);

		assert_int_equal(zab_field_find(n, strlen(n)), (int)i);
	}
	/* every counter is a field (the human view lists them from stat_names) */
	for (uint32_t st = 0; st <= ZAB_STAT_MAX; st++) {
		const char *n = zab_stat_name(st);

		if (n)
			assert_true(zab_field_find(n, strlen(n)) >= 0);
	}
	assert_int_equal(zab_field_find("state,leader", 5), 2);
	assert_int_equal(zab_field_find("stat", 4), -1);
	assert_int_equal(zab_field_find("states", 6), -1);
	assert_int_equal(zab_field_find("", 0), -1);
	free(line);
}

static void test_fields_selected(void **state)
{
	const int which[] = { 2, 4, 28, 0, 2 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	zab_print_fields(f, sample(), which, 5);
	zab_print_fields(f, sample(), which + 3, 1);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text,
		"LEADING\t1\t2:0x100000002:0:120,3:0x100000001:4:2500\tens1\tLEADING\n"
		"ens1\n");
	free(text);
}

static void test_json(void **state)
{
	char *line;

	(void)state;
	line = capture(zab_print_json, sample());
	assert_string_equal(line,
		"{\"name\":\"ens1\",\"myid\":1,\"state\":\"LEADING\",\"epoch\":1,"
		"\"leader\":1,\"last_zxid\":\"0x100000002\",\"commit_zxid\":\"0x100000001\","
		"\"tickTime\":500,\"syncLimit\":5,\"initLimit\":10,\"windowBytes\":100000,"
		"\"maxRecordSize\":1048576,\"writes\":10,\"write_bytes\":18446744073709551615,"
		"\"write_errors\":30,\"reads\":40,\"proposals\":50,\"commits\":60,"
		"\"peer_downs\":70,\"bad_frames\":80,\"sync_diff\":2,\"sync_trunc\":1,"
		"\"sync_snap\":3,\"durability\":\"fsync\",\"durable_zxid\":\"0x100000002\","
		"\"pending_bytes\":4096,\"over_budget\":6,\"auth_failures\":5,"
		"\"peers\":[{\"id\":2,\"last_zxid\":\"0x100000002\",\"queued\":0,\"rtt_us\":120,\"tls\":false,\"observer\":false,\"cpu\":null},"
		"{\"id\":3,\"last_zxid\":\"0x100000001\",\"queued\":4,\"rtt_us\":2500,\"tls\":true,\"observer\":false,\"cpu\":1}],"
		"\"tls_peers\":1,"
		"\"commit_p50_us\":768,\"commit_p99_us\":1019,\"fsync_p50_us\":null,"
		"\"fsync_p99_us\":null,\"progress\":null,\"local_bytes\":1024,"
		"\"duplicates\":7,\"once_clients\":3,\"once_floor\":\"0x100000000\","
		"\"observer\":false,\"observer_peers\":0,\"room_waits\":8}\n");
	free(line);
}

/*
 * Unknown values as numbers, missing parameters as null, no peers as [];
 * counters of a module that predates them (duplicates, room_waits) as null.
 */
static void test_json_sparse(void **state)
{
	struct zab_info info = { .name = "a\"b\\c\x01", .myid = 7, .state = 5,
				 .durability = 9 };
	char *line;

	(void)state;
	zab_params_init(&info.params);
	info.params.set = 1u << ZAB_P_SYNC_LIMIT;
	info.stats_set = (1u << ZAB_STAT_DUPLICATES) - 2;
	line = capture(zab_print_json, &info);
	assert_string_equal(line,
		"{\"name\":\"a\\\"b\\\\c\\u0001\",\"myid\":7,\"state\":5,\"epoch\":0,"
		"\"leader\":0,\"last_zxid\":\"0x0\",\"commit_zxid\":\"0x0\","
		"\"tickTime\":null,\"syncLimit\":5,\"initLimit\":null,\"windowBytes\":null,"
		"\"maxRecordSize\":null,\"writes\":0,\"write_bytes\":0,"
		"\"write_errors\":0,\"reads\":0,\"proposals\":0,\"commits\":0,"
		"\"peer_downs\":0,\"bad_frames\":0,\"sync_diff\":0,\"sync_trunc\":0,"
		"\"sync_snap\":0,\"durability\":9,\"durable_zxid\":\"0x0\","
		"\"pending_bytes\":0,\"over_budget\":0,\"auth_failures\":0,"
		"\"peers\":[],\"tls_peers\":0,\"commit_p50_us\":null,\"commit_p99_us\":null,"
		"\"fsync_p50_us\":null,\"fsync_p99_us\":null,\"progress\":null,"
		"\"local_bytes\":0,\"duplicates\":null,\"once_clients\":0,"
		"\"once_floor\":\"0x0\",\"observer\":false,\"observer_peers\":0,\"room_waits\":null}\n");
	free(line);
}

/* Long work: its own field, in text and JSON, and a line for people. */
static void test_progress_field(void **state)
{
	struct zab_info info = { .name = "p", .myid = 1 };
	int which = zab_field_find("progress", 8);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	zab_params_init(&info.params);
	info.progress = (struct zab_progress_info){
		.work = ZAB_WORK_RESTORE, .records = 10, .bytes = 2048,
		.total_bytes = 4096, .rate = 1024, .seconds_left = 2,
	};
	f = open_memstream(&text, &len);
	assert_non_null(f);
	zab_print_fields(f, &info, &which, 1);
	zab_print_json(f, &info);
	info.progress.seconds_left = UINT32_MAX;
	info.progress.work = ZAB_WORK_SNAPSHOT_FETCH;
	zab_print_fields(f, &info, &which, 1);
	zab_print_info(f, &info);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "restore:10:2048:4096:1024:2\n"));
	assert_non_null(strstr(text, "\"progress\":{\"work\":\"restore\",\"records\":10,"
			       "\"bytes\":2048,\"total_bytes\":4096,\"rate\":1024,"
			       "\"seconds_left\":2},"));
	assert_non_null(strstr(text, "snapshot_fetch:10:2048:4096:1024:-\n"));
	assert_non_null(strstr(text, "  progress: fetching a snapshot: 10 records, 2.0 KiB of 4.0 KiB (50%), 1.0 KiB/s\n"));
	free(text);
}

static void test_human(void **state)
{
	char *text;

	(void)state;
	text = capture(zab_print_info, sample());
	assert_string_equal(text,
		"instance: ens1\n"
		"  id: 1\n"
		"  state: LEADING\n"
		"  epoch: 1\n"
		"  leader: 1\n"
		"  last zxid: 0x100000002 (epoch 1, counter 2)\n"
		"  committed zxid: 0x100000001 (epoch 1, counter 1)\n"
		"  pending bytes: 4096\n"
		"  local bytes: 1024\n"
		"  exactly-once clients: 3, all known after 0x100000000\n"
		"  durability: fsync\n"
		"  durable zxid: 0x100000002 (epoch 1, counter 2)\n"
		"  log error: No space left on device\n"
		"  commit latency: p50 0.768 ms, p99 1.019 ms, 4 records\n"
		"  tickTime: 500 ms\n"
		"  syncLimit: 5 ticks\n"
		"  initLimit: 10 ticks\n"
		"  windowBytes: 100000\n"
		"  maxRecordSize: 1M\n"
		"  writes: 10\n"
		"  write bytes: 18446744073709551615\n"
		"  write errors: 30\n"
		"  reads: 40\n"
		"  proposals: 50\n"
		"  commits: 60\n"
		"  peer downs: 70\n"
		"  bad frames: 80\n"
		"  followers synced by DIFF: 2\n"
		"  followers synced by TRUNC: 1\n"
		"  followers synced by SNAP: 3\n"
		"  peers dropped over the budget: 6\n"
		"  member connections that failed authentication: 5\n"
		"  exactly-once retries not appended again: 7\n"
		"  times a local writer waited for room: 8\n"
		"  peers:\n"
		"    id 2: acked 0x100000002, queued 0, rtt 0.120 ms\n"
		"    id 3: acked 0x100000001, queued 4, rtt 2.500 ms, tls, cpu 1\n");
	free(text);
}

static void test_human_looking(void **state)
{
	struct zab_info info = { .name = "lonely", .myid = 4 };
	char *text;

	(void)state;
	zab_params_init(&info.params);
	info.stats_set = ~0u;
	text = capture(zab_print_info, &info);
	assert_string_equal(text,
		"instance: lonely\n"
		"  id: 4\n"
		"  state: LOOKING\n"
		"  epoch: 0\n"
		"  leader: none\n"
		"  last zxid: 0x0 (none)\n"
		"  committed zxid: 0x0 (none)\n"
		"  pending bytes: 0\n"
		"  local bytes: 0\n"
		"  durability: memory\n"
		"  writes: 0\n"
		"  write bytes: 0\n"
		"  write errors: 0\n"
		"  reads: 0\n"
		"  proposals: 0\n"
		"  commits: 0\n"
		"  peer downs: 0\n"
		"  bad frames: 0\n"
		"  followers synced by DIFF: 0\n"
		"  followers synced by TRUNC: 0\n"
		"  followers synced by SNAP: 0\n"
		"  peers dropped over the budget: 0\n"
		"  member connections that failed authentication: 0\n"
		"  exactly-once retries not appended again: 0\n"
		"  times a local writer waited for room: 0\n"
		"  peers: none\n");
	free(text);
}

static void check_peer(uint32_t id, uint64_t zxid, uint32_t queued,
		       uint32_t rtt_us, const char *want)
{
	struct zab_peer_info peer = {
		.id = id, .last_zxid = zxid, .queued = queued, .rtt_us = rtt_us,
	};
	char buf[128];

	memset(buf, 'x', sizeof(buf));
	zab_fmt_peer(buf, sizeof(buf), &peer);
	assert_string_equal(buf, want);
}

static void test_peer_line(void **state)
{
	(void)state;
	check_peer(2, ZAB_ZXID(1, 2), 0, 120,
		   "id 2: acked 0x100000002, queued 0, rtt 0.120 ms");
	/* rtt in ms, exact to the microsecond: no rounding, zeros kept */
	check_peer(3, 0, 7, 0, "id 3: acked 0x0, queued 7, rtt 0.000 ms");
	check_peer(4, 1, 0, 1, "id 4: acked 0x1, queued 0, rtt 0.001 ms");
	check_peer(5, 1, 0, 999, "id 5: acked 0x1, queued 0, rtt 0.999 ms");
	check_peer(6, 1, 0, 1000, "id 6: acked 0x1, queued 0, rtt 1.000 ms");
	check_peer(7, 1, 0, 1234567, "id 7: acked 0x1, queued 0, rtt 1234.567 ms");
	check_peer(255, UINT64_MAX, UINT32_MAX, UINT32_MAX,
		   "id 255: acked 0xffffffffffffffff, queued 4294967295, "
		   "rtt 4294967.295 ms");
}

/* A follower: its one peer is the leader. */
static void test_human_following(void **state)
{
	struct zab_peer_info leader = {
		.id = 3, .last_zxid = ZAB_ZXID(2, 6), .queued = 0, .rtt_us = 45,
	};
	struct zab_info info = {
		.name = "f", .myid = 1, .state = ZAB_STATE_FOLLOWING, .epoch = 2,
		.leader = 3, .last_zxid = ZAB_ZXID(2, 6),
		.commit_zxid = ZAB_ZXID(2, 5), .peers = &leader, .n_peers = 1,
	};
	char *text;

	(void)state;
	zab_params_init(&info.params);
	/* a module without room_waits: no line for it */
	info.stats_set = (1u << ZAB_STAT_ROOM_WAITS) - 2;
	text = capture(zab_print_info, &info);
	assert_non_null(strstr(text, "\n  state: FOLLOWING\n"));
	assert_non_null(strstr(text, "\n  leader: 3\n"));
	/* the peers section closes the instance */
	assert_non_null(strstr(text, "\n  member connections that failed authentication: 0\n"
			       "  exactly-once retries not appended again: 0\n  peers:\n"
			       "    id 3: acked 0x200000006, queued 0, rtt 0.045 ms\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_string_equal(strstr(text, "    id 3:"),
			    "    id 3: acked 0x200000006, queued 0, rtt 0.045 ms\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_reason_and_stat_names),
		cmocka_unit_test(test_zxid),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_event_line_unknown_values),
		cmocka_unit_test(test_event_line_truncated),
		cmocka_unit_test(test_event_json),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_tsv_sparse),
		cmocka_unit_test(test_fields_named),
		cmocka_unit_test(test_fields_selected),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_sparse),
		cmocka_unit_test(test_progress_field),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_human_looking),
		cmocka_unit_test(test_peer_line),
		cmocka_unit_test(test_human_following),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
