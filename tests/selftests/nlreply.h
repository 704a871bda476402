/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reply to one generic netlink request, with the kernel's extended ack
 * message: shared by the selftest tools that send raw requests.
 */
#ifndef ZAB_SELFTEST_NLREPLY_H
#define ZAB_SELFTEST_NLREPLY_H

#include <stdio.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct reply {
	int err;	/* 1 while waiting, then 0 or a negative errno */
	char msg[256];	/* the extended ack message, if any */
};

static inline int reply_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
				 void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	struct reply *r = arg;
	int off = sizeof(*e);

	(void)nla;
	r->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (!nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		       nlh->nlmsg_len - sizeof(*nlh) - off, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static inline int reply_on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->err = 0;
	return NL_STOP;
}

/* Send @m on @sk, wait for the kernel's answer, print it; 0 means ok. */
static inline int reply_wait(struct nl_sock *sk, struct nl_msg *m)
{
	struct reply r = { .err = 1 };

	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, reply_on_error, &r);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, reply_on_ack, &r);
	if (nl_send_auto(sk, m) < 0)
		return 2;
	while (r.err > 0)
		if (nl_recvmsgs_default(sk) < 0 && r.err > 0)
			break;
	if (!r.err) {
		printf("ok\n");
		return 0;
	}
	printf("error %d: %s%s%s%s\n", -r.err, strerror(-r.err),
	       r.msg[0] ? " [" : "", r.msg, r.msg[0] ? "]" : "");
	return 1;
}

#endif
