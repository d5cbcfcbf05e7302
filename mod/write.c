// SPDX-License-Identifier: GPL-2.0
/*
 * The user's writes: data copied into the send queue in segments of the
 * peer's MSS, within the send buffer, blocking while it is full, and
 * pushed to send.c's engine as Linux's tcp_sendmsg() pushes.
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <linux/sched/signal.h>
#include <net/tcp.h>

static bool hsk_conn_writable(struct hsk_conn *c)
{
	return hsk_conn_sndbuf_room(c) || READ_ONCE(c->err) ||
	       READ_ONCE(c->fin_queued) || READ_ONCE(c->state) == HSK_CLOSE;
}

/*
 * Why the connection cannot take data, or 0 if it can. A pending error is
 * reported once: by this call if @consume, else by the next.
 */
static int hsk_conn_write_error(struct hsk_conn *c, bool consume)
{
	int err = c->err;

	if (err) {
		if (consume)
			WRITE_ONCE(c->err, 0);
		return -err;
	}
	if (c->fin_queued || (c->state != HSK_ESTABLISHED &&
			      c->state != HSK_CLOSE_WAIT))
		return -EPIPE;
	return 0;
}

/*
 * Queues @skb at the tail of sndq: @len bytes of data, or a FIN if 0. Its
 * cb is zero from alloc_skb().
 */
void hsk_sndq_tail(struct hsk_conn *c, struct sk_buff *skb, u32 len)
{
	struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

	lockdep_assert_held(&c->lock);
	cb->seq = c->write_seq;
	cb->end_seq = c->write_seq + (len ?: 1);
	cb->fin = !len;
	c->write_seq = cb->end_seq;
	c->snd_bytes += len;
	c->snd_mem += skb->truesize;
	__skb_queue_tail(&c->sndq, skb);
	hsk_sb_append(c, skb);
	if (!c->snd_head)
		c->snd_head = skb;
}

/*
 * Whether @len bytes queued now would wait: behind unsent data, or beyond
 * what the peer's window or cwnd allow (as hsk_conn_push() decides).
 */
static bool hsk_conn_would_wait(const struct hsk_conn *c, u32 len)
{
	u32 flight = hsk_conn_sack_recovery(c) ? hsk_sb_pipe(c) :
		     hsk_conn_in_flight(c);

	return c->snd_head || (flight && flight + len > c->cwnd) ||
	       after(c->write_seq + len, c->snd_una + c->snd_wnd);
}

/*
 * Room for more data in sndq's tail, if it was never sent (an RTO's
 * rewind leaves it below snd_max), is not the FIN and holds less than a
 * segment; else 0.
 */
static u32 hsk_sndq_tail_room(const struct hsk_conn *c, u32 payload)
{
	const struct sk_buff *tail = skb_peek_tail(&c->sndq);
	const struct hsk_skb_cb *cb;

	if (!tail)
		return 0;
	cb = HSK_SKB_CB(tail);
	if (cb->fin || before(cb->seq, c->snd_max) || tail->len >= payload)
		return 0;
	return min_t(u32, payload - tail->len, skb_tailroom(tail));
}

/*
 * Moves what fits of @skb's data into sndq's tail, as Linux's
 * tcp_sendmsg() fills its tail skb: small writes queued behind a closed
 * window or a full cwnd go out as full segments, not one each, and cost
 * one buffer between them. Returns the bytes moved.
 */
static u32 hsk_sndq_merge(struct hsk_conn *c, struct sk_buff *skb,
			  u32 payload)
{
	u32 n = min(skb->len, hsk_sndq_tail_room(c, payload));
	struct sk_buff *tail = skb_peek_tail(&c->sndq);

	lockdep_assert_held(&c->lock);
	if (!n)
		return 0;
	skb_copy_from_linear_data(skb, skb_put(tail, n), n);
	__skb_pull(skb, n);
	HSK_SKB_CB(tail)->end_seq += n;
	c->write_seq += n;
	c->snd_bytes += n;
	return n;
}

/*
 * Sends what a write queued: at its end, before it waits, and each time
 * it queued a train's worth, as Linux's tcp_sendmsg() pushes a write's
 * skbs, so that its full segments can leave as trains.
 */
static void hsk_conn_write_push(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	if (c->state != HSK_CLOSE)
		hsk_conn_push(c, jiffies);
	spin_unlock_bh(&c->lock);
}

/*
 * Copies user data into MSS-sized skbs at the tail of sndq and pushes.
 * Blocks while the send buffer is full unless @nonblock.
 */
ssize_t hsk_conn_write(struct hsk_conn *c, struct iov_iter *from,
		       bool nonblock)
{
	size_t done = 0, pushed = 0;
	int ret = 0;

	while (iov_iter_count(from)) {
		u32 payload, room, n, cap;
		struct sk_buff *skb;

		spin_lock_bh(&c->lock);
		ret = hsk_conn_write_error(c, !done);
		if (ret) {
			spin_unlock_bh(&c->lock);
			break;
		}
		room = HSK_SNDBUF - min(c->snd_bytes, HSK_SNDBUF);
		if (c->snd_mem >= HSK_SNDMEM)
			room = 0;
		payload = hsk_conn_payload(c);
		n = min3((size_t)room, (size_t)payload, iov_iter_count(from));
		/*
		 * A small write that will wait and does not fit the tail gets
		 * a segment's room, for the writes after it.
		 */
		cap = n;
		if (n < payload && hsk_sndq_tail_room(c, payload) < n &&
		    hsk_conn_would_wait(c, n))
			cap = payload;
		spin_unlock_bh(&c->lock);

		if (!room) {
			ret = -EAGAIN;
			if (nonblock)
				break;
			if (done != pushed) {
				hsk_conn_write_push(c);
				pushed = done;
			}
			ret = wait_event_interruptible(c->wait,
						       hsk_conn_writable(c));
			if (ret)
				break;
			continue;
		}
		skb = hsk_alloc_segment(cap, GFP_KERNEL); /* no more: truesize */
		if (!skb) {
			ret = -ENOMEM;
			break;
		}
		if (copy_from_iter(skb_put(skb, n), n, from) != n) {
			kfree_skb(skb);
			ret = -EFAULT;
			break;
		}

		spin_lock_bh(&c->lock);
		ret = hsk_conn_write_error(c, !done);
		if (ret) {
			spin_unlock_bh(&c->lock);
			kfree_skb(skb);
			break;
		}
		hsk_sndq_merge(c, skb, payload);
		if (skb->len)
			hsk_sndq_tail(c, skb, skb->len);
		else
			consume_skb(skb);
		done += n;
		if (!iov_iter_count(from) ||
		    done - pushed + payload > HSK_TRAIN_MAX) {
			hsk_conn_push(c, jiffies);
			pushed = done;
		}
		spin_unlock_bh(&c->lock);
	}
	if (done != pushed)
		hsk_conn_write_push(c);
	if (done)
		return done;
	if (ret == -EPIPE)
		send_sig(SIGPIPE, current, 0);
	return ret;
}
