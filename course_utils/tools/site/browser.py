"""Look at the course site in a real browser: headless Chromium for the tests and for screenshots.

    python -m course_utils.tools.site.browser            # screenshots of build/site → build/screenshots/
    python -m course_utils.tools.site.browser --site DIR --out DIR

Uses the system Chromium (Debian ``chromium``; ``.ci/run`` installs it) through Playwright,
which downloads no browser of its own. Every page is opened with a fresh profile, host
names other than ``localhost`` resolve to nothing, and :class:`RequestLog` records every
request so a test can prove that nothing left the machine. :class:`SiteServer` serves a
folder on ``127.0.0.1`` the way ``python -m http.server -d build/site`` does.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

from ...errors import SiteError

#: Flags for a quiet, private headless Chromium that talks to nobody.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
LOCAL_SCHEMES = ("file", "data", "blob", "about", "chrome-error")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def find_chromium() -> str | None:
    """The system Chromium (or Chrome), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class SiteServer:
    """Serve ``folder`` on ``http://127.0.0.1:<free port>/`` in a thread (a context manager)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def __enter__(self) -> "SiteServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def is_local(url: str) -> bool:
    """True for file:, data:, blob: and about: URLs and for http(s) on this machine."""
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in ("http", "https", "ws") and parsed.hostname in LOCAL_HOSTS


class RequestLog:
    """Every request a browser context makes, and the answers that failed."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.failed: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("requestfailed", lambda request: self.failed.append(request.url))
        context.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} ({response.status})")

    def leaving(self) -> list[str]:
        """The requests that went (or tried to go) off this machine."""
        return [u for u in self.urls if not is_local(u)]


@contextmanager
def browser_context(*, offline: bool = False, width: int = 1280, height: int = 900):
    """A fresh headless Chromium context (new profile); ``offline=True`` also cuts the network."""
    chromium = find_chromium()
    if chromium is None:
        raise SiteError("Chromium is not installed (Debian: apt-get install chromium; .ci/run does it).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SiteError("Playwright is not installed: pip install -e \".[test]\" (make test does it).") from None
    with tempfile.TemporaryDirectory(prefix="course-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height}, offline=offline)
        try:
            yield context
        finally:
            context.close()


def _first_page(site: Path, folder: str, needle: str) -> str | None:
    for page in sorted((site / folder).glob("*.html")):
        if needle in page.read_text(encoding="utf-8"):
            return page.relative_to(site).as_posix()
    return None


def screenshots(site: str | Path, out: str | Path) -> list[Path]:
    """Screenshots of the overview, a formula, a progress bar, check results and a search for "XOR".

    Raises :class:`SiteError` when the site is missing or a page asked the network for anything.
    """
    site, out = Path(site), Path(out)
    if not (site / "index.html").is_file():
        raise SiteError(f"No site in {site}; build it first with `make run` (or `course site`).")
    out.mkdir(parents=True, exist_ok=True)
    # (file name, page, element to wait for and scroll to)
    targets = [("overview", "index.html", "table.course-overview"),
               ("formula", _first_page(site, "notebooks", "tex-mml-chtml.js"), "mjx-container"),
               ("progress", _first_page(site, "notebooks", "epoch/s"), "div.output.stream"),
               ("checks", _first_page(site, "solutions", "course-check"), "div.course-check"),
               ("search", "search.html?q=XOR", "#search-results li")]
    shots = []
    with SiteServer(site) as server, browser_context() as context:
        log = RequestLog(context)
        page = context.new_page()
        for name, path, selector in targets:
            if path is None:
                continue
            page.goto(server.url + path)
            element = page.wait_for_selector(selector, timeout=20_000)
            if name == "progress":
                element = page.locator("div.output.stream", has_text="epoch/s").first
            if name not in ("overview", "search"):
                element.scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, -120)")
            page.wait_for_load_state("networkidle")
            shot = out / f"{name}.png"
            page.screenshot(path=str(shot))
            shots.append(shot)
        if log.leaving():
            raise SiteError("The site asked the network for: " + ", ".join(sorted(set(log.leaving()))))
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.site.browser",
                                     description="Screenshots of the course site in headless Chromium.")
    parser.add_argument("--site", default="build/site", help="the built site (default: build/site)")
    parser.add_argument("--out", default="build/screenshots", help="where the PNG files go")
    args = parser.parse_args(argv)
    try:
        shots = screenshots(args.site, args.out)
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for shot in shots:
        print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
