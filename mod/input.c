// SPDX-License-Identifier: GPL-2.0
/*
 * Everything routed into hsk0 arrives here. A packet is validated before a
 * byte of it is trusted: IPv4 header, lengths against the buffer, both
 * checksums, TCP header and options. What fails is dropped and counted by
 * reason; what passes is dispatched as a struct hsk_seg.
 */

#include "compat.h"
#include "conn.h"
#include "hsk.h"
#include "listener.h"
#include "proto.h"
#include "synq.h"
#include "trace.h"

#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

/*
 * The two layouts nearly every segment has (proto.h), matched whole: what
 * the walk below would find, in a fraction of its instructions. For a SYN
 * the walk cost more than any lookup. False: the walk decides.
 */
static bool hsk_parse_options_fast(const u8 *p, unsigned int len,
				   struct hsk_opts *opt)
{
	if (len == HSK_OPTLEN_TS_ALIGNED &&
	    get_unaligned_be32(p) == HSK_OPT_NOP_NOP_TS) {
		opt->tsval = get_unaligned_be32(p + 4);
		opt->tsecr = get_unaligned_be32(p + 8);
		opt->has = HSK_HAS_TS;
		return true;
	}
	if (len == HSK_OPTLEN_LINUX_SYN && p[0] == HSK_OPT_MSS &&
	    p[1] == HSK_OPTLEN_MSS && get_unaligned_be16(p + 2) &&
	    get_unaligned_be32(p + 4) == HSK_OPT_SACKPERM_TS &&
	    get_unaligned_be32(p + 16) >> 8 == HSK_OPT_NOP_WSCALE) {
		opt->mss = get_unaligned_be16(p + 2);
		opt->tsval = get_unaligned_be32(p + 8);
		opt->tsecr = get_unaligned_be32(p + 12);
		opt->wscale = min_t(u8, p[19], HSK_MAX_WSCALE);
		opt->has = HSK_HAS_LINUX_SYN;
		return true;
	}
	return false;
}

/*
 * Walks the options area. Unknown kinds and known kinds of the wrong size
 * are skipped, as Linux does; a length of 0 or 1, or one that runs past the
 * header, makes the segment malformed (-EINVAL), never a read past the end.
 * SACK blocks are left where they are: opt->sack points into @p.
 */
static int hsk_parse_options_walk(const u8 *p, unsigned int len,
				  struct hsk_opts *opt)
{
	while (len) {
		u8 kind = p[0];
		u8 size;

		if (kind == HSK_OPT_EOL)
			break;
		if (kind == HSK_OPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			return -EINVAL;
		size = p[1];
		if (size < 2 || size > len)
			return -EINVAL;

		switch (kind) {
		case HSK_OPT_MSS:
			if (size == HSK_OPTLEN_MSS && get_unaligned_be16(p + 2)) {
				opt->mss = get_unaligned_be16(p + 2);
				opt->has |= HSK_HAS_MSS;
			}
			break;
		case HSK_OPT_WSCALE:
			if (size == HSK_OPTLEN_WSCALE) {
				opt->wscale = min_t(u8, p[2], HSK_MAX_WSCALE);
				opt->has |= HSK_HAS_WSCALE;
			}
			break;
		case HSK_OPT_SACK_PERM:
			if (size == HSK_OPTLEN_SACK_PERM)
				opt->has |= HSK_HAS_SACK_PERM;
			break;
		case HSK_OPT_SACK: {
			u8 n = (size - HSK_OPTLEN_SACK_BASE) /
			       HSK_OPTLEN_SACK_BLOCK;

			/* 1 to 4 whole blocks (RFC 2018 3), else no SACK. */
			if (n && n <= HSK_MAX_SACK &&
			    size == HSK_OPTLEN_SACK_BASE +
				    n * HSK_OPTLEN_SACK_BLOCK) {
				opt->sack = p + HSK_OPTLEN_SACK_BASE;
				opt->nr_sack = n;
			}
			break;
		}
		case HSK_OPT_TIMESTAMP:
			if (size == HSK_OPTLEN_TIMESTAMP) {
				opt->tsval = get_unaligned_be32(p + 2);
				opt->tsecr = get_unaligned_be32(p + 6);
				opt->has |= HSK_HAS_TS;
			}
			break;
		}
		p += size;
		len -= size;
	}
	return 0;
}

int hsk_parse_options(const u8 *p, unsigned int len, struct hsk_opts *opt)
{
	memset(opt, 0, sizeof(*opt));
	if (hsk_parse_options_fast(p, len, opt))
		return 0;
	return hsk_parse_options_walk(p, len, opt);
}

/*
 * Never a TCP peer: multicast, broadcast, loopback, and "this network"
 * 0.0.0.0/8 (RFC 1122 3.2.1.3; Linux's ipv4_is_zeronet() now only tests
 * 0.0.0.0).
 */
bool hsk_bad_addr(__be32 addr)
{
	return ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) ||
	       ipv4_is_loopback(addr) ||
	       (addr & htonl(IN_CLASSA_NET)) == 0;
}

/* A linear segment (every SYN) is summed without skb_checksum's walk. */
static __sum16 hsk_tcp_csum(struct sk_buff *skb, const struct iphdr *iph,
			unsigned int thoff, unsigned int tcplen)
{
	__wsum sum = skb_headlen(skb) >= thoff + tcplen ?
		     csum_partial(skb->data + thoff, tcplen, 0) :
		     skb_checksum(skb, thoff, tcplen, 0);

	return csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP,
				 sum);
}

/*
 * Validates the packet in @skb and fills @seg. Returns HSK_MIB_InSegs for a
 * good segment, else the Drop* counter that names what is wrong. May pull
 * (and so move) the skb's head; @seg is filled from the final one.
 */
enum hsk_mib hsk_parse(struct sk_buff *skb, struct hsk_seg *seg)
{
	const struct iphdr *iph;
	const struct tcphdr *th;
	unsigned int ihl, tot_len, tcplen, doff;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return skb->len && (skb->data[0] >> 4) != 4 ?
		       HSK_MIB_DropIpVersion : HSK_MIB_DropIpHdr;
	iph = (const struct iphdr *)skb->data;
	if (iph->version != 4)
		return HSK_MIB_DropIpVersion;
	ihl = iph->ihl * 4;
	if (ihl < HSK_IP_HLEN || !pskb_may_pull(skb, ihl))
		return HSK_MIB_DropIpHdr;
	iph = (const struct iphdr *)skb->data;
	tot_len = ntohs(iph->tot_len);
	if (tot_len < ihl || tot_len > skb->len)
		return HSK_MIB_DropIpLen;
	if (unlikely(ip_fast_csum(iph, iph->ihl)))
		return HSK_MIB_DropIpCsum;
	if (ip_is_fragment(iph))
		return HSK_MIB_DropIpFrag;
	if (hsk_bad_addr(iph->saddr) || hsk_bad_addr(iph->daddr) ||
	    hsk_dev_is_bcast(iph->saddr, iph->daddr))
		return HSK_MIB_DropBadAddr;
	if (iph->protocol != IPPROTO_TCP)
		return HSK_MIB_DropNotTcp;
	/* Bytes past the IP total length are link padding, not payload. */
	if (pskb_trim(skb, tot_len))
		return HSK_MIB_DropNoMem;

	tcplen = tot_len - ihl;
	if (tcplen < HSK_TCP_HLEN || !pskb_may_pull(skb, ihl + HSK_TCP_HLEN))
		return HSK_MIB_DropTcpHdr;
	th = (const struct tcphdr *)(skb->data + ihl);
	doff = th->doff * 4;
	if (doff < HSK_TCP_HLEN || doff > tcplen ||
	    !pskb_may_pull(skb, ihl + doff))
		return HSK_MIB_DropTcpHdr;
	iph = (const struct iphdr *)skb->data;
	th = (const struct tcphdr *)(skb->data + ihl);

	/*
	 * Not when a NIC or a stack checked it already, or when a local stack
	 * left it to hsk0 to fill in (CHECKSUM_PARTIAL): Linux's rule,
	 * skb_csum_unnecessary(). Everything else, SYNs off any wire
	 * included, is summed here.
	 */
	if (!skb_csum_unnecessary(skb) &&
	    unlikely(hsk_tcp_csum(skb, iph, ihl, tcplen)))
		return HSK_MIB_DropTcpCsum;

	if (hsk_parse_options((const u8 *)(th + 1), doff - HSK_TCP_HLEN,
			      &seg->opt))
		return HSK_MIB_DropTcpOpt;

	seg->saddr = iph->saddr;
	seg->daddr = iph->daddr;
	seg->sport = th->source;
	seg->dport = th->dest;
	seg->seq = ntohl(th->seq);
	seg->ack_seq = ntohl(th->ack_seq);
	seg->window = ntohs(th->window);
	seg->flags = tcp_flag_byte(th);
	seg->len = tcplen - doff;
	seg->doff = doff;
	seg->end_seq = seg->seq + seg->len + !!(seg->flags & HSK_TH_SYN) +
		       !!(seg->flags & HSK_TH_FIN);
	seg->skbp = NULL;
	skb_set_network_header(skb, 0);
	skb_set_transport_header(skb, ihl);
	return HSK_MIB_InSegs;
}

/*
 * Connection, then half-open entry, then listener; with none of them the
 * port is closed (RFC 793): a RST for everything but a RST. A plain SYN
 * goes to its listener before the half-open table is searched:
 * hsk_syn_rcv() finds a half-open entry of the same 4-tuple itself, in
 * the insert that walks that bucket anyway, and hands the SYN to it, so
 * a new connection costs one walk of the table instead of two. The
 * caller holds RCU; @now is jiffies, a parameter for KUnit.
 */
void hsk_dispatch(struct sk_buff *skb, const struct hsk_seg *seg,
		  unsigned long now)
{
	struct hsk_listener *l = NULL;
	struct hsk_tuple t;
	struct hsk_conn *c;
	struct hsk_req *req;
	u32 tw_isn = 0;

	hsk_tuple_from_seg(&t, seg);
	c = hsk_conn_lookup(&t);
	if (c && hsk_conn_rcv(c, skb, seg, &tw_isn))
		return;
	if (hsk_seg_plain_syn(seg)) {
		l = hsk_listener_lookup(seg->daddr, seg->dport);
		if (l) {
			hsk_syn_rcv(l, skb, seg, tw_isn, now);
			return;
		}
	}
	req = hsk_req_lookup(&t);
	if (req && hsk_req_rcv(req, skb, seg, now))
		return;
	if (!l)
		l = hsk_listener_lookup(seg->daddr, seg->dport);
	if (l) {
		hsk_listener_rcv(l, skb, seg, now);
		return;
	}
	if (seg->flags & HSK_TH_RST)
		hsk_inc(HSK_MIB_DropRstClosed);
	else
		hsk_send_reset(seg);
}

/*
 * Consumes @skb, a packet the host sent into hsk0: the reply to it may be
 * written over it (hsk_reuse_skb), else it is freed here. Returns false if
 * it was dropped as malformed, so the device can count it.
 */
bool hsk_input(struct sk_buff *skb)
{
	/*
	 * Not zeroed first (the kernel's INIT_STACK_ALL_ZERO), 10 instructions
	 * of every segment: hsk_parse() writes every field before it returns
	 * InSegs, and nothing reads @seg otherwise.
	 */
	struct hsk_seg seg __uninitialized;
	enum hsk_mib res;

	res = hsk_parse(skb, &seg);
	if (unlikely(res != HSK_MIB_InSegs)) {
		if (trace_hsk_drop_enabled()) {
			struct iphdr _iph;
			const struct iphdr *iph;

			/* Addresses only from what is IPv4 at all. */
			iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
			if (iph && iph->version != 4)
				iph = NULL;
			trace_hsk_drop(hsk_stat_name(res), iph ? iph->saddr : 0,
				       iph ? iph->daddr : 0);
		}
		hsk_inc(res);
		if (res != HSK_MIB_DropNoMem)
			hsk_inc(HSK_MIB_InErrs);
		kfree_skb_reason(skb, hsk_stat_drop_reason(res));
		return false;
	}
	hsk_inc(HSK_MIB_InSegs);
	/* Whatever takes @skb for a reply does so as its last use of it. */
	seg.skbp = &skb;
	rcu_read_lock();
	hsk_dispatch(skb, &seg, jiffies);
	rcu_read_unlock();
	consume_skb(skb);	/* NULL if a reply took it */
	return true;
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/input_test.c"
#endif
