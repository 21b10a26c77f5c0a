"""The gate decoder the lab 1 and 2 specs share (kgrade.idtgate), and the
call-trace parser (patterns.call_traces): nothing boots."""

import unittest

from kgrade import check, idtgate, patterns


def raw(handler, selector, ist, gate_type, dpl):
    """The 16 bytes of a present gate, from the SDM's layout."""
    attr = 0x80 | dpl << 5 | gate_type
    lo = (handler & 0xFFFF) | selector << 16 | ist << 32 | attr << 40 | ((handler >> 16) & 0xFFFF) << 48
    return lo, handler >> 32


def run():
    return check.Run(None, 1, None, "", None, None)


class Gates(unittest.TestCase):
    def test_decode_round_trips_every_field(self):
        args = (0xFFFF8000DEADBEEF, 0x2B, 5, idtgate.TRAP_GATE, 3)
        lo, hi = raw(*args)
        self.assertEqual(idtgate.decode(lo, hi), idtgate.expected(*args))
        self.assertEqual(idtgate.offset(lo, hi), args[0])

    def test_one_problem_per_wrong_field_naming_the_first_case(self):
        want = idtgate.expected(0x123456789A, 0x18, 0, idtgate.KERNEL_GATE_TYPES, 0)
        good = raw(0x123456789A, 0x18, 0, idtgate.INTERRUPT_GATE, 0)
        bad = raw(0x789A, 0x18, 0, idtgate.INTERRUPT_GATE, 3)  # offset bits 16-63 lost, DPL 3
        r = run()
        self.assertFalse(idtgate.compare(r, [("gate 1", good, want), ("gate 2", bad, want), ("gate 3", bad, want)]))
        self.assertEqual(len(r.problems), 3, r.problems)  # offset bits 16-31, 32-63, DPL
        self.assertIn("gate 2 offset bits 32-63: expected 0x12, got 0x0 (wrong in 2 of 3 gates)", r.problems)

    def test_either_type_is_accepted(self):
        r = run()
        want = idtgate.expected(0x1000, 0x18, 0, idtgate.KERNEL_GATE_TYPES, 0)
        self.assertTrue(idtgate.compare(r, [("gate", raw(0x1000, 0x18, 0, idtgate.TRAP_GATE, 0), want)]))
        self.assertFalse(idtgate.compare(r, [("gate", raw(0x1000, 0x18, 0, 0x6, 0), want)]))
        self.assertEqual(r.problems, ["gate type: expected 0xe or 0xf, got 0x6"])


class CallTraces(unittest.TestCase):
    def test_blocks_in_order_and_folded_repeats_skipped(self):
        text = ("Call Trace:\n  0x0000000000101000 <f+0x10>\n  ... the line above 3 more times\n"
                "  0x0000000000102000\nnext line\n  0x0000000000103000 <not+0x1>\n"
                "Call Trace:\n  0x0000000000104000 <g+0x4>\n")
        self.assertEqual(patterns.call_traces(text),
                         [[(0x101000, "f+0x10"), (0x102000, "")], [(0x104000, "g+0x4")]])


if __name__ == "__main__":
    unittest.main()
