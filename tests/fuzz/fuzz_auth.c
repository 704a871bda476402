// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The members' authentication (userspace/zabd/auth.c) on any bytes: the key
 * file's parser, HELLO's decoder, and PROOF's check against a key held. No
 * crash, no sanitizer report, a reason for every refusal; a HELLO accepted
 * encodes back to the same bytes; a PROOF that checks must be the one the
 * key makes (nothing forged from noise is accepted).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zabd/auth.h"

#define KEY "7a61623a207468652074657374206b65792c206e6f742061207365637265742e"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zab_auth held;
	static int ready;
	uint8_t nonce[ZAB_AUTH_NONCE], buf[ZAB_AUTH_PROOF_SIZE], ni[ZAB_AUTH_NONCE] = { 1 };
	uint8_t nr[ZAB_AUTH_NONCE] = { 2 }, id[ZAB_AUTH_KEY_ID];
	struct zab_auth a = { 0 };
	struct zab_err err;
	const char *why = NULL;
	uint32_t sid;
	int ret;

	if (!ready) {
		if (zab_auth_parse(&held, KEY, strlen(KEY), "k", &err))
			abort();
		ready = 1;
	}
	/* the key file */
	ret = zab_auth_parse(&a, (const char *)data, size, "fuzz", &err);
	if (ret == 0 && (a.n_keys < 1 || a.n_keys > ZAB_AUTH_KEYS_MAX))
		abort();
	if (ret && (ret != -EINVAL || !err.msg[0]))
		abort();
	/* HELLO */
	if (size >= ZAB_AUTH_HELLO_SIZE) {
		for (uint8_t ch = 0; ch <= 3; ch++) {
			why = NULL;
			if (zab_auth_hello_decode(data, ch, &sid, nonce, &why) == 0) {
				zab_auth_hello_encode(buf, ch, sid, nonce);
				if (memcmp(buf, data, ZAB_AUTH_HELLO_SIZE))
					abort();
			} else if (!why) {
				abort();
			}
		}
	}
	/* PROOF */
	if (size >= ZAB_AUTH_PROOF_SIZE) {
		why = NULL;
		ret = zab_auth_proof_check(&held, data, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr, NULL, id, &why);
		if (ret == 0) {
			size_t slot = ZAB_AUTH_KEY_ID + ZAB_AUTH_MAC;

			/* the MAC the key makes, in one of the slots given */
			zab_auth_proof_encode(&held, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr, NULL);
			if (memcmp(buf + 8, data + 8, slot) &&
			    (data[6] < 2 || memcmp(buf + 8, data + 8 + slot, slot)))
				abort();
		} else if (ret != -EACCES || !why) {
			abort();
		}
	}
	return 0;
}
