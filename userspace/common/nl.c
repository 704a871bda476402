// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "msg.h"
#include "nl.h"

struct zab_nl {
	struct nl_sock *sk;
	int family;
	char extack[256];
	char errbuf[512];
};

struct request {
	struct zab_nl *nl;
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
	int err;
	bool done;
};

/* libnl reports its own error codes; everything here speaks errno. */
static int nlerr_to_errno(int nlerr)
{
	static const int map[] = {
		[NLE_INTR]		= EINTR,
		[NLE_BAD_SOCK]		= EBADF,
		[NLE_AGAIN]		= EAGAIN,
		[NLE_NOMEM]		= ENOMEM,
		[NLE_EXIST]		= EEXIST,
		[NLE_INVAL]		= EINVAL,
		[NLE_RANGE]		= ERANGE,
		[NLE_MSGSIZE]		= EMSGSIZE,
		[NLE_OPNOTSUPP]		= EOPNOTSUPP,
		[NLE_AF_NOSUPPORT]	= EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND]	= ENOENT,
		[NLE_BUSY]		= EBUSY,
		[NLE_NOACCESS]		= EACCES,
		[NLE_PERM]		= EPERM,
		[NLE_PROTO_MISMATCH]	= EPROTONOSUPPORT,
		[NLE_NODEV]		= ENODEV,
	};
	unsigned int code = nlerr < 0 ? -nlerr : nlerr;

	if (code < sizeof(map) / sizeof(map[0]) && map[code])
		return -map[code];
	return -EPROTO;
}

int zab_nl_open(struct zab_nl **nlp)
{
	struct zab_nl *nl;
	int one = 1, ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = nlerr_to_errno(ret);
		goto fail;
	}
	/* Replies can exceed a page (dumps, many peers): size reads first. */
	nl_socket_enable_msg_peek(nl->sk);
	/*
	 * Ask for the kernel's error messages, without the request echoed
	 * back. Kernels without these options still work, just say less.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	ret = genl_ctrl_resolve(nl->sk, ZAB_GENL_NAME);
	if (ret < 0) {
		ret = nlerr_to_errno(ret);
		goto fail;
	}
	nl->family = ret;
	*nlp = nl;
	return 0;
fail:
	zab_nl_close(nl);
	return ret;
}

void zab_nl_close(struct zab_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

const char *zab_nl_open_strerror(int err)
{
	if (err == -ENOENT)
		return "the zab kernel module is not loaded (modprobe zab)";
	return strerror(-err);
}

const char *zab_nl_strerror(struct zab_nl *nl, int err)
{
	if (nl->extack[0])
		snprintf(nl->errbuf, sizeof(nl->errbuf), "%s (kernel: %s)",
			 strerror(-err), nl->extack);
	else
		snprintf(nl->errbuf, sizeof(nl->errbuf), "%s", strerror(-err));
	return nl->errbuf;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;
	/* libnl hands us the payload of the NLMSG_ERROR message it received. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((unsigned char *)e - NLMSG_HDRLEN);

	(void)nla;
	req->err = zab_msg_ack_error(nlh, req->nl->extack, sizeof(req->nl->extack));
	if (!req->err)
		req->err = -EPROTO;
	req->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	int err;

	err = zab_msg_ack_error(nlmsg_hdr(msg), req->nl->extack,
				sizeof(req->nl->extack));
	if (err && !req->err)
		req->err = err;
	req->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	if (nlh->nlmsg_type != req->nl->family || !req->parse || req->err)
		return NL_OK;
	ret = req->parse(nlh, req->arg);
	if (ret < 0)
		req->err = ret;	/* keep reading to the end of the reply */
	return NL_OK;
}

/*
 * Sends @msg and reads until its ack, error or end of dump, calling @parse for
 * every reply message of the family. Sets *@interrupted (if not NULL) when
 * the kernel flagged a dump as inconsistent.
 */
static int request(struct zab_nl *nl, struct nl_msg *msg,
		   int (*parse)(struct nlmsghdr *nlh, void *arg), void *arg,
		   bool *interrupted)
{
	struct request req = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		req.err = nlerr_to_errno(ret);
		goto out;
	}
	while (!req.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret == -NLE_DUMP_INTR && req.done && interrupted) {
			*interrupted = true;
		} else if (ret < 0 && !req.err) {
			req.err = nlerr_to_errno(ret);
			break;
		}
	}
out:
	nl_cb_put(cb);
	return req.err;
}

/* A request naming an instance, with an optional id and parameters. */
static int simple_request(struct zab_nl *nl, uint8_t cmd, const char *name,
			  const uint32_t *myid, const struct zab_params *params)
{
	struct nl_msg *msg;
	int ret;

	msg = zab_msg_new(nl->family, cmd, 0);
	if (!msg)
		return -ENOMEM;
	ret = zab_msg_put_name(msg, name);
	if (!ret && myid)
		ret = zab_msg_put_myid(msg, *myid);
	if (!ret && params)
		ret = zab_msg_put_params(msg, params);
	if (!ret)
		ret = request(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

int zab_nl_create(struct zab_nl *nl, const char *name, uint32_t myid,
		  const struct zab_params *params)
{
	return simple_request(nl, ZAB_CMD_NEW, name, &myid, params);
}

int zab_nl_destroy(struct zab_nl *nl, const char *name)
{
	return simple_request(nl, ZAB_CMD_DEL, name, NULL, NULL);
}

int zab_nl_stop(struct zab_nl *nl, const char *name)
{
	return simple_request(nl, ZAB_CMD_STOP, name, NULL, NULL);
}

int zab_nl_set(struct zab_nl *nl, const char *name,
	       const struct zab_params *params)
{
	return simple_request(nl, ZAB_CMD_SET, name, NULL, params);
}

/*
 * Adds the name to @msg unless building it failed already (@ret), sends it
 * and frees it.
 */
static int handover_request(struct zab_nl *nl, struct nl_msg *msg,
			    const char *name, int ret)
{
	if (!ret)
		ret = zab_msg_put_name(msg, name);
	if (!ret)
		ret = request(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

int zab_nl_progress(struct zab_nl *nl, const char *name,
		    const struct zab_progress_info *progress)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_PROGRESS, 0);

	if (!msg)
		return -ENOMEM;
	return handover_request(nl, msg, name, zab_msg_put_progress(msg, progress));
}

int zab_nl_count(struct zab_nl *nl, const char *name, uint16_t stat, uint64_t n)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_COUNT, 0);
	struct nlattr *nest;
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, ZAB_A_STATS);
	if (!nest || nla_put_u64(msg, stat, n) < 0)
		ret = -EMSGSIZE;
	else
		nla_nest_end(msg, nest);
	return handover_request(nl, msg, name, ret);
}

int zab_nl_lead(struct zab_nl *nl, const char *name, uint32_t epoch,
		const struct zab_nl_view *view,
		const struct zab_handover_peer *peers, size_t n)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_LEAD, 0);
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, ZAB_A_EPOCH, epoch) < 0 ||
	    nla_put_u32(msg, ZAB_A_MEMBERS, view->members) < 0 ||
	    (view->observers &&
	     nla_put_u32(msg, ZAB_A_OBSERVERS, view->observers) < 0))
		ret = -EMSGSIZE;
	if (!ret && n)
		ret = zab_msg_put_peers(msg, peers, n);
	return handover_request(nl, msg, name, ret);
}

int zab_nl_follow(struct zab_nl *nl, const char *name, uint32_t epoch,
		  uint32_t leader, const struct zab_nl_view *view, int fd,
		  const uint64_t *history)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_FOLLOW, 0);
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, ZAB_A_EPOCH, epoch) < 0 ||
	    nla_put_u32(msg, ZAB_A_LEADER, leader) < 0 ||
	    nla_put_s32(msg, ZAB_A_FD, fd) < 0 ||
	    nla_put_flag(msg, ZAB_A_HOLD_ACKS) < 0 ||
	    (view->members > 1 &&
	     nla_put_u32(msg, ZAB_A_MEMBERS, view->members) < 0) ||
	    (view->observers &&
	     nla_put_u32(msg, ZAB_A_OBSERVERS, view->observers) < 0) ||
	    (view->observing && nla_put_flag(msg, ZAB_A_OBSERVER) < 0) ||
	    (history && nla_put_u64(msg, ZAB_A_LAST_ZXID, *history) < 0))
		ret = -EMSGSIZE;
	return handover_request(nl, msg, name, ret);
}

/* Command @cmd on instance @name with one u32 attribute @type = @value. */
static int u32_request(struct zab_nl *nl, const char *name, uint8_t cmd, int type,
		       uint32_t value)
{
	struct nl_msg *msg = zab_msg_new(nl->family, cmd, 0);

	if (!msg)
		return -ENOMEM;
	return handover_request(nl, msg, name,
				nla_put_u32(msg, type, value) < 0 ? -EMSGSIZE : 0);
}

int zab_nl_synced(struct zab_nl *nl, const char *name, uint32_t epoch)
{
	return u32_request(nl, name, ZAB_CMD_SYNCED, ZAB_A_EPOCH, epoch);
}

int zab_nl_drop_peer(struct zab_nl *nl, const char *name, uint32_t id)
{
	return u32_request(nl, name, ZAB_CMD_DROP_PEER, ZAB_A_PEER_ID, id);
}

int zab_nl_add_follower(struct zab_nl *nl, const char *name,
			const struct zab_handover_peer *peer)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_ADD_FOLLOWER, 0);

	if (!msg)
		return -ENOMEM;
	return handover_request(nl, msg, name, zab_msg_put_peers(msg, peer, 1));
}

int zab_nl_log(struct zab_nl *nl, const char *name, int dir_fd,
	       uint8_t durability, uint32_t segment_bytes, uint64_t seq, uint8_t format)
{
	struct nl_msg *msg = zab_msg_new(nl->family, ZAB_CMD_LOG, 0);
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	if (nla_put_s32(msg, ZAB_A_DIR_FD, dir_fd) < 0 ||
	    nla_put_u8(msg, ZAB_A_DURABILITY, durability) < 0 ||
	    nla_put_u32(msg, ZAB_A_SEGMENT_BYTES, segment_bytes) < 0 ||
	    nla_put_u64(msg, ZAB_A_SEGMENT_SEQ, seq) < 0 ||
	    (format && nla_put_u8(msg, ZAB_A_LOG_FORMAT, format) < 0))
		ret = -EMSGSIZE;
	return handover_request(nl, msg, name, ret);
}

struct get_ctx {
	struct zab_info *info;
	bool found;
};

static int parse_one(struct nlmsghdr *nlh, void *arg)
{
	struct get_ctx *ctx = arg;

	if (ctx->found)
		return -EPROTO;
	ctx->found = true;
	return zab_msg_parse_info(nlh, ctx->info);
}

int zab_nl_get(struct zab_nl *nl, const char *name, struct zab_info *info)
{
	struct get_ctx ctx = { .info = info };
	struct nl_msg *msg;
	int ret;

	memset(info, 0, sizeof(*info));
	msg = zab_msg_new(nl->family, ZAB_CMD_GET, 0);
	if (!msg)
		return -ENOMEM;
	ret = zab_msg_put_name(msg, name);
	if (!ret)
		ret = request(nl, msg, parse_one, &ctx, NULL);
	nlmsg_free(msg);
	if (!ret && !ctx.found)
		ret = -EPROTO;
	if (ret)
		zab_info_release(info);
	return ret;
}

static int parse_many(struct nlmsghdr *nlh, void *arg)
{
	struct zab_info_list *list = arg;
	struct zab_info *info;
	int ret;

	info = zab_info_list_add(list);
	if (!info)
		return -ENOMEM;
	ret = zab_msg_parse_info(nlh, info);
	if (ret < 0) {
		zab_info_release(info);
		list->len--;
	}
	return ret;
}

#define DUMP_ATTEMPTS 5

int zab_nl_dump(struct zab_nl *nl, struct zab_info_list *list)
{
	struct nl_msg *msg;
	int ret = 0;

	msg = zab_msg_new(nl->family, ZAB_CMD_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		bool interrupted = false;

		zab_info_list_release(list);
		ret = request(nl, msg, parse_many, list, &interrupted);
		if (ret || !interrupted)
			break;
		ret = -EAGAIN;	/* the instances kept changing */
		/* Sent again, the request needs a new sequence number. */
		nlmsg_hdr(msg)->nlmsg_seq = NL_AUTO_SEQ;
	}
	nlmsg_free(msg);
	if (ret)
		zab_info_list_release(list);
	else
		zab_info_list_sort(list);
	return ret;
}

int zab_nl_subscribe(struct zab_nl *nl)
{
	int group, ret;

	group = genl_ctrl_resolve_grp(nl->sk, ZAB_GENL_NAME, ZAB_MCGRP_EVENTS);
	if (group < 0)
		return nlerr_to_errno(group);
	ret = nl_socket_add_membership(nl->sk, group);
	if (ret < 0)
		return nlerr_to_errno(ret);
	/* Best effort: a larger buffer loses fewer events in a burst. */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	ret = nl_socket_set_nonblocking(nl->sk);
	return ret < 0 ? nlerr_to_errno(ret) : 0;
}

int zab_nl_fd(const struct zab_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

struct event_ctx {
	int family;
	zab_event_fn fn;
	void *arg;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct zab_event_info ev;

	/* Anything else on the group (or malformed) is not ours to print. */
	if (nlh->nlmsg_type != ctx->family || zab_msg_parse_event(nlh, &ev) < 0)
		return NL_OK;
	ctx->fn(&ev, ctx->arg);
	return NL_OK;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int zab_nl_read_events(struct zab_nl *nl, zab_event_fn fn, void *arg)
{
	struct event_ctx ctx = { .family = nl->family, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	/* Multicast messages are not answers: they carry no sequence number. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ctx);
	do
		ret = nl_recvmsgs_report(nl->sk, cb);
	while (ret > 0);
	nl_cb_put(cb);
	/* Drained: depending on the libnl version, 0 or -NLE_AGAIN. */
	if (ret == 0 || ret == -NLE_AGAIN)
		return 0;
	/* recvmsg()'s ENOBUFS (lost multicast messages) reaches us as NLE_NOMEM. */
	if (ret == -NLE_NOMEM)
		return -ENOBUFS;
	return nlerr_to_errno(ret);
}
