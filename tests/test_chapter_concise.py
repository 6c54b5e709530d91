"""The facts that chapters/concise.ipynb states, checked on its own code.

As in test_chapter_scratch.py, the chapter's definitions are taken from its
code cells and run on the real airfoil data.
"""

import math

import numpy as np
import pytest
from test_chapter_scratch import REPO, airfoil, page_definitions, quietly  # noqa: F401 (airfoil is a fixture)

import d2lmini as d2l

NOTEBOOK = REPO / "chapters" / "concise.ipynb"
SCRATCH = REPO / "chapters" / "from-scratch.ipynb"
SCALES = (1.0, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12)


@pytest.fixture(scope="module")
def page(airfoil):  # noqa: F811
    namespace = page_definitions(NOTEBOOK)
    namespace["data_iter"], namespace["feature_dim"] = airfoil, airfoil.features.shape[1]  # globals of scaled_runs
    return namespace


@pytest.fixture(scope="module")
def scale_table(page):
    return {c: page["scaled_runs"](c) for c in SCALES}


def scratch_curve(page, airfoil, num_epochs=2, grad_scale=1.0):  # noqa: F811
    """Loss curve of the page's from-scratch adagrad, optionally on grad_scale · loss."""
    dim = airfoil.features.shape[1]

    def trainer(params, grads, states, hyperparams):
        page["adagrad"](params, [grad_scale * g for g in grads], states, hyperparams)

    return quietly(d2l.train_ch11, trainer, page["init_adagrad_states"](dim), {"lr": 0.1}, airfoil, dim,
                   num_epochs=num_epochs, plot=False)[1]


# --- training with the library optimizer -------------------------------------------------------


def test_the_library_run_prints_the_from_scratch_loss_and_the_references(airfoil):  # noqa: F811
    _, library = quietly(d2l.train_concise_ch11, d2l.optim.Adagrad, {"lr": 0.1}, airfoil, plot=False)
    scratch_page = page_definitions(SCRATCH)
    dim = airfoil.features.shape[1]
    _, scratch = quietly(d2l.train_ch11, scratch_page["adagrad"], scratch_page["init_adagrad_states"](dim),
                         {"lr": 0.1}, airfoil, dim, plot=False)
    assert f"{library[-1]:.3f}" == f"{scratch[-1]:.3f}" == "0.242"  # d2l's PyTorch run reports 0.242


def test_the_page_repeats_the_from_scratch_step_exactly(page, airfoil):  # noqa: F811
    scratch_page = page_definitions(SCRATCH)
    assert page["EPS_INSIDE"] == scratch_page["EPS"]
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=(5, 1)) * 10.0 ** rng.integers(-8, 2, size=(5, 1)) for _ in range(20)]
    ours, theirs = np.zeros((5, 1)), np.zeros((5, 1))
    s_ours, s_theirs = np.zeros((5, 1)), np.zeros((5, 1))
    for g in grads:
        page["adagrad"]([ours], [g], [s_ours], {"lr": 0.1})
        scratch_page["adagrad"]([theirs], [g], [s_theirs], {"lr": 0.1})
    assert np.array_equal(ours, theirs) and np.array_equal(s_ours, s_theirs)


# --- inside or outside the square root ---------------------------------------------------------


def test_eps_inside_the_root_acts_like_its_root_outside_within_sqrt2():
    eps = 1e-6
    s = np.concatenate([np.logspace(-14, 4, 2001), [0.0, eps]])
    ratio = (np.sqrt(s) + np.sqrt(eps)) / np.sqrt(s + eps)
    assert ratio.min() >= 1 - 1e-15 and ratio.max() <= math.sqrt(2) * (1 + 1e-15)
    assert ratio[-1] == pytest.approx(math.sqrt(2), rel=1e-15)  # the bound is reached at s = eps
    assert ratio[-2] == pytest.approx(1.0, rel=1e-15) and ratio[-3] == pytest.approx(1.0, rel=1e-4)


def test_the_first_step_by_gradient_size(page):
    grads = np.array([1.0, 1e-3, 1e-10, 0.0])
    scratch, library = page["first_steps"](grads)
    assert scratch[0] == pytest.approx(1.0, rel=1e-6) and library[0] == pytest.approx(1.0, rel=1e-9)
    assert scratch[1] == pytest.approx(1 / math.sqrt(2), rel=1e-12)  # g = √ε
    assert library[1] == pytest.approx(1.0, rel=1e-6)
    assert library[2] == pytest.approx(0.5, rel=1e-12)  # g = ε
    assert scratch[2] == pytest.approx(1e-7, rel=1e-6)
    assert scratch[3] == library[3] == 0.0


# --- scaling the loss --------------------------------------------------------------------------


def test_scaling_the_loss_by_c_is_dividing_eps_inside_by_c_squared(page, airfoil):  # noqa: F811
    c = 1e-3
    scaled = scratch_curve(page, airfoil, grad_scale=c)
    saved = page["EPS_INSIDE"]
    try:
        page["EPS_INSIDE"] = saved / c**2  # the global the page's adagrad reads
        rescaled_eps = scratch_curve(page, airfoil)
    finally:
        page["EPS_INSIDE"] = saved
    assert np.allclose(scaled, rescaled_eps, rtol=1e-9, atol=0)


def test_scaling_the_loss_by_c_is_dividing_eps_outside_by_c(page, airfoil):  # noqa: F811
    c = 1e-8

    def scaled(params, lr):
        return page["ScaledGradients"](d2l.optim.Adagrad(params, lr=lr), c)

    _, curve = quietly(d2l.train_concise_ch11, scaled, {"lr": 0.1}, airfoil, num_epochs=2, plot=False)
    _, rescaled_eps = quietly(d2l.train_concise_ch11, d2l.optim.Adagrad, {"lr": 0.1, "eps": 1e-10 / c}, airfoil,
                              num_epochs=2, plot=False)
    assert np.allclose(curve, rescaled_eps, rtol=1e-9, atol=0)


def test_at_ordinary_scales_both_forms_end_at_practically_the_same_loss(scale_table):
    for c in (1.0, 1e-2, 1e-3):
        inside, outside = scale_table[c]
        assert abs(inside - outside) < 1e-3, c


def test_below_1e_3_the_from_scratch_form_slows_and_then_stops(scale_table, airfoil):  # noqa: F811
    untrained = np.mean(airfoil.labels**2) / 2
    trained = scale_table[1.0][0]
    assert scale_table[1e-4][0] - trained > 5e-3  # slower: clearly worse after two epochs
    learned = (untrained - scale_table[1e-6][0]) / (untrained - trained)
    assert 0 <= learned < 0.05  # all but stopped
    for c in (1e-8, 1e-10, 1e-12):
        assert abs(scale_table[c][0] - untrained) < 1e-3, c


def test_the_library_form_trains_down_to_1e_10_and_breaks_at_1e_12(scale_table):
    trained = scale_table[1.0][1]
    for c in (1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10):
        assert abs(scale_table[c][1] - trained) < 1e-3, c
    assert scale_table[1e-12][1] > trained + 0.1


def test_an_initial_accumulator_of_eps_with_eps_zero_retraces_the_from_scratch_run(page, airfoil):  # noqa: F811
    settings = {"lr": 0.1, "eps": 0.0, "initial_accumulator_value": page["EPS_INSIDE"]}
    for num_epochs in (2, 4):
        _, library = quietly(d2l.train_concise_ch11, d2l.optim.Adagrad, settings, airfoil,
                             num_epochs=num_epochs, plot=False)
        scratch = scratch_curve(page, airfoil, num_epochs=num_epochs)
        assert len(library) == len(scratch)
        assert np.max(np.abs(np.subtract(library, scratch))) < 1e-12
