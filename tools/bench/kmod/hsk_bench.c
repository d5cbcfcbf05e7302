// SPDX-License-Identifier: GPL-2.0
/*
 * hsk_bench: the in-kernel injector of tools/bench (see
 * Documentation/performance.rst). A user-space flood generator cannot
 * measure a handshake engine in a TCG guest, so this module builds TCP
 * segments itself, ahead of time, and times only their injection.
 *
 * On load it creates bench0, an L3 point-to-point sink like hsk0: whatever
 * the host routes into it is counted (SYN-ACKs, RSTs, others) and freed.
 * Routing the bench's sources (198.18.0.0/15) into bench0 makes both hsk's
 * SYN-ACKs (forwarded from hsk0) and Linux's own end there. When a command
 * asks for it, the sink records the ISS and TSval of each SYN-ACK by flow,
 * so that third ACKs can be built for those flows later.
 *
 * /sys/kernel/debug/hsk_bench/run takes commands, separated by ';' or new
 * lines, run one after the other:
 *
 *   syn|bad|ack dev=NAME via=xmit|rx dst=A.B.C.D [port=80] first=FLOW
 *               count=N [cpus=MASK] [batch=64] [chunk=N] [track=0|1]
 *
 * syn: a SYN with a Linux client's options (MSS, SACK permitted, TS, WS);
 * bad: the same SYN with a wrong TCP checksum; ack: the third ACK of a flow
 * whose SYN-ACK was recorded. Flows first .. first + count - 1 are split
 * across the CPUs of the mask. Each command first waits for pending RCU
 * callbacks (rcu_barrier), untimed; then a kthread bound to each CPU builds
 * its segments a chunk at a time (default: all at once), waits for the
 * others, then injects them in batches of @batch with bottom halves
 * disabled, so the softirq work each segment causes (a reply through
 * netif_rx, say) runs in local_bh_enable() on the same CPU, inside the timed
 * region. The region ends when this CPU's backlog is empty. via=xmit hands
 * segments to the device's transmit (dev_queue_xmit: hsk0's is the engine's
 * input), via=rx to the host as if received on it (netif_receive_skb). Every
 * segment carries CHECKSUM_NONE, so both sides verify checksums in software.
 *
 * Reading the file gives one line per command of the last write: what ran,
 * the nanoseconds each CPU spent injecting, and what came out at the sink
 * on those CPUs (replies leave on the CPU whose softirq made them, so work
 * on other CPUs, timers say, is not counted).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/if_arp.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/seq_buf.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/tcp.h>

/*
 * Flow i has a 24-bit id j, a bijection of i, that names its source:
 * 198.18.0.0/15 plus the low 17 bits, port BENCH_SPORT plus the high 7.
 */
#define BENCH_FLOW_BITS		24
#define BENCH_FLOWS		(1U << BENCH_FLOW_BITS)
#define BENCH_FLOW_MASK		(BENCH_FLOWS - 1)
#define BENCH_ADDR_BITS		17
#define BENCH_SRC_NET		0xc6120000U	/* 198.18.0.0/15 */
#define BENCH_SPORT		1024
#define BENCH_MUL		0x9e3779b1U	/* odd: invertible mod 2^24 */
#define BENCH_ADD		0x5bd1e9U
#define BENCH_TSVAL		100000U		/* the client's clock */
#define BENCH_HEADROOM		128
#define BENCH_MAX_LINE		4096
#define BENCH_RESULT_SIZE	(16 * 1024)

enum bench_kind { BENCH_SYN, BENCH_BAD, BENCH_ACK };

static const char *const bench_kind_names[] = {
	[BENCH_SYN] = "syn", [BENCH_BAD] = "bad", [BENCH_ACK] = "ack",
};

struct bench_cmd {
	enum bench_kind kind;
	struct net_device *dev;
	bool rx;			/* netif_receive_skb, else dev_queue_xmit */
	bool track;			/* record SYN-ACKs at the sink meanwhile */
	__be32 daddr;
	__be16 dport;
	u32 first;
	u32 count;
	u32 batch;
	u32 chunk;
	unsigned long cpus;
	unsigned int nworkers;
	atomic_t ready;			/* workers that have built their first chunk */
};

struct bench_worker {
	struct bench_cmd *cmd;
	struct completion done;
	unsigned int cpu;
	u32 first;
	u32 count;
	u64 ns;
	u64 errors;			/* injection did not return success */
	u64 missing;			/* ack: no SYN-ACK recorded for the flow */
	unsigned int squeeze;		/* net_rx_action ran out of budget */
	int err;
};

/* What reached the sink, per CPU. */
struct bench_sink_stats {
	u64 synack;
	u64 rst;
	u64 other;
};

static DEFINE_PER_CPU(struct bench_sink_stats, bench_sink_stats);
static struct net_device *bench_sink;
static struct dentry *bench_dir;
static bool bench_track;
static u32 bench_inv;			/* BENCH_MUL^-1 mod 2^24 */

/* By flow: the ISS and TSval of its SYN-ACK, valid where bench_seen is set. */
static u32 *bench_iss;
static u32 *bench_tsv;
static unsigned long *bench_seen;

/* Serialises commands; protects bench_result. */
static DEFINE_MUTEX(bench_lock);
static char *bench_result;
static size_t bench_result_len;

static u32 bench_flow_id(u32 flow)
{
	return (flow * BENCH_MUL + BENCH_ADD) & BENCH_FLOW_MASK;
}

static u32 bench_flow_of_id(u32 id)
{
	return ((id - BENCH_ADD) * bench_inv) & BENCH_FLOW_MASK;
}

static __be32 bench_saddr(u32 id)
{
	return htonl(BENCH_SRC_NET | (id & ((1U << BENCH_ADDR_BITS) - 1)));
}

static __be16 bench_sport(u32 id)
{
	return htons(BENCH_SPORT + (id >> BENCH_ADDR_BITS));
}

/* The client's ISN of flow @flow. */
static u32 bench_irs(u32 flow)
{
	return flow * 2654435761U + 12345;
}

/* The sink: records a SYN-ACK to one of our flows, if asked to. */
static void bench_record(const struct iphdr *iph, const struct tcphdr *th)
{
	u32 addr = ntohl(iph->daddr), port = ntohs(th->dest);
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - sizeof(*th);
	u32 id, flow, tsval = 0;

	if ((addr & ~((1U << BENCH_ADDR_BITS) - 1)) != BENCH_SRC_NET ||
	    port < BENCH_SPORT ||
	    port >= BENCH_SPORT + (1U << (BENCH_FLOW_BITS - BENCH_ADDR_BITS)))
		return;
	id = (addr & ((1U << BENCH_ADDR_BITS) - 1)) |
	     (port - BENCH_SPORT) << BENCH_ADDR_BITS;
	flow = bench_flow_of_id(id);

	while (len > 0) {
		if (p[0] == TCPOPT_EOL)
			break;
		if (p[0] == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2 || p[1] < 2 || p[1] > len)
			break;
		if (p[0] == TCPOPT_TIMESTAMP && p[1] == TCPOLEN_TIMESTAMP)
			tsval = get_unaligned_be32(p + 2);
		len -= p[1];
		p += p[1];
	}
	WRITE_ONCE(bench_iss[flow], ntohl(th->seq));
	WRITE_ONCE(bench_tsv[flow], tsval);
	set_bit(flow, bench_seen);
}

static netdev_tx_t bench_sink_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct bench_sink_stats *st = this_cpu_ptr(&bench_sink_stats);
	const struct tcphdr *th;
	const struct iphdr *iph;
	unsigned int ihl;
	u8 flags;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto other;
	iph = (const struct iphdr *)skb->data;
	ihl = iph->ihl * 4;
	if (iph->version != 4 || iph->protocol != IPPROTO_TCP ||
	    ihl < sizeof(*iph) || !pskb_may_pull(skb, ihl + sizeof(*th)))
		goto other;
	th = (const struct tcphdr *)(skb->data + ihl);
	if (!pskb_may_pull(skb, ihl + th->doff * 4))
		goto other;
	iph = (const struct iphdr *)skb->data;
	th = (const struct tcphdr *)(skb->data + ihl);
	flags = tcp_flag_byte(th);
	if (flags & TCPHDR_RST) {
		st->rst++;
	} else if ((flags & (TCPHDR_SYN | TCPHDR_ACK)) ==
		   (TCPHDR_SYN | TCPHDR_ACK)) {
		st->synack++;
		if (READ_ONCE(bench_track))
			bench_record(iph, th);
	} else {
		goto other;
	}
	consume_skb(skb);
	return NETDEV_TX_OK;
other:
	st->other++;
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops bench_sink_ops = {
	.ndo_start_xmit = bench_sink_xmit,
};

/*
 * bench0's transmit queues. With more than one the host picks a queue for
 * each packet from its flow hash, as it does for a multiqueue NIC, and
 * dissects the packet for one if it carries none.
 */
static unsigned int sink_queues = 1;
module_param(sink_queues, uint, 0444);
MODULE_PARM_DESC(sink_queues, "transmit queues of bench0 (default 1)");

static void bench_sink_setup(struct net_device *dev)
{
	dev->netdev_ops = &bench_sink_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = 68;
	dev->max_mtu = IP_MAX_MTU;
	/* Point-to-point: every destination shares one neighbour entry. */
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
	dev->needs_free_netdev = true;
}

/* What reached the sink on the CPUs of @cpus. */
static void bench_sink_read(struct bench_sink_stats *sum, unsigned long cpus)
{
	unsigned int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_set_bit(cpu, &cpus, min_t(unsigned int, nr_cpu_ids,
					   BITS_PER_LONG)) {
		const struct bench_sink_stats *st =
			per_cpu_ptr(&bench_sink_stats, cpu);

		sum->synack += READ_ONCE(st->synack);
		sum->rst += READ_ONCE(st->rst);
		sum->other += READ_ONCE(st->other);
	}
}

/* Builds the segment of flow @flow, or NULL (counted in @w). */
static struct sk_buff *bench_build(const struct bench_cmd *c,
				   struct bench_worker *w, u32 flow)
{
	bool ack = c->kind == BENCH_ACK;
	unsigned int optlen = ack ? 12 : 20;
	unsigned int tcplen = sizeof(struct tcphdr) + optlen;
	unsigned int len = sizeof(struct iphdr) + tcplen;
	u32 id = bench_flow_id(flow);
	__be32 saddr = bench_saddr(id);
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;
	u8 *p;

	if (ack && !test_bit(flow, bench_seen)) {
		w->missing++;
		return NULL;
	}
	skb = alloc_skb(BENCH_HEADROOM + len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, BENCH_HEADROOM);
	iph = skb_put(skb, len);
	th = (struct tcphdr *)(iph + 1);
	p = (u8 *)(th + 1);

	memset(th, 0, sizeof(*th));
	th->source = bench_sport(id);
	th->dest = c->dport;
	th->doff = tcplen / 4;
	if (ack) {
		th->seq = htonl(bench_irs(flow) + 1);
		th->ack_seq = htonl(READ_ONCE(bench_iss[flow]) + 1);
		th->ack = 1;
		th->window = htons(502);
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		put_unaligned_be32(BENCH_TSVAL + 1, p);
		put_unaligned_be32(READ_ONCE(bench_tsv[flow]), p + 4);
	} else {
		/* As a Linux client sends them. */
		th->seq = htonl(bench_irs(flow));
		th->syn = 1;
		th->window = htons(64240);
		*p++ = TCPOPT_MSS;
		*p++ = TCPOLEN_MSS;
		put_unaligned_be16(1460, p);
		p += 2;
		*p++ = TCPOPT_SACK_PERM;
		*p++ = TCPOLEN_SACK_PERM;
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		put_unaligned_be32(BENCH_TSVAL, p);
		put_unaligned_be32(0, p + 4);
		p += 8;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_WINDOW;
		*p++ = TCPOLEN_WINDOW;
		*p++ = 7;
	}
	th->check = tcp_v4_check(tcplen, saddr, c->daddr,
				 csum_partial(th, tcplen, 0));
	if (c->kind == BENCH_BAD)
		th->check ^= (__force __sum16)htons(0x0101);

	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = 0;
	iph->tot_len = htons(len);
	iph->id = htons((u16)flow);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = c->daddr;
	ip_send_check(iph);

	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(*iph));
	skb->dev = c->dev;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/*
 * Waits until this CPU's backlog is empty. Replies queued by netif_rx are
 * processed in local_bh_enable(), unless net_rx_action ran out of time and
 * left them to ksoftirqd: then local_bh_enable() leaves them too, and
 * injecting on would overflow the backlog (netdev_max_backlog) and drop
 * replies. So after every batch, the CPU is given to ksoftirqd until it is
 * done: at most one batch is ever in flight, and its work is timed.
 */
static void bench_drain(struct softnet_data *sd)
{
	unsigned long deadline = jiffies + 10 * HZ;

	while ((skb_queue_len_lockless(&sd->input_pkt_queue) ||
		skb_queue_len_lockless(&sd->process_queue)) &&
	       time_before(jiffies, deadline)) {
		local_bh_disable();
		local_bh_enable();
		cond_resched();
	}
}

static void bench_inject(struct bench_worker *w, struct sk_buff **skbs,
			 u32 n)
{
	struct softnet_data *sd = per_cpu_ptr(&softnet_data, w->cpu);
	const struct bench_cmd *c = w->cmd;
	u32 i = 0;

	while (i < n) {
		u32 end = min(n, i + c->batch);

		local_bh_disable();
		for (; i < end; i++) {
			int ret = c->rx ? netif_receive_skb(skbs[i]) :
					  dev_queue_xmit(skbs[i]);

			if (ret != NET_RX_SUCCESS)
				w->errors++;
		}
		local_bh_enable();
		bench_drain(sd);
		/* Lets a kworker queued here (a table resize) do its part. */
		cond_resched();
	}
}

static int bench_worker_fn(void *data)
{
	struct bench_worker *w = data;
	struct bench_cmd *c = w->cmd;
	struct softnet_data *sd = per_cpu_ptr(&softnet_data, w->cpu);
	unsigned int squeeze = READ_ONCE(sd->time_squeeze);
	struct sk_buff **skbs;
	u32 done = 0;

	skbs = kvmalloc_array(min(c->chunk, max(w->count, 1U)), sizeof(*skbs),
			      GFP_KERNEL);
	if (!skbs)
		w->err = -ENOMEM;
	while (!w->err && done < w->count) {
		u32 want = min(c->chunk, w->count - done);
		u32 n = 0, i;
		u64 t0;

		for (i = 0; i < want; i++) {
			struct sk_buff *skb = bench_build(c, w, w->first + done + i);

			if (skb)
				skbs[n++] = skb;
			else if (c->kind != BENCH_ACK)
				w->err = -ENOMEM;
			if (!(i & 1023))
				cond_resched();
		}
		if (w->err) {
			while (n)
				kfree_skb(skbs[--n]);
			break;
		}
		if (!done) {
			/* Start together, so spans of several CPUs overlap. */
			atomic_inc(&c->ready);
			while (atomic_read(&c->ready) < c->nworkers)
				cond_resched();
		}
		t0 = ktime_get_ns();
		bench_inject(w, skbs, n);
		w->ns += ktime_get_ns() - t0;
		done += want;
	}
	if (!done)	/* never reached the start line: do not hold it up */
		atomic_inc(&c->ready);
	kvfree(skbs);
	w->squeeze = READ_ONCE(sd->time_squeeze) - squeeze;
	kthread_complete_and_exit(&w->done, 0);
}

static int bench_parse(char *line, struct bench_cmd *c)
{
	char *param, *val, *args = skip_spaces(line);
	char dev[IFNAMSIZ] = "";
	bool have_dst = false;
	int ret = 0, kind = -1;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->dport = htons(80);
	c->batch = 64;
	c->cpus = 1;
	c->chunk = U32_MAX;
	while (*args && !ret) {
		args = next_arg(args, &param, &val);
		if (!val) {
			for (i = 0; i < ARRAY_SIZE(bench_kind_names); i++)
				if (!strcmp(param, bench_kind_names[i]))
					kind = i;
			if (kind < 0)
				ret = -EINVAL;
		} else if (!strcmp(param, "dev")) {
			ret = strscpy(dev, val, sizeof(dev)) < 0 ? -EINVAL : 0;
		} else if (!strcmp(param, "via")) {
			c->rx = !strcmp(val, "rx");
			if (!c->rx && strcmp(val, "xmit"))
				ret = -EINVAL;
		} else if (!strcmp(param, "dst")) {
			have_dst = in4_pton(val, -1, (u8 *)&c->daddr, -1, NULL);
			ret = have_dst ? 0 : -EINVAL;
		} else if (!strcmp(param, "port")) {
			u16 port;

			ret = kstrtou16(val, 0, &port);
			c->dport = htons(port);
		} else if (!strcmp(param, "first")) {
			ret = kstrtou32(val, 0, &c->first);
		} else if (!strcmp(param, "count")) {
			ret = kstrtou32(val, 0, &c->count);
		} else if (!strcmp(param, "batch")) {
			ret = kstrtou32(val, 0, &c->batch);
		} else if (!strcmp(param, "chunk")) {
			ret = kstrtou32(val, 0, &c->chunk);
		} else if (!strcmp(param, "cpus")) {
			ret = kstrtoul(val, 0, &c->cpus);
		} else if (!strcmp(param, "track")) {
			ret = kstrtobool(val, &c->track);
		} else {
			ret = -EINVAL;
		}
	}
	if (ret)
		return ret;
	c->kind = kind;
	if (kind < 0 || !have_dst || !*dev || !c->count || !c->batch ||
	    !c->chunk || !c->cpus || c->count > BENCH_FLOWS ||
	    c->first > BENCH_FLOWS - c->count)
		return -EINVAL;
	c->dev = dev_get_by_name(&init_net, dev);
	return c->dev ? 0 : -ENODEV;
}

static int bench_run(struct bench_cmd *c, struct seq_buf *out)
{
	struct bench_sink_stats before, after;
	struct bench_worker *w;
	unsigned int cpu, i = 0, n;
	u64 errors = 0, missing = 0, span = 0, squeeze = 0;
	u32 first = c->first;
	int ret = 0;

	for_each_set_bit(cpu, &c->cpus, BITS_PER_LONG)
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			return -EINVAL;
	n = hweight_long(c->cpus);
	w = kcalloc(n, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	c->nworkers = n;
	atomic_set(&c->ready, 0);

	/*
	 * RCU callbacks queued before this run (hsk frees an expired half-open
	 * entry through call_rcu) would otherwise run in its timed softirqs:
	 * the cost of an earlier run's expiry, not of these segments.
	 */
	rcu_barrier();
	bench_sink_read(&before, c->cpus);
	WRITE_ONCE(bench_track, c->track);
	for_each_set_bit(cpu, &c->cpus, BITS_PER_LONG) {
		struct task_struct *t;

		w[i].cmd = c;
		w[i].cpu = cpu;
		w[i].first = first;
		w[i].count = c->count / n + (i < c->count % n);
		first += w[i].count;
		init_completion(&w[i].done);
		t = kthread_create_on_cpu(bench_worker_fn, &w[i], cpu,
					  "hsk_bench/%u");
		if (IS_ERR(t)) {
			/* Those started wait for n workers: count this one in. */
			ret = PTR_ERR(t);
			w[i].err = ret;
			atomic_inc(&c->ready);
			complete(&w[i].done);
		} else {
			wake_up_process(t);
		}
		i++;
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&w[i].done);
		if (w[i].err && !ret)
			ret = w[i].err;
		errors += w[i].errors;
		missing += w[i].missing;
		squeeze += w[i].squeeze;
		span = max(span, w[i].ns);
	}
	WRITE_ONCE(bench_track, false);
	bench_sink_read(&after, c->cpus);

	seq_buf_printf(out, "kind=%s dev=%s via=%s first=%u count=%u cpus=0x%lx batch=%u",
		       bench_kind_names[c->kind], c->dev->name,
		       c->rx ? "rx" : "xmit", c->first, c->count, c->cpus,
		       c->batch);
	seq_buf_printf(out, " span_ns=%llu errors=%llu missing=%llu squeeze=%llu synack=%llu rst=%llu other=%llu",
		       span, errors, missing, squeeze,
		       after.synack - before.synack, after.rst - before.rst,
		       after.other - before.other);
	for (i = 0; i < n; i++)
		seq_buf_printf(out, " cpu%u=%u/%llu", w[i].cpu, w[i].count,
			       w[i].ns);
	seq_buf_printf(out, " ret=%d\n", ret);
	kfree(w);
	return ret;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct seq_buf out;
	struct bench_cmd c;
	char *buf, *cur, *line;
	int ret = 0;

	if (len >= BENCH_MAX_LINE)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&bench_lock);
	seq_buf_init(&out, bench_result, BENCH_RESULT_SIZE);
	cur = buf;
	while (!ret && (line = strsep(&cur, ";\n"))) {
		if (!*skip_spaces(line))
			continue;
		ret = bench_parse(line, &c);
		if (ret) {
			seq_buf_printf(&out, "error=%d in '%s'\n", ret, line);
			break;
		}
		ret = bench_run(&c, &out);
		dev_put(c.dev);
	}
	bench_result_len = seq_buf_used(&out);
	mutex_unlock(&bench_lock);
	kfree(buf);
	return ret ? ret : len;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_result,
				      bench_result_len);
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.write = bench_write,
	.read = bench_read,
	.llseek = default_llseek,
};

static int __init bench_init(void)
{
	int ret = -ENOMEM, i;

	if (!sink_queues || sink_queues > 64)
		return -EINVAL;
	/* Newton's iteration: each step doubles the correct low bits. */
	bench_inv = BENCH_MUL;
	for (i = 0; i < 5; i++)
		bench_inv *= 2 - BENCH_MUL * bench_inv;

	bench_result = kzalloc(BENCH_RESULT_SIZE, GFP_KERNEL);
	bench_iss = vzalloc(array_size(BENCH_FLOWS, sizeof(u32)));
	bench_tsv = vzalloc(array_size(BENCH_FLOWS, sizeof(u32)));
	bench_seen = vzalloc(BITS_TO_LONGS(BENCH_FLOWS) * sizeof(long));
	if (!bench_result || !bench_iss || !bench_tsv || !bench_seen)
		goto err_free;

	bench_sink = alloc_netdev_mqs(0, "bench0", NET_NAME_PREDICTABLE,
				      bench_sink_setup, sink_queues, 1);
	if (!bench_sink)
		goto err_free;
	ret = register_netdev(bench_sink);
	if (ret) {
		free_netdev(bench_sink);
		goto err_free;
	}
	bench_dir = debugfs_create_dir("hsk_bench", NULL);
	debugfs_create_file("run", 0600, bench_dir, NULL, &bench_fops);
	return 0;

err_free:
	vfree(bench_seen);
	vfree(bench_tsv);
	vfree(bench_iss);
	kfree(bench_result);
	return ret;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_dir);
	unregister_netdev(bench_sink);
	vfree(bench_seen);
	vfree(bench_tsv);
	vfree(bench_iss);
	kfree(bench_result);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hsk benchmarks: SYN and third-ACK injector, bench0 sink");
