// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the in-memory log (kmod/log.c) and its records (kmod/txn.c):
 * append, lookup, commit, the committed window, truncation, and the point
 * from which a follower is synchronised (DIFF, TRUNC or SNAP), and the reset
 * a SNAP makes.
 */
#include <kunit/test.h>

#include "kmod/log.c"
#include "kmod/tests/fakes.h"
#include "kmod/txn.c"

#define Z(e, c)	ZAB_ZXID(e, c)

static void append(struct kunit *test, u64 zxid, u32 len)
{
	struct zab_instance *zi = test->priv;
	struct zab_txn *txn = zab_txn_alloc(len);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, txn);
	txn->zxid = zxid;
	memset(txn->data, 'x', len);
	mutex_lock(&zi->log_mutex);
	err = zab_log_append(zi, txn);
	mutex_unlock(&zi->log_mutex);
	if (err)
		zab_txn_put(txn);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* Records @from..@to of @epoch, @len bytes each. */
static void append_range(struct kunit *test, u32 epoch, u32 from, u32 to, u32 len)
{
	u32 c;

	for (c = from; c <= to; c++)
		append(test, Z(epoch, c), len);
}

static void commit(struct zab_instance *zi, u64 zxid)
{
	mutex_lock(&zi->log_mutex);
	zab_log_commit(zi, zxid);
	mutex_unlock(&zi->log_mutex);
}

/* The zxid of the first record at or after @from, 0 if none. */
static u64 find(struct zab_instance *zi, u64 from)
{
	struct zab_txn *txn = zab_log_find(zi, from);
	u64 zxid;

	if (!txn)
		return 0;
	zxid = txn->zxid;
	zab_txn_put(txn);
	return zxid;
}

static void log_txn_alloc(struct kunit *test)
{
	struct zab_txn *txn = zab_txn_alloc(10);

	KUNIT_ASSERT_NOT_NULL(test, txn);
	KUNIT_EXPECT_EQ(test, txn->len, 10);
	KUNIT_EXPECT_EQ(test, txn->zxid, 0);
	KUNIT_EXPECT_EQ(test, txn->req_id, 0);
	KUNIT_EXPECT_EQ(test, txn->origin, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&txn->ref), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&txn->qnode));
	KUNIT_EXPECT_EQ(test, zab_txn_size(txn), sizeof(*txn) + 10);
	zab_txn_put(txn);
	zab_txn_put(NULL);

	/* the largest record: too big for kmalloc alone */
	txn = zab_txn_alloc(ZAB_MAX_RECORD_LIMIT);
	KUNIT_ASSERT_NOT_NULL(test, txn);
	txn->data[ZAB_MAX_RECORD_LIMIT - 1] = 1;
	zab_txn_put(txn);
}

static void log_append_find(struct kunit *test)
{
	struct zab_instance *zi = test->priv;

	KUNIT_EXPECT_EQ(test, zab_log_first(zi), 0);
	KUNIT_EXPECT_EQ(test, find(zi, 0), 0);
	append_range(test, 1, 1, 5, 8);
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(1, 5));
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 1));
	KUNIT_EXPECT_EQ(test, find(zi, 0), Z(1, 1));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 3)), Z(1, 3));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 6)), 0);
	append(test, Z(2, 1), 8);
	/* the first record at or after: across epochs */
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 6)), Z(2, 1));
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(2, 1));
	/* nothing is committed by appending */
	KUNIT_EXPECT_EQ(test, zab_log_committed(zi), 0);
	KUNIT_EXPECT_EQ(test, zi->window_used, 0);
}

static void log_commit(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	struct zab_txn *txn;
	size_t one;

	append_range(test, 1, 1, 5, 8);
	txn = zab_log_find(zi, Z(1, 1));
	KUNIT_ASSERT_NOT_NULL(test, txn);
	one = zab_txn_size(txn);
	zab_txn_put(txn);

	commit(zi, Z(1, 3));
	KUNIT_EXPECT_EQ(test, zab_log_committed(zi), Z(1, 3));
	KUNIT_EXPECT_EQ(test, zi->window_used, 3 * one);
	KUNIT_EXPECT_EQ(test, atomic64_read(&zi->stats[ZAB_STAT_COMMITS]), 3);
	/* never backwards */
	commit(zi, Z(1, 2));
	KUNIT_EXPECT_EQ(test, zab_log_committed(zi), Z(1, 3));
	KUNIT_EXPECT_EQ(test, atomic64_read(&zi->stats[ZAB_STAT_COMMITS]), 3);
	/* never past what is logged */
	commit(zi, Z(1, 99));
	KUNIT_EXPECT_EQ(test, zab_log_committed(zi), Z(1, 5));
	KUNIT_EXPECT_EQ(test, zi->window_used, 5 * one);
	KUNIT_EXPECT_EQ(test, atomic64_read(&zi->stats[ZAB_STAT_COMMITS]), 5);
	/* a commit point between epochs counts the records up to it */
	append(test, Z(2, 1), 8);
	commit(zi, Z(2, 0));
	KUNIT_EXPECT_EQ(test, atomic64_read(&zi->stats[ZAB_STAT_COMMITS]), 5);
	commit(zi, Z(2, 1));
	KUNIT_EXPECT_EQ(test, atomic64_read(&zi->stats[ZAB_STAT_COMMITS]), 6);
}

/* Committed records leave oldest first once they exceed windowBytes. */
static void log_window(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	size_t one = sizeof(struct zab_txn) + 100;
	u32 c;

	zi->params.window_bytes = 3 * one;
	append_range(test, 1, 1, 10, 100);
	commit(zi, Z(1, 10));
	KUNIT_EXPECT_LE(test, zi->window_used, 3 * one);
	KUNIT_EXPECT_EQ(test, zi->window_used, 3 * one);
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 8));
	KUNIT_EXPECT_EQ(test, zi->trimmed_zxid, Z(1, 7));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 1)), Z(1, 8));

	/* proposals are never dropped, however many */
	append_range(test, 1, 11, 20, 100);
	for (c = 11; c <= 20; c++)
		KUNIT_EXPECT_EQ(test, find(zi, Z(1, c)), Z(1, c));
	commit(zi, Z(1, 12));
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 10));
	KUNIT_EXPECT_EQ(test, zi->trimmed_zxid, Z(1, 9));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 20)), Z(1, 20));
}

/*
 * Records a leader's followers or observers were not sent yet stay past
 * the window, up to twice windowBytes.
 */
static void log_window_send_hold(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	size_t one = sizeof(struct zab_txn) + 100;

	zi->params.window_bytes = 3 * one;
	zab_fakes.send_hold = Z(1, 5);
	append_range(test, 1, 1, 10, 100);
	commit(zi, Z(1, 10));
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 6));
	KUNIT_EXPECT_EQ(test, zi->trimmed_zxid, Z(1, 5));
	KUNIT_EXPECT_EQ(test, zi->window_used, 5 * one);

	/* a peer further behind: twice the window, no more */
	zab_fakes.send_hold = Z(1, 2);
	append_range(test, 1, 11, 14, 100);
	commit(zi, Z(1, 14));
	KUNIT_EXPECT_EQ(test, zi->window_used, 6 * one);
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 9));

	/* none behind: the window again */
	zab_fakes.send_hold = 0;
	append(test, Z(1, 15), 100);
	commit(zi, Z(1, 15));
	KUNIT_EXPECT_EQ(test, zi->window_used, 3 * one);
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(1, 13));
}

/* The next record for a follower at @prev: its zxid, 0 if none, 1 if -ERANGE. */
static u64 next_for(struct zab_instance *zi, u64 prev)
{
	struct zab_txn *txn;
	u64 zxid;

	if (zab_log_next(zi, prev, &txn))
		return 1;
	zxid = txn ? txn->zxid : 0;
	zab_txn_put(txn);
	return zxid;
}

/*
 * A follower at (1,5) whose next records (1,6)..(1,9) left the window must
 * sync again, not get (2,1), the next record there is and a valid successor
 * of (1,5) by zxid alone.
 */
static void log_next_after_trim(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	size_t one = sizeof(struct zab_txn) + 100;

	zi->epoch = 2;
	append_range(test, 1, 1, 9, 100);
	append_range(test, 2, 1, 3, 100);
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(1, 5)), Z(1, 6));
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(1, 9)), Z(2, 1));
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(2, 3)), 0);
	zi->params.window_bytes = 3 * one;
	commit(zi, Z(2, 3));
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), Z(2, 1));
	KUNIT_EXPECT_EQ(test, zi->trimmed_zxid, Z(1, 9));
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(1, 5)), 1);
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(1, 8)), 1);
	/* at the trimmed point, what follows is all there */
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(1, 9)), Z(2, 1));
	KUNIT_EXPECT_EQ(test, next_for(zi, Z(2, 1)), Z(2, 2));
}

static void log_truncate(struct kunit *test)
{
	struct zab_instance *zi = test->priv;

	append_range(test, 1, 1, 5, 8);
	append_range(test, 2, 1, 3, 8);
	commit(zi, Z(1, 2));
	mutex_lock(&zi->log_mutex);
	zab_log_truncate(zi, Z(1, 4));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(1, 4));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 5)), 0);
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 4)), Z(1, 4));
	/* down to the commit point: every proposal goes */
	mutex_lock(&zi->log_mutex);
	zab_log_truncate(zi, Z(1, 2));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(1, 2));
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 3)), 0);
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 1)), Z(1, 1));
	/* and the log goes on from there */
	append(test, Z(3, 1), 8);
	KUNIT_EXPECT_EQ(test, find(zi, Z(1, 3)), Z(3, 1));
}

/* How a follower whose log ends at @last is brought in line, and from where. */
static enum zab_sync sync_point(struct kunit *test, u64 last, u64 *from)
{
	struct zab_instance *zi = test->priv;
	enum zab_sync sync;

	mutex_lock(&zi->log_mutex);
	sync = zab_log_sync_point(zi, last, from);
	mutex_unlock(&zi->log_mutex);
	return sync;
}

static void log_sync_point(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 from;

	append_range(test, 1, 1, 5, 8);
	append_range(test, 3, 1, 2, 8);
	commit(zi, Z(1, 5));

	/* an empty follower takes everything */
	KUNIT_EXPECT_EQ(test, sync_point(test, 0, &from), ZAB_SYNC_DIFF);
	KUNIT_EXPECT_EQ(test, from, 0);
	/* a prefix of ours: DIFF from its end */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(1, 3), &from), ZAB_SYNC_DIFF);
	KUNIT_EXPECT_EQ(test, from, Z(1, 3));
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(3, 2), &from), ZAB_SYNC_DIFF);
	KUNIT_EXPECT_EQ(test, from, Z(3, 2));
	/* proposals of epoch 1 we never had: back to our last of epoch 1 */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(1, 7), &from), ZAB_SYNC_TRUNC);
	KUNIT_EXPECT_EQ(test, from, Z(1, 5));
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(3, 9), &from), ZAB_SYNC_TRUNC);
	KUNIT_EXPECT_EQ(test, from, Z(3, 2));
	/* an epoch we hold nothing of: where it began is unknown, so SNAP */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(2, 4), &from), ZAB_SYNC_SNAP);
	KUNIT_EXPECT_EQ(test, from, 0);
}

static void log_sync_point_trimmed(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 from;

	zi->params.window_bytes = 3 * (sizeof(struct zab_txn) + 100);
	append_range(test, 1, 1, 10, 100);
	commit(zi, Z(1, 10));
	KUNIT_ASSERT_EQ(test, zi->trimmed_zxid, Z(1, 7));

	/* it ends with the newest record trimmed: DIFF from there */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(1, 7), &from), ZAB_SYNC_DIFF);
	KUNIT_EXPECT_EQ(test, from, Z(1, 7));
	/* it lacks records that already left memory: SNAP from the window */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(1, 6), &from), ZAB_SYNC_SNAP);
	KUNIT_EXPECT_EQ(test, from, Z(1, 7));
	KUNIT_EXPECT_EQ(test, sync_point(test, 0, &from), ZAB_SYNC_SNAP);
	KUNIT_EXPECT_EQ(test, from, Z(1, 7));
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(1, 9), &from), ZAB_SYNC_DIFF);
	KUNIT_EXPECT_EQ(test, from, Z(1, 9));
	/* an unknown epoch after the window: SNAP too */
	KUNIT_EXPECT_EQ(test, sync_point(test, Z(2, 3), &from), ZAB_SYNC_SNAP);
	KUNIT_EXPECT_EQ(test, from, Z(1, 7));
}

static void log_reset(struct kunit *test)
{
	struct zab_instance *zi = test->priv;

	append_range(test, 1, 1, 6, 100);
	commit(zi, Z(1, 4));
	mutex_lock(&zi->log_mutex);
	zab_log_reset(zi, Z(2, 3));
	mutex_unlock(&zi->log_mutex);
	/* empty, and positioned after the base */
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), 0);
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(2, 3));
	KUNIT_EXPECT_EQ(test, zab_log_committed(zi), Z(2, 3));
	KUNIT_EXPECT_EQ(test, zi->trimmed_zxid, Z(2, 3));
	KUNIT_EXPECT_EQ(test, zi->window_used, 0);
	KUNIT_EXPECT_EQ(test, find(zi, 0), 0);
	/* the leader's window follows */
	append(test, Z(2, 4), 100);
	append(test, Z(3, 1), 100);
	commit(zi, Z(3, 1));
	KUNIT_EXPECT_EQ(test, find(zi, 0), Z(2, 4));
	KUNIT_EXPECT_EQ(test, zi->window_used, 2 * (sizeof(struct zab_txn) + 100));
	/* from empty to empty */
	mutex_lock(&zi->log_mutex);
	zab_log_reset(zi, Z(3, 1));
	zab_log_reset(zi, Z(3, 1));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zab_log_first(zi), 0);
	KUNIT_EXPECT_EQ(test, zab_log_last(zi), Z(3, 1));
}

static struct kunit_case log_cases[] = {
	KUNIT_CASE(log_txn_alloc),
	KUNIT_CASE(log_append_find),
	KUNIT_CASE(log_commit),
	KUNIT_CASE(log_window),
	KUNIT_CASE(log_window_send_hold),
	KUNIT_CASE(log_next_after_trim),
	KUNIT_CASE(log_truncate),
	KUNIT_CASE(log_sync_point),
	KUNIT_CASE(log_sync_point_trimmed),
	KUNIT_CASE(log_reset),
	{}
};

static struct kunit_suite log_suite = {
	.name = "zab_log",
	.init = zab_fake_log_init,
	.exit = zab_fake_log_exit,
	.test_cases = log_cases,
};

kunit_test_suite(log_suite);
