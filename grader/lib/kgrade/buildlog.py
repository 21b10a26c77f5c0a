"""What a build said: its result, and the lines of its log a student needs
(the first errors, where they are, the file a timed-out build was
compiling), with the build's own folders cut from the paths."""

import os
import re


class BuildResult:
    def __init__(self, ok, out, log, errors, timed_out=False):
        self.ok = ok            # True if the ELF (and ISO, if asked) exist
        self.out = out          # the stage's build folder
        self.log = log          # make's full output
        self.errors = errors    # the first compiler errors, for the report
        self.timed_out = timed_out  # killed at the time limit

    @property
    def elf(self):
        return os.path.join(self.out, "kernel.elf")

    @property
    def iso(self):
        return os.path.join(self.out, "kernel.iso")


_LOCATION = re.compile(r"(?:^|\s)(?P<file>[^\s:]+\.(?:c|h|asm|inc)):(?P<line>\d+)(?::\d+)?: (?:fatal )?error", re.M)


def error_location(errors):
    """'01-idt/idt.c:12' of the first compiler error, or None."""
    m = _LOCATION.search(errors)
    return "%s:%s" % (m.group("file"), m.group("line")) if m else None


def shorten_paths(text, tops):
    """text with the build's folders (a temporary tree, the kit's root)
    cut from the paths it names, as a student knows them (01-idt/idt.c)."""
    for top in sorted({t.rstrip("/") for t in tops if t}, key=len, reverse=True):
        text = text.replace(top + "/", "")
    return text


def first_errors(log, limit=12):
    """The lines a student needs: compiler/assembler/linker errors first."""
    lines = log.splitlines()
    picked = [l for l in lines if re.search(r"\b(error|Error|undefined reference|fatal|No rule to make)\b", l)]
    if not picked:
        picked = lines[-limit:]
    return "\n".join(picked[:limit])


_COMPILE = re.compile(r"\s(\S+\.(?:c|asm)) -o \S+\.o\b")


def compiling_at_timeout(log):
    """The source of the last compile command make started (V=1 echoes
    them), or None."""
    found = _COMPILE.findall(log)
    return found[-1] if found else None


def short_path(path, *tops):
    """path relative to the tree it belongs to (what a student recognises)."""
    for top in tops:
        if top and path.startswith(top.rstrip("/") + "/"):
            return os.path.relpath(path, top)
    return path
