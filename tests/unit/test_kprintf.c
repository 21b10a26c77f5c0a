// SOURCES: common/kprintf.c
// CFLAGS: -DKPRINTF_HOST_TEST
/* test_kprintf.c - kprintf's formatting, checked against the C library. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdint.h>
#include "kprintf.h"

/* Formats with both ksnprintf and snprintf; they must agree. */
#define SAME(fmt, ...) do { \
	char ours[256], libc[256]; \
	int n1 = ksnprintf(ours, sizeof(ours), fmt, __VA_ARGS__); \
	int n2 = snprintf(libc, sizeof(libc), fmt, __VA_ARGS__); \
	cr_expect_str_eq(ours, libc, "format \"%s\"", fmt); \
	cr_expect_eq(n1, n2, "length of \"%s\"", fmt); \
} while (0)

Test(kprintf, integers)
{
	SAME("%d %i %u", -42, 7, 3000000000u);
	SAME("%d", INT32_MIN);
	SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
	SAME("%lld %llu", (long long)-1, (unsigned long long)18446744073709551615ULL);
	SAME("%zu %zd", (size_t)12345, (ssize_t)-5);
}

Test(kprintf, hex)
{
	SAME("%x %X", 0xdeadbeefu, 0xdeadbeefu);
	SAME("%#x %#X %#x", 0x2au, 0x2au, 0u);
	SAME("%016lx", 0x117f28UL);
	SAME("%04x", 0x18u);
	SAME("0x%08lx", 0x46UL);
}

Test(kprintf, width_and_flags)
{
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%-24s] [%3s]", "breakpoint", "toolong");
	SAME("[%*d] [%-*d]", 6, 7, 6, 7);
	SAME("[%.3s]", "abcdef");
	SAME("[%c%c] %%", 'o', 'k');
	SAME("[%8c]", 'x');
}

Test(kprintf, pointer_is_0x_and_16_digits)
{
	char buf[64];
	ksnprintf(buf, sizeof(buf), "%p", (void *)0xb8000);
	cr_expect_str_eq(buf, "0x00000000000b8000");
}

Test(kprintf, truncates_and_terminates)
{
	char buf[8];
	int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
	cr_expect_eq(n, 10);
	cr_expect_str_eq(buf, "0123456");
}

Test(kprintf, null_string_and_unknown_conversion)
{
	char buf[64];
#pragma GCC diagnostic push /* the bad format is the point of this test */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
	ksnprintf(buf, sizeof(buf), "%s|%q|%", (char *)NULL);
#pragma GCC diagnostic pop
	cr_expect_str_eq(buf, "(null)|%q|%");
}
