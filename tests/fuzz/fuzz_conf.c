// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The configuration file parser (userspace/zabd/conf.c) on any bytes: no crash,
 * no sanitizer report, a message for every refusal, and what it accepts
 * prints back (zab_conf_print()) as a file that parses to the same
 * configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zabd/conf.h"

/* @conf printed, in a buffer of its own (free it); NULL on ENOMEM. */
static char *print(const struct zab_conf *conf, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	zab_conf_print(f, conf);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zab_conf conf, again;
	char *out1, *out2;
	size_t len1, len2;
	struct zab_err err;
	FILE *f;
	int ret;

	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	memset(&conf, 0, sizeof(conf));
	err.msg[0] = '\0';
	ret = zab_conf_parse(f, "fuzz.conf", &conf, &err);
	fclose(f);
	if (ret < 0) {
		if (!err.msg[0])
			abort();	/* a refusal without a reason */
		zab_conf_release(&conf);
		return 0;
	}
	err.msg[0] = '\0';
	if (zab_conf_check_ensemble(&conf, "fuzz.conf", &err) < 0 && !err.msg[0])
		abort();
	out1 = print(&conf, &len1);
	zab_conf_release(&conf);
	if (!out1)
		return 0;
	/* what is printed parses, and prints the same */
	f = fmemopen(out1, len1, "r");
	if (!f) {
		free(out1);
		return 0;
	}
	memset(&again, 0, sizeof(again));
	ret = zab_conf_parse(f, "printed.conf", &again, &err);
	fclose(f);
	if (ret < 0) {
		fprintf(stderr, "printed configuration refused: %s\n%s", err.msg, out1);
		abort();
	}
	out2 = print(&again, &len2);
	zab_conf_release(&again);
	if (out2 && (len1 != len2 || memcmp(out1, out2, len1))) {
		fprintf(stderr, "printed twice, differently:\n%s---\n%s", out1, out2);
		abort();
	}
	free(out1);
	free(out2);
	return 0;
}
