// SPDX-License-Identifier: GPL-2.0
/*
 * The send side of a connection: the user's data cut into segments of the
 * peer's MSS, sent as the peer's window and the congestion window allow
 * (RFC 5681 slow start and congestion avoidance, RFC 6582 NewReno fast
 * recovery, or RFC 6675's SACK-based recovery when SACK was agreed),
 * retransmitted on RFC 6298's timer with exponential backoff, window
 * probes when the peer's window is zero (RFC 1122 4.2.2.17), tail loss
 * probes, and every deadline of the connection's timer. The ACKs that move
 * it along are ack.c's; the user's writes fill the send queue in write.c.
 */

#include "compat.h"
#include "conn.h"
#include "hsk.h"
#include "proto.h"
#include "uapi/hsk.h"

#include <net/tcp.h>

static void hsk_conn_ts_opts(const struct hsk_conn *c, struct hsk_opts *o)
{
	if (c->opts & HSK_OPTI_TS) {
		o->has = HSK_HAS_TS;
		o->tsval = hsk_ts_now();
		o->tsecr = c->ts_recent;
	}
}

/* Puts @skb, a segment of sndq, on the wire alone. */
static void hsk_conn_send_one(struct hsk_conn *c, struct sk_buff *skb)
{
	u8 sack[HSK_MAX_SACK * HSK_OPTLEN_SACK_BLOCK];
	struct hsk_skb_cb *cb = HSK_SKB_CB(skb);
	struct hsk_opts o = { };
	u32 room = hsk_conn_payload(c);

	hsk_conn_ts_opts(c, &o);
	/* SACK blocks ride along where the segment leaves them room. */
	room = room > skb->len ? room - skb->len : 0;
	hsk_conn_sack_opts(c, &o, sack, min_t(u32, room, HSK_MAX_OPTLEN -
					      (c->opts & HSK_OPTI_TS ?
					       HSK_TS_OPTLEN : 0)));
	hsk_send_data(&c->key, cb->seq, c->rcv_nxt,
		      HSK_TH_ACK | (cb->fin ? HSK_TH_FIN : HSK_TH_PSH),
		      hsk_conn_window(c), &o, skb);
}

/*
 * The @n full segments of sndq from @first on, gone out together: as one
 * train (hsk_send_train()) when there are two or more and hsk0 sends
 * trains. A full segment leaves no room for SACK blocks; they carry the
 * timestamps alone, as they would one by one.
 */
static void hsk_conn_send_train(struct hsk_conn *c, struct sk_buff *first,
				unsigned int n)
{
	struct hsk_opts o = { };

	if (n == 1) {
		hsk_conn_send_one(c, first);
		return;
	}
	hsk_conn_ts_opts(c, &o);
	hsk_send_train(&c->key, HSK_SKB_CB(first)->seq, c->rcv_nxt,
		       hsk_conn_window(c), &o, &c->sndq, first, n,
		       hsk_conn_payload(c));
}

/* What sending @skb changes, whether alone or in a train. */
static void hsk_conn_sent(struct hsk_conn *c, struct sk_buff *skb,
			  unsigned long now)
{
	struct hsk_skb_cb *cb = HSK_SKB_CB(skb);

	hsk_conn_ack_sent(c);
	/*
	 * New data soon after the peer's, as Linux's tcp_event_data_sent():
	 * a reply, so the next request's ACK can wait for its reply too.
	 */
	if (skb->len && !before(cb->seq, c->snd_max) &&
	    c->rcv_nxt != c->irs + 1 && (u32)now - c->lrcv < HSK_DELACK)
		c->pingpong = true;
	cb->sent = (u32)now;
}

void hsk_conn_xmit(struct hsk_conn *c, struct sk_buff *skb,
		   unsigned long now)
{
	hsk_conn_send_one(c, skb);
	hsk_conn_sent(c, skb, now);
}

/* A data segment went again: counted, for the undo too (reorder.c). */
void hsk_conn_resent(struct hsk_conn *c)
{
	hsk_inc(HSK_MIB_TCPRetransSegs);
	c->total_retrans++;
	if (c->undo)
		c->undo_retrans++;
}

void hsk_conn_arm_rto(struct hsk_conn *c, unsigned long now)
{
	hsk_conn_set_timer(c, HSK_TIMER_RTO, now + c->rto);
}

/* --- Tail loss probes (RFC 8985 7, as Linux's TLP) ----------------------
 *
 * A loss at the tail of a flight draws no duplicate ACKs, so only the RTO
 * would find it, 200 ms at the least. Instead, some two RTTs after the
 * last send, one segment goes as a probe: new data if the peer's window
 * takes it (cwnd or not), else the last segment sent again. Its ACK's SACK
 * blocks count toward any hole below it as any do (there is no RACK). One
 * probe per flight; a probe that resent data and was acknowledged without
 * a D-SACK of it repaired a loss, and cwnd is halved once for it.
 */

/* When an RTO counted from the head's last send would fire: at least 1. */
static unsigned long hsk_conn_rto_left(const struct hsk_conn *c,
				       unsigned long now)
{
	const struct sk_buff *head = skb_peek(&c->sndq);
	s32 left = head ? (s32)(HSK_SKB_CB(head)->sent + c->rto - (u32)now) :
		   (s32)c->rto;

	return max(left, 1);
}

/*
 * Whether a probe may be armed, as Linux's tcp_schedule_loss_probe():
 * tcp_early_retrans 3 or 4, SACK agreed, data in flight, and neither a
 * recovery nor an RTO's resending under way (Linux's CA_Open or CWR).
 */
static bool hsk_conn_tlp_ok(const struct hsk_conn *c)
{
	int er = READ_ONCE(hsk_knobs.early_retrans);

	return (er == 3 || er == 4) && (c->opts & HSK_OPTI_SACK) &&
	       c->snd_una != c->snd_nxt && c->snd_nxt == c->snd_max &&
	       !c->in_recovery && !c->retries;
}

/*
 * The retransmission timer after a send or an ACK: a probe timeout (PTO)
 * of 2 SRTT plus HSK_PTO_LONE_US for a lone segment in flight, else
 * HSK_PTO_MIN_US, never later than the RTO @rto_left away; an RTO if no
 * probe may go. @rearm: an RTO already pending is moved too (an ACK
 * moved snd_una, as Linux's tcp_rearm_rto()); else it stays.
 */
void hsk_conn_xmit_timer(struct hsk_conn *c, unsigned long now,
			 unsigned long rto_left, bool rearm)
{
	unsigned long pto = HSK_PTO_INIT;

	if (!hsk_conn_tlp_ok(c)) {
		if (rearm || c->timer_kind != HSK_TIMER_RTO || c->tlp_armed)
			hsk_conn_set_timer(c, HSK_TIMER_RTO, now + rto_left);
		return;
	}
	if (c->srtt_us)
		pto = usecs_to_jiffies(2 * c->srtt_us +
				       (c->snd_nxt - c->snd_una <=
					hsk_conn_payload(c) ?
					HSK_PTO_LONE_US : HSK_PTO_MIN_US));
	hsk_conn_set_timer(c, HSK_TIMER_RTO, now + min(pto, rto_left));
	c->tlp_armed = true;
}

/* The last segment sent: the one before snd_head, or sndq's tail. */
static struct sk_buff *hsk_conn_last_sent(struct hsk_conn *c)
{
	struct sk_buff *skb = c->snd_head;

	if (!skb)
		return skb_peek_tail(&c->sndq);
	return skb_queue_is_first(&c->sndq, skb) ? NULL :
	       skb_queue_prev(&c->sndq, skb);
}

static bool hsk_conn_push_segs(struct hsk_conn *c, unsigned long now,
			       bool probe);

/*
 * The probe timeout came (Linux's tcp_send_loss_probe()). With a probe
 * already out, or none possible, the RTO takes over from the head's send.
 */
static void hsk_conn_probe(struct hsk_conn *c, unsigned long now)
{
	struct sk_buff *skb;

	if (c->tlp_high_seq || !hsk_conn_tlp_ok(c))
		goto rearm;
	c->tlp_retrans = false;
	if (hsk_conn_push_segs(c, now, true))
		goto sent;
	skb = hsk_conn_last_sent(c);
	if (!skb || HSK_SKB_CB(skb)->sacked)
		goto rearm;
	HSK_SKB_CB(skb)->retrans = 1;
	hsk_conn_xmit(c, skb, now);
	hsk_conn_resent(c);
	c->tlp_retrans = true;
sent:
	c->tlp_high_seq = c->snd_nxt;
	hsk_inc(HSK_MIB_TCPLossProbes);
	hsk_conn_arm_rto(c, now);
	return;
rearm:
	hsk_conn_set_timer(c, HSK_TIMER_RTO, now + hsk_conn_rto_left(c, now));
}

/*
 * An ACK at or beyond the probe's snd_nxt (Linux's tcp_process_tlp_ack()):
 * a probe of new data, or one whose copy the peer reported twice
 * (@dsack_tlp) or answered with a pure duplicate (@dup), repaired
 * nothing; an ACK past it of a resent probe means the original was lost
 * and the probe repaired it: cwnd is halved, as Linux's CWR, once.
 */
void hsk_conn_tlp_ack(struct hsk_conn *c, u32 ack, bool dsack_tlp,
		      bool dup)
{
	if (before(ack, c->tlp_high_seq))
		return;
	if (!c->tlp_retrans || dsack_tlp || dup) {
		c->tlp_high_seq = 0;
	} else if (after(ack, c->tlp_high_seq)) {
		c->ssthresh = hsk_conn_ssthresh(c, c->cwnd);
		c->cwnd = c->ssthresh;
		c->tlp_high_seq = 0;
		hsk_inc(HSK_MIB_TCPLossProbeRecovery);
	}
}

/*
 * Sends what the windows allow, from snd_head on. With nothing in flight
 * and a window too small for the next segment, the segment is cut to fit;
 * with a zero window, the persist timer takes over.
 */
void hsk_conn_push(struct hsk_conn *c, unsigned long now)
{
	hsk_conn_push_segs(c, now, false);
}

/*
 * push's loop. @probe: one new segment at most, whatever cwnd says, and
 * the caller sets the timer. Returns whether anything was sent.
 */
static bool hsk_conn_push_segs(struct hsk_conn *c, unsigned long now,
			       bool probe)
{
	u32 size = hsk_conn_payload(c);
	unsigned int cars = 0, max_cars = 1;
	struct sk_buff *train = NULL;
	bool sent = false;

	lockdep_assert_held(&c->lock);
	if (hsk_device_trains() && !probe)
		max_cars = HSK_TRAIN_MAX / size;
	while (c->snd_head) {
		struct sk_buff *skb = c->snd_head;
		struct hsk_skb_cb *cb = HSK_SKB_CB(skb);
		u32 wnd_end = c->snd_una + c->snd_wnd;
		u32 flight;
		bool car;

		/*
		 * Rewound by an RTO onto what the peer SACKed: it holds it, so
		 * go on past it without sending (Linux resends only what is
		 * not SACKed after a timeout).
		 */
		if (cb->sacked) {
			/* A train's cars are neighbours in sndq. */
			if (cars) {
				hsk_conn_send_train(c, train, cars);
				cars = 0;
			}
			cb->skipped = 1;
			c->skipped += skb->len;
			hsk_sb_sent(c, skb);
			c->snd_nxt = cb->end_seq;
			c->snd_head = skb_queue_is_last(&c->sndq, skb) ? NULL :
				      skb_queue_next(&c->sndq, skb);
			continue;
		}
		if (probe && sent)
			break;
		flight = hsk_conn_sack_recovery(c) ? hsk_sb_pipe(c) :
			 hsk_conn_in_flight(c);
		if (flight && flight + skb->len > c->cwnd && !probe)
			break;
		if (!cb->fin && after(cb->end_seq, wnd_end)) {
			u32 room = after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;
			struct sk_buff *rest;

			if (flight)
				break;
			if (!room) {
				if (c->timer_kind != HSK_TIMER_PERSIST)
					hsk_conn_set_timer(c, HSK_TIMER_PERSIST,
							   now + c->rto);
				break;
			}
			/* Nothing in flight: cut the segment to the window. */
			rest = hsk_alloc_segment(skb->len - room, GFP_ATOMIC);
			if (!rest)
				break;
			skb_copy_bits(skb, room, skb_put(rest, skb->len - room),
				      skb->len - room);
			skb_trim(skb, room);
			*HSK_SKB_CB(rest) = *cb;
			HSK_SKB_CB(rest)->seq = cb->seq + room;
			cb->end_seq = cb->seq + room;
			__skb_queue_after(&c->sndq, skb, rest);
			hsk_sb_split(c, rest);
			c->snd_mem += rest->truesize;
		}
		/*
		 * Full segments wait in a train until one that is not, the
		 * train's end or the windows' stops it; the rest go alone.
		 */
		car = max_cars > 1 && !cb->fin && skb->len == size;
		if (cars && (!car || cars == max_cars)) {
			hsk_conn_send_train(c, train, cars);
			cars = 0;
		}
		if (car) {
			if (!cars++)
				train = skb;
			hsk_conn_sent(c, skb, now);
		} else {
			hsk_conn_xmit(c, skb, now);
		}
		/* Sent before an RTO rewound snd_nxt: a retransmission. */
		if (before(cb->seq, c->snd_max))
			hsk_conn_resent(c);
		hsk_sb_sent(c, skb);
		c->snd_nxt = cb->end_seq;
		if (after(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		c->snd_head = skb_queue_is_last(&c->sndq, skb) ? NULL :
			      skb_queue_next(&c->sndq, skb);
		sent = true;
	}
	if (cars)
		hsk_conn_send_train(c, train, cars);
	/* As Linux after new data: a probe, else the RTO if none runs. */
	if (sent && !probe)
		hsk_conn_xmit_timer(c, now, hsk_conn_rto_left(c, now), false);
	return sent;
}

/* Resends the oldest unacknowledged segment. */
void hsk_conn_retransmit_head(struct hsk_conn *c, unsigned long now)
{
	struct sk_buff *skb = skb_peek(&c->sndq);

	if (!skb || skb == c->snd_head)
		return;
	HSK_SKB_CB(skb)->retrans = 1;
	hsk_conn_xmit(c, skb, now);
	hsk_conn_resent(c);
}

/* Gives up: the error reaches the reader and the writer. */
static void hsk_conn_timeout(struct hsk_conn *c)
{
	WRITE_ONCE(c->err, ETIMEDOUT);
	hsk_inc(HSK_MIB_TCPAbortOnTimeout);
	hsk_send_rst_to(&c->key, c->snd_nxt, c->rcv_nxt);
	hsk_conn_done(c);
}

/* timer_kind's deadline @kind has come. */
static void hsk_conn_deadline(struct hsk_conn *c, u8 kind, unsigned long now)
{
	struct sk_buff *skb;
	bool reneged, probe;

	switch (kind) {
	case HSK_TIMER_RTO:
		probe = c->tlp_armed;
		c->tlp_armed = false;
		if (c->snd_una == c->snd_nxt)
			return;
		if (probe) {
			hsk_conn_probe(c, now);
			return;
		}
		/*
		 * An orphan gets fewer, and none once the RTO reached its
		 * cap, as Linux's tcp_write_timeout() for a dead socket.
		 */
		if (++c->retries > (c->orphan ? HSK_ORPHAN_RETRIES :
				    HSK_RETRIES) ||
		    (c->orphan && c->rto >= HSK_RTO_MAX)) {
			hsk_conn_timeout(c);
			return;
		}
		/*
		 * As Linux's tcp_enter_loss(): this much SACKed and no
		 * recovery says the reordering learned is too high. A timeout
		 * is never undone (Linux's F-RTO and Eifel are not here).
		 */
		if (!c->in_recovery && c->sb.n.sacked_segs >= HSK_REORDERING)
			c->reordering = min_t(u16, c->reordering,
					      HSK_REORDERING);
		c->undo = false;
		c->tlp_high_seq = 0;
		/* RFC 5681 3.1 and RFC 6298 5.5-5.7: back off, start over. */
		c->ssthresh = hsk_conn_ssthresh(c, hsk_conn_in_flight(c));
		c->cwnd = c->mss;
		c->cwnd_cnt = 0;
		c->in_recovery = false;
		c->dupacks = 0;
		c->rto = min_t(u32, c->rto * 2, HSK_RTO_MAX);
		reneged = hsk_conn_sack_reneged(c);
		if (reneged)
			hsk_inc(HSK_MIB_TCPSACKReneging);
		hsk_conn_sack_rto(c, reneged);
		/*
		 * Everything after the head goes again as the window opens,
		 * but what the peer SACKed (hsk_conn_push).
		 */
		skb_queue_walk(&c->sndq, skb) {
			if (skb == c->snd_head)
				break;
			HSK_SKB_CB(skb)->retrans = 1;
		}
		skb = skb_peek(&c->sndq);
		hsk_conn_retransmit_head(c, now);
		c->snd_nxt = HSK_SKB_CB(skb)->end_seq;
		c->snd_head = skb_queue_is_last(&c->sndq, skb) ? NULL :
			      skb_queue_next(&c->sndq, skb);
		hsk_sb_reset(c);
		hsk_inc(HSK_MIB_TCPTimeouts);
		hsk_conn_arm_rto(c, now);
		break;
	case HSK_TIMER_PERSIST:
		if (c->snd_wnd || !c->snd_head)
			return;
		/*
		 * An orphan gives up once its probes are HSK_RTO_MAX apart,
		 * answered or not, as Linux's tcp_probe_timer() gives up on a
		 * dead socket (tcp_orphan_retries 0): else a peer that keeps
		 * its window shut holds a closed connection forever.
		 */
		if (++c->retries > HSK_RETRIES ||
		    (c->orphan && c->rto >= HSK_RTO_MAX)) {
			hsk_conn_timeout(c);
			return;
		}
		/* A probe the peer must answer with its window. */
		hsk_conn_send_ack_at(c, c->snd_una - 1);
		hsk_inc(HSK_MIB_TCPWinProbe);
		c->rto = min_t(u32, c->rto * 2, HSK_RTO_MAX);
		hsk_conn_set_timer(c, HSK_TIMER_PERSIST, now + c->rto);
		break;
	case HSK_TIMER_FIN_WAIT2:
	case HSK_TIMER_TIME_WAIT:
		hsk_conn_done(c);
		break;
	}
}

/*
 * The timer fired at @now. What is due goes, timer_kind's deadline first
 * (a retransmission carries the waiting ACK, CLOSED needs none), then the
 * ACK's; the timer is armed again for what is left.
 */
void hsk_conn_on_timer(struct hsk_conn *c, unsigned long now)
{
	u8 kind = c->timer_kind;

	lockdep_assert_held(&c->lock);
	if (kind != HSK_TIMER_NONE && !time_before(now, c->timer_at)) {
		c->timer_kind = HSK_TIMER_NONE;
		hsk_conn_deadline(c, kind, now);
	}
	/* No reply carried it: not a dialogue, as Linux then decides. */
	if (c->ack_delayed && !time_before(now, c->delack_at)) {
		hsk_inc(HSK_MIB_DelayedACKs);
		hsk_conn_send_ack(c);
		c->pingpong = false;
	}
	hsk_conn_arm_timer(c);
}
