/* pf_error.c - lab 03, exercise 1: the #PF error code in words (pf_error.h). */
#include "pf_error.h"

const char *pf_error_bit_name(unsigned bit)
{
	// BEGIN SOLUTION
	// TODO(1): Return the name of error-code bit `bit` from the table in
	//          pf_error.h (bit 0 "PROTECTION_VIOLATION", bit 1
	//          "CAUSED_BY_WRITE", ...), or NULL for bits without a meaning.
	// STUB: return NULL;
	static const char *const names[16] = {
		[0] = "PROTECTION_VIOLATION",
		[1] = "CAUSED_BY_WRITE",
		[2] = "USER_MODE",
		[3] = "MALFORMED_TABLE",
		[4] = "INSTRUCTION_FETCH",
		[5] = "PROTECTION_KEY",
		[6] = "SHADOW_STACK",
		[15] = "SGX",
	};
	return bit < 16 ? names[bit] : NULL;
	// END SOLUTION
}

const char *pf_error_who(uint64_t error)
{
	// BEGIN SOLUTION
	// TODO(1): "user" when the USER_MODE bit is set, else "supervisor".
	// STUB: return "?";
	return (error & X86_PF_USER) ? "user" : "supervisor";
	// END SOLUTION
}

const char *pf_error_access(uint64_t error)
{
	// BEGIN SOLUTION
	// TODO(1): "instruction fetch" when INSTRUCTION_FETCH is set, else
	//          "write access" when CAUSED_BY_WRITE is set, else "read access".
	// STUB: return "?";
	if (error & X86_PF_INSTR)
		return "instruction fetch";
	return (error & X86_PF_WRITE) ? "write access" : "read access";
	// END SOLUTION
}

const char *pf_error_cause(uint64_t error)
{
	// BEGIN SOLUTION
	// TODO(1): "reserved bit violation" when MALFORMED_TABLE is set, else
	//          "protection violation" when PROTECTION_VIOLATION is set, else
	//          "not-present page".
	// STUB: return "?";
	if (error & X86_PF_RSVD)
		return "reserved bit violation";
	return (error & X86_PF_PROT) ? "protection violation" : "not-present page";
	// END SOLUTION
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
	// BEGIN SOLUTION
	// TODO(1): For each set bit of `error`, lowest first, append its name
	//          (pf_error_bit_name) with append(buf, size, len, ...), a space
	//          between two names. A set bit without a name: "BIT<n>".
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(error & (1ULL << bit)))
			continue;
		if (len)
			len = append(buf, size, len, " ");
		const char *name = pf_error_bit_name(bit);
		if (name) {
			len = append(buf, size, len, name);
		} else {
			char num[8] = "BIT";
			unsigned i = 3;
			if (bit >= 10)
				num[i++] = (char)('0' + bit / 10);
			num[i++] = (char)('0' + bit % 10);
			num[i] = '\0';
			len = append(buf, size, len, num);
		}
	}
	// END SOLUTION
	return len;
}
