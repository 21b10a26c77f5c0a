"""clangd: any stage build writes compile_commands.json for its whole tree,
with the commands make really runs, merged into build/ where clangd finds
it; clangd then parses every lab file of labs/ and solutions/ without an
error."""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kgrade import build, compdb, labs

ROOT = labs.ROOT


def lab_files(tree):
    """Every .c and .h file of the tree's lab folders."""
    top = labs.tree_dir(tree)
    return sorted(os.path.join(top, d, n) for d in labs.lab_dirs().values()
                  if os.path.isdir(os.path.join(top, d))
                  for n in os.listdir(os.path.join(top, d)) if n.endswith((".c", ".h")))


def clangd_errors(path, cwd):
    """clangd --check's error lines for path, or its whole output if it did not finish."""
    run = subprocess.run(["clangd", "--check=" + path, "--check-lines=1"], cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=120)
    if not re.search(r"All checks completed, 0 errors", run.stdout):
        return [l for l in run.stdout.splitlines() if l.startswith("E[")] or [run.stdout[-2000:]]
    return []


@unittest.skipUnless(shutil.which("clangd"), "clangd missing (make deps)")
class Clangd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Stage 1 is enough: each build describes its whole tree.
        cls.builds = {t: build.build_stage(1, t) for t in ("labs", "solutions")}
        cls.merged = os.path.join(ROOT, "build", compdb.NAME)

    def setUp(self):
        for t, b in self.builds.items():
            self.assertTrue(b.ok, "stage 1 of %s does not build:\n%s" % (t, b.errors))

    def test_every_lab_file_parses(self):
        files = lab_files("labs") + lab_files("solutions")
        self.assertGreater(len(files), 20)
        with tempfile.TemporaryDirectory() as cwd, \
                concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            errors = dict(zip(files, pool.map(lambda f: clangd_errors(f, cwd), files)))
        bad = {os.path.relpath(f, ROOT): e for f, e in errors.items() if e}
        self.assertEqual(bad, {}, "clangd finds errors (is build/compile_commands.json right?)")

    def test_one_entry_per_c_file_of_both_trees(self):
        with open(self.merged) as f:
            entries = json.load(f)
        names = [e["file"] for e in entries]
        self.assertEqual(len(names), len(set(names)), "a file listed twice")
        self.assertFalse([n for n in names if not n.endswith(".c")], "only C files (no NASM)")
        for tree in ("labs", "solutions"):
            wanted = {f for f in lab_files(tree) if f.endswith(".c")}
            self.assertEqual(wanted - set(names), set(), "%s files missing" % tree)
        shared = [e for e in entries if e["file"] == os.path.join(ROOT, "grader", "scenarios", "01-idt",
                                                                 "idt_scenarios.c")]
        self.assertIn("-I%s" % os.path.join(ROOT, "labs", "01-idt"), shared[0]["command"],
                      "a file of both trees takes its flags from labs/, the student's")
        core = [e for e in entries if e["file"] == os.path.join(ROOT, "common", "kmain.c")]
        self.assertNotIn("01-idt", core[0]["command"], "the core compiles with its own headers only")

    def test_commands_are_what_make_runs(self):
        """For the last stage, each entry is make's own compile line (less -o)."""
        last = labs.numbers()[-1]
        tree = labs.tree_dir("solutions")
        with tempfile.TemporaryDirectory() as out:
            make = ["make", "--no-print-directory", "-f", os.path.join(ROOT, "mk", "stage.mk"),
                    "STAGE=%d" % last, "TREE=" + tree, "OUT=" + out]
            # The database for real, then the compile lines make would run (-n).
            subprocess.run(make + [os.path.join(out, compdb.NAME)], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            run = subprocess.run(make + ["-n", "-B", "elf"], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertEqual(run.returncode, 0, run.stdout[-3000:])
            with open(os.path.join(out, compdb.NAME)) as f:
                db = {e["file"]: e["command"] for e in json.load(f)}
            compiled = {}
            for line in run.stdout.splitlines():
                m = re.match(r"^gcc .* -c (\S+\.c) -o \S+$", line)
                if m and not m.group(1).startswith(out):  # not the generated stage_info.c
                    compiled[m.group(1)] = re.sub(r" -o \S+$", "", line)
        self.assertGreater(len(compiled), 20, run.stdout[-3000:])
        for src, line in compiled.items():
            self.assertEqual(db.get(src), line, src)


if __name__ == "__main__":
    unittest.main()
