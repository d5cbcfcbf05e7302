// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronized connections: the table, their birth from a half-open entry
 * or a cookie, their timer, and the way out (RFC 793's close diagram):
 * user close and shutdown, orphans. recv.c takes segments in, send.c sends
 * data out and runs the timers' deadlines (FIN_WAIT_2 and TIME_WAIT too),
 * ack.c takes the ACKs of what it sent, write.c queues the user's data,
 * rmem.c bounds all connections' receive memory together.
 *
 * Locking: hsk_conns is looked up under RCU. Everything about a connection
 * changes under c->lock (BH-safe); it leaves the table (hashed false) under
 * that lock and is freed after RCU once its last reference is put. A
 * pending timer holds a reference.
 */

#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "synq.h"
#include "trace.h"
#include "uapi/hsk.h"

#include <linux/slab.h>
#include <net/tcp.h>

struct rhashtable hsk_conns;
static struct kmem_cache *hsk_conn_cache;

static int hsk_conn_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct hsk_conn *c = obj;

	return hsk_tuple_cmp(arg->key, &c->key);
}

static const struct rhashtable_params hsk_conn_params = {
	.key_len = sizeof(struct hsk_tuple),
	.obj_cmpfn = hsk_conn_cmp,
	.key_offset = offsetof(struct hsk_conn, key),
	.head_offset = offsetof(struct hsk_conn, node),
	.automatic_shrinking = true,
	/*
	 * A few entries coming and going would otherwise grow and shrink a
	 * tiny table every few inserts: 2 KiB of buckets is cheaper.
	 */
	.min_size = HSK_TABLE_MIN_SIZE,
};

/* The caller holds rcu_read_lock(). */
struct hsk_conn *hsk_conn_lookup(const struct hsk_tuple *t)
{
	return rhashtable_lookup(&hsk_conns, t, hsk_conn_params);
}

void hsk_conn_set_state(struct hsk_conn *c, u8 state)
{
	if (c->state != state)
		trace_hsk_state_change(&c->key, c->state, state);
	WRITE_ONCE(c->state, state);
}

/* Set at unload, before hsk0 goes: timers then do nothing (hsk_conns_stop()). */
static bool hsk_conns_stopped;

static void hsk_conn_timer_fn(struct timer_list *t)
{
	struct hsk_conn *c = from_timer(c, t, timer);

	if (READ_ONCE(hsk_conns_stopped)) {
		hsk_conn_put(c);
		return;
	}
	spin_lock(&c->lock);
	/* Re-armed since it fired: the new expiry is its deadline. */
	if (!timer_pending(&c->timer))
		hsk_conn_on_timer(c, jiffies);
	spin_unlock(&c->lock);
	hsk_conn_put(c);	/* the pending timer's reference */
}

/* For the earlier of the two deadlines (struct hsk_conn), if any. */
void hsk_conn_arm_timer(struct hsk_conn *c)
{
	unsigned long at;

	lockdep_assert_held(&c->lock);
	if (c->timer_kind != HSK_TIMER_NONE)
		at = c->timer_at;
	else if (c->ack_delayed)
		at = c->delack_at;
	else
		return;
	if (c->ack_delayed && time_before(c->delack_at, at))
		at = c->delack_at;
	if (!mod_timer(&c->timer, at))
		refcount_inc(&c->ref);
}

void hsk_conn_set_timer(struct hsk_conn *c, u8 kind, unsigned long at)
{
	lockdep_assert_held(&c->lock);
	c->timer_kind = kind;
	c->timer_at = at;
	c->tlp_armed = false;
	hsk_conn_arm_timer(c);
}

/*
 * Puts below may drop the last reference with c->lock held: the memory is
 * freed only after an RCU grace period, and every caller either holds a
 * reference or is inside an RCU read-side section, so unlocking is safe.
 * A waiting ACK keeps the timer.
 */
void hsk_conn_stop_timer(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	c->timer_kind = HSK_TIMER_NONE;
	c->tlp_armed = false;
	if (c->ack_delayed)
		hsk_conn_arm_timer(c);
	else if (del_timer(&c->timer))
		hsk_conn_put(c);	/* the pending timer's reference */
}

/*
 * Nothing is due, but the timer may stay pending: it then fires idle and
 * drops its reference, as Linux's TCP leaves its retransmit timer to fire
 * idle. For an ACK that empties the flight, whose next send or next state
 * (FIN_WAIT_2, TIME_WAIT) re-arms the timer with one mod_timer instead of
 * a del_timer and a mod_timer. CLOSED stops it for good (hsk_conn_done()).
 */
void hsk_conn_idle_timer(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	c->timer_kind = HSK_TIMER_NONE;
	c->tlp_armed = false;
}

static struct hsk_conn *hsk_conn_alloc(const struct hsk_tuple *t)
{
	struct hsk_conn *c;

	if (hsk_test_alloc_fails())
		return NULL;
	c = kmem_cache_zalloc(hsk_conn_cache, GFP_ATOMIC);
	if (!c)
		return NULL;
	c->key = *t;
	refcount_set(&c->ref, 2);	/* the table's and the accept queue's */
	spin_lock_init(&c->lock);
	skb_queue_head_init(&c->rxq);
	hsk_ooo_init(&c->ooo);
	skb_queue_head_init(&c->sndq);
	hsk_sb_init(c);
	init_waitqueue_head(&c->wait);
	mutex_init(&c->rmutex);
	timer_setup(&c->timer, hsk_conn_timer_fn, 0);
	INIT_LIST_HEAD(&c->accept_node);
	c->state = HSK_ESTABLISHED;
	c->rto = HSK_RTO_INIT;
	c->ssthresh = U32_MAX;
	c->reordering = HSK_REORDERING;
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
	c->snd_una = c->iss + 1;
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->iss + 1;
	c->write_seq = c->iss + 1;
	c->sb.fack = c->snd_una;
	c->rcv_nxt = c->irs + 1;
	c->rcv_wup = c->rcv_nxt;
	c->rcv_mss = min_t(u16, HSK_DEFAULT_MSS, hsk_local_mss());
	c->rcv_adv = c->rcv_nxt + HSK_SYNACK_WINDOW;
	c->snd_wnd = (u32)seg->window << c->snd_wscale;
	c->max_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack_seq;
	c->cwnd = HSK_INIT_CWND * c->mss;
	c->hashed = true;
	if (rhashtable_lookup_insert_fast(&hsk_conns, &c->node,
					  hsk_conn_params)) {
		kmem_cache_free(hsk_conn_cache, c);
		return ERR_PTR(-EEXIST);
	}
	trace_hsk_state_change(&c->key, HSK_SYN_RECV, HSK_ESTABLISHED);
	if (seg->len || (seg->flags & HSK_TH_FIN)) {
		spin_lock(&c->lock);
		hsk_conn_data(c, skb, seg);
		hsk_conn_rmem_sync(c);
		spin_unlock(&c->lock);
	}
	return c;
}

/*
 * What we send per segment: the peer's MSS, and no more than ours, but at
 * least HSK_MIN_SND_MSS, as Linux's tcp_min_snd_mss: an MSS of a few bytes
 * would make every write thousands of tiny segments (CVE-2019-11479), and
 * one below the timestamp option's 12 bytes no payload at all.
 */
static u16 hsk_conn_mss(u16 peer_mss)
{
	return max_t(u16, min(peer_mss, hsk_local_mss()), HSK_MIN_SND_MSS);
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
	c->mss = hsk_conn_mss(req->mss);
	if ((req->flags & HSK_REQ_WSCALE_MASK) != HSK_REQ_WSCALE_NONE) {
		c->opts |= HSK_OPTI_WSCALE;
		c->snd_wscale = req->flags & HSK_REQ_WSCALE_MASK;
		c->rcv_wscale = HSK_RCV_WSCALE;
	}
	if (req->flags & HSK_REQ_SACK)
		c->opts |= HSK_OPTI_SACK;
	if (req->flags & HSK_REQ_TS) {
		c->opts |= HSK_OPTI_TS;
		c->ts_recent = req->ts_recent;
		c->ts_recent_stamp = ktime_get_seconds();
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
	c->mss = hsk_conn_mss(ck->mss);
	if (ck->ws) {
		c->opts |= HSK_OPTI_WSCALE;
		c->snd_wscale = ck->wscale;
		c->rcv_wscale = HSK_RCV_WSCALE;
	}
	if (ck->ts) {
		c->opts |= HSK_OPTI_TS;
		c->ts_recent = ck->ts_recent;
		c->ts_recent_stamp = ktime_get_seconds();
	}
	if (ck->sack)
		c->opts |= HSK_OPTI_SACK;
	return hsk_conn_start(c, skb, seg);
}

/* CLOSED: out of the table, no timer, nothing more to send. */
void hsk_conn_done(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	hsk_conn_set_state(c, HSK_CLOSE);
	c->ack_delayed = false;
	hsk_conn_stop_timer(c);
	__skb_queue_purge(&c->sndq);
	hsk_sb_init(c);
	hsk_ooo_purge(&c->ooo);
	c->snd_head = NULL;
	c->snd_bytes = 0;
	c->snd_mem = 0;
	hsk_conn_wake(c, wake_up_interruptible_all);
	if (!c->hashed)
		return;
	c->hashed = false;
	rhashtable_remove_fast(&hsk_conns, &c->node, hsk_conn_params);
	hsk_conn_put(c);	/* the table's */
}

/* Sends RST and closes @c: a listener's close, or a close with data. */
void hsk_conn_abort(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	if (c->hashed && c->state != HSK_TIME_WAIT)
		hsk_send_rst_to(&c->key, c->snd_nxt, c->rcv_nxt);
	hsk_conn_rxq_purge(c);
	hsk_conn_done(c);
	spin_unlock_bh(&c->lock);
}

/* Queues our FIN behind the data (RFC 793 CLOSE in ESTABLISHED, CLOSE_WAIT). */
static void hsk_conn_send_fin(struct hsk_conn *c)
{
	struct sk_buff *skb;

	lockdep_assert_held(&c->lock);
	if (c->fin_queued)
		return;
	if (c->state != HSK_ESTABLISHED && c->state != HSK_CLOSE_WAIT)
		return;
	skb = hsk_alloc_segment(0, GFP_ATOMIC);
	if (!skb) {
		/* No FIN without memory: reset rather than hang. */
		hsk_send_rst_to(&c->key, c->snd_nxt, c->rcv_nxt);
		hsk_conn_done(c);
		return;
	}
	hsk_sndq_tail(c, skb, 0);
	WRITE_ONCE(c->fin_queued, true);
	hsk_conn_set_state(c, c->state == HSK_ESTABLISHED ? HSK_FIN_WAIT1 :
						       HSK_LAST_ACK);
	hsk_conn_push(c, jiffies);
	hsk_conn_wake(c, wake_up_interruptible_all);
}

int hsk_conn_shutdown(struct hsk_conn *c, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	spin_lock_bh(&c->lock);
	if (how != SHUT_WR) {
		WRITE_ONCE(c->rd_shut, true);
		hsk_conn_wake(c, wake_up_interruptible_all);
	}
	/* Closed (reset, timed out, done): as Linux's inet_shutdown(). */
	if (c->state == HSK_CLOSE) {
		spin_unlock_bh(&c->lock);
		return -ENOTCONN;
	}
	if (how != SHUT_RD)
		hsk_conn_send_fin(c);
	spin_unlock_bh(&c->lock);
	return 0;
}

/*
 * The file is gone. Unread data means the application lost it: RST, as
 * Linux and RFC 2525 2.17 say. Otherwise a FIN, and the orphan finishes
 * its close on its own, bounded by fin_timeout in FIN_WAIT_2.
 */
void hsk_conn_close(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	c->orphan = true;
	if (c->state != HSK_CLOSE && (c->rx_bytes || !hsk_ooo_empty(&c->ooo))) {
		hsk_send_rst_to(&c->key, c->snd_nxt, c->rcv_nxt);
		hsk_inc(HSK_MIB_TCPAbortOnClose);
		hsk_conn_done(c);
	} else if (c->state == HSK_FIN_WAIT2) {
		hsk_conn_set_timer(c, HSK_TIMER_FIN_WAIT2, jiffies +
				   hsk_fin_timeout());
	} else {
		hsk_conn_send_fin(c);
	}
	hsk_conn_rxq_purge(c);
	spin_unlock_bh(&c->lock);
	hsk_conn_put(c);	/* the file's reference */
}

/*
 * HSK_IOC_INFO's answer; hskctl's list -i shows the same (netlink.c), which
 * reads more under the same hold. Returns what info->timer_ms runs to.
 */
u8 hsk_conn_info_locked(struct hsk_conn *c, struct hsk_info *info)
{
	unsigned long at;
	u8 timer;

	lockdep_assert_held(&c->lock);
	hsk_sin(&info->local, c->key.laddr, c->key.lport);
	hsk_sin(&info->peer, c->key.raddr, c->key.rport);
	info->state = c->state;
	info->snd_una = c->snd_una;
	info->snd_nxt = c->snd_nxt;
	info->rcv_nxt = c->rcv_nxt;
	info->snd_wnd = c->snd_wnd;
	info->rcv_wnd = hsk_conn_rcv_space(c);
	info->rto_ms = jiffies_to_msecs(c->rto);
	timer = hsk_conn_timer_shown(c, &at);
	if (timer != HSK_TIMER_NONE && time_after(at, jiffies))
		info->timer_ms = jiffies_to_msecs(at - jiffies);
	else
		timer = HSK_TIMER_NONE;
	info->retransmits = c->retries;
	info->mss = c->mss;
	info->snd_wscale = c->snd_wscale;
	info->rcv_wscale = c->rcv_wscale;
	info->options = c->opts;
	info->cwnd = c->cwnd;
	info->ssthresh = c->ssthresh;
	info->srtt_us = c->srtt_us;
	info->rttvar_us = c->rttvar_us;
	return timer;
}

void hsk_conn_info(struct hsk_conn *c, struct hsk_info *info)
{
	spin_lock_bh(&c->lock);
	hsk_conn_info_locked(c, info);
	spin_unlock_bh(&c->lock);
}

/*
 * call_rcu, not kfree_rcu: 6.1's rcu_barrier() does not wait for kfree_rcu
 * batches, and the cache must be empty when unload destroys it.
 */
static void hsk_conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(hsk_conn_cache, container_of(head, struct hsk_conn, rcu));
}

void hsk_conn_put(struct hsk_conn *c)
{
	if (!refcount_dec_and_test(&c->ref))
		return;
	hsk_conn_rmem_release(c);
	skb_queue_purge(&c->rxq);
	hsk_ooo_purge(&c->ooo);
	skb_queue_purge(&c->sndq);
	call_rcu(&c->rcu, hsk_conn_free_rcu);
}

/* Connections in the table, TIME_WAIT and orphans included. */
unsigned int hsk_conns_count(void)
{
	return atomic_read(&hsk_conns.nelems);
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

/*
 * Unload, first step, while hsk0 still stands: orphans still closing
 * (FIN_WAIT_1, LAST_ACK, TIME_WAIT ...) hold no file, so their timers may
 * still run; from here on a timer only drops its reference. Otherwise one
 * could send into hsk0 as it goes, or unhash its connection while
 * hsk_conns_exit() destroys the table. synchronize_rcu() waits out a
 * handler already past the test: timers run with BH off, which RCU's
 * grace period covers.
 */
void hsk_conns_stop(void)
{
	WRITE_ONCE(hsk_conns_stopped, true);
	synchronize_rcu();
}

/*
 * Unload, last step: what is left in the table is freed. hsk0 is gone and
 * timers are inert (hsk_conns_stop()), so nothing else can reach it.
 */
static void hsk_conn_free_at_exit(void *ptr, void *arg)
{
	struct hsk_conn *c = ptr;

	timer_shutdown_sync(&c->timer);
	hsk_conn_rmem_release(c);
	skb_queue_purge(&c->rxq);
	hsk_ooo_purge(&c->ooo);
	skb_queue_purge(&c->sndq);
	kmem_cache_free(hsk_conn_cache, c);
}

void hsk_conns_exit(void)
{
	rhashtable_free_and_destroy(&hsk_conns, hsk_conn_free_at_exit, NULL);
	rcu_barrier();	/* hsk_conn_free_rcu() of every connection put */
	kmem_cache_destroy(hsk_conn_cache);
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/conn_test.c"
#endif
