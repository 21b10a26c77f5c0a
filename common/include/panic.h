/**
 * @file panic.h
 * @brief Stopping the kernel loudly: panic and frame-pointer call traces.
 */
#ifndef PANIC_H
#define PANIC_H

#include <stdint.h>

/**
 * @brief Prints "KERNEL PANIC: <message>" and a call trace, then exits QEMU
 *        with KERNEL_EXIT_FAILURE (halts on real hardware).
 * @param fmt printf-style message.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/**
 * @brief Prints "Call Trace:" and one line per frame, following saved frame
 *        pointers from @p rbp while they stay inside a known kernel stack.
 * @param rbp frame pointer of the innermost frame to show.
 */
void print_call_trace(uint64_t rbp);

/** @brief Asserts a condition, panicking with the file, line and expression when it fails. */
#define KASSERT(cond) \
	do { if (!(cond)) panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif /* PANIC_H */
