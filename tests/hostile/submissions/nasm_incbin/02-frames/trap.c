/* Prints what the attacker's trap_stubs.asm assembled in. */
#include "kprintf.h"
#include "registry.h"
#include "trap.h"

extern const char leaked[];

void trap_register(unsigned vector, trap_handler handler) { (void)vector; (void)handler; }
void trap_dispatch(struct trap_frame *tf) { (void)tf; }

static void leak_init(void)
{
	kprintf("leak: %s\n", leaked);
}
LAB_INIT(leak_init);
