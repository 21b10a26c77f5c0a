/**
 * @file report.h
 * @brief The pieces of an exception report, in the one documented format.
 *
 * Every handler in every lab prints its report with these functions, so that
 * people and the grader read one format (docs/report-format.md):
 *
 *     EXCEPTION: PAGE FAULT (#PF, vector 14)
 *     #PF: error_code(0x0002) - not-present page [CAUSED_BY_WRITE]
 *     RIP: 0018:0x0000000000102a31 <scenario_write_unmapped+0x11>
 *     RSP: 0020:0x0000000000117f28 EFLAGS: 0x00000046
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdint.h>

#define X86_TRAP_DE  0  /**< divide error */
#define X86_TRAP_DB  1  /**< debug */
#define X86_TRAP_NMI 2  /**< non-maskable interrupt */
#define X86_TRAP_BP  3  /**< breakpoint (int3) */
#define X86_TRAP_OF  4  /**< overflow (into) */
#define X86_TRAP_BR  5  /**< bound range exceeded */
#define X86_TRAP_UD  6  /**< invalid opcode */
#define X86_TRAP_NM  7  /**< device not available */
#define X86_TRAP_DF  8  /**< double fault */
#define X86_TRAP_TS  10 /**< invalid TSS */
#define X86_TRAP_NP  11 /**< segment not present */
#define X86_TRAP_SS  12 /**< stack-segment fault */
#define X86_TRAP_GP  13 /**< general protection */
#define X86_TRAP_PF  14 /**< page fault */
#define X86_TRAP_MF  16 /**< x87 floating-point error */
#define X86_TRAP_AC  17 /**< alignment check */
#define X86_TRAP_MC  18 /**< machine check */
#define X86_TRAP_XM  19 /**< SIMD floating-point */
#define X86_TRAP_VE  20 /**< virtualization exception */
#define X86_TRAP_CP  21 /**< control protection */
#define X86_NR_EXCEPTIONS 32 /**< vectors 0-31 are reserved for exceptions */

/** @brief Upper-case name of a vector ("PAGE FAULT"), "INTERRUPT" from 32 on. @param vector 0-255. @return the name. */
const char *exception_name(unsigned vector);

/** @brief Mnemonic of a vector ("#PF"); "#INT" from 32 on, "#RES" for reserved. @param vector 0-255. @return the mnemonic. */
const char *exception_mnemonic(unsigned vector);

/** @brief Does the CPU push an error code for this vector? @param vector 0-255. @return true for 8, 10-14, 17, 21, 29, 30. */
bool exception_has_error_code(unsigned vector);

/** @brief Prints "EXCEPTION: NAME (#MN, vector N)". @param vector the vector. */
void report_header(unsigned vector);

/** @brief Prints "#MN: error_code(0x....)" (no decoding). @param vector the vector. @param error_code the code. */
void report_error_code(unsigned vector, uint64_t error_code);

/**
 * @brief Prints the two lines read from the interrupt stack frame:
 *        "RIP: cs:rip <symbol>" and "RSP: ss:rsp EFLAGS: rflags".
 * @param rip saved instruction pointer. @param cs saved code segment.
 * @param rflags saved flags. @param rsp saved stack pointer. @param ss saved stack segment.
 */
void report_iret_frame(uint64_t rip, uint64_t cs, uint64_t rflags, uint64_t rsp, uint64_t ss);

#endif /* REPORT_H */
