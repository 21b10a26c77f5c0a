"""QEMU command lines and bounded runs.

Every way of starting the kernel (make lab, make debug, the grader) builds
its command line here, so the machine is the same everywhere. A bounded run
has a wall-clock limit, a cap on serial bytes, its own process group, and is
always reaped: no QEMU outlives the Python process that started it.
"""

import atexit
import os
import re
import select
import shutil
import signal
import subprocess
import time

QEMU = "qemu-system-x86_64"
EXIT_SUCCESS = 0x10  # KERNEL_EXIT_SUCCESS in common/include/qemu.h
EXIT_FAILURE = 0x11  # KERNEL_EXIT_FAILURE

# Run statuses.
SUCCESS = "success"            # the kernel exited with KERNEL_EXIT_SUCCESS
FAILURE = "failure"            # ... with KERNEL_EXIT_FAILURE (a report or a panic)
TRIPLE_FAULT = "triple fault"  # the CPU reset itself; QEMU's log says so
RESET = "reset"                # QEMU stopped without a triple fault in the log
TIMEOUT = "timeout"            # still running at the deadline: killed
OUTPUT_LIMIT = "output limit"  # too much serial output: killed
QEMU_ERROR = "qemu error"      # QEMU refused to start (bad kernel file, ...)
OTHER_EXIT = "exit"            # the kernel wrote another value to the exit port

GTK_MODULE = "/usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so"


def have_display():
    """True when QEMU can open a window here (a desktop and QEMU's GTK module)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
        and os.path.exists(GTK_MODULE)


def argv(*, boot="fast", elf=None, iso=None, cmdline="", log=None, display=False,
         serial="stdio", gdb_port=None, paused=False, memory="128M"):
    """The QEMU command line for one run.

    boot="fast" starts the ELF directly (PVH note, -append); boot="grub"
    boots the ISO, passing the command line as an SMBIOS OEM string that
    grub.cfg hands to the kernel. TCG only: KVM is never asked for.
    """
    args = [QEMU, "-machine", "pc", "-accel", "tcg", "-m", memory,
            "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", serial, "-monitor", "none"]
    args += ["-display", "gtk" if display else "none"]
    if boot == "fast":
        args += ["-kernel", elf, "-append", cmdline]
    elif boot == "grub":
        args += ["-cdrom", iso, "-boot", "d"]
        if cmdline:
            args += ["-smbios", "type=11,value=" + cmdline.replace(",", ",,")]
    else:
        raise ValueError("boot must be fast or grub, not %r" % boot)
    if log:
        args += ["-d", "int,cpu_reset", "-D", log]
    if gdb_port:
        args += ["-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    if paused:
        args.append("-S")
    return args


def have_qemu():
    return shutil.which(QEMU) is not None


# Process groups of every QEMU we started and have not reaped yet.
_live = {}


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all():
    """Kills every QEMU still running (on exit, Ctrl-C or SIGTERM)."""
    for proc in list(_live.values()):
        _kill_group(proc)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    _live.clear()


atexit.register(kill_all)


def spawn(args, **kw):
    """Popen in a new process group, remembered until reap()."""
    proc = subprocess.Popen(args, start_new_session=True, **kw)
    _live[proc.pid] = proc
    return proc


def reap(proc, kill=False):
    """Waits for proc (killing its group first if asked); forgets it."""
    if kill:
        _kill_group(proc)
    try:
        rc = proc.wait()
    finally:
        _live.pop(proc.pid, None)
    return rc


class RunResult:
    """What one bounded run produced."""

    def __init__(self, status, exit_code, serial, duration, log_path, stderr, kernel_code=None):
        self.status = status          # one of the statuses above
        self.exit_code = exit_code    # QEMU's exit status (None if killed)
        self.serial = serial          # bytes from COM1
        self.duration = duration      # seconds, wall clock
        self.log_path = log_path      # QEMU's -d int,cpu_reset log
        self.stderr = stderr          # QEMU's own messages
        self.kernel_code = kernel_code  # value written to the exit port, if any

    @property
    def text(self):
        """Serial output as text: undecodable bytes replaced, CRs dropped."""
        return self.serial.decode("utf-8", errors="replace").replace("\r", "")


def decode_exit(rc, log_text):
    """(status, kernel_code) from QEMU's exit status and its log."""
    if rc is not None and rc & 1 and rc > 1:
        code = rc >> 1
        if code == EXIT_SUCCESS:
            return SUCCESS, code
        if code == EXIT_FAILURE:
            return FAILURE, code
        return OTHER_EXIT, code
    if rc == 0:
        return (TRIPLE_FAULT if "Triple fault" in log_text else RESET), None
    return QEMU_ERROR, None


def verdict(rc, log_path, elf):
    """(status, one line) on how a finished QEMU run ended, for people
    (make lab, make debug): a triple fault comes with QEMU's chain."""
    log_text = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, "rb") as f:
            log_text = f.read().decode("utf-8", errors="replace")
    status, code = decode_exit(rc, log_text)
    if status == TRIPLE_FAULT:
        from .qemulog import QemuLog      # here, not at the top: qemulog and
        from .symbols import Symbols      # symbols need nothing from this module
        syms = Symbols(elf)
        return status, "TRIPLE FAULT: " + QemuLog(log_text).fault_chain(syms.symbolize, syms.describe)
    return status, {
        SUCCESS: "kernel exited: success",
        FAILURE: "kernel stopped with the failure code (a report or a panic above)",
        RESET: "QEMU stopped: the CPU reset or powered off without a triple fault",
        OTHER_EXIT: "kernel exited with code %#x" % (code or 0),
    }.get(status, "QEMU failed to start (exit status %s)" % rc)


def run(args, *, timeout, max_serial=1 << 20, log_path=None):
    """Runs QEMU with serial on stdout, bounded in time and output.

    Returns a RunResult. The QEMU process group is killed at the deadline
    or past max_serial bytes, and always reaped before returning.
    """
    start = time.monotonic()
    deadline = start + timeout
    proc = spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    chunks, size, status = [], 0, None
    err_chunks = []
    fds = {proc.stdout.fileno(): chunks, proc.stderr.fileno(): err_chunks}
    try:
        open_fds = set(fds)
        while open_fds:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = TIMEOUT
                break
            ready, _, _ = select.select(list(open_fds), [], [], remaining)
            for fd in ready:
                data = os.read(fd, 65536)
                if not data:
                    open_fds.discard(fd)
                    continue
                fds[fd].append(data)
                if fd == proc.stdout.fileno():
                    size += len(data)
            if size > max_serial:
                status = OUTPUT_LIMIT
                break
        if status is None:
            # Output closed: QEMU is exiting. Give it until the deadline.
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                status = TIMEOUT
    finally:
        rc = reap(proc, kill=status is not None or proc.poll() is None)
        proc.stdout.close()
        proc.stderr.close()
    duration = time.monotonic() - start
    serial = b"".join(chunks)[:max_serial]
    log_text = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, "rb") as f:
            log_text = f.read().decode("utf-8", errors="replace")
    code = None
    if status is None:
        status, code = decode_exit(rc, log_text)
    return RunResult(status, None if status in (TIMEOUT, OUTPUT_LIMIT) else rc,
                     serial, duration, log_path,
                     b"".join(err_chunks).decode("utf-8", errors="replace"), code)


# A terminal control sequence: GRUB clears the screen on the serial line,
# which would wipe what was printed above (the build, a GDB session).
_CONTROL = re.compile(rb"\x1b(\[[0-9;?]*[A-Za-z]?|$)")
_CUT = re.compile(rb"\x1b[\[0-9;?]*$")


def copy_serial(pipe, out):
    """Copies QEMU's serial output (a pipe) to out (a binary file) until
    QEMU closes it, dropping terminal control sequences. If out goes away
    (a closed pipe), the output is still read, so that QEMU never blocks."""
    carry = b""
    while True:
        data = os.read(pipe.fileno(), 4096)
        if not data:
            break
        data = carry + data
        m = _CUT.search(data)  # a sequence cut at the end waits for the rest
        carry, data = (data[m.start():], data[:m.start()]) if m else (b"", data)
        if out is not None:
            try:
                out.write(_CONTROL.sub(b"", data))
                out.flush()
            except (BrokenPipeError, ValueError, OSError):
                out = None


def install_signal_handlers():
    """SIGTERM/SIGHUP end the program through SystemExit, so atexit reaps QEMU.

    The handler only sends SIGKILL: the code it interrupted may be inside
    Popen.wait(), holding the lock a second wait() would need. The waiting
    happens in kill_all() at exit, once that code has unwound."""
    def handler(signum, frame):
        for proc in list(_live.values()):
            _kill_group(proc)
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)
