/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user ABI of hsk: ioctls on /dev/hsk. User space includes this file
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
	__u32 reserved[4];
};

#define HSK_OPTI_TS		0x1
#define HSK_OPTI_SACK		0x2
#define HSK_OPTI_WSCALE		0x4

#define HSK_IOC_MAGIC		0xB4
#define HSK_IOC_LISTEN		_IOW(HSK_IOC_MAGIC, 1, struct hsk_listen)
#define HSK_IOC_ACCEPT		_IOWR(HSK_IOC_MAGIC, 2, struct hsk_accept)
#define HSK_IOC_SHUTDOWN	_IO(HSK_IOC_MAGIC, 3)	/* arg: SHUT_RD/WR/RDWR */
#define HSK_IOC_INFO		_IOR(HSK_IOC_MAGIC, 4, struct hsk_info)

#endif /* _UAPI_HSK_H */
