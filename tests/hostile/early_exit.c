/* early_exit.c - hostile: exits with the success code before doing the work. */
#include "qemu.h"
#include "registry.h"

SCENARIO(hostile_early_exit, "exit with the success code at once")
{
	qemu_exit(KERNEL_EXIT_SUCCESS);
}
