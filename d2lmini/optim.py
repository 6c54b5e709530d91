"""Library optimizers on numpy arrays, with ``torch.optim`` semantics.

Each optimizer holds references to the parameter arrays and updates them in
place when ``step(grads)`` is called with one gradient array per parameter:

>>> import numpy as np
>>> w = np.array([1.0, -2.0])
>>> opt = Adagrad([w], lr=0.1)
>>> opt.step([np.array([0.5, 4.0])])
>>> w.round(6)
array([ 0.9, -2.1])

A step is all or nothing: it raises, and changes no parameter and no state,
if a gradient is not finite (NaN or inf; ``torch.optim`` would apply it and
poison the parameter for good) or has the wrong shape, or if a parameter has
been made read-only since the optimizer was built. The parameters must be
distinct arrays that share no memory, or one update would be applied twice
(``torch.optim`` warns about a repeated parameter and will reject it).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _checks


def _as_params(params: Sequence[np.ndarray]) -> list[np.ndarray]:
    params = _checks.sequence("params", params, "a sequence of numpy arrays, such as [w, b]")
    for i, p in enumerate(params):
        _checks.float_array(f"params[{i}]", p, writeable=True)
        for j, q in enumerate(params[:i]):
            if np.shares_memory(p, q):
                raise ValueError(f"params[{i}] must be an array of its own, but it shares memory with params[{j}] "
                                 "(the same array or overlapping views), so a step would update it twice")
    return params


class _Optimizer:
    """Shared bookkeeping: the parameters and the check of each gradient list."""

    def __init__(self, params: Sequence[np.ndarray]) -> None:
        self.params = _as_params(params)

    def _checked(self, grads: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``grads`` as finite arrays of the parameters' shapes and dtypes, or raise before anything changes."""
        grads = _checks.sequence("grads", grads, "a sequence with one array per parameter")
        if len(grads) != len(self.params):
            raise ValueError(f"grads must hold one array per parameter ({len(self.params)}); got {len(grads)}")
        for i, p in enumerate(self.params):
            if not p.flags.writeable:  # it was frozen since the optimizer was built
                _checks.float_array(f"params[{i}]", p, writeable=True)
        return [_checks.real_array(f"grads[{i}]", g, p.shape).astype(p.dtype, copy=False)
                for i, (p, g) in enumerate(zip(self.params, grads))]


class SGD(_Optimizer):
    """Minibatch stochastic gradient descent, :math:`w \\leftarrow w - \\eta (g + \\lambda w)`.

    ``lr`` is η ≥ 0 and ``weight_decay`` is λ ≥ 0, as in ``torch.optim.SGD``
    without momentum.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float = 0.001, weight_decay: float = 0.0) -> None:
        super().__init__(params)
        self.lr = _checks.nonnegative_float("lr", lr)
        self.weight_decay = _checks.nonnegative_float("weight_decay", weight_decay)

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient."""
        for p, g in zip(self.params, self._checked(grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            p -= self.lr * g


class Adagrad(_Optimizer):
    """Adagrad with the semantics of ``torch.optim.Adagrad``.

    At step :math:`t = 1, 2, \\ldots`, for each parameter :math:`w` with
    gradient :math:`g`:

    .. math::

        g &\\leftarrow g + \\lambda w, \\qquad
        \\eta_t = \\frac{\\eta}{1 + (t - 1)\\,\\delta}, \\\\
        s &\\leftarrow s + g^2, \\qquad
        w \\leftarrow w - \\eta_t \\frac{g}{\\sqrt{s} + \\epsilon},

    with ``lr`` η, ``lr_decay`` δ, ``weight_decay`` λ and
    :math:`s_0` = ``initial_accumulator_value``. Unlike the from-scratch
    version in the book, ε is added *outside* the square root, as in PyTorch.
    Duchi, Hazan & Singer (2011).

    With ``eps=0`` and ``initial_accumulator_value=0``, a coordinate whose
    gradients have all been 0 would divide 0 by 0 (``torch.optim`` makes it
    NaN); such a step raises ``ValueError`` instead, before anything changes.

    Warning: the effective rate :math:`\\eta_t/(\\sqrt{s} + \\epsilon)` can only
    shrink, which may stall training on long non-convex runs.
    """

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(params)
        self.lr = _checks.nonnegative_float("lr", lr)
        self.lr_decay = _checks.nonnegative_float("lr_decay", lr_decay)
        self.weight_decay = _checks.nonnegative_float("weight_decay", weight_decay)
        self.initial_accumulator_value = _checks.nonnegative_float(
            "initial_accumulator_value", initial_accumulator_value
        )
        self.eps = _checks.nonnegative_float("eps", eps)
        self.state_sums = [np.full_like(p, self.initial_accumulator_value) for p in self.params]
        self.steps = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Accumulate the squared gradients and update every parameter in place."""
        grads = self._checked(grads)
        if self.weight_decay:
            grads = [g + self.weight_decay * p for p, g in zip(self.params, grads)]
        if self.eps == 0:
            for i, (g, s) in enumerate(zip(grads, self.state_sums)):
                if not np.all(s + g * g > 0):
                    raise ValueError(f"grads[{i}] has a coordinate whose gradients were all 0 so far, and with eps=0 "
                                     "its step would be 0/0; use eps > 0 or initial_accumulator_value > 0")
        self.steps += 1
        clr = self.lr / (1 + (self.steps - 1) * self.lr_decay)
        for p, g, s in zip(self.params, grads, self.state_sums):
            s += g * g
            p -= clr * g / (np.sqrt(s) + self.eps)
