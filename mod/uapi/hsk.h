/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user ABI of hsk: ioctls on /dev/hsk and the generic netlink family
 * "hsk" (hskctl's). User space includes this file
 * and nothing else of hsk's. Addresses and ports are in network byte
 * order, as in struct sockaddr_in.
 */
#ifndef _UAPI_HSK_H
#define _UAPI_HSK_H

#include <linux/ioctl.h>
#include <linux/in.h>
#include <linux/types.h>

#define HSK_DEVICE		"/dev/hsk"
#define HSK_NETDEV		"hsk0"

/* LISTEN: bind the handle to addr:port (addr 0 for any) and listen. */
struct hsk_listen {
	struct sockaddr_in addr;
	__s32 backlog;		/* negative: net.hsk.somaxconn */
	__u32 flags;		/* none defined; must be 0 */
};

#define HSK_ACCEPT_CLOEXEC	0x1	/* the new fd is close-on-exec */
#define HSK_ACCEPT_NONBLOCK	0x2	/* the new fd is O_NONBLOCK */
#define HSK_ACCEPT_DONTWAIT	0x4	/* EAGAIN instead of blocking */

/* ACCEPT: returns the new connection's fd; fills in both ends. */
struct hsk_accept {
	__u32 flags;		/* HSK_ACCEPT_* */
	__u32 reserved;		/* must be 0 */
	struct sockaddr_in peer;
	struct sockaddr_in local;
};

/* Connection states, numbered as Linux's TCP_* for ss users. */
enum hsk_state {
	HSK_ESTABLISHED = 1,
	HSK_SYN_SENT = 2,
	HSK_SYN_RECV = 3,
	HSK_FIN_WAIT1 = 4,
	HSK_FIN_WAIT2 = 5,
	HSK_TIME_WAIT = 6,
	HSK_CLOSE = 7,
	HSK_CLOSE_WAIT = 8,
	HSK_LAST_ACK = 9,
	HSK_LISTEN = 10,
	HSK_CLOSING = 11,
};

/* What a connection's or half-open entry's timer runs to (HSK_A_TIMER). */
enum hsk_timer {
	HSK_TIMER_NONE,
	HSK_TIMER_RTO,		/* retransmission: ss's "on" */
	HSK_TIMER_PERSIST,	/* zero-window probe: "persist" */
	HSK_TIMER_FIN_WAIT2,	/* an orphan's FIN_WAIT_2: "keepalive" */
	HSK_TIMER_TIME_WAIT,	/* "timewait" */
	HSK_TIMER_DELACK,	/* a delayed ACK: "delack" */
	HSK_TIMER_SYNACK,	/* a half-open entry's next SYN-ACK: "on" */
};

/* INFO: a connection's 4-tuple, state and timers. */
struct hsk_info {
	struct sockaddr_in local;
	struct sockaddr_in peer;
	__u32 state;		/* enum hsk_state */
	__u32 snd_una;
	__u32 snd_nxt;
	__u32 rcv_nxt;
	__u32 snd_wnd;
	__u32 rcv_wnd;
	__u32 rto_ms;
	__u32 timer_ms;		/* time to the next timer, 0 if none */
	__u32 retransmits;
	__u32 mss;
	__u8 snd_wscale;
	__u8 rcv_wscale;
	__u16 options;		/* HSK_OPTI_* negotiated */
	/* Were reserved (zero) before; what ss -i shows. */
	__u32 cwnd;		/* bytes */
	__u32 ssthresh;		/* bytes */
	__u32 srtt_us;		/* 0 until the first RTT sample */
	__u32 rttvar_us;
};

#define HSK_OPTI_TS		0x1
#define HSK_OPTI_SACK		0x2
#define HSK_OPTI_WSCALE		0x4

#define HSK_IOC_MAGIC		0xB4
#define HSK_IOC_LISTEN		_IOW(HSK_IOC_MAGIC, 1, struct hsk_listen)
#define HSK_IOC_ACCEPT		_IOWR(HSK_IOC_MAGIC, 2, struct hsk_accept)
#define HSK_IOC_SHUTDOWN	_IO(HSK_IOC_MAGIC, 3)	/* arg: SHUT_RD/WR/RDWR */
#define HSK_IOC_INFO		_IOR(HSK_IOC_MAGIC, 4, struct hsk_info)

/*
 * Generic netlink family HSK_GENL_NAME: what hskctl shows. Each dump
 * message is one listener or one connection, as flat attributes; GET_STATS
 * answers one message with a nest of HSK_A_STAT nests. Addresses are
 * __be32, ports host order. All commands need CAP_NET_ADMIN.
 */
#define HSK_GENL_NAME		"hsk"
#define HSK_GENL_VERSION	1

enum hsk_cmd {
	HSK_CMD_UNSPEC,
	HSK_CMD_GET_LISTENERS,	/* dump */
	HSK_CMD_GET_CONNS,	/* dump: connections, then half-open entries */
	HSK_CMD_GET_STATS,	/* do */
	__HSK_CMD_MAX,
};
#define HSK_CMD_MAX (__HSK_CMD_MAX - 1)

enum hsk_attr {
	HSK_A_UNSPEC,
	HSK_A_LOCAL_ADDR,	/* u32, network order */
	HSK_A_LOCAL_PORT,	/* u16 */
	HSK_A_PEER_ADDR,	/* u32, network order */
	HSK_A_PEER_PORT,	/* u16 */
	HSK_A_STATE,		/* u8, enum hsk_state */
	HSK_A_RECV_Q,		/* u32: bytes not read; listener: accept queue */
	HSK_A_SEND_Q,		/* u32: bytes not acked; listener: its bound */
	HSK_A_TIMER_MS,		/* u32: to the next timer, if one runs */
	HSK_A_RETRANS,		/* u32: SYN-ACK or data retransmissions */
	HSK_A_ACCEPT_Q,		/* u32 */
	HSK_A_ACCEPT_MAX,	/* u32: what the accept queue holds, B + 1 */
	HSK_A_SYN_Q,		/* u32: half-open entries */
	HSK_A_SYN_MAX,		/* u32: max_syn_backlog */
	HSK_A_YOUNG,		/* u32: half-open entries never timed out */
	HSK_A_DROPS,		/* u64: ListenDrops of this listener */
	HSK_A_OVERFLOWS,	/* u64: ListenOverflows of this listener */
	HSK_A_STATS,		/* nest of HSK_A_STAT */
	HSK_A_STAT,		/* nest: HSK_A_STAT_NAME, HSK_A_STAT_VALUE */
	HSK_A_STAT_NAME,	/* string, Linux's counter name */
	HSK_A_STAT_VALUE,	/* u64 */
	HSK_A_PAD,
	/* Appended: a connection's TCP state, as struct hsk_info has it. */
	HSK_A_OPTIONS,		/* u16: HSK_OPTI_* negotiated */
	HSK_A_SND_WSCALE,	/* u8: the peer's shift */
	HSK_A_RCV_WSCALE,	/* u8: ours */
	HSK_A_MSS,		/* u32 */
	HSK_A_RTO_MS,		/* u32 */
	HSK_A_SRTT_US,		/* u32: 0 until the first RTT sample */
	HSK_A_RTTVAR_US,	/* u32 */
	HSK_A_CWND,		/* u32, bytes */
	HSK_A_SSTHRESH,		/* u32, bytes */
	HSK_A_SND_WND,		/* u32, bytes: the peer's window, scaled */
	HSK_A_RCV_WND,		/* u32, bytes: room in our receive buffer */
	HSK_A_RMEM,		/* u32, bytes: receive buffers held (truesize) */
	HSK_A_TIMER,		/* u8, enum hsk_timer: what HSK_A_TIMER_MS runs to */
	HSK_A_REORDERING,	/* u32, segments: SACKed above a hole to lose it */
	HSK_A_REORD_SEEN,	/* u32: reorderings found */
	HSK_A_DSACK_DUPS,	/* u32: segments the peer's D-SACKs reported */
	HSK_A_TOTAL_RETRANS,	/* u32: data segments sent again, in all */
	__HSK_A_MAX,
};
#define HSK_A_MAX (__HSK_A_MAX - 1)

#endif /* _UAPI_HSK_H */
