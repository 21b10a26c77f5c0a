/**
 * @file x86_exceptions.h
 * @brief The architectural exception vectors, written once.
 *
 * Every fact about vectors 0-31 that some part of the kit needs (its
 * number, its mnemonic, the name a report prints, whether the CPU pushes
 * an error code) comes from the one table below:
 *
 *   - C: report.h turns it into the X86_TRAP_* constants, report.c into the
 *     report names and exception_has_error_code();
 *   - NASM: x86_exceptions.offsets.c has the compiler turn it into
 *     X86_ERROR_CODE_MASK in the generated x86_exceptions.inc;
 *   - Python: the grader and the GDB helpers read this file
 *     (grader/lib/kgrade/facts.py), so they cannot drift from the kernel.
 *
 * Vectors missing from the table (15, 22-27, 31) are reserved.
 */
#ifndef X86_EXCEPTIONS_H
#define X86_EXCEPTIONS_H

/**
 * @brief X(vector, id, name, error code?) for each exception: the mnemonic
 *        is "#" id; `error code?` is 1 when the CPU pushes one (Intel SDM
 *        vol. 3, "Exception and Interrupt Reference").
 */
#define X86_EXCEPTIONS(X) \
	X(0,  DE,  "DIVIDE ERROR",                0) \
	X(1,  DB,  "DEBUG",                       0) \
	X(2,  NMI, "NON-MASKABLE INTERRUPT",      0) \
	X(3,  BP,  "BREAKPOINT",                  0) \
	X(4,  OF,  "OVERFLOW",                    0) \
	X(5,  BR,  "BOUND RANGE EXCEEDED",        0) \
	X(6,  UD,  "INVALID OPCODE",              0) \
	X(7,  NM,  "DEVICE NOT AVAILABLE",        0) \
	X(8,  DF,  "DOUBLE FAULT",                1) \
	X(9,  CSO, "COPROCESSOR SEGMENT OVERRUN", 0) \
	X(10, TS,  "INVALID TSS",                 1) \
	X(11, NP,  "SEGMENT NOT PRESENT",         1) \
	X(12, SS,  "STACK-SEGMENT FAULT",         1) \
	X(13, GP,  "GENERAL PROTECTION FAULT",    1) \
	X(14, PF,  "PAGE FAULT",                  1) \
	X(16, MF,  "X87 FLOATING-POINT ERROR",    0) \
	X(17, AC,  "ALIGNMENT CHECK",             1) \
	X(18, MC,  "MACHINE CHECK",               0) \
	X(19, XM,  "SIMD FLOATING-POINT ERROR",   0) \
	X(20, VE,  "VIRTUALIZATION EXCEPTION",    0) \
	X(21, CP,  "CONTROL PROTECTION",          1) \
	X(28, HV,  "HYPERVISOR INJECTION",        0) \
	X(29, VC,  "VMM COMMUNICATION",           1) \
	X(30, SX,  "SECURITY EXCEPTION",          1)

#define X86_NR_EXCEPTIONS 32 /**< vectors 0-31 are reserved for exceptions */

#define X86_TRAP_ENUM_(vector, id, name, err) X86_TRAP_##id = vector,
/** @brief X86_TRAP_DE (0) ... X86_TRAP_SX (30), one per line of the table. */
enum x86_trap { X86_EXCEPTIONS(X86_TRAP_ENUM_) };
#undef X86_TRAP_ENUM_

#define X86_ERROR_CODE_BIT_(vector, id, name, err) | ((unsigned long long)(err) << (vector))
/** @brief Bit v set when the CPU pushes an error code for vector v. */
#define X86_ERROR_CODE_MASK (0 X86_EXCEPTIONS(X86_ERROR_CODE_BIT_))

#endif /* X86_EXCEPTIONS_H */
