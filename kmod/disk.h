/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_DISK_H
#define _ZAB_DISK_H

#include <linux/types.h>
#include <uapi/linux/zab.h>

struct file;
struct netlink_ext_ack;
struct zab_instance;
struct workqueue_struct;

extern struct workqueue_struct *zab_disk_wq;

int zab_disk_attach(struct zab_instance *zi, struct file *dir, u8 mode,
		    u32 segment_bytes, u64 seq, u8 format,
		    struct netlink_ext_ack *extack);
void zab_disk_shutdown(struct zab_instance *zi);
void zab_disk_free(struct zab_instance *zi);
void zab_disk_kick(struct zab_instance *zi);
void zab_disk_truncate(struct zab_instance *zi, u64 zxid);
void zab_disk_reset(struct zab_instance *zi, u64 base);
u64 zab_disk_ackable(struct zab_instance *zi);
u64 zab_disk_trim_limit(struct zab_instance *zi);
u8 zab_disk_mode(struct zab_instance *zi);
int zab_disk_error(struct zab_instance *zi);
u32 zab_disk_segment_bytes(struct zab_instance *zi);
char *zab_disk_path(struct zab_instance *zi, char *buf, int len);

void zab_disk_durable_fill(struct zab_disk_rec *rec, u64 zxid, u32 nonce);
void zab_disk_rec_fill(struct zab_disk_rec *rec, u8 type, u64 zxid,
		       const void *data, u32 len);
u32 zab_disk_crc(const void *hdr, size_t hdr_len, const void *data, u32 len);

#endif /* _ZAB_DISK_H */
