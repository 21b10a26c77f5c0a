/* trap.c - lab 02, exercises 3 and 4: one dispatcher, handlers per vector. */
#include "idt.h"
#include "registry.h"
#include "report.h"
#include "trap.h"

static trap_handler handlers[TRAP_VECTORS];

void trap_register(unsigned vector, trap_handler handler)
{
	// TODO(3): Remember `handler` for `vector` (ignore vectors above 255).
}

void trap_dispatch(struct trap_frame *tf)
{
	// TODO(3): Call the handler registered for tf->vector, if any. Otherwise
	//          print the full report (trap_report) and stop the kernel with
	//          exception_stop(vector).
}

/* #BP is a trap: the saved RIP is already past the int3. Report, resume. */
static void trap_breakpoint(struct trap_frame *tf)
{
	trap_report(tf);
}

/* #UD is a fault: the saved RIP is the bad instruction itself. */
static void trap_invalid_opcode(struct trap_frame *tf)
{
	trap_report(tf);
	// TODO(4): If the instruction at tf->rip is ud2 (bytes 0x0F 0x0B), skip it
	//          by moving tf->rip past it, and return: trap_common's iretq then
	//          resumes after it. Any other bad opcode: exception_stop().
	exception_stop(X86_TRAP_UD);
}

/* Runs after lab 01's idt_init: the IDT is loaded, its gates get replaced. */
static void trap_init(void)
{
	// TODO(3): Point every one of the 256 gates at its stub (isr_stub_table)
	//          with idt_set_gate (interrupt gate, IST 0, DPL 0). Register
	//          trap_breakpoint for X86_TRAP_BP and trap_invalid_opcode for
	//          X86_TRAP_UD. (The IDT is already loaded: the CPU reads the
	//          gates from memory, so changing them in place is enough.)
}
LAB_INIT(trap_init);
