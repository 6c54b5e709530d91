"""What the preconditioning and sparse-features figures share, tested with one browser context per kind.

Links that open a figure at a setting (the URL hash, exercise 4's link), the
picture shown without JavaScript, the phone layout, and that each figure's
files load only on the pages that hold it.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

from d2lmini import precondition as pc
from d2lmini import sparse
from d2lmini import sparse_grid as grid

from built_assets import page_scripts, page_stylesheets

PRECOND = '[data-explorer="preconditioning"]'
SPARSE = '[data-explorer="sparse"]'

READ = """root => {
    const r = document.querySelector(root);
    return Object.fromEntries(Array.from(r.querySelectorAll('input[name]')).map(i => [i.name, i.value])
        .concat(Array.from(r.querySelectorAll('[data-role][data-value]')).map(e => [e.dataset.role, e.dataset.value])));
}"""


def test_links_open_the_figures_at_their_settings_and_reset_returns(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        # On the exercise page the explorer of exercise 2 owns the hash: exercise 4's figure
        # starts at its own setting and leaves the hash alone.
        page.goto(server + "chapters/exercises.html#theta=10&kappa=5", wait_until="domcontentloaded")
        page.locator(PRECOND + ' [data-role="discs-after"]').wait_for(state="attached")
        shown = page.evaluate(READ, PRECOND)
        assert (shown["theta"], shown["kappa"]) == ("45", "20")
        page.evaluate("""root => { const i = document.querySelector(root).querySelector('input[name="theta"]');
            i.value = "20"; i.dispatchEvent(new Event("input", {bubbles: true})); }""", PRECOND)
        page.wait_for_timeout(400)
        assert page.evaluate("location.hash") == "#theta=10&kappa=5"
        # exercise 4's link, followed as a reader would
        link = page.locator('a[href$="preconditioning.html#theta=45&kappa=20"]')
        assert link.count() == 1
        link.evaluate("a => a.click()")  # it sits in the folded solution
        page.wait_for_url(re.compile(r"preconditioning\.html#theta=45&kappa=20$"), wait_until="domcontentloaded")
        page.locator(PRECOND + ' [data-role="discs-after"]').wait_for(state="attached")
        shown = page.evaluate(READ, PRECOND)
        assert (shown["theta"], shown["kappa"]) == ("45", "20")
        assert float(shown["kappa-jacobi"]) == pc.analyse(45, 20).kappa_jacobi
        assert page.locator(PRECOND).evaluate("r => r.getBoundingClientRect().top") < 900  # scrolled to the figure
        page.locator(f'{PRECOND} [data-role="reset"]').click()
        assert page.evaluate(READ, PRECOND)["theta"] == "30"
        page.wait_for_function("() => location.hash === ''", timeout=5000)
        # the sparse figure from a shared link
        page.goto(server + "chapters/sparse-features.html#exponent=1.6&background=0.001&noise=1",
                  wait_until="domcontentloaded")
        page.locator(SPARSE + ' [data-role="error-rare-adagrad"]').wait_for(state="attached")
        shown = page.evaluate(READ, SPARSE)
        assert [shown[k] for k in grid.KNOBS] == ["1.6", "0.001", "1"]
        expected = page.evaluate("() => window.LiveFigureData.sparse.POINTS[3][1][4].buckets.adagrad.rare")
        assert grid.points()[3 * 30 + 1 * 5 + 4] == (1.6, 0.001, 1.0)
        assert float(shown["error-rare-adagrad"]) == expected  # that run, from the table
        page.locator(f'{SPARSE} [data-role="reset"]').click()
        assert [page.evaluate(READ, SPARSE)[k] for k in grid.KNOBS] == ["1.2", "0", "0.1"]
        page.wait_for_function("() => location.hash === ''", timeout=5000)
    finally:
        context.close()


def test_without_javascript_each_place_shows_the_starting_picture_and_one_line(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    rare = sparse.run_experiment(seed=0).bucket_means()["global"]["rare"]
    try:
        for url, root, alt in (("chapters/preconditioning.html", PRECOND, "turned by 30 degrees with condition number 20.00"),
                               ("chapters/exercises.html", PRECOND, "turned by 45 degrees with condition number 20.00"),
                               ("chapters/sparse-features.html", SPARSE, f"shared schedule {rare:.4f}")):
            page.goto(server + url, wait_until="load")  # the pictures loaded
            place = page.locator(root)
            image = place.locator("img")
            assert image.count() == 1 and image.evaluate("i => i.complete && i.naturalWidth") > 500, url
            assert alt in image.get_attribute("alt"), url
            assert place.locator("figcaption").text_content() == (
                "The figure’s controls need JavaScript; this picture shows its starting state.")
            assert place.locator("input").count() == 0
    finally:
        context.close()


def test_phone_layout_fits_each_figures_controls_and_main_panels_on_one_screen(browser, server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    cases = (
        ("chapters/preconditioning.html", PRECOND, "preconditioning-phone-390x844.png",
         ['input[name="theta"]', 'input[name="kappa_slider"]', 'input[name="kappa"]', '[data-role="kappa-before"]',
          '[data-role="kappa-jacobi"]', '[data-role="panel-levels"]', '[data-role="panel-discs-before"]',
          '[data-role="panel-discs-after"]']),
        ("chapters/sparse-features.html", SPARSE, "sparse-phone-390x844.png",
         [f'input[name="{n}"]' for n in grid.KNOBS] + [f'input[name="{n}_slider"]' for n in grid.KNOBS]
         + ['[data-role="panel-errors"]']),
    )
    try:
        for url, root, shot, selectors in cases:
            page.goto(server + url, wait_until="domcontentloaded")
            place = page.locator(root)
            place.locator("svg").first.wait_for()
            page.evaluate("root => document.querySelector(root).scrollIntoView({block: 'start'})", root)
            page.wait_for_timeout(100)
            for sel in selectors:
                b = place.locator(sel).bounding_box()
                assert b["y"] >= 0 and b["y"] + b["height"] <= 844 and b["x"] >= 0 and b["x"] + b["width"] <= 390, (url, sel, b)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
            page.screenshot(path=str(artifacts / shot))
    finally:
        context.close()


def test_each_figure_loads_only_on_its_pages(book_dir):
    pages = {p.relative_to(book_dir).as_posix(): p.read_text(encoding="utf-8") for p in book_dir.rglob("*.html")
             if p.relative_to(book_dir).parts[0] not in {"_static", "_sources"}}
    holders = {name: {rel for rel, text in pages.items() if re.search(rf'<div[^>]*\bdata-explorer="{name}"', text)}
               for name in ("preconditioning", "sparse")}
    assert holders == {"preconditioning": {"chapters/preconditioning.html", "chapters/exercises.html"},
                       "sparse": {"chapters/sparse-features.html"}}
    for rel, text in pages.items():
        for name in holders:
            soup = BeautifulSoup(text, "html.parser")
            files = set(page_scripts(book_dir, rel, soup) + page_stylesheets(book_dir, rel, soup))
            loads = [f for f in (f"{name}.js", f"{name}-data.js", f"{name}.css") if f"_static/live-figures/{f}" in files]
            assert loads == ([f"{name}.js", f"{name}-data.js", f"{name}.css"] if rel in holders[name] else []), (rel, name)


def _data_file(book_dir, name):
    text = (book_dir / "_static" / "live-figures" / f"{name}-data.js").read_text(encoding="utf-8")
    literal = re.fullmatch(r"(?s)/\*[^*]*\*/\n\(window\.LiveFigureData = window\.LiveFigureData \|\| \{\}\)"
                           r"\[\"\w+\"\] = JSON\.parse\((\".*\")\);\n", text)
    assert literal, text[:200]
    return json.loads(json.loads(literal.group(1)))


def test_the_figures_data_is_d2lminis(book_dir, monkeypatch):
    """The data files the pages load hold d2lmini's constants at build time, nothing else.

    The sparse figure's table itself is checked elsewhere (its content hash is
    this code's, and sampled points equal fresh runs); here it is passed through.
    """
    assert _data_file(book_dir, "preconditioning") == json.loads(json.dumps(pc.web_constants()))
    data = _data_file(book_dir, "sparse")
    monkeypatch.setattr(grid, "precompute", lambda cache_dir=None: {k.lower(): data[k] for k in ("HASH", "COUNTS", "POINTS")})
    assert data == json.loads(json.dumps(grid.web_constants()))
    assert data["HASH"] == grid.content_hash()
