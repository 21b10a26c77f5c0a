/* seed.c - values derived from the run's seed; twin of grader/lib/seed.py. */
#include "seed.h"
#include "registry.h"

uint64_t seed_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return x;
}

uint64_t seed_derive(uint64_t seed, uint64_t index)
{
	return seed_mix(seed + (index + 1) * 0x9E3779B97F4A7C15ULL);
}

#ifndef SEED_HOST_TEST
uint64_t seed_value(uint64_t index)
{
	return seed_derive(scenario_seed, index);
}

uint64_t seed_range(uint64_t index, uint64_t lo, uint64_t hi)
{
	return lo + seed_value(index) % (hi - lo + 1);
}
#endif
