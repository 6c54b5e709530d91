"""One rule for when an iterate has diverged, shared by training, drawing and the explorers.

A point :math:`x` has diverged when :math:`\\max_i |x_i| > B` or a coordinate is
NaN or infinite, with the bound :math:`B` = :data:`DIVERGENCE_BOUND`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DIVERGENCE_BOUND = 1e6
"""B = 1e6. The book's iterates start at (-5, -2) and its minima lie within a few units
of the origin, so a coordinate beyond 1e6 only comes from a run that blew up; and
B² = 1e12 is far inside the float range, so a quadratic objective, its gradient and
the drawing arithmetic stay finite at every point that has not diverged."""


def diverged(points: Any) -> np.ndarray:
    """For each point (the last axis holds its coordinates), whether it has diverged."""
    with np.errstate(invalid="ignore"):
        return ~(np.abs(np.asarray(points, dtype=float)) <= DIVERGENCE_BOUND).all(axis=-1)


def first_divergence(points: Any) -> int | None:
    """Index of the first of ``points`` (rows) that has diverged, else ``None``."""
    rows = np.flatnonzero(diverged(points))
    return int(rows[0]) if rows.size else None
