/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* CRC-32C (Castagnoli), as the kernel checksums the log on disk. */
#ifndef ZAB_CRC32C_H
#define ZAB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continues @crc (start with 0) over @len bytes: crc32c(crc32c(0, a), b) is
 * the checksum of a followed by b. "123456789" gives 0xe3069283.
 */
uint32_t zab_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
