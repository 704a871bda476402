/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef ZAB_NAME_H
#define ZAB_NAME_H

/*
 * Checks an instance name against the rule of <linux/zab.h>: 1 to
 * ZAB_NAME_MAX bytes of [A-Za-z0-9_.-], not starting with '.'.
 * Returns NULL if @name is valid, else a short reason suitable to follow
 * "invalid name `...': ".
 */
const char *zab_name_problem(const char *name);

#endif
