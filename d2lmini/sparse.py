"""The sparse-feature experiment: one global learning-rate clock against per-feature ones.

A linear model :math:`y = \\mathbf{x}^\\top \\mathbf{w}^* + \\sigma \\varepsilon`,
:math:`\\varepsilon \\sim N(0, 1)`, has ``d`` binary features. Feature
:math:`i = 1, \\ldots, d` is *on* (equal to 1) in an example with the Zipf-like
probability

.. math::

    p_i = p_{\\max}\\, i^{-\\alpha},

so the first features appear in a large share of the examples and the last
ones in a handful. Optionally every feature that is off takes a small value
``background * N(0, 1)`` instead of 0: the data are then no longer sparse,
although each feature is still *large* only rarely.

Three online trainers make one pass over the same seeded stream, one example
per step, on the squared loss :math:`\\tfrac12(\\mathbf{x}_t^\\top \\mathbf{w} - y_t)^2`,
whose gradient is :math:`\\mathbf{g}_t = (\\mathbf{x}_t^\\top \\mathbf{w} - y_t)\\,\\mathbf{x}_t`.
Each starts from :math:`\\mathbf{w} = \\mathbf{0}` and updates
:math:`w_i \\leftarrow w_i - \\eta_{t,i}\\, g_{t,i}` with

* ``"global"``: one schedule for all features, :math:`\\eta_{t,i} = \\eta_0/\\sqrt{t + c}`;
* ``"clock"``: a count clock per feature, :math:`\\eta_{t,i} = \\eta_0/\\sqrt{s(i, t) + c}`,
  where :math:`s(i, t)` counts the examples up to and including step ``t``
  in which feature ``i`` is nonzero;
* ``"adagrad"``: :math:`s_{t,i} = s_{t-1,i} + g_{t,i}^2` and
  :math:`\\eta_{t,i} = \\eta_0/\\sqrt{s_{t,i} + \\epsilon}` (Duchi, Hazan & Singer 2011).

Steps are counted from :math:`t = 1`, so a feature that is nonzero in every
example has :math:`s(i, t) = t` and its clock equals the global schedule.

**Fair tuning.** :func:`run_experiment` trains every method for every
:math:`\\eta_0` in one grid (:data:`ETA0_GRID` by default) and keeps, for each
method separately, the :math:`\\eta_0` with the smallest mean error
:math:`|w_i - w^*_i|` over all features that are on at least once. Every method
gets its own best rate on the very stream it is judged on; ``c`` is the same
for the global schedule and the clocks.

Everything here is numpy; :func:`plot_errors` imports matplotlib only when it
is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from . import _checks
from .style import COLORS, LINESTYLES

#: The trainers, in the order tables and figures show them.
METHODS: tuple[str, ...] = ("global", "clock", "adagrad")

#: How tables and figures name the trainers.
LABELS: dict[str, str] = {
    "global": "global η0/√(t+c)",
    "clock": "count clocks η0/√(s(i,t)+c)",
    "adagrad": "Adagrad",
}

#: The default grid of base rates η0: 0.05 · 2^(k/2) for k = 0, ..., 22, that is
#: 0.05, 0.0707, 0.1, ..., 102.4 (steps of a factor √2).
ETA0_GRID: tuple[float, ...] = tuple(0.05 * 2.0 ** (k / 2) for k in range(23))

#: A feature is *common* if it is on in at least this share of the examples ...
COMMON_MIN_FREQUENCY = 0.05
#: ... and *rare* if it is on in fewer than this share (but at least once).
RARE_MAX_FREQUENCY = 0.005

BUCKETS: tuple[str, ...] = ("common", "medium", "rare")


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class SparseData:
    """A seeded stream for the experiment (all arrays are read-only).

    ``X`` has shape ``(n, d)``, ``y`` and ``w_true`` shapes ``(n,)`` and
    ``(d,)``; ``probs[i]`` is :math:`p_i` and ``counts[i]`` the number of
    examples in which feature ``i`` is on (equal to 1).
    """

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    probs: np.ndarray
    counts: np.ndarray

    @property
    def frequency(self) -> np.ndarray:
        """The share of examples in which each feature is on, ``counts / n``."""
        return self.counts / self.X.shape[0]


def make_sparse_data(
    n: int = 20_000,
    d: int = 200,
    *,
    alpha: float = 1.2,
    p_max: float = 0.5,
    noise: float = 0.1,
    background: float = 0.0,
    seed: int = 0,
) -> SparseData:
    """Draw ``n`` examples of ``d`` Zipf-frequent binary features and their targets.

    Feature ``i`` (1-based) is on with probability ``p_max * i**-alpha``;
    ``w_true`` is drawn from N(0, 1); the target is
    ``y = X @ w_true + noise * N(0, 1)``. With ``background > 0`` every feature
    that is off takes the value ``background * N(0, 1)`` instead of 0.
    Everything is drawn from ``np.random.default_rng(seed)``.

    >>> data = make_sparse_data(n=1000, d=5, seed=0)
    >>> data.X.shape, data.y.shape, data.w_true.shape
    ((1000, 5), (1000,), (5,))
    >>> bool(data.counts[0] > data.counts[-1])
    True
    """
    n = _checks.positive_int("n", n)
    d = _checks.positive_int("d", d)
    alpha = _checks.nonnegative_float("alpha", alpha)
    p_max = _checks.positive_float("p_max", p_max)
    if p_max > 1:
        raise ValueError(f"p_max must be a probability in (0, 1]; got {p_max!r}")
    noise = _checks.nonnegative_float("noise", noise)
    background = _checks.nonnegative_float("background", background)
    seed = _checks.int_in_range("seed", seed, 0, 2**63 - 1)

    rng = np.random.default_rng(seed)
    probs = p_max * np.arange(1, d + 1, dtype=float) ** -alpha
    w_true = rng.standard_normal(d)
    on = rng.random((n, d)) < probs
    if background:
        X = np.where(on, 1.0, background * rng.standard_normal((n, d)))
    else:
        X = on.astype(float)
    y = X @ w_true + noise * rng.standard_normal(n)
    return SparseData(
        X=_frozen(X),
        y=_frozen(y),
        w_true=_frozen(w_true),
        probs=_frozen(probs),
        counts=_frozen(on.sum(axis=0)),
    )


def _check_method(method: Any) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    return method


def _check_eta0(name: str, eta0: Any) -> np.ndarray:
    """``eta0`` as a non-empty 1-D float array of finite values > 0, else raise naming ``name``."""
    allowed = f"{name} must be a finite number > 0 or a non-empty 1-D sequence of them"
    if isinstance(eta0, (bool, str, bytes)):
        raise TypeError(f"{allowed}; got {eta0!r}")
    try:
        values = np.asarray(eta0, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{allowed}; got {eta0!r}") from None
    if values.ndim > 1 or values.size == 0:
        raise ValueError(f"{allowed}; got {eta0!r}")
    if not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"{allowed}; got {eta0!r}")
    return np.atleast_1d(values)


def train_linear(
    data: SparseData,
    method: str,
    eta0: float | Sequence[float],
    *,
    c: float = 1.0,
    eps: float = 1e-6,
) -> np.ndarray:
    """One online pass of ``method`` over ``data``; return the final weights.

    ``eta0`` may be one base rate (the result has shape ``(d,)``) or a 1-D
    sequence of them, trained side by side on the same stream (the result has
    shape ``(len(eta0), d)``). ``c`` > 0 offsets the global schedule and the
    clocks (it keeps the clock of a feature not seen yet finite); ``eps`` > 0 is Adagrad's ε, inside the square root as in the book.
    A run whose rate is too large may overflow; its weights are then inf or
    nan, and no warning is raised.
    """
    if not isinstance(data, SparseData):
        raise TypeError(f"data must be a SparseData from make_sparse_data; got {type(data).__name__}")
    method = _check_method(method)
    rates = _check_eta0("eta0", eta0)
    c = _checks.positive_float("c", c)
    eps = _checks.positive_float("eps", eps)

    X, y = data.X, data.y
    n, d = X.shape
    eta = rates[:, None]  # one row of weights per base rate
    W = np.zeros((rates.size, d))
    nonzeros = np.zeros(d)  # s(i, t) of the count clocks
    sum_sq = np.zeros((rates.size, d))  # Adagrad's accumulator, one per run
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n):
            x = X[t]
            g = (W @ x - y[t])[:, None] * x  # gradient of ½(x·w − y)², one row per run
            if method == "global":
                step = eta / np.sqrt((t + 1) + c)
            elif method == "clock":
                nonzeros += x != 0
                step = eta / np.sqrt(nonzeros + c)
            else:
                sum_sq += g * g
                step = eta / np.sqrt(sum_sq + eps)
            W -= step * g
    return W[0] if np.ndim(eta0) == 0 else W


def bucket_masks(frequency: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks of the common, medium and rare features.

    Common: frequency ≥ :data:`COMMON_MIN_FREQUENCY`; rare: 0 < frequency <
    :data:`RARE_MAX_FREQUENCY`; medium: in between. Features that are never on
    belong to no bucket: no trainer can learn their weights.
    """
    f = np.asarray(frequency, dtype=float)
    if f.ndim != 1 or not np.all((f >= 0) & (f <= 1)):
        raise ValueError("frequency must be a 1-D array of shares in [0, 1]")
    return {
        "common": f >= COMMON_MIN_FREQUENCY,
        "medium": (f >= RARE_MAX_FREQUENCY) & (f < COMMON_MIN_FREQUENCY),
        "rare": (f > 0) & (f < RARE_MAX_FREQUENCY),
    }


@dataclass(frozen=True)
class SparseResult:
    """What :func:`run_experiment` returns.

    ``errors[m]`` holds :math:`|w_i - w^*_i|` (shape ``(d,)``) of method ``m``
    at its chosen base rate ``eta0[m]``; ``grid_errors[m][k]`` is the mean
    error over the seen features for ``eta0_grid[k]`` (inf if that run
    overflowed). ``frequency`` and ``counts`` describe the features.
    """

    frequency: np.ndarray
    counts: np.ndarray
    errors: dict[str, np.ndarray]
    eta0: dict[str, float]
    eta0_grid: tuple[float, ...]
    grid_errors: dict[str, np.ndarray]

    def bucket_means(self) -> dict[str, dict[str, float]]:
        """``{method: {bucket: mean error}}``; an empty bucket gives nan."""
        masks = bucket_masks(self.frequency)
        return {
            m: {b: float(self.errors[m][mask].mean()) if mask.any() else float("nan") for b, mask in masks.items()}
            for m in self.errors
        }

    def table(self) -> str:
        """A plain-text table of the mean error per bucket and the chosen η0."""
        masks = bucket_masks(self.frequency)
        means = self.bucket_means()
        heads = [f"{b} ({int(masks[b].sum())})" for b in BUCKETS]
        lines = [f"{'method':<28} {'eta0':>5}" + "".join(f"{h:>14}" for h in heads)]
        for m in self.errors:
            lines.append(
                f"{LABELS[m]:<28} {self.eta0[m]:>5.2f}" + "".join(f"{means[m][b]:>14.4f}" for b in BUCKETS)
            )
        return "\n".join(lines)


def run_experiment(
    seed: int = 0,
    *,
    n: int = 20_000,
    d: int = 200,
    alpha: float = 1.2,
    p_max: float = 0.5,
    noise: float = 0.1,
    background: float = 0.0,
    c: float = 1.0,
    eps: float = 1e-6,
    eta0_grid: Sequence[float] = ETA0_GRID,
    methods: Sequence[str] = METHODS,
) -> SparseResult:
    """Draw the stream for ``seed``, train every method over ``eta0_grid``, keep each one's best.

    The data arguments go to :func:`make_sparse_data`, ``c`` and ``eps`` to
    :func:`train_linear`. For each method the base rate with the smallest mean
    error over the features that are on at least once is kept; the same seed
    always gives the same result. If every rate of ``eta0_grid`` overflows for
    a method, ``ValueError`` names the method.
    """
    grid = tuple(float(v) for v in _check_eta0("eta0_grid", eta0_grid))
    methods = _checks.sequence("methods", methods, f"a sequence of names from {METHODS}", empty=True)
    methods = tuple(_check_method(m) for m in methods)
    if not methods:
        raise ValueError("methods must name at least one of " + ", ".join(map(repr, METHODS)))
    data = make_sparse_data(n, d, alpha=alpha, p_max=p_max, noise=noise, background=background, seed=seed)
    seen = data.counts > 0
    errors, chosen, grid_errors = {}, {}, {}
    for m in methods:
        err = np.abs(train_linear(data, m, grid, c=c, eps=eps) - data.w_true)
        mean = err[:, seen].mean(axis=1) if seen.any() else err.mean(axis=1)
        mean[~np.isfinite(mean)] = np.inf
        if not np.isfinite(mean).any():
            raise ValueError(f"every base rate in eta0_grid overflowed for method {m!r}; try smaller ones")
        best = int(np.argmin(mean))
        errors[m], chosen[m], grid_errors[m] = _frozen(err[best]), grid[best], _frozen(mean)
    return SparseResult(
        frequency=_frozen(data.frequency),
        counts=data.counts,
        errors=errors,
        eta0=chosen,
        eta0_grid=grid,
        grid_errors=grid_errors,
    )


def plot_errors(result: SparseResult, ax: Any = None) -> Any:
    """Draw each feature's error against its frequency, log-log, one colour per method.

    Dots are single features; each line joins the mean error of a method
    within logarithmically spaced frequency bins. Returns the Axes. A result in
    which no feature is ever on has nothing to draw: ``ValueError``.
    """
    import matplotlib.pyplot as plt

    f = np.asarray(result.frequency)
    seen = f > 0
    if not seen.any():
        raise ValueError("result must have a feature that is on at least once, to plot errors against frequency; "
                         "in this one every feature has frequency 0")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    edges = np.geomspace(f[seen].min(), f[seen].max() * 1.0001, 9)
    which = np.digitize(f, edges) - 1
    for m in result.errors:
        err = result.errors[m]
        color = COLORS[m]
        ax.scatter(f[seen], err[seen], s=6, alpha=0.35, color=color, linewidths=0)
        centers, means = [], []
        for j in range(len(edges) - 1):
            mask = seen & (which == j)
            if mask.any():
                centers.append(np.sqrt(edges[j] * edges[j + 1]))
                means.append(err[mask].mean())
        ax.plot(centers, means, LINESTYLES[m], marker="o", ms=3, color=color, label=LABELS[m])
    for x in (RARE_MAX_FREQUENCY, COMMON_MIN_FREQUENCY):
        ax.axvline(x, color="gray", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel="feature frequency (share of examples)", ylabel=r"$|w_i - w_i^*|$")
    ax.legend()
    return ax
