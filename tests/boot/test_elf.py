"""The ELF of every stage that exists (stage 0, then each lab of the
solutions as it lands): GRUB accepts it as multiboot2, the host toolchain
leaked nothing into it (no GOT, no stack protector, nothing undefined),
every loaded segment is W^X, and the second link (which embeds .ksyms)
moved no symbol."""

import re
import subprocess
import unittest

from boot import kernel

LEAKS = ("_GLOBAL_OFFSET_TABLE_", "__stack_chk_fail")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def load_segments(elf):
    """[(vaddr, flags)] of the PT_LOAD program headers."""
    out = run("readelf", "-lW", elf).stdout
    return [(m.group(1), m.group(2).replace(" ", "")) for m in re.finditer(
        r"^\s*LOAD\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+([RWE ]+?)\s+0x",
        out, re.M)]


def symbols_by_section(elf):
    """Sorted [(name, value)] of the ELF's named symbols outside .ksyms
    (FILE and SECTION symbols left out), and the .ksyms ones apart."""
    sections = {}
    for m in re.finditer(r"^\s*\[\s*(\d+)\]\s+(\S+)", run("readelf", "-SW", elf).stdout, re.M):
        sections[m.group(1)] = m.group(2)
    kept, ksyms = [], []
    for line in run("readelf", "-sW", elf).stdout.splitlines():
        f = line.split()
        if len(f) < 8 or not re.match(r"\d+:$", f[0]) or f[3] in ("FILE", "SECTION"):
            continue
        entry = (f[7], int(f[1], 16))
        (ksyms if sections.get(f[6]) == ".ksyms" else kept).append(entry)
    return sorted(kept), sorted(ksyms)


class StageElves(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stages = kernel.stages("solutions")
        cls.builds = {n: kernel.stage(n, "solutions") for n in cls.stages}

    def each(self):
        for n, b in self.builds.items():
            with self.subTest(stage=n):
                yield n, b

    def test_stages_found(self):
        self.assertEqual(self.stages[:3], [0, 1, 2])

    def test_multiboot2(self):
        for n, b in self.each():
            r = run("grub-file", "--is-x86-multiboot2", b.elf)
            self.assertEqual(r.returncode, 0, "grub-file rejects %s: %s" % (b.elf, r.stderr))

    def test_no_toolchain_leaks(self):
        for n, b in self.each():
            names = set(run("nm", b.elf).stdout.split())
            for leak in LEAKS:
                self.assertNotIn(leak, names)
            undefined = run("nm", "-u", b.elf).stdout.strip()
            self.assertEqual(undefined, "", "undefined symbols in stage %d" % n)

    def test_segments_w_xor_x(self):
        for n, b in self.each():
            segs = load_segments(b.elf)
            self.assertGreaterEqual(len(segs), 3)  # text, rodata, data at least
            self.assertTrue(any("E" in f for _, f in segs))
            self.assertTrue(any("W" in f for _, f in segs))
            for vaddr, flags in segs:
                self.assertFalse("W" in flags and "E" in flags, "segment at %s is %s" % (vaddr, flags))

    def test_second_link_moves_nothing(self):
        for n, b in self.each():
            first, first_ksyms = symbols_by_section(b.out + "/kernel.pass1.elf")
            final, final_ksyms = symbols_by_section(b.elf)
            self.assertGreater(len(final), 100)
            self.assertEqual({s for s, _ in first_ksyms}, {s for s, _ in final_ksyms})
            moved = sorted(set(first) ^ set(final))
            self.assertEqual(moved, [], "symbols that differ between the two links")


if __name__ == "__main__":
    unittest.main()
