"""docs/report-format.md documents every line a report can print: each
kprintf format of the report code (common/report.c, common/panic.c, and
every solution file that prints a report header) must match a line of the
page, where its conversions may be anything. So a new or changed report
line fails here until the page says what it is."""

import glob
import os
import re
import unittest

from docs import helpers
from kgrade import patterns

PAGE = os.path.join(helpers.ROOT, "docs", "report-format.md")
CONVERSION = re.compile(r"%[-0#+ ]*(\*|\d+)?(\.\d+)?(hh|h|ll|l|z)?[diuxXpsc]")
KPRINTF = re.compile(r'\bkprintf\(\s*"((?:[^"\\]|\\.)*)"')
MIN_LITERAL = 6  # shorter pieces (" [%s]", "  0x%016lx%s") are parts of documented lines


def report_sources():
    files = [os.path.join(helpers.ROOT, "common", "report.c"),
             os.path.join(helpers.ROOT, "common", "panic.c")]
    for path in sorted(glob.glob(os.path.join(helpers.SOLUTIONS, "*", "*.c"))):
        with open(path, encoding="utf-8") as f:
            if "report_header(" in f.read():
                files.append(path)
    return files


def line_patterns(fmt):
    """One regular expression per printed line of a format string."""
    out = []
    for piece in fmt.split("\\n"):
        piece = piece.strip()
        literal = CONVERSION.sub("", piece).replace("%%", "%")
        if len(literal.strip()) < MIN_LITERAL:
            continue
        parts = CONVERSION.split(piece)
        # split() interleaves the groups of CONVERSION: keep the literal text.
        step = 1 + CONVERSION.groups
        literals = [parts[i].replace("%%", "%") for i in range(0, len(parts), step)]
        out.append(piece and ".+?".join(re.escape(l) for l in literals))
    return out


class ReportFormatTests(unittest.TestCase):
    def setUp(self):
        with open(PAGE, encoding="utf-8") as f:
            self.lines = f.read().splitlines()

    def test_every_report_line_is_documented(self):
        missing = []
        checked = 0
        for path in report_sources():
            with open(path, encoding="utf-8") as f:
                for fmt in KPRINTF.findall(f.read()):
                    for pattern in line_patterns(fmt):
                        checked += 1
                        if not any(re.search(pattern, line) for line in self.lines):
                            missing.append("%s: %s" % (os.path.relpath(path, helpers.ROOT), fmt))
        self.assertGreater(checked, 10, "the report code prints more lines than that")
        self.assertEqual(missing, [], "report lines docs/report-format.md does not show")

    def test_examples_parse_with_the_graders_patterns(self):
        """The page's examples are read by the grader's own patterns."""
        text = "\n".join(self.lines)
        wanted = [patterns.header(v) for v in (3, 8, 13, 14)]
        wanted += [patterns.rip(), patterns.rsp(), patterns.error_code("#GP"),
                   patterns.error_code("#PF")]
        missing = [p for p in wanted if not re.search(p, text, re.M)]
        self.assertEqual(missing, [], "patterns that match no example of the page")

    def test_line_patterns(self):
        self.assertEqual(line_patterns("EXCEPTION: %s (%s, vector %u)\\n"),
                         [r"EXCEPTION:\ .+?\ \(.+?,\ vector\ .+?\)"])
        self.assertEqual(line_patterns(" [%s]"), [])


if __name__ == "__main__":
    unittest.main()
