"""_ext/lean_theme.py and _ext/theme_icons.py: what pages load, and the cut-down icon font."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import lean_theme  # noqa: E402
import theme_icons  # noqa: E402

HEAD = """  <!-- So that users can add custom icons -->
  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>
  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=55c26ed414f5f8a31ebb" />
    <script src="../_static/searchtools.js"></script>
    <script src="../searchindex.js"></script>
    <script src="../_static/doctools.js?v=9a2dae69"></script>
"""


def test_without_scripts_drops_only_the_named_scripts():
    out = lean_theme.without_scripts(HEAD, "_static/scripts/fontawesome.js", "searchindex.js")
    assert "fontawesome.js" not in out and "searchindex.js" not in out
    assert "searchtools.js" in out and "doctools.js" in out and "bootstrap.js" in out
    assert lean_theme.without_scripts(HEAD) == HEAD


def test_assets_are_linked_only_where_the_page_uses_them():
    assets = ["sphinx-design.min.css", "design-tabs.js", "copybutton.js", "clipboard.min.js", "togglebutton.js",
              "katex/katex.min.css", "katex-math.css", "book.css", "adagrad-explorer.js"]
    plain = '<p class="intro">text, and a <span class="katex-like">word</span></p>'
    assert lean_theme.used_assets(assets, plain) == ["book.css", "adagrad-explorer.js"]
    rich = ('<div class="sd-card sd-tab-set"></div><div class="highlight"><pre>x</pre></div>'
            '<div class="solution dropdown admonition"></div><span class="katex"><span class="katex-mathml">')
    assert lean_theme.used_assets(assets, rich) == assets
    # class names that merely contain the markers do not count
    assert lean_theme.used_assets(["togglebutton.js"], '<div class="dropdowns-list"></div>') == []


THEME_CSS = (
    '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}'
    '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
    '.fa-rocket:before{content:"\\f135"}'
    ':root{--pst-icon-bell:"\uf0f3"}'
    '@font-face{font-display:block;font-family:Font Awesome\\ 6 Free;font-style:normal;font-weight:900;'
    'src:url(../vendor/fontawesome/webfonts/fa-solid-900.woff2) format("woff2"),'
    'url(../vendor/fontawesome/webfonts/fa-solid-900.ttf) format("truetype")}'
)


def test_icons_in_use_come_from_pages_and_scripts():
    known = theme_icons.icon_names(THEME_CSS)
    assert known == {"magnifying-glass", "search", "bars", "navicon", "rocket"}
    pages = ['<i class="fa-solid fa-magnifying-glass"></i><span class="fa-lg fa-rocketship"></span>'
             '<svg class="svg-inline--fa fa-rocket"><path d="M0 0Z"/></svg>']
    scripts = ['r.classList="fa-solid fa-bars",o.onclick=L']
    assert theme_icons.icons_in_use(pages, scripts, known) == {"magnifying-glass", "bars"}


def test_slim_css_keeps_used_icons_and_points_at_the_subsets():
    css = theme_icons.slim_css(THEME_CSS, {"bars"})
    assert ".fa-bars:before" in css and "f0c9" in css
    assert "fa-rocket" not in css and "fa-magnifying-glass" not in css
    assert 'src:url(../vendor/fontawesome/webfonts/fa-solid-900.book.woff) format("woff")' in css
    assert ".woff2" not in css and ".ttf" not in css
    assert theme_icons.characters_shown(css) == {0xF0C9, 0xF0F3}


def test_the_subset_font_has_exactly_the_characters_shown(tmp_path):
    from fontTools.ttLib import TTFont

    source = theme_icons.theme_static() / theme_icons.WEBFONTS / "fa-solid-900.ttf"
    target = tmp_path / "fa-solid-900.book.woff"
    kept = theme_icons.write_subset(source, target, {0xF002, 0xF0C9, 0x10FFFD})
    assert kept == 2
    font = TTFont(str(target))
    assert font.flavor == "woff" and set(font.getBestCmap()) == {0xF002, 0xF0C9}
    assert target.stat().st_size < 0.05 * source.stat().st_size


def test_a_page_preloads_the_solid_icon_font_only_for_an_icon_the_font_draws():
    class App:
        class builder:
            format = "html"

        class config:
            html_theme = "sphinx_book_theme"

    body = '<div class="admonition exercise"><p class="admonition-title">Exercise 1</p></div>'
    context = {"metatags": "<meta>", "body": body, "pathto": lambda name, resource: "../" + name}
    theme_icons.preload_icon_font(App, "chapters/algorithm", "page.html", context, None)
    script = context["metatags"].split("<meta>\n", 1)[1]
    assert '"../_static/vendor/fontawesome/webfonts/fa-solid-900.book.woff"' in script
    assert 'location.protocol !== "file:"' in script and 'as: "font"' in script
    plain = {"metatags": "<meta>", "body": '<p class="admonitions">no icon here</p>', "pathto": context["pathto"]}
    theme_icons.preload_icon_font(App, "chapters/bibliography", "page.html", plain, None)
    assert plain["metatags"] == "<meta>"
    App.builder.format = "latex"
    other = {"metatags": "", "body": body, "pathto": context["pathto"]}
    theme_icons.preload_icon_font(App, "index", "page.html", other, None)
    assert other["metatags"] == ""


def test_icon_codepoints_name_every_alias():
    assert theme_icons.icon_codepoints(THEME_CSS) == {
        "magnifying-glass": 0xF002, "search": 0xF002, "bars": 0xF0C9, "navicon": 0xF0C9, "rocket": 0xF135}


def test_a_glyph_path_is_font_awesomes_svg_form():
    """The font's glyph in the SVG's coordinates: fontawesome.js draws the bars from
    ``M0 96C0 78.3 14.3 64 32 64H416...`` in a 448 × 512 box; the font's outline is
    the same shape in quadratic curves, so it starts at the same point and spans the same box."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(theme_icons.theme_static() / theme_icons.WEBFONTS / "fa-solid-900.ttf"))
    width, height, path = theme_icons.glyph_path(font, 0xF0C9)
    assert (width, height) == (448, 512)
    assert path.startswith("M0 96") and path.rstrip().endswith("Z")
    glyphs = font.getGlyphSet()
    bounds = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[0xF0C9]].draw(bounds)
    x0, y0, x1, y1 = bounds.bounds  # font units, y up from the baseline
    assert (x0, x1) == (0, 448) and (448 - y1, 448 - y0) == (64, 448)


def test_inline_icons_draw_each_icon_tag_as_svg_with_its_other_classes():
    def draw(font, icon):
        return {("fa-solid-900", "sun"): (512, 512, "M0 0Z"), ("fa-solid-900", "bars"): (448, 512, "M1 1Z")}.get(
            (font, icon))

    html = ('<button><i class="theme-switch fa-solid fa-sun   fa-lg" data-mode="light" title="Light"></i></button>'
            '<span class="fa-solid fa-bars"></span><i class="fa-solid fa-rocket"></i>'
            '<i class="fa-solid fa-bars">text</i><i class="fa-lg">x</i>')
    out = theme_icons.inline_icons(html, draw)
    assert out == (
        '<button><svg class="svg-inline--fa fa-sun theme-switch fa-lg" data-icon="sun" data-mode="light"'
        ' focusable="false" viewBox="0 0 512 512" role="img" aria-label="Light"><title>Light</title>'
        '<path fill="currentColor" d="M0 0Z"/></svg></button>'
        '<svg class="svg-inline--fa fa-bars" data-icon="bars" focusable="false" viewBox="0 0 448 512"'
        ' aria-hidden="true"><path fill="currentColor" d="M1 1Z"/></svg>'
        # an icon the drawer does not know, and tags with text, are left to the font
        '<i class="fa-solid fa-rocket"></i><i class="fa-solid fa-bars">text</i><i class="fa-lg">x</i>')


def test_svg_icon_css_is_fontawesomes_svg_rules_only():
    js = (theme_icons.theme_static() / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    css = theme_icons.svg_icon_css(js)
    assert ".svg-inline--fa{display:var(--fa-display,inline-block);height:1em;" in css
    assert ".svg-inline--fa.fa-lg{vertical-align:-.2em}" in css
    # nothing that would override the theme's own custom properties or font icons
    assert ":host,:root{" not in css and "--fa-font-solid" not in css and "@keyframes" not in css
    assert not [rule for rule in css.split("}") if rule and "svg-inline--fa" not in rule.split("{")[0]]
    with pytest.raises(ExtensionError, match="fontawesome.js"):
        theme_icons.svg_icon_css("var x = 1;")
