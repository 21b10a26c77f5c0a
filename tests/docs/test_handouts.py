"""The lab handouts (docs/labNN-name.md): one per lab that has a solution,
in the common format, with exercises numbered like the TODO(n) markers, and
an expected-output block that matches what the solution really prints.

A lab listed in mk/labs.mk without a solutions/ folder yet may lack its
handout (skipped, with the reason); once solutions/NN-name exists, a missing
handout is a failure."""

import os
import re
import sys
import tempfile
import unittest

from docs import helpers
from kgrade import build, check, spec

RUN_KERNEL = os.path.join(helpers.ROOT, "scripts", "run-kernel")


def mask(text):
    """What may differ between the handout and a fresh run: addresses and
    other hex numbers, decimal seeds, the loader on the boot line (GRUB's
    multiboot2 for make lab, PVH for the fast boot used here), and the tree
    in the banner (the solutions run here; students see "from labs")."""
    text = re.sub(r"0x[0-9a-f]+", "0x#", text)
    text = re.sub(r"seed=\d+", "seed=#", text)
    text = re.sub(r"^boot: \S+, ", "boot: #, ", text, flags=re.M)
    # The banner names the tree: the handout shows what a student sees.
    text = re.sub(r"^(lab kernel: stage \d+ \(labs 1-\d+ from )\w+\)$", r"\1labs)", text, flags=re.M)
    return text.rstrip("\n").splitlines()


def demo_output(n, seed):
    """What `make solution N SEED=seed` prints from the banner on, through
    the same run-kernel script, on the fast boot path (no GRUB image)."""
    b = build.build_stage(n, "solutions")
    if not b.ok:
        raise AssertionError("stage %d of the solutions does not build:\n%s" % (n, b.errors))
    with tempfile.TemporaryDirectory(prefix="docs-demo-") as tmp:
        status, out = helpers.run([sys.executable, RUN_KERNEL, "--boot", "fast", "--elf", b.elf,
                                   "--seed", str(seed), "--log", os.path.join(tmp, "qemu.log"),
                                   "--timeout", "60"], timeout=120)
    return status, check.kernel_text(out.replace("\r", ""))


class HandoutTests(unittest.TestCase):
    def handout(self, n):
        path = helpers.handout_path(n)
        if not os.path.exists(path):
            if not helpers.has_solution(n):
                self.skipTest("lab %d: no solutions/%s yet, so no handout is due"
                              % (n, helpers.lab_folders()[n]))
            self.fail("lab %d has solutions/%s but no handout %s" % (
                n, helpers.lab_folders()[n], os.path.relpath(path, helpers.ROOT)))
        return helpers.Handout(path)

    def check_format(self, n):
        h = self.handout(n)
        self.assertRegex(h.title, r"^# Lab %02d — \S" % n, "the first line names the lab")
        self.assertEqual(h.order, helpers.SECTIONS, "the handout's ## sections, in order")
        self.assertTrue(h.figures("Background"), "the background has at least one figure")
        self.assertEqual(len(h.expected_blocks()), 1, "one ```text block under Expected output")
        self.assertRegex(h.sections["Build, run, grade"], r"make (lab|grade) %d\b" % n)
        self.assertRegex(h.sections["Questions"], r"(?m)^1\. ", "numbered questions")

    def check_exercises(self, n):
        h = self.handout(n)
        folder = os.path.join(helpers.SOLUTIONS, helpers.lab_folders()[n])
        if not os.path.isdir(folder):
            self.skipTest("lab %d: no solutions/%s to read TODO markers from" % (
                n, helpers.lab_folders()[n]))
        numbers = h.exercise_numbers()
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)),
                         "exercises are numbered 1..n, in order")
        self.assertEqual(set(numbers), helpers.todo_numbers(folder),
                         "exercise numbers match the TODO(n) markers of %s" % folder)

    def check_test_names(self, n):
        """Every `TEST=x` the handout shows is a scenario of stages 1..n (or
        `list`, or the placeholder `name`)."""
        h = self.handout(n)
        known = {"list", "name"}
        for m in range(1, n + 1):
            try:
                known.update(t.scenario for t in spec.load_lab(m).tests)
            except FileNotFoundError:
                pass
            scen = os.path.join(helpers.ROOT, "grader", "scenarios", helpers.lab_folders()[m])
            for text in helpers.text_files(scen).values():
                known.update(re.findall(r"SCENARIO(?:_DEMO)?\((\w+)", text))
        named = set(re.findall(r"TEST=(\w+)", h.text))
        self.assertFalse(named - known, "TEST= names that are no scenario")

    def check_expected_output(self, n):
        h = self.handout(n)
        if not helpers.has_solution(n):
            self.skipTest("lab %d: no solution to boot yet" % n)
        block = h.expected_blocks()[0]
        self.assertTrue(block.startswith("lab kernel: stage %d " % n),
                        "the block starts at the banner line")
        seed = re.search(r"seed=(\d+)", block)
        status, out = demo_output(n, int(seed.group(1)) if seed else 1)
        want, got = mask(block), mask(out)
        if want != got:
            import difflib
            diff = "\n".join(difflib.unified_diff(want, got, "handout (masked)",
                                                  "solution (masked)", lineterm=""))
            self.fail("docs/%s: the expected output is stale:\n%s" % (
                os.path.basename(h.path), diff))


def _add(n):
    for kind in ("format", "exercises", "test_names", "expected_output"):
        def test(self, kind=kind):
            getattr(self, "check_" + kind)(n)
        setattr(HandoutTests, "test_lab%d_%s" % (n, kind), test)


for _n in sorted(helpers.lab_folders()):
    _add(_n)


class MaskTests(unittest.TestCase):
    """The comparison must not hide what a reader relies on."""

    def test_mask_keeps_text_and_decimal_values(self):
        self.assertNotEqual(mask("int3 executed 200 times"), mask("int3 executed 201 times"))
        self.assertNotEqual(mask("RIP: 0018:0x10"), mask("RIP: 0008:0x10"))
        self.assertEqual(mask("boot: pvh, cmdline \"seed=3\"\nCR2: 0x1f"),
                         mask("boot: multiboot2, cmdline \"seed=12\"\nCR2: 0xdeadbeef"))


if __name__ == "__main__":
    unittest.main()
