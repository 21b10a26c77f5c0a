/* regs_check.c - the printing half of the register round trip. */
#include "kprintf.h"
#include "regs_roundtrip.h"
#include "seed.h"

const char *const regs_names[REGS_COUNT] = {
	"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "R8",
	"R9", "R10", "R11", "R12", "R13", "R14", "R15", "RFLAGS",
};

void regs_check(const char *what, void (*trip)(const uint64_t *, uint64_t *))
{
	uint64_t in[REGS_COUNT], out[REGS_COUNT];
	for (int i = 0; i < REGS_COUNT; i++)
		in[i] = seed_value(SEED_REGS + i);
	trip(in, out);
	for (int i = 0; i < REGS_COUNT; i++)
		kprintf("after %s: %s=0x%016lx\n", what, regs_names[i], (unsigned long)out[i]);
}
