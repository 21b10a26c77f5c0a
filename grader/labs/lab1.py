"""Lab 01 - the IDT: catch a breakpoint and carry on (100 points)."""

import re

from kgrade import idtgate, patterns as P
from kgrade.seed import MASK, derive, value_range
from kgrade.spec import Lab, SUCCESS

lab = Lab(1, "idt", "The IDT: catch a breakpoint and carry on")

BOOT_CS = 0x18  # the kernel's code segment until lab 04 (common/include/boot.h)


PROBE_VECTOR = 0x81  # idt_scenarios.c: a gate the scenario installs itself


def check_idt_loaded(r):
    table, limit = r.sym["idt_table"], 256 * 16 - 1
    r.equal(r.hex("base"), table, "IDTR base (the address of idt_table)")
    r.equal(r.hex("limit"), limit, "IDTR limit (256 gates of 16 bytes, minus one)")
    # QEMU's register dump at the probe's delivery: the IDTR the CPU used.
    probe = r.saw(PROBE_VECTOR)
    if r.require(probe, "QEMU's log shows no interrupt through the loaded IDT"):
        r.equal(probe.idt, (table, limit), "IDTR in QEMU's log at the probe interrupt (base, limit)")


lab.test("idt_loaded", 10, description="sidt: base is idt_table, limit 4095; QEMU used that IDTR",
         expect=[r"^IDTR: base=(?P<base>0x[0-9a-f]+) limit=(?P<limit>0x[0-9a-f]+)$",
                 r"^probe vector 0x81 delivered$"],
         check=check_idt_loaded)


GATE_HANDLERS = {0: "exc_divide_error", 3: "exc_breakpoint", 6: "exc_invalid_opcode"}


def raw_gate(r, label):
    """(lo, hi) of a 'LABEL: 0x... 0x...' line, or None (with a problem)."""
    m = r.all(r"^%s: (?P<lo>0x[0-9a-f]{16}) (?P<hi>0x[0-9a-f]{16})$" % re.escape(label))
    if not r.require(m, "the output has no line '%s: ...'" % label):
        return None
    return int(m[0]["lo"], 16), int(m[0]["hi"], 16)


def check_gate_bits(r):
    cs = r.hex("cs")
    r.equal(cs, BOOT_CS, "CS")
    cases = []
    for v, handler in sorted(GATE_HANDLERS.items()):
        raw = raw_gate(r, "gate %d raw" % v)
        if raw:
            want = idtgate.expected(r.sym[handler], cs, 0, idtgate.KERNEL_GATE_TYPES, 0)
            cases.append(("gate %d (%s)" % (v, handler), raw, want))
    idtgate.compare(r, cases)


lab.test("gate_bits", 10, description="gates 0, 3, 6 decode to their handlers, CS, IST 0, DPL 0, present",
         expect=[r"^gate 6 raw: ", r"^CS: (?P<cs>0x[0-9a-f]+)$"],
         check=check_gate_bits)


# gate_encoding.c derives its inputs with these seed indices.
SEED_MAKE, SEED_SET, MAKE_CASES, SET_CASES = 600, 700, 16, 4


def gate_args(seed, index):
    """(handler, selector, ist, type, dpl) as gate_encoding.c's args_from_seed."""
    bits = derive(seed, index + 1)
    gate_type = idtgate.TRAP_GATE if (bits >> 19) & 1 else idtgate.INTERRUPT_GATE
    return derive(seed, index), bits & 0xFFFF, (bits >> 16) & 7, gate_type, (bits >> 20) & 3


def describe(args):
    handler, selector, ist, gate_type, dpl = args
    return "handler=%#x, selector=%#x, ist=%#x, %s gate, dpl=%d" % (
        handler, selector, ist, "trap" if gate_type == idtgate.TRAP_GATE else "interrupt", dpl)


def set_gate_case(r, label, vector, args, selector, note=""):
    """One idt_set_gate call the scenario made: a case for idtgate.compare,
    after requiring that no other gate changed."""
    handler, _, ist, gate_type, dpl = args
    m = r.all(r"^%s: other gates changed: (?P<n>\d+) \(first: (?P<v>\d+)\)$" % re.escape(label))
    if m:
        r.equal(int(m[0]["n"]), 0, "gates other than %d that idt_set_gate(%d, ...) changed (the first: gate %s)"
                % (vector, vector, m[0]["v"]))
    raw = raw_gate(r, "%s vector %d" % (label, vector))
    if not raw:
        return []
    what = "idt_set_gate(%d, handler=%#x, ist=%d, type=%#x, dpl=%d)%s: gate %d" % (
        vector, handler, ist, gate_type, dpl, note, vector)
    return [(what, raw, idtgate.expected(handler, selector, ist, gate_type, dpl))]


def check_gate_encoding(r):
    made = [("idt_gate_make(%s): gate" % describe((MASK, 0xFFFF, 7, idtgate.TRAP_GATE, 3)),
             raw_gate(r, "gate_make fixed"), idtgate.expected(MASK, 0xFFFF, 7, idtgate.TRAP_GATE, 3))]
    for i in range(MAKE_CASES):
        args = gate_args(r.seed, SEED_MAKE + 2 * i)
        made.append(("idt_gate_make(%s): gate" % describe(args), raw_gate(r, "gate_make %d" % i), idtgate.expected(*args)))
    handler, selector, ist, gate_type, dpl = gate_args(r.seed, SEED_MAKE + 2 * MAKE_CASES)
    made.append(("idt_gate_make(%s): gate" % describe((handler, selector, ist | 0xF8, gate_type, dpl)),
                 raw_gate(r, "gate_make ist_high"), idtgate.expected(handler, selector, ist, gate_type, dpl)))
    idtgate.compare(r, [c for c in made if c[1]])

    cs, alt = r.hex("cs"), r.hex("alt")
    r.require(alt != cs, "the scenario could not switch to a second code segment (CS stayed %#x)" % cs)
    set_cases = []
    for i in range(SET_CASES):
        vector = value_range(r.seed, SEED_SET + 3 * i, 32, 255)
        set_cases += set_gate_case(r, "set_gate %d" % i, vector, gate_args(r.seed, SEED_SET + 3 * i + 1), cs)
    vector = value_range(r.seed, SEED_SET + 3 * SET_CASES, 32, 255)
    set_cases += set_gate_case(r, "set_gate alt", vector, gate_args(r.seed, SEED_SET + 3 * SET_CASES + 1), alt,
                               " with CS = %#x (a second code segment: the selector is read_cs())" % alt)
    idtgate.compare(r, set_cases)


lab.test("gate_encoding", 15,
         description="idt_gate_make bit for bit over random handlers, selectors, IST, type, DPL; "
                     "idt_set_gate fills one gate with the running CS",
         expect=[r"^CS: (?P<cs>0x[0-9a-f]+)$", r"^alt CS: (?P<alt>0x[0-9a-f]+)$", r"^gate encoding: done$"],
         check=check_gate_encoding)


def check_breakpoint(r):
    after = r.sym["lab1_bp_return"]
    r.equal(r.hex("rip"), after, "reported RIP (the instruction after int3)")
    r.equal(r.hex("cs"), BOOT_CS, "reported CS")
    r.witness(3, rip=after - 1)


lab.test("breakpoint", 20, description="int3: report with RIP after the int3, then it returns",
         expect=[P.header(3), P.rip(), P.rsp(), r"^It did not crash!$"],
         check=check_breakpoint)


def check_registers(r):
    P.check_register_roundtrip(r, "int3")
    r.witness(3, rip=r.sym["regs_int3_insn"])


lab.test("breakpoint_registers", 10, description="all registers and flags survive int3",
         expect=[P.header(3), r"^after int3: RFLAGS=0x[0-9a-f]+$"],
         check=check_registers)


def check_repeat(r):
    n = value_range(r.seed, 0, 200, 400)
    r.equal(r.int("n"), n, "int3 count (seed-derived)")
    r.equal(r.count(P.header(3)), n, "breakpoint reports printed")
    r.equal(r.saw_count(3), n, "breakpoints QEMU delivered")


lab.test("breakpoint_repeat", 5, description="hundreds of int3 in a row, one report each",
         expect=[r"^int3 executed (?P<n>\d+) times$"], check=check_repeat)

lab.test("idt_lifetime", 10, description="the IDT survives heavy stack use after idt_init",
         expect=[r"^stack scribble: ", P.header(3), P.rip(), r"^It did not crash!$"],
         check=lambda r: r.witness(3))


def check_fault(label, vector):
    def check(r):
        r.equal(r.hex("rip"), r.sym[label], "reported RIP (the faulting instruction)")
        r.witness(vector, rip=r.sym[label])
    return check


lab.test("divide_error", 10, description="#DE report with RIP at the div, then a stop",
         expect=[P.header(0), P.rip(), P.rsp(), r"^\[ok\]$"],
         check=check_fault("lab1_div_insn", 0))

lab.test("invalid_opcode", 10, description="#UD report with RIP at the ud2, then a stop",
         expect=[P.header(6), P.rip(), P.rsp(), r"^\[ok\]$"],
         check=check_fault("lab1_ud2_insn", 6))
