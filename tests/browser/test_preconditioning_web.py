"""The preconditioning figure on the built preconditioning page, checked against d2lmini.precondition.

The DOM contract comes from the issue: a root ``[data-explorer="preconditioning"]``;
inputs named ``theta`` and ``kappa``; ``kappa-before`` and ``kappa-jacobi``
showing the condition numbers with full precision in ``data-value``;
``discs-before`` and ``discs-after`` holding one element per Gershgorin disc,
with ``data-center`` and ``data-radius``. Setting an input's value and
dispatching ``input`` updates everything.

The tests share one page; settings are batched into single ``page.evaluate`` calls.
"""

from __future__ import annotations

import math

import pytest

import d2lmini as d2l
from d2lmini import precondition as pc

ROOT = '[data-explorer="preconditioning"]'
PAGE = "chapters/preconditioning.html"

# Set inputs by name, dispatching "input" on each; return what the page shows for each setting.
CONFIGURE = """([root, settings]) => {
    const r = document.querySelector(root);
    const set = (name, value) => {
        const input = r.querySelector(`input[name="${name}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    const discs = role => Array.from(r.querySelector(`[data-role="${role}"]`).children)
        .map(e => [e.dataset.center, e.dataset.radius]);
    const eig = role => Array.from(r.querySelectorAll(`[data-role="${role}"] [data-value]`)).map(e => e.dataset.value);
    return settings.map(s => {
        for (const [name, value] of Object.entries(s)) set(name, value);
        const before = r.querySelector('[data-role="kappa-before"]'), after = r.querySelector('[data-role="kappa-jacobi"]');
        return {before: [before.textContent, before.dataset.value], after: [after.textContent, after.dataset.value],
                discsBefore: discs("discs-before"), discsAfter: discs("discs-after"),
                eigBefore: eig("eigenvalues-before"), eigAfter: eig("eigenvalues-after"),
                theta: r.querySelector('input[name="theta"]').value, kappa: r.querySelector('input[name="kappa"]').value};
    });
}"""


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server + PAGE, wait_until="domcontentloaded")
    page.locator(ROOT + ' [data-role="discs-before"]').wait_for(state="attached")
    yield page
    context.close()
    assert not errors, errors


def configure(page, **inputs):
    return page.evaluate(CONFIGURE, [ROOT, [{"theta": 30, "kappa": 20} | inputs]])[0]


def close(js: float, py: float) -> bool:
    return abs(js - py) <= 1e-9 * max(1.0, abs(py))


# Whole and fractional κ, both ends of both ranges, aligned, turned and hopeless bowls.
PARITY = [(0, 20), (30, 20), (45, 20), (90, 20), (135, 20), (180, 20), (0, 1), (45, 1), (45, 100), (22, 100),
          (67, 100), (1, 37.3), (17, 3.7), (179, 99.9), (60, 1.05), (112, 12.5)]
HALF_DEGREES = [(22.5, 100), (67.5, 20), (0.5, 1.5), (179.5, 63.1)]


def test_numbers_and_discs_equal_d2lmini(page):
    shown = page.evaluate(CONFIGURE, [ROOT, [{"theta": t, "kappa": k} for t, k in PARITY + HALF_DEGREES]])
    for (theta, kappa), s in zip(PARITY + HALF_DEGREES, shown):
        py = pc.analyse(theta, kappa)
        assert (float(s["theta"]), float(s["kappa"])) == (theta, kappa)
        assert s["before"][0] == f"{py.kappa_before:.2f}" and s["after"][0] == f"{py.kappa_jacobi:.2f}", (theta, kappa)
        js_pairs = [(float(s["before"][1]), py.kappa_before), (float(s["after"][1]), py.kappa_jacobi)]
        js_pairs += [(float(c), pc_) for (c, _), pc_ in zip(s["discsBefore"], py.centers_before)]
        js_pairs += [(float(r), pr) for (_, r), pr in zip(s["discsBefore"], py.radii_before)]
        js_pairs += [(float(c), pc_) for (c, _), pc_ in zip(s["discsAfter"], py.centers_after)]
        js_pairs += [(float(r), pr) for (_, r), pr in zip(s["discsAfter"], py.radii_after)]
        js_pairs += list(zip(map(float, s["eigBefore"]), py.eigenvalues_before))
        js_pairs += list(zip(map(float, s["eigAfter"]), py.eigenvalues_after))
        assert len(s["discsBefore"]) == 2 and len(s["discsAfter"]) == 2 and len(js_pairs) == 14
        assert all(close(js, p) for js, p in js_pairs), (theta, kappa, js_pairs)
        # Python's cos and sin for whole degrees and the same operations in the same order: the same bits.
        assert all(js == p for js, p in js_pairs) or theta != int(theta), (theta, kappa)


def test_the_dom_contract(page):
    root = page.locator(ROOT)
    assert root.locator('input[name="theta"]').count() == 1 and root.locator('input[name="kappa"]').count() == 1
    assert root.locator('input[name="theta"]').get_attribute("type") == "range"
    for role in ("kappa-before", "kappa-jacobi"):
        assert root.locator(f'[data-role="{role}"]').count() == 1
    shown = configure(page, theta=45, kappa=20)
    for role in ("discs-before", "discs-after"):
        children = root.locator(f'[data-role="{role}"] > *')
        assert children.count() == 2
        for i in range(2):
            assert children.nth(i).get_attribute("data-center") and children.nth(i).get_attribute("data-radius")
    assert shown["before"][0] == "20.00" and shown["after"][0] == "20.00"
    assert [float(c) for c, _ in shown["discsAfter"]] == [1.0, 1.0]


def test_jacobi_fixes_only_the_aligned_bowl_on_the_page(page):
    shown = page.evaluate(CONFIGURE, [ROOT, [{"theta": t, "kappa": 20} for t in (0, 30, 45, 90)]])
    after = [float(s["after"][1]) for s in shown]
    assert after[0] == pytest.approx(1) and after[3] == pytest.approx(1) and after[2] == pytest.approx(20)
    assert 1 < after[1] < 20


def test_every_input_changes_the_picture(page):
    configure(page)
    picture = """root => Array.from(document.querySelectorAll(root + ' svg [d], ' + root + ' svg ellipse, ' + root + ' svg rect'))
        .map(e => (e.getAttribute('d') || '') + (e.getAttribute('rx') || '') + (e.getAttribute('x') || '') +
                  (e.getAttribute('width') || '') + (e.parentNode.getAttribute('transform') || '')).join('|')"""
    for name, value in (("theta", 60), ("kappa", 50), ("kappa_slider", 3)):
        before = page.evaluate(picture, ROOT)
        page.evaluate(CONFIGURE, [ROOT, [{name: value}]])
        assert page.evaluate(picture, ROOT) != before, f"{name} changed nothing"


def test_the_kappa_slider_steps_through_the_notches_and_lands_on_20(page):
    configure(page)
    values = page.evaluate("""root => {
        const r = document.querySelector(root), s = r.querySelector('input[name="kappa_slider"]'), out = [];
        for (let i = Number(s.min); i <= Number(s.max); i++) {
            s.value = String(i); s.dispatchEvent(new Event('input', {bubbles: true}));
            out.push(Number(r.querySelector('input[name="kappa"]').value));
        }
        return out; }""", ROOT)
    assert values == list(pc.KAPPA_NOTCHES)
    configure(page)
    slider = page.locator(f'{ROOT} input[name="kappa_slider"]')
    box = page.locator(f'{ROOT} input[name="kappa"]')
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert box.input_value() == "25"
    page.keyboard.press("ArrowLeft")
    assert box.input_value() == "20"
    assert page.locator(f'{ROOT} [data-role="kappa-jacobi"]').text_content() == f"{pc.analyse(30, 20).kappa_jacobi:.2f}"
    page.keyboard.press("End")
    assert box.input_value() == "100" and slider.get_attribute("aria-valuetext") == "κ = 100"
    box.focus()
    page.keyboard.press("ArrowDown")
    assert box.input_value() == "80"


def test_keyboard_moves_theta_and_its_value_is_visible(page):
    configure(page)
    out = page.locator(f'{ROOT} output[for$="-theta"]')
    assert out.text_content() == "30°"
    page.locator(f'{ROOT} input[name="theta"]').focus()
    page.keyboard.press("ArrowRight")
    assert out.text_content() == "30.5°"
    value = float(page.locator(f'{ROOT} [data-role="kappa-jacobi"]').get_attribute("data-value"))
    assert abs(value - pc.analyse(30.5, 20).kappa_jacobi) <= 1e-9 * value


def test_a_bad_kappa_is_flagged_and_changes_nothing(page):
    before = configure(page)
    for bad in ("", "0.5", "101", "abc"):
        after = page.evaluate(CONFIGURE, [ROOT, [{"kappa": bad}]])[0]
        box = page.locator(f'{ROOT} input[name="kappa"]')
        assert box.get_attribute("aria-invalid") == "true", bad
        hint = page.locator(f'{ROOT} #' + box.get_attribute("aria-describedby"))
        assert "κ must be a number from 1 to 100" in hint.text_content()
        assert {k: v for k, v in after.items() if k != "kappa"} == {k: v for k, v in before.items() if k != "kappa"}
        configure(page)
        assert box.get_attribute("aria-invalid") is None


def test_every_control_has_a_label(page):
    names = page.evaluate("""root => Array.from(document.querySelectorAll(root + ' input, ' + root + ' button')).map(i =>
        [i.name || i.textContent, Array.from(i.labels || []).map(l => l.textContent.trim()).join(' ')
         || i.getAttribute('aria-label') || i.textContent.trim()])""", ROOT)
    assert {n for n, _ in names} == {"theta", "kappa", "kappa_slider", "Reset"}
    assert all(label for _, label in names), names


def test_the_url_hash_holds_the_setting(page):
    configure(page, theta=45, kappa=50)
    page.wait_for_function("() => location.hash === '#theta=45&kappa=50'", timeout=5000)


# -- pictures a reader sees (saved under tests/artifacts/) -----------------------------------------


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _share(image, hex_color: str) -> float:
    import numpy as np

    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(image - rgb).sum(axis=2) < 40).mean())


@pytest.mark.parametrize("theta, kappa", [(30, 20), (45, 100)])
def test_screenshots_at_two_settings_show_both_families(page, artifacts, theta, kappa):
    configure(page, theta=theta, kappa=kappa)
    page.locator(ROOT).screenshot(path=str(artifacts / f"preconditioning-theta{theta}-kappa{kappa}.png"))
    levels = _pixels(page.locator(f'{ROOT} [data-role="panel-levels"]').screenshot())[70:]  # below the legend
    assert _share(levels, d2l.COLORS["adagrad"]) > 0.002 and _share(levels, d2l.COLORS["reference"]) > 0.001
