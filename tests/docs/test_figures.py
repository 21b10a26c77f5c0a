"""Figures are code: docs/figures/NAME.dot is the source, NAME.svg its
rendering, committed so that a git host shows the pages with their figures.
Debian 12's Graphviz renders byte for byte the same SVG every time, so a
stale or hand-edited SVG is caught here."""

import glob
import os
import re
import subprocess
import unittest

from docs import helpers

FIGURES = os.path.join(helpers.ROOT, "docs", "figures")
GRAPHVIZ = "2.43.0"  # Debian 12's; the committed SVGs are its output


def graphviz_version():
    try:
        out = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr
    except OSError:
        return None
    m = re.search(r"version (\S+)", out)
    return m.group(1) if m else None


def referenced():
    """{figure name: [pages]} for every ![...](figures/NAME.svg) in docs/*.md."""
    refs = {}
    for page in sorted(glob.glob(os.path.join(helpers.ROOT, "docs", "*.md"))):
        with open(page, encoding="utf-8") as f:
            for name in helpers.figures_of(f.read()):
                refs.setdefault(name, []).append(os.path.basename(page))
    return refs


def sources():
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIGURES, "*.dot")))


class FigureTests(unittest.TestCase):
    def test_every_referenced_figure_has_a_source(self):
        missing = {n: pages for n, pages in referenced().items() if n not in sources()}
        self.assertEqual(missing, {}, "figures used by pages without a docs/figures/NAME.dot")

    def test_every_source_is_used(self):
        unused = sorted(set(sources()) - set(referenced()))
        self.assertEqual(unused, [], "docs/figures/*.dot that no page shows")

    def test_committed_svgs_are_up_to_date(self):
        version = graphviz_version()
        if version != GRAPHVIZ:
            self.skipTest("Graphviz %s here; the committed SVGs are Graphviz %s's output"
                          % (version, GRAPHVIZ))
        stale = []
        for name in sources():
            svg = os.path.join(FIGURES, name + ".svg")
            fresh = subprocess.run(["dot", "-Tsvg", os.path.join(FIGURES, name + ".dot")],
                                   capture_output=True)
            self.assertEqual(fresh.returncode, 0, fresh.stderr.decode())
            self.assertEqual(fresh.stderr, b"", "Graphviz warnings for %s.dot" % name)
            if not os.path.exists(svg):
                stale.append("%s.svg is missing" % name)
            else:
                with open(svg, "rb") as f:
                    if f.read() != fresh.stdout:
                        stale.append("%s.svg differs from its .dot" % name)
        self.assertEqual(stale, [], "run: scripts/build-docs.sh figures NAME, then commit the SVG")


if __name__ == "__main__":
    unittest.main()
