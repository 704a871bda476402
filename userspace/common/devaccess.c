// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/devaccess.h"

const char *const zab_dev_access_keys[3] = { "deviceOwner", "deviceGroup", "deviceMode" };

/* A decimal id of at most 2^32 - 2 (-1 means "unchanged" to chown). */
static bool parse_id(const char *s, unsigned long *id)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return !errno && !*end && *id < 0xffffffffUL;
}

int zab_dev_access_parse(struct zab_dev_access *a, const char *key,
			 const char *value, struct zab_err *err)
{
	unsigned long id;
	char *end;

	if (!strcmp(key, "deviceOwner")) {
		if (parse_id(value, &id)) {
			a->owner = (uid_t)id;
		} else {
			struct passwd *pw = getpwnam(value);

			if (!pw)
				return zab_err(err, -EINVAL, "invalid deviceOwner `%s': no such user",
					       value);
			a->owner = pw->pw_uid;
		}
		a->has_owner = true;
		return 1;
	}
	if (!strcmp(key, "deviceGroup")) {
		if (parse_id(value, &id)) {
			a->group = (gid_t)id;
		} else {
			struct group *gr = getgrnam(value);

			if (!gr)
				return zab_err(err, -EINVAL, "invalid deviceGroup `%s': no such group",
					       value);
			a->group = gr->gr_gid;
		}
		a->has_group = true;
		return 1;
	}
	if (!strcmp(key, "deviceMode")) {
		unsigned long mode;

		errno = 0;
		mode = strtoul(value, &end, 8);
		if (!*value || *value == '-' || *end || errno || mode & ~0666UL)
			return zab_err(err, -EINVAL,
				       "invalid deviceMode `%s': octal read and write bits, at most 0666",
				       value);
		a->mode = (mode_t)mode;
		a->has_mode = true;
		return 1;
	}
	return 0;
}

int zab_dev_access_apply(const char *name, const struct zab_dev_access *a,
			 struct zab_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/zab/%s", name);
	if (lstat(path, &st) < 0)
		return zab_err(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return zab_err(err, -EINVAL, "%s: not a character device", path);
	if ((a->has_owner || a->has_group) &&
	    lchown(path, a->has_owner ? a->owner : (uid_t)-1,
		   a->has_group ? a->group : (gid_t)-1) < 0)
		return zab_err(err, -errno, "%s: chown: %s", path, strerror(errno));
	if (a->has_mode && chmod(path, a->mode) < 0)
		return zab_err(err, -errno, "%s: chmod: %s", path, strerror(errno));
	return 0;
}

void zab_dev_access_print(FILE *f, const struct zab_dev_access *a)
{
	if (a->has_owner)
		fprintf(f, "deviceOwner=%u\n", (unsigned int)a->owner);
	if (a->has_group)
		fprintf(f, "deviceGroup=%u\n", (unsigned int)a->group);
	if (a->has_mode)
		fprintf(f, "deviceMode=%04o\n", (unsigned int)a->mode);
}
