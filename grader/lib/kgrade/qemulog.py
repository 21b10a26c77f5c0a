"""QEMU's -d int,cpu_reset log: what the CPU really did.

The grader's second witness. Serial output says what the kernel claims;
this log says which exceptions QEMU delivered (vector, error code, RIP,
CR2), which ones escalated, and whether the CPU reset (a triple fault).

A kernel that faults in a loop makes QEMU write this log at tens of MB a
second, so it is never read whole: LogReader parses it once, as QEMU writes
it, and keeps a bounded part (the first and the last records, exact counts
per vector, and the first and last megabytes of text for people to read).
"""

import collections
import dataclasses
import re
from typing import Optional, Tuple

from . import facts


def mnemonic(vector):
    """'#PF' for 14, 'int 0x80' from 32 on (kgrade.facts reads the kernel's table)."""
    return facts.mnemonic(vector)


def idt_gate(error, delivering=None):
    """The IDT gate an error code with the IDT bit names. The SDM encodes
    it as gate * 8 + 2, but QEMU's long-mode delivery reports gate * 16 + 2;
    when the vector being delivered is known and fits either, it is the gate."""
    if delivering is not None and error & ~1 in (delivering * 8 + 2, delivering * 16 + 2):
        return delivering
    return error >> 3


def gate_note(error, delivering=None):
    """'IDT gate 6', saying how QEMU encoded it when that differs from the SDM."""
    gate = idt_gate(error, delivering)
    if gate == delivering and error & ~1 == gate * 16 + 2 and gate:
        return "IDT gate %d (QEMU writes gate*16+2 here; the SDM says gate*8+2)" % gate
    return "IDT gate %d" % gate


# ---- records ---------------------------------------------------------------

@dataclasses.dataclass
class Delivery:
    """One interrupt or exception QEMU delivered ("v=0e e=0002 ... IP=... CR2=...")."""
    vector: int
    error: int
    software: bool          # int N / int3 (i=1), not raised by the CPU
    cpl: int
    cs: int
    rip: int
    ss: int
    rsp: int
    cr2: Optional[int]
    idt: Optional[Tuple[int, int]] = None  # (base, limit) of IDTR at delivery
    cr3: Optional[int] = None              # CR3 at delivery

    def __repr__(self):
        return "Delivery(%s err=%#x rip=%#x%s)" % (
            mnemonic(self.vector), self.error, self.rip,
            "" if self.cr2 is None else " cr2=%#x" % self.cr2)


Interrupt = Delivery  # the older name


@dataclasses.dataclass(frozen=True)
class Raise:
    """The CPU raised `new` while `pending` was being delivered (None: nothing was)."""
    pending: Optional[int]
    new: int


@dataclasses.dataclass(frozen=True)
class TripleFault:
    """QEMU's "Triple fault": the CPU shuts down (then resets)."""


@dataclasses.dataclass(frozen=True)
class Reset:
    """QEMU's "CPU Reset" (also at power-on)."""


# ---- parsing ---------------------------------------------------------------

_LINE = re.compile(rb"^(?:\s*\d+: v=|check_exception|IDT=|CR0=|Triple fault|CPU Reset).*$", re.M)
_DELIVER = re.compile(
    r"^\s*\d+: v=(?P<v>[0-9a-f]+) e=(?P<e>[0-9a-f]+) i=(?P<i>\d) cpl=(?P<cpl>\d) "
    r"IP=(?P<cs>[0-9a-f]+):(?P<ip>[0-9a-f]+) pc=[0-9a-f]+ SP=(?P<ss>[0-9a-f]+):(?P<sp>[0-9a-f]+)"
    r"(?: CR2=(?P<cr2>[0-9a-f]+))?")
_IDT = re.compile(r"^IDT=\s+(?P<base>[0-9a-f]+) (?P<limit>[0-9a-f]+)")
_CR3 = re.compile(r"^CR0=[0-9a-f]+ CR2=[0-9a-f]+ CR3=(?P<cr3>[0-9a-f]+)")
_RAISE = re.compile(r"^check_exception old: 0x(?P<old>[0-9a-f]+) new 0x(?P<new>[0-9a-f]+)")

NOTHING_PENDING = 0xFFFFFFFF  # QEMU's "old:" when no exception was being delivered


def parse_line(line, last):
    """The record one log line starts, or None; a register-dump line fills
    in `last` (the previous Delivery) instead."""
    if "v=" in line:
        m = _DELIVER.match(line)
        if m:
            cr2 = m.group("cr2")
            return Delivery(int(m.group("v"), 16), int(m.group("e"), 16), m.group("i") == "1",
                            int(m.group("cpl")), int(m.group("cs"), 16), int(m.group("ip"), 16),
                            int(m.group("ss"), 16), int(m.group("sp"), 16), int(cr2, 16) if cr2 else None)
    elif line.startswith("IDT="):
        m = _IDT.match(line)
        if m and isinstance(last, Delivery) and last.idt is None:
            last.idt = (int(m.group("base"), 16), int(m.group("limit"), 16))
    elif line.startswith("CR0="):
        m = _CR3.match(line)
        if m and isinstance(last, Delivery) and last.cr3 is None:
            last.cr3 = int(m.group("cr3"), 16)
    elif line.startswith("check_exception"):
        m = _RAISE.match(line)
        if m:
            old = int(m.group("old"), 16)
            return Raise(None if old == NOTHING_PENDING else old, int(m.group("new"), 16))
    elif line.startswith("Triple fault"):
        return TripleFault()
    elif line.startswith("CPU Reset"):
        return Reset()
    return None


class LogReader:
    """Parses QEMU's log as it streams (feed, then finish), in bounded memory.

    Keeps the first head_records and the last tail_records records (a
    kernel faulting in a loop repeats itself), exact delivery counts per
    vector (inside kernel_range, when given, and in all), and the first and
    last text_bytes of the text, which save() writes for people to read.
    """

    def __init__(self, kernel_range=None, head_records=20000, tail_records=2000, text_bytes=6 << 20):
        self.kernel_range = kernel_range
        self.head, self.tail = [], collections.deque(maxlen=tail_records)
        self.head_records = head_records
        self.dropped = 0
        self.counts = collections.Counter()   # (vector, in kernel range) -> deliveries
        self.text_bytes = text_bytes
        self.text_head = bytearray()
        self.text_tail = collections.deque()
        self.tail_size = 0
        self.size = 0
        self._carry = b""
        self._last = None
        self.triple_fault = False

    def feed(self, data):
        """Takes the next bytes QEMU wrote."""
        self.size += len(data)
        room = self.text_bytes - len(self.text_head)
        if room > 0:
            self.text_head += data[:room]
            data_tail = data[room:]
        else:
            data_tail = data
        if data_tail:
            self.text_tail.append(data_tail)
            self.tail_size += len(data_tail)
            while self.tail_size - len(self.text_tail[0]) >= self.text_bytes:
                self.tail_size -= len(self.text_tail.popleft())
        buf = self._carry + data
        cut = buf.rfind(b"\n") + 1
        self._carry = buf[cut:]
        if len(self._carry) > 4096:  # no log line is this long: not a log
            self._carry = b""
        for m in _LINE.finditer(buf, 0, cut):
            self._line(m.group(0).decode("ascii", "replace"))

    def _line(self, line):
        rec = parse_line(line, self._last)
        if rec is None:
            return
        if isinstance(rec, Delivery):
            self._last = rec
            lo, hi = self.kernel_range or (0, 1 << 64)
            self.counts[(rec.vector, lo <= rec.rip < hi)] += 1
        elif isinstance(rec, TripleFault):
            self.triple_fault = True
        if len(self.head) < self.head_records:
            self.head.append(rec)
        else:
            if len(self.tail) == self.tail.maxlen:
                self.dropped += 1
            self.tail.append(rec)

    def finish(self):
        """The QemuLog of everything fed (a last line without newline included)."""
        if self._carry:
            for m in _LINE.finditer(self._carry):
                self._line(m.group(0).decode("ascii", "replace"))
            self._carry = b""
        return QemuLog(self.head + list(self.tail), dropped=self.dropped, counts=self.counts,
                       kernel_range=self.kernel_range, triple=self.triple_fault)

    def text(self):
        """The kept text: all of it, or its head, a line saying how much was cut, its tail."""
        tail = b"".join(self.text_tail)
        cut = self.size - len(self.text_head) - len(tail)
        if cut <= 0:
            return bytes(self.text_head) + tail
        return bytes(self.text_head) + b"\n... %d bytes of QEMU's log cut here ...\n" % cut + tail

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.text())


# ---- the parsed log ----------------------------------------------------------

class QemuLog:
    """The parsed log: records in order (Delivery, Raise, TripleFault,
    Reset; with `dropped` of them cut from the middle of a long log), and
    questions about them."""

    def __init__(self, records=(), dropped=0, counts=None, kernel_range=None, triple=None):
        if isinstance(records, (str, bytes)):  # the text of a log
            reader = LogReader()
            reader.feed(records.encode("utf-8", "replace") if isinstance(records, str) else records)
            records, dropped, counts, triple = reader.finish().records, 0, reader.counts, reader.triple_fault
        self.records = list(records)
        self.dropped = dropped
        self.kernel_range = kernel_range
        self._counts = counts
        self._triple = triple

    @classmethod
    def read(cls, path):
        """The log of a file, read in bounded memory; empty if there is none."""
        reader = LogReader()
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    reader.feed(chunk)
        except OSError:
            pass
        return reader.finish()

    def deliveries(self):
        return [r for r in self.records if isinstance(r, Delivery)]

    def interrupts(self, lo=0, hi=1 << 64):
        """Deliveries whose interrupted RIP lies in [lo, hi) (the kernel's range)."""
        return [r for r in self.deliveries() if lo <= r.rip < hi]

    def saw(self, vector, lo=0, hi=1 << 64, cr2=None, error=None, rip=None):
        """The first matching delivery of vector from code in [lo, hi), or None."""
        for i in self.interrupts(lo, hi):
            if i.vector == vector and (cr2 is None or i.cr2 == cr2) \
                    and (error is None or i.error == error) and (rip is None or i.rip == rip):
                return i
        return None

    def count(self, vector, lo=0, hi=1 << 64):
        """Deliveries of vector from code in [lo, hi): exact even when records
        were cut, for the whole log or for the range the reader was given."""
        whole = (lo, hi) == (0, 1 << 64)
        if self._counts is not None and (whole or (lo, hi) == self.kernel_range):
            if whole:
                return self._counts[(vector, True)] + self._counts[(vector, False)]
            return self._counts[(vector, True)]
        return sum(1 for i in self.interrupts(lo, hi) if i.vector == vector)

    @property
    def triple_fault(self):
        if self._triple is not None:
            return self._triple
        return any(isinstance(r, TripleFault) for r in self.records)

    def escalation(self, first, second, match=lambda d: True, lo=0, hi=1 << 64):
        """The delivery of `first` from code in [lo, hi) (one that `match`
        accepts) while delivering which the CPU raised `second`, and then
        delivered a #DF; None if the log shows no such chain."""
        recs = [r for r in self.records if isinstance(r, (Delivery, Raise))]
        for n, rec in enumerate(recs):
            if not (isinstance(rec, Delivery) and rec.vector == first and lo <= rec.rip < hi and match(rec)):
                continue
            after = recs[n + 1:n + 3]
            if len(after) == 2 and after[0] == Raise(first, second) \
                    and isinstance(after[1], Delivery) and after[1].vector == 8:
                return rec
        return None

    # -- why the CPU reset --

    def fault_chain(self, symbolize=None, describe=None):
        """Why the CPU reset, as one line, e.g. "int3 (#BP) at RIP 0x... <f+0x4>,
        then #PF (CR2 0x30: inside the IDT at 0x0, limit 0x3ff), then #DF, then
        #PF, then CPU reset (triple fault)". None if there was no triple fault."""
        ends = [i for i, r in enumerate(self.records) if isinstance(r, TripleFault)]
        if not ends:
            return None
        end = ends[-1]
        start = self._chain_start(end)
        parts = []
        for j in range(start, end):
            rec = self.records[j]
            if isinstance(rec, Delivery) and rec.software and not parts:
                parts.append(("int3 (#BP)" if rec.vector == 3 else "int 0x%x" % rec.vector)
                             + _at(rec, symbolize))
            elif isinstance(rec, Raise):
                parts.append(self._raised(j, start, end, symbolize, describe, first=not parts))
            elif isinstance(rec, Delivery) and rec.vector == 8:
                parts.append("#DF")
        parts.append("CPU reset (triple fault)")
        return ", then ".join(parts)

    def _chain_start(self, end):
        """Where the chain that ended at records[end] began: the last
        exception raised with nothing pending, or earlier when that one was
        about delivering the exception just before it (whose fault a benign
        vector such as #UD or #BP logs as 'nothing pending'), or the
        software interrupt that started it."""
        start = end
        while start > 0 and not (isinstance(self.records[start], Raise) and self.records[start].pending is None):
            start -= 1
        while start > 0 and isinstance(self.records[start - 1], Delivery):
            prev = self.records[start - 1]
            if prev.software:
                return start - 1
            first = self._delivery_after(start, end)
            if first is None or not _about_delivery(prev, self.records[start].new, first):
                break
            before = self.records[start - 2] if start >= 2 else None
            start -= 2 if isinstance(before, Raise) and before.new == prev.vector else 1
        return start

    def _delivery_after(self, j, end):
        nxt = self.records[j + 1] if j + 1 < end else None
        return nxt if isinstance(nxt, Delivery) else None

    def _raised(self, j, start, end, symbolize, describe, first):
        """The words for the Raise at records[j]."""
        rec = self.records[j]
        delivered = self._delivery_after(j, end)
        if delivered is not None and delivered.vector != rec.new:
            delivered = None  # escalated: what was delivered is the #DF
        text = mnemonic(rec.new)
        if delivered is None:
            return text
        if first:
            text += _at(delivered, symbolize)
        prev = next((r for r in reversed(self.records[:j]) if isinstance(r, Delivery)), None)
        # The vector whose delivery failed: the one pending, or the one
        # delivered just before inside this chain.
        failed = rec.pending if rec.pending is not None else (prev.vector if prev and j > start else None)
        return text + _details(rec.new, delivered, prev=prev, describe=describe, delivering=failed)


def _about_delivery(prev, vector, d):
    """Is exception `vector` (delivered as d) about delivering prev: its
    IDT gate (error code with the IDT bit, or a #PF on the gate's bytes)
    or the push of its frame (a #PF just below its RSP)?"""
    if vector in (10, 11, 13):
        return bool(d.error & 2) and d.error & ~1 in (prev.vector * 8 + 2, prev.vector * 16 + 2)
    if vector == 14 and d.cr2 is not None:
        idt = d.idt or prev.idt
        if idt and idt[0] + prev.vector * 16 <= d.cr2 < idt[0] + prev.vector * 16 + 16:
            return True
        return prev.rsp - 64 <= d.cr2 < prev.rsp
    return False


def _at(d, symbolize):
    sym = symbolize(d.rip) if symbolize else ""
    return " at RIP %#x%s" % (d.rip, " <%s>" % sym if sym else "")


def _details(vector, d, prev=None, describe=None, delivering=None):
    """Error code and CR2, and what they point at when it is telling."""
    notes = []
    idt = d.idt or (prev.idt if prev else None)
    if vector == 14 and d.cr2 is not None:
        note = "CR2 %#x" % d.cr2
        if idt and idt[0] <= d.cr2 <= idt[0] + idt[1]:
            note += " = IDT entry %d of an IDT at %#x that is not mapped: is yours loaded?" % (
                (d.cr2 - idt[0]) // 16, idt[0])
        elif describe and describe(d.cr2):
            note += " = " + describe(d.cr2)
        notes.append(note)
    if vector in facts.error_code_vectors():
        note = "error %#x" % d.error
        if vector in (11, 13) and d.error & 2:
            note += ": " + gate_note(d.error, delivering)
        notes.append(note)
    return " (" + "; ".join(notes) + ")" if notes else ""
