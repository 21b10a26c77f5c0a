"""make docs: Doxygen over the public headers and the pages of docs/, with
warnings as errors. One build, then checks on what it produced."""

import glob
import os
import re
import shutil
import tempfile
import unittest
from html.parser import HTMLParser

from docs import browser, fit, helpers

WIDTHS = (1280, 800)  # a laptop's window, and half a wide screen


def page_html(md_path):
    """Doxygen's file name for a Markdown page: docs/lab01-idt.md -> md_docs_lab01_idt.html."""
    if os.path.basename(md_path) == "mainpage.md":
        return "index.html"
    return "md_docs_" + re.sub(r"[^A-Za-z0-9]", "_", os.path.basename(md_path)[:-3]) + ".html"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and ((tag == "a" and key == "href") or (key in ("src", "data") and tag in ("img", "object"))):
                self.targets.append(value)


class DoxygenTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="docs-html-")
        cls.status, cls.output = helpers.run(["make", "--no-print-directory", "docs"],
                                             env={"DOCS_OUT": cls.tmp})
        cls.html = os.path.join(cls.tmp, "html")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.status, 0, "make docs failed:\n" + helpers.tail(self.output))

    def pages(self):
        return sorted(glob.glob(os.path.join(helpers.ROOT, "docs", "*.md")))

    def test_site_has_every_page(self):
        self.assertTrue(os.path.exists(os.path.join(self.html, "index.html")))
        for md in self.pages():
            self.assertTrue(os.path.exists(os.path.join(self.html, page_html(md))),
                            "no HTML page for docs/%s" % os.path.basename(md))

    def test_figures_are_in_the_site(self):
        for md in self.pages():
            with open(md, encoding="utf-8") as f:
                for name in helpers.figures_of(f.read()):
                    self.assertTrue(os.path.exists(os.path.join(self.html, name + ".svg")),
                                    "%s (used by %s) was not copied into the site" % (name, md))

    def test_local_links_resolve(self):
        """Every link and image of the pages and API files points at a file
        that exists (a Markdown link to a page that does not exist shows up
        here, as does a link with an anchor Doxygen does not translate)."""
        broken = []
        for path in sorted(glob.glob(os.path.join(self.html, "*.html"))):
            parser = Links()
            with open(path, encoding="utf-8") as f:
                parser.feed(f.read())
            for target in parser.targets:
                if re.match(r"^(https?:|mailto:|javascript:|#)", target):
                    continue
                file_part = target.split("#")[0].split("?")[0]
                if file_part and not os.path.exists(os.path.join(self.html, file_part)):
                    broken.append("%s -> %s" % (os.path.basename(path), target))
        self.assertEqual(broken, [])

    def test_markdown_is_fully_rendered(self):
        """No Markdown left as text in the pages: Doxygen renders less than a
        git host does (no bold that starts with a code span or a '#', no
        emphasis inside a word), and the asterisks then show; nor a \\# where
        Doxygen takes text as written (scripts/doxygen-filter.awk)."""
        leftovers = []
        pages = [page_html(md) for md in self.pages()]
        for name in pages:
            with open(os.path.join(self.html, name), encoding="utf-8") as f:
                text = f.read()
            for pattern in (r'<div class="fragment">.*?<!-- fragment -->', r"<code>.*?</code>",
                            r"<pre.*?</pre>", r"<script.*?</script>", r"<[^>]+>"):
                text = re.sub(pattern, " ", text, flags=re.S)
            for m in re.finditer(r"\*\*|\w\*\w+\*|\\#", text):
                context = re.sub(r"\s+", " ", text[max(0, m.start() - 30):m.end() + 30])
                leftovers.append("%s: ...%s..." % (name, context))
        if leftovers:
            self.fail("Markdown that Doxygen left as text (reword it):\n" + "\n".join(leftovers))

    def test_api_of_every_lab_is_documented(self):
        """The headers of common/include and of each lab have a page (Doxygen
        names them NAME_8h.html)."""
        headers = glob.glob(os.path.join(helpers.ROOT, "common", "include", "*.h"))
        headers += glob.glob(os.path.join(helpers.SOLUTIONS, "*", "*.h"))
        missing = [h for h in headers
                   if not os.path.exists(os.path.join(self.html, os.path.basename(h)
                                                      .replace("_", "__").replace(".h", "_8h.html")))]
        self.assertEqual(missing, [])

    def test_pages_in_reading_order(self):
        with open(os.path.join(self.html, "navtreedata.js"), encoding="utf-8") as f:
            nav = f.read()
        order = [m for m in re.findall(r'"(md_docs_[a-z0-9_]+)\.html"', nav)]
        labs = [p for p in order if p.startswith("md_docs_lab")]
        self.assertEqual(labs, sorted(labs))
        self.assertLess(order.index(labs[-1]), order.index("md_docs_report_format"))

    @unittest.skipUnless(browser.chromium(), "chromium missing (make deps)")
    def test_pages_fit_the_window(self):
        """Every page of docs/, in headless Chromium at 1280 and 800 pixels:
        no figure or table wider than the text column, nothing clipped, no
        sideways scrolling, no error in the console."""
        pages = [page_html(md) for md in self.pages()]
        problems = []
        figures = 0
        for page, result in fit.check_pages(self.html, pages, WIDTHS).items():
            problems += ["%s: %s" % (page, e) for e in result.errors]
            for width, found in result.value.items():
                figures += found["checked"]
                problems += ["%s at %dpx: %s" % (page, width, b) for b in found["bad"]]
        self.assertGreater(figures, 20, "the check found no figures or tables to measure")
        self.assertEqual(problems, [])

    def test_call_graphs_are_drawn(self):
        self.assertTrue(glob.glob(os.path.join(self.html, "*_cgraph.svg")),
                        "no call graph in the site (HAVE_DOT, CALL_GRAPH)")


class WarningsAreErrors(unittest.TestCase):
    def test_an_undocumented_function_fails_the_build(self):
        """A copy of the docs inputs plus one header with an undocumented
        function: make docs must fail and name it."""
        with tempfile.TemporaryDirectory(prefix="docs-warn-") as tmp:
            for part in ("docs", "scripts", os.path.join("common", "include")):
                shutil.copytree(os.path.join(helpers.ROOT, part), os.path.join(tmp, part))
            with open(os.path.join(tmp, "common", "include", "extra.h"), "w") as f:
                f.write("/** @file extra.h\n * @brief A header for this test. */\n"
                        "int extra_undocumented(int x);\n")
            status, out = helpers.run(["sh", os.path.join(tmp, "scripts", "build-docs.sh")],
                                      env={"DOCS_OUT": os.path.join(tmp, "out")})
        self.assertNotEqual(status, 0, out)
        self.assertIn("extra_undocumented", out)
        self.assertIn("count as errors", out)


class FilterTests(unittest.TestCase):
    """scripts/doxygen-filter.awk: '#PF' in prose must not become a Doxygen
    link request; in code and in quotes it must stay as written."""

    def filtered(self, name, text):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            status, out = helpers.run(["awk", "-f", os.path.join(helpers.ROOT, "scripts",
                                                                 "doxygen-filter.awk"), path])
        self.assertEqual(status, 0, out)
        return out

    def test_markdown(self):
        text = ("a #PF here, `#GP` in code, \\#DF escaped, #ABCD and &#XY; alone\n"
                "a `span that goes on\nwith #UD` inside\n\n```text\n#PF: error_code(0x2)\n```\n")
        self.assertEqual(self.filtered("p.md", text),
                         "a \\#PF here, `#GP` in code, \\#DF escaped, #ABCD and &#XY; alone\n"
                         "a `span that goes on\nwith #UD` inside\n\n```text\n#PF: error_code(0x2)\n```\n")

    def test_quotes_stay_as_written(self):
        self.assertEqual(self.filtered("q.md", 'the chain ("#PF at RIP, then\n#DF") and #GP\n'),
                         'the chain ("#PF at RIP, then\n#DF") and \\#GP\n')
        self.assertEqual(self.filtered("q.h", '/** @brief "#PF" for 14, else #GP */\n'),
                         '/** @brief "#PF" for 14, else \\#GP */\n')

    def test_bold_the_way_doxygen_reads_it(self):
        """Doxygen shows **\\#DF** and **`code` text** with their asterisks:
        the filter writes <b> instead."""
        self.assertEqual(self.filtered("b.md", "a **#DF** b, **#GP with `x`** c, **`walk` d** e\n"),
                         "a <b>\\#DF</b> b, <b>\\#GP with `x`</b> c, <b>`walk` d</b> e\n")

    def test_emphasis_inside_a_word(self):
        self.assertEqual(self.filtered("e.md", "from IST*n* on, `a*b*c` and 2*3\n"),
                         "from IST<em>n</em> on, `a*b*c` and 2*3\n")

    def test_header(self):
        self.assertEqual(self.filtered("h.h", "/** the #PF handler */\n#define X 1\n"),
                         "/** the \\#PF handler */\n#define X 1\n")
        block = "/**\n * for example:\n *\n *     #PF: error_code(0x0002)\n */\n"
        self.assertEqual(self.filtered("b.h", block), block)
        brief = "/**\n * @brief Points the\n *        #DF gate at IST 1.\n */\n"
        self.assertEqual(self.filtered("c.h", brief), brief.replace("#DF", "\\#DF"))

if __name__ == "__main__":
    unittest.main()
