"""Do the site's pages fit a window? Each page is served from 127.0.0.1 (as
a web host would; file:// pages cannot see into their own SVG objects),
opened in headless Chromium at each width, and measured by FIT_SCRIPT."""

import contextlib
import functools
import http.server
import threading

from docs import browser

# What overflows the text column (div.contents): figures (objects, images,
# inline SVG) and tables wider than their parent or sticking out of the
# column; an SVG clipped inside its object; a page that scrolls sideways.
# Two animation frames first, so a resize has been laid out.
FIT_SCRIPT = r"""
new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const bad = [];
  const col = document.querySelector('div.contents');
  if (!col) { done({checked: 0, bad: ['no div.contents']}); return; }
  const edge = col.getBoundingClientRect();
  const name = el => el.tagName.toLowerCase() + ' ' +
    (el.getAttribute('data') || el.getAttribute('src') || el.className || '').toString();
  const items = [...col.querySelectorAll('object, img, table')]
    .concat([...col.querySelectorAll('svg')].filter(s => !s.parentElement.closest('svg')));
  for (const el of items) {
    const r = el.getBoundingClientRect(), box = el.parentElement.getBoundingClientRect();
    if (r.width > box.width + 1 || r.right > edge.right + 1 || r.left < edge.left - 1)
      bad.push(name(el) + ': ' + Math.round(r.width) + 'px wide in a ' + Math.round(box.width) + 'px column');
    if (el.tagName === 'OBJECT') {
      const svg = el.contentDocument && el.contentDocument.documentElement;
      if (!svg) { bad.push(name(el) + ': not loaded'); continue; }
      const inner = svg.getBoundingClientRect();
      if (inner.width > el.clientWidth + 1 || inner.height > el.clientHeight + 1)
        bad.push(name(el) + ': drawing ' + Math.round(inner.width) + 'x' + Math.round(inner.height) +
                 ' clipped to ' + el.clientWidth + 'x' + el.clientHeight);
    }
  }
  const pane = document.getElementById('doc-content') || document.scrollingElement;
  if (pane.scrollWidth > pane.clientWidth + 1)
    bad.push('the page scrolls sideways: ' + pane.scrollWidth + 'px in ' + pane.clientWidth + 'px');
  done({checked: items.length, bad: bad});
})))
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/favicon.ico":  # the browser's own request, not the page's
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


@contextlib.contextmanager
def serve(folder):
    """An HTTP server for folder on 127.0.0.1 (a free port); yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def check_pages(folder, pages, widths):
    """{page: browser.Page} for each page (a file name in folder); a Page's
    value is {width: {checked, bad}}."""
    with serve(folder) as url, browser.Browser() as b:
        return dict(zip(pages, b.open([url + p for p in pages], widths, FIT_SCRIPT)))
