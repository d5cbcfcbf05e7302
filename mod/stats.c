// SPDX-License-Identifier: GPL-2.0
/*
 * Counters, and their view in /proc/net/hsk/stats: one "Name value" line
 * each, in a fixed order, zeros included, so scripts and hskctl can diff.
 */

#include "hsk.h"
#include "stats.h"

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

DEFINE_PER_CPU(struct hsk_mibs, hsk_mibs);

/* A name for each counter and, for drops, the kfree_skb() reason. */
struct hsk_mib_desc {
	const char *name;
	enum skb_drop_reason reason;
};

#define HSK_MIB_ITEM(n, r) { .name = #n, .reason = SKB_DROP_REASON_##r }
static const struct hsk_mib_desc hsk_mib_descs[] = {
	HSK_MIB_ITEM(InSegs, NOT_SPECIFIED),
	HSK_MIB_ITEM(OutSegs, NOT_SPECIFIED),
	HSK_MIB_ITEM(OutRsts, NOT_SPECIFIED),
	HSK_MIB_ITEM(InErrs, NOT_SPECIFIED),
	HSK_MIB_ITEM(DropIpVersion, IP_INHDR),
	HSK_MIB_ITEM(DropIpHdr, IP_INHDR),
	HSK_MIB_ITEM(DropIpLen, IP_INHDR),
	HSK_MIB_ITEM(DropIpCsum, IP_CSUM),
	HSK_MIB_ITEM(DropIpFrag, IP_INHDR),
	HSK_MIB_ITEM(DropBadAddr, IP_INADDRERRORS),
	HSK_MIB_ITEM(DropNotTcp, UNHANDLED_PROTO),
	HSK_MIB_ITEM(DropTcpHdr, PKT_TOO_SMALL),
	HSK_MIB_ITEM(DropTcpCsum, TCP_CSUM),
	HSK_MIB_ITEM(DropTcpOpt, PKT_TOO_SMALL),
	HSK_MIB_ITEM(DropRstClosed, NO_SOCKET),
	HSK_MIB_ITEM(DropNoMem, NOMEM),
	HSK_MIB_ITEM(ListenDiscards, NOT_SPECIFIED),
	HSK_MIB_ITEM(ListenOverflows, NOT_SPECIFIED),
	HSK_MIB_ITEM(ListenDrops, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPReqQFullDoCookies, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPReqQFullDrop, NOT_SPECIFIED),
	HSK_MIB_ITEM(SyncookiesSent, NOT_SPECIFIED),
	HSK_MIB_ITEM(SyncookiesRecv, NOT_SPECIFIED),
	HSK_MIB_ITEM(SyncookiesFailed, NOT_SPECIFIED),
	HSK_MIB_ITEM(EmbryonicRsts, NOT_SPECIFIED),
	HSK_MIB_ITEM(PassiveOpens, NOT_SPECIFIED),
	HSK_MIB_ITEM(AttemptFails, NOT_SPECIFIED),
	HSK_MIB_ITEM(PAWSEstab, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPTimeouts, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPSynRetrans, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPChallengeACK, NOT_SPECIFIED),
	HSK_MIB_ITEM(EstabResets, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPAbortOnClose, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPAbortOnTimeout, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPRetransSegs, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPWinProbe, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPOFOQueue, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPOFODrop, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPAbortOnData, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPSackRecovery, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPSACKReneging, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPACKSkippedSynRecv, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPACKSkippedPAWS, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPACKSkippedSeq, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPACKSkippedChallenge, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPACKSkippedTimeWait, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPRcvCoalesce, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPRcvQDrop, NOT_SPECIFIED),
	HSK_MIB_ITEM(OfoPruned, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKOldSent, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKOfoSent, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKRecv, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKOfoRecv, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKIgnoredDubious, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPDSACKUndo, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPSACKReorder, NOT_SPECIFIED),
	HSK_MIB_ITEM(DelayedACKs, NOT_SPECIFIED),
	HSK_MIB_ITEM(DelayedACKLost, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPLossProbes, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPLossProbeRecovery, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPMemoryPressures, NOT_SPECIFIED),
	HSK_MIB_ITEM(TCPZeroWindowDrop, NOT_SPECIFIED),
};

/* /proc/net/hsk: other files (listener.c, synq.c) live here too. */
struct proc_dir_entry *hsk_proc_dir;

unsigned long hsk_stat_read(enum hsk_mib m)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(hsk_mibs.v[m], cpu);
	return sum;
}

const char *hsk_stat_name(enum hsk_mib m)
{
	return hsk_mib_descs[m].name;
}

enum skb_drop_reason hsk_stat_drop_reason(enum hsk_mib m)
{
	return hsk_mib_descs[m].reason;
}

static int hsk_stats_show(struct seq_file *seq, void *v)
{
	enum hsk_mib m;

	for (m = 0; m < HSK_MIB_MAX; m++)
		seq_printf(seq, "%s %lu\n", hsk_mib_descs[m].name,
			   hsk_stat_read(m));
	return 0;
}

int hsk_stats_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(hsk_mib_descs) != HSK_MIB_MAX);
	hsk_proc_dir = proc_mkdir("hsk", init_net.proc_net);
	if (!hsk_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("stats", 0444, hsk_proc_dir, hsk_stats_show))
		goto err_remove_dir;
	return 0;

err_remove_dir:
	proc_remove(hsk_proc_dir);
	return -ENOMEM;
}

void hsk_stats_exit(void)
{
	proc_remove(hsk_proc_dir);
}
