/* x86_exceptions.offsets.c - turns x86_exceptions.h into NASM constants in
 * x86_exceptions.inc (compiled to assembly only, never linked; the markers
 * are read by mk/stage.mk as for lab 02's trap_frame.offsets.c), so the
 * stubs read the error-code vectors from the same table as the C code. */
#include "x86_exceptions.h"

#define CONSTANT(name, value) \
	__asm__ volatile("\n.ascii \"@@asm-offset " #name " %c0\"" : : "i"(value))

void x86_exceptions_offsets(void);

void x86_exceptions_offsets(void)
{
	CONSTANT(X86_ERROR_CODE_MASK, X86_ERROR_CODE_MASK);
	CONSTANT(X86_NR_EXCEPTIONS, X86_NR_EXCEPTIONS);
}
