// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: input validation and option parsing (included by mod/input.c).
 * Packets are built by hand here, independently of output.c, then broken
 * one field at a time: each case must land on its own drop counter.
 */

#include <kunit/test.h>

struct hsk_tpkt {
	u8 buf[128];
	unsigned int len;
	unsigned int ihl;
	unsigned int doff;
};

#define T_SADDR cpu_to_be32(0xc6120007)	/* 198.18.0.7 */
#define T_DADDR cpu_to_be32(0x0a4d0002)	/* 10.77.0.2 */

static void hsk_tpkt_csum(struct hsk_tpkt *p)
{
	struct iphdr *iph = (struct iphdr *)p->buf;
	struct tcphdr *th = (struct tcphdr *)(p->buf + p->ihl);
	unsigned int tcplen = ntohs(iph->tot_len) - p->ihl;

	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	th->check = 0;
	th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen,
				      IPPROTO_TCP, csum_partial(th, tcplen, 0));
}

/* IPv4 + TCP from 198.18.0.7:40000 to 10.77.0.2:80, checksums right. */
static void hsk_tpkt_init(struct hsk_tpkt *p, u8 flags, const u8 *opts,
			  unsigned int optlen, unsigned int datalen)
{
	struct iphdr *iph = (struct iphdr *)p->buf;
	struct tcphdr *th;

	memset(p, 0, sizeof(*p));
	p->ihl = 20;
	p->doff = 20 + optlen;
	p->len = p->ihl + p->doff + datalen;
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(p->len);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = T_SADDR;
	iph->daddr = T_DADDR;
	th = (struct tcphdr *)(p->buf + p->ihl);
	th->source = htons(40000);
	th->dest = htons(80);
	th->seq = htonl(0x11223344);
	th->ack_seq = htonl(0x55667788);
	th->doff = p->doff / 4;
	tcp_flag_byte(th) = flags;
	th->window = htons(64240);
	memcpy(th + 1, opts, optlen);
	memset(p->buf + p->ihl + p->doff, 'x', datalen);
	hsk_tpkt_csum(p);
}

static struct sk_buff *hsk_tpkt_skb(struct kunit *test,
				    const struct hsk_tpkt *p,
				    unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len + 16, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, p->buf, len);
	return skb;
}

static enum hsk_mib hsk_tpkt_parse(struct kunit *test,
				   const struct hsk_tpkt *p,
				   unsigned int len, struct hsk_seg *seg)
{
	struct sk_buff *skb = hsk_tpkt_skb(test, p, len);
	enum hsk_mib res = hsk_parse(skb, seg);

	kfree_skb(skb);
	return res;
}

static const u8 hsk_full_opts[] = {
	2, 4, 0x05, 0xb4,			/* MSS 1460 */
	4, 2,					/* SACK permitted */
	8, 10, 0, 0, 0, 42, 0, 0, 0, 7,		/* TS 42, 7 */
	1,					/* NOP */
	3, 3, 7,				/* wscale 7 */
};

static void hsk_opt_all(struct kunit *test)
{
	struct hsk_opts o;

	KUNIT_ASSERT_EQ(test, 0, hsk_parse_options(hsk_full_opts,
						   sizeof(hsk_full_opts), &o));
	KUNIT_EXPECT_EQ(test, o.has, HSK_HAS_MSS | HSK_HAS_SACK_PERM |
			HSK_HAS_TS | HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, o.tsval, 42U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 7U);
}

/*
 * The fast path (hsk_parse_options_fast) finds what the walk finds: for
 * Linux's SYN layout and NOP NOP TIMESTAMP, and for every copy of them
 * with one byte changed to a value that matters to the walk (kinds,
 * lengths, MSS 0, window scales past 14), the results are the same.
 */
static void t_opt_same(struct kunit *test, const u8 *p, unsigned int len)
{
	struct hsk_opts fast, walk;
	int rf, rw;

	rf = hsk_parse_options(p, len, &fast);
	memset(&walk, 0, sizeof(walk));
	rw = hsk_parse_options_walk(p, len, &walk);
	KUNIT_EXPECT_EQ(test, rf, rw);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(&fast, &walk, sizeof(fast)), 0,
			    "options %*ph: has %x/%x mss %u/%u ws %u/%u",
			    len, p, fast.has, walk.has, fast.mss, walk.mss,
			    fast.wscale, walk.wscale);
}

static void hsk_opt_fast_path(struct kunit *test)
{
	static const u8 syn[HSK_OPTLEN_LINUX_SYN] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 42, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	static const u8 ts[HSK_OPTLEN_TS_ALIGNED] = {
		1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	};
	static const u8 vals[] = { 0, 1, 2, 3, 4, 5, 8, 10, 14, 15, 0xff };
	const u8 *layouts[] = { syn, ts };
	const unsigned int lens[] = { sizeof(syn), sizeof(ts) };
	struct hsk_opts o;
	unsigned int l, i, v;
	u8 buf[HSK_MAX_OPTLEN];

	KUNIT_ASSERT_EQ(test, 0, hsk_parse_options(syn, sizeof(syn), &o));
	KUNIT_EXPECT_EQ(test, o.has, HSK_HAS_MSS | HSK_HAS_SACK_PERM |
			HSK_HAS_TS | HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, o.tsval, 42U);
	KUNIT_ASSERT_EQ(test, 0, hsk_parse_options(ts, sizeof(ts), &o));
	KUNIT_EXPECT_EQ(test, o.has, HSK_HAS_TS);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x12345678U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0x9abcdef0U);

	for (l = 0; l < ARRAY_SIZE(layouts); l++) {
		t_opt_same(test, layouts[l], lens[l]);
		/* One byte short or long is the walk's. */
		t_opt_same(test, layouts[l], lens[l] - 1);
		memcpy(buf, layouts[l], lens[l]);
		buf[lens[l]] = HSK_OPT_NOP;
		t_opt_same(test, buf, lens[l] + 1);
		for (i = 0; i < lens[l]; i++) {
			for (v = 0; v < ARRAY_SIZE(vals); v++) {
				memcpy(buf, layouts[l], lens[l]);
				buf[i] = vals[v];
				t_opt_same(test, buf, lens[l]);
			}
		}
	}
}

static void hsk_opt_empty_and_eol(struct kunit *test)
{
	/* Garbage after EOL is never read as options. */
	static const u8 eol[] = { 1, 0, 2, 0, 9, 9 };
	struct hsk_opts o;

	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(eol, 0, &o));
	KUNIT_EXPECT_EQ(test, o.has, 0);
	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(eol, sizeof(eol), &o));
	KUNIT_EXPECT_EQ(test, o.has, 0);
}

static void hsk_opt_bad_lengths(struct kunit *test)
{
	static const u8 len0[] = { 2, 0, 5, 0xb4 };
	static const u8 len1[] = { 1, 1, 3, 1 };
	static const u8 overrun[] = { 1, 1, 8, 10, 0, 0, 0, 1 };
	static const u8 no_len_byte[] = { 1, 1, 1, 2 };
	static const u8 unknown_overrun[] = { 99, 5, 0, 0 };
	struct hsk_opts o;

	KUNIT_EXPECT_EQ(test, -EINVAL, hsk_parse_options(len0, 4, &o));
	KUNIT_EXPECT_EQ(test, -EINVAL, hsk_parse_options(len1, 4, &o));
	KUNIT_EXPECT_EQ(test, -EINVAL, hsk_parse_options(overrun, 8, &o));
	KUNIT_EXPECT_EQ(test, -EINVAL, hsk_parse_options(no_len_byte, 4, &o));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			hsk_parse_options(unknown_overrun, 4, &o));
}

static void hsk_opt_odd_but_legal(struct kunit *test)
{
	/* Wrong-size known kinds are skipped, as Linux does; unknown too. */
	static const u8 odd[] = {
		2, 3, 5,		/* MSS of length 3: ignored */
		3, 4, 1, 1,		/* wscale of length 4: ignored */
		99, 4, 1, 2,		/* unknown kind */
		2, 4, 0, 0,		/* MSS 0: ignored */
	};
	static const u8 big_ws[] = { 3, 3, 200, 1 };
	struct hsk_opts o;

	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(odd, sizeof(odd), &o));
	KUNIT_EXPECT_EQ(test, o.has, 0);
	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(big_ws, 4, &o));
	KUNIT_EXPECT_EQ(test, o.has, HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, o.wscale, HSK_MAX_WSCALE);
}

/* SACK (RFC 2018 3): 2 + 8n bytes, n 1 to 4; blocks stay in the packet. */
static void hsk_opt_sack(struct kunit *test)
{
	static const u8 two[] = {
		1, 1, 5, 18,
		0, 0, 0x10, 0, 0, 0, 0x20, 0,		/* 4096 .. 8192 */
		0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x10,	/* wraps */
	};
	static const u8 four[] = {
		1, 1, 5, 34,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
	};
	struct hsk_opts o;

	KUNIT_ASSERT_EQ(test, 0, hsk_parse_options(two, sizeof(two), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 2);
	KUNIT_ASSERT_PTR_EQ(test, o.sack, two + 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(o.sack), 4096U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(o.sack + 4), 8192U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(o.sack + 8), 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(o.sack + 12), 0x10U);
	KUNIT_EXPECT_EQ(test, o.has, 0);

	KUNIT_ASSERT_EQ(test, 0, hsk_parse_options(four, sizeof(four), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(o.sack + 28), 8U);
}

/*
 * A SACK option of a length that is not 2 + 8n (n 1..4) is no SACK, and
 * the rest of the options still parse; one that runs past the header makes
 * the segment malformed, as any option does. Nothing is read past @len.
 */
static void hsk_opt_sack_bad_lengths(struct kunit *test)
{
	static const u8 len3[] = { 5, 3, 0, 1, 1, 1, 1, 1 };
	static const u8 len11[] = {
		5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 9,
		1, 3, 3, 7, 1,				/* NOP, wscale 7 */
	};
	static const u8 len42[] = {
		5, 42, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
		0, 0, 0, 9, 0, 0, 0, 10,
	};
	static const u8 len2[] = { 5, 2, 1, 1 };
	static const u8 overrun[] = { 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct hsk_opts o;

	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(len3, sizeof(len3), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 0);
	KUNIT_EXPECT_NULL(test, o.sack);
	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(len11, sizeof(len11), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 0);
	KUNIT_EXPECT_EQ(test, o.has, HSK_HAS_WSCALE);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(len42, sizeof(len42), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 0);
	KUNIT_EXPECT_EQ(test, 0, hsk_parse_options(len2, sizeof(len2), &o));
	KUNIT_EXPECT_EQ(test, (int)o.nr_sack, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			hsk_parse_options(overrun, sizeof(overrun), &o));
}

static void hsk_parse_good(struct kunit *test)
{
	struct hsk_tpkt p;
	struct hsk_seg s;

	hsk_tpkt_init(&p, HSK_TH_SYN, hsk_full_opts, sizeof(hsk_full_opts), 0);
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_tpkt_parse(test, &p, p.len, &s));
	KUNIT_EXPECT_EQ(test, ntohl(s.saddr), ntohl(T_SADDR));
	KUNIT_EXPECT_EQ(test, ntohl(s.daddr), ntohl(T_DADDR));
	KUNIT_EXPECT_EQ(test, ntohs(s.sport), 40000);
	KUNIT_EXPECT_EQ(test, ntohs(s.dport), 80);
	KUNIT_EXPECT_EQ(test, s.seq, 0x11223344U);
	KUNIT_EXPECT_EQ(test, s.ack_seq, 0x55667788U);
	KUNIT_EXPECT_EQ(test, s.flags, HSK_TH_SYN);
	KUNIT_EXPECT_EQ(test, s.window, 64240);
	KUNIT_EXPECT_EQ(test, s.len, 0U);
	KUNIT_EXPECT_EQ(test, s.end_seq, 0x11223345U);
	KUNIT_EXPECT_EQ(test, s.opt.mss, 1460);
}

static void hsk_parse_seq_space(struct kunit *test)
{
	struct hsk_tpkt p;
	struct hsk_seg s;

	hsk_tpkt_init(&p, HSK_TH_FIN | HSK_TH_ACK, NULL, 0, 10);
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_tpkt_parse(test, &p, p.len, &s));
	KUNIT_EXPECT_EQ(test, s.len, 10U);
	KUNIT_EXPECT_EQ(test, s.end_seq, 0x11223344U + 11);

	hsk_tpkt_init(&p, HSK_TH_SYN | HSK_TH_FIN, NULL, 0, 0);
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs, hsk_tpkt_parse(test, &p, p.len, &s));
	KUNIT_EXPECT_EQ(test, s.end_seq, 0x11223344U + 2);
}

static void hsk_parse_padding(struct kunit *test)
{
	struct hsk_tpkt p;
	struct hsk_seg s;

	/* Junk past the IP total length is not payload and not checksummed. */
	hsk_tpkt_init(&p, HSK_TH_ACK, NULL, 0, 3);
	memset(p.buf + p.len, 0xee, 12);
	KUNIT_ASSERT_EQ(test, HSK_MIB_InSegs,
			hsk_tpkt_parse(test, &p, p.len + 12, &s));
	KUNIT_EXPECT_EQ(test, s.len, 3U);
}

static void hsk_parse_ip_errors(struct kunit *test)
{
	struct iphdr *iph;
	struct hsk_tpkt p;
	struct hsk_seg s;

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpHdr, hsk_tpkt_parse(test, &p, 0, &s));
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpHdr, hsk_tpkt_parse(test, &p, 19, &s));

	iph = (struct iphdr *)p.buf;
	iph->version = 6;
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpVersion,
			hsk_tpkt_parse(test, &p, p.len, &s));
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpVersion,
			hsk_tpkt_parse(test, &p, 1, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	iph->ihl = 4;
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpHdr,
			hsk_tpkt_parse(test, &p, p.len, &s));
	iph->ihl = 15;		/* 60 bytes of header in a 40-byte packet */
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpHdr,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	iph->tot_len = htons(p.len + 1);
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpLen,
			hsk_tpkt_parse(test, &p, p.len, &s));
	iph->tot_len = htons(19);
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpLen,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	p.buf[10] ^= 1;		/* header checksum */
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpCsum,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	iph->frag_off = htons(IP_MF);
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpFrag,
			hsk_tpkt_parse(test, &p, p.len, &s));
	iph->frag_off = htons(8);
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropIpFrag,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	iph->protocol = IPPROTO_UDP;
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropNotTcp,
			hsk_tpkt_parse(test, &p, p.len, &s));
}

static void hsk_parse_bad_addr(struct kunit *test)
{
	static const __be32 bad[] = {
		cpu_to_be32(0xe0000001),	/* 224.0.0.1 */
		cpu_to_be32(0xffffffff),	/* limited broadcast */
		cpu_to_be32(0x00000000),	/* 0.0.0.0 */
		cpu_to_be32(0x00000005),	/* 0.0.0.5: all of 0/8 */
		cpu_to_be32(0x7f000001),	/* 127.0.0.1 */
	};
	struct hsk_tpkt p;
	struct hsk_seg s;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
		((struct iphdr *)p.buf)->saddr = bad[i];
		hsk_tpkt_csum(&p);
		KUNIT_EXPECT_EQ(test, HSK_MIB_DropBadAddr,
				hsk_tpkt_parse(test, &p, p.len, &s));
		hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
		((struct iphdr *)p.buf)->daddr = bad[i];
		hsk_tpkt_csum(&p);
		KUNIT_EXPECT_EQ(test, HSK_MIB_DropBadAddr,
				hsk_tpkt_parse(test, &p, p.len, &s));
	}
}

static void hsk_parse_tcp_errors(struct kunit *test)
{
	static const u8 bad_opt[] = { 1, 1, 2, 0 };
	struct hsk_tpkt p;
	struct tcphdr *th;
	struct hsk_seg s;

	/* IP says 19 bytes of TCP. */
	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	((struct iphdr *)p.buf)->tot_len = htons(39);
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpHdr,
			hsk_tpkt_parse(test, &p, 39, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	th = (struct tcphdr *)(p.buf + p.ihl);
	th->doff = 4;
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpHdr,
			hsk_tpkt_parse(test, &p, p.len, &s));
	th->doff = 6;		/* 24 bytes of header in 20 */
	hsk_tpkt_csum(&p);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpHdr,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 4);
	p.buf[p.len - 1] ^= 0x40;
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpCsum,
			hsk_tpkt_parse(test, &p, p.len, &s));

	hsk_tpkt_init(&p, HSK_TH_SYN, bad_opt, sizeof(bad_opt), 0);
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpOpt,
			hsk_tpkt_parse(test, &p, p.len, &s));
}

static void hsk_parse_csum_trusted(struct kunit *test)
{
	struct hsk_tpkt p;
	struct sk_buff *skb;
	struct hsk_seg s;

	/* A stack that verified the checksum already is believed. */
	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 4);
	p.buf[p.len - 1] ^= 0x40;
	skb = hsk_tpkt_skb(test, &p, p.len);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	KUNIT_EXPECT_EQ(test, HSK_MIB_InSegs, hsk_parse(skb, &s));
	kfree_skb(skb);

	/*
	 * A local stack's segment with its checksum left to hsk0 (its field
	 * holds the pseudo-header's sum only): nothing to verify, as for
	 * Linux's own input from veth or loopback.
	 */
	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 4);
	((struct tcphdr *)(p.buf + p.ihl))->check = 0x1234;
	skb = hsk_tpkt_skb(test, &p, p.len);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + p.ihl;
	skb->csum_offset = offsetof(struct tcphdr, check);
	KUNIT_EXPECT_EQ(test, HSK_MIB_InSegs, hsk_parse(skb, &s));
	kfree_skb(skb);
	/* The same bytes from anywhere else are summed, and refused. */
	KUNIT_EXPECT_EQ(test, HSK_MIB_DropTcpCsum,
			hsk_tpkt_parse(test, &p, p.len, &s));
}

/* Every prefix of a good segment is rejected, none read past the end. */
static void hsk_parse_truncations(struct kunit *test)
{
	struct hsk_tpkt p;
	struct hsk_seg s;
	unsigned int len;

	hsk_tpkt_init(&p, HSK_TH_SYN, hsk_full_opts, sizeof(hsk_full_opts), 5);
	for (len = 0; len < p.len; len++)
		KUNIT_EXPECT_NE(test, HSK_MIB_InSegs,
				hsk_tpkt_parse(test, &p, len, &s));
}

static void hsk_input_counts(struct kunit *test)
{
	unsigned long errs = hsk_stat_read(HSK_MIB_InErrs);
	unsigned long csum = hsk_stat_read(HSK_MIB_DropIpCsum);
	unsigned long rst = hsk_stat_read(HSK_MIB_DropRstClosed);
	unsigned long in = hsk_stat_read(HSK_MIB_InSegs);
	struct hsk_tpkt p;

	hsk_tpkt_init(&p, HSK_TH_SYN, NULL, 0, 0);
	p.buf[10] ^= 1;
	KUNIT_EXPECT_FALSE(test, hsk_input(hsk_tpkt_skb(test, &p, p.len)));
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_DropIpCsum), csum + 1);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_InErrs), errs + 1);

	hsk_tpkt_init(&p, HSK_TH_RST, NULL, 0, 0);
	KUNIT_EXPECT_TRUE(test, hsk_input(hsk_tpkt_skb(test, &p, p.len)));
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_DropRstClosed), rst + 1);
	KUNIT_EXPECT_EQ(test, hsk_stat_read(HSK_MIB_InSegs), in + 1);
}

static struct kunit_case hsk_input_cases[] = {
	KUNIT_CASE(hsk_opt_all),
	KUNIT_CASE(hsk_opt_fast_path),
	KUNIT_CASE(hsk_opt_empty_and_eol),
	KUNIT_CASE(hsk_opt_bad_lengths),
	KUNIT_CASE(hsk_opt_odd_but_legal),
	KUNIT_CASE(hsk_opt_sack),
	KUNIT_CASE(hsk_opt_sack_bad_lengths),
	KUNIT_CASE(hsk_parse_good),
	KUNIT_CASE(hsk_parse_seq_space),
	KUNIT_CASE(hsk_parse_padding),
	KUNIT_CASE(hsk_parse_ip_errors),
	KUNIT_CASE(hsk_parse_bad_addr),
	KUNIT_CASE(hsk_parse_tcp_errors),
	KUNIT_CASE(hsk_parse_csum_trusted),
	KUNIT_CASE(hsk_parse_truncations),
	KUNIT_CASE(hsk_input_counts),
	{}
};

static struct kunit_suite hsk_input_suite = {
	.name = "hsk_input",
	.test_cases = hsk_input_cases,
};
kunit_test_suite(hsk_input_suite);
