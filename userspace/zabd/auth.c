// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <linux/zab.h>

#include "auth.h"
#include "handshake.h"
#include "log.h"
#include "loop.h"
#include "tls.h"
#include "vote.h"
#include "wire.h"

#define KEY_FILE_MAX	4096
#define LOG_EVERY_MS	60000

static const char mac_label[] = "zab auth v1";
static const char id_label[] = "zab key id";

enum { HELLO = 1, PROOF = 2 };

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EACCES;
}

int zab_auth_key_id(const uint8_t *key, uint8_t *id)
{
	uint8_t mac[ZAB_AUTH_MAC];

	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, ZAB_AUTH_KEY_BYTES, id_label,
			     strlen(id_label), mac) < 0)
		return -EIO;
	memcpy(id, mac, ZAB_AUTH_KEY_ID);
	return 0;
}

int zab_auth_mac(const struct zab_auth_key *k, uint8_t channel, bool initiator,
		 uint32_t isid, uint32_t rsid, const uint8_t *inonce,
		 const uint8_t *rnonce, const uint8_t *binding, uint8_t *mac)
{
	uint8_t msg[sizeof(mac_label) - 1 + 2 + 8 + 2 * ZAB_AUTH_NONCE + ZAB_TLS_EXPORTER];
	size_t len = sizeof(msg) - (binding ? 0 : ZAB_TLS_EXPORTER);
	uint8_t *p = msg;

	memcpy(p, mac_label, sizeof(mac_label) - 1);
	p += sizeof(mac_label) - 1;
	*p++ = channel;
	*p++ = initiator ? 1 : 2;
	put_be32(p, isid);
	put_be32(p + 4, rsid);
	p += 8;
	memcpy(p, inonce, ZAB_AUTH_NONCE);
	memcpy(p + ZAB_AUTH_NONCE, rnonce, ZAB_AUTH_NONCE);
	if (binding)
		memcpy(p + 2 * ZAB_AUTH_NONCE, binding, ZAB_TLS_EXPORTER);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, k->key, sizeof(k->key), msg, len, mac) < 0)
		return -EIO;
	return 0;
}

/* Compares in a time that does not depend on where they differ. */
static bool same_mac(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < ZAB_AUTH_MAC; i++)
		d |= a[i] ^ b[i];
	return !d;
}

void zab_auth_hello_encode(uint8_t *buf, uint8_t channel, uint32_t sid,
			   const uint8_t *nonce)
{
	memset(buf, 0, ZAB_AUTH_HELLO_SIZE);
	put_be32(buf, ZAB_AUTH_MAGIC);
	buf[4] = ZAB_AUTH_VERSION;
	buf[5] = HELLO;
	buf[6] = channel;
	put_be32(buf + 8, sid);
	memcpy(buf + 16, nonce, ZAB_AUTH_NONCE);
}

/* The checks common to both frames. */
static int check_head(const uint8_t *buf, uint8_t type, const char **why)
{
	if (get_be32(buf) != ZAB_AUTH_MAGIC)
		return bad(why, "not an authentication handshake (bad magic)");
	if (buf[4] != ZAB_AUTH_VERSION)
		return bad(why, "unknown handshake version");
	if (buf[5] != type)
		return bad(why, type == HELLO ? "expected HELLO" : "expected PROOF");
	return 0;
}

int zab_auth_hello_decode(const uint8_t *buf, uint8_t channel, uint32_t *sid,
			  uint8_t *nonce, const char **why)
{
	int ret = check_head(buf, HELLO, why);

	if (ret)
		return ret;
	if (buf[6] != channel)
		return bad(why, "HELLO for the other port");
	if (buf[7] || get_be32(buf + 12))
		return bad(why, "reserved field not zero in HELLO");
	*sid = get_be32(buf + 8);
	if (*sid < 1 || *sid > ZAB_ID_MAX)
		return bad(why, "member id out of range in HELLO");
	memcpy(nonce, buf + 16, ZAB_AUTH_NONCE);
	return 0;
}

int zab_auth_proof_encode(const struct zab_auth *a, uint8_t *buf,
			  uint8_t channel, bool initiator, uint32_t isid,
			  uint32_t rsid, const uint8_t *inonce,
			  const uint8_t *rnonce, const uint8_t *binding)
{
	memset(buf, 0, ZAB_AUTH_PROOF_SIZE);
	put_be32(buf, ZAB_AUTH_MAGIC);
	buf[4] = ZAB_AUTH_VERSION;
	buf[5] = PROOF;
	buf[6] = (uint8_t)a->n_keys;
	for (size_t i = 0; i < a->n_keys; i++) {
		uint8_t *slot = buf + 8 + i * (ZAB_AUTH_KEY_ID + ZAB_AUTH_MAC);

		memcpy(slot, a->keys[i].id, ZAB_AUTH_KEY_ID);
		if (zab_auth_mac(&a->keys[i], channel, initiator, isid, rsid, inonce,
				 rnonce, binding, slot + ZAB_AUTH_KEY_ID) < 0)
			return -EIO;
	}
	return 0;
}

int zab_auth_proof_check(const struct zab_auth *a, const uint8_t *buf,
			 uint8_t channel, bool initiator, uint32_t isid,
			 uint32_t rsid, const uint8_t *inonce,
			 const uint8_t *rnonce, const uint8_t *binding, uint8_t *key_id,
			 const char **why)
{
	uint8_t mac[ZAB_AUTH_MAC];
	bool known = false;
	int ret = check_head(buf, PROOF, why);
	size_t n = buf[6];

	if (ret)
		return ret;
	if (n < 1 || n > ZAB_AUTH_KEYS_MAX || buf[7])
		return bad(why, "malformed PROOF");
	for (size_t i = n; i < ZAB_AUTH_KEYS_MAX; i++) {
		for (size_t j = 0; j < ZAB_AUTH_KEY_ID + ZAB_AUTH_MAC; j++)
			if (buf[8 + i * (ZAB_AUTH_KEY_ID + ZAB_AUTH_MAC) + j])
				return bad(why, "malformed PROOF");
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *slot = buf + 8 + i * (ZAB_AUTH_KEY_ID + ZAB_AUTH_MAC);

		for (size_t k = 0; k < a->n_keys; k++) {
			if (memcmp(slot, a->keys[k].id, ZAB_AUTH_KEY_ID))
				continue;
			known = true;
			if (zab_auth_mac(&a->keys[k], channel, initiator, isid, rsid, inonce,
					 rnonce, binding, mac) < 0)
				return bad(why, "cannot compute the MAC");
			if (same_mac(mac, slot + ZAB_AUTH_KEY_ID)) {
				if (key_id)
					memcpy(key_id, a->keys[k].id, ZAB_AUTH_KEY_ID);
				return 0;
			}
		}
	}
	return bad(why, known ? "the PROOF does not check (a wrong key, or a replay)"
			      : "no key in common (a key of another ensemble, or one rotated out)");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int zab_auth_parse(struct zab_auth *a, const char *text, size_t len,
		   const char *path, struct zab_err *err)
{
	struct zab_auth_key keys[ZAB_AUTH_KEYS_MAX];
	size_t n = 0, i = 0;
	unsigned int line = 0;

	while (i < len) {
		size_t start = i, end, digits;

		while (i < len && text[i] != '\n')
			i++;
		end = i++;
		line++;
		while (start < end && isspace((unsigned char)text[start]))
			start++;
		while (end > start && isspace((unsigned char)text[end - 1]))
			end--;
		if (start == end || text[start] == '#')
			continue;
		digits = end - start;
		if (digits != 2 * ZAB_AUTH_KEY_BYTES)
			return zab_err(err, -EINVAL,
				       "%s:%u: a key is %d hexadecimal digits, not %zu (make one with `zabctl genkey')",
				       path, line, 2 * ZAB_AUTH_KEY_BYTES, digits);
		if (n == ZAB_AUTH_KEYS_MAX)
			return zab_err(err, -EINVAL,
				       "%s:%u: at most %d keys (the new and the old, while rotating)",
				       path, line, ZAB_AUTH_KEYS_MAX);
		for (size_t d = 0; d < ZAB_AUTH_KEY_BYTES; d++) {
			int hi = hexval((unsigned char)text[start + 2 * d]);
			int lo = hexval((unsigned char)text[start + 2 * d + 1]);

			if (hi < 0 || lo < 0)
				return zab_err(err, -EINVAL, "%s:%u: not a hexadecimal digit in the key",
					       path, line);
			keys[n].key[d] = (uint8_t)(hi << 4 | lo);
		}
		if (zab_auth_key_id(keys[n].key, keys[n].id) < 0)
			return zab_err(err, -EIO, "%s: cannot compute a key id", path);
		for (size_t k = 0; k < n; k++)
			if (!memcmp(keys[k].id, keys[n].id, ZAB_AUTH_KEY_ID))
				return zab_err(err, -EINVAL, "%s:%u: the same key twice", path, line);
		n++;
	}
	if (!n)
		return zab_err(err, -EINVAL, "%s: no key in the file (make one with `zabctl genkey')",
			       path);
	memcpy(a->keys, keys, sizeof(keys));
	a->n_keys = n;
	a->generation++;
	memset(keys, 0, sizeof(keys));
	return 0;
}

static int read_file(struct zab_auth *a, const char *path, struct zab_err *err)
{
	char text[KEY_FILE_MAX];
	struct stat st;
	ssize_t len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = errno;
		return zab_err(err, -ret, "%s: cannot open the key file: %s", path, strerror(ret));
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return zab_err(err, ret, "%s: %s", path, strerror(-ret));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return zab_err(err, -EINVAL, "%s: the key file is not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return zab_err(err, -EPERM,
			       "%s: the key file's mode is %04o: others than its owner may use it (chmod 600)",
			       path, (unsigned int)(st.st_mode & 07777));
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return zab_err(err, -EPERM, "%s: the key file belongs to uid %u, not to zabd's %u",
			       path, (unsigned int)st.st_uid, (unsigned int)geteuid());
	}
	len = read(fd, text, sizeof(text));
	ret = len < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return zab_err(err, ret, "%s: %s", path, strerror(-ret));
	if (len == (ssize_t)sizeof(text))
		return zab_err(err, -EFBIG, "%s: the key file is larger than %d bytes", path,
			       KEY_FILE_MAX);
	ret = zab_auth_parse(a, text, (size_t)len, path, err);
	memset(text, 0, sizeof(text));
	if (ret)
		return ret;
	a->file.dev = st.st_dev;
	a->file.ino = st.st_ino;
	a->file.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	a->file.size = st.st_size;
	return 0;
}

int zab_auth_load(struct zab_auth *a, const char *path, struct zab_err *err)
{
	int ret;

	a->path = strdup(path);
	if (!a->path)
		return zab_err(err, -ENOMEM, "out of memory");
	ret = read_file(a, path, err);
	if (ret) {
		free(a->path);
		a->path = NULL;
	}
	return ret;
}

/* auth = cert: the certificate files read again if they changed. */
static void refresh_certs(struct zab_auth *a)
{
	struct zab_tls_ends ends;
	struct zab_err err;
	char until[32];
	struct tm tm;
	time_t t;
	int ret;

	ret = zab_tls_refresh(a->tls, &err);
	if (ret < 0) {
		zerr("%s; keeping the certificates read before", err.msg);
		return;
	}
	if (!ret)
		return;
	a->generation++;	/* election connections made before are made again */
	zab_tls_expiry(a->tls, &ends);
	t = (time_t)ends.cert;
	if (!gmtime_r(&t, &tm) || !strftime(until, sizeof(until), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(until, sizeof(until), "%lld", (long long)ends.cert);
	zinfo("the certificate files %s: read again, for connections from now on (this member's certificate until %s)",
	      ret == 1 ? "changed" : "refused before now load", until);
	if (err.msg[0])
		zerr("%s", err.msg);
}

void zab_auth_refresh(struct zab_auth *a)
{
	char ids[64];
	struct zab_err err;
	struct stat st;
	size_t before = a->n_keys;

	if (a->frozen)
		return;
	if (a->cert) {
		refresh_certs(a);
		return;
	}
	if (!zab_auth_psk(a) || stat(a->path, &st) < 0)
		return;
	if (st.st_dev == a->file.dev && st.st_ino == a->file.ino &&
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == a->file.mtime_ns &&
	    st.st_size == a->file.size)
		return;
	if (read_file(a, a->path, &err) < 0) {
		zerr("%s; keeping the %zu key%s read before", err.msg, before,
		     before == 1 ? "" : "s");
		/* once per change of the file */
		a->file.dev = st.st_dev;
		a->file.ino = st.st_ino;
		a->file.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		a->file.size = st.st_size;
		return;
	}
	zab_auth_describe(a, ids, sizeof(ids));
	zinfo("%s: read again: %zu key%s (%s)", a->path, a->n_keys, a->n_keys == 1 ? "" : "s",
	      ids);
}

bool zab_auth_holds(const struct zab_auth *a, const uint8_t *key_id)
{
	for (size_t k = 0; k < a->n_keys; k++)
		if (!memcmp(a->keys[k].id, key_id, ZAB_AUTH_KEY_ID))
			return true;
	return false;
}

void zab_auth_describe(const struct zab_auth *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < a->n_keys && off < len; k++) {
		off += (size_t)snprintf(buf + off, len - off, "%sid ", k ? ", " : "");
		for (size_t b = 0; b < ZAB_AUTH_KEY_ID && off < len; b++)
			off += (size_t)snprintf(buf + off, len - off, "%02x", a->keys[k].id[b]);
	}
}

void zab_auth_release(struct zab_auth *a)
{
	zab_tls_release(a->tls);
	free(a->path);
	memset(a, 0, sizeof(*a));
}

static void host_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *ip = ss->ss_family == AF_INET6 ?
			 (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
			 (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, ip, buf, (socklen_t)len))
		snprintf(buf, len, "(address family %d)", ss->ss_family);
}

void zab_auth_fail(struct zab_auth *a, const struct sockaddr *peer,
		   const char *channel, const char *why)
{
	size_t slot = 0, len = peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							   : sizeof(struct sockaddr_in);
	struct sockaddr_storage host;
	int64_t now = loop_now();
	char where[64];

	/* once a minute per address, without the port */
	memset(&host, 0, sizeof(host));
	memcpy(&host, peer, len);
	if (host.ss_family == AF_INET)
		((struct sockaddr_in *)&host)->sin_port = 0;
	else if (host.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&host)->sin6_port = 0;
	for (size_t i = 0; i < sizeof(a->seen) / sizeof(a->seen[0]); i++) {
		if (!memcmp(&a->seen[i].addr, &host, sizeof(host))) {
			slot = i;
			break;
		}
		if (a->seen[i].at < a->seen[slot].at)
			slot = i;
	}
	if (!memcmp(&a->seen[slot].addr, &host, sizeof(host)) && a->seen[slot].at &&
	    now - a->seen[slot].at < LOG_EVERY_MS) {
		a->seen[slot].quiet++;
	} else {
		host_str(&host, where, sizeof(where));
		if (!memcmp(&a->seen[slot].addr, &host, sizeof(host)) && a->seen[slot].quiet)
			zwarn("%s port: authentication of %s failed: %s (and %" PRIu64
			      " more times in the last minute)", channel, where, why,
			      a->seen[slot].quiet);
		else
			zwarn("%s port: authentication of %s failed: %s", channel, where, why);
		a->seen[slot].addr = host;
		a->seen[slot].at = now;
		a->seen[slot].quiet = 0;
	}
	zab_auth_count(a);
}

void zab_auth_count(struct zab_auth *a)
{
	a->failures++;
	if (a->failed)
		a->failed(a->arg);
}

/* Sends HELLO: the first frame, in clear or once the kernel encrypts. */
static int send_hello(struct zab_auth_conn *c, int fd)
{
	uint8_t hello[ZAB_AUTH_HELLO_SIZE];
	ssize_t n;

	zab_auth_hello_encode(hello, c->channel, c->self, c->nonce);
	n = sock_send(fd, hello, sizeof(hello));
	/* the magic alone first: a peer without authentication shows at once */
	frame_buf_reset(&c->fb, 4);
	return n == (ssize_t)sizeof(hello) ? 0 : n < 0 ? (int)n : -EIO;
}

int zab_auth_start(struct zab_auth_conn *c, struct zab_auth *a, int fd,
		   uint8_t channel, bool initiator, uint32_t self, uint32_t peer)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->auth = a;
	c->channel = channel;
	c->initiator = initiator;
	c->self = self;
	c->peer = peer;
	zab_auth_refresh(a);
	c->generation = a->generation;	/* the credentials it uses */
	if (getrandom(c->nonce, sizeof(c->nonce), 0) != (ssize_t)sizeof(c->nonce))
		return -EIO;
	if (!a->tls)
		return send_hello(c, fd);
	/* TLS first; HELLO once the kernel holds the keys */
	c->tls_on = true;
	ret = zab_tls_start(&c->tls, a->tls, fd, initiator);
	if (ret)
		return ret;
	if (initiator) {	/* the ClientHello */
		const char *why;

		/*
		 * A refusal already (a peer in clear spoke first) is the
		 * handshake's failure: zab_auth_step() reports it, counted
		 */
		ret = zab_tls_step(&c->tls, c->binding, &why);
		if (ret == 1) {
			/*
			 * All of it already: the peer answered before GnuTLS
			 * looked for its answer (this process was descheduled)
			 */
			c->tls_done = true;
			ret = send_hello(c, fd);
			why = "cannot send HELLO";
		}
		if (ret < 0) {
			c->tls_failed = ret;
			c->tls_why = why;
		}
	}
	return 0;
}

void zab_auth_keep(struct zab_auth_conn *c)
{
	if (c->auth && c->auth->cert)
		zab_tls_keep_peer(c->auth->tls, c->peer, &c->tls);
}

void zab_auth_end(struct zab_auth_conn *c)
{
	zab_tls_end(&c->tls);
	zab_tls_forget_peer(&c->tls);
}

static const uint8_t *binding(const struct zab_auth_conn *c)
{
	return c->tls_on ? c->binding : NULL;
}

static int got_hello(struct zab_auth_conn *c, int fd, const char **why)
{
	uint8_t proof[ZAB_AUTH_PROOF_SIZE];
	uint32_t sid;
	ssize_t n;
	int ret;

	ret = zab_auth_hello_decode(c->fb.buf, c->channel, &sid, c->peer_nonce, why);
	if (ret)
		return ret;
	if (c->peer && sid != c->peer)
		return bad(why, "HELLO from another member than the one connected to");
	if (sid == c->self)
		return bad(why, "HELLO with this member's own id");
	if (!memcmp(c->peer_nonce, c->nonce, ZAB_AUTH_NONCE))
		return bad(why, "HELLO echoes this member's own");
	c->peer = sid;
	c->hello_read = true;
	if (c->auth->cert) {
		/* the certificate proved who it is: it must say so in HELLO */
		if (sid != c->tls.peer_id)
			return bad(why, "HELLO from another member than its certificate names");
		/* a quorum connection's chain: kept at its handover (zab_auth_keep()) */
		if (c->channel != ZAB_AUTH_QUORUM)
			zab_tls_forget_peer(&c->tls);
		return 1;
	}
	ret = c->initiator ?
	      zab_auth_proof_encode(c->auth, proof, c->channel, true, c->self, c->peer,
				    c->nonce, c->peer_nonce, binding(c)) :
	      zab_auth_proof_encode(c->auth, proof, c->channel, false, c->peer, c->self,
				    c->peer_nonce, c->nonce, binding(c));
	if (ret)
		return bad(why, "cannot compute the MAC");
	n = sock_send(fd, proof, sizeof(proof));
	if (n != (ssize_t)sizeof(proof)) {
		*why = "cannot send PROOF";
		return n < 0 ? (int)n : -EIO;
	}
	frame_buf_reset(&c->fb, ZAB_AUTH_PROOF_SIZE);
	return 0;
}

int zab_auth_step(struct zab_auth_conn *c, int fd, const char **why)
{
	int ret;

	if (c->tls_failed) {
		*why = c->tls_why;
		return c->tls_failed;
	}
	if (c->tls_on && !c->tls_done) {
		ret = zab_tls_step(&c->tls, c->binding, why);
		if (ret <= 0)
			return ret;
		c->tls_done = true;
		ret = send_hello(c, fd);
		if (ret) {
			*why = "cannot send HELLO";
			return ret;
		}
	}
	for (;;) {
		ret = frame_read(fd, &c->fb);
		if (ret == -ECONNRESET)
			ret = -EPIPE;	/* it hung up without reading ours */
		if (ret <= 0) {
			if (ret == -EPIPE)
				*why = c->hello_read ? "closed before PROOF" : "closed before HELLO";
			else
				*why = ret ? sock_recv_error(fd, ret) : "receive failed";
			/* a record kernel TLS refused: a failure, counted */
			if (sock_tls_refused(fd, ret))
				ret = -EACCES;
			return ret;
		}
		if (c->hello_read)
			break;
		if (c->fb.need == 4) {
			uint32_t magic = get_be32(c->fb.buf);

			if (magic == ZAB_NOTIF_MAGIC || magic == ZAB_HS_MAGIC)
				return bad(why, "the peer runs without authentication (auth = none)");
			if (zab_tls_looks_like(c->fb.buf))
				return bad(why, "the peer encrypts (encryption = tls)");
			if (magic != ZAB_AUTH_MAGIC)
				return bad(why, "not an authentication handshake (bad magic)");
			c->fb.need = ZAB_AUTH_HELLO_SIZE;
			continue;
		}
		ret = got_hello(c, fd, why);
		if (ret)
			return ret;	/* 1: authenticated by its certificate */
	}
	/* the peer's PROOF: it proves in the other role */
	ret = c->initiator ?
	      zab_auth_proof_check(c->auth, c->fb.buf, c->channel, false, c->self, c->peer,
				   c->nonce, c->peer_nonce, binding(c), c->key_id, why) :
	      zab_auth_proof_check(c->auth, c->fb.buf, c->channel, true, c->peer, c->self,
				   c->peer_nonce, c->nonce, binding(c), c->key_id, why);
	return ret ? ret : 1;
}

int zab_auth_blocking(struct zab_auth *a, int fd, uint8_t channel,
		      uint32_t self, uint32_t peer, int timeout_ms, const char **why)
{
	int64_t deadline = loop_now() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct zab_auth_conn c;
	int ret;

	ret = zab_auth_start(&c, a, fd, channel, true, self, peer);
	if (ret) {
		*why = "cannot start the handshake";
		zab_auth_end(&c);
		return ret;
	}
	while (!(ret = zab_auth_step(&c, fd, why))) {
		int64_t left = deadline - loop_now();

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			*why = "no answer in time";
			ret = -ETIMEDOUT;
			break;
		}
	}
	zab_auth_end(&c);
	return ret < 0 ? ret : 0;
}
