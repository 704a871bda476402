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
	struct zab_nl *nl = NULL;
	const char *name;
	int ret = 1, r;

	if (argc != 2)
		return zabctl_usage_error(&stop_cmd, argc < 2 ? "missing NAME"
							    : "too many arguments");
	name = argv[1];
	if (!zabctl_name_ok(ctl, name))
		goto out;

	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	r = zab_nl_stop(nl, name);
	if (r < 0) {
		zabctl_error("stop `%s': %s", name, zab_nl_strerror(nl, r));
		goto out;
	}
	ret = 0;
out:
	zab_nl_close(nl);
	return ret;
}

const struct zabctl_cmd stop_cmd = {
	.name = "stop",
	.summary = "stop leading or following: back to LOOKING",
	.synopsis = "NAME",
	.help = help,
	.run = run,
};
