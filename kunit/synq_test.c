// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the half-open queue (included by mod/synq.c). A SYN at a listener
 * (DESIGN §4 steps 1-3), the third ACK in tcp_check_req's order, SYN-ACK
 * retransmission, young/old pruning and listener close, with Linux as the
 * oracle (reference/linux-listener.md §2-§4). The clock is the @now
 * argument, never the real one: ctx->t0 is far ahead of jiffies, so the
 * listener's real timer never fires during a test.
 */

#include "hsk_test.h"

/* @ctx's clock plus @ms milliseconds. */
#define T_MS(ctx, ms)	((ctx)->t0 + msecs_to_jiffies(ms))
#define T_S(ctx, s)	((ctx)->t0 + (s) * HZ)

/* A copy of @s's half-open entry, taken under RCU; false if none. */
static bool t_req(const struct hsk_t_seg *s, struct hsk_req *copy)
{
	struct hsk_tuple t;
	struct hsk_req *req;

	hsk_t_tuple(s, &t);
	rcu_read_lock();
	req = hsk_req_lookup(&t);
	if (req)
		*copy = *req;
	rcu_read_unlock();
	return req;
}

static unsigned int t_qlen(const struct hsk_listener *l)
{
	return READ_ONCE(l->qlen);
}

static unsigned int t_young(const struct hsk_listener *l)
{
	return READ_ONCE(l->young);
}

/* --- hsk_synq_timeout / hsk_synq_retries ------------------------------ */

/*
 * Issue 7: a half-open entry costs at most 64 bytes all in; the object is
 * 48 (no rcu_head of its own, no listener pointer, one timer link),
 * against 312 for Linux's request_sock_TCP on Debian's 6.1. The hash
 * table adds 8-byte buckets, 8/5 of them per entry at the lowest load a
 * growing table has (5/8, just past a doubling: hsk_reqs_grow_late).
 */
static void hsk_req_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct hsk_req), (size_t)48);
	KUNIT_EXPECT_EQ(test, kmem_cache_size(hsk_req_cache), 48U);
	KUNIT_EXPECT_LE(test, kmem_cache_size(hsk_req_cache) +
			8 * sizeof(struct rhash_lock_head *) / 5, 64UL);
}

/* A table of its own with hsk_reqs' growth rule, so the test owns its size. */
struct t_obj {
	struct rhash_head node;
	u32 key;
};

static const struct rhashtable_params t_grow_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct t_obj, key),
	.head_offset = offsetof(struct t_obj, node),
	.min_size = HSK_TABLE_MIN_SIZE,
};

static unsigned int t_grow_to(struct kunit *test, struct rhashtable *ht,
			      struct t_obj *objs, unsigned int *n,
			      unsigned int to)
{
	unsigned int size;

	for (; *n < to; ++*n) {
		objs[*n].key = *n;
		KUNIT_ASSERT_EQ(test, rhashtable_insert_fast(ht, &objs[*n].node,
							     t_grow_params), 0);
		rcu_read_lock();
		hsk_table_grow_late(ht);
		rcu_read_unlock();
	}
	flush_work(&ht->run_work);	/* the library's resize worker */
	rcu_read_lock();
	size = rht_dereference_rcu(ht->tbl, ht)->size;
	rcu_read_unlock();
	return size;
}

/*
 * The half-open table doubles past 5/4 entries per bucket, not at the
 * library's 3/4: 320 entries keep 256 buckets (plain rhashtable has 512
 * from the 193rd), the 322nd (the insert after the one that lets go)
 * doubles it, and so on. So a doubled table is at least 5/8 full: buckets
 * cost at most 12.8 bytes per entry, 48 + 12.8 <= 64. Every entry is
 * still found.
 */
static void hsk_reqs_grow_late(struct kunit *test)
{
	const unsigned int max = 4 * HSK_TABLE_MIN_SIZE * 5 / 4 + 2;
	struct rhashtable ht;
	struct t_obj *objs;
	unsigned int i, n = 0;

	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, rhashtable_init(&ht, &t_grow_params), 0);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, 193), 256U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, 321), 256U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, 322), 512U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, 641), 512U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, 642), 1024U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, max - 1), 1024U);
	KUNIT_EXPECT_EQ(test, t_grow_to(test, &ht, objs, &n, max), 2048U);
	KUNIT_EXPECT_EQ(test, atomic_read(&ht.nelems), (int)max);
	for (i = 0; i < max; i++)
		KUNIT_EXPECT_PTR_EQ(test, rhashtable_lookup_fast(&ht, &i,
								 t_grow_params),
				    &objs[i]);
	rhashtable_destroy(&ht);
}

static void hsk_synq_schedule(struct kunit *test)
{
	static const unsigned int secs[] = { 1, 2, 4, 8, 16, 32, 64, 120, 120 };
	int i;

	for (i = 0; i < ARRAY_SIZE(secs); i++)
		KUNIT_EXPECT_EQ(test, hsk_synq_timeout(i), secs[i] * HZ);
	KUNIT_EXPECT_EQ(test, hsk_synq_timeout(127), 120UL * HZ);
}

/* Pruning applies only when 2q > max(8, max_syn_backlog). */
static void hsk_synq_retries_no_pruning(struct kunit *test)
{
	/* The floor of 8: q = 4 never prunes, q = 5 does (young = 0). */
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(4, 0, 1, 5), 5U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(5, 0, 1, 5), 2U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(4, 0, 8, 5), 5U);
	/* Exactly half full is not more than half full. */
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(64, 0, 128, 5), 5U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(65, 0, 128, 5), 2U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(512, 1, 1024, 5), 5U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(0, 0, 1024, 5), 5U);
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(512, 0, 1024, 255), 255U);
}

/* Reference §3: B = 128, q = 100, y = 10 -> R goes 5 -> 4 -> 3 -> 2. */
static void hsk_synq_retries_worked_example(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(100, 10, 128, 5), 2U);
	/* Same thresholds 20, 40, 80 from a higher start: three retries go. */
	KUNIT_EXPECT_EQ(test, hsk_synq_retries(100, 10, 128, 8), 5U);
}

/* Reference §3's table for R0 = 5, every young count of a 64-entry queue. */
static void hsk_synq_retries_table(struct kunit *test)
{
	const unsigned int q = 64;
	unsigned int y, want;

	for (y = 0; y <= q; y++) {
		if (y > q / 2)
			want = 5;
		else if (y > q / 4)
			want = 4;
		else if (y > q / 8)
			want = 3;
		else
			want = 2;
		KUNIT_EXPECT_EQ_MSG(test, hsk_synq_retries(q, y, 16, 5), want,
				    "q %u young %u", q, y);
	}
}

/* The closed form R = max(2, R0 - floor(log2(q / y))), 2 when y = 0. */
static void hsk_synq_retries_closed_form(struct kunit *test)
{
	unsigned int r0, q, y, want;

	for (r0 = 3; r0 <= 10; r0++) {
		for (q = 5; q <= 300; q += 7) {
			KUNIT_EXPECT_EQ(test, hsk_synq_retries(q, 0, 8, r0), 2U);
			for (y = 1; y <= q; y++) {
				int r = (int)r0 - ilog2(q / y);

				want = max(2, r);
				if (hsk_synq_retries(q, y, 8, r0) != want)
					KUNIT_FAIL(test, "q %u y %u R0 %u: %u, want %u",
						   q, y, r0,
						   hsk_synq_retries(q, y, 8, r0),
						   want);
			}
		}
	}
}

/* The floor of 2 never raises a smaller configured value. */
static void hsk_synq_retries_low_r0(struct kunit *test)
{
	unsigned int r0;

	for (r0 = 0; r0 <= 2; r0++) {
		KUNIT_EXPECT_EQ(test, hsk_synq_retries(100, 0, 16, r0), r0);
		KUNIT_EXPECT_EQ(test, hsk_synq_retries(100, 10, 16, r0), r0);
		KUNIT_EXPECT_EQ(test, hsk_synq_retries(4, 0, 1, r0), r0);
	}
}

/* --- a SYN at a listener ---------------------------------------------- */

static void hsk_syn_creates_entry(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8001, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_req req;
	struct hsk_seg sa;

	hsk_t_snap(&m);
	hsk_t_syn(&s, 40001, 8001);
	hsk_t_send(test, &s, ctx->t0);

	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, req.irs, s.seq);
	KUNIT_EXPECT_EQ(test, req.mss, 1460);
	KUNIT_EXPECT_EQ(test, (int)req.num_timeout, 0);

	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa);
	KUNIT_EXPECT_EQ(test, sa.seq, req.iss);
	KUNIT_EXPECT_EQ(test, sa.ack_seq, s.seq + 1);
	KUNIT_EXPECT_EQ(test, sa.window, 65535);
	/* The client offered SACK: so does hsk. */
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_WSCALE |
			HSK_HAS_TS | HSK_HAS_SACK_PERM);
	KUNIT_EXPECT_TRUE(test, req.flags & HSK_REQ_SACK);
	KUNIT_EXPECT_EQ(test, req.flags & HSK_REQ_WSCALE_MASK, 7);
	KUNIT_EXPECT_EQ(test, sa.opt.mss, 1460);
	KUNIT_EXPECT_EQ(test, (int)sa.opt.mss, (int)hsk_dev->mtu - 40);
	KUNIT_EXPECT_EQ(test, sa.opt.wscale, HSK_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, sa.opt.tsecr, s.tsval);

	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutSegs), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
}

/* The SYN-ACK answers exactly the options the client sent. */
static void hsk_syn_synack_options(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg s;
	struct hsk_req req;
	struct hsk_seg sa;

	hsk_t_listen(test, 8002, 16);

	/* Window scale without timestamps. */
	hsk_t_syn(&s, 40021, 8002);
	s.ts = false;
	s.sack_perm = false;
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, sa.opt.wscale, HSK_RCV_WSCALE);

	/* Timestamps without window scale. */
	hsk_t_syn(&s, 40022, 8002);
	s.wscale = -1;
	s.sack_perm = false;
	s.tsval = 0xdeadbeef;
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_TS);
	KUNIT_EXPECT_EQ(test, sa.opt.tsecr, 0xdeadbeefU);

	/* SACK permitted alone: NOP NOP SACK_PERM. */
	hsk_t_syn_bare(&s, 40023, 8002);
	s.sack_perm = true;
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_SACK_PERM);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, req.flags & HSK_REQ_WSCALE_MASK,
			HSK_REQ_WSCALE_NONE);

	/* Window scale 0 is a scale, not "none". */
	hsk_t_syn_bare(&s, 40025, 8002);
	s.wscale = 0;
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_WSCALE);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, req.flags & HSK_REQ_WSCALE_MASK, 0);
	KUNIT_EXPECT_FALSE(test, req.flags & HSK_REQ_SACK);

	/* No options: MSS only, and the entry assumes 536 for the client. */
	hsk_t_syn_bare(&s, 40024, 8002);
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS);
	KUNIT_EXPECT_EQ(test, sa.opt.mss, 1460);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, req.mss, HSK_DEFAULT_MSS);
}

/*
 * net.hsk.sack, window_scaling and timestamps: a feature whose knob is
 * off is not offered, whatever the client sent, and the connection born
 * of the entry does not use it.
 */
static void hsk_syn_synack_knobs(struct kunit *test)
{
	static const struct {
		int sack, ws, ts;
		u8 has;
		u8 opts;
	} cases[] = {
		{ 1, 1, 1, HSK_HAS_SACK_PERM | HSK_HAS_WSCALE | HSK_HAS_TS,
		  HSK_OPTI_SACK | HSK_OPTI_WSCALE | HSK_OPTI_TS },
		{ 0, 1, 1, HSK_HAS_WSCALE | HSK_HAS_TS,
		  HSK_OPTI_WSCALE | HSK_OPTI_TS },
		{ 1, 0, 1, HSK_HAS_SACK_PERM | HSK_HAS_TS,
		  HSK_OPTI_SACK | HSK_OPTI_TS },
		{ 1, 1, 0, HSK_HAS_SACK_PERM | HSK_HAS_WSCALE,
		  HSK_OPTI_SACK | HSK_OPTI_WSCALE },
		{ 0, 0, 0, 0, 0 },
	};
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8013, 16);
	struct hsk_t_seg s;
	struct hsk_conn *c;
	struct hsk_seg sa;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		hsk_knobs.sack = cases[i].sack;
		hsk_knobs.window_scaling = cases[i].ws;
		hsk_knobs.timestamps = cases[i].ts;
		hsk_t_syn(&s, 40130 + i, 8013);
		hsk_t_open(test, &s, ctx->t0, &sa);
		KUNIT_EXPECT_EQ_MSG(test, sa.opt.has, HSK_HAS_MSS | cases[i].has,
				    "case %d", i);
		/* The knobs change before the third ACK: the entry decides. */
		hsk_knobs.sack = 1;
		hsk_knobs.window_scaling = 1;
		hsk_knobs.timestamps = 1;
		s.ts = cases[i].ts;
		hsk_t_ack_of(&s, &sa);
		hsk_t_send(test, &s, ctx->t0);
		hsk_t_expect_none(test);
		c = hsk_t_accept(test, l);
		KUNIT_ASSERT_NOT_NULL(test, c);
		KUNIT_EXPECT_EQ_MSG(test, (int)c->opts, (int)cases[i].opts,
				    "case %d", i);
		KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 7 * cases[i].ws);
	}
}

/* RFC 6528: the ISS depends on the 4-tuple. */
static void hsk_syn_iss_per_tuple(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg a, b;
	struct hsk_seg sa, sb;

	hsk_t_listen(test, 8003, 16);
	hsk_t_syn(&a, 40031, 8003);
	hsk_t_syn(&b, 40032, 8003);
	b.seq = a.seq;
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_open(test, &b, ctx->t0, &sb);
	KUNIT_EXPECT_NE(test, sa.seq, sb.seq);
}

/*
 * RFC 6528's clock: the same 4-tuple's ISN moves on one per 64 ns, as
 * Linux's seq_scale(), so a new incarnation starts beyond an old one's;
 * the flow hash stays.
 */
static void hsk_syn_iss_clock(struct kunit *test)
{
	struct hsk_tuple t = {
		.laddr = HSK_T_LADDR, .raddr = HSK_T_RADDR,
		.lport = htons(8003), .rport = htons(40033),
	};
	u64 ns = 64ULL * NSEC_PER_SEC;	/* a tick's start */
	u32 h0, h1, h2;
	u32 i0 = hsk_isn(&t, ns, &h0);

	KUNIT_EXPECT_EQ(test, hsk_isn(&t, ns + 63, &h1), i0);
	KUNIT_EXPECT_EQ(test, hsk_isn(&t, ns + 64 * 1000, &h1), i0 + 1000);
	KUNIT_EXPECT_EQ(test, h1, h0);
	/* A second on: 15625000 ticks. */
	KUNIT_EXPECT_EQ(test, hsk_isn(&t, ns + NSEC_PER_SEC, &h2),
			i0 + (u32)(NSEC_PER_SEC >> 6));
	t.rport = htons(40034);
	KUNIT_EXPECT_NE(test, hsk_isn(&t, ns, &h2), i0);
}

/* Half-open queue full, syncookies = 0: drop [TCPReqQFullDrop, ListenDrops]. */
static void hsk_syn_queue_full_drop(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8004, 16);
	struct hsk_t_seg a, b;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_knobs.syncookies = 0;
	hsk_knobs.max_syn_backlog = 1;
	hsk_t_syn(&a, 40041, 8004);
	hsk_t_open(test, &a, ctx->t0, &sa);

	hsk_t_snap(&m);
	hsk_t_syn(&b, 40042, 8004);
	hsk_t_send(test, &b, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&b));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDrop), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	/* "Possible SYN flooding", once per listener. */
	KUNIT_EXPECT_TRUE(test, READ_ONCE(l->synflood_warned));
}

/*
 * What a listener does with a segment that is not a plain SYN (DESIGN
 * §4, Linux's tcp_rcv_state_process in LISTEN): a RST, SYN+RST, SYN+FIN
 * or no flag at all is discarded silently [ListenDiscards], and so is a
 * RST+ACK (never a RST for a RST); an ACK (with
 * cookies off) or SYN+ACK draws a RST at its ack number. None makes an
 * entry.
 */
static void hsk_listener_non_syn(struct kunit *test)
{
	static const u8 silent[] = {
		HSK_TH_RST, HSK_TH_SYN | HSK_TH_RST, HSK_TH_SYN | HSK_TH_FIN, 0,
		HSK_TH_RST | HSK_TH_ACK,
	};
	static const u8 reset[] = { HSK_TH_ACK, HSK_TH_SYN | HSK_TH_ACK };
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8091, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg r;
	unsigned int i;

	hsk_knobs.syncookies = 0;
	for (i = 0; i < ARRAY_SIZE(silent); i++) {
		hsk_t_snap(&m);
		hsk_t_syn(&s, 40910 + i, 8091);
		s.flags = silent[i];
		s.ack = 12345;
		hsk_t_send(test, &s, ctx->t0);
		hsk_t_expect_none(test);
		KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
		KUNIT_EXPECT_EQ_MSG(test, hsk_t_delta(&m, ListenDiscards), 1L,
				    "flags %#x", silent[i]);
		KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), 0L);
	}
	for (i = 0; i < ARRAY_SIZE(reset); i++) {
		hsk_t_snap(&m);
		hsk_t_syn(&s, 40920 + i, 8091);
		s.flags = reset[i];
		s.ack = 12345;
		hsk_t_send(test, &s, ctx->t0);
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.flags, HSK_TH_RST, "flags %#x", reset[i]);
		KUNIT_EXPECT_EQ(test, r.seq, 12345U);
		hsk_t_expect_none(test);
		KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
		KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDiscards), 0L);
		KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), 1L);
	}
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
}

/*
 * Both queues full, syncookies = 0: dropped at step 1, as Linux's
 * tcp_conn_request (goto drop): one ListenDrops, no ListenOverflows.
 */
static void hsk_syn_both_queues_full_drop(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8090, 0);
	struct hsk_t_seg a, b, c;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_knobs.syncookies = 0;
	hsk_knobs.max_syn_backlog = 2;
	hsk_t_syn(&a, 40901, 8090);
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_syn(&b, 40902, 8090);
	hsk_t_open(test, &b, ctx->t0, &sa);
	hsk_t_ack_of(&b, &sa);
	hsk_t_send(test, &b, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_ASSERT_EQ(test, READ_ONCE(l->acceptq_len), 1U);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));
	hsk_knobs.max_syn_backlog = 1;

	hsk_t_snap(&m);
	hsk_t_syn(&c, 40903, 8090);
	hsk_t_send(test, &c, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&c));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDrop), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&l->overflows), 0L);
}

/* Half-open queue full, syncookies = 1: a cookie SYN-ACK, no entry. */
static void hsk_syn_queue_full_cookie(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8005, 16);
	struct hsk_t_seg a, b;
	struct hsk_tuple t;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_knobs.syncookies = 1;
	hsk_knobs.max_syn_backlog = 1;
	hsk_t_syn(&a, 40051, 8005);
	hsk_t_open(test, &a, ctx->t0, &sa);

	hsk_t_snap(&m);
	hsk_t_syn(&b, 40052, 8005);
	b.mss = 1400;
	hsk_t_send(test, &b, ctx->t0);
	hsk_t_expect_one(test, &b, HSK_TH_SYN | HSK_TH_ACK, &sa);
	KUNIT_EXPECT_EQ(test, sa.ack_seq, b.seq + 1);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&b));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	/* The ISS is a cookie for the client's MSS, clamped to the table. */
	hsk_t_tuple(&b, &t);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, b.seq + 1, sa.seq + 1,
					       jiffies), 1300);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDrop), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 0L);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(l->synflood_warned));
}

/* syncookies = 2: every SYN gets a cookie, even to an empty queue. */
static void hsk_syn_cookies_always(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8006, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_tuple t;
	struct hsk_seg sa;

	hsk_knobs.syncookies = 2;
	hsk_t_snap(&m);
	hsk_t_syn(&s, 40061, 8006);
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	hsk_t_tuple(&s, &t);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, s.seq + 1, sa.seq + 1,
					       jiffies), 1460);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 1L);
	/* Cookies as the rule, not a fallback: no flood warning (Linux). */
	KUNIT_EXPECT_FALSE(test, READ_ONCE(l->synflood_warned));
}

/* Accept queue full at a SYN: drop [ListenOverflows, ListenDrops]. */
static void hsk_syn_acceptq_full(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8007, 0);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;

	/* Backlog 0 holds one connection. */
	hsk_t_handshake(test, 40070, 8007, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));

	hsk_t_snap(&m);
	hsk_t_syn(&s, 40071, 8007);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&l->overflows), 1L);

	/* Reference §2 step 2 applies in cookie mode too. */
	hsk_knobs.syncookies = 2;
	hsk_t_snap(&m);
	hsk_t_syn(&s, 40072, 8007);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
}

/* B = min(backlog, somaxconn), negative meaning somaxconn, read each time. */
static void hsk_backlog_clamp(struct kunit *test)
{
	struct hsk_listener *neg, *zero, *mid, *big;

	hsk_knobs.somaxconn = 100;
	neg = hsk_t_listen(test, 8008, -1);
	zero = hsk_t_listen(test, 8009, 0);
	mid = hsk_t_listen(test, 8010, 50);
	big = hsk_t_listen(test, 8011, 1000);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(neg), 100U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(zero), 0U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(mid), 50U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(big), 100U);

	/* A somaxconn change applies at once, to existing listeners too. */
	hsk_knobs.somaxconn = 20;
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(neg), 20U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(zero), 0U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(mid), 20U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(big), 20U);
	hsk_knobs.somaxconn = 0;
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(neg), 0U);
	KUNIT_EXPECT_EQ(test, hsk_listener_max_backlog(mid), 0U);
}

/* Full when the length exceeds B: a backlog of 1 holds two connections. */
static void hsk_acceptq_holds_b_plus_1(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8012, 1);
	struct hsk_t_seg s;

	KUNIT_EXPECT_FALSE(test, hsk_acceptq_full(l));
	hsk_t_handshake(test, 40120, 8012, ctx->t0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 1U);
	KUNIT_EXPECT_FALSE(test, hsk_acceptq_full(l));
	hsk_t_handshake(test, 40121, 8012, ctx->t0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 2U);
	KUNIT_EXPECT_TRUE(test, hsk_acceptq_full(l));

	/* Full means a third SYN is dropped. */
	hsk_t_syn(&s, 40122, 8012);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);

	/* One accepted: not full; somaxconn 0 makes B 0, and it is again. */
	KUNIT_ASSERT_NOT_NULL(test, hsk_t_accept(test, l));
	KUNIT_EXPECT_FALSE(test, hsk_acceptq_full(l));
	hsk_knobs.somaxconn = 0;
	KUNIT_EXPECT_TRUE(test, hsk_acceptq_full(l));
}

/* --- the third ACK, in tcp_check_req's order --------------------------- */

/* A SYN again with seq = IRS: the same SYN-ACK, timer restarted. */
static void hsk_req_syn_retransmit(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8020, 16);
	struct hsk_seg sa, sa2;
	struct hsk_req copy;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;

	hsk_t_syn(&s, 40200, 8020);
	hsk_t_open(test, &s, ctx->t0, &sa);

	hsk_t_snap(&m);
	hsk_t_send(test, &s, T_MS(ctx, 500));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	KUNIT_EXPECT_EQ(test, sa2.ack_seq, s.seq + 1);
	KUNIT_EXPECT_EQ(test, sa2.opt.has, sa.opt.has);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 1L);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);
	/* hskctl's retransmissions count it, as ss's num_retrans. */
	KUNIT_ASSERT_TRUE(test, t_req(&s, &copy));
	KUNIT_EXPECT_EQ(test, hsk_req_retrans(&copy), 1U);
	KUNIT_EXPECT_EQ(test, (u32)copy.num_timeout, 0U);
	/* A copy within 500 ms is not answered, nor counted. */
	hsk_t_send(test, &s, T_MS(ctx, 700));
	hsk_t_expect_none(test);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &copy));
	KUNIT_EXPECT_EQ(test, hsk_req_retrans(&copy), 1U);

	/* The timer counts 1 s from the retransmitted SYN, not the first. */
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_expect_none(test);
	hsk_t_run(l, T_MS(ctx, 1500));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &copy));
	KUNIT_EXPECT_EQ(test, hsk_req_retrans(&copy), 2U);
}

/* The count of SYN-ACKs resent to copies of the SYN stops at 15. */
static void hsk_req_syn_resent_saturates(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_req copy;
	struct hsk_seg sa;
	struct hsk_t_seg s;
	int i;

	hsk_t_listen(test, 8092, 16);
	hsk_t_syn(&s, 40920, 8092);
	hsk_t_open(test, &s, ctx->t0, &sa);
	/* Each 600 ms apart: every one answered, the timer pushed on. */
	for (i = 1; i <= 20; i++) {
		hsk_t_send(test, &s, T_MS(ctx, 600 * i));
		hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa);
	}
	KUNIT_ASSERT_TRUE(test, t_req(&s, &copy));
	KUNIT_EXPECT_EQ(test, (u32)copy.num_timeout, 0U);
	KUNIT_EXPECT_EQ(test, hsk_req_retrans(&copy), 15U);
	KUNIT_EXPECT_TRUE(test, copy.tflags & HSK_REQ_T_SYN_ANSWERED);
}

/*
 * A copy of the SYN of a half-open entry is the entry's, before any of the
 * listener's policy (Linux finds the request sock in its ehash first):
 * with the accept queue full, with the half-open queue full in cookie
 * mode, and with syncookies = 2, it draws the entry's SYN-ACK again, not a
 * drop or a cookie. hsk_syn_rcv() searches on these paths itself, since
 * hsk_dispatch() hands it plain SYNs without a search.
 */
static void hsk_syn_twin_before_policy(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8019, 0);
	struct hsk_seg sa, sa2;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;

	hsk_knobs.syncookies = 1;
	hsk_t_syn(&s, 40190, 8019);
	hsk_t_open(test, &s, ctx->t0, &sa);
	/* Backlog 0 holds one connection: now the accept queue is full. */
	hsk_t_handshake(test, 40191, 8019, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));
	/* And the half-open queue: a new SYN would get a cookie. */
	hsk_knobs.max_syn_backlog = 1;
	KUNIT_ASSERT_EQ(test, t_qlen(l), 1U);

	hsk_t_snap(&m);
	hsk_t_send(test, &s, T_MS(ctx, 500));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	KUNIT_EXPECT_EQ(test, sa2.ack_seq, s.seq + 1);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 0L);

	/* syncookies = 2 answers new SYNs only. */
	hsk_knobs.syncookies = 2;
	hsk_t_snap(&m);
	hsk_t_send(test, &s, T_MS(ctx, 1100));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPReqQFullDoCookies), 0L);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);

	/* A new SYN on the 4-tuple resets the entry, as in SYN_RECV. */
	hsk_t_snap(&m);
	s.seq++;
	hsk_t_send(test, &s, T_MS(ctx, 1200));
	hsk_t_expect_one(test, &s, HSK_TH_RST | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesSent), 0L);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
}

/*
 * Copies of the SYN draw one SYN-ACK per 500 ms (Linux's
 * tcp_oow_rate_limited, TCPACKSkippedSynRecv); a skipped one leaves the
 * timer alone. The first copy is answered at once, and so is one after
 * the timer's own resend if 500 ms have passed since the last answer.
 */
static void hsk_req_syn_resend_ratelimit(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8029, 16);
	unsigned long a = ctx->t0 + 1, b = a + HZ + 1;
	struct hsk_seg sa, sa2;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;

	hsk_t_syn(&s, 40290, 8029);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_snap(&m);

	hsk_t_send(test, &s, a);
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	hsk_t_send(test, &s, a + 1);
	hsk_t_send(test, &s, a + HSK_OOW_RATELIMIT - 1);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSynRecv), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 1L);

	/* Skipped copies did not restart the timer: due 1 s after a. */
	hsk_t_run(l, a + HZ - 1);
	hsk_t_expect_none(test);
	hsk_t_run(l, a + HZ);
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 1L);

	/* b: a jiffy after the timer's resend, but 1 s after the answer. */
	hsk_t_send(test, &s, b);
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	hsk_t_send(test, &s, b + HSK_OOW_RATELIMIT - 1);
	hsk_t_expect_none(test);
	hsk_t_send(test, &s, b + HSK_OOW_RATELIMIT);
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSynRecv), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 4L);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
}

/* ACK set, ack != ISS + 1: RST with seq = that ack; the entry stays. */
static void hsk_req_bad_ack(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8021, 16);
	struct hsk_seg sa, r;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;

	hsk_t_syn(&s, 40210, 8021);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);

	s.ack = sa.seq + 2;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, sa.seq + 2);

	s.ack = sa.seq;		/* acks nothing */
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, sa.seq);

	/* RST+ACK with a wrong ack: ignored (Linux), never answered. */
	s.flags = HSK_TH_RST | HSK_TH_ACK;
	s.ack = sa.seq + 2;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);

	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), 2L);
}

/* Outside the window: an ACK (seq ISS + 1, ack IRS + 1), never to a RST. */
static void hsk_req_out_of_window(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8022, 16);
	struct hsk_t_seg s, syn;
	struct hsk_t_mibs m;
	struct hsk_seg sa, a;

	hsk_t_syn(&syn, 40220, 8022);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);

	/* Right of the window. */
	s.seq = syn.seq + 1 + 100000;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.seq, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1);
	KUNIT_EXPECT_EQ(test, a.opt.has, HSK_HAS_TS);
	KUNIT_EXPECT_EQ(test, a.opt.tsecr, syn.tsval);

	/* Left of it: old data ending before rcv_nxt. */
	s.seq = syn.seq + 1 - 1000;
	s.data = "old";
	s.len = 3;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.seq, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1);

	/* An out-of-window RST draws nothing and kills nothing. */
	s.len = 0;
	s.flags = HSK_TH_RST;
	s.seq = syn.seq + 1 + 100000;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	s.flags = HSK_TH_RST | HSK_TH_ACK;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);

	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);

	/* The entry still completes with a good ACK. */
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_send(test, &s, ctx->t0);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
}

/*
 * Pure segments outside the window draw one ACK per timer interval, and
 * none within 500 ms of a resent SYN-ACK (Linux's tcp_oow_rate_limited,
 * TCPACKSkippedSynRecv, with the interval for its 500 ms stamp). Data
 * and RSTs are not counted: data is always answered, a RST never.
 */
static void hsk_req_oow_ratelimit(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8033, 16);
	unsigned long t1 = ctx->t0 + HZ, t3 = ctx->t0 + 3 * HZ, c = t3 + 1;
	struct hsk_t_seg s, syn;
	struct hsk_seg sa, a;
	struct hsk_t_mibs m;

	hsk_t_syn(&syn, 40330, 8033);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	s.seq = syn.seq + 1 + 100000;
	hsk_t_snap(&m);

	hsk_t_send(test, &s, ctx->t0 + 1);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1);
	hsk_t_send(test, &s, ctx->t0 + 2);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSynRecv), 1L);

	/* Data: answered all the same. A RST: never, and not counted. */
	s.data = "x";
	s.len = 1;
	hsk_t_send(test, &s, ctx->t0 + 3);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	s.len = 0;
	s.flags = HSK_TH_RST;
	hsk_t_send(test, &s, ctx->t0 + 4);
	hsk_t_expect_none(test);
	s.flags = HSK_TH_ACK;

	/* Still the first interval, 600 ms on: hsk stays silent, Linux not. */
	hsk_t_send(test, &s, ctx->t0 + HSK_OOW_RATELIMIT + HZ / 10);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSynRecv), 2L);

	/* The timer's resend opens the next interval. */
	hsk_t_run(l, t1);
	hsk_t_expect_one(test, &syn, HSK_TH_SYN | HSK_TH_ACK, &a);
	hsk_t_send(test, &s, t1 + 1);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);

	/* A copy of the SYN answered at c: no ACK until c + 500 ms. */
	hsk_t_run(l, t3);
	hsk_t_expect_one(test, &syn, HSK_TH_SYN | HSK_TH_ACK, &a);
	hsk_t_send(test, &syn, c);
	hsk_t_expect_one(test, &syn, HSK_TH_SYN | HSK_TH_ACK, &a);
	hsk_t_send(test, &s, c + HSK_OOW_RATELIMIT - 1);
	hsk_t_expect_none(test);
	hsk_t_send(test, &s, c + HSK_OOW_RATELIMIT);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPACKSkippedSynRecv), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 3L);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
}

/*
 * The window is [IRS + 1, IRS + 1 + 65535] (the SYN-ACK's, unscaled): a
 * bare ACK exactly at its right edge is in it (tcp_in_window), one past
 * is not; data anywhere inside it completes the handshake.
 */
static void hsk_req_window_edges(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg a, b, syn;
	struct hsk_seg sa, sb, r;

	hsk_t_listen(test, 8032, 16);
	hsk_t_syn(&syn, 40320, 8032);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	a = syn;
	hsk_t_ack_of(&a, &sa);

	a.seq = syn.seq + 1 + 65536;
	hsk_t_send(test, &a, ctx->t0);
	hsk_t_expect_one(test, &a, HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.ack_seq, syn.seq + 1);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&a));

	a.seq = syn.seq + 1 + 65535;
	hsk_t_send(test, &a, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&a));
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&a));

	/* Out-of-order data inside the window: a connection all the same. */
	hsk_t_syn(&b, 40321, 8032);
	hsk_t_open(test, &b, ctx->t0, &sb);
	hsk_t_ack_of(&b, &sb);
	b.seq += 60000;
	b.data = "late";
	b.len = 4;
	hsk_t_send(test, &b, ctx->t0);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&b));
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&b));
	hsk_t_flush(test);	/* what the connection answers is conn's */
}

/* A timestamp older than the SYN's: PAWS, an ACK, the entry stays. */
static void hsk_req_paws(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8023, 16);
	struct hsk_t_seg s, syn;
	struct hsk_t_mibs m;
	struct hsk_seg sa, a;

	hsk_t_syn(&syn, 40230, 8023);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	s.tsval = syn.tsval - 1;
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.seq, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);

	/* The same TSval as the SYN's is not old. */
	s.tsval = syn.tsval;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
}

/*
 * A SYN with TSval 0 leaves nothing to compare against: Linux's
 * tcp_paws_check() ignores ts_recent == 0 ("Some OSes send SYN and SYNACK
 * messages with tsval=0 tsecr=0"), so any later TSval is accepted.
 */
static void hsk_req_paws_zero_ts_recent(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa;

	hsk_t_listen(test, 8024, 16);
	hsk_t_syn(&s, 40240, 8024);
	s.tsval = 0;
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_ack_of(&s, &sa);
	s.tsval = 0x80000001;	/* "before" 0 in sequence space */
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 0L);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
}

/*
 * PAWS holds for a RST too (tcp_paws_reject): a RST with an older TSval
 * is dropped [PAWSEstab] and the entry stays, until the entry's timeout
 * has reached an MSL (60 s): Linux dates ts_recent that far back, and
 * lets a RST through past it.
 */
static void hsk_req_paws_rst(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8028, 16);
	struct hsk_t_seg s, syn;
	struct hsk_t_mibs m;
	struct hsk_req req;
	struct hsk_seg sa;
	unsigned long t = 0;
	int i;

	hsk_knobs.synack_retries = 7;
	hsk_t_syn(&syn, 40280, 8028);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_rst_of(&s);
	s.tsval = syn.tsval - 1;
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 1L);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));

	/* Five firings: the timeout is 32 s, under an MSL. */
	for (i = 0; i < 5; i++) {
		t += HZ << i;
		hsk_t_run(l, ctx->t0 + t);
		hsk_t_flush(test);
	}
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, (int)req.num_timeout, 5);
	hsk_t_send(test, &s, ctx->t0 + t);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 2L);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));

	/* The sixth: 64 s. The stale RST now resets the entry. */
	t += HZ << 5;
	hsk_t_run(l, ctx->t0 + t);
	hsk_t_flush(test);
	hsk_t_send(test, &s, ctx->t0 + t);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PAWSEstab), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 1L);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
}

/* RST in window: embryonic reset, nothing sent [EmbryonicRsts]. */
static void hsk_req_rst(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8025, 16);
	struct hsk_t_seg a, b;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_t_syn(&a, 40250, 8025);
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_syn(&b, 40251, 8025);
	hsk_t_open(test, &b, ctx->t0, &sa);
	hsk_t_snap(&m);

	/* A bare RST at rcv_nxt. */
	hsk_t_rst_of(&a);
	hsk_t_send(test, &a, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&a));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 1L);

	/* RST+ACK with the right ack, inside the window. */
	hsk_t_ack_of(&b, &sa);
	b.flags = HSK_TH_RST | HSK_TH_ACK;
	b.seq += 10;
	hsk_t_send(test, &b, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&b));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, AttemptFails), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutSegs), 0L);
}

/* A SYN in window with seq != IRS: RST, and the entry is freed. */
static void hsk_req_new_syn(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8026, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa, r;

	hsk_t_syn(&s, 40260, 8026);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_snap(&m);
	s.seq++;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_RST | HSK_TH_ACK, &r);
	KUNIT_EXPECT_EQ(test, r.seq, 0U);
	KUNIT_EXPECT_EQ(test, r.ack_seq, s.seq + 1);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 0L);
}

/* In window, no ACK bit: dropped without a word; the entry stays. */
static void hsk_req_no_ack(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8027, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa;

	hsk_t_syn(&s, 40270, 8027);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	s.flags = HSK_TH_PSH;
	s.data = "abc";
	s.len = 3;
	hsk_t_send(test, &s, ctx->t0);
	s.flags = 0;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);
}

/* The good third ACK: an ESTABLISHED connection in the accept queue. */
static void hsk_req_good_ack(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8028, 16);
	struct hsk_conn *c, *popped;
	struct hsk_t_seg s, syn;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_t_syn(&syn, 40280, 8028);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);

	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 1U);

	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c->iss, sa.seq);
	KUNIT_EXPECT_EQ(test, c->irs, syn.seq);
	KUNIT_EXPECT_EQ(test, c->snd_una, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, c->snd_nxt, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, syn.seq + 1);
	KUNIT_EXPECT_EQ(test, c->mss, 1460);
	KUNIT_EXPECT_EQ(test, (int)c->opts,
			HSK_OPTI_TS | HSK_OPTI_WSCALE | HSK_OPTI_SACK);
	KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 7);
	KUNIT_EXPECT_EQ(test, (int)c->rcv_wscale, HSK_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, c->ts_recent, s.tsval);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, (u32)s.window << 7);

	popped = hsk_t_accept(test, l);
	KUNIT_EXPECT_PTR_EQ(test, popped, c);
	KUNIT_EXPECT_NULL(test, hsk_t_accept(test, l));
}

/* Data on the third ACK is queued and acknowledged. */
static void hsk_req_good_ack_data(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_t_seg s, syn;
	struct sk_buff *skb;
	struct hsk_seg sa, a;
	struct hsk_conn *c;
	char buf[5];

	hsk_t_listen(test, 8029, 16);
	hsk_t_syn(&syn, 40290, 8029);
	hsk_t_open(test, &syn, ctx->t0, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	s.flags |= HSK_TH_PSH;
	s.data = "hello";
	s.len = 5;
	hsk_t_send(test, &s, ctx->t0);

	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.seq, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1 + 5);
	KUNIT_EXPECT_EQ(test, a.opt.tsecr, s.tsval);

	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, syn.seq + 1 + 5);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 5U);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&c->rxq), 1U);
	skb = skb_peek(&c->rxq);
	KUNIT_ASSERT_EQ(test, skb->len, 5U);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, buf, 5), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "hello", 5), 0);
}

/*
 * No memory: a SYN that gets no entry is dropped [DropNoMem, ListenDrops],
 * unanswered, and its copy is answered as a first SYN; a third ACK whose
 * connection cannot be made is dropped the same way and leaves the entry,
 * so the client's next ACK (or its entry's SYN-ACK resend) completes it.
 */
static void hsk_synq_no_memory(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8045, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa;

	hsk_t_syn(&s, 40450, 8045);
	hsk_t_snap(&m);
	hsk_test_fail_allocs = 1;
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, DropNoMem), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);

	hsk_t_open(test, &s, ctx->t0 + HZ, &sa);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);

	hsk_t_ack_of(&s, &sa);
	hsk_test_fail_allocs = 1;
	hsk_t_send(test, &s, ctx->t0 + HZ);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, DropNoMem), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);

	hsk_t_send(test, &s, ctx->t0 + HZ);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_accept(test, l));
}

/*
 * Accept queue full at the third ACK, abort_on_overflow = 0: the ACK is
 * dropped, the entry kept and marked; the client's next ACK completes.
 */
static void hsk_req_acceptq_full_keep(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8030, 0);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_req req;
	struct hsk_seg sa;

	hsk_knobs.abort_on_overflow = 0;
	hsk_t_syn(&s, 40301, 8030);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_handshake(test, 40300, 8030, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));

	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_TRUE(test, req.flags & HSK_REQ_ACKED);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);

	/* The server accepts; the client's ACK comes again. */
	KUNIT_ASSERT_NOT_NULL(test, hsk_t_accept(test, l));
	hsk_t_send(test, &s, T_MS(ctx, 200));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
}

/*
 * abort_on_overflow = 0 and the accept queue stays full: each SYN-ACK the
 * timer resends draws the client's ACK again, dropped again [one
 * ListenOverflows each, as tcp_check_req's listen_overflow]; the entry,
 * still marked, expires after synack_retries without a word, as Linux's
 * reqsk_timer_handler. The client, established as far as it knows, is
 * reset by its first data.
 */
static void hsk_req_acked_retries_expire(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8093, 0);
	struct hsk_seg sa, sa2, r;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_req req;
	int i;

	hsk_knobs.abort_on_overflow = 0;
	hsk_knobs.synack_retries = 2;
	hsk_t_syn(&s, 40930, 8093);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_handshake(test, 40931, 8093, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));

	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	/* Resent at 1 s and 3 s; each answered, each answer dropped. */
	for (i = 1; i <= 2; i++) {
		unsigned long at = ctx->t0 + ((1 << i) - 1) * HZ;

		hsk_t_run(l, at - 1);
		hsk_t_expect_none(test);
		hsk_t_run(l, at);
		hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
		KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
		KUNIT_EXPECT_EQ(test, sa2.ack_seq, s.seq);
		hsk_t_send(test, &s, at + HZ / 10);
		hsk_t_expect_none(test);
		KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
		KUNIT_EXPECT_TRUE(test, req.flags & HSK_REQ_ACKED);
		KUNIT_EXPECT_EQ(test, (u32)req.num_timeout, (u32)i);
		KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	}
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 2L);

	/* At 7 s the retries are spent: gone, nothing sent. */
	hsk_t_run(l, T_S(ctx, 7));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);

	/* The client's data reaches the listener: RST at its ACK number. */
	hsk_knobs.syncookies = 0;
	s.flags = HSK_TH_ACK | HSK_TH_PSH;
	s.data = (const u8 *)"late";
	s.len = 4;
	hsk_t_send(test, &s, T_S(ctx, 8));
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, s.ack);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 1U);
}

/* The same with abort_on_overflow = 1: RST, the entry freed. */
static void hsk_req_acceptq_full_abort(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8031, 0);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa, r;

	hsk_knobs.abort_on_overflow = 1;
	hsk_t_syn(&s, 40311, 8031);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_handshake(test, 40310, 8031, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));

	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, sa.seq + 1);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, EmbryonicRsts), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, AttemptFails), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);
}

/* --- the SYN-ACK timer ------------------------------------------------- */

/* Expects one SYN-ACK resent for @s with ISS @iss. */
static void t_expect_resend(struct kunit *test, const struct hsk_t_seg *s,
			    u32 iss)
{
	struct hsk_seg sa;

	hsk_t_expect_one(test, s, HSK_TH_SYN | HSK_TH_ACK, &sa);
	KUNIT_EXPECT_EQ(test, sa.seq, iss);
	KUNIT_EXPECT_EQ(test, sa.ack_seq, s->seq + 1);
	KUNIT_EXPECT_EQ(test, sa.opt.tsecr, s->tsval);
}

/* synack_retries = 3: resent at 1, 3, 7 s; gone at 15 s. */
static void hsk_synq_retransmit(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8040, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_req req;
	struct hsk_seg sa;

	hsk_knobs.synack_retries = 3;
	hsk_t_syn(&s, 40400, 8040);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_snap(&m);

	hsk_t_run(l, T_MS(ctx, 900));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);

	hsk_t_run(l, T_S(ctx, 1));
	t_expect_resend(test, &s, sa.seq);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_EQ(test, (int)req.num_timeout, 1);

	hsk_t_run(l, T_S(ctx, 3) - 1);
	hsk_t_expect_none(test);
	hsk_t_run(l, T_S(ctx, 3));
	t_expect_resend(test, &s, sa.seq);

	hsk_t_run(l, T_S(ctx, 7) - 1);
	hsk_t_expect_none(test);
	hsk_t_run(l, T_S(ctx, 7));
	t_expect_resend(test, &s, sa.seq);

	hsk_t_run(l, T_S(ctx, 15) - 1);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	hsk_t_run(l, T_S(ctx, 15));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));

	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 4L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 3L);
}

/*
 * A resend the host does not take (its backlog full) drops the entry, as
 * Linux's reqsk_timer_handler() drops a request whose inet_rtx_syn_ack()
 * failed; not counted as a resend. The next one is sent as usual.
 */
static void hsk_synq_resend_fails(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8043, 16);
	struct hsk_seg sa, sa2, r;
	struct hsk_t_seg s, s2;
	struct hsk_t_mibs m;

	hsk_knobs.synack_retries = 3;
	hsk_t_syn(&s, 40430, 8043);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_syn(&s2, 40431, 8043);
	hsk_t_open(test, &s2, ctx->t0 + HZ / 2, &sa2);
	hsk_t_snap(&m);

	hsk_test_fail_sends = 1;
	hsk_t_run(l, T_S(ctx, 1));
	KUNIT_EXPECT_EQ(test, hsk_test_fail_sends, 0U);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_TRUE(test, hsk_t_has_req(&s2));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 0L);

	hsk_t_run(l, T_MS(ctx, 1500));
	t_expect_resend(test, &s2, sa2.seq);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 1L);

	/* Its client's ACK, late: no entry, the listener resets it. */
	hsk_knobs.syncookies = 0;
	hsk_t_ack_of(&s, &sa);
	hsk_t_send(test, &s, T_S(ctx, 2));
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, s.ack);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
}

/*
 * The same failure for an entry whose third ACK met a full accept queue:
 * kept, as Linux keeps an acked request, and the queue's room completes it.
 */
static void hsk_synq_resend_fails_acked(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8044, 0);
	struct hsk_seg sa, sa2;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_req req;

	hsk_knobs.abort_on_overflow = 0;
	hsk_knobs.synack_retries = 3;
	hsk_t_syn(&s, 40440, 8044);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_handshake(test, 40441, 8044, ctx->t0);
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));
	hsk_t_ack_of(&s, &sa);
	hsk_t_send(test, &s, ctx->t0);
	hsk_t_expect_none(test);
	hsk_t_snap(&m);

	hsk_test_fail_sends = 1;
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_expect_none(test);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	KUNIT_EXPECT_TRUE(test, req.flags & HSK_REQ_ACKED);
	KUNIT_EXPECT_EQ(test, (u32)req.num_timeout, 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 0L);

	/* Kept on its schedule: resent at 3 s. */
	hsk_t_run(l, T_S(ctx, 3));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa2);
	KUNIT_EXPECT_EQ(test, sa2.seq, sa.seq);
	KUNIT_EXPECT_EQ(test, sa2.ack_seq, s.seq);

	KUNIT_ASSERT_NOT_NULL(test, hsk_t_accept(test, l));
	hsk_t_send(test, &s, T_MS(ctx, 3100));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
}

/* synack_retries = 0: no resend; the entry dies at its first timeout. */
static void hsk_synq_no_retries(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8041, 16);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa;

	hsk_knobs.synack_retries = 0;
	hsk_t_syn(&s, 40410, 8041);
	hsk_t_open(test, &s, ctx->t0, &sa);
	hsk_t_snap(&m);
	hsk_t_run(l, T_S(ctx, 1) - 1);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 0L);
}

/*
 * Reference §3 for any R: the k-th resend at sum(min(2^i, 120), i < k) s,
 * expiry one timeout after the last. R = 5 is the default (resends at 1,
 * 3, 7, 15, 31 s, expiry at 63 s); R = 8 reaches the 120 s cap.
 */
static void hsk_synq_schedule_driven(struct kunit *test)
{
	static const unsigned int rs[] = { 1, 2, 5, 7, 8 };
	struct hsk_t_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(rs); i++) {
		struct hsk_listener *l = hsk_t_listen(test, 8042 + i, 16);
		unsigned int r = rs[i], k, t = 0;
		struct hsk_t_seg s;
		struct hsk_seg sa;

		hsk_knobs.synack_retries = r;
		hsk_t_syn(&s, 40420 + i, 8042 + i);
		hsk_t_open(test, &s, ctx->t0, &sa);
		for (k = 0; k <= r; k++) {
			t += min(1U << k, 120U);
			hsk_t_run(l, T_S(ctx, t) - 1);
			hsk_t_expect_none(test);
			hsk_t_run(l, T_S(ctx, t));
			if (k < r) {
				t_expect_resend(test, &s, sa.seq);
				KUNIT_EXPECT_EQ_MSG(test, t_qlen(l), 1U,
						    "R %u, resend %u at %u s",
						    r, k + 1, t);
			} else {
				hsk_t_expect_none(test);
				KUNIT_EXPECT_EQ_MSG(test, t_qlen(l), 0U,
						    "R %u, expiry at %u s",
						    r, t);
			}
		}
		if (r == 5)
			KUNIT_EXPECT_EQ(test, t, 63U);
		hsk_t_close(test, l);
	}
}

/* Opens @n half-open entries on @port from client ports @sport... */
static void t_open_many(struct kunit *test, u16 sport, u16 port,
			unsigned int n, unsigned long now)
{
	struct hsk_t_seg s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		hsk_t_syn(&s, sport + i, port);
		hsk_t_send(test, &s, now);
	}
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), n);
	hsk_t_flush(test);
}

/*
 * More than half of max_syn_backlog, and all old: R drops from 5 to 2, so
 * entries die at 7 s instead of 63 s. As in Linux, R is worked out at each
 * firing for the entry that fired, with the qlen of that moment: of 10
 * entries against a bound of 16, the first two expire (q = 10, then 9);
 * at q = 8 the queue is no longer more than half full, and the other
 * eight get their third SYN-ACK and go on to the full schedule. The
 * listener's backlog is large (Linux, bounding by it, would not prune):
 * hsk's bound is max_syn_backlog.
 */
static void hsk_synq_pruning(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8050, 128);
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	int i;

	hsk_knobs.max_syn_backlog = 16;
	hsk_knobs.synack_retries = 5;
	t_open_many(test, 40500, 8050, 10, ctx->t0);
	KUNIT_ASSERT_EQ(test, t_qlen(l), 10U);
	hsk_t_snap(&m);

	/* At 1 s all are young when their turn comes, or R >= 2 anyway. */
	hsk_t_run(l, T_S(ctx, 1));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 10U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
	hsk_t_flush(test);
	hsk_t_run(l, T_S(ctx, 3));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 10U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 10U);
	hsk_t_flush(test);

	/* At 7 s, q = 10 and 9 with young = 0: R = 2, the oldest two die. */
	hsk_t_run(l, T_S(ctx, 7));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 8U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 8U);
	for (i = 0; i < 10; i++) {
		hsk_t_syn(&s, 40500 + i, 8050);
		KUNIT_EXPECT_EQ_MSG(test, hsk_t_has_req(&s), i >= 2,
				    "entry %d of 10", i);
	}
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 30L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPSynRetrans), 28L);

	/* Half full: the survivors keep R = 5 (resends at 15, 31 s). */
	hsk_t_run(l, T_S(ctx, 15));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 8U);
	hsk_t_flush(test);
	hsk_t_run(l, T_S(ctx, 31));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 8U);
	hsk_t_flush(test);
	hsk_t_run(l, T_S(ctx, 63));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
}

/*
 * A full queue of old entries prunes down to half: with 16 of 16, the
 * first eight to fire at 7 s die and the last eight are resent.
 */
static void hsk_synq_pruning_full(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8052, 16);

	hsk_knobs.max_syn_backlog = 16;
	hsk_knobs.synack_retries = 5;
	t_open_many(test, 40520, 8052, 16, ctx->t0);
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_run(l, T_S(ctx, 3));
	hsk_t_flush(test);
	hsk_t_run(l, T_S(ctx, 7));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 8U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 8U);
}

/*
 * Exactly half of max_syn_backlog is not more than half: no pruning, the
 * third resend happens at 7 s. A small backlog does not make it prune.
 */
static void hsk_synq_no_pruning_at_half(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8051, 4);

	hsk_knobs.max_syn_backlog = 20;
	hsk_knobs.synack_retries = 5;
	t_open_many(test, 40510, 8051, 10, ctx->t0);
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_run(l, T_S(ctx, 3));
	hsk_t_flush(test);
	hsk_t_run(l, T_S(ctx, 7));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 10U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 10U);
}

/* --- listener close ---------------------------------------------------- */

/*
 * More entries than one round of the flush takes, on two timer queues,
 * three of them dead on their queue: every live one gets its RST, once.
 */
static void hsk_listener_close_many(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	const unsigned int n = 3 * HSK_SYNQ_BUDGET + 7;
	struct hsk_listener *l;
	struct hsk_t_mibs m;
	struct hsk_t_seg s;
	struct hsk_seg sa, r;
	unsigned int i;

	hsk_knobs.max_syn_backlog = 4096;
	l = hsk_t_listen(test, 8061, 16);
	for (i = 0; i < n; i++) {
		hsk_t_syn(&s, 20000 + i, 8061);
		hsk_t_open(test, &s, i < n / 2 ? ctx->t0 : T_MS(ctx, 500), &sa);
	}
	/* The first half times out once and moves to the 2 s queue. */
	for (i = 0; i * HSK_SYNQ_BUDGET < n; i++)
		hsk_t_run(l, T_S(ctx, 1));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), n / 2);
	hsk_t_flush(test);
	for (i = 0; i < 3; i++) {
		hsk_t_syn(&s, 20000 + i * 300, 8061);
		hsk_t_rst_of(&s);
		hsk_t_send(test, &s, T_S(ctx, 1));
	}
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), n - 3);

	hsk_t_snap(&m);
	hsk_t_close(test, l);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), n - 3);
	for (i = 0; i < n - 3; i++) {
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_RST | HSK_TH_ACK);
	}
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), (long)(n - 3));
	for (i = 0; i < n; i += 97) {
		hsk_t_syn(&s, 20000 + i, 8061);
		KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&s));
	}
}

static void hsk_listener_close_resets(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8060, 16);
	struct hsk_t_seg a, b, c;
	struct hsk_seg sa, sb, sc, r;
	struct hsk_t_mibs m;
	bool seen[3] = { };
	int i;

	hsk_t_syn(&a, 40600, 8060);
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_syn(&b, 40601, 8060);
	hsk_t_open(test, &b, ctx->t0, &sb);
	hsk_t_syn(&c, 40602, 8060);
	hsk_t_open(test, &c, ctx->t0, &sc);
	hsk_t_ack_of(&c, &sc);
	hsk_t_send(test, &c, ctx->t0);
	KUNIT_ASSERT_NOT_NULL(test, hsk_t_conn(&c));
	hsk_t_expect_none(test);

	hsk_t_snap(&m);
	hsk_t_close(test, l);
	KUNIT_ASSERT_EQ(test, hsk_t_sent(test), 3U);
	for (i = 0; i < 3; i++) {
		hsk_t_pop(test, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_RST | HSK_TH_ACK);
		KUNIT_EXPECT_EQ(test, ntohs(r.sport), 8060);
		switch (ntohs(r.dport)) {
		case 40600:
			KUNIT_EXPECT_EQ(test, r.seq, sa.seq + 1);
			KUNIT_EXPECT_EQ(test, r.ack_seq, a.seq + 1);
			seen[0] = true;
			break;
		case 40601:
			KUNIT_EXPECT_EQ(test, r.seq, sb.seq + 1);
			KUNIT_EXPECT_EQ(test, r.ack_seq, b.seq + 1);
			seen[1] = true;
			break;
		case 40602:
			KUNIT_EXPECT_EQ(test, r.seq, sc.seq + 1);
			KUNIT_EXPECT_EQ(test, r.ack_seq, c.seq);
			seen[2] = true;
			break;
		default:
			KUNIT_FAIL(test, "RST to port %u", ntohs(r.dport));
		}
	}
	KUNIT_EXPECT_TRUE(test, seen[0] && seen[1] && seen[2]);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, OutRsts), 3L);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&a));
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&b));
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&c));
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, hsk_listener_lookup(HSK_T_LADDR, htons(8060)));
	rcu_read_unlock();

	/* The port is closed now: a SYN gets a RST. */
	hsk_t_syn(&a, 40603, 8060);
	hsk_t_send(test, &a, ctx->t0);
	hsk_t_expect_one(test, &a, HSK_TH_RST | HSK_TH_ACK, &r);
}

/* --- entries without a listener pointer ------------------------------- */

/*
 * An entry made at 0.0.0.0:P belongs to that listener even once a listener
 * on the entry's own address and P exists: the third ACK joins the
 * wildcard's accept queue, as Linux's rsk_listener would have it.
 */
static void hsk_req_wildcard_owner(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *any, *l;
	struct hsk_t_seg s;
	struct hsk_seg sa;

	any = hsk_t_listen_at(test, 0, 8070, 16);

	hsk_t_syn(&s, 40700, 8070);
	hsk_t_open(test, &s, ctx->t0, &sa);
	KUNIT_EXPECT_EQ(test, t_qlen(any), 1U);

	l = hsk_t_listen(test, 8070, 16);
	hsk_t_ack_of(&s, &sa);
	hsk_t_send(test, &s, T_MS(ctx, 10));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, t_qlen(any), 0U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(any->acceptq_len), 1U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 0U);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 0U);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
}

/*
 * A specific address beats the wildcard on its port, and only there; the
 * lookup skips the specific one on ports that have none (hsk_bound_ports),
 * so that skip must end with the first such listener and not before the
 * last of its port has closed.
 */
static void hsk_listener_specific_ports(struct kunit *test)
{
	const __be32 other = cpu_to_be32(0x0a4d0003);	/* 10.77.0.3 */
	const __be32 third = cpu_to_be32(0x0a4d0004);	/* 10.77.0.4 */
	struct hsk_listener *any, *one, *two, *l;

	any = hsk_t_listen_at(test, 0, 8072, 16);
	rcu_read_lock();
	l = hsk_listener_lookup(HSK_T_LADDR, htons(8072));
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, l, any);

	one = hsk_t_listen_at(test, HSK_T_LADDR, 8072, 16);
	two = hsk_t_listen_at(test, other, 8072, 16);
	/* A bound address on another port changes nothing here. */
	hsk_t_listen_at(test, third, 8073, 16);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(HSK_T_LADDR, htons(8072)), one);
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(other, htons(8072)), two);
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(third, htons(8072)), any);
	KUNIT_EXPECT_NULL(test, hsk_listener_lookup(HSK_T_LADDR, htons(8073)));
	rcu_read_unlock();

	/* A second LISTEN on a bound address fails and leaves the rest. */
	l = NULL;
	KUNIT_EXPECT_EQ(test, -EADDRINUSE,
			hsk_listener_create(other, htons(8072), 16, &l));
	hsk_t_close(test, one);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(HSK_T_LADDR, htons(8072)), any);
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(other, htons(8072)), two);
	rcu_read_unlock();

	hsk_t_close(test, two);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(other, htons(8072)), any);
	rcu_read_unlock();

	/* And the port can be bound again. */
	one = hsk_t_listen_at(test, HSK_T_LADDR, 8072, 16);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, hsk_listener_lookup(HSK_T_LADDR, htons(8072)), one);
	rcu_read_unlock();
}

/*
 * An entry that completes leaves the table at once but stays on its timer
 * queue, DEAD, until the timer reaches it: then it is freed, with no
 * SYN-ACK and no timeout counted. The listener's counts drop at once.
 */
static void hsk_req_dead_freed_by_timer(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8071, 16);
	struct hsk_t_seg a, b;
	struct hsk_seg sa, sb;
	struct hsk_t_mibs m;

	hsk_t_syn(&a, 40710, 8071);
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_syn(&b, 40711, 8071);
	hsk_t_open(test, &b, T_MS(ctx, 10), &sb);
	hsk_t_ack_of(&a, &sa);
	hsk_t_send(test, &a, T_MS(ctx, 20));
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(&a));
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);
	KUNIT_EXPECT_EQ(test, t_young(l), 1U);
	KUNIT_ASSERT_NOT_NULL(test, l->tq[0].head);

	hsk_t_snap(&m);
	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 0L);
	/* The DEAD one is gone; b, due 10 ms later, is the head. */
	KUNIT_EXPECT_TRUE(test, l->tq[0].head && l->tq[0].head->key.rport ==
			  htons(40711));
	hsk_t_run(l, T_MS(ctx, 1010));
	t_expect_resend(test, &b, sb.seq);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, TCPTimeouts), 1L);
	KUNIT_EXPECT_NULL(test, l->tq[0].head);
	KUNIT_EXPECT_NOT_NULL(test, l->tq[1].head);
}

/*
 * A retransmitted SYN restarts its entry's timer in place; the entries
 * queued behind it still fire on time, and it fires at its new expiry.
 */
static void hsk_req_rearm_keeps_order(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	struct hsk_listener *l = hsk_t_listen(test, 8072, 16);
	struct hsk_t_seg a, b;
	struct hsk_seg sa, sb, r;

	hsk_t_syn(&a, 40720, 8072);
	hsk_t_open(test, &a, ctx->t0, &sa);
	hsk_t_syn(&b, 40721, 8072);
	hsk_t_open(test, &b, T_MS(ctx, 100), &sb);
	hsk_t_send(test, &a, T_MS(ctx, 500));
	hsk_t_expect_one(test, &a, HSK_TH_SYN | HSK_TH_ACK, &r);

	hsk_t_run(l, T_S(ctx, 1));
	hsk_t_expect_none(test);
	hsk_t_run(l, T_MS(ctx, 1100));
	t_expect_resend(test, &b, sb.seq);
	hsk_t_run(l, T_MS(ctx, 1500) - 1);
	hsk_t_expect_none(test);
	hsk_t_run(l, T_MS(ctx, 1500));
	t_expect_resend(test, &a, sa.seq);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 2U);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
}

/*
 * One run resends at most HSK_SYNQ_BUDGET SYN-ACKs, under
 * netdev_max_backlog; the rest go at the next run, a tick later.
 */
/*
 * A run sends what half the CPU's backlog has room for, at most 256; 16
 * while it is between half and three quarters full, then none.
 */
static void hsk_synq_backlog_room(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(0, 1000), 256U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(244, 1000), 256U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(300, 1000), 200U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(483, 1000), 17U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(484, 1000), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(485, 1000), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(734, 1000), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(735, 1000), 0U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(5000, 1000), 0U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(0, 100), 50U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(60, 100), 0U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(0, 63), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(9, 0), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(0, -1), 16U);
	KUNIT_EXPECT_EQ(test, hsk_synq_room_for(0, INT_MAX), 256U);
}

static void hsk_synq_budget(struct kunit *test)
{
	struct hsk_t_ctx *ctx = test->priv;
	unsigned int n = HSK_SYNQ_BUDGET + 44;
	struct hsk_listener *l = hsk_t_listen(test, 8073, n);

	hsk_knobs.max_syn_backlog = n;
	t_open_many(test, 1024, 8073, n, ctx->t0);
	KUNIT_EXPECT_EQ(test, t_qlen(l), n);
	hsk_t_run(l, T_S(ctx, 1));
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), (unsigned int)HSK_SYNQ_BUDGET);
	hsk_t_flush(test);
	KUNIT_EXPECT_LE(test, l->timer.expires, T_S(ctx, 1) + 1);
	hsk_t_run(l, T_S(ctx, 1) + 1);
	KUNIT_EXPECT_EQ(test, hsk_t_sent(test), 44U);
	hsk_t_flush(test);
	KUNIT_EXPECT_EQ(test, t_qlen(l), n);
	KUNIT_EXPECT_EQ(test, t_young(l), 0U);
}

/*
 * Through hsk_input(), the device's path: the SYN-ACK is written over the
 * SYN and answers it as the built one does (the builder's cases compare
 * the bytes); so is the RST to a closed port.
 */
static void hsk_syn_reply_in_place(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 8074, 16);
	struct hsk_t_seg s;
	struct hsk_req req;
	struct hsk_seg sa;

	hsk_t_syn(&s, 40740, 8074);
	hsk_t_input(test, &s);
	KUNIT_ASSERT_TRUE(test, t_req(&s, &req));
	hsk_t_expect_one(test, &s, HSK_TH_SYN | HSK_TH_ACK, &sa);
	KUNIT_EXPECT_EQ(test, sa.seq, req.iss);
	KUNIT_EXPECT_EQ(test, sa.ack_seq, s.seq + 1);
	KUNIT_EXPECT_EQ(test, sa.window, 65535);
	KUNIT_EXPECT_EQ(test, sa.opt.mss, 1460);
	KUNIT_EXPECT_EQ(test, sa.opt.tsecr, s.tsval);
	KUNIT_EXPECT_EQ(test, t_qlen(l), 1U);

	hsk_t_syn(&s, 40741, 8075);
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST | HSK_TH_ACK, &sa);
	KUNIT_EXPECT_EQ(test, sa.ack_seq, s.seq + 1);
}

static struct kunit_case hsk_synq_cases[] = {
	KUNIT_CASE(hsk_req_size),
	KUNIT_CASE(hsk_reqs_grow_late),
	KUNIT_CASE(hsk_synq_schedule),
	KUNIT_CASE(hsk_synq_retries_no_pruning),
	KUNIT_CASE(hsk_synq_retries_worked_example),
	KUNIT_CASE(hsk_synq_retries_table),
	KUNIT_CASE(hsk_synq_retries_closed_form),
	KUNIT_CASE(hsk_synq_retries_low_r0),
	KUNIT_CASE(hsk_syn_creates_entry),
	KUNIT_CASE(hsk_syn_synack_options),
	KUNIT_CASE(hsk_syn_synack_knobs),
	KUNIT_CASE(hsk_syn_iss_per_tuple),
	KUNIT_CASE(hsk_syn_iss_clock),
	KUNIT_CASE(hsk_syn_queue_full_drop),
	KUNIT_CASE(hsk_syn_both_queues_full_drop),
	KUNIT_CASE(hsk_listener_non_syn),
	KUNIT_CASE(hsk_syn_queue_full_cookie),
	KUNIT_CASE(hsk_syn_cookies_always),
	KUNIT_CASE(hsk_syn_acceptq_full),
	KUNIT_CASE(hsk_backlog_clamp),
	KUNIT_CASE(hsk_acceptq_holds_b_plus_1),
	KUNIT_CASE(hsk_req_syn_retransmit),
	KUNIT_CASE(hsk_req_syn_resent_saturates),
	KUNIT_CASE(hsk_syn_twin_before_policy),
	KUNIT_CASE(hsk_req_syn_resend_ratelimit),
	KUNIT_CASE(hsk_req_bad_ack),
	KUNIT_CASE(hsk_req_out_of_window),
	KUNIT_CASE(hsk_req_oow_ratelimit),
	KUNIT_CASE(hsk_req_window_edges),
	KUNIT_CASE(hsk_req_paws),
	KUNIT_CASE(hsk_req_paws_zero_ts_recent),
	KUNIT_CASE(hsk_req_paws_rst),
	KUNIT_CASE(hsk_req_rst),
	KUNIT_CASE(hsk_req_new_syn),
	KUNIT_CASE(hsk_req_no_ack),
	KUNIT_CASE(hsk_req_good_ack),
	KUNIT_CASE(hsk_req_good_ack_data),
	KUNIT_CASE(hsk_synq_no_memory),
	KUNIT_CASE(hsk_req_acceptq_full_keep),
	KUNIT_CASE(hsk_req_acked_retries_expire),
	KUNIT_CASE(hsk_req_acceptq_full_abort),
	KUNIT_CASE(hsk_synq_retransmit),
	KUNIT_CASE(hsk_synq_no_retries),
	KUNIT_CASE(hsk_synq_resend_fails),
	KUNIT_CASE(hsk_synq_resend_fails_acked),
	KUNIT_CASE(hsk_synq_schedule_driven),
	KUNIT_CASE(hsk_synq_pruning),
	KUNIT_CASE(hsk_synq_pruning_full),
	KUNIT_CASE(hsk_synq_no_pruning_at_half),
	KUNIT_CASE(hsk_listener_close_resets),
	KUNIT_CASE(hsk_listener_close_many),
	KUNIT_CASE(hsk_req_wildcard_owner),
	KUNIT_CASE(hsk_listener_specific_ports),
	KUNIT_CASE(hsk_req_dead_freed_by_timer),
	KUNIT_CASE(hsk_req_rearm_keeps_order),
	KUNIT_CASE(hsk_synq_budget),
	KUNIT_CASE(hsk_synq_backlog_room),
	KUNIT_CASE(hsk_syn_reply_in_place),
	{}
};

static struct kunit_suite hsk_synq_suite = {
	.name = "hsk_synq",
	.init = hsk_t_init,
	.exit = hsk_t_exit,
	.test_cases = hsk_synq_cases,
};
kunit_test_suite(hsk_synq_suite);
