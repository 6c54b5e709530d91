"""Draw an optimization path over the contours of a 2-D objective."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import _checks

# d2l's fixed drawing box; the view grows beyond it to contain the whole trace.
_DEFAULT_BOX = (-5.5, 1.0, -3.0, 1.0)


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


def _view_box(points: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """The smallest box holding d2l's default view and every finite point, padded."""
    finite = points[np.isfinite(points).all(axis=1)]
    lo = np.array([_DEFAULT_BOX[0], _DEFAULT_BOX[2]])
    hi = np.array([_DEFAULT_BOX[1], _DEFAULT_BOX[3]])
    if finite.size:
        pad = margin * (finite.max(axis=0) - finite.min(axis=0))
        lo = np.minimum(lo, finite.min(axis=0) - pad)
        hi = np.maximum(hi, finite.max(axis=0) + pad)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def show_trace_2d(f: Callable[[Any, Any], Any], results: Any, ax: Any = None) -> Any:
    """Draw the contours of ``f`` and the path ``results``; return the Axes.

    ``f(x1, x2)`` must accept numpy arrays. The view contains every finite
    point of the path, so a diverging run is drawn rather than cut off.
    """
    import matplotlib.pyplot as plt

    _checks.callable_arg("f", f)
    points = _as_points(results)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 2.5))
    x_lo, x_hi, y_lo, y_hi = _view_box(points)
    grid1, grid2 = np.meshgrid(np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200))
    with np.errstate(all="ignore"):
        values = np.ma.masked_invalid(np.asarray(f(grid1, grid2), dtype=float))
    ax.contour(grid1, grid2, values, colors="#1f77b4")
    ax.plot(points[:, 0], points[:, 1], "-o", color="#ff7f0e")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax
