"""Hostile submissions (tests/hostile/submissions/ and the symbolic links
made here) graded as a batch, with an honest student among them: every
attack is blocked, the honest student keeps full marks, nothing the
grader starts outlives it, and bad input is one line and exit status 2."""

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from grader.helpers import GRADE
from kgrade import labs, qemu, sandbox

ROOT = labs.ROOT
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submissions")
DIRS = labs.lab_dirs()
LAB1, LAB2 = DIRS[1], DIRS[2]
BUILD_TIMEOUT = 20  # seconds: the endless builds must be cut at this
SOLUTION_LINE = "gate.offset_mid = (uint16_t)((handler >> 16) & 0xFFFF);"  # solutions/01-idt/idt.c
SECRET_VAR = "KGRADE_HOSTILE_SECRET"


def materialize(attack, dest, values):
    """dest/: the handout's labs 1-2 with the attack's files on top."""
    for n in (1, 2):
        shutil.copytree(os.path.join(ROOT, "labs", DIRS[n]), os.path.join(dest, DIRS[n]))
    src = os.path.join(HERE, attack)
    for folder, _, names in os.walk(src):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), src)
            with open(os.path.join(folder, name)) as f:
                text = f.read()
            skeleton = os.path.join(ROOT, "labs", rel)
            if "@SKELETON@" in text:
                with open(skeleton) as f:
                    text = text.replace("@SKELETON@", f.read())
            for key, value in values.items():
                text = text.replace(key, value)
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            with open(os.path.join(dest, rel), "w") as f:
                f.write(text)


def grade(*args, cwd=None, env=None, timeout=600):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, GRADE] + list(args), capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=timeout, stdin=subprocess.DEVNULL)


def processes_mentioning(marker):
    """PIDs of live processes whose command line holds marker (not zombies)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


class Fixture:
    """The grader's secrets: a host file and an environment variable."""

    @classmethod
    def make_secrets(cls, tmp):
        cls.secret = "secret-" + secrets.token_hex(12)
        cls.env_secret = "envsecret-" + secrets.token_hex(12)
        os.makedirs(os.path.join(tmp, "host"))
        cls.secret_file = os.path.join(tmp, "host", "secret.txt")
        with open(cls.secret_file, "w") as f:
            f.write(cls.secret + "\n")
        os.chmod(os.path.join(tmp, "host"), 0o755)
        os.chmod(cls.secret_file, 0o644)

    @classmethod
    def values(cls, classmate="honest", base=""):
        return {"@ROOT@": ROOT, "@UP@": "../" * 40, "@SECRET@": cls.secret_file,
                "@CLASSMATE@": classmate, "@BASE@": base}


LAB1_ATTACKS = ("solution_by_path", "solution_by_relative_path", "classmate_via_proc", "host_include",
                "host_incbin", "endless_include", "giant_object", "report_bloat")
LAB2_ATTACKS = ("nasm_incbin", "nasm_env", "endless_rep")


class Batch(Fixture, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hostile-subs-")
        os.chmod(cls.tmp, 0o755)
        cls.make_secrets(cls.tmp)
        cls.runs = {}
        for lab, attacks in ((1, LAB1_ATTACKS), (2, LAB2_ATTACKS)):
            subs = os.path.join(cls.tmp, "lab%d" % lab)
            honest = os.path.join(subs, "honest")
            for n in (1, 2):
                shutil.copytree(os.path.join(ROOT, "solutions", DIRS[n]), os.path.join(honest, DIRS[n]))
            for attack in attacks:
                materialize(attack, os.path.join(subs, attack), cls.values())
            if lab == 1:
                cls.make_links(subs)
            sheet = os.path.join(cls.tmp, "lab%d.csv" % lab)
            results = os.path.join(cls.tmp, "lab%d.json" % lab)
            args = [str(lab), "--submissions", subs, "--csv", sheet, "--json", results, "--timeout-scale", "2",
                    "--build-timeout", str(BUILD_TIMEOUT), "-j", "2"]
            if lab == 2:
                args += ["--base", "solutions"]
            start = time.monotonic()
            # From inside the submissions folder: /proc/self/cwd leads to classmates.
            proc = grade(*args, cwd=subs, env={SECRET_VAR: cls.env_secret})
            with open(sheet, newline="") as f:
                rows = {r["student"]: r for r in csv.DictReader(f)}
            with open(results) as f:
                cls.results = getattr(cls, "results", {})
                cls.results[lab] = json.load(f)["students"]
            cls.runs[lab] = (proc, rows, time.monotonic() - start, subs)

    @classmethod
    def make_links(cls, subs):
        """The attacks git cannot keep: symbolic links, by folder and file."""
        def skeleton(name):
            path = os.path.join(subs, name)
            shutil.copytree(os.path.join(ROOT, "labs", LAB1), os.path.join(path, "labs", LAB1))
            return path
        os.symlink(os.path.join(subs, "honest"), os.path.join(subs, "link_whole"))
        os.makedirs(os.path.join(subs, "link_to_classmate"))
        os.symlink(os.path.join("..", "honest", LAB1), os.path.join(subs, "link_to_classmate", LAB1))
        os.makedirs(os.path.join(subs, "link_to_solutions"))
        os.symlink(os.path.join(ROOT, "solutions", LAB1), os.path.join(subs, "link_to_solutions", LAB1))
        os.makedirs(os.path.join(subs, "link_labs_folder"))
        os.symlink(os.path.join(ROOT, "solutions"), os.path.join(subs, "link_labs_folder", "labs"))
        path = skeleton("link_to_a_file")
        os.remove(os.path.join(path, "labs", LAB1, "idt.c"))
        os.symlink(os.path.join(ROOT, "solutions", LAB1, "idt.c"), os.path.join(path, "labs", LAB1, "idt.c"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def everything(self, lab):
        """All anyone sees: the console, the grade sheet, every test's message."""
        proc, rows, _, _ = self.runs[lab]
        return proc.stdout + proc.stderr + json.dumps(rows) + json.dumps(self.results[lab], ensure_ascii=False)

    def messages(self, lab, student):
        return "\n".join("%s %s" % (t["status"], t["output"]) for t in self.results[lab][student]["tests"])

    def test_honest_student_keeps_full_marks(self):
        for lab in (1, 2):
            proc, rows, _, _ = self.runs[lab]
            self.assertEqual(rows["honest"]["total"], "100", proc.stdout[-3000:])

    def test_every_student_has_a_row(self):
        proc, rows, _, subs = self.runs[1]
        self.assertEqual(sorted(rows), sorted(os.listdir(subs)), proc.stdout[-2000:])
        self.assertEqual(self.runs[1][0].returncode, 1)  # students failed; no grader error

    def test_the_solutions_are_out_of_reach(self):
        proc, rows, _, _ = self.runs[1]
        for attack in ("solution_by_path", "solution_by_relative_path", "classmate_via_proc"):
            self.assertEqual(rows[attack]["lab1"], "0", attack)
        self.assertNotIn(SOLUTION_LINE, self.everything(1))

    def test_symbolic_links_are_refused(self):
        proc, rows, _, _ = self.runs[1]
        for name in ("link_whole", "link_to_classmate", "link_to_solutions", "link_labs_folder", "link_to_a_file"):
            self.assertEqual(rows[name]["total"], "0", name)
            line = [l for l in proc.stdout.splitlines() if l.startswith(name + " ")]
            self.assertTrue(line and "symbolic link" in line[0], (name, line))

    def test_host_files_and_the_environment_stay_hidden(self):
        for lab in (1, 2):
            text = self.everything(lab)
            self.assertNotIn(self.secret, text)
            self.assertNotIn(self.env_secret, text)
        for attack in ("host_include", "host_incbin"):
            self.assertEqual(self.runs[1][1][attack]["lab1"], "0", attack)

    def test_endless_builds_are_cut(self):
        for lab, attack, source in ((1, "endless_include", "idt.c"), (2, "endless_rep", "trap_stubs.asm")):
            proc, rows, elapsed, _ = self.runs[lab]
            self.assertEqual(rows[attack]["lab%d" % lab], "0")
            report = self.messages(lab, attack)
            self.assertRegex(report, r"BUILD (TIMEOUT|ERROR)")
            if "BUILD TIMEOUT" in report:
                self.assertIn(source, report)
        # Each batch: a few builds, two of them cut at BUILD_TIMEOUT.
        self.assertLess(self.runs[1][2], 240)

    def test_a_giant_object_is_stopped(self):
        proc, rows, _, _ = self.runs[1]
        self.assertEqual(rows["giant_object"]["lab1"], "0")
        self.assertIn("grew past", self.messages(1, "giant_object"))

    def test_report_bloat_is_capped_and_clean(self):
        proc, _, _, _ = self.runs[1]
        text = proc.stdout + self.messages(1, "report_bloat")
        for line in text.splitlines():
            self.assertLess(len(line), 400, line[:100])
        self.assertNotRegex(text, "[\x1b\x07\u202e]")
        self.assertIn("bytes)", self.messages(1, "report_bloat"))  # the long line, cut with its length
        self.assertNotIn("\nScore: 100/100 (lab 1: 100/100)\n", proc.stdout)

    def test_nothing_left_running(self):
        self.assertEqual(processes_mentioning(self.tmp), [])


@unittest.skipUnless(sandbox.user_layer_works(), "the user layer needs the grader to run as root")
class UserLayer(Fixture, unittest.TestCase):
    """Where user namespaces are refused, the second layer: an unprivileged
    user, with the reference labs and the other submissions unreadable."""

    def test_batch_in_the_user_layer(self):
        with tempfile.TemporaryDirectory(prefix="hostile-user-") as tmp:
            os.chmod(tmp, 0o755)
            self.make_secrets(tmp)
            subs = os.path.join(tmp, "subs")
            shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(subs, "honest", LAB1))
            for attack in ("solution_by_path", "classmate_via_proc"):
                materialize(attack, os.path.join(subs, attack), self.values())
            sheet = os.path.join(tmp, "g.csv")
            proc = grade("1", "--submissions", subs, "--csv", sheet, "--sandbox", "user", "--timeout-scale", "3",
                         cwd=subs)
            with open(sheet, newline="") as f:
                rows = {r["student"]: r for r in csv.DictReader(f)}
            self.assertEqual(rows["honest"]["total"], "100", proc.stdout[-3000:] + proc.stderr)
            self.assertEqual(rows["solution_by_path"]["total"], "0")
            self.assertEqual(rows["classmate_via_proc"]["total"], "0")
            self.assertIn("sandbox: unprivileged user", proc.stdout)
            self.assertNotIn(SOLUTION_LINE, proc.stdout)
            # The modes come back afterwards.
            self.assertEqual(os.stat(os.path.join(ROOT, "solutions")).st_mode & 0o777, 0o755)


class Gradescope(Fixture, unittest.TestCase):
    """The same attacks through run_autograder, laid out as Gradescope does
    (AUTOGRADER_ROOT): LABS=2 on the reference lab 01, shipped as objects."""

    @classmethod
    def setUpClass(cls):
        from docs import helpers
        cls.helpers = helpers
        cls.tmp = tempfile.mkdtemp(prefix="hostile-gradescope-")
        os.chmod(cls.tmp, 0o755)
        cls.make_secrets(cls.tmp)
        status, out = helpers.make_package("make-autograder.sh", os.path.join(cls.tmp, "zip"), LABS="2",
                                           BASE="solutions")
        if status != 0:
            raise AssertionError(out)
        cls.zip = os.path.join(cls.tmp, "zip", "autograder-lab2.zip")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_autograder(self, name, fill):
        ag = os.path.join(self.tmp, name)
        for sub in ("source", "submission", "results"):
            os.makedirs(os.path.join(ag, sub))
        self.helpers.extract_zip(self.zip, os.path.join(ag, "source"))
        fill(os.path.join(ag, "submission"), os.path.join(ag, "source", "base"))
        status, out = self.helpers.run([os.path.join(ag, "source", "run_autograder")],
                                       env={"AUTOGRADER_ROOT": ag, SECRET_VAR: self.env_secret})
        self.assertEqual(status, 0, out[-3000:])
        with open(os.path.join(ag, "results", "results.json"), encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(self.secret, text + out)
        self.assertNotIn(self.env_secret, text + out)
        self.assertNotIn(SOLUTION_LINE, text + out)
        return json.loads(text), out

    def test_honest(self):
        results, out = self.run_autograder("honest", lambda sub, base: shutil.copytree(
            os.path.join(ROOT, "solutions", LAB2), os.path.join(sub, LAB2)))
        self.assertEqual(results["score"], 100, out[-3000:])
        self.assertIn("sandbox:", results["output"])

    def test_the_base_is_objects_only(self):
        results, out = self.run_autograder("base_by_path", lambda sub, base: materialize(
            "base_by_path", sub, self.values(base=base)))
        self.assertEqual(results["score"], 0)
        self.assertTrue(any("BUILD ERROR" in t["output"] or "did not build" in t["output"]
                            for t in results["tests"]), out[-2000:])

    def test_a_linked_lab_folder_is_refused(self):
        def fill(sub, base):
            os.symlink(os.path.join(ROOT, "solutions", LAB2), os.path.join(sub, LAB2))
        results, out = self.run_autograder("link", fill)
        self.assertEqual(results["score"], 0)
        self.assertIn("symbolic link", results["output"])

    def test_nasm_reads_no_environment(self):
        results, _ = self.run_autograder("nasm_env", lambda sub, base: materialize("nasm_env", sub, self.values()))
        self.assertEqual(results["score"], 0)


class Reports(Fixture, unittest.TestCase):
    """One bloating kernel, graded with every report format."""

    def test_every_format_is_bounded_and_clean(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.make_secrets(tmp)
            tree = os.path.join(tmp, "tree")
            materialize("report_bloat", tree, self.values())
            out = {k: os.path.join(tmp, "r." + k) for k in ("json", "gradescope", "junit")}
            proc = grade("1", "--tree", tree, "--timeout-scale", "2", "--json", out["json"],
                         "--gradescope", out["gradescope"], "--junit", out["junit"])
            self.assertEqual(proc.returncode, 1, proc.stdout[-2000:] + proc.stderr)
            for kind, path in out.items():
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                self.assertLess(len(text), 100_000, kind)
                self.assertNotRegex(text, "[\x1b\x07\u202e]|\\\\u001b|\\\\u202e", kind)
            self.assertIn("bytes)", proc.stdout)  # the long line, cut with its length


class Killed(unittest.TestCase):
    """SIGKILL the grader mid-way: its QEMU and its build die with it."""

    def kill_when(self, tree, marker_process, extra=()):
        """Starts the grader on tree, SIGKILLs it once a marker_process of
        its own runs, and expects every process of that grading to die."""
        mine = lambda: sorted(set(processes_mentioning(tree) + processes_mentioning(labs.tree_key(tree))))
        proc = subprocess.Popen([sys.executable, GRADE, "1", "--tree", tree, "--timeout-scale", "20"] + list(extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if [p for p in mine() if marker_process in _comm(p)]:
                    break
                time.sleep(0.1)
            else:
                self.fail("no %s started for %s" % (marker_process, tree))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        deadline = time.monotonic() + 5
        while mine() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual([_comm(p) for p in mine()], [])
        shutil.rmtree(os.path.join(ROOT, "build", labs.tree_key(tree)), ignore_errors=True)

    def test_a_hanging_kernel(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            materialize("hang", tree, {})
            self.kill_when(tree, "qemu")

    def test_an_endless_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            materialize("endless_include", tree, {})
            self.kill_when(tree, "cc1", ["--build-timeout", "60"])


def _comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


class StaleResubmission(unittest.TestCase):
    """An in-place resubmission whose files carry older times is rebuilt."""

    def test_older_files_are_graded_afresh(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(tree, LAB1))
            first = grade("1", "--tree", tree, "--timeout-scale", "2")
            self.assertIn("Score: 100/100", first.stdout)
            for name in os.listdir(os.path.join(ROOT, "labs", LAB1)):  # like cp -p of an old copy
                shutil.copy2(os.path.join(ROOT, "labs", LAB1, name), os.path.join(tree, LAB1, name))
                os.utime(os.path.join(tree, LAB1, name), (1_000_000_000, 1_000_000_000))
            second = grade("1", "--tree", tree, "--timeout-scale", "2")
            self.assertIn("Score: 0/100", second.stdout)
            shutil.rmtree(os.path.join(ROOT, "build", labs.tree_key(tree)), ignore_errors=True)


class BadInput(unittest.TestCase):
    """Each bad input: one line on stderr, exit status 2, before any work."""

    def one_line(self, proc, words):
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(words, lines[0])

    def test_grade_options(self):
        for args, words in ((["--timeout-scale", "nan"], "finite number"),
                            (["--timeout-scale", "inf"], "finite number"),
                            (["--timeout-scale", "-1"], "finite number above 0"),
                            (["--json", "/nonexistent/x.json"], "cannot write"),
                            (["--seed", "-5"], "a seed is a number"),
                            (["--seed", str(1 << 64)], "too big"),
                            (["--tree", "/"], "holds no lab folders"),
                            (["--test", "divide_signd"], "did you mean divide_error"),
                            (["--build-timeout", "0"], "above 0")):
            start = time.monotonic()
            self.one_line(grade("1", *args, timeout=60), words)
            self.assertLess(time.monotonic() - start, 10, args)  # refused before any build

    def test_submissions_refuse_to_run_unsandboxed(self):
        if sandbox.best_layer() != sandbox.NONE:
            self.skipTest("this machine has a sandbox layer")

    def make(self, *args, env=None):
        e = dict(os.environ, **(env or {}))
        e.pop("MAKEFLAGS", None)
        return subprocess.run(["make", "--no-print-directory", "-C", ROOT] + list(args), capture_output=True,
                              text=True, env=e, timeout=300, stdin=subprocess.DEVNULL)

    def test_make_lab_values(self):
        self.one_line(self.make("lab", "1", "LAB_TIMEOUT=abc"), "LAB_TIMEOUT must be a number")
        self.one_line(self.make("lab", "1", 'TEST=a"b'), "TEST must be a scenario name")
        self.one_line(self.make("lab", "1", "SEED=-5"), "SEED is a number")

    def test_a_tree_path_with_a_space(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "my labs")
            shutil.copytree(os.path.join(ROOT, "solutions", LAB1), os.path.join(tree, LAB1))
            r = self.make("lab", "1", "TREE=" + tree, "TEST=breakpoint", "SEED=3", "LAB_TIMEOUT=60")
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr)
            self.assertIn("It did not crash!", r.stdout)
            shutil.rmtree(os.path.join(ROOT, "build", labs.tree_key(tree)), ignore_errors=True)

    def test_make_autograder_refuses_before_building(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = self.make("autograder", "LABS=9", "PACKAGE_OUT=" + tmp)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no lab 9", r.stderr)
            self.assertEqual(os.listdir(tmp), [])  # no handout was made first

    def test_exit_code_zero_is_the_kernels(self):
        self.assertEqual(qemu.decode_exit(1, False, kernel_started=True), (qemu.OTHER_EXIT, 0))
        self.assertEqual(qemu.decode_exit(1, False, kernel_started=False)[0], qemu.QEMU_ERROR)
        end, line = qemu.verdict(1, type("Log", (), {"triple_fault": False})(), None)
        self.assertEqual(end, qemu.QEMU_ERROR)


if __name__ == "__main__":
    unittest.main()
