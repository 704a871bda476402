// SPDX-License-Identifier: GPL-2.0 OR MIT

#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Changes parameters of instance NAME, all or nothing:\n");
	zab_params_describe(f, "  ");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct zab_params params;
	struct zab_nl *nl = NULL;
	const char *name;
	int ret = 1, r;

	if (argc < 4)
		return zabctl_usage_error(&set_cmd, argc < 2 ? "missing NAME"
							   : "missing KEY VALUE");
	name = argv[1];
	zab_params_init(&params);
	if (!zabctl_name_ok(ctl, name) ||
	    !zabctl_parse_pairs(ctl, &set_cmd, argc - 2, argv + 2, &params, NULL))
		goto out;

	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	r = zab_nl_set(nl, name, &params);
	if (r < 0) {
		zabctl_error("set `%s': %s", name, zab_nl_strerror(nl, r));
		goto out;
	}
	ret = 0;
out:
	zab_nl_close(nl);
	return ret;
}

const struct zabctl_cmd set_cmd = {
	.name = "set",
	.summary = "change parameters of an instance",
	.synopsis = "NAME KEY VALUE [KEY VALUE ...]",
	.help = help,
	.run = run,
};
