// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * zabd's kernel instance: created at start unless one of the same name and
 * myid exists (then adopted), queried, watched through the kernel's events,
 * and stopped (and destroyed if zabd created it) at exit.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>

#include "conf.h"
#include "common/fmt.h"
#include "lib/libzab.h"
#include "log.h"
#include "zabd.h"

static const char *state_str(uint32_t state)
{
	const char *name = zab_state_name(state);

	return name ? name : "unknown state";
}

static int adopt(struct zabd *z)
{
	const struct zab_conf *conf = z->conf;
	struct zab_info info;
	bool attach;
	int ret;

	ret = zab_nl_get(z->nl, conf->name, &info);
	if (ret == -ENODEV) {
		zerr("create `%s': the name is in use in another network namespace",
		     conf->name);
		return ret;
	}
	if (ret < 0) {
		zerr("show `%s': %s", conf->name, zab_nl_strerror(z->nl, ret));
		return ret;
	}
	if (info.myid != conf->myid) {
		zerr("instance `%s' exists with myid %u, not %u", conf->name,
		     info.myid, conf->myid);
		zab_info_release(&info);
		return -EEXIST;
	}
	zinfo("using the existing instance `%s' (%s, epoch %u)", conf->name,
	      state_str(info.state), info.epoch);
	/* made beforehand and empty: it takes the log on disk as if new */
	attach = info.durability == ZAB_DURABILITY_MEMORY &&
		 conf->durability != ZAB_DURABILITY_MEMORY && !info.last_zxid;
	if (!attach && info.durability != conf->durability) {
		/* its log in memory may hold what is not on disk, or the reverse */
		zerr("instance `%s' keeps its log with durability %s, not %s: destroy it first",
		     conf->name, zab_durability_name(info.durability) ? zab_durability_name(info.durability) : "unknown",
		     zab_durability_name(conf->durability));
		zab_info_release(&info);
		return -EEXIST;
	}
	if (info.state != ZAB_STATE_LOOKING) {
		/* Nobody knows how it got there: elect again. */
		zinfo("stopping it: zabd starts every member LOOKING");
		ret = zab_nl_stop(z->nl, conf->name);
		if (ret < 0) {
			zerr("stop `%s': %s", conf->name, zab_nl_strerror(z->nl, ret));
			zab_info_release(&info);
			return ret;
		}
	}
	zab_info_release(&info);
	if (conf->params.set) {
		ret = zab_nl_set(z->nl, conf->name, &conf->params);
		if (ret < 0) {
			zerr("set `%s': %s", conf->name, zab_nl_strerror(z->nl, ret));
			return ret;
		}
	}
	return attach ? disk_setup(z) : 0;
}

int instance_setup(struct zabd *z)
{
	const struct zab_conf *conf = z->conf;
	int ret;

	z->created = false;
	ret = zab_nl_create(z->nl, conf->name, conf->myid, &conf->params);
	if (ret == -EEXIST)
		return adopt(z);
	if (ret < 0) {
		zerr("create `%s': %s", conf->name, zab_nl_strerror(z->nl, ret));
		return ret;
	}
	z->created = true;
	zinfo("created instance `%s' with myid %u", conf->name, conf->myid);
	return disk_setup(z);
}

void instance_count_auth(struct zabd *z)
{
	uint64_t n = z->auth.failures - z->auth.reported;
	int ret;

	if (!n || !z->instance_up || !z->nl)
		return;
	ret = zab_nl_count(z->nl, z->conf->name, ZAB_STAT_AUTH_FAILURES, n);
	if (!ret)
		z->auth.reported += n;
	else
		zdebug("count authentication failures: %s", zab_nl_strerror(z->nl, ret));
}

void instance_teardown(struct zabd *z)
{
	const char *name = z->conf->name;
	int ret;

	if (z->created) {
		ret = zab_nl_destroy(z->nl, name);
		if (ret == -ENODEV)
			zinfo("instance `%s' was already destroyed", name);
		else if (ret < 0)
			zerr("destroy `%s': %s", name, zab_nl_strerror(z->nl, ret));
		else
			zinfo("destroyed instance `%s'", name);
		if (ret < 0 && ret != -ENODEV)
			z->status = 1;
		return;
	}
	ret = zab_nl_stop(z->nl, name);
	if (ret < 0 && ret != -ENODEV) {
		zerr("stop `%s': %s", name, zab_nl_strerror(z->nl, ret));
		z->status = 1;
	} else if (!ret) {
		zinfo("stopped instance `%s' (it stays, LOOKING)", name);
	}
}

int instance_get(struct zabd *z, struct zab_info *info)
{
	int ret = zab_nl_get(z->nl, z->conf->name, info);

	if (ret == -ENODEV) {
		zerr("instance `%s' was destroyed: exiting", z->conf->name);
		z->created = false;
		zabd_exit(z, 1);
	} else if (ret < 0) {
		zerr("show `%s': %s", z->conf->name, zab_nl_strerror(z->nl, ret));
		zabd_exit(z, 1);
	}
	return ret;
}

static void on_event(const struct zab_event_info *ev, void *arg)
{
	struct zabd *z = arg;

	if (!strcmp(ev->name, z->conf->name))
		z->kernel_event(z, ev);
}

static void events_ready(struct watch *w, uint32_t events)
{
	struct zabd *z = w->arg;
	int ret;

	(void)events;
	ret = zab_nl_read_events(z->events, on_event, z);
	if (ret == -ENOBUFS) {
		/* The tick looks at the kernel anyway; look now. */
		zwarn("kernel events were lost; checking the instance");
		z->kernel_event(z, NULL);
	} else if (ret < 0) {
		zerr("kernel events: %s", strerror(-ret));
		zabd_exit(z, 1);
	}
}

int instance_subscribe(struct zabd *z, zabd_event_fn *handler)
{
	int ret = zab_nl_subscribe(z->events);

	if (ret < 0) {
		zerr("cannot subscribe to the kernel's events: %s", strerror(-ret));
		return ret;
	}
	z->kernel_event = handler;
	watch_init(&z->events_watch, events_ready, z);
	ret = loop_watch(&z->loop, &z->events_watch, zab_nl_fd(z->events), EPOLLIN);
	if (ret < 0)
		zerr("epoll: %s", strerror(-ret));
	return ret;
}
