"""Sphinx extension: each page loads only what it uses of the theme and extensions.

* ``without_scripts``, a Jinja filter for ``_templates/layout.html``, which
  drops the theme's ``fontawesome.js`` (icons come from the theme's icon font,
  see ``theme_icons``) and, unless search-as-you-type is on, the search index
  and tools from every page but the search page.
* Extension assets a page does not use are not linked from it: sphinx-design's
  stylesheet and tab script without any ``sd-`` element, the copy button
  without a code block, the toggle button without a toggle or dropdown.
* Images inside folded blocks (dropdown solutions, toggles, hidden cell
  outputs) load lazily: Chromium fetches them when the block is opened, not
  with the page.
* The book's own scripts (``_ext/static/``: the page contents' highlighting
  and the scroll cue of wide equations) load with ``defer``, so that they never
  hold up the parsing of the page. (Jupyter Book links every script in
  ``_static/`` without it.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from markupsafe import Markup

STATIC = Path(__file__).with_name("static")
DEFERRED_SCRIPTS = ("page-toc.js", "math-scroll.js")
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
}

# Classes of the blocks a reader has to open: sphinx-exercise's and admonition
# dropdowns, sphinx-togglebutton's toggles, myst-nb's hidden cells and outputs.
FOLDED = {"dropdown", "toggle", "tag_hide-output", "tag_hide-cell", "tag_remove-output"}


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


def is_folded(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and FOLDED.intersection(parent.get("classes", [])):
            return True
        parent = parent.parent
    return False


def lazy_folded_images(app: Any, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if is_folded(image):
            image["loading"] = "lazy"


def add_filter(app: Any) -> None:
    if hasattr(app.builder, "templates") and hasattr(app.builder.templates, "environment"):
        app.builder.templates.environment.filters["without_scripts"] = without_scripts


def add_static(app: Any, config: Any) -> None:
    config.html_static_path.append(str(STATIC))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", add_static)
    for script in DEFERRED_SCRIPTS:
        app.add_js_file(script, loading_method="defer")
    app.connect("builder-inited", add_filter)
    app.connect("html-page-context", drop_unused_assets)
    app.connect("doctree-resolved", lazy_folded_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
