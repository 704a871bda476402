// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * zabd: runs one zab member. For now it creates the kernel instance described
 * by its configuration file (unless it exists), waits for SIGTERM or SIGINT,
 * and destroys the instance again if it created it.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "nl.h"

#define PROG_NAME "zabd"

#ifndef ZAB_VERSION
#define ZAB_VERSION "0.1.0"
#endif

struct options {
	const char *config;
	bool check_config;
};

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s -c FILE [--check-config]\n\n"
		"Runs one member of a zab ensemble, as configured in FILE.\n\n"
		"Options:\n"
		"  -c, --config FILE  the configuration file\n"
		"  --check-config     parse FILE, print the configuration and exit\n"
		"  -h, --help         show this help\n"
		"  --version          show the version\n\n"
		"FILE has one KEY = VALUE per line; the keys are name, myid, dataDir,\n"
		"server.N = HOST:QUORUM_PORT:ELECTION_PORT, and the parameters:\n",
		PROG_NAME);
	zab_params_describe(f, "  ");
}

static int usage_hint(void)
{
	fprintf(stderr, "Run `%s --help' for usage.\n", PROG_NAME);
	return 1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char *argv[], struct options *opts)
{
	enum { OPT_CHECK = 256, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config = optarg;
			break;
		case OPT_CHECK:
			opts->check_config = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("%s %s\n", PROG_NAME, ZAB_VERSION);
			return 0;
		case ':':
			logmsg("option `%s' needs an argument", argv[optind - 1]);
			return usage_hint();
		default:
			if (optopt)
				logmsg("unknown option `-%c'", optopt);
			else
				logmsg("unknown option `%s'", argv[optind - 1]);
			return usage_hint();
		}
	}
	if (optind < argc) {
		logmsg("unexpected argument `%s'", argv[optind]);
		return usage_hint();
	}
	if (!opts->config) {
		logmsg("missing `-c FILE'");
		return usage_hint();
	}
	return -1;
}

/* The instance exists already: use it if it is ours to use. */
static int adopt_instance(struct zab_nl *nl, const struct zab_conf *conf)
{
	struct zab_info info;
	int ret;

	ret = zab_nl_get(nl, conf->name, &info);
	if (ret == -ENODEV) {
		logmsg("create `%s': the name is in use in another network namespace",
		       conf->name);
		return ret;
	}
	if (ret < 0) {
		logmsg("show `%s': %s", conf->name, zab_nl_strerror(nl, ret));
		return ret;
	}
	if (info.myid != conf->myid) {
		logmsg("instance `%s' exists with myid %u, not %u", conf->name,
		       info.myid, conf->myid);
		zab_info_release(&info);
		return -EEXIST;
	}
	zab_info_release(&info);
	logmsg("using existing instance `%s'", conf->name);
	if (!conf->params.set)
		return 0;
	ret = zab_nl_set(nl, conf->name, &conf->params);
	if (ret < 0)
		logmsg("set `%s': %s", conf->name, zab_nl_strerror(nl, ret));
	return ret;
}

/* Creates the instance or adopts an existing one; *created says which. */
static int setup_instance(struct zab_nl *nl, const struct zab_conf *conf,
			  bool *created)
{
	int ret;

	*created = false;
	ret = zab_nl_create(nl, conf->name, conf->myid, &conf->params);
	if (ret == -EEXIST)
		return adopt_instance(nl, conf);
	if (ret < 0) {
		logmsg("create `%s': %s", conf->name, zab_nl_strerror(nl, ret));
		return ret;
	}
	*created = true;
	logmsg("created instance `%s' with myid %u", conf->name, conf->myid);
	return 0;
}

/* Destroys the instance zabd created; returns the exit status. */
static int teardown_instance(struct zab_nl *nl, const struct zab_conf *conf)
{
	int ret = zab_nl_destroy(nl, conf->name);

	if (ret == -ENODEV) {
		logmsg("instance `%s' was already destroyed", conf->name);
	} else if (ret < 0) {
		logmsg("destroy `%s': %s", conf->name, zab_nl_strerror(nl, ret));
		return 1;
	} else {
		logmsg("destroyed instance `%s'", conf->name);
	}
	return 0;
}

static void wait_for_signal(const sigset_t *mask)
{
	int sig;

	while ((sig = sigwaitinfo(mask, NULL)) < 0 && errno == EINTR)
		;
	if (sig > 0)
		logmsg("received SIG%s, shutting down", sigabbrev_np(sig));
}

static int run(const struct zab_conf *conf)
{
	struct zab_nl *nl = NULL;
	sigset_t mask, old;
	bool created;
	int status = 1, ret;

	/* Blocked from the start, so a signal during setup is not lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		logmsg("sigprocmask: %s", strerror(errno));
		return 1;
	}
	ret = zab_nl_open(&nl);
	if (ret < 0) {
		logmsg("%s", zab_nl_open_strerror(ret));
		goto out;
	}
	if (setup_instance(nl, conf, &created) < 0)
		goto out;
	wait_for_signal(&mask);
	status = created ? teardown_instance(nl, conf) : 0;
out:
	zab_nl_close(nl);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

int main(int argc, char *argv[])
{
	struct options opts = { 0 };
	struct zab_conf conf;
	struct zab_err err;
	int status;

	status = parse_options(argc, argv, &opts);
	if (status >= 0)
		return status;

	if (zab_conf_load(opts.config, &conf, &err) < 0) {
		logmsg("%s", err.msg);
		status = 1;
	} else if (opts.check_config) {
		zab_conf_print(stdout, &conf);
		status = 0;
		if (fflush(stdout) == EOF || ferror(stdout)) {
			logmsg("cannot write output: %s", strerror(errno));
			status = 1;
		}
	} else {
		status = run(&conf);
	}
	zab_conf_release(&conf);
	return status;
}
