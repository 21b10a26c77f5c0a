"""Lab 04 - double faults: GDT, TSS, IST, surviving a kernel stack overflow (100 points)."""

import re

from kgrade import patterns as P
from kgrade.seed import derive, value_range
from kgrade.spec import Lab
from kgrade.x86model import SEG_FIELDS, segment

lab = Lab(4, "double-fault", "Double faults: GDT, TSS, IST, and surviving a kernel stack overflow")

KCODE, KDATA, TSS_SEL = 0x08, 0x10, 0x18  # our GDT (solutions/04-double-fault/gdt.h)
BOOT_CS = 0x18                            # the boot GDT's 64-bit code (common/include/boot.h)
GDT_BYTES = 5 * 8                         # null, code, data, 16-byte TSS descriptor
PAGE = 4096
IST_AREA = PAGE                           # IST1 may lie this far below the stack's top


def compare_descriptor(r, got, want, what):
    """Field by field, each wrong field named; True if all agree."""
    ok = True
    for name, lo, width in SEG_FIELDS:
        mask = (1 << width) - 1
        ok &= r.equal(got >> lo & mask, want >> lo & mask,
                      "%s %s (descriptor bits %d-%d)" % (what, name, lo, lo + width - 1))
    return ok


CODE_DESC = segment(0, 0xFFFFF, 0x9A, 0xA)   # present, S, exec, readable; L, G
DATA_DESC = segment(0, 0xFFFFF, 0x92, 0xC)   # present, S, writable; D/B, G
ACCESSED = 1 << 40                           # the CPU may set it: never compared

HEX = r"0x[0-9a-f]+"

# The #DF report's own lines (exc_double_fault), then the frame.
DF_REPORT = [P.header(8),
             r"^PANIC: double fault, error_code: (?P<error>0x[0-9a-f]+)$",
             r"^#DF: handler stack (?P<df_rsp>0x[0-9a-f]{16}) \((?P<df_stack>[^)]*)\)$",
             P.rip(), P.rsp()]


def stack_range(r, name):
    """[bottom, top) of a GUARDED_STACK: the symbol covers its guard page too."""
    return r.sym[name] + PAGE, r.sym.end(name)


def stack_named(r, addr):
    """The GUARDED_STACK whose usable range holds addr, as stack_find() names it."""
    for name in r.sym.addr:
        if name.endswith("_region") and name[:-len("_region")] in r.sym:
            lo, hi = stack_range(r, name[:-len("_region")])
            if lo <= addr < hi:
                return name[:-len("_region")]
    return "unknown stack"


def check_df_report(r):
    r.equal(r.hex("error"), 0, "#DF error code (always zero)")
    r.equal(r.v.get("df_stack"), stack_named(r, r.hex("df_rsp")),
            "name of the stack the handler runs on (the one holding %#x, its own RSP)" % r.hex("df_rsp"))


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


lab.test("missing_handler", 15,
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
    r.equal(r.hex("ss"), KDATA, "SS (reloaded with the kernel data selector)")
    for reg in ("ds", "es", "fs", "gs"):  # a null selector is fine for these in 64-bit mode
        r.require(r.hex(reg) in (KDATA, 0), "%s: expected %#x (or a null selector), got %#x%s" % (
            reg.upper(), KDATA, r.hex(reg), ": the boot GDT's data selector, never reloaded"
            if r.hex(reg) == 0x20 else ""))
    r.equal(r.hex("null_raw"), 0, "GDT slot 0 (the null descriptor)")
    compare_descriptor(r, r.hex("code_raw") & ~ACCESSED, CODE_DESC, "code descriptor 0x08")
    compare_descriptor(r, r.hex("data_raw") & ~ACCESSED, DATA_DESC, "data descriptor 0x10")


lab.test("gdt_loaded", 15, description="sgdt gives gdt_table and limit 39; CS 0x08, DS..GS 0x10; code/data descriptors",
         expect=[r"^GDTR: base=(?P<base>0x[0-9a-f]{16}) limit=(?P<limit>0x[0-9a-f]{4})$",
                 r"^CS: (?P<cs>0x[0-9a-f]{4}) DS: (?P<ds>0x[0-9a-f]{4}) SS: (?P<ss>0x[0-9a-f]{4})$",
                 r"^ES: (?P<es>0x[0-9a-f]{4}) FS: (?P<fs>0x[0-9a-f]{4}) GS: (?P<gs>0x[0-9a-f]{4})$",
                 desc_line("GDT", 0, "null_"), desc_line("GDT", KCODE, "code_"), desc_line("GDT", KDATA, "data_")],
         check=check_gdt_loaded)


# ---- tss_loaded ----

def check_tss_loaded(r):
    r.equal(r.hex("tr"), TSS_SEL, "TR (str: the selector ltr loaded)")
    tss = r.sym["kernel_tss"]
    r.equal(r.hex("tss_full"), tss, "TSS descriptor base, all 64 bits (the address of kernel_tss)")
    r.equal(r.hex("tss_limit"), r.sym.end("kernel_tss") - tss - 1, "TSS descriptor limit (sizeof(kernel_tss) - 1)")
    r.equal(r.hex("tss_access"), 0x8B, "TSS descriptor access byte (present, DPL 0, system, type 0xB: "
            "a 64-bit TSS that ltr marked busy)")
    r.equal(r.hex("tss_flags"), 0, "TSS descriptor flags (G, D/B, L, AVL: all 0, the limit counts bytes)")
    r.equal(r.hex("high") >> 32, 0, "TSS descriptor bits 96-127 (reserved)")


lab.test("tss_loaded", 10, description="str gives 0x18; its descriptor decodes to kernel_tss, limit 103, busy TSS",
         expect=[r"^TR: (?P<tr>0x[0-9a-f]{4})$", desc_line("TSS", TSS_SEL, "tss_"),
                 r"^TSS 0x18: base=(?P<tss_full>0x[0-9a-f]{16}) high=(?P<high>0x[0-9a-f]{16})$"],
         check=check_tss_loaded)


# ---- ist_set ----

def check_ist_set(r):
    r.equal(r.int("g_ist"), 1, "gate 8 IST field (hardware IST numbers are 1-7)")
    r.equal(r.hex("g_sel"), KCODE, "gate 8 selector")
    r.equal(r.hex("g_offset"), r.sym["isr_stub_8"], "gate 8 offset (isr_stub_8)")
    r.equal(r.int("g_present"), 1, "gate 8 present bit")
    top, ist1 = r.sym.end("double_fault_stack"), r.hex("ist1")
    r.require(top - IST_AREA <= ist1 <= top, "IST1 in the live TSS: expected the top of double_fault_stack "
              "(%#x, or up to %d bytes below it), got %#x" % (top, IST_AREA, ist1))
    r.equal(ist1 % 16, 0, "IST1 alignment (IST1 mod 16)")
    r.equal(r.hex("rsv_ist0"), 0, "the reserved field before IST1 (ist[0] in struct tss)")
    r.equal((r.hex("rsv0"), r.hex("rsv1"), r.hex("rsv2")), (0, 0, 0), "the other reserved fields of the TSS")
    r.equal(r.hex("df_error"), derive(r.seed, 10) | 1, "the error code exc_double_fault printed for a frame "
            "the scenario built (tf->error_code, not a constant)")
    r.require(r.hex("iomap") >= r.sym.end("kernel_tss") - r.sym["kernel_tss"],
              "I/O map base %#x lies inside the TSS: it must be >= its size (no I/O bitmap)" % r.hex("iomap"))


lab.test("ist_set", 10, description="IST1 of the live TSS in the top page of double_fault_stack; gate 8 uses IST 1",
         expect=[r"^gate 8: offset=(?P<g_offset>0x[0-9a-f]{16}) selector=(?P<g_sel>0x[0-9a-f]{4}) "
                 r"ist=(?P<g_ist>\d) present=(?P<g_present>\d)$",
                 r"^IST1: (?P<ist1>0x[0-9a-f]{16})$", r"^IOMAP base: (?P<iomap>0x[0-9a-f]{4})$",
                 r"^reserved: (?P<rsv0>0x[0-9a-f]+) (?P<rsv_ist0>0x[0-9a-f]+) (?P<rsv1>0x[0-9a-f]+) (?P<rsv2>0x[0-9a-f]+)$",
                 r"^a #DF frame with error code 0x[0-9a-f]+$",
                 r"^PANIC: double fault, error_code: (?P<df_error>0x[0-9a-f]+)$", r"^\[ok\]$"],
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


lab.test("stack_overflow", 20,
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


# ---- descriptor_encoding ----

def check_encoding(r):
    """Each printed result against the grader's own encoding of the seed's inputs."""
    segs = {int(m["i"]): int(m["d"], 16) for m in r.all(
        r"^segment (?P<i>\d+): .* -> (?P<d>0x[0-9a-f]{16})$")}
    for i in range(8):
        base, limit, access, flags = (derive(r.seed, 200 + 4 * i + k) for k in range(4))
        what = "gdt_segment_make(base %#x, limit %#x, access %#x, flags %#x):" % (
            base & 0xFFFFFFFF, limit & 0xFFFFFFFF, access & 0xFF, flags & 0xFF)
        if r.require(i in segs, "no 'segment %d' line" % i):
            compare_descriptor(r, segs[i], segment(base, limit, access, flags), what)
    tss = {int(m["i"]): (int(m["lo"], 16), int(m["hi"], 16)) for m in r.all(
        r"^tss (?P<i>\d+): .* -> low=(?P<lo>0x[0-9a-f]{16}) high=(?P<hi>0x[0-9a-f]{16})$")}
    for i in range(6):
        base, limit = derive(r.seed, 240 + 2 * i), value_range(r.seed, 241 + 2 * i, 0, 0xFFFFF)
        what = "gdt_tss_descriptor_make(base %#x, limit %#x)" % (base, limit)
        if not r.require(i in tss, "no 'tss %d' line" % i):
            continue
        low, high = tss[i]
        compare_descriptor(r, low, segment(base, limit, 0x89, 0), what + " low half:")
        r.equal(high & 0xFFFFFFFF, base >> 32, what + ": base bits 32-63 (descriptor bits 64-95)")
        r.equal(high >> 32, 0, what + ": descriptor bits 96-127 (reserved, zero)")


lab.test("descriptor_encoding", 10,
         description="gdt_segment_make / gdt_tss_descriptor_make on seed-chosen inputs, bit for bit",
         expect=[r"^segment 7: ", r"^tss 5: "], check=check_encoding)


# ---- idt_after_switch ----

GATE = re.compile(r"^(?P<what>planted|after) (?P<v>\d+): (?P<lo>0x[0-9a-f]{16}) (?P<hi>0x[0-9a-f]{16})$", re.M)
GATE_FIELDS = [("offset bits 0-15", 0, 16), ("IST byte", 32, 8), ("type_attr (type, DPL, present)", 40, 8),
               ("offset bits 16-31", 48, 16), ("offset bits 32-63", 64, 32), ("reserved bits 96-127", 96, 32)]


def spare_vectors(seed, n, index):
    """pick_vectors() of gate_scenarios.c: seed-chosen distinct vectors >= 32."""
    out = []
    for i in range(n):
        v = value_range(seed, index + i, 32, 255)
        while v in out:
            v = 32 if v == 255 else v + 1
        out.append(v)
    return out


def planted_gate(seed, i):
    """The 16 bytes gate_scenarios.c plants, as one 128-bit number."""
    offset, attr = derive(seed, 310 + 4 * i), derive(seed, 312 + 4 * i)
    present = value_range(seed, 313 + 4 * i, 0, 3) != 0
    type_attr = (0x80 if present else 0) | (attr & 0x60) | (0xF if attr & 0x80 else 0xE)
    return (offset & 0xFFFF) | BOOT_CS << 16 | value_range(seed, 311 + 4 * i, 0, 7) << 32 \
        | type_attr << 40 | (offset >> 16 & 0xFFFF) << 48 | (offset >> 32) << 64


def check_idt_after_switch(r):
    r.equal(r.int("wrong"), 0, "gates of the live IDT whose selector is not 0x08 (first ones: %s)" % (
        ", ".join("%s (%s)" % (m["v"], m["sel"]) for m in r.all(
            r"^gate (?P<v>\d+): selector (?P<sel>0x[0-9a-f]{4})$")) or "none"))
    gates = {(m["what"], int(m["v"])): int(m["hi"], 16) << 64 | int(m["lo"], 16) for m in GATE.finditer(r.text)}
    for i, v in enumerate(spare_vectors(r.seed, 4, 300)):
        want = planted_gate(r.seed, i)
        r.equal(gates.get(("planted", v)), want, "gate %d as planted (the scenario's own bytes)" % v)
        got = gates.get(("after", v))
        if not r.require(got is not None, "no 'after %d' line" % v):
            continue
        r.equal(got >> 16 & 0xFFFF, KCODE, "gate %d after idt_use_new_gdt: selector" % v)
        for name, lo, width in GATE_FIELDS:
            mask = (1 << width) - 1
            r.equal(got >> lo & mask, want >> lo & mask, "gate %d after idt_use_new_gdt: %s (kept as it was)"
                    % (v, name))
    df = gates.get(("after", 8))
    if r.require(df is not None, "no 'after 8' line"):
        r.equal(df >> 32 & 7, 1, "gate 8 IST field after idt_use_new_gdt ran again")
    for v in spare_vectors(r.seed, 3, 320):
        gp = r.all(r"^int 0x%02x raised #GP, error code (?P<e>0x[0-9a-f]+)$" % v)
        got = r.all(r"^int 0x%02x returned: CS in the frame (?P<cs>0x[0-9a-f]{4})$" % v)
        if gp:
            r.require(False, "int 0x%02x raised #GP (error code %s): its gate still names a selector that is "
                      "no code segment in the new GDT" % (v, gp[0]["e"]))
        elif r.require(got, "int 0x%02x: no line saying it returned" % v):
            r.equal(int(got[0]["cs"], 16), KCODE, "CS in the frame of int 0x%02x" % v)
            r.witness(v)


lab.test("idt_after_switch", 10,
         description="all 256 gates name 0x08; idt_use_new_gdt keeps every other field; int N >= 32 returns",
         expect=[r"^gates: (?P<gates>\d+), selectors other than 0x08: (?P<wrong>\d+)$", r"^after 8: ",
                 r"^scenario idt_after_switch: done$"],
         check=check_idt_after_switch)
