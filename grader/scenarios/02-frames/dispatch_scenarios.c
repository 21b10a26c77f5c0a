/* dispatch_scenarios.c - trap_dispatch and trap_register for vectors no
 * exception uses (grader/labs/lab2.py: software_vectors). */
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "stack.h"
#include "trap.h"
#include "x86.h"

void lab2_soft_int(unsigned vector);

extern const char __data_start[], __bss_end[];

static void soft_handler(struct trap_frame *tf)
{
	kprintf("dispatcher got vector %lu\n", (unsigned long)tf->vector);
}

static void beyond_handler(struct trap_frame *tf)
{
	kprintf("the handler registered for vector %lu + 256 ran\n", (unsigned long)tf->vector);
}

/* A write far past the handler table faults: say where it came from. */
static void bounds_fault(struct trap_frame *tf)
{
	kprintf("#PF at CR2=0x%lx in trap_register(0x80000000, ...): a vector above 255 must be ignored, "
		"not stored past the end of the table\n", (unsigned long)read_cr2());
	exception_stop(X86_TRAP_PF);
}

/* A sum over .data and .bss, stacks and unmapped pages left out: a write
 * just past the end of the handler table (vector 256) changes it, though
 * nothing may ever read what it overwrote. Bits 5 and 6 are left out too:
 * the page tables live in .bss, and reading a page sets its PTE's accessed
 * bit (and writing, the dirty bit). */
static uint64_t data_sum(void)
{
	uint64_t sum = 0;
	for (uintptr_t page = (uintptr_t)__data_start; page < (uintptr_t)__bss_end; page += PAGE_SIZE) {
		uint64_t *pte = paging_pte(page);
		if (!pte || !(*pte & PTE_P) || stack_find(page))
			continue;
		for (const uint64_t *p = (const uint64_t *)page; p < (const uint64_t *)(page + PAGE_SIZE); p++)
			sum = sum * 31 + (*p & ~(PTE_A | PTE_D));
	}
	return sum;
}

SCENARIO(software_vectors, "int N for seed-chosen N in 32-255 reaches the dispatcher; trap_register ignores N > 255")
{
	unsigned v[4];
	for (unsigned i = 0; i < 4; i++) {
		v[i] = (unsigned)seed_range(10 + i, 32, 255);
		trap_register(v[i], soft_handler);
		kprintf("int %u\n", v[i]);
		lab2_soft_int(v[i]);
	}
	kprintf("all software interrupts returned\n");
	/* Registrations above 255 must change nothing (TODO(3)): no write
	 * just past the table, none far past it, not the vector modulo 256. */
	uint64_t before = data_sum();
	trap_register(TRAP_VECTORS, beyond_handler);
	kprintf("trap_register(256, ...) changed .data/.bss: %s\n", data_sum() == before ? "no" : "yes");
	for (unsigned i = 0; i < 4; i++)
		trap_register(v[i] + TRAP_VECTORS, beyond_handler);
	trap_register(X86_TRAP_PF, bounds_fault);
	trap_register(0x80000000u, beyond_handler);
	for (unsigned i = 0; i < 4; i++) {
		kprintf("int %u again\n", v[i]);
		lab2_soft_int(v[i]);
	}
	kprintf("vectors above 255 ignored\n");
}
