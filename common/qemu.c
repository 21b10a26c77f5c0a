/* qemu.c - leaving the emulator with a status. */
#include "qemu.h"
#include "x86.h"

void qemu_exit(uint8_t code)
{
	outb(QEMU_EXIT_PORT, code);
	/* Still here: real hardware, or QEMU without isa-debug-exit. */
	cpu_halt_forever();
}
