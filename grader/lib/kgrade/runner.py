"""Grading a tree: build each requested stage once, run every test in
parallel (each in its own bounded QEMU, through kgrade.launch), judge each
run. A grader bug in one test is that test's GRADER ERROR, never the end
of the run."""

import concurrent.futures
import os
import shutil
import time

from . import build, check, labs, launch, seed as seeds, spec
from .symbols import Symbols

CALIBRATION_REFERENCE = 0.5  # seconds a stage-0 boot may take before timeouts stretch
KEEP_LOG_RUNS = 20           # build/grade-logs keeps the logs of this many recent runs


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


def prune_logs(top, keep=KEEP_LOG_RUNS):
    """Removes all but the `keep` newest run folders of build/grade-logs."""
    try:
        runs = sorted((d for d in os.listdir(top) if os.path.isdir(os.path.join(top, d))),
                      key=lambda d: os.path.getmtime(os.path.join(top, d)))
    except OSError:
        return
    for d in runs[:-keep] if keep else runs:
        shutil.rmtree(os.path.join(top, d), ignore_errors=True)


def new_log_dir(root=labs.ROOT):
    top = os.path.join(root, "build", "grade-logs")
    prune_logs(top, KEEP_LOG_RUNS - 1)
    path = os.path.join(top, time.strftime("%Y%m%d-%H%M%S") + "-%d" % os.getpid())
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
        r = launch.bounded(b, "fast", "test=hello", timeout=30)
        if r.status == launch.qemu.SUCCESS:
            best = r.duration if best is None else min(best, r.duration)
    if best is None:
        return 1.0, None
    return max(1.0, best / CALIBRATION_REFERENCE), best


def run_test(test, stage_build, symbols, boot, seed, scale, log_dir, sandbox=None, deadline=None):
    """Runs and judges one test; returns a TestResult. The serial output
    and the kept part of QEMU's log are saved for a failed test only. Past
    deadline (a time.monotonic() value: a student's budget), it is not run."""
    base = os.path.join(log_dir, "lab%d-%s" % (test.lab.number, test.name))
    if deadline is not None and time.monotonic() > deadline:
        return TestResult(test, check.Outcome(check.TIMEOUT, 0, "not run: this submission's time "
                                              "budget for grading ran out", seed))
    try:
        result = launch.bounded(stage_build, boot, launch.cmdline(test.scenario, seed),
                                timeout=test.timeout * scale, max_serial=test.max_serial,
                                symbols=symbols, sandbox=sandbox)
    except Exception as e:  # QEMU could not even be started: the grader's problem
        return TestResult(test, check.grader_error(test, e, seed))
    outcome = check.evaluate(test, result, seed, symbols)
    if outcome.status == check.OK:
        return TestResult(test, outcome)
    with open(base + ".serial", "wb") as f:
        f.write(result.serial)
    with open(base + ".qemu.log", "wb") as f:
        f.write(result.log_text)
    return TestResult(test, outcome, base)


def keep_build_log(build_result, log_dir):
    """A failed build's log, copied among the run's logs (a temporary tree's
    build folder goes away with it); returns the copy's path."""
    path = os.path.join(log_dir, "stage%s-build.log" % os.path.basename(build_result.out)[5:])
    with open(path, "w") as f:
        f.write(build_result.log)
    return path


def build_error_result(test, build_result, log_path=None):
    msg = "stage %d did not build:\n%s\n  full log: %s" % (
        test.lab.number, check.indent(build_result.errors),
        log_path or os.path.join(build_result.out, "build.log"))
    status = check.BUILD_TIMEOUT if build_result.timed_out else check.BUILD_ERROR
    return TestResult(test, check.Outcome(status, 0, msg))


def _stage_symbols(elf):
    try:
        return Symbols(elf), None
    except Exception as e:  # nm failed on an ELF that linked: not the student's doing
        return None, e


def grade(lab_numbers, tree="labs", base=None, jobs=2, boot="fast", seed=None,
          timeout_scale=1.0, log_dir=None, on_lab_done=None, tests_filter=None,
          root=labs.ROOT, build_root=None, sandbox=None, budget=None, build_timeout=None):
    """Grades the labs of a tree. Returns TestResults in spec order.

    on_lab_done(lab, results) is called as each lab finishes, in lab order.
    seed: one seed for every test, or {(lab, test name): seed} (a replay;
    tests it does not name get a fresh one). tests_filter, if given, keeps
    only the tests it names. build_root, if
    given, holds the stage builds (build_root/stageN; a temporary tree's
    builds go with it) instead of build/<tree>/. sandbox (a
    kgrade.sandbox.Sandbox) wraps every build and run; budget, in seconds,
    bounds the whole grading: tests not started by then are not run;
    build_timeout bounds each build (default BUILD_TIMEOUT * timeout_scale).
    """
    deadline = time.monotonic() + budget if budget else None
    log_dir = log_dir or new_log_dir(root)
    os.makedirs(log_dir, exist_ok=True)
    plan = []  # (lab, [(test, future or result)])
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for n in lab_numbers:
            lab = spec.load_lab(n, root=root)
            tests = [t for t in lab.tests if not tests_filter or t.name in tests_filter]
            out = os.path.join(build_root, "stage%d" % n) if build_root else None
            limit = build_timeout or build.BUILD_TIMEOUT * timeout_scale
            stage_base, base_failed = build.base_objects(n, base, root, jobs, limit) if base else (None, None)
            if base_failed:  # the reference labs themselves do not build: not the student's doing
                entries = [(t, TestResult(t, check.grader_error(t, RuntimeError(
                    "the base labs do not build:\n" + base_failed.errors)))) for t in tests]
                plan.append((lab, entries))
                continue
            b = build.build_stage(n, tree, stage_base, iso=(boot == "grub"), jobs=jobs, root=root,
                                  out=out or labs.stage_out(n, tree, base, root), sandbox=sandbox,
                                  timeout=limit, desc=build.describe(n, tree, base))
            entries = []
            symbols, error = _stage_symbols(b.elf) if b.ok else (None, None)
            kept = keep_build_log(b, log_dir) if not b.ok else None
            for t in tests:
                if not b.ok:
                    entries.append((t, build_error_result(t, b, kept)))
                elif error is not None:
                    entries.append((t, TestResult(t, check.grader_error(t, error))))
                else:
                    s = seed.get((n, t.name)) if isinstance(seed, dict) else seed
                    s = s if s is not None else seeds.new()
                    entries.append((t, pool.submit(run_test, t, b, symbols, boot, s,
                                                   timeout_scale, log_dir, sandbox, deadline)))
            plan.append((lab, entries))
        results = []
        for lab, entries in plan:
            done = [e if isinstance(e, TestResult) else _result(t, e) for t, e in entries]
            results.extend(done)
            if on_lab_done:
                on_lab_done(lab, done)
    if not os.listdir(log_dir):
        shutil.rmtree(log_dir, ignore_errors=True)
    return results


def error_results(lab_numbers, error):
    """GRADER ERROR for every test of the labs: what a student gets when the
    grader failed before any of their tests could run."""
    return [TestResult(t, check.grader_error(t, error)) for n in lab_numbers for t in spec.load_lab(n).tests]


def _result(test, future):
    try:
        return future.result()
    except Exception as e:  # a bug outside evaluate (saving logs, ...): this test only
        return TestResult(test, check.grader_error(test, e))
