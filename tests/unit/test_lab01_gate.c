// LAB_SOURCES: 01-idt/idt.c
/* test_lab01_gate.c - lab 01's gate encoding, field by field. */
#include <criterion/criterion.h>
#include <string.h>
#include "idt.h"

/* One field's failure says what it held and what it should hold. */
#define EXPECT_FIELD(name, got, want) \
	cr_expect_eq((uint64_t)(got), (uint64_t)(want), "%s: got 0x%lx, expected 0x%lx", \
		     name, (unsigned long)(got), (unsigned long)(want))

/* The 16 bytes as the CPU reads them, rebuilt from the architecture's
 * layout (not from struct idt_gate), so a wrong struct also fails. */
static void expect_bytes(struct idt_gate g, uint64_t handler, uint16_t sel, uint8_t ist,
			 uint8_t type, uint8_t dpl)
{
	uint8_t raw[16];
	memcpy(raw, &g, sizeof(raw));
	uint64_t lo, hi;
	memcpy(&lo, raw, 8);
	memcpy(&hi, raw + 8, 8);
	EXPECT_FIELD("offset bits 0-15", lo & 0xFFFF, handler & 0xFFFF);
	EXPECT_FIELD("selector", (lo >> 16) & 0xFFFF, sel);
	EXPECT_FIELD("IST", (lo >> 32) & 0x7, ist & 7);
	EXPECT_FIELD("bits 35-39 (zero)", (lo >> 35) & 0x1F, 0);
	EXPECT_FIELD("type", (lo >> 40) & 0xF, type);
	EXPECT_FIELD("bit 44 (zero)", (lo >> 44) & 0x1, 0);
	EXPECT_FIELD("DPL", (lo >> 45) & 0x3, dpl);
	EXPECT_FIELD("present bit", (lo >> 47) & 0x1, 1);
	EXPECT_FIELD("offset bits 16-31", (lo >> 48) & 0xFFFF, (handler >> 16) & 0xFFFF);
	EXPECT_FIELD("offset bits 32-63", hi & 0xFFFFFFFF, handler >> 32);
	EXPECT_FIELD("reserved dword", hi >> 32, 0);
}

Test(lab01_gate, kernel_handler)
{
	expect_bytes(idt_gate_make(0x101fd2, 0x18, 0, IDT_TYPE_INTERRUPT, 0),
		     0x101fd2, 0x18, 0, 0xE, 0);
}

Test(lab01_gate, offset_above_4_gib)
{
	uint64_t h = 0xFFFF8000DEADBEEFULL;
	expect_bytes(idt_gate_make(h, 0x08, 1, IDT_TYPE_INTERRUPT, 0), h, 0x08, 1, 0xE, 0);
}

Test(lab01_gate, trap_gate_dpl3_ist7)
{
	uint64_t h = 0x0000123456789ABCULL;
	expect_bytes(idt_gate_make(h, 0x2B, 7, IDT_TYPE_TRAP, 3), h, 0x2B, 7, 0xF, 3);
}

Test(lab01_gate, ist_and_dpl_are_masked)
{
	/* Out-of-range inputs must not spill into neighbouring fields. */
	expect_bytes(idt_gate_make(0x1000, 0x18, 0xFF, IDT_TYPE_INTERRUPT, 0xFF),
		     0x1000, 0x18, 7, 0xE, 3);
}

Test(lab01_gate, set_gate_fills_the_table_with_the_running_cs)
{
	memset(idt_table, 0, sizeof(idt_table));
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt_set_gate(3, 0x4242, 0, IDT_TYPE_INTERRUPT, 0);
	expect_bytes(idt_table[3], 0x4242, cs, 0, 0xE, 0);
	for (int v = 0; v < IDT_ENTRIES; v++)
		if (v != 3)
			cr_expect_eq(idt_table[v].type_attr & IDT_PRESENT, 0, "gate %d stays not present", v);
}
