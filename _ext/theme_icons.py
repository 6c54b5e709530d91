"""Sphinx extension: the theme's icons drawn as inline SVG, and its icon font cut down.

pydata-sphinx-theme draws its icons twice over: ``fontawesome.js`` (1.5 MB,
left out by ``_templates/layout.html``) swaps ``<i class="fa-solid fa-bars">``
tags for SVG at run time, and its stylesheet also draws every icon from the
Font Awesome font (``.fa-bars::before { content: "\\f0c9" }``; admonition and
navigation icons use the same font through ``--pst-icon-*`` properties).
After the build, this extension does the first at build time and keeps the
second, smaller:

1. it replaces every icon tag of the built pages by its glyph as an inline
   ``<svg>``, as fontawesome.js would: the path comes from the theme's own
   font file (Font Awesome's SVG form: a viewBox ``0 0 advance 512``, y down
   from the baseline at 448), the classes and attributes from the tag, and
   the sizing from fontawesome.js's own rules for its SVG icons;
2. it collects the icons the stylesheet must still draw: ``fa-*`` classes of
   the pages' tags that are not SVG, and the class strings of the theme's
   scripts;
3. it writes the theme's stylesheet without the ``::before`` rules of other
   icons (about 1,900 of them);
4. it subsets each Font Awesome font to the characters that stylesheet can
   still show, as WOFF, points the ``@font-face`` rules at the subsets, and
   removes the full fonts and ``fontawesome.js`` from the build.

A page whose header icons are SVG needs no font for them: it is drawn without
waiting for one. A page that has an icon only the font draws (an admonition's
title, a download link) preloads the solid font's subset; otherwise the
browser asks for it only once it has styled the page, and the page waits for
it before it is drawn (not from ``file:`` pages, where a font preload would be
refused as another origin's).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from sphinx.errors import ExtensionError
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
_ICON_TAG = re.compile(r'<(i|span) class="([^"]*\bfa-[^"]*)"([^>]*)>\s*</\1>')
# Font Awesome's style classes and the font each draws from
STYLE_FONTS = {"fa-solid": "fa-solid-900", "fas": "fa-solid-900", "fa-regular": "fa-regular-400",
               "far": "fa-regular-400", "fa-brands": "fa-brands-400", "fab": "fa-brands-400"}
_TITLE_ATTR = re.compile(r'\s+title="([^"]*)"')
_SVG_CSS_START = "':host,:root{--fa-font-solid"  # the stylesheet string in fontawesome.js
GLYPH_BASELINE = 448  # Font Awesome's glyphs: an em of 512 units, 64 of them below the baseline
# Body classes of the elements the stylesheet gives a font icon (its `content: var(--pst-icon-*)` rules)
FONT_ICON_MARKER = re.compile(r'class="[^"]*\b(?:admonition-title|download)\b')


def theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def icon_names(css: str) -> set[str]:
    """Every icon the theme's stylesheet can draw, aliases included."""
    return {name for match in _ICON_RULE.finditer(css) for name in _ICON_NAME.findall(match.group(1))}


def css_unescaped(value: str) -> str:
    """A CSS string's characters, its escapes (``\\f0c9``, ``\\"``) resolved."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), value)


def icon_codepoints(css: str) -> dict[str, int]:
    """Each icon name (aliases included) of the theme's stylesheet and the character that draws it."""
    found = {}
    for match in _ICON_RULE.finditer(css):
        text = css_unescaped(match.group(2))
        if len(text) == 1:
            found.update((name, ord(text)) for name in _ICON_NAME.findall(match.group(1)))
    return found


def glyph_path(font: Any, codepoint: int) -> tuple[int, int, str]:
    """Width, height and SVG path of the glyph of ``codepoint`` in ``font`` (a fontTools ``TTFont``),
    in Font Awesome's SVG coordinates: ``y_svg = 448 - y_font``."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    glyphs = font.getGlyphSet()
    glyph = glyphs[font.getBestCmap()[codepoint]]
    pen = SVGPathPen(glyphs)
    glyph.draw(TransformPen(pen, (1, 0, 0, -1, 0, GLYPH_BASELINE)))
    return glyph.width, font["head"].unitsPerEm, pen.getCommands()


def inline_icons(html: str, draw: Any) -> str:
    """``html`` with each empty icon tag replaced by its glyph as ``<svg>``, as fontawesome.js would.

    The ``<svg>`` has the classes ``svg-inline--fa fa-<icon>`` and the tag's other classes
    (without the style class, ``fa-solid``), and the tag's other attributes; a ``title``
    becomes the SVG's ``<title>``. ``draw(font_name, icon)`` returns ``(width, height, path)``,
    or None for an icon it does not know: that tag is left as it is, for the font to draw.
    """

    def replace(match: re.Match) -> str:
        classes, attributes = match.group(2).split(), match.group(3)
        font = next((STYLE_FONTS[c] for c in classes if c in STYLE_FONTS), None)
        icon = next((c[3:] for c in classes if font and c.startswith("fa-") and draw(font, c[3:])), None)
        if icon is None:
            return match.group(0)
        width, height, path = draw(font, icon)
        kept = [c for c in classes if c not in STYLE_FONTS and c != f"fa-{icon}"]
        title = _TITLE_ATTR.search(attributes)
        attributes = _TITLE_ATTR.sub("", attributes).rstrip()
        label = (f' role="img" aria-label="{title.group(1)}"><title>{title.group(1)}</title>' if title
                 else ' aria-hidden="true">')
        return (f'<svg class="{" ".join(["svg-inline--fa", f"fa-{icon}", *kept])}" data-icon="{icon}"'
                f'{attributes} focusable="false" viewBox="0 0 {width} {height}"{label}'
                f'<path fill="currentColor" d="{path}"/></svg>')

    return _ICON_TAG.sub(replace, html)


def svg_drawer(fonts_dir: Path, codepoints: dict[str, int]) -> Any:
    """``draw(font_name, icon)`` for ``inline_icons``, from the theme's TrueType fonts; each glyph drawn once."""
    from fontTools.ttLib import TTFont

    fonts: dict[str, Any] = {}
    drawn: dict[tuple[str, str], tuple[int, int, str] | None] = {}

    def draw(font_name: str, icon: str) -> tuple[int, int, str] | None:
        if (font_name, icon) not in drawn:
            if font_name not in fonts:
                fonts[font_name] = TTFont(str(fonts_dir / f"{font_name}.ttf"))
            font, code = fonts[font_name], codepoints.get(icon)
            drawn[font_name, icon] = glyph_path(font, code) if code in font.getBestCmap() else None
        return drawn[font_name, icon]

    return draw


def svg_icon_css(fontawesome_js: str) -> str:
    """Font Awesome's rules for its SVG icons (``.svg-inline--fa...``), from the stylesheet
    that fontawesome.js adds to a page; its other rules (custom properties, the icon font's
    classes) are left out, so that they do not override the theme's."""
    if _SVG_CSS_START not in fontawesome_js:
        raise ExtensionError("theme_icons: fontawesome.js no longer holds its SVG stylesheet where expected")
    start = fontawesome_js.index(_SVG_CSS_START) + 1
    css = fontawesome_js[start:fontawesome_js.index("'", start)]
    kept, depth, rule = [], 0, ""
    for ch in css:
        rule += ch
        depth += (ch == "{") - (ch == "}")
        if ch == "}" and depth == 0:
            selectors = rule.split("{", 1)[0].split(",")
            if not rule.startswith("@") and all("svg-inline--fa" in sel for sel in selectors):
                kept.append(rule)
            rule = ""
    return "".join(kept)


def icons_in_use(html_texts: Iterable[str], js_texts: Iterable[str], known: set[str]) -> set[str]:
    """The ``fa-*`` icon classes of ``known`` in class attributes (HTML, not of SVG icons) or string literals (JS)."""
    used: set[str] = set()
    for text in html_texts:
        for classes in _CLASS_ATTR.findall(text):
            if "svg-inline--fa" in classes.split():
                continue  # drawn as SVG, not from the font
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

    return {ord(ch) for value in _CSS_STRING_VALUE.findall(css) for ch in css_unescaped(value)}


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
    draw = svg_drawer(theme_static() / WEBFONTS, icon_codepoints(theme_css))
    pages = []
    for path in (p for p in outdir.rglob("*.html") if "_sources" not in p.parts):
        html = path.read_text(encoding="utf-8")
        pages.append(inline_icons(html, draw))
        if pages[-1] != html:
            path.write_text(pages[-1], encoding="utf-8")
    scripts = [p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js") if p.name != "fontawesome.js"]
    used = icons_in_use(pages, scripts, known)
    fontawesome_js = (theme_static() / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    css = slim_css(theme_css, used) + "\n/* fontawesome.js's rules for its SVG icons */\n" + svg_icon_css(fontawesome_js)
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
    """Pages with an icon that only the font draws preload it (the header's icons are SVG)."""
    if app.builder.format != "html" or app.config.html_theme != "sphinx_book_theme":
        return
    if not FONT_ICON_MARKER.search(context.get("body", "")):
        return
    href = context["pathto"]("_static/" + PRELOADED.as_posix(), 1)
    context["metatags"] = context.get("metatags", "") + "\n" + PRELOAD_SCRIPT.format(href=json.dumps(href))


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", preload_icon_font)
    app.connect("build-finished", build_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
