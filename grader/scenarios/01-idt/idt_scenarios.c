/* idt_scenarios.c - what the grader runs for lab 01 (grader/labs/lab1.py).
 *
 * Global labels inside the inline assembly ("lab1_...") give the grader the
 * exact addresses of the trapping instructions, read from the ELF with nm.
 */
#include <stdint.h>
#include "kprintf.h"
#include "regs_roundtrip.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "x86.h"

SCENARIO_DEMO(bp_demo, "int3, the breakpoint report, then carry on")
{
	kprintf("Hello from lab 01! Executing int3...\n");
	__asm__ volatile("int3");
	kprintf("It did not crash!\n");
}

SCENARIO(idt_loaded, "print IDTR (sidt)")
{
	struct x86_table_reg idtr = read_idtr();
	kprintf("IDTR: base=0x%016lx limit=0x%04x\n", (unsigned long)idtr.base, idtr.limit);
}

SCENARIO(gate_bits, "decode the raw gate for vector 3 as the CPU sees it")
{
	struct x86_table_reg idtr = read_idtr();
	if (idtr.limit < 4 * 16 - 1) {
		kprintf("IDTR limit 0x%x does not cover vector 3\n", idtr.limit);
		return;
	}
	const uint64_t *raw = (const uint64_t *)(uintptr_t)(idtr.base + 3 * 16);
	uint64_t lo = raw[0], hi = raw[1];
	uint64_t offset = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | (hi << 32);
	kprintf("gate 3 raw: 0x%016lx 0x%016lx\n", (unsigned long)lo, (unsigned long)hi);
	kprintf("gate 3: offset=0x%016lx selector=0x%04lx ist=%lu type=0x%lx dpl=%lu present=%lu\n",
		(unsigned long)offset, (unsigned long)((lo >> 16) & 0xFFFF),
		(unsigned long)((lo >> 32) & 0x7), (unsigned long)((lo >> 40) & 0xF),
		(unsigned long)((lo >> 45) & 0x3), (unsigned long)((lo >> 47) & 0x1));
	kprintf("CS: 0x%04x\n", read_cs());
}

SCENARIO(breakpoint, "int3 returns to the next instruction")
{
	__asm__ volatile("int3\n"
			 ".global lab1_bp_return\n"
			 "lab1_bp_return:" ::: "memory");
	kprintf("It did not crash!\n");
}

SCENARIO(breakpoint_registers, "all registers and flags survive int3")
{
	regs_check("int3", regs_roundtrip_int3);
}

SCENARIO(breakpoint_repeat, "int3 a seed-derived number of times")
{
	uint64_t n = seed_range(0, 200, 400);
	uint64_t i;
	for (i = 0; i < n; i++)
		__asm__ volatile("int3" ::: "memory");
	kprintf("int3 executed %lu times\n", (unsigned long)i);
}

/* Writes a pattern over `depth` KiB of stack: whatever lived in a dead
 * stack frame (an IDT built on the stack, say) is overwritten. */
static __attribute__((noinline)) uint64_t scribble(unsigned depth)
{
	volatile uint8_t buf[1024];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xA5 ^ i ^ depth);
	return depth ? scribble(depth - 1) + buf[depth % sizeof(buf)] : buf[7];
}

SCENARIO(idt_lifetime, "use 8 KiB of stack after idt_init, then int3")
{
	kprintf("stack scribble: 0x%lx\n", (unsigned long)scribble(8));
	__asm__ volatile("int3" ::: "memory");
	kprintf("It did not crash!\n");
}

SCENARIO(divide_error, "divide by zero: the #DE report, then a stop")
{
	scenario_expect_stop(X86_TRAP_DE);
	uint64_t zero = 0;
	__asm__ volatile("xor %%edx, %%edx\n"
			 "mov $1, %%eax\n"
			 ".global lab1_div_insn\n"
			 "lab1_div_insn: divq %0" : : "r"(zero) : "rax", "rdx");
	kprintf("divide by zero did not fault\n");
}

SCENARIO(invalid_opcode, "ud2: the #UD report, then a stop")
{
	scenario_expect_stop(X86_TRAP_UD);
	__asm__ volatile(".global lab1_ud2_insn\n"
			 "lab1_ud2_insn: ud2");
	kprintf("ud2 did not fault\n");
}
