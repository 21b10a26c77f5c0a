"""kgrade.x86model, the grader's own answers for labs 03 and 04, against
values taken from the architecture manuals (not from the solutions)."""

import unittest

from kgrade import x86model as M


class ErrorCode(unittest.TestCase):
    def test_words(self):
        # (code, who, access, cause, flags): what Linux would print for each
        cases = [(0x0, "supervisor", "read access", "not-present page", ""),
                 (0x9, "supervisor", "read access", "reserved bit violation", "PROTECTION_VIOLATION MALFORMED_TABLE"),
                 (0x15, "user", "instruction fetch", "protection violation",
                  "PROTECTION_VIOLATION USER_MODE INSTRUCTION_FETCH"),
                 (0x8006, "user", "write access", "not-present page", "CAUSED_BY_WRITE USER_MODE SGX"),
                 (1 << 40 | 0x80, "supervisor", "read access", "not-present page", "BIT7 BIT40")]
        for code, who, access, cause, flags in cases:
            with self.subTest(code=hex(code)):
                self.assertEqual((M.pf_who(code), M.pf_access(code), M.pf_cause(code), M.pf_flags(code)),
                                 (who, access, cause, flags))

    def test_mode_is_the_privilege_level(self):
        self.assertEqual([M.cpl_mode(cs) for cs in (0x08, 0x18, 0x2b, 0x33)], ["kernel", "kernel", "user", "user"])


class Walk(unittest.TestCase):
    def test_index_and_leaf(self):
        va = 0xFFFF8000_1234_5678
        self.assertEqual([M.index(va, lv) for lv in (4, 3, 2, 1)], [256, 0, 0x91, 0x145])
        # 2 MiB leaf with PAT (bit 12) and a stray bit 13: neither is address
        self.assertEqual(M.leaf_phys(0x8000_0000_4020_3083, 2, va), 0x4020_0000 | (va & 0x1FFFFF))
        self.assertEqual(M.leaf_phys(0x0000_0001_4000_1087, 3, va), 0x1_4000_0000 | (va & 0x3FFFFFFF))

    def test_walk_stops_on_present_and_size(self):
        root, pdpt = 0x1000, 0x2000
        va = 5 << 30 | 0x1234
        mem = {root: pdpt | 1 | 1 << 63 | 1 << 55,        # NX and an ignored bit: not address
               pdpt + 8 * 5: 0x4000_0000 | 0x81 | 1 << 12,  # 1 GiB page, PAT set
               pdpt + 8 * 6: 0x80 | 0x4000_0000}            # PS but not present
        steps, last, phys, size = M.walk(lambda pa: mem.get(pa, 0), root, va)
        self.assertEqual((last, phys, size, steps[3][0]), (3, 0x4000_0000 | 0x1234, 1 << 30, pdpt))
        steps, last, phys, size = M.walk(lambda pa: mem.get(pa, 0), root, 6 << 30)
        self.assertEqual((last, phys), (3, None))


class Descriptor(unittest.TestCase):
    def test_segment(self):
        self.assertEqual(M.segment(0, 0xFFFFF, 0x9A, 0xA), 0x00AF9A000000FFFF)   # 64-bit kernel code
        self.assertEqual(M.segment(0x12345678, 0xABCDE, 0x9A, 0xC), 0x12CA9A345678BCDE)
        self.assertEqual(M.segment(0, 0xFFFFFFFF, 0, 0xFF), 0x00FF00000000FFFF)  # limit, flags masked


if __name__ == "__main__":
    unittest.main()
