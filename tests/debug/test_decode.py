"""The GDB helpers' pure parts, on the host: no GDB, no QEMU.

tools/gdb/kgdb/{decode,paging,stubcode}.py import nothing from gdb, so the
encodings the helpers decode are checked here against values worked out by
hand from the Intel SDM (and, for paging.h, against the real header).
"""

import os
import struct
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "gdb"))

from kgdb import decode, paging, stubcode  # noqa: E402


class HeaderFacts(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ROOT, "common", "include", "paging.h")) as f:
            self.c = paging.header_constants(f.read())

    def test_direct_map_constants(self):
        self.assertEqual(self.c["PHYS_MAP_BASE"], 0xFFFF800000000000)
        self.assertEqual(self.c["PHYS_MAP_SIZE"], 1 << 30)
        self.assertEqual(self.c["PTE_ADDR_MASK"], 0x000FFFFFFFFFF000)

    def test_pte_flags(self):
        bits = dict(paging.pte_flag_bits(self.c))
        self.assertEqual((bits[0], bits[1], bits[2], bits[7], bits[63]), ("P", "W", "U", "PS", "NX"))
        self.assertNotIn("ADDR_MASK", bits.values())

    def test_expressions_and_junk(self):
        text = ("#define A (1ULL << 4) /* a */\n#define B (A | 0x3u)\n#define GUARD_H\n"
                "#define F(x) ((x) + 1)\n#define S \"str\"\n#define C UNKNOWN + 1\n")
        self.assertEqual(paging.header_constants(text), {"A": 16, "B": 19})


def gate_bytes(offset, selector, ist, type_, dpl, present=True):
    """A gate encoded by hand, field by field (SDM vol. 3, figure 6-8)."""
    attr = (0x80 if present else 0) | dpl << 5 | type_
    return struct.pack("<HHBBHII", offset & 0xFFFF, selector, ist, attr,
                       offset >> 16 & 0xFFFF, offset >> 32, 0)


class Gates(unittest.TestCase):
    def test_fields(self):
        g = decode.Gate(gate_bytes(0xFFFF800012345678, 0x08, 1, 0xE, 3))
        self.assertEqual((g.offset, g.selector, g.ist, g.type, g.dpl, g.present),
                         (0xFFFF800012345678, 0x08, 1, 0xE, 3, True))
        self.assertEqual(g.type_name, "interrupt gate")
        self.assertEqual(g.problems({0x08}), [])

    def test_problems(self):
        g = decode.Gate(gate_bytes(0x102461, 0x10, 0, 0xC, 0))
        problems = " / ".join(g.problems({0x18}))
        self.assertIn("type 0xc", problems)
        self.assertIn("selector 0x10 is not a 64-bit code segment", problems)
        self.assertFalse(decode.Gate(gate_bytes(0x102461, 0x10, 0, 0xE, 0, present=False)).problems({0x18}))
        bad = decode.Gate(gate_bytes(0x0000900000000000, 0x18, 0, 0xF, 0))
        self.assertIn("offset is not canonical", bad.problems({0x18}))


class Descriptors(unittest.TestCase):
    def test_code_and_data(self):
        code64 = decode.Descriptor(0x00AF9A000000FFFF)
        self.assertTrue(code64.is_code64)
        self.assertEqual(code64.kind(), "code 64-bit readable")
        code32 = decode.Descriptor(0x00CF9B000000FFFF)
        self.assertFalse(code32.is_code64)
        self.assertEqual(code32.kind(), "code 32-bit readable")
        data = decode.Descriptor(0x00CF93000000FFFF)
        self.assertEqual((data.kind(), data.base, data.limit, data.slots), ("data writable", 0, 0xFFFFFFFF, 1))
        self.assertEqual(decode.Descriptor(0).text(), "null")

    def test_tss_takes_two_slots(self):
        low = 0x67 | 0x1A0860 << 16 | 0x8B << 40 | 0x12 << 56
        d = decode.Descriptor(low, 0xFFFFFFFF)
        self.assertEqual((d.kind(), d.base, d.limit, d.slots),
                         ("TSS (64-bit, busy)", 0xFFFFFFFF121A0860, 0x67, 2))
        self.assertIn("NOT PRESENT", decode.Descriptor(low & ~(0x80 << 40)).text())


class TaskStateSegment(unittest.TestCase):
    def test_fields(self):
        raw = bytearray(decode.TSS_SIZE)
        struct.pack_into("<Q", raw, 4, 0x1111)          # RSP0
        struct.pack_into("<Q", raw, 36, 0x119000)       # IST1
        struct.pack_into("<Q", raw, 36 + 6 * 8, 0x7777)  # IST7
        struct.pack_into("<H", raw, 102, 0x68)
        t = decode.Tss(bytes(raw))
        self.assertEqual(t.rsp, [0x1111, 0, 0])
        self.assertEqual((t.ist[0], t.ist[6], t.iomap_base), (0x119000, 0x7777, 0x68))
        with self.assertRaises(ValueError):
            decode.Tss(bytes(100))


class ErrorCodes(unittest.TestCase):
    def test_page_fault(self):
        self.assertEqual(decode.page_fault_error(0x2), "[W] not-present page, write access, supervisor mode")
        self.assertEqual(decode.page_fault_error(0x11), "[P I] protection violation, instruction fetch, supervisor mode")
        self.assertEqual(decode.page_fault_error(0x0d),
                         "[P U RSVD] protection violation, read access, user mode, reserved bit set in a paging entry")

    def test_selector(self):
        self.assertEqual(decode.selector_error(0x80), "GDT index 16 (selector 0x80)")
        self.assertEqual(decode.selector_error(0x6C), "LDT index 13 (selector 0x6c)")
        self.assertEqual(decode.selector_error(0x72), "IDT gate 14")
        self.assertIn("EXT", decode.selector_error(0x43))
        self.assertEqual(decode.error_code_text(13, 0x80), "GDT index 16 (selector 0x80)")
        self.assertIn("always 0", decode.error_code_text(8, 0))
        self.assertIn("placeholder", decode.error_code_text(3, 0))

    def test_rflags(self):
        self.assertEqual(decode.rflags_text(0x246), "[PF ZF IF] IOPL=0")
        self.assertEqual(decode.rflags_text(0x3002), "[] IOPL=3")


class PageWalk(unittest.TestCase):
    """A fake physical memory: PML4 at 0x1000, 4 KiB, 2 MiB and 1 GiB pages."""

    MEM = {
        0x1000 + 8 * 0: 0x2003,              # PML4[0] -> PDPT at 0x2000, P W
        0x2000 + 8 * 0: 0x3003,              # PDPT[0] -> PD at 0x3000
        0x2000 + 8 * 2: 0x80000000 | 0x83,   # PDPT[2]: 1 GiB page at 2 GiB, P W PS
        0x3000 + 8 * 1: 0x8000000000400081,  # PD[1]: 2 MiB page at 4 MiB, P PS NX, read-only
        0x3000 + 8 * 0: 0x4007,              # PD[0] -> PT at 0x4000, P W U
        0x4000 + 8 * 0x102: 0x102005,        # PT[0x102]: 4 KiB page 0x102000, P U, read-only
    }

    def walk(self, vaddr):
        return paging.walk(vaddr, 0x1000 | 0x18, lambda p: self.MEM.get(p, 0))  # CR3 flag bits ignored

    def test_4k_page(self):
        w = self.walk(0x102345)
        self.assertEqual((w.phys, w.page_size, w.writable, w.user, w.nx), (0x102345, 4096, False, False, False))
        self.assertEqual([(s.level, s.index) for s in w.steps], [("PML4", 0), ("PDPT", 0), ("PD", 0), ("PT", 0x102)])
        self.assertEqual(w.steps[3].entry_addr, 0x4000 + 8 * 0x102)

    def test_2m_page(self):
        w = self.walk(0x200000 + 0x12345)
        self.assertEqual((w.phys, w.page_size, w.writable, w.nx), (0x412345, 2 << 20, False, True))
        self.assertEqual(len(w.steps), 3)

    def test_1g_page(self):
        w = self.walk((2 << 30) + 0x1234567)
        self.assertEqual((w.phys, w.page_size, len(w.steps)), (0x80000000 + 0x1234567, 1 << 30, 2))

    def test_stops(self):
        for vaddr, level in ((1 << 39, "PML4[1]"), (1 << 30, "PDPT[1]"), (0x600000, "PD[3]"), (0x103000, "PT[259]")):
            w = self.walk(vaddr)
            self.assertIsNone(w.phys)
            self.assertEqual(w.stop, "%s is not present: not mapped" % level)
        w = self.walk(0x0000800000000000)
        self.assertIn("not canonical", w.stop)
        self.assertEqual(w.steps, [])
        self.assertTrue(paging.canonical(0xFFFF800000000000))


# trap_common as GDB disassembles it (AT&T, from lab 02's solution)
TRAP_COMMON_ATT = [
    "push   %rax", "push   %rbx", "push   %rcx", "push   %rdx", "push   %rsi", "push   %rdi",
    "push   %r8", "push   %r9", "push   %r10", "push   %r11", "push   %r12", "push   %r13",
    "push   %r14", "push   %r15", "push   0x80(%rsp)", "push   %rbp", "mov    %rsp,%rbp",
    "mov    %rsp,%rdi", "and    $0xfffffffffffffff0,%rsp", "cld", "call   0x102239 <trap_dispatch>",
    "mov    %rbp,%rsp", "pop    %rbp", "add    $0x8,%rsp", "pop    %r15", "pop    %r14",
    "pop    %r13", "pop    %r12", "pop    %r11", "pop    %r10", "pop    %r9", "pop    %r8",
    "pop    %rdi", "pop    %rsi", "pop    %rdx", "pop    %rcx", "pop    %rbx", "pop    %rax",
    "add    $0x10,%rsp", "iretq",
]
VECTOR, RIP = 128, 144  # struct trap_frame offsets; the helpers read them from DWARF


class StubStack(unittest.TestCase):
    def track(self, asm, index):
        insns = [(0x1000 + i, a) for i, a in enumerate(asm)]
        return stubcode.track_stack(insns, 0x1000 + index, VECTOR)

    def test_prologue(self):
        self.assertEqual(self.track(TRAP_COMMON_ATT, 0), (VECTOR, None, VECTOR))
        self.assertEqual(self.track(TRAP_COMMON_ATT, 14), (VECTOR - 14 * 8, None, VECTOR - 14 * 8))  # before link_rip
        self.assertEqual(self.track(TRAP_COMMON_ATT, 16), (0, None, 0))   # all pushed: RSP = frame
        self.assertEqual(self.track(TRAP_COMMON_ATT, 17), (0, 0, 0))      # RBP = frame too

    def test_call_and_epilogue(self):
        self.assertEqual(self.track(TRAP_COMMON_ATT, 21), (None, 0, 0))   # RSP realigned: use RBP
        self.assertEqual(self.track(TRAP_COMMON_ATT, 22), (0, 0, 0))      # mov rsp, rbp
        self.assertEqual(self.track(TRAP_COMMON_ATT, 23), (8, None, 0))   # pop rbp: RBP is the old one
        self.assertEqual(self.track(TRAP_COMMON_ATT, 39), (RIP, None, 0))  # at iretq: all was written

    def test_intel_syntax(self):
        intel = ["push rax", "push QWORD PTR [rsp+0x80]", "push rbp", "mov rbp,rsp",
                 "and rsp,0xfffffffffffffff0", "add rsp,0x10", "sub rsp,0x8"]
        self.assertEqual(self.track(intel, 3), (VECTOR - 24, None, VECTOR - 24))
        self.assertEqual(self.track(intel, 4), (VECTOR - 24, VECTOR - 24, VECTOR - 24))
        self.assertEqual(self.track(intel, 5), (None, VECTOR - 24, VECTOR - 24))
        self.assertEqual(stubcode.parse_insn("mov    %rsp,%rbp"), ("mov", ["rbp", "rsp"]))
        self.assertEqual(stubcode.parse_insn("push   0x80(%rsp)"), ("push", ["0x80(rsp)"]))


if __name__ == "__main__":
    unittest.main()
