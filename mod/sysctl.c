// SPDX-License-Identifier: GPL-2.0
/*
 * net.hsk.*: the knobs of DESIGN §3. proc_dointvec_minmax refuses a value
 * out of range with EINVAL and leaves the old one in place.
 */

#include "compat.h"
#include "hsk.h"

#include <linux/sysctl.h>

struct hsk_knobs hsk_knobs = {
	.max_syn_backlog = 1024,
	.somaxconn = 4096,
	.abort_on_overflow = 0,
	.syncookies = 1,
	.synack_retries = 5,
	.syn_retries = 6,
	.fin_timeout = 60,
	.sack = 1,
	.window_scaling = 1,
	.timestamps = 1,
	.early_retrans = 3,
};

static int hsk_max_backlog = 1 << 24;
static int hsk_max_synack_retries = 255;
static int hsk_max_syn_retries = 127;
static int hsk_max_fin_timeout = 600;

#define HSK_KNOB(field, lo, hi) {				\
	.procname = #field,					\
	.data = &hsk_knobs.field,				\
	.maxlen = sizeof(int),					\
	.mode = 0644,						\
	.proc_handler = proc_dointvec_minmax,			\
	.extra1 = lo,						\
	.extra2 = hi,						\
}

/* Ends in a sentinel for 6.1; see hsk_compat_register_sysctl(). */
static struct ctl_table hsk_sysctl_table[] = {
	HSK_KNOB(max_syn_backlog, SYSCTL_ONE, &hsk_max_backlog),
	HSK_KNOB(somaxconn, SYSCTL_ZERO, &hsk_max_backlog),
	HSK_KNOB(abort_on_overflow, SYSCTL_ZERO, SYSCTL_ONE),
	HSK_KNOB(syncookies, SYSCTL_ZERO, SYSCTL_TWO),
	HSK_KNOB(synack_retries, SYSCTL_ZERO, &hsk_max_synack_retries),
	HSK_KNOB(syn_retries, SYSCTL_ONE, &hsk_max_syn_retries),
	HSK_KNOB(fin_timeout, SYSCTL_ONE, &hsk_max_fin_timeout),
	/* What a SYN-ACK offers; read at the SYN and at a cookie's ACK. */
	HSK_KNOB(sack, SYSCTL_ZERO, SYSCTL_ONE),
	HSK_KNOB(window_scaling, SYSCTL_ZERO, SYSCTL_ONE),
	HSK_KNOB(timestamps, SYSCTL_ZERO, SYSCTL_ONE),
	/* Linux's tcp_early_retrans: 3 and 4 send tail loss probes. */
	HSK_KNOB(early_retrans, SYSCTL_ZERO, SYSCTL_FOUR),
	/* Three page counts, as Linux's tcp_mem (no bounds there either). */
	{
		.procname = "mem",
		.data = &hsk_knobs.mem,
		.maxlen = sizeof(hsk_knobs.mem),
		.mode = 0644,
		.proc_handler = proc_doulongvec_minmax,
	},
	{ }
};

static struct ctl_table_header *hsk_sysctl_header;

int hsk_sysctl_init(void)
{
	hsk_rmem_defaults(hsk_knobs.mem);
	hsk_sysctl_header =
		hsk_compat_register_sysctl("net/hsk", hsk_sysctl_table,
					   ARRAY_SIZE(hsk_sysctl_table) - 1);
	return hsk_sysctl_header ? 0 : -ENOMEM;
}

void hsk_sysctl_exit(void)
{
	unregister_net_sysctl_table(hsk_sysctl_header);
}
