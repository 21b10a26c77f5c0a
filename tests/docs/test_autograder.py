"""make autograder: the Gradescope zip, run in a temporary directory laid out
as Gradescope lays out /autograder (source/, submission/, results/): the
solutions score full marks, the untouched handout scores zero, and
results.json follows Gradescope's published format."""

import json
import numbers
import os
import shutil
import unittest

from docs import helpers
from kgrade import spec

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def check_results(test, results, allow_no_tests=False):
    """Gradescope's results.json: a top-level score and tests[], each with
    name, score, max_score, output, status and visibility."""
    test.assertIsInstance(results.get("score"), numbers.Number)
    tests = results.get("tests")
    test.assertIsInstance(tests, list)
    test.assertTrue(tests or allow_no_tests, "no tests in results.json")
    for t in tests:
        test.assertIsInstance(t.get("name"), str)
        test.assertTrue(t["name"])
        test.assertIsInstance(t.get("score"), numbers.Number)
        test.assertIsInstance(t.get("max_score"), numbers.Number)
        test.assertTrue(0 <= t["score"] <= t["max_score"], t)
        test.assertIsInstance(t.get("output"), str)
        test.assertIn(t.get("status"), ("passed", "failed"))
        test.assertEqual(t["status"] == "passed", t["score"] == t["max_score"], t)
        test.assertIn(t.get("visibility"), VISIBILITY)
    test.assertEqual(len({t["name"] for t in tests}), len(tests), "test names are unique")
    test.assertAlmostEqual(results["score"], sum(t["score"] for t in tests))
    for key in ("visibility", "stdout_visibility"):
        if key in results:
            test.assertIn(results[key], VISIBILITY)


class Autograder(helpers.PackageTestCase):
    script = "make-autograder.sh"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zip = os.path.join(cls.tmp, "autograder-all-labs.zip")

    def gradescope(self, name, zip_path=None):
        """A fresh /autograder: the zip unpacked in source/, empty submission/
        and results/. Returns its path."""
        ag = os.path.join(self.tmp, name, "autograder")
        for sub in ("source", "submission", "results"):
            os.makedirs(os.path.join(ag, sub))
        helpers.extract_zip(zip_path or self.zip, os.path.join(ag, "source"))
        return ag

    def grade(self, ag, allow_no_tests=False):
        status, out = helpers.run([os.path.join(ag, "source", "run_autograder")],
                                  env={"AUTOGRADER_ROOT": ag})
        self.assertEqual(status, 0, helpers.tail(out))
        with open(os.path.join(ag, "results", "results.json")) as f:
            results = json.load(f)
        check_results(self, results, allow_no_tests)
        return results, out

    def test_zip_layout(self):
        ag = self.gradescope("layout")
        source = os.path.join(ag, "source")
        for name in ("setup.sh", "run_autograder"):
            self.assertTrue(os.access(os.path.join(source, name), os.X_OK), name + " is executable")
        self.assertTrue(os.path.isfile(os.path.join(source, "handout", "grader", "grade")))
        self.assertFalse(os.path.exists(os.path.join(source, "handout", "solutions")))
        self.assertFalse(os.path.exists(os.path.join(source, "base")), "no solutions without BASE")
        status, out = helpers.run(["sh", os.path.join(source, "setup.sh")],
                                  env={"AUTOGRADER_ROOT": ag})
        self.assertEqual(status, 0, out)

    def test_solutions_score_full_marks(self):
        ag = self.gradescope("solutions")
        for folder in os.listdir(helpers.SOLUTIONS):  # lab folders at the top
            shutil.copytree(os.path.join(helpers.SOLUTIONS, folder),
                            os.path.join(ag, "submission", folder))
        results, out = self.grade(ag)
        failed = [t["name"] + ": " + t["output"] for t in results["tests"] if t["status"] != "passed"]
        self.assertEqual(failed, [], helpers.tail(out))
        self.assertEqual(results["score"], 100 * len(spec.available_labs()))

    def test_handout_scores_zero(self):
        # A repository uploaded as a zip: one folder, labs/ inside it.
        ag = self.gradescope("handout")
        shutil.copytree(os.path.join(ag, "source", "handout", "labs"),
                        os.path.join(ag, "submission", "my-repo", "labs"))
        results, out = self.grade(ag)
        self.assertEqual(results["score"], 0, helpers.tail(out))
        self.assertEqual(len(results["tests"]), sum(len(spec.load_lab(n).tests)
                                                    for n in spec.available_labs()))
        self.assertIn("files taken from the submission: ", out)
        self.assertNotIn("files taken from the submission: none", out)

    def test_one_lab_on_the_reference_labs(self):
        """LABS=2 BASE=solutions: lab 2 alone, on the reference lab 01; the
        submission holds only the lab 2 files."""
        out_dir = os.path.join(self.tmp, "lab2-zip")
        status, out = helpers.make_package("make-autograder.sh", out_dir, LABS="2", BASE="solutions")
        self.assertEqual(status, 0, out)
        ag = self.gradescope("lab2", os.path.join(out_dir, "autograder-lab2.zip"))
        base1 = os.path.join(ag, "source", "base", helpers.lab_folders()[1])
        self.assertTrue(os.path.isdir(base1))
        # Only the labs below the graded one, as objects and headers: no sources.
        self.assertEqual(os.listdir(os.path.join(ag, "source", "base")), [helpers.lab_folders()[1]])
        kinds = {os.path.splitext(f)[1] for f in os.listdir(base1)}
        self.assertEqual(kinds, {".o", ".h"}, os.listdir(base1))
        lab2 = helpers.lab_folders()[2]
        shutil.copytree(os.path.join(helpers.SOLUTIONS, lab2),
                        os.path.join(ag, "submission", "labs", lab2))
        results, out = self.grade(ag)
        self.assertEqual({t["name"].split(":")[0] for t in results["tests"]}, {"lab 2"})
        self.assertEqual(results["score"], 100, helpers.tail(out))

    def test_bad_settings_are_refused(self):
        for env, words in (({"LABS": "9"}, "no lab 9"), ({"LABS": "1,9"}, "no lab 9"),
                           ({"BASE": "labs"}, "BASE can only be"), ({"TIMEOUT_SCALE": "0"}, "above 0")):
            status, out = helpers.make_package("make-autograder.sh",
                                               os.path.join(self.tmp, "refused"), **env)
            self.assertEqual(status, 2, out)
            self.assertIn(words, out)
            self.assertEqual(len(out.strip().splitlines()), 1, out)

    def test_broken_grader_still_writes_results(self):
        """If the grader cannot run, the student still gets a results.json
        with no points and the reason."""
        ag = self.gradescope("broken")
        os.remove(os.path.join(ag, "source", "handout", "grader", "grade"))
        results, out = self.grade(ag, allow_no_tests=True)
        self.assertEqual(results["score"], 0)
        self.assertEqual(results["tests"], [])
        self.assertIn("grader stopped", results["output"])


if __name__ == "__main__":
    unittest.main()
