// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "common/fmt.h"
#include "lib/name.h"

enum {
	SEEN_NAME = 1 << 0,
	SEEN_MYID = 1 << 1,
	SEEN_DATA_DIR = 1 << 2,
	SEEN_DURABILITY = 1 << 3,
	SEEN_SEGMENT_BYTES = 1 << 4,
	SEEN_SNAP_COUNT = 1 << 5,
	SEEN_SNAP_BYTES = 1 << 6,
	SEEN_SNAP_RETAIN = 1 << 7,
	SEEN_METRICS_ADDR = 1 << 8,
	SEEN_AUTH_KEY_FILE = 1 << 9,
	SEEN_AUTH = 1 << 10,
	SEEN_DEVICE_OWNER = 1 << 11,
	SEEN_DEVICE_GROUP = 1 << 12,
	SEEN_DEVICE_MODE = 1 << 13,
	SEEN_ENCRYPTION = 1 << 14,
	SEEN_TLS_CERT = 1 << 15,
	SEEN_TLS_KEY = 1 << 16,
	SEEN_TLS_CA = 1 << 17,
	SEEN_TLS_CRL = 1 << 18,
};

#define SERVER_PREFIX "server."

struct parser {
	struct zab_conf *conf;
	unsigned int seen;	/* SEEN_* */
	unsigned int line;	/* of the pair being parsed */
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Marks @bit as seen, or fails if it was already. */
static int see(struct parser *p, unsigned int bit, const char *key,
	       struct zab_err *err)
{
	if (p->seen & bit)
		return zab_err(err, -EINVAL, "duplicate key `%s'", key);
	p->seen |= bit;
	return 0;
}

static int parse_name(struct parser *p, const char *value, struct zab_err *err)
{
	const char *problem = zab_name_problem(value);

	if (problem)
		return zab_err(err, -EINVAL, "invalid name `%s': %s", value, problem);
	strcpy(p->conf->name, value);	/* fits: zab_name_problem() checked */
	return 0;
}

static int parse_data_dir(struct parser *p, const char *value,
			  struct zab_err *err)
{
	p->conf->data_dir = strdup(value);
	if (!p->conf->data_dir)
		return zab_err(err, -ENOMEM, "out of memory");
	return 0;
}

static int parse_port(const char *key, const char *value, const char *port,
		      uint16_t *out, struct zab_err *err)
{
	uint64_t v;

	if (zab_parse_uint(port, false, UINT16_MAX, &v) < 0 || !v)
		return zab_err(err, -EINVAL, "invalid %s `%s': port `%s' must be 1..65535",
			       key, value, port);
	*out = (uint16_t)v;
	return 0;
}

/*
 * Splits "HOST:PORT:PORT[:ROLE]" or "[HOST]:PORT:PORT[:ROLE]" in place;
 * *@role is NULL without one.
 */
static int split_server(char *s, char **host, char **quorum, char **election,
			char **role)
{
	char *rest;

	if (*s == '[') {
		rest = strchr(s, ']');
		if (!rest || rest[1] != ':')
			return -EINVAL;
		*rest = '\0';
		*host = s + 1;
		rest += 2;
	} else {
		rest = strchr(s, ':');
		if (!rest)
			return -EINVAL;
		*rest++ = '\0';
		*host = s;
	}
	*quorum = rest;
	rest = strchr(rest, ':');
	if (!rest || !**host)
		return -EINVAL;
	*role = strchr(rest + 1, ':');
	if (*role) {
		*(*role)++ = '\0';
		if (strchr(*role, ':'))
			return -EINVAL;
	}
	/* only visible characters, no bracket: others neither resolve nor print back */
	for (const char *c = *host; *c; c++)
		if (!isgraph((unsigned char)*c) || *c == '[' || *c == ']')
			return -EINVAL;
	*rest++ = '\0';
	*election = rest;
	return 0;
}

static int parse_server_id(const char *key, uint32_t *id, struct zab_err *err)
{
	uint64_t v;

	if (zab_parse_uint(key + strlen(SERVER_PREFIX), false, ZAB_ID_MAX, &v) < 0 ||
	    !v)
		return zab_err(err, -EINVAL, "invalid key `%s': the server id must be 1..%d",
			       key, ZAB_ID_MAX);
	*id = (uint32_t)v;
	return 0;
}

static int add_server(struct zab_conf *conf, const struct zab_server *server,
		      struct zab_err *err)
{
	struct zab_server *servers;

	servers = reallocarray(conf->servers, conf->n_servers + 1, sizeof(*servers));
	if (!servers)
		return zab_err(err, -ENOMEM, "out of memory");
	conf->servers = servers;
	servers[conf->n_servers] = *server;
	servers[conf->n_servers].host = strdup(server->host);
	if (!servers[conf->n_servers].host)
		return zab_err(err, -ENOMEM, "out of memory");
	conf->n_servers++;
	return 0;
}

static int parse_server(struct parser *p, const char *key, const char *value,
			struct zab_err *err)
{
	struct zab_server server = { 0 };
	char *copy, *quorum, *election, *role;
	int ret;

	ret = parse_server_id(key, &server.id, err);
	if (ret < 0)
		return ret;
	server.line = p->line;
	for (size_t i = 0; i < p->conf->n_servers; i++) {
		if (p->conf->servers[i].id == server.id)
			return zab_err(err, -EINVAL, "duplicate key `%s'", key);
	}
	copy = strdup(value);
	if (!copy)
		return zab_err(err, -ENOMEM, "out of memory");
	if (split_server(copy, &server.host, &quorum, &election, &role) < 0) {
		ret = zab_err(err, -EINVAL, "invalid %s `%s': expected HOST:QUORUM_PORT:ELECTION_PORT[:observer]",
			      key, value);
		goto out;
	}
	if (role && strcmp(role, "observer") && strcmp(role, "participant")) {
		ret = zab_err(err, -EINVAL, "invalid %s `%s': the role `%s' must be `observer' or `participant'",
			      key, value, role);
		goto out;
	}
	server.observer = role && !strcmp(role, "observer");
	ret = parse_port(key, value, quorum, &server.quorum_port, err);
	if (!ret)
		ret = parse_port(key, value, election, &server.election_port, err);
	if (!ret && server.quorum_port == server.election_port)
		ret = zab_err(err, -EINVAL, "invalid %s `%s': the two ports must differ",
			      key, value);
	if (!ret)
		ret = add_server(p->conf, &server, err);
out:
	free(copy);
	return ret;
}

static int parse_durability(struct parser *p, const char *value,
			    struct zab_err *err)
{
	for (uint8_t i = 0; zab_durability_name(i); i++) {
		if (!strcmp(value, zab_durability_name(i))) {
			p->conf->durability = i;
			return 0;
		}
	}
	return zab_err(err, -EINVAL, "invalid durability `%s': expected fsync, write or memory",
		       value);
}

static int parse_segment_bytes(struct parser *p, const char *value,
			       struct zab_err *err)
{
	uint64_t v;

	if (zab_parse_uint(value, true, UINT32_MAX, &v) < 0 ||
	    v < ZAB_SEGMENT_BYTES_MIN || v > ZAB_SEGMENT_BYTES_MAX)
		return zab_err(err, -EINVAL, "invalid segmentBytes `%s': expected 64K to 1G",
			       value);
	p->conf->segment_bytes = (uint32_t)v;
	return 0;
}

/* snapCount, snapBytes (0: never) and snapRetainCount (1 or more). */
static int parse_snap(struct parser *p, const char *key, const char *value,
		      struct zab_err *err)
{
	struct zab_conf *conf = p->conf;
	uint64_t v;

	if (!strcmp(key, "snapBytes")) {
		if (zab_parse_uint(value, true, UINT64_MAX, &v) < 0)
			return zab_err(err, -EINVAL, "invalid snapBytes `%s': expected a size, 0 for never",
				       value);
		conf->snap_bytes = v;
		return 0;
	}
	if (zab_parse_uint(value, false, UINT32_MAX, &v) < 0 ||
	    (!strcmp(key, "snapRetainCount") && !v))
		return zab_err(err, -EINVAL, "invalid %s `%s': expected a number%s",
			       key, value,
			       !strcmp(key, "snapCount") ? ", 0 for never" : " from 1");
	if (!strcmp(key, "snapCount"))
		conf->snap_count = v;
	else
		conf->snap_retain = (uint32_t)v;
	return 0;
}

/* metricsAddr: HOST:PORT or [HOST]:PORT, port 1..65535. */
static int parse_metrics_addr(struct parser *p, const char *value, struct zab_err *err)
{
	char *copy = strdup(value), *host, *port = NULL, *end;
	uint64_t v;
	int ret = 0;

	if (!copy)
		return zab_err(err, -ENOMEM, "out of memory");
	host = copy;
	if (*copy == '[') {
		end = strchr(copy, ']');
		if (end && end[1] == ':') {
			*end = '\0';
			host = copy + 1;
			port = end + 2;
		}
	} else {
		end = strrchr(copy, ':');
		if (end && end == strchr(copy, ':')) {
			*end = '\0';
			port = end + 1;
		}
	}
	for (const char *c = host; port && *c; c++)
		if (!isgraph((unsigned char)*c) || *c == '[' || *c == ']')
			port = NULL;
	if (!port || !*host || zab_parse_uint(port, false, 65535, &v) < 0 || !v)
		ret = zab_err(err, -EINVAL,
			      "invalid metricsAddr `%s': expected HOST:PORT or [IPV6]:PORT", value);
	if (!ret) {
		p->conf->metrics_host = strdup(host);
		p->conf->metrics_port = (uint16_t)v;
		if (!p->conf->metrics_host)
			ret = zab_err(err, -ENOMEM, "out of memory");
	}
	free(copy);
	return ret;
}

static int parse_pair(struct parser *p, const char *key, const char *value,
		      struct zab_err *err)
{
	int ret;

	if (!strcmp(key, "name")) {
		ret = see(p, SEEN_NAME, key, err);
		return ret ? ret : parse_name(p, value, err);
	}
	if (!strcmp(key, "myid")) {
		ret = see(p, SEEN_MYID, key, err);
		return ret ? ret : zab_parse_id(value, key, true, &p->conf->myid, err);
	}
	if (!strcmp(key, "dataDir")) {
		ret = see(p, SEEN_DATA_DIR, key, err);
		return ret ? ret : parse_data_dir(p, value, err);
	}
	if (!strcmp(key, "durability")) {
		ret = see(p, SEEN_DURABILITY, key, err);
		return ret ? ret : parse_durability(p, value, err);
	}
	if (!strcmp(key, "segmentBytes")) {
		ret = see(p, SEEN_SEGMENT_BYTES, key, err);
		return ret ? ret : parse_segment_bytes(p, value, err);
	}
	if (!strcmp(key, "snapCount")) {
		ret = see(p, SEEN_SNAP_COUNT, key, err);
		return ret ? ret : parse_snap(p, key, value, err);
	}
	if (!strcmp(key, "snapBytes")) {
		ret = see(p, SEEN_SNAP_BYTES, key, err);
		return ret ? ret : parse_snap(p, key, value, err);
	}
	if (!strcmp(key, "snapRetainCount")) {
		ret = see(p, SEEN_SNAP_RETAIN, key, err);
		return ret ? ret : parse_snap(p, key, value, err);
	}
	if (!strcmp(key, "metricsAddr")) {
		ret = see(p, SEEN_METRICS_ADDR, key, err);
		return ret ? ret : parse_metrics_addr(p, value, err);
	}
	if (!strcmp(key, "authKeyFile")) {
		ret = see(p, SEEN_AUTH_KEY_FILE, key, err);
		if (ret)
			return ret;
		if (*value != '/')
			return zab_err(err, -EINVAL, "authKeyFile `%s' is not an absolute path", value);
		p->conf->auth_key_file = strdup(value);
		return p->conf->auth_key_file ? 0 : zab_err(err, -ENOMEM, "out of memory");
	}
	if (!strcmp(key, "auth")) {
		ret = see(p, SEEN_AUTH, key, err);
		if (ret)
			return ret;
		if (!strcmp(value, "none"))
			p->conf->auth_none = true;
		else if (!strcmp(value, "cert"))
			p->conf->auth_cert = true;
		else if (strcmp(value, "psk"))
			return zab_err(err, -EINVAL, "invalid auth `%s': expected psk, cert or none",
				       value);
		return 0;
	}
	if (!strcmp(key, "tlsCertFile") || !strcmp(key, "tlsKeyFile") || !strcmp(key, "tlsCaFile") ||
	    !strcmp(key, "tlsCrlFile")) {
		char **slot = !strcmp(key, "tlsCertFile") ? &p->conf->tls_cert_file :
			      !strcmp(key, "tlsKeyFile") ? &p->conf->tls_key_file :
			      !strcmp(key, "tlsCaFile") ? &p->conf->tls_ca_file : &p->conf->tls_crl_file;

		ret = see(p, slot == &p->conf->tls_cert_file ? SEEN_TLS_CERT :
			     slot == &p->conf->tls_key_file ? SEEN_TLS_KEY :
			     slot == &p->conf->tls_ca_file ? SEEN_TLS_CA : SEEN_TLS_CRL, key, err);
		if (ret)
			return ret;
		if (*value != '/')
			return zab_err(err, -EINVAL, "%s `%s' is not an absolute path", key, value);
		*slot = strdup(value);
		return *slot ? 0 : zab_err(err, -ENOMEM, "out of memory");
	}
	if (!strcmp(key, "encryption")) {
		ret = see(p, SEEN_ENCRYPTION, key, err);
		if (ret)
			return ret;
		if (!strcmp(value, "tls"))
			p->conf->encryption_tls = true;
		else if (strcmp(value, "none"))
			return zab_err(err, -EINVAL, "invalid encryption `%s': expected tls or none",
				       value);
		return 0;
	}
	if (!strncmp(key, "device", 6)) {
		unsigned int bit = !strcmp(key, "deviceOwner") ? SEEN_DEVICE_OWNER :
				   !strcmp(key, "deviceGroup") ? SEEN_DEVICE_GROUP :
				   !strcmp(key, "deviceMode") ? SEEN_DEVICE_MODE : 0;

		if (bit) {
			ret = see(p, bit, key, err);
			if (!ret)
				ret = zab_dev_access_parse(&p->conf->dev, key, value, err);
			return ret < 0 ? ret : 0;
		}
	}
	if (!strncmp(key, SERVER_PREFIX, strlen(SERVER_PREFIX)))
		return parse_server(p, key, value, err);
	return zab_params_parse(&p->conf->params, key, value, true, err);
}

static int parse_line(struct parser *p, char *line, struct zab_err *err)
{
	char *key, *value, *eq;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return zab_err(err, -EINVAL, "expected KEY=VALUE, got `%s'", line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key)
		return zab_err(err, -EINVAL, "missing key before `='");
	if (!*value)
		return zab_err(err, -EINVAL, "missing value for `%s'", key);
	return parse_pair(p, key, value, err);
}

static int server_cmp_id(const void *a, const void *b)
{
	const struct zab_server *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Checks what a single line cannot: required keys, myid among the servers. */
static int check_whole(const struct parser *p, const char *path,
		       struct zab_err *err)
{
	const struct zab_conf *conf = p->conf;
	bool listed = false;

	if (!(p->seen & SEEN_NAME))
		return zab_err(err, -EINVAL, "%s: missing key `name'", path);
	if (!(p->seen & SEEN_MYID))
		return zab_err(err, -EINVAL, "%s: missing key `myid'", path);
	for (size_t i = 0; i < conf->n_servers; i++)
		listed |= conf->servers[i].id == conf->myid;
	if (conf->n_servers && !listed)
		return zab_err(err, -EINVAL, "%s: myid %u has no server.%u entry",
			       path, conf->myid, conf->myid);
	return 0;
}

int zab_conf_parse(FILE *f, const char *path, struct zab_conf *conf,
		   struct zab_err *err)
{
	struct parser p = { .conf = conf };
	struct zab_err line_err;
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(conf, 0, sizeof(*conf));
	zab_params_init(&conf->params);
	conf->durability = ZAB_DURABILITY_FSYNC;
	conf->segment_bytes = ZAB_SEGMENT_BYTES_DEFAULT;
	conf->snap_count = ZAB_SNAP_COUNT_DEFAULT;
	conf->snap_bytes = ZAB_SNAP_BYTES_DEFAULT;
	conf->snap_retain = ZAB_SNAP_RETAIN_DEFAULT;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		p.line = lineno;
		ret = parse_line(&p, line, &line_err);
		if (ret < 0) {
			zab_err(err, ret, "%s:%u: %s", path, lineno, line_err.msg);
			goto out;
		}
	}
	if (ferror(f)) {
		ret = zab_err(err, -EIO, "%s: read error", path);
		goto out;
	}
	ret = check_whole(&p, path, err);
	if (!ret && conf->n_servers > 1)
		qsort(conf->servers, conf->n_servers, sizeof(*conf->servers),
		      server_cmp_id);
out:
	free(line);
	return ret;
}

int zab_conf_load(const char *path, struct zab_conf *conf, struct zab_err *err)
{
	FILE *f;
	int ret;

	memset(conf, 0, sizeof(*conf));
	f = fopen(path, "re");
	if (!f) {
		ret = errno;
		return zab_err(err, -ret, "%s: cannot open: %s", path, strerror(ret));
	}
	ret = zab_conf_parse(f, path, conf, err);
	fclose(f);
	return ret;
}

static bool same_port(const struct zab_server *a, uint16_t port)
{
	return a->quorum_port == port || a->election_port == port;
}

/* Two servers listening on the same host and port cannot both work. */
static int check_endpoints(const struct zab_conf *conf, const char *path,
			   struct zab_err *err)
{
	for (size_t i = 0; i < conf->n_servers; i++) {
		const struct zab_server *s = &conf->servers[i];

		for (size_t j = 0; j < i; j++) {
			const struct zab_server *t = &conf->servers[j];

			if (strcmp(s->host, t->host))
				continue;
			if (same_port(t, s->quorum_port) || same_port(t, s->election_port)) {
				/* name the entry that comes later in the file */
				const struct zab_server *late = s->line > t->line ? s : t;
				const struct zab_server *early = late == s ? t : s;

				return zab_err(err, -EINVAL,
					       "%s:%u: server.%u: a port of host `%s' is already used by server.%u",
					       path, late->line, late->id, late->host, early->id);
			}
		}
	}
	return 0;
}

int zab_conf_check_ensemble(const struct zab_conf *conf, const char *path,
			    struct zab_err *err)
{
	int ret;

	if (!conf->data_dir)
		return zab_err(err, -EINVAL, "%s: missing key `dataDir'", path);

	if (!conf->n_servers)
		return zab_err(err, -EINVAL,
			       "%s: missing key `server.%u': zabd needs the members of the ensemble",
			       path, conf->myid);
	if (conf->n_servers > ZAB_MEMBERS_MAX)
		return zab_err(err, -EINVAL, "%s:%u: server.%u: at most %d servers are supported",
			       path, conf->servers[ZAB_MEMBERS_MAX].line,
			       conf->servers[ZAB_MEMBERS_MAX].id, ZAB_MEMBERS_MAX);
	ret = check_endpoints(conf, path, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < conf->n_servers; i++) {
		if (!conf->servers[i].observer)
			break;
		if (i + 1 == conf->n_servers)
			return zab_err(err, -EINVAL,
				       "%s: every server is an observer: an ensemble needs a voting member",
				       path);
	}
	if (conf->auth_none && conf->auth_key_file)
		return zab_err(err, -EINVAL, "%s: `auth = none' and `authKeyFile' are both given",
			       path);
	if (conf->auth_cert) {
		if (conf->auth_key_file)
			return zab_err(err, -EINVAL,
				       "%s: `auth = cert' and `authKeyFile' are both given", path);
		if (!conf->tls_cert_file || !conf->tls_key_file || !conf->tls_ca_file)
			return zab_err(err, -EINVAL,
				       "%s: `auth = cert' needs `tlsCertFile', `tlsKeyFile' and `tlsCaFile'",
				       path);
		if (!conf->encryption_tls)
			return zab_err(err, -EINVAL,
				       "%s: `auth = cert' needs `encryption = tls'", path);
		return 0;
	}
	if (conf->tls_cert_file || conf->tls_key_file || conf->tls_ca_file || conf->tls_crl_file)
		return zab_err(err, -EINVAL,
			       "%s: `tlsCertFile', `tlsKeyFile', `tlsCaFile' and `tlsCrlFile' are for `auth = cert'",
			       path);
	if (!conf->auth_none && !conf->auth_key_file)
		return zab_err(err, -EINVAL,
			       "%s: missing key `authKeyFile' (the ensemble's key, made with `zabctl genkey'); `auth = none' runs without authentication",
			       path);
	if (conf->encryption_tls && conf->auth_none)
		return zab_err(err, -EINVAL,
			       "%s: `encryption = tls' needs `authKeyFile': the ensemble's key tells members apart, TLS only encrypts",
			       path);
	return 0;
}

void zab_conf_release(struct zab_conf *conf)
{
	for (size_t i = 0; i < conf->n_servers; i++)
		free(conf->servers[i].host);
	free(conf->servers);
	free(conf->data_dir);
	free(conf->metrics_host);
	free(conf->auth_key_file);
	free(conf->tls_cert_file);
	free(conf->tls_key_file);
	free(conf->tls_ca_file);
	free(conf->tls_crl_file);
	memset(conf, 0, sizeof(*conf));
}

void zab_conf_print(FILE *f, const struct zab_conf *conf)
{
	char value[32];

	fprintf(f, "name=%s\n", conf->name);
	fprintf(f, "myid=%u\n", conf->myid);
	if (conf->data_dir)
		fprintf(f, "dataDir=%s\n", conf->data_dir);
	fprintf(f, "durability=%s\n", zab_durability_name(conf->durability));
	zab_fmt_size(value, sizeof(value), conf->segment_bytes);
	fprintf(f, "segmentBytes=%s\n", value);
	fprintf(f, "snapCount=%" PRIu64 "\n", conf->snap_count);
	zab_fmt_size(value, sizeof(value), conf->snap_bytes);
	fprintf(f, "snapBytes=%s\n", value);
	fprintf(f, "snapRetainCount=%u\n", conf->snap_retain);
	if (conf->metrics_host)
		fprintf(f, "metricsAddr=%s%s%s:%u\n", strchr(conf->metrics_host, ':') ? "[" : "",
			conf->metrics_host, strchr(conf->metrics_host, ':') ? "]" : "",
			conf->metrics_port);
	zab_dev_access_print(f, &conf->dev);
	if (conf->auth_none)
		fprintf(f, "auth=none\n");
	if (conf->auth_cert)
		fprintf(f, "auth=cert\ntlsCertFile=%s\ntlsKeyFile=%s\ntlsCaFile=%s\n",
			conf->tls_cert_file, conf->tls_key_file, conf->tls_ca_file);
	if (conf->tls_crl_file)
		fprintf(f, "tlsCrlFile=%s\n", conf->tls_crl_file);
	if (conf->auth_key_file)
		fprintf(f, "authKeyFile=%s\n", conf->auth_key_file);
	fprintf(f, "encryption=%s\n", conf->encryption_tls ? "tls" : "none");
	for (int i = 0; i < ZAB_P_COUNT; i++) {
		zab_param_format(value, sizeof(value), i, conf->params.value[i]);
		fprintf(f, "%s=%s\n", zab_param_defs[i].key, value);
	}
	for (size_t i = 0; i < conf->n_servers; i++) {
		const struct zab_server *s = &conf->servers[i];
		bool v6 = strchr(s->host, ':') != NULL;

		fprintf(f, "server.%u=%s%s%s:%u:%u%s\n", s->id, v6 ? "[" : "",
			s->host, v6 ? "]" : "", s->quorum_port, s->election_port,
			s->observer ? ":observer" : "");
	}
}
