"""Visit every built page in headless Chromium: nothing off-site, no typesetting script, no console errors.

Every request and console message of every page is recorded in
``tests/artifacts/crawl-<scheme>.json``. The book is crawled twice: served
over http from 127.0.0.1, and opened from disk (file://), as the README tells
readers to do.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.site_audit  # make audit: every page, cold

LOCAL_SCHEMES = {"data", "blob", "about"}
SETTLE_MS = 400  # after the network is idle, for timers that the theme starts
# Math is typeset when the book is built; no page may fetch a typesetting script.
TYPESETTING = re.compile(r"mathjax|tex-(?:chtml|svg|mml)|katex(?:\.min)?\.js|auto-render", re.IGNORECASE)


def _typesetting(record: dict) -> list[str]:
    return [url for url in record["requests"] if TYPESETTING.search(urlsplit(url).path)]


def built_pages(book_dir: Path) -> list[str]:
    """Every HTML page of the build, relative to its root.

    ``_static/`` holds only the theme's template fragments and ``_sources/``
    the notebooks' sources; neither is a page of the book.
    """
    pages = sorted(
        p.relative_to(book_dir).as_posix()
        for p in book_dir.rglob("*.html")
        if p.relative_to(book_dir).parts[0] not in {"_static", "_sources"}
    )
    return pages


def crawl(browser, base: str, pages: list[str], batch: int = 6) -> list[dict]:
    """Load the pages, a batch at a time side by side, recording everything each one does.

    A page counts as done when its network has been idle for 500 ms after the
    load event, plus a short settling time for timers.
    """
    base_parts = urlsplit(base)
    records = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        for first in range(0, len(pages), batch):
            opened = []
            for rel in pages[first:first + batch]:
                record = {"page": rel, "requests": [], "console": [], "failed": [], "off_site": [], "errors": []}
                page = context.new_page()
                _record(page, record, base_parts)
                page.goto(base + rel, wait_until="commit")
                opened.append((page, record))
            for page, record in opened:
                page.wait_for_load_state("load")
                page.wait_for_load_state("networkidle")
            opened[-1][0].wait_for_timeout(SETTLE_MS)
            for page, record in opened:
                page.close()
                records.append(record)
    finally:
        context.close()
    return records


def _record(page, record: dict, base_parts) -> None:
    def on_request(request):
        url = request.url
        record["requests"].append(url)
        parts = urlsplit(url)
        local = parts.scheme in LOCAL_SCHEMES or (
            parts.scheme == base_parts.scheme and parts.netloc == base_parts.netloc
        )
        if not local:
            record["off_site"].append(url)

    def on_console(message):
        record["console"].append({"type": message.type, "text": message.text})
        if message.type == "error":
            record["errors"].append(f"console error: {message.text}")

    def on_response(response):
        if response.status >= 400:
            record["errors"].append(f"HTTP {response.status}: {response.url}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: record["errors"].append(f"page error: {error}"))
    page.on("requestfailed", lambda request: record["failed"].append(f"{request.url}: {request.failure}"))


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_every_page_loads_nothing_off_site_and_logs_no_error(
    browser, server, server_failures, book_dir, artifacts, scheme
):
    pages = built_pages(book_dir)
    failures_before = len(server_failures)
    assert "chapters/algorithm.html" in pages and "index.html" in pages, pages
    base = server if scheme == "http" else book_dir.as_uri() + "/"
    records = crawl(browser, base, pages)
    (artifacts / f"crawl-{scheme}.json").write_text(json.dumps(records, indent=1))

    assert len(records) == len(pages)
    assert all(r["requests"] for r in records), "a page made no request at all: the crawl did not load it"
    problems = {
        r["page"]: r["off_site"] + r["failed"] + r["errors"] + [f"typesetting script: {u}" for u in _typesetting(r)]
        for r in records
        if r["off_site"] or r["failed"] or r["errors"] or _typesetting(r)
    }
    assert not problems, json.dumps(problems, indent=1)
    assert server_failures[failures_before:] == [], "the book's server answered these requests with an error"
    print(f"{scheme}: crawled {len(records)} pages, {sum(len(r['requests']) for r in records)} requests")


def test_the_thebe_configuration_is_gone(book_dir):
    """The fix for "Identifier 'THEBE_JS_URL' has already been declared": no page declares it at all."""
    for rel in built_pages(book_dir):
        assert "THEBE_JS_URL" not in (book_dir / rel).read_text(encoding="utf-8"), rel


ICON_LINK = re.compile(r"<link\b[^>]*\brel=[\"']?[^\"'>]*\bicon\b", re.IGNORECASE)


def test_every_page_declares_its_icon(book_dir):
    """A page without ``<link rel="icon">`` makes the browser fetch ``/favicon.ico``
    on its own, outside the page's events; the book ships none, so that is a 404
    which the crawl sees only when the fetch happens to beat the page's close.
    Checked in the files, so it cannot depend on timing (a bare redirect page,
    such as the one sphinx-external-toc writes when the root is not ``index``, fails).
    """
    pages = built_pages(book_dir)
    missing = [rel for rel in pages if not ICON_LINK.search((book_dir / rel).read_text(encoding="utf-8"))]
    assert not missing, f"pages without <link rel=icon>: {missing}"


def test_icon_check_sees_a_redirect_page():
    assert not ICON_LINK.search('<meta http-equiv="Refresh" content="0; url=intro.html" />')
    assert ICON_LINK.search('<link rel="icon" href="_static/favicon.svg"/>')
    assert ICON_LINK.search("<link href='x.ico' rel='shortcut icon'>")


def test_the_server_records_what_it_could_not_serve(server, server_failures):
    before = len(server_failures)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(server + "no-such-page.html", timeout=10)
    assert server_failures[before:] == ["404 /no-such-page.html"]
    del server_failures[before:]
