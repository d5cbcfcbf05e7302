// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the closed-port RST rules of RFC 793, the segment builder and
 * replies written over the segment they answer (included by mod/output.c).
 */

#include <kunit/test.h>

static void hsk_tseg(struct hsk_seg *s, u8 flags, u32 len)
{
	memset(s, 0, sizeof(*s));
	s->saddr = cpu_to_be32(0xc6120007);
	s->daddr = cpu_to_be32(0x0a4d0002);
	s->sport = htons(40000);
	s->dport = htons(80);
	s->seq = 0xfffffff0;	/* so the ACK arithmetic wraps */
	s->ack_seq = 0xabcdef01;
	s->flags = flags;
	s->len = len;
	s->end_seq = s->seq + len + !!(flags & HSK_TH_SYN) +
		     !!(flags & HSK_TH_FIN);
}

static void hsk_rst_to_syn(struct kunit *test)
{
	struct hsk_reply r;
	struct hsk_seg s;

	hsk_tseg(&s, HSK_TH_SYN, 0);
	hsk_reset_reply(&s, &r);
	KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_RST | HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, r.seq, 0U);
	KUNIT_EXPECT_EQ(test, r.ack_seq, 0xfffffff1U);
	KUNIT_EXPECT_EQ(test, r.window, 0);
	KUNIT_EXPECT_EQ(test, ntohl(r.saddr), ntohl(s.daddr));
	KUNIT_EXPECT_EQ(test, ntohl(r.daddr), ntohl(s.saddr));
	KUNIT_EXPECT_EQ(test, ntohs(r.sport), ntohs(s.dport));
	KUNIT_EXPECT_EQ(test, ntohs(r.dport), ntohs(s.sport));
}

static void hsk_rst_without_ack_counts_everything(struct kunit *test)
{
	struct hsk_reply r;
	struct hsk_seg s;

	hsk_tseg(&s, HSK_TH_SYN, 10);
	hsk_reset_reply(&s, &r);
	KUNIT_EXPECT_EQ(test, r.ack_seq, 0xfffffff0U + 11);

	hsk_tseg(&s, HSK_TH_SYN | HSK_TH_FIN, 0);
	hsk_reset_reply(&s, &r);
	KUNIT_EXPECT_EQ(test, r.ack_seq, 0xfffffff0U + 2);

	hsk_tseg(&s, HSK_TH_FIN, 0);
	hsk_reset_reply(&s, &r);
	KUNIT_EXPECT_EQ(test, r.ack_seq, 0xfffffff0U + 1);

	hsk_tseg(&s, 0, 7);
	hsk_reset_reply(&s, &r);
	KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_RST | HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, r.ack_seq, 0xfffffff0U + 7);
}

static void hsk_rst_to_ack(struct kunit *test)
{
	static const u8 with_ack[] = {
		HSK_TH_ACK, HSK_TH_ACK | HSK_TH_FIN, HSK_TH_ACK | HSK_TH_SYN,
		HSK_TH_ACK | HSK_TH_PSH,
	};
	struct hsk_reply r;
	struct hsk_seg s;
	int i;

	for (i = 0; i < ARRAY_SIZE(with_ack); i++) {
		hsk_tseg(&s, with_ack[i], 5);
		hsk_reset_reply(&s, &r);
		KUNIT_EXPECT_EQ(test, r.flags, HSK_TH_RST);
		KUNIT_EXPECT_EQ(test, r.seq, 0xabcdef01U);
		KUNIT_EXPECT_EQ(test, r.ack_seq, 0U);
	}
}

static void hsk_build_fields(struct kunit *test)
{
	static const u8 opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	const struct hsk_reply r = {
		.saddr = cpu_to_be32(0x0a4d0002),
		.daddr = cpu_to_be32(0xc6120007),
		.sport = htons(80),
		.dport = htons(40000),
		.seq = 0x01020304,
		.ack_seq = 0x0a0b0c0d,
		.window = 4321,
		.flags = HSK_TH_SYN | HSK_TH_ACK,
	};
	struct sk_buff *skb = hsk_build_segment(&r, opts, sizeof(opts));
	const struct iphdr *iph;
	const struct tcphdr *th;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, skb->len, 20U + 20 + sizeof(opts));
	iph = ip_hdr(skb);
	th = tcp_hdr(skb);
	KUNIT_EXPECT_PTR_EQ(test, (void *)iph, (void *)skb->data);
	KUNIT_EXPECT_EQ(test, (int)iph->version, 4);
	KUNIT_EXPECT_EQ(test, (int)iph->ihl, 5);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), skb->len);
	KUNIT_EXPECT_EQ(test, iph->ttl, HSK_DEFAULT_TTL);
	KUNIT_EXPECT_EQ(test, ntohs(iph->frag_off), IP_DF);
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(iph, iph->ihl), 0);
	KUNIT_EXPECT_EQ(test, ntohs(th->source), 80);
	KUNIT_EXPECT_EQ(test, ntohs(th->dest), 40000);
	KUNIT_EXPECT_EQ(test, ntohl(th->seq), 0x01020304U);
	KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), 0x0a0b0c0dU);
	KUNIT_EXPECT_EQ(test, (int)th->doff, 7);
	KUNIT_EXPECT_EQ(test, tcp_flag_byte(th), HSK_TH_SYN | HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, ntohs(th->window), 4321);
	KUNIT_EXPECT_EQ(test, memcmp(th + 1, opts, sizeof(opts)), 0);
	KUNIT_EXPECT_EQ(test, (__force u16)csum_tcpudp_magic(iph->saddr, iph->daddr,
						28, IPPROTO_TCP,
						csum_partial(th, 28, 0)), 0);
	/* Room to forward it out of an Ethernet device without a copy. */
	KUNIT_EXPECT_GE(test, skb_headroom(skb), (unsigned int)LL_MAX_HEADER);
	kfree_skb(skb);
}

/* What output builds, input accepts: the two agree on the wire format. */
static void hsk_build_round_trip(struct kunit *test)
{
	struct hsk_reply r;
	struct sk_buff *skb;
	struct hsk_seg s, back;

	hsk_tseg(&s, HSK_TH_SYN, 0);
	hsk_reset_reply(&s, &r);
	skb = hsk_build_segment(&r, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->ip_summed = CHECKSUM_NONE;	/* make parse verify it */
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_parse(skb, &back));
	KUNIT_EXPECT_EQ(test, back.flags, HSK_TH_RST | HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, back.seq, 0U);
	KUNIT_EXPECT_EQ(test, back.ack_seq, s.seq + 1);
	KUNIT_EXPECT_EQ(test, ntohl(back.saddr), ntohl(s.daddr));
	KUNIT_EXPECT_EQ(test, ntohs(back.dport), ntohs(s.sport));
	KUNIT_EXPECT_EQ(test, back.len, 0U);
	kfree_skb(skb);
}

/* Checks that @o is written as the @len bytes of @want. */
static void t_opts_bytes(struct kunit *test, const struct hsk_opts *o,
			 const u8 *want, unsigned int len)
{
	u8 buf[HSK_MAX_OPTLEN + 8];
	unsigned int n;

	memset(buf, 0xee, sizeof(buf));
	n = hsk_write_options(buf, o);
	KUNIT_ASSERT_EQ(test, n, len);
	KUNIT_EXPECT_EQ(test, hsk_options_len(o), len);
	KUNIT_EXPECT_EQ(test, n % 4, 0U);
	KUNIT_EXPECT_LE(test, n, (unsigned int)HSK_MAX_OPTLEN);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, len), 0);
	/* Not a byte more. */
	KUNIT_EXPECT_EQ(test, buf[len], 0xee);
}

/*
 * SYN-ACK options byte for byte as Linux's tcp_options_write lays them
 * out: SACK_PERM takes TS's NOP NOP; without TS it gets its own.
 */
static void hsk_synack_option_bytes(struct kunit *test)
{
	static const u8 sack_ts_ws[] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44, 0xa1, 0xb2, 0xc3, 0xd4,
		1, 3, 3, 7,
	};
	static const u8 sack_ws[] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7,
	};
	static const u8 sack_only[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
	static const u8 ts_ws[] = {
		2, 4, 0x05, 0xb4,
		1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0xa1, 0xb2, 0xc3, 0xd4,
		1, 3, 3, 7,
	};
	static const u8 mss[] = { 2, 4, 0x05, 0xb4 };
	struct hsk_opts o = {
		.mss = 1460, .wscale = 7, .tsval = 0x11223344,
		.tsecr = 0xa1b2c3d4,
	};

	o.has = HSK_HAS_MSS | HSK_HAS_SACK_PERM | HSK_HAS_TS | HSK_HAS_WSCALE;
	t_opts_bytes(test, &o, sack_ts_ws, sizeof(sack_ts_ws));
	o.has = HSK_HAS_MSS | HSK_HAS_SACK_PERM | HSK_HAS_WSCALE;
	t_opts_bytes(test, &o, sack_ws, sizeof(sack_ws));
	o.has = HSK_HAS_MSS | HSK_HAS_SACK_PERM;
	t_opts_bytes(test, &o, sack_only, sizeof(sack_only));
	o.has = HSK_HAS_MSS | HSK_HAS_TS | HSK_HAS_WSCALE;
	t_opts_bytes(test, &o, ts_ws, sizeof(ts_ws));
	o.has = HSK_HAS_MSS;
	t_opts_bytes(test, &o, mss, sizeof(mss));
	o.has = 0;
	t_opts_bytes(test, &o, mss, 0);
}

/* SACK blocks: NOP NOP SACK len after TS, filling the 40 bytes at most. */
static void hsk_sack_option_bytes(struct kunit *test)
{
	static const u8 blocks[] = {
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
	};
	static const u8 ts3[] = {
		1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 10,
		1, 1, 5, 26,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6,
	};
	static const u8 four[] = {
		1, 1, 5, 34,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
	};
	static const u8 one[] = { 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct hsk_opts o = { .tsval = 9, .tsecr = 10, .sack = blocks };

	o.has = HSK_HAS_TS;
	o.nr_sack = HSK_MAX_SACK_TS;
	t_opts_bytes(test, &o, ts3, sizeof(ts3));
	o.has = 0;
	o.nr_sack = HSK_MAX_SACK;
	t_opts_bytes(test, &o, four, sizeof(four));
	o.nr_sack = 1;
	t_opts_bytes(test, &o, one, sizeof(one));
}

/*
 * hsk_write_options()'s word-at-a-time sets write what the walk writes:
 * every combination of options, with and without a SACK block, with
 * values whose bytes all differ.
 */
static void hsk_option_fast_paths(struct kunit *test)
{
	static const u8 block[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct hsk_opts o = {
		.mss = 0x1234, .wscale = 9, .tsval = 0x89abcdef,
		.tsecr = 0x76543210, .sack = block,
	};
	u8 fast[HSK_MAX_OPTLEN + 8], walk[HSK_MAX_OPTLEN + 8];
	unsigned int has, nr, nf, nw;

	for (has = 0; has <= HSK_HAS_LINUX_SYN; has++) {
		for (nr = 0; nr <= 1; nr++) {
			o.has = has;
			o.nr_sack = nr;
			memset(fast, 0xee, sizeof(fast));
			memset(walk, 0xee, sizeof(walk));
			nf = hsk_write_options(fast, &o);
			nw = hsk_write_options_walk(walk, &o);
			KUNIT_EXPECT_EQ_MSG(test, nf, nw, "has %x sack %u", has, nr);
			KUNIT_EXPECT_EQ(test, nf, hsk_options_len(&o));
			KUNIT_EXPECT_EQ_MSG(test, memcmp(fast, walk, sizeof(fast)), 0,
					    "has %x sack %u: %*ph", has, nr,
					    nf, fast);
		}
	}
}

static void hsk_send_reset_counts(struct kunit *test)
{
	unsigned long rsts = hsk_stat_read(HSK_MIB_OutRsts);
	unsigned long segs = hsk_stat_read(HSK_MIB_OutSegs);
	struct hsk_seg s;

	hsk_tseg(&s, HSK_TH_SYN, 0);
	hsk_send_reset(&s);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_OutRsts), rsts + 1);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_OutSegs), segs + 1);
}

/* A 60-byte SYN as Linux sends it, parsed, its skb offered for a reply. */
static struct sk_buff *hsk_t_linux_syn(struct kunit *test, struct hsk_seg *s,
				       struct sk_buff **slot)
{
	static const u8 opts[] = {
		2, 4, 0x05, 0xb4,			/* MSS 1460 */
		4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0,	/* SACK_PERM, TS */
		1, 3, 3, 7,				/* NOP, WS 7 */
	};
	const struct hsk_reply r = {
		.saddr = cpu_to_be32(0xc6120007),
		.daddr = cpu_to_be32(0x0a4d0002),
		.sport = htons(40000),
		.dport = htons(80),
		.seq = 0xfffffff0,
		.window = 64240,
		.flags = HSK_TH_SYN,
	};
	struct sk_buff *skb = hsk_build_segment(&r, opts, sizeof(opts));

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, skb->len, 60U);
	skb->ip_summed = CHECKSUM_NONE;
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_parse(skb, s));
	*slot = skb;
	s->skbp = slot;
	return skb;
}

/* The SYN-ACK hsk sends to a Linux SYN: MSS, NOP NOP TS, NOP WS. */
static void hsk_t_synack_of(const struct hsk_seg *syn, struct hsk_reply *r,
			    struct hsk_opts *o)
{
	*o = (struct hsk_opts){
		.mss = 1460, .wscale = 7, .tsval = 0x55667788,
		.tsecr = syn->opt.tsval,
		.has = HSK_HAS_MSS | HSK_HAS_TS | HSK_HAS_WSCALE,
	};

	r->saddr = syn->daddr;
	r->daddr = syn->saddr;
	r->sport = syn->dport;
	r->dport = syn->sport;
	r->seq = 0x01020304;
	r->ack_seq = syn->seq + 1;
	r->window = HSK_SYNACK_WINDOW;
	r->flags = HSK_TH_SYN | HSK_TH_ACK;
	r->hash = 0;
}

static void hsk_t_expect_same(struct kunit *test, const struct sk_buff *a,
			      const struct sk_buff *b)
{
	KUNIT_ASSERT_EQ(test, a->len, b->len);
	KUNIT_EXPECT_EQ(test, memcmp(a->data, b->data, a->len), 0);
	KUNIT_EXPECT_EQ(test, skb_network_offset(a), skb_network_offset(b));
	KUNIT_EXPECT_EQ(test, skb_transport_offset(a),
			skb_transport_offset(b));
	KUNIT_EXPECT_EQ(test, a->protocol, b->protocol);
	KUNIT_EXPECT_EQ(test, (int)a->ip_summed, (int)b->ip_summed);
	KUNIT_EXPECT_NULL(test, a->sk);
	KUNIT_EXPECT_NULL(test, skb_dst(a));
	KUNIT_EXPECT_EQ(test, a->mark, 0U);
	KUNIT_EXPECT_EQ(test, (long long)a->tstamp, 0LL);
	/* The flow's hash, not whatever the answered skb had. */
	KUNIT_EXPECT_TRUE(test, a->l4_hash);
	KUNIT_EXPECT_EQ(test, a->hash, b->hash);
}

/*
 * A SYN-ACK written over the SYN is byte for byte the one built anew:
 * addresses, ports, seq, ack, flags, window, options, both checksums.
 */
static void hsk_reply_in_place_synack(struct kunit *test)
{
	struct sk_buff *syn, *slot, *fresh, *inplace, *other;
	struct hsk_reply r, r2;
	struct hsk_seg s, back;
	struct hsk_opts o;

	syn = hsk_t_linux_syn(test, &s, &slot);
	syn->mark = 7;
	syn->tstamp = 12345;
	skb_set_hash(syn, 0x1234, PKT_HASH_TYPE_L3);
	hsk_t_synack_of(&s, &r, &o);

	fresh = hsk_make_reply(&r, &o, NULL);
	KUNIT_ASSERT_NOT_NULL(test, fresh);
	/* Another flow, another hash (a keyed jhash: 2^-32 to collide). */
	r2 = r;
	r2.dport = htons(ntohs(r.dport) + 1);
	other = hsk_make_reply(&r2, &o, NULL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_NE(test, other->hash, fresh->hash);
	kfree_skb(other);
	KUNIT_EXPECT_PTR_EQ(test, slot, syn);	/* not offered: not taken */
	KUNIT_EXPECT_EQ(test, fresh->len, 60U);	/* 20 bytes of options */
	inplace = hsk_make_reply(&r, &o, &s);
	KUNIT_EXPECT_PTR_EQ(test, inplace, syn);
	KUNIT_EXPECT_NULL(test, slot);
	hsk_t_expect_same(test, inplace, fresh);

	inplace->ip_summed = CHECKSUM_NONE;	/* so parse checks both sums */
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_parse(inplace, &back));
	KUNIT_EXPECT_EQ(test, back.flags, HSK_TH_SYN | HSK_TH_ACK);
	KUNIT_EXPECT_EQ(test, back.seq, 0x01020304U);
	KUNIT_EXPECT_EQ(test, back.ack_seq, 0xfffffff1U);
	KUNIT_EXPECT_EQ(test, back.opt.tsecr, 0x1234U);
	KUNIT_EXPECT_EQ(test, back.opt.has,
			HSK_HAS_MSS | HSK_HAS_TS | HSK_HAS_WSCALE);
	kfree_skb(fresh);
	kfree_skb(inplace);
}

/* A RST (40 bytes) over a 60-byte SYN: trimmed, the same as built anew. */
static void hsk_reply_in_place_rst(struct kunit *test)
{
	struct sk_buff *syn, *slot, *fresh, *inplace;
	struct hsk_reply r;
	struct hsk_seg s;

	syn = hsk_t_linux_syn(test, &s, &slot);
	hsk_reset_reply(&s, &r);
	fresh = hsk_make_reply(&r, NULL, NULL);
	inplace = hsk_make_reply(&r, NULL, &s);
	KUNIT_ASSERT_NOT_NULL(test, fresh);
	KUNIT_EXPECT_PTR_EQ(test, inplace, syn);
	KUNIT_EXPECT_EQ(test, inplace->len, 40U);
	hsk_t_expect_same(test, inplace, fresh);
	kfree_skb(fresh);
	kfree_skb(inplace);
}

/*
 * A clone (Linux's own SYN, a tap on hsk0) is answered with a new segment
 * whose head is a 512-byte slab object, leaving the clones' bytes alone
 * and the SYN where it was; a shared skb is not written at all.
 */
static void hsk_reply_in_place_clone_shared(struct kunit *test)
{
	struct sk_buff *syn, *slot, *tap, *reply;
	struct hsk_reply r;
	struct hsk_opts o;
	struct hsk_seg s;
	u8 copy[60];

	syn = hsk_t_linux_syn(test, &s, &slot);
	memcpy(copy, syn->data, 60);
	tap = skb_clone(syn, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tap);
	hsk_t_synack_of(&s, &r, &o);
	reply = hsk_make_reply(&r, &o, &s);
	KUNIT_ASSERT_NOT_NULL(test, reply);
	KUNIT_EXPECT_PTR_NE(test, reply, syn);
	KUNIT_EXPECT_PTR_EQ(test, slot, syn);
	KUNIT_EXPECT_FALSE(test, skb_cloned(reply));
	KUNIT_EXPECT_LE(test, skb_end_offset(reply) +
			SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), 512U);
	KUNIT_EXPECT_EQ(test, memcmp(tap->data, copy, 60), 0);
	KUNIT_EXPECT_EQ(test, memcmp(syn->data, copy, 60), 0);
	kfree_skb(tap);
	kfree_skb(reply);
	kfree_skb(syn);

	syn = hsk_t_linux_syn(test, &s, &slot);
	skb_get(syn);
	reply = hsk_make_reply(&r, &o, &s);
	KUNIT_EXPECT_PTR_NE(test, reply, syn);
	KUNIT_EXPECT_PTR_EQ(test, slot, syn);
	kfree_skb(reply);
	kfree_skb(syn);
	kfree_skb(syn);
}

/* hsk_send_reset() offered the skb: it takes it, and counts as ever. */
static void hsk_send_reset_in_place(struct kunit *test)
{
	unsigned long rsts = hsk_stat_read(HSK_MIB_OutRsts);
	struct sk_buff *syn, *slot, *got;
	struct sk_buff_head cap;
	struct hsk_seg s;

	skb_queue_head_init(&cap);
	syn = hsk_t_linux_syn(test, &s, &slot);
	hsk_test_capture = &cap;
	hsk_send_reset(&s);
	hsk_test_capture = NULL;
	got = skb_dequeue(&cap);
	KUNIT_EXPECT_PTR_EQ(test, got, syn);
	KUNIT_EXPECT_NULL(test, slot);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_OutRsts), rsts + 1);
	kfree_skb(got);
	skb_queue_purge(&cap);
}

static struct kunit_case hsk_output_cases[] = {
	KUNIT_CASE(hsk_rst_to_syn),
	KUNIT_CASE(hsk_rst_without_ack_counts_everything),
	KUNIT_CASE(hsk_rst_to_ack),
	KUNIT_CASE(hsk_build_fields),
	KUNIT_CASE(hsk_build_round_trip),
	KUNIT_CASE(hsk_send_reset_counts),
	KUNIT_CASE(hsk_synack_option_bytes),
	KUNIT_CASE(hsk_sack_option_bytes),
	KUNIT_CASE(hsk_option_fast_paths),
	KUNIT_CASE(hsk_reply_in_place_synack),
	KUNIT_CASE(hsk_reply_in_place_rst),
	KUNIT_CASE(hsk_reply_in_place_clone_shared),
	KUNIT_CASE(hsk_send_reset_in_place),
	{}
};

static struct kunit_suite hsk_output_suite = {
	.name = "hsk_output",
	.test_cases = hsk_output_cases,
};
kunit_test_suite(hsk_output_suite);
