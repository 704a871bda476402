// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: TCP sockets handed over by userspace and owned by the kernel.
 *
 * Attaching swaps the socket's callbacks for ours, which only queue work:
 * nothing is received, sent or parsed in softirq context. It also takes the
 * socket away from whoever still holds its file (zabd, a child it forked):
 * the calls that would read or write the stream, or change the socket
 * under us (recvmsg, sendmsg, splice, mmap, setsockopt, getsockopt,
 * connect, listen, bind), fail with EBUSY, as ovpn does with the sockets
 * it is given, from the moment the peer claims the socket: its
 * sk_user_data, set with SK_USER_DATA_NOCOPY so that no socket cloned from
 * it inherits it. setsockopt() at SOL_SOCKET does not go through the
 * socket's operations, except SO_RCVLOWAT (refused too, and set back to 1
 * at attach: a mark would hold back small frames); the others can slow a
 * peer down, not corrupt its stream. A call already under way when the
 * socket is handed over is not stopped: the caller (zabd) hands over only
 * sockets it has no call on. The kernel sends
 * and receives through TCP itself. A socket zabd encrypted with kernel TLS
 * (both directions) is taken the same way: our callbacks then call TLS's
 * first, and frames go through TLS's sendmsg and receive (see receive.c,
 * send.c). Detaching restores them, shuts the
 * socket down and waits for the work to finish. A peer that
 * fails records why and leaves the rest to the instance's reap work, in
 * process context, so a failure can be reported from any context.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/sched/isolation.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>

#include "kmod/instance.h"
#include "kmod/peer.h"
#include "kmod/txn.h"

struct workqueue_struct *zab_wq;

/*
 * Where a peer's works run. By default on the CPU that queues them, and in
 * one kernel (or over loopback) that gathers every member's works on one
 * CPU: each work queues the next on its own CPU, since a send runs the
 * receiver's softirq in the sender's context. Good for batching (a busy
 * CPU lets frames pile up, and they go out together), but a leader's
 * followers are then served one after the other. With spread_followers a
 * leader asks for a CPU for each follower's (and observer's) works, the
 * next online one round robin across all instances, as WireGuard and
 * nvme-tcp spread their works: a record is sent to, and acknowledged by,
 * its followers side by side. Measured in one VM (README, "Benchmark"):
 * the commit latency falls by about a third and large records go faster,
 * but many writers of small records commit far fewer, each send carrying
 * fewer frames. Isolated CPUs (isolcpus=, nohz_full=, and on 6.12 isolated
 * cpuset partitions) and those kept from workqueues are skipped, as memcg
 * skips them for its per-CPU works. A CPU that goes offline meanwhile only loses the
 * affinity: the workqueue runs its works elsewhere (zabctl still names
 * the CPU asked for). On an unbound workqueue (wq_unbound) a CPU would
 * only choose a pool, not where the works run: nothing is asked for.
 */
static bool spread_followers;
module_param(spread_followers, bool, 0644);
MODULE_PARM_DESC(spread_followers,
		 "a leader asks for a CPU for each follower's works, round robin (for followers attached from then on; default: the CPU that queues them)");

static int last_cpu = -1;

/**
 * zab_peer_place() - choose where the peer's works run
 * @peer: a peer not yet published (on zi->peers) nor attached;
 *	@peer->to_follower set
 *
 * Context: process, under zi->lock.
 */
void zab_peer_place(struct zab_peer *peer)
{
	int cpu = READ_ONCE(last_cpu);
	bool wrapped = false;

	/* else it stays WORK_CPU_UNBOUND, as created */
	if (!peer->to_follower || !READ_ONCE(spread_followers) || zab_wq_unbound)
		return;
	/* racy across instances: only the spread suffers, never the CPU */
	for (;;) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids) {
			if (wrapped)
				return;	/* none to ask for: as created */
			wrapped = true;
			cpu = -1;
			continue;
		}
		if (!cpu_is_isolated(cpu) && housekeeping_cpu(cpu, HK_TYPE_WQ))
			break;
	}
	WRITE_ONCE(last_cpu, cpu);
	peer->cpu = cpu;
}

/**
 * zab_peer_queue_rx() - have the peer's receive work run
 * @peer: the peer
 *
 * Context: any; the caller keeps @peer reachable.
 */
void zab_peer_queue_rx(struct zab_peer *peer)
{
	queue_work_on(peer->cpu, zab_wq, &peer->rx_work);
}

static void queue_tx(struct zab_peer *peer)
{
	queue_work_on(peer->cpu, zab_wq, &peer->tx_work);
}

/*
 * The socket operations of a claimed peer: a copy of its own operations
 * (its family's TCP operations, or kernel TLS's for that family and
 * configuration) with the ones that touch the stream refused. Built once per
 * set of operations, from the first socket claimed that has them, and never
 * freed: a caller may still be inside one after detach restored the
 * socket's own. A copy of TLS's holds the tls module until zab's unloads
 * (zab_peer_ops_release()), so that the operations it copied and the
 * address it is keyed by stay TLS's own.
 */
struct zab_sock_ops {
	const struct proto_ops *base;
	struct module *owner;
	struct proto_ops ops;
};

/* AF_INET and AF_INET6: plain, and TLS each way in software or a device */
static struct zab_sock_ops zab_sock_ops[12];
static DEFINE_MUTEX(zab_sock_ops_lock);

static int busy_sendmsg(struct socket *sock, struct msghdr *m, size_t len)
{
	return -EBUSY;
}

static int busy_recvmsg(struct socket *sock, struct msghdr *m, size_t len,
			int flags)
{
	return -EBUSY;
}

static int busy_mmap(struct file *file, struct socket *sock,
		     struct vm_area_struct *vma)
{
	return -EBUSY;
}

static ssize_t busy_splice_read(struct socket *sock, loff_t *ppos,
				struct pipe_inode_info *pipe, size_t len,
				unsigned int flags)
{
	return -EBUSY;
}

#ifdef ZAB_HAVE_SENDPAGE
static ssize_t busy_sendpage(struct socket *sock, struct page *page,
			     int offset, size_t size, int flags)
{
	return -EBUSY;
}
#endif

static int busy_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	return -EBUSY;
}

static int busy_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	return -EBUSY;
}

/*
 * connect(AF_UNSPEC) would disconnect the socket under us without a
 * state change, and listen() on it then clone our sk_user_data and
 * callbacks into every child it accepts: both refused, and bind() with
 * them.
 */
static int busy_connect(struct socket *sock, struct sockaddr *addr,
			int len, int flags)
{
	return -EBUSY;
}

static int busy_listen(struct socket *sock, int backlog)
{
	return -EBUSY;
}

static int busy_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	return -EBUSY;
}

/* SO_RCVLOWAT goes through here: a mark would hold back small frames */
static int busy_set_rcvlowat(struct sock *sk, int val)
{
	return -EBUSY;
}

/* Is @ops one of our copies (a socket another peer claims)? */
static bool ops_claimed(const struct proto_ops *ops)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(zab_sock_ops); i++) {
		if (ops == &zab_sock_ops[i].ops)
			return true;
	}
	return false;
}

/*
 * The operations to give a socket of operations @base while claimed, or
 * NULL if out of room. A new copy takes a reference on @owner, the module
 * of the socket's ULP (NULL: none), which the socket holds meanwhile.
 */
static const struct proto_ops *claimed_ops(const struct proto_ops *base,
					   struct module *owner)
{
	const struct proto_ops *ret = NULL;
	struct zab_sock_ops *so;
	int i;

	mutex_lock(&zab_sock_ops_lock);
	for (i = 0; i < ARRAY_SIZE(zab_sock_ops); i++) {
		so = &zab_sock_ops[i];
		if (so->base == base) {
			ret = &so->ops;
			break;
		}
		if (so->base)
			continue;
		so->ops = *base;
		so->ops.sendmsg = busy_sendmsg;
		so->ops.recvmsg = busy_recvmsg;
		so->ops.mmap = busy_mmap;
		so->ops.splice_read = busy_splice_read;
#ifdef ZAB_HAVE_SENDPAGE
		so->ops.sendpage = busy_sendpage;
#endif
		so->ops.setsockopt = busy_setsockopt;
		so->ops.getsockopt = busy_getsockopt;
		so->ops.connect = busy_connect;
		so->ops.listen = busy_listen;
		so->ops.bind = busy_bind;
		so->ops.set_rcvlowat = busy_set_rcvlowat;
#ifdef ZAB_HAVE_SPLICE_EOF
		so->ops.splice_eof = NULL;	/* would close TLS's open record */
#endif
		if (owner)
			__module_get(owner);
		so->owner = owner;
		so->base = base;
		ret = &so->ops;
		break;
	}
	mutex_unlock(&zab_sock_ops_lock);
	return ret;
}

/**
 * zab_peer_ops_release() - drop the modules the socket operations' copies hold
 *
 * At module unload, once no peer is left.
 */
void zab_peer_ops_release(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(zab_sock_ops); i++) {
		module_put(zab_sock_ops[i].owner);
		zab_sock_ops[i].owner = NULL;
	}
}

/*
 * The upper layer protocol on @sk, if any: none (0), kernel TLS in both
 * directions (1, its module in *@owner), or something else (-1): another
 * ULP, or TLS with a direction left in clear. The caller owns the socket.
 */
static int sock_ulp(struct sock *sk, struct module **owner)
{
	const struct tcp_ulp_ops *ulp;
	struct tls_context *ctx;
	int ret = 0;

	sock_owned_by_me(sk);
	ulp = inet_csk(sk)->icsk_ulp_ops;
	if (ulp) {
		ctx = tls_get_ctx(sk);
		ret = strcmp(ulp->name, "tls") || !ctx ||
		      (ctx->tx_conf != TLS_SW && ctx->tx_conf != TLS_HW) ||
		      (ctx->rx_conf != TLS_SW && ctx->rx_conf != TLS_HW) ?
		      -1 : 1;
		if (ret == 1)
			*owner = ulp->owner;
	}
	return ret;
}

/* Under sk_callback_lock: our peer, without the flag bits (zab_peer_create()). */
static struct zab_peer *peer_claiming(const struct sock *sk)
{
	return __locked_read_sk_user_data_with_flags(sk, SK_USER_DATA_NOCOPY);
}

static struct zab_peer *peer_of(struct sock *sk)
{
	struct zab_peer *peer = peer_claiming(sk);

	return peer && !READ_ONCE(peer->dead) ? peer : NULL;
}

static void zab_sk_data_ready(struct sock *sk)
{
	struct zab_peer *peer;

	read_lock_bh(&sk->sk_callback_lock);
	peer = peer_of(sk);
	/* TLS gathers its records, and says when one is whole: zab_peer_wake() */
	if (peer && peer->tls) {
		peer->saved_data_ready(sk);
		/* urgent data stops TLS's parser: no record would come */
		if (READ_ONCE(tcp_sk(sk)->urg_data))
			zab_peer_down(peer, ZAB_REASON_PROTOCOL);
	} else if (peer) {
		zab_peer_queue_rx(peer);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zab_sk_write_space(struct sock *sk)
{
	struct zab_peer *peer;

	read_lock_bh(&sk->sk_callback_lock);
	peer = peer_of(sk);
	if (peer && peer->tls)	/* TLS sends the records it holds */
		peer->saved_write_space(sk);
	if (peer && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		queue_tx(peer);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zab_sk_state_change(struct sock *sk)
{
	struct zab_peer *peer;

	read_lock_bh(&sk->sk_callback_lock);
	peer = peer_of(sk);
	if (peer && sk->sk_state != TCP_ESTABLISHED)
		zab_peer_down(peer, sk->sk_err ? ZAB_REASON_SOCK_ERROR :
				    ZAB_REASON_CLOSED);
	read_unlock_bh(&sk->sk_callback_lock);
}

/*
 * Kernel TLS makes a record ready to read in its stream parser's work when
 * the socket was busy as the data came in, and from the softirq otherwise:
 * either way it tells the socket's wait queue (sock_def_readable()), not
 * our data_ready, which had run before. Space to send needs no such entry:
 * TCP calls our write_space, which calls TLS's (readiness to send is
 * signalled there far more often than it is needed: only rx listens).
 */
static int zab_peer_wake(struct wait_queue_entry *wait, unsigned int mode,
			 int sync, void *key)
{
	struct zab_peer *peer = container_of(wait, struct zab_peer, wake);
	__poll_t mask = key_to_poll(key);

	/* no mask: a wake for every reason, as epoll takes it */
	if (!mask || (mask & (EPOLLIN | EPOLLRDNORM | EPOLLERR | EPOLLHUP)))
		zab_peer_queue_rx(peer);
	return 0;
}

/**
 * zab_peer_create() - take a connected TCP socket from userspace
 * @zi: the instance
 * @id: the peer's member id
 * @fd: the socket's descriptor in the calling process
 * @last_zxid: the last zxid the peer holds
 * @err: set to -EBADF, -ENOTSOCK (not a socket), -EPROTONOSUPPORT (not
 *	TCP), -ENOTCONN (not established), -EBUSY (the socket has another
 *	owner, or an upper layer protocol other than kernel TLS set up both
 *	ways) or -ENOMEM on failure
 *
 * The socket is claimed (its sk_user_data points to the peer, and it has
 * our restricted operations) but its callbacks are not swapped yet: see
 * zab_peer_attach().
 *
 * Return: the peer with one reference, or NULL.
 */
struct zab_peer *zab_peer_create(struct zab_instance *zi, u32 id, int fd,
				 u64 last_zxid, int *err)
{
	const struct proto_ops *base;
	struct module *owner = NULL;
	struct zab_peer *peer;
	struct socket *sock;
	bool busy = false;
	struct sock *sk;
	int ulp;

	sock = sockfd_lookup(fd, err);
	if (!sock)
		return NULL;
	sk = sock->sk;
	if (sock->type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		*err = -EPROTONOSUPPORT;
		goto err_put;
	}
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		*err = -ENOTCONN;
		goto err_put;
	}
	/*
	 * Under the socket's lock until it is claimed: what changes its
	 * operations (a TLS setsockopt by the holder of its file) takes it.
	 */
	lock_sock(sk);
	ulp = sock_ulp(sk, &owner);
	base = sock->ops;
	if (ulp < 0 || ops_claimed(base)) {
		*err = -EBUSY;
		goto err_unlock;
	}
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (peer && ulp == 1 && zab_peer_tls_recvmsg(base)) {
		peer->rx_buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!peer->rx_buf) {
			kfree(peer);
			peer = NULL;
		}
	}
	if (!peer) {
		*err = -ENOMEM;
		goto err_unlock;
	}
	kref_init(&peer->ref);
	INIT_LIST_HEAD(&peer->node);
	peer->zi = zi;
	peer->id = id;
	peer->sock = sock;
	peer->tls = ulp == 1;
	INIT_WORK(&peer->rx_work, zab_peer_rx_worker);
	INIT_WORK(&peer->tx_work, zab_peer_tx_worker);
	peer->cpu = WORK_CPU_UNBOUND;	/* zab_peer_place() may choose */
	init_waitqueue_func_entry(&peer->wake, zab_peer_wake);
	atomic_set(&peer->down, 0);
	peer->last_rx = jiffies;
	peer->acked = last_zxid;
	peer->tx_zxid = last_zxid;
	peer->progress_acked = last_zxid;
	peer->progress_at = jiffies;
	peer->tx_commit = 0;
	peer->ack_sent = last_zxid;
	atomic64_set(&peer->ping_stamp, 0);
	spin_lock_init(&peer->req_lock);
	spin_lock_init(&peer->sync_lock);
	INIT_LIST_HEAD(&peer->requests);
	INIT_LIST_HEAD(&peer->replies);
	peer->saved_ops = base;
	peer->claimed_ops = claimed_ops(base, owner);
	if (!peer->claimed_ops) {
		*err = -ENOMEM;
		goto err_free;
	}
	/*
	 * Claim it, and its operations with it, at once: no other owner
	 * (another instance, a ULP, a sockmap), and for the holder of its
	 * file from now on, nothing that reads or writes the stream,
	 * disconnects it (shutdown() aside: that ends it, and the peer with
	 * it), makes it listen or changes its protocol. SK_USER_DATA_NOCOPY:
	 * no socket cloned from it inherits the claim. Detach, or release
	 * for a peer never attached, gives both back at once.
	 */
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data || (inet_csk(sk)->icsk_ulp_ops && ulp != 1) ||
	    READ_ONCE(sock->ops) != base) {
		busy = true;
	} else {
		__rcu_assign_sk_user_data_with_flags(sk, peer, SK_USER_DATA_NOCOPY);
		WRITE_ONCE(sock->ops, peer->claimed_ops);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	if (busy) {
		*err = -EBUSY;
		goto err_free;
	}
	release_sock(sk);
	return peer;

err_free:
	kfree(peer->rx_buf);
	kfree(peer);
err_unlock:
	release_sock(sk);
err_put:
	sockfd_put(sock);
	return NULL;
}

/**
 * zab_peer_attach() - take over the socket's callbacks
 * @peer: a peer from zab_peer_create()
 *
 * Data that arrived before is picked up by a first run of the receive work.
 */
void zab_peer_attach(struct zab_peer *peer)
{
	struct sock *sk = peer->sock->sk;

	tcp_sock_set_nodelay(sk);
	/* a low-water mark set before would hold back small frames' wake-ups */
	lock_sock(sk);
	WRITE_ONCE(sk->sk_rcvlowat, 1);
	release_sock(sk);
	/* from then on our callbacks may run the receive work */
	write_lock_bh(&sk->sk_callback_lock);
	peer->saved_data_ready = sk->sk_data_ready;
	peer->saved_write_space = sk->sk_write_space;
	peer->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = zab_sk_data_ready;
	sk->sk_write_space = zab_sk_write_space;
	sk->sk_state_change = zab_sk_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	if (peer->tls)
		add_wait_queue(sk_sleep(sk), &peer->wake);

	zab_peer_queue_rx(peer);
	queue_tx(peer);
	/* It may have closed before we were watching. */
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		zab_peer_down(peer, ZAB_REASON_CLOSED);
}

/**
 * zab_peer_detach() - give the socket back its callbacks and shut it down
 * @peer: a peer marked dead and unreachable from the instance for an RCU
 *	grace period, so nothing queues its work any more
 *
 * Context: process context; waits for the peer's work to finish.
 */
void zab_peer_detach(struct zab_peer *peer)
{
	struct sock *sk = peer->sock->sk;
	struct zab_reply_slot *r, *rtmp;
	struct zab_txn *txn, *tmp;

	write_lock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(peer->sock->ops, peer->saved_ops);
	rcu_assign_sk_user_data(sk, NULL);
	sk->sk_data_ready = peer->saved_data_ready;
	sk->sk_write_space = peer->saved_write_space;
	sk->sk_state_change = peer->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	if (peer->tls)
		remove_wait_queue(sk_sleep(sk), &peer->wake);

	kernel_sock_shutdown(peer->sock, SHUT_RDWR);
	cancel_work_sync(&peer->rx_work);
	cancel_work_sync(&peer->tx_work);

	while (peer->tx_n)
		zab_txn_put(peer->tx[--peer->tx_n].txn);
	zab_txn_put(peer->rx.txn);
	peer->rx.txn = NULL;
	list_for_each_entry_safe(txn, tmp, &peer->requests, qnode) {
		list_del_init(&txn->qnode);
		zab_txn_put(txn);
	}
	list_for_each_entry_safe(r, rtmp, &peer->replies, node)
		kfree(r);
	INIT_LIST_HEAD(&peer->replies);
	peer->reply_n = 0;
}

static void zab_peer_release(struct kref *ref)
{
	struct zab_peer *peer = container_of(ref, struct zab_peer, ref);
	struct sock *sk = peer->sock->sk;

	/* a peer never attached still holds its claim, and the operations */
	write_lock_bh(&sk->sk_callback_lock);
	if (peer_claiming(sk) == peer) {
		WRITE_ONCE(peer->sock->ops, peer->saved_ops);
		rcu_assign_sk_user_data(sk, NULL);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	sockfd_put(peer->sock);
	kfree(peer->rx_buf);
	kfree(peer);
}

/**
 * zab_peer_put() - drop a reference
 * @peer: the peer, may be NULL
 */
void zab_peer_put(struct zab_peer *peer)
{
	if (peer)
		kref_put(&peer->ref, zab_peer_release);
}

/**
 * zab_peer_down() - record that @peer failed and have it reaped
 * @peer: the peer
 * @reason: why; only the first reason is kept
 *
 * Context: any.
 * Return: true if @reason is the one kept (the peer was up until now).
 */
bool zab_peer_down(struct zab_peer *peer, enum zab_reason reason)
{
	if (atomic_cmpxchg(&peer->down, 0, reason) != 0)
		return false;
	queue_work(zab_wq, &peer->zi->reap_work);
	return true;
}

/**
 * zab_peer_kick() - have the peer's transmit work look for frames to send
 * @peer: the peer
 *
 * Context: any; the caller keeps @peer reachable (RCU or its own work).
 */
void zab_peer_kick(struct zab_peer *peer)
{
	if (!READ_ONCE(peer->dead))
		queue_tx(peer);
}

/**
 * zab_peer_reply() - have a REPLY sent to a follower
 * @peer: the follower
 * @req_id: the request it answers
 * @status: &enum zab_reply_status
 * @zxid: (%ZAB_REPLY_DUPLICATE) the record's zxid, else 0
 * @limit: the replies it may be owed at once (an honest follower's writes
 *	in flight bound them)
 *
 * Context: process; the caller keeps @peer reachable (its rx work).
 * Return: 0, -ENOBUFS if @limit replies wait already, or -ENOMEM.
 */
int zab_peer_reply(struct zab_peer *peer, u64 req_id, u32 status, u64 zxid,
		   u32 limit)
{
	struct zab_reply_slot *r = kmalloc(sizeof(*r), GFP_KERNEL);
	int err = 0;

	if (!r)
		return -ENOMEM;
	r->req_id = req_id;
	r->status = status;
	r->zxid = zxid;
	spin_lock_bh(&peer->req_lock);
	if (peer->reply_n >= limit) {
		err = -ENOBUFS;
	} else {
		list_add_tail(&r->node, &peer->replies);
		WRITE_ONCE(peer->reply_n, peer->reply_n + 1);
	}
	spin_unlock_bh(&peer->req_lock);
	if (err)
		kfree(r);
	else
		zab_peer_kick(peer);
	return err;
}

/**
 * zab_peer_next_reply() - take the oldest REPLY to send
 * @peer: the follower
 * @out: set to it
 *
 * Context: its tx work.
 * Return: true if there was one.
 */
bool zab_peer_next_reply(struct zab_peer *peer, struct zab_reply_slot *out)
{
	struct zab_reply_slot *r;

	if (!READ_ONCE(peer->reply_n))
		return false;
	spin_lock_bh(&peer->req_lock);
	r = list_first_entry_or_null(&peer->replies, struct zab_reply_slot,
				     node);
	if (r) {
		list_del(&r->node);
		WRITE_ONCE(peer->reply_n, peer->reply_n - 1);
	}
	spin_unlock_bh(&peer->req_lock);
	if (!r)
		return false;
	*out = *r;
	kfree(r);
	return true;
}

/**
 * zab_peer_ping() - have a PING sent to the peer, or a PING's reply
 * @peer: the peer
 * @stamp: the stamp it carries
 *
 * PINGs not yet sent coalesce: the one sent carries the newest stamp asked
 * for (a leader's stamps are its clock; a follower echoes the leader's).
 *
 * Context: any; the caller keeps @peer reachable (RCU or its own work).
 */
void zab_peer_ping(struct zab_peer *peer, u64 stamp)
{
	s64 cur = atomic64_read(&peer->ping_stamp);

	do {
		if ((u64)cur >= stamp)
			break;
	} while (!atomic64_try_cmpxchg(&peer->ping_stamp, &cur, stamp));
	zab_peer_kick(peer);
}
