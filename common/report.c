/* report.c - the shared lines of every exception report (report.h). */
#include "report.h"
#include "kprintf.h"
#include "ksyms.h"

static const struct {
	const char *name;
	const char *mnemonic;
} exceptions[X86_NR_EXCEPTIONS] = {
	[0]  = { "DIVIDE ERROR", "#DE" },
	[1]  = { "DEBUG", "#DB" },
	[2]  = { "NON-MASKABLE INTERRUPT", "#NMI" },
	[3]  = { "BREAKPOINT", "#BP" },
	[4]  = { "OVERFLOW", "#OF" },
	[5]  = { "BOUND RANGE EXCEEDED", "#BR" },
	[6]  = { "INVALID OPCODE", "#UD" },
	[7]  = { "DEVICE NOT AVAILABLE", "#NM" },
	[8]  = { "DOUBLE FAULT", "#DF" },
	[9]  = { "COPROCESSOR SEGMENT OVERRUN", "#CSO" },
	[10] = { "INVALID TSS", "#TS" },
	[11] = { "SEGMENT NOT PRESENT", "#NP" },
	[12] = { "STACK-SEGMENT FAULT", "#SS" },
	[13] = { "GENERAL PROTECTION FAULT", "#GP" },
	[14] = { "PAGE FAULT", "#PF" },
	[16] = { "X87 FLOATING-POINT ERROR", "#MF" },
	[17] = { "ALIGNMENT CHECK", "#AC" },
	[18] = { "MACHINE CHECK", "#MC" },
	[19] = { "SIMD FLOATING-POINT ERROR", "#XM" },
	[20] = { "VIRTUALIZATION EXCEPTION", "#VE" },
	[21] = { "CONTROL PROTECTION", "#CP" },
	[28] = { "HYPERVISOR INJECTION", "#HV" },
	[29] = { "VMM COMMUNICATION", "#VC" },
	[30] = { "SECURITY EXCEPTION", "#SX" },
};

const char *exception_name(unsigned vector)
{
	if (vector >= X86_NR_EXCEPTIONS)
		return "INTERRUPT";
	return exceptions[vector].name ? exceptions[vector].name : "RESERVED";
}

const char *exception_mnemonic(unsigned vector)
{
	if (vector >= X86_NR_EXCEPTIONS)
		return "#INT";
	return exceptions[vector].mnemonic ? exceptions[vector].mnemonic : "#RES";
}

bool exception_has_error_code(unsigned vector)
{
	switch (vector) {
	case 8: case 10: case 11: case 12: case 13: case 14:
	case 17: case 21: case 29: case 30:
		return true;
	default:
		return false;
	}
}

void report_header(unsigned vector)
{
	kprintf("EXCEPTION: %s (%s, vector %u)\n", exception_name(vector),
		exception_mnemonic(vector), vector);
}

void report_error_code(unsigned vector, uint64_t error_code)
{
	kprintf("%s: error_code(0x%04lx)\n", exception_mnemonic(vector), (unsigned long)error_code);
}

void report_iret_frame(uint64_t rip, uint64_t cs, uint64_t rflags, uint64_t rsp, uint64_t ss)
{
	char sym[96];
	kprintf("RIP: %04lx:0x%016lx%s\n", (unsigned long)(cs & 0xffff), (unsigned long)rip,
		ksym_format(rip, sym, sizeof(sym)));
	kprintf("RSP: %04lx:0x%016lx EFLAGS: 0x%08lx\n", (unsigned long)(ss & 0xffff),
		(unsigned long)rsp, (unsigned long)rflags);
}
