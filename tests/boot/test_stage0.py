"""Stage 0, the core on its own, on both boot paths (fast: QEMU -kernel with
the PVH note; grub: the ISO, the command line through SMBIOS): the banner,
the scenario registry, the unknown-scenario error, and the page-table
permissions, read from QEMU's -d int log since stage 0 has no IDT."""

import re
import unittest

from boot import kernel
from kgrade import qemu
from kgrade.symbols import Symbols

# scenario: (page-fault error code, symbol CR2 is relative to, offset)
FAULTS = {
    "write_text": (0x3, "__text_start", 0x10),     # present | write
    "write_rodata": (0x3, "__rodata_start", 0),    # present | write
    "exec_data": (0x11, "data_code", 0),           # present | instruction fetch
    "read_unmapped": (0x0, None, 0xdeadbeef),      # not present, read
}
RUNS = {
    "demo": "seed=5",
    "list": "test=list",
    "unknown": "test=no_such_thing seed=3",
    "read_text": "test=read_text",
}
RUNS.update({name: "test=%s seed=1" % name for name in FAULTS})


class Stage0(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.build = kernel.stage(0, "labs", iso=True)
        cls.sym = Symbols(cls.build.elf)
        cls.boots = kernel.boot_all({(name, path): (cls.build, cmdline, path)
                                     for name, cmdline in RUNS.items() for path in kernel.BOOTS})

    def each_path(self, name):
        for path in kernel.BOOTS:
            with self.subTest(boot=path):
                yield path, self.boots[name, path]

    def test_banner_and_command_line(self):
        loader = {"fast": "pvh", "grub": "multiboot2"}
        for path, b in self.each_path("demo"):
            lines = b.text.splitlines()
            self.assertEqual(lines[0], "lab kernel: stage 0 (core only)")
            self.assertEqual(lines[1], 'boot: %s, cmdline "seed=5"' % loader[path])
            self.assertIn("Hello from the lab kernel core.", b.text)  # the demo runs without test=
            self.assertEqual(b.status, qemu.SUCCESS)

    def test_list(self):
        want = kernel.core_scenarios()
        self.assertIn("write_text", want)
        for path, b in self.each_path("list"):
            self.assertEqual(b.status, qemu.SUCCESS)
            listed = re.findall(r"^  (\w+)\s+lab 0(?: \(demo\))?\s+(.*)$", b.text, re.M)
            self.assertEqual(dict(listed), want)
            self.assertEqual([n for n, _ in listed], sorted(want))  # sorted by name
            self.assertRegex(b.text, r"(?m)^  hello\s+lab 0 \(demo\)")

    def test_unknown_scenario(self):
        for path, b in self.each_path("unknown"):
            self.assertEqual(b.status, qemu.FAILURE)
            self.assertEqual(b.result.exit_code, 35)
            self.assertIn("unknown scenario 'no_such_thing'", b.text)
            listed = re.findall(r"^  (\w+)\s+lab 0", b.text, re.M)
            self.assertEqual(sorted(listed), sorted(kernel.core_scenarios()))

    def test_page_permissions(self):
        lo, hi = self.sym.kernel_range
        for name, (error, base, offset) in FAULTS.items():
            addr = (self.sym[base] if base else 0) + offset
            for path, b in self.each_path(name):
                with self.subTest(scenario=name):
                    self.assertEqual(b.status, qemu.TRIPLE_FAULT, b.text)  # no IDT at stage 0
                    pf = b.log.saw(14, lo, hi)
                    self.assertIsNotNone(pf, "QEMU saw no #PF from the kernel")
                    self.assertEqual((pf.error, pf.cr2), (error, addr),
                                     "error %#x CR2 %#x" % (pf.error, pf.cr2 or 0))
                    if name == "exec_data":  # the fetch itself faults: RIP = CR2
                        self.assertEqual(pf.rip, addr)
                    else:
                        self.assertTrue(self.sym.symbolize(pf.rip).startswith("scenario_" + name + "+"),
                                        self.sym.symbolize(pf.rip))
                    self.assertNotIn("did not fault", b.text)

    def test_allowed_accesses(self):
        for path, b in self.each_path("read_text"):
            self.assertEqual(b.status, qemu.SUCCESS, b.text)
            self.assertRegex(b.text, r"(?m)^read \.text and \.rodata \(sum 0x[0-9a-f]{2}\), wrote \.data: ok$")
            self.assertIn("scenario read_text: done", b.text)
            lo, hi = self.sym.kernel_range
            self.assertEqual(b.log.interrupts(lo, hi), [])


if __name__ == "__main__":
    unittest.main()
