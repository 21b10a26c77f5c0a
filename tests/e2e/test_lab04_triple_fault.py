"""Lab 04's untouched skeleton has no IST stack, so its kernel stack overflow
ends in a triple fault. The grader must say so and name QEMU's chain: the
#PF in kernel_stack's guard page, the #PF of pushing its frame, the #DF,
the #PF of pushing that one, and the reset."""

import re
import unittest

from e2e import common
from kgrade import build, check, runner
from kgrade.symbols import Symbols

CHAIN = re.compile(
    r"^triple fault: #PF at RIP (?P<rip>0x[0-9a-f]+) <overflow_recurse\+0x[0-9a-f]+> "
    r"\(CR2 (?P<cr2>0x[0-9a-f]+) = the guard page of kernel_stack: a stack overflow; error 0x2\), "
    r"then #PF, then #DF, then #PF, then CPU reset \(triple fault\)$", re.M)


class Lab4TripleFault(unittest.TestCase):
    pass


def make_test(boot):
    def test(self):
        results = runner.grade([4], tree="labs", base="solutions", boot=boot,
                               tests_filter=["stack_overflow"])
        self.assertEqual([r.name for r in results], ["stack_overflow"])
        r = results[0]
        self.assertEqual(r.status, check.TRIPLE, r.message)
        self.assertEqual(r.score, 0)
        m = CHAIN.search(r.message)
        self.assertTrue(m, "the grader's message does not name the chain:\n" + r.message)
        # The values in the message are the machine's, not just the right words.
        sym = Symbols(build.build_on_base(4, "labs", "solutions")[0].elf)  # as the grader built it
        guard = sym["kernel_stack"]
        self.assertTrue(guard <= int(m["cr2"], 16) < guard + 4096, r.message)
        rip = int(m["rip"], 16)
        self.assertTrue(sym["overflow_recurse"] <= rip < sym.end("overflow_recurse"), r.message)
        self.assertIn("running on kernel_stack", r.message, "the message shows the last output")
    return test


for _boot in common.boots():
    setattr(Lab4TripleFault, "test_lab4_skeleton_stack_overflow_names_triple_fault_chain_%s" % _boot,
            make_test(_boot))
