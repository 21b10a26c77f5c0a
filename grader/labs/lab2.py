"""Lab 02 - wrapper stubs and the exception stack frame (100 points)."""

from kgrade import patterns as P
from kgrade.seed import value_range
from kgrade.spec import Lab

lab = Lab(2, "frames", "Wrapper stubs and the exception stack frame")

# The register block every lab-02 report has (trap_report_frame).
REGISTERS = [r"^RAX: 0x[0-9a-f]{16} RBX: 0x[0-9a-f]{16} RCX: 0x[0-9a-f]{16}$",
             r"^R13: 0x[0-9a-f]{16} R14: 0x[0-9a-f]{16} R15: 0x[0-9a-f]{16}$",
             r"^CR2: 0x[0-9a-f]{16} CR3: 0x[0-9a-f]{16} CR4: 0x[0-9a-f]{16}$",
             r"^Call Trace:$"]


def check_stub_table(r):
    gates = {int(m["v"]): m for m in r.all(
        r"^gate (?P<v>\d+): offset=(?P<offset>0x[0-9a-f]+) present=(?P<p>\d) table=(?P<table>0x[0-9a-f]+)$")}
    offsets = set()
    for v in range(32):
        g = gates.get(v)
        if not r.require(g, "gate %d was not printed (IDTR too short?)" % v):
            continue
        stub = r.sym["isr_stub_%d" % v]
        r.equal(int(g["table"], 16), stub, "isr_stub_table[%d] (isr_stub_%d)" % (v, v))
        r.equal(int(g["offset"], 16), stub, "gate %d offset (isr_stub_%d)" % (v, v))
        r.equal(int(g["p"]), 1, "gate %d present bit" % v)
        offsets.add(int(g["offset"], 16))
    r.require(len(offsets) == 32, "gates 0-31 must point at 32 distinct stubs, found %d" % len(offsets))


lab.test("stub_table", 10, description="gates 0-31 point at 32 distinct generated stubs",
         expect=[r"^gate 31: "], check=check_stub_table)


def check_bp_frame(r):
    after = r.sym["lab2_bp_return"]
    r.equal(r.hex("rip"), after, "reported RIP (the instruction after int3)")
    r.witness(3, rip=after - 1)


lab.test("breakpoint_frame", 10, description="int3 through the stubs: full report, RIP after int3, returns",
         expect=[P.header(3), P.rip(), P.rsp()] + REGISTERS + [r"^It did not crash!$"],
         check=check_bp_frame)


def check_registers(r):
    P.check_register_roundtrip(r, "int3")
    P.check_register_roundtrip(r, "ud2")
    r.witness(3, rip=r.sym["regs_int3_insn"])
    r.witness(6, rip=r.sym["regs_ud2_insn"])


lab.test("registers_preserved", 15, description="15 registers and RFLAGS survive int3 and a resumed ud2",
         expect=[r"^after int3: RFLAGS=", r"^after ud2: RFLAGS="], check=check_registers)


def check_fault_vs_trap(r):
    r.equal(r.hex("ud_rip"), r.sym["lab2_ud2_insn"], "#UD RIP (the ud2 itself: a fault)")
    r.equal(r.hex("bp_rip"), r.sym["lab2_int3_next"], "#BP RIP (the instruction after int3: a trap)")
    r.witness(6, rip=r.sym["lab2_ud2_insn"])


lab.test("fault_vs_trap", 10, description="#UD reports the faulting instruction, #BP the next one",
         expect=[P.header(6), P.rip("ud_"), P.header(3), P.rip("bp_"), r"^both returned$"],
         check=check_fault_vs_trap)

lab.test("resume_after_ud2", 10, description="the #UD handler advances RIP past ud2",
         expect=[P.header(6), P.rip(), r"^resumed after ud2$"],
         check=lambda r: [r.equal(r.hex("rip"), r.sym["lab2_resume_ud2"], "#UD RIP"),
                          r.witness(6, rip=r.sym["lab2_resume_ud2"])])


def check_gp(r):
    sel = value_range(r.seed, 0, 16, 1000) << 3
    r.equal(r.hex("sel"), sel, "selector the scenario loaded (seed-derived)")
    r.equal(r.hex("error"), sel, "#GP error code (the bad selector)")
    r.equal(r.hex("rip"), r.sym["lab2_gp_insn"], "#GP RIP (the faulting mov)")
    r.witness(13, rip=r.sym["lab2_gp_insn"], error=sel)


lab.test("error_code_gp", 10, description="#GP from a bad selector: error code = selector, RIP = the mov",
         expect=[r"^loading selector (?P<sel>0x[0-9a-f]+) into FS$", P.header(13),
                 P.error_code("#GP"), P.rip(), P.rsp()] + REGISTERS + [r"^\[ok\]$"],
         check=check_gp)


def check_aligned(r):
    r.witness(3)
    r.witness(13)


lab.test("stack_aligned", 15, description="16-byte aligned stack in C, with and without error code (movaps)",
         expect=[r"^no error code: vector 3, handler frame 0x[0-9a-f]+, aligned=1$",
                 r"^no error code: movaps on a stack local: ok$",
                 r"^error code: vector 13, handler frame 0x[0-9a-f]+, aligned=1$",
                 r"^error code: movaps on a stack local: ok$",
                 r"^both handlers returned$"],
         check=check_aligned)


def check_software(r):
    want = [value_range(r.seed, 10 + i, 32, 255) for i in range(4)]
    got = [int(m["v"]) for m in r.all(r"^dispatcher got vector (?P<v>\d+)$")]
    r.equal(got, want, "vectors the dispatcher saw (seed-derived)")
    for v in want:
        r.witness(v)


lab.test("software_vectors", 10, description="int N (seed-chosen, 32-255) reaches the dispatcher as N",
         expect=[r"^all software interrupts returned$"], check=check_software)

lab.test("nested_exception", 10, description="a handler that runs int3 itself returns, twice",
         expect=[r"^outer #UD handler: int3 inside it$", P.header(3),
                 r"^outer #UD handler: back from the inner int3$", r"^returned twice$"],
         check=lambda r: [r.witness(6), r.witness(3)])
