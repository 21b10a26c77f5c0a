"""Grading a class: every entry of a submissions folder becomes a row or a
listed warning, each student is graded in the sandbox on a temporary copy
(kgrade.submissions says what is taken), and the results go to a CSV, a
JSON file a regrade can replay, and a console summary of everyone who was
not fully graded.

Lower labs (--lower): a lab N > 1 runs on labs 1..N-1 too. `own` grades it
on the student's own lower labs, `solutions` on the reference ones (as
compiled objects), `own-else-solutions` (the default where solutions/
exists) on the student's own where they are all there and build, else on
the reference ones. Each lab's row says which was used.
"""

import concurrent.futures
import csv
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import build, check, classreport, exports, labs, report, runner, similarity, spec, submissions
from . import sandbox as sandboxes

STUDENT_BUDGET = 600.0  # seconds to grade one student, before --timeout-scale
LOWER_POLICIES = ("own", "solutions", "own-else-solutions")


def default_lower(root=labs.ROOT):
    return "own-else-solutions" if os.path.isdir(os.path.join(root, "solutions")) else "own"


def grader_version(root=labs.ROOT):
    """git describe of the kit, or the VERSION file a handout carries."""
    try:
        r = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty", "--tags"],
                           capture_output=True, text=True, timeout=10)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        with open(os.path.join(root, "grader", "VERSION")) as f:
            return f.read().strip()
    except OSError:
        return "unknown"


class Settings:
    """How a batch grades: what a replay must reproduce."""

    def __init__(self, numbers, jobs=2, boot="fast", timeout_scale=1.0, lower="own", root=labs.ROOT,
                 sandbox=None, build_timeout=None, at=None):
        self.numbers, self.jobs, self.boot, self.timeout_scale = numbers, jobs, boot, timeout_scale
        self.lower, self.root, self.build_timeout, self.at = lower, root, build_timeout, at
        self.sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)


class StoredResult:
    """A test result read back from a batch's JSON (a re-run reuses it)."""

    def __init__(self, d):
        self.lab, self.name, self.scenario = d["lab"], d["name"], d.get("scenario", d["name"])
        self.score, self.max_score, self.seed = d["score"], d["max_score"], d.get("seed")
        self.status, self.message = check.Status(d["status"]), d.get("output", "")
        self.duration, self.values, self.log_base = d.get("duration_s", 0.0), {}, None

    @property
    def passed(self):
        return self.status == check.OK


class LabRow:
    """One lab of one student: points, status, why, and whose lower labs."""

    def __init__(self, number, results, present, lower):
        self.number = number
        score, max_score, _ = report.totals(results)
        self.score, self.max_score = score, max_score
        self.lower = lower
        self.status, self.reason = self._status(results, present)

    @classmethod
    def from_json(cls, number, d):
        row = cls.__new__(cls)
        row.number, row.score, row.max_score = number, d["score"], d["max_score"]
        row.status, row.reason, row.lower = d["status"], d["reason"], d["lower"]
        return row

    @staticmethod
    def _status(results, present):
        statuses = {r.status for r in results}
        if statuses == {check.REFUSED}:
            return "refused", results[0].message
        if check.BUILD_ERROR in statuses:
            msg = next(r.message for r in results if r.status == check.BUILD_ERROR)
            where = build.error_location(msg)
            return "build error", "build error in %s" % where if where else "build error"
        if check.BUILD_TIMEOUT in statuses:
            return "build timeout", "the build did not finish in time"
        if check.GRADER_ERROR in statuses:
            return "grader error", "the grader failed on some tests: not counted"
        if not present:
            return "no lab files", "no files of this lab were handed in: graded on the handout's"
        return "graded", ""

    def to_json(self):
        return {"score": self.score, "max_score": self.max_score, "status": self.status,
                "reason": self.reason, "lower": self.lower}


class StudentRow:
    """Everything known about one student after grading."""

    def __init__(self, name, results, labs_rows=None, taken=(), facts=None, status="graded", reason="",
                 files_hash=None, elapsed=0.0):
        self.name, self.results, self.labs = name, list(results), labs_rows or {}
        self.taken, self.facts = list(taken), facts or {}
        self.status, self.reason, self.files_hash, self.elapsed = status, reason, files_hash, elapsed
        self.reused = False  # taken from an earlier run: the files had not changed

    FACTS = ("kind", "commit", "commit_time", "late_commits")

    @classmethod
    def from_json(cls, name, d):
        row = cls(name, [StoredResult(t) for t in d["tests"]],
                  {int(n): LabRow.from_json(int(n), l) for n, l in d.get("labs", {}).items()},
                  d.get("files", []), {k: d.get(k) for k in cls.FACTS if k in d}, d["status"], d["reason"],
                  d.get("files_sha256"), d.get("elapsed_s", 0.0))
        return row

    @property
    def fully_graded(self):
        return self.status == "graded" and all(l.status == "graded" for l in self.labs.values())

    def problems(self):
        """What keeps this student from being fully graded, in words."""
        if self.status != "graded":
            return [self.reason or self.status]
        out = ["lab %d: %s" % (n, l.reason or l.status) for n, l in sorted(self.labs.items())
               if l.status != "graded"]
        out += ["lab %d: lower labs from the reference (%s)" % (n, l.lower.split(":", 1)[-1].strip())
                for n, l in sorted(self.labs.items()) if l.lower.startswith("reference:")]
        if self.facts.get("late_commits"):
            out.append("%d commit(s) after the deadline not graded" % self.facts["late_commits"])
        return out

    def to_json(self):
        d = report.to_json(self.results)
        d.update({"status": self.status, "reason": self.reason, "files": self.taken,
                  "extra_files": submissions.extras(self.taken), "files_sha256": self.files_hash,
                  "labs": {str(n): l.to_json() for n, l in sorted(self.labs.items())},
                  "elapsed_s": round(self.elapsed, 2)})
        d.update({k: v for k, v in self.facts.items() if v is not None})
        return d


def _all_tests(numbers, root, status, message):
    return [runner.TestResult(t, check.Outcome(status, 0, message))
            for n in numbers for t in spec.load_lab(n, root=root).tests]


def _lower_for(n, tree, present, s, build_root):
    """(base or None, the words for the row) for lab n under the policy."""
    dirs = labs.lab_dirs(s.root)
    if n == 1 or s.lower == "own":
        return None, "own"
    if s.lower == "solutions":
        return "solutions", "reference"
    missing = [k for k in range(1, n) if dirs[k] not in present]
    if missing:
        return "solutions", "reference: lab%s %s not handed in" % (
            "s" if len(missing) > 1 else "", ", ".join(map(str, missing)))
    b = build.build_stage(n - 1, tree, root=s.root, out=os.path.join(build_root, "own", "stage%d" % (n - 1)),
                          sandbox=s.sandbox, timeout=s.build_timeout or build.BUILD_TIMEOUT * s.timeout_scale)
    if not b.ok:
        return "solutions", "reference: your labs 1-%d do not build" % (n - 1)
    return None, "own"


def fingerprint(s, files_hash, facts):
    """What must be the same for an earlier result to stand: the files and
    every setting that changes a grade."""
    return json.dumps([files_hash, s.numbers, s.boot, s.lower, s.at, s.sandbox.layer,
                       grader_version(s.root), facts.get("commit")], sort_keys=True)


def keep_files(tree, taken, dest):
    """A copy of the files taken, beside the run's logs (for the similarity
    report and for reading what a student handed in)."""
    for rel in taken:
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(tree, rel), os.path.join(dest, rel))


def grade_student(name, path, s, log_dir, seeds=None, cache=None):
    """Grades one student; returns a StudentRow. Nothing it makes outlives
    it but a copy of the files taken (log_dir/NAME/files). cache: {name:
    (fingerprint, row as JSON)} of an earlier run, reused if it matches."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kgrade-sub-") as tmp:
        os.chmod(tmp, 0o700)
        try:
            source, facts = submissions.materialize(path, tmp, s.sandbox, s.at)
            tree = os.path.join(tmp, "labs")
            taken = submissions.pristine_tree(source, tree, s.root)
        except submissions.Refused as e:
            return StudentRow(name, _all_tests(s.numbers, s.root, check.REFUSED, "not graded: %s" % e),
                              {n: LabRow(n, _all_tests([n], s.root, check.REFUSED, str(e)), [], "-")
                               for n in s.numbers}, status="refused", reason=str(e),
                              elapsed=time.monotonic() - start)
        keep_files(tree, taken, os.path.join(log_dir, name, "files"))
        files_hash = submissions.content_hash(tree, taken)
        mark = fingerprint(s, files_hash, facts)
        if cache and name in cache and cache[name][0] == mark:
            row = StudentRow.from_json(name, cache[name][1])
            row.reused = True
            return row
        present = submissions.labs_present(taken)
        build_root = os.path.join(tmp, "build")
        os.makedirs(build_root)
        s.sandbox.give(tmp)
        deadline = time.monotonic() + STUDENT_BUDGET * s.timeout_scale
        results, rows = [], {}
        for n in s.numbers:
            base, lower = _lower_for(n, tree, present, s, build_root)
            lab_results = runner.grade([n], tree=tree, base=base, jobs=1, boot=s.boot, root=s.root,
                                       seed=seeds, timeout_scale=s.timeout_scale,
                                       log_dir=os.path.join(log_dir, name), sandbox=s.sandbox,
                                       build_root=os.path.join(build_root, "base" if base else "own"),
                                       budget=max(1.0, deadline - time.monotonic()),
                                       build_timeout=s.build_timeout)
            results += lab_results
            rows[n] = LabRow(n, lab_results, labs.lab_dirs(s.root)[n] in present, lower)
        status, reason = ("graded", "") if taken else ("no lab files", "no lab folders (such as %s/ or "
                                                        "labs/%s/) were found" % ((labs.lab_dirs(s.root)[1],) * 2))
        row = StudentRow(name, results, rows, taken, facts, status, reason, files_hash,
                         time.monotonic() - start)
        row.fingerprint = mark
        return row


HEADER = ["student", "status"]


def csv_header(numbers):
    return HEADER + sum((["lab%d" % n, "lab%d status" % n] for n in numbers), []) \
        + ["total", "max", "reason", "failed tests"]


def csv_row(row, numbers):
    score, max_score, _ = report.totals(row.results)
    cells = [row.name, row.status]
    for n in numbers:
        lab = row.labs.get(n)
        cells += [report._points(lab.score) if lab else "0", lab.reason or lab.status if lab else "?"]
    failed = " ".join("lab%d/%s" % (r.lab, r.name) for r in row.results if not r.passed)
    return cells + [report._points(score), report._points(max_score), "; ".join(row.problems()), failed]


class Progress:
    """Students done out of all, time so far and a guess of the time left:
    a line rewritten in place on a terminal, plain lines otherwise."""

    def __init__(self, total, out):
        self.total, self.done, self.start, self.out = total, 0, time.monotonic(), out
        self.tty = hasattr(out, "isatty") and out.isatty()

    @staticmethod
    def _t(seconds):
        seconds = int(seconds)
        return "%dm%02ds" % (seconds // 60, seconds % 60) if seconds >= 60 else "%ds" % seconds

    def line(self):
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0
        return "[%d/%d students, %s%s]" % (self.done, self.total, self._t(elapsed),
                                           ", about %s left" % self._t(left) if self.done < self.total else "")

    def student(self, text):
        """Prints one student's line, then where the batch stands."""
        self.done += 1
        if self.tty:
            print("\r\x1b[K" + text, file=self.out)
            print(self.line(), end="", file=self.out, flush=True)
        else:
            print("%s  %s" % (text, self.line()), file=self.out, flush=True)

    def close(self):
        if self.tty:
            print("\r\x1b[K", end="", file=self.out, flush=True)


def cache_path(directory, root=labs.ROOT):
    """Where a batch over directory keeps its results for the next run."""
    key = hashlib.sha1(os.path.abspath(directory).encode()).hexdigest()[:16]
    return os.path.join(root, "build", "batch-cache", key + ".json")


def load_cache(directory, root=labs.ROOT):
    try:
        with open(cache_path(directory, root)) as f:
            return {name: (d["fingerprint"], d["row"]) for name, d in json.load(f)["students"].items()}
    except (OSError, ValueError, KeyError):
        return {}


def save_cache(directory, rows, old, root=labs.ROOT):
    students = {}
    for name, row in rows.items():
        mark = getattr(row, "fingerprint", None) or (old[name][0] if row.reused and name in old else None)
        if mark:
            students[name] = {"fingerprint": mark, "row": row.to_json()}
    path = cache_path(directory, root)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump({"submissions": os.path.abspath(directory), "students": students}, f)
    os.replace(path + ".tmp", path)


def feedback_text(row):
    """What the student sees: each test's line and message, then the score."""
    lines = report.text_lines(row.results) + [report.summary_line(row.results)]
    if row.problems():
        lines.append("not fully graded: " + "; ".join(row.problems()))
    return "\n".join(lines) + "\n"


def grade_all(directory, s, csv_path=None, json_path=None, out=sys.stdout, roster=None, canvas=None,
              moodle=None, html=None, similarity_path=None, force=False):
    """Grades every student of directory with Settings s; writes the sheets
    asked for (roster: kgrade.exports.read_roster's, for canvas/moodle; html:
    the class report; similarity_path: the similarity report as text).
    Students whose files and settings did not change since the last run over
    directory keep their results, unless force. Returns the exit status:
    0 all passed, 1 some failed, 2 nothing to grade, 3 a grader error."""
    students, stray = submissions.entries(directory)
    if not students:
        print("grade: no student folders or archives in %s" % directory, file=sys.stderr)
        return 2
    print(s.sandbox.describe(), file=out, flush=True)
    log_dir = runner.new_log_dir(s.root)
    cache = {} if force else load_cache(directory, s.root)
    rows = {}
    progress = Progress(len(students), out)
    sheet = open(csv_path, "w", newline="") if csv_path else None
    writer = csv.writer(sheet) if sheet else None
    if writer:
        writer.writerow(csv_header(s.numbers))
        sheet.flush()
    try:
        with sandboxes.Protected(submissions.protected_paths(None, directory, s.root), s.sandbox), \
                concurrent.futures.ThreadPoolExecutor(max_workers=s.jobs) as pool:
            futures = {pool.submit(grade_student, name, path, s, log_dir, None, cache): name
                       for name, path in students.items()}
            for fut in concurrent.futures.as_completed(futures):
                name = futures[fut]
                try:
                    row = fut.result()
                except Exception as e:  # the grader's failure, for this student only
                    row = StudentRow(name, runner.error_results(s.numbers, e), status="grader error",
                                     reason="%s: %s" % (type(e).__name__, e))
                rows[name] = row
                problems = row.problems()
                progress.student("%-24s %s%s%s" % (name, report.summary_line(row.results).split("\n")[0],
                                                   "  (%s)" % "; ".join(problems) if problems else "",
                                                   "  (unchanged: earlier result)" if row.reused else ""))
                if writer:
                    writer.writerow(csv_row(row, s.numbers))
                    sheet.flush()
    finally:
        progress.close()
        if sheet:
            sheet.close()
    reused = sum(1 for r in rows.values() if r.reused)
    print("%d student(s) graded, %d unchanged since the last run (results reused%s)" % (
        len(rows) - reused, reused, "" if reused else "; --force regrades all"), file=out)
    save_cache(directory, rows, cache, s.root)
    order = sorted(rows)
    if csv_path:  # the finished sheet, in student order, replaces the rows written as they came
        with open(csv_path + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(csv_header(s.numbers))
            for name in order:
                w.writerow(csv_row(rows[name], s.numbers))
        os.replace(csv_path + ".tmp", csv_path)
        print("grade sheet: %s" % csv_path, file=out)
    record = to_json(directory, s, rows, stray)
    if json_path:
        report.write(json_path, record)
        print("results: %s" % json_path, file=out)
    if roster is not None:
        for path, writer_fn in ((canvas, exports.write_canvas), (moodle, exports.write_moodle)):
            if path:
                writer_fn(path, rows, s.numbers, roster)
                print("gradebook import: %s" % path, file=out)
        unlisted, absent = exports.unknown(rows, roster)
        for name in unlisted:
            print("roster: %s is not in the roster (exported under its folder name)" % name, file=out)
        for name in absent:
            print("roster: %s has no submission" % name, file=out)
    pairs = None
    if similarity_path or html:
        files = {name: os.path.join(log_dir, name, "files") for name in rows
                 if os.path.isdir(os.path.join(log_dir, name, "files"))}
        pairs = similarity.report(files, s.numbers, s.root) if similarity.available() else None
        if similarity_path:
            with open(similarity_path, "w") as f:
                f.write(similarity.text(pairs) if pairs is not None else
                        "similarity: sim_c and sim_text are missing (Debian package similarity-tester)\n")
            print("similarity: %s" % similarity_path, file=out)
    if html:
        feedback = os.path.splitext(html)[0] + "-feedback"
        os.makedirs(feedback, exist_ok=True)
        for name, row in rows.items():
            with open(os.path.join(feedback, classreport.feedback_file(name)), "w") as f:
                f.write(feedback_text(row))
        classreport.write(html, record, rows, s, pairs, os.path.basename(feedback))
        print("class report: %s" % html, file=out)
    summary(rows, stray, out)
    everything = [r for row in rows.values() for r in row.results]
    if any(r.status == check.GRADER_ERROR for r in everything):
        return 3
    return 0 if all(r.passed for r in everything) else 1


def summary(rows, stray, out=sys.stdout):
    """The console's last lines: who was not fully graded, and why."""
    partial = [r for r in sorted(rows.values(), key=lambda r: r.name) if r.problems()]
    if not partial and not stray:
        print("every student was fully graded", file=out)
        return
    print("not fully graded:", file=out)
    for r in partial:
        print("  %-22s %s" % (r.name, "; ".join(r.problems())), file=out)
    for name in stray:
        print("  %-22s skipped: not a folder or an archive (.zip, .tar, .tar.gz, .tgz)" % name, file=out)


def to_json(directory, s, rows, stray=()):
    return {
        "grader": grader_version(s.root),
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "submissions": os.path.abspath(directory),
        "labs": s.numbers, "boot": s.boot, "lower": s.lower, "at": s.at,
        "timeout_scale": s.timeout_scale, "sandbox": s.sandbox.layer,
        "stray_files": list(stray),
        "students": {name: rows[name].to_json() for name in sorted(rows)},
    }


def replay(record_path, student, s, out=sys.stdout):
    """Regrades one student of a batch's JSON with the seeds it recorded;
    returns (exit status, StudentRow)."""
    with open(record_path) as f:
        record = json.load(f)
    if student not in record.get("students", {}):
        raise KeyError("no student %s in %s (students: %s)" % (student, record_path,
                                                                ", ".join(sorted(record.get("students", {})))))
    old = record["students"][student]
    s.numbers = record["labs"]
    s.boot, s.lower, s.at = record.get("boot", s.boot), record.get("lower", s.lower), record.get("at")
    seeds = {(t["lab"], t["name"]): t["seed"] for t in old["tests"] if t.get("seed") is not None}
    students, _ = submissions.entries(record["submissions"])
    if student not in students:
        raise KeyError("%s is no longer in %s" % (student, record["submissions"]))
    row = grade_student(student, students[student], s, runner.new_log_dir(s.root), seeds=seeds)
    for line in report.text_lines(row.results):
        print(line, file=out)
    print(report.summary_line(row.results), file=out)
    same_files = row.files_hash == old.get("files_sha256")
    now = {(r.lab, r.name): (str(r.status), r.score) for r in row.results}
    then = {(t["lab"], t["name"]): (t["status"], t["score"]) for t in old["tests"]}
    differ = sorted(k for k in then if now.get(k) != then[k])
    print("replay of %s: %s; %s" % (student, "the same files" if same_files else "the files CHANGED since",
                                    "every test as recorded" if not differ else "differs in " + ", ".join(
                                        "lab%d/%s" % k for k in differ)), file=out)
    return (0 if not differ else 1), row
