// SPDX-License-Identifier: GPL-2.0
/*
 * Data that arrived beyond a hole, held until the hole fills (RFC 793
 * 3.3, RFC 1122 4.2.2.20), and the SACK blocks that report it (RFC 2018).
 *
 * What is held is a set of runs: maximal ranges of contiguous sequence
 * space, each with its skbs sorted by sequence number (they may overlap
 * where a peer resent across an edge). Runs never overlap or touch: a
 * segment that reaches one joins it, and one that bridges two merges
 * them. A segment costs a lookup in the rbtree and, when it covers skbs
 * held already, their freeing, so a peer cannot make the softirq walk
 * what it sent before; and every skb and run counts its memory, so it
 * cannot pin more than HSK_RCVMEM either.
 */

#include "compat.h"
#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <linux/slab.h>
#include <net/tcp.h>

struct hsk_ooo_run {
	struct rb_node node;		/* in hsk_ooo.runs, by seq */
	struct list_head recent;	/* in hsk_ooo.recent */
	u32 seq;
	u32 end_seq;			/* a FIN counts one */
	struct sk_buff_head skbs;	/* by cb->seq, lock unused */
};

/* What a run itself costs, beside its skbs. */
#define HSK_OOO_RUN_MEM	SKB_DATA_ALIGN(sizeof(struct hsk_ooo_run))

#define hsk_ooo_run_of(n) rb_entry_safe(n, struct hsk_ooo_run, node)

void hsk_ooo_init(struct hsk_ooo *q)
{
	q->runs = RB_ROOT;
	INIT_LIST_HEAD(&q->recent);
	q->bytes = 0;
	q->mem = 0;
}

static void hsk_ooo_free_skb(struct hsk_ooo *q, struct hsk_ooo_run *r,
			     struct sk_buff *skb)
{
	__skb_unlink(skb, &r->skbs);
	q->bytes -= skb->len;
	q->mem -= skb->truesize;
	kfree_skb(skb);
}

/* Takes @r out of the tree and frees it; its skbs must be gone. */
static void hsk_ooo_free_run(struct hsk_ooo *q, struct hsk_ooo_run *r)
{
	rb_erase(&r->node, &q->runs);
	list_del(&r->recent);
	q->mem -= HSK_OOO_RUN_MEM;
	kfree(r);
}

static void hsk_ooo_drop_run(struct hsk_ooo *q, struct hsk_ooo_run *r)
{
	while (!skb_queue_empty(&r->skbs))
		hsk_ooo_free_skb(q, r, skb_peek(&r->skbs));
	hsk_ooo_free_run(q, r);
}

void hsk_ooo_purge(struct hsk_ooo *q)
{
	struct hsk_ooo_run *r;

	while ((r = hsk_ooo_run_of(rb_first(&q->runs))))
		hsk_ooo_drop_run(q, r);
}

/* The last run that starts at or before @seq. */
static struct hsk_ooo_run *hsk_ooo_floor(const struct hsk_ooo *q, u32 seq)
{
	struct rb_node *n = q->runs.rb_node;
	struct hsk_ooo_run *best = NULL;

	while (n) {
		struct hsk_ooo_run *r = hsk_ooo_run_of(n);

		if (after(r->seq, seq)) {
			n = n->rb_left;
		} else {
			best = r;
			n = n->rb_right;
		}
	}
	return best;
}

/* The first run that overlaps or touches [@seq, @end], or NULL. */
static struct hsk_ooo_run *hsk_ooo_reach(const struct hsk_ooo *q, u32 seq,
					 u32 end)
{
	struct hsk_ooo_run *r = hsk_ooo_floor(q, seq);

	if (r && !before(r->end_seq, seq))
		return r;
	r = hsk_ooo_run_of(r ? rb_next(&r->node) : rb_first(&q->runs));
	return r && !after(r->seq, end) ? r : NULL;
}

/*
 * Drops whole runs from the right edge, only ones starting after @seq
 * (what is nearer rcv_nxt is worth more), until what is held costs at
 * most @keep: Linux's tcp_prune_ofo_queue(). The peer resends them; if
 * it had them SACKed it sees us renege (RFC 2018 8).
 */
static bool hsk_ooo_prune(struct hsk_ooo *q, u32 seq, u32 keep)
{
	struct hsk_ooo_run *r;
	bool pruned = false;

	while (q->mem > keep && (r = hsk_ooo_run_of(rb_last(&q->runs))) &&
	       after(r->seq, seq)) {
		hsk_ooo_drop_run(q, r);
		pruned = true;
	}
	return pruned;
}

/*
 * Room for @need more bytes of receive memory (truesize) for data at
 * @seq: what is held out of order beyond @seq goes first if the rest
 * would pass HSK_RCVMEM [OfoPruned]. False if even that is not enough.
 */
bool hsk_rcv_make_room(struct hsk_conn *c, u32 seq, u32 need)
{
	u32 other = c->rx_mem + need;

	lockdep_assert_held(&c->lock);
	/* All connections together first (rmem.c): no pruning for that. */
	if (!hsk_rmem_admit(c, need))
		return false;
	if (c->rx_mem + c->ooo.mem + need <= HSK_RCVMEM)
		return true;
	if (hsk_ooo_prune(&c->ooo, seq, other < HSK_RCVMEM ?
			  HSK_RCVMEM - other : 0))
		hsk_inc(HSK_MIB_OfoPruned);
	return c->rx_mem + c->ooo.mem + need <= HSK_RCVMEM;
}

/*
 * The first run, if rcv_nxt reached it: its skbs go onto @out, in order,
 * and no longer count here.
 */
bool hsk_ooo_take(struct hsk_ooo *q, u32 rcv_nxt, struct sk_buff_head *out)
{
	struct hsk_ooo_run *r = hsk_ooo_run_of(rb_first(&q->runs));
	struct sk_buff *skb;

	if (!r || after(r->seq, rcv_nxt))
		return false;
	skb_queue_walk(&r->skbs, skb) {
		q->bytes -= skb->len;
		q->mem -= skb->truesize;
	}
	skb_queue_splice_tail_init(&r->skbs, out);
	hsk_ooo_free_run(q, r);
	return true;
}

/* Runs that [.., @end] now reaches join @r. */
static void hsk_ooo_join(struct hsk_ooo *q, struct hsk_ooo_run *r, u32 end)
{
	struct hsk_ooo_run *next;

	while ((next = hsk_ooo_run_of(rb_next(&r->node))) &&
	       !after(next->seq, end)) {
		skb_queue_splice_tail_init(&next->skbs, &r->skbs);
		if (after(next->end_seq, end))
			end = next->end_seq;
		hsk_ooo_free_run(q, next);
	}
	if (after(end, r->end_seq))
		r->end_seq = end;
	/* Its block now holds the latest segment: it goes first. */
	list_move(&r->recent, &q->recent);
}

static bool hsk_ooo_new_run(struct hsk_ooo *q, struct sk_buff *skb)
{
	struct rb_node **link = &q->runs.rb_node, *parent = NULL;
	u32 seq = HSK_SKB_CB(skb)->seq;
	struct hsk_ooo_run *r;

	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return false;
	r->seq = seq;
	r->end_seq = HSK_SKB_CB(skb)->end_seq;
	__skb_queue_head_init(&r->skbs);
	__skb_queue_tail(&r->skbs, skb);
	while (*link) {
		parent = *link;
		link = after(hsk_ooo_run_of(parent)->seq, seq) ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &q->runs);
	list_add(&r->recent, &q->recent);
	q->bytes += skb->len;
	q->mem += skb->truesize + HSK_OOO_RUN_MEM;
	return true;
}

/*
 * @skb (cb->seq, cb->end_seq set) joins the run it reaches, or starts
 * one. In a run it goes after the last skb that starts no later, and the
 * skbs it covers whole are freed: each skb is freed once, so the walks
 * cost no more than what was queued.
 */
static bool hsk_ooo_insert(struct hsk_ooo *q, struct sk_buff *skb)
{
	u32 seq = HSK_SKB_CB(skb)->seq, end = HSK_SKB_CB(skb)->end_seq;
	struct hsk_ooo_run *r = hsk_ooo_reach(q, seq, end);
	struct sk_buff *pos, *next;

	if (!r)
		return hsk_ooo_new_run(q, skb);
	if (before(seq, r->seq)) {
		__skb_queue_head(&r->skbs, skb);
		r->seq = seq;	/* the run before ends before seq */
	} else {
		/*
		 * r ends before end (else the segment was held already), so
		 * every skb of r that starts after seq lies inside it.
		 */
		pos = skb_peek_tail(&r->skbs);
		while (after(HSK_SKB_CB(pos)->seq, seq)) {
			next = skb_queue_prev(&r->skbs, pos);
			hsk_ooo_free_skb(q, r, pos);
			pos = next;
		}
		__skb_queue_after(&r->skbs, pos, skb);
	}
	q->bytes += skb->len;
	q->mem += skb->truesize;
	hsk_ooo_join(q, r, end);
	while (!skb_queue_is_last(&r->skbs, skb)) {
		next = skb_queue_next(&r->skbs, skb);
		if (after(HSK_SKB_CB(next)->end_seq, end))
			break;
		hsk_ooo_free_skb(q, r, next);
	}
	return true;
}

/*
 * A segment of @len bytes at @seq beyond rcv_nxt (and its FIN), from @off
 * in @skb. Held unless it is held already, which only moves its block to
 * the front; appended to the tail of the run it extends when that is one
 * of our copies with room (Linux's tcp_try_coalesce); otherwise cloned or
 * copied. Over HSK_RCVMEM, runs beyond it are dropped to make room, and
 * failing that the segment is [TCPOFODrop].
 */
void hsk_ooo_add(struct hsk_conn *c, const struct sk_buff *skb,
		 unsigned int off, u32 seq, u32 len, bool fin)
{
	struct hsk_ooo *q = &c->ooo;
	u32 end = seq + len + fin;
	struct hsk_ooo_run *r;
	struct sk_buff *data;

	lockdep_assert_held(&c->lock);
	r = hsk_ooo_floor(q, seq);
	/* What a run already holds came twice (RFC 2883). */
	if (r && after(r->end_seq, seq))
		hsk_conn_dsack_set(c, seq, after(end, r->end_seq) ?
				   r->end_seq : end);
	if (r && !after(end, r->end_seq)) {
		list_move(&r->recent, &q->recent);
		return;
	}
	if (r && r->end_seq == seq && !fin &&
	    !HSK_SKB_CB(skb_peek_tail(&r->skbs))->fin &&
	    hsk_rcv_append(skb_peek_tail(&r->skbs), skb, off, len)) {
		HSK_SKB_CB(skb_peek_tail(&r->skbs))->end_seq = end;
		q->bytes += len;
		hsk_ooo_join(q, r, end);
		hsk_inc(HSK_MIB_TCPOFOQueue);
		hsk_inc(HSK_MIB_TCPRcvCoalesce);
		return;
	}
	data = hsk_rcv_data(skb, off, len);
	if (!data || skb_linearize(data)) {
		kfree_skb(data);
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	if (!hsk_rcv_make_room(c, seq, data->truesize + HSK_OOO_RUN_MEM)) {
		kfree_skb(data);
		hsk_inc(HSK_MIB_TCPOFODrop);
		return;
	}
	HSK_SKB_CB(data)->seq = seq;
	HSK_SKB_CB(data)->end_seq = end;
	HSK_SKB_CB(data)->fin = fin;
	if (!hsk_ooo_insert(q, data)) {
		kfree_skb(data);
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	hsk_inc(HSK_MIB_TCPOFOQueue);
}

/*
 * RFC 2018 4: the runs as at most @max blocks in @buf (wire format), the
 * one with the latest arrival first, so the first block holds the segment
 * that triggered the ACK and the others repeat the most recently reported.
 */
unsigned int hsk_ooo_sack(const struct hsk_ooo *q, u8 *buf, unsigned int max)
{
	const struct hsk_ooo_run *r;
	unsigned int n = 0;

	list_for_each_entry(r, &q->recent, recent) {
		if (n == max)
			break;
		put_unaligned_be32(r->seq, buf + n * HSK_OPTLEN_SACK_BLOCK);
		put_unaligned_be32(r->end_seq, buf + n * HSK_OPTLEN_SACK_BLOCK + 4);
		n++;
	}
	return n;
}
