// SPDX-License-Identifier: GPL-2.0 OR MIT

#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Changes parameters of instance NAME, all or nothing:\n");
	zab_params_describe(f, "  ");
	fprintf(f, "and who may use its device, /dev/zab/NAME (root only, mode 0600, when\n"
		"it is created; zabd sets its configuration's again at start):\n"
		"  deviceOwner  a user name or uid\n"
		"  deviceGroup  a group name or gid\n"
		"  deviceMode   octal, read and write bits only (at most 0666)\n");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct zab_dev_access dev = { 0 };
	struct zab_params params;
	struct zab_nl *nl = NULL;
	struct zab_info info;
	struct zab_err err;
	const char *name;
	int ret = 1, r;

	if (argc < 4)
		return zabctl_usage_error(&set_cmd, argc < 2 ? "missing NAME"
							   : "missing KEY VALUE");
	name = argv[1];
	zab_params_init(&params);
	if (!zabctl_name_ok(ctl, name) ||
	    !zabctl_parse_pairs(ctl, &set_cmd, argc - 2, argv + 2, &params, NULL, &dev))
		goto out;

	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	/* the parameters first: an instance that is not there fails here */
	r = params.set ? zab_nl_set(nl, name, &params) : zab_nl_get(nl, name, &info);
	if (r < 0) {
		zabctl_error("set `%s': %s", name, zab_nl_strerror(nl, r));
		goto out;
	}
	if (!params.set)
		zab_info_release(&info);
	if (zab_dev_access_any(&dev) && zab_dev_access_apply(name, &dev, &err) < 0) {
		zabctl_error("set `%s': %s", name, err.msg);
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
