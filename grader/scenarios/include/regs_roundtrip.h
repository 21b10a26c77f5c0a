/**
 * @file regs_roundtrip.h
 * @brief Scenario helper: load every general register and the arithmetic
 *        flags with known values, take a trap, and store what came back.
 *
 * Index order of the arrays: RAX RBX RCX RDX RSI RDI RBP R8 ... R15, then
 * RFLAGS (16 values). Only CF, PF, AF, ZF, SF and OF are set from the input
 * flags; the others would change how the handler itself runs.
 */
#ifndef REGS_ROUNDTRIP_H
#define REGS_ROUNDTRIP_H

#include <stdint.h>

#define REGS_COUNT 16           /**< 15 general registers (no RSP) and RFLAGS */
#define REGS_FLAGS_MASK 0x8D5ULL /**< CF PF AF ZF SF OF */
#define SEED_REGS 100           /**< the registers' values are seed values SEED_REGS to SEED_REGS + REGS_COUNT - 1 */

/** @brief Names in array order, for printing. */
extern const char *const regs_names[REGS_COUNT];

/**
 * @brief Loads @p in, executes `int3` (at the global label regs_int3_insn),
 *        stores the registers into @p out. @param in values to load. @param out values found after.
 */
void regs_roundtrip_int3(const uint64_t in[REGS_COUNT], uint64_t out[REGS_COUNT]);

/**
 * @brief As regs_roundtrip_int3 with `ud2` (label regs_ud2_insn): needs a #UD
 *        handler that resumes after the two-byte instruction.
 * @param in values to load. @param out values found after.
 */
void regs_roundtrip_ud2(const uint64_t in[REGS_COUNT], uint64_t out[REGS_COUNT]);

/**
 * @brief Fills @p in from the run's seed (values 100-115) and prints
 *        "after <what>: REG=0x..." for each register after the round trip.
 * @param what "int3" or "ud2". @param trip the round-trip function.
 */
void regs_check(const char *what, void (*trip)(const uint64_t *, uint64_t *));

#endif /* REGS_ROUNDTRIP_H */
