/* triple_at_boot.c - hostile: a lab init that loads an empty IDT and
 * executes int3. The breakpoint cannot be delivered, nor the #GP that
 * follows, nor the #DF: the CPU resets before any scenario runs. */
#include <stdint.h>
#include "registry.h"

static void hostile_triple_init(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(empty));
}
LAB_INIT(hostile_triple_init);
