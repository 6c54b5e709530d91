"""Sphinx extension: each page loads one stylesheet and one script.

A page of the theme links some fifteen stylesheets and fifteen scripts. Each
stylesheet that arrives makes the browser restyle the page again, and each
script in the head holds up the parsing of the page until it has run. Once the
book is built (after ``lean_css`` has cut the theme's stylesheets), every page
is rewritten:

* **Stylesheets.** Its ``<link rel="stylesheet">`` tags become one link to
  their concatenation, in the same order, so the cascade is unchanged.
  ``url()`` references are rewritten for the bundle's folder and local
  ``@import``\\ s are inlined.
* **Scripts.** Its ``<script src>`` tags, head and body, become one
  ``defer`` script: the scripts run in the same order, once the page is
  parsed, before ``DOMContentLoaded`` (the events they wait for). Inline
  scripts stay where they are; they only set options, which they did before
  the scripts that read them ran anyway. A script with attributes besides
  ``src``, ``defer`` and ``type`` (which it may read as it runs) is left
  alone. Sphinx's search tools cannot be joined: ``sphinx_highlight.js``'s
  ``typeof Search`` would reach their top-level ``const Search`` before it
  is declared, which throws. A page that has them as a script tag fails the
  build (the search page loads them itself, see ``_templates/search.html``).
* **After load.** ``AFTER_LOAD`` scripts (Bootstrap, which only adds the
  theme's dropdown menus and tooltips) are not bundled: they start once the
  page has loaded and the browser is idle, so that evaluating them does not
  hold up its drawing. A click on a menu before then starts them at once and
  reaches the menu when they have run.

Bundles go to ``_static/bundles/``, named by a hash of their content, so that
pages with the same assets share one (and the browser caches it). Each part
starts with a comment naming its file, and ``_static/bundles/manifest.json``
maps each bundle to its parts. Every script bundle is checked with
``node --check``: a bundle that does not parse fails the build. Only the web
book (the ``html`` builder) is rewritten.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

BUNDLES = "_static/bundles"
AFTER_LOAD = ("scripts/bootstrap.js",)
# The controls that need an AFTER_LOAD script to work (Bootstrap's menus).
LATE_CONTROLS = '[data-bs-toggle="dropdown"]'
# Scripts that cannot be joined: sphinx_highlight's `typeof Search` would reach
# searchtools' top-level `const Search` before it is declared.
CANNOT_JOIN = ("searchtools.js",)
BUNDLABLE_SCRIPT_ATTRS = {"src", "defer", "type"}

_TAG_ATTR = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"]*)")?')
_LINK = re.compile(r"[ \t]*<link\b([^>]*?)/?>[ \t]*\n?")
_SCRIPT = re.compile(r"[ \t]*<script\b([^>]*)>\s*</script>[ \t]*\n?")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?\s*;""")
_CHARSET = re.compile(r'@charset\s+"[^"]*"\s*;')
_BUNDLE_REF = re.compile(r'_static/bundles/([0-9a-f]{16}\.(?:css|js))"')
_SOURCE_MAP = re.compile(r"^\s*(?://|/\*)# sourceMappingURL=\S+(?:\s*\*/)?\s*$", re.MULTILINE)


def attributes(tag_body: str) -> dict[str, str]:
    """The attributes of a tag (``rel="stylesheet" href="..."``), values unescaped; bare names map to ''."""
    return {name.lower(): html.unescape(value or "") for name, value in _TAG_ATTR.findall(tag_body)}


def local_file(page: Path, url: str, outdir: Path) -> Path | None:
    """The built file a page-relative ``url`` names, or None for another site's, a data: URL or a missing file."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = (page.parent / parts.path).resolve()
    return path if path.is_file() and outdir.resolve() in path.parents else None


def is_bundle(path: Path, outdir: Path) -> bool:
    return (outdir / BUNDLES).resolve() in path.parents


def css_for_bundle(sheet: Path, bundle_dir: Path, outdir: Path, seen: frozenset[Path] = frozenset()) -> str:
    """``sheet``'s text as it must read from ``bundle_dir``: urls rewritten, local @imports inlined."""
    text = _CHARSET.sub("", sheet.read_text(encoding="utf-8"))
    text = _SOURCE_MAP.sub("", text)

    inlined: list[str] = []  # each put back after this sheet's own urls are rewritten

    def inline(match: re.Match) -> str:
        target = local_file(sheet, match.group(2), outdir)
        if target is None or target in seen:
            return match.group(0)
        inlined.append(css_for_bundle(target, bundle_dir, outdir, seen | {sheet}))
        return f"\0{len(inlined) - 1}\0"

    def rewrite(match: re.Match) -> str:
        url = match.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "#")):
            return match.group(0)
        target = (sheet.parent / parts.path).resolve()
        rel = posixpath.relpath(target.as_posix(), bundle_dir.resolve().as_posix())
        suffix = url[len(parts.path):]
        return f'url("{rel}{suffix}")'

    text = _CSS_URL.sub(rewrite, _CSS_IMPORT.sub(inline, text))
    return re.sub(r"\0(\d+)\0", lambda m: inlined[int(m.group(1))], text)


class Bundler:
    """Writes bundles into ``outdir/_static/bundles`` and remembers their parts."""

    def __init__(self, outdir: Path, node: str = "node"):
        self.outdir = outdir
        self.dir = outdir / BUNDLES
        self.node = node
        self.manifest: dict[str, list[str]] = {}
        old = self.dir / "manifest.json"  # an earlier build's bundles, which pages it did not rewrite still use
        if old.is_file():
            self.manifest = {name: parts for name, parts in json.loads(old.read_text()).items()
                             if (self.dir / name).is_file()}

    def write(self, parts: list[Path], suffix: str) -> Path:
        rel = [p.resolve().relative_to(self.outdir.resolve()).as_posix() for p in parts]
        if suffix == ".css":
            pieces = [f"/* {r} */\n{css_for_bundle(p, self.dir, self.outdir)}" for p, r in zip(parts, rel)]
            text = "\n".join(pieces)
        else:
            # `void 0;` first: a part's "use strict" must not become the whole bundle's.
            pieces = [f"/* {r} */\n{_SOURCE_MAP.sub('', p.read_text(encoding='utf-8'))}" for p, r in zip(parts, rel)]
            text = "void 0;\n" + "\n;\n".join(pieces) + "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        path = self.dir / f"{digest}{suffix}"
        if path.name not in self.manifest:
            self.dir.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if suffix == ".js":
                self.check_script(path)
            self.manifest[path.name] = rel
        return path

    def check_script(self, path: Path) -> None:
        try:
            done = subprocess.run([self.node, "--check", str(path)], capture_output=True, text=True, timeout=120, check=False)
        except FileNotFoundError:
            raise ExtensionError("asset_bundles needs Node.js >= 18 (`node` was not found on PATH)") from None
        if done.returncode != 0:
            raise ExtensionError(f"the script bundle {path.name} ({self.manifest.get(path.name)}) does not parse:\n{done.stderr}")

    def url(self, page: Path, bundle: Path) -> str:
        return posixpath.relpath(bundle.as_posix(), page.parent.as_posix())

    def rewrite_page(self, page: Path) -> str:
        text = page.read_text(encoding="utf-8")
        head_end = text.find("</head>")
        if head_end < 0:
            return text
        text = self._bundle_styles(page, text, head_end)
        return self._bundle_scripts(page, text)

    def _bundle_styles(self, page: Path, text: str, head_end: int) -> str:
        links = []
        for match in _LINK.finditer(text, 0, head_end):
            attrs = attributes(match.group(1))
            if attrs.get("rel") != "stylesheet" or attrs.get("media", "all") != "all":
                continue
            path = local_file(page, attrs.get("href", ""), self.outdir)
            if path is not None and not is_bundle(path, self.outdir):
                links.append((match, path))
        if len(links) < 2:
            return text
        bundle = self.write([p for _, p in links], ".css")
        tag = f'<link rel="stylesheet" href="{self.url(page, bundle)}" />\n'
        return _splice(text, [m for m, _ in links], tag)

    def _bundle_scripts(self, page: Path, text: str) -> str:
        tags = [(match, attributes(match.group(1))) for match in _SCRIPT.finditer(text)]
        bundled, late, late_names = [], [], set()
        for match, attrs in tags:
            path = self._bundlable_file(page, attrs)
            if path is None:
                continue
            src = attrs["src"]
            if path.name in CANNOT_JOIN:
                raise ExtensionError(f"asset_bundles: {page} links {path.name}, which cannot be joined with the "
                                     "page's other scripts (see _templates/search.html)")
            if any(path.as_posix().endswith(name) for name in AFTER_LOAD):
                late.append((match, src))
                late_names.add(path.name)
            else:
                bundled.append((match, path))
        if not bundled and not late:
            return text
        # The theme preloads its scripts; a bundled or late one needs no preload.
        gone = {p.name for _, p in bundled} | late_names
        preloads = [m for m in _LINK.finditer(text) if _preloads_one_of(m, page, self.outdir, gone)]
        text = _splice(text, preloads, None)
        matches = {m.group(0) for m, _ in bundled} | {m.group(0) for m, _ in late}
        scripts = [m for m in _SCRIPT.finditer(text) if m.group(0) in matches]
        first = None
        if bundled:
            bundle = self.write([p for _, p in bundled], ".js")
            first = f'<script defer src="{self.url(page, bundle)}"></script>\n'
        text = _splice(text, scripts, first)
        if late:
            text = text.replace("</body>", _after_load([src for _, src in late]) + "</body>", 1)
        return text

    def _bundlable_file(self, page: Path, attrs: dict[str, str]) -> Path | None:
        """The file of a script of this build that reads nothing from its tag (only ``src``, ``defer``, ``type``)."""
        src = attrs.get("src")
        if not src or set(attrs) - BUNDLABLE_SCRIPT_ATTRS or attrs.get("type", "text/javascript") != "text/javascript":
            return None
        path = local_file(page, src, self.outdir)
        return None if path is None or is_bundle(path, self.outdir) else path

    def keep_only(self, pages: list[Path]) -> None:
        """Delete the bundles no page links any more (an earlier build's), and write the manifest."""
        used = {name for page in pages for name in _BUNDLE_REF.findall(page.read_text(encoding="utf-8"))}
        for name in set(self.manifest) - used:
            (self.dir / name).unlink(missing_ok=True)
        self.manifest = {name: parts for name, parts in self.manifest.items() if name in used}
        if self.manifest:
            (self.dir / "manifest.json").write_text(json.dumps(self.manifest, indent=1, sort_keys=True) + "\n")


def _preloads_one_of(match: re.Match, page: Path, outdir: Path, names: set[str]) -> bool:
    attrs = attributes(match.group(1))
    if attrs.get("rel") != "preload" or attrs.get("as") != "script":
        return False
    path = local_file(page, attrs.get("href", ""), outdir)
    return path is not None and path.name in names


def _splice(text: str, matches: list[re.Match], replacement: str | None) -> str:
    """``text`` with the first match replaced by ``replacement`` (or dropped) and the others dropped."""
    out, pos = [], 0
    for i, match in enumerate(sorted(matches, key=lambda m: m.start())):
        out.append(text[pos:match.start()])
        if i == 0 and replacement is not None:
            out.append(replacement)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _after_load(sources: list[str]) -> str:
    """An inline script that appends ``sources`` (in order) once the page has loaded and the browser is idle.

    A click on a menu button before they have run (they make the menus work)
    starts them at once and is passed on to the button when they have run.
    """
    urls = json.dumps(sources)
    return (
        "<script>(function () {\n"
        "  var started = false, ready = false, pending = null;\n"
        "  function start() {\n"
        "    if (started) return;\n"
        "    started = true;\n"
        f"    var sources = {urls};\n"
        "    sources.forEach(function (src, i) {\n"
        "      var script = document.createElement(\"script\");\n"
        "      script.src = src; script.async = false;\n"
        "      if (i === sources.length - 1) script.onload = function () {\n"
        "        ready = true;\n"
        "        if (pending) pending.click();\n"
        "      };\n"
        "      document.head.appendChild(script);\n"
        "    });\n"
        "  }\n"
        "  document.addEventListener(\"click\", function (event) {\n"
        "    var menu = !ready && event.target.closest && event.target.closest(MENU);\n"
        "    if (!menu) return;\n"
        "    event.preventDefault(); event.stopImmediatePropagation();\n"
        "    pending = menu; start();\n"
        "  }, true);\n"
        "  addEventListener(\"load\", function () {\n"
        "    if (window.requestIdleCallback) requestIdleCallback(start, {timeout: 1000});\n"
        "    else setTimeout(start, 0);\n"
        "  }, {once: true});\n"
        "})();</script>\n"
    ).replace("MENU", json.dumps(LATE_CONTROLS))


def book_pages(outdir: Path) -> list[Path]:
    """The built pages (not the copies of sources, nor anything under ``_static/``)."""
    return sorted(p for p in outdir.rglob("*.html") if p.relative_to(outdir).parts[0] not in {"_static", "_sources"})


def bundle_assets(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    bundler = Bundler(outdir)
    pages = book_pages(outdir)
    for page in pages:
        page.write_text(bundler.rewrite_page(page), encoding="utf-8")
    bundler.keep_only(pages)
    logger.info(f"asset_bundles: {len(pages)} pages, {len(bundler.manifest)} bundles")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", bundle_assets, priority=900)  # after lean_css (800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
