/* trap.c - lab 02, exercises 3 and 4: one dispatcher, handlers per vector. */
#include "idt.h"
#include "registry.h"
#include "report.h"
#include "trap.h"

static trap_handler handlers[TRAP_VECTORS];

void trap_register(unsigned vector, trap_handler handler)
{
	// BEGIN SOLUTION
	// TODO(3): Remember `handler` for `vector` (ignore vectors above 255).
	if (vector < TRAP_VECTORS)
		handlers[vector] = handler;
	// END SOLUTION
}

void trap_dispatch(struct trap_frame *tf)
{
	// BEGIN SOLUTION
	// TODO(3): Call the handler registered for tf->vector, if any. Otherwise
	//          print the full report (trap_report) and stop the kernel with
	//          exception_stop(vector).
	trap_handler handler = tf->vector < TRAP_VECTORS ? handlers[tf->vector] : 0;
	if (handler) {
		handler(tf);
		return;
	}
	trap_report(tf);
	exception_stop((unsigned)tf->vector);
	// END SOLUTION
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
	// BEGIN SOLUTION
	// TODO(4): If the instruction at tf->rip is ud2 (bytes 0x0F 0x0B), skip it
	//          by moving tf->rip past it, and return: trap_common's iretq then
	//          resumes after it. Any other bad opcode: exception_stop().
	// STUB: exception_stop(X86_TRAP_UD);
	const uint8_t *insn = (const uint8_t *)(uintptr_t)tf->rip;
	if (insn[0] == 0x0F && insn[1] == 0x0B) {
		tf->rip += 2;
		return;
	}
	exception_stop(X86_TRAP_UD);
	// END SOLUTION
}

/* Runs after lab 01's idt_init: the IDT is loaded, its gates get replaced. */
static void trap_init(void)
{
	// BEGIN SOLUTION
	// TODO(3): Point every one of the 256 gates at its stub (isr_stub_table)
	//          with idt_set_gate (interrupt gate, IST 0, DPL 0). Register
	//          trap_breakpoint for X86_TRAP_BP and trap_invalid_opcode for
	//          X86_TRAP_UD. (The IDT is already loaded: the CPU reads the
	//          gates from memory, so changing them in place is enough.)
	for (unsigned v = 0; v < TRAP_VECTORS; v++)
		idt_set_gate((uint8_t)v, isr_stub_table[v], 0, IDT_TYPE_INTERRUPT, 0);
	trap_register(X86_TRAP_BP, trap_breakpoint);
	trap_register(X86_TRAP_UD, trap_invalid_opcode);
	// END SOLUTION
}
LAB_INIT(trap_init);
