"""Test declarations: what a lab's spec file (grader/labs/labN.py) writes.

A spec is a short list of tests:

    lab = Lab(3, "pagefault", "Page faults")
    lab.test("write_unmapped", points=10,
             expect=[r"EXCEPTION: PAGE FAULT \\(#PF, vector 14\\)",
                     r"CR2: (?P<cr2>0x[0-9a-f]{16})"],
             end=SUCCESS,
             check=lambda r: r.equal(r.hex("cr2"), unmapped_address(r.seed), "CR2"))

Fields: the scenario to run (default: the test's name); ordered regular
expressions that must appear in that order (named groups are captured for
the check); patterns that must not appear; how the run must end; a
timeout; and a check function that compares captured values with values
computed from the seed, the ELF's symbols and QEMU's log.
"""

import importlib.util
import os

from . import labs
from .status import EXPECTABLE, End

# The ends a spec may expect (end=), re-exported for the spec files.
SUCCESS, FAILURE, TRIPLE_FAULT, TIMEOUT = End.SUCCESS, End.FAILURE, End.TRIPLE_FAULT, End.TIMEOUT

DEFAULT_TIMEOUT = 5.0          # seconds, before --timeout-scale
DEFAULT_FORBID = (r"KERNEL PANIC", r"unknown scenario '")


class Test:
    def __init__(self, lab, name, points, scenario=None, expect=(), forbid=None,
                 end=SUCCESS, timeout=DEFAULT_TIMEOUT, check=None, max_serial=1 << 20,
                 description=""):
        if not isinstance(points, (int, float)) or points < 0:
            raise ValueError("test %s: points must be a number >= 0" % name)
        if end not in EXPECTABLE:
            raise ValueError("test %s: end must be one of %s (from kgrade.spec), not %r" % (
                name, ", ".join(e.name for e in EXPECTABLE), end))
        if check is not None and not callable(check):
            raise ValueError("test %s: check must be a function of one argument" % name)
        if not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError("test %s: timeout must be a number of seconds above 0" % name)
        self.lab = lab
        self.name = name
        self.points = points
        self.scenario = scenario or name
        self.expect = list(expect)
        self.forbid = list(DEFAULT_FORBID if forbid is None else forbid)
        self.end = end
        self.timeout = timeout
        self.check = check
        self.max_serial = max_serial
        self.description = description

    @property
    def id(self):
        return "lab%d/%s" % (self.lab.number, self.name)


class Lab:
    def __init__(self, number, name, title, total=100):
        self.number = number
        self.name = name
        self.title = title
        self.total = total  # the points its tests must add up to
        self.tests = []

    def test(self, name, points, **kw):
        """Declares one test; see Test for the keywords."""
        if any(t.name == name for t in self.tests):
            raise ValueError("lab %d: test %s declared twice" % (self.number, name))
        t = Test(self, name, points, **kw)
        self.tests.append(t)
        return t

    @property
    def points(self):
        return sum(t.points for t in self.tests)


def load_lab(number, spec_dir=None, root=labs.ROOT):
    """Imports <root>/grader/labs/labN.py (or spec_dir's) and returns its `lab`."""
    path = os.path.join(spec_dir or os.path.join(root, "grader", "labs"), "lab%d.py" % number)
    if not os.path.exists(path):
        raise FileNotFoundError("no grader spec for lab %d (%s)" % (number, path))
    spec = importlib.util.spec_from_file_location("kgrade_spec_lab%d" % number, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lab = getattr(module, "lab", None)
    if not isinstance(lab, Lab):
        raise ValueError("%s must define lab = Lab(...)" % path)
    if lab.number != number:
        raise ValueError("%s declares lab %d" % (path, lab.number))
    if lab.points != lab.total:
        raise ValueError("%s: the tests' points add up to %g, not the lab's total %g" % (
            path, lab.points, lab.total))
    return lab


def available_labs(spec_dir=None, root=labs.ROOT):
    """Lab numbers that have a spec, in order."""
    spec_dir = spec_dir or os.path.join(root, "grader", "labs")
    return [n for n in labs.numbers(root) if os.path.exists(os.path.join(spec_dir, "lab%d.py" % n))]
