"""Sphinx extension: KaTeX typesets every equation when the book is built.

sphinxcontrib-katex (``katex_prerender``) runs KaTeX under Node.js and writes
the HTML it returns into the page, so no page loads a typesetting script. Its
prerenderer ignores ``katex_options`` (upstream issues #65 and #145), so this
extension registers the math renderer ``katex_book``, which sends each equation
to that same server with the book's options:

* KaTeX itself is the one the committed ``package-lock.json`` pins, installed
  by ``npm ci`` into ``node_modules/`` (``make book`` does that first);
* ``katex_render_options`` in ``_config.yml`` are KaTeX's rendering options
  (macros, ``strict``, ...). KaTeX always writes HTML for the eye plus MathML
  for screen readers (``output: htmlAndMathml``), and always throws on an
  error (``throwOnError``): an equation it cannot render becomes a build
  warning at its source line, which fails the book's ``-W`` build. Nothing
  falls back to showing raw TeX;
* KaTeX's stylesheet and its WOFF2 fonts are copied into the build
  (``_static/katex/``); the WOFF and TTF fallbacks, which no current browser
  asks for, are left out.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging

logger = logging.getLogger(__name__)

CSS_NAME = "katex/katex.min.css"
# Options the book always renders with; _config.yml cannot override these.
FIXED_OPTIONS = {"throwOnError": True, "output": "htmlAndMathml"}
# One font format: `src: url(A.woff2) format("woff2"), url(A.woff) ..., url(A.ttf) ...`.
_FALLBACK_FONT = re.compile(r',\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)')


def katex_dist(app: Any) -> Path:
    """``node_modules/katex/dist`` of the book (``npm ci`` installs it)."""
    dist = Path(app.srcdir) / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.js").is_file():
        raise ExtensionError(
            f"KaTeX is not installed at {dist}: run `make book` (it runs `npm ci` "
            "from package-lock.json; Node.js >= 18 is needed)"
        )
    return dist


def render_options(app: Any, display: bool) -> dict[str, Any]:
    options = dict(app.config.katex_render_options)
    options.update(FIXED_OPTIONS, displayMode=display)
    return options


def render(self: Any, node: nodes.Element, display: bool) -> str:
    """KaTeX's HTML for ``node``; a build warning (and a short error note) if it fails."""
    from sphinxcontrib.katex import KaTeXError, render_latex

    latex = node.astext()
    try:
        return render_latex(latex, render_options(self.builder.app, display))
    except KaTeXError as error:
        logger.warning("KaTeX cannot render %r: %s", latex, error, location=node, type="katex", subtype="render")
        return f'<span class="katex-error" role="alert">[{html.escape(str(error))}]</span>'


def visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(render(self, node, display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.Element) -> None:
    """A display equation; numbered ones keep Sphinx's number and permalink."""
    from sphinxcontrib.katex import get_node_equation_number

    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Permalink to this equation"))
        self.body.append("</span>")
    self.body.append(render(self, node, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def use_installed_katex(app: Any, config: Any) -> None:
    """Prerender with the pinned KaTeX, and link the stylesheet this extension copies."""
    config.katex_prerender = True
    config.katex_css_path = CSS_NAME
    config.katex_js_path = str(katex_dist(app) / "katex.min.js")


def copy_katex_assets(app: Any, exception: Exception | None) -> None:
    """Write ``_static/katex/``: KaTeX's stylesheet with WOFF2 sources only, and those fonts."""
    if exception is not None or app.builder.format != "html":
        return
    dist = katex_dist(app)
    target = Path(app.outdir) / "_static" / "katex"
    fonts = target / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    css = _FALLBACK_FONT.sub("", (dist / "katex.min.css").read_text(encoding="utf-8"))
    (target / "katex.min.css").write_text(css, encoding="utf-8")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, fonts / font.name)


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.katex")
    app.add_config_value("katex_render_options", {}, "html", dict)
    app.add_html_math_renderer(
        "katex_book", inline_renderers=(visit_math, None), block_renderers=(visit_displaymath, None)
    )
    app.connect("config-inited", use_installed_katex)
    app.connect("build-finished", copy_katex_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
