/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_CONN_H
#define _HSK_CONN_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "proto.h"
#include "stats.h"
#include "tables.h"
#include "uapi/hsk.h"

struct hsk_listener;
struct hsk_seg;
struct hsk_req;
struct hsk_cookie;
struct hsk_opts;

/* Per-skb state of queued data, in skb->cb. */
struct hsk_skb_cb {
	u32 seq;
	u32 end_seq;
	u32 sent;		/* jiffies of the last transmission */
	u8 retrans;		/* sent more than once: no RTT sample (Karn) */
	u8 fin;			/* a FIN: no data, one sequence number */
	/*
	 * sndq's SACK scoreboard. An RTO keeps sacked unless the peer
	 * reneged (RFC 6675 5.1, as Linux's tcp_enter_loss), and clears the
	 * rest.
	 */
	u8 sacked;		/* inside a SACK block of the peer */
	u8 lost;		/* RFC 6675 IsLost, or the head at a fast rexmit */
	u8 rexmit;		/* resent by SACK recovery since the RTO: in pipe */
	u8 skipped;		/* SACKed, so not resent after an RTO: see push */
	struct rb_node node;	/* in sb.index, while on sndq */
};

#define HSK_SKB_CB(skb) ((struct hsk_skb_cb *)(skb)->cb)

/*
 * Data held beyond a hole (ooo.c), under the connection's lock: maximal
 * runs of contiguous sequence space, never adjacent to each other, in an
 * rbtree by sequence number so that a segment finds its place in log
 * time, and on a list by latest arrival, which is the order of the SACK
 * blocks (RFC 2018 4). A flood of tiny segments with holes between them
 * is bounded by mem, not by a walk per segment.
 */
struct hsk_ooo {
	struct rb_root runs;
	struct list_head recent;	/* runs, the latest arrival first */
	u32 bytes;			/* payload held: the window's share */
	u32 mem;			/* truesize held, runs included */
};

/* What the sent part of sndq holds, in bytes and in skbs (segs). */
struct hsk_sb_counts {
	u32 out;			/* bytes sent: snd_una to snd_nxt */
	u32 sacked, sacked_segs;
	u32 lost, lost_segs;		/* lost and not SACKed */
	u32 rexmit, rexmit_segs;	/* resent and not SACKed */
};

/*
 * The sender's SACK scoreboard (scoreboard.c), under the connection's lock
 * like sndq: every skb of sndq in an rbtree by sequence, and counts of the
 * sent part so that pipe is out - sacked - lost + rexmit (Linux's
 * tcp_packets_in_flight) with no walk per ACK.
 */
struct hsk_scoreboard {
	struct rb_root index;
	struct hsk_sb_counts n;
	/* IsLost is decided up to here (NULL: nothing), SACKed at or below. */
	struct sk_buff *lost_hint;
	u32 hint_sacked, hint_sacked_segs;
	/* At or below: SACKed or resent, no hole to resend. */
	struct sk_buff *rexmit_hint;
	/* The end of the highest SACKed skb, or snd_una: Linux's fack. */
	u32 fack;
	/* The last ACK's blocks, all marked: a repeat costs nothing. */
	u32 cache[HSK_MAX_SACK][2];
	u8 ncache;
#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
	u32 visits;			/* skbs looked at: KUnit's cost check */
#endif
};

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#define hsk_sb_visit(c)	((c)->sb.visits++)
#else
#define hsk_sb_visit(c)	do { } while (0)
#endif

/*
 * A synchronized connection, from the third ACK to CLOSED. References: one
 * for the table while hashed, one for the accept queue or, once accepted,
 * the file, and one while the timer is pending.
 */
struct hsk_conn {
	struct rhash_head node;		/* in hsk_conns, by key */
	struct hsk_tuple key;
	refcount_t ref;

	/*
	 * Protects everything below but: wait and rmutex (their own locks),
	 * rx_off (the reader's, under rmutex: softirq never moves the head
	 * skb it reads from), accept_node (the listener's lock). state, err,
	 * fin_rcvd, fin_queued and rd_shut (written with WRITE_ONCE),
	 * snd_bytes and snd_mem are also read without it (READ_ONCE: poll,
	 * wakeup tests), a hint only.
	 */
	spinlock_t lock;
	u8 state;			/* enum hsk_state (uapi) */
	u8 snd_wscale;			/* the peer's shift */
	u8 rcv_wscale;			/* ours */
	u8 opts;			/* HSK_OPTI_* (uapi) */
	bool hashed;
	bool reset;			/* the peer reset us */
	bool orphan;			/* no file: closing on its own */
	bool rd_shut;			/* SHUT_RD: reads see end of stream */
	bool fin_queued;		/* our FIN is queued (SHUT_WR or close) */
	bool fin_rcvd;			/* the peer's FIN is in sequence */
	bool ack_delayed;		/* an ACK waits until delack_at */
	bool pingpong;			/* replies follow data: ACKs wait */
	bool rcvd_data;			/* the peer's data came: quick is set */
	u8 quick;			/* ACKs still sent at once (Linux's) */
	u8 pushed;			/* short segments in the waiting ACK */
	int err;			/* reported once to read/write/poll */
	u16 mss;			/* what we send: min(peer's, ours) */

	/* Send side (RFC 793 3.2, RFC 5681, RFC 6298). */
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_max;			/* highest snd_nxt: go-back-N rewinds */
	u32 snd_wnd;			/* the peer's, scaled */
	u32 snd_wl1;			/* seq of the last window update */
	u32 snd_wl2;			/* ack of the last window update */
	u32 max_wnd;			/* largest window the peer offered */
	u32 cwnd;			/* bytes */
	u32 cwnd_cnt;			/* bytes acked towards cwnd's next MSS */
	u32 ssthresh;
	u32 recover;			/* NewReno: snd_nxt at fast retransmit */
	u32 skipped;			/* bytes of cb->skipped skbs in sndq */
	u16 dupacks;
	u16 reordering;			/* segments: DupThresh (reorder.c) */
	u8 retries;			/* consecutive RTO or probe backoffs */
	bool in_recovery;
	/*
	 * A SACK recovery's undo (reorder.c): where it began, its resent
	 * segments not yet reported twice by the peer, how far SACKs then
	 * reached above its first hole, cwnd and ssthresh before it.
	 */
	bool undo;
	u32 undo_marker;
	u32 undo_retrans;
	u32 undo_reord;			/* bytes */
	u32 prior_cwnd;
	u32 prior_ssthresh;
	u32 total_retrans;		/* data segments sent again */
	u32 dsack_dups;			/* of those, reported twice: at most all */
	u32 reord_seen;			/* reorderings found */
	u32 srtt_us;			/* 0: no sample yet */
	u32 rttvar_us;
	u32 rto;			/* jiffies */
	u32 write_seq;			/* seq of the next byte written */
	u32 snd_bytes;			/* queued in sndq, sent or not */
	u32 snd_mem;			/* sndq's truesize: HSK_SNDMEM */
	struct sk_buff_head sndq;	/* data from snd_una on */
	struct sk_buff *snd_head;	/* first skb not sent yet, or NULL */
	struct hsk_scoreboard sb;

	/* Receive side. */
	u32 irs;
	u32 rcv_nxt;
	u32 rcv_adv;			/* right edge we advertised */
	u32 rcv_wup;			/* rcv_nxt that our last ACK carried */
	u32 lrcv;			/* jiffies of the last data in order */
	u16 rcv_mss;			/* the peer's full segment, as seen */
	u16 last_seg;			/* a short segment's size, to compare */
	u32 ts_recent;
	u32 ts_recent_stamp;		/* ktime_get_seconds() it was taken */
	/* Jiffies of the last ACK to an unacceptable segment, 0 if none. */
	u32 last_oow_ack_time;
	u32 rx_bytes;			/* bytes in rxq, less rx_off */
	u32 rx_off;			/* read from rxq's head skb */
	/* rxq's truesize: with ooo.mem at most HSK_RCVMEM. */
	u32 rx_mem;
	u32 rmem_charged;		/* of rx_mem + ooo.mem, in hsk_rmem */
	/* A duplicate to report first in the next SACK option (RFC 2883). */
	u32 dsack_seq;
	u32 dsack_end;
	bool dsack;
	struct sk_buff_head rxq;	/* in-order data not yet read */
	struct hsk_ooo ooo;

	/*
	 * One kernel timer for two deadlines: timer_kind's (RTO, persist,
	 * FIN_WAIT_2, TIME_WAIT) and a delayed ACK's, which Linux keeps
	 * apart too (icsk_pending, icsk_ack.pending). It is armed for the
	 * earlier; one that was met or dropped makes it fire idle and re-arm
	 * for the other (hsk_conn_arm_timer).
	 */
	struct timer_list timer;
	unsigned long timer_at;		/* timer_kind's deadline */
	unsigned long delack_at;	/* the waiting ACK's, if ack_delayed */
	u8 timer_kind;			/* enum hsk_timer (uapi), not DELACK */
	/*
	 * A tail loss probe (send.c): while tlp_armed, timer_kind's RTO
	 * deadline is a probe timeout instead (any other deadline set clears
	 * it), shown as the RTO, as ss shows Linux's. tlp_high_seq is
	 * snd_nxt when a probe went, 0 while none is out; tlp_retrans says
	 * it resent data rather than sending new.
	 */
	bool tlp_armed;
	bool tlp_retrans;
	u32 tlp_high_seq;
	wait_queue_head_t wait;		/* readers, writers, poll */
	struct mutex rmutex;		/* one reader dequeues at a time */

	struct list_head accept_node;	/* in l->acceptq, under l->lock */
	struct rcu_head rcu;
};

/*
 * Room to write, for poll and for waking a blocked writer: at least a third
 * of the send buffer free, as Linux's sk_stream_is_writeable(). Without the
 * hysteresis each ACK of a full buffer would flip POLLOUT on and wake the
 * writer for a few bytes. write() itself takes any room there is.
 */
static inline bool hsk_conn_sndbuf_room(const struct hsk_conn *c)
{
	u32 queued = READ_ONCE(c->snd_bytes), mem = READ_ONCE(c->snd_mem);

	return queued + queued / 2 <= HSK_SNDBUF &&
	       mem + mem / 2 <= HSK_SNDMEM;
}

int hsk_conns_init(void);
unsigned int hsk_conns_count(void);
void hsk_conns_stop(void);
void hsk_conns_exit(void);
struct hsk_conn *hsk_conn_lookup(const struct hsk_tuple *t);
struct hsk_conn *hsk_conn_from_req(const struct hsk_req *req,
				   struct sk_buff *skb,
				   const struct hsk_seg *seg);
struct hsk_conn *hsk_conn_from_cookie(const struct hsk_tuple *t,
				      const struct hsk_cookie *ck,
				      struct sk_buff *skb,
				      const struct hsk_seg *seg);
bool hsk_conn_rcv(struct hsk_conn *c, struct sk_buff *skb,
		  const struct hsk_seg *seg, u32 *tw_isn);
void hsk_conn_abort(struct hsk_conn *c);
void hsk_conn_put(struct hsk_conn *c);

/* The user side. Each takes c->lock itself, but for _locked. */
struct hsk_info;
u8 hsk_conn_info_locked(struct hsk_conn *c, struct hsk_info *info);
void hsk_conn_info(struct hsk_conn *c, struct hsk_info *info);
ssize_t hsk_conn_read(struct hsk_conn *c, struct iov_iter *to, bool nonblock);
bool hsk_conn_eof(struct hsk_conn *c);
bool hsk_conn_readable(struct hsk_conn *c);
ssize_t hsk_conn_write(struct hsk_conn *c, struct iov_iter *from,
		       bool nonblock);
int hsk_conn_shutdown(struct hsk_conn *c, int how);
void hsk_conn_close(struct hsk_conn *c);
u32 hsk_conn_rcv_space(const struct hsk_conn *c);
void hsk_conn_read_done(struct hsk_conn *c);
void hsk_conn_rxq_purge(struct hsk_conn *c);

/* conn.c internals shared with recv.c and send.c; c->lock held. */
void hsk_conn_set_timer(struct hsk_conn *c, u8 kind, unsigned long at);
void hsk_conn_stop_timer(struct hsk_conn *c);
void hsk_conn_idle_timer(struct hsk_conn *c);
void hsk_conn_arm_timer(struct hsk_conn *c);

/*
 * The deadline hskctl and netlink show, as ss shows Linux's: timer_kind's,
 * else a waiting ACK's (HSK_TIMER_DELACK), else none. c->lock held.
 */
static inline u8 hsk_conn_timer_shown(const struct hsk_conn *c,
				      unsigned long *at)
{
	if (c->timer_kind != HSK_TIMER_NONE) {
		*at = c->timer_at;
		return c->timer_kind;
	}
	*at = c->delack_at;
	return c->ack_delayed ? HSK_TIMER_DELACK : HSK_TIMER_NONE;
}

/*
 * Wakes c->wait's readers, writers and pollers, skipping the queue's lock
 * when there are none, as Linux's skwq_has_sleeper(): its full barrier
 * pairs with the one in a waiter's prepare_to_wait(), so either the waiter
 * is seen here or it sees what the caller changed before.
 */
#define hsk_conn_wake(c, wake, ...)					\
	do {								\
		if (wq_has_sleeper(&(c)->wait))				\
			wake(&(c)->wait, ##__VA_ARGS__);		\
	} while (0)
void hsk_conn_done(struct hsk_conn *c);
void hsk_conn_set_state(struct hsk_conn *c, u8 state);
void hsk_conn_send_ack_at(struct hsk_conn *c, u32 seq);

static inline void hsk_conn_send_ack(struct hsk_conn *c)
{
	hsk_conn_send_ack_at(c, c->snd_nxt);
}

void hsk_conn_send_dupack(struct hsk_conn *c, const struct hsk_seg *seg,
			  enum hsk_mib mib, unsigned long now);
void hsk_conn_challenge_ack(struct hsk_conn *c, unsigned long now);
void hsk_conn_ts_update(struct hsk_conn *c, const struct hsk_seg *seg);
void hsk_conn_data(struct hsk_conn *c, struct sk_buff *skb,
		   const struct hsk_seg *seg);
u16 hsk_conn_window(struct hsk_conn *c);
void hsk_conn_dsack_set(struct hsk_conn *c, u32 seq, u32 end);
void hsk_conn_ack_sent(struct hsk_conn *c);
void hsk_conn_sack_opts(struct hsk_conn *c, struct hsk_opts *o,
			u8 *buf, unsigned int room);

/* The send side (send.c, write.c), c->lock held. */
void hsk_sndq_tail(struct hsk_conn *c, struct sk_buff *skb, u32 len);
void hsk_conn_push(struct hsk_conn *c, unsigned long now);
void hsk_conn_on_timer(struct hsk_conn *c, unsigned long now);
void hsk_conn_xmit(struct hsk_conn *c, struct sk_buff *skb,
		   unsigned long now);
void hsk_conn_resent(struct hsk_conn *c);
void hsk_conn_retransmit_head(struct hsk_conn *c, unsigned long now);
void hsk_conn_arm_rto(struct hsk_conn *c, unsigned long now);
void hsk_conn_xmit_timer(struct hsk_conn *c, unsigned long now,
			 unsigned long rto_left, bool rearm);
void hsk_conn_tlp_ack(struct hsk_conn *c, u32 ack, bool dsack_tlp,
		      bool dup);

/* The send side's ACKs (ack.c), c->lock held. */
bool hsk_conn_ack_rcv(struct hsk_conn *c, const struct hsk_seg *seg,
		      unsigned long now);
void hsk_conn_rtt_sample(struct hsk_conn *c, u32 rtt_us);
void hsk_conn_sack_rto(struct hsk_conn *c, bool reneged);
bool hsk_conn_sack_reneged(struct hsk_conn *c);

/* What the window we advertised still offers beyond rcv_nxt. */
static inline u32 hsk_conn_promised(const struct hsk_conn *c)
{
	s32 left = c->rcv_adv - c->rcv_nxt;

	return left > 0 ? left : 0;
}

/* RFC 5681 (4): half of @flight, two segments at least. */
static inline u32 hsk_conn_ssthresh(const struct hsk_conn *c, u32 flight)
{
	return max(flight / 2, 2U * c->mss);
}

/* A connection's part in all connections' receive memory (rmem.c). */
void hsk_conn_rmem_sync(struct hsk_conn *c);
void hsk_conn_rmem_release(struct hsk_conn *c);
bool hsk_rmem_admit(const struct hsk_conn *c, u32 need);

/* Receive memory (recv.c), c->lock held. */
struct sk_buff *hsk_rcv_data(const struct sk_buff *skb, unsigned int off,
			     u32 len);
bool hsk_rcv_append(struct sk_buff *tail, const struct sk_buff *skb,
		    unsigned int off, u32 len);

/* The SACK scoreboard (scoreboard.c), c->lock held. */
void hsk_sb_init(struct hsk_conn *c);
void hsk_sb_append(struct hsk_conn *c, struct sk_buff *skb);
void hsk_sb_count(struct hsk_conn *c, struct hsk_sb_counts *n);
void hsk_sb_reset(struct hsk_conn *c);
void hsk_sb_sent(struct hsk_conn *c, const struct sk_buff *skb);
void hsk_sb_trim_head(struct hsk_conn *c, struct sk_buff *skb, u32 len,
		      bool sent);
void hsk_sb_unlink(struct hsk_conn *c, struct sk_buff *skb, bool sent);
void hsk_sb_split(struct hsk_conn *c, struct sk_buff *rest);
void hsk_sb_set_lost(struct hsk_conn *c, struct sk_buff *skb);
void hsk_sb_set_rexmit(struct hsk_conn *c, struct sk_buff *skb);
bool hsk_sb_mark(struct hsk_conn *c, const struct hsk_opts *o);
u32 hsk_sb_resent_in(struct hsk_conn *c, u32 l, u32 r, u32 max);
bool hsk_sb_update(struct hsk_conn *c, u32 payload);
struct sk_buff *hsk_sb_next(struct hsk_conn *c, struct sk_buff *skb);
struct sk_buff *hsk_sb_first_hole(struct hsk_conn *c);

/* Reordering and undo (reorder.c), c->lock held. */
void hsk_conn_reordered(struct hsk_conn *c, u32 low, u32 fack);
void hsk_conn_undo_init(struct hsk_conn *c);
bool hsk_conn_dsack_rcv(struct hsk_conn *c, const struct hsk_opts *o,
			u32 ack);

/* Payload per segment: the MSS less the options every segment carries. */
static inline u32 hsk_conn_payload(const struct hsk_conn *c)
{
	return c->mss - (c->opts & HSK_OPTI_TS ? HSK_TS_OPTLEN : 0);
}

/* RFC 6675 SetPipe: what is in flight, in SACK recovery. */
static inline u32 hsk_sb_pipe(const struct hsk_conn *c)
{
	const struct hsk_sb_counts *n = &c->sb.n;

	return n->out - n->sacked - n->lost + n->rexmit;
}

/* Sent and not acknowledged, less what an RTO's go-back-N skipped. */
static inline u32 hsk_conn_in_flight(const struct hsk_conn *c)
{
	return c->snd_nxt - c->snd_una - c->skipped;
}

/* In SACK recovery, RFC 6675's pipe stands for what is in flight. */
static inline bool hsk_conn_sack_recovery(const struct hsk_conn *c)
{
	return c->in_recovery && (c->opts & HSK_OPTI_SACK);
}

/* The out-of-order store (ooo.c), c->lock held. */
void hsk_ooo_init(struct hsk_ooo *q);
void hsk_ooo_purge(struct hsk_ooo *q);
bool hsk_rcv_make_room(struct hsk_conn *c, u32 seq, u32 need);
bool hsk_ooo_take(struct hsk_ooo *q, u32 rcv_nxt, struct sk_buff_head *out);
void hsk_ooo_add(struct hsk_conn *c, const struct sk_buff *skb,
		 unsigned int off, u32 seq, u32 len, bool fin);
unsigned int hsk_ooo_sack(const struct hsk_ooo *q, u8 *buf, unsigned int max);

static inline bool hsk_ooo_empty(const struct hsk_ooo *q)
{
	return RB_EMPTY_ROOT(&q->runs);
}

#endif /* _HSK_CONN_H */
