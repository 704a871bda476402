/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libzab: reading and writing the committed log of a zab instance through its
 * character device, /dev/zab/NAME.
 *
 * A handle is a file descriptor. Every function returns a negative errno on
 * failure; the errors listed are those the device documents in
 * <linux/zab.h>, plus any of open(2), read(2), write(2) and ioctl(2).
 * Functions never retry on EINTR: an interrupted write may still commit.
 */
#ifndef LIBZAB_H
#define LIBZAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/zab.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Opens the device of instance @name, in the directory named by the
 * environment variable ZAB_DEV_DIR if set, else /dev/zab. @flags are those of
 * open(2): O_RDONLY, O_WRONLY or O_RDWR, optionally O_NONBLOCK; O_CLOEXEC is
 * always added.
 * Returns the handle (>= 0), -EINVAL for an invalid name, -ENOENT if there is
 * no such instance.
 */
int zab_open(const char *name, int flags);

/*
 * Appends one record of @len bytes (1..maxRecordSize) and waits until a
 * quorum committed it; stores its zxid in *@zxid if @zxid is not NULL.
 * Returns 0, -EINVAL (empty), -EMSGSIZE (too large), -ENOTCONN (no leader),
 * -ECONNRESET (leadership changed: the record may or may not be committed,
 * read to find out), -ESHUTDOWN (instance destroyed), -EINTR (signal; the
 * record may still commit). O_NONBLOCK does not apply: it waits for room
 * and for the commit.
 */
int zab_append(int h, const void *buf, size_t len, uint64_t *zxid);

/*
 * Appends @n records, record i being @iov[i], in that order, in one call per
 * ZAB_APPEND_BATCH_MAX records: they go out together, without waiting for
 * each commit before the next. Stores the zxid of record i in @zxids[i] (if
 * @zxids is not NULL) for each committed one, and in *@done (if not NULL)
 * how many records committed, from the first.
 * Returns 0 when all did; else the error of record *@done, as zab_append()
 * would give it: -EINVAL or -EMSGSIZE (a record of the call that holds it
 * is empty or too large: none of that call's records was appended),
 * -ENOTCONN (it and those after it were not appended), -ECONNRESET or
 * -EINTR (it and those after it may or may not commit); -ENOMEM before any
 * call. With a module older than ZAB_IOC_APPEND_BATCH (ENOTTY), the
 * records go one zab_append() at a time, each waiting for its commit.
 */
int zab_append_batch(int h, const struct iovec *iov, size_t n,
		     uint64_t *zxids, size_t *done);

/*
 * Exactly-once appends: a writer that got -ECONNRESET, -EINTR or
 * -ESHUTDOWN (or crashed, and kept its state) calls zab_append_once()
 * again with the same state and record, on any member, and the record is
 * in the log once (uapi/linux/zab.h, "Exactly-once appends"). A writer's
 * state, which it may keep on disk to retry after a restart: its id, the
 * number of its last record known committed, a zxid committed before its
 * next record was first tried, and whether that record is being tried
 * (and a digest of it: a retry must carry the same record). One record
 * of a writer at a time.
 */
struct zab_once {
	uint64_t client;
	uint64_t seq;
	uint64_t after;
	uint32_t pending;
	uint32_t digest;
};

/*
 * Starts writer @client (0: a random id) in @o: no record yet, @after the
 * member's commit point now. Returns 0, or -errno of ZAB_IOC_STATUS or of
 * reading /dev/urandom.
 */
int zab_once_start(int h, uint64_t client, struct zab_once *o);

/*
 * Appends the next record of writer @o: struct zab_once_hdr, then the
 * @len bytes at @data (which may be 0), and waits for its commit; stores
 * in *@zxid (if not NULL) its zxid, or that of the same record appended by
 * an earlier try. The first try takes the member's commit point as
 * @o->after if it is newer. On success @o moves on to the next record; on
 * an error it does not, so that calling again, with the same record,
 * retries it. Returns 0, the errors of zab_append() (-ECONNRESET, -EINTR,
 * -ESHUTDOWN, -ENOTCONN: call again), -EALREADY (a later record of this
 * writer is in the log: @o is out of date), -ESTALE (the leader cannot
 * tell whether the record was appended: zab_sync(), then look in the log
 * from @o->after on, zab_read() or zab_history_read() and
 * zab_once_decode(); if it is not there it never will be, and
 * zab_once_skip() moves on), -EINVAL (@o->client is 0, or a retry with
 * another record than the one being tried), -ENOMEM.
 */
int zab_append_once(int h, struct zab_once *o, const void *data, size_t len,
		    uint64_t *zxid);

/*
 * Gives up the record writer @o is trying: the next zab_append_once()
 * appends a new record, numbered after it. Only once the record is known
 * not to be in the log (see -ESTALE above), or not wanted whatever its fate.
 */
void zab_once_skip(struct zab_once *o);

/*
 * Encodes the next record of writer @o into @buf (@cap bytes), without
 * appending it or changing @o. Returns its length, -EINVAL (@o->client is
 * 0), or -EMSGSIZE.
 */
ssize_t zab_once_encode(void *buf, size_t cap, const struct zab_once *o,
			const void *data, size_t len);

/*
 * Decodes record @rec of @len bytes: 1 if it is an exactly-once record,
 * with its writer in *@client, its number in *@seq and the application's
 * bytes at *@data (*@data_len of them); 0 if it is not; -EINVAL if it
 * starts with ZAB_ONCE_MAGIC but is malformed.
 */
int zab_once_decode(const void *rec, size_t len, uint64_t *client,
		    uint64_t *seq, const void **data, size_t *data_len);

/* As zab_append(), without learning the zxid: a plain write(2). */
int zab_write(int h, const void *buf, size_t len);

/*
 * Reads the next committed record: its header into *@hdr, its payload into
 * @buf, which has room for @cap bytes.
 * Returns the payload length (> 0), 0 at end of file (instance destroyed),
 * -EMSGSIZE if the record is larger than @cap (nothing is consumed),
 * -EAGAIN (O_NONBLOCK), -ERANGE (the next record left the window: seek
 * forward), -EPROTO if the device returned a malformed record.
 */
ssize_t zab_read(int h, struct zab_rec_hdr *hdr, void *buf, size_t cap);

/* Makes the next zab_read() return the first record with zxid >= @zxid. */
int zab_seek(int h, uint64_t zxid);

/*
 * Waits until this member has delivered every record the leader had
 * committed when the call reached it, after the leader confirmed with a
 * quorum that it still leads; stores the leader's read index at @zxid (may
 * be NULL). zab_read()s after it return every record up to that zxid, so
 * they see every write that completed, on any member, before zab_sync()
 * began. Returns 0, -ENOTCONN with no leader, -ECONNRESET if the leader
 * changed first (try again), -ESHUTDOWN, -EINTR.
 */
int zab_sync(int h, uint64_t *zxid);

/* Fills @st with a snapshot of the instance and of this handle. */
int zab_status(int h, struct zab_status *st);

/* Closes the handle. */
int zab_close(int h);

/*
 * Copies the path of the instance's log on disk (ZAB_IOC_LOG_PATH) into
 * @buf. Returns its length, -ENOENT if the log is in memory only, -EACCES
 * unless the caller may read and search that directory, -ENAMETOOLONG if
 * @cap is too small.
 */
int zab_log_path(int h, char *buf, size_t cap);

/*
 * The records older than the kernel's window, which only the member's log
 * on disk still holds: zab_read() returns -ERANGE for them. A history is
 * the log's segments as they were when it was opened, up to the commit
 * point of that time. The reader needs read access to the segment files.
 */
struct zab_history;

/* 0, -ENOENT (no log on disk), or an error of open(2) or of the segments. */
int zab_history_open(int h, struct zab_history **hist);

/*
 * The first committed record with zxid >= @from in the history: its header
 * into *@hdr, its payload into @buf of @cap bytes. Returns the payload
 * length (> 0), 0 if the history holds none, -EMSGSIZE if it is larger than
 * @cap. For a zxid at or before the start of the segments (purged, or
 * dropped by a SNAP), the records come from the newest snapshot: the last
 * record of each key, and every record without key, then the segments'
 * records after the snapshot. If a purge removed segments it listed at open,
 * it reads the directory again and goes on from the newer snapshot.
 */
ssize_t zab_history_read(struct zab_history *hist, uint64_t from,
			 struct zab_rec_hdr *hdr, void *buf, size_t cap);

void zab_history_close(struct zab_history *hist);

/*
 * Keyed records (<linux/zab.h>, "Keyed records"): a snapshot keeps only the
 * last record of each key, and none if its value is empty (a deletion).
 *
 * zab_kv_encode() builds one into @buf of @cap bytes and returns its length,
 * -EINVAL if the key is empty or longer than ZAB_KEY_MAX, -EMSGSIZE if it
 * does not fit. zab_kv_decode() returns 1 and points *@key and *@val into
 * @rec if @rec is keyed, 0 if it is not. zab_put() appends a keyed record
 * as zab_append() does (an empty value deletes the key).
 */
ssize_t zab_kv_encode(void *buf, size_t cap, const void *key, size_t key_len,
		      const void *val, size_t val_len);
int zab_kv_decode(const void *rec, size_t len, const void **key,
		  size_t *key_len, const void **val, size_t *val_len);
int zab_put(int h, const void *key, size_t key_len, const void *val,
	    size_t val_len, uint64_t *zxid);

#ifdef __cplusplus
}
#endif

#endif
