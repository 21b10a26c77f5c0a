"""make handout: the student tarball holds what a student needs and no
solution text, and from the unpacked tarball `make lab 1` boots,
`make test 1` and `make grade` run and fail, clangd knows the lab files,
and `make help` lists only what a student can run."""

import os
import shutil
import tarfile
import tempfile
import unittest

from docs import helpers
from kgrade import spec

SHIPPED = ["Makefile", "README.md", ".gitignore", "mk", "common", "labs", "grader", "docs",
           "scripts", "tests", ".github", ".vscode"]
NOT_SHIPPED = ["solutions", "autograder", "build", ".git", ".ci"]


class HandoutPackage(helpers.PackageTestCase):
    script = "make-handout.sh"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tarball = os.path.join(cls.tmp, "handout.tar.gz")
        cls.unpacked = os.path.join(cls.tmp, "unpacked")
        cls.tree = os.path.join(cls.unpacked, "handout")
        if cls.status == 0:
            with tarfile.open(cls.tarball) as t:
                t.extractall(cls.unpacked)

    def test_contents(self):
        with tarfile.open(self.tarball) as t:  # the other tests build in the unpacked tree
            top = sorted({m.name.split("/")[1] for m in t.getmembers() if m.name.count("/")})
        for name in SHIPPED + (["tools"] if os.path.isdir(os.path.join(helpers.ROOT, "tools")) else []):
            self.assertIn(name, top)
        for name in NOT_SHIPPED:
            self.assertNotIn(name, top)
        for n, folder in helpers.lab_folders().items():
            if helpers.has_solution(n):
                self.assertTrue(os.path.isdir(os.path.join(self.tree, "labs", folder)), folder)
        junk = [os.path.join(d, f) for d, dirs, files in os.walk(self.tree)
                for f in files + dirs if f == "__pycache__" or f.endswith(".pyc")]
        self.assertEqual(junk, [])
        # Of the test suite, only the unit tests of the lab functions (make test).
        tests = sorted(os.path.relpath(os.path.join(d, f), self.tree)
                       for d, _, files in os.walk(os.path.join(self.tree, "tests")) for f in files)
        self.assertTrue(tests)
        for t in tests:
            self.assertRegex(t, r"^tests/unit/test_lab\d\d_\w+\.c$")
        for rel in (".github/workflows/classroom.yml", ".vscode/tasks.json", ".vscode/launch.json"):
            with open(os.path.join(self.tree, rel)) as a, open(os.path.join(helpers.ROOT, rel)) as b:
                self.assertEqual(a.read(), b.read(), rel)

    def test_for_students_only(self):
        """No instructor pages, no maintainer scripts, and a make help that
        lists only what a student can run."""
        for path in ("docs/instructor-guide.md", "scripts/make-handout.sh", "scripts/make-autograder.sh",
                     "scripts/make-skeletons", "scripts/make-course-files"):
            self.assertFalse(os.path.exists(os.path.join(self.tree, path)), path)
        with open(os.path.join(self.tree, "docs", "mainpage.md")) as f:
            front = f.read()
        self.assertNotIn("instructor-guide.md", front)
        self.assertNotIn("design.md", front)
        self.assertFalse(os.path.exists(os.path.join(self.tree, "docs", "design.md")))
        status, out = helpers.run(["make", "--no-print-directory", "-C", self.tree, "help"])
        self.assertEqual(status, 0, out)
        for target in ("make solution", "make check", "make skeletons", "make handout", "make autograder",
                       "make course-files", "BASE="):
            self.assertNotIn(target, out)
        for target in ("make lab N", "make test [N]", "make grade [N]", "make debug N"):
            self.assertIn(target, out)
        with open(os.path.join(self.tree, "grader", "VERSION")) as f:
            self.assertTrue(f.read().strip())

    def test_tarball_is_the_folder(self):
        folder = os.path.join(self.tmp, "handout")
        in_folder = sorted(os.path.relpath(os.path.join(d, f), self.tmp)
                           for d, _, files in os.walk(folder) for f in files)
        with tarfile.open(self.tarball) as t:
            in_tarball = sorted(m.name for m in t.getmembers() if m.isfile())
        self.assertEqual(in_tarball, in_folder)

    def test_no_solution_text(self):
        secrets = helpers.solution_lines()
        self.assertGreater(len(secrets), 50, "the solutions have far more code than that")
        leaks = helpers.find_leaks(self.tree, secrets)
        self.assertEqual(leaks, [], "solution lines found in the handout")

    def test_leak_finder_finds_solutions(self):
        """The same search over solutions/ finds every line: it can fail."""
        secrets = helpers.solution_lines()
        found = {(rel, line) for rel, line, _ in helpers.find_leaks(helpers.SOLUTIONS, secrets)}
        self.assertEqual(found, set(secrets))

    def test_make_lab_1_boots(self):
        status, out = helpers.run(["make", "--no-print-directory", "lab", "1", "SEED=1"],
                                  cwd=self.tree, env={"LAB_TIMEOUT": "60"})
        self.assertIn("lab kernel: stage 1 (labs 1-1 from labs)", out, helpers.tail(out))
        self.assertIn("scenario: bp_demo (lab 1) seed=1", out, helpers.tail(out))
        # The skeleton has no gates yet: the demo's int3 ends the run.
        self.assertRegex(out, r"(?m)^== (TRIPLE FAULT|kernel)", helpers.tail(out))

    def test_make_test_fails_clearly(self):
        status, out = helpers.run(["make", "--no-print-directory", "test", "1"], cwd=self.tree)
        self.assertNotEqual(status, 0, out)
        self.assertRegex(out, r"(?m)^\s+tests/unit/test_lab01_gate\.c:\d+: error: \S.*: got 0x",
                         helpers.tail(out))
        self.assertRegex(out, r"(?m)^unit tests of labs: \d+ passed, [1-9]\d* failed$")

    @unittest.skipUnless(shutil.which("clangd"), "clangd missing (make deps)")
    def test_clangd_knows_the_lab_files(self):
        """After a build, clangd finds build/compile_commands.json from a
        lab file and parses it without an error."""
        status, out = helpers.run(["make", "--no-print-directory", "build", "1"], cwd=self.tree)
        self.assertEqual(status, 0, helpers.tail(out))
        lab = os.path.join(self.tree, "labs", helpers.lab_folders()[3], "pt_walk.c")
        status, out = helpers.run(["clangd", "--check=" + lab, "--check-lines=1"], cwd=self.tmp)
        self.assertIn("Loaded compilation database from %s" % os.path.join(
            self.tree, "build", "compile_commands.json"), out)
        self.assertIn("All checks completed, 0 errors", out, helpers.tail(out))

    def test_make_grade_scores_zero(self):
        status, out = helpers.run(["make", "--no-print-directory", "grade"], cwd=self.tree)
        total = 100 * len(spec.available_labs())
        self.assertEqual(status, 2, "make grade fails (the grader exits 1):\n" + helpers.tail(out))
        self.assertRegex(out, r"(?m)^Score: 0/%d " % total, helpers.tail(out))
        self.assertNotIn("BUILD ERROR", out, "the untouched skeleton builds")

    def test_handout_cannot_make_a_handout(self):
        for target in ("handout", "autograder", "skeletons"):
            status, out = helpers.run(["make", "--no-print-directory", target], cwd=self.tree,
                                      env={"PACKAGE_OUT": os.path.join(self.tmp, "again")})
            self.assertEqual(status, 2, out)
            self.assertIn("this is a student handout", out.strip().splitlines()[0])

    def test_make_check_says_what_to_use(self):
        status, out = helpers.run(["make", "--no-print-directory", "check"], cwd=self.tree)
        self.assertNotEqual(status, 0)
        self.assertIn("use make grade", out)
        self.assertNotIn("Traceback", out)

    def test_docs_build_from_the_handout(self):
        """make docs works without solutions/: the API comes from labs/."""
        status, out = helpers.run(["make", "--no-print-directory", "docs"], cwd=self.tree,
                                  env={"DOCS_OUT": os.path.join(self.tmp, "docs")})
        self.assertEqual(status, 0, helpers.tail(out))
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "docs", "html", "idt_8h.html")))


class HandoutRefusals(unittest.TestCase):
    def test_stale_labs_refused(self):
        """A labs/ that differs from what make-skeletons writes is not shipped."""
        with tempfile.TemporaryDirectory(prefix="docs-stale-") as tmp:
            for part in ("scripts", "solutions", "labs", "mk"):
                shutil.copytree(os.path.join(helpers.ROOT, part), os.path.join(tmp, part))
            lab = sorted(os.listdir(os.path.join(tmp, "labs")))[0]
            victim = sorted(os.listdir(os.path.join(tmp, "labs", lab)))[0]
            with open(os.path.join(tmp, "labs", lab, victim), "a") as f:
                f.write("\n/* edited by hand */\n")
            status, out = helpers.run(["sh", os.path.join(tmp, "scripts", "make-handout.sh")],
                                      env={"PACKAGE_OUT": os.path.join(tmp, "out")})
            self.assertEqual(status, 1, out)
            self.assertRegex(out, r"out of date.*make skeletons")
            self.assertFalse(os.path.exists(os.path.join(tmp, "out", "handout.tar.gz")))


if __name__ == "__main__":
    unittest.main()
