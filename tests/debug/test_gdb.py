"""GDB batch sessions against the solutions, one stage per lab: make debug's
launcher (scripts/debug-kernel --batch) boots the ELF directly, stops in a
handler, and the helpers' output is checked against values the test
computes itself (seeds, symbols from nm). Afterwards no QEMU may remain.

Each session is bounded (--timeout, and a subprocess timeout above it).
"""

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest

from kgrade import qemu
from kgrade.build import build_stage
from kgrade.seed import value_range
from kgrade.symbols import Symbols

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEBUG_KERNEL = os.path.join(ROOT, "scripts", "debug-kernel")
SESSION_TIMEOUT = 20
MARK = "@@ "  # precedes each command's output, from GDB's echo


def have_tools():
    return shutil.which("gdb") is not None and qemu.have_qemu()


def qemu_on_port(port):
    """PIDs of processes whose command line has our gdbstub address."""
    needle = ("tcp:127.0.0.1:%d" % port).encode()
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if needle in f.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


_elves = {}


def stage_elf(stage):
    if stage not in _elves:
        b = build_stage(stage, "solutions")
        if not b.ok:
            raise AssertionError("stage %d of solutions does not build:\n%s" % (stage, b.errors))
        _elves[stage] = b.elf
    return _elves[stage]


class Session:
    """One batch run: commands after kmain, output split per command."""

    def __init__(self, stage, test, seed, commands):
        self.elf = stage_elf(stage)
        self.syms = Symbols(self.elf)
        with tempfile.TemporaryDirectory(prefix="gdb-test-") as tmp:
            script = os.path.join(tmp, "commands.gdb")
            with open(script, "w") as f:
                for c in commands:  # a marker line naming the command, then the command
                    f.write("echo \\n%s%s\\n\n%s\n" % (MARK, c.splitlines()[0], c))
            t0 = time.monotonic()
            run = subprocess.run(
                [sys.executable, DEBUG_KERNEL, "--boot", "fast", "--elf", self.elf, "--test", test,
                 "--seed", str(seed), "--serial", os.path.join(tmp, "serial.txt"),
                 "--log", os.path.join(tmp, "qemu.log"), "--batch", script,
                 "--timeout", str(SESSION_TIMEOUT)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=SESSION_TIMEOUT + 10)
            self.duration = time.monotonic() - t0
        self.rc = run.returncode
        self.out = run.stdout.decode("utf-8", "replace")
        m = re.search(r"gdbstub: 127\.0\.0\.1:(\d+)", self.out)
        self.port = int(m.group(1)) if m else None
        self.sections = {}
        for chunk in self.out.split("\n" + MARK)[1:]:
            name, _, body = chunk.partition("\n")
            self.sections[name] = body

    def __getitem__(self, command):
        return self.sections[command]


class GdbCase(unittest.TestCase):
    def setUp(self):
        if not have_tools():
            self.skipTest("gdb or qemu-system-x86_64 missing (make deps)")

    def session(self, stage, test, seed, commands):
        s = Session(stage, test, seed, commands)
        context = "\n--- session output ---\n" + s.out[-6000:]
        self.assertEqual(s.rc, 0, "debug-kernel failed" + context)
        self.assertIsNotNone(s.port, "no gdbstub port printed" + context)
        self.assertIn("== GDB quit; QEMU stopped", s.out, context)
        self.assertEqual(qemu_on_port(s.port), [], "QEMU is still running after GDB quit")
        for bad in ("Python Exception", "Traceback", "Error in sourced command file"):
            self.assertNotIn(bad, s.out, context)
        for c in commands:
            self.assertIn(c.splitlines()[0], s.sections, "no output for %r%s" % (c, context))
        return s

    def assert_frames(self, bt, names):
        """bt lists names as consecutive frames #0, #1, ..."""
        got = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+)", bt, re.M)
        got_names = [n for _, n in got]
        for i, name in enumerate(names):
            self.assertTrue(i < len(got_names) and got_names[i] == name,
                            "frame #%d should be %s:\n%s" % (i, name, bt))


class Lab01(GdbCase):
    def test_breakpoint_handler(self):
        s = self.session(1, "breakpoint", 1, ["break exc_breakpoint", "continue", "bt", "k-frame", "k-idt 3"])
        # GCC's CFI for __attribute__((interrupt)) leads straight to the interrupted code.
        self.assert_frames(s["bt"], ["exc_breakpoint", "scenario_breakpoint", "scenario_run", "kmain"])
        self.assertIn("vector 3: #BP BREAKPOINT (IDT gate 3 points at exc_breakpoint)", s["k-frame"])
        self.assertIn("RIP: 0018:0x%016x" % s.syms["lab1_bp_return"], s["k-frame"])
        self.assertRegex(s["k-idt 3"], r"\n\s+3\s+#BP\s+0x%016x <exc_breakpoint>\s+0x18\s+interrupt gate\s+0\s+0\s+1"
                         % s.syms["exc_breakpoint"])


class Lab02(GdbCase):
    def test_gp_error_code_and_unwinding(self):
        seed = 7
        selector = value_range(seed, 0, 16, 1000) << 3  # frames_scenarios.c: bad_selector()
        s = self.session(2, "error_code_gp", seed,
                         ["break trap_dispatch", "continue", "bt", "k-frame", "k-idt 13", "k-gdt", "k-tss"])
        self.assert_frames(s["bt"], ["trap_dispatch", "<trap", "scenario_error_code_gp", "scenario_run", "kmain"])
        self.assertIn("<trap #GP err=0x%x> (tf=" % selector, s["bt"])
        self.assertRegex(s["bt"], r"#\d+\s+0x0*%x in scenario_error_code_gp" % s.syms["lab2_gp_insn"])
        frame = s["k-frame"]
        self.assertIn("vector 13: #GP GENERAL PROTECTION FAULT", frame)
        self.assertIn("error code: 0x%04x GDT index %d (selector 0x%x)" % (selector, selector >> 3, selector), frame)
        self.assertIn("RIP: 0018:0x%016x" % s.syms["lab2_gp_insn"], frame)
        self.assertRegex(frame, r"RAX: 0x[0-9a-f]{16} RBX: 0x[0-9a-f]{16} RCX: 0x[0-9a-f]{16}")
        self.assertIn("<isr_stub_13>", s["k-idt 13"])
        self.assertRegex(s["k-gdt"], r"0x18\s+0x00209b0000000000\s+code 64-bit readable.*<- CS")
        self.assertIn("no TSS loaded", s["k-tss"])

    def test_unwinding_while_stepping_the_stub(self):
        """At every instruction from isr_stub_3 to trap_dispatch, the frame
        after the stub's is the interrupted scenario function."""
        step = ("python\n"
                "def show(tag):\n"
                "    f = gdb.newest_frame()\n"
                "    older = f.older() if f.name() != 'trap_dispatch' else f.older().older()\n"
                "    label = gdb.execute('bt 1', to_string=True).splitlines()[0]\n"
                "    print('%s %s %s | %s' % (tag, f.name(), older.name() if older else None, label))\n"
                "for i in range(26):\n"
                "    show('IN')\n"
                "    gdb.execute('stepi', to_string=True)\n"
                "gdb.execute('finish', to_string=True)\n"
                "while gdb.newest_frame().name() == 'trap_common':\n"
                "    show('OUT')\n"
                "    gdb.execute('stepi', to_string=True)\n"
                "print('AFTER %s' % gdb.newest_frame().name())\n"
                "end")
        s = self.session(2, "breakpoint_frame", 1, ["break isr_stub_3", "continue", step])
        steps = re.findall(r"^(IN|OUT) (\S+) (\S+) \| (.*)$", s.out, re.M)
        ins = [st for st in steps if st[0] == "IN"]
        outs = [st for st in steps if st[0] == "OUT"]
        self.assertEqual(len(ins), 26, s.out[-3000:])
        self.assertTrue({"isr_stub_3", "trap_common", "trap_dispatch"} <= {w for _, w, _, _ in ins}, ins)
        self.assertGreaterEqual(len(outs), 18, "the way out of trap_common: %s" % outs)  # pops, add, iretq
        for _, here, older, label in steps:
            self.assertEqual(older, "scenario_breakpoint_frame", "unwinding from %s: %s" % (here, steps))
            if here != "trap_dispatch":
                self.assertRegex(label, r"^#0  <trap #BP( err=0x0)?> \(tf=0x[0-9a-f]+", label)
        self.assertIn("AFTER scenario_breakpoint_frame", s.out)  # iretq went back


class Lab03(GdbCase):
    def test_write_unmapped(self):
        seed = 42
        addr = value_range(seed, 0, 1 << 30, (1 << 39) - 1)  # lab3.py: unmapped(r, 0)
        walk = "k-walk 0x%x" % addr
        s = self.session(3, "write_unmapped", seed,
                         ["break exc_page_fault", "continue", "bt", "k-frame", walk, "k-walk $rip", "k-idt 14"])
        self.assert_frames(s["bt"], ["exc_page_fault", "trap_dispatch", "<trap", "scenario_write_unmapped"])
        self.assertIn("<trap #PF err=0x2>", s["bt"])
        self.assertRegex(s["bt"], r"0x0*%x in scenario_write_unmapped \(\) at \S+fault_scenarios.c:\d+"
                         % s.syms["lab3_write_insn"])
        frame = s["k-frame"]
        self.assertIn("vector 14: #PF PAGE FAULT", frame)
        self.assertIn("error code: 0x0002 [W] not-present page, write access, supervisor mode", frame)
        self.assertIn("CR2: 0x%016x " % addr, frame)
        self.assertIn("RIP: 0018:0x%016x" % s.syms["lab3_write_insn"], frame)
        self.assertIn("is not present: not mapped", s[walk])
        self.assertNotIn("=> physical", s[walk])
        self.assertRegex(s["k-walk $rip"], r"PT\s*\[\s*\d+\] .*\[P( A)?\]\n=> physical .*\(4 KiB page\): read-only, "
                                           r"supervisor only, executable")
        self.assertRegex(s["k-idt 14"], r"14\s+#PF\s+0x%016x <isr_stub_14>" % s.syms["isr_stub_14"])


class Lab04(GdbCase):
    def test_stack_overflow_on_ist(self):
        s = self.session(4, "stack_overflow", 1,
                         ["break exc_double_fault", "continue", "bt", "k-bt", "k-frame", "k-tss", "k-idt 8", "k-gdt"])
        self.assert_frames(s["bt"], ["exc_double_fault", "trap_dispatch", "<trap", "overflow_recurse"])
        self.assertIn("<trap #DF err=0x0>", s["bt"])
        self.assertIn("<double_fault_stack+", s["bt"])  # the handler runs on the IST stack
        # The IST stack lies below kernel_stack (linker.ld), so GDB unwinds
        # from the handler's stack into the interrupted code and beyond.
        self.assertNotIn("(bt ends here", s["bt"])
        self.assertRegex(s["bt"], r"in overflow_recurse \(depth=[^)]*\b0\) .*\n#\d+ +0x[0-9a-f]+ in "
                                  r"scenario_stack_overflow \(\).*\n(.*\n)*#\d+ .* in kmain \(\)")
        rip = re.search(r"RIP: 0008:(0x[0-9a-f]{16})", s["k-frame"]).group(1)
        self.assertRegex(s["k-bt"], r"^#0 +%s in overflow_recurse \(\)" % rip)
        self.assertRegex(s["k-bt"], r"#1 +0x[0-9a-f]+ in overflow_recurse \(\).*\n +\.\.\. the same \d+ more times "
                                    r"\(a recursion\)\n#\d+ +0x[0-9a-f]+ in scenario_stack_overflow \(\)")
        self.assertRegex(s["k-bt"], r"in scenario_run \(\).*\n.*in kmain \(\)")
        self.assertIn("vector 8: #DF DOUBLE FAULT", s["k-frame"])
        self.assertIn("(the guard page of kernel_stack: a stack overflow)", s["k-frame"])
        top = s.syms.end("double_fault_stack")
        self.assertIn("IST1: 0x%016x <top of double_fault_stack>" % top, s["k-tss"])
        self.assertIn("<kernel_tss>", s["k-tss"])
        self.assertRegex(s["k-tss"], r"GDT\[0x\w+\]: TSS \(64-bit, busy\) base=0x%x limit=0x67" % s.syms["kernel_tss"])
        self.assertRegex(s["k-idt 8"], r"8\s+#DF\s+0x[0-9a-f]{16} <isr_stub_8>\s+0x08\s+interrupt gate\s+0\s+1\s+1")
        self.assertRegex(s["k-gdt"], r"0x08\s+0x[0-9a-f]{16}\s+code 64-bit.*<- CS")


class Ending(GdbCase):
    def test_triple_fault_is_explained(self):
        """Stage 0 has no IDT: a write to .text ends in a triple fault, and
        the launcher says so (with QEMU's chain) when GDB is done."""
        s = self.session(0, "write_text", 1, ["continue"])
        self.assertIn("[Inferior 1 (process 1) exited normally]", s["continue"])
        text_start = s.syms["__text_start"]
        self.assertRegex(s.out, r"== QEMU exited: TRIPLE FAULT: #PF at RIP 0x[0-9a-f]+ <scenario_write_text\+0x[0-9a-f]+> "
                                r"\(CR2 0x%x; error 0x3\)" % (text_start + 0x10))


class QemuOnly(GdbCase):
    def test_printed_command_connects(self):
        """make debug-qemu: the gdb command it prints works as printed."""
        elf = stage_elf(2)
        proc = qemu.spawn([sys.executable, DEBUG_KERNEL, "--qemu-only", "--boot", "fast", "--elf", elf,
                           "--test", "breakpoint_frame", "--seed", "1", "--serial", os.devnull],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        port = None
        try:
            lines = []
            for line in proc.stdout:
                lines.append(line.decode())
                if line.strip().startswith(b"gdb "):
                    break
            self.assertTrue(lines and lines[-1].strip().startswith("gdb "), "".join(lines))
            port = int(re.search(r"127\.0\.0\.1:(\d+)", "".join(lines)).group(1))
            cmd = shlex.split(lines[-1])
            cmd = cmd[:1] + ["-batch", "-nx"] + cmd[1:-1] + ["-ex", "k-gdt", "-ex", "kill", cmd[-1]]
            gdb = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                                 text=True, timeout=SESSION_TIMEOUT)
            self.assertIn("Temporary breakpoint 1, kmain ()", gdb.stdout, gdb.stdout + gdb.stderr)
            self.assertRegex(gdb.stdout, r"0x18\s+0x00209b0000000000\s+code 64-bit.*<- CS")
            rest = proc.stdout.read().decode()
            self.assertEqual(proc.wait(timeout=SESSION_TIMEOUT), 0)
            self.assertIn("== stopped by the debugger (kill)", rest)
            self.assertEqual(qemu_on_port(port), [])
        finally:
            qemu.reap(proc, kill=proc.poll() is None)
            proc.stdout.close()
            for pid in qemu_on_port(port) if port else []:  # debug-kernel killed before it reaped
                os.kill(pid, signal.SIGKILL)


class Terminal(GdbCase):
    """make debug at a terminal (a pty): Ctrl-C interrupts the kernel but
    kills neither GDB nor QEMU; quit stops QEMU."""

    def test_ctrl_c_then_quit(self):
        elf = stage_elf(2)
        pid, fd = pty.fork()
        if pid == 0:  # the child: a session whose controlling terminal is the pty
            try:
                os.chdir(ROOT)
                os.execv(sys.executable, [sys.executable, DEBUG_KERNEL, "--boot", "fast", "--elf", elf,
                                          "--test", "breakpoint_frame", "--seed", "1"])
            finally:
                os._exit(127)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 500, 200, 0, 0))  # no pager
        term = _Pty(fd)
        port = None
        try:
            port = int(term.expect(r"gdbstub: 127\.0\.0\.1:(\d+)").group(1))
            term.expect(r"Temporary breakpoint 1, .*kmain")
            term.expect(r"\(gdb\) ")
            # Make kmain spin (jmp $): the kernel then runs until interrupted.
            term.send("set {unsigned short}$pc = 0xfeeb\n")
            term.expect(r"\(gdb\) ")
            term.send("continue\n")
            term.expect(r"Continuing")
            time.sleep(0.5)
            term.send("\x03")
            term.expect(r"SIGINT")
            term.expect(r"\(gdb\) ")
            self.assertEqual(len(qemu_on_port(port)), 1, "Ctrl-C must not stop QEMU")
            term.send("k-gdt\n")
            term.expect(r"<- CS")
            term.send("quit\n")  # no question: the launcher's hook-quit kills instead of detaching
            term.expect(r"\[Inferior 1 \(process 1\) killed\]")
            term.expect(r"== GDB quit; QEMU stopped")
            _, status = os.waitpid(pid, 0)
            pid = None
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            self.assertEqual(qemu_on_port(port), [])
        finally:
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            for qpid in qemu_on_port(port) if port else []:
                os.kill(qpid, signal.SIGKILL)
            os.close(fd)


class _Pty:
    """Just enough of expect(1) for one test."""

    def __init__(self, fd):
        self.fd, self.buf = fd, b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, pattern, timeout=SESSION_TIMEOUT):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %r on the terminal; last output:\n%s"
                                     % (pattern, self.buf[-2000:].decode("utf-8", "replace")))
            if select.select([self.fd], [], [], left)[0]:
                try:
                    self.buf += os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    raise AssertionError("terminal closed before %r:\n%s" % (pattern, self.buf[-2000:]))


if __name__ == "__main__":
    unittest.main()
