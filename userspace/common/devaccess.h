/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Who may use an instance's device: the owner, group and mode of
 * /dev/zab/NAME, from zabd's configuration (deviceOwner, deviceGroup,
 * deviceMode) or zabctl set. The kernel creates the node root's, mode 0600;
 * these change the node, and zabd sets them again whenever it creates the
 * instance.
 */
#ifndef ZAB_COMMON_DEVACCESS_H
#define ZAB_COMMON_DEVACCESS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"

struct zab_dev_access {
	bool has_owner, has_group, has_mode;
	uid_t owner;
	gid_t group;
	mode_t mode;		/* read and write bits only: at most 0666 */
};

/*
 * If @key is deviceOwner (a user name or uid), deviceGroup (a group name
 * or gid) or deviceMode (octal, at most 0666), parses @value into @a and
 * returns 1; 0 if @key is none of them; -EINVAL with @err naming the value.
 */
int zab_dev_access_parse(struct zab_dev_access *a, const char *key,
			 const char *value, struct zab_err *err);

static inline bool zab_dev_access_any(const struct zab_dev_access *a)
{
	return a->has_owner || a->has_group || a->has_mode;
}

/* Applies @a to /dev/zab/@name. 0, or -errno with @err set. */
int zab_dev_access_apply(const char *name, const struct zab_dev_access *a,
			 struct zab_err *err);

/* "deviceOwner=...\n" lines of what @a sets, for zab_conf_print(). */
void zab_dev_access_print(FILE *f, const struct zab_dev_access *a);

/* The keys, for help texts: "deviceOwner", "deviceGroup", "deviceMode". */
extern const char *const zab_dev_access_keys[3];

#endif
