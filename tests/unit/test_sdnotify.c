// SPDX-License-Identifier: GPL-2.0 OR MIT
/* systemd's notification protocol (sdnotify.c) and the journal's log lines. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "zabd/log.h"
#include "zabd/sdnotify.h"

/* A datagram socket bound to @name (a path, or @abstract); its fd. */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	unlink(name);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	return fd;
}

static void expect_msg(int fd, const char *want)
{
	char buf[600];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_not_under_systemd(void **state)
{
	struct sdnotify n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(n.fd, -1);
	assert_int_equal(sdnotify_kick_ms(&n), 0);
	assert_int_equal(sdnotify_send(&n, "READY=1"), 0);
	sdnotify_close(&n);
}

static void test_path_socket(void **state)
{
	char path[64];
	struct sdnotify n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/zab-notify-%d", (int)getpid());
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_true(n.fd >= 0);
	assert_int_equal(sdnotify_send(&n, "READY=1\nSTATUS=%s epoch %u", "LEADING", 3u), 0);
	expect_msg(fd, "READY=1\nSTATUS=LEADING epoch 3");
	sdnotify_close(&n);
	assert_int_equal(n.fd, -1);
	close(fd);
	unlink(path);
}

static void test_abstract_socket(void **state)
{
	char name[64];
	struct sdnotify n;
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@zab-notify-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_send(&n, "WATCHDOG=1"), 0);
	expect_msg(fd, "WATCHDOG=1");
	sdnotify_close(&n);
	close(fd);
}

static void test_bad_socket(void **state)
{
	char longname[200];
	struct sdnotify n;

	(void)state;
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_open(&n), -EINVAL);
	assert_int_equal(sdnotify_send(&n, "READY=1"), 0);	/* a no-op */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(sdnotify_open(&n), -EINVAL);
	/* sent to each time: a socket not there (yet, or any more) fails a send */
	setenv("NOTIFY_SOCKET", "/nonexistent/zab-notify", 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_send(&n, "READY=1"), -ENOENT);
	sdnotify_close(&n);
	/* an abstract name may fill sun_path; a path needs its NUL */
	memset(longname, 'x', sizeof(longname));
	longname[0] = '@';
	longname[sizeof(((struct sockaddr_un *)0)->sun_path)] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(sdnotify_open(&n), 0);
	sdnotify_close(&n);
	longname[0] = '/';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(sdnotify_open(&n), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void test_watchdog(void **state)
{
	char pid[16];
	struct sdnotify n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "30000000", 1);
	unsetenv("WATCHDOG_PID");
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_kick_ms(&n), 15000);	/* half of it */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_kick_ms(&n), 15000);
	/* a tiny interval: 1 ms, never 0 (a timer of 0 would spin) */
	setenv("WATCHDOG_USEC", "1500", 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_kick_ms(&n), 1);
	/* for another process: not ours to send */
	setenv("WATCHDOG_USEC", "30000000", 1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_open(&n), 0);
	assert_int_equal(sdnotify_kick_ms(&n), 0);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void test_journal_stream(void **state)
{
	char js[64];
	struct stat st;

	(void)state;
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	unsetenv("JOURNAL_STREAM");
	assert_false(zlog_stderr_is_journal());
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	assert_true(zlog_stderr_is_journal());
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", js, 1);
	assert_false(zlog_stderr_is_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	assert_false(zlog_stderr_is_journal());
	unsetenv("JOURNAL_STREAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_under_systemd),
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_bad_socket),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_journal_stream),
	};

	return cmocka_run_group_tests_name("sdnotify", tests, NULL, NULL);
}
