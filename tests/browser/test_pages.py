"""Pages drawn at once and light (issue 12), and the theme's controls still working.

From the built files (deterministic):
* no page loads a math typesetting script, and every equation is KaTeX's
  HTML with its MathML for screen readers; no page shows raw TeX;
* what each page references (the page, its stylesheets, scripts, figures not
  folded away, the icon, the fonts its equations and icons use), summed from
  the built files, is at most 1.5 MB; every picture has its size and is lazy,
  and no alt text is a file name;
* fontawesome.js is gone, the theme's icons are inline SVG, and the search
  index loads only on the search page;
* each page links one stylesheet and one deferred script, bundles of exactly
  the files their manifest names;
* the bibliography's labels read exactly like the citations that link to them.
* code has no span per name, bracket or space, is drawn in the same colours, and a
  search term is marked everywhere in it.

In Chromium, one cold load of every page, then the controls:
* the KaTeX fonts, and the icon font, a page fetches are exactly the ones it
  preloads; icons draw; one search field shows, at desktop and at phone width;
* a picture keeps its box before and after it loads; a link to a section
  lands on its heading;
* a code box that scrolls is a tab stop, one that fits is not;
* search, the download menu, dark mode and full screen work; the page contents
  highlight the section being read; a citation link shows its entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from built_assets import AFTER_LOAD, page_scripts, page_stylesheets
from test_crawl import built_pages

REPO = Path(__file__).resolve().parents[2]
CAP_BYTES = 1_500_000
TYPESETTING = re.compile(r"mathjax|tex-(?:chtml|svg|mml)|katex(?:\.min)?\.js|auto-render|renderMathInElement", re.I)
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}|\$[^$\n]*[\\^_][^$\n]*\$")
FOLDED = {"dropdown", "toggle", "tag_hide-output", "tag_hide-cell", "tag_remove-output"}
FONT_URL = re.compile(r'@font-face\s*\{[^}]*?url\(([^)]+)\)')


def _soup(book_dir: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((book_dir / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pages(book_dir) -> dict[str, BeautifulSoup]:
    return {rel: _soup(book_dir, rel) for rel in built_pages(book_dir)}


def _local_file(book_dir: Path, page: str, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (book_dir / Path(page).parent / unquote(parts.path)).resolve()


def _is_folded(tag) -> bool:
    return any(FOLDED.intersection(parent.get("class", [])) for parent in tag.parents if parent.name)


@pytest.mark.site_audit  # every page (make audit)
def test_no_page_loads_a_math_typesetting_script(pages, book_dir):
    found = {}
    for rel, soup in pages.items():
        files = page_scripts(book_dir, rel, soup) + page_stylesheets(book_dir, rel, soup)
        hits = [f for f in files if TYPESETTING.search(f)]
        hits += [s.get_text()[:80] for s in soup.find_all("script", src=False) if TYPESETTING.search(s.get_text())]
        hits += [link["href"] for link in soup.find_all("link", href=True) if TYPESETTING.search(link["href"])]
        if hits:
            found[rel] = hits
    assert not found, found


def test_every_equation_is_rendered_with_mathml_for_screen_readers(pages):
    total, broken = 0, {}
    for rel, soup in pages.items():
        for katex in soup.select(".katex"):
            total += 1
            ok = (katex.select_one(".katex-mathml math annotation[encoding='application/x-tex']")
                  and katex.select_one(".katex-html[aria-hidden='true']"))
            if not ok:
                broken.setdefault(rel, []).append(str(katex)[:120])
        errors = soup.select(".katex-error")
        if errors:
            broken.setdefault(rel, []).extend(e.get_text() for e in errors)
    assert total > 300, f"only {total} equations in the book: is the math rendered at all?"
    assert not broken, broken


def _visible_text(soup: BeautifulSoup) -> str:
    soup = BeautifulSoup(str(soup), "html.parser")
    for tag in soup.select("script, style, code, pre, kbd, .katex-mathml, math, noscript"):
        tag.decompose()
    attributes = [tag.get(name) for tag in soup.find_all(True) for name in ("alt", "title", "aria-label")]
    body = soup.body or soup
    return body.get_text(" ") + "\n" + "\n".join(a for a in attributes if isinstance(a, str))


@pytest.mark.site_audit  # every page (make audit)
def test_no_page_shows_raw_tex(pages):
    found = {}
    for rel, soup in pages.items():
        text = _visible_text(soup)
        hits = sorted({m.group(0)[:40] for m in RAW_TEX.finditer(text)})
        if hits:
            found[rel] = hits
    assert not found, found


def test_the_raw_tex_check_sees_tex():
    soup = BeautifulSoup('<body><p>Let $\\eta$ be</p><img alt="x \\frac{1}{2}"><code>\\frac</code></body>', "html.parser")
    assert RAW_TEX.findall(_visible_text(soup)) == ["$\\eta$", "\\frac"]


def page_bytes(book_dir: Path, rel: str, soup: BeautifulSoup) -> tuple[int, int, dict[str, int]]:
    """Bytes the page references and fetches when opened, and those of its folded figures.

    Counted: the page, its stylesheets, scripts, icon, figures outside folded
    blocks, the KaTeX fonts it preloads (its equations' fonts) and the fonts
    of every ``@font-face`` of its stylesheets that is not KaTeX's (the
    theme's icon font). Missing files fail the test.
    """
    files: dict[Path, int] = {}
    folded = 0

    def add(url: str) -> None:
        path = _local_file(book_dir, rel, url)
        if path is not None:
            assert path.is_file(), f"{rel} references {url}, which is not in the build"
            files[path] = path.stat().st_size

    add(Path(rel).name)
    for link in soup.find_all("link", href=True):
        if {"stylesheet", "icon", "preload"} & set(link.get("rel", [])):
            add(link["href"])
    for script in soup.find_all("script", src=True):
        add(script["src"])
    for img in soup.find_all("img", src=True):
        if img.get("loading") == "lazy" and _is_folded(img):
            path = _local_file(book_dir, rel, img["src"])
            folded += path.stat().st_size if path else 0
        else:
            add(img["src"])
    for script in soup.find_all("script", src=False):
        match = re.search(r'for \(const href of (\[[^\]]*\])', script.get_text())
        if match:  # katex_math's font preloads
            for href in json.loads(match.group(1)):
                add(href)
        match = AFTER_LOAD.search(script.get_text())
        if match:  # the scripts a page starts once it has loaded
            for src in json.loads(match.group(1)):
                add(src)
    for sheet in [p for p in files if p.suffix == ".css"]:
        for url in FONT_URL.findall(sheet.read_text(encoding="utf-8")):
            url = url.strip("'\"")
            if "KaTeX_" not in url:
                font = (sheet.parent / url).resolve()
                assert font.is_file(), f"{sheet.name} names the font {url}, which is not in the build"
                files[font] = font.stat().st_size
    total = sum(files.values())
    return total, folded, {p.relative_to(book_dir).as_posix(): n for p, n in files.items()}


def test_every_page_references_at_most_1_5_mb(pages, book_dir, artifacts):
    report, over = {}, {}
    for rel, soup in pages.items():
        total, folded, files = page_bytes(book_dir, rel, soup)
        report[rel] = {"bytes": total, "folded_figures": folded, "files": files}
        if total > CAP_BYTES:
            biggest = sorted(files.items(), key=lambda kv: -kv[1])[:5]
            over[rel] = f"{total / 1e6:.2f} MB; biggest: {biggest}"
    (artifacts / "page-bytes.json").write_text(json.dumps(report, indent=1))
    print("\n".join(f"{rel}: {r['bytes'] / 1e6:.2f} MB (+{r['folded_figures'] / 1e6:.2f} MB folded)"
                    for rel, r in report.items()))
    assert not over, over


def _live_figure_fallback(img) -> bool:
    """The picture in a live figure's place, which its script removes as the page starts (lazy wherever it is)."""
    return any(parent.has_attr("data-explorer") for parent in img.parents if parent.name)


def test_every_picture_has_its_size_and_loads_lazily(pages):
    """Its box is kept before the file arrives, and a picture far down does not hold up the page."""
    def sized_and_lazy(img) -> bool:
        return (img.get("width", "").isdigit() and img.get("height", "").isdigit()
                and img.get("loading") == "lazy")

    wrong = {rel: [img["src"][-40:] for img in soup.find_all("img") if not sized_and_lazy(img)]
             for rel, soup in pages.items()}
    assert not {rel: srcs for rel, srcs in wrong.items() if srcs}, wrong
    assert sum(len(soup.find_all("img")) for soup in pages.values()) >= 20


PICTURES = """() => Array.from(document.querySelectorAll('article img')).map(img => {
    const box = img.getBoundingClientRect();
    return {loaded: img.complete && img.naturalWidth > 0, width: box.width, height: box.height,
            natural: [img.naturalWidth, img.naturalHeight], given: [+img.getAttribute('width'), +img.getAttribute('height')]};
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_picture_keeps_its_box_before_and_after_it_loads(browser, server, width):
    """From-scratch's last figure is far below the first screen: it has not loaded yet, but
    its box already has the size it will have; loaded, the file's own size is the one given
    and the picture is not stretched."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + "chapters/from-scratch.html", wait_until="load")
    before = page.evaluate(PICTURES)
    assert len(before) == 3 and not before[-1]["loaded"] and before[-1]["height"] > 100, before
    for i in range(len(before)):
        page.locator("article img").nth(i).scroll_into_view_if_needed()
        page.wait_for_function(f"() => document.querySelectorAll('article img')[{i}].complete")
    page.evaluate("() => window.scrollTo(0, 0)")
    after = page.evaluate(PICTURES)
    context.close()
    for b, a in zip(before, after):
        assert a["loaded"] and abs(a["width"] - b["width"]) < 0.5 and abs(a["height"] - b["height"]) < 0.5, (b, a)
        assert all(abs(n - g) <= 1 for n, g in zip(a["natural"], a["given"])), a
        assert abs(a["width"] / a["height"] - a["natural"][0] / a["natural"][1]) < 0.01, a
        assert a["width"] <= width


SETTLED_SECTION = """async id => {
    if (document.readyState !== "complete") await new Promise(r => addEventListener("load", r, {once: true}));
    const article = document.querySelector("article");
    let last = -1, still = 0;
    while (still < 10) {  // frames in a row with the article's height unchanged
        await new Promise(r => requestAnimationFrame(r));
        const h = article.getBoundingClientRect().height;
        still = h === last ? still + 1 : 0;
        last = h;
    }
    const max = document.documentElement.scrollHeight - innerHeight;
    return {top: document.getElementById(id).getBoundingClientRect().top, scrolled: scrollY, max: max,
            window: innerHeight};
}"""


@pytest.mark.site_audit
@pytest.mark.parametrize("width", [1280, 390])
def test_a_link_to_a_section_lands_on_its_heading(browser, server, book_dir, pages, width):
    """page.html#section, opened cold: once the page has settled (live figures drawn, folded
    blocks closed), the section's heading sits where the link put it, under the header, or,
    for a section too near the end to scroll up that far, the page is scrolled to its end
    with the heading in view."""
    wrong = {}
    context = browser.new_context(viewport={"width": width, "height": 900})
    for rel in (r for r in pages if r.startswith("chapters/")):
        sections = [s["id"] for s in pages[rel].select("article section[id]")][1:]
        for section in sections:
            page = context.new_page()
            page.goto(f"{server}{rel}#{section}")
            at = page.evaluate(SETTLED_SECTION, section)
            page.close()
            under_header = abs(at["top"] - 64) <= 2
            at_the_end = at["scrolled"] >= at["max"] - 2 and 0 <= at["top"] < at["window"] - 40
            if not (under_header or at_the_end):
                wrong[f"{rel}#{section}"] = at
    context.close()
    assert not wrong, json.dumps(wrong, indent=1)


def test_every_picture_has_alternative_text_not_a_file_name(pages):
    """A figure without its own alt text gets its file's path from myst-nb ("../_images/1a4e….svg")."""
    bad = {rel: [(img.get("src"), (img.get("alt") or "")[:60]) for img in soup.find_all("img")
                 if len((img.get("alt") or "").split()) < 4 or re.search(r"\.(svg|png|jpe?g)\b|_images/", img["alt"])]
           for rel, soup in pages.items()}
    assert not {rel: imgs for rel, imgs in bad.items() if imgs}, bad


def test_fontawesome_js_is_gone_and_no_page_links_the_search_tools(pages, book_dir):
    """The search page loads them itself, only for a query (see the next test)."""
    assert not (book_dir / "_static" / "scripts" / "fontawesome.js").exists()
    for rel, soup in pages.items():
        sources = page_scripts(book_dir, rel, soup)
        assert not any("fontawesome" in s for s in sources), rel
        assert not any(name in s for s in sources for name in SEARCH_SCRIPTS), (rel, sources)


SEARCH_SCRIPTS = ("/searchtools.js", "/language_data.js", "/searchindex.js")


def test_the_search_page_fetches_the_search_tools_and_index_only_for_a_query(browser, server):
    for address, fetches in (("search.html", False), ("search.html?q=learning+rate", True)):
        page = browser.new_page()
        try:
            requests, errors = [], []
            page.on("request", lambda request: requests.append(urlsplit(request.url).path))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(server + address, wait_until="load")
            if fetches:  # and finds pages with it
                page.locator("#search-results ul.search li").first.wait_for(timeout=20_000)
            else:
                page.wait_for_timeout(300)
            assert [any(path.endswith(name) for path in requests) for name in SEARCH_SCRIPTS] == [fetches] * 3, (
                address, requests)
            assert not errors, (address, errors)
        finally:
            page.close()


def test_katexs_stylesheets_are_linked_exactly_where_there_is_math(pages, book_dir):
    for rel, soup in pages.items():
        sheets = page_stylesheets(book_dir, rel, soup)
        links = [any(s.endswith(name) for s in sheets) for name in ("/katex/katex.min.css", "/katex-math.css")]
        assert links == [bool(soup.select(".katex"))] * 2, (rel, sheets)
    assert any(soup.select(".katex") for soup in pages.values())
    assert not all(soup.select(".katex") for soup in pages.values())


def test_each_page_links_one_stylesheet_and_one_script_made_of_the_files_its_manifest_names(pages, book_dir):
    """A bundle holds its parts in the manifest's order, each once, under a comment naming it."""
    manifest = json.loads((book_dir / "_static" / "bundles" / "manifest.json").read_text())
    for name, parts in manifest.items():
        text = (book_dir / "_static" / "bundles" / name).read_text(encoding="utf-8")
        marks = re.findall(r"^/\* (_static/\S+) \*/$", text, re.M)
        assert marks == parts, name
        assert len(set(parts)) == len(parts), name
        for part in parts:
            assert (book_dir / part).is_file(), (name, part)
            if name.endswith(".js"):  # scripts go in unchanged (less any source-map comment)
                body = re.sub(r"^\s*(?://|/\*)# sourceMappingURL=\S+(?:\s*\*/)?\s*$", "",
                              (book_dir / part).read_text(encoding="utf-8"), flags=re.M)
                assert body in text, (name, part)
    for rel, soup in pages.items():
        sheets = [link["href"] for link in soup.find_all("link", href=True) if "stylesheet" in link.get("rel", [])]
        assert len(sheets) == 1 and "_static/bundles/" in sheets[0], (rel, sheets)
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        assert len(scripts) == 1 and "_static/bundles/" in scripts[0], (rel, scripts)
        assert soup.find("script", src=True).has_attr("defer"), rel
        assert "_static/scripts/bootstrap.js" in page_scripts(book_dir, rel, soup), rel


@pytest.mark.site_audit  # every page (make audit)
def test_every_chapters_main_line_is_at_most_1200_words(book_dir):
    """What a reader meets without opening a folded block stays short (tools/count_main_line.py counts it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("count_main_line", REPO / "tools" / "count_main_line.py")
    counter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counter)
    words = {}
    for name in counter.PAGES:
        path = book_dir / "chapters" / f"{name}.html"
        assert path.is_file(), f"{name} is not built"
        words[name] = counter.main_line_words(path.read_text(encoding="utf-8"))
    assert min(words.values()) > 100, words  # the counter sees the prose
    assert max(words.values()) <= 1200, words


def _words(text):
    """The text with each run of white space, no-break spaces included, as one space."""
    return " ".join(text.split())


def test_bibliography_labels_read_like_the_citations(pages):
    bibliography = pages["chapters/bibliography.html"]
    labels = {
        entry["id"]: _words(entry.select_one("span.label").get_text().strip("[] "))
        for entry in bibliography.select("div.citation[id]")
    }
    assert labels and all(re.fullmatch(r"[^,]+, (\d{4}[a-z]?|n\.d\.)", label) for label in labels.values()), labels
    citations = 0
    for rel, soup in pages.items():
        for link in soup.select('a[href*="bibliography.html#"]'):
            target = link["href"].split("#", 1)[1]
            assert target in labels, (rel, link["href"])
            assert _words(link.get_text()) == labels[target], (rel, link.get_text(), labels[target])
            citations += 1
    assert citations >= len(labels)


# --- in Chromium -----------------------------------------------------------------------------

# Search controls of the page's frame (the search page's own form, in its content, is not one).
VISIBLE_SEARCH = """() => Array.from(document.querySelectorAll('.search-button-field, .search-button, input[type="search"]'))
    .filter(el => !el.closest('article, .bd-search-container'))
    .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('dialog:not([open])'); })
    .length"""


@pytest.fixture(scope="module")
def cold_loads(browser, server, book_dir):
    """Every page loaded once, cold, at 1280×900 and at 390×844: requests and visible search fields."""
    results = {}
    for rel in built_pages(book_dir):
        record = {}
        for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(server + rel, wait_until="load")
            page.evaluate("() => document.fonts.ready")
            page.wait_for_load_state("networkidle")
            record[name] = {"requests": requests, "search_fields": page.evaluate(VISIBLE_SEARCH)}
            if name == "desktop":
                record["preloaded"] = page.evaluate(
                    "() => Array.from(document.querySelectorAll('link[rel=preload][as=font]')).map(l => l.href)")
            context.close()
        results[rel] = record
    return results


@pytest.mark.site_audit
def test_a_page_fetches_exactly_the_katex_fonts_it_preloads(cold_loads):
    wrong = {}
    for rel, record in cold_loads.items():
        fetched = sorted({u for u in record["desktop"]["requests"] if "/katex/fonts/" in u})
        preloaded = sorted(u for u in record["preloaded"] if "/katex/fonts/" in u)
        if fetched != preloaded:
            wrong[rel] = {"fetched": fetched, "preloaded": preloaded}
    assert not wrong, json.dumps(wrong, indent=1)


@pytest.mark.site_audit
def test_a_page_fetches_the_icon_font_exactly_when_it_preloads_it(cold_loads):
    """The header's icons are inline SVG. The solid icon font draws only the icons the
    stylesheet adds (an admonition's title): a page with one preloads the font, and a
    page without one fetches no icon font at all."""
    def font(url: str) -> str:
        return url.rsplit("/", 1)[1]

    wrong, preloading = {}, set()
    for rel, record in cold_loads.items():
        fetched = sorted({font(u) for u in record["desktop"]["requests"] if "/fontawesome/webfonts/" in u})
        preloaded = sorted(font(u) for u in record["preloaded"] if "/fontawesome/webfonts/" in u)
        if fetched != preloaded or preloaded not in ([], ["fa-solid-900.book.woff"]):
            wrong[rel] = {"fetched": fetched, "preloaded": preloaded}
        if preloaded:
            preloading.add(rel)
    assert not wrong, json.dumps(wrong, indent=1)
    assert "chapters/exercises.html" in preloading and "chapters/bibliography.html" not in preloading


def test_the_theme_icons_are_inline_svg(pages):
    """No icon tag is left for the font to draw; every page's header icons are SVG paths."""
    left = {rel: [str(tag)[:80] for tag in soup.select("i[class*='fa-'], span[class*='fa-']")]
            for rel, soup in pages.items()}
    assert not {rel: tags for rel, tags in left.items() if tags}, left
    drawn = {rel: len(soup.select("svg.svg-inline--fa > path[d]")) for rel, soup in pages.items()}
    assert all(n >= 5 for n in drawn.values()), drawn


@pytest.mark.site_audit
def test_one_search_field_shows_on_desktop_and_on_phone(cold_loads):
    counts = {rel: (r["desktop"]["search_fields"], r["phone"]["search_fields"]) for rel, r in cold_loads.items()}
    assert all(c == (1, 1) for c in counts.values()), counts


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def test_icons_draw(page, server):
    """Each header icon, and an exercise box's title icon, draw something (screenshots differ without the glyph)."""
    page.goto(server + "chapters/exercises.html")
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("""() => Array.from(document.fonts).some(
        f => f.family.replace(/"/g, '') === 'Font Awesome 6 Free' && f.status === 'loaded')""")
    targets = {
        "download": ".dropdown-download-buttons button.dropdown-toggle",
        "full screen": ".btn-fullscreen-button",
        "color mode": ".theme-switch-button",
        "search": ".search-button-field",
        "contents": ".onthispage",
        "exercise": ".exercise .admonition-title",
    }
    hide = page.add_style_tag(content="/* icons shown */")
    for name, selector in targets.items():
        element = page.locator(selector).first
        hide.evaluate("s => { s.textContent = ''; }")
        shown = element.screenshot()
        hide.evaluate("""s => { s.textContent = '.fa, .fas, .fa-solid, [class*="fa-"], .fa-solid::before, '
            + '.admonition-title::before, .admonition-title::after { visibility: hidden !important; }'; }""")
        assert element.screenshot() != shown, f"the {name} icon draws nothing"


def test_search_finds_pages(page, server):
    page.goto(server + "index.html")
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[type=search]")
    field.wait_for(state="visible")
    field.fill("Adagrad")
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=Adagrad"))
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 3
    # the search page's own field has the focus, with the query selected
    assert page.evaluate("""() => { const f = document.querySelector(".bd-search-container form.bd-search input");
        return document.activeElement === f && f.value === "Adagrad"
               && f.selectionStart === 0 && f.selectionEnd === f.value.length; }""")


def test_download_menu_offers_the_notebook(page, server, book_dir):
    page.goto(server + "chapters/algorithm.html")
    page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    source = page.locator(".dropdown-download-buttons .btn-download-source-button")
    source.wait_for(state="visible")
    href = source.get_attribute("href")
    assert href.endswith("algorithm.ipynb")
    response = page.request.get(urljoin(page.url, href))
    assert response.ok and json.loads(response.body())["cells"]
    assert page.locator(".dropdown-download-buttons .btn-download-pdf-button").is_visible()


def test_a_click_on_the_download_menu_before_its_script_has_run_still_opens_it(page, server):
    """Bootstrap, which makes the menus work, starts once the page is idle after load; an early click waits for it."""
    held = []  # Bootstrap's request, answered only after the click
    page.route("**/_static/scripts/bootstrap.js*", lambda route: held.append(route))
    page.goto(server + "chapters/algorithm.html", wait_until="load")
    had_bootstrap = page.evaluate("""() => {
        const had = "bootstrap" in window;
        document.querySelector(".dropdown-download-buttons button.dropdown-toggle").click();
        return had;
    }""")
    assert had_bootstrap is False
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert len(held) == 1, "the click did not start Bootstrap"
    source = page.locator(".dropdown-download-buttons .btn-download-source-button")
    assert not source.is_visible()
    held[0].continue_()
    source.wait_for(state="visible")


def test_dark_mode_switches_the_page(page, server):
    page.goto(server + "chapters/algorithm.html")
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
        page.locator(".theme-switch-button").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = page.evaluate(background)
    channels = [int(c) for c in re.findall(r"\d+", dark)[:3]]
    assert dark != light and max(channels) < 80, (light, dark)


def test_code_without_name_spans_keeps_its_colours_in_both_themes(page, server, pages):
    """Names, brackets and spaces are plain text in code (_ext/lean_highlight.py); they are
    drawn in the colour pygments.css gives their token class (.n, .p, .w), in light and dark."""
    spans = sum(len(soup.select("div.highlight span.n, div.highlight span.p, div.highlight span.w"))
                for soup in pages.values())
    assert spans == 0
    page.goto(server + "chapters/algorithm.html")
    for theme in ("light", "dark"):
        page.evaluate("t => { document.documentElement.dataset.theme = t; }", theme)
        colours = page.evaluate("""() => {
            const pre = document.querySelector('div.highlight-ipython3 div.highlight pre');
            const probe = cls => { const s = document.createElement('span'); s.className = cls; pre.appendChild(s);
                                   const c = getComputedStyle(s).color; s.remove(); return c; };
            return {text: getComputedStyle(pre).color, n: probe('n'), p: probe('p'), w: probe('w'), k: probe('k')}; }""")
        assert colours["text"] == colours["n"] == colours["p"] == colours["w"], (theme, colours)
        assert colours["k"] != colours["text"], (theme, colours)  # keywords keep a colour of their own


def test_a_search_term_is_marked_everywhere_in_the_code(page, server):
    """Opened from a search (?highlight=), the page marks every match, in long runs of code text
    too (_ext/lean_highlight.py serves sphinx_highlight.js walking a copy of the children)."""
    page.goto(server + "chapters/algorithm.html?highlight=eta")
    page.wait_for_function("() => document.querySelectorAll('span.highlighted').length > 0")
    page.wait_for_timeout(200)
    counts = page.evaluate("""() => Array.from(document.querySelectorAll('div.highlight pre')).map(pre =>
        [pre.textContent.toLowerCase().split('eta').length - 1,
         Array.from(pre.querySelectorAll('span.highlighted')).filter(s => s.textContent.toLowerCase() === 'eta').length])""")
    assert sum(found for found, _ in counts) > 20  # the page's code uses eta (and theta, beta) often
    assert [marked for _, marked in counts] == [found for found, _ in counts]
    assert page.evaluate("location.search") == ""  # the address loses its ?highlight=


def test_a_page_opened_without_a_search_keeps_its_history_entry(page, server):
    """sphinx_highlight.js replaces the history entry only to take a ?highlight= off the address."""
    page.goto(server + "chapters/summary.html?from=elsewhere")
    page.wait_for_load_state("load")
    assert page.evaluate("[history.state, location.search]") == [None, "?from=elsewhere"]


def test_in_a_short_window_the_sidebar_scrolls_to_the_pages_own_link(browser, server):
    """The theme's sidebar scroll (run in the first frame, see lean_theme) still brings the link into view."""
    context = browser.new_context(viewport={"width": 1280, "height": 400})
    try:
        page = context.new_page()
        page.goto(server + "chapters/bibliography.html", wait_until="load")
        page.wait_for_function("() => document.querySelector('div.bd-sidebar').scrollTop > 0")
        assert page.evaluate("""() => { const s = document.querySelector('div.bd-sidebar').getBoundingClientRect();
            const links = document.querySelectorAll('.bd-docs-nav .active'), a = links[links.length - 1];
            const r = a.getBoundingClientRect(); return a.textContent.trim() === 'Bibliography'
                && r.top >= s.top && r.bottom <= s.bottom; }""")
    finally:
        context.close()


def test_full_screen_button_toggles_full_screen(page, server):
    page.goto(server + "chapters/algorithm.html")
    page.locator(".btn-fullscreen-button").click()
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.locator(".btn-fullscreen-button").click()
    page.wait_for_function("() => document.fullscreenElement === null")


READ_STATE = """() => {
    const active = Array.from(document.querySelectorAll('#book-page-toc-nav a.active')).map(a => a.hash);
    // The section being read, found independently: what lies at the reading line, a third of the way down.
    const article = document.querySelector('article.bd-article').getBoundingClientRect();
    const hit = document.elementFromPoint(article.left + article.width / 2, window.innerHeight / 3);
    const linked = new Set(Array.from(document.querySelectorAll('#book-page-toc-nav a')).map(a => a.hash.slice(1)));
    let section = hit && hit.closest('section');
    while (section && !linked.has(section.id)) section = section.parentElement.closest('section');
    return [window.scrollY, active, section ? '#' + section.id : null];
}"""


@pytest.mark.site_audit  # scrolls the whole exercises page (make audit)
def test_contents_highlight_the_exercise_being_read_with_solutions_open(page, server):
    page.goto(server + "chapters/exercises.html")
    opened = page.evaluate("""() => { const t = document.querySelectorAll('.solution.toggle-hidden button.toggle-button');
                                      t.forEach(b => b.click()); return t.length; }""")
    assert opened >= 6
    settle = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    height = page.evaluate("document.documentElement.scrollHeight")
    positions = list(range(0, height, 650)) + list(range(height, 0, -650)) + list(range(2000, 4000, 90))
    wrong = []
    for y in positions:
        page.evaluate(f"window.scrollTo(0, {y})")
        page.evaluate(settle)
        scroll, active, reading = page.evaluate(READ_STATE)
        if reading is not None and active != [reading]:
            wrong.append((scroll, active, reading))
        if reading is None and len(active) > 1:
            wrong.append((scroll, active, reading))
    checked = sum(1 for y in positions)
    assert not wrong, f"{len(wrong)} of {checked} positions highlight the wrong entry: {wrong[:5]}"
    # Closing a solution above the reading line moves the text under it: the highlight follows.
    page.evaluate("window.scrollTo(0, document.querySelector('#exercise-4-discs-after-diagonal-preconditioning, section[id^=exercise-4]').offsetTop + 10)")
    page.evaluate(settle)
    page.evaluate("() => document.querySelector('.solution button.toggle-button').click()")
    page.evaluate(settle)
    page.evaluate(settle)
    scroll, active, reading = page.evaluate(READ_STATE)
    assert active == [reading], (scroll, active, reading)


TAB_STOP_BOXES = ("pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, "
                  ".pst-scrollable-table-container")


def test_a_box_that_scrolls_is_a_tab_stop_and_one_that_fits_is_not(page, server):
    """Measured when each box is laid out, and again when the page narrows to a phone's width."""
    page.goto(server + "chapters/from-scratch.html", wait_until="load")

    def stops():
        return page.evaluate("""async (selector) => {
            const out = [];
            for (const box of document.querySelectorAll("article " + selector)) {
                if (!box.checkVisibility()) continue;  // inside a folded block
                box.scrollIntoView();
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
                out.push([scrolls, box.getAttribute("tabindex")]);
            }
            return out;
        }""", TAB_STOP_BOXES)

    wide = stops()
    assert wide and all(tab == ("0" if scrolls else "-1") for scrolls, tab in wide), wide
    page.set_viewport_size({"width": 390, "height": 844})
    narrow = stops()
    assert all(tab == ("0" if scrolls else "-1") for scrolls, tab in narrow), narrow
    assert sum(s for s, _ in narrow) > sum(s for s, _ in wide), "no box scrolls at phone width"


def test_a_citation_link_shows_its_entry(page, server):
    page.goto(server + "chapters/algorithm.html")
    link = page.locator('a[href*="bibliography.html#cite-"]').first
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"bibliography\.html#"))
    entry = page.locator(f"div.citation[id='{target}']")
    other = page.locator(f"div.citation:not([id='{target}'])").first
    color = "el => getComputedStyle(el).backgroundColor"
    assert entry.evaluate(color) != other.evaluate(color)
    box = entry.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900
