// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble.h"
#include "sock.h"

static int resolve(struct member *m, const char *path, unsigned int line,
		   struct zab_err *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	size_t n = 0;
	int ret;

	ret = getaddrinfo(m->host, NULL, &hints, &res);
	if (ret)
		return zab_err(err, -EINVAL, "%s:%u: server.%u: cannot resolve `%s': %s",
			       path, line, m->id, m->host, gai_strerror(ret));
	for (ai = res; ai; ai = ai->ai_next)
		n++;
	m->addrs = calloc(n, sizeof(*m->addrs));
	m->lens = calloc(n, sizeof(*m->lens));
	if (!m->addrs || !m->lens) {
		freeaddrinfo(res);
		return zab_err(err, -ENOMEM, "out of memory");
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(*m->addrs) ||
		    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6))
			continue;
		memcpy(&m->addrs[m->n_addrs], ai->ai_addr, ai->ai_addrlen);
		m->lens[m->n_addrs++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (!m->n_addrs)
		return zab_err(err, -EINVAL, "%s:%u: server.%u: `%s' has no IP address",
			       path, line, m->id, m->host);
	return 0;
}

int ensemble_init(struct ensemble *ens, const struct zab_conf *conf,
		  const char *path, struct zab_err *err)
{
	int ret;

	memset(ens, 0, sizeof(*ens));
	ens->members = calloc(conf->n_servers, sizeof(*ens->members));
	if (!ens->members)
		return zab_err(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < conf->n_servers; i++) {
		const struct zab_server *s = &conf->servers[i];
		struct member *m = &ens->members[i];

		m->id = s->id;
		m->host = s->host;
		m->quorum_port = s->quorum_port;
		m->election_port = s->election_port;
		m->observer = s->observer;
		ens->n++;
		ens->voters += !m->observer;
		ret = resolve(m, path, s->line, err);
		if (ret < 0)
			return ret;
		if (m->id == conf->myid)
			ens->self = m;
	}
	ens->quorum = ens->voters / 2 + 1;
	if (!ens->self)
		return zab_err(err, -EINVAL, "%s: myid %u has no server.%u entry",
			       path, conf->myid, conf->myid);
	return 0;
}

void ensemble_release(struct ensemble *ens)
{
	for (size_t i = 0; i < ens->n; i++) {
		free(ens->members[i].addrs);
		free(ens->members[i].lens);
	}
	free(ens->members);
	memset(ens, 0, sizeof(*ens));
}

struct member *ensemble_find(const struct ensemble *ens, uint32_t id)
{
	for (size_t i = 0; i < ens->n; i++) {
		if (ens->members[i].id == id)
			return &ens->members[i];
	}
	return NULL;
}

socklen_t member_addr(const struct member *m, size_t i, uint16_t port,
		      struct sockaddr_storage *out)
{
	memcpy(out, &m->addrs[i], m->lens[i]);
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	return m->lens[i];
}

bool member_has_addr(const struct member *m, const struct sockaddr *sa)
{
	for (size_t i = 0; i < m->n_addrs; i++) {
		if (sock_addr_same_host((const struct sockaddr *)&m->addrs[i], sa))
			return true;
	}
	return false;
}
