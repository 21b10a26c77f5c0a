/* busy_loop.c - hostile: spin forever at full speed, printing nothing. */
#include "registry.h"

SCENARIO(hostile_busy, "an endless busy loop")
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}
