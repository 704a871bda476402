// SPDX-License-Identifier: GPL-2.0 OR MIT
/* TLS 1.3 handshakes handed to kernel TLS: see tls.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <linux/zab.h>

#include "auth.h"
#include "handshake.h"
#include "tls.h"
#include "vote.h"
#include "wire.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

#define ZAB_TLS_PRIORITY "NONE:+VERS-TLS1.3:+AES-128-GCM:+AES-256-GCM:+AEAD:" \
	"+GROUP-X25519:+GROUP-SECP256R1:+SIGN-ECDSA-SECP256R1-SHA256:" \
	"+CTYPE-X509:+COMP-NULL"
#define ZAB_TLS_LABEL "EXPERIMENTAL-zab-member-auth"
#define RECORD_MAX (16384 + 256)	/* TLS 1.3's limit on a record's body */

/*
 * Credentials, shared by the handshakes that began with them: files read
 * again (zab_tls_refresh()) replace zab_tls's, and the old ones go with the
 * last handshake that holds them. zabd has one thread: a plain count.
 */
struct zab_tls_cred {
	unsigned int refs;
	gnutls_certificate_credentials_t cred;
	int64_t cert_not_after;	/* auth = cert: the member's certificate's end */
	int64_t ca_not_after;	/* the earliest end of tlsCaFile's certificates */
	int64_t crl_next_update; /* the earliest next update of tlsCrlFile's lists */
	uint8_t digest[32];	/* SHA-256 of the files read: a reload that reads */
				/* the same bytes changes nothing */
	bool revoked;		/* its lists revoke the member's own certificate */
	char unverified[160];	/* why the member's own chain does not verify */
				/* against its CAs, or "" (own_chain_check()) */
};

/*
 * What a file was when read: a change of any is a new file to read. The
 * change time, not the modification time: a chmod of the key file (to 0600,
 * after writing it) is a change that may make it readable.
 */
struct file_id {
	dev_t dev;
	ino_t ino;
	int64_t ctime_ns;
	off_t size;
};

enum { F_CERT, F_KEY, F_CA, F_CRL, F_COUNT };

struct zab_tls {
	struct zab_tls_cred *cur;
	gnutls_priority_t prio;
	bool verify;		/* auth = cert */
	/* auth = cert: the files (crl NULL if none), and what they were */
	struct zab_tls_files files;
	uint32_t myid;
	struct file_id ids[F_COUNT];
	time_t refused_at;	/* the files as they are were refused then */
				/* (CLOCK_MONOTONIC s), or 0 */
	/* auth = cert: each member's chain of its quorum connection in the kernel */
	struct kept_chain {
		gnutls_datum_t crt[ZAB_TLS_CHAIN_MAX];
		unsigned int n;
	} quorum[ZAB_ID_MAX + 1];
};

static void kept_clear(struct kept_chain *k)
{
	for (unsigned int i = 0; i < k->n; i++)
		free(k->crt[i].data);
	memset(k, 0, sizeof(*k));
}

static void cred_put(struct zab_tls_cred *c)
{
	if (c && !--c->refs) {
		if (c->cred)
			gnutls_certificate_free_credentials(c->cred);
		free(c);
	}
}

/* The file ids of @f's files now; a file that cannot be seen is all zero. */
static void file_ids(const struct zab_tls_files *f, struct file_id *ids)
{
	const char *paths[F_COUNT] = { f->cert, f->key, f->ca, f->crl };
	struct stat st;

	memset(ids, 0, F_COUNT * sizeof(*ids));
	for (int i = 0; i < F_COUNT; i++) {
		if (!paths[i] || stat(paths[i], &st))
			continue;
		ids[i] = (struct file_id){
			.dev = st.st_dev, .ino = st.st_ino, .size = st.st_size,
			.ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec,
		};
	}
}

#define CN_PREFIX "zab member "

uint32_t zab_tls_cert_id(const char *cn)
{
	unsigned long id;
	char *end;

	if (strncmp(cn, CN_PREFIX, sizeof(CN_PREFIX) - 1))
		return 0;
	cn += sizeof(CN_PREFIX) - 1;
	if (*cn < '1' || *cn > '9')
		return 0;
	errno = 0;
	id = strtoul(cn, &end, 10);
	return *end || errno || id > ZAB_ID_MAX ? 0 : (uint32_t)id;
}

/* The member id @crt's subject names, or 0. */
static uint32_t crt_id(gnutls_x509_crt_t crt)
{
	char cn[64];
	size_t len = sizeof(cn);

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &len))
		return 0;
	return zab_tls_cert_id(cn);
}

/* Largest key file read (a PEM private key is a few hundred bytes). */
#define KEY_FILE_MAX (64 * 1024)

/*
 * Reads the private key file @path into @key (gnutls_malloc'd; zero and
 * free it): a regular file, not a link, owned by zabd's user, that others
 * may not read; the checks are made on the file read (fstat), and no copy
 * of the key is left in memory but @key.
 */
static int key_file_read(const char *path, gnutls_datum_t *key, struct zab_err *err)
{
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return zab_err(err, -errno, "tlsKeyFile %s: %s", path,
			       errno == ELOOP ? "a symbolic link, not the key file" : strerror(errno));
	if (fstat(fd, &st) < 0)
		ret = zab_err(err, -errno, "tlsKeyFile %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		ret = zab_err(err, -EINVAL, "tlsKeyFile %s: not a regular file", path);
	else if (st.st_uid != geteuid())
		ret = zab_err(err, -EPERM, "tlsKeyFile %s: owned by uid %u, not zabd's (%u)",
			      path, (unsigned int)st.st_uid, (unsigned int)geteuid());
	else if (st.st_mode & 077)
		ret = zab_err(err, -EPERM,
			      "tlsKeyFile %s: the key file's mode is %04o: others may read it (chmod 600)",
			      path, (unsigned int)(st.st_mode & 07777));
	else if (!st.st_size || st.st_size > KEY_FILE_MAX)
		ret = zab_err(err, -EINVAL, "tlsKeyFile %s: %lld bytes, not a key", path,
			      (long long)st.st_size);
	if (ret) {
		close(fd);
		return ret;
	}
	key->data = gnutls_malloc((size_t)st.st_size);
	key->size = 0;
	if (!key->data) {
		close(fd);
		return zab_err(err, -ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, key->data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0)
		ret = zab_err(err, -errno, "tlsKeyFile %s: %s", path, strerror(errno));
	close(fd);
	key->size = (unsigned int)got;
	return ret;
}

/* The earliest end of validity of the certificates in @pem, or 0. */
static int64_t first_not_after(const gnutls_datum_t *pem)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned int n = 0, i;
	int64_t first = 0;

	if (gnutls_x509_crt_list_import2(&crts, &n, pem, GNUTLS_X509_FMT_PEM, 0) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		int64_t t = gnutls_x509_crt_get_expiration_time(crts[i]);

		if (t > 0 && (!first || t < first))
			first = t;
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	return first;
}

const char *zab_tls_expiry_note(int64_t now, int64_t end, enum zab_tls_end kind, char *buf,
				size_t len)
{
	static const char *const what[] = {
		[ZAB_TLS_END_CERT] = "the certificate",
		[ZAB_TLS_END_CA] = "a CA certificate",
		[ZAB_TLS_END_CRL] = "a revocation list's next update",
	};
	static const char *const before[] = {
		[ZAB_TLS_END_CERT] = "replace it before then",
		[ZAB_TLS_END_CA] = "the certificates it signed are refused from then on",
		[ZAB_TLS_END_CRL] = "publish a new list before then",
	};
	static const char *const after[] = {
		[ZAB_TLS_END_CERT] = "peers refuse this member's new connections",
		[ZAB_TLS_END_CA] = "the certificates it signed are refused; remove it once none is in use",
		[ZAB_TLS_END_CRL] = "the list is refused when zabd starts or reads the files again; publish a new one",
	};
	int64_t left = end - now;

	if (!end || left > ZAB_TLS_EXPIRY_WARN_DAYS * 86400LL)
		return NULL;
	if (left > 0)
		snprintf(buf, len, "%s %s in %lld days %lld hours: %s", what[kind],
			 kind == ZAB_TLS_END_CRL ? "is due" : "expires",
			 (long long)(left / 86400), (long long)(left % 86400 / 3600), before[kind]);
	else if (-left < 86400)
		snprintf(buf, len, "%s %s less than a day ago: %s", what[kind],
			 kind == ZAB_TLS_END_CRL ? "was due" : "ended", after[kind]);
	else
		snprintf(buf, len, "%s %s %lld days ago: %s", what[kind],
			 kind == ZAB_TLS_END_CRL ? "was due" : "ended", (long long)(-left / 86400),
			 after[kind]);
	return buf;
}

void zab_tls_expiry(const struct zab_tls *t, struct zab_tls_ends *ends)
{
	const struct zab_tls_cred *c = t ? t->cur : NULL;

	ends->cert = c ? c->cert_not_after : 0;
	ends->ca = c ? c->ca_not_after : 0;
	ends->crl = c ? c->crl_next_update : 0;
}

/* The curve of @crt's key if it is an ECDSA one, else GNUTLS_ECC_CURVE_INVALID. */
static gnutls_ecc_curve_t key_curve(gnutls_x509_crt_t crt)
{
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
	gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };

	if (gnutls_x509_crt_get_pk_algorithm(crt, NULL) != GNUTLS_PK_ECDSA ||
	    gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y))
		curve = GNUTLS_ECC_CURVE_INVALID;
	gnutls_free(x.data);
	gnutls_free(y.data);
	return curve;
}

/*
 * A member's certificate serves both ends of its connections: the key
 * purpose (extended key usage) @crt lacks for either, or NULL. One with no
 * such extension, or anyExtendedKeyUsage, serves any.
 */
static const char *purpose_missing(gnutls_x509_crt_t crt)
{
	if (!gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0))
		return "TLS client authentication (clientAuth)";
	if (!gnutls_x509_crt_check_key_purpose(crt, GNUTLS_KP_TLS_WWW_SERVER, 0))
		return "TLS server authentication (serverAuth)";
	return NULL;
}

/*
 * The CAs of a member's chain constrain it too where they have an extended
 * key usage (as RFC 5280 leaves open, and browsers and GnuTLS take it):
 * the key purpose that a CA of the path @list builds for @crts (@n, leaf
 * first) lacks for either end, or NULL. GnuTLS checks each CA of that path
 * but not the trust anchor (a CA of tlsCaFile is trusted as it is), and
 * leaves out certificates of no use to the path.
 */
static const char *path_purpose_missing(gnutls_x509_trust_list_t list, gnutls_x509_crt_t *crts,
					unsigned int n)
{
	static const char *const oid[] = { GNUTLS_KP_TLS_WWW_CLIENT, GNUTLS_KP_TLS_WWW_SERVER };
	static const char *const name[] = {
		"TLS client authentication (clientAuth)", "TLS server authentication (serverAuth)",
	};

	for (unsigned int i = 0; i < 2; i++) {
		gnutls_typed_vdata_st v = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)oid[i], 0 };
		unsigned int status = 0;

		if (gnutls_x509_trust_list_verify_crt2(list, crts, n, &v, 1,
						       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
						       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
						       &status, NULL) >= 0 &&
		    (status & GNUTLS_CERT_PURPOSE_MISMATCH))
			return name[i];
	}
	return NULL;
}

/* What a verification @status of GnuTLS says of a list's or a CA's signer. */
static const char *signer_why(unsigned int status)
{
	return status & GNUTLS_CERT_SIGNER_NOT_FOUND ?
		"no CA of tlsCaFile, nor a CA certificate of the file, has its issuer's name" :
	       status & GNUTLS_CERT_SIGNER_NOT_CA ?
		"the CA of that name in tlsCaFile or the file is no CA (basicConstraints CA:TRUE)" :
	       status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE ?
		"the CA of that name in tlsCaFile or the file may not sign it (its keyUsage lacks cRLSign or keyCertSign)" :
	       status & GNUTLS_CERT_SIGNATURE_FAILURE ?
		"its signature does not check with the key of the first CA of that name in tlsCaFile or the file" :
	       status & GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED ?
		"its next update has passed: publish a new list" :
	       status & GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE ?
		"it is issued in the future (is this host's clock right?)" :
	       status & GNUTLS_CERT_EXPIRED ? "it has expired" :
	       status & GNUTLS_CERT_NOT_ACTIVATED ? "it is not valid yet" :
	       status & GNUTLS_CERT_INSECURE_ALGORITHM ?
		"it is signed with an algorithm too weak to trust" :
		"it does not check against the CAs of tlsCaFile";
}

/*
 * Why a chain of verification @status (crts_status()) does not verify,
 * revocation aside (told on its own), in @buf; NULL if it does.
 */
static const char *status_unverified(unsigned int status, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *why;
	} reasons[] = {
		{ GNUTLS_CERT_SIGNER_NOT_FOUND,
		  "no CA of tlsCaFile or of the file signed a certificate of the chain" },
		{ GNUTLS_CERT_SIGNER_NOT_CA, "a certificate of the chain is signed by one that is not a CA" },
		{ GNUTLS_CERT_SIGNATURE_FAILURE, "a signature in the chain does not check" },
		{ GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE,
		  "a CA of the chain signed beyond its constraints (path length, names)" },
		{ GNUTLS_CERT_INSECURE_ALGORITHM, "the chain is signed with an insecure algorithm" },
		{ GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS,
		  "a certificate of the chain has a critical extension GnuTLS does not know" },
	};

	if (!status || (status & GNUTLS_CERT_REVOKED))
		return NULL;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (status & reasons[i].bit) {
			snprintf(buf, len, "%s", reasons[i].why);
			return buf;
		}
	}
	snprintf(buf, len, "GnuTLS's verification status %#x", status);
	return buf;
}

/* The dates of a CA certificate of tlsCrlFile are not checked (crl_check()). */
#define CRT_FLAGS (GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

/* "certificate N (subject DN): @what" of the @i-th certificate @crt, in @buf. */
static void crt_says(gnutls_x509_crt_t crt, unsigned int i, const char *what, char *buf,
		     size_t len)
{
	gnutls_datum_t dn = { NULL, 0 };

	gnutls_x509_crt_get_dn3(crt, &dn, 0);
	snprintf(buf, len, "certificate %u (subject %.64s): %s", i + 1,
		 dn.data ? (char *)dn.data : "unnamed", what);
	gnutls_free(dn.data);
}

/* The chains crl_chain_verify() verifies, and the steps it takes, at most. */
#define CRL_CHAIN_TRIES 64
#define CRL_CHAIN_STEPS 512

/**
 * struct crl_chain - the search for a verified chain of a CA certificate
 *	of tlsCrlFile
 * @own: the file's certificates (@n, at most ZAB_TLS_CHAIN_MAX)
 * @ok: those checked by signature (an issuer is taken among them)
 * @cas: tlsCaFile's CAs (@nca)
 * @chain: the chain being tried, leaf first
 * @in: which of @own are in @chain
 * @tries: chains verified so far
 * @steps: certificates put at the end of @chain so far
 * @status: GnuTLS's status of the first chain verified (its error)
 * @r: GnuTLS's return of that verification
 */
struct crl_chain {
	gnutls_x509_crt_t *own, *cas;
	const bool *ok;
	unsigned int n, nca, tries, steps, status;
	gnutls_x509_crt_t chain[ZAB_TLS_CHAIN_MAX];
	bool in[ZAB_TLS_CHAIN_MAX];
	int r;
};

/* Does @c->own[@i], after @len certificates of @c->chain, verify whole? */
static bool crl_chain_try(struct crl_chain *c, unsigned int len, unsigned int i)
{
	unsigned int j, status;
	bool found = false;
	int r;

	c->chain[len++] = c->own[i];
	c->in[i] = true;
	c->steps++;
	/* a CA of tlsCaFile signs it: the chain ends here */
	if (c->tries < CRL_CHAIN_TRIES &&
	    gnutls_x509_crt_verify(c->own[i], c->cas, c->nca, CRT_FLAGS, &status) >= 0 &&
	    !status) {
		r = gnutls_x509_crt_list_verify(c->chain, len, c->cas, c->nca, NULL, 0,
						CRT_FLAGS, &status);
		if (!c->tries++) {
			c->r = r;
			c->status = status;
		}
		found = r >= 0 && !status;
	}
	/* else on through each certificate of the file that signs it (not a copy of it) */
	for (j = 0; j < c->n && !found && c->tries < CRL_CHAIN_TRIES &&
		    c->steps < CRL_CHAIN_STEPS; j++)
		if (c->ok[j] && !c->in[j] && !gnutls_x509_crt_equals(c->own[i], c->own[j]) &&
		    gnutls_x509_crt_verify(c->own[i], &c->own[j], 1, CRT_FLAGS, &status) >= 0 &&
		    !status)
			found = crl_chain_try(c, len, j);
	c->in[i] = false;
	return found;
}

/*
 * Does the @i-th certificate of @own (@n, those with @ok[] checked by
 * signature) verify by a whole chain: through certificates of @own up to
 * one a CA of @cas (@nca) signs, within every path length and name
 * constraint on the way? Each such chain is tried (up to
 * CRL_CHAIN_TRIES); if none verifies, why the first tried did not in @buf.
 */
static bool crl_chain_verify(gnutls_x509_crt_t *own, const bool *ok, unsigned int n,
			     unsigned int i, gnutls_x509_crt_t *cas, unsigned int nca,
			     char *buf, size_t len)
{
	struct crl_chain c = { .own = own, .ok = ok, .n = n, .cas = cas, .nca = nca };
	const char *why;

	if (crl_chain_try(&c, 0, i))
		return true;
	why = !c.tries ? "no chain of it reaches a CA of tlsCaFile" :
	      c.r < 0 ? gnutls_strerror(c.r) : status_unverified(c.status, buf, len);
	if (why != buf)
		snprintf(buf, len, "%s", why ?: "its chain does not verify");
	return false;
}

/*
 * The revocation lists of @crl (tlsCrlFile), each checked against the CAs
 * of @ca (tlsCaFile) and the CA certificates @crl holds beside its lists:
 * an intermediate CA's list is checked with that CA's certificate, which
 * must itself check against tlsCaFile (directly, or through another
 * certificate of the file, its whole chain within the path lengths and
 * names its CAs allow) and not be revoked by a list of the file. Such
 * a certificate only checks lists: it is not trusted to sign members'
 * certificates, so its dates are not checked (an expired one still checks
 * its lists, which can only refuse more: a peer's chain through it fails
 * on its own). 0 with the lists' earliest next update in *@next (0 if
 * none), or -errno with why in @buf.
 */
static int crl_check(const gnutls_datum_t *crl, const gnutls_datum_t *ca, int64_t *next,
		     char *buf, size_t len)
{
	gnutls_x509_crl_t *crls = NULL;
	gnutls_x509_crt_t *cas = NULL, *own = NULL, *signers = NULL;
	unsigned int ncrl = 0, nca = 0, nown = 0, ns = 0, i, j, status;
	bool progress, *ok = NULL;
	int ret = -EINVAL, r;

	r = gnutls_x509_crl_list_import2(&crls, &ncrl, crl, GNUTLS_X509_FMT_PEM, 0);
	if (r < 0 || !ncrl) {
		snprintf(buf, len, "%s", r < 0 && r != GNUTLS_E_BASE64_DECODING_ERROR ?
			 gnutls_strerror(r) : "no revocation list in it");
		ncrl = 0;
		goto out;
	}
	if (gnutls_x509_crt_list_import2(&cas, &nca, ca, GNUTLS_X509_FMT_PEM, 0) < 0)
		nca = 0;
	r = gnutls_x509_crt_list_import2(&own, &nown, crl, GNUTLS_X509_FMT_PEM, 0);
	if (r < 0 && r != GNUTLS_E_NO_CERTIFICATE_FOUND) {
		snprintf(buf, len, "its certificates: %s", gnutls_strerror(r));
		nown = 0;
		goto out;
	}
	if (r < 0)
		nown = 0;
	if (nown > ZAB_TLS_CHAIN_MAX) {
		snprintf(buf, len, "it holds %u certificates, more than %u", nown,
			 ZAB_TLS_CHAIN_MAX);
		goto out;
	}
	signers = calloc(nca + nown + 1, sizeof(*signers));
	ok = calloc(nown + 1, sizeof(*ok));
	if (!signers || !ok) {
		snprintf(buf, len, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nca; i++)
		signers[ns++] = cas[i];
	/* each certificate of the file by tlsCaFile's CAs and those taken so far */
	do {
		progress = false;
		for (i = 0; i < nown; i++) {
			if (ok[i])
				continue;
			r = gnutls_x509_crt_verify(own[i], signers, ns, CRT_FLAGS, &status);
			if (r < 0 || status || gnutls_x509_crt_get_ca_status(own[i], NULL) <= 0)
				continue;
			ok[i] = true;
			signers[ns++] = own[i];
			progress = true;
		}
	} while (progress);
	for (i = 0; i < nown; i++) {
		const char *what;

		if (ok[i])
			continue;
		r = gnutls_x509_crt_verify(own[i], signers, ns, CRT_FLAGS, &status);
		what = r < 0 ? gnutls_strerror(r) :
		       !status ? "it is no CA (basicConstraints CA:TRUE)" :
		       status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE ?
		       "the CA of that name in tlsCaFile or the file may not sign it (its keyUsage lacks keyCertSign, or its name constraints leave it out)" :
		       signer_why(status);
		crt_says(own[i], i, what, buf, len);
		goto out;
	}
	/* each by a whole chain: path lengths and names its CAs constrain */
	for (i = 0; i < nown; i++) {
		char why[96];

		if (crl_chain_verify(own, ok, nown, i, cas, nca, why, sizeof(why)))
			continue;
		crt_says(own[i], i, why, buf, len);
		goto out;
	}
	*next = 0;
	for (i = 0; i < ncrl; i++) {
		gnutls_datum_t dn = { NULL, 0 };
		int64_t t = gnutls_x509_crl_get_next_update(crls[i]);

		if (t > 0 && (!*next || t < *next))
			*next = t;
		r = gnutls_x509_crl_verify(crls[i], signers, ns, 0, &status);
		if (r >= 0 && !status)
			continue;
		gnutls_x509_crl_get_issuer_dn3(crls[i], &dn, 0);
		snprintf(buf, len, "revocation list %u (issuer %.64s): %s", i + 1,
			 dn.data ? (char *)dn.data : "unnamed",
			 r < 0 ? gnutls_strerror(r) : signer_why(status));
		gnutls_free(dn.data);
		goto out;
	}
	/* the file's certificates by its lists, now that those are checked */
	for (i = 0; i < nown; i++) {
		if (gnutls_x509_crt_check_revocation(own[i], crls, ncrl) == 1) {
			crt_says(own[i], i, "it is revoked by a list of the file", buf, len);
			goto out;
		}
	}
	ret = 0;
out:
	for (j = 0; j < ncrl; j++)
		gnutls_x509_crl_deinit(crls[j]);
	for (j = 0; j < nca; j++)
		gnutls_x509_crt_deinit(cas[j]);
	for (j = 0; j < nown; j++)
		gnutls_x509_crt_deinit(own[j]);
	gnutls_free(crls);
	gnutls_free(cas);
	gnutls_free(own);
	free(signers);
	free(ok);
	return ret;
}

/* Is the key of @crt an ECDSA P-256 one, which ZAB_TLS_PRIORITY allows? */
static bool key_is_p256(gnutls_x509_crt_t crt)
{
	return key_curve(crt) == GNUTLS_ECC_CURVE_SECP256R1;
}

/* The key type of @crt, for an error: "RSA 2048 bits", "ECDSA SECP384R1". */
static const char *key_name(gnutls_x509_crt_t crt, char *name, size_t len)
{
	unsigned int bits = 0;
	int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	gnutls_ecc_curve_t curve = key_curve(crt);

	if (curve != GNUTLS_ECC_CURVE_INVALID)
		snprintf(name, len, "ECDSA %s", gnutls_ecc_curve_get_name(curve) ?: "unknown");
	else
		snprintf(name, len, "%s %u bits", gnutls_pk_algorithm_get_name(pk) ?: "unknown",
			 bits);
	return name;
}

/* SHA-256 over the four files' lengths and bytes, in @out. */
static int files_digest(uint8_t *out, const gnutls_datum_t *cert, const gnutls_datum_t *key,
			const gnutls_datum_t *ca, const gnutls_datum_t *crl, struct zab_err *err)
{
	const gnutls_datum_t *d[] = { cert, key, ca, crl };
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256))
		return zab_err(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		uint32_t len = d[i]->size;

		gnutls_hash(h, &len, sizeof(len));
		if (len)
			gnutls_hash(h, d[i]->data, len);
	}
	gnutls_hash_deinit(h, out);
	return 0;
}

#define REVOKED_MSG "the certificate is revoked by tlsCrlFile: this member's peers refuse it; give it a new one"

/*
 * GnuTLS's verdict on the chain @crts (@n, leaf first) by @list's CAs and
 * lists, dates aside (an expired certificate is told on its own); 0 if
 * not known (kept). GnuTLS looks for a revocation only when nothing else
 * is wrong.
 */
static unsigned int crts_status(gnutls_x509_trust_list_t list, gnutls_x509_crt_t *crts,
				unsigned int n)
{
	unsigned int status = 0;

	if (gnutls_x509_trust_list_verify_crt2(list, crts, n, NULL, 0,
					       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
					       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
					       &status, NULL) < 0)
		return 0;
	return status;
}

/* Does @list say the chain @crts (@n, leaf first) is revoked? */
static bool crts_revoked(gnutls_x509_trust_list_t list, gnutls_x509_crt_t *crts, unsigned int n)
{
	return crts_status(list, crts, n) & GNUTLS_CERT_REVOKED;
}

/*
 * Our own chain @pem (tlsCertFile) by the CAs and lists loaded into @t:
 * the key purpose a CA of its path lacks (path_purpose_missing()), or
 * NULL. Also in @t: why it does not verify against those CAs (its peers,
 * holding the same, would refuse it), and whether the lists revoke it (a
 * member revoked is told by its own files too, not only by its peers'
 * refusals); the caller decides what either means (refused at start,
 * taken with an error on a reload: its lists apply to the peers).
 */
static const char *own_chain_check(struct zab_tls_cred *t, const gnutls_datum_t *pem)
{
	gnutls_x509_trust_list_t list = NULL;
	gnutls_x509_crt_t *crts = NULL;
	const char *purpose = NULL;
	unsigned int n = 0, status;

	t->revoked = false;
	t->unverified[0] = '\0';
	gnutls_certificate_get_trust_list(t->cred, &list);
	if (!list || gnutls_x509_crt_list_import2(&crts, &n, pem, GNUTLS_X509_FMT_PEM, 0) < 0)
		return NULL;	/* GnuTLS loaded both: not reached */
	if (n > ZAB_TLS_CHAIN_MAX) {	/* its peers refuse it; GnuTLS's checks are not for it */
		snprintf(t->unverified, sizeof(t->unverified),
			 "it holds %u certificates, more than a member's chain may (%u)", n,
			 ZAB_TLS_CHAIN_MAX);
	} else {
		/* one verification tells both: revoked, or why it does not verify */
		status = crts_status(list, crts, n);
		t->revoked = status & GNUTLS_CERT_REVOKED;
		if (!status_unverified(status, t->unverified, sizeof(t->unverified)))
			purpose = path_purpose_missing(list, crts, n);
	}
	for (unsigned int i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	return purpose;
}

/* What to say of a member's own chain that does not verify against its CAs. */
#define UNVERIFIED_FMT "tlsCertFile %s: the certificate does not verify against tlsCaFile %s: %s; its peers refuse it (the file holds the member's certificate, then any intermediate CAs up to one in tlsCaFile)"

/*
 * Loads @f into @t; the certificate must name @myid and be valid now. Each
 * file is read once: what is checked is what is loaded.
 */
static int load_files(struct zab_tls_cred *t, const struct zab_tls_files *f, uint32_t myid,
		      struct zab_err *err)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 }, ca = { NULL, 0 }, crl = { NULL, 0 };
	gnutls_x509_crt_t crt = NULL;
	time_t now = time(NULL);
	const char *purpose;
	char kname[64];
	uint32_t id;
	int ret;

	ret = key_file_read(f->key, &key, err);
	if (ret)
		goto out;
	if (gnutls_load_file(f->cert, &cert)) {
		ret = zab_err(err, -EINVAL, "tlsCertFile %s: cannot read it", f->cert);
		goto out;
	}
	if (gnutls_load_file(f->ca, &ca)) {
		ret = zab_err(err, -EINVAL, "tlsCaFile %s: cannot read it", f->ca);
		goto out;
	}
	if (f->crl && gnutls_load_file(f->crl, &crl)) {
		ret = zab_err(err, -EINVAL, "tlsCrlFile %s: cannot read it", f->crl);
		goto out;
	}
	ret = gnutls_certificate_set_x509_key_mem2(t->cred, &cert, &key, GNUTLS_X509_FMT_PEM,
						   NULL, 0);
	if (ret < 0) {
		ret = zab_err(err, -EINVAL, "tlsCertFile %s, tlsKeyFile %s: %s", f->cert, f->key,
			      gnutls_strerror(ret));
		goto out;
	}
	ret = gnutls_certificate_set_x509_trust_mem(t->cred, &ca, GNUTLS_X509_FMT_PEM);
	if (ret <= 0) {
		ret = zab_err(err, -EINVAL, "tlsCaFile %s: %s", f->ca,
			      ret ? gnutls_strerror(ret) : "no certificate in it");
		goto out;
	}
	if (f->crl) {
		char why[256];

		/*
		 * Each list checked against the CAs (signature, dates), those
		 * of tlsCaFile and the intermediate CAs the file holds: one
		 * they did not sign, or past its next update, is refused. Then
		 * taken as checked: GnuTLS's own check knows only tlsCaFile.
		 */
		ret = crl_check(&crl, &ca, &t->crl_next_update, why, sizeof(why));
		if (ret) {
			ret = zab_err(err, ret, "tlsCrlFile %s: %s", f->crl, why);
			goto out;
		}
		ret = gnutls_certificate_set_x509_crl_mem(t->cred, &crl, GNUTLS_X509_FMT_PEM);
		if (ret <= 0) {
			ret = zab_err(err, -EINVAL, "tlsCrlFile %s: %s", f->crl,
				      ret ? gnutls_strerror(ret) : "no revocation list in it");
			goto out;
		}
	}
	ret = gnutls_x509_crt_init(&crt);
	if (!ret)
		ret = gnutls_x509_crt_import(crt, &cert, GNUTLS_X509_FMT_PEM);
	if (ret) {
		ret = zab_err(err, -EINVAL, "tlsCertFile %s: %s", f->cert, gnutls_strerror(ret));
		goto out;
	}
	id = crt_id(crt);
	if (!key_is_p256(crt))
		ret = zab_err(err, -EINVAL,
			      "tlsCertFile %s: its key is %s, not ECDSA P-256 (the only key zab's TLS allows)",
			      f->cert, key_name(crt, kname, sizeof(kname)));
	else if (id != myid)
		ret = zab_err(err, -EINVAL,
			      "tlsCertFile %s: its subject names %s%u, not this member (CN=\"" CN_PREFIX "%u\")",
			      f->cert, id ? "member " : "no member", id ? id : 0, myid);
	else if ((purpose = purpose_missing(crt)))
		ret = zab_err(err, -EINVAL,
			      "tlsCertFile %s: its extended key usage does not allow %s; a member's certificate needs both clientAuth and serverAuth, or no such extension",
			      f->cert, purpose);
	else if ((purpose = own_chain_check(t, &cert)))
		ret = zab_err(err, -EINVAL,
			      "tlsCertFile %s: the extended key usage of a CA in its chain does not allow %s, so neither may the member's certificate",
			      f->cert, purpose);
	else if (gnutls_x509_crt_get_expiration_time(crt) < now)
		ret = zab_err(err, -EINVAL, "tlsCertFile %s: the certificate has expired", f->cert);
	else if (gnutls_x509_crt_get_activation_time(crt) > now)
		ret = zab_err(err, -EAGAIN, "tlsCertFile %s: the certificate is not valid yet",
			      f->cert);
	t->cert_not_after = gnutls_x509_crt_get_expiration_time(crt);
	t->ca_not_after = first_not_after(&ca);
	if (!ret)
		ret = files_digest(t->digest, &cert, &key, &ca, &crl, err);
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	gnutls_free(cert.data);
	if (key.data)
		gnutls_memset(key.data, 0, key.size);
	gnutls_free(key.data);
	gnutls_free(ca.data);
	gnutls_free(crl.data);
	return ret;
}

/* New credentials of @f's files in *@out: 0, or -errno with @err saying why. */
static int cred_load(const struct zab_tls_files *f, uint32_t myid, struct zab_tls_cred **out,
		     struct zab_err *err)
{
	struct zab_tls_cred *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return zab_err(err, -ENOMEM, "out of memory");
	c->refs = 1;
	if (gnutls_certificate_allocate_credentials(&c->cred)) {
		c->cred = NULL;
		ret = zab_err(err, -ENOMEM, "out of memory");
	} else {
		ret = load_files(c, f, myid, err);
	}
	if (ret) {
		cred_put(c);
		return ret;
	}
	*out = c;
	return 0;
}

/* Seconds between tries of files that were refused, while they stay as they are. */
#define REFRESH_RETRY_S 60

static bool ids_equal(const struct file_id *a, const struct file_id *b)
{
	for (int i = 0; i < F_COUNT; i++)
		if (a[i].dev != b[i].dev || a[i].ino != b[i].ino ||
		    a[i].ctime_ns != b[i].ctime_ns || a[i].size != b[i].size)
			return false;
	return true;
}

int zab_tls_refresh(struct zab_tls *t, struct zab_err *err)
{
	struct file_id now[F_COUNT];
	struct zab_tls_cred *c;
	struct timespec now_ts;
	time_t at;
	bool changed;
	int ret;

	if (!t || !t->verify)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now_ts);
	at = now_ts.tv_sec ?: 1;	/* 0 is "not refused" */
	file_ids(&t->files, now);
	changed = !ids_equal(now, t->ids);
	/* refused files again now and then: one not valid yet may be later */
	if (!changed && !(t->refused_at && at - t->refused_at >= REFRESH_RETRY_S))
		return 0;
	memcpy(t->ids, now, sizeof(now));
	ret = cred_load(&t->files, t->myid, &c, err);
	if (ret) {
		t->refused_at = at;
		return changed ? ret : 0;	/* said once per change */
	}
	t->refused_at = 0;
	if (!memcmp(c->digest, t->cur->digest, sizeof(c->digest))) {
		cred_put(c);	/* the same bytes (touched, chmod): nothing changes */
		return 0;
	}
	/*
	 * Taken all the same: its lists apply to the peers (a CA taken out
	 * of tlsCaFile is no longer trusted, whoever's certificate it signed)
	 */
	if (c->revoked && !t->cur->revoked)
		zab_err(err, -EKEYREVOKED, "tlsCertFile %s: %s", t->files.cert, REVOKED_MSG);
	else if (c->unverified[0] && strcmp(c->unverified, t->cur->unverified))
		zab_err(err, -EINVAL, UNVERIFIED_FMT, t->files.cert, t->files.ca, c->unverified);
	else if (err)
		err->msg[0] = '\0';
	cred_put(t->cur);
	t->cur = c;
	return changed ? 1 : 2;
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*failed = true;
	return d;
}

/* Does the kernel have TLS? An unconnected socket tells without using it. */
static int kernel_tls_check(struct zab_err *err)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return zab_err(err, -errno, "encryption = tls: cannot make a socket: %s",
			       strerror(errno));
	/* the module is loaded on demand; it then refuses a socket not connected */
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) && errno == ENOENT)
		ret = zab_err(err, -ENOENT,
			      "encryption = tls: the kernel has no TLS (CONFIG_TLS; modprobe tls)");
	close(fd);
	return ret;
}

int zab_tls_init(struct zab_tls **out, const struct zab_tls_files *files, uint32_t myid,
		 struct zab_err *err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	struct zab_tls *t;
	uint8_t serial[16];
	time_t now = time(NULL);
	int ret;

	ret = kernel_tls_check(err);
	if (ret)
		return ret;
	t = calloc(1, sizeof(*t));
	if (!t)
		return zab_err(err, -ENOMEM, "out of memory");
	if (files) {
		bool failed = false;

		t->verify = true;
		t->myid = myid;
		t->files.cert = dup_or_null(files->cert, &failed);
		t->files.key = dup_or_null(files->key, &failed);
		t->files.ca = dup_or_null(files->ca, &failed);
		t->files.crl = dup_or_null(files->crl, &failed);
		file_ids(&t->files, t->ids);
		if (failed)
			ret = zab_err(err, -ENOMEM, "out of memory");
		else
			ret = cred_load(&t->files, myid, &t->cur, err);
		if (!ret && t->cur->unverified[0])
			ret = zab_err(err, -EINVAL, UNVERIFIED_FMT, t->files.cert, t->files.ca,
				      t->cur->unverified);
		if (!ret && t->cur->revoked)
			ret = zab_err(err, -EKEYREVOKED, "tlsCertFile %s: %s", t->files.cert,
				      REVOKED_MSG);
		if (!ret && gnutls_priority_init(&t->prio, ZAB_TLS_PRIORITY, NULL))
			ret = zab_err(err, -EIO, "encryption = tls: bad priorities");
		goto out;
	}
	if (getrandom(serial, sizeof(serial), 0) != (ssize_t)sizeof(serial)) {
		ret = zab_err(err, -EIO, "encryption = tls: getrandom failed");
		goto out;
	}
	serial[0] &= 0x7f;	/* a positive serial */
	ret = gnutls_x509_privkey_init(&key);
	if (!ret)
		ret = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
						   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (!ret)
		ret = gnutls_x509_crt_init(&crt);
	if (!ret)
		ret = gnutls_x509_crt_set_version(crt, 3);
	if (!ret)
		ret = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
	if (!ret)
		ret = gnutls_x509_crt_set_activation_time(crt, now - 86400);
	if (!ret)
		ret = gnutls_x509_crt_set_expiration_time(crt, now + 100L * 365 * 86400);
	if (!ret)
		ret = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
						    "zab member", sizeof("zab member") - 1);
	if (!ret)
		ret = gnutls_x509_crt_set_key(crt, key);
	if (!ret)
		ret = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	if (!ret) {
		t->cur = calloc(1, sizeof(*t->cur));
		if (t->cur)
			t->cur->refs = 1;
		ret = t->cur ? gnutls_certificate_allocate_credentials(&t->cur->cred) :
			       GNUTLS_E_MEMORY_ERROR;
	}
	if (!ret)
		ret = gnutls_certificate_set_x509_key(t->cur->cred, &crt, 1, key);
	if (!ret)
		ret = gnutls_priority_init(&t->prio, ZAB_TLS_PRIORITY, NULL);
	if (ret) {
		ret = zab_err(err, -EIO, "encryption = tls: cannot make the TLS credentials: %s",
			      gnutls_strerror(ret));
		goto out;
	}
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (ret) {
		zab_tls_release(t);
		return ret;
	}
	*out = t;
	return 0;
}

void zab_tls_release(struct zab_tls *t)
{
	if (!t)
		return;
	if (t->prio)
		gnutls_priority_deinit(t->prio);
	cred_put(t->cur);
	for (unsigned int i = 0; i <= ZAB_ID_MAX; i++)
		kept_clear(&t->quorum[i]);
	free((char *)t->files.cert);
	free((char *)t->files.key);
	free((char *)t->files.ca);
	free((char *)t->files.crl);
	free(t);
}

/*
 * GnuTLS reads through here, never past the end of the record it reads: the
 * header, then as much of the body as it says, then the next header.
 */
static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t size)
{
	struct zab_tls_conn *c = ptr;
	size_t want;
	ssize_t n;

	want = c->head_got < sizeof(c->head) ? sizeof(c->head) - c->head_got : c->body_left;
	if (size > want)
		size = want;
	do
		n = recv(c->fd, buf, size, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		gnutls_transport_set_errno(c->session, errno);
		return -1;
	}
	if (!n)
		c->eof = true;
	if (c->first_got < sizeof(c->first)) {
		size_t k = sizeof(c->first) - c->first_got < (size_t)n ?
			   sizeof(c->first) - c->first_got : (size_t)n;

		memcpy(c->first + c->first_got, buf, k);
		c->first_got += k;
	}
	if (c->head_got < sizeof(c->head)) {
		memcpy(c->head + c->head_got, buf, (size_t)n);
		c->head_got += (size_t)n;
		if (c->head_got == sizeof(c->head)) {
			c->body_left = get_be16(c->head + 3);
			if (c->body_left > RECORD_MAX)
				c->body_left = RECORD_MAX;	/* GnuTLS refuses it */
			if (!c->body_left)
				c->head_got = 0;
		}
	} else {
		c->body_left -= (size_t)n;
		if (!c->body_left)
			c->head_got = 0;
	}
	return n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t size)
{
	struct zab_tls_conn *c = ptr;
	ssize_t n;

	do
		n = send(c->fd, buf, size, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		gnutls_transport_set_errno(c->session, errno);
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct zab_tls_conn *c = ptr;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	(void)ms;	/* non-blocking: only look */
	return poll(&p, 1, 0);
}

int zab_tls_start(struct zab_tls_conn *c, struct zab_tls *t, int fd, bool initiator)
{
	gnutls_session_t s;
	int ret;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->initiator = initiator;
	ret = gnutls_init(&s, (initiator ? GNUTLS_CLIENT : GNUTLS_SERVER) |
			  GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
	if (ret)
		return -ENOMEM;
	c->session = s;
	/* the credentials stay while the session may use them */
	c->cred = t->cur;
	t->cur->refs++;
	if (gnutls_priority_set(s, t->prio) ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, t->cur->cred)) {
		zab_tls_end(c);
		return -EIO;
	}
	c->verify = t->verify;
	if (t->verify) {	/* both ends show a certificate of the ensemble's CA */
		if (!initiator)
			gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
		gnutls_session_set_verify_cert(s, NULL, 0);
	}
	gnutls_transport_set_ptr(s, c);
	gnutls_transport_set_pull_function(s, pull);
	gnutls_transport_set_push_function(s, push);
	gnutls_transport_set_pull_timeout_function(s, pull_timeout);
	gnutls_handshake_set_timeout(s, 0);
	return 0;
}

void zab_tls_end(struct zab_tls_conn *c)
{
	if (c->session)
		gnutls_deinit(c->session);
	c->session = NULL;
	cred_put(c->cred);
	c->cred = NULL;
}

void zab_tls_forget_peer(struct zab_tls_conn *c)
{
	for (unsigned int i = 0; i < c->peer_chain_n; i++)
		free(c->peer_chain[i].data);
	memset(c->peer_chain, 0, sizeof(c->peer_chain));
	c->peer_chain_n = 0;
}

void zab_tls_keep_peer(struct zab_tls *t, uint32_t id, struct zab_tls_conn *c)
{
	struct kept_chain *k;

	if (!t || !t->verify || !id || id > ZAB_ID_MAX)
		return;
	k = &t->quorum[id];
	kept_clear(k);		/* nothing stands for the connection handed over */
	for (unsigned int i = 0; i < c->peer_chain_n; i++) {
		k->crt[i].data = c->peer_chain[i].data;
		k->crt[i].size = (unsigned int)c->peer_chain[i].len;
	}
	k->n = c->peer_chain_n;
	memset(c->peer_chain, 0, sizeof(c->peer_chain));
	c->peer_chain_n = 0;
}

/*
 * Imports the @n (at most ZAB_TLS_CHAIN_MAX) DER certificates @der into
 * @crts: how many it did (fewer only out of memory, or one not parsed).
 * The caller deinits those.
 */
static unsigned int crts_import(gnutls_x509_crt_t *crts, const gnutls_datum_t *der,
				unsigned int n)
{
	unsigned int k = 0;

	while (k < n && !gnutls_x509_crt_init(&crts[k])) {
		if (gnutls_x509_crt_import(crts[k], &der[k], GNUTLS_X509_FMT_DER)) {
			gnutls_x509_crt_deinit(crts[k]);
			break;
		}
		k++;
	}
	return k;
}

/* Does @list say the chain @k is revoked? */
static bool chain_revoked(gnutls_x509_trust_list_t list, const struct kept_chain *k)
{
	gnutls_x509_crt_t crts[ZAB_TLS_CHAIN_MAX];
	unsigned int n = crts_import(crts, k->crt, k->n);
	bool revoked = n == k->n && crts_revoked(list, crts, n);

	while (n)
		gnutls_x509_crt_deinit(crts[--n]);
	return revoked;
}

size_t zab_tls_revoked_peers(struct zab_tls *t, uint32_t *ids, size_t max)
{
	gnutls_x509_trust_list_t list = NULL;
	size_t n = 0;

	if (!t || !t->verify || !t->cur)
		return 0;
	gnutls_certificate_get_trust_list(t->cur->cred, &list);
	if (!list)
		return 0;
	for (uint32_t id = 1; id <= ZAB_ID_MAX && n < max; id++) {
		if (t->quorum[id].n && chain_revoked(list, &t->quorum[id]))
			ids[n++] = id;
	}
	return n;
}

void zab_tls_forget_kept(struct zab_tls *t, uint32_t id)
{
	if (t && id && id <= ZAB_ID_MAX)
		kept_clear(&t->quorum[id]);
}

/* Installs one direction's keys (read: TLS_RX) in the kernel. */
static int kernel_keys(struct zab_tls_conn *c, bool read)
{
	gnutls_session_t s = c->session;
	gnutls_datum_t iv, key;
	uint8_t seq[8];
	union {
		struct tls12_crypto_info_aes_gcm_128 g128;
		struct tls12_crypto_info_aes_gcm_256 g256;
	} info;
	socklen_t len;
	int ret;

	if (gnutls_record_get_state(s, read ? 1 : 0, NULL, &iv, &key, seq))
		return -EIO;
	memset(&info, 0, sizeof(info));
	/* TLS 1.3's 12-byte IV: the kernel's salt (4), then its iv (8) */
#define FILL(f, type) do {						\
		if (iv.size != 12 || key.size != sizeof(f.key))		\
			return -EIO;					\
		f.info.version = TLS_1_3_VERSION;			\
		f.info.cipher_type = type;				\
		memcpy(f.salt, iv.data, sizeof(f.salt));		\
		memcpy(f.iv, iv.data + sizeof(f.salt), sizeof(f.iv));	\
		memcpy(f.key, key.data, key.size);			\
		memcpy(f.rec_seq, seq, sizeof(f.rec_seq));		\
		len = sizeof(f);					\
	} while (0)
	switch (gnutls_cipher_get(s)) {
	case GNUTLS_CIPHER_AES_128_GCM:
		FILL(info.g128, TLS_CIPHER_AES_GCM_128);
		break;
	case GNUTLS_CIPHER_AES_256_GCM:
		FILL(info.g256, TLS_CIPHER_AES_GCM_256);
		break;
	default:
		return -EPROTO;
	}
#undef FILL
	ret = setsockopt(c->fd, SOL_TLS, read ? TLS_RX : TLS_TX, &info, len) ? -errno : 0;
	explicit_bzero(&info, sizeof(info));
	return ret;
}

/*
 * Tells the peer why, in a fatal alert (RFC 8446, 6.2; @alert < 0: the one
 * GnuTLS finds for that error), before the end:
 * its operator then reads the reason in its own log. Best effort: the
 * socket is non-blocking, and an alert that does not fit may be cut short.
 */
static void send_alert(struct zab_tls_conn *c, int alert)
{
	char buf[4096];

	if (!c->session || c->eof)
		return;
	if (alert < 0)
		gnutls_alert_send_appropriate(c->session, alert);	/* for an error */
	else
		gnutls_alert_send(c->session, GNUTLS_AL_FATAL, alert);
	/*
	 * Then the end: a close() with bytes unread (the rest of the peer's
	 * flight: records are read one at a time) sends an RST, which can
	 * make the peer drop the alert before reading it. Read what is there
	 * (the socket is non-blocking, and this is bounded), then FIN.
	 */
	for (int i = 0; i < 16; i++)
		if (recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
	shutdown(c->fd, SHUT_WR);
}

static int refused(struct zab_tls_conn *c, const char **why, const char *fmt, const char *arg)
{
	snprintf(c->why, sizeof(c->why), fmt, arg);
	*why = c->why;
	zab_tls_end(c);
	return -EACCES;
}

/* path_purpose_missing() of a peer's chain, by the session's CAs. */
static const char *chain_path_purpose(struct zab_tls_conn *c, gnutls_x509_crt_t *crts,
				      unsigned int n)
{
	gnutls_x509_trust_list_t list = NULL;

	gnutls_certificate_get_trust_list(c->cred->cred, &list);
	return list ? path_purpose_missing(list, crts, n) : NULL;
}

int zab_tls_step(struct zab_tls_conn *c, uint8_t *exporter, const char **why)
{
	gnutls_session_t s = c->session;
	int ret;

	if (!s) {
		*why = "no TLS handshake under way";
		return -EINVAL;
	}
	ret = gnutls_handshake(s);
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
		return 0;
	if (ret < 0) {
		uint32_t magic = c->first_got == 4 ? get_be32(c->first) : 0;

		if (c->first_got && !zab_tls_looks_like(c->first) &&
		    (magic == ZAB_AUTH_MAGIC || magic == ZAB_NOTIF_MAGIC ||
		     magic == ZAB_HS_MAGIC))
			return refused(c, why, "%s", "the peer runs without encryption (encryption = none)");
		if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
			unsigned int status = gnutls_session_get_verify_cert_status(s);
			gnutls_datum_t out = { NULL, 0 };

			send_alert(c, status & GNUTLS_CERT_REVOKED ? GNUTLS_A_CERTIFICATE_REVOKED :
				   status & GNUTLS_CERT_EXPIRED ? GNUTLS_A_CERTIFICATE_EXPIRED :
				   status & GNUTLS_CERT_SIGNER_NOT_FOUND ? GNUTLS_A_UNKNOWN_CA :
				   GNUTLS_A_BAD_CERTIFICATE);

			gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
			snprintf(c->why, sizeof(c->why), "its certificate is refused: %s",
				 out.data ? (char *)out.data : "not verified");
			gnutls_free(out.data);
			*why = c->why;
			zab_tls_end(c);
			return -EACCES;
		}
		if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND) {
			/* certificate_required is the accepting end's (RFC 8446, 4.4.2.4) */
			send_alert(c, c->initiator ? GNUTLS_A_BAD_CERTIFICATE :
				   GNUTLS_A_CERTIFICATE_REQUIRED);
			return refused(c, why, "%s", "it shows no certificate");
		}
		if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
			return refused(c, why, "it refused the TLS handshake: %s",
				       gnutls_alert_get_name(gnutls_alert_get(s)));
		if (c->eof || ret == GNUTLS_E_PREMATURE_TERMINATION ||
		    ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) {
			*why = "closed during the TLS handshake";
			zab_tls_end(c);
			return -EPIPE;
		}
		send_alert(c, ret);
		return refused(c, why, "TLS handshake failed: %s", gnutls_strerror(ret));
	}
	if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3)
		return refused(c, why, "%s", "TLS handshake failed: not TLS 1.3");
	if (c->verify) {
		const char *purpose = NULL, *ca_purpose = NULL;
		const gnutls_datum_t *chain;
		unsigned int n = 0;
		gnutls_x509_crt_t crt;

		chain = gnutls_certificate_get_peers(s, &n);
		c->peer_id = 0;
		if (chain && n && !gnutls_x509_crt_init(&crt)) {
			if (!gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER)) {
				c->peer_id = crt_id(crt);
				/* both ends, as ours: the same refusal whoever dials */
				purpose = purpose_missing(crt);
			}
			gnutls_x509_crt_deinit(crt);
		}
		/* the CAs of its path (a chain longer than is kept is refused below) */
		if (c->peer_id && !purpose && n > 1 && n <= ZAB_TLS_CHAIN_MAX) {
			gnutls_x509_crt_t crts[ZAB_TLS_CHAIN_MAX];
			unsigned int k = crts_import(crts, chain, n);

			/* GnuTLS verified the chain it parsed: short only out of memory */
			if (k < n)
				ca_purpose = "";
			else
				ca_purpose = chain_path_purpose(c, crts, n);
			while (k)
				gnutls_x509_crt_deinit(crts[--k]);
		}
		if (c->peer_id && !purpose && n > ZAB_TLS_CHAIN_MAX) {
			send_alert(c, GNUTLS_A_BAD_CERTIFICATE);
			return refused(c, why, "%s",
				       "its certificate chain is longer than zab keeps (8)");
		}
		if (c->peer_id && !purpose) {	/* kept, to check it again later */
			zab_tls_forget_peer(c);
			for (unsigned int i = 0; i < n; i++) {
				c->peer_chain[i].data = malloc(chain[i].size);
				if (!c->peer_chain[i].data) {
					zab_tls_forget_peer(c);
					*why = "out of memory";
					zab_tls_end(c);
					return -ENOMEM;
				}
				memcpy(c->peer_chain[i].data, chain[i].data, chain[i].size);
				c->peer_chain[i].len = chain[i].size;
				c->peer_chain_n = i + 1;
			}
		}
		if (purpose) {
			send_alert(c, GNUTLS_A_UNSUPPORTED_CERTIFICATE);
			return refused(c, why,
				       "its certificate's extended key usage does not allow %s",
				       purpose);
		}
		if (ca_purpose && !*ca_purpose) {
			zab_tls_forget_peer(c);
			*why = "out of memory";
			zab_tls_end(c);
			return -ENOMEM;
		}
		if (ca_purpose) {
			send_alert(c, GNUTLS_A_UNSUPPORTED_CERTIFICATE);
			zab_tls_forget_peer(c);
			snprintf(c->why, sizeof(c->why),
				 "the extended key usage of a CA in its chain does not allow %s",
				 ca_purpose);
			*why = c->why;
			zab_tls_end(c);
			return -EACCES;
		}
		if (!c->peer_id) {
			send_alert(c, GNUTLS_A_BAD_CERTIFICATE);
			return refused(c, why, "%s",
				       "its certificate names no member (CN=\"" CN_PREFIX "N\")");
		}
	}
	if (c->head_got || gnutls_record_check_pending(s))
		return refused(c, why, "%s", "data after the TLS handshake, before the kernel has the keys");
	if (gnutls_prf_rfc5705(s, sizeof(ZAB_TLS_LABEL) - 1, ZAB_TLS_LABEL, 0, NULL,
			       ZAB_TLS_EXPORTER, (char *)exporter)) {
		*why = "cannot derive the TLS exporter";
		zab_tls_end(c);
		return -EIO;
	}
	/* from here on the kernel encrypts and checks every byte */
	if (setsockopt(c->fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")))
		ret = -errno;
	else if (!(ret = kernel_keys(c, false)))
		ret = kernel_keys(c, true);
	zab_tls_end(c);
	if (ret) {
		snprintf(c->why, sizeof(c->why), "cannot give the keys to kernel TLS: %s",
			 strerror(-ret));
		*why = c->why;
		return ret == -EACCES ? -EIO : ret;
	}
	return 1;
}
