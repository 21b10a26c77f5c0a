"""Lab 04 - double faults: GDT, TSS, IST, surviving a kernel stack overflow (100 points)."""

from kgrade import patterns as P
from kgrade.seed import value_range
from kgrade.spec import Lab

lab = Lab(4, "double-fault", "Double faults: GDT, TSS, IST, and surviving a kernel stack overflow")

KCODE, KDATA, TSS_SEL = 0x08, 0x10, 0x18  # our GDT (solutions/04-double-fault/gdt.h)
GDT_BYTES = 5 * 8                         # null, code, data, 16-byte TSS descriptor
PAGE = 4096

HEX = r"0x[0-9a-f]+"

# The #DF report's own lines (exc_double_fault), then the frame.
DF_REPORT = [P.header(8),
             r"^PANIC: double fault, error_code: (?P<error>0x[0-9a-f]+)$",
             r"^#DF: handler stack (?P<df_rsp>0x[0-9a-f]{16}) \((?P<df_stack>[^)]*)\)$",
             P.rip(), P.rsp()]


def stack_range(r, name):
    """[bottom, top) of a GUARDED_STACK: the symbol covers its guard page too."""
    return r.sym[name] + PAGE, r.sym.end(name)


def check_df_report(r):
    r.equal(r.hex("error"), 0, "#DF error code (always zero)")


def check_on_ist_stack(r):
    lo, hi = stack_range(r, "double_fault_stack")
    rsp = r.hex("df_rsp")
    r.require(lo <= rsp < hi, "#DF handler stack %#x is not inside double_fault_stack [%#x, %#x): "
              "the CPU did not switch to IST 1" % (rsp, lo, hi))


def escalated(r, first, second, match=lambda i: True):
    """The delivery of `first` from kernel code (one that `match` accepts) after
    which QEMU's log shows `second` raised while delivering it, then a #DF
    delivered; None if there is no such chain."""
    lo, hi = r.sym.kernel_range
    return r.log.escalation(first, second, match, lo, hi)


# ---- missing_handler ----

def unmapped_address(seed):
    """The address the scenario writes to (unmapped_address() in C)."""
    return (value_range(seed, 0, 1 << 20, (1 << 27) - 1) << 12) | (value_range(seed, 1, 0, 511) << 3)


def check_missing_handler(r):
    addr = unmapped_address(r.seed)
    insn = r.sym["lab4_write_insn"]
    r.equal(r.hex("addr"), addr, "address written (seed-derived)")
    check_df_report(r)
    r.equal(r.hex("rip"), insn, "RIP in the #DF frame (the faulting write)")
    r.require(escalated(r, 14, 11, lambda i: i.rip == insn and i.cr2 == addr),
              "QEMU's log does not show #PF at %#x, then #NP (the gate is not present), then #DF"
              % insn)


lab.test("missing_handler", 20,
         description="#PF gate not present + write to an unmapped address: #PF, #NP, caught #DF, error 0",
         expect=[r"^#PF gate cleared; writing to (?P<addr>0x[0-9a-f]{16})$"] + DF_REPORT + [r"^\[ok\]$"],
         check=check_missing_handler)


# ---- gdt_loaded ----

def desc_line(what, sel, prefix):
    return (r"^%s 0x%02x: raw=(?P<%sraw>0x[0-9a-f]{16}) base=(?P<%sbase>%s) limit=(?P<%slimit>%s) "
            r"access=(?P<%saccess>0x[0-9a-f]{2}) flags=(?P<%sflags>0x[0-9a-f])$" % (
                what, sel, prefix, prefix, HEX, prefix, HEX, prefix, prefix))


def check_gdt_loaded(r):
    r.equal(r.hex("base"), r.sym["gdt_table"], "GDTR base (the address of gdt_table)")
    r.equal(r.hex("limit"), GDT_BYTES - 1, "GDTR limit (5 slots of 8 bytes, minus one)")
    r.equal(r.hex("cs"), KCODE, "CS (reloaded with the kernel code selector)")
    r.equal(r.hex("ds"), KDATA, "DS")
    r.equal(r.hex("ss"), KDATA, "SS")
    # Accessed bits (access bit 0) may be set by the CPU: not compared.
    r.equal(r.hex("code_access") & 0xF8, 0x98, "code descriptor: present, DPL 0, code segment (access & 0xf8)")
    r.equal(r.hex("code_flags") & 0x6, 0x2, "code descriptor flags: L = 1 (64-bit), D = 0")
    r.equal(r.hex("data_access") & 0xFA, 0x92, "data descriptor: present, DPL 0, writable data (access & 0xfa)")


lab.test("gdt_loaded", 15, description="sgdt gives gdt_table and limit 39; CS 0x08, DS/SS 0x10; code/data descriptors",
         expect=[r"^GDTR: base=(?P<base>0x[0-9a-f]{16}) limit=(?P<limit>0x[0-9a-f]{4})$",
                 r"^CS: (?P<cs>0x[0-9a-f]{4}) DS: (?P<ds>0x[0-9a-f]{4}) SS: (?P<ss>0x[0-9a-f]{4})$",
                 desc_line("GDT", KCODE, "code_"), desc_line("GDT", KDATA, "data_")],
         check=check_gdt_loaded)


# ---- tss_loaded ----

def check_tss_loaded(r):
    r.equal(r.hex("tr"), TSS_SEL, "TR (str: the selector ltr loaded)")
    tss = r.sym["kernel_tss"]
    r.equal(r.hex("tss_full"), tss, "TSS descriptor base, all 64 bits (the address of kernel_tss)")
    r.equal(r.hex("tss_limit"), r.sym.end("kernel_tss") - tss - 1, "TSS descriptor limit (sizeof(kernel_tss) - 1)")
    r.equal(r.hex("tss_access"), 0x8B, "TSS descriptor access byte (present, DPL 0, system, type 0xB: "
            "a 64-bit TSS that ltr marked busy)")
    r.equal(r.hex("tss_flags") & 0x8, 0, "TSS descriptor G flag (the limit counts bytes)")
    r.equal(r.hex("high") >> 32, 0, "TSS descriptor bits 96-127 (reserved)")


lab.test("tss_loaded", 15, description="str gives 0x18; its descriptor decodes to kernel_tss, limit 103, busy TSS",
         expect=[r"^TR: (?P<tr>0x[0-9a-f]{4})$", desc_line("TSS", TSS_SEL, "tss_"),
                 r"^TSS 0x18: base=(?P<tss_full>0x[0-9a-f]{16}) high=(?P<high>0x[0-9a-f]{16})$"],
         check=check_tss_loaded)


# ---- ist_set ----

def check_ist_set(r):
    r.equal(r.int("g_ist"), 1, "gate 8 IST field (hardware IST numbers are 1-7)")
    r.equal(r.hex("g_sel"), KCODE, "gate 8 selector")
    r.equal(r.hex("g_offset"), r.sym["isr_stub_8"], "gate 8 offset (isr_stub_8)")
    r.equal(r.int("g_present"), 1, "gate 8 present bit")
    top = r.sym.end("double_fault_stack")
    r.equal(r.hex("ist1"), top, "IST1 in the live TSS (the top of double_fault_stack)")
    r.equal(r.hex("ist1") % 16, 0, "IST1 alignment (16 bytes)")
    r.require(r.hex("iomap") >= r.sym.end("kernel_tss") - r.sym["kernel_tss"],
              "I/O map base %#x lies inside the TSS: it must be >= its size (no I/O bitmap)" % r.hex("iomap"))


lab.test("ist_set", 15, description="IST1 of the live TSS = top of double_fault_stack; gate 8 uses IST 1",
         expect=[r"^gate 8: offset=(?P<g_offset>0x[0-9a-f]{16}) selector=(?P<g_sel>0x[0-9a-f]{4}) "
                 r"ist=(?P<g_ist>\d) present=(?P<g_present>\d)$",
                 r"^IST1: (?P<ist1>0x[0-9a-f]{16})$", r"^IOMAP base: (?P<iomap>0x[0-9a-f]{4})$"],
         check=check_ist_set)


# ---- stack_overflow ----

def check_stack_overflow(r):
    guard = r.sym["kernel_stack"]
    bottom, top = stack_range(r, "kernel_stack")
    r.equal(r.hex("guard"), guard, "guard page of kernel_stack")
    r.equal((r.hex("bottom"), r.hex("top")), (bottom, top), "kernel_stack range")
    check_df_report(r)
    check_on_ist_stack(r)
    fn = r.sym["overflow_recurse"]
    r.require(fn <= r.hex("rip") < r.sym.end("overflow_recurse"),
              "RIP in the #DF frame %#x is not in overflow_recurse" % r.hex("rip"))
    r.require(guard <= r.hex("rsp") < bottom,
              "RSP in the #DF frame %#x is not in the guard page [%#x, %#x)" % (r.hex("rsp"), guard, bottom))
    r.require(escalated(r, 14, 14, lambda i: i.cr2 is not None and guard <= i.cr2 < bottom),
              "QEMU's log does not show a #PF with CR2 in kernel_stack's guard page [%#x, %#x), "
              "a second #PF while delivering it, then #DF" % (guard, bottom))


lab.test("stack_overflow", 25,
         description="recursion into the guard page: #PF, #PF, then #DF handled on the IST stack, [ok]",
         expect=[r"^running on kernel_stack: guard page (?P<guard>0x[0-9a-f]{16}), "
                 r"stack (?P<bottom>0x[0-9a-f]{16})-(?P<top>0x[0-9a-f]{16})$"] + DF_REPORT + [r"^\[ok\]$"],
         check=check_stack_overflow)


# ---- breakpoint_after_gdt ----

def check_breakpoint(r):
    after = r.sym["lab4_bp_return"]
    r.equal(r.hex("cs_now"), KCODE, "CS before int3")
    r.equal(r.hex("cs"), KCODE, "CS in the #BP frame")
    r.equal(r.hex("rip"), after, "reported RIP (the instruction after int3)")
    r.witness(3, rip=after - 1)


lab.test("breakpoint_after_gdt", 10, description="int3 after the switch: report with CS 0x08, then it returns",
         expect=[r"^CS: (?P<cs_now>0x[0-9a-f]{4}) TR: 0x[0-9a-f]{4}$", P.header(3), P.rip(), P.rsp(),
                 r"^It did not crash!$"],
         check=check_breakpoint)
