/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: state changes, drops with their reason, SYN-ACK
 * retransmissions. In /sys/kernel/tracing/events/hsk/ and perf trace.
 * Addresses are 4-byte arrays, as in Linux's tcp events, so perf and
 * libtraceevent can print them (%pI4 on the array, no address-of).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hsk

#if !defined(_HSK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _HSK_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"
#include "tables.h"
#include "uapi/hsk.h"

/* So user-space tools (perf, trace-cmd) can resolve the state names. */
TRACE_DEFINE_ENUM(HSK_ESTABLISHED);
TRACE_DEFINE_ENUM(HSK_SYN_SENT);
TRACE_DEFINE_ENUM(HSK_SYN_RECV);
TRACE_DEFINE_ENUM(HSK_FIN_WAIT1);
TRACE_DEFINE_ENUM(HSK_FIN_WAIT2);
TRACE_DEFINE_ENUM(HSK_TIME_WAIT);
TRACE_DEFINE_ENUM(HSK_CLOSE);
TRACE_DEFINE_ENUM(HSK_CLOSE_WAIT);
TRACE_DEFINE_ENUM(HSK_LAST_ACK);
TRACE_DEFINE_ENUM(HSK_LISTEN);
TRACE_DEFINE_ENUM(HSK_CLOSING);

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
		__array(u8, laddr, 4)
		__array(u8, raddr, 4)
		__field(u16, lport)
		__field(u16, rport)
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		memcpy(__entry->laddr, &t->laddr, 4);
		memcpy(__entry->raddr, &t->raddr, 4);
		__entry->lport = ntohs(t->lport);
		__entry->rport = ntohs(t->rport);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	TP_printk("%pI4:%u %pI4:%u %s -> %s", __entry->laddr,
		  __entry->lport, __entry->raddr, __entry->rport,
		  hsk_show_state(__entry->oldstate),
		  hsk_show_state(__entry->newstate))
);

TRACE_EVENT(hsk_drop,
	TP_PROTO(const char *reason, __be32 saddr, __be32 daddr),
	TP_ARGS(reason, saddr, daddr),
	TP_STRUCT__entry(
		__string(reason, reason)
		__array(u8, saddr, 4)
		__array(u8, daddr, 4)
	),
	TP_fast_assign(
		hsk_trace_assign_str(reason, reason);
		memcpy(__entry->saddr, &saddr, 4);
		memcpy(__entry->daddr, &daddr, 4);
	),
	TP_printk("%s %pI4 > %pI4", __get_str(reason), __entry->saddr,
		  __entry->daddr)
);

TRACE_EVENT(hsk_synack_retrans,
	TP_PROTO(const struct hsk_tuple *t, unsigned int num_timeout),
	TP_ARGS(t, num_timeout),
	TP_STRUCT__entry(
		__array(u8, laddr, 4)
		__array(u8, raddr, 4)
		__field(u16, lport)
		__field(u16, rport)
		__field(unsigned int, num_timeout)
	),
	TP_fast_assign(
		memcpy(__entry->laddr, &t->laddr, 4);
		memcpy(__entry->raddr, &t->raddr, 4);
		__entry->lport = ntohs(t->lport);
		__entry->rport = ntohs(t->rport);
		__entry->num_timeout = num_timeout;
	),
	TP_printk("%pI4:%u %pI4:%u retrans %u", __entry->laddr,
		  __entry->lport, __entry->raddr, __entry->rport,
		  __entry->num_timeout)
);

#endif /* _HSK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
