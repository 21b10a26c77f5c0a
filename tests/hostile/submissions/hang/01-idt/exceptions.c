/* A kernel that hangs at boot, for killing the grader while it runs. */
#include "registry.h"

static void hang_init(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}
LAB_INIT(hang_init);
