// SPDX-License-Identifier: GPL-2.0
/*
 * nltest: send one hand-built "zab" generic netlink request and print what the
 * kernel answered, for selftests that must reach the kernel's own validation.
 *
 *   nltest CMD [TYPE=KIND:VALUE ...]
 *
 * CMD is a command number or new|del|get|set|lead|follow|add_follower|stop|
 * log|synced|progress|drop_peer.
 * KIND is str, u8, u16, u32, u64, s32, bin (VALUE in hex), nest (VALUE
 * ignored, empty nest), or fd: an s32 that is a descriptor this process
 * opened, VALUE saying what: udp (a UDP socket), tcp (an unconnected TCP
 * socket), file (/dev/null), dir=PATH (the directory PATH). Prints "ok" or
 * "error ERRNO: strerror [extack]", and exits 0 on ok, 1 on an error reply,
 * 2 on a usage or local error.
 *
 *   nltest fuzz SEED COUNT
 *
 * COUNT requests made from SEED: any command number (and a few past the
 * last), each with up to eight attributes of any type (and a few past the
 * last) of a random kind and size, duplicated at times, nests of peer
 * attributes, descriptors of every kind, names from a small pool (fz0..fz7,
 * so that instances come and go; directories: ZAB_NLFUZZ_DIR, default /tmp,
 * where a log may be attached). Prints one line per errno the kernel
 * answered with and how often ("ok 12", "EINVAL 301", ...); exits 2 only on
 * a local error (the kernel's refusals are the point).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
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

#include "fuzzrng.h"
#include "nlreply.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const char *const cmds[] = {
	[ZAB_CMD_NEW] = "new", [ZAB_CMD_DEL] = "del", [ZAB_CMD_GET] = "get",
	[ZAB_CMD_SET] = "set", [ZAB_CMD_LEAD] = "lead",
	[ZAB_CMD_FOLLOW] = "follow", [ZAB_CMD_ADD_FOLLOWER] = "add_follower",
	[ZAB_CMD_STOP] = "stop", [ZAB_CMD_LOG] = "log", [ZAB_CMD_SYNCED] = "synced",
	[ZAB_CMD_PROGRESS] = "progress", [ZAB_CMD_DROP_PEER] = "drop_peer",
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

/* One attribute of type @type, of a random kind; 0 or -1 (no room). */
static int fuzz_attr(struct nl_msg *m, int type, int depth)
{
	unsigned char buf[300];
	char name[16];
	uint32_t i, len;
	int fd;

	switch (below(10)) {
	case 0:
		return nla_put_u8(m, type, (uint8_t)rnd());
	case 1:
		return nla_put_u16(m, type, (uint16_t)rnd());
	case 2:
	case 3:
		/* small values, and the edges */
		return nla_put_u32(m, type, below(3) ? below(20) : (uint32_t)rnd());
	case 4:
		return nla_put_u64(m, type, below(2) ? rnd() % 0x300000005ULL : rnd());
	case 5:
		snprintf(name, sizeof(name), "fz%u", (unsigned int)below(8));
		if (!below(4))
			name[below(4)] = (char)rnd();	/* a bad byte, maybe NUL */
		return nla_put_string(m, type, name);
	case 6:
		len = below(sizeof(buf));
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)rnd();
		return nla_put(m, type, (int)len, buf);
	case 7:
		switch (below(4)) {
		case 0:
			fd = socket(AF_INET, SOCK_STREAM, 0);
			break;
		case 1:
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			break;
		case 2:
			fd = open(getenv("ZAB_NLFUZZ_DIR") ?: "/tmp", O_RDONLY | O_DIRECTORY);
			break;
		default:
			fd = below(2) ? (int)rnd() : -1;	/* not ours */
			break;
		}
		return nla_put_s32(m, type, fd);
	default: {
		/* a nest: of peer attributes, or of anything */
		struct nlattr *nest = nla_nest_start(m, type | (below(2) ? NLA_F_NESTED : 0));
		uint32_t n = below(5);

		if (!nest)
			return -1;
		for (i = 0; i < n && depth < 3; i++)
			if (fuzz_attr(m, (int)below(ZAB_PEER_A_MAX + 2), depth + 1))
				return -1;
		return nla_nest_end(m, nest);
	}
	}
}

/* The kind of each attribute, for well-formed requests: see uapi. */
static const char attr_kind[ZAB_A_MAX + 1] = {
	[ZAB_A_NAME] = 's', [ZAB_A_MYID] = '4', [ZAB_A_STATE] = '1',
	[ZAB_A_EPOCH] = '4', [ZAB_A_LEADER] = '4', [ZAB_A_LAST_ZXID] = '8',
	[ZAB_A_COMMIT_ZXID] = '8', [ZAB_A_TICK_MS] = '4',
	[ZAB_A_SYNC_LIMIT] = '4', [ZAB_A_INIT_LIMIT] = '4',
	[ZAB_A_WINDOW_BYTES] = '4', [ZAB_A_MAX_RECORD] = '4',
	[ZAB_A_STATS] = 'n', [ZAB_A_PEERS] = 'p', [ZAB_A_EVENT] = '4',
	[ZAB_A_PEER_ID] = '4', [ZAB_A_REASON] = '4', [ZAB_A_FD] = 'f',
	[ZAB_A_MEMBERS] = '4', [ZAB_A_DIR_FD] = 'f', [ZAB_A_DURABILITY] = '1',
	[ZAB_A_SEGMENT_BYTES] = '4', [ZAB_A_DURABLE_ZXID] = '8',
	[ZAB_A_LOG_ERROR] = '4', [ZAB_A_SEGMENT_SEQ] = '8',
	[ZAB_A_LEADER_SYNCED] = '1', [ZAB_A_PENDING_BYTES] = '8',
	[ZAB_A_HOLD_ACKS] = 'F', [ZAB_A_LOCAL_BYTES] = '8', [ZAB_A_LOG_FORMAT] = '1',
};

/* A value that the policies may well take: small, or an edge. */
static uint32_t small(void)
{
	static const uint32_t edges[] = { 0, 1, 2, 3, 10, 100, 1000, 65536, 1u << 20 };

	return below(2) ? edges[below(sizeof(edges) / sizeof(edges[0]))] : below(16);
}

/* A value the kernel takes for u32 attribute @type, most of the time. */
static uint32_t sane_u32(int type)
{
	switch (type) {
	case ZAB_A_TICK_MS:
		return 100 + below(2000);
	case ZAB_A_WINDOW_BYTES:
	case ZAB_A_SEGMENT_BYTES:
		return (1u << 16) << below(8);
	case ZAB_A_MAX_RECORD:
		return 1 + below(1 << 20);
	case ZAB_A_MEMBERS:
		return 1 + below(3);
	default:		/* ids, epochs, limits */
		return 1 + below(5);
	}
}

/* Attribute @type with the kind the kernel expects (a well-formed request). */
static int typed_attr(struct nl_msg *m, int type)
{
	struct nlattr *nest, *peer;
	char name[8];
	uint32_t i, n;

	switch (type <= ZAB_A_MAX ? attr_kind[type] : 0) {
	case 's':
		snprintf(name, sizeof(name), "fz%u", (unsigned int)below(8));
		return nla_put_string(m, type, name);
	case '1':
		return nla_put_u8(m, type, (uint8_t)below(4));
	case '4':
		return nla_put_u32(m, type, below(4) ? sane_u32(type) : small());
	case '8':
		return nla_put_u64(m, type, (uint64_t)below(4) << 32 | below(8));
	case 'F':
		return nla_put_flag(m, type);
	case 'p':
		nest = nla_nest_start(m, type | NLA_F_NESTED);
		n = below(4);
		for (i = 0; nest && i < n; i++) {
			peer = nla_nest_start(m, ZAB_A_PEER | NLA_F_NESTED);
			if (!peer || nla_put_u32(m, ZAB_PEER_A_ID, below(6)) ||
			    nla_put_s32(m, ZAB_PEER_A_FD, socket(AF_INET, SOCK_STREAM, 0)) ||
			    nla_put_u64(m, ZAB_PEER_A_LAST_ZXID, below(3)))
				return -1;
			nla_nest_end(m, peer);
		}
		return nest ? nla_nest_end(m, nest) : -1;
	default:
		return fuzz_attr(m, type, 0);
	}
}

/* For well-formed requests: each command with the attributes it takes. */
static const struct {
	uint8_t cmd;
	uint8_t attrs[8];
} templates[] = {
	{ ZAB_CMD_NEW, { ZAB_A_NAME, ZAB_A_MYID, ZAB_A_TICK_MS, ZAB_A_SYNC_LIMIT,
			 ZAB_A_WINDOW_BYTES, ZAB_A_MAX_RECORD } },
	{ ZAB_CMD_DEL, { ZAB_A_NAME } },
	{ ZAB_CMD_GET, { ZAB_A_NAME } },
	{ ZAB_CMD_SET, { ZAB_A_NAME, ZAB_A_TICK_MS, ZAB_A_INIT_LIMIT,
			 ZAB_A_WINDOW_BYTES } },
	{ ZAB_CMD_LEAD, { ZAB_A_NAME, ZAB_A_EPOCH, ZAB_A_MEMBERS, ZAB_A_PEERS } },
	{ ZAB_CMD_FOLLOW, { ZAB_A_NAME, ZAB_A_EPOCH, ZAB_A_LEADER, ZAB_A_FD,
			    ZAB_A_MEMBERS, ZAB_A_HOLD_ACKS, ZAB_A_LAST_ZXID } },
	{ ZAB_CMD_ADD_FOLLOWER, { ZAB_A_NAME, ZAB_A_PEERS } },
	{ ZAB_CMD_STOP, { ZAB_A_NAME } },
	{ ZAB_CMD_LOG, { ZAB_A_NAME, ZAB_A_DIR_FD, ZAB_A_DURABILITY,
			 ZAB_A_SEGMENT_BYTES, ZAB_A_SEGMENT_SEQ, ZAB_A_LOG_FORMAT } },
	{ ZAB_CMD_SYNCED, { ZAB_A_NAME, ZAB_A_EPOCH } },
	{ ZAB_CMD_PROGRESS, { ZAB_A_NAME, ZAB_A_PROGRESS } },
	{ ZAB_CMD_DROP_PEER, { ZAB_A_NAME, ZAB_A_PEER_ID } },
};

static int errno_count[256], ok_count;

static int fuzz(int family, struct nl_sock *sk, unsigned long count)
{
	unsigned long n;
	int i, e;

	for (n = 0; n < count; n++) {
		int cmd = (int)below(ZAB_CMD_MAX + 3), attrs = (int)below(9), t, j;
		struct reply r = { .err = 1 };
		struct nl_msg *m = nlmsg_alloc();
		/* half of them well-formed but for their values */
		bool well = below(2);

		t = (int)below(sizeof(templates) / sizeof(templates[0]));
		if (well)
			cmd = templates[t].cmd;

		if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				       NLM_F_ACK, (uint8_t)cmd, ZAB_GENL_VERSION))
			return 2;
		/* most requests name an instance of the pool */
		if (!well && below(4)) {
			char name[8];

			snprintf(name, sizeof(name), "fz%u", (unsigned int)below(8));
			nla_put_string(m, ZAB_A_NAME, name);
		}
		for (j = 0; well && j < 8 && templates[t].attrs[j]; j++) {
			if (!below(8))		/* one left out at times */
				continue;
			if (typed_attr(m, templates[t].attrs[j]))
				break;
			if (!below(16))		/* or twice */
				typed_attr(m, templates[t].attrs[j]);
		}
		for (i = 0; !well && i < attrs; i++) {
			int type = (int)below(ZAB_A_MAX + 3);

			if (fuzz_attr(m, type, 0))
				break;
			if (!below(8))		/* the same type again */
				fuzz_attr(m, type, 0);
		}
		nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, reply_on_error, &r);
		nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, reply_on_ack, &r);
		if (nl_send_auto(sk, m) < 0) {
			nlmsg_free(m);
			continue;	/* too big for the socket: the library's refusal */
		}
		while (r.err > 0)
			if (nl_recvmsgs_default(sk) < 0 && r.err > 0)
				break;
		nlmsg_free(m);
		e = r.err > 0 ? 255 : -r.err;
		if (!e)
			ok_count++;
		else
			errno_count[e < 255 ? e : 255]++;
		/* the descriptors put in attributes: close all but ours */
		for (i = 3; i < 64; i++)
			if (i != nl_socket_get_fd(sk))
				close(i);
	}
	printf("ok %d\n", ok_count);
	for (e = 1; e < 256; e++)
		if (errno_count[e])
			printf("%s %d\n", e < 255 ? strerrorname_np(e) ?: "E?" : "no-answer",
			       errno_count[e]);
	return 0;
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
	if (cmd == 0 && !strcmp(argv[1], "fuzz")) {
		if (argc != 4)
			return 2;
		fuzz_seed(strtoull(argv[2], NULL, 0));
		nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
		return fuzz(family, sk, strtoul(argv[3], NULL, 0));
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
