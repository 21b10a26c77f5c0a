/* frames_scenarios.c - what the grader runs for lab 02 (grader/labs/lab2.py). */
#include <stdbool.h>
#include <stdint.h>
#include "kprintf.h"
#include "panic.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "trap.h"
#include "x86.h"

SCENARIO_DEMO(frames_demo, "int3 and ud2 through the stubs: full reports, then carry on")
{
	kprintf("Hello from lab 02! int3 through the NASM stubs...\n");
	__asm__ volatile("int3" ::: "memory");
	kprintf("... and ud2, which the #UD handler skips:\n");
	__asm__ volatile("ud2" ::: "memory");
	kprintf("It did not crash!\n");
}

/* Bits 16-47 and 96-127 of a gate: everything but the handler address. */
static uint64_t gate_attrs(const uint64_t *raw)
{
	return (raw[0] & 0x0000FFFFFFFF0000ULL) | (raw[1] & 0xFFFFFFFF00000000ULL);
}

static void print_gate(unsigned v, const uint64_t *raw)
{
	uint64_t offset = (raw[0] & 0xFFFF) | ((raw[0] >> 32) & 0xFFFF0000) | (raw[1] << 32);
	kprintf("gate %u: offset=0x%016lx raw=0x%016lx 0x%016lx table=0x%016lx\n", v,
		(unsigned long)offset, (unsigned long)raw[0], (unsigned long)raw[1],
		(unsigned long)isr_stub_table[v]);
}

SCENARIO(stub_table, "print gates 0-31 next to the stub table, and gates 32-255 that differ")
{
	struct x86_table_reg idtr = read_idtr();
	const uint64_t *gate0 = (const uint64_t *)(uintptr_t)idtr.base;
	kprintf("CS: 0x%04x\n", read_cs());
	unsigned v, odd = 0;
	for (v = 0; v < TRAP_VECTORS && (v + 1) * 16 - 1 <= idtr.limit; v++) {
		const uint64_t *raw = (const uint64_t *)(uintptr_t)(idtr.base + v * 16);
		uint64_t offset = (raw[0] & 0xFFFF) | ((raw[0] >> 32) & 0xFFFF0000) | (raw[1] << 32);
		/* Past the exceptions, a line costs time: print only the gates
		 * that differ from gate 0 or from their isr_stub_table entry. */
		bool same = gate_attrs(raw) == gate_attrs(gate0) && offset == isr_stub_table[v];
		if (v < X86_NR_EXCEPTIONS || !same)
			print_gate(v, raw);
		odd += v >= X86_NR_EXCEPTIONS && !same;
	}
	kprintf("gates 32-%u: %u differ from gate 0 or from isr_stub_table\n", v - 1, odd);
}

SCENARIO(breakpoint_frame, "int3 through the stubs: full register report, then return")
{
	/* The trace of the int3's report must be this one, one line longer:
	 * it starts at the interrupted instruction (link_rip). */
	kprintf("the scenario's own call trace:\n");
	print_call_trace(read_rbp());
	__asm__ volatile("int3\n"
			 ".global lab2_bp_return\n"
			 "lab2_bp_return:" ::: "memory");
	kprintf("It did not crash!\n");
}

SCENARIO(fault_vs_trap, "#UD reports the ud2 itself, #BP the instruction after int3")
{
	__asm__ volatile(".global lab2_ud2_insn\n"
			 "lab2_ud2_insn: ud2" ::: "memory");
	__asm__ volatile("int3\n"
			 ".global lab2_int3_next\n"
			 "lab2_int3_next:" ::: "memory");
	kprintf("both returned\n");
}

SCENARIO(resume_after_ud2, "the #UD handler skips ud2, then stops the kernel at ud1")
{
	__asm__ volatile(".global lab2_resume_ud2\n"
			 "lab2_resume_ud2: ud2" ::: "memory");
	kprintf("resumed after ud2\n");
	/* Another invalid opcode: not the one to skip. ud1 eax, eax is 0F B9 C0;
	 * the C0 00 after it keeps a handler that skips two bytes of anything
	 * on track (rol al, 0), so that it gets here instead of crashing. */
	scenario_expect_stop(X86_TRAP_UD);
	kprintf("ud1: the #UD handler must stop the kernel\n");
	__asm__ volatile(".global lab2_ud1_insn\n"
			 "lab2_ud1_insn: .byte 0x0f, 0xb9, 0xc0, 0xc0, 0x00" ::: "rax", "memory");
	kprintf("the #UD handler resumed after ud1: only ud2 (0F 0B) may be skipped\n");
}

/* A selector whose index lies past the end of any GDT the labs build. */
static uint16_t bad_selector(void)
{
	return (uint16_t)(seed_range(0, 16, 1000) << 3);
}

SCENARIO(error_code_gp, "load a bad selector into FS: #GP with the selector as error code")
{
	scenario_expect_stop(X86_TRAP_GP);
	uint16_t sel = bad_selector();
	kprintf("loading selector 0x%04x into FS\n", sel);
	__asm__ volatile(".global lab2_gp_insn\n"
			 "lab2_gp_insn: mov %0, %%fs" : : "r"(sel));
	kprintf("the bad selector did not fault\n");
}

/* ---- the state C code is entered with ---- */

#define RFLAGS_DF (1ULL << 10) /* direction flag: string instructions count down */

static volatile uint64_t gp_resume_rip;

/* Runs SSE code on a 16-byte aligned stack local: movaps faults (#GP) if
 * the stack is not aligned as the ABI promised the compiler. Also reports
 * DF, which the ABI says is clear at every call: the scenario sets it
 * before each exception, as interrupted code may. */
static void aligned_check(const char *who, struct trap_frame *tf)
{
	uint64_t df = read_rflags() & RFLAGS_DF; /* first: before anything else runs */
	uint8_t local[16] __attribute__((aligned(16)));
	uint64_t frame = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	kprintf("%s: vector %lu, handler frame 0x%016lx, aligned=%d\n", who,
		(unsigned long)tf->vector, (unsigned long)frame, (frame & 15) == 0);
	kprintf("%s: DF=%d in the handler\n", who, df != 0);
	__asm__ volatile("xorps %%xmm0, %%xmm0\n"
			 "movaps %%xmm0, %0" : "=m"(local));
	kprintf("%s: movaps on a stack local: ok\n", who);
}

static void align_bp(struct trap_frame *tf)
{
	aligned_check("no error code", tf);
}

static void align_gp(struct trap_frame *tf)
{
	aligned_check("error code", tf);
	tf->rip = gp_resume_rip; /* skip the faulting mov */
}

SCENARIO(stack_aligned, "handlers for vectors with and without an error code: aligned stack, DF clear")
{
	uint64_t flags_bp, flags_gp;
	trap_register(X86_TRAP_BP, align_bp);
	trap_register(X86_TRAP_GP, align_gp);
	/* std: the interrupted code may run with DF set; iretq gives it back. */
	__asm__ volatile("std\n"
			 "int3\n"
			 "pushfq\n"
			 "pop %0\n"
			 "cld" : "=r"(flags_bp) : : "memory");
	uint16_t sel = bad_selector();
	__asm__ volatile("lea 1f(%%rip), %%rax\n"
			 "mov %%rax, %2\n"
			 "std\n"
			 "mov %1, %%fs\n"
			 "1: pushfq\n"
			 "pop %0\n"
			 "cld" : "=r"(flags_gp) : "r"(sel), "m"(gp_resume_rip) : "rax", "memory");
	kprintf("DF after return: %d and %d\n", (flags_bp & RFLAGS_DF) != 0, (flags_gp & RFLAGS_DF) != 0);
	kprintf("both handlers returned\n");
}

/* ---- nesting ---- */

static void outer_ud(struct trap_frame *tf)
{
	kprintf("outer #UD handler: int3 inside it\n");
	__asm__ volatile("int3" ::: "memory");
	kprintf("outer #UD handler: back from the inner int3\n");
	tf->rip += 2; /* skip the ud2 */
}

SCENARIO(nested_exception, "a #UD handler that runs int3: both return")
{
	trap_register(X86_TRAP_UD, outer_ud);
	__asm__ volatile("ud2" ::: "memory");
	kprintf("returned twice\n");
}
