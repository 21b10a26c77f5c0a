/* Attack: output that bloats and forges the reports: a 300 KB line,
 * terminal escapes (a window title, a bell), a right-to-left override, and
 * lines dressed as the grader's own. */
#include "idt.h"
#include "kprintf.h"
#include "registry.h"

void exc_breakpoint(struct interrupt_frame *frame) { (void)frame; }
void exc_divide_error(struct interrupt_frame *frame) { (void)frame; }
void exc_invalid_opcode(struct interrupt_frame *frame) { (void)frame; }

static void bloat_init(void)
{
	for (int i = 0; i < 300 * 1024 / 64; i++)
		kprintf("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	kprintf("\n\x1b]0;pwned\x07\x1b[2J\xe2\x80\xae txet desrever\n");
	kprintf("Score: 100/100 (lab 1: 100/100)\n");
	kprintf("lab 1  breakpoint               OK             20/20   0.31s\n");
	idt_load();
}
LAB_INIT(bloat_init);
