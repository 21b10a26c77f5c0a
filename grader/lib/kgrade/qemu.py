"""QEMU command lines, processes and bounded runs.

Every way of starting the kernel (make lab, make debug, the grader) goes
through kgrade.launch, which builds its command line here, so the machine
is the same everywhere. Every QEMU runs in its own process group and is
reaped; install_cleanup() makes an entry point kill what is left on exit,
Ctrl-C, SIGTERM or SIGHUP. QEMU's -d int log always comes through a pipe
(LogPipe) and is parsed as it streams, in bounded memory (qemulog).
"""

import atexit
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time

from .qemulog import LogReader, QemuLog
from .status import End

QEMU = "qemu-system-x86_64"
EXIT_SUCCESS = 0x10  # KERNEL_EXIT_SUCCESS in common/include/qemu.h
EXIT_FAILURE = 0x11  # KERNEL_EXIT_FAILURE
BANNER = b"lab kernel: stage"  # the kernel's first line (common/kmain.c)

# The ends of a run (kgrade.status.End), under their old names.
SUCCESS, FAILURE, TRIPLE_FAULT, RESET = End.SUCCESS, End.FAILURE, End.TRIPLE_FAULT, End.RESET
TIMEOUT, OUTPUT_LIMIT, QEMU_ERROR, OTHER_EXIT = End.TIMEOUT, End.OUTPUT_LIMIT, End.QEMU_ERROR, End.OTHER_EXIT

GTK_MODULE = "/usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so"


def have_display():
    """True when QEMU can open a window here (a desktop and QEMU's GTK module)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
        and os.path.exists(GTK_MODULE)


def argv(*, boot="fast", elf=None, iso=None, cmdline="", display=False,
         serial="stdio", gdb_port=None, paused=False, memory="128M"):
    """The QEMU command line for one run (without the log: see LogPipe).

    boot="fast" starts the ELF directly (PVH note, -append); boot="grub"
    boots the ISO, passing the command line as an SMBIOS OEM string that
    grub.cfg hands to the kernel. TCG only: KVM is never asked for.
    """
    args = [QEMU, "-machine", "pc", "-accel", "tcg", "-m", memory,
            "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", serial, "-monitor", "none",
            "-nic", "none"]  # no network card: a kernel under test reaches nothing outside
    args += ["-display", "gtk" if display else "none"]
    if boot == "fast":
        args += ["-kernel", elf, "-append", cmdline]
    elif boot == "grub":
        args += ["-cdrom", iso, "-boot", "d"]
        if cmdline:
            args += ["-smbios", "type=11,value=" + cmdline.replace(",", ",,")]
    else:
        raise ValueError("boot must be fast or grub, not %r" % boot)
    if gdb_port:
        args += ["-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    if paused:
        args.append("-S")
    return args


def have_qemu():
    return shutil.which(QEMU) is not None


# ---- processes ----------------------------------------------------------------

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


def install_cleanup():
    """For a program's entry point: QEMUs still running are killed at exit,
    and SIGTERM/SIGHUP end the program through SystemExit (so that exit
    handlers run). The handler only sends SIGKILL: the code it interrupted
    may be inside Popen.wait(), holding the lock a second wait() would need.
    The waiting happens in kill_all() at exit, once that code has unwound."""
    atexit.register(kill_all)

    def handler(signum, frame):
        for proc in list(_live.values()):
            _kill_group(proc)
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


install_signal_handlers = install_cleanup  # the older name


# ---- QEMU's log -------------------------------------------------------------------

class LogPipe:
    """QEMU's -d int,cpu_reset log through a pipe, parsed by a thread as
    QEMU writes it (a LogReader: bounded memory whatever QEMU writes).

        pipe = LogPipe(kernel_range)
        proc = spawn(args + pipe.args(), pass_fds=pipe.pass_fds)
        pipe.started()
        ...                 # QEMU runs
        log = pipe.finish()   # after QEMU has ended
    """

    def __init__(self, kernel_range=None):
        self.reader = LogReader(kernel_range)
        self._r, self._w = os.pipe()
        # QEMU opens /dev/fd/N afresh, which checks the pipe's mode: in the
        # sandbox's user layer QEMU is not the pipe's owner. Only processes
        # that hold the pipe can name it, so opening it to all is harmless.
        os.fchmod(self._w, 0o666)
        self._thread = None
        self._log = None

    @property
    def pass_fds(self):
        return (self._w,)

    def args(self):
        return ["-d", "int,cpu_reset", "-D", "/dev/fd/%d" % self._w]

    def _read(self):
        while True:
            try:
                data = os.read(self._r, 1 << 16)
            except OSError:
                return
            if not data:
                return
            self.reader.feed(data)

    def started(self):
        """Call once QEMU has been spawned: only QEMU holds the write end now."""
        os.close(self._w)
        self._w = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def finish(self, timeout=5.0):
        """The parsed log, once QEMU has ended (the pipe then closes)."""
        if self._log is not None:
            return self._log
        if self._w is not None:  # QEMU never started
            os.close(self._w)
            self._w = None
        if self._thread:
            self._thread.join(timeout)
        if self._thread is None or not self._thread.is_alive():
            os.close(self._r)
        self._log = self.reader.finish()
        return self._log

    def save(self, path):
        """Writes the kept text of the log (head and tail of a long one) to path."""
        self.reader.save(path)


# ---- how a run ended ----------------------------------------------------------------

def decode_exit(rc, triple_fault, kernel_started=False):
    """(End, kernel_code) from QEMU's exit status, whether its log shows a
    triple fault, and whether the kernel printed anything. QEMU exits with
    code * 2 + 1 for a value written to the exit port; status 1 is then code
    0, but also QEMU's own error status: the kernel's output tells which."""
    if rc is not None and rc & 1 and (rc > 1 or kernel_started):
        code = rc >> 1
        if code == EXIT_SUCCESS:
            return SUCCESS, code
        if code == EXIT_FAILURE:
            return FAILURE, code
        return OTHER_EXIT, code
    if rc == 0:
        return (TRIPLE_FAULT if triple_fault else RESET), None
    return QEMU_ERROR, None


def verdict(rc, log, symbols, kernel_started=False):
    """(End, one line) on how a finished run ended, for people (make lab,
    make debug); a triple fault comes with QEMU's chain. log is a QemuLog,
    symbols a kgrade.symbols.Symbols (or None); kernel_started: the
    kernel's banner came (then exit status 1 is the kernel's code 0)."""
    end, code = decode_exit(rc, log.triple_fault, kernel_started)
    if end == TRIPLE_FAULT:
        chain = log.fault_chain(symbols.symbolize if symbols else None,
                                symbols.describe if symbols else None)
        return end, "TRIPLE FAULT: " + (chain or "the CPU reset")
    if end == OTHER_EXIT:
        return end, "kernel exited with code %#x" % code
    if end == QEMU_ERROR:
        return end, "QEMU failed to start (exit status %s)" % rc
    return end, end.verdict


class RunResult:
    """What one bounded run produced."""

    def __init__(self, status, exit_code, serial, duration, log, stderr, kernel_code=None, log_text=b""):
        self.status = status          # an End
        self.exit_code = exit_code    # QEMU's exit status (None if killed)
        self.serial = serial          # bytes from COM1
        self.duration = duration      # seconds, wall clock
        self.log = log                # QemuLog: QEMU's -d int,cpu_reset log, parsed
        self.stderr = stderr          # QEMU's own messages
        self.kernel_code = kernel_code  # value written to the exit port, if any
        self.log_text = log_text      # the kept text of the log (bytes), to save for people

    @property
    def text(self):
        """Serial output as text: undecodable bytes replaced, CRs dropped."""
        return self.serial.decode("utf-8", errors="replace").replace("\r", "")


def run(args, *, timeout, max_serial=1 << 20, kernel_range=None, pass_fds=(), env=None):
    """Runs QEMU (args: its command line, maybe inside a sandbox's) with
    serial on stdout, bounded in time and output, its log parsed through a
    LogPipe. Returns a RunResult. The QEMU process group is killed at the
    deadline or past max_serial bytes, and always reaped."""
    start = time.monotonic()
    deadline = start + timeout
    pipe = LogPipe(kernel_range)
    try:
        proc = spawn(args + pipe.args(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, pass_fds=tuple(pass_fds) + pipe.pass_fds, env=env)
    except OSError:
        pipe.finish()
        raise
    pipe.started()
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
        log = pipe.finish()
    duration = time.monotonic() - start
    serial = b"".join(chunks)[:max_serial]
    code = None
    if status is None:
        status, code = decode_exit(rc, log.triple_fault, kernel_started=BANNER in serial)
    return RunResult(status, None if status in (TIMEOUT, OUTPUT_LIMIT) else rc,
                     serial, duration, log, b"".join(err_chunks).decode("utf-8", errors="replace"),
                     code, pipe.reader.text())


# ---- serial to a terminal -------------------------------------------------------------

# A terminal control sequence: GRUB clears the screen on the serial line,
# which would wipe what was printed above (the build, a GDB session).
_CONTROL = re.compile(rb"\x1b(\[[0-9;?]*[A-Za-z]?|$)")
_CUT = re.compile(rb"\x1b[\[0-9;?]*$")


class BannerWatch:
    """A file-like wrapper that notes whether the kernel's banner went through."""

    def __init__(self, out):
        self.out, self.seen, self._tail = out, False, b""

    def write(self, data):
        if not self.seen:
            self.seen = BANNER in self._tail + data
            self._tail = data[-len(BANNER):]
        self.out.write(data)

    def flush(self):
        self.out.flush()


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
