"""Batch grading (grade --submissions DIR --csv F): two fake students made
from copies of solutions/ and labs/. Only the lab files are taken from a
submission (the handout's, and a student's own .c/.h/.asm files); its
Makefile, common/, grader/ and other files are not."""

import csv
import os
import shutil
import tempfile
import unittest

from grader.helpers import run_grade
from kgrade import labs, spec, submissions

ROOT = labs.ROOT
LAB1 = labs.lab_dirs()[1]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_submissions(top):
    # alice: a whole clone with the solution, and tampering everywhere else.
    alice = os.path.join(top, "alice")
    shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(alice, "labs", LAB1))
    write(os.path.join(alice, "Makefile"), "all:\n\t@false\n")
    write(os.path.join(alice, "common", "kmain.c"), "#error a student's common/ must not be built\n")
    write(os.path.join(alice, "grader", "labs", "lab1.py"), "raise SystemExit('not the spec')\n")
    write(os.path.join(alice, "labs", LAB1, "notes.txt"), "not a source file: ignored\n")
    write(os.path.join(alice, "labs", LAB1, "helper.c"), "int alice_helper(void);\n"
          "int alice_helper(void) { return 1; }\n")
    # bob: the untouched skeleton, lab folders at the top of his folder.
    shutil.copytree(os.path.join(ROOT, "labs", LAB1), os.path.join(top, "bob", LAB1))
    # Not students: a hidden folder and a loose file.
    write(os.path.join(top, ".git", "HEAD"), "ref: refs/heads/main\n")
    write(os.path.join(top, "README"), "submissions\n")


class Submissions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="subs-")
        cls.top = os.path.join(cls.tmp, "subs")
        make_submissions(cls.top)
        cls.csv = os.path.join(cls.tmp, "grades.csv")
        cls.proc = run_grade("1", "--submissions", cls.top, "--csv", cls.csv, "--timeout-scale", "3",
                             "-j", "2")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_exit_and_one_line_per_student(self):
        self.assertEqual(self.proc.returncode, 1, self.proc.stdout + self.proc.stderr)  # bob failed
        rows = [l for l in self.proc.stdout.splitlines() if l.startswith(("alice", "bob"))]
        self.assertEqual(len(rows), 2, self.proc.stdout)

    def test_csv(self):
        with open(self.csv, newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["student", "status", "lab1", "lab1 status", "total", "max", "reason",
                                   "failed tests"])
        by = {r[0]: r for r in rows[1:]}
        self.assertEqual(sorted(by), ["alice", "bob"])
        points = spec.load_lab(1).points
        self.assertEqual(by["alice"][1:], ["graded", "%g" % points, "graded", "%g" % points, "%g" % points,
                                           "", ""], self.proc.stdout)
        self.assertEqual(by["bob"][2:6], ["0", "graded", "0", "%g" % points])
        self.assertEqual(sorted(by["bob"][7].split()),
                         sorted("lab1/" + t.name for t in spec.load_lab(1).tests))

    def test_no_build_folder_left(self):
        left = [d for d in os.listdir(os.path.join(ROOT, "build")) if "kgrade-sub-" in d]
        self.assertEqual(left, [])

    def test_only_handout_files_taken(self):
        with tempfile.TemporaryDirectory() as d:
            dest = os.path.join(d, "tree")
            taken = submissions.pristine_tree(os.path.join(self.top, "alice"), dest)
            handout = submissions.handout_files()[LAB1]
            self.assertEqual(sorted(taken), sorted(os.path.join(LAB1, n) for n in handout + ["helper.c"]))
            self.assertFalse(os.path.exists(os.path.join(dest, LAB1, "notes.txt")))
            for name in handout:
                with open(os.path.join(dest, LAB1, name)) as a, \
                        open(os.path.join(ROOT, "solutions", LAB1, name)) as b:
                    self.assertEqual(a.read(), b.read(), name)
            # Labs the student did not hand in stay as the handout has them.
            for folder in submissions.handout_files():
                if folder != LAB1:
                    self.assertEqual(sorted(os.listdir(os.path.join(dest, folder))),
                                     sorted(os.listdir(os.path.join(ROOT, "labs", folder))))


if __name__ == "__main__":
    unittest.main()
