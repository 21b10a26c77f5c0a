/* double_fault_scenarios.c - what the grader runs for lab 04
 * (grader/labs/lab4.py).
 *
 * The checks read the machine, not the lab's variables: sgdt, str, the
 * descriptor and TSS the CPU would use. The grader compares what they print
 * with the ELF's symbols; global labels mark the faulting instructions.
 */
#include <stdint.h>
#include "gdt.h"
#include "idt.h"
#include "kprintf.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "stack.h"
#include "trap_frame.h"
#include "x86.h"

/* Reads 8-byte slot `slot` of the live GDT, or returns false past its limit. */
static bool gdt_slot(struct x86_table_reg gdtr, unsigned slot, uint64_t *out)
{
	if ((slot + 1) * 8 - 1 > gdtr.limit)
		return false;
	*out = ((const uint64_t *)(uintptr_t)gdtr.base)[slot];
	return true;
}

static uint64_t desc_base(uint64_t d)
{
	return ((d >> 16) & 0xFFFFFF) | ((d >> 56) << 24);
}

static uint64_t desc_limit(uint64_t d)
{
	return (d & 0xFFFF) | (((d >> 48) & 0xF) << 16);
}

/* One decoded descriptor line, read by the grader. */
static void print_desc(const char *what, unsigned sel, uint64_t d)
{
	kprintf("%s 0x%02x: raw=0x%016lx base=0x%lx limit=0x%lx access=0x%02lx flags=0x%lx\n",
		what, sel, (unsigned long)d, (unsigned long)desc_base(d),
		(unsigned long)desc_limit(d), (unsigned long)((d >> 40) & 0xFF),
		(unsigned long)((d >> 52) & 0xF));
}

/* Never reached: it only tells the compiler the recursion could end. */
static volatile uint64_t overflow_stop = ~0ULL;

/* Recurses with frames of about 128 bytes until the stack runs out. The
 * work after the call keeps the compiler from turning it into a loop. */
static __attribute__((noinline)) uint64_t overflow_recurse(uint64_t depth)
{
	volatile uint64_t frame[12];
	if (depth == overflow_stop)
		return 0;
	for (unsigned i = 0; i < 12; i++)
		frame[i] = depth + i;
	return overflow_recurse(depth + 1) + frame[depth % 12];
}

SCENARIO_DEMO(overflow_demo, "overflow the kernel stack: #DF on the IST stack, report, [ok]")
{
	scenario_expect_stop(X86_TRAP_DF);
	kprintf("Hello from lab 04! Recursing until the kernel stack runs out...\n");
	kprintf("result: %lu\n", (unsigned long)overflow_recurse(0));
}

SCENARIO(stack_overflow, "unbounded recursion into the guard page: #DF on IST 1")
{
	scenario_expect_stop(X86_TRAP_DF);
	const struct stack_region *r = stack_find(read_rsp());
	if (r)
		kprintf("running on %s: guard page 0x%016lx, stack 0x%016lx-0x%016lx\n", r->name,
			(unsigned long)r->guard, (unsigned long)r->bottom, (unsigned long)r->top);
	kprintf("result: %lu\n", (unsigned long)overflow_recurse(0));
}

/* A seed-derived address nothing maps: 4 GiB to 512 GiB, 8-byte aligned. */
static uint64_t unmapped_address(void)
{
	return (seed_range(0, 1ULL << 20, (1ULL << 27) - 1) << 12) | (seed_range(1, 0, 511) << 3);
}

SCENARIO(missing_handler, "#PF gate not present, then a write to an unmapped address: #DF")
{
	scenario_expect_stop(X86_TRAP_DF);
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)unmapped_address();
	/* A not-present gate turns the #PF into #NP; a #PF followed by a
	 * contributory fault is a double fault. */
	idt_table[X86_TRAP_PF].type_attr &= (uint8_t)~IDT_PRESENT;
	kprintf("#PF gate cleared; writing to 0x%016lx\n", (unsigned long)(uintptr_t)p);
	__asm__ volatile(".global lab4_write_insn\n"
			 "lab4_write_insn: movq %1, %0" : "=m"(*p) : "r"(0x4c414234ULL));
	kprintf("the write did not fault\n");
}

/* A segment register x86.h has no reader for. */
#define READ_SEG(reg) ({ uint16_t v_; __asm__ volatile("mov %%" #reg ", %0" : "=r"(v_)); v_; })

SCENARIO(gdt_loaded, "sgdt, the segment registers, and our code/data descriptors")
{
	struct x86_table_reg gdtr = read_gdtr();
	kprintf("GDTR: base=0x%016lx limit=0x%04x\n", (unsigned long)gdtr.base, gdtr.limit);
	kprintf("CS: 0x%04x DS: 0x%04x SS: 0x%04x\n", read_cs(), read_ds(), read_ss());
	kprintf("ES: 0x%04x FS: 0x%04x GS: 0x%04x\n", READ_SEG(es), READ_SEG(fs), READ_SEG(gs));
	for (unsigned sel = 0x00; sel <= 0x10; sel += 8) {
		uint64_t d;
		if (!gdt_slot(gdtr, sel / 8, &d)) {
			kprintf("GDT slot 0x%02x is past the limit\n", sel);
			continue;
		}
		print_desc("GDT", sel, d);
	}
}

/* The TSS descriptor at TR: false (and a line saying why) if there is none. */
static bool tss_descriptor(uint16_t tr, uint64_t *low, uint64_t *high)
{
	struct x86_table_reg gdtr = read_gdtr();
	if ((tr & ~7) == 0) {
		kprintf("TR: 0x%04x: no TSS loaded\n", tr);
		return false;
	}
	if (!gdt_slot(gdtr, tr / 8, low) || !gdt_slot(gdtr, tr / 8 + 1, high)) {
		kprintf("TR: 0x%04x: its descriptor is past the GDT limit 0x%04x\n", tr, gdtr.limit);
		return false;
	}
	return true;
}

SCENARIO(tss_loaded, "str, and the TSS descriptor it selects")
{
	uint16_t tr = read_tr();
	uint64_t low, high;
	kprintf("TR: 0x%04x\n", tr);
	if (!tss_descriptor(tr, &low, &high))
		return;
	print_desc("TSS", tr, low);
	kprintf("TSS 0x%02x: base=0x%016lx high=0x%016lx\n", tr,
		(unsigned long)(desc_base(low) | (high << 32)), (unsigned long)high);
}

SCENARIO(ist_set, "IST 1 of the live TSS, and gate 8")
{
	uint16_t tr = read_tr();
	uint64_t low, high;
	const struct idt_gate *g = &idt_table[X86_TRAP_DF];
	uint64_t offset = g->offset_low | ((uint64_t)g->offset_mid << 16) | ((uint64_t)g->offset_high << 32);
	kprintf("gate 8: offset=0x%016lx selector=0x%04x ist=%u present=%u\n", (unsigned long)offset,
		g->selector, g->ist & 7, (g->type_attr & IDT_PRESENT) ? 1 : 0);
	if (!tss_descriptor(tr, &low, &high))
		return;
	/* Through the descriptor, as the CPU finds it: not through a variable. */
	const uint8_t *tss = (const uint8_t *)(uintptr_t)(desc_base(low) | (high << 32));
	for (unsigned n = 1; n <= 7; n++)
		kprintf("IST%u: 0x%016lx\n", n, (unsigned long)*(const uint64_t *)(tss + 0x1c + 8 * n));
	kprintf("IOMAP base: 0x%04x\n", *(const uint16_t *)(tss + 0x66));
	kprintf("reserved: 0x%08x 0x%016lx 0x%016lx 0x%04x\n", *(const uint32_t *)tss,
		(unsigned long)*(const uint64_t *)(tss + 0x1c), (unsigned long)*(const uint64_t *)(tss + 0x5c),
		*(const uint16_t *)(tss + 0x64));
	/* A real #DF always has error code 0; this frame's is not, so a report
	 * that prints a constant shows. The handler stops the run. */
	struct trap_frame tf = {
		.rbp = read_rbp(), .vector = X86_TRAP_DF, .error_code = seed_value(10) | 1,
		.rip = (uint64_t)(uintptr_t)scenario_ist_set, .cs = read_cs(), .rflags = 0x2,
		.rsp = read_rsp(), .ss = read_ss(),
	};
	tf.link_rip = tf.rip;
	kprintf("a #DF frame with error code 0x%lx\n", (unsigned long)tf.error_code);
	scenario_expect_stop(X86_TRAP_DF);
	exc_double_fault(&tf);
}

SCENARIO(breakpoint_after_gdt, "int3 after the GDT/TSS switch reports and returns")
{
	kprintf("CS: 0x%04x TR: 0x%04x\n", read_cs(), read_tr());
	__asm__ volatile("int3\n"
			 ".global lab4_bp_return\n"
			 "lab4_bp_return:" ::: "memory");
	kprintf("It did not crash!\n");
}
