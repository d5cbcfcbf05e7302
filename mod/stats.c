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

#define HSK_MIB_NAME(name, reason) #name,
static const char *const hsk_mib_names[HSK_MIB_MAX] = {
	HSK_MIB_LIST(HSK_MIB_NAME)
};

#define HSK_MIB_REASON(name, reason) SKB_DROP_REASON_##reason,
static const enum skb_drop_reason hsk_mib_reasons[HSK_MIB_MAX] = {
	HSK_MIB_LIST(HSK_MIB_REASON)
};

/* /proc/net/hsk: other files (listener.c) live here too. */
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
	return hsk_mib_names[m];
}

enum skb_drop_reason hsk_stat_drop_reason(enum hsk_mib m)
{
	return hsk_mib_reasons[m];
}

static int hsk_stats_show(struct seq_file *seq, void *v)
{
	enum hsk_mib m;

	for (m = 0; m < HSK_MIB_MAX; m++)
		seq_printf(seq, "%s %lu\n", hsk_mib_names[m], hsk_stat_read(m));
	return 0;
}

int hsk_stats_init(void)
{
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
