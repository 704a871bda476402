/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels zab builds against (6.1 and 6.12 LTS):
 * the code uses the newer API, and this header maps it onto older kernels.
 * Kbuild tells which kernel has what (ZAB_HAVE_*), from the kernel's own
 * headers rather than its version, so that backports count.
 */
#ifndef ZAB_COMPAT_H
#define ZAB_COMPAT_H

/* 6.12 moved the unaligned accessors out of asm/ */
#ifdef ZAB_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.2 made the device of struct class's devnode() const */
#ifdef ZAB_HAVE_CONST_DEVNODE
#define zab_devnode_dev const struct device
#else
#define zab_devnode_dev struct device
#endif

/* 6.2 gave pre_doit() and post_doit() the split ops of the command */
#ifdef ZAB_HAVE_GENL_SPLIT_OPS
#define zab_genl_doit_ops struct genl_split_ops
#else
#define zab_genl_doit_ops struct genl_ops
#endif

#endif /* ZAB_COMPAT_H */
