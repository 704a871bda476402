// SPDX-License-Identifier: GPL-2.0
/*
 * nltest: send one hand-built "zab" generic netlink request and print what the
 * kernel answered, for selftests that must reach the kernel's own validation.
 *
 *   nltest CMD [TYPE=KIND:VALUE ...]
 *
 * CMD is a command number or new|del|get|set|lead|follow|add_follower|stop|
 * log.
 * KIND is str, u8, u16, u32, u64, s32, bin (VALUE in hex), nest (VALUE
 * ignored, empty nest), or fd: an s32 that is a descriptor this process
 * opened, VALUE saying what: udp (a UDP socket), tcp (an unconnected TCP
 * socket), file (/dev/null), dir=PATH (the directory PATH). Prints "ok" or
 * "error ERRNO: strerror [extack]", and exits 0 on ok, 1 on an error reply,
 * 2 on a usage or local error.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/zab.h>

#include "nlreply.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const char *const cmds[] = {
	[ZAB_CMD_NEW] = "new", [ZAB_CMD_DEL] = "del", [ZAB_CMD_GET] = "get",
	[ZAB_CMD_SET] = "set", [ZAB_CMD_LEAD] = "lead",
	[ZAB_CMD_FOLLOW] = "follow", [ZAB_CMD_ADD_FOLLOWER] = "add_follower",
	[ZAB_CMD_STOP] = "stop", [ZAB_CMD_LOG] = "log",
};

static int put_attr(struct nl_msg *m, const char *spec)
{
	char kind[8];
	int type, n = 0;
	const char *val;

	if (sscanf(spec, "%d=%7[a-z0-9]:%n", &type, kind, &n) != 2 || !n)
		return -1;
	val = spec + n;
	if (!strcmp(kind, "str"))
		return nla_put_string(m, type, val);
	if (!strcmp(kind, "u8"))
		return nla_put_u8(m, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u16"))
		return nla_put_u16(m, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u32"))
		return nla_put_u32(m, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "s32"))
		return nla_put_s32(m, type, strtol(val, NULL, 0));
	if (!strcmp(kind, "u64"))
		return nla_put_u64(m, type, strtoull(val, NULL, 0));
	if (!strcmp(kind, "fd") && !strncmp(val, "dir=", 4)) {
		int fd = open(val + 4, O_RDONLY | O_DIRECTORY);

		return fd < 0 ? -1 : nla_put_s32(m, type, fd);
	}
	if (!strcmp(kind, "fd")) {
		int fd = !strcmp(val, "udp") ? socket(AF_INET, SOCK_DGRAM, 0) :
			 !strcmp(val, "tcp") ? socket(AF_INET, SOCK_STREAM, 0) :
			 open("/dev/null", O_RDWR);

		return fd < 0 ? -1 : nla_put_s32(m, type, fd);
	}
	if (!strcmp(kind, "nest")) {
		struct nlattr *nest = nla_nest_start(m, type);

		return nest ? nla_nest_end(m, nest) : -1;
	}
	if (!strcmp(kind, "bin")) {
		unsigned char buf[512];
		size_t i, len = strlen(val) / 2;

		if (len > sizeof(buf))
			return -1;
		for (i = 0; i < len; i++)
			if (sscanf(val + 2 * i, "%2hhx", &buf[i]) != 1)
				return -1;
		return nla_put(m, type, len, buf);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	struct nl_msg *m;
	int family, cmd = -1, i, one = 1, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: nltest CMD [TYPE=KIND:VALUE ...]\n");
		return 2;
	}
	for (i = 1; i < (int)(sizeof(cmds) / sizeof(cmds[0])); i++)
		if (cmds[i] && !strcmp(argv[1], cmds[i]))
			cmd = i;
	if (cmd < 0)
		cmd = atoi(argv[1]);

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		return 2;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, ZAB_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "nltest: no zab family\n");
		return 2;
	}
	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			       NLM_F_ACK, cmd, ZAB_GENL_VERSION))
		return 2;
	for (i = 2; i < argc; i++)
		if (put_attr(m, argv[i])) {
			fprintf(stderr, "nltest: bad attribute `%s'\n", argv[i]);
			return 2;
		}
	ret = reply_wait(sk, m);
	nlmsg_free(m);
	nl_socket_free(sk);
	return ret;
}
