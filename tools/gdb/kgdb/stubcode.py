"""The stack effect of trap stub code, from its disassembly.

The unwinder (frames.py) needs the trap frame's address at any instruction
of isr_stub_N and trap_common, including while a student single-steps
through them: this follows every push, pop and RSP/RBP move from the
start of the code. No gdb import, so it is tested on the host.
"""

def parse_insn(asm):
    """(mnemonic, [operands]) with Intel order (destination first) for AT&T
    or Intel text from GDB's disassembler; registers without '%'."""
    asm = asm.split("#")[0].strip()
    parts = asm.split(None, 1)
    if not parts:
        return "", []
    mnemonic = parts[0]
    ops, depth, cur = [], 0, ""
    for ch in parts[1] if len(parts) > 1 else "":
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            ops.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        ops.append(cur.strip())
    if any("%" in o for o in ops):
        ops = [o.replace("%", "").replace("$", "") for o in reversed(ops)]
    return mnemonic, ops


def _imm(text):
    try:
        return int(text, 0)
    except ValueError:
        return None


def track_stack(insns, pc, rsp_offset):
    """Follows RSP and RBP through straight-line code up to pc.

    insns: [(address, asm text)] from the start of the code; rsp_offset:
    RSP minus the trap frame's address at the first instruction. Returns
    (rsp_offset, rbp_offset, lowest) before the instruction at pc:
    rsp_offset and rbp_offset are None once unknown (after `and rsp, -16`,
    say), and the frame's address is RSP - rsp_offset (or RBP -
    rbp_offset), whatever the stub pushed so far; lowest is the lowest
    rsp_offset reached, so the slots from there up have been written (on
    the way out, popped slots still hold what was pushed).
    """
    d, e = rsp_offset, None
    lowest = rsp_offset
    for address, asm in insns:
        if d is not None:
            lowest = min(lowest, d)
        if address >= pc:
            break
        op, ops = parse_insn(asm)
        dest = ops[0] if ops else ""
        src = ops[1] if len(ops) > 1 else ""
        if op.startswith("push"):
            d = None if d is None else d - 8
        elif op.startswith("pop"):
            d = None if d is None else d + 8
            if dest == "rbp":
                e = None
        elif op.startswith("call") or op.startswith("cmp") or op.startswith("test"):
            continue
        elif op.startswith("mov") and dest == "rbp" and src == "rsp":
            e = d
        elif op.startswith("mov") and dest == "rsp" and src == "rbp":
            d = e
        elif op.startswith(("add", "sub")) and dest == "rsp" and _imm(src) is not None and d is not None:
            d += _imm(src) if op.startswith("add") else -_imm(src)
        elif dest == "rsp":
            d = None
        elif dest == "rbp":
            e = None
    if d is not None:
        lowest = min(lowest, d)
    return d, e, lowest
