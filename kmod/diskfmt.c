// SPDX-License-Identifier: GPL-2.0
/*
 * The entries of the log on disk (uapi/linux/zab.h, "The log on disk"):
 * their headers and checksums. zabd reads them back with the same rules.
 */
#include <linux/crc32.h>
#include <linux/string.h>

#include "kmod/disk.h"

/**
 * zab_disk_crc() - CRC-32C of a header (its crc field zero) and a payload
 * @hdr: the header
 * @hdr_len: its length
 * @data: the payload, may be NULL if @len is 0
 * @len: its length
 *
 * Return: the checksum, as stored (before conversion to big-endian).
 */
u32 zab_disk_crc(const void *hdr, size_t hdr_len, const void *data, u32 len)
{
	u32 crc = __crc32c_le(~0U, hdr, hdr_len);

	if (len)
		crc = __crc32c_le(crc, data, len);
	return ~crc;
}

/**
 * zab_disk_durable_fill() - a DURABLE entry of the log on disk
 * @rec: filled in
 * @zxid: the last record written before it
 * @nonce: the segment's, from its header
 */
void zab_disk_durable_fill(struct zab_disk_rec *rec, u64 zxid, u32 nonce)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = ZAB_DISK_DURABLE;
	rec->zxid = cpu_to_be64(zxid);
	rec->reserved2 = cpu_to_be32(nonce);
	rec->crc = cpu_to_be32(zab_disk_crc(rec, sizeof(*rec), NULL, 0));
}

/**
 * zab_disk_rec_fill() - the header of an entry of the log on disk
 * @rec: filled in
 * @type: &enum zab_disk_type
 * @zxid: its zxid
 * @data: its payload (RECORD), else NULL
 * @len: the payload's length
 */
void zab_disk_rec_fill(struct zab_disk_rec *rec, u8 type, u64 zxid,
		       const void *data, u32 len)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->len = cpu_to_be32(len);
	rec->zxid = cpu_to_be64(zxid);
	rec->crc = cpu_to_be32(zab_disk_crc(rec, sizeof(*rec), data, len));
}
