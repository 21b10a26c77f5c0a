"""Similarity across a class's submissions, lab by lab: pairs of students
whose own code (the lines the handout's skeleton does not already hold) is
much alike, with the first matching run side by side. It flags pairs for a
person to look at; it never changes a grade.

The comparison is Dick Grune's similarity tester (Debian's
similarity-tester: sim_c for C, sim_text for NASM), token-based, so renamed
variables and moved blank lines do not hide a copy.
"""

import os
import re
import shutil
import subprocess
import tempfile

from . import labs

THRESHOLD = 60     # percent of one student's own code found in another's
EXCERPT_LINES = 14
TOOLS = {".c": "sim_c", ".h": "sim_c", ".asm": "sim_text"}
_PERCENT = re.compile(r"^(?P<a>\S+) consists for (?P<p>\d+) % of (?P<b>\S+) material$", re.M)


def available():
    return all(shutil.which(t) for t in set(TOOLS.values()))


def _norm(line):
    return " ".join(line.split())


def own_code(path, skeleton_lines):
    """A file's text without the lines the skeleton already has, nor blank ones."""
    with open(path, errors="replace") as f:
        return "".join(l for l in f if _norm(l) and _norm(l) not in skeleton_lines)


def _skeleton(root, folder):
    lines = set()
    top = os.path.join(root, "labs", folder)
    for name in os.listdir(top) if os.path.isdir(top) else []:
        with open(os.path.join(top, name), errors="replace") as f:
            lines.update(_norm(l) for l in f)
    return lines


def _run(tool, files, extra=(), timeout=120):
    r = subprocess.run([tool] + list(extra) + files, capture_output=True, text=True, timeout=timeout,
                       errors="replace")
    return r.stdout


def lab_pairs(files_by_student, folder, root=labs.ROOT, threshold=THRESHOLD):
    """[{a, b, percent, kind, excerpt}] for one lab folder. files_by_student:
    {student: folder holding that student's copy of NN-name/}."""
    skeleton = _skeleton(root, folder)
    pairs = []
    with tempfile.TemporaryDirectory(prefix="kgrade-sim-") as tmp:
        for kind, tool in (("C", "sim_c"), ("NASM", "sim_text")):
            suffixes = [s for s, t in TOOLS.items() if t == tool]
            paths = {}
            for student, top in sorted(files_by_student.items()):
                src = os.path.join(top, folder)
                if not os.path.isdir(src):
                    continue
                text = "".join(own_code(os.path.join(src, n), skeleton) for n in sorted(os.listdir(src))
                               if n.endswith(tuple(suffixes)))
                if len(text.split()) < 20:  # hardly any code of their own: nothing to compare
                    continue
                path = os.path.join(tmp, "%s-%s%s" % (kind, re.sub(r"[^\w.-]", "_", student), suffixes[0]))
                with open(path, "w") as f:
                    f.write(text)
                paths[path] = student
            if len(paths) < 2:
                continue
            found = {}
            for m in _PERCENT.finditer(_run(tool, sorted(paths), ["-p", "-e", "-s", "-t%d" % threshold])):
                a, b = paths.get(m.group("a")), paths.get(m.group("b"))
                if a and b:
                    key = tuple(sorted((a, b)))
                    found[key] = max(found.get(key, 0), int(m.group("p")))
            by_student = {v: k for k, v in paths.items()}
            for (a, b), percent in sorted(found.items(), key=lambda kv: -kv[1]):
                runs = _run(tool, [by_student[a], by_student[b]], ["-r", "8", "-e", "-s", "-w", "120"])
                body = runs.split("\n\n", 1)[-1].strip().replace(tmp + "/", "").splitlines()
                pairs.append({"a": a, "b": b, "percent": percent, "kind": kind,
                              "excerpt": "\n".join(body[:EXCERPT_LINES])})
    return pairs


def report(files_by_student, numbers, root=labs.ROOT, threshold=THRESHOLD):
    """{lab number: pairs} for every lab graded (see lab_pairs)."""
    dirs = labs.lab_dirs(root)
    return {n: lab_pairs(files_by_student, dirs[n], root, threshold) for n in numbers}


def text(result):
    """The report as plain text, for --similarity F."""
    out = []
    for n, pairs in sorted(result.items()):
        out.append("lab %d: %s" % (n, "%d pair(s) above the threshold" % len(pairs) if pairs else "no pair above the threshold"))
        for p in pairs:
            out.append("  %s and %s: %d%% of one's own %s code is in the other's" % (p["a"], p["b"], p["percent"], p["kind"]))
            out += ["    " + l for l in p["excerpt"].splitlines()]
    return "\n".join(out) + "\n"
