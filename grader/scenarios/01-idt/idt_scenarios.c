/* idt_scenarios.c - what the grader runs for lab 01 (grader/labs/lab1.py).
 *
 * Global labels inside the inline assembly ("lab1_...") give the grader the
 * exact addresses of the trapping instructions, read from the ELF with nm.
 */
#include <stdbool.h>
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "regs_roundtrip.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "x86.h"

#define IDT_PROBE_VECTOR 0x81 /* unused by every lab's tests */

/* What the CPU pushes for an interrupt without error code (as lab 01's
 * struct interrupt_frame, declared here so the probe does not rely on it). */
struct interrupt_frame_probe {
	uint64_t rip, cs, rflags, rsp, ss;
};

SCENARIO_DEMO(bp_demo, "int3, the breakpoint report, then carry on")
{
	kprintf("Hello from lab 01! Executing int3...\n");
	__asm__ volatile("int3");
	kprintf("It did not crash!\n");
}

/* A probe handler the scenario installs itself, so that the witness below
 * does not depend on the student's handlers or gate encoder. */
__attribute__((interrupt)) static void idt_probe_handler(struct interrupt_frame_probe *frame)
{
	(void)frame;
	kprintf("probe vector 0x%x delivered\n", IDT_PROBE_VECTOR);
}

SCENARIO(idt_loaded, "print IDTR (sidt), then take an interrupt through it")
{
	struct x86_table_reg idtr = read_idtr();
	kprintf("IDTR: base=0x%016lx limit=0x%04x\n", (unsigned long)idtr.base, idtr.limit);
	/* QEMU logs IDTR with every delivery: an `int` through a gate of our
	 * own making shows the grader which table the CPU really uses. */
	if (idtr.limit < (IDT_PROBE_VECTOR + 1) * 16 - 1)
		return;
	uint64_t h = (uint64_t)(uintptr_t)idt_probe_handler;
	uint64_t *gate = (uint64_t *)(uintptr_t)(idtr.base + IDT_PROBE_VECTOR * 16);
	gate[0] = (h & 0xFFFF) | ((uint64_t)read_cs() << 16) | (0x8EULL << 40) |
		  ((h >> 16 & 0xFFFF) << 48);
	gate[1] = h >> 32;
	__asm__ volatile("int %0" : : "i"(IDT_PROBE_VECTOR) : "memory");
}

/* Prints gate @v raw and decoded; false if IDTR does not reach a mapped gate. */
static bool print_gate(struct x86_table_reg idtr, unsigned v)
{
	if (idtr.limit < (v + 1) * 16 - 1) {
		kprintf("IDTR limit 0x%x does not cover vector %u\n", idtr.limit, v);
		return false;
	}
	uint64_t *pte = paging_pte(idtr.base + v * 16);
	if (!pte || !(*pte & PTE_P)) {
		kprintf("IDTR points at 0x%lx, which is not mapped: no IDT of yours is loaded (exercise 2)\n",
			(unsigned long)idtr.base);
		return false;
	}
	const uint64_t *raw = (const uint64_t *)(uintptr_t)(idtr.base + v * 16);
	uint64_t lo = raw[0], hi = raw[1];
	uint64_t offset = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | (hi << 32);
	kprintf("gate %u raw: 0x%016lx 0x%016lx\n", v, (unsigned long)lo, (unsigned long)hi);
	kprintf("gate %u: offset=0x%016lx selector=0x%04lx ist=%lu type=0x%lx dpl=%lu present=%lu\n",
		v, (unsigned long)offset, (unsigned long)((lo >> 16) & 0xFFFF),
		(unsigned long)((lo >> 32) & 0x7), (unsigned long)((lo >> 40) & 0xF),
		(unsigned long)((lo >> 45) & 0x3), (unsigned long)((lo >> 47) & 0x1));
	if (!((lo >> 47) & 1))
		kprintf("gate %u is not present: idt_init installs it (exercises 3, 4), after idt_load (exercise 2)\n", v);
	return true;
}

SCENARIO(gate_bits, "decode the raw gates for vectors 0, 3 and 6 as the CPU sees them")
{
	static const unsigned vectors[] = { X86_TRAP_DE, X86_TRAP_BP, X86_TRAP_UD };
	struct x86_table_reg idtr = read_idtr();
	for (unsigned i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		if (!print_gate(idtr, vectors[i]))
			return;
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
