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

/* In the order of hsk_mib_descs[] in stats.c: that order is the ABI. */
enum hsk_mib {
	HSK_MIB_InSegs,	/* valid TCP segments taken in */
	HSK_MIB_OutSegs,	/* segments sent */
	HSK_MIB_OutRsts,	/* of which RST */
	HSK_MIB_InErrs,	/* malformed: the parse drops below, not DropNoMem */
	HSK_MIB_DropIpVersion,	/* not IPv4 */
	HSK_MIB_DropIpHdr,	/* IP header short or IHL < 5 */
	HSK_MIB_DropIpLen,	/* total length vs buffer */
	HSK_MIB_DropIpCsum,
	HSK_MIB_DropIpFrag,	/* fragments are not reassembled */
	HSK_MIB_DropBadAddr,	/* multicast, broadcast, zero, loopback */
	HSK_MIB_DropNotTcp,
	HSK_MIB_DropTcpHdr,	/* TCP header short or bad offset */
	HSK_MIB_DropTcpCsum,
	HSK_MIB_DropTcpOpt,	/* option length 0, 1 or overrun */
	HSK_MIB_DropRstClosed,	/* RST to a closed port: no answer */
	HSK_MIB_DropNoMem,	/* no memory for a reply or entry */
	HSK_MIB_ListenDiscards,	/* RST, SYN+FIN, no SYN/ACK at a listener */
	HSK_MIB_ListenOverflows,
	HSK_MIB_ListenDrops,
	HSK_MIB_TCPReqQFullDoCookies,
	HSK_MIB_TCPReqQFullDrop,
	HSK_MIB_SyncookiesSent,
	HSK_MIB_SyncookiesRecv,
	HSK_MIB_SyncookiesFailed,
	HSK_MIB_EmbryonicRsts,
	HSK_MIB_PassiveOpens,
	HSK_MIB_AttemptFails,
	HSK_MIB_PAWSEstab,
	HSK_MIB_TCPTimeouts,	/* SYN-ACK timer firings */
	HSK_MIB_TCPSynRetrans,	/* SYN-ACKs sent again */
	HSK_MIB_TCPChallengeACK,	/* RFC 5961 */
	HSK_MIB_EstabResets,	/* connections reset by the peer */
	HSK_MIB_TCPAbortOnClose,	/* closed with unread data: RST */
	HSK_MIB_TCPAbortOnTimeout,	/* gave up retransmitting */
	HSK_MIB_TCPRetransSegs,	/* data segments sent again */
	HSK_MIB_TCPWinProbe,	/* zero-window probes */
	HSK_MIB_TCPOFOQueue,	/* segments held out of order */
	HSK_MIB_TCPOFODrop,	/* out of order, no room */
	HSK_MIB_TCPAbortOnData,	/* data nobody will read: RST */
	HSK_MIB_TCPSackRecovery,	/* recoveries entered with SACK */
	HSK_MIB_TCPSACKReneging,	/* the peer dropped data it SACKed */
	HSK_MIB_TCPACKSkippedSynRecv,	/* a resend or an ACK rate-limited */
	HSK_MIB_TCPACKSkippedPAWS,	/* ACKs to unacceptable segments, */
	HSK_MIB_TCPACKSkippedSeq,	/* rate-limited per connection */
	HSK_MIB_TCPACKSkippedChallenge,
	HSK_MIB_TCPACKSkippedTimeWait,
	HSK_MIB_TCPRcvCoalesce,	/* appended to a held buffer */
	HSK_MIB_TCPRcvQDrop,	/* in order, over the receive memory */
	HSK_MIB_OfoPruned,	/* out-of-order data dropped for room */
	HSK_MIB_TCPDSACKOldSent,	/* D-SACK of data below rcv_nxt */
	HSK_MIB_TCPDSACKOfoSent,	/* D-SACK of data held out of order */
	HSK_MIB_TCPDSACKRecv,	/* the peer's D-SACK: below its ACK */
	HSK_MIB_TCPDSACKOfoRecv,	/* the peer's D-SACK: inside its block 2 */
	HSK_MIB_TCPDSACKIgnoredDubious,	/* ... wider than resent or window */
	HSK_MIB_TCPDSACKUndo,	/* a needless recovery undone */
	HSK_MIB_TCPSACKReorder,	/* a late segment found from SACKs */
	HSK_MIB_DelayedACKs,	/* the delayed-ACK timer sent one */
	HSK_MIB_DelayedACKLost,	/* data came again: quick ACKs anew */
	HSK_MIB_TCPLossProbes,	/* tail loss probes sent */
	HSK_MIB_TCPLossProbeRecovery,	/* ... that repaired a loss */
	HSK_MIB_TCPMemoryPressures,	/* receive memory passed mem[1] */
	HSK_MIB_TCPZeroWindowDrop,	/* data at rcv_nxt, window shut */
	HSK_MIB_MAX
};

/* Per-CPU, so counting never bounces a cache line between CPUs. */
struct hsk_mibs {
	unsigned long v[HSK_MIB_MAX];
};
DECLARE_PER_CPU(struct hsk_mibs, hsk_mibs);

static inline void hsk_inc(enum hsk_mib m)
{
	this_cpu_inc(hsk_mibs.v[m]);
}

static inline void hsk_add(enum hsk_mib m, unsigned long n)
{
	this_cpu_add(hsk_mibs.v[m], n);
}

unsigned long hsk_stat_read(enum hsk_mib m);
const char *hsk_stat_name(enum hsk_mib m);
enum skb_drop_reason hsk_stat_drop_reason(enum hsk_mib m);
struct proc_dir_entry;
extern struct proc_dir_entry *hsk_proc_dir;
int hsk_stats_init(void);
void hsk_stats_exit(void);

#endif /* _HSK_STATS_H */
