// SOURCES: common/kprintf.c common/report.c
// CFLAGS: -DKPRINTF_HOST_TEST
/* test_trap_report.c - the full report's exact text (docs/report-format.md),
 * from the trap_report.c that lab 02 gives (not a student exercise).
 *
 * trap_report.c is compiled into this file with host fakes for what a user
 * process cannot do: control registers, the console, symbols, call traces.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define X86_H /* keep the real x86.h (privileged instructions) out */
static inline uint64_t read_cr2(void) { return 0xdeadbeafULL; }
static inline uint64_t read_cr3(void) { return 0x110000ULL; }
static inline uint64_t read_cr4(void) { return 0x620ULL; }

#include "kprintf.h"
static char out[4096];
static size_t used;
int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(out + used, sizeof(out) - used, fmt, ap);
	va_end(ap);
	used += (size_t)n;
	return n;
}

const char *ksym_format(uint64_t addr, char *buf, size_t size)
{
	ksnprintf(buf, size, "%s", addr == 0x102a31 ? " <scenario_write_unmapped+0x11>" : "");
	return buf;
}

static uint64_t trace_from;
void print_call_trace(uint64_t rbp)
{
	trace_from = rbp;
	kprintf("Call Trace:\n");
}

#include "trap_report.c" /* the tested tree's labs/02-frames/trap_report.c (-I) */

static struct trap_frame frame(uint64_t vector, uint64_t error)
{
	struct trap_frame tf = {
		.rbp = 0x117f60, .link_rip = 0x102a31, .r15 = 15, .r14 = 14, .r13 = 13, .r12 = 12,
		.r11 = 11, .r10 = 10, .r9 = 9, .r8 = 8, .rdi = 0xd1, .rsi = 0x51, .rdx = 0xd,
		.rcx = 0xc, .rbx = 0xb, .rax = 0xa, .vector = vector, .error_code = error,
		.rip = 0x102a31, .cs = 0x18, .rflags = 0x46, .rsp = 0x117f28, .ss = 0x10,
	};
	return tf;
}

Test(trap_report, page_fault_has_error_code_and_every_register)
{
	struct trap_frame tf = frame(14, 2);
	used = 0;
	trap_report(&tf);
	cr_expect_str_eq(out,
		"EXCEPTION: PAGE FAULT (#PF, vector 14)\n"
		"#PF: error_code(0x0002)\n"
		"RIP: 0018:0x0000000000102a31 <scenario_write_unmapped+0x11>\n"
		"RSP: 0010:0x0000000000117f28 EFLAGS: 0x00000046\n"
		"RAX: 0x000000000000000a RBX: 0x000000000000000b RCX: 0x000000000000000c\n"
		"RDX: 0x000000000000000d RSI: 0x0000000000000051 RDI: 0x00000000000000d1\n"
		"RBP: 0x0000000000117f60 R08: 0x0000000000000008 R09: 0x0000000000000009\n"
		"R10: 0x000000000000000a R11: 0x000000000000000b R12: 0x000000000000000c\n"
		"R13: 0x000000000000000d R14: 0x000000000000000e R15: 0x000000000000000f\n"
		"CR2: 0x00000000deadbeaf CR3: 0x0000000000110000 CR4: 0x0000000000000620\n"
		"Call Trace:\n");
	cr_expect_eq(trace_from, (uint64_t)(uintptr_t)&tf.rbp, "the trace starts at the fake frame");
}

Test(trap_report, breakpoint_has_no_error_code_line)
{
	struct trap_frame tf = frame(3, 0);
	used = 0;
	trap_report(&tf);
	cr_expect(memcmp(out, "EXCEPTION: BREAKPOINT (#BP, vector 3)\nRIP: ", 43) == 0, "got:\n%s", out);
}

Test(trap_report, software_vector)
{
	struct trap_frame tf = frame(200, 0);
	used = 0;
	trap_report(&tf);
	cr_expect(memcmp(out, "EXCEPTION: INTERRUPT (#INT, vector 200)\nRIP: ", 44) == 0, "got:\n%s", out);
}
