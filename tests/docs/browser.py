"""Headless Chromium for the docs tests, driven through the DevTools
protocol over a pipe (--remote-debugging-pipe: JSON messages ended by a NUL
byte on file descriptors 3 and 4), with the standard library only.

    with Browser() as b:
        page, = b.open(["http://127.0.0.1:8000/index.html"], [1280, 800], script)
        page.value  # {width: what the script returned at that width}
        page.errors # console errors, uncaught exceptions, failed loads
        page.requests # every URL the page asked for, its own included

Every wait is bounded; the browser runs offline with a fresh profile.
"""

import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(Exception):
    pass


class Page:
    def __init__(self, value, errors, requests):
        self.value = value
        self.errors = errors
        self.requests = requests


class Browser:
    def __init__(self, timeout=20):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()

        def wire():  # the protocol's fixed descriptors: the browser reads 3, writes 4
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen([chromium()] + FLAGS + ["--user-data-dir=" + self.profile, "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire,
                                     start_new_session=True)
        os.close(to_browser)
        os.close(from_browser)
        self._buf = b""
        self._id = 0
        self._events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close")
            except (BrowserError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- the protocol ---

    def _read(self, deadline):
        """The next message from the browser."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("no answer from Chromium in %ds" % self.timeout)
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe (did it start?)")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, session=None, **params):
        """Sends a command; returns its result (events meanwhile are kept)."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            self._events.append(m)

    def _wait_event(self, method, session):
        deadline = time.monotonic() + self.timeout
        while True:
            for i, m in enumerate(self._events):
                if m.get("method") == method and m.get("sessionId") == session:
                    return self._events.pop(i)
            self._events.append(self._read(deadline))

    # --- pages ---

    def open(self, urls, widths, script, height=900):
        """Loads every url in a tab of its own, all at once, then runs
        script (an expression, maybe a promise) in each at each window width
        in turn. Returns one Page per url; a Page's value is
        {width: what the script returned}."""
        tabs = []
        try:
            for url in urls:
                target = self.send("Target.createTarget", url="about:blank")["targetId"]
                session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
                tabs.append((target, session))
                for domain in ("Page", "Runtime", "Log", "Network"):
                    self.send(domain + ".enable", session)
                self.send("Emulation.setDeviceMetricsOverride", session, width=widths[0], height=height,
                          deviceScaleFactor=1, mobile=False)
                self.send("Page.navigate", session, url=url)
            for _, session in tabs:
                self._wait_event("Page.loadEventFired", session)
            values = [{} for _ in tabs]
            for i, width in enumerate(widths):
                for n, (_, session) in enumerate(tabs):
                    self.send("Page.bringToFront", session)  # a hidden tab draws no frames
                    if i:
                        self.send("Emulation.setDeviceMetricsOverride", session, width=width,
                                  height=height, deviceScaleFactor=1, mobile=False)
                    result = self.send("Runtime.evaluate", session, expression=script,
                                       returnByValue=True, awaitPromise=True)
                    if "exceptionDetails" in result:
                        raise BrowserError("the check script failed on %s: %s" % (
                            urls[n], result["exceptionDetails"].get("text")))
                    values[n][width] = result["result"].get("value")
            return [Page(v, [d for d in (describe(e) for e in self._events
                                         if e.get("sessionId") == session) if d],
                         [e["params"]["request"]["url"] for e in self._events
                          if e.get("sessionId") == session and e.get("method") == "Network.requestWillBeSent"])
                    for v, (_, session) in zip(values, tabs)]
        finally:
            for target, session in tabs:
                self.send("Target.closeTarget", targetId=target)
            self._events = []


def describe(event):
    """One line for an event that is an error on the page, else None."""
    method, p = event.get("method"), event.get("params", {})
    if method == "Runtime.exceptionThrown":
        d = p.get("exceptionDetails", {})
        return "uncaught: %s" % (d.get("exception", {}).get("description") or d.get("text"))
    if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
        return "console.%s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description")))
                                                       for a in p.get("args", [])))
    if method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
        e = p["entry"]
        return "%s: %s %s" % (e.get("source"), e.get("text"), e.get("url", ""))
    return None
