// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "subcommands.h"

#define KEY_BYTES 32

static void help(FILE *f)
{
	fprintf(f, "Makes a new key for an ensemble (authKeyFile, zab.conf(5)): 32 random\n"
		"bytes as 64 hexadecimal digits on a line. Written to FILE, which is\n"
		"created with mode 0600 and must not exist, or to standard output.\n"
		"Copy the same file to every member. To rotate keys, add the new key\n"
		"as a second line on every member, then remove the old one (zabd\n"
		"reads the file again before each new connection).\n");
}

static int run(int argc, char *argv[], const struct zabctl *ctl)
{
	unsigned char key[KEY_BYTES];
	char line[2 * KEY_BYTES + 2];
	int i = 1, fd = STDOUT_FILENO;
	ssize_t n;

	(void)ctl;
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (argc - i > 1)
		return zabctl_usage_error(&genkey_cmd, "expected at most one FILE");
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return zabctl_error("cannot get random bytes: %s", strerror(errno));
	for (size_t b = 0; b < sizeof(key); b++)
		snprintf(line + 2 * b, 3, "%02x", key[b]);
	line[2 * KEY_BYTES] = '\n';
	line[2 * KEY_BYTES + 1] = '\0';
	memset(key, 0, sizeof(key));
	if (argc - i == 1) {
		fd = open(argv[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return zabctl_error("%s: %s%s", argv[i], strerror(errno),
					    errno == EEXIST ? " (not overwriting a key)" : "");
	}
	n = write(fd, line, 2 * KEY_BYTES + 1);
	memset(line, 0, sizeof(line));
	if (n != 2 * KEY_BYTES + 1 || (fd != STDOUT_FILENO && close(fd) < 0)) {
		if (argc - i == 1)
			unlink(argv[i]);
		return zabctl_error("%s: cannot write the key", argc - i == 1 ? argv[i] : "stdout");
	}
	return 0;
}

const struct zabctl_cmd genkey_cmd = {
	.name = "genkey",
	.summary = "make a new key for authKeyFile",
	.synopsis = "[FILE]",
	.help = help,
	.run = run,
};
