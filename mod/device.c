// SPDX-License-Identifier: GPL-2.0
/*
 * hsk0: an L3 point-to-point device, like tun. What the host routes into it
 * is handed to the engine (hsk_input); what the engine sends enters the
 * host as if received on hsk0 (hsk_device_rx). ip -s link shows the host's
 * view: TX what went into the engine, RX what came out of it.
 */

#include "compat.h"
#include "hsk.h"

#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <net/ip.h>

/*
 * Set before the device is registered, cleared after it is unregistered;
 * the engine only uses it from paths that the device's own lifetime, or
 * the chardev's (torn down first), encloses.
 */
struct net_device *hsk_dev;

/* Written under RTNL only (hsk_dev_addr_event()); see hsk.h. */
__be32 hsk_dev_bcasts[HSK_DEV_MAX_BCAST];
unsigned int hsk_dev_nr_bcasts;

static void hsk_dev_add_bcast(__be32 *b, unsigned int *n, __be32 addr)
{
	unsigned int i;

	/* 255.255.255.255 is dropped already (hsk_bad_addr()). */
	if (!addr || ipv4_is_lbcast(addr) || *n == HSK_DEV_MAX_BCAST)
		return;
	for (i = 0; i < *n; i++)
		if (b[i] == addr)
			return;
	b[(*n)++] = addr;
}

/*
 * An address of hsk0 came or went (the notifier runs after the list
 * changed): the broadcasts again, from the list as it is now.
 */
static int hsk_dev_addr_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	const struct in_ifaddr *changed = ptr, *ifa;
	__be32 b[HSK_DEV_MAX_BCAST];
	struct in_device *in_dev;
	unsigned int n = 0, i;

	if (changed->ifa_dev->dev != hsk_dev ||
	    (event != NETDEV_UP && event != NETDEV_DOWN))
		return NOTIFY_DONE;
	in_dev = __in_dev_get_rtnl(hsk_dev);
	if (in_dev) {
		in_dev_for_each_ifa_rtnl(ifa, in_dev) {
			hsk_dev_add_bcast(b, &n, ifa->ifa_broadcast);
			if (ifa->ifa_prefixlen < 31)
				hsk_dev_add_bcast(b, &n, ifa->ifa_local |
						  ~ifa->ifa_mask);
		}
	}
	/* Fewer first, so a reader never looks past what is written. */
	WRITE_ONCE(hsk_dev_nr_bcasts, min(n, hsk_dev_nr_bcasts));
	for (i = 0; i < n; i++)
		WRITE_ONCE(hsk_dev_bcasts[i], b[i]);
	WRITE_ONCE(hsk_dev_nr_bcasts, n);
	return NOTIFY_DONE;
}

static struct notifier_block hsk_dev_addr_nb = {
	.notifier_call = hsk_dev_addr_event,
};

static netdev_tx_t hsk_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_sw_netstats_tx_add(dev, 1, skb->len);
	if (!hsk_input(skb))
		dev_core_stats_tx_dropped_inc(dev);
	return NETDEV_TX_OK;
}

/* 0, or -ENOBUFS when the host's backlog dropped @skb. */
int hsk_device_rx(struct sk_buff *skb)
{
	struct net_device *dev = hsk_dev;
	unsigned int len = skb->len;

	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	/* netif_rx counts its own drops in the device's rx_dropped. */
	if (netif_rx(skb) != NET_RX_SUCCESS)
		return -ENOBUFS;
	dev_sw_netstats_rx_add(dev, len);
	return 0;
}

static int hsk_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void hsk_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops hsk_netdev_ops = {
	.ndo_init = hsk_dev_init,
	.ndo_uninit = hsk_dev_uninit,
	.ndo_start_xmit = hsk_dev_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void hsk_dev_setup(struct net_device *dev)
{
	dev->netdev_ops = &hsk_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = IPV4_MIN_MTU;	/* RFC 791: every host takes 68 */
	dev->max_mtu = IP_MAX_MTU;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* The engine does its own locking; no need for the tx queue lock. */
	hsk_compat_set_lltx(dev);
	/* The engine, its knobs and /proc live in the initial namespace. */
	hsk_compat_set_netns_local(dev);
	/*
	 * As veth: the host's TCP hands over its segments with their payload
	 * in page fragments and their checksum left undone (CHECKSUM_PARTIAL),
	 * so that nothing copies them into one head or sums them only for the
	 * engine to sum them again, and with TSO up to 64 KB of them as one
	 * skb, which the engine takes as one segment (as Linux's TCP takes a
	 * GRO packet), where GSO would cut it for us. The engine reads
	 * fragments with the skb helpers and, as Linux's receive path, does
	 * not re-verify a checksum that a local stack left to the device
	 * (hsk_parse()). The other way, as a NIC's hardware GRO: full segments
	 * that go out together reach the host as one skb (hsk_send_train()),
	 * which GSO can cut back; the kernel wants RXCSUM beside it, and each
	 * segment is summed or, in a train, left partial. ethtool -K turns
	 * each off.
	 */
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO |
			 NETIF_F_GRO_HW | NETIF_F_RXCSUM;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO |
			    NETIF_F_GRO_HW | NETIF_F_RXCSUM;
	dev->needs_free_netdev = true;
}

int hsk_device_init(void)
{
	struct net_device *dev;
	int ret;

	dev = alloc_netdev(0, "hsk0", NET_NAME_PREDICTABLE, hsk_dev_setup);
	if (!dev)
		return -ENOMEM;
	hsk_dev = dev;
	/* Before the device exists: no address can come unseen. */
	ret = register_inetaddr_notifier(&hsk_dev_addr_nb);
	if (ret)
		goto err_free;
	ret = register_netdev(dev);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	unregister_inetaddr_notifier(&hsk_dev_addr_nb);
err_free:
	hsk_dev = NULL;
	free_netdev(dev);
	return ret;
}

void hsk_device_exit(void)
{
	/* Unregistering waits for transmitters and flushes the backlog. */
	unregister_netdev(hsk_dev);
	unregister_inetaddr_notifier(&hsk_dev_addr_nb);
	hsk_dev = NULL;
	hsk_dev_nr_bcasts = 0;
}
