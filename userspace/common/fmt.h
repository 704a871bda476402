/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Text forms of what the kernel reports: enum names, zxids, the human and
 * tab-separated views of zabctl show and the event lines of zabctl monitor.
 */
#ifndef ZAB_FMT_H
#define ZAB_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "info.h"

/* "LOOKING", "FOLLOWING", "LEADING"; NULL if unknown. */
const char *zab_state_name(uint32_t state);

/* "CREATED", "DESTROYED", "PEER_DOWN", ...; NULL if unknown. */
const char *zab_event_name(uint32_t event);
/* "memory", "write", "fsync": the name of an enum zab_durability, or NULL. */
const char *zab_durability_name(uint32_t durability);

/*
 * "none", "closed", "sock_error", "timeout", "protocol", "nomem", "lagging",
 * "stopped"; NULL if unknown.
 */
const char *zab_reason_name(uint32_t reason);

/* Column name of a counter in --tsv ("write_bytes"); NULL if unknown. */
const char *zab_stat_name(uint32_t stat);

/* "0x100000002"; zxid 0 is "0x0". */
void zab_fmt_zxid(char *buf, size_t len, uint64_t zxid);

/* "0x100000002 (epoch 1, counter 2)", or "0x0 (none)". */
void zab_fmt_zxid_long(char *buf, size_t len, uint64_t zxid);

/*
 * One monitor line, without newline: "NAME event=PEER_DOWN peer=2
 * reason=timeout". Fields the event does not carry are left out, except the
 * reason of PEER_DOWN, "none" when absent; unknown enum values are printed
 * as numbers.
 */
void zab_fmt_event(char *buf, size_t len, const struct zab_event_info *ev);

/*
 * The same event as one JSON object, without newline: {"name":"ens1",
 * "event":"PEER_DOWN","peer":2,"reason":"timeout"}, the same fields left
 * out, unknown enum values as numbers. Empty if it does not fit in @len.
 */
void zab_fmt_event_json(char *buf, size_t len, const struct zab_event_info *ev);

/*
 * One peer in the human view, without newline or indent:
 * "id 2: acked 0x100000002, queued 0, rtt 0.120 ms" (rtt to the microsecond).
 */
void zab_fmt_peer(char *buf, size_t len, const struct zab_peer_info *peer);

/*
 * The human view of one instance, ending with its "peers:" section: one
 * zab_fmt_peer() line per peer, or "peers: none".
 */
void zab_print_info(FILE *f, const struct zab_info *info);

/*
 * Long work for people: "restoring the log: 1200 records, 1.5 MiB of 6.0 MiB
 * (25%), 3.0 MiB/s, 2 s left"; without a total, "..., 1.5 MiB, 3.0 MiB/s".
 */
void zab_fmt_progress(char *buf, size_t len, const struct zab_progress_info *p);

/* The name of an enum zab_work in the machine-readable views, or NULL. */
const char *zab_work_name(uint32_t work);

/*
 * The @q quantile (0..1) of a histogram, in microseconds, interpolated
 * linearly within its bucket; -1 if it has no samples or was not reported.
 */
double zab_hist_quantile(const struct zab_hist_info *h, double q);

/*
 * The fields of the machine-readable views, in the order of --tsv and
 * --json (docs/zabctl.md): their number and names.
 */
size_t zab_field_count(void);
const char *zab_field_name(size_t i);

/* The index of the field named by the @len bytes at @name, or -1. */
int zab_field_find(const char *name, size_t len);

/*
 * The --tsv view: one line per instance, every field in order, separated by
 * a tab. zxids in hexadecimal, a parameter the kernel did not report `-',
 * peers as ID:LAST_ZXID:QUEUED:RTT_US,... or `-'.
 */
void zab_print_tsv(FILE *f, const struct zab_info *info);

/* The -o view: the fields @which[0..@n), as in --tsv, then a newline. */
void zab_print_fields(FILE *f, const struct zab_info *info,
		      const int *which, size_t n);

/*
 * The --json view: one object on one line, a member per field; numbers as
 * numbers, zxids as hexadecimal strings, a parameter not reported as null,
 * peers as an array of {"id", "last_zxid", "queued", "rtt_us"}.
 */
void zab_print_json(FILE *f, const struct zab_info *info);

#endif
