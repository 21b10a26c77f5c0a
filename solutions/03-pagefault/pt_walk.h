/**
 * @file pt_walk.h
 * @brief Lab 03: CR3 and a walk of the 4-level page tables by hand.
 *
 * Contents: the address arithmetic of the walk (pure functions), the walk
 * itself (exercise 2), and the printing around it. Handout:
 * docs/lab03-pagefault.md, figure docs/figures/lab03-walk.dot.
 *
 * A 48-bit virtual address is cut into five pieces:
 *
 *     bits 63-48  copies of bit 47 (a "canonical" address), else #GP
 *     bits 47-39  index into the level-4 table   (PML4, level 4)
 *     bits 38-30  index into a page-directory-pointer table (PDPT, level 3)
 *     bits 29-21  index into a page directory     (PD, level 2)
 *     bits 20-12  index into a page table         (PT, level 1)
 *     bits 11-0   offset inside the 4 KiB page
 *
 * A PDPT entry with PS set maps a 1 GiB page and a PD entry with PS set a
 * 2 MiB page: the walk ends there and the remaining index bits join the
 * offset. Every table holds 512 entries of 8 bytes and is found by its
 * *physical* address, which the kernel reaches through phys_to_virt().
 */
#ifndef LAB03_PT_WALK_H
#define LAB03_PT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define PT_LEVEL_PT   1 /**< page table: its entries map 4 KiB pages */
#define PT_LEVEL_PD   2 /**< page directory: entries point to a PT or map 2 MiB */
#define PT_LEVEL_PDPT 3 /**< page-directory-pointer table: a PD or 1 GiB */
#define PT_LEVEL_PML4 4 /**< the level-4 table CR3 points to */

/** @brief One entry the walk read. */
struct pt_walk_step {
	uint64_t table;  /**< physical address of the table */
	unsigned index;  /**< which of its 512 entries */
	uint64_t entry;  /**< the entry's value */
};

/** @brief Everything a walk found out about one virtual address. */
struct pt_walk {
	uint64_t vaddr;     /**< the address walked */
	bool canonical;     /**< false: no walk, an access raises #GP */
	/** Indexed by level (PT_LEVEL_PML4 ... PT_LEVEL_PT), like the hardware
	 *  names them; steps[0] is unused. Valid from level 4 down to last_level. */
	struct pt_walk_step steps[5];
	int last_level;     /**< the level of the last entry read: the leaf, or where it stopped */
	bool mapped;        /**< the last entry read maps a page */
	uint64_t page_size; /**< 4 KiB, 2 MiB or 1 GiB, when mapped */
	uint64_t phys;      /**< the physical address vaddr translates to, when mapped */
};

/**
 * @brief Exercise 2: the index of @p vaddr in the table of @p level.
 * @param vaddr virtual address. @param level PT_LEVEL_PT (1) to PT_LEVEL_PML4 (4).
 * @return 0-511.
 */
unsigned pt_index(uint64_t vaddr, int level);

/**
 * @brief Bytes one entry of @p level covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB.
 * @param level 1-4. @return the size.
 */
uint64_t pt_level_size(int level);

/**
 * @brief Is @p vaddr canonical (bits 63-48 all equal to bit 47)?
 * @param vaddr virtual address. @return true if so.
 */
bool pt_is_canonical(uint64_t vaddr);

/**
 * @brief Exercise 2: the physical address a leaf entry of @p level gives
 *        @p vaddr: the page's frame plus the offset of @p vaddr inside it.
 * @param entry the leaf entry (PT entry, or PD/PDPT entry with PS).
 * @param level its level (1, 2 or 3). @param vaddr the virtual address.
 * @return the physical address.
 */
uint64_t pt_leaf_phys(uint64_t entry, int level, uint64_t vaddr);

/**
 * @brief Exercise 2: reads the 8-byte entry at physical address @p paddr.
 *        In the kernel through phys_to_virt(); the unit tests supply their own.
 * @param paddr physical address of the entry. @return its value.
 */
uint64_t pt_read_entry(uint64_t paddr);

/**
 * @brief Exercise 2: follows the tables from @p root for @p vaddr, recording
 *        every entry read, until a leaf or a not-present entry.
 * @param root physical address of the level-4 table.
 * @param vaddr the address to translate. @param w receives the result.
 */
void pt_walk_resolve(uint64_t root, uint64_t vaddr, struct pt_walk *w);

/**
 * @brief Exercise 2: the physical address of the current level-4 table,
 *        read from CR3 (whose low 12 bits are flags, not address).
 * @return the address.
 */
uint64_t pt_root(void);

/** @brief Prints "level-4 table at phys 0x... (CR3 0x...)". */
void pt_print_root(void);

/**
 * @brief Walks @p vaddr from the current CR3 and prints each level's table,
 *        index, entry and flags, then the physical address or where the walk
 *        stopped (format: docs/lab03-pagefault.md).
 * @param vaddr the address to walk.
 */
void pt_walk(uint64_t vaddr);

#endif /* LAB03_PT_WALK_H */
