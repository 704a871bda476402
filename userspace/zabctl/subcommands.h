/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef ZABCTL_SUBCOMMANDS_H
#define ZABCTL_SUBCOMMANDS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/devaccess.h"
#include "common/nl.h"

#define PROG_NAME "zabctl"

/* Global options, parsed before the subcommand. */
struct zabctl {
	bool no_check;	/* --no-check: leave all validation to the kernel */
};

struct zabctl_cmd {
	const char *name;
	const char *summary;
	const char *synopsis;	/* arguments, as in "zabctl NAME SYNOPSIS" */
	void (*help)(FILE *f);	/* optional text after the synopsis */
	/* argv[0] is the subcommand; returns the exit status. */
	int (*run)(int argc, char *argv[], const struct zabctl *ctl);
};

extern const struct zabctl_cmd create_cmd, destroy_cmd, show_cmd, set_cmd,
	stop_cmd, monitor_cmd, append_cmd, tail_cmd, snapshot_cmd, genkey_cmd;

/* "Usage: zabctl NAME SYNOPSIS" and the help text of @cmd. */
void zabctl_cmd_usage(FILE *f, const struct zabctl_cmd *cmd);

/* Reports wrong arguments: "zabctl: NAME: REASON" and the synopsis. */
int zabctl_usage_error(const struct zabctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "zabctl: MESSAGE" on stderr. Returns 1, the failure exit status. */
int zabctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks @name unless --no-check; reports and returns false if invalid. */
bool zabctl_name_ok(const struct zabctl *ctl, const char *name);

/*
 * Parses the KEY VALUE pairs of @argv into @params, checking values unless
 * --no-check. If @id is not NULL, "--id N" may appear among the pairs and N
 * is stored, unparsed, in *id; if @dev is not NULL, deviceOwner, deviceGroup
 * and deviceMode go there. Reports errors and returns false.
 */
bool zabctl_parse_pairs(const struct zabctl *ctl, const struct zabctl_cmd *cmd,
			int argc, char *argv[], struct zab_params *params,
			const char **id, struct zab_dev_access *dev);

/* Opens the netlink handle, or reports why not and returns NULL. */
struct zab_nl *zabctl_nl_open(void);

/*
 * The whole of a command that takes only NAME and makes one request:
 * checks the arguments, runs @request, reports its error. Returns the
 * command's exit status.
 */
int zabctl_run_named(int argc, char *argv[], const struct zabctl *ctl,
		     const struct zabctl_cmd *cmd,
		     int (*request)(struct zab_nl *nl, const char *name));

/*
 * Blocks SIGINT and SIGTERM and returns a signalfd reporting them, or -1 with
 * errno set and the signal mask unchanged. @old receives the previous mask.
 */
int zabctl_signalfd(sigset_t *old);

/*
 * Closes the signalfd, discarding the signals it holds (else they would be
 * delivered once unblocked), and restores the signal mask @old.
 */
void zabctl_signalfd_close(int fd, const sigset_t *old);

/* Flushes stdout; reports a write error and returns 1, else 0. */
int zabctl_flush(void);

#endif
