/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_ONCE_H
#define _ZAB_ONCE_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

struct zab_instance;
struct zab_txn;

/**
 * struct zab_once - what a member knows of its exactly-once clients
 * @table: struct zab_once_client by client id
 * @lru: the same, least recently written first
 * @clients: entries in @table, at most %ZAB_ONCE_CLIENTS_MAX
 * @floor: every tagged record after this zxid in the log is known: the
 *	last one of each client is in @table
 *
 * Under the instance's log_mutex, as the log it mirrors; @clients and
 * @floor are also read without it, for GET.
 */
struct zab_once {
	struct rhashtable table;
	struct list_head lru;
	u32 clients;
	u64 floor;
};

/**
 * struct zab_once_tag - the exactly-once header of a record, decoded
 * @client: the writer's id
 * @seq: the record's number among the writer's
 * @after: a zxid committed before the writer first tried the record
 */
struct zab_once_tag {
	u64 client;
	u64 seq;
	u64 after;
};

int zab_once_parse(const void *data, u32 len, struct zab_once_tag *tag);
int zab_once_init(struct zab_instance *zi);
void zab_once_destroy(struct zab_instance *zi);
void zab_once_note(struct zab_instance *zi, const struct zab_txn *txn);
void zab_once_truncate(struct zab_instance *zi, u64 zxid);
void zab_once_reset(struct zab_instance *zi, u64 base);
int zab_once_check(struct zab_instance *zi, const struct zab_once_tag *tag,
		   u64 *zxid);

#endif /* _ZAB_ONCE_H */
