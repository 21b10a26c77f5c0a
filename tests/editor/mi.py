"""A GDB/MI client for the tests, speaking to `gdb --interpreter=mi` the way
VS Code's C/C++ debugger (MIEngine) does: MI commands as they are, console
commands wrapped in -interpreter-exec console "...". Every wait is bounded."""

import queue
import re
import subprocess
import threading
import time


def console(text):
    """MIEngine's wrapping of a console command (its Debugger.ConsoleCmdAsync)."""
    return '-interpreter-exec console "%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


class MIError(Exception):
    pass


class GDB:
    """One gdb --interpreter=mi process; every line it printed is in .lines."""

    def __init__(self, cwd, gdb="gdb"):
        self.proc = subprocess.Popen([gdb, "--interpreter=mi", "-q", "-nx"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1,
                                     start_new_session=True)
        self.lines = []
        self._queue = queue.Queue()
        self._token = 100
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def _next(self, deadline):
        try:
            line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise MIError("no answer from GDB in time; it said:\n" + "\n".join(self.lines[-30:]))
        if line is None:
            raise MIError("GDB ended; it said:\n" + "\n".join(self.lines[-30:]))
        self.lines.append(line)
        return line

    def run(self, command, timeout=30):
        """Sends a command; returns (result class, the record, console output).
        The result class is done, running, connected, error or exit."""
        self._token += 1
        token = str(self._token)
        self.proc.stdin.write(token + command + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        said = []
        while True:
            line = self._next(deadline)
            if line.startswith('~"'):
                said.append(line[2:-1].encode().decode("unicode_escape"))
            m = re.match(r"^%s\^(\w+)(.*)$" % token, line)
            if m:
                return m.group(1), m.group(2), "".join(said)

    def wait_for(self, pattern, timeout=60):
        """The next line (an async record, say) matching pattern."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._next(deadline)
            if re.search(pattern, line):
                return line

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("-gdb-exit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
