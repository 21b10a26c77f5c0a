// SOURCES: common/cmdline.c common/seed.c
// CFLAGS: -DSEED_HOST_TEST
/* test_cmdline.c - command-line lookup and the seed twin. */
#include <criterion/criterion.h>
#include "cmdline.h"
#include "seed.h"

Test(cmdline, finds_values)
{
	char v[32];
	cr_expect(cmdline_get("test=write_unmapped seed=1234", "test", v, sizeof(v)));
	cr_expect_str_eq(v, "write_unmapped");
	cr_expect(cmdline_get("test=a seed=1234", "seed", v, sizeof(v)));
	cr_expect_str_eq(v, "1234");
}

Test(cmdline, keys_match_whole_words)
{
	char v[32];
	cr_expect_not(cmdline_get("testing=1 atest=2", "test", v, sizeof(v)));
	cr_expect(cmdline_get("  verbose  test=x", "verbose", v, sizeof(v)));
	cr_expect_str_eq(v, "");
}

Test(cmdline, truncates_long_values)
{
	char v[4];
	cr_expect(cmdline_get("test=abcdefgh", "test", v, sizeof(v)));
	cr_expect_str_eq(v, "abc");
}

Test(cmdline, numbers)
{
	cr_expect_eq(cmdline_get_u64("seed=42", "seed", 7), 42);
	cr_expect_eq(cmdline_get_u64("seed=0x2A", "seed", 7), 42);
	cr_expect_eq(cmdline_get_u64("seed=4x2", "seed", 7), 7);
	cr_expect_eq(cmdline_get_u64("seed=", "seed", 7), 7);
	cr_expect_eq(cmdline_get_u64("", "seed", 7), 7);
	cr_expect_eq(cmdline_get_u64("seed=18446744073709551615", "seed", 7), UINT64_MAX);
}

Test(seed, matches_the_grader_twin)
{
	/* grader/lib/kgrade/seed.py gives the same numbers. */
	cr_expect_eq(seed_derive(77, 0), 0x6258cbe07c1ff081ULL);
	cr_expect_eq(seed_derive(77, 3), 0x326bb017690269bbULL);
}
