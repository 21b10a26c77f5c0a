/* exceptions.c - lab 01, exercises 3 and 4: handlers the CPU can call.
 *
 * __attribute__((interrupt)) makes GCC save every register the function
 * uses and return with iretq instead of ret: the CPU, not a caller, entered
 * this function, so nothing else will restore the interrupted code's state.
 */
#include "idt.h"
#include "registry.h"
#include "report.h"

/* Prints the lab 01 report: which exception, and the frame the CPU pushed.
 * (Marked unused only so the untouched skeleton builds without a warning.) */
static __attribute__((unused)) void report_exception(unsigned vector,
						     const struct interrupt_frame *frame)
{
	report_header(vector);
	report_iret_frame(frame->rip, frame->cs, frame->rflags, frame->rsp, frame->ss);
}

// TODO(3): Make exc_breakpoint a handler the CPU can call: give it
//          __attribute__((interrupt)) and print the report with
//          report_exception(X86_TRAP_BP, frame). Then just return: int3 is a
//          trap, so the saved RIP already points after it.
void exc_breakpoint(struct interrupt_frame *frame)
{
}

// TODO(4): Write exc_divide_error and exc_invalid_opcode the same way, but do
//          not return: they are faults, so returning would run the failing
//          instruction again, forever. Print the report, then stop with
//          exception_stop(vector) (registry.h).
void exc_divide_error(struct interrupt_frame *frame)
{
}

void exc_invalid_opcode(struct interrupt_frame *frame)
{
}

/* Runs at start-up (LAB_INIT): fills the IDT, then loads it. */
static void idt_init(void)
{
	// TODO(3, 4): Install interrupt gates (IST 0, DPL 0) for X86_TRAP_DE,
	//          X86_TRAP_BP and X86_TRAP_UD with idt_set_gate, e.g.
	//              idt_set_gate(X86_TRAP_BP, (uint64_t)exc_breakpoint, 0, IDT_TYPE_INTERRUPT, 0);
	idt_load();
}
LAB_INIT(idt_init);
