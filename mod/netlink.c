// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hsk" (uapi/hsk.h): dumps of listeners and of
 * connections with half-open entries, and the counters. A dump walks its
 * rhashtable with an iterator kept between calls, under RCU only while a
 * message is being filled: a million entries go out in many pieces and no
 * lock is held across the dump. As with any walk, entries that come or go
 * meanwhile may be missed, and a table resize may repeat some.
 */

#include "conn.h"
#include "hsk.h"
#include "listener.h"
#include "synq.h"
#include "uapi/hsk.h"

#include <net/genetlink.h>

static struct genl_family hsk_genl_family;

/* Kept in cb->ctx between the calls of one dump. */
struct hsk_dump {
	struct rhashtable_iter *iter;
	int phase;			/* GET_CONNS: 0 connections, 1 half-open */
};

static void *hsk_nl_put_hdr(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genlmsghdr *ghdr = nlmsg_data(cb->nlh);

	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &hsk_genl_family, NLM_F_MULTI, ghdr->cmd);
}

static int hsk_nl_put_ends(struct sk_buff *skb, __be32 laddr, __be16 lport,
			   __be32 raddr, __be16 rport)
{
	if (nla_put_in_addr(skb, HSK_A_LOCAL_ADDR, laddr) ||
	    nla_put_u16(skb, HSK_A_LOCAL_PORT, ntohs(lport)))
		return -EMSGSIZE;
	if (raddr && (nla_put_in_addr(skb, HSK_A_PEER_ADDR, raddr) ||
		      nla_put_u16(skb, HSK_A_PEER_PORT, ntohs(rport))))
		return -EMSGSIZE;
	return 0;
}

static int hsk_nl_fill_listener(struct sk_buff *skb, struct netlink_callback *cb,
				void *obj)
{
	struct hsk_listener *l = obj;
	unsigned int max = hsk_listener_max_backlog(l);
	void *hdr = hsk_nl_put_hdr(skb, cb);

	if (!hdr)
		return -EMSGSIZE;
	if (hsk_nl_put_ends(skb, l->key.addr, l->key.port, 0, 0) ||
	    nla_put_u8(skb, HSK_A_STATE, HSK_LISTEN) ||
	    nla_put_u32(skb, HSK_A_RECV_Q, READ_ONCE(l->acceptq_len)) ||
	    nla_put_u32(skb, HSK_A_SEND_Q, max) ||
	    nla_put_u32(skb, HSK_A_ACCEPT_Q, READ_ONCE(l->acceptq_len)) ||
	    nla_put_u32(skb, HSK_A_ACCEPT_MAX, max + 1) ||
	    nla_put_u32(skb, HSK_A_SYN_Q, READ_ONCE(l->qlen)) ||
	    nla_put_u32(skb, HSK_A_SYN_MAX,
			READ_ONCE(hsk_knobs.max_syn_backlog)) ||
	    nla_put_u32(skb, HSK_A_YOUNG, READ_ONCE(l->young)) ||
	    nla_put_u64_64bit(skb, HSK_A_DROPS, atomic_long_read(&l->drops),
			      HSK_A_PAD) ||
	    nla_put_u64_64bit(skb, HSK_A_OVERFLOWS,
			      atomic_long_read(&l->overflows), HSK_A_PAD))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static u32 hsk_nl_ms_until(unsigned long at)
{
	return time_after(at, jiffies) ? jiffies_to_msecs(at - jiffies) : 0;
}

static int hsk_nl_fill_conn(struct sk_buff *skb, struct netlink_callback *cb,
			    void *obj)
{
	struct hsk_conn *c = obj;
	void *hdr = hsk_nl_put_hdr(skb, cb);
	struct hsk_info info = { };
	u32 rq, sq, rmem, reordering, reord_seen, dsack_dups, total_retrans;
	u8 timer;

	if (!hdr)
		return -EMSGSIZE;
	/* One hold: the timer's kind and time, the queues, as one moment. */
	spin_lock_bh(&c->lock);
	timer = hsk_conn_info_locked(c, &info);
	rq = c->rx_bytes;
	sq = c->snd_bytes;
	rmem = c->rx_mem + c->ooo.mem;
	reordering = c->reordering;
	reord_seen = c->reord_seen;
	dsack_dups = c->dsack_dups;
	total_retrans = c->total_retrans;
	spin_unlock_bh(&c->lock);
	if (hsk_nl_put_ends(skb, c->key.laddr, c->key.lport, c->key.raddr,
			    c->key.rport) ||
	    nla_put_u8(skb, HSK_A_STATE, info.state) ||
	    nla_put_u32(skb, HSK_A_RECV_Q, rq) ||
	    nla_put_u32(skb, HSK_A_SEND_Q, sq) ||
	    nla_put_u32(skb, HSK_A_TIMER_MS, info.timer_ms) ||
	    nla_put_u8(skb, HSK_A_TIMER, timer) ||
	    nla_put_u32(skb, HSK_A_RETRANS, info.retransmits) ||
	    nla_put_u16(skb, HSK_A_OPTIONS, info.options) ||
	    nla_put_u8(skb, HSK_A_SND_WSCALE, info.snd_wscale) ||
	    nla_put_u8(skb, HSK_A_RCV_WSCALE, info.rcv_wscale) ||
	    nla_put_u32(skb, HSK_A_MSS, info.mss) ||
	    nla_put_u32(skb, HSK_A_RTO_MS, info.rto_ms) ||
	    nla_put_u32(skb, HSK_A_SRTT_US, info.srtt_us) ||
	    nla_put_u32(skb, HSK_A_RTTVAR_US, info.rttvar_us) ||
	    nla_put_u32(skb, HSK_A_CWND, info.cwnd) ||
	    nla_put_u32(skb, HSK_A_SSTHRESH, info.ssthresh) ||
	    nla_put_u32(skb, HSK_A_SND_WND, info.snd_wnd) ||
	    nla_put_u32(skb, HSK_A_RCV_WND, info.rcv_wnd) ||
	    nla_put_u32(skb, HSK_A_RMEM, rmem) ||
	    nla_put_u32(skb, HSK_A_REORDERING, reordering) ||
	    nla_put_u32(skb, HSK_A_REORD_SEEN, reord_seen) ||
	    nla_put_u32(skb, HSK_A_DSACK_DUPS, dsack_dups) ||
	    nla_put_u32(skb, HSK_A_TOTAL_RETRANS, total_retrans))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Half-open entries as ss shows them: SYN-RECV, retransmissions, timer. */
static int hsk_nl_fill_req(struct sk_buff *skb, struct netlink_callback *cb,
			   void *obj)
{
	struct hsk_req *req = obj;
	void *hdr = hsk_nl_put_hdr(skb, cb);
	unsigned long now = jiffies;
	/* data_race: racy, as ss is; a DEAD entry's may be an rcu_head. */
	u32 expires = data_race((u32)req->expires);
	u32 retrans = hsk_req_retrans(req);

	if (!hdr)
		return -EMSGSIZE;
	if (hsk_nl_put_ends(skb, req->key.laddr, req->key.lport,
			    req->key.raddr, req->key.rport) ||
	    nla_put_u8(skb, HSK_A_STATE, HSK_SYN_RECV) ||
	    nla_put_u32(skb, HSK_A_RECV_Q, 0) ||
	    nla_put_u32(skb, HSK_A_SEND_Q, 0) ||
	    nla_put_u32(skb, HSK_A_TIMER_MS,
			hsk_nl_ms_until(now + hsk_expires_in(expires, now))) ||
	    nla_put_u8(skb, HSK_A_TIMER, HSK_TIMER_SYNACK) ||
	    nla_put_u32(skb, HSK_A_RETRANS, retrans))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int hsk_nl_start(struct netlink_callback *cb, struct rhashtable *ht)
{
	struct hsk_dump *d = (struct hsk_dump *)cb->ctx;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	d->iter = kmalloc(sizeof(*d->iter), GFP_KERNEL);
	if (!d->iter)
		return -ENOMEM;
	d->phase = 0;
	rhashtable_walk_enter(ht, d->iter);
	return 0;
}

static int hsk_nl_done(struct netlink_callback *cb)
{
	struct hsk_dump *d = (struct hsk_dump *)cb->ctx;

	if (d->iter) {
		rhashtable_walk_exit(d->iter);
		kfree(d->iter);
		d->iter = NULL;
	}
	return 0;
}

typedef int (*hsk_fill_t)(struct sk_buff *, struct netlink_callback *, void *);

/*
 * Fills @skb from where the walk stopped. An entry that does not fit stays
 * current (peek, then next) and goes first into the next message. Returns
 * true when the table is done.
 */
static bool hsk_nl_walk(struct sk_buff *skb, struct netlink_callback *cb,
			hsk_fill_t fill)
{
	struct hsk_dump *d = (struct hsk_dump *)cb->ctx;
	bool done = false;
	void *obj;

	rhashtable_walk_start(d->iter);
	for (;;) {
		obj = rhashtable_walk_peek(d->iter);
		if (IS_ERR(obj)) {
			if (PTR_ERR(obj) == -EAGAIN)
				continue;	/* resized: the walk goes on */
			break;
		}
		if (!obj) {
			done = true;
			break;
		}
		if (fill(skb, cb, obj))
			break;
		rhashtable_walk_next(d->iter);
	}
	rhashtable_walk_stop(d->iter);
	return done;
}

static int hsk_nl_listeners_start(struct netlink_callback *cb)
{
	return hsk_nl_start(cb, &hsk_listeners);
}

static int hsk_nl_listeners_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	hsk_nl_walk(skb, cb, hsk_nl_fill_listener);
	return skb->len;
}

static int hsk_nl_conns_start(struct netlink_callback *cb)
{
	return hsk_nl_start(cb, &hsk_conns);
}

static int hsk_nl_conns_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hsk_dump *d = (struct hsk_dump *)cb->ctx;

	if (d->phase == 0) {
		if (!hsk_nl_walk(skb, cb, hsk_nl_fill_conn))
			return skb->len;
		rhashtable_walk_exit(d->iter);
		rhashtable_walk_enter(&hsk_reqs, d->iter);
		d->phase = 1;
	}
	hsk_nl_walk(skb, cb, hsk_nl_fill_req);
	return skb->len;
}

static int hsk_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *stats, *stat;
	struct sk_buff *msg;
	enum hsk_mib m;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hsk_genl_family, 0,
				HSK_CMD_GET_STATS);
	if (!hdr)
		goto err_free;
	stats = nla_nest_start(msg, HSK_A_STATS);
	if (!stats)
		goto err_free;
	for (m = 0; m < HSK_MIB_MAX; m++) {
		stat = nla_nest_start(msg, HSK_A_STAT);
		if (!stat ||
		    nla_put_string(msg, HSK_A_STAT_NAME, hsk_stat_name(m)) ||
		    nla_put_u64_64bit(msg, HSK_A_STAT_VALUE, hsk_stat_read(m),
				      HSK_A_PAD))
			goto err_free;
		nla_nest_end(msg, stat);
	}
	nla_nest_end(msg, stats);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops hsk_genl_ops[] = {
	{
		.cmd = HSK_CMD_GET_LISTENERS,
		.start = hsk_nl_listeners_start,
		.dumpit = hsk_nl_listeners_dump,
		.done = hsk_nl_done,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HSK_CMD_GET_CONNS,
		.start = hsk_nl_conns_start,
		.dumpit = hsk_nl_conns_dump,
		.done = hsk_nl_done,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HSK_CMD_GET_STATS,
		.doit = hsk_nl_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family hsk_genl_family __ro_after_init = {
	.name = HSK_GENL_NAME,
	.version = HSK_GENL_VERSION,
	.maxattr = HSK_A_MAX,
	.module = THIS_MODULE,
	.ops = hsk_genl_ops,
	.n_ops = ARRAY_SIZE(hsk_genl_ops),
	/*
	 * 0: every command is validated strictly, as a new family's should
	 * be. None takes attributes, so any attribute, a non-zero reserved
	 * field or stray nlmsg_flags bits are EINVAL rather than ignored.
	 */
	.resv_start_op = 0,
	.netnsok = false,
};

int hsk_netlink_init(void)
{
	return genl_register_family(&hsk_genl_family);
}

void hsk_netlink_exit(void)
{
	genl_unregister_family(&hsk_genl_family);
}
