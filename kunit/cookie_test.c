// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SYN cookies (included by mod/cookie.c), DESIGN §5 and reference
 * §5. The pure functions take the clock as @now; the listener cases go
 * through hsk_input(), the device's real path, which reads jiffies: a
 * cookie lives two minute ticks, far longer than a test.
 */

#include "hsk_test.h"

static const struct hsk_tuple hsk_ck_tuple = {
	.raddr = cpu_to_be32(0xc6120007), .laddr = cpu_to_be32(0x0a4d0002),
	.rport = htons(40000), .lport = htons(80),
};

static void hsk_cookie_mss_round_trip(struct kunit *test)
{
	static const struct { u16 in, out; } cases[] = {
		{ 100, 536 }, { 536, 536 }, { 1299, 536 }, { 1300, 1300 },
		{ 1440, 1440 }, { 1459, 1440 }, { 1460, 1460 }, { 9000, 1460 },
	};
	const struct hsk_tuple t = hsk_ck_tuple;
	unsigned long now = 1000 * HZ;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 isn = hsk_cookie_isn(&t, 12345, cases[i].in, now);

		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, 12346, isn + 1, now),
				(int)cases[i].out);
	}
}

/* Good in the tick it was made and the next; dead two ticks later. */
static void hsk_cookie_lifetime(struct kunit *test)
{
	const unsigned long tick = 60 * HZ;
	const unsigned long now = 1000 * tick;	/* a tick starts here */
	const struct hsk_tuple t = hsk_ck_tuple;
	u32 late;
	int i;

	for (i = 0; i < ARRAY_SIZE(hsk_mss_table); i++) {
		u16 mss = hsk_mss_table[i];
		u32 isn = hsk_cookie_isn(&t, 0xfffffffe, mss, now);
		u32 seq = 0xffffffff, ack = isn + 1;

		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack, now), mss);
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + tick - 1), mss);
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + tick), mss);
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + 2 * tick - 1), mss);
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + 2 * tick), -EINVAL);
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + 3 * tick), -EINVAL);
		/* From the future. */
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack, now - 1),
				-EINVAL);
		/* The 8-bit counter wrapping around does not revive it. */
		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq, ack,
						       now + 256 * tick),
				-EINVAL);
	}

	/* Made at the end of a tick: still good for the whole next one. */
	late = hsk_cookie_isn(&t, 7, 1460, now + tick - 1);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, 8, late + 1,
					       now + 2 * tick - 1), 1460);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, 8, late + 1, now + 2 * tick),
			-EINVAL);
}

/*
 * A single flipped bit of the ACK never passes as the same cookie. Bits 2
 * to 31 always fail. Bits 0 and 1 land in the MSS index (Linux's layout:
 * index + hash mod 2^24), so they can only move it to another table entry
 * or out of the table: at most 8 ACK values pass per 4-tuple and ISN.
 */
static void hsk_cookie_ack_bit_flips(struct kunit *test)
{
	const struct hsk_tuple t = hsk_ck_tuple;
	const unsigned long now = 5000 * 60 * HZ + 17;
	int i, b;

	for (i = 0; i < ARRAY_SIZE(hsk_mss_table); i++) {
		u16 mss = hsk_mss_table[i];
		u32 ack = hsk_cookie_isn(&t, 0x12345678, mss, now) + 1;
		unsigned int pass = 0;

		for (b = 0; b < 32; b++) {
			int r = hsk_cookie_check(&t, 0x12345679, ack ^ BIT(b),
						 now);

			if (b >= 2)
				KUNIT_EXPECT_EQ_MSG(test, r, -EINVAL,
						    "MSS %u, bit %d", mss, b);
			else
				KUNIT_EXPECT_NE_MSG(test, r, (int)mss,
						    "MSS %u, bit %d", mss, b);
		}
		/* Of the ACKs near the cookie, exactly the 4 indexes pass. */
		for (b = -8; b < 8; b++)
			if (hsk_cookie_check(&t, 0x12345679, ack + b, now) > 0)
				pass++;
		KUNIT_EXPECT_EQ(test, pass, 4U);
	}
}

/* A cookie is bound to the 4-tuple and the client's ISN. */
static void hsk_cookie_bound_to_tuple_and_isn(struct kunit *test)
{
	const unsigned long now = 7000 * 60 * HZ;
	const u32 seq = 0x01020304;
	struct hsk_tuple t = hsk_ck_tuple;
	u32 ack = hsk_cookie_isn(&t, seq, 1460, now) + 1;
	static const u32 isn_delta[] = { 4, 100, 1U << 16, 1U << 24, 1U << 31 };
	int i;

	KUNIT_ASSERT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), 1460);

	t.raddr = cpu_to_be32(0xc6120008);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), -EINVAL);
	t = hsk_ck_tuple;
	t.laddr = cpu_to_be32(0x0a4d0003);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), -EINVAL);
	t = hsk_ck_tuple;
	t.rport = htons(40001);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), -EINVAL);
	t = hsk_ck_tuple;
	t.lport = htons(81);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), -EINVAL);
	/* Swapped ends are another connection. */
	t.raddr = hsk_ck_tuple.laddr;
	t.laddr = hsk_ck_tuple.raddr;
	t.rport = hsk_ck_tuple.lport;
	t.lport = hsk_ck_tuple.rport;
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, seq + 1, ack, now), -EINVAL);

	t = hsk_ck_tuple;
	for (i = 0; i < ARRAY_SIZE(isn_delta); i++) {
		KUNIT_EXPECT_EQ_MSG(test, hsk_cookie_check(&t, seq + 1 + isn_delta[i],
							   ack, now),
				    -EINVAL, "ISN + %u", isn_delta[i]);
		KUNIT_EXPECT_EQ_MSG(test, hsk_cookie_check(&t, seq + 1 - isn_delta[i],
							   ack, now),
				    -EINVAL, "ISN - %u", isn_delta[i]);
	}
}

/* TSval: [5] ECN, [4] SACK, [3:0] wscale (0xf none); never after ts_now. */
static void hsk_cookie_tsval_layout(struct kunit *test)
{
	static const u32 nows[] = {
		0, 1, 63, 64, 0x12345678, 0x7fffffc0, 0x80000005, 0xffffffff,
	};
	int n, ws, opt;

	for (n = 0; n < ARRAY_SIZE(nows); n++) {
		for (ws = -1; ws <= HSK_MAX_WSCALE; ws++) {
			for (opt = 0; opt < 4; opt++) {
				bool sack = opt & 1, ecn = opt & 2;
				u32 want = (ws < 0 ? 0xf : ws) |
					   (sack ? BIT(4) : 0) |
					   (ecn ? BIT(5) : 0);
				u32 ts = hsk_cookie_tsval(nows[n], ws, sack,
							  ecn);

				KUNIT_EXPECT_EQ(test, ts & 0x3f, want);
				KUNIT_EXPECT_FALSE_MSG(test,
						       after(ts, nows[n]),
						       "ts %#x now %#x", ts,
						       nows[n]);
				KUNIT_EXPECT_LT(test, nows[n] - ts, 64U);
			}
		}
	}
}

/*
 * TSecr decoding with each feature's knob on and off, as Linux's
 * cookie_timestamp_decode: what is on comes back, a claim of what is off
 * is refused, and the ECN bit changes nothing (cookie_ecn_ok without
 * tcp_ecn).
 */
static void hsk_cookie_decode_ts_rules(struct kunit *test)
{
	struct hsk_cookie ck;
	int ws, knob;

	for (knob = 0; knob < 4; knob++) {
		bool sack_on = knob & 1, ws_on = knob & 2;

		for (ws = -1; ws <= HSK_MAX_WSCALE; ws++) {
			u32 ts;
			int want;

			/* wscale ws, no SACK */
			ts = hsk_cookie_tsval(0x12345678, ws, false, false);
			want = ws >= 0 && !ws_on ? -EINVAL : 0;
			memset(&ck, 0xff, sizeof(ck));
			KUNIT_EXPECT_EQ_MSG(test, hsk_cookie_decode_ts(ts, sack_on,
								       ws_on, &ck),
					    want, "ws %d knobs sack %d ws %d", ws,
					    sack_on, ws_on);
			if (!want) {
				KUNIT_EXPECT_EQ(test, ck.ws, ws >= 0);
				if (ws >= 0)
					KUNIT_EXPECT_EQ(test, (int)ck.wscale, ws);
				KUNIT_EXPECT_FALSE(test, ck.sack);
			}

			/* wscale ws and SACK */
			ts = hsk_cookie_tsval(0x12345678, ws, true, false);
			want = !sack_on || (ws >= 0 && !ws_on) ? -EINVAL : 0;
			memset(&ck, 0, sizeof(ck));
			KUNIT_EXPECT_EQ_MSG(test, hsk_cookie_decode_ts(ts, sack_on,
								       ws_on, &ck),
					    want, "ws %d + SACK, knobs sack %d ws %d",
					    ws, sack_on, ws_on);
			if (!want) {
				KUNIT_EXPECT_TRUE(test, ck.sack);
				KUNIT_EXPECT_EQ(test, ck.ws, ws >= 0);
			}

			/* ECN: ignored, the rest decoded as without it. */
			ts = hsk_cookie_tsval(0x12345678, ws, false, true);
			want = ws >= 0 && !ws_on ? -EINVAL : 0;
			memset(&ck, 0, sizeof(ck));
			KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(ts, sack_on,
								   ws_on, &ck),
					want);
			if (!want)
				KUNIT_EXPECT_EQ(test, ck.ws, ws >= 0);
		}
	}

	/* A wscale field of 15 is "none", 14 the largest shift. */
	memset(&ck, 0, sizeof(ck));
	KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(0xabcdef0f, false, false,
						   &ck), 0);
	KUNIT_EXPECT_FALSE(test, ck.ws);
	KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(0xabcdef1f, true, false,
						   &ck), 0);
	KUNIT_EXPECT_TRUE(test, ck.sack);
	KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(0x0e, true, true, &ck), 0);
	KUNIT_EXPECT_EQ(test, (int)ck.wscale, HSK_MAX_WSCALE);
	KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(0x10, false, true, &ck),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hsk_cookie_decode_ts(0x2f, true, true, &ck), 0);
	KUNIT_EXPECT_FALSE(test, ck.ws);
}

/* --- cookies at a listener, through hsk_input() ------------------------- */

/*
 * The client sends SYN @s with syncookies = 2; returns the cookie SYN-ACK
 * after checking that it left no state.
 */
static void hsk_ck_open(struct kunit *test, struct hsk_listener *l,
			const struct hsk_t_seg *s, struct hsk_seg *synack)
{
	hsk_knobs.syncookies = 2;
	hsk_t_input(test, s);
	hsk_t_expect_one(test, s, HSK_TH_SYN | HSK_TH_ACK, synack);
	KUNIT_EXPECT_EQ(test, synack->ack_seq, s->seq + 1);
	KUNIT_EXPECT_FALSE(test, hsk_t_has_req(s));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->qlen), 0U);
}

/*
 * A valid cookie ACK opens a connection in the accept queue with what the
 * cookie kept: the table MSS and, with timestamps, the window scale.
 */
static void hsk_cookie_ack_opens(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9001, 16);
	struct hsk_t_seg syn, s;
	struct hsk_t_mibs m;
	struct hsk_tuple t;
	struct hsk_conn *c;
	struct hsk_seg sa;

	hsk_t_syn(&syn, 41001, 9001);
	syn.mss = 1400;
	syn.wscale = 5;
	hsk_ck_open(test, l, &syn, &sa);
	/* It answers MSS, SACK, TS and WS; TSval carries SACK, wscale 5. */
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS | HSK_HAS_SACK_PERM |
			HSK_HAS_TS | HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, sa.opt.mss, hsk_local_mss());
	KUNIT_EXPECT_EQ(test, sa.opt.wscale, HSK_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, sa.opt.tsecr, syn.tsval);
	KUNIT_EXPECT_EQ(test, sa.opt.tsval & 0x3f, 5U | BIT(4));
	KUNIT_EXPECT_EQ(test, sa.window, 65535);
	hsk_t_tuple(&syn, &t);
	KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, syn.seq + 1, sa.seq + 1,
					       jiffies), 1300);

	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesRecv), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesFailed), 0L);

	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, (int)c->state, HSK_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c->mss, 1300);
	KUNIT_EXPECT_EQ(test, c->iss, sa.seq);
	KUNIT_EXPECT_EQ(test, c->irs, syn.seq);
	KUNIT_EXPECT_EQ(test, c->snd_nxt, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, syn.seq + 1);
	KUNIT_EXPECT_EQ(test, (int)c->opts,
			HSK_OPTI_TS | HSK_OPTI_WSCALE | HSK_OPTI_SACK);
	KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 5);
	KUNIT_EXPECT_EQ(test, (int)c->rcv_wscale, HSK_RCV_WSCALE);
	KUNIT_EXPECT_EQ(test, c->ts_recent, s.tsval);
	KUNIT_EXPECT_EQ(test, c->snd_wnd, (u32)s.window << 5);
	KUNIT_EXPECT_PTR_EQ(test, hsk_t_accept(test, l), c);
}

/*
 * Without timestamps there is nowhere to keep options: the SYN-ACK offers
 * MSS only (as Linux clears them) and the connection has no WS, no TS.
 */
static void hsk_cookie_ack_without_ts(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9002, 16);
	struct hsk_t_seg syn, s;
	struct hsk_conn *c;
	struct hsk_seg sa;

	hsk_t_syn(&syn, 41002, 9002);
	syn.ts = false;
	hsk_ck_open(test, l, &syn, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->mss, 1460);
	KUNIT_EXPECT_EQ(test, (int)c->opts, 0);
	KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 0);
	KUNIT_EXPECT_EQ(test, (int)c->rcv_wscale, 0);

	/* No MSS option at all: 536. */
	hsk_t_syn_bare(&syn, 41003, 9002);
	hsk_ck_open(test, l, &syn, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_input(test, &s);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->mss, 536);
}

/*
 * An invalid cookie: RST with seq = the ACK's ack [SyncookiesFailed]. A
 * good cookie whose TSecr claims what we would not have offered: RST too,
 * but counted received, as Linux's cookie_v4_check().
 */
static void hsk_cookie_ack_invalid(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9003, 16);
	struct hsk_t_seg syn, s;
	struct hsk_t_mibs m;
	struct hsk_seg sa, r;

	hsk_knobs.syncookies = 1;
	hsk_t_snap(&m);

	/* A stray ACK: no SYN-ACK was ever sent. */
	hsk_t_syn(&s, 41030, 9003);
	hsk_t_ack_of(&s, &(struct hsk_seg){ .seq = 0x31415926 });
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, 0x31415927U);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));

	/* A real cookie, mangled. */
	hsk_t_syn(&syn, 41031, 9003);
	hsk_ck_open(test, l, &syn, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	s.ack ^= BIT(12);
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, s.ack);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));

	/* A real cookie whose TSecr claims SACK with net.hsk.sack = 0. */
	s.ack ^= BIT(12);
	KUNIT_ASSERT_TRUE(test, sa.opt.tsval & BIT(4));
	hsk_knobs.sack = 0;
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, s.ack);
	hsk_knobs.sack = 1;
	/* A window scale with net.hsk.window_scaling = 0. */
	hsk_knobs.window_scaling = 0;
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	hsk_knobs.window_scaling = 1;
	/* Any timestamp with net.hsk.timestamps = 0. */
	hsk_knobs.timestamps = 0;
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	hsk_knobs.timestamps = 1;
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));

	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesFailed), 2L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesRecv), 3L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 0U);

	/*
	 * The same ACK with the ECN bit set in its TSecr, which hsk never
	 * sets: ignored (Linux without tcp_ecn), so the cookie is good.
	 */
	s.tsecr = sa.opt.tsval | BIT(5);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
}

/* syncookies = 0: no cookie is checked; a bare ACK gets a RST, uncounted. */
static void hsk_cookie_ack_cookies_off(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9004, 16);
	struct hsk_t_seg syn, s;
	struct hsk_t_mibs m;
	struct hsk_seg sa, r;

	hsk_t_syn(&syn, 41040, 9004);
	hsk_ck_open(test, l, &syn, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_knobs.syncookies = 0;
	hsk_t_snap(&m);
	hsk_t_input(test, &s);
	hsk_t_expect_one(test, &s, HSK_TH_RST, &r);
	KUNIT_EXPECT_EQ(test, r.seq, sa.seq + 1);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesFailed), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesRecv), 0L);
}

/* A valid cookie while the accept queue is full: dropped, no state. */
static void hsk_cookie_ack_acceptq_full(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9005, 0);
	struct hsk_t_seg a, b;
	struct hsk_seg sa, sb;
	struct hsk_t_mibs m;

	hsk_t_syn(&a, 41050, 9005);
	hsk_ck_open(test, l, &a, &sa);
	hsk_t_syn(&b, 41051, 9005);
	hsk_ck_open(test, l, &b, &sb);
	hsk_t_ack_of(&a, &sa);
	hsk_t_input(test, &a);
	KUNIT_ASSERT_NOT_NULL(test, hsk_t_conn(&a));
	KUNIT_ASSERT_TRUE(test, hsk_acceptq_full(l));

	hsk_t_ack_of(&b, &sb);
	hsk_t_snap(&m);
	hsk_t_input(test, &b);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&b));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 1U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, SyncookiesFailed), 0L);
}

/*
 * No memory for the connection of a valid cookie ACK: dropped [DropNoMem,
 * ListenDrops], nothing kept; the client's next ACK, the cookie still in
 * it, opens it.
 */
static void hsk_cookie_ack_no_memory(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9008, 16);
	struct hsk_t_seg syn, s;
	struct hsk_t_mibs m;
	struct hsk_seg sa;

	hsk_t_syn(&syn, 41080, 9008);
	hsk_ck_open(test, l, &syn, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_snap(&m);
	hsk_test_fail_allocs = 1;
	hsk_t_input(test, &s);
	KUNIT_EXPECT_EQ(test, hsk_test_fail_allocs, 0U);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->acceptq_len), 0U);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, DropNoMem), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenDrops), 1L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, ListenOverflows), 0L);
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 0L);

	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_conn(&s));
	KUNIT_EXPECT_EQ(test, hsk_t_delta(&m, PassiveOpens), 1L);
	KUNIT_EXPECT_NOT_NULL(test, hsk_t_accept(test, l));
}

/* Data riding on a valid cookie ACK is queued and acknowledged. */
static void hsk_cookie_ack_data(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9006, 16);
	struct hsk_t_seg syn, s;
	struct sk_buff *skb;
	struct hsk_seg sa, a;
	struct hsk_conn *c;
	char buf[5];

	hsk_t_syn(&syn, 41060, 9006);
	hsk_ck_open(test, l, &syn, &sa);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	s.flags |= HSK_TH_PSH;
	s.data = "howdy";
	s.len = 5;
	hsk_t_input(test, &s);

	hsk_t_expect_one(test, &s, HSK_TH_ACK, &a);
	KUNIT_EXPECT_EQ(test, a.seq, sa.seq + 1);
	KUNIT_EXPECT_EQ(test, a.ack_seq, syn.seq + 1 + 5);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->rcv_nxt, syn.seq + 1 + 5);
	KUNIT_EXPECT_EQ(test, c->rx_bytes, 5U);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&c->rxq), 1U);
	skb = skb_peek(&c->rxq);
	KUNIT_ASSERT_EQ(test, skb->len, 5U);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, buf, 5), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "howdy", 5), 0);
}

/*
 * The cookie SYN-ACK offers only what the knobs allow, and the TSval's
 * low bits say exactly that: sack = 0 drops SACK_PERM and bit 4;
 * window_scaling = 0 drops WS (wscale field 0xf); timestamps = 0 leaves
 * nowhere to keep options, so MSS alone.
 */
static void hsk_cookie_synack_knobs(struct kunit *test)
{
	struct hsk_listener *l = hsk_t_listen(test, 9007, 16);
	struct hsk_t_seg syn, s;
	struct hsk_conn *c;
	struct hsk_seg sa;

	hsk_knobs.sack = 0;
	hsk_t_syn(&syn, 41070, 9007);
	hsk_ck_open(test, l, &syn, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has,
			HSK_HAS_MSS | HSK_HAS_TS | HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, sa.opt.tsval & 0x3f, 7U);
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, (int)c->opts, HSK_OPTI_TS | HSK_OPTI_WSCALE);
	hsk_knobs.sack = 1;

	hsk_knobs.window_scaling = 0;
	hsk_t_syn(&syn, 41071, 9007);
	hsk_ck_open(test, l, &syn, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has,
			HSK_HAS_MSS | HSK_HAS_TS | HSK_HAS_SACK_PERM);
	KUNIT_EXPECT_EQ(test, sa.opt.tsval & 0x3f, 0xfU | BIT(4));
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, (int)c->opts, HSK_OPTI_TS | HSK_OPTI_SACK);
	KUNIT_EXPECT_EQ(test, (int)c->snd_wscale, 0);
	hsk_knobs.window_scaling = 1;

	hsk_knobs.timestamps = 0;
	hsk_t_syn(&syn, 41072, 9007);
	hsk_ck_open(test, l, &syn, &sa);
	KUNIT_EXPECT_EQ(test, sa.opt.has, HSK_HAS_MSS);
	syn.ts = false;		/* as a client that got no TS back */
	s = syn;
	hsk_t_ack_of(&s, &sa);
	hsk_t_input(test, &s);
	hsk_t_expect_none(test);
	c = hsk_t_conn(&s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, (int)c->opts, 0);
}

static struct kunit_case hsk_cookie_cases[] = {
	KUNIT_CASE(hsk_cookie_mss_round_trip),
	KUNIT_CASE(hsk_cookie_lifetime),
	KUNIT_CASE(hsk_cookie_ack_bit_flips),
	KUNIT_CASE(hsk_cookie_bound_to_tuple_and_isn),
	KUNIT_CASE(hsk_cookie_tsval_layout),
	KUNIT_CASE(hsk_cookie_decode_ts_rules),
	KUNIT_CASE(hsk_cookie_ack_opens),
	KUNIT_CASE(hsk_cookie_ack_without_ts),
	KUNIT_CASE(hsk_cookie_ack_invalid),
	KUNIT_CASE(hsk_cookie_ack_cookies_off),
	KUNIT_CASE(hsk_cookie_ack_acceptq_full),
	KUNIT_CASE(hsk_cookie_ack_no_memory),
	KUNIT_CASE(hsk_cookie_ack_data),
	KUNIT_CASE(hsk_cookie_synack_knobs),
	{}
};

static struct kunit_suite hsk_cookie_suite = {
	.name = "hsk_cookie",
	.init = hsk_t_init,
	.exit = hsk_t_exit,
	.test_cases = hsk_cookie_cases,
};
kunit_test_suite(hsk_cookie_suite);
