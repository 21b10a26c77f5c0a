"""The lab list, read from mk/labs.mk (its one definition) so that make,
the grader, the packaging scripts and the tests agree; and where a tree's
stages are built."""

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
LABS_MK = os.path.join("mk", "labs.mk")


class LabListError(ValueError):
    """mk/labs.mk is inconsistent."""


def _read(root):
    dirs, numbers = {}, None
    with open(os.path.join(root, LABS_MK)) as f:
        for line in f:
            m = re.match(r"LAB_(\d+)\s*:=\s*(\S+)", line)
            if m:
                dirs[int(m.group(1))] = m.group(2)
            m = re.match(r"LAB_NUMBERS\s*:=(.*)$", line)
            if m:
                numbers = [int(x) for x in m.group(1).split()]
    if numbers is None or sorted(dirs) != numbers:
        raise LabListError("%s: LAB_NUMBERS %s does not list the LAB_n lines %s" % (
            LABS_MK, numbers, sorted(dirs)))
    for n, d in dirs.items():
        if not re.fullmatch(r"%02d-[a-z0-9-]+" % n, d):
            raise LabListError("%s: LAB_%d's folder %r must be named %02d-<name>" % (LABS_MK, n, d, n))
    return dirs


def lab_dirs(root=ROOT):
    """{lab number: folder name}, e.g. {1: '01-idt', ...}."""
    return _read(root)


def numbers(root=ROOT):
    """The lab numbers, in order."""
    return sorted(_read(root))


def span(root=ROOT):
    """'1-4': how messages name the range of labs."""
    n = numbers(root)
    return "%d-%d" % (n[0], n[-1]) if len(n) > 1 else "%d" % n[0]


def tree_dir(tree, root=ROOT):
    """TREE as make lab resolves it: labs, solutions or a directory."""
    if tree in ("labs", "solutions"):
        return os.path.join(root, tree)
    return os.path.abspath(tree)


def tree_key(tree):
    """The build-folder name of a tree (one word: make splits at spaces)."""
    if tree in ("labs", "solutions"):
        return tree
    return "tree-" + re.sub(r"[^A-Za-z0-9.+-]", "_", os.path.abspath(tree).lstrip("/"))


def stage_out(stage, tree, base=None, root=ROOT):
    """build/<tree>[+base-<base>]/stageN: where a stage of a tree is built."""
    key = tree_key(tree) + ("+base-" + tree_key(base) if base else "")
    return os.path.join(root, "build", key, "stage%d" % stage)
