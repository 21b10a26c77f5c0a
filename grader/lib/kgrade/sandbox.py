"""The sandbox every build and every QEMU run of a submission goes through:
the one place that decides what student code can see and use.

Layers, best first:

  bubblewrap  a fresh mount namespace holding, read-only, only what the
              step needs (the toolchain in /usr, the kit's common/, mk/,
              scenarios, the lab folders of this stage) and one writable
              output folder; no network, its own PID namespace, an empty
              environment, and --die-with-parent: nothing it starts
              outlives the grader, even one killed with SIGKILL.
  user        where user namespaces are refused (some containers) and the
              grader runs as root: the step runs as an unprivileged user
              (nobody) in a scratch folder, with the files a student must
              not read (other submissions, base/, the grader's data) made
              unreadable to that user while grading, and the same limits.
  none        no isolation (a student's own machine grading their own
              code). A batch of submissions refuses to run with it unless
              asked to explicitly.

Every layer applies the same resource limits (prlimit): a build's CPU time,
the size of any file it writes, and its memory.
"""

import functools
import os
import pwd
import shutil
import subprocess

from . import labs

BWRAP, USER, NONE = "bubblewrap", "user", "none"
LAYERS = (BWRAP, USER, NONE)

BUILD_FILE_LIMIT = 64 << 20   # bytes: any one file a build writes (an ISO is ~10 MB)
BUILD_MEMORY_LIMIT = 2 << 30  # bytes of address space for make, the compiler, nasm, ld
UNPRIVILEGED = "nobody"


@functools.lru_cache(maxsize=None)
def bwrap_works():
    """True if bubblewrap is installed and may create the namespaces it needs."""
    if not shutil.which("bwrap"):
        return False
    try:
        r = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent"] + _system_binds()
                           + ["true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def user_layer_works():
    """True if steps can be run as an unprivileged user: the grader is root."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    try:
        pwd.getpwnam(UNPRIVILEGED)
    except KeyError:
        return False
    return True


def best_layer():
    """The best layer this machine allows."""
    if bwrap_works():
        return BWRAP
    if user_layer_works():
        return USER
    return NONE


def _system_binds():
    """Read-only binds of the toolchain: /usr, its links at the top (or
    real folders on systems without a merged /usr), and the few /etc files
    programs look up (no passwords: /etc itself stays out)."""
    args = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in ("/etc/alternatives", "/etc/ld.so.cache"):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _limits(cpu=None, fsize=None, memory=None):
    """A prlimit prefix (empty if prlimit is missing: limits are then off)."""
    if not shutil.which("prlimit"):
        return []
    args = ["prlimit"]
    if cpu:
        args.append("--cpu=%d" % max(1, int(cpu)))
    if fsize:
        args.append("--fsize=%d" % fsize)
    if memory:
        args.append("--as=%d" % memory)
    return args + ["--"] if len(args) > 1 else []


ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent"}


class Sandbox:
    """One layer, and how it wraps a command line.

        sb = Sandbox(best_layer())
        argv = sb.wrap(cmd, readable=[...], writable=[out])
        subprocess.Popen(argv, env=sb.env(), ...)
    """

    def __init__(self, layer=NONE):
        if layer not in LAYERS:
            raise ValueError("no sandbox layer %r: it is %s" % (layer, ", ".join(LAYERS)))
        self.layer = layer
        self._user = pwd.getpwnam(UNPRIVILEGED) if layer == USER else None

    def __repr__(self):
        return "Sandbox(%s)" % self.layer

    def describe(self):
        """The one line a report prints about how it graded."""
        return {
            BWRAP: "sandbox: bubblewrap (only the stage's own files visible, no network, "
                   "nothing outlives the grader)",
            USER: "sandbox: unprivileged user %s (user namespaces are off here; other students' "
                  "files and the reference labs are unreadable to it)" % UNPRIVILEGED,
            NONE: "sandbox: none (the submission's code ran with the grader's rights)",
        }[self.layer]

    def env(self):
        """The environment a sandboxed step gets: nothing of the grader's
        (NASM's %! and the compiler could otherwise read it)."""
        if self.layer == NONE:
            return None  # inherit: a student's own machine
        return dict(ENV)

    def wrap(self, argv, readable=(), writable=(), cwd=None, cpu=None, fsize=None, memory=None):
        """argv run inside the sandbox. readable: paths the step may read
        (files or folders, bound at the same path); writable: folders it may
        write. cpu (seconds), fsize and memory (bytes) are rlimits."""
        limits = _limits(cpu, fsize, memory)
        if self.layer == BWRAP:
            binds = []
            for p in _dedupe(readable):
                binds += ["--ro-bind", p, p]
            for p in _dedupe(writable):
                binds += ["--bind", p, p]
            return limits + ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
                             "--clearenv"] + sum((["--setenv", k, v] for k, v in ENV.items()), []) \
                + _system_binds() + binds + (["--chdir", cwd] if cwd else []) + ["--"] + list(argv)
        if self.layer == USER:
            u = self._user
            return limits + ["setpriv", "--reuid=%d" % u.pw_uid, "--regid=%d" % u.pw_gid, "--clear-groups",
                             "--no-new-privs", "--pdeathsig=KILL", "--"] + list(argv)
        # none: still tie QEMU or make to the grader's life where setpriv can.
        if shutil.which("setpriv") and os.uname().sysname == "Linux":
            return limits + ["setpriv", "--pdeathsig=KILL", "--"] + list(argv)
        return limits + list(argv)

    def give(self, path):
        """Makes a folder the step writes to usable by the sandbox's user:
        nobody in the user layer, else the grader (a folder the user layer
        used before goes back to root, which bubblewrap's namespace needs)."""
        if self.layer == USER:
            uid, gid = self._user.pw_uid, self._user.pw_gid
        elif os.geteuid() == 0 and os.stat(path).st_uid != 0:
            uid, gid = 0, 0
        else:
            return
        for folder, dirs, files in os.walk(path):
            for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
                os.lchown(name, uid, gid)


def _dedupe(paths):
    """Existing absolute paths, each once, parents before children."""
    out = []
    for p in sorted({os.path.abspath(p) for p in paths if p and os.path.exists(p)}):
        out.append(p)
    return out


def stage_readable(stage, tree_path, base_path="", root=labs.ROOT, extra_srcs=()):
    """What a build of the stage reads: the kit's core and build files, the
    scenarios of its labs, and exactly the lab folders of this stage (the
    labs below it from base_path, if given). Never the grader's specs,
    solutions/, tests/ or any other tree."""
    dirs = labs.lab_dirs(root)
    paths = [os.path.join(root, p) for p in ("common", "mk", "scripts/gen-ksyms", "scripts/grub.cfg",
                                             "grader/lib/kgrade", "grader/scenarios/00-core",
                                             "grader/scenarios/include")]
    for n in labs.numbers(root)[:stage] if stage else []:
        paths.append(os.path.join(root, "grader", "scenarios", dirs[n]))
        lab_tree = base_path if base_path and n != stage else tree_path
        paths.append(os.path.join(lab_tree, dirs[n]))
    return paths + list(extra_srcs)


class Protected:
    """While in effect, folders only root may enter (the user layer's way to
    keep other students' files and base/ from the unprivileged user); the
    modes are put back afterwards.

        with Protected([submissions_dir, base_dir], sandbox): ...
    """

    def __init__(self, paths, sandbox):
        self.paths = [p for p in paths if p and os.path.isdir(p)] if sandbox.layer == USER else []
        self.saved = []

    def __enter__(self):
        for p in self.paths:
            self.saved.append((p, os.stat(p).st_mode & 0o7777))
            os.chmod(p, 0o700)
        return self

    def __exit__(self, *exc):
        for p, mode in reversed(self.saved):
            try:
                os.chmod(p, mode)
            except OSError:
                pass
