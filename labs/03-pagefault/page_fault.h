/**
 * @file page_fault.h
 * @brief Lab 03: the #PF handler: resolve a fault by demand paging, or report it.
 *
 * Contents: the demand-paged region, the report of exercise 1 and the
 * resolver of exercise 3 (handout: docs/lab03-pagefault.md).
 *
 * The handler (registered for X86_TRAP_PF by lab 03's init function) reads
 * CR2, gives the fault to demand_page_in(), and returns if that mapped the
 * page: iretq then runs the faulting instruction again, and this time it
 * finds the page. Any other fault is reported and stops the kernel:
 *
 *     EXCEPTION: PAGE FAULT (#PF, vector 14)
 *     #PF: supervisor write access in kernel mode
 *     #PF: error_code(0x0002) - not-present page [CAUSED_BY_WRITE]
 *     CR2: 0x00000000deadbeaf
 *     RIP: ...     (then registers and call trace, as trap_report_frame prints)
 *
 * The demand region, [DEMAND_BASE, DEMAND_BASE + DEMAND_SIZE), is the only
 * memory that appears when touched. Nothing maps it at boot: it sits alone in
 * level-4 slot 128, far from the kernel image (slot 0) and the direct map
 * (slot 256). Pages it receives are zeroed, writable and not executable.
 */
#ifndef LAB03_PAGE_FAULT_H
#define LAB03_PAGE_FAULT_H

#include <stdint.h>
#include "paging.h"
#include "trap_frame.h"

#define DEMAND_BASE  0x0000400000000000ULL /**< first byte of the demand-paged region */
#define DEMAND_SIZE  (16ULL << 20)         /**< its size: 16 MiB, 4096 pages */
#define DEMAND_FLAGS (PTE_W | PTE_NX)      /**< what a demand page allows (PTE_P is added) */

/**
 * @brief Exercise 3: resolves a fault inside the demand region by mapping a
 *        fresh zeroed frame at the faulting page.
 * @param cr2 the faulting address. @param error the #PF error code.
 * @return the physical address of the frame now mapped there, or 0 when this
 *         fault is not one demand paging resolves (outside the region, a
 *         protection violation, no frame left).
 */
uint64_t demand_page_in(uint64_t cr2, uint64_t error);

/** @brief How many faults demand paging has resolved since boot. @return the count. */
unsigned demand_fault_count(void);

/**
 * @brief Exercise 1: prints the full #PF report (format above).
 * @param tf the trap frame. @param cr2 the faulting address, read from CR2.
 */
void page_fault_report(const struct trap_frame *tf, uint64_t cr2);

#endif /* LAB03_PAGE_FAULT_H */
