// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The decoders of what members send each other before the kernel takes
 * over: election notifications (userspace/zabd/vote.c) and the discovery
 * handshake (userspace/zabd/handshake.c). On any bytes: no crash, no sanitizer
 * report, a reason for every refusal, and what they accept encodes back to
 * the same bytes (nothing is accepted that zabd would not itself send).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zabd/handshake.h"
#include "zabd/vote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[ZAB_NOTIF_SIZE > ZAB_HS_SIZE ? ZAB_NOTIF_SIZE : ZAB_HS_SIZE];
	const char *why = NULL;
	struct zab_notif n;
	struct zab_hs hs;
	uint8_t type;

	if (zab_notif_decode(data, size, &n, &why) == 0) {
		zab_notif_encode(&n, buf);
		if (size != ZAB_NOTIF_SIZE || memcmp(buf, data, size))
			abort();
	} else if (!why) {
		abort();
	}
	for (type = 0; type <= ZAB_HS_SNAPFILE + 1; type++) {
		why = NULL;
		if (zab_hs_decode(data, size, type, &hs, &why) == 0) {
			if (hs.type != type)
				abort();
			zab_hs_encode(&hs, buf);
			if (size != ZAB_HS_SIZE || memcmp(buf, data, size))
				abort();
		} else if (!why) {
			abort();
		}
		(void)zab_hs_type_name(type);
	}
	return 0;
}
