/* gate_encoding.c - lab 01's encoder and idt_set_gate, called directly
 * with seed-chosen inputs (grader/labs/lab1.py: gate_encoding).
 *
 * The kernel's own gates exercise few bits: its handlers live near 1 MiB
 * (offset bits 24-63 are zero), their DPL and IST are 0 and CS never
 * changes. Here every field gets random values, and idt_set_gate also
 * runs under a second code segment. The scenario only prints the raw
 * gates; lab1.py derives the same inputs from the seed and decodes them.
 */
#include <stdint.h>
#include <string.h>
#include "idt.h"
#include "kprintf.h"
#include "registry.h"
#include "seed.h"
#include "x86.h"

#define MAKE_CASES 16 /* random idt_gate_make calls (plus a fixed one and one with IST > 7) */
#define SET_CASES  4  /* idt_set_gate calls on vectors no lab 01 test raises */
#define SEED_MAKE  600 /* seed indices of the inputs: two per case, as lab1.py */
#define SEED_SET   700 /* three per case: vector, then two for the inputs */
#define ALT_GDT_MAX 16 /* GDT entries the copy with the extra code segment holds */

/* The inputs of one call, as lab1.py's gate_args() derives them. */
struct gate_args {
	uint64_t handler;
	uint16_t selector;
	uint8_t ist, type, dpl;
};

static struct gate_args args_from_seed(uint64_t index)
{
	uint64_t bits = seed_value(index + 1);
	return (struct gate_args){
		.handler = seed_value(index),
		.selector = (uint16_t)bits,
		.ist = (bits >> 16) & 7,
		.type = (bits >> 19) & 1 ? IDT_TYPE_TRAP : IDT_TYPE_INTERRUPT,
		.dpl = (bits >> 20) & 3,
	};
}

static void print_raw(const char *what, const struct idt_gate *gate)
{
	uint64_t raw[2];
	memcpy(raw, gate, sizeof(raw)); /* the bytes the CPU reads, whatever the struct says */
	kprintf("%s: 0x%016lx 0x%016lx\n", what, (unsigned long)raw[0], (unsigned long)raw[1]);
}

static struct idt_gate table_before[IDT_ENTRIES];

/* idt_set_gate on @vector, then the gate and how many other gates changed. */
static void set_and_print(const char *label, uint8_t vector, struct gate_args a)
{
	char what[48];
	memcpy(table_before, idt_table, sizeof(table_before));
	idt_set_gate(vector, a.handler, a.ist, a.type, a.dpl);
	unsigned changed = 0, first = 0;
	for (unsigned v = 0; v < IDT_ENTRIES; v++)
		if (v != vector && memcmp(&idt_table[v], &table_before[v], sizeof(struct idt_gate)))
			first = changed++ ? first : v;
	ksnprintf(what, sizeof(what), "%s vector %u", label, vector);
	print_raw(what, &idt_table[vector]);
	kprintf("%s: other gates changed: %u (first: %u)\n", label, changed, first);
}

/* Far return to @sel: the only way to load CS in 64-bit mode without a gate. */
static inline void load_cs(uint16_t sel)
{
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:" : : "r"((uint64_t)sel) : "rax", "memory");
}

static uint64_t alt_gdt[ALT_GDT_MAX] __attribute__((aligned(16)));

/* idt_set_gate while CS is a second 64-bit code segment: a selector that
 * happens to equal today's CS (a constant) shows up here. */
static void set_under_other_cs(uint8_t vector, struct gate_args a)
{
	struct x86_table_reg old = read_gdtr();
	unsigned n = (old.limit + 1u) / 8;
	uint16_t cs = read_cs();
	if (n >= ALT_GDT_MAX) {
		kprintf("alt CS: the GDT has %u entries, too many to copy\n", n);
		return;
	}
	memcpy(alt_gdt, (const void *)(uintptr_t)old.base, old.limit + 1u);
	alt_gdt[n] = 0x00AF9B000000FFFFULL; /* 64-bit code, DPL 0, accessed preset */
	struct x86_table_reg alt = { .limit = (uint16_t)((n + 1) * 8 - 1),
				     .base = (uint64_t)(uintptr_t)alt_gdt };
	__asm__ volatile("lgdt %0" : : "m"(alt) : "memory");
	load_cs((uint16_t)(n * 8));
	uint16_t running = read_cs();
	set_and_print("set_gate alt", vector, a);
	load_cs(cs);
	__asm__ volatile("lgdt %0" : : "m"(old) : "memory");
	kprintf("alt CS: 0x%04x\n", running);
}

SCENARIO(gate_encoding, "idt_gate_make and idt_set_gate with seed-chosen handlers, selectors, IST, type, DPL")
{
	char what[32];
	struct idt_gate g = idt_gate_make(~0ULL, 0xFFFF, 7, IDT_TYPE_TRAP, 3);
	print_raw("gate_make fixed", &g);
	for (unsigned i = 0; i < MAKE_CASES; i++) {
		struct gate_args a = args_from_seed(SEED_MAKE + 2 * i);
		g = idt_gate_make(a.handler, a.selector, a.ist, a.type, a.dpl);
		ksnprintf(what, sizeof(what), "gate_make %u", i);
		print_raw(what, &g);
	}
	/* "Only the low 3 bits of ist count": the others must not spill over. */
	struct gate_args a = args_from_seed(SEED_MAKE + 2 * MAKE_CASES);
	g = idt_gate_make(a.handler, a.selector, a.ist | 0xF8, a.type, a.dpl);
	print_raw("gate_make ist_high", &g);
	kprintf("CS: 0x%04x\n", read_cs());
	for (unsigned i = 0; i < SET_CASES; i++) {
		uint8_t v = (uint8_t)seed_range(SEED_SET + 3 * i, 32, 255);
		ksnprintf(what, sizeof(what), "set_gate %u", i);
		set_and_print(what, v, args_from_seed(SEED_SET + 3 * i + 1));
	}
	uint8_t v = (uint8_t)seed_range(SEED_SET + 3 * SET_CASES, 32, 255);
	set_under_other_cs(v, args_from_seed(SEED_SET + 3 * SET_CASES + 1));
	kprintf("gate encoding: done\n");
}
