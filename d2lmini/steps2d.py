"""One-step update rules in two dimensions, with ``train_2d``'s trainer signature.

A trainer maps the state ``(x1, x2, s1, s2)`` and a gradient function to the
next state. The factories below fix the learning rate η (and ε), so the same
rule runs on any objective of :class:`~d2lmini.objectives.RotatedQuadratic`:

>>> from d2lmini import RotatedQuadratic, make_adagrad_2d, train_2d
>>> points = train_2d(make_adagrad_2d(eta=0.4), f_grad=RotatedQuadratic(0).grad)
epoch 20, x1: -2.382563, x2: -0.158591
"""

from __future__ import annotations

import math
from typing import Callable

from . import _checks

State2D = tuple[float, float, float, float]
Gradient2D = Callable[[float, float], tuple[float, float]]
Trainer2D = Callable[[float, float, float, float, Gradient2D], State2D]

ADAGRAD_EPS = 1e-6
"""Adagrad's ε in the 2-D examples, inside the square root as on the reference page."""
RMSPROP_EPS = ADAGRAD_EPS
"""RMSProp's ε in the 2-D examples: inside the square root, like Adagrad's."""
RMSPROP_GAMMA = 0.9
"""RMSProp's default forgetting factor γ."""


def make_gd_2d(eta: float) -> Trainer2D:
    """Gradient descent, :math:`x_t = x_{t-1} - \\eta\\, g_t`.

    The accumulator slots ``s1, s2`` are passed through unchanged.
    """
    eta = _checks.positive_float("eta", eta)

    def gd_2d(x1: float, x2: float, s1: float, s2: float, f_grad: Gradient2D) -> State2D:
        g1, g2 = f_grad(x1, x2)
        return x1 - eta * g1, x2 - eta * g2, s1, s2

    return gd_2d


def make_adagrad_2d(eta: float, eps: float = ADAGRAD_EPS) -> Trainer2D:
    """Adagrad, coordinate by coordinate, with ε inside the square root:

    .. math::

        s_t = s_{t-1} + g_t^2, \\qquad
        x_t = x_{t-1} - \\frac{\\eta}{\\sqrt{s_t + \\epsilon}}\\, g_t .
    """
    eta = _checks.positive_float("eta", eta)
    eps = _checks.positive_float("eps", eps)

    def adagrad_2d(x1: float, x2: float, s1: float, s2: float, f_grad: Gradient2D) -> State2D:
        g1, g2 = f_grad(x1, x2)
        s1 += g1 * g1
        s2 += g2 * g2
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
        return x1, x2, s1, s2

    return adagrad_2d


def make_rmsprop_2d(eta: float, gamma: float = RMSPROP_GAMMA, eps: float = RMSPROP_EPS) -> Trainer2D:
    """RMSProp, coordinate by coordinate: a leaky average of squared gradients,

    .. math::

        s_t = \\gamma\\, s_{t-1} + (1 - \\gamma)\\, g_t^2, \\qquad
        x_t = x_{t-1} - \\frac{\\eta}{\\sqrt{s_t + \\epsilon}}\\, g_t ,

    with :math:`s_0 = 0` and :math:`0 \\le \\gamma < 1` (γ = 0 keeps only the
    latest squared gradient). The slots ``s1, s2`` hold :math:`s_t`.
    """
    eta = _checks.positive_float("eta", eta)
    gamma = _checks.nonnegative_float("gamma", gamma)
    if gamma >= 1:
        raise ValueError(f"gamma must be a number in [0, 1); got {gamma!r}")
    eps = _checks.positive_float("eps", eps)
    keep = 1.0 - gamma

    def rmsprop_2d(x1: float, x2: float, s1: float, s2: float, f_grad: Gradient2D) -> State2D:
        g1, g2 = f_grad(x1, x2)
        s1 = gamma * s1 + keep * (g1 * g1)
        s2 = gamma * s2 + keep * (g2 * g2)
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
        return x1, x2, s1, s2

    return rmsprop_2d
