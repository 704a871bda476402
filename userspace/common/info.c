// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <stdlib.h>
#include <string.h>

#include "info.h"

void zab_info_release(struct zab_info *info)
{
	free(info->peers);
	info->peers = NULL;
	info->n_peers = 0;
}

struct zab_info *zab_info_list_add(struct zab_info_list *list)
{
	struct zab_info *info;

	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct zab_info *items;

		items = reallocarray(list->items, cap, sizeof(*items));
		if (!items)
			return NULL;
		list->items = items;
		list->cap = cap;
	}
	info = &list->items[list->len++];
	memset(info, 0, sizeof(*info));
	return info;
}

static int info_cmp_name(const void *a, const void *b)
{
	const struct zab_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void zab_info_list_sort(struct zab_info_list *list)
{
	if (list->len > 1)
		qsort(list->items, list->len, sizeof(*list->items), info_cmp_name);
}

void zab_info_list_release(struct zab_info_list *list)
{
	for (size_t i = 0; i < list->len; i++)
		zab_info_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
