"""The facts that chapters/from-scratch.ipynb states, checked on its own code.

The functions are taken from the chapter's code cells (definitions, imports
and constants only), so these tests run exactly the code a reader sees, on
the real airfoil data.
"""

import ast
import contextlib
import io
import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

import d2lmini as d2l
from d2lmini import data

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "chapters" / "from-scratch.ipynb"
SHARED_DATA = REPO.parent / "shared" / "data"


def _is_literal(node):
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def page_definitions(path):
    """Run the imports, defs, classes and literal constants of a notebook's code cells; return the namespace."""
    kept = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            kept += [node for node in ast.parse(cell.source).body
                     if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
                     or isinstance(node, ast.Assign) and _is_literal(node.value)]
    namespace = {}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


def quietly(train, *args, **kwargs):
    """A training run without its printed line; returns (times, losses)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return train(*args, **kwargs)


@pytest.fixture(scope="module")
def page():
    return page_definitions(NOTEBOOK)


@pytest.fixture(scope="module")
def airfoil():
    directory = Path(os.environ[data.ENV_VAR]) if os.environ.get(data.ENV_VAR) else SHARED_DATA
    if not (directory / "airfoil_self_noise.dat").is_file():
        pytest.skip(f"the real airfoil file is not available (set {data.ENV_VAR} or provide {SHARED_DATA})")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(data.ENV_VAR, str(directory))
        data_iter, _ = d2l.get_data_ch11(batch_size=10)
        return data_iter


@pytest.fixture(scope="module")
def runs(page, airfoil):
    """The chapter's training runs: Adagrad, SGD at 0.1 and 0.02, and Adagrad with one shared sum."""
    dim = airfoil.features.shape[1]
    hp = {"lr": 0.1}
    _, adagrad = quietly(d2l.train_ch11, page["adagrad"], page["init_adagrad_states"](dim), hp, airfoil, dim,
                         plot=False)
    sgd = {lr: quietly(d2l.train_ch11, page["sgd"], None, {"lr": lr}, airfoil, dim, plot=False)[1]
           for lr in (0.1, 0.02)}
    _, shared = quietly(d2l.train_ch11, page["make_shared_adagrad"](), None, hp, airfoil, dim, plot=False)
    return {"adagrad": adagrad, "sgd": sgd, "shared": shared}


@pytest.fixture(scope="module")
def history(page, airfoil):
    """The state after every step of the Adagrad run, one row per step (five weights, then the bias)."""
    dim = airfoil.features.shape[1]
    rows = []

    def recorded(params, grads, states, hyperparams):
        page["adagrad"](params, grads, states, hyperparams)
        rows.append(np.concatenate([s.ravel() for s in states]))

    states = page["init_adagrad_states"](dim)
    _, losses = quietly(d2l.train_ch11, recorded, states, {"lr": 0.1}, airfoil, dim, plot=False)
    return np.array(rows), states, losses


def floor_of(airfoil):
    """The least-squares minimum of the half mean squared error, from the normal equations."""
    X = np.hstack([airfoil.features, np.ones((airfoil.num_examples, 1))])
    coef = np.linalg.solve(X.T @ X, X.T @ airfoil.labels)
    return np.mean((X @ coef - airfoil.labels) ** 2) / 2


# --- the toy step ------------------------------------------------------------------------------


def test_one_step_moves_large_gradients_by_lr_and_leaves_a_zero_gradient_alone(page):
    p, s = np.ones(3), np.zeros(3)
    page["adagrad"]([p], [np.array([4.0, -0.01, 0.0])], [s], {"lr": 0.1})
    assert s.tolist() == [16.0, 1e-4, 0.0]
    assert p[0] == pytest.approx(1 - 0.1 * 4 / np.sqrt(16 + 1e-6), rel=1e-15)
    assert 1 - p[0] == pytest.approx(0.1, rel=1e-7)  # a step of η despite a gradient of 4
    small = p[1] - 1
    assert small == pytest.approx(0.1 * 0.01 / np.sqrt(1e-4 + 1e-6), rel=1e-12)
    assert 0.099 < small < 0.1  # a little less than η: ε is not yet negligible against g² = 1e-4
    assert p[2] == 1.0 and np.isfinite(p).all()


# --- training and the floor --------------------------------------------------------------------


def test_the_final_loss_is_in_the_range_d2l_reports(runs):
    assert 0.242 <= round(runs["adagrad"][-1], 3) <= 0.243


def test_two_epochs_end_less_than_a_thousandth_above_the_least_squares_floor(runs, airfoil):
    gap = runs["adagrad"][-1] - floor_of(airfoil)
    assert 0 < gap < 1e-3


def test_the_page_floor_equals_the_normal_equations(airfoil):
    X = np.hstack([airfoil.features, np.ones((airfoil.num_examples, 1))])
    coef, *_ = np.linalg.lstsq(X, airfoil.labels, rcond=None)
    assert np.mean((X @ coef - airfoil.labels) ** 2) / 2 == pytest.approx(floor_of(airfoil), rel=1e-12)


# --- against SGD -------------------------------------------------------------------------------


def test_adagrad_ends_ahead_of_sgd_at_both_rates(runs, page):
    mean, spread = page["second_epoch"](runs["adagrad"])
    for lr, curve in runs["sgd"].items():
        sgd_mean, sgd_spread = page["second_epoch"](curve)
        assert runs["adagrad"][-1] < curve[-1], lr
        assert mean < sgd_mean and spread < sgd_spread, lr


def test_sgd_is_noisy_at_the_large_rate_and_slow_at_the_small_one(runs, page):
    fast, slow = runs["sgd"][0.1], runs["sgd"][0.02]
    assert page["second_epoch"](fast)[1] > page["second_epoch"](slow)[1]  # more bounce late in training
    first_epoch = len(fast) // 2
    assert np.mean(slow[:first_epoch]) > np.mean(fast[:first_epoch])  # higher during the first epoch


def test_a_single_shared_sum_keeps_most_of_adagrads_lead(runs, page):
    adagrad, shared = runs["adagrad"], runs["shared"]
    best_final = min(curve[-1] for curve in runs["sgd"].values())
    best_mean = min(page["second_epoch"](curve)[0] for curve in runs["sgd"].values())
    best_spread = min(page["second_epoch"](curve)[1] for curve in runs["sgd"].values())
    shared_mean, shared_spread = page["second_epoch"](shared)
    assert shared[-1] < best_final and shared_mean < best_mean and shared_spread < best_spread
    assert best_final - shared[-1] > 0.5 * (best_final - adagrad[-1])
    assert best_mean - shared_mean > 0.5 * (best_mean - page["second_epoch"](adagrad)[0])


# --- the state ---------------------------------------------------------------------------------


def test_recording_the_state_repeats_the_first_run_exactly(runs, history):
    rows, states, losses = history
    assert losses == runs["adagrad"]
    assert np.array_equal(rows[-1], np.concatenate([s.ravel() for s in states]))
    assert rows.shape == (300, 6)  # two epochs of 150 steps; five weights and the bias


def test_the_sums_end_within_a_factor_of_two_and_the_rates_near_sgds_small_rate(history):
    s_final = history[0][-1]
    assert s_final.max() / s_final.min() < 2
    rates = 0.1 / np.sqrt(s_final + 1e-6)
    assert np.all((rates > 0.02 / 1.5) & (rates < 0.02 * 1.5))
    assert np.all(rates < 0.1 / 3)  # several times smaller than η


def test_the_sums_grow_about_linearly_after_the_first_steps(history):
    rows = history[0]
    steps = np.arange(1, len(rows) + 1)
    later = steps >= 30
    for column in rows[later].T:
        assert np.corrcoef(steps[later], column)[0, 1] ** 2 > 0.97


def test_over_the_second_epoch_the_rates_fall_about_like_one_over_root_t(history):
    rows = history[0]
    steps = np.arange(1, len(rows) + 1)
    second = steps > len(steps) // 2
    log_rates = np.log(0.1 / np.sqrt(rows[second] + 1e-6))
    slopes = np.polyfit(np.log(steps[second]), log_rates, 1)[0]
    assert np.all((slopes > -0.6) & (slopes < -0.4))


def test_the_rates_start_far_apart(history):
    first = 0.1 / np.sqrt(history[0][0] + 1e-6)
    assert first.max() / first.min() > 100
