// SPDX-License-Identifier: GPL-2.0
/*
 * Reordering and needless retransmissions, on the send side. A path that
 * delivers a connection's segments out of order (two CPUs' backlogs, say)
 * makes the peer SACK past a segment that is only late; with DupThresh
 * fixed at 3 the sender takes it for lost, halves cwnd and sends it again.
 * As Linux does, hsk learns how far the path reorders from the peer's
 * SACK blocks (tcp_check_sack_reordering()) and needs that many segments
 * SACKed above a hole before it is lost; and when D-SACKs (RFC 2883) show
 * that every segment a recovery resent reached the peer twice, the
 * recovery was needless and its cwnd reduction is undone
 * (tcp_try_undo_dsack(), RFC 3708).
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <net/tcp.h>

/*
 * Reordering of @metric bytes: a late segment had that much SACKed above
 * its start. A hole becomes lost once reordering segments are SACKed
 * above it, so reordering one more segment than the lateness tolerates
 * it from then on: the end of the highest SACKed segment counts, where
 * Linux's fack counts its start.
 */
static bool hsk_conn_reorder_by(struct hsk_conn *c, u32 metric)
{
	u32 payload = hsk_conn_payload(c);

	if (metric <= c->reordering * payload)
		return false;
	c->reordering = min_t(u32, DIV_ROUND_UP(metric, payload),
			      HSK_MAX_REORDERING);
	return true;
}

/*
 * A segment never resent reached the peer after what lies from @low up
 * to @fack was SACKed: found when a block newly covers it below fack
 * (scoreboard.c), or when the cumulative ACK passes it unSACKed (ack.c;
 * Linux looks only at what stays SACKed after that ACK, so an ACK of
 * everything teaches it nothing). [TCPSACKReorder]
 */
void hsk_conn_reordered(struct hsk_conn *c, u32 low, u32 fack)
{
	lockdep_assert_held(&c->lock);
	if (!before(low, fack))
		return;
	hsk_conn_reorder_by(c, fack - low);
	c->reord_seen++;
	hsk_inc(HSK_MIB_TCPSACKReorder);
}

/*
 * A SACK recovery begins (RFC 6675 5 step 4), as Linux's tcp_init_undo()
 * and tcp_enter_recovery(): what to restore if it proves needless, and
 * the resent segments still out, whose D-SACKs may come during it.
 */
void hsk_conn_undo_init(struct hsk_conn *c)
{
	lockdep_assert_held(&c->lock);
	c->undo = true;
	c->undo_marker = c->snd_una;
	/* A resent probe still out may be reported twice too (Linux's). */
	c->undo_retrans = c->sb.n.rexmit_segs +
			  (c->tlp_high_seq && c->tlp_retrans);
	c->undo_reord = c->sb.fack - c->snd_una;
	c->prior_cwnd = c->cwnd;
	/* Linux's tcp_current_ssthresh(): ssthresh, or 3/4 of cwnd. */
	c->prior_ssthresh = max(c->ssthresh, c->cwnd / 2 + c->cwnd / 4);
}

/*
 * Every segment the recovery resent reached the peer twice: the originals
 * were late, not lost. cwnd and ssthresh go back to what they were (Reno's
 * undo: never lower than now), recovery ends, and the path is taken to
 * reorder by what was SACKed above the first hole when it began.
 * [TCPDSACKUndo]
 */
static void hsk_conn_undo(struct hsk_conn *c)
{
	c->cwnd = max(c->cwnd, c->prior_cwnd);
	c->ssthresh = max(c->ssthresh, c->prior_ssthresh);
	c->undo = false;
	c->in_recovery = false;
	if (hsk_conn_reorder_by(c, c->undo_reord))
		c->reord_seen++;
	hsk_inc(HSK_MIB_TCPDSACKUndo);
}

/*
 * RFC 2883 3, as Linux's tcp_check_dsack(): a first block below the ACK
 * (@ack), or inside the second block, reports data that reached the peer
 * twice [TCPDSACKRecv, TCPDSACKOfoRecv]. Returns whether it reports a
 * tail loss probe's copy (a segment or less ending at tlp_high_seq: the
 * probe repaired nothing, send.c), as Linux's FLAG_DSACK_TLP. A block wider than the peer's
 * largest window, or reporting more segments than the connection ever
 * resent, is dubious and ignored [TCPDSACKIgnoredDubious], so a peer
 * cannot undo what it did not see (Linux counts a dubious block too, then
 * trusts no more; hsk only what it believes). Each resent segment of the
 * recovery it reports is one fewer to hear of: those below the ACK as a
 * count of segments (they left sndq), those above it by their marks.
 */
bool hsk_conn_dsack_rcv(struct hsk_conn *c, const struct hsk_opts *o,
			u32 ack)
{
	u32 l0, r0, segs, n;
	bool tlp;

	lockdep_assert_held(&c->lock);
	if (!o->nr_sack)
		return false;
	l0 = get_unaligned_be32(o->sack);
	r0 = get_unaligned_be32(o->sack + 4);
	if (before(l0, ack)) {
		hsk_inc(HSK_MIB_TCPDSACKRecv);
	} else {
		const u8 *b1 = o->sack + HSK_OPTLEN_SACK_BLOCK;

		if (o->nr_sack < 2 || after(r0, get_unaligned_be32(b1 + 4)) ||
		    before(l0, get_unaligned_be32(b1)))
			return false;
		hsk_inc(HSK_MIB_TCPDSACKOfoRecv);
	}
	segs = DIV_ROUND_UP(r0 - l0, hsk_conn_payload(c));
	tlp = c->tlp_high_seq && r0 == c->tlp_high_seq && segs == 1;
	if (!before(l0, r0) || r0 - l0 > c->max_wnd ||
	    segs > c->total_retrans - c->dsack_dups) {
		hsk_inc(HSK_MIB_TCPDSACKIgnoredDubious);
		return false;
	}
	c->dsack_dups += segs;
	if (!c->undo || !c->undo_retrans || !after(r0, c->undo_marker))
		return tlp;
	n = after(r0, ack) ? hsk_sb_resent_in(c, l0, r0, segs) : segs;
	c->undo_retrans -= min(n, c->undo_retrans);
	if (!c->undo_retrans)
		hsk_conn_undo(c);
	return tlp;
}
