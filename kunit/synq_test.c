// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the half-open queue (included by mod/synq.c). The clock is the
 * @now argument, never the real one.
 */

#include <kunit/test.h>

static void hsk_synq_schedule(struct kunit *test)
{
	static const unsigned int secs[] = { 1, 2, 4, 8, 16, 32, 64, 120, 120 };
	int i;

	for (i = 0; i < ARRAY_SIZE(secs); i++)
		KUNIT_EXPECT_EQ(test, hsk_synq_timeout(i), secs[i] * HZ);
}

static struct kunit_case hsk_synq_cases[] = {
	KUNIT_CASE(hsk_synq_schedule),
	{}
};

static struct kunit_suite hsk_synq_suite = {
	.name = "hsk_synq",
	.test_cases = hsk_synq_cases,
};
kunit_test_suite(hsk_synq_suite);
