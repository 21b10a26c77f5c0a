"""The grader's own model of the x86 structures the labs encode and decode:
the page-fault error code in words, page-table entries, segment descriptors.
Written from the architecture, not from the solutions, so that the specs
compare a student's bits with an independent answer."""

# ---- the #PF error code (docs/lab03-pagefault.md) ----

PF_BIT_NAMES = {0: "PROTECTION_VIOLATION", 1: "CAUSED_BY_WRITE", 2: "USER_MODE", 3: "MALFORMED_TABLE",
                4: "INSTRUCTION_FETCH", 5: "PROTECTION_KEY", 6: "SHADOW_STACK", 15: "SGX"}


def pf_flags(error):
    """The names of the set bits, lowest first ("BIT<n>" for unnamed ones)."""
    return " ".join(PF_BIT_NAMES.get(b, "BIT%d" % b) for b in range(64) if error >> b & 1)


def pf_who(error):
    return "user" if error & 4 else "supervisor"


def pf_access(error):
    return "instruction fetch" if error & 0x10 else "write access" if error & 2 else "read access"


def pf_cause(error):
    """Bit 3 first: a CPU sets bit 0 along with it (0x9), QEMU's TCG does not (0x8)."""
    return "reserved bit violation" if error & 8 else "protection violation" if error & 1 else "not-present page"


def cpl_mode(cs):
    return "user" if cs & 3 else "kernel"


# ---- page tables (4-level, 4 KiB / 2 MiB / 1 GiB pages) ----

PTE_P, PTE_PS = 1, 1 << 7
ADDR_MASK = 0x000FFFFFFFFFF000   # bits 51-12: the next table, or a frame
LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}


def level_size(level):
    return 1 << (12 + 9 * (level - 1))


def index(va, level):
    return va >> (12 + 9 * (level - 1)) & 511


def leaf_phys(entry, level, va):
    """A leaf's frame (address bits with the page's low bits cleared: bit 12
    of a huge page is PAT) plus the offset of va in the page."""
    size = level_size(level)
    return (entry & ADDR_MASK & ~(size - 1)) | (va & (size - 1))


def canonical(va):
    return va >> 47 in (0, 0x1FFFF)


def walk(read, root, va):
    """The walk pt_walk_resolve must do, reading entries with read(paddr).
    Returns (steps {level: (table, index, entry)}, last level, phys or None, page size or None)."""
    steps, table = {}, root
    for level in (4, 3, 2, 1):
        i = index(va, level)
        entry = read(table + 8 * i)
        steps[level] = (table, i, entry)
        if not entry & PTE_P:
            return steps, level, None, None
        if level == 1 or (level <= 3 and entry & PTE_PS):
            return steps, level, leaf_phys(entry, level, va), level_size(level)
        table = entry & ADDR_MASK
    raise AssertionError("unreachable")


# ---- segment descriptors (lab 04) ----

# An 8-byte descriptor, field by field: (name, first bit, width).
SEG_FIELDS = [("limit bits 0-15", 0, 16), ("base bits 0-23", 16, 24), ("access byte", 40, 8),
              ("limit bits 16-19", 48, 4), ("flags", 52, 4), ("base bits 24-31", 56, 8)]


def segment(base, limit, access, flags):
    """gdt_segment_make as the manual lays it out: 20 bits of limit, 4 of flags."""
    return (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | (access & 0xFF) << 40 \
        | (limit >> 16 & 0xF) << 48 | (flags & 0xF) << 52 | (base >> 24 & 0xFF) << 56
