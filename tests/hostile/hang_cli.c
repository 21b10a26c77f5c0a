/* hang_cli.c - hostile: interrupts off, then halt forever. Nothing can wake
 * the CPU, so only the grader's wall-clock limit ends the run. */
#include "registry.h"

SCENARIO(hostile_hang, "cli; hlt forever")
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
