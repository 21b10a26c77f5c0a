/* frames_scenarios.c - what the grader runs for lab 02 (grader/labs/lab2.py). */
#include <stdint.h>
#include "kprintf.h"
#include "regs_roundtrip.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "trap.h"
#include "x86.h"

void lab2_soft_int(unsigned vector);

SCENARIO_DEMO(frames_demo, "int3 and ud2 through the stubs: full reports, then carry on")
{
	kprintf("Hello from lab 02! int3 through the NASM stubs...\n");
	__asm__ volatile("int3" ::: "memory");
	kprintf("... and ud2, which the #UD handler skips:\n");
	__asm__ volatile("ud2" ::: "memory");
	kprintf("It did not crash!\n");
}

SCENARIO(stub_table, "print gates 0-31 next to the stub table")
{
	struct x86_table_reg idtr = read_idtr();
	for (unsigned v = 0; v < X86_NR_EXCEPTIONS && (v + 1) * 16 - 1 <= idtr.limit; v++) {
		const uint64_t *raw = (const uint64_t *)(uintptr_t)(idtr.base + v * 16);
		uint64_t offset = (raw[0] & 0xFFFF) | ((raw[0] >> 32) & 0xFFFF0000) | (raw[1] << 32);
		kprintf("gate %u: offset=0x%016lx present=%lu table=0x%016lx\n", v,
			(unsigned long)offset, (unsigned long)((raw[0] >> 47) & 1),
			(unsigned long)isr_stub_table[v]);
	}
}

SCENARIO(breakpoint_frame, "int3 through the stubs: full register report, then return")
{
	__asm__ volatile("int3\n"
			 ".global lab2_bp_return\n"
			 "lab2_bp_return:" ::: "memory");
	kprintf("It did not crash!\n");
}

SCENARIO(registers_preserved, "all registers and flags survive int3 and a resumed ud2")
{
	regs_check("int3", regs_roundtrip_int3);
	regs_check("ud2", regs_roundtrip_ud2);
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

SCENARIO(resume_after_ud2, "the #UD handler skips ud2 and the kernel goes on")
{
	__asm__ volatile(".global lab2_resume_ud2\n"
			 "lab2_resume_ud2: ud2" ::: "memory");
	kprintf("resumed after ud2\n");
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

/* ---- stack alignment ---- */

static volatile uint64_t gp_resume_rip;

/* Runs SSE code on a 16-byte aligned stack local: movaps faults (#GP) if
 * the stack is not aligned as the ABI promised the compiler. */
static void aligned_check(const char *who, struct trap_frame *tf)
{
	uint8_t local[16] __attribute__((aligned(16)));
	uint64_t frame = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	kprintf("%s: vector %lu, handler frame 0x%016lx, aligned=%d\n", who,
		(unsigned long)tf->vector, (unsigned long)frame, (frame & 15) == 0);
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

SCENARIO(stack_aligned, "handlers for vectors with and without an error code get an aligned stack")
{
	trap_register(X86_TRAP_BP, align_bp);
	trap_register(X86_TRAP_GP, align_gp);
	__asm__ volatile("int3" ::: "memory");
	uint16_t sel = bad_selector();
	__asm__ volatile("lea 1f(%%rip), %%rax\n"
			 "mov %%rax, %1\n"
			 "mov %0, %%fs\n"
			 "1:" : : "r"(sel), "m"(gp_resume_rip) : "rax", "memory");
	kprintf("both handlers returned\n");
}

/* ---- software interrupts ---- */

static void soft_handler(struct trap_frame *tf)
{
	kprintf("dispatcher got vector %lu\n", (unsigned long)tf->vector);
}

SCENARIO(software_vectors, "int N for seed-chosen N in 32-255 reaches the dispatcher")
{
	for (unsigned i = 0; i < 4; i++) {
		unsigned v = (unsigned)seed_range(10 + i, 32, 255);
		trap_register(v, soft_handler);
		kprintf("int %u\n", v);
		lab2_soft_int(v);
	}
	kprintf("all software interrupts returned\n");
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
