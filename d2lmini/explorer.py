"""The numbers behind the explorer: GD, Adagrad and RMSProp side by side on f_θ.

For a base rate η, a rotation θ (degrees), a number of steps, a noise level
σ, a start and RMSProp's γ, :func:`explore_data` runs the three step rules of
:mod:`d2lmini.steps2d` on :class:`~d2lmini.objectives.RotatedQuadratic`. At
step t every method sees the same noisy gradient

.. math::

    g_t = \\nabla f_\\theta(x_{t-1}) + \\sigma z_t ,

where :math:`z_t` is row t - 1 of :func:`noise_table` (common random
numbers: the paths differ only because the methods do). It returns the paths
and the per-coordinate effective learning rates of the adaptive methods,

.. math::

    \\eta_{t,i} = \\frac{\\eta}{\\sqrt{s_{t,i} + \\epsilon}}, \\qquad t = 1, \\dots, T .

This module is the single source of truth for both explorers: the notebook
one (:mod:`d2lmini.widgets`) draws these arrays, and the web one
(``live-figures/adagrad.js``) receives :func:`web_constants` at build time and
repeats the same floating-point operations in the same order, which a browser
test checks. It imports neither IPython nor ipywidgets nor matplotlib.

>>> data = explore_data(eta=0.4, theta=0, steps=20)
>>> format_point(*data.adagrad[-1, :2])
'x1: -2.382563, x2: -0.158591'
>>> data.diverging["gd"], explore_data(eta=0.6, theta=0, steps=20).diverging["gd"]
(False, True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from . import _checks
from .divergence import DIVERGENCE_BOUND, first_divergence
from .objectives import RotatedQuadratic
from .steps2d import (
    ADAGRAD_EPS,
    RMSPROP_GAMMA,
    make_adagrad_2d,
    make_gd_2d,
    make_rmsprop_2d,
)
from .train2d import START

METHODS: tuple[str, ...] = ("gd", "adagrad", "rmsprop")
"""The explorer's methods, in the order they are drawn and listed."""
METHOD_LABELS = MappingProxyType({"gd": "GD", "adagrad": "Adagrad", "rmsprop": "RMSProp"})
"""How the explorers name each method."""
ADAPTIVE_METHODS: tuple[str, ...] = ("adagrad", "rmsprop")
"""The methods with per-coordinate effective rates η/√(s_t + ε)."""

ETA_RANGE: tuple[float, float] = (0.01, 10.0)
"""The explorers' range for η."""
ETA_MANTISSAS: tuple[str, ...] = ("1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "8")
"""The η slider's values in each decade, at most two significant digits each."""
ETA_NOTCHES: tuple[float, ...] = tuple(
    float(f"{m}e{k}") for k in range(-2, 1) for m in ETA_MANTISSAS
) + (10.0,)
"""The η slider's notches from 0.01 to 10 (0.01, 0.012, 0.015, ..., 8, 10): it lands on 0.4, 0.5 and 2."""
THETA_RANGE: tuple[float, float] = (0.0, 180.0)
"""The explorers' range for θ, in degrees (the web slider moves by whole degrees)."""
STEPS_RANGE: tuple[int, int] = (1, 100)
"""The explorers' range for the number of steps."""
NOISE_RANGE: tuple[float, float] = (0.0, 2.0)
"""The explorers' range for the gradient noise σ."""
NOISE_STEP = 0.01
"""The σ slider's step."""
GAMMA_RANGE: tuple[float, float] = (0.0, 0.99)
"""The explorers' range for RMSProp's γ (0 ≤ γ < 1; the slider stops at 0.99)."""
GAMMA_STEP = 0.01
"""The γ slider's step."""
START_RANGE: tuple[tuple[float, float], tuple[float, float]] = ((-8.0, 8.0), (-8.0, 8.0))
"""The range of each coordinate of the start, ``((x1_lo, x1_hi), (x2_lo, x2_hi))``."""
START_STEP = 0.1
"""A dragged start snaps to the nearest multiple of this in each coordinate."""
NOISE_SEED = 0
"""The seed of :func:`noise_table`."""

DEFAULTS = MappingProxyType({
    "eta": 0.4, "theta": 0.0, "steps": 20, "noise": 0.0, "start": (START[0], START[1]),
    "gamma": RMSPROP_GAMMA, "show": ("gd", "adagrad"),
})
"""The explorers' starting values: the reference page's first run, GD and Adagrad shown."""
EPS = ADAGRAD_EPS
"""ε of both adaptive methods, inside the square root (the default of :mod:`d2lmini.steps2d`)."""

VIEW_HALF_WIDTHS: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)
"""The trajectory view's possible half-widths; :func:`view_box` takes the smallest that fits."""
VIEW_ASPECT = 4 / 3
"""Width / height of the trajectory view (both axes have the same scale)."""
VIEW_MARGIN = 1.1
"""The view holds the start's coordinates times this, so the start never sits on an edge."""
RATE_RANGE: tuple[float, float] = (ETA_RANGE[0] / 100, ETA_RANGE[1] * 10)
"""The rate panel's fixed logarithmic range: two decades below the smallest η, one above the largest."""
CONTOUR_COUNT = 9
"""Number of contours drawn."""
CONTOUR_RATIO = 4.0
"""Each contour's value of f is this times the next one's (twice the size)."""
CONTOUR_START_INDEX = 3
"""The contour through the start is the fourth widest (index 3)."""
MARKER_SHAPES = MappingProxyType({"gd": "square", "adagrad": "circle", "rmsprop": "diamond"})
"""The shape of each method's iterates in both explorers."""
RATE_LINESTYLES = MappingProxyType({"x1": "-", "x2": "--", "gd": ":"})
"""The rate panel's line styles: the coordinate of an adaptive method's rate, and GD's constant η."""
SVG_DASHES = MappingProxyType({"-": "", "--": "6 4", "-.": "8 3 2 3", ":": "1.5 3"})
"""matplotlib's line styles as SVG ``stroke-dasharray`` values, for the web explorer."""
DIVERGING_WINDOW = 5
"""The number of last steps :func:`is_diverging` looks at."""
DIVERGING_FACTOR = 2.0
"""How much the distance to the minimum must have grown for :func:`is_diverging`."""


# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """One setting of every control of the explorers (checked by :func:`check_settings`)."""

    eta: float
    theta: float
    steps: int
    noise: float
    start: tuple[float, float]
    gamma: float
    show: tuple[str, ...]

    def to_hash(self) -> str:
        """The URL hash of the web explorer for these settings, without the ``#``.

        >>> check_settings(2, 45, 30, noise=0.5, start=(-4, 3), gamma=0.8).to_hash()
        'eta=2&theta=45&steps=30&noise=0.5&start=-4,3&gamma=0.8&show=gd,adagrad'
        """
        parts = {
            "eta": _number_text(self.eta), "theta": _number_text(self.theta), "steps": str(self.steps),
            "noise": _number_text(self.noise), "start": ",".join(map(_number_text, self.start)),
            "gamma": _number_text(self.gamma), "show": ",".join(self.show),
        }
        return "&".join(f"{key}={value}" for key, value in parts.items())


def _number_text(value: float) -> str:
    """The shortest text that reads back as ``value``, as JavaScript's ``String(value)`` writes it."""
    text = repr(float(value))
    return text.removesuffix(".0")


def _in_range(name: str, value: Any, low: float, high: float, what: str = "a number") -> float:
    """``value`` as a float if it is a finite number in [low, high], else an error naming ``name`` and the range."""
    value = _checks.finite_float(name, value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be {what} in [{low}, {high}]; got {value!r}")
    return value


def check_start(start: Any) -> tuple[float, float]:
    """Return ``start`` as a pair of floats if each coordinate lies in :data:`START_RANGE`, else raise."""
    if isinstance(start, (str, bytes)) or not isinstance(start, Iterable):
        raise TypeError(f"start must be a pair of numbers (x1, x2); got {start!r}")
    values = tuple(start)
    if len(values) != 2:
        raise ValueError(f"start must be a pair of numbers (x1, x2); got {len(values)} values: {start!r}")
    return tuple(  # type: ignore[return-value]
        _in_range(f"start[{i}]", v, *START_RANGE[i], what=f"a number (x{i + 1})") for i, v in enumerate(values)
    )


def check_show(show: Any) -> tuple[str, ...]:
    """Return the method names of ``show`` in :data:`METHODS` order, or raise for anything else."""
    if isinstance(show, str) or not isinstance(show, Iterable):
        raise TypeError(f"show must be a collection of method names from {METHODS}, such as "
                        f"('gd', 'adagrad'); got {show!r}")
    names = tuple(show)
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise ValueError(f"show must name methods from {METHODS}; got {unknown[0]!r}")
    return tuple(name for name in METHODS if name in names)


def check_settings(
    eta: float, theta: float, steps: int, noise: float = DEFAULTS["noise"], start: Any = DEFAULTS["start"],
    gamma: float = DEFAULTS["gamma"], show: Any = DEFAULTS["show"],
) -> Settings:
    """Return the settings as :class:`Settings` if each lies in the explorers' range, else raise.

    The error names the argument and its range: ``eta`` in :data:`ETA_RANGE`,
    ``theta`` (degrees) in :data:`THETA_RANGE`, ``steps`` in :data:`STEPS_RANGE`,
    ``noise`` in :data:`NOISE_RANGE`, ``gamma`` in :data:`GAMMA_RANGE` and each
    coordinate of ``start`` in :data:`START_RANGE`.
    """
    return Settings(
        eta=_in_range("eta", eta, *ETA_RANGE),
        theta=_in_range("theta", theta, *map(int, THETA_RANGE), what="a number of degrees"),
        steps=_checks.int_in_range("steps", steps, *STEPS_RANGE),
        noise=_in_range("noise", noise, *NOISE_RANGE),
        start=check_start(start),
        gamma=_in_range("gamma", gamma, *GAMMA_RANGE),
        show=check_show(show),
    )


def settings_from_attributes(attributes: Mapping[str, str]) -> Settings:
    """The settings an explorer ``<div>`` starts from: :data:`DEFAULTS`, changed by valid ``data-*`` attributes.

    ``attributes`` maps names such as ``"data-theta"`` to their text. As in
    the web explorer, a value that is not a number in range is ignored, so a
    page never breaks on a typo: ``data-theta="45"`` starts at θ = 45°.
    """
    values: dict[str, Any] = dict(DEFAULTS)
    for key in ("eta", "theta", "steps", "noise", "gamma"):
        text = attributes.get(f"data-{key}")
        if text is None:
            continue
        try:
            number = float(text)
            value: Any = int(number) if key == "steps" and number == int(number) else number
            check_settings(**(dict(values) | {key: value}))
        except (TypeError, ValueError, OverflowError):
            continue
        values[key] = value
    if "data-start" in attributes:
        try:
            values["start"] = check_start(float(v) for v in attributes["data-start"].split(","))
        except (TypeError, ValueError):
            pass
    if "data-show" in attributes:
        try:
            values["show"] = check_show(v.strip() for v in attributes["data-show"].split(",") if v.strip())
        except (TypeError, ValueError):
            pass
    return check_settings(**values)


# -- the runs ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _noise_table() -> np.ndarray:
    table = np.random.default_rng(NOISE_SEED).standard_normal((STEPS_RANGE[1], 2))
    table.setflags(write=False)
    return table


def noise_table() -> np.ndarray:
    """The explorers' noise, ``numpy.random.default_rng(0).standard_normal((100, 2))`` (read-only).

    Row t - 1 is :math:`z_t`, the noise of step t, for every method alike.
    """
    return _noise_table()


def gradient(theta: float, noise: float = 0.0) -> Callable[[float, float], tuple[float, float]]:
    """The gradient the explorers' methods see: :math:`\\nabla f_\\theta(x) + \\sigma z_t` at call t.

    With ``noise`` (σ) zero it is :meth:`RotatedQuadratic.grad` itself;
    otherwise each call takes the next row of :func:`noise_table`, so every
    new gradient function starts again at :math:`z_1`.
    """
    f_grad = RotatedQuadratic(theta).grad
    if noise == 0:
        return f_grad
    rows = iter(noise_table().tolist())

    def noisy_grad(x1: float, x2: float) -> tuple[float, float]:
        g1, g2 = f_grad(x1, x2)
        z1, z2 = next(rows)
        return g1 + noise * z1, g2 + noise * z2

    return noisy_grad


def trainers(eta: float, gamma: float = RMSPROP_GAMMA) -> dict[str, Callable[..., Any]]:
    """The three step rules of :mod:`d2lmini.steps2d` at base rate η (RMSProp with γ), ε = :data:`EPS`."""
    return {"gd": make_gd_2d(eta), "adagrad": make_adagrad_2d(eta, EPS), "rmsprop": make_rmsprop_2d(eta, gamma, EPS)}


def run_2d(
    trainer: Callable[..., Any], steps: int, f_grad: Callable[..., Any], start: tuple[float, float]
) -> np.ndarray:
    """The states ``(x1, x2, s1, s2)`` of ``steps`` calls of ``trainer`` from ``(*start, 0, 0)``, shape (steps + 1, 4).

    The loop of :func:`~d2lmini.train2d.trajectory_2d`, from any start, for
    trusted trainers and settings: a diverging run goes on quietly (Python's
    float arithmetic overflows to inf without raising).
    """
    states = np.empty((steps + 1, 4))
    state = (start[0], start[1], 0.0, 0.0)
    states[0] = state
    for t in range(1, steps + 1):
        state = trainer(*state, f_grad)
        states[t] = state
    return states


@dataclass(frozen=True)
class Exploration:
    """The three runs for one setting of the explorer.

    ``settings`` holds the checked inputs. ``runs[m]`` holds method m's
    states ``(x1, x2, s1, s2)`` with shape ``(steps + 1, 4)``, row 0 being the
    start; ``gd``, ``adagrad`` and ``rmsprop`` are short for them. ``rates[m]``
    (adaptive methods only) has shape ``(steps, 2)``: row t - 1 is
    η/√(s_t + ε) for both coordinates. ``diverged_at[m]`` is the first step at
    which a coordinate exceeded :data:`~d2lmini.divergence.DIVERGENCE_BOUND` in
    magnitude (or became non-finite), else ``None``; ``diverging[m]`` is
    :func:`is_diverging`. All three methods are run whatever ``show`` says.
    """

    settings: Settings
    runs: Mapping[str, np.ndarray]
    rates: Mapping[str, np.ndarray]
    diverged_at: Mapping[str, int | None]
    diverging: Mapping[str, bool]

    eta = property(lambda self: self.settings.eta)
    theta = property(lambda self: self.settings.theta)
    steps = property(lambda self: self.settings.steps)
    gd = property(lambda self: self.runs["gd"])
    adagrad = property(lambda self: self.runs["adagrad"])
    rmsprop = property(lambda self: self.runs["rmsprop"])


def explore_data(
    eta: float, theta: float, steps: int, *, noise: float = DEFAULTS["noise"], start: Any = DEFAULTS["start"],
    gamma: float = DEFAULTS["gamma"],
) -> Exploration:
    """Run GD, Adagrad and RMSProp (ε = 1e-6) for ``steps`` steps from ``start`` on :math:`f_\\theta`.

    Every method sees :math:`\\nabla f_\\theta(x_{t-1}) + \\sigma z_t` with
    σ = ``noise`` and the same :math:`z_t` (see :func:`gradient`); RMSProp
    forgets with ``gamma``. Each argument must lie in the explorers' range
    (see :func:`check_settings`). A diverging run is recorded, not warned
    about: the explorers report it themselves.
    """
    settings = check_settings(eta, theta, steps, noise, start, gamma)
    runs = {
        name: run_2d(trainer, settings.steps, gradient(settings.theta, settings.noise), settings.start)
        for name, trainer in trainers(settings.eta, settings.gamma).items()
    }
    return Exploration(
        settings=settings,
        runs=MappingProxyType(runs),
        rates=MappingProxyType({name: effective_rates(runs[name], settings.eta) for name in ADAPTIVE_METHODS}),
        diverged_at=MappingProxyType({name: diverged_at(states) for name, states in runs.items()}),
        diverging=MappingProxyType({name: is_diverging(states) for name, states in runs.items()}),
    )


def diverged_at(states: np.ndarray) -> int | None:
    """First row whose ``x1`` or ``x2`` has diverged (:mod:`d2lmini.divergence`), else ``None``."""
    return first_divergence(np.asarray(states, dtype=float)[:, :2])


def distances(states: np.ndarray) -> list[float]:
    """The distance :math:`\\sqrt{x_1^2 + x_2^2}` of each state to the minimum (0, 0), computed as the web page does."""
    return [math.sqrt(x1 * x1 + x2 * x2) for x1, x2 in np.asarray(states, dtype=float)[:, :2].tolist()]


def is_diverging(states: np.ndarray) -> bool:
    """Whether a run is diverging: it has left every bound, or it keeps moving away from the minimum.

    With :math:`d_t` the distance to the minimum, :math:`T` the last step
    and :math:`w = \\min(W, T)` for :math:`W` = :data:`DIVERGING_WINDOW`, a
    run is diverging if a coordinate exceeded
    :data:`~d2lmini.divergence.DIVERGENCE_BOUND` (or stopped being finite), or if

    .. math::

        d_{T-w} < d_{T-w+1} < \\dots < d_T
        \\quad\\text{and}\\quad d_T > F \\max(d_{T-w},\\, d_0)

    with :math:`F` = :data:`DIVERGING_FACTOR`: its distance grew at each of
    the last :math:`W` steps, to more than twice where it was before them and
    twice where it started. A steady growth like gradient descent's beyond
    η = 0.5 meets this; the jitter of noise near the minimum and the bounded
    excursions of the adaptive methods rarely do.

    >>> f_grad = RotatedQuadratic(0).grad
    >>> [is_diverging(run_2d(make_gd_2d(eta), 20, f_grad, (-5.0, -2.0))) for eta in (0.4, 0.45, 0.6)]
    [False, False, True]
    """
    if diverged_at(states) is not None:
        return True
    steps = len(states) - 1
    w = min(DIVERGING_WINDOW, steps)
    if w < 1:
        return False
    d = distances(np.asarray(states)[[0, *range(steps - w, steps + 1)]])
    start, last = d[0], d[1:]
    growing = all(a < b for a, b in itertools.pairwise(last))
    return growing and last[-1] > DIVERGING_FACTOR * max(last[0], start)


def effective_rates(states: np.ndarray, eta: float, eps: float = EPS) -> np.ndarray:
    """The effective rates :math:`\\eta / \\sqrt{s_{t,i} + \\epsilon}` for t = 1..T.

    ``states`` are an adaptive method's ``(x1, x2, s1, s2)`` rows; the result
    has one row per step. The expression is the one of
    :func:`~d2lmini.steps2d.make_adagrad_2d` and
    :func:`~d2lmini.steps2d.make_rmsprop_2d`, so the values are bit-for-bit the
    rates that moved the iterate.
    """
    eta = _checks.positive_float("eta", eta)
    eps = _checks.positive_float("eps", eps)
    states = np.asarray(states, dtype=float)
    if states.ndim != 2 or states.shape[1] != 4 or states.shape[0] < 2:
        raise ValueError(
            f"states must have shape (steps + 1, 4) with steps >= 1, as trajectory_2d returns; got {states.shape}"
        )
    return eta / np.sqrt(states[1:, 2:] + eps)


# -- what the explorers print ------------------------------------------------------------


def format_point(x1: float, x2: float) -> str:
    """``'x1: {x1:f}, x2: {x2:f}'``, the number format of ``train_2d``'s last line."""
    return f"x1: {x1:f}, x2: {x2:f}"


def final_line(states: np.ndarray) -> str:
    """The line ``train_2d`` prints for these states: ``epoch T, x1: ..., x2: ...``."""
    states = np.asarray(states, dtype=float)
    return f"epoch {states.shape[0] - 1}, {format_point(*states[-1, :2])}"


def status_line(data: Exploration, method: str) -> str:
    """The explorers' status of one method: its distance to the minimum, and "diverging" when it is.

    >>> status_line(explore_data(0.4, 0, 20), "adagrad")
    '2.388 from the minimum'
    >>> status_line(explore_data(5.0, 0, 20), "adagrad")
    'less than 0.0005 from the minimum'
    >>> status_line(explore_data(0.6, 0, 20), "gd")
    'diverging: 1673.365 from the minimum, and growing'
    """
    text = f"{distances(data.runs[method][-1:])[0]:.3f}"
    if not data.diverging[method]:
        return "less than 0.0005 from the minimum" if text == "0.000" else f"{text} from the minimum"
    if data.diverged_at[method] is not None:
        return f"diverging: past the divergence bound since step {data.diverged_at[method]}"
    return f"diverging: {text} from the minimum, and growing"


# -- geometry of the trajectory panel ------------------------------------------------------


def view_box(start: Any = DEFAULTS["start"]) -> tuple[float, float, float, float]:
    """The trajectory view ``(x_lo, x_hi, y_lo, y_hi)``, centred on the minimum, chosen from the start alone.

    Its half-width is the smallest of :data:`VIEW_HALF_WIDTHS` that holds
    :data:`VIEW_MARGIN` times the start's coordinates, its half-height that
    divided by :data:`VIEW_ASPECT`. So the axes hold still while η, the steps,
    the noise or the methods shown change, and a path that leaves the view is
    cut at its edge instead of rescaling it.

    >>> view_box((-5.0, -2.0))
    (-6.0, 6.0, -4.5, 4.5)
    """
    x1, x2 = check_start(start)
    for half in VIEW_HALF_WIDTHS:
        if abs(x1) * VIEW_MARGIN <= half and abs(x2) * VIEW_MARGIN <= half / VIEW_ASPECT:
            break
    height = half / VIEW_ASPECT
    return (-half, half, -height, height)


def contour_levels(theta: float, start: Any = DEFAULTS["start"], box: tuple[float, ...] | None = None) -> np.ndarray:
    """Contour values :math:`c \\cdot 4^{3 - k}` for k = 0, ..., 8 (:data:`CONTOUR_COUNT`).

    :math:`c = f_\\theta(\\text{start})`, so the start lies on the fourth-widest
    ellipse and each next one is half as large. A start at the minimum has
    :math:`c = 0`; then :math:`c = a (h/2)^2` with :math:`h` the view's
    half-width, the value of :math:`f_0` halfway to the view's edge.
    """
    x1, x2 = check_start(start)
    f = RotatedQuadratic(theta)
    level = f(x1, x2)
    if not level > 0:
        half = (box or view_box((x1, x2)))[1]
        level = f.a * (half / 2) ** 2
    return level * CONTOUR_RATIO ** (CONTOUR_START_INDEX - np.arange(CONTOUR_COUNT))


def ellipse(theta: float, level: float, points: int = 73) -> np.ndarray:
    """The contour :math:`f_\\theta = c` as a closed polygon of ``points`` vertices, shape (points, 2).

    In rotated coordinates it is :math:`u = \\sqrt{c/a}\\cos t,\\ v = \\sqrt{c/b}\\sin t`;
    turning back by θ gives :math:`x = (u\\cos\\theta - v\\sin\\theta,\\ u\\sin\\theta + v\\cos\\theta)`.
    """
    f = RotatedQuadratic(theta)
    level = _checks.positive_float("level", level)
    points = _checks.int_in_range("points", points, 4, 10_000)
    t = np.linspace(0.0, 2.0 * math.pi, points)
    u, v = math.sqrt(level / f.a) * np.cos(t), math.sqrt(level / f.b) * np.sin(t)
    return np.column_stack([u * f.cos - v * f.sin, u * f.sin + v * f.cos])


EDGES: tuple[str, ...] = ("left", "right", "bottom", "top")
"""The view's edges, in the order of :func:`clip_path`'s edge numbers."""


def _inside(x: float, y: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= x <= box[1] and box[2] <= y <= box[3]


def _clamp(value: float, lo: float, hi: float) -> float:
    return float(min(max(value, lo), hi))


def clip_path(
    points: np.ndarray, box: tuple[float, float, float, float]
) -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    """Cut a polyline to the rectangle ``box``: the visible pieces and the points where it leaves.

    Returns ``(polyline, exits)``. ``polyline`` has the visible pieces
    separated by a row of NaN; each segment is clipped (Liang–Barsky), so
    plotting libraries never see coordinates like 1e159, and a segment
    between two points outside the box is left out: a path that has left is
    drawn again only where it comes back. ``exits`` lists
    ``(x, y, edge)`` for every segment that leaves the box, with the point on
    the edge and the edge's index in :data:`EDGES`. The polyline stops at its
    first point beyond :data:`~d2lmini.divergence.DIVERGENCE_BOUND`: between two
    later points, both astronomically far, where a segment would cross the
    view is lost to rounding, so drawing it would show noise.
    """
    x_lo, x_hi, y_lo, y_hi = box
    pts = np.asarray(points, dtype=float)[:, :2]
    first_out = diverged_at(pts)
    if first_out is not None:
        pts = pts[: first_out + 1]
    out: list[tuple[float, float]] = []
    exits: list[tuple[float, float, int]] = []
    pen: tuple[float, float] | None = None
    for (ax_, ay), (bx, by) in zip(pts[:-1].tolist(), pts[1:].tolist()):
        if not (math.isfinite(ax_) and math.isfinite(ay) and math.isfinite(bx) and math.isfinite(by)):
            pen = None
            continue
        if not (_inside(ax_, ay, box) or _inside(bx, by, box)):  # has left: drawn again where it comes back
            pen = None
            continue
        dx, dy = bx - ax_, by - ay
        t0, t1, exit_edge = 0.0, 1.0, -1
        visible = True
        for edge, (p, q) in enumerate(((-dx, ax_ - x_lo), (dx, x_hi - ax_), (-dy, ay - y_lo), (dy, y_hi - ay))):
            if p == 0:
                if q < 0:
                    visible = False
                    break
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            elif r < t1:
                t1, exit_edge = r, edge
            if t0 > t1:
                visible = False
                break
        if not visible:
            pen = None
            continue
        # a cut point may miss the edge by a rounding error; put it on the edge
        start = (ax_, ay)
        if t0 > 0:
            start = (_clamp(ax_ + t0 * dx, x_lo, x_hi), _clamp(ay + t0 * dy, y_lo, y_hi))
        end = (bx, by)
        if t1 < 1:
            end = (_clamp(ax_ + t1 * dx, x_lo, x_hi), _clamp(ay + t1 * dy, y_lo, y_hi))
            exits.append((end[0], end[1], exit_edge))
        if pen != start:
            if out:
                out.append((math.nan, math.nan))
            out.append(start)
        out.append(end)
        pen = end if t1 == 1 else None
    if not out and len(pts) and all(map(math.isfinite, pts[0])):
        x, y = pts[0]
        if x_lo <= x <= x_hi and y_lo <= y <= y_hi:
            out.append((float(x), float(y)))
    return np.array(out, dtype=float).reshape(-1, 2), exits


def clip_polyline(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The visible pieces of a polyline inside ``box``, separated by NaN rows (see :func:`clip_path`)."""
    return clip_path(points, box)[0]


# -- the web explorer's constants ----------------------------------------------------------


def web_constants() -> dict[str, Any]:
    """Every constant the web explorer uses, under this module's names, ready for JSON.

    The Sphinx extension ``_ext/live_figures.py`` writes this into the built
    book, so the JavaScript retypes nothing: the objective's coefficients,
    ε, the defaults and ranges, the η notches, the noise table, the view,
    contour and divergence rules, the book's colours
    (:data:`d2lmini.style.COLORS`) and line styles, and the markers. ``COS_SIN[k]`` is ``(cos θ, sin θ)`` for
    θ = k degrees as :class:`RotatedQuadratic` computes them, so the browser
    uses Python's own values of the trigonometric functions for every whole
    degree.
    """
    from .style import COLORS, LINESTYLES  # plain data: imports no plotting library

    f = RotatedQuadratic()
    degrees = range(int(THETA_RANGE[0]), int(THETA_RANGE[1]) + 1)
    return {
        "A": f.a, "B": f.b, "EPS": EPS, "DIVERGENCE_BOUND": DIVERGENCE_BOUND,
        "METHODS": list(METHODS), "METHOD_LABELS": dict(METHOD_LABELS), "ADAPTIVE_METHODS": list(ADAPTIVE_METHODS),
        "DEFAULTS": {k: list(v) if isinstance(v, tuple) else v for k, v in DEFAULTS.items()},
        "ETA_RANGE": list(ETA_RANGE), "ETA_NOTCHES": list(ETA_NOTCHES), "THETA_RANGE": list(THETA_RANGE),
        "STEPS_RANGE": list(STEPS_RANGE), "NOISE_RANGE": list(NOISE_RANGE), "NOISE_STEP": NOISE_STEP,
        "GAMMA_RANGE": list(GAMMA_RANGE), "GAMMA_STEP": GAMMA_STEP,
        "START_RANGE": [list(r) for r in START_RANGE], "START_STEP": START_STEP,
        "NOISE_TABLE": noise_table().tolist(),
        "COS_SIN": [[q.cos, q.sin] for q in (RotatedQuadratic(float(k)) for k in degrees)],
        "VIEW_HALF_WIDTHS": list(VIEW_HALF_WIDTHS), "VIEW_ASPECT": VIEW_ASPECT, "VIEW_MARGIN": VIEW_MARGIN,
        "RATE_RANGE": list(RATE_RANGE),
        "CONTOUR_COUNT": CONTOUR_COUNT, "CONTOUR_RATIO": CONTOUR_RATIO, "CONTOUR_START_INDEX": CONTOUR_START_INDEX,
        "DIVERGING_WINDOW": DIVERGING_WINDOW, "DIVERGING_FACTOR": DIVERGING_FACTOR,
        "COLORS": {name: COLORS[name] for name in (*METHODS, "contour", "reference")},
        "LINESTYLES": {name: LINESTYLES[name] for name in METHODS},
        "RATE_LINESTYLES": dict(RATE_LINESTYLES), "SVG_DASHES": dict(SVG_DASHES), "MARKER_SHAPES": dict(MARKER_SHAPES),
    }
