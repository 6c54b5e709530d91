"""Draw an optimization path over the contours of a 2-D objective."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import _checks
from .style import COLORS

# d2l's fixed drawing box; the view grows beyond it to contain the whole trace.
_DEFAULT_BOX = (-5.5, 1.0, -3.0, 1.0)

DRAW_LIMIT = 1e150
"""Largest coordinate magnitude that :func:`show_trace_2d` draws.

Its square, 1e300, is still a finite float, so a quadratic objective stays
finite over the whole view, and matplotlib's tick and transform arithmetic
keeps a wide margin below the float range (about 1.8e308).
"""


def _as_points(results: Any) -> np.ndarray:
    try:
        points = np.asarray(results, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            "results must be a sequence of (x1, x2) points, as returned by train_2d"
        ) from None
    if points.ndim != 2 or points.shape[0] < 1 or points.shape[1] != 2:
        raise ValueError(
            "results must be a sequence of (x1, x2) points, as returned by train_2d; "
            f"got an array of shape {points.shape}"
        )
    return points


def _drawable(points: np.ndarray) -> np.ndarray:
    """A copy of ``points`` with NaN in every row that is non-finite or has a coordinate beyond ±DRAW_LIMIT."""
    drawable = points.copy()
    drawable[~(np.abs(points) <= DRAW_LIMIT).all(axis=1)] = np.nan  # NaN compares False
    return drawable


def _view_box(points: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """The smallest box holding d2l's default view and every finite point, padded by ``margin`` of its span.

    Expects points within ±DRAW_LIMIT (see :func:`_drawable`), so the box stays
    within ±(1 + 2 margin) DRAW_LIMIT and every operation here is finite.
    """
    finite = points[np.isfinite(points).all(axis=1)]
    lo = np.array([_DEFAULT_BOX[0], _DEFAULT_BOX[2]])
    hi = np.array([_DEFAULT_BOX[1], _DEFAULT_BOX[3]])
    if finite.size:
        pad = margin * (finite.max(axis=0) - finite.min(axis=0))
        lo = np.minimum(lo, finite.min(axis=0) - pad)
        hi = np.maximum(hi, finite.max(axis=0) + pad)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def show_trace_2d(f: Callable[[Any, Any], Any], results: Any, ax: Any = None) -> Any:
    """Draw the contours of ``f`` and the path ``results`` on ``ax`` (a new figure if None); return the Axes.

    ``f(x1, x2)`` must accept numpy arrays; where it is not finite, no contour
    is drawn. The view is the smallest box holding d2l's box
    :math:`[-5.5, 1] \\times [-3, 1]` and every drawable point, padded by a
    tenth of the points' span, so a path that leaves d2l's box is not cut off.
    A point is drawable if both coordinates are at most :data:`DRAW_LIMIT`
    (1e150) in magnitude. The others, such as the late iterates of a
    diverging run (huge, ``inf`` or NaN), are left out and the line breaks
    there, so the figure still draws, without overflow warnings.
    """
    import matplotlib.pyplot as plt

    _checks.callable_arg("f", f)
    points = _drawable(_as_points(results))
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 2.5))
    x_lo, x_hi, y_lo, y_hi = _view_box(points)
    grid1, grid2 = np.meshgrid(np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200))
    with np.errstate(all="ignore"):
        values = np.ma.masked_invalid(np.asarray(f(grid1, grid2), dtype=float))
    ax.contour(grid1, grid2, values, colors=COLORS["contour"], linewidths=0.8)
    ax.plot(points[:, 0], points[:, 1], "-o", color=COLORS["adagrad"], ms=3.5)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax
