/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_SYNQ_H
#define _HSK_SYNQ_H

#include <linux/rhashtable.h>
#include <linux/types.h>

#include "tables.h"

struct hsk_listener;
struct hsk_seg;
struct sk_buff;

#define HSK_REQ_EXPIRES_BITS	24
#define HSK_REQ_T_SYN_RESENT_SHIFT	4	/* tflags' top nibble */

/*
 * A half-open entry: everything a SYN_RECV needs, in 48 bytes, against
 * 300-odd for Linux's request_sock_TCP. Options the client sent are kept
 * as the few bits the SYN-ACK and the connection need.
 *
 * No listener pointer: the listener is found again by the entry's local
 * port and address (the wildcard's if HSK_REQ_T_ANY), and owns the entry
 * if both are alive under its lock (a listener closes by flushing its
 * entries before it leaves the table, so no other listener can hold that
 * key meanwhile). Freed with call_rcu(), the rcu_head overlaying fields
 * that nobody reads once the entry is DEAD and off its timer queue; RCU
 * readers only look at node, key, flags and tflags. (SLAB_TYPESAFE_BY_RCU,
 * as Linux's request socks use, would cost 8 bytes more per object on
 * 6.1: SLUB moves the free pointer out of the object for such caches.)
 */
struct hsk_req {
	struct rhash_head node;		/* in hsk_reqs, by key */
	struct hsk_tuple key;
	u16 mss;			/* the client's, 536 if it sent none */
	u8 flags;			/* HSK_REQ_*, under the listener's lock */
	u8 tflags;			/* HSK_REQ_T_*, under the listener's lock */
	union {
		struct {
			u32 irs;	/* the client's ISN */
			u32 iss;	/* ours */
			u32 ts_recent;	/* client's last TSval, if HSK_REQ_TS */
			/* jiffies of the next firing, mod 2^24 */
			u32 expires:HSK_REQ_EXPIRES_BITS;
			u32 num_timeout:8;	/* timer firings so far */
		};
		struct rcu_head rcu;	/* once DEAD and off its timer queue */
	};
	/* The next in the listener's tq[], under its lock. */
	struct hsk_req *tnext;
};

/* tflags: where the entry belongs and how its timer stands. */
enum {
	HSK_REQ_T_ANY = BIT(0),		/* made at a 0.0.0.0 listener */
	HSK_REQ_T_REARMED = BIT(1),	/* expires moved on in place: requeue */
	/*
	 * A retransmitted SYN was answered when expires was last set, so at
	 * expires - the current timeout: the stamp of Linux's
	 * last_oow_ack_time without its 4 bytes. The timer's next firing,
	 * at least 1 s later, clears it.
	 */
	HSK_REQ_T_SYN_ANSWERED = BIT(2),
	/*
	 * An out-of-window segment was answered since the timer last fired:
	 * Linux's last_oow_ack_time, coarser (see hsk_req_oow_limited()).
	 */
	HSK_REQ_T_OOW_ANSWERED = BIT(3),
	/*
	 * SYN-ACKs sent again in answer to a retransmitted SYN, counting to
	 * 15 and staying there: with num_timeout, Linux's num_retrans, what
	 * ss shows as a SYN-RECV entry's retransmissions.
	 */
	HSK_REQ_T_SYN_RESENT = 0xf << HSK_REQ_T_SYN_RESENT_SHIFT,
	HSK_REQ_T_SYN_RESENT_ONE = BIT(HSK_REQ_T_SYN_RESENT_SHIFT),
};

/* Jiffies from @now until @expires (a req's), negative once late. */
static inline long hsk_expires_in(u32 expires, unsigned long now)
{
	return sign_extend32(expires - (u32)now, HSK_REQ_EXPIRES_BITS - 1);
}

/* SYN-ACKs sent again so far, as ss's SYN-RECV retransmissions. */
static inline u32 hsk_req_retrans(const struct hsk_req *req)
{
	/* data_race: racy, as ss is; a DEAD entry's may be an rcu_head. */
	return data_race(req->num_timeout +
			 (req->tflags >> HSK_REQ_T_SYN_RESENT_SHIFT));
}

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
void hsk_syn_rcv(struct hsk_listener *l, struct sk_buff *skb,
		 const struct hsk_seg *seg, u32 tw_isn, unsigned long now);
bool hsk_req_rcv(struct hsk_req *req, struct sk_buff *skb,
		 const struct hsk_seg *seg, unsigned long now);
void hsk_synq_run(struct hsk_listener *l, unsigned long now);
void hsk_synq_flush(struct hsk_listener *l);
unsigned int hsk_synq_retries(unsigned int qlen, unsigned int young,
			      unsigned int max_syn_backlog,
			      unsigned int retries);
unsigned long hsk_synq_timeout(unsigned int num_timeout);

#endif /* _HSK_SYNQ_H */
