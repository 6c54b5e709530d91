"""Fixtures for the browser tests: a built book, headless Chromium, a local server.

The tests read the book from ``$D2LMINI_BOOK_HTML`` (default ``_build/html``;
``make browser`` builds it first) and drive Debian's ``/usr/bin/chromium``
(or ``$D2LMINI_CHROMIUM``) through Python Playwright. Locally they skip, with
the reason, when the browser or the built book is missing; with ``CI=true``
either is a failure, because CI installs chromium and builds the book first.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOOK_HTML = Path(os.environ.get("D2LMINI_BOOK_HTML", REPO / "_build" / "html")).resolve()
CHROMIUM = os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true, where a missing prerequisite is a broken setup."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def book_dir() -> Path:
    if not (BOOK_HTML / "index.html").is_file():
        unavailable(f"no built book at {BOOK_HTML} (run `make book`, or set D2LMINI_BOOK_HTML)")
    return BOOK_HTML


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium, or set D2LMINI_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python Playwright is not installed (it is pinned in requirements.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves quietly, keeping every request answered with a status >= 400 in ``failures``."""

    def __init__(self, *args, failures: list[str], **kwargs):
        self.failures = failures
        super().__init__(*args, **kwargs)

    def log_request(self, code="-", size="-"):
        if isinstance(code, int) and code >= 400:
            self.failures.append(f"{code} {self.path}")

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


SERVER_FAILURES: list[str] = []


@pytest.fixture(scope="session")
def server_failures() -> list[str]:
    """Requests the book's server answered with an error, in order, as ``"404 /path"``.

    It also sees what the browser fetches on its own, outside any page's events
    (such as a fallback ``/favicon.ico``).
    """
    return SERVER_FAILURES


@pytest.fixture(scope="session")
def server(book_dir):
    """Serve the built book at http://127.0.0.1:<port>/ for the session; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(book_dir), failures=SERVER_FAILURES)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
