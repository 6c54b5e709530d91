"""The bad-input battery: every bad input to the public d2lmini API is rejected clearly.

Each case is one line of a table: an id, the call, the exception type, the name of the
argument the message must contain, and a key word (a regex) it must contain too, so that
rewording a message does not break the suite. Every exception must be a ValueError,
TypeError or OSError, a rejected call prints nothing, and it leaves no figure open.

Calls on objects that hold state go through a *subject* with a ``snapshot()``: an
optimizer, the states, hyperparameter dict and data iterator passed to ``train_ch11``
or ``train_concise_ch11``, an Animator, the data cache. The snapshot after the
rejected call must equal the one before it: nothing was updated halfway. A failed
download must leave the cache as it was, with no partial file, and a bad cached file
is never used.

The sections follow the classes of failure: numbers out of range, the wrong kind of
thing, bad data, the optimizers, training that fails midway, and the data cache.
Every network access goes to 127.0.0.1: a server started here, or a port where
nothing listens.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
import pytest

import d2lmini as d2l
from airfoil_hub import NAME, PAYLOAD, PAYLOAD_SHA, PROXY_VARS, Server, closed_port_url
from book_trainers import adagrad, linear_data, sgd
from d2lmini import data, explorer, optim, sparse
from d2lmini.data import DataIter

ALLOWED = (ValueError, TypeError, OSError)
RQ = d2l.RotatedQuadratic(0)
HUGE_INT = 10**400  # an int beyond the float range


def case(id, call, error, name, word):
    return pytest.param(call, error, name, word, id=id)


def assert_names(err, name, word):
    """The message names the argument and holds the key word; the error is one a reader can catch."""
    message = str(err)
    assert isinstance(err, ALLOWED)
    assert name in message, f"{name!r} not in {message!r}"
    assert re.search(word, message, re.IGNORECASE), f"{word!r} not in {message!r}"


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    """No proxies, an empty cache and a data hub where nothing listens.

    So a check that is missing cannot be masked by a download: get_data_ch11 would
    fail with a DownloadError, which no case below expects.
    """
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(data, "AIRFOIL_URL", closed_port_url())
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "empty-cache"))


def reader_trainer(x1, x2, s1, s2):
    """A 2-D trainer written the way a reader would, without f_grad (gradient descent)."""
    return x1 - 0.08 * x1, x2 - 1.6 * x2, s1, s2


def adagrad_lr_last(params, grads, states, hyperparams):
    """The from-scratch Adagrad step, written to update the states before it reads the learning rate."""
    for p, g, s in zip(params, grads, states):
        s += g * g
        p -= hyperparams["lr"] * g / np.sqrt(s + 1e-6)


def adagrad_then_nan(params, grads, states, hyperparams):
    """A buggy trainer: a correct Adagrad step, then a NaN in w."""
    adagrad(params, grads, states, hyperparams)
    params[0][0] = math.nan


def adagrad_then_inf_at_step(step):
    """A buggy Adagrad: counts its calls in hyperparams['t'] (as d2l's Adam does), writes inf into b at ``step``."""

    def trainer(params, grads, states, hyperparams):
        adagrad(params, grads, states, hyperparams)
        hyperparams["t"] += 1
        if hyperparams["t"] == step:
            params[1][0] = math.inf

    return trainer


class SGDThenNan:
    """An optimizer class like optim.SGD whose third step leaves a NaN in w."""

    def __init__(self, params, lr=0.1):
        self.params, self.lr, self.steps = params, lr, 0

    def step(self, grads):
        for p, g in zip(self.params, grads):
            p -= self.lr * g
        self.steps += 1
        if self.steps == 3:
            self.params[0][2, 0] = math.nan


def sgd_eta(params, grads, states, hyperparams):
    """SGD that calls its learning rate 'eta'."""
    for p, g in zip(params, grads):
        p -= hyperparams["eta"] * g


def read_only(array):
    array.flags.writeable = False
    return array


def sparse_data():
    return sparse.make_sparse_data(n=10, d=3, seed=0)


def never_on_result():
    """A sparse-experiment result whose one example has no feature on."""
    return sparse.run_experiment(seed=0, n=1, d=3, p_max=1e-9, eta0_grid=[0.1], methods=["global"])


def data_iter_with(**arrays):
    X = np.random.default_rng(0).normal(size=(6, 2))
    return DataIter(**({"features": X, "labels": X[:, 0], "batch_size": 2} | arrays))


def nan_at(shape, index, value=math.nan):
    array = np.ones(shape)
    array[index] = value
    return array


# --- calls on values: nothing to corrupt ---------------------------------------------------------

ETA = [("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf), ("zero", 0.0), ("negative", -0.4)]
ADAGRAD_HYPERPARAMETERS = ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]

CASES = [
    # --- numbers out of range -------------------------------------------------------------------
    # the 2-D step rules: eta (η) and eps (ε)
    *[case(f"{factory.__name__}-eta-{label}", lambda f=factory, v=value: f(v), ValueError, "eta", r"finite number > 0")
      for factory in (d2l.make_gd_2d, d2l.make_adagrad_2d) for label, value in ETA],
    case("make_gd_2d-eta-huge-int", lambda: d2l.make_gd_2d(HUGE_INT), ValueError, "eta", r"finite number > 0"),
    case("make_adagrad_2d-eps-negative", lambda: d2l.make_adagrad_2d(0.4, eps=-1e-6), ValueError, "eps", r"> 0"),
    case("make_adagrad_2d-eps-zero", lambda: d2l.make_adagrad_2d(0.4, eps=0.0), ValueError, "eps", r"> 0"),
    case("make_adagrad_2d-eps-nan", lambda: d2l.make_adagrad_2d(0.4, eps=math.nan), ValueError, "eps", r"finite"),
    # train_2d: steps, with an upper bound
    case("train_2d-steps-zero", lambda: d2l.train_2d(reader_trainer, steps=0), ValueError, "steps", r"\[1, 1000000\]"),
    case("train_2d-steps-negative", lambda: d2l.train_2d(reader_trainer, steps=-3), ValueError, "steps", r"integer"),
    case("train_2d-steps-beyond-bound", lambda: d2l.train_2d(reader_trainer, steps=10**12), ValueError, "steps",
         r"\[1, 1000000\]"),
    case("trajectory_2d-steps-huge-int", lambda: d2l.trajectory_2d(reader_trainer, HUGE_INT), ValueError, "steps",
         r"\[1, 1000000\]"),
    # a trainer's or f_grad's result: numbers, not numeric strings or bools
    case("train_2d-trainer-returns-numeric-strings", lambda: d2l.train_2d(lambda *x: ("1", "2", "0", "0")), TypeError,
         "trainer", r"real numbers.*step 1"),
    case("train_2d-trainer-returns-bools", lambda: d2l.train_2d(lambda *x: (True, False, 0.0, 0.0)), TypeError,
         "trainer", r"real numbers.*True"),
    case("train_2d-trainer-returns-huge-int", lambda: d2l.train_2d(lambda *x: (HUGE_INT, 0, 0, 0)), ValueError,
         "trainer", r"float range"),
    case("train_2d-trainer-returns-nan", lambda: d2l.train_2d(lambda x1, x2, s1, s2: (math.nan, x2, s1, s2)),
         ValueError, "trainer", r"NaN at step 1"),
    case("train_2d-f_grad-returns-bools", lambda: d2l.train_2d(d2l.make_gd_2d(0.1), f_grad=lambda a, b: (True, False)),
         TypeError, "f_grad", r"real numbers.*True"),
    case("train_2d-f_grad-returns-scalar", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda a, b: 1.0),
         TypeError, "f_grad", r"partial derivatives.*returned 1\.0"),
    case("train_2d-f_grad-returns-nan",
         lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda a, b: (math.nan, b)), ValueError, "f_grad",
         r"non-finite gradient.*step 1"),
    # the objective and the data set's sizes
    case("RotatedQuadratic-theta-nan", lambda: d2l.RotatedQuadratic(math.nan), ValueError, "theta", r"finite number"),
    case("RotatedQuadratic-theta-huge-int", lambda: d2l.RotatedQuadratic(HUGE_INT), ValueError, "theta", r"finite"),
    case("RotatedQuadratic-a-zero", lambda: d2l.RotatedQuadratic(0, a=0), ValueError, "a must", r"> 0"),
    case("RotatedQuadratic-b-negative", lambda: d2l.RotatedQuadratic(0, b=-2), ValueError, "b must", r"> 0"),
    *[case(f"get_data_ch11-{label}", lambda k=kwargs: d2l.get_data_ch11(**k), error, name, word)
      for label, kwargs, error, name, word in [
          ("batch_size-zero", dict(batch_size=0), ValueError, "batch_size", r"\[1, 1500\]"),
          ("batch_size-above-n", dict(batch_size=1501), ValueError, "batch_size", r"\[1, 1500\]"),
          ("batch_size-above-small-n", dict(batch_size=11, n=10), ValueError, "batch_size", r"\[1, 10\]"),
          ("n-zero", dict(n=0), ValueError, "n must", r"\[1, 1503\]"),
          ("n-numpy-above-1503", dict(n=np.int64(2000)), ValueError, "n must", r"\[1, 1503\]"),
          ("n-huge-int", dict(n=HUGE_INT), ValueError, "n must", r"\[1, 1503\]"),
      ]],
    case("DataIter-batch_size-above-n", lambda: data_iter_with(batch_size=7), ValueError, "batch_size", r"\[1, 6\]"),
    case("DataIter-seed-negative", lambda: data_iter_with(seed=-1), ValueError, "seed", r"integer"),
    # optimizer constructors, the sparse experiment and the explorers' ranges
    *[case(f"Adagrad-{name}-{label}", lambda n=name, v=value: optim.Adagrad([np.zeros(2)], **{n: v}), ValueError,
           name, r"finite number >= 0")
      for name in ADAGRAD_HYPERPARAMETERS
      for label, value in [("negative", -0.1), ("nan", math.nan), ("inf", math.inf), ("huge-int", HUGE_INT)]],
    *[case(f"SGD-{name}-{label}", lambda n=name, v=value: optim.SGD([np.zeros(2)], **{n: v}), ValueError,
           name, r"finite number >= 0")
      for name in ("lr", "weight_decay") for label, value in [("negative", -1.0), ("nan", math.nan)]],
    *[case(f"make_sparse_data-{label}", lambda k=kwargs: sparse.make_sparse_data(**k), error, name, word)
      for label, kwargs, error, name, word in [
          ("n-zero", dict(n=0), ValueError, "n must", r"positive integer"),
          ("d-negative", dict(d=-1), ValueError, "d must", r"positive integer"),
          ("alpha-negative", dict(alpha=-1.0), ValueError, "alpha", r">= 0"),
          ("alpha-huge-int", dict(alpha=HUGE_INT), ValueError, "alpha", r"finite"),
          ("p_max-above-1", dict(p_max=1.5), ValueError, "p_max", r"probability"),
          ("p_max-zero", dict(p_max=0.0), ValueError, "p_max", r"> 0"),
          ("noise-nan", dict(noise=math.nan), ValueError, "noise", r"finite"),
          ("background-negative", dict(background=-0.1), ValueError, "background", r">= 0"),
          ("seed-negative", dict(seed=-1), ValueError, "seed", r"integer in \[0, "),
      ]],
    *[case(f"train_linear-{label}",
           lambda k=kwargs: sparse.train_linear(sparse_data(), **({"method": "adagrad", "eta0": 0.1} | k)),
           error, name, word)
      for label, kwargs, error, name, word in [
          ("method-unknown", dict(method="sgd"), ValueError, "method", r"one of"),
          ("eta0-zero", dict(eta0=0.0), ValueError, "eta0", r"> 0"),
          ("eta0-empty", dict(eta0=[]), ValueError, "eta0", r"non-empty"),
          ("eta0-inf-in-list", dict(eta0=[0.1, math.inf]), ValueError, "eta0", r"finite"),
          ("eta0-2d", dict(eta0=[[0.1]]), ValueError, "eta0", r"1-D"),
          ("c-zero", dict(c=0.0), ValueError, "c must", r"> 0"),
          ("eps-zero", dict(eps=0.0), ValueError, "eps", r"> 0"),
      ]],
    case("run_experiment-eta0_grid-negative", lambda: sparse.run_experiment(seed=0, n=50, d=5, eta0_grid=[0.1, -1.0]),
         ValueError, "eta0_grid", r"> 0"),
    case("run_experiment-methods-empty", lambda: sparse.run_experiment(seed=0, n=50, d=5, methods=[]), ValueError,
         "methods", r"at least one"),
    case("run_experiment-method-unknown",
         lambda: sparse.run_experiment(seed=0, n=50, d=5, methods=["global", "newton"]), ValueError, "method",
         r"one of"),
    case("run_experiment-eta0_grid-overflows",
         lambda: sparse.run_experiment(seed=0, n=200, d=10, eta0_grid=[1e6], methods=["global"]),
         ValueError, "eta0_grid", r"overflowed"),
    *[case(f"explore_data-{label}",
           lambda k=kwargs: explorer.explore_data(**({"eta": 0.4, "theta": 0.0, "steps": 20} | k)),
           error, name, word)
      for label, kwargs, error, name, word in [
          ("eta-zero", dict(eta=0.0), ValueError, "eta", r"\[0.01, 10.0\]"),
          ("eta-above-range", dict(eta=10.5), ValueError, "eta", r"\[0.01, 10.0\]"),
          ("eta-huge-int", dict(eta=HUGE_INT), ValueError, "eta", r"finite"),
          ("theta-above-range", dict(theta=181), ValueError, "theta", r"\[0, 180\]"),
          ("theta-inf", dict(theta=math.inf), ValueError, "theta", r"finite"),
          ("steps-above-range", dict(steps=101), ValueError, "steps", r"\[1, 100\]"),
      ]],
    case("explore-eta-above-range", lambda: d2l.widgets.explore(eta=20), ValueError, "eta", r"\[0.01, 10.0\]"),
    case("explore-show-unknown", lambda: d2l.widgets.explore(show="sgd"), ValueError, "show", r"one of"),
    # --- the wrong kind of thing ----------------------------------------------------------------
    case("make_adagrad_2d-eta-str", lambda: d2l.make_adagrad_2d("0.4"), TypeError, "eta", r"number"),
    case("make_gd_2d-eta-bool", lambda: d2l.make_gd_2d(True), TypeError, "eta", r"number"),
    case("train_2d-steps-float", lambda: d2l.train_2d(reader_trainer, steps=2.5), TypeError, "steps", r"integer"),
    case("train_2d-steps-str", lambda: d2l.train_2d(reader_trainer, steps="20"), TypeError, "steps", r"integer"),
    case("train_2d-steps-bool", lambda: d2l.train_2d(reader_trainer, steps=True), TypeError, "steps", r"integer"),
    case("trajectory_2d-steps-none", lambda: d2l.trajectory_2d(reader_trainer, None), TypeError, "steps", r"integer"),
    case("trajectory_2d-warn-str", lambda: d2l.trajectory_2d(reader_trainer, warn="no"), TypeError, "warn",
         r"True or False"),
    case("train_2d-trainer-not-callable", lambda: d2l.train_2d("adagrad"), TypeError, "trainer", r"callable"),
    case("train_2d-trainer-arity-with-f_grad", lambda: d2l.train_2d(reader_trainer, f_grad=RQ.grad), TypeError,
         "trainer", r"x1, x2, s1, s2, f_grad.*because f_grad was given"),
    case("train_2d-trainer-arity-2", lambda: d2l.train_2d(lambda x1, x2: (x1, x2, 0, 0)), TypeError, "trainer",
         r"accept \(x1, x2, s1, s2\).*signature is \(x1, x2\)"),
    case("train_2d-trainer-returns-2", lambda: d2l.train_2d(lambda x1, x2, s1, s2: (x1, x2)), TypeError, "trainer",
         r"4 real numbers"),
    case("train_2d-trainer-returns-none", lambda: d2l.train_2d(lambda x1, x2, s1, s2: None), TypeError, "trainer",
         r"4 real numbers.*None"),
    case("train_2d-f_grad-not-callable", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=3), TypeError, "f_grad",
         r"callable"),
    case("train_2d-f_grad-arity", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda x: (x, x)), TypeError,
         "f_grad", r"accept \(x1, x2\)"),
    *[case(f"show_trace_2d-results-{label}", lambda r=results: d2l.show_trace_2d(RQ, r), error, "results", word)
      for label, results, error, word in [("flat", [1.0, 2.0], ValueError, r"shape \(n, 2\)"),
                                          ("triples", [(1.0, 2.0, 3.0)], ValueError, r"shape \(n, 2\)"),
                                          ("empty", [], ValueError, r"shape \(n, 2\)"),
                                          ("str", "abc", TypeError, r"real numbers"),
                                          ("bools", [(True, False)], TypeError, r"real numbers"),
                                          ("ragged", [(1.0, 2.0), (3.0,)], ValueError, r"ragged")]],
    case("show_trace_2d-f-not-callable", lambda: d2l.show_trace_2d("f", [(0.0, 0.0)]), TypeError, "f must",
         r"callable"),
    case("show_trace_2d-f-scalar-only", lambda: d2l.show_trace_2d(lambda x1, x2: math.hypot(x1, x2), [(0.0, 0.0)]),
         TypeError, "f must", r"numpy arrays"),
    case("show_trace_2d-f-branches-on-arrays", lambda: d2l.show_trace_2d(lambda x1, x2: x1 if x1 > 0 else x2, [(0, 0)]),
         TypeError, "f must", r"numpy arrays"),
    case("show_trace_2d-f-returns-scalar", lambda: d2l.show_trace_2d(lambda x1, x2: 1.0, [(0.0, 0.0)]), ValueError,
         "f must", r"one value per point"),
    case("show_trace_2d-ax-str", lambda: d2l.show_trace_2d(RQ, [(0.0, 0.0)], ax="left"), TypeError, "ax", r"Axes"),
    case("show_trace_2d-ax-figure", lambda: d2l.show_trace_2d(RQ, [(0.0, 0.0)], ax=Figure()), TypeError, "ax",
         r"Axes.*Figure"),
    case("RotatedQuadratic-theta-str", lambda: d2l.RotatedQuadratic("45"), TypeError, "theta", r"number"),
    case("get_data_ch11-batch_size-float", lambda: d2l.get_data_ch11(batch_size=2.5), TypeError, "batch_size",
         r"integer"),
    case("get_data_ch11-batch_size-bool", lambda: d2l.get_data_ch11(batch_size=True), TypeError, "batch_size",
         r"integer"),
    case("get_data_ch11-n-str", lambda: d2l.get_data_ch11(n="100"), TypeError, "n must", r"integer"),
    case("Adagrad-lr-str", lambda: optim.Adagrad([np.zeros(2)], lr="0.1"), TypeError, "lr", r"number"),
    case("Adagrad-unknown-hyperparameter", lambda: optim.Adagrad([np.zeros(2)], momentum=0.9), TypeError, "momentum",
         r"unexpected"),
    case("Adagrad-params-empty", lambda: optim.Adagrad([]), ValueError, "params", r"at least one"),
    case("SGD-params-empty-iterator", lambda: optim.SGD(iter([]), lr=0.1), ValueError, "params", r"at least one"),
    case("Adagrad-params-none", lambda: optim.Adagrad(None), TypeError, "params", r"sequence.*NoneType"),
    case("Adagrad-params-single-array", lambda: optim.Adagrad(np.zeros((3, 2))), TypeError, "params",
         r"single ndarray"),
    case("Adagrad-params-int-array", lambda: optim.Adagrad([np.zeros(2, dtype=int)]), TypeError, "params[0]",
         r"floating-point"),
    case("Adagrad-params-list", lambda: optim.Adagrad([[0.0, 1.0]]), TypeError, "params[0]", r"floating-point"),
    case("SGD-params-read-only", lambda: optim.SGD([read_only(np.zeros(2))], lr=0.1), ValueError, "params[0]",
         r"writeable"),
    case("Animator-fmts-one-string", lambda: d2l.Animator(fmts="r--"), TypeError, "fmts", r"sequence.*'r--'"),
    case("Animator-fmts-empty", lambda: d2l.Animator(fmts=[]), ValueError, "fmts", r"at least one"),
    case("Animator-fmts-not-a-format", lambda: d2l.Animator(fmts=["-", "zz"]), ValueError, "fmts", r"'zz'"),
    case("Animator-fmts-number", lambda: d2l.Animator(fmts=[1]), TypeError, "fmts", r"format string"),
    case("Animator-legend-one-string", lambda: d2l.Animator(legend="loss"), TypeError, "legend", r"sequence"),
    case("Animator-xscale-unknown", lambda: d2l.Animator(xscale="logarithmic"), ValueError, "xscale", r"one of"),
    case("Animator-ylim-one-number", lambda: d2l.Animator(ylim=0.3), ValueError, "ylim", r"shape \(2,\)"),
    case("Animator-figsize-zero", lambda: d2l.Animator(figsize=(0, 3)), ValueError, "figsize", r"> 0"),
    case("Animator-nrows-beyond-bound", lambda: d2l.Animator(nrows=1000), ValueError, "nrows", r"\[1, 10\]"),
    case("Animator-min_interval-negative", lambda: d2l.Animator(min_interval=-1), ValueError, "min_interval", r">= 0"),
    case("Animator-min_interval-nan", lambda: d2l.Animator(min_interval=math.nan), ValueError, "min_interval",
         r"finite"),
    case("Animator-min_interval-str", lambda: d2l.Animator(min_interval="0.1"), TypeError, "min_interval", r"number"),
    case("run_experiment-methods-one-string", lambda: sparse.run_experiment(seed=0, n=50, d=5, methods="adagrad"),
         TypeError, "methods", r"sequence.*'adagrad'"),
    case("plot_errors-no-feature-ever-on", lambda: sparse.plot_errors(never_on_result()), ValueError, "result",
         r"frequency 0"),
    case("train_linear-data-array", lambda: sparse.train_linear(np.zeros((3, 2)), "adagrad", 0.1), TypeError, "data",
         r"SparseData"),
    case("train_linear-eta0-str", lambda: sparse.train_linear(sparse_data(), "adagrad", "fast"), TypeError, "eta0",
         r"number"),
    case("explore_data-steps-float", lambda: explorer.explore_data(0.4, 0.0, 2.0), TypeError, "steps", r"integer"),
    case("explore_data-eta-str", lambda: explorer.explore_data("0.4", 0.0, 20), TypeError, "eta", r"number"),
    # the model, the loss and the timer
    case("squared_loss-labels-mismatch", lambda: d2l.squared_loss(np.zeros((3, 1)), np.zeros(4)), ValueError, "y must",
         r"one label per prediction"),
    case("evaluate_loss-empty", lambda: d2l.evaluate_loss(lambda X: X, [], d2l.squared_loss), ValueError, "data_iter",
         r"at least one example"),
    case("evaluate_loss-not-iterable", lambda: d2l.evaluate_loss(lambda X: X, 3, d2l.squared_loss), TypeError,
         "data_iter", r"iterable"),
    case("Timer-avg-without-intervals", lambda: d2l.Timer().avg(), ValueError, "Timer.avg", r"at least one"),
    # --- bad data: rejected where it enters, naming features or labels ---------------------------
    *[case(f"DataIter-{label}", lambda k=kwargs: data_iter_with(**k), error, name, word)
      for label, kwargs, error, name, word in [
          ("features-nan", dict(features=nan_at((6, 2), (3, 1))), ValueError, "features", r"finite.*nan.*\(3, 1\)"),
          ("features-inf", dict(features=nan_at((6, 2), (0, 0), math.inf)), ValueError, "features", r"finite.*inf"),
          ("features-complex", dict(features=np.ones((6, 2)) * 1j), TypeError, "features", r"real numbers.*complex"),
          ("features-strings", dict(features=[["1.5", "2"]] * 6), TypeError, "features", r"real numbers"),
          ("features-1d", dict(features=np.ones(6)), ValueError, "features", r"shape \(n, d\)"),
          ("labels-nan", dict(labels=nan_at(6, 2)), ValueError, "labels", r"finite.*nan"),
          ("labels-inf", dict(labels=nan_at(6, 5, -math.inf)), ValueError, "labels", r"finite.*-inf"),
          ("labels-complex", dict(labels=np.ones(6) + 1j), TypeError, "labels", r"complex"),
          ("labels-mismatch", dict(labels=np.zeros(4)), ValueError, "labels", r"shape \(6,\)"),
      ]],
]


@pytest.mark.parametrize("call, error, name, word", CASES)
def test_bad_input_is_rejected_with_a_message_naming_it(call, error, name, word, capsys):
    figures = plt.get_fignums()
    with pytest.raises(error) as info:
        call()
    assert_names(info.value, name, word)
    assert capsys.readouterr().out == ""  # nothing was trained or printed
    assert plt.get_fignums() == figures  # no figure was left behind


# --- calls on objects that hold state: a rejected call changes nothing ---------------------------


class OptimizerSubject:
    """An optimizer over w (3, 1) and b (1,) that has already taken one step, so its state is not trivial."""

    def __init__(self, cls, first_step=True, **hyperparams):
        self.w, self.b = np.array([[1.0], [-2.0], [0.5]]), np.array([0.25])
        self.opt = cls([self.w, self.b], **({"lr": 0.1} | hyperparams))
        if first_step:
            self.opt.step([np.array([[0.5], [4.0], [-1.0]]), np.array([2.0])])

    def snapshot(self):
        sums = getattr(self.opt, "state_sums", [])
        return ([p.tolist() for p in self.opt.params], [s.tolist() for s in sums], getattr(self.opt, "steps", None))


def reader_state(value):
    """What a call could change in an argument the reader passed: array contents, dict items, an iterator's epoch."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tolist())
    if isinstance(value, DataIter):
        return ("DataIter", value.epoch, value.seed, value.batch_size, value.features.tolist(), value.labels.tolist())
    if isinstance(value, dict):
        return ("dict", [(key, reader_state(item)) for key, item in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [reader_state(item) for item in value])
    return ("value", value)


class TrainSubject:
    """A train_ch11 call with a reader's arguments: Adagrad states already filled, a hyperparameter dict and the data.

    Keyword arguments replace the defaults; the snapshot covers the states, the dict and
    the data iterator actually passed.
    """

    def __init__(self, **overrides):
        self.args = dict(trainer_fn=adagrad_lr_last, states=(np.full((5, 1), 0.5), np.full(1, 0.5)),
                         hyperparams={"lr": 0.1}, data_iter=linear_data(), feature_dim=5, num_epochs=1,
                         plot=False) | overrides

    def train(self):
        return d2l.train_ch11(**self.args)

    def snapshot(self):
        return {name: reader_state(self.args[name]) for name in ("states", "hyperparams", "data_iter")}


class ConciseSubject:
    """A train_concise_ch11 call with a reader's hyperparameter dict and data; the snapshot covers both."""

    def __init__(self, **overrides):
        self.args = dict(trainer_fn=optim.Adagrad, hyperparams={"lr": 0.1}, data_iter=linear_data(), num_epochs=1,
                         plot=False) | overrides

    def train(self):
        return d2l.train_concise_ch11(**self.args)

    def snapshot(self):
        return {name: reader_state(self.args[name]) for name in ("hyperparams", "data_iter")}


class AnimatorSubject:
    """An Animator with two lines of ``points`` points each."""

    def __init__(self, points=2):
        self.anim = d2l.Animator(legend=["a", "b"])
        for x in range(points):
            self.anim.add(x, [1.0 / (x + 1), 2.0 / (x + 1)])

    def snapshot(self):
        return ([list(x) for x in self.anim.X], [list(y) for y in self.anim.Y],
                [list(line.get_ydata()) for line in self.anim.lines])


def scase(id, subject, call, error, name, word):
    return pytest.param(subject, call, error, name, word, id=id)


def frozen_b(s):
    """Make b read-only after the optimizer was built, then step."""
    s.b.flags.writeable = False
    s.opt.step([W_GRAD, np.ones(1)])


def aliased(cls, make):
    """An optimizer subject whose constructor gets the parameters ``make(w)``."""

    def subject():
        s = OptimizerSubject(cls)
        s.params = make(s.w)
        return s

    return subject


W_GRAD = np.ones((3, 1))
SUBJECTS = [("Adagrad", lambda: OptimizerSubject(optim.Adagrad)), ("SGD", lambda: OptimizerSubject(optim.SGD))]

STATEFUL_CASES = [
    # --- the optimizers: grads checked before any parameter moves ---------------------------------
    *[scase(f"{name}-{label}", subject, call, error, arg, word)
      for name, subject in SUBJECTS
      for label, call, error, arg, word in [
          ("grads-too-few", lambda s: s.opt.step([W_GRAD]), ValueError, "grads",
           r"one array per parameter \(2\); got 1"),
          ("grads-too-many", lambda s: s.opt.step([W_GRAD, np.ones(1), np.ones(1)]), ValueError, "grads", r"got 3"),
          ("grads-b-wrong-shape", lambda s: s.opt.step([W_GRAD, np.ones(2)]), ValueError, "grads[1]", r"shape \(1,\)"),
          ("grads-w-transposed", lambda s: s.opt.step([np.ones((1, 3)), np.ones(1)]), ValueError, "grads[0]",
           r"shape \(3, 1\)"),
          ("grads-none", lambda s: s.opt.step(None), TypeError, "grads", r"sequence.*NoneType"),
          ("grads-single-array", lambda s: s.opt.step(np.ones((2, 1))), TypeError, "grads", r"single ndarray"),
          ("grads-str", lambda s: s.opt.step([W_GRAD, np.array(["1"])]), TypeError, "grads[1]", r"real numbers"),
          ("grads-complex", lambda s: s.opt.step([W_GRAD, np.array([1j])]), TypeError, "grads[1]", r"complex"),
          ("grads-ragged", lambda s: s.opt.step([W_GRAD, [1.0, [2.0]]]), ValueError, "grads[1]", r"ragged"),
          ("grads-nan-in-b", lambda s: s.opt.step([W_GRAD, np.array([math.nan])]), ValueError, "grads[1]",
           r"finite.*nan"),
          ("grads-inf-in-w", lambda s: s.opt.step([nan_at((3, 1), (2, 0), math.inf), np.ones(1)]), ValueError,
           "grads[0]", r"finite.*inf.*\(2, 0\)"),
          ("params-frozen-after-construction", frozen_b, ValueError, "params[1]", r"writeable"),
      ]],
    *[scase(f"{name}-params-{label}", aliased(cls, make), lambda s: type(s.opt)(s.params, lr=0.1), ValueError, arg,
            r"shares memory")
      for name, cls in [("Adagrad", optim.Adagrad), ("SGD", optim.SGD)]
      for label, make, arg in [("same-array-twice", lambda w: [w, w], "params[1]"),
                               ("overlapping-views", lambda w: [w[:2], w[1:]], "params[1]"),
                               ("view-of-another", lambda w: [w, np.zeros(1), w[1:2]], "params[2]")]],
    scase("Adagrad-eps-zero-with-zero-gradient", lambda: OptimizerSubject(optim.Adagrad, first_step=False, eps=0.0),
          lambda s: s.opt.step([np.array([[1.0], [0.0], [2.0]]), np.ones(1)]), ValueError, "eps", r"0/0"),
    # --- training: every argument, and trainers that fail midway; the reader's states stay as they were
    *[scase(f"train_ch11-{label}", lambda o=overrides: TrainSubject(**o), TrainSubject.train, error, name, word)
      for label, overrides, error, name, word in [
          ("num_epochs-zero", {"num_epochs": 0}, ValueError, "num_epochs", r"\[1, 10000\]"),
          ("num_epochs-float", {"num_epochs": 1.5}, TypeError, "num_epochs", r"integer"),
          ("num_epochs-beyond-bound", {"num_epochs": 10**9}, ValueError, "num_epochs", r"\[1, 10000\]"),
          ("feature_dim-mismatch", {"feature_dim": 4}, ValueError, "feature_dim", r"match the data.*5 features"),
          ("feature_dim-zero", {"feature_dim": 0}, ValueError, "feature_dim", r"positive integer"),
          ("feature_dim-bool", {"feature_dim": True}, TypeError, "feature_dim", r"positive integer"),
          ("states-w-wrong-shape", {"states": (np.zeros((4, 1)), np.zeros(1))}, ValueError, "states[0]",
           r"shape \(5, 1\)"),
          ("states-b-wrong-shape", {"states": (np.zeros((5, 1)), np.zeros(2))}, ValueError, "states[1]",
           r"shape \(1,\)"),
          ("states-too-many", {"states": (np.zeros((5, 1)), np.zeros(1), np.zeros(1))}, ValueError, "states",
           r"one entry per parameter"),
          ("states-single-array", {"states": np.zeros((5, 1))}, TypeError, "states", r"single ndarray"),
          ("states-nested-wrong-shape", {"states": ((np.zeros((5, 1)), np.zeros(3)), (np.zeros(1),))}, ValueError,
           "states[0][1]", r"shape \(5, 1\)"),
          ("states-int", {"states": (np.zeros((5, 1), dtype=int), np.zeros(1))}, TypeError, "states[0]",
           r"floating-point"),
          ("states-read-only", {"states": (np.zeros((5, 1)), read_only(np.zeros(1)))}, ValueError, "states[1]",
           r"writeable"),
          ("trainer_fn-arity-3", {"trainer_fn": lambda params, states, hyperparams: None}, TypeError, "trainer_fn",
           r"\(params, grads, states, hyperparams\)"),
          ("trainer_fn-not-callable", {"trainer_fn": "adagrad"}, TypeError, "trainer_fn", r"callable"),
          ("trainer_fn-optimizer-class", {"trainer_fn": optim.Adagrad}, TypeError, "trainer_fn",
           r"class Adagrad.*train_concise_ch11"),
          ("trainer_fn-returns-nan", {"trainer_fn": adagrad_then_nan}, ValueError, "trainer_fn",
           r"became nan at step 1 \(after 10 examples.*hyperparams\['lr'\] \(now 0\.1\)"),
          ("trainer_fn-writes-inf-at-step-45",
           {"trainer_fn": adagrad_then_inf_at_step(45), "hyperparams": {"lr": 0.1, "t": 0}, "num_epochs": 2},
           ValueError, "trainer_fn", r"became inf at step 45 \(after 450 examples, epoch 1\.1\d\)"),
          ("diverging-lr", {"trainer_fn": sgd, "hyperparams": {"lr": 1e6}, "num_epochs": 3}, ValueError,
           "hyperparams['lr']", r"beyond 1e\+06 at step \d+.*now 1000000\.0"),
          ("diverging-eta", {"trainer_fn": sgd_eta, "hyperparams": {"eta": 1e6}, "num_epochs": 3}, ValueError,
           "hyperparams", r"became (nan|inf).*it has no 'lr'"),
          ("hyperparams-list", {"hyperparams": [("lr", 0.1)]}, TypeError, "hyperparams", r"dict"),
          ("hyperparams-int-key", {"hyperparams": {1: 0.1}}, TypeError, "hyperparams", r"string"),
          ("lr-negative", {"hyperparams": {"lr": -0.1}}, ValueError, "hyperparams['lr']", r">= 0"),
          ("lr-nan", {"hyperparams": {"lr": math.nan}}, ValueError, "hyperparams['lr']", r"finite"),
          ("lr-huge-int", {"hyperparams": {"lr": HUGE_INT}}, ValueError, "hyperparams['lr']", r"finite"),
          ("lr-str", {"hyperparams": {"lr": "0.1"}}, TypeError, "hyperparams['lr']", r"number"),
          ("unknown-name-learning_rate", {"hyperparams": {"learning_rate": 0.1}}, ValueError, "hyperparams['lr']",
           r"no such key.*'learning_rate'"),
          ("data_iter-list", {"data_iter": [(np.zeros((2, 5)), np.zeros(2))]}, TypeError, "data_iter",
           r"get_data_ch11"),
          ("plot-str", {"plot": "no"}, TypeError, "plot", r"True or False"),
      ]],
    *[scase(f"concise-{label}", lambda o=overrides: ConciseSubject(**o), ConciseSubject.train, error, name, word)
      for label, overrides, error, name, word in [
          ("learning_rate", {"hyperparams": {"learning_rate": 0.1}}, TypeError, "hyperparams",
           r"'learning_rate'.*accepts lr, lr_decay"),
          ("momentum-SGD", {"trainer_fn": optim.SGD, "hyperparams": {"lr": 0.1, "momentum": 0.9}}, TypeError,
           "hyperparams", r"'momentum' for SGD.*accepts lr, weight_decay"),
          ("lr-negative", {"hyperparams": {"lr": -1.0}}, ValueError, "hyperparams['lr']", r">= 0"),
          ("eps-negative", {"hyperparams": {"lr": 0.1, "eps": -1.0}}, ValueError, "eps", r">= 0"),
          ("num_epochs-beyond-bound", {"num_epochs": 10**5}, ValueError, "num_epochs", r"\[1, 10000\]"),
          ("trainer_fn-not-callable", {"trainer_fn": 3}, TypeError, "trainer_fn", r"callable"),
          ("trainer_fn-from-scratch-rule", {"trainer_fn": adagrad}, TypeError, "trainer_fn",
           r"\[w, b\], \*\*hyperparams.*train_ch11"),
          ("trainer_fn-no-step", {"trainer_fn": lambda params, lr: object()}, TypeError, "trainer_fn", r"step"),
          ("data_iter-str", {"data_iter": "airfoil"}, TypeError, "data_iter", r"get_data_ch11"),
          ("plot-str", {"plot": "no"}, TypeError, "plot", r"True or False"),
          ("diverging-lr", {"trainer_fn": optim.SGD, "hyperparams": {"lr": 1e6}, "num_epochs": 3}, ValueError,
           "hyperparams['lr']", r"train_concise_ch11: .*(inf|nan).*trainer_fn \(SGD\).*now 1000000\.0"),
          ("optimizer-writes-nan", {"trainer_fn": SGDThenNan}, ValueError, "hyperparams['lr']",
           r"became nan at step 3 \(after 30 examples.*SGDThenNan"),
      ]],
    # the Animator: a wrong number of values adds nothing to any line
    scase("Animator-add-too-many-y", AnimatorSubject, lambda s: s.anim.add(2, [0.1, 0.2, 0.3]), ValueError, "y",
          r"one value per line \(2\)"),
    scase("Animator-add-empty-y", lambda: AnimatorSubject(points=0), lambda s: s.anim.add(0, []), ValueError, "y must",
          r"at least one"),
    scase("Animator-add-x-mismatch", AnimatorSubject, lambda s: s.anim.add([2, 3, 4], [0.1, 0.2]), ValueError, "x",
          r"got 2 y and 3 x values"),
]


@pytest.mark.parametrize("subject, call, error, name, word", STATEFUL_CASES)
def test_rejected_call_is_named_and_changes_nothing(subject, call, error, name, word, capsys):
    target = subject()
    before = target.snapshot()
    figures = plt.get_fignums()
    capsys.readouterr()
    with pytest.raises(error) as info:
        call(target)
    assert_names(info.value, name, word)
    assert target.snapshot() == before
    assert capsys.readouterr().out == ""
    assert plt.get_fignums() == figures


def test_no_step_is_taken_before_the_states_are_checked():
    calls = []

    def recorder(params, grads, states, hyperparams):
        calls.append(1)

    with pytest.raises(ValueError, match="states"):
        TrainSubject(trainer_fn=recorder, states=(np.zeros((3, 1)), np.zeros(1))).train()
    assert calls == []


def test_a_failed_plotted_run_restores_the_states_and_closes_its_figure(capsys):
    """The stateful cases run without a plot; with one, a run that fails midway leaves no figure open."""
    subject = TrainSubject(trainer_fn=adagrad_then_inf_at_step(45), hyperparams={"lr": 0.1, "t": 0}, num_epochs=2,
                           plot=True)
    before = subject.snapshot()
    with pytest.raises(ValueError, match="step 45"):
        subject.train()
    assert subject.snapshot() == before
    assert plt.get_fignums() == []


# --- the data file and its cache ------------------------------------------------------------------

CORRUPT = PAYLOAD.replace(b"\t", b" ", 1)
TRUNCATED = PAYLOAD[: len(PAYLOAD) // 3]


class Hub:
    """The cache directory ($D2LMINI_DATA_DIR) and a stand-in for d2l's data hub, both under ``root``.

    By default the cache is an empty directory and the hub is offline (a port of
    127.0.0.1 where nothing listens). The expected hash is that of the synthetic
    file PAYLOAD, so a truncated PAYLOAD is a truncated copy of the right file.
    """

    def __init__(self, root, server, monkeypatch):
        self.root, self.server, self.monkeypatch = root, server, monkeypatch
        self.served = None
        self.use_dir(root / "cache")
        self.dir.mkdir(parents=True)
        monkeypatch.setattr(data, "AIRFOIL_SHA256", PAYLOAD_SHA)
        self._set_url(closed_port_url())

    def _set_url(self, url):
        self.url = url
        self.monkeypatch.setattr(data, "AIRFOIL_URL", url)

    def use_dir(self, path):
        self.dir = path
        self.monkeypatch.setenv(data.ENV_VAR, str(path))

    # what the hub answers
    def serve(self, body, declared=None):
        self.served = body
        self._set_url(self.server.serve(f"/{NAME}", body, declared))
        return self

    def serve_endless(self):
        self._set_url(self.server.serve_endless(f"/{NAME}"))
        return self

    def serve_drip(self, deadline):
        self.monkeypatch.setattr(data, "DEADLINE", deadline)
        self._set_url(self.server.serve_drip(f"/{NAME}", PAYLOAD, interval=0.02))
        return self

    def not_found(self):
        self._set_url(self.server.url(f"/{NAME}"))  # nothing registered there: HTTP 404
        return self

    def through_dead_proxy(self, credentials=""):
        """The hub serves the file, but the environment sends every request to a proxy where nothing listens."""
        self.serve(PAYLOAD)
        port = closed_port_url().split(":")[2].split("/")[0]
        self.proxy = f"http://127.0.0.1:{port}"
        self.monkeypatch.setenv("http_proxy", f"http://{credentials}127.0.0.1:{port}")
        return self

    # what the cache holds
    def cached(self, body):
        (self.dir / NAME).write_bytes(body)
        return self

    def directory_in_the_way(self):
        (self.dir / NAME).mkdir()
        (self.dir / NAME / "notes.txt").write_text("a reader's own folder")
        return self.serve(PAYLOAD)

    def unreadable(self):
        """A cached file that cannot be read (monkeypatched, since root reads anything)."""
        self.cached(PAYLOAD).serve(PAYLOAD)
        path, real_open = self.dir / NAME, open

        def guarded_open(file, *args, **kwargs):
            if os.fspath(file) == str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(file, *args, **kwargs)

        self.monkeypatch.setattr(data, "open", guarded_open, raising=False)
        return self

    def dir_is_a_file(self):
        self.use_dir(self.root / "not-a-directory")
        self.dir.write_text("x")
        return self

    def dir_under_a_file(self):
        (self.root / "plain-file").write_text("x")
        self.use_dir(self.root / "plain-file" / "cache")
        return self

    def dir_is_whitespace(self):
        self.monkeypatch.chdir(self.root)
        self.monkeypatch.setenv(data.ENV_VAR, "  ")
        return self.serve(PAYLOAD)

    def dir_read_only(self):
        self.dir.chmod(stat.S_IRUSR | stat.S_IXUSR)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # root may write anyway (CI runs as root): report the permissions a normal user sees
            read_only, real_access = self.dir, os.access

            def access(path, mode, *args, **kwargs):
                if os.path.samefile(path, read_only) and mode & os.W_OK:
                    return False
                return real_access(path, mode, *args, **kwargs)

            self.monkeypatch.setattr(os, "access", access)
        return self

    def no_new_files(self):
        """The directory refuses new files (as a read-only or full disk would, even for root)."""
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if os.fspath(path).endswith(".part"):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *args, **kwargs)

        self.monkeypatch.setattr(os, "open", refuse)
        return self.serve(PAYLOAD)

    def restore(self):
        if self.dir.is_dir():
            self.dir.chmod(0o755)

    def snapshot(self):
        """Every file and folder under root, with the bytes of each file."""
        return {str(p.relative_to(self.root)): p.read_bytes() if p.is_file() else "dir"
                for p in sorted(self.root.rglob("*"))}

    def named(self, key):
        return {
            "url": self.url,
            "path": str(self.dir / NAME),
            "env": data.ENV_VAR,
            "expected": PAYLOAD_SHA,
            "got": hashlib.sha256(self.served or b"").hexdigest(),
            "proxy": getattr(self, "proxy", None),
        }[key]


@pytest.fixture
def hub(tmp_path, monkeypatch):
    server = Server()
    hub = Hub(tmp_path / "hub", server, monkeypatch)
    yield hub
    hub.restore()
    server.close()


def dcase(id, setup, error, word, names, requests=None):
    return pytest.param(setup, error, word, names, requests, id=id)


DATA_CASES = [
    dcase("missing-file-offline", lambda h: h, data.DownloadError, r"Connection refused", ("url", "path", "env")),
    dcase("truncated-file-offline", lambda h: h.cached(TRUNCATED), data.DownloadError, r"is not used",
          ("url", "path", "env", "expected")),
    dcase("corrupt-file-offline", lambda h: h.cached(CORRUPT), data.DownloadError, r"is not used",
          ("url", "path", "env", "expected")),
    dcase("empty-file-offline", lambda h: h.cached(b""), data.DownloadError, r"is not used",
          ("url", "path", "expected")),
    dcase("download-corrupt", lambda h: h.serve(CORRUPT), data.ChecksumError, r"not the expected",
          ("url", "path", "env", "expected", "got")),
    dcase("download-truncated", lambda h: h.serve(TRUNCATED), data.ChecksumError, r"discarded",
          ("url", "path", "expected", "got")),
    dcase("download-interrupted", lambda h: h.serve(TRUNCATED, declared=len(PAYLOAD)), data.DownloadError,
          r"\d+ bytes still to come", ("url", "path", "env")),
    dcase("download-http-404", lambda h: h.not_found(), data.DownloadError, r"HTTP 404", ("url", "path", "env")),
    dcase("download-corrupt-over-corrupt-file", lambda h: h.cached(CORRUPT).serve(CORRUPT), data.ChecksumError,
          r"is not used", ("url", "path", "expected", "got")),
    dcase("download-endless-body", lambda h: h.serve_endless(), data.DownloadError, r"more than the limit of 1048576",
          ("url", "path", "env")),
    dcase("download-announces-too-much", lambda h: h.serve(b"", declared=10**9), data.DownloadError,
          r"announced 1000000000 bytes", ("url", "path")),
    dcase("download-drip-fed", lambda h: h.serve_drip(deadline=0.3), data.DownloadError, r"deadline of 0\.3 s",
          ("url", "path", "env")),
    dcase("download-through-dead-proxy", lambda h: h.through_dead_proxy(), data.DownloadError,
          r"proxy .*http_proxy.*refused", ("url", "path", "proxy"), requests=[]),
    dcase("download-through-dead-proxy-with-password", lambda h: h.through_dead_proxy("reader:secret@"),
          data.DownloadError, r"^(?!.*secret)(?!.*reader:).*proxy", ("proxy",), requests=[]),
    dcase("directory-in-the-way", lambda h: h.directory_in_the_way(), data.DataDirError, r"is a directory",
          ("path", "env"), requests=[]),
    dcase("cached-file-unreadable", lambda h: h.unreadable(), data.DataDirError, r"cannot read.*chmod",
          ("path", "env"), requests=[]),
    dcase("data-dir-is-a-file", lambda h: h.dir_is_a_file(), data.DataDirError, r"must name a directory",
          ("url", "path", "env")),
    dcase("data-dir-under-a-file", lambda h: h.dir_under_a_file(), data.DataDirError, r"cannot create the directory",
          ("url", "path", "env")),
    dcase("data-dir-read-only", lambda h: h.dir_read_only(), data.DataDirError, r"not writable",
          ("url", "path", "env")),
    dcase("data-dir-only-whitespace", lambda h: h.dir_is_whitespace(), data.DataDirError, r"only whitespace", ("env",),
          requests=[]),
    dcase("data-dir-refuses-files", lambda h: h.no_new_files(), data.DataDirError, r"cannot save .*Permission denied",
          ("path", "env")),
    dcase("data-dir-refuses-files-with-corrupt-file", lambda h: h.cached(TRUNCATED).no_new_files(), data.DataDirError,
          r"is not used", ("path", "expected")),
]


@pytest.mark.parametrize("setup, error, word, names, requests", DATA_CASES)
def test_bad_data_is_named_never_used_and_leaves_the_cache_as_it_was(hub, setup, error, word, names, requests,
                                                                     capsys):
    setup(hub)
    before = hub.snapshot()
    with pytest.raises(error) as info:
        d2l.get_data_ch11(batch_size=5, n=20)
    assert isinstance(info.value, OSError)
    message = str(info.value)
    assert re.search(word, message), message
    for key in names:
        assert hub.named(key) in message, key
    if requests is not None:  # what reached the hub: [] means the problem was found before any download
        assert hub.server.requests == requests
    after = hub.snapshot()
    assert not [name for name in after if name.endswith(".part")]  # no partial download
    assert after == before  # nothing written, nothing replaced by bad bytes
    assert capsys.readouterr().out == ""
