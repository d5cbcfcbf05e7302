/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_SYNQ_H
#define _HSK_SYNQ_H

#include <linux/list.h>
#include <linux/rhashtable.h>
#include <linux/types.h>

#include "tables.h"

struct hsk_listener;
struct hsk_seg;
struct sk_buff;

/*
 * A half-open entry: everything a SYN_RECV needs, in 64 bytes (one cache
 * line), against 300-odd for Linux's request_sock_TCP. Options the client
 * sent are kept as the few bits the SYN-ACK and the connection need.
 */
struct hsk_req {
	struct rhash_head node;		/* in hsk_reqs, by key */
	struct hsk_tuple key;
	u32 irs;			/* the client's ISN */
	struct hsk_listener *lsn;	/* outlives its entries (RCU) */
	u32 iss;			/* ours */
	u32 ts_recent;			/* client's last TSval, if HSK_REQ_TS */
	u32 expires;			/* jiffies of the next timer firing */
	u16 mss;			/* the client's, 536 if it sent none */
	u8 flags;			/* HSK_REQ_*, under lsn->lock */
	u8 num_timeout;			/* timer firings so far */
	union {
		struct list_head tlist;	/* in lsn->tq[], under lsn->lock */
		struct rcu_head rcu;	/* once unlinked from everything */
	};
};

enum {
	HSK_REQ_WSCALE_MASK = 0x0f,	/* the client's window scale, */
	HSK_REQ_WSCALE_NONE = 0x0f,	/* or none: shifts stop at 14 */
	HSK_REQ_SACK = BIT(4),		/* SACK permitted both ways */
	HSK_REQ_TS = BIT(5),		/* timestamps on */
	HSK_REQ_ACKED = BIT(6),		/* third ACK seen, accept queue full */
	HSK_REQ_DEAD = BIT(7),		/* unlinked; lookups must ignore it */
};

int hsk_synq_init(void);
void hsk_synq_exit(void);
struct hsk_req *hsk_req_lookup(const struct hsk_tuple *t);
void hsk_syn_rcv(struct hsk_listener *l, const struct hsk_seg *seg,
		 unsigned long now);
bool hsk_req_rcv(struct hsk_req *req, struct sk_buff *skb,
		 const struct hsk_seg *seg, unsigned long now);
void hsk_synq_run(struct hsk_listener *l, unsigned long now);
void hsk_synq_flush(struct hsk_listener *l);
unsigned int hsk_synq_retries(unsigned int qlen, unsigned int young,
			      unsigned int max_syn_backlog,
			      unsigned int retries);
unsigned long hsk_synq_timeout(unsigned int num_timeout);

#endif /* _HSK_SYNQ_H */
