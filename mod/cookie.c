// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies, laid out as Linux lays out IPv4 cookies (syncookies.c):
 *
 *   ISN = H(k0; 0) + client ISN + (c << 24) + ((H(k1; c) + m) mod 2^24)
 *
 * with H a keyed SipHash of the 4-tuple, c a minute counter and m the
 * index of the client's MSS in hsk_mss_table. A cookie is good for two
 * counter ticks. When the client sends timestamps, window scale, SACK and
 * ECN ride in the low 6 bits of our TSval: [5] ECN, [4] SACK, [3:0] window
 * scale (0xf: none). A TSecr that claims what the knobs do not allow (or
 * ECN, which hsk never offers) is refused, as Linux refuses it. Time is
 * the caller's @now.
 */

#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"

#include <linux/moduleparam.h>
#include <linux/siphash.h>
#include <net/tcp.h>

/* From "An Analysis of TCP Maximum Segment Sizes" (2011), as Linux. */
static const u16 hsk_mss_table[] = { 536, 1300, 1440, 1460 };

/* Drawn from the kernel's random pool at load, never rotated. */
static siphash_key_t hsk_cookie_keys[2];

/*
 * Seconds added to the cookie clock when a cookie ACK is checked: lets a
 * test age cookies past their lifetime without waiting minutes for it.
 */
static unsigned int cookie_age_offset;

/* A day at most: seconds * HZ must not wrap, making old cookies young. */
#define HSK_COOKIE_AGE_OFFSET_MAX	(24 * 60 * 60)

static int hsk_cookie_age_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > HSK_COOKIE_AGE_OFFSET_MAX)
		return -EINVAL;
	WRITE_ONCE(cookie_age_offset, v);
	return 0;
}

static const struct kernel_param_ops hsk_cookie_age_ops = {
	.set = hsk_cookie_age_set,
	.get = param_get_uint,
};
module_param_cb(cookie_age_offset, &hsk_cookie_age_ops, &cookie_age_offset,
		0600);
MODULE_PARM_DESC(cookie_age_offset,
		 "testing: seconds (0..86400) to age cookies by when they come back (0)");

/*
 * The two hashes of a cookie, under separate keys: of the 4-tuple alone,
 * and of the 4-tuple and the counter. Linux feeds a zero counter to the
 * first; leaving the word out spares a SipHash block per SYN.
 */
static u32 hsk_cookie_ports(const struct hsk_tuple *t)
{
	return (__force u32)t->rport << 16 | (__force u32)t->lport;
}

/* 64 bits: the cookie takes the low half, the SYN-ACK's flow hash the high. */
static u64 hsk_cookie_hash0(const struct hsk_tuple *t)
{
	return siphash_3u32((__force u32)t->raddr, (__force u32)t->laddr,
			    hsk_cookie_ports(t), &hsk_cookie_keys[0]);
}

static u32 hsk_cookie_hash1(const struct hsk_tuple *t, u32 count)
{
	return siphash_4u32((__force u32)t->raddr, (__force u32)t->laddr,
			    hsk_cookie_ports(t), count, &hsk_cookie_keys[1]);
}

static u32 hsk_cookie_count(unsigned long now)
{
	return (u32)(now / HSK_COOKIE_TICK);
}

/* The ISN of a cookie SYN-ACK to a SYN with sequence @seq; @h0 of @t. */
static u32 __hsk_cookie_isn(const struct hsk_tuple *t, u32 seq, u16 mss,
			    unsigned long now, u64 h0)
{
	u32 count = hsk_cookie_count(now);
	u32 m;

	for (m = ARRAY_SIZE(hsk_mss_table) - 1; m; m--)
		if (mss >= hsk_mss_table[m])
			break;
	return (u32)h0 + seq + (count << HSK_COOKIE_BITS) +
	       ((hsk_cookie_hash1(t, count) + m) & HSK_COOKIE_MASK);
}

u32 hsk_cookie_isn(const struct hsk_tuple *t, u32 seq, u16 mss,
		   unsigned long now)
{
	return __hsk_cookie_isn(t, seq, mss, now, hsk_cookie_hash0(t));
}

/*
 * @seq and @ack as in the ACK that returns the cookie. Returns the MSS
 * table value, or -EINVAL for a forged, mangled or expired cookie.
 */
int hsk_cookie_check(const struct hsk_tuple *t, u32 seq, u32 ack,
		     unsigned long now)
{
	u32 count = hsk_cookie_count(now);
	u32 v = (ack - 1) - (u32)hsk_cookie_hash0(t) - (seq - 1);
	u32 diff = (count - (v >> HSK_COOKIE_BITS)) & HSK_COOKIE_COUNTER_MASK;
	u32 m;

	if (diff >= HSK_COOKIE_MAX_AGE)
		return -EINVAL;
	m = (v - hsk_cookie_hash1(t, count - diff)) & HSK_COOKIE_MASK;
	if (m >= ARRAY_SIZE(hsk_mss_table))
		return -EINVAL;
	return hsk_mss_table[m];
}

/* Our TSval in a cookie SYN-ACK: never ahead of @ts_now. */
u32 hsk_cookie_tsval(u32 ts_now, int wscale, bool sack, bool ecn)
{
	u32 opts = wscale < 0 ? HSK_TS_WSCALE_NONE : wscale;
	u32 ts;

	if (sack)
		opts |= HSK_TS_SACK;
	if (ecn)
		opts |= HSK_TS_ECN;
	ts = (ts_now & ~HSK_TS_OPT_MASK) | opts;
	if (after(ts, ts_now))
		ts -= 1U << HSK_TS_OPT_BITS;
	return ts;
}

/*
 * Fills @ck's options from the TSecr of the cookie ACK, as Linux's
 * cookie_timestamp_decode(): SACK or window scale while @sack or @ws (the
 * knobs now) is off means the cookie was not ours to give, so -EINVAL.
 * The ECN bit is ignored, as Linux's cookie_ecn_ok() does without
 * tcp_ecn: hsk has no ECN.
 */
int hsk_cookie_decode_ts(u32 tsecr, bool sack, bool ws, struct hsk_cookie *ck)
{
	u32 opts = tsecr & HSK_TS_OPT_MASK;
	u32 wscale = opts & HSK_TS_WSCALE_NONE;

	ck->sack = opts & HSK_TS_SACK;
	ck->ws = false;
	if (ck->sack && !sack)
		return -EINVAL;
	if (wscale == HSK_TS_WSCALE_NONE)
		return 0;
	if (wscale > HSK_MAX_WSCALE || !ws)
		return -EINVAL;
	ck->ws = true;
	ck->wscale = wscale;
	return 0;
}

/*
 * A SYN-ACK that keeps no state. Without timestamps the options cannot be
 * remembered, so only MSS is offered, as Linux does.
 */
void hsk_cookie_send_synack(const struct hsk_seg *seg)
{
	unsigned long now = jiffies;
	struct hsk_opts o = { .mss = hsk_local_mss(), .has = HSK_HAS_MSS };
	struct hsk_tuple t;
	u32 iss;
	u64 h0;

	hsk_tuple_from_seg(&t, seg);
	h0 = hsk_cookie_hash0(&t);
	iss = __hsk_cookie_isn(&t, seg->seq,
			       seg->opt.has & HSK_HAS_MSS ? seg->opt.mss :
							    HSK_DEFAULT_MSS,
			       now, h0);
	if ((seg->opt.has & HSK_HAS_TS) && READ_ONCE(hsk_knobs.timestamps)) {
		bool ws = (seg->opt.has & HSK_HAS_WSCALE) &&
			  READ_ONCE(hsk_knobs.window_scaling);
		bool sack = (seg->opt.has & HSK_HAS_SACK_PERM) &&
			    READ_ONCE(hsk_knobs.sack);

		o.has |= HSK_HAS_TS;
		o.tsval = hsk_cookie_tsval(hsk_ts_now(),
					   ws ? seg->opt.wscale : -1,
					   sack, false);
		o.tsecr = seg->opt.tsval;
		if (ws) {
			o.has |= HSK_HAS_WSCALE;
			o.wscale = HSK_RCV_WSCALE;
		}
		if (sack)
			o.has |= HSK_HAS_SACK_PERM;
	}
	hsk_inc(HSK_MIB_SyncookiesSent);
	hsk_send_synack(&t, iss, seg->seq + 1, &o, seg, h0 >> 32);
}

/*
 * A bare ACK at listener @l: a good cookie opens a connection (accept
 * queue rules apply), anything else is answered with RST.
 */
void hsk_cookie_ack(struct hsk_listener *l, struct sk_buff *skb,
		    const struct hsk_seg *seg)
{
	struct hsk_cookie ck = { };
	struct hsk_tuple t;
	struct hsk_conn *c;
	int mss;

	hsk_tuple_from_seg(&t, seg);
	mss = hsk_cookie_check(&t, seg->seq, seg->ack_seq,
			       jiffies + READ_ONCE(cookie_age_offset) * HZ);
	if (mss < 0) {
		hsk_inc(HSK_MIB_SyncookiesFailed);
		hsk_send_reset(seg);
		return;
	}
	/*
	 * The cookie is good, but options we would not have offered in its
	 * TSecr, or a TS with timestamps off: a RST, as Linux's
	 * cookie_v4_check(), which counts it received and leaves the ACK to
	 * the listener.
	 */
	hsk_inc(HSK_MIB_SyncookiesRecv);
	if (seg->opt.has & HSK_HAS_TS) {
		ck.ts = true;
		ck.ts_recent = seg->opt.tsval;
		if (!READ_ONCE(hsk_knobs.timestamps) ||
		    hsk_cookie_decode_ts(seg->opt.tsecr,
					 READ_ONCE(hsk_knobs.sack),
					 READ_ONCE(hsk_knobs.window_scaling),
					 &ck)) {
			hsk_send_reset(seg);
			return;
		}
	}
	ck.mss = mss;

	spin_lock(&l->lock);
	if (l->dead) {
		spin_unlock(&l->lock);
		hsk_send_reset(seg);
		return;
	}
	if (hsk_acceptq_full(l)) {
		/* No state to retry from: the client will time out or RST. */
		hsk_listener_drop(l, seg, true);
		goto out;
	}
	c = hsk_conn_from_cookie(&t, &ck, skb, seg);
	if (IS_ERR(c)) {
		if (PTR_ERR(c) == -ENOMEM)
			hsk_inc(HSK_MIB_DropNoMem);
		hsk_listener_drop(l, seg, false);
		goto out;
	}
	hsk_acceptq_add(l, c);
	hsk_inc(HSK_MIB_PassiveOpens);
out:
	spin_unlock(&l->lock);
}

int hsk_cookie_init(void)
{
	get_random_bytes(hsk_cookie_keys, sizeof(hsk_cookie_keys));
	return 0;
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/cookie_test.c"
#endif
