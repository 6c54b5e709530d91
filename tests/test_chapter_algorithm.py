"""The algorithm chapter's claims, checked against d2lmini.

The chapter (``chapters/algorithm.ipynb``) quotes numbers through glue and
states facts about Adagrad on the bowl f(x) = 0.1 x1² + 2 x2². These tests
recompute each glued number with d2lmini's own step rules, independently of
the chapter's code, and check the facts the prose states in words: the step
budget, the bound on every step, what the explorer's suggested settings show.
"""

from __future__ import annotations

import math
import re
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pytest

import d2lmini as d2l
from d2lmini.glue import GLUE_PREFIX

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "algorithm.ipynb"
START = (-5.0, -2.0)
TABLE_SEEDS = range(6)
"""The explorer's noise table is seed 0; seeds 1 to 5 are the "five other tables"."""


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def glued(notebook):
    """Every value the notebook glues, by name, as stored with its outputs."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                values[name] = float(output["data"][GLUE_PREFIX + "text/plain"])
    return values


def run(make, eta=0.4, theta=0.0, steps=20, noise=0.0, table_seed=0):
    """States of one d2lmini step rule from (-5, -2); step t adds noise times row t - 1."""
    table = np.random.default_rng(table_seed).standard_normal((max(steps, 100), 2))
    grad = d2l.RotatedQuadratic(theta).grad
    rows = iter(noise * table)

    def noisy_grad(x1, x2):
        g1, g2 = grad(x1, x2)
        z1, z2 = next(rows)
        return g1 + z1, g2 + z2

    return d2l.trajectory_2d(make(eta), steps, noisy_grad, warn=False)


def adagrad(eta=0.4, **kwargs):
    return run(d2l.make_adagrad_2d, eta, **kwargs)


def f(theta, point):
    return d2l.RotatedQuadratic(theta)(*point[:2])


def mean_late_step(states, last=20):
    return np.hypot(*np.diff(states[-last - 1:, :2], axis=0).T).mean()


def late_slopes(values):
    t = np.arange(1, len(values) + 1)
    late = t > len(t) // 2
    return np.polyfit(np.log(t[late]), np.log(values[late]), 1)[0]


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-12)


# -- the chapter's code --------------------------------------------------------------


def chapter_adagrad_2d(notebook):
    """The chapter's ``adagrad_2d``, from the code cell that defines it."""
    (source,) = [c.source for c in notebook.cells if c.cell_type == "code" and "def adagrad_2d(" in c.source]
    namespace = {"math": math}
    exec(source, namespace)
    return namespace["adagrad_2d"]


@pytest.mark.parametrize("eta", [0.4, 2.0, 0.05, 4.9])
def test_the_chapters_step_is_d2lminis_adagrad_to_the_last_bit(notebook, eta, capsys):
    mine = d2l.train_2d(partial(chapter_adagrad_2d(notebook), eta=eta))
    library = d2l.train_2d(d2l.make_adagrad_2d(eta=eta), f_grad=d2l.RotatedQuadratic(theta=0).grad)
    assert mine == library
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == lines[1]


def test_the_explorer_is_on_the_page_with_its_notebook_twin(notebook):
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert '<div data-explorer="adagrad"></div>' in markdown
    twins = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("d2l.widgets.explore()")]
    assert len(twins) == 1
    assert "remove-output" in twins[0].metadata.get("tags", [])


# -- glue: every quoted number is stored, and is what d2lmini computes ---------------

GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")


def test_every_number_the_prose_quotes_is_glued_and_every_glued_value_is_quoted(notebook, glued):
    quoted = {m.group(1) for c in notebook.cells if c.cell_type == "markdown" for m in GLUE_ROLE.finditer(c.source)}
    assert quoted, "the chapter quotes no glued value"
    assert not quoted - glued.keys(), f"quoted but never glued: {sorted(quoted - glued.keys())}"
    assert not glued.keys() - quoted, f"glued but never quoted: {sorted(glued.keys() - quoted)}"


def test_the_glued_runs_at_eta_04_and_2(glued):
    low, high = adagrad(0.4), adagrad(2.0)
    assert glued["x1_end_04"] == approx(low[-1, 0])
    assert glued["x2_step1_2"] == approx(abs(high[1, 1]))
    assert glued["dist_end_2"] == approx(math.hypot(*high[-1, :2]))
    assert glued["dist_end_2"] < 0.003  # "ends 0.0023 from the minimum"
    low_rates = 0.4 / np.sqrt(low[1:, 2] + 1e-6)
    assert glued["rate_04_t5"] == approx(low_rates[4])
    assert glued["rate_04_t20"] == approx(low_rates[19])
    assert glued["sqrt_law_t5"] == approx(0.4 / math.sqrt(5))
    assert glued["sqrt_law_t20"] == approx(0.4 / math.sqrt(20))
    assert glued["rate_2_t20"] == approx(2.0 / math.sqrt(high[20, 2] + 1e-6))


def test_the_glued_step_budget_and_its_sqrt_bound(glued):
    for eta, name in ((0.4, "04"), (2.0, "2")):
        x1 = adagrad(eta)[:, 0]
        factors = x1[1:] / x1[:-1]
        assert glued[f"budget_{name}"] == approx(eta * sum(t**-0.5 for t in range(1, 21)))
        assert glued[f"moved_{name}"] == approx(x1[-1] - x1[0])
        assert glued[f"factor_min_{name}"] == approx(factors.min())
        assert glued[f"factor_max_{name}"] == approx(factors.max())
    assert glued["sqrt_bound_04"] == approx(2 * 0.4 * math.sqrt(20))
    assert glued["steps_bound_to_5"] == approx((5 / (2 * 0.4)) ** 2)
    budgets = [0.4 * sum(t**-0.5 for t in range(1, n + 1)) for n in range(1, 100)]
    assert glued["budget_steps_to_5"] == next(n for n, b in enumerate(budgets, 1) if b >= 5)


def test_the_glued_explorer_settings(glued):
    gd = partial(run, d2l.make_gd_2d)
    rmsprop = partial(run, d2l.make_rmsprop_2d)
    assert glued["adagrad_90_shift"] == approx(np.abs(adagrad(theta=90)[-1, :2] - adagrad()[-1, :2]).max())
    assert glued["gd_90_shift"] == approx(np.abs(gd(theta=90)[-1, :2] - gd()[-1, :2]).max())
    assert glued["adagrad_f_0"] == approx(f(0, adagrad()[-1]))
    assert glued["adagrad_f_45"] == approx(f(45, adagrad(theta=45)[-1]))
    x2_steps = np.abs(np.diff(adagrad(2.0, theta=45, steps=6)[:, 1]))
    assert glued["x2_step3_45"] == approx(x2_steps[2])
    assert glued["x2_step4_45"] == approx(x2_steps[3])
    assert glued["gd_x2_06"] == approx(gd(0.6)[-1, 1])
    long_rmsprop = rmsprop(steps=100)
    assert glued["rmsprop_f_20"] == approx(f(0, long_rmsprop[20]))
    assert glued["rmsprop_f_100"] == approx(f(0, long_rmsprop[100]))
    assert glued["rmsprop_late_step"] == approx(mean_late_step(long_rmsprop))
    for name, method in (("gd", gd), ("adagrad", adagrad), ("rmsprop", rmsprop)):
        assert glued[f"late_step_{name}"] == approx(mean_late_step(method(steps=100, noise=1.0)))


def noisy_sums(seed, steps=20_000):
    """s_t of Adagrad (η = 0.4) with N(0, 1) added to each gradient, drawn two at a time from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    grad = d2l.RotatedQuadratic(0).grad

    def noisy_grad(x1, x2):
        g1, g2 = grad(x1, x2)
        z1, z2 = rng.standard_normal(2)
        return g1 + z1, g2 + z2

    return d2l.trajectory_2d(d2l.make_adagrad_2d(0.4), steps, noisy_grad)[1:, 2:]


def test_the_glued_noisy_slopes(glued):
    sums = noisy_sums(0)
    slopes = late_slopes(sums)
    rate_slopes = late_slopes(0.4 / np.sqrt(sums + 1e-6))
    for i in (0, 1):
        assert glued[f"noisy_slope_s{i + 1}"] == pytest.approx(slopes[i], rel=1e-9)
        assert glued[f"noisy_slope_r{i + 1}"] == pytest.approx(rate_slopes[i], rel=1e-9)
        assert glued[f"noisy_ratio_{i + 1}"] == pytest.approx(sums[-1, i] / len(sums), rel=1e-9)
    others = np.array([late_slopes(noisy_sums(seed)) for seed in range(1, 6)])
    assert glued["noisy_seeds_min"] == pytest.approx(others.min(), rel=1e-9)
    assert glued["noisy_seeds_max"] == pytest.approx(others.max(), rel=1e-9)


# -- facts the prose states in words -------------------------------------------------


def test_noisy_slopes_are_within_a_few_percent_of_linear_growth(glued):
    names = ["noisy_slope_s1", "noisy_slope_s2", "noisy_seeds_min", "noisy_seeds_max"]
    assert all(abs(glued[name] - 1) < 0.05 for name in names)
    assert all(abs(glued[f"noisy_slope_r{i}"] + 0.5) < 0.025 for i in (1, 2))
    assert all(abs(glued[f"noisy_ratio_{i}"] - 1) < 0.05 for i in (1, 2))  # the noise variance


@pytest.mark.parametrize("eta", [0.01, 0.4, 1.0, 2.0, 4.99])
def test_x1_keeps_its_sign_and_its_t_th_step_is_at_most_eta_over_sqrt_t(eta):
    x1 = adagrad(eta, steps=100)[:, 0]
    assert (x1 < 0).all()
    t = np.arange(1, 101)
    assert (np.abs(np.diff(x1)) <= eta / np.sqrt(t)).all()
    assert x1[-1] - x1[0] <= eta * np.sum(1 / np.sqrt(t)) < 2 * eta * math.sqrt(100)


def test_twenty_steps_at_eta_04_cannot_reach_the_minimum_but_eta_2_can(glued):
    assert glued["moved_04"] <= glued["budget_04"] < 5 < glued["budget_2"]
    assert glued["budget_04"] < glued["sqrt_bound_04"]
    assert abs(glued["x1_end_04"]) > 2  # "only about halfway"


@pytest.mark.parametrize("theta", [0, 30, 45, 90, 135])
@pytest.mark.parametrize("noise", [0.0, 1.0])
def test_no_adagrad_step_is_longer_than_eta_in_any_coordinate(theta, noise):
    for eta in (0.01, 0.4, 2.0, 10.0):
        states = adagrad(eta, theta=theta, steps=100, noise=noise)
        assert (np.abs(np.diff(states[:, :2], axis=0)) <= eta).all()


def test_the_first_step_has_length_eta_in_every_coordinate():
    for eta in (0.4, 2.0):
        first = np.abs(adagrad(eta, steps=1)[1, :2] - START)
        assert first == pytest.approx([eta, eta], rel=1e-6)


def test_gradient_descent_diverges_beyond_eta_05_only():
    gd = partial(run, d2l.make_gd_2d, steps=100)
    for eta in (0.4, 0.45, 0.5):
        assert np.abs(gd(eta)[-1, :2]).max() <= 2
    for eta in (0.55, 0.6):
        assert abs(gd(eta)[-1, 1]) > 1000


def test_at_90_degrees_adagrads_path_is_unchanged_and_gd_moves():
    for eta in (0.4, 2.0):
        assert np.abs(adagrad(eta, theta=90)[:, :2] - adagrad(eta)[:, :2]).max() < 1e-5
    gd = partial(run, d2l.make_gd_2d)
    assert np.abs(gd(theta=90)[-1, :2] - gd()[-1, :2]).max() > 0.5


def test_at_45_degrees_adagrad_ends_farther_from_the_minimum():
    assert np.hypot(*adagrad(theta=45)[-1, :2]) > np.hypot(*adagrad()[-1, :2])


def test_rmsprop_nears_the_minimum_fast_then_keeps_hopping():
    states = run(d2l.make_rmsprop_2d, steps=100)
    assert f(0, states[20]) < 1e-3
    assert f(0, states[100]) > 10 * f(0, states[20])
    assert mean_late_step(states) > 0.25  # steps of about η/2 and more, still


@pytest.mark.parametrize("table_seed", TABLE_SEEDS)
def test_with_noise_late_steps_order_gd_then_rmsprop_then_adagrad(table_seed):
    late = {name: mean_late_step(run(make, steps=100, noise=1.0, table_seed=table_seed))
            for name, make in (("gd", d2l.make_gd_2d), ("rmsprop", d2l.make_rmsprop_2d),
                               ("adagrad", d2l.make_adagrad_2d))}
    assert late["gd"] > late["rmsprop"] > 5 * late["adagrad"]
