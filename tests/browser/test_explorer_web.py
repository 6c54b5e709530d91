"""The web explorer on the built algorithm page, checked against d2lmini.

The DOM contract comes from the issue: a root ``[data-explorer="adagrad"]``,
inputs named ``eta``, ``theta`` and ``steps``, and ``data-role="final-adagrad"``
/ ``"final-gd"`` elements holding ``x1: {x1:f}, x2: {x2:f}``. Setting an input's
value and dispatching an ``input`` event must update everything.
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pytest

import d2lmini as d2l
from d2lmini.explorer import ETA_RANGE, STEPS_RANGE, THETA_RANGE

ROOT = '[data-explorer="adagrad"]'
PAGE = "chapters/algorithm.html"

# Settings for the equality test: the reference run, both ends of every range,
# rotated bowls, and runs where gradient descent diverges (η > 0.5).
SETTINGS = [
    (0.4, 0, 20),
    (2.0, 0, 20),
    (0.4, 45, 20),
    (0.01, 180, 1),
    (0.123, 117, 100),
    (0.49, 30, 100),
    (1.0, 30, 50),
    (3.7, 73, 37),
    (10.0, 90, 100),
]

SET_INPUT = """([selector, value]) => {
    const input = document.querySelector(selector);
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
}"""


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server + PAGE)
    page.locator(ROOT + " svg").first.wait_for()
    page.errors = errors
    yield page
    context.close()
    assert not errors, errors


def set_input(page, name: str, value) -> None:
    page.evaluate(SET_INPUT, [f'{ROOT} input[name="{name}"]', str(value)])


def configure(page, eta, theta, steps, show="both") -> None:
    set_input(page, "eta", eta)
    set_input(page, "theta", theta)
    set_input(page, "steps", steps)
    page.locator(f'{ROOT} input[name="show"][value="{show}"]').check()


def python_run(method: str, eta: float, theta: float, steps: int, capsys):
    """d2lmini's points and printed line for one method."""
    make = d2l.make_adagrad_2d if method == "adagrad" else d2l.make_gd_2d
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d2l.DivergenceWarning)
        points = d2l.train_2d(make(eta), steps, f_grad=d2l.RotatedQuadratic(theta).grad)
    line = capsys.readouterr().out.strip()
    return points[-1], line


def close(js: float, py: float) -> bool:
    """Equal to 1e-9, relative for the astronomically large points of a diverged run."""
    return abs(js - py) <= 1e-9 * max(1.0, abs(py))


@pytest.mark.parametrize("eta, theta, steps", SETTINGS)
def test_final_points_equal_d2lmini(page, eta, theta, steps, capsys):
    configure(page, eta, theta, steps)
    # The script repeats d2lmini's IEEE operations in order, so wherever the
    # browser's cos and sin of θ equal CPython's, the points must agree to the bit.
    f = d2l.RotatedQuadratic(theta)
    same_trig = page.evaluate("t => [Math.cos(t * (Math.PI / 180)), Math.sin(t * (Math.PI / 180))]", theta) == [f.cos, f.sin]
    for method in ("adagrad", "gd"):
        (x1, x2), line = python_run(method, eta, theta, steps, capsys)
        final = page.locator(f'{ROOT} [data-role="final-{method}"]')
        prefix = f"epoch {steps}, "
        assert line.startswith(prefix)
        assert final.text_content() == line[len(prefix):], (method, line)
        js1, js2 = float(final.get_attribute("data-x1")), float(final.get_attribute("data-x2"))
        assert close(js1, x1) and close(js2, x2), (method, (js1, js2), (x1, x2))
        if same_trig:
            assert (js1, js2) == (x1, x2), (method, (js1, js2), (x1, x2))


def test_reference_run_reads_as_in_the_issue(page):
    # The reference page's first run (η = 0.4, 20 steps, θ = 0) ends here.
    configure(page, 0.4, 0, 20)
    assert page.locator(f'{ROOT} [data-role="final-adagrad"]').text_content() == "x1: -2.382563, x2: -0.158591"


@pytest.mark.parametrize(
    "value",
    [0.0078125, -0.0078125, 0.0, -0.0, -1e-9, 2.5e-6, 123.4567895, 1e21, -2.0 ** 70, 1e22, 5e-324, 1.7976931348623157e308],
)
def test_number_format_is_pythons(page, value):
    """Ties (0.0078125 has an exact 7th decimal of 5), signed zeros and huge values print as Python prints them."""
    assert page.evaluate("v => window.AdagradExplorer.formatF(v)", value) == f"{value:f}"


def test_diverging_gd_is_drawn_and_reported(page):
    configure(page, 10.0, 30, 100)
    status = page.locator(f'{ROOT} [data-role="status"]')
    assert "diverged" in status.text_content()
    assert "diverged" in page.locator(f'{ROOT} [data-role="diverged"]').text_content()
    d = page.locator(f'{ROOT} [data-role="path-gd"]').get_attribute("d")
    coords = [float(v) for v in d.replace("M", " ").replace("L", " ").split()]
    assert coords and all(math.isfinite(c) and abs(c) < 1e4 for c in coords), d
    configure(page, 0.4, 30, 100)
    assert status.text_content() == "" and status.is_hidden()


def _panel_png(page, role: str) -> np.ndarray:
    from PIL import Image

    png = page.locator(f'{ROOT} svg[data-role="{role}"]').screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _colored(image: np.ndarray, css_var: str, page) -> np.ndarray:
    color = page.evaluate(
        "name => getComputedStyle(document.querySelector('[data-explorer=\"adagrad\"]')).getPropertyValue(name)", css_var
    ).strip()
    rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
    return np.abs(image - rgb).sum(axis=2) < 60


@pytest.mark.parametrize("control, before, after", [("eta", 0.4, 0.9), ("theta", 0, 40)])
def test_moving_eta_or_theta_visibly_changes_both_paths_and_the_rates(page, control, before, after):
    configure(page, 0.4, 0, 20)
    set_input(page, control, before)
    traj0, rates0 = _panel_png(page, "trajectories"), _panel_png(page, "rates")
    set_input(page, control, after)
    traj1, rates1 = _panel_png(page, "trajectories"), _panel_png(page, "rates")
    for var in ("--ae-ada", "--ae-gd"):
        changed = (_colored(traj0, var, page) != _colored(traj1, var, page)).sum()
        assert changed > 200, f"{control}: the {var} path changed only {changed} pixels"
    changed = (np.abs(rates0 - rates1).sum(axis=2) > 60).sum()
    assert changed > 200, f"{control}: the effective-rate panel changed only {changed} pixels"


def test_every_control_changes_the_picture(page):
    """No dead controls: each input, used the way a reader would, changes what is drawn."""
    configure(page, 0.4, 0, 20)
    explorer = page.locator(ROOT)

    def picture():
        return explorer.locator("svg").first.screenshot() + explorer.locator("svg").nth(1).screenshot()

    actions = {
        "log-scale eta slider": lambda: page.locator(f'{ROOT} input[name="eta-log10"]').fill("0.5"),
        "eta number box": lambda: page.locator(f'{ROOT} input[name="eta"]').fill("0.05"),
        "theta slider": lambda: page.locator(f'{ROOT} input[name="theta"]').fill("150"),
        "steps slider": lambda: page.locator(f'{ROOT} input[name="steps"]').fill("60"),
        "show GD only": lambda: page.locator(f'{ROOT} input[name="show"][value="gd"]').check(),
        "show Adagrad only": lambda: page.locator(f'{ROOT} input[name="show"][value="adagrad"]').check(),
        "show both": lambda: page.locator(f'{ROOT} input[name="show"][value="both"]').check(),
    }
    for name, act in actions.items():
        before = picture()
        act()
        assert picture() != before, f"{name} changed nothing"


def test_the_log_slider_and_the_number_box_agree(page):
    configure(page, 0.4, 0, 20)
    page.locator(f'{ROOT} input[name="eta-log10"]').fill("0.3")  # 10^0.3 = 1.995...
    assert page.locator(f'{ROOT} input[name="eta"]').input_value() == "2"
    set_input(page, "eta", 0.01)
    assert float(page.locator(f'{ROOT} input[name="eta-log10"]').input_value()) == -2


def test_keyboard_operates_every_control_and_values_are_visible(page):
    configure(page, 0.4, 0, 20)
    theta_out = page.locator(f'{ROOT} output[for$="-theta"]')
    steps_out = page.locator(f'{ROOT} output[for$="-steps"]')
    assert theta_out.text_content() == "0°" and steps_out.text_content() == "20"
    final = page.locator(f'{ROOT} [data-role="final-adagrad"]')

    before = final.text_content()
    page.locator(f'{ROOT} input[name="theta"]').focus()
    page.keyboard.press("ArrowRight")
    assert theta_out.text_content() == "1°" and final.text_content() != before

    page.keyboard.press("Tab")  # on to the steps slider
    assert page.evaluate("document.activeElement.name") == "steps"
    page.keyboard.press("ArrowLeft")
    assert steps_out.text_content() == "19"

    page.locator(f'{ROOT} input[name="eta-log10"]').focus()
    page.keyboard.press("End")
    assert page.locator(f'{ROOT} input[name="eta"]').input_value() == "10"

    radio = page.locator(f'{ROOT} input[name="show"][value="both"]')
    radio.focus()
    page.keyboard.press("ArrowRight")
    assert page.locator(f'{ROOT} input[name="show"][value="gd"]').is_checked()
    assert page.locator(f'{ROOT} [data-role="final-adagrad"]').is_hidden()


def test_every_control_has_a_label(page):
    names = page.evaluate(
        """root => Array.from(document.querySelectorAll(root + ' input')).map(i =>
            [i.name, Array.from(i.labels).map(l => l.textContent.trim()).join(' ') || i.getAttribute('aria-label') || ''])""",
        ROOT,
    )
    assert {n for n, _ in names} == {"eta", "eta-log10", "theta", "steps", "show"}
    assert all(label for _, label in names), names
    for svg in page.locator(f"{ROOT} svg").all():
        assert svg.get_attribute("role") == "img" and svg.locator("title").text_content()


def test_input_ranges_match_the_notebook_explorer(page):
    def attrs(name):
        return page.evaluate(
            "sel => { const i = document.querySelector(sel); return [i.min, i.max]; }", f'{ROOT} input[name="{name}"]'
        )

    assert [float(v) for v in attrs("eta")] == list(ETA_RANGE)
    assert [10 ** float(v) for v in attrs("eta-log10")] == pytest.approx(list(ETA_RANGE))
    assert [float(v) for v in attrs("theta")] == list(THETA_RANGE)
    assert [int(v) for v in attrs("steps")] == list(STEPS_RANGE)


def test_a_bad_eta_is_flagged_and_changes_nothing(page):
    configure(page, 0.4, 0, 20)
    final = page.locator(f'{ROOT} [data-role="final-adagrad"]')
    before = final.text_content()
    for bad in ("", "50", "0"):
        set_input(page, "eta", bad)
        assert page.locator(f'{ROOT} input[name="eta"]').get_attribute("aria-invalid") == "true"
        assert final.text_content() == before
    set_input(page, "eta", "0.4")
    assert page.locator(f'{ROOT} input[name="eta"]').get_attribute("aria-invalid") is None


def test_the_script_is_inert_on_pages_without_the_explorer(browser, server, book_dir):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server + "index.html")
        # Jupyter Book loads the script on every page; here it must find nothing to do.
        assert page.locator('script[src*="adagrad-explorer.js"]').count() == 1
        assert page.evaluate("typeof window.AdagradExplorer") == "object"
        assert page.locator("[data-explorer], .adagrad-explorer, [data-ready]").count() == 0
    finally:
        context.close()
    assert not errors


def test_container_attributes_set_the_start_and_explorers_are_independent(browser, book_dir):
    """Two explorers on one page (e.g. an exercise's), one with its own starting values."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.set_content('<div data-explorer="adagrad"></div>'
                         '<div data-explorer="adagrad" data-eta="2" data-theta="45" data-steps="50" data-show="gd"></div>')
        page.add_script_tag(path=str(book_dir / "_static" / "adagrad-explorer.js"))
        first, second = page.locator(ROOT).nth(0), page.locator(ROOT).nth(1)
        assert second.locator('input[name="eta"]').input_value() == "2"
        assert second.locator('input[name="theta"]').input_value() == "45"
        assert second.locator('input[name="steps"]').input_value() == "50"
        assert second.locator('input[name="show"][value="gd"]').is_checked()
        assert second.locator('[data-role="final-adagrad"]').is_hidden()
        before = first.locator('[data-role="final-adagrad"]').text_content()
        assert before == "x1: -2.382563, x2: -0.158591"
        second.locator('input[name="theta"]').fill("10")
        assert first.locator('[data-role="final-adagrad"]').text_content() == before
        assert first.locator('input[name="show"][value="both"]').is_checked()
    finally:
        context.close()
    assert not errors


SHOTS = [
    ("reference", 0.4, 0, 20, "both"),
    ("rotated-45", 0.4, 45, 40, "both"),
    ("large-eta-gd-diverges", 2.0, 30, 60, "both"),
    ("eta-10-adagrad-only", 10.0, 120, 100, "adagrad"),
]


@pytest.mark.parametrize("name, eta, theta, steps, show", SHOTS)
def test_screenshots(page, artifacts, name, eta, theta, steps, show):
    configure(page, eta, theta, steps, show)
    path = artifacts / f"explorer-{name}.png"
    page.locator(ROOT).screenshot(path=str(path))
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("steps, expected", [(1, ["1"]), (2, ["1", "2"]), (20, ["5", "10", "15", "20"])])
def test_rate_panel_labels_whole_steps_even_for_one_or_two_steps(page, steps, expected):
    configure(page, 0.4, 0, steps)
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-explorer="adagrad"] svg.ae-rates .ae-axes text'))
                 .filter(t => t.style.display !== 'none' && t.getAttribute('text-anchor') === 'middle'
                              && !t.classList.contains('ae-label'))
                 .map(t => t.textContent)"""
    )
    assert labels == expected


@pytest.mark.parametrize("eta, theta, show", [(0.4, 0, "adagrad"), (0.01, 45, "both")])
def test_one_step_draws_each_rate_as_a_visible_marker(page, eta, theta, show):
    """With one step each coordinate has one rate: it must show (a lone line point draws nothing)."""
    configure(page, eta, theta, 1, show)
    svg = page.locator(f'{ROOT} svg[data-role="rates"]')
    image = _panel_png(page, "rates")
    blue = _colored(image, "--ae-ada", page)
    panel = svg.bounding_box()
    for role in ("rate-x1", "rate-x2"):
        marker = svg.locator(f'[data-role="{role}"]')
        box = marker.evaluate("p => { const b = p.getBBox(); return [b.width, b.height]; }")
        assert min(box) >= 6, (role, box)  # a marker, not a degenerate path
        # the screenshot has Adagrad's colour where the marker is
        b = marker.bounding_box()
        x0, y0 = int(b["x"] - panel["x"]), int(b["y"] - panel["y"])
        inside = blue[y0:y0 + int(math.ceil(b["height"])) + 1, x0:x0 + int(math.ceil(b["width"])) + 1].sum()
        assert inside >= 10, (role, inside)


# The rate panel's longest tick labels come with its smallest rates (η = 0.01:
# down to 5e−5 at θ = 101°) and its largest (η = 10, one step, θ = 23°: about 1650).
TITLE_SETTINGS = [(0.01, 0, 100), (0.01, 101, 100), (0.01, 0, 1), (10.0, 0, 100), (10.0, 23, 1)]


@pytest.mark.parametrize("eta, theta, steps", TITLE_SETTINGS)
def test_axis_titles_clear_the_tick_labels(page, eta, theta, steps):
    configure(page, eta, theta, steps)
    overlaps = page.evaluate(
        """root => {
            const boxes = [];
            for (const svg of document.querySelectorAll(root + ' svg')) {
                const own = svg.getBoundingClientRect();
                const title = Array.from(svg.querySelectorAll('.ae-axes text.ae-label'))
                    .find(t => t.hasAttribute('transform')).getBoundingClientRect();
                if (title.left < own.left - 1) boxes.push(['title cut off', svg.dataset.role, title.left, own.left]);
                for (const t of svg.querySelectorAll('.ae-axes text:not(.ae-label)')) {
                    if (t.style.display === 'none') continue;
                    const b = t.getBoundingClientRect();
                    if (b.left < title.right && title.left < b.right && b.top < title.bottom && title.top < b.bottom)
                        boxes.push([svg.dataset.role, t.textContent, b.left, title.right]);
                    if (b.left < own.left) boxes.push(['label cut off', svg.dataset.role, t.textContent]);
                }
            }
            return boxes;
        }""",
        ROOT,
    )
    assert not overlaps, overlaps


def test_the_eta_box_is_named_learning_rate(page):
    explorer = page.locator(ROOT)
    box = explorer.get_by_role("spinbutton", name="learning rate η", exact=True)
    assert box.count() == 1 and box.get_attribute("name") == "eta"
    # what a sighted reader sees beside the box stays short: "η ="
    label = explorer.locator(f'label[for="{box.get_attribute("id")}"]')
    hidden = label.locator(".ae-visually-hidden")
    assert hidden.text_content().strip() == "learning rate"
    size = hidden.bounding_box()
    assert size["width"] <= 1 and size["height"] <= 1
    assert label.evaluate("l => { const c = l.cloneNode(true); c.querySelector('.ae-visually-hidden').remove(); "
                          "return c.textContent.trim(); }") == "η ="
