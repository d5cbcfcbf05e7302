/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of hsk share: the parsed view of a segment, the knobs,
 * and each file's entry points.
 */
#ifndef _HSK_H
#define _HSK_H

#undef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "proto.h"
#include "stats.h"
#include "tables.h"

/* TCP options of one segment, as far as the handshake cares. */
struct hsk_opts {
	u32 tsval;
	u32 tsecr;
	u16 mss;		/* 0: not sent */
	u8 wscale;		/* valid with HSK_HAS_WSCALE, clamped to 14 */
	u8 has;			/* HSK_HAS_* */
	u8 nr_sack;		/* SACK blocks at sack: 0 .. HSK_MAX_SACK */
	const u8 *sack;		/* as on the wire: be32 left, right edges */
};

enum {
	HSK_HAS_MSS = BIT(0),
	HSK_HAS_WSCALE = BIT(1),
	HSK_HAS_SACK_PERM = BIT(2),
	HSK_HAS_TS = BIT(3),
	/* What a Linux client's SYN carries (HSK_OPTLEN_LINUX_SYN). */
	HSK_HAS_LINUX_SYN = HSK_HAS_MSS | HSK_HAS_WSCALE | HSK_HAS_SACK_PERM |
			    HSK_HAS_TS,
};

/*
 * One validated segment. Addresses and ports are as on the wire; the
 * sequence numbers in host order. Built on the stack by hsk_parse() and
 * valid only while the skb it was parsed from is.
 */
struct hsk_seg {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack_seq;
	u32 len;		/* payload bytes */
	u32 end_seq;		/* seq + len + SYN + FIN */
	u16 window;		/* unscaled, as sent */
	u16 doff;		/* TCP header bytes */
	u8 flags;		/* HSK_TH_* */
	struct hsk_opts opt;
	/*
	 * The caller's pointer to the skb, which a reply may take over and
	 * NULL (output.c: hsk_reuse_skb); NULL where no reply may take it.
	 */
	struct sk_buff **skbp;
};

/* The 4-tuple of @seg's connection, from our end. */
static inline void hsk_tuple_from_seg(struct hsk_tuple *t,
				      const struct hsk_seg *seg)
{
	t->raddr = seg->saddr;
	t->laddr = seg->daddr;
	t->rport = seg->sport;
	t->lport = seg->dport;
}

/* A SYN that opens a connection: no ACK, RST or FIN beside it. */
static inline bool hsk_seg_plain_syn(const struct hsk_seg *seg)
{
	return (seg->flags & (HSK_TH_SYN | HSK_TH_ACK | HSK_TH_RST |
			      HSK_TH_FIN)) == HSK_TH_SYN;
}

/* net.hsk.*: written by sysctl, read with READ_ONCE where they matter. */
struct hsk_knobs {
	int max_syn_backlog;
	int somaxconn;
	int abort_on_overflow;
	int syncookies;
	int synack_retries;
	int syn_retries;
	int fin_timeout;
	int sack;
	int window_scaling;
	int timestamps;
	int early_retrans;
	unsigned long mem[3];	/* pages: Linux's tcp_mem, receive side */
};
extern struct hsk_knobs hsk_knobs;

/* net.hsk.fin_timeout in jiffies: FIN_WAIT_2's and TIME_WAIT's length. */
static inline unsigned long hsk_fin_timeout(void)
{
	return READ_ONCE(hsk_knobs.fin_timeout) * HZ;
}

/* rmem.c: all connections' receive memory, against net.hsk.mem. */
int hsk_rmem_init(void);
void hsk_rmem_exit(void);
void hsk_rmem_defaults(unsigned long mem[3]);
bool hsk_rmem_pressure(void);
#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
long hsk_rmem_bytes(void);
#endif

/* device.c: hsk0. Lives from hsk_device_init() to hsk_device_exit(). */
extern struct net_device *hsk_dev;
int hsk_device_init(void);
void hsk_device_exit(void);
int hsk_device_rx(struct sk_buff *skb);

/* Whether full segments sent together go as one (hsk_send_train()). */
static inline bool hsk_device_trains(void)
{
	return READ_ONCE(hsk_dev->features) & NETIF_F_GRO_HW;
}

/*
 * The directed broadcasts of hsk0's subnets (10.77.0.255 beside
 * 10.77.0.1/24: each address's brd, and prefix | ~mask below /31, the
 * kernel's RTN_BROADCAST routes), rewritten under RTNL at each address
 * change and read per segment without a lock: a segment racing a change
 * is checked against the old set or the new. Subnets past the first
 * HSK_DEV_MAX_BCAST are not checked.
 */
#define HSK_DEV_MAX_BCAST	16
extern __be32 hsk_dev_bcasts[HSK_DEV_MAX_BCAST];
extern unsigned int hsk_dev_nr_bcasts;

static inline bool hsk_dev_is_bcast(__be32 saddr, __be32 daddr)
{
	unsigned int i, n = READ_ONCE(hsk_dev_nr_bcasts);

	for (i = 0; i < n; i++) {
		__be32 b = READ_ONCE(hsk_dev_bcasts[i]);

		if (saddr == b || daddr == b)
			return true;
	}
	return false;
}

/* input.c */
bool hsk_bad_addr(__be32 addr);
enum hsk_mib hsk_parse(struct sk_buff *skb, struct hsk_seg *seg);
int hsk_parse_options(const u8 *p, unsigned int len, struct hsk_opts *opt);
bool hsk_input(struct sk_buff *skb);
void hsk_dispatch(struct sk_buff *skb, const struct hsk_seg *seg,
		  unsigned long now);

/* output.c */
struct hsk_reply {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack_seq;
	u16 window;
	u8 flags;
	u32 hash;	/* the flow hash, if the caller has one; 0: made here */
};
struct hsk_tuple;
void hsk_output_init(void);
void hsk_reset_reply(const struct hsk_seg *seg, struct hsk_reply *r);
struct sk_buff *hsk_build_segment(const struct hsk_reply *r, const u8 *opts,
				  unsigned int optlen);
struct sk_buff *hsk_alloc_segment(unsigned int dlen, gfp_t gfp);

/*
 * The length hsk_write_options() will give @o, known before a byte is
 * written so that the options can go straight into the header.
 */
static inline unsigned int hsk_options_len(const struct hsk_opts *o)
{
	unsigned int len = 0;

	if (o->has & HSK_HAS_MSS)
		len += HSK_OPTLEN_MSS;
	if (o->has & HSK_HAS_TS)
		len += HSK_OPTLEN_TS_ALIGNED;	/* SACK_PERM rides in it */
	else if (o->has & HSK_HAS_SACK_PERM)
		len += 2 + HSK_OPTLEN_SACK_PERM;
	if (o->has & HSK_HAS_WSCALE)
		len += 1 + HSK_OPTLEN_WSCALE;
	if (o->nr_sack)
		len += HSK_SACK_OPTLEN(o->nr_sack);
	return len;
}

unsigned int hsk_write_options(u8 *p, const struct hsk_opts *o);
void hsk_send_data(const struct hsk_tuple *t, u32 seq, u32 ack, u8 flags,
		   u16 window, const struct hsk_opts *o,
		   struct sk_buff *data);
void hsk_send_train(const struct hsk_tuple *t, u32 seq, u32 ack,
		    u16 window, const struct hsk_opts *o,
		    struct sk_buff_head *q, struct sk_buff *first,
		    unsigned int n, unsigned int size);
void hsk_send_reset(const struct hsk_seg *seg);
void hsk_send_rst_to(const struct hsk_tuple *t, u32 seq, u32 ack);
int hsk_send_synack(const struct hsk_tuple *t, u32 iss, u32 ack,
		    const struct hsk_opts *o, const struct hsk_seg *syn,
		    u32 hash);
void hsk_send_ack(const struct hsk_tuple *t, u32 seq, u32 ack, u16 window,
		  const struct hsk_opts *o);

/* What we can take per segment: hsk0's MTU less IPv4 and TCP headers. */
static inline u16 hsk_local_mss(void)
{
	return READ_ONCE(hsk_dev->mtu) - HSK_IP_TCP_HLEN;
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
extern struct sk_buff_head *hsk_test_capture;
extern bool hsk_test_whole_trains;
extern unsigned int hsk_test_fail_sends;
extern unsigned int hsk_test_fail_allocs;

/* KUnit: so many next entry and connection allocations fail. */
static inline bool hsk_test_alloc_fails(void)
{
	if (!hsk_test_fail_allocs)
		return false;
	hsk_test_fail_allocs--;
	return true;
}
#else
static inline bool hsk_test_alloc_fails(void)
{
	return false;
}
#endif
u32 hsk_ts_now(void);

/*
 * The TCP timestamp clock: milliseconds of CLOCK_MONOTONIC (RFC 7323
 * allows 1 ms to 1 s per tick), here of a reading @ns the caller has.
 */
static inline u32 hsk_ts_of(u64 ns)
{
	return (u32)div_u64(ns, NSEC_PER_MSEC);
}

/* sysctl.c */
int hsk_sysctl_init(void);
void hsk_sysctl_exit(void);

/* listener.c */
struct hsk_listener;
void hsk_synflood_warn(struct hsk_listener *l, int syncookies);

/* netlink.c */
int hsk_netlink_init(void);
void hsk_netlink_exit(void);

/* chardev.c */
struct hsk_conn;
int hsk_chardev_init(void);
void hsk_chardev_exit(void);

static inline void hsk_sin(struct sockaddr_in *sin, __be32 addr,
			   __be16 port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	sin->sin_port = port;
}

#endif /* _HSK_H */
