// SPDX-License-Identifier: GPL-2.0
/*
 * Receive memory of all connections together, bounded by net.hsk.mem as
 * Linux's tcp_mem bounds TCP's: each connection's own bound (HSK_RCVMEM)
 * times the connections a peer can open would otherwise be all of RAM.
 * Above mem[1] pages (pressure, left below mem[0]) windows offer at most
 * four segments [TCPMemoryPressures] and a connection takes no more than
 * an even share of mem[2]; above mem[2] a connection holding more than
 * HSK_RMEM_MIN_SHARE takes no more data [TCPRcvQDrop, TCPOFODrop], and its
 * peer sends it again once readers made room.
 * Receive memory only: what a connection sends is its user's, bounded per
 * connection (HSK_SNDMEM).
 */

#include "conn.h"
#include "hsk.h"
#include "proto.h"

#include <linux/mm.h>
#include <linux/percpu_counter.h>

/*
 * Bytes charged by all connections, each keeping its share in
 * rmem_charged. Per CPU, folded every HSK_RMEM_BATCH, so a segment does
 * not bounce a global cache line between CPUs: pressure is judged to
 * within a batch per CPU, the hard bound exactly (a sum) once near it.
 */
static struct percpu_counter hsk_rmem;
#define HSK_RMEM_BATCH		(32 << 10)
/* Set above mem[1], cleared below mem[0]: read locklessly, a hint. */
static bool hsk_rmem_pressured;

int hsk_rmem_init(void)
{
	return percpu_counter_init(&hsk_rmem, 0, GFP_KERNEL);
}

/* After hsk_conns_exit(): every connection gave its share back. */
void hsk_rmem_exit(void)
{
	WARN_ON_ONCE(percpu_counter_sum(&hsk_rmem));
	percpu_counter_destroy(&hsk_rmem);
}

/* Linux's tcp_init_mem(): 4.7 %, 6.25 % and 9.4 % of the buffer pages. */
void hsk_rmem_defaults(unsigned long mem[3])
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);

	mem[0] = limit / 4 * 3;
	mem[1] = limit;
	mem[2] = mem[0] * 2;
}

static void hsk_rmem_update(s64 bytes)
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
	percpu_counter_add_batch(&hsk_rmem, (s64)now - c->rmem_charged,
				 HSK_RMEM_BATCH);
	c->rmem_charged = now;
	hsk_rmem_update(percpu_counter_read(&hsk_rmem));
}

/* @c is freed: its share goes back, whatever it still held. */
void hsk_conn_rmem_release(struct hsk_conn *c)
{
	if (!c->rmem_charged)
		return;
	percpu_counter_add_batch(&hsk_rmem, -(s64)c->rmem_charged,
				 HSK_RMEM_BATCH);
	c->rmem_charged = 0;
	hsk_rmem_update(percpu_counter_read(&hsk_rmem));
}

bool hsk_rmem_pressure(void)
{
	return READ_ONCE(hsk_rmem_pressured);
}

/*
 * Whether @c may take @need more bytes: its minimum share always, else
 * while all are under mem[2], and under pressure its share of that.
 */
bool hsk_rmem_admit(const struct hsk_conn *c, u32 need)
{
	unsigned long max = READ_ONCE(hsk_knobs.mem[2]);

	u64 own = (u64)c->rx_mem + c->ooo.mem + need;

	lockdep_assert_held(&c->lock);
	if (own <= HSK_RMEM_MIN_SHARE ||
	    max >= (unsigned long)S64_MAX >> PAGE_SHIFT)
		return true;
	if (__percpu_counter_compare(&hsk_rmem,
				     ((s64)max << PAGE_SHIFT) - need,
				     HSK_RMEM_BATCH) > 0)
		return false;
	/*
	 * Under pressure, no more than an even share of the bound, as
	 * Linux's __sk_mem_raise_allocated(): memory a reader frees goes to
	 * its own connection first, not to the ones nobody reads.
	 */
	return !hsk_rmem_pressure() ||
	       own * hsk_conns_count() < (u64)max << PAGE_SHIFT;
}

#if IS_ENABLED(CONFIG_HSK_KUNIT_TEST)
/* KUnit: what all connections hold now, to see nothing leaks. */
long hsk_rmem_bytes(void)
{
	return percpu_counter_sum(&hsk_rmem);
}
#endif
