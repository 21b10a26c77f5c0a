/**
 * @file cmdline.h
 * @brief The kernel command line: space-separated key=value words.
 *
 * Example: "test=write_unmapped seed=1234". Pure string code, also built and
 * tested on the host.
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/**
 * @brief Copies the value of @p key into @p out.
 * @param cmdline the whole command line. @param key the key, without '='.
 * @param out receives the value, NUL-terminated (truncated to fit).
 * @param size size of @p out.
 * @return true if the key is present (a bare "key" gives "").
 */
bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size);

/**
 * @brief Reads a numeric value (decimal, or hex with 0x).
 * @param cmdline the command line. @param key the key.
 * @param fallback returned when the key is absent or not a number.
 * @return the value.
 */
uint64_t cmdline_get_u64(const char *cmdline, const char *key, uint64_t fallback);

#endif /* CMDLINE_H */
