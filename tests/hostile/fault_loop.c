/* fault_loop.c - hostile: a #UD handler that returns to the ud2, which
 * faults again, forever: QEMU logs every delivery (a register dump each),
 * tens of megabytes a second until the grader's timeout. */
#include <stdint.h>
#include "registry.h"
#include "x86.h"

struct frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

static uint64_t gates[256 * 2] __attribute__((aligned(16)));

/* Returns to the faulting ud2 itself: the fault is never fixed. */
__attribute__((interrupt)) static void hostile_ud_again(struct frame *f)
{
	(void)f;
}

SCENARIO(hostile_fault_loop, "ud2 whose handler returns to it: faults forever")
{
	uint64_t h = (uint64_t)(uintptr_t)hostile_ud_again;
	gates[6 * 2] = (h & 0xFFFF) | ((uint64_t)read_cs() << 16) | (0x8EULL << 40) |
		       ((h >> 16 & 0xFFFF) << 48);
	gates[6 * 2 + 1] = h >> 32;
	struct x86_table_reg idtr = { sizeof(gates) - 1, (uint64_t)(uintptr_t)gates };
	__asm__ volatile("lidt %0; ud2" : : "m"(idtr));
}
