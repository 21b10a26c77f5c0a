/* descriptor.c - lab 04, exercise 3: encode GDT descriptors.
 *
 * Pure functions: no globals, no instructions, so tests/unit can check them
 * on the host. An 8-byte descriptor, from bit 0 up (Intel SDM vol. 3,
 * "Segment Descriptors"); the base and limit are split for 1980s reasons:
 *
 *     bits  0-15  limit bits 0-15        bits 40-47  access byte
 *     bits 16-39  base bits 0-23         bits 48-51  limit bits 16-19
 *                                        bits 52-55  flags (G, D/B, L, AVL)
 *                                        bits 56-63  base bits 24-31
 */
#include "gdt.h"

uint64_t gdt_segment_make(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	uint64_t desc = 0;
	// BEGIN SOLUTION
	// TODO(3): Place each piece where the comment above says. Only 20 bits
	//          of `limit` and 4 bits of `flags` exist: mask them.
	desc |= (uint64_t)(limit & 0xFFFF);
	desc |= (uint64_t)(base & 0xFFFFFF) << 16;
	desc |= (uint64_t)access << 40;
	desc |= (uint64_t)((limit >> 16) & 0xF) << 48;
	desc |= (uint64_t)(flags & 0xF) << 52;
	desc |= (uint64_t)(base >> 24) << 56;
	// END SOLUTION
	return desc;
}

struct gdt_system_desc gdt_tss_descriptor_make(uint64_t base, uint32_t limit)
{
	struct gdt_system_desc d = { 0, 0 };
	// BEGIN SOLUTION
	// TODO(3): The low 8 bytes are an ordinary descriptor (gdt_segment_make)
	//          for the low 32 bits of `base`, with the access byte of a
	//          system segment: present, DPL 0, S clear, type
	//          GDT_TYPE_TSS_AVAILABLE. No flags: the limit counts bytes.
	//          The high 8 bytes hold base bits 32-63 in their low half.
	d.low = gdt_segment_make((uint32_t)base, limit,
				 GDT_ACCESS_PRESENT | GDT_TYPE_TSS_AVAILABLE, 0);
	d.high = base >> 32;
	// END SOLUTION
	return d;
}
