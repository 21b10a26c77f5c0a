/* stacks.c - the kernel's main stack and lookups over all guarded stacks. */
#include <stddef.h>
#include "stack.h"

GUARDED_STACK_IN(kernel_stack, KERNEL_STACK_SIZE, ".bss.kernel_stack");

/* Read by the boot assembly, which cannot evaluate GUARDED_STACK_TOP. */
const uintptr_t kernel_stack_top = GUARDED_STACK_TOP(kernel_stack);

extern const struct stack_region __stacks_start[], __stacks_end[];

const struct stack_region *stack_regions_begin(void)
{
	return __stacks_start;
}

const struct stack_region *stack_regions_end(void)
{
	return __stacks_end;
}

const struct stack_region *stack_find(uintptr_t addr)
{
	for (const struct stack_region *r = __stacks_start; r < __stacks_end; r++)
		if (addr >= r->bottom && addr < r->top)
			return r;
	return NULL;
}

bool stack_is_guard(uintptr_t addr)
{
	for (const struct stack_region *r = __stacks_start; r < __stacks_end; r++)
		if (addr >= r->guard && addr < r->bottom)
			return true;
	return false;
}
