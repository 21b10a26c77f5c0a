/* trap_report.c - the full exception report (given: formatting is not the
 * lesson; the format is documented in docs/report-format.md). */
#include "kprintf.h"
#include "panic.h"
#include "report.h"
#include "trap.h"
#include "x86.h"

void trap_report_frame(const struct trap_frame *tf)
{
	report_iret_frame(tf->rip, tf->cs, tf->rflags, tf->rsp, tf->ss);
	kprintf("RAX: 0x%016lx RBX: 0x%016lx RCX: 0x%016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("RDX: 0x%016lx RSI: 0x%016lx RDI: 0x%016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("RBP: 0x%016lx R08: 0x%016lx R09: 0x%016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("R10: 0x%016lx R11: 0x%016lx R12: 0x%016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("R13: 0x%016lx R14: 0x%016lx R15: 0x%016lx\n", tf->r13, tf->r14, tf->r15);
	kprintf("CR2: 0x%016lx CR3: 0x%016lx CR4: 0x%016lx\n", read_cr2(), read_cr3(), read_cr4());
	/* The frame begins with a fake call frame (rbp, link_rip): the trace
	 * starts in the interrupted function and walks on to its callers. */
	print_call_trace((uint64_t)(uintptr_t)&tf->rbp);
}

void trap_report(const struct trap_frame *tf)
{
	report_header((unsigned)tf->vector);
	if (exception_has_error_code((unsigned)tf->vector))
		report_error_code((unsigned)tf->vector, tf->error_code);
	trap_report_frame(tf);
}
