/**
 * @file kprintf.h
 * @brief printf for the kernel, with the conversions a kernel needs.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%. Length: l, ll, z (h, hh accepted).
 * Flags: 0 (zero pad), - (left justify), # (0x prefix for %x/%X).
 * Width and precision as numbers or '*'; precision limits %s.
 * %p prints "0x" and 16 hex digits.
 */
#ifndef KPRINTF_H
#define KPRINTF_H

#include <stdarg.h>
#include <stddef.h>

/** @brief A place formatted text goes, one chunk at a time. */
typedef void (*kprintf_sink)(void *ctx, const char *s, size_t len);

/**
 * @brief Formats into a sink; the engine behind every other function here.
 * @param sink receives the output in chunks. @param ctx passed to @p sink.
 * @param fmt the format. @param ap its arguments.
 * @return the number of characters produced.
 */
int kvprintf_to(kprintf_sink sink, void *ctx, const char *fmt, va_list ap);

/** @brief Formats to the console. @param fmt the format. @return characters written. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief kprintf with a va_list. @param fmt the format. @param ap its arguments. @return characters written. */
int kvprintf(const char *fmt, va_list ap);

/**
 * @brief Formats into a buffer, always NUL-terminated when @p size > 0.
 * @param buf the buffer. @param size its size. @param fmt the format.
 * @return the length the full output would have (as C's snprintf).
 */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** @brief ksnprintf with a va_list. @param buf the buffer. @param size its size. @param fmt the format. @param ap its arguments. @return the full length. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* KPRINTF_H */
