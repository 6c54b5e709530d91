"""Sphinx extension: every picture of the built pages keeps its place, and loads lazily.

An ``<img>`` without a size takes no room until its file has arrived, so the
text below it moves when it does; and a picture far down the page need not
hold up the page's first screen. After the build, each ``<img>`` of a page
that has no ``width`` gets

* its file's size in CSS pixels as ``width`` and ``height``: an SVG's
  ``width``/``height`` (``pt`` × 4/3, ``px`` or plain numbers; else its
  ``viewBox``), a PNG's pixels. The browser reserves that box before the file
  arrives, and ``book.css`` scales it with the column (``height: auto``);
* ``loading="lazy"``: Chromium fetches it as the reader comes near it (for a
  picture in the first screen, at once). The PDF build makes every picture
  eager before it prints (``tools/build_pdf.py``).

A picture whose size cannot be read is a build warning (an error under ``-W``).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sphinx.util import logging

logger = logging.getLogger(__name__)

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([\w-]+)="([^"]*)"')
_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")
PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, None: 1.0}


def svg_size(text: str) -> tuple[int, int] | None:
    """The CSS-pixel size of an SVG document from its root's width/height, or its viewBox."""
    root = _SVG_ROOT.search(text)
    if root is None:
        return None
    attrs = dict(_ATTR.findall(root.group(0)))
    lengths = [_LENGTH.match(attrs.get(name, "")) for name in ("width", "height")]
    if all(lengths):
        return tuple(round(float(m.group(1)) * PX_PER_UNIT[m.group(2)]) for m in lengths)  # type: ignore[return-value]
    box = attrs.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's pixel size, from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def picture_size(path: Path) -> tuple[int, int] | None:
    if path.suffix.lower() == ".svg":
        return svg_size(path.read_text(encoding="utf-8", errors="replace")[:20000])
    if path.suffix.lower() == ".png":
        return png_size(path.read_bytes()[:24])
    return None


def picture_size_or_none(path: Path) -> tuple[int, int] | None:
    """``picture_size``, or None for a file that is not there."""
    return picture_size(path) if path.is_file() else None


def sized_and_lazy(html: str, page: Path, size_of: Any) -> tuple[str, list[str]]:
    """``html`` with each ``<img>`` that has no width given its size and ``loading="lazy"``;
    and the sources whose size ``size_of(path)`` could not tell."""
    unknown: list[str] = []

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        attrs = dict(_ATTR.findall(tag))
        src = attrs.get("src", "")
        if "width" in attrs or not src or urlsplit(src).scheme:
            return tag
        size = size_of(page.parent / unquote(urlsplit(src).path))
        if size is None:
            unknown.append(src)
            return tag
        extra = f' width="{size[0]}" height="{size[1]}"' + ("" if "loading" in attrs else ' loading="lazy"')
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + extra + (" />" if end == -2 else ">")

    return _IMG.sub(replace, html), unknown


def size_pictures(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    sizes: dict[Path, tuple[int, int] | None] = {}

    def size_of(path: Path) -> tuple[int, int] | None:
        path = path.resolve()
        if path not in sizes:
            sizes[path] = picture_size_or_none(path)
        return sizes[path]

    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if {"_sources", "_static"} & set(page.relative_to(outdir).parts):
            continue
        html = page.read_text(encoding="utf-8")
        out, unknown = sized_and_lazy(html, page, size_of)
        for src in unknown:
            logger.warning("picture_sizes: no size known for %s in %s", src, page.relative_to(outdir),
                           type="picture_sizes")
        if out != html:
            page.write_text(out, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", size_pictures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
