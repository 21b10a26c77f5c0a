/* core.c - stage-0 scenarios: the core on its own, before any lab.
 *
 * The permission scenarios fault on purpose. With no IDT yet the CPU cannot
 * report the fault, so it ends in a triple fault; the boot tests read the
 * page-fault error code from QEMU's -d int log instead.
 */
#include <stdint.h>
#include "kprintf.h"
#include "paging.h"
#include "registry.h"
#include "seed.h"

extern char __text_start[], __rodata_start[], __data_start[];

SCENARIO_DEMO(hello, "print the banner and the scenario list, then exit")
{
	kprintf("Hello from the lab kernel core.\n");
	kprintf("Boot any lab with: make lab N (N = 1-4)\n");
}

SCENARIO(seed_values, "print the first seed-derived values (checks the grader's twin)")
{
	for (unsigned i = 0; i < 4; i++)
		kprintf("seed_value(%u) = 0x%016lx\n", i, (unsigned long)seed_value(i));
}

SCENARIO(write_text, "write to .text: a protection #PF (no IDT: triple fault)")
{
	volatile uint8_t *p = (volatile uint8_t *)__text_start + 0x10;
	kprintf("writing to .text at %p\n", (void *)p);
	*p = 0x90;
	kprintf("write to .text did not fault\n");
}

SCENARIO(write_rodata, "write to .rodata: a protection #PF (no IDT: triple fault)")
{
	volatile uint8_t *p = (volatile uint8_t *)__rodata_start;
	kprintf("writing to .rodata at %p\n", (void *)p);
	*p = 0;
	kprintf("write to .rodata did not fault\n");
}

/* A page-aligned byte of .data holding `ret`: an instruction fetch from it
 * must fault because .data is mapped no-execute. */
static uint8_t data_code[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))) = { 0xC3 };

SCENARIO(exec_data, "call into .data: an NX #PF (no IDT: triple fault)")
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;
	kprintf("calling .data at %p\n", (void *)data_code);
	fn();
	kprintf("executing .data did not fault\n");
}

SCENARIO(read_unmapped, "read 0xdeadbeef: a not-present #PF (no IDT: triple fault)")
{
	volatile uint8_t *p = (volatile uint8_t *)0xdeadbeefUL;
	kprintf("reading %p\n", (void *)p);
	(void)*p;
	kprintf("read of 0xdeadbeef did not fault\n");
}

SCENARIO(read_text, "read .text and .rodata, write .data: all allowed")
{
	volatile uint8_t *t = (volatile uint8_t *)__text_start;
	volatile uint8_t *r = (volatile uint8_t *)__rodata_start;
	volatile uint8_t *d = (volatile uint8_t *)__data_start;
	uint8_t sum = (uint8_t)(*t + *r);
	*d = *d;
	kprintf("read .text and .rodata (sum 0x%02x), wrote .data: ok\n", sum);
}
