// SPDX-License-Identifier: GPL-2.0 OR MIT

#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Makes instance NAME stop leading or following and go back to LOOKING.\n"
		"Its peer connections are shut down and writers waiting for a commit\n"
		"fail with ECONNRESET. An instance already LOOKING is left as it is.\n");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	return zabctl_run_named(argc, argv, ctl, &stop_cmd, zab_nl_stop);
}

const struct zabctl_cmd stop_cmd = {
	.name = "stop",
	.summary = "stop leading or following: back to LOOKING",
	.synopsis = "NAME",
	.help = help,
	.run = run,
};
