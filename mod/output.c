// SPDX-License-Identifier: GPL-2.0
/*
 * Segments hsk sends: built whole (IPv4 + TCP + options), in a new skb or
 * over the one being answered, checksummed in software, and handed to the
 * host stack as if received on hsk0.
 */

#include "compat.h"
#include "hsk.h"
#include "proto.h"
#include "tables.h"

#include <linux/ip.h>
#include <linux/siphash.h>
#include <linux/random.h>
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
	r->hash = 0;
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
 * Puts a TCP header in front of @skb's payload, if any, with room for
 * @optlen bytes of options (a multiple of 4) between them. Returns where
 * the options go: the caller writes them there, in place, and then calls
 * hsk_push_ip(). Every skb given here has the headroom for both headers
 * (hsk_alloc_segment, hsk_reuse_skb), so the pushes need no check. Always
 * inline, here and below: every reply goes through them.
 */
static __always_inline u8 *hsk_push_tcp(struct sk_buff *skb,
					const struct hsk_reply *r,
					unsigned int optlen)
{
	unsigned int hlen = HSK_TCP_HLEN + optlen;
	struct tcphdr *th;

	th = __skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, HSK_TCP_HLEN);
	th->source = r->sport;
	th->dest = r->dport;
	th->seq = htonl(r->seq);
	th->ack_seq = htonl(r->ack_seq);
	th->doff = hlen / 4;
	tcp_flag_byte(th) = r->flags;
	th->window = htons(r->window);
	return (u8 *)(th + 1);
}

/* Set once at load (not net_get_random_once: it pins the module a while). */
static hsiphash_key_t hsk_flow_key __read_mostly;

void hsk_output_init(void)
{
	get_random_bytes(&hsk_flow_key, sizeof(hsk_flow_key));
}

/*
 * The flow hash every segment carries, as Linux's carry their socket's
 * txhash: the host picks a multiqueue device's transmit queue (and RPS on
 * hsk0 a CPU) by it, one per connection, where a segment without one is
 * run through the flow dissector first. Keyed, so that clients cannot
 * choose their queue.
 */
static inline u32 hsk_flow_hash(const struct hsk_reply *r)
{
	return hsiphash_3u32((__force u32)r->saddr, (__force u32)r->daddr,
			     (__force u32)r->sport << 16 | (__force u32)r->dport,
			     &hsk_flow_key);
}

/* Puts the IPv4 header on the TCP segment that @skb holds. */
static __always_inline void hsk_push_iphdr(struct sk_buff *skb,
					   const struct hsk_reply *r)
{
	struct iphdr *iph;

	iph = __skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	/* No link-layer header on hsk0, as tun sets it for an L3 device. */
	skb_reset_mac_header(skb);
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
	skb_set_hash(skb, r->hash ?: hsk_flow_hash(r), PKT_HASH_TYPE_L4);
}

/* Checksums the TCP segment that @skb holds and puts the IPv4 header on. */
static __always_inline void hsk_push_ip(struct sk_buff *skb,
					const struct hsk_reply *r)
{
	struct tcphdr *th = tcp_hdr(skb);

	th->check = csum_tcpudp_magic(r->saddr, r->daddr, skb->len,
				      IPPROTO_TCP,
				      csum_partial(th, skb->len, 0));
	hsk_push_iphdr(skb, r);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
}

/*
 * Both headers, the options of @o (NULL: none) written straight into the
 * TCP header; @optlen is hsk_options_len(@o).
 */
static __always_inline void hsk_push_headers(struct sk_buff *skb,
					     const struct hsk_reply *r,
					     const struct hsk_opts *o,
					     unsigned int optlen)
{
	u8 *p = hsk_push_tcp(skb, r, optlen);

	if (optlen)
		hsk_write_options(p, o);
	hsk_push_ip(skb, r);
}

/*
 * Headroom of a new segment: its own headers, and NET_SKB_PAD for a link
 * header should the host forward it (Ethernet needs 16; a tunnel that
 * needs more expands the head, as for any received packet). Not Linux's
 * MAX_TCP_HEADER (320 here), which makes a bare ACK's head a 1 KiB slab
 * object, zeroed whole under init_on_alloc: this one fits 512 bytes.
 */
#define HSK_HEADROOM	(NET_SKB_PAD + HSK_IP_HLEN + HSK_TCP_MAX_HLEN)

/*
 * A new skb with @dlen bytes of room for payload behind HSK_HEADROOM: a
 * reply, or a connection's queued data or FIN, which then goes out as a
 * clone of itself (hsk_build_data()).
 */
struct sk_buff *hsk_alloc_segment(unsigned int dlen, gfp_t gfp)
{
	struct sk_buff *skb;

	skb = alloc_skb(HSK_HEADROOM + dlen, gfp);
	if (skb)
		skb_reserve(skb, HSK_HEADROOM);
	return skb;
}

/*
 * Builds one segment with the @optlen bytes of options at @opts as they
 * are (a multiple of 4): for segments no parser of ours would write.
 */
struct sk_buff *hsk_build_segment(const struct hsk_reply *r, const u8 *opts,
				  unsigned int optlen)
{
	struct sk_buff *skb;

	if (WARN_ON_ONCE(optlen & 3 || optlen > HSK_MAX_OPTLEN))
		return NULL;
	skb = hsk_alloc_segment(0, GFP_ATOMIC);
	if (!skb)
		return NULL;
	if (optlen)
		memcpy(hsk_push_tcp(skb, r, optlen), opts, optlen);
	else
		hsk_push_tcp(skb, r, 0);
	hsk_push_ip(skb, r);
	return skb;
}

/*
 * The length of @o's options (NULL: none), or -EINVAL for more than a TCP
 * header holds, which no caller should ask for (SACK blocks are cut to
 * the room there is).
 */
static __always_inline int hsk_reply_optlen(const struct hsk_opts *o)
{
	unsigned int len = o ? hsk_options_len(o) : 0;

	return WARN_ON_ONCE(len > HSK_MAX_OPTLEN) ? -EINVAL : len;
}

/*
 * A segment with the options of @o (may be NULL) and the bytes of @data, a
 * connection's queued data or FIN. It goes out as a clone of @data, its
 * headers pushed into the headroom that hsk_alloc_segment() left, as
 * Linux's TCP sends clones of its queue: no allocation of a head, no copy.
 * Not while an earlier transmission still holds the head (in the host's
 * backlog, in the peer's receive queue), whose headers this one's would
 * overwrite, nor for a queued skb without the room: then a copy, as
 * Linux's pskb_copy of a segment still cloned.
 */
static struct sk_buff *hsk_build_data(const struct hsk_reply *r,
				      const struct hsk_opts *o,
				      struct sk_buff *data)
{
	int optlen = hsk_reply_optlen(o);
	unsigned int dlen = data ? data->len : 0;
	struct sk_buff *skb;

	if (optlen < 0)
		return NULL;
	if (data && !skb_cloned(data) && !skb_is_nonlinear(data) &&
	    skb_headroom(data) >= HSK_IP_HLEN + HSK_TCP_HLEN + optlen) {
		skb = skb_clone(data, GFP_ATOMIC);
		if (skb) {
			/* The stack's own cb, not the queue's. */
			memset(skb->cb, 0, sizeof(skb->cb));
			hsk_push_headers(skb, r, o, optlen);
			return skb;
		}
	}
	skb = hsk_alloc_segment(dlen, GFP_ATOMIC);
	if (!skb)
		return NULL;
	if (dlen && skb_copy_bits(data, 0, skb_put(skb, dlen), dlen)) {
		kfree_skb(skb);
		return NULL;
	}
	hsk_push_headers(skb, r, o, optlen);
	return skb;
}

/*
 * Reply in place: the skb of @seg, the segment being answered, emptied
 * and ready for hsk_push_headers() to write a @len-byte reply over it, or
 * NULL (nobody offered it, someone else holds it, it is paged or too
 * small): the caller allocates instead. A SYN from Linux is 60 bytes and
 * so is hsk's SYN-ACK, so the reply to a SYN costs no allocation, no
 * zeroing and no free. The skb must look freshly received on hsk0 as a
 * new one would: no socket, route, conntrack, mark, time, hash or
 * control block of its former life.
 */
static struct sk_buff *hsk_reuse_skb(const struct hsk_seg *seg,
				     unsigned int len)
{
	struct sk_buff *skb;

	if (!seg || !seg->skbp || !*seg->skbp)
		return NULL;
	skb = *seg->skbp;
	/*
	 * A clone (Linux's own SYN, whose TCP keeps the original; a tap on
	 * hsk0) would need a private copy of its 1 KiB head: a new 512-byte
	 * segment costs less.
	 */
	if (skb_shared(skb) || skb_cloned(skb) || skb_is_nonlinear(skb) ||
	    skb_is_gso(skb))
		return NULL;
	if (skb->len < len && skb_tailroom(skb) < len - skb->len)
		return NULL;
	*seg->skbp = NULL;

	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	/* The scrub keeps a monotonic delivery time; a new skb has none. */
	skb_set_delivery_time(skb, 0, 0);
	skb->priority = 0;
	skb_clear_hash(skb);
	__vlan_hwaccel_clear_tag(skb);
	skb_reset_redirect(skb);
	skb->encapsulation = 0;
	skb->csum_level = 0;
	memset(skb->cb, 0, sizeof(skb->cb));

	__skb_trim(skb, 0);
	skb_reserve(skb, len);
	return skb;
}

/*
 * The reply @r with the options of @o (may be NULL), over @seg's skb if it
 * can be, else in a new one.
 */
static struct sk_buff *hsk_make_reply(const struct hsk_reply *r,
				      const struct hsk_opts *o,
				      const struct hsk_seg *seg)
{
	int optlen = hsk_reply_optlen(o);
	struct sk_buff *skb;

	if (optlen < 0)
		return NULL;
	skb = hsk_reuse_skb(seg, HSK_IP_HLEN + HSK_TCP_HLEN + optlen);
	if (!skb)
		skb = hsk_alloc_segment(0, GFP_ATOMIC);
	if (skb)
		hsk_push_headers(skb, r, o, optlen);
	return skb;
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
/*
 * KUnit: when set, sent segments land here instead of in the host, a
 * train cut into its segments as GSO cuts it for a forwarded packet
 * (checksums and all), unless a test wants it whole.
 */
struct sk_buff_head *hsk_test_capture;
bool hsk_test_whole_trains;
/* KUnit: so many next sends fail as a full host backlog fails them. */
unsigned int hsk_test_fail_sends;
unsigned int hsk_test_fail_allocs;

static void hsk_test_capture_skb(struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb) || hsk_test_whole_trains) {
		skb_queue_tail(hsk_test_capture, skb);
		return;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		WARN_ONCE(1, "hsk: GSO refused a train: %ld", PTR_ERR(segs));
		skb_queue_tail(hsk_test_capture, skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		skb_queue_tail(hsk_test_capture, skb);
	}
}
#endif

/* 0, or -ENOBUFS when the host did not take @skb. */
static int hsk_send_segs(struct sk_buff *skb, bool rst, unsigned int segs)
{
	hsk_add(HSK_MIB_OutSegs, segs);
	if (rst)
		hsk_inc(HSK_MIB_OutRsts);
#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
	if (hsk_test_fail_sends) {
		hsk_test_fail_sends--;
		kfree_skb(skb);
		return -ENOBUFS;
	}
	if (hsk_test_capture) {
		hsk_test_capture_skb(skb);
		return 0;
	}
#endif
	return hsk_device_rx(skb);
}

static int hsk_send(struct sk_buff *skb, bool rst)
{
	return hsk_send_segs(skb, rst, 1);
}

void hsk_send_reset(const struct hsk_seg *seg)
{
	struct hsk_reply r;
	struct sk_buff *skb;

	hsk_reset_reply(seg, &r);
	skb = hsk_make_reply(&r, NULL, seg);
	if (!skb) {
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	hsk_send(skb, true);
}

/* A segment of connection @t, from our end to the peer's. */
static void hsk_reply_init(struct hsk_reply *r, const struct hsk_tuple *t,
			   u32 seq, u32 ack, u8 flags, u16 window)
{
	r->saddr = t->laddr;
	r->daddr = t->raddr;
	r->sport = t->lport;
	r->dport = t->rport;
	r->seq = seq;
	r->ack_seq = ack;
	r->flags = flags;
	r->window = window;
	r->hash = 0;
}

/* Sends a RST|ACK on connection @t, as Linux's active reset does. */
void hsk_send_rst_to(const struct hsk_tuple *t, u32 seq, u32 ack)
{
	struct hsk_reply r;
	struct sk_buff *skb;

	hsk_reply_init(&r, t, seq, ack, HSK_TH_RST | HSK_TH_ACK, 0);
	skb = hsk_build_segment(&r, NULL, 0);

	if (!skb) {
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	hsk_send(skb, true);
}

/*
 * Options in the order and alignment Linux writes them (tcp_options_write),
 * so a capture reads the same: MSS; TS, behind SACK_PERM if both go (else
 * NOP NOP); NOP NOP SACK_PERM without TS; NOP WS; NOP NOP SACK blocks.
 * Returns the length, a multiple of 4, at most 40 for what callers pass.
 */
static unsigned int hsk_write_options_walk(u8 *p, const struct hsk_opts *o)
{
	bool sack_perm = o->has & HSK_HAS_SACK_PERM;
	u8 *start = p;

	if (o->has & HSK_HAS_MSS) {
		*p++ = HSK_OPT_MSS;
		*p++ = HSK_OPTLEN_MSS;
		put_unaligned_be16(o->mss, p);
		p += 2;
	}
	if (o->has & HSK_HAS_TS) {
		if (sack_perm) {
			*p++ = HSK_OPT_SACK_PERM;
			*p++ = HSK_OPTLEN_SACK_PERM;
			sack_perm = false;
		} else {
			*p++ = HSK_OPT_NOP;
			*p++ = HSK_OPT_NOP;
		}
		*p++ = HSK_OPT_TIMESTAMP;
		*p++ = HSK_OPTLEN_TIMESTAMP;
		put_unaligned_be32(o->tsval, p);
		put_unaligned_be32(o->tsecr, p + 4);
		p += 8;
	}
	if (sack_perm) {
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_SACK_PERM;
		*p++ = HSK_OPTLEN_SACK_PERM;
	}
	if (o->has & HSK_HAS_WSCALE) {
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_WSCALE;
		*p++ = HSK_OPTLEN_WSCALE;
		*p++ = o->wscale;
	}
	if (o->nr_sack) {
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_NOP;
		*p++ = HSK_OPT_SACK;
		*p++ = HSK_OPTLEN_SACK_BASE + o->nr_sack * HSK_OPTLEN_SACK_BLOCK;
		memcpy(p, o->sack, o->nr_sack * HSK_OPTLEN_SACK_BLOCK);
		p += o->nr_sack * HSK_OPTLEN_SACK_BLOCK;
	}
	return p - start;
}

/*
 * The two sets nearly every reply carries, a word at a time: a SYN-ACK's
 * to a Linux client (what hsk_parse_options_fast() reads in its SYN), a
 * connection's segments' NOP NOP TIMESTAMP. The walk spent some 50
 * instructions of every SYN-ACK a byte at a time. KUnit checks both
 * against the walk.
 */
unsigned int hsk_write_options(u8 *p, const struct hsk_opts *o)
{
	if (o->has == HSK_HAS_LINUX_SYN && !o->nr_sack) {
		put_unaligned_be32(HSK_OPT_WORD(HSK_OPT_MSS, HSK_OPTLEN_MSS, 0, 0) |
				   o->mss, p);
		put_unaligned_be32(HSK_OPT_SACKPERM_TS, p + 4);
		put_unaligned_be32(o->tsval, p + 8);
		put_unaligned_be32(o->tsecr, p + 12);
		put_unaligned_be32(HSK_OPT_NOP_WSCALE << 8 | o->wscale, p + 16);
		return HSK_OPTLEN_LINUX_SYN;
	}
	if (o->has == HSK_HAS_TS && !o->nr_sack) {
		put_unaligned_be32(HSK_OPT_NOP_NOP_TS, p);
		put_unaligned_be32(o->tsval, p + 4);
		put_unaligned_be32(o->tsecr, p + 8);
		return HSK_OPTLEN_TS_ALIGNED;
	}
	return hsk_write_options_walk(p, o);
}

/*
 * @seg: the segment being answered, whose skb may carry it, or NULL.
 * @hash: the flow hash if the caller has one, else 0.
 */
static int hsk_send_opts(const struct hsk_tuple *t, u32 seq, u32 ack,
			 u8 flags, u16 window, const struct hsk_opts *o,
			 const struct hsk_seg *seg, u32 hash)
{
	struct hsk_reply r;
	struct sk_buff *skb;

	hsk_reply_init(&r, t, seq, ack, flags, window);
	r.hash = hash;
	skb = hsk_make_reply(&r, o, seg);
	if (!skb) {
		hsk_inc(HSK_MIB_DropNoMem);
		return -ENOMEM;
	}
	return hsk_send(skb, false);
}

/*
 * @syn: the SYN answered, whose skb may carry the SYN-ACK, or NULL.
 * @hash: a keyed hash of @t the caller made anyway (the ISN's, the
 * cookie's), or 0. Returns 0 once the host took it, as Linux's
 * send_synack() returns 0 once IP did.
 */
int hsk_send_synack(const struct hsk_tuple *t, u32 iss, u32 ack,
		    const struct hsk_opts *o, const struct hsk_seg *syn,
		    u32 hash)
{
	return hsk_send_opts(t, iss, ack, HSK_TH_SYN | HSK_TH_ACK, HSK_SYNACK_WINDOW,
		      o, syn, hash);
}

void hsk_send_ack(const struct hsk_tuple *t, u32 seq, u32 ack, u16 window,
		  const struct hsk_opts *o)
{
	hsk_send_opts(t, seq, ack, HSK_TH_ACK, window, o, NULL, 0);
}

/* A segment of connection @t carrying the bytes of @data. */
void hsk_send_data(const struct hsk_tuple *t, u32 seq, u32 ack, u8 flags,
		   u16 window, const struct hsk_opts *o,
		   struct sk_buff *data)
{
	struct hsk_reply r;
	struct sk_buff *skb;

	hsk_reply_init(&r, t, seq, ack, flags, window);
	skb = hsk_build_data(&r, o, data);
	if (!skb) {
		hsk_inc(HSK_MIB_DropNoMem);
		return;
	}
	hsk_send(skb, false);
}

/*
 * @n full segments of connection @t, @size bytes each, from @first on in
 * @q, as one skb: a new head holding the headers (with the options of @o)
 * and, on its frag_list, a clone of each segment's payload, as GRO builds
 * what it merges. The host's TCP takes the train as it takes a GRO or a
 * veth peer's TSO skb: one receive, one wakeup, one ACK decision, where
 * @n segments cost it @n of each; should the host forward it, GSO cuts it
 * back into @n segments of @size. Its checksum is left to GSO as veth
 * leaves it (CHECKSUM_PARTIAL): the host's TCP does not check a partial
 * one, and no pass over the payload sums it.
 */
void hsk_send_train(const struct hsk_tuple *t, u32 seq, u32 ack,
		    u16 window, const struct hsk_opts *o,
		    struct sk_buff_head *q, struct sk_buff *first,
		    unsigned int n, unsigned int size)
{
	int optlen = hsk_reply_optlen(o);
	struct sk_buff *head, *skb = first, **next;
	struct skb_shared_info *shinfo;
	struct hsk_reply r;
	unsigned int i;
	u8 *p;

	if (optlen < 0)
		return;
	head = hsk_alloc_segment(0, GFP_ATOMIC);
	if (!head)
		goto nomem;
	shinfo = skb_shinfo(head);
	next = &shinfo->frag_list;
	for (i = 0; i < n; i++) {
		struct sk_buff *car = skb_clone(skb, GFP_ATOMIC);

		if (!car) {
			kfree_skb(head);	/* and the cars on its frag_list */
			goto nomem;
		}
		memset(car->cb, 0, sizeof(car->cb));
		*next = car;
		next = &car->next;
		head->len += car->len;
		head->data_len += car->len;
		head->truesize += car->truesize;
		if (i + 1 < n)
			skb = skb_queue_next(q, skb);
	}

	hsk_reply_init(&r, t, seq, ack, HSK_TH_ACK | HSK_TH_PSH, window);
	p = hsk_push_tcp(head, &r, optlen);
	if (optlen)
		hsk_write_options(p, o);
	tcp_hdr(head)->check = ~tcp_v4_check(head->len, r.saddr, r.daddr, 0);
	hsk_push_iphdr(head, &r);
	head->ip_summed = CHECKSUM_PARTIAL;
	head->csum_start = skb_transport_header(head) - head->head;
	head->csum_offset = offsetof(struct tcphdr, check);
	shinfo->gso_size = size;
	shinfo->gso_type = SKB_GSO_TCPV4;
	shinfo->gso_segs = n;
	hsk_send_segs(head, false, n);
	return;
nomem:
	hsk_inc(HSK_MIB_DropNoMem);
}

u32 hsk_ts_now(void)
{
	return hsk_ts_of(ktime_get_ns());
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
#include "../kunit/output_test.c"
#endif
