"""The grade CLI: usage errors are one line and exit 2; a clean run exits 0,
a failing one 1; the report files it writes parse."""

import json
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

from grader.helpers import run_grade
from kgrade import spec


def grade(*args):
    return run_grade(*args, timeout=120)


class UsageErrors(unittest.TestCase):
    def check_usage(self, args, message):
        r = grade(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.strip().splitlines(), [message])

    def test_no_such_lab(self):
        self.check_usage(["9"], "no lab 9: labs are 1-4")
        self.check_usage(["0"], "no lab 0: labs are 1-4")
        self.check_usage(["x"], "no lab x: labs are 1-4")

    def test_bad_tree(self):
        self.check_usage(["--tree", "/nonexistent/tree"], "grade: --tree /nonexistent/tree is not a directory")
        self.check_usage(["--base", "/nonexistent/b"], "grade: --base /nonexistent/b is not a directory")

    def test_bad_options(self):
        for args in (["-j", "0"], ["--csv", "x.csv"], ["--timeout-scale", "0"], ["--boot", "floppy"],
                     ["--no-such-option"]):
            with self.subTest(args=args):
                r = grade(*args)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertTrue(r.stderr.startswith("grade: "), r.stderr)

    def test_list(self):
        r = grade("--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in spec.available_labs():
            lab = spec.load_lab(n)
            self.assertIn("lab %d: %s" % (n, lab.title), r.stdout)
            for t in lab.tests:
                self.assertRegex(r.stdout, r"(?m)^  %s\s+%g\s" % (t.name, t.points))


class ExitStatus(unittest.TestCase):
    def test_all_pass_is_0(self):
        r = grade("1", "--tree", "solutions", "--test", "idt_loaded", "--test", "breakpoint",
                  "--timeout-scale", "3")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^lab 1  idt_loaded\s+OK\s+10/10")
        self.assertRegex(r.stdout, r"(?m)^Score: 30/30 \(lab 1: 30/30\)")

    def test_a_failure_is_1_and_reports_parse(self):
        with tempfile.TemporaryDirectory() as d:
            files = {k: os.path.join(d, k) for k in ("r.json", "gs.json", "j.xml")}
            r = grade("1", "--tree", "labs", "--test", "idt_loaded", "--timeout-scale", "3",
                      "--json", files["r.json"], "--gradescope", files["gs.json"], "--junit", files["j.xml"])
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"(?m)^lab 1  idt_loaded\s+FAIL\s+0/10")
            with open(files["r.json"]) as f:
                doc = json.load(f)
            self.assertEqual((doc["score"], doc["max_score"], doc["tests"][0]["status"]), (0, 10, "FAIL"))
            with open(files["gs.json"]) as f:
                self.assertEqual(json.load(f)["tests"][0]["status"], "failed")
            self.assertEqual(len(ET.parse(files["j.xml"]).getroot().findall(".//failure")), 1)

    def test_verbose_shows_seed_and_values(self):
        r = grade("1", "--tree", "solutions", "--test", "idt_loaded", "--timeout-scale", "3",
                  "--seed", "77", "--verbose")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[1], r"^\s+seed=77  base=0x[0-9a-f]+  limit=0x0*fff$")


if __name__ == "__main__":
    unittest.main()
