"""Sphinx extension: the theme's stylesheets, cut down to the rules the book can use.

The theme's stylesheet carries all of Bootstrap (310 kB), and a browser parses
every rule and matches every selector on each page it draws. Once the book is
built, PurgeCSS (the npm package that ``package-lock.json`` pins, run by
``_ext/purge_css.js`` under Node.js) reads every built page and every script in
``_static/``, and drops each rule of the stylesheets in ``THEME_SHEETS`` whose
selector names a class, id, element or attribute that none of them contains.

* Classes that scripts add as the reader works (``show``, ``active``,
  ``toggle-hidden``, dark mode's ``data-theme``) are named in those scripts, so
  their rules stay. ``SAFELIST`` keeps the few a script builds from pieces.
* Custom properties, ``@font-face`` and ``@keyframes`` all stay.
* The book's own stylesheets (``book.css``, KaTeX's, the live figures') are
  left as they are: every rule in them is meant.
* Only the web book (the ``html`` builder) is cut; a failure fails the build.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from asset_bundles import book_pages
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

PURGE_SCRIPT = Path(__file__).with_name("purge_css.js")
# Under _static/ of the build; a pattern may match several files (content-hashed names).
THEME_SHEETS = (
    "styles/pydata-sphinx-theme.css",
    "styles/sphinx-book-theme.css",
    "basic.css",
    "mystnb.*.css",
    "sphinx-design.min.css",
)
# Bootstrap names a placed tooltip's class from pieces: `bs-${name}-auto`.
SAFELIST = (r"^bs-",)
TIMEOUT = 300  # seconds


def content_files(outdir: Path) -> list[Path]:
    """Every built page and every script under ``_static/`` (what a selector could match)."""
    return book_pages(outdir) + sorted((outdir / "_static").rglob("*.js"))


def theme_sheets(static: Path) -> list[Path]:
    return sorted({p for pattern in THEME_SHEETS for p in static.glob(pattern) if p.is_file()})


def purge(sheets: list[Path], content: list[Path], node_modules: Path, node: str = "node") -> list[dict]:
    """Cut ``sheets`` in place to the rules ``content`` can use; returns each file's bytes before and after."""
    job = {"css": [str(p) for p in sheets], "content": [str(p) for p in content], "safelist": list(SAFELIST)}
    try:
        done = subprocess.run(
            [node, str(PURGE_SCRIPT)], input=json.dumps(job), capture_output=True, text=True,
            cwd=str(node_modules.parent), timeout=TIMEOUT, check=False,
            env={**os.environ, "NODE_PATH": str(node_modules)},
        )
    except FileNotFoundError:
        raise ExtensionError("PurgeCSS needs Node.js >= 18 (`node` was not found on PATH)") from None
    if done.returncode != 0:
        raise ExtensionError(f"PurgeCSS failed (run `make book`, which installs it with `npm ci`):\n{done.stderr}")
    return json.loads(done.stdout)


def purge_theme_css(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    sheets = theme_sheets(outdir / "_static")
    if not sheets:
        return
    node_modules = Path(app.confdir) / app.config.katex_node_modules
    report = purge(sheets, content_files(outdir), node_modules)
    before, after = sum(r["before"] for r in report), sum(r["after"] for r in report)
    logger.info(f"lean_css: theme stylesheets cut from {before / 1e3:.0f} kB to {after / 1e3:.0f} kB")


def setup(app: Any) -> dict[str, Any]:
    # After every other extension has written its files into the build (KaTeX's
    # stylesheet is copied at build-finished, default priority 500), before the
    # bundles are made (asset_bundles, priority 900).
    app.connect("build-finished", purge_theme_css, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
