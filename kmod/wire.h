/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_WIRE_H
#define _ZAB_WIRE_H

#include <linux/types.h>
#include <uapi/linux/zab.h>

/* Largest header plus fixed body of any frame. */
#define ZAB_FRAME_HEAD_MAX (sizeof(struct zab_frame) + sizeof(struct zab_proposal))

/**
 * struct zab_frame_info - a frame header, checked and decoded
 * @type: &enum zab_frame_type
 * @flags: frame flags
 * @fixed: length of the fixed body that follows the header
 * @payload: length of the variable payload after the fixed body
 */
struct zab_frame_info {
	u8 type;
	u8 flags;
	u32 fixed;
	u32 payload;
};

int zab_frame_parse(const struct zab_frame *f, bool leader,
		    struct zab_frame_info *fi);
size_t zab_frame_put_zxid(u8 *buf, u8 type, u64 zxid);
size_t zab_frame_put_ping(u8 *buf, u8 flags, u64 stamp);
size_t zab_frame_put_proposal(u8 *buf, u64 zxid, u64 req_id, u32 origin,
			      u32 len);
size_t zab_frame_put_request(u8 *buf, u64 req_id, u32 len);
size_t zab_frame_put_sync(u8 *buf, u8 flags, u64 seq, u64 zxid);
size_t zab_frame_put_reply(u8 *buf, u64 req_id, u32 status, u64 zxid);

#endif /* _ZAB_WIRE_H */
