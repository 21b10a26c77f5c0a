"""kgdb - the lab kernel's GDB helpers (loaded by tools/gdb/kernel.py).

decode    pure decoders (gates, descriptors, TSS, page walk, error codes)
target    reading the stopped machine, the headers and the ELF
frames    trap frames: locating them, the unwinder, the `bt` frame filter
commands  k-frame, k-idt, k-gdt, k-tss, k-walk
"""
