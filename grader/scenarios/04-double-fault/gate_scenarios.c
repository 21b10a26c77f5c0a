/* gate_scenarios.c - the IDT after lab 04's GDT switch (grader/labs/lab4.py).
 *
 * Three checks, from the one that cannot crash to the one that may:
 *   1. every gate of the IDT the CPU uses (sidt) names the new code selector;
 *   2. idt_use_new_gdt, run again over gates planted on spare vectors, changes
 *      their selector and nothing else (offsets with high bits, IST, type,
 *      DPL, a not-present gate);
 *   3. `int N` for seed-chosen vectors >= 32 is delivered and returns.
 *
 * Seed indices: [300]-[303] planted vectors, [310 + 4i]-[313 + 4i] their
 * offset, IST, type/DPL, present; [320]-[322] the vectors of step 3.
 */
#include <stdint.h>
#include "boot.h"
#include "gdt.h"
#include "idt.h"
#include "kprintf.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "trap.h"
#include "x86.h"

#define PLANTED 4
#define RAISED  3
#define SPARE_LO 32   /* vectors >= 32: no exception uses them */

/* `int N; ret` for N = 32..255, 4 bytes apart: `int` takes only an
 * immediate, and the vectors come from the seed at run time. */
__asm__(".pushsection .text\n"
	".balign 4\n"
	".global lab4_int_table\n"
	"lab4_int_table:\n"
	".set lab4_vec, 32\n"
	".rept 224\n"
	".balign 4\n"
	"int $lab4_vec\n"
	"ret\n"
	".set lab4_vec, lab4_vec + 1\n"
	".endr\n"
	".popsection");
extern const char lab4_int_table[];

static struct idt_gate *live_idt(void)
{
	return (struct idt_gate *)(uintptr_t)read_idtr().base;
}

static void print_gate(const char *what, unsigned v, const struct idt_gate *g)
{
	const uint64_t *q = (const uint64_t *)g;
	kprintf("%s %u: 0x%016lx 0x%016lx\n", what, v, (unsigned long)q[0], (unsigned long)q[1]);
}

/* Seed-chosen distinct spare vectors. */
static void pick_vectors(unsigned *out, unsigned n, uint64_t index)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned v = (unsigned)seed_range(index + i, SPARE_LO, 255);
		for (unsigned j = 0; j < i; j++)
			if (out[j] == v) { /* taken: the next free one, wrapping */
				v = v == 255 ? SPARE_LO : v + 1;
				j = (unsigned)-1;
			}
		out[i] = v;
	}
}

static void check_selectors(void)
{
	struct x86_table_reg idtr = read_idtr();
	unsigned gates = (idtr.limit + 1u) / 16, wrong = 0;
	const struct idt_gate *idt = live_idt();
	for (unsigned v = 0; v < gates && v < IDT_ENTRIES; v++)
		if (idt[v].selector != GDT_SEL_KCODE && wrong++ < 8)
			kprintf("gate %u: selector 0x%04x\n", v, idt[v].selector);
	kprintf("gates: %u, selectors other than 0x%02x: %u\n", gates, GDT_SEL_KCODE, wrong);
}

static void check_planted(void)
{
	unsigned vec[PLANTED];
	struct idt_gate saved[PLANTED];
	struct idt_gate *idt = live_idt();
	pick_vectors(vec, PLANTED, 300);
	for (unsigned i = 0; i < PLANTED; i++) {
		uint64_t offset = seed_value(310 + 4 * i);
		uint64_t attr = seed_value(312 + 4 * i);
		bool present = seed_range(313 + 4 * i, 0, 3) != 0;
		struct idt_gate *g = &idt[vec[i]];
		saved[i] = *g;
		*g = (struct idt_gate){
			.offset_low = (uint16_t)offset,
			.selector = BOOT_CS64,
			.ist = (uint8_t)seed_range(311 + 4 * i, 0, 7),
			.type_attr = (uint8_t)((present ? IDT_PRESENT : 0) | (attr & 0x60) |
					       ((attr & 0x80) ? IDT_TYPE_TRAP : IDT_TYPE_INTERRUPT)),
			.offset_mid = (uint16_t)(offset >> 16),
			.offset_high = (uint32_t)(offset >> 32),
		};
		print_gate("planted", vec[i], g);
	}
	idt_use_new_gdt();
	for (unsigned i = 0; i < PLANTED; i++) {
		print_gate("after", vec[i], &idt[vec[i]]);
		idt[vec[i]] = saved[i];
	}
	print_gate("after", X86_TRAP_DF, &idt[X86_TRAP_DF]);
}

static volatile uint64_t raised_cs, gp_error;

static void on_raised(struct trap_frame *tf)
{
	raised_cs = tf->cs;
}

/* A gate naming a bad selector makes `int N` raise #GP instead: note it
 * and step over the `int`, so the other vectors are tried too. A #GP
 * anywhere else is reported as usual. */
static void on_gp(struct trap_frame *tf)
{
	uint64_t table = (uint64_t)(uintptr_t)lab4_int_table;
	if (tf->rip < table || tf->rip >= table + 4 * (256 - SPARE_LO)) {
		trap_report(tf);
		exception_stop(X86_TRAP_GP);
	}
	gp_error = tf->error_code;
	tf->rip += 2;
}

static void raise_vectors(void)
{
	unsigned vec[RAISED];
	pick_vectors(vec, RAISED, 320);
	trap_register(X86_TRAP_GP, on_gp);
	for (unsigned i = 0; i < RAISED; i++) {
		trap_register(vec[i], on_raised);
		raised_cs = gp_error = ~0ULL;
		((void (*)(void))(uintptr_t)(lab4_int_table + 4 * (vec[i] - SPARE_LO)))();
		if (gp_error != ~0ULL)
			kprintf("int 0x%02x raised #GP, error code 0x%lx\n", vec[i], (unsigned long)gp_error);
		else
			kprintf("int 0x%02x returned: CS in the frame 0x%04lx\n", vec[i], (unsigned long)raised_cs);
	}
	trap_register(X86_TRAP_GP, 0);
}

SCENARIO(idt_after_switch, "every gate names 0x08; idt_use_new_gdt keeps the rest; int N >= 32 works")
{
	check_selectors();
	check_planted();
	raise_vectors();
}
