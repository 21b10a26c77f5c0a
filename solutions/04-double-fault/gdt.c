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
	// BEGIN SOLUTION
	// TODO(3): Reload CS with GDT_SEL_KCODE: push the selector, push the
	//          address to continue at, and `lretq` (it pops RIP, then CS).
	//          Then load GDT_SEL_KDATA into DS, ES, SS, FS and GS.
	__asm__ volatile("pushq %[code]\n\t"          /* the new CS */
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"             /* where to go on: the next line */
			 "lretq\n"                     /* pops RIP, then CS */
			 "1:"
			 : : [code] "i"(GDT_SEL_KCODE) : "rax", "memory");
	__asm__ volatile("movw %w0, %%ds\n\t"
			 "movw %w0, %%es\n\t"
			 "movw %w0, %%ss\n\t"
			 "movw %w0, %%fs\n\t"
			 "movw %w0, %%gs"
			 : : "r"(GDT_SEL_KDATA) : "memory");
	// END SOLUTION
}

void gdt_init(void)
{
	// BEGIN SOLUTION
	// TODO(3): Fill gdt_table: slot 0 null; at GDT_SEL_KCODE a 64-bit code
	//          segment (present, S, executable, readable; flags: long mode
	//          and 4 KiB granularity, limit 0xFFFFF); at GDT_SEL_KDATA a data
	//          segment (present, S, writable; flags: 32-bit and 4 KiB,
	//          limit 0xFFFFF); at GDT_SEL_TSS the two slots of the TSS
	//          descriptor (gdt_tss_descriptor_make: base &kernel_tss, limit
	//          = its size - 1). A selector is a byte offset: slot = sel / 8.
	//          Then gdt_load(), gdt_reload_segments(), and load the task
	//          register: __asm__ volatile("ltr %w0" : : "r"(selector));
	struct gdt_system_desc tss = gdt_tss_descriptor_make((uint64_t)(uintptr_t)&kernel_tss,
							     sizeof(kernel_tss) - 1);
	gdt_table[GDT_SEL_NULL / 8] = 0;
	gdt_table[GDT_SEL_KCODE / 8] = gdt_segment_make(0, 0xFFFFF,
		GDT_ACCESS_PRESENT | GDT_ACCESS_CODE_DATA | GDT_ACCESS_EXEC | GDT_ACCESS_RW,
		GDT_FLAG_LONG | GDT_FLAG_4K);
	gdt_table[GDT_SEL_KDATA / 8] = gdt_segment_make(0, 0xFFFFF,
		GDT_ACCESS_PRESENT | GDT_ACCESS_CODE_DATA | GDT_ACCESS_RW,
		GDT_FLAG_SIZE32 | GDT_FLAG_4K);
	gdt_table[GDT_SEL_TSS / 8] = tss.low;
	gdt_table[GDT_SEL_TSS / 8 + 1] = tss.high;
	gdt_load();
	gdt_reload_segments();
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_SEL_TSS) : "memory");
	// END SOLUTION
}
