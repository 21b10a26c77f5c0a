/**
 * @file ksyms.h
 * @brief The kernel's own symbol table, for readable addresses in reports.
 *
 * The build links the kernel twice: the second link embeds the function
 * symbols of the first (sorted, from nm) in the section .ksyms, placed last
 * so that no other address moves.
 */
#ifndef KSYMS_H
#define KSYMS_H

#include <stddef.h>
#include <stdint.h>

/**
 * @brief Finds the function containing @p addr.
 * @param addr a code address. @param offset receives addr minus the function start (may be NULL).
 * @return the function's name, or NULL if @p addr is in no known function.
 */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/**
 * @brief Formats " <name+0xoff>" for @p addr, or "" when unknown.
 * @param addr a code address. @param buf the buffer. @param size its size.
 * @return @p buf.
 */
const char *ksym_format(uint64_t addr, char *buf, size_t size);

/**
 * @brief Address of a function by name (linear search; for scenarios and tests).
 * @param name the symbol. @return its address, or 0 if absent.
 */
uint64_t ksym_address(const char *name);

#endif /* KSYMS_H */
