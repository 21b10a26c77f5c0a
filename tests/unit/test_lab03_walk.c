// LAB_SOURCES: 03-pagefault/pt_walk.c
// CFLAGS: -DPT_WALK_HOST_TEST
/* test_lab03_walk.c - lab 03's walk arithmetic and pt_walk_resolve, run on
 * page tables this file builds in a fake physical memory. */
#include <criterion/criterion.h>
#include <string.h>
#include "paging.h"
#include "pt_walk.h"

#define MEM_BASE   0x200000ULL /* "physical" address of frame 0 */
#define MEM_FRAMES 16

static uint64_t mem[MEM_FRAMES][512];
static unsigned frames_used, reads;

/* The walk reads physical memory only through this. */
uint64_t pt_read_entry(uint64_t paddr)
{
	cr_assert(paddr % 8 == 0, "unaligned entry read at 0x%lx", (unsigned long)paddr);
	cr_assert(paddr >= MEM_BASE && paddr < MEM_BASE + sizeof(mem),
		  "read of 0x%lx outside the page tables: a leaf followed as a table?", (unsigned long)paddr);
	reads++;
	uint64_t off = paddr - MEM_BASE;
	return mem[off / PAGE_SIZE][off % PAGE_SIZE / 8];
}

static uint64_t new_table(void)
{
	cr_assert_lt(frames_used, MEM_FRAMES);
	return MEM_BASE + PAGE_SIZE * frames_used++;
}

static uint64_t *slot(uint64_t table, unsigned index)
{
	return &mem[(table - MEM_BASE) / PAGE_SIZE][index];
}

/* Maps @va with a leaf at @level holding @leaf; tables on the way are made. */
static void map(uint64_t root, uint64_t va, int level, uint64_t leaf)
{
	uint64_t t = root;
	for (int l = 4; l > level; l--) {
		unsigned idx = (va >> (12 + 9 * (l - 1))) & 511;
		if (!(*slot(t, idx) & PTE_P))
			*slot(t, idx) = new_table() | PTE_P | PTE_W;
		t = *slot(t, idx) & PTE_ADDR_MASK;
	}
	*slot(t, (va >> (12 + 9 * (level - 1))) & 511) = leaf;
}

static uint64_t root;

static void fresh(void)
{
	memset(mem, 0, sizeof(mem));
	frames_used = reads = 0;
	root = new_table();
}

static uint64_t va_of(unsigned l4, unsigned l3, unsigned l2, unsigned l1, unsigned off)
{
	uint64_t va = (uint64_t)l4 << 39 | (uint64_t)l3 << 30 | (uint64_t)l2 << 21 | (uint64_t)l1 << 12 | off;
	return l4 >= 256 ? va | 0xFFFF000000000000ULL : va; /* sign-extend bit 47 */
}

Test(walk_math, indices)
{
	uint64_t va = va_of(256, 7, 9, 52, 0x568);
	cr_expect_eq(pt_index(va, PT_LEVEL_PML4), 256);
	cr_expect_eq(pt_index(va, PT_LEVEL_PDPT), 7);
	cr_expect_eq(pt_index(va, PT_LEVEL_PD), 9);
	cr_expect_eq(pt_index(va, PT_LEVEL_PT), 52);
	cr_expect_eq(pt_index(0x00000000deadbeafULL, PT_LEVEL_PDPT), 3);
	cr_expect_eq(pt_index(0xFFFFFFFFFFFFFFFFULL, PT_LEVEL_PML4), 511);
	cr_expect_eq(pt_index(0xFFFFFFFFFFFFFFFFULL, PT_LEVEL_PT), 511);
}

Test(walk_math, sizes_and_canonical)
{
	cr_expect_eq(pt_level_size(1), 4096);
	cr_expect_eq(pt_level_size(2), 2ULL << 20);
	cr_expect_eq(pt_level_size(3), 1ULL << 30);
	cr_expect_eq(pt_level_size(4), 512ULL << 30);
	cr_expect(pt_is_canonical(0x00007FFFFFFFFFFFULL));
	cr_expect(pt_is_canonical(0xFFFF800000000000ULL));
	cr_expect_not(pt_is_canonical(0x0000800000000000ULL));
	cr_expect_not(pt_is_canonical(0xFFFF7FFFFFFFFFFFULL));
	cr_expect_not(pt_is_canonical(0x00000000deadbeafULL | (1ULL << 60)));
}

Test(walk_math, leaf_phys)
{
	/* 4 KiB: frame + 12-bit offset; NX and flags are not address. */
	cr_expect_eq(pt_leaf_phys(PTE_NX | 0x123456000ULL | PTE_P | PTE_W, 1, 0x7ff0000abcULL), 0x123456abcULL);
	/* 2 MiB: bit 12 is PAT, not address; 21-bit offset. */
	cr_expect_eq(pt_leaf_phys(0x40200000ULL | (1ULL << 12) | PTE_PS | PTE_P, 2, 0x1fedcbaULL), 0x403edcbaULL);
	/* 1 GiB: 30-bit offset. */
	cr_expect_eq(pt_leaf_phys(0x80000000ULL | PTE_PS | PTE_P, 3, 0x7fff12345678ULL), 0x92345678ULL);
}

Test(walk, four_kib_page)
{
	fresh();
	uint64_t va = va_of(0, 0, 0, 259, 0x1a8);
	map(root, va, 1, 0x103000 | PTE_P);
	struct pt_walk w;
	pt_walk_resolve(root, va, &w);
	cr_assert(w.canonical && w.mapped);
	cr_expect_eq(w.last_level, PT_LEVEL_PT);
	cr_expect_eq(w.page_size, 4096);
	cr_expect_eq(w.phys, 0x1031a8);
	cr_expect_eq(reads, 4);
	cr_expect_eq(w.steps[4].table, root);
	for (int l = 4; l >= 1; l--) {
		cr_expect_eq(w.steps[l].index, pt_index(va, l), "level %d index", l);
		cr_expect_eq(w.steps[l].entry, *slot(w.steps[l].table, w.steps[l].index), "level %d entry", l);
		if (l > 1)
			cr_expect_eq(w.steps[l - 1].table, w.steps[l].entry & PTE_ADDR_MASK, "level %d table", l - 1);
	}
}

Test(walk, two_mib_page_ends_at_the_pd)
{
	fresh();
	uint64_t va = va_of(256, 0, 9, 52, 0x568);
	map(root, va, 2, 0x1200000 | PTE_PS | PTE_P | PTE_W | PTE_NX);
	struct pt_walk w;
	pt_walk_resolve(root, va, &w);
	cr_assert(w.mapped, "a PD entry with PS maps a 2 MiB page");
	cr_expect_eq(w.last_level, PT_LEVEL_PD);
	cr_expect_eq(w.page_size, 2ULL << 20);
	cr_expect_eq(w.phys, 0x1234568);
	cr_expect_eq(reads, 3, "nothing may be read below a 2 MiB leaf");
}

Test(walk, one_gib_page_ends_at_the_pdpt)
{
	fresh();
	uint64_t va = va_of(3, 5, 17, 300, 0x42);
	map(root, va, 3, 0xC0000000ULL | PTE_PS | PTE_P);
	struct pt_walk w;
	pt_walk_resolve(root, va, &w);
	cr_assert(w.mapped);
	cr_expect_eq(w.last_level, PT_LEVEL_PDPT);
	cr_expect_eq(w.page_size, 1ULL << 30);
	cr_expect_eq(w.phys, 0xC0000000ULL + ((uint64_t)17 << 21) + (300 << 12) + 0x42);
	cr_expect_eq(reads, 2);
}

Test(walk, stops_at_each_level)
{
	fresh();
	map(root, va_of(0, 0, 0, 1, 0), 1, 0x5000 | PTE_P); /* PML4[0], PDPT[0], PD[0] exist */
	struct { uint64_t va; int level; } cases[] = {
		{ va_of(1, 0, 0, 0, 0), PT_LEVEL_PML4 },
		{ va_of(0, 3, 0, 0, 0), PT_LEVEL_PDPT },
		{ va_of(0, 0, 64, 0, 0), PT_LEVEL_PD },
		{ va_of(0, 0, 0, 2, 0x10), PT_LEVEL_PT },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pt_walk w;
		reads = 0;
		pt_walk_resolve(root, cases[i].va, &w);
		cr_expect_not(w.mapped, "0x%lx must not be mapped", (unsigned long)cases[i].va);
		cr_expect_eq(w.last_level, cases[i].level, "0x%lx stops at level %d, not %d",
			     (unsigned long)cases[i].va, cases[i].level, w.last_level);
		cr_expect_eq(reads, (unsigned)(5 - cases[i].level));
		cr_expect_eq(w.steps[cases[i].level].entry & PTE_P, 0);
	}
}

Test(walk, non_canonical_reads_nothing)
{
	fresh();
	struct pt_walk w;
	pt_walk_resolve(root, 0x0000800000000000ULL, &w);
	cr_expect_not(w.canonical);
	cr_expect_not(w.mapped);
	cr_expect_eq(reads, 0);
}
