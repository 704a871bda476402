// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The members' authentication handshake and the key file. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zabd/auth.h"

#define KEY1 "7a61623a207468652074657374206b65792c206e6f742061207365637265742e"
#define KEY2 "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static void keys(struct zab_auth *a, const char *text)
{
	struct zab_err err;

	memset(a, 0, sizeof(*a));
	assert_int_equal(zab_auth_parse(a, text, strlen(text), "k", &err), 0);
	a->path = (char *)"k";	/* enabled; never freed here */
}

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

/* Against HMAC-SHA256 as Python's hmac module and openssl dgst compute it. */
static void test_known_answers(void **state)
{
	uint8_t nonce_i[32], nonce_r[32], mac[32], expect[32], id[8];
	struct zab_auth a;

	(void)state;
	keys(&a, KEY1 "\n");
	hex("becc824a497c456a", id, sizeof(id));
	assert_int_equal(a.n_keys, 1);
	assert_memory_equal(a.keys[0].id, id, sizeof(id));
	for (int i = 0; i < 32; i++) {
		nonce_i[i] = (uint8_t)i;
		nonce_r[i] = (uint8_t)(100 + i);
	}
	assert_int_equal(zab_auth_mac(&a.keys[0], ZAB_AUTH_QUORUM, true, 3, 7, nonce_i, nonce_r,
				      NULL, mac), 0);
	hex("395945006aadb3d8caafbd7479905aea6b55cf768cf9683ea7582f56d8f14e9f", expect, 32);
	assert_memory_equal(mac, expect, sizeof(mac));
}

static void test_parse(void **state)
{
	static const char *const bad[] = {
		"", "# only a comment\n\n", "abc\n", KEY1 "0\n", KEY1 KEY1 "\n",
		"zz61623a207468652074657374206b65792c206e6f742061207365637265742e", KEY1 "\n" KEY2 "\n" KEY1 "\n", KEY1 "\n" KEY1 "\n",
	};
	struct zab_auth a;
	struct zab_err err;

	(void)state;
	keys(&a, "# the ensemble's key\n\n  " KEY1 "  \n" KEY2);
	assert_int_equal(a.n_keys, 2);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0, sizeof(a));
		assert_int_equal(zab_auth_parse(&a, bad[i], strlen(bad[i]), "k", &err), -EINVAL);
		assert_int_equal(a.n_keys, 0);
	}
	memset(&a, 0, sizeof(a));
	assert_int_equal(zab_auth_parse(&a, "abc\n", 4, "/etc/zab/k", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/etc/zab/k:1: a key is 64 hexadecimal digits, not 3"));
}

static void test_file(void **state)
{
	char dir[] = "/tmp/zab-auth-XXXXXX", path[64], link[64];
	struct zab_auth a = { 0 };
	struct zab_err err;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, KEY1 "\n", 65), 65);
	close(fd);
	chmod(path, 0644);
	assert_int_equal(zab_auth_load(&a, path, &err), -EPERM);
	assert_non_null(strstr(err.msg, "mode is 0644"));
	assert_false(zab_auth_enabled(&a));
	chmod(path, 0600);
	assert_int_equal(symlink(path, link), 0);
	assert_true(zab_auth_load(&a, link, &err) < 0);
	assert_int_equal(zab_auth_load(&a, path, &err), 0);
	assert_true(zab_auth_enabled(&a));
	assert_int_equal(a.n_keys, 1);

	/* a second key appears: read again before the next handshake */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, KEY2 "\n", 65), 65);
	close(fd);
	zab_auth_refresh(&a);
	assert_int_equal(a.n_keys, 2);
	/* a file that breaks keeps the keys held */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "nonsense\n", 9), 9);
	close(fd);
	zab_auth_refresh(&a);
	assert_int_equal(a.n_keys, 2);
	zab_auth_release(&a);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

struct end {
	struct zab_auth_conn c;
	int fd;
	int ret;
	const char *why;
};

/* Runs both ends over a socket pair until each is done. */
static void handshake(struct zab_auth *ai, struct zab_auth *ar, uint8_t ci, uint8_t cr,
		      uint32_t expect, struct end *i, struct end *r)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	i->fd = sv[0];
	r->fd = sv[1];
	assert_int_equal(zab_auth_start(&i->c, ai, i->fd, ci, true, 1, expect), 0);
	assert_int_equal(zab_auth_start(&r->c, ar, r->fd, cr, false, 2, 0), 0);
	i->ret = r->ret = 0;
	for (int k = 0; k < 8 && (!i->ret || !r->ret); k++) {
		if (!i->ret)
			i->ret = zab_auth_step(&i->c, i->fd, &i->why);
		if (!r->ret)
			r->ret = zab_auth_step(&r->c, r->fd, &r->why);
		/* an end that failed hangs up, as zabd does */
		if (i->ret < 0)
			shutdown(i->fd, SHUT_RDWR);
		if (r->ret < 0)
			shutdown(r->fd, SHUT_RDWR);
	}
}

static void done(struct end *i, struct end *r)
{
	close(i->fd);
	close(r->fd);
}

static void test_handshake(void **state)
{
	struct zab_auth one, other, both, two;
	struct end i, r;

	(void)state;
	keys(&one, KEY1);
	keys(&other, KEY2);
	keys(&both, KEY2 "\n" KEY1);
	keys(&two, KEY1 "\n" KEY2);

	handshake(&one, &one, ZAB_AUTH_ELECTION, ZAB_AUTH_ELECTION, 2, &i, &r);
	assert_int_equal(i.ret, 1);
	assert_int_equal(r.ret, 1);
	assert_int_equal(i.c.peer, 2);
	assert_int_equal(r.c.peer, 1);
	done(&i, &r);

	/* rotation: one key in common is enough, whatever the order */
	handshake(&both, &one, ZAB_AUTH_QUORUM, ZAB_AUTH_QUORUM, 0, &i, &r);
	assert_int_equal(i.ret, 1);
	assert_int_equal(r.ret, 1);
	done(&i, &r);
	handshake(&other, &two, ZAB_AUTH_QUORUM, ZAB_AUTH_QUORUM, 0, &i, &r);
	assert_int_equal(i.ret, 1);
	assert_int_equal(r.ret, 1);
	done(&i, &r);

	/* another ensemble's key: both refuse */
	handshake(&other, &one, ZAB_AUTH_QUORUM, ZAB_AUTH_QUORUM, 0, &i, &r);
	assert_int_equal(r.ret, -EACCES);
	assert_non_null(strstr(r.why, "no key in common"));
	assert_true(i.ret < 0);
	done(&i, &r);

	/* the initiator expected member 3, and member 2 answered */
	handshake(&one, &one, ZAB_AUTH_QUORUM, ZAB_AUTH_QUORUM, 3, &i, &r);
	assert_int_equal(i.ret, -EACCES);
	assert_non_null(strstr(i.why, "another member"));
	done(&i, &r);

	/* an election HELLO on the quorum port */
	handshake(&one, &one, ZAB_AUTH_ELECTION, ZAB_AUTH_QUORUM, 0, &i, &r);
	assert_int_equal(r.ret, -EACCES);
	assert_non_null(strstr(r.why, "other port"));
	done(&i, &r);
}

/* A recorded HELLO and PROOF, played again, do not authenticate. */
static void test_replay(void **state)
{
	uint8_t rec[ZAB_AUTH_HELLO_SIZE + ZAB_AUTH_PROOF_SIZE], junk[256];
	struct zab_auth one;
	struct zab_auth_conn c;
	const char *why;
	struct end i, r;
	int sv[2], ret;

	(void)state;
	keys(&one, KEY1);
	handshake(&one, &one, ZAB_AUTH_QUORUM, ZAB_AUTH_QUORUM, 0, &i, &r);
	assert_int_equal(r.ret, 1);
	/* what the initiator sent, as a wire tap saw it */
	zab_auth_hello_encode(rec, ZAB_AUTH_QUORUM, 1, i.c.nonce);
	assert_int_equal(zab_auth_proof_encode(&one, rec + ZAB_AUTH_HELLO_SIZE, ZAB_AUTH_QUORUM,
					       true, 1, 2, i.c.nonce, r.c.nonce, NULL), 0);
	done(&i, &r);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(zab_auth_start(&c, &one, sv[1], ZAB_AUTH_QUORUM, false, 2, 0), 0);
	assert_int_equal(write(sv[0], rec, sizeof(rec)), (ssize_t)sizeof(rec));
	ret = zab_auth_step(&c, sv[1], &why);
	assert_int_equal(ret, -EACCES);
	assert_non_null(strstr(why, "does not check"));
	while (read(sv[0], junk, sizeof(junk)) > 0)
		;
	close(sv[0]);
	close(sv[1]);
}

/* Garbage, its own HELLO reflected, and a peer that hangs up. */
static void test_bad_peers(void **state)
{
	uint8_t buf[ZAB_AUTH_HELLO_SIZE] = { 0 };
	struct zab_auth one;
	struct zab_auth_conn c;
	const char *why;
	int sv[2];

	(void)state;
	keys(&one, KEY1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(zab_auth_start(&c, &one, sv[1], ZAB_AUTH_ELECTION, false, 2, 0), 0);
	memset(buf, 'G', sizeof(buf));
	assert_int_equal(write(sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(zab_auth_step(&c, sv[1], &why), -EACCES);
	assert_non_null(strstr(why, "bad magic"));
	close(sv[0]);
	close(sv[1]);

	/* its own HELLO comes back: refused, not answered */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(zab_auth_start(&c, &one, sv[1], ZAB_AUTH_ELECTION, true, 1, 0), 0);
	assert_int_equal(read(sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	buf[11] = 4;	/* even under another id */
	assert_int_equal(write(sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(zab_auth_step(&c, sv[1], &why), -EACCES);
	assert_non_null(strstr(why, "echoes"));
	close(sv[0]);
	close(sv[1]);

	/* nothing yet, then a hang-up before HELLO */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(zab_auth_start(&c, &one, sv[1], ZAB_AUTH_ELECTION, false, 2, 0), 0);
	assert_int_equal(zab_auth_step(&c, sv[1], &why), 0);
	close(sv[0]);
	assert_int_equal(zab_auth_step(&c, sv[1], &why), -EPIPE);
	assert_false(c.hello_read);
	close(sv[1]);
}

/* A PROOF is good for one role, one port, two ids and two nonces only. */
static void test_proof_bound(void **state)
{
	uint8_t ni[ZAB_AUTH_NONCE] = { 1 }, nr[ZAB_AUTH_NONCE] = { 2 };
	uint8_t buf[ZAB_AUTH_PROOF_SIZE], id[ZAB_AUTH_KEY_ID];
	struct zab_auth one, other;
	const char *why;

	(void)state;
	keys(&one, KEY1);
	keys(&other, KEY2);
	assert_int_equal(zab_auth_proof_encode(&one, buf, ZAB_AUTH_QUORUM, false, 1, 2, ni, nr, NULL), 0);
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, false, 1, 2, ni, nr,
					      NULL, id, &why), 0);
	assert_memory_equal(id, one.keys[0].id, sizeof(id));
	/* reflected to its maker as if the other end's */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					      NULL, NULL, &why), -EACCES);
	/* on the other port */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_ELECTION, false, 1, 2, ni, nr,
					      NULL, NULL, &why), -EACCES);
	/* for other ids, or ids swapped */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, false, 1, 3, ni, nr,
					      NULL, NULL, &why), -EACCES);
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, false, 2, 1, ni, nr,
					      NULL, NULL, &why), -EACCES);
	/* with other nonces, or nonces swapped */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, false, 1, 2, nr, ni,
					      NULL, NULL, &why), -EACCES);
	assert_non_null(strstr(why, "does not check"));
	/* under a key not held */
	assert_int_equal(zab_auth_proof_check(&other, buf, ZAB_AUTH_QUORUM, false, 1, 2, ni, nr,
					      NULL, NULL, &why), -EACCES);
	assert_non_null(strstr(why, "no key in common"));
	/* the key id's slot altered */
	buf[8] ^= 1;
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, false, 1, 2, ni, nr,
					      NULL, NULL, &why), -EACCES);
	assert_true(zab_auth_holds(&one, one.keys[0].id));
	assert_false(zab_auth_holds(&one, other.keys[0].id));
}

/*
 * Inside TLS, a PROOF is good for one session only: a host in the middle
 * holds two sessions with two exporters, so a PROOF made in one fails in
 * the other, and one made without TLS fails in any.
 */
static void test_proof_bound_to_session(void **state)
{
	uint8_t ni[ZAB_AUTH_NONCE] = { 1 }, nr[ZAB_AUTH_NONCE] = { 2 };
	uint8_t e1[ZAB_TLS_EXPORTER], e2[ZAB_TLS_EXPORTER];
	uint8_t buf[ZAB_AUTH_PROOF_SIZE];
	struct zab_auth one;
	const char *why;

	(void)state;
	keys(&one, KEY1);
	memset(e1, 0x11, sizeof(e1));
	memcpy(e2, e1, sizeof(e2));
	e2[ZAB_TLS_EXPORTER - 1] ^= 1;
	assert_int_equal(zab_auth_proof_encode(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr, e1), 0);
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					      e1, NULL, &why), 0);
	/* relayed into another session: one bit of its exporter differs */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					      e2, NULL, &why), -EACCES);
	assert_non_null(strstr(why, "does not check"));
	/* relayed out of TLS */
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					      NULL, NULL, &why), -EACCES);
	/* made without TLS, relayed into a session */
	assert_int_equal(zab_auth_proof_encode(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					       NULL), 0);
	assert_int_equal(zab_auth_proof_check(&one, buf, ZAB_AUTH_QUORUM, true, 1, 2, ni, nr,
					      e1, NULL, &why), -EACCES);
}

/* A member without authentication is told apart by its first 4 bytes. */
static void test_plaintext_peer(void **state)
{
	static const uint8_t followerinfo[4] = { 0x5a, 0x41, 0x42, 0x51 };
	struct zab_auth one;
	struct zab_auth_conn c;
	const char *why;
	int sv[2];

	(void)state;
	keys(&one, KEY1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(zab_auth_start(&c, &one, sv[1], ZAB_AUTH_QUORUM, false, 2, 0), 0);
	assert_int_equal(write(sv[0], followerinfo, 4), 4);
	assert_int_equal(zab_auth_step(&c, sv[1], &why), -EACCES);
	assert_non_null(strstr(why, "without authentication"));
	close(sv[0]);
	close(sv[1]);
}

/* auth = cert: the member a certificate's common name names. */
static void test_cert_id(void **state)
{
	(void)state;
	assert_int_equal(zab_tls_cert_id("zab member 3"), 3);
	assert_int_equal(zab_tls_cert_id("zab member 255"), 255);
	assert_int_equal(zab_tls_cert_id("zab member 0"), 0);
	assert_int_equal(zab_tls_cert_id("zab member 03"), 0);
	assert_int_equal(zab_tls_cert_id("zab member 3x"), 0);
	assert_int_equal(zab_tls_cert_id("zab member "), 0);
	assert_int_equal(zab_tls_cert_id("zab member 99999999999999999999"), 0);
	assert_int_equal(zab_tls_cert_id("member 3"), 0);
	assert_int_equal(zab_tls_cert_id("zab member -3"), 0);
}

/* What zabd says of a certificate's end, from 30 days before it. */
static void test_expiry_note(void **state)
{
	const int64_t now = 1800000000, day = 86400;
	char buf[160];

	(void)state;
	assert_null(zab_tls_expiry_note(now, 0, ZAB_TLS_END_CERT, buf, sizeof(buf)));
	assert_null(zab_tls_expiry_note(now, now + 31 * day, ZAB_TLS_END_CERT, buf, sizeof(buf)));
	assert_null(zab_tls_expiry_note(now, now + 30 * day + 1, ZAB_TLS_END_CA, buf, sizeof(buf)));
	assert_string_equal(zab_tls_expiry_note(now, now + 30 * day, ZAB_TLS_END_CERT, buf,
						sizeof(buf)),
			    "the certificate expires in 30 days 0 hours: replace it before then");
	assert_string_equal(zab_tls_expiry_note(now, now + 10 * day + 5 * 3600 + 59,
						ZAB_TLS_END_CERT, buf, sizeof(buf)),
			    "the certificate expires in 10 days 5 hours: replace it before then");
	assert_string_equal(zab_tls_expiry_note(now, now, ZAB_TLS_END_CERT, buf, sizeof(buf)),
			    "the certificate ended less than a day ago: peers refuse this member's new connections");
	assert_string_equal(zab_tls_expiry_note(now, now - 3 * day - 7, ZAB_TLS_END_CERT, buf,
						sizeof(buf)),
			    "the certificate ended 3 days ago: peers refuse this member's new connections");
	assert_string_equal(zab_tls_expiry_note(now, now + 2 * day, ZAB_TLS_END_CA, buf,
						sizeof(buf)),
			    "a CA certificate expires in 2 days 0 hours: the certificates it signed are refused from then on");
	assert_string_equal(zab_tls_expiry_note(now, now + 3600, ZAB_TLS_END_CRL, buf,
						sizeof(buf)),
			    "a revocation list's next update is due in 0 days 1 hours: publish a new list before then");
	assert_string_equal(zab_tls_expiry_note(now, now - 2 * day, ZAB_TLS_END_CRL, buf,
						sizeof(buf)),
			    "a revocation list's next update was due 2 days ago: the list is refused when zabd starts or reads the files again; publish a new one");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_cert_id),
		cmocka_unit_test(test_expiry_note),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_bad_peers),
		cmocka_unit_test(test_proof_bound),
		cmocka_unit_test(test_proof_bound_to_session),
		cmocka_unit_test(test_plaintext_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
