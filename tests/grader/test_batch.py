"""Batch grading as an instructor runs it (grade --submissions): a class
with every way a submission arrives and fails to arrive. Every entry is a
row or a listed warning, each row says what happened and why, the exit
status is as --help says, the exports parse back, a replay gives the same
scores, and a git submission is graded at its deadline."""

import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

from grader.helpers import run_grade
from kgrade import labs

ROOT = labs.ROOT
DIRS = labs.lab_dirs()
L1, L2, L3 = DIRS[1], DIRS[2], DIRS[3]
DEADLINE = "2026-01-10 12:00:00 +0000"


def copy_lab(tree, n, dest):
    shutil.copytree(os.path.join(ROOT, tree, DIRS[n]), os.path.join(dest, DIRS[n]))


def git(repo, *args, date=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@example.org", GIT_COMMITTER_NAME="s",
               GIT_COMMITTER_EMAIL="s@example.org")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", repo] + list(args), check=True, capture_output=True, env=env)


def make_class(top, tmp):
    """The class; returns {student: what the row must say}."""
    # alice: labs 1-2 solved, in a zip.
    alice = os.path.join(tmp, "alice")
    for n in (1, 2):
        copy_lab("solutions", n, alice)
    with zipfile.ZipFile(os.path.join(top, "alice.zip"), "w") as z:
        for folder, _, names in os.walk(alice):
            for name in names:
                path = os.path.join(folder, name)
                z.write(path, os.path.relpath(path, alice))
    # bob: a repository uploaded as a folder inside his folder.
    for n in (1, 2):
        copy_lab("solutions", n, os.path.join(top, "bob", "my-os-labs-main", "labs"))
    # carol: lab 1's handlers moved into a helper file of her own.
    carol = os.path.join(top, "carol")
    for n in (1, 2):
        copy_lab("solutions", n, carol)
    with open(os.path.join(carol, L1, "exceptions.c")) as f:
        text = f.read()
    start = text.index("// BEGIN SOLUTION\n// TODO(3)")
    end = text.index("/* Runs at start-up")
    with open(os.path.join(carol, L1, "helpers.c"), "w") as f:
        f.write('#include "idt.h"\n#include "registry.h"\n#include "report.h"\n\n'
                'void report_exception(unsigned vector, const struct interrupt_frame *frame);\n'
                + text[start:end])
    with open(os.path.join(carol, L1, "exceptions.c"), "w") as f:
        f.write(text[:start].replace("static __attribute__((unused)) void report_exception",
                                     "void report_exception") + text[end:])
    # dave: a missing ';' in lab 1, lab 2 fine.
    dave = os.path.join(top, "dave")
    for n in (1, 2):
        copy_lab("solutions", n, dave)
    path = os.path.join(dave, L1, "idt.c")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("gate.selector = selector;", "gate.selector = selector", 1))
    # erin: only lab 3's folder.
    copy_lab("solutions", 3, os.path.join(top, "erin"))
    # frank: a git repository, solved before the deadline, broken after it.
    frank = os.path.join(top, "frank")
    for n in (1, 2):
        copy_lab("solutions", n, frank)
    git(frank, "init", "-q")
    git(frank, "add", ".")
    git(frank, "commit", "-q", "-m", "labs 1-2", date="2026-01-09T10:00:00+0000")
    shutil.copyfile(os.path.join(ROOT, "labs", L1, "idt.c"), os.path.join(frank, L1, "idt.c"))
    git(frank, "commit", "-q", "-am", "oops, late", date="2026-01-11T10:00:00+0000")
    # A stray file.
    with open(os.path.join(top, "notes.txt"), "w") as f:
        f.write("not a submission\n")


class Batch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="batch-")
        os.chmod(cls.tmp, 0o755)
        cls.top = os.path.join(cls.tmp, "subs")
        os.makedirs(cls.top)
        make_class(cls.top, cls.tmp)
        cls.roster = os.path.join(cls.tmp, "roster.csv")
        with open(cls.roster, "w") as f:
            f.write("folder,id,name,email,section\n"
                    "alice,1001,\"Liddell, Alice\",alice@example.org,A\n"
                    "bob,1002,Bob Builder,bob@example.org,A\n"
                    "zoe,1099,Zoe Absent,zoe@example.org,B\n")
        cls.files = {k: os.path.join(cls.tmp, k) for k in ("grades.csv", "results.json", "canvas.csv",
                                                          "moodle.csv")}
        cls.proc = run_grade("1", "2", "--submissions", cls.top, "--csv", cls.files["grades.csv"],
                             "--json", cls.files["results.json"], "--roster", cls.roster,
                             "--canvas", cls.files["canvas.csv"], "--moodle", cls.files["moodle.csv"],
                             "--at", DEADLINE, "--timeout-scale", "3", "-j", "2")
        with open(cls.files["grades.csv"], newline="") as f:
            cls.rows = {r["student"]: r for r in csv.DictReader(f)}
        with open(cls.files["results.json"]) as f:
            cls.json = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_entry_is_a_row_or_a_warning(self):
        self.assertEqual(sorted(self.rows), ["alice", "bob", "carol", "dave", "erin", "frank"],
                         self.proc.stdout)
        self.assertIn("notes.txt", self.proc.stdout.split("not fully graded:")[1])
        self.assertEqual(self.json["stray_files"], ["notes.txt"])

    def test_exit_status_says_some_failed(self):
        self.assertEqual(self.proc.returncode, 1, self.proc.stdout + self.proc.stderr)

    def test_full_marks_however_it_arrived(self):
        for name in ("alice", "bob", "carol"):
            self.assertEqual(self.rows[name]["total"], "200", (name, self.rows[name]))
            self.assertEqual(self.rows[name]["status"], "graded")
        self.assertEqual(self.json["students"]["carol"]["extra_files"], [os.path.join(L1, "helpers.c")])

    def test_a_build_error_names_the_file_and_line(self):
        row = self.rows["dave"]
        self.assertEqual(row["lab1"], "0")
        self.assertRegex(row["lab1 status"], r"^build error in %s/idt\.c:\d+$" % L1)
        # Lab 2 ran on the reference lab 1 (dave's does not build), and passed.
        self.assertEqual(row["lab2"], "100", row)
        self.assertEqual(self.json["students"]["dave"]["labs"]["2"]["lower"],
                         "reference: your labs 1-1 do not build")
        self.assertIn("lab 1: build error in", row["reason"])

    def test_missing_labs_are_said(self):
        row = self.rows["erin"]
        self.assertEqual(row["lab1 status"], "no files of this lab were handed in: graded on the handout's")
        self.assertIn("erin", self.proc.stdout.split("not fully graded:")[1])

    def test_git_at_the_deadline(self):
        frank = self.json["students"]["frank"]
        self.assertEqual(self.rows["frank"]["total"], "200")  # the commit before the deadline
        self.assertEqual(frank["late_commits"], 1)
        self.assertTrue(frank["commit"])
        self.assertIn("1 commit(s) after the deadline", self.rows["frank"]["reason"])

    def test_json_records_what_a_regrade_needs(self):
        self.assertTrue(self.json["grader"])
        for name, student in self.json["students"].items():
            self.assertEqual(len(student["files_sha256"] or ""), 64 if student["files"] else 0, name)
            for t in student["tests"]:
                if t["status"] not in ("BUILD ERROR", "BUILD TIMEOUT", "REFUSED"):  # those never ran
                    self.assertIsInstance(t["seed"], int, (name, t))

    def test_replay_gives_the_same_scores(self):
        r = run_grade("--replay", self.files["results.json"], "--student", "dave", "--timeout-scale", "3")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("replay of dave: the same files; every test as recorded", r.stdout)
        r = run_grade("--replay", self.files["results.json"], "--student", "nobody_here")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no student nobody_here", r.stderr)

    def test_exports_parse_back(self):
        with open(self.files["canvas.csv"], newline="") as f:
            canvas = {r["SIS Login ID"] or r["Student"]: r for r in csv.DictReader(f)}
        self.assertEqual(canvas["alice@example.org"]["Labs total"], "200")
        self.assertEqual(canvas["alice@example.org"]["Student"], "Liddell, Alice")
        self.assertEqual(canvas["dave"]["Lab 1"], "0")  # not in the roster: its folder name
        with open(self.files["moodle.csv"], newline="") as f:
            moodle = {r["Email address"] or r["First name"]: r for r in csv.DictReader(f)}
        self.assertEqual((moodle["alice@example.org"]["First name"], moodle["alice@example.org"]["Last name"]),
                         ("Alice", "Liddell"))
        self.assertEqual(moodle["bob@example.org"]["Lab 2"], "100")
        self.assertIn("roster: zoe has no submission", self.proc.stdout)
        self.assertIn("roster: carol is not in the roster", self.proc.stdout)


class Refusals(unittest.TestCase):
    """Bad archives are refused, with the reason in the row."""

    def test_archives_that_leave_their_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            top = os.path.join(tmp, "subs")
            os.makedirs(top)
            with zipfile.ZipFile(os.path.join(top, "mallory.zip"), "w") as z:
                z.writestr("../../escape.c", "int x;\n")
            sheet = os.path.join(tmp, "g.csv")
            r = run_grade("1", "--submissions", top, "--csv", sheet, "--timeout-scale", "3")
            with open(sheet, newline="") as f:
                row = next(csv.DictReader(f))
            self.assertEqual(row["status"], "refused")
            self.assertIn("outside itself", row["reason"])
            self.assertFalse(os.path.exists(os.path.join(tmp, "escape.c")))
            self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main()
