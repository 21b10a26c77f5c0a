"""Building one stage (common/ + labs 1..N + their scenarios) with
mk/stage.mk, for make lab, make debug and the grader alike.

A build folder belongs to one tree and stage. It is locked while make runs,
so two graders (or a grader and make lab) never build one folder at once,
and it is keyed by the content of its sources, not their times: a tree
whose files changed in any way, older times included (tar -x, cp -p,
rsync -a keep them), is rebuilt from scratch.
"""

import fcntl
import hashlib
import os
import re
import subprocess

from . import compdb, labs


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


def describe(stage, tree, base=None):
    """'labs 1-3 from labs (labs below 3 from solutions)': the banner's words."""
    if stage == 0:
        return "core only"
    return "labs 1-%d from %s%s" % (stage, tree, " (labs below %d from %s)" % (stage, base)
                                     if base and stage > 1 else "")


def _files(top):
    out = []
    for folder, dirs, names in os.walk(top):
        dirs.sort()
        out += [os.path.join(folder, n) for n in sorted(names)]
    return out


def stage_inputs(stage, tree_path, base_path="", root=labs.ROOT, extra_srcs=()):
    """Every file a build of the stage reads: the core, the build files, the
    scenarios and the lab folders (the labs below N from base, if given)."""
    dirs = labs.lab_dirs(root)
    paths = _files(os.path.join(root, "common")) + _files(os.path.join(root, "mk"))
    paths += [os.path.join(root, "scripts", n) for n in ("gen-ksyms", "grub.cfg")]
    paths += [os.path.join(root, "grader", "lib", "kgrade", "symbols.py")]
    paths += _files(os.path.join(root, "grader", "scenarios", "00-core"))
    paths += _files(os.path.join(root, "grader", "scenarios", "include"))
    for n in labs.numbers(root)[:stage] if stage else []:
        lab_tree = base_path if base_path and n != stage else tree_path
        paths += _files(os.path.join(root, "grader", "scenarios", dirs[n]))
        paths += _files(os.path.join(lab_tree, dirs[n]))
    return paths + list(extra_srcs)


def content_key(paths):
    """A hash of the names and contents of paths (missing files count too)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(p, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        except OSError:
            h.update(b"-")
    return h.hexdigest()


def build_stage(stage, tree, base=None, iso=False, out=None, jobs=2, extra_srcs=(),
                root=labs.ROOT, desc=None):
    """Builds stage N of tree (labs below N from base, if given) into out
    (default: build/<tree>[+base-<base>]/stageN). Returns a BuildResult."""
    out = out or labs.stage_out(stage, tree, base, root)
    tree_path = labs.tree_dir(tree, root)
    base_path = labs.tree_dir(base, root) if base else ""
    if desc is None:
        desc = describe(stage, tree, base)
    os.makedirs(out, exist_ok=True)
    key = content_key(stage_inputs(stage, tree_path, base_path, root, extra_srcs))
    stamp = os.path.join(out, ".inputs")
    cmd = ["make", "--no-print-directory", "-f", os.path.join(root, "mk", "stage.mk"),
           "-j%d" % jobs, "STAGE=%d" % stage, "TREE=" + tree_path, "BASE=" + base_path,
           "OUT=" + out, "STAGE_DESC=" + desc, "EXTRA_SRCS=" + " ".join(extra_srcs),
           "iso" if iso else "elf"]
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                fresh = f.read().strip() == key
        except OSError:
            fresh = False
        if not fresh:
            cmd.insert(1, "-B")  # sources changed, whatever their times say: rebuild all
            try:
                os.remove(stamp)
            except OSError:
                pass
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
        if proc.returncode == 0 and not fresh:
            with open(stamp, "w") as f:
                f.write(key + "\n")
    log = proc.stdout.decode("utf-8", errors="replace")
    with open(os.path.join(out, "build.log"), "w") as f:
        f.write(log)
    if os.path.dirname(os.path.dirname(os.path.abspath(out))) == os.path.join(root, "build"):
        try:  # editors only: a failure here is no build failure
            compdb.merge(os.path.join(root, "build"))
        except OSError:
            pass
    ok = proc.returncode == 0
    return BuildResult(ok, out, log, "" if ok else first_errors(log))
