"""Sphinx extension: the theme's icons from a font cut down to the icons the book shows.

pydata-sphinx-theme draws its icons twice over: ``fontawesome.js`` (1.5 MB,
left out by ``_templates/layout.html``) swaps ``<i class="fa-solid fa-bars">``
tags for SVG at run time, and its stylesheet also draws every icon from the
Font Awesome font (``.fa-bars::before { content: "\\f0c9" }``; admonition and
navigation icons use the same font through ``--pst-icon-*`` properties).
After the build, this extension keeps the second way, smaller:

1. it collects the icons in use: ``fa-*`` classes of the built pages and the
   class strings of the theme's scripts;
2. it writes the theme's stylesheet without the ``::before`` rules of other
   icons (about 1,900 of them);
3. it subsets each Font Awesome font to the characters that stylesheet can
   still show, as WOFF, points the ``@font-face`` rules at the subsets, and
   removes the full fonts and ``fontawesome.js`` from the build.

The look is the theme's own: same font, same glyphs, same CSS. Every page
preloads the solid font's subset, which draws the header's icons: otherwise
the browser asks for it only once it has styled the page, and the page waits
for it before it is drawn (not from ``file:`` pages, where a font preload
would be refused as another origin's).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from sphinx.util import logging

logger = logging.getLogger(__name__)

THEME_CSS = Path("styles") / "pydata-sphinx-theme.css"
WEBFONTS = Path("vendor") / "fontawesome" / "webfonts"
FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
UNUSED_FILES = [
    Path("scripts") / "fontawesome.js",
    Path("scripts") / "fontawesome.js.map",
    Path("scripts") / "fontawesome.js.LICENSE.txt",
] + [WEBFONTS / f"{name}.{ext}" for name in FONTS for ext in ("woff2", "ttf")]

# `.fa-magnifying-glass:before,.fa-search:before{content:"\f002"}` in the theme's minified CSS
_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"((?:[^"\\]|\\.)*)"\}')
_ICON_NAME = re.compile(r"\.fa-([a-z0-9-]+):")
_FONT_SRC = re.compile(r'src:url\(([^)]*/)(fa-[a-z]+-\d+)\.woff2\) format\("woff2"\),url\([^)]*\.ttf\) format\("truetype"\)')
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_JS_STRING = re.compile(r'"([^"\n]*\bfa-[^"\n]*)"|\'([^\'\n]*\bfa-[^\'\n]*)\'')
_CSS_STRING_VALUE = re.compile(r'(?:content|--[\w-]+)\s*:\s*"((?:[^"\\]|\\.)*)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")


def theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def icon_names(css: str) -> set[str]:
    """Every icon the theme's stylesheet can draw, aliases included."""
    return {name for match in _ICON_RULE.finditer(css) for name in _ICON_NAME.findall(match.group(1))}


def icons_in_use(html_texts: Iterable[str], js_texts: Iterable[str], known: set[str]) -> set[str]:
    """The ``fa-*`` icon classes of ``known`` in class attributes (HTML) or string literals (JS)."""
    used: set[str] = set()
    for text in html_texts:
        for classes in _CLASS_ATTR.findall(text):
            used.update(c[3:] for c in classes.split() if c.startswith("fa-") and c[3:] in known)
    for text in js_texts:
        for pair in _JS_STRING.findall(text):
            for classes in pair:
                used.update(c[3:] for c in classes.split() if c.startswith("fa-") and c[3:] in known)
    return used


def slim_css(css: str, used: set[str]) -> str:
    """The theme's stylesheet without the ``::before`` rules of icons not in ``used``,
    and with its Font Awesome ``@font-face`` rules pointing at the WOFF subsets."""

    def keep(match: re.Match) -> str:
        return match.group(0) if used.intersection(_ICON_NAME.findall(match.group(1))) else ""

    css = _ICON_RULE.sub(keep, css)
    return _FONT_SRC.sub(lambda m: f'src:url({m.group(1)}{m.group(2)}.book.woff) format("woff")', css)


def characters_shown(css: str) -> set[int]:
    """Code points of every string a ``content`` or custom property of ``css`` holds."""

    def unescape(match: re.Match) -> str:
        return chr(int(match.group(1), 16)) if match.group(1) else match.group(2)

    return {ord(ch) for value in _CSS_STRING_VALUE.findall(css) for ch in _CSS_ESCAPE.sub(unescape, value)}


def write_subset(source: Path, target: Path, codepoints: set[int]) -> int:
    """Write the glyphs of ``codepoints`` that ``source`` has as a WOFF font; returns how many."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    font = TTFont(str(source), recalcTimestamp=False)
    present = codepoints.intersection(font.getBestCmap())
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(present))
    subsetter.subset(font)
    font.flavor = "woff"
    font.save(str(target), reorderTables=False)
    return len(present)


def build_icons(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.config.html_theme != "sphinx_book_theme":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    theme_css = (theme_static() / THEME_CSS).read_text(encoding="utf-8")
    known = icon_names(theme_css)
    pages = [p.read_text(encoding="utf-8") for p in outdir.rglob("*.html") if "_sources" not in p.parts]
    scripts = [p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js") if p.name != "fontawesome.js"]
    used = icons_in_use(pages, scripts, known)
    css = slim_css(theme_css, used)
    if _FONT_SRC.search(css) or "fa-solid-900.book.woff" not in css:
        logger.warning("theme_icons: the theme's @font-face rules changed; icons may not show", type="theme_icons")
    (static / THEME_CSS).write_text(css, encoding="utf-8")
    characters = characters_shown(css)
    for other in (static / "styles").glob("*.css"):
        if other.name != THEME_CSS.name:
            characters |= characters_shown(other.read_text(encoding="utf-8"))
    for name in FONTS:
        write_subset(theme_static() / WEBFONTS / f"{name}.ttf", static / WEBFONTS / f"{name}.book.woff", characters)
    for rel in UNUSED_FILES:
        (static / rel).unlink(missing_ok=True)
    logger.info("theme_icons: %d icons in use (%s)", len(used), ", ".join(sorted(used)))


PRELOADED = WEBFONTS / "fa-solid-900.book.woff"
PRELOAD_SCRIPT = """<script>
if (location.protocol !== "file:") {{
  const link = document.createElement("link");
  Object.assign(link, {{rel: "preload", as: "font", type: "font/woff", crossOrigin: "anonymous", href: {href}}});
  document.head.appendChild(link);
}}
</script>"""


def preload_icon_font(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.builder.format != "html" or app.config.html_theme != "sphinx_book_theme":
        return
    href = context["pathto"]("_static/" + PRELOADED.as_posix(), 1)
    context["metatags"] = context.get("metatags", "") + "\n" + PRELOAD_SCRIPT.format(href=json.dumps(href))


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", preload_icon_font)
    app.connect("build-finished", build_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
