// SPDX-License-Identifier: GPL-2.0
/*
 * Segments hsk sends: built whole (IPv4 + TCP + options), checksummed in
 * software, and handed to the host stack as if received on hsk0.
 */

#include "hsk.h"
#include "proto.h"

#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

/*
 * RFC 793, "Reset Generation", case 1 (no connection): a RST never answers
 * a RST. With ACK set the RST takes its seq from the ACK field; otherwise
 * seq is 0 and it ACKs everything the segment occupied (SYN and FIN count).
 */
void hsk_reset_reply(const struct hsk_seg *seg, struct hsk_reply *r)
{
	r->saddr = seg->daddr;
	r->daddr = seg->saddr;
	r->sport = seg->dport;
	r->dport = seg->sport;
	r->window = 0;
	if (seg->flags & HSK_TH_ACK) {
		r->seq = seg->ack_seq;
		r->ack_seq = 0;
		r->flags = HSK_TH_RST;
	} else {
		r->seq = 0;
		r->ack_seq = seg->end_seq;
		r->flags = HSK_TH_RST | HSK_TH_ACK;
	}
}

/*
 * Builds one segment with @optlen bytes of options (a multiple of 4). The
 * headroom lets the host forward it out of an Ethernet device unchanged.
 */
struct sk_buff *hsk_build_segment(const struct hsk_reply *r, const u8 *opts,
				  unsigned int optlen)
{
	unsigned int tcplen = HSK_TCP_HLEN + optlen;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	if (WARN_ON_ONCE(optlen & 3 || tcplen > HSK_TCP_MAX_HLEN))
		return NULL;
	skb = alloc_skb(MAX_TCP_HEADER + tcplen, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);

	th = skb_push(skb, tcplen);
	skb_reset_transport_header(skb);
	memset(th, 0, HSK_TCP_HLEN);
	th->source = r->sport;
	th->dest = r->dport;
	th->seq = htonl(r->seq);
	th->ack_seq = htonl(r->ack_seq);
	th->doff = tcplen / 4;
	tcp_flag_byte(th) = r->flags;
	th->window = htons(r->window);
	if (optlen)
		memcpy(th + 1, opts, optlen);
	th->check = csum_tcpudp_magic(r->saddr, r->daddr, tcplen, IPPROTO_TCP,
				      csum_partial(th, tcplen, 0));

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->id = 0;
	/* As Linux's TCP: DF set, so path MTU discovery applies. */
	iph->frag_off = htons(IP_DF);
	iph->ttl = HSK_DEFAULT_TTL;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = r->saddr;
	iph->daddr = r->daddr;
	ip_send_check(iph);

	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

static void hsk_send(struct sk_buff *skb, bool rst)
{
	hsk_inc(HSK_MIB_OutSegs);
	if (rst)
		hsk_inc(HSK_MIB_OutRsts);
	hsk_device_rx(skb);
}

void hsk_send_reset(const struct hsk_seg *seg)
{
	struct hsk_reply r;
	struct sk_buff *skb;

	hsk_reset_reply(seg, &r);
	skb = hsk_build_segment(&r, NULL, 0);
	if (!skb) {
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	hsk_send(skb, true);
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/output_test.c"
#endif
