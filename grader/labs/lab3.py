"""Lab 03 - page faults: CR2, the error code, the walk, demand paging (100 points).

Every expected value is computed here, not read from the kernel: addresses
from the seed (twins of grader/scenarios/03-pagefault/*.c, seed indices
listed there), section bounds and labels from the ELF (nm), the bytes of
.text from the ELF file, and whether a fault really happened from QEMU's log.
"""

import re
import struct

from kgrade import facts, patterns as P
from kgrade.seed import derive, value_range
from kgrade import x86model as M
from kgrade.spec import Lab

lab = Lab(3, "pagefault", "Page faults: CR2, the error code, the walk, demand paging")

F = facts.scenario("03-pagefault")  # seed indices and constants, shared with the scenarios
_PAGING = facts.constants("common/include/paging.h", ["VGA_TEXT_BUFFER", "PHYS_MAP_BASE", "PHYS_MAP_SIZE",
                                                      "PTE_ADDR_MASK", "VGA_FLAGS", "PHYS_MAP_FLAGS"])
_DEMAND = facts.constants("labs/03-pagefault/page_fault.h", ["DEMAND_BASE", "DEMAND_SIZE"])
PAGE = facts.constants("common/include/stack.h", ["PAGE_SIZE"])["PAGE_SIZE"]
VGA, PHYS_MAP_BASE = _PAGING["VGA_TEXT_BUFFER"], _PAGING["PHYS_MAP_BASE"]
ADDR_MASK = _PAGING["PTE_ADDR_MASK"]
DEMAND_BASE, DEMAND_SIZE = _DEMAND["DEMAND_BASE"], _DEMAND["DEMAND_SIZE"]
UNMAPPED_LO, UNMAPPED_HI, SCRATCH_BASE = F.UNMAPPED_LO, F.UNMAPPED_HI, F.SCRATCH_BASE

LEVELS = ["PML4", "PDPT", "PD", "PT"]
SIZES = {"PD": "2 MiB", "PT": "4 KiB"}

# ---- the #PF report ----

PF_REPORT = [P.header(14),
             r"^#PF: (?P<who>supervisor|user) (?P<access>read access|write access|instruction fetch)"
             r" in (?P<mode>kernel|user) mode$",
             r"^#PF: error_code\((?P<error>0x[0-9a-f]{4,})\) - (?P<cause>not-present page|"
             r"protection violation|reserved bit violation)(?: \[(?P<flags>[A-Z0-9_ ]+)\])?$",
             r"^CR2: (?P<cr2>0x[0-9a-f]{16})$",
             P.rip(), P.rsp(),
             r"^CR2: 0x[0-9a-f]{16} CR3: 0x[0-9a-f]{16} CR4: 0x[0-9a-f]{16}$",
             r"^Call Trace:$", r"^\[ok\]$"]


def check_report(r, cr2, error, access, cause, rip, user=False):
    """The report's lines against the fault the scenario made, and QEMU's word
    for it. With access None, only what the seed's choice of fault cannot
    change is compared (words of every code: error_codes)."""
    r.equal(r.hex("cr2"), cr2, "the 'CR2:' line (the faulting address, read from CR2)")
    r.equal(r.hex("error"), error, "error code")
    r.equal(r.v.get("who"), "user" if user else "supervisor", "who made the access (bit 2 %s)" % (
        "set" if user else "clear"))
    r.equal(r.v.get("mode"), "user" if user else "kernel", "mode (the privilege level in the saved CS)")
    if access is not None:
        r.equal(r.v.get("access"), access, "kind of access (bits 1 and 4)")
        r.equal(r.v.get("cause"), cause, "cause (bits 0 and 3)")
        r.equal(r.v.get("flags", ""), M.pf_flags(error), "flags in brackets")
    r.equal(r.hex("rip"), rip, "RIP (the faulting instruction)")
    # Not r.witness: a fetch from a demand or user page has its RIP outside the kernel image.
    r.require(r.log.saw(14, cr2=cr2, error=error, rip=rip), "QEMU's log shows no #PF with cr2=%#x, error=%#x, "
              "rip=%#x: the exception was not taken" % (cr2, error, rip))


def unmapped(r, index):
    return value_range(r.seed, index, UNMAPPED_LO, UNMAPPED_HI)


def text_address(r, index, room):
    return r.sym["__text_start"] + value_range(r.seed, index, 0, r.sym["__text_end"] - r.sym["__text_start"] - room)


lab.test("write_unmapped", 7, description="write to a seed-chosen unmapped address: CR2, 0x2, [CAUSED_BY_WRITE]",
         expect=[r"^writing to unmapped 0x[0-9a-f]{16}$"] + PF_REPORT,
         check=lambda r: check_report(r, unmapped(r, F.SEED_WRITE_UNMAPPED), 0x2, "write access", "not-present page",
                                      r.sym["lab3_write_insn"]))

lab.test("read_unmapped", 6, description="read from a seed-chosen unmapped address: CR2, 0x0, not-present",
         expect=[r"^reading from unmapped 0x[0-9a-f]{16}$"] + PF_REPORT,
         check=lambda r: check_report(r, unmapped(r, F.SEED_READ_UNMAPPED), 0x0, "read access", "not-present page",
                                      r.sym["lab3_read_insn"]))


def check_code_read(r):
    addr = text_address(r, F.SEED_TEXT_READ, 8)
    r.equal(r.hex("addr"), addr, ".text address read (seed-derived)")
    r.equal(r.hex("value"), int.from_bytes(elf_bytes(r.sym.elf, addr, 8), "little"),
            "the 8 bytes read (the ELF's .text at that address)")
    r.require(not r.saw(14), "QEMU's log shows a page fault: reading .text must work")
    check_walk(r, addr, r.sym["frame_pool"], ".text")


def elf_bytes(path, addr, n):
    """n bytes of the ELF's section that holds [addr, addr + n) (stdlib only)."""
    with open(path, "rb") as f:
        data = f.read()
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(shnum):
        sh_type, _, sh_addr, sh_offset, sh_size = struct.unpack_from("<IQQQQ", data, shoff + i * shentsize + 4)
        if sh_type == 1 and sh_addr <= addr and addr + n <= sh_addr + sh_size:  # SHT_PROGBITS
            return data[sh_offset + addr - sh_addr:sh_offset + addr - sh_addr + n]
    raise ValueError("no section of %s holds %#x" % (path, addr))


lab.test("read_code_page", 5, description="reading .text works: the ELF's bytes, a present read-only page",
         expect=[r"^read (?P<value>0x[0-9a-f]{16}) from \.text at (?P<addr>0x[0-9a-f]{16}): read worked$",
                 r"^  => "], check=check_code_read)

lab.test("write_code_page", 7, description="write to .text: 0x3, PROTECTION_VIOLATION + CAUSED_BY_WRITE",
         expect=[r"^writing 0x[0-9a-f]{2} back to \.text at 0x[0-9a-f]{16}$"] + PF_REPORT,
         check=lambda r: check_report(r, text_address(r, F.SEED_TEXT_WRITE, 1), 0x3, "write access", "protection violation",
                                      r.sym["lab3_code_write_insn"]))


def check_exec_nx(r):
    target = r.sym["lab3_nx_page"] + value_range(r.seed, F.SEED_NX_OFFSET, 0, PAGE - 1)
    check_report(r, target, 0x11, "instruction fetch", "protection violation", target)


lab.test("exec_nx_page", 7, description="call into a .data page: 0x11, CR2 = RIP = the target",
         expect=[r"^calling 0x[0-9a-f]{16} in lab3_nx_page"] + PF_REPORT, check=check_exec_nx)


def check_reserved(r):
    page = SCRATCH_BASE + value_range(r.seed, F.SEED_SCRATCH_PAGE, 0, 511) * PAGE
    addr = page + value_range(r.seed, F.SEED_SCRATCH_OFFSET, 0, PAGE - 1)
    seen = r.saw(14, cr2=addr, rip=r.sym["lab3_rsvd_insn"])
    if not r.require(seen, "QEMU's log shows no #PF at lab3_rsvd_insn for %#x: the fault was not taken" % addr):
        return
    # The CPU sets bits 0 and 3; QEMU 7.2's TCG sets bit 3 alone. Bit 3 is the point.
    r.require(seen.error & 0x8, "QEMU's error code %#x has no bit 3 (MALFORMED_TABLE)" % seen.error)
    check_report(r, addr, seen.error, "read access", "reserved bit violation", r.sym["lab3_rsvd_insn"])


lab.test("reserved_bit", 7, description="a scratch PTE with bit 51 set: MALFORMED_TABLE",
         expect=[r"^PTE of 0x[0-9a-f]{16} = 0x[0-9a-f]{16} \(bit 51 set\)"] + PF_REPORT,
         check=check_reserved)


# ---- error codes the emulator never produces (decode_scenarios.c) ----

FIXED_CODES, CS_CHOICE = list(F.FIXED_CODES), list(F.CS_CHOICE)


def random_code(seed, i):
    code = derive(seed, F.SEED_RANDOM_CODE + i) & 0x807F
    return code | (1 << value_range(seed, F.SEED_HIGH_BIT + i, 7, 63) if i % 3 == 0 else 0)


def compare_all(r, what, rows, shown=3):
    """rows: [(label, got, expected)]. Names the first few that differ and
    counts the rest, so one wrong rule does not bury the others."""
    bad = [row for row in rows if row[1] != row[2]]
    for label, got, want in bad[:shown]:
        r.equal(got, want, what + label)
    r.require(len(bad) <= shown, "%s: %d more wrong" % (what, len(bad) - shown))


def check_error_codes(r):
    names = {int(m["bit"]): m["name"] for m in r.all(r"^bit (?P<bit>\d+): (?P<name>\S+)$")}
    compare_all(r, "pf_error_bit_name", [("(%d)" % b, names.get(b), M.PF_BIT_NAMES.get(b)) for b in range(64)])
    got = {int(m["code"], 16): m for m in r.all(
        r"^code (?P<code>0x[0-9a-f]+): who=(?P<who>.*) access=(?P<access>.*) cause=(?P<cause>.*) "
        r"flags=\[(?P<flags>.*)\] len=(?P<len>\d+)$")}
    codes = FIXED_CODES + [random_code(r.seed, i) for i in range(F.RANDOM_CODES)]
    missing = [c for c in codes if c not in got]
    if not r.require(not missing, "no 'code ...' line for %s" % ", ".join("%#x" % c for c in missing)):
        return
    for field, model in (("who", M.pf_who), ("access", M.pf_access), ("cause", M.pf_cause),
                         ("flags", M.pf_flags)):
        compare_all(r, "pf_error_%s" % field, [("(%#x)" % c, got[c][field], model(c)) for c in codes])
    compare_all(r, "pf_error_flags", [("(%#x) return value" % c, int(got[c]["len"]), len(M.pf_flags(c)))
                                      for c in codes])
    cuts = r.all(r"^cut (?P<code>0x[0-9a-f]+) size=(?P<size>\d+): len=(?P<len>\d+) text=\[(?P<text>.*)\] "
                 r"beyond=(?P<beyond>\w+)$")
    r.equal(len(cuts), F.CUTS, "pf_error_flags calls with a small buffer")
    for i, m in enumerate(cuts[:F.CUTS]):
        code, size = random_code(r.seed, i) | 3, value_range(r.seed, F.SEED_CUT_SIZE + i, 1, 36)
        what = "pf_error_flags(%#x) into %d bytes" % (code, size)
        r.equal(m["beyond"], "untouched", what + ": the bytes past the buffer")
        r.equal(m["text"], M.pf_flags(code)[:size - 1], what + ": the text, cut to fit and terminated")
        r.equal(int(m["len"]), size - 1, what + ": the length returned")
    check_synthetic(r)


SYNTHETIC = re.compile(r"^synthetic #PF (?P<i>\d): cs=.*\n(?P<body>(?:.*\n)*?)synthetic #PF (?P=i): end$", re.M)


def check_synthetic(r):
    """Reports of frames the scenario built: the mode comes from CS, the rest from the code."""
    blocks = {int(m["i"]): m["body"] for m in SYNTHETIC.finditer(r.text)}
    for i in range(F.FRAMES):
        error = derive(r.seed, F.SEED_SYNTHETIC + 4 * i) & 0x807F
        cs = CS_CHOICE[value_range(r.seed, F.SEED_SYNTHETIC + 1 + 4 * i, 0, len(CS_CHOICE) - 1)]
        if i == 0:
            cs, error = 0x2b, error & ~4
        cr2 = derive(r.seed, F.SEED_SYNTHETIC + 2 + 4 * i) & 0x00007FFFFFFFFFFF
        what = "page_fault_report of a frame with CS %#x, error code %#x:" % (cs, error)
        body = blocks.get(i, "")
        line1 = re.search(r"^#PF: (?P<who>\S+) (?P<access>.+) in (?P<mode>\S+) mode$", body, re.M)
        line2 = re.search(r"^#PF: error_code\((?P<error>0x[0-9a-f]+)\) - (?P<cause>[a-z -]+?)"
                          r"(?: \[(?P<flags>[A-Z0-9_ ]+)\])?$", body, re.M)
        line3 = re.search(r"^CR2: (?P<cr2>0x[0-9a-f]{16})$", body, re.M)
        if not r.require(line1 and line2 and line3, "%s no '#PF: ... mode', '#PF: error_code(...)' and "
                         "'CR2:' lines" % what):
            continue
        r.equal(line1["who"], M.pf_who(error), what + " who (bit 2)")
        r.equal(line1["access"], M.pf_access(error), what + " access (bits 4 and 1)")
        r.equal(line1["mode"], M.cpl_mode(cs), what + " mode (the low 2 bits of CS, not the error code)")
        r.equal(int(line2["error"], 16), error, what + " error_code(...)")
        r.equal(line2["cause"], M.pf_cause(error), what + " cause (bit 3, then bit 0)")
        r.equal(line2["flags"] or "", M.pf_flags(error), what + " flags in brackets")
        r.equal(int(line3["cr2"], 16), cr2, what + " CR2 (the address passed in)")




# ---- a fault from ring 3, the end of error_codes (user_scenarios.c) ----

USER_BASE = F.USER_BASE
USER_PAGES = {0: F.USER_NONE, 2: F.USER_RO, 3: F.USER_RSVD}  # 1: the kernel's .data (from the ELF)
# The error code a CPU reports for each kind (access * 16 + target, F.USER_KINDS).
USER_ERRORS = {0x00: 0x4, 0x10: 0x6, 0x01: 0x5, 0x11: 0x7, 0x12: 0x7, 0x03: 0xd}


def report_after(r, pattern, what):
    """Matches PF_REPORT in order after the line `pattern`, its named groups
    into r.v; False (and why, in r.problems) if a line is missing."""
    m = re.search(pattern, r.text, re.M)
    if not r.require(m, "no line /%s/" % pattern):
        return False
    r.v.update({k: v for k, v in m.groupdict().items() if v is not None})
    pos = m.end()
    for line in PF_REPORT:
        m = re.compile(line, re.M).search(r.text, pos)
        if not r.require(m, "the report of %s has no line /%s/" % (what, line)):
            return False
        r.v.update({k: v for k, v in m.groupdict().items() if v is not None})
        pos = m.end()
    return True


def check_user_fault(r):
    if not report_after(r, r"^ring 3: CS (?P<user_cs>0x[0-9a-f]{4}), kind \d+, touching .*$", "the fault from ring 3"):
        return
    kind = F.USER_KINDS[value_range(r.seed, F.SEED_USER, 0, len(F.USER_KINDS) - 1)]
    how, want = ("read", "write")[kind >> 4], USER_ERRORS[kind]
    base = USER_PAGES.get(kind & 0xF) or r.sym["__data_start"]
    cr2 = base + value_range(r.seed, F.SEED_USER + 1, 0, PAGE - 1)
    rip = USER_BASE + r.sym["lab3_user_" + how] - r.sym["lab3_user_page"]
    seen = r.log.saw(14, cr2=cr2, rip=rip)
    if not r.require(seen and seen.cpl == 3, "QEMU's log shows no #PF from ring 3 at RIP %#x with CR2 %#x: "
                     "the %s fault was not taken" % (rip, cr2, how)):
        return
    # The CPU sets P with the reserved bit; QEMU 7.2's TCG does not: its code is the truth.
    r.require(seen.error | 1 == want | 1, "QEMU's error code %#x is not the %s fault's %#x" % (seen.error, how, want))
    check_report(r, cr2, seen.error, None, None, rip, user=True)
    r.equal(r.hex("cs"), r.hex("user_cs"), "CS in the report (the user code segment)")


lab.test("error_codes", 13, description="pf_error_* on seed-chosen codes (0x9, user, unnamed bits); reports of "
         "frames whose CS and error code disagree; a seed-chosen fault from ring 3: 'user ... in user mode'",
         expect=[r"^synthetic #PF 2: end$"],
         check=lambda r: (check_error_codes(r), check_user_fault(r)))


# ---- CR3 ----

ROOT_LINE = r"^level-4 table at phys (?P<%sroot>0x[0-9a-f]{16}) \(CR3 (?P<%scr3>0x[0-9a-f]{16})\)$"


def log_cr3(r, vector):
    """CR3 in QEMU's register dump at the first delivery of vector, or None."""
    seen = r.saw(vector)
    return seen.cr3 if seen else None


def check_cr3(r):
    r.equal(r.hex("a_root"), r.sym["frame_pool"], "first level-4 table (paging_init's, the first frame of frame_pool)")
    cr3 = log_cr3(r, 3)
    if r.require(cr3 is not None, "QEMU's log has no CR3 at the int3: the breakpoint was not taken"):
        r.equal(r.hex("b_cr3"), cr3, "CR3 after the switch (QEMU's register dump)")
        r.equal(r.hex("b_root"), cr3 & ADDR_MASK, "level-4 table after the switch (CR3 without PWT/PCD)")


lab.test("cr3", 8, description="the printed level-4 address is CR3's frame, before and after a switch",
         expect=[ROOT_LINE % ("a_", "a_"), r"^switching to a copy", ROOT_LINE % ("b_", "b_"),
                 P.header(3), r"^back on the first table$"],
         check=check_cr3)


# ---- walks ----

WALK = re.compile(r"^walk (?P<va>0x[0-9a-f]{16})\n(?P<body>(?:  .*\n?)*)", re.M)
STEP = re.compile(r"^  (?P<name>PML4|PDPT|PD|PT) +(?P<table>0x[0-9a-f]{16})\[ *(?P<idx>\d+)\] = "
                  r"(?P<entry>0x[0-9a-f]{16})(?P<flags>(?: [A-Z]+)*)(?P<np> not present)?$", re.M)
END = re.compile(r"^  => (?:phys (?P<pa>0x[0-9a-f]{16}) \((?P<size>[0-9]+ [KMG]iB) page\)"
                 r"|not mapped: the walk stops at the (?P<stop>PML4|PDPT|PD|PT))$", re.M)


def walks(r):
    """{vaddr: (steps, end match)} for every 'walk 0x...' block of the output."""
    return {int(m["va"], 16): (list(STEP.finditer(m["body"])), END.search(m["body"]))
            for m in WALK.finditer(r.text)}


def guard_pages(r):
    return [r.sym[n[:-len("_region")]] for n in r.sym.addr if n.endswith("_region") and n[:-len("_region")] in r.sym]


VGA_BITS = _PAGING["VGA_FLAGS"] | _PAGING["PTE_P"]
PHYS_MAP_SIZE = _PAGING["PHYS_MAP_SIZE"]
FLAG_BITS = {name: _PAGING["PTE_" + name] for name in ("P", "W", "U", "PS", "NX")}


def flag_names(bits):
    """{"P", "W", "NX", ...}: the names a walk prints for an entry's flags."""
    return {name for name, bit in FLAG_BITS.items() if bits & bit}


def expected_walk(r, va):
    """The grader's model of the kernel's tables: (last level, phys, leaf flags), phys None if unmapped."""
    if PHYS_MAP_BASE <= va < PHYS_MAP_BASE + PHYS_MAP_SIZE:
        return "PD", va - PHYS_MAP_BASE, flag_names(_PAGING["PHYS_MAP_FLAGS"])
    if va >> 39:
        return "PML4", None, None
    if va >> 30 & 511:
        return "PDPT", None, None
    s = r.sym
    if not s["__kernel_start"] >> 21 <= va >> 21 <= (s["__kernel_end"] - 1) >> 21:
        return "PD", None, None
    if any(g <= va < g + PAGE for g in guard_pages(r)):
        return "PT", None, None
    parts = [(s[start], s[end], bits) for start, end, bits in facts.kernel_map()] + [(VGA, VGA + PAGE, VGA_BITS)]
    for lo, hi, bits in parts:
        if lo <= va < hi:
            return "PT", va, flag_names(bits)
    return "PT", None, None


def check_walk(r, va, root, what, expect=None):
    """One walk block against expected_walk (or expect): indices, the chain of
    tables, flags, the end. Returns the steps printed."""
    found = walks(r).get(va)
    if not r.require(found, "no 'walk %#018x' block for %s" % (va, what)):
        return []
    steps, end = found
    last, phys, leaf = expect or expected_walk(r, va)
    names = LEVELS[:LEVELS.index(last) + 1]
    if not r.equal([s["name"] for s in steps], names, "levels walked for %s %#x" % (what, va)):
        return steps
    table = root
    for depth, s in enumerate(steps):
        label = "%s entry for %s %#x" % (s["name"], what, va)
        r.equal(int(s["table"], 16), table, label + ": table address (from CR3 / the entry above)")
        r.equal(int(s["idx"]), va >> (39 - 9 * depth) & 511, label + ": index")
        entry = int(s["entry"], 16)
        flags = set(s["flags"].split()) & {"P", "W", "U", "PS", "NX"}
        if s["name"] == last and phys is None:
            r.require(s["np"] and not entry & 1, label + ": should be not present")
        elif s["name"] == last:
            r.equal(sorted(flags), sorted(leaf), label + ": flags")
            size = 2 << 20 if last == "PD" else PAGE
            r.equal(entry & ADDR_MASK & ~(size - 1), phys & ~(size - 1), label + ": frame")
        else:
            r.equal(sorted(flags), ["P", "W"], label + ": flags of a table entry")
        table = entry & ADDR_MASK
    if not r.require(end, "walk of %s %#x has no '=>' line" % (what, va)):
        return steps
    if phys is None:
        r.equal(end["stop"], last, "where the walk of %s %#x stops" % (what, va))
    else:
        r.equal(end["pa"] and int(end["pa"], 16), phys, "physical address of %s %#x" % (what, va))
        r.equal(end["size"], SIZES[last], "page size of %s %#x" % (what, va))
    return steps


def walk_addresses(r):
    s, sym = r.seed, r.sym

    def span(i, lo, hi):
        return lo + value_range(s, i, 0, hi - lo - 1)
    guard = sym["kernel_stack"]  # the walk scenario runs on it; its guard page comes first
    return [("the VGA buffer", span(F.SEED_WALK_SPAN, VGA, VGA + PAGE)),
            (".text", span(F.SEED_WALK_SPAN + 1, sym["__text_start"], sym["__text_end"])),
            (".rodata", span(F.SEED_WALK_SPAN + 2, sym["__rodata_start"], sym["__rodata_end"])),
            (".data/.bss", span(F.SEED_WALK_SPAN + 3, sym["__data_start"], sym["__bss_end"])),
            ("the direct map", span(F.SEED_WALK_SPAN + 4, PHYS_MAP_BASE, PHYS_MAP_BASE + (64 << 20))),
            ("an empty level-4 slot", value_range(s, F.SEED_EMPTY_SLOT, 1, 127) << 39 | value_range(s, F.SEED_EMPTY_SLOT + 1, 0, (1 << 39) - 1)),
            ("an empty PDPT slot", value_range(s, F.SEED_EMPTY_SLOT + 2, 1, 511) << 30 | value_range(s, F.SEED_EMPTY_SLOT + 3, 0, (1 << 30) - 1)),
            ("an empty PD slot", value_range(s, F.SEED_EMPTY_SLOT + 4, 64, 511) << 21 | value_range(s, F.SEED_EMPTY_SLOT + 5, 0, (1 << 21) - 1)),
            ("the stack's guard page", span(F.SEED_WALK_GUARD, guard, guard + PAGE))]


def check_walks(r):
    root = pool = r.sym["frame_pool"]
    r.equal(r.hex("root"), root, "level-4 table (paging_init's, the first frame of frame_pool)")
    for what, va in walk_addresses(r):
        check_walk(r, va, root, what)
    # The alias: VGA's frame through a page table (from frame_pool) only the direct map reaches.
    va = value_range(r.seed, F.SEED_VGA_ALIAS, 32, 63) << 21 | value_range(r.seed, F.SEED_VGA_ALIAS + 1, 0, 511) << 12 \
        | value_range(r.seed, F.SEED_VGA_ALIAS + 2, 0, PAGE - 1)
    steps = check_walk(r, va, root, "the VGA alias", ("PT", VGA + (va & (PAGE - 1)), flag_names(VGA_BITS)))
    r.require(pool <= r.hex("alias_pt") < pool + _PAGING["FRAME_POOL_FRAMES"] * PAGE and len(steps) == 4
              and int(steps[3]["table"], 16) == r.hex("alias_pt"),
              "the alias's page table is the frame the scenario printed (%#x)" % r.hex("alias_pt"))


lab.test("walk", 15, description="walks of seed-chosen addresses: tables, indices, flags, phys, stop level",
         expect=[ROOT_LINE % ("", ""), r"^-- the guard page below this stack$",
                 r"^-- an alias of the VGA buffer, through a table at phys (?P<alias_pt>0x[0-9a-f]{16})$",
                 r"^scenario walk: done$"],
         check=check_walks)


# ---- a walk over tables the scenario builds (walk_built.c) ----

UPPER_BITS, LEAF4K_BITS, LEAF2M_BITS, LEAF1G_BITS = F.UPPER_BITS, F.LEAF4K_BITS, F.LEAF2M_BITS, F.LEAF1G_BITS
FRAME2M, FRAME1G = F.FRAME2M, F.FRAME1G
NX, PS = _PAGING.get("PTE_NX", 1 << 63), _PAGING.get("PTE_PS", 1 << 7)


def built_tables(seed, root, pdpt, pd, pt):
    """walk_built.c's tables: ({physical address: entry}, [the addresses it walks])."""
    def d(i):
        return derive(seed, i)

    def after(base, i):
        return (base + value_range(seed, i, 1, 170)) % 512

    def upper(table, i):
        return table | 1 | (d(i) & UPPER_BITS) | NX | 1 << (52 + d(i) % 11)

    def va(l4, l3, l2, l1, low):
        v = l4 << 39 | l3 << 30 | l2 << 21 | l1 << 12 | low
        return v | 0xFFFF000000000000 if l4 >= 256 else v

    s4 = value_range(seed, F.SEED_BUILT_SLOT, 0, 511)
    s4np = after(s4, F.SEED_BUILT_SLOT + 1)
    s3 = value_range(seed, F.SEED_BUILT_SLOT + 2, 0, 511)
    s3pd = after(s3, F.SEED_BUILT_SLOT + 3)
    s3np = after(s3pd, F.SEED_BUILT_SLOT + 4)
    s2 = value_range(seed, F.SEED_BUILT_SLOT + 5, 0, 511)
    s2pt = after(s2, F.SEED_BUILT_SLOT + 6)
    s2np = after(s2pt, F.SEED_BUILT_SLOT + 7)
    s1 = value_range(seed, F.SEED_BUILT_SLOT + 8, 0, 511)
    s1b = after(s1, F.SEED_BUILT_SLOT + 9)
    s1np = after(s1b, F.SEED_BUILT_SLOT + 10)
    mem = {
        root + 8 * s4: upper(pdpt, F.SEED_BUILT_ENTRY), root + 8 * s4np: d(F.SEED_BUILT_ENTRY + 1) & ~1,
        pdpt + 8 * s3: (d(F.SEED_BUILT_ENTRY + 3) & FRAME1G) | (d(F.SEED_BUILT_ENTRY + 2) & LEAF1G_BITS) | 1 | PS | 1 << 12 | 1 << (13 + d(F.SEED_BUILT_ENTRY + 2) % 17),
        pdpt + 8 * s3pd: upper(pd, F.SEED_BUILT_ENTRY + 4), pdpt + 8 * s3np: d(F.SEED_BUILT_ENTRY + 5) & ~1 | PS,
        pd + 8 * s2: (d(F.SEED_BUILT_ENTRY + 7) & FRAME2M) | (d(F.SEED_BUILT_ENTRY + 6) & LEAF2M_BITS) | 1 | PS | 1 << 12 | 1 << (13 + d(F.SEED_BUILT_ENTRY + 6) % 8),
        pd + 8 * s2pt: upper(pt, F.SEED_BUILT_ENTRY + 8), pd + 8 * s2np: d(F.SEED_BUILT_ENTRY + 9) & ~1 | PS,
        pt + 8 * s1: (d(F.SEED_BUILT_ENTRY + 11) & ADDR_MASK) | (d(F.SEED_BUILT_ENTRY + 10) & LEAF4K_BITS) | 1 | NX,
        pt + 8 * s1b: (d(F.SEED_BUILT_ENTRY + 13) & ADDR_MASK) | (d(F.SEED_BUILT_ENTRY + 12) & LEAF4K_BITS) | 1,
        pt + 8 * s1np: d(F.SEED_BUILT_ENTRY + 14) & ~1,
    }
    vas = [va(s4, s3, 0, 0, d(F.SEED_BUILT_LOW) & 0x3FFFFFFF), va(s4, s3pd, s2, 0, d(F.SEED_BUILT_LOW + 1) & 0x1FFFFF),
           va(s4, s3pd, s2pt, s1, d(F.SEED_BUILT_LOW + 2) & 0xFFF), va(s4, s3pd, s2pt, s1b, d(F.SEED_BUILT_LOW + 3) & 0xFFF),
           va(s4np, 0, 0, 0, d(F.SEED_BUILT_LOW + 4) & 0x7FFFFFFFFF), va(s4, s3np, 0, 0, d(F.SEED_BUILT_LOW + 5) & 0x3FFFFFFF),
           va(s4, s3pd, s2np, 0, d(F.SEED_BUILT_LOW + 6) & 0x1FFFFF), va(s4, s3pd, s2pt, s1np, d(F.SEED_BUILT_LOW + 7) & 0xFFF)]
    return mem, vas


BUILT_WALK = re.compile(r"^built walk (?P<i>\d): (?P<va>0x[0-9a-f]{16})\n  last=(?P<last>-?\d+) mapped=(?P<mapped>\d) "
                        r"size=(?P<size>0x[0-9a-f]+) phys=(?P<phys>0x[0-9a-f]+)\n(?P<steps>(?:  L\d .*\n)*)", re.M)
BUILT_STEP = re.compile(r"^  L(?P<level>\d) table=(?P<table>0x[0-9a-f]+) index=(?P<index>\d+) "
                        r"entry=(?P<entry>0x[0-9a-f]{16})$", re.M)
WALK_KINDS = ["a 1 GiB page", "a 2 MiB page", "a 4 KiB page (NX)", "a 4 KiB page",
              "a not-present PML4 entry", "a not-present PDPT entry", "a not-present PD entry",
              "a not-present PT entry"]


def check_walk_built(r):
    frames = [r.hex(n) for n in ("b_root", "b_pdpt", "b_pd", "b_pt")]
    pool = r.sym["frame_pool"]
    if not r.require(all(pool <= f < pool + _PAGING["FRAME_POOL_FRAMES"] * PAGE and f % PAGE == 0 for f in frames),
                     "the tables are not frames of frame_pool: %s" % ", ".join("%#x" % f for f in frames)):
        return
    mem, vas = built_tables(r.seed, *frames)
    got = {int(m["i"]): m for m in BUILT_WALK.finditer(r.text)}
    for i, va in enumerate(vas):
        what = "walk of %#x (%s)" % (va, WALK_KINDS[i])
        m = got.get(i)
        if not r.require(m and int(m["va"], 16) == va, "no 'built walk %d: %#018x' block" % (i, va)):
            continue
        steps, last, phys, size = M.walk(lambda pa: mem.get(pa, 0), frames[0], va)
        seen = [(int(s["level"]), int(s["table"], 16), int(s["index"]), int(s["entry"], 16))
                for s in BUILT_STEP.finditer(m["steps"])]
        want = [(lv,) + steps[lv] for lv in range(4, last - 1, -1)]
        r.equal([s[0] for s in seen], [s[0] for s in want], what + ": levels read")
        for (lv, table, index, entry), got_step in zip(want, seen):
            name = "%s: %s entry" % (what, M.LEVEL_NAMES[lv])
            r.equal(got_step[1], table, name + ": table (from the entry above, bits 51-12 only)")
            r.equal(got_step[2], index, name + ": index")
            r.equal(got_step[3], entry, name + ": entry read")
        r.equal(int(m["last"]), last, what + ": last level read (w->last_level)")
        r.equal(int(m["mapped"]), int(phys is not None), what + ": mapped")
        if phys is not None:
            r.equal(int(m["size"], 16), size, what + ": page size")
            r.equal(int(m["phys"], 16), phys, what + ": physical address (frame bits only: PAT and "
                    "the bits below the page size cleared, plus the offset)")
    index_rows, leaf_rows = [], []
    lines = {int(m["va"], 16): m for m in r.all(
        r"^pt_index (?P<va>0x[0-9a-f]{16}): (?P<l4>\d+) (?P<l3>\d+) (?P<l2>\d+) (?P<l1>\d+)$")}
    for va in (derive(r.seed, F.SEED_BUILT_INDEX + i) for i in range(F.INDEX_CASES)):
        m = lines.get(va, {})
        index_rows += [("(%#x, %d)" % (va, lv), m.get("l%d" % lv) and int(m["l%d" % lv]), M.index(va, lv))
                       for lv in (4, 3, 2, 1)]
    lines = {(int(m["e"], 16), int(m["lv"]), int(m["va"], 16)): int(m["pa"], 16) for m in r.all(
        r"^pt_leaf_phys (?P<e>0x[0-9a-f]{16}) L(?P<lv>\d) (?P<va>0x[0-9a-f]{16}): (?P<pa>0x[0-9a-f]{16})$")}
    for i in range(F.LEAF_CASES):
        e, lv, va = derive(r.seed, F.SEED_BUILT_LEAF + 3 * i), 1 + i % 3, derive(r.seed, F.SEED_BUILT_LEAF + 1 + 3 * i)
        leaf_rows.append(("(%#x, %d, %#x)" % (e, lv, va), lines.get((e, lv, va)), M.leaf_phys(e, lv, va)))
    compare_all(r, "pt_index", index_rows)
    compare_all(r, "pt_leaf_phys", leaf_rows)


lab.test("walk_built", 10, description="pt_walk_resolve over seed-built tables: 1 GiB/2 MiB/4 KiB leaves, "
         "NX, ignored and PAT bits everywhere; pt_index, pt_leaf_phys",
         expect=[r"^built tables: PML4 (?P<b_root>0x[0-9a-f]+) PDPT (?P<b_pdpt>0x[0-9a-f]+) PD (?P<b_pd>0x[0-9a-f]+)"
                 r" PT (?P<b_pt>0x[0-9a-f]+)$", r"^pt_leaf_phys .*\n(?:.*\n)*?scenario walk_built: done$"],
         check=check_walk_built)


# ---- demand paging ----


def demand_plan(seed):
    """[(address, value)] the demand_paging scenario writes."""
    n = value_range(seed, F.SEED_DEMAND_COUNT, F.DEMAND_MIN_PAGES, F.DEMAND_MAX_PAGES)
    stride = DEMAND_SIZE // PAGE // n
    return [(DEMAND_BASE + (i * stride + value_range(seed, F.SEED_DEMAND_PAGE + i, 0, stride - 1)) * PAGE
             + value_range(seed, F.SEED_DEMAND_WORD + i, 1, PAGE // 8 - 1) * 8, derive(seed, F.SEED_DEMAND_VALUE + i)) for i in range(n)]


NOT_PRESENT_CODES, PROTECTION_CODES = F.NOT_PRESENT_CODES, F.PROTECTION_CODES
DEMAND_PTE, A_D = 1 | 2 | 1 << 63, 0x60                 # P W NX; accessed and dirty may follow


def demand_calls(seed, plan):
    """[(address, error code, must map, what)] of the scenario's demand_page_in calls."""
    end = DEMAND_BASE + DEMAND_SIZE
    return [(DEMAND_BASE, NOT_PRESENT_CODES[value_range(seed, F.SEED_DEMAND_CALL, 0, len(NOT_PRESENT_CODES) - 1)], True, "the first byte of the region"),
            (end - 1, NOT_PRESENT_CODES[value_range(seed, F.SEED_DEMAND_CALL + 1, 0, len(NOT_PRESENT_CODES) - 1)], True, "the last byte of the region"),
            (DEMAND_BASE - 1 - value_range(seed, F.SEED_DEMAND_CALL + 2, 0, 2 * PAGE), 0x2, False, "just below the region"),
            (end, 0x2, False, "the first byte past the region"),
            (end + value_range(seed, F.SEED_DEMAND_CALL + 3, 1, 4 * PAGE), 0x0, False, "past the region"),
            (plan[0][0], PROTECTION_CODES[value_range(seed, F.SEED_DEMAND_CALL + 4, 0, len(PROTECTION_CODES) - 1)], False, "a protection violation"),
            (plan[1][0], 0x11 | (4 if value_range(seed, F.SEED_DEMAND_CALL + 5, 0, 1) else 0), False, "a protection violation")]


def check_demand_calls(r, plan):
    got = {(int(m["a"], 16), int(m["e"], 16)): m for m in r.all(
        r"^demand_page_in\((?P<a>0x[0-9a-f]+), (?P<e>0x[0-9a-f]+)\) = (?P<f>0x[0-9a-f]+): "
        r"PTE (?P<before>0x[0-9a-f]{16}) -> (?P<after>0x[0-9a-f]{16})$")}
    hook_neighbour = (r.hex("hook") & ~(PAGE - 1)) ^ PAGE
    for addr, error, maps, what in demand_calls(r.seed, plan) + [
            (hook_neighbour, 0x2, False, "with no frame left (frame_alloc() returned 0)")]:
        call = "demand_page_in(%#x, %#x), %s," % (addr, error, what)
        m = got.get((addr, error))
        if not r.require(m, "no line for %s" % call):
            continue
        frame, before, after = int(m["f"], 16), int(m["before"], 16), int(m["after"], 16)
        if not maps:
            r.equal(frame, 0, call + " returned (0: not a fault demand paging resolves)")
            r.equal(after, before, call + " left the page's entry")
        elif r.require(frame and frame % PAGE == 0, "%s returned %#x: expected a page-aligned frame" % (call, frame)):
            r.equal(after & ~A_D, frame | DEMAND_PTE, call + " mapped the page holding the address: its PTE "
                    "(the frame returned, P W NX)")
    stale = r.all(r"^stale TLB at (?P<a>0x[0-9a-f]{16}): read (?P<seen>0x[0-9a-f]{16}), then demand_page_in gave "
                  r"(?P<f>0x[0-9a-f]+), then read (?P<now>0x[0-9a-f]{16})$")
    if r.require(stale, "no 'stale TLB' line"):
        m, marker = stale[0], derive(r.seed, F.SEED_STALE_TLB + 2) | 1
        r.equal(int(m["seen"], 16), marker, "stale TLB: the scenario's own mapping, read before")
        r.require(int(m["f"], 16), "stale TLB: demand_page_in(%s, 0x2) returned 0" % m["a"])
        r.equal(int(m["now"], 16), 0, "stale TLB: value read after demand_page_in mapped a fresh frame "
                "(the old frame's %#x means the CPU still used the old translation: invlpg the page)" % marker)


def check_demand(r):
    plan = demand_plan(r.seed)
    n = len(plan)
    r.equal(r.int("n"), n, "pages to touch (seed-derived)")
    r.equal([(int(m["v"], 16), int(m["a"], 16)) for m in r.all(
        r"^writing (?P<v>0x[0-9a-f]{16}) at (?P<a>0x[0-9a-f]{16})$")],
        [(v, a) for a, v in plan], "values and addresses written")
    hook = r.hex("hook")
    r.require(DEMAND_BASE <= hook < DEMAND_BASE + DEMAND_SIZE and hook % 8 == 0,
              "the console hook's address %#x is not in the demand region" % hook)
    mapped = r.all(r"^demand paging: page (?P<page>0x[0-9a-f]{16}) -> frame (?P<frame>0x[0-9a-f]{16})$")
    r.equal([int(m["page"], 16) for m in mapped], [a & ~(PAGE - 1) for a, _ in plan] + [hook & ~(PAGE - 1)],
            "pages demand paging mapped (the plan's, then the console hook's inside the last report)")
    frames = [int(m["frame"], 16) for m in mapped]
    r.require(len(set(frames)) == len(frames) and all(f % PAGE == 0 and 0 < f < 128 << 20 for f in frames),
              "frames must be distinct, page-aligned and in RAM: %s" % ", ".join("%#x" % f for f in frames))
    r.equal([(int(m["back"], 16), int(m["a"], 16), int(m["zero"], 16)) for m in r.all(
        r"^read (?P<back>0x[0-9a-f]{16}) at (?P<a>0x[0-9a-f]{16}), (?P<zero>0x[0-9a-f]{16}) at 0x[0-9a-f]{16}$")],
        [(v, a, 0) for a, v in plan], "values read back (and a zero elsewhere in each fresh page)")
    r.equal(r.int("faults"), n, "faults the handler resolved")
    r.equal(r.log.count(14), n + 2, "page faults QEMU delivered (one per page, the protection fault, the hook's)")
    for a, _ in plan:
        r.witness(14, cr2=a, error=0x2)
    check_demand_calls(r, plan)
    exec_kind = value_range(r.seed, F.SEED_PROTECTION, 0, 1) == 0
    target = (plan[0 if exec_kind else 1][0] & ~(PAGE - 1)) + value_range(r.seed, F.SEED_PROTECTION + 1, 0, PAGE - 1)
    r.require(r.hex("cr2") != hook, "the 'CR2:' line shows %#x, the address of the page fault the console hook "
              "made inside your handler: read CR2 first thing, before anything that could fault" % hook)
    check_report(r, target, 0x11 if exec_kind else 0x3, None, None,
                 target if exec_kind else r.sym["lab3_demand_write_insn"])


lab.test("demand_paging", 15, description="seed-chosen demand pages: one fault each; demand_page_in at the "
         "region's edges, on protection faults, over a stale TLB entry; a protection fault reported, CR2 kept",
         expect=[r"^demand region 0x[0-9a-f]{16}-0x[0-9a-f]{16}: touching (?P<n>\d+) pages$",
                 r"^\d+ pages, (?P<faults>\d+) faults$", r"^demand paging ok$", r"^stale TLB at ",
                 r"^console hook: the next report's first character writes to (?P<hook>0x[0-9a-f]{16})$",
                 r"^protection fault: "] + PF_REPORT,
         check=check_demand)
