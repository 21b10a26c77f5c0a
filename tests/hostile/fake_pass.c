/* fake_pass.c - hostile: prints lab 01's breakpoint report, with the right
 * RIP read from the kernel's own symbol table, without executing int3.
 * Only QEMU's log can tell: it shows no #BP. */
#include "kprintf.h"
#include "ksyms.h"
#include "registry.h"

/* The label the grader compares RIP with, here outside any function. */
__asm__(".text\n.global lab1_bp_return\nlab1_bp_return:\n\tret\n");

SCENARIO(hostile_fake_breakpoint, "print the breakpoint report without an int3")
{
	uint64_t rip = ksym_address("lab1_bp_return");
	char sym[64];
	kprintf("EXCEPTION: BREAKPOINT (#BP, vector 3)\n");
	kprintf("RIP: 0018:0x%016lx%s\n", (unsigned long)rip, ksym_format(rip, sym, sizeof(sym)));
	kprintf("RSP: 0010:0x000000000010bf60 EFLAGS: 0x00000046\n");
	kprintf("It did not crash!\n");
}
