// LAB_SOURCES: 03-pagefault/pf_error.c
/* test_lab03_pf_error.c - lab 03's page-fault error-code decoding. */
#include <criterion/criterion.h>
#include <string.h>
#include "pf_error.h"

/* pf_error_flags into a roomy buffer; checks the returned length too. */
static const char *flags_of(uint64_t error)
{
	static char buf[256];
	memset(buf, 'x', sizeof(buf));
	size_t n = pf_error_flags(error, buf, sizeof(buf));
	cr_assert_eq(n, strlen(buf), "returned length %zu vs text \"%s\"", n, buf);
	return buf;
}

Test(pf_error, bits_are_where_the_cpu_puts_them)
{
	cr_expect_eq(X86_PF_PROT, 0x1);
	cr_expect_eq(X86_PF_WRITE, 0x2);
	cr_expect_eq(X86_PF_USER, 0x4);
	cr_expect_eq(X86_PF_RSVD, 0x8);
	cr_expect_eq(X86_PF_INSTR, 0x10);
	cr_expect_eq(X86_PF_PK, 0x20);
	cr_expect_eq(X86_PF_SHSTK, 0x40);
	cr_expect_eq(X86_PF_SGX, 0x8000);
}

Test(pf_error, bit_names)
{
	static const char *const want[16] = {
		"PROTECTION_VIOLATION", "CAUSED_BY_WRITE", "USER_MODE", "MALFORMED_TABLE",
		"INSTRUCTION_FETCH", "PROTECTION_KEY", "SHADOW_STACK", NULL, NULL, NULL, NULL,
		NULL, NULL, NULL, NULL, "SGX",
	};
	for (unsigned bit = 0; bit < 16; bit++) {
		const char *got = pf_error_bit_name(bit);
		if (want[bit])
			cr_expect(got && strcmp(got, want[bit]) == 0, "bit %u: %s", bit, got ? got : "NULL");
		else
			cr_expect_null(got, "bit %u has no meaning, got %s", bit, got);
	}
	cr_expect_null(pf_error_bit_name(16));
	cr_expect_null(pf_error_bit_name(63));
	cr_expect_null(pf_error_bit_name(1000));
}

Test(pf_error, access_in_words)
{
	cr_expect_str_eq(pf_error_who(0x0), "supervisor");
	cr_expect_str_eq(pf_error_who(0x6), "user");
	cr_expect_str_eq(pf_error_access(0x0), "read access");
	cr_expect_str_eq(pf_error_access(0x2), "write access");
	cr_expect_str_eq(pf_error_access(0x3), "write access");
	cr_expect_str_eq(pf_error_access(0x11), "instruction fetch");
	cr_expect_str_eq(pf_error_access(0x15), "instruction fetch");
	cr_expect_str_eq(pf_error_access(0x8), "read access");
}

Test(pf_error, cause)
{
	cr_expect_str_eq(pf_error_cause(0x0), "not-present page");
	cr_expect_str_eq(pf_error_cause(0x2), "not-present page");
	cr_expect_str_eq(pf_error_cause(0x4), "not-present page");
	cr_expect_str_eq(pf_error_cause(0x3), "protection violation");
	cr_expect_str_eq(pf_error_cause(0x11), "protection violation");
	/* The CPU reports 0x9; QEMU 7.2's TCG reports 0x8: both are reserved bits. */
	cr_expect_str_eq(pf_error_cause(0x9), "reserved bit violation");
	cr_expect_str_eq(pf_error_cause(0x8), "reserved bit violation");
}

Test(pf_error, flags_of_the_lab_faults)
{
	cr_expect_str_eq(flags_of(0x0), "");
	cr_expect_str_eq(flags_of(0x2), "CAUSED_BY_WRITE");
	cr_expect_str_eq(flags_of(0x3), "PROTECTION_VIOLATION CAUSED_BY_WRITE");
	cr_expect_str_eq(flags_of(0x11), "PROTECTION_VIOLATION INSTRUCTION_FETCH");
	cr_expect_str_eq(flags_of(0x9), "PROTECTION_VIOLATION MALFORMED_TABLE");
	cr_expect_str_eq(flags_of(0x7), "PROTECTION_VIOLATION CAUSED_BY_WRITE USER_MODE");
	cr_expect_str_eq(flags_of(0x60), "PROTECTION_KEY SHADOW_STACK");
	cr_expect_str_eq(flags_of(0x8000), "SGX");
}

Test(pf_error, unnamed_bits_by_number)
{
	cr_expect_str_eq(flags_of(0x80), "BIT7");
	cr_expect_str_eq(flags_of(0x4000), "BIT14");
	cr_expect_str_eq(flags_of(1ULL << 63), "BIT63");
	cr_expect_str_eq(flags_of(0x8002 | (1ULL << 40)), "CAUSED_BY_WRITE SGX BIT40");
}

Test(pf_error, cut_to_fit)
{
	char buf[10];
	memset(buf, 'x', sizeof(buf));
	size_t n = pf_error_flags(0x3, buf, sizeof(buf));
	cr_expect_str_eq(buf, "PROTECTIO");
	cr_expect_eq(n, 9);

	char one[1] = { 'x' };
	cr_expect_eq(pf_error_flags(0x3, one, 1), 0);
	cr_expect_eq(one[0], '\0');

	char none[1] = { 'x' };
	cr_expect_eq(pf_error_flags(0x3, none, 0), 0);
	cr_expect_eq(none[0], 'x', "size 0: nothing may be written");
}
