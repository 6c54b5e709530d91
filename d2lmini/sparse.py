"""The sparse-feature experiment: one shared learning-rate schedule against per-coordinate ones.

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

Every trainer makes one pass over a seeded stream, one example per step, on
the squared loss :math:`\\tfrac12(\\mathbf{x}_t^\\top \\mathbf{w} - y_t)^2`, whose
gradient is :math:`\\mathbf{g}_t = (\\mathbf{x}_t^\\top \\mathbf{w} - y_t)\\,\\mathbf{x}_t`.
It starts from :math:`\\mathbf{w} = \\mathbf{0}` and :math:`\\mathbf{s} = \\mathbf{0}`,
and at each step adds :func:`tally` to the running totals, then steps

.. math::

    s_i \\leftarrow s_i + \\operatorname{tally}_i, \\qquad
    w_i \\leftarrow w_i - \\frac{\\eta_0}{\\sqrt{s_i + c}}\\, g_{t,i}.

The three rules differ only in what they tally:

* ``"global"`` adds 1 at every step, so :math:`s_i = t` and the rate is the
  shared schedule :math:`\\eta_0/\\sqrt{t + c}`;
* ``"clock"`` adds 1 when feature ``i`` is nonzero, so :math:`s_i = s(i, t)`
  counts the examples that had it (a count clock per feature);
* ``"adagrad"`` adds :math:`g_{t,i}^2`, with :math:`\\epsilon` in place of ``c``
  (Duchi, Hazan & Singer 2011).

**Tuning as a practitioner would.** :func:`run_experiment` trains every rule
with every :math:`\\eta_0` of one grid (:data:`ETA0_GRID` by default), side by
side, and keeps for each rule the :math:`\\eta_0` whose weights have the smallest
loss on a separate validation stream of the same distribution (same
:math:`\\mathbf{w}^*`, fresh examples). The true weights are used only
afterwards, to report each weight's error :math:`|w_i - w^*_i|`.

Everything here is numpy; :func:`plot_errors` imports matplotlib only when it
is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _checks
from .style import COLORS, LINESTYLES

#: The rules, in the order tables and figures show them.
METHODS: tuple[str, ...] = ("global", "clock", "adagrad")

#: How figure legends name the rules.
LABELS: dict[str, str] = {
    "global": r"shared $\eta_0/\sqrt{t+c}$",
    "clock": r"count clocks $\eta_0/\sqrt{s(i,t)+c}$",
    "adagrad": r"Adagrad $\eta_0/\sqrt{s_{t,i}+\epsilon}$",
}

#: How tables name the rules (short, so that a table fits 79 characters).
NAMES: dict[str, str] = {"global": "shared", "clock": "clocks", "adagrad": "Adagrad"}

#: The default grid of base rates η0: 0.05 · 2^(k/2) for k = 0, ..., 14, that is
#: 0.05, 0.0707, 0.1, ..., 6.4 (steps of a factor √2).
ETA0_GRID: tuple[float, ...] = tuple(0.05 * 2.0 ** (k / 2) for k in range(15))

#: A feature is *common* if it is on in at least this share of the examples ...
COMMON_MIN_FREQUENCY = 0.05
#: ... and *rare* if it is on in fewer than this share (but at least once).
RARE_MAX_FREQUENCY = 0.005

BUCKETS: tuple[str, ...] = ("common", "medium", "rare")

#: The two streams of one seed: the training stream and the validation stream.
SPLITS: tuple[str, ...] = ("train", "validation")


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
    n: int = 4000,
    d: int = 100,
    *,
    alpha: float = 1.2,
    p_max: float = 0.5,
    noise: float = 0.1,
    background: float = 0.0,
    seed: int = 0,
    split: str = "train",
) -> SparseData:
    """Draw ``n`` examples of ``d`` Zipf-frequent binary features and their targets.

    Feature ``i`` (1-based) is on with probability ``p_max * i**-alpha``;
    ``w_true`` is drawn from N(0, 1); the target is
    ``y = X @ w_true + noise * N(0, 1)``. With ``background > 0`` every feature
    that is off takes the value ``background * N(0, 1)`` instead of 0.

    One ``seed`` gives one ``w_true`` and two independent streams of examples,
    ``split="train"`` and ``split="validation"``: the same problem, fresh
    examples.

    >>> data = make_sparse_data(n=1000, d=5, seed=0)
    >>> data.X.shape, data.y.shape, data.w_true.shape
    ((1000, 5), (1000,), (5,))
    >>> bool(data.counts[0] > data.counts[-1])
    True
    >>> held_out = make_sparse_data(n=1000, d=5, seed=0, split="validation")
    >>> bool((held_out.w_true == data.w_true).all()), bool((held_out.X == data.X).all())
    (True, False)
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
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(map(repr, SPLITS))}; got {split!r}")

    weights_seed, *stream_seeds = np.random.SeedSequence(seed).spawn(1 + len(SPLITS))
    w_true = np.random.default_rng(weights_seed).standard_normal(d)
    rng = np.random.default_rng(stream_seeds[SPLITS.index(split)])
    probs = p_max * np.arange(1, d + 1, dtype=float) ** -alpha
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


def tally(method: str, x: np.ndarray, g: np.ndarray) -> Any:
    """What ``method`` adds to each coordinate's running total s at one step.

    ``x`` is the step's example and ``g`` its gradient (one row per run when
    several runs train side by side). ``"global"`` counts every step (s = t),
    ``"clock"`` the steps whose example has the feature (s = s(i, t)), and
    ``"adagrad"`` adds the squared gradient (s = Σ g²).

    >>> x, g = np.array([1.0, 0.0]), np.array([-0.5, 0.0])
    >>> tally("global", x, g), tally("clock", x, g).tolist(), tally("adagrad", x, g).tolist()
    (1.0, [True, False], [0.25, 0.0])
    """
    if method == "global":
        return 1.0
    if method == "clock":
        return x != 0
    return g * g


def _check_methods(methods: Any) -> tuple[str, ...]:
    """``methods`` as a tuple of distinct names from :data:`METHODS`, else raise naming ``methods``."""
    names = tuple(_checks.sequence("methods", methods, f"a sequence of names from {METHODS}", empty=True))
    if not names:
        raise ValueError("methods must name at least one of " + ", ".join(map(repr, METHODS)))
    names = tuple(_check_method(m) for m in names)
    if len(set(names)) != len(names):
        raise ValueError(f"methods must name each rule at most once; got {names!r}")
    return names


def _check_method(method: Any) -> str:
    if not isinstance(method, str) or method not in METHODS:
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


def _check_data(name: str, data: Any) -> SparseData:
    if not isinstance(data, SparseData):
        raise TypeError(f"{name} must be a SparseData from make_sparse_data; got {type(data).__name__}")
    return data


def _train(data: SparseData, methods: tuple[str, ...], rates: np.ndarray, c: float, eps: float,
           rule: Callable[[str, np.ndarray, np.ndarray], Any]) -> np.ndarray:
    """Weights of shape ``(len(methods), len(rates), d)``: every rule at every rate, one pass."""
    X, y = data.X, data.y
    W = np.zeros((len(methods), rates.size, X.shape[1]))  # one row of weights per run
    # Each run's total s, kept with its offset already added (s + c, or s + ε for Adagrad).
    S = np.empty_like(W)
    S[...] = np.array([eps if m == "adagrad" else c for m in methods])[:, None, None]
    G, step = np.empty_like(W), np.empty_like(W)  # buffers, reused at every step
    residual = np.empty(W.shape[:2])
    eta = rates[None, :, None]
    with np.errstate(over="ignore", invalid="ignore"):
        for x, y_t in zip(X, y):
            np.matmul(W, x, out=residual)  # one matrix-vector product per rule
            residual -= y_t
            np.multiply(residual[..., None], x, out=G)  # gradient of ½(x·w − y)², one row per run
            for j, m in enumerate(methods):
                S[j] += rule(m, x, G[j])
            np.sqrt(S, out=step)
            np.divide(G, step, out=step)
            step *= eta  # η0 g / √(s + c)
            W -= step
    return W


def train_linear(
    data: SparseData,
    method: str,
    eta0: float | Sequence[float],
    *,
    c: float = 1.0,
    eps: float = 1e-6,
    tally: Callable[[str, np.ndarray, np.ndarray], Any] = tally,
) -> np.ndarray:
    """One online pass of ``method`` over ``data``; return the final weights.

    ``eta0`` may be one base rate (the result has shape ``(d,)``) or a 1-D
    sequence of them, trained side by side on the same stream (the result has
    shape ``(len(eta0), d)``). ``c`` > 0 offsets the shared schedule and the
    clocks (it keeps the rate of a feature not seen yet finite); ``eps`` > 0 is
    Adagrad's ε, inside the square root as in the book. ``tally(method, x, g)``
    says what the rule adds to its totals at each step (the module's
    :func:`tally` by default). A run whose rate is too large may overflow; its
    weights are then inf or nan, and no warning is raised.
    """
    data = _check_data("data", data)
    method = _check_method(method)
    rates = _check_eta0("eta0", eta0)
    c = _checks.positive_float("c", c)
    eps = _checks.positive_float("eps", eps)
    tally = _checks.callable_arg("tally", tally)
    W = _train(data, (method,), rates, c, eps, tally)[0]
    return W[0] if np.ndim(eta0) == 0 else W


def validation_loss(data: SparseData, weights: np.ndarray) -> np.ndarray:
    """The mean squared loss ½(x·w − y)² over the examples of ``data``, for each row of ``weights``.

    ``weights`` has shape ``(..., d)``; the result has shape ``(...)``. A row
    that overflowed (or any non-finite loss) gives inf.
    """
    data = _check_data("data", data)
    W = np.asarray(weights, dtype=float)
    if W.ndim < 1 or W.shape[-1] != data.X.shape[1]:
        raise ValueError(f"weights must have shape (..., {data.X.shape[1]}); got {W.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        loss = 0.5 * np.mean((W @ data.X.T - data.y) ** 2, axis=-1)
    return np.where(np.isfinite(loss), loss, np.inf)


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
    """What :func:`run_experiment` returns (all arrays are read-only).

    ``errors[m]`` holds :math:`|w_i - w^*_i|` (shape ``(d,)``) of rule ``m`` at
    its chosen base rate ``eta0[m]``; ``val_loss[m][k]`` is the validation
    loss of the run with ``eta0_grid[k]`` (inf if that run overflowed), the
    number the choice was made on, and ``grid_errors[m][k]`` that run's mean
    error over the features that occur. ``frequency`` and ``counts`` describe
    the features in the training stream.
    """

    frequency: np.ndarray
    counts: np.ndarray
    errors: dict[str, np.ndarray]
    eta0: dict[str, float]
    eta0_grid: tuple[float, ...]
    val_loss: dict[str, np.ndarray]
    grid_errors: dict[str, np.ndarray]

    def bucket_means(self) -> dict[str, dict[str, float]]:
        """``{method: {bucket: mean error}}``; an empty bucket gives nan."""
        masks = bucket_masks(self.frequency)
        return {
            m: {b: float(self.errors[m][mask].mean()) if mask.any() else float("nan") for b, mask in masks.items()}
            for m in self.errors
        }

    def table(self) -> str:
        """A plain-text table: each rule's η0, validation loss and mean error per bucket."""
        masks = bucket_masks(self.frequency)
        means = self.bucket_means()
        heads = [f"{b} ({int(masks[b].sum())})" for b in BUCKETS]
        lines = [
            f"{'':8} {'':>5} {'val.':>7}   mean |w_i - w*_i| over the features",
            f"{'rule':8} {'eta0':>5} {'loss':>7}" + "".join(f"{h:>13}" for h in heads),
        ]
        for m in self.errors:
            lines.append(f"{NAMES[m]:8} {self.eta0[m]:>5.2f} {self.val_loss[m].min():>7.4f}"
                         + "".join(f"{means[m][b]:>13.4f}" for b in BUCKETS))
        return "\n".join(lines)


def run_experiment(
    seed: int = 0,
    *,
    n: int = 4000,
    d: int = 100,
    alpha: float = 1.2,
    p_max: float = 0.5,
    noise: float = 0.1,
    background: float = 0.0,
    n_val: int | None = None,
    c: float = 1.0,
    eps: float = 1e-6,
    eta0_grid: Sequence[float] = ETA0_GRID,
    methods: Sequence[str] = METHODS,
    tally: Callable[[str, np.ndarray, np.ndarray], Any] = tally,
) -> SparseResult:
    """Train every rule at every η0 of ``eta0_grid`` on the ``seed``'s stream; keep the η0 that validates best.

    The data arguments go to :func:`make_sparse_data`: the training stream has
    ``n`` examples and the validation stream ``n_val`` (default ``n``) of the
    same problem. ``c``, ``eps`` and ``tally`` go to the trainer (see
    :func:`train_linear`); all rules and rates train side by side in one pass.
    For each rule the base rate with the smallest :func:`validation_loss` is
    kept, and its weights' errors against the true weights are reported. The
    same arguments always give the same result. If every rate of
    ``eta0_grid`` overflows for a rule, ``ValueError`` names the rule.
    """
    grid = _check_eta0("eta0_grid", eta0_grid)
    methods = _check_methods(methods)
    n_val = n if n_val is None else _checks.positive_int("n_val", n_val)
    c = _checks.positive_float("c", c)
    eps = _checks.positive_float("eps", eps)
    tally = _checks.callable_arg("tally", tally)
    problem = dict(d=d, alpha=alpha, p_max=p_max, noise=noise, background=background, seed=seed)
    data = make_sparse_data(n, split="train", **problem)
    held_out = make_sparse_data(n_val, split="validation", **problem)

    W = _train(data, methods, grid, c, eps, tally)
    loss = validation_loss(held_out, W)  # shape (methods, rates)
    with np.errstate(invalid="ignore"):
        err = np.abs(W - data.w_true)
    seen = data.counts > 0
    with np.errstate(invalid="ignore"):
        mean_err = err[..., seen].mean(axis=-1) if seen.any() else err.mean(axis=-1)
    mean_err = np.where(np.isfinite(mean_err), mean_err, np.inf)
    errors, chosen, val_loss, grid_errors = {}, {}, {}, {}
    for j, m in enumerate(methods):
        if not np.isfinite(loss[j]).any():
            raise ValueError(f"every base rate in eta0_grid overflowed for method {m!r}; try smaller ones")
        best = int(np.argmin(loss[j]))
        errors[m], chosen[m] = _frozen(err[j, best].copy()), float(grid[best])
        val_loss[m], grid_errors[m] = _frozen(loss[j].copy()), _frozen(mean_err[j].copy())
    return SparseResult(
        frequency=_frozen(data.frequency),
        counts=data.counts,
        errors=errors,
        eta0=chosen,
        eta0_grid=tuple(float(v) for v in grid),
        val_loss=val_loss,
        grid_errors=grid_errors,
    )


def plot_errors(result: SparseResult, ax: Any = None) -> Any:
    """Draw each feature's error against its frequency, log-log, one colour per rule.

    Dots are single features; each line joins the mean error of a rule within
    logarithmically spaced frequency bins; dotted verticals mark the bucket
    edges, named along the top. The legend sits above the axes, clear of the
    data. Returns the Axes. A result in which no feature is ever on has
    nothing to draw: ``ValueError``.
    """
    if not isinstance(result, SparseResult):
        raise TypeError(f"result must be a SparseResult from run_experiment; got {type(result).__name__}")
    f = np.asarray(result.frequency)
    seen = f > 0
    if not seen.any():
        raise ValueError("result must have a feature that is on at least once, to plot errors against frequency; "
                         "in this one every feature has frequency 0")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.8), layout="constrained")
    lo, hi = f[seen].min(), f[seen].max()
    edges = np.geomspace(lo, hi * 1.0001, 8)
    which = np.digitize(f, edges) - 1
    for m in result.errors:
        err = result.errors[m]
        color = COLORS[m]
        ax.scatter(f[seen], err[seen], s=7, alpha=0.35, color=color, linewidths=0)
        centers, means = [], []
        for j in range(len(edges) - 1):
            mask = seen & (which == j)
            if mask.any():
                centers.append(np.sqrt(edges[j] * edges[j + 1]))
                means.append(err[mask].mean())
        ax.plot(centers, means, LINESTYLES[m], marker="o", color=color, label=LABELS[m])
    for x in (RARE_MAX_FREQUENCY, COMMON_MIN_FREQUENCY):
        ax.axvline(x, color=COLORS["reference"], lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel="feature frequency (share of examples)", ylabel=r"$|w_i - w_i^*|$")
    left, right = ax.get_xlim()
    spans = {"rare": (left, RARE_MAX_FREQUENCY), "medium": (RARE_MAX_FREQUENCY, COMMON_MIN_FREQUENCY),
             "common": (COMMON_MIN_FREQUENCY, right)}
    top = ax.secondary_xaxis("top")
    names = [b for b in ("rare", "medium", "common") if spans[b][0] < spans[b][1]]
    top.set_xticks([np.sqrt(spans[b][0] * spans[b][1]) for b in names], names)
    top.tick_params(length=0)
    top.spines["top"].set_visible(False)
    top.xaxis.set_minor_locator(plt.NullLocator())
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.1), ncol=3, borderaxespad=0.0, handlelength=1.8,
              columnspacing=1.0)
    return ax
