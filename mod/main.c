// SPDX-License-Identifier: GPL-2.0
/*
 * Init and exit order only. Counters and knobs come first so the engine
 * can use them from its first packet; then the keys and the tables a
 * segment is looked up in; hsk0 next, which feeds the engine; the user
 * interfaces, netlink for hskctl and /dev/hsk, last up and first down.
 */

#include "conn.h"
#include "cookie.h"
#include "hsk.h"
#include "listener.h"
#include "synq.h"

#include <linux/module.h>

static int __init hsk_init(void)
{
	int ret;

	ret = hsk_stats_init();
	if (ret)
		return ret;
	ret = hsk_sysctl_init();
	if (ret)
		goto err_stats;
	hsk_output_init();
	ret = hsk_cookie_init();
	if (ret)
		goto err_sysctl;
	ret = hsk_listeners_init();
	if (ret)
		goto err_sysctl;
	ret = hsk_synq_init();
	if (ret)
		goto err_listeners;
	ret = hsk_rmem_init();
	if (ret)
		goto err_synq;
	ret = hsk_conns_init();
	if (ret)
		goto err_rmem;
	ret = hsk_device_init();
	if (ret)
		goto err_conns;
	ret = hsk_netlink_init();
	if (ret)
		goto err_device;
	ret = hsk_chardev_init();
	if (ret)
		goto err_netlink;
	pr_info("hsk0 ready\n");
	return 0;

err_netlink:
	hsk_netlink_exit();
err_device:
	hsk_conns_stop();
	hsk_device_exit();
err_conns:
	hsk_conns_exit();
err_rmem:
	hsk_rmem_exit();
err_synq:
	hsk_synq_exit();
err_listeners:
	hsk_listeners_exit();
err_sysctl:
	hsk_sysctl_exit();
err_stats:
	hsk_stats_exit();
	return ret;
}

static void __exit hsk_exit(void)
{
	hsk_chardev_exit();
	hsk_netlink_exit();
	/* Connections' timers go inert while hsk0 can still carry a send. */
	hsk_conns_stop();
	hsk_device_exit();
	hsk_conns_exit();
	hsk_rmem_exit();
	hsk_synq_exit();
	hsk_listeners_exit();
	hsk_sysctl_exit();
	hsk_stats_exit();
}

module_init(hsk_init);
module_exit(hsk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP server handshake engine on hsk0");
MODULE_AUTHOR("The hsk developers");
