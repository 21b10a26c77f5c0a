"""Trap frames in GDB: finding one, unwinding through the stubs, naming them.

NASM emits line numbers but no call-frame information, so GDB alone cannot
get from trap_common back to the code the CPU interrupted. The unwinder
below does it: for a PC inside trap_common or an isr_stub_N it finds the
struct trap_frame (layout read with gdb.lookup_type, never hard-coded) and
hands GDB the interrupted registers saved in it. The frame filter then
shows that frame as `<trap #PF err=0x2>` in `bt`.

Lab 01 needs neither: GCC describes an __attribute__((interrupt)) handler
in .debug_frame as if it had been called, with the CPU-pushed RIP in the
place of a return address, so `bt` already continues into the
interrupted function (only that frame's RSP is off: GDB takes the address
just above the saved RIP, not the saved RSP).
"""

import bisect
import re

import gdb
from gdb.FrameDecorator import FrameDecorator
from gdb.unwinder import Unwinder, register_unwinder

from . import decode, stubcode, target

MASK64 = (1 << 64) - 1
TRAP_COMMON = "trap_common"
STUB_NAME = re.compile(r"isr_stub_(\d+)$")
OUTERMOST = "long_mode_entry"  # the boot code's first 64-bit frame: nothing below it

# GDB register <- struct trap_frame field
SAVED = [(r, r) for r in ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10",
                          "r11", "r12", "r13", "r14", "r15", "rip", "cs", "rsp", "ss")]
SAVED.append(("eflags", "rflags"))
UNCHANGED = ("ds", "es", "fs", "gs", "fs_base", "gs_base")  # a trap does not touch these


class TrapCode:
    """Address ranges of trap_common and the isr_stub_N in the loaded ELF."""

    def __init__(self, syms):
        starts = sorted(set(syms.addr.values()))
        ranges = []
        for name, start in syms.addr.items():
            m = STUB_NAME.match(name)
            if name != TRAP_COMMON and not m:
                continue
            size = syms.size.get(name, 0)
            if not size:  # a NASM label: it runs up to the next symbol
                i = bisect.bisect_right(starts, start)
                size = (starts[i] if i < len(starts) else start + 1) - start
            ranges.append((start, start + size, int(m.group(1)) if m else None))
        ranges.sort(key=lambda r: r[:2])
        self.ranges = ranges
        self._starts = [r[0] for r in ranges]
        self._insns = {}

    def find(self, pc):
        """(start, end, vector) of the stub holding pc (vector None for trap_common)."""
        i = bisect.bisect_right(self._starts, pc) - 1
        if i >= 0 and pc < self.ranges[i][1]:
            return self.ranges[i]
        return None

    def insns(self, arch, start, end):
        """[(address, asm)] of [start, end), disassembled once."""
        if start not in self._insns:
            self._insns[start] = [(i["addr"], i["asm"]) for i in arch.disassemble(start, end - 1)]
        return self._insns[start]


_trap_code = {}


def trap_code():
    """The TrapCode of the loaded ELF, made once per symbol table."""
    syms = target.symbols()
    if syms not in _trap_code:
        _trap_code.clear()
        _trap_code[syms] = TrapCode(syms)
    return _trap_code[syms]


class Layout:
    """struct trap_frame as the ELF's debug info describes it."""

    def __init__(self, t):
        self.type = t
        self.size = t.sizeof
        self.offset = {f.name: f.bitpos // 8 for f in t.fields()}


_layout = {}


def layout():
    """The Layout of struct trap_frame, or None in a stage without lab 02."""
    key = gdb.current_progspace().filename
    if key not in _layout:
        try:
            _layout[key] = Layout(gdb.lookup_type("struct trap_frame"))
        except gdb.error:
            _layout[key] = None
    return _layout[key]


class TrapLocation:
    """A trap frame found from a PC inside the stubs.

    rsp_offset is RSP minus the frame's address at that PC (None once RSP
    was realigned): fields at or above it are on the stack, the others live
    in their registers (not pushed yet, or popped back). lowest is the
    lowest rsp_offset the code reached: fields from there up were written.
    """

    def __init__(self, addr, rsp_offset, lowest, start, stub_vector, lay, read_reg):
        self.addr, self.rsp_offset, self.lowest, self.start = addr, rsp_offset, lowest, start
        self.stub_vector, self.layout, self._read_reg = stub_vector, lay, read_reg

    def saved(self, field):
        return self.rsp_offset is None or self.layout.offset[field] >= self.rsp_offset

    def value(self, field, register=None):
        """A field from memory once saved, else the live register. The
        stub's own words (vector, error code) have no register: after they
        are popped, memory still holds them; before they are pushed: None."""
        if self.saved(field):
            return target.u64(self.addr + self.layout.offset[field])
        if field in ("vector", "error_code", "link_rip"):
            if self.layout.offset[field] >= self.lowest:
                return target.u64(self.addr + self.layout.offset[field])
            return None
        return self._read_reg(register or {"rflags": "eflags"}.get(field, field))

    @property
    def vector(self):
        if self.stub_vector is not None:
            return self.stub_vector
        return self.value("vector") & 0xFF

    def label(self):
        """'<trap #PF err=0x2>' (or '<trap #BP>' before the error code is pushed)."""
        mnemonic = target.exception_name(self.vector)[0]
        text = "trap %s" % mnemonic if self.vector < 32 else "interrupt 0x%x" % self.vector
        code = self.value("error_code")
        if code is not None:
            text += " err=0x%x" % code
        return "<%s>" % text


def locate(pc, read_reg, arch):
    """The TrapLocation for a frame whose PC is in the stubs, else None."""
    lay = layout()
    if lay is None:
        return None
    code = trap_code().find(pc)
    if code is None:
        return None
    start, end, vector = code
    if vector is None:
        first = lay.offset["vector"]       # trap_common: the stub pushed down to here
    elif vector in decode.ERROR_CODE_VECTORS:
        first = lay.offset["error_code"]   # the CPU pushed an error code
    else:
        first = lay.offset["rip"]
    d, e, lowest = stubcode.track_stack(trap_code().insns(arch, start, end), pc, first)
    if d is not None:
        addr = read_reg("rsp") - d
    elif e is not None:
        addr = read_reg("rbp") - e
    else:
        return None
    return TrapLocation(addr, d, lowest, start, vector, lay, read_reg)


def locate_in_frame(frame):
    """TrapLocation for a gdb.Frame inside the stubs, or None."""
    return locate(frame.pc(), lambda n: int(frame.read_register(n)) & MASK64, frame.architecture())


class _FrameId:
    """What create_unwind_info wants: sp and pc, as gdb.Values (GDB 13)."""

    def __init__(self, sp, pc, arch):
        u64 = arch.integer_type(64, False)
        self.sp, self.pc = gdb.Value(sp).cast(u64), gdb.Value(pc).cast(u64)


class TrapUnwinder(Unwinder):
    """Unwinds a frame inside the trap stubs into the interrupted code."""

    def __init__(self):
        super().__init__("kernel trap frames")
        self.warned = False

    def __call__(self, pending):
        try:
            read = lambda n: int(pending.read_register(n)) & MASK64  # noqa: E731
            loc = locate(read("rip"), read, pending.architecture())
            if loc is None:
                return None
            # The frame's identity: the top of its trap frame, and the stub.
            arch = pending.architecture()
            info = pending.create_unwind_info(_FrameId(loc.addr + loc.layout.size, loc.start, arch))
            for reg, field in SAVED:
                size = pending.read_register(reg).type.sizeof
                value = loc.value(field, reg) & ((1 << 8 * size) - 1)
                info.add_saved_register(reg, gdb.Value(value).cast(arch.integer_type(8 * size, False)))
            for reg in UNCHANGED:
                info.add_saved_register(reg, pending.read_register(reg))
            return info
        except (gdb.error, gdb.MemoryError, target.HelperError, KeyError):
            return None
        except Exception as e:  # noqa: BLE001 - a bug here must not break every bt
            if not self.warned:
                self.warned = True
                gdb.write("kernel unwinder failed (%s: %s); bt may stop at the trap stubs\n"
                          % (type(e).__name__, e), gdb.STDERR)
            return None


class _Arg:
    """A frame argument for FrameDecorator.frame_args."""

    def __init__(self, name, value):
        self._name, self._value = name, value

    def symbol(self):
        return self._name

    def value(self):
        return self._value


class TrapDecorator(FrameDecorator):
    """Shows a stub frame as `<trap #PF err=0x2> (tf=0x...)`."""

    def __init__(self, base, loc):
        super().__init__(base)
        self._loc = loc

    def function(self):
        return self._loc.label()

    def frame_args(self):
        ptr = gdb.Value(self._loc.addr).cast(self._loc.layout.type.pointer())
        return [_Arg("tf", ptr)]


class InterruptedDecorator(FrameDecorator):
    """The frame a trap interrupted, named by its exact PC.

    GDB looks a caller frame up at PC - 1, because a return address follows
    its call. A trap's saved RIP is no return address: it is the faulting
    instruction itself (or the one after int3), possibly the first of its
    function, so PC - 1 can name the line before or the function before.
    """

    def __init__(self, base):
        super().__init__(base)
        self._pc = base.inferior_frame().pc()
        block = gdb.block_for_pc(self._pc)
        while block is not None and block.function is None:
            block = block.superblock
        self._function = block.function if block is not None else None

    def function(self):
        if self._function is not None:
            return self._function.print_name
        return super().function()

    def frame_args(self):
        gdb_function = self.inferior_frame().function()
        if self._function is not None and (gdb_function is None or _start(gdb_function) != _start(self._function)):
            return None  # GDB's arguments would be those of the function before
        return super().frame_args()

    def line(self):
        sal = gdb.find_pc_line(self._pc)
        return sal.line if sal.symtab is not None else super().line()


def _start(function_symbol):
    return int(function_symbol.value().address)


def is_interrupt_handler(frame):
    """Lab 01: a function whose first parameter is a struct interrupt_frame *."""
    func = frame.function()
    try:
        params = func.type.fields() if func is not None else []
    except TypeError:
        return False
    if not params:
        return False
    t = params[0].type.strip_typedefs()
    return t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "interrupt_frame"


class TrapFrameFilter:
    """Names trap frames in `bt`, names interrupted frames by their exact
    PC, and ends the listing at the boot entry."""

    def __init__(self):
        self.name = "kernel-traps"
        self.priority = 100
        self.enabled = True

    def filter(self, frames):
        after_trap = interrupted = False
        frame = None
        for dec in frames:
            frame = dec.inferior_frame()
            interrupted = after_trap
            try:
                loc = locate_in_frame(frame)
                if loc is not None:
                    dec = TrapDecorator(dec, loc)
                elif after_trap:
                    dec = InterruptedDecorator(dec)
                after_trap = loc is not None or is_interrupt_handler(frame)
            except (gdb.error, gdb.MemoryError, target.HelperError):
                after_trap = False
            yield dec
            if (frame.name() or "").startswith(OUTERMOST):  # GDB may say long_mode_entry[halt]
                return
        if interrupted and frame.unwind_stop_reason() == gdb.FRAME_UNWIND_INNER_ID:
            gdb.write("(bt ends here: the handler ran on another stack, above this one in memory, "
                      "and GDB takes that for a corrupt stack. k-bt follows the frame pointers on.)\n")


def register():
    register_unwinder(None, TrapUnwinder(), replace=True)
    gdb.frame_filters["kernel-traps"] = TrapFrameFilter()
    gdb.invalidate_cached_frames()
