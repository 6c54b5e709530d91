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
import sys
from collections.abc import Mapping
from typing import Any, Callable, Sequence

import numpy as np

from . import _checks
from .animator import Animator
from .data import DataIter
from .models import evaluate_loss, linreg, squared_loss
from .timer import Timer

EVAL_EVERY = 200
"""Examples between two evaluations of the full-data loss, as in d2l."""
HUGE = math.sqrt(sys.float_info.max)
"""About 1.34e154: the length of (w, b) beyond which its square overflows; such a run has diverged."""
INIT_SEED = 0
INIT_STD = 0.01

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


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _check_data_iter(data_iter: Any, feature_dim: int | None = None) -> DataIter:
    if not isinstance(data_iter, DataIter):
        raise TypeError(
            "data_iter must be the minibatch iterator returned by d2l.get_data_ch11 "
            f"(a d2lmini.data.DataIter); got {type(data_iter).__name__}"
        )
    if feature_dim is not None:
        feature_dim = _checks.positive_int("feature_dim", feature_dim)
        actual = data_iter.features.shape[1]
        if feature_dim != actual:
            raise ValueError(f"feature_dim must match the data, which has {actual} features; got {feature_dim}")
    return data_iter


def _check_trainer_fn(trainer_fn: Any) -> None:
    _checks.callable_arg("trainer_fn", trainer_fn)
    try:
        signature = inspect.signature(trainer_fn)
    except (TypeError, ValueError):  # some builtins have no signature
        return
    try:
        signature.bind(None, None, None, None)
    except TypeError:
        raise TypeError(
            "trainer_fn must accept (params, grads, states, hyperparams) and update params in place; "
            f"its signature is {signature}. (d2l's PyTorch trainers take (params, states, hyperparams) "
            "and read p.grad; numpy arrays have no .grad, so the gradients are passed in.)"
        ) from None


def _check_hyperparams(hyperparams: Any) -> dict[str, Any]:
    if not isinstance(hyperparams, Mapping):
        raise TypeError(f"hyperparams must be a dict such as {{'lr': 0.1}}; got {type(hyperparams).__name__}")
    for key in hyperparams:
        if not isinstance(key, str):
            raise TypeError(f"hyperparams must have string keys such as 'lr'; got the key {key!r}")
    if "lr" in hyperparams:
        _checks.nonnegative_float("hyperparams['lr']", hyperparams["lr"])
    return dict(hyperparams)


def _check_states(states: Any, params: Sequence[np.ndarray]) -> list[np.ndarray]:
    """``states`` is None, empty, or one entry per parameter: an array, or a tuple of arrays, of its shape.

    Returns every array in ``states``.
    """
    if states is None:
        return []
    if isinstance(states, np.ndarray) or not isinstance(states, Sequence):
        raise TypeError(
            "states must be None or a sequence with one entry per parameter (w, b), "
            f"such as init_adagrad_states(feature_dim); got {type(states).__name__}"
        )
    if len(states) == 0:
        return []
    if len(states) != len(params):
        raise ValueError(
            f"states must hold one entry per parameter (w, b), i.e. {len(params)}; got {len(states)}"
        )
    arrays = []
    for i, (entry, p, name) in enumerate(zip(states, params, ("w", "b"))):
        leaves = [(f"states[{i}]", entry)] if isinstance(entry, np.ndarray) else None
        if leaves is None:
            if not isinstance(entry, Sequence):
                raise TypeError(
                    f"states[{i}] must be a numpy array shaped like {name} {p.shape}, or a tuple of such "
                    f"arrays; got {type(entry).__name__}"
                )
            leaves = [(f"states[{i}][{j}]", leaf) for j, leaf in enumerate(entry)]
        for label, leaf in leaves:
            if not isinstance(leaf, np.ndarray) or not np.issubdtype(leaf.dtype, np.floating):
                raise TypeError(f"{label} must be a floating-point numpy array; got {type(leaf).__name__}")
            if leaf.shape != p.shape:
                raise ValueError(f"{label} must have the shape of {name}, {p.shape}; got {leaf.shape}")
            if not leaf.flags.writeable:
                raise ValueError(f"{label} must be writeable, because the trainer updates it in place")
            arrays.append(leaf)
    return arrays


def _advice(updater: str, hyperparams: Mapping[str, Any]) -> str:
    """What to change when the parameters stop being finite: the update rule, or the learning rate."""
    if "lr" in hyperparams:
        return f"Check {updater}, or lower hyperparams['lr'] (now {hyperparams['lr']!r})."
    return f"Check {updater}, or lower the learning rate in hyperparams (it has no 'lr')."


def _nonfinite_value(arrays: Sequence[np.ndarray]) -> str | None:
    """'nan' or 'inf' if some entry of ``arrays`` is one (NaN first), else None."""
    if any(np.isnan(a).any() for a in arrays):
        return "nan"
    if not all(np.isfinite(a).all() for a in arrays):
        return "inf"
    return None


def _fit(step: Callable[[], Any], model: _LinearRegression, data_iter: DataIter, num_epochs: int,
         plot: bool, who: str, advice: str) -> TrainResult:
    """The loop shared by both trainers; ``step()`` applies one update from ``model.grads``.

    After every step the parameters are checked: the first step that leaves a
    NaN or inf in ``w`` or ``b`` raises ``ValueError`` naming that step, with
    ``advice`` (which argument to change) appended. A full-data loss that is
    not finite raises too, naming the step where ``(w, b)`` first grew beyond
    :data:`HUGE`, if it did. The check costs one dot product per step, of
    θ = (w, b, 1) with itself.
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
    huge_since: str | None = None  # where |(w, b, 1)| first exceeded HUGE

    def where(epoch: int, start: int) -> str:
        step_number = epoch * len(starts) + start // batch_size + 1
        return f"step {step_number} (after {seen} examples, epoch {seen / n:.2f})"

    def record() -> None:
        nonlocal evaluated_at
        timer.stop()
        loss = evaluate_loss(model.net, data_iter, squared_loss)
        if not math.isfinite(loss):
            # Every step has checked that w and b are finite, so they are just too large.
            largest = max(float(np.abs(p).max()) for p in model.params)
            since = f"; the length of (w, b) first exceeded {HUGE:.3g} at {huge_since}" if huge_since else ""
            raise ValueError(
                f"{who}: the full-data loss became {loss} after {seen} examples (epoch {seen / n:.2f}); "
                f"w and b are finite, but so large (largest magnitude {largest:.3g}) that the loss "
                f"overflows{since}. {advice}"
            )
        losses.append(loss)
        if animator is not None:
            animator.add(seen / n, loss)
        evaluated_at = seen

    dot, isfinite = np.dot, math.isfinite
    with np.errstate(all="ignore"):
        for epoch in range(num_epochs):
            shuffled = rows[data_iter.permutation(epoch)]
            scaled = shuffled[:, :d + 1] * row_scale[:, None]
            for start in starts:
                stop = start + batch_size
                residual = shuffled[start:stop] @ theta
                np.dot(residual, scaled[start:stop], out=grad)
                step()
                seen += len(residual)
                # θ·θ is finite unless θ holds NaN or inf or |θ| > HUGE: then look closer.
                if not isfinite(dot(theta, theta)):
                    bad = _nonfinite_value([theta])
                    if bad is not None:
                        raise ValueError(
                            f"{who}: w or b became {bad} at {where(epoch, start)}; "
                            f"every earlier step left them finite. {advice}"
                        )
                    if huge_since is None:
                        huge_since = where(epoch, start)
                if seen >= next_eval:
                    record()
                    next_eval = (seen // EVAL_EVERY + 1) * EVAL_EVERY
                    timer.start()
        if evaluated_at != seen:
            record()
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
    number ≥ 0 (0 is allowed, as in ``torch.optim``).
    Returns ``(cumulative_times, losses)``: the training time up to each
    evaluation and the full-data loss there. ``plot=False`` skips the live plot.

    The first step after which ``w`` or ``b`` holds NaN or inf raises
    ``ValueError`` naming that step, ``trainer_fn`` and ``hyperparams['lr']``.
    If training fails, the arrays in ``states`` are put back as they were at
    the call.
    """
    _check_trainer_fn(trainer_fn)
    hyperparams = _check_hyperparams(hyperparams)
    data_iter = _check_data_iter(data_iter, feature_dim)
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    plot = _check_flag("plot", plot)
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
    except Exception as err:
        for array, before in zip(state_arrays, saved):  # a rejected call leaves the caller's states alone
            array[...] = before
        key = err.args[0] if isinstance(err, KeyError) and err.args else None
        if isinstance(key, str) and key not in hyperparams:
            raise ValueError(
                f"trainer_fn looked up hyperparams[{key!r}], but hyperparams has no such key; "
                f"its keys are {sorted(hyperparams)}"
            ) from err
        raise


def _check_optimizer_names(trainer_fn: Callable[..., Any], hyperparams: dict[str, Any]) -> None:
    try:
        parameters = list(inspect.signature(trainer_fn).parameters.values())
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    accepted = [p.name for p in parameters[1:]
                if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
    name = getattr(trainer_fn, "__name__", type(trainer_fn).__name__)
    for key in hyperparams:
        if key not in accepted:
            hint = " (Keras and Gluon say learning_rate; d2lmini, like PyTorch, says lr)" if key == "learning_rate" else ""
            raise TypeError(
                f"hyperparams has the unknown name {key!r} for {name}{hint}; it accepts {', '.join(accepted)}"
            )


def train_concise_ch11(trainer_fn: Callable[..., Any], hyperparams: Mapping[str, Any], data_iter: DataIter,
                       num_epochs: int = 4, *, plot: bool = True) -> TrainResult:
    """Train with a library optimizer, built as ``trainer_fn([w, b], **hyperparams)``.

    The optimizer's ``step(grads)`` updates ``w`` and ``b`` in place, as
    :class:`d2lmini.optim.Adagrad` does. The model, loss, data order and output
    are those of :func:`train_ch11`. (d2l's PyTorch version minimizes
    ``MSELoss``, which lacks the factor ½ and so doubles the gradient; that only
    matters for optimizers that are not scale-invariant, such as SGD.)
    ``plot=False`` skips the live plot. A name in ``hyperparams`` that
    ``trainer_fn`` does not accept raises ``TypeError`` listing the accepted
    ones; a step that leaves NaN or inf in ``w`` or ``b`` raises ``ValueError``
    naming the step and ``hyperparams['lr']``.
    """
    _checks.callable_arg("trainer_fn", trainer_fn)
    hyperparams = _check_hyperparams(hyperparams)
    _check_optimizer_names(trainer_fn, hyperparams)
    data_iter = _check_data_iter(data_iter)
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    plot = _check_flag("plot", plot)
    model = _LinearRegression(data_iter.features.shape[1], INIT_SEED)
    optimizer = trainer_fn(model.params, **hyperparams)
    step_fn = getattr(optimizer, "step", None)
    if not callable(step_fn):
        raise TypeError(f"trainer_fn must build an optimizer with a step(grads) method; got {type(optimizer).__name__}")
    grads = model.grads
    name = getattr(trainer_fn, "__name__", type(trainer_fn).__name__)
    advice = _advice(f"the optimizer that trainer_fn ({name}) builds", hyperparams)
    return _fit(lambda: step_fn(grads), model, data_iter, num_epochs, plot, "train_concise_ch11", advice)
