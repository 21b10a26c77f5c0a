"""Lab 02 - wrapper stubs and the exception stack frame (100 points)."""

import re

from kgrade import facts, idtgate, patterns as P
from kgrade.seed import derive, value_range
from kgrade.spec import Lab

lab = Lab(2, "frames", "Wrapper stubs and the exception stack frame")

# The register block every lab-02 report has (trap_report_frame).
REGISTERS = [r"^RAX: 0x[0-9a-f]{16} RBX: 0x[0-9a-f]{16} RCX: 0x[0-9a-f]{16}$",
             r"^R13: 0x[0-9a-f]{16} R14: 0x[0-9a-f]{16} R15: 0x[0-9a-f]{16}$",
             r"^CR2: 0x[0-9a-f]{16} CR3: 0x[0-9a-f]{16} CR4: 0x[0-9a-f]{16}$",
             r"^Call Trace:$"]


def check_stub_table(r):
    cs, last = r.hex("cs"), r.int("last")
    r.equal(last, 255, "last gate inside the IDTR limit")
    gates = {int(m["v"]): m for m in r.all(
        r"^gate (?P<v>\d+): offset=0x[0-9a-f]+ raw=(?P<lo>0x[0-9a-f]{16}) (?P<hi>0x[0-9a-f]{16}) "
        r"table=(?P<table>0x[0-9a-f]+)$")}
    r.equal(r.int("odd"), len([v for v in gates if v >= 32]), "gates 32-255 printed as differing")
    cases = []
    for v in sorted(set(range(32)) | set(gates)):
        g = gates.get(v)
        if not r.require(g, "gate %d was not printed (IDTR too short?)" % v):
            continue
        stub = r.sym["isr_stub_%d" % v]
        r.equal(int(g["table"], 16), stub, "isr_stub_table[%d] (isr_stub_%d)" % (v, v))
        cases.append(("gate %d (isr_stub_%d)" % (v, v), (int(g["lo"], 16), int(g["hi"], 16)),
                      idtgate.expected(stub, cs, 0, idtgate.KERNEL_GATE_TYPES, 0)))
    idtgate.compare(r, cases)


lab.test("stub_table", 10, description="all 256 gates: their own stub, the running CS, IST 0, DPL 0, present",
         expect=[r"^CS: (?P<cs>0x[0-9a-f]+)$",
                 r"^gates 32-(?P<last>\d+): (?P<odd>\d+) differ from gate 0 or from isr_stub_table$"],
         check=check_stub_table)


ERROR_CODE_VECTORS = facts.error_code_vectors()  # the kernel's table: 8, 10-14, 17, 21, 29, 30
SEED_ERROR = 800  # synthetic_frames.c: vector v's error code is seed value 800 + v


def vector_list(vectors):
    """'21, 29-30' for [21, 29, 30]."""
    runs = []
    for v in sorted(vectors):
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return ", ".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in runs)


def check_synthetic(r):
    resume = r.sym["synth_resume"]
    lines = {int(m["v"]): m["rest"] for m in r.all(r"^frame (?P<v>\d+): (?P<rest>.*)$")}
    frame = re.compile(r"^vector=(?P<vector>0x[0-9a-f]+) handler=(?P<handler>\d+) error=(?P<error>0x[0-9a-f]+) "
                       r"rip=(?P<rip>0x[0-9a-f]+) cs_ss_rflags_rsp=(?P<cpu>ok|wrong)$")
    quiet = 224 - len([v for v in lines if v >= 32])
    r.equal(r.int("good"), quiet, "vectors 32-255 that printed nothing (all as expected)")
    problems = {}  # kind -> [(vector, detail)]

    def note(kind, v, detail):
        problems.setdefault(kind, []).append((v, detail))

    for v in range(32):
        if v not in lines:
            note("no line", v, "")
    for v, rest in sorted(lines.items()):
        m = frame.match(rest)
        if not m:
            note(rest.split(":")[0], v, rest)
            continue
        if v in ERROR_CODE_VECTORS:
            want = value_range(r.seed, SEED_ERROR + v, 1, 0xFFFFFFFF)
            why = "the CPU pushed it: no dummy 0 on this vector"
        else:
            want, why = 0, "the stub's dummy: the CPU pushes no error code on this vector"
        seen = int(m["vector"], 16)
        if seen != v:
            note("vector", v, "tf->vector: expected %d, got %#x (the stub pushes the wrong number)" % (v, seen))
        elif int(m["handler"]) != v:
            note("handler", v, "the dispatcher called the handler registered for vector %s" % m["handler"])
        if int(m["error"], 16) != want:
            note("error code", v, "tf->error_code: expected %#x (%s), got %s" % (want, why, m["error"]))
        if int(m["rip"], 16) != resume:
            note("frame", v, "tf->rip: expected %#x <synth_resume>, got %s: the CPU's part of the frame is "
                 "not where struct trap_frame has it" % (resume, m["rip"]))
        elif m["cpu"] != "ok":
            note("frame", v, "tf->cs, ss, rflags or rsp differ from what the CPU pushed")
    for kind, hits in problems.items():
        v, detail = hits[0]
        vs = vector_list([h[0] for h in hits])
        if kind == "no line":
            r.require(False, "no line for vectors %s: the scenario stopped early" % vs)
        elif len(hits) == 1:
            r.require(False, "%s wrong for vector %d: %s" % (kind, v, detail))
        else:
            r.require(False, "%s wrong for vectors %s; vector %d: %s" % (kind, vs, v, detail))


lab.test("synthetic_frames", 15,
         description="every stub entered with the CPU's frame for its vector: tf->vector, error code, frame position",
         expect=[r"^frames 32-255: (?P<good>\d+) of 224 as expected$"], check=check_synthetic)


def return_site(r, address):
    """'function+0xoff' as a trace line shows address: looked up at
    address - 1 (a return address ends its call), offset counted back."""
    name = r.sym.symbolize(address - 1)
    if not name:
        return ""
    function, off = name.rsplit("+", 1)
    return "%s+%#x" % (function, int(off, 16) + 1)


def check_call_trace(r, got, want):
    """got: a parsed trace; want: the addresses it must list. One problem,
    at the first line that differs (the lines after it follow from it)."""
    for i, address in enumerate(want):
        what = ("call trace line 1 (the interrupted RIP: trap_common's copy in link_rip)" if i == 0 else
                "call trace line %d (a return address of the interrupted code, reached through "
                "the saved RBP)" % (i + 1))
        if i >= len(got):
            r.require(False, "%s: expected %#x <%s>, but the trace has only %d line%s (does RBP point at "
                      "the rbp/link_rip pair?)" % (what, address, return_site(r, address), len(got),
                                                   "" if len(got) == 1 else "s"))
            return
        if got[i][0] != address:
            r.require(False, "%s: expected %#x <%s>, got %#x%s" % (
                what, address, return_site(r, address), got[i][0], " <%s>" % got[i][1] if got[i][1] else ""))
            return
        r.equal(got[i][1], return_site(r, address), "%s: symbol of %#x (the ELF's)" % (what, address))
    if len(got) > len(want):
        r.require(False, "call trace: %d lines, expected %d (the scenario's own trace plus the "
                  "interrupted RIP)" % (len(got), len(want)))


def check_bp_frame(r):
    after = r.sym["lab2_bp_return"]
    r.equal(r.hex("rip"), after, "reported RIP (the instruction after int3)")
    r.witness(3, rip=after - 1)
    traces = P.call_traces(r.text)
    if r.require(len(traces) == 2, "expected 2 call traces (the scenario's own, then the report's), found %d"
                 % len(traces)):
        check_call_trace(r, traces[1], [after] + [a for a, _ in traces[0]])


lab.test("breakpoint_frame", 10,
         description="int3 through the stubs: full report, RIP after int3, call trace from the interrupted code, returns",
         expect=[r"^the scenario's own call trace:$", r"^Call Trace:$", P.header(3), P.rip(), P.rsp()]
         + REGISTERS + [r"^It did not crash!$"],
         check=check_bp_frame)


SEED_REWRITE = 120  # registers_scenarios.c: the handler writes seed values 120-135


def check_registers(r):
    P.check_register_roundtrip(r, "int3")
    P.check_register_roundtrip(r, "ud2")
    r.witness(3, rip=r.sym["regs_int3_insn"])
    r.witness(6, rip=r.sym["regs_ud2_insn"])
    # Round 3: each frame slot holds its register; what the handler writes comes back.
    frame = {m["reg"]: int(m["val"], 16) for m in r.all(r"^in frame: (?P<reg>[A-Z0-9]+)=(?P<val>0x[0-9a-f]+)$")}
    after = {m["reg"]: int(m["val"], 16) for m in r.all(r"^after rewrite: (?P<reg>[A-Z0-9]+)=(?P<val>0x[0-9a-f]+)$")}
    for i, name in enumerate(P.REGISTER_NAMES):
        loaded, written = derive(r.seed, 100 + i), derive(r.seed, SEED_REWRITE + i)
        if name == "RFLAGS":
            loaded, written = loaded & P.FLAGS_MASK, (written & P.FLAGS_MASK) | 0x2
        field = "tf->rflags (arithmetic flags)" if name == "RFLAGS" else "tf->%s" % name.lower()
        r.equal(frame.get(name), loaded, "%s at the int3 (the interrupted %s: is the push order the one "
                "trap_frame.h lists?)" % (field, name))
        r.equal(after.get(name), written, "%s after a handler wrote %s = %#x (registers come back from the "
                "frame)" % (name, field, written))


lab.test("registers_preserved", 10,
         description="15 registers and RFLAGS survive int3 and a resumed ud2; each sits in its frame field, "
                     "and a handler's changes to the frame come back",
         expect=[r"^after int3: RFLAGS=", r"^after ud2: RFLAGS=", r"^in frame: RFLAGS=", r"^after rewrite: RFLAGS="],
         check=check_registers)


def check_fault_vs_trap(r):
    r.equal(r.hex("ud_rip"), r.sym["lab2_ud2_insn"], "#UD RIP (the ud2 itself: a fault)")
    r.equal(r.hex("bp_rip"), r.sym["lab2_int3_next"], "#BP RIP (the instruction after int3: a trap)")
    r.witness(6, rip=r.sym["lab2_ud2_insn"])


lab.test("fault_vs_trap", 10, description="#UD reports the faulting instruction, #BP the next one",
         expect=[P.header(6), P.rip("ud_"), P.header(3), P.rip("bp_"), r"^both returned$"],
         check=check_fault_vs_trap)


def check_resume(r):
    ud2, ud1 = r.sym["lab2_resume_ud2"], r.sym["lab2_ud1_insn"]
    r.equal(r.hex("rip"), ud2, "#UD RIP (the ud2)")
    r.witness(6, rip=ud2)
    r.equal(r.hex("ud1_rip"), ud1, "#UD RIP of the ud1 (0F B9: an invalid opcode that is no ud2)")
    r.witness(6, rip=ud1)


lab.test("resume_after_ud2", 10, description="the #UD handler advances RIP past ud2, and stops at any other invalid opcode",
         expect=[P.header(6), P.rip(), r"^resumed after ud2$", r"^ud1: ", P.header(6), P.rip("ud1_"), r"^\[ok\]$"],
         check=check_resume)


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
    for who, vector in (("bp", 3), ("gp", 13)):
        r.equal(r.int(who + "_df"), 0, "DF in the handler of vector %d, entered with DF = 1 (the ABI wants "
                "it clear in C: cld before the call)" % vector)
        r.equal(r.int(who + "_df_after"), 1, "DF after returning from vector %d (the interrupted code's, "
                "restored by iretq)" % vector)
    r.witness(3)
    r.witness(13)


lab.test("stack_aligned", 10,
         description="C handlers get a 16-byte aligned stack (movaps) and DF clear, with and without error code",
         expect=[r"^no error code: vector 3, handler frame 0x[0-9a-f]+, aligned=1$",
                 r"^no error code: DF=(?P<bp_df>\d) in the handler$",
                 r"^no error code: movaps on a stack local: ok$",
                 r"^error code: vector 13, handler frame 0x[0-9a-f]+, aligned=1$",
                 r"^error code: DF=(?P<gp_df>\d) in the handler$",
                 r"^error code: movaps on a stack local: ok$",
                 r"^DF after return: (?P<bp_df_after>\d) and (?P<gp_df_after>\d)$",
                 r"^both handlers returned$"],
         check=check_aligned)


def check_software(r):
    want = [value_range(r.seed, 10 + i, 32, 255) for i in range(4)]
    got = [int(m["v"]) for m in r.all(r"^dispatcher got vector (?P<v>\d+)$")]
    r.equal(got, want + want, "vectors the dispatcher saw (seed-derived; the second time after "
            "trap_register(N + 256, ...), which must change nothing)")
    wrong = [m["v"] for m in r.all(r"^the handler registered for vector (?P<v>\d+) \+ 256 ran$")]
    r.require(not wrong, "int %s ran the handler registered for vector %s + 256: trap_register must ignore "
              "vectors above 255" % (wrong[0], wrong[0]) if wrong else "")
    r.require(r.v.get("past_end") == "no", "trap_register(256, ...) wrote to .data/.bss: vector 256 is past "
              "the end of the table (is the bound < 256?)")
    for v in want:
        r.witness(v)


lab.test("software_vectors", 10,
         description="int N (seed-chosen, 32-255) reaches the dispatcher as N; trap_register ignores vectors above 255",
         expect=[r"^all software interrupts returned$",
                 r"^trap_register\(256, \.\.\.\) changed \.data/\.bss: (?P<past_end>yes|no)$",
                 r"^vectors above 255 ignored$"], check=check_software)

lab.test("nested_exception", 5, description="a handler that runs int3 itself returns, twice",
         expect=[r"^outer #UD handler: int3 inside it$", P.header(3),
                 r"^outer #UD handler: back from the inner int3$", r"^returned twice$"],
         check=lambda r: [r.witness(6), r.witness(3)])
