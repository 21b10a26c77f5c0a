/**
 * @file trap.h
 * @brief Lab 02: NASM stubs, one C dispatcher, per-vector handlers.
 *
 * Every vector enters through isr_stub_N (trap_stubs.asm), which builds a
 * struct trap_frame and calls trap_dispatch. trap_dispatch calls the handler
 * registered for the vector; without one it prints the full report and
 * stops the kernel. Handlers may change the frame (rip, registers): iretq
 * resumes with what they leave there.
 */
#ifndef LAB02_TRAP_H
#define LAB02_TRAP_H

#include <stdint.h>
#include "trap_frame.h"

#define TRAP_VECTORS 256 /**< stubs exist for every vector */

/** @brief A handler for one vector. It runs with interrupts disabled. */
typedef void (*trap_handler)(struct trap_frame *tf);

/** @brief Stub addresses, indexed by vector (generated in trap_stubs.asm). */
extern const uint64_t isr_stub_table[TRAP_VECTORS];

/**
 * @brief Exercise 3: makes @p handler the one trap_dispatch calls for @p vector.
 * @param vector 0-255. @param handler the handler, or NULL for the default.
 */
void trap_register(unsigned vector, trap_handler handler);

/**
 * @brief Exercise 3: called by trap_common with the frame it built.
 * @param tf the trap frame (its address is 16-byte aligned + 8).
 */
void trap_dispatch(struct trap_frame *tf);

/**
 * @brief Prints the full report: header, error code if the vector has one,
 *        then everything trap_report_frame prints.
 * @param tf the trap frame.
 */
void trap_report(const struct trap_frame *tf);

/**
 * @brief Prints RIP/RSP lines, all general registers (three a line), CR2,
 *        CR3, CR4, and the call trace of the interrupted code.
 * @param tf the trap frame.
 */
void trap_report_frame(const struct trap_frame *tf);

#endif /* LAB02_TRAP_H */
