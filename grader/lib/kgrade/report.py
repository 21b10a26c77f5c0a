"""Reports: text for people, JSON, Gradescope's results.json, JUnit XML."""

import json
import os
import re
import xml.etree.ElementTree as ET

from . import check, labs


def _points(x):
    return ("%g" % x)


def printable(text):
    """text safe for every report format (check.safe: no control sequences,
    controls, bidi characters or surrogates). Every format goes through it."""
    return check.safe(text)


def reproduce_hint(r):
    hint = "reproduce: make lab %d TEST=%s SEED=%s" % (r.lab, r.scenario, r.seed)
    if r.log_base:
        hint += "\n  logs: %s.{serial,qemu.log}" % os.path.relpath(r.log_base, labs.ROOT)
    return hint


def values_line(r):
    """'seed=N  name=value ...': what a passing test saw, for --verbose."""
    parts = ["seed=%s" % r.seed] if r.seed is not None else []
    parts += ["%s=%s" % (k, v) for k, v in sorted(r.values.items())]
    return printable("  ".join(parts))


def text_lines(results, verbose=False):
    """One line per test; failures add their explanation, indented; with
    verbose, passing tests add their seed and the values they captured."""
    out = []
    for r in results:
        out.append("lab %d  %-24s %-13s %6s  %5.2fs" % (
            r.lab, r.name, r.status, "%s/%s" % (_points(r.score), _points(r.max_score)),
            r.duration))
        if not r.passed:
            detail = printable(r.message) + ("\n" + reproduce_hint(r) if r.seed is not None else "")
            out.extend("       " + l for l in detail.splitlines())
        elif verbose and values_line(r):
            out.append("       " + values_line(r))
    return out


def graded(results):
    """The results that count: a GRADER ERROR is the grader's bug, not the
    student's, so its test is left out of both the score and the maximum."""
    return [r for r in results if r.status != check.GRADER_ERROR]


def totals(results):
    by_lab = {}
    for r in graded(results):
        s, m = by_lab.get(r.lab, (0, 0))
        by_lab[r.lab] = (s + r.score, m + r.max_score)
    score = sum(r.score for r in graded(results))
    max_score = sum(r.max_score for r in graded(results))
    return score, max_score, by_lab


def grader_error_line(results):
    """'' or the loud line that says some tests could not be graded."""
    bad = [r for r in results if r.status == check.GRADER_ERROR]
    if not bad:
        return ""
    return "GRADER ERROR in %d test%s (%s): not counted; the course staff must fix the grader" % (
        len(bad), "" if len(bad) == 1 else "s", ", ".join("lab%d/%s" % (r.lab, r.name) for r in bad))


def summary_line(results):
    score, max_score, by_lab = totals(results)
    parts = ", ".join("lab %d: %s/%s" % (n, _points(s), _points(m)) for n, (s, m) in sorted(by_lab.items()))
    line = "Score: %s/%s (%s)" % (_points(score), _points(max_score), parts)
    errors = grader_error_line(results)
    return line + ("\n" + errors if errors else "")


def to_json(results, sandbox=None):
    score, max_score, _ = totals(results)
    return {
        "score": score,
        "max_score": max_score,
        "sandbox": sandbox,
        "tests": [{
            "lab": r.lab, "name": r.name, "scenario": r.scenario, "score": r.score, "max_score": r.max_score,
            "status": str(r.status), "duration_s": round(r.duration, 3), "seed": r.seed,
            "output": printable(r.message),
        } for r in results],
    }


_LOG_LINE = re.compile(r"^\s*(?:full log|logs): .*$\n?", re.M)


def student_view(message, root=labs.ROOT):
    """A message as a student sees it on a platform that runs the grader
    somewhere else (Gradescope): no paths of that machine, which the student
    cannot open (the log files, the temporary tree)."""
    message = _LOG_LINE.sub("", message)
    return message.replace(root.rstrip("/") + "/", "")


def to_gradescope(results, execution_time, sandbox=None):
    """Gradescope's autograder results.json (top level score, tests[]);
    sandbox: the line saying how the submission was isolated."""
    score, max_score, _ = totals(results)
    tests = []
    for i, r in enumerate(results, 1):
        output = student_view(r.message) if not r.passed else "passed"
        if not r.passed and r.seed is not None:
            output += "\n" + reproduce_hint(r).split("\n")[0]
        tests.append({
            "name": "lab %d: %s" % (r.lab, r.name),
            "number": "%d.%d" % (r.lab, sum(1 for x in results[:i] if x.lab == r.lab)),
            "score": r.score,
            "max_score": r.max_score if r.status != check.GRADER_ERROR else 0,
            "status": "passed" if r.passed else "failed",
            "output": printable(output),
            "visibility": "visible",
        })
    return {
        "score": score,
        "execution_time": int(round(execution_time)),
        "output": summary_line(results) + ("\n" + sandbox if sandbox else ""),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }


ERRORS = (check.BUILD_ERROR, check.BUILD_TIMEOUT, check.GRADER_ERROR, check.REFUSED)  # JUnit's <error>


def to_junit(results):
    """JUnit XML: one testsuite per lab, a failure element per failed test."""
    root = ET.Element("testsuites")
    for lab in sorted({r.lab for r in results}):
        rs = [r for r in results if r.lab == lab]
        suite = ET.SubElement(root, "testsuite", {
            "name": "lab%d" % lab, "tests": str(len(rs)),
            "failures": str(sum(1 for r in rs if r.status != check.OK and r.status not in ERRORS)),
            "errors": str(sum(1 for r in rs if r.status in ERRORS)),
            "time": "%.3f" % sum(r.duration for r in rs),
        })
        for r in rs:
            case = ET.SubElement(suite, "testcase", {
                "classname": "lab%d" % lab, "name": r.name, "time": "%.3f" % r.duration})
            if not r.passed:
                tag = "error" if r.status in ERRORS else "failure"
                el = ET.SubElement(case, tag, {"message": "%s (%s/%s points)" % (
                    r.status, _points(r.score), _points(r.max_score)), "type": str(r.status)})
                el.text = printable(r.message)
    return ET.tostring(root, encoding="unicode")


def write(path, content):
    with open(path, "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content, indent=2) + "\n")
