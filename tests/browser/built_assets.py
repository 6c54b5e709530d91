"""The stylesheets and scripts a built page loads, bundles opened.

Each built page links one stylesheet bundle and one script bundle
(``_ext/asset_bundles.py``); ``_static/bundles/manifest.json`` names each
bundle's parts in order. Bootstrap starts after the load event from an inline
script. These helpers give the files behind all that, as paths relative to the
book (``_static/live-figures/adagrad.js``), in the order the page loads them.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

BUNDLES = "_static/bundles"
AFTER_LOAD = re.compile(r'var sources = (\[[^\]]*\]);')


@functools.cache
def manifest(book_dir: Path) -> dict[str, list[str]]:
    path = book_dir / BUNDLES / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def book_path(rel: str, url: str) -> str | None:
    """The book-relative path a page-relative ``url`` names, or None for another site's or a data: URL."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), parts.path))


def opened(book_dir: Path, path: str) -> list[str]:
    """``path``, or the parts of the bundle it is; a bundle the manifest does not know fails."""
    if not path.startswith(BUNDLES + "/"):
        return [path]
    name = path.rsplit("/", 1)[1]
    parts = manifest(book_dir).get(name)
    assert parts is not None, f"{path} is not in {BUNDLES}/manifest.json"
    return parts


def page_scripts(book_dir: Path, rel: str, soup: BeautifulSoup) -> list[str]:
    """The script files the page runs, in order: its ``<script src>`` (bundles opened), then those it starts after load."""
    found = []
    for script in soup.find_all("script"):
        if script.get("src"):
            path = book_path(rel, script["src"])
            found += opened(book_dir, path) if path else [script["src"]]
        else:
            match = AFTER_LOAD.search(script.get_text())
            if match:
                found += [book_path(rel, src) or src for src in json.loads(match.group(1))]
    return found


def page_stylesheets(book_dir: Path, rel: str, soup: BeautifulSoup) -> list[str]:
    """The stylesheet files the page links, in order (bundles opened)."""
    found = []
    for link in soup.find_all("link", href=True):
        if "stylesheet" in link.get("rel", []):
            path = book_path(rel, link["href"])
            found += opened(book_dir, path) if path else [link["href"]]
    return found

