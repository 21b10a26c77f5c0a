"""Both boot paths give the same grades: every lab that has a spec, graded
on the solutions with --boot fast and --boot grub and the same seed, gets
the same status and score in every test."""

import shutil
import tempfile
import unittest

from kgrade import runner, spec

SEED = 20240611
SCALE = 3.0  # generous timeouts: a slow, shared machine must not make the paths differ


class BootPathsAgree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.labs = spec.available_labs()
        cls.log_dir = tempfile.mkdtemp(prefix="paths-")
        cls.results = {boot: runner.grade(cls.labs, tree="solutions", jobs=2, boot=boot, seed=SEED,
                                          timeout_scale=SCALE, log_dir=cls.log_dir)
                       for boot in ("fast", "grub")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.log_dir, ignore_errors=True)

    def test_same_tests_statuses_and_scores(self):
        self.assertGreaterEqual(len(self.labs), 2)
        fast, grub = ({(r.lab, r.name): (r.status, r.score) for r in self.results[b]}
                      for b in ("fast", "grub"))
        self.assertEqual(sorted(fast), sorted(grub))
        self.assertEqual(len(fast), sum(len(spec.load_lab(n).tests) for n in self.labs))
        differ = {k: (fast[k], grub[k]) for k in fast if fast[k] != grub[k]}
        self.assertEqual(differ, {}, "\n".join("%s on grub: %s" % (r.name, r.message)
                                               for r in self.results["grub"] if (r.lab, r.name) in differ))

    def test_the_seed_reached_both(self):
        for boot, results in self.results.items():
            self.assertEqual({r.seed for r in results}, {SEED}, boot)


if __name__ == "__main__":
    unittest.main()
