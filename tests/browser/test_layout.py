"""Nothing hidden, on every page, with every folded block open (see layout_report.py).

* At 1280×900 no code or output block scrolls sideways, no display equation
  is wider than its column or clipped, and every figure is SVG or a PNG at
  least twice its displayed size.
* At 390×844 code may scroll; a display equation wider than the screen
  scrolls inside its own box, with a visible cue, and is never clipped; the
  page itself never scrolls sideways.

To list what one page hides: ``.venv/bin/python -m tests.browser.layout_report
chapters/X.html [--phone]``. The last tests check the checks, on a page made
wide on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout_report import DESKTOP, PHONE, REPO, format_problems, prepare, problems
from test_crawl import built_pages

# The pages, known when the tests are collected (the book_dir fixture skips or fails without a build).
BOOK_HTML = Path(os.environ.get("D2LMINI_BOOK_HTML", REPO / "_build" / "html")).resolve()
PAGES = built_pages(BOOK_HTML) if (BOOK_HTML / "index.html").is_file() else ["index.html"]


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.site_audit  # every page at one viewport (make audit)
@pytest.mark.parametrize("page_name", PAGES)
def test_nothing_hidden_at_1280x900(desktop, server, book_dir, page_name):
    prepare(desktop, server + page_name)
    found = problems(desktop, phone=False)
    assert not found, format_problems(page_name, found)


@pytest.mark.site_audit  # every page at one viewport (make audit)
@pytest.mark.parametrize("page_name", PAGES)
def test_wide_math_scrolls_in_its_own_box_at_390x844(phone, server, book_dir, page_name):
    prepare(phone, server + page_name)
    found = problems(phone, phone=True)
    assert not found, format_problems(page_name, found)


def _page_with_display_math(book_dir) -> str:
    for name in built_pages(book_dir):
        if "katex-display" in (book_dir / name).read_text(encoding="utf-8"):
            return name
    pytest.fail("no built page has a display equation")


WIDEN_FIRST_EQUATION = """(times) => {
    const box = document.querySelector(".katex-display > .katex > .katex-html");
    const bases = Array.from(box.querySelectorAll(":scope > .katex-base, :scope > .base"));
    for (let i = 0; i < times; i++) bases.forEach(b => box.appendChild(b.cloneNode(true)));
    box.scrollLeft = 0;
    return [box.scrollWidth, box.clientWidth];
}"""


def test_a_wide_equation_scrolls_with_a_cue_on_a_phone_and_fails_on_a_desktop(phone, desktop, server, book_dir):
    name = _page_with_display_math(book_dir)
    prepare(phone, server + name)
    first = phone.locator(".katex-display > .katex > .katex-html").first
    natural = first.evaluate("box => box.scrollWidth")
    # A screen narrower than the first equation: it must scroll, with its cue.
    phone.set_viewport_size({"width": max(200, natural // 2 + 40), "height": PHONE["height"]})
    try:
        phone.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert first.evaluate("box => box.scrollWidth > box.clientWidth + 1")
        assert first.get_attribute("data-scroll") == "right"
        assert first.evaluate("box => getComputedStyle(box).boxShadow") != "none"
        equation_problems = [p for p in problems(phone, phone=True) if p[0].startswith("equation")]
        assert equation_problems == []
        # the same equation, unable to scroll, is caught
        first.evaluate("box => { box.style.overflow = 'visible'; }")
        kinds = {kind for kind, _, _ in problems(phone, phone=True)}
        assert kinds & {"equation does not scroll in its box", "equation clipped or past the column"}
    finally:
        phone.set_viewport_size(PHONE)

    prepare(desktop, server + name)
    desktop.evaluate(WIDEN_FIRST_EQUATION, 6)
    kinds = {kind for kind, _, _ in problems(desktop, phone=False)}
    assert "equation wider than the column" in kinds


def test_the_desktop_check_sees_long_code_and_blurry_figures(desktop, server, book_dir):
    prepare(desktop, server + "index.html")
    desktop.evaluate("""() => {
        const article = document.querySelector("article.bd-article");
        const code = document.createElement("div");
        code.className = "highlight";
        code.innerHTML = "<pre>" + "x = 1  # ".repeat(20) + "</pre>";
        article.appendChild(code);
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 100;
        const img = new Image(300, 300);
        img.src = canvas.toDataURL("image/png");
        article.appendChild(img);
        return img.decode();
    }""")
    kinds = [kind for kind, _, _ in problems(desktop, phone=False)]
    assert kinds.count("code scrolls sideways") == 1 and kinds.count("figure not crisp") == 1
