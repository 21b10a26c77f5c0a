/* walk_built.c - lab 03's walk over page tables the scenario builds itself
 * (grader/labs/lab3.py builds the same tables from the seed and walks them).
 *
 * The kernel's own tables never have a 1 GiB page, NX or ignored bits in an
 * upper-level entry, or a huge page whose PAT bit or bits above it are set.
 * These do: one tree of four fresh frames (PML4 -> PDPT -> PD -> PT) with a
 * leaf of every size, a not-present entry full of garbage at every level,
 * and seed-chosen flag, ignored and reserved bits everywhere. CR3 never
 * points at it: only pt_walk_resolve (and pt_index, pt_leaf_phys on their
 * own) read it.
 *
 * Seed indices: [600]-[611] slots and indices, [620]-[634] entry bits,
 * [640]-[647] the low bits of the addresses walked, [650]-[653] pt_index
 * inputs, [660]-[677] pt_leaf_phys inputs.
 */
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "pt_walk.h"
#include "registry.h"
#include "seed.h"
#include "scenario_facts.h"


/* A table entry: NX and one ignored bit (52-62) always set. */
static uint64_t upper(uint64_t table, uint64_t index)
{
	uint64_t r = seed_value(index);
	return table | PTE_P | (r & UPPER_BITS) | PTE_NX | 1ULL << (52 + r % 11);
}

static uint64_t slot_after(uint64_t base, uint64_t index)
{
	return (base + seed_range(index, 1, 170)) % 512;
}

static uint64_t va_of(uint64_t l4, uint64_t l3, uint64_t l2, uint64_t l1, uint64_t low)
{
	uint64_t va = l4 << 39 | l3 << 30 | l2 << 21 | l1 << 12 | low;
	return l4 >= 256 ? va | 0xFFFF000000000000ULL : va; /* canonical */
}

SCENARIO(walk_built, "walk tables built from seed-chosen entries: 1 GiB, 2 MiB, 4 KiB, not present")
{
	uint64_t root = frame_alloc(), pdpt = frame_alloc(), pd = frame_alloc(), pt = frame_alloc();
	if (!pt) {
		kprintf("walk_built: no free frames\n");
		return;
	}
	uint64_t *t4 = phys_to_virt(root), *t3 = phys_to_virt(pdpt), *t2 = phys_to_virt(pd), *t1 = phys_to_virt(pt);
	uint64_t s4 = seed_range(SEED_BUILT_SLOT, 0, 511), s4np = slot_after(s4, SEED_BUILT_SLOT + 1);
	uint64_t s3 = seed_range(SEED_BUILT_SLOT + 2, 0, 511), s3pd = slot_after(s3, SEED_BUILT_SLOT + 3), s3np = slot_after(s3pd, SEED_BUILT_SLOT + 4);
	uint64_t s2 = seed_range(SEED_BUILT_SLOT + 5, 0, 511), s2pt = slot_after(s2, SEED_BUILT_SLOT + 6), s2np = slot_after(s2pt, SEED_BUILT_SLOT + 7);
	uint64_t s1 = seed_range(SEED_BUILT_SLOT + 8, 0, 511), s1b = slot_after(s1, SEED_BUILT_SLOT + 9), s1np = slot_after(s1b, SEED_BUILT_SLOT + 10);
	uint64_t r;

	t4[s4] = upper(pdpt, SEED_BUILT_ENTRY);
	t4[s4np] = seed_value(SEED_BUILT_ENTRY + 1) & ~PTE_P;
	r = seed_value(SEED_BUILT_ENTRY + 2);
	t3[s3] = (seed_value(SEED_BUILT_ENTRY + 3) & FRAME1G) | (r & LEAF1G_BITS) | PTE_P | PTE_PS | 1ULL << 12 | 1ULL << (13 + r % 17);
	t3[s3pd] = upper(pd, SEED_BUILT_ENTRY + 4);
	t3[s3np] = (seed_value(SEED_BUILT_ENTRY + 5) & ~PTE_P) | PTE_PS; /* P decides, not PS */
	r = seed_value(SEED_BUILT_ENTRY + 6);
	t2[s2] = (seed_value(SEED_BUILT_ENTRY + 7) & FRAME2M) | (r & LEAF2M_BITS) | PTE_P | PTE_PS | 1ULL << 12 | 1ULL << (13 + r % 8);
	t2[s2pt] = upper(pt, SEED_BUILT_ENTRY + 8);
	t2[s2np] = (seed_value(SEED_BUILT_ENTRY + 9) & ~PTE_P) | PTE_PS;
	t1[s1] = (seed_value(SEED_BUILT_ENTRY + 11) & PTE_ADDR_MASK) | (seed_value(SEED_BUILT_ENTRY + 10) & LEAF4K_BITS) | PTE_P | PTE_NX;
	t1[s1b] = (seed_value(SEED_BUILT_ENTRY + 13) & PTE_ADDR_MASK) | (seed_value(SEED_BUILT_ENTRY + 12) & LEAF4K_BITS) | PTE_P;
	t1[s1np] = seed_value(SEED_BUILT_ENTRY + 14) & ~PTE_P;
	kprintf("built tables: PML4 0x%lx PDPT 0x%lx PD 0x%lx PT 0x%lx\n", (unsigned long)root,
		(unsigned long)pdpt, (unsigned long)pd, (unsigned long)pt);

	const uint64_t va[WALKS] = {
		va_of(s4, s3, 0, 0, seed_value(SEED_BUILT_LOW) & 0x3FFFFFFF),         /* 1 GiB page */
		va_of(s4, s3pd, s2, 0, seed_value(SEED_BUILT_LOW + 1) & 0x1FFFFF),        /* 2 MiB page */
		va_of(s4, s3pd, s2pt, s1, seed_value(SEED_BUILT_LOW + 2) & 0xFFF),        /* 4 KiB page */
		va_of(s4, s3pd, s2pt, s1b, seed_value(SEED_BUILT_LOW + 3) & 0xFFF),       /* 4 KiB page */
		va_of(s4np, 0, 0, 0, seed_value(SEED_BUILT_LOW + 4) & 0x7FFFFFFFFFULL),   /* not present: PML4 */
		va_of(s4, s3np, 0, 0, seed_value(SEED_BUILT_LOW + 5) & 0x3FFFFFFF),       /* ... PDPT */
		va_of(s4, s3pd, s2np, 0, seed_value(SEED_BUILT_LOW + 6) & 0x1FFFFF),      /* ... PD */
		va_of(s4, s3pd, s2pt, s1np, seed_value(SEED_BUILT_LOW + 7) & 0xFFF),      /* ... PT */
	};
	for (unsigned i = 0; i < WALKS; i++) {
		struct pt_walk w;
		kprintf("built walk %u: 0x%016lx\n", i, (unsigned long)va[i]);
		pt_walk_resolve(root, va[i], &w);
		kprintf("  last=%d mapped=%d size=0x%lx phys=0x%lx\n", w.last_level, w.mapped ? 1 : 0,
			(unsigned long)(w.mapped ? w.page_size : 0), (unsigned long)(w.mapped ? w.phys : 0));
		for (int level = PT_LEVEL_PML4; level >= w.last_level && level >= PT_LEVEL_PT; level--)
			kprintf("  L%d table=0x%lx index=%u entry=0x%016lx\n", level, (unsigned long)w.steps[level].table,
				w.steps[level].index, (unsigned long)w.steps[level].entry);
	}
	for (unsigned i = 0; i < INDEX_CASES; i++) {
		uint64_t v = seed_value(SEED_BUILT_INDEX + i);
		kprintf("pt_index 0x%016lx: %u %u %u %u\n", (unsigned long)v, pt_index(v, 4), pt_index(v, 3),
			pt_index(v, 2), pt_index(v, 1));
	}
	for (unsigned i = 0; i < LEAF_CASES; i++) {
		uint64_t entry = seed_value(SEED_BUILT_LEAF + 3 * i), v = seed_value(SEED_BUILT_LEAF + 1 + 3 * i);
		int level = 1 + (int)(i % 3);
		kprintf("pt_leaf_phys 0x%016lx L%d 0x%016lx: 0x%016lx\n", (unsigned long)entry, level,
			(unsigned long)v, (unsigned long)pt_leaf_phys(entry, level, v));
	}
}
