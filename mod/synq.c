// SPDX-License-Identifier: GPL-2.0
/*
 * The half-open (SYN) queue: entries made by a SYN, the SYN-ACK and its
 * retransmission, the third ACK (Linux's tcp_check_req order), expiry and
 * Linux's young/old pruning. Time is the caller's @now (jiffies), so KUnit
 * can drive the clock.
 *
 * Locking: hsk_reqs is looked up under RCU. Everything else about an entry
 * (its timer queue link, its flags, the listener's qlen and young) changes
 * under its listener's lock. An entry dies (DEAD, out of hsk_reqs) under
 * that lock but stays on its timer queue, which is singly linked: the
 * timer frees it when it gets there, after an RCU grace period.
 */

#include "compat.h"
#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "synq.h"
#include "trace.h"

#include <linux/delay.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/tcp.h>

struct rhashtable hsk_reqs;
static struct kmem_cache *hsk_req_cache;
static siphash_key_t hsk_isn_key;
/* Jiffies of the last insert that left hsk_reqs above 30 % load. */
static unsigned long hsk_reqs_busy;

static int hsk_req_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct hsk_req *req = obj;

	return hsk_tuple_cmp(arg->key, &req->key);
}

static const struct rhashtable_params hsk_req_params = {
	.key_len = sizeof(struct hsk_tuple),
	.obj_cmpfn = hsk_req_cmp,
	.key_offset = offsetof(struct hsk_req, key),
	.head_offset = offsetof(struct hsk_req, node),
	.automatic_shrinking = true,
	/*
	 * A few entries coming and going would otherwise grow and shrink a
	 * tiny table every few inserts: 2 KiB of buckets is cheaper.
	 */
	.min_size = HSK_TABLE_MIN_SIZE,
};

/*
 * The table's load. rhashtable doubles a table once it is 75 % full, so
 * just past a doubling its 8-byte buckets cost 21.3 bytes per entry: with
 * the 48-byte entry, more than issue 7's 64 all in. hsk holds the table's
 * max_size at its current size until it holds more than HSK_REQS_LOAD_NUM
 * / HSK_REQS_LOAD_DEN entries per bucket (5/4): a doubled table is then
 * at least 5/8 full, 12.8 bytes per entry at most, and a miss walks at
 * most 5/4 entries on average (Linux's ehash, sized at boot, runs three
 * deep in the benchmarks).
 * Both of the library's growths obey max_size: its worker's above 75 %
 * and an insert's own above 100 % (rht_grow_above_100: the insert
 * allocates the doubled table, GFP_ATOMIC, nested if it must, and the
 * worker moves the entries), which is the one that runs once the hold
 * is let go, at the next insert. @ht's lookups are under RCU, held.
 */
static void hsk_table_grow_late(struct rhashtable *ht)
{
	const struct bucket_table *tbl = rht_dereference_rcu(ht->tbl, ht);
	unsigned int cap = tbl->size;

	if (atomic_read(&ht->nelems) > tbl->size / HSK_REQS_LOAD_DEN *
	    HSK_REQS_LOAD_NUM)
		cap = 0;
	if (READ_ONCE(ht->p.max_size) != cap)
		WRITE_ONCE(ht->p.max_size, cap);
}

/*
 * The table's hysteresis. rhashtable grows in the inserting SYN's time
 * (above, a doubling rehashes every entry), and with
 * automatic_shrinking shrinks below 30 % at a removal. Bursts of SYNs whose
 * entries expire between them would regrow it at every burst: a tenth of
 * a stateful SYN's cost in the benchmarks. So it may shrink only once no
 * insert has found it above 30 % for HSK_SHRINK_DELAY: one burst's table
 * serves the next, as Linux's fixed ehash does, and a flood's memory still
 * comes back. The library reads the flag at each removal and in its
 * worker; nothing else writes it.
 */
static void hsk_reqs_inserted(unsigned long now)
{
	const struct bucket_table *tbl;

	hsk_table_grow_late(&hsk_reqs);
	/* Stamped once a jiffy at most: the load test only then. */
	if (READ_ONCE(hsk_reqs_busy) == now)
		return;
	tbl = rht_dereference_rcu(hsk_reqs.tbl, &hsk_reqs);
	if (!rht_shrink_below_30(&hsk_reqs, tbl))
		WRITE_ONCE(hsk_reqs_busy, now);
}

static void hsk_reqs_allow_shrink(unsigned long now)
{
	bool shrink = time_after(now, READ_ONCE(hsk_reqs_busy) +
				 HSK_SHRINK_DELAY);

	if (READ_ONCE(hsk_reqs.p.automatic_shrinking) != shrink)
		WRITE_ONCE(hsk_reqs.p.automatic_shrinking, shrink);
}

/* The caller holds rcu_read_lock(). */
struct hsk_req *hsk_req_lookup(const struct hsk_tuple *t)
{
	return rhashtable_lookup(&hsk_reqs, t, hsk_req_params);
}

/* SYN-ACK timeout after @num_timeout firings: 1 s << n, at most 120 s. */
unsigned long hsk_synq_timeout(unsigned int num_timeout)
{
	if (num_timeout >= HSK_TQ_LEVELS - 1)
		return HSK_RTO_MAX;
	return min_t(unsigned long, HSK_SYNACK_TIMEOUT << num_timeout,
		     HSK_RTO_MAX);
}

/*
 * Linux's young/old pruning (reqsk_timer_handler): once the queue is more
 * than half full, each halving of the young share costs old entries one
 * retry, down to 2. "Half full" is against max_syn_backlog, hsk's bound.
 */
unsigned int hsk_synq_retries(unsigned int qlen, unsigned int young,
			      unsigned int max_syn_backlog,
			      unsigned int retries)
{
	unsigned int thresh;

	if (qlen * 2 <= max(HSK_SYNQ_PRUNE_MIN, max_syn_backlog))
		return retries;
	thresh = young * 2;
	while (retries > HSK_SYNQ_PRUNE_RETRIES && qlen >= thresh) {
		retries--;
		thresh *= 2;
	}
	return retries;
}

/*
 * RFC 6528: a keyed hash of the 4-tuple plus a clock (64 ns, as Linux's),
 * from @ns, a reading of CLOCK_MONOTONIC.
 */
static u32 hsk_isn(const struct hsk_tuple *t, u64 ns, u32 *flow_hash)
{
	u64 hash = siphash_3u32((__force u32)t->laddr, (__force u32)t->raddr,
				(__force u32)t->lport << 16 |
				(__force u32)t->rport, &hsk_isn_key);

	/* The half the ISN does not use: the SYN-ACK's flow hash, free. */
	*flow_hash = hash >> 32;
	return (u32)hash + (u32)(ns >> 6);
}

/*
 * @syn: the SYN being answered, whose skb the SYN-ACK may take, or NULL.
 * @tsval: the TSval to send, hsk_ts_now() or of the caller's clock read.
 * @hash: the SYN-ACK's flow hash, from hsk_isn(), or 0.
 * Inline: a call of its own cost every new entry's SYN-ACK some 15
 * instructions of frame and stack canary.
 */
static __always_inline int
hsk_req_send_synack(const struct hsk_req *req, const struct hsk_seg *syn,
		    u32 tsval, u32 hash)
{
	struct hsk_opts o = {
		.mss = hsk_local_mss(),
		.has = HSK_HAS_MSS,
	};

	/* READ_ONCE: hsk_synq_run() sends unlocked. */
	u8 flags = READ_ONCE(req->flags);

	if ((flags & HSK_REQ_WSCALE_MASK) != HSK_REQ_WSCALE_NONE) {
		o.has |= HSK_HAS_WSCALE;
		o.wscale = HSK_RCV_WSCALE;
	}
	if (flags & HSK_REQ_TS) {
		o.has |= HSK_HAS_TS;
		o.tsval = tsval;
		o.tsecr = READ_ONCE(req->ts_recent);
	}
	if (flags & HSK_REQ_SACK)
		o.has |= HSK_HAS_SACK_PERM;
	return hsk_send_synack(&req->key, req->iss, req->irs + 1, &o, syn,
			       hash);
}

static unsigned int hsk_tq_level(unsigned int num_timeout)
{
	return min_t(unsigned int, num_timeout, HSK_TQ_LEVELS - 1);
}

/* Jiffies from @now until @req is due, negative once late. */
static long hsk_req_due_in(const struct hsk_req *req, unsigned long now)
{
	return hsk_expires_in(req->expires, now);
}

static void hsk_tq_push(struct hsk_tq *q, struct hsk_req *req)
{
	req->tnext = NULL;
	*q->tailp = req;
	q->tailp = &req->tnext;
}

static struct hsk_req *hsk_tq_pop(struct hsk_tq *q)
{
	struct hsk_req *req = q->head;

	q->head = req->tnext;
	if (!q->head)
		q->tailp = &q->head;
	return req;
}

/*
 * Queues a new @req, on no queue and not yet fired, to fire at now + the
 * first timeout (the timer's run requeues the others itself).
 */
static void hsk_req_arm(struct hsk_listener *l, struct hsk_req *req,
			unsigned long now)
{
	unsigned long expires = now + hsk_synq_timeout(0);

	lockdep_assert_held(&l->lock);
	req->expires = (u32)expires;
	hsk_tq_push(&l->tq[0], req);
	/*
	 * timer_reduce()'s own first test, inline: nearly every new entry
	 * is due after the timer's next firing, and the call took a
	 * stateful SYN 47 instructions to find that out.
	 */
	if (!timer_pending(&l->timer) ||
	    time_before(expires, READ_ONCE(l->timer.expires)))
		timer_reduce(&l->timer, expires);
}

/*
 * Restarts the timer of @req, which is queued somewhere in its FIFO: it
 * cannot leave the middle of a singly linked list, so the timer moves it
 * to the tail when it reaches it.
 */
static void hsk_req_rearm(struct hsk_listener *l, struct hsk_req *req,
			  unsigned long now)
{
	lockdep_assert_held(&l->lock);
	req->expires = (u32)(now + hsk_synq_timeout(req->num_timeout));
	req->tflags |= HSK_REQ_T_REARMED;
}

/* call_rcu, not kfree_rcu: see hsk_conn_free_rcu(). */
static void hsk_req_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(hsk_req_cache, container_of(head, struct hsk_req, rcu));
}

/* @req is off its timer queue too: nothing can reach it after RCU. */
static void hsk_req_free(struct hsk_req *req)
{
	call_rcu(&req->rcu, hsk_req_free_rcu);
}

/*
 * Takes @req out of the table and the listener's counts; lookups ignore it
 * from now on. Its timer queue still holds it until the timer comes by.
 */
static void hsk_req_unlink(struct hsk_listener *l, struct hsk_req *req,
			   unsigned long now)
{
	lockdep_assert_held(&l->lock);
	req->flags |= HSK_REQ_DEAD;
	hsk_reqs_allow_shrink(now);
	rhashtable_remove_fast(&hsk_reqs, &req->node, hsk_req_params);
	WRITE_ONCE(l->qlen, l->qlen - 1);
	if (!req->num_timeout)
		WRITE_ONCE(l->young, l->young - 1);
}

/*
 * The listener @req was made at, or NULL. Under RCU; the caller checks,
 * under its lock, that it is alive and @req not DEAD: then it owns @req.
 */
static struct hsk_listener *hsk_req_listener(const struct hsk_req *req)
{
	__be32 addr = req->tflags & HSK_REQ_T_ANY ? 0 : req->key.laddr;

	return hsk_listener_lookup_exact(addr, req->key.lport);
}

/*
 * A plain SYN whose 4-tuple is half-open already (a copy of its SYN, or a
 * new SYN on it) is that entry's to answer, ahead of any listener policy,
 * as Linux finds the request sock before the listener. hsk_dispatch()
 * leaves this search to hsk_syn_rcv(): done here on the paths that make no
 * entry, and by the insert itself on the path that does. An empty table
 * (cookies only) needs no search.
 */
static bool hsk_syn_to_twin(struct sk_buff *skb, const struct hsk_seg *seg,
			    unsigned long now)
{
	struct hsk_tuple t;
	struct hsk_req *req;

	if (!atomic_read(&hsk_reqs.nelems))
		return false;
	hsk_tuple_from_seg(&t, seg);
	req = hsk_req_lookup(&t);
	return req && hsk_req_rcv(req, skb, seg, now);
}

/*
 * A SYN that gets no entry: cookies are off, or all cookies, or the SYN
 * queue is full (@overflow: the accept queue is, too).
 */
static void hsk_syn_no_entry(struct hsk_listener *l, const struct hsk_seg *seg,
			     int syncookies, bool overflow)
{
	hsk_synflood_warn(l, syncookies);
	if (!syncookies) {
		/* Dropped here, as Linux: the accept queue not looked at. */
		hsk_inc(HSK_MIB_TCPReqQFullDrop);
		hsk_listener_drop(l, seg, false);
		return;
	}
	hsk_inc(HSK_MIB_TCPReqQFullDoCookies);
	if (overflow) {
		hsk_listener_drop(l, seg, true);
		return;
	}
	hsk_cookie_send_synack(seg);
}

/*
 * A plain SYN for listener @l, DESIGN §4 steps 1 to 3, unless its 4-tuple
 * is half-open (hsk_syn_to_twin()). @tw_isn, if not 0, is the ISN of a
 * SYN that ended TIME_WAIT: as Linux's tcp_conn_request() given an isn,
 * it gets an entry whatever the SYN queue's length or syncookies say
 * (the old connection vouches for the client), and that ISN. The caller
 * holds RCU.
 */
void hsk_syn_rcv(struct hsk_listener *l, struct sk_buff *skb,
		 const struct hsk_seg *seg, u32 tw_isn, unsigned long now)
{
	int syncookies = READ_ONCE(hsk_knobs.syncookies);
	unsigned int max_qlen = tw_isn ? UINT_MAX :
				READ_ONCE(hsk_knobs.max_syn_backlog);
	bool no_entry = (syncookies == 2 && !tw_isn) ||
			READ_ONCE(l->qlen) >= max_qlen;
	bool overflow = hsk_acceptq_full(l);
	struct hsk_req *req, *twin;
	u32 flow_hash;
	u64 clock;

	if ((no_entry || overflow) && hsk_syn_to_twin(skb, seg, now))
		return;
	if (no_entry) {
		hsk_syn_no_entry(l, seg, syncookies, overflow);
		return;
	}
	if (overflow) {
		hsk_listener_drop(l, seg, true);
		return;
	}

	req = hsk_test_alloc_fails() ? NULL :
	      kmem_cache_alloc(hsk_req_cache, GFP_ATOMIC);
	if (!req) {
		if (hsk_syn_to_twin(skb, seg, now))
			return;
		hsk_inc(HSK_MIB_DropNoMem);
		hsk_listener_drop(l, seg, false);
		return;
	}
	hsk_tuple_from_seg(&req->key, seg);
	req->irs = seg->seq;
	req->tflags = l->key.addr ? 0 : HSK_REQ_T_ANY;
	/* One clock read for the ISN and the SYN-ACK's TSval. */
	clock = ktime_get_ns();
	req->iss = hsk_isn(&req->key, clock, &flow_hash);
	if (tw_isn)
		req->iss = tw_isn;
	req->mss = seg->opt.has & HSK_HAS_MSS ? seg->opt.mss : HSK_DEFAULT_MSS;
	req->flags = HSK_REQ_WSCALE_NONE;
	req->num_timeout = 0;
	req->ts_recent = 0;
	/* What the client offers and the knobs allow, as Linux's parser. */
	if ((seg->opt.has & HSK_HAS_WSCALE) &&
	    READ_ONCE(hsk_knobs.window_scaling))
		req->flags = seg->opt.wscale;
	if ((seg->opt.has & HSK_HAS_SACK_PERM) && READ_ONCE(hsk_knobs.sack))
		req->flags |= HSK_REQ_SACK;
	if ((seg->opt.has & HSK_HAS_TS) && READ_ONCE(hsk_knobs.timestamps)) {
		req->flags |= HSK_REQ_TS;
		req->ts_recent = seg->opt.tsval;
	}

	spin_lock(&l->lock);
	/* Re-checked under the lock: close and concurrent SYNs race here. */
	if (l->dead || l->qlen >= max_qlen) {
		spin_unlock(&l->lock);
		kmem_cache_free(hsk_req_cache, req);
		if (l->dead)
			hsk_send_reset(seg);
		else if (!hsk_syn_to_twin(skb, seg, now))
			hsk_syn_no_entry(l, seg, syncookies, false);
		return;
	}
	twin = rhashtable_lookup_get_insert_fast(&hsk_reqs, &req->node,
						 hsk_req_params);
	if (twin) {
		spin_unlock(&l->lock);
		kmem_cache_free(hsk_req_cache, req);
		if (IS_ERR(twin)) {
			hsk_inc(HSK_MIB_DropNoMem);
			hsk_listener_drop(l, seg, false);
			return;
		}
		/*
		 * The 4-tuple is half-open: its entry answers. If it died
		 * meanwhile (its listener closing), the client's next copy
		 * of the SYN finds the table without it.
		 */
		hsk_req_rcv(twin, skb, seg, now);
		return;
	}
	hsk_reqs_inserted(now);
	WRITE_ONCE(l->qlen, l->qlen + 1);
	WRITE_ONCE(l->young, l->young + 1);
	trace_hsk_state_change(&req->key, HSK_LISTEN, HSK_SYN_RECV);
	hsk_req_arm(l, req, now);
	hsk_req_send_synack(req, seg, hsk_ts_of(clock), flow_hash);
	spin_unlock(&l->lock);
}

/*
 * RFC 7323 PAWS for SYN_RECV: an older TSval than the last one is stale.
 * A RST too, unless the entry's timeout has reached an MSL: Linux's
 * tcp_paws_reject() dates ts_recent at now minus that timeout.
 */
static bool hsk_req_paws_reject(const struct hsk_req *req,
				const struct hsk_seg *seg)
{
	/* A TSval of 0 in the SYN proves nothing (Linux's tcp_paws_check). */
	if (!(req->flags & HSK_REQ_TS) || !(seg->opt.has & HSK_HAS_TS) ||
	    !req->ts_recent || (s32)(req->ts_recent - seg->opt.tsval) <= 0)
		return false;
	return !(seg->flags & HSK_TH_RST) ||
	       hsk_synq_timeout(req->num_timeout) < HSK_PAWS_MSL;
}

/*
 * Linux's tcp_oow_rate_limited() for a retransmitted SYN: one SYN-ACK in
 * answer per HSK_OOW_RATELIMIT, so that a stream of copies of a SYN does
 * not draw as many SYN-ACKs. The first is always answered.
 */
static bool hsk_req_resend_limited(const struct hsk_req *req,
				   unsigned long now)
{
	long since;

	if (!(req->tflags & HSK_REQ_T_SYN_ANSWERED))
		return false;
	since = (long)hsk_synq_timeout(req->num_timeout) -
		hsk_req_due_in(req, now);
	return since >= 0 && since < HSK_OOW_RATELIMIT;
}

/*
 * Linux's tcp_oow_rate_limited() for a segment outside the window: a pure
 * one (no data, or a SYN) is not answered within HSK_OOW_RATELIMIT of a
 * resent SYN-ACK, nor after another was answered in the same timer
 * interval. Linux allows one per 500 ms with a 4-byte stamp that a
 * 48-byte entry has no room for; one per interval (1, 2, 4 ... s) is
 * never looser. Segments with data are answered: not part of an ACK loop.
 */
static bool hsk_req_oow_limited(struct hsk_req *req,
				const struct hsk_seg *seg, unsigned long now)
{
	if (seg->seq != seg->end_seq && !(seg->flags & HSK_TH_SYN))
		return false;
	if ((req->tflags & HSK_REQ_T_OOW_ANSWERED) ||
	    hsk_req_resend_limited(req, now)) {
		hsk_inc(HSK_MIB_TCPACKSkippedSynRecv);
		return true;
	}
	req->tflags |= HSK_REQ_T_OOW_ANSWERED;
	return false;
}

/* tcp_in_window(): the segment overlaps [rcv_nxt, rcv_nxt + wnd]. */
static bool hsk_in_window(u32 seq, u32 end_seq, u32 s_win, u32 e_win)
{
	if (seq == s_win)
		return true;
	if (after(end_seq, s_win) && before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

static void hsk_req_send_ack(const struct hsk_req *req)
{
	struct hsk_opts o = { };

	if (req->flags & HSK_REQ_TS) {
		o.has = HSK_HAS_TS;
		o.tsval = hsk_ts_now();
		o.tsecr = req->ts_recent;
	}
	hsk_send_ack(&req->key, req->iss + 1, req->irs + 1, HSK_SYNACK_WINDOW,
		     &o);
}

static void hsk_req_embryonic_reset(struct hsk_listener *l,
				    struct hsk_req *req,
				    const struct hsk_seg *seg,
				    unsigned long now)
{
	if (!(seg->flags & HSK_TH_RST))
		hsk_send_reset(seg);
	trace_hsk_state_change(&req->key, HSK_SYN_RECV, HSK_CLOSE);
	hsk_req_unlink(l, req, now);
	hsk_inc(HSK_MIB_EmbryonicRsts);
}

/*
 * A segment for half-open @req, in the order of Linux's tcp_check_req
 * (reference §4). Returns false if @req died before the lock was taken, so
 * the caller goes on to the listener. The caller holds RCU.
 */
bool hsk_req_rcv(struct hsk_req *req, struct sk_buff *skb,
		 const struct hsk_seg *seg, unsigned long now)
{
	struct hsk_listener *l = hsk_req_listener(req);
	struct hsk_conn *c;
	u8 flags = seg->flags;
	bool paws_reject;
	u32 rcv_nxt;

	if (!l)
		return false;
	spin_lock(&l->lock);
	/* Past the dead check the fields under the rcu_head are valid. */
	if (l->dead || (req->flags & HSK_REQ_DEAD)) {
		spin_unlock(&l->lock);
		return false;
	}
	rcv_nxt = req->irs + 1;

	paws_reject = hsk_req_paws_reject(req, seg);

	/* A retransmitted SYN: answer it again and restart the timer. */
	if (seg->seq == req->irs && !paws_reject &&
	    (flags & (HSK_TH_RST | HSK_TH_SYN | HSK_TH_ACK)) == HSK_TH_SYN) {
		if (hsk_req_resend_limited(req, now)) {
			hsk_inc(HSK_MIB_TCPACKSkippedSynRecv);
			goto out;
		}
		hsk_req_rearm(l, req, now);
		req->tflags |= HSK_REQ_T_SYN_ANSWERED;
		if ((req->tflags & HSK_REQ_T_SYN_RESENT) != HSK_REQ_T_SYN_RESENT)
			req->tflags += HSK_REQ_T_SYN_RESENT_ONE;
		hsk_req_send_synack(req, seg, hsk_ts_now(), 0);
		hsk_inc(HSK_MIB_TCPSynRetrans);
		trace_hsk_synack_retrans(&req->key, req->num_timeout);
		goto out;
	}

	/* RFC 793 p. 36: an unacceptable ACK gets a RST; the entry stays. */
	if ((flags & HSK_TH_ACK) && seg->ack_seq != req->iss + 1) {
		if (!(flags & HSK_TH_RST))
			hsk_send_reset(seg);
		goto out;
	}

	if (paws_reject || !hsk_in_window(seg->seq, seg->end_seq, rcv_nxt,
					  rcv_nxt + HSK_SYNACK_WINDOW)) {
		if (!(flags & HSK_TH_RST) && !hsk_req_oow_limited(req, seg, now))
			hsk_req_send_ack(req);
		if (paws_reject)
			hsk_inc(HSK_MIB_PAWSEstab);
		goto out;
	}

	if ((seg->opt.has & HSK_HAS_TS) && (req->flags & HSK_REQ_TS) &&
	    !after(seg->seq, rcv_nxt))
		req->ts_recent = seg->opt.tsval;
	/* The SYN bit of a segment starting at IRS lies left of the window. */
	if (seg->seq == req->irs)
		flags &= ~HSK_TH_SYN;

	if (flags & (HSK_TH_RST | HSK_TH_SYN)) {
		/* Here only: not for abort_on_overflow's reset, as Linux. */
		hsk_inc(HSK_MIB_AttemptFails);
		hsk_req_embryonic_reset(l, req, seg, now);
		goto out;
	}
	if (!(flags & HSK_TH_ACK))
		goto out;

	if (hsk_acceptq_full(l)) {
		hsk_listener_drop(l, seg, true);
		if (READ_ONCE(hsk_knobs.abort_on_overflow))
			hsk_req_embryonic_reset(l, req, seg, now);
		else
			req->flags |= HSK_REQ_ACKED;
		goto out;
	}

	c = hsk_conn_from_req(req, skb, seg);
	if (IS_ERR(c)) {
		if (PTR_ERR(c) == -ENOMEM)
			hsk_inc(HSK_MIB_DropNoMem);
		hsk_listener_drop(l, seg, false);
		goto out;
	}
	/* The connection is hashed already, so nothing falls in between. */
	hsk_req_unlink(l, req, now);
	hsk_acceptq_add(l, c);
	hsk_inc(HSK_MIB_PassiveOpens);
out:
	spin_unlock(&l->lock);
	return true;
}

/*
 * Segments this CPU's backlog can take now, with @qlen waiting there:
 * up to half of it (netif_rx drops beyond its bound). Timer runs that
 * fall behind follow each other in one softirq before the backlog is
 * processed, and a flush can outrun ksoftirqd, so a fixed budget is not
 * enough. While other traffic keeps it over half full, a few, so that
 * entries still expire; none once it is three quarters full.
 */
static unsigned int hsk_synq_room_for(unsigned int qlen, int max_backlog)
{
	unsigned int max = max(max_backlog, 0), half = max / 2;

	/* A backlog too small to matter: progress first. */
	if (max < 4 * HSK_SYNQ_MIN_BUDGET)
		return HSK_SYNQ_MIN_BUDGET;
	if (qlen + HSK_SYNQ_MIN_BUDGET <= half)
		return min_t(unsigned int, half - qlen, HSK_SYNQ_BUDGET);
	return qlen + HSK_SYNQ_MIN_BUDGET <= max / 4 * 3 ?
	       HSK_SYNQ_MIN_BUDGET : 0;
}

/* raw_: a flush may move to another CPU meanwhile; then it is a guess. */
static unsigned int hsk_synq_room(void)
{
	return hsk_synq_room_for(skb_queue_len_lockless(
		&raw_cpu_ptr(&softnet_data)->input_pkt_queue),
		hsk_compat_max_backlog());
}

/*
 * The listener's timer: every entry due at @now fires once, in expiry
 * order: it resends its SYN-ACK or, after its last retry, dies. DEAD
 * entries met on the way are freed, rearmed ones requeued. Due entries
 * leave their queues under the lock and their SYN-ACKs go out after it is
 * dropped, so SYNs and third ACKs on other CPUs do not wait for a burst of
 * retransmissions; they join their next queue once sent. At most
 * hsk_synq_room() per run, so a million entries due at once neither
 * hold the CPU for a second nor overflow the backlog.
 * Runs never overlap (a timer, or KUnit's direct calls), and only a run or
 * a flush after the timer's shutdown frees entries: the ones in flight
 * stay valid while unlocked.
 */
void hsk_synq_run(struct hsk_listener *l, unsigned long now)
{
	unsigned int max_qlen = READ_ONCE(hsk_knobs.max_syn_backlog);
	unsigned int retries0 = READ_ONCE(hsk_knobs.synack_retries);
	unsigned int budget = hsk_synq_room();
	struct hsk_tq resend = { .tailp = &resend.head };
	struct hsk_tq sent = { .tailp = &sent.head };
	struct hsk_tq failed = { .tailp = &failed.head };
	struct hsk_req *req;
	unsigned long next = 0;
	bool pending = false;
	int i;

	spin_lock_bh(&l->lock);
	for (i = 0; i < HSK_TQ_LEVELS; i++) {
		struct hsk_tq *q = &l->tq[i];

		while ((req = q->head)) {
			unsigned int retries;

			if (!(req->flags & HSK_REQ_DEAD) &&
			    !(req->tflags & HSK_REQ_T_REARMED) &&
			    hsk_req_due_in(req, now) > 0)
				break;
			if (!budget--) {
				/* The rest next tick: softirq stays short. */
				next = now + 1;
				pending = true;
				goto unlock;
			}
			hsk_tq_pop(q);
			if (req->flags & HSK_REQ_DEAD) {
				hsk_req_free(req);
				continue;
			}
			if (req->tflags & HSK_REQ_T_REARMED) {
				req->tflags &= ~HSK_REQ_T_REARMED;
				hsk_tq_push(q, req);
				continue;
			}
			hsk_inc(HSK_MIB_TCPTimeouts);
			retries = hsk_synq_retries(l->qlen, l->young, max_qlen,
						   retries0);
			if (req->num_timeout >= retries) {
				trace_hsk_state_change(&req->key, HSK_SYN_RECV,
						       HSK_CLOSE);
				hsk_req_unlink(l, req, now);
				hsk_req_free(req);
				continue;
			}
			if (!req->num_timeout)
				WRITE_ONCE(l->young, l->young - 1);
			req->num_timeout++;
			req->tflags &= ~(HSK_REQ_T_SYN_ANSWERED |
					 HSK_REQ_T_OOW_ANSWERED);
			req->expires = (u32)(now +
					     hsk_synq_timeout(req->num_timeout));
			hsk_tq_push(&resend, req);
		}
	}
unlock:
	spin_unlock_bh(&l->lock);

	/*
	 * Racing third ACKs and SYNs may kill or rearm these meanwhile; their
	 * fields stay readable (see above). A late SYN-ACK is harmless.
	 */
	while (resend.head) {
		req = hsk_tq_pop(&resend);
		if (hsk_req_send_synack(req, NULL, hsk_ts_now(), 0)) {
			hsk_tq_push(&failed, req);
			continue;
		}
		hsk_inc(HSK_MIB_TCPSynRetrans);
		trace_hsk_synack_retrans(&req->key, req->num_timeout);
		hsk_tq_push(&sent, req);
	}

	spin_lock_bh(&l->lock);
	/*
	 * A resend the host did not take drops its entry, unless its third
	 * ACK came while the accept queue was full: as Linux's
	 * reqsk_timer_handler(), which keeps an acked request for the queue
	 * to make room.
	 */
	while (failed.head) {
		req = hsk_tq_pop(&failed);
		if (req->flags & HSK_REQ_DEAD) {
			hsk_req_free(req);
			continue;
		}
		if (req->flags & HSK_REQ_ACKED) {
			hsk_tq_push(&sent, req);
			continue;
		}
		trace_hsk_state_change(&req->key, HSK_SYN_RECV, HSK_CLOSE);
		hsk_req_unlink(l, req, now);
		hsk_req_free(req);
	}
	while (sent.head) {
		req = hsk_tq_pop(&sent);
		if (req->flags & HSK_REQ_DEAD) {
			hsk_req_free(req);
			continue;
		}
		req->tflags &= ~HSK_REQ_T_REARMED;
		hsk_tq_push(&l->tq[hsk_tq_level(req->num_timeout)], req);
	}
	for (i = 0; i < HSK_TQ_LEVELS; i++) {
		unsigned long e;

		req = l->tq[i].head;
		if (!req)
			continue;
		/* A dead or moved head hides when the next is due: soon. */
		if ((req->flags & HSK_REQ_DEAD) ||
		    (req->tflags & HSK_REQ_T_REARMED))
			e = now + 1;
		else
			e = now + hsk_req_due_in(req, now);
		if (!pending || time_before(e, next))
			next = e;
		pending = true;
	}
	if (pending && !l->dead)
		mod_timer(&l->timer, next);
	spin_unlock_bh(&l->lock);
}

/*
 * Resets and frees every half-open entry of a closing listener, whose
 * timer is shut down. In rounds as large as the backlog has room for: a
 * million entries would otherwise hold the lock, and bottom halves off,
 * for seconds, and overflow the backlog with their RSTs. Between rounds
 * the lock is free, and the RSTs' softirq runs as they are sent or, when
 * ksoftirqd has it, meanwhile: a full backlog gets a millisecond. Entries
 * unlinked in a round are this function's alone: lookups no longer find
 * them, and segments that found them before see the listener dead under
 * its lock.
 */
void hsk_synq_flush(struct hsk_listener *l)
{
	struct hsk_tq rst = { .tailp = &rst.head };
	unsigned int n, room;
	struct hsk_req *req;
	int i;

	might_sleep();
	do {
		room = hsk_synq_room();
		if (!room) {
			usleep_range(1000, 2000);
			room = HSK_SYNQ_MIN_BUDGET;
		}
		n = 0;
		spin_lock_bh(&l->lock);
		for (i = 0; i < HSK_TQ_LEVELS && n < room; i++) {
			while (l->tq[i].head && n < room) {
				req = hsk_tq_pop(&l->tq[i]);
				n++;
				if (req->flags & HSK_REQ_DEAD) {
					hsk_req_free(req);
					continue;
				}
				hsk_req_unlink(l, req, jiffies);
				hsk_tq_push(&rst, req);
			}
		}
		spin_unlock_bh(&l->lock);

		while (rst.head) {
			req = hsk_tq_pop(&rst);
			hsk_send_rst_to(&req->key, req->iss + 1, req->irs + 1);
			hsk_req_free(req);
		}
		cond_resched();
	} while (n);
}

/*
 * /proc/net/hsk/synq: the memory the half-open queue holds, for the
 * benchmarks and the curious. Buckets are pointers in a table that grows
 * and shrinks with the number of entries.
 */
static int hsk_synq_show(struct seq_file *seq, void *v)
{
	const struct bucket_table *tbl;
	unsigned int buckets;

	rcu_read_lock();
	tbl = rht_dereference_rcu(hsk_reqs.tbl, &hsk_reqs);
	buckets = tbl->size;
	rcu_read_unlock();
	seq_printf(seq, "entries %u\nobject_bytes %u\nbuckets %u\nbucket_bytes %zu\n",
		   atomic_read(&hsk_reqs.nelems), kmem_cache_size(hsk_req_cache),
		   buckets, sizeof(struct rhash_lock_head *));
	return 0;
}

int hsk_synq_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct hsk_req) > 48);
	get_random_bytes(&hsk_isn_key, sizeof(hsk_isn_key));
	hsk_req_cache = KMEM_CACHE(hsk_req, 0);
	if (!hsk_req_cache)
		return -ENOMEM;
	ret = rhashtable_init(&hsk_reqs, &hsk_req_params);
	if (ret)
		goto err_cache;
	hsk_reqs_busy = jiffies;
	if (!proc_create_single("synq", 0444, hsk_proc_dir, hsk_synq_show)) {
		ret = -ENOMEM;
		goto err_table;
	}
	return 0;

err_table:
	rhashtable_destroy(&hsk_reqs);
err_cache:
	kmem_cache_destroy(hsk_req_cache);
	return ret;
}

/* Entries die with their listeners, which all close before unload. */
void hsk_synq_exit(void)
{
	remove_proc_entry("synq", hsk_proc_dir);
	rhashtable_destroy(&hsk_reqs);
	rcu_barrier();	/* hsk_req_free_rcu() of every entry */
	kmem_cache_destroy(hsk_req_cache);
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/synq_test.c"
#endif
