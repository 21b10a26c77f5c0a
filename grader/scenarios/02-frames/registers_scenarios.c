/* registers_scenarios.c - registers through trap_common
 * (grader/labs/lab2.py: registers_preserved).
 *
 * Rounds 1 and 2: the registers survive an int3 and a resumed ud2. Round 3
 * asks two things those cannot see: does each trap_frame field hold its own
 * register (pushes that mirror the pops, in an order trap_frame.h does not
 * have, restore fine), and does iretq resume with what a handler writes
 * into the frame (the callee-saved registers survive C anyway, so popping
 * them from the frame is easy to leave out)?
 */
#include <stdint.h>
#include "kprintf.h"
#include "regs_roundtrip.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "trap.h"

#define SEED_REWRITE 120 /* seed indices of the values the handler writes: 120-135 */

/* The frame's slots in regs_roundtrip.h's order (RFLAGS apart). */
static uint64_t *frame_slot(struct trap_frame *tf, int i)
{
	uint64_t *slots[REGS_COUNT - 1] = {
		&tf->rax, &tf->rbx, &tf->rcx, &tf->rdx, &tf->rsi, &tf->rdi, &tf->rbp, &tf->r8,
		&tf->r9, &tf->r10, &tf->r11, &tf->r12, &tf->r13, &tf->r14, &tf->r15,
	};
	return slots[i];
}

/* Prints the frame as the int3 left it, then overwrites every register. */
static void rewrite_registers(struct trap_frame *tf)
{
	for (int i = 0; i < REGS_COUNT - 1; i++)
		kprintf("in frame: %s=0x%016lx\n", regs_names[i], (unsigned long)*frame_slot(tf, i));
	kprintf("in frame: RFLAGS=0x%016lx\n", (unsigned long)(tf->rflags & REGS_FLAGS_MASK));
	for (int i = 0; i < REGS_COUNT - 1; i++)
		*frame_slot(tf, i) = seed_value(SEED_REWRITE + i);
	tf->rflags = (tf->rflags & ~REGS_FLAGS_MASK) |
		     (seed_value(SEED_REWRITE + REGS_COUNT - 1) & REGS_FLAGS_MASK);
}

SCENARIO(registers_preserved, "registers survive int3 and ud2; the frame holds them, and a handler's changes stick")
{
	regs_check("int3", regs_roundtrip_int3);
	regs_check("ud2", regs_roundtrip_ud2);
	uint64_t in[REGS_COUNT], out[REGS_COUNT];
	for (int i = 0; i < REGS_COUNT; i++)
		in[i] = seed_value(100 + i);
	trap_register(X86_TRAP_BP, rewrite_registers);
	regs_roundtrip_int3(in, out);
	for (int i = 0; i < REGS_COUNT; i++)
		kprintf("after rewrite: %s=0x%016lx\n", regs_names[i], (unsigned long)out[i]);
}
