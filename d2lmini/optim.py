"""Library optimizers on numpy arrays, with ``torch.optim`` semantics.

Each optimizer holds references to the parameter arrays and updates them in
place when ``step(grads)`` is called with one gradient array per parameter:

>>> import numpy as np
>>> w = np.array([1.0, -2.0])
>>> opt = Adagrad([w], lr=0.1)
>>> opt.step([np.array([0.5, 4.0])])
>>> w.round(6)
array([ 0.9, -2.1])
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from . import _checks


def _as_params(params: Sequence[np.ndarray]) -> list[np.ndarray]:
    if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
        raise TypeError(
            "params must be a non-empty sequence of numpy arrays, such as [w, b]; "
            f"got {'a single ndarray' if isinstance(params, np.ndarray) else type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError("params must be a non-empty sequence of numpy arrays; got an empty one")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            raise TypeError(f"params[{i}] must be a floating-point numpy array; got {type(p).__name__}")
        if not p.flags.writeable:
            raise ValueError(f"params[{i}] must be writeable, because step() updates it in place")
    return params


class _Optimizer:
    """Shared bookkeeping: the parameters and the check of each gradient list."""

    def __init__(self, params: Sequence[np.ndarray]) -> None:
        self.params = _as_params(params)

    def _checked(self, grads: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``grads`` as arrays of the parameters' dtypes, or raise before anything is updated."""
        if isinstance(grads, np.ndarray) or not isinstance(grads, Iterable):
            raise TypeError(
                f"grads must be a sequence with one array per parameter ({len(self.params)}); "
                f"got {'a single ndarray' if isinstance(grads, np.ndarray) else type(grads).__name__}"
            )
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"grads must hold one array per parameter ({len(self.params)}); got {len(grads)}")
        checked = []
        for i, (p, g) in enumerate(zip(self.params, grads)):
            try:
                g = np.asarray(g)
            except ValueError:  # a ragged nested list
                raise ValueError(f"grads[{i}] must be an array of shape {p.shape} like params[{i}]") from None
            if g.dtype.kind not in "fiu":
                raise TypeError(f"grads[{i}] must hold real numbers like params[{i}]; got dtype {g.dtype}")
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] must have shape {p.shape} like params[{i}]; got {g.shape}")
            checked.append(g.astype(p.dtype, copy=False))
        return checked


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
        self.steps += 1
        clr = self.lr / (1 + (self.steps - 1) * self.lr_decay)
        for p, g, s in zip(self.params, grads, self.state_sums):
            if self.weight_decay:
                g = g + self.weight_decay * p
            s += g * g
            p -= clr * g / (np.sqrt(s) + self.eps)
