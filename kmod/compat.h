/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels zab builds against (6.1 and 6.12 LTS):
 * the newer API is used in the code, and this header maps it onto older
 * kernels. Nothing else in zab tests LINUX_VERSION_CODE.
 */
#ifndef ZAB_COMPAT_H
#define ZAB_COMPAT_H

#include <linux/version.h>

/* 6.12 moved the unaligned accessors out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.2 made the device of struct class's devnode() const */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define zab_devnode_dev const struct device
#else
#define zab_devnode_dev struct device
#endif

/* 6.2 gave pre_doit() and post_doit() the split ops of the command */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define zab_genl_doit_ops struct genl_split_ops
#else
#define zab_genl_doit_ops struct genl_ops
#endif

#endif /* ZAB_COMPAT_H */
