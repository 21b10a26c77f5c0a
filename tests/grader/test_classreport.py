"""The class report (grade --submissions --html): a small class of full
marks, a skeleton, two students with the same bug, another bug, and a
submission that does not compile. The page shows every student with the
CSV's scores, the pass rates the CSV gives, one cluster for the shared bug,
links to each student's feedback; it loads in headless Chromium from disk
with no error and no request but its own, and its columns sort; and a
second run reuses every student."""

import csv
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from html.parser import HTMLParser

from docs import browser
from grader.helpers import run_grade
from kgrade import labs, spec

ROOT = labs.ROOT
LAB1 = labs.lab_dirs()[1]
MUTANTS = os.path.join(ROOT, "tests", "mutants", LAB1)


class Page(HTMLParser):
    """The student table's rows and the tests table's rows, as cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.scripts_src, self._cell = [], [], [], None
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for key in ("src", "href"):
            if a.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(a[key])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def patched(dest, mutant):
    shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(dest, LAB1))
    subprocess.run(["patch", "-s", "-p1", "-d", dest, "-i", os.path.join(MUTANTS, mutant + ".patch")], check=True)


class ClassReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="classreport-")
        os.chmod(cls.tmp, 0o755)
        top = cls.top = os.path.join(cls.tmp, "subs")
        shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(top, "ada", LAB1))
        shutil.copytree(os.path.join(ROOT, "labs", LAB1), os.path.join(top, "ben", LAB1))
        patched(os.path.join(top, "cy"), "limit_off_by_one")
        patched(os.path.join(top, "di"), "limit_off_by_one")
        patched(os.path.join(top, "ed"), "type_bits_truncated")
        shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(top, "flo", LAB1))
        with open(os.path.join(top, "flo", LAB1, "idt.c"), "a") as f:
            f.write("\nthis does not compile\n")
        cls.html = os.path.join(cls.tmp, "class.html")
        cls.csv = os.path.join(cls.tmp, "grades.csv")
        cls.first = run_grade("1", "--submissions", top, "--csv", cls.csv, "--html", cls.html,
                              "--timeout-scale", "3")
        with open(cls.csv, newline="") as f:
            cls.rows = {r["student"]: r for r in csv.DictReader(f)}
        cls.page = Page()
        with open(cls.html, encoding="utf-8") as f:
            cls.text = f.read()
        cls.page.feed(cls.text)
        cls.second = run_grade("1", "--submissions", top, "--timeout-scale", "3")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def table(self, first_header):
        for t in self.page.tables:
            if t and t[0] and t[0][0] == first_header:
                return t[1:]
        self.fail("no table headed %r" % first_header)

    def test_every_student_with_the_csv_scores(self):
        students = {r[0]: r for r in self.table("student")}
        self.assertEqual(sorted(students), sorted(self.rows), self.first.stdout)
        for name, row in self.rows.items():
            self.assertEqual(students[name][1], row["lab1"], name)
            self.assertEqual(students[name][2], "%s/%s" % (row["total"], row["max"]), name)

    def test_pass_rates_are_the_csvs(self):
        graded = [r for r in self.rows.values() if r["status"] == "graded"]
        for cells in self.table("test"):
            test = cells[0].split()[2]
            failed = sum(1 for r in graded if "lab1/%s" % test in r["failed tests"].split())
            want = round(100 * (len(graded) - failed) / len(graded))
            self.assertEqual(re.search(r"(\d+)%", cells[2]).group(1), str(want), cells)

    def test_a_shared_bug_is_one_cluster(self):
        idt_loaded = next(c for c in self.table("test") if c[0].split()[2] == "idt_loaded")
        # cy and di have the same bug and other seeds: one cluster of two.
        self.assertRegex(idt_loaded[3], r"IDTR limit \(.*?\): expected # \(#\), got # \(#\) 2 cy, di\b")

    def test_feedback_beside_the_page(self):
        for name in self.rows:
            link = "class-feedback/%s.txt" % name
            self.assertIn(link, self.page.links)
            with open(os.path.join(self.tmp, link)) as f:
                text = f.read()
            self.assertIn("Score: %s/%s" % (self.rows[name]["total"], self.rows[name]["max"]), text)
        with open(os.path.join(self.tmp, "class-feedback", "flo.txt")) as f:
            self.assertIn("BUILD ERROR", f.read())

    def test_self_contained(self):
        self.assertEqual(self.page.external, [])
        self.assertNotRegex(self.text, r"<(script|link|img)[^>]+(src|href)=")
        for n in spec.available_labs()[:1]:
            self.assertIn("<svg", self.text)
        self.assertIn("grader", self.text)  # the run's facts

    # In the page: the students' names in table order, then after clicking
    # the total's header (highest first), as "name total" pairs.
    SORT_CHECK = """(() => {
      const t = document.querySelector("table.sortable");
      const rows = () => Array.from(t.tBodies[0].rows).map(r => r.cells[0].textContent.trim());
      const before = rows();
      const heads = Array.from(t.querySelectorAll("th.sort"));
      heads.find(h => h.textContent.trim() === "total").click();
      return {before: before, after: rows()};
    })()"""

    @unittest.skipUnless(browser.chromium(), "chromium missing (make deps)")
    def test_loads_offline_and_sorts(self):
        with browser.Browser() as b:
            page, = b.open(["file://" + self.html], [1280], self.SORT_CHECK)
        self.assertEqual(page.errors, [])
        self.assertEqual([u for u in page.requests if u != "file://" + self.html], [])
        order = page.value[1280]
        self.assertEqual(order["before"], sorted(self.rows))
        totals = [float(self.rows[n]["total"]) for n in order["after"]]
        self.assertEqual(totals, sorted(totals, reverse=True), order)
        self.assertEqual(totals[0], max(float(r["total"]) for r in self.rows.values()))

    def test_second_run_reuses_everyone(self):
        self.assertEqual(self.second.returncode, 1, self.second.stdout + self.second.stderr)
        self.assertIn("0 student(s) graded, %d unchanged since the last run" % len(self.rows), self.second.stdout)


if __name__ == "__main__":
    unittest.main()
