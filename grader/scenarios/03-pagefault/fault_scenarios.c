/* fault_scenarios.c - the faults the grader provokes for lab 03 (grader/labs/lab3.py).
 *
 * Addresses come from the seed (seed_range index in brackets; the grader
 * derives the same numbers), and global labels ("lab3_...") on the faulting
 * instructions give the grader their addresses through nm:
 *
 *   [0] [1]  write_unmapped / read_unmapped: an address in [1 GiB, 512 GiB),
 *            where nothing is mapped (level-4 slot 0, PDPT slots 1-511)
 *   [2] [3]  read_code_page / write_code_page: an offset into .text
 *   [4]      exec_nx_page: an offset into lab3_nx_page, a page of .data
 *   [5] [6]  reserved_bit: a page of the scratch region and an offset in it
 */
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "pt_walk.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "x86.h"
#include "scenario_facts.h"

extern char __text_start[], __text_end[];

/* A page of .data filled with `ret`: if NX were not enforced, a call into it
 * would simply return. Not const, so it stays in .data. */
static uint8_t lab3_nx_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE), used)) =
	{ [0 ... PAGE_SIZE - 1] = 0xC3 };

static uint64_t text_address(uint64_t index, uint64_t room)
{
	uint64_t len = (uint64_t)(__text_end - __text_start);
	return (uint64_t)(uintptr_t)__text_start + seed_range(index, 0, len - room);
}

SCENARIO(write_unmapped, "write to a seed-chosen unmapped address: not-present, write")
{
	scenario_expect_stop(X86_TRAP_PF);
	uint64_t addr = seed_range(SEED_WRITE_UNMAPPED, UNMAPPED_LO, UNMAPPED_HI);
	kprintf("writing to unmapped 0x%016lx\n", (unsigned long)addr);
	__asm__ volatile(".global lab3_write_insn\n"
			 "lab3_write_insn: movb $0x2a, (%0)" : : "r"(addr) : "memory");
	kprintf("write worked\n");
}

SCENARIO(read_unmapped, "read from a seed-chosen unmapped address: not-present, read")
{
	scenario_expect_stop(X86_TRAP_PF);
	uint64_t addr = seed_range(SEED_READ_UNMAPPED, UNMAPPED_LO, UNMAPPED_HI);
	uint8_t v;
	kprintf("reading from unmapped 0x%016lx\n", (unsigned long)addr);
	__asm__ volatile(".global lab3_read_insn\n"
			 "lab3_read_insn: movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	kprintf("read worked: 0x%02x\n", v);
}

SCENARIO(read_code_page, "read 8 bytes of .text, then walk its page: present, read-only")
{
	uint64_t addr = text_address(SEED_TEXT_READ, 8);
	uint64_t v = *(volatile const uint64_t *)(uintptr_t)addr;
	kprintf("read 0x%016lx from .text at 0x%016lx: read worked\n", (unsigned long)v,
		(unsigned long)addr);
	pt_walk(addr);
}

SCENARIO(write_code_page, "write to a .text address: protection violation, write")
{
	scenario_expect_stop(X86_TRAP_PF);
	uint64_t addr = text_address(SEED_TEXT_WRITE, 1);
	/* Write back the byte already there: harmless even if WP were off. */
	uint8_t v = *(volatile const uint8_t *)(uintptr_t)addr;
	kprintf("writing 0x%02x back to .text at 0x%016lx\n", v, (unsigned long)addr);
	__asm__ volatile(".global lab3_code_write_insn\n"
			 "lab3_code_write_insn: movb %1, (%0)" : : "r"(addr), "q"(v) : "memory");
	kprintf("write worked\n");
}

SCENARIO(exec_nx_page, "call into a .data page: protection violation, instruction fetch")
{
	scenario_expect_stop(X86_TRAP_PF);
	uint64_t target = (uint64_t)(uintptr_t)lab3_nx_page + seed_range(SEED_NX_OFFSET, 0, PAGE_SIZE - 1);
	kprintf("calling 0x%016lx in lab3_nx_page (.data, NX)\n", (unsigned long)target);
	((void (*)(void))(uintptr_t)target)();
	kprintf("returned from .data: NX is not enforced\n");
}

/* MAXPHYADDR, from CPUID leaf 0x80000008: entry bits from it to 51 are reserved. */
static unsigned max_phys_bits(void)
{
	uint32_t r[4];
	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000008)
		return 36; /* the architectural default */
	cpuid(0x80000008, 0, r);
	return r[0] & 0xFF;
}

SCENARIO(reserved_bit, "read a scratch page whose PTE has bit 51 set: MALFORMED_TABLE")
{
	scenario_expect_stop(X86_TRAP_PF);
	uint64_t page = SCRATCH_BASE + seed_range(SEED_SCRATCH_PAGE, 0, 511) * PAGE_SIZE;
	uint64_t addr = page + seed_range(SEED_SCRATCH_OFFSET, 0, PAGE_SIZE - 1);
	uint64_t frame = frame_alloc();
	if (!frame || paging_map_page(page, frame, PTE_NX) != 0) {
		kprintf("reserved_bit: could not map the scratch page\n");
		return;
	}
	uint64_t *pte = paging_pte(page);
	*pte |= 1ULL << 51;
	invlpg(page); /* the entry changed: no old translation may survive */
	unsigned maxphy = max_phys_bits();
	kprintf("MAXPHYADDR is %u bits: entry bits %u-51 are reserved\n", maxphy, maxphy);
	kprintf("PTE of 0x%016lx = 0x%016lx (bit 51 set); reading 0x%016lx\n", (unsigned long)page,
		(unsigned long)*pte, (unsigned long)addr);
	uint8_t v;
	__asm__ volatile(".global lab3_rsvd_insn\n"
			 "lab3_rsvd_insn: movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	kprintf("read worked: 0x%02x\n", v);
}
