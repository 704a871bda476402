// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * zabd: runs one member of a zab ensemble (see zabd.h for its parts and
 * docs/zabd.md for what it does). It stays in the foreground; SIGTERM or
 * SIGINT stops the instance, destroys it if zabd created it, and exits 0.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "epoch.h"
#include "log.h"
#include "tls.h"
#include "zabd.h"

#define PROG_NAME "zabd"

#ifndef ZAB_VERSION
#define ZAB_VERSION "0.1.0"
#endif

struct options {
	const char *config;
	bool check_config;
	bool syslog;
	bool verbose;
};

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Before logging is set up: "zabd: message" on standard error (an error). */
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s: ", zlog_stderr_is_journal() ? "<3>" : "", PROG_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s -c FILE [-s] [-v] [--check-config]\n\n"
		"Runs one member of a zab ensemble, as configured in FILE: leader\n"
		"election, discovery and the handover of connections to the kernel.\n\n"
		"Options:\n"
		"  -c, --config FILE  the configuration file\n"
		"  -s, --syslog       log to syslog as well as to standard error\n"
		"  -v, --verbose      log every notification and handshake step\n"
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
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:svh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config = optarg;
			break;
		case OPT_CHECK:
			opts->check_config = true;
			break;
		case 's':
			opts->syslog = true;
			break;
		case 'v':
			opts->verbose = true;
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

void zabd_exit(struct zabd *z, int status)
{
	if (z->running || status > z->status)
		z->status = status;
	z->running = false;
}

static void on_signal(struct watch *w, uint32_t events)
{
	struct zabd *z = w->arg;
	struct signalfd_siginfo si;

	(void)events;
	if (read(z->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	zinfo("received SIG%s, shutting down", sigabbrev_np((int)si.ssi_signo));
	zabd_exit(z, 0);
}

static int setup_signals(struct zabd *z, sigset_t *old)
{
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, old) < 0) {
		zerr("sigprocmask: %s", strerror(errno));
		return -errno;
	}
	z->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (z->sigfd < 0) {
		zerr("signalfd: %s", strerror(errno));
		return -errno;
	}
	watch_init(&z->sig_watch, on_signal, z);
	return loop_watch(&z->loop, &z->sig_watch, z->sigfd, EPOLLIN);
}

/* The epoch files; ZooKeeper refuses to start if they contradict. */
static int load_epochs(struct zabd *z)
{
	const char *dir = z->conf->data_dir;
	struct zab_err err;

	if (zab_epoch_read(dir, ZAB_ACCEPTED_EPOCH_FILE, &z->accepted_epoch, &err) < 0 ||
	    zab_epoch_read(dir, ZAB_CURRENT_EPOCH_FILE, &z->current_epoch, &err) < 0) {
		zerr("%s", err.msg);
		return -EINVAL;
	}
	if (z->current_epoch > z->accepted_epoch) {
		zerr("%s: currentEpoch %u is newer than acceptedEpoch %u", dir,
		     z->current_epoch, z->accepted_epoch);
		return -EINVAL;
	}
	zinfo("dataDir %s: acceptedEpoch %u, currentEpoch %u", dir, z->accepted_epoch,
	      z->current_epoch);
	return 0;
}

static int open_netlink(struct zabd *z)
{
	int ret = zab_nl_open(&z->nl);

	if (!ret)
		ret = zab_nl_open(&z->events);
	if (ret < 0) {
		zerr("%s", zab_nl_open_strerror(ret));
		return ret;
	}
	return instance_subscribe(z, node_kernel_event);
}

void zabd_report(struct zabd *z, const char *fmt, ...)
{
	char status[256];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	ret = sdnotify_send(&z->sd, "STATUS=%s", status);
	if (ret < 0)
		zwarn("cannot notify the service manager: %s", strerror(-ret));
}

void zabd_ready(struct zabd *z)
{
	z->joined = true;
	if (z->sd.ready || sdnotify_send(&z->sd, "READY=1") < 0)
		return;	/* a failed one is sent again with the watchdog's kicks */
	z->sd.ready = true;
	if (z->sd.fd >= 0)
		zinfo("joined the ensemble: READY=1 to the service manager");
}

/* WATCHDOG=1 at half of $WATCHDOG_USEC, from the main loop: a zabd stuck
 * anywhere stops sending it, and systemd restarts it. */
static void watchdog_kick(struct timer *t)
{
	struct zabd *z = t->arg;
	int ret = sdnotify_send(&z->sd, "WATCHDOG=1");

	if (z->joined && !z->sd.ready)
		zabd_ready(z);

	if (ret < 0)
		zwarn("cannot notify the service manager: %s", strerror(-ret));
	timer_arm(&z->loop, &z->watchdog_timer, (int64_t)sdnotify_kick_ms(&z->sd));
}

/* How often zabd looks at its certificates' ends again (auth = cert). */
#define TLS_EXPIRY_CHECK_MS	(12 * 3600 * 1000LL)

/*
 * auth = cert: warn, from ZAB_TLS_EXPIRY_WARN_DAYS days before, that the
 * member's certificate or a CA of tlsCaFile is about to stop being valid,
 * or a revocation list of tlsCrlFile is due for its next update (an error
 * once it has); at start and twice a day.
 */
static void tls_expiry_check(struct timer *t)
{
	struct zabd *z = t->arg;
	int64_t now = time(NULL);
	struct zab_tls_ends ends;
	char buf[160];

	zab_tls_expiry(z->auth.tls, &ends);
	const struct {
		const char *key, *file;
		int64_t end;
		enum zab_tls_end kind;
	} checks[] = {
		{ "tlsCertFile", z->conf->tls_cert_file, ends.cert, ZAB_TLS_END_CERT },
		{ "tlsCaFile", z->conf->tls_ca_file, ends.ca, ZAB_TLS_END_CA },
		{ "tlsCrlFile", z->conf->tls_crl_file, ends.crl, ZAB_TLS_END_CRL },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const char *note = zab_tls_expiry_note(now, checks[i].end, checks[i].kind, buf,
						       sizeof(buf));

		if (note)
			zlog(checks[i].end <= now ? LOG_ERR : LOG_WARNING, "%s %s: %s",
			     checks[i].key, checks[i].file, note);
	}
	timer_arm(&z->loop, t, TLS_EXPIRY_CHECK_MS);
}

static void auth_failed(void *arg)
{
	instance_count_auth(arg);
}

static int start(struct zabd *z, const char *path)
{
	struct zab_err err;
	int ret;

	ret = ensemble_init(&z->ens, z->conf, path, &err);
	if (ret < 0) {
		zerr("%s", err.msg);
		return ret;
	}
	z->lock_fd = zab_datadir_open(z->conf->data_dir, &err);
	if (z->lock_fd < 0) {
		zerr("%s", err.msg);
		return z->lock_fd;
	}
	if (z->conf->auth_key_file) {
		ret = zab_auth_load(&z->auth, z->conf->auth_key_file, &err);
		if (ret < 0) {
			zerr("%s", err.msg);
			return ret;
		}
		char ids[64];

		zab_auth_describe(&z->auth, ids, sizeof(ids));
		zinfo("authentication: %zu key%s from %s (%s)", z->auth.n_keys,
		      z->auth.n_keys == 1 ? "" : "s", z->conf->auth_key_file, ids);
	} else if (z->conf->auth_none) {
		zwarn("auth = none: connections between members are not authenticated; anyone who reaches the ports from a member's address is taken for that member");
	}
	if (z->conf->encryption_tls) {
		struct zab_tls_files files = {
			.cert = z->conf->tls_cert_file,
			.key = z->conf->tls_key_file,
			.ca = z->conf->tls_ca_file,
			.crl = z->conf->tls_crl_file,
		};

		ret = zab_tls_init(&z->auth.tls, z->conf->auth_cert ? &files : NULL,
				   z->conf->myid, &err);
		if (ret < 0) {
			zerr("%s", err.msg);
			return ret;
		}
		z->auth.cert = z->conf->auth_cert;
		zinfo("encryption: TLS 1.3 on every member connection, in the kernel after the handshake");
		if (z->auth.cert) {
			zinfo("authentication: certificates of the CAs in %s (%s)%s%s",
			      z->conf->tls_ca_file, z->conf->tls_cert_file,
			      z->conf->tls_crl_file ? ", revocation lists in " : "",
			      z->conf->tls_crl_file ?: "");
			timer_init(&z->tls_expiry_timer, tls_expiry_check, z);
			tls_expiry_check(&z->tls_expiry_timer);
		}
	} else if (z->conf->auth_key_file) {
		zinfo("encryption = none: records cross the network in clear");
	}
	z->auth.failed = auth_failed;
	z->auth.arg = z;
	z->auth_generation = z->auth.generation;
	ret = load_epochs(z);
	if (!ret)
		ret = open_netlink(z);
	if (!ret)
		ret = leader_open(z);
	if (!ret)
		ret = follower_open(z);
	if (!ret)
		ret = node_open(z);
	if (ret)
		return ret;
	/* Ports are bound: only now touch the kernel. */
	ret = instance_setup(z);
	if (!ret)
		ret = disk_unsynced_load(z);
	if (!ret && zab_dev_access_any(&z->conf->dev)) {
		ret = zab_dev_access_apply(z->conf->name, &z->conf->dev, &err);
		if (ret < 0)
			zerr("%s", err.msg);
	}
	if (!ret) {
		z->instance_up = true;
		instance_count_auth(z);
	}
	if (!ret)
		ret = snapd_open(z);
	if (!ret)
		ret = metrics_open(z);
	if (ret)
		return ret;
	z->running = true;
	/*
	 * Not ready yet: READY=1 goes once the member has joined an ensemble
	 * (zabd_ready()). WATCHDOG=1 goes from now on, from the main loop.
	 */
	ret = sdnotify_send(&z->sd, "STATUS=started, looking for its peers");
	if (ret < 0)
		zwarn("cannot notify the service manager: %s", strerror(-ret));
	if (sdnotify_kick_ms(&z->sd)) {
		timer_init(&z->watchdog_timer, watchdog_kick, z);
		watchdog_kick(&z->watchdog_timer);
	}
	node_look(z);
	return 0;
}

static void stop(struct zabd *z, bool setup_done)
{
	sdnotify_send(&z->sd, "STOPPING=1\nSTATUS=stopping");
	metrics_close(z);
	snapd_close(z);
	node_close(z);
	follower_close(z);
	leader_close(z);
	if (setup_done && z->nl)
		instance_teardown(z);
	loop_unwatch(&z->loop, &z->events_watch);
	zab_nl_close(z->events);
	zab_nl_close(z->nl);
	loop_unwatch(&z->loop, &z->sig_watch);
	if (z->sigfd >= 0)
		close(z->sigfd);
	if (z->lock_fd >= 0)
		close(z->lock_fd);
	ensemble_release(&z->ens);
	zab_auth_release(&z->auth);
	loop_release(&z->loop);
	sdnotify_close(&z->sd);
}

static int run(const struct zab_conf *conf, const char *path)
{
	struct zabd z = { .conf = conf, .sigfd = -1, .lock_fd = -1, .sd.fd = -1 };
	sigset_t old;
	int ret;

	watch_init(&z.events_watch, NULL, NULL);
	watch_init(&z.sig_watch, NULL, NULL);
	ret = sdnotify_open(&z.sd);
	if (ret < 0)
		zwarn("NOTIFY_SOCKET `%s': %s; not notifying the service manager",
		      getenv("NOTIFY_SOCKET"), strerror(-ret));
	ret = loop_init(&z.loop);
	if (ret < 0) {
		zerr("epoll: %s", strerror(-ret));
		return 1;
	}
	sigprocmask(SIG_SETMASK, NULL, &old);
	ret = setup_signals(&z, &old);
	if (!ret)
		ret = start(&z, path);
	if (ret) {
		stop(&z, z.running || z.created);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	while (z.running) {
		ret = loop_run_once(&z.loop);
		if (ret < 0) {
			zerr("epoll: %s", strerror(-ret));
			zabd_exit(&z, 1);
		}
	}
	stop(&z, true);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return z.status;
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
	} else if (zab_conf_check_ensemble(&conf, opts.config, &err) < 0) {
		logmsg("%s", err.msg);
		status = 1;
	} else {
		zlog_init(conf.name, opts.syslog, opts.verbose);
		status = run(&conf, opts.config);
	}
	zab_conf_release(&conf);
	return status;
}
