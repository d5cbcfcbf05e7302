// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: synchronized connections (included by mod/conn.c, so it reaches
 * recv.c and send.c through conn.h). Each case gets a connection the way a
 * server does: a listener, the client's SYN and third ACK as real segments,
 * then the accept queue. The client is the test: it builds every segment
 * (sequence numbers, ACK, window, timestamps, payload), and what hsk sends
 * is captured and parsed back. Time is driven: a timer is fired by calling
 * hsk_conn_on_timer() at the time it was armed for, never by waiting.
 *
 * The rules are RFC 793's (close diagram, acceptability), RFC 7323's
 * (window scaling, PAWS), RFC 5961's (blind RST, SYN and ACK checks), RFC
 * 6298's (RTO), RFC 5681's (fast retransmit) and RFC 1122's (persist).
 */

#include "hsk_test.h"

#include <linux/net.h>
#include <linux/stdarg.h>
#include <linux/uio.h>

/* The client: its next segment and the connection it talks to. */
struct t_peer {
	struct hsk_t_seg s;	/* seq: next to send; ack, window, TSval */
	struct hsk_conn *c;
	u32 iss;		/* hsk's ISN */
};

/* The byte at sequence number @seq of either direction's stream. */
static u8 t_byte(u32 seq)
{
	return (u8)(seq * 7 + (seq >> 8));
}

/*
 * A connection from 198.18.0.7:@port+30000 to a new listener on @port: the
 * client's SYN carries MSS @mss (0: none), window scale @wscale (< 0: none)
 * and timestamps if @ts. The third ACK offers window 502 (scaled).
 */
static void t_est(struct kunit *test, struct t_peer *p, u16 port,
		  s8 wscale, bool ts, u16 mss)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, port, 16);
	struct hsk_seg sa;

	memset(p, 0, sizeof(*p));
	hsk_t_syn(&p->s, port + 30000, port);
	p->s.wscale = wscale;
	p->s.ts = ts;
	p->s.mss = mss;
	hsk_t_open(test, &p->s, ctx->t0, &sa);
	p->iss = sa.seq;
	hsk_t_ack_of(&p->s, &sa);
	hsk_t_send(test, &p->s, ctx->t0);
	hsk_t_expect_none(test);
	p->c = hsk_t_accept(test, l);
	KUNIT_ASSERT_NOT_NULL(test, p->c);
	KUNIT_ASSERT_EQ(test, (int)p->c->state, HSK_ESTABLISHED);
	KUNIT_ASSERT_EQ(test, p->c->rcv_nxt, p->s.seq);
	KUNIT_ASSERT_EQ(test, p->c->snd_nxt, p->iss + 1);
}

/* The usual client: MSS 1460, window scale 7, timestamps. */
static void t_est_std(struct kunit *test, struct t_peer *p, u16 port)
{
	t_est(test, p, port, 7, true, 1460);
}

/*
 * The client sends @flags at @seq with @len bytes of its stream, its
 * current ACK and window, TSval one tick on and a TSecr of now.
 */
static void t_xmit(struct kunit *test, struct t_peer *p, u8 flags, u32 seq,
		   u32 len)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg s = p->s;
	u8 *buf = NULL;
	u32 i;

	if (len) {
		buf = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		for (i = 0; i < len; i++)
			buf[i] = t_byte(seq + i);
	}
	s.flags = flags;
	s.seq = seq;
	s.data = buf;
	s.len = len;
	if (s.ts) {
		s.tsval = ++p->s.tsval;
		s.tsecr = hsk_ts_now();
	}
	hsk_t_send(test, &s, ctx->t0);
	if (buf)
		kunit_kfree(test, buf);
}

/* In-sequence data, a bare ACK, a FIN: the client's next segment. */
static void t_data(struct kunit *test, struct t_peer *p, u32 len)
{
	t_xmit(test, p, HSK_TH_ACK | HSK_TH_PSH, p->s.seq, len);
	p->s.seq += len;
}

static void t_ack(struct kunit *test, struct t_peer *p)
{
	t_xmit(test, p, HSK_TH_ACK, p->s.seq, 0);
}

static void t_fin(struct kunit *test, struct t_peer *p)
{
	t_xmit(test, p, HSK_TH_ACK | HSK_TH_FIN, p->s.seq, 0);
	p->s.seq++;
}

/* The oldest captured segment, parsed; the caller frees the skb. */
static struct sk_buff *t_pop_skb(struct kunit *test, struct hsk_seg *seg)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct sk_buff *skb = skb_dequeue(&ctx->cap);
	enum hsk_mib res;

	KUNIT_ASSERT_NOT_NULL_MSG(test, skb, "hsk sent nothing");
	skb->ip_summed = CHECKSUM_NONE;	/* so hsk_parse verifies it */
	res = hsk_parse(skb, seg);
	if (res != HSK_MIB_InSegs)
		kfree_skb(skb);
	KUNIT_ASSERT_EQ_MSG(test, res, HSK_MIB_InSegs,
			    "hsk sent a segment it would refuse itself");
	return skb;
}

/* Exactly one segment was sent: a bare ACK of @ack at @seq. */
static void t_expect_ack(struct kunit *test, struct t_peer *p, u32 seq,
			 u32 ack, struct hsk_seg *r)
{
	hsk_t_expect_one(test, &p->s, HSK_TH_ACK, r);
	KUNIT_EXPECT_EQ(test, r->seq, seq);
	KUNIT_EXPECT_EQ(test, r->ack_seq, ack);
}

/*
 * The next captured segment carries @len bytes of hsk's stream from @seq,
 * with ACK (PSH allowed) and the client's next seq as its ACK.
 */
static void t_expect_data(struct kunit *test, struct t_peer *p, u32 seq,
			  u32 len)
{
	struct sk_buff *skb;
	struct hsk_seg r;
	u8 *buf;
	u32 i;

	skb = t_pop_skb(test, &r);
	KUNIT_EXPECT_EQ(test, r.flags & ~HSK_TH_PSH, HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, r.seq, seq);
	KUNIT_EXPECT_EQ(test, r.len, len);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p->s.seq);
	if (r.len == len && len) {
		buf = kunit_kmalloc(test, len, GFP_KERNEL);
		if (buf && !skb_copy_bits(skb, skb_transport_offset(skb) + r.doff,
					  buf, len)) {
			for (i = 0; i < len; i++) {
				if (buf[i] != t_byte(seq + i)) {
					KUNIT_FAIL(test, "byte %u of the segment at %u is wrong",
						   i, seq);
					break;
				}
			}
		}
	}
	kfree_skb(skb);
}

/* The application writes @len bytes of the stream (non-blocking). */
static ssize_t t_write(struct kunit *test, struct hsk_conn *c, u32 len)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter it;
	u32 seq = READ_ONCE(c->write_seq), i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = t_byte(seq + i);
	iov_iter_kvec(&it, WRITE, &kv, 1, len);
	return hsk_conn_write(c, &it, true);
}

/*
 * The file goes away. The suite's exit hook still holds the accepted
 * reference it tracks, so take one for it: the file's is what close drops.
 */
static void t_close(struct hsk_conn *c)
{
	refcount_inc(&c->ref);
	hsk_conn_close(c);
}

/* @c's deadline as hskctl shows it. */
static u8 t_timer(struct hsk_conn *c)
{
	unsigned long at;
	u8 kind;

	spin_lock_bh(&c->lock);
	kind = hsk_conn_timer_shown(c, &at);
	spin_unlock_bh(&c->lock);
	return kind;
}

/* Fires @c's timer at its earlier deadline; returns that one's kind. */
static u8 t_fire(struct hsk_conn *c, unsigned long *at)
{
	unsigned long when;
	u8 kind;

	spin_lock_bh(&c->lock);
	kind = hsk_conn_timer_shown(c, &when);
	if (c->ack_delayed && time_before(c->delack_at, when)) {
		kind = HSK_TIMER_DELACK;
		when = c->delack_at;
	}
	hsk_conn_on_timer(c, when);
	spin_unlock_bh(&c->lock);
	if (at)
		*at = when;
	return kind;
}

/* @c's timer is @kind, due @d after a moment between @j0 and now. */
static void t_expect_timer(struct kunit *test, struct hsk_conn *c, u8 kind,
			   unsigned long j0, unsigned long d)
{
	unsigned long j1 = jiffies, at;
	u8 k;

	spin_lock_bh(&c->lock);
	k = hsk_conn_timer_shown(c, &at);
	spin_unlock_bh(&c->lock);
	KUNIT_EXPECT_EQ(test, (int)k, (int)kind);
	KUNIT_EXPECT_TRUE_MSG(test, !time_before(at, j0 + d) &&
			      !time_after(at, j1 + d),
			      "timer due at %lu, want %lu..%lu", at, j0 + d,
			      j1 + d);
}

/*
 * A reader with @bytes of unread data that never arrived on the wire: the
 * receive buffer fills as if a slow reader had let 4 MB pile up.
 */
static void t_set_unread(struct hsk_conn *c, u32 bytes)
{
	spin_lock_bh(&c->lock);
	c->rx_bytes = bytes;
	spin_unlock_bh(&c->lock);
}

/* The reader took @n bytes, as read() does, then tells the engine. */
static void t_read(struct hsk_conn *c, u32 n)
{
	spin_lock_bh(&c->lock);
	c->rx_bytes -= n;
	spin_unlock_bh(&c->lock);
	hsk_conn_read_done(c);
}

/* The receive queue holds exactly @len bytes of the client's stream at @seq. */
static void t_expect_rxq(struct kunit *test, struct hsk_conn *c, u32 seq,
			 u32 len)
{
	u8 *buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	struct sk_buff *skb;
	u32 got = 0, off, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	spin_lock_bh(&c->lock);
	off = c->rx_off;
	skb_queue_walk(&c->rxq, skb) {
		u32 n = min(skb->len - off, len + 1 - got);

		if (skb_copy_bits(skb, off, buf + got, n))
			break;
		got += n;
		off = 0;
		if (got > len)
			break;
	}
	spin_unlock_bh(&c->lock);
	KUNIT_EXPECT_EQ(test, got, len);
	for (i = 0; i < min(got, len); i++) {
		if (buf[i] != t_byte(seq + i)) {
			KUNIT_FAIL(test, "received byte %u (seq %u) is wrong",
				   i, seq + i);
			break;
		}
	}
}

/* --- the close diagram (RFC 793 3.5, figure 6) ------------------------- */

/* ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED, the passive close. */
static void hsk_conn_close_passive(struct kunit *test)
{
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	t_est_std(test, &p, 9101);
	c = p.c;

	t_fin(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE_WAIT);
	KUNIT_EXPECT_TRUE(test, c->fin_rcvd);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, p.s.seq);
	/* Its ACK waits for the close, which carries it: three segments. */
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_DELACK);

	t_close(c);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_LAST_ACK);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 1);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p.s.seq);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);

	/* The ACK of our FIN: CLOSED, out of the table, nothing sent. */
	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_FALSE(test, c->hashed);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_NONE);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&p.s));
}

/*
 * The ACK of a FIN in ESTABLISHED waits HSK_DELACK (Linux's pingpong mode
 * from tcp_fin) for the close or the reply it prompts; if none comes, it
 * goes alone. Not delayed: a FIN after a whole MSS of data, one that fills
 * a gap. A reply carries it. Our data in flight, or a write that cannot go
 * (zero window), leave it waiting as Linux does: its deadline comes before
 * the RTO's or the persist timer's, which are kept.
 */
static void hsk_conn_fin_ack_delayed(struct kunit *test)
{
	struct t_peer p, q, s, u, w;
	unsigned long j0, at;
	struct hsk_seg r;

	/* Nothing follows: the ACK alone, HSK_DELACK later. */
	t_est_std(test, &p, 9182);
	j0 = jiffies;
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_FIN, p.s.seq, 0);
	p.s.seq++;
	hsk_t_expect_none(test);
	t_expect_timer(test, p.c, HSK_TIMER_DELACK, j0, HSK_DELACK);
	KUNIT_EXPECT_EQ(test, (int)t_fire(p.c, &at), HSK_TIMER_DELACK);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(p.c), HSK_TIMER_NONE);

	/* Data and FIN together, then a reply: the reply carries the ACK. */
	t_est_std(test, &q, 9183);
	t_xmit(test, &q, HSK_TH_ACK | HSK_TH_PSH | HSK_TH_FIN, q.s.seq, 100);
	q.s.seq += 101;
	hsk_t_expect_none(test);
	KUNIT_ASSERT_EQ(test, t_write(test, q.c, 10), 10L);
	t_expect_data(test, &q, q.iss + 1, 10);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(q.c), HSK_TIMER_RTO);
	KUNIT_EXPECT_FALSE(test, q.c->ack_delayed);

	/* A whole MSS before the FIN: acknowledged at once. */
	t_est(test, &s, 9184, 7, false, 1460);
	t_xmit(test, &s, HSK_TH_ACK | HSK_TH_FIN, s.s.seq, 1460);
	s.s.seq += 1461;
	t_expect_ack(test, &s, s.iss + 1, s.s.seq, &r);

	/*
	 * Our data in flight: the ACK waits all the same, HSK_DELACK from
	 * the FIN, and goes alone; the RTO stays where it was.
	 */
	t_est_std(test, &u, 9185);
	KUNIT_ASSERT_EQ(test, t_write(test, u.c, 10), 10L);
	t_expect_data(test, &u, u.iss + 1, 10);
	spin_lock_bh(&u.c->lock);
	at = u.c->timer_at;
	spin_unlock_bh(&u.c->lock);
	j0 = jiffies;
	t_fin(test, &u);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(u.c), HSK_TIMER_RTO);
	KUNIT_EXPECT_TRUE(test, u.c->ack_delayed);
	KUNIT_EXPECT_TRUE(test, !time_before(u.c->delack_at, j0 + HSK_DELACK) &&
			  !time_after(u.c->delack_at, jiffies + HSK_DELACK));
	KUNIT_EXPECT_EQ(test, (int)t_fire(u.c, NULL), HSK_TIMER_DELACK);
	t_expect_ack(test, &u, u.iss + 11, u.s.seq, &r);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, u.c->ack_delayed);
	KUNIT_EXPECT_EQ(test, (int)t_timer(u.c), HSK_TIMER_RTO);
	KUNIT_EXPECT_EQ(test, u.c->timer_at, at);
	/* The RTO still comes: the data again, with the ACK. */
	KUNIT_EXPECT_EQ(test, (int)t_fire(u.c, NULL), HSK_TIMER_RTO);
	t_expect_data(test, &u, u.iss + 1, 10);
	hsk_t_expect_none(test);

	/* A zero window: neither the write nor the ACK go; then the ACK. */
	t_est_std(test, &w, 9186);
	w.s.window = 0;
	t_fin(test, &w);
	hsk_t_expect_none(test);
	KUNIT_ASSERT_EQ(test, t_write(test, w.c, 10), 10L);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(w.c), HSK_TIMER_PERSIST);
	KUNIT_EXPECT_TRUE(test, w.c->ack_delayed);
	KUNIT_EXPECT_EQ(test, (int)t_fire(w.c, NULL), HSK_TIMER_DELACK);
	t_expect_ack(test, &w, w.iss + 1, w.s.seq, &r);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(w.c), HSK_TIMER_PERSIST);
}

/*
 * Linux's pingpong mode: once a reply followed the peer's data within
 * HSK_DELACK, the ACK of the next request waits for the reply that carries
 * it, one segment each way. A wait no reply ends sends the ACK alone and
 * leaves the mode; more than an MSS unacknowledged is ACKed at once.
 */
static void hsk_conn_ack_pingpong(struct kunit *test)
{
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;
	u32 snd;

	t_est_std(test, &p, 9190);
	c = p.c;
	snd = p.iss + 1;
	/* The first request: ACKed at once, then the reply. */
	t_data(test, &p, 100);
	t_expect_ack(test, &p, snd, p.s.seq, &r);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 50), 50L);
	t_expect_data(test, &p, snd, 50);
	snd += 50;
	KUNIT_EXPECT_TRUE(test, c->pingpong);
	p.s.ack = snd;
	t_ack(test, &p);
	hsk_t_expect_none(test);

	/* The second: its ACK rides on the reply. */
	t_data(test, &p, 100);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_DELACK);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 50), 50L);
	t_expect_data(test, &p, snd, 50);
	hsk_t_expect_none(test);
	snd += 50;
	p.s.ack = snd;
	t_ack(test, &p);

	/* Two full segments: the second draws the ACK of both. */
	t_data(test, &p, 1448);
	hsk_t_expect_none(test);
	t_data(test, &p, 1448);
	t_expect_ack(test, &p, snd, p.s.seq, &r);
	hsk_t_expect_none(test);

	/* No reply within HSK_DELACK: the ACK alone, and the mode ends. */
	t_data(test, &p, 100);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_DELACK);
	t_expect_ack(test, &p, snd, p.s.seq, &r);
	KUNIT_EXPECT_FALSE(test, c->pingpong);
	t_data(test, &p, 100);
	t_expect_ack(test, &p, snd, p.s.seq, &r);
}

/*
 * Quick ACKs spent: two full segments draw one ACK; a lone one waits while
 * @shown is the timer hskctl shows, and goes when its own deadline comes.
 */
static void t_two_then_one(struct kunit *test, struct t_peer *p, u32 snd,
			   u8 shown)
{
	struct hsk_seg r;

	t_data(test, p, 1448);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(p->c), (int)shown);
	t_data(test, p, 1448);
	t_expect_ack(test, p, snd, p->s.seq, &r);
	t_data(test, p, 1448);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_fire(p->c, NULL), HSK_TIMER_DELACK);
	t_expect_ack(test, p, snd, p->s.seq, &r);
	hsk_t_expect_none(test);
}

/*
 * A one-way stream, as Linux's receiver: the first 16 segments (Linux's
 * quick ACKs) are ACKed one by one, then one ACK per two full segments
 * (RFC 5681 4.2), a lone one after HSK_DELACK [DelayedACKs]. A short
 * segment waits for the reader, whose taking it all sends the ACK. Data
 * that comes again, or after a silence longer than the RTO, brings the
 * quick ACKs back [DelayedACKLost].
 */
static void hsk_conn_ack_every_second(struct kunit *test)
{
	unsigned long dack = hsk_stat_read(HSK_MIB_DelayedACKs);
	unsigned long lost = hsk_stat_read(HSK_MIB_DelayedACKLost);
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;
	u32 snd, seq;
	int i;

	t_est_std(test, &p, 9191);
	c = p.c;
	snd = p.iss + 1;
	for (i = 0; i < HSK_MAX_QUICKACKS; i++) {
		t_data(test, &p, 1448);
		t_expect_ack(test, &p, snd, p.s.seq, &r);
	}
	KUNIT_EXPECT_EQ(test, (int)c->rcv_mss, 1448);
	KUNIT_EXPECT_EQ(test, (int)c->quick, 0);

	/* Two full segments, one ACK; a lone one waits for the timer. */
	t_two_then_one(test, &p, snd, HSK_TIMER_DELACK);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_DelayedACKs), dack + 1);

	/* A full and a short one: over an MSS waits, so the ACK goes. */
	t_data(test, &p, 1448);
	hsk_t_expect_none(test);
	t_data(test, &p, 100);
	t_expect_ack(test, &p, snd, p.s.seq, &r);

	/* A short one alone waits; the reader taking it all sends it. */
	t_data(test, &p, 100);
	hsk_t_expect_none(test);
	t_read(c, c->rx_bytes - 50);
	hsk_t_expect_none(test);
	t_read(c, 50);
	t_expect_ack(test, &p, snd, p.s.seq, &r);

	/* Data that came before: the ACK at once, quick ACKs again. */
	seq = p.s.seq;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, seq - 100, 100);
	t_expect_ack(test, &p, snd, seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_DelayedACKLost), lost + 1);
	t_data(test, &p, 1448);
	t_expect_ack(test, &p, snd, p.s.seq, &r);
	c->quick = 0;
	t_data(test, &p, 1448);
	hsk_t_expect_none(test);
	t_data(test, &p, 1448);
	t_expect_ack(test, &p, snd, p.s.seq, &r);

	/* Silent for longer than the RTO: the sender restarts, ACKs go. */
	spin_lock_bh(&c->lock);
	c->lrcv -= c->rto + 1;
	spin_unlock_bh(&c->lock);
	t_data(test, &p, 1448);
	t_expect_ack(test, &p, snd, p.s.seq, &r);

	/*
	 * Our data in flight, the RTO pending: still one ACK per two full
	 * segments, and a lone one waits its HSK_DELACK before the RTO.
	 */
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	t_expect_data(test, &p, snd, 10);
	snd += 10;
	c->quick = 0;
	t_two_then_one(test, &p, snd, HSK_TIMER_RTO);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
}

/*
 * ESTABLISHED -> FIN_WAIT_1 (close) -> FIN_WAIT_2 (our FIN acked) ->
 * TIME_WAIT (their FIN) -> CLOSED after fin_timeout.
 */
static void hsk_conn_close_active(struct kunit *test)
{
	unsigned long j0, at;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	hsk_knobs.fin_timeout = 23;
	t_est_std(test, &p, 9102);
	c = p.c;

	t_close(c);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT1);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 1);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p.s.seq);

	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT2);

	j0 = jiffies;
	t_fin(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	t_expect_timer(test, c, HSK_TIMER_TIME_WAIT, j0, 23 * HZ);
	KUNIT_EXPECT_TRUE(test, c->hashed);

	KUNIT_EXPECT_EQ(test, (int)t_fire(c, &at), HSK_TIMER_TIME_WAIT);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_FALSE(test, c->hashed);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&p.s));
}

/* shutdown(SHUT_WR) takes the same path as close: FIN, FIN_WAIT_1. */
static void hsk_conn_close_shut_wr(struct kunit *test)
{
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	t_est_std(test, &p, 9103);
	c = p.c;

	KUNIT_EXPECT_EQ(test, hsk_conn_shutdown(c, SHUT_WR), 0);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT1);
	KUNIT_EXPECT_FALSE(test, c->orphan);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 1);

	/* Half-closed: the peer's data still arrives. */
	t_data(test, &p, 300);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 300U);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT1);

	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT2);
	t_fin(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
}

/* FIN_WAIT_1 -> CLOSING (their FIN, ours unacked) -> TIME_WAIT (ACK). */
static void hsk_conn_close_simultaneous(struct kunit *test)
{
	unsigned long j0;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	hsk_knobs.fin_timeout = 31;
	t_est_std(test, &p, 9104);
	c = p.c;

	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_FIN_WAIT1);

	/* Their FIN crossed ours: it acknowledges nothing new. */
	t_fin(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSING);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);

	j0 = jiffies;
	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_expect_timer(test, c, HSK_TIMER_TIME_WAIT, j0, 31 * HZ);
}

/* FIN_WAIT_1 -> TIME_WAIT: their FIN acknowledges ours. */
static void hsk_conn_close_fin_with_ack(struct kunit *test)
{
	unsigned long j0;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	hsk_knobs.fin_timeout = 13;
	t_est_std(test, &p, 9105);
	c = p.c;

	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);

	j0 = jiffies;
	p.s.ack = p.iss + 2;
	t_fin(test, &p);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	t_expect_timer(test, c, HSK_TIMER_TIME_WAIT, j0, 13 * HZ);
}

/*
 * FIN_WAIT_2 is bounded by fin_timeout only for an orphan, as Linux: a
 * half-closed connection whose file is open waits for the peer as long
 * as it takes, and its close starts the clock.
 */
static void hsk_conn_fin_wait2_timeout(struct kunit *test)
{
	struct t_peer p, q;
	unsigned long j0;
	struct hsk_seg r;

	hsk_knobs.fin_timeout = 17;

	/* An orphan: CLOSED after fin_timeout, silently. */
	t_est_std(test, &p, 9106);
	t_close(p.c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	j0 = jiffies;
	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, (int)p.c->state, HSK_FIN_WAIT2);
	t_expect_timer(test, p.c, HSK_TIMER_FIN_WAIT2, j0, 17 * HZ);
	KUNIT_EXPECT_EQ(test, (int)t_fire(p.c, NULL), HSK_TIMER_FIN_WAIT2);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)p.c->state, HSK_CLOSE);
	KUNIT_EXPECT_FALSE(test, p.c->hashed);

	/* Not an orphan: no timer at all. */
	t_est_std(test, &q, 9107);
	KUNIT_EXPECT_EQ(test, hsk_conn_shutdown(q.c, SHUT_WR), 0);
	hsk_t_expect_one(test, &q.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	q.s.ack = q.iss + 2;
	t_ack(test, &q);
	KUNIT_EXPECT_EQ(test, (int)q.c->state, HSK_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, (int)t_timer(q.c), HSK_TIMER_NONE);
	t_fire(q.c, NULL);
	KUNIT_EXPECT_EQ(test, (int)q.c->state, HSK_FIN_WAIT2);
	KUNIT_EXPECT_TRUE(test, q.c->hashed);
	hsk_t_expect_none(test);

	/* Its close makes it an orphan: now the clock runs. */
	j0 = jiffies;
	t_close(q.c);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)q.c->state, HSK_FIN_WAIT2);
	t_expect_timer(test, q.c, HSK_TIMER_FIN_WAIT2, j0, 17 * HZ);
	t_fire(q.c, NULL);
	KUNIT_EXPECT_EQ(test, (int)q.c->state, HSK_CLOSE);
}

/* TIME_WAIT answers a retransmitted FIN with an ACK and starts over. */
static void hsk_conn_time_wait_refin(struct kunit *test)
{
	unsigned long j0;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	hsk_knobs.fin_timeout = 20;
	t_est_std(test, &p, 9108);
	c = p.c;
	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	p.s.ack = p.iss + 2;
	t_fin(test, &p);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_ASSERT_EQ(test, (int)c->state, HSK_TIME_WAIT);

	/* Our ACK was lost: the same FIN again, with a new wait length. */
	hsk_knobs.fin_timeout = 45;
	j0 = jiffies;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_FIN, p.s.seq - 1, 0);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_expect_timer(test, c, HSK_TIMER_TIME_WAIT, j0, 45 * HZ);

	t_fire(c, NULL);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	hsk_t_expect_none(test);
}

/*
 * A SYN beyond a connection in TIME_WAIT ends it and gets an entry even
 * where a SYN from a new client would get a cookie (syncookies = 2, the
 * SYN queue full), with ISN = old snd_nxt + 65537: Linux's TCP_TW_SYN and
 * tcp_conn_request() given an isn.
 */
static void hsk_conn_time_wait_syn_reuse(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg syn, other;
	struct hsk_listener *l;
	struct hsk_seg r, sa;
	struct hsk_t_mibs m;
	struct hsk_conn *c2;
	struct t_peer p;

	t_est_std(test, &p, 9201);
	l = ctx->l[0];
	t_close(p.c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	p.s.ack = p.iss + 2;
	t_fin(test, &p);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_ASSERT_EQ(test, (int)p.c->state, HSK_TIME_WAIT);

	hsk_knobs.max_syn_backlog = 1;
	hsk_t_syn(&other, 40201, 9201);
	hsk_t_open(test, &other, ctx->t0, &sa);
	KUNIT_ASSERT_EQ(test, READ_ONCE(l->qlen), 1U);
	hsk_knobs.syncookies = 2;

	syn = p.s;
	syn.flags = HSK_TH_SYN;
	syn.seq = p.s.seq + 100000;
	syn.ack = 0;
	syn.mss = 1460;
	syn.wscale = 7;
	syn.sack_perm = true;
	syn.tsval = p.s.tsval + 10;
	syn.tsecr = 0;
	hsk_t_snap(&m);
	hsk_t_send(test, &syn, ctx->t0);
	hsk_t_expect_one(test, &syn, HSK_TH_SYN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 2 + 65537);
	KUNIT_EXPECT_EQ(test, r.ack_seq, syn.seq + 1);
	KUNIT_EXPECT_EQ(test, (int)p.c->state, HSK_CLOSE);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&syn));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->qlen), 2U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 0L);

	hsk_t_ack_of(&syn, &r);
	hsk_t_send(test, &syn, ctx->t0);
	hsk_t_expect_none(test);
	c2 = hsk_t_accept(test, l);
	KUNIT_ASSERT_NOT_NULL(test, c2);
	KUNIT_EXPECT_EQ(test, c2->snd_nxt, p.iss + 2 + 65537 + 1);
	KUNIT_EXPECT_EQ(test, c2->rcv_nxt, syn.seq);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);

	/* A new client's SYN, the same moment: a cookie. */
	hsk_t_syn(&other, 40202, 9201);
	hsk_t_send(test, &other, ctx->t0);
	hsk_t_expect_one(test, &other, HSK_TH_SYN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&other));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 1L);
}

/*
 * Unload's first step (hsk_conns_stop()): a connection timer that fires
 * after it drops its reference and does nothing, so none can send into
 * hsk0 as it goes or unhash a connection while the table is destroyed.
 * The same firing without the stop resends, as a contrast.
 */
static void hsk_conn_timers_inert_after_stop(struct kunit *test)
{
	unsigned int ref;
	struct t_peer p;
	struct hsk_conn *c;
	bool pending;

	t_est_std(test, &p, 9202);
	c = p.c;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);
	t_expect_data(test, &p, p.iss + 1, 100);

	/* Take the pending timer's reference and make it due at once. */
	spin_lock_bh(&c->lock);
	KUNIT_ASSERT_EQ(test, (int)c->timer_kind, HSK_TIMER_RTO);
	pending = del_timer(&c->timer);
	c->timer_at = jiffies - 1;
	spin_unlock_bh(&c->lock);
	KUNIT_ASSERT_TRUE(test, pending);
	ref = refcount_read(&c->ref);

	hsk_conns_stop();
	hsk_conn_timer_fn(&c->timer);
	WRITE_ONCE(hsk_conns_stopped, false);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref - 1);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, (int)c->timer_kind, HSK_TIMER_RTO);
	KUNIT_EXPECT_EQ(test, c->total_retrans, 0U);

	refcount_inc(&c->ref);
	hsk_conn_timer_fn(&c->timer);
	t_expect_data(test, &p, p.iss + 1, 100);
	KUNIT_EXPECT_EQ(test, c->total_retrans, 1U);
}

/* Unread data at close: RST instead of FIN (RFC 2525 2.17, as Linux). */
static void hsk_conn_close_unread_rst(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	t_est_std(test, &p, 9109);
	c = p.c;
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);

	hsk_t_snap(&m);
	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_RST | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 1);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p.s.seq);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPAbortOnClose), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), 1L);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_FALSE(test, c->hashed);
}

/* Data for an orphan: nobody will read it, so RST (RFC 1122 4.2.2.13). */
static void hsk_conn_orphan_data_rst(struct kunit *test)
{
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;
	u32 rcv_nxt;

	t_est_std(test, &p, 9110);
	c = p.c;
	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	p.s.ack = p.iss + 2;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, (int)c->state, HSK_FIN_WAIT2);

	rcv_nxt = p.s.seq;
	t_data(test, &p, 200);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	hsk_t_pop(test, &r);
	KUNIT_EXPECT_TRUE(test, r.flags & HSK_TH_RST);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 2);
	if (r.flags & HSK_TH_ACK)
		KUNIT_EXPECT_EQ(test, r.ack_seq, rcv_nxt);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_FALSE(test, c->hashed);
}

/* --- receive window (RFC 793 3.7, RFC 7323 2) -------------------------- */

/* The window is the free buffer space, shifted by our scale. */
static void hsk_conn_window_scaled(struct kunit *test)
{
	struct hsk_seg r;
	struct t_peer p, q;

	t_est_std(test, &p, 9111);
	KUNIT_EXPECT_EQ(test, (int)p.c->rcv_wscale, HSK_RCV_WSCALE);
	t_data(test, &p, 1000);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, (u32)r.window, (HSK_RCVBUF - 1000) >> HSK_RCV_WSCALE);
	/*
	 * A multiple of 128 more, so that the free space rounded down is not
	 * below what the last ACK promised (no_shrink covers that case).
	 */
	t_data(test, &p, 2048);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, (u32)r.window, (HSK_RCVBUF - 3048) >> HSK_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, p.c->rcv_adv,
			p.s.seq + ((u32)r.window << HSK_RCV_WSCALE));

	/* No scaling negotiated: at most 65535, unshifted. */
	t_est(test, &q, 9112, -1, true, 1460);
	KUNIT_EXPECT_EQ(test, (int)q.c->rcv_wscale, 0);
	t_data(test, &q, 1000);
	t_expect_ack(test, &q, q.iss + 1, q.s.seq, &r);
	KUNIT_EXPECT_EQ(test, (int)r.window, 65535);
}

/*
 * RFC 7323 2.4 / RFC 793 3.7: once offered, the right edge stays. With a
 * buffer nearly full (a slow reader has 4 MB unread), every ACK of a
 * burst the SYN-ACK's 65535-byte window allowed must keep the edge at or
 * beyond rcv_nxt0 + 65535, and the whole burst must be taken.
 */
static void hsk_conn_window_no_shrink(struct kunit *test)
{
	struct t_peer p;
	struct hsk_seg r;
	u32 r0, edge, prev, end, n;
	bool shrank = false;

	t_est_std(test, &p, 9113);
	r0 = p.s.seq;
	end = r0 + HSK_SYNACK_WINDOW;
	prev = end;
	t_set_unread(p.c, HSK_RCVBUF - 1000);

	while (p.s.seq != end) {
		n = min_t(u32, 1448, end - p.s.seq);
		t_data(test, &p, n);
		/* Past the quick ACKs, one per two segments; the last waits. */
		if (!hsk_t_sent(test) && p.s.seq != end)
			continue;
		if (!hsk_t_sent(test))
			KUNIT_EXPECT_EQ(test, (int)t_fire(p.c, NULL),
					HSK_TIMER_DELACK);
		hsk_t_expect_one(test, &p.s, HSK_TH_ACK, &r);
		edge = r.ack_seq + ((u32)r.window << HSK_RCV_WSCALE);
		if (before(edge, prev) && !shrank) {
			KUNIT_FAIL(test, "right edge moved left by %u after ack %u (window %u): rcv_nxt0 + %u, was + %u",
				   prev - edge, r.ack_seq - r0, r.window,
				   edge - r0, prev - r0);
			shrank = true;
		}
		if (after(edge, prev))
			prev = edge;
	}
	KUNIT_EXPECT_EQ_MSG(test, p.c->rcv_nxt - r0, HSK_SYNACK_WINDOW,
			    "data inside the offered window was dropped");
	KUNIT_EXPECT_EQ(test, r.ack_seq, end);
}

/*
 * A full buffer advertises a zero window; the reader's freeing less than
 * an MSS stays quiet, and enough of it sends a window update.
 */
static void hsk_conn_window_zero_and_update(struct kunit *test)
{
	static const u32 parts[] = { 127, 1408 };
	struct t_peer p;
	struct hsk_seg r;
	u32 r0, end, n;
	int i;

	t_est_std(test, &p, 9114);
	r0 = p.s.seq;
	end = r0 + HSK_SYNACK_WINDOW;
	/*
	 * Unread data so that the buffer is full exactly at the edge the
	 * SYN-ACK offered. The pieces keep that edge a multiple of 128
	 * away, so each window is exactly the rest of the promise.
	 */
	t_set_unread(p.c, HSK_RCVBUF - HSK_SYNACK_WINDOW);
	for (i = 0; p.s.seq != end; i = 1) {
		n = min_t(u32, parts[i], end - p.s.seq);
		t_data(test, &p, n);
		/* Past the quick ACKs, one per two segments; the last waits. */
		if (!hsk_t_sent(test) && p.s.seq != end)
			continue;
		if (!hsk_t_sent(test))
			KUNIT_EXPECT_EQ(test, (int)t_fire(p.c, NULL),
					HSK_TIMER_DELACK);
		t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
		KUNIT_EXPECT_EQ(test, (u32)r.window << HSK_RCV_WSCALE,
				end - p.s.seq);
	}
	KUNIT_EXPECT_EQ(test, (int)r.window, 0);
	KUNIT_EXPECT_EQ(test, hsk_conn_rcv_space(p.c), 0U);

	/* Less than an MSS free: no update (silly window avoidance). */
	t_read(p.c, 1000);
	hsk_t_expect_none(test);

	t_read(p.c, 1000);
	t_expect_ack(test, &p, p.iss + 1, end, &r);
	KUNIT_EXPECT_EQ(test, (int)r.window, 2000 >> HSK_RCV_WSCALE);
}

/* --- send window (RFC 793 3.9 p. 72, RFC 7323 2.3) --------------------- */

/*
 * The peer's window is its field shifted by the peer's scale (2 here,
 * ours is 7), taken only from a segment newer than the last update:
 * SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK.
 */
static void hsk_conn_snd_wnd_update(struct kunit *test)
{
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0;

	t_est(test, &p, 9115, 2, true, 1460);
	c = p.c;
	KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 2);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 502U << 2);

	p.s.window = 1000;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 1000U << 2);

	s0 = p.s.seq;
	p.s.window = 2000;
	t_data(test, &p, 100);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 2000U << 2);
	p.s.window = 3000;
	t_data(test, &p, 100);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 3000U << 2);
	hsk_t_flush(test);

	/* An older segment (seq before SND.WL1) with new data: no update. */
	p.s.window = 10;
	t_xmit(test, &p, HSK_TH_ACK, s0, 300);
	p.s.seq = s0 + 300;
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0 + 300);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 3000U << 2);

	/* Same seq, an ACK older than SND.WL2: no update. */
	KUNIT_ASSERT_EQ(test, t_write(test, c, 2000), 2000L);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 2U);
	hsk_t_flush(test);
	p.s.ack = p.iss + 1 + 2000;
	p.s.window = 4000;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_una, p.iss + 1 + 2000);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 4000U << 2);
	p.s.ack = p.iss + 1 + 1448;
	p.s.window = 20;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 4000U << 2);

	/* Same seq and ACK: the window may shrink. */
	p.s.ack = p.iss + 1 + 2000;
	p.s.window = 5;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 5U << 2);
	hsk_t_expect_none(test);
}

/* Sending stops at the peer's window and goes on as it opens. */
static void hsk_conn_snd_wnd_limits(struct kunit *test)
{
	struct hsk_conn *c;
	struct t_peer p;
	u32 seq;

	t_est_std(test, &p, 9116);
	c = p.c;
	p.s.window = 23;		/* 2944 bytes: two segments, not three */
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, c->snd_wnd, 23U << 7);

	KUNIT_ASSERT_EQ(test, t_write(test, c, 10000), 10000L);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 2U);
	seq = p.iss + 1;
	t_expect_data(test, &p, seq, 1448);
	t_expect_data(test, &p, seq + 1448, 1448);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, c->snd_nxt, seq + 2896);
	KUNIT_EXPECT_NOT_NULL(test, c->snd_head);

	/* Both acknowledged, same window: two more. */
	p.s.ack = seq + 2896;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 2U);
	t_expect_data(test, &p, seq + 2896, 1448);
	t_expect_data(test, &p, seq + 4344, 1448);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, after(c->snd_nxt, c->snd_una + c->snd_wnd));
}

/*
 * A zero window: nothing goes, the persist timer is armed, and when it
 * fires a probe at snd_una - 1 asks for the window (RFC 1122 4.2.2.17).
 * The window opening sends the data.
 */
static void hsk_conn_persist_probe(struct kunit *test)
{
	unsigned long j0, at;
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 rto;

	t_est_std(test, &p, 9117);
	c = p.c;
	p.s.window = 0;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, c->snd_wnd, 0U);

	j0 = jiffies;
	rto = c->rto;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);
	hsk_t_expect_none(test);
	t_expect_timer(test, c, HSK_TIMER_PERSIST, j0, rto);

	hsk_t_snap(&m);
	KUNIT_EXPECT_EQ(test, (int)t_fire(c, &at), HSK_TIMER_PERSIST);
	t_expect_ack(test, &p, p.iss, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPWinProbe), 1L);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_PERSIST);
	KUNIT_EXPECT_EQ(test, c->timer_at, at + 2 * rto);
	KUNIT_EXPECT_EQ(test, c->snd_nxt, p.iss + 1);

	/* The peer's answer opens the window: the data goes. */
	p.s.window = 10;
	t_ack(test, &p);
	t_expect_data(test, &p, p.iss + 1, 100);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
}

/*
 * RFC 1122 4.2.2.17: "as long as the receiving TCP continues to send
 * acknowledgments in response to the probe segments, the sending TCP MUST
 * allow the connection to stay open." A peer that answers every probe
 * with a zero window is alive; Linux probes it forever.
 */
static void hsk_conn_persist_answered(struct kunit *test)
{
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	int i;

	t_est_std(test, &p, 9118);
	c = p.c;
	p.s.window = 0;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);

	for (i = 0; i < HSK_RETRIES + 5; i++) {
		if (t_fire(c, NULL) != HSK_TIMER_PERSIST ||
		    c->state != HSK_ESTABLISHED) {
			KUNIT_FAIL(test, "gave up after %d answered probes (state %d, err %d)",
				   i, c->state, c->err);
			break;
		}
		KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_ACK);
		KUNIT_EXPECT_EQ(test, r.seq, p.iss);
		t_ack(test, &p);	/* still zero */
		hsk_t_expect_none(test);
	}
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	hsk_t_flush(test);
}

/*
 * The same peer after our close: an orphan probes until its probes are
 * HSK_RTO_MAX apart, then gives up [TCPAbortOnTimeout] with a RST, as
 * Linux's tcp_probe_timer() gives up on a dead socket however it is
 * answered.
 */
static void hsk_conn_persist_orphan_gives_up(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	int i;

	t_est_std(test, &p, 9203);
	c = p.c;
	p.s.window = 0;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);
	t_close(c);
	hsk_t_flush(test);
	KUNIT_ASSERT_EQ(test, (int)c->state, HSK_FIN_WAIT1);
	hsk_t_snap(&m);

	for (i = 0; i < HSK_RETRIES; i++) {
		KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_PERSIST);
		if (c->state == HSK_CLOSE)
			break;
		KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_ACK);
		t_ack(test, &p);	/* answered, still zero */
		hsk_t_expect_none(test);
	}
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_LT(test, i, HSK_RETRIES);
	KUNIT_EXPECT_EQ(test, c->rto, (u32)HSK_RTO_MAX);
	hsk_t_expect_one(test, &p.s, HSK_TH_RST | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPAbortOnTimeout), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPWinProbe), (long)i);
}

/*
 * RFC 7323 3.2: with timestamps negotiated, "the TSopt MUST be sent in
 * every non-<RST> segment": ACKs, data, FIN and window probes alike.
 */
static void hsk_conn_ts_every_segment(struct kunit *test)
{
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;

	t_est_std(test, &p, 9119);
	c = p.c;

	t_data(test, &p, 10);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_TRUE_MSG(test, r.opt.has & HSK_HAS_TS, "ACK without TS");
	KUNIT_EXPECT_EQ(test, r.opt.tsecr, p.s.tsval);

	KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	hsk_t_pop(test, &r);
	KUNIT_EXPECT_TRUE_MSG(test, r.opt.has & HSK_HAS_TS, "data without TS");
	p.s.ack = p.iss + 11;
	p.s.window = 0;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	hsk_t_expect_none(test);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_PERSIST);
	hsk_t_pop(test, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 10);
	KUNIT_EXPECT_TRUE_MSG(test, r.opt.has & HSK_HAS_TS,
			      "window probe without TS");
	KUNIT_EXPECT_EQ(test, r.opt.tsecr, p.s.tsval);
	hsk_t_flush(test);
}

/*
 * A fresh connection's first @len bytes go out at once as segments of
 * @seg bytes (the last the rest), byte for byte, and nothing else.
 */
static void t_write_expect_segs(struct kunit *test, struct t_peer *p,
				u32 len, u32 seg)
{
	u32 seq = p->iss + 1, off;

	KUNIT_ASSERT_EQ(test, t_write(test, p->c, len), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), DIV_ROUND_UP(len, seg));
	for (off = 0; off < len; off += seg)
		t_expect_data(test, p, seq + off, min(seg, len - off));
	hsk_t_expect_none(test);
}

/* Segments of the MSS less the 12 bytes of NOP NOP TS on each. */
static void hsk_conn_segment_size(struct kunit *test)
{
	struct t_peer p, q, s;

	/* Timestamps: 1460 - 12. */
	t_est_std(test, &p, 9120);
	KUNIT_EXPECT_EQ(test, (int)p.c->mss, 1460);
	t_write_expect_segs(test, &p, 4000, 1448);

	/* No timestamps: the whole MSS. */
	t_est(test, &q, 9121, 7, false, 1460);
	t_write_expect_segs(test, &q, 3000, 1460);

	/* A smaller MSS from the peer: that, less the timestamps. */
	t_est(test, &s, 9122, 7, true, 1000);
	KUNIT_EXPECT_EQ(test, (int)s.c->mss, 1000);
	t_write_expect_segs(test, &s, 2000, 988);
}

/* ethtool -K hsk0 rx-gro-hw on|off. */
static void t_trains(bool on)
{
	rtnl_lock();
	if (on)
		hsk_dev->wanted_features |= NETIF_F_GRO_HW;
	else
		hsk_dev->wanted_features &= ~NETIF_F_GRO_HW;
	netdev_update_features(hsk_dev);
	rtnl_unlock();
}

/*
 * The next captured skb is a train of @n full segments of @size bytes
 * from @seq: a GSO skb with the headers in its head, each segment's
 * payload a clone on its frag_list, the checksum left partial.
 */
static void t_expect_train(struct kunit *test, struct t_peer *p, u32 seq,
			   u32 n, u32 size)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct sk_buff *skb = skb_dequeue(&ctx->cap), *car;
	struct hsk_seg r;
	u32 cars = 0, i;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL_MSG(test, skb, "hsk sent nothing");
	KUNIT_EXPECT_TRUE(test, skb_is_gso(skb));
	KUNIT_EXPECT_EQ(test, (u32)skb_shinfo(skb)->gso_size, size);
	KUNIT_EXPECT_EQ(test, (u32)skb_shinfo(skb)->gso_segs, n);
	KUNIT_EXPECT_TRUE(test, skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	KUNIT_EXPECT_EQ(test, skb_headlen(skb), (unsigned int)(HSK_IP_HLEN +
			HSK_TCP_HLEN + HSK_TS_OPTLEN));
	KUNIT_EXPECT_EQ(test, ntohs(ip_hdr(skb)->tot_len), skb->len);
	skb_walk_frags(skb, car) {
		KUNIT_EXPECT_EQ(test, car->len, size);
		cars++;
	}
	KUNIT_EXPECT_EQ(test, cars, n);
	KUNIT_ASSERT_EQ(test, hsk_parse(skb, &r), HSK_MIB_InSegs);
	KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_ACK | HSK_TH_PSH);
	KUNIT_EXPECT_EQ(test, r.seq, seq);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p->s.seq);
	KUNIT_EXPECT_EQ(test, r.len, n * size);
	KUNIT_EXPECT_TRUE(test, r.opt.has & HSK_HAS_TS);
	buf = kunit_kmalloc(test, n * size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, skb_transport_offset(skb) +
					    r.doff, buf, n * size), 0);
	for (i = 0; i < n * size; i++) {
		if (buf[i] != t_byte(seq + i)) {
			KUNIT_FAIL(test, "byte %u of the train at %u is wrong",
				   i, seq);
			break;
		}
	}
	kunit_kfree(test, buf);
	kfree_skb(skb);
}

/*
 * Full segments that go out together leave as one train, as a NIC's
 * hardware GRO hands them up (hsk_send_train()): the rest of a write goes
 * alone, a train holds what IPv4's length field does, and rx-gro-hw off
 * sends every segment alone. Every other test here sees trains cut back
 * into segments by GSO, checksums verified (hsk_test_capture_skb()).
 */
static void hsk_conn_trains(struct kunit *test)
{
	unsigned long segs;
	struct t_peer p;
	u32 seq;

	hsk_test_whole_trains = true;
	t_est_std(test, &p, 9124);
	seq = p.iss + 1;
	segs = hsk_stat_read(HSK_MIB_OutSegs);
	KUNIT_ASSERT_EQ(test, t_write(test, p.c, 4000), 4000L);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 2U);
	t_expect_train(test, &p, seq, 2, 1448);
	t_expect_data(test, &p, seq + 2 * 1448, 1104);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_OutSegs) - segs, 3UL);

	/* 50 segments the windows allow: one train as long as can be, then 5. */
	seq += 4000;
	p.s.ack = seq;
	p.s.window = 1000;		/* << 7 */
	t_ack(test, &p);
	hsk_t_expect_none(test);
	spin_lock_bh(&p.c->lock);
	p.c->cwnd = 100 * 1460;
	spin_unlock_bh(&p.c->lock);
	KUNIT_ASSERT_EQ(test, t_write(test, p.c, 50 * 1448), 50L * 1448);
	KUNIT_EXPECT_EQ(test, HSK_TRAIN_MAX / 1448, 45);
	t_expect_train(test, &p, seq, 45, 1448);
	t_expect_train(test, &p, seq + 45 * 1448, 5, 1448);
	hsk_t_expect_none(test);

	/* rx-gro-hw off: one by one. */
	seq += 50 * 1448;
	p.s.ack = seq;
	t_ack(test, &p);
	t_trains(false);
	KUNIT_EXPECT_EQ(test, t_write(test, p.c, 4000), 4000L);
	t_trains(true);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 3U);
	t_expect_data(test, &p, seq, 1448);
	t_expect_data(test, &p, seq + 1448, 1448);
	t_expect_data(test, &p, seq + 2 * 1448, 1104);
	hsk_t_expect_none(test);
}

/*
 * Small writes behind a closed window fill the unsent tail, as Linux's
 * tcp_sendmsg(): 300 writes of 10 bytes go out as full segments when it
 * opens, from 3 buffers, not 300. What was sent is never grown: with the
 * window open, each small write is its own segment (no Nagle, see the
 * admin guide).
 */
static void hsk_conn_write_merge(struct kunit *test)
{
	struct t_peer p;
	struct hsk_conn *c;
	u32 seq, i;

	t_est_std(test, &p, 9181);
	c = p.c;
	p.s.window = 0;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, c->snd_wnd, 0U);

	for (i = 0; i < 300; i++)
		KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&c->sndq), 3U);
	KUNIT_EXPECT_EQ(test, c->snd_bytes, 3000U);
	KUNIT_EXPECT_EQ(test, c->write_seq, p.iss + 1 + 3000);

	p.s.window = 1000;
	t_ack(test, &p);
	seq = p.iss + 1;
	t_expect_data(test, &p, seq, 1448);
	t_expect_data(test, &p, seq + 1448, 1448);
	t_expect_data(test, &p, seq + 2 * 1448, 104);
	hsk_t_expect_none(test);

	/* Sent at once, so not grown: two writes, two segments. */
	seq += 3000;
	p.s.ack = seq;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	t_expect_data(test, &p, seq, 10);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10), 10L);
	t_expect_data(test, &p, seq + 10, 10);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&c->sndq), 2U);
}

/*
 * A peer's MSS below Linux's tcp_min_snd_mss (48) is raised to it: with
 * timestamps an MSS of 12 or less left no payload (a write that never
 * ended) or wrapped it to 4 GiB (a segment past its skb's end).
 */
static void hsk_conn_min_snd_mss(struct kunit *test)
{
	static const u16 tiny[] = { 1, 11, 12, 13, 47 };
	struct t_peer p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tiny); i++) {
		t_est(test, &p, 9160 + i, 7, true, tiny[i]);
		KUNIT_EXPECT_EQ(test, (int)p.c->mss, HSK_MIN_SND_MSS);
		t_write_expect_segs(test, &p, 100, HSK_MIN_SND_MSS - 12);
	}
	t_est(test, &p, 9165, 7, true, 48);
	KUNIT_EXPECT_EQ(test, (int)p.c->mss, 48);
	t_est(test, &p, 9166, 7, true, 49);
	KUNIT_EXPECT_EQ(test, (int)p.c->mss, 49);
}

/* --- acceptability (RFC 793 3.9 p. 69) --------------------------------- */

static void hsk_conn_seq_acceptability(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0, wnd;

	t_est_std(test, &p, 9123);
	c = p.c;
	s0 = p.s.seq;
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	wnd = c->rcv_adv - c->rcv_nxt;
	KUNIT_ASSERT_EQ(test, wnd, (u32)r.window << HSK_RCV_WSCALE);

	/*
	 * Dropped means all of it: each offers a window that would be
	 * taken (SND.WL1 =< SEG.SEQ) if the segment were processed.
	 */
	p.s.window = 3;

	/* Starts at the right edge: ACK, dropped. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100 + wnd, 100);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	/*
	 * (A bare ACK exactly at the right edge is acceptable, as in
	 * Linux's tcp_sequence(): test_datapath checks it on the wire.)
	 */
	/* Entirely old (a retransmission): ACK, dropped. */
	t_xmit(test, &p, HSK_TH_ACK, s0, 100);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	/* A bare ACK left of the window. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 99, 0);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 100U);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 0U);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0 + 100);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 502U << 7);
	p.s.window = 502;

	/* The last byte of the window is acceptable (and held). */
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100 + wnd - 1, 1);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPOFOQueue), 1L);

	/* Overlapping the left edge: the new part is taken. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 50, 100);
	p.s.seq = s0 + 150;
	t_expect_ack(test, &p, p.iss + 1, s0 + 150, &r);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 150U);
	t_expect_rxq(test, c, s0, 150);
}

/*
 * A zero receive window: only a segment of no length at exactly rcv_nxt is
 * acceptable. Data there gets an ACK and is dropped.
 */
static void hsk_conn_seq_zero_window(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0;

	t_est_std(test, &p, 9124);
	c = p.c;
	s0 = p.s.seq;
	/* A full buffer, and a zero window already advertised. */
	spin_lock_bh(&c->lock);
	c->rx_bytes = HSK_RCVBUF;
	c->rcv_adv = c->rcv_nxt;
	spin_unlock_bh(&c->lock);

	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0, 100);
	t_expect_ack(test, &p, p.iss + 1, s0, &r);
	KUNIT_EXPECT_EQ(test, (int)r.window, 0);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, HSK_RCVBUF);
	/* As Linux's tcp_data_queue() counts it; beyond rcv_nxt, not. */
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPZeroWindowDrop), 1L);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0 + 100, 100);
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPZeroWindowDrop), 1L);

	/* Empty, at rcv_nxt: acceptable, so its window is taken. */
	p.s.window = 77;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 77U << 7);

	/* Empty, one beyond: not acceptable. */
	p.s.window = 88;
	t_xmit(test, &p, HSK_TH_ACK, s0 + 1, 0);
	t_expect_ack(test, &p, p.iss + 1, s0, &r);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 77U << 7);
}

/* PAWS (RFC 7323 5): an older TSval is a stale segment: ACK, dropped. */
static void hsk_conn_paws(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 recent;

	t_est_std(test, &p, 9125);
	c = p.c;
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	recent = c->ts_recent;
	KUNIT_EXPECT_EQ(test, recent, p.s.tsval);

	hsk_t_snap(&m);
	p.s.tsval = recent - 2;		/* t_xmit sends recent - 1 */
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.s.seq, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 100U);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, p.s.seq);
	KUNIT_EXPECT_EQ(test, c->ts_recent, recent);

	/* The same TSval as ts_recent is not older. */
	p.s.tsval = recent - 1;
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 200U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
}

/* --- RFC 5961 ------------------------------------------------------------ */

/* 3.2: a RST at exactly rcv_nxt resets. */
static void hsk_conn_rst_exact(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;

	t_est_std(test, &p, 9126);
	c = p.c;
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_RST, p.s.seq, 0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_EQ(test, c->err, ECONNRESET);
	KUNIT_EXPECT_TRUE(test, c->reset);
	KUNIT_EXPECT_FALSE(test, c->hashed);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EstabResets), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPChallengeACK), 0L);
}

/* Moves the connection's rate limit stamp @ms into the past. */
static void t_oow_age(struct hsk_conn *c, unsigned int ms)
{
	c->last_oow_ack_time -= msecs_to_jiffies(ms);
}

/*
 * 3.2: in the window but not exact: a challenge ACK, nothing else; one
 * per 500 ms (RFC 5961 7, Linux's tcp_send_challenge_ack).
 */
static void hsk_conn_rst_in_window(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;

	t_est_std(test, &p, 9127);
	c = p.c;
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_RST, p.s.seq + 1, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_RST | HSK_TH_ACK, p.s.seq + 40000, 0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedChallenge), 1L);
	t_oow_age(c, 500);
	t_xmit(test, &p, HSK_TH_RST | HSK_TH_ACK, p.s.seq + 40000, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPChallengeACK), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EstabResets), 0L);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	KUNIT_EXPECT_FALSE(test, c->reset);
	KUNIT_EXPECT_TRUE(test, c->hashed);
}

/*
 * Linux's tcp_oow_rate_limited(): pure segments the connection cannot
 * accept draw one ACK per 500 ms between them [TCPACKSkippedSeq,
 * TCPACKSkippedPAWS, TCPACKSkippedTimeWait]; ones with data or a FIN
 * are answered every time.
 */
static void hsk_conn_oow_ratelimit(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 far;

	t_est_std(test, &p, 9137);
	c = p.c;
	far = p.s.seq - 100000;	/* left of the window */
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK, far, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_ACK, far, 0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSeq), 1L);

	/* Data out of the window: answered each time, not counted. */
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, far, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, far, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSeq), 1L);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 0U);

	/* 500 ms on, a pure one is answered again. */
	t_oow_age(c, 500);
	t_xmit(test, &p, HSK_TH_ACK, far, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);

	/* PAWS shares the stamp: 400 ms after an answer, not yet. */
	t_oow_age(c, 400);
	p.s.tsval = c->ts_recent - 2;	/* t_xmit sends ts_recent - 1 */
	t_xmit(test, &p, HSK_TH_ACK, p.s.seq, 0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedPAWS), 1L);
	p.s.tsval = c->ts_recent + 1000;

	/* TIME_WAIT: a resent FIN always, a stray pure ACK once. */
	t_close(c);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	p.s.ack = p.iss + 2;
	t_fin(test, &p);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_ASSERT_EQ(test, (int)c->state, HSK_TIME_WAIT);
	t_oow_age(c, 500);
	t_xmit(test, &p, HSK_TH_ACK, p.s.seq - 100000, 0);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_ACK, p.s.seq - 100000, 0);
	hsk_t_expect_none(test);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_FIN, p.s.seq - 1, 0);
	t_expect_ack(test, &p, p.iss + 2, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedTimeWait), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSeq), 1L);
	t_fire(c, NULL);
}

/* 3.2: outside the window: dropped without a word. */
static void hsk_conn_rst_out_of_window(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;

	t_est_std(test, &p, 9128);
	c = p.c;
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_RST, p.s.seq + HSK_SYNACK_WINDOW + 1000, 0);
	t_xmit(test, &p, HSK_TH_RST, p.s.seq - 1, 0);
	t_xmit(test, &p, HSK_TH_RST | HSK_TH_ACK, p.s.seq - 100000, 0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPChallengeACK), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EstabResets), 0L);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, c->hashed);
}

/* 4.2: a SYN on a synchronized connection draws a challenge ACK. */
static void hsk_conn_syn_challenge(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;

	t_est_std(test, &p, 9129);
	c = p.c;
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_SYN, p.s.seq, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	t_xmit(test, &p, HSK_TH_SYN, p.s.seq + 1234, 0);
	hsk_t_expect_none(test);
	t_oow_age(c, 500);
	t_xmit(test, &p, HSK_TH_SYN, p.s.seq + 1234, 0);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPChallengeACK), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedChallenge), 1L);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, p.s.seq);
	KUNIT_EXPECT_TRUE(test, c->hashed);
}

/* RFC 793 p. 72: an ACK of what was never sent: ACK back, ignored. */
static void hsk_conn_ack_beyond_snd_max(struct kunit *test)
{
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;

	t_est_std(test, &p, 9130);
	c = p.c;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);
	hsk_t_flush(test);

	p.s.ack = p.iss + 1 + 101;
	p.s.window = 7;
	t_ack(test, &p);
	t_expect_ack(test, &p, p.iss + 101, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, c->snd_una, p.iss + 1);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 502U << 7);
	KUNIT_EXPECT_EQ(test, c->snd_bytes, 100U);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
}

/*
 * RFC 5961 5.2: an ACK older than snd_una - max_wnd is ignored: it moves
 * nothing, and in particular it is no duplicate ACK (three of them would
 * otherwise start a fast retransmit).
 */
static void hsk_conn_ack_too_old(struct kunit *test)
{
	struct hsk_conn *c;
	struct t_peer p;
	int i;

	t_est_std(test, &p, 9131);
	c = p.c;
	KUNIT_ASSERT_EQ(test, c->max_wnd, 502U << 7);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 5 * 1448), 5L * 1448);
	hsk_t_flush(test);

	p.s.ack = p.iss + 1 - (502U << 7) - 1;
	for (i = 0; i < 4; i++)
		t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_una, p.iss + 1);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 502U << 7);
	KUNIT_EXPECT_EQ(test, c->snd_bytes, 5U * 1448);
	KUNIT_EXPECT_EQ(test, (int)c->dupacks, 0);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	/* No retransmission (an ACK back is bad_ack_discards' business). */
	while (hsk_t_sent(test)) {
		struct hsk_seg r;

		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.len, 0U, "sent data at %u", r.seq);
	}
}

/* Exactly one ACK of @s0 went out and nothing from @s0 on was taken. */
static void t_expect_discarded(struct kunit *test, struct t_peer *p, u32 s0)
{
	struct hsk_seg r;

	KUNIT_EXPECT_EQ_MSG(test, p->c->rcv_nxt, s0, "the data was taken");
	KUNIT_EXPECT_EQ(test, p->c->rx_bytes, 0U);
	KUNIT_EXPECT_EQ_MSG(test, hsk_t_sent(test), 1U,
			    "want exactly one ACK back");
	if (hsk_t_sent(test)) {
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_ACK);
		KUNIT_EXPECT_EQ(test, r.seq, p->iss + 1);
		KUNIT_EXPECT_EQ(test, r.ack_seq, s0);
	}
	hsk_t_flush(test);
}

/*
 * RFC 5961 5.2 (and RFC 793 p. 72 for SEG.ACK > SND.NXT): "All incoming
 * segments whose ACK value doesn't satisfy the above condition MUST be
 * discarded and an ACK sent back." Data riding on such an ACK is not
 * delivered; each draws exactly one ACK, as Linux's tcp_ack() < 0 does.
 */
static void hsk_conn_bad_ack_discards(struct kunit *test)
{
	struct t_peer p, q;
	struct hsk_seg r;
	u32 s0, ts0;

	/*
	 * Beyond snd_max. Its newer TSval does not become ts_recent: a
	 * segment whose ACK fails moves nothing, PAWS's clock included (as
	 * Linux's tcp_ack() replaces ts_recent only past both checks).
	 */
	t_est_std(test, &p, 9132);
	s0 = p.s.seq;
	ts0 = p.c->ts_recent;
	p.s.ack = p.iss + 1 + 5000;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0, 100);
	t_expect_discarded(test, &p, s0);
	KUNIT_EXPECT_EQ(test, p.c->ts_recent, ts0);

	/* Older than snd_una - max_wnd. */
	t_est_std(test, &q, 9136);
	s0 = q.s.seq;
	q.s.ack = q.iss + 1 - q.c->max_wnd - 1000;
	t_xmit(test, &q, HSK_TH_ACK | HSK_TH_PSH, s0, 100);
	t_expect_discarded(test, &q, s0);

	/* The control: an acceptable ACK, the data is taken. */
	p.s.ack = p.iss + 1;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.s.seq, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq + 100, &r);
	KUNIT_EXPECT_EQ(test, p.c->rx_bytes, 100U);
	KUNIT_EXPECT_EQ(test, p.c->ts_recent, p.s.tsval);
}

/*
 * RFC 7323 5.5: a ts_recent older than 24 days proves nothing. A segment
 * with an older TSval is PAWS-rejected, unless ts_recent was taken 24
 * days ago (the peer's clock may have wrapped since): then it is taken,
 * and its TSval becomes ts_recent.
 */
static void hsk_conn_paws_24_days(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_seg r;
	struct t_peer p;
	u32 ts0;

	t_est_std(test, &p, 9205);
	ts0 = p.c->ts_recent;
	p.s.tsval = ts0 - 1000 - 1;	/* t_xmit sends ts0 - 1000 */
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.s.seq, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_EQ(test, p.c->rx_bytes, 0U);

	spin_lock_bh(&p.c->lock);
	p.c->ts_recent_stamp -= HSK_PAWS_24DAYS;
	spin_unlock_bh(&p.c->lock);
	p.s.tsval = ts0 - 1000 - 1;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.s.seq, 100);
	t_expect_ack(test, &p, p.iss + 1, p.s.seq + 100, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_EQ(test, p.c->rx_bytes, 100U);
	KUNIT_EXPECT_EQ(test, p.c->ts_recent, ts0 - 1000);
}

/*
 * An old ACK (below snd_una, not below snd_una - max_wnd) whose sequence
 * number is newer does not move the send window, as Linux's tcp_ack()
 * leaves the window to ACKs that are not old: else one blind segment
 * could shut it (or open it wide). Its data is still taken.
 */
static void hsk_conn_old_ack_keeps_window(struct kunit *test)
{
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 wnd;

	t_est_std(test, &p, 9206);
	c = p.c;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 1000), 1000L);
	hsk_t_flush(test);
	p.s.ack = p.iss + 1001;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, c->snd_una, p.iss + 1001);
	wnd = c->snd_wnd;
	KUNIT_ASSERT_NE(test, wnd, 0U);

	p.s.ack = p.iss + 1;
	p.s.window = 0;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.s.seq, 10);
	p.s.seq += 10;
	t_expect_ack(test, &p, p.iss + 1001, p.s.seq, &r);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, wnd);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 10U);

	/* The same window from a current ACK is taken. */
	p.s.ack = p.iss + 1001;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, 0U);
}

/*
 * NewReno without SACK (RFC 6582 3.2): a partial ACK deflates cwnd by what
 * it acked, adds a segment back, and never wraps: here it acks more than
 * cwnd + MSS, which the unsigned sum turned into some 4 GB of cwnd. And
 * duplicates beyond the segments in flight inflate nothing.
 */
/* A NewReno connection (no SACK) with 20 segments in flight, in recovery. */
static void t_newreno_recovery(struct kunit *test, struct t_peer *p, u16 port)
{
	const u32 mss = 1448;
	struct hsk_conn *c;
	int i;

	hsk_knobs.sack = 0;
	t_est_std(test, p, port);
	c = p->c;
	KUNIT_ASSERT_FALSE(test, c->opts & HSK_OPTI_SACK);
	spin_lock_bh(&c->lock);
	c->cwnd = 20 * mss;
	spin_unlock_bh(&c->lock);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 20 * mss), 20L * mss);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 20U);
	hsk_t_flush(test);
	for (i = 0; i < 3; i++)
		t_ack(test, p);
	KUNIT_ASSERT_TRUE(test, c->in_recovery);
	t_expect_data(test, p, p->iss + 1, mss);
	/* ssthresh (half the flight) + 3 (cwnd counts c->mss, not payload) */
	KUNIT_ASSERT_EQ(test, c->cwnd, 10 * mss + 3U * c->mss);
}

/*
 * NewReno (RFC 6582 3.2): a partial ACK deflates cwnd by what it acked and
 * adds a segment back, never wrapping: 19 segments acked against 13 of
 * cwnd, which the unsigned sum made some 4 GB. Duplicates inflate cwnd by
 * one segment each, but not past the segments in flight, as Linux's
 * tcp_limit_reno_sacked(): a receiver's extra duplicates buy nothing.
 */
static void hsk_conn_newreno_partial_ack_bounds(struct kunit *test)
{
	const u32 mss = 1448;
	struct t_peer p, q;
	u32 cwnd, d;
	int i;

	t_newreno_recovery(test, &p, 9207);
	p.s.ack = p.iss + 1 + 19 * mss;
	t_ack(test, &p);
	KUNIT_EXPECT_TRUE(test, p.c->in_recovery);
	KUNIT_EXPECT_EQ(test, p.c->cwnd, (u32)p.c->mss);
	t_expect_data(test, &p, p.iss + 1 + 19 * mss, mss);

	t_newreno_recovery(test, &q, 9208);
	cwnd = q.c->cwnd;
	for (i = 0; i < 47; i++)
		t_ack(test, &q);
	hsk_t_flush(test);
	/* The 4th duplicate on inflate while they fit the 20 in flight. */
	for (d = 4; d * q.c->mss <= 20 * mss; d++)
		cwnd += q.c->mss;
	KUNIT_EXPECT_EQ(test, q.c->cwnd, cwnd);
	KUNIT_EXPECT_LT(test, q.c->cwnd, 10 * mss + 20U * q.c->mss);
}

/* --- retransmission (RFC 6298) ----------------------------------------- */

/* RFC 6298 2.2-2.4 with G one jiffy, RTO clamped to [200 ms, 120 s]. */
static void hsk_conn_rtt_arith(struct kunit *test)
{
	struct hsk_conn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u32 g = jiffies_to_usecs(1);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, c);

	/* First: SRTT = R, RTTVAR = R / 2, RTO = SRTT + max(G, 4 RTTVAR). */
	hsk_conn_rtt_sample(c, 100000);
	KUNIT_EXPECT_EQ(test, c->srtt_us, 100000U);
	KUNIT_EXPECT_EQ(test, c->rttvar_us, 50000U);
	KUNIT_EXPECT_EQ(test, c->rto, usecs_to_jiffies(300000));

	/* Later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, then 7/8 SRTT + R/8. */
	hsk_conn_rtt_sample(c, 300000);
	KUNIT_EXPECT_EQ(test, c->rttvar_us, 87500U);
	KUNIT_EXPECT_EQ(test, c->srtt_us, 125000U);
	KUNIT_EXPECT_EQ(test, c->rto, usecs_to_jiffies(125000 + 350000));

	hsk_conn_rtt_sample(c, 61000);
	KUNIT_EXPECT_EQ(test, c->rttvar_us, 81625U);	/* (3 * 87500 + 64000) / 4 */
	KUNIT_EXPECT_EQ(test, c->srtt_us, 117000U);	/* (7 * 125000 + 61000) / 8 */
	KUNIT_EXPECT_EQ(test, c->rto, usecs_to_jiffies(117000 + 4 * 81625));

	/* RTTVAR decays to 0 on a steady path: G is the floor. */
	memset(c, 0, sizeof(*c));
	for (i = 0; i < 100; i++)
		hsk_conn_rtt_sample(c, 400000);
	KUNIT_EXPECT_EQ(test, c->rttvar_us, 0U);
	KUNIT_EXPECT_EQ(test, c->srtt_us, 400000U);
	KUNIT_EXPECT_EQ(test, c->rto, usecs_to_jiffies(400000 + g));

	/* Clamped below at 200 ms ... */
	memset(c, 0, sizeof(*c));
	hsk_conn_rtt_sample(c, 1000);
	KUNIT_EXPECT_EQ(test, c->srtt_us, 1000U);
	KUNIT_EXPECT_EQ(test, c->rto, (u32)msecs_to_jiffies(200));

	/* ... and above at 120 s. */
	memset(c, 0, sizeof(*c));
	hsk_conn_rtt_sample(c, 100 * USEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, c->rto, 120U * HZ);

	/*
	 * A path faster than the clock reads 0 (ms timestamps on a LAN):
	 * SRTT stays at 1 µs, a sample, through any number of them.
	 */
	memset(c, 0, sizeof(*c));
	for (i = 0; i < 5; i++) {
		hsk_conn_rtt_sample(c, 0);
		KUNIT_EXPECT_EQ(test, c->srtt_us, 1U);
	}
	KUNIT_EXPECT_EQ(test, c->rto, (u32)msecs_to_jiffies(200));
}

/*
 * The send queue is bounded in memory too: with a peer's MSS of 48 a
 * segment carries 36 bytes in a buffer of several hundred, and 4 MiB of
 * such would pin some 64 MiB. The write takes what HSK_SNDMEM holds,
 * then EAGAIN and no POLLOUT; at MSS 1460 all 4 MiB fit. A small write
 * takes a buffer its size.
 */
static void hsk_conn_sndmem_bound(struct kunit *test)
{
	struct t_peer p, q;
	ssize_t n;

	t_est(test, &p, 9174, 7, true, 48);
	n = t_write(test, p.c, HSK_SNDBUF);
	hsk_t_flush(test);
	KUNIT_EXPECT_GT(test, n, 0L);
	KUNIT_EXPECT_LT(test, n, (ssize_t)(HSK_SNDBUF / 4));
	KUNIT_EXPECT_LE(test, p.c->snd_mem, HSK_SNDMEM + 4096);
	KUNIT_EXPECT_EQ(test, p.c->snd_bytes, (u32)n);
	KUNIT_EXPECT_FALSE(test, hsk_conn_sndbuf_room(p.c));
	KUNIT_EXPECT_EQ(test, t_write(test, p.c, 100), (ssize_t)-EAGAIN);

	t_est(test, &q, 9175, 7, true, 1460);
	KUNIT_EXPECT_EQ(test, t_write(test, q.c, HSK_SNDBUF), (ssize_t)HSK_SNDBUF);
	hsk_t_flush(test);
	KUNIT_EXPECT_LE(test, q.c->snd_mem, HSK_SNDMEM);
	KUNIT_EXPECT_EQ(test, t_write(test, q.c, 100), (ssize_t)-EAGAIN);

	/* A 1-byte write takes a 1-byte buffer, not an MSS-sized one. */
	t_est(test, &p, 9176, 7, true, 1460);
	KUNIT_EXPECT_EQ(test, t_write(test, p.c, 1), 1L);
	hsk_t_flush(test);
	KUNIT_EXPECT_LE(test, p.c->snd_mem, 1024U);
}

/*
 * A TSecr ahead of our clock would wrap into an RTT of weeks (the delta
 * times 1000 overflowed, into some 3300 s): no sample from it, as in
 * Linux's tcp_ack_update_rtt(); the segment's own timing stands in.
 */
static void hsk_conn_rtt_future_tsecr(struct kunit *test)
{
	struct hsk_t_seg s;
	struct t_peer p;

	t_est_std(test, &p, 9173);
	KUNIT_ASSERT_EQ(test, t_write(test, p.c, 100), 100L);
	t_expect_data(test, &p, p.iss + 1, 100);
	s = p.s;
	s.flags = HSK_TH_ACK;
	s.ack = p.iss + 101;
	s.tsval = ++p.s.tsval;
	s.tsecr = hsk_ts_now() + 1000000;
	/* At the real clock: the segment was timed with it. */
	hsk_t_send(test, &s, jiffies);
	KUNIT_EXPECT_EQ(test, p.c->snd_una, p.iss + 101);
	KUNIT_EXPECT_GT(test, p.c->srtt_us, 0U);
	KUNIT_EXPECT_LT(test, p.c->srtt_us, (u32)USEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, p.c->rto, (u32)msecs_to_jiffies(200));
}

/*
 * The first deadline is a tail loss probe's (the last segment again, no
 * backoff); then every timeout resends the oldest segment, doubles the
 * RTO (up to 120 s) and drops cwnd to one MSS; after HSK_RETRIES backoffs
 * the connection gives up: RST, CLOSED, ETIMEDOUT for the reader.
 */
static void hsk_conn_rto_backoff(struct kunit *test)
{
	unsigned long j0, at;
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 rto;
	int i;

	t_est_std(test, &p, 9133);
	c = p.c;
	KUNIT_EXPECT_EQ(test, c->rto, (u32)HSK_RTO_INIT);
	j0 = jiffies;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 3 * 1448), 3L * 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 3U);
	hsk_t_flush(test);
	t_expect_timer(test, c, HSK_TIMER_RTO, j0, HSK_RTO_INIT);

	hsk_t_snap(&m);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, &at), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, p.iss + 1 + 2 * 1448, 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
	KUNIT_EXPECT_EQ(test, c->rto, (u32)HSK_RTO_INIT);
	KUNIT_EXPECT_EQ(test, c->timer_at, at + HSK_RTO_INIT);
	hsk_t_snap(&m);
	rto = HSK_RTO_INIT;
	for (i = 1; i <= HSK_RETRIES; i++) {
		KUNIT_ASSERT_EQ(test, (int)t_fire(c, &at), HSK_TIMER_RTO);
		rto = min_t(u32, 2 * rto, HSK_RTO_MAX);
		KUNIT_ASSERT_EQ_MSG(test, hsk_t_sent(test), 1U, "timeout %d", i);
		t_expect_data(test, &p, p.iss + 1, 1448);
		KUNIT_EXPECT_EQ_MSG(test, hsk_t_delta(&m, TCPRetransSegs), (long)i,
				    "timeout %d", i);
		KUNIT_EXPECT_EQ_MSG(test, c->rto, rto, "timeout %d", i);
		KUNIT_EXPECT_EQ_MSG(test, c->cwnd, (u32)c->mss, "timeout %d", i);
		KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
		KUNIT_EXPECT_EQ_MSG(test, c->timer_at, at + rto, "timeout %d", i);
		KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	}
	KUNIT_EXPECT_EQ(test, c->rto, (u32)HSK_RTO_MAX);

	/* One more: it gives up. */
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	hsk_t_expect_one(test, &p.s, HSK_TH_RST | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.ack_seq, p.s.seq);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_EQ(test, c->err, ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, c->hashed);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPAbortOnTimeout), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), (long)HSK_RETRIES);
}

/*
 * An orphan (closed with data unacknowledged) resends fewer times: 8, or
 * until the RTO reaches its cap, as Linux's tcp_orphan_retries() gives a
 * dead socket; then RST [TCPAbortOnTimeout].
 */
static void hsk_conn_rto_orphan_gives_up_sooner(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 rto = HSK_RTO_INIT;
	int i, want = 0;

	t_est_std(test, &p, 9209);
	c = p.c;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 1448), 1448L);
	t_close(c);
	hsk_t_flush(test);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO); /* TLP */
	hsk_t_flush(test);
	/* The resends Linux's rule allows from this RTO. */
	while (want < HSK_ORPHAN_RETRIES && rto < HSK_RTO_MAX) {
		want++;
		rto = min_t(u32, 2 * rto, HSK_RTO_MAX);
	}
	KUNIT_ASSERT_LT(test, want, HSK_RETRIES);

	hsk_t_snap(&m);
	for (i = 0; i < HSK_RETRIES && c->state != HSK_CLOSE; i++) {
		KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
		if (c->state != HSK_CLOSE)
			hsk_t_flush(test);
	}
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_CLOSE);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), (long)want);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPAbortOnTimeout), 1L);
	hsk_t_expect_one(test, &p.s, HSK_TH_RST | HSK_TH_ACK, &r);
}

/* The reader takes everything @c holds in order; its memory goes back. */
static void t_read_all(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	hsk_conn_rxq_purge(c);
	spin_unlock_bh(&c->lock);
	hsk_conn_read_done(c);
}

/*
 * net.hsk.mem bounds all connections' receive memory together, as Linux's
 * tcp_mem: past mem[1] pages the window offers four segments
 * [TCPMemoryPressures]; past mem[2] a connection holding more than its
 * minimum share takes no more data [TCPRcvQDrop], while another still
 * gets its share. Once read, the memory goes back, pressure ends below
 * mem[0], data is taken again, and nothing stays charged.
 */
static void hsk_conn_rmem_bounded(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p, q;
	long base;
	u32 s0, i;

	t_est_std(test, &p, 9210);
	t_est_std(test, &q, 9211);
	base = hsk_rmem_bytes();
	hsk_knobs.mem[0] = (base >> PAGE_SHIFT) + 8;
	hsk_knobs.mem[1] = (base >> PAGE_SHIFT) + 16;
	hsk_knobs.mem[2] = (base >> PAGE_SHIFT) + 32;
	hsk_t_snap(&m);
	s0 = p.c->rcv_nxt;
	for (i = 0; i < 200; i++) {
		t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, p.c->rcv_nxt, 1448);
		hsk_t_flush(test);
	}
	KUNIT_EXPECT_GT(test, hsk_t_delta(&m, TCPRcvQDrop), 0L);
	KUNIT_EXPECT_LT(test, p.c->rcv_nxt - s0, 200U * 1448);
	KUNIT_EXPECT_LE(test, hsk_rmem_bytes(),
			(long)(hsk_knobs.mem[2] << PAGE_SHIFT) + 4096);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPMemoryPressures), 1L);
	KUNIT_EXPECT_TRUE(test, hsk_rmem_pressure());
	KUNIT_EXPECT_LE(test, hsk_conn_rcv_space(p.c),
			HSK_PRESSURE_WINDOW * (u32)hsk_local_mss());

	/* Another connection still gets its minimum share. */
	t_xmit(test, &q, HSK_TH_ACK | HSK_TH_PSH, q.c->rcv_nxt, 1448);
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, q.c->rx_bytes, 1448U);

	/* Read: the memory goes back, pressure ends, data comes in again. */
	t_read_all(p.c);
	t_read_all(q.c);
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, hsk_rmem_bytes(), base);
	KUNIT_EXPECT_FALSE(test, hsk_rmem_pressure());
	s0 = p.c->rcv_nxt;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0, 1448);
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, p.c->rcv_nxt, s0 + 1448);
	KUNIT_EXPECT_GT(test, hsk_conn_rcv_space(p.c), 1U << 20);
}

/*
 * cwnd grows by the bytes acked (RFC 3465), as Linux grows by segments
 * acked: in slow start an ACK of two segments adds two (a delayed ACK
 * does not halve growth), at most two MSS per ACK; in congestion
 * avoidance one MSS per cwnd acked, however many ACKs carry it, so a
 * receiver that splits its ACKs gains nothing.
 */
static void hsk_conn_cwnd_grows_by_bytes(struct kunit *test)
{
	struct hsk_conn *c;
	struct t_peer p;
	u32 cwnd, una;
	int i;

	t_est_std(test, &p, 9212);
	c = p.c;
	cwnd = c->cwnd;
	una = p.iss + 1;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10 * 1448), 10L * 1448);
	hsk_t_flush(test);

	p.s.ack = una + 2 * 1448;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd + 2 * 1448);
	cwnd = c->cwnd;
	p.s.ack = una + 6 * 1448;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd + 2U * c->mss);
	hsk_t_flush(test);

	/* Congestion avoidance: 4 segments acked in 58 pieces, < cwnd. */
	spin_lock_bh(&c->lock);
	c->ssthresh = c->cwnd;
	c->cwnd_cnt = 0;
	cwnd = c->cwnd;
	spin_unlock_bh(&c->lock);
	for (i = 1; i <= 58; i++) {
		p.s.ack = una + 6 * 1448 + min(i * 100, 4 * 1448);
		t_ack(test, &p);
	}
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, c->snd_una, una + 10 * 1448);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c->cwnd_cnt, 4U * 1448);
}

/*
 * Fires the retransmission timer; whether the one segment it sent shares
 * the head of @q, the queued skb (a clone) or not (a copy).
 */
static bool t_rto_shares_head(struct kunit *test, struct hsk_conn *c,
			      const struct sk_buff *q)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct sk_buff *sent;

	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	sent = skb_peek(&ctx->cap);
	return sent->head == q->head;
}

/*
 * Queued data and FINs go out as clones of the queue's skb, headers in its
 * headroom (output.c, hsk_build_data): no new head, no copy. While a
 * transmission still holds the head (here: captured and not freed), a
 * retransmission is a copy, whose headers cannot overwrite the first's;
 * once it is freed, clones again. Each carries its bytes exactly.
 */
static void hsk_conn_xmit_clones(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct sk_buff *first, *again, *q;
	struct hsk_seg r;
	struct t_peer p;
	struct hsk_conn *c;

	t_est_std(test, &p, 9136);
	c = p.c;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 1000), 1000L);
	q = skb_peek(&c->sndq);
	KUNIT_ASSERT_NOT_NULL(test, q);
	first = skb_dequeue(&ctx->cap);
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_EXPECT_PTR_EQ(test, first->head, q->head);
	KUNIT_EXPECT_TRUE(test, skb_cloned(q));

	KUNIT_EXPECT_FALSE(test, t_rto_shares_head(test, c, q));
	t_expect_data(test, &p, p.iss + 1, 1000);
	/* The first is intact: what it carried is still its own. */
	skb_queue_head(&ctx->cap, first);
	t_expect_data(test, &p, p.iss + 1, 1000);
	KUNIT_EXPECT_FALSE(test, skb_cloned(q));

	KUNIT_EXPECT_TRUE(test, t_rto_shares_head(test, c, q));
	t_expect_data(test, &p, p.iss + 1, 1000);

	/* All acknowledged; the FIN is a clone of its queued skb too. */
	p.s.ack = p.iss + 1001;
	t_ack(test, &p);
	hsk_t_flush(test);
	t_close(c);
	q = skb_peek_tail(&c->sndq);
	KUNIT_ASSERT_NOT_NULL(test, q);
	again = skb_peek(&ctx->cap);
	KUNIT_ASSERT_NOT_NULL(test, again);
	KUNIT_EXPECT_PTR_EQ(test, again->head, q->head);
	hsk_t_expect_one(test, &p.s, HSK_TH_FIN | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, p.iss + 1001);
	KUNIT_EXPECT_EQ(test, r.len, 0U);
}

/*
 * The timer expires now, as the timer wheel would: detached, then run.
 * What it was armed for comes due now, as if the wheel had waited for it.
 */
static bool t_expire(struct hsk_conn *c)
{
	spin_lock_bh(&c->lock);
	if (c->timer_kind != HSK_TIMER_NONE)
		c->timer_at = jiffies;
	if (c->ack_delayed)
		c->delack_at = jiffies;
	spin_unlock_bh(&c->lock);
	if (!del_timer(&c->timer))
		return false;
	local_bh_disable();	/* a timer runs in softirq context */
	hsk_conn_timer_fn(&c->timer);
	local_bh_enable();
	return true;
}

/*
 * An ACK that empties the flight leaves the retransmission timer pending
 * (hsk_conn_idle_timer): its expiry then sends nothing and drops the
 * timer's reference. A send while it is still pending re-arms it without
 * a second reference; one after it fired takes a new one.
 */
static void hsk_conn_idle_timer_fires(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	unsigned long j0;
	unsigned int ref;

	t_est_std(test, &p, 9137);
	c = p.c;
	ref = refcount_read(&c->ref);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 100), 100L);
	hsk_t_flush(test);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c->timer));
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref + 1);

	p.s.ack = p.iss + 101;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_NONE);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c->timer));
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref + 1);

	/* Sending again while it is pending: one mod_timer, no new ref. */
	j0 = jiffies;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 200), 200L);
	t_expect_data(test, &p, p.iss + 101, 200);
	t_expect_timer(test, c, HSK_TIMER_RTO, j0, c->rto);
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref + 1);

	/* All acknowledged; the idle expiry sends and counts nothing. */
	p.s.ack = p.iss + 301;
	t_ack(test, &p);
	hsk_t_snap(&m);
	KUNIT_ASSERT_TRUE(test, t_expire(c));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutSegs), 0L);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c->timer));
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref);

	/* After it fired, a send arms it afresh, with its reference. */
	j0 = jiffies;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 300), 300L);
	t_expect_data(test, &p, p.iss + 301, 300);
	t_expect_timer(test, c, HSK_TIMER_RTO, j0, c->rto);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c->timer));
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref + 1);

	/* A live RTO expiring retransmits, as before. */
	hsk_t_snap(&m);
	KUNIT_ASSERT_TRUE(test, t_expire(c));
	t_expect_data(test, &p, p.iss + 301, 300);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c->timer));
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ref), ref + 1);
}

/* --- fast retransmit (RFC 5681 3.2, RFC 6582) -------------------------- */

static void hsk_conn_fast_retransmit(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	u32 seq;

	t_est_std(test, &p, 9134);
	c = p.c;
	seq = p.iss + 1;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 5 * 1448), 5L * 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 5U);
	hsk_t_flush(test);

	hsk_t_snap(&m);
	t_ack(test, &p);
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, seq, 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, c->recover, seq + 5 * 1448);

	/* More duplicates: no second retransmission. */
	t_ack(test, &p);
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);

	/* The full ACK ends recovery, cwnd deflated to ssthresh. */
	p.s.ack = seq + 5 * 1448;
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, c->cwnd, c->ssthresh);
	KUNIT_EXPECT_EQ(test, c->snd_una, seq + 5 * 1448);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_NONE);
}

/*
 * RFC 5681 2: a duplicate ACK acknowledges exactly SND.UNA. ACKs that a
 * reordering path delivers late (below SND.UNA) are old, not duplicates,
 * and three of them start no fast retransmit (Linux: tcp_ack's old_ack).
 */
static void hsk_conn_dupack_is_snd_una(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	u32 seq;
	int i;

	t_est_std(test, &p, 9137);
	c = p.c;
	seq = p.iss + 1;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 5 * 1448), 5L * 1448);
	hsk_t_flush(test);

	p.s.ack = seq + 2 * 1448;
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, c->snd_una, seq + 2 * 1448);
	hsk_t_flush(test);	/* what the opened cwnd let out */

	hsk_t_snap(&m);
	p.s.ack = seq + 1448;
	for (i = 0; i < 3; i++)
		t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 0L);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, (int)c->dupacks, 0);
	hsk_t_expect_none(test);
}

/* --- out of order ------------------------------------------------------- */

static void hsk_conn_out_of_order(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0;

	t_est_std(test, &p, 9135);
	c = p.c;
	s0 = p.s.seq;

	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0 + 1000, 500);
	t_expect_ack(test, &p, p.iss + 1, s0, &r);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPOFOQueue), 1L);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 0U);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 500U);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&c->rxq));

	/* The hole filled: both, in order, and one ACK for all of it. */
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0, 1000);
	p.s.seq = s0 + 1500;
	t_expect_ack(test, &p, p.iss + 1, s0 + 1500, &r);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0 + 1500);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 1500U);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 0U);
	t_expect_rxq(test, c, s0, 1500);
}

/* --- SACK (RFC 2018) ---------------------------------------------------- */

/*
 * The next captured segment is a bare ACK of @ack whose options are,
 * byte for byte, NOP NOP TS (if the client uses timestamps) then NOP NOP
 * SACK with the @n blocks of @want in that order, or no SACK if @n is 0.
 */
static void t_expect_sack(struct kunit *test, struct t_peer *p, u32 ack,
			  const u32 (*want)[2], unsigned int n)
{
	unsigned int ts = p->s.ts ? HSK_TS_OPTLEN : 0, i;
	struct sk_buff *skb;
	struct hsk_seg r;
	const u8 *o;

	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	skb = t_pop_skb(test, &r);
	KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, r.ack_seq, ack);
	KUNIT_EXPECT_EQ(test, r.len, 0U);
	KUNIT_EXPECT_EQ(test, (unsigned int)r.doff,
			HSK_TCP_HLEN + ts + (n ? HSK_SACK_OPTLEN(n) : 0));
	KUNIT_EXPECT_EQ(test, (unsigned int)r.opt.nr_sack, n);
	o = skb_transport_header(skb) + HSK_TCP_HLEN;
	if (ts) {
		KUNIT_EXPECT_EQ(test, o[0], HSK_OPT_NOP);
		KUNIT_EXPECT_EQ(test, o[1], HSK_OPT_NOP);
		KUNIT_EXPECT_EQ(test, o[2], HSK_OPT_TIMESTAMP);
		o += ts;
	}
	if (n && r.doff == HSK_TCP_HLEN + ts + HSK_SACK_OPTLEN(n)) {
		KUNIT_EXPECT_EQ(test, o[0], HSK_OPT_NOP);
		KUNIT_EXPECT_EQ(test, o[1], HSK_OPT_NOP);
		KUNIT_EXPECT_EQ(test, o[2], HSK_OPT_SACK);
		KUNIT_EXPECT_EQ(test, (unsigned int)o[3], 2 + 8 * n);
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_EQ_MSG(test, get_unaligned_be32(o + 4 + 8 * i),
					    want[i][0], "block %u left", i);
			KUNIT_EXPECT_EQ_MSG(test, get_unaligned_be32(o + 8 + 8 * i),
					    want[i][1], "block %u right", i);
		}
	}
	kfree_skb(skb);
}

/* t_expect_sack with the blocks as @n pairs of edges. */
static void t_expect_sackv(struct kunit *test, struct t_peer *p, u32 ack,
			   unsigned int n, ...)
{
	u32 want[HSK_MAX_SACK][2];
	unsigned int i;
	va_list ap;

	KUNIT_ASSERT_LE(test, n, (unsigned int)HSK_MAX_SACK);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		want[i][0] = va_arg(ap, u32);
		want[i][1] = va_arg(ap, u32);
	}
	va_end(ap);
	t_expect_sack(test, p, ack, want, n);
}

/*
 * @holes segments of 100 bytes, each behind a 100-byte hole, sent in
 * order: each ACK reports the newest segment first, then the ones before
 * it, newest first, as many as fit (3 next to timestamps, else 4).
 */
static void t_sack_holes(struct kunit *test, u16 port, bool ts,
			 unsigned int holes)
{
	unsigned int max = ts ? HSK_MAX_SACK_TS : HSK_MAX_SACK, k, i;
	u32 want[HSK_MAX_SACK][2];
	struct t_peer p;
	u32 s0;

	t_est(test, &p, port, 7, ts, 1460);
	KUNIT_ASSERT_TRUE(test, p.c->opts & HSK_OPTI_SACK);
	s0 = p.s.seq;
	for (k = 0; k < holes; k++) {
		unsigned int n = min(k + 1, max);

		t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0 + 200 * k + 100,
		       100);
		for (i = 0; i < n; i++) {
			want[i][0] = s0 + 200 * (k - i) + 100;
			want[i][1] = want[i][0] + 100;
		}
		t_expect_sack(test, &p, s0, want, n);
	}
}

static void hsk_conn_sack_1_hole(struct kunit *test)
{
	t_sack_holes(test, 9140, true, 1);
	t_sack_holes(test, 9141, false, 1);
}

static void hsk_conn_sack_2_holes(struct kunit *test)
{
	t_sack_holes(test, 9142, true, 2);
	t_sack_holes(test, 9143, false, 2);
}

static void hsk_conn_sack_3_holes(struct kunit *test)
{
	t_sack_holes(test, 9144, true, 3);
	t_sack_holes(test, 9145, false, 3);
}

static void hsk_conn_sack_5_holes(struct kunit *test)
{
	t_sack_holes(test, 9146, true, 5);
	t_sack_holes(test, 9147, false, 5);
}

/*
 * Arrivals out of sequence order: the block of the segment that drew the
 * ACK comes first, the rest by recency; a segment next to a held range
 * merges with it; a duplicate of an old range brings it to the front; an
 * in-order segment moves rcv_nxt and the remaining blocks stay reported.
 */
static void hsk_conn_sack_recency(struct kunit *test)
{
	struct t_peer p;
	u32 s0;

	t_est_std(test, &p, 9148);
	s0 = p.s.seq;

	t_xmit(test, &p, HSK_TH_ACK, s0 + 500, 100);
	t_expect_sackv(test, &p, s0, 1, s0 + 500, s0 + 600);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100, 100);
	t_expect_sackv(test, &p, s0, 2, s0 + 100, s0 + 200,
		       s0 + 500, s0 + 600);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 300, 100);
	t_expect_sackv(test, &p, s0, 3, s0 + 300, s0 + 400,
		       s0 + 100, s0 + 200, s0 + 500, s0 + 600);
	/* 400..500 joins 300..400 and 500..600: one block, first. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 400, 100);
	t_expect_sackv(test, &p, s0, 2, s0 + 300, s0 + 600,
		       s0 + 100, s0 + 200);
	/*
	 * A duplicate of 100..200: a D-SACK of it (RFC 2883), then its block
	 * first again.
	 */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100, 100);
	t_expect_sackv(test, &p, s0, 3, s0 + 100, s0 + 200, s0 + 100,
		       s0 + 200, s0 + 300, s0 + 600);
	/* The first hole filled: ACK 200, one block left. */
	t_xmit(test, &p, HSK_TH_ACK, s0, 100);
	t_expect_sackv(test, &p, s0 + 200, 1, s0 + 300, s0 + 600);
	/* The last hole: no more blocks. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 200, 100);
	t_expect_sack(test, &p, s0 + 600, NULL, 0);
	KUNIT_EXPECT_TRUE(test, hsk_ooo_empty(&p.c->ooo));
	t_expect_rxq(test, p.c, s0, 600);
}

/*
 * RFC 2883: data that came again below rcv_nxt is reported in the first
 * block of the ACK it draws, once [TCPDSACKOldSent]: the whole of a
 * segment had before, the old part of one that straddles rcv_nxt, a FIN
 * again. Not without SACK agreed.
 */
static void hsk_conn_dsack_old(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p, q;
	struct hsk_seg r;
	u32 s0;

	t_est_std(test, &p, 9187);
	s0 = p.s.seq;
	hsk_t_snap(&m);
	t_data(test, &p, 100);
	t_expect_ack(test, &p, p.iss + 1, s0 + 100, &r);
	KUNIT_EXPECT_EQ(test, r.opt.nr_sack, 0);

	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0, 100);
	t_expect_sackv(test, &p, s0 + 100, 1, s0, s0 + 100);
	/* Straddling: the old half reported, the new half taken. */
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_PSH, s0 + 50, 100);
	p.s.seq = s0 + 150;
	t_expect_sackv(test, &p, s0 + 150, 1, s0 + 50, s0 + 100);
	t_expect_rxq(test, p.c, s0, 150);
	/* Once: the next ACK has no block. */
	t_data(test, &p, 10);
	t_expect_sack(test, &p, s0 + 160, NULL, 0);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOldSent), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoSent), 0L);

	/* The FIN again (its ACK was waiting): that sequence number. */
	t_fin(test, &p);
	hsk_t_expect_none(test);
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_FIN, p.s.seq - 1, 0);
	t_expect_sackv(test, &p, p.s.seq, 1, p.s.seq - 1, p.s.seq);
	KUNIT_EXPECT_FALSE(test, p.c->ack_delayed);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOldSent), 3L);

	/* Without SACK: a bare duplicate ACK, nothing counted. */
	t_est(test, &q, 9188, 7, true, 1460);
	q.c->opts &= ~HSK_OPTI_SACK;
	t_data(test, &q, 100);
	t_expect_ack(test, &q, q.iss + 1, q.s.seq, &r);
	t_xmit(test, &q, HSK_TH_ACK | HSK_TH_PSH, q.s.seq - 100, 100);
	t_expect_sack(test, &q, q.s.seq, NULL, 0);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOldSent), 3L);
}

/* A FIN held out of order counts in its block, as its sequence number. */
static void hsk_conn_sack_fin(struct kunit *test)
{
	struct t_peer p;
	u32 s0;

	t_est_std(test, &p, 9149);
	s0 = p.s.seq;
	t_xmit(test, &p, HSK_TH_ACK | HSK_TH_FIN, s0 + 100, 50);
	t_expect_sackv(test, &p, s0, 1, s0 + 100, s0 + 151);
	t_xmit(test, &p, HSK_TH_ACK, s0, 100);
	t_expect_sack(test, &p, s0 + 151, NULL, 0);
	KUNIT_EXPECT_EQ(test, (int)p.c->state, HSK_CLOSE_WAIT);
}

/*
 * Retransmissions across the edges of held data: a segment that bridges
 * three runs makes one, the skbs it covers whole are freed, and when the
 * hole fills the stream comes out byte for byte, whatever overlapped.
 */
static void hsk_conn_ooo_overlap(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0;

	t_est_std(test, &p, 9170);
	hsk_t_snap(&m);
	c = p.c;
	s0 = p.s.seq;
	t_xmit(test, &p, HSK_TH_ACK, s0 + 10, 10);
	t_expect_sackv(test, &p, s0, 1, s0 + 10, s0 + 20);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 30, 10);
	t_expect_sackv(test, &p, s0, 2, s0 + 30, s0 + 40, s0 + 10, s0 + 20);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 50, 10);
	t_expect_sackv(test, &p, s0, 3, s0 + 50, s0 + 60, s0 + 30, s0 + 40,
		       s0 + 10, s0 + 20);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoSent), 0L);
	/*
	 * [15, 55) bridges all three; [30, 40) inside it is freed. Its
	 * overlap with the run it starts in, [15, 20), is a D-SACK, as
	 * Linux's tcp_data_queue_ofo() reports it.
	 */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 15, 40);
	t_expect_sackv(test, &p, s0, 2, s0 + 15, s0 + 20, s0 + 10, s0 + 60);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 10U + 40 + 10);
	/* Inside what is held: nothing new, all of it a D-SACK. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 20, 30);
	t_expect_sackv(test, &p, s0, 2, s0 + 20, s0 + 50, s0 + 10, s0 + 60);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 60U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoSent), 2L);
	/* Over the left edge. */
	t_xmit(test, &p, HSK_TH_ACK, s0 + 5, 7);
	t_expect_sackv(test, &p, s0, 1, s0 + 5, s0 + 60);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 67U);
	/* The hole: all of it in order, once. */
	t_xmit(test, &p, HSK_TH_ACK, s0, 5);
	p.s.seq = s0 + 60;
	t_expect_ack(test, &p, p.iss + 1, s0 + 60, &r);
	KUNIT_EXPECT_EQ(test, r.opt.nr_sack, 0);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 60U);
	KUNIT_EXPECT_TRUE(test, hsk_ooo_empty(&c->ooo));
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 0U);
	KUNIT_EXPECT_EQ(test, c->ooo.mem, 0U);
	t_expect_rxq(test, c, s0, 60);
}

/*
 * A peer that sends one byte beyond each of thousands of holes: what it
 * pins is bounded by HSK_RCVMEM in truesize, not by the 4 MiB window in
 * payload (which would let it pin gigabytes), and past that bound the
 * newest beyond all the others is dropped [TCPOFODrop]. A segment nearer
 * rcv_nxt makes room by dropping runs from the right [OfoPruned].
 */
static void hsk_conn_ooo_flood(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0, k, held;
	long drops;

	t_est_std(test, &p, 9171);
	c = p.c;
	s0 = p.s.seq;
	hsk_t_snap(&m);
	for (k = 0; k < 8000; k++) {
		t_xmit(test, &p, HSK_TH_ACK, s0 + 2 + 2 * k, 1);
		hsk_t_flush(test);
	}
	drops = hsk_t_delta(&m, TCPOFODrop);
	held = 8000 - drops;
	KUNIT_EXPECT_GT(test, drops, 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPOFOQueue), (long)held);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OfoPruned), 0L);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, held);
	KUNIT_EXPECT_LE(test, c->ooo.mem, HSK_RCVMEM);
	KUNIT_EXPECT_GT(test, c->ooo.mem, HSK_RCVMEM - 4096);

	/* One byte in the first hole: room is made at the right edge. */
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 1, 1);
	t_expect_sackv(test, &p, s0, 3, s0 + 1, s0 + 3,
		       s0 + 2 * held - 2, s0 + 2 * held - 1,
		       s0 + 2 * held - 4, s0 + 2 * held - 3);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OfoPruned), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPOFODrop), 0L);
	KUNIT_EXPECT_LE(test, c->ooo.mem, HSK_RCVMEM);

	/*
	 * A byte in a hole between two runs is appended to the buffer of
	 * the one before, and the two become one: no memory taken.
	 */
	hsk_t_snap(&m);
	t_xmit(test, &p, HSK_TH_ACK, s0 + 1001, 1);
	t_expect_sackv(test, &p, s0, 3, s0 + 1000, s0 + 1003, s0 + 1, s0 + 3,
		       s0 + 2 * held - 2, s0 + 2 * held - 1);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRcvCoalesce), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OfoPruned), 0L);

	/* The first hole: in order as far as the next hole. */
	t_xmit(test, &p, HSK_TH_ACK, s0, 1);
	p.s.seq = s0 + 3;
	t_expect_ack(test, &p, p.iss + 1, s0 + 3, &r);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 3U);
	t_expect_rxq(test, c, s0, 3);
	KUNIT_EXPECT_LE(test, c->rx_mem + c->ooo.mem, HSK_RCVMEM);
}

/*
 * Past half of the receive memory, the window offers no more than the
 * rest holds at twice the payload: with 3200 one-byte runs held (their
 * buffers cost hundreds of times their bytes) the room offered is far
 * below the 4 MiB less 3200 bytes the payload alone would allow, and
 * HSK_IOC_INFO's rcv_wnd says so. A promise made is kept: data up to
 * the right edge advertised before is still taken.
 */
static void hsk_conn_rcv_window_follows_memory(struct kunit *test)
{
	struct hsk_info info = { };
	struct hsk_conn *c;
	struct hsk_seg r;
	struct t_peer p;
	u32 s0, k, mem;

	t_est_std(test, &p, 9177);
	c = p.c;
	s0 = p.s.seq;
	for (k = 0; k < 3200; k++) {
		t_xmit(test, &p, HSK_TH_ACK, s0 + 2 + 2 * k, 1);
		hsk_t_flush(test);
	}
	mem = c->rx_mem + c->ooo.mem;
	KUNIT_ASSERT_GT(test, mem, HSK_RCVMEM / 2);
	KUNIT_EXPECT_EQ(test, hsk_conn_rcv_space(c), (HSK_RCVMEM - mem) / 2);
	KUNIT_EXPECT_LT(test, hsk_conn_rcv_space(c), HSK_RCVBUF / 2);
	hsk_conn_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.rcv_wnd, hsk_conn_rcv_space(c));

	/* Near the old right edge: inside the promise, so held. */
	t_xmit(test, &p, HSK_TH_ACK, c->rcv_adv - 1, 1);
	t_expect_ack(test, &p, p.iss + 1, s0, &r);
	KUNIT_EXPECT_EQ(test, c->ooo.bytes, 3201U);
	t_xmit(test, &p, HSK_TH_ACK, s0, 2);
	p.s.seq = s0 + 3;
	t_expect_ack(test, &p, p.iss + 1, s0 + 3, &r);
	t_expect_rxq(test, c, s0, 3);
}

/*
 * In-order data in tiny segments that nobody reads yet shares buffers:
 * 2000 one-byte segments cost a few kilobytes, not 2000 buffers.
 */
static void hsk_conn_rcv_coalesce(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	u32 s0, k;

	t_est_std(test, &p, 9172);
	c = p.c;
	s0 = p.s.seq;
	hsk_t_snap(&m);
	for (k = 0; k < 2000; k++) {
		t_data(test, &p, 1);
		hsk_t_flush(test);
	}
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, s0 + 2000);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 2000U);
	KUNIT_EXPECT_GE(test, hsk_t_delta(&m, TCPRcvCoalesce), 1990L);
	KUNIT_EXPECT_LT(test, c->rx_mem, 8192U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRcvQDrop), 0L);
	t_expect_rxq(test, c, s0, 2000);
}

/* Without SACK agreed (the knob off at the SYN): no blocks, ever. */
static void hsk_conn_sack_not_agreed(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l;
	struct hsk_seg sa;
	struct t_peer p;
	u32 s0;

	hsk_knobs.sack = 0;
	t_est_std(test, &p, 9150);
	hsk_knobs.sack = 1;
	KUNIT_EXPECT_FALSE(test, p.c->opts & HSK_OPTI_SACK);
	s0 = p.s.seq;
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100, 100);
	t_expect_sack(test, &p, s0, NULL, 0);

	/* Nor when the client did not offer it. */
	memset(&p, 0, sizeof(p));
	l = hsk_t_listen(test, 9151, 16);
	hsk_t_syn(&p.s, 39151, 9151);
	p.s.sack_perm = false;
	hsk_t_open(test, &p.s, ctx->t0, &sa);
	KUNIT_EXPECT_FALSE(test, sa.opt.has & HSK_HAS_SACK_PERM);
	hsk_t_ack_of(&p.s, &sa);
	hsk_t_send(test, &p.s, ctx->t0);
	p.c = hsk_t_accept(test, l);
	KUNIT_ASSERT_NOT_NULL(test, p.c);
	KUNIT_EXPECT_FALSE(test, p.c->opts & HSK_OPTI_SACK);
	s0 = p.s.seq;
	t_xmit(test, &p, HSK_TH_ACK, s0 + 100, 100);
	t_expect_sack(test, &p, s0, NULL, 0);
}

/*
 * SACK options from the peer of bad lengths (3, 11) are ignored and the
 * ACK is taken as if they were absent; one that runs past the header
 * drops the segment as malformed. Nothing crashes, nothing is resent.
 */
static void hsk_conn_sack_incoming_bad(struct kunit *test)
{
	static const u8 len3[] = { 5, 3, 0 };
	static const u8 len11[] = { 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0 };
	static const u8 overrun[] = { 5, 26, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct sk_buff *skb;
	struct t_peer p;
	struct hsk_conn *c;
	u32 seq;

	t_est_std(test, &p, 9152);
	c = p.c;
	seq = p.iss + 1;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 3 * 1448), 3L * 1448);
	hsk_t_flush(test);

	p.s.xopts = len3;
	p.s.xoptlen = sizeof(len3);
	p.s.ack = seq + 1448;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_una, seq + 1448);
	p.s.xopts = len11;
	p.s.xoptlen = sizeof(len11);
	p.s.ack = seq + 2 * 1448;
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->snd_una, seq + 2 * 1448);
	hsk_t_flush(test);

	hsk_t_snap(&m);
	s = p.s;
	s.xopts = overrun;
	s.xoptlen = sizeof(overrun);
	s.ack = seq + 3 * 1448;
	s.tsval = ++p.s.tsval;
	skb = hsk_t_build(test, &s);
	local_bh_disable();
	KUNIT_EXPECT_FALSE(test, hsk_input(skb));
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, DropTcpOpt), 1L);
	KUNIT_EXPECT_EQ(test, c->snd_una, seq + 2 * 1448);
	hsk_t_expect_none(test);
}

/* --- SACK loss recovery (RFC 6675), the sender's side ------------------- */

/* The client's ACKs from now on carry SACK blocks (NOP NOP SACK), @n pairs. */
static void t_sacks(struct t_peer *p, u8 *buf, unsigned int n, ...)
{
	unsigned int i;
	va_list ap;

	buf[0] = HSK_OPT_NOP;
	buf[1] = HSK_OPT_NOP;
	buf[2] = HSK_OPT_SACK;
	buf[3] = 2 + 8 * n;
	va_start(ap, n);
	for (i = 0; i < 2 * n; i++)
		put_unaligned_be32(va_arg(ap, u32), buf + 4 + 4 * i);
	va_end(ap);
	p->s.xopts = n ? buf : NULL;
	p->s.xoptlen = n ? 4 + 8 * n : 0;
}

/*
 * The scoreboard's counts are what a walk of the sent skbs finds, and its
 * index holds sndq in order.
 */
static void t_sb_check(struct kunit *test, struct hsk_conn *c)
{
	struct hsk_sb_counts n;
	struct rb_node *node;
	struct sk_buff *skb;

	spin_lock_bh(&c->lock);
	hsk_sb_count(c, &n);
	KUNIT_EXPECT_EQ(test, c->sb.n.out, n.out);
	KUNIT_EXPECT_EQ(test, c->sb.n.sacked, n.sacked);
	KUNIT_EXPECT_EQ(test, c->sb.n.sacked_segs, n.sacked_segs);
	KUNIT_EXPECT_EQ(test, c->sb.n.lost, n.lost);
	KUNIT_EXPECT_EQ(test, c->sb.n.lost_segs, n.lost_segs);
	KUNIT_EXPECT_EQ(test, c->sb.n.rexmit, n.rexmit);
	KUNIT_EXPECT_EQ(test, c->sb.n.rexmit_segs, n.rexmit_segs);
	node = rb_first(&c->sb.index);
	skb_queue_walk(&c->sndq, skb) {
		KUNIT_EXPECT_PTR_EQ(test, node, &HSK_SKB_CB(skb)->node);
		if (!node)
			break;
		node = rb_next(node);
	}
	KUNIT_EXPECT_NULL(test, node);
	spin_unlock_bh(&c->lock);
}

/* An ACK from the client, and the scoreboard checked after it. */
static void t_sack_ack(struct kunit *test, struct t_peer *p)
{
	t_ack(test, p);
	t_sb_check(test, p->c);
}

/* Bit i: the i-th skb of sndq (from snd_una) is marked SACKed. */
static u32 t_sacked(struct hsk_conn *c)
{
	struct sk_buff *skb;
	u32 mask = 0, i = 0;

	spin_lock_bh(&c->lock);
	skb_queue_walk(&c->sndq, skb) {
		if (HSK_SKB_CB(skb)->sacked && i < 32)
			mask |= BIT(i);
		i++;
	}
	spin_unlock_bh(&c->lock);
	return mask;
}

/*
 * A SACK connection at @port with ten full segments written and sent, and
 * the counters snapped in @m; returns the first segment's seq, which
 * SEG(k), the k-th segment's, counts from.
 */
static u32 t_sack_flight(struct kunit *test, struct t_peer *p, u16 port,
			 struct hsk_t_mibs *m)
{
	t_est_std(test, p, port);
	KUNIT_ASSERT_EQ(test, t_write(test, p->c, 10 * 1448), 10 * 1448L);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 10U);
	hsk_t_flush(test);
	KUNIT_ASSERT_TRUE(test, p->c->opts & HSK_OPTI_SACK);
	hsk_t_snap(m);
	return p->iss + 1;
}

#define SEG(k) (s + (k) * 1448)

/*
 * RFC 2883 3: a first block below the ACK, or inside the second block, is
 * a D-SACK [TCPDSACKRecv, TCPDSACKOfoRecv]: counted, never taken for a
 * SACK of anything new; one below the ACK starts no recovery.
 */
static void hsk_conn_sackrx_dsack_counted(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9189, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];

	p.s.ack = SEG(2);
	t_sacks(&p, o, 1, SEG(0), SEG(1));
	t_sack_ack(test, &p);
	hsk_t_flush(test);	/* new data, as cwnd opens */
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKRecv), 1L);

	/* 3..6 held; 4..5 came twice. */
	t_sacks(&p, o, 2, SEG(4), SEG(5), SEG(3), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(1) | BIT(2) | BIT(3));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoRecv), 1L);
	/* An ordinary SACK: neither. */
	t_sacks(&p, o, 2, SEG(7), SEG(8), SEG(3), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKRecv), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoRecv), 1L);
}

/*
 * A segment SACKed late, below what was SACKed before it, was reordered,
 * not lost [TCPSACKReorder]: 1 comes after 5, so the path reorders by
 * five segments (from 1 to the end of 5). From then on a hole is lost
 * with five SACKed above it, not three: 0 waits with 1, 5, 6 and 7
 * SACKed above it, and goes again with 8 too, the fifth duplicate.
 */
static void hsk_conn_sackrx_reordering_learned(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9192, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];

	KUNIT_EXPECT_EQ(test, c->reordering, 3);
	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(5), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 0L);
	t_sacks(&p, o, 2, SEG(1), SEG(2), SEG(5), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->reordering, 5);
	KUNIT_EXPECT_EQ(test, c->reord_seen, 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 1L);

	t_sacks(&p, o, 2, SEG(5), SEG(7), SEG(1), SEG(2));
	t_sack_ack(test, &p);
	t_sacks(&p, o, 2, SEG(5), SEG(8), SEG(1), SEG(2));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, c->dupacks, 4);

	t_sacks(&p, o, 2, SEG(5), SEG(9), SEG(1), SEG(2));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(0), 1448);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 1L);
}

/*
 * The cumulative ACK passes holes below SACKed data that were never
 * resent: they came late [TCPSACKReorder], by six segments (0 to the end
 * of 5), though nothing stays SACKed (Linux would learn nothing here). A
 * timeout with three SACKed outside recovery says that was too much, as
 * Linux's tcp_enter_loss() does: back to three.
 */
static void hsk_conn_sackrx_reordering_from_ack(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s;
	struct hsk_conn *c;
	u8 o[40];

	/* The timeout below is the RTO's: no tail loss probe first. */
	hsk_knobs.early_retrans = 0;
	s = t_sack_flight(test, &p, 9193, &m);
	c = p.c;

	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(4), SEG(6));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	t_sacks(&p, o, 0);
	p.s.ack = SEG(6);
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->reordering, 6);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 0L);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	hsk_t_expect_none(test);	/* nothing more was written */

	/* Three SACKed above 6: not lost while the path reorders by six. */
	t_sacks(&p, o, 1, SEG(7), SEG(10));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(6), 1448);
	KUNIT_EXPECT_EQ(test, c->reordering, 3);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 1L);
}

/*
 * 0 was only late: SACKs of 1 to 3 start a recovery that sends it again
 * and halves cwnd, and the ACK of everything ends it. The peer's D-SACK
 * of 0 then shows that all the recovery resent reached it twice: cwnd
 * and ssthresh go back [TCPDSACKUndo], and the path is taken to reorder
 * by four (0 to the end of 3). The same D-SACK again reports more than
 * was ever resent, and one wider than the peer's window is no D-SACK to
 * believe either [TCPDSACKIgnoredDubious].
 */
static void hsk_conn_sackrx_dsack_undo(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9194, &m);
	struct hsk_conn *c = p.c;
	u32 cwnd = c->cwnd, ssthresh = c->ssthresh;
	u8 o[40];

	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(1), SEG(4));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(0), 1448);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_LT(test, c->cwnd, cwnd);

	t_sacks(&p, o, 0);
	p.s.ack = SEG(10);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_LT(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c->cwnd, c->ssthresh);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 0L);

	t_sacks(&p, o, 1, SEG(0), SEG(1));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKRecv), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 1L);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c->ssthresh, ssthresh);
	KUNIT_EXPECT_EQ(test, c->reordering, 4);
	KUNIT_EXPECT_EQ(test, c->total_retrans, 1U);
	KUNIT_EXPECT_EQ(test, c->dsack_dups, 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReorder), 0L);

	t_sack_ack(test, &p);
	t_sacks(&p, o, 1, SEG(0), SEG(0) + c->max_wnd + 1);
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKRecv), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKIgnoredDubious), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 1L);
	KUNIT_EXPECT_EQ(test, c->dsack_dups, 1U);
	hsk_t_expect_none(test);
}

/*
 * Nothing is undone until every segment the recovery resent is reported
 * twice. 0 and 1 go again under four SACKed segments; 1's original then
 * arrives, and its copy is D-SACKed inside the second block (counted from
 * its mark): one of two, so cwnd stays halved. Once 0's copy is D-SACKed
 * below the ACK too, both were needless and the recovery is undone.
 */
static void hsk_conn_sackrx_dsack_undo_needs_all(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9195, &m);
	struct hsk_conn *c = p.c;
	u32 cwnd = c->cwnd, halved;
	u8 o[40];

	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(2), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(0), 1448);
	t_sacks(&p, o, 1, SEG(2), SEG(7));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(1), 1448);
	halved = c->cwnd;
	KUNIT_EXPECT_LT(test, halved, cwnd);

	t_sacks(&p, o, 1, SEG(1), SEG(7));
	t_sack_ack(test, &p);
	t_sacks(&p, o, 2, SEG(1), SEG(2), SEG(1), SEG(7));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKOfoRecv), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 0L);
	KUNIT_EXPECT_EQ(test, c->undo_retrans, 1U);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, c->cwnd, halved);

	t_sacks(&p, o, 0);
	p.s.ack = SEG(10);
	t_sack_ack(test, &p);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 0L);
	t_sacks(&p, o, 1, SEG(0), SEG(1));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKUndo), 1L);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c->reordering, 6);
	KUNIT_EXPECT_EQ(test, c->dsack_dups, 2U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 2L);
	hsk_t_expect_none(test);
}

/*
 * Ten segments, 1 and 4 lost; the client ACKs each arrival with the
 * blocks a Linux receiver sends. Segment 1 goes again at the third
 * duplicate (three SACKed above it), segment 4 once three are SACKed above
 * it, and nothing else: never a SACKed one, never one only reordered.
 */
static void hsk_conn_sackrx_two_holes(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9153, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];
	u32 i;

	p.s.ack = SEG(1);
	t_sack_ack(test, &p);			/* segment 0 */
	hsk_t_expect_none(test);
	t_sacks(&p, o, 1, SEG(2), SEG(3));
	t_sack_ack(test, &p);
	t_sacks(&p, o, 1, SEG(2), SEG(4));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(1) | BIT(2));

	t_sacks(&p, o, 2, SEG(5), SEG(6), SEG(2), SEG(4));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(1), 1448);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);

	/* Two SACKed above segment 4: not lost yet, and pipe is full. */
	t_sacks(&p, o, 2, SEG(5), SEG(7), SEG(2), SEG(4));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	t_sacks(&p, o, 2, SEG(5), SEG(8), SEG(2), SEG(4));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(4), 1448);
	for (i = 9; i <= 10; i++) {
		t_sacks(&p, o, 2, SEG(5), SEG(i), SEG(2), SEG(4));
		t_sack_ack(test, &p);
	}
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(1) | BIT(2) | BIT(4) |
			BIT(5) | BIT(6) | BIT(7) | BIT(8));

	/* Segment 1 arrives: a partial ACK; 4 is on its way already. */
	p.s.ack = SEG(4);
	t_sacks(&p, o, 1, SEG(5), SEG(10));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	t_sacks(&p, o, 0);
	p.s.ack = SEG(10);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, c->snd_una, SEG(10));
	KUNIT_EXPECT_EQ(test, c->cwnd, c->ssthresh);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReneging), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 0L);
}

/*
 * One ACK shows four holes (0, 1, 4, 5) below SACKed data: all are lost
 * (RFC 6675 IsLost) and go at once, lowest first, as pipe (no data in
 * flight but them) fits in the halved cwnd; the SACKed ones never go.
 */
static void hsk_conn_sackrx_holes_at_once(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9154, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];
	int i;

	p.s.ack = s;
	t_sacks(&p, o, 2, SEG(6), SEG(10), SEG(2), SEG(4));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 4U);
	t_expect_data(test, &p, SEG(0), 1448);
	t_expect_data(test, &p, SEG(1), 1448);
	t_expect_data(test, &p, SEG(4), 1448);
	t_expect_data(test, &p, SEG(5), 1448);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_sb_pipe(c), 4U * 1448);

	/* The same news again: nothing more to send. */
	for (i = 0; i < 4; i++)
		t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	p.s.ack = SEG(4);
	t_sacks(&p, o, 1, SEG(6), SEG(10));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	t_sacks(&p, o, 0);
	p.s.ack = SEG(10);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 4L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);
}

/*
 * Blocks that reach past snd_nxt, reversed ones and D-SACKs below
 * snd_una mark nothing and start no recovery; three duplicates still do
 * (RFC 5681), resending the head alone.
 */
static void hsk_conn_sackrx_bad_blocks(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9155, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];

	p.s.ack = SEG(1);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	/* Past snd_nxt (by one byte, and far), reversed. */
	t_sacks(&p, o, 3, SEG(2), SEG(10) + 1, SEG(5), SEG(5) + 0x40000000,
		SEG(9), SEG(3));
	t_sack_ack(test, &p);
	/* A D-SACK below snd_una, an empty block, one wrapped round. */
	t_sacks(&p, o, 3, SEG(0), SEG(1), SEG(4), SEG(4),
		SEG(6), SEG(2) + 0x80000000);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);

	t_sacks(&p, o, 1, SEG(3), SEG(11));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(1), 1448);
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);
}

/*
 * An RTO keeps what the peer SACKed (RFC 6675 5.1, as Linux's
 * tcp_enter_loss): the head goes again, then as the window reopens every
 * segment but the SACKed ones, which are passed over and do not count in
 * flight. An ACK that moves onto SACKed data and stops there is reneging
 * [TCPSACKReneging], handled as Linux does: a timeout soon, which forgets
 * the marks.
 */
static void hsk_conn_sackrx_rto_keeps(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s;
	struct hsk_conn *c;
	u8 o[40];

	/* The timeouts below are the RTO's: no tail loss probe first. */
	hsk_knobs.early_retrans = 0;
	s = t_sack_flight(test, &p, 9156, &m);
	c = p.c;

	/* 0 and 1 lost, 2 and 3 SACKed. */
	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(2), SEG(4));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(2) | BIT(3));
	KUNIT_EXPECT_FALSE(test, c->in_recovery);

	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(0), 1448);
	t_sb_check(test, c);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(2) | BIT(3));
	KUNIT_EXPECT_EQ(test, c->cwnd, (u32)c->mss);

	/* The blocks again: past the rewound snd_nxt, so ignored. */
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(2) | BIT(3));
	hsk_t_expect_none(test);

	/*
	 * Segment 0 acknowledged, cwnd two segments: 1 goes, 2 and 3 are
	 * passed over and not in flight, so 4 goes too.
	 */
	p.s.ack = SEG(1);
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 2U);
	t_expect_data(test, &p, SEG(1), 1448);
	t_expect_data(test, &p, SEG(4), 1448);
	KUNIT_EXPECT_EQ(test, c->skipped, 2U * 1448);
	KUNIT_EXPECT_EQ(test, c->snd_nxt, SEG(5));
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(1) | BIT(2));

	/*
	 * 1 arrived, and the peer holds up to 4: the skipped ones leave the
	 * count as they are acked; cwnd four segments (three acked, two MSS
	 * of slow start per ACK, RFC 3465's L), one in flight.
	 */
	t_sacks(&p, o, 0);
	p.s.ack = SEG(4);
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->skipped, 0U);
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 3U);
	t_expect_data(test, &p, SEG(5), 1448);
	t_expect_data(test, &p, SEG(6), 1448);
	t_expect_data(test, &p, SEG(7), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReneging), 0L);
	/* Everything sent since the RTO went before it: 0, 1, 4, 5, 6, 7. */
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 6L);

	/*
	 * 5 SACKed, then the ACK moves onto it and stops: the peer may have
	 * dropped it. A SACK of the head without that ACK is no news. The
	 * ACK's own block, 6, is marked all the same, as Linux's.
	 */
	t_sacks(&p, o, 1, SEG(4), SEG(5));
	t_sack_ack(test, &p);
	t_sacks(&p, o, 1, SEG(5), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(0) | BIT(1));
	t_sacks(&p, o, 1, SEG(6), SEG(7));
	p.s.ack = SEG(5);
	t_sack_ack(test, &p);
	hsk_t_flush(test);	/* new data, as cwnd opens */
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(0) | BIT(1));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReneging), 0L);
	/* As Linux: a timeout soon, SRTT / 16 or 10 ms, not a whole RTO. */
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
	KUNIT_EXPECT_LE(test, (long)(c->timer_at - jiffies),
			(long)msecs_to_jiffies(10));
	KUNIT_EXPECT_GT(test, c->rto, msecs_to_jiffies(10));

	/* It forgets every mark and resends the head, 5, SACKed once. */
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(5), 1448);
	t_sb_check(test, c);
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSACKReneging), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 0L);
}

/*
 * Six holes under four SACKed segments: all lost, five fit in the halved
 * cwnd. Before the sixth can go, its original arrives and is SACKed: it
 * must not go again, though it was lost.
 */
static void hsk_conn_sackrx_lost_then_sacked(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9158, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];
	u32 k;

	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(6), SEG(10));
	t_sack_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 5U);
	for (k = 0; k < 5; k++)
		t_expect_data(test, &p, SEG(k), 1448);
	t_sacks(&p, o, 1, SEG(5), SEG(10));
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	p.s.ack = SEG(1);
	t_sack_ack(test, &p);
	p.s.ack = SEG(3);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 5L);
	t_sacks(&p, o, 0);
	p.s.ack = SEG(10);
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
}

/*
 * A block that grows on both sides, and one whose edges cut segments: the
 * last ACK's blocks are remembered, so only the new parts are looked at,
 * yet a segment across a remembered edge is marked once wholly inside.
 */
static void hsk_conn_sackrx_block_grows(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9179, &m);
	struct hsk_conn *c = p.c;
	u8 o[40];

	p.s.ack = s;
	t_sacks(&p, o, 1, SEG(4) + 100, SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(5));
	t_sacks(&p, o, 1, SEG(4), SEG(6));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(4) | BIT(5));
	t_sacks(&p, o, 1, SEG(2), SEG(8) - 1);
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), BIT(2) | BIT(3) | BIT(4) | BIT(5) |
			BIT(6));
	t_sacks(&p, o, 2, SEG(9), SEG(10), SEG(2), SEG(8));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, t_sacked(c), GENMASK(7, 2) | BIT(9));
	/* 0 and 1 are lost, 8 (one SACKed above it) not yet. */
	KUNIT_EXPECT_TRUE(test, c->in_recovery);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 2U);
	t_expect_data(test, &p, SEG(0), 1448);
	t_expect_data(test, &p, SEG(1), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 2L);
}

/*
 * A thousand segments in flight and the first lost; the peer ACKs each
 * arrival with a block one segment longer, as a receiver does. The first
 * goes again at the third duplicate and nothing else does, and the
 * scoreboard looks at a few skbs per ACK however long the block grows
 * (16 here); walking the queue, as it did, looked at all thousand two or
 * three times per ACK.
 */
static void hsk_conn_sackrx_cost(struct kunit *test)
{
	const u32 nseg = 1000;
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	u32 s, k;
	u8 o[40];

	t_est_std(test, &p, 9180);
	c = p.c;
	s = p.iss + 1;
	spin_lock_bh(&c->lock);
	c->cwnd = nseg * 1448;	/* as if slow start had got there */
	spin_unlock_bh(&c->lock);
	p.s.window = 65535;	/* 8 MiB, scaled */
	p.s.ack = s;
	t_ack(test, &p);
	KUNIT_ASSERT_GE(test, c->snd_wnd, nseg * 1448);
	KUNIT_ASSERT_EQ(test, t_write(test, c, nseg * 1448), nseg * 1448L);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), nseg);
	hsk_t_flush(test);
	hsk_t_snap(&m);
	c->sb.visits = 0;

	p.s.ack = s;
	for (k = 1; k < nseg; k++) {
		t_sacks(&p, o, 1, s + 1448, s + (k + 1) * 1448);
		t_ack(test, &p);
		if (k == 3) {
			KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
			t_expect_data(test, &p, s, 1448);
			KUNIT_EXPECT_TRUE(test, c->in_recovery);
		}
	}
	hsk_t_expect_none(test);
	kunit_info(test, "%u skbs looked at for %u ACKs", c->sb.visits,
		   nseg - 1);
	KUNIT_EXPECT_LT(test, c->sb.visits, 32 * nseg);
	KUNIT_EXPECT_EQ(test, hsk_sb_pipe(c), 1448U);
	t_sb_check(test, c);

	t_sacks(&p, o, 0);
	p.s.ack = s + nseg * 1448;
	t_sack_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, c->in_recovery);
	KUNIT_EXPECT_EQ(test, hsk_sb_pipe(c), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 1L);
}

/*
 * A tail loss (RFC 8985 7, Linux's TLP): of ten segments the last is lost,
 * and the ACK of the other nine draws no duplicate. Instead of an RTO, a
 * probe two SRTT and 200 ms (one segment is left in flight, whose ACK the
 * peer may delay) after that ACK, or at the RTO if that is sooner, sends
 * the last segment again [TCPLossProbes]; cwnd stays, nothing backs off,
 * and the RTO runs from the probe. Its ACK, without a D-SACK of the copy,
 * says the original was lost: at the next ACK beyond it, cwnd is halved
 * once, as Linux's CWR [TCPLossProbeRecovery].
 */
static void hsk_conn_tlp_resends_tail(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9196, &m);
	struct hsk_conn *c = p.c;
	unsigned long j0, at;
	u32 cwnd;

	j0 = jiffies;
	p.s.ack = SEG(9);
	t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_GT(test, c->srtt_us, 0U);
	KUNIT_EXPECT_TRUE(test, c->tlp_armed);
	t_expect_timer(test, c, HSK_TIMER_RTO, j0,
		       min_t(unsigned long, c->rto,
			     usecs_to_jiffies(2 * c->srtt_us +
					      HSK_PTO_LONE_US)));
	cwnd = c->cwnd;

	KUNIT_ASSERT_EQ(test, (int)t_fire(c, &at), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(9), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 0L);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c->retries, 0);
	KUNIT_EXPECT_FALSE(test, c->tlp_armed);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, SEG(10));
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
	KUNIT_EXPECT_EQ(test, c->timer_at, at + c->rto);

	/* The probe's ACK: the original or the copy, not yet known. */
	p.s.ack = SEG(10);
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, SEG(10));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbeRecovery), 0L);
	cwnd = c->cwnd;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 1448), 1448L);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	hsk_t_flush(test);
	p.s.ack = SEG(11);
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbeRecovery), 1L);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, 0U);
	KUNIT_EXPECT_EQ(test, c->cwnd, c->ssthresh);
	KUNIT_EXPECT_LT(test, c->cwnd, cwnd);
	hsk_t_expect_none(test);
}

/*
 * The peer had the original after all: its D-SACK of the probe's copy
 * (ending at the probe's snd_nxt) says nothing was lost, so cwnd stays.
 */
static void hsk_conn_tlp_dsack_no_loss(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9197, &m);
	struct hsk_conn *c = p.c;
	u32 cwnd;
	u8 o[40];

	p.s.ack = SEG(9);
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(9), 1448);
	p.s.ack = SEG(10);
	t_sacks(&p, o, 1, SEG(9), SEG(10));
	t_sack_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPDSACKRecv), 1L);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, 0U);
	KUNIT_EXPECT_EQ(test, c->dsack_dups, 1U);
	t_sacks(&p, o, 0);
	cwnd = c->cwnd;
	KUNIT_ASSERT_EQ(test, t_write(test, c, 1448), 1448L);
	hsk_t_flush(test);
	p.s.ack = SEG(11);
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbeRecovery), 0L);
	KUNIT_EXPECT_GE(test, c->cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
}

/*
 * Data waits behind a full cwnd: the probe is the next new segment, sent
 * past cwnd as Linux's is, not a copy [TCPLossProbes, no TCPRetransSegs];
 * its ACK ends the episode with nothing to reduce.
 */
static void hsk_conn_tlp_sends_new_data(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9198, &m);
	struct hsk_conn *c = p.c;
	u32 cwnd = c->cwnd;

	KUNIT_ASSERT_EQ(test, t_write(test, c, 1448), 1448L);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_TRUE(test, c->tlp_armed);
	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(10), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPRetransSegs), 0L);
	KUNIT_EXPECT_FALSE(test, c->tlp_retrans);
	KUNIT_EXPECT_EQ(test, c->cwnd, cwnd);
	p.s.ack = SEG(11);
	t_ack(test, &p);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbeRecovery), 0L);
	KUNIT_EXPECT_GE(test, c->cwnd, cwnd);
	hsk_t_expect_none(test);
}

/*
 * One probe per flight: when nothing answers it, the next deadline is the
 * RTO's, which resends the head, backs off and collapses cwnd as ever
 * [TCPTimeouts]; while that timeout's resending goes on (snd_nxt below
 * snd_max), no probe is armed.
 */
static void hsk_conn_tlp_once_then_rto(struct kunit *test)
{
	struct hsk_t_mibs m;
	struct t_peer p;
	u32 s = t_sack_flight(test, &p, 9199, &m);
	struct hsk_conn *c = p.c;
	u32 rto = c->rto;

	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(9), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
	KUNIT_EXPECT_EQ(test, c->rto, rto);

	KUNIT_ASSERT_EQ(test, (int)t_fire(c, NULL), HSK_TIMER_RTO);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, SEG(0), 1448);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPLossProbes), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 1L);
	KUNIT_EXPECT_EQ(test, c->rto, min_t(u32, 2 * rto, HSK_RTO_MAX));
	KUNIT_EXPECT_EQ(test, c->cwnd, (u32)c->mss);
	KUNIT_EXPECT_EQ(test, c->tlp_high_seq, 0U);

	p.s.ack = SEG(1);
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 2U);
	hsk_t_flush(test);
	KUNIT_EXPECT_TRUE(test, before(c->snd_nxt, c->snd_max));
	KUNIT_EXPECT_FALSE(test, c->tlp_armed);
	KUNIT_EXPECT_EQ(test, (int)t_timer(c), HSK_TIMER_RTO);
}

/*
 * Probes need SACK agreed and net.hsk.early_retrans 3 or 4 (Linux's
 * tcp_early_retrans); otherwise the flight's timer is the RTO alone.
 */
static void hsk_conn_tlp_when(struct kunit *test)
{
	static const struct {
		int er, sack;
		bool armed;
	} cases[] = {
		{ 3, 1, true }, { 4, 1, true }, { 0, 1, false },
		{ 2, 1, false }, { 3, 0, false },
	};
	struct t_peer p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		hsk_knobs.early_retrans = cases[i].er;
		hsk_knobs.sack = cases[i].sack;
		t_est_std(test, &p, 9200 + i);
		hsk_knobs.sack = 1;
		KUNIT_ASSERT_EQ(test, t_write(test, p.c, 3 * 1448), 3L * 1448);
		hsk_t_flush(test);
		KUNIT_EXPECT_EQ_MSG(test, p.c->tlp_armed, cases[i].armed,
				    "early_retrans %d sack %d", cases[i].er,
				    cases[i].sack);
		KUNIT_EXPECT_EQ(test, (int)t_timer(p.c), HSK_TIMER_RTO);
	}
}

#undef SEG

/* Without SACK agreed, blocks are ignored: recovery stays NewReno's. */
static void hsk_conn_sackrx_not_agreed(struct kunit *test)
{
	u8 o[40];
	struct hsk_t_mibs m;
	struct hsk_conn *c;
	struct t_peer p;
	u32 s;
	int i;

	hsk_knobs.sack = 0;
	t_est_std(test, &p, 9157);
	hsk_knobs.sack = 1;
	c = p.c;
	KUNIT_ASSERT_FALSE(test, c->opts & HSK_OPTI_SACK);
	KUNIT_ASSERT_EQ(test, t_write(test, c, 10 * 1448), 10L * 1448);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 10U);
	hsk_t_flush(test);
	s = p.iss + 1;
	hsk_t_snap(&m);
	p.s.ack = s;
	t_sacks(&p, o, 2, s + 6 * 1448, s + 10 * 1448, s + 2 * 1448,
		s + 4 * 1448);
	for (i = 0; i < 2; i++)
		t_ack(test, &p);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_sacked(c), 0U);
	t_ack(test, &p);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, s, 1448);
	KUNIT_EXPECT_EQ(test, c->cwnd, c->ssthresh + 3 * c->mss);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSackRecovery), 0L);
	/* NewReno's partial ACK: the next hole, 1, though it was "SACKed". */
	p.s.ack = s + 1448;
	t_ack(test, &p);
	KUNIT_ASSERT_GE(test, hsk_t_sent(test), 1U);
	t_expect_data(test, &p, s + 1448, 1448);
	hsk_t_flush(test);
}

static struct kunit_case hsk_conn_cases[] = {
	KUNIT_CASE(hsk_conn_close_passive),
	KUNIT_CASE(hsk_conn_fin_ack_delayed),
	KUNIT_CASE(hsk_conn_ack_pingpong),
	KUNIT_CASE(hsk_conn_ack_every_second),
	KUNIT_CASE(hsk_conn_close_active),
	KUNIT_CASE(hsk_conn_close_shut_wr),
	KUNIT_CASE(hsk_conn_close_simultaneous),
	KUNIT_CASE(hsk_conn_close_fin_with_ack),
	KUNIT_CASE(hsk_conn_fin_wait2_timeout),
	KUNIT_CASE(hsk_conn_time_wait_refin),
	KUNIT_CASE(hsk_conn_time_wait_syn_reuse),
	KUNIT_CASE(hsk_conn_timers_inert_after_stop),
	KUNIT_CASE(hsk_conn_close_unread_rst),
	KUNIT_CASE(hsk_conn_orphan_data_rst),
	KUNIT_CASE(hsk_conn_window_scaled),
	KUNIT_CASE(hsk_conn_window_no_shrink),
	KUNIT_CASE(hsk_conn_window_zero_and_update),
	KUNIT_CASE(hsk_conn_snd_wnd_update),
	KUNIT_CASE(hsk_conn_snd_wnd_limits),
	KUNIT_CASE(hsk_conn_persist_probe),
	KUNIT_CASE(hsk_conn_persist_answered),
	KUNIT_CASE(hsk_conn_persist_orphan_gives_up),
	KUNIT_CASE(hsk_conn_paws_24_days),
	KUNIT_CASE(hsk_conn_old_ack_keeps_window),
	KUNIT_CASE(hsk_conn_newreno_partial_ack_bounds),
	KUNIT_CASE(hsk_conn_rto_orphan_gives_up_sooner),
	KUNIT_CASE(hsk_conn_rmem_bounded),
	KUNIT_CASE(hsk_conn_cwnd_grows_by_bytes),
	KUNIT_CASE(hsk_conn_ts_every_segment),
	KUNIT_CASE(hsk_conn_segment_size),
	KUNIT_CASE(hsk_conn_trains),
	KUNIT_CASE(hsk_conn_write_merge),
	KUNIT_CASE(hsk_conn_min_snd_mss),
	KUNIT_CASE(hsk_conn_seq_acceptability),
	KUNIT_CASE(hsk_conn_seq_zero_window),
	KUNIT_CASE(hsk_conn_paws),
	KUNIT_CASE(hsk_conn_rst_exact),
	KUNIT_CASE(hsk_conn_rst_in_window),
	KUNIT_CASE(hsk_conn_oow_ratelimit),
	KUNIT_CASE(hsk_conn_rst_out_of_window),
	KUNIT_CASE(hsk_conn_syn_challenge),
	KUNIT_CASE(hsk_conn_ack_beyond_snd_max),
	KUNIT_CASE(hsk_conn_ack_too_old),
	KUNIT_CASE(hsk_conn_bad_ack_discards),
	KUNIT_CASE(hsk_conn_rtt_arith),
	KUNIT_CASE(hsk_conn_rtt_future_tsecr),
	KUNIT_CASE(hsk_conn_sndmem_bound),
	KUNIT_CASE(hsk_conn_rto_backoff),
	KUNIT_CASE(hsk_conn_xmit_clones),
	KUNIT_CASE(hsk_conn_idle_timer_fires),
	KUNIT_CASE(hsk_conn_fast_retransmit),
	KUNIT_CASE(hsk_conn_dupack_is_snd_una),
	KUNIT_CASE(hsk_conn_out_of_order),
	KUNIT_CASE(hsk_conn_ooo_overlap),
	KUNIT_CASE(hsk_conn_ooo_flood),
	KUNIT_CASE(hsk_conn_rcv_coalesce),
	KUNIT_CASE(hsk_conn_rcv_window_follows_memory),
	KUNIT_CASE(hsk_conn_sack_1_hole),
	KUNIT_CASE(hsk_conn_sack_2_holes),
	KUNIT_CASE(hsk_conn_sack_3_holes),
	KUNIT_CASE(hsk_conn_sack_5_holes),
	KUNIT_CASE(hsk_conn_sack_recency),
	KUNIT_CASE(hsk_conn_dsack_old),
	KUNIT_CASE(hsk_conn_sack_fin),
	KUNIT_CASE(hsk_conn_sack_not_agreed),
	KUNIT_CASE(hsk_conn_sack_incoming_bad),
	KUNIT_CASE(hsk_conn_sackrx_two_holes),
	KUNIT_CASE(hsk_conn_sackrx_holes_at_once),
	KUNIT_CASE(hsk_conn_sackrx_bad_blocks),
	KUNIT_CASE(hsk_conn_sackrx_rto_keeps),
	KUNIT_CASE(hsk_conn_sackrx_lost_then_sacked),
	KUNIT_CASE(hsk_conn_sackrx_block_grows),
	KUNIT_CASE(hsk_conn_sackrx_cost),
	KUNIT_CASE(hsk_conn_sackrx_dsack_counted),
	KUNIT_CASE(hsk_conn_sackrx_reordering_learned),
	KUNIT_CASE(hsk_conn_sackrx_reordering_from_ack),
	KUNIT_CASE(hsk_conn_sackrx_dsack_undo),
	KUNIT_CASE(hsk_conn_sackrx_dsack_undo_needs_all),
	KUNIT_CASE(hsk_conn_sackrx_not_agreed),
	KUNIT_CASE(hsk_conn_tlp_resends_tail),
	KUNIT_CASE(hsk_conn_tlp_dsack_no_loss),
	KUNIT_CASE(hsk_conn_tlp_sends_new_data),
	KUNIT_CASE(hsk_conn_tlp_once_then_rto),
	KUNIT_CASE(hsk_conn_tlp_when),
	{}
};

static struct kunit_suite hsk_conn_suite = {
	.name = "hsk_conn",
	.init = hsk_t_init,
	.exit = hsk_t_exit,
	.test_cases = hsk_conn_cases,
};
kunit_test_suite(hsk_conn_suite);
