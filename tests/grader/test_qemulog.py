"""QEMU's -d int,cpu_reset log parser (kgrade.qemulog) on logs recorded from
real runs (data/record): a triple fault at a write to .text, an int3 with
no IDT, a #DF chain, and a breakpoint handled normally."""

import unittest

from grader.helpers import Recorded
from kgrade import qemulog
from kgrade.qemulog import QemuLog


def load(name):
    rec = Recorded(name)
    return rec, QemuLog.read(rec.log_path)


class WriteToText(unittest.TestCase):
    """Stage 0 writes to .text with no IDT: #PF, #DF, reset."""

    def setUp(self):
        self.rec, self.log = load("write_text")
        self.lo, self.hi = self.rec.facts["kernel_range"]

    def test_page_fault_fields(self):
        pf = self.log.saw(14, self.lo, self.hi)
        self.assertIsNotNone(pf)
        self.assertEqual(pf.error, 0x3)  # present | write
        self.assertEqual(pf.cr2, self.rec.sym("__text_start") + 0x10)
        start, size = self.rec.facts["symbols"]["scenario_write_text"]
        self.assertTrue(start <= pf.rip < start + size, hex(pf.rip))
        self.assertEqual((pf.cs, pf.ss, pf.cpl, pf.software), (0x18, 0x10, 0, False))
        self.assertEqual(pf.idt, (0, 0x3ff))  # no IDT loaded: the reset value

    def test_questions(self):
        self.assertTrue(self.log.triple_fault)
        self.assertEqual([i.vector for i in self.log.interrupts(self.lo, self.hi)], [14, 8])
        self.assertEqual(self.log.count(14, self.lo, self.hi), 1)
        self.assertIsNone(self.log.saw(14, self.lo, self.hi, error=0x2))
        self.assertIsNone(self.log.saw(14, self.lo, self.hi, cr2=0xdeadbeef))
        self.assertIsNone(self.log.saw(3))

    def test_fault_chain(self):
        chain = self.log.fault_chain(lambda a: "f+%#x" % (a - 0x100000))
        pf = self.log.saw(14)
        self.assertTrue(chain.startswith("#PF at RIP %#x <f+%#x> (CR2 %#x; error 0x3)" % (
            pf.rip, pf.rip - 0x100000, pf.cr2)), chain)
        self.assertIn("#DF", chain)
        self.assertTrue(chain.endswith("then CPU reset (triple fault)"), chain)


class Int3WithoutIdt(unittest.TestCase):
    """The lab-01 skeleton loads no IDT: int3 cannot even be delivered."""

    def setUp(self):
        self.rec, self.log = load("int3_no_idt")

    def test_software_interrupt_first(self):
        first = self.log.interrupts(*self.rec.facts["kernel_range"])[0]
        self.assertEqual((first.vector, first.software), (3, True))
        self.assertEqual(first.rip, self.rec.sym("lab1_bp_return") - 1)  # the int3 itself

    def test_chain_points_at_the_missing_idt(self):
        chain = self.log.fault_chain()
        self.assertTrue(chain.startswith("int3 (#BP) at RIP %#x" % (self.rec.sym("lab1_bp_return") - 1)), chain)
        # Gate 3 is 16 bytes into a table at 0: CR2 0x30 is the gate itself.
        self.assertIn("CR2 0x30 = IDT entry 3 of an IDT at 0x0 that is not mapped", chain)
        self.assertIn("#DF", chain)
        self.assertTrue(chain.endswith("CPU reset (triple fault)"))


class DoubleFaultChain(unittest.TestCase):
    """Lab 01's IDT has no #PF gate: #PF, then #GP (no gate), then #DF, reset."""

    def setUp(self):
        self.rec, self.log = load("df_chain")

    def test_records(self):
        self.assertIsInstance(self.log.records[-1], qemulog.TripleFault)
        raises = [r for r in self.log.records if isinstance(r, qemulog.Raise)]
        self.assertEqual(raises[0], qemulog.Raise(None, 14))  # the first, with nothing pending
        self.assertIn(qemulog.Raise(14, 13), raises)         # #PF found no gate: #GP
        self.assertEqual(raises[-1].pending, 8)              # the #DF could not be delivered either
        pf = self.log.saw(14)
        self.assertEqual((pf.cr2, pf.error), (0xdeadbeef, 0))
        self.assertEqual(pf.idt, (self.rec.sym("idt_table"), 0xfff))

    def test_chain(self):
        chain = self.log.fault_chain()
        parts = chain.split(", then ")
        self.assertTrue(parts[0].startswith("#PF at RIP"), chain)
        self.assertIn("CR2 0xdeadbeef", parts[0])
        self.assertEqual(parts[1:], ["#GP", "#DF", "#GP", "CPU reset (triple fault)"])


class NormalBreakpoint(unittest.TestCase):
    def setUp(self):
        self.rec, self.log = load("int3_ok")

    def test_one_breakpoint_no_reset(self):
        lo, hi = self.rec.facts["kernel_range"]
        self.assertFalse(self.log.triple_fault)
        self.assertIsNone(self.log.fault_chain())
        self.assertEqual(self.log.count(3, lo, hi), 1)
        bp = self.log.saw(3, lo, hi, rip=self.rec.sym("lab1_bp_return") - 1)
        self.assertIsNotNone(bp)
        self.assertTrue(bp.software)
        self.assertEqual(bp.idt, (self.rec.sym("idt_table"), 0xfff))


class Synthetic(unittest.TestCase):
    """Edge cases no recording shows."""

    LINE = ("     0: v=%02x e=%04x i=0 cpl=0 IP=%s:%016x pc=%016x SP=0010:0000000000109f60%s")

    def line(self, v, rip, e=0, cs="0018", cr2=None):
        return self.LINE % (v, e, cs, rip, rip, "" if cr2 is None else " CR2=%016x" % cr2)

    def test_range_filters_firmware_interrupts(self):
        log = QemuLog("\n".join([self.line(0x0e, 0xf1234, cs="f000"), self.line(0x0e, 0x101000, cr2=5)]))
        self.assertEqual(log.count(14), 2)
        self.assertEqual(log.count(14, 0x100000, 0x200000), 1)
        self.assertEqual(log.saw(14, 0x100000, 0x200000).cr2, 5)

    def test_garbage_and_empty(self):
        log = QemuLog("v=zz nonsense\n\x00\xff\ncheck_exception old: bad\n     0: v=0e e=zz\n")
        self.assertEqual(log.records, [])
        self.assertEqual(QemuLog("").records, [])
        self.assertIsNone(QemuLog("").fault_chain())
        self.assertEqual(QemuLog.read("/nonexistent/qemu.log").records, [])

    def test_mnemonics(self):
        self.assertEqual(qemulog.mnemonic(14), "#PF")
        self.assertEqual(qemulog.mnemonic(8), "#DF")
        self.assertEqual(qemulog.mnemonic(0x80), "int 0x80")
        self.assertEqual(qemulog.mnemonic(31), "vector 31")

    def test_idt_gate_from_error_code(self):
        self.assertEqual(qemulog.idt_gate(14 * 8 + 2), 14)          # the SDM's encoding
        self.assertEqual(qemulog.idt_gate(3 * 16 + 2, 3), 3)         # QEMU's long-mode one
        self.assertEqual(qemulog.idt_gate(3 * 8 + 3, 3), 3)          # EXT set
        self.assertEqual(qemulog.idt_gate(6 * 8 + 2, 4), 6)          # context that does not fit

    def test_failed_int3_names_its_gate(self):
        # int3 with an empty IDT: QEMU logs the int3, then #GP with 3 * 16 + 2.
        text = "\n".join([self.line(0x03, 0x101000).replace("i=0", "i=1"),
                          "check_exception old: 0xffffffff new 0xd",
                          self.line(0x0d, 0x101000, e=0x32),
                          "check_exception old: 0xd new 0xd", "Triple fault"])
        self.assertIn("#GP (error 0x32: IDT gate 3 (QEMU writes gate*16+2", QemuLog(text).fault_chain())

    def test_benign_fault_through_a_missing_gate_starts_the_chain(self):
        # ud2 with no gate 6: QEMU logs the #UD, then a #GP about gate 6 raised
        # with "none pending" (a #UD is benign): the chain must start at the #UD.
        text = "\n".join(["check_exception old: 0xffffffff new 0x6",
                          self.line(0x06, 0x1024e5),
                          "check_exception old: 0xffffffff new 0xd",
                          self.line(0x0d, 0x1024e5, e=6 * 16 + 2),
                          "check_exception old: 0xd new 0xd", self.line(0x08, 0x1024e5),
                          "check_exception old: 0x8 new 0xd", "Triple fault"])
        chain = QemuLog(text).fault_chain()
        self.assertTrue(chain.startswith("#UD at RIP 0x1024e5, then #GP (error 0x62: IDT gate 6 "), chain)

    def test_an_unrelated_earlier_fault_is_not_joined(self):
        # A #UD that was handled, then a #GP about gate 13 at the same RIP: the
        # #GP is not about delivering the #UD, so the chain starts at the #GP.
        text = "\n".join(["check_exception old: 0xffffffff new 0x6",
                          self.line(0x06, 0x1024e5),
                          "check_exception old: 0xffffffff new 0xd",
                          self.line(0x0d, 0x1024e5, e=13 * 8 + 2),
                          "check_exception old: 0xd new 0xd", "Triple fault"])
        self.assertTrue(QemuLog(text).fault_chain().startswith("#GP at RIP 0x1024e5"))

    def test_gp_error_names_the_gate(self):
        text = "\n".join(["check_exception old: 0xffffffff new 0xd",
                          self.line(0x0d, 0x101000, e=14 * 8 + 2),
                          "check_exception old: 0xd new 0xd", "Triple fault"])
        chain = QemuLog(text).fault_chain()
        self.assertIn("#GP at RIP 0x101000 (error 0x72: IDT gate 14)", chain)


if __name__ == "__main__":
    unittest.main()
