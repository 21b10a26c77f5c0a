/**
 * @file stack.h
 * @brief Kernel stacks with an unmapped guard page below them.
 *
 * GUARDED_STACK(name, size) reserves a page-aligned region in .bss: one guard
 * page, then @p size bytes of stack. It also registers the region, so the
 * page-table setup leaves the guard page unmapped (an overflow faults instead
 * of corrupting memory) and call traces know where stacks are.
 */
#ifndef STACK_H
#define STACK_H

#include <stdint.h>
#include <stdbool.h>

#define PAGE_SIZE 4096 /**< the only page size stacks use */

/** @brief One registered stack: its guard page and its usable range. */
struct stack_region {
	const char *name; /**< the stack's C name */
	uintptr_t guard;  /**< first byte of the guard page */
	uintptr_t bottom; /**< lowest usable byte (just above the guard) */
	uintptr_t top;    /**< one past the highest byte: the initial RSP */
};

/**
 * @brief Defines a guarded stack `name` with members `.guard` and `.stack`.
 * @param name the C name. @param size usable bytes, a multiple of PAGE_SIZE.
 */
#define GUARDED_STACK(name, size) GUARDED_STACK_IN(name, size, ".bss.stacks")

/**
 * @brief GUARDED_STACK in a given .bss section. The main kernel stack uses
 *        ".bss.kernel_stack", which the linker script places above all other
 *        stacks: a trap taken on an IST stack then lies below the code it
 *        interrupted, as debuggers expect of a younger frame.
 * @param name the C name. @param size usable bytes. @param sect the section name.
 */
#define GUARDED_STACK_IN(name, size, sect) \
	_Static_assert((size) % PAGE_SIZE == 0, "stack size must be whole pages"); \
	struct guarded_stack_##name { \
		uint8_t guard[PAGE_SIZE]; /* left unmapped */ \
		uint8_t stack[size]; \
	}; \
	__attribute__((section(sect), aligned(PAGE_SIZE))) \
	struct guarded_stack_##name name; \
	static const struct stack_region name##_region \
	__attribute__((used, section(".stack_registry"), aligned(8))) = { \
		#name, (uintptr_t)&name.guard, (uintptr_t)&name.stack, \
		(uintptr_t)&name.stack + (size) }

/** @brief Address of the first byte above a guarded stack: its initial RSP. */
#define GUARDED_STACK_TOP(name) ((uintptr_t)(name).stack + sizeof((name).stack))

/** @brief The kernel's main stack (16 KiB). */
#define KERNEL_STACK_SIZE (4 * PAGE_SIZE)

/**
 * @brief Finds the registered stack whose usable range holds @p addr.
 * @param addr an address. @return the region, or NULL.
 */
const struct stack_region *stack_find(uintptr_t addr);

/** @brief Is @p addr inside some registered stack's guard page? @param addr an address. @return true if so. */
bool stack_is_guard(uintptr_t addr);

/** @brief First registered stack; iterate up to stack_regions_end(). @return the array start. */
const struct stack_region *stack_regions_begin(void);

/** @brief One past the last registered stack. @return the array end. */
const struct stack_region *stack_regions_end(void);

#endif /* STACK_H */
