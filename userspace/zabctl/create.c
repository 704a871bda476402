// SPDX-License-Identifier: GPL-2.0 OR MIT

#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Creates instance NAME with member id N (1..%d), like ZooKeeper's myid,\n"
		"in the network namespace of the caller. Parameters not given keep\n"
		"their defaults:\n", ZAB_ID_MAX);
	zab_params_describe(f, "  ");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct zab_params params;
	struct zab_nl *nl = NULL;
	const char *name, *id_arg = NULL;
	struct zab_err err;
	uint32_t myid;
	int ret = 1, r;

	if (argc < 2)
		return zabctl_usage_error(&create_cmd, "missing NAME");
	name = argv[1];
	zab_params_init(&params);
	if (!zabctl_name_ok(ctl, name) ||
	    !zabctl_parse_pairs(ctl, &create_cmd, argc - 2, argv + 2, &params, &id_arg, NULL))
		goto out;
	if (!id_arg) {
		zabctl_usage_error(&create_cmd, "missing `--id N'");
		goto out;
	}
	if (zab_parse_id(id_arg, "id", !ctl->no_check, &myid, &err) < 0) {
		zabctl_error("%s", err.msg);
		goto out;
	}

	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	r = zab_nl_create(nl, name, myid, &params);
	if (r < 0) {
		zabctl_error("create `%s': %s", name, zab_nl_strerror(nl, r));
		goto out;
	}
	ret = 0;
out:
	zab_nl_close(nl);
	return ret;
}

const struct zabctl_cmd create_cmd = {
	.name = "create",
	.summary = "create an instance",
	.synopsis = "NAME --id N [KEY VALUE ...]",
	.help = help,
	.run = run,
};
