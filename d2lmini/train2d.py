"""Run a 2-D trainer from d2l's starting point and record the path.

``train_2d(trainer, steps=20, f_grad=None)`` has d2l's call shape: it starts at
:math:`(x_1, x_2, s_1, s_2) = (-5, -2, 0, 0)`, applies the trainer ``steps``
times, prints the final point and returns the ``steps + 1`` points visited.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any, Callable

import numpy as np

from . import _checks

START: tuple[float, float, float, float] = (-5.0, -2.0, 0.0, 0.0)
"""Initial state ``(x1, x2, s1, s2)``, as in d2l."""

DIVERGENCE_BOUND = 1e6
"""An iterate with a coordinate larger than this in magnitude counts as diverged."""


class DivergenceWarning(RuntimeWarning):
    """The iterates left every reasonable neighbourhood of the start."""


def _check_trainer_signature(trainer: Callable[..., Any], with_grad: bool) -> None:
    try:
        signature = inspect.signature(trainer)
    except (TypeError, ValueError):  # some builtins have no signature
        return
    args = (0.0, 0.0, 0.0, 0.0, None) if with_grad else (0.0, 0.0, 0.0, 0.0)
    try:
        signature.bind(*args)
    except TypeError:
        expected = "(x1, x2, s1, s2, f_grad)" if with_grad else "(x1, x2, s1, s2)"
        raise TypeError(
            f"trainer must accept {expected}"
            f"{' because f_grad was given' if with_grad else ''}; "
            f"its signature is {signature}"
        ) from None


def _check_gradient_signature(f_grad: Callable[..., Any]) -> None:
    try:
        signature = inspect.signature(f_grad)
    except (TypeError, ValueError):  # some builtins have no signature
        return
    try:
        signature.bind(0.0, 0.0)
    except TypeError:
        raise TypeError(f"f_grad must accept (x1, x2) and return (g1, g2); its signature is {signature}") from None


def _unpack_state(result: Any, step: int) -> tuple[float, float, float, float]:
    try:
        values = tuple(result)
    except TypeError:
        raise TypeError(
            f"trainer must return the 4 values (x1, x2, s1, s2); "
            f"at step {step} it returned {type(result).__name__} {result!r}"
        ) from None
    if len(values) != 4:
        raise TypeError(
            f"trainer must return the 4 values (x1, x2, s1, s2); "
            f"at step {step} it returned {len(values)}"
        )
    try:
        return tuple(float(v) for v in values)  # type: ignore[return-value]
    except (TypeError, ValueError):
        raise TypeError(
            f"trainer must return 4 real numbers (x1, x2, s1, s2); at step {step} it returned {values!r}"
        ) from None


def _check_gradient(f_grad: Callable[..., Any], x1: float, x2: float, step: int, err: Exception) -> None:
    """After the trainer failed with ``err``: raise a ``TypeError`` naming ``f_grad`` if it is to blame."""
    try:
        result = f_grad(x1, x2)
    except Exception:
        return  # f_grad fails by itself; its own error is the clearer one
    try:
        values = tuple(result)
        if len(values) == 2 and all(np.ndim(v) == 0 for v in values):
            [float(v) for v in values]  # real numbers, or TypeError/ValueError
            return
    except (TypeError, ValueError):
        pass
    raise TypeError(
        f"f_grad must return the 2 partial derivatives (g1, g2) as numbers; "
        f"at step {step}, f_grad({x1!r}, {x2!r}) returned {result!r}"
    ) from err


def _blame_nan(f_grad: Callable[..., Any] | None, previous: np.ndarray, step: int) -> None:
    """Raise ``ValueError`` for a NaN that appeared from the finite state ``previous``, naming its source."""
    x1, x2 = float(previous[0]), float(previous[1])
    if f_grad is not None:
        gradient = tuple(float(g) for g in f_grad(x1, x2))
        if not all(math.isfinite(g) for g in gradient):
            raise ValueError(
                f"f_grad returned the non-finite gradient {gradient} at step {step}, "
                f"from the finite point ({x1!r}, {x2!r}); check its arithmetic"
            )
    raise ValueError(
        f"trainer returned NaN at step {step} from the finite state {previous.tolist()}; check its arithmetic"
    )


def _is_diverged(x1: float, x2: float) -> bool:
    return not (abs(x1) <= DIVERGENCE_BOUND and abs(x2) <= DIVERGENCE_BOUND)


def trajectory_2d(
    trainer: Callable[..., Any], steps: int = 20, f_grad: Callable[..., Any] | None = None, *, warn: bool = True
) -> np.ndarray:
    """Return the states ``(x1, x2, s1, s2)`` of ``steps`` trainer calls, silently.

    The result has shape ``(steps + 1, 4)``; row 0 is :data:`START`. If the
    iterates diverge (a coordinate becomes non-finite or exceeds
    :data:`DIVERGENCE_BOUND`), one :class:`DivergenceWarning` names the step,
    the remaining steps still run, and arithmetic overflow stays quiet.
    A trainer that produces NaN from a finite, bounded state is a bug and
    raises ``ValueError``. ``warn=False`` leaves the warning out, for callers
    that report divergence themselves (the explorers).
    """
    return _run(trainer, steps, f_grad, warn)


def _run(trainer: Callable[..., Any], steps: int, f_grad: Callable[..., Any] | None, warn: bool) -> np.ndarray:
    """The loop behind :func:`trajectory_2d` and :func:`train_2d` (so a warning points at their caller)."""
    steps = _checks.positive_int("steps", steps)
    _checks.callable_arg("trainer", trainer)
    if f_grad is not None:
        _checks.callable_arg("f_grad", f_grad)
        _check_gradient_signature(f_grad)
    _check_trainer_signature(trainer, with_grad=f_grad is not None)

    states = np.empty((steps + 1, 4))
    states[0] = state = START
    diverged_at: int | None = None
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            args = (*state, f_grad) if f_grad is not None else state
            try:
                state = _unpack_state(trainer(*args), step)
            except (OverflowError, ZeroDivisionError):
                if diverged_at is None:
                    raise
                states[step:] = math.nan  # the path has already left the plot
                break
            except (TypeError, ValueError) as err:
                if f_grad is not None:
                    _check_gradient(f_grad, state[0], state[1], step, err)
                raise
            if diverged_at is None and any(math.isnan(v) for v in state):
                _blame_nan(f_grad, states[step - 1], step)
            states[step] = state
            if diverged_at is None and _is_diverged(state[0], state[1]):
                diverged_at = step
                if warn:
                    warnings.warn(
                        f"train_2d: the iterates diverged at step {step} "
                        f"(x1={state[0]:.3g}, x2={state[1]:.3g}); try a smaller learning rate",
                        DivergenceWarning,
                        stacklevel=3,
                    )
    return states


def train_2d(
    trainer: Callable[..., Any], steps: int = 20, f_grad: Callable[..., Any] | None = None
) -> list[tuple[float, float]]:
    """Optimize from (-5, -2) with ``trainer`` and return the ``steps + 1`` points.

    ``trainer(x1, x2, s1, s2)`` (or ``trainer(x1, x2, s1, s2, f_grad)`` when
    ``f_grad`` is given) returns the next state. Prints
    ``epoch {steps}, x1: {x1:f}, x2: {x2:f}`` as d2l does.
    """
    states = _run(trainer, steps, f_grad, warn=True)
    x1, x2 = states[-1, :2]
    print(f"epoch {steps}, x1: {x1:f}, x2: {x2:f}")
    return [(float(a), float(b)) for a, b in states[:, :2]]
