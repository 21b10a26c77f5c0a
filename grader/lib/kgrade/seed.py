"""Seed-derived values: the twin of common/seed.c, bit for bit."""

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(x):
    """SplitMix64's output function."""
    x &= MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    x ^= x >> 31
    return x


def derive(seed, index):
    """The index-th value derived from seed (seed_derive in C)."""
    return mix((seed + (index + 1) * GOLDEN) & MASK)


def value_range(seed, index, lo, hi):
    """A value in [lo, hi] (seed_range in C)."""
    return lo + derive(seed, index) % (hi - lo + 1)
