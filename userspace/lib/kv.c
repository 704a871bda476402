// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab: keyed records (uapi/linux/zab.h, "Keyed records"), which
 * snapshots compact: the last record of each key wins.
 */

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libzab.h"

ssize_t zab_kv_encode(void *buf, size_t cap, const void *key, size_t key_len,
		      const void *val, size_t val_len)
{
	struct zab_kv_hdr h = {
		.magic = htobe32(ZAB_KV_MAGIC),
		.key_len = htobe16((uint16_t)key_len),
	};
	size_t len = sizeof(h) + key_len + val_len;

	if (!key_len || key_len > ZAB_KEY_MAX)
		return -EINVAL;
	if (val_len > ZAB_MAX_RECORD_LIMIT || len > cap)
		return -EMSGSIZE;
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + sizeof(h), key, key_len);
	if (val_len)
		memcpy((char *)buf + sizeof(h) + key_len, val, val_len);
	return (ssize_t)len;
}

int zab_kv_decode(const void *rec, size_t len, const void **key,
		  size_t *key_len, const void **val, size_t *val_len)
{
	struct zab_kv_hdr h;
	size_t klen;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, rec, sizeof(h));
	klen = be16toh(h.key_len);
	if (be32toh(h.magic) != ZAB_KV_MAGIC || h.reserved || !klen ||
	    klen > ZAB_KEY_MAX || len - sizeof(h) < klen)
		return 0;
	*key = (const char *)rec + sizeof(h);
	*key_len = klen;
	*val = (const char *)rec + sizeof(h) + klen;
	*val_len = len - sizeof(h) - klen;
	return 1;
}

int zab_put(int h, const void *key, size_t key_len, const void *val,
	    size_t val_len, uint64_t *zxid)
{
	size_t cap = sizeof(struct zab_kv_hdr) + key_len + val_len;
	ssize_t len;
	void *buf;
	int ret;

	if (!key_len || key_len > ZAB_KEY_MAX)
		return -EINVAL;
	if (val_len > ZAB_MAX_RECORD_LIMIT)
		return -EMSGSIZE;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	len = zab_kv_encode(buf, cap, key, key_len, val, val_len);
	ret = len < 0 ? (int)len : zab_append(h, buf, (size_t)len, zxid);
	free(buf);
	return ret;
}
