/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters, named as Linux names its TcpExt/Tcp counters where one exists,
 * and one Drop* counter for every reason hsk discards a packet. The list is
 * the ABI of /proc/net/hsk/stats: append, never reorder or rename.
 */
#ifndef _HSK_STATS_H
#define _HSK_STATS_H

#include <linux/percpu.h>
#include <net/dropreason.h>

/* X(name, kfree_skb reason) for drops; reason unused for the rest. */
#define HSK_MIB_LIST(X)							\
	X(InSegs, NOT_SPECIFIED)	/* valid TCP segments taken in */ \
	X(OutSegs, NOT_SPECIFIED)	/* segments sent */		\
	X(OutRsts, NOT_SPECIFIED)	/* of which RST */		\
	X(InErrs, NOT_SPECIFIED)	/* malformed: sum of the drops below */ \
	X(DropIpVersion, IP_INHDR)	/* not IPv4 */			\
	X(DropIpHdr, IP_INHDR)		/* IP header short or IHL < 5 */ \
	X(DropIpLen, IP_INHDR)		/* total length vs buffer */	\
	X(DropIpCsum, IP_CSUM)						\
	X(DropIpFrag, IP_INHDR)		/* fragments are not reassembled */ \
	X(DropBadAddr, IP_INADDRERRORS)	/* multicast, broadcast, zero, loopback */ \
	X(DropNotTcp, UNHANDLED_PROTO)					\
	X(DropTcpHdr, PKT_TOO_SMALL)	/* TCP header short or bad offset */ \
	X(DropTcpCsum, TCP_CSUM)					\
	X(DropTcpOpt, PKT_TOO_SMALL)	/* option length 0, 1 or overrun */ \
	X(DropRstClosed, NO_SOCKET)	/* RST to a closed port: no answer */ \
	X(DropNoMem, NOMEM)		/* no memory for a reply or entry */ \
	X(ListenDiscards, NOT_SPECIFIED) /* RST, SYN+FIN, no SYN/ACK at a listener */ \
	X(ListenOverflows, NOT_SPECIFIED)				\
	X(ListenDrops, NOT_SPECIFIED)					\
	X(TCPReqQFullDoCookies, NOT_SPECIFIED)				\
	X(TCPReqQFullDrop, NOT_SPECIFIED)				\
	X(SyncookiesSent, NOT_SPECIFIED)				\
	X(SyncookiesRecv, NOT_SPECIFIED)				\
	X(SyncookiesFailed, NOT_SPECIFIED)				\
	X(EmbryonicRsts, NOT_SPECIFIED)					\
	X(PassiveOpens, NOT_SPECIFIED)					\
	X(AttemptFails, NOT_SPECIFIED)					\
	X(PAWSEstab, NOT_SPECIFIED)					\
	X(TCPTimeouts, NOT_SPECIFIED)	/* SYN-ACK timer firings */	\
	X(TCPSynRetrans, NOT_SPECIFIED)	/* SYN-ACKs sent again */	\
	X(TCPChallengeACK, NOT_SPECIFIED) /* RFC 5961 */

#define HSK_MIB_ENUM(name, reason) HSK_MIB_##name,
enum hsk_mib {
	HSK_MIB_LIST(HSK_MIB_ENUM)
	HSK_MIB_MAX
};
#undef HSK_MIB_ENUM

/* Per-CPU, so counting never bounces a cache line between CPUs. */
struct hsk_mibs {
	unsigned long v[HSK_MIB_MAX];
};
DECLARE_PER_CPU(struct hsk_mibs, hsk_mibs);

static inline void hsk_inc(enum hsk_mib m)
{
	this_cpu_inc(hsk_mibs.v[m]);
}

unsigned long hsk_stat_read(enum hsk_mib m);
const char *hsk_stat_name(enum hsk_mib m);
enum skb_drop_reason hsk_stat_drop_reason(enum hsk_mib m);
struct proc_dir_entry;
extern struct proc_dir_entry *hsk_proc_dir;
int hsk_stats_init(void);
void hsk_stats_exit(void);

#endif /* _HSK_STATS_H */
