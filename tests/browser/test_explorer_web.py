"""The web explorer on the built algorithm page, checked against d2lmini.

The DOM contract comes from the issue: a root ``[data-explorer="adagrad"]``;
inputs named ``eta``, ``theta``, ``steps``, ``noise``, ``gamma``, ``start_x1``,
``start_x2``; check boxes ``show-gd``, ``show-adagrad``, ``show-rmsprop``; the
η range input with ``data-role="eta-slider"``; ``final-<method>`` holding
``x1: {x1:f}, x2: {x2:f}`` and ``status-<method>`` saying "diverging" exactly
when the method diverges; ``panel-path``, the trajectory panel's ``<svg>``,
with its tick labels and the draggable ``start-marker``. Setting an input's
value and dispatching ``input`` updates everything.

Most tests share one page (one load for the module); settings are batched into
single ``page.evaluate`` calls.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from bs4 import BeautifulSoup

import d2lmini as d2l
from d2lmini import explorer as ex
from d2lmini.objectives import RotatedQuadratic

from built_assets import page_scripts, page_stylesheets

ROOT = '[data-explorer="adagrad"]'
PAGE = "chapters/algorithm.html"
METHODS = ex.METHODS

# Set inputs by name (check boxes by "show-<method>": true/false), dispatching
# "input" on each as the contract says; return what the page shows.
CONFIGURE = """([root, settings]) => {
    const r = document.querySelector(root);
    const set = (name, value) => {
        const input = r.querySelector(`input[name="${name}"]`);
        if (input.type === "checkbox") input.checked = value; else input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    const read = () => {
        const out = {};
        for (const m of ["gd", "adagrad", "rmsprop"]) {
            const f = r.querySelector(`[data-role="final-${m}"]`);
            out[m] = [f.textContent, f.dataset.x1, f.dataset.x2, r.querySelector(`[data-role="status-${m}"]`).textContent];
        }
        return out;
    };
    return settings.map(s => { for (const [name, value] of Object.entries(s)) set(name, value); return read(); });
}"""

DEFAULT_INPUTS = {"eta": 0.4, "theta": 0, "steps": 20, "noise": 0, "gamma": 0.9, "start_x1": -5, "start_x2": -2,
                  "show-gd": True, "show-adagrad": True, "show-rmsprop": False}


@pytest.fixture(scope="module")
def page(browser, server):
    # tall enough for the whole explorer in one screenshot
    context = browser.new_context(viewport={"width": 1200, "height": 1200})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server + PAGE)
    page.locator(ROOT + ' svg[data-role="panel-path"]').wait_for()
    yield page
    context.close()
    assert not errors, errors


def configure(page, **inputs):
    """Set the inputs (the defaults, changed by ``inputs``) and return what the page shows."""
    return page.evaluate(CONFIGURE, [ROOT, [DEFAULT_INPUTS | inputs]])[0]


def python_data(s: dict) -> ex.Exploration:
    return ex.explore_data(s["eta"], s["theta"], s["steps"], noise=s["noise"], start=(s["start_x1"], s["start_x2"]),
                           gamma=s["gamma"])


def close(js: float, py: float) -> bool:
    """Equal to 1e-9, relative for the astronomically large points of a diverged run."""
    return abs(js - py) <= 1e-9 * max(1.0, abs(py)) or (math.isnan(js) and math.isnan(py))


# The reference runs, both ends of every range, rotated bowls, runs where GD
# diverges (η > 0.5), typed η between the notches, noise, moved starts and several γ.
PARITY = [
    dict(eta=0.4, theta=0, steps=20),
    dict(eta=2.0, theta=0, steps=20),
    dict(eta=0.4, theta=45, steps=20),
    dict(eta=0.01, theta=180, steps=1),
    dict(eta=0.123, theta=117, steps=100),
    dict(eta=0.45, theta=0, steps=20),
    dict(eta=0.6, theta=0, steps=20),
    dict(eta=3.7, theta=73, steps=37),
    dict(eta=10.0, theta=90, steps=100),
    dict(eta=0.4, theta=45, steps=40, noise=0.5),
    dict(eta=0.4, theta=0, steps=100, noise=2.0, gamma=0.0),
    dict(eta=2.0, theta=45, steps=30, noise=0.5, start_x1=-4, start_x2=3, gamma=0.8),
    dict(eta=0.05, theta=10, steps=100, noise=1.0, start_x1=7.9, start_x2=-8, gamma=0.99),
    dict(eta=1.2, theta=135, steps=60, noise=0.01, start_x1=0, start_x2=0, gamma=0.5),
    dict(eta=0.25, theta=30, steps=75, noise=1.5, start_x1=0.3, start_x2=-0.1, gamma=0.95),
    dict(eta=8.0, theta=160, steps=14, noise=0.2, start_x1=5.2, start_x2=-7, gamma=0.3),
    dict(eta=0.8, theta=154, steps=60, noise=1.0, start_x1=-4.9, start_x2=6.6, gamma=0.99),
    dict(eta=1.0, theta=5, steps=43, noise=1.0, start_x1=-5.5, start_x2=-1.8),
]


def test_final_points_equal_d2lmini_for_every_method(page):
    settings = [DEFAULT_INPUTS | {f"show-{m}": True for m in METHODS} | p for p in PARITY]
    shown = page.evaluate(CONFIGURE, [ROOT, settings])
    for s, result in zip(settings, shown):
        data = python_data(s)
        for m in METHODS:
            text, x1, x2, _ = result[m]
            py1, py2 = data.runs[m][-1, :2]
            assert text == ex.format_point(py1, py2), (s, m)
            assert close(float(x1), py1) and close(float(x2), py2), (s, m, (x1, x2), (py1, py2))
            # Same operations in the same order, and Python's cos and sin for whole degrees: the same bits.
            assert (float(x1), float(x2)) == (py1, py2) or math.isnan(py1), (s, m)


def test_status_says_diverging_exactly_when_d2lmini_does(page):
    settings = [DEFAULT_INPUTS | {f"show-{m}": True for m in METHODS} | p for p in PARITY]
    shown = page.evaluate(CONFIGURE, [ROOT, settings])
    for s, result in zip(settings, shown):
        data = python_data(s)
        for m in METHODS:
            assert result[m][3] == ex.status_line(data, m), (s, m)
            assert ("diverging" in result[m][3]) is data.diverging[m], (s, m)
    gd = {eta: configure(page, eta=eta)["gd"][3] for eta in (0.4, 0.45, 0.6)}
    assert "diverging" in gd[0.6] and "diverging" not in gd[0.4] and "diverging" not in gd[0.45], gd


def test_the_dom_contract(page):
    root = page.locator(ROOT)
    for name in ("eta", "theta", "steps", "noise", "gamma", "start_x1", "start_x2"):
        assert root.locator(f'input[name="{name}"]').count() == 1, name
    for m in METHODS:
        box = root.locator(f'input[name="show-{m}"]')
        assert box.count() == 1 and box.get_attribute("type") == "checkbox"
        assert root.locator(f'[data-role="final-{m}"]').count() == 1
        assert root.locator(f'[data-role="status-{m}"]').count() == 1
    slider = root.locator('[data-role="eta-slider"]')
    assert slider.count() == 1 and slider.evaluate("e => e.tagName + ':' + e.type") == "INPUT:range"
    panel = root.locator('[data-role="panel-path"]')
    assert panel.count() == 1 and panel.evaluate("e => e.tagName") == "svg"
    labels = panel.locator(".lf-axes text").all_text_contents()
    assert {"−6", "−4", "0", "4", "6", "x1", "x2"} <= set(labels), labels
    assert panel.locator('[data-role="start-marker"]').count() == 1
    # defaults: GD and Adagrad shown, RMSProp not
    shown = configure(page)
    assert shown["adagrad"][0] == "x1: -2.382563, x2: -0.158591"
    assert root.locator('[data-role="final-rmsprop"]').is_hidden()
    assert root.locator('[data-role="final-gd"]').is_visible()


def test_every_input_updates_the_picture(page):
    """No dead controls: each input, set and announced with an input event, changes what is drawn."""
    configure(page, **{"show-rmsprop": True})
    picture = """root => Array.from(document.querySelectorAll(root + ' svg path'))
                     .map(p => getComputedStyle(p).display === 'none' ? '' : p.getAttribute('d')).join('|')
                 + document.querySelector(root + ' [data-role="start-marker"]').getAttribute('transform')"""
    for name, value in (("eta", 1.0), ("theta", 30), ("steps", 60), ("noise", 0.5), ("gamma", 0.5),
                        ("start_x1", -3), ("start_x2", 1), ("show-gd", False), ("show-adagrad", False),
                        ("show-rmsprop", False)):
        before = page.evaluate(picture, ROOT)
        page.evaluate(CONFIGURE, [ROOT, [{name: value}]])
        assert page.evaluate(picture, ROOT) != before, f"{name} changed nothing"


def test_the_eta_slider_lands_on_the_notches_and_back_on_the_books_values(page):
    configure(page)
    slider = page.locator(f'{ROOT} [data-role="eta-slider"]')
    box = page.locator(f'{ROOT} input[name="eta"]')
    values = page.evaluate("""root => {
        const r = document.querySelector(root), s = r.querySelector('[data-role="eta-slider"]');
        const out = [];
        for (let i = Number(s.min); i <= Number(s.max); i++) {
            s.value = String(i); s.dispatchEvent(new Event('input', {bubbles: true}));
            out.push(Number(r.querySelector('input[name="eta"]').value));
        }
        return out; }""", ROOT)
    assert values == list(ex.ETA_NOTCHES)
    configure(page)
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert box.input_value() == "0.5"
    page.keyboard.press("ArrowLeft")
    assert box.input_value() == "0.4"
    assert page.locator(f'{ROOT} [data-role="final-adagrad"]').text_content() == "x1: -2.382563, x2: -0.158591"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert box.input_value() == "1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert box.input_value() == "2"
    page.keyboard.press("End")
    assert box.input_value() == "10"
    assert slider.get_attribute("aria-valuetext") == "η = 10"


def test_the_eta_box_takes_any_value_and_its_arrows_go_to_the_next_notch(page):
    configure(page)
    box = page.locator(f'{ROOT} input[name="eta"]')
    box.focus()
    page.keyboard.press("ArrowUp")
    assert box.input_value() == "0.5"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert box.input_value() == "0.3"
    box.fill("0.45")
    assert configure(page, eta=0.45)["adagrad"][0] == ex.format_point(*ex.explore_data(0.45, 0, 20).adagrad[-1, :2])
    box.focus()
    page.keyboard.press("ArrowUp")
    assert box.input_value() == "0.5"
    page.keyboard.press("ArrowDown")
    assert box.input_value() == "0.4"


def test_a_bad_value_in_a_box_is_flagged_and_changes_nothing(page):
    before = configure(page)
    for name, bad in (("eta", ""), ("eta", "50"), ("eta", "0"), ("start_x1", "9"), ("start_x2", "")):
        after = page.evaluate(CONFIGURE, [ROOT, [{name: bad}]])[0]
        assert page.locator(f'{ROOT} input[name="{name}"]').get_attribute("aria-invalid") == "true", name
        hint = page.locator(f'{ROOT} #' + page.locator(f'{ROOT} input[name="{name}"]').get_attribute("aria-describedby"))
        assert "must be a number from" in hint.text_content()
        assert after == before, name
        configure(page)
        assert page.locator(f'{ROOT} input[name="{name}"]').get_attribute("aria-invalid") is None


def _panel_state(page):
    """The trajectory panel's tick labels and data frame, and the rate panel's y tick labels, with positions."""
    return page.evaluate("""root => {
        const r = document.querySelector(root);
        const text = sel => Array.from(r.querySelectorAll(sel)).filter(t => t.style.display !== 'none')
            .map(t => t.textContent + '@' + (t.getAttribute('x') || '') + ',' + (t.getAttribute('y') || ''));
        return {path: text('[data-role="panel-path"] .lf-axes text'),
                rates: text('[data-role="panel-rates"] .lf-axes text[text-anchor="end"]'),
                frame: r.querySelector('[data-role="panel-path"] g[clip-path] > g').getAttribute('transform')}; }""", ROOT)


def test_the_views_hold_still_while_eta_steps_noise_and_methods_change(page):
    configure(page)
    view = _panel_state(page)
    assert len(view["rates"]) == 7 and view["rates"][0].startswith("1e−4")
    for change in (dict(eta=6.0), dict(eta=0.01), dict(steps=100), dict(noise=2.0), {"show-gd": False},
                   {"show-rmsprop": True}, dict(theta=70)):
        configure(page, **change)
        assert _panel_state(page) == view, change
    configure(page, start_x1=0.5, start_x2=0.2)
    assert _panel_state(page)["frame"] != view["frame"]  # a new start may choose a new view


def test_a_path_that_leaves_the_view_is_drawn_to_the_edge_with_a_marker(page):
    configure(page, eta=0.6)
    geometry = page.evaluate("""root => {
        const svg = document.querySelector(root + ' [data-role="panel-path"]');
        const frame = svg.querySelector('.lf-frame');
        const area = [Number(frame.getAttribute('x')), Number(frame.getAttribute('y')),
                      Number(frame.getAttribute('width')), Number(frame.getAttribute('height'))];
        return {area, d: svg.querySelector('[data-role="path-gd"]').getAttribute('d'),
                exits: svg.querySelector('[data-role="exits-gd"]').getAttribute('d')}; }""", ROOT)
    x, y, w, h = geometry["area"]
    coords = [float(v) for v in re.findall(r"-?\d+\.?\d*", geometry["d"])]
    xs, ys = coords[0::2], coords[1::2]
    assert all(x - 0.01 <= v <= x + w + 0.01 for v in xs) and all(y - 0.01 <= v <= y + h + 0.01 for v in ys)
    assert min(ys) == pytest.approx(y, abs=0.01) or max(ys) == pytest.approx(y + h, abs=0.01)  # reaches the edge
    assert geometry["exits"].startswith("M")  # a triangle where it leaves
    assert page.locator(f'{ROOT} [data-role="exits-adagrad"]').get_attribute("d") == ""


def test_both_panels_have_legends_colour_for_method_and_dash_for_coordinate(page):
    legends = page.evaluate("""root => Array.from(document.querySelectorAll(root + ' .lf-legend'))
        .map(g => Array.from(g.querySelectorAll('text')).map(t => t.textContent))""", ROOT)
    assert len(legends) == 2
    path_legend, rate_legend = legends
    assert {"GD", "Adagrad", "RMSProp", "minimum"} <= set(path_legend)
    assert {"Adagrad", "RMSProp", "x1", "x2"} <= set(rate_legend)
    dashes = page.evaluate("""root => ['x1', 'x2'].map(c => document.querySelector(
        root + ` [data-role="rate-adagrad-${c}"]`).getAttribute('stroke-dasharray'))""", ROOT)
    assert dashes[0] in (None, "", "none") and dashes[1] not in (None, "", "none")


def test_the_colours_are_the_books(page):
    colours = page.evaluate("""root => {
        const r = document.querySelector(root), style = getComputedStyle(r);
        return Object.fromEntries(['gd', 'adagrad', 'rmsprop', 'contour'].map(m => [m, style.getPropertyValue('--lf-' + m).trim()])
            .concat([['path-gd', getComputedStyle(r.querySelector('[data-role="path-gd"]')).stroke]])); }""", ROOT)
    for name in ("gd", "adagrad", "rmsprop", "contour"):
        assert colours[name].lower() == d2l.COLORS[name].lower(), name
    r, g, b = (int(d2l.COLORS["gd"][i:i + 2], 16) for i in (1, 3, 5))
    assert colours["path-gd"] == f"rgb({r}, {g}, {b})"


def _start_inputs(page):
    return [page.locator(f'{ROOT} input[name="start_x{i}"]').input_value() for i in (1, 2)]


def test_dragging_the_start_with_the_mouse_snaps_to_a_tenth(page):
    configure(page)
    marker = page.locator(f'{ROOT} [data-role="start-marker"]')
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + 13.7 * k, y - 9.3 * k)
    page.mouse.up()
    x1, x2 = _start_inputs(page)
    assert (float(x1), float(x2)) != (-5.0, -2.0)
    for v in (x1, x2):
        assert re.fullmatch(r"-?\d+(\.\d)?", v), v  # a multiple of 0.1, written as such
    shown = page.evaluate(CONFIGURE, [ROOT, [{}]])[0]
    data = ex.explore_data(0.4, 0, 20, start=(float(x1), float(x2)))
    assert shown["adagrad"][0] == ex.format_point(*data.adagrad[-1, :2])


def test_dragging_the_start_by_touch_and_moving_it_with_the_keys(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(server + PAGE)
        marker = page.locator(f'{ROOT} [data-role="start-marker"]')
        marker.scroll_into_view_if_needed()
        box = marker.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for k in range(1, 6):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x + 8 * k, "y": y + 5 * k}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        x1, x2 = (float(v) for v in _start_inputs(page))
        assert x1 > -5.0 and x2 < -2.0 and round(x1, 1) == x1 and round(x2, 1) == x2
        marker.focus()
        page.keyboard.press("ArrowUp")
        assert float(_start_inputs(page)[1]) == round(x2 + 0.1, 1)
        page.keyboard.press("Shift+ArrowLeft")
        assert float(_start_inputs(page)[0]) == round(x1 - 1, 1)
    finally:
        context.close()


def test_typed_start_coordinates_move_the_marker(page):
    configure(page)
    before = page.locator(f'{ROOT} [data-role="start-marker"]').get_attribute("transform")
    shown = configure(page, start_x1=-4, start_x2=3)
    assert page.locator(f'{ROOT} [data-role="start-marker"]').get_attribute("transform") != before
    assert shown["gd"][0] == ex.format_point(*ex.explore_data(0.4, 0, 20, start=(-4, 3)).gd[-1, :2])


def test_the_url_hash_holds_the_settings_without_flooding_the_history(page):
    configure(page)
    length = page.evaluate("history.length")
    page.evaluate(CONFIGURE, [ROOT, [dict(eta=v) for v in (0.5, 0.6, 0.8, 1.0, 1.2, 2.0)]])
    configure(page, eta=2, theta=45, steps=30, noise=0.5, start_x1=-4, start_x2=3, gamma=0.8)
    expected = "#" + ex.check_settings(2, 45, 30, noise=0.5, start=(-4, 3), gamma=0.8).to_hash()
    page.wait_for_function("h => location.hash === h", arg=expected, timeout=5000)
    assert page.evaluate("history.length") == length


def test_a_link_with_settings_opens_there_and_reset_returns_to_the_defaults(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        link = "eta=2&theta=45&steps=30&noise=0.5&start=-4,3&gamma=0.8&show=gd,adagrad,rmsprop"
        page.goto(server + PAGE + "#" + link)
        shown = page.evaluate(CONFIGURE, [ROOT, [{}]])[0]
        data = ex.explore_data(2.0, 45, 30, noise=0.5, start=(-4, 3), gamma=0.8)
        for m in METHODS:
            assert shown[m][0] == ex.format_point(*data.runs[m][-1, :2]), m
        assert page.locator(f'{ROOT} input[name="show-rmsprop"]').is_checked()
        assert page.locator(ROOT).evaluate("r => r.getBoundingClientRect().top") < 900  # scrolled to the explorer
        page.locator(f'{ROOT} [data-role="reset"]').click()
        assert page.locator(f'{ROOT} [data-role="final-adagrad"]').text_content() == "x1: -2.382563, x2: -0.158591"
        values = {n: page.locator(f'{ROOT} input[name="{n}"]').input_value() for n in ("eta", "theta", "steps", "noise", "gamma")}
        assert values == {"eta": "0.4", "theta": "0", "steps": "20", "noise": "0", "gamma": "0.9"}
        assert not page.locator(f'{ROOT} input[name="show-rmsprop"]').is_checked()
        page.wait_for_function("() => location.hash === ''", timeout=5000)
        # a link on the page to a setting (<a href="#theta=90">) moves the explorer there
        page.evaluate("location.hash = '#theta=90&steps=20'")
        page.wait_for_function("r => document.querySelector(r + ' input[name=\"theta\"]').value === '90'", arg=ROOT)
        assert page.locator(f'{ROOT} [data-role="final-adagrad"]').text_content() == ex.format_point(
            *ex.explore_data(0.4, 90, 20).adagrad[-1, :2])
    finally:
        context.close()


def test_keyboard_operates_the_controls_and_values_are_visible(page):
    configure(page)
    theta_out = page.locator(f'{ROOT} output[for$="-theta"]')
    steps_out = page.locator(f'{ROOT} output[for$="-steps"]')
    assert theta_out.text_content() == "0°" and steps_out.text_content() == "20"
    final = page.locator(f'{ROOT} [data-role="final-adagrad"]')
    before = final.text_content()
    page.locator(f'{ROOT} input[name="theta"]').focus()
    page.keyboard.press("ArrowRight")
    assert theta_out.text_content() == "1°" and final.text_content() != before
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "steps"
    page.keyboard.press("ArrowLeft")
    assert steps_out.text_content() == "19"
    page.locator(f'{ROOT} input[name="gamma"]').focus()
    page.keyboard.press("ArrowLeft")
    assert page.locator(f'{ROOT} output[for$="-gamma"]').text_content() == "0.89"
    box = page.locator(f'{ROOT} input[name="show-rmsprop"]')
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked() and page.locator(f'{ROOT} [data-role="final-rmsprop"]').is_visible()
    page.locator(f'{ROOT} [data-role="reset"]').focus()
    page.keyboard.press("Enter")
    assert not box.is_checked() and theta_out.text_content() == "0°"


def test_every_control_has_a_label(page):
    names = page.evaluate(
        """root => Array.from(document.querySelectorAll(root + ' input, ' + root + ' button')).map(i =>
            [i.name || i.textContent, Array.from(i.labels || []).map(l => l.textContent.trim()).join(' ')
             || i.getAttribute('aria-label') || i.textContent.trim()])""", ROOT)
    assert {n for n, _ in names} >= {"eta", "eta_slider", "theta", "steps", "noise", "gamma", "start_x1",
                                    "start_x2", "show-gd", "show-adagrad", "show-rmsprop", "Reset"}
    assert all(label for _, label in names), names
    box = page.locator(ROOT).get_by_role("spinbutton", name="learning rate η", exact=True)
    assert box.count() == 1 and box.get_attribute("name") == "eta"
    assert page.locator(f'{ROOT} [data-role="start-marker"]').get_attribute("aria-label") == "start (−5, −2)"


def test_number_format_is_pythons(page):
    """Ties (0.0078125 has an exact 7th decimal of 5), signed zeros and huge values print as Python prints them."""
    values = [0.0078125, -0.0078125, 0.0, -0.0, -1e-9, 2.5e-6, 123.4567895, 1e21, -2.0 ** 70, 1e22, 5e-324,
              1.7976931348623157e308, 0.0005, 0.0015]
    shown = page.evaluate("vs => vs.map(v => [window.AdagradExplorer.formatF(v), window.AdagradExplorer.formatFixed(v, 3)])",
                          values)
    assert shown == [[f"{v:f}", f"{v:.3f}"] for v in values]


def test_path_data_holds_each_coordinate_to_a_tenth(page):
    """The paths' d attributes are written by LiveFigure's path writer: every
    coordinate to a tenth, through a buffer that grows past its first 4 kB."""
    points = [(i * 1.37 - 900.04, 3.05 - i * 0.61) for i in range(2000)] + [(0.04, -0.04), (-7.96, 59.95)]
    d = page.evaluate("""pts => { const LF = window.LiveFigure; LF.pathBegin();
        pts.forEach(([x, y], i) => i % 2 ? LF.pathLine(x, y) : LF.pathMove(x, y));
        LF.pathDot(12.5, 1e12);
        return LF.pathEnd(); }""", points)
    huge = page.evaluate("""() => { const LF = window.LiveFigure; LF.pathBegin();
        for (let i = 0; i < 3000; i++) LF.pathLine(-1e20, i % 2 ? NaN : -Infinity);
        return LF.pathEnd(); }""")
    assert huge == "L-100000000000000000000.0 -InfinityL-100000000000000000000.0 NaN" * 1500
    commands = re.findall(r"([MLh])([^MLh]*)", d)
    assert [c for c, _ in commands[:len(points)]] == ["M" if i % 2 == 0 else "L" for i in range(len(points))]
    for (x, y), (_, text) in zip(points, commands):
        px, py = (float(v) for v in text.split(" "))
        assert abs(px - x) <= 0.05 + 1e-9 and abs(py - y) <= 0.05 + 1e-9, (x, y, text)
    assert d.endswith("M12.5 1000000000000.0h0")  # huge values are written as toFixed(1) writes them


def test_the_contours_are_d2lminis_level_sets(page):
    configure(page, theta=30, start_x1=-4, start_x2=3)
    d = page.locator(f'{ROOT} [data-role="contours"]').get_attribute("d")
    arcs = re.findall(r"A([-\d.e+]+) ([-\d.e+]+) 0 1 0 ", d)[::2]  # two arcs per ellipse
    levels = ex.contour_levels(30, (-4, 3))
    f = RotatedQuadratic(0)
    assert len(arcs) == len(levels) == ex.CONTOUR_COUNT
    for (rx, ry), level in zip(arcs, levels):
        # the semi-axes of f_0 = level, drawn in a frame turned by θ
        assert f(float(rx), 0) == pytest.approx(level, rel=1e-12)
        assert f(0, float(ry)) == pytest.approx(level, rel=1e-12)
    assert "rotate(30)" in page.locator(f'{ROOT} [data-role="contours"]').evaluate("p => p.parentNode.getAttribute('transform')")
    configure(page)


@pytest.mark.parametrize("steps", [1, 2])
def test_one_or_two_steps_draw_visible_rates_and_whole_step_ticks(page, steps):
    configure(page, steps=steps, **{"show-rmsprop": True})
    for role in ("rate-adagrad-x1", "rate-adagrad-x2", "rate-rmsprop-x1", "rate-rmsprop-x2"):
        size = page.locator(f'{ROOT} [data-role="{role}"]').evaluate("p => { const b = p.getBBox(); return [b.width, b.height]; }")
        assert max(size) >= 6, (role, size)  # a marker or a line, not a degenerate path
    labels = page.evaluate("""root => Array.from(document.querySelectorAll(root + ' [data-role="panel-rates"] .lf-axes text'))
        .filter(t => t.style.display !== 'none' && t.getAttribute('text-anchor') === 'middle' && !t.classList.contains('lf-axis-label'))
        .map(t => t.textContent)""", ROOT)
    assert labels == [str(t) for t in range(1, steps + 1)]


def test_axis_titles_and_legends_clear_the_tick_labels(page):
    for settings in (dict(eta=0.01, steps=100), dict(eta=10.0, steps=1), dict(start_x1=8, start_x2=8)):
        configure(page, **settings)
        overlaps = page.evaluate("""root => {
            const bad = [];
            for (const svg of document.querySelectorAll(root + ' svg')) {
                const own = svg.getBoundingClientRect();
                const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.style.display !== 'none')
                    .map(t => [t.textContent, t.getBoundingClientRect()]);
                for (const [name, b] of texts) if (b.left < own.left - 1 || b.right > own.right + 1) bad.push(['cut off', name]);
                for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
                    const [n1, a] = texts[i], [n2, b] = texts[j];
                    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
                        bad.push([n1, n2]);
                }
            }
            return bad; }""", ROOT)
        assert not overlaps, (settings, overlaps)
    configure(page)


def test_the_files_load_only_on_pages_with_a_live_figure(book_dir):
    pages = [p for p in book_dir.rglob("*.html") if p.relative_to(book_dir).parts[0] not in {"_static", "_sources"}]
    with_explorer = set()
    for path in pages:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(book_dir).as_posix()
        soup = BeautifulSoup(text, "html.parser")
        scripts = [f.split("live-figures/", 1)[1] for f in page_scripts(book_dir, rel, soup) if "live-figures/" in f]
        styles = [f.split("live-figures/", 1)[1] for f in page_stylesheets(book_dir, rel, soup) if "live-figures/" in f]
        # the page's live figures, in order: the shared module first, then every figure's data, then their scripts
        names = list(dict.fromkeys(re.findall(r'<div[^>]*\bdata-explorer="([^"]+)"', text)))
        if "adagrad" in names:
            with_explorer.add(path.relative_to(book_dir).as_posix())
        expected = ["live-figure.js"] + [f"{n}-data.js" for n in names] + [f"{n}.js" for n in names] if names else []
        assert scripts == expected, path
        assert styles == (["live-figure.css"] + [f"{n}.css" for n in names] if names else []), path
        assert "adagrad-explorer" not in text, path
    assert with_explorer == {"chapters/algorithm.html", "chapters/exercises.html"}


def test_without_javascript_the_place_shows_the_starting_picture_and_one_line(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        for url, theta in ((PAGE, "0"), ("chapters/exercises.html", "45")):
            page.goto(server + url, wait_until="load")
            root = page.locator(ROOT)
            image = root.locator("img")
            assert image.count() == 1 and image.evaluate("i => i.complete && i.naturalWidth") > 500
            assert f"rotated by {theta} degrees" in image.get_attribute("alt")
            assert root.locator("figcaption").text_content() == (
                "The explorer’s controls need JavaScript; this picture shows its starting state.")
            assert root.locator("input").count() == 0
    finally:
        context.close()


def test_two_explorers_on_one_page_are_independent_and_only_the_first_owns_the_hash(browser, book_dir):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.set_content('<div data-explorer="adagrad"></div>'
                         '<div data-explorer="adagrad" data-eta="2" data-theta="45" data-steps="50" '
                         'data-show="gd" data-start="-4,3" data-noise="0.5" data-gamma="0.5"></div>')
        for name in ("live-figure.js", "adagrad-data.js", "adagrad.js"):
            page.add_script_tag(path=str(book_dir / "_static" / "live-figures" / name))
        first, second = page.locator(ROOT).nth(0), page.locator(ROOT).nth(1)
        values = {n: second.locator(f'input[name="{n}"]').input_value()
                  for n in ("eta", "theta", "steps", "noise", "gamma", "start_x1", "start_x2")}
        assert values == {"eta": "2", "theta": "45", "steps": "50", "noise": "0.5", "gamma": "0.5",
                          "start_x1": "-4", "start_x2": "3"}
        assert second.locator('input[name="show-gd"]').is_checked()
        assert not second.locator('input[name="show-adagrad"]').is_checked()
        before = first.locator('[data-role="final-adagrad"]').text_content()
        assert before == "x1: -2.382563, x2: -0.158591"
        second.locator('input[name="theta"]').fill("10")
        assert first.locator('[data-role="final-adagrad"]').text_content() == before
        page.wait_for_timeout(400)
        assert page.evaluate("location.hash") == ""  # the second explorer leaves the URL alone
        second.locator('[data-role="reset"]').click()
        assert second.locator('input[name="theta"]').input_value() == "45"  # its own starting values
    finally:
        context.close()
    assert not errors


# -- pictures a reader sees (saved under tests/artifacts/) -----------------------------------------


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _share(image: np.ndarray, hex_color: str) -> float:
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(image - rgb).sum(axis=2) < 40).mean())


def test_the_default_picture_shows_gd_and_adagrad_and_no_rmsprop(page, artifacts):
    configure(page)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator(ROOT).screenshot(path=str(artifacts / "explorer-default.png"))
    panel = _pixels(page.locator(f'{ROOT} [data-role="panel-path"]').screenshot())
    assert _share(panel, d2l.COLORS["gd"]) > 0.002 and _share(panel, d2l.COLORS["adagrad"]) > 0.002
    body = panel[60:]  # below the legend
    assert _share(body, d2l.COLORS["rmsprop"]) == 0.0


def test_the_rotated_noisy_picture_shows_all_three_methods(page, artifacts):
    shown = configure(page, theta=45, noise=0.5, steps=40, **{"show-rmsprop": True})
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator(ROOT).screenshot(path=str(artifacts / "explorer-theta45-noise0.5-three-methods.png"))
    panel = _pixels(page.locator(f'{ROOT} [data-role="panel-path"]').screenshot())[60:]
    for m in METHODS:
        assert _share(panel, d2l.COLORS[m]) > 0.001, m
    rates = _pixels(page.locator(f'{ROOT} [data-role="panel-rates"]').screenshot())[60:]
    assert _share(rates, d2l.COLORS["rmsprop"]) > 0.001 and _share(rates, d2l.COLORS["adagrad"]) > 0.001
    assert all("diverging" not in shown[m][3] for m in METHODS)


def test_phone_layout_fits_eta_theta_and_the_trajectories_on_one_screen(browser, server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto(server + PAGE)
        root = page.locator(ROOT)
        root.locator('[data-role="panel-path"]').wait_for()
        page.evaluate("root => document.querySelector(root).scrollIntoView({block: 'start'})", ROOT)
        page.wait_for_timeout(100)
        boxes = {sel: root.locator(sel).bounding_box() for sel in
                 ('[data-role="eta-slider"]', 'input[name="theta"]', '[data-role="panel-path"]', 'input[name="eta"]')}
        for sel, b in boxes.items():
            assert b["y"] >= 0 and b["y"] + b["height"] <= 844 and b["x"] >= 0 and b["x"] + b["width"] <= 390, (sel, b)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        png = page.screenshot(path=str(artifacts / "explorer-phone-390x844.png"))
        image = _pixels(png)
        assert image.shape[:2] == (844 * 2, 390 * 2)
        assert _share(image, d2l.COLORS["gd"]) > 0.001 and _share(image, d2l.COLORS["adagrad"]) > 0.001
    finally:
        context.close()
