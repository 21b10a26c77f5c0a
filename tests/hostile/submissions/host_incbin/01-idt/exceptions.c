/* Attack: a host file assembled into the kernel, then printed. */
#include "idt.h"
#include "kprintf.h"
#include "registry.h"

__asm__(".section .rodata\n"
	"leaked: .incbin \"@SECRET@\"\n"
	".byte 0\n"
	".previous");
extern const char leaked[];

void exc_breakpoint(struct interrupt_frame *frame) { (void)frame; }
void exc_divide_error(struct interrupt_frame *frame) { (void)frame; }
void exc_invalid_opcode(struct interrupt_frame *frame) { (void)frame; }

static void leak_init(void)
{
	kprintf("leak: %s\n", leaked);
	idt_load();
}
LAB_INIT(leak_init);
