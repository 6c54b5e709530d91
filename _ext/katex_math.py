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
  asks for, are left out;
* each page preloads the KaTeX fonts its equations use (found from the class
  names KaTeX wrote and the stylesheet's font rules), so that they arrive with
  the stylesheets and the browser lays the page out once, not again each time
  a font it discovered late comes in.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging

logger = logging.getLogger(__name__)

CSS_NAME = "katex/katex.min.css"
EXIT_WITH_PARENT = Path(__file__).with_name("katex_exit_with_parent.js")
STARTUP_TIMEOUT = 60.0  # seconds; generous, for a busy machine
RENDER_TIMEOUT = 60.0
# Options the book always renders with; _config.yml cannot override these.
FIXED_OPTIONS = {"throwOnError": True, "output": "htmlAndMathml"}
# One font format: `src: url(A.woff2) format("woff2"), url(A.woff) ..., url(A.ttf) ...`.
_FALLBACK_FONT = re.compile(r',\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)')
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS = re.compile(r"\.([A-Za-z0-9_-]+)")
_CLASS_ATTR = re.compile(r'class="([^"]*)"')


def katex_dist(app: Any) -> Path:
    """``katex/dist`` in ``katex_node_modules`` (default: the book's ``node_modules``, which ``npm ci`` fills)."""
    dist = Path(app.confdir) / app.config.katex_node_modules / "katex" / "dist"
    if not (dist / "katex.min.js").is_file():
        raise ExtensionError(
            f"KaTeX is not installed at {dist}: run `make book` (it runs `npm ci` "
            "from package-lock.json; Node.js >= 18 is needed)"
        )
    return dist


def _face(declarations: str, family: str | None = None) -> tuple[str, str, str] | None:
    """(family, weight, style) that a rule's declarations select; ``family`` if they name none."""
    props = dict(
        (key.strip(), value.strip()) for key, _, value in (d.partition(":") for d in declarations.split(";")) if value
    )
    if "font" in props:  # `font: normal 1.21em KaTeX_Main, Times New Roman, serif`
        family = next((w for w in re.split(r"[\s,]+", props["font"]) if w.startswith("KaTeX_")), family)
    family = props.get("font-family", family)
    if not family or not family.startswith("KaTeX_"):
        return None
    weight = "700" if props.get("font-weight") in {"700", "bold"} else "400"
    return family, weight, props.get("font-style", "normal")


def font_rules(css: str) -> tuple[str, list[tuple[tuple[frozenset[str], ...], str]]]:
    """From KaTeX's stylesheet: the base font file, and the rules that switch font.

    A rule is (the class sets of its selector's compound parts, a font file),
    e.g. ``((frozenset({"delimsizing", "size1"}),), "KaTeX_Size1-Regular.woff2")``
    for ``.katex .delimsizing.size1``. Font files are the WOFF2 names of the
    ``@font-face`` rules. A rule that sets only a weight or a style keeps
    KaTeX's base family (KaTeX_Main).
    """
    files: dict[tuple[str, str, str], str] = {}
    for selector, declarations in _CSS_RULE.findall(css):
        if selector.strip() == "@font-face":
            face = _face(declarations)
            url = re.search(r"url\(([^)]*\.woff2)\)", declarations)
            if face and url:
                files[face] = url.group(1).rsplit("/", 1)[-1]
    base, rules = None, []
    for selector, declarations in _CSS_RULE.findall(css):
        if selector.strip().startswith("@") or not re.search(r"font(-family|-weight|-style)?:", declarations):
            continue
        for one in selector.split(","):
            if one.strip() == ".katex":
                base = files.get(_face(declarations) or ("", "", ""), base)
                continue
            parts = tuple(
                frozenset(_CLASS.findall(part)) - {"katex"} for part in re.split(r"[\s>+~]+", one.strip())
            )
            parts = tuple(part for part in parts if part)
            face = _face(declarations, "KaTeX_Main")
            if parts and face in files:
                rules.append((parts, files[face]))
    if base is None:
        raise ExtensionError("katex_math: no base font found in KaTeX's stylesheet")
    return base, rules


def fonts_used(body: str, base: str, rules: list[tuple[tuple[frozenset[str], ...], str]]) -> list[str]:
    """KaTeX font files the equations in ``body`` (a page's HTML) draw with.

    A rule counts when each compound part of its selector is matched by some
    element (ancestry is not checked, so this may name a font too many).
    """
    if 'class="katex"' not in body:
        return []
    elements = {frozenset(classes.split()) for classes in _CLASS_ATTR.findall(body)}
    return sorted(
        {base} | {font for parts, font in rules if all(any(p <= e for e in elements) for p in parts)}
    )


# Preloads are inserted by a script, and only over http(s): a font preload must be
# a CORS request to be used, and Chromium blocks those on pages opened from disk.
PRELOAD_SCRIPT = """<script>
if (location.protocol !== "file:") {{
  for (const href of {hrefs}) {{
    const link = document.createElement("link");
    Object.assign(link, {{rel: "preload", as: "font", type: "font/woff2", crossOrigin: "anonymous", href}});
    document.head.appendChild(link);
  }}
}}
</script>"""


def preload_fonts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    base, rules = app.env.katex_font_rules
    fonts = fonts_used(context.get("body", ""), base, rules)
    if fonts:
        hrefs = [context["pathto"]("_static/katex/fonts/" + font, 1) for font in fonts]
        context["metatags"] = context.get("metatags", "") + "\n" + PRELOAD_SCRIPT.format(hrefs=json.dumps(hrefs))


def read_font_rules(app: Any) -> None:
    css = _FALLBACK_FONT.sub("", (katex_dist(app) / "katex.min.css").read_text(encoding="utf-8"))
    app.env.katex_font_rules = font_rules(css)


def render_options(app: Any, display: bool) -> dict[str, Any]:
    options = dict(app.config.katex_render_options)
    options.update(FIXED_OPTIONS, displayMode=display)
    return options


def start_server() -> Any:
    """Start sphinxcontrib-katex's render server, robustly, and make it the one in use.

    Its own start-up gives up on a socket file that exists before the server
    listens on it ("Connection refused" on a busy machine) and then leaves the
    Node.js process running; this retries until the server answers, kills it on
    failure, and preloads katex_exit_with_parent.js so that it never outlives
    the build.
    """
    from sphinxcontrib.katex import KaTeXServer

    rundir = Path(tempfile.mkdtemp(prefix="katex-"))
    path = rundir / "katex.sock"
    command = KaTeXServer.build_command(socket=path)
    command[1:1] = ["--require", str(EXIT_WITH_PARENT)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, cwd=rundir)
    except FileNotFoundError:
        raise ExtensionError("KaTeX needs Node.js >= 18 (`node` was not found on PATH)") from None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            raise ExtensionError(f"KaTeX's render server exited with code {process.returncode}: {command}")
        if path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(path))
                break
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ExtensionError(f"KaTeX's render server did not answer within {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.005)
    KaTeXServer.katex_server = KaTeXServer(rundir, process, sock)
    return KaTeXServer.katex_server


def stop_server(app: Any, exception: Exception | None) -> None:
    from sphinxcontrib.katex import KaTeXServer

    server, KaTeXServer.katex_server = KaTeXServer.katex_server, None
    if server is not None:
        server.terminate()


def render_latex(latex: str, options: dict[str, Any]) -> str:
    """KaTeX's HTML for ``latex``; raises ``KaTeXError`` with KaTeX's message if it cannot render it.

    A timeout is fatal: the server's answer would arrive later, for the next equation.
    """
    from sphinxcontrib.katex import KaTeXError, KaTeXServer

    server = KaTeXServer.katex_server
    if server is None:
        server = start_server() if os.name == "posix" else KaTeXServer.get()
    try:
        response = server.render({"latex": latex, "katex_options": options}, RENDER_TIMEOUT)
    except socket.timeout:
        raise ExtensionError(f"KaTeX took more than {RENDER_TIMEOUT:.0f} s to render {latex!r}") from None
    if "html" in response:
        return response["html"]
    raise KaTeXError(response.get("error", f"unknown answer from KaTeX's server: {response!r}"))


def render(self: Any, node: nodes.Element, display: bool) -> str:
    """KaTeX's HTML for ``node``; a build warning (and a short error note) if it fails."""
    from sphinxcontrib.katex import KaTeXError

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
    app.add_config_value("katex_node_modules", "node_modules", "env", str)
    app.add_html_math_renderer(
        "katex_book", inline_renderers=(visit_math, None), block_renderers=(visit_displaymath, None)
    )
    app.connect("config-inited", use_installed_katex)
    app.connect("builder-inited", read_font_rules)
    app.connect("html-page-context", preload_fonts)
    app.connect("build-finished", copy_katex_assets)
    app.connect("build-finished", stop_server)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
