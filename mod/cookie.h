/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HSK_COOKIE_H
#define _HSK_COOKIE_H

#include <linux/types.h>

#include "tables.h"

struct hsk_listener;
struct hsk_seg;
struct sk_buff;

/* What a valid cookie ACK tells about the connection it opens. */
struct hsk_cookie {
	u16 mss;		/* the table value for the client's MSS */
	u8 wscale;		/* the client's, if ws */
	bool ws;
	bool ts;
	bool sack;
	u32 ts_recent;		/* the ACK's TSval, if ts */
};

u32 hsk_cookie_isn(const struct hsk_tuple *t, u32 seq, u16 mss,
		   unsigned long now);
int hsk_cookie_check(const struct hsk_tuple *t, u32 seq, u32 ack,
		     unsigned long now);
u32 hsk_cookie_tsval(u32 ts_now, int wscale, bool sack, bool ecn);
int hsk_cookie_decode_ts(u32 tsecr, bool sack, bool ws,
			 struct hsk_cookie *ck);
void hsk_cookie_send_synack(const struct hsk_seg *seg);
void hsk_cookie_ack(struct hsk_listener *l, struct sk_buff *skb,
		    const struct hsk_seg *seg);
int hsk_cookie_init(void);

#endif /* _HSK_COOKIE_H */
