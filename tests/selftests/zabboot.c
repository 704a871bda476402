// SPDX-License-Identifier: GPL-2.0
/*
 * zabboot: form an ensemble with a fixed leader, without election. A test
 * tool: it connects the members over TCP, exchanges a hello (member id and
 * last zxid), and hands the sockets to the kernel with LEAD, FOLLOW or
 * ADD_FOLLOWER.
 *
 *   zabboot lead NAME EPOCH MEMBERS LISTEN_ADDR PORT NFOLLOWERS
 *   zabboot follow NAME EPOCH MYID LEADER_ID LEADER_ADDR PORT [MEMBERS]
 *   zabboot add NAME LISTEN_ADDR PORT
 *   zabboot stop NAME
 *   zabboot rogue-lead LISTEN_ADDR PORT HEX
 *   zabboot flood-requests MYID LEADER_ADDR PORT SECONDS SIZE
 *   zabboot flood-proposals LISTEN_ADDR PORT SECONDS SIZE EPOCH
 *   zabboot fuzz-leader MYID LEADER_ADDR PORT SEED FRAMES
 *   zabboot fuzz-follower LISTEN_ADDR PORT SEED FRAMES EPOCH
 *
 * A follower announces the last zxid of its log; the leader's kernel
 * synchronises it (TRUNC, DIFF). Prints "ok" or "error ERRNO: message
 * [kernel message]". rogue-lead plays a leader that is not one: it takes one
 * follower's hello, sends it the bytes HEX (two hex digits a byte), and holds
 * the connection until the follower closes it (at most TIMEOUT_S).
 *
 * The fuzzers play a hostile member too: fuzz-leader says hello to a
 * leader as member MYID and sends it FRAMES frames made from SEED, mostly
 * plausible ones with a field mutated (see fuzz_frame()); fuzz-follower
 * takes one follower's hello and does the same as its leader of EPOCH.
 * Each prints "sent N frames" and "closed" if the other side closed.
 *
 * The floods play a hostile member that never acknowledges nor reads:
 * flood-requests says hello to a leader as member MYID, then sends REQUESTs
 * of SIZE bytes back to back for SECONDS; flood-proposals takes one
 * follower's hello and sends it PROPOSALs of EPOCH (counters 1, 2, ...)
 * without a COMMIT. Each prints "sent BYTES records N" and "closed" if the
 * other side closed the connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/tls.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/zab.h>

#include "fuzzrng.h"
#include "nlreply.h"

#define TIMEOUT_S 30
#define HELLO_MAGIC 0x5a414248u	/* "ZABH" */

struct hello {
	uint32_t magic;
	uint32_t id;
	uint64_t last;
} __attribute__((packed));

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

static bool tls_on(void)
{
	const char *e = getenv("ZAB_ENCRYPTION");

	return e && !strcmp(e, "tls");
}

/* Kernel TLS on @fd with the test key, both ways (see the top). */
static void tls_setup(int fd, bool rx)
{
	struct tls12_crypto_info_aes_gcm_128 ci = {
		.info.version = TLS_1_3_VERSION,
		.info.cipher_type = TLS_CIPHER_AES_GCM_128,
	};

	memset(ci.key, 0x5a, sizeof(ci.key));
	memset(ci.salt, 0x42, sizeof(ci.salt));
	memset(ci.iv, 0x17, sizeof(ci.iv));
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)) ||
	    (rx && setsockopt(fd, SOL_TLS, TLS_RX, &ci, sizeof(ci)))) {
		perror("zabboot: kernel TLS");
		exit(2);
	}
}

static struct nl_sock *sk;
static int family;

static struct nl_msg *request(int cmd, const char *name)
{
	struct nl_msg *m = nlmsg_alloc();
	int one = 1;

	if (!sk) {
		sk = nl_socket_alloc();
		if (!sk || genl_connect(sk))
			exit(2);
		setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
			   &one, sizeof(one));
		family = genl_ctrl_resolve(sk, ZAB_GENL_NAME);
		if (family < 0) {
			fprintf(stderr, "zabboot: no zab family\n");
			exit(2);
		}
	}
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK, cmd,
		    ZAB_GENL_VERSION);
	nla_put_string(m, ZAB_A_NAME, name);
	return m;
}

static int finish(struct nl_msg *m)
{
	int ret = reply_wait(sk, m);

	nlmsg_free(m);
	return ret;
}

static int listen_on(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct timeval tv = { .tv_sec = TIMEOUT_S };

	inet_pton(AF_INET, addr, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));	/* accept() */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		perror("zabboot: listen");
		exit(2);
	}
	return fd;
}

static int accept_hello(int lfd, struct hello *h)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0) {
		perror("zabboot: accept");
		exit(2);
	}
	if (recv(fd, h, sizeof(*h), MSG_WAITALL) != sizeof(*h) ||
	    ntohl(h->magic) != HELLO_MAGIC) {
		fprintf(stderr, "zabboot: bad hello\n");
		exit(2);
	}
	h->id = ntohl(h->id);
	h->last = be64toh(h->last);
	if (tls_on())
		tls_setup(fd, true);
	return fd;
}

static void put_peer(struct nl_msg *m, uint32_t id, int fd, uint64_t last)
{
	struct nlattr *p = nla_nest_start(m, ZAB_A_PEER | NLA_F_NESTED);

	nla_put_u32(m, ZAB_PEER_A_ID, id);
	nla_put_s32(m, ZAB_PEER_A_FD, fd);
	nla_put_u64(m, ZAB_PEER_A_LAST_ZXID, last);
	nla_nest_end(m, p);
}

/* What a call on a handed-over socket got: "ok" or the errno's name. */
static const char *outcome(long ret)
{
	if (ret >= 0)
		return "ok";
	return errno == EBUSY ? "EBUSY" : errno == EAGAIN ? "EAGAIN" : strerror(errno);
}

/*
 * With ZABBOOT_STEAL set, after LEAD: try to read, write, reconfigure,
 * disconnect and listen on the sockets the kernel now owns, as a process
 * that kept their fds could.
 */
static void steal(const int *fds, int n)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	char buf[8] = "garbage";
	int lowat = 4096;
	struct sockaddr_storage own;
	socklen_t len;
	int i;

	for (i = 0; i < n; i++) {
		printf("recv %s ", outcome(recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT)));
		printf("send %s ", outcome(send(fds[i], buf, sizeof(buf),
						 MSG_DONTWAIT | MSG_NOSIGNAL)));
		printf("setsockopt %s ", outcome(setsockopt(fds[i], SOL_TCP, TCP_ULP,
							   "tls", 3)));
		/* a disconnect, then listen(): children would clone our callbacks */
		printf("connect %s ", outcome(connect(fds[i], (struct sockaddr *)&unspec,
						      sizeof(unspec))));
		printf("listen %s ", outcome(listen(fds[i], 1)));
		/* its own address: TCP would say EINVAL, the claim says EBUSY */
		len = sizeof(own);
		if (getsockname(fds[i], (struct sockaddr *)&own, &len))
			printf("bind getsockname-failed ");
		else
			printf("bind %s ", outcome(bind(fds[i], (struct sockaddr *)&own, len)));
		printf("rcvlowat %s\n", outcome(setsockopt(fds[i], SOL_SOCKET, SO_RCVLOWAT,
							 &lowat, sizeof(lowat))));
	}
}

/*
 * With ZABBOOT_SECOND=NAME set, after LEAD: hand the first follower's
 * socket, which this instance's kernel now owns, to instance NAME too (as
 * FOLLOW): the second claim must fail with EBUSY.
 */
static void second(const char *name, int fd)
{
	struct nl_msg *m = request(ZAB_CMD_FOLLOW, name);

	nla_put_u32(m, ZAB_A_EPOCH, 1);
	nla_put_u32(m, ZAB_A_LEADER, 2);
	nla_put_s32(m, ZAB_A_FD, fd);
	printf("second: ");
	fflush(stdout);
	finish(m);	/* prints "ok" or "error N: ..." */
}

/*
 * With ZABBOOT_AFTER set, after LEAD and a line on stdin (the follower
 * follows by then: a stop before would refuse its FOLLOW): stop the
 * instance (ZAB_CMD_STOP) and try the first follower's socket again:
 * given back, it is the process's once more (nothing refused with EBUSY),
 * shut down by the kernel.
 */
static void after(const char *name, int fd)
{
	struct nl_msg *m;
	int lowat = 1;
	char buf[64];

	if (!fgets(buf, sizeof(buf), stdin)) {
		printf("stop: no line on stdin\n");
		return;
	}
	m = request(ZAB_CMD_STOP, name);
	printf("stop: ");
	fflush(stdout);
	if (finish(m))
		return;
	/* what the follower sent last, then the end of the stream */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	printf("after: recv %s ", outcome(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)));
	printf("rcvlowat %s ", outcome(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat,
						  sizeof(lowat))));
	printf("listen %s\n", outcome(listen(fd, 1)));
}

static int lead(char **a)
{
	int lfd = listen_on(a[3], atoi(a[4])), n = atoi(a[5]), i, ret;
	struct nl_msg *m = request(ZAB_CMD_LEAD, a[0]);
	struct nlattr *peers;
	int fds[16];

	if (n > 16)
		return 2;
	nla_put_u32(m, ZAB_A_EPOCH, atoi(a[1]));
	nla_put_u32(m, ZAB_A_MEMBERS, atoi(a[2]));
	peers = nla_nest_start(m, ZAB_A_PEERS | NLA_F_NESTED);
	for (i = 0; i < n; i++) {
		struct hello h;
		int fd = accept_hello(lfd, &h);

		put_peer(m, h.id, fd, h.last);
		fds[i] = fd;
	}
	nla_nest_end(m, peers);
	close(lfd);
	ret = finish(m);
	if (!ret && getenv("ZABBOOT_STEAL"))
		steal(fds, n);
	if (!ret && getenv("ZABBOOT_SECOND"))
		second(getenv("ZABBOOT_SECOND"), fds[0]);
	if (!ret && getenv("ZABBOOT_AFTER"))
		after(a[0], fds[0]);
	return ret;
}

static int add(char **a)
{
	int lfd = listen_on(a[1], atoi(a[2]));
	struct nl_msg *m = request(ZAB_CMD_ADD_FOLLOWER, a[0]);
	struct nlattr *peers;
	struct hello h;
	int fd = accept_hello(lfd, &h);

	peers = nla_nest_start(m, ZAB_A_PEERS | NLA_F_NESTED);
	put_peer(m, h.id, fd, h.last);
	nla_nest_end(m, peers);
	close(lfd);
	return finish(m);
}

static uint64_t last_zxid(const char *name)
{
	struct zab_status st = {};
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/dev/zab/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || ioctl(fd, ZAB_IOC_STATUS, &st)) {
		perror(path);
		exit(2);
	}
	close(fd);
	return st.last_zxid;
}

/*
 * Connect to ADDR:PORT as member @id (the leader may not listen yet: retry
 * for TIMEOUT_S) and say hello with @last. Returns the fd; exits on failure.
 */
static int connect_hello(const char *addr, int port, uint32_t id, uint64_t last)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct hello h = { htonl(HELLO_MAGIC), htonl(id), htobe64(last) };
	time_t end = time(NULL) + TIMEOUT_S;
	int fd;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(fd);
		if (time(NULL) > end) {
			perror("zabboot: connect");
			exit(2);
		}
		usleep(50000);
	}
	if (send(fd, &h, sizeof(h), 0) != sizeof(h)) {
		perror("zabboot: send");
		exit(2);
	}
	if (tls_on())
		tls_setup(fd, true);
	return fd;
}

static int follow(char **a, const char *members)
{
	int fd = connect_hello(a[4], atoi(a[5]), atoi(a[2]), last_zxid(a[0]));
	struct nl_msg *m;

	m = request(ZAB_CMD_FOLLOW, a[0]);
	nla_put_u32(m, ZAB_A_EPOCH, atoi(a[1]));
	nla_put_u32(m, ZAB_A_LEADER, atoi(a[3]));
	nla_put_s32(m, ZAB_A_FD, fd);
	if (members)
		nla_put_u32(m, ZAB_A_MEMBERS, atoi(members));
	return finish(m);
}

/* Sends @len bytes as one TLS record of @type (21: alert). */
static ssize_t send_record(int fd, const void *buf, size_t len, unsigned char type)
{
	char ctl[CMSG_SPACE(sizeof(type))] = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(type));
	memcpy(CMSG_DATA(cm), &type, sizeof(type));
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

static int rogue_lead(char **a)
{
	const char *how = getenv("ZABBOOT_ROGUE");
	bool raw = how && !strcmp(how, "raw");
	bool alert = how && !strcmp(how, "alert");
	struct hello h;
	int lfd = listen_on(a[0], atoi(a[1]));
	int fd;
	size_t len = strlen(a[2]) / 2, i;
	unsigned char *buf = malloc(len + 1);
	unsigned int byte;
	ssize_t n;
	char c;

	if (raw || alert)	/* alert: TLS one way, below */
		unsetenv("ZAB_ENCRYPTION");
	fd = accept_hello(lfd, &h);
	if (alert)
		tls_setup(fd, false);

	if (!buf)
		return 2;
	for (i = 0; i < len; i++) {
		if (sscanf(a[2] + 2 * i, "%2x", &byte) != 1)
			return 2;
		buf[i] = byte;
	}
	n = alert ? send_record(fd, buf, len, 21) : send(fd, buf, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		perror("zabboot: send");
		return 2;
	}
	/* the follower's verdict: it closes the connection, or not */
	while (recv(fd, &c, 1, 0) > 0)
		;
	free(buf);
	printf("closed\n");
	return 0;
}

/* Sends frames made by @fill for @secs, at most @size payload bytes each. */
static int flood(int fd, int secs, size_t size,
		 size_t (*fill)(unsigned char *head, uint64_t n, size_t size))
{
	struct timeval tv = { .tv_sec = 1 };
	time_t end = time(NULL) + secs;
	unsigned char *buf = calloc(1, 64 + size);
	unsigned long long sent = 0, n = 0;
	bool closed = false;
	size_t len, off;
	ssize_t r;

	if (!buf)
		return 2;
	/* a peer that stops reading blocks send(): look at the clock */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (!closed && time(NULL) < end) {
		len = fill(buf, n + 1, size);
		for (off = 0; off < len && time(NULL) < end; off += r) {
			r = send(fd, buf + off, len - off, MSG_NOSIGNAL);
			if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
				r = 0;
				continue;
			}
			if (r <= 0) {
				closed = true;
				break;
			}
			sent += r;
		}
		if (off == len)
			n++;
	}
	printf("sent %llu records %llu\n", sent, n);
	if (closed)
		printf("closed\n");
	free(buf);
	return 0;
}

static size_t put_frame(unsigned char *b, uint8_t type, uint32_t len)
{
	b[0] = type;
	b[1] = 0;
	b[2] = 0;
	b[3] = 0;
	*(uint32_t *)(b + 4) = htonl(len);
	return 8;
}

static size_t fill_request(unsigned char *b, uint64_t n, size_t size)
{
	size_t h = put_frame(b, ZAB_FRAME_REQUEST, 8 + size);
	uint64_t id = htobe64(n);

	memcpy(b + h, &id, 8);
	return h + 8 + size;
}

static uint32_t flood_epoch;

static size_t fill_proposal(unsigned char *b, uint64_t n, size_t size)
{
	size_t h = put_frame(b, ZAB_FRAME_PROPOSAL, 24 + size);
	uint64_t zxid = htobe64((uint64_t)flood_epoch << 32 | (uint32_t)n);

	memset(b + h, 0, 24);
	memcpy(b + h, &zxid, 8);
	return h + 24 + size;
}

static int flood_requests(char **a)
{
	int fd = connect_hello(a[1], atoi(a[2]), atoi(a[0]), 0);

	return flood(fd, atoi(a[3]), strtoul(a[4], NULL, 0), fill_request);
}

static int flood_proposals(char **a)
{
	struct hello h;
	int lfd = listen_on(a[0], atoi(a[1]));
	int fd = accept_hello(lfd, &h);

	close(lfd);
	flood_epoch = strtoul(a[4], NULL, 0);
	return flood(fd, atoi(a[2]), strtoul(a[3], NULL, 0), fill_proposal);
}

/*
 * The wire fuzzer: frames made from a seed, most of them plausible (a type
 * of the direction, mostly, a length that fits the body, zxids near the
 * stream's, so that a connection lives a while), one in 16 with a field
 * mutated, one in 32 wild (any type, flags, reserved bits, lengths up to
 * 4 GiB), the last one cut short at times. What the other side
 * sends is read and dropped, so that its sends never block.
 */
static void put_be32(unsigned char *b, uint32_t v)
{
	v = htonl(v);
	memcpy(b, &v, 4);
}

static void put_be64(unsigned char *b, uint64_t v)
{
	v = htobe64(v);
	memcpy(b, &v, 8);
}

/* A zxid near @cur: the next, the same, an older, the next epoch's, any. */
static uint64_t near_zxid(uint64_t cur)
{
	switch (below(6)) {
	case 0:
	case 1:
		return cur + 1;
	case 2:
		return cur;
	case 3:
		return cur - below(4);
	case 4:
		return ((cur >> 32) + 1) << 32 | 1;
	default:
		return rnd();
	}
}

#define FUZZ_MAX_BODY 4096

/*
 * One frame into @b for a sender that leads (@as_leader) or follows; its
 * length. *@cur is the zxid the stream is at.
 */
static size_t fuzz_frame(unsigned char *b, bool as_leader, uint64_t *cur)
{
	static const uint8_t leader_types[] = {
		ZAB_FRAME_PROPOSAL, ZAB_FRAME_PROPOSAL, ZAB_FRAME_PROPOSAL,
		ZAB_FRAME_COMMIT, ZAB_FRAME_COMMIT, ZAB_FRAME_PING,
		ZAB_FRAME_TRUNC, ZAB_FRAME_SNAP, ZAB_FRAME_ACK, ZAB_FRAME_REQUEST,
		ZAB_FRAME_REPLY,
	};
	static const uint8_t follower_types[] = {
		ZAB_FRAME_REQUEST, ZAB_FRAME_REQUEST, ZAB_FRAME_ACK, ZAB_FRAME_ACK,
		ZAB_FRAME_PING, ZAB_FRAME_PING, ZAB_FRAME_PROPOSAL, ZAB_FRAME_COMMIT,
	};
	uint8_t type = as_leader ? leader_types[below(sizeof(leader_types))] :
				   follower_types[below(sizeof(follower_types))];
	size_t body = 0, payload = below(4) ? below(64) : below(FUZZ_MAX_BODY - 32);
	uint64_t zxid = near_zxid(*cur);
	size_t i, len;

	if (!below(32)) {
		/* wild: anything in the header, random body bytes */
		len = below(FUZZ_MAX_BODY);
		b[0] = (uint8_t)rnd();
		b[1] = (uint8_t)rnd();
		b[2] = (uint8_t)rnd();
		b[3] = (uint8_t)rnd();
		put_be32(b + 4, below(2) ? (uint32_t)len : (uint32_t)rnd());
		for (i = 0; i < len; i++)
			b[8 + i] = (uint8_t)rnd();
		return 8 + len;
	}
	memset(b, 0, 8 + FUZZ_MAX_BODY + 32);
	switch (type) {
	case ZAB_FRAME_PROPOSAL:
		put_be64(b + 8, zxid);
		put_be64(b + 16, below(2) ? 0 : rnd());		/* request id */
		put_be32(b + 24, (uint32_t)below(20));		/* origin */
		body = 24 + payload;
		if (zxid == *cur + 1 || zxid == (((*cur >> 32) + 1) << 32 | 1))
			*cur = zxid;
		break;
	case ZAB_FRAME_REQUEST:
		put_be64(b + 8, rnd());
		body = 8 + payload;
		if (payload >= 32 && below(2)) {
			/* an exactly-once record of a few writers: retries too */
			put_be32(b + 16, ZAB_ONCE_MAGIC);
			put_be32(b + 20, below(16) ? 0 : (uint32_t)rnd());
			put_be64(b + 24, below(4));
			put_be64(b + 32, below(4));
			put_be64(b + 40, below(2) ? 0 : near_zxid(*cur));
			payload -= 32;
		}
		break;
	case ZAB_FRAME_REPLY:
		put_be64(b + 8, below(2) ? below(8) : rnd());	/* request id */
		put_be64(b + 16, below(4) ? near_zxid(*cur) : 0);
		put_be32(b + 24, (uint32_t)below(4));		/* status */
		body = 24;
		payload = 0;
		break;
	case ZAB_FRAME_PING:
		put_be64(b + 8, rnd());
		b[1] = below(2) ? ZAB_PING_REPLY : 0;
		body = 8;
		break;
	default:	/* ACK, COMMIT, TRUNC, SNAP */
		put_be64(b + 8, below(2) ? *cur : zxid);
		body = 8;
		break;
	}
	for (i = 0; i < payload && body > payload; i++)
		b[8 + body - payload + i] = (uint8_t)rnd();
	b[0] = type;
	/* a mutation in one frame of 16: a flag, a reserved bit, the length */
	switch (below(64)) {
	case 0:
		b[1] |= (uint8_t)(1 << below(8));
		break;
	case 1:
		b[2 + below(2)] = (uint8_t)(1 + below(255));
		break;
	case 2:
		body = below(body + 1);		/* the body cut short */
		break;
	case 3:
		body += 1 + below(16);		/* trailing bytes */
		break;
	}
	put_be32(b + 4, (uint32_t)body);
	return 8 + body;
}

/*
 * Sends @frames fuzzed frames on @fd (seeded by @seed) as a leader or a
 * follower; stops when the other side closes. Prints "sent N frames" and
 * "closed" if it was closed on.
 */
static int fuzz(int fd, uint64_t seed, unsigned long frames, bool as_leader,
		uint64_t cur)
{
	struct timeval tv = { .tv_sec = 1 };
	unsigned char *b = malloc(8 + FUZZ_MAX_BODY + 32), sink[4096];
	unsigned long n;
	bool closed = false;
	size_t len;

	if (!b)
		return 2;
	fuzz_seed(seed);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (n = 0; n < frames && !closed; n++) {
		len = fuzz_frame(b, as_leader, &cur);
		/* the last frame, sometimes, cut short: the stream ends mid-frame */
		if (n + 1 == frames && below(2))
			len = below(len);
		if (send(fd, b, len, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
			closed = true;
		while (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
		if (!closed && recv(fd, sink, 1, MSG_DONTWAIT | MSG_PEEK) == 0)
			closed = true;
	}
	/* the other side's verdict: it closes, or we do after a while */
	tv.tv_sec = 3;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!closed) {
		ssize_t r = recv(fd, sink, sizeof(sink), 0);

		if (r == 0 || (r < 0 && errno != EINTR))
			closed = r == 0;
		if (r <= 0)
			break;
	}
	printf("sent %lu frames\n", n);
	if (closed)
		printf("closed\n");
	free(b);
	close(fd);
	return 0;
}

static int fuzz_leader(char **a)
{
	int fd = connect_hello(a[1], atoi(a[2]), atoi(a[0]), 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	/* handed over once the leader's first frame comes (sync or PING) */
	if (poll(&p, 1, TIMEOUT_S * 1000) != 1) {
		fprintf(stderr, "zabboot: the leader sent nothing\n");
		return 2;
	}

	return fuzz(fd, strtoull(a[3], NULL, 0), strtoul(a[4], NULL, 0), false, 0);
}

static int fuzz_follower(char **a)
{
	uint64_t epoch = strtoull(a[4], NULL, 0);
	struct hello h;
	int lfd = listen_on(a[0], atoi(a[1]));
	int fd = accept_hello(lfd, &h);

	close(lfd);
	return fuzz(fd, strtoull(a[2], NULL, 0), strtoul(a[3], NULL, 0), true,
		    ZAB_ZXID_EPOCH(h.last) == epoch ? h.last : epoch << 32);
}

int main(int argc, char **argv)
{
	if (argc == 8 && !strcmp(argv[1], "lead"))
		return lead(argv + 2);
	if ((argc == 8 || argc == 9) && !strcmp(argv[1], "follow"))
		return follow(argv + 2, argc == 9 ? argv[8] : NULL);
	if (argc == 5 && !strcmp(argv[1], "add"))
		return add(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "stop"))
		return finish(request(ZAB_CMD_STOP, argv[2]));
	if (argc == 5 && !strcmp(argv[1], "rogue-lead"))
		return rogue_lead(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "flood-requests"))
		return flood_requests(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "flood-proposals"))
		return flood_proposals(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "fuzz-leader"))
		return fuzz_leader(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "fuzz-follower"))
		return fuzz_follower(argv + 2);
	fprintf(stderr,
		"usage: zabboot lead NAME EPOCH MEMBERS ADDR PORT NFOLLOWERS\n"
		"       zabboot follow NAME EPOCH MYID LEADER_ID LEADER_ADDR PORT [MEMBERS]\n"
		"       zabboot add NAME ADDR PORT\n"
		"       zabboot stop NAME\n"
		"       zabboot rogue-lead ADDR PORT HEX\n"
		"       zabboot flood-requests MYID LEADER_ADDR PORT SECONDS SIZE\n"
		"       zabboot flood-proposals ADDR PORT SECONDS SIZE EPOCH\n"
		"       zabboot fuzz-leader MYID LEADER_ADDR PORT SEED FRAMES\n"
		"       zabboot fuzz-follower ADDR PORT SEED FRAMES EPOCH\n");
	return 2;
}
