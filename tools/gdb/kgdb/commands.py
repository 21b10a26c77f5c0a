"""k-idt, k-gdt, k-tss, k-walk: the CPU's tables, as the CPU sees them.

One gdb.Command class each; the docstring is the help text (`help
user-defined` lists them). Every error is one line (target.HelperError).
"""

import gdb

from . import decode, paging, target
from .target import HelperError, addr_text, out


def _vector_range(arg, count):
    """[vectors] from '', 'N' or 'LO-HI'."""
    arg = arg.strip()
    try:
        if not arg:
            return list(range(min(32, count))), True
        if "-" in arg:
            lo, hi = (int(x, 0) for x in arg.split("-", 1))
        else:
            lo = hi = int(gdb.parse_and_eval(arg))
    except (ValueError, gdb.error):
        raise HelperError("usage: k-idt [VECTOR | LOW-HIGH], vectors are 0-255") from None
    if not 0 <= lo <= hi <= 255:
        raise HelperError("vectors are 0-255, and LOW-HIGH needs LOW <= HIGH")
    return list(range(lo, hi + 1)), False


class KIdt(gdb.Command):
    """Decode IDT gates from IDTR: k-idt [VECTOR | LOW-HIGH]

For each gate: the handler offset with its symbol, the code selector, the
gate type, DPL, IST index and the present bit, and what would make the
CPU reject it. Without an argument: the 32 exception vectors and a count
of the other present gates. IDTR comes from QEMU (monitor info registers)."""

    def __init__(self):
        super().__init__("k-idt", gdb.COMMAND_USER)

    @target.one_line_errors
    def invoke(self, arg, from_tty):
        vectors, default = _vector_range(arg, 256)
        regs, gates = target.read_gates()
        out("IDTR: base %s limit 0x%04x (%d gates)" % (
            addr_text(regs.idt_base), regs.idt_limit, (regs.idt_limit + 1) // 16))
        codes = target.code_selectors(regs.gdt_base, regs.gdt_limit)
        out("vec  name  offset                                        sel   type            dpl ist P")
        for v in vectors:
            if v >= len(gates):
                out("%3d  beyond the IDT limit" % v)
                continue
            g = gates[v]
            name = target.exception_name(v)[0] if v < 32 else ""
            if not g.present and g.lo == 0 and g.hi == 0:
                out("%3d  %-5s (empty, not present)" % (v, name))
                continue
            out("%3d  %-5s %-45s 0x%02x  %-15s %d   %d   %d" % (
                v, name, addr_text(g.offset), g.selector, g.type_name, g.dpl, g.ist, g.present))
            for problem in g.problems(codes):
                out("     ! %s" % problem)
        if default and len(gates) > 32:
            n = sum(g.present for g in gates[32:])
            out("vectors 32-%d: %d present (k-idt 32-%d lists them)" % (len(gates) - 1, n, len(gates) - 1))


def _descriptors(regs):
    """[(selector, Descriptor, raw qwords)] for the GDT within GDTR's limit."""
    found, sel = [], 0
    while sel + 7 <= regs.gdt_limit:
        low = target.u64(regs.gdt_base + sel)
        high = target.u64(regs.gdt_base + sel + 8) if sel + 15 <= regs.gdt_limit else 0
        d = decode.Descriptor(low, high)
        found.append((sel, d, [low, high][:d.slots]))
        sel += 8 * d.slots
    return found


class KGdt(gdb.Command):
    """Decode the GDT from GDTR: k-gdt

Each descriptor with its selector, raw value, kind (code 64-bit, data,
TSS...), base, limit and DPL, and which segment registers use it now.
A TSS descriptor fills two 8-byte slots. GDTR comes from QEMU."""

    def __init__(self):
        super().__init__("k-gdt", gdb.COMMAND_USER)

    @target.one_line_errors
    def invoke(self, arg, from_tty):
        regs = target.SystemRegisters.read()
        out("GDTR: base %s limit 0x%04x (%d slots)" % (
            addr_text(regs.gdt_base), regs.gdt_limit, (regs.gdt_limit + 1) // 8))
        for sel, d, raw in _descriptors(regs):
            users = [n for n, s in sorted(regs.selectors.items()) if s & ~7 == sel and n != "LDT"]
            if sel == 0:
                users = []
            out("0x%02x  %s  %s%s" % (sel, " ".join("0x%016x" % r for r in raw), d.text(),
                                      "  <- " + " ".join(users) if users else ""))


class KTss(gdb.Command):
    """Decode the TSS that TR selects: k-tss

The TR selector and its GDT descriptor, then RSP0-2, IST1-7 (with the
symbols they point into: an IST entry must be the TOP of its stack) and
the I/O map base."""

    def __init__(self):
        super().__init__("k-tss", gdb.COMMAND_USER)

    @target.one_line_errors
    def invoke(self, arg, from_tty):
        regs = target.SystemRegisters.read()
        if regs.tr_selector & ~7 == 0:
            out("TR: 0x0000: no TSS loaded (lab 04 builds one and loads it with ltr)")
            return
        base = regs.tr_base
        out("TR: 0x%04x -> TSS at %s, limit 0x%x (as the CPU cached them at ltr)"
            % (regs.tr_selector, addr_text(base), regs.tr_limit))
        sel = regs.tr_selector & ~7
        if sel + 15 <= regs.gdt_limit:
            d = decode.Descriptor(target.u64(regs.gdt_base + sel), target.u64(regs.gdt_base + sel + 8))
            out("GDT[0x%02x]: %s" % (sel, d.text()))
            if d.base != base:
                out("  ! the descriptor's base differs from TR's cached base")
        else:
            out("  ! selector 0x%x is beyond the GDT limit 0x%x" % (sel, regs.gdt_limit))
        tss = decode.Tss(target.read(base, decode.TSS_SIZE))
        for i, rsp in enumerate(tss.rsp):
            out("RSP%d: %s" % (i, addr_text(rsp) if rsp else "0"))
        for i, ist in enumerate(tss.ist, 1):
            out("IST%d: %s" % (i, addr_text(ist) if ist else "0 (unused)"))
        note = ("past the limit: no I/O permission bitmap" if tss.iomap_base > regs.tr_limit
                else "an I/O permission bitmap starts there")
        out("I/O map base: 0x%x (%s)" % (tss.iomap_base, note))


class KWalk(gdb.Command):
    """Walk the page tables for an address: k-walk ADDRESS

Follows CR3 -> PML4 -> PDPT -> PD -> PT for ADDRESS (any expression, e.g.
$cr2 or &idt_table), printing each entry with its flags, then the
physical address and the effective permissions, or the level where the
walk stops. Handles 2 MiB and 1 GiB pages. Tables are read through the
kernel's direct map (PHYS_MAP_BASE), or with QEMU's xp before it exists."""

    def __init__(self):
        super().__init__("k-walk", gdb.COMMAND_USER)

    @target.one_line_errors
    def invoke(self, arg, from_tty):
        vaddr = target.parse_address(arg, "an address: k-walk ADDRESS")
        f = target.facts()
        cr3 = target.live_reg("cr3")
        idx = ", ".join("%s %d" % (lvl, vaddr >> (39 - 9 * i) & 0x1FF)
                        for i, lvl in enumerate(paging.LEVELS))
        out("0x%016x: %s, offset 0x%03x" % (vaddr, idx, vaddr & 0xFFF))
        out("CR3: 0x%016x -> PML4 at physical 0x%x" % (cr3, cr3 & f["PTE_ADDR_MASK"]))
        w = paging.walk(vaddr, cr3, target.phys_u64, f["PTE_ADDR_MASK"])
        for s in w.steps:
            flags = " ".join(decode.flag_names(s.value, f["pte_bits"]))
            out("%-4s[%3d] @0x%09x = 0x%016x [%s]" % (s.level, s.index, s.entry_addr, s.value, flags))
        if w.phys is None:
            out("=> %s" % w.stop)
            return
        size = {4096: "4 KiB", 2 << 20: "2 MiB", 1 << 30: "1 GiB"}[w.page_size]
        out("=> physical 0x%016x (%s page): %s, %s, %s" % (
            w.phys, size, "writable" if w.writable else "read-only",
            "user" if w.user else "supervisor only", "no-execute" if w.nx else "executable"))


def register():
    for cls in (KIdt, KGdt, KTss, KWalk):
        cls()
