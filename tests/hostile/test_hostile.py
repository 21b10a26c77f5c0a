"""Hostile kernels get the right status, in bounded time, and leave no QEMU
behind.

Each kernel is stage 0 plus one source of this folder (the stage builder's
EXTRA_SRCS), in its own build folder. Each run goes through the grader's
own machinery (kgrade.qemu.run, then kgrade.check.evaluate) with lab 01's
real `breakpoint` test: its expectations, end, check and witness; only the
scenario is the hostile one, and the timeout and serial cap are smaller so
the suite stays fast (the mechanism is the same at any size).
"""

import concurrent.futures
import copy
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from kgrade import build, check, labs, qemu, report, runner, spec
from kgrade.symbols import Symbols

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(labs.ROOT, "build", "tests", "hostile")
TIMEOUT = 3.0            # seconds per run
MARGIN = 2.0             # a verdict must come within TIMEOUT + MARGIN
SERIAL_CAP = 64 << 10    # bytes; the flood writes 100 MB
LOG_CAP = 16 << 20       # bytes of QEMU's log kept for a failed test, at most
MB2_MAGIC = struct.pack("<I", 0xE85250D6)

# run name: (source, scenario, boot path, expected status)
RUNS = {
    "hang": ("hang_cli.c", "hostile_hang", "fast", check.TIMEOUT),
    "busy": ("busy_loop.c", "hostile_busy", "fast", check.TIMEOUT),
    "flood": ("serial_flood.c", "hostile_flood", "fast", check.OUTPUT_LIMIT),
    "triple_at_boot": ("triple_at_boot.c", "breakpoint", "fast", check.TRIPLE),
    "fake_pass": ("fake_pass.c", "hostile_fake_breakpoint", "fast", check.FAIL),
    "early_exit": ("early_exit.c", "hostile_early_exit", "fast", check.FAIL),
    "garbage": ("garbage.c", "hostile_garbage", "fast", check.FAIL),
    "fault_loop": ("fault_loop.c", "hostile_fault_loop", "fast", check.TIMEOUT),
    "bad_header": ("early_exit.c", "hostile_early_exit", "fast", check.QEMU_ERROR),
    "bad_header_grub": ("early_exit.c", "hostile_early_exit", "grub", check.QEMU_ERROR),
}


def breakpoint_test(scenario):
    """Lab 01's breakpoint test, aimed at another scenario."""
    real = [t for t in spec.load_lab(1).tests if t.name == "breakpoint"][0]
    t = copy.copy(real)
    t.scenario, t.timeout, t.max_serial = scenario, TIMEOUT, SERIAL_CAP
    return t


def build_hostile(source):
    b = build.build_stage(0, "labs", extra_srcs=[os.path.join(HERE, source)],
                          out=os.path.join(OUT, os.path.splitext(source)[0]))
    if not b.ok:
        raise AssertionError("%s does not build:\n%s" % (source, b.errors))
    return b


def without_boot_headers(elf, out_dir):
    """A copy of elf with its multiboot2 header and PVH note zeroed, and a
    GRUB ISO of it; returns (elf copy, iso)."""
    with open(elf, "rb") as f:
        data = bytearray(f.read())
    mb2 = data.find(MB2_MAGIC)
    assert 0 <= mb2 < 32768, "no multiboot2 header in %s" % elf
    data[mb2:mb2 + 16] = bytes(16)  # magic, architecture, length, checksum
    sections = subprocess.run(["readelf", "-SW", elf], capture_output=True, text=True).stdout
    m = re.search(r"\.note\.pvh\s+NOTE\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    off, size = int(m.group(1), 16), int(m.group(2), 16)
    data[off:off + size] = bytes(size)
    iso_dir = os.path.join(out_dir, "isodir")
    shutil.rmtree(iso_dir, ignore_errors=True)
    os.makedirs(os.path.join(iso_dir, "boot", "grub"))
    bad = os.path.join(iso_dir, "boot", "kernel.elf")
    with open(bad, "wb") as f:
        f.write(data)
    shutil.copyfile(os.path.join(labs.ROOT, "scripts", "grub.cfg"), os.path.join(iso_dir, "boot", "grub", "grub.cfg"))
    iso = os.path.join(out_dir, "kernel.iso")
    subprocess.run(["grub-mkrescue", "-o", iso, iso_dir], check=True, capture_output=True)
    return bad, iso


def qemus_using(path):
    """PIDs of live processes whose command line mentions path."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if path.encode() in f.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


class Graded:
    """One hostile run as the grader judges it."""

    def __init__(self, name, elf, iso, boot, test, log_dir):
        self.name, self.test = name, test
        start = time.monotonic()
        self.result_elf = elf
        syms = Symbols(elf)
        # run= is ignored by the kernel: it marks this QEMU's command line.
        line = "test=%s seed=9 run=hostile-%s" % (test.scenario, name)
        self.result = qemu.run(qemu.argv(boot=boot, elf=elf, iso=iso, cmdline=line),
                               timeout=test.timeout, max_serial=test.max_serial, kernel_range=syms.kernel_range)
        self.outcome = check.evaluate(test, self.result, 9, syms)
        self.elapsed = time.monotonic() - start
        self.leftovers = qemus_using("run=hostile-%s\0" % name)  # the end of the argument


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log_dir = tempfile.mkdtemp(prefix="hostile-")
        builds = {src: build_hostile(src) for src in sorted({r[0] for r in RUNS.values()})}
        bad_dir = os.path.join(OUT, "bad_header")
        os.makedirs(bad_dir, exist_ok=True)
        cls.bad_elf, bad_iso = without_boot_headers(builds["early_exit.c"].elf, bad_dir)
        jobs = {}
        for name, (src, scenario, boot, _) in RUNS.items():
            elf, iso = builds[src].elf, None
            if name.startswith("bad_header"):
                elf, iso = cls.bad_elf, bad_iso
            jobs[name] = (elf, iso, boot, breakpoint_test(scenario))
        # The long runs (timeouts) first, so they overlap the short ones.
        order = sorted(jobs, key=lambda n: RUNS[n][3] not in (check.TIMEOUT, check.OUTPUT_LIMIT))
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = {n: pool.submit(Graded, n, *jobs[n], cls.log_dir) for n in order}
            cls.runs = {n: f.result() for n, f in futures.items()}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.log_dir, ignore_errors=True)

    def test_status_score_time_and_no_leftover(self):
        for name, (_, _, _, status) in RUNS.items():
            g = self.runs[name]
            with self.subTest(kernel=name):
                self.assertEqual(g.outcome.status, status, g.outcome.message)
                self.assertEqual(g.outcome.score, 0)
                self.assertLessEqual(g.elapsed, TIMEOUT + MARGIN)
                self.assertEqual(g.leftovers, [], "QEMU still running after the verdict")

    def test_hang_and_busy_loop(self):
        for name in ("hang", "busy"):
            g = self.runs[name]
            self.assertGreaterEqual(g.result.duration, TIMEOUT)  # killed at the deadline, not before
            self.assertIn("no verdict after", g.outcome.message)
            self.assertIn("scenario: hostile_", g.outcome.message)  # the last output says where

    def test_a_fault_loop_log_stays_bounded(self):
        # QEMU logs each of its hundreds of thousands of #UD deliveries: the
        # log is parsed as it streams, and only a bounded part is kept.
        # (How much QEMU writes in TIMEOUT seconds depends on the machine's
        # load; tests/grader/test_one_source.py's BoundedLog cuts a log for sure.)
        g = self.runs["fault_loop"]
        self.assertLess(len(g.result.log_text), LOG_CAP, "kept %d bytes of the log" % len(g.result.log_text))
        self.assertLessEqual(len(g.result.log.records), 25000)
        lo, hi = Symbols(g.result_elf).kernel_range
        self.assertGreater(g.result.log.count(6, lo, hi), 1000)  # exact, though records may be cut
        self.assertLessEqual(g.elapsed, TIMEOUT + 1.0)

    def test_flood_is_capped(self):
        g = self.runs["flood"]
        self.assertEqual(len(g.result.serial), SERIAL_CAP)
        self.assertIn("more than %d bytes" % SERIAL_CAP, g.outcome.message)

    def test_triple_fault_at_boot_is_explained(self):
        m = self.runs["triple_at_boot"].outcome.message
        self.assertRegex(m, r"int3 \(#BP\) at RIP 0x[0-9a-f]+ <hostile_triple_init\+0x[0-9a-f]+>")
        self.assertRegex(m, r"then #GP \(error 0x[0-9a-f]+: IDT gate 3\b")  # the int3's own gate
        self.assertIn("#DF", m)
        self.assertIn("CPU reset (triple fault)", m)
        self.assertIn("init: lab 0 hostile_triple_init", m)  # the last output before it
        self.assertNotIn("scenario: breakpoint", m)

    def test_fake_output_loses_only_the_witness(self):
        g = self.runs["fake_pass"]
        # Every printed value checks out; only QEMU's log gives the lie.
        self.assertEqual(len(g.outcome.message.splitlines()), 1, g.outcome.message)
        self.assertTrue(g.outcome.message.startswith("QEMU's log shows no vector 3"), g.outcome.message)
        self.assertIn("It did not crash!", g.result.text)

    def test_early_exit(self):
        g = self.runs["early_exit"]
        self.assertEqual(g.result.status, qemu.SUCCESS)  # it did exit with the success code
        self.assertIn("expected /^EXCEPTION: BREAKPOINT", g.outcome.message)

    def test_garbage_is_tolerated_and_reported_cleanly(self):
        g = self.runs["garbage"]
        self.assertIn("\ufffd", g.result.text)  # undecodable bytes were replaced, not fatal
        r = runner.TestResult(g.test, g.outcome)
        ET.fromstring(report.to_junit([r]))  # still well-formed XML
        for line in report.text_lines([r]):
            self.assertIsNone(re.search("[\x00-\x08\x0b-\x1f\x7f]", line), repr(line))

    def test_bad_header(self):
        self.assertIn("PVH ELF Note", self.runs["bad_header"].outcome.message)
        # GRUB says so, then waits at its prompt: the grader quotes it.
        self.assertIn("error: no multiboot header found", self.runs["bad_header_grub"].outcome.message)
        r = subprocess.run(["grub-file", "--is-x86-multiboot2", self.bad_elf])
        self.assertNotEqual(r.returncode, 0)  # GRUB's own check sees it too


if __name__ == "__main__":
    unittest.main()
