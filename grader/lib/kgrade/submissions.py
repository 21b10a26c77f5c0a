"""Batch grading: one folder per student under a directory.

Only the files the handout gives students (those in labs/NN-name/) are
taken from a submission, into a fresh copy of the handout tree; anything
else a submission holds (a Makefile, common/, grader/) is ignored. A
submission may hold the lab folders at its top or under labs/, directly or
inside one enclosing folder (a repository uploaded as a zip). A symbolic
link on the way to a lab file (the folder, labs/, a lab folder, the file)
refuses the whole submission: it could point at anything on the machine.

Each student is graded in a temporary tree with its builds beside it, in
the sandbox, within a time budget; the CSV gets each student's row as soon
as it is known, so a batch stopped half-way keeps every grade it had.
"""

import concurrent.futures
import csv
import os
import shutil
import sys
import tempfile

from . import check, labs, report, runner
from . import sandbox as sandboxes

STUDENT_BUDGET = 600.0  # seconds to grade one student, before --timeout-scale


class Refused(Exception):
    """A submission the grader will not read (a symbolic link, ...): one line why."""


def handout_files(root=labs.ROOT):
    """{lab folder: [file names]} of the student tree (labs/)."""
    out = {}
    for folder in labs.lab_dirs(root).values():
        path = os.path.join(root, "labs", folder)
        if os.path.isdir(path):
            out[folder] = sorted(f for f in os.listdir(path) if os.path.isfile(os.path.join(path, f)))
    return out


def _no_link(path, top):
    """Refused if path, or a folder between top and it, is a symbolic link."""
    rel = os.path.relpath(path, top)
    here = top
    for part in [] if rel == "." else rel.split(os.sep):
        here = os.path.join(here, part)
        if os.path.islink(here):
            raise Refused("%s is a symbolic link (to %s): links are not graded" % (
                os.path.relpath(here, top), os.readlink(here)))


def _holds_labs(folder, root):
    dirs = labs.lab_dirs(root).values()
    return any(os.path.lexists(os.path.join(folder, d)) or os.path.lexists(os.path.join(folder, "labs", d))
               for d in dirs)


def find_lab_root(submission, root=labs.ROOT):
    """The folder holding the submission's lab folders (or their labs/): the
    submission itself, or its one enclosing folder. None if there is none.
    Refused if the way there is a symbolic link."""
    if os.path.islink(submission):
        raise Refused("the submission is a symbolic link (to %s): links are not graded"
                      % os.readlink(submission))
    if _holds_labs(submission, root):
        return submission
    inside = [e for e in sorted(os.listdir(submission)) if not e.startswith(".")
              and os.path.isdir(os.path.join(submission, e))]
    if len(inside) == 1 and _holds_labs(os.path.join(submission, inside[0]), root):
        _no_link(os.path.join(submission, inside[0]), submission)
        return os.path.join(submission, inside[0])
    return None


def pristine_tree(submission, dest, root=labs.ROOT):
    """Builds dest/ from labs/ plus the submission's copies of those files.
    Returns the list of files taken from the submission. Refused (nothing
    taken) if a symbolic link is on the way to any of them."""
    taken = []
    shutil.copytree(os.path.join(root, "labs"), dest)
    top = find_lab_root(submission, root)
    if top is None:
        return taken
    for folder, files in handout_files(root).items():
        for base in (os.path.join(top, "labs", folder), os.path.join(top, folder)):
            if not os.path.lexists(base):
                continue
            _no_link(base, submission)
            if not os.path.isdir(base):
                continue
            for name in files:
                src = os.path.join(base, name)
                if os.path.islink(src):
                    _no_link(src, submission)
                if os.path.isfile(src):
                    shutil.copyfile(src, os.path.join(dest, folder, name))
                    taken.append(os.path.join(folder, name))
            break
    return taken


def protected_paths(base=None, submissions_dir=None, root=labs.ROOT, tree=None):
    """What the user layer makes unreadable while grading: the reference
    labs, the project's tests and the specs, the base tree (the builds read
    a copy of the labs they need), the other submissions (a student's files
    are graded from a copy). Never the tree being graded itself."""
    paths = [os.path.join(root, p) for p in ("solutions", "tests", os.path.join("grader", "labs"))]
    if base and base != "labs":
        paths.append(labs.tree_dir(base, root))
    if submissions_dir:
        paths.append(os.path.abspath(submissions_dir))
    graded = os.path.realpath(labs.tree_dir(tree, root)) if tree else None
    return [p for p in paths if os.path.realpath(p) != graded]


def refused_results(numbers, reason, root=labs.ROOT):
    """Every test REFUSED, with the reason: what a refused submission gets."""
    from .spec import load_lab
    return [runner.TestResult(t, check.Outcome(check.REFUSED, 0, "not graded: " + reason))
            for n in numbers for t in load_lab(n, root=root).tests]


def grade_one(student, path, numbers, log_dir, boot, timeout_scale, base, root=labs.ROOT, sandbox=None,
              build_timeout=None):
    """Grades one student's folder in a temporary tree, built beside it (both
    are gone afterwards). Returns (results, files taken)."""
    sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)
    with tempfile.TemporaryDirectory(prefix="kgrade-sub-") as tmp:
        tree = os.path.join(tmp, "labs")
        try:
            taken = pristine_tree(path, tree, root)
        except Refused as e:
            return refused_results(numbers, str(e), root), []
        os.makedirs(os.path.join(tmp, "build"))
        sandbox.give(tmp)
        results = runner.grade(numbers, tree=tree, base=base, jobs=1, boot=boot, root=root,
                               timeout_scale=timeout_scale, log_dir=os.path.join(log_dir, student),
                               build_root=os.path.join(tmp, "build"), sandbox=sandbox,
                               budget=STUDENT_BUDGET * timeout_scale, build_timeout=build_timeout)
    return results, taken


def csv_row(student, results, numbers):
    score, max_score, by_lab = report.totals(results)
    failed = " ".join("lab%d/%s" % (r.lab, r.name) for r in results if not r.passed)
    return [student] + [report._points(by_lab.get(n, (0, 0))[0]) for n in numbers] \
        + [report._points(score), report._points(max_score), failed]


def grade_all(directory, numbers, csv_path, jobs=2, boot="fast", timeout_scale=1.0, base=None,
              root=labs.ROOT, sandbox=None, build_timeout=None, json_path=None):
    sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)
    entries = sorted(d for d in os.listdir(directory) if not d.startswith("."))
    students = [d for d in entries if os.path.isdir(os.path.join(directory, d))
                or os.path.islink(os.path.join(directory, d))]
    if not students:
        print("grade: no student folders in %s" % directory, file=sys.stderr)
        return 2
    print(sandbox.describe(), flush=True)
    log_dir = runner.new_log_dir(root)
    rows = {}
    header = ["student"] + ["lab%d" % n for n in numbers] + ["total", "max", "failed tests"]
    sheet = open(csv_path, "w", newline="") if csv_path else None
    writer = csv.writer(sheet) if sheet else None
    if writer:
        writer.writerow(header)
        sheet.flush()
    try:
        with sandboxes.Protected(protected_paths(base, directory, root), sandbox), \
                concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_one, s, os.path.join(directory, s), numbers, log_dir,
                                   boot, timeout_scale, base, root, sandbox, build_timeout): s
                       for s in students}
            for fut in concurrent.futures.as_completed(futures):
                s = futures[fut]
                try:
                    results, taken = fut.result()
                except Exception as e:  # the grader's failure, for this student only
                    results, taken = runner.error_results(numbers, e), ["?"]
                rows[s] = results
                refused = [r.message for r in results if r.status == check.REFUSED][:1]
                note = "  (%s)" % refused[0] if refused else "" if taken else "  (no lab files found)"
                print("%-24s %s%s" % (s, report.summary_line(results), note), flush=True)
                if writer:
                    writer.writerow(csv_row(s, results, numbers))
                    sheet.flush()
    finally:
        if sheet:
            sheet.close()
    if csv_path:
        # The finished sheet, in student order, replaces the rows written as they came.
        with open(csv_path + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for s in students:
                w.writerow(csv_row(s, rows[s], numbers))
        os.replace(csv_path + ".tmp", csv_path)
        print("grade sheet: %s" % csv_path)
    if json_path:
        report.write(json_path, {"sandbox": sandbox.layer, "labs": numbers,
                                 "students": {s: report.to_json(rows[s]) for s in students}})
        print("results: %s" % json_path)
    everything = [r for results in rows.values() for r in results]
    if any(r.status == check.GRADER_ERROR for r in everything):
        return 3
    return 0 if all(r.passed for r in everything) else 1
