"""One source of truth: each kernel fact, status word, the lab list and the
way a kernel is started is defined once, and everything else reads it.
These tests fail when a copy comes back or a reader drifts from its source."""

import atexit  # noqa: F401  (the subprocess below counts its callbacks)
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from grader.helpers import make_test, result
from kgrade import build, check, facts, labs, qemu, qemulog, report, runner, spec, status
from kgrade.qemulog import LogReader

ROOT = labs.ROOT
SOURCES = ("common", "grader", "tools", "scripts", "solutions", "mk", "autograder")


def source_files():
    """(path, text) of every code file the kit ships (docs and tests aside)."""
    for top in SOURCES:
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            for n in names:
                if n.endswith((".c", ".h", ".asm", ".py", ".mk", ".sh")) or "." not in n:
                    path = os.path.join(folder, n)
                    try:
                        with open(path) as f:
                            yield path, f.read()
                    except (UnicodeDecodeError, OSError):
                        continue


class ExceptionTable(unittest.TestCase):
    """common/include/x86_exceptions.h is the only table of vectors."""

    WANT = {8, 10, 11, 12, 13, 14, 17, 21, 29, 30}

    def test_python_reads_the_header(self):
        self.assertEqual(facts.error_code_vectors(), self.WANT)
        self.assertEqual(facts.exceptions()[14].mnemonic, "#PF")
        self.assertEqual(facts.exceptions()[14].name, "PAGE FAULT")
        self.assertEqual(qemulog.mnemonic(30), "#SX")  # qemulog once lacked 28-30

    def test_c_reads_the_same_header(self):
        # The C compiler's view of the table, printed by a host program.
        with tempfile.TemporaryDirectory() as d:
            src, exe = os.path.join(d, "t.c"), os.path.join(d, "t")
            with open(src, "w") as f:
                f.write('#include <stdio.h>\n#include "x86_exceptions.h"\n'
                        '#define ROW(v, id, name, err) printf("%d %s %s %d\\n", v, "#" #id, name, err);\n'
                        'int main(void) { printf("mask %llx\\n", X86_ERROR_CODE_MASK); '
                        'X86_EXCEPTIONS(ROW) return 0; }\n')
            subprocess.run(["gcc", "-I", os.path.join(ROOT, "common", "include"), src, "-o", exe], check=True)
            out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        mask = int(re.search(r"^mask ([0-9a-f]+)$", out, re.M).group(1), 16)
        self.assertEqual({v for v in range(32) if mask >> v & 1}, self.WANT)
        rows = {int(v): (m, n, e == "1") for v, m, n, e in re.findall(r"^(\d+) (#\w+) (.+) ([01])$", out, re.M)}
        self.assertEqual(rows, {v: (e.mnemonic, e.name, e.has_error_code) for v, e in facts.exceptions().items()})

    def test_nasm_reads_the_same_header(self):
        b = build.build_stage(2, "solutions")
        self.assertTrue(b.ok, b.errors)
        with open(os.path.join(b.out, "gen", "x86_exceptions.inc")) as f:
            mask = int(re.search(r"^%define X86_ERROR_CODE_MASK (\d+)$", f.read(), re.M).group(1))
        self.assertEqual({v for v in range(32) if mask >> v & 1}, self.WANT)

    def test_the_gdb_helpers_read_it_too(self):
        sys.path.insert(0, os.path.join(ROOT, "tools", "gdb"))
        try:
            from kgdb import decode
        finally:
            sys.path.pop(0)
        self.assertEqual(decode.ERROR_CODE_VECTORS, self.WANT)

    def test_no_copy_of_the_table_elsewhere(self):
        mnemonic = re.compile(r"[\"'](#(?:DE|DB|BP|UD|NM|DF|TS|NP|SS|GP|PF|AC|CP))[\"']")
        vector_list = re.compile(r"\b8\D{1,6}10\D{1,6}11\D{1,6}12\D{1,6}13\D{1,6}14\D{1,6}17\b")
        header = os.path.join(ROOT, "common", "include", "x86_exceptions.h")
        copies = []
        for path, text in source_files():
            if path == header:
                continue
            for n, line in enumerate(text.splitlines(), 1):
                if len(set(mnemonic.findall(line))) >= 3 or vector_list.search(line):
                    copies.append("%s:%d: %s" % (os.path.relpath(path, ROOT), n, line.strip()))
        self.assertEqual(copies, [], "the exception table is written again (read kgrade.facts instead)")


class ScenarioFacts(unittest.TestCase):
    """Seed indices and scenario constants live in each lab's
    scenario_facts.h (and regs_roundtrip.h), which the specs read."""

    SPEC_SEED = re.compile(r"\b(?:value_range|derive)\((?:r\.seed|seed|s), \d")
    C_SEED = re.compile(r"\bseed_(?:range|value)\(\d")

    def test_no_literal_seed_index(self):
        found = []
        for path, text in source_files():
            rel = os.path.relpath(path, ROOT)
            pattern = self.SPEC_SEED if rel.startswith("grader/labs/") else \
                self.C_SEED if rel.startswith("grader/scenarios/") else None
            for n, line in enumerate(text.splitlines(), 1):
                if pattern and pattern.search(line):
                    found.append("%s:%d: %s" % (rel, n, line.strip()))
        self.assertEqual(found, [], "a seed index written as a number: name it in scenario_facts.h")

    def test_no_shared_constant_defined_twice(self):
        copies = []
        for n, folder in labs.lab_dirs().items():
            header = os.path.join(ROOT, "grader", "scenarios", folder, "scenario_facts.h")
            if not os.path.exists(header):
                continue
            names = set(facts.scenario(folder)._values)
            self.assertTrue(names, header)
            for path, text in source_files():
                if path == header or not (folder in path or path.endswith("lab%d.py" % n)):
                    continue
                for name in names:
                    if re.search(r"^#define[ \t]+%s\b|^%s\s*=\s*[-(\d]" % (name, name), text, re.M):
                        copies.append("%s: %s" % (os.path.relpath(path, ROOT), name))
        self.assertEqual(copies, [])

    def test_every_lab_has_its_facts(self):
        for n, folder in labs.lab_dirs().items():
            if os.path.isdir(os.path.join(ROOT, "grader", "scenarios", folder)):
                self.assertTrue(facts.scenario(folder)._values, folder)

    def test_the_kernel_map_is_the_graders(self):
        rows = facts.kernel_map()
        self.assertEqual([r[:2] for r in rows][0], ("__text_start", "__text_end"))
        from kgrade.symbols import Symbols
        sym = Symbols(build.build_stage(0, "labs").elf)
        for start, end, bits in rows:
            self.assertIn(start, sym)
            self.assertIn(end, sym)
            self.assertTrue(bits & 1, "PTE_P is added")
        with open(os.path.join(ROOT, "common", "paging.c")) as f:
            self.assertIn("KERNEL_MAP(MAP_PART_)", f.read())


class Statuses(unittest.TestCase):
    def test_every_end_has_its_words(self):
        for end in status.End:
            self.assertTrue(end.expected and end.happened and end.verdict and end.label, end)
        self.assertEqual(len({e.label for e in status.End}), len(status.End))

    def test_a_spec_cannot_expect_a_result_status(self):
        for bad in (check.TIMEOUT, "timeout", status.End.RESET, None):
            with self.assertRaises(ValueError, msg=repr(bad)):
                make_test(end=bad)
        make_test(end=spec.TIMEOUT)  # the End is fine

    def test_results_and_ends_are_different_types(self):
        self.assertIsInstance(qemu.TIMEOUT, status.End)
        self.assertIsInstance(check.TIMEOUT, status.Status)
        self.assertNotEqual(qemu.TIMEOUT, check.TIMEOUT)
        self.assertEqual("%-13s|" % check.TRIPLE, "TRIPLE FAULT |")  # prints as its word


class GraderErrors(unittest.TestCase):
    """A spec's own bug is GRADER ERROR for its test, never the student's FAIL."""

    def test_exceptions_in_a_check(self):
        for error in (AttributeError("no such thing"), TypeError("bad"), KeyError("k"), ValueError("v"),
                      ZeroDivisionError("z")):
            def broken(r, error=error):
                raise error
            o = check.evaluate(make_test(check=broken), result(qemu.SUCCESS, "lab kernel: stage 9\n"), 1, None)
            self.assertEqual((o.status, o.score), (check.GRADER_ERROR, 0), repr(error))
            self.assertIn("not your bug", o.message)
            self.assertIn(type(error).__name__, o.message)

    def test_the_students_own_failures_stay_failures(self):
        missing = make_test(check=lambda r: r.hex("nothing"))
        o = check.evaluate(missing, result(qemu.SUCCESS, "x\n"), 1, None)
        self.assertEqual(o.status, check.FAIL)

    def test_one_broken_test_does_not_stop_the_others(self):
        real = spec.load_lab(1)
        lab = spec.Lab(1, real.name, real.title, total=real.total)
        for t in real.tests:
            lab.test(t.name, t.points, scenario=t.scenario, expect=t.expect, forbid=t.forbid, end=t.end,
                     timeout=t.timeout, max_serial=t.max_serial, description=t.description,
                     check=(lambda r: r.nonexistent_method()) if t.name == "breakpoint" else t.check)
        saved = spec.load_lab
        spec.load_lab = lambda n, *a, **k: lab if n == 1 else saved(n, *a, **k)
        try:
            with tempfile.TemporaryDirectory() as logs:
                results = runner.grade([1], tree="solutions", jobs=2, timeout_scale=3, log_dir=logs)
        finally:
            spec.load_lab = saved
        by = {r.name: r for r in results}
        self.assertEqual(by["breakpoint"].status, check.GRADER_ERROR, by["breakpoint"].message)
        self.assertEqual([r.name for r in results if not r.passed], ["breakpoint"])
        score, max_score, _ = report.totals(results)
        self.assertEqual((score, max_score), (real.total - by["breakpoint"].max_score,) * 2)
        self.assertIn("GRADER ERROR in 1 test (lab1/breakpoint)", report.summary_line(results))

    def test_points_must_add_up(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "lab1.py"), "w") as f:
                f.write("from kgrade.spec import Lab\nlab = Lab(1, 'x', 'X')\nlab.test('a', 60)\nlab.test('b', 42)\n")
            with self.assertRaisesRegex(ValueError, "add up to 102, not the lab's total 100"):
                spec.load_lab(1, spec_dir=d)


class LabList(unittest.TestCase):
    """mk/labs.mk is the one lab list."""

    def test_numbers_and_folders(self):
        dirs = labs.lab_dirs()
        self.assertEqual(labs.numbers(), sorted(dirs))
        for n, d in dirs.items():
            self.assertTrue(d.startswith("%02d-" % n), d)
        self.assertEqual(labs.span(), "%d-%d" % (min(dirs), max(dirs)))

    def test_an_inconsistent_list_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "mk"))
            with open(os.path.join(d, "mk", "labs.mk"), "w") as f:
                f.write("LAB_1 := 01-idt\nLAB_2 := 02-frames\nLAB_NUMBERS := 1\n")
            with self.assertRaises(labs.LabListError):
                labs.lab_dirs(d)

    def test_a_new_lab_needs_only_the_list(self):
        with tempfile.TemporaryDirectory() as d:
            copy = os.path.join(d, "kit")
            shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"))
            with open(os.path.join(copy, "mk", "labs.mk")) as f:
                text = f.read()
            text = re.sub(r"^LAB_NUMBERS := (.*)$", r"LAB_6 := 06-extra\nLAB_NUMBERS := \1 5 6", text, flags=re.M)
            text = text.replace("LAB_6 :=", "LAB_5 := 05-next\nLAB_6 :=")
            with open(os.path.join(copy, "mk", "labs.mk"), "w") as f:
                f.write(text)
            r = subprocess.run(["make", "--no-print-directory", "-C", copy, "lab", "6"],
                               capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("no such lab folder: labs/05-next", r.stderr)
            r = subprocess.run(["make", "--no-print-directory", "-C", copy, "lab", "7"],
                               capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            self.assertIn("no lab 7: labs are 1-6", r.stdout + r.stderr)

    def test_init_order_is_numeric(self):
        # Lab 10's init section must sort after lab 9's (the linker sorts names as text).
        with tempfile.TemporaryDirectory() as d:
            objs = []
            for lab, order in ((10, "10"), (9, "09"), (2, "02")):
                src, obj = os.path.join(d, "l%d.c" % lab), os.path.join(d, "l%d.o" % lab)
                with open(src, "w") as f:
                    f.write('#include "registry.h"\nstatic void init_%d(void) {}\nLAB_INIT(init_%d);\n' % (lab, lab))
                subprocess.run(["gcc", "-c", "-DLAB_ID=%d" % lab, "-DLAB_ORDER=%s" % order,
                                "-I", os.path.join(ROOT, "common", "include"), src, "-o", obj], check=True)
                objs.append(obj)
            script = os.path.join(d, "t.ld")
            with open(script, "w") as f:
                f.write("SECTIONS { .inits : { KEEP(*(SORT_BY_NAME(.lab_init.*))) } }\n")
            elf = os.path.join(d, "t.elf")
            subprocess.run(["ld", "-r", "-T", script, "-o", elf] + objs, check=True)
            syms = subprocess.run(["nm", "-n", elf], capture_output=True, text=True, check=True).stdout
        order = re.findall(r"lab_init_init_(\d+)", syms)
        self.assertEqual(order, ["2", "9", "10"])
        with open(os.path.join(ROOT, "mk", "stage.mk")) as f:
            self.assertIn("-DLAB_ORDER=$(call pad2,", f.read())


class OneLaunchPath(unittest.TestCase):
    """make lab, make debug and the grader start QEMU only through kgrade.launch."""

    def test_no_other_command_line(self):
        allowed = {os.path.join(ROOT, "grader", "lib", "kgrade", n) for n in ("launch.py", "qemu.py", "build.py")}
        allowed.add(os.path.join(ROOT, "mk", "stage.mk"))  # its own usage line
        found = []
        for path, text in source_files():
            if path in allowed:
                continue
            for n, line in enumerate(text.splitlines(), 1):
                if re.search(r"qemu\.(argv|spawn|run)\(|\"qemu-system-x86_64\"|\bmake\b.*stage\.mk", line):
                    found.append("%s:%d: %s" % (os.path.relpath(path, ROOT), n, line.strip()))
        self.assertEqual(found, [])

    def test_one_seed_rule(self):
        from kgrade import seed
        for _ in range(50):
            self.assertTrue(0 <= seed.new() < seed.SEED_LIMIT)
        for bad in ("-5", "abc", "", str(1 << 64), "1.5"):
            with self.assertRaises(ValueError):
                seed.parse(bad)
        self.assertEqual(seed.parse(str((1 << 64) - 1)), (1 << 64) - 1)


class HiddenState(unittest.TestCase):
    def test_importing_registers_nothing(self):
        # Exit handlers registered while kgrade is imported, by module name.
        code = ("import atexit, signal, sys; sys.path.insert(0, %r)\n"
                "seen = []; real = atexit.register\n"
                "atexit.register = lambda f, *a, **k: (seen.append(getattr(f, '__module__', '?')), real(f, *a, **k))[1]\n"
                "before = signal.getsignal(signal.SIGTERM)\n"
                "from kgrade import build, check, facts, labs, launch, patterns, qemu, qemulog, report, "
                "runner, seed, spec, status, submissions, symbols\n"
                "print([m for m in seen if m and m.startswith('kgrade')], signal.getsignal(signal.SIGTERM) is before)") % (
                    os.path.join(ROOT, "grader", "lib"))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        self.assertEqual(out.split(), ["[]", "True"])

    def test_old_grade_logs_are_pruned(self):
        with tempfile.TemporaryDirectory() as d:
            for i in range(30):
                os.makedirs(os.path.join(d, "run%02d" % i))
                os.utime(os.path.join(d, "run%02d" % i), (1000 + i, 1000 + i))
            runner.prune_logs(d, keep=5)
            self.assertEqual(sorted(os.listdir(d)), ["run%02d" % i for i in range(25, 30)])


class BoundedLog(unittest.TestCase):
    """QEMU's log is parsed once, as it streams, in bounded memory."""

    RECORD = ("check_exception old: 0xffffffff new 0x6\n"
              "%6d: v=06 e=0000 i=0 cpl=0 IP=0008:0000000000102000 pc=0000000000102000 "
              "SP=0010:0000000000109f60\n" + "RAX=0000000000000000 " * 40 + "\n"
              "IDT=     0000000000104000 00000fff\nCR0=80010033 CR2=0000000000000000 CR3=0000000000101000 CR4=00000620\n")

    def test_a_huge_log_keeps_a_bounded_part(self):
        reader = LogReader(kernel_range=(0x100000, 0x200000), head_records=100, tail_records=10,
                           text_bytes=64 << 10)
        chunk = "".join(self.RECORD % i for i in range(1000)).encode()
        for _ in range(40):  # 40 000 deliveries, about 40 MB
            reader.feed(chunk)
        log = reader.finish()
        self.assertEqual(log.count(6, 0x100000, 0x200000), 40000)  # exact
        self.assertEqual(log.count(6), 40000)
        self.assertLessEqual(len(log.records), 110)
        self.assertGreater(log.dropped, 0)
        text = reader.text()
        self.assertLess(len(text), (2 << 16) + len(chunk) + 200)
        self.assertIn(b"bytes of QEMU's log cut here", text)
        d = log.saw(6)
        self.assertEqual((d.rip, d.cr3, d.idt), (0x102000, 0x101000, (0x104000, 0xfff)))

    def test_a_line_split_across_reads_is_whole(self):
        text = (self.RECORD % 1).encode()
        reader = LogReader()
        for i in range(len(text)):
            reader.feed(text[i:i + 1])
        self.assertEqual(len(reader.finish().deliveries()), 1)


class ContentKeyedBuild(unittest.TestCase):
    """A tree rebuilt after a change with an older time is graded on the change."""

    def test_older_mtime_is_still_rebuilt(self):
        folder = labs.lab_dirs()[1]
        with tempfile.TemporaryDirectory() as d:
            tree = os.path.join(d, "tree")
            shutil.copytree(os.path.join(ROOT, "solutions"), tree)
            out = os.path.join(d, "out")
            first = build.build_stage(1, tree, out=out)
            self.assertTrue(first.ok, first.errors)
            with open(first.elf, "rb") as f:
                before = f.read()
            # The skeleton's idt.c, with a time long before the build's.
            target = os.path.join(tree, folder, "idt.c")
            shutil.copyfile(os.path.join(ROOT, "labs", folder, "idt.c"), target)
            os.utime(target, (1_000_000_000, 1_000_000_000))
            second = build.build_stage(1, tree, out=out)
            self.assertTrue(second.ok, second.errors)
            with open(second.elf, "rb") as f:
                self.assertNotEqual(f.read(), before)


if __name__ == "__main__":
    unittest.main()
