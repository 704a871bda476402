/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The election transport: notifications between the members' election
 * ports. Each member keeps one outgoing connection to every other member,
 * reconnecting with backoff, and sends its notifications there; it reads the
 * notifications of the others from the connections it accepts.
 *
 * With authKeyFile, every connection first runs auth.h's handshake and
 * counts in auth.h's failures if it fails; the notifications on it must
 * then carry the id it authenticated as.
 *
 * Everything read is checked: a frame that does not decode, a sender that is
 * not a configured member (or this one), a sender that connects from an
 * address that is not its own, or that changes its id on a connection, and a
 * connection that does not identify itself in time all get the connection
 * dropped and one line logged. Only good notifications reach the callback.
 */
#ifndef ZABD_MESH_H
#define ZABD_MESH_H

#include <stdint.h>

#include "ensemble.h"
#include "common/err.h"
#include "loop.h"
#include "vote.h"

struct mesh;
struct zab_auth;

struct mesh_ops {
	/* A checked notification from another member. */
	void (*recv)(void *arg, const struct zab_notif *n);
	/* The connection to member @sid is up: a good time to tell it our vote. */
	void (*connected)(void *arg, uint32_t sid);
};

/*
 * Listens on this member's election port and starts connecting to the
 * others, authenticating every connection with @auth's keys (none if
 * auth = none). -errno with @err set if the port cannot be bound.
 */
int mesh_open(struct mesh **meshp, struct loop *loop,
	      const struct ensemble *ens, struct zab_auth *auth,
	      const struct mesh_ops *ops, void *arg, struct zab_err *err);
void mesh_close(struct mesh *mesh);

/*
 * The keys or certificate files changed (zab_auth_refresh()): drops the
 * connections authenticated with a key no longer held, or, with
 * certificates, every one; they connect again, checked anew.
 */
void mesh_rekey(struct mesh *mesh);

/* Queues @n for member @sid; dropped if that connection is not up. */
void mesh_send(struct mesh *mesh, uint32_t sid, const struct zab_notif *n);

/* mesh_send() to every other member. */
void mesh_broadcast(struct mesh *mesh, const struct zab_notif *n);

#endif
