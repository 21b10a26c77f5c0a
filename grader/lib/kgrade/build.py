"""Building stages for grading: cached per tree and stage, locked so that
two graders (or a grader and make) never build one folder at once."""

import fcntl
import os
import re
import subprocess

from . import labs


class BuildResult:
    def __init__(self, ok, out, log, errors):
        self.ok = ok            # True if the ELF (and ISO, if asked) exist
        self.out = out          # the stage's build folder
        self.log = log          # make's full output
        self.errors = errors    # the first compiler errors, for the report

    @property
    def elf(self):
        return os.path.join(self.out, "kernel.elf")

    @property
    def iso(self):
        return os.path.join(self.out, "kernel.iso")


def first_errors(log, limit=12):
    """The lines a student needs: compiler/assembler/linker errors first."""
    lines = log.splitlines()
    picked = [l for l in lines if re.search(r"\b(error|Error|undefined reference|fatal)\b", l)]
    if not picked:
        picked = lines[-limit:]
    return "\n".join(picked[:limit])


def build_stage(stage, tree, base=None, iso=False, out=None, jobs=2, extra_srcs=(),
                root=labs.ROOT, desc=None):
    """Builds stage N of tree (labs below N from base, if given)."""
    out = out or labs.stage_out(stage, tree, base, root)
    tree_path = labs.tree_dir(tree, root)
    base_path = labs.tree_dir(base, root) if base else ""
    if desc is None:
        desc = "core only" if stage == 0 else "labs 1-%d from %s%s" % (
            stage, tree, " (labs below %d from %s)" % (stage, base) if base and stage > 1 else "")
    os.makedirs(out, exist_ok=True)
    cmd = ["make", "--no-print-directory", "-f", os.path.join(root, "mk", "stage.mk"),
           "-j%d" % jobs, "STAGE=%d" % stage, "TREE=" + tree_path, "BASE=" + base_path,
           "OUT=" + out, "STAGE_DESC=" + desc, "EXTRA_SRCS=" + " ".join(extra_srcs),
           "iso" if iso else "elf"]
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
    log = proc.stdout.decode("utf-8", errors="replace")
    with open(os.path.join(out, "build.log"), "w") as f:
        f.write(log)
    ok = proc.returncode == 0
    return BuildResult(ok, out, log, "" if ok else first_errors(log))
