"""kgdb - the lab kernel's GDB helpers (loaded by tools/gdb/kernel.py).

paging    page-table constants (from paging.h) and the 4-level walk; pure
stubcode  the stack effect of the trap stubs' instructions; pure
decode    gates, descriptors, TSS, RFLAGS, error codes; pure
target    reading the stopped machine, the headers and the ELF
frames    trap frames: locating them, the unwinder, the `bt` frame filter
commands  k-idt, k-gdt, k-tss, k-walk: the CPU's tables
framecmds k-frame, k-bt, $k_tf(): the trap frame and the interrupted code
"""

import os as _os
import sys as _sys

# The kernel's facts (kgrade.facts) and symbols (kgrade.symbols) are read
# by the grader's own library, so the helpers and the grader agree.
_lib = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "..", "..", "..", "grader", "lib")
if _os.path.abspath(_lib) not in _sys.path:
    _sys.path.insert(0, _os.path.abspath(_lib))
