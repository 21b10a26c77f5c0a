"""The solutions score full marks and the untouched student tree scores
zero (yet builds and boots), lab by lab, on every boot path."""

import unittest

from e2e import common
from kgrade import check, spec


class TreeTests(unittest.TestCase):
    pass


def make_solution_test(lab, boot):
    def test(self):
        results = common.grade(lab, "solutions", boot=boot)
        self.assertEqual(common.failed_names(results), [], common.explain(results))
        self.assertEqual(sum(r.score for r in results), 100)
    return test


def make_skeleton_test(lab, boot):
    def test(self):
        # Labs below this one from the solutions: lab N's own skeleton is graded.
        results = common.grade(lab, "labs", base="solutions" if lab > 1 else None, boot=boot)
        self.assertEqual(sum(r.score for r in results), 0, "\n".join(
            "%s scored %s" % (r.name, r.score) for r in results if r.score))
        self.assertFalse([r.name for r in results if r.status == check.BUILD_ERROR],
                         "the untouched skeleton must build:\n" + common.explain(results))
    return test


for _lab in spec.available_labs():
    for _boot in common.boots():
        setattr(TreeTests, "test_lab%d_solution_full_marks_%s" % (_lab, _boot), make_solution_test(_lab, _boot))
        setattr(TreeTests, "test_lab%d_skeleton_scores_zero_%s" % (_lab, _boot), make_skeleton_test(_lab, _boot))
