"""_ext/katex_math.py: equations rendered at build time, errors failing the build, fonts preloaded."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import katex_math  # noqa: E402

KATEX_CSS = REPO / "node_modules" / "katex" / "dist" / "katex.min.css"
needs_katex = pytest.mark.skipif(
    not KATEX_CSS.is_file() or shutil.which("node") is None,
    reason="KaTeX is not installed (make installs it with npm ci) or node is missing",
)


@pytest.fixture(scope="module")
def rules():
    if not KATEX_CSS.is_file():
        pytest.skip("KaTeX is not installed (make installs it with npm ci)")
    return katex_math.font_rules(katex_math._FALLBACK_FONT.sub("", KATEX_CSS.read_text(encoding="utf-8")))


def test_the_copied_stylesheet_names_only_woff2_fonts():
    css = ('@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),'
           'url(fonts/KaTeX_AMS-Regular.woff) format("woff"),url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}')
    assert katex_math._FALLBACK_FONT.sub("", css) == (
        '@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2")}'
    )


def test_font_rules_read_katex_stylesheet(rules):
    base, pairs = rules
    assert base == "KaTeX_Main-Regular.woff2"
    fonts = {parts: font for parts, font in pairs}
    assert fonts[(frozenset({"mathbf"}),)] == "KaTeX_Main-Bold.woff2"
    assert fonts[(frozenset({"mathnormal"}),)] == "KaTeX_Math-Italic.woff2"
    assert fonts[(frozenset({"boldsymbol"}),)] == "KaTeX_Math-BoldItalic.woff2"
    assert fonts[(frozenset({"delimsizing", "size1"}),)] == "KaTeX_Size1-Regular.woff2"


def test_fonts_used_follow_the_classes_of_single_elements(rules):
    base, pairs = rules
    page = ('<span class="katex"><span class="mord mathbf">g</span>'
            '<span class="sizing reset-size6 size3 mtight">t</span>'
            '<span class="delimsizing size1">(</span></span>')
    # `size3` on a sizing span and `delimsizing` on another element do not make KaTeX_Size3.
    assert katex_math.fonts_used(page, base, pairs) == [
        "KaTeX_Main-Bold.woff2", "KaTeX_Main-Regular.woff2", "KaTeX_Size1-Regular.woff2",
    ]
    assert katex_math.fonts_used("<p class='mathbf'>no math</p>", base, pairs) == []


def _build(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(REPO / '_ext')!r})\n"
        "extensions = ['katex_math']\n"
        "html_math_renderer = 'katex_book'\n"
        "katex_render_options = {'strict': 'error'}\n"
        f"katex_node_modules = {str(REPO / 'node_modules')!r}\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(text, encoding="utf-8")
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-q", "-W", "-b", "html", "-w", str(warnings), str(src), str(tmp_path / "out")])
    return status, warnings.read_text(encoding="utf-8"), tmp_path / "out"


@needs_katex
def test_the_books_constructs_render_with_mathml(tmp_path):
    status, warnings, out = _build(tmp_path, r"""
Maths
=====

Inline :math:`\boldsymbol{\delta} = \operatorname{diag}(\mathbf{s}_t)^{-1/2}\,\tfrac{1}{2}\bigl(x\bigr)`.

.. math::

   \begin{aligned} \mathbf{s}_t &= \mathbf{s}_{t-1} + \mathbf{g}_t^2, \\
   \mathbf{w}_t &= \mathbf{w}_{t-1} - \frac{\eta}{\sqrt{\mathbf{s}_t + \epsilon}} \odot \mathbf{g}_t \end{aligned}
""")
    assert status == 0, warnings
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count('class="katex-mathml"') == 2 and page.count('aria-hidden="true"') >= 2
    assert "<math" in page and "katex-error" not in page
    assert "mathjax" not in page.lower() and "katex.min.js" not in page
    assert (out / "_static" / "katex" / "katex.min.css").is_file()
    assert sorted(p.suffix for p in (out / "_static" / "katex" / "fonts").iterdir()) == [".woff2"] * 20


@needs_katex
def test_a_math_error_fails_the_build_at_its_line(tmp_path):
    status, warnings, out = _build(tmp_path, "Broken\n======\n\nHere :math:`\\frac{1}{` ends.\n")
    assert status != 0
    assert "index.rst:4" in warnings and "KaTeX cannot render" in warnings and "\\\\frac{1}{" in warnings


@needs_katex
def test_tex_that_latex_rejects_fails_too(tmp_path):
    # Unicode text in math mode: MathJax and KaTeX's default accept it; strict mode does not.
    status, warnings, out = _build(tmp_path, "Strict\n======\n\n:math:`x = é`\n")
    assert status != 0 and "unicodeTextInMathMode" in warnings
