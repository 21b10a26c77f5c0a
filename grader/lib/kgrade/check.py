"""Judging one run of one test: how it ended, what it printed, and whether
the values it printed are the values the seed, the ELF and QEMU's log say
they must be."""

import re
import traceback

from . import qemu
from .qemulog import QemuLog
from .status import End, Status
from .symbols import MissingSymbol

# A test's statuses (kgrade.status.Status), under their older names.
OK, FAIL, TIMEOUT, TRIPLE = Status.OK, Status.FAIL, Status.TIMEOUT, Status.TRIPLE_FAULT
BUILD_ERROR, OUTPUT_LIMIT, QEMU_ERROR = Status.BUILD_ERROR, Status.OUTPUT_LIMIT, Status.QEMU_ERROR
GRADER_ERROR, BUILD_TIMEOUT, REFUSED = Status.GRADER_ERROR, Status.BUILD_TIMEOUT, Status.REFUSED

# Terminal control sequences (CSI, and OSC such as a window title), and
# the characters that reorder or hide text on screen (bidi controls): the
# kernel's output loses them before it is matched or quoted.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
QUOTE_LIMIT = 200  # characters of one kernel line quoted in a message
BANNER = qemu.BANNER.decode()


def safe(text):
    """text with control sequences removed and every other control, bidi or
    unpaired-surrogate character replaced by U+FFFD: safe on a terminal, in
    XML and in a web page."""
    return _UNSAFE.sub("\ufffd", _ANSI.sub("", text))


def quote(line):
    """One kernel line as a message quotes it: safe, and cut to QUOTE_LIMIT
    characters ("... (N bytes)" says how long it was)."""
    line = safe(line)
    if len(line) <= QUOTE_LIMIT:
        return line
    return "%s... (%d bytes)" % (line[:QUOTE_LIMIT], len(line.encode("utf-8", "replace")))


def kernel_text(raw):
    """Serial text from the kernel's banner on (GRUB's output and terminal
    control codes dropped); all of it if no banner came."""
    text = _ANSI.sub("", raw)
    i = text.find(BANNER)
    return text[i:] if i >= 0 else text


def loader_errors(text):
    """GRUB's "error: ..." lines, when the kernel never printed its banner
    (GRUB then waits at its prompt until the timeout)."""
    if BANNER in text:
        return []
    return [l.strip() for l in text.splitlines() if l.strip().startswith("error: ")]


def _show_int(x):
    """Hex for addresses and codes; small numbers also in decimal (counts);
    tuples and lists of numbers element by element."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(_show_int(e) for e in x)
        return "(%s)" % inner if isinstance(x, tuple) else "[%s]" % inner
    if not isinstance(x, int) or isinstance(x, bool):
        return repr(x)
    return "%#x (%d)" % (x, x) if 9 < x < 100000 else "%#x" % x


class CheckFailed(Exception):
    """The student's kernel lacks what a check needs (a value, a symbol):
    the test fails with this message. Any other exception from a check is
    the grader's own bug: GRADER ERROR."""


class Run:
    """What a check function sees: `r` in the spec files."""

    def __init__(self, test, seed, symbols, text, log, result):
        self.test = test
        self.seed = seed
        self.sym = symbols
        self.text = text
        self.log = log
        self.result = result
        self.v = {}            # named groups captured by the expectations
        self.problems = []

    # -- captured values --
    def hex(self, name):
        """A captured hexadecimal value (with or without 0x) as an integer."""
        return self._number(name, 16)

    def int(self, name):
        """A captured decimal value as an integer."""
        return self._number(name, 10)

    def _number(self, name, base):
        text = self._get(name)
        try:
            return int(text, base)
        except ValueError:  # the kernel printed it: the kernel's failure
            raise CheckFailed("could not read a value: %s=%r is not a base-%d number" % (name, text, base)) from None

    def _get(self, name):
        s = self.v.get(name)
        if s is None:
            raise CheckFailed("the output has no value for %r" % name)
        return s

    def all(self, pattern):
        """Every match of pattern in the output, as dicts of named groups."""
        return [m.groupdict() for m in re.finditer(pattern, self.text, re.M)]

    def count(self, pattern):
        return len(re.findall(pattern, self.text, re.M))

    # -- QEMU's log, limited to the kernel's own code --
    def saw(self, vector, **kw):
        lo, hi = self.sym.kernel_range
        return self.log.saw(vector, lo, hi, **kw)

    def saw_count(self, vector):
        lo, hi = self.sym.kernel_range
        return self.log.count(vector, lo, hi)

    # -- assertions: each failure is recorded, evaluation goes on --
    def equal(self, actual, expected, what):
        if actual != expected:
            self.problems.append("%s: expected %s, got %s" % (
                what, _show_int(expected), _show_int(actual) if actual is not None else "nothing"))
            return False
        return True

    def require(self, condition, what):
        if not condition:
            self.problems.append(what)
        return bool(condition)

    def witness(self, vector, what=None, **kw):
        """Requires that QEMU delivered this exception (with these fields)."""
        hit = self.saw(vector, **kw)
        fields = ", ".join("%s=%#x" % (k, v) for k, v in kw.items())
        return self.require(hit, what or "QEMU's log shows no vector %d%s from the kernel: "
                            "the exception was not taken" % (vector, " with " + fields if fields else ""))


class Outcome:
    def __init__(self, status, score, message, seed=None, duration=0.0, values=None):
        self.status = status
        self.score = score
        self.message = message
        self.seed = seed
        self.duration = duration
        self.values = values or {}  # the named groups the expectations captured


def tail(text, lines=8):
    """The last lines of the kernel's text, quoted (each cut to QUOTE_LIMIT)."""
    return "\n".join(quote(l) for l in text.rstrip("\n").splitlines()[-lines:])


def match_expectations(test, run):
    """Matches the ordered expectations; returns None or a failure message."""
    pos = 0
    for pattern in test.expect:
        m = re.compile(pattern, re.M).search(run.text, pos)
        if not m:
            before = run.text[:pos]
            last = quote(before.rstrip("\n").splitlines()[-1]) if before.strip() else "(start of output)"
            after = tail(run.text[pos:]) or "(nothing)"
            return ("expected /%s/\n  after: %s\n  but the output went on with:\n%s" % (
                pattern, last, indent(after)))
        run.v.update({k: v for k, v in m.groupdict().items() if v is not None})
        pos = m.end()
    return None


def grader_error(test, error, seed=None, duration=0.0):
    """The Outcome of a test whose spec or grader code raised `error`: no
    points lost to the student for it, and a message that says whose it is."""
    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    at = " at %s:%d" % (where[0].filename, where[0].lineno) if where else ""
    return Outcome(GRADER_ERROR, 0, "the grader itself failed on this test (%s: %s%s): this is "
                   "not your bug; tell the course staff" % (type(error).__name__, error, at),
                   seed, duration)


def evaluate(test, result, seed, symbols):
    """Judges a qemu.RunResult against a Test. Returns an Outcome."""
    try:
        return _evaluate(test, result, seed, symbols)
    except Exception as e:  # a bug of the spec or of the grader, not of the kernel
        return grader_error(test, e, seed, result.duration)


def _evaluate(test, result, seed, symbols):
    text = kernel_text(result.text)
    log = result.log if result.log is not None else QemuLog()
    run = Run(test, seed, symbols, text, log, result)

    def fail(status, message):
        return Outcome(status, 0, message, seed, result.duration, values=run.v)

    def last_output():  # only failures pay for the tail and the diagnosis
        return "\n  last output:\n" + indent(tail(text) or "(nothing)") + diagnosis(text)

    if result.status == End.TIMEOUT and loader_errors(text):
        return fail(QEMU_ERROR, "the boot loader did not start the kernel:\n%s"
                    % indent("\n".join(quote(l) for l in loader_errors(text))))
    if result.status == End.TIMEOUT and test.end != End.TIMEOUT:
        return fail(TIMEOUT, "no verdict after %.1fs: the kernel hung or looped%s"
                    % (result.duration, last_output()))
    if result.status == End.OUTPUT_LIMIT:
        return fail(OUTPUT_LIMIT, "more than %d bytes of serial output: stopped" % test.max_serial)
    if result.status == End.QEMU_ERROR:
        return fail(QEMU_ERROR, "QEMU did not start the kernel: %s" % quote(result.stderr.strip()[-400:]))
    if result.status == End.TRIPLE_FAULT and test.end != End.TRIPLE_FAULT:
        why = log.fault_chain(symbols.symbolize, symbols.describe) or "the CPU reset"
        return fail(TRIPLE, "triple fault: %s%s" % (why, last_output()))
    if result.status != test.end:
        got = result.status.happened
        if result.status == End.OTHER_EXIT:
            got = "exited with code %s" % (hex(result.kernel_code) if result.kernel_code is not None else "?")
        return fail(FAIL, "expected the kernel to %s; it %s%s" % (test.end.expected, got, last_output()))

    problem = match_expectations(test, run)
    if problem:
        return fail(FAIL, problem)
    for pattern in test.forbid:
        m = re.search(pattern, text, re.M)
        if m:
            return fail(FAIL, "forbidden output /%s/: %s" % (pattern, line_at(text, m.start())))
    if test.check:
        try:
            test.check(run)
        except (CheckFailed, MissingSymbol) as e:
            run.problems.append(str(e))
    if run.problems:
        return fail(FAIL, "\n".join(run.problems))
    return Outcome(OK, test.points, "", seed, result.duration, values=run.v)


KERNEL_CODE_SELECTORS = (0x08, 0x18)  # lab 04's GDT, and the boot GDT before it
_HEADER = re.compile(r"^EXCEPTION: .*$", re.M)
_RIP = re.compile(r"^RIP: ([0-9a-f]{4}):(0x[0-9a-f]+)", re.M)


def diagnosis(text):
    """What the output says that a short tail may hide, as indented lines:
    the last report's header and RIP, a report whose CS is no code selector
    (its trap frame was read at the wrong offsets), and one fault repeating
    at one RIP (a fault handler that returned without fixing the cause)."""
    notes = []
    headers = list(_HEADER.finditer(text))
    if headers:
        last = headers[-1]
        rip = _RIP.search(text, last.end())
        shown = tail(text)
        if last.group(0) not in shown:
            notes.append("last report: %s%s" % (quote(last.group(0)), "; " + line_at(text, rip.start()) if rip else ""))
        rip_lines = list(_RIP.finditer(text))
        bad = sorted({int(m.group(1), 16) for m in rip_lines} - set(KERNEL_CODE_SELECTORS))
        if bad:
            notes.append("a report shows CS=%#06x, which is no kernel code selector (0x08, 0x18): the "
                         "trap frame was read at the wrong offsets (dummy error code? push order? "
                         "what is dropped before iretq?)" % bad[0])
        rips = [m.group(2) for m in rip_lines[-6:]]
        if len(headers) >= 6 and len(set(rips)) == 1 and len({h.group(0) for h in headers[-6:]}) == 1:
            notes.append("the same exception keeps coming back at RIP %s: a handler returned to a "
                         "fault without fixing its cause, so the instruction ran again" % rips[0])
    return "".join("\n  " + n for n in notes)


def line_at(text, pos):
    """The whole line of text that holds position pos, quoted."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return quote(text[start:end if end >= 0 else len(text)].strip())


def indent(text, prefix="    "):
    return "\n".join(prefix + l for l in text.splitlines())
