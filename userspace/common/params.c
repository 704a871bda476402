// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/zab.h>

#include "params.h"

const struct zab_param_def zab_param_defs[ZAB_P_COUNT] = {
	[ZAB_P_TICK_TIME] = {
		"tickTime", ZAB_A_TICK_MS, ZAB_UNIT_MS,
		ZAB_TICK_MS_DEFAULT, ZAB_TICK_MS_MIN, ZAB_TICK_MS_MAX,
	},
	[ZAB_P_SYNC_LIMIT] = {
		"syncLimit", ZAB_A_SYNC_LIMIT, ZAB_UNIT_TICKS,
		ZAB_SYNC_LIMIT_DEFAULT, ZAB_LIMIT_MIN, ZAB_LIMIT_MAX,
	},
	[ZAB_P_INIT_LIMIT] = {
		"initLimit", ZAB_A_INIT_LIMIT, ZAB_UNIT_TICKS,
		ZAB_INIT_LIMIT_DEFAULT, ZAB_LIMIT_MIN, ZAB_LIMIT_MAX,
	},
	[ZAB_P_WINDOW_BYTES] = {
		"windowBytes", ZAB_A_WINDOW_BYTES, ZAB_UNIT_BYTES,
		ZAB_WINDOW_BYTES_DEFAULT, ZAB_WINDOW_BYTES_MIN,
		ZAB_WINDOW_BYTES_MAX,
	},
	[ZAB_P_MAX_RECORD] = {
		"maxRecordSize", ZAB_A_MAX_RECORD, ZAB_UNIT_BYTES,
		ZAB_MAX_RECORD_DEFAULT, 1, ZAB_MAX_RECORD_LIMIT,
	},
};

void zab_params_init(struct zab_params *params)
{
	for (int i = 0; i < ZAB_P_COUNT; i++)
		params->value[i] = zab_param_defs[i].def;
	params->set = 0;
}

int zab_param_lookup(const char *key)
{
	for (int i = 0; i < ZAB_P_COUNT; i++) {
		if (!strcmp(key, zab_param_defs[i].key))
			return i;
	}
	return -1;
}

const char *zab_unit_name(enum zab_unit unit)
{
	switch (unit) {
	case ZAB_UNIT_MS:
		return "ms";
	case ZAB_UNIT_TICKS:
		return "ticks";
	case ZAB_UNIT_BYTES:
		return "bytes";
	}
	return "";
}

void zab_fmt_size(char *buf, size_t len, uint64_t value)
{
	static const struct {
		char suffix;
		unsigned int shift;
	} units[] = { { 'G', 30 }, { 'M', 20 }, { 'K', 10 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t unit = 1ULL << units[i].shift;

		if (value && value % unit == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(value / unit),
				 units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)value);
}

/* A value of a parameter as a user would write it. */
static void fmt_value(char *buf, size_t len, const struct zab_param_def *def,
		      uint64_t value)
{
	if (def->unit == ZAB_UNIT_BYTES)
		zab_fmt_size(buf, len, value);
	else
		snprintf(buf, len, "%llu", (unsigned long long)value);
}

void zab_param_format(char *buf, size_t len, enum zab_param param,
		      uint32_t value)
{
	fmt_value(buf, len, &zab_param_defs[param], value);
}

void zab_params_describe(FILE *f, const char *indent)
{
	char lo[32], hi[32], def[32];

	for (int i = 0; i < ZAB_P_COUNT; i++) {
		const struct zab_param_def *p = &zab_param_defs[i];

		fmt_value(lo, sizeof(lo), p, p->min);
		fmt_value(hi, sizeof(hi), p, p->max);
		fmt_value(def, sizeof(def), p, p->def);
		fprintf(f, "%s%-14s %s..%s %s, default %s\n", indent, p->key,
			lo, hi, zab_unit_name(p->unit), def);
	}
	fprintf(f, "%sSizes in bytes take a K, M or G suffix (powers of 1024).\n",
		indent);
}

static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k':
		return 10;
	case 'M': case 'm':
		return 20;
	case 'G': case 'g':
		return 30;
	}
	return 0;
}

int zab_parse_uint(const char *str, bool suffix, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;
	unsigned int shift;
	const char *p = str;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int digit = *p - '0';

		if (value > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		value = value * 10 + digit;
	}
	if (suffix && *p && (shift = suffix_shift(*p))) {
		if (value > UINT64_MAX >> shift)
			return -ERANGE;
		value <<= shift;
		p++;
	}
	if (*p)
		return -EINVAL;
	if (value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

static int param_range_error(const struct zab_param_def *def, const char *value,
			     uint64_t min, uint64_t max, struct zab_err *err)
{
	char lo[32], hi[32];

	fmt_value(lo, sizeof(lo), def, min);
	fmt_value(hi, sizeof(hi), def, max);
	return zab_err(err, -EINVAL, "invalid %s `%s': must be %s..%s %s",
		       def->key, value, lo, hi, zab_unit_name(def->unit));
}

int zab_params_parse(struct zab_params *params, const char *key,
		     const char *value, bool check, struct zab_err *err)
{
	const struct zab_param_def *def;
	uint64_t min = 0, max = UINT32_MAX, v;
	bool bytes;
	int param, ret;

	param = zab_param_lookup(key);
	if (param < 0)
		return zab_err(err, -EINVAL, "unknown key `%s'", key);
	def = &zab_param_defs[param];
	if (zab_params_has(params, param))
		return zab_err(err, -EINVAL, "duplicate key `%s'", key);
	if (check) {
		min = def->min;
		max = def->max;
	}
	bytes = def->unit == ZAB_UNIT_BYTES;
	ret = zab_parse_uint(value, bytes, max, &v);
	if (ret == -EINVAL)
		return zab_err(err, -EINVAL, "invalid %s `%s': %s", key, value,
			       bytes ? "expected a number with an optional K, M or G suffix"
				     : "expected a decimal number");
	if (ret < 0 || v < min)
		return param_range_error(def, value, min, max, err);
	params->value[param] = (uint32_t)v;
	params->set |= 1u << param;
	return 0;
}

int zab_parse_id(const char *str, const char *what, bool check, uint32_t *id,
		 struct zab_err *err)
{
	uint64_t min = check ? 1 : 0, max = check ? ZAB_ID_MAX : UINT32_MAX, v;
	int ret;

	ret = zab_parse_uint(str, false, max, &v);
	if (ret == -EINVAL)
		return zab_err(err, -EINVAL, "invalid %s `%s': expected a decimal number",
			       what, str);
	if (ret < 0 || v < min)
		return zab_err(err, -EINVAL, "invalid %s `%s': must be %llu..%llu",
			       what, str, (unsigned long long)min,
			       (unsigned long long)max);
	*id = (uint32_t)v;
	return 0;
}
