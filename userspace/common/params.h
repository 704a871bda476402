/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Instance parameters: the one table of keys shared by zabctl (create, set),
 * the zabd configuration file and the output of zabctl show.
 */
#ifndef ZAB_PARAMS_H
#define ZAB_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum zab_param {
	ZAB_P_TICK_TIME,
	ZAB_P_SYNC_LIMIT,
	ZAB_P_INIT_LIMIT,
	ZAB_P_WINDOW_BYTES,
	ZAB_P_MAX_RECORD,
	ZAB_P_COUNT
};

enum zab_unit {
	ZAB_UNIT_MS,
	ZAB_UNIT_TICKS,
	ZAB_UNIT_BYTES,	/* accepts K, M and G suffixes */
};

struct zab_param_def {
	const char *key;	/* ZooKeeper's name, e.g. "tickTime" */
	uint16_t attr;		/* ZAB_A_* carrying it, always a u32 */
	enum zab_unit unit;
	uint32_t def;
	uint32_t min;
	uint32_t max;
};

extern const struct zab_param_def zab_param_defs[ZAB_P_COUNT];

struct zab_params {
	uint32_t value[ZAB_P_COUNT];
	unsigned int set;	/* bit (1u << param) when value[param] was given */
};

/* Fills every value with its default and marks none as given. */
void zab_params_init(struct zab_params *params);

static inline bool zab_params_has(const struct zab_params *params,
				  enum zab_param param)
{
	return params->set & (1u << param);
}

/* Returns the parameter called @key (case-sensitive), or -1. */
int zab_param_lookup(const char *key);

/*
 * Parses "KEY VALUE" into @params. With @check, the value must lie in the
 * range of the key; without, any u32 is accepted (the kernel judges it).
 * Errors (-EINVAL): unknown key, key given twice, malformed or out of range
 * value; @err names the key and quotes the value.
 */
int zab_params_parse(struct zab_params *params, const char *key,
		     const char *value, bool check, struct zab_err *err);

/*
 * Lists every key with its range, unit and default, one per line, each line
 * starting with @indent; for help texts.
 */
void zab_params_describe(FILE *f, const char *indent);

/* "ms", "ticks" or "bytes". */
const char *zab_unit_name(enum zab_unit unit);

/*
 * Writes @value as zabctl set accepts it for @param: byte sizes with the
 * largest exact K, M or G suffix ("64M"), everything else in decimal.
 */
void zab_param_format(char *buf, size_t len, enum zab_param param,
		      uint32_t value);

/* Writes @value with the largest exact K/M/G suffix, or in plain decimal. */
void zab_fmt_size(char *buf, size_t len, uint64_t value);

/*
 * Parses an unsigned decimal number, optionally followed by one of the
 * binary suffixes K, M, G (either case) when @suffix is set. No sign, no
 * whitespace. Returns 0, -EINVAL if malformed, -ERANGE if above @max.
 */
int zab_parse_uint(const char *str, bool suffix, uint64_t max, uint64_t *out);

/*
 * Parses a member id (1..ZAB_ID_MAX; any u32 without @check). @what names it
 * in the error message ("id", "myid").
 */
int zab_parse_id(const char *str, const char *what, bool check, uint32_t *id,
		 struct zab_err *err);

#endif
