/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol constants, in one place: TCP header flags and options as they
 * appear on the wire, and the limits hsk applies to what it parses.
 */
#ifndef _HSK_PROTO_H
#define _HSK_PROTO_H

#include <linux/jiffies.h>
#include <linux/types.h>

/* Flag bits of byte 13 of the TCP header (RFC 793, RFC 3168). */
enum {
	HSK_TH_FIN = 0x01,
	HSK_TH_SYN = 0x02,
	HSK_TH_RST = 0x04,
	HSK_TH_PSH = 0x08,
	HSK_TH_ACK = 0x10,
	HSK_TH_URG = 0x20,
	HSK_TH_ECE = 0x40,
	HSK_TH_CWR = 0x80,
};

/* Option kinds and their fixed lengths (RFC 793, 7323, 2018). */
enum {
	HSK_OPT_EOL = 0,
	HSK_OPT_NOP = 1,
	HSK_OPT_MSS = 2,
	HSK_OPT_WSCALE = 3,
	HSK_OPT_SACK_PERM = 4,
	HSK_OPT_SACK = 5,
	HSK_OPT_TIMESTAMP = 8,
};

enum {
	HSK_OPTLEN_MSS = 4,
	HSK_OPTLEN_WSCALE = 3,
	HSK_OPTLEN_SACK_PERM = 2,
	HSK_OPTLEN_TIMESTAMP = 10,
	HSK_OPTLEN_SACK_BASE = 2,	/* kind, length, then the blocks */
	HSK_OPTLEN_SACK_BLOCK = 8,	/* left and right edge */
};

/*
 * Option layouts that input.c matches a word at a time before walking:
 * RFC 7323 Appendix A's NOP NOP TIMESTAMP, on nearly every segment after
 * the SYN, and Linux's SYN: MSS, SACK permitted with the timestamp's
 * kind and length, the timestamp, NOP and window scale.
 */
#define HSK_OPT_WORD(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | \
					 (u32)(c) << 8 | (u32)(d))
#define HSK_OPT_NOP_NOP_TS	HSK_OPT_WORD(HSK_OPT_NOP, HSK_OPT_NOP, \
					     HSK_OPT_TIMESTAMP, HSK_OPTLEN_TIMESTAMP)
#define HSK_OPT_SACKPERM_TS	HSK_OPT_WORD(HSK_OPT_SACK_PERM, HSK_OPTLEN_SACK_PERM, \
					     HSK_OPT_TIMESTAMP, HSK_OPTLEN_TIMESTAMP)
#define HSK_OPT_NOP_WSCALE	HSK_OPT_WORD(0, HSK_OPT_NOP, HSK_OPT_WSCALE, \
					     HSK_OPTLEN_WSCALE)
#define HSK_OPTLEN_TS_ALIGNED	12	/* NOP NOP TIMESTAMP */
#define HSK_OPTLEN_LINUX_SYN	20	/* MSS SACK_PERM TIMESTAMP NOP WSCALE */

/*
 * SACK blocks per segment (RFC 2018 3): 40 option bytes hold NOP NOP SACK
 * and 4 blocks, or 3 next to NOP NOP TS.
 */
#define HSK_MAX_SACK		4
#define HSK_MAX_SACK_TS		3
#define HSK_SACK_OPTLEN(n)	(4 + (n) * HSK_OPTLEN_SACK_BLOCK)
/*
 * RFC 6675 DupThresh, Linux's tcp_reordering: SACKed segments above a hole
 * (or duplicate ACKs) that make it lost, until a connection learns that
 * its path reorders more (reorder.c), up to Linux's tcp_max_reordering.
 */
#define HSK_REORDERING		3
#define HSK_MAX_REORDERING	300

#define HSK_TCP_HLEN		20	/* TCP header without options */
#define HSK_TCP_MAX_HLEN	60	/* data offset is 4 bits of words */
#define HSK_MAX_OPTLEN		(HSK_TCP_MAX_HLEN - HSK_TCP_HLEN)
#define HSK_IP_HLEN		20	/* IPv4 header without options */
/* A train's payload at most (hsk_send_train()): its IPv4 length holds it. */
#define HSK_TRAIN_MAX		(0xffff - HSK_IP_HLEN - HSK_TCP_MAX_HLEN)
#define HSK_MAX_WSCALE		14	/* RFC 7323 2.3: larger shifts are clamped */
#define HSK_DEFAULT_TTL		64
#define HSK_DEFAULT_MSS		536	/* RFC 1122 4.2.2.6: no MSS option */
#define HSK_MIN_SND_MSS		48	/* Linux's tcp_min_snd_mss: a floor on the peer's */
#define HSK_IP_TCP_HLEN		(HSK_IP_HLEN + HSK_TCP_HLEN)	/* MSS = MTU - this */

#define HSK_SYNACK_TIMEOUT	HZ		/* RFC 6298 initial RTO */
/* Linux's reqsk_timer_handler(): pruning past half of max(8, backlog)... */
#define HSK_SYNQ_PRUNE_MIN	8U
/* ... takes old entries' retries down to 2 at least */
#define HSK_SYNQ_PRUNE_RETRIES	2
#define HSK_RTO_MAX		(120 * HZ)	/* Linux's TCP_RTO_MAX */
#define HSK_OOW_RATELIMIT	(HZ / 2)	/* Linux's tcp_invalid_ratelimit */
#define HSK_PAWS_MSL		(60 * HZ)	/* Linux's TCP_PAWS_MSL */
#define HSK_PAWS_24DAYS		(60 * 60 * 24 * 24)	/* s: RFC 7323 5.5 */
/* A SYN ending TIME_WAIT: ISN = old snd_nxt + this, as Linux's TCP_TW_SYN. */
#define HSK_TW_ISN_GAP		(65535U + 2)
#define HSK_SYNACK_WINDOW	65535U	/* a SYN-ACK's window is never scaled */
#define HSK_RCVBUF		(4U << 20)	/* per connection */
#define HSK_RCV_WSCALE		7	/* covers HSK_RCVBUF, as Linux picks */
/*
 * Receive memory (truesize) per connection, in order and out of order:
 * twice the window, as Linux's tcp_adv_win_scale of 1 leaves half of
 * rcvbuf for overhead. A segment that would cost more than twice its
 * payload as a clone is copied, so a peer within the window stays under.
 */
#define HSK_RCVMEM		(2 * HSK_RCVBUF)
/* What a connection may hold whatever net.hsk.mem says (Linux: tcp_rmem[0]). */
#define HSK_RMEM_MIN_SHARE	(16U << 10)
/* A window under memory pressure: segments (Linux's 4 * advmss). */
#define HSK_PRESSURE_WINDOW	4
#define HSK_SYNQ_BUDGET		256	/* entries per timer run: under netdev_max_backlog */
#define HSK_SYNQ_MIN_BUDGET	16	/* ... even with the backlog half full */
#define HSK_TABLE_MIN_SIZE	256	/* buckets below which tables never shrink */
#define HSK_SHRINK_DELAY	(10 * HZ)	/* the half-open table's hysteresis */
#define HSK_REQS_LOAD_NUM	5	/* ... grows past 5/4 entries per bucket */
#define HSK_REQS_LOAD_DEN	4
#define HSK_SNDBUF		(4U << 20)	/* per connection */
/*
 * The send queue's memory (truesize): with a peer's MSS of 48 each skb
 * holds 36 bytes in 576, and 4 MiB of payload would pin 64 MiB;
 * the bound makes such a queue hold less payload instead.
 */
#define HSK_SNDMEM		(2 * HSK_SNDBUF)
#define HSK_INIT_CWND		10	/* segments, RFC 6928 */
#define HSK_RTO_INIT		HSK_SYNACK_TIMEOUT	/* RFC 6298 2.1 */
#define HSK_RTO_MIN		(HZ / 5)	/* Linux's 200 ms, not RFC's 1 s */
#define HSK_DELACK		(HZ / 25)	/* Linux's TCP_DELACK_MIN, 40 ms */
/*
 * A tail loss probe's timeout beyond 2 SRTT (RFC 8985 7.2, as Linux's
 * tcp_schedule_loss_probe()): a lone segment's ACK may be delayed, so the
 * minimum RTO; else Linux's TCP_TIMEOUT_MIN_US. Without an RTT sample, 1 s.
 */
#define HSK_PTO_LONE_US		(200 * USEC_PER_MSEC)
#define HSK_PTO_MIN_US		(2 * USEC_PER_MSEC)
#define HSK_PTO_INIT		HZ
#define HSK_MAX_QUICKACKS	16	/* Linux's TCP_MAX_QUICKACKS */
#define HSK_RETRIES		15	/* as Linux's tcp_retries2 */
#define HSK_ORPHAN_RETRIES	8	/* Linux's tcp_orphan_retries 0 */
#define HSK_TS_OPTLEN		HSK_OPTLEN_TS_ALIGNED	/* on every segment */

/*
 * SYN cookies, Linux's IPv4 layout (cookie.c): the ISN's low 24 bits are
 * the MAC plus the MSS index, the top 8 the minute counter; a cookie's
 * options ride in the low 6 bits of the SYN-ACK's TSval.
 */
#define HSK_COOKIE_BITS		24
#define HSK_COOKIE_MASK		((1U << HSK_COOKIE_BITS) - 1)
#define HSK_COOKIE_MAX_AGE	2	/* counter ticks */
#define HSK_COOKIE_TICK		(60 * HZ)
#define HSK_COOKIE_COUNTER_MASK	(U32_MAX >> HSK_COOKIE_BITS)

#define HSK_TS_OPT_BITS		6
#define HSK_TS_OPT_MASK		((1U << HSK_TS_OPT_BITS) - 1)
#define HSK_TS_WSCALE_NONE	0xf
#define HSK_TS_SACK		BIT(4)
#define HSK_TS_ECN		BIT(5)

#endif /* _HSK_PROTO_H */
