/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * zabd's metrics in Prometheus' text exposition format (version 0.0.4):
 * what the kernel reports of the instance (struct zab_info) and zabd's own.
 */
#ifndef ZABD_PROMFMT_H
#define ZABD_PROMFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/info.h"
#include "zabd/tls.h"

/* What zabd knows beside the kernel. */
struct zab_metrics_own {
	uint32_t accepted_epoch;
	uint32_t current_epoch;
	uint64_t elections;		/* elections begun */
	uint64_t log_bytes;		/* segments on disk */
	uint64_t snapshot_bytes;	/* snapshots on disk */
	uint64_t snapshots;		/* snapshot files */
	bool unsynced;			/* dataDir/unsynced: abstaining */
	struct zab_tls_ends tls;	/* auth = cert: zab_tls_expiry(), else 0s */
};

/* Writes every metric, each with its HELP and TYPE lines. */
void zab_metrics_write(FILE *f, const struct zab_info *info,
		       const struct zab_metrics_own *own);

#endif
