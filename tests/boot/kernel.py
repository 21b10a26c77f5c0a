"""Building and booting kernels for the tests, through the grader's own
machinery (kgrade.build, kgrade.qemu), several QEMUs at a time."""

import concurrent.futures
import os
import re

from kgrade import build, check, labs, launch, spec

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

    def __init__(self, result):
        self.result = result
        self.status = result.status
        self.text = check.kernel_text(result.text)
        self.log_text = result.log_text.decode("utf-8", errors="replace")
        self.log = result.log

    def evaluate(self, test, seed, symbols):
        """check.evaluate on this run, as the grader would judge it."""
        return check.evaluate(test, self.result, seed, symbols)


def boot(b, cmdline, path="fast", timeout=20, max_serial=1 << 20):
    """Boots build b with cmdline on one boot path (kgrade.launch, as the
    grader does); returns a Boot."""
    return Boot(launch.bounded(b, path, cmdline, timeout=timeout, max_serial=max_serial))


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
