"""The numbers behind the preconditioning figure: Jacobi scaling of a turned bowl.

For a rotation θ (degrees) and a condition number κ ≥ 1 the figure's
quadratic is :math:`\\tfrac12 \\mathbf{x}^\\top \\mathbf{H} \\mathbf{x}` with

.. math::

    \\mathbf{H}(\\theta, \\kappa) = \\mathbf{U}^\\top
        \\operatorname{diag}(\\lambda_1, \\kappa \\lambda_1)\\, \\mathbf{U},
    \\qquad
    \\mathbf{U} = \\begin{pmatrix} \\cos\\theta & \\sin\\theta \\\\
                                 -\\sin\\theta & \\cos\\theta \\end{pmatrix},
    \\qquad \\lambda_1 = 0.2 ,

where :math:`(u, v) = \\mathbf{U}\\mathbf{x}` are the coordinates of
:class:`~d2lmini.objectives.RotatedQuadratic`. So :math:`\\mathbf{H}(\\theta, 20)`
is ``RotatedQuadratic(theta).hessian()``, the book's bowl :math:`f_\\theta`.
With :math:`\\lambda_2 = \\kappa\\lambda_1`, :math:`c = \\cos\\theta`, :math:`s = \\sin\\theta`:

.. math::

    H_{11} = \\lambda_1 c^2 + \\lambda_2 s^2, \\quad
    H_{22} = \\lambda_1 s^2 + \\lambda_2 c^2, \\quad
    H_{12} = (\\lambda_1 - \\lambda_2)\\, s c .

**Jacobi scaling** divides by the diagonal :math:`\\mathbf{D} = \\operatorname{diag}(\\mathbf{H})`:

.. math::

    \\tilde{\\mathbf{H}} = \\mathbf{D}^{-1/2} \\mathbf{H} \\mathbf{D}^{-1/2}
    = \\begin{pmatrix} 1 & \\rho \\\\ \\rho & 1 \\end{pmatrix},
    \\qquad \\rho = \\frac{H_{12}}{\\sqrt{H_{11} H_{22}}} .

**Gershgorin's discs** of a matrix :math:`\\mathbf{M}` are centred at
:math:`M_{jj}` with radius :math:`R_j = \\sum_{k \\ne j} |M_{jk}|`; every
eigenvalue lies in one of them. For these symmetric matrices the eigenvalues
are real, so a disc is read as the interval :math:`[M_{jj} - R_j, M_{jj} + R_j]`.
After scaling both discs are centred at 1 with radius :math:`|\\rho|`.

**Eigenvalues and condition numbers.** A symmetric 2 × 2 matrix
:math:`\\bigl(\\begin{smallmatrix} a & b \\\\ b & d \\end{smallmatrix}\\bigr)`
has the eigenvalues :math:`m \\pm r` with :math:`m = (a + d)/2` and
:math:`r = \\sqrt{((a - d)/2)^2 + b^2}`; the condition number is
:math:`\\kappa = (m + r)/(m - r)`. So :math:`\\kappa(\\mathbf{H}) = \\kappa` and
:math:`\\kappa(\\tilde{\\mathbf{H}}) = (1 + |\\rho|)/(1 - |\\rho|)`, which is 1 only
when the bowl is aligned with the axes (θ a multiple of 90°) and κ at 45°.

The web figure (``live-figures/preconditioning.js``) receives
:func:`web_constants` at build time and repeats these operations in the same
order; the notebook figure (:func:`d2lmini.widgets.explore_preconditioning`)
draws :func:`analyse`. This module imports neither matplotlib nor ipywidgets.

>>> state = analyse(theta=45, kappa=20)
>>> f"{state.kappa_before:.2f} {state.kappa_jacobi:.2f}"
'20.00 20.00'
>>> f"{analyse(theta=0, kappa=20).kappa_jacobi:.2f}"
'1.00'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from . import _checks
from .objectives import RotatedQuadratic
from .style import COLORS

_BOOK_BOWL = RotatedQuadratic()
SMALL_EIGENVALUE = 2 * _BOOK_BOWL.a
"""λ₁ = 0.2, the smaller curvature of the book's bowl (2a of :class:`RotatedQuadratic`)."""
BOOK_KAPPA = _BOOK_BOWL.b / _BOOK_BOWL.a
"""κ = 20, the condition number of the book's bowl f_θ (its curvatures 0.2 and 4)."""

THETA_RANGE: tuple[float, float] = (0.0, 180.0)
"""The figure's range for θ, in degrees."""
THETA_STEP = 0.5
"""The θ slider's step in degrees: it lands on 22.5° and 67.5°, where a disc of H reaches furthest."""
KAPPA_RANGE: tuple[float, float] = (1.0, 100.0)
"""The figure's range for the condition number κ."""
NOTCH_MANTISSAS: tuple[str, ...] = ("1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "8")
"""The κ slider's values in each decade (as the explorer's η slider)."""
KAPPA_NOTCHES: tuple[float, ...] = tuple(float(f"{m}e{k}") for k in (0, 1) for m in NOTCH_MANTISSAS) + (100.0,)
"""The κ slider's notches from 1 to 100 on a logarithmic scale: 1, 1.2, 1.5, ..., 80, 100 (it lands on 20)."""
DEFAULTS = MappingProxyType({"theta": 30.0, "kappa": BOOK_KAPPA})
"""Where the figure starts: the book's bowl turned by 30°, between aligned (0°) and hopeless (45°)."""
LEVELS: tuple[float, ...] = (1.0, 2.0, 3.0)
"""The level sets drawn, as radii r of xᵀMx = r² (each family scaled so that its widest ellipse fits)."""


@dataclass(frozen=True)
class Scaling:
    """What the figure shows for one setting (θ, κ); see the module's docstring for the math.

    ``hessian`` is H, ``scaled`` is D^(-1/2) H D^(-1/2); ``centers_*`` and
    ``radii_*`` are the Gershgorin discs of each (one per row);
    ``eigenvalues_*`` are ascending; ``kappa_before`` is κ(H) and
    ``kappa_jacobi`` is κ after Jacobi scaling.
    """

    theta: float
    kappa: float
    hessian: np.ndarray
    scaled: np.ndarray
    rho: float
    centers_before: tuple[float, float]
    radii_before: tuple[float, float]
    centers_after: tuple[float, float]
    radii_after: tuple[float, float]
    eigenvalues_before: tuple[float, float]
    eigenvalues_after: tuple[float, float]
    kappa_before: float
    kappa_jacobi: float


def check_setting(theta: Any, kappa: Any) -> tuple[float, float]:
    """Return ``(theta, kappa)`` as floats if θ (degrees) lies in :data:`THETA_RANGE` and κ in :data:`KAPPA_RANGE`."""
    theta = _checks.finite_float("theta", theta)
    if not THETA_RANGE[0] <= theta <= THETA_RANGE[1]:
        raise ValueError(f"theta must be a number of degrees in [{THETA_RANGE[0]:g}, {THETA_RANGE[1]:g}]; "
                         f"got {theta!r}")
    kappa = _checks.finite_float("kappa", kappa)
    if not KAPPA_RANGE[0] <= kappa <= KAPPA_RANGE[1]:
        raise ValueError(f"kappa must be a condition number in [{KAPPA_RANGE[0]:g}, {KAPPA_RANGE[1]:g}]; "
                         f"got {kappa!r}")
    return theta, kappa


def hessian(theta: float, kappa: float = BOOK_KAPPA) -> np.ndarray:
    """H(θ, κ) = Uᵀ diag(λ₁, κλ₁) U with λ₁ = 0.2, from its entries (θ in degrees).

    >>> bool(np.allclose(hessian(30), RotatedQuadratic(30).hessian(), rtol=0, atol=1e-15))
    True
    """
    theta, kappa = check_setting(theta, kappa)
    bowl = RotatedQuadratic(theta)  # its cos and sin: the same rotation as f_theta
    c, s = bowl.cos, bowl.sin
    lam1 = SMALL_EIGENVALUE
    lam2 = lam1 * kappa
    h11 = lam1 * c * c + lam2 * s * s
    h22 = lam1 * s * s + lam2 * c * c
    h12 = (lam1 - lam2) * s * c
    return np.array([[h11, h12], [h12, h22]])


def _square(name: str, matrix: Any) -> np.ndarray:
    M = np.asarray(matrix, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0 or not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be a square matrix of finite numbers; got shape {M.shape}")
    return M


def jacobi(matrix: Any) -> np.ndarray:
    """D^(-1/2) M D^(-1/2) with D = diag(M): entry (j, k) is M_jk / √(M_jj M_kk), so the diagonal is 1.

    Needs a positive diagonal (true for every positive definite M).

    >>> jacobi([[4.0, 1.0], [1.0, 1.0]]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    M = _square("matrix", matrix)
    diagonal = np.diag(M)
    if not np.all(diagonal > 0):
        raise ValueError(f"matrix must have a positive diagonal for Jacobi scaling; got {diagonal.tolist()}")
    return M / np.sqrt(np.outer(diagonal, diagonal))  # exactly symmetric, exactly 1 on the diagonal


def gershgorin(matrix: Any) -> tuple[np.ndarray, np.ndarray]:
    """Gershgorin's discs of M by rows: the centres M_jj and the radii R_j = Σ_{k≠j} |M_jk|.

    >>> centers, radii = gershgorin([[2.0, -1.0], [0.5, 3.0]])
    >>> centers.tolist(), radii.tolist()
    ([2.0, 3.0], [1.0, 0.5])
    """
    M = _square("matrix", matrix)
    centers = np.diag(M).copy()
    off = np.abs(M)
    np.fill_diagonal(off, 0.0)
    return centers, off.sum(axis=1)


def eigenvalues_2x2(matrix: Any) -> tuple[float, float]:
    """The eigenvalues m − r ≤ m + r of a symmetric 2 × 2 matrix [[a, b], [b, d]], in closed form.

    m = (a + d)/2 and r = √(((a − d)/2)² + b²); the web figure uses the same formula.

    >>> eigenvalues_2x2([[2.0, 1.0], [1.0, 2.0]])
    (1.0, 3.0)
    """
    M = _square("matrix", matrix)
    if M.shape != (2, 2) or M[0, 1] != M[1, 0]:
        raise ValueError(f"matrix must be a symmetric 2 x 2 matrix; got {M.tolist()}")
    a, b, d = float(M[0, 0]), float(M[0, 1]), float(M[1, 1])
    m = (a + d) / 2
    half = (a - d) / 2
    r = math.sqrt(half * half + b * b)
    return m - r, m + r


def condition_number(eigenvalues: tuple[float, float]) -> float:
    """λ_max / λ_min of a positive definite matrix, from its ascending eigenvalues."""
    low, high = eigenvalues
    if not low > 0:
        raise ValueError(f"eigenvalues must be positive for a condition number; got {eigenvalues!r}")
    return high / low


def analyse(theta: float = DEFAULTS["theta"], kappa: float = DEFAULTS["kappa"]) -> Scaling:
    """Everything the figure shows at θ (degrees) and κ: H, its Jacobi scaling, their discs, eigenvalues and κ's."""
    theta, kappa = check_setting(theta, kappa)
    H = hessian(theta, kappa)
    scaled = jacobi(H)
    rho = float(scaled[0, 1])
    before, after = gershgorin(H), gershgorin(scaled)
    eig_before, eig_after = eigenvalues_2x2(H), eigenvalues_2x2(scaled)
    return Scaling(
        theta=theta, kappa=kappa, hessian=H, scaled=scaled, rho=rho,
        centers_before=tuple(map(float, before[0])), radii_before=tuple(map(float, before[1])),
        centers_after=tuple(map(float, after[0])), radii_after=tuple(map(float, after[1])),
        eigenvalues_before=eig_before, eigenvalues_after=eig_after,
        kappa_before=condition_number(eig_before), kappa_jacobi=condition_number(eig_after),
    )


def rho_label(rho: float) -> str:
    """ρ as the figures print it: three decimals, a rounded −0.000 as 0.000, with the minus sign U+2212.

    >>> rho_label(-0.8785882539782275), rho_label(-2.6e-16)
    ('−0.879', '0.000')
    """
    text = f"{rho:.3f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", "\u2212")


def kappa_jacobi_curve(kappa: float, thetas: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """κ after Jacobi scaling against θ, for the small curve: ``(thetas, kappas)``.

    By default θ = 0, 1, ..., 180 degrees, the web figure's samples; each value
    is :func:`analyse`'s ``kappa_jacobi``.
    """
    grid = np.arange(THETA_RANGE[0], THETA_RANGE[1] + 1) if thetas is None else np.asarray(thetas, dtype=float)
    return grid, np.array([analyse(float(t), kappa).kappa_jacobi for t in grid])


def disc_view(kappa: float) -> tuple[float, float]:
    """The x range of the panel with H's discs: it holds every disc and eigenvalue at every θ, and 0.

    With Δ = λ₂ − λ₁, H₁₁ ± |H₁₂| and H₂₂ ± |H₁₂| stay within
    [λ₁ − (√2 − 1)Δ/2, λ₁ + (√2 + 1)Δ/2] (the extremes fall at θ = 22.5° and
    67.5°), so the view depends on κ only and holds still while θ turns.
    """
    _, kappa = check_setting(0.0, kappa)
    lam1 = SMALL_EIGENVALUE
    delta = lam1 * kappa - lam1
    low = min(0.0, lam1 - (math.sqrt(2) - 1) / 2 * delta)
    high = max(2 * lam1, lam1 + (math.sqrt(2) + 1) / 2 * delta)
    pad = 0.04 * (high - low)
    return (low - pad if low < 0 else low), high + pad


SCALED_VIEW: tuple[float, float] = (0.0, 2.0)
"""The x range of the panel with the scaled discs: centred at 1 with radius |ρ| < 1, they lie in (0, 2)."""


def settings_from_attributes(attributes: Mapping[str, str]) -> tuple[float, float]:
    """The setting a figure ``<div>`` starts from: :data:`DEFAULTS`, changed by valid ``data-theta``/``data-kappa``.

    As in the web figure, a value that is not a number in range is ignored.
    """
    values = dict(DEFAULTS)
    for key in ("theta", "kappa"):
        text = attributes.get(f"data-{key}")
        if text is None:
            continue
        try:
            candidate = dict(values) | {key: float(text)}
            check_setting(candidate["theta"], candidate["kappa"])
        except (TypeError, ValueError):
            continue
        values = candidate
    return values["theta"], values["kappa"]


def web_constants() -> dict[str, Any]:
    """Every constant the web figure uses, under the names of this module (JSON-ready).

    ``COS_SIN[k]`` is ``(cos, sin)`` of k degrees as :class:`RotatedQuadratic`
    computes them, so that for whole degrees the page repeats Python's
    arithmetic bit for bit.
    """
    cos_sin = [[RotatedQuadratic(float(k)).cos, RotatedQuadratic(float(k)).sin]
               for k in range(int(THETA_RANGE[0]), int(THETA_RANGE[1]) + 1)]
    return {
        "SMALL_EIGENVALUE": SMALL_EIGENVALUE,
        "BOOK_KAPPA": BOOK_KAPPA,
        "THETA_RANGE": list(THETA_RANGE),
        "THETA_STEP": THETA_STEP,
        "KAPPA_RANGE": list(KAPPA_RANGE),
        "KAPPA_NOTCHES": list(KAPPA_NOTCHES),
        "DEFAULTS": dict(DEFAULTS),
        "LEVELS": list(LEVELS),
        "SCALED_VIEW": list(SCALED_VIEW),
        "DISC_VIEW_FACTORS": [(math.sqrt(2) - 1) / 2, (math.sqrt(2) + 1) / 2, 0.04],
        "COS_SIN": cos_sin,
        "COLORS": {"before": COLORS["reference"], "after": COLORS["adagrad"], "contour": COLORS["contour"]},
    }
