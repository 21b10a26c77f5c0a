"""Symbols of a built kernel, read with nm: the grader's ground truth for
addresses (handlers, tables, labels placed in scenarios)."""

import bisect
import os
import subprocess


class MissingSymbol(LookupError):
    """A name the grader looks up is not in the student's kernel: the test
    fails with this message (it is not a grader error)."""


class Symbols:
    """name -> (address, size) for every defined symbol of an ELF."""

    def __init__(self, elf):
        self.elf = elf
        self.addr, self.size = {}, {}
        out = subprocess.run(["nm", "-S", "--defined-only", elf], capture_output=True,
                             text=True, check=True).stdout
        funcs, objects = [], []
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4:
                a, s, t, name = int(f[0], 16), int(f[1], 16), f[2], f[3]
            elif len(f) == 3:
                a, s, t, name = int(f[0], 16), 0, f[1], f[2]
            else:
                continue
            # A static name may repeat across files; the first one wins, and
            # tests should use names that are unique.
            self.addr.setdefault(name, a)
            self.size.setdefault(name, s)
            if t in "tT" and "." not in name:
                funcs.append((a, s, name))
            elif t in "bBdDrR" and s:
                objects.append((a, s, name))
        funcs.sort()
        # The kernel embeds this list (scripts/gen-ksyms). A size-less label
        # inside a sized function (an instruction label a scenario placed in
        # its C body) does not name code, so RIPs read "<function+0x1a>".
        kept, end = [], 0
        for a, size, name in funcs:
            if size == 0 and a < end:
                continue
            end = max(end, a + size)
            kept.append((a, size, name))
        funcs = kept
        objects.sort()
        self._objects = objects
        self._starts = [f[0] for f in funcs]
        self._funcs = funcs

    def __contains__(self, name):
        return name in self.addr

    def __getitem__(self, name):
        """Address of name; MissingSymbol with a readable message if absent."""
        try:
            return self.addr[name]
        except KeyError:
            raise MissingSymbol("symbol %r is not in the kernel (%s): was it renamed or made "
                                "static?" % (name, os.path.basename(self.elf))) from None

    def end(self, name):
        return self[name] + self.size[name]

    def symbolize(self, address):
        """'function+0xoff' for a code address, '' if unknown."""
        i = bisect.bisect_right(self._starts, address) - 1
        if i < 0:
            return ""
        a, s, name = self._funcs[i]
        if s and address >= a + s:
            return ""
        return "%s+%#x" % (name, address - a)

    def describe(self, address):
        """What a data address is, when that helps a reader: 'the guard page
        of kernel_stack (a stack overflow)', 'idt_table+0x30', or ''."""
        for a, s, name in self._objects:
            if a <= address < a + s:
                if name + "_region" in self.addr and address < a + 4096:
                    return "the guard page of %s: a stack overflow" % name
                return "%s+%#x" % (name, address - a)
        return ""

    @property
    def functions(self):
        """[(address, size, name)] of the code symbols reports name, sorted:
        the kernel's embedded table (scripts/gen-ksyms) is made from this."""
        return list(self._funcs)

    @property
    def kernel_range(self):
        """[start, end) of the kernel image, from the linker script's symbols."""
        return self.addr.get("__kernel_start", 0x100000), self.addr.get("__kernel_end", 1 << 32)
