"""Regular expressions for the report format (docs/report-format.md), so
every spec reads reports the same way. Named groups become r.v[...]."""

import re

from . import facts

HEX16 = r"0x[0-9a-f]{16}"


def header(vector):
    """'EXCEPTION: PAGE FAULT (#PF, vector 14)' for a vector (names from the
    kernel's table, common/include/x86_exceptions.h)."""
    if vector >= 32:
        return r"^EXCEPTION: INTERRUPT \(#INT, vector %d\)$" % vector
    e = facts.exceptions()[vector]
    return r"^EXCEPTION: %s \(%s, vector %d\)$" % (re.escape(e.name), re.escape(e.mnemonic), vector)


def rip(prefix=""):
    """'RIP: 0018:0x... <sym+0x..>': groups <prefix>cs, <prefix>rip."""
    return r"^RIP: (?P<%scs>[0-9a-f]{4}):(?P<%srip>%s)" % (prefix, prefix, HEX16)


def rsp(prefix=""):
    """'RSP: 0010:0x... EFLAGS: 0x...': groups <prefix>ss, <prefix>rsp, <prefix>rflags."""
    return r"^RSP: (?P<%sss>[0-9a-f]{4}):(?P<%srsp>%s) EFLAGS: (?P<%srflags>0x[0-9a-f]{8})" % (
        prefix, prefix, HEX16, prefix)


def error_code(mnemonic, prefix=""):
    """'#GP: error_code(0x0010)': group <prefix>error."""
    return r"^%s: error_code\((?P<%serror>0x[0-9a-f]+)\)" % (re.escape(mnemonic), prefix)


REGISTER_NAMES = ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "R8", "R9", "R10",
                  "R11", "R12", "R13", "R14", "R15", "RFLAGS"]
FLAGS_MASK = 0x8D5  # the flags regs_roundtrip loads: CF PF AF ZF SF OF


def check_register_roundtrip(r, what):
    """The 'after <what>: REG=0x...' lines of regs_check() against the
    values the seed gave (seed values 100-115)."""
    from .seed import derive
    got = {m["reg"]: int(m["val"], 16) for m in r.all(
        r"^after %s: (?P<reg>[A-Z0-9]+)=(?P<val>0x[0-9a-f]+)$" % re.escape(what))}
    for i, name in enumerate(REGISTER_NAMES):
        want = derive(r.seed, 100 + i)
        if name == "RFLAGS":
            want = (want & FLAGS_MASK) | 0x2
        r.equal(got.get(name), want, "%s after %s" % (name, what))


_TRACE_LINE = re.compile(r"^  (0x[0-9a-f]{16})(?: <([^>]*)>)?$")


def call_traces(text):
    """Every 'Call Trace:' block of the output, in order, each a list of
    (address, 'function+0xoff' or ''). Folded repeats are skipped."""
    traces, current = [], None
    for line in text.splitlines():
        if line == "Call Trace:":
            current = []
            traces.append(current)
        elif current is not None:
            m = _TRACE_LINE.match(line)
            if m:
                current.append((int(m.group(1), 16), m.group(2) or ""))
            elif not line.startswith("  ... "):
                current = None
    return traces
