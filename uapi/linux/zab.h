/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * zab: ZooKeeper atomic broadcast in the kernel.
 *
 * This header is the one contract between zab.ko and userspace (zabd, zabctl,
 * libzab). It defines:
 *
 *   1. the generic netlink family "zab" (commands, attributes, events),
 *   2. the character device /dev/zab/NAME (record framing, ioctls),
 *   3. the peer-to-peer wire format spoken over the TCP sockets the kernel owns.
 *
 * Instances
 * ---------
 * An instance is one member of one ensemble. It is created with
 * %ZAB_CMD_NEW (a name and the member's id) and belongs to the network
 * namespace of the netlink socket that created it: %ZAB_CMD_GET only lists, and
 * %ZAB_CMD_DEL/%ZAB_CMD_SET only reach, the instances of the caller's
 * namespace. Names are nevertheless unique across the whole system, because
 * every instance has a character device /dev/zab/NAME and device names are
 * global. When a namespace goes away, its instances are destroyed.
 *
 * Names are 1 to %ZAB_NAME_MAX bytes of [A-Za-z0-9_.-], not starting with '.'.
 * Member ids are 1 to %ZAB_ID_MAX, as ZooKeeper's myid.
 *
 * All commands need CAP_NET_ADMIN in the initial user namespace: instances own
 * system-wide device names, so a namespace's root may not create them.
 * Errors carry an extended ack message and point at the bad attribute.
 *
 * Netlink commands
 * ----------------
 * %ZAB_CMD_NEW: create an instance.
 *	in:  %ZAB_A_NAME (required), %ZAB_A_MYID (required), any parameter
 *	     attribute of %ZAB_CMD_SET.
 *	err: -EEXIST name taken, -EINVAL bad name or id, -ENOMEM.
 *
 * %ZAB_CMD_DEL: destroy an instance; pending writers fail with -ESHUTDOWN,
 *	readers see end of file, open files stay valid but inert.
 *	in:  %ZAB_A_NAME.  err: -ENODEV no such instance.
 *
 * %ZAB_CMD_GET: without %NLM_F_DUMP, one instance named by %ZAB_A_NAME;
 *	with %NLM_F_DUMP, every instance of the namespace (resumable). Each reply
 *	carries %ZAB_A_NAME, %ZAB_A_MYID, %ZAB_A_STATE, %ZAB_A_EPOCH,
 *	%ZAB_A_LEADER, %ZAB_A_LAST_ZXID, %ZAB_A_COMMIT_ZXID, every parameter
 *	attribute, %ZAB_A_STATS, %ZAB_A_PEERS, %ZAB_A_DURABILITY,
 *	%ZAB_A_DURABLE_ZXID, %ZAB_A_LEADER_SYNCED, %ZAB_A_PENDING_BYTES,
 *	%ZAB_A_LOCAL_BYTES, %ZAB_A_COMMIT_LATENCY, %ZAB_A_PROGRESS while a report of long work
 *	is current (%ZAB_CMD_PROGRESS) and, with a log on disk,
 *	%ZAB_A_SEGMENT_BYTES, %ZAB_A_LOG_ERROR and (durability fsync)
 *	%ZAB_A_FSYNC_LATENCY; %ZAB_A_OBSERVER while following as an observer.
 *
 * %ZAB_CMD_SET: change parameters of an instance.
 *	in:  %ZAB_A_NAME, one or more of %ZAB_A_TICK_MS, %ZAB_A_SYNC_LIMIT,
 *	     %ZAB_A_INIT_LIMIT, %ZAB_A_WINDOW_BYTES, %ZAB_A_MAX_RECORD.
 *	The change is all or nothing: if one value is refused, none is applied.
 *
 * Socket handover. Once a member has been elected and synchronised (by zabd,
 * or by the bootstrap in zabctl), its connected TCP sockets are handed to the
 * kernel, which owns them until they fail or %ZAB_CMD_STOP. Only established
 * TCP sockets are accepted. The kernel takes its own reference: the caller
 * may close its fds afterwards. While the kernel owns a socket, the calls
 * that would use the stream or change the socket (read, write, connect,
 * listen, bind, setsockopt at the socket's protocol level) fail with
 * -EBUSY; the caller must have no call under way on it when it hands it
 * over.
 *
 * %ZAB_CMD_LEAD: start leading epoch %ZAB_A_EPOCH.
 *	in:  %ZAB_A_NAME, %ZAB_A_EPOCH (greater than the current epoch),
 *	     %ZAB_A_MEMBERS (ensemble size, 1..%ZAB_MEMBERS_MAX),
 *	     %ZAB_A_PEERS: one %ZAB_A_PEER nest per follower with
 *	     %ZAB_PEER_A_ID, %ZAB_PEER_A_FD, %ZAB_PEER_A_LAST_ZXID (the last
 *	     zxid in the follower's log); there must be at least a quorum
 *	     counting the leader itself. The kernel synchronises each
 *	     follower (DIFF, TRUNC or SNAP, see the wire format) from its
 *	     log, and counts which in %ZAB_STAT_SYNC_DIFF and the like.
 *	     %ZAB_A_LAST_ZXID (optional): discard the leader's own records
 *	     after this zxid (never below its commit point); by default its
 *	     whole log is the new epoch's history.
 *	     A peer nest with %ZAB_PEER_A_OBSERVER is an observer: it is
 *	     sent committed records only (each PROPOSAL with its COMMIT), its
 *	     acknowledgments count towards no quorum, and it is not one of
 *	     the %ZAB_A_MEMBERS; %ZAB_A_OBSERVERS (optional, default 0) says
 *	     how many the ensemble has, for the uncommitted budget (members
 *	     and observers together at most %ZAB_MEMBERS_MAX).
 *	err: -EBUSY not LOOKING, -ESTALE epoch not newer, -EINVAL fewer
 *	     followers than a quorum, more observers than %ZAB_A_OBSERVERS,
 *	     a duplicate or own id; -EBADF bad fd,
 *	     -ENOTSOCK, -EPROTONOSUPPORT (not TCP), -ENOTCONN (not
 *	     connected).
 *
 * %ZAB_CMD_FOLLOW: follow leader %ZAB_A_LEADER in epoch %ZAB_A_EPOCH.
 *	in:  %ZAB_A_NAME, %ZAB_A_EPOCH (not older than the current epoch),
 *	     %ZAB_A_LEADER, %ZAB_A_FD, %ZAB_A_LAST_ZXID (optional, as LEAD;
 *	     by default the log is kept and the leader truncates it if needed),
 *	     %ZAB_A_HOLD_ACKS (optional flag: acknowledge nothing until
 *	     %ZAB_CMD_SYNCED), %ZAB_A_MEMBERS (optional: the ensemble's size,
 *	     for the uncommitted budget; %ZAB_MEMBERS_MAX if absent),
 *	     %ZAB_A_OBSERVERS (optional, as LEAD; every member gives the
 *	     same), %ZAB_A_OBSERVER (optional flag: this member follows as an
 *	     observer, then with %ZAB_A_OBSERVERS if %ZAB_A_MEMBERS is
 *	     given; GET reports it).
 *
 * %ZAB_CMD_SYNCED: the follower's control plane holds the leader's history
 *	durably and wrote the epoch as its own (ZooKeeper's currentEpoch,
 *	before NEWLEADER's acknowledgment): a follower started with
 *	%ZAB_A_HOLD_ACKS acknowledges from now on.
 *	in:  %ZAB_A_NAME, %ZAB_A_EPOCH (the epoch followed).
 *	err: -ENOTCONN not following; -ESTALE another epoch.
 *
 * %ZAB_CMD_PROGRESS: the daemon's report of long work on an instance
 *	(restoring its log, fetching a snapshot), kept for readers (GET) for
 *	%ZAB_PROGRESS_TTL_MS: a daemon renews it while the work goes on, and a
 *	report not renewed (the daemon died) is dropped; %ZAB_WORK_NONE
 *	withdraws it at once.
 *	in:  %ZAB_A_NAME, %ZAB_A_PROGRESS.
 *	err: -EINVAL a report without its work, or with more bytes done than
 *	its total.
 *
 * %ZAB_CMD_COUNT: the daemon counts in the instance's %ZAB_A_STATS what only
 *	it sees: each counter of the nest is added to the instance's.
 *	in:  %ZAB_A_NAME, %ZAB_A_STATS holding only daemon-kept counters
 *	     (%ZAB_STAT_AUTH_FAILURES).
 *	err: -EINVAL no nest, or a counter the kernel keeps itself.
 *
 * %ZAB_CMD_ADD_FOLLOWER: a leader takes one more follower (a late joiner).
 *	in:  %ZAB_A_NAME, %ZAB_A_PEERS with one %ZAB_A_PEER. The follower is
 *	     synchronised from its %ZAB_PEER_A_LAST_ZXID as by LEAD, then
 *	     joins the live stream, with nothing falling between.
 *	     %ZAB_PEER_A_OBSERVER makes it an observer, as in LEAD.
 *	err: -EEXIST it is connected already; -EINVAL not leading, or every
 *	     member (or observer) is connected; -EAGAIN the log on disk fails and records
 *	     wait for it beyond windowBytes (as LEAD and FOLLOW).
 *
 * %ZAB_CMD_LOG: keep the log on disk, in segment files the kernel creates in
 *	a directory (see "The log on disk" below).
 *	in:  %ZAB_A_NAME, %ZAB_A_DIR_FD (a directory opened for reading),
 *	     %ZAB_A_DURABILITY (%ZAB_DURABILITY_WRITE or _FSYNC),
 *	     %ZAB_A_SEGMENT_BYTES (optional, default 64M, [64K, 1G]),
 *	     %ZAB_A_SEGMENT_SEQ (optional, default 1),
 *	     %ZAB_A_LOG_FORMAT (optional, default 1: the format of the segments
 *	     it writes; 2, with %ZAB_DURABILITY_FSYNC, marks each fsync that
 *	     nothing was appended during with a DURABLE entry).
 *	The instance must be LOOKING and have no log on disk yet. Every record
 *	it holds is taken to be on disk already (zabd restores them from
 *	there with %ZAB_IOC_RESTORE first); new ones go to a new segment. Files
 *	are created with the caller's credentials. The log stays attached until
 *	the instance is destroyed.
 *	err: -EBUSY not LOOKING, a log is attached, or the instance led or
 *	followed without a log and holds records; -EBADF, -ENOTDIR.
 *
 * %ZAB_CMD_STOP: back to LOOKING; peer sockets are shut down; writers
 *	waiting for a commit fail with -ECONNRESET.
 *
 * %ZAB_CMD_DROP_PEER: shut down the connection with one member, as if it had
 *	failed (%ZAB_REASON_DROPPED): the daemon no longer accepts the member
 *	as it connected (its certificate was revoked). A leader goes on
 *	without that follower while a quorum remains; a follower that drops
 *	its leader looks for a new one. The connection ends after the reply:
 *	%ZAB_EVENT_PEER_DOWN with %ZAB_REASON_DROPPED follows (and
 *	%ZAB_EVENT_LEADER_LOST or %ZAB_EVENT_QUORUM_LOST if that is what it
 *	leaves). The daemon reads its new credentials first, so that the
 *	member's next connection is checked against them.
 *	in:  %ZAB_A_NAME, %ZAB_A_PEER_ID.
 *	err: -ENOTCONN no connection with that member is up (or it is failing
 *	     already, for another reason).
 *
 * %ZAB_CMD_EVENT: sent by the kernel only, to the %ZAB_MCGRP_EVENTS group of
 *	the instance's namespace. Carries %ZAB_A_NAME, %ZAB_A_EVENT,
 *	%ZAB_A_STATE and %ZAB_A_EPOCH (both as after the event) and, for peer
 *	events, %ZAB_A_PEER_ID and %ZAB_A_REASON (absent means
 *	%ZAB_REASON_NONE).
 */
#ifndef _UAPI_LINUX_ZAB_H
#define _UAPI_LINUX_ZAB_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define ZAB_GENL_NAME		"zab"
#define ZAB_GENL_VERSION	1
#define ZAB_MCGRP_EVENTS	"events"

#define ZAB_NAME_MAX		31	/* bytes, without the terminating NUL */
#define ZAB_ID_MAX		255
#define ZAB_MEMBERS_MAX		15

enum zab_cmd {
	ZAB_CMD_UNSPEC,
	ZAB_CMD_NEW,
	ZAB_CMD_DEL,
	ZAB_CMD_GET,
	ZAB_CMD_SET,
	ZAB_CMD_LEAD,
	ZAB_CMD_FOLLOW,
	ZAB_CMD_ADD_FOLLOWER,
	ZAB_CMD_STOP,
	ZAB_CMD_EVENT,
	ZAB_CMD_LOG,
	ZAB_CMD_SYNCED,
	ZAB_CMD_PROGRESS,
	ZAB_CMD_COUNT,
	ZAB_CMD_DROP_PEER,
	__ZAB_CMD_MAX
};

#define ZAB_CMD_MAX (__ZAB_CMD_MAX - 1)

/**
 * enum zab_state - role of a member, as ZAB names it
 * @ZAB_STATE_LOOKING: electing or synchronising; no broadcast
 * @ZAB_STATE_FOLLOWING: receiving proposals from a leader
 * @ZAB_STATE_LEADING: assigning zxids and broadcasting
 */
enum zab_state {
	ZAB_STATE_LOOKING,
	ZAB_STATE_FOLLOWING,
	ZAB_STATE_LEADING,
};

/**
 * enum zab_event - what %ZAB_CMD_EVENT reports
 * @ZAB_EVENT_CREATED: an instance was created
 * @ZAB_EVENT_DESTROYED: an instance was destroyed
 * @ZAB_EVENT_PEER_DOWN: a peer connection was shut down (%ZAB_A_PEER_ID,
 *	%ZAB_A_REASON)
 * @ZAB_EVENT_LEADER_LOST: a follower lost its leader; it is LOOKING again
 * @ZAB_EVENT_QUORUM_LOST: a leader lost its quorum and stopped committing;
 *	it is LOOKING again
 * @ZAB_EVENT_STATE: the state changed (%ZAB_A_STATE, %ZAB_A_EPOCH)
 * @ZAB_EVENT_LOG_ERROR: writing the log on disk failed (%ZAB_A_LOG_ERROR);
 *	the member acknowledges nothing more until a retry succeeds
 * @ZAB_EVENT_LOG_OK: writing the log on disk works again
 * @ZAB_EVENT_EPOCH_EXHAUSTED: a leader used every zxid of its epoch (the
 *	counter reached 2^32 - 1) and stopped; it is LOOKING again, and a new
 *	election gives the ensemble a new epoch
 */
enum zab_event {
	ZAB_EVENT_UNSPEC,
	ZAB_EVENT_CREATED,
	ZAB_EVENT_DESTROYED,
	ZAB_EVENT_PEER_DOWN,
	ZAB_EVENT_LEADER_LOST,
	ZAB_EVENT_QUORUM_LOST,
	ZAB_EVENT_STATE,
	ZAB_EVENT_LOG_ERROR,
	ZAB_EVENT_LOG_OK,
	ZAB_EVENT_EPOCH_EXHAUSTED,
};

/**
 * enum zab_reason - why a peer connection was shut down
 * @ZAB_REASON_NONE: no reason given (orderly STOP or DEL)
 * @ZAB_REASON_CLOSED: the peer closed the connection
 * @ZAB_REASON_SOCK_ERROR: the socket reported an error
 * @ZAB_REASON_TIMEOUT: nothing heard from the peer within syncLimit ticks
 * @ZAB_REASON_PROTOCOL: the peer sent a malformed or unexpected frame
 * @ZAB_REASON_NOMEM: out of memory while serving the peer
 * @ZAB_REASON_LAGGING: a follower fell so far behind that the records it
 *	lacks exceed windowBytes; it must be synchronised again
 * @ZAB_REASON_STOPPED: the instance stopped (STOP, DEL, lost quorum)
 * @ZAB_REASON_LOG_BEHIND: this member's log on disk fails, and the committed
 *	records waiting in memory for it exceed twice windowBytes: it leaves
 *	the ensemble, and LEAD or FOLLOW fail with EAGAIN, until they are
 *	written
 * @ZAB_REASON_ACK_TIMEOUT: a follower with proposals outstanding
 *	acknowledged nothing within twice syncLimit ticks (initLimit ticks
 *	before its first acknowledgment), though it may still answer PINGs
 *	(its disk does not write; ZooKeeper's "transaction timeout")
 * @ZAB_REASON_OVER_BUDGET: the peer sent a record that would take the
 *	records after the commit point past what honest members can reach:
 *	twice windowBytes plus two records per member (a follower allows its
 *	leader a record per member more); it floods
 * @ZAB_REASON_TLS: on an encrypted connection (kernel TLS), a record failed
 *	authentication, was malformed, or was not application data
 * @ZAB_REASON_TLS_KEY_USED: on an encrypted connection, this member sent
 *	nearly as many records under the connection's key as TLS 1.3 allows
 *	for AES-GCM (RFC 8446 section 5.5), and kernel TLS cannot change keys:
 *	the connection ends, and zabd connects again with a new handshake
 * @ZAB_REASON_DROPPED: the daemon dropped it (%ZAB_CMD_DROP_PEER): the
 *	member at the other end may no longer take part as it connected (its
 *	certificate was revoked)
 */
enum zab_reason {
	ZAB_REASON_NONE,
	ZAB_REASON_CLOSED,
	ZAB_REASON_SOCK_ERROR,
	ZAB_REASON_TIMEOUT,
	ZAB_REASON_PROTOCOL,
	ZAB_REASON_NOMEM,
	ZAB_REASON_LAGGING,
	ZAB_REASON_STOPPED,
	ZAB_REASON_LOG_BEHIND,
	ZAB_REASON_ACK_TIMEOUT,
	ZAB_REASON_OVER_BUDGET,
	ZAB_REASON_TLS,
	ZAB_REASON_TLS_KEY_USED,
	ZAB_REASON_DROPPED,
};

/*
 * Parameters, with their defaults and accepted ranges. Names in zabctl and the
 * config file are ZooKeeper's where ZooKeeper has one.
 *
 *   tickTime        %ZAB_A_TICK_MS       ms       2000    [10, 60000]
 *   syncLimit       %ZAB_A_SYNC_LIMIT    ticks       5    [1, 1000]
 *   initLimit       %ZAB_A_INIT_LIMIT    ticks      10    [1, 1000]
 *   windowBytes     %ZAB_A_WINDOW_BYTES  bytes     64M    [64K, 4G-1]
 *   maxRecordSize   %ZAB_A_MAX_RECORD    bytes      1M    [1, 16M]
 *
 * maxRecordSize may be at most half of windowBytes.
 * A peer not heard from for syncLimit ticks (initLimit ticks until it is
 * first heard from) is declared down. windowBytes
 * bounds the committed records kept in kernel memory for readers.
 */
#define ZAB_TICK_MS_DEFAULT		2000
#define ZAB_TICK_MS_MIN			10
#define ZAB_TICK_MS_MAX			60000
#define ZAB_LIMIT_MIN			1
#define ZAB_LIMIT_MAX			1000
#define ZAB_SYNC_LIMIT_DEFAULT		5
#define ZAB_INIT_LIMIT_DEFAULT		10
#define ZAB_WINDOW_BYTES_DEFAULT	(64U * 1024 * 1024)
#define ZAB_WINDOW_BYTES_MIN		(64U * 1024)
#define ZAB_WINDOW_BYTES_MAX		0xffffffffU
#define ZAB_MAX_RECORD_DEFAULT		(1024U * 1024)
#define ZAB_MAX_RECORD_LIMIT		(16U * 1024 * 1024)
#define ZAB_SEGMENT_BYTES_DEFAULT	(64U * 1024 * 1024)
#define ZAB_SEGMENT_BYTES_MIN		(64U * 1024)
#define ZAB_SEGMENT_BYTES_MAX		(1024U * 1024 * 1024)

/**
 * enum zab_durability - when a member acknowledges a proposal
 * @ZAB_DURABILITY_MEMORY: once it is in memory (no log on disk)
 * @ZAB_DURABILITY_WRITE: once it is written to the segment (page cache)
 * @ZAB_DURABILITY_FSYNC: once it is on stable storage; one fsync covers
 *	every record written since the last one (group commit)
 *
 * A leader counts its own acknowledgment the same way.
 */
enum zab_durability {
	ZAB_DURABILITY_MEMORY,
	ZAB_DURABILITY_WRITE,
	ZAB_DURABILITY_FSYNC,
};

/**
 * enum zab_attr - top-level attributes
 * @ZAB_A_NAME: string, instance name
 * @ZAB_A_MYID: u32, this member's id
 * @ZAB_A_STATE: u8, &enum zab_state
 * @ZAB_A_EPOCH: u32, current epoch
 * @ZAB_A_LEADER: u32, id of the current leader (0: none)
 * @ZAB_A_LAST_ZXID: u64, highest zxid logged by this member
 * @ZAB_A_COMMIT_ZXID: u64, highest zxid known committed
 * @ZAB_A_TICK_MS: u32, tickTime
 * @ZAB_A_SYNC_LIMIT: u32, syncLimit
 * @ZAB_A_INIT_LIMIT: u32, initLimit
 * @ZAB_A_WINDOW_BYTES: u32, windowBytes
 * @ZAB_A_MAX_RECORD: u32, maxRecordSize
 * @ZAB_A_STATS: nest of &enum zab_stat (each u64)
 * @ZAB_A_PEERS: nest of %ZAB_A_PEER, each a nest of &enum zab_peer_attr
 * @ZAB_A_EVENT: u32, &enum zab_event
 * @ZAB_A_PEER_ID: u32, a peer's member id (events; %ZAB_CMD_DROP_PEER's input)
 * @ZAB_A_REASON: u32, &enum zab_reason
 * @ZAB_A_FD: s32, a connected TCP socket handed to the kernel
 * @ZAB_A_PAD: padding for 64-bit attributes
 * @ZAB_A_MEMBERS: u32, number of members of the ensemble (LEAD; FOLLOW,
 *	optional, 2..%ZAB_MEMBERS_MAX)
 * @ZAB_A_DIR_FD: s32, the directory the log's segments go to (LOG)
 * @ZAB_A_DURABILITY: u8, &enum zab_durability
 * @ZAB_A_SEGMENT_BYTES: u32, the size a segment is rolled at
 * @ZAB_A_DURABLE_ZXID: u64, highest zxid as durable as the mode says
 * @ZAB_A_LOG_ERROR: u32, the errno of the last failed write of the log on
 *	disk, 0 once a write succeeds again
 * @ZAB_A_SEGMENT_SEQ: u64, the sequence number of the first segment the
 *	kernel creates (LOG); above that of every segment in the directory
 * @ZAB_A_LOG_FORMAT: u8, 1 or 2, the format of the segments the kernel
 *	writes (LOG; "The log on disk"): a reader of format 1 only would set
 *	segments of format 2 aside, so it is asked for
 * @ZAB_A_LEADER_SYNCED: u8, 1 while following once a frame from the leader
 *	was received and handled on the current connection (the first is the
 *	TRUNC or SNAP, if any)
 * @ZAB_A_PENDING_BYTES: u64, bytes held for the records after the commit
 *	point (see %ZAB_REASON_OVER_BUDGET and docs/design.md)
 * @ZAB_A_HOLD_ACKS: flag, FOLLOW: acknowledge nothing until %ZAB_CMD_SYNCED
 * @ZAB_A_COMMIT_LATENCY: nest of &enum zab_hist_attr: on a leader, for each
 *	record it proposed in its epoch, the time from the zxid's assignment
 *	to the commit (the quorum's acknowledgments, their fsyncs included);
 *	counted since the instance was made
 * @ZAB_A_FSYNC_LATENCY: nest of &enum zab_hist_attr: with durability
 *	fsync, the time of each fsync of the log on disk (segments and their
 *	directory)
 * @ZAB_A_PROGRESS: nest of &enum zab_progress_attr: long work the
 *	instance's daemon does for it, as it reports it (%ZAB_CMD_PROGRESS)
 * @ZAB_A_LOCAL_BYTES: u64, room taken by this member's local writes in
 *	flight, those whose writer left included, until they commit or the
 *	role changes (at most windowBytes / members, but for one record)
 * @ZAB_A_ONCE_CLIENTS: u32, exactly-once clients this member knows the
 *	last record of (at most %ZAB_ONCE_CLIENTS_MAX)
 * @ZAB_A_ONCE_FLOOR: u64, the zxid after which it knows them all (see
 *	Exactly-once appends)
 * @ZAB_A_OBSERVERS: u32, observers of the ensemble besides its
 *	%ZAB_A_MEMBERS (LEAD, FOLLOW; optional, 0..%ZAB_MEMBERS_MAX - 1)
 * @ZAB_A_OBSERVER: flag, FOLLOW and GET: this member follows as an
 *	observer, in no quorum
 */
enum zab_attr {
	ZAB_A_UNSPEC,
	ZAB_A_NAME,
	ZAB_A_MYID,
	ZAB_A_STATE,
	ZAB_A_EPOCH,
	ZAB_A_LEADER,
	ZAB_A_LAST_ZXID,
	ZAB_A_COMMIT_ZXID,
	ZAB_A_TICK_MS,
	ZAB_A_SYNC_LIMIT,
	ZAB_A_INIT_LIMIT,
	ZAB_A_WINDOW_BYTES,
	ZAB_A_MAX_RECORD,
	ZAB_A_STATS,
	ZAB_A_PEERS,
	ZAB_A_EVENT,
	ZAB_A_PEER_ID,
	ZAB_A_REASON,
	ZAB_A_FD,
	ZAB_A_PAD,
	ZAB_A_MEMBERS,
	ZAB_A_DIR_FD,
	ZAB_A_DURABILITY,
	ZAB_A_SEGMENT_BYTES,
	ZAB_A_DURABLE_ZXID,
	ZAB_A_LOG_ERROR,
	ZAB_A_SEGMENT_SEQ,
	ZAB_A_LEADER_SYNCED,
	ZAB_A_PENDING_BYTES,
	ZAB_A_HOLD_ACKS,
	ZAB_A_COMMIT_LATENCY,
	ZAB_A_FSYNC_LATENCY,
	ZAB_A_PROGRESS,
	ZAB_A_LOCAL_BYTES,
	ZAB_A_ONCE_CLIENTS,
	ZAB_A_ONCE_FLOOR,
	ZAB_A_OBSERVERS,
	ZAB_A_OBSERVER,
	ZAB_A_LOG_FORMAT,
	__ZAB_A_MAX
};

#define ZAB_A_MAX (__ZAB_A_MAX - 1)

/**
 * enum zab_stat - counters in %ZAB_A_STATS, each a u64
 * @ZAB_STAT_WRITES: records accepted from local writers
 * @ZAB_STAT_WRITE_BYTES: payload bytes accepted from local writers
 * @ZAB_STAT_WRITE_ERRORS: local writes that failed
 * @ZAB_STAT_READS: records returned to local readers
 * @ZAB_STAT_PROPOSALS: proposals logged (sent as leader or received)
 * @ZAB_STAT_COMMITS: records committed and delivered to the window
 * @ZAB_STAT_PEER_DOWNS: peer connections shut down
 * @ZAB_STAT_BAD_FRAMES: frames rejected as malformed
 * @ZAB_STAT_PAD: padding for the 64-bit values, never a counter
 * @ZAB_STAT_SYNC_DIFF: followers attached that held a prefix of the log
 * @ZAB_STAT_SYNC_TRUNC: followers attached that first discarded a tail
 * @ZAB_STAT_SYNC_SNAP: followers attached that took the whole window; on a
 *	follower, the SNAPs it took
 * @ZAB_STAT_OVER_BUDGET: peers dropped for a record past the uncommitted
 *	budget (%ZAB_REASON_OVER_BUDGET)
 * @ZAB_STAT_AUTH_FAILURES: member connections whose authentication failed,
 *	as the daemon counts them (%ZAB_CMD_COUNT)
 * @ZAB_STAT_DUPLICATES: exactly-once records not appended again, as leader
 *	(the retry learned the original's zxid)
 * @ZAB_STAT_ROOM_WAITS: times a local writer waited for room: for its
 *	member's share of windowBytes in flight (a batch for its own oldest
 *	records), or, on a leader, for its window
 */
enum zab_stat {
	ZAB_STAT_UNSPEC,
	ZAB_STAT_WRITES,
	ZAB_STAT_WRITE_BYTES,
	ZAB_STAT_WRITE_ERRORS,
	ZAB_STAT_READS,
	ZAB_STAT_PROPOSALS,
	ZAB_STAT_COMMITS,
	ZAB_STAT_PEER_DOWNS,
	ZAB_STAT_BAD_FRAMES,
	ZAB_STAT_PAD,
	ZAB_STAT_SYNC_DIFF,
	ZAB_STAT_SYNC_TRUNC,
	ZAB_STAT_SYNC_SNAP,
	ZAB_STAT_OVER_BUDGET,
	ZAB_STAT_AUTH_FAILURES,
	ZAB_STAT_DUPLICATES,
	ZAB_STAT_ROOM_WAITS,
	__ZAB_STAT_MAX
};

#define ZAB_STAT_MAX (__ZAB_STAT_MAX - 1)

/*
 * A latency histogram counts its samples in buckets of powers of two of
 * microseconds: bucket 0 the samples under 1 us, bucket i (1 to
 * ZAB_HIST_BUCKETS - 2) those of at least 2^(i-1) and under 2^i us, the last
 * one those of 2^(ZAB_HIST_BUCKETS - 2) us (about 16.8 s) or more. A bucket's
 * index fixes its bounds: a later kernel may add buckets above, never move
 * one, and a reader skips the indexes it does not know.
 */
#define ZAB_HIST_BUCKETS	26

/**
 * enum zab_hist_attr - attributes of a latency histogram's nest
 * @ZAB_HIST_A_BUCKETS: nest of the buckets' counts, each a u64 whose
 *	attribute type is its bucket's index plus one
 * @ZAB_HIST_A_SUM_NS: u64, the sum of the samples, nanoseconds
 * @ZAB_HIST_A_PAD: padding
 */
enum zab_hist_attr {
	ZAB_HIST_A_UNSPEC,
	ZAB_HIST_A_BUCKETS,
	ZAB_HIST_A_SUM_NS,
	ZAB_HIST_A_PAD,
	__ZAB_HIST_A_MAX
};

#define ZAB_HIST_A_MAX (__ZAB_HIST_A_MAX - 1)

/**
 * enum zab_work - long work on an instance (%ZAB_PROGRESS_A_WORK)
 * @ZAB_WORK_NONE: none: forget the last report
 * @ZAB_WORK_RESTORE: reading the log on disk back at start
 * @ZAB_WORK_SNAPSHOT_FETCH: receiving a snapshot from the leader
 */
enum zab_work {
	ZAB_WORK_NONE,
	ZAB_WORK_RESTORE,
	ZAB_WORK_SNAPSHOT_FETCH,
	__ZAB_WORK_MAX
};

#define ZAB_WORK_MAX (__ZAB_WORK_MAX - 1)

/* How long a report of long work (%ZAB_CMD_PROGRESS) is kept unrenewed. */
#define ZAB_PROGRESS_TTL_MS	5000

/**
 * enum zab_progress_attr - attributes of the %ZAB_A_PROGRESS nest
 * @ZAB_PROGRESS_A_WORK: u8, &enum zab_work (required)
 * @ZAB_PROGRESS_A_RECORDS: u64, records done
 * @ZAB_PROGRESS_A_BYTES: u64, bytes done
 * @ZAB_PROGRESS_A_TOTAL_BYTES: u64, bytes in all, 0 if not known; never
 *	below %ZAB_PROGRESS_A_BYTES
 * @ZAB_PROGRESS_A_RATE: u64, bytes per second, over the work so far
 * @ZAB_PROGRESS_A_SECONDS_LEFT: u32, an estimate; 0xffffffff if none
 * @ZAB_PROGRESS_A_PAD: padding
 */
enum zab_progress_attr {
	ZAB_PROGRESS_A_UNSPEC,
	ZAB_PROGRESS_A_WORK,
	ZAB_PROGRESS_A_RECORDS,
	ZAB_PROGRESS_A_BYTES,
	ZAB_PROGRESS_A_TOTAL_BYTES,
	ZAB_PROGRESS_A_RATE,
	ZAB_PROGRESS_A_SECONDS_LEFT,
	ZAB_PROGRESS_A_PAD,
	__ZAB_PROGRESS_A_MAX
};

#define ZAB_PROGRESS_A_MAX (__ZAB_PROGRESS_A_MAX - 1)

/**
 * enum zab_peer_attr - attributes of one %ZAB_A_PEER nest
 * @ZAB_PEER_A_ID: u32, member id
 * @ZAB_PEER_A_FD: s32, socket fd (handover only)
 * @ZAB_PEER_A_LAST_ZXID: u64, last zxid the peer holds (handover) or acked
 * @ZAB_PEER_A_QUEUED: u32, proposals queued and not yet sent
 * @ZAB_PEER_A_RTT_US: u32, smoothed round-trip time of PING, microseconds
 * @ZAB_PEER_A_PAD: padding
 * @ZAB_PEER_A_TLS: flag, the connection is encrypted with kernel TLS (GET)
 * @ZAB_PEER_A_OBSERVER: flag, the peer is an observer (LEAD, ADD_FOLLOWER,
 *	GET)
 * @ZAB_PEER_A_CPU: u32, the CPU the peer's works are queued for, when
 *	zab.ko's spread_followers placed them (GET; absent: where they are
 *	queued); a CPU gone offline since runs them no more
 */
enum zab_peer_attr {
	ZAB_PEER_A_UNSPEC,
	ZAB_PEER_A_ID,
	ZAB_PEER_A_FD,
	ZAB_PEER_A_LAST_ZXID,
	ZAB_PEER_A_QUEUED,
	ZAB_PEER_A_RTT_US,
	ZAB_PEER_A_PAD,
	ZAB_PEER_A_TLS,
	ZAB_PEER_A_OBSERVER,
	ZAB_PEER_A_CPU,
	__ZAB_PEER_A_MAX
};

#define ZAB_PEER_A_MAX (__ZAB_PEER_A_MAX - 1)

#define ZAB_A_PEER 1	/* the only attribute type inside %ZAB_A_PEERS */

/*
 * zxids
 * -----
 * zxid = epoch << 32 | counter. The counter restarts at 1 in every epoch, so
 * zxid 0 means "nothing".
 */
#define ZAB_ZXID(epoch, counter) (((__u64)(epoch) << 32) | (__u32)(counter))
#define ZAB_ZXID_EPOCH(zxid)	((__u32)((zxid) >> 32))
#define ZAB_ZXID_COUNTER(zxid)	((__u32)(zxid))

/*
 * The character device /dev/zab/NAME
 * ----------------------------------
 * write(2): the buffer is one record (1 to maxRecordSize bytes). The call
 *	returns the full length once the record is committed by a quorum.
 *	Errors: -EINVAL zero length, -EMSGSIZE over maxRecordSize,
 *	-ENOTCONN no leader (LOOKING), -ECONNRESET leadership changed before
 *	the record was known committed (it may or may not commit: the writer
 *	must check with a read), -ESHUTDOWN the instance was destroyed,
 *	-EINTR on a signal (the record may still commit); for a record with
 *	an exactly-once tag (see Exactly-once appends below) also -EINVAL for
 *	a malformed tag, -EALREADY and -ESTALE. O_NONBLOCK does not
 *	apply: a write always waits for its commit or an error. On a follower
 *	the record is forwarded to the leader; members are expected to share
 *	maxRecordSize (a leader drops a follower that forwards a larger one).
 *
 * read(2): returns the next committed record as a struct zab_rec_hdr followed
 *	by its payload. A new file starts at zxid 1, the beginning of the log.
 *	The buffer must hold the whole record, else -EMSGSIZE and the position
 *	does not move. Blocks until a record is committed; -EAGAIN with
 *	O_NONBLOCK. Returns 0 (end of file) after the instance is destroyed.
 *	A reader whose next record fell out of the window gets -ERANGE
 *	(ZAB_IOC_STATUS gives window_first; ZAB_IOC_SEEK there).
 *
 * poll(2): EPOLLIN when a committed record is ready; EPOLLOUT when a
 *	write would be accepted (a leader is known).
 *
 * lseek(2) is not supported; use ZAB_IOC_SEEK.
 */
struct zab_rec_hdr {
	__u64 zxid;
	__u32 len;	/* payload bytes that follow this header */
	__u32 flags;	/* zero for now */
};

/*
 * ZAB_IOC_APPEND: like write(2), and returns the zxid the record got; for a
 * retried exactly-once record already in the log, that record's zxid.
 */
struct zab_append {
	__u64 data;	/* user pointer to the payload */
	__u32 len;
	__u32 flags;	/* must be zero */
	__u64 zxid;	/* out */
};

/*
 * ZAB_IOC_APPEND_BATCH: append @count records (1..ZAB_APPEND_BATCH_MAX), each
 * a struct zab_append at @recs, in that order, without waiting for each
 * commit before the next record goes: one system call, and the records
 * share frames and sends. Every record's flags must be zero and its length
 * 1..maxRecordSize, or nothing is appended (-EINVAL, -EMSGSIZE). All go out
 * in one generation of the member's role: a role change part-way ends the
 * call, and no record after it is sent to another leader.
 * Returns once every record is known committed (0), or on the first that is
 * not: then @done records (a prefix) committed, and the call returns the
 * error of record @done, as a single append would: -ECONNRESET, -EINTR (a
 * signal; the call is never restarted once a record went out) or
 * -ESHUTDOWN (the instance destroyed): it, and any after it, may or may not
 * have committed; -ENOTCONN, -EMSGSIZE (maxRecordSize lowered meanwhile),
 * -ENOMEM, -EOVERFLOW: it and those after it were not appended. The zxids
 * of the first @done records are written back (only the zxid fields), and
 * @done always; -EFAULT if they cannot be, unless another error came first.
 * Like ZAB_IOC_APPEND, it needs a file opened for writing (else -EBADF).
 */
struct zab_append_batch {
	__u64 recs;	/* user pointer to @count struct zab_append */
	__u32 count;
	__u32 flags;	/* must be zero */
	__u32 done;	/* out: records committed, from the first */
	__u32 reserved;	/* must be zero */
};

#define ZAB_APPEND_BATCH_MAX 1024

/* ZAB_IOC_STATUS: a snapshot of the instance, cheap, no privileges needed. */
struct zab_status {
	__u32 state;		/* enum zab_state */
	__u32 epoch;
	__u32 myid;
	__u32 leader;		/* 0 if none */
	__u64 last_zxid;
	__u64 commit_zxid;
	__u64 window_first;	/* oldest zxid still in the window, 0 if empty */
	__u64 read_next;	/* zxid after the last one this file read */
};

/*
 * 0xBB: unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst
 * (0xAB, used before, is nbd's)
 */
#define ZAB_IOC_MAGIC	0xBB
#define ZAB_IOC_APPEND	_IOWR(ZAB_IOC_MAGIC, 1, struct zab_append)
#define ZAB_IOC_STATUS	_IOR(ZAB_IOC_MAGIC, 2, struct zab_status)
/* Position the reader: the next read returns the first record with zxid >= arg. */
#define ZAB_IOC_SEEK	_IOW(ZAB_IOC_MAGIC, 3, __u64)

/*
 * ZAB_IOC_RESTORE: load a log read back from disk into an instance, before
 * %ZAB_CMD_LOG. Needs CAP_NET_ADMIN; the instance must be LOOKING without a
 * log on disk. @op:
 *   ZAB_RESTORE_BASE    empty the log; it goes on after @zxid, as if every
 *                       record up to @zxid had left the window
 *   ZAB_RESTORE_RECORD  append the record @zxid (@data, @len), which must
 *                       follow the last one (the next counter of its
 *                       epoch, or counter 1 of a later epoch)
 *   ZAB_RESTORE_COMMIT  every record up to @zxid (not after the last one)
 *                       is committed
 *   ZAB_RESTORE_RECORDS append the records packed in the @len bytes at
 *                       @data (1..%ZAB_RESTORE_BATCH_MAX), in order, each a
 *                       struct zab_restore_rec, its payload, and padding
 *                       (ignored) up to a multiple of 8; @zxid is zero. On
 *                       an error the records before the bad one stay.
 * Errors: -EPERM, -EBUSY, -EINVAL (bad op, zxid or length, or @len or @data
 * set for an op without a payload), -EFAULT, -ESHUTDOWN, -ENOMEM.
 */
enum zab_restore_op {
	ZAB_RESTORE_BASE = 1,
	ZAB_RESTORE_RECORD,
	ZAB_RESTORE_COMMIT,
	ZAB_RESTORE_RECORDS,
};

#define ZAB_RESTORE_BATCH_MAX	(64U * 1024 * 1024)

struct zab_restore_rec {
	__u64 zxid;
	__u32 len;	/* payload bytes, 1..%ZAB_MAX_RECORD_LIMIT */
	__u32 reserved;	/* zero */
};

struct zab_restore {
	__u32 op;	/* enum zab_restore_op */
	__u32 len;	/* payload bytes (RECORD, RECORDS), else zero */
	__u64 zxid;
	__u64 data;	/* user pointer to them (RECORD, RECORDS), else zero */
};

#define ZAB_IOC_RESTORE	_IOW(ZAB_IOC_MAGIC, 4, struct zab_restore)

/*
 * ZAB_IOC_LOG_PATH: where the log on disk is, so that a reader can read the
 * records that left the window from its segments (libzab does). Copies the
 * directory's path, as seen from the caller's root, with its NUL, into
 * @buf. Returns its length (without the NUL); -ENOENT in memory mode or
 * once the instance is destroyed, -EACCES unless the caller may read and
 * search the directory, -ENAMETOOLONG if @len is too small.
 */
struct zab_log_path {
	__u64 buf;	/* user pointer */
	__u32 len;	/* its size */
	__u32 reserved;	/* zero */
};

#define ZAB_IOC_LOG_PATH _IOW(ZAB_IOC_MAGIC, 5, struct zab_log_path)
#define ZAB_IOC_APPEND_BATCH _IOWR(ZAB_IOC_MAGIC, 6, struct zab_append_batch)

/*
 * ZAB_IOC_SYNC: wait until this member has delivered every record the
 * leader had committed when the call reached the leader, and store the
 * leader's read index (a zxid) at the argument: reads that follow return
 * every record up to it. The leader first confirms with a quorum that it
 * still leads, so a deposed leader, or a follower of one, never returns
 * success. Reads that follow a sync see every write that completed before
 * it began, on any member (linearizable reads, as ZooKeeper's sync()
 * before a read, made a quorum operation). Costs a round trip to the
 * leader and one from it to a quorum. Errors: -ENOTCONN no leader
 * (LOOKING), -ECONNRESET the role changed first (a leader cut off from
 * its quorum fails so once its followers time out), -ESHUTDOWN the
 * instance was destroyed, -EINTR a signal (never restarted, even with
 * SA_RESTART: it would start over), -EFAULT (the argument is written only
 * on success). O_NONBLOCK does not apply: a sync on
 * a leader cut off from its quorum blocks until syncLimit ends its
 * leadership. A member that took a SNAP meanwhile holds the records up
 * to the snapshot's zxid in the snapshot zabd fetches, not in the window:
 * a read before window_first gets -ERANGE as always. Any open file may
 * sync.
 */
#define ZAB_IOC_SYNC	_IOR(ZAB_IOC_MAGIC, 7, __u64)

/*
 * The log on disk
 * ---------------
 * With %ZAB_CMD_LOG the kernel appends the log to segment files in a
 * directory: "log.Z" with Z the first zxid it logs there (16 hex digits),
 * or "log.Z.SEQ" if that name is taken. A segment is a struct zab_seg_hdr,
 * then entries, each a struct zab_disk_rec and @len payload bytes. The
 * segments of a directory form one sequence in the order of their @seq.
 * Entries are records and the changes the log went through, in order:
 *   RECORD  a record (zxid, payload)
 *   TRUNC   every record after zxid was discarded (a new leader's TRUNC)
 *   RESET   every record was discarded; the log goes on after zxid (SNAP)
 *   COMMIT  every record up to zxid is committed (a lower bound: commit
 *           points are written with the records, not flushed on their own)
 *   DURABLE every entry before this one, in this segment and the ones
 *           before it, was on disk when it was written (fsync mode: after
 *           each fsync that made records durable, if nothing was appended
 *           meanwhile; zxid is the last record written then). Not flushed
 *           on its own. Its reserved2 is the segment's @nonce: a record's
 *           payload that looks like one is not taken for one. A reader that
 *           finds a whole DURABLE of the segment after an entry or segment
 *           it cannot read knows that what it lost had been on disk, and
 *           perhaps acknowledged.
 * All integers are big-endian; crc is CRC-32C (Castagnoli, as iSCSI and
 * ext4 use it) of the header with crc zero, then of the payload. A reader
 * stops at the first entry that is torn (cut short) or does not check.
 *
 * Segments of format 1 (%ZAB_SEG_MAGIC_V1) have a zero @nonce and no
 * DURABLE entries; the kernel writes them unless %ZAB_A_LOG_FORMAT asks
 * for 2. Readers of format 1 only take a segment of format 2 for one whose
 * header does not check.
 */
#define ZAB_SEG_MAGIC	0x5a41424c4f473032ULL	/* "ZABLOG02" */
#define ZAB_SEG_MAGIC_V1 0x5a41424c4f473031ULL	/* "ZABLOG01" */

struct zab_seg_hdr {
	__be64 magic;
	__be64 seq;	/* 1 for the first segment of a directory, then +1 */
	__be64 prev;	/* zxid of the last record before this segment */
	__be32 nonce;	/* random, not zero (format 1: zero) */
	__be32 crc;	/* of the 28 bytes before it */
};

enum zab_disk_type {
	ZAB_DISK_RECORD = 1,
	ZAB_DISK_TRUNC,
	ZAB_DISK_RESET,
	ZAB_DISK_COMMIT,
	ZAB_DISK_DURABLE,
};

struct zab_disk_rec {
	__u8 type;	/* enum zab_disk_type */
	__u8 flags;	/* zero */
	__be16 reserved;	/* zero */
	__be32 len;	/* payload bytes (RECORD: 1..16M), else zero */
	__be64 zxid;
	__be32 reserved2;	/* zero; DURABLE: the segment's nonce */
	__be32 crc;
};

/*
 * Snapshots
 * ---------
 * zabd (and "zabctl snapshot") write beside the segments "snap.Z", with Z
 * the zxid it is taken at (16 hex digits): the committed records up to Z,
 * compacted by key (see Keyed records below): of the keyed records only the
 * last of each key is kept, and not even that one if its value is empty;
 * every record without a key is kept. The file is a struct zab_snap_hdr,
 * then the records kept, in zxid order, as RECORD entries of the segments'
 * format, then one COMMIT entry with zxid Z that ends the file. A snapshot
 * whose header or any entry does not check, or that does not end with that
 * COMMIT entry, is not used. @base is nonzero if the member never held the
 * records up to it (it was synchronised by SNAP): the snapshot then stands
 * for the records after @base only.
 */
#define ZAB_SNAP_MAGIC	0x5a4142534e503031ULL	/* "ZABSNP01" */

struct zab_snap_hdr {
	__be64 magic;
	__be64 zxid;	/* Z */
	__be64 base;
	__be64 records;	/* RECORD entries that follow */
	__be32 reserved;	/* zero */
	__be32 crc;	/* CRC-32C of the 36 bytes before it */
};

/*
 * Keyed records
 * -------------
 * A record may carry a key: it then starts with a struct zab_kv_hdr, then
 * @key_len (1..%ZAB_KEY_MAX) bytes of key, then the value, the rest of the
 * record, which may be empty (the key is deleted). A record that does not
 * start with %ZAB_KV_MAGIC has no key. The magic begins with a NUL byte, so
 * no text record is ever taken for a keyed one.
 */
#define ZAB_KV_MAGIC	0x005a4b56U	/* "\0ZKV" */
#define ZAB_KEY_MAX	1024

struct zab_kv_hdr {
	__be32 magic;
	__be16 key_len;
	__be16 reserved;	/* zero */
};

/*
 * Exactly-once appends
 * --------------------
 * A writer that got -ECONNRESET (or -EINTR, -ESHUTDOWN) does not know
 * whether its record committed. A record may carry a tag that lets it
 * retry without a duplicate: it then starts with a struct zab_once_hdr,
 * then the application's record (which may be keyed, or empty). @client
 * names the writer (nonzero, unique among the instance's writers, e.g.
 * random); @seq numbers its records (nonzero), each greater than the
 * last it wrote; @after is a zxid the writer knew committed before it
 * first tried this record: the zxid of its previous record, or for its
 * first the commit point when it started (ZAB_IOC_STATUS). A retry sends
 * the same tag (and record).
 *
 * Every member keeps, for the records in its log, each client's last
 * @seq and its zxid, from @floor on: what it learned from records after
 * @floor (the start of its log, a restore's base, a SNAP's base, a client
 * forgotten for room, the least recently written of more than
 * %ZAB_ONCE_CLIENTS_MAX; see zabctl show's once_clients and once_floor).
 * The leader, before it proposes a tagged record, looks its client up:
 *  - the same @seq is in the log: nothing is appended, and the append
 *    returns (once it is committed) that record's zxid;
 *  - a greater @seq is: -EALREADY (the writer already moved past it);
 *  - a smaller one is, or none and @after >= @floor: appended;
 *  - none, and @after < @floor: -ESTALE; the leader cannot tell, and
 *    the writer must look in the log itself (zabctl tail, the history
 *    reader), or give up on the record.
 * A new leader holds every committed record, so a retry after a failover
 * finds the original if it committed (or if the new leader holds it
 * uncommitted: it then commits). One record of a client in flight at a
 * time: a client's next @seq only after its last one is known committed.
 * A record that starts with %ZAB_ONCE_MAGIC but whose header is malformed
 * (too short, @client or @seq zero, @reserved not zero) is refused with
 * -EINVAL. The magic begins with a NUL byte, as %ZAB_KV_MAGIC does.
 */
#define ZAB_ONCE_MAGIC	0x005a4f4eU	/* "\0ZON" */
#define ZAB_ONCE_CLIENTS_MAX	65536

struct zab_once_hdr {
	__be32 magic;
	__be32 reserved;	/* zero */
	__be64 client;
	__be64 seq;
	__be64 after;
};

/*
 * The peer wire format
 * --------------------
 * Over each leader-follower TCP connection flows a stream of frames: a
 * struct zab_frame header followed by @len bytes of body. All integers are
 * big-endian. Frames a peer sends are untrusted: an unknown type, a length
 * out of bounds, a zxid out of order or a frame in the wrong direction shuts
 * that connection down with %ZAB_REASON_PROTOCOL.
 *
 *   type           direction          body
 *   PROPOSAL       leader->follower   struct zab_proposal + payload
 *   ACK            follower->leader   struct zab_zxid_body: every proposal up
 *                                     to zxid is logged (cumulative)
 *   COMMIT         leader->follower   struct zab_zxid_body: every proposal up
 *                                     to zxid is committed (cumulative)
 *   PING           both               struct zab_ping; the leader sends one
 *                                     every tick, the follower echoes it with
 *                                     %ZAB_PING_REPLY set
 *   REQUEST        follower->leader   struct zab_request + payload: a write
 *                                     made on the follower
 *   TRUNC          leader->follower   struct zab_zxid_body: discard every
 *                                     record after zxid (never below the
 *                                     follower's commit point); first frame
 *                                     of a connection, if any
 *   SNAP           leader->follower   struct zab_zxid_body: discard the whole
 *                                     log and go on from zxid, as if every
 *                                     record up to it had left the window;
 *                                     first frame of a connection, if any
 *   SYNC           follower->leader   struct zab_sync_body, zxid zero: a question
 *                                     (%ZAB_IOC_SYNC); seq from 1, greater
 *                                     than the last on the connection
 *                  leader->follower   with %ZAB_SYNC_REPLY: the answer to
 *                                     question seq (and every earlier one),
 *                                     zxid the leader's read index; each
 *                                     answer's seq greater than the last,
 *                                     never one not asked
 *   REPLY          leader->follower   struct zab_reply: the answer to a
 *                                     REQUEST that was not proposed, for
 *                                     an exactly-once record (ZAB_REPLY_*)
 *
 * Synchronisation happens on the same stream. When a follower is attached
 * with its last zxid L, the leader sends TRUNC if L is not in its log (the
 * follower holds proposals of a failed leader), then every record the
 * follower lacks (DIFF), then the live stream. If records the follower
 * lacks have left the leader's window, or the leader cannot tell where the
 * follower's history leaves its own (L is in an epoch of which the leader
 * holds no record), the leader sends SNAP with the zxid its window starts
 * after instead, then its whole window: the follower's log becomes what the
 * leader's readers see. Proposals arrive in zxid
 * order: each is one more than the last in the same epoch, or the first
 * (counter 1) of a later epoch. A PROPOSAL names the member and request id a
 * forwarded write came from, so that member can wake its writer when the
 * record commits. Acknowledgments are cumulative, so a new leader's history
 * is committed once a quorum acknowledged it, as ZAB's NEWLEADER requires.
 */
enum zab_frame_type {
	ZAB_FRAME_PROPOSAL = 1,
	ZAB_FRAME_ACK,
	ZAB_FRAME_COMMIT,
	ZAB_FRAME_PING,
	ZAB_FRAME_REQUEST,
	ZAB_FRAME_TRUNC,
	ZAB_FRAME_SNAP,
	ZAB_FRAME_SYNC,
	ZAB_FRAME_REPLY,
};

struct zab_frame {
	__u8 type;		/* enum zab_frame_type */
	__u8 flags;		/* per type; unknown bits must be zero */
	__be16 reserved;	/* zero */
	__be32 len;		/* body bytes that follow */
};

struct zab_proposal {
	__be64 zxid;
	__be64 req_id;		/* the origin's request id, 0 if none */
	__be32 origin;		/* member id the write came from */
	__be32 reserved;	/* zero */
};

struct zab_zxid_body {
	__be64 zxid;
};

#define ZAB_PING_REPLY	0x01
struct zab_ping {
	__be64 stamp;		/* sender's clock, echoed in the reply */
};

struct zab_request {
	__be64 req_id;
};

#define ZAB_SYNC_REPLY	0x01
struct zab_sync_body {
	__be64 seq;		/* the question's number */
	__be64 zxid;		/* the read index in a reply, else zero */
};

/*
 * enum zab_reply_status - why a REQUEST was not proposed
 * @ZAB_REPLY_DUPLICATE: its tag's record is in the log as @zxid
 * @ZAB_REPLY_ALREADY: a later record of its client is (-EALREADY)
 * @ZAB_REPLY_STALE: the leader cannot tell (-ESTALE)
 */
enum zab_reply_status {
	ZAB_REPLY_DUPLICATE,
	ZAB_REPLY_ALREADY,
	ZAB_REPLY_STALE,
};

struct zab_reply {
	__be64 req_id;		/* the REQUEST's */
	__be64 zxid;		/* DUPLICATE: the record's, else zero */
	__be32 status;		/* enum zab_reply_status */
	__be32 reserved;	/* zero */
};

#endif /* _UAPI_LINUX_ZAB_H */
