/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three lookup tables of the per-segment path, in the order a segment
 * is matched: connections, half-open entries, listeners. Each is an
 * rhashtable: lookups under RCU, inserts and removals under its own bucket
 * locks, so no global lock is taken per segment.
 */
#ifndef _HSK_TABLES_H
#define _HSK_TABLES_H

#include <linux/rhashtable.h>
#include <linux/types.h>

/* A connection's key, as seen from hsk: the peer's end, then ours. */
struct hsk_tuple {
	__be32 raddr;
	__be32 laddr;
	__be16 rport;
	__be16 lport;
};

/* Walked (never locked whole) by /proc and netlink dumps. */
extern struct rhashtable hsk_listeners;	/* struct hsk_listener */
extern struct rhashtable hsk_reqs;	/* struct hsk_req */
extern struct rhashtable hsk_conns;	/* struct hsk_conn */

#endif /* _HSK_TABLES_H */
