// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab: exactly-once appends (uapi/linux/zab.h, "Exactly-once appends"):
 * records tagged with their writer's id and number, which a leader never
 * appends twice.
 */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libzab.h"

/* A nonzero client id from the kernel's random source. */
static int random_client(uint64_t *client)
{
	ssize_t n;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, client, sizeof(*client));
	} while ((n == (ssize_t)sizeof(*client) && !*client) ||
		 (n < 0 && errno == EINTR));
	close(fd);
	return n == (ssize_t)sizeof(*client) ? 0 : -EIO;
}

int zab_once_start(int h, uint64_t client, struct zab_once *o)
{
	struct zab_status st;
	int ret;

	if (ioctl(h, ZAB_IOC_STATUS, &st) < 0)
		return -errno;
	if (!client) {
		ret = random_client(&client);
		if (ret)
			return ret;
	}
	o->client = client;
	o->seq = 0;
	o->after = st.commit_zxid;
	o->pending = 0;
	o->digest = 0;
	return 0;
}

ssize_t zab_once_encode(void *buf, size_t cap, const struct zab_once *o,
			const void *data, size_t len)
{
	struct zab_once_hdr hdr = {
		.magic = htobe32(ZAB_ONCE_MAGIC),
		.client = htobe64(o->client),
		.seq = htobe64(o->seq + 1),
		.after = htobe64(o->after),
	};

	if (!o->client || o->seq == UINT64_MAX)
		return -EINVAL;
	if (len > ZAB_MAX_RECORD_LIMIT || sizeof(hdr) + len > cap)
		return -EMSGSIZE;
	memcpy(buf, &hdr, sizeof(hdr));
	if (len)
		memcpy((char *)buf + sizeof(hdr), data, len);
	return (ssize_t)(sizeof(hdr) + len);
}

/* FNV-1a of the record: a retry must carry the record it retries. */
static uint32_t digest(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int zab_append_once(int h, struct zab_once *o, const void *data, size_t len,
		    uint64_t *zxid)
{
	size_t cap = sizeof(struct zab_once_hdr) + len;
	struct zab_status st;
	uint64_t z = 0;
	ssize_t n;
	void *buf;
	int ret;

	if (len > ZAB_MAX_RECORD_LIMIT)
		return -EMSGSIZE;
	if (!o->client)
		return -EINVAL;
	if (o->pending && o->digest != digest(data, len))
		return -EINVAL;
	if (!o->pending) {
		/*
		 * The first try: whatever zxid it gets is above the commit
		 * point now, so the leader may look for it from there (a
		 * writer idle for long would be older than what it knows).
		 */
		if (ioctl(h, ZAB_IOC_STATUS, &st) < 0)
			return -errno;
		if (st.commit_zxid > o->after)
			o->after = st.commit_zxid;
		o->digest = digest(data, len);
		o->pending = 1;
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	n = zab_once_encode(buf, cap, o, data, len);
	ret = n < 0 ? (int)n : zab_append(h, buf, (size_t)n, &z);
	free(buf);
	if (ret)
		return ret;
	o->seq++;
	o->after = z;
	o->pending = 0;
	if (zxid)
		*zxid = z;
	return 0;
}

void zab_once_skip(struct zab_once *o)
{
	if (o->pending) {
		o->seq++;
		o->pending = 0;
	}
}

int zab_once_decode(const void *rec, size_t len, uint64_t *client,
		    uint64_t *seq, const void **data, size_t *data_len)
{
	struct zab_once_hdr hdr;

	if (len < sizeof(hdr.magic))
		return 0;
	memcpy(&hdr, rec, len < sizeof(hdr) ? sizeof(hdr.magic) : sizeof(hdr));
	if (be32toh(hdr.magic) != ZAB_ONCE_MAGIC)
		return 0;
	if (len < sizeof(hdr) || hdr.reserved || !hdr.client || !hdr.seq)
		return -EINVAL;
	*client = be64toh(hdr.client);
	*seq = be64toh(hdr.seq);
	*data = (const char *)rec + sizeof(hdr);
	*data_len = len - sizeof(hdr);
	return 1;
}
