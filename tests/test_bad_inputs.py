"""The bad-input battery: every bad input to the public d2lmini API is rejected clearly.

Each case is one line of a table: an id, the call, the exception type, and a regex that
the message must match. The regex names the argument (for the data cases: the checksum,
the path or the URL), so the reader learns what to fix. Every exception must be a
ValueError, TypeError or OSError, and a rejected call prints nothing.

Calls on objects that hold state go through a *subject* with a ``snapshot()``: an
optimizer, the states, hyperparameter dict and data iterator passed to ``train_ch11``
or ``train_concise_ch11``, an Animator, the data cache. The snapshot after the
rejected call must equal the one before it: nothing was updated halfway. A failed
download must leave the cache as it was, with no partial file, and a bad cached file
is never used.

Every network access goes to 127.0.0.1: a server started here, or a port where
nothing listens.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat

import numpy as np
import pytest

import d2lmini as d2l
from airfoil_hub import NAME, PAYLOAD, PAYLOAD_SHA, PROXY_VARS, Server, closed_port_url
from d2lmini import data, explorer, optim, sparse
from d2lmini.data import DataIter

ALLOWED = (ValueError, TypeError, OSError)
RQ = d2l.RotatedQuadratic(0)


def case(id, call, error, match):
    return pytest.param(call, error, match, id=id)


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


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def reader_trainer(x1, x2, s1, s2):
    """A 2-D trainer written the way a reader would, without f_grad (gradient descent)."""
    return x1 - 0.08 * x1, x2 - 1.6 * x2, s1, s2


def linear_data(n=50, d=5, batch_size=10, seed=1):
    """Seeded examples y = x·w* + noise, in the iterator that get_data_ch11 returns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return DataIter(X, X @ rng.normal(size=d) + 0.5 * rng.normal(size=n), batch_size)


def adagrad(params, grads, states, hyperparams):
    """The from-scratch Adagrad step: it updates the states before it reads the learning rate."""
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


def sgd(params, grads, states, hyperparams):
    for p, g in zip(params, grads):
        p -= hyperparams["lr"] * g


def sgd_eta(params, grads, states, hyperparams):
    """SGD that calls its learning rate 'eta'."""
    for p, g in zip(params, grads):
        p -= hyperparams["eta"] * g


def read_only(array):
    array.flags.writeable = False
    return array


def sparse_data():
    return sparse.make_sparse_data(n=10, d=3, seed=0)


# --- calls on values: nothing to corrupt ---------------------------------------------------------

ETA = [("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf), ("zero", 0.0), ("negative", -0.4)]
ADAGRAD_HYPERPARAMETERS = ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]

CASES = [
    # the 2-D step rules: eta (η) and eps (ε)
    *[case(f"{factory.__name__}-eta-{label}", lambda f=factory, v=value: f(v), ValueError,
           r"^eta must be a finite number > 0")
      for factory in (d2l.make_gd_2d, d2l.make_adagrad_2d) for label, value in ETA],
    case("make_adagrad_2d-eta-str", lambda: d2l.make_adagrad_2d("0.4"), TypeError, r"^eta must be a finite number > 0"),
    case("make_gd_2d-eta-bool", lambda: d2l.make_gd_2d(True), TypeError, r"^eta must be a finite number > 0"),
    case("make_adagrad_2d-eps-negative", lambda: d2l.make_adagrad_2d(0.4, eps=-1e-6), ValueError, r"^eps must be a finite number > 0"),
    case("make_adagrad_2d-eps-zero", lambda: d2l.make_adagrad_2d(0.4, eps=0.0), ValueError, r"^eps must be a finite number > 0"),
    case("make_adagrad_2d-eps-nan", lambda: d2l.make_adagrad_2d(0.4, eps=math.nan), ValueError, r"^eps must be a finite number > 0"),
    # train_2d: steps, the trainer and f_grad
    case("train_2d-steps-zero", lambda: d2l.train_2d(reader_trainer, steps=0), ValueError, r"^steps must be a positive integer"),
    case("train_2d-steps-negative", lambda: d2l.train_2d(reader_trainer, steps=-3), ValueError, r"^steps must be a positive integer"),
    case("train_2d-steps-float", lambda: d2l.train_2d(reader_trainer, steps=2.5), TypeError, r"^steps must be a positive integer"),
    case("train_2d-steps-str", lambda: d2l.train_2d(reader_trainer, steps="20"), TypeError, r"^steps must be a positive integer"),
    case("train_2d-steps-bool", lambda: d2l.train_2d(reader_trainer, steps=True), TypeError, r"^steps must be a positive integer"),
    case("trajectory_2d-steps-none", lambda: d2l.trajectory_2d(reader_trainer, None), TypeError, r"^steps must be a positive integer"),
    case("train_2d-trainer-not-callable", lambda: d2l.train_2d("adagrad"), TypeError, r"^trainer must be callable"),
    case("train_2d-trainer-arity-with-f_grad", lambda: d2l.train_2d(reader_trainer, f_grad=RQ.grad), TypeError,
         r"^trainer must accept \(x1, x2, s1, s2, f_grad\) because f_grad was given"),
    case("train_2d-trainer-arity-2", lambda: d2l.train_2d(lambda x1, x2: (x1, x2, 0, 0)), TypeError,
         r"^trainer must accept \(x1, x2, s1, s2\); its signature is \(x1, x2\)"),
    case("train_2d-trainer-returns-2", lambda: d2l.train_2d(lambda x1, x2, s1, s2: (x1, x2)), TypeError,
         r"^trainer must return the 4 values \(x1, x2, s1, s2\); at step 1 it returned 2"),
    case("train_2d-trainer-returns-none", lambda: d2l.train_2d(lambda x1, x2, s1, s2: None), TypeError,
         r"^trainer must return the 4 values .* it returned NoneType"),
    case("train_2d-trainer-returns-str", lambda: d2l.train_2d(lambda *x: ("a", "b", "c", "d")), TypeError,
         r"^trainer must return 4 real numbers"),
    case("train_2d-trainer-returns-nan", lambda: d2l.train_2d(lambda x1, x2, s1, s2: (math.nan, x2, s1, s2)), ValueError,
         r"^trainer returned NaN at step 1 from the finite state \[-5.0, -2.0, 0.0, 0.0\]"),
    case("train_2d-f_grad-not-callable", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=3), TypeError,
         r"^f_grad must be callable"),
    case("train_2d-f_grad-arity", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda x: (x, x)), TypeError,
         r"^f_grad must accept \(x1, x2\)"),
    case("train_2d-f_grad-returns-scalar", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda a, b: 1.0),
         TypeError, r"^f_grad must return the 2 partial derivatives .* at step 1, f_grad\(-5.0, -2.0\) returned 1.0"),
    case("train_2d-f_grad-returns-nan", lambda: d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=lambda a, b: (math.nan, b)),
         ValueError, r"^f_grad returned the non-finite gradient \(nan, -2.0\) at step 1"),
    # show_trace_2d and the objective
    *[case(f"show_trace_2d-results-{label}", lambda r=results: d2l.show_trace_2d(RQ, r), error,
           r"^results must be a sequence of \(x1, x2\) points")
      for label, results, error in [("flat", [1.0, 2.0], ValueError), ("triples", [(1.0, 2.0, 3.0)], ValueError),
                                    ("empty", [], ValueError), ("str", "abc", TypeError),
                                    ("nested", [[(1, 2)]], ValueError)]],
    case("show_trace_2d-f-not-callable", lambda: d2l.show_trace_2d("f", [(0.0, 0.0)]), TypeError, r"^f must be callable"),
    case("RotatedQuadratic-theta-nan", lambda: d2l.RotatedQuadratic(math.nan), ValueError, r"^theta must be a finite number"),
    case("RotatedQuadratic-theta-str", lambda: d2l.RotatedQuadratic("45"), TypeError, r"^theta must be a finite number"),
    case("RotatedQuadratic-a-zero", lambda: d2l.RotatedQuadratic(0, a=0), ValueError, r"^a must be a finite number > 0"),
    case("RotatedQuadratic-b-negative", lambda: d2l.RotatedQuadratic(0, b=-2), ValueError, r"^b must be a finite number > 0"),
    # get_data_ch11: checked before anything is read or downloaded
    case("get_data_ch11-batch_size-zero", lambda: d2l.get_data_ch11(batch_size=0), ValueError, r"^batch_size must be an integer in \[1, 1500\]"),
    case("get_data_ch11-batch_size-negative", lambda: d2l.get_data_ch11(batch_size=-3), ValueError, r"^batch_size must be an integer in \[1, 1500\]"),
    case("get_data_ch11-batch_size-above-n", lambda: d2l.get_data_ch11(batch_size=1501), ValueError, r"^batch_size must be an integer in \[1, 1500\]"),
    case("get_data_ch11-batch_size-above-small-n", lambda: d2l.get_data_ch11(batch_size=11, n=10), ValueError, r"^batch_size must be an integer in \[1, 10\]"),
    case("get_data_ch11-batch_size-float", lambda: d2l.get_data_ch11(batch_size=2.5), TypeError, r"^batch_size must be an integer in \[1, "),
    case("get_data_ch11-batch_size-bool", lambda: d2l.get_data_ch11(batch_size=True), TypeError, r"^batch_size must be an integer in \[1, "),
    case("get_data_ch11-n-zero", lambda: d2l.get_data_ch11(n=0), ValueError, r"^n must be an integer in \[1, 1503\]"),
    case("get_data_ch11-n-above-1503", lambda: d2l.get_data_ch11(n=1504), ValueError, r"^n must be an integer in \[1, 1503\]"),
    case("get_data_ch11-n-numpy-above-1503", lambda: d2l.get_data_ch11(n=np.int64(2000)), ValueError, r"^n must be an integer in \[1, 1503\]"),
    case("get_data_ch11-n-str", lambda: d2l.get_data_ch11(n="100"), TypeError, r"^n must be an integer in \[1, 1503\]"),
    case("DataIter-batch_size-above-n", lambda: DataIter(np.zeros((5, 2)), np.zeros(5), 6), ValueError, r"^batch_size must be an integer in \[1, 5\]"),
    case("DataIter-labels-mismatch", lambda: DataIter(np.zeros((5, 2)), np.zeros(4), 2), ValueError, r"^features must have shape \(n, d\) and labels shape \(n,\)"),
    case("DataIter-seed-negative", lambda: DataIter(np.zeros((5, 2)), np.zeros(5), 2, seed=-1), ValueError, r"^seed must be an integer"),
    # optim: constructors
    *[case(f"Adagrad-{name}-{label}", lambda n=name, v=value: optim.Adagrad([np.zeros(2)], **{n: v}), ValueError,
           rf"^{name} must be a finite number >= 0")
      for name in ADAGRAD_HYPERPARAMETERS for label, value in [("negative", -0.1), ("nan", math.nan), ("inf", math.inf)]],
    case("Adagrad-lr-str", lambda: optim.Adagrad([np.zeros(2)], lr="0.1"), TypeError, r"^lr must be a finite number >= 0"),
    case("Adagrad-unknown-hyperparameter", lambda: optim.Adagrad([np.zeros(2)], momentum=0.9), TypeError, r"momentum"),
    *[case(f"SGD-{name}-{label}", lambda n=name, v=value: optim.SGD([np.zeros(2)], **{n: v}), ValueError,
           rf"^{name} must be a finite number >= 0")
      for name in ("lr", "weight_decay") for label, value in [("negative", -1.0), ("nan", math.nan)]],
    case("Adagrad-params-empty", lambda: optim.Adagrad([]), ValueError, r"^params must be a non-empty sequence"),
    case("SGD-params-empty", lambda: optim.SGD(iter([]), lr=0.1), ValueError, r"^params must be a non-empty sequence"),
    case("Adagrad-params-none", lambda: optim.Adagrad(None), TypeError, r"^params must be a non-empty sequence .* got NoneType"),
    case("Adagrad-params-single-array", lambda: optim.Adagrad(np.zeros((3, 2))), TypeError, r"^params must be .* got a single ndarray"),
    case("Adagrad-params-int-array", lambda: optim.Adagrad([np.zeros(2, dtype=int)]), TypeError, r"^params\[0\] must be a floating-point numpy array"),
    case("Adagrad-params-list", lambda: optim.Adagrad([[0.0, 1.0]]), TypeError, r"^params\[0\] must be a floating-point numpy array"),
    case("SGD-params-read-only", lambda: optim.SGD([read_only(np.zeros(2))], lr=0.1), ValueError, r"^params\[0\] must be writeable"),
    # the model, the loss, the timer and the plot
    case("squared_loss-labels-mismatch", lambda: d2l.squared_loss(np.zeros((3, 1)), np.zeros(4)), ValueError,
         r"^y must hold one label per prediction \(3\); got shape \(4,\)"),
    case("evaluate_loss-empty", lambda: d2l.evaluate_loss(lambda X: X, [], d2l.squared_loss), ValueError,
         r"^data_iter must yield at least one example"),
    case("evaluate_loss-not-iterable", lambda: d2l.evaluate_loss(lambda X: X, 3, d2l.squared_loss), TypeError,
         r"^data_iter must be iterable over \(X, y\) minibatches"),
    case("Timer-avg-without-intervals", lambda: d2l.Timer().avg(), ValueError, r"^Timer.avg\(\) needs at least one recorded interval"),
    case("Animator-fmts-empty", lambda: d2l.Animator(fmts=[]), ValueError, r"^fmts must hold at least one format string"),
    case("Animator-min_interval-negative", lambda: d2l.Animator(min_interval=-1), ValueError, r"^min_interval must be a finite number of seconds >= 0"),
    case("Animator-min_interval-nan", lambda: d2l.Animator(min_interval=math.nan), ValueError, r"^min_interval must be a finite number of seconds >= 0"),
    case("Animator-min_interval-str", lambda: d2l.Animator(min_interval="0.1"), TypeError, r"^min_interval must be a finite number of seconds >= 0"),
    case("Animator-add-empty-y", lambda: d2l.Animator().add(0, []), ValueError, r"^y must hold at least one value"),
    # the sparse-feature experiment
    *[case(f"make_sparse_data-{label}", lambda k=kwargs: sparse.make_sparse_data(**k), error, pattern)
      for label, kwargs, error, pattern in [
          ("n-zero", dict(n=0), ValueError, r"^n must be a positive integer"),
          ("n-float", dict(n=2.5), TypeError, r"^n must be a positive integer"),
          ("d-negative", dict(d=-1), ValueError, r"^d must be a positive integer"),
          ("alpha-negative", dict(alpha=-1.0), ValueError, r"^alpha must be a finite number >= 0"),
          ("p_max-above-1", dict(p_max=1.5), ValueError, r"^p_max must be a probability in \(0, 1\]"),
          ("p_max-zero", dict(p_max=0.0), ValueError, r"^p_max must be a finite number > 0"),
          ("noise-nan", dict(noise=math.nan), ValueError, r"^noise must be a finite number >= 0"),
          ("background-negative", dict(background=-0.1), ValueError, r"^background must be a finite number >= 0"),
          ("seed-negative", dict(seed=-1), ValueError, r"^seed must be an integer in \[0, "),
          ("seed-str", dict(seed="zero"), TypeError, r"^seed must be an integer in \[0, "),
      ]],
    *[case(f"train_linear-{label}", lambda k=kwargs: sparse.train_linear(sparse_data(), **({"method": "adagrad", "eta0": 0.1} | k)),
           error, pattern)
      for label, kwargs, error, pattern in [
          ("method-unknown", dict(method="sgd"), ValueError, r"^method must be one of 'global', 'clock', 'adagrad'; got 'sgd'"),
          ("eta0-zero", dict(eta0=0.0), ValueError, r"^eta0 must be a finite number > 0"),
          ("eta0-negative", dict(eta0=-0.1), ValueError, r"^eta0 must be a finite number > 0"),
          ("eta0-empty", dict(eta0=[]), ValueError, r"^eta0 must be a finite number > 0 or a non-empty 1-D sequence"),
          ("eta0-inf-in-list", dict(eta0=[0.1, math.inf]), ValueError, r"^eta0 must be a finite number > 0"),
          ("eta0-2d", dict(eta0=[[0.1]]), ValueError, r"^eta0 must be a finite number > 0"),
          ("eta0-str", dict(eta0="fast"), TypeError, r"^eta0 must be a finite number > 0"),
          ("eta0-bool", dict(eta0=True), TypeError, r"^eta0 must be a finite number > 0"),
          ("c-negative", dict(c=-1.0), ValueError, r"^c must be a finite number > 0"),
          ("c-zero", dict(c=0.0), ValueError, r"^c must be a finite number > 0"),
          ("eps-zero", dict(eps=0.0), ValueError, r"^eps must be a finite number > 0"),
      ]],
    case("train_linear-data-array", lambda: sparse.train_linear(np.zeros((3, 2)), "adagrad", 0.1), TypeError, r"^data must be a SparseData"),
    case("run_experiment-eta0_grid-negative", lambda: sparse.run_experiment(seed=0, n=50, d=5, eta0_grid=[0.1, -1.0]), ValueError, r"^eta0_grid must be"),
    case("run_experiment-methods-empty", lambda: sparse.run_experiment(seed=0, n=50, d=5, methods=[]), ValueError, r"^methods must name at least one"),
    case("run_experiment-method-unknown", lambda: sparse.run_experiment(seed=0, n=50, d=5, methods=["global", "newton"]), ValueError, r"^method must be one of"),
    case("run_experiment-eta0_grid-overflows", lambda: sparse.run_experiment(seed=0, n=200, d=10, eta0_grid=[1e6], methods=["global"]),
         ValueError, r"^every base rate in eta0_grid overflowed for method 'global'"),
    # the explorers: the sliders' ranges
    *[case(f"explore_data-{label}", lambda k=kwargs: explorer.explore_data(**({"eta": 0.4, "theta": 0.0, "steps": 20} | k)),
           error, pattern)
      for label, kwargs, error, pattern in [
          ("eta-zero", dict(eta=0.0), ValueError, r"^eta must be a number in \[0.01, 10.0\]"),
          ("eta-above-range", dict(eta=10.5), ValueError, r"^eta must be a number in \[0.01, 10.0\]"),
          ("eta-nan", dict(eta=math.nan), ValueError, r"^eta must be a finite number"),
          ("eta-str", dict(eta="0.4"), TypeError, r"^eta must be a finite number"),
          ("theta-negative", dict(theta=-1.0), ValueError, r"^theta must be a number of degrees in \[0, 180\]"),
          ("theta-above-range", dict(theta=181), ValueError, r"^theta must be a number of degrees in \[0, 180\]"),
          ("theta-inf", dict(theta=math.inf), ValueError, r"^theta must be a finite number"),
          ("steps-zero", dict(steps=0), ValueError, r"^steps must be an integer in \[1, 100\]"),
          ("steps-above-range", dict(steps=101), ValueError, r"^steps must be an integer in \[1, 100\]"),
          ("steps-float", dict(steps=2.0), TypeError, r"^steps must be an integer in \[1, 100\]"),
      ]],
    case("explore-eta-above-range", lambda: d2l.widgets.explore(eta=20), ValueError, r"^eta must be a number in \[0.01, 10.0\]"),
    case("explore-steps-zero", lambda: d2l.widgets.explore(steps=0), ValueError, r"^steps must be an integer in \[1, 100\]"),
    case("explore-show-unknown", lambda: d2l.widgets.explore(show=("gd", "sgd")), ValueError,
         r"^show must name methods from \('gd', 'adagrad', 'rmsprop'\); got 'sgd'"),
    case("explore-show-one-string", lambda: d2l.widgets.explore(show="gd"), TypeError, r"^show must be a collection"),
]


@pytest.mark.parametrize("call, error, match", CASES)
def test_bad_input_is_rejected_with_a_message_naming_it(call, error, match, capsys):
    with pytest.raises(error, match=match) as info:
        call()
    assert isinstance(info.value, ALLOWED)
    assert capsys.readouterr().out == ""  # nothing was trained or printed


# --- calls on objects that hold state: a rejected call changes nothing ---------------------------


class OptimizerSubject:
    """An optimizer over w (3, 1) and b (1,) that has already taken one step, so its state is not trivial."""

    def __init__(self, cls):
        self.w, self.b = np.array([[1.0], [-2.0], [0.5]]), np.array([0.25])
        self.opt = cls([self.w, self.b], lr=0.1)
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
        self.args = dict(trainer_fn=adagrad, states=(np.full((5, 1), 0.5), np.full(1, 0.5)), hyperparams={"lr": 0.1},
                         data_iter=linear_data(n=400), feature_dim=5, num_epochs=1, plot=False) | overrides

    def train(self):
        return d2l.train_ch11(**self.args)

    def snapshot(self):
        return {name: reader_state(self.args[name]) for name in ("states", "hyperparams", "data_iter")}


class ConciseSubject:
    """A train_concise_ch11 call with a reader's hyperparameter dict and data; the snapshot covers both."""

    def __init__(self, **overrides):
        self.args = dict(trainer_fn=optim.Adagrad, hyperparams={"lr": 0.1}, data_iter=linear_data(n=400), num_epochs=1,
                         plot=False) | overrides

    def train(self):
        return d2l.train_concise_ch11(**self.args)

    def snapshot(self):
        return {name: reader_state(self.args[name]) for name in ("hyperparams", "data_iter")}


class AnimatorSubject:
    """An Animator with two lines of two points each."""

    def __init__(self):
        self.anim = d2l.Animator(legend=["a", "b"])
        self.anim.add(0, [1.0, 2.0])
        self.anim.add(1, [0.5, 1.5])

    def snapshot(self):
        return ([list(x) for x in self.anim.X], [list(y) for y in self.anim.Y],
                [list(line.get_ydata()) for line in self.anim.lines])


def scase(id, subject, call, error, match):
    return pytest.param(subject, call, error, match, id=id)


def adagrad_subject():
    return OptimizerSubject(optim.Adagrad)


def sgd_subject():
    return OptimizerSubject(optim.SGD)


W_GRAD = np.ones((3, 1))

STATEFUL_CASES = [
    # grads of the wrong count, shape or type: checked before any parameter moves
    *[scase(f"{name}-{label}", subject, call, error, match)
      for name, subject in [("Adagrad", adagrad_subject), ("SGD", sgd_subject)]
      for label, call, error, match in [
          ("grads-too-few", lambda s: s.opt.step([W_GRAD]), ValueError, r"^grads must hold one array per parameter \(2\); got 1"),
          ("grads-too-many", lambda s: s.opt.step([W_GRAD, np.ones(1), np.ones(1)]), ValueError, r"^grads must hold one array per parameter \(2\); got 3"),
          ("grads-b-wrong-shape", lambda s: s.opt.step([W_GRAD, np.ones(2)]), ValueError, r"^grads\[1\] must have shape \(1,\) like params\[1\]; got \(2,\)"),
          ("grads-w-transposed", lambda s: s.opt.step([np.ones((1, 3)), np.ones(1)]), ValueError, r"^grads\[0\] must have shape \(3, 1\) like params\[0\]; got \(1, 3\)"),
          ("grads-none", lambda s: s.opt.step(None), TypeError, r"^grads must be a sequence with one array per parameter \(2\); got NoneType"),
          ("grads-single-array", lambda s: s.opt.step(np.ones((2, 1))), TypeError, r"^grads must be a sequence .* got a single ndarray"),
          ("grads-str", lambda s: s.opt.step([W_GRAD, np.array(["1"])]), TypeError, r"^grads\[1\] must hold real numbers like params\[1\]; got dtype <U1"),
          ("grads-complex", lambda s: s.opt.step([W_GRAD, np.array([1j])]), TypeError, r"^grads\[1\] must hold real numbers like params\[1\]; got dtype complex128"),
          ("grads-ragged", lambda s: s.opt.step([W_GRAD, [1.0, [2.0]]]), ValueError, r"^grads\[1\] must be an array of shape \(1,\)"),
      ]],
    # train_ch11: every argument, and trainers that fail mid-run; the reader's states stay as they were
    *[scase(f"train_ch11-{label}", lambda o=overrides: TrainSubject(**o), TrainSubject.train, error, match)
      for label, overrides, error, match in [
          ("num_epochs-zero", {"num_epochs": 0}, ValueError, r"^num_epochs must be a positive integer"),
          ("num_epochs-negative", {"num_epochs": -2}, ValueError, r"^num_epochs must be a positive integer"),
          ("num_epochs-float", {"num_epochs": 1.5}, TypeError, r"^num_epochs must be a positive integer"),
          ("feature_dim-mismatch", {"feature_dim": 4}, ValueError, r"^feature_dim must match the data, which has 5 features; got 4"),
          ("feature_dim-zero", {"feature_dim": 0}, ValueError, r"^feature_dim must be a positive integer"),
          ("feature_dim-bool", {"feature_dim": True}, TypeError, r"^feature_dim must be a positive integer"),
          ("states-w-wrong-shape", {"states": (np.zeros((4, 1)), np.zeros(1))}, ValueError, r"^states\[0\] must have the shape of w, \(5, 1\); got \(4, 1\)"),
          ("states-b-wrong-shape", {"states": (np.zeros((5, 1)), np.zeros(2))}, ValueError, r"^states\[1\] must have the shape of b, \(1,\)"),
          ("states-too-many", {"states": (np.zeros((5, 1)), np.zeros(1), np.zeros(1))}, ValueError, r"^states must hold one entry per parameter"),
          ("states-single-array", {"states": np.zeros((5, 1))}, TypeError, r"^states must be None or a sequence"),
          ("states-nested-wrong-shape", {"states": ((np.zeros((5, 1)), np.zeros(3)), (np.zeros(1),))}, ValueError, r"^states\[0\]\[1\] must have the shape of w"),
          ("states-int", {"states": (np.zeros((5, 1), dtype=int), np.zeros(1))}, TypeError, r"^states\[0\] must be a floating-point"),
          ("trainer_fn-arity-3", {"trainer_fn": lambda params, states, hyperparams: None}, TypeError, r"^trainer_fn must accept \(params, grads, states, hyperparams\)"),
          ("trainer_fn-not-callable", {"trainer_fn": "adagrad"}, TypeError, r"^trainer_fn must be callable"),
          ("trainer_fn-returns-nan", {"trainer_fn": adagrad_then_nan}, ValueError,
           r"^train_ch11: w or b became nan at step 1 \(after 10 examples, epoch 0\.03\); every earlier step left them "
           r"finite\. Check trainer_fn, or lower hyperparams\['lr'\] \(now 0\.1\)\.$"),
          ("trainer_fn-writes-inf-at-step-45",
           {"trainer_fn": adagrad_then_inf_at_step(45), "hyperparams": {"lr": 0.1, "t": 0}, "num_epochs": 2}, ValueError,
           r"^train_ch11: w or b became inf at step 45 \(after 450 examples, epoch 1\.1\d\); .*"
           r"Check trainer_fn, or lower hyperparams\['lr'\] \(now 0\.1\)\.$"),
          ("diverging-lr", {"trainer_fn": sgd, "hyperparams": {"lr": 1e6}, "num_epochs": 3}, ValueError,
           r"^train_ch11: the full-data loss became (nan|inf) after \d+ examples .*the length of \(w, b\) first exceeded "
           r"1\.34e\+154 at step \d+ .*Check trainer_fn, or lower hyperparams\['lr'\] \(now 1000000\.0\)\.$"),
          ("diverging-eta", {"trainer_fn": sgd_eta, "hyperparams": {"eta": 1e6}, "num_epochs": 3}, ValueError,
           r"^train_ch11: the full-data loss became (nan|inf) .* at step \d+ .*Check trainer_fn, or lower the learning rate "
           r"in hyperparams \(it has no 'lr'\)\.$"),
          ("hyperparams-list", {"hyperparams": [("lr", 0.1)]}, TypeError, r"^hyperparams must be a dict"),
          ("hyperparams-int-key", {"hyperparams": {1: 0.1}}, TypeError, r"^hyperparams must have string keys"),
          ("lr-negative", {"hyperparams": {"lr": -0.1}}, ValueError, r"^hyperparams\['lr'\] must be a finite number >= 0"),
          ("lr-inf", {"hyperparams": {"lr": math.inf}}, ValueError, r"^hyperparams\['lr'\] must be a finite number >= 0"),
          ("lr-nan", {"hyperparams": {"lr": math.nan}}, ValueError, r"^hyperparams\['lr'\] must be a finite number >= 0"),
          ("lr-str", {"hyperparams": {"lr": "0.1"}}, TypeError, r"^hyperparams\['lr'\] must be a finite number >= 0"),
          ("unknown-name-learning_rate", {"hyperparams": {"learning_rate": 0.1}}, ValueError,
           r"^trainer_fn looked up hyperparams\['lr'\], but hyperparams has no such key; its keys are \['learning_rate'\]"),
          ("data_iter-list", {"data_iter": [(np.zeros((2, 5)), np.zeros(2))]}, TypeError, r"^data_iter must be the minibatch iterator"),
          ("plot-str", {"plot": "no"}, TypeError, r"^plot must be True or False"),
      ]],
    # train_concise_ch11: unknown hyperparameter names, the optimizer's own checks and divergence;
    # the reader's dict and data iterator stay as they were
    *[scase(f"concise-{label}", lambda o=overrides: ConciseSubject(**o), ConciseSubject.train, error, match)
      for label, overrides, error, match in [
          ("learning_rate", {"hyperparams": {"learning_rate": 0.1}}, TypeError,
           r"^hyperparams has the unknown name 'learning_rate' for Adagrad.*it accepts lr, lr_decay"),
          ("momentum-Adagrad", {"hyperparams": {"lr": 0.1, "momentum": 0.9}}, TypeError,
           r"^hyperparams has the unknown name 'momentum' for Adagrad"),
          ("momentum-SGD", {"trainer_fn": optim.SGD, "hyperparams": {"lr": 0.1, "momentum": 0.9}}, TypeError,
           r"^hyperparams has the unknown name 'momentum' for SGD; it accepts lr, weight_decay"),
          ("lr-negative", {"hyperparams": {"lr": -1.0}}, ValueError, r"^hyperparams\['lr'\] must be a finite number >= 0"),
          ("eps-negative", {"hyperparams": {"lr": 0.1, "eps": -1.0}}, ValueError, r"^eps must be a finite number >= 0"),
          ("num_epochs-zero", {"num_epochs": 0}, ValueError, r"^num_epochs must be a positive integer"),
          ("trainer_fn-not-callable", {"trainer_fn": 3}, TypeError, r"^trainer_fn must be callable"),
          ("trainer_fn-no-step", {"trainer_fn": lambda params, lr: object()}, TypeError,
           r"^trainer_fn must build an optimizer with a step"),
          ("data_iter-str", {"data_iter": "airfoil"}, TypeError, r"^data_iter must be the minibatch iterator"),
          ("plot-str", {"plot": "no"}, TypeError, r"^plot must be True or False"),
          ("diverging-lr", {"trainer_fn": optim.SGD, "hyperparams": {"lr": 1e6}, "num_epochs": 3}, ValueError,
           r"^train_concise_ch11: the full-data loss became (nan|inf) .* at step \d+ .*Check the optimizer that "
           r"trainer_fn \(SGD\) builds, or lower hyperparams\['lr'\] \(now 1000000\.0\)\.$"),
          ("optimizer-writes-nan", {"trainer_fn": SGDThenNan}, ValueError,
           r"^train_concise_ch11: w or b became nan at step 3 \(after 30 examples, epoch 0\.07\); .*Check the optimizer "
           r"that trainer_fn \(SGDThenNan\) builds, or lower hyperparams\['lr'\] \(now 0\.1\)\.$"),
      ]],
    # the Animator: a wrong number of values adds nothing to any line
    scase("Animator-add-too-many-y", AnimatorSubject, lambda s: s.anim.add(2, [0.1, 0.2, 0.3]), ValueError,
          r"^y \(and x, if a sequence\) must hold one value per line \(2\)"),
    scase("Animator-add-x-mismatch", AnimatorSubject, lambda s: s.anim.add([2, 3, 4], [0.1, 0.2]), ValueError,
          r"^y \(and x, if a sequence\) must hold one value per line \(2\); got 2 y and 3 x values"),
]


@pytest.mark.parametrize("subject, call, error, match", STATEFUL_CASES)
def test_rejected_call_is_named_and_changes_nothing(subject, call, error, match, capsys):
    target = subject()
    before = target.snapshot()
    capsys.readouterr()
    with pytest.raises(error, match=match) as info:
        call(target)
    assert isinstance(info.value, ALLOWED)
    assert target.snapshot() == before
    assert capsys.readouterr().out == ""


def test_no_step_is_taken_before_the_states_are_checked():
    calls = []

    def recorder(params, grads, states, hyperparams):
        calls.append(1)

    with pytest.raises(ValueError, match="states"):
        TrainSubject(trainer_fn=recorder, states=(np.zeros((3, 1)), np.zeros(1))).train()
    assert calls == []


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

    def not_found(self):
        self._set_url(self.server.url(f"/{NAME}"))  # nothing registered there: HTTP 404
        return self

    # what the cache holds
    def cached(self, body):
        (self.dir / NAME).write_bytes(body)
        return self

    def dir_is_a_file(self):
        self.use_dir(self.root / "not-a-directory")
        self.dir.write_text("x")
        return self

    def dir_under_a_file(self):
        (self.root / "plain-file").write_text("x")
        self.use_dir(self.root / "plain-file" / "cache")
        return self

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

    def no_temporary_file(self):
        """The directory refuses new files (as a read-only or full disk would, even for root)."""

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        self.monkeypatch.setattr("tempfile.mkstemp", refuse)
        return self

    def restore(self):
        if self.dir.is_dir():
            self.dir.chmod(0o755)

    def snapshot(self):
        """Every file under root, with its bytes."""
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}

    def named(self, key):
        return {
            "url": self.url,
            "path": str(self.dir / NAME),
            "env": data.ENV_VAR,
            "expected": PAYLOAD_SHA,
            "got": hashlib.sha256(self.served or b"").hexdigest(),
        }[key]


@pytest.fixture
def hub(tmp_path, monkeypatch):
    server = Server()
    hub = Hub(tmp_path / "hub", server, monkeypatch)
    yield hub
    hub.restore()
    server.close()


def dcase(id, setup, error, match, names):
    return pytest.param(setup, error, match, names, id=id)


DATA_CASES = [
    dcase("missing-file-offline", lambda h: h, data.DownloadError, r"^could not download .* Connection refused", ("url", "path", "env")),
    dcase("truncated-file-offline", lambda h: h.cached(TRUNCATED), data.DownloadError, r"is not used", ("url", "path", "env", "expected")),
    dcase("corrupt-file-offline", lambda h: h.cached(CORRUPT), data.DownloadError, r"is not used", ("url", "path", "env", "expected")),
    dcase("empty-file-offline", lambda h: h.cached(b""), data.DownloadError, r"is not used", ("url", "path", "expected")),
    dcase("download-corrupt", lambda h: h.serve(CORRUPT), data.ChecksumError, r"^the file downloaded from .* has SHA-256 .* not the expected",
          ("url", "path", "env", "expected", "got")),
    dcase("download-truncated", lambda h: h.serve(TRUNCATED), data.ChecksumError, r"SHA-256 .* it was discarded", ("url", "path", "expected", "got")),
    dcase("download-interrupted", lambda h: h.serve(TRUNCATED, declared=len(PAYLOAD)), data.DownloadError,
          r"^could not download .*the connection closed with \d+ bytes still to come", ("url", "path", "env")),
    dcase("download-http-404", lambda h: h.not_found(), data.DownloadError, r"HTTP 404", ("url", "path", "env")),
    dcase("download-corrupt-over-corrupt-file", lambda h: h.cached(CORRUPT).serve(CORRUPT), data.ChecksumError, r"is not used",
          ("url", "path", "expected", "got")),
    dcase("data-dir-is-a-file", lambda h: h.dir_is_a_file(), data.DataDirError, rf"^{data.ENV_VAR}=.*must name a directory",
          ("url", "path", "env")),
    dcase("data-dir-under-a-file", lambda h: h.dir_under_a_file(), data.DataDirError, rf"^{data.ENV_VAR}=.*cannot create the directory",
          ("url", "path", "env")),
    dcase("data-dir-read-only", lambda h: h.dir_read_only(), data.DataDirError, rf"^{data.ENV_VAR}=.*not writable", ("url", "path", "env")),
    dcase("data-dir-refuses-files", lambda h: h.no_temporary_file(), data.DataDirError, r"^cannot create a temporary file in .*Permission denied",
          ("url", "path", "env")),
    dcase("data-dir-refuses-files-with-corrupt-file", lambda h: h.cached(TRUNCATED).no_temporary_file(), data.DataDirError, r"is not used",
          ("url", "path", "expected")),
]


@pytest.mark.parametrize("setup, error, match, names", DATA_CASES)
def test_bad_data_is_named_never_used_and_leaves_the_cache_as_it_was(hub, setup, error, match, names, capsys):
    setup(hub)
    before = hub.snapshot()
    with pytest.raises(error, match=match) as info:
        d2l.get_data_ch11(batch_size=5, n=20)
    assert isinstance(info.value, OSError)
    message = str(info.value)
    for key in names:
        assert hub.named(key) in message, key
    after = hub.snapshot()
    assert not [name for name in after if name.endswith(".part")]  # no partial download
    assert after == before  # nothing written, nothing replaced by bad bytes
    assert capsys.readouterr().out == ""


def test_the_battery_has_at_least_thirty_cases_and_distinct_ids():
    ids = [p.id for p in CASES + STATEFUL_CASES + DATA_CASES]
    assert len(ids) >= 30
    assert len(ids) == len(set(ids))
