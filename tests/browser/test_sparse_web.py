"""The sparse-features figure on the built sparse-features page, checked against d2lmini.

The DOM contract comes from the issue: a root ``[data-explorer="sparse"]``;
inputs named ``exponent``, ``background`` and ``noise``;
``error-rare-global``, ``error-rare-clock`` and ``error-rare-adagrad`` showing
the rare bucket's mean error with it in ``data-value``. The figure steps
between precomputed runs: the page must show the precomputed table exactly,
and the table must be d2lmini's runs.

The tests share one page; settings are batched into single ``page.evaluate`` calls.
"""

from __future__ import annotations

import inspect

import pytest

from d2lmini import sparse
from d2lmini import sparse_grid as grid

ROOT = '[data-explorer="sparse"]'
PAGE = "chapters/sparse-features.html"
BUCKETS = ("rare", "medium", "common")

CONFIGURE = """([root, settings]) => {
    const r = document.querySelector(root);
    const set = (name, value) => {
        const input = r.querySelector(`input[name="${name}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    return settings.map(s => {
        for (const [name, value] of Object.entries(s)) set(name, value);
        const out = {inputs: ["exponent", "background", "noise"].map(n => r.querySelector(`input[name="${n}"]`).value)};
        for (const m of ["global", "clock", "adagrad"]) {
            out[m] = {eta0: r.querySelector(`[data-role="eta0-${m}"]`).dataset.value};
            for (const b of ["rare", "medium", "common"]) {
                const e = r.querySelector(`[data-role="error-${b}-${m}"]`);
                out[m][b] = [e.textContent, e.dataset.value];
            }
        }
        return out;
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
    page.locator(ROOT + ' [data-role="error-rare-global"]').wait_for(state="attached")
    yield page
    context.close()
    assert not errors, errors


def configure(page, **inputs):
    return page.evaluate(CONFIGURE, [ROOT, [dict(grid.DEFAULTS) | inputs]])[0]


# The chapter's settings (small values, the most noise) and some corners; the first experiment is the next test's.
SETTINGS = [(1.2, 0.01, 0.1), (1.2, 0.0, 1.0), (1.0, 0.0, 0.0), (1.8, 0.1, 0.5), (1.4, 0.003, 0.25)]


def test_the_page_shows_d2lminis_runs_exactly(page):
    shown = page.evaluate(CONFIGURE, [ROOT, [dict(zip(grid.KNOBS, s)) for s in SETTINGS]])
    for setting, s in zip(SETTINGS, shown):
        result = sparse.run_experiment(seed=0, alpha=setting[0], background=setting[1], noise=setting[2])
        means = result.bucket_means()
        assert [float(v) for v in s["inputs"]] == list(setting)
        for m in sparse.METHODS:
            assert float(s[m]["eta0"]) == result.eta0[m], (setting, m)
            for b in BUCKETS:
                text, value = s[m][b]
                assert float(value) == means[m][b], (setting, m, b)  # the same float, to the last bit
                assert text == f"{means[m][b]:.4f}", (setting, m, b)


def test_the_chapters_first_experiment_is_the_default(page):
    shown = configure(page)
    chapter = sparse.run_experiment(seed=0).bucket_means()
    for m in sparse.METHODS:
        assert float(page.locator(f'{ROOT} [data-role="error-rare-{m}"]').get_attribute("data-value")) == chapter[m]["rare"]
        assert shown[m]["rare"][0] == f"{chapter[m]['rare']:.4f}"


def test_every_grid_point_on_the_page_is_the_precomputed_table(page):
    """All 150 settings: what the page prints and carries is the table's, digit for digit."""
    mismatches = page.evaluate("""root => {
        const r = document.querySelector(root), C = window.LiveFigureData.sparse, bad = [];
        const set = (name, value) => { const i = r.querySelector(`input[name="${name}"]`);
            i.value = String(value); i.dispatchEvent(new Event("input", {bubbles: true})); };
        C.EXPONENTS.forEach((a, i) => C.BACKGROUNDS.forEach((b, j) => C.NOISES.forEach((s, k) => {
            set("exponent", a); set("background", b); set("noise", s);
            const p = C.POINTS[i][j][k];
            for (const m of C.METHODS) {
                if (Number(r.querySelector(`[data-role="eta0-${m}"]`).dataset.value) !== p.eta0[m]) bad.push([a, b, s, m, "eta0"]);
                for (const q of C.BUCKETS) {
                    const v = r.querySelector(`[data-role="error-${q}-${m}"]`).dataset.value;
                    if (Number(v) !== p.buckets[m][q]) bad.push([a, b, s, m, q, v, p.buckets[m][q]]);
                }
            }
        })));
        return bad; }""", ROOT)
    assert mismatches == []
    table = page.evaluate("() => [window.LiveFigureData.sparse.HASH, window.LiveFigureData.sparse.GRID_SIZE]")
    assert table == [grid.content_hash(), 150]  # computed by this code, on this grid


def test_the_clocks_collapse_onto_the_shared_schedule_once_absent_means_small(page):
    sparse_stream, small = page.evaluate(CONFIGURE, [ROOT, [dict(grid.DEFAULTS), {"background": 0.01}]])
    assert sparse_stream["clock"]["rare"][1] != sparse_stream["global"]["rare"][1]
    assert small["clock"]["rare"] == small["global"]["rare"]
    assert float(small["adagrad"]["rare"][1]) < float(small["clock"]["rare"][1])


def test_the_dom_contract_and_the_statement_that_runs_are_precomputed(page):
    root = page.locator(ROOT)
    for name in ("exponent", "background", "noise"):
        assert root.locator(f'input[name="{name}"]').count() == 1
        assert root.locator(f'input[name="{name}_slider"]').get_attribute("type") == "range"
    for m in sparse.METHODS:
        assert root.locator(f'[data-role="error-rare-{m}"]').count() == 1
    text = root.inner_text()
    assert "moves between precomputed runs" in text and f"{grid.GRID_SIZE} runs" in text
    n = inspect.signature(sparse.run_experiment).parameters["n"].default  # the chapter's stream length
    assert f"(seed {grid.SEED}, {n:,} examples," in text


def test_every_input_changes_the_picture(page):
    configure(page)
    picture = """root => Array.from(document.querySelectorAll(root + ' svg path')).map(p => p.getAttribute('d')).join('|')"""
    for name, value in (("exponent", 1.6), ("background", 0.03), ("noise", 1.0), ("exponent_slider", 0),
                        ("background_slider", 1), ("noise_slider", 0)):
        before = page.evaluate(picture, ROOT)
        page.evaluate(CONFIGURE, [ROOT, [{name: value}]])
        assert page.evaluate(picture, ROOT) != before, f"{name} changed nothing"


def test_the_sliders_step_through_the_grid_by_keyboard(page):
    configure(page)
    box = page.locator(f'{ROOT} input[name="background"]')
    slider = page.locator(f'{ROOT} input[name="background_slider"]')
    slider.focus()
    seen = []
    for _ in grid.BACKGROUNDS[1:]:
        page.keyboard.press("ArrowRight")
        seen.append(float(box.input_value()))
    assert seen == list(grid.BACKGROUNDS[1:])
    assert slider.get_attribute("aria-valuetext") == "b = 0.1"
    box.focus()
    page.keyboard.press("ArrowDown")
    assert box.input_value() == "0.03"
    noise = page.locator(f'{ROOT} input[name="noise_slider"]')
    noise.focus()
    page.keyboard.press("Home")
    assert page.locator(f'{ROOT} input[name="noise"]').input_value() == "0"
    expected = page.evaluate("() => window.LiveFigureData.sparse.POINTS[1][4][0].buckets.adagrad.rare")
    assert grid.points()[1 * 30 + 4 * 5] == (1.2, 0.03, 0.0)
    assert float(page.locator(f'{ROOT} [data-role="error-rare-adagrad"]').get_attribute("data-value")) == expected


def test_a_value_off_the_grid_is_flagged_and_changes_nothing(page):
    before = configure(page)
    for name, bad in (("background", "0.02"), ("exponent", "1.3"), ("noise", ""), ("noise", "abc")):
        after = page.evaluate(CONFIGURE, [ROOT, [{name: bad}]])[0]
        box = page.locator(f'{ROOT} input[name="{name}"]')
        assert box.get_attribute("aria-invalid") == "true", name
        hint = page.locator(f'{ROOT} #' + box.get_attribute("aria-describedby")).text_content()
        assert "must be one of" in hint, hint
        assert {k: v for k, v in after.items() if k != "inputs"} == {k: v for k, v in before.items() if k != "inputs"}
        configure(page)
        assert box.get_attribute("aria-invalid") is None
    hint = page.evaluate(CONFIGURE, [ROOT, [{"background": "0.02"}]]) and page.locator(
        f'{ROOT} #' + page.locator(f'{ROOT} input[name="background"]').get_attribute("aria-describedby")).text_content()
    assert "0, 0.001, 0.003, 0.01, 0.03, 0.1" in hint
    configure(page)


def test_every_control_has_a_label(page):
    names = page.evaluate("""root => Array.from(document.querySelectorAll(root + ' input, ' + root + ' button')).map(i =>
        [i.name || i.textContent, Array.from(i.labels || []).map(l => l.textContent.trim()).join(' ')
         || i.getAttribute('aria-label') || i.textContent.trim()])""", ROOT)
    assert {n for n, _ in names} == {"exponent", "background", "noise", "exponent_slider", "background_slider",
                                     "noise_slider", "Reset"}
    assert all(label for _, label in names), names


def test_the_url_hash_holds_the_setting(page):
    configure(page, background=0.01, noise=0.5)
    page.wait_for_function("() => location.hash === '#exponent=1.2&background=0.01&noise=0.5'", timeout=5000)


@pytest.mark.parametrize("background", [0.0, 0.01])
def test_screenshots_at_two_settings(page, artifacts, background):
    configure(page, background=background)
    page.locator(ROOT).screenshot(path=str(artifacts / f"sparse-background{background:g}.png"))
    drawn = page.evaluate("""([root, j]) => {
        const C = window.LiveFigureData.sparse, p = C.POINTS[1][j][1], r = document.querySelector(root);
        const marks = sel => (r.querySelector(sel).getAttribute('d').match(/M/g) || []).length;
        return C.METHODS.map(m => [marks(`[data-role='dots-${m}']`), marks(`.lf-low.lf-${m}`),
            p.log_errors[m].filter((q, i) => C.COUNTS[1][i] > 0 && q < C.LOG_SCALE * Math.log10(C.ERROR_VIEW[0])).length]); }""",
        [ROOT, grid.BACKGROUNDS.index(background)])
    seen = int((sparse.make_sparse_data(seed=0).counts > 0).sum())
    for dots, triangles, below in drawn:  # every feature that occurs is drawn, as a dot or (below the view) a triangle
        assert triangles == below and dots + triangles == seen, drawn
