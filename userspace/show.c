// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <string.h>

#include "fmt.h"
#include "subcommands.h"

static void help(FILE *f)
{
	const char *col = zab_tsv_columns;
	int n = 1;

	fprintf(f, "Shows instance NAME, or every instance of the network namespace.\n\n"
		"--tsv prints one line per instance with these tab-separated fields:\n");
	while (*col) {
		size_t len = strcspn(col, "\t");

		fprintf(f, "  %2d %.*s\n", n++, (int)len, col);
		col += len + (col[len] == '\t');
	}
	fprintf(f, "zxids are hexadecimal. A parameter the kernel did not report is `-'.\n"
		"peers is a comma-separated list of ID:LAST_ZXID:QUEUED:RTT_US, or `-'.\n");
}

static void print(const struct zab_info *info, bool tsv, bool first)
{
	if (tsv) {
		zab_print_tsv(stdout, info);
		return;
	}
	if (!first)
		putchar('\n');
	zab_print_info(stdout, info);
}

static int show_one(struct zab_nl *nl, const char *name, bool tsv)
{
	struct zab_info info;
	int r;

	r = zab_nl_get(nl, name, &info);
	if (r < 0)
		return zabctl_error("show `%s': %s", name, zab_nl_strerror(nl, r));
	print(&info, tsv, true);
	zab_info_release(&info);
	return zabctl_flush();
}

static int show_all(struct zab_nl *nl, bool tsv)
{
	struct zab_info_list list = { 0 };
	int r;

	r = zab_nl_dump(nl, &list);
	if (r < 0)
		return zabctl_error("show: %s", zab_nl_strerror(nl, r));
	for (size_t i = 0; i < list.len; i++)
		print(&list.items[i], tsv, i == 0);
	zab_info_list_release(&list);
	return zabctl_flush();
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	const char *name = NULL;
	struct zab_nl *nl;
	bool tsv = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tsv"))
			tsv = true;
		else if (!name)
			name = argv[i];
		else
			return zabctl_usage_error(&show_cmd, "unexpected argument `%s'",
						  argv[i]);
	}
	if (name && !zabctl_name_ok(ctl, name))
		return 1;

	nl = zabctl_nl_open();
	if (!nl)
		return 1;
	ret = name ? show_one(nl, name, tsv) : show_all(nl, tsv);
	zab_nl_close(nl);
	return ret;
}

const struct zabctl_cmd show_cmd = {
	.name = "show",
	.summary = "show instances: state, zxids, parameters, counters, peers",
	.synopsis = "[NAME] [--tsv]",
	.help = help,
	.run = run,
};
