/* tss.c - lab 04, exercise 2: the TSS and the stack it hands to #DF. */
#include "gdt.h"

/* In .bss: zero, so every entry we do not set stays zero, as the reserved
 * fields must. The CPU finds it through the TSS descriptor in the GDT. */
struct tss kernel_tss;

/* The stack the CPU switches to for a double fault. It has its own guard
 * page, so even a fault on this stack is caught (as a triple fault, but
 * not as silent corruption of whatever lies below it). */
GUARDED_STACK(double_fault_stack, DOUBLE_FAULT_STACK_SIZE);

void tss_init(void)
{
	// BEGIN SOLUTION
	// TODO(2): Give IST entry IST_DOUBLE_FAULT the address the CPU should
	//          load into RSP on a double fault: the TOP of double_fault_stack
	//          (stacks grow down; GUARDED_STACK_TOP in stack.h). It must be
	//          16-byte aligned. ist[] is indexed by the hardware IST number
	//          (1-7): ist[0] is a reserved field. Then set iomap_base to the
	//          size of the TSS: the bitmap would start past the segment's
	//          limit, which means "no I/O bitmap".
	kernel_tss.ist[IST_DOUBLE_FAULT] = GUARDED_STACK_TOP(double_fault_stack);
	kernel_tss.iomap_base = sizeof(struct tss);
	// END SOLUTION
}
