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
#include "kmod/tests/fakes.h"

#define Z(e, c)	ZAB_ZXID(e, c)

/* A record tagged (@client, @seq, @after) and @extra payload bytes. */
static struct zab_txn *tagged(struct kunit *test, u64 client, u64 seq,
			      u64 after, u32 extra)
{
	struct zab_txn *txn = zab_txn_alloc(sizeof(struct zab_once_hdr) + extra);
	struct zab_once_hdr *h;

	KUNIT_ASSERT_NOT_NULL(test, txn);
	h = (struct zab_once_hdr *)txn->data;
	put_unaligned_be32(ZAB_ONCE_MAGIC, &h->magic);
	put_unaligned_be32(0, &h->reserved);
	put_unaligned_be64(client, &h->client);
	put_unaligned_be64(seq, &h->seq);
	put_unaligned_be64(after, &h->after);
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
	zi->last_zxid = max(zi->last_zxid, zxid);
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
	put_unaligned_be32(1, &((struct zab_once_hdr *)txn->data)->reserved);
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
	{
		struct zab_txn *txn = zab_txn_alloc(4);

		KUNIT_ASSERT_NOT_NULL(test, txn);
		memcpy(txn->data, "\0ZON", 4);
		txn->zxid = Z(1, 4);
		mutex_lock(&zi->log_mutex);
		zab_once_note(zi, txn);
		mutex_unlock(&zi->log_mutex);
		zab_txn_put(txn);
	}
	/* an @after past the log: no writer saw it committed */
	KUNIT_EXPECT_EQ(test, check(test, 9, 1, Z(9, 9), &zxid), -ESTALE);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 2U);
	KUNIT_EXPECT_EQ(test, zi->once.floor, 0ULL);
}

static void once_floor_reset(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 zxid;

	note(test, 1, 1, Z(1, 1));
	mutex_lock(&zi->log_mutex);
	zi->last_zxid = Z(2, 5);	/* as zab_log_reset() leaves it */
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

/* Append (@client, @seq) to the log as @zxid. */
static void log_tagged(struct kunit *test, u64 client, u64 seq, u64 zxid)
{
	struct zab_instance *zi = test->priv;
	struct zab_txn *txn = tagged(test, client, seq, 0, 3);
	int err;

	txn->zxid = zxid;
	mutex_lock(&zi->log_mutex);
	err = zab_log_append(zi, txn);
	mutex_unlock(&zi->log_mutex);
	if (err)
		zab_txn_put(txn);
	KUNIT_ASSERT_EQ(test, err, 0);
}

static void log_truncate(struct kunit *test, u64 commit, u64 zxid)
{
	struct zab_instance *zi = test->priv;

	mutex_lock(&zi->log_mutex);
	zab_log_commit(zi, commit);
	zab_log_truncate(zi, zxid);
	mutex_unlock(&zi->log_mutex);
}

/*
 * A client with two records in flight (a batch): the second truncated,
 * the first committed. The index goes back to the first, so a retry of it
 * is a duplicate, not appended twice; a client whose only record went is
 * forgotten, and, records having left the window, the floor rises to them.
 */
static void once_truncate_restores(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 zxid;

	log_tagged(test, 5, 1, Z(1, 1));
	log_tagged(test, 6, 1, Z(1, 2));
	log_tagged(test, 5, 2, Z(1, 3));
	log_tagged(test, 5, 3, Z(1, 4));
	log_tagged(test, 7, 1, Z(1, 5));
	log_truncate(test, Z(1, 3), Z(1, 3));
	KUNIT_EXPECT_EQ(test, check(test, 5, 2, Z(1, 1), &zxid), 1);
	KUNIT_EXPECT_EQ(test, zxid, Z(1, 3));
	KUNIT_EXPECT_EQ(test, check(test, 5, 3, Z(1, 3), &zxid), 0);
	KUNIT_EXPECT_EQ(test, check(test, 7, 1, 0, &zxid), 0);
	KUNIT_EXPECT_EQ(test, zi->once.clients, 2U);
	KUNIT_EXPECT_EQ(test, zi->once.floor, 0ULL);

	/* once records left the window, a client found nowhere raises it */
	log_tagged(test, 8, 1, Z(2, 1));
	mutex_lock(&zi->log_mutex);
	WRITE_ONCE(zi->trimmed_zxid, Z(1, 2));
	mutex_unlock(&zi->log_mutex);
	log_truncate(test, Z(1, 3), Z(1, 3));
	KUNIT_EXPECT_EQ(test, zi->once.floor, Z(1, 2));
	KUNIT_EXPECT_EQ(test, check(test, 8, 1, Z(1, 1), &zxid), -ESTALE);
	KUNIT_EXPECT_EQ(test, check(test, 5, 2, 0, &zxid), 1);
}

/* The log indexes what it appends, and forgets what it truncates or resets. */
static void once_follows_log(struct kunit *test)
{
	struct zab_instance *zi = test->priv;
	u64 c, zxid;

	for (c = 1; c <= 4; c++)
		log_tagged(test, 10 + c, 1, Z(1, c));
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
	KUNIT_CASE(once_truncate_restores),
	KUNIT_CASE(once_follows_log),
	{}
};

static struct kunit_suite once_suite = {
	.name = "zab_once",
	.init = zab_fake_log_init,
	.exit = zab_fake_log_exit,
	.test_cases = once_cases,
};

kunit_test_suite(once_suite);
