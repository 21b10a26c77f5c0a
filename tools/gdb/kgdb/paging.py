"""Pure page-table facts: the constants of common/include/paging.h and the
4-level walk the CPU does (Intel SDM vol. 3, chapter 4). No gdb import:
tests/debug/test_decode.py runs it on the host with a fake memory.
"""

# --- facts from the kernel's own headers -------------------------------------

from kgrade.facts import header_constants  # noqa: E402,F401  (one reader, shared with the grader)


def pte_flag_bits(constants):
    """[(bit, name)] of the PTE_* single-bit flags, lowest bit first."""
    out = []
    for name, value in constants.items():
        if name.startswith("PTE_") and value and value & (value - 1) == 0:
            out.append((value.bit_length() - 1, name[4:]))
    return sorted(out)


def canonical(vaddr):
    """True if bits 63..47 of a 48-bit virtual address are all equal."""
    top = vaddr >> 47
    return top == 0 or top == (1 << 17) - 1



# --- the 4-level page walk ----------------------------------------------------------

LEVELS = ("PML4", "PDPT", "PD", "PT")


class WalkStep:
    """One entry the walk read: level name, index, entry address and value."""

    def __init__(self, level, index, entry_addr, value):
        self.level, self.index, self.entry_addr, self.value = level, index, entry_addr, value


class Walk:
    """The result of walking one virtual address.

    steps: the entries read, in order. phys: the physical address or None.
    page_size: 4096, 2 MiB or 1 GiB when mapped. stop: why the walk ended
    early (text) or None. writable/user/nx: the effective permissions.
    """

    def __init__(self, vaddr):
        self.vaddr = vaddr
        self.steps = []
        self.phys = None
        self.page_size = None
        self.stop = None
        self.writable = self.user = True
        self.nx = False


def walk(vaddr, cr3, read_phys, addr_mask=0x000FFFFFFFFFF000):
    """Walks vaddr through the 4-level tables at cr3; read_phys(paddr) -> u64.

    Stops at the first entry without P, and at PS in a PDPT (1 GiB page) or
    PD entry (2 MiB page).
    """
    w = Walk(vaddr)
    if not canonical(vaddr):
        w.stop = "not canonical: bits 63..47 must all equal bit 47 (a #GP, not a #PF)"
        return w
    table = cr3 & addr_mask
    for depth, level in enumerate(LEVELS):
        shift = 39 - 9 * depth
        index = vaddr >> shift & 0x1FF
        entry_addr = table + 8 * index
        value = read_phys(entry_addr)
        w.steps.append(WalkStep(level, index, entry_addr, value))
        if not value & 1:
            w.stop = "%s[%d] is not present: not mapped" % (level, index)
            return w
        w.writable &= bool(value & 2)
        w.user &= bool(value & 4)
        w.nx |= bool(value >> 63)
        if depth in (1, 2) and value & 0x80:
            w.page_size = 1 << shift
            frame = value & addr_mask & ~(w.page_size - 1)
            w.phys = frame | (vaddr & (w.page_size - 1))
            return w
        table = value & addr_mask
    w.page_size = 4096
    w.phys = table | (vaddr & 0xFFF)
    return w
