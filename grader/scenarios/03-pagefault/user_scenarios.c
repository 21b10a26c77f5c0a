/* user_scenarios.c - a page fault from ring 3, the end of lab 03's
 * error_codes scenario (grader/labs/lab3.py).
 *
 * Every other fault of lab 03 comes from the kernel, so "user" in a report
 * would never be seen. user_fault() drops to ring 3 for one access of a
 * seed-chosen kind; the student's handler reports it ("user ... in user
 * mode") and stops. What it needs, lab 03 does not have yet, so it builds
 * its own: a copy of the current GDT plus user code and data segments and a
 * TSS whose RSP0 is the stack the CPU switches to; a level-4 slot whose
 * entries all allow user access, holding the user pages below.
 *
 * Seed indices: [500] the kind (user_kinds), [501] where in the target
 * page, [502] the byte a write stores.
 */
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "registry.h"
#include "user_fault.h"
#include "report.h"
#include "seed.h"
#include "x86.h"
#include "scenario_facts.h"

#define GDT_SLOTS_MAX 16

extern char lab3_user_page[], lab3_user_read[], lab3_user_write[];
extern char __data_start[];

enum access { READ, WRITE };

/* The kinds of fault, by seed: access * 16 + target (scenario_facts.h). */
static const uint8_t user_kinds[] = USER_KINDS;

static uint64_t user_gdt[GDT_SLOTS_MAX];
static uint8_t user_tss[104] __attribute__((aligned(16)));

static uint64_t target_of(int target, uint64_t offset)
{
	switch (target) {
	case 0: return USER_NONE + offset;
	case 1: return (uint64_t)(uintptr_t)__data_start + offset;
	case 2: return USER_RO + offset;
	default: return USER_RSVD + offset;
	}
}

static bool map_user(uint64_t va, uint64_t frame, uint64_t flags)
{
	if (!frame || paging_map_page(va, frame, flags | PTE_U) != 0)
		return false;
	for (int level = 4; level >= 2; level--)
		*paging_entry(va, level) |= PTE_U; /* every level must allow ring 3 */
	return true;
}

/* GDT = current one + user data + user code + TSS; returns the user CS. */
static uint16_t load_user_segments(uint64_t rsp0)
{
	struct x86_table_reg gdtr = read_gdtr();
	unsigned n = (gdtr.limit + 1u) / 8;
	if (n + 4 > GDT_SLOTS_MAX)
		return 0;
	for (unsigned i = 0; i < n; i++)
		user_gdt[i] = ((const uint64_t *)(uintptr_t)gdtr.base)[i];
	uint64_t tss = (uint64_t)(uintptr_t)user_tss;
	*(uint64_t *)(user_tss + 4) = rsp0;                  /* RSP0 */
	*(uint16_t *)(user_tss + 0x66) = sizeof(user_tss);  /* no I/O bitmap */
	user_gdt[n] = 0x00CFF2000000FFFFULL;                 /* data, DPL 3 */
	user_gdt[n + 1] = 0x00AFFA000000FFFFULL;             /* 64-bit code, DPL 3 */
	user_gdt[n + 2] = (sizeof(user_tss) - 1) | (tss & 0xFFFFFF) << 16 | 0x89ULL << 40 |
			  (tss >> 24 & 0xFF) << 56;           /* available 64-bit TSS */
	user_gdt[n + 3] = tss >> 32;
	struct x86_table_reg mine = { (uint16_t)((n + 4) * 8 - 1), (uint64_t)(uintptr_t)user_gdt };
	__asm__ volatile("lgdt %0\n\tltr %w1" : : "m"(mine), "r"((uint16_t)((n + 2) * 8)) : "memory");
	return (uint16_t)((n + 1) * 8 | 3);
}

void user_fault(void)
{
	scenario_expect_stop(X86_TRAP_PF);
	unsigned kind = (unsigned)seed_range(SEED_USER, 0, sizeof(user_kinds) / sizeof(user_kinds[0]) - 1);
	uint64_t target = target_of(user_kinds[kind] & 0xF, seed_range(SEED_USER + 1, 0, PAGE_SIZE - 1));
	char *entry = user_kinds[kind] >> 4 == READ ? lab3_user_read : lab3_user_write;

	bool ok = map_user(USER_CODE, (uint64_t)(uintptr_t)lab3_user_page, 0) &&
		  map_user(USER_STACK, frame_alloc(), PTE_W | PTE_NX) &&
		  map_user(USER_RO, frame_alloc(), 0) &&
		  map_user(USER_RSVD, frame_alloc(), PTE_W | PTE_NX);
	uint16_t cs = ok ? load_user_segments((read_rsp() - 1024) & ~15ULL) : 0;
	if (!cs) {
		kprintf("user_fault: could not set up ring 3\n");
		return;
	}
	*paging_pte(USER_RSVD) |= 1ULL << 51;
	invlpg(USER_RSVD);
	uint64_t rip = USER_CODE + (uint64_t)(entry - lab3_user_page);
	kprintf("ring 3: CS 0x%04x, kind %u, touching 0x%016lx from 0x%016lx\n", cs, kind,
		(unsigned long)target, (unsigned long)rip);
	__asm__ volatile("pushq %[ss]\n\t"
			 "pushq %[rsp]\n\t"
			 "pushq $2\n\t"              /* RFLAGS: interrupts stay off */
			 "pushq %[cs]\n\t"
			 "pushq %[rip]\n\t"
			 "xorl %%ebp, %%ebp\n\t"     /* no frames to trace in ring 3 */
			 "iretq"
			 : : [ss] "r"((uint64_t)(cs - 8)), [rsp] "r"(USER_STACK + PAGE_SIZE),
			     [cs] "r"((uint64_t)cs), [rip] "r"(rip), "a"(target),
			     "b"(seed_value(SEED_USER + 2)) : "memory");
	__builtin_unreachable();
}
