// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <stdlib.h>
#include <string.h>

#include "common/fmt.h"
#include "subcommands.h"

/* How to print: the human view, or one of the machine-readable ones. */
enum view { VIEW_HUMAN, VIEW_TSV, VIEW_FIELDS, VIEW_JSON };

struct show {
	enum view view;
	int *fields;		/* VIEW_FIELDS: the indexes asked for */
	size_t n_fields;
};

static void help(FILE *f)
{
	fprintf(f, "Shows instance NAME, or every instance of the network namespace.\n\n"
		"  --tsv          one line per instance, every field, tab-separated\n"
		"  -o F1,F2,...   one line per instance, the fields named, in that order\n"
		"  --json         one JSON object per instance and line\n\n"
		"Fields, in the order of --tsv and --json:\n");
	for (size_t i = 0, col = 0; i < zab_field_count(); i++) {
		const char *n = zab_field_name(i);

		if (col + strlen(n) + 1 > 76) {
			fputc('\n', f);
			col = 0;
		}
		col += (size_t)fprintf(f, " %s", n);
	}
	fprintf(f, "\nzxids are hexadecimal. A parameter the kernel did not report is `-' (null\n"
		"in JSON). peers is a comma-separated list of ID:LAST_ZXID:QUEUED:RTT_US, or\n"
		"`-' (in JSON an array of objects with those members).\n");
}

static void print(const struct zab_info *info, const struct show *s, bool first)
{
	switch (s->view) {
	case VIEW_TSV:
		zab_print_tsv(stdout, info);
		break;
	case VIEW_FIELDS:
		zab_print_fields(stdout, info, s->fields, s->n_fields);
		break;
	case VIEW_JSON:
		zab_print_json(stdout, info);
		break;
	case VIEW_HUMAN:
		if (!first)
			putchar('\n');
		zab_print_info(stdout, info);
		break;
	}
}

static int show_one(struct zab_nl *nl, const char *name, const struct show *s)
{
	struct zab_info info;
	int r;

	r = zab_nl_get(nl, name, &info);
	if (r < 0)
		return zabctl_error("show `%s': %s", name, zab_nl_strerror(nl, r));
	print(&info, s, true);
	zab_info_release(&info);
	return zabctl_flush();
}

static int show_all(struct zab_nl *nl, const struct show *s)
{
	struct zab_info_list list = { 0 };
	int r;

	r = zab_nl_dump(nl, &list);
	if (r < 0)
		return zabctl_error("show: %s", zab_nl_strerror(nl, r));
	for (size_t i = 0; i < list.len; i++)
		print(&list.items[i], s, i == 0);
	zab_info_list_release(&list);
	return zabctl_flush();
}

/* Parses -o's comma-separated field names; reports the first unknown one. */
static int parse_fields(struct show *s, const char *list)
{
	const char *p = list;

	s->n_fields = 0;
	s->fields = calloc(strlen(list) / 2 + 1, sizeof(*s->fields));
	if (!s->fields)
		return zabctl_error("show: out of memory");
	for (;;) {
		size_t len = strcspn(p, ",");
		int i = zab_field_find(p, len);

		if (i < 0)
			return zabctl_usage_error(&show_cmd,
						  "unknown field `%.*s' in `-o %s' (see zabctl help show)",
						  (int)len, p, list);
		s->fields[s->n_fields++] = i;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	struct show s = { .view = VIEW_HUMAN };
	const char *name = NULL, *view_opt = NULL;
	struct zab_nl *nl;
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		enum view v;

		if (!strcmp(opt, "--tsv")) {
			v = VIEW_TSV;
		} else if (!strcmp(opt, "--json")) {
			v = VIEW_JSON;
		} else if (!strcmp(opt, "-o")) {
			v = VIEW_FIELDS;
		} else if (!name && (!strcmp(opt, "--") ? ++i < argc : true)) {
			/* a name may start with `-': after `--', or if no option */
			name = argv[i];
			continue;
		} else {
			ret = zabctl_usage_error(&show_cmd, "unexpected argument `%s'", opt);
			goto out;
		}
		if (view_opt) {
			ret = strcmp(view_opt, opt) ?
				zabctl_usage_error(&show_cmd, "`%s' and `%s' do not go together",
						   view_opt, opt) :
				zabctl_usage_error(&show_cmd, "`%s' given twice", opt);
			goto out;
		}
		view_opt = opt;
		s.view = v;
		if (v != VIEW_FIELDS)
			continue;
		if (++i == argc) {
			ret = zabctl_usage_error(&show_cmd, "-o needs a list of fields");
			goto out;
		}
		ret = parse_fields(&s, argv[i]);
		if (ret)
			goto out;
	}
	if (name && !zabctl_name_ok(ctl, name)) {
		ret = 1;
		goto out;
	}

	nl = zabctl_nl_open();
	if (!nl) {
		ret = 1;
		goto out;
	}
	ret = name ? show_one(nl, name, &s) : show_all(nl, &s);
	zab_nl_close(nl);
out:
	free(s.fields);
	return ret;
}

const struct zabctl_cmd show_cmd = {
	.name = "show",
	.summary = "show instances: state, zxids, parameters, counters, peers",
	.synopsis = "[--tsv | --json | -o FIELD,...] [[--] NAME]",
	.help = help,
	.run = run,
};
