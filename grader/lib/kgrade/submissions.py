"""Batch grading: one folder per student under a directory.

Only the files the handout gives students (those in labs/NN-name/) are
taken from a submission, into a fresh copy of the handout tree; anything
else a submission holds (a Makefile, common/, grader/) is ignored. A
submission may hold the lab folders at its top or under labs/.
"""

import concurrent.futures
import csv
import os
import shutil
import sys
import tempfile

from . import check, labs, report, runner


def handout_files(root=labs.ROOT):
    """{lab folder: [file names]} of the student tree (labs/)."""
    out = {}
    for folder in labs.lab_dirs(root).values():
        path = os.path.join(root, "labs", folder)
        if os.path.isdir(path):
            out[folder] = sorted(f for f in os.listdir(path) if os.path.isfile(os.path.join(path, f)))
    return out


def pristine_tree(submission, dest, root=labs.ROOT):
    """Builds dest/ from labs/ plus the submission's copies of those files.
    Returns the list of files taken from the submission."""
    taken = []
    shutil.copytree(os.path.join(root, "labs"), dest)
    for folder, files in handout_files(root).items():
        for base in (os.path.join(submission, "labs", folder), os.path.join(submission, folder)):
            if os.path.isdir(base):
                for name in files:
                    src = os.path.join(base, name)
                    if os.path.isfile(src) and not os.path.islink(src):
                        shutil.copyfile(src, os.path.join(dest, folder, name))
                        taken.append(os.path.join(folder, name))
                break
    return taken


def grade_one(student, path, numbers, log_dir, boot, timeout_scale, base, root=labs.ROOT):
    """Grades one student's folder in a temporary tree, built beside it (both
    are gone afterwards). Returns (results, files taken)."""
    with tempfile.TemporaryDirectory(prefix="kgrade-sub-") as tmp:
        tree = os.path.join(tmp, "labs")
        taken = pristine_tree(path, tree, root)
        results = runner.grade(numbers, tree=tree, base=base, jobs=1, boot=boot, root=root,
                               timeout_scale=timeout_scale, log_dir=os.path.join(log_dir, student),
                               build_root=os.path.join(tmp, "build"))
    return results, taken


def grade_all(directory, numbers, csv_path, jobs=2, boot="fast", timeout_scale=1.0, base=None,
              root=labs.ROOT):
    students = sorted(d for d in os.listdir(directory)
                      if os.path.isdir(os.path.join(directory, d)) and not d.startswith("."))
    if not students:
        print("grade: no student folders in %s" % directory, file=sys.stderr)
        return 2
    log_dir = runner.new_log_dir(root)
    rows = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, s, os.path.join(directory, s), numbers, log_dir,
                               boot, timeout_scale, base, root): s for s in students}
        for fut in concurrent.futures.as_completed(futures):
            s = futures[fut]
            try:
                results, taken = fut.result()
            except Exception as e:  # the grader's failure, for this student only
                results, taken = runner.error_results(numbers, e), ["?"]
            rows[s] = results
            score, max_score, _ = report.totals(results)
            print("%-24s %s%s" % (s, report.summary_line(results),
                                  "" if taken else "  (no lab files found)"), flush=True)
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student"] + ["lab%d" % n for n in numbers] + ["total", "max", "failed tests"])
            for s in students:
                score, max_score, by_lab = report.totals(rows[s])
                failed = " ".join("lab%d/%s" % (r.lab, r.name) for r in rows[s] if not r.passed)
                w.writerow([s] + [report._points(by_lab.get(n, (0, 0))[0]) for n in numbers]
                           + [report._points(score), report._points(max_score), failed])
        print("grade sheet: %s" % csv_path)
    everything = [r for results in rows.values() for r in results]
    if any(r.status == check.GRADER_ERROR for r in everything):
        return 3
    return 0 if all(r.passed for r in everything) else 1
