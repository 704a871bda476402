/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The members of the ensemble as zabd uses them: the server.N entries of the
 * configuration with their hosts resolved to addresses.
 */
#ifndef ZABD_ENSEMBLE_H
#define ZABD_ENSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"
#include "common/err.h"

struct member {
	uint32_t id;
	const char *host;	/* as configured */
	struct sockaddr_storage *addrs;	/* resolved, port 0 */
	socklen_t *lens;
	size_t n_addrs;
	uint16_t quorum_port;
	uint16_t election_port;
	bool observer;		/* receives every committed record, never votes */
};

struct ensemble {
	struct member *members;	/* sorted by id */
	size_t n;		/* voting members and observers */
	size_t voters;		/* voting members */
	size_t quorum;		/* a majority of the voters: voters / 2 + 1 */
	struct member *self;
};

/*
 * Builds the ensemble from @conf (checked with zab_conf_check_ensemble()),
 * resolving every host. @path names the file in messages. Release with
 * ensemble_release() in every case.
 */
int ensemble_init(struct ensemble *ens, const struct zab_conf *conf,
		  const char *path, struct zab_err *err);
void ensemble_release(struct ensemble *ens);

/* The member with id @id, or NULL. */
struct member *ensemble_find(const struct ensemble *ens, uint32_t id);

/* The address @i of @m with @port set, into @out; returns its length. */
socklen_t member_addr(const struct member *m, size_t i, uint16_t port,
		      struct sockaddr_storage *out);

/* Does @sa (a peer's address) belong to @m? */
bool member_has_addr(const struct member *m, const struct sockaddr *sa);

#endif
