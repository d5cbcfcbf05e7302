// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SYN cookies (included by mod/cookie.c). The clock is the @now
 * argument, never the real one.
 */

#include <kunit/test.h>

static void hsk_cookie_mss_round_trip(struct kunit *test)
{
	static const struct { u16 in, out; } cases[] = {
		{ 100, 536 }, { 536, 536 }, { 1299, 536 }, { 1300, 1300 },
		{ 1440, 1440 }, { 1459, 1440 }, { 1460, 1460 }, { 9000, 1460 },
	};
	const struct hsk_tuple t = {
		.raddr = cpu_to_be32(0xc6120007), .laddr = cpu_to_be32(0x0a4d0002),
		.rport = htons(40000), .lport = htons(80),
	};
	unsigned long now = 1000 * HZ;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 isn = hsk_cookie_isn(&t, 12345, cases[i].in, now);

		KUNIT_EXPECT_EQ(test, hsk_cookie_check(&t, 12346, isn + 1, now),
				(int)cases[i].out);
	}
}

static struct kunit_case hsk_cookie_cases[] = {
	KUNIT_CASE(hsk_cookie_mss_round_trip),
	{}
};

static struct kunit_suite hsk_cookie_suite = {
	.name = "hsk_cookie",
	.test_cases = hsk_cookie_cases,
};
kunit_test_suite(hsk_cookie_suite);
