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

/*
 * The tables' key compare (their obj_cmpfn), 0 on a match. rhashtable's
 * own is an out-of-line memcmp() of a length read from the table: a call
 * and some 15 instructions for each entry a lookup or insert walks.
 */
static inline int hsk_tuple_cmp(const struct hsk_tuple *a,
				const struct hsk_tuple *b)
{
	return ((__force u32)a->raddr ^ (__force u32)b->raddr) |
	       ((__force u32)a->laddr ^ (__force u32)b->laddr) |
	       ((__force u16)a->rport ^ (__force u16)b->rport) |
	       ((__force u16)a->lport ^ (__force u16)b->lport);
}

/* Walked (never locked whole) by /proc and netlink dumps. */
extern struct rhashtable hsk_listeners;	/* struct hsk_listener */
extern struct rhashtable hsk_reqs;	/* struct hsk_req */
extern struct rhashtable hsk_conns;	/* struct hsk_conn */

#endif /* _HSK_TABLES_H */
