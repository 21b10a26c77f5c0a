"""Shared pieces of the grader unit tests: recorded runs from data/, and
stand-ins for a run's result and a kernel's symbols, so the matcher and the
reports can be tested without booting anything."""

import glob
import json
import os
import shutil
import subprocess
import sys

from kgrade import check, labs, qemu, runner, spec
from kgrade.qemulog import QemuLog
from kgrade.symbols import MissingSymbol

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


class FakeSymbols:
    """What check.evaluate needs from kgrade.symbols.Symbols: addresses by
    name, sizes, the kernel's range and the two symbolizers."""

    def __init__(self, symbols=None, kernel_range=(0x100000, 0x200000)):
        self.addr = {n: v[0] for n, v in (symbols or {}).items()}
        self.size = {n: v[1] for n, v in (symbols or {}).items()}
        self.kernel_range = tuple(kernel_range)

    def __getitem__(self, name):
        try:
            return self.addr[name]
        except KeyError:
            raise MissingSymbol("symbol %r is not in the kernel" % name) from None

    def __contains__(self, name):
        return name in self.addr

    def symbolize(self, address):
        for name, a in self.addr.items():
            if a <= address < a + self.size[name]:
                return "%s+%#x" % (name, address - a)
        return ""

    def describe(self, address):
        return ""


class Recorded:
    """One recording of data/ (see data/record): its serial output, the
    path of its QEMU log and its facts."""

    def __init__(self, name):
        self.name = name
        self.log_path = os.path.join(DATA, name + ".qemu.log")
        with open(os.path.join(DATA, name + ".serial"), "rb") as f:
            self.serial = f.read()
        with open(os.path.join(DATA, name + ".json")) as f:
            self.facts = json.load(f)
        self.symbols = FakeSymbols(self.facts["symbols"], self.facts["kernel_range"])

    def sym(self, name):
        return self.facts["symbols"][name][0]

    def result(self, serial=None, log_path=None):
        """A qemu.RunResult as the recorded run ended (with another
        recording's log, if log_path is given)."""
        return result(END[self.facts["status"]], serial if serial is not None else self.serial,
                      log_path=log_path or self.log_path)


END = {e.label: e for e in qemu.End}  # the recordings' facts name Ends by label
_EXIT_CODES = {qemu.SUCCESS: 33, qemu.FAILURE: 35, qemu.TRIPLE_FAULT: 0, qemu.RESET: 0}


def result(status, serial=b"", log_path=None, stderr="", kernel_code=None, duration=0.25):
    """A qemu.RunResult with the given end and serial bytes, and the log
    read from log_path (none if not given)."""
    if isinstance(serial, str):
        serial = serial.encode()
    log = QemuLog.read(log_path) if log_path else QemuLog()
    return qemu.RunResult(status, _EXIT_CODES.get(status), serial, duration, log, stderr,
                          kernel_code)


def lab_test(number, name):
    """Test `name` of the real spec grader/labs/lab<number>.py."""
    for t in spec.load_lab(number).tests:
        if t.name == name:
            return t
    raise KeyError("lab %d has no test %s" % (number, name))


def make_test(name="t", points=10, number=9, **kw):
    """A spec.Test in a throw-away lab."""
    lab = spec.Lab(number, "scratch", "A lab for unit tests")
    return lab.test(name, points, **kw)


def graded(test, status=check.OK, score=None, message="", seed=7, duration=0.5, log_base=None):
    """A runner.TestResult as the runner makes it."""
    if score is None:
        score = test.points if status == check.OK else 0
    return runner.TestResult(test, check.Outcome(status, score, message, seed, duration), log_base)


GRADE = os.path.join(labs.ROOT, "grader", "grade")


def run_grade(*args, timeout=300):
    """Runs grader/grade; returns a CompletedProcess. The logs it kept of
    failed tests (build/grade-logs/<time>-<pid>) are removed afterwards."""
    with subprocess.Popen([sys.executable, GRADE] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    logs = os.path.join(labs.ROOT, "build", "grade-logs")
    for d in glob.glob(os.path.join(logs, "*-%d" % proc.pid)):
        shutil.rmtree(d, ignore_errors=True)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
