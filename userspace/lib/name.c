// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <stdbool.h>
#include <string.h>

#include <linux/zab.h>

#include "name.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

const char *zab_name_problem(const char *name)
{
	size_t len = strnlen(name, ZAB_NAME_MAX + 1);

	if (len == 0 || len > ZAB_NAME_MAX)
		return "must be 1.." STR(ZAB_NAME_MAX) " bytes";
	if (name[0] == '.')
		return "must not start with `.'";
	for (size_t i = 0; i < len; i++) {
		if (!name_char_ok(name[i]))
			return "may only contain A-Z a-z 0-9 _ . -";
	}
	return NULL;
}
