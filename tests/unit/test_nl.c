// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The netlink requests of nl.c against a fake kernel: a second netlink socket,
 * served by a thread, that answers the way zab.ko does. The test is linked
 * with --wrap for the libnl calls that would reach the real kernel's
 * controller, so that the handle talks to the fake's port and believes the
 * "zab" family exists. Unicast between user sockets needs CAP_NET_ADMIN;
 * without it, the tests are skipped.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "common/nl.h"

#define FAMILY 0x2a
#define EVENTS_GROUP 7
#define MAX_REQUESTS 8

/* Where the wrapped genl_connect() points new handles. */
static uint32_t fake_port;
static bool family_missing;
static int joined_group;

int __real_genl_connect(struct nl_sock *sk);
int __wrap_genl_connect(struct nl_sock *sk);
int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name);
int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				 const char *grp);
int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group);

int __wrap_genl_connect(struct nl_sock *sk)
{
	int ret = __real_genl_connect(sk);

	if (!ret)
		nl_socket_set_peer_port(sk, fake_port);
	return ret;
}

int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	if (strcmp(name, "zab") || family_missing)
		return -NLE_OBJ_NOTFOUND;
	return FAMILY;
}

int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				 const char *grp)
{
	(void)sk;
	if (strcmp(family, "zab") || strcmp(grp, "events"))
		return -NLE_OBJ_NOTFOUND;
	return EVENTS_GROUP;
}

int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group)
{
	(void)sk;
	joined_group = group;
	return 0;
}

struct fake;
/* Answers one request; runs on the fake's thread, so no cmocka asserts. */
typedef void (*serve_fn)(struct fake *fake, struct nlmsghdr *req);

struct fake {
	int fd;
	pthread_t thread;
	serve_fn serve;
	int n_requests;		/* to serve before the thread ends */
	int served;
	/* copies of the requests, for the test to inspect */
	unsigned char req[MAX_REQUESTS][4096];
	uint32_t dst_port;	/* port of the handle, from the last request */
	int send_errors;
};

static void fake_send(struct fake *fake, struct nl_msg *msg)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_pid = fake->dst_port };
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (sendto(fake->fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != (ssize_t)nlh->nlmsg_len)
		fake->send_errors++;
	nlmsg_free(msg);
}

/* An NLMSG_ERROR for @req: an ack if @error is 0. */
static void fake_ack(struct fake *fake, struct nlmsghdr *req, int error,
		     const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED |
						(text ? NLM_F_ACK_TLVS : 0));
	struct nlmsgerr e = { .error = error, .msg = *req };

	nlmsg_hdr(msg)->nlmsg_seq = req->nlmsg_seq;
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	fake_send(fake, msg);
}

static void fake_info(struct fake *fake, struct nlmsghdr *req, int flags,
		      const char *name, uint32_t myid)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *peers, *peer;

	genlmsg_put(msg, 0, req->nlmsg_seq, FAMILY, 0, flags, ZAB_CMD_GET,
		    ZAB_GENL_VERSION);
	nla_put_string(msg, ZAB_A_NAME, name);
	nla_put_u32(msg, ZAB_A_MYID, myid);
	nla_put_u8(msg, ZAB_A_STATE, ZAB_STATE_LEADING);
	nla_put_u64(msg, ZAB_A_COMMIT_ZXID, ZAB_ZXID(2, 3));
	nla_put_u32(msg, ZAB_A_TICK_MS, 100);
	peers = nla_nest_start(msg, ZAB_A_PEERS);
	peer = nla_nest_start(msg, ZAB_A_PEER);
	nla_put_u32(msg, ZAB_PEER_A_ID, myid + 1);
	nla_nest_end(msg, peer);
	nla_nest_end(msg, peers);
	fake_send(fake, msg);
}

static void fake_done(struct fake *fake, struct nlmsghdr *req, int flags,
		      int status, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | flags |
						(text ? NLM_F_ACK_TLVS : 0));

	nlmsg_hdr(msg)->nlmsg_seq = req->nlmsg_seq;
	nlmsg_append(msg, &status, sizeof(status), NLMSG_ALIGNTO);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	fake_send(fake, msg);
}

static void *fake_main(void *arg)
{
	struct fake *fake = arg;

	while (fake->served < fake->n_requests) {
		unsigned char *buf = fake->req[fake->served];
		struct nlmsghdr *req = (struct nlmsghdr *)buf;

		if (recv(fake->fd, buf, sizeof(fake->req[0]), 0) < (ssize_t)NLMSG_HDRLEN)
			break;
		fake->dst_port = req->nlmsg_pid;
		fake->served++;
		fake->serve(fake, req);
	}
	return NULL;
}

static void fake_start(struct fake *fake, serve_fn serve, int n_requests)
{
	assert_true(n_requests <= MAX_REQUESTS);
	fake->serve = serve;
	fake->n_requests = n_requests;
	fake->served = 0;
	fake->send_errors = 0;
	assert_int_equal(pthread_create(&fake->thread, NULL, fake_main, fake), 0);
}

static void fake_wait(struct fake *fake)
{
	assert_int_equal(pthread_join(fake->thread, NULL), 0);
	assert_int_equal(fake->send_errors, 0);
}

/* The attributes of the @i-th request served, checked to be a zab request. */
static uint8_t request_attrs(struct fake *fake, int i, struct nlattr **tb)
{
	struct nlmsghdr *req = (struct nlmsghdr *)fake->req[i];

	assert_int_equal(req->nlmsg_type, FAMILY);
	assert_true(req->nlmsg_flags & NLM_F_REQUEST);
	assert_true(req->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(genlmsg_parse(req, 0, tb, ZAB_A_MAX, NULL), 0);
	return ((struct genlmsghdr *)nlmsg_data(req))->cmd;
}

struct ctx {
	struct fake fake;
	struct zab_nl *nl;
};

static int group_setup(void **state)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(addr);
	struct ctx *ctx = calloc(1, sizeof(*ctx));
	struct nlmsghdr probe = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP };

	if (!ctx)
		return -1;
	ctx->fake.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (ctx->fake.fd < 0 || bind(ctx->fake.fd, (struct sockaddr *)&addr, len) ||
	    getsockname(ctx->fake.fd, (struct sockaddr *)&addr, &len))
		return -1;
	fake_port = addr.nl_pid;
	/* Unicast to a user socket: allowed here? Try on ourselves. */
	if (sendto(ctx->fake.fd, &probe, sizeof(probe), 0, (struct sockaddr *)&addr,
		   len) < 0) {
		close(ctx->fake.fd);
		ctx->fake.fd = -1;
	} else {
		recv(ctx->fake.fd, &probe, sizeof(probe), 0);
	}
	*state = ctx;
	return 0;
}

static int group_teardown(void **state)
{
	struct ctx *ctx = *state;

	if (ctx->fake.fd >= 0)
		close(ctx->fake.fd);
	free(ctx);
	return 0;
}

static int setup(void **state)
{
	struct ctx *ctx = *state;
	struct timeval timeout = { .tv_sec = 10 };

	if (ctx->fake.fd < 0)
		return 0;
	family_missing = false;
	if (zab_nl_open(&ctx->nl))
		return -1;
	/* A broken fake fails the test instead of hanging it. */
	return setsockopt(zab_nl_fd(ctx->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout,
			  sizeof(timeout));
}

static int teardown(void **state)
{
	struct ctx *ctx = *state;

	zab_nl_close(ctx->nl);
	ctx->nl = NULL;
	return 0;
}

static struct ctx *get_ctx(void **state)
{
	struct ctx *ctx = *state;

	if (ctx->fake.fd < 0)
		skip();	/* no CAP_NET_ADMIN: cannot fake the kernel */
	return ctx;
}

static void serve_ack(struct fake *fake, struct nlmsghdr *req)
{
	fake_ack(fake, req, 0, NULL);
}

static void test_create(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct zab_params params;
	int on = 0;
	socklen_t len = sizeof(on);

	/* errors will come with the kernel's message */
	assert_int_equal(getsockopt(zab_nl_fd(ctx->nl), SOL_NETLINK, NETLINK_EXT_ACK,
				    &on, &len), 0);
	assert_int_equal(on, 1);

	zab_params_init(&params);
	assert_int_equal(zab_params_parse(&params, "syncLimit", "3", true, NULL), 0);
	fake_start(&ctx->fake, serve_ack, 1);
	assert_int_equal(zab_nl_create(ctx->nl, "ens1", 4, &params), 0);
	fake_wait(&ctx->fake);

	assert_int_equal(request_attrs(&ctx->fake, 0, tb), ZAB_CMD_NEW);
	assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), "ens1");
	assert_int_equal(nla_get_u32(tb[ZAB_A_MYID]), 4);
	assert_int_equal(nla_get_u32(tb[ZAB_A_SYNC_LIMIT]), 3);
	assert_null(tb[ZAB_A_TICK_MS]);
}

static void serve_exists_then_nodev(struct fake *fake, struct nlmsghdr *req)
{
	if (fake->served == 1)
		fake_ack(fake, req, -EEXIST, "instance name already in use");
	else
		fake_ack(fake, req, -ENODEV, NULL);
}

static void test_errors_and_extack(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1];
	int ret;

	fake_start(&ctx->fake, serve_exists_then_nodev, 2);
	ret = zab_nl_create(ctx->nl, "ens1", 1, NULL);
	assert_int_equal(ret, -EEXIST);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret),
			    "File exists (kernel: instance name already in use)");
	/* the next request starts without the old message */
	ret = zab_nl_destroy(ctx->nl, "gone");
	assert_int_equal(ret, -ENODEV);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret), "No such device");
	fake_wait(&ctx->fake);

	assert_int_equal(request_attrs(&ctx->fake, 1, tb), ZAB_CMD_DEL);
	assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), "gone");
	assert_null(tb[ZAB_A_MYID]);
}

static void serve_set(struct fake *fake, struct nlmsghdr *req)
{
	fake_ack(fake, req, -EINVAL, "windowBytes out of range");
}

static void test_set(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct zab_params params;
	int ret;

	zab_params_init(&params);
	assert_int_equal(zab_params_parse(&params, "windowBytes", "1", false, NULL), 0);
	assert_int_equal(zab_params_parse(&params, "tickTime", "20", false, NULL), 0);
	fake_start(&ctx->fake, serve_set, 1);
	ret = zab_nl_set(ctx->nl, "ens1", &params);
	fake_wait(&ctx->fake);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret),
			    "Invalid argument (kernel: windowBytes out of range)");
	assert_int_equal(request_attrs(&ctx->fake, 0, tb), ZAB_CMD_SET);
	assert_int_equal(nla_get_u32(tb[ZAB_A_WINDOW_BYTES]), 1);
	assert_int_equal(nla_get_u32(tb[ZAB_A_TICK_MS]), 20);
	assert_null(tb[ZAB_A_MAX_RECORD]);
}

static void serve_stop(struct fake *fake, struct nlmsghdr *req)
{
	if (fake->served == 1)
		fake_ack(fake, req, 0, NULL);
	else
		fake_ack(fake, req, -ENODEV, "no such instance");
}

static void test_stop(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1];
	int ret;

	fake_start(&ctx->fake, serve_stop, 2);
	assert_int_equal(zab_nl_stop(ctx->nl, "ens1"), 0);
	ret = zab_nl_stop(ctx->nl, "gone");
	fake_wait(&ctx->fake);
	assert_int_equal(ret, -ENODEV);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret),
			    "No such device (kernel: no such instance)");

	for (int i = 0; i < 2; i++) {
		assert_int_equal(request_attrs(&ctx->fake, i, tb), ZAB_CMD_STOP);
		assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), i ? "gone" : "ens1");
		/* a name and nothing else */
		assert_null(tb[ZAB_A_MYID]);
		assert_null(tb[ZAB_A_STATE]);
		assert_null(tb[ZAB_A_EPOCH]);
	}
}

static void serve_handover(struct fake *fake, struct nlmsghdr *req)
{
	if (fake->served <= 3)
		fake_ack(fake, req, 0, NULL);
	else
		fake_ack(fake, req, -ERANGE, "the records a follower lacks are not in memory");
}

/* LEAD, FOLLOW and ADD_FOLLOWER carry what the kernel needs, and its errors come back. */
static void test_handover(void **state)
{
	const struct zab_handover_peer peers[] = {
		{ .id = 1, .fd = 5, .last_zxid = ZAB_ZXID(2, 7) },
		{ .id = 3, .fd = 6, .last_zxid = 0 },
	};
	const struct zab_nl_view view3 = { .members = 3 };
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1], *pos, *ptb[ZAB_PEER_A_MAX + 1];
	int ret, rem, n = 0;

	fake_start(&ctx->fake, serve_handover, 4);
	assert_int_equal(zab_nl_lead(ctx->nl, "ens1", 3, &view3, peers, 2), 0);
	assert_int_equal(zab_nl_follow(ctx->nl, "ens1", 4, 2, &view3, 9, NULL), 0);
	assert_int_equal(zab_nl_add_follower(ctx->nl, "ens1", &peers[1]), 0);
	ret = zab_nl_add_follower(ctx->nl, "ens1", &peers[0]);
	fake_wait(&ctx->fake);
	assert_int_equal(ret, -ERANGE);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret),
			    "Numerical result out of range (kernel: the records a follower lacks are not in memory)");

	assert_int_equal(request_attrs(&ctx->fake, 0, tb), ZAB_CMD_LEAD);
	assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), "ens1");
	assert_int_equal(nla_get_u32(tb[ZAB_A_EPOCH]), 3);
	assert_int_equal(nla_get_u32(tb[ZAB_A_MEMBERS]), 3);
	assert_null(tb[ZAB_A_LAST_ZXID]);	/* the whole log is the history */
	nla_for_each_nested(pos, tb[ZAB_A_PEERS], rem) {
		assert_int_equal(nla_parse_nested(ptb, ZAB_PEER_A_MAX, pos, NULL), 0);
		assert_int_equal(nla_get_u32(ptb[ZAB_PEER_A_ID]), peers[n].id);
		assert_int_equal(nla_get_u32(ptb[ZAB_PEER_A_FD]), (uint32_t)peers[n].fd);
		assert_int_equal(nla_get_u64(ptb[ZAB_PEER_A_LAST_ZXID]), peers[n].last_zxid);
		n++;
	}
	assert_int_equal(n, 2);

	assert_int_equal(request_attrs(&ctx->fake, 1, tb), ZAB_CMD_FOLLOW);
	assert_int_equal(nla_get_u32(tb[ZAB_A_EPOCH]), 4);
	assert_int_equal(nla_get_u32(tb[ZAB_A_LEADER]), 2);
	assert_int_equal(nla_get_u32(tb[ZAB_A_FD]), 9);
	assert_null(tb[ZAB_A_LAST_ZXID]);	/* the leader truncates */
	assert_non_null(tb[ZAB_A_HOLD_ACKS]);	/* until currentEpoch is written */
	assert_int_equal(nla_get_u32(tb[ZAB_A_MEMBERS]), 3);
	assert_null(tb[ZAB_A_PEERS]);

	assert_int_equal(request_attrs(&ctx->fake, 2, tb), ZAB_CMD_ADD_FOLLOWER);
	assert_non_null(tb[ZAB_A_PEERS]);
	assert_null(tb[ZAB_A_EPOCH]);
}

static void serve_get(struct fake *fake, struct nlmsghdr *req)
{
	fake_info(fake, req, 0, "ens1", 3);
	fake_ack(fake, req, 0, NULL);
}

static void test_get(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct zab_info info;

	fake_start(&ctx->fake, serve_get, 1);
	assert_int_equal(zab_nl_get(ctx->nl, "ens1", &info), 0);
	fake_wait(&ctx->fake);
	assert_string_equal(info.name, "ens1");
	assert_int_equal(info.myid, 3);
	assert_int_equal(info.state, ZAB_STATE_LEADING);
	assert_true(info.commit_zxid == ZAB_ZXID(2, 3));
	assert_int_equal(info.params.value[ZAB_P_TICK_TIME], 100);
	assert_int_equal(info.n_peers, 1);
	assert_int_equal(info.peers[0].id, 4);
	zab_info_release(&info);

	assert_int_equal(request_attrs(&ctx->fake, 0, tb), ZAB_CMD_GET);
	assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), "ens1");
	assert_false(((struct nlmsghdr *)ctx->fake.req[0])->nlmsg_flags & NLM_F_DUMP);
}

static void serve_dump(struct fake *fake, struct nlmsghdr *req)
{
	fake_info(fake, req, NLM_F_MULTI, "zeta", 1);
	fake_info(fake, req, NLM_F_MULTI, "alpha", 2);
	fake_info(fake, req, NLM_F_MULTI, "mid", 3);
	fake_done(fake, req, 0, 0, NULL);
}

static void test_dump(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct zab_info_list list = { 0 };

	fake_start(&ctx->fake, serve_dump, 1);
	assert_int_equal(zab_nl_dump(ctx->nl, &list), 0);
	fake_wait(&ctx->fake);
	assert_int_equal(list.len, 3);
	assert_string_equal(list.items[0].name, "alpha");
	assert_int_equal(list.items[0].myid, 2);
	assert_string_equal(list.items[1].name, "mid");
	assert_string_equal(list.items[2].name, "zeta");
	assert_int_equal(list.items[2].peers[0].id, 2);
	assert_true(((struct nlmsghdr *)ctx->fake.req[0])->nlmsg_flags & NLM_F_DUMP);
	zab_info_list_release(&list);
	assert_int_equal(list.len, 0);
}

static void serve_dump_interrupted_once(struct fake *fake, struct nlmsghdr *req)
{
	int intr = fake->served == 1 ? NLM_F_DUMP_INTR : 0;

	fake_info(fake, req, NLM_F_MULTI | intr, "a", 1);
	fake_info(fake, req, NLM_F_MULTI, fake->served == 1 ? "stale" : "b", 2);
	fake_done(fake, req, intr, 0, NULL);
}

static void test_dump_retried(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct zab_info_list list = { 0 };
	struct nlmsghdr *first, *second;

	fake_start(&ctx->fake, serve_dump_interrupted_once, 2);
	assert_int_equal(zab_nl_dump(ctx->nl, &list), 0);
	fake_wait(&ctx->fake);
	assert_int_equal(ctx->fake.served, 2);
	/* only the consistent second dump is kept */
	assert_int_equal(list.len, 2);
	assert_string_equal(list.items[0].name, "a");
	assert_string_equal(list.items[1].name, "b");
	first = (struct nlmsghdr *)ctx->fake.req[0];
	second = (struct nlmsghdr *)ctx->fake.req[1];
	assert_int_not_equal(first->nlmsg_seq, second->nlmsg_seq);
	zab_info_list_release(&list);
}

static void serve_dump_interrupted(struct fake *fake, struct nlmsghdr *req)
{
	fake_info(fake, req, NLM_F_MULTI | NLM_F_DUMP_INTR, "a", 1);
	fake_done(fake, req, NLM_F_DUMP_INTR, 0, NULL);
}

static void test_dump_gives_up(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct zab_info_list list = { 0 };

	fake_start(&ctx->fake, serve_dump_interrupted, 5);
	assert_int_equal(zab_nl_dump(ctx->nl, &list), -EAGAIN);
	fake_wait(&ctx->fake);
	assert_int_equal(ctx->fake.served, 5);
	assert_int_equal(list.len, 0);
	assert_null(list.items);
}

static void serve_dump_fails(struct fake *fake, struct nlmsghdr *req)
{
	fake_info(fake, req, NLM_F_MULTI, "a", 1);
	fake_done(fake, req, 0, -EMSGSIZE, "too many peers");
}

static void test_dump_error(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct zab_info_list list = { 0 };
	int ret;

	fake_start(&ctx->fake, serve_dump_fails, 1);
	ret = zab_nl_dump(ctx->nl, &list);
	fake_wait(&ctx->fake);
	assert_int_equal(ret, -EMSGSIZE);
	assert_string_equal(zab_nl_strerror(ctx->nl, ret),
			    "Message too long (kernel: too many peers)");
	assert_int_equal(list.len, 0);
	assert_null(list.items);
}

static void send_event(struct fake *fake, uint16_t type, uint8_t cmd,
		       const char *name, uint32_t event, uint32_t peer)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, type, 0, 0, cmd, ZAB_GENL_VERSION);
	nla_put_string(msg, ZAB_A_NAME, name);
	nla_put_u32(msg, ZAB_A_EVENT, event);
	if (peer)
		nla_put_u32(msg, ZAB_A_PEER_ID, peer);
	fake_send(fake, msg);
}

struct seen {
	int count;
	char names[4][ZAB_NAME_MAX + 1];
	uint32_t events[4];
};

static void on_event(const struct zab_event_info *ev, void *arg)
{
	struct seen *seen = arg;

	if (seen->count < 4) {
		strcpy(seen->names[seen->count], ev->name);
		seen->events[seen->count] = ev->event;
	}
	seen->count++;
}

static void test_events(void **state)
{
	struct ctx *ctx = get_ctx(state);
	struct sockaddr_nl addr;
	socklen_t len = sizeof(addr);
	struct seen seen = { 0 };

	assert_int_equal(zab_nl_subscribe(ctx->nl), 0);
	assert_int_equal(joined_group, EVENTS_GROUP);
	/* nothing queued: returns at once (non-blocking) */
	assert_int_equal(zab_nl_read_events(ctx->nl, on_event, &seen), 0);
	assert_int_equal(seen.count, 0);

	assert_int_equal(getsockname(zab_nl_fd(ctx->nl), (struct sockaddr *)&addr, &len), 0);
	ctx->fake.dst_port = addr.nl_pid;
	send_event(&ctx->fake, FAMILY, ZAB_CMD_EVENT, "ens1", ZAB_EVENT_CREATED, 0);
	send_event(&ctx->fake, FAMILY + 1, ZAB_CMD_EVENT, "other", ZAB_EVENT_CREATED, 0);
	send_event(&ctx->fake, FAMILY, ZAB_CMD_GET, "notev", ZAB_EVENT_CREATED, 0);
	send_event(&ctx->fake, FAMILY, ZAB_CMD_EVENT, "ens2", ZAB_EVENT_PEER_DOWN, 3);
	assert_int_equal(ctx->fake.send_errors, 0);

	assert_int_equal(zab_nl_read_events(ctx->nl, on_event, &seen), 0);
	assert_int_equal(seen.count, 2);
	assert_string_equal(seen.names[0], "ens1");
	assert_int_equal(seen.events[0], ZAB_EVENT_CREATED);
	assert_string_equal(seen.names[1], "ens2");
	assert_int_equal(seen.events[1], ZAB_EVENT_PEER_DOWN);
}

static void test_module_missing(void **state)
{
	struct zab_nl *nl = NULL;

	(void)state;	/* needs no fake: the family is not found */
	family_missing = true;
	assert_int_equal(zab_nl_open(&nl), -ENOENT);
	assert_null(nl);
	assert_string_equal(zab_nl_open_strerror(-ENOENT),
			    "the zab kernel module is not loaded (modprobe zab)");
	assert_string_equal(zab_nl_open_strerror(-EACCES), "Permission denied");
}

#define NL_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		NL_TEST(test_create),
		NL_TEST(test_errors_and_extack),
		NL_TEST(test_set),
		NL_TEST(test_stop),
		NL_TEST(test_handover),
		NL_TEST(test_get),
		NL_TEST(test_dump),
		NL_TEST(test_dump_retried),
		NL_TEST(test_dump_gives_up),
		NL_TEST(test_dump_error),
		NL_TEST(test_events),
		NL_TEST(test_module_missing),
	};

	return cmocka_run_group_tests_name("nl", tests, group_setup, group_teardown);
}
