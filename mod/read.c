// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's side of a connection: data handed to the user from rxq,
 * then a pending error, then end of stream, as a socket's read gives
 * them, and the window update the room it made is worth.
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"
#include "uapi/hsk.h"

#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <net/tcp.h>

/* The reader's side, without c->lock: hints (READ_ONCE). */
bool hsk_conn_eof(struct hsk_conn *c)
{
	return READ_ONCE(c->fin_rcvd) || READ_ONCE(c->rd_shut) ||
	       READ_ONCE(c->state) == HSK_CLOSE;
}

bool hsk_conn_readable(struct hsk_conn *c)
{
	return !skb_queue_empty_lockless(&c->rxq) || READ_ONCE(c->err) ||
	       hsk_conn_eof(c);
}

/*
 * Readers take c->rmutex, so only one dequeues; softirq only appends, so
 * the head skb can be copied (and fault) without c->lock held. Data first,
 * then a pending error (once), then end of stream.
 */
ssize_t hsk_conn_read(struct hsk_conn *c, struct iov_iter *to, bool nonblock)
{
	struct sk_buff *skb;
	ssize_t done = 0;
	int ret;

	if (!iov_iter_count(to))
		return 0;
	ret = mutex_lock_interruptible(&c->rmutex);
	if (ret)
		return ret;
	for (;;) {
		skb = skb_peek(&c->rxq);
		if (skb)
			break;
		/*
		 * As Linux: end of stream once the FIN is in, else a pending
		 * error, else end of stream after SHUT_RD (the queue is empty).
		 */
		ret = 0;
		if (READ_ONCE(c->fin_rcvd))
			goto out;
		spin_lock_bh(&c->lock);
		ret = -c->err;
		WRITE_ONCE(c->err, 0);
		spin_unlock_bh(&c->lock);
		if (ret || hsk_conn_eof(c))
			goto out;
		ret = -EAGAIN;
		if (nonblock)
			goto out;
		ret = wait_event_interruptible(c->wait, hsk_conn_readable(c));
		if (ret)
			goto out;
	}
	while (skb && iov_iter_count(to)) {
		size_t n = min_t(size_t, skb->len - c->rx_off,
				 iov_iter_count(to));

		if (skb_copy_datagram_iter(skb, c->rx_off, to, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		spin_lock_bh(&c->lock);
		c->rx_off += n;
		c->rx_bytes -= n;
		if (c->rx_off == skb->len) {
			__skb_unlink(skb, &c->rxq);
			c->rx_off = 0;
			c->rx_mem -= skb->truesize;
			consume_skb(skb);
		}
		skb = skb_peek(&c->rxq);
		spin_unlock_bh(&c->lock);
	}
	if (done)
		hsk_conn_read_done(c);
out:
	mutex_unlock(&c->rmutex);
	return done ?: ret;
}

/* The reader made room: tell the peer once it is worth a segment. */
void hsk_conn_read_done(struct hsk_conn *c)
{
	u32 promised, space;

	spin_lock_bh(&c->lock);
	if (c->state == HSK_CLOSE)
		goto out;
	/*
	 * The reader took all there was, short segments among it: the
	 * sender may be waiting for this ACK (a last segment, or one a
	 * Nagle holds back), as Linux's tcp_cleanup_rbuf() sees it. In
	 * pingpong mode one short segment is a request its reply answers.
	 */
	if (c->ack_delayed && !c->rx_bytes &&
	    (c->pushed > 1 || (c->pushed && !c->pingpong))) {
		hsk_conn_send_ack(c);
		goto out;
	}
	if (c->fin_rcvd)
		goto out;
	promised = hsk_conn_promised(c);
	/* Only what the window field can say is news to the peer. */
	space = min_t(u32, hsk_conn_rcv_space(c), (u32)U16_MAX << c->rcv_wscale);
	if (space >= promised + max_t(u32, 2 * c->mss, HSK_RCVBUF / 4) ||
	    (!promised && space >= c->mss))
		hsk_conn_send_ack(c);
out:
	hsk_conn_rmem_sync(c);
	spin_unlock_bh(&c->lock);
}
