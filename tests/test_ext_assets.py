"""_ext/lean_css.py, _ext/asset_bundles.py, lean_theme's patched theme script and live_figures' data scripts,
on small made-up builds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import asset_bundles  # noqa: E402
import lean_css  # noqa: E402
import lean_theme  # noqa: E402
import live_figures  # noqa: E402

NODE_MODULES = REPO / "node_modules"
needs_purgecss = pytest.mark.skipif(
    not (NODE_MODULES / "purgecss").is_dir() or shutil.which("node") is None,
    reason="PurgeCSS is not installed (make installs it with npm ci) or node is missing",
)
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is missing")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# --- lean_css -------------------------------------------------------------------------------

THEME_CSS = (
    ":root{--pst-color:#123}\n"
    ".used{color:red}\n.never-seen{color:blue}\n#here{margin:0}\n#nowhere{margin:1px}\n"
    ".show{display:block}\n.bs-tooltip-auto{top:0}\ntable.unused-table{border:0}\n"
    "@font-face{font-family:X;src:url(x.woff)}\n"
)


@needs_purgecss
def test_purge_keeps_the_rules_pages_and_scripts_can_use_and_drops_the_rest(tmp_path):
    write(tmp_path, {
        "index.html": '<html><body><nav class="navbar used"><p id="here">x</p></nav></body></html>',
        "_static/menu.js": 'button.classList.add("show");',
        "_static/theme.css": THEME_CSS,
    })
    sheet = tmp_path / "_static" / "theme.css"
    report = lean_css.purge([sheet], lean_css.content_files(tmp_path), NODE_MODULES)
    out = sheet.read_text()
    for kept in (".used", "#here", ".show", ".bs-tooltip-auto", "--pst-color", "@font-face"):
        assert kept in out, kept
    for dropped in (".never-seen", "#nowhere", "unused-table"):
        assert dropped not in out, dropped
    assert report == [{"file": str(sheet), "before": len(THEME_CSS.encode()), "after": len(out.encode())}]


def test_theme_sheets_are_the_named_ones_and_content_is_pages_and_scripts(tmp_path):
    write(tmp_path, {
        "_static/styles/pydata-sphinx-theme.css": "", "_static/mystnb.abc123.css": "", "_static/book.css": "",
        "_static/x.js": "", "index.html": "", "chapters/a.html": "", "_sources/a.html": "",
    })
    assert [p.relative_to(tmp_path).as_posix() for p in lean_css.theme_sheets(tmp_path / "_static")] == [
        "_static/mystnb.abc123.css", "_static/styles/pydata-sphinx-theme.css"]
    assert [p.relative_to(tmp_path).as_posix() for p in lean_css.content_files(tmp_path)] == [
        "chapters/a.html", "index.html", "_static/x.js"]


@needs_purgecss
def test_a_purge_that_fails_fails_the_build(tmp_path):
    with pytest.raises(ExtensionError, match="PurgeCSS failed"):
        lean_css.purge([tmp_path / "missing.css"], [], NODE_MODULES)


# --- asset_bundles --------------------------------------------------------------------------

PAGE = """<html><head>
<link rel="stylesheet" type="text/css" href="../_static/a.css?v=1" />
<link rel="stylesheet" type="text/css" href="../_static/sub/b.css" />
<link rel="stylesheet" media="print" href="../_static/print-only.css" />
<link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />
<link rel="preload" as="script" href="../_static/one.js" />
<script>var options = 1;</script>
<script src="../_static/one.js"></script>
<script defer="defer" src="../_static/two.js"></script>
<script src="https://example.org/far.js"></script>
<script data-url_root="../" src="../_static/reads-its-tag.js"></script>
</head><body><p>text</p>
<script defer src="../_static/scripts/bootstrap.js?digest=1"></script>
<script src="../_static/three.js"></script>
</body></html>
"""
STATIC = {
    "_static/a.css": '@charset "utf-8";\n@import "sub/c.css";\n.a{background:url(img/a.png)}\n',
    "_static/sub/b.css": ".b{background:url('../img/b.png#x')}\n.d{background:url(data:image/png;base64,AA)}\n",
    "_static/sub/c.css": ".c{font:url(fonts/c.woff)}\n",
    "_static/print-only.css": ".p{}\n",
    "_static/one.js": '"use strict";\nvar one = 1;\n//# sourceMappingURL=one.js.map\n',
    "_static/two.js": "var two = one + 1;\n",
    "_static/three.js": "var three = two + 1;\n",
    "_static/reads-its-tag.js": "",
    "_static/scripts/bootstrap.js": "",
}


@pytest.fixture
def built(tmp_path):
    write(tmp_path, {"chapters/page.html": PAGE, **STATIC})
    return tmp_path


@needs_node
def test_a_page_gets_one_stylesheet_in_order_with_its_urls_rewritten_for_the_bundle_folder(built):
    bundler = asset_bundles.Bundler(built)
    out = bundler.rewrite_page(built / "chapters" / "page.html")
    sheets = [line for line in out.splitlines() if 'rel="stylesheet"' in line]
    assert len(sheets) == 2 and 'media="print"' in sheets[1]  # a print-only sheet keeps its own link
    name = sheets[0].split("bundles/")[1].split('"')[0]
    css = (built / "_static" / "bundles" / name).read_text()
    assert bundler.manifest[name] == ["_static/a.css", "_static/sub/b.css"]
    assert css.index(".c{") < css.index(".a{") < css.index(".b{")  # @import inlined where it stood
    assert 'url("../img/a.png")' in css and 'url("../sub/fonts/c.woff")' in css
    assert 'url("../img/b.png#x")' in css and "url(data:image/png;base64,AA)" in css
    assert "@charset" not in css and "@import" not in css


@needs_node
def test_a_page_gets_one_deferred_script_and_bootstrap_after_load(built):
    bundler = asset_bundles.Bundler(built)
    out = bundler.rewrite_page(built / "chapters" / "page.html")
    srcs = [line for line in out.splitlines() if "<script" in line and "src=" in line]
    assert len(srcs) == 3, srcs  # the bundle, another site's script, one that reads its own tag
    assert srcs[0].startswith('<script defer src="../_static/bundles/')
    assert "far.js" in srcs[1] and "reads-its-tag.js" in srcs[2]
    name = srcs[0].split("bundles/")[1].split('"')[0]
    assert bundler.manifest[name] == ["_static/one.js", "_static/two.js", "_static/three.js"]
    js = (built / "_static" / "bundles" / name).read_text()
    assert js.startswith("void 0;\n")  # one part's "use strict" stays that part's
    assert js.index("var one") < js.index("var two") < js.index("var three")
    assert "sourceMappingURL" not in js
    assert "<script>var options = 1;</script>" in out  # inline scripts stay
    assert 'rel="preload"' not in out  # the preloads were for scripts now bundled or late
    body = out[out.index("<body>"):]
    assert 'addEventListener("load"' in body and '["../_static/scripts/bootstrap.js?digest=1"]' in body
    assert "bootstrap.js" not in out[:out.index("<body>")]


@needs_node
def test_rewriting_again_changes_nothing_and_unused_bundles_are_deleted(built):
    page = built / "chapters" / "page.html"
    bundler = asset_bundles.Bundler(built)
    page.write_text(bundler.rewrite_page(page))
    stale = bundler.write([built / "_static" / "two.js"], ".js")
    bundler.keep_only([page])
    once = page.read_text()
    assert not stale.exists() and stale.name not in bundler.manifest
    again = asset_bundles.Bundler(built)  # a later build reads the manifest
    assert again.rewrite_page(page) == once
    assert json.loads((built / "_static" / "bundles" / "manifest.json").read_text()) == bundler.manifest


def test_a_page_that_links_the_search_tools_fails_the_build(built):
    page = built / "search.html"
    page.write_text(PAGE.replace("../_static/", "_static/").replace(
        '<script src="_static/three.js"></script>', '<script src="_static/searchtools.js"></script>'))
    write(built, {"_static/searchtools.js": "const Search = {};\n"})
    with pytest.raises(ExtensionError, match="searchtools.js, which cannot be joined"):
        asset_bundles.Bundler(built).rewrite_page(page)


@needs_node
def test_a_script_bundle_that_does_not_parse_fails_the_build(built):
    (built / "_static" / "two.js").write_text("var = ;\n")
    with pytest.raises(ExtensionError, match="does not parse"):
        asset_bundles.Bundler(built).rewrite_page(built / "chapters" / "page.html")


# --- lean_theme: the theme script without its tab-stop pass, its sidebar scroll in a frame -----

def test_the_theme_script_loses_only_its_tab_stop_pass():
    source = lean_theme.theme_script().read_text(encoding="utf-8")
    patched = lean_theme.without_tab_stop_pass(source)
    assert lean_theme.THEME_TAB_STOPS not in patched
    assert patched.replace("void 0", "") == source.replace(lean_theme.THEME_TAB_STOPS, "").replace("void 0", "")


def test_a_changed_theme_script_fails_the_build():
    with pytest.raises(RuntimeError, match="has changed"):
        lean_theme.without_tab_stop_pass("window.addEventListener('load', somethingElse)")
    with pytest.raises(RuntimeError, match="has changed"):
        lean_theme.sidebar_scroll_in_first_frame("e(function(){scrollSidebar()})")


@needs_node
def test_the_theme_scripts_sidebar_scroll_runs_in_the_first_frame_and_nothing_else_changes(tmp_path):
    source = lean_theme.theme_script().read_text(encoding="utf-8")
    patched = lean_theme.sidebar_scroll_in_first_frame(source)
    start, end = lean_theme.THEME_SIDEBAR_SCROLL
    framed = 'e(function(){requestAnimationFrame(function(){if(!document.querySelector(".bd-docs-nav"))return;'
    head, rest = patched.split(framed)
    body, tail = rest.split(end + "})")
    assert source == head + start + body + end + tail
    assert patched.count("requestAnimationFrame(") == source.count("requestAnimationFrame(") + 1
    (tmp_path / "theme.js").write_text(patched, encoding="utf-8")
    subprocess.run(["node", "--check", str(tmp_path / "theme.js")], check=True)


# --- live_figures: a figure's data script ------------------------------------------------------

@needs_node
def test_a_figures_data_script_sets_exactly_its_data(tmp_path):
    data = {"LEGEND": {"adagrad": "Adagrad \u03b70/\u221a(s + \u03b5)"}, "TEXT": 'a "quote", a \\ and </script>',
            "POINTS": [[0.1, -2.5e-7, None], [True, 4000]], "EMPTY": {}}
    path = tmp_path / "sparse-data.js"
    path.write_text(live_figures.data_script("sparse", data), encoding="utf-8")
    assert "JSON.parse(" in path.read_text(encoding="utf-8")
    read = ("globalThis.window = {LiveFigureData: {other: 1}}; require(process.argv[1]);"
            "process.stdout.write(JSON.stringify(window.LiveFigureData));")
    out = subprocess.run(["node", "-e", read, str(path)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == {"other": 1, "sparse": data}
