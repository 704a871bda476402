/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The zabd configuration file, in ZooKeeper's style:
 *
 *	# comment
 *	name = a
 *	myid = 1
 *	server.1 = 10.0.0.1:2888:3888
 *	server.2 = [fd00::2]:2888:3888
 *	tickTime = 2000
 *	dataDir = /var/lib/zab/a
 *	durability = fsync
 *	snapCount = 100000
 *	snapRetainCount = 3
 *	authKeyFile = /etc/zab/a.key
 *	encryption = tls
 *	deviceGroup = app
 *	deviceMode = 0660
 *
 * One KEY=VALUE per line, whitespace around both ignored; lines whose first
 * non-blank character is '#' and blank lines are skipped. Keys are
 * case-sensitive. The parameter keys are those of zabctl set (params.h).
 */
#ifndef ZABD_CONF_H
#define ZABD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/zab.h>

#include "common/devaccess.h"
#include "common/err.h"
#include "common/params.h"

/* As in ZooKeeper: a snapshot every 100000 records; and every 256M of log. */
#define ZAB_SNAP_COUNT_DEFAULT	100000
#define ZAB_SNAP_BYTES_DEFAULT	(256ULL << 20)
#define ZAB_SNAP_RETAIN_DEFAULT	3

struct zab_server {
	uint32_t id;
	char *host;		/* without the brackets of an IPv6 address */
	uint16_t quorum_port;
	uint16_t election_port;
	bool observer;		/* ":observer": receives, never votes */
	unsigned int line;	/* where the file gives it, for messages */
};

struct zab_conf {
	char name[ZAB_NAME_MAX + 1];
	uint32_t myid;
	char *data_dir;			/* NULL if not given */
	uint8_t durability;		/* enum zab_durability; default FSYNC */
	uint32_t segment_bytes;		/* default ZAB_SEGMENT_BYTES_DEFAULT */
	uint64_t snap_count;		/* records between snapshots, 0: never */
	uint64_t snap_bytes;		/* log bytes between snapshots, 0: never */
	uint32_t snap_retain;		/* snapshots kept by purge, >= 1 */
	char *metrics_host;		/* metricsAddr's host, NULL: no metrics */
	uint16_t metrics_port;
	char *auth_key_file;		/* authKeyFile, NULL if not given */
	bool auth_none;			/* auth = none */
	bool encryption_tls;		/* encryption = tls */
	bool auth_cert;			/* auth = cert */
	char *tls_cert_file;		/* tlsCertFile, tlsKeyFile, tlsCaFile */
	char *tls_key_file;
	char *tls_ca_file;
	char *tls_crl_file;		/* tlsCrlFile, or NULL */
	struct zab_dev_access dev;	/* deviceOwner, deviceGroup, deviceMode */
	struct zab_params params;	/* .set marks those given */
	struct zab_server *servers;	/* sorted by id */
	size_t n_servers;
};

/*
 * Parses the file at @path into @conf. On failure returns a negative errno
 * and sets @err to "PATH:LINE: problem" (or "PATH: problem" for a missing
 * key or an unreadable file). @conf must be released with
 * zab_conf_release() in both cases.
 */
int zab_conf_load(const char *path, struct zab_conf *conf, struct zab_err *err);

/* As zab_conf_load(), reading @f; @path only names it in messages. */
int zab_conf_parse(FILE *f, const char *path, struct zab_conf *conf,
		   struct zab_err *err);

void zab_conf_release(struct zab_conf *conf);

/*
 * What zabd needs beyond a well-formed file: dataDir, authKeyFile or
 * auth = none (not both), at least the server
 * entry of myid, at most ZAB_MEMBERS_MAX servers, and no two servers sharing
 * a host and port (compared as written). On failure, @err names the file
 * and, for a server, its line and key.
 */
int zab_conf_check_ensemble(const struct zab_conf *conf, const char *path,
			    struct zab_err *err);

/*
 * Writes @conf in the file format, every parameter with its effective
 * value, so that parsing the output gives the same configuration.
 */
void zab_conf_print(FILE *f, const struct zab_conf *conf);

#endif
