/* pt_walk.c - lab 03, exercise 2: CR3 and the 4-level walk (pt_walk.h).
 *
 * The arithmetic and pt_walk_resolve are pure (they read memory only through
 * pt_read_entry), so tests/unit/test_lab03_walk.c runs them on the host
 * against page tables it builds itself (-DPT_WALK_HOST_TEST). */
#include "paging.h"
#include "pt_walk.h"

uint64_t pt_level_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

bool pt_is_canonical(uint64_t vaddr)
{
	uint64_t top = vaddr >> 47; /* bits 63-47: all zeros or all ones */
	return top == 0 || top == 0x1FFFF;
}

unsigned pt_index(uint64_t vaddr, int level)
{
	// BEGIN SOLUTION
	// TODO(2): The 9 index bits of `vaddr` for `level` (see pt_walk.h):
	//          level 1 uses bits 20-12, level 2 bits 29-21, and so on.
	// STUB: return 0;
	return (unsigned)(vaddr >> (12 + 9 * (level - 1))) & 511;
	// END SOLUTION
}

uint64_t pt_leaf_phys(uint64_t entry, int level, uint64_t vaddr)
{
	// BEGIN SOLUTION
	// TODO(2): The frame is the entry's address bits (PTE_ADDR_MASK) with the
	//          low bits of a huge page cleared (in a 2 MiB or 1 GiB entry,
	//          bit 12 is PAT, not address); the offset is the part of vaddr
	//          inside the page (pt_level_size(level) - 1).
	// STUB: return 0;
	uint64_t size = pt_level_size(level);
	return (entry & PTE_ADDR_MASK & ~(size - 1)) | (vaddr & (size - 1));
	// END SOLUTION
}

void pt_walk_resolve(uint64_t root, uint64_t vaddr, struct pt_walk *w)
{
	*w = (struct pt_walk){ .vaddr = vaddr, .canonical = pt_is_canonical(vaddr) };
	if (!w->canonical)
		return;
	// BEGIN SOLUTION
	// TODO(2): Start with table = root at level 4. At each level, record in
	//          w->steps[level] the table, the index (pt_index) and the entry
	//          (pt_read_entry(table + 8 * index)), and set w->last_level.
	//          Stop when the entry is not present (PTE_P clear). It maps a
	//          page when level is 1, or when PTE_PS is set at level 2 or 3:
	//          then set mapped, page_size (pt_level_size) and phys
	//          (pt_leaf_phys) and stop. Otherwise go down one level, to the
	//          table whose physical address the entry holds.
	// STUB: w->last_level = PT_LEVEL_PML4;
	uint64_t table = root;
	for (int level = PT_LEVEL_PML4; level >= PT_LEVEL_PT; level--) {
		unsigned index = pt_index(vaddr, level);
		uint64_t entry = pt_read_entry(table + 8 * index);
		w->steps[level] = (struct pt_walk_step){ table, index, entry };
		w->last_level = level;
		if (!(entry & PTE_P))
			return;
		if (level == PT_LEVEL_PT || (level <= PT_LEVEL_PDPT && (entry & PTE_PS))) {
			w->mapped = true;
			w->page_size = pt_level_size(level);
			w->phys = pt_leaf_phys(entry, level, vaddr);
			return;
		}
		table = entry & PTE_ADDR_MASK;
	}
	// END SOLUTION
}

#ifndef PT_WALK_HOST_TEST
#include "kprintf.h"
#include "x86.h"

uint64_t pt_read_entry(uint64_t paddr)
{
	// BEGIN SOLUTION
	// TODO(2): Tables are named by physical address, but the CPU only takes
	//          virtual ones: read the entry through phys_to_virt(paddr).
	// STUB: return 0;
	return *(volatile const uint64_t *)phys_to_virt(paddr);
	// END SOLUTION
}

uint64_t pt_root(void)
{
	// BEGIN SOLUTION
	// TODO(2): CR3 (read_cr3) holds the level-4 table's physical address in
	//          bits 51-12; its low 12 bits are flags (PWT, PCD). Drop them.
	// STUB: return 0;
	return read_cr3() & PTE_ADDR_MASK;
	// END SOLUTION
}

void pt_print_root(void)
{
	kprintf("level-4 table at phys 0x%016lx (CR3 0x%016lx)\n",
		(unsigned long)pt_root(), (unsigned long)read_cr3());
}

static const char *const level_names[5] = { "", "PT", "PD", "PDPT", "PML4" };

/* The names of the set flag bits of an entry of @level, or "not present". */
static void print_flags(uint64_t entry, int level)
{
	static const struct { uint64_t bit; const char *name; } flags[] = {
		{ PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" },
		{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" },
		{ PTE_G, "G" }, { PTE_NX, "NX" },
	};
	if (!(entry & PTE_P)) {
		kprintf(" not present");
		return;
	}
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (entry & flags[i].bit) /* bit 7 of a PT entry is PAT, not PS */
			kprintf(" %s", flags[i].bit == PTE_PS && level == PT_LEVEL_PT ? "PAT" : flags[i].name);
}

void pt_walk(uint64_t vaddr)
{
	struct pt_walk w;
	pt_walk_resolve(pt_root(), vaddr, &w);
	kprintf("walk 0x%016lx\n", (unsigned long)vaddr);
	if (!w.canonical) {
		kprintf("  => not canonical: an access raises #GP, not #PF\n");
		return;
	}
	for (int level = PT_LEVEL_PML4; level >= w.last_level && level >= PT_LEVEL_PT; level--) {
		const struct pt_walk_step *s = &w.steps[level];
		kprintf("  %-4s 0x%016lx[%3u] = 0x%016lx", level_names[level],
			(unsigned long)s->table, s->index, (unsigned long)s->entry);
		print_flags(s->entry, level);
		kprintf("\n");
	}
	if (w.mapped)
		kprintf("  => phys 0x%016lx (%s page)\n", (unsigned long)w.phys,
			w.page_size == PAGE_SIZE ? "4 KiB" : w.page_size == (2ULL << 20) ? "2 MiB" : "1 GiB");
	else
		kprintf("  => not mapped: the walk stops at the %s\n",
			level_names[w.last_level >= PT_LEVEL_PT ? w.last_level : PT_LEVEL_PML4]);
}
#endif /* PT_WALK_HOST_TEST */
