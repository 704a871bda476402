/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Error messages produced by parsers and validators. Functions that can fail on
 * user input fill a struct zab_err with a one-line message (without program
 * name and without trailing newline) and return a negative errno; the caller
 * decides where the message goes and what to prefix it with.
 */
#ifndef ZAB_ERR_H
#define ZAB_ERR_H

struct zab_err {
	char msg[512];
};

/* Formats the message into @err (if not NULL) and returns @code. */
int zab_err(struct zab_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
