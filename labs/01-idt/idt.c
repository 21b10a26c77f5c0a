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
	// TODO(1): Fill in every field of `gate`. The handler address is split in
	//          three: bits 0-15, 16-31 and 32-63. Only the low 3 bits of `ist`
	//          count. type_attr holds the type, the DPL (shifted by
	//          IDT_DPL_SHIFT) and IDT_PRESENT. Leave `reserved` zero.
	return gate;
}

void idt_set_gate(uint8_t vector, uint64_t handler, uint8_t ist, uint8_t type, uint8_t dpl)
{
	// TODO(1): Store a gate for `vector` in idt_table. Its selector is the code
	//          segment the kernel runs with right now: read_cs() from x86.h.
}

void idt_load(void)
{
	// TODO(2): Describe idt_table in a struct x86_table_reg (x86.h): its base
	//          address, and its limit = size in bytes - 1. Then load it:
	//              __asm__ volatile("lidt %0" : : "m"(idtr));
}
