"""Run a 2-D trainer from d2l's starting point and record the path.

``train_2d(trainer, steps=20, f_grad=None)`` has d2l's call shape: it starts at
:math:`(x_1, x_2, s_1, s_2) = (-5, -2, 0, 0)`, applies the trainer ``steps``
times, prints the final point and returns the ``steps + 1`` points visited.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from . import _checks
from .divergence import DIVERGENCE_BOUND, first_divergence

__all__ = ["DIVERGENCE_BOUND", "DivergenceWarning", "MAX_STEPS", "START", "train_2d", "trajectory_2d"]

START: tuple[float, float, float, float] = (-5.0, -2.0, 0.0, 0.0)
"""Initial state ``(x1, x2, s1, s2)``, as in d2l."""

MAX_STEPS = 1_000_000
"""The largest ``steps``: a million trainer calls take seconds and 32 MB of states."""


class DivergenceWarning(RuntimeWarning):
    """The iterates left every reasonable neighbourhood of the start."""


def _state(result: Any, step: int) -> tuple[float, float, float, float]:
    """The trainer's result as 4 floats, or ``TypeError``/``ValueError`` naming the trainer and the step."""
    try:
        values = tuple(result)
        if len(values) == 4 and all(map(_checks.is_real, values)):
            return tuple(map(float, values))  # type: ignore[return-value]
    except TypeError:  # not a sequence
        pass
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{_returned(result, step)}, beyond the float range") from None
    raise TypeError(_returned(result, step))


def _returned(result: Any, step: int) -> str:
    return f"trainer must return 4 real numbers (x1, x2, s1, s2); at step {step} it returned {_checks.shown(result)}"


def _checked_gradient(f_grad: Callable[..., Any]) -> Callable[[float, float], Any]:
    """``f_grad``, with each result checked to be 2 real numbers (NaN and inf allowed)."""

    def gradient(x1: float, x2: float) -> Any:
        result = f_grad(x1, x2)
        try:
            ok = len(result) == 2 and all(map(_checks.is_real, result))
        except TypeError:
            ok = False
        if not ok:
            raise TypeError(f"f_grad must return the 2 partial derivatives (g1, g2) as real numbers; "
                            f"f_grad({x1!r}, {x2!r}) returned {_checks.shown(result)}")
        return result

    return gradient


def _blame_nan(f_grad: Callable[..., Any] | None, previous: np.ndarray, step: int) -> None:
    """Raise ``ValueError`` for a NaN that appeared from the bounded state ``previous``, naming its source."""
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


def trajectory_2d(
    trainer: Callable[..., Any], steps: int = 20, f_grad: Callable[..., Any] | None = None, *, warn: bool = True
) -> np.ndarray:
    """Return the states ``(x1, x2, s1, s2)`` of ``steps`` trainer calls, silently.

    The result has shape ``(steps + 1, 4)``; row 0 is :data:`START`, and
    ``steps`` lies in [1, :data:`MAX_STEPS`]. If the iterates diverge (by the
    rule of :mod:`d2lmini.divergence`: a coordinate beyond
    :data:`DIVERGENCE_BOUND` or not finite), one :class:`DivergenceWarning`
    names the step, the remaining steps still run, and arithmetic overflow
    stays quiet. A trainer that produces NaN from a state that has not
    diverged is a bug and raises ``ValueError``; so is a trainer result other
    than 4 real numbers (a bool or a numeric string is not one), and likewise
    for the 2 numbers ``f_grad`` returns. ``warn=False`` (a bool) leaves the
    warning out, for callers that report divergence themselves (the explorers).
    """
    return _run(trainer, steps, f_grad, _checks.flag("warn", warn))


def _run(trainer: Callable[..., Any], steps: int, f_grad: Callable[..., Any] | None, warn: bool) -> np.ndarray:
    """The loop behind :func:`trajectory_2d` and :func:`train_2d` (so a warning points at their caller)."""
    steps = _checks.positive_int("steps", steps, MAX_STEPS)
    if f_grad is None:
        _checks.accepts("trainer", trainer, (0.0,) * 4, "(x1, x2, s1, s2)")
        extra: tuple[Any, ...] = ()
    else:
        _checks.accepts("f_grad", f_grad, (0.0, 0.0), "(x1, x2) and return (g1, g2)")
        _checks.accepts("trainer", trainer, (0.0,) * 4 + (f_grad,), "(x1, x2, s1, s2, f_grad)",
                        " because f_grad was given")
        extra = (_checked_gradient(f_grad),)

    states = np.empty((steps + 1, 4))
    states[0] = state = START
    diverged = False  # whether a state before `step` has diverged; looked up only when it matters

    def diverged_before(step: int) -> bool:
        nonlocal diverged
        diverged = diverged or first_divergence(states[:step, :2]) is not None
        return diverged

    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            try:
                state = _state(trainer(*state, *extra), step)
            except (OverflowError, ZeroDivisionError):
                if not diverged_before(step):
                    raise
                states[step:] = math.nan  # the path has already left the plot
                break
            if any(map(math.isnan, state)) and not diverged_before(step):
                _blame_nan(f_grad, states[step - 1], step)
            states[step] = state
    diverged_at = first_divergence(states[:, :2])
    if warn and diverged_at is not None:
        x1, x2 = states[diverged_at, :2]
        warnings.warn(f"train_2d: the iterates diverged at step {diverged_at} (x1={x1:.3g}, x2={x2:.3g}); "
                      "try a smaller learning rate", DivergenceWarning, stacklevel=3)
    return states


def train_2d(
    trainer: Callable[..., Any], steps: int = 20, f_grad: Callable[..., Any] | None = None
) -> list[tuple[float, float]]:
    """Optimize from (-5, -2) with ``trainer`` and return the ``steps + 1`` points.

    ``trainer(x1, x2, s1, s2)`` (or ``trainer(x1, x2, s1, s2, f_grad)`` when
    ``f_grad`` is given) returns the next state. Prints
    ``epoch {steps}, x1: {x1:f}, x2: {x2:f}`` as d2l does. The checks and the
    divergence warning are those of :func:`trajectory_2d`.
    """
    states = _run(trainer, steps, f_grad, warn=True)
    x1, x2 = states[-1, :2]
    print(f"epoch {steps}, x1: {x1:f}, x2: {x2:f}")
    return [(float(a), float(b)) for a, b in states[:, :2]]
