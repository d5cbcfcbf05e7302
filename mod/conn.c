// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronized connections: made from a half-open entry or a cookie, kept
 * in hsk_conns, and, until the data path is complete, a receive side that
 * takes in-order data and a FIN, acknowledges, and honours an exact RST.
 *
 * Locking: hsk_conns is looked up under RCU; a connection's state changes
 * under c->lock; it leaves the table (hashed false) under that lock and is
 * freed after RCU once the last reference is put.
 */

#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "synq.h"
#include "uapi/hsk.h"

#include <linux/slab.h>
#include <net/tcp.h>

static struct rhashtable hsk_conns;
static struct kmem_cache *hsk_conn_cache;

static const struct rhashtable_params hsk_conn_params = {
	.key_len = sizeof(struct hsk_tuple),
	.key_offset = offsetof(struct hsk_conn, key),
	.head_offset = offsetof(struct hsk_conn, node),
	.automatic_shrinking = true,
};

void hsk_tuple_from_seg(struct hsk_tuple *t, const struct hsk_seg *seg)
{
	t->raddr = seg->saddr;
	t->laddr = seg->daddr;
	t->rport = seg->sport;
	t->lport = seg->dport;
}

/* The caller holds rcu_read_lock(). */
struct hsk_conn *hsk_conn_lookup(const struct hsk_tuple *t)
{
	return rhashtable_lookup(&hsk_conns, t, hsk_conn_params);
}

/* Free receive space, as the window we advertise (unscaled bytes). */
static u32 hsk_conn_rcv_space(const struct hsk_conn *c)
{
	return HSK_RCVBUF - min_t(u32, c->rx_bytes, HSK_RCVBUF);
}

static u16 hsk_conn_window(const struct hsk_conn *c)
{
	return min_t(u32, hsk_conn_rcv_space(c) >> c->rcv_wscale, U16_MAX);
}

static void hsk_conn_send_ack(struct hsk_conn *c)
{
	struct hsk_opts o = { };

	if (c->opts & HSK_OPTI_TS) {
		o.has = HSK_HAS_TS;
		o.tsval = hsk_ts_now();
		o.tsecr = c->ts_recent;
	}
	hsk_send_ack(&c->key, c->snd_nxt, c->rcv_nxt, hsk_conn_window(c), &o);
}

/*
 * Takes the payload of @skb (parsed as @seg) into the receive queue. The
 * caller checked that it starts at rcv_nxt.
 */
static void hsk_conn_queue_data(struct hsk_conn *c, struct sk_buff *skb,
				const struct hsk_seg *seg)
{
	unsigned int off = skb_transport_offset(skb) + seg->doff;
	u32 len = min(seg->len, hsk_conn_rcv_space(c));
	struct sk_buff *data;

	if (!len)
		return;
	data = skb_clone(skb, GFP_ATOMIC);
	if (!data) {
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	if (!pskb_pull(data, off) || pskb_trim(data, len)) {
		kfree_skb(data);
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	__skb_queue_tail(&c->rxq, data);
	c->rx_bytes += len;
	c->rcv_nxt += len;
	wake_up_interruptible(&c->wait);
}

static struct hsk_conn *hsk_conn_alloc(const struct hsk_tuple *t)
{
	struct hsk_conn *c = kmem_cache_zalloc(hsk_conn_cache, GFP_ATOMIC);

	if (!c)
		return NULL;
	c->key = *t;
	refcount_set(&c->ref, 2);	/* the table's and the accept queue's */
	spin_lock_init(&c->lock);
	skb_queue_head_init(&c->rxq);
	init_waitqueue_head(&c->wait);
	mutex_init(&c->rmutex);
	INIT_LIST_HEAD(&c->accept_node);
	c->state = HSK_ESTABLISHED;
	c->rcv_wscale = 0;
	return c;
}

/*
 * Hashes @c, then lets it take the third ACK itself: window, and data or
 * FIN riding on it. ERR_PTR(-EEXIST) if the 4-tuple is taken already.
 */
static struct hsk_conn *hsk_conn_start(struct hsk_conn *c,
				       struct sk_buff *skb,
				       const struct hsk_seg *seg)
{
	c->hashed = true;
	if (rhashtable_lookup_insert_fast(&hsk_conns, &c->node,
					  hsk_conn_params)) {
		kmem_cache_free(hsk_conn_cache, c);
		return ERR_PTR(-EEXIST);
	}
	spin_lock(&c->lock);
	c->snd_wnd = (u32)seg->window << c->snd_wscale;
	if (seg->len || (seg->flags & HSK_TH_FIN))
		hsk_conn_data(c, skb, seg);
	spin_unlock(&c->lock);
	return c;
}

struct hsk_conn *hsk_conn_from_req(const struct hsk_req *req,
				   struct sk_buff *skb,
				   const struct hsk_seg *seg)
{
	struct hsk_conn *c = hsk_conn_alloc(&req->key);

	if (!c)
		return ERR_PTR(-ENOMEM);
	c->iss = req->iss;
	c->irs = req->irs;
	c->snd_una = req->iss + 1;
	c->snd_nxt = req->iss + 1;
	c->rcv_nxt = req->irs + 1;
	c->mss = min(req->mss, hsk_local_mss());
	if (req->flags & HSK_REQ_WS) {
		c->opts |= HSK_OPTI_WSCALE;
		c->snd_wscale = req->flags & HSK_REQ_WSCALE_MASK;
		c->rcv_wscale = HSK_RCV_WSCALE;
	}
	if (req->flags & HSK_REQ_TS) {
		c->opts |= HSK_OPTI_TS;
		c->ts_recent = req->ts_recent;
	}
	return hsk_conn_start(c, skb, seg);
}

struct hsk_conn *hsk_conn_from_cookie(const struct hsk_tuple *t,
				      const struct hsk_cookie *ck,
				      struct sk_buff *skb,
				      const struct hsk_seg *seg)
{
	struct hsk_conn *c = hsk_conn_alloc(t);

	if (!c)
		return ERR_PTR(-ENOMEM);
	c->iss = seg->ack_seq - 1;
	c->irs = seg->seq - 1;
	c->snd_una = seg->ack_seq;
	c->snd_nxt = seg->ack_seq;
	c->rcv_nxt = seg->seq;
	c->mss = min(ck->mss, hsk_local_mss());
	if (ck->ws) {
		c->opts |= HSK_OPTI_WSCALE;
		c->snd_wscale = ck->wscale;
		c->rcv_wscale = HSK_RCV_WSCALE;
	}
	if (ck->ts) {
		c->opts |= HSK_OPTI_TS;
		c->ts_recent = ck->ts_recent;
	}
	return hsk_conn_start(c, skb, seg);
}

/* In-order data and FIN at rcv_nxt; anything else draws a duplicate ACK. */
void hsk_conn_data(struct hsk_conn *c, struct sk_buff *skb,
		   const struct hsk_seg *seg)
{
	lockdep_assert_held(&c->lock);
	if (seg->seq != c->rcv_nxt) {
		hsk_conn_send_ack(c);
		return;
	}
	if (seg->len)
		hsk_conn_queue_data(c, skb, seg);
	if ((seg->flags & HSK_TH_FIN) && c->rcv_nxt == seg->end_seq - 1) {
		c->rcv_nxt++;
		if (c->state == HSK_ESTABLISHED)
			c->state = HSK_CLOSE_WAIT;
		wake_up_interruptible(&c->wait);
	}
	hsk_conn_send_ack(c);
}

static void hsk_conn_unhash(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	if (!c->hashed)
		return;
	c->hashed = false;
	rhashtable_remove_fast(&hsk_conns, &c->node, hsk_conn_params);
	refcount_dec(&c->ref);	/* the caller still holds one */
}

/*
 * A segment for connection @c. Returns false if @c left the table before
 * the lock was taken, so the caller looks further. The caller holds RCU.
 */
bool hsk_conn_rcv(struct hsk_conn *c, struct sk_buff *skb,
		  const struct hsk_seg *seg)
{
	spin_lock(&c->lock);
	if (!c->hashed) {
		spin_unlock(&c->lock);
		return false;
	}
	if (seg->flags & HSK_TH_RST) {
		/* RFC 5961 3.2: only an exact RST resets; in window, ask. */
		if (seg->seq == c->rcv_nxt) {
			c->reset = true;
			c->state = HSK_CLOSE;
			hsk_conn_unhash(c);
			wake_up_interruptible(&c->wait);
		} else if (after(seg->seq, c->rcv_nxt) &&
			   before(seg->seq, c->rcv_nxt + hsk_conn_rcv_space(c))) {
			hsk_inc(HSK_MIB_TCPChallengeACK);
			hsk_conn_send_ack(c);
		}
		goto out;
	}
	if (seg->flags & HSK_TH_SYN) {
		/* RFC 5961 4.2: a SYN on a synchronized connection. */
		hsk_inc(HSK_MIB_TCPChallengeACK);
		hsk_conn_send_ack(c);
		goto out;
	}
	if (!(seg->flags & HSK_TH_ACK))
		goto out;
	if (after(seg->ack_seq, c->snd_una) &&
	    !after(seg->ack_seq, c->snd_nxt))
		c->snd_una = seg->ack_seq;
	c->snd_wnd = (u32)seg->window << c->snd_wscale;
	if ((seg->opt.has & HSK_HAS_TS) && !after(seg->seq, c->rcv_nxt))
		c->ts_recent = seg->opt.tsval;
	if (seg->len || (seg->flags & HSK_TH_FIN))
		hsk_conn_data(c, skb, seg);
out:
	spin_unlock(&c->lock);
	return true;
}

/* Sends RST and unhashes @c: a listener's close, or a close with data. */
void hsk_conn_abort(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	if (c->hashed && !c->reset)
		hsk_send_rst_to(&c->key, c->snd_nxt, c->rcv_nxt);
	c->state = HSK_CLOSE;
	hsk_conn_unhash(c);
	spin_unlock_bh(&c->lock);
}

void hsk_conn_put(struct hsk_conn *c)
{
	if (!refcount_dec_and_test(&c->ref))
		return;
	skb_queue_purge(&c->rxq);
	kfree_rcu(c, rcu);
}

int hsk_conns_init(void)
{
	int ret;

	hsk_conn_cache = KMEM_CACHE(hsk_conn, 0);
	if (!hsk_conn_cache)
		return -ENOMEM;
	ret = rhashtable_init(&hsk_conns, &hsk_conn_params);
	if (ret)
		goto err_cache;
	return 0;

err_cache:
	kmem_cache_destroy(hsk_conn_cache);
	return ret;
}

/* Connections belong to listeners or files, all gone before unload. */
void hsk_conns_exit(void)
{
	rhashtable_destroy(&hsk_conns);
	rcu_barrier();	/* kfree_rcu() of connections into hsk_conn_cache */
	kmem_cache_destroy(hsk_conn_cache);
}
