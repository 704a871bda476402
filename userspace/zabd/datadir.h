/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* A member's dataDir: created if missing, locked while zabd runs. */
#ifndef ZABD_DATADIR_H
#define ZABD_DATADIR_H

#include "common/err.h"

/*
 * Creates @dir if it does not exist (its parent must), and takes an
 * exclusive lock on @dir/.lock so that no second zabd uses it. Returns the
 * lock's fd (keep it open while running), or -errno with @err set;
 * -EWOULDBLOCK if another process holds the lock.
 */
int zab_datadir_open(const char *dir, struct zab_err *err);

#endif
