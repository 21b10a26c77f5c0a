/**
 * @file seed.h
 * @brief Seed-derived values the grader can predict.
 *
 * The grader puts a random seed= on the command line; scenarios derive
 * addresses and counts from it with seed_value(), and the grader computes the
 * same numbers (grader/lib/seed.py). The function is SplitMix64's finaliser
 * applied to seed + (index + 1) * 0x9E3779B97F4A7C15.
 */
#ifndef SEED_H
#define SEED_H

#include <stdint.h>

/** @brief SplitMix64's output function. @param x the input. @return a well-mixed 64-bit value. */
uint64_t seed_mix(uint64_t x);

/** @brief The @p index-th value derived from @p seed. @param seed the seed. @param index which value. @return the value. */
uint64_t seed_derive(uint64_t seed, uint64_t index);

/** @brief The @p index-th value derived from this run's seed (seed=, default 0). @param index which value. @return the value. */
uint64_t seed_value(uint64_t index);

/** @brief A value in [lo, hi] derived from this run's seed. @param index which value. @param lo smallest. @param hi largest. @return the value. */
uint64_t seed_range(uint64_t index, uint64_t lo, uint64_t hi);

#endif /* SEED_H */
