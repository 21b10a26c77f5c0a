"""Lab 01 - the IDT: catch a breakpoint and carry on (100 points)."""

from kgrade import patterns as P
from kgrade.seed import value_range
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


def check_gate_bits(r):
    r.equal(r.hex("offset"), r.sym["exc_breakpoint"], "gate 3 offset (exc_breakpoint)")
    r.equal(r.hex("selector"), r.hex("cs"), "gate 3 selector (the CS the kernel runs with)")
    r.equal(r.hex("cs"), BOOT_CS, "CS")
    r.equal(r.int("ist"), 0, "gate 3 IST index")
    r.equal(r.hex("type"), 0xE, "gate 3 type (64-bit interrupt gate)")
    r.equal(r.int("dpl"), 0, "gate 3 DPL")
    r.equal(r.int("present"), 1, "gate 3 present bit")
    r.equal(r.hex("hi") >> 32, 0, "gate 3 reserved bits 96-127")


lab.test("gate_bits", 15, description="gate 3 decodes to exc_breakpoint, CS, interrupt gate, DPL 0",
         expect=[r"^gate 3 raw: (?P<lo>0x[0-9a-f]{16}) (?P<hi>0x[0-9a-f]{16})$",
                 r"^gate 3: offset=(?P<offset>0x[0-9a-f]+) selector=(?P<selector>0x[0-9a-f]+) "
                 r"ist=(?P<ist>\d+) type=(?P<type>0x[0-9a-f]+) dpl=(?P<dpl>\d+) present=(?P<present>\d+)$",
                 r"^CS: (?P<cs>0x[0-9a-f]+)$"],
         check=check_gate_bits)


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


lab.test("breakpoint_registers", 15, description="all registers and flags survive int3",
         expect=[P.header(3), r"^after int3: RFLAGS=0x[0-9a-f]+$"],
         check=check_registers)


def check_repeat(r):
    n = value_range(r.seed, 0, 200, 400)
    r.equal(r.int("n"), n, "int3 count (seed-derived)")
    r.equal(r.count(P.header(3)), n, "breakpoint reports printed")
    r.equal(r.saw_count(3), n, "breakpoints QEMU delivered")


lab.test("breakpoint_repeat", 10, description="hundreds of int3 in a row, one report each",
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
