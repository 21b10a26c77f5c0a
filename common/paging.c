/* paging.c - the final page tables (see paging.h for what is mapped). */
#include <stddef.h>
#include "paging.h"
#include "panic.h"
#include "x86.h"

/* Linker-script symbols: section boundaries, all page aligned. */
#define DECLARE_BOUNDS_(start, end, flags) extern char start[], end[];
KERNEL_MAP(DECLARE_BOUNDS_)
#undef DECLARE_BOUNDS_

static uint8_t frame_pool[FRAME_POOL_FRAMES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned frames_used;

/* Before paging_init switches tables, memory is reached by identity. */
static uint64_t phys_offset;

void *phys_to_virt(uint64_t paddr)
{
	return (void *)(uintptr_t)(paddr + phys_offset);
}

uint64_t paging_root(void)
{
	return read_cr3() & PTE_ADDR_MASK;
}

uint64_t frame_alloc(void)
{
	if (frames_used == FRAME_POOL_FRAMES)
		return 0;
	/* The pool is in .bss, identity mapped: its address is physical. */
	uint8_t *frame = frame_pool[frames_used++];
	for (size_t i = 0; i < PAGE_SIZE; i++)
		frame[i] = 0;
	return (uint64_t)(uintptr_t)frame;
}

unsigned frame_free_count(void)
{
	return FRAME_POOL_FRAMES - frames_used;
}

/* Index of @vaddr in the table of @level (4 = PML4 ... 1 = PT). */
static unsigned table_index(uint64_t vaddr, int level)
{
	return (vaddr >> (12 + 9 * (level - 1))) & 511;
}

/* The entry of @level that maps @vaddr below @root; with @create, missing
 * tables on the way are allocated. NULL if absent or under a huge page. */
static uint64_t *entry_at(uint64_t root, uint64_t vaddr, int level, bool create)
{
	uint64_t *table = phys_to_virt(root);
	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[table_index(vaddr, l)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t frame = frame_alloc();
			if (!frame)
				return NULL;
			/* Upper levels allow everything; the last level decides. */
			*e = frame | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return &table[table_index(vaddr, level)];
}

int paging_map_page(uint64_t vaddr, uint64_t paddr, uint64_t flags)
{
	uint64_t *pte = entry_at(paging_root(), vaddr, 1, true);
	if (!pte)
		return -1;
	*pte = (paddr & PTE_ADDR_MASK) | flags | PTE_P;
	return 0;
}

uint64_t *paging_pte(uint64_t vaddr)
{
	return paging_entry(vaddr, 1);
}

uint64_t *paging_entry(uint64_t vaddr, int level)
{
	return entry_at(paging_root(), vaddr, level, false);
}

static void map_range(uint64_t root, uintptr_t start, uintptr_t end, uint64_t flags)
{
	for (uintptr_t va = start & ~(uintptr_t)(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
		if (stack_is_guard(va))
			continue; /* the whole point of a guard page */
		uint64_t *pte = entry_at(root, va, 1, true);
		if (!pte)
			panic("paging: out of frames mapping 0x%lx", (unsigned long)va);
		*pte = va | flags | PTE_P;
	}
}

void paging_init(void)
{
	uint64_t root = frame_alloc();

#define MAP_PART_(start, end, flags) map_range(root, (uintptr_t)start, (uintptr_t)end, flags);
	KERNEL_MAP(MAP_PART_)
#undef MAP_PART_
	map_range(root, VGA_TEXT_BUFFER, VGA_TEXT_BUFFER + PAGE_SIZE, VGA_FLAGS);

	/* The direct map: 2 MiB pages, so one PD covers the whole GiB. */
	for (uint64_t pa = 0; pa < PHYS_MAP_SIZE; pa += 2ULL << 20) {
		uint64_t *pde = entry_at(root, PHYS_MAP_BASE + pa, 2, true);
		if (!pde)
			panic("paging: out of frames for the direct map");
		*pde = pa | PHYS_MAP_FLAGS;
	}

	write_cr3(root);
	phys_offset = PHYS_MAP_BASE;
}
