"""The reports (kgrade.report): text for people (and --verbose), JSON,
Gradescope's results.json and JUnit XML, on a fixed set of results: two
labs, a pass, a failure, a triple fault, a build error, fractional points."""

import json
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

from grader.helpers import graded, make_test
from kgrade import check, report, spec


def sample():
    lab1 = spec.Lab(1, "one", "Lab one")
    lab2 = spec.Lab(2, "two", "Lab two")
    a = lab1.test("alpha", 10)
    b = lab1.test("beta", 2.5)
    c = lab2.test("gamma", 20)
    d = lab2.test("delta", 5)
    ok = graded(a, check.OK, seed=11, duration=0.1234)
    ok.values = {"rip": "0x101000", "n": "300"}
    return [
        ok,
        graded(b, check.FAIL, message="expected /x/\n  but the output went on with:\n    y",
               seed=12, log_base="/tmp/logs/lab1-beta"),
        graded(c, check.TRIPLE, message="triple fault: #PF at RIP 0x1, then CPU reset (triple fault)",
               seed=13),
        graded(d, check.BUILD_ERROR, message="stage 2 did not build:\n    x.c:1: error: no", seed=None),
    ]


class Json(unittest.TestCase):
    def test_schema(self):
        doc = json.loads(json.dumps(report.to_json(sample())))
        self.assertEqual(doc["score"], 10)
        self.assertEqual(doc["max_score"], 37.5)
        self.assertEqual(len(doc["tests"]), 4)
        types = {"lab": int, "name": str, "score": (int, float), "max_score": (int, float),
                 "status": str, "duration_s": (int, float), "output": str}
        for t in doc["tests"]:
            for key, kind in types.items():
                self.assertIsInstance(t[key], kind, key)
        self.assertEqual([(t["lab"], t["name"], t["status"], t["score"], t["max_score"])
                          for t in doc["tests"]],
                         [(1, "alpha", "OK", 10, 10), (1, "beta", "FAIL", 0, 2.5),
                          (2, "gamma", "TRIPLE FAULT", 0, 20), (2, "delta", "BUILD ERROR", 0, 5)])
        self.assertEqual(doc["tests"][0]["duration_s"], 0.123)
        self.assertIn("CPU reset", doc["tests"][2]["output"])

    def test_write(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.json")
            report.write(path, report.to_json(sample()))
            with open(path) as f:
                self.assertEqual(json.load(f)["score"], 10)


class Gradescope(unittest.TestCase):
    def setUp(self):
        self.doc = json.loads(json.dumps(report.to_gradescope(sample(), 12.6)))

    def test_top_level(self):
        self.assertEqual(self.doc["score"], 10)
        self.assertEqual(self.doc["execution_time"], 13)
        self.assertIsInstance(self.doc["execution_time"], int)
        self.assertEqual(self.doc["output_format"], "text")
        self.assertEqual(self.doc["output"], report.summary_line(sample()))

    def test_tests(self):
        tests = self.doc["tests"]
        for t in tests:
            self.assertEqual(set(t) >= {"name", "number", "score", "max_score", "status",
                                        "output", "visibility"}, True, t)
            self.assertIn(t["status"], ("passed", "failed"))
            self.assertIn(t["visibility"], ("visible", "hidden", "after_due_date", "after_published"))
        self.assertEqual([t["number"] for t in tests], ["1.1", "1.2", "2.1", "2.2"])
        self.assertEqual([t["name"] for t in tests],
                         ["lab 1: alpha", "lab 1: beta", "lab 2: gamma", "lab 2: delta"])
        self.assertEqual([t["status"] for t in tests], ["passed", "failed", "failed", "failed"])
        self.assertEqual([t["max_score"] for t in tests], [10, 2.5, 20, 5])
        # A failure tells the student how to reproduce it.
        self.assertIn("make lab 1 TEST=beta SEED=12", tests[1]["output"])
        self.assertIn("expected /x/", tests[1]["output"])


class Junit(unittest.TestCase):
    def test_parses_and_counts(self):
        root = ET.fromstring(report.to_junit(sample()))
        self.assertEqual(root.tag, "testsuites")
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        self.assertEqual(sorted(suites), ["lab1", "lab2"])
        self.assertEqual((suites["lab1"].get("tests"), suites["lab1"].get("failures"),
                          suites["lab1"].get("errors")), ("2", "1", "0"))
        self.assertEqual((suites["lab2"].get("failures"), suites["lab2"].get("errors")), ("1", "1"))
        cases = root.findall(".//testcase")
        self.assertEqual(len(cases), 4)
        self.assertEqual(len(root.findall(".//testcase/failure")), 2)
        self.assertEqual(len(root.findall(".//testcase/error")), 1)
        gamma = [c for c in cases if c.get("name") == "gamma"][0]
        self.assertEqual(gamma.find("failure").get("type"), "TRIPLE FAULT")
        self.assertIn("CPU reset", gamma.find("failure").text)

    def test_kernel_garbage_still_parses(self):
        # A failure message quotes the kernel's last output, whatever bytes it was.
        junk = make_test("junk", 1)
        msg = "last output:\n    \x00\x01\x1b\x7f\ufffe\ud800 tail"
        root = ET.fromstring(report.to_junit([graded(junk, check.FAIL, message=msg)]))
        text = root.find(".//failure").text
        self.assertIn("tail", text)
        self.assertNotIn("\x01", text)


class Text(unittest.TestCase):
    def test_one_line_per_test_and_failure_details(self):
        lines = report.text_lines(sample())
        heads = [l for l in lines if l.startswith("lab ")]
        self.assertEqual(len(heads), 4)
        self.assertRegex(heads[0], r"^lab 1  alpha\s+OK\s+10/10\s+0\.12s$")
        self.assertRegex(heads[1], r"^lab 1  beta\s+FAIL\s+0/2\.5\s+")
        text = "\n".join(lines)
        self.assertIn("       expected /x/", text)
        self.assertIn("reproduce: make lab 1 TEST=beta SEED=12", text)
        self.assertIn("logs: ", text)
        self.assertNotIn("seed=11", text)  # a pass says nothing more without --verbose

    def test_verbose_shows_seed_and_values_of_passes(self):
        lines = report.text_lines(sample(), verbose=True)
        i = lines.index([l for l in lines if "alpha" in l][0])
        self.assertEqual(lines[i + 1].split(), ["seed=11", "n=300", "rip=0x101000"])

    def test_terminal_gets_no_control_characters(self):
        junk = make_test("junk", 1)
        lines = report.text_lines([graded(junk, check.FAIL, message="x\x1b]0;pwned\x07y")])
        self.assertFalse(any(c in l for l in lines for c in "\x1b\x07"))

    def test_summary(self):
        self.assertEqual(report.summary_line(sample()),
                         "Score: 10/37.5 (lab 1: 10/12.5, lab 2: 0/25)")


if __name__ == "__main__":
    unittest.main()
