/* gdt.c - lab 04, exercise 3: build our GDT, switch to it, load the TSS. */
#include "gdt.h"
#include "x86.h"

/* Writable memory (.bss), like the TSS: the CPU writes to both. */
uint64_t gdt_table[GDT_SLOTS];

/* lgdt only tells the CPU where the table is: the segment registers keep
 * what they cached from the old table until each is reloaded. */
void gdt_load(void)
{
	struct x86_table_reg gdtr = {
		.limit = sizeof(gdt_table) - 1,
		.base = (uint64_t)(uintptr_t)gdt_table,
	};
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
}

/* CS cannot be the target of a mov; a far return pops both RIP and CS. */
void gdt_reload_segments(void)
{
	// TODO(3): Reload CS with GDT_SEL_KCODE: push the selector, push the
	//          address to continue at, and `lretq` (it pops RIP, then CS).
	//          Then load GDT_SEL_KDATA into DS, ES, SS, FS and GS.
}

void gdt_init(void)
{
	// TODO(3): Fill gdt_table: slot 0 null; at GDT_SEL_KCODE a 64-bit code
	//          segment (present, S, executable, readable; flags: long mode
	//          and 4 KiB granularity, limit 0xFFFFF); at GDT_SEL_KDATA a data
	//          segment (present, S, writable; flags: 32-bit and 4 KiB,
	//          limit 0xFFFFF); at GDT_SEL_TSS the two slots of the TSS
	//          descriptor (gdt_tss_descriptor_make: base &kernel_tss, limit
	//          = its size - 1). A selector is a byte offset: slot = sel / 8.
	//          Then gdt_load(), gdt_reload_segments(), and load the task
	//          register: __asm__ volatile("ltr %w0" : : "r"(selector));
}
