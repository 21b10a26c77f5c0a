"""Kernel facts, read from the kernel's own C headers: the grader and the
GDB helpers keep no copies of them, so they cannot drift.

    constants("common/include/paging.h")   {"PTE_P": 1, "PHYS_MAP_BASE": ...}
    exceptions()                           {14: Exception(14, "PF", "PAGE FAULT", True), ...}
    error_code_vectors()                   frozenset({8, 10, ..., 30})

A relative path is read from the grader's own tree (root), never from a
student's: the grader's expectations must not follow a student's edits.
"""

import collections
import functools
import os
import re

from . import labs

_DEFINE = re.compile(r"^#define[ \t]+(\w+)[ \t]+(.+?)[ \t]*(?:/\*.*|//.*)?$", re.M)


def _evaluate(expr, values):
    """An integer C expression's value (U/L suffixes dropped; shifts,
    arithmetic, bit operations, parentheses, names already known), or None."""
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", expr.strip())
    if not re.fullmatch(r"[\w\s()<>|&^~+*/%-]+", expr):
        return None
    names = set(re.findall(r"\b[A-Za-z_]\w*", expr))
    if any(n not in values for n in names):
        return None
    expr = re.sub(r"(?<![/])/(?![/])", "//", expr)  # C's integer division
    try:
        value = eval(expr, {"__builtins__": {}}, dict(values))  # noqa: S307
    except (SyntaxError, TypeError, NameError, ValueError, ZeroDivisionError):
        return None
    return value if isinstance(value, int) else None


def header_constants(text):
    """NAME -> value of every `#define NAME <integer expression>` in C text,
    and NAME -> tuple for `#define NAME { a, b, c }` (an array's initialiser).

    Only what Python can evaluate safely is kept: integers with U/L suffixes,
    shifts, arithmetic, bit operations, parentheses and names defined
    earlier in the text.
    """
    values = {}
    for name, expr in _DEFINE.findall(text):
        brace = re.fullmatch(r"\{(.*)\}", expr.strip())
        if brace:
            items = [_evaluate(e, values) for e in brace.group(1).split(",") if e.strip()]
            if items and None not in items:
                values[name] = tuple(items)
            continue
        value = _evaluate(expr, values)
        if value is not None:
            values[name] = value
    return values


class MissingFact(LookupError):
    """A header no longer defines what the grader reads from it."""


@functools.lru_cache(maxsize=None)
def _read(path):
    with open(path) as f:
        return f.read()


def header_text(relpath, root=labs.ROOT):
    return _read(os.path.join(root, relpath))


def constants(relpath, names=(), root=labs.ROOT):
    """The integer #defines of a header; MissingFact if one of names is absent."""
    values = header_constants(header_text(relpath, root))
    missing = [n for n in names if n not in values]
    if missing:
        raise MissingFact("%s does not define %s" % (relpath, ", ".join(missing)))
    return values


class Facts:
    """A header's constants as attributes: facts.scenario("03-pagefault").SEED_WALK.
    A name the header lacks is the grader's own bug (a GRADER ERROR)."""

    def __init__(self, relpath, values):
        self._relpath, self._values = relpath, values

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise MissingFact("%s does not define %s" % (self._relpath, name)) from None


def xmacro_rows(relpath, macro, root=labs.ROOT):
    """The argument lists of an X-macro table: `#define MACRO(X) X(a, b, c) ...`
    gives [["a", "b", "c"], ...] (comments dropped)."""
    text = header_text(relpath, root)
    m = re.search(r"^#define[ \t]+%s\(X\)((?:.*\\\n)*.*)$" % re.escape(macro), text, re.M)
    if not m:
        raise MissingFact("%s does not define %s(X)" % (relpath, macro))
    body = re.sub(r"/\*.*?\*/", "", m.group(1).replace("\\\n", " "))
    return [[a.strip() for a in row.split(",")] for row in re.findall(r"\bX\(([^()]*)\)", body)]


def scenario(folder, root=labs.ROOT):
    """The constants a lab's scenarios and its spec share: seed indices,
    addresses, counts, lists of codes, from
    grader/scenarios/<folder>/scenario_facts.h."""
    relpath = os.path.join("grader", "scenarios", folder, "scenario_facts.h")
    return Facts(relpath, header_constants(header_text(relpath, root)))


Exception_ = collections.namedtuple("Exception", "vector id name has_error_code")
Exception_.mnemonic = property(lambda e: "#" + e.id)

EXCEPTIONS_HEADER = "common/include/x86_exceptions.h"


@functools.lru_cache(maxsize=None)
def exceptions(root=labs.ROOT):
    """{vector: Exception(vector, id, name, has_error_code)} from x86_exceptions.h."""
    rows = {int(v): Exception_(int(v), i, n.strip('"'), e == "1")
            for v, i, n, e in xmacro_rows(EXCEPTIONS_HEADER, "X86_EXCEPTIONS", root)}
    if len(rows) < 20 or 14 not in rows:
        raise MissingFact("%s: no X86_EXCEPTIONS table found" % EXCEPTIONS_HEADER)
    return rows


def kernel_map(root=labs.ROOT):
    """[(start symbol, end symbol, PTE flag bits)] of paging.h's KERNEL_MAP:
    the parts of the image paging_init maps with 4 KiB pages (PTE_P added)."""
    values = constants("common/include/paging.h", root=root)
    out = []
    for start, end, flags in xmacro_rows("common/include/paging.h", "KERNEL_MAP", root):
        bits = _evaluate(flags, values)
        if bits is None:
            raise MissingFact("paging.h: KERNEL_MAP flags %r are not a constant expression" % flags)
        out.append((start, end, bits | values["PTE_P"]))
    return out


def error_code_vectors(root=labs.ROOT):
    """The vectors for which the CPU pushes an error code."""
    return frozenset(v for v, e in exceptions(root).items() if e.has_error_code)


def mnemonic(vector, root=labs.ROOT):
    """'#PF' for 14; 'int 0x80' from 32 on; 'vector 15' for a reserved one."""
    if vector >= 32:
        return "int 0x%x" % vector
    e = exceptions(root).get(vector)
    return e.mnemonic if e else "vector %d" % vector
