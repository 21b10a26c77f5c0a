"""Shared helpers for the end-to-end tests: copying trees, applying
mutants, grading in-process with the grader's own library."""

import os
import re
import shutil
import subprocess
import tempfile

from kgrade import labs, runner

ROOT = labs.ROOT
MUTANTS = os.path.join(ROOT, "tests", "mutants")
VARIANTS = os.path.join(ROOT, "tests", "variants")


def boots(var="E2E_BOOTS", default="fast,grub"):
    """Boot paths the end-to-end tests use: E2E_BOOTS=fast,grub (default both).
    Patched trees (mutants, variants) read PATCH_BOOTS, default fast only: the
    boot path changes how the kernel is loaded, not what a lab file does, and
    tests/boot/test_paths_agree.py holds the two paths to the same grades."""
    return [b for b in os.environ.get(var, default).split(",") if b]


def patch_boots():
    return boots("PATCH_BOOTS", "fast")


def grade(lab, tree, base=None, boot="fast", jobs=2, seed=None, build_root=None):
    """Grades one lab; returns the list of TestResults. A temporary tree
    passes build_root (inside its own temporary folder), so that its builds
    go with it instead of into the shared build/."""
    return runner.grade([lab], tree=tree, base=base, jobs=jobs, boot=boot, seed=seed,
                        build_root=build_root)


def failed_names(results):
    return sorted(r.name for r in results if not r.passed)


def explain(results):
    """The failures' messages, for assertion output."""
    return "\n".join("%s %s: %s" % (r.name, r.status, r.message) for r in results if not r.passed)


class Patch:
    """tests/mutants/NN-name/NAME.patch or tests/variants/NN-name/NAME.patch:
    a change to solutions/ for lab NN.

    The patch starts with header lines, then a diff against solutions/
    (paths like a/02-frames/trap_stubs.asm). A mutant (one known bug):
        Mutant: what the bug is, in one line
        Loses: test_a test_b       (the tests of lab NN it must fail, exactly)
    A variant (a correct alternative, which must keep full marks):
        Variant: what differs from the solution, in one line
    """

    def __init__(self, path):
        self.path = path
        self.folder = os.path.basename(os.path.dirname(path))
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.lab = int(self.folder.split("-")[0])
        with open(path) as f:
            text = f.read()
        m = re.search(r"^(Mutant|Variant): (.*)$", text, re.M)
        l = re.search(r"^Loses: (.*)$", text, re.M)
        if not m or (m.group(1) == "Mutant") != bool(l):
            raise ValueError("%s: needs a 'Mutant:' and a 'Loses:' header line, or one 'Variant:' line" % path)
        self.kind = m.group(1).lower()
        self.description = m.group(2).strip()
        self.loses = sorted(l.group(1).split()) if l else []

    def make_tree(self):
        """A copy of solutions/ with the patch applied, in a folder of its
        own that the caller removes: (folder, tree). Every patch of a lab
        gets the same paths (the tests run one at a time), so that the
        compile cache (KGRADE_COMPILE_CACHE) finds the files a patch did
        not change."""
        tmp = os.path.join(ROOT, "build", "tests", "patched", self.folder)
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        tree = os.path.join(tmp, "tree")
        shutil.copytree(os.path.join(ROOT, "solutions"), tree)
        r = subprocess.run(["patch", "-s", "-p1", "-d", tree, "-i", self.path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(tmp)
            raise RuntimeError("%s does not apply: %s%s" % (self.path, r.stdout, r.stderr))
        return tmp, tree


Mutant = Patch


def all_patches(top):
    """Every NN-name/*.patch under top (tests/mutants or tests/variants)."""
    out = []
    for folder in sorted(os.listdir(top)) if os.path.isdir(top) else []:
        d = os.path.join(top, folder)
        if os.path.isdir(d):
            out += [Patch(os.path.join(d, f)) for f in sorted(os.listdir(d)) if f.endswith(".patch")]
    return out


def all_mutants():
    return all_patches(MUTANTS)


def all_variants():
    return all_patches(VARIANTS)


