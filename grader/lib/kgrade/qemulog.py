"""QEMU's -d int,cpu_reset log: what the CPU really did.

The grader's second witness. Serial output says what the kernel claims;
this log says which exceptions QEMU delivered (vector, error code, RIP,
CR2), which ones escalated, and whether the CPU reset (a triple fault).
"""

import re

MNEMONICS = {
    0: "#DE", 1: "#DB", 2: "#NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD",
    7: "#NM", 8: "#DF", 9: "#CSO", 10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP",
    14: "#PF", 16: "#MF", 17: "#AC", 18: "#MC", 19: "#XM", 20: "#VE", 21: "#CP",
}

_DELIVER = re.compile(
    r"^\s*\d+: v=(?P<v>[0-9a-f]+) e=(?P<e>[0-9a-f]+) i=(?P<i>\d) cpl=(?P<cpl>\d) "
    r"IP=(?P<cs>[0-9a-f]+):(?P<ip>[0-9a-f]+) pc=[0-9a-f]+ SP=(?P<ss>[0-9a-f]+):(?P<sp>[0-9a-f]+)"
    r"(?: CR2=(?P<cr2>[0-9a-f]+))?")
_IDT = re.compile(r"^IDT=\s+(?P<base>[0-9a-f]+) (?P<limit>[0-9a-f]+)")
_RAISE = re.compile(r"^check_exception old: 0x(?P<old>[0-9a-f]+) new 0x(?P<new>[0-9a-f]+)")


def mnemonic(vector):
    if vector >= 32:
        return "int 0x%x" % vector
    return MNEMONICS.get(vector, "vector %d" % vector)


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


class Interrupt:
    """One delivery QEMU logged ("v=0e e=0002 ... IP=... CR2=...")."""

    def __init__(self, vector, error, software, cpl, cs, rip, ss, rsp, cr2):
        self.vector, self.error, self.software = vector, error, software
        self.cpl, self.cs, self.rip, self.ss, self.rsp, self.cr2 = cpl, cs, rip, ss, rsp, cr2
        self.idt = None  # (base, limit) of IDTR at delivery, from QEMU's register dump

    def __repr__(self):
        return "Interrupt(%s err=%#x rip=%#x%s)" % (
            mnemonic(self.vector), self.error, self.rip,
            "" if self.cr2 is None else " cr2=%#x" % self.cr2)


class QemuLog:
    """The parsed log: records in order, and questions about them."""

    def __init__(self, text):
        self.records = []  # ("deliver", Interrupt) | ("raise", old, new) | ("triple",) | ("reset",)
        for line in text.splitlines():
            if "v=" in line:
                m = _DELIVER.match(line)
                if m:
                    cr2 = m.group("cr2")
                    self.records.append(("deliver", Interrupt(
                        int(m.group("v"), 16), int(m.group("e"), 16), m.group("i") == "1",
                        int(m.group("cpl")), int(m.group("cs"), 16), int(m.group("ip"), 16),
                        int(m.group("ss"), 16), int(m.group("sp"), 16),
                        int(cr2, 16) if cr2 else None)))
            elif line.startswith("IDT=") and self.records and self.records[-1][0] == "deliver":
                m = _IDT.match(line)
                if m and self.records[-1][1].idt is None:
                    self.records[-1][1].idt = (int(m.group("base"), 16), int(m.group("limit"), 16))
            elif line.startswith("check_exception"):
                m = _RAISE.match(line)
                if m:
                    old = int(m.group("old"), 16)
                    self.records.append(("raise", -1 if old == 0xFFFFFFFF else old,
                                         int(m.group("new"), 16)))
            elif line.startswith("Triple fault"):
                self.records.append(("triple",))
            elif line.startswith("CPU Reset"):
                self.records.append(("reset",))

    @classmethod
    def read(cls, path):
        try:
            with open(path, "rb") as f:
                return cls(f.read().decode("utf-8", errors="replace"))
        except OSError:
            return cls("")

    def interrupts(self, lo=0, hi=1 << 64):
        """Deliveries whose interrupted RIP lies in [lo, hi) (the kernel's range)."""
        return [r[1] for r in self.records if r[0] == "deliver" and lo <= r[1].rip < hi]

    def saw(self, vector, lo=0, hi=1 << 64, cr2=None, error=None, rip=None):
        """The first matching delivery of vector from code in [lo, hi), or None."""
        for i in self.interrupts(lo, hi):
            if i.vector == vector and (cr2 is None or i.cr2 == cr2) \
                    and (error is None or i.error == error) and (rip is None or i.rip == rip):
                return i
        return None

    def count(self, vector, lo=0, hi=1 << 64):
        return sum(1 for i in self.interrupts(lo, hi) if i.vector == vector)

    @property
    def triple_fault(self):
        return any(r[0] == "triple" for r in self.records)

    def fault_chain(self, symbolize=None, describe=None):
        """Why the CPU reset, as one line, e.g. "int3 (#BP) at RIP 0x... <f+0x4>,
        then #PF (CR2 0x30: inside the IDT at 0x0, limit 0x3ff), then #DF, then
        #PF, then CPU reset (triple fault)". None if there was no triple fault."""
        ends = [i for i, r in enumerate(self.records) if r[0] == "triple"]
        if not ends:
            return None
        end = ends[-1]
        # The chain starts at the last exception raised with none pending, or
        # at the software interrupt (int3, int N) just before it.
        start = end
        while start > 0 and not (self.records[start][0] == "raise" and self.records[start][1] == -1):
            start -= 1
        # A fault raised while the CPU was still delivering an earlier
        # exception is logged with none pending when the earlier one is
        # benign (#UD, #BP, ...): when it is provably about that delivery
        # (the gate, or the push of the frame), the chain starts earlier.
        while start > 0 and self.records[start - 1][0] == "deliver":
            prev = self.records[start - 1][1]
            if prev.software:
                start -= 1
                break
            first = self.records[start + 1][1] if start + 1 < end and self.records[start + 1][0] == "deliver" else None
            if first is None or not self._about_delivery(prev, self.records[start][2], first):
                break
            raised = start >= 2 and self.records[start - 2][0] == "raise" and self.records[start - 2][2] == prev.vector
            start -= 2 if raised else 1
        parts = []
        for j in range(start, end):
            rec = self.records[j]
            if rec[0] == "deliver" and rec[1].software and not parts:
                parts.append(("int3 (#BP)" if rec[1].vector == 3 else "int 0x%x" % rec[1].vector)
                             + self._at(rec[1], symbolize))
            elif rec[0] == "raise":
                # The delivery logged right after a raise carries its details.
                nxt = self.records[j + 1][1] if j + 1 < end and self.records[j + 1][0] == "deliver" else None
                if nxt is not None and nxt.vector != rec[2]:
                    nxt = None  # escalated: what was delivered is the #DF
                text = mnemonic(rec[2])
                if not parts and nxt is not None:
                    text += self._at(nxt, symbolize)
                if nxt is not None:
                    prev = self._prev_delivery(j)
                    # The vector whose delivery failed: the one pending, or
                    # the one delivered just before inside this chain.
                    failed = rec[1] if rec[1] >= 0 else (prev.vector if prev and j > start else None)
                    text += self._details(rec[2], nxt, prev=prev, describe=describe, delivering=failed)
                parts.append(text)
            elif rec[0] == "deliver" and rec[1].vector == 8:
                parts.append("#DF")
        parts.append("CPU reset (triple fault)")
        return ", then ".join(parts)

    @staticmethod
    def _about_delivery(prev, vector, i):
        """Is exception `vector` (delivered as i) about delivering prev: its
        IDT gate (error code with the IDT bit, or a #PF on the gate's bytes)
        or the push of its frame (a #PF just below its RSP)?"""
        if vector in (10, 11, 13):
            return bool(i.error & 2) and i.error & ~1 in (prev.vector * 8 + 2, prev.vector * 16 + 2)
        if vector == 14 and i.cr2 is not None:
            idt = i.idt or prev.idt
            if idt and idt[0] + prev.vector * 16 <= i.cr2 < idt[0] + prev.vector * 16 + 16:
                return True
            return prev.rsp - 64 <= i.cr2 < prev.rsp
        return False

    def _prev_delivery(self, j):
        for k in range(j - 1, -1, -1):
            if self.records[k][0] == "deliver":
                return self.records[k][1]
        return None

    @staticmethod
    def _at(i, symbolize):
        sym = symbolize(i.rip) if symbolize else ""
        return " at RIP %#x%s" % (i.rip, " <%s>" % sym if sym else "")

    @staticmethod
    def _details(vector, i, prev=None, describe=None, delivering=None):
        """Error code and CR2, and what they point at when it is telling."""
        notes = []
        idt = i.idt or (prev.idt if prev else None)
        if vector == 14 and i.cr2 is not None:
            note = "CR2 %#x" % i.cr2
            if idt and idt[0] <= i.cr2 <= idt[0] + idt[1]:
                note += " = IDT entry %d of an IDT at %#x that is not mapped: is yours loaded?" % (
                    (i.cr2 - idt[0]) // 16, idt[0])
            elif describe and describe(i.cr2):
                note += " = " + describe(i.cr2)
            notes.append(note)
        if vector in (8, 10, 11, 12, 13, 14, 17, 21):
            note = "error %#x" % i.error
            if vector in (11, 13) and i.error & 2:
                note += ": " + gate_note(i.error, delivering)
            notes.append(note)
        return " (" + "; ".join(notes) + ")" if notes else ""
