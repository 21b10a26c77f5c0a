"""Every mutant (a solution with one known bug) loses exactly the tests its
header names, on the boot paths of PATCH_BOOTS (default: fast): the
grader's tests can fail, and fail for the right reason. One build per
mutant serves all boot paths."""

import os
import shutil
import unittest

from e2e import common


class MutantTests(unittest.TestCase):
    pass


def make_test(mutant):
    def test(self):
        tmp, tree = mutant.make_tree()
        try:
            for boot in common.patch_boots():
                with self.subTest(boot=boot):
                    results = common.grade(mutant.lab, tree, boot=boot, build_root=os.path.join(tmp, "build"))
                    lost = common.failed_names(results)
                    self.assertEqual(lost, mutant.loses, "mutant %s (%s) on %s boot lost %s, expected %s\n%s" % (
                        mutant.name, mutant.description, boot, lost, mutant.loses, common.explain(results)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    test.__doc__ = "%s/%s: %s" % (mutant.folder, mutant.name, mutant.description)
    return test


for _m in common.all_mutants():
    assert _m.kind == "mutant", _m.path
    setattr(MutantTests, "test_%s_%s" % (_m.folder.replace("-", "_"), _m.name), make_test(_m))
