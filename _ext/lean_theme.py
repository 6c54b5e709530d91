"""Sphinx extension: each page loads only what it uses of the theme and extensions.

* ``without_scripts``, a Jinja filter for ``_templates/layout.html``, which
  drops the theme's ``fontawesome.js`` (its icons are drawn as inline SVG
  when the book is built, see ``theme_icons``) and, unless search-as-you-type
  is on, the search index and tools from every page but the search page;
  ``_templates/search.html`` drops them there too, and loads them itself when
  there is a query.
* Extension assets a page does not use are not linked from it: sphinx-design's
  stylesheet and tab script without any ``sd-`` element, the copy button
  without a code block, the toggle button without a toggle or dropdown,
  KaTeX's stylesheets without an equation.
* The book's own scripts (``_ext/static/``: the page contents' highlighting,
  the scroll cue of wide equations, the tab stops of scrolling blocks and the
  landing of a link to a section) load
  with ``defer``, so that they never hold up the parsing of the page. (Jupyter
  Book links every script in ``_static/`` without it.)
* The theme's script without its pass over every code block at the load event
  (``THEME_TAB_STOPS``), which reads each block's size and so lays out the
  whole page, including the parts the browser skips until the reader comes
  near them (``content-visibility`` in ``book.css``); ``tab-stops.js`` gives
  the same tab stops, measuring each block when it is laid out. The patched
  copy is written under the doctree folder and served over the theme's; the
  build fails if the theme's script no longer reads as expected.
* In that copy, the theme's scroll of the sidebar to the page's own link
  (``THEME_SIDEBAR_SCROLL``) runs in the first animation frame rather than
  as the page's scripts start. It reads where that link is, which lays out
  the page; read there, in the middle of the scripts, the layout was thrown
  away by the scripts after it and done again for the first frame.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

STATIC = Path(__file__).with_name("static")
DEFERRED_SCRIPTS = ("page-toc.js", "math-scroll.js", "tab-stops.js", "fragment-scroll.js")
THEME_SCRIPT = Path("scripts") / "pydata-sphinx-theme.js"
# The theme's tab-stop pass over every scrollable block, started at the load event.
THEME_TAB_STOPS = '"complete"===document.readyState?I():window.addEventListener("load",I)'
THEME_TAB_STOPS_BODY = "e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1"
# The theme's scroll of the sidebar to the active link (or to where the reader
# left it), run as soon as the document is parsed: its start and its end.
THEME_SIDEBAR_SCROLL = ('e(function(){if(!document.querySelector(".bd-docs-nav"))return;',
                        'sessionStorage.setItem("sidebar-scroll-top",e.scrollTop)})})')
_SCRIPT = re.compile(r'[ \t]*<script\b[^>]*\bsrc="([^"]*)"[^>]*>\s*</script>[ \t]*\n?')

# asset file name -> what a page's body must contain for the asset to be of use there
ONLY_WHERE_USED = {
    "sphinx-design.min.css": re.compile(r'class="(?:[^"]*\s)?sd-'),
    "design-tabs.js": re.compile(r'class="(?:[^"]*\s)?sd-tab'),
    "copybutton.js": re.compile(r'<div class="highlight"'),
    "copybutton.css": re.compile(r'<div class="highlight"'),
    "clipboard.min.js": re.compile(r'<div class="highlight"'),
    "togglebutton.js": re.compile(r'class="(?:[^"]*\s)?(?:toggle|dropdown)[\s"]'),
    "togglebutton.css": re.compile(r'class="(?:[^"]*\s)?(?:toggle|dropdown)[\s"]'),
    "katex.min.css": re.compile(r'class="katex[\s"]'),
    "katex-math.css": re.compile(r'class="katex[\s"]'),
}

def without_scripts(markup: str, *paths: str) -> Markup:
    """``markup`` without the ``<script src=...>`` tags whose URL path ends with one of ``paths``."""

    def keep(match: re.Match) -> str:
        url_path = urlsplit(match.group(1)).path
        return "" if any(url_path.endswith(p) for p in paths) else match.group(0)

    return Markup(_SCRIPT.sub(keep, str(markup)))


def asset_name(asset: Any) -> str:
    """File name of a ``css_files``/``script_files`` entry (a string or an object with ``filename``)."""
    filename = getattr(asset, "filename", asset) or ""
    return urlsplit(str(filename)).path.rsplit("/", 1)[-1]


def used_assets(assets: list, body: str) -> list:
    """``assets`` without those of ONLY_WHERE_USED whose marker is not in ``body``."""
    return [
        asset for asset in assets
        if (marker := ONLY_WHERE_USED.get(asset_name(asset))) is None or marker.search(body)
    ]


def drop_unused_assets(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body", "")
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = used_assets(list(context[key]), body)


def add_filter(app: Any) -> None:
    if hasattr(app.builder, "templates") and hasattr(app.builder.templates, "environment"):
        app.builder.templates.environment.filters["without_scripts"] = without_scripts


def add_static(app: Any, config: Any) -> None:
    config.html_static_path.append(str(STATIC))


def without_tab_stop_pass(source: str) -> str:
    """The theme's script without starting its tab-stop pass (at once, or at the load event)."""
    if source.count(THEME_TAB_STOPS) != 1 or THEME_TAB_STOPS_BODY not in source:
        raise RuntimeError(f"lean_theme: the theme's {THEME_SCRIPT} has changed; "
                           f"{THEME_TAB_STOPS!r} is not there once (see tab-stops.js)")
    return source.replace(THEME_TAB_STOPS, "void 0")


def sidebar_scroll_in_first_frame(source: str) -> str:
    """The theme's script with its sidebar scroll run in ``requestAnimationFrame`` (see THEME_SIDEBAR_SCROLL)."""
    start, end = THEME_SIDEBAR_SCROLL
    if source.count(start) != 1 or source.count(end) != 1 or source.index(start) > source.index(end):
        raise RuntimeError(f"lean_theme: the theme's {THEME_SCRIPT} has changed; its sidebar scroll "
                           f"({start!r} ... {end!r}) is not there once")
    framed = start.replace("e(function(){", "e(function(){requestAnimationFrame(function(){", 1)
    return source.replace(start, framed).replace(end, end + "})")  # the frame's callback closed, then the call


def theme_script() -> Path:
    """The theme's own script, in the installed pydata-sphinx-theme."""
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / THEME_SCRIPT


def add_patched_theme_script(app: Any, config: Any) -> None:
    # written under the doctree folder; html_static_path is copied after the theme's static files
    folder = Path(app.doctreedir) / "lean_theme_static"
    target = folder / THEME_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    text = sidebar_scroll_in_first_frame(without_tab_stop_pass(theme_script().read_text(encoding="utf-8")))
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    config.html_static_path.append(str(folder))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", add_static)
    app.connect("config-inited", add_patched_theme_script)
    for script in DEFERRED_SCRIPTS:
        app.add_js_file(script, loading_method="defer")
    app.connect("builder-inited", add_filter)
    app.connect("html-page-context", drop_unused_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
