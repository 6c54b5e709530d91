"""The numbers behind the explorer: GD and Adagrad side by side on f_θ.

For a base rate η, a rotation θ (degrees) and a number of steps,
:func:`explore_data` runs both step rules of :mod:`d2lmini.steps2d` through
:func:`~d2lmini.train2d.trajectory_2d` on
:class:`~d2lmini.objectives.RotatedQuadratic` and returns the paths together
with Adagrad's per-coordinate effective learning rates

.. math::

    \\eta_{t,i} = \\frac{\\eta}{\\sqrt{s_{t,i} + \\epsilon}}, \\qquad t = 1, \\dots, T .

This module is the single source of truth for both explorers: the notebook
one (:mod:`d2lmini.widgets`) draws these arrays, and the web one
(``_static/adagrad-explorer.js``) repeats the same floating-point operations in
the same order, which a browser test checks to 1e-9. It imports neither
IPython nor ipywidgets nor matplotlib.

>>> data = explore_data(eta=0.4, theta=0, steps=20)
>>> format_point(*data.adagrad[-1, :2])
'x1: -2.382563, x2: -0.158591'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _checks
from .objectives import RotatedQuadratic
from .steps2d import ADAGRAD_EPS, make_adagrad_2d, make_gd_2d
from .train2d import DIVERGENCE_BOUND, START, trajectory_2d

ETA_RANGE: tuple[float, float] = (0.01, 10.0)
"""The explorers' range for η (a logarithmic slider)."""
THETA_RANGE: tuple[float, float] = (0.0, 180.0)
"""The explorers' range for θ, in degrees."""
STEPS_RANGE: tuple[int, int] = (1, 100)
"""The explorers' range for the number of steps."""
DEFAULTS = {"eta": 0.4, "theta": 0.0, "steps": 20}
"""The explorers' starting values: the reference page's first run."""
EPS = ADAGRAD_EPS
"""Adagrad's ε, the default of :func:`~d2lmini.steps2d.make_adagrad_2d`."""

VIEW_LIMIT = 12.0
"""Points farther than this from the origin (in either coordinate) do not widen the view."""


@dataclass(frozen=True)
class Exploration:
    """Both runs for one setting of the explorer.

    ``gd`` and ``adagrad`` hold the states ``(x1, x2, s1, s2)`` with shape
    ``(steps + 1, 4)``, row 0 being the start (-5, -2, 0, 0). ``rates`` has
    shape ``(steps, 2)``: row ``t - 1`` is Adagrad's η/√(s_t + ε) for both
    coordinates. ``*_diverged_at`` is the first step at which a coordinate
    exceeded :data:`~d2lmini.train2d.DIVERGENCE_BOUND` in magnitude (or
    became non-finite), else ``None``.
    """

    eta: float
    theta: float
    steps: int
    gd: np.ndarray
    adagrad: np.ndarray
    rates: np.ndarray
    gd_diverged_at: int | None
    adagrad_diverged_at: int | None


def diverged_at(states: np.ndarray) -> int | None:
    """First row whose ``x1`` or ``x2`` is non-finite or exceeds the divergence bound, else ``None``.

    This is :func:`~d2lmini.train2d.trajectory_2d`'s criterion.
    """
    xy = np.asarray(states, dtype=float)[:, :2]
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(xy) <= DIVERGENCE_BOUND).all(axis=1)
    rows = np.flatnonzero(bad)
    return int(rows[0]) if rows.size else None


def effective_rates(states: np.ndarray, eta: float, eps: float = EPS) -> np.ndarray:
    """Adagrad's effective rates :math:`\\eta / \\sqrt{s_{t,i} + \\epsilon}` for t = 1..T.

    ``states`` are Adagrad's ``(x1, x2, s1, s2)`` rows from
    :func:`~d2lmini.train2d.trajectory_2d`; the result has one row per step.
    The expression is the one :func:`~d2lmini.steps2d.make_adagrad_2d` uses,
    so the values are bit-for-bit the rates that moved the iterate.
    """
    eta = _checks.positive_float("eta", eta)
    eps = _checks.positive_float("eps", eps)
    states = np.asarray(states, dtype=float)
    if states.ndim != 2 or states.shape[1] != 4 or states.shape[0] < 2:
        raise ValueError(
            f"states must have shape (steps + 1, 4) with steps >= 1, as trajectory_2d returns; got {states.shape}"
        )
    return eta / np.sqrt(states[1:, 2:] + eps)


def check_settings(eta: float, theta: float, steps: int) -> tuple[float, float, int]:
    """Return ``(eta, theta, steps)`` as numbers if each lies in the explorers' range, else raise."""
    eta = _checks.finite_float("eta", eta)
    if not ETA_RANGE[0] <= eta <= ETA_RANGE[1]:
        raise ValueError(f"eta must be a number in [{ETA_RANGE[0]}, {ETA_RANGE[1]}]; got {eta!r}")
    theta = _checks.finite_float("theta", theta)
    if not THETA_RANGE[0] <= theta <= THETA_RANGE[1]:
        low, high = THETA_RANGE
        raise ValueError(f"theta must be a number of degrees in [{low:g}, {high:g}]; got {theta!r}")
    return eta, theta, _checks.int_in_range("steps", steps, *STEPS_RANGE)


def explore_data(eta: float, theta: float, steps: int) -> Exploration:
    """Run GD and Adagrad (ε = 1e-6) for ``steps`` steps from (-5, -2) on :math:`f_\\theta`.

    ``eta`` must lie in :data:`ETA_RANGE`, ``theta`` (degrees) in
    :data:`THETA_RANGE` and ``steps`` in :data:`STEPS_RANGE`, the explorers'
    ranges. A diverging run is recorded, not warned about: the explorer says
    "diverged" itself.
    """
    eta, theta, steps = check_settings(eta, theta, steps)

    f_grad = RotatedQuadratic(theta).grad
    gd = trajectory_2d(make_gd_2d(eta), steps, f_grad, warn=False)
    adagrad = trajectory_2d(make_adagrad_2d(eta, EPS), steps, f_grad, warn=False)
    return Exploration(
        eta=eta,
        theta=theta,
        steps=steps,
        gd=gd,
        adagrad=adagrad,
        rates=effective_rates(adagrad, eta, EPS),
        gd_diverged_at=diverged_at(gd),
        adagrad_diverged_at=diverged_at(adagrad),
    )


def format_point(x1: float, x2: float) -> str:
    """``'x1: {x1:f}, x2: {x2:f}'``, the number format of ``train_2d``'s last line."""
    return f"x1: {x1:f}, x2: {x2:f}"


def final_line(states: np.ndarray) -> str:
    """The line ``train_2d`` prints for these states: ``epoch T, x1: ..., x2: ...``."""
    states = np.asarray(states, dtype=float)
    return f"epoch {states.shape[0] - 1}, {format_point(*states[-1, :2])}"


def contour_levels(theta: float, count: int = 9) -> np.ndarray:
    """Contour values :math:`f_\\theta(-5, -2) \\cdot 4^{k}` for k = 3, 2, ..., 4 - count.

    The start lies on the fourth-widest ellipse; each next one is half as
    large (a quarter of the value of f), so the picture looks alike for
    every θ and the outer ones still fill a view widened by a large η.
    """
    count = _checks.int_in_range("count", count, 1, 50)
    f0 = RotatedQuadratic(theta)(START[0], START[1])
    return f0 * 4.0 ** (3 - np.arange(count))


def ellipse(theta: float, level: float, points: int = 73) -> np.ndarray:
    """The contour :math:`f_\\theta = c` as a closed polygon of ``points`` vertices, shape (points, 2).

    In rotated coordinates it is :math:`u = \\sqrt{c/a}\\cos t,\\ v = \\sqrt{c/b}\\sin t`;
    turning back by θ gives :math:`x = (u\\cos\\theta - v\\sin\\theta,\\ u\\sin\\theta + v\\cos\\theta)`.
    """
    f = RotatedQuadratic(theta)
    level = _checks.positive_float("level", level)
    points = _checks.int_in_range("points", points, 4, 10_000)
    t = np.linspace(0.0, 2.0 * math.pi, points)
    u, v = math.sqrt(level / f.a) * np.cos(t), math.sqrt(level / f.b) * np.sin(t)
    return np.column_stack([u * f.cos - v * f.sin, u * f.sin + v * f.cos])


def view_box(*paths: np.ndarray, aspect: float = 4 / 3, margin: float = 0.08) -> tuple[float, float, float, float]:
    """A box ``(x_lo, x_hi, y_lo, y_hi)`` of the given width/height ``aspect``.

    It holds the start, the origin and every point of ``paths`` (arrays whose
    first two columns are x1, x2) that lies within :data:`VIEW_LIMIT` in both
    coordinates, padded by ``margin``. A diverging path therefore leaves the
    view instead of shrinking everything else to a dot.
    """
    xy = [np.array([START[:2], (0.0, 0.0)])]
    for path in paths:
        p = np.asarray(path, dtype=float)[:, :2]
        with np.errstate(invalid="ignore"):
            xy.append(p[(np.abs(p) <= VIEW_LIMIT).all(axis=1)])
    pts = np.concatenate(xy)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = margin * (hi - lo).max()
    lo, hi = lo - pad, hi + pad
    width, height = hi - lo
    center = (lo + hi) / 2
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return (
        float(center[0] - width / 2),
        float(center[0] + width / 2),
        float(center[1] - height / 2),
        float(center[1] + height / 2),
    )


def _clamp(value: float, lo: float, hi: float) -> float:
    return float(min(max(value, lo), hi))


def clip_polyline(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Cut a polyline to the rectangle ``box``; pieces are separated by a row of NaN.

    Each segment is clipped (Liang–Barsky), so plotting libraries never see
    coordinates like 1e159. The polyline stops at its first point beyond
    :data:`~d2lmini.train2d.DIVERGENCE_BOUND`: between two later points, both
    astronomically far, the place where a segment would cross the view is
    lost to rounding, so drawing it would show noise.
    """
    x_lo, x_hi, y_lo, y_hi = box
    pts = np.asarray(points, dtype=float)[:, :2]
    first_out = diverged_at(pts)
    if first_out is not None:
        pts = pts[: first_out + 1]
    out: list[tuple[float, float]] = []
    pen: tuple[float, float] | None = None
    for (ax_, ay), (bx, by) in zip(pts[:-1], pts[1:]):
        if not (math.isfinite(ax_) and math.isfinite(ay) and math.isfinite(bx) and math.isfinite(by)):
            pen = None
            continue
        dx, dy = bx - ax_, by - ay
        t0, t1 = 0.0, 1.0
        visible = True
        for p, q in ((-dx, ax_ - x_lo), (dx, x_hi - ax_), (-dy, ay - y_lo), (dy, y_hi - ay)):
            if p == 0:
                if q < 0:
                    visible = False
                    break
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                visible = False
                break
        if not visible:
            pen = None
            continue
        # a cut point may miss the edge by a rounding error; put it on the edge
        start = (float(ax_), float(ay))
        if t0 > 0:
            start = (_clamp(ax_ + t0 * dx, x_lo, x_hi), _clamp(ay + t0 * dy, y_lo, y_hi))
        end = (float(bx), float(by))
        if t1 < 1:
            end = (_clamp(ax_ + t1 * dx, x_lo, x_hi), _clamp(ay + t1 * dy, y_lo, y_hi))
        if pen != start:
            if out:
                out.append((math.nan, math.nan))
            out.append(start)
        out.append(end)
        pen = end if t1 == 1 else None
    if not out and len(pts) and all(map(math.isfinite, pts[0])):
        x, y = pts[0]
        if x_lo <= x <= x_hi and y_lo <= y <= y_hi:
            out.append((float(x), float(y)))
    return np.array(out, dtype=float).reshape(-1, 2)
