/* table_scenarios.c - lab 03's page-table scenarios: the demo, CR3 and the
 * walks (grader/labs/lab3.py computes what each must print); demand paging
 * is in demand_scenarios.c.
 *
 * Seed indices (seed_range/seed_value; the grader derives the same):
 *   [10]-[21]  walk: offsets into the VGA page, .text, .rodata, .data/.bss,
 *              the direct map; slots and low bits of three unmapped
 *              addresses; an offset into the kernel stack's guard page
 *   [22]-[24]  walk: the address of the VGA alias
 *   [25]       cr3: the ignored bits of CR3 the copy gets
 */
#include <stdint.h>
#include <string.h>
#include "demand_scenarios.h"
#include "kprintf.h"
#include "page_fault.h"
#include "paging.h"
#include "pt_walk.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "stack.h"
#include "x86.h"
#include "scenario_facts.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];

SCENARIO_DEMO(pagefault_demo, "CR3, two walks, demand paging, then a write to 0xdeadbeaf")
{
	scenario_expect_stop(X86_TRAP_PF);
	kprintf("Hello from lab 03! The page tables the CPU uses:\n");
	pt_print_root();
	kprintf("-- this function, in .text: a 4 KiB page, read-only and executable\n");
	pt_walk((uint64_t)(uintptr_t)scenario_pagefault_demo);
	kprintf("-- physical 0x1234568 through the direct map: a 2 MiB page\n");
	pt_walk(PHYS_MAP_BASE + 0x1234568);
	kprintf("-- demand paging: two pages appear when first touched\n");
	demand_write_word(DEMAND_BASE + 0x10, 0x1111);
	demand_write_word(DEMAND_BASE + 0x5020, 0x2222);
	bool ok = demand_check_page(DEMAND_BASE + 0x10, 0x1111) && demand_check_page(DEMAND_BASE + 0x5020, 0x2222);
	kprintf("demand paging %s: %u faults\n", ok ? "ok" : "FAILED", demand_fault_count());
	kprintf("-- 0xdeadbeaf: nothing maps it, so this write faults\n");
	pt_walk(0xdeadbeaf);
	*(volatile uint64_t *)0xdeadbeafULL = 42;
	kprintf("the write worked?!\n");
}

SCENARIO(cr3, "print the level-4 table, then again after switching to a copy of it")
{
	pt_print_root();
	uint64_t old = read_cr3();
	uint64_t copy = frame_alloc();
	if (!copy) {
		kprintf("cr3: no free frame\n");
		return;
	}
	memcpy(phys_to_virt(copy), phys_to_virt(old & PTE_ADDR_MASK), PAGE_SIZE);
	/* CR3 bits 3 and 4 are the table's caching (PWT, PCD); bits 0-2 and
	 * 5-11 are ignored (without PCIDs): none of them is address. */
	uint64_t flags = PTE_PWT | PTE_PCD | 0x800 | (seed_value(SEED_CR3_FLAGS) & 0xFE7);
	kprintf("switching to a copy of the level-4 table, with CR3 flag bits 0x%03lx\n", (unsigned long)flags);
	write_cr3(copy | flags);
	pt_print_root();
	__asm__ volatile("int3" ::: "memory"); /* QEMU's log records CR3 here */
	write_cr3(old);
	kprintf("back on the first table\n");
}

static void walk_in(const char *what, uint64_t start, uint64_t end, uint64_t index)
{
	kprintf("-- %s\n", what);
	pt_walk(start + seed_range(index, 0, end - start - 1));
}

/* Maps a second view of the VGA page through a page table whose frame has no
 * identity mapping, walks it, and takes the mapping down again. A walk that
 * reads tables by physical address as if it were virtual faults here. */
static void walk_alias(void)
{
	uint64_t va = seed_range(SEED_VGA_ALIAS, 32, 63) << 21 | seed_range(SEED_VGA_ALIAS + 1, 0, 511) << 12 | seed_range(SEED_VGA_ALIAS + 2, 0, PAGE_SIZE - 1);
	uint64_t pt = frame_alloc();
	uint64_t *pde = pt ? paging_entry(va, 2) : NULL;
	uint64_t *identity = pt ? paging_pte(pt) : NULL;
	if (!pde || *pde || !identity) {
		kprintf("walk: could not build the alias\n");
		return;
	}
	uint64_t *entries = phys_to_virt(pt);
	entries[(va >> 12) & 511] = VGA_TEXT_BUFFER | PTE_P | PTE_W | PTE_NX;
	uint64_t saved = *identity;
	*identity = 0; /* from now on only the direct map reaches the table */
	invlpg(pt);
	*pde = pt | PTE_P | PTE_W;
	kprintf("-- an alias of the VGA buffer, through a table at phys 0x%016lx\n", (unsigned long)pt);
	pt_walk(va);
	*pde = 0;
	invlpg(va);
	*identity = saved;
	invlpg(pt);
}

SCENARIO(walk, "walk seed-chosen addresses: mapped (4 KiB, 2 MiB) and unmapped at each level")
{
	const struct stack_region *stack = stack_find(read_rsp());
	pt_print_root();
	walk_in("the VGA text buffer", VGA_TEXT_BUFFER, VGA_TEXT_BUFFER + PAGE_SIZE, SEED_WALK_SPAN);
	walk_in(".text", (uintptr_t)__text_start, (uintptr_t)__text_end, SEED_WALK_SPAN + 1);
	walk_in(".rodata", (uintptr_t)__rodata_start, (uintptr_t)__rodata_end, SEED_WALK_SPAN + 2);
	walk_in(".data/.bss", (uintptr_t)__data_start, (uintptr_t)__bss_end, SEED_WALK_SPAN + 3);
	walk_in("the direct map", PHYS_MAP_BASE, PHYS_MAP_BASE + (64ULL << 20), SEED_WALK_SPAN + 4);
	kprintf("-- unmapped: an empty level-4 slot\n");
	pt_walk(seed_range(SEED_EMPTY_SLOT, 1, 127) << 39 | seed_range(SEED_EMPTY_SLOT + 1, 0, (1ULL << 39) - 1));
	kprintf("-- unmapped: an empty PDPT slot\n");
	pt_walk(seed_range(SEED_EMPTY_SLOT + 2, 1, 511) << 30 | seed_range(SEED_EMPTY_SLOT + 3, 0, (1ULL << 30) - 1));
	kprintf("-- unmapped: an empty PD slot, above 128 MiB\n");
	pt_walk(seed_range(SEED_EMPTY_SLOT + 4, 64, 511) << 21 | seed_range(SEED_EMPTY_SLOT + 5, 0, (1ULL << 21) - 1));
	if (stack)
		walk_in("the guard page below this stack", stack->guard, stack->bottom, SEED_WALK_GUARD);
	walk_alias();
}
