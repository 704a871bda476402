// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The zabd configuration file. */

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
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "zabd/conf.h"
#include "common/fmt.h"
#include "zabd/ensemble.h"

/* Parses @text as the file "a.conf". */
static int parse(const char *text, struct zab_conf *conf, struct zab_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	err->msg[0] = '\0';
	ret = zab_conf_parse(f, "a.conf", conf, err);
	fclose(f);
	return ret;
}

static const char good[] =
	"# zab member 2 of 3\n"
	"\n"
	"name = ens1\n"
	"   myid=2\n"
	"\ttickTime\t=\t500\t\n"
	"initLimit= 20\r\n"
	"   # indented comment\n"
	"windowBytes =128M\n"
	"dataDir = /var/lib/zab/ens 1\n"
	"authKeyFile = /etc/zab/ens.key\n"
	"server.3 = [fd00::3]:2888:3888:observer\n"
	"server.1=10.0.0.1:2888:3888:participant\n"
	"server.2 = node-2.example:12888:13888\n";

static void test_good(void **state)
{
	struct zab_conf conf;
	struct zab_err err;

	(void)state;
	assert_int_equal(parse(good, &conf, &err), 0);
	assert_string_equal(conf.name, "ens1");
	assert_int_equal(conf.myid, 2);
	assert_string_equal(conf.data_dir, "/var/lib/zab/ens 1");

	assert_int_equal(conf.params.set,
			 (1u << ZAB_P_TICK_TIME) | (1u << ZAB_P_INIT_LIMIT) |
			 (1u << ZAB_P_WINDOW_BYTES));
	assert_int_equal(conf.params.value[ZAB_P_TICK_TIME], 500);
	assert_int_equal(conf.params.value[ZAB_P_INIT_LIMIT], 20);
	assert_int_equal(conf.params.value[ZAB_P_WINDOW_BYTES], 128u << 20);
	assert_int_equal(conf.params.value[ZAB_P_SYNC_LIMIT], ZAB_SYNC_LIMIT_DEFAULT);
	assert_int_equal(conf.params.value[ZAB_P_MAX_RECORD], ZAB_MAX_RECORD_DEFAULT);

	/* sorted by id */
	assert_int_equal(conf.n_servers, 3);
	assert_int_equal(conf.servers[0].id, 1);
	assert_string_equal(conf.servers[0].host, "10.0.0.1");
	assert_int_equal(conf.servers[0].quorum_port, 2888);
	assert_int_equal(conf.servers[0].election_port, 3888);
	assert_int_equal(conf.servers[1].id, 2);
	assert_string_equal(conf.servers[1].host, "node-2.example");
	assert_int_equal(conf.servers[1].quorum_port, 12888);
	assert_int_equal(conf.servers[1].election_port, 13888);
	assert_int_equal(conf.servers[2].id, 3);
	assert_string_equal(conf.servers[2].host, "fd00::3");
	assert_false(conf.servers[0].observer);
	assert_false(conf.servers[1].observer);
	assert_true(conf.servers[2].observer);
	zab_conf_release(&conf);
	assert_null(conf.servers);
	assert_null(conf.data_dir);
}

static void test_minimal(void **state)
{
	struct zab_conf conf;
	struct zab_err err;

	(void)state;
	/* no trailing newline, no servers, no dataDir: a standalone member */
	assert_int_equal(parse("name=a\nmyid=1", &conf, &err), 0);
	assert_string_equal(conf.name, "a");
	assert_int_equal(conf.myid, 1);
	assert_null(conf.data_dir);
	assert_int_equal(conf.n_servers, 0);
	assert_int_equal(conf.params.set, 0);
	assert_int_equal(conf.params.value[ZAB_P_TICK_TIME], ZAB_TICK_MS_DEFAULT);
	zab_conf_release(&conf);
}

static void expect_error(const char *text, int code, const char *msg)
{
	struct zab_conf conf;
	struct zab_err err;

	assert_int_equal(parse(text, &conf, &err), code);
	assert_string_equal(err.msg, msg);
	zab_conf_release(&conf);
}

static void test_line_errors(void **state)
{
	(void)state;
	expect_error("name=a\nmyid=1\ntickTme=2000\n", -EINVAL,
		     "a.conf:3: unknown key `tickTme'");
	expect_error("name=a\ntickTime 2000\n", -EINVAL,
		     "a.conf:2: expected KEY=VALUE, got `tickTime 2000'");
	expect_error("# c\n= 5\n", -EINVAL, "a.conf:2: missing key before `='");
	expect_error("name=a\nmyid=1\n\n\ntickTime =  \n", -EINVAL,
		     "a.conf:5: missing value for `tickTime'");
	expect_error("tickTime=5\n", -EINVAL,
		     "a.conf:1: invalid tickTime `5': must be 10..60000 ms");
	expect_error("windowBytes=1K\n", -EINVAL,
		     "a.conf:1: invalid windowBytes `1K': must be 64K..4294967295 bytes");
	expect_error("maxRecordSize = 1 M\n", -EINVAL,
		     "a.conf:1: invalid maxRecordSize `1 M': expected a number with an optional K, M or G suffix");
	expect_error("tickTime=2000 # ms\n", -EINVAL,
		     "a.conf:1: invalid tickTime `2000 # ms': expected a decimal number");
	expect_error("syncLimit=2\nsyncLimit=3\n", -EINVAL,
		     "a.conf:2: duplicate key `syncLimit'");
	expect_error("durability=sync\n", -EINVAL,
		     "a.conf:1: invalid durability `sync': expected fsync, write or memory");
	expect_error("durability=write\ndurability=fsync\n", -EINVAL,
		     "a.conf:2: duplicate key `durability'");
	expect_error("segmentBytes=32K\n", -EINVAL,
		     "a.conf:1: invalid segmentBytes `32K': expected 64K to 1G");
	expect_error("segmentBytes=2G\n", -EINVAL,
		     "a.conf:1: invalid segmentBytes `2G': expected 64K to 1G");
	expect_error("snapCount=1K\n", -EINVAL,
		     "a.conf:1: invalid snapCount `1K': expected a number, 0 for never");
	expect_error("snapRetainCount=0\n", -EINVAL,
		     "a.conf:1: invalid snapRetainCount `0': expected a number from 1");
	expect_error("snapBytes=lots\n", -EINVAL,
		     "a.conf:1: invalid snapBytes `lots': expected a size, 0 for never");
	expect_error("snapCount=5\nsnapCount=6\n", -EINVAL,
		     "a.conf:2: duplicate key `snapCount'");
}

static void test_durability(void **state)
{
	struct zab_conf conf;
	struct zab_err err;

	(void)state;
	assert_int_equal(parse("name=a\nmyid=1\n", &conf, &err), 0);
	assert_int_equal(conf.durability, ZAB_DURABILITY_FSYNC);
	assert_int_equal(conf.segment_bytes, 64 << 20);
	zab_conf_release(&conf);
	assert_int_equal(parse("name=a\nmyid=1\ndurability = memory\nsegmentBytes=1M\n", &conf, &err), 0);
	assert_int_equal(conf.durability, ZAB_DURABILITY_MEMORY);
	assert_int_equal(conf.segment_bytes, 1 << 20);
	zab_conf_release(&conf);
	assert_int_equal(parse("name=a\nmyid=1\ndurability=write\n", &conf, &err), 0);
	assert_int_equal(conf.durability, ZAB_DURABILITY_WRITE);
	assert_string_equal(zab_durability_name(conf.durability), "write");
	assert_null(zab_durability_name(3));
	zab_conf_release(&conf);
	assert_int_equal(conf.snap_retain, 0);
	assert_int_equal(parse("name=a\nmyid=1\nsnapCount=0\nsnapBytes=1M\nsnapRetainCount=1\n",
			       &conf, &err), 0);
	assert_int_equal(conf.snap_count, 0);
	assert_int_equal(conf.snap_bytes, 1 << 20);
	assert_int_equal(conf.snap_retain, 1);
	zab_conf_release(&conf);
}

static void test_identity_errors(void **state)
{
	(void)state;
	expect_error("name=.a\n", -EINVAL,
		     "a.conf:1: invalid name `.a': must not start with `.'");
	expect_error("name=a b\n", -EINVAL,
		     "a.conf:1: invalid name `a b': may only contain A-Z a-z 0-9 _ . -");
	expect_error("name=abcdefghijklmnopqrstuvwxyz0123456789\n", -EINVAL,
		     "a.conf:1: invalid name `abcdefghijklmnopqrstuvwxyz0123456789': must be 1..31 bytes");
	expect_error("name=a\nname=b\n", -EINVAL, "a.conf:2: duplicate key `name'");
	expect_error("myid=0\n", -EINVAL, "a.conf:1: invalid myid `0': must be 1..255");
	expect_error("myid=256\n", -EINVAL, "a.conf:1: invalid myid `256': must be 1..255");
	expect_error("myid=x\n", -EINVAL, "a.conf:1: invalid myid `x': expected a decimal number");
	expect_error("myid=1\nmyid=1\n", -EINVAL, "a.conf:2: duplicate key `myid'");
	expect_error("dataDir=/a\ndataDir=/b\n", -EINVAL, "a.conf:2: duplicate key `dataDir'");
}

static void test_server_errors(void **state)
{
	(void)state;
	expect_error("server.0=h:1:2\n", -EINVAL,
		     "a.conf:1: invalid key `server.0': the server id must be 1..255");
	expect_error("server.256=h:1:2\n", -EINVAL,
		     "a.conf:1: invalid key `server.256': the server id must be 1..255");
	expect_error("server.=h:1:2\n", -EINVAL,
		     "a.conf:1: invalid key `server.': the server id must be 1..255");
	expect_error("server.x=h:1:2\n", -EINVAL,
		     "a.conf:1: invalid key `server.x': the server id must be 1..255");
	expect_error("server.1=h:1:2\nserver.1=h:3:4\n", -EINVAL,
		     "a.conf:2: duplicate key `server.1'");
	expect_error("server.1=h:2888\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:2888': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=h:1:2:3\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:1:2:3': the role `3' must be `observer' or `participant'");
	expect_error("server.1=h:1:2:observer:x\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:1:2:observer:x': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=[::1]:1:2:\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[::1]:1:2:': the role `' must be `observer' or `participant'");
	expect_error("server.1=:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=::1:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `::1:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=[::1:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[::1:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=[]:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[]:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	/* found by fuzz_conf: hosts that would not print back as they read */
	expect_error("server.1=[[x]:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[[x]:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=[ x]:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[ x]:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=a]b:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `a]b:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=[\r]:1:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `[\r]:1:2': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]");
	expect_error("server.1=h:0:2\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:0:2': port `0' must be 1..65535");
	expect_error("server.1=h:1:65536\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:1:65536': port `65536' must be 1..65535");
	expect_error("server.1=h:1:\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:1:': port `' must be 1..65535");
	expect_error("server.1=h:3888:3888\n", -EINVAL,
		     "a.conf:1: invalid server.1 `h:3888:3888': the two ports must differ");
}

static void test_whole_file_errors(void **state)
{
	(void)state;
	expect_error("myid=1\n", -EINVAL, "a.conf: missing key `name'");
	expect_error("# nothing\n", -EINVAL, "a.conf: missing key `name'");
	expect_error("name=a\n", -EINVAL, "a.conf: missing key `myid'");
	expect_error("name=a\nmyid=3\nserver.1=h:1:2\nserver.2=h:1:2\n", -EINVAL,
		     "a.conf: myid 3 has no server.3 entry");
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/zab-conf-XXXXXX";
	struct zab_conf conf;
	struct zab_err err;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, sizeof(good) - 1), (ssize_t)sizeof(good) - 1);
	close(fd);
	assert_int_equal(zab_conf_load(path, &conf, &err), 0);
	assert_string_equal(conf.name, "ens1");
	assert_int_equal(conf.n_servers, 3);
	zab_conf_release(&conf);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "name=a\nmyid=1\ninitLimit=0\n", 26), 26);
	close(fd);
	assert_int_equal(zab_conf_load(path, &conf, &err), -EINVAL);
	assert_true(!strncmp(err.msg, path, strlen(path)));
	assert_string_equal(err.msg + strlen(path),
			    ":3: invalid initLimit `0': must be 1..1000 ticks");
	zab_conf_release(&conf);
	unlink(path);

	assert_int_equal(zab_conf_load("/nonexistent/zab.conf", &conf, &err), -ENOENT);
	assert_string_equal(err.msg,
			    "/nonexistent/zab.conf: cannot open: No such file or directory");
	zab_conf_release(&conf);
}

static char *print_conf(const struct zab_conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	zab_conf_print(f, conf);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_print_round_trip(void **state)
{
	struct zab_conf conf, again;
	struct zab_err err;
	char *text, *text2;

	(void)state;
	assert_int_equal(parse(good, &conf, &err), 0);
	text = print_conf(&conf);
	assert_string_equal(text,
		"name=ens1\n"
		"myid=2\n"
		"dataDir=/var/lib/zab/ens 1\n"
		"durability=fsync\n"
		"segmentBytes=64M\n"
		"snapCount=100000\n"
		"snapBytes=256M\n"
		"snapRetainCount=3\n"
		"authKeyFile=/etc/zab/ens.key\n"
		"encryption=none\n"
		"tickTime=500\n"
		"syncLimit=5\n"
		"initLimit=20\n"
		"windowBytes=128M\n"
		"maxRecordSize=1M\n"
		"server.1=10.0.0.1:2888:3888\n"
		"server.2=node-2.example:12888:13888\n"
		"server.3=[fd00::3]:2888:3888:observer\n");

	assert_int_equal(parse(text, &again, &err), 0);
	text2 = print_conf(&again);
	assert_string_equal(text, text2);
	assert_memory_equal(again.params.value, conf.params.value,
			    sizeof(conf.params.value));
	free(text);
	free(text2);
	zab_conf_release(&conf);
	zab_conf_release(&again);
}

static void test_metrics_addr(void **state)
{
	struct zab_conf conf;
	struct zab_err err;
	char *text;

	(void)state;
	assert_int_equal(parse("name=a\nmyid=1\n", &conf, &err), 0);
	assert_null(conf.metrics_host);		/* off by default */
	zab_conf_release(&conf);
	assert_int_equal(parse("name=a\nmyid=1\nmetricsAddr = 127.0.0.1:9141\n", &conf, &err), 0);
	assert_string_equal(conf.metrics_host, "127.0.0.1");
	assert_int_equal(conf.metrics_port, 9141);
	text = print_conf(&conf);
	assert_non_null(strstr(text, "\nmetricsAddr=127.0.0.1:9141\n"));
	free(text);
	zab_conf_release(&conf);
	assert_int_equal(parse("name=a\nmyid=1\nmetricsAddr=[::1]:80\n", &conf, &err), 0);
	assert_string_equal(conf.metrics_host, "::1");
	assert_int_equal(conf.metrics_port, 80);
	text = print_conf(&conf);
	assert_non_null(strstr(text, "\nmetricsAddr=[::1]:80\n"));
	free(text);
	zab_conf_release(&conf);
	expect_error("metricsAddr=localhost\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `localhost': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=h:0\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `h:0': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=h:65536\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `h:65536': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=::1:80\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `::1:80': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=[::1]80\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `[::1]80': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=:80\n", -EINVAL,
		     "a.conf:1: invalid metricsAddr `:80': expected HOST:PORT or [IPV6]:PORT");
	expect_error("metricsAddr=a:1\nmetricsAddr=a:2\n", -EINVAL,
		     "a.conf:2: duplicate key `metricsAddr'");
}

static void test_server_lines(void **state)
{
	struct zab_conf conf;
	struct zab_err err;

	(void)state;
	assert_int_equal(parse(good, &conf, &err), 0);
	/* sorted by id, each remembers where the file gives it */
	assert_int_equal(conf.servers[0].line, 12);
	assert_int_equal(conf.servers[1].line, 13);
	assert_int_equal(conf.servers[2].line, 11);
	zab_conf_release(&conf);
}

static void expect_ensemble_error(const char *text, const char *msg)
{
	struct zab_conf conf;
	struct zab_err err;

	assert_int_equal(parse(text, &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), -EINVAL);
	assert_string_equal(err.msg, msg);
	zab_conf_release(&conf);
}

static void test_check_ensemble(void **state)
{
	struct zab_conf conf;
	struct zab_err err;
	char text[2048];
	int len;

	(void)state;
	assert_int_equal(parse(good, &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	zab_conf_release(&conf);

	expect_ensemble_error("name=a\nmyid=1\nserver.1=h:1:2\n",
			      "a.conf: missing key `dataDir'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\n",
			      "a.conf: missing key `server.1': zabd needs the members of the ensemble");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2:observer\n"
			      "server.2=h:3:4:observer\n",
			      "a.conf: every server is an observer: an ensemble needs a voting member");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nserver.2=h:3:2\n",
			      "a.conf:5: server.2: a port of host `h' is already used by server.1");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.2=h:3:4\nserver.1=h:4:5\n",
			      "a.conf:5: server.1: a port of host `h' is already used by server.2");
	/* authentication: a key, or none asked for in so many words */
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\n",
			      "a.conf: missing key `authKeyFile' (the ensemble's key, made with `zabctl genkey'); `auth = none' runs without authentication");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=none\nauthKeyFile=/k\n",
			      "a.conf: `auth = none' and `authKeyFile' are both given");
	expect_error("name=a\nmyid=1\nauth=tls\n", -EINVAL,
		     "a.conf:3: invalid auth `tls': expected psk, cert or none");
	expect_error("name=a\nmyid=1\nauthKeyFile=k\n", -EINVAL,
		     "a.conf:3: authKeyFile `k' is not an absolute path");
	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=none\n",
			       &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	assert_true(conf.auth_none);
	assert_false(conf.encryption_tls);
	zab_conf_release(&conf);
	/* encryption: TLS or none; TLS needs the key, which tells members apart */
	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauthKeyFile=/k\n"
			       "encryption=tls\n", &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	assert_true(conf.encryption_tls);
	zab_conf_release(&conf);
	expect_error("name=a\nmyid=1\nencryption=yes\n", -EINVAL,
		     "a.conf:3: invalid encryption `yes': expected tls or none");
	expect_error("name=a\nmyid=1\nencryption=tls\nencryption=none\n", -EINVAL,
		     "a.conf:4: duplicate key `encryption'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=none\nencryption=tls\n",
			      "a.conf: `encryption = tls' needs `authKeyFile': the ensemble's key tells members apart, TLS only encrypts");
	/* certificates: all three files, encryption, and no key besides */
	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=cert\n"
			       "encryption=tls\ntlsCertFile=/c\ntlsKeyFile=/k\ntlsCaFile=/ca\n",
			       &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	assert_true(conf.auth_cert);
	assert_string_equal(conf.tls_key_file, "/k");
	assert_null(conf.tls_crl_file);
	zab_conf_release(&conf);
	/* and a revocation list, if given */
	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=cert\n"
			       "encryption=tls\ntlsCertFile=/c\ntlsKeyFile=/k\ntlsCaFile=/ca\n"
			       "tlsCrlFile=/crl\n", &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	assert_string_equal(conf.tls_crl_file, "/crl");
	zab_conf_release(&conf);
	expect_error("name=a\nmyid=1\ntlsCrlFile=/a\ntlsCrlFile=/b\n", -EINVAL,
		     "a.conf:4: duplicate key `tlsCrlFile'");
	expect_error("name=a\nmyid=1\ntlsCrlFile=crl.pem\n", -EINVAL,
		     "a.conf:3: tlsCrlFile `crl.pem' is not an absolute path");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauthKeyFile=/k\n"
			      "tlsCrlFile=/crl\n",
			      "a.conf: `tlsCertFile', `tlsKeyFile', `tlsCaFile' and `tlsCrlFile' are for `auth = cert'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=cert\n"
			      "encryption=tls\ntlsCertFile=/c\ntlsCaFile=/ca\n",
			      "a.conf: `auth = cert' needs `tlsCertFile', `tlsKeyFile' and `tlsCaFile'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=cert\n"
			      "tlsCertFile=/c\ntlsKeyFile=/k\ntlsCaFile=/ca\n",
			      "a.conf: `auth = cert' needs `encryption = tls'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauthKeyFile=/k\n"
			      "tlsCaFile=/ca\n",
			      "a.conf: `tlsCertFile', `tlsKeyFile', `tlsCaFile' and `tlsCrlFile' are for `auth = cert'");
	expect_ensemble_error("name=a\nmyid=1\ndataDir=/d\nserver.1=h:1:2\nauth=cert\n"
			      "authKeyFile=/k\n",
			      "a.conf: `auth = cert' and `authKeyFile' are both given");
	expect_error("name=a\nmyid=1\ntlsCaFile=ca.pem\n", -EINVAL,
		     "a.conf:3: tlsCaFile `ca.pem' is not an absolute path");
	/* the same ports on different hosts are fine */
	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\nauth=none\nserver.1=h:1:2\nserver.2=g:1:2\n",
			       &conf, &err), 0);
	assert_int_equal(zab_conf_check_ensemble(&conf, "a.conf", &err), 0);
	zab_conf_release(&conf);

	len = snprintf(text, sizeof(text), "name=a\nmyid=1\ndataDir=/d\n");
	for (int i = 1; i <= 16; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len,
				"server.%d=10.0.0.%d:2888:3888\n", i, i);
	expect_ensemble_error(text, "a.conf:19: server.16: at most 15 servers are supported");
}

static void test_ensemble_resolve(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	struct ensemble ens;
	struct zab_conf conf;
	struct zab_err err;

	(void)state;
	assert_int_equal(parse("name=a\nmyid=2\ndataDir=/d\n"
			       "server.1=10.0.0.1:2888:3888\n"
			       "server.2=10.0.0.2:2888:3888\n"
			       "server.3=[::1]:2888:3888\n", &conf, &err), 0);
	assert_int_equal(ensemble_init(&ens, &conf, "a.conf", &err), 0);
	assert_int_equal(ens.n, 3);
	assert_int_equal(ens.quorum, 2);
	assert_int_equal(ens.self->id, 2);
	assert_ptr_equal(ensemble_find(&ens, 3), &ens.members[2]);
	assert_null(ensemble_find(&ens, 4));
	assert_int_equal(member_addr(&ens.members[0], 0, 3888, &ss), sizeof(sin));
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_port, htons(3888));
	sin.sin_addr.s_addr = htonl(0x0a000001);
	sin.sin_port = htons(40000);		/* any port: only the host counts */
	assert_true(member_has_addr(&ens.members[0], (struct sockaddr *)&sin));
	assert_false(member_has_addr(&ens.members[1], (struct sockaddr *)&sin));
	assert_false(member_has_addr(&ens.members[2], (struct sockaddr *)&sin));
	ensemble_release(&ens);
	zab_conf_release(&conf);

	assert_int_equal(parse("name=a\nmyid=1\ndataDir=/d\n"
			       "server.1=10.0.0.1:2888:3888\n"
			       "server.2=no-such-host.invalid:2888:3888\n", &conf, &err), 0);
	assert_int_equal(ensemble_init(&ens, &conf, "a.conf", &err), -EINVAL);
	assert_true(!strncmp(err.msg, "a.conf:5: server.2: cannot resolve `no-such-host.invalid': ",
			     strlen("a.conf:5: server.2: cannot resolve `no-such-host.invalid': ")));
	ensemble_release(&ens);
	zab_conf_release(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_identity_errors),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_whole_file_errors),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_durability),
		cmocka_unit_test(test_metrics_addr),
		cmocka_unit_test(test_server_lines),
		cmocka_unit_test(test_check_ensemble),
		cmocka_unit_test(test_ensemble_resolve),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
