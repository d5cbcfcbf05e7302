/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_LISTENER_H
#define _HSK_LISTENER_H

#include <linux/list.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "hsk.h"
#include "tables.h"

/*
 * SYN-ACK timeouts 1, 2, 4 ... s, at most 120 s: one FIFO per timeout
 * length, so each stays sorted by expiry with O(1) inserts; the last holds
 * every entry whose timeout has reached the cap.
 */
#define HSK_TQ_LEVELS	8

struct hsk_req;

/* A FIFO of half-open entries linked through their tnext. */
struct hsk_tq {
	struct hsk_req *head;
	struct hsk_req **tailp;		/* &head when empty */
};

struct hsk_lkey {
	__be32 addr;		/* 0: any address */
	__be16 port;
	u16 zero;		/* padding, always 0: part of the hashed key */
};

struct hsk_listener {
	struct rhash_head node;		/* in hsk_listeners, by key */
	struct hsk_lkey key;
	int backlog;			/* as given at LISTEN; < 0: somaxconn */

	/*
	 * Protects the accept queue, the half-open timer queues, qlen and
	 * young's writers, and dead. Taken from softirq and process context.
	 */
	spinlock_t lock;
	bool dead;			/* closing: no new entries */
	bool synflood_warned;
	struct list_head acceptq;	/* struct hsk_conn, oldest first */
	unsigned int acceptq_len;	/* read locklessly with READ_ONCE */
	struct hsk_tq tq[HSK_TQ_LEVELS];	/* entries, also DEAD ones */
	unsigned int qlen;		/* half-open entries */
	unsigned int young;		/* of which never timed out */
	struct timer_list timer;	/* the earliest head of tq[] */

	wait_queue_head_t wait;		/* ACCEPT and poll */
	atomic_long_t drops;		/* ListenDrops for this listener */
	atomic_long_t overflows;	/* ListenOverflows for this listener */
	struct rcu_head rcu;
};

struct hsk_seg;
struct sk_buff;
struct hsk_conn;

int hsk_listeners_init(void);
void hsk_listeners_exit(void);
struct hsk_listener *hsk_listener_lookup(__be32 addr, __be16 port);
struct hsk_listener *hsk_listener_lookup_exact(__be32 addr, __be16 port);
int hsk_listener_create(__be32 addr, __be16 port, int backlog,
			struct hsk_listener **out);
void hsk_listener_close(struct hsk_listener *l);

/*
 * B of DESIGN §3: min(backlog, somaxconn), a negative backlog meaning
 * somaxconn. somaxconn is read now, so a change applies to the next SYN.
 */
static inline unsigned int
hsk_listener_max_backlog(const struct hsk_listener *l)
{
	unsigned int somaxconn = READ_ONCE(hsk_knobs.somaxconn);

	if (l->backlog < 0)
		return somaxconn;
	return min_t(unsigned int, l->backlog, somaxconn);
}

/* Full when longer than B, so it holds B + 1, as Linux's does. */
static inline bool hsk_acceptq_full(const struct hsk_listener *l)
{
	return READ_ONCE(l->acceptq_len) > hsk_listener_max_backlog(l);
}
void hsk_listener_drop(struct hsk_listener *l, const struct hsk_seg *seg,
		       bool overflow);
void hsk_listener_rcv(struct hsk_listener *l, struct sk_buff *skb,
		      const struct hsk_seg *seg, unsigned long now);
void hsk_acceptq_add(struct hsk_listener *l, struct hsk_conn *c);
struct hsk_conn *hsk_acceptq_pop(struct hsk_listener *l);

#endif /* _HSK_LISTENER_H */
