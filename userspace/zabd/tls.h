/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Encryption of member-to-member connections (encryption = tls): a TLS 1.3
 * handshake in zabd with GnuTLS, then the session's keys installed in the
 * kernel's TLS (TCP_ULP "tls", TLS_TX and TLS_RX), so that every byte after
 * the handshake, zabd's and the kernel's alike, is encrypted and checked by
 * the kernel. The socket is then read and written as before: by zabd
 * (election, discovery, snapshot transfer) and by zab.ko once handed over.
 *
 * With the ensemble's key (auth = psk) the handshake authenticates nothing by
 * itself: the accepting end shows a certificate made at start (ECDSA P-256,
 * self-signed, never written to disk) that the connecting end does not
 * check. Who the peer is comes from the key in auth.c, whose PROOF then runs
 * inside the encrypted connection and covers the session's exporter (RFC
 * 8446, 7.5): a man in the middle has two sessions with two exporters, and
 * cannot make the PROOF of either end check on the other.
 *
 * With certificates (auth = cert: tlsCertFile, tlsKeyFile, tlsCaFile) both
 * ends show their member's certificate and check the other's against the
 * ensemble's CA file (one CA, or two while they rotate): signature, chain,
 * validity. A member's certificate names it in its subject's common name,
 * "zab member N"; the peer's HELLO must then claim that id.
 *
 * TLS 1.3 only, AES-128-GCM or AES-256-GCM, no session tickets (nothing may
 * follow the handshake that the kernel would have to handle), and the
 * handshake's records are read one at a time, so that nothing past the last
 * of them is read by GnuTLS before the kernel takes the stream.
 */
#ifndef ZABD_TLS_H
#define ZABD_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define ZAB_TLS_EXPORTER	32	/* bytes of the exporter PROOF covers */

struct zab_tls;
struct zab_tls_cred;

/* auth = cert: the member's certificate and key, the ensemble's CAs. */
struct zab_tls_files {
	const char *cert;
	const char *key;	/* a file only its owner may read */
	const char *ca;
	const char *crl;	/* the CAs' revocation lists, or NULL */
};

/*
 * Makes this process's credentials (an ephemeral certificate if @files is
 * NULL, else those files', whose certificate must name member @myid) and
 * checks that the kernel has TLS. 0 or -errno with @err saying what.
 */
int zab_tls_init(struct zab_tls **tls, const struct zab_tls_files *files, uint32_t myid,
		 struct zab_err *err);

/* Days before a certificate's end from which zabd warns of it. */
#define ZAB_TLS_EXPIRY_WARN_DAYS	30

/* auth = cert: when the credentials stop being good, in seconds since 1970 */
struct zab_tls_ends {
	int64_t cert;		/* the member's certificate ends */
	int64_t ca;		/* the earliest end of tlsCaFile's certificates */
	int64_t crl;		/* the earliest next update of tlsCrlFile's lists */
};

enum zab_tls_end { ZAB_TLS_END_CERT, ZAB_TLS_END_CA, ZAB_TLS_END_CRL };

/* Fills @ends; 0 for each without certificates (or without tlsCrlFile). */
void zab_tls_expiry(const struct zab_tls *tls, struct zab_tls_ends *ends);

/*
 * What to say of @end, of @kind, at @now: NULL while more than
 * ZAB_TLS_EXPIRY_WARN_DAYS days are left (or @end is 0), else @buf holding
 * a sentence such as "the certificate expires in 9 days 23 hours: replace
 * it before then", or one saying it ended.
 */
const char *zab_tls_expiry_note(int64_t now, int64_t end, enum zab_tls_end kind, char *buf,
				size_t len);

/*
 * auth = cert: reads the files again if any changed since they were read
 * (a new inode, size or change time), for the handshakes that begin from now on;
 * those under way keep the credentials they began with. 1 if read again
 * (2: files refused before, unchanged, now load, e.g. a certificate that
 * was not valid yet), 0 if unchanged or the same bytes (or no
 * certificates), -errno with @err saying why the new
 * files are refused: the credentials read before stay, and the refused
 * files are tried again every minute (said only when they change: a
 * certificate not valid yet, for one, loads once it is). On 1 or 2, @err
 * says if the new lists revoke this member's own certificate, or if it no
 * longer verifies against the new tlsCaFile (taken all the same: they
 * apply to its peers), else holds "".
 */
int zab_tls_refresh(struct zab_tls *tls, struct zab_err *err);

/* The member id a certificate's subject names ("zab member N"), or 0. */
uint32_t zab_tls_cert_id(const char *cn);
void zab_tls_release(struct zab_tls *tls);

/* The certificates of a peer's chain kept, at most (leaf and CAs). */
#define ZAB_TLS_CHAIN_MAX	8

/* The handshake of one connection, non-blocking. */
struct zab_tls_conn {
	void *session;		/* gnutls_session_t while the handshake runs */
	int fd;
	uint8_t head[5];	/* the header of the record being read */
	size_t head_got;
	size_t body_left;	/* bytes of its body not read yet */
	uint8_t first[4];	/* the first bytes the peer sent */
	size_t first_got;
	struct zab_tls_cred *cred;	/* what the session uses, held till the end */
	bool verify;		/* check the peer's certificate (auth = cert) */
	bool initiator;		/* the connecting end */
	bool eof;		/* the peer hung up */
	uint32_t peer_id;	/* the member its certificate names */
	/* the chain it showed (DER, leaf first), till kept or freed */
	struct zab_tls_der {
		void *data;
		size_t len;
	} peer_chain[ZAB_TLS_CHAIN_MAX];
	unsigned int peer_chain_n;
	char why[192];
};

/*
 * Starts the handshake on the connected, non-blocking @fd, as the client if
 * @initiator. 0 or -errno.
 */
int zab_tls_start(struct zab_tls_conn *c, struct zab_tls *tls, int fd,
		  bool initiator);

/*
 * Goes on with the handshake when @fd is readable. Returns 1 when it is done
 * and the kernel holds the keys (@exporter filled), 0 when more is to come,
 * or -errno with the reason in *@why: -EACCES if the peer failed (not TLS,
 * a refused handshake), -EPIPE if it hung up, another if the socket or the
 * kernel failed.
 */
int zab_tls_step(struct zab_tls_conn *c, uint8_t *exporter, const char **why);

/* Frees what a handshake not finished holds; safe on a zeroed one. */
void zab_tls_end(struct zab_tls_conn *c);

/* Frees the peer's chain @c holds, if zab_tls_keep_peer() did not take it. */
void zab_tls_forget_peer(struct zab_tls_conn *c);

/*
 * auth = cert: @tls keeps the chain @c's peer, member @id, showed, as that
 * of its quorum connection now in the kernel (call it at the handover), for
 * zab_tls_revoked_peers().
 */
void zab_tls_keep_peer(struct zab_tls *tls, uint32_t id, struct zab_tls_conn *c);

/*
 * auth = cert: the members whose kept quorum chain the credentials now say
 * is revoked (their revocation lists), in @ids (up to @max); how many. Only
 * revocation counts, whatever the dates: an expired certificate, or one of
 * a CA no longer trusted, is refused at the member's next connection, and
 * certificates renewed together would otherwise drop every connection at
 * the first reload after they expire.
 */
size_t zab_tls_revoked_peers(struct zab_tls *tls, uint32_t *ids, size_t max);

/* Forgets the chain kept for member @id (its connection is gone). */
void zab_tls_forget_kept(struct zab_tls *tls, uint32_t id);

/* The bytes of @buf start a TLS handshake record (a ClientHello)? */
static inline bool zab_tls_looks_like(const uint8_t *buf)
{
	return buf[0] == 0x16 && buf[1] == 0x03 && buf[2] <= 0x04;
}

#endif
