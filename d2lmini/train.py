"""Minibatch training of linear regression on the airfoil data, with d2l's call shapes.

``train_ch11`` takes a from-scratch update rule ``trainer_fn(params, grads,
states, hyperparams)`` that changes ``params`` in place (the signature of
d2l's TensorFlow tab: numpy has no autograd, so the gradients are passed in).
``train_concise_ch11`` takes an optimizer class such as
:class:`d2lmini.optim.Adagrad`. Both fit

.. math::

    \\hat{y} = \\mathbf{x}^\\top \\mathbf{w} + b, \\qquad
    L = \\frac{1}{m} \\sum_{i=1}^{m} \\tfrac{1}{2} (\\hat{y}_i - y_i)^2,

on minibatches of ``m`` examples, with the analytic gradient
:math:`\\partial_\\mathbf{w} L = \\frac{1}{m} \\mathbf{X}^\\top \\mathbf{r}`,
:math:`\\partial_b L = \\frac{1}{m} \\sum_i r_i`, where
:math:`\\mathbf{r} = \\hat{\\mathbf{y}} - \\mathbf{y}`. Every run starts from the
same seeded :math:`\\mathbf{w} \\sim \\mathcal{N}(0, 0.01^2)`, :math:`b = 0` and
visits the minibatches of epochs 0, 1, ... of ``data_iter``, so two runs with
the same arguments are identical. The full-data loss is recorded every 200
examples (and after the last one); the printed seconds per epoch exclude that
evaluation and the plot.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any, Callable, Sequence

import numpy as np

from . import _checks
from .animator import Animator
from .data import DataIter
from .divergence import DIVERGENCE_BOUND, diverged
from .models import evaluate_loss, linreg, squared_loss
from .timer import Timer

EVAL_EVERY = 200
"""Examples between two evaluations of the full-data loss, as in d2l."""
INIT_SEED = 0
INIT_STD = 0.01
MAX_EPOCHS = 10_000
"""The largest ``num_epochs``: on the airfoil data, about a minute of training."""

TrainResult = tuple[list[float], list[float]]


class _LinearRegression:
    """Parameters ``w`` (d, 1) and ``b`` (1,) as views of one vector θ = (w, b, 1), and their gradients.

    The constant last entry of θ multiplies the column −y of the training
    matrix, so one product gives the residuals X w + b − y.
    """

    def __init__(self, feature_dim: int, seed: int) -> None:
        d = feature_dim
        self.theta = np.zeros(d + 2)
        self.theta[:d] = np.random.default_rng(seed).normal(0.0, INIT_STD, d)
        self.theta[d + 1] = 1.0
        self.grad = np.zeros(d + 1)
        self.params = [self.theta[:d].reshape(d, 1), self.theta[d:d + 1]]
        self.grads = [self.grad[:d].reshape(d, 1), self.grad[d:]]

    def net(self, X: np.ndarray) -> np.ndarray:
        w, b = self.params
        return linreg(X, w, b)


_DATA_ITER = "the minibatch iterator returned by d2l.get_data_ch11 (a d2lmini.data.DataIter)"
_SCRATCH = "(params, grads, states, hyperparams) and update params in place"


def _check_common(hyperparams: Any, data_iter: Any, num_epochs: Any, plot: Any) -> tuple[dict[str, Any], int, bool]:
    """Check the arguments both trainers share; return ``hyperparams`` as a copy, ``num_epochs`` and ``plot``."""
    _checks.instance("hyperparams", hyperparams, Mapping, "a dict such as {'lr': 0.1}")
    for key in hyperparams:
        _checks.instance("each key of hyperparams", key, str, "a string such as 'lr'")
    if "lr" in hyperparams:
        _checks.nonnegative_float("hyperparams['lr']", hyperparams["lr"])
    _checks.instance("data_iter", data_iter, DataIter, _DATA_ITER)
    return dict(hyperparams), _checks.positive_int("num_epochs", num_epochs, MAX_EPOCHS), _checks.flag("plot", plot)


def _check_trainer_fn(trainer_fn: Any) -> None:
    if inspect.isclass(trainer_fn):
        raise TypeError(f"trainer_fn must be an update function {_SCRATCH}; got the class {trainer_fn.__name__} "
                        "(an optimizer class goes to d2l.train_concise_ch11)")
    _checks.accepts("trainer_fn", trainer_fn, (None,) * 4, _SCRATCH,
                    " (d2l's PyTorch trainers take (params, states, hyperparams) and read p.grad; "
                    "numpy arrays have no .grad, so the gradients are passed in)")


def _check_states(states: Any, params: Sequence[np.ndarray]) -> list[np.ndarray]:
    """``states`` is None, empty, or one entry per parameter: an array, or a sequence of arrays, of its shape.

    Returns every array in ``states``.
    """
    if states is None:
        return []
    states = _checks.sequence("states", states, "None or a sequence with one entry per parameter (w, b), "
                              "such as init_adagrad_states(feature_dim)", empty=True)
    if states and len(states) != len(params):
        raise ValueError(f"states must hold one entry per parameter (w, b), i.e. {len(params)}; got {len(states)}")
    arrays = []
    for i, (entry, p) in enumerate(zip(states, params)):
        name = f"states[{i}]"
        if isinstance(entry, np.ndarray):
            arrays.append(_checks.float_array(name, entry, p.shape, writeable=True))
        else:
            leaves = _checks.sequence(name, entry, f"a numpy array of shape {p.shape}, or a sequence of them")
            arrays += [_checks.float_array(f"{name}[{j}]", leaf, p.shape, writeable=True)
                       for j, leaf in enumerate(leaves)]
    return arrays


def _advice(updater: str, hyperparams: Mapping[str, Any]) -> str:
    """What to change when the parameters stop being finite: the update rule, or the learning rate."""
    if "lr" in hyperparams:
        return f"Check {updater}, or lower hyperparams['lr'] (now {hyperparams['lr']!r})."
    return f"Check {updater}, or lower the learning rate in hyperparams (it has no 'lr')."


def _nonfinite_value(array: np.ndarray) -> str | None:
    """'nan' or 'inf' if some entry of ``array`` is one (NaN first), else None."""
    if np.isnan(array).any():
        return "nan"
    return None if np.isfinite(array).all() else "inf"


def _fit(step: Callable[[], Any], model: _LinearRegression, data_iter: DataIter, num_epochs: int,
         plot: bool, who: str, advice: str) -> TrainResult:
    """The loop shared by both trainers; ``step()`` applies one update from ``model.grads``.

    Before every step the gradient is checked, and after it the parameters:
    the first step whose gradient, ``w`` or ``b`` holds a NaN or inf raises
    ``ValueError`` naming that step, with ``advice`` (which argument to change)
    appended. A full-data loss that is not finite raises too. Either message
    names the step where ``(w, b)`` first diverged (a coordinate beyond
    :data:`~d2lmini.divergence.DIVERGENCE_BOUND`), if it did. The checks cost
    two dot products per step (of θ = (w, b, 1) and of the gradient with
    themselves); only when one of them exceeds the bound² is a closer look taken.
    If training stops with any exception (KeyboardInterrupt included), the
    live plot's figure is closed.
    """
    n, batch_size = data_iter.num_examples, data_iter.batch_size
    starts = range(0, n, batch_size)
    # Row i of `rows` is (x_i, 1, -y_i), so rows @ θ is the residual x_i·w + b - y_i,
    # and residual @ rows[:, :d+1] is the summed gradient of (w, b). Dividing each
    # row by the size of its minibatch (in `scaled`) turns that sum into the mean.
    d = data_iter.features.shape[1]
    rows = np.hstack([data_iter.features, np.ones((n, 1)), -data_iter.labels[:, None]])
    batch_of_row = np.arange(n) // batch_size
    row_scale = 1.0 / np.minimum(batch_size, n - batch_of_row * batch_size)
    theta, grad = model.theta, model.grad

    animator = None
    if plot:
        animator = Animator(xlabel="epoch", ylabel="loss", xlim=(0, num_epochs), ylim=(0.22, 0.35), figsize=(5, 3))
    losses: list[float] = []
    timer = Timer()
    seen, evaluated_at, next_eval = 0, 0, EVAL_EVERY
    diverged_since = ""  # where (w, b) first diverged

    def where(epoch: int, start: int) -> str:
        step_number = epoch * len(starts) + start // batch_size + 1
        return f"step {step_number} (after {seen} examples, epoch {seen / n:.2f})"

    def fail(what: str) -> ValueError:
        since = f"; (w, b) first grew beyond {DIVERGENCE_BOUND:.0e} at {diverged_since}" if diverged_since else ""
        return ValueError(f"{who}: {what}{since}. {advice}")

    def record() -> None:
        nonlocal evaluated_at
        timer.stop()
        loss = evaluate_loss(model.net, data_iter, squared_loss)
        if not math.isfinite(loss):
            # Every step has checked that w and b are finite, so they are just too large.
            largest = max(float(np.abs(p).max()) for p in model.params)
            raise fail(f"the full-data loss became {loss} after {seen} examples (epoch {seen / n:.2f}); w and b are "
                       f"finite, but so large (largest magnitude {largest:.3g}) that the loss overflows")
        losses.append(loss)
        if animator is not None:
            animator.add(seen / n, loss)
        evaluated_at = seen

    dot, bound2 = np.dot, DIVERGENCE_BOUND ** 2
    try:
        with np.errstate(all="ignore"):
            for epoch in range(num_epochs):
                shuffled = rows[data_iter.permutation(epoch)]
                scaled = shuffled[:, :d + 1] * row_scale[:, None]
                for start in starts:
                    stop = start + batch_size
                    residual = shuffled[start:stop] @ theta
                    np.dot(residual, scaled[start:stop], out=grad)
                    # A sum of squares <= B² means finite and within B, in the gradient and in θ.
                    if not dot(grad, grad) <= bound2 and (bad := _nonfinite_value(grad)):
                        raise fail(f"the gradient of w or b became {bad} at {where(epoch, start)}, before the update")
                    step()
                    seen += len(residual)
                    if not dot(theta, theta) <= bound2:
                        if bad := _nonfinite_value(theta):
                            raise fail(f"w or b became {bad} at {where(epoch, start)}; every earlier step left them "
                                       "finite")
                        if not diverged_since and diverged(theta):
                            diverged_since = where(epoch, start)
                    if seen >= next_eval:
                        record()
                        next_eval = (seen // EVAL_EVERY + 1) * EVAL_EVERY
                        timer.start()
            if evaluated_at != seen:
                record()
    except BaseException:
        if animator is not None:
            animator.close()
        raise
    if animator is not None:
        animator.flush()
    print(f"loss: {losses[-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return timer.cumsum(), losses


def train_ch11(trainer_fn: Callable[..., Any], states: Any, hyperparams: Mapping[str, Any], data_iter: DataIter,
               feature_dim: int, num_epochs: int = 2, *, plot: bool = True) -> TrainResult:
    """Train with a from-scratch update rule; print the final loss and the seconds per epoch.

    ``trainer_fn(params, grads, states, hyperparams)`` must update
    ``params = [w, b]`` in place from ``grads`` (same shapes); ``states`` is
    passed through unchanged, so it may be None or, as for Adagrad, one array per
    parameter shaped like it (``(feature_dim, 1)`` and ``(1,)``).
    ``hyperparams`` must be a dict with string keys. ``trainer_fn`` gets one
    copy of it for the whole run, with every key, including names only that
    trainer knows (such as ``'momentum'``, or d2l Adam's step counter ``'t'``,
    which the trainer may update in the copy); the caller's dict is never
    changed. Only ``hyperparams['lr']`` is checked here, if present: a finite
    number ≥ 0 (0 is allowed, as in ``torch.optim``). ``num_epochs`` lies in
    [1, :data:`MAX_EPOCHS`]. Returns ``(cumulative_times, losses)``: the
    training time up to each evaluation and the full-data loss there.
    ``plot=False`` skips the live plot.

    The first step whose gradient, ``w`` or ``b`` holds NaN or inf raises
    ``ValueError`` naming that step, ``trainer_fn`` and ``hyperparams['lr']``.
    If training stops in any way but success (an error, or Ctrl-C), the arrays
    in ``states`` are put back as they were at the call and the plot's figure
    is closed.
    """
    _check_trainer_fn(trainer_fn)
    hyperparams, num_epochs, plot = _check_common(hyperparams, data_iter, num_epochs, plot)
    feature_dim = _checks.positive_int("feature_dim", feature_dim)
    if feature_dim != data_iter.features.shape[1]:
        raise ValueError(f"feature_dim must match the data, which has {data_iter.features.shape[1]} features; "
                         f"got {feature_dim}")
    model = _LinearRegression(feature_dim, INIT_SEED)
    params, grads = model.params, model.grads
    state_arrays = _check_states(states, params)
    saved = [array.copy() for array in state_arrays]
    originals = tuple(params)

    def step() -> None:
        trainer_fn(params, grads, states, hyperparams)
        if params[0] is not originals[0] or params[1] is not originals[1]:
            k = 0 if params[0] is not originals[0] else 1
            raise TypeError(
                f"train_ch11: trainer_fn replaced params[{k}] with a new array instead of updating it in place; "
                f"write e.g. `param -= lr * grad` or `param[:] = ...`, not `params[{k}] = ...`"
            )

    try:
        return _fit(step, model, data_iter, num_epochs, plot, "train_ch11", _advice("trainer_fn", hyperparams))
    except BaseException as err:
        for array, before in zip(state_arrays, saved):  # a failed or interrupted run leaves the states alone
            array[...] = before
        key = err.args[0] if isinstance(err, KeyError) and err.args else None
        if isinstance(key, str) and key not in hyperparams:
            raise ValueError(
                f"trainer_fn looked up hyperparams[{key!r}], but hyperparams has no such key; "
                f"its keys are {sorted(hyperparams)}"
            ) from err
        raise


def _check_optimizer(trainer_fn: Any, hyperparams: dict[str, Any]) -> str:
    """``trainer_fn`` must take ``([w, b], **hyperparams)``; return its name."""
    name = getattr(trainer_fn, "__name__", type(trainer_fn).__name__)
    try:
        parameters = list(inspect.signature(trainer_fn).parameters.values())[1:]
    except (TypeError, ValueError):  # not callable (checked next), or no signature
        parameters = [inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)]
    accepted = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        accepted = list(hyperparams)
    _checks.accepts("trainer_fn", trainer_fn, (None,), "([w, b], **hyperparams) and return an optimizer, such as "
                    "d2l.optim.Adagrad", " (a from-scratch update rule (params, grads, states, hyperparams) goes to "
                    "d2l.train_ch11)", {key: value for key, value in hyperparams.items() if key in accepted})
    for key in hyperparams:
        if key not in accepted:
            hint = ("" if key != "learning_rate" else
                    " (Keras and Gluon say learning_rate; d2lmini, like PyTorch, says lr)")
            raise TypeError(
                f"hyperparams has the unknown name {key!r} for {name}{hint}; it accepts {', '.join(accepted)}"
            )
    return name


def train_concise_ch11(trainer_fn: Callable[..., Any], hyperparams: Mapping[str, Any], data_iter: DataIter,
                       num_epochs: int = 4, *, plot: bool = True) -> TrainResult:
    """Train with a library optimizer, built as ``trainer_fn([w, b], **hyperparams)``.

    The optimizer's ``step(grads)`` updates ``w`` and ``b`` in place, as
    :class:`d2lmini.optim.Adagrad` does. The model, loss, data order and output
    are those of :func:`train_ch11`. (d2l's PyTorch version minimizes
    ``MSELoss``, which lacks the factor ½ and so doubles the gradient; that only
    matters for optimizers that are not scale-invariant, such as SGD.)
    ``num_epochs`` lies in [1, :data:`MAX_EPOCHS`] and ``plot=False`` skips the
    live plot. A ``trainer_fn`` that cannot be called so (such as a from-scratch
    update rule), or a name in ``hyperparams`` that it does not accept, raises
    ``TypeError`` saying what it accepts; a step
    whose gradient, ``w`` or ``b`` holds NaN or inf raises ``ValueError``
    naming the step and ``hyperparams['lr']``. A failed run closes its figure.
    """
    hyperparams, num_epochs, plot = _check_common(hyperparams, data_iter, num_epochs, plot)
    name = _check_optimizer(trainer_fn, hyperparams)
    model = _LinearRegression(data_iter.features.shape[1], INIT_SEED)
    optimizer = trainer_fn(model.params, **hyperparams)
    step_fn = getattr(optimizer, "step", None)
    if not callable(step_fn):
        raise TypeError(f"trainer_fn must build an optimizer with a step(grads) method; got {type(optimizer).__name__}")
    grads = model.grads
    advice = _advice(f"the optimizer that trainer_fn ({name}) builds", hyperparams)
    return _fit(lambda: step_fn(grads), model, data_iter, num_epochs, plot, "train_concise_ch11", advice)
