/* report.c - the shared lines of every exception report (report.h). */
#include "report.h"
#include "kprintf.h"
#include "ksyms.h"

#define EXCEPTION_ENTRY_(vector, id, name_, err) [vector] = { name_, "#" #id },
/* Names and mnemonics by vector, from the one table (x86_exceptions.h). */
static const struct {
	const char *name;
	const char *mnemonic;
} exceptions[X86_NR_EXCEPTIONS] = { X86_EXCEPTIONS(EXCEPTION_ENTRY_) };
#undef EXCEPTION_ENTRY_

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
	return vector < X86_NR_EXCEPTIONS && (X86_ERROR_CODE_MASK >> vector & 1);
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
