/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The epoch files of a member's dataDir, as ZooKeeper keeps them:
 * acceptedEpoch, the last epoch it agreed to (LEADERINFO), and currentEpoch,
 * the epoch of the last leader it synchronised with. Each holds one decimal
 * number and a newline.
 */
#ifndef ZABD_EPOCH_H
#define ZABD_EPOCH_H

#include <stdint.h>

#include "common/err.h"

#define ZAB_ACCEPTED_EPOCH_FILE	"acceptedEpoch"
#define ZAB_CURRENT_EPOCH_FILE	"currentEpoch"

/*
 * Reads @dir/@file into *@epoch; a missing file reads as 0. -EINVAL if the
 * content is not one decimal number of at most 32 bits with an optional
 * newline (@err names the file and says what is wrong), or -errno.
 */
int zab_epoch_read(const char *dir, const char *file, uint32_t *epoch,
		   struct zab_err *err);

/*
 * Replaces @dir/@file with @epoch atomically: writes a temporary file,
 * fsyncs it, renames it over @file and fsyncs @dir. 0 or -errno.
 */
int zab_epoch_write(const char *dir, const char *file, uint32_t epoch,
		    struct zab_err *err);

/* Parses a file's content; 0 or -EINVAL with the problem in *@why. */
int zab_epoch_parse(const char *buf, size_t len, uint32_t *epoch,
		    const char **why);

#endif
