"""The k-* commands: one gdb.Command class each; the docstring is the help text.

`help user-defined` lists them. Every error is one line (target.HelperError).
"""

import struct

import gdb

from . import decode, frames, paging, target
from .target import HelperError, addr_text


def _out(text=""):
    gdb.write(text + "\n")


def _vector_title(vector):
    mnemonic, name = target.exception_name(vector)
    return "vector %d: %s %s" % (vector, mnemonic, name)


def _error_line(vector, code):
    words = decode.error_code_text(vector, code)
    return "error code: 0x%04x%s" % (code, " " + words if words else "")


def _gpr_lines(get):
    """Registers three a line, in the order Linux's __show_regs prints them."""
    order = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
             "r10", "r11", "r12", "r13", "r14", "r15"]
    lines = []
    for i in range(0, len(order), 3):
        lines.append(" ".join("%-4s 0x%016x" % (r.upper() + ":", get(r)) for r in order[i:i + 3]))
    return lines


def _function_args_block(frame):
    try:
        block = frame.block()
    except RuntimeError:
        return None
    while block is not None and block.function is None:
        block = block.superblock
    return block


def _pointer_to(sym_type, tag):
    t = sym_type.strip_typedefs()
    return t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == tag


def find_frame():
    """The trap frame nearest to the selected frame, looking outwards.

    Returns ("trap", address, gdb.Frame) for a struct trap_frame (from a
    stub frame or a `struct trap_frame *` argument), ("cpu", address,
    gdb.Frame) for lab 01's struct interrupt_frame argument, or None.
    """
    frame = gdb.selected_frame()
    while frame is not None:
        loc = frames.locate_in_frame(frame)
        if loc is not None:
            return "trap", loc.addr, frame
        block = _function_args_block(frame)
        for sym in block or ():
            if not sym.is_argument:
                continue
            for kind, tag in (("trap", "trap_frame"), ("cpu", "interrupt_frame")):
                if _pointer_to(sym.type, tag):
                    return kind, int(sym.value(frame)) & frames.MASK64, frame
        frame = frame.older()
    return None


def _print_trap_frame(addr):
    lay = frames.layout()
    tf = gdb.Value(addr).cast(lay.type.pointer()).dereference()
    get = lambda field: int(tf[field]) & frames.MASK64  # noqa: E731
    vector = get("vector")
    _out("trap frame at %s (struct trap_frame, %d bytes)" % (addr_text(addr), lay.size))
    _out(_vector_title(vector))
    if vector in decode.ERROR_CODE_VECTORS:
        _out(_error_line(vector, get("error_code")))
    else:
        _out("error code: none for this vector (the stub pushed 0x%x in its place)" % get("error_code"))
    if vector == 14:
        _out("CR2: 0x%016x (the address that faulted; CR2 is live, a later #PF replaces it)"
             % target.live_reg("cr2"))
    _print_iret(get("rip"), get("cs"), get("rflags"), get("rsp"), get("ss"))
    for line in _gpr_lines(get):
        _out(line)


def _print_iret(rip, cs, rflags, rsp, ss):
    _out("RIP: %04x:%s" % (cs & 0xFFFF, addr_text(rip)))
    _out("RSP: %04x:%s" % (ss & 0xFFFF, addr_text(rsp)))
    _out("RFLAGS: 0x%08x %s" % (rflags, decode.rflags_text(rflags)))


def _gates():
    """(IDTR, [Gate]) for every gate inside IDTR's limit."""
    regs = target.SystemRegisters.read()
    if regs.idt_base == 0:
        raise HelperError("IDTR: base 0x0 limit 0x%x, the CPU's reset value: no IDT loaded yet "
                          "(lab 01's idt_load runs from the lab init functions kmain calls)" % regs.idt_limit)
    count = min(256, (regs.idt_limit + 1) // 16)
    raw = target.read(regs.idt_base, 16 * count) if count else b""
    return regs, [decode.Gate(raw[16 * v:16 * v + 16]) for v in range(count)]


def _print_cpu_frame(addr, frame):
    """Lab 01: the five words the CPU pushed, and which gate led here."""
    rip, cs, rflags, rsp, ss = struct.unpack("<5Q", target.read(addr, 40))
    func = frame.function()
    handler = int(func.value().address) if func else None
    _out("CPU frame at %s (struct interrupt_frame, pushed by the CPU)%s"
         % (addr_text(addr), " for %s" % func.name if func else ""))
    vectors = []
    if handler is not None:
        _, gates = _gates()
        vectors = [v for v, g in enumerate(gates) if g.present and g.offset == handler]
    for v in vectors:
        _out("%s (IDT gate %d points at %s)" % (_vector_title(v), v, func.name))
    if handler is not None and not vectors:
        _out("no IDT gate points at %s" % func.name)
    args = [s for s in _function_args_block(frame) or () if s.is_argument]
    if len(args) > 1 and vectors:  # handler(frame, error_code)
        _out(_error_line(vectors[0], int(args[1].value(frame)) & frames.MASK64))
    if 14 in vectors:
        _out("CR2: 0x%016x" % target.live_reg("cr2"))
    _print_iret(rip, cs, rflags, rsp, ss)
    _out("(lab 01 keeps the other registers in the handler's own stack frame: "
         "`info registers` in the frame above shows them)")


class KFrame(gdb.Command):
    """Decode the current trap frame: k-frame [ADDRESS]

Finds the struct trap_frame nearest to the selected frame (a stub frame,
or a `struct trap_frame *` argument of the selected frame or a caller) and
prints the vector, the error code in words (for #PF the P/W/U/RSVD/I
flags and CR2), RIP, RSP, RFLAGS and all general registers.
With ADDRESS (any expression), decodes the frame at that address.
In lab 01 it decodes the handler's struct interrupt_frame instead."""

    def __init__(self):
        super().__init__("k-frame", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if arg.strip():
            addr = target.parse_address(arg)
            if frames.layout() is not None:
                _print_trap_frame(addr)
            else:
                _print_cpu_frame(addr, gdb.selected_frame())
            return
        found = find_frame()
        if found is None:
            raise HelperError("no trap frame in the selected frame or its callers: stop in a "
                              "handler (break trap_dispatch), or give an address: k-frame ADDR")
        kind, addr, frame = found
        if kind == "trap":
            _print_trap_frame(addr)
        else:
            _print_cpu_frame(addr, frame)


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
        raise HelperError("vectors are 0-255")
    return list(range(lo, hi + 1)), False


class KIdt(gdb.Command):
    """Decode IDT gates from IDTR: k-idt [VECTOR | LOW-HIGH]

For each gate: the handler offset with its symbol, the code selector, the
gate type, DPL, IST index and the present bit, and what would make the
CPU reject it. Without an argument: the 32 exception vectors and a count
of the other present gates. IDTR comes from QEMU (monitor info registers)."""

    def __init__(self):
        super().__init__("k-idt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        regs, gates = _gates()
        vectors, default = _vector_range(arg, 256)
        _out("IDTR: base %s limit 0x%04x (%d gates)" % (
            addr_text(regs.idt_base), regs.idt_limit, (regs.idt_limit + 1) // 16))
        codes = target.code_selectors(regs.gdt_base, regs.gdt_limit)
        _out("vec  name  offset                                        sel   type            dpl ist P")
        for v in vectors:
            if v >= len(gates):
                _out("%3d  beyond the IDT limit" % v)
                continue
            g = gates[v]
            name = target.exception_name(v)[0] if v < 32 else ""
            if not g.present and g.lo == 0 and g.hi == 0:
                _out("%3d  %-5s (empty, not present)" % (v, name))
                continue
            _out("%3d  %-5s %-45s 0x%02x  %-15s %d   %d   %d" % (
                v, name, addr_text(g.offset), g.selector, g.type_name, g.dpl, g.ist, g.present))
            for problem in g.problems(codes):
                _out("     ! %s" % problem)
        if default and len(gates) > 32:
            n = sum(g.present for g in gates[32:])
            _out("vectors 32-%d: %d present (k-idt 32-%d lists them)" % (len(gates) - 1, n, len(gates) - 1))


def _descriptors(regs):
    """[(selector, Descriptor, raw qwords)] for the GDT within GDTR's limit."""
    out, sel = [], 0
    while sel + 7 <= regs.gdt_limit:
        low = target.u64(regs.gdt_base + sel)
        high = target.u64(regs.gdt_base + sel + 8) if sel + 15 <= regs.gdt_limit else 0
        d = decode.Descriptor(low, high)
        out.append((sel, d, [low, high][:d.slots]))
        sel += 8 * d.slots
    return out


class KGdt(gdb.Command):
    """Decode the GDT from GDTR: k-gdt

Each descriptor with its selector, raw value, kind (code 64-bit, data,
TSS...), base, limit and DPL, and which segment registers use it now.
A TSS descriptor fills two 8-byte slots. GDTR comes from QEMU."""

    def __init__(self):
        super().__init__("k-gdt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        regs = target.SystemRegisters.read()
        _out("GDTR: base %s limit 0x%04x (%d slots)" % (
            addr_text(regs.gdt_base), regs.gdt_limit, (regs.gdt_limit + 1) // 8))
        for sel, d, raw in _descriptors(regs):
            users = [n for n, s in sorted(regs.selectors.items()) if s & ~7 == sel and n != "LDT"]
            if sel == 0:
                users = []
            _out("0x%02x  %s  %s%s" % (sel, " ".join("0x%016x" % r for r in raw), d.text(),
                                       "  <- " + " ".join(users) if users else ""))


class KTss(gdb.Command):
    """Decode the TSS that TR selects: k-tss

The TR selector and its GDT descriptor, then RSP0-2, IST1-7 (with the
symbols they point into: an IST entry must be the TOP of its stack) and
the I/O map base."""

    def __init__(self):
        super().__init__("k-tss", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        regs = target.SystemRegisters.read()
        if regs.tr_selector & ~7 == 0:
            _out("TR: 0x0000: no TSS loaded (lab 04 builds one and loads it with ltr)")
            return
        base = regs.tr_base
        _out("TR: 0x%04x -> TSS at %s, limit 0x%x (as the CPU cached them at ltr)"
             % (regs.tr_selector, addr_text(base), regs.tr_limit))
        sel = regs.tr_selector & ~7
        if sel + 15 <= regs.gdt_limit:
            d = decode.Descriptor(target.u64(regs.gdt_base + sel), target.u64(regs.gdt_base + sel + 8))
            _out("GDT[0x%02x]: %s" % (sel, d.text()))
            if d.base != base:
                _out("  ! the descriptor's base differs from TR's cached base")
        else:
            _out("  ! selector 0x%x is beyond the GDT limit 0x%x" % (sel, regs.gdt_limit))
        tss = decode.Tss(target.read(base, decode.TSS_SIZE))
        for i, rsp in enumerate(tss.rsp):
            _out("RSP%d: %s" % (i, addr_text(rsp) if rsp else "0"))
        for i, ist in enumerate(tss.ist, 1):
            _out("IST%d: %s" % (i, addr_text(ist) if ist else "0 (unused)"))
        note = ("past the limit: no I/O permission bitmap" if tss.iomap_base > regs.tr_limit
                else "an I/O permission bitmap starts there")
        _out("I/O map base: 0x%x (%s)" % (tss.iomap_base, note))


class KWalk(gdb.Command):
    """Walk the page tables for an address: k-walk ADDRESS

Follows CR3 -> PML4 -> PDPT -> PD -> PT for ADDRESS (any expression, e.g.
$cr2 or &idt_table), printing each entry with its flags, then the
physical address and the effective permissions, or the level where the
walk stops. Handles 2 MiB and 1 GiB pages. Tables are read through the
kernel's direct map (PHYS_MAP_BASE), or with QEMU's xp before it exists."""

    def __init__(self):
        super().__init__("k-walk", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        vaddr = target.parse_address(arg, "an address: k-walk ADDRESS")
        f = target.facts()
        cr3 = target.live_reg("cr3")
        idx = ", ".join("%s %d" % (lvl, vaddr >> (39 - 9 * i) & 0x1FF)
                        for i, lvl in enumerate(paging.LEVELS))
        _out("0x%016x: %s, offset 0x%03x" % (vaddr, idx, vaddr & 0xFFF))
        _out("CR3: 0x%016x -> PML4 at physical 0x%x" % (cr3, cr3 & f["PTE_ADDR_MASK"]))
        w = paging.walk(vaddr, cr3, target.phys_u64, f["PTE_ADDR_MASK"])
        for s in w.steps:
            flags = " ".join(decode.flag_names(s.value, f["pte_bits"]))
            _out("%-4s[%3d] @0x%09x = 0x%016x [%s]" % (s.level, s.index, s.entry_addr, s.value, flags))
        if w.phys is None:
            _out("=> %s" % w.stop)
            return
        size = {4096: "4 KiB", 2 << 20: "2 MiB", 1 << 30: "1 GiB"}[w.page_size]
        _out("=> physical 0x%016x (%s page): %s, %s, %s" % (
            w.phys, size, "writable" if w.writable else "read-only",
            "user" if w.user else "supervisor only", "no-execute" if w.nx else "executable"))


def register():
    for cls in (KFrame, KIdt, KGdt, KTss, KWalk):
        cls()
