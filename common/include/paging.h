/**
 * @file paging.h
 * @brief The kernel's final page tables and the small helpers around them.
 *
 * Contents: entry flags, the memory map the core builds, frame allocation,
 * mapping one page, and reaching physical memory through the direct map.
 *
 * What is mapped (nothing else is):
 *   - the kernel image, identity-mapped with 4 KiB pages and its real
 *     permissions: .text R+X, .rodata R+NX, .data/.bss R+W+NX;
 *   - the VGA text buffer at 0xb8000, R+W+NX;
 *   - the direct map: physical [0, 1 GiB) at PHYS_MAP_BASE with 2 MiB pages,
 *     R+W+NX, so page tables can be read by physical address;
 *   - not the guard page of any GUARDED_STACK.
 */
#ifndef PAGING_H
#define PAGING_H

#include <stdint.h>
#include <stdbool.h>
#include "stack.h"

#define PTE_P   (1ULL << 0)  /**< present */
#define PTE_W   (1ULL << 1)  /**< writable */
#define PTE_U   (1ULL << 2)  /**< user accessible */
#define PTE_PWT (1ULL << 3)  /**< write-through */
#define PTE_PCD (1ULL << 4)  /**< cache disabled */
#define PTE_A   (1ULL << 5)  /**< accessed (set by the CPU) */
#define PTE_D   (1ULL << 6)  /**< dirty (set by the CPU, last level only) */
#define PTE_PS  (1ULL << 7)  /**< page size: 1 GiB in a PDPTE, 2 MiB in a PDE */
#define PTE_G   (1ULL << 8)  /**< global */
#define PTE_NX  (1ULL << 63) /**< no-execute (needs EFER.NXE) */

#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL /**< physical address bits of an entry */

#define PHYS_MAP_BASE 0xFFFF800000000000ULL /**< where physical address 0 appears */
#define PHYS_MAP_SIZE (1ULL << 30)          /**< how much of physical memory is there */

#define VGA_TEXT_BUFFER 0xB8000ULL /**< physical = virtual address of the VGA text screen */

#define FRAME_POOL_FRAMES 128 /**< frames frame_alloc() can hand out in total */

/**
 * @brief X(first symbol, end symbol, PTE flags) for each part of the kernel
 *        image paging_init maps with 4 KiB pages (PTE_P is added). The
 *        grader's model of the tables (grader/labs/lab3.py) reads this
 *        table too, so the two cannot drift.
 */
#define KERNEL_MAP(X) \
	X(__text_start,   __text_end,   0)               /* code: read-only, executable */ \
	X(__rodata_start, __rodata_end, PTE_NX)          /* read-only data */ \
	X(__data_start,   __bss_end,    PTE_W | PTE_NX)  /* data and bss */ \
	X(__ksyms_start,  __kernel_end, PTE_NX)          /* the embedded symbol table */

#define VGA_FLAGS      (PTE_W | PTE_NX)                 /**< the VGA page's flags (PTE_P is added) */
#define PHYS_MAP_FLAGS (PTE_P | PTE_W | PTE_PS | PTE_NX) /**< each 2 MiB page of the direct map */

/** @brief Builds the final page tables described above and loads CR3. */
void paging_init(void);

/** @brief Physical address of the current level-4 table (CR3 without its flag bits). @return the address. */
uint64_t paging_root(void);

/**
 * @brief A pointer through which physical memory at @p paddr can be read.
 * @param paddr physical address below PHYS_MAP_SIZE. @return its virtual address.
 */
void *phys_to_virt(uint64_t paddr);

/**
 * @brief Takes one zeroed 4 KiB frame from the kernel's fixed pool.
 * @return its physical address, or 0 when the pool is empty.
 */
uint64_t frame_alloc(void);

/** @brief How many frames frame_alloc() can still hand out. @return the count. */
unsigned frame_free_count(void);

/**
 * @brief Maps the 4 KiB page at @p vaddr to @p paddr, creating missing tables.
 *        Does not flush the TLB: a caller replacing a present entry must invlpg.
 * @param vaddr page-aligned virtual address. @param paddr page-aligned physical address.
 * @param flags PTE_* bits for the last level (PTE_P is added).
 * @return 0, or -1 if a table could not be allocated or a huge page is in the way.
 */
int paging_map_page(uint64_t vaddr, uint64_t paddr, uint64_t flags);

/**
 * @brief The last-level entry that maps @p vaddr (4 KiB pages only).
 * @param vaddr any virtual address.
 * @return a pointer to the entry, or NULL if a table on the way is missing or a huge page maps it.
 */
uint64_t *paging_pte(uint64_t vaddr);

/**
 * @brief The entry of any level on the way to @p vaddr (paging_pte is level 1).
 * @param vaddr any virtual address. @param level 4 (PML4) down to 1 (PT).
 * @return a pointer to the entry, or NULL if a table above it is missing or a huge page maps it.
 */
uint64_t *paging_entry(uint64_t vaddr, int level);

#endif /* PAGING_H */
