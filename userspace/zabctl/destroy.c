// SPDX-License-Identifier: GPL-2.0 OR MIT

#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Destroys instance NAME. Pending writers fail with ESHUTDOWN, readers\n"
		"see end of file.\n");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	return zabctl_run_named(argc, argv, ctl, &destroy_cmd, zab_nl_destroy);
}

const struct zabctl_cmd destroy_cmd = {
	.name = "destroy",
	.summary = "destroy an instance",
	.synopsis = "NAME",
	.help = help,
	.run = run,
};
