/**
 * @file string.h
 * @brief The few C library string functions the kernel (and GCC) use.
 *
 * GCC may emit calls to memcpy, memset, memmove and memcmp even in
 * freestanding code (struct copies, large initialisers), so they must exist.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

/** @brief Fills @p n bytes at @p dst with @p c. @param dst destination. @param c byte value. @param n count. @return @p dst. */
void *memset(void *dst, int c, size_t n);

/** @brief Copies @p n bytes; the areas must not overlap. @param dst destination. @param src source. @param n count. @return @p dst. */
void *memcpy(void *dst, const void *src, size_t n);

/** @brief Copies @p n bytes; the areas may overlap. @param dst destination. @param src source. @param n count. @return @p dst. */
void *memmove(void *dst, const void *src, size_t n);

/** @brief Compares @p n bytes. @param a first area. @param b second area. @param n count. @return <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n);

/** @brief Length of a NUL-terminated string. @param s the string. @return its length. */
size_t strlen(const char *s);

/** @brief Compares two strings. @param a first. @param b second. @return <0, 0 or >0. */
int strcmp(const char *a, const char *b);

#endif /* KERNEL_STRING_H */
