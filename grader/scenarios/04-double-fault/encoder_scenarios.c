/* encoder_scenarios.c - lab 04's descriptor encoders on seed-chosen inputs
 * (grader/labs/lab4.py computes every expected bit itself).
 *
 * The live GDT only ever holds base 0, limit 0xFFFFF and a TSS below 4 GiB,
 * so most bits of gdt_segment_make and gdt_tss_descriptor_make never matter
 * there. Here every input field is random, limits and flags with bits the
 * encoder must drop, and TSS bases use all 64 bits.
 *
 * Seed indices (the grader derives the same):
 *   [200 + 4i] ... [203 + 4i]  segment case i: base, limit, access, flags
 *   [240 + 2i], [241 + 2i]     TSS case i: base, limit (20 bits)
 */
#include <stdint.h>
#include "gdt.h"
#include "kprintf.h"
#include "registry.h"
#include "seed.h"

#define SEGMENT_CASES 8
#define TSS_CASES     6

SCENARIO(descriptor_encoding, "gdt_segment_make and gdt_tss_descriptor_make on seed-chosen inputs")
{
	for (unsigned i = 0; i < SEGMENT_CASES; i++) {
		uint32_t base = (uint32_t)seed_value(200 + 4 * i);
		uint32_t limit = (uint32_t)seed_value(201 + 4 * i);
		uint8_t access = (uint8_t)seed_value(202 + 4 * i);
		uint8_t flags = (uint8_t)seed_value(203 + 4 * i);
		kprintf("segment %u: base=0x%08x limit=0x%08x access=0x%02x flags=0x%02x -> 0x%016lx\n",
			i, base, limit, access, flags,
			(unsigned long)gdt_segment_make(base, limit, access, flags));
	}
	for (unsigned i = 0; i < TSS_CASES; i++) {
		uint64_t base = seed_value(240 + 2 * i);
		uint32_t limit = (uint32_t)seed_range(241 + 2 * i, 0, 0xFFFFF);
		struct gdt_system_desc d = gdt_tss_descriptor_make(base, limit);
		kprintf("tss %u: base=0x%016lx limit=0x%05x -> low=0x%016lx high=0x%016lx\n", i,
			(unsigned long)base, limit, (unsigned long)d.low, (unsigned long)d.high);
	}
}
