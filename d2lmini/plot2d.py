"""Draw an optimization path over the contours of a 2-D objective."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import _checks
from .divergence import diverged
from .style import COLORS

# d2l's fixed drawing box; the view grows beyond it to contain the whole trace.
_DEFAULT_BOX = (-5.5, 1.0, -3.0, 1.0)

def _drawable(points: np.ndarray) -> np.ndarray:
    """A copy of ``points`` with NaN in every row that has diverged (see :mod:`d2lmini.divergence`)."""
    drawable = points.astype(float)  # a copy
    drawable[diverged(points)] = np.nan
    return drawable


def _view_box(points: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """The smallest box holding d2l's default view and every finite point, padded by ``margin`` of its span."""
    finite = points[np.isfinite(points).all(axis=1)]
    lo = np.array([_DEFAULT_BOX[0], _DEFAULT_BOX[2]])
    hi = np.array([_DEFAULT_BOX[1], _DEFAULT_BOX[3]])
    if finite.size:
        pad = margin * (finite.max(axis=0) - finite.min(axis=0))
        lo = np.minimum(lo, finite.min(axis=0) - pad)
        hi = np.maximum(hi, finite.max(axis=0) + pad)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _values(f: Callable[[Any, Any], Any], grid1: np.ndarray, grid2: np.ndarray) -> np.ma.MaskedArray:
    """``f`` on the grid, masked where it is not finite; ``TypeError`` if ``f`` does not take arrays."""
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(f(grid1, grid2), dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"f must accept numpy arrays x1, x2 and return f at each point, as "
                        f"d2l.RotatedQuadratic does; on two {grid1.shape} arrays it raised {err!r}") from err
    if values.shape != grid1.shape:
        raise ValueError(f"f must return one value per point, an array of shape {grid1.shape}; got {values.shape}")
    return np.ma.masked_invalid(values)


def show_trace_2d(f: Callable[[Any, Any], Any], results: Any, ax: Any = None) -> Any:
    """Draw the contours of ``f`` and the path ``results`` on ``ax`` (a new figure if None); return the Axes.

    ``f(x1, x2)`` must accept numpy arrays (else ``TypeError``); where it is not
    finite, no contour is drawn. ``results`` is a sequence of (x1, x2) points
    and ``ax`` a matplotlib Axes or None. The view is the smallest box holding
    d2l's box :math:`[-5.5, 1] \\times [-3, 1]` and every drawable point, padded
    by a tenth of the points' span, so a path that leaves d2l's box is not cut
    off. The points that have diverged (a coordinate beyond
    :data:`~d2lmini.divergence.DIVERGENCE_BOUND` = 1e6, or not finite) are left out and the line breaks
    there, so the figure still draws, without overflow warnings. Nothing is
    drawn, and no figure is made, unless every argument is right.
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    _checks.accepts("f", f, (0.0, 0.0), "(x1, x2)")
    points = _drawable(_checks.real_array("results", results, ("n", 2), finite=False))
    if ax is not None:
        _checks.instance("ax", ax, Axes, "a matplotlib Axes, or None for a new figure")
    x_lo, x_hi, y_lo, y_hi = _view_box(points)
    grid1, grid2 = np.meshgrid(np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200))
    values = _values(f, grid1, grid2)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 2.5))
    ax.contour(grid1, grid2, values, colors=COLORS["contour"], linewidths=0.8)
    ax.plot(points[:, 0], points[:, 1], "-o", color=COLORS["adagrad"], ms=3.5)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax
