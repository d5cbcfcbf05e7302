/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: state changes, drops with their reason, SYN-ACK
 * retransmissions. In /sys/kernel/tracing/events/hsk/ and perf trace.
 * Addresses are kept as raw network-order words (sparse has no __be32
 * trace fields) and printed with %pI4.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hsk

#if !defined(_HSK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _HSK_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"
#include "tables.h"
#include "uapi/hsk.h"

#define hsk_show_state(s)						\
	__print_symbolic(s,						\
		{ HSK_ESTABLISHED, "ESTABLISHED" },			\
		{ HSK_SYN_SENT, "SYN_SENT" },				\
		{ HSK_SYN_RECV, "SYN_RECV" },				\
		{ HSK_FIN_WAIT1, "FIN_WAIT1" },				\
		{ HSK_FIN_WAIT2, "FIN_WAIT2" },				\
		{ HSK_TIME_WAIT, "TIME_WAIT" },				\
		{ HSK_CLOSE, "CLOSE" },					\
		{ HSK_CLOSE_WAIT, "CLOSE_WAIT" },			\
		{ HSK_LAST_ACK, "LAST_ACK" },				\
		{ HSK_LISTEN, "LISTEN" },				\
		{ HSK_CLOSING, "CLOSING" })

TRACE_EVENT(hsk_state_change,
	TP_PROTO(const struct hsk_tuple *t, int oldstate, int newstate),
	TP_ARGS(t, oldstate, newstate),
	TP_STRUCT__entry(
		__field(u32, laddr)
		__field(u32, raddr)
		__field(u16, lport)
		__field(u16, rport)
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		__entry->laddr = (__force u32)t->laddr;
		__entry->raddr = (__force u32)t->raddr;
		__entry->lport = ntohs(t->lport);
		__entry->rport = ntohs(t->rport);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	TP_printk("%pI4:%u %pI4:%u %s -> %s", &__entry->laddr,
		  __entry->lport, &__entry->raddr, __entry->rport,
		  hsk_show_state(__entry->oldstate),
		  hsk_show_state(__entry->newstate))
);

TRACE_EVENT(hsk_drop,
	TP_PROTO(const char *reason, __be32 saddr, __be32 daddr),
	TP_ARGS(reason, saddr, daddr),
	TP_STRUCT__entry(
		__string(reason, reason)
		__field(u32, saddr)
		__field(u32, daddr)
	),
	TP_fast_assign(
		hsk_trace_assign_str(reason, reason);
		__entry->saddr = (__force u32)saddr;
		__entry->daddr = (__force u32)daddr;
	),
	TP_printk("%s %pI4 > %pI4", __get_str(reason), &__entry->saddr,
		  &__entry->daddr)
);

TRACE_EVENT(hsk_synack_retrans,
	TP_PROTO(const struct hsk_tuple *t, unsigned int num_timeout),
	TP_ARGS(t, num_timeout),
	TP_STRUCT__entry(
		__field(u32, laddr)
		__field(u32, raddr)
		__field(u16, lport)
		__field(u16, rport)
		__field(unsigned int, num_timeout)
	),
	TP_fast_assign(
		__entry->laddr = (__force u32)t->laddr;
		__entry->raddr = (__force u32)t->raddr;
		__entry->lport = ntohs(t->lport);
		__entry->rport = ntohs(t->rport);
		__entry->num_timeout = num_timeout;
	),
	TP_printk("%pI4:%u %pI4:%u retrans %u", &__entry->laddr,
		  __entry->lport, &__entry->raddr, __entry->rport,
		  __entry->num_timeout)
);

#endif /* _HSK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
