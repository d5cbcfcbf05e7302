// SPDX-License-Identifier: GPL-2.0
/*
 * The ACKs of a connection's send side: RTT samples (RFC 6298), what a
 * cumulative ACK frees, the duplicates of NewReno (RFC 6582), the SACK
 * scoreboard's loss recovery (RFC 6675, simplified), the send window (RFC
 * 793 p. 72), all checked as RFC 5961 5 says. What they send goes through
 * send.c.
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <net/tcp.h>

/* RFC 6298 2.2-2.4, in microseconds; RTO clamped to [200 ms, 120 s]. */
void hsk_conn_rtt_sample(struct hsk_conn *c, u32 rtt_us)
{
	u32 rto_us;

	/*
	 * Both clocks are coarser than a fast path (TS 1 ms, a jiffy) and read
	 * 0 across it: a 0 counts as 1 µs, as Linux's tcp_rtt_tsopt_us(), so
	 * that SRTT cannot average down to 0, which means "no sample yet"
	 * (samples of 0 made it 1, 0, 1, 0 ... before).
	 */
	rtt_us = max(rtt_us, 1U);
	if (!c->srtt_us) {
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		u32 delta = abs((s32)(c->srtt_us - rtt_us));

		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + rtt_us) / 8;
	}
	rto_us = c->srtt_us + max_t(u32, jiffies_to_usecs(1), 4 * c->rttvar_us);
	c->rto = clamp_t(u32, usecs_to_jiffies(rto_us), HSK_RTO_MIN,
			 HSK_RTO_MAX);
}

/*
 * RFC 5681 growth by the bytes acked (RFC 3465), as Linux grows by the
 * segments acked, not by the ACKs that carry them: delayed ACKs (one per
 * two segments) do not halve it, and an ACK split in pieces does not
 * multiply it. Slow start: what was acked, two MSS per ACK at most (RFC
 * 3465's L), up to ssthresh; the rest, and congestion avoidance, one MSS
 * per cwnd acked (Linux's tcp_cong_avoid_ai(), in bytes).
 */
static void hsk_conn_cwnd_grow(struct hsk_conn *c, u32 acked)
{
	if (c->cwnd < c->ssthresh) {
		u32 room = c->ssthresh - c->cwnd;
		u32 n = min3(acked, 2U * c->mss, room);

		c->cwnd += n;
		acked = n < room ? 0 : acked - n;
		if (!acked)
			return;
	}
	/* Credit from a larger cwnd goes gently: one MSS, then a fresh count. */
	if (c->cwnd_cnt >= c->cwnd) {
		c->cwnd_cnt = 0;
		c->cwnd += c->mss;
	}
	c->cwnd_cnt += acked;
	if (c->cwnd_cnt >= c->cwnd) {
		u32 n = c->cwnd_cnt / c->cwnd;

		c->cwnd_cnt -= n * c->cwnd;
		c->cwnd += n * c->mss;
	}
}

/*
 * Frees what @ack covers; returns the bytes newly acknowledged. A segment
 * it covers below fack that was neither SACKed nor resent came late
 * (reorder.c), as in Linux's tcp_clean_rtx_queue().
 */
static u32 hsk_conn_clean_acked(struct hsk_conn *c, u32 ack,
				const struct hsk_seg *seg, unsigned long now)
{
	u32 acked = ack - c->snd_una, fack = c->sb.fack, low = fack;
	struct sk_buff *skb;
	bool sampled = false;

	/*
	 * RTT from the echoed timestamp, else from an untouched segment. A
	 * TSecr ahead of our clock (or 24 days behind it) is no sample, as
	 * in Linux's tcp_ack_update_rtt(): its delta would wrap.
	 */
	if ((c->opts & HSK_OPTI_TS) && (seg->opt.has & HSK_HAS_TS) &&
	    seg->opt.tsecr) {
		u32 delta = hsk_ts_now() - seg->opt.tsecr;

		if (delta < INT_MAX / USEC_PER_MSEC) {
			hsk_conn_rtt_sample(c, delta * USEC_PER_MSEC);
			sampled = true;
		}
	}
	while ((skb = skb_peek(&c->sndq))) {
		struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		if (after(cb->end_seq, ack)) {
			/* Partly acknowledged: keep the rest. */
			if (after(ack, cb->seq)) {
				u32 n = ack - cb->seq;

				hsk_sb_trim_head(c, skb, n, skb != c->snd_head);
				__skb_pull(skb, n);
				cb->seq = ack;
				c->snd_bytes -= n;
				if (cb->skipped)
					c->skipped -= n;
			}
			break;
		}
		if (!sampled && !cb->retrans) {
			hsk_conn_rtt_sample(c, jiffies_to_usecs(now - cb->sent));
			sampled = true;
		}
		if (!cb->sacked && !cb->retrans && before(cb->seq, low))
			low = cb->seq;
		/* Sent before a timeout rewound snd_nxt: acknowledged now. */
		hsk_sb_unlink(c, skb, skb != c->snd_head);
		if (skb == c->snd_head)
			c->snd_head = skb_queue_is_last(&c->sndq, skb) ? NULL :
				      skb_queue_next(&c->sndq, skb);
		__skb_unlink(skb, &c->sndq);
		c->snd_bytes -= skb->len;
		c->snd_mem -= skb->truesize;
		if (cb->skipped)
			c->skipped -= skb->len;
		consume_skb(skb);
	}
	c->snd_una = ack;
	if (after(ack, c->snd_nxt))
		c->snd_nxt = ack;
	hsk_conn_reordered(c, low, fack);
	if (before(c->sb.fack, ack))
		c->sb.fack = ack;
	return acked;
}


/* --- SACK loss recovery (RFC 6675, simplified) --------------------------
 *
 * The scoreboard is three bits in the cb of each sent skb (from the head
 * of sndq to snd_head), kept with their counts by scoreboard.c: sacked
 * (wholly inside a block of the peer; no partial marks, peers SACK whole
 * segments), lost (IsLost: DupThresh segments or more than DupThresh - 1
 * segments' bytes SACKed above it; or the head at a fast retransmit or a
 * partial ACK, as NewReno) and rexmit (resent, so in pipe again; a lost
 * retransmission is left to the RTO, as RFC 6675 does).
 */

/*
 * An RTO: everything goes again, but what the peer still holds SACKed;
 * if it reneged (RFC 2018 8), it holds nothing. The caller rewinds
 * snd_head, then resets the scoreboard's counts.
 */
void hsk_conn_sack_rto(struct hsk_conn *c, bool reneged)
{
	struct sk_buff *skb;

	skb_queue_walk(&c->sndq, skb) {
		struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		if (reneged)
			cb->sacked = 0;
		cb->lost = 0;
		cb->rexmit = 0;
		cb->skipped = 0;
	}
	c->skipped = 0;
	if (reneged)
		c->sb.fack = c->snd_una;
}

/* SACKed, yet not acknowledged: the peer dropped what it held. */
bool hsk_conn_sack_reneged(struct hsk_conn *c)
{
	struct sk_buff *head = skb_peek(&c->sndq);

	return head && head != c->snd_head && HSK_SKB_CB(head)->sacked;
}

/*
 * NextSeg's rule 1: the lowest lost holes go again while pipe leaves room
 * in cwnd; the first regardless if @force (the fast retransmit, RFC 6675
 * 5 step 4.3). SACKed data never goes again. New data follows in push.
 */
static void hsk_conn_sack_resend(struct hsk_conn *c, unsigned long now,
				 bool force)
{
	struct sk_buff *skb = hsk_sb_first_hole(c);

	/* Only while holes wait: the in-flight rest above costs no walk. */
	for (; skb && c->sb.n.lost_segs > c->sb.n.rexmit_segs;
	     skb = hsk_sb_next(c, skb)) {
		struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

		hsk_sb_visit(c);
		if (cb->sacked || !cb->lost || cb->rexmit)
			continue;
		if (!force && hsk_sb_pipe(c) + skb->len > c->cwnd)
			break;
		force = false;
		cb->retrans = 1;
		hsk_sb_set_rexmit(c, skb);
		hsk_conn_xmit(c, skb, now);
		hsk_conn_resent(c);
	}
}

/* The hole at snd_una, when a fast retransmit or partial ACK says so. */
static void hsk_conn_sack_head_lost(struct hsk_conn *c)
{
	struct sk_buff *skb = skb_peek(&c->sndq);

	if (skb && skb != c->snd_head)
		hsk_sb_set_lost(c, skb);
}

/*
 * The SACK blocks of an acceptable ACK, after its cumulative part. Enters
 * recovery on the third duplicate (@dupthresh) or when a hole is lost by
 * the blocks (RFC 6675 5: IsLost), then resends holes as pipe allows.
 */
static void hsk_conn_sack_rcv(struct hsk_conn *c, const struct hsk_seg *seg,
			      bool dupthresh, unsigned long now)
{
	bool hole;

	if (!hsk_sb_mark(c, &seg->opt) && !c->in_recovery &&
	    !dupthresh)
		return;
	hole = hsk_sb_update(c, hsk_conn_payload(c));
	if (c->in_recovery) {
		hsk_conn_sack_resend(c, now, false);
		return;
	}
	if (!dupthresh && !hole)
		return;
	hsk_conn_undo_init(c);
	c->tlp_high_seq = 0;
	if (c->tlp_armed)
		hsk_conn_arm_rto(c, now);
	/* RFC 6675 5 steps 4.1-4.3 (RFC 5681's ssthresh). */
	c->ssthresh = hsk_conn_ssthresh(c, hsk_conn_in_flight(c));
	c->cwnd = c->ssthresh;
	c->recover = c->snd_nxt;
	c->in_recovery = true;
	hsk_inc(HSK_MIB_TCPSackRecovery);
	hsk_conn_sack_head_lost(c);
	hsk_sb_update(c, hsk_conn_payload(c));
	hsk_conn_sack_resend(c, now, true);
}

/* Our FIN is acknowledged when nothing is left to acknowledge. */
static void hsk_conn_fin_acked(struct hsk_conn *c, unsigned long now)
{
	unsigned long tw = hsk_fin_timeout();

	switch (c->state) {
	case HSK_FIN_WAIT1:
		hsk_conn_set_state(c, HSK_FIN_WAIT2);
		hsk_conn_idle_timer(c);
		/* Only an orphan is timed out of FIN_WAIT_2, as Linux. */
		if (c->orphan)
			hsk_conn_set_timer(c, HSK_TIMER_FIN_WAIT2, now + tw);
		break;
	case HSK_CLOSING:
		hsk_conn_set_state(c, HSK_TIME_WAIT);
		hsk_conn_set_timer(c, HSK_TIMER_TIME_WAIT, now + tw);
		break;
	case HSK_LAST_ACK:
		hsk_conn_done(c);
		break;
	}
}

/*
 * The ACK field and window of an acceptable segment. Returns false if the
 * ACK is unacceptable: the segment is then dropped, after an ACK back.
 */
bool hsk_conn_ack_rcv(struct hsk_conn *c, const struct hsk_seg *seg,
		      unsigned long now)
{
	u32 ack = seg->ack_seq, prior_una = c->snd_una;
	u32 wnd = (u32)seg->window << c->snd_wscale;
	bool sack = c->opts & HSK_OPTI_SACK, dupthresh = false;
	bool dsack_tlp = false;
	/* Linux's pure duplicate: no news of any kind. */
	bool dup = ack == prior_una && !seg->len && wnd == c->snd_wnd &&
		   !(seg->flags & HSK_TH_FIN);

	lockdep_assert_held(&c->lock);
	/*
	 * RFC 5961 5.2: older than anything the peer could have seen, or
	 * (RFC 793 p. 72) acknowledging what was never sent.
	 */
	if (before(ack, c->snd_una - c->max_wnd)) {
		hsk_conn_challenge_ack(c, now);
		return false;
	}
	if (after(ack, c->snd_max)) {
		hsk_conn_send_dupack(c, seg, HSK_MIB_TCPACKSkippedSeq, now);
		return false;
	}
	/* Only now: a segment whose ACK fails must not move PAWS's clock. */
	hsk_conn_ts_update(c, seg);
	/* An answered probe: the peer is alive, however long it stays shut. */
	if (c->timer_kind == HSK_TIMER_PERSIST)
		c->retries = 0;
	if (after(ack, c->snd_una)) {
		u32 acked = hsk_conn_clean_acked(c, ack, seg, now);

		c->retries = 0;
		if (c->in_recovery) {
			if (!before(ack, c->recover)) {
				c->in_recovery = false;
				c->cwnd = c->ssthresh;
			} else if (sack) {
				/* A partial ACK: the next hole, as NewReno. */
				hsk_conn_sack_head_lost(c);
			} else {
				/*
				 * NewReno partial ACK (RFC 6582 3.2 step 3):
				 * the next hole; deflate by what it acked,
				 * less a segment if it acked one.
				 */
				hsk_conn_retransmit_head(c, now);
				c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
				if (acked >= c->mss)
					c->cwnd += c->mss;
				c->cwnd = max_t(u32, c->cwnd, c->mss);
			}
		} else {
			hsk_conn_cwnd_grow(c, acked);
		}
		c->dupacks = 0;
		if (c->snd_una == c->snd_nxt)
			hsk_conn_idle_timer(c);
		else
			hsk_conn_xmit_timer(c, now, c->rto, true);
		if (hsk_conn_sndbuf_room(c))
			hsk_conn_wake(c, wake_up_interruptible);
	} else if (ack == c->snd_una && !seg->len && wnd == c->snd_wnd &&
		   c->snd_una != c->snd_nxt && !(seg->flags & HSK_TH_FIN)) {
		/*
		 * RFC 5681 3.2: three duplicates (as many as the path is
		 * known to reorder) mean a lost segment.
		 */
		if (c->dupacks < U16_MAX)
			c->dupacks++;
		if (c->dupacks == c->reordering && !c->in_recovery && sack) {
			dupthresh = true;
		} else if (c->dupacks == c->reordering && !c->in_recovery) {
			c->ssthresh = hsk_conn_ssthresh(c,
						hsk_conn_in_flight(c));
			c->cwnd = c->ssthresh + 3 * c->mss;
			c->recover = c->snd_nxt;
			c->in_recovery = true;
			hsk_conn_retransmit_head(c, now);
		} else if (!sack && (c->dupacks > c->reordering ||
				     c->in_recovery) &&
			   (u32)c->dupacks * c->mss <= hsk_conn_in_flight(c)) {
			/*
			 * One segment left the network per duplicate, but
			 * never more than are in it: a receiver sending more
			 * duplicates than segments (Linux's
			 * tcp_limit_reno_sacked()) does not inflate cwnd.
			 */
			c->cwnd += c->mss;
		}
	}
	/*
	 * The ACK moved onto data it had SACKed: the peer may have dropped
	 * it (RFC 2018 8). As Linux's tcp_check_sack_reneging(), give the ACK
	 * that covers it a moment (SRTT / 16, 10 ms at least), then time out,
	 * which forgets the marks: one walk per timeout, not one per ACK. The
	 * ACK's own blocks are still marked, as Linux tags them first; only
	 * recovery waits.
	 */
	if (sack)
		dsack_tlp = hsk_conn_dsack_rcv(c, &seg->opt, ack);
	if (c->tlp_high_seq)
		hsk_conn_tlp_ack(c, ack, dsack_tlp, dup);
	if (sack && after(ack, prior_una) && hsk_conn_sack_reneged(c)) {
		hsk_sb_mark(c, &seg->opt);
		hsk_conn_set_timer(c, HSK_TIMER_RTO, now +
				   max(usecs_to_jiffies(c->srtt_us >> 4),
				       msecs_to_jiffies(10)));
	} else if (sack)
		hsk_conn_sack_rcv(c, seg, dupthresh, now);

	/*
	 * RFC 793 p. 72: take the window from the newest segment, but not
	 * from an ACK below snd_una, as Linux's tcp_ack() leaves the window
	 * to ACKs that are not old: a blind segment could shut it.
	 */
	if (!before(ack, prior_una) &&
	    (before(c->snd_wl1, seg->seq) ||
	     (c->snd_wl1 == seg->seq && !before(ack, c->snd_wl2)))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		c->max_wnd = max(c->max_wnd, wnd);
		if (wnd && c->timer_kind == HSK_TIMER_PERSIST) {
			hsk_conn_stop_timer(c);
			c->retries = 0;
		}
	}
	if (c->fin_queued && c->snd_una == c->write_seq)
		hsk_conn_fin_acked(c, now);
	if (c->state != HSK_CLOSE)
		hsk_conn_push(c, now);
	return true;
}
