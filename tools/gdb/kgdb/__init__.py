"""kgdb - the lab kernel's GDB helpers (loaded by tools/gdb/kernel.py).

paging    page-table constants (from paging.h) and the 4-level walk; pure
stubcode  the stack effect of the trap stubs' instructions; pure
decode    gates, descriptors, TSS, RFLAGS, error codes; pure
target    reading the stopped machine, the headers and the ELF
frames    trap frames: locating them, the unwinder, the `bt` frame filter
commands  k-idt, k-gdt, k-tss, k-walk: the CPU's tables
framecmds k-frame, k-bt, $k_tf(): the trap frame and the interrupted code
"""
