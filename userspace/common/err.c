// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int zab_err(struct zab_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
