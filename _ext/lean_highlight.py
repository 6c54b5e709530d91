"""Sphinx extension: highlighted code without a span around every name and bracket.

Pygments wraps every token of a code block in ``<span class="…">``. In the
theme's highlighting styles (light and dark), names (``n``), punctuation
(``p``) and whitespace (``w``) are drawn exactly like plain text, so their
spans change nothing on screen. Yet they are most of the elements of a code
block, and of a page with much code: 3,100 of the exercises page's 16,000.
Each one costs the browser style and layout work on every load.

This extension highlights with a formatter that leaves a token of those types
as plain text, for the types that both styles draw like plain text (checked
when the book is built). ``_static/book.css`` gives a code block's text the
colour Pygments gives plain text, the colour those spans had.

Longer text runs expose a slip in Sphinx's search-term highlighter
(``sphinx_highlight.js``, which marks the words of a search on the page it
opens): it walks an element's children with ``childNodes.forEach``, which
reads their number once, so each mark it inserts (two new nodes) drops the
last two children from the walk, and matches there stay unmarked. The
extension serves that script with the walk over a copy of the children.
That script also replaces the page's history entry on every page it runs
on, to take a ``?highlight=`` off the address; the served script does so
only when the address has one (on other pages the call did nothing but
cost time while the page was drawn).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sphinx

from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name
from pygments.token import Punctuation, Text, Token, _TokenType
from pygments.util import ClassNotFound

# Token types whose span may go (only the types themselves, not subtypes such as Name.Builtin).
CANDIDATES = (Token.Name, Punctuation, Text.Whitespace)


def _look(style: Any, ttype: _TokenType) -> tuple:
    s = style.style_for_token(ttype)
    return (s["color"], s["bgcolor"], s["bold"], s["italic"], s["underline"], s["border"])


def plain_types(*styles: Any) -> frozenset:
    """The CANDIDATES that every one of ``styles`` draws exactly like plain text."""
    return frozenset(t for t in CANDIDATES if all(_look(s, t) == _look(s, Text) for s in styles))


def lean_formatter(plain: frozenset) -> type[HtmlFormatter]:
    """An HtmlFormatter that writes tokens of the types in ``plain`` without a span."""

    class LeanHtmlFormatter(HtmlFormatter):
        def _get_css_classes(self, ttype):  # what the span of a token says; "" writes no span
            return "" if ttype in plain else super()._get_css_classes(ttype)

    return LeanHtmlFormatter


def theme_styles(app: Any) -> list[Any]:
    """The light and dark Pygments styles pydata-sphinx-theme writes pygments.css from."""
    options = dict(app.builder.theme.get_options()) | dict(app.config.html_theme_options or {})
    styles = []
    for key in ("pygments_light_style", "pygments_dark_style"):
        try:
            styles.append(get_style_by_name(options[key]))
        except (KeyError, ClassNotFound):
            return []  # a style we cannot check: keep every span
    return styles


def _use_lean_formatter(app: Any) -> None:
    highlighter = getattr(app.builder, "highlighter", None)
    if highlighter is None or not hasattr(app.builder, "theme"):
        return
    styles = theme_styles(app)
    if styles:
        highlighter.formatter = lean_formatter(plain_types(*styles))


SEARCH_HIGHLIGHTER = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "sphinx_highlight.js"
LIVE_WALK = "node.childNodes.forEach("
ADDRESS_CLEAN_UP = """    url.searchParams.delete("highlight");
    window.history.replaceState({}, "", url);
"""
ADDRESS_CLEAN_UP_IF_NEEDED = """    if (url.searchParams.has("highlight")) {
      url.searchParams.delete("highlight");
      window.history.replaceState({}, "", url);
    }
"""


def fixed_search_highlighter(source: str) -> str:
    """sphinx_highlight.js walking a copy of each element's children (an Array), not the live list,
    and replacing the history entry only when the address has a ``highlight`` parameter to take off."""
    for piece in (LIVE_WALK, ADDRESS_CLEAN_UP):
        if source.count(piece) != 1:
            raise RuntimeError(f"lean_highlight: {SEARCH_HIGHLIGHTER} has changed; {piece!r} is not there once")
    return (source.replace(LIVE_WALK, "Array.from(node.childNodes).forEach(")
            .replace(ADDRESS_CLEAN_UP, ADDRESS_CLEAN_UP_IF_NEEDED))


def _add_fixed_search_highlighter(app: Any, config: Any) -> None:
    # written under the doctree folder and copied over Sphinx's own by html_static_path
    folder = Path(app.doctreedir) / "lean_highlight_static"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SEARCH_HIGHLIGHTER.name
    text = fixed_search_highlighter(SEARCH_HIGHLIGHTER.read_text(encoding="utf-8"))
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    config.html_static_path.append(str(folder))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _add_fixed_search_highlighter)
    app.connect("builder-inited", _use_lean_formatter)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
