/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers for the suites that drive the engine end to end: a client
 * that builds real segments (options, payload, both checksums), delivery
 * into the engine with a fabricated clock, a capture of what hsk sends,
 * counter deltas, and listeners and connections that the suite's exit hook
 * releases even when an assertion aborts the test.
 *
 * Use: give the suite .init = hsk_t_init and .exit = hsk_t_exit; every
 * test starts with struct hsk_t_ctx *ctx = test->priv.
 */
#ifndef _HSK_TEST_H
#define _HSK_TEST_H

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "../mod/conn.h"
#include "../mod/cookie.h"
#include "../mod/hsk.h"
#include "../mod/listener.h"
#include "../mod/proto.h"
#include "../mod/synq.h"
#include "../mod/uapi/hsk.h"

#define HSK_T_LADDR	cpu_to_be32(0x0a4d0002)	/* 10.77.0.2 */
#define HSK_T_RADDR	cpu_to_be32(0xc6120007)	/* 198.18.0.7 */
#define HSK_T_MAX_L	8
#define HSK_T_MAX_C	16

struct hsk_t_ctx {
	struct sk_buff_head cap;	/* what hsk sent, oldest first */
	struct hsk_knobs knobs;		/* restored at exit */
	struct hsk_listener *l[HSK_T_MAX_L];	/* closed at exit */
	struct hsk_conn *c[HSK_T_MAX_C];	/* accepted: aborted at exit */
	unsigned long t0;		/* a clock far ahead of jiffies */
};

static inline int hsk_t_init(struct kunit *test)
{
	struct hsk_t_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	skb_queue_head_init(&ctx->cap);
	ctx->knobs = hsk_knobs;
	/*
	 * Listener timers get armed at times around t0: real jiffies never
	 * reach them while a test runs, so only hsk_synq_run() fires entries.
	 */
	ctx->t0 = jiffies + 100000 * HZ;
	test->priv = ctx;
	hsk_test_capture = &ctx->cap;
	return 0;
}

static inline void hsk_t_exit(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < HSK_T_MAX_C; i++) {
		if (ctx->c[i]) {
			hsk_conn_abort(ctx->c[i]);
			hsk_conn_put(ctx->c[i]);
		}
	}
	for (i = 0; i < HSK_T_MAX_L; i++)
		if (ctx->l[i])
			hsk_listener_close(ctx->l[i]);
	hsk_knobs = ctx->knobs;
	hsk_test_capture = NULL;
	hsk_test_whole_trains = false;
	hsk_test_fail_sends = 0;
	hsk_test_fail_allocs = 0;
	skb_queue_purge(&ctx->cap);
}

/* A listener on 10.77.0.2:@port, closed by hsk_t_exit if still open. */
static inline struct hsk_listener *hsk_t_listen_at(struct kunit *test,
						   __be32 addr, u16 port,
						   int backlog)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = NULL;
	int i;

	for (i = 0; i < HSK_T_MAX_L && ctx->l[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, HSK_T_MAX_L);
	KUNIT_ASSERT_EQ(test, 0, hsk_listener_create(addr, htons(port),
						     backlog, &l));
	ctx->l[i] = l;
	return l;
}

static inline struct hsk_listener *hsk_t_listen(struct kunit *test,
						u16 port, int backlog)
{
	return hsk_t_listen_at(test, HSK_T_LADDR, port, backlog);
}

static inline void hsk_t_close(struct kunit *test, struct hsk_listener *l)
{
	struct hsk_t_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < HSK_T_MAX_L; i++)
		if (ctx->l[i] == l)
			ctx->l[i] = NULL;
	hsk_listener_close(l);
}

/* Pops the oldest connection of @l's accept queue, released at exit. */
static inline struct hsk_conn *hsk_t_accept(struct kunit *test,
					    struct hsk_listener *l)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_conn *c = hsk_acceptq_pop(l);
	int i;

	if (!c)
		return NULL;
	for (i = 0; i < HSK_T_MAX_C && ctx->c[i]; i++)
		;
	if (i == HSK_T_MAX_C) {
		hsk_conn_abort(c);
		hsk_conn_put(c);
		KUNIT_FAIL(test, "too many accepted connections");
		return NULL;
	}
	ctx->c[i] = c;
	return c;
}

/* --- the client ------------------------------------------------------- */

/* One segment a client sends; the options are written as Linux writes them. */
struct hsk_t_seg {
	__be32 saddr;
	__be32 daddr;
	u16 sport;		/* host order */
	u16 dport;
	u32 seq;
	u32 ack;
	u8 flags;		/* HSK_TH_* */
	u16 window;
	u16 mss;		/* 0: no MSS option */
	s8 wscale;		/* < 0: no window scale option */
	bool sack_perm;
	bool ts;
	u32 tsval;
	u32 tsecr;
	const void *data;
	unsigned int len;
	const u8 *xopts;	/* raw bytes after the usual options */
	unsigned int xoptlen;
};

/*
 * A SYN from 198.18.0.7:@sport to 10.77.0.2:@dport as Linux sends it: MSS
 * 1460, SACK permitted, timestamps, window scale 7. The ISN is near the
 * wrap, so sequence arithmetic that forgets modulo 2^32 shows.
 */
static inline void hsk_t_syn(struct hsk_t_seg *s, u16 sport, u16 dport)
{
	memset(s, 0, sizeof(*s));
	s->saddr = HSK_T_RADDR;
	s->daddr = HSK_T_LADDR;
	s->sport = sport;
	s->dport = dport;
	s->seq = 0xfffffff0U + (sport & 0xf);
	s->flags = HSK_TH_SYN;
	s->window = 64240;
	s->mss = 1460;
	s->wscale = 7;
	s->sack_perm = true;
	s->ts = true;
	s->tsval = 0x10000000U + sport;
}

/* Turns SYN @s into a RST at its rcv_nxt: no SYN options, TS kept. */
static inline void hsk_t_rst_of(struct hsk_t_seg *s)
{
	s->seq++;
	s->flags = HSK_TH_RST;
	s->mss = 0;
	s->wscale = -1;
	s->sack_perm = false;
}

/* A SYN with no options at all. */
static inline void hsk_t_syn_bare(struct hsk_t_seg *s, u16 sport, u16 dport)
{
	hsk_t_syn(s, sport, dport);
	s->mss = 0;
	s->wscale = -1;
	s->sack_perm = false;
	s->ts = false;
}

/*
 * Turns SYN @s into the client's third ACK to @synack: seq ISN + 1, ack
 * ISS + 1, no SYN-only options, the TS clock one tick on, echoing ours.
 */
static inline void hsk_t_ack_of(struct hsk_t_seg *s,
				const struct hsk_seg *synack)
{
	s->seq++;
	s->ack = synack->seq + 1;
	s->flags = HSK_TH_ACK;
	s->mss = 0;
	s->wscale = -1;
	s->sack_perm = false;
	s->window = 502;
	if (s->ts) {
		s->tsval++;
		s->tsecr = synack->opt.tsval;
	}
}

/* The 4-tuple of @s as hsk keys it. */
static inline void hsk_t_tuple(const struct hsk_t_seg *s, struct hsk_tuple *t)
{
	t->raddr = s->saddr;
	t->laddr = s->daddr;
	t->rport = htons(s->sport);
	t->lport = htons(s->dport);
}

static inline unsigned int hsk_t_options(const struct hsk_t_seg *s, u8 *p)
{
	u8 *start = p;

	if (s->mss) {
		*p++ = HSK_OPT_MSS;
		*p++ = HSK_OPTLEN_MSS;
		put_unaligned_be16(s->mss, p);
		p += 2;
	}
	if (s->sack_perm && s->ts) {
		*p++ = HSK_OPT_SACK_PERM;
		*p++ = HSK_OPTLEN_SACK_PERM;
	} else if (s->ts || s->sack_perm) {
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_NOP;
		if (s->sack_perm) {
			*p++ = HSK_OPT_SACK_PERM;
			*p++ = HSK_OPTLEN_SACK_PERM;
		}
	}
	if (s->ts) {
		*p++ = HSK_OPT_TIMESTAMP;
		*p++ = HSK_OPTLEN_TIMESTAMP;
		put_unaligned_be32(s->tsval, p);
		put_unaligned_be32(s->tsecr, p + 4);
		p += 8;
	}
	if (s->wscale >= 0) {
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_WSCALE;
		*p++ = HSK_OPTLEN_WSCALE;
		*p++ = s->wscale;
	}
	if (s->xoptlen) {
		memcpy(p, s->xopts, s->xoptlen);
		p += s->xoptlen;
	}
	while ((p - start) & 3)
		*p++ = HSK_OPT_EOL;
	return p - start;
}

/* @s as an IPv4 packet, both checksums right, ready for hsk_parse(). */
static inline struct sk_buff *hsk_t_build(struct kunit *test,
					  const struct hsk_t_seg *s)
{
	u8 opts[HSK_TCP_MAX_HLEN - HSK_TCP_HLEN];
	unsigned int optlen = hsk_t_options(s, opts);
	unsigned int tcplen = HSK_TCP_HLEN + optlen + s->len;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(MAX_HEADER + HSK_IP_HLEN + tcplen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, MAX_HEADER);

	iph = skb_put_zero(skb, HSK_IP_HLEN);
	iph->version = 4;
	iph->ihl = HSK_IP_HLEN / 4;
	iph->tot_len = htons(HSK_IP_HLEN + tcplen);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = s->saddr;
	iph->daddr = s->daddr;
	ip_send_check(iph);

	th = skb_put_zero(skb, HSK_TCP_HLEN);
	th->source = htons(s->sport);
	th->dest = htons(s->dport);
	th->seq = htonl(s->seq);
	th->ack_seq = htonl(s->ack);
	th->doff = (HSK_TCP_HLEN + optlen) / 4;
	tcp_flag_byte(th) = s->flags;
	th->window = htons(s->window);
	skb_put_data(skb, opts, optlen);
	if (s->len)
		skb_put_data(skb, s->data, s->len);
	th->check = csum_tcpudp_magic(s->saddr, s->daddr, tcplen, IPPROTO_TCP,
				      csum_partial(th, tcplen, 0));
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/* The client sends @s; the engine sees it at time @now. */
static inline void hsk_t_send(struct kunit *test, const struct hsk_t_seg *s,
			      unsigned long now)
{
	struct sk_buff *skb = hsk_t_build(test, s);
	struct hsk_seg seg;

	KUNIT_ASSERT_EQ_MSG(test, hsk_parse(skb, &seg), HSK_MIB_InSegs,
			    "hsk_parse refused the test's own segment");
	local_bh_disable();
	rcu_read_lock();
	hsk_dispatch(skb, &seg, now);
	rcu_read_unlock();
	local_bh_enable();
	consume_skb(skb);
}

/* The client sends @s through hsk_input(), the device's real path. */
static inline void hsk_t_input(struct kunit *test, const struct hsk_t_seg *s)
{
	struct sk_buff *skb = hsk_t_build(test, s);
	bool ok;

	local_bh_disable();
	ok = hsk_input(skb);
	local_bh_enable();
	KUNIT_ASSERT_TRUE_MSG(test, ok, "hsk_input refused the segment");
}

/* The listener's timer work, at time @now. */
static inline void hsk_t_run(struct hsk_listener *l, unsigned long now)
{
	local_bh_disable();
	rcu_read_lock();
	hsk_synq_run(l, now);
	rcu_read_unlock();
	local_bh_enable();
}

/* --- what hsk sent ---------------------------------------------------- */

static inline unsigned int hsk_t_sent(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;

	return skb_queue_len(&ctx->cap);
}

/* Forgets everything captured so far. */
static inline void hsk_t_flush(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;

	skb_queue_purge(&ctx->cap);
}

/*
 * Takes the oldest captured segment and parses it into @seg, checksums
 * included. Fails the test if there is none or it does not parse.
 */
static inline void hsk_t_pop(struct kunit *test, struct hsk_seg *seg)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct sk_buff *skb = skb_dequeue(&ctx->cap);
	enum hsk_mib res;

	KUNIT_ASSERT_NOT_NULL_MSG(test, skb, "hsk sent nothing");
	/* Every segment carries its flow's hash (output.c, hsk_flow_hash). */
	KUNIT_EXPECT_TRUE_MSG(test, skb->l4_hash && skb->hash,
			      "hsk sent a segment without a flow hash");
	skb->ip_summed = CHECKSUM_NONE;	/* so hsk_parse verifies it */
	res = hsk_parse(skb, seg);
	kfree_skb(skb);
	KUNIT_ASSERT_EQ_MSG(test, res, HSK_MIB_InSegs,
			    "hsk sent a segment it would refuse itself");
}

/*
 * Expects exactly one captured segment, with flags @flags, addressed back
 * to the sender of @to; parses it into @seg.
 */
static inline void hsk_t_expect_one(struct kunit *test,
				    const struct hsk_t_seg *to, u8 flags,
				    struct hsk_seg *seg)
{
	KUNIT_ASSERT_EQ_MSG(test, hsk_t_sent(test), 1U,
			    "expected one segment (flags %#x)", flags);
	hsk_t_pop(test, seg);
	KUNIT_EXPECT_EQ(test, seg->flags, flags);
	KUNIT_EXPECT_EQ(test, ntohl(seg->saddr), ntohl(to->daddr));
	KUNIT_EXPECT_EQ(test, ntohl(seg->daddr), ntohl(to->saddr));
	KUNIT_EXPECT_EQ(test, ntohs(seg->sport), to->dport);
	KUNIT_EXPECT_EQ(test, ntohs(seg->dport), to->sport);
	KUNIT_EXPECT_EQ(test, seg->len, 0U);
}

static inline void hsk_t_expect_none(struct kunit *test)
{
	struct hsk_seg seg;

	if (!hsk_t_sent(test))
		return;
	hsk_t_pop(test, &seg);
	KUNIT_FAIL(test, "hsk sent %u segment(s); the first: flags %#x seq %u ack %u",
		   hsk_t_sent(test) + 1, seg.flags, seg.seq, seg.ack_seq);
	hsk_t_flush(test);
}

/* Sends SYN @s at @now and returns the SYN-ACK (ISS in synack->seq). */
static inline void hsk_t_open(struct kunit *test, const struct hsk_t_seg *s,
			      unsigned long now, struct hsk_seg *synack)
{
	hsk_t_send(test, s, now);
	hsk_t_expect_one(test, s, HSK_TH_SYN | HSK_TH_ACK, synack);
	KUNIT_ASSERT_EQ(test, synack->ack_seq, s->seq + 1);
}

/* --- state and counters ----------------------------------------------- */

/* Whether @s's 4-tuple has a half-open entry / a connection. */
static inline bool hsk_t_has_req(const struct hsk_t_seg *s)
{
	struct hsk_tuple t;
	bool ret;

	hsk_t_tuple(s, &t);
	rcu_read_lock();
	ret = !!hsk_req_lookup(&t);
	rcu_read_unlock();
	return ret;
}

/*
 * The connection of @s's 4-tuple, or NULL. Only for connections that the
 * test keeps alive (queued or accepted): no reference is taken.
 */
static inline struct hsk_conn *hsk_t_conn(const struct hsk_t_seg *s)
{
	struct hsk_tuple t;
	struct hsk_conn *c;

	hsk_t_tuple(s, &t);
	rcu_read_lock();
	c = hsk_conn_lookup(&t);
	rcu_read_unlock();
	return c;
}

struct hsk_t_mibs {
	unsigned long v[HSK_MIB_MAX];
};

static inline void hsk_t_snap(struct hsk_t_mibs *m)
{
	int i;

	for (i = 0; i < HSK_MIB_MAX; i++)
		m->v[i] = hsk_stat_read(i);
}

/* How much counter @name moved since snapshot @m. */
#define hsk_t_delta(m, name) \
	((long)(hsk_stat_read(HSK_MIB_##name) - (m)->v[HSK_MIB_##name]))

/*
 * A whole handshake from 198.18.0.7:@sport: SYN, SYN-ACK, third ACK, all
 * at @now. The connection ends up in the listener's accept queue.
 */
static inline void hsk_t_handshake(struct kunit *test, u16 sport, u16 dport,
				   unsigned long now)
{
	struct hsk_t_seg s;
	struct hsk_seg sa;

	hsk_t_syn(&s, sport, dport);
	hsk_t_open(test, &s, now, &sa);
	hsk_t_ack_of(&s, &sa);
	hsk_t_send(test, &s, now);
	hsk_t_expect_none(test);
	KUNIT_ASSERT_NOT_NULL_MSG(test, hsk_t_conn(&s),
				  "handshake from port %u did not complete",
				  sport);
}

#endif /* _HSK_TEST_H */
