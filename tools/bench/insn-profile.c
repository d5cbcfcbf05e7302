// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin that counts the guest instructions executed at each
 * address: an exact instruction profile, where perf's sampling in a TCG
 * guest recorded almost nothing of the bench's kthread.
 *
 *   qemu-system-x86_64 ... -plugin insn-profile.so,out=PREFIX,mark=ADDR
 *
 * Each time the guest executes the instruction at ADDR (a kernel
 * function's first, e.g. ksys_sync's: the guest calls sync(2) to mark the
 * start and end of what it measures), the counts since the last mark are
 * written to PREFIX.N (N = 0, 1, ...), one "address count" line per
 * instruction executed, and zeroed. What follows the last mark goes to
 * PREFIX.N at exit.
 *
 * Counting: each translated block gets a counter that QEMU adds 1 to, in
 * generated code, every time the block runs (an inline op, no call); a
 * block's instructions each ran that many times. A block cut short by an
 * interrupt counts whole, a few instructions per interrupt. One vCPU
 * (tools/vm/run --icount runs one): the adds are not atomic.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn-profile.h"

EXPORT int qemu_plugin_version = 1;

/* One translation of a block: its count and its instructions' addresses. */
struct block {
	uint64_t count;
	struct block *next;
	uint32_t n;
	uint64_t addr[];
};

static struct block *blocks;
static const char *prefix = "insn-profile";
static uint64_t mark;
static unsigned int dumps;

/* Address and count pairs, sorted by address to sum one address's blocks. */
struct slot {
	uint64_t addr, count;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void dump(void)
{
	size_t cap = 1 << 16, used = 0, i;
	struct slot *tab = malloc(cap * sizeof(*tab));
	struct block *b;
	char path[4096];
	FILE *f;

	if (!tab)
		abort();
	for (b = blocks; b; b = b->next) {
		if (!b->count)
			continue;
		for (i = 0; i < b->n; i++) {
			if (used == cap) {
				cap *= 2;
				tab = realloc(tab, cap * sizeof(*tab));
				if (!tab)
					abort();
			}
			tab[used].addr = b->addr[i];
			tab[used++].count = b->count;
		}
		b->count = 0;
	}
	qsort(tab, used, sizeof(*tab), slot_cmp);
	snprintf(path, sizeof(path), "%s.%u", prefix, dumps++);
	f = fopen(path, "w");
	if (f) {
		for (i = 0; i < used; i++) {
			uint64_t sum = tab[i].count;

			while (i + 1 < used && tab[i + 1].addr == tab[i].addr)
				sum += tab[++i].count;
			fprintf(f, "%" PRIx64 " %" PRIu64 "\n", tab[i].addr, sum);
		}
		fclose(f);
	}
	free(tab);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	dump();
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	dump();
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct block *b = malloc(sizeof(*b) + n * sizeof(b->addr[0]));

	(void)id;
	if (!b)
		abort();
	b->count = 0;
	b->n = n;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		b->addr[i] = qemu_plugin_insn_vaddr(insn);
		if (mark && b->addr[i] == mark)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
				QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
			       const struct qemu_info_t *info, int argc,
			       char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			prefix = strdup(argv[i] + 4);
		else if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
		else {
			fprintf(stderr, "insn-profile: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
