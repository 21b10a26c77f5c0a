"""VS Code: .vscode/*.json parse as plain JSON; every task's command runs
(for lab 1 of the untouched labs/); the problem matcher turns a compiler
error and a failed unit test into a file and line that exist; and the debug
launch's GDB commands, sent the way VS Code's C/C++ debugger sends them,
stop a kernel that the launch's pre-launch task started in kmain, with the
kernel helpers loaded."""

import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import threading
import unittest

from editor import helpers, mi
from kgrade import labs, qemu, spec

FILES = ["tasks.json", "launch.json", "extensions.json", "settings.json"]
LAB = "1"


def vscode(rel):
    return helpers.load_json(os.path.join(".vscode", rel))


def resolve(text, lab=LAB, test=""):
    """VS Code's substitutions, for the variables these files use (the
    scenario prompt answered with Enter: the lab's demo)."""
    return (text.replace("${workspaceFolder}", helpers.ROOT).replace("${input:lab}", lab)
            .replace("${input:test}", test))


def tasks():
    return {t["label"]: t for t in vscode("tasks.json")["tasks"]}


def matcher_regexp(task):
    return re.compile(task["problemMatcher"]["pattern"]["regexp"])


def problems(task, output):
    """[(file, line, severity, message)] the task's problem matcher finds."""
    pattern = task["problemMatcher"]["pattern"]
    found = []
    for line in output.splitlines():
        m = matcher_regexp(task).match(line)
        if m:
            path = m.group(pattern["file"])
            path = path if os.path.isabs(path) else os.path.join(helpers.ROOT, path)
            found.append((path, int(m.group(pattern["line"])), m.group(pattern["severity"]),
                          m.group(pattern["message"])))
    return found


def run_task(task, env=None, timeout=180):
    full = dict(os.environ, **(env or {}))
    full.pop("MAKEFLAGS", None)
    run = subprocess.run(["/bin/sh", "-c", resolve(task["command"])], cwd=resolve(task["options"]["cwd"]),
                         env=full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=timeout, start_new_session=True)
    return run.returncode, run.stdout


class Files(unittest.TestCase):
    def test_plain_json(self):
        for name in FILES:
            with self.subTest(name):
                self.assertIsInstance(vscode(name), dict)  # json.loads: no comments, no trailing commas

    def test_lab_input_lists_the_labs(self):
        inputs = {i["id"]: i for i in vscode("tasks.json")["inputs"]}
        self.assertEqual(inputs["lab"]["options"], [str(n) for n in labs.numbers()])
        self.assertEqual(inputs["test"]["default"], "")
        for t in tasks().values():
            self.assertIn("${input:lab}", t["command"], t["label"])

    def test_launch_uses_a_task_and_the_helpers(self):
        config = vscode("launch.json")["configurations"][0]
        self.assertEqual(config["type"], "cppdbg")
        self.assertIn(config["preLaunchTask"], tasks())
        self.assertTrue(tasks()[config["preLaunchTask"]]["isBackground"])
        texts = [c["text"] for c in config["setupCommands"]]
        self.assertIn("source tools/gdb/gdbinit", texts)
        with open(os.path.join(helpers.ROOT, "tools", "gdb", "gdbinit")) as f:
            self.assertIn("set architecture i386:x86-64", f.read())
        # MIEngine sends setupCommands first: the architecture is set before
        # customLaunchSetupCommands connect (target.gdb: target remote).
        self.assertIn("source build/debug-qemu/target.gdb",
                      [c["text"] for c in config["customLaunchSetupCommands"]])

    def test_extensions_for_the_debugger_and_clangd(self):
        wanted = vscode("extensions.json")["recommendations"]
        self.assertIn("ms-vscode.cpptools", wanted)  # cppdbg, the launch's debugger
        self.assertIn("llvm-vs-code-extensions.vscode-clangd", wanted)

    def test_compiler_errors_are_clickable(self):
        """A syntax error in a lab file: make build's output names its file and line."""
        broken = os.path.join(helpers.TREES, "broken-labs")
        shutil.rmtree(broken, ignore_errors=True)
        shutil.copytree(os.path.join(helpers.ROOT, "labs"), broken)
        victim = os.path.join(broken, labs.lab_dirs()[1], "idt.c")
        with open(victim, "a") as f:
            f.write("\nint broken(void) { return 0 }\n")
        with open(victim) as f:
            line = len(f.read().splitlines())
        status, out = run_task(tasks()["make build N"], env={"TREE": broken})
        self.assertNotEqual(status, 0, out)
        found = [(p, n) for p, n, sev, _ in problems(tasks()["make build N"], out) if sev == "error"]
        self.assertIn((victim, line), found, out)


class Tasks(unittest.TestCase):
    """Each task's command, for lab 1 of the untouched labs/, at once."""

    @classmethod
    def setUpClass(cls):
        shim = helpers.python_shim(os.path.join(helpers.TREES, "shim-vscode"), {
            LAB: ["--test", spec.load_lab(1).tests[0].name, "--timeout-scale", "3"]})
        env = {"LAB_TIMEOUT": "60", "PATH": shim + os.pathsep + os.environ["PATH"]}
        todo = [t for t in tasks().values() if not t.get("isBackground")]
        # make build first: the others then share its stage (and take turns on its lock anyway).
        cls.results = {todo[0]["label"]: run_task(todo[0], env)}
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for t, r in zip(todo[1:], pool.map(lambda t: run_task(t, env), todo[1:])):
                cls.results[t["label"]] = r

    def result(self, label):
        self.assertIn(label, self.results)
        return self.results[label]

    def test_build(self):
        status, out = self.result("make build N")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"stage1/kernel\.elf")

    def test_lab(self):
        status, out = self.result("make lab N")
        self.assertIn("lab kernel: stage 1 (labs 1-1 from labs)", out, out[-2000:])

    def test_grade(self):
        status, out = self.result("make grade N")  # the skeleton fails: the grader says so, make too
        self.assertRegex(out, r"(?m)^Score: 0/", out[-2000:])
        self.assertNotEqual(status, 0)

    def test_unit_tests_failures_are_clickable(self):
        status, out = self.result("make test N")
        self.assertNotEqual(status, 0, out)
        self.assertRegex(out, r"(?m)^unit tests of labs: \d+ passed, [1-9]\d* failed$")
        found = problems(tasks()["make test N"], out)
        self.assertTrue(found, out)
        for path, line, severity, message in found:
            self.assertTrue(os.path.exists(path), path)
            with open(path) as f:
                self.assertLessEqual(line, len(f.read().splitlines()), path)
            self.assertTrue(message.strip())


@unittest.skipUnless(shutil.which("gdb") and qemu.have_qemu(), "gdb or QEMU missing (make deps)")
class Launch(unittest.TestCase):
    """F5: the pre-launch task, then GDB with the configuration's commands."""

    def test_stops_in_kmain_with_the_helpers(self):
        config = vscode("launch.json")["configurations"][0]
        task = tasks()[config["preLaunchTask"]]
        ready = re.compile(task["problemMatcher"]["background"]["endsPattern"])
        env = dict(os.environ)
        env.pop("MAKEFLAGS", None)
        qemu_task = subprocess.Popen(["/bin/sh", "-c", resolve(task["command"])],
                                     cwd=resolve(task["options"]["cwd"]), env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        said = []
        seen = threading.Event()

        def read():
            for line in qemu_task.stdout:
                said.append(line)
                if ready.search(line):
                    seen.set()
        threading.Thread(target=read, daemon=True).start()
        gdb = None
        try:
            self.assertTrue(seen.wait(120), "the task never said it was ready:\n" + "".join(said))
            session = os.path.join(helpers.ROOT, "build", "debug-qemu")
            self.assertTrue(os.path.exists(resolve(config["program"])), "program missing")
            gdb = mi.GDB(resolve(config["cwd"]))
            for c in config["setupCommands"] + config["customLaunchSetupCommands"]:
                text = resolve(c["text"])
                cls, record, out = gdb.run(text if text.startswith("-") else mi.console(text), 60)
                self.assertEqual(cls, "done", "%s: %s %s\n%s" % (text, record, out, "\n".join(gdb.lines[-20:])))
                if text == "source tools/gdb/gdbinit":
                    self.assertIn('The target architecture is set to "i386:x86-64"', out)
                    self.assertIn("kernel helpers loaded", out)
            self.assertEqual(config["launchCompleteCommand"], "exec-continue")
            self.assertEqual(gdb.run("-exec-continue")[0], "running")
            stop = gdb.wait_for(r"^\*stopped", 120)
            self.assertIn('func="kmain"', stop)
            cls, _, out = gdb.run(mi.console("help k-walk"))
            self.assertEqual(cls, "done", out)
            # VS Code's Stop button sends kill (MIEngine's Terminate for gdb): QEMU ends.
            self.assertIn(gdb.run(mi.console("kill"))[0], ("done", "exit"))
            qemu_task.wait(timeout=30)
            self.assertFalse([n for n in ("kernel.elf", "target.gdb") if os.path.lexists(os.path.join(session, n))],
                             "make debug-qemu leaves its session files behind")
        finally:
            if gdb:
                gdb.close()
            if qemu_task.poll() is None:
                os.killpg(qemu_task.pid, signal.SIGTERM)
                qemu_task.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()
