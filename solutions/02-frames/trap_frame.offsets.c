/* trap_frame.offsets.c - computes trap_frame.inc for NASM (never linked).
 *
 * The build compiles this file to assembly only; each OFFSET line leaves a
 * marker "@@asm-offset NAME VALUE" there, which mk/stage.mk turns into
 * "%define NAME VALUE". The layout is thus written once, in trap_frame.h.
 */
#include <stddef.h>
#include "trap_frame.h"

#define OFFSET(name, member) \
	__asm__ volatile("\n.ascii \"@@asm-offset " #name " %c0\"" \
			 : : "i"(offsetof(struct trap_frame, member)))

void trap_frame_offsets(void);

void trap_frame_offsets(void)
{
	OFFSET(TF_RBP, rbp);
	OFFSET(TF_LINK_RIP, link_rip);
	OFFSET(TF_R15, r15);
	OFFSET(TF_RAX, rax);
	OFFSET(TF_VECTOR, vector);
	OFFSET(TF_ERROR_CODE, error_code);
	OFFSET(TF_RIP, rip);
	OFFSET(TF_RSP, rsp);
	__asm__ volatile("\n.ascii \"@@asm-offset TF_SIZE %c0\"" : : "i"(sizeof(struct trap_frame)));
}
