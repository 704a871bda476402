// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the exactly-once index (kmod/once.c): its header's parsing, the
 * leader's answer for each case, the floor (a reset, a writer forgotten
 * for room), and what truncation drops; and that the log keeps it (records
 * appended, truncated, the whole log reset).
 */
#include <kunit/test.h>

#include "kmod/log.h"
#include "kmod/once.c"

#define Z(e, c)	ZAB_ZXID(e, c)

static int once_test_init(struct kunit *test)
{
	struct zab_instance *zi = kunit_kzalloc(test, sizeof(*zi), GFP_KERNEL);

	if (!zi)
		return -ENOMEM;
	mutex_init(&zi->log_mutex);
	init_waitqueue_head(&zi->wq);
	zab_params_default(&zi->params);
	zab_log_init(zi);
	test->priv = zi;
	return zab_once_init(zi);
}

static void once_test_exit(struct kunit *test)
{
	struct zab_instance *zi = test->priv;

	zab_log_destroy(zi);
	zab_once_destroy(zi);
	mutex_destroy(&zi->log_mutex);
}

/* A record tagged (@client, @seq, @after) and @extra payload bytes. */
static struct zab_txn *tagged(struct kunit *test, u64 client, u64 seq,
			      u64 after, u32 extra)
{
	struct zab_txn *txn = zab_txn_alloc(sizeof(struct zab_once_hdr) + extra);
	struct zab_once_hdr *h;

	KUNIT_ASSERT_NOT_NULL(test, txn);
	h = (struct zab_once_hdr *)txn->data;
	h->magic = cpu_to_be32(ZAB_ONCE_MAGIC);
	h->reserved = 0;
	h->client = cpu_to_be64(client);
	h->seq = cpu_to_be64(seq);
	h->after = cpu_to_be64(after);
	memset(txn->data + sizeof(*h), 'x', extra);
	return txn;
}

/* Index the record (@client, @seq) at @zxid, as if appended. */
static void note(struct kunit *test, u64 client, u64 seq, u64 zxid)
{
	struct zab_instance *zi = test->priv;
	struct zab_txn *txn = tagged(test, client, seq, 0, 0);

	txn->zxid = zxid;
	mutex_lock(&zi->log_mutex);
	zab_once_note(zi, txn);
	mutex_unlock(&zi->log_mutex);
	zab_txn_put(txn);
}

/* The leader's answer for (@client, @seq, @after); *@zxid for a duplicate. */
static int check(struct kunit *test, u64 client, u64 seq, u64 after, u64 *zxid)
{
	struct zab_instance *zi = test->priv;
	struct zab_once_tag tag = { client, seq, after };
	int ret;

	*zxid = 0;
	mutex_lock(&zi->log_mutex);
	ret = zab_once_check(zi, &tag, zxid);
	mutex_unlock(&zi->log_mutex);
	return ret;
}

static void once_parse_cases(struct kunit *test)
{
	struct zab_once_tag tag;
	struct zab_txn *txn;

	txn = tagged(test, 7, 3, Z(1, 2), 5);
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, txn->len, &tag), 1);
	KUNIT_EXPECT_EQ(test, tag.client, 7ULL);
	KUNIT_EXPECT_EQ(test, tag.seq, 3ULL);
	KUNIT_EXPECT_EQ(test, tag.after, Z(1, 2));
	/* cut short: malformed; fewer bytes than the magic: not tagged */
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, 31, &tag), -EINVAL);
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, 3, &tag), 0);
	/* a reserved field set, a zero client or number: malformed */
	((struct zab_once_hdr *)txn->data)->reserved = cpu_to_be32(1);
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, txn->len, &tag), -EINVAL);
	zab_txn_put(txn);
	txn = tagged(test, 0, 3, 0, 0);
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, txn->len, &tag), -EINVAL);
	zab_txn_put(txn);
	txn = tagged(test, 7, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, zab_once_parse(txn->data, txn->len, &tag), -EINVAL);
	zab_txn_put(txn);
	/* text, and a keyed record: not tagged */
	KUNIT_EXPECT_EQ(test, zab_once_parse("hello, world", 12, &tag), 0);
	KUNIT_EXPECT_EQ(test, zab_once_parse("\0ZKV\0\1\0\0kv", 10, &tag), 0);
}

static void once_answers(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 zxid;

	/* an index complete from the start: a writer never seen is appended */
	KUNIT_EXPECT_EQ(test, check(test, 1, 1, 0, &zxid), 0);
	note(test, 1, 1, Z(1, 1));
	note(test, 2, 1, Z(1, 2));
	note(test, 1, 2, Z(1, 3));
	KUNIT_EXPECT_EQ(test, zi->once.clients, 2U);
	/* the same record again: not appended, the original's zxid */
	KUNIT_EXPECT_EQ(test, check(test, 1, 2, Z(1, 1), &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(1, 3));
	KUNIT_EXPECT_EQ(test, check(test, 2, 1, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(1, 2));
	/* an older one: the writer moved past it */
	KUNIT_EXPECT_EQ(test, check(test, 1, 1, 0, &zxid), -EALREADY);
	/* the next one, even with a gap: appended */
	KUNIT_EXPECT_EQ(test, check(test, 1, 3, Z(1, 3), &zxid), 0);
	KUNIT_EXPECT_EQ(test, check(test, 1, 9, Z(1, 3), &zxid), 0);
	/* untagged and malformed records are no writer's */
	mutex_lock(&zi->log_mutex);
	{
		struct zab_txn *txn = zab_txn_alloc(4);

		KUNIT_ASSERT_NOT_NULL(test, txn);
		memcpy(txn->data, "\0ZON", 4);
		txn->zxid = Z(1, 4);
		zab_once_note(zi, txn);
		zab_txn_put(txn);
	}
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 2U);
	KUNIT_EXPECT_EQ(test, zi->once.floor, 0ULL);
}

static void once_floor_reset(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 zxid;

	note(test, 1, 1, Z(1, 1));
	mutex_lock(&zi->log_mutex);
	zab_once_reset(zi, Z(2, 5));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 0U);
	/* before the floor the index knows nothing: cannot tell */
	KUNIT_EXPECT_EQ(test, check(test, 1, 1, Z(1, 9), &zxid), -ESTALE);
	KUNIT_EXPECT_EQ(test, check(test, 3, 1, Z(2, 4), &zxid), -ESTALE);
	/* first tried after it: whatever it was, it is in the index */
	KUNIT_EXPECT_EQ(test, check(test, 3, 1, Z(2, 5), &zxid), 0);
	/* a writer known after the floor answers whatever its @after */
	note(test, 3, 1, Z(2, 6));
	KUNIT_EXPECT_EQ(test, check(test, 3, 1, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(2, 6));
}

static void once_truncate_drops(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 zxid;

	note(test, 1, 1, Z(1, 1));
	note(test, 2, 1, Z(1, 2));
	note(test, 2, 2, Z(1, 3));
	mutex_lock(&zi->log_mutex);
	zab_once_truncate(zi, Z(1, 2));
	mutex_unlock(&zi->log_mutex);
	/* writer 2's last record went: appended again; writer 1's stays */
	KUNIT_EXPECT_EQ(test, zi->once.clients, 1U);
	KUNIT_EXPECT_EQ(test, check(test, 2, 2, Z(1, 2), &zxid), 0);
	KUNIT_EXPECT_EQ(test, check(test, 1, 1, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, zi->once.floor, 0ULL);
}

/* More writers than the index holds: the least recently written goes. */
static void once_evicts_oldest(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 c, zxid;

	for (c = 1; c <= ZAB_ONCE_CLIENTS_MAX; c++)
		note(test, c, 1, Z(1, c));
	/* writer 1 writes again: writer 2 is now the oldest */
	note(test, 1, 2, Z(1, ZAB_ONCE_CLIENTS_MAX + 1));
	note(test, ZAB_ONCE_CLIENTS_MAX + 1, 1, Z(1, ZAB_ONCE_CLIENTS_MAX + 2));
	KUNIT_EXPECT_EQ(test, zi->once.clients, ZAB_ONCE_CLIENTS_MAX);
	KUNIT_EXPECT_EQ(test, zi->once.floor, Z(1, 2));
	KUNIT_EXPECT_EQ(test, check(test, 2, 1, Z(1, 1), &zxid), -ESTALE);
	KUNIT_EXPECT_EQ(test, check(test, 1, 2, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, check(test, 3, 1, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(1, 3));
}

/* The log indexes what it appends, and forgets what it truncates or resets. */
static void once_follows_log(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	struct zab_txn *txn;
	u64 c, zxid;

	mutex_lock(&zi->log_mutex);
	for (c = 1; c <= 4; c++) {
		txn = tagged(test, 10 + c, 1, 0, 3);
		txn->zxid = Z(1, c);
		KUNIT_ASSERT_EQ(test, zab_log_append(zi, txn), 0);
	}
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 4U);
	KUNIT_EXPECT_EQ(test, check(test, 13, 1, 0, &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(1, 3));
	mutex_lock(&zi->log_mutex);
	zab_log_commit(zi, Z(1, 2));
	zab_log_truncate(zi, Z(1, 2));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 2U);
	KUNIT_EXPECT_EQ(test, check(test, 13, 1, 0, &zxid), 0);
	mutex_lock(&zi->log_mutex);
	zab_log_reset(zi, Z(3, 0));
	mutex_unlock(&zi->log_mutex);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 0U);
	KUNIT_EXPECT_EQ(test, zi->once.floor, Z(3, 0));
}

static struct kunit_case once_cases[] = {
	KUNIT_CASE(once_parse_cases),
	KUNIT_CASE(once_answers),
	KUNIT_CASE(once_floor_reset),
	KUNIT_CASE(once_truncate_drops),
	KUNIT_CASE(once_evicts_oldest),
	KUNIT_CASE(once_follows_log),
	{}
};

static struct kunit_suite once_suite = {
	.name = "zab_once",
	.init = once_test_init,
	.exit = once_test_exit,
	.test_cases = once_cases,
};

kunit_test_suite(once_suite);
