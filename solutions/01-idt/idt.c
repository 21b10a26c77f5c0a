/* idt.c - lab 01, exercises 1 and 2: encode gates, load the table. */
#include "idt.h"
#include "x86.h"

/* In .bss: zeroed, so every gate starts "not present", and it lives for as
 * long as the kernel does. The CPU keeps only its address (in IDTR). */
struct idt_gate idt_table[IDT_ENTRIES];

struct idt_gate idt_gate_make(uint64_t handler, uint16_t selector, uint8_t ist,
			      uint8_t type, uint8_t dpl)
{
	struct idt_gate gate = { 0 };
	// BEGIN SOLUTION
	// TODO(1): Fill in every field of `gate`. The handler address is split in
	//          three: bits 0-15, 16-31 and 32-63. Only the low 3 bits of `ist`
	//          count. type_attr holds the type, the DPL (shifted by
	//          IDT_DPL_SHIFT) and IDT_PRESENT. Leave `reserved` zero.
	gate.offset_low = (uint16_t)(handler & 0xFFFF);
	gate.selector = selector;
	gate.ist = ist & 0x7;
	gate.type_attr = (uint8_t)(IDT_PRESENT | ((dpl & 0x3) << IDT_DPL_SHIFT) | (type & 0xF));
	gate.offset_mid = (uint16_t)((handler >> 16) & 0xFFFF);
	gate.offset_high = (uint32_t)(handler >> 32);
	// END SOLUTION
	return gate;
}

void idt_set_gate(uint8_t vector, uint64_t handler, uint8_t ist, uint8_t type, uint8_t dpl)
{
	// BEGIN SOLUTION
	// TODO(1): Store a gate for `vector` in idt_table. Its selector is the code
	//          segment the kernel runs with right now: read_cs() from x86.h.
	idt_table[vector] = idt_gate_make(handler, read_cs(), ist, type, dpl);
	// END SOLUTION
}

void idt_load(void)
{
	// BEGIN SOLUTION
	// TODO(2): Describe idt_table in a struct x86_table_reg (x86.h): its base
	//          address, and its limit = size in bytes - 1. Then load it:
	//              __asm__ volatile("lidt %0" : : "m"(idtr));
	struct x86_table_reg idtr = {
		.limit = sizeof(idt_table) - 1,
		.base = (uint64_t)(uintptr_t)idt_table,
	};
	__asm__ volatile("lidt %0" : : "m"(idtr));
	// END SOLUTION
}
