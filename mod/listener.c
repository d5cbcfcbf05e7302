// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners: the table LISTEN binds into, backlog clamping, the accept
 * queue, and what a segment that matches only a listener gets (RFC 793
 * LISTEN state, with Linux's counters).
 */

#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "synq.h"
#include "trace.h"

#include <linux/bitmap.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

struct rhashtable hsk_listeners;

/*
 * Ports with a listener bound to a specific address. A segment for any
 * other port can match only the wildcard's listener, so that is the one
 * lookup made: one instead of two per SYN for the usual server on 0.0.0.0
 * (Linux's __inet_lookup_listener makes both). Set before such a listener
 * enters the table, cleared once the last of its port has left it, under
 * hsk_listeners_mutex, which LISTEN and close take (process context).
 * Read locklessly: a bit is set before its listener can be found, so a
 * segment sent once LISTEN has returned sees it; a bit seen set after its
 * last listener left only costs a lookup.
 */
static DECLARE_BITMAP(hsk_bound_ports, 1 << 16);
static DEFINE_MUTEX(hsk_listeners_mutex);

/* As hsk_tuple_cmp(): rhashtable's memcmp() is a call per entry walked. */
static int hsk_listener_cmp(struct rhashtable_compare_arg *arg,
			    const void *obj)
{
	const struct hsk_lkey *k = arg->key;
	const struct hsk_listener *l = obj;

	return ((__force u32)k->addr ^ (__force u32)l->key.addr) |
	       ((__force u16)k->port ^ (__force u16)l->key.port) |
	       (k->zero ^ l->key.zero);
}

static const struct rhashtable_params hsk_listener_params = {
	.key_len = sizeof(struct hsk_lkey),
	.obj_cmpfn = hsk_listener_cmp,
	.key_offset = offsetof(struct hsk_listener, key),
	.head_offset = offsetof(struct hsk_listener, node),
	.automatic_shrinking = true,
};

/* The caller holds rcu_read_lock(); a specific address beats the wildcard. */
struct hsk_listener *hsk_listener_lookup(__be32 addr, __be16 port)
{
	struct hsk_lkey key = { .addr = addr, .port = port };
	struct hsk_listener *l;

	if (addr && test_bit(ntohs(port), hsk_bound_ports)) {
		l = rhashtable_lookup(&hsk_listeners, &key,
				      hsk_listener_params);
		if (l)
			return l;
	}
	key.addr = 0;
	return rhashtable_lookup(&hsk_listeners, &key, hsk_listener_params);
}

/* Whether a listener bound to a specific address has @port. */
static bool hsk_port_bound(__be16 port)
{
	struct rhashtable_iter iter;
	struct hsk_listener *l;
	bool found = false;

	lockdep_assert_held(&hsk_listeners_mutex);
	rhashtable_walk_enter(&hsk_listeners, &iter);
	rhashtable_walk_start(&iter);
	while (!found && (l = rhashtable_walk_next(&iter)))
		/* -EAGAIN: a resize; the walk starts over, missing nothing. */
		found = !IS_ERR(l) && l->key.port == port && l->key.addr;
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return found;
}

/* The listener bound to exactly @addr (0: the wildcard), under RCU. */
struct hsk_listener *hsk_listener_lookup_exact(__be32 addr, __be16 port)
{
	struct hsk_lkey key = { .addr = addr, .port = port };

	return rhashtable_lookup(&hsk_listeners, &key, hsk_listener_params);
}

void hsk_listener_drop(struct hsk_listener *l, const struct hsk_seg *seg,
		       bool overflow)
{
	trace_hsk_drop(overflow ? "ListenOverflows" : "ListenDrops",
		       seg->saddr, seg->daddr);
	if (overflow) {
		hsk_inc(HSK_MIB_ListenOverflows);
		atomic_long_inc(&l->overflows);
	}
	hsk_inc(HSK_MIB_ListenDrops);
	atomic_long_inc(&l->drops);
}

/*
 * Once per listener, and never when cookies are the rule rather than the
 * fallback (syncookies=2), as Linux's tcp_syn_flood_action.
 */
void hsk_synflood_warn(struct hsk_listener *l, int syncookies)
{
	if (syncookies == 2 || READ_ONCE(l->synflood_warned))
		return;
	WRITE_ONCE(l->synflood_warned, true);
	net_info_ratelimited("possible SYN flooding on port %pI4:%u. %s.\n",
			     &l->key.addr, ntohs(l->key.port),
			     syncookies ? "Sending cookies" : "Dropping request");
}

static void hsk_listener_timer(struct timer_list *t)
{
	struct hsk_listener *l = from_timer(l, t, timer);

	hsk_synq_run(l, jiffies);
}

int hsk_listener_create(__be32 addr, __be16 port, int backlog,
			struct hsk_listener **out)
{
	struct hsk_listener *l;
	int i, ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->key.addr = addr;
	l->key.port = port;
	l->backlog = backlog;
	spin_lock_init(&l->lock);
	INIT_LIST_HEAD(&l->acceptq);
	for (i = 0; i < HSK_TQ_LEVELS; i++)
		l->tq[i].tailp = &l->tq[i].head;
	timer_setup(&l->timer, hsk_listener_timer, 0);
	init_waitqueue_head(&l->wait);

	mutex_lock(&hsk_listeners_mutex);
	if (addr)
		set_bit(ntohs(port), hsk_bound_ports);
	ret = rhashtable_lookup_insert_fast(&hsk_listeners, &l->node,
					    hsk_listener_params);
	if (ret && addr && !hsk_port_bound(port))
		clear_bit(ntohs(port), hsk_bound_ports);
	mutex_unlock(&hsk_listeners_mutex);
	if (ret) {
		kfree(l);
		return ret == -EEXIST ? -EADDRINUSE : ret;
	}
	*out = l;
	return 0;
}

/*
 * Marks @l dead, resets and frees its half-open entries, unhashes it, then
 * aborts the connections nobody accepted. Segments already past the lookup
 * see dead under the lock and treat the port as closed. The entries go
 * before the listener leaves the table: an entry has no listener pointer,
 * and is found again by its key, which no new listener can take while an
 * entry of this one is alive.
 */
void hsk_listener_close(struct hsk_listener *l)
{
	struct hsk_conn *c;

	spin_lock_bh(&l->lock);
	l->dead = true;
	spin_unlock_bh(&l->lock);
	timer_shutdown_sync(&l->timer);

	hsk_synq_flush(l);
	mutex_lock(&hsk_listeners_mutex);
	rhashtable_remove_fast(&hsk_listeners, &l->node, hsk_listener_params);
	if (l->key.addr && !hsk_port_bound(l->key.port))
		clear_bit(ntohs(l->key.port), hsk_bound_ports);
	mutex_unlock(&hsk_listeners_mutex);
	while ((c = hsk_acceptq_pop(l))) {
		hsk_conn_abort(c);
		hsk_conn_put(c);
	}
	kfree_rcu(l, rcu);
}

/*
 * Takes the caller's reference to @c; wakes ACCEPT and poll. A sync wakeup,
 * as Linux's sock_def_readable: the scheduler may run the acceptor on the
 * waker's CPU (wake_affine) rather than kick another one.
 */
void hsk_acceptq_add(struct hsk_listener *l, struct hsk_conn *c)
{
	lockdep_assert_held(&l->lock);
	list_add_tail(&c->accept_node, &l->acceptq);
	WRITE_ONCE(l->acceptq_len, l->acceptq_len + 1);
	/* No lock when no acceptor waits: see hsk_conn_wake(). */
	if (wq_has_sleeper(&l->wait))
		wake_up_interruptible_sync_poll(&l->wait,
						EPOLLIN | EPOLLRDNORM);
}

/* The oldest connection, with the queue's reference, or NULL. */
struct hsk_conn *hsk_acceptq_pop(struct hsk_listener *l)
{
	struct hsk_conn *c;

	spin_lock_bh(&l->lock);
	c = list_first_entry_or_null(&l->acceptq, struct hsk_conn,
				     accept_node);
	if (c) {
		list_del_init(&c->accept_node);
		WRITE_ONCE(l->acceptq_len, l->acceptq_len - 1);
	}
	spin_unlock_bh(&l->lock);
	return c;
}

/*
 * A segment that matched a listener and nothing else, in LISTEN: an ACK is
 * answered with RST, a RST is ignored, a SYN opens, the rest is dropped
 * (RFC 793 p. 65; Linux's tcp_rcv_state_process). The caller holds RCU.
 */
void hsk_listener_rcv(struct hsk_listener *l, struct sk_buff *skb,
		      const struct hsk_seg *seg, unsigned long now)
{
	if (seg->flags & HSK_TH_RST) {
		hsk_inc(HSK_MIB_ListenDiscards);
		return;
	}
	if (seg->flags & HSK_TH_ACK) {
		/* A bare ACK may carry a cookie; with cookies off, RST. */
		if (!(seg->flags & HSK_TH_SYN) && READ_ONCE(hsk_knobs.syncookies))
			hsk_cookie_ack(l, skb, seg);
		else
			hsk_send_reset(seg);
		return;
	}
	if (!hsk_seg_plain_syn(seg)) {
		hsk_inc(HSK_MIB_ListenDiscards);
		return;
	}
	hsk_syn_rcv(l, skb, seg, 0, now);
}

/*
 * /proc/net/hsk/listeners: one line per listener with what ss cannot show,
 * the half-open queue and its bound next to the accept queue and its own.
 * A walk, not a snapshot: listeners coming and going may be missed.
 */
static int hsk_listeners_show(struct seq_file *seq, void *v)
{
	unsigned int max_qlen = READ_ONCE(hsk_knobs.max_syn_backlog);
	struct rhashtable_iter iter;
	struct hsk_listener *l;

	seq_puts(seq, "Local Accept-Q Accept-Max Half-Open Half-Open-Max Young Drops Overflows\n");
	rhashtable_walk_enter(&hsk_listeners, &iter);
	rhashtable_walk_start(&iter);
	while ((l = rhashtable_walk_next(&iter))) {
		if (IS_ERR(l))
			continue;	/* -EAGAIN: a resize, the walk goes on */
		seq_printf(seq, "%pI4:%u %u %u %u %u %u %lu %lu\n",
			   &l->key.addr, ntohs(l->key.port),
			   READ_ONCE(l->acceptq_len),
			   hsk_listener_max_backlog(l) + 1, READ_ONCE(l->qlen),
			   max_qlen, READ_ONCE(l->young),
			   atomic_long_read(&l->drops),
			   atomic_long_read(&l->overflows));
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return 0;
}

int hsk_listeners_init(void)
{
	int ret;

	ret = rhashtable_init(&hsk_listeners, &hsk_listener_params);
	if (ret)
		return ret;
	if (!proc_create_single("listeners", 0444, hsk_proc_dir,
				hsk_listeners_show))
		goto err_table;
	return 0;

err_table:
	rhashtable_destroy(&hsk_listeners);
	return -ENOMEM;
}

/* Every listener belongs to an open file, which pins the module. */
void hsk_listeners_exit(void)
{
	remove_proc_entry("listeners", hsk_proc_dir);
	rhashtable_destroy(&hsk_listeners);
}
