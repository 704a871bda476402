/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_LOG_H
#define _ZAB_LOG_H

#include <linux/types.h>

struct zab_instance;
struct zab_txn;

void zab_log_init(struct zab_instance *zi);
void zab_log_destroy(struct zab_instance *zi);
int zab_log_append(struct zab_instance *zi, struct zab_txn *txn);
void zab_log_commit(struct zab_instance *zi, u64 zxid);
void zab_log_truncate(struct zab_instance *zi, u64 zxid);
struct zab_txn *zab_log_find(struct zab_instance *zi, u64 from);
u64 zab_log_first(struct zab_instance *zi);

#endif /* _ZAB_LOG_H */
