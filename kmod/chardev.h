/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_CHARDEV_H
#define _ZAB_CHARDEV_H

struct zab_instance;

int zab_chardev_init(void);
void zab_chardev_exit(void);
int zab_chardev_add(struct zab_instance *zi);
void zab_chardev_del(struct zab_instance *zi);

#endif /* _ZAB_CHARDEV_H */
