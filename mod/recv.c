// SPDX-License-Identifier: GPL-2.0
/*
 * A segment for a synchronized connection (RFC 793 "SEGMENT ARRIVES",
 * otherwise): acceptability against our window, PAWS, RST and SYN as RFC
 * 5961 says, the ACK (ack.c), in-order data and FIN, out-of-order data
 * held until the hole fills and reported in SACK blocks (RFC 2018), and
 * the close states' transitions.
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"
#include "trace.h"
#include "uapi/hsk.h"

#include <linux/poll.h>
#include <net/tcp.h>

/*
 * Free receive space: what the window may offer. Past half of
 * HSK_RCVMEM, no more than the rest of it holds at twice the payload
 * (what a clone may cost before it is copied), as Linux sizes its window
 * from rcvbuf less rmem: a peer whose segments cost more than that then
 * sees the window close instead of its data dropped. Data that costs at
 * most twice its size never meets the bound first.
 */
u32 hsk_conn_rcv_space(const struct hsk_conn *c)
{
	u32 used = c->rx_bytes + c->ooo.bytes;
	u32 mem = c->rx_mem + c->ooo.mem;
	u32 space = used >= HSK_RCVBUF ? 0 : HSK_RCVBUF - used;

	if (mem > HSK_RCVMEM / 2)
		space = min(space, (HSK_RCVMEM - min(mem, HSK_RCVMEM)) / 2);
	/* All connections' memory under pressure: as Linux's 4 * advmss. */
	if (hsk_rmem_pressure())
		space = min_t(u32, space,
			      HSK_PRESSURE_WINDOW * hsk_local_mss());
	return space;
}

/*
 * The window to advertise, scaled. Its right edge never moves left (RFC
 * 7323 2.4): if space shrank faster than rcv_nxt advanced, offer the rest
 * of what was promised.
 */
u16 hsk_conn_window(struct hsk_conn *c)
{
	u32 unit = 1U << c->rcv_wscale;
	u32 space = hsk_conn_rcv_space(c) & ~(unit - 1);
	u32 promised = hsk_conn_promised(c);
	/* Rounded up when keeping a promise, as Linux's tcp_select_window. */
	u32 wnd = space >= promised ? space : ALIGN(promised, unit);

	wnd = min_t(u32, wnd, (u32)U16_MAX << c->rcv_wscale);
	c->rcv_adv = c->rcv_nxt + wnd;
	return wnd >> c->rcv_wscale;
}

/*
 * RFC 2883: the next segment's SACK option reports [@seq, @end), data
 * that came again, in its first block, as Linux's tcp_dsack_set() (with
 * its default tcp_dsack of 1): the peer learns that its retransmission
 * was needless. Counted as Linux counts it.
 */
void hsk_conn_dsack_set(struct hsk_conn *c, u32 seq, u32 end)
{
	lockdep_assert_held(&c->lock);
	if (!(c->opts & HSK_OPTI_SACK) || !before(seq, end))
		return;
	hsk_inc(before(seq, c->rcv_nxt) ? HSK_MIB_TCPDSACKOldSent :
		HSK_MIB_TCPDSACKOfoSent);
	c->dsack_seq = seq;
	c->dsack_end = end;
	c->dsack = true;
}

/*
 * With SACK agreed, an ACK carries a D-SACK block first if one is pending
 * (once), then, with data held out of order, the runs (RFC 2018 4): as
 * many as @room option bytes take. @buf keeps them.
 */
void hsk_conn_sack_opts(struct hsk_conn *c, struct hsk_opts *o, u8 *buf,
			unsigned int room)
{
	unsigned int max, n = 0;
	bool dsack = c->dsack;

	c->dsack = false;
	if (!(c->opts & HSK_OPTI_SACK) || (!dsack && hsk_ooo_empty(&c->ooo)) ||
	    room < HSK_SACK_OPTLEN(1))
		return;
	max = min_t(unsigned int, HSK_MAX_SACK,
		    (room - HSK_SACK_OPTLEN(0)) / HSK_OPTLEN_SACK_BLOCK);
	if (dsack) {
		put_unaligned_be32(c->dsack_seq, buf);
		put_unaligned_be32(c->dsack_end, buf + 4);
		n = 1;
	}
	n += hsk_ooo_sack(&c->ooo, buf + n * HSK_OPTLEN_SACK_BLOCK, max - n);
	o->nr_sack = n;
	o->sack = buf;
}

/*
 * A bare ACK at sequence @seq: snd_nxt for an ACK, snd_una - 1 for a
 * window probe (RFC 1122 4.2.2.17). Timestamps and SACK as agreed.
 */
void hsk_conn_send_ack_at(struct hsk_conn *c, u32 seq)
{
	u8 sack[HSK_MAX_SACK * HSK_OPTLEN_SACK_BLOCK];
	unsigned int room = HSK_MAX_OPTLEN;
	struct hsk_opts o = { };

	lockdep_assert_held(&c->lock);
	if (c->opts & HSK_OPTI_TS) {
		o.has = HSK_HAS_TS;
		o.tsval = hsk_ts_now();
		o.tsecr = c->ts_recent;
		room -= HSK_TS_OPTLEN;
	}
	hsk_conn_sack_opts(c, &o, sack, room);
	hsk_send_ack(&c->key, seq, c->rcv_nxt, hsk_conn_window(c), &o);
	hsk_conn_ack_sent(c);
}

/*
 * Any segment we send acknowledges rcv_nxt: nothing waits any more, and
 * one quick ACK is spent, as Linux's tcp_event_ack_sent().
 */
void hsk_conn_ack_sent(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	c->ack_delayed = false;
	c->pushed = 0;
	c->rcv_wup = c->rcv_nxt;
	if (c->quick)
		c->quick--;
}

/*
 * Quick ACKs, as Linux's tcp_incr_quickack(): one per two segments the
 * window holds, at least 2, at most HSK_MAX_QUICKACKS, so that a sender
 * in slow start gets an ACK per segment.
 */
static void hsk_conn_incr_quickack(struct hsk_conn *c)
{
	u32 wnd = hsk_conn_promised(c);
	u32 n = clamp_t(u32, wnd / (2 * c->rcv_mss), 2, HSK_MAX_QUICKACKS);

	c->quick = max_t(u8, c->quick, n);
}

/*
 * The peer's full segment, as Linux's tcp_measure_rcv_mss() learns it:
 * the largest seen (no more than our MSS), or a smaller size that comes
 * twice in a row (a path of a smaller MTU). Other short segments are
 * pushed: a last piece, which the reader's taking acknowledges.
 */
static void hsk_conn_measure_rcv_mss(struct hsk_conn *c, u32 len)
{
	u16 last = c->last_seg;

	c->last_seg = 0;
	if (len >= c->rcv_mss) {
		c->rcv_mss = min_t(u32, len, hsk_local_mss());
		return;
	}
	if (len >= HSK_DEFAULT_MSS) {
		c->last_seg = len;
		if (len == last) {
			c->rcv_mss = len;
			return;
		}
	}
	if (c->pushed < 2)
		c->pushed++;
}

/*
 * In-order data of @len bytes came, as Linux's tcp_event_data_recv(): the
 * first data, or data after a silence longer than the RTO (the sender
 * restarts), gets quick ACKs.
 */
static void hsk_conn_data_event(struct hsk_conn *c, u32 len)
{
	hsk_conn_measure_rcv_mss(c, len);
	if (!c->rcvd_data) {
		c->rcvd_data = true;
		hsk_conn_incr_quickack(c);
	} else if ((u32)jiffies - c->lrcv > c->rto) {
		hsk_conn_incr_quickack(c);
	}
}

/* RFC 793 p. 69: does the segment overlap the receive window? */
static bool hsk_seq_acceptable(struct hsk_conn *c, const struct hsk_seg *seg)
{
	u32 wnd = hsk_conn_promised(c);
	u32 len = seg->end_seq - seg->seq;

	/* An ACK exactly at the right edge counts, as in Linux. */
	if (!len)
		return !before(seg->seq, c->rcv_nxt) &&
		       !after(seg->seq, c->rcv_nxt + wnd);
	if (!wnd)
		return false;
	return (!before(seg->seq, c->rcv_nxt) &&
		before(seg->seq, c->rcv_nxt + wnd)) ||
	       (after(seg->end_seq, c->rcv_nxt) &&
		!after(seg->end_seq, c->rcv_nxt + wnd));
}

/* The FIN is in sequence: the peer sends no more. */
static void hsk_conn_fin(struct hsk_conn *c)
{
	unsigned long tw = hsk_fin_timeout();

	c->rcv_nxt++;
	WRITE_ONCE(c->fin_rcvd, true);
	/* Nothing comes after it: what is held beyond goes, as tcp_fin(). */
	hsk_ooo_purge(&c->ooo);
	switch (c->state) {
	case HSK_ESTABLISHED:
		hsk_conn_set_state(c, HSK_CLOSE_WAIT);
		break;
	case HSK_FIN_WAIT1:
		/* Our FIN not yet acknowledged: simultaneous close. */
		hsk_conn_set_state(c, HSK_CLOSING);
		break;
	case HSK_FIN_WAIT2:
		hsk_conn_set_state(c, HSK_TIME_WAIT);
		hsk_conn_set_timer(c, HSK_TIMER_TIME_WAIT, jiffies + tw);
		break;
	}
	hsk_conn_wake(c, wake_up_interruptible_all);
}

/*
 * Whether the ACK of in-order data (and a FIN if @fin) waits, as Linux's
 * __tcp_ack_snd_check() lets it: once the quick ACKs are spent, or in
 * pingpong mode (a reply followed the peer's data, hsk_conn_xmit), and for
 * a FIN, as tcp_fin() enters that mode. It waits HSK_DELACK for the reply
 * or close that carries it (a request is one segment each way, a close
 * three) or for a second full segment (one ACK per two, RFC 5681 4.2). Not
 * if more than an MSS would then wait to be acknowledged, nor with a gap
 * just filled (RFC 5681 4.2), nor with a D-SACK to tell (a resend: the
 * peer suspects a loss). Our data in flight does not stop it: the ACK's
 * deadline is its own (struct hsk_conn's timer).
 */
static bool hsk_conn_delays_ack(const struct hsk_conn *c, bool fin)
{
	return (c->pingpong || fin || !c->quick) &&
	       c->state == HSK_ESTABLISHED &&
	       c->rcv_nxt + fin - c->rcv_wup <= c->rcv_mss &&
	       hsk_ooo_empty(&c->ooo) && !c->dsack;
}

/* The ACK waits; a pending deadline is kept, not moved on. */
static void hsk_conn_delay_ack(struct hsk_conn *c)
{
	if (c->ack_delayed)
		return;
	c->ack_delayed = true;
	c->delack_at = jiffies + HSK_DELACK;
	hsk_conn_arm_timer(c);
}

/*
 * @len payload bytes of @skb from @off as an skb of their own: a clone,
 * unless that would cost more than twice the payload (a clone pins the
 * whole buffer the segment came in), then a copy, so that tiny segments
 * cannot pin HSK_RCVMEM with a few bytes of data.
 */
struct sk_buff *hsk_rcv_data(const struct sk_buff *skb, unsigned int off,
			     u32 len)
{
	struct sk_buff *data;

	if (skb->truesize <= 2 * len) {
		data = skb_clone((struct sk_buff *)skb, GFP_ATOMIC);
		if (data && (!pskb_pull(data, off) || pskb_trim(data, len))) {
			kfree_skb(data);
			data = NULL;
		}
		return data;
	}
	/* Room for more: small segments that follow are appended. */
	data = alloc_skb(max_t(u32, len, SKB_WITH_OVERHEAD(1024)), GFP_ATOMIC);
	if (data)
		skb_copy_bits(skb, off, skb_put(data, len), len);
	return data;
}

/*
 * Appends @len bytes of @skb from @off to @tail if it is a buffer of our
 * own (not sharing data, linear) with room: Linux's tcp_try_coalesce. It
 * costs no memory, so a peer's run of small segments shares one buffer.
 */
bool hsk_rcv_append(struct sk_buff *tail, const struct sk_buff *skb,
		    unsigned int off, u32 len)
{
	if (!len || skb_cloned(tail) || skb_is_nonlinear(tail) ||
	    skb_tailroom(tail) < len)
		return false;
	skb_copy_bits(skb, off, skb_put(tail, len), len);
	return true;
}

/*
 * Takes @len payload bytes of @skb from @off into the receive queue.
 * Over HSK_RCVMEM, data held out of order goes first (it is further from
 * the reader); failing that the segment is dropped [TCPRcvQDrop], and the
 * peer sends it again when the reader has made room.
 */
static bool hsk_conn_queue(struct hsk_conn *c, struct sk_buff *skb,
			   unsigned int off, u32 len)
{
	struct sk_buff *tail = skb_peek_tail(&c->rxq), *data;

	/* Never the head: the reader copies from it without c->lock. */
	if (tail && tail != skb_peek(&c->rxq) &&
	    hsk_rcv_append(tail, skb, off, len)) {
		hsk_inc(HSK_MIB_TCPRcvCoalesce);
		goto queued;
	}
	data = hsk_rcv_data(skb, off, len);
	if (!data) {
		hsk_inc(HSK_MIB_DropNoMem);
		return false;
	}
	if (!hsk_rcv_make_room(c, c->rcv_nxt, data->truesize)) {
		kfree_skb(data);
		hsk_inc(HSK_MIB_TCPRcvQDrop);
		return false;
	}
	__skb_queue_tail(&c->rxq, data);
	c->rx_mem += data->truesize;
queued:
	c->rx_bytes += len;
	c->rcv_nxt += len;
	return true;
}

/* The reader's data and its memory are gone (close, abort). */
void hsk_conn_rxq_purge(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	__skb_queue_purge(&c->rxq);
	c->rx_bytes = 0;
	c->rx_mem = 0;
}

/* Moves what the last segment made contiguous from the ooo store to rxq. */
static void hsk_conn_ooo_drain(struct hsk_conn *c)
{
	struct sk_buff_head run;
	struct sk_buff *skb;

	__skb_queue_head_init(&run);
	while (hsk_ooo_take(&c->ooo, c->rcv_nxt, &run)) {
		while ((skb = __skb_dequeue(&run))) {
			struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

			if (!after(cb->end_seq - cb->fin, c->rcv_nxt)) {
				bool fin = cb->fin &&
					   cb->end_seq - 1 == c->rcv_nxt;

				kfree_skb(skb);
				if (fin)
					goto fin;
				continue;
			}
			/* Linear: hsk_ooo_add() made it so. */
			__skb_pull(skb, c->rcv_nxt - cb->seq);
			__skb_queue_tail(&c->rxq, skb);
			c->rx_bytes += skb->len;
			c->rx_mem += skb->truesize;
			c->rcv_nxt += skb->len;
			if (cb->fin)
				goto fin;
		}
	}
	return;
fin:
	__skb_queue_purge(&run);
	hsk_conn_fin(c);
}

/*
 * Data and FIN of an acceptable segment. Only the part in the window is
 * taken; what came before rcv_nxt was had already.
 */
void hsk_conn_data(struct hsk_conn *c, struct sk_buff *skb,
		   const struct hsk_seg *seg)
{
	unsigned int off = skb_transport_offset(skb) + seg->doff;
	bool fin = seg->flags & HSK_TH_FIN, delay = false;
	u32 seq = seg->seq, len = seg->len;

	lockdep_assert_held(&c->lock);
	if (c->fin_rcvd || c->state == HSK_CLOSE)
		goto ack;
	/*
	 * Nobody will read it: closed (RFC 2525 2.17), or shut for reading
	 * with our FIN sent (RFC 1122 4.2.2.13, as Linux, which queues it in
	 * ESTABLISHED and resets in FIN_WAIT). Reset, as Linux does, in answer
	 * to the segment (RFC 793: seq from its ACK, no ACK bit), not as an
	 * abort of the connection.
	 */
	if (len && (c->orphan ||
		    (c->rd_shut && (c->state == HSK_FIN_WAIT1 ||
				    c->state == HSK_FIN_WAIT2)))) {
		hsk_inc(HSK_MIB_TCPAbortOnData);
		hsk_send_reset(seg);
		if (!c->orphan) {	/* the reader learns of it */
			WRITE_ONCE(c->err, ECONNRESET);
			c->reset = true;
		}
		hsk_conn_done(c);
		return;
	}
	if (before(seq, c->rcv_nxt)) {
		u32 old = min(c->rcv_nxt - seq, len);

		hsk_conn_dsack_set(c, seq, seq + old);
		seq += old;
		off += old;
		len -= old;
	}
	/* Past the window: trimmed, and a FIN beyond it waits. */
	if (after(seq + len, c->rcv_adv)) {
		u32 over = seq + len - c->rcv_adv;

		len = over > len ? 0 : len - over;
		fin = false;
	}
	if (seq != c->rcv_nxt) {
		if (len > hsk_conn_rcv_space(c))
			hsk_inc(HSK_MIB_TCPOFODrop);
		else if (len || fin)
			hsk_ooo_add(c, skb, off, seq, len, fin);
		goto ack;
	}
	if (len)
		hsk_conn_data_event(c, len);
	if (len && hsk_conn_queue(c, skb, off, len)) {
		c->lrcv = (u32)jiffies;
		hsk_conn_wake(c, wake_up_interruptible_sync_poll,
			      EPOLLIN | EPOLLRDNORM);
	}
	if (fin && c->rcv_nxt == seq + len) {
		delay = hsk_conn_delays_ack(c, true);
		hsk_conn_fin(c);
	} else if (len && c->rcv_nxt == seq + len) {
		delay = hsk_conn_delays_ack(c, false);
	}
	if (delay) {
		hsk_conn_delay_ack(c);
		return;
	}
	if (!hsk_ooo_empty(&c->ooo))
		hsk_conn_ooo_drain(c);
ack:
	hsk_conn_send_ack(c);
}

/*
 * RFC 7323 5.5, as Linux's tcp_paws_check(): a ts_recent older than 24
 * days proves nothing (the peer's clock may have wrapped past it since).
 */
static bool hsk_conn_ts_recent_stale(const struct hsk_conn *c)
{
	return (u32)ktime_get_seconds() - c->ts_recent_stamp >=
	       HSK_PAWS_24DAYS;
}

static bool hsk_conn_paws_reject(const struct hsk_conn *c,
				 const struct hsk_seg *seg)
{
	return (c->opts & HSK_OPTI_TS) && (seg->opt.has & HSK_HAS_TS) &&
	       c->ts_recent && !(seg->flags & HSK_TH_RST) &&
	       (s32)(c->ts_recent - seg->opt.tsval) > 0 &&
	       !hsk_conn_ts_recent_stale(c);
}

/*
 * RFC 7323 4.3, as Linux's tcp_replace_ts_recent(): the TSval of a segment
 * whose ACK passed, at or left of what our last ACK acknowledged, and
 * never backwards (but past 24 days).
 */
void hsk_conn_ts_update(struct hsk_conn *c, const struct hsk_seg *seg)
{
	lockdep_assert_held(&c->lock);
	if (!(seg->opt.has & HSK_HAS_TS) || !(c->opts & HSK_OPTI_TS) ||
	    after(seg->seq, c->rcv_wup))
		return;
	if ((s32)(seg->opt.tsval - c->ts_recent) >= 0 ||
	    hsk_conn_ts_recent_stale(c)) {
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_stamp = ktime_get_seconds();
	}
}

/*
 * A SYN in TIME_WAIT that starts a new connection: beyond what the old one
 * received, or with a newer timestamp, and not PAWS-old (RFC 1122
 * 4.2.2.13, RFC 6191; Linux's TCP_TW_SYN). A client that reuses its port
 * soon after we closed first would otherwise get an ACK, answer it with
 * RST and wait a second to send its SYN again.
 */
static bool hsk_tw_new_syn(const struct hsk_conn *c, const struct hsk_seg *seg)
{
	bool ts = (c->opts & HSK_OPTI_TS) && (seg->opt.has & HSK_HAS_TS);

	if ((seg->flags & (HSK_TH_SYN | HSK_TH_RST | HSK_TH_ACK)) != HSK_TH_SYN ||
	    hsk_conn_paws_reject(c, seg))
		return false;
	return after(seg->seq, c->rcv_nxt) ||
	       (ts && (s32)(c->ts_recent - seg->opt.tsval) < 0);
}

/*
 * Linux's __tcp_oow_rate_limited(): one ACK per HSK_OOW_RATELIMIT to the
 * segments a connection finds unacceptable, so that two ends out of step,
 * or a forger, cannot drive an ACK loop through it. Counts @mib if not.
 */
static bool hsk_conn_oow_limited(struct hsk_conn *c, enum hsk_mib mib,
				 unsigned long now)
{
	u32 t = (u32)now;

	if (c->last_oow_ack_time) {
		s32 elapsed = t - c->last_oow_ack_time;

		if (elapsed >= 0 && elapsed < HSK_OOW_RATELIMIT) {
			hsk_inc(mib);
			return true;
		}
	}
	c->last_oow_ack_time = t;
	return false;
}

/*
 * A duplicate ACK to an unacceptable segment, unless rate-limited (Linux's
 * tcp_oow_rate_limited): segments with data, or a FIN, are always
 * answered, as their ACK tells the peer what to send again.
 */
void hsk_conn_send_dupack(struct hsk_conn *c, const struct hsk_seg *seg,
			  enum hsk_mib mib, unsigned long now)
{
	lockdep_assert_held(&c->lock);
	if ((seg->seq == seg->end_seq || (seg->flags & HSK_TH_SYN)) &&
	    hsk_conn_oow_limited(c, mib, now))
		return;
	/*
	 * Data or FIN we had: say so, as Linux's tcp_send_dupack(). Our
	 * ACK was lost or waited too long: ACKs go at once for a while,
	 * and a dialogue is no longer assumed.
	 */
	if (seg->seq != seg->end_seq && before(seg->seq, c->rcv_nxt) &&
	    c->state != HSK_TIME_WAIT) {
		hsk_inc(HSK_MIB_DelayedACKLost);
		hsk_conn_incr_quickack(c);
		c->pingpong = false;
		hsk_conn_dsack_set(c, seg->seq, after(seg->end_seq, c->rcv_nxt) ?
				   c->rcv_nxt : seg->end_seq);
	}
	hsk_conn_send_ack(c);
}

/* RFC 5961 7: challenge ACKs are rate-limited too (tcp_send_challenge_ack). */
void hsk_conn_challenge_ack(struct hsk_conn *c, unsigned long now)
{
	lockdep_assert_held(&c->lock);
	if (hsk_conn_oow_limited(c, HSK_MIB_TCPACKSkippedChallenge, now))
		return;
	hsk_inc(HSK_MIB_TCPChallengeACK);
	hsk_conn_send_ack(c);
}

static void hsk_conn_rst(struct hsk_conn *c, const struct hsk_seg *seg,
			 unsigned long now)
{
	/* RFC 5961 3.2: only an exact RST resets; in the window, ask. */
	if (seg->seq != c->rcv_nxt) {
		hsk_conn_challenge_ack(c, now);
		return;
	}
	/* As Linux's tcp_reset: the peer that had closed gives EPIPE. */
	switch (c->state) {
	case HSK_ESTABLISHED:
	case HSK_FIN_WAIT1:
	case HSK_FIN_WAIT2:
		WRITE_ONCE(c->err, ECONNRESET);
		c->reset = true;
		hsk_inc(HSK_MIB_EstabResets);
		break;
	case HSK_CLOSE_WAIT:
		WRITE_ONCE(c->err, EPIPE);
		c->reset = true;
		hsk_inc(HSK_MIB_EstabResets);
		break;
	}
	hsk_conn_done(c);
}

/*
 * A segment for connection @c. Returns false if @c left the table before
 * the lock was taken, or if it is a SYN that ends TIME_WAIT: then
 * @tw_isn is the ISN its listener gives the new connection, as Linux's
 * tcp_timewait_state_process(): past all the old one sent, never 0.
 * The caller holds RCU.
 */
bool hsk_conn_rcv(struct hsk_conn *c, struct sk_buff *skb,
		  const struct hsk_seg *seg, u32 *tw_isn)
{
	unsigned long now = jiffies;

	spin_lock(&c->lock);
	if (!c->hashed) {
		spin_unlock(&c->lock);
		return false;
	}
	if (c->state == HSK_TIME_WAIT && hsk_tw_new_syn(c, seg)) {
		/* A new incarnation: TIME_WAIT ends, the listener takes it. */
		*tw_isn = c->snd_nxt + HSK_TW_ISN_GAP ?: 1;
		hsk_conn_done(c);
		spin_unlock(&c->lock);
		return false;
	}
	if (hsk_conn_paws_reject(c, seg)) {
		hsk_inc(HSK_MIB_PAWSEstab);
		hsk_conn_send_dupack(c, seg, HSK_MIB_TCPACKSkippedPAWS, now);
		goto out;
	}
	if (!hsk_seq_acceptable(c, seg)) {
		/* Data at rcv_nxt into a shut window: Linux counts it. */
		if (seg->len && !hsk_conn_promised(c) &&
		    !after(seg->seq, c->rcv_nxt) &&
		    after(seg->seq + seg->len, c->rcv_nxt))
			hsk_inc(HSK_MIB_TCPZeroWindowDrop);
		if (!(seg->flags & HSK_TH_RST)) {
			/* TIME_WAIT: a resent FIN restarts the wait. */
			if (c->state == HSK_TIME_WAIT && (seg->flags & HSK_TH_FIN))
				hsk_conn_set_timer(c, HSK_TIMER_TIME_WAIT, now +
						    hsk_fin_timeout());
			hsk_conn_send_dupack(c, seg, c->state == HSK_TIME_WAIT ?
					     HSK_MIB_TCPACKSkippedTimeWait :
					     HSK_MIB_TCPACKSkippedSeq, now);
		}
		goto out;
	}
	if (seg->flags & HSK_TH_RST) {
		hsk_conn_rst(c, seg, now);
		goto out;
	}
	if (seg->flags & HSK_TH_SYN) {
		/* RFC 5961 4.2: a SYN on a synchronized connection. */
		hsk_conn_challenge_ack(c, now);
		goto out;
	}
	if (!(seg->flags & HSK_TH_ACK))
		goto out;
	if (!hsk_conn_ack_rcv(c, seg, now) || c->state == HSK_CLOSE)
		goto out;
	if (c->state == HSK_TIME_WAIT) {
		if (seg->flags & HSK_TH_FIN)
			hsk_conn_send_ack(c);
		goto out;
	}
	if (seg->len || (seg->flags & HSK_TH_FIN))
		hsk_conn_data(c, skb, seg);
out:
	hsk_conn_rmem_sync(c);
	spin_unlock(&c->lock);
	return true;
}
