// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/name.h"
#include "subcommands.h"

#ifndef ZAB_VERSION
#define ZAB_VERSION "0.1.0"
#endif

static const struct zabctl_cmd *const commands[] = {
	&create_cmd, &destroy_cmd, &show_cmd, &set_cmd, &stop_cmd, &monitor_cmd,
	&append_cmd, &tail_cmd, &snapshot_cmd, &genkey_cmd,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [--no-check] COMMAND [ARGS...]\n\n", PROG_NAME);
	fprintf(f, "Manages zab (ZooKeeper atomic broadcast) instances in the kernel.\n\n");
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-9s %s\n", "help", "show this help, or the help of a command");
	fprintf(f, "\nOptions:\n"
		"  --no-check  skip local validation of names, ids and values and send\n"
		"              them to the kernel as given; for testing the kernel's\n"
		"              own checks\n"
		"  --help      show this help\n"
		"  --version   show the version\n\n"
		"Run `%s COMMAND --help' for the arguments of a command.\n", PROG_NAME);
}

static int usage_hint(void)
{
	fprintf(stderr, "Run `%s --help' for usage.\n", PROG_NAME);
	return 1;
}

void zabctl_cmd_usage(FILE *f, const struct zabctl_cmd *cmd)
{
	fprintf(f, "Usage: %s %s %s\n", PROG_NAME, cmd->name, cmd->synopsis);
	if (cmd->help) {
		fputc('\n', f);
		cmd->help(f);
	}
}

int zabctl_usage_error(const struct zabctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", PROG_NAME, cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s %s %s\n", PROG_NAME, cmd->name, cmd->synopsis);
	return 1;
}

int zabctl_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

bool zabctl_name_ok(const struct zabctl *ctl, const char *name)
{
	const char *problem;

	if (ctl->no_check)
		return true;
	problem = zab_name_problem(name);
	if (problem)
		zabctl_error("invalid name `%s': %s", name, problem);
	return !problem;
}

bool zabctl_parse_pairs(const struct zabctl *ctl, const struct zabctl_cmd *cmd,
			int argc, char *argv[], struct zab_params *params,
			const char **id, struct zab_dev_access *dev)
{
	struct zab_err err;
	int ret;

	for (int i = 0; i < argc; i += 2) {
		if (i + 1 == argc) {
			zabctl_usage_error(cmd, "missing value for `%s'", argv[i]);
			return false;
		}
		if (id && !strcmp(argv[i], "--id")) {
			if (*id) {
				zabctl_usage_error(cmd, "duplicate `--id'");
				return false;
			}
			*id = argv[i + 1];
			continue;
		}
		if (dev) {
			ret = zab_dev_access_parse(dev, argv[i], argv[i + 1], &err);
			if (ret < 0) {
				zabctl_error("%s", err.msg);
				return false;
			}
			if (ret)
				continue;
		}
		if (zab_params_parse(params, argv[i], argv[i + 1], !ctl->no_check,
				     &err) < 0) {
			zabctl_error("%s", err.msg);
			return false;
		}
	}
	return true;
}

struct zab_nl *zabctl_nl_open(void)
{
	struct zab_nl *nl;
	int ret;

	ret = zab_nl_open(&nl);
	if (ret < 0) {
		zabctl_error("%s", zab_nl_open_strerror(ret));
		return NULL;
	}
	return nl;
}

int zabctl_run_named(int argc, char *argv[], const struct zabctl *ctl,
		     const struct zabctl_cmd *cmd,
		     int (*request)(struct zab_nl *nl, const char *name))
{
	struct zab_nl *nl = NULL;
	const char *name;
	int ret = 1, r;

	if (argc != 2)
		return zabctl_usage_error(cmd, argc < 2 ? "missing NAME"
						      : "too many arguments");
	name = argv[1];
	if (!zabctl_name_ok(ctl, name))
		goto out;
	nl = zabctl_nl_open();
	if (!nl)
		goto out;
	r = request(nl, name);
	if (r < 0) {
		zabctl_error("%s `%s': %s", cmd->name, name, zab_nl_strerror(nl, r));
		goto out;
	}
	ret = 0;
out:
	zab_nl_close(nl);
	return ret;
}

int zabctl_signalfd(sigset_t *old)
{
	sigset_t mask;
	int fd, err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, old) < 0)
		return -1;
	fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		err = errno;
		sigprocmask(SIG_SETMASK, old, NULL);
		errno = err;
	}
	return fd;
}

void zabctl_signalfd_close(int fd, const sigset_t *old)
{
	struct signalfd_siginfo info;

	/* A signal left pending would be delivered, and kill, once unblocked. */
	while (read(fd, &info, sizeof(info)) == sizeof(info))
		;
	close(fd);
	sigprocmask(SIG_SETMASK, old, NULL);
}

int zabctl_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		return zabctl_error("cannot write output: %s", strerror(errno));
	return 0;
}

static const struct zabctl_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	}
	return NULL;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* zabctl help [COMMAND] */
static int help(int argc, char *argv[])
{
	const struct zabctl_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return zabctl_flush();
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return zabctl_error("unknown command `%s'", argv[1]);
	zabctl_cmd_usage(stdout, cmd);
	return zabctl_flush();
}

int main(int argc, char *argv[])
{
	struct zabctl ctl = { .no_check = false };
	const struct zabctl_cmd *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i])) {
			usage(stdout);
			return zabctl_flush();
		} else if (!strcmp(argv[i], "--version")) {
			printf("%s %s\n", PROG_NAME, ZAB_VERSION);
			return zabctl_flush();
		} else if (!strcmp(argv[i], "--no-check")) {
			ctl.no_check = true;
		} else {
			zabctl_error("unknown option `%s'", argv[i]);
			return usage_hint();
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	argc -= i;
	argv += i;

	if (!strcmp(argv[0], "help"))
		return help(argc, argv);
	cmd = find_command(argv[0]);
	if (!cmd) {
		zabctl_error("unknown command `%s'", argv[0]);
		return usage_hint();
	}
	if (argc > 1 && is_help(argv[1])) {
		zabctl_cmd_usage(stdout, cmd);
		return zabctl_flush();
	}
	return cmd->run(argc, argv, &ctl);
}
