"""The rotated quadratic family used throughout the book.

For an angle θ (in degrees) rotate the coordinates,

.. math::

    u = \\cos\\theta\\, x_1 + \\sin\\theta\\, x_2, \\qquad
    v = -\\sin\\theta\\, x_1 + \\cos\\theta\\, x_2,

and define

.. math::

    f_\\theta(x) = a\\, u^2 + b\\, v^2 \\quad (a = 0.1,\\ b = 2).

Its Hessian is :math:`R_\\theta^\\top \\operatorname{diag}(2a, 2b) R_\\theta`, so
the eigenvalues are 0.2 and 4 for every θ; only the eigenvectors turn.
θ = 0 gives the reference page's :math:`f(x) = 0.1 x_1^2 + 2 x_2^2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _checks


@dataclass(frozen=True)
class RotatedQuadratic:
    """:math:`f_\\theta(x) = a u^2 + b v^2`, a quadratic turned by ``theta`` degrees.

    Call it for the value; use :meth:`grad` for the gradient. Both accept
    floats or numpy arrays of matching shape.

    >>> f = RotatedQuadratic(theta=0)
    >>> f(-5.0, -2.0)
    10.5
    >>> f.grad(-5.0, -2.0)
    (-1.0, -8.0)
    """

    theta: float = 0.0
    a: float = 0.1
    b: float = 2.0
    cos: float = field(init=False, repr=False)
    sin: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        theta = _checks.finite_float("theta", self.theta)
        _checks.positive_float("a", self.a)
        _checks.positive_float("b", self.b)
        radians = math.radians(theta)
        object.__setattr__(self, "theta", theta)
        object.__setattr__(self, "cos", math.cos(radians))
        object.__setattr__(self, "sin", math.sin(radians))

    def rotate(self, x1: Any, x2: Any) -> tuple[Any, Any]:
        """Return the rotated coordinates ``(u, v)``."""
        c, s = self.cos, self.sin
        return c * x1 + s * x2, -s * x1 + c * x2

    def __call__(self, x1: Any, x2: Any) -> Any:
        """:math:`f_\\theta(x_1, x_2) = a u^2 + b v^2`."""
        u, v = self.rotate(x1, x2)
        return self.a * (u * u) + self.b * (v * v)

    def grad(self, x1: Any, x2: Any) -> tuple[Any, Any]:
        """:math:`\\nabla f_\\theta = 2a u\\,(\\cos\\theta, \\sin\\theta) + 2b v\\,(-\\sin\\theta, \\cos\\theta)`."""
        c, s = self.cos, self.sin
        u, v = self.rotate(x1, x2)
        du, dv = 2 * self.a * u, 2 * self.b * v
        return du * c - dv * s, du * s + dv * c

    def hessian(self) -> np.ndarray:
        """The constant 2×2 Hessian :math:`R^\\top \\operatorname{diag}(2a, 2b) R`."""
        rotation = np.array([[self.cos, self.sin], [-self.sin, self.cos]])
        return rotation.T @ np.diag([2 * self.a, 2 * self.b]) @ rotation
