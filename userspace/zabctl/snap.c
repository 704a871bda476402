// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "lib/libzab.h"
#include "common/snapshot.h"
#include "subcommands.h"

static void help(FILE *f)
{
	fprintf(f, "Writes a snapshot of the log on disk of instance NAME, in its directory,\n"
		"at the last record that is both committed and on disk: the records up\n"
		"to it, of which only the last of each key is kept (none if its value is\n"
		"empty). Prints the snapshot's file, zxid, records kept and read, and\n"
		"size. zabd later purges all but the newest snapRetainCount snapshots,\n"
		"and the segments they make redundant. Needs read and write access to\n"
		"the instance's directory.\n");
}

static void note(void *arg, const char *msg)
{
	(void)arg;
	zabctl_error("%s", msg);
}

/* The point to take the snapshot at: committed and on disk. */
static int snapshot_point(const char *name, uint64_t *upto)
{
	struct zab_info info;
	struct zab_nl *nl;
	int ret;

	nl = zabctl_nl_open();
	if (!nl)
		return -1;
	ret = zab_nl_get(nl, name, &info);
	if (ret < 0) {
		zabctl_error("snapshot `%s': %s", name, zab_nl_strerror(nl, ret));
		zab_nl_close(nl);
		return -1;
	}
	*upto = info.commit_zxid < info.durable_zxid ? info.commit_zxid : info.durable_zxid;
	zab_info_release(&info);
	zab_nl_close(nl);
	return 0;
}

static int take(const char *name)
{
	struct zab_snap_stats st;
	char dir[PATH_MAX];
	uint64_t upto;
	int h, dir_fd, ret;

	h = zab_open(name, O_RDONLY);
	if (h < 0)
		return zabctl_error("snapshot `%s': %s", name,
				    h == -ENOENT ? "no such instance" : strerror(-h));
	ret = zab_log_path(h, dir, sizeof(dir));
	zab_close(h);
	if (ret == -ENOENT)
		return zabctl_error("snapshot `%s': it keeps its log in memory only", name);
	if (ret < 0)
		return zabctl_error("snapshot `%s': %s", name, strerror(-ret));
	if (snapshot_point(name, &upto) < 0)
		return 1;
	if (!upto)
		return zabctl_error("snapshot `%s': no record is committed and on disk yet", name);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return zabctl_error("snapshot `%s': %s: %s", name, dir, strerror(errno));
	ret = zab_snap_take(dir_fd, dir, upto, &st, note, NULL);
	close(dir_fd);
	if (ret == -EALREADY) {
		printf("%s: a snapshot at 0x%016" PRIx64 " or later exists\n", name, upto);
		return zabctl_flush();
	}
	if (ret == -EBUSY)
		return zabctl_error("snapshot `%s': another snapshot or purge of %s is under way",
				    name, dir);
	if (ret < 0)
		return zabctl_error("snapshot `%s': %s", name, strerror(-ret));
	printf("%s/%s\tzxid 0x%016" PRIx64 "\t%" PRIu64 " of %" PRIu64 " records\t%" PRIu64 " bytes\n",
	       dir, st.name, st.zxid, st.kept, st.read, st.bytes);
	return zabctl_flush();
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (argc - i != 1)
		return zabctl_usage_error(&snapshot_cmd, "expected one NAME");
	if (!zabctl_name_ok(ctl, argv[i]))
		return 1;
	return take(argv[i]);
}

const struct zabctl_cmd snapshot_cmd = {
	.name = "snapshot",
	.summary = "write a snapshot of the log on disk now",
	.synopsis = "NAME",
	.help = help,
	.run = run,
};
