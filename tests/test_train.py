"""train_ch11, train_concise_ch11, the linear model, the loss and the Timer (bad inputs: test_bad_inputs.py)."""

import os
import re
from pathlib import Path

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import d2lmini as d2l
from book_trainers import adagrad, init_adagrad_states, linear_data, sgd
from d2lmini import data
from d2lmini import timer as timer_module
from d2lmini.train import EVAL_EVERY, INIT_SEED, INIT_STD

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LINE = re.compile(r"^loss: (\d+\.\d{3}), (\d+\.\d{3}) sec/epoch$")


class Recorder:
    """A trainer that copies what it is given at each step, then applies SGD."""

    def __init__(self):
        self.calls = []

    def __call__(self, params, grads, states, hyperparams):
        self.calls.append(([p.copy() for p in params], [g.copy() for g in grads]))
        sgd(params, grads, states, hyperparams)


@pytest.fixture
def real_airfoil(monkeypatch):
    directory = Path(os.environ[data.ENV_VAR]) if os.environ.get(data.ENV_VAR) else SHARED_DATA
    if not (directory / "airfoil_self_noise.dat").is_file():
        pytest.skip(f"the real airfoil file is not available (set {data.ENV_VAR} or provide {SHARED_DATA})")
    monkeypatch.setenv(data.ENV_VAR, str(directory))
    return d2l.get_data_ch11(batch_size=10)


# --- the model and the loss --------------------------------------------------------------------


def test_linreg_and_squared_loss_by_hand():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    w, b = np.array([[0.5], [1.0]]), np.array([0.25])
    y_hat = d2l.linreg(X, w, b)
    assert y_hat.tolist() == [[2.75], [0.75]]
    assert d2l.squared_loss(y_hat, np.array([1.75, 1.75])).tolist() == [[0.5], [0.5]]


def test_evaluate_loss_on_a_plain_iterable_equals_the_mean_over_examples():
    batches = [(np.ones((2, 1)), np.array([0.0, 2.0])), (np.ones((1, 1)), np.array([4.0]))]
    loss = d2l.evaluate_loss(lambda X: X, batches, d2l.squared_loss)
    assert loss == pytest.approx((0.5 + 0.5 + 4.5) / 3)


# --- what train_ch11 computes -----------------------------------------------------------------


def test_first_step_sees_the_seeded_init_and_the_mean_gradient_of_the_first_batch(capsys):
    data_iter = linear_data()
    recorder = Recorder()
    d2l.train_ch11(recorder, None, {"lr": 0.05}, data_iter, 5, num_epochs=1)
    (w, b), (g_w, g_b) = recorder.calls[0]
    expected_w = np.random.default_rng(INIT_SEED).normal(0.0, INIT_STD, 5).reshape(5, 1)
    assert np.array_equal(w, expected_w) and np.array_equal(b, np.zeros(1))
    X, y = next(data_iter.batches(0))
    residual = X @ w[:, 0] + b[0] - y
    assert g_w.shape == (5, 1) and g_b.shape == (1,)
    assert np.allclose(g_w[:, 0], X.T @ residual / len(y), rtol=1e-12, atol=1e-15)
    assert g_b[0] == pytest.approx(residual.mean(), rel=1e-12)


def test_the_gradient_matches_central_differences_of_the_mean_loss(capsys):
    data_iter = linear_data()
    recorder = Recorder()
    d2l.train_ch11(recorder, None, {"lr": 0.05}, data_iter, 5, num_epochs=1)
    (w, b), (g_w, g_b) = recorder.calls[3]
    X, y = list(data_iter.batches(0))[3]
    theta = np.concatenate([w[:, 0], b])
    mean_loss = lambda t: float(np.mean(d2l.squared_loss(d2l.linreg(X, t[:5, None], t[5:]), y)))  # noqa: E731
    h = 1e-6
    numeric = [(mean_loss(theta + h * e) - mean_loss(theta - h * e)) / (2 * h) for e in np.eye(6)]
    assert np.allclose(numeric, np.concatenate([g_w[:, 0], g_b]), atol=1e-8)


def test_output_line_shapes_and_evaluation_schedule(capsys):
    data_iter = linear_data(n=400, batch_size=10)
    times, losses = d2l.train_ch11(adagrad, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5, num_epochs=3)
    assert len(times) == len(losses) == 3 * 400 // EVAL_EVERY
    assert all(isinstance(v, float) for v in times + losses)
    assert np.all(np.diff(times) >= 0)
    [line] = capsys.readouterr().out.splitlines()
    loss_text, sec_text = LINE.match(line).groups()
    assert loss_text == f"{losses[-1]:.3f}"
    assert float(sec_text) == pytest.approx(times[-1] / 3, abs=5e-4)


def test_batches_that_do_not_divide_200_still_get_evaluated_and_the_end_is_recorded(capsys):
    # 130 examples of batch 7: 19 batches per epoch, the last of 4; 2 epochs = 260 examples.
    data_iter = linear_data(n=130, batch_size=7)
    times, losses = d2l.train_ch11(sgd, None, {"lr": 0.05}, data_iter, 5, num_epochs=2)
    assert len(losses) == 2  # once after crossing 200 examples, once at the end (260)


def test_loss_decreases_from_the_initial_loss(capsys):
    data_iter = linear_data()
    initial = np.mean(data_iter.labels ** 2) / 2  # w ≈ 0, b = 0 at the start
    _, losses = d2l.train_ch11(adagrad, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5, num_epochs=3)
    assert losses[-1] < losses[0] < initial
    best = np.linalg.lstsq(np.hstack([data_iter.features, np.ones((400, 1))]), data_iter.labels, rcond=None)[0]
    floor = np.mean((np.hstack([data_iter.features, np.ones((400, 1))]) @ best - data_iter.labels) ** 2) / 2
    assert losses[-1] < floor * 1.2


def test_two_runs_are_identical_even_after_iterating_the_data(capsys):
    data_iter = linear_data()
    states1, states2 = init_adagrad_states(5), init_adagrad_states(5)
    first = d2l.train_ch11(adagrad, states1, {"lr": 0.1}, data_iter, 5)[1]
    for _ in data_iter:  # a reader's own loop advances the iterator's epoch counter
        pass
    second = d2l.train_ch11(adagrad, states2, {"lr": 0.1}, data_iter, 5)[1]
    assert first == second
    assert np.array_equal(states1[0], states2[0]) and np.array_equal(states1[1], states2[1])


def test_states_are_updated_in_place_with_their_shapes(capsys):
    states = init_adagrad_states(5)
    d2l.train_ch11(adagrad, states, {"lr": 0.1}, linear_data(), 5)
    assert states[0].shape == (5, 1) and states[1].shape == (1,)
    assert np.all(states[0] > 0) and states[1][0] > 0


@pytest.mark.parametrize("k", [0, 1])
def test_a_trainer_that_replaces_a_parameter_is_told_to_update_in_place(k, capsys):
    """`params[k] = params[k] - lr * g` rebinds the list entry and would leave training blind to it."""

    def rebinding_sgd(params, grads, states, hyperparams):
        params[k] = params[k] - hyperparams["lr"] * grads[k]

    states = init_adagrad_states(5)
    with pytest.raises(TypeError, match=rf"trainer_fn replaced params\[{k}\] .* in place"):
        d2l.train_ch11(rebinding_sgd, states, {"lr": 0.1}, linear_data(), 5, plot=False)
    assert capsys.readouterr().out == ""


def test_nested_states_like_adams_are_accepted(capsys):
    states = ((np.zeros((5, 1)), np.zeros((5, 1))), (np.zeros(1), np.zeros(1)))

    def adam_like(params, grads, states, hyperparams):
        for p, g, (v, s) in zip(params, grads, states):
            v[:] = 0.9 * v + 0.1 * g
            s[:] = 0.999 * s + 0.001 * g * g
            p -= hyperparams["lr"] * v / (np.sqrt(s) + 1e-6)

    _, losses = d2l.train_ch11(adam_like, states, {"lr": 0.01}, linear_data(), 5)
    assert np.isfinite(losses).all()


def test_trainer_fn_gets_every_hyperparameter_in_one_copy_and_the_callers_dict_is_unchanged(capsys):
    """Names only the reader's trainer knows reach it; like d2l's Adam, it may count steps in hyperparams['t']."""
    seen = []

    def momentum_sgd(params, grads, states, hyperparams):
        hyperparams["t"] += 1
        seen.append((hyperparams["t"], hyperparams["momentum"]))
        for p, g, v in zip(params, grads, states):
            v[:] = hyperparams["momentum"] * v + g
            p -= hyperparams["lr"] * v

    hyperparams = {"lr": 0.01, "momentum": 0.9, "t": 0}
    data_iter = linear_data()
    runs = [d2l.train_ch11(momentum_sgd, init_adagrad_states(5), hyperparams, data_iter, 5, plot=False)[1]
            for _ in range(2)]
    steps = 2 * len(data_iter)
    assert seen == [(t, 0.9) for t in range(1, steps + 1)] * 2  # one copy per run, updated across its steps
    assert hyperparams == {"lr": 0.01, "momentum": 0.9, "t": 0}
    assert runs[0] == runs[1]
    assert runs[0][-1] < runs[0][0]


def test_lr_zero_is_accepted_and_leaves_w_and_b_where_they_start(capsys):
    """As torch.optim and d2lmini.optim do, hyperparams['lr'] = 0 is allowed: every evaluation sees the initial loss."""
    data_iter = linear_data()
    w0 = np.random.default_rng(INIT_SEED).normal(0.0, INIT_STD, 5)
    initial = float(np.mean((data_iter.features @ w0 - data_iter.labels) ** 2) / 2)
    _, losses = d2l.train_ch11(sgd, None, {"lr": 0.0}, data_iter, 5, plot=False)
    assert losses == pytest.approx([initial] * len(losses), rel=1e-12)


def test_concise_adagrad_equals_from_scratch_with_torch_semantics(capsys):
    """optim.Adagrad (ε outside the root) written out by hand gives the same losses."""
    def torch_style(params, grads, states, hyperparams):
        for p, g, s in zip(params, grads, states):
            s += g * g
            p -= hyperparams["lr"] * (g / (np.sqrt(s) + 1e-10))

    data_iter = linear_data()
    scratch = d2l.train_ch11(torch_style, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5, num_epochs=4)[1]
    concise = d2l.train_concise_ch11(d2l.optim.Adagrad, {"lr": 0.1}, data_iter)[1]
    assert np.allclose(scratch, concise, rtol=1e-12, atol=0)


def test_adagrad_on_the_real_data_ends_where_d2l_reports(real_airfoil, capsys):
    data_iter, feature_dim = real_airfoil
    _, losses = d2l.train_ch11(adagrad, init_adagrad_states(feature_dim), {"lr": 0.1}, data_iter, feature_dim)
    # d2l's three frameworks report 0.242-0.243; the band allows for another seed and float64.
    assert 0.240 <= losses[-1] <= 0.247
    _, concise = d2l.train_concise_ch11(d2l.optim.Adagrad, {"lr": 0.1}, data_iter)
    assert 0.240 <= concise[-1] <= 0.247


# --- training that stops midway --------------------------------------------------------------


class Interrupting:
    """The book's Adagrad, until its call number ``at``: there it raises ``error`` (after updating the states)."""

    def __init__(self, at, error=KeyboardInterrupt):
        self.at, self.error, self.calls = at, error, 0

    def __call__(self, params, grads, states, hyperparams):
        adagrad(params, grads, states, hyperparams)
        self.calls += 1
        if self.calls == self.at:
            raise self.error()


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_interrupted_training_puts_the_states_back_and_a_rerun_prints_the_same_loss(error, capsys):
    """Ctrl-C in the middle of a cell, then the cell is run again: the reader must see the first run's loss."""
    data_iter = linear_data()
    states = init_adagrad_states(5)
    fresh = d2l.train_ch11(adagrad, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5, plot=False)[1]
    with pytest.raises(error):
        d2l.train_ch11(Interrupting(at=57, error=error), states, {"lr": 0.1}, data_iter, 5, plot=False)
    assert not states[0].any() and not states[1].any()  # as they were: zeros
    assert d2l.train_ch11(adagrad, states, {"lr": 0.1}, data_iter, 5, plot=False)[1] == fresh


class InterruptingOptimizer(d2l.optim.Adagrad):
    def step(self, grads):
        if self.steps == 3:
            raise KeyboardInterrupt
        super().step(grads)


def test_failed_and_interrupted_runs_close_their_figures():
    """After many failed cells matplotlib would warn about more than 20 open figures; no figure is left open."""
    data_iter = linear_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "More than 20 figures have been opened" is a RuntimeWarning
        for _ in range(plt.rcParams["figure.max_open_warning"] + 1):
            with pytest.raises(KeyboardInterrupt):
                d2l.train_ch11(Interrupting(at=3), init_adagrad_states(5), {"lr": 0.1}, data_iter, 5)
            with pytest.raises(KeyboardInterrupt):
                d2l.train_concise_ch11(InterruptingOptimizer, {"lr": 0.1}, data_iter)
            with pytest.raises(ValueError, match="hyperparams"):
                d2l.train_ch11(adagrad, init_adagrad_states(5), {"learning_rate": 0.1}, data_iter, 5)
    assert plt.get_fignums() == []


# --- the live plot ----------------------------------------------------------------------------


def test_plot_false_creates_no_figure_and_changes_nothing_else(capsys):
    data_iter = linear_data()
    with_plot = d2l.train_ch11(adagrad, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5)[1]
    figures = len(plt.get_fignums())
    without = d2l.train_ch11(adagrad, init_adagrad_states(5), {"lr": 0.1}, data_iter, 5, plot=False)[1]
    concise = d2l.train_concise_ch11(d2l.optim.Adagrad, {"lr": 0.1}, data_iter, plot=False)[1]
    assert len(plt.get_fignums()) == figures
    assert with_plot == without and len(concise) == 2 * len(without)


# --- Timer ------------------------------------------------------------------------------------


def test_timer_records_intervals_and_their_sums(monkeypatch):
    ticks = iter([10.0, 10.5, 20.0, 21.5])

    class FakeClock:
        perf_counter = staticmethod(lambda: next(ticks))

    monkeypatch.setattr(timer_module, "time", FakeClock)
    timer = d2l.Timer()
    assert timer.stop() == 0.5
    timer.start()
    assert timer.stop() == 1.5
    assert (timer.sum(), timer.avg(), timer.cumsum()) == (2.0, 1.0, [0.5, 2.0])


