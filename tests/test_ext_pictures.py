"""_ext/picture_sizes.py: each picture's size written into its tag, and lazy loading."""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import picture_sizes  # noqa: E402


def test_svg_size_reads_points_pixels_and_the_viewbox():
    assert picture_sizes.svg_size('<?xml?>\n<svg xmlns="x" width="459.6pt" height="210.72pt">') == (613, 281)
    assert picture_sizes.svg_size('<svg width="300px" height="150">') == (300, 150)
    assert picture_sizes.svg_size('<svg width="100%" viewBox="0 0 640.4 480">') == (640, 480)
    assert picture_sizes.svg_size('<svg width="10em" height="5em">') is None
    assert picture_sizes.svg_size("<html>not a picture</html>") is None


def test_png_size_reads_the_header(tmp_path):
    chunk = struct.pack(">IIBBBBB", 320, 200, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + chunk + struct.pack(">I", zlib.crc32(b"IHDR" + chunk))
    (tmp_path / "a.png").write_bytes(png)
    assert picture_sizes.picture_size(tmp_path / "a.png") == (320, 200)
    assert picture_sizes.png_size(b"GIF89a" + bytes(20)) is None


def test_sized_and_lazy_fills_in_only_what_is_missing(tmp_path):
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.svg").write_text('<svg width="75pt" height="30pt"></svg>')
    (tmp_path / "chapters").mkdir()
    page = tmp_path / "chapters" / "p.html"
    html = ('<img alt="A line" src="../_images/a.svg" />'
            '<img src="../_images/a.svg" alt="x" width="5" height="2">'
            '<img alt="folded" src="../_images/a.svg" loading="lazy" />'
            '<img alt="off site" src="https://example.org/b.png">'
            '<img alt="gone" src="../_images/missing.svg">')
    out, unknown = picture_sizes.sized_and_lazy(html, page, picture_sizes.picture_size_or_none)
    assert out == ('<img alt="A line" src="../_images/a.svg" width="100" height="40" loading="lazy" />'
                   '<img src="../_images/a.svg" alt="x" width="5" height="2">'
                   '<img alt="folded" src="../_images/a.svg" loading="lazy" width="100" height="40" />'
                   '<img alt="off site" src="https://example.org/b.png">'
                   '<img alt="gone" src="../_images/missing.svg">')
    assert unknown == ["../_images/missing.svg"]
