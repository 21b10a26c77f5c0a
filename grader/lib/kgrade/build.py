"""Building one stage (common/ + labs 1..N + their scenarios) with
mk/stage.mk, for make lab, make debug and the grader alike.

A build folder belongs to one tree and stage. It is locked while make runs,
so two graders (or a grader and make lab) never build one folder at once,
and it is keyed by the content of its sources, not their times: a tree
whose files changed in any way, older times included (tar -x, cp -p,
rsync -a keep them), is rebuilt from scratch.

A build is bounded: it runs in the grader's sandbox (kgrade.sandbox) with
a time limit (its process group is killed past it: BUILD TIMEOUT), a limit
on the size of any file it writes and on its memory, and at most
LOG_LIMIT bytes of make's output are kept.
"""

import fcntl
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import time

from . import compdb, labs
from . import sandbox as sandboxes
from .buildlog import (BuildResult, compiling_at_timeout, error_location, short_path,  # noqa: F401
                       first_errors, shorten_paths)

BUILD_TIMEOUT = 120.0  # seconds for one stage, before --timeout-scale
LOG_LIMIT = 1 << 20    # bytes of make's output kept
COMPILE_CACHE = "KGRADE_COMPILE_CACHE"  # env: a ccache folder, for the project's own tests only


def _compile_cache():
    """(make arguments, writable folders) for the compile cache the project's
    tests use (env KGRADE_COMPILE_CACHE); nothing otherwise. Grading a
    student never shares a cache."""
    folder = os.environ.get(COMPILE_CACHE)
    if not folder or not shutil.which("ccache"):
        return [], []
    folder = os.path.abspath(folder)
    os.makedirs(folder, exist_ok=True)
    return ["CCACHE=env CCACHE_DIR=%s ccache" % folder], [folder]


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


def _run_bounded(argv, timeout, env, cwd):
    """Runs argv in its own process group; kills the group past timeout.
    Returns (exit status or None if killed, output bytes up to LOG_LIMIT)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=env, cwd=cwd)
    chunks, size, deadline, killed = [], 0, time.monotonic() + timeout, False
    try:
        fd = proc.stdout.fileno()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                killed = True
                break
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            data = os.read(fd, 65536)
            if not data:
                break
            if size < LOG_LIMIT:
                chunks.append(data[:LOG_LIMIT - size])
            size += len(data)
    finally:
        if killed or proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        rc = proc.wait()
        proc.stdout.close()
    out = b"".join(chunks)
    if size > LOG_LIMIT:
        out += b"\n... %d more bytes of build output cut\n" % (size - LOG_LIMIT)
    return (None if killed else rc), out


def _copy_base(stage, base_path, out, root):
    """For the user layer: the base labs this stage needs, copied beside its
    build (the unprivileged user cannot read base/ itself). Returns the copy."""
    dirs = labs.lab_dirs(root)
    copy = os.path.join(os.path.dirname(out), "base-for-stage%d" % stage)
    shutil.rmtree(copy, ignore_errors=True)
    for n in labs.numbers(root)[:stage - 1]:
        src = os.path.join(base_path, dirs[n])
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, dirs[n]))
    os.makedirs(copy, exist_ok=True)
    return copy


def _locked_make(out, key, cmd, sandbox, readable, timeout):
    """Runs make (cmd) in out, locked, inside sandbox; from nothing when the
    content key of its inputs changed since its last success. Returns
    (exit status or None if cut at timeout, output)."""
    stamp = os.path.join(out, ".inputs")
    # (The user layer's unprivileged user may not write the tests' cache.)
    cache_args, cache_dirs = _compile_cache() if sandbox.layer != sandboxes.USER else ([], [])
    cmd = cmd[:-1] + cache_args + cmd[-1:]
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                fresh = f.read().strip() == key
        except OSError:
            fresh = False
        if not fresh:
            # Sources changed, whatever their times say: rebuild all, from
            # nothing (old dependency files may name files no longer there).
            cmd = cmd[:1] + ["-B"] + cmd[1:]
            for stale in ("obj", "gen", stamp):
                path = os.path.join(out, stale)
                shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else \
                    os.path.exists(path) and os.remove(path)
        sandbox.give(out)
        argv = sandbox.wrap(cmd, readable=readable, writable=[out] + cache_dirs, cwd=out, cpu=timeout,
                            fsize=sandboxes.BUILD_FILE_LIMIT, memory=sandboxes.BUILD_MEMORY_LIMIT)
        rc, output = _run_bounded(argv, timeout, sandbox.env(), out)
        if rc == 0 and not fresh:
            with open(stamp, "w") as f:
                f.write(key + "\n")
    return rc, output


def common_objects(root=labs.ROOT, jobs=2, timeout=BUILD_TIMEOUT):
    """build/common: the core's objects, which every stage of every tree
    links (mk/stage.mk's COMMON_OUT). Built from the kit's own sources only,
    so outside any sandbox. Returns (folder, None), or (None, a failed
    BuildResult)."""
    out = os.path.join(root, "build", "common")
    os.makedirs(out, exist_ok=True)
    inputs = _files(os.path.join(root, "common")) + _files(os.path.join(root, "mk"))
    cmd = ["make", "--no-print-directory", "-f", os.path.join(root, "mk", "stage.mk"), "-j%d" % jobs,
           "V=1", "STAGE=0", "OUT=" + out, "common"]
    rc, output = _locked_make(out, content_key(inputs), cmd, sandboxes.Sandbox(sandboxes.NONE), [], timeout)
    if rc == 0:
        return out, None
    log = output.decode("utf-8", errors="replace")
    return None, BuildResult(False, out, log, "the kit's own core (common/) does not build:\n" + first_errors(log),
                             timed_out=rc is None)


def build_stage(stage, tree, base=None, iso=False, out=None, jobs=2, extra_srcs=(),
                root=labs.ROOT, desc=None, sandbox=None, timeout=BUILD_TIMEOUT):
    """Builds stage N of tree (labs below N from base, if given) into out
    (default: build/<tree>[+base-<base>]/stageN), inside sandbox (a
    kgrade.sandbox.Sandbox; none by default) and within timeout seconds.
    Returns a BuildResult."""
    sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)
    out = os.path.abspath(out or labs.stage_out(stage, tree, base, root))
    tree_path = labs.tree_dir(tree, root)
    base_path = labs.tree_dir(base, root) if base else ""
    if desc is None:
        desc = describe(stage, tree, base)
    os.makedirs(out, exist_ok=True)
    if base_path and stage > 1 and sandbox.layer == sandboxes.USER:
        base_path = _copy_base(stage, base_path, out, root)
        sandbox.give(base_path)
    key = content_key(stage_inputs(stage, tree_path, base_path, root, extra_srcs))
    readable = sandboxes.stage_readable(stage, tree_path, base_path, root, extra_srcs)
    cmd = ["make", "--no-print-directory", "-f", os.path.join(root, "mk", "stage.mk"),
           "-j%d" % jobs, "V=1", "STAGE=%d" % stage, "TREE=" + _make_safe(tree_path, out, "tree"),
           "BASE=" + _make_safe(base_path, out, "base"),
           "OUT=" + out, "STAGE_DESC=" + desc, "EXTRA_SRCS=" + " ".join(extra_srcs),
           "iso" if iso else "elf"]
    common, failed = common_objects(root, jobs, timeout)
    if failed is not None:
        return failed
    cmd.insert(-1, "COMMON_OUT=" + common)
    rc, output = _locked_make(out, key, cmd, sandbox, readable + [common], timeout)
    log = output.decode("utf-8", errors="replace")
    with open(os.path.join(out, "build.log"), "w") as f:
        f.write(log)
    if os.path.dirname(os.path.dirname(out)) == os.path.join(root, "build"):  # build/TREE/stageN
        try:  # editors only: a failure here is no build failure
            compdb.merge(os.path.join(root, "build"))
        except OSError:
            pass
    if rc is None:
        where = compiling_at_timeout(log)
        return BuildResult(False, out, log, "the build did not finish in %gs%s: it was stopped" % (
            timeout, " (make was compiling %s)" % short_path(where, tree_path, base_path, root) if where else ""),
            timed_out=True)
    ok = rc == 0
    errors = "" if ok else shorten_paths(first_errors(log), [tree_path, base_path, out, root])
    if not ok and "File size limit exceeded" in log:
        errors = "a file of the build grew past %d MB and was stopped\n%s" % (
            sandboxes.BUILD_FILE_LIMIT >> 20, errors)
    return BuildResult(ok, out, log, errors)


def _make_safe(path, out, name):
    """path as make can take it: make splits words at spaces, so a tree
    whose path has one is reached through a link in the build folder."""
    if not path or not re.search(r"\s", path):
        return path
    link = os.path.join(out, "." + name)
    if os.path.islink(link) and os.readlink(link) != path:
        os.remove(link)
    if not os.path.islink(link):
        os.symlink(path, link)
    return link


def holds_objects(base_path, stage, root=labs.ROOT):
    """True if the base's labs below stage come as objects (no C sources)."""
    dirs = labs.lab_dirs(root)
    folders = [os.path.join(base_path, dirs[n]) for n in labs.numbers(root)[:stage - 1]]
    return all(os.path.isdir(f) and not any(n.endswith((".c", ".asm")) and not n.endswith(".offsets.c")
                                            for n in os.listdir(f)) for f in folders)


def base_objects(stage, base, root=labs.ROOT, jobs=2, timeout=BUILD_TIMEOUT):
    """The labs below stage of the base tree as headers and compiled objects
    (what stage.mk links as they are), so that a student's build, which
    sees its base, never sees the base's sources. Built once per base and
    stage (content-keyed, like every build), from the base alone: no
    student code is in this build. Returns (folder, None), or (None, the
    BuildResult) if the base itself does not build."""
    base_path = labs.tree_dir(base, root)
    if stage <= 1 or holds_objects(base_path, stage, root):
        return base_path, None
    b = build_stage(stage - 1, base, jobs=jobs, root=root, timeout=timeout)
    if not b.ok:
        return None, b
    dirs = labs.lab_dirs(root)
    folder = os.path.join(os.path.dirname(b.out), "objects-below-stage%d" % stage)
    stamp = os.path.join(folder, ".from")
    key = content_key([b.elf])
    try:
        with open(stamp) as f:
            if f.read() == key:
                return folder, None
    except OSError:
        pass
    shutil.rmtree(folder, ignore_errors=True)
    for n in labs.numbers(root)[:stage - 1]:
        dest = os.path.join(folder, dirs[n])
        os.makedirs(dest)
        src = os.path.join(base_path, dirs[n])
        for name in os.listdir(src):
            if name.endswith((".h", ".offsets.c")):
                shutil.copyfile(os.path.join(src, name), os.path.join(dest, name))
        objs = os.path.join(b.out, "obj", "lab%d" % n)
        for name in os.listdir(objs):
            if name.endswith(".o"):
                shutil.copyfile(os.path.join(objs, name), os.path.join(dest, name))
    with open(stamp, "w") as f:
        f.write(key)
    return folder, None


def build_on_base(stage, tree, base=None, iso=False, out=None, jobs=2, root=labs.ROOT, sandbox=None,
                  timeout=BUILD_TIMEOUT):
    """Stage N of tree with the labs below N from base, as the grader and
    make lab both build it: the base's labs as objects (base_objects), the
    build folder named after the base. Returns (BuildResult, None), or
    (None, the base's own failed BuildResult)."""
    stage_base = None
    if base:
        stage_base, failed = base_objects(stage, base, root, jobs, timeout)
        if failed:
            return None, failed
    b = build_stage(stage, tree, stage_base, iso=iso, jobs=jobs, root=root,
                    out=out or labs.stage_out(stage, tree, base, root), sandbox=sandbox, timeout=timeout,
                    desc=describe(stage, tree, base))
    return b, None
