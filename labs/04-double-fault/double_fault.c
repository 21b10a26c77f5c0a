/* double_fault.c - lab 04, exercises 1 and 4: the #DF handler, the IDT
 * after the GDT switch, and the start-up order of the whole lab. */
#include "gdt.h"
#include "idt.h"
#include "kprintf.h"
#include "registry.h"
#include "report.h"
#include "trap.h"
#include "x86.h"

void exc_double_fault(struct trap_frame *tf)
{
	// TODO(1): Print the report, in this order:
	//            report_header(X86_TRAP_DF);
	//            PANIC: double fault, error_code: 0x<tf->error_code in hex>
	//            #DF: handler stack 0x<RSP as 16 hex digits> (<its name>)
	//          (read_rsp() from x86.h; the name from stack_find() in
	//          stack.h, or "unknown stack"), then trap_report_frame(tf).
	//          A double fault is an abort: the interrupted code cannot go
	//          on, so end with exception_stop(X86_TRAP_DF), never return.
}

void idt_use_new_gdt(void)
{
	// TODO(4): Every gate in idt_table still names the code segment of the
	//          boot GDT (0x18): in our GDT that slot holds the TSS. Give
	//          every gate the selector GDT_SEL_KCODE, keeping the rest of
	//          it. Then make the #DF gate (X86_TRAP_DF) switch to the stack
	//          in IST entry IST_DOUBLE_FAULT (the gate's `ist` field: 1-7,
	//          0 means "no switch").
}

/* Runs after labs 01-03 are up. The order matters: the TSS must hold its
 * stack before `ltr` makes it live, and the gates may name the new code
 * segment only once CS really is that segment. */
static void double_fault_init(void)
{
	tss_init();
	gdt_init();
	idt_use_new_gdt();
	// TODO(1): Register exc_double_fault for X86_TRAP_DF with trap_register.
}
LAB_INIT(double_fault_init);
