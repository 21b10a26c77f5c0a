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

/* X86_TRAP_DE ... X86_TRAP_SX and X86_NR_EXCEPTIONS: the vector table. */
#include "x86_exceptions.h"

/** @brief Upper-case name of a vector ("PAGE FAULT"), "INTERRUPT" from 32 on. @param vector 0-255. @return the name. */
const char *exception_name(unsigned vector);

/** @brief Mnemonic of a vector ("#PF"); "#INT" from 32 on, "#RES" for reserved. @param vector 0-255. @return the mnemonic. */
const char *exception_mnemonic(unsigned vector);

/** @brief Does the CPU push an error code for this vector? @param vector 0-255. @return true where x86_exceptions.h says so (8, 10-14, 17, 21, 29, 30). */
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
