"""Seed-derived expectations: kgrade.seed computes, on the host, exactly the
values the kernel derives from seed= (common/seed.c), and a spec's
expectations follow the seed of the run they judge."""

import re
import unittest

from boot import kernel
from grader.helpers import lab_test
from kgrade import check, qemu, seed
from kgrade.symbols import Symbols

SEEDS = [0, 1, 12345, 0xdeadbeef, (1 << 63) + 5, (1 << 64) - 1]


class HostTwin(unittest.TestCase):
    def test_range_bounds_and_determinism(self):
        for s in SEEDS:
            for i in range(50):
                v = seed.value_range(s, i, 200, 400)
                self.assertTrue(200 <= v <= 400)
                self.assertEqual(v, seed.value_range(s, i, 200, 400))
        self.assertEqual(seed.value_range(3, 0, 7, 7), 7)

    def test_values_differ_by_seed_and_index(self):
        self.assertEqual(len({seed.derive(s, i) for s in SEEDS for i in range(4)}), len(SEEDS) * 4)
        self.assertTrue(all(0 <= seed.derive(s, 3) < 1 << 64 for s in SEEDS))


class KernelAgrees(unittest.TestCase):
    """Stage 0's seed_values scenario prints seed_value(0..3)."""

    @classmethod
    def setUpClass(cls):
        b = kernel.stage(0, "labs")
        cls.boots = kernel.boot_all({s: (b, "test=seed_values seed=%d" % s, "fast") for s in SEEDS})

    def test_seed_values(self):
        for s in SEEDS:
            with self.subTest(seed=s):
                b = self.boots[s]
                self.assertEqual(b.status, qemu.SUCCESS, b.text)
                self.assertIn("seed=%d" % s, b.text)
                got = {int(i): int(v, 16) for i, v in
                       re.findall(r"^seed_value\((\d)\) = 0x([0-9a-f]{16})$", b.text, re.M)}
                self.assertEqual(got, {i: seed.derive(s, i) for i in range(4)})


class SpecFollowsTheSeed(unittest.TestCase):
    """Lab 1's breakpoint_repeat runs a seed-derived number of int3s: the
    same run judged with another seed must fail."""

    def test_repeat_count(self):
        test = lab_test(1, "breakpoint_repeat")
        b = kernel.stage(1, "solutions")
        s = 424242
        run = kernel.boot(b, "test=%s seed=%d" % (test.scenario, s), "fast")
        sym = Symbols(b.elf)
        ok = run.evaluate(test, s, sym)
        self.assertEqual(ok.status, check.OK, ok.message)
        other = next(x for x in range(s + 1, s + 100)
                     if seed.value_range(x, 0, 200, 400) != seed.value_range(s, 0, 200, 400))
        bad = run.evaluate(test, other, sym)
        self.assertEqual((bad.status, bad.score), (check.FAIL, 0))
        self.assertIn("int3 count (seed-derived)", bad.message)


if __name__ == "__main__":
    unittest.main()
