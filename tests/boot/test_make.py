"""The Makefile's front door: bad lab numbers get one line and exit 2,
`make lab 0 TEST=list` boots the GRUB ISO and lists the stage-0 scenarios,
and the committed labs/ is what the skeleton generator makes."""

import os
import re
import subprocess
import unittest

from boot import kernel


def make(*args, timeout=120):
    env = dict(os.environ, LAB_TIMEOUT="20")
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", "-C", kernel.ROOT] + list(args),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=env, timeout=timeout)


class BadLabNumbers(unittest.TestCase):
    def check_one_line(self, args, message):
        r = make(*args)
        lines = r.stdout.strip().splitlines()
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertEqual(len(lines), 1, r.stdout)
        self.assertIn(message, lines[0])

    def test_out_of_range(self):
        self.check_one_line(["lab", "9"], "no lab 9: labs are 1-4")
        self.check_one_line(["lab", "N=9"], "no lab 9: labs are 1-4")
        self.check_one_line(["solution", "5"], "no lab 5: labs are 1-4")
        self.check_one_line(["test", "7"], "no lab 7: labs are 1-4")

    def test_missing(self):
        self.check_one_line(["lab"], "labs are 1-4")

    def test_not_a_number(self):
        self.check_one_line(["lab", "x"], "no lab x: labs are 1-4")


class LabZero(unittest.TestCase):
    def test_list_on_the_grub_iso(self):
        r = make("lab", "0", "TEST=list")
        self.assertEqual(r.returncode, 0, r.stdout[-2000:])
        self.assertIn("boot: multiboot2", r.stdout)  # the ISO, as students boot it
        listed = re.findall(r"^  (\w+)\s+lab 0", r.stdout, re.M)
        self.assertEqual(sorted(listed), sorted(kernel.core_scenarios()))


class Skeletons(unittest.TestCase):
    def test_committed_labs_are_generated(self):
        r = subprocess.run([os.path.join(kernel.ROOT, "scripts", "make-skeletons"), "check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
