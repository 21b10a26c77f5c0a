"""Shared helpers of the docs and packaging tests: running commands, reading
handouts (docs/labNN-name.md), unpacking archives, finding solution text."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
import zipfile

import script_module
from kgrade import labs

ROOT = labs.ROOT
SOLUTIONS = os.path.join(ROOT, "solutions")

# The sections of a handout, in order (docs/instructor-guide.md, "Adding a lab").
SECTIONS = ["Goals", "Background", "Exercises", "Build, run, grade", "Expected output",
            "Debugging hints", "Questions"]


def run(cmd, cwd=ROOT, env=None, timeout=300):
    """Runs cmd; returns (exit status, stdout and stderr together)."""
    full_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    full_env.update(env or {})
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          timeout=timeout, start_new_session=True)
    return proc.returncode, proc.stdout.decode("utf-8", errors="replace")


def tail(text, lines=40):
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


# -- the labs and their handouts --

def lab_folders():
    """{lab number: folder name} from mk/labs.mk."""
    return labs.lab_dirs()


def has_solution(n):
    return os.path.isdir(os.path.join(SOLUTIONS, lab_folders()[n]))


def handout_path(n):
    return os.path.join(ROOT, "docs", "lab%02d-%s.md" % (n, lab_folders()[n].split("-", 1)[1]))


class Handout:
    """One docs/labNN-name.md, split into its '## ' sections."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.title = self.text.splitlines()[0] if self.text else ""
        self.sections = {}
        self.order = []
        current = None
        in_fence = False
        for line in self.text.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            if not in_fence and line.startswith("## "):
                current = line[3:].strip()
                self.order.append(current)
                self.sections[current] = []
            elif current is not None:
                self.sections[current].append(line)
        self.sections = {k: "\n".join(v) for k, v in self.sections.items()}

    def exercise_numbers(self):
        """Exercise numbers, from '### Exercise N' headings or, without
        them, from a numbered list ('N. ...') in the Exercises section."""
        body = self.sections.get("Exercises", "")
        heads = re.findall(r"^#{3,4}\s+Exercise\s+(\d+)\b", body, re.M)
        items = re.findall(r"^(\d+)\.\s", body, re.M)
        return [int(x) for x in (heads or items)]

    def expected_blocks(self):
        """The ```text blocks of the Expected output section."""
        return re.findall(r"^```text\n(.*?)^```", self.sections.get("Expected output", ""),
                          re.M | re.S)

    def figures(self, section=None):
        return figures_of(self.sections.get(section, "") if section else self.text)


def prose(text):
    """Markdown without its code: fenced blocks and `code spans` removed, so
    that an example such as `![Caption](figures/NAME.svg)` is not a figure."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`]*`", "", text)


FIGURE = re.compile(r"!\[[^\]]*\]\(figures/([^)]+)\.svg\)")


def figures_of(text):
    """The NAMEs of the figures/NAME.svg images a page shows."""
    return FIGURE.findall(prose(text))


def todo_numbers(folder):
    """The n of every TODO(n) marker (TODO(3, 4) counts 3 and 4) in a lab folder."""
    found = set()
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for m in re.finditer(r"TODO\(([\d,\s]+)\)", f.read()):
                found.update(int(x) for x in re.split(r"[,\s]+", m.group(1)) if x)
    return found


# -- packaging --

def make_package(script, out, **settings):
    """Runs scripts/<script> (make-handout.sh, make-autograder.sh) with its
    output in out; LABS, BASE and TIMEOUT_SCALE are empty unless given, so
    that the caller's environment does not leak in."""
    env = {"PACKAGE_OUT": out, "LABS": "", "BASE": "", "TIMEOUT_SCALE": ""}
    env.update(settings)
    return run(["sh", os.path.join(ROOT, "scripts", script)], env=env)


class PackageTestCase(unittest.TestCase):
    """Runs `script` once into a temporary folder (cls.tmp) for all the tests
    of the class; each test first requires that it succeeded."""
    script = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="docs-package-")
        cls.status, cls.output = make_package(cls.script, cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.status, 0, "%s failed:\n%s" % (self.script, self.output))


# -- archives --

def extract_zip(path, dest):
    """Unzips like unzip(1) does: the files' modes come back (zipfile alone
    drops them, and run_autograder must stay executable)."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            target = z.extract(info, dest)
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                os.chmod(target, mode & 0o7777)


# -- solution text --

def _normalize(line, asm):
    s = re.sub(r"\s*//.*$", "", line.strip())
    s = re.sub(r"\s*/\*.*?\*/$", "", s)
    if asm:
        s = re.sub(r"\s*;.*$", "", s)
    return re.sub(r"\s+", " ", s).strip()


MIN_SECRET = 12  # shorter lines ("push rax", "return 0;") say nothing about a solution


def _split_solution(text, comment):
    """(region code lines, hint text, text outside the regions) of one solution
    file. Hints are a region's leading comment lines: the TODO and STUB lines
    the skeleton keeps on purpose."""
    inside, hints, outside = [], [], []
    state = "out"
    for line in text.splitlines():
        marker = re.match(r"^\s*" + re.escape(comment) + r"\s*(BEGIN|END) SOLUTION", line)
        if marker:
            state = "lead" if marker.group(1) == "BEGIN" else "out"
            continue
        if state == "lead" and line.lstrip().startswith(comment):
            hints.append(line.lstrip()[len(comment):].replace("STUB:", ""))
            continue
        if state == "lead":
            state = "code"
        (inside if state == "code" else outside).append(line)
    return inside, " ".join(hints), "\n".join(outside)


def solution_lines(solutions=SOLUTIONS):
    """[(file, line)] for every line of solution code worth hiding: the region
    code make-skeletons removes, minus short lines and lines that are public
    anyway (in a TODO or STUB hint, in the given part of any solution file,
    or a line of common/, grader/ or tools/)."""
    # make-skeletons' transform() gives each file's regions, exactly as
    # `make-skeletons regions FILE` prints them.
    transform = script_module.load("make-skeletons").transform
    hints = []
    public = set()  # normalized lines
    per_file = []
    for folder in sorted(os.listdir(solutions)):
        for name in sorted(os.listdir(os.path.join(solutions, folder))):
            path = os.path.join(solutions, folder, name)
            asm = name.endswith(".asm")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            _, hint, outside = _split_solution(text, ";" if asm else "//")
            hints.append(re.sub(r"\s+", " ", hint))
            public.update(_normalize(l, asm) for l in outside.splitlines())
            per_file.append((os.path.join(folder, name), asm, "".join(transform(text, path)[1])))
    for top in ("common", "grader", "tools"):
        for path, text in text_files(os.path.join(ROOT, top)).items():
            asm = path.endswith((".asm", ".inc"))
            public.update(_normalize(l, asm) for l in text.splitlines())
    # Substrings count: "if (x)" is public if "if (x) {" is.
    public_text = "\n".join(hints) + "\n" + "\n".join(public)
    secrets = []
    for rel, asm, code in per_file:
        for line in code.splitlines():
            n = _normalize(line, asm)
            if len(n) >= MIN_SECRET and n not in public_text and (rel, n) not in secrets:
                secrets.append((rel, n))
    return secrets


def text_files(top):
    """{path: text} of every UTF-8 file under top."""
    out = {}
    for d, dirs, files in os.walk(top):
        dirs[:] = [x for x in dirs if x != "__pycache__"]
        for f in files:
            p = os.path.join(d, f)
            try:
                with open(p, encoding="utf-8") as fh:
                    out[p] = fh.read()
            except (UnicodeDecodeError, OSError):
                continue
    return out


def find_leaks(top, secrets):
    """[(solution file, line, where)] for each secret line found in a file under top."""
    hay = {p: re.sub(r"[ \t]+", " ", t) for p, t in text_files(top).items()}
    leaks = []
    for rel, line in secrets:
        for path, text in hay.items():
            if line in text:
                leaks.append((rel, line, os.path.relpath(path, top)))
    return leaks
