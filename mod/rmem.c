// SPDX-License-Identifier: GPL-2.0
/*
 * Receive memory of all connections together, bounded by net.hsk.mem as
 * Linux's tcp_mem bounds TCP's: each connection's own bound (HSK_RCVMEM)
 * times the connections a peer can open would otherwise be all of RAM.
 * Above mem[1] pages (pressure, left below mem[0]) windows offer at most
 * four segments [TCPMemoryPressures]; above mem[2] a connection holding
 * more than HSK_RMEM_MIN_SHARE takes no more data [TCPRcvQDrop,
 * TCPOFODrop], and its peer sends it again once readers made room.
 * Receive memory only: what a connection sends is its user's, bounded per
 * connection (HSK_SNDMEM).
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <linux/mm.h>

/* Bytes charged by all connections: each keeps its share in rmem_charged. */
static atomic_long_t hsk_rmem;
/* Set above mem[1], cleared below mem[0]: read locklessly, a hint. */
static bool hsk_rmem_pressured;

/* Linux's tcp_init_mem(): 4.7 %, 6.25 % and 9.4 % of the buffer pages. */
void hsk_rmem_defaults(unsigned long mem[3])
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);

	mem[0] = limit / 4 * 3;
	mem[1] = limit;
	mem[2] = mem[0] * 2;
}

static void hsk_rmem_update(long bytes)
{
	unsigned long pages = bytes > 0 ? (unsigned long)bytes >> PAGE_SHIFT : 0;

	if (!READ_ONCE(hsk_rmem_pressured)) {
		if (pages > READ_ONCE(hsk_knobs.mem[1]) &&
		    !xchg(&hsk_rmem_pressured, true))
			hsk_inc(HSK_MIB_TCPMemoryPressures);
	} else if (pages < READ_ONCE(hsk_knobs.mem[0])) {
		WRITE_ONCE(hsk_rmem_pressured, false);
	}
}

/* Brings the global sum up to date with @c's receive memory. */
void hsk_conn_rmem_sync(struct hsk_conn *c)
{
	u32 now = c->rx_mem + c->ooo.mem;

	lockdep_assert_held(&c->lock);
	if (now == c->rmem_charged)
		return;
	hsk_rmem_update(atomic_long_add_return((long)now - c->rmem_charged,
					       &hsk_rmem));
	c->rmem_charged = now;
}

/* @c is freed: its share goes back, whatever it still held. */
void hsk_conn_rmem_release(struct hsk_conn *c)
{
	if (c->rmem_charged)
		hsk_rmem_update(atomic_long_sub_return(c->rmem_charged,
						       &hsk_rmem));
	c->rmem_charged = 0;
}

bool hsk_rmem_pressure(void)
{
	return READ_ONCE(hsk_rmem_pressured);
}

/* Whether @c may take @need more bytes: its minimum share, or room left. */
bool hsk_rmem_admit(const struct hsk_conn *c, u32 need)
{
	long total = atomic_long_read(&hsk_rmem) + need;

	lockdep_assert_held(&c->lock);
	return c->rx_mem + c->ooo.mem + need <= HSK_RMEM_MIN_SHARE ||
	       total <= 0 ||
	       ((unsigned long)total >> PAGE_SHIFT) <=
	       READ_ONCE(hsk_knobs.mem[2]);
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
/* KUnit: what all connections hold now, to see nothing leaks. */
long hsk_rmem_bytes(void)
{
	return atomic_long_read(&hsk_rmem);
}
#endif
