/* pf_error.c - lab 03, exercise 1: the #PF error code in words (pf_error.h). */
#include "pf_error.h"

const char *pf_error_bit_name(unsigned bit)
{
	// TODO(1): Return the name of error-code bit `bit` from the table in
	//          pf_error.h (bit 0 "PROTECTION_VIOLATION", bit 1
	//          "CAUSED_BY_WRITE", ...), or NULL for bits without a meaning.
	return NULL;
}

const char *pf_error_who(uint64_t error)
{
	// TODO(1): "user" when the USER_MODE bit is set, else "supervisor".
	return "?";
}

const char *pf_error_access(uint64_t error)
{
	// TODO(1): "instruction fetch" when INSTRUCTION_FETCH is set, else
	//          "write access" when CAUSED_BY_WRITE is set, else "read access".
	return "?";
}

const char *pf_error_cause(uint64_t error)
{
	// TODO(1): "reserved bit violation" when MALFORMED_TABLE is set, else
	//          "protection violation" when PROTECTION_VIOLATION is set, else
	//          "not-present page".
	return "?";
}

/* Appends @s at @len in @buf (of @size), cutting it to fit; the new length. */
static size_t append(char *buf, size_t size, size_t len, const char *s)
{
	while (*s && len + 1 < size)
		buf[len++] = *s++;
	if (size)
		buf[len] = '\0';
	return len;
}

size_t pf_error_flags(uint64_t error, char *buf, size_t size)
{
	size_t len = append(buf, size, 0, "");
	// TODO(1): For each set bit of `error`, lowest first, append its name
	//          (pf_error_bit_name) with append(buf, size, len, ...), a space
	//          between two names. A set bit without a name: "BIT<n>".
	return len;
}
