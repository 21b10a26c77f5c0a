"""The lab list, read from mk/labs.mk so that make and the grader agree."""

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def lab_dirs(root=ROOT):
    """{lab number: folder name}, e.g. {1: '01-idt', ...}."""
    labs = {}
    with open(os.path.join(root, "mk", "labs.mk")) as f:
        for line in f:
            m = re.match(r"LAB_(\d+)\s*:=\s*(\S+)", line)
            if m:
                labs[int(m.group(1))] = m.group(2)
    return labs


def tree_dir(tree, root=ROOT):
    """TREE as the Makefile resolves it: labs, solutions or a directory."""
    if tree in ("labs", "solutions"):
        return os.path.join(root, tree)
    return os.path.abspath(tree)


def tree_key(tree):
    """The build-folder name the Makefile uses for a tree."""
    if tree in ("labs", "solutions"):
        return tree
    return "tree-" + os.path.abspath(tree).lstrip("/").replace("/", "_")


def stage_out(stage, tree, base=None, root=ROOT):
    """build/<tree>[+base-<base>]/stageN, as in the Makefile."""
    key = tree_key(tree) + ("+base-" + tree_key(base) if base else "")
    return os.path.join(root, "build", key, "stage%d" % stage)
