"""k-frame, k-bt and $k_tf(): the trap frame of the handler you stopped in.

One gdb.Command (or gdb.Function) class each; the docstring is the help text.
"""

import struct

import gdb

from . import decode, frames, target
from .target import HelperError, addr_text, out


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

    Returns (kind, address, gdb.Frame, TrapLocation or None): kind "trap"
    for a struct trap_frame (found from a stub frame, which also gives the
    TrapLocation, or from a `struct trap_frame *` argument), "cpu" for lab
    01's struct interrupt_frame argument. None if there is none.
    """
    frame = gdb.selected_frame()
    while frame is not None:
        loc = frames.locate_in_frame(frame)
        if loc is not None:
            return "trap", loc.addr, frame, loc
        block = _function_args_block(frame)
        for sym in block or ():
            if not sym.is_argument:
                continue
            for kind, tag in (("trap", "trap_frame"), ("cpu", "interrupt_frame")):
                if _pointer_to(sym.type, tag):
                    return kind, int(sym.value(frame)) & frames.MASK64, frame, None
        frame = frame.older()
    return None


def _trap_field_reader(addr, loc):
    """field -> value; inside a stub, fields not pushed yet come from the CPU."""
    if loc is not None:
        return loc.value
    tf = gdb.Value(addr).cast(frames.layout().type.pointer()).dereference()
    return lambda field: int(tf[field]) & frames.MASK64


def _print_trap_frame(addr, loc=None):
    lay = frames.layout()
    get = _trap_field_reader(addr, loc)
    vector = loc.vector if loc is not None else get("vector")
    out("trap frame at %s (struct trap_frame, %d bytes)" % (addr_text(addr), lay.size))
    out(_vector_title(vector))
    code = get("error_code")
    if code is None:
        out("error code: %s" % ("not pushed yet" if vector not in decode.ERROR_CODE_VECTORS
                                else "pushed by the CPU, but not found"))
    elif vector in decode.ERROR_CODE_VECTORS:
        out(_error_line(vector, code))
    else:
        out("error code: none for this vector (the stub pushed 0x%x in its place)" % code)
    if vector == 14:
        out("CR2: 0x%016x (the address that faulted; CR2 is live, a later #PF replaces it)"
            % target.live_reg("cr2"))
    _print_iret(get("rip"), get("cs"), get("rflags"), get("rsp"), get("ss"))
    for line in _gpr_lines(get):
        out(line)


def _print_iret(rip, cs, rflags, rsp, ss):
    out("RIP: %04x:%s" % (cs & 0xFFFF, addr_text(rip)))
    out("RSP: %04x:%s" % (ss & 0xFFFF, addr_text(rsp)))
    out("RFLAGS: 0x%08x %s" % (rflags, decode.rflags_text(rflags)))


def _print_cpu_frame(addr, frame):
    """Lab 01: the five words the CPU pushed, and which gate led here."""
    rip, cs, rflags, rsp, ss = struct.unpack("<5Q", target.read(addr, 40))
    func = frame.function()
    handler = int(func.value().address) if func else None
    out("CPU frame at %s (struct interrupt_frame, pushed by the CPU)%s"
        % (addr_text(addr), " for %s" % func.name if func else ""))
    vectors = []
    if handler is not None:
        _, gates = target.read_gates()
        vectors = [v for v, g in enumerate(gates) if g.present and g.offset == handler]
    for v in vectors:
        out("%s (IDT gate %d points at %s)" % (_vector_title(v), v, func.name))
    if handler is not None and not vectors:
        out("no IDT gate points at %s" % func.name)
    args = [s for s in _function_args_block(frame) or () if s.is_argument]
    if len(args) > 1 and vectors:  # handler(frame, error_code)
        out(_error_line(vectors[0], int(args[1].value(frame)) & frames.MASK64))
    if 14 in vectors:
        out("CR2: 0x%016x" % target.live_reg("cr2"))
    _print_iret(rip, cs, rflags, rsp, ss)
    out("(lab 01 keeps the other registers in the handler's own stack frame: "
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

    @target.one_line_errors
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
        kind, addr, frame, loc = found
        if kind == "trap":
            _print_trap_frame(addr, loc)
        else:
            _print_cpu_frame(addr, frame)


def _function_at(pc):
    """(name, file, line) of the code at pc, from the debug info or the symbols."""
    block = gdb.block_for_pc(pc)
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None:
        name = block.function.print_name
    else:
        where = target.describe(pc)
        name = where[1:-1].split("+")[0] if where else "??"
    sal = gdb.find_pc_line(pc)
    return name, sal.symtab.filename if sal.symtab else None, sal.line


def _interrupted_context():
    """(rip, rbp) of the code the nearest trap interrupted."""
    found = find_frame()
    if found is None:
        raise HelperError("no trap frame in the selected frame or its callers (see k-frame)")
    kind, addr, frame, loc = found
    if kind == "trap":
        get = _trap_field_reader(addr, loc)
        return get("rip"), get("rbp")
    # Lab 01: the CPU frame has RIP; the handler saved RBP (GDB's CFI knows where).
    rip = target.u64(addr)
    older = frame.older()
    return rip, (target.reg("rbp", older) if older is not None else 0)


class KBt(gdb.Command):
    """Backtrace of the interrupted code, by frame pointers: k-bt [COUNT]

Starts at the RIP and RBP saved in the nearest trap frame (as k-frame
finds it) and follows the chain of saved RBPs, as the call trace of a
report does (the kernel is built with frame pointers). Use it where GDB's
own bt stops: in lab 04 the #DF handler runs on the IST stack, which lies
above the interrupted stack in memory, and GDB takes a frame below the
one before it for a corrupt stack. A recursion is counted, not listed."""

    def __init__(self):
        super().__init__("k-bt", gdb.COMMAND_USER)

    @target.one_line_errors
    def invoke(self, arg, from_tty):
        try:
            limit = int(arg) if arg.strip() else 10000
        except ValueError:
            raise HelperError("usage: k-bt [COUNT]") from None
        rip, rbp = _interrupted_context()
        pcs = [rip]
        while rbp and len(pcs) < limit:
            try:
                next_rbp, ret = target.u64(rbp), target.u64(rbp + 8)
            except HelperError:
                break
            if not ret:
                break
            pcs.append(ret)
            if next_rbp <= rbp:  # the chain must go up the stack; 0 ends it (boot code)
                break
            rbp = next_rbp
        i = 0
        while i < len(pcs):
            run = 1
            while i + run < len(pcs) and pcs[i + run] == pcs[i]:
                run += 1
            # A return address is the instruction after a call: look it up
            # at pc - 1. The interrupted RIP (i == 0) is exact.
            name, filename, line = _function_at(pcs[i] if i == 0 else pcs[i] - 1)
            where = " at %s:%d" % (filename, line) if filename else ""
            out("#%-3d 0x%016x in %s ()%s" % (i, pcs[i], name, where))
            if run > 2:
                out("     ... the same %d more times (a recursion)" % (run - 1))
                i += run
            else:
                i += 1
        if len(pcs) >= limit:
            out("(more frames: k-bt COUNT)")


class KTrapFrame(gdb.Function):
    """$k_tf(): a typed pointer to the trap frame k-frame would decode.

`p *$k_tf()`, `p/x $k_tf()->error_code`, `x/23gx $k_tf()` work in any
frame from the handler up to the stub frame. In lab 01 it is the handler's
struct interrupt_frame *."""

    def __init__(self):
        super().__init__("k_tf")

    @target.one_line_errors
    def invoke(self):
        found = find_frame()
        if found is None:
            raise HelperError("no trap frame in the selected frame or its callers")
        kind, addr = found[:2]
        tag = "struct trap_frame" if kind == "trap" else "struct interrupt_frame"
        return gdb.Value(addr).cast(gdb.lookup_type(tag).pointer())


def register():
    for cls in (KFrame, KBt, KTrapFrame):
        cls()
