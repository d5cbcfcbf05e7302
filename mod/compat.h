/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel hsk is built against: Debian's
 * 6.1 and 6.12. Kbuild finds each HSK_HAVE_* feature in the headers.
 */
#ifndef _HSK_COMPAT_H
#define _HSK_COMPAT_H

#include <linux/netdevice.h>
#include <net/net_namespace.h>

#ifdef HSK_HAVE_HOTDATA_BACKLOG
#include <net/hotdata.h>
#endif

/* 6.12 moved asm/unaligned.h to linux/unaligned.h. */
#ifdef HSK_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.12 moved lockless transmit from a feature bit to dev->lltx. */
static inline void hsk_compat_set_lltx(struct net_device *dev)
{
#ifdef HSK_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* 6.12 has dev->netns_immutable for 6.1's NETIF_F_NETNS_LOCAL. */
static inline void hsk_compat_set_netns_local(struct net_device *dev)
{
#ifdef HSK_HAVE_NETNS_IMMUTABLE
	dev->netns_immutable = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

/*
 * 6.1 registers a table that ends in an empty sentinel; 6.6 and later take
 * its size and, from 6.11, reject the sentinel. Tables keep the sentinel
 * and pass the number of real entries.
 */
static inline struct ctl_table_header *
hsk_compat_register_sysctl(const char *path, struct ctl_table *table,
			   size_t entries)
{
#ifdef HSK_HAVE_SYSCTL_SZ
	return register_net_sysctl_sz(&init_net, path, table, entries);
#else
	return register_net_sysctl(&init_net, path, table);
#endif
}

/* netdev_max_backlog: a global in 6.1, in net_hotdata from 6.9. */
static inline int hsk_compat_max_backlog(void)
{
#ifdef HSK_HAVE_HOTDATA_BACKLOG
	return READ_ONCE(net_hotdata.max_backlog);
#else
	return READ_ONCE(netdev_max_backlog);
#endif
}

/* 6.10 dropped __assign_str()'s source argument: it was always the same. */
#ifdef HSK_HAVE_ASSIGN_STR_1
#define hsk_trace_assign_str(dst, src) __assign_str(dst)
#else
#define hsk_trace_assign_str(dst, src) __assign_str(dst, src)
#endif

#endif /* _HSK_COMPAT_H */
