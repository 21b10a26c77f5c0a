/**
 * @file trap_frame.h
 * @brief Lab 02: the trap frame, the one record of an interrupted context.
 *
 * The CPU, the stub and trap_common each push part of it; fields are listed
 * from the lowest address up, in blocks headed by who pushed them, with the
 * byte offset of each field on the left. The NASM side never hard-codes
 * these numbers: trap_frame.offsets.c has the compiler compute them into
 * trap_frame.inc (TF_RBP, TF_RIP, ...), and the asserts below fail the
 * build if the layout drifts from the numbers written here.
 *
 *     higher addresses
 *     +------------------+ <- RSP before the exception, aligned down to 16 by the CPU
 *     | ss               | 176   pushed by the CPU
 *     | rsp              | 168
 *     | rflags           | 160
 *     | cs               | 152
 *     | rip              | 144
 *     +------------------+
 *     | error_code       | 136   by the CPU (8, 10-14, 17, 21, 29, 30), else a 0 from the stub
 *     | vector           | 128   pushed by the stub
 *     +------------------+
 *     | rax ... r15      | 120 ... 16   pushed by trap_common
 *     | link_rip         |   8   a copy of rip  } a fake call frame: RBP points
 *     | rbp              |   0   interrupted RBP } here, so backtraces go on
 *     +------------------+ <- RSP = RBP = the struct trap_frame * passed to C
 *     lower addresses
 *
 * 23 slots of 8 bytes = 184 bytes: 8 more than a multiple of 16, so RSP is
 * 8 bytes off the 16-byte alignment the System V ABI requires at a call.
 */
#ifndef LAB02_TRAP_FRAME_H
#define LAB02_TRAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/** @brief The saved state of interrupted code; see the diagram above. */
struct trap_frame {
	/* pushed last by trap_common: a fake call frame */
	/*   0 */ uint64_t rbp;        /**< interrupted RBP; RBP points at this field */
	/*   8 */ uint64_t link_rip;   /**< copy of rip, the fake frame's return address */
	/* general registers, pushed by trap_common */
	/*  16 */ uint64_t r15;        /**< r15 */
	/*  24 */ uint64_t r14;        /**< r14 */
	/*  32 */ uint64_t r13;        /**< r13 */
	/*  40 */ uint64_t r12;        /**< r12 */
	/*  48 */ uint64_t r11;        /**< r11 */
	/*  56 */ uint64_t r10;        /**< r10 */
	/*  64 */ uint64_t r9;         /**< r9 */
	/*  72 */ uint64_t r8;         /**< r8 */
	/*  80 */ uint64_t rdi;        /**< rdi */
	/*  88 */ uint64_t rsi;        /**< rsi */
	/*  96 */ uint64_t rdx;        /**< rdx */
	/* 104 */ uint64_t rcx;        /**< rcx */
	/* 112 */ uint64_t rbx;        /**< rbx */
	/* 120 */ uint64_t rax;        /**< rax */
	/* pushed by the stub */
	/* 128 */ uint64_t vector;     /**< which vector: 0-255 */
	/* 136 */ uint64_t error_code; /**< the CPU's error code, or the stub's dummy 0 */
	/* pushed by the CPU, read back by iretq */
	/* 144 */ uint64_t rip;        /**< where iretq resumes */
	/* 152 */ uint64_t cs;         /**< interrupted code segment */
	/* 160 */ uint64_t rflags;     /**< interrupted flags */
	/* 168 */ uint64_t rsp;        /**< interrupted stack pointer */
	/* 176 */ uint64_t ss;         /**< interrupted stack segment */
};

_Static_assert(offsetof(struct trap_frame, rbp) == 0, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, link_rip) == 8, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, r15) == 16, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, rax) == 120, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, vector) == 128, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, error_code) == 136, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, rip) == 144, "trap_frame layout");
_Static_assert(offsetof(struct trap_frame, ss) == 176, "trap_frame layout");
_Static_assert(sizeof(struct trap_frame) == 184, "trap_frame layout");

#endif /* LAB02_TRAP_FRAME_H */
