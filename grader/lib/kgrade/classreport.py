"""The class report (grade --submissions DIR --html class.html): one
self-contained HTML page (inline CSS, inline SVG, a few lines of inline
JavaScript to sort a table; nothing fetched) that shows what the whole
class got right and wrong:

- the class at a glance: students, mean and median per lab, a histogram;
- per test: the pass rate, and the most common first failure messages,
  clustered with their values masked, with counts and a few names;
- per student: each lab's score, the failed tests, and a link to the
  feedback that student sees (beside the page, in NAME-feedback/);
- similar pairs of submissions (kgrade.similarity), which only flag;
- the run itself: when, which grader, sandbox, boot path, seeds.
"""

import collections
import html
import re
import statistics

from . import report, spec

HIST_BINS = 10
_VALUE = re.compile(r"0x[0-9a-fA-F]+|\b\d+\b")


def feedback_file(student):
    """The feedback file of a student, beside the page."""
    return re.sub(r"[^\w.-]", "_", student) + ".txt"


def mask(message):
    """The first line of a failure message with its values masked: two
    students with the same bug and other seeds fall in one cluster."""
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return _VALUE.sub("#", first)


def clusters(rows, lab, test):
    """[(masked message, count, [students])] for the students who failed
    this test, most common first."""
    found = collections.OrderedDict()
    for name in sorted(rows):
        for r in rows[name].results:
            if r.lab == lab and r.name == test and not r.passed:
                found.setdefault(mask(r.message), []).append(name)
    return sorted(((m, len(n), n) for m, n in found.items()), key=lambda c: -c[1])


def _e(text):
    return html.escape(str(text), quote=True)


def histogram(scores, max_score, width=220, height=70):
    """An inline SVG histogram of scores in HIST_BINS bins of max_score."""
    counts = [0] * HIST_BINS
    for sc in scores:
        counts[min(HIST_BINS - 1, int(sc * HIST_BINS / max_score)) if max_score else 0] += 1
    top = max(counts) or 1
    bar = width / HIST_BINS
    parts = ['<svg class="hist" viewBox="0 0 %d %d" width="%d" height="%d" role="img" '
             'aria-label="scores">' % (width, height + 14, width, height + 14)]
    for i, c in enumerate(counts):
        h = height * c / top
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%d-%d: %d</title></rect>' % (
            i * bar + 1, height - h, bar - 2, h, max_score * i // HIST_BINS,
            max_score * (i + 1) // HIST_BINS, c))
    parts.append('<text x="0" y="%d">0</text><text x="%d" y="%d" text-anchor="end">%s</text></svg>' % (
        height + 12, width, height + 12, report._points(max_score)))
    return "".join(parts)


def _bar(rate):
    return ('<span class="bar"><span style="width:%d%%"></span></span> %d%%' % (round(rate * 100), round(rate * 100)))


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}th,td{padding:.25em .5em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th.sort{cursor:pointer;user-select:none}th.sort:after{content:" \\2195";color:#999}
.num{text-align:right;white-space:nowrap}.bad{color:#a40000}.ok{color:#2e7d32}
.bar{display:inline-block;width:120px;height:.8em;background:#f2d4d4;vertical-align:middle}
.bar span{display:block;height:100%;background:#5a9e5f}
.hist rect{fill:#4a78a8}.hist text{font-size:10px;fill:#555}
.labs{display:flex;flex-wrap:wrap;gap:1.5em}.lab{min-width:240px}
code,pre{font-family:ui-monospace,monospace;font-size:12px}pre{background:#f6f6f6;padding:.5em;overflow-x:auto}
.meta td:first-child{color:#555;width:12em}small{color:#666}
"""

SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (t) {
  t.querySelectorAll("th.sort").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var down = th.dataset.dir !== "down"; th.dataset.dir = down ? "down" : "up";
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v || a.cells[col].textContent, y = b.cells[col].dataset.v || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return down ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def write(path, record, rows, settings, pairs, feedback_dir):
    """Writes the page. record: the batch's JSON (kgrade.batch.to_json);
    rows: {student: StudentRow}; pairs: kgrade.similarity.report or None."""
    numbers = settings.numbers
    specs = {n: spec.load_lab(n, root=settings.root) for n in numbers}
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Class report</title><style>%s</style></head><body>" % CSS,
           "<h1>Class report: labs %s</h1>" % _e(", ".join(map(str, numbers)))]
    graded = [r for r in rows.values() if r.status == "graded"]
    full = sum(1 for r in rows.values() if r.fully_graded)
    out.append("<p>%d students: %d graded (%d fully), %d refused or without lab files.%s</p>" % (
        len(rows), len(graded), full, len(rows) - len(graded),
        " Stray files: %s." % _e(", ".join(record["stray_files"])) if record.get("stray_files") else ""))

    # -- the class at a glance --
    out.append('<h2 id="glance">The class at a glance</h2><div class="labs">')
    for n in numbers:
        scores = [r.labs[n].score for r in graded if n in r.labs]
        lab_max = specs[n].total
        mean = statistics.mean(scores) if scores else 0
        median = statistics.median(scores) if scores else 0
        out.append('<div class="lab"><h3>Lab %d: %s</h3><p>mean <b>%s</b>, median <b>%s</b> of %s</p>%s</div>' % (
            n, _e(specs[n].title), report._points(round(mean, 1)), report._points(median),
            report._points(lab_max), histogram(scores, lab_max)))
    out.append("</div>")

    # -- per test --
    out.append('<h2 id="tests">Tests</h2><table><thead><tr><th>test</th><th class="num">points</th>'
               '<th>passed</th><th>most common first failure (values masked)</th></tr></thead><tbody>')
    for n in numbers:
        for t in specs[n].tests:
            ran = [r for row in graded for r in row.results if r.lab == n and r.name == t.name]
            rate = sum(1 for r in ran if r.passed) / len(ran) if ran else 0
            items = "".join("<li><code>%s</code> <b>%d</b> <small>%s%s</small></li>" % (
                _e(m), count, _e(", ".join(names[:3])), " and %d more" % (count - 3) if count > 3 else "")
                for m, count, names in clusters({k: v for k, v in rows.items() if v.status == "graded"},
                                                n, t.name)[:3])
            out.append("<tr><td>lab %d <b>%s</b><br><small>%s</small></td><td class=num>%s</td><td>%s</td>"
                       "<td><ul>%s</ul></td></tr>" % (n, _e(t.name), _e(t.description), report._points(t.points),
                                                       _bar(rate), items))
    out.append("</tbody></table>")

    # -- per student --
    out.append('<h2 id="students">Students</h2><p><small>Click a column to sort.</small></p>'
               '<table class="sortable"><thead><tr><th class="sort">student</th>'
               + "".join('<th class="sort num">lab %d</th>' % n for n in numbers)
               + '<th class="sort num">total</th><th class="sort">status</th><th>failed tests</th></tr></thead><tbody>')
    for name in sorted(rows):
        row = rows[name]
        score, max_score, _ = report.totals(row.results)
        cells = "".join('<td class="num" data-v="%s">%s</td>' % (
            row.labs[n].score if n in row.labs else 0,
            report._points(row.labs[n].score) if n in row.labs else "-") for n in numbers)
        failed = " ".join("lab%d/%s" % (r.lab, r.name) for r in row.results if not r.passed)
        status = "; ".join(row.problems()) or "graded"
        out.append('<tr><td><a href="%s/%s">%s</a></td>%s<td class="num" data-v="%s">%s/%s</td>'
                   '<td class="%s">%s</td><td><small>%s</small></td></tr>' % (
                       _e(feedback_dir), _e(feedback_file(name)), _e(name), cells, score, report._points(score),
                       report._points(max_score), "ok" if row.fully_graded else "bad", _e(status), _e(failed)))
    out.append("</tbody></table>")

    # -- similarity --
    out.append('<h2 id="similarity">Similar submissions</h2>')
    if pairs is None:
        out.append("<p>Not computed: sim_c and sim_text (Debian package similarity-tester) are missing.</p>")
    else:
        out.append("<p><small>Pairs whose own code (without the handout's skeleton lines) is largely the same. "
                   "This only flags pairs for a person to read; it changes no grade.</small></p>")
        for n in numbers:
            found = pairs.get(n, [])
            out.append("<h3>Lab %d</h3>%s" % (n, "<p>No pair above the threshold.</p>" if not found else ""))
            for p in found:
                out.append("<details><summary>%s and %s: %d%% (%s)</summary><pre>%s</pre></details>" % (
                    _e(p["a"]), _e(p["b"]), p["percent"], _e(p["kind"]), _e(p["excerpt"])))

    # -- the run --
    out.append('<h2 id="run">The run</h2><table class="meta"><tbody>')
    for key, value in (("when", record["when"]), ("grader", record["grader"]), ("sandbox", record["sandbox"]),
                       ("boot path", record["boot"]), ("lower labs", record["lower"]),
                       ("deadline (git)", record.get("at") or "-"), ("timeout scale", record["timeout_scale"]),
                       ("seeds", "a fresh one per test and student; every one is in the run's JSON "
                                 "(grade --replay regrades one student with them)")):
        out.append("<tr><td>%s</td><td>%s</td></tr>" % (_e(key), _e(value)))
    out.append("</tbody></table><script>%s</script></body></html>" % SORT_JS)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
