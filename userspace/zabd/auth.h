/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Mutual authentication of member-to-member connections with the
 * ensemble's pre-shared key (authKeyFile), before any protocol frame.
 *
 * Both ends send HELLO as soon as the connection is up, then, once they
 * hold the other's HELLO, PROOF; each checks the other's PROOF before it
 * reads or sends anything else. Integers big-endian:
 *
 *	HELLO (48 bytes)		PROOF (88 bytes)
 *	0   4  magic 0x5a414241 "ZABA"	0   4  magic
 *	4   1  version, 1		4   1  version
 *	5   1  type 1			5   1  type 2
 *	6   1  channel: 1 election,	6   1  n: MACs that follow, 1 or 2
 *	       2 quorum			7   1  zero
 *	7   1  zero			8  40  key id (8), MAC (32)
 *	8   4  sid: the sender's id	48 40  key id, MAC, or zero (n = 1)
 *	12  4  zero
 *	16 32  nonce, fresh from getrandom()
 *
 * MAC = HMAC-SHA256(key, "zab auth v1" | channel | prover's role (1: it
 * connected, 2: it accepted) | connecting sid | accepting sid | connecting
 * nonce | accepting nonce [| TLS exporter]), with both sids as 4 bytes
 * big-endian; with encryption = tls the handshake runs inside TLS and the
 * MAC covers the session's exporter (tls.h). A key's
 * id is the first 8 bytes of HMAC-SHA256(key, "zab key id"). A member
 * proves with every key it holds (two while keys are rotated) and accepts
 * a PROOF whose MAC under one of its own keys checks.
 *
 * What this gives: only holders of a key of the ensemble get past it; the
 * fresh nonce of the checking end makes a recorded handshake worthless; the
 * role and the channel keep a PROOF from being reflected or reused on the
 * other port; the ids are bound, and the protocol's own frames must then
 * carry the id that was proven (and come from that member's address, as
 * before). With one key for the whole ensemble, a holder can claim any
 * member's id: the key is the ensemble's, as DRBD's shared-secret is a
 * resource's. Without encryption = tls, frames are not encrypted or
 * integrity-protected after the handshake.
 */
#ifndef ZABD_AUTH_H
#define ZABD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/err.h"
#include "sock.h"
#include "tls.h"

#define ZAB_AUTH_MAGIC		0x5a414241u
#define ZAB_AUTH_VERSION	1
#define ZAB_AUTH_HELLO_SIZE	48
#define ZAB_AUTH_PROOF_SIZE	88
#define ZAB_AUTH_NONCE		32
#define ZAB_AUTH_KEY_BYTES	32
#define ZAB_AUTH_KEY_ID		8
#define ZAB_AUTH_MAC		32
#define ZAB_AUTH_KEYS_MAX	2

enum zab_auth_channel {
	ZAB_AUTH_ELECTION = 1,
	ZAB_AUTH_QUORUM = 2,
};

struct zab_auth_key {
	uint8_t id[ZAB_AUTH_KEY_ID];
	uint8_t key[ZAB_AUTH_KEY_BYTES];
};

/*
 * The member's keys, as read from authKeyFile, and what failed. With no
 * file (auth = none) the handshake is skipped on every connection.
 */
struct zab_auth {
	char *path;			/* authKeyFile, NULL: auth = none or cert */
	bool cert;			/* auth = cert: TLS certificates prove ids */
	bool frozen;			/* (a child process) files not read again */
	struct zab_tls *tls;		/* encryption = tls, else NULL */
	struct zab_auth_key keys[ZAB_AUTH_KEYS_MAX];
	size_t n_keys;
	struct stat_id {		/* the file as last read */
		dev_t dev;
		ino_t ino;
		int64_t mtime_ns;
		off_t size;
	} file;
	uint64_t generation;		/* keys read so far (a change: one more) */
	uint64_t failures;		/* handshakes that failed */
	uint64_t reported;		/* of those, told to the kernel */
	/* logging once per address and minute */
	struct {
		struct sockaddr_storage addr;
		int64_t at;
		uint64_t quiet;		/* failures not logged since */
	} seen[16];
	void (*failed)(void *arg);	/* after each failure, if not NULL */
	void *arg;
};

/*
 * Reads the keys of the file at @path: one or two keys, one per line, each
 * 64 hexadecimal digits; blank lines and lines starting with '#' skipped.
 * The file must be a regular file no one but its owner may read or write.
 * @err says what is wrong, with the line.
 */
int zab_auth_load(struct zab_auth *a, const char *path, struct zab_err *err);

/*
 * Reads the file again if it changed since (another key added for a
 * rotation, the old one removed); a file that no longer reads well is
 * logged and the keys held are kept. Called before each handshake.
 */
void zab_auth_refresh(struct zab_auth *a);

void zab_auth_release(struct zab_auth *a);

static inline bool zab_auth_enabled(const struct zab_auth *a)
{
	return a && (a->path || a->cert);
}

/* Authentication by the ensemble's key (not by certificates)? */
static inline bool zab_auth_psk(const struct zab_auth *a)
{
	return a && a->path;
}

/* "id 0123456789abcdef, id ..." of the keys held, in @buf. */
void zab_auth_describe(const struct zab_auth *a, char *buf, size_t len);

/* Does @a still hold the key of id @key_id? */
bool zab_auth_holds(const struct zab_auth *a, const uint8_t *key_id);

/* Counts a failed handshake (logged elsewhere). */
void zab_auth_count(struct zab_auth *a);

/* Counts and logs (once a minute per address) a failed handshake. */
void zab_auth_fail(struct zab_auth *a, const struct sockaddr *peer,
		   const char *channel, const char *why);

/* The handshake of one connection. */
struct zab_auth_conn {
	struct zab_auth *auth;
	uint8_t channel;
	bool initiator;		/* it connected */
	bool hello_read;
	uint8_t key_id[ZAB_AUTH_KEY_ID];	/* the key the peer proved with */
	uint32_t self;
	uint32_t peer;		/* expected if set before, else from HELLO */
	uint8_t nonce[ZAB_AUTH_NONCE];
	uint8_t peer_nonce[ZAB_AUTH_NONCE];
	struct frame_buf fb;
	bool tls_on;		/* encryption = tls: TLS comes first */
	bool tls_done;		/* and the kernel now holds the keys */
	int tls_failed;		/* -errno of a handshake refused at start */
	const char *tls_why;	/* and why */
	struct zab_tls_conn tls;
	uint8_t binding[ZAB_TLS_EXPORTER];	/* the session's exporter */
	uint64_t generation;	/* the auth's generation when it started */
};

/*
 * Starts the handshake on the connected, non-blocking @fd: sends HELLO, or
 * with encryption the TLS handshake's first flight (HELLO follows once the
 * kernel encrypts). zab_auth_end() must follow, whatever happens.
 * @peer: the member an initiator connected to (its HELLO must say so), 0
 * for an accepting end (any member but @self). 0 or -errno.
 */
int zab_auth_start(struct zab_auth_conn *c, struct zab_auth *a, int fd,
		   uint8_t channel, bool initiator, uint32_t self, uint32_t peer);

/*
 * Reads what the peer sent, answers its HELLO with PROOF and checks its
 * PROOF. Returns 1 when the peer is authenticated (its id in c->peer, the
 * key it proved with in c->key_id), 0 when more is to come, or -errno with
 * the reason in *@why: -EACCES if the peer failed (what zab_auth_fail()
 * counts), -EPIPE if it hung up, another if the socket failed. Reads
 * nothing past PROOF.
 */
int zab_auth_step(struct zab_auth_conn *c, int fd, const char **why);

/* Frees what a handshake holds (a TLS session under way); idempotent. */
void zab_auth_end(struct zab_auth_conn *c);

/*
 * auth = cert: the quorum connection of @c is now the kernel's: keep the
 * chain its peer showed, checked again when the files are read again.
 */
void zab_auth_keep(struct zab_auth_conn *c);

/* The whole handshake as the connecting end, within @timeout_ms. */
int zab_auth_blocking(struct zab_auth *a, int fd, uint8_t channel,
		      uint32_t self, uint32_t peer, int timeout_ms,
		      const char **why);

/* Codecs, for the tests. */
void zab_auth_hello_encode(uint8_t *buf, uint8_t channel, uint32_t sid,
			   const uint8_t *nonce);
int zab_auth_hello_decode(const uint8_t *buf, uint8_t channel, uint32_t *sid,
			  uint8_t *nonce, const char **why);
/* The MAC of the member in role @initiator, as above. */
int zab_auth_mac(const struct zab_auth_key *k, uint8_t channel, bool initiator,
		 uint32_t isid, uint32_t rsid, const uint8_t *inonce,
		 const uint8_t *rnonce, const uint8_t *binding, uint8_t *mac);
int zab_auth_key_id(const uint8_t *key, uint8_t *id);
/*
 * 0 if @buf is a PROOF by a holder of one of @a's keys (its id copied to
 * @key_id if not NULL); else -EACCES and why.
 */
int zab_auth_proof_check(const struct zab_auth *a, const uint8_t *buf,
			 uint8_t channel, bool initiator, uint32_t isid,
			 uint32_t rsid, const uint8_t *inonce,
			 const uint8_t *rnonce, const uint8_t *binding,
			 uint8_t *key_id, const char **why);
int zab_auth_proof_encode(const struct zab_auth *a, uint8_t *buf,
			  uint8_t channel, bool initiator, uint32_t isid,
			  uint32_t rsid, const uint8_t *inonce,
			  const uint8_t *rnonce, const uint8_t *binding);
/* Parses the text of a key file; for zab_auth_load() and the tests. */
int zab_auth_parse(struct zab_auth *a, const char *text, size_t len,
		   const char *path, struct zab_err *err);

#endif
