"""Every variant (a solution written another correct way) keeps full marks
on the boot paths of PATCH_BOOTS (default: fast): the grader accepts every
answer the handout allows, not only the reference one."""

import os
import shutil
import unittest

from e2e import common


class VariantTests(unittest.TestCase):
    def test_there_are_variants(self):
        self.assertTrue(common.all_variants(), "tests/variants/ holds no patches")


def make_test(variant):
    def test(self):
        tmp, tree = variant.make_tree()
        try:
            for boot in common.patch_boots():
                with self.subTest(boot=boot):
                    results = common.grade(variant.lab, tree, boot=boot, build_root=os.path.join(tmp, "build"))
                    self.assertEqual(common.failed_names(results), [], "variant %s (%s) on %s boot:\n%s" % (
                        variant.name, variant.description, boot, common.explain(results)))
                    self.assertEqual(sum(r.score for r in results), sum(r.max_score for r in results))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    test.__doc__ = "%s/%s: %s" % (variant.folder, variant.name, variant.description)
    return test


for _v in common.all_variants():
    assert _v.kind == "variant", _v.path
    setattr(VariantTests, "test_%s_%s" % (_v.folder.replace("-", "_"), _v.name), make_test(_v))
