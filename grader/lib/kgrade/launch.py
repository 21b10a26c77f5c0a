"""From sources to a running kernel: the one path that builds a stage and
starts it in QEMU, for make lab (scripts/run-kernel), make debug
(scripts/debug-kernel) and the grader (kgrade.runner). Three ways to start:

    bounded(...)      the grader's: limited in time and output, serial captured
    interactive(...)  make lab's: serial on the terminal until the kernel ends
    paused(...)       make debug's: stopped before the first instruction, gdbstub

Each builds the same QEMU command line (kgrade.qemu.argv) and reads QEMU's
-d int log through a pipe in bounded memory (kgrade.qemu.LogPipe).
"""

import os
import subprocess
import sys
import threading

from . import build, labs, qemu, seed as seeds
from . import sandbox as sandboxes
from .symbols import Symbols


class LaunchError(Exception):
    """Something a person must fix before a kernel can start: one line."""


def cmdline(test="", seed=None):
    """The kernel command line: 'test=NAME seed=N' (test= left out when empty)."""
    return ("test=%s " % test if test else "") + "seed=%d" % (seeds.new() if seed is None else seed)


def check_stage(stage, tree="labs", base=None, root=labs.ROOT):
    """LaunchError unless stage N of tree (labs below N from base) can be
    built: a known lab, and the lab folders it needs."""
    dirs = labs.lab_dirs(root)
    if stage != 0 and stage not in dirs:
        raise LaunchError("no lab %s: labs are %s" % (stage, labs.span(root)))
    for name, t in (("TREE", tree), ("BASE", base)):
        if t and not os.path.isdir(labs.tree_dir(t, root)):
            hint = " (this copy has no solutions/: a student handout does not ship them)" \
                if t == "solutions" else ""
            raise LaunchError("no tree %s for %s: it is labs, solutions or a directory of lab "
                              "folders%s" % (t, name, hint))
    for n in labs.numbers(root)[:stage] if stage else []:
        t = base if base and n != stage else tree
        folder = os.path.join(labs.tree_dir(t, root), dirs[n])
        if not os.path.isdir(folder):
            raise LaunchError("no such lab folder: %s (stage %d needs labs 1-%d)" % (
                os.path.relpath(folder), stage, stage))


def build_stage(stage, tree="labs", base=None, iso=False, jobs=2, root=labs.ROOT, **kw):
    """Checks, then builds; returns a kgrade.build.BuildResult."""
    check_stage(stage, tree, base, root)
    return build.build_stage(stage, tree, base, iso=iso, jobs=jobs, root=root, **kw)


def kernel_range(elf):
    """[start, end) of the kernel image in elf, for the log's exact counts."""
    return Symbols(elf).kernel_range


def bounded(b, boot, line, timeout, max_serial=1 << 20, symbols=None, sandbox=None):
    """Runs a built stage b (a BuildResult) once, bounded in time and serial
    output, inside sandbox (a kgrade.sandbox.Sandbox: it sees only the
    kernel file); returns a kgrade.qemu.RunResult with the log parsed."""
    sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)
    kernel = b.elf if boot == "fast" else b.iso
    args = sandbox.wrap(qemu.argv(boot=boot, elf=b.elf, iso=b.iso, cmdline=line), readable=[kernel])
    rng = symbols.kernel_range if symbols else None
    return qemu.run(args, timeout=timeout, max_serial=max_serial, kernel_range=rng, env=sandbox.env())


def interactive(elf, iso, boot, line, log_path, timeout=0, out=None, display=False):
    """Boots with serial copied to out (default: this terminal, minus the
    control codes GRUB sends) until the kernel ends, Ctrl-C or timeout
    seconds (0: none). Returns (End or None if stopped, one line for people).
    The kept part of QEMU's log is saved to log_path."""
    out = qemu.BannerWatch(out if out is not None else sys.stdout.buffer)
    syms = Symbols(elf)
    pipe = qemu.LogPipe(syms.kernel_range)
    args = qemu.argv(boot=boot, elf=elf, iso=iso, cmdline=line, display=display) + pipe.args()
    proc = qemu.spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, pass_fds=pipe.pass_fds)
    pipe.started()
    copier = threading.Thread(target=qemu.copy_serial, args=(proc.stdout, out), daemon=True)
    copier.start()
    stopped = None
    try:
        proc.wait(timeout=timeout or None)
        copier.join(timeout=5)
        rc = qemu.reap(proc)
    except KeyboardInterrupt:
        qemu.reap(proc, kill=True)
        rc, stopped = None, "stopped (Ctrl-C)"
    except subprocess.TimeoutExpired:
        qemu.reap(proc, kill=True)
        rc, stopped = None, "stopped after %gs (LAB_TIMEOUT): the kernel was still running" % timeout
    log = pipe.finish()
    pipe.save(log_path)
    if stopped:
        return None, stopped
    return qemu.verdict(rc, log, syms, kernel_started=out.seen)


def paused(elf, iso, boot, line, gdb_port, display=False, serial="stdio", stdout=None, stderr=None):
    """Spawns QEMU stopped before the first instruction with a gdbstub on
    gdb_port; returns (proc, LogPipe). The caller reaps proc, then calls
    pipe.finish()."""
    pipe = qemu.LogPipe(Symbols(elf).kernel_range)
    args = qemu.argv(boot=boot, elf=elf, iso=iso, cmdline=line, gdb_port=gdb_port, paused=True,
                     display=display, serial=serial) + pipe.args()
    proc = qemu.spawn(args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                      pass_fds=pipe.pass_fds)
    pipe.started()
    return proc, pipe
