"""64-bit IDT gates for the specs: decode the raw 16 bytes a scenario
printed, say what each field should hold, and compare many gates at once
with one message per wrong field (so that one wrong field never hides
another, and fifty gates with the same slip make one line, not fifty)."""

INTERRUPT_GATE, TRAP_GATE = 0xE, 0xF
# What the kernel's own gates may be: the handouts ask for interrupt gates
# and accept trap gates, which differ only in IF, and nothing in the labs
# enables interrupts.
KERNEL_GATE_TYPES = (INTERRUPT_GATE, TRAP_GATE)

# (name, extract(lo, hi)): every bit of the gate, in the order a student
# reads the figure of docs/lab01-idt.md. lo is bytes 0-7, hi bytes 8-15.
FIELDS = [
    ("offset bits 0-15", lambda lo, hi: lo & 0xFFFF),
    ("selector", lambda lo, hi: (lo >> 16) & 0xFFFF),
    ("IST", lambda lo, hi: (lo >> 32) & 0x7),
    ("bits 35-39 (zero)", lambda lo, hi: (lo >> 35) & 0x1F),
    ("type", lambda lo, hi: (lo >> 40) & 0xF),
    ("bit 44 (zero)", lambda lo, hi: (lo >> 44) & 0x1),
    ("DPL", lambda lo, hi: (lo >> 45) & 0x3),
    ("present bit", lambda lo, hi: (lo >> 47) & 0x1),
    ("offset bits 16-31", lambda lo, hi: (lo >> 48) & 0xFFFF),
    ("offset bits 32-63", lambda lo, hi: hi & 0xFFFFFFFF),
    ("reserved bits 96-127", lambda lo, hi: hi >> 32),
]


def decode(lo, hi):
    """{field name: value} of a raw gate."""
    return {name: get(lo, hi) for name, get in FIELDS}


def offset(lo, hi):
    """The handler address a raw gate holds."""
    return (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | ((hi & 0xFFFFFFFF) << 32)


def expected(handler, selector, ist, gate_type, dpl):
    """{field name: value} of a present gate; gate_type may be a tuple of
    the types accepted (interrupt or trap gate)."""
    return {
        "offset bits 0-15": handler & 0xFFFF,
        "selector": selector,
        "IST": ist,
        "bits 35-39 (zero)": 0,
        "type": gate_type,
        "bit 44 (zero)": 0,
        "DPL": dpl,
        "present bit": 1,
        "offset bits 16-31": (handler >> 16) & 0xFFFF,
        "offset bits 32-63": handler >> 32,
        "reserved bits 96-127": 0,
    }


def _show(value):
    if isinstance(value, tuple):
        return " or ".join("%#x" % v for v in value)
    return "%#x" % value


def compare(r, cases):
    """Records one problem per field that is wrong in any case.

    cases: (label, (lo, hi), expected dict), e.g.
    ("gate 200 (isr_stub_200)", (lo, hi), expected(...)). The message
    names the first wrong case, its field, both values, and how many other
    cases have that field wrong. Returns True if every field matched."""
    ok = True
    for name, _ in FIELDS:
        wrong = []
        for label, (lo, hi), want in cases:
            got, exp = decode(lo, hi)[name], want[name]
            if not (got in exp if isinstance(exp, tuple) else got == exp):
                wrong.append((label, exp, got))
        if wrong:
            ok = False
            label, exp, got = wrong[0]
            more = " (wrong in %d of %d gates)" % (len(wrong), len(cases)) if len(cases) > 1 else ""
            r.require(False, "%s %s: expected %s, got %#x%s" % (label, name, _show(exp), got, more))
    return ok
