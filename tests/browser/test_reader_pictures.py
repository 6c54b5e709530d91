"""What a reader of the preconditioning page looks at, checked and saved as pictures.

Two views: the key output (the condition numbers Adagrad sees) and the figure
of κ against the rotation θ. Each is saved under ``tests/artifacts/`` as
``preconditioning-<view>-<label>.png`` before it is checked, with the label
``$D2LMINI_SHOT_LABEL`` (default ``after``). Pointing the tests at an older
build (``D2LMINI_BOOK_HTML=<old>/_build/html D2LMINI_SHOT_LABEL=before``)
saves the matching "before" pictures; the checks may fail there, which is the
point of the pair.
"""

from __future__ import annotations

import os

import pytest

LABEL = os.environ.get("D2LMINI_SHOT_LABEL", "after")
DESKTOP = {"width": 1280, "height": 900}

# The block a view lives in, found by what it shows (so older builds match too).
KEY_OUTPUT = """() => {
  const pre = Array.from(document.querySelectorAll('div.cell_output pre, div.output pre'))
    .find(p => /seen by Adagrad|kappa seen by Adagrad/.test(p.textContent));
  if (!pre) return null;
  pre.scrollIntoView();
  return pre;
}"""
KAPPA_FIGURE = """() => {
  const said = i => i.alt + ' ' + (i.closest('figure')?.textContent || '');
  const img = Array.from(document.querySelectorAll('img'))
    .find(i => /condition number (?:against the rotation|of the rotated quadratic)/i.test(said(i)));
  if (!img) return null;
  img.scrollIntoView();
  return img;
}"""


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + "chapters/preconditioning.html")
    page.wait_for_load_state("load")
    yield page
    context.close()


def test_the_key_output_shows_every_condition_number_without_scrolling(page, artifacts):
    pre = page.evaluate_handle(KEY_OUTPUT).as_element()
    assert pre is not None, "no output on the page shows the condition numbers Adagrad sees"
    pre.screenshot(path=str(artifacts / f"preconditioning-key-output-{LABEL}.png"))
    scroll, client = pre.evaluate("p => [p.scrollWidth, p.clientWidth]")
    assert scroll <= client, f"the output is {scroll} px wide in a {client} px box"
    text = pre.text_content()
    for number in ("100.00", "1.01", "91.10"):
        assert number in text, (number, text)


def test_the_kappa_figure_is_drawn_at_twice_its_displayed_size_or_as_vectors(page, artifacts):
    img = page.evaluate_handle(KAPPA_FIGURE).as_element()
    assert img is not None, "no figure of the condition number against the rotation"
    img.evaluate("i => i.decode()")
    img.evaluate_handle("i => i.closest('figure, div.cell_output') || i").as_element().screenshot(
        path=str(artifacts / f"preconditioning-kappa-figure-{LABEL}.png")
    )
    src, natural, shown = img.evaluate("i => [i.currentSrc, i.naturalWidth, i.getBoundingClientRect().width]")
    assert src.endswith(".svg") or natural >= 2 * shown, (src, natural, shown)
