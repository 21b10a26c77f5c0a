"""Grading a tree: build each requested stage once, run every test in
parallel (each in its own bounded QEMU), judge each run."""

import concurrent.futures
import os
import random
import shutil
import time

from . import build, check, labs, qemu, spec
from .symbols import Symbols

CALIBRATION_REFERENCE = 0.5  # seconds a stage-0 boot may take before timeouts stretch


class TestResult:
    def __init__(self, test, outcome, log_base=None):
        self.lab = test.lab.number
        self.name = test.name
        self.scenario = test.scenario
        self.max_score = test.points
        self.score = outcome.score
        self.status = outcome.status
        self.message = outcome.message
        self.seed = outcome.seed
        self.duration = outcome.duration
        self.values = outcome.values  # captured values, for --verbose
        self.log_base = log_base  # path prefix of .serial / .qemu.log, kept on failure

    @property
    def passed(self):
        return self.status == check.OK


def new_log_dir(root=labs.ROOT):
    path = os.path.join(root, "build", "grade-logs",
                        time.strftime("%Y%m%d-%H%M%S") + "-%d" % os.getpid())
    os.makedirs(path, exist_ok=True)
    return path


def calibrate(jobs=2, root=labs.ROOT):
    """Timeout scale for this machine: boots stage 0 twice and compares the
    faster boot with what a slow-but-healthy machine takes."""
    b = build.build_stage(0, "labs", jobs=jobs, root=root)
    if not b.ok:
        return 1.0, None
    best = None
    for _ in range(2):
        r = qemu.run(qemu.argv(elf=b.elf, cmdline="test=hello"), timeout=30)
        if r.status == qemu.SUCCESS:
            best = r.duration if best is None else min(best, r.duration)
    if best is None:
        return 1.0, None
    return max(1.0, best / CALIBRATION_REFERENCE), best


def run_test(test, stage_build, symbols, boot, seed, scale, log_dir):
    """Runs and judges one test; returns a TestResult."""
    base = os.path.join(log_dir, "lab%d-%s" % (test.lab.number, test.name))
    log_path = base + ".qemu.log"
    cmdline = "test=%s seed=%d" % (test.scenario, seed)
    args = qemu.argv(boot=boot, elf=stage_build.elf, iso=stage_build.iso,
                     cmdline=cmdline, log=log_path)
    result = qemu.run(args, timeout=test.timeout * scale, max_serial=test.max_serial,
                      log_path=log_path)
    with open(base + ".serial", "wb") as f:
        f.write(result.serial)
    outcome = check.evaluate(test, result, seed, symbols, log_path)
    if outcome.status == check.OK:
        for ext in (".serial", ".qemu.log"):
            try:
                os.remove(base + ext)
            except OSError:
                pass
        return TestResult(test, outcome)
    return TestResult(test, outcome, base)


def build_error_result(test, build_result):
    msg = "stage %d did not build:\n%s\n  full log: %s" % (
        test.lab.number, check.indent(build_result.errors),
        os.path.join(build_result.out, "build.log"))
    return TestResult(test, check.Outcome(check.BUILD_ERROR, 0, msg))


def grade(lab_numbers, tree="labs", base=None, jobs=2, boot="fast", seed=None,
          timeout_scale=1.0, log_dir=None, on_lab_done=None, tests_filter=None,
          root=labs.ROOT):
    """Grades the labs of a tree. Returns TestResults in spec order.

    on_lab_done(lab, results) is called as each lab finishes, in lab order.
    tests_filter, if given, keeps only tests whose name it contains.
    """
    log_dir = log_dir or new_log_dir(root)
    os.makedirs(log_dir, exist_ok=True)
    rng = random.SystemRandom()
    plan = []  # (lab, [(test, future or result)])
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for n in lab_numbers:
            lab = spec.load_lab(n)
            tests = [t for t in lab.tests if not tests_filter or t.name in tests_filter]
            b = build.build_stage(n, tree, base, iso=(boot == "grub"), jobs=jobs, root=root)
            entries = []
            if not b.ok:
                entries = [(t, build_error_result(t, b)) for t in tests]
            else:
                symbols = Symbols(b.elf)
                for t in tests:
                    s = seed if seed is not None else rng.randrange(1 << 32)
                    entries.append((t, pool.submit(run_test, t, b, symbols, boot, s,
                                                   timeout_scale, log_dir)))
            plan.append((lab, entries))
        results = []
        for lab, entries in plan:
            done = [e if isinstance(e, TestResult) else e.result() for _, e in entries]
            results.extend(done)
            if on_lab_done:
                on_lab_done(lab, done)
    if not os.listdir(log_dir):
        shutil.rmtree(log_dir, ignore_errors=True)
    return results
