"""Building and booting kernels for the tests, through the grader's own
machinery (kgrade.build, kgrade.qemu), several QEMUs at a time."""

import concurrent.futures
import os
import re
import shutil
import tempfile

from kgrade import build, check, labs, qemu, spec
from kgrade.qemulog import QemuLog

ROOT = labs.ROOT
BOOTS = ("fast", "grub")
JOBS = max(2, os.cpu_count() or 2)


def stage(n, tree="labs", iso=False, **kw):
    """Builds (or finds cached) stage n of tree; fails the test if it does not build."""
    b = build.build_stage(n, tree, iso=iso, **kw)
    if not b.ok:
        raise AssertionError("stage %d of %s does not build:\n%s" % (n, tree, b.errors))
    return b


def stages(tree="solutions"):
    """Stage 0 and every stage whose labs have landed in tree (the lab's
    folder and its grader spec exist, for it and every lab below)."""
    out = [0]
    dirs = labs.lab_dirs()
    for n in sorted(dirs):
        if n not in spec.available_labs() or not os.path.isdir(os.path.join(labs.tree_dir(tree), dirs[n])):
            break
        out.append(n)
    return out


class Boot:
    """One finished run: the RunResult, the kernel's text, QEMU's log."""

    def __init__(self, result, log_text):
        self.result = result
        self.status = result.status
        self.text = check.kernel_text(result.text)
        self.log_text = log_text
        self.log = QemuLog(log_text)

    def evaluate(self, test, seed, symbols):
        """check.evaluate on this run, as the grader would judge it."""
        with tempfile.TemporaryDirectory(prefix="kboot-") as tmp:
            path = os.path.join(tmp, "qemu.log")
            with open(path, "w") as f:
                f.write(self.log_text)
            return check.evaluate(test, self.result, seed, symbols, path)


def boot(b, cmdline, path="fast", timeout=20, max_serial=1 << 20):
    """Boots build b with cmdline on one boot path; returns a Boot."""
    tmp = tempfile.mkdtemp(prefix="kboot-")
    try:
        log = os.path.join(tmp, "qemu.log")
        r = qemu.run(qemu.argv(boot=path, elf=b.elf, iso=b.iso, cmdline=cmdline, log=log),
                     timeout=timeout, max_serial=max_serial, log_path=log)
        text = ""
        if os.path.exists(log):
            with open(log, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        return Boot(r, text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def boot_all(jobs):
    """Runs {key: (build, cmdline, path)} in parallel; returns {key: Boot}."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = {k: pool.submit(boot, *args) for k, args in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def core_scenarios():
    """{name: summary} of the stage-0 scenarios, read from their sources."""
    found = {}
    folder = os.path.join(ROOT, "grader", "scenarios", "00-core")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".c"):
            with open(os.path.join(folder, name)) as f:
                for m in re.finditer(r'^SCENARIO(?:_DEMO)?\((\w+),\s*"([^"]*)"\)', f.read(), re.M):
                    found[m.group(1)] = m.group(2)
    return found
