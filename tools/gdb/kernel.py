"""kernel.py - loads the lab kernel's GDB helpers into GDB.

    (gdb) source tools/gdb/kernel.py      (tools/gdb/gdbinit does this)

Registers the k-* commands (`help user-defined` lists them), the unwinder
that lets `bt` go through the trap stubs, and the frame filter that shows
the stub frame as <trap #PF err=0x2>. Loading it again replaces them all.
"""

import importlib
import os
import sys

import gdb

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import kgdb.paging  # noqa: E402
import kgdb.stubcode  # noqa: E402
import kgdb.decode  # noqa: E402
import kgdb.target  # noqa: E402
import kgdb.frames  # noqa: E402
import kgdb.commands  # noqa: E402
import kgdb.framecmds  # noqa: E402

# `source` again after editing the helpers picks up the new code.
for _module in (kgdb.paging, kgdb.stubcode, kgdb.decode, kgdb.target, kgdb.frames, kgdb.commands, kgdb.framecmds):
    importlib.reload(_module)

kgdb.frames.register()
kgdb.commands.register()
kgdb.framecmds.register()
gdb.write("kernel helpers loaded: k-frame k-bt k-idt k-gdt k-tss k-walk $k_tf() (help user-defined)\n")
