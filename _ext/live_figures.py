"""Sphinx extension: live figures, loaded only on the pages that hold them.

A page places a live figure with an empty element naming it, such as
``<div data-explorer="adagrad"></div>`` (``data-*`` attributes may set its
starting values). For every figure in :data:`FIGURES` this extension

- copies the shared module ``live-figures/live-figure.js`` (and ``.css``)
  and the figure's own script and style into ``_static/live-figures/`` of the
  build;
- writes ``_static/live-figures/<name>-data.js``, which sets
  ``window.LiveFigureData[name]`` to the figure's constants, computed by
  d2lmini at build time (nothing is retyped in JavaScript), read from JSON;
- adds those files to each page whose body holds ``data-explorer="<name>"``,
  and to no other page (Sphinx adds a file to one page when
  ``add_js_file``/``add_css_file`` is called in ``html-page-context``);
- puts a static picture of the figure's starting state into each such
  element, drawn by d2lmini, with one line saying that the controls need
  JavaScript; the figure's script replaces it.

The files live outside ``_static/`` of the sources on purpose: Jupyter Book
adds every script and style found there to every page.

To add a live figure, put its script (and style) into ``live-figures/`` and
call :func:`register` with a :class:`LiveFigure`, as done below for the
explorer. Its script calls ``LiveFigure.register(name, build)``. A page that
names a figure no one registered fails the (strict) build with a warning.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

SOURCES = Path(__file__).resolve().parents[1] / "live-figures"
"""Where the figures' scripts and styles are kept."""
OUT = "live-figures"
"""Their folder under ``_static/`` in the build."""
SHARED = ("live-figure.js", "live-figure.css")
"""The shared module, loaded before any figure's own files."""


@dataclass(frozen=True)
class LiveFigure:
    """A live figure: its ``name`` (the value of ``data-explorer``), its files and the functions that feed it.

    ``script`` and ``style`` are file names in ``live-figures/``. ``data()``
    returns the constants of the figure as a JSON-ready dict. ``fallback``
    maps the element's attributes (``{"data-theta": "45", ...}``) to the
    picture shown without JavaScript, as ``(svg_bytes, alternative_text)``.
    """

    name: str
    script: str
    style: str | None
    data: Callable[[], dict[str, Any]]
    fallback: Callable[[dict[str, str]], tuple[bytes, str]] | None = None
    note: str = "The controls of this figure need JavaScript; this is its starting state."
    fallback_size: tuple[int, int] = (756, 351)
    """The fallback picture's width and height in CSS pixels (its aspect ratio, before it is scaled to fit)."""


FIGURES: dict[str, LiveFigure] = {}
"""The registered figures, by name."""


def register(figure: LiveFigure) -> None:
    """Make ``figure`` available to every page."""
    FIGURES[figure.name] = figure


# -- the explorer of the algorithm page (issue: three methods, noise, a movable start) -------


def _adagrad_data() -> dict[str, Any]:
    from d2lmini import explorer

    return explorer.web_constants()


def _adagrad_fallback(attributes: dict[str, str]) -> tuple[bytes, str]:
    from d2lmini import explorer, widgets

    return widgets.fallback_svg(explorer.settings_from_attributes(attributes))


register(LiveFigure(
    name="adagrad", script="adagrad.js", style="adagrad.css", data=_adagrad_data, fallback=_adagrad_fallback,
    note="The explorer\u2019s controls need JavaScript; this picture shows its starting state.",
))


# -- the preconditioning figure (preconditioning page, exercise 4) ---------------------------


def _preconditioning_data() -> dict[str, Any]:
    from d2lmini import precondition

    return precondition.web_constants()


def _preconditioning_fallback(attributes: dict[str, str]) -> tuple[bytes, str]:
    from d2lmini import precondition_figure

    return precondition_figure.fallback_svg(attributes)


register(LiveFigure(
    name="preconditioning", script="preconditioning.js", style="preconditioning.css", data=_preconditioning_data,
    fallback=_preconditioning_fallback,
    note="The figure\u2019s controls need JavaScript; this picture shows its starting state.",
))


# -- the sparse-features figure (sparse-features page): precomputed runs, cached -------------

# Set when the builder starts: where precomputed tables are kept between builds (under _build).
_CACHE: dict[str, Path] = {}


def _sparse_data() -> dict[str, Any]:
    from d2lmini import sparse_grid

    return sparse_grid.web_constants(cache_dir=_CACHE.get("dir"))


def _sparse_fallback(attributes: dict[str, str]) -> tuple[bytes, str]:
    from d2lmini import sparse_figure

    return sparse_figure.fallback_svg(attributes)


register(LiveFigure(
    name="sparse", script="sparse.js", style="sparse.css", data=_sparse_data, fallback=_sparse_fallback,
    note="The figure\u2019s controls need JavaScript; this picture shows its starting state.",
    fallback_size=(756, 383),
))


def _set_cache(app: Any) -> None:
    _CACHE["dir"] = Path(app.doctreedir).parent / "live-figure-cache"


# -- the Sphinx side ---------------------------------------------------------------------------

# Pictures drawn in this process, by figure and attributes: each is drawn once per build.
_FALLBACKS: dict[tuple[str, str], tuple[str, str]] = {}

# An empty element that names a live figure, with its attributes.
_ELEMENT = re.compile(r'<div(?P<attrs>\s[^>]*?\bdata-explorer="(?P<name>[^"]*)"[^>]*)>\s*</div>')
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')


def _fallback_html(app: Any, figure: LiveFigure, attributes: dict[str, str], pathto: Callable[..., str]) -> str:
    """The picture (written once per distinct setting) and its line, as HTML."""
    if figure.fallback is None:
        return f'<p class="lf-fallback">{html.escape(figure.note)}</p>'
    key = (figure.name, json.dumps(sorted(attributes.items())))
    cache = _FALLBACKS
    if key not in cache or not (Path(app.outdir) / "_static" / cache[key][0]).is_file():
        svg, alt = figure.fallback(attributes)
        name = f"{OUT}/{figure.name}-start-{hashlib.sha256(svg).hexdigest()[:12]}.svg"
        path = Path(app.outdir) / "_static" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            path.write_bytes(svg)
        cache[key] = (name, alt)
    name, alt = cache[key]
    src = pathto(f"_static/{name}", 1)
    width, height = figure.fallback_size
    return (f'<figure class="lf-fallback"><img src="{src}" alt="{html.escape(alt)}" width="{width}" height="{height}" '
            f'loading="lazy"><figcaption>{html.escape(figure.note)}</figcaption></figure>')


def add_live_figures(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """On a page that names live figures: load their files, and put each fallback in place."""
    body = context.get("body")
    if not body or "data-explorer=" not in body:
        return
    names: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        figure = FIGURES.get(name)
        if figure is None:
            logger.warning(f'live figure "{name}" is not registered in _ext/live_figures.py', location=pagename)
            return match.group(0)
        if name not in names:
            names.append(name)
        attributes = dict(_ATTRIBUTE.findall(match.group("attrs")))
        return f"<div{match.group('attrs')}>{_fallback_html(app, figure, attributes, context['pathto'])}</div>"

    context["body"] = _ELEMENT.sub(fill, body)
    if not names:
        return
    app.add_css_file(f"{OUT}/live-figure.css")
    app.add_js_file(f"{OUT}/live-figure.js", priority=600)
    for name in names:
        figure = FIGURES[name]
        if figure.style:
            app.add_css_file(f"{OUT}/{figure.style}")
        app.add_js_file(f"{OUT}/{name}-data.js", priority=601)
        app.add_js_file(f"{OUT}/{figure.script}", priority=602)


def data_script(name: str, data: dict[str, Any]) -> str:
    """The script that sets ``window.LiveFigureData[name]`` to ``data``.

    The data goes in as a JSON string read by ``JSON.parse``, which the
    browser reads several times faster than the same object written as a
    JavaScript literal (the sparse figure's is some 300 kB).
    """
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return (
        "/* Written by _ext/live_figures.py from d2lmini at build time. */\n"
        f"(window.LiveFigureData = window.LiveFigureData || {{}})[{json.dumps(name)}] = JSON.parse({json.dumps(text)});\n"
    )


def write_assets(app: Any) -> None:
    """Copy the scripts and styles into the build and write each figure's data.

    This runs before any page is written, so the checksums that Sphinx adds
    to the pages' links (``?v=...``) are those of the new files.
    """
    if app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / OUT
    out.mkdir(parents=True, exist_ok=True)
    files = set(SHARED)
    for figure in FIGURES.values():
        files.update(f for f in (figure.script, figure.style) if f)
        (out / f"{figure.name}-data.js").write_text(data_script(figure.name, figure.data()), encoding="utf-8")
    for name in sorted(files):
        shutil.copyfile(SOURCES / name, out / name)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _set_cache, priority=400)  # before write_assets, which reads the cache
    # Before other html-page-context handlers (priority 500): Sphinx puts a file
    # added there on the page only while the context still holds its own list
    # of files, and lean_theme replaces that list with a filtered copy.
    app.connect("html-page-context", add_live_figures, priority=400)
    app.connect("builder-inited", write_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
