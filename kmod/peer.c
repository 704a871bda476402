// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: TCP sockets handed over by userspace and owned by the kernel.
 *
 * Attaching swaps the socket's callbacks for ours, which only queue work:
 * nothing is received, sent or parsed in softirq context. Detaching restores
 * them, shuts the socket down and waits for the work to finish. A peer that
 * fails records why and leaves the rest to the instance's reap work, in
 * process context, so a failure can be reported from any context.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "kmod/instance.h"
#include "kmod/peer.h"
#include "kmod/txn.h"

struct workqueue_struct *zab_wq;

static struct zab_peer *peer_of(struct sock *sk)
{
	struct zab_peer *peer = sk->sk_user_data;

	return peer && !READ_ONCE(peer->dead) ? peer : NULL;
}

static void zab_sk_data_ready(struct sock *sk)
{
	struct zab_peer *peer;

	read_lock_bh(&sk->sk_callback_lock);
	peer = peer_of(sk);
	if (peer)
		queue_work(zab_wq, &peer->rx_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zab_sk_write_space(struct sock *sk)
{
	struct zab_peer *peer;

	read_lock_bh(&sk->sk_callback_lock);
	peer = peer_of(sk);
	if (peer && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		queue_work(zab_wq, &peer->tx_work);
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

/**
 * zab_peer_create() - take a connected TCP socket from userspace
 * @zi: the instance
 * @id: the peer's member id
 * @fd: the socket's descriptor in the calling process
 * @last_zxid: the last zxid the peer holds
 * @err: set to -EBADF, -ENOTSOCK (not a socket), -EPROTONOSUPPORT (not
 *	TCP), -ENOTCONN (not established), -EBUSY (the socket has another
 *	owner) or -ENOMEM on failure
 *
 * The socket is claimed (its sk_user_data points to the peer) but its
 * callbacks are not swapped yet: see zab_peer_attach().
 *
 * Return: the peer with one reference, or NULL.
 */
struct zab_peer *zab_peer_create(struct zab_instance *zi, u32 id, int fd,
				 u64 last_zxid, int *err)
{
	struct zab_peer *peer;
	struct socket *sock;
	bool busy = false;
	struct sock *sk;

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
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer) {
		*err = -ENOMEM;
		goto err_put;
	}
	/* claim it: no other owner (another instance, a ULP, a sockmap) */
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data || inet_csk(sk)->icsk_ulp_ops)
		busy = true;
	else
		sk->sk_user_data = peer;
	write_unlock_bh(&sk->sk_callback_lock);
	if (busy) {
		kfree(peer);
		*err = -EBUSY;
		goto err_put;
	}
	kref_init(&peer->ref);
	INIT_LIST_HEAD(&peer->node);
	peer->zi = zi;
	peer->id = id;
	peer->sock = sock;
	INIT_WORK(&peer->rx_work, zab_peer_rx_worker);
	INIT_WORK(&peer->tx_work, zab_peer_tx_worker);
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
	INIT_LIST_HEAD(&peer->requests);
	return peer;

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
	write_lock_bh(&sk->sk_callback_lock);
	peer->saved_data_ready = sk->sk_data_ready;
	peer->saved_write_space = sk->sk_write_space;
	peer->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = zab_sk_data_ready;
	sk->sk_write_space = zab_sk_write_space;
	sk->sk_state_change = zab_sk_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	queue_work(zab_wq, &peer->rx_work);
	queue_work(zab_wq, &peer->tx_work);
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
	struct zab_txn *txn, *tmp;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = peer->saved_data_ready;
	sk->sk_write_space = peer->saved_write_space;
	sk->sk_state_change = peer->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	kernel_sock_shutdown(peer->sock, SHUT_RDWR);
	cancel_work_sync(&peer->rx_work);
	cancel_work_sync(&peer->tx_work);

	zab_txn_put(peer->tx.txn);
	peer->tx.txn = NULL;
	zab_txn_put(peer->rx.txn);
	peer->rx.txn = NULL;
	list_for_each_entry_safe(txn, tmp, &peer->requests, qnode) {
		list_del_init(&txn->qnode);
		zab_txn_put(txn);
	}
}

static void zab_peer_release(struct kref *ref)
{
	struct zab_peer *peer = container_of(ref, struct zab_peer, ref);
	struct sock *sk = peer->sock->sk;

	/* a peer never attached still holds its claim */
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == peer)
		sk->sk_user_data = NULL;
	write_unlock_bh(&sk->sk_callback_lock);
	sockfd_put(peer->sock);
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
 */
void zab_peer_down(struct zab_peer *peer, enum zab_reason reason)
{
	if (atomic_cmpxchg(&peer->down, 0, reason) == 0)
		queue_work(zab_wq, &peer->zi->reap_work);
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
		queue_work(zab_wq, &peer->tx_work);
}
