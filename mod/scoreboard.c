// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's SACK scoreboard (RFC 6675): which sent skbs the peer holds
 * (sacked), which are lost (IsLost), which went again (rexmit), and the
 * counters that make pipe and IsLost cost nothing per ACK.
 *
 * Linux keeps its retransmit queue in an rbtree and counts sacked_out,
 * lost_out and retrans_out, so that a SACK costs what it newly covers
 * (tcp_sacktag_write_queue, with its recv_sack_cache). Walking the queue
 * instead costs a window per ACK, a window squared per loss, and lets a
 * peer with a tiny MSS make every ACK walk thousands of skbs. Here every
 * skb of sndq is in an rbtree by sequence (its cb's node), the last ACK's
 * blocks are remembered so that a repeated block costs nothing, IsLost
 * moves a frontier up the queue that only an RTO moves back,
 * and the first hole to resend is remembered as well.
 *
 * "Sent" is sndq from its head to snd_head: the counters cover that part
 * only; an RTO rewinds snd_head and recounts (hsk_sb_reset).
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <linux/rbtree.h>
#include <net/tcp.h>

static struct sk_buff *hsk_sb_skb(struct rb_node *node)
{
	return container_of((void *)rb_entry(node, struct hsk_skb_cb, node),
			    struct sk_buff, cb);
}

static bool hsk_sb_less(struct rb_node *a, const struct rb_node *b)
{
	return before(rb_entry(a, struct hsk_skb_cb, node)->seq,
		      rb_entry(b, struct hsk_skb_cb, node)->seq);
}

/* The first sent skb, or NULL. */
static struct sk_buff *hsk_sb_first(struct hsk_conn *c)
{
	struct sk_buff *skb = skb_peek(&c->sndq);

	return skb == c->snd_head ? NULL : skb;
}

/* The sent skb after @skb, or NULL. */
struct sk_buff *hsk_sb_next(struct hsk_conn *c, struct sk_buff *skb)
{
	if (skb_queue_is_last(&c->sndq, skb))
		return NULL;
	skb = skb_queue_next(&c->sndq, skb);
	return skb == c->snd_head ? NULL : skb;
}

/* Whether IsLost has been decided for @skb: at or below the frontier. */
static bool hsk_sb_decided(const struct hsk_conn *c, const struct sk_buff *skb)
{
	const struct sk_buff *hint = c->sb.lost_hint;

	return hint && !after(HSK_SKB_CB(skb)->seq, HSK_SKB_CB(hint)->seq);
}

void hsk_sb_init(struct hsk_conn *c)
{
	memset(&c->sb, 0, sizeof(c->sb));
	c->sb.index = RB_ROOT;
}

/* An skb queued on sndq anywhere but at its tail: a cut's second part. */
static void hsk_sb_insert(struct hsk_conn *c, struct sk_buff *skb)
{
	rb_add(&HSK_SKB_CB(skb)->node, &c->sb.index, hsk_sb_less);
}

/*
 * @skb, just queued at sndq's tail, has the highest seq: it goes right of
 * the previous tail, the tree's rightmost node, so that a write costs no
 * descent of the index (rebalancing is O(1) amortized), SACK or not.
 */
void hsk_sb_append(struct hsk_conn *c, struct sk_buff *skb)
{
	struct rb_node *node = &HSK_SKB_CB(skb)->node;
	struct rb_node *prev;

	BUILD_BUG_ON(sizeof(struct hsk_skb_cb) > sizeof_field(struct sk_buff,
							      cb));
	if (skb_queue_is_first(&c->sndq, skb)) {
		rb_link_node(node, NULL, &c->sb.index.rb_node);
	} else {
		prev = &HSK_SKB_CB(skb_queue_prev(&c->sndq, skb))->node;
		rb_link_node(node, prev, &prev->rb_right);
	}
	rb_insert_color(node, &c->sb.index);
}

/* The counts of the sent skbs, walked: for a reset, and for KUnit. */
void hsk_sb_count(struct hsk_conn *c, struct hsk_sb_counts *n)
{
	struct sk_buff *skb;

	memset(n, 0, sizeof(*n));
	for (skb = hsk_sb_first(c); skb; skb = hsk_sb_next(c, skb)) {
		const struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		n->out += skb->len;
		if (cb->sacked) {
			n->sacked += skb->len;
			n->sacked_segs++;
			continue;
		}
		if (cb->lost) {
			n->lost += skb->len;
			n->lost_segs++;
		}
		if (cb->rexmit) {
			n->rexmit += skb->len;
			n->rexmit_segs++;
		}
	}
}

/*
 * After an RTO rewound snd_head (and forgot the marks if the peer
 * reneged): the counts from a walk (the RTO walks sndq already), IsLost
 * from the bottom again, and no block remembered.
 */
void hsk_sb_reset(struct hsk_conn *c)
{
	hsk_sb_count(c, &c->sb.n);
	c->sb.lost_hint = NULL;
	c->sb.hint_sacked = 0;
	c->sb.hint_sacked_segs = 0;
	c->sb.rexmit_hint = NULL;
	c->sb.ncache = 0;
}

/* snd_head moved past @skb: sent, or passed over as SACKed. */
void hsk_sb_sent(struct hsk_conn *c, const struct sk_buff *skb)
{
	c->sb.n.out += skb->len;
	if (HSK_SKB_CB(skb)->sacked) {
		c->sb.n.sacked += skb->len;
		c->sb.n.sacked_segs++;
	}
}

/* @len bytes of sent @skb leave the counts, and @segs segments. */
static void hsk_sb_sub(struct hsk_conn *c, const struct sk_buff *skb,
		       u32 len, u32 segs)
{
	const struct hsk_skb_cb *cb = HSK_SKB_CB(skb);
	struct hsk_sb_counts *n = &c->sb.n;

	n->out -= len;
	if (cb->sacked) {
		n->sacked -= len;
		n->sacked_segs -= segs;
		if (hsk_sb_decided(c, skb)) {
			c->sb.hint_sacked -= len;
			c->sb.hint_sacked_segs -= segs;
		}
		return;
	}
	if (cb->lost) {
		n->lost -= len;
		n->lost_segs -= segs;
	}
	if (cb->rexmit) {
		n->rexmit -= len;
		n->rexmit_segs -= segs;
	}
}

/* The first @len bytes of the head @skb are acknowledged; @sent: counted. */
void hsk_sb_trim_head(struct hsk_conn *c, struct sk_buff *skb, u32 len,
		      bool sent)
{
	if (sent)
		hsk_sb_sub(c, skb, len, 0);
	/* A block remembered may now hold the whole rest, unmarked. */
	c->sb.ncache = 0;
}

/* The head @skb is acknowledged and leaves sndq; @sent: counted. */
void hsk_sb_unlink(struct hsk_conn *c, struct sk_buff *skb, bool sent)
{
	if (sent)
		hsk_sb_sub(c, skb, skb->len, 1);
	if (skb == c->sb.lost_hint) {
		/* All below it went before it. */
		c->sb.lost_hint = NULL;
		c->sb.hint_sacked = 0;
		c->sb.hint_sacked_segs = 0;
	}
	if (skb == c->sb.rexmit_hint)
		c->sb.rexmit_hint = NULL;
	rb_erase(&HSK_SKB_CB(skb)->node, &c->sb.index);
}

/* The unsent @skb was cut, @rest queued after it. */
void hsk_sb_split(struct hsk_conn *c, struct sk_buff *rest)
{
	hsk_sb_insert(c, rest);
	c->sb.ncache = 0;
}

void hsk_sb_set_lost(struct hsk_conn *c, struct sk_buff *skb)
{
	struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

	if (cb->sacked || cb->lost)
		return;
	cb->lost = 1;
	c->sb.n.lost += skb->len;
	c->sb.n.lost_segs++;
}

/* A lost @skb goes again. */
void hsk_sb_set_rexmit(struct hsk_conn *c, struct sk_buff *skb)
{
	HSK_SKB_CB(skb)->rexmit = 1;
	c->sb.n.rexmit += skb->len;
	c->sb.n.rexmit_segs++;
}

/*
 * What one ACK's blocks found: fack before them, and the lowest skb they
 * newly SACKed below it that was never resent, a hole filled late.
 */
struct hsk_sb_tag {
	u32 prior_fack;
	u32 low;
};

static void hsk_sb_set_sacked(struct hsk_conn *c, struct sk_buff *skb,
			      struct hsk_sb_tag *t)
{
	struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

	if (!cb->retrans && before(cb->seq, t->low))
		t->low = cb->seq;
	if (after(cb->end_seq, c->sb.fack))
		c->sb.fack = cb->end_seq;

	/* Out of lost and rexmit, into sacked; counted as it was. */
	hsk_sb_sub(c, skb, skb->len, 1);
	cb->sacked = 1;
	c->sb.n.out += skb->len;
	c->sb.n.sacked += skb->len;
	c->sb.n.sacked_segs++;
	if (hsk_sb_decided(c, skb)) {
		c->sb.hint_sacked += skb->len;
		c->sb.hint_sacked_segs++;
	}
}

/* The first skb whose end is beyond @seq, or NULL. */
static struct sk_buff *hsk_sb_find(struct hsk_conn *c, u32 seq)
{
	struct rb_node *node = c->sb.index.rb_node;
	struct sk_buff *found = NULL;

	while (node) {
		struct sk_buff *skb = hsk_sb_skb(node);

		hsk_sb_visit(c);
		if (after(HSK_SKB_CB(skb)->end_seq, seq)) {
			found = skb;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/* Marks the sent skbs wholly inside [@l, @r) met from @a to @b. */
static void hsk_sb_mark_range(struct hsk_conn *c, u32 l, u32 r, u32 a, u32 b,
			      struct hsk_sb_tag *t)
{
	struct sk_buff *skb = hsk_sb_find(c, a);

	for (; skb && skb != c->snd_head; skb = hsk_sb_next(c, skb)) {
		struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		hsk_sb_visit(c);
		if (!before(cb->seq, b))
			break;
		if (!cb->sacked && !before(cb->seq, l) &&
		    !after(cb->end_seq, r))
			hsk_sb_set_sacked(c, skb, t);
	}
}

/*
 * [@l, @r) less what the last ACK's blocks covered: those were marked
 * then (a skb across their edges is met from the part beyond).
 */
static void hsk_sb_mark_block(struct hsk_conn *c, u32 l, u32 r,
			      struct hsk_sb_tag *t)
{
	u32 a = l;

	while (before(a, r)) {
		u32 b = r;
		unsigned int i;
		bool inside = false;

		for (i = 0; i < c->sb.ncache; i++) {
			u32 cl = c->sb.cache[i][0], cr = c->sb.cache[i][1];

			if (!before(a, cl) && before(a, cr)) {
				a = cr;
				inside = true;
				break;
			}
			if (after(cl, a) && before(cl, b))
				b = cl;
		}
		if (inside)
			continue;
		hsk_sb_mark_range(c, l, r, a, b, t);
		a = b;
	}
}

/*
 * Marks the sent skbs that lie wholly inside one of the peer's blocks.
 * Ignored: blocks reversed or empty, at or below snd_una (D-SACK, or just
 * old), or reaching beyond snd_nxt (never sent, or sent before an RTO
 * rewound snd_nxt: those keep their marks until push comes by). A hole
 * below fack SACKed now, never resent, came late: the path reorders
 * (reorder.c). Returns whether any block was taken.
 */
bool hsk_sb_mark(struct hsk_conn *c, const struct hsk_opts *o)
{
	struct hsk_sb_tag t = { c->sb.fack, c->sb.fack };
	u32 blk[HSK_MAX_SACK][2];
	unsigned int i, n = 0;

	for (i = 0; i < o->nr_sack && i < HSK_MAX_SACK; i++) {
		const u8 *p = o->sack + i * HSK_OPTLEN_SACK_BLOCK;
		u32 l = get_unaligned_be32(p), r = get_unaligned_be32(p + 4);

		if (!before(l, r) || !after(r, c->snd_una) ||
		    after(r, c->snd_nxt))
			continue;
		blk[n][0] = l;
		blk[n++][1] = r;
	}
	if (!n)
		return false;
	for (i = 0; i < n; i++)
		hsk_sb_mark_block(c, blk[i][0], blk[i][1], &t);
	memcpy(c->sb.cache, blk, sizeof(blk[0]) * n);
	c->sb.ncache = n;
	if (before(t.low, t.prior_fack))
		hsk_conn_reordered(c, t.low, c->sb.fack);
	return true;
}

/*
 * The sent skbs wholly inside [@l, @r) that went more than once, among the
 * first @max from @l: what a D-SACK above the ACK reports of them. @max
 * is the segments the block spans, so that a block over many small skbs
 * costs no more than one over full ones (it may then count too few, and
 * undo nothing).
 */
u32 hsk_sb_resent_in(struct hsk_conn *c, u32 l, u32 r, u32 max)
{
	struct sk_buff *skb = hsk_sb_find(c, l);
	u32 n = 0;

	for (; skb && skb != c->snd_head && max--;
	     skb = hsk_sb_next(c, skb)) {
		const struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		hsk_sb_visit(c);
		if (after(cb->end_seq, r))
			break;
		if (!before(cb->seq, l) && cb->retrans)
			n++;
	}
	return n;
}

/*
 * RFC 6675 IsLost, from the frontier up: a hole is lost with DupThresh
 * (the connection's reordering) segments or more than DupThresh - 1
 * segments' bytes SACKed above it.
 * What is SACKed above a hole only shrinks going up, so the frontier stops
 * at the first hole not lost, and holes below it stay lost. Returns
 * whether a lost hole waits to be resent.
 */
bool hsk_sb_update(struct hsk_conn *c, u32 payload)
{
	u32 thresh = (c->reordering - 1) * payload;
	struct hsk_scoreboard *sb = &c->sb;
	struct sk_buff *skb;

	skb = sb->lost_hint ? hsk_sb_next(c, sb->lost_hint) : hsk_sb_first(c);
	for (; skb; skb = hsk_sb_next(c, skb)) {
		hsk_sb_visit(c);
		if (HSK_SKB_CB(skb)->sacked) {
			sb->hint_sacked += skb->len;
			sb->hint_sacked_segs++;
		} else if (sb->n.sacked_segs - sb->hint_sacked_segs >=
			   c->reordering || sb->n.sacked - sb->hint_sacked >
			   thresh) {
			hsk_sb_set_lost(c, skb);
		} else {
			break;
		}
		sb->lost_hint = skb;
	}
	return sb->n.lost_segs > sb->n.rexmit_segs;
}

/*
 * The first sent skb that may be a hole to resend: what lies below it is
 * SACKed or resent already, and stays so until a reset.
 */
struct sk_buff *hsk_sb_first_hole(struct hsk_conn *c)
{
	struct sk_buff *skb, *hint = c->sb.rexmit_hint;

	skb = hint ? hsk_sb_next(c, hint) : hsk_sb_first(c);
	for (; skb; skb = hsk_sb_next(c, skb)) {
		const struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		hsk_sb_visit(c);
		if (!cb->sacked && !cb->rexmit)
			break;
		c->sb.rexmit_hint = skb;
	}
	return skb;
}
