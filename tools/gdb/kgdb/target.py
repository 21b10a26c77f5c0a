"""What the helpers read from the stopped machine and from the kernel's build.

- memory: virtual (through the current page tables, as GDB reads it) and
  physical (the kernel's direct map, else QEMU's `xp` monitor command);
- registers: CR0-CR4 and EFER are GDB registers with QEMU's gdbstub, but
  IDTR, GDTR and TR are not: they come from QEMU's `monitor info registers`;
- facts: PHYS_MAP_BASE and the PTE_* flags from common/include/paging.h,
  exception names from the kernel's own table in common/report.c, symbols
  from the ELF (with nm, as the grader reads them).
"""

import functools
import os
import re
import struct
import sys

import gdb

from . import decode, paging

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
if os.path.join(ROOT, "grader", "lib") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "grader", "lib"))
from kgrade.symbols import Symbols  # noqa: E402


class HelperError(gdb.GdbError):
    """A one-line message for the user, without a Python traceback."""


def one_line_errors(invoke):
    """For a command's invoke: a memory error is one line, not a traceback."""
    @functools.wraps(invoke)
    def wrapper(self, *args):
        try:
            return invoke(self, *args)
        except gdb.MemoryError as e:
            raise HelperError(str(e)) from None
    return wrapper


# --- memory ------------------------------------------------------------------

def read(addr, size):
    """size bytes at virtual address addr, as GDB sees them."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        raise HelperError("cannot read %d bytes at 0x%x (not mapped now?)" % (size, addr)) from None


def u64(addr):
    return struct.unpack("<Q", read(addr, 8))[0]


def _monitor(command):
    try:
        return gdb.execute("monitor " + command, to_string=True)
    except gdb.error as e:
        raise HelperError("QEMU's monitor is needed for this (%s): %s" % (command, e)) from None


def phys_u64(paddr):
    """The 8 bytes at physical address paddr.

    Through the direct map when paddr is inside it (no monitor round trip),
    otherwise with QEMU's `xp`, which reads guest RAM whatever is mapped.
    """
    f = facts()
    if paddr + 8 <= f["PHYS_MAP_SIZE"]:
        try:
            return struct.unpack("<Q", bytes(gdb.selected_inferior().read_memory(
                f["PHYS_MAP_BASE"] + paddr, 8)))[0]
        except gdb.MemoryError:
            pass  # before paging_init: no direct map yet
    out = _monitor("xp /1gx 0x%x" % paddr)
    m = re.search(r":\s*0x([0-9a-fA-F]+)", out)
    if not m:
        raise HelperError("cannot read physical address 0x%x: %s" % (paddr, out.strip()))
    return int(m.group(1), 16)


# --- registers -----------------------------------------------------------------

def reg(name, frame=None):
    """A register as an int (CR3, RIP, ...), in frame or the selected frame."""
    frame = frame or gdb.selected_frame()
    return int(frame.read_register(name)) & ((1 << 64) - 1)


def live_reg(name):
    """A register of the CPU itself (frame 0), whichever frame is selected."""
    return reg(name, gdb.newest_frame())


class SystemRegisters:
    """IDTR, GDTR and TR as QEMU shows them (`monitor info registers`)."""

    _TABLE = re.compile(r"^(GDT|IDT)=\s+([0-9a-f]+) ([0-9a-f]+)", re.M)
    _SEG = re.compile(r"^(ES|CS|SS|DS|FS|GS|LDT|TR)\s*=([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)", re.M)

    def __init__(self, text):
        tables = {n: (int(b, 16), int(l, 16)) for n, b, l in self._TABLE.findall(text)}
        segs = {n: tuple(int(x, 16) for x in rest) for n, *rest in self._SEG.findall(text)}
        if "IDT" not in tables or "GDT" not in tables or "TR" not in segs:
            raise HelperError("unexpected `monitor info registers` output from QEMU")
        self.idt_base, self.idt_limit = tables["IDT"]
        self.gdt_base, self.gdt_limit = tables["GDT"]
        # selector, cached base, cached limit, cached attributes
        self.tr_selector, self.tr_base, self.tr_limit, _ = segs["TR"]
        self.selectors = {n: s[0] for n, s in segs.items()}

    @classmethod
    def read(cls):
        return cls(_monitor("info registers"))


def out(text=""):
    """One line of command output."""
    gdb.write(text + "\n")


def read_gates():
    """(IDTR, [Gate]) for every gate inside IDTR's limit."""
    regs = SystemRegisters.read()
    if regs.idt_base == 0:
        raise HelperError("IDTR: base 0x0 limit 0x%x, not ours: no IDT loaded yet (lab 01's "
                          "idt_load runs from the lab init functions that kmain calls)" % regs.idt_limit)
    count = min(256, (regs.idt_limit + 1) // 16)
    raw = read(regs.idt_base, 16 * count) if count else b""
    return regs, [decode.Gate(raw[16 * v:16 * v + 16]) for v in range(count)]


# --- facts from the tree and the ELF ---------------------------------------------------

_facts = None


def facts():
    """Constants of common/include/paging.h (PHYS_MAP_BASE, PTE_*...)."""
    global _facts
    if _facts is None:
        path = os.path.join(ROOT, "common", "include", "paging.h")
        with open(path) as f:
            values = paging.header_constants(f.read())
        for name in ("PHYS_MAP_BASE", "PHYS_MAP_SIZE", "PTE_ADDR_MASK"):
            if name not in values:
                raise HelperError("%s is not defined in %s" % (name, path))
        values["pte_bits"] = paging.pte_flag_bits(values)
        _facts = values
    return _facts


_symbols = {}


def symbols():
    """The ELF's symbol table (kgrade.symbols.Symbols), reread when it changes."""
    path = gdb.current_progspace().filename
    if not path:
        raise HelperError("no kernel ELF loaded: start GDB with build/.../kernel.elf")
    key = (path, os.path.getmtime(path))
    if key not in _symbols:
        _symbols.clear()
        _symbols[key] = Symbols(path)
    return _symbols[key]


def describe(addr):
    """'<isr_stub_14>', '<kernel_stack+20136>', '<top of double_fault_stack>' or ''.

    GDB names the address (it knows which section it is in); the one case
    it gets wrong for us is a stack's top, one past the end of the object,
    which it would name after whatever follows.
    """
    syms = symbols()
    for name, start in syms.addr.items():
        size = syms.size.get(name, 0)
        if size and start + size == addr and "stack" in name:
            return "<top of %s>" % name
    m = re.search(r"<.*>$", gdb.format_address(addr))
    text = m.group(0) if m else ""
    guard = syms.describe(addr)
    if "guard page" in guard:  # kgrade's words: "the guard page of X: a stack overflow"
        text += " (%s)" % guard
    return text


def addr_text(addr):
    """0x%016x plus its symbol, if any."""
    d = describe(addr)
    return "0x%016x%s" % (addr, " " + d if d else "")


_names = {}


def exception_name(vector):
    """('#PF', 'PAGE FAULT') from the kernel's table in common/report.c."""
    if vector >= 32:
        return ("#INT", "INTERRUPT 0x%x" % vector)
    if not _names:
        for sym in gdb.lookup_static_symbols("exceptions"):
            if sym.symtab and sym.symtab.filename.endswith("report.c"):
                table = sym.value()
                try:
                    for v in range(32):
                        entry = table[v]
                        if int(entry["name"]):
                            _names[v] = (entry["mnemonic"].string(), entry["name"].string())
                except gdb.error:
                    _names.clear()
                break
    return _names.get(vector, ("#%d" % vector, "RESERVED VECTOR %d" % vector))


def code_selectors(gdt_base, gdt_limit):
    """The selectors of present 64-bit code segments in the GDT."""
    out = set()
    for sel in range(8, gdt_limit + 1, 8):
        try:
            if decode.Descriptor(u64(gdt_base + sel)).is_code64:
                out.add(sel)
        except HelperError:
            break
    return out


def parse_address(arg, what="an address"):
    """Evaluates a GDB expression (0x..., $cr2, &idt_table) to an int."""
    if not arg.strip():
        raise HelperError("give %s" % what)
    try:
        return int(gdb.parse_and_eval(arg)) & ((1 << 64) - 1)
    except gdb.error as e:
        raise HelperError("%s: %s" % (arg.strip(), e)) from None
