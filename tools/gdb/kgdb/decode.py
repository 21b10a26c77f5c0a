"""Pure decoders for x86-64 system structures: IDT gates, GDT descriptors,
the 64-bit TSS, RFLAGS and exception error codes.

Nothing here imports gdb: every function takes numbers (or bytes, or a
read function) and returns numbers and words, so tests/debug/test_decode.py
checks them on the host without QEMU. The layouts are the CPU's (Intel SDM
vol. 3, chapters 3, 6 and 8), not the kernel's, so they are written here.
"""

import struct

from kgrade import facts

from .paging import canonical

# --- small helpers -----------------------------------------------------------

def flag_names(value, bits):
    """The names of the bits set in value; bits is [(bit, name)]."""
    return [name for bit, name in bits if value >> bit & 1]


RFLAGS_BITS = [(0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"), (8, "TF"),
               (9, "IF"), (10, "DF"), (11, "OF"), (14, "NT"), (16, "RF"), (17, "VM"),
               (18, "AC"), (19, "VIF"), (20, "VIP"), (21, "ID")]


def rflags_text(value):
    """'[ IF ZF ] IOPL=0' style summary of RFLAGS."""
    return "[%s] IOPL=%d" % (" ".join(flag_names(value, RFLAGS_BITS)), value >> 12 & 3)


# --- error codes ---------------------------------------------------------------

# Vectors for which the CPU itself pushes an error code: the kernel's table
# (common/include/x86_exceptions.h), read by kgrade.facts.
ERROR_CODE_VECTORS = facts.error_code_vectors()

PF_BITS = [(0, "P"), (1, "W"), (2, "U"), (3, "RSVD"), (4, "I"), (5, "PK"), (6, "SS"), (15, "SGX")]


def page_fault_error(code):
    """'[W] not-present page, write access, supervisor mode' for a #PF error code."""
    words = ["protection violation" if code & 1 else "not-present page"]
    words.append("instruction fetch" if code & 0x10 else "write access" if code & 2 else "read access")
    words.append("user mode" if code & 4 else "supervisor mode")
    if code & 8:
        words.append("reserved bit set in a paging entry")
    if code & 0x20:
        words.append("protection key")
    if code & 0x40:
        words.append("shadow stack")
    return "[%s] %s" % (" ".join(flag_names(code, PF_BITS)), ", ".join(words))


def selector_error(code):
    """Decodes the selector-style error code of #TS, #NP, #SS and #GP."""
    if code == 0:
        return "0: not about a particular selector"
    if code & 2:
        text = "IDT gate %d" % (code >> 3)
    else:
        text = "%s index %d (selector 0x%x)" % ("LDT" if code & 4 else "GDT", code >> 3, code & ~3)
    if code & 1:
        text += ", while delivering an external event (EXT)"
    return text


def error_code_text(vector, code):
    """What an error code says, in words, for the vectors that have one."""
    if vector == 14:
        return page_fault_error(code)
    if vector in (10, 11, 12, 13):
        return selector_error(code)
    if vector == 8:
        return "always 0 for a double fault" if code == 0 else "should be 0 for a double fault!"
    if vector in ERROR_CODE_VECTORS:
        return ""
    return "(no error code from the CPU: the stub pushed a placeholder)"


# --- IDT gates -----------------------------------------------------------------

GATE_TYPES = {0x5: "task gate (32-bit only)", 0xE: "interrupt gate", 0xF: "trap gate"}


class Gate:
    """One 16-byte IDT gate."""

    def __init__(self, raw):
        lo, hi = struct.unpack("<QQ", raw)
        self.lo, self.hi = lo, hi
        self.offset = (lo & 0xFFFF) | (lo >> 32 & 0xFFFF0000) | (hi & 0xFFFFFFFF) << 32
        self.selector = lo >> 16 & 0xFFFF
        self.ist = lo >> 32 & 7
        self.type = lo >> 40 & 0xF
        self.dpl = lo >> 45 & 3
        self.present = bool(lo >> 47 & 1)
        self.reserved = hi >> 32

    @property
    def type_name(self):
        return GATE_TYPES.get(self.type, "bad type 0x%x" % self.type)

    def problems(self, code_selectors):
        """What would make the CPU refuse this gate (a #GP, then a #DF)."""
        out = []
        if not self.present:
            return out
        if self.type not in (0xE, 0xF):
            out.append("type 0x%x is not a 64-bit interrupt or trap gate" % self.type)
        if code_selectors is not None and self.selector not in code_selectors:
            out.append("selector 0x%x is not a 64-bit code segment" % self.selector)
        if self.reserved or self.lo >> 35 & 0x1F:
            out.append("reserved bits are not zero")
        if not canonical(self.offset):
            out.append("offset is not canonical")
        return out


# --- GDT descriptors ------------------------------------------------------------

SYSTEM_TYPES = {0x2: "LDT", 0x9: "TSS (64-bit, available)", 0xB: "TSS (64-bit, busy)",
                0xC: "call gate", 0xE: "interrupt gate", 0xF: "trap gate"}


class Descriptor:
    """One GDT entry; system descriptors (TSS, LDT) take two 8-byte slots."""

    def __init__(self, low, high=0):
        self.raw = low
        self.limit = (low & 0xFFFF) | (low >> 32 & 0xF0000)
        self.base = (low >> 16 & 0xFFFFFF) | (low >> 56 & 0xFF) << 24
        access = low >> 40 & 0xFF
        self.type = access & 0xF
        self.system = not access >> 4 & 1
        self.dpl = access >> 5 & 3
        self.present = bool(access >> 7)
        flags = low >> 52 & 0xF
        self.long = bool(flags & 2)
        self.big = bool(flags & 4)
        self.granular = bool(flags & 8)
        if self.granular:
            self.limit = self.limit << 12 | 0xFFF
        if self.system:
            self.base |= (high & 0xFFFFFFFF) << 32

    @property
    def slots(self):
        """How many 8-byte GDT slots the descriptor fills."""
        return 2 if self.system and self.raw else 1

    @property
    def is_code64(self):
        return not self.system and self.type & 8 and self.long and self.present

    def kind(self):
        """'code 64-bit', 'data', 'TSS (64-bit, busy)', 'null', ..."""
        if self.raw == 0:
            return "null"
        if self.system:
            return SYSTEM_TYPES.get(self.type, "system type 0x%x" % self.type)
        if self.type & 8:
            bits = "64-bit" if self.long else "32-bit" if self.big else "16-bit"
            extra = [w for b, w in ((4, "conforming"), (2, "readable")) if self.type & b]
            return "code %s%s" % (bits, " " + ",".join(extra) if extra else "")
        extra = [w for b, w in ((4, "expand-down"), (2, "writable")) if self.type & b]
        return "data%s" % (" " + ",".join(extra) if extra else " read-only")

    def text(self):
        if self.raw == 0:
            return "null"
        parts = [self.kind(), "base=0x%x" % self.base, "limit=0x%x" % self.limit, "dpl=%d" % self.dpl]
        if not self.present:
            parts.append("NOT PRESENT")
        return " ".join(parts)


# --- the 64-bit TSS ---------------------------------------------------------------

TSS_SIZE = 104  # the smallest 64-bit TSS: up to and including the I/O map base


class Tss:
    """The fields of a 64-bit TSS (SDM vol. 3, figure 8-11)."""

    def __init__(self, raw):
        if len(raw) < TSS_SIZE:
            raise ValueError("a 64-bit TSS is %d bytes, got %d" % (TSS_SIZE, len(raw)))
        self.rsp = list(struct.unpack_from("<3Q", raw, 4))
        self.ist = list(struct.unpack_from("<7Q", raw, 36))  # ist[0] is IST1
        self.iomap_base = struct.unpack_from("<H", raw, 102)[0]
