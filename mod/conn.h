/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_CONN_H
#define _HSK_CONN_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "tables.h"

struct hsk_listener;
struct hsk_seg;
struct hsk_req;

/*
 * A synchronized connection. References: one for the table while hashed,
 * one for the listener's accept queue or, once accepted, its file.
 */
struct hsk_conn {
	struct rhash_head node;		/* in hsk_conns, by key */
	struct hsk_tuple key;
	refcount_t ref;

	spinlock_t lock;		/* protects everything below */
	u8 state;			/* enum hsk_state (uapi) */
	u8 snd_wscale;			/* the peer's shift */
	u8 rcv_wscale;			/* ours */
	u8 opts;			/* HSK_OPTI_* (uapi) */
	bool hashed;
	bool reset;			/* the peer reset us */
	u16 mss;			/* what we send: min(peer's, ours) */
	u32 iss;
	u32 irs;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;
	u32 rcv_nxt;
	u32 ts_recent;
	u32 rx_bytes;			/* bytes in rxq, less rx_off */
	u32 rx_off;			/* read from rxq's head skb */
	struct sk_buff_head rxq;	/* in-order data not yet read */
	wait_queue_head_t wait;
	struct mutex rmutex;		/* one reader dequeues at a time */

	struct list_head accept_node;	/* in lsn->acceptq, under lsn->lock */
	struct rcu_head rcu;
};

int hsk_conns_init(void);
void hsk_conns_exit(void);
struct hsk_conn *hsk_conn_lookup(const struct hsk_tuple *t);
struct hsk_cookie;

struct hsk_conn *hsk_conn_from_req(const struct hsk_req *req,
				   struct sk_buff *skb,
				   const struct hsk_seg *seg);
struct hsk_conn *hsk_conn_from_cookie(const struct hsk_tuple *t,
				      const struct hsk_cookie *ck,
				      struct sk_buff *skb,
				      const struct hsk_seg *seg);
void hsk_conn_data(struct hsk_conn *c, struct sk_buff *skb,
		   const struct hsk_seg *seg);
bool hsk_conn_rcv(struct hsk_conn *c, struct sk_buff *skb,
		  const struct hsk_seg *seg);
void hsk_conn_abort(struct hsk_conn *c);
void hsk_conn_put(struct hsk_conn *c);

#endif /* _HSK_CONN_H */
